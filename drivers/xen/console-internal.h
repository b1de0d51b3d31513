/* SPDX-License-Identifier: MIT */
/*
 * Between pvk's console on a Xen console ring (console.c) and its
 * self-tests, which play xenconsoled on a ring of their own.
 */
#ifndef _DRIVERS_XEN_CONSOLE_INTERNAL_H
#define _DRIVERS_XEN_CONSOLE_INTERNAL_H

#include <pvk/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

/* A console ring pvk produces into, and what it knows of the other end. */
struct xen_cons_ring {
	struct xencons_interface *intf;
	evtchn_port_t port;	/* kicked after each write */
	u64 stall_ns;		/* no progress this long on a full ring: drop */
	bool broken;		/* the other end corrupted out_cons */
	bool stalled;		/* full and no progress for stall_ns */
	bool mid_line;		/* the last byte in the ring was not a newline */
	size_t dropped;		/* bytes lost since the ring last said so */
};

size_t xen_cons_ring_write(struct xen_cons_ring *r, const char *s, size_t len);

/* How long the other end has consumed nothing from a full ring. */
struct xen_cons_wait {
	u64 start;		/* Xen time of the first look; 0: none yet */
	XENCONS_RING_IDX cons;	/* out_cons then */
};

bool xen_cons_wait_over(struct xen_cons_wait *w, XENCONS_RING_IDX cons,
			u64 now, u64 limit);

#endif
