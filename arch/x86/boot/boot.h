/* SPDX-License-Identifier: MIT */
/* Shared by the boot-information parsers in arch/x86/boot/. */
#ifndef _ARCH_X86_BOOT_BOOT_H
#define _ARCH_X86_BOOT_BOOT_H

#include <pvk/bootinfo.h>

/*
 * Pointer to physical memory while only the early page tables exist, or
 * NULL if [phys, phys+len) is outside what they map.  Loaders hand us
 * physical addresses we must not trust blindly.
 */
const void *boot_phys_ptr(u64 phys, u64 len);

/* Copy a NUL-terminated string of at most dst_size-1 bytes from phys. */
void boot_copy_string(char *dst, size_t dst_size, u64 phys);

void boot_warn(struct boot_record *br, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void multiboot2_parse(struct boot_record *br, u64 info_phys);
void pvh_parse(struct boot_record *br, u64 info_phys);

#endif
