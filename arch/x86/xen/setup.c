// SPDX-License-Identifier: MIT
/*
 * The memory map of a Xen PV guest, from start_info and the P2M (like
 * Linux's arch/x86/xen/setup.c): a PV guest has no firmware map, its RAM
 * is every pseudo-physical frame below nr_pages that has a machine frame.
 */
#include <pvk/kernel.h>
#include <pvk/memmap.h>
#include <asm/page.h>
#include <asm/xen/hypercall.h>
#include <xen/platform_info.h>

static void reserve_ring(struct boot_record *br, unsigned long pfn)
{
	if (pfn != XEN_NO_PFN)
		memmap_add(&br->memmap, PFN_PHYS(pfn), PAGE_SIZE, MEMMAP_KERNEL);
}

/**
 * xen_memory_setup - fill the boot record's memory map
 * @br: boot record
 * @v_end: end of Xen's boot data (start_info, P2M, page tables, padding)
 *
 * RAM is every pfn below xen_max_pfn with a machine frame.  The boot
 * data after the image, and a domU's console and xenstore rings, are
 * marked as the kernel's so they are never handed out.
 */
void xen_memory_setup(struct boot_record *br, phys_addr_t v_end)
{
	const struct xen_platform_info *info = xen_platform_info();
	unsigned long start = 0, pfn;

	for (pfn = 0; pfn <= xen_max_pfn; pfn++) {
		bool ram = pfn < xen_max_pfn && pfn_to_mfn(pfn) != INVALID_MFN;

		if (ram)
			continue;
		if (pfn > start &&
		    memmap_add(&br->memmap, PFN_PHYS(start), PFN_PHYS(pfn - start),
			       MEMMAP_USABLE) < 0)
			pr_warn("xen: memory map full, RAM above %#lx dropped\n", start);
		start = pfn + 1;
	}
	/*
	 * Xen's boot data (start_info, P2M, page tables) and the early map's
	 * L1s follow the image: in use, but reached through the direct map.
	 */
	memmap_add(&br->memmap, __pa_symbol(_end), v_end - __pa_symbol(_end),
		   MEMMAP_KERNEL);
	/*
	 * A domU's console and xenstore rings are pages of its own memory
	 * (normally inside the boot data above); never hand them out.  The
	 * platform record holds them already checked against the P2M (dom0
	 * has none).
	 */
	reserve_ring(br, info->store_pfn);
	reserve_ring(br, info->console_pfn);
}

/* One entry of XENMEM_memory_map: the BIOS E820 layout, packed. */
struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __attribute__((packed));

#define XEN_E820_MAX	128

/**
 * xen_memory_map_from_xen - the memory map Xen built for this domain
 * @br: boot record whose (empty) map is filled
 *
 * A PVH dom0's start_info may carry no map (Xen 4.17 sets none); Xen
 * answers XENMEM_memory_map instead, as Linux's PVH dom0 asks.  Returns
 * 0 or a negative errno (logged); entries beyond the map's room are
 * dropped with a warning.
 */
int xen_memory_map_from_xen(struct boot_record *br)
{
	static struct e820_entry map[XEN_E820_MAX];
	struct xen_memory_map mm = { .nr_entries = XEN_E820_MAX };
	long rc;

	set_xen_guest_handle(mm.buffer, map);
	rc = HYPERVISOR_memory_op(XENMEM_memory_map, &mm);
	if (rc) {
		pr_err("xen: XENMEM_memory_map failed: %ld\n", rc);
		return (int)rc;
	}
	for (unsigned int i = 0; i < mm.nr_entries && i < XEN_E820_MAX; i++) {
		if (memmap_add(&br->memmap, map[i].addr, map[i].size,
			       memmap_type_from_firmware(map[i].type)) < 0) {
			pr_warn("xen: memory map full at entry %u of %u\n", i,
				mm.nr_entries);
			break;
		}
	}
	pr_info("xen: memory map from Xen, %u entries\n", mm.nr_entries);
	return 0;
}
