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
 * The steps of a channel's life that do not involve xenbus; the driver
 * goes through them for every device, and the self-tests use them to
 * make a channel of their own on a ring they serve themselves (not
 * granted, no event channel), on no list xencons_get() searches.
 */
struct xencons_channel *xencons_chan_alloc(const char *name, const char *nodename);
void xencons_chan_set_ring(struct xencons_channel *ch, void *ring,
			   grant_ref_t ref, evtchn_port_t port);
void xencons_chan_backend_up(struct xencons_channel *ch);
void xencons_chan_disconnect(struct xencons_channel *ch);

/*
 * The driver's restore hooks (xenbus_driver channels_lost and resume):
 * they use only dev->priv, the channel.
 */
struct xenbus_device;
void xencons_channels_lost(struct xenbus_device *dev);
void xencons_resume(struct xenbus_device *dev);

/* Whether the channel stopped on a corrupt ring (until it reconnects). */
bool xencons_broken(const struct xencons_channel *ch);

#endif
