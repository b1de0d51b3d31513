/* SPDX-License-Identifier: MIT */
/*
 * The ring of a pipe's buffer (fs/pipe_ring.c, pure): @head counts the
 * bytes ever written, @tail those ever read; both run free and wrap at
 * 2^32, the buffer index is the count modulo @size (a power of two).
 */
#ifndef PVK_PIPE_RING_H
#define PVK_PIPE_RING_H

#include <pvk/types.h>

/* Writes of at most this many bytes are never interleaved with others. */
#define PIPE_BUF	4096

struct pipe_ring {
	u32 head, tail;
	u32 size;
};

/* Bytes waiting to be read. */
u32 pipe_ring_used(const struct pipe_ring *r);
/* Bytes of room. */
u32 pipe_ring_room(const struct pipe_ring *r);
/* Where the next read starts and how many bytes of @want lie in one run. */
u32 pipe_ring_read_span(const struct pipe_ring *r, size_t want, u32 *index);
/* Likewise for the next write. */
u32 pipe_ring_write_span(const struct pipe_ring *r, size_t want, u32 *index);
/*
 * How many of @left bytes a writer may put in now: all the room there
 * is, but for an @atomic write (of at most PIPE_BUF bytes in all),
 * nothing until all of them fit.
 */
u32 pipe_ring_write_now(const struct pipe_ring *r, size_t left, bool atomic);

#endif
