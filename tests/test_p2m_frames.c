// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/xen/p2m-frames.c: the frame lists through
 * which a save reads a PV guest's P2M.  A made-up machine frame per
 * page (its address, shifted and scrambled) stands in for the P2M.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include <asm/page.h>
#include <asm/xen/p2m-frames.h>
#include "harness.h"

static unsigned long fake_mfn(const void *va)
{
	return ((unsigned long)va >> PAGE_SHIFT) ^ 0x5a5a0UL;
}

static unsigned long *pages_of(unsigned long n)
{
	unsigned long *p = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);

	memset(p, 0xee, n * PAGE_SIZE);
	return p;
}

/* @nr_pfns entries: every P2M page listed in order, every list in top. */
static void check_lists(unsigned long nr_pfns, unsigned int want_lists)
{
	unsigned long pages = (nr_pfns + P2M_PER_PAGE - 1) / P2M_PER_PAGE;
	unsigned long *p2m = pages_of(pages), *top = pages_of(1);
	unsigned long *lists[3] = { pages_of(1), pages_of(1), pages_of(1) };

	EXPECT_EQ(xen_p2m_frame_lists(p2m, nr_pfns, fake_mfn, lists, 3, top),
		  (int)want_lists);
	for (unsigned long i = 0; i < pages; i++)
		EXPECT_EQ(lists[i / P2M_PER_PAGE][i % P2M_PER_PAGE],
			  fake_mfn(&p2m[i * P2M_PER_PAGE]));
	for (unsigned int i = 0; i < want_lists; i++)
		EXPECT_EQ(top[i], fake_mfn(lists[i]));
	/* Nothing past what is needed is written. */
	if (pages % P2M_PER_PAGE)
		EXPECT_EQ(lists[want_lists - 1][pages % P2M_PER_PAGE], 0xeeeeeeeeeeeeeeeeUL);
	EXPECT_EQ(top[want_lists], 0xeeeeeeeeeeeeeeeeUL);
	for (unsigned int i = 0; i < 3; i++)
		free(lists[i]);
	free(p2m);
	free(top);
}

TEST(lists_cover_every_p2m_page)
{
	check_lists(1, 1);
	check_lists(P2M_PER_PAGE, 1);
	check_lists(P2M_PER_PAGE + 1, 1);
	check_lists(16384, 1);			/* a 64 MiB guest */
	check_lists(P2M_PER_PAGE * P2M_PER_PAGE, 1);
	check_lists(P2M_PER_PAGE * P2M_PER_PAGE + 1, 2);
}

TEST(undescribable_p2m_refused)
{
	unsigned long *p2m = pages_of(2), *top = pages_of(1);
	unsigned long *lists[1] = { pages_of(1) };

	/* Not page-aligned, empty, or more list pages than given. */
	EXPECT_EQ(xen_p2m_frame_lists(p2m + 1, 8, fake_mfn, lists, 1, top), -EINVAL);
	EXPECT_EQ(xen_p2m_frame_lists(p2m, 0, fake_mfn, lists, 1, top), -EINVAL);
	EXPECT_EQ(xen_p2m_frame_lists(p2m, P2M_PER_PAGE * P2M_PER_PAGE + 1,
				      fake_mfn, lists, 1, top), -EINVAL);
	EXPECT_EQ(top[0], 0xeeeeeeeeeeeeeeeeUL);
	free(lists[0]);
	free(p2m);
	free(top);
}

int main(void)
{
	RUN(lists_cover_every_p2m_page);
	RUN(undescribable_p2m_refused);
	return TEST_DONE();
}
