/* SPDX-License-Identifier: MIT */
/*
 * Frame allocator logic over a caller-provided bitmap.
 *
 * One bit per frame, set = in use. The structure does no locking and no
 * memory management of its own; the kernel wraps it in a spinlock and
 * supplies the bitmap storage (BITMAP_ALLOC_LONGS(nbits) longs).
 */
#ifndef PVK_BITMAP_ALLOC_H
#define PVK_BITMAP_ALLOC_H

#include <pvk/types.h>

#define BITMAP_ALLOC_BITS_PER_LONG (8 * sizeof(unsigned long))
#define BITMAP_ALLOC_LONGS(nbits)				\
	(((nbits) + BITMAP_ALLOC_BITS_PER_LONG - 1) /		\
	 BITMAP_ALLOC_BITS_PER_LONG)

struct bitmap_alloc {
	unsigned long *bits;	/* bit set = frame in use */
	u64 nbits;		/* number of frames managed */
	u64 free;		/* number of clear bits */
	u64 hint;		/* where the next search starts */
};

void bitmap_alloc_init(struct bitmap_alloc *ba, unsigned long *bits,
		       u64 nbits);
int bitmap_alloc_free_range(struct bitmap_alloc *ba, u64 first, u64 count);
int bitmap_alloc_reserve_range(struct bitmap_alloc *ba, u64 first,
			       u64 count);
s64 bitmap_alloc_get(struct bitmap_alloc *ba, u64 count, u64 align);
s64 bitmap_alloc_get_high(struct bitmap_alloc *ba, u64 min);
int bitmap_alloc_take(struct bitmap_alloc *ba, u64 bit);
int bitmap_alloc_put(struct bitmap_alloc *ba, u64 first, u64 count);

#endif /* PVK_BITMAP_ALLOC_H */
