// SPDX-License-Identifier: MIT
/*
 * Normalise a PVH hvm_start_info (Xen's PVH loader, or QEMU's -kernel)
 * into the boot record.  The structure comes from Xen's public header.
 *
 * The PVH ABI promises no alignment for the memory map and the module
 * list, so their entries are copied out with memcpy() rather than read in
 * place: a loader's odd address must cost nothing, not rely on x86
 * tolerating misaligned loads.  The start_info itself stays in use after
 * boot (br->platform_info), so one that is not 8-byte aligned is refused,
 * as multiboot2.c refuses such an info block; Xen and QEMU align it.
 */
#include <pvk/kernel.h>
#include <asm/page.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "boot.h"

#define PVH_MEMMAP_MAX 1024

static void pvh_memmap(struct boot_record *br, const struct hvm_start_info *si)
{
	struct hvm_memmap_table_entry e;
	const u8 *table;
	u32 i, n = si->memmap_entries;

	if (si->version < 1 || !si->memmap_paddr || !n) {
		boot_warn(br, "pvh: no memory map in start_info (version %u)",
			  si->version);
		return;
	}
	if (n > PVH_MEMMAP_MAX) {
		boot_warn(br, "pvh: %u memory map entries, using %u", n, PVH_MEMMAP_MAX);
		n = PVH_MEMMAP_MAX;
	}
	table = boot_phys_ptr(si->memmap_paddr, (u64)n * sizeof(e));
	if (!table) {
		boot_warn(br, "pvh: memory map at %#llx unreachable",
			  (unsigned long long)si->memmap_paddr);
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(&e, table + (size_t)i * sizeof(e), sizeof(e));
		if (memmap_add(&br->memmap, e.addr, e.size,
			       memmap_type_from_firmware(e.type)) < 0) {
			boot_warn(br, "pvh: memory map too long, truncated");
			return;
		}
	}
}

static void pvh_modules(struct boot_record *br, const struct hvm_start_info *si)
{
	struct hvm_modlist_entry m;
	const u8 *list;
	u32 i, n = si->nr_modules;

	if (!n)
		return;
	if (n > BOOT_MODULES_MAX) {
		boot_warn(br, "pvh: %u modules, using %u", n, BOOT_MODULES_MAX);
		n = BOOT_MODULES_MAX;
	}
	list = boot_phys_ptr(si->modlist_paddr, (u64)n * sizeof(m));
	if (!list) {
		boot_warn(br, "pvh: module list unreachable");
		return;
	}
	for (i = 0; i < n; i++) {
		struct boot_module *mod = &br->modules[br->nr_modules++];

		memcpy(&m, list + (size_t)i * sizeof(m), sizeof(m));
		mod->start = m.paddr;
		mod->len = m.size;
		if (m.cmdline_paddr)
			boot_copy_string(mod->cmdline, sizeof(mod->cmdline),
					 m.cmdline_paddr);
	}
}

/**
 * pvh_parse - fill the boot record from a PVH start_info
 * @br: boot record to fill
 * @info_phys: physical address the loader passed in %ebx
 *
 * Checks the alignment, the magic value and the version before trusting
 * any field; the memory map, module list and command line are each
 * optional and a missing or unreachable one is reported and skipped.
 */
void pvh_parse(struct boot_record *br, u64 info_phys)
{
	const struct hvm_start_info *si = boot_phys_ptr(info_phys, sizeof(*si));

	br->entry = "pvh";
	if (info_phys & 7) {
		boot_warn(br, "pvh: start_info at %#llx is not 8-byte aligned",
			  (unsigned long long)info_phys);
		return;
	}
	if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		boot_warn(br, "pvh: start_info at %#llx has no valid magic",
			  (unsigned long long)info_phys);
		return;
	}
	if (si->cmdline_paddr)
		boot_copy_string(br->cmdline, sizeof(br->cmdline), si->cmdline_paddr);
	br->platform_info = (void *)si;
	br->rsdp_phys = si->rsdp_paddr;
	pvh_memmap(br, si);
	pvh_modules(br, si);
}
