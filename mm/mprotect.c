// SPDX-License-Identifier: MIT
/*
 * mprotect(2): the mappings get the new protection first, then every
 * page of the range that was touched has its entry rewritten through
 * the page-table path (pv_ops: hypercalls under Xen PV), then the CPUs
 * that run the address space drop the old entries from their TLBs
 * before the call returns, so another thread's write to a page made
 * read-only faults at once.  Pages not touched yet get the new
 * protection when they are (mm/memory.c).
 *
 * x86 page entries have no "present but unreadable": a page touched
 * before it is made PROT_NONE stays readable (not writable) until made
 * accessible again; a page never touched faults as it should.
 * PROT_EXEC is recorded, not enforced: user pages are executable
 * whenever they are readable.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

static long do_mprotect(struct mm_struct *mm, unsigned long start,
			unsigned long end, unsigned int prot)
{
	unsigned long irq, changed = 0;
	int err;

	spin_lock_irqsave(&mm->vma_lock, irq);
	err = vma_protect(&mm->vmas, start, end, prot);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	if (err)
		return err;
	for (unsigned long va = start; va < end; va += PAGE_SIZE)
		if (!protect_user_page(mm->pgd, va, prot & PROT_WRITE))
			changed++;
	if (changed)
		mm_flush_tlb(mm, changed == 1 ? start : TLB_FLUSH_ALL);
	return 0;
}

/**
 * sys_mprotect - mprotect(2)
 * @start: page-aligned start of the range
 * @len: its length, rounded up to pages
 * @prot: PROT_READ, PROT_WRITE, PROT_EXEC or PROT_NONE
 *
 * Returns 0; -EINVAL for an unaligned @start or unknown @prot bits;
 * -ENOMEM when a page of the range is not mapped (or the range leaves
 * user space), as Linux.
 */
long sys_mprotect(unsigned long start, size_t len, unsigned long prot)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);
	long ret;

	if ((start & ~PAGE_MASK) || (prot & ~(unsigned long)PROT_MASK))
		return -EINVAL;
	if (!len)
		return 0;
	if (size < len || !access_ok(start, size))
		return -ENOMEM;
	spin_lock(&mm->lock);
	ret = do_mprotect(mm, start, start + size, (unsigned int)prot);
	spin_unlock(&mm->lock);
	return ret;
}
