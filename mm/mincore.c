// SPDX-License-Identifier: MIT
/*
 * mincore(2): which pages of a mapped range are in memory.  With
 * demand paging that is exactly the pages touched so far (pvk never
 * swaps), so a program can see what its accesses populated.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

#define MINCORE_CHUNK	64

static bool mm_covers(struct mm_struct *mm, unsigned long start,
		      unsigned long end)
{
	unsigned long irq;
	bool ok;

	spin_lock_irqsave(&mm->vma_lock, irq);
	ok = vma_covers(&mm->vmas, start, end);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	return ok;
}

/**
 * sys_mincore - mincore(2)
 * @start: page-aligned start
 * @len: length, rounded up to pages
 * @vec: a byte per page: 1 when the page is in memory, else 0
 *
 * Returns 0; -EINVAL for an unaligned @start; -ENOMEM when a page of
 * the range is not mapped; -EFAULT when @vec cannot be written.
 */
long sys_mincore(unsigned long start, size_t len, unsigned char *vec)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE), va;
	unsigned char chunk[MINCORE_CHUNK];

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (size < len || !access_ok(start, size))
		return -ENOMEM;
	if (!len)
		return 0;
	if (!mm_covers(mm, start, start + size))
		return -ENOMEM;
	for (va = start; va < start + size;) {
		size_t n = 0;

		for (; n < MINCORE_CHUNK && va < start + size; n++, va += PAGE_SIZE)
			chunk[n] = user_page_mapped(mm->pgd, va);
		if (copy_to_user(vec, chunk, n))
			return -EFAULT;
		vec += n;
	}
	return 0;
}
