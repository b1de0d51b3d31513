/* SPDX-License-Identifier: MIT */
/*
 * Physical memory map normalisation.
 *
 * Firmware and boot loaders hand over maps that may be unsorted, overlap
 * and use unknown types. memmap_normalise() turns such a map into a
 * sorted list of disjoint, maximally merged ranges in which the most
 * restrictive type wins wherever entries overlap.
 */
#ifndef PVK_MEMMAP_H
#define PVK_MEMMAP_H

#include <pvk/types.h>

#define MEMMAP_MAX 128

enum memmap_type {
	MEMMAP_USABLE = 1,
	MEMMAP_RESERVED,
	MEMMAP_ACPI_RECLAIM,
	MEMMAP_ACPI_NVS,
	MEMMAP_BAD,
	MEMMAP_KERNEL,
	MEMMAP_MODULE,
};

struct memmap_entry {
	u64 base;
	u64 len;
	u32 type;
};

struct memmap {
	struct memmap_entry e[MEMMAP_MAX];
	unsigned int nr;
};

int memmap_add(struct memmap *m, u64 base, u64 len, u32 type);
int memmap_normalise(struct memmap *m);
int memmap_reserve(struct memmap *m, u64 base, u64 len, u32 type);
u64 memmap_usable_bytes(const struct memmap *m);
bool memmap_covers(const struct memmap *m, u64 base, u64 len, u32 type);
const char *memmap_type_name(u32 type);
u32 memmap_type_from_firmware(u32 e820_type);

#endif /* PVK_MEMMAP_H */
