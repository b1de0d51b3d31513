/* SPDX-License-Identifier: MIT */
/*
 * Between the console frontend (console-front.c) and its self-tests,
 * which play the backend on a ring of their own.
 */
#ifndef _DRIVERS_XEN_CONSOLE_FRONT_INTERNAL_H
#define _DRIVERS_XEN_CONSOLE_FRONT_INTERNAL_H

#include <xen/console-front.h>
#include <xen/xen.h>
#include <xen/io/console.h>

/*
 * A connected channel without xenbus: a zeroed ring page that is not
 * granted and no event channel (notifications are skipped), not on the
 * list xencons_get() searches.  The test writes the backend's side of
 * *@intf.  Returns the channel with one reference, or NULL (no memory).
 */
struct xencons_channel *xencons_test_attach(const char *name,
					    struct xencons_interface **intf);

/* Free the ring of a channel from xencons_test_attach() and drop it. */
void xencons_test_detach(struct xencons_channel *ch);

/* Whether the channel stopped on a corrupt ring (until it reconnects). */
bool xencons_broken(const struct xencons_channel *ch);

#endif
