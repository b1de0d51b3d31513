// SPDX-License-Identifier: MIT
/*
 * Memory map normalisation, see include/pvk/memmap.h.
 *
 * memmap_normalise() is a boundary sweep: every entry contributes a
 * "start" and an "end" point carrying its type, the points are sorted,
 * and walking them while counting how many entries of each type are
 * open gives the winning type of every elementary interval. Because the
 * points hold everything the sweep needs, the output can be written over
 * the input in place, and a counting dry run first guarantees the map is
 * never left half-rewritten when the result would not fit.
 */
#include <pvk/errno.h>
#include <pvk/memmap.h>

#define PAGE_SIZE	4096ULL
#define NR_TYPES	(MEMMAP_MODULE + 1)
#define NR_POINTS	(2 * MEMMAP_MAX)

/* One boundary; 16 bytes, so the sweep array is 4 KiB of stack. */
struct point {
	u64 addr;
	u32 type;
	u32 is_start;
};

struct sweep {
	struct point pt[NR_POINTS];
	unsigned int nr;
};

/* Exclusive end that saturates at 2^64 - 1 instead of wrapping. */
static u64 entry_end(u64 base, u64 len)
{
	return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

static u32 sanitise_type(u32 type)
{
	if (type < MEMMAP_USABLE || type > MEMMAP_MODULE)
		return MEMMAP_RESERVED;
	return type;
}

/*
 * Overlap priority: usable loses to everything, the kernel image and
 * modules beat everything (so later reservations of them always stick),
 * and otherwise the higher type value is the more restrictive one.
 */
static unsigned int type_rank(u32 type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return 0;
	case MEMMAP_KERNEL:
		return 100;
	case MEMMAP_MODULE:
		return 101;
	default:
		return type;
	}
}

/**
 * memmap_add() - append a range to a memory map
 * @m: map
 * @base: physical start address
 * @len: length in bytes; an empty range is silently ignored
 * @type: an enum memmap_type value; unknown values become reserved when
 *        the map is normalised
 *
 * A range running past the top of the address space is clamped to end
 * at 2^64 - 1. The map is not normalised. Returns 0, or -ENOSPC when the
 * map already holds MEMMAP_MAX entries.
 */
int memmap_add(struct memmap *m, u64 base, u64 len, u32 type)
{
	struct memmap_entry *e;

	len = entry_end(base, len) - base;
	if (!len)
		return 0;
	if (m->nr >= MEMMAP_MAX)
		return -ENOSPC;
	e = &m->e[m->nr++];
	e->base = base;
	e->len = len;
	e->type = type;
	return 0;
}

static bool point_before(const struct point *a, const struct point *b)
{
	return a->addr < b->addr;
}

/* Insertion sort: n <= 256 and no recursion or heap is allowed. */
static void sort_points(struct sweep *sw)
{
	unsigned int i, j;

	for (i = 1; i < sw->nr; i++) {
		struct point key = sw->pt[i];

		for (j = i; j > 0 && point_before(&key, &sw->pt[j - 1]); j--)
			sw->pt[j] = sw->pt[j - 1];
		sw->pt[j] = key;
	}
}

static void collect_points(const struct memmap *m, struct sweep *sw)
{
	unsigned int i;

	sw->nr = 0;
	for (i = 0; i < m->nr && i < MEMMAP_MAX; i++) {
		const struct memmap_entry *e = &m->e[i];
		u64 end = entry_end(e->base, e->len);
		u32 type = sanitise_type(e->type);

		if (end <= e->base)
			continue;
		sw->pt[sw->nr++] = (struct point){ e->base, type, 1 };
		sw->pt[sw->nr++] = (struct point){ end, type, 0 };
	}
	sort_points(sw);
}

/* The type covering the current interval, or 0 when it is a hole. */
static u32 winning_type(const unsigned int open[NR_TYPES])
{
	u32 t, best = 0;

	for (t = MEMMAP_USABLE; t < NR_TYPES; t++) {
		if (open[t] && (!best || type_rank(t) > type_rank(best)))
			best = t;
	}
	return best;
}

/* Output cursor; entries past MEMMAP_MAX are counted but not stored. */
struct emitter {
	struct memmap_entry *out;	/* NULL for a counting dry run */
	unsigned int nr;
	u64 prev_end;
	u32 prev_type;
};

/* Append [base, end), merging with a contiguous entry of equal type. */
static void emit(struct emitter *em, u64 base, u64 end, u32 type)
{
	bool merge = em->nr && em->prev_end == base && em->prev_type == type;
	unsigned int idx = merge ? em->nr - 1 : em->nr++;

	if (em->out && idx < MEMMAP_MAX) {
		struct memmap_entry *e = &em->out[idx];

		if (!merge) {
			e->base = base;
			e->type = type;
		}
		e->len = end - e->base;
	}
	em->prev_end = end;
	em->prev_type = type;
}

/*
 * Walk the sorted points and produce the normalised entries into @out
 * (if not NULL) without ever writing beyond MEMMAP_MAX. Returns the
 * number of entries the result needs, which may exceed MEMMAP_MAX.
 */
static unsigned int sweep(const struct sweep *sw, struct memmap_entry *out)
{
	unsigned int open[NR_TYPES] = { 0 };
	struct emitter em = { .out = out };
	unsigned int i = 0;

	while (i < sw->nr) {
		u64 here = sw->pt[i].addr;
		u32 type;

		for (; i < sw->nr && sw->pt[i].addr == here; i++) {
			if (sw->pt[i].is_start)
				open[sw->pt[i].type]++;
			else
				open[sw->pt[i].type]--;
		}
		type = winning_type(open);
		if (type && i < sw->nr)
			emit(&em, here, sw->pt[i].addr, type);
	}
	return em.nr;
}

/**
 * memmap_normalise() - sort, de-overlap and merge a memory map
 * @m: map, rewritten in place
 *
 * Where entries overlap the most restrictive type wins: any other type
 * beats usable, kernel and module beat everything, and otherwise the
 * higher type value wins. Unknown types become reserved, empty entries
 * are dropped and touching entries of equal type are merged. O(n^2)
 * time, no heap, about 4 KiB of stack. Returns the new number of
 * entries, or -ENOSPC (leaving @m unchanged) if splitting overlaps would
 * need more than MEMMAP_MAX entries.
 */
int memmap_normalise(struct memmap *m)
{
	struct sweep sw;
	unsigned int nr;

	collect_points(m, &sw);
	nr = sweep(&sw, NULL);
	if (nr > MEMMAP_MAX)
		return -ENOSPC;
	m->nr = sweep(&sw, m->e);
	return m->nr;
}

/**
 * memmap_reserve() - mark a range with a type and renormalise
 * @m: map
 * @base: physical start address
 * @len: length in bytes
 * @type: type to give the range, typically MEMMAP_KERNEL or
 *        MEMMAP_MODULE
 *
 * Used to carve the kernel image and boot modules out of usable memory.
 * The range only wins over types of lower priority (see
 * memmap_normalise()). Returns the new number of entries or -ENOSPC, in
 * which case the map describes the same memory as before.
 */
int memmap_reserve(struct memmap *m, u64 base, u64 len, u32 type)
{
	int ret;

	if (!len)
		return memmap_normalise(m);
	/* A full raw map may still compact enough to make room. */
	if (m->nr >= MEMMAP_MAX) {
		ret = memmap_normalise(m);
		if (ret < 0)
			return ret;
	}
	ret = memmap_add(m, base, len, type);
	if (ret)
		return ret;
	ret = memmap_normalise(m);
	if (ret < 0)
		m->nr--;	/* normalise left @m untouched: undo the add */
	return ret;
}

/**
 * memmap_usable_bytes() - count usable memory in whole pages
 * @m: map, expected to be normalised
 *
 * Each usable range is shrunk inwards to 4 KiB boundaries first, since
 * partial pages cannot be handed to the frame allocator. Returns the
 * total in bytes.
 */
u64 memmap_usable_bytes(const struct memmap *m)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < m->nr && i < MEMMAP_MAX; i++) {
		const struct memmap_entry *e = &m->e[i];
		u64 end = ALIGN_DOWN(entry_end(e->base, e->len), PAGE_SIZE);
		u64 start;

		if (e->type != MEMMAP_USABLE ||
		    e->base > ALIGN_DOWN(UINT64_MAX, PAGE_SIZE))
			continue;
		start = ALIGN_UP(e->base, PAGE_SIZE);
		if (end > start)
			total += end - start;
	}
	return total;
}

/**
 * memmap_covers() - whether one entry of @type holds all of a range
 * @m: map, expected to be normalised (touching ranges of a type merged)
 * @base: start of the range
 * @len: its length in bytes, at least 1
 * @type: the type the whole range must have
 *
 * Returns false for an empty range or one that wraps.
 */
bool memmap_covers(const struct memmap *m, u64 base, u64 len, u32 type)
{
	unsigned int i;

	if (!len || base + len < base)
		return false;
	for (i = 0; i < m->nr && i < MEMMAP_MAX; i++) {
		const struct memmap_entry *e = &m->e[i];

		if (e->type == type && base >= e->base &&
		    base + len <= entry_end(e->base, e->len))
			return true;
	}
	return false;
}

/**
 * memmap_type_name() - human-readable name of a memory map type
 * @type: an enum memmap_type value
 *
 * Returns a static string; "unknown" for values outside the enum.
 */
const char *memmap_type_name(u32 type)
{
	static const char *const names[] = {
		[MEMMAP_USABLE] = "usable",
		[MEMMAP_RESERVED] = "reserved",
		[MEMMAP_ACPI_RECLAIM] = "ACPI reclaimable",
		[MEMMAP_ACPI_NVS] = "ACPI NVS",
		[MEMMAP_BAD] = "bad",
		[MEMMAP_KERNEL] = "kernel",
		[MEMMAP_MODULE] = "module",
	};

	if (type >= ARRAY_SIZE(names) || !names[type])
		return "unknown";
	return names[type];
}

/**
 * memmap_type_from_firmware - map an E820-style type from a loader
 * @e820_type: type as given by multiboot2, PVH or Xen (1 = RAM, ...)
 *
 * Types 1-5 mean the same in E820 and here; anything else (disabled,
 * persistent memory, vendor types) is only safe to treat as reserved, and
 * must never become one of pvk's own KERNEL or MODULE types.
 */
u32 memmap_type_from_firmware(u32 e820_type)
{
	switch (e820_type) {
	case MEMMAP_USABLE:
	case MEMMAP_RESERVED:
	case MEMMAP_ACPI_RECLAIM:
	case MEMMAP_ACPI_NVS:
	case MEMMAP_BAD:
		return e820_type;
	default:
		return MEMMAP_RESERVED;
	}
}
