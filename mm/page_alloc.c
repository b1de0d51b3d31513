// SPDX-License-Identifier: MIT
/*
 * Physical frame allocator: a bitmap over every frame up to the highest
 * usable address, built from the normalised memory map.  The pure logic
 * lives in lib/bitmap_alloc.c; this file adds the lock and the direct-map
 * addresses.
 */
#include <pvk/kernel.h>
#include <pvk/bitmap_alloc.h>
#include <pvk/memmap.h>
#include <pvk/mm.h>
#include <pvk/spinlock.h>
#include <asm/page.h>

static struct bitmap_alloc frames;
static DEFINE_SPINLOCK(frames_lock);
static u64 total_bytes;

/* Highest end address among usable ranges. */
static u64 memmap_top(const struct memmap *m)
{
	u64 top = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		if (m->e[i].type == MEMMAP_USABLE)
			top = MAX(top, m->e[i].base + m->e[i].len);
	return top;
}

/* First usable page-aligned range of @bytes below @limit, or 0. */
static u64 find_free_area(const struct memmap *m, u64 bytes, u64 limit)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->e[i];
		u64 start = ALIGN_UP(e->base, PAGE_SIZE);

		if (e->type != MEMMAP_USABLE || start < (1ULL << 20))
			continue;
		if (start + bytes <= e->base + e->len && start + bytes <= limit)
			return start;
	}
	return 0;
}

/**
 * page_alloc_init - build the frame allocator from a memory map
 * @m: normalised memory map with the kernel and modules reserved
 * @bitmap_limit: the bitmap must lie below this physical address
 *
 * The bitmap itself is carved out of the first usable range that fits
 * and reserved in @m.  Returns 0 or -ENOMEM.
 */
int page_alloc_init(struct memmap *m, u64 bitmap_limit)
{
	u64 nframes = PFN_DOWN(memmap_top(m));
	u64 bytes = ALIGN_UP(BITMAP_ALLOC_LONGS(nframes) * sizeof(unsigned long),
			     PAGE_SIZE);
	u64 where = find_free_area(m, bytes, bitmap_limit);

	if (!nframes || !where)
		return -ENOMEM;
	memmap_reserve(m, where, bytes, MEMMAP_KERNEL);
	bitmap_alloc_init(&frames, __va(where), nframes);
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->e[i];
		u64 first = PFN_UP(e->base), last = PFN_DOWN(e->base + e->len);

		if (e->type != MEMMAP_USABLE || last <= first)
			continue;
		bitmap_alloc_free_range(&frames, first, last - first);
	}
	total_bytes = memmap_usable_bytes(m);
	return 0;
}

/**
 * alloc_pages - allocate 2^order contiguous, naturally aligned frames
 * @order: size as a power of two of pages
 *
 * Returns the direct-map address, or NULL when memory is exhausted.
 */
void *alloc_pages(unsigned int order)
{
	unsigned long flags;
	s64 pfn;

	spin_lock_irqsave(&frames_lock, flags);
	pfn = bitmap_alloc_get(&frames, 1ULL << order, 1ULL << order);
	spin_unlock_irqrestore(&frames_lock, flags);
	return pfn < 0 ? NULL : __va(PFN_PHYS(pfn));
}

/**
 * free_pages - return frames from alloc_pages()
 * @addr: address alloc_pages() returned
 * @order: the order it was allocated with
 */
void free_pages(void *addr, unsigned int order)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&frames_lock, flags);
	err = bitmap_alloc_put(&frames, PFN_DOWN(__pa(addr)), 1ULL << order);
	spin_unlock_irqrestore(&frames_lock, flags);
	if (err)
		pr_err("mm: bad free of %p order %u\n", addr, order);
}

/**
 * page_take_high - take the highest free frame out of the allocator
 * @min_pfn: lowest frame that may be taken
 *
 * For memory the kernel gives away (a balloon driver): the frame is
 * marked in use but never touched here; the caller may unmap it and
 * must return it with page_give_back().  Returns the frame number, or
 * -ENOMEM when no frame at or above @min_pfn is free.
 */
s64 page_take_high(u64 min_pfn)
{
	unsigned long flags;
	s64 pfn;

	spin_lock_irqsave(&frames_lock, flags);
	pfn = bitmap_alloc_get_high(&frames, min_pfn);
	spin_unlock_irqrestore(&frames_lock, flags);
	return pfn;
}

/**
 * page_take - take one particular free frame out of the allocator
 * @pfn: the frame
 *
 * Returns 0, or -EBUSY when it is in use (or not RAM).
 */
int page_take(u64 pfn)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&frames_lock, flags);
	err = bitmap_alloc_take(&frames, pfn);
	spin_unlock_irqrestore(&frames_lock, flags);
	return err;
}

/**
 * page_give_back - return a frame from page_take_high() or page_take()
 * @pfn: the frame, mapped again by the caller if it was unmapped
 */
void page_give_back(u64 pfn)
{
	unsigned long flags;
	int err;

	spin_lock_irqsave(&frames_lock, flags);
	err = bitmap_alloc_put(&frames, pfn, 1);
	spin_unlock_irqrestore(&frames_lock, flags);
	if (err)
		pr_err("mm: bad give-back of frame %#llx\n", (unsigned long long)pfn);
}

/* One more than the highest frame the allocator manages. */
u64 page_frames_end(void)
{
	return frames.nbits;
}

void *alloc_page_zeroed(void)
{
	void *p = alloc_pages(0);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

u64 totalram_bytes(void)
{
	return total_bytes;
}

u64 free_frames(void)
{
	return READ_ONCE(frames.free);
}
