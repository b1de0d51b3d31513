/* SPDX-License-Identifier: MIT */
/* The Xen balloon (drivers/xen/balloon.c): memory/target followed. */
#ifndef _XEN_BALLOON_H
#define _XEN_BALLOON_H

#include <pvk/types.h>

/* Start the balloon thread and watch memory/target; once xenstore is up. */
int xen_balloon_init(void);
/* Ask for a reservation of @pages (clamped, logged); returns the target. */
u64 xen_balloon_set_target(u64 pages);
/* The reservation pvk accounts for, and the clamped target, in pages. */
u64 xen_balloon_current_pages(void);
u64 xen_balloon_target(void);
/* True once the watch on memory/target has fired (its initial event). */
bool xen_balloon_following(void);

#endif
