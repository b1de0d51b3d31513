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

struct boot_record {
	const char *entry;		/* "multiboot2", "pvh", "xen-pv" */
	char cmdline[BOOT_CMDLINE_MAX];
	struct memmap memmap;
	struct boot_module modules[BOOT_MODULES_MAX];
	unsigned int nr_modules;
	u64 rsdp_phys;			/* 0: not given, scan for it */
	void *platform_info;		/* entry-specific (e.g. Xen start_info) */
	unsigned int nr_warnings;	/* malformed items seen and skipped */
};

__noreturn void start_kernel(struct boot_record *br);

#endif /* PVK_BOOTINFO_H */
