// SPDX-License-Identifier: MIT
/*
 * Fuzz target: arch/x86/kernel/acpi.c (RSDP, RSDT/XSDT, MADT, FADT with
 * its power button, HPET and the DSDT's \_S5 package), with the tables
 * in a fake physical memory as tests/test_acpi.c builds them.
 *
 * Input: one byte of flags (ACPI_FUZZ_*), eight bytes of RSDP hint
 * (little endian, 0 for none), then physical memory from address 0;
 * anything past the input is unmapped.  Each map the parser asks for is
 * a heap copy of exactly that range, so AddressSanitizer catches a read
 * past a mapped length.  Unless ACPI_FUZZ_RAW_SUMS is set, each copy that
 * starts like an RSDP or like a table of the mapped length gets its
 * checksums fixed up, so the fuzzer does not stop at them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/acpi.h>
#include "../fake_printk.h"

#define ACPI_FUZZ_NO_BIOS_SCAN	(1U << 0)	/* acpi_parse_no_bios_scan() */
#define ACPI_FUZZ_RAW_SUMS	(1U << 1)	/* checksums as they come */
#define ACPI_FUZZ_HDR		9

static const u8 *mem;
static size_t mem_len;
static bool fix_sums;
static void **maps;
static size_t nr_maps, max_maps;

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* Set p[at] so that the bytes p[0..len) add up to zero. */
static void fix_sum(u8 *p, size_t len, size_t at)
{
	u8 s = 0;
	size_t i;

	p[at] = 0;
	for (i = 0; i < len; i++)
		s += p[i];
	p[at] = (u8)-s;
}

static void fix_sums_in(u8 *p, size_t len)
{
	u32 rsdp_len;

	if (len >= 20 && !memcmp(p, "RSD PTR ", 8)) {
		fix_sum(p, 20, 8);
		rsdp_len = len >= 36 ? le32(p + 20) : 0;
		if (p[15] >= 2 && rsdp_len >= 36 && rsdp_len <= len)
			fix_sum(p, rsdp_len, 32);
	} else if (len >= 36 && le32(p + 4) == len) {
		fix_sum(p, len, 9);
	}
}

static const void *fuzz_map(u64 phys, u64 len)
{
	u8 *copy;

	if (phys >= mem_len || len > mem_len - phys)
		return NULL;
	if (nr_maps == max_maps) {
		max_maps = max_maps ? 2 * max_maps : 64;
		maps = realloc(maps, max_maps * sizeof(*maps));
		if (!maps)
			abort();
	}
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, mem + phys, len);
	if (fix_sums)
		fix_sums_in(copy, len);
	maps[nr_maps++] = copy;
	return copy;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct acpi_irq_route route;
	static struct acpi_info info;
	unsigned int irq;
	u64 hint;

	if (len < ACPI_FUZZ_HDR)
		return -1;
	memcpy(&hint, data + 1, sizeof(hint));
	mem = data + ACPI_FUZZ_HDR;
	mem_len = len - ACPI_FUZZ_HDR;
	fix_sums = !(data[0] & ACPI_FUZZ_RAW_SUMS);
	if (data[0] & ACPI_FUZZ_NO_BIOS_SCAN)
		acpi_parse_no_bios_scan(hint, fuzz_map, &info);
	else
		acpi_parse(hint, fuzz_map, &info);
	/* What the IOAPIC code asks of the overrides, out of range too. */
	for (irq = 0; irq <= ACPI_ISA_IRQS; irq++)
		acpi_isa_irq_route(&info, irq, &route);
	/* And the power button driver of the SCI's. */
	acpi_sci_route(&info, &route);
	while (nr_maps)
		free(maps[--nr_maps]);
	return 0;
}
