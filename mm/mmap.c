// SPDX-License-Identifier: MIT
/*
 * A process's address space: its page tables (kernel half shared), the
 * heap grown by brk() and anonymous mappings from mmap().  Pages are
 * allocated when mapped (no demand paging yet) and belong to the page
 * tables: munmap() and the teardown free them, or drop their share of
 * them while a fork's copy-on-write keeps them in several.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

/* Anonymous mappings are placed downwards from here, below the stack. */
#define MMAP_BASE	0x00007f0000000000UL
/* Pages one process may map, so a runaway one cannot take all memory. */
#define MM_PAGES_MAX	16384

#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20

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
	mm->mmap_base = MMAP_BASE;
	return mm;
}

/* @mm must not be loaded on any CPU (mm_activate(NULL) first). */
void mm_free(struct mm_struct *mm)
{
	pgd_free(mm->pgd);
	kfree(mm);
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

	if (!mm)
		return NULL;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->mmap_base = old->mmap_base;
	mm->pages = old->pages;
	if (fork_user_pages(mm->pgd, old->pgd)) {
		mm_free(mm);
		return NULL;
	}
	return mm;
}

void mm_activate(struct mm_struct *mm)
{
	switch_pgd(mm ? mm->pgd : NULL);
}

/**
 * mm_populate - back a user range with fresh zeroed pages
 * @mm: the address space
 * @start: first address (rounded down to a page)
 * @end: end (rounded up); pages already mapped are kept
 *
 * Returns 0 or -ENOMEM (out of frames, or over the process's limit);
 * what was mapped before the failure stays until unmapped or torn down.
 */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = ALIGN_DOWN(start, PAGE_SIZE);
	     va < ALIGN_UP(end, PAGE_SIZE); va += PAGE_SIZE) {
		void *page;

		if (user_page_mapped(mm->pgd, va))
			continue;
		if (mm->pages >= MM_PAGES_MAX)
			return -ENOMEM;
		page = alloc_page_zeroed();
		if (!page)
			return -ENOMEM;
		if (map_user_page(mm->pgd, va, __pa(page), MAP_WRITE)) {
			free_pages(page, 0);
			return -ENOMEM;
		}
		mm->pages++;
	}
	return 0;
}

static void mm_unmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE)
		if (!unmap_user_page(mm->pgd, va))
			mm->pages--;
}

/* brk(2): Linux's semantics, the current break on any failure. */
long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long old = ALIGN_UP(mm->brk, PAGE_SIZE);
	unsigned long new = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || brk >= mm->mmap_base)
		return (long)mm->brk;
	if (new > old && mm_populate(mm, old, new)) {
		mm_unmap(mm, old, new);
		return (long)mm->brk;
	}
	if (new < old)
		mm_unmap(mm, new, old);
	mm->brk = brk;
	return (long)brk;
}

/* mmap(2) of private anonymous memory; files are not supported yet. */
long sys_mmap(unsigned long addr, unsigned long len, int prot, int flags,
	      int fd, unsigned long off)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);

	if (!len || size < len || (addr & ~PAGE_MASK))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE))
		return -ENODEV;
	if (flags & MAP_FIXED) {
		if (!access_ok(addr, size))
			return -ENOMEM;
		mm_unmap(mm, addr, addr + size);
	} else {
		if (size > mm->mmap_base - ALIGN_UP(mm->brk, PAGE_SIZE))
			return -ENOMEM;
		addr = mm->mmap_base - size;
	}
	if (mm_populate(mm, addr, addr + size)) {
		mm_unmap(mm, addr, addr + size);
		return -ENOMEM;
	}
	if (!(flags & MAP_FIXED))
		mm->mmap_base = addr;
	return (long)addr;
}

long sys_munmap(unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = current_process()->mm;
	unsigned long size = ALIGN_UP(len, PAGE_SIZE);

	if ((addr & ~PAGE_MASK) || !len || size < len || !access_ok(addr, size))
		return -EINVAL;
	mm_unmap(mm, addr, addr + size);
	return 0;
}
