/* SPDX-License-Identifier: MIT */
/*
 * Fake physical memory for the boot-information fuzz targets
 * (fuzz_multiboot2.c, fuzz_pvh.c) and what the parsers link against.
 *
 * The fuzzer's bytes are the loader's memory: physical address 0 is the
 * first input byte and everything at or past the input's length is
 * unmapped (boot_phys_ptr() says NULL).  The bytes sit at the very end of
 * a readable mapping whose next page is PROT_NONE, so a read past the
 * input faults even without the sanitizers.  Physical 0 stays 16-byte
 * aligned on the host, so an address the loader chose is as (mis)aligned
 * as on hardware; the up to 15 bytes between the input's end and the
 * guard page are poisoned for AddressSanitizer.  Inside the input, only
 * ranges the parser asked boot_phys_ptr() for are readable: the rest is
 * poisoned too, so a read past a length the parser checked is caught.
 */
#ifndef PVK_FUZZ_BOOT_MEM_H
#define PVK_FUZZ_BOOT_MEM_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sanitizer/asan_interface.h>
#include "../../arch/x86/boot/boot.h"

/* Largest input the targets accept (libFuzzer's -max_len is smaller). */
#define BOOT_MEM_MAX	(1U << 20)
#define BOOT_MEM_PAGE	4096UL

static u8 *boot_mem_area;	/* BOOT_MEM_MAX readable, then the guard */
static u8 *boot_mem;		/* physical address 0 */
static u64 boot_mem_len;
static char boot_mem_warning[256];

const void *boot_phys_ptr(u64 phys, u64 len)
{
	if (phys >= boot_mem_len || len > boot_mem_len - phys)
		return NULL;
	ASAN_UNPOISON_MEMORY_REGION(boot_mem + phys, len);
	return boot_mem + phys;
}

/* Formatted for real, so a format/argument mismatch is caught too. */
void boot_warn(struct boot_record *br, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(boot_mem_warning, sizeof(boot_mem_warning), fmt, ap);
	va_end(ap);
	br->nr_warnings++;
}

static void boot_mem_map(void)
{
	size_t size = BOOT_MEM_MAX + BOOT_MEM_PAGE;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect((u8 *)p + BOOT_MEM_MAX, BOOT_MEM_PAGE,
					PROT_NONE)) {
		perror("fuzz: boot memory");
		abort();
	}
	boot_mem_area = p;
}

/*
 * Lay @data out as physical memory ending at the guard page and hide all
 * of it; returns false for inputs too long to lay out.
 */
static bool boot_mem_load(const u8 *data, size_t len)
{
	size_t start;

	if (len > BOOT_MEM_MAX)
		return false;
	if (!boot_mem_area)
		boot_mem_map();
	start = BOOT_MEM_MAX - ALIGN_UP(len, (size_t)16);
	ASAN_UNPOISON_MEMORY_REGION(boot_mem_area, BOOT_MEM_MAX);
	boot_mem = boot_mem_area + start;
	boot_mem_len = len;
	if (len)
		memcpy(boot_mem, data, len);
	ASAN_POISON_MEMORY_REGION(boot_mem_area, BOOT_MEM_MAX);
	return true;
}

#endif /* PVK_FUZZ_BOOT_MEM_H */
