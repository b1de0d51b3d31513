// SPDX-License-Identifier: MIT
/*
 * Unit tests for mm/vma.c: mapping, unmapping and mprotect() of ranges
 * split and merge them as Linux's VMAs do, and a change that does not
 * fit leaves the set alone.
 */
#include <pvk/errno.h>
#include <pvk/vma.h>
#include "harness.h"

#define P 0x1000UL
#define RW (PROT_READ | PROT_WRITE)

static void expect_area(const struct vma_set *s, unsigned int i,
			unsigned long start, unsigned long end, unsigned int prot)
{
	EXPECT(i < s->nr);
	if (i >= s->nr)
		return;
	EXPECT_EQ_U(s->area[i].start, start);
	EXPECT_EQ_U(s->area[i].end, end);
	EXPECT_EQ_U(s->area[i].prot, prot);
}

TEST(map_merges_and_sorts)
{
	struct vma_set s = { 0 };

	EXPECT_EQ(vma_map(&s, 10 * P, 20 * P, RW), 0);
	EXPECT_EQ(vma_map(&s, 2 * P, 4 * P, PROT_READ), 0);
	/* Adjacent with the same protection: one range. */
	EXPECT_EQ(vma_map(&s, 20 * P, 30 * P, RW), 0);
	EXPECT_EQ_U(s.nr, 2);
	expect_area(&s, 0, 2 * P, 4 * P, PROT_READ);
	expect_area(&s, 1, 10 * P, 30 * P, RW);
	EXPECT(vma_find(&s, 15 * P) == &s.area[1]);
	EXPECT(vma_find(&s, 30 * P) == NULL);
	EXPECT(vma_find(&s, 4 * P) == NULL);
	/* MAP_FIXED over the middle replaces it. */
	EXPECT_EQ(vma_map(&s, 12 * P, 14 * P, PROT_NONE), 0);
	EXPECT_EQ_U(s.nr, 4);
	expect_area(&s, 1, 10 * P, 12 * P, RW);
	expect_area(&s, 2, 12 * P, 14 * P, PROT_NONE);
	expect_area(&s, 3, 14 * P, 30 * P, RW);
}

TEST(unmap_splits)
{
	struct vma_set s = { 0 };

	EXPECT_EQ(vma_map(&s, 0, 10 * P, RW), 0);
	EXPECT_EQ(vma_unmap(&s, 3 * P, 5 * P), 0);
	EXPECT_EQ_U(s.nr, 2);
	expect_area(&s, 0, 0, 3 * P, RW);
	expect_area(&s, 1, 5 * P, 10 * P, RW);
	/* Unmapping beyond every range is fine, and takes whole ones. */
	EXPECT_EQ(vma_unmap(&s, 2 * P, 100 * P), 0);
	EXPECT_EQ_U(s.nr, 1);
	expect_area(&s, 0, 0, 2 * P, RW);
	EXPECT_EQ(vma_unmap(&s, 0, 2 * P), 0);
	EXPECT_EQ_U(s.nr, 0);
}

TEST(protect_splits_and_merges_back)
{
	struct vma_set s = { 0 };

	EXPECT_EQ(vma_map(&s, 0, 8 * P, RW), 0);
	EXPECT_EQ(vma_protect(&s, 2 * P, 3 * P, PROT_READ), 0);
	EXPECT_EQ_U(s.nr, 3);
	expect_area(&s, 0, 0, 2 * P, RW);
	expect_area(&s, 1, 2 * P, 3 * P, PROT_READ);
	expect_area(&s, 2, 3 * P, 8 * P, RW);
	EXPECT_EQ(vma_protect(&s, 2 * P, 3 * P, RW), 0);
	EXPECT_EQ_U(s.nr, 1);
	expect_area(&s, 0, 0, 8 * P, RW);
	/* The whole of a range, and across two adjacent ones. */
	EXPECT_EQ(vma_map(&s, 8 * P, 9 * P, PROT_READ), 0);
	EXPECT_EQ(vma_protect(&s, 7 * P, 9 * P, PROT_NONE), 0);
	EXPECT_EQ_U(s.nr, 2);
	expect_area(&s, 1, 7 * P, 9 * P, PROT_NONE);
}

TEST(protect_needs_every_page_mapped)
{
	struct vma_set s = { 0 };

	EXPECT_EQ(vma_map(&s, 0, 4 * P, RW), 0);
	EXPECT_EQ(vma_map(&s, 5 * P, 8 * P, RW), 0);
	EXPECT(vma_covers(&s, 0, 4 * P));
	EXPECT(!vma_covers(&s, 0, 6 * P));
	EXPECT(!vma_covers(&s, 9 * P, 10 * P));
	/* A hole at page 4: Linux's mprotect says ENOMEM, nothing changes. */
	EXPECT_EQ(vma_protect(&s, 3 * P, 6 * P, PROT_READ), -ENOMEM);
	EXPECT_EQ_U(s.nr, 2);
	expect_area(&s, 0, 0, 4 * P, RW);
	EXPECT_EQ(vma_protect(&s, 20 * P, 21 * P, PROT_READ), -ENOMEM);
}

TEST(full_set_unchanged)
{
	struct vma_set s = { 0 };
	unsigned int i;

	for (i = 0; i < VMA_MAX; i++)
		EXPECT_EQ(vma_map(&s, 2 * i * P, (2 * i + 1) * P, RW), 0);
	EXPECT_EQ_U(s.nr, VMA_MAX);
	/* A whole range changes in place; a split needs one more. */
	EXPECT_EQ(vma_protect(&s, 0, P, PROT_READ), 0);
	EXPECT_EQ(vma_protect(&s, 2 * P, 3 * P, PROT_READ), 0);
	EXPECT_EQ_U(s.nr, VMA_MAX);
	EXPECT_EQ(vma_map(&s, 200 * P, 300 * P, RW), -ENOMEM);
	EXPECT_EQ(vma_map(&s, 2 * VMA_MAX * P, (2 * VMA_MAX + 1) * P, RW),
		  -ENOMEM);
	EXPECT_EQ_U(s.nr, VMA_MAX);
	EXPECT_EQ(vma_protect(&s, 4 * P, 5 * P, PROT_READ), 0);
	/* Filling a hole merges three into one: that fits. */
	EXPECT_EQ(vma_map(&s, 3 * P, 4 * P, PROT_READ), 0);
	EXPECT_EQ_U(s.nr, VMA_MAX - 1);
	expect_area(&s, 1, 2 * P, 5 * P, PROT_READ);
	/* Splitting the middle of a full set fails and changes nothing. */
	for (i = s.nr; i < VMA_MAX; i++)
		EXPECT_EQ(vma_map(&s, (1000 + 2 * i) * P, (1001 + 2 * i) * P, RW), 0);
	EXPECT_EQ(vma_unmap(&s, 3 * P, 4 * P), -ENOMEM);
	expect_area(&s, 1, 2 * P, 5 * P, PROT_READ);
}

int main(void)
{
	RUN(map_merges_and_sorts);
	RUN(unmap_splits);
	RUN(protect_splits_and_merges_back);
	RUN(protect_needs_every_page_mapped);
	RUN(full_set_unchanged);
	return TEST_DONE();
}
