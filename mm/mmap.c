// SPDX-License-Identifier: MIT
/*
 * A process's address space: its page tables (kernel half shared), its
 * mappings (struct vma_set), the heap grown by brk() and anonymous
 * mappings from mmap().  brk() and mmap() only record the mapping: its
 * pages come at the first touch (mm/memory.c).  Pages belong to the
 * page tables: munmap() and the teardown free them, or drop their share
 * of them while a fork's copy-on-write keeps them in several.
 *
 * Threads share an address space and may run on several CPUs at once:
 * each mm_struct keeps the CPUs that have it loaded, and a change that
 * takes a mapping away is flushed from those CPUs' TLBs only
 * (pv_ops.mmu.flush_tlb_multi) before its page is freed.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

/* Anonymous mappings are placed downwards from here, below the stack. */
#define MMAP_BASE	0x00007f0000000000UL

#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20

/* The address space each CPU has loaded (NULL: the kernel's tables). */
static struct mm_struct *loaded_mm[NR_CPUS];
static unsigned long pages_limit = MM_PAGES_MAX;

/**
 * mm_pages_limit - how many pages one process may have
 *
 * A fault or populate past it fails with -ENOMEM, which kills a
 * process that faulted from user mode.
 */
unsigned long mm_pages_limit(void)
{
	return __atomic_load_n(&pages_limit, __ATOMIC_RELAXED);
}

/**
 * mm_set_pages_limit - change the per-process page limit
 * @pages: the new limit (MM_PAGES_MAX at boot)
 *
 * For self-tests that exhaust a process's memory quickly and on every
 * machine size (kernel/user_test.c).  Returns the old limit.
 */
unsigned long mm_set_pages_limit(unsigned long pages)
{
	return __atomic_exchange_n(&pages_limit, pages, __ATOMIC_RELAXED);
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	spin_lock_init(&mm->lock);
	spin_lock_init(&mm->vma_lock);
	mm->mmap_base = MMAP_BASE;
	return mm;
}

/* Call-function IPI: a CPU that keeps @info loaded lazily lets go. */
static void mm_drop_lazy(void *info)
{
	if (loaded_mm[smp_processor_id()] == info)
		mm_activate(NULL);
}

/**
 * mm_free - free an address space nobody runs any more
 * @mm: loaded on no CPU, or lazily only (under a kernel thread): those
 *	CPUs switch to the kernel's tables first
 */
void mm_free(struct mm_struct *mm)
{
	mm_drop_lazy(mm);
	if (!cpumask_empty(&mm->cpus))
		smp_call_function_many(&mm->cpus, mm_drop_lazy, mm, true);
	pgd_free(mm->pgd);
	kfree(mm);
}

/* The child's mappings are the parent's (its one thread forks). */
static void mm_copy_vmas(struct mm_struct *mm, struct mm_struct *old)
{
	unsigned long irq;

	spin_lock_irqsave(&old->vma_lock, irq);
	memcpy(&mm->vmas, &old->vmas, sizeof(mm->vmas));
	spin_unlock_irqrestore(&old->vma_lock, irq);
}

/* Record [start, end) with @prot; -ENOMEM when the set is full. */
static int mm_map_vma(struct mm_struct *mm, unsigned long start,
		      unsigned long end, unsigned int prot)
{
	unsigned long irq;
	int err;

	spin_lock_irqsave(&mm->vma_lock, irq);
	err = vma_map(&mm->vmas, start, end, prot);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	return err;
}

/* Forget [start, end); from then on a fault there is SIGSEGV. */
static int mm_unmap_vma(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	unsigned long irq;
	int err;

	spin_lock_irqsave(&mm->vma_lock, irq);
	err = vma_unmap(&mm->vmas, start, end);
	spin_unlock_irqrestore(&mm->vma_lock, irq);
	return err;
}

/**
 * mm_fork - the address space of a forked child
 * @old: the parent's, loaded on this CPU
 *
 * Same layout; every page shared copy-on-write.  Returns NULL when out
 * of memory.
 */
struct mm_struct *mm_fork(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	int err;

	if (!mm)
		return NULL;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->mmap_base = old->mmap_base;
	spin_lock(&old->lock);
	mm->pages = __atomic_load_n(&old->pages, __ATOMIC_RELAXED);
	mm_copy_vmas(mm, old);
	/* Pages never touched stay unpopulated in both. */
	err = fork_user_pages(mm->pgd, old->pgd);
	spin_unlock(&old->lock);
	/* The caller's other threads lose their writable entries too. */
	mm_flush_tlb(old, TLB_FLUSH_ALL);
	if (err) {
		mm_free(mm);
		return NULL;
	}
	return mm;
}

/**
 * mm_activate - load an address space on this CPU
 * @mm: the address space, NULL for the kernel's tables
 *
 * The CPU joins @mm's CPUs before the switch (a flush from then on
 * reaches it) and leaves the old one's after it (its TLB has nothing
 * of the old one left then: no global user pages, no PCIDs).
 */
void mm_activate(struct mm_struct *mm)
{
	unsigned int cpu = smp_processor_id();
	struct mm_struct *old = loaded_mm[cpu];

	if (mm)
		cpumask_set_cpu(cpu, &mm->cpus);
	loaded_mm[cpu] = mm;
	switch_pgd(mm ? mm->pgd : NULL);
	if (old && old != mm)
		cpumask_clear_cpu(cpu, &old->cpus);
}

/**
 * mm_flush_tlb - drop @va of @mm from the TLB of every CPU that has it
 * @mm: the address space whose entry changed
 * @va: the page, or TLB_FLUSH_ALL
 *
 * This CPU flushes itself when it has @mm loaded; the others in
 * @mm->cpus through pv_ops.mmu.flush_tlb_multi, which returns when
 * they have.  The fence orders the caller's entry update before the
 * read of the mask: a CPU that joins later walks the new entry.
 */
void mm_flush_tlb(struct mm_struct *mm, unsigned long va)
{
	struct cpumask others;
	unsigned int self = smp_processor_id();

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others.bits = __atomic_load_n(&mm->cpus.bits, __ATOMIC_SEQ_CST);
	if (cpumask_test_cpu(self, &others)) {
		if (va == TLB_FLUSH_ALL)
			flush_tlb_local();
		else
			flush_tlb_one(va);
		cpumask_clear_cpu(self, &others);
	}
	if (!cpumask_empty(&others))
		flush_tlb_multi(&others, va);
}

/**
 * mm_populate - map a user range read-write-execute, backed at once
 * @mm: the address space, not yet running (the program's loader)
 * @start: first address (rounded down to a page)
 * @end: end (rounded up); pages already mapped are kept
 *
 * For a program's segments and stack, which the loader fills now.
 * Returns 0 or -ENOMEM (out of frames, over the process's limit, or
 * too many mappings); what was mapped before the failure stays until
 * unmapped or torn down.
 */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (mm_map_vma(mm, start, end, PROT_MASK))
		return -ENOMEM;
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		void *page;

		if (user_page_mapped(mm->pgd, va))
			continue;
		if (__atomic_load_n(&mm->pages, __ATOMIC_RELAXED) >= mm_pages_limit())
			return -ENOMEM;
		page = alloc_page_zeroed();
		if (!page)
			return -ENOMEM;
		if (map_user_page(mm->pgd, va, __pa(page), MAP_WRITE)) {
			free_pages(page, 0);
			return -ENOMEM;
		}
		__atomic_add_fetch(&mm->pages, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

/* Drop the pages of [start, end) that were touched. */
static void mm_unmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE)
		if (!unmap_user_page(mm, va))
			__atomic_sub_fetch(&mm->pages, 1, __ATOMIC_RELAXED);
}

static long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long old = ALIGN_UP(mm->brk, PAGE_SIZE);
	unsigned long new = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || brk >= mm->mmap_base)
		return (long)mm->brk;
	/* The heap's pages come at the first touch. */
	if (new > old && mm_map_vma(mm, old, new, PROT_READ | PROT_WRITE))
		return (long)mm->brk;
	if (new < old) {
		if (mm_unmap_vma(mm, new, old))
			return (long)mm->brk;
		mm_unmap(mm, new, old);
	}
	mm->brk = brk;
	return (long)brk;
}

/*
 * brk(2): Linux's semantics, the current break on any failure.  The
 * address-space calls hold the mm's lock: threads may make them at once.
 */
long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current_process()->mm;
	long ret;

	spin_lock(&mm->lock);
	ret = do_brk(mm, brk);
	spin_unlock(&mm->lock);
	return ret;
}

static long do_mmap(struct mm_struct *mm, unsigned long addr,
		    unsigned long size, int prot, int flags)
{
	if (flags & MAP_FIXED) {
		if (!access_ok(addr, size))
			return -ENOMEM;
	} else {
		if (size > mm->mmap_base - ALIGN_UP(mm->brk, PAGE_SIZE))
			return -ENOMEM;
		addr = mm->mmap_base - size;
	}
	if (mm_map_vma(mm, addr, addr + size, (unsigned int)prot))
		return -ENOMEM;
	/* MAP_FIXED: what was there goes; the new pages come when touched. */
	if (flags & MAP_FIXED)
		mm_unmap(mm, addr, addr + size);
	else
		mm->mmap_base = addr;
	return (long)addr;
}

/*
 * mmap(2) of private anonymous memory, populated on demand; files are
 * not supported yet.  PROT_EXEC is recorded but not enforced (user
 * pages are executable whenever readable).
 */
long sys_mmap(unsigned long addr, unsigned long len, int prot, int flags,
	      int fd, unsigned long off)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);
	long ret;

	if (!len || size < len || (addr & ~PAGE_MASK) || (prot & ~PROT_MASK))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE))
		return -ENODEV;
	spin_lock(&mm->lock);
	ret = do_mmap(mm, addr, size, prot, flags);
	spin_unlock(&mm->lock);
	return ret;
}

/*
 * munmap(2): every CPU running the process's other threads (or keeping
 * its tables loaded) drops the pages from its TLB before they are
 * freed, so a thread reading them there faults from now on.
 */
long sys_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);
	long ret;

	if ((addr & ~PAGE_MASK) || !len || size < len || !access_ok(addr, size))
		return -EINVAL;
	spin_lock(&mm->lock);
	/* The mapping goes first: a fault from now on cannot map a page. */
	ret = mm_unmap_vma(mm, addr, addr + size);
	if (!ret)
		mm_unmap(mm, addr, addr + size);
	spin_unlock(&mm->lock);
	return ret;
}
