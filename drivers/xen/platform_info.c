// SPDX-License-Identifier: MIT
/*
 * The record of where xenstore and the console live (API:
 * include/xen/platform_info.h).  Written once by the platform code on
 * the boot CPU before anything reads it.
 */
#include <pvk/kernel.h>
#include <xen/platform_info.h>

static struct xen_platform_info xen_info = {
	.store_pfn = XEN_NO_PFN,
	.console_pfn = XEN_NO_PFN,
};

const struct xen_platform_info *xen_platform_info(void)
{
	return &xen_info;
}

void xen_platform_info_set(const struct xen_platform_info *info)
{
	xen_info = *info;
}
