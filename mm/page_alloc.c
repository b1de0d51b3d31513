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

/*
 * Frames shared by several user address spaces (copy-on-write after a
 * fork) carry a count of the extra owners, one u32 per frame: 0 is the
 * usual single owner, so a frame needs no set-up when it is allocated.
 * The table is allocated on the first share, since only processes that
 * fork need it.
 */
static u32 *page_refs;

static int page_refs_init(void)
{
	size_t bytes = page_frames_end() * sizeof(u32);
	unsigned int order = 0;
	u32 *table, *none = NULL;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	table = alloc_pages(order);
	if (!table)
		return -ENOMEM;
	memset(table, 0, PAGE_SIZE << order);
	if (!__atomic_compare_exchange_n(&page_refs, &none, table, false,
					 __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		free_pages(table, order);	/* another CPU was first */
	return 0;
}

/**
 * page_ref_get - one more address space maps the frame at @pa
 * @pa: a frame from the allocator
 *
 * Returns 0, -EINVAL for a frame beyond the allocator's, or -ENOMEM
 * when the table of counts cannot be allocated.  (A count cannot overflow: each owner is an address space, which
 * takes pages of its own.)
 */
int page_ref_get(phys_addr_t pa)
{
	u64 pfn = PFN_DOWN(pa);

	if (pfn >= page_frames_end())
		return -EINVAL;
	if (!__atomic_load_n(&page_refs, __ATOMIC_ACQUIRE) && page_refs_init())
		return -ENOMEM;
	__atomic_add_fetch(&page_refs[pfn], 1, __ATOMIC_RELAXED);
	return 0;
}

/**
 * page_ref_put - one address space lets go of the frame at @pa
 * @pa: the frame
 *
 * Returns true when that was its last owner: the caller frees it.
 */
bool page_ref_put(phys_addr_t pa)
{
	u64 pfn = PFN_DOWN(pa);
	u32 *refs = __atomic_load_n(&page_refs, __ATOMIC_ACQUIRE);
	u32 old;

	if (!refs || pfn >= page_frames_end())
		return true;
	old = __atomic_load_n(&refs[pfn], __ATOMIC_RELAXED);
	do {
		if (!old)
			return true;
	} while (!__atomic_compare_exchange_n(&refs[pfn], &old, old - 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return false;
}

/* How many address spaces map the frame at @pa (1 when unshared). */
unsigned int page_ref_owners(phys_addr_t pa)
{
	u64 pfn = PFN_DOWN(pa);
	u32 *refs = __atomic_load_n(&page_refs, __ATOMIC_ACQUIRE);

	if (!refs || pfn >= page_frames_end())
		return 1;
	return __atomic_load_n(&refs[pfn], __ATOMIC_ACQUIRE) + 1;
}
