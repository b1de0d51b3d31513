// SPDX-License-Identifier: MIT
/*
 * The P2M and M2P of a Xen PV guest.
 *
 * A PV guest thinks in pseudo-physical frames (pfns) but its page
 * tables, grants and rings name machine frames (mfns).  The P2M is the
 * array Xen hands over in start_info->mfn_list: entry pfn holds the
 * machine frame behind it, INVALID_MFN for a hole.  The M2P is the
 * read-only table, covering every machine frame of the host, that Xen
 * maps into every PV guest at MACH2PHYS_VIRT_START.
 *
 * An HVM or PVH guest has neither: the frames it names to Xen and to
 * backends are its own (guest) frame numbers (auto-translated, as the
 * platform record says), so both translations are the identity.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/p2m-frames.h>
#include <xen/platform_info.h>

/* Xen's read-only machine-to-phys table, one unsigned long per mfn. */
#define M2P		((const unsigned long *)MACH2PHYS_VIRT_START)

unsigned long xen_max_pfn;
static unsigned long *xen_p2m;
static unsigned long xen_m2p_max = MACH2PHYS_NR_ENTRIES;

unsigned long pfn_to_mfn(unsigned long pfn)
{
	if (xen_platform_info()->auto_translated)
		return pfn;
	return pfn < xen_max_pfn ? xen_p2m[pfn] : INVALID_MFN;
}

unsigned long mfn_to_pfn(unsigned long mfn)
{
	if (xen_platform_info()->auto_translated)
		return mfn;
	return mfn < xen_m2p_max ? M2P[mfn] : ~0UL;
}

/**
 * set_phys_to_machine - change one P2M entry (PV)
 * @pfn: pseudo-physical frame below xen_max_pfn
 * @mfn: its machine frame, or INVALID_MFN for a frame given back to Xen
 *
 * Only the balloon changes the P2M after boot: a frame it gave away has
 * no machine frame until it is populated again.  Returns false (and
 * changes nothing) for an auto-translated guest or a pfn out of range.
 */
bool set_phys_to_machine(unsigned long pfn, unsigned long mfn)
{
	if (xen_platform_info()->auto_translated || pfn >= xen_max_pfn)
		return false;
	WRITE_ONCE(xen_p2m[pfn], mfn);
	return true;
}

/**
 * virt_to_machine - machine address behind a kernel address
 * @va: an address in the direct map or the kernel image
 */
u64 virt_to_machine(const void *va)
{
	phys_addr_t pa = __pa(va);

	return ((u64)pfn_to_mfn(PFN_DOWN(pa)) << PAGE_SHIFT) | (pa & ~PAGE_MASK);
}

/**
 * xen_p2m_init - take over start_info's P2M; size the M2P
 * @si: start_info, as Xen mapped it
 *
 * Xen says how far its M2P reaches (XENMEM_machphys_mapping); if it
 * does not, the compile-time size of the M2P area is assumed.
 */
void xen_p2m_init(const struct start_info *si)
{
	struct xen_machphys_mapping mapping;

	xen_p2m = (unsigned long *)si->mfn_list;
	xen_max_pfn = si->nr_pages;
	if (HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mapping) == 0)
		xen_m2p_max = mapping.max_mfn + 1;
}

/**
 * xen_p2m_set - change one entry of the P2M
 * @pfn: below xen_max_pfn
 * @mfn: the machine frame now behind it
 */
void xen_p2m_set(unsigned long pfn, unsigned long mfn)
{
	if (pfn < xen_max_pfn)
		WRITE_ONCE(xen_p2m[pfn], mfn);
}

#define P2M_LIST_PAGES	8	/* 8 * 512 * 512 pfns: 4 GiB of 4 KiB pages */

/* The machine frames of the P2M's pages, and of those lists' pages. */
static unsigned long *p2m_frame_list[P2M_LIST_PAGES];
static unsigned long *p2m_frame_list_list;

static unsigned long machine_frame(const void *va)
{
	return virt_to_machine(va) >> PAGE_SHIFT;
}

/**
 * xen_p2m_publish - tell the toolstack where the P2M is
 *
 * A save reads the P2M through shared_info's frame-list-list and
 * arch.max_pfn (xen_p2m_frame_lists()); a restore writes the new P2M
 * into the same pages.  Frames change with every restore, so this runs
 * at boot and after each resume.  Returns 0, or -EINVAL/-ENOMEM
 * (logged) when the P2M cannot be described (then the domain cannot be
 * saved).
 */
int xen_p2m_publish(void)
{
	unsigned long pages = (xen_max_pfn + P2M_PER_PAGE - 1) / P2M_PER_PAGE;
	unsigned int need = MIN((pages + P2M_PER_PAGE - 1) / P2M_PER_PAGE,
				(unsigned long)P2M_LIST_PAGES);
	int used;

	for (unsigned int i = 0; i < need; i++) {
		if (!p2m_frame_list[i])
			p2m_frame_list[i] = alloc_page_zeroed();
		if (!p2m_frame_list[i])
			return -ENOMEM;
	}
	if (!p2m_frame_list_list)
		p2m_frame_list_list = alloc_page_zeroed();
	if (!p2m_frame_list_list)
		return -ENOMEM;
	used = xen_p2m_frame_lists(xen_p2m, xen_max_pfn, machine_frame,
				   p2m_frame_list, P2M_LIST_PAGES,
				   p2m_frame_list_list);
	if (used < 0) {
		pr_err("xen: P2M at %p with %lu pfns cannot be described for a save\n",
		       xen_p2m, xen_max_pfn);
		return used;
	}
	HYPERVISOR_shared_info->arch.max_pfn = xen_max_pfn;
	HYPERVISOR_shared_info->arch.pfn_to_mfn_frame_list_list =
		machine_frame(p2m_frame_list_list);
	return 0;
}

/**
 * xen_p2m_use_direct_map - reach the P2M through the direct map
 *
 * Xen's initial mapping, through which the P2M was reached so far, does
 * not survive the switch to the kernel's own page tables.
 */
void xen_p2m_use_direct_map(void)
{
	xen_p2m = __va(__pa(xen_p2m));
}
