/* SPDX-License-Identifier: MIT */
/*
 * The balloon's arithmetic (drivers/xen/balloon-target.c): the
 * toolstack's memory/target parsed, turned into pages and clamped, and
 * how far one step may go.  Pure, so the host unit tests and the fuzz
 * target run it as well.
 */
#ifndef _XEN_BALLOON_INTERNAL_H
#define _XEN_BALLOON_INTERNAL_H

#include <pvk/types.h>

/*
 * Frames per hypercall and per step: one page of frame numbers, and a
 * whole L1's worth of direct-map entries in one mmu_update batch.
 */
#define XEN_BALLOON_BATCH	512
/* The longest memory/target value read: 20 digits and a NUL. */
#define XEN_BALLOON_VALUE_MAX	24
/* Never below the kernel image plus this much (KiB). */
#define XEN_BALLOON_FLOOR_KIB	(32ULL * 1024)

struct xen_balloon_limits {
	u64 floor;	/* pages: the lowest target taken */
	u64 max;	/* pages: the highest target taken */
};

enum xen_balloon_clamp {
	XEN_BALLOON_CLAMP_NONE,
	XEN_BALLOON_CLAMP_FLOOR,
	XEN_BALLOON_CLAMP_MAX,
};

int xen_balloon_parse_kib(const char *val, u64 *kib);
u64 xen_balloon_kib_to_pages(u64 kib);
u64 xen_balloon_pages_to_kib(u64 pages);
u64 xen_balloon_target_pages(u64 kib, s64 offset);
void xen_balloon_limits_init(struct xen_balloon_limits *l, u64 boot_pages,
			     u64 static_max_pages, u64 floor_pages);
u64 xen_balloon_clamp(u64 pages, const struct xen_balloon_limits *l,
		      enum xen_balloon_clamp *why);
s64 xen_balloon_step(u64 cur, u64 target);

#endif
