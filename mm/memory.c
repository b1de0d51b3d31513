// SPDX-License-Identifier: MIT
/*
 * Demand paging: anonymous mappings (mmap, brk) get their pages at the
 * first touch, not when mapped.  A user page fault, from user mode or
 * from the kernel copying to or from user memory, lands here with
 * interrupts off: inside a mapping that allows the access, a missing
 * page is allocated zeroed and mapped with the mapping's protection,
 * and a write to a copy-on-write page is copied (cow_fault()).
 * Anything else is the caller's to refuse (SIGSEGV, or -EFAULT).
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <asm/page.h>

/* x86 page-fault error code bits. */
#define PF_PROT		(1UL << 0)	/* a present page refused the access */
#define PF_WRITE	(1UL << 1)

/* Does @prot allow the access @error_code describes? */
static bool vma_allows(unsigned int prot, unsigned long error_code)
{
	if (error_code & PF_WRITE)
		return prot & PROT_WRITE;
	return prot & (PROT_READ | PROT_EXEC);
}

/*
 * A fresh zeroed page at @va.  @vma_lock is held while it is mapped:
 * munmap() takes the mapping away under it first, so a page is never
 * mapped where the mapping is gone.  No flush: the entry was empty.
 */
static int fault_in_page(struct mm_struct *mm, unsigned long va,
			 unsigned int prot, unsigned long irq)
{
	void *page = NULL;
	int err = -ENOMEM;

	if (__atomic_add_fetch(&mm->pages, 1, __ATOMIC_RELAXED) <= mm_pages_limit())
		page = alloc_page_zeroed();
	if (page)
		err = map_user_page_absent(mm->pgd, va, __pa(page),
					   prot & PROT_WRITE ? MAP_WRITE : 0);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	if (!err)
		return 0;
	__atomic_sub_fetch(&mm->pages, 1, __ATOMIC_RELAXED);
	if (page)
		free_pages(page, 0);
	/* Another thread's fault mapped it first: retry the access. */
	return err == -EEXIST ? 0 : -ENOMEM;
}

/**
 * handle_mm_fault - serve a page fault on a user address
 * @mm: the address space, loaded on this CPU
 * @addr: the faulting address (below TASK_SIZE)
 * @error_code: the page fault's error code
 *
 * Returns 0 when the access can be retried, -EFAULT when no mapping
 * holds @addr or its protection refuses the access, -ENOMEM when no
 * page (or the process's page limit) is left for it.
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr,
		    unsigned long error_code)
{
	unsigned long va = ALIGN_DOWN(addr, PAGE_SIZE), irq;
	const struct vm_area *vma;
	unsigned int prot;

	spin_lock_irqsave(&mm->vma_lock, irq);
	vma = vma_find(&mm->vmas, va);
	prot = vma ? vma->prot : PROT_NONE;
	if (!vma || !vma_allows(prot, error_code)) {
		spin_unlock_irqrestore(&mm->vma_lock, irq);
		return -EFAULT;
	}
	if (!(error_code & PF_PROT))
		return fault_in_page(mm, va, prot, irq);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	/* Present: a write to a copy-on-write page (it may shoot TLBs down). */
	return cow_fault(mm, addr, error_code) ? 0 : -EFAULT;
}
