// SPDX-License-Identifier: MIT
/*
 * The arithmetic of a pipe's ring buffer (see pvk/pipe_ring.h).  Pure:
 * the host tests build it, wrap-around of the counters included.
 */
#include <pvk/kernel.h>
#include <pvk/pipe_ring.h>

u32 pipe_ring_used(const struct pipe_ring *r)
{
	return r->head - r->tail;
}

u32 pipe_ring_room(const struct pipe_ring *r)
{
	return r->size - pipe_ring_used(r);
}

u32 pipe_ring_read_span(const struct pipe_ring *r, size_t want, u32 *index)
{
	u32 n = pipe_ring_used(r);

	*index = r->tail & (r->size - 1);
	n = MIN(n, r->size - *index);
	return want < n ? (u32)want : n;
}

u32 pipe_ring_write_span(const struct pipe_ring *r, size_t want, u32 *index)
{
	u32 n = pipe_ring_room(r);

	*index = r->head & (r->size - 1);
	n = MIN(n, r->size - *index);
	return want < n ? (u32)want : n;
}

u32 pipe_ring_write_now(const struct pipe_ring *r, size_t left, bool atomic)
{
	u32 room = pipe_ring_room(r);

	if (left <= room)
		return (u32)left;
	return atomic ? 0 : room;
}
