/* SPDX-License-Identifier: MIT */
/* The P2M's frame lists for a save (arch/x86/xen/p2m-frames.c, pure). */
#ifndef _ASM_X86_XEN_P2M_FRAMES_H
#define _ASM_X86_XEN_P2M_FRAMES_H

#include <pvk/types.h>

/* Entries of the P2M, and of a frame list, in one page. */
#define P2M_PER_PAGE	(PAGE_SIZE / sizeof(unsigned long))

int xen_p2m_frame_lists(const unsigned long *p2m, unsigned long nr_pfns,
			unsigned long (*mfn_of)(const void *va),
			unsigned long *const *lists, unsigned int nr_lists,
			unsigned long *top);

#endif
