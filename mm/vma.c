// SPDX-License-Identifier: MIT
/*
 * The mappings of an address space as a sorted array of ranges (pure:
 * also built on the host for tests/test_vma.c).  Every change rebuilds
 * the array in one pass, splitting the ranges it cuts and merging
 * neighbours of the same protection, so a change that does not fit
 * leaves the set as it was.
 */
#include <pvk/errno.h>
#include <pvk/string.h>
#include <pvk/vma.h>

/* A rebuilt set; @full once a range did not fit. */
struct vma_builder {
	struct vma_set set;
	bool full;
};

/* Append @start..@end, merged into the last range when it continues it. */
static void vma_push(struct vma_builder *b, unsigned long start,
		     unsigned long end, unsigned int prot)
{
	struct vma_set *s = &b->set;
	struct vm_area *last = s->nr ? &s->area[s->nr - 1] : NULL;

	if (start >= end)
		return;
	if (last && last->end == start && last->prot == prot) {
		last->end = end;
		return;
	}
	if (s->nr == VMA_MAX) {
		b->full = true;
		return;
	}
	s->area[s->nr++] = (struct vm_area){ start, end, prot };
}

/*
 * @s with [@start, @end) taken out of every range and, when @map, put
 * back as one range of @prot.
 */
static int vma_rewrite(struct vma_set *s, unsigned long start,
		       unsigned long end, bool map, unsigned int prot)
{
	struct vma_builder b = { .full = false };
	bool placed = !map;

	for (unsigned int i = 0; i < s->nr; i++) {
		const struct vm_area *v = &s->area[i];

		/* What lies below the range, the range, what lies above. */
		vma_push(&b, v->start, MIN(v->end, start), v->prot);
		if (!placed && v->end > start) {
			vma_push(&b, start, end, prot);
			placed = true;
		}
		vma_push(&b, MAX(v->start, end), v->end, v->prot);
	}
	if (!placed)
		vma_push(&b, start, end, prot);
	if (b.full)
		return -ENOMEM;
	memcpy(s, &b.set, sizeof(*s));
	return 0;
}

/**
 * vma_find - the range that holds an address
 * @s: the set
 * @addr: any user address
 */
const struct vm_area *vma_find(const struct vma_set *s, unsigned long addr)
{
	for (unsigned int i = 0; i < s->nr; i++)
		if (addr >= s->area[i].start && addr < s->area[i].end)
			return &s->area[i];
	return NULL;
}

/**
 * vma_map - record a new mapping (mmap, brk, a program's segments)
 * @s: the set
 * @start: page-aligned first address
 * @end: page-aligned end, above @start
 * @prot: PROT_* bits
 *
 * What the set had in the range is replaced (MAP_FIXED).  Returns 0, or
 * -ENOMEM when the set would exceed VMA_MAX ranges (it is unchanged).
 */
int vma_map(struct vma_set *s, unsigned long start, unsigned long end,
	    unsigned int prot)
{
	return vma_rewrite(s, start, end, true, prot);
}

/**
 * vma_unmap - take a range out of the set (munmap, a shrinking brk)
 * @s: the set
 * @start: page-aligned first address
 * @end: page-aligned end
 *
 * Parts of the range that were not mapped are fine, as for munmap(2).
 * Returns 0, or -ENOMEM when splitting a range would exceed VMA_MAX.
 */
int vma_unmap(struct vma_set *s, unsigned long start, unsigned long end)
{
	return vma_rewrite(s, start, end, false, 0);
}

/**
 * vma_covers - is every page of a range mapped?
 * @s: the set
 * @start: first address
 * @end: end, above @start
 */
bool vma_covers(const struct vma_set *s, unsigned long start, unsigned long end)
{
	unsigned long at = start;

	/* Sorted and disjoint: the ranges must chain from @start to @end. */
	for (unsigned int i = 0; i < s->nr && at < end; i++)
		if (s->area[i].start <= at && s->area[i].end > at)
			at = s->area[i].end;
	return at >= end;
}

/**
 * vma_protect - change the protection of mapped pages (mprotect)
 * @s: the set
 * @start: page-aligned first address
 * @end: page-aligned end, above @start
 * @prot: the new PROT_* bits
 *
 * Returns 0, or -ENOMEM when a page of the range is not mapped (as
 * Linux's mprotect(2)) or the ranges it splits would exceed VMA_MAX;
 * the set is unchanged then.
 */
int vma_protect(struct vma_set *s, unsigned long start, unsigned long end,
		unsigned int prot)
{
	if (!vma_covers(s, start, end))
		return -ENOMEM;
	return vma_rewrite(s, start, end, true, prot);
}
