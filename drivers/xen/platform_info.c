// SPDX-License-Identifier: MIT
/*
 * The record of where xenstore and the console live (API:
 * include/xen/platform_info.h).  Written once by the platform code on
 * the boot CPU before anything reads it.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <asm/page.h>
#include <xen/platform_info.h>

static struct xen_platform_info xen_info = {
	.store_pfn = XEN_NO_PFN,
	.console_pfn = XEN_NO_PFN,
};

/**
 * xen_platform_info - where this domain's xenstore and console rings are
 *
 * Returns the record the platform code published; before that (and on
 * bare metal) it says there are no rings and this is not dom0.
 */
const struct xen_platform_info *xen_platform_info(void)
{
	return &xen_info;
}

/**
 * xen_platform_info_set - publish where the rings are
 * @info: the record, copied
 *
 * Platform code only, once on the boot CPU before any driver reads it,
 * so readers need no lock.
 */
void xen_platform_info_set(const struct xen_platform_info *info)
{
	xen_info = *info;
}

/**
 * xen_platform_map_ring - reach one of the domain's ring pages
 * @pfn: the ring's frame, as published in the record
 *
 * A frame in the direct map (a PV guest's RAM) is used there; any other
 * (an HVM or PVH guest's special pages, outside the RAM map) is mapped
 * cached.  Returns NULL if it cannot be mapped.
 */
void *xen_platform_map_ring(unsigned long pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);

	if (virt_to_phys_walk((unsigned long)__va(pa)) == pa)
		return __va(pa);
	return memremap(pa, PAGE_SIZE);
}
