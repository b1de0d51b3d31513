// SPDX-License-Identifier: MIT
/*
 * The balloon's arithmetic (see balloon-internal.h).  memory/target is
 * written by the toolstack in KiB and is untrusted: a value that is not
 * a plain decimal number is refused, one outside what the guest can
 * reach is clamped by the caller with xen_balloon_clamp().
 */
#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include "balloon-internal.h"

#define KIB_PER_PAGE	4

/**
 * xen_balloon_parse_kib - a memory/target (or static-max) value
 * @val: the node's value
 * @kib: set to the value on success
 *
 * Returns 0, -EINVAL unless @val is decimal digits only, or -ERANGE
 * when it does not fit 64 bits.
 */
int xen_balloon_parse_kib(const char *val, u64 *kib)
{
	return kstrtou64(val, 10, kib);
}

u64 xen_balloon_kib_to_pages(u64 kib)
{
	return kib / KIB_PER_PAGE;
}

/* Saturates: a page count that large is clamped anyway. */
u64 xen_balloon_pages_to_kib(u64 pages)
{
	return pages > U64_MAX / KIB_PER_PAGE ? U64_MAX : pages * KIB_PER_PAGE;
}

/**
 * xen_balloon_target_pages - the reservation a target asks for
 * @kib: memory/target
 * @offset: reservation minus target at boot (0 for PV, where the two
 *          agree; an HVM or PVH guest's reservation also counts pages
 *          the toolstack leaves out of the target)
 *
 * Saturates at 0 rather than wrapping; it cannot pass U64_MAX, since
 * a page count from KiB is below 2^62 and @offset below 2^63.
 */
u64 xen_balloon_target_pages(u64 kib, s64 offset)
{
	u64 pages = xen_balloon_kib_to_pages(kib);

	if (offset < 0)
		return pages > (u64)-(offset + 1) ? pages + (u64)offset : 0;
	return pages + (u64)offset;
}

/**
 * xen_balloon_limits_init - where the balloon may go
 * @l: filled
 * @boot_pages: the reservation at boot: the most the guest can take
 *              back, since only frames it gave away are repopulated
 * @static_max_pages: memory/static-max in pages, 0 when unknown
 * @floor_pages: the safe floor (kernel image and working memory)
 *
 * A floor above the maximum is lowered to it: the guest never grows
 * past what it booted with.
 */
void xen_balloon_limits_init(struct xen_balloon_limits *l, u64 boot_pages,
			     u64 static_max_pages, u64 floor_pages)
{
	l->max = boot_pages;
	if (static_max_pages && static_max_pages < l->max)
		l->max = static_max_pages;
	l->floor = MIN(floor_pages, l->max);
}

/**
 * xen_balloon_clamp - a target within the limits
 * @pages: the target asked for
 * @l: the limits
 * @why: set to which limit applied, if any
 */
u64 xen_balloon_clamp(u64 pages, const struct xen_balloon_limits *l,
		      enum xen_balloon_clamp *why)
{
	*why = XEN_BALLOON_CLAMP_NONE;
	if (pages > l->max) {
		*why = XEN_BALLOON_CLAMP_MAX;
		return l->max;
	}
	if (pages < l->floor) {
		*why = XEN_BALLOON_CLAMP_FLOOR;
		return l->floor;
	}
	return pages;
}

/**
 * xen_balloon_step - frames the next step moves
 * @cur: the reservation now, in pages
 * @target: the (clamped) target, in pages
 *
 * Positive: take that many back (populate), negative: give that many
 * away (decrease); never more than XEN_BALLOON_BATCH either way.
 */
s64 xen_balloon_step(u64 cur, u64 target)
{
	if (target > cur)
		return (s64)MIN(target - cur, (u64)XEN_BALLOON_BATCH);
	return -(s64)MIN(cur - target, (u64)XEN_BALLOON_BATCH);
}
