/* SPDX-License-Identifier: MIT */
/*
 * Secondary PV consoles (device/console/N, N >= 1) as byte streams; see
 * drivers/xen/console-front.c.
 *
 * The toolstack creates one for each xl `channel = [ '...,name=NAME' ]`
 * entry and a device model in dom0 proxies it to a unix socket or a pty
 * there.  A channel is found by that NAME.  Data are plain bytes with
 * no framing; what the other end does not read in time stays queued in
 * the 2 KiB (out) and 1 KiB (in) rings of the shared page.
 *
 * Every call that waits is bounded by a timeout; they must be called
 * from a kernel thread (they sleep), never from an event handler.
 * Several threads may use one channel: each call's bytes are moved
 * under the channel's lock, but the bytes of concurrent writers may
 * interleave.
 */
#ifndef _XEN_CONSOLE_FRONT_H
#define _XEN_CONSOLE_FRONT_H

#include <pvk/types.h>

/* Longest channel name pvk accepts, with its NUL. */
#define XENCONS_NAME_MAX	64

struct xencons_channel;

/**
 * xencons_get - find a channel by its name and hold it
 * @name: the `name=` of the xl channel (the frontend's "name" node)
 *
 * Returns the channel with a reference the caller drops with
 * xencons_put(), or NULL when no device/console/N has that name.  The
 * channel may not be connected yet (see xencons_wait_connected()).
 */
struct xencons_channel *xencons_get(const char *name);

/**
 * xencons_put - drop a reference from xencons_get()
 * @ch: the channel
 *
 * The channel's memory is freed once its device is gone and the last
 * reference is dropped.
 */
void xencons_put(struct xencons_channel *ch);

/**
 * xencons_name - a channel's name, for logs
 * @ch: the channel
 */
const char *xencons_name(const struct xencons_channel *ch);

/**
 * xencons_wait_connected - wait until the backend has connected the ring
 * @ch: the channel
 * @timeout_ms: give up after this long
 *
 * Returns 0 once both ends are Connected, -ETIMEDOUT, -EIO if the
 * channel is broken, or -ENODEV if its device went away.
 */
int xencons_wait_connected(struct xencons_channel *ch, unsigned int timeout_ms);

/**
 * xencons_write - send bytes to the other end
 * @ch: the channel
 * @buf: the bytes
 * @len: how many
 * @timeout_ms: the longest the whole call may wait for the ring to be
 *	set up or to have room
 *
 * Copies into the out ring as room allows and notifies the backend
 * after each chunk.  Returns @len, fewer bytes if the time ran out
 * first, or, when nothing was written, -ETIMEDOUT, -EIO (the backend
 * corrupted the ring: the channel is broken until it reconnects) or
 * -ENODEV (the device went away).
 */
long xencons_write(struct xencons_channel *ch, const void *buf, size_t len,
		   unsigned int timeout_ms);

/**
 * xencons_read - receive bytes from the other end
 * @ch: the channel
 * @buf: where they go
 * @len: at most this many
 * @timeout_ms: the longest to wait for the first byte
 *
 * Returns as soon as at least one byte is there, with as many as are
 * queued (up to @len).  Returns the count, or -ETIMEDOUT, -EIO or
 * -ENODEV as xencons_write() does.  Nothing past @len is written to
 * @buf.
 */
long xencons_read(struct xencons_channel *ch, void *buf, size_t len,
		  unsigned int timeout_ms);

/**
 * xencons_nr_refused - device/console/N entries refused since boot
 *
 * A device is refused (and logged) for a missing or malformed name, a
 * name another channel has, or the id 0 of the primary console.
 */
unsigned int xencons_nr_refused(void);

#endif /* _XEN_CONSOLE_FRONT_H */
