/* SPDX-License-Identifier: MIT */
/*
 * The one boot record every entry stub fills in (multiboot2, PVH, Xen PV)
 * before calling start_kernel().  Core code reads only this.
 */
#ifndef PVK_BOOTINFO_H
#define PVK_BOOTINFO_H

#include <pvk/types.h>
#include <pvk/memmap.h>

#define BOOT_CMDLINE_MAX	1024
#define BOOT_MODULES_MAX	8
#define BOOT_MODULE_CMDLINE_MAX	128

struct boot_module {
	u64 start;
	u64 len;
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

#define BOOT_LOADER_NAME_MAX	64

/* Where a multiboot2 boot record's memory map and RSDP came from. */
#define BOOT_SRC_EFI_MMAP	"EFI memory map"
#define BOOT_SRC_MB2_MMAP	"multiboot2 memory map"
#define BOOT_SRC_MEMINFO	"basic meminfo"
#define BOOT_SRC_ACPI_NEW	"ACPI 2.0 tag"
#define BOOT_SRC_ACPI_OLD	"ACPI 1.0 tag"
#define BOOT_SRC_EFI_ACPI_NEW	"EFI configuration table (ACPI 2.0)"
#define BOOT_SRC_EFI_ACPI_OLD	"EFI configuration table (ACPI 1.0)"

struct boot_record {
	const char *entry;		/* "multiboot2", "pvh", "xen-pv" */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader_name[BOOT_LOADER_NAME_MAX];	/* "" when not given */
	struct memmap memmap;
	const char *memmap_source;	/* a BOOT_SRC_*; NULL when not told */
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int nr_modules;
	u64 rsdp_phys;			/* 0: not given (BIOS: scan for it) */
	const char *rsdp_source;	/* a BOOT_SRC_*; NULL when not told */
	/*
	 * The loader started from UEFI (it passed EFI tags).  There are no
	 * legacy BIOS areas then, so nothing may be searched for in them.
	 */
	bool efi;
	u64 efi_systab;			/* EFI system table; 0: not given */
	void *platform_info;		/* entry-specific (e.g. Xen start_info) */
	unsigned int nr_warnings;	/* malformed items seen and skipped */
};

__noreturn void start_kernel(struct boot_record *br);

#endif /* PVK_BOOTINFO_H */
