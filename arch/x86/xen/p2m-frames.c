// SPDX-License-Identifier: MIT
/*
 * The lists through which a save reads a PV guest's P2M (pure: also
 * built on the host for tests/test_p2m_frames.c).
 *
 * shared_info's arch.pfn_to_mfn_frame_list_list names one page listing
 * the machine frames of the "frame list" pages, which list the machine
 * frames of the P2M's own pages.  A restore writes the new P2M into
 * those same pages, whose machine frames are new: so the lists are
 * filled again after every resume.
 */
#include <pvk/kernel.h>
#include <asm/page.h>
#include <asm/xen/p2m-frames.h>

/**
 * xen_p2m_frame_lists - fill the frame lists of a P2M
 * @p2m: the P2M, page-aligned, @nr_pfns entries
 * @nr_pfns: entries of @p2m (shared_info's arch.max_pfn)
 * @mfn_of: the machine frame of the page holding an address
 * @lists: @nr_lists pages for the frame lists
 * @nr_lists: how many there are
 * @top: one page for the list of @lists' frames
 *
 * Returns the number of list pages filled, or -EINVAL when @p2m is not
 * page-aligned, is empty or needs more than @nr_lists list pages.
 */
int xen_p2m_frame_lists(const unsigned long *p2m, unsigned long nr_pfns,
			unsigned long (*mfn_of)(const void *va),
			unsigned long *const *lists, unsigned int nr_lists,
			unsigned long *top)
{
	unsigned long pages = (nr_pfns + P2M_PER_PAGE - 1) / P2M_PER_PAGE;
	unsigned long used = (pages + P2M_PER_PAGE - 1) / P2M_PER_PAGE;

	if (((unsigned long)p2m & (PAGE_SIZE - 1)) || !nr_pfns || used > nr_lists)
		return -EINVAL;
	for (unsigned long i = 0; i < pages; i++)
		lists[i / P2M_PER_PAGE][i % P2M_PER_PAGE] =
			mfn_of(&p2m[i * P2M_PER_PAGE]);
	for (unsigned long i = 0; i < used; i++)
		top[i] = mfn_of(lists[i]);
	return (int)used;
}
