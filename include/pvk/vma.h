/* SPDX-License-Identifier: MIT */
/*
 * The mappings of an address space (mm/vma.c, pure: also built on the
 * host for tests/test_vma.c): page-aligned ranges, each with its
 * mmap(2) protection, kept sorted, disjoint, and merged with a
 * neighbour of the same protection.  A page fault inside one is served
 * (demand paging); outside every one it is SIGSEGV.
 */
#ifndef PVK_VMA_H
#define PVK_VMA_H

#include <pvk/types.h>

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define PROT_MASK	(PROT_READ | PROT_WRITE | PROT_EXEC)

/*
 * Ranges one address space may have: a musl program has a few (its
 * segments, stack, heap, and a mapping plus a guard per thread stack).
 */
#define VMA_MAX		64

struct vm_area {
	unsigned long start, end;	/* [start, end), page-aligned */
	unsigned int prot;		/* PROT_* */
};

struct vma_set {
	unsigned int nr;
	struct vm_area area[VMA_MAX];
};

/* The range holding @addr, or NULL. */
const struct vm_area *vma_find(const struct vma_set *s, unsigned long addr);
/* Map [@start, @end) with @prot, replacing what was there; -ENOMEM. */
int vma_map(struct vma_set *s, unsigned long start, unsigned long end,
	    unsigned int prot);
/* Remove [@start, @end) from every range; -ENOMEM when a split has no room. */
int vma_unmap(struct vma_set *s, unsigned long start, unsigned long end);
/* Does [@start, @end) lie wholly inside ranges? */
bool vma_covers(const struct vma_set *s, unsigned long start, unsigned long end);
/* mprotect(): @prot on [@start, @end), which must be covered; -ENOMEM. */
int vma_protect(struct vma_set *s, unsigned long start, unsigned long end,
		unsigned int prot);

#endif
