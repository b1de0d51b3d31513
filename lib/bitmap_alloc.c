// SPDX-License-Identifier: MIT
/*
 * Frame allocator logic, see include/pvk/bitmap_alloc.h.
 *
 * Bits are handled a word at a time where possible: searches skip whole
 * words that are completely used, and ranges are set or cleared with
 * masks, so seeding gigabytes of frames at boot stays cheap.
 */
#include <pvk/bitmap_alloc.h>
#include <pvk/errno.h>

#define BPL		BITMAP_ALLOC_BITS_PER_LONG
#define ALL_ONES	(~0UL)

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= BPL. */
static unsigned long word_mask(unsigned int lo, unsigned int hi)
{
	unsigned long m = hi == BPL ? ALL_ONES : (1UL << hi) - 1;

	return m & ~((1UL << lo) - 1);
}

/*
 * Portable popcount: __builtin_popcountl() becomes a libgcc call without
 * -mpopcnt, and the kernel does not link libgcc.
 */
static unsigned int popcount(u64 w)
{
	w -= (w >> 1) & 0x5555555555555555ULL;
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (w * 0x0101010101010101ULL) >> 56;
}

/* Rejects empty ranges and ones that overflow or pass the end. */
static bool range_ok(const struct bitmap_alloc *ba, u64 first, u64 count)
{
	return count && first < ba->nbits && count <= ba->nbits - first;
}

/*
 * Set (@set) or clear bits [first, first + count), returning how many
 * bits actually changed so the free counter stays exact even when a
 * range is seeded or reserved twice.
 */
static u64 change_range(struct bitmap_alloc *ba, u64 first, u64 count,
			bool set)
{
	u64 changed = 0, end = first + count;

	while (first < end) {
		unsigned int lo = first % BPL;
		unsigned int hi = MIN(end - (first - lo), (u64)BPL);
		unsigned long *w = &ba->bits[first / BPL];
		unsigned long mask = word_mask(lo, hi);
		unsigned long diff = (set ? ~*w : *w) & mask;

		changed += popcount(diff);
		*w = set ? *w | mask : *w & ~mask;
		first += hi - lo;
	}
	return changed;
}

/* First bit in [from, to) that is in use (@used) or free; @to if none. */
static u64 find_bit(const struct bitmap_alloc *ba, u64 from, u64 to,
		    bool used)
{
	while (from < to) {
		unsigned int lo = from % BPL;
		unsigned long w = ba->bits[from / BPL];
		unsigned long hits = (used ? w : ~w) & word_mask(lo, BPL);

		if (hits) {
			u64 bit = from - lo + __builtin_ctzl(hits);

			return MIN(bit, to);
		}
		from += BPL - lo;
	}
	return to;
}

/**
 * bitmap_alloc_init() - set up an allocator with every frame in use
 * @ba: allocator
 * @bits: storage for BITMAP_ALLOC_LONGS(@nbits) longs
 * @nbits: number of frames, below 2^63 so indices fit an s64
 *
 * Starting all-used means only memory the map explicitly declares
 * usable is ever handed out; seed it with bitmap_alloc_free_range().
 */
void bitmap_alloc_init(struct bitmap_alloc *ba, unsigned long *bits,
		       u64 nbits)
{
	u64 i;

	ba->bits = bits;
	ba->nbits = nbits;
	ba->free = 0;
	ba->hint = 0;
	for (i = 0; i < BITMAP_ALLOC_LONGS(nbits); i++)
		bits[i] = ALL_ONES;
}

/**
 * bitmap_alloc_free_range() - mark frames as available
 * @ba: allocator
 * @first: first frame
 * @count: number of frames
 *
 * Meant for seeding from the memory map, so frames that are already
 * free are tolerated (use bitmap_alloc_put() to return allocations).
 * Returns 0, or -EINVAL if the range is empty or out of bounds.
 */
int bitmap_alloc_free_range(struct bitmap_alloc *ba, u64 first, u64 count)
{
	if (!range_ok(ba, first, count))
		return -EINVAL;
	ba->free += change_range(ba, first, count, false);
	return 0;
}

/**
 * bitmap_alloc_reserve_range() - mark frames as in use
 * @ba: allocator
 * @first: first frame
 * @count: number of frames
 *
 * For carving out frames that must never be allocated (kernel image,
 * boot modules); frames already in use are tolerated. Returns 0, or
 * -EINVAL if the range is empty or out of bounds.
 */
int bitmap_alloc_reserve_range(struct bitmap_alloc *ba, u64 first,
			       u64 count)
{
	if (!range_ok(ba, first, count))
		return -EINVAL;
	ba->free -= change_range(ba, first, count, true);
	return 0;
}

/* Smallest multiple of @align that is >= @x, or @limit on overflow. */
static u64 align_up(u64 x, u64 align, u64 limit)
{
	u64 rem = x % align;

	if (!rem)
		return x;
	return x > limit - (align - rem) ? limit : x + (align - rem);
}

/* First aligned start in [from, nbits) with @count free frames. */
static u64 search(const struct bitmap_alloc *ba, u64 from, u64 count,
		  u64 align)
{
	u64 start = align_up(from, align, ba->nbits);

	while (start < ba->nbits && count <= ba->nbits - start) {
		u64 used = find_bit(ba, start, start + count, true);

		if (used == start + count)
			return start;
		/* Skip the used run rather than retrying every frame. */
		start = find_bit(ba, used, ba->nbits, false);
		start = align_up(start, align, ba->nbits);
	}
	return ba->nbits;
}

/**
 * bitmap_alloc_get() - allocate a run of contiguous frames
 * @ba: allocator
 * @count: number of frames, at least 1
 * @align: the first frame index is a multiple of this; 0 or 1 for any
 *
 * Searches from the hint (just past the previous allocation) and wraps
 * around once, so repeated single-frame allocations are O(1) amortised.
 * Returns the first frame index, -EINVAL for a zero @count or -ENOMEM if
 * no suitable run exists.
 */
s64 bitmap_alloc_get(struct bitmap_alloc *ba, u64 count, u64 align)
{
	u64 start;

	if (!count)
		return -EINVAL;
	if (count > ba->free)
		return -ENOMEM;
	if (!align)
		align = 1;
	start = search(ba, ba->hint < ba->nbits ? ba->hint : 0, count, align);
	if (start == ba->nbits && ba->hint)
		start = search(ba, 0, count, align);
	if (start == ba->nbits)
		return -ENOMEM;
	change_range(ba, start, count, true);
	ba->free -= count;
	ba->hint = start + count;
	return (s64)start;
}

/* Highest bit in [from, end) that is free; @end if none. */
static u64 find_free_high(const struct bitmap_alloc *ba, u64 from, u64 end)
{
	u64 to = end;

	while (to > from) {
		u64 last = to - 1;
		unsigned int hi = last % BPL + 1;
		unsigned long free = ~ba->bits[last / BPL] & word_mask(0, hi);

		if (free) {
			u64 bit = last - (hi - 1) + (BPL - 1 - __builtin_clzl(free));

			return bit >= from ? bit : end;
		}
		to = last + 1 - hi;
	}
	return end;
}

/**
 * bitmap_alloc_get_high() - allocate the highest free frame
 * @ba: allocator
 * @min: lowest frame index that may be returned
 *
 * For giving memory away (a balloon): frames are taken from the top,
 * away from the low frames the kernel image and early allocations
 * occupy, and the hint of bitmap_alloc_get() is left alone.  Returns
 * the frame index or -ENOMEM if no frame at or above @min is free.
 */
s64 bitmap_alloc_get_high(struct bitmap_alloc *ba, u64 min)
{
	u64 bit;

	if (!ba->free || min >= ba->nbits)
		return -ENOMEM;
	bit = find_free_high(ba, min, ba->nbits);
	if (bit == ba->nbits)
		return -ENOMEM;
	change_range(ba, bit, 1, true);
	ba->free--;
	return (s64)bit;
}

/**
 * bitmap_alloc_take() - allocate one particular frame
 * @ba: allocator
 * @bit: the frame index
 *
 * Returns 0, -EBUSY if the frame is in use or -EINVAL if out of range.
 */
int bitmap_alloc_take(struct bitmap_alloc *ba, u64 bit)
{
	if (!range_ok(ba, bit, 1))
		return -EINVAL;
	if (find_bit(ba, bit, bit + 1, true) == bit)
		return -EBUSY;
	change_range(ba, bit, 1, true);
	ba->free--;
	return 0;
}

/**
 * bitmap_alloc_put() - free a run of frames previously allocated
 * @ba: allocator
 * @first: first frame
 * @count: number of frames
 *
 * The whole range is checked before anything changes: if any frame in
 * it is already free (a double free or a bad argument) the bitmap is
 * left untouched. Returns 0 or -EINVAL.
 */
int bitmap_alloc_put(struct bitmap_alloc *ba, u64 first, u64 count)
{
	if (!range_ok(ba, first, count))
		return -EINVAL;
	if (find_bit(ba, first, first + count, false) != first + count)
		return -EINVAL;
	change_range(ba, first, count, false);
	ba->free += count;
	/* Prefer reusing low frames to keep fragmentation down. */
	if (first < ba->hint)
		ba->hint = first;
	return 0;
}
