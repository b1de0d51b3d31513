/* SPDX-License-Identifier: MIT */
/*
 * Where this domain's xenstore and console rings are, for drivers/xen.
 *
 * Each kind of Xen guest learns them its own way: a PV guest from
 * start_info (arch/x86/xen/enlighten_pv.c), a PVH or HVM guest from HVM
 * params.  The platform code fills this record once, first thing at
 * boot (before the console is set up); drivers only read it, and never
 * look at start_info.
 *
 * The rings are given as pseudo-physical frames of our own memory: the
 * platform has already translated (a PV guest's machine frame through
 * the M2P) and checked that the frame is really ours.  A PV guest's
 * rings are in its RAM; an HVM or PVH guest's sit in a reserved range
 * below 4 GiB that the direct map does not cover, so drivers reach them
 * through xen_platform_map_ring().
 */
#ifndef _XEN_PLATFORM_INFO_H
#define _XEN_PLATFORM_INFO_H

#include <pvk/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

#define XEN_NO_PFN	(~0UL)	/* no such ring */

/* dom0 has no rings (XEN_NO_PFN for both): console_io, no xenstore ring. */
struct xen_platform_info {
	unsigned long store_pfn;	/* xenstore ring, or XEN_NO_PFN */
	evtchn_port_t store_evtchn;
	unsigned long console_pfn;	/* console ring, or XEN_NO_PFN */
	evtchn_port_t console_evtchn;
	/*
	 * HVM and PVH: the guest's frame numbers are what Xen and the
	 * backends see (no P2M), and the grant table is placed by the
	 * guest into gnttab_frames_max unused frames from
	 * gnttab_frames_pfn on.  PV: false, Xen places the table.
	 */
	bool auto_translated;
	bool initial_domain;		/* dom0 (PV or PVH) */
	/*
	 * HVM: the emulated disks may still be there (unplug refused or
	 * impossible), so a PV disk could be the same disk seen twice.
	 */
	bool no_pv_disks;
	unsigned long gnttab_frames_pfn;
	unsigned int gnttab_frames_max;
};

/* The platform's record; until it is set, no rings and not dom0. */
const struct xen_platform_info *xen_platform_info(void);

/* Platform code only: publish @info (copied), once at boot. */
void xen_platform_info_set(const struct xen_platform_info *info);

/* A kernel address for the ring page @pfn (after the memory manager is up). */
void *xen_platform_map_ring(unsigned long pfn);

#endif /* _XEN_PLATFORM_INFO_H */
