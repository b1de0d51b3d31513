/* SPDX-License-Identifier: MIT */
/* Memory management API seen by core code and drivers. */
#ifndef PVK_MM_H
#define PVK_MM_H

#include <pvk/types.h>
#include <pvk/bootinfo.h>
#include <pvk/cpumask.h>
#include <pvk/spinlock.h>
#include <pvk/vma.h>

/* Page frames (mm/page_alloc.c).  Addresses are direct-map pointers. */
void *alloc_pages(unsigned int order);
void free_pages(void *addr, unsigned int order);
void *alloc_page_zeroed(void);
u64 totalram_bytes(void);
/* Single frames handed out by number (a balloon); see mm/page_alloc.c. */
s64 page_take_high(u64 min_pfn);
int page_take(u64 pfn);
void page_give_back(u64 pfn);
u64 page_frames_end(void);
u64 free_frames(void);
/* Owners of a user frame shared copy-on-write (mm/page_alloc.c). */
int page_ref_get(phys_addr_t pa);
bool page_ref_put(phys_addr_t pa);
unsigned int page_ref_owners(phys_addr_t pa);

/* Small objects (mm/kmalloc.c). */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *p);

/* Kernel mappings (arch/x86/mm). */
#define MAP_WRITE	(1U << 0)
#define MAP_NOCACHE	(1U << 1)
#define MAP_EXEC	(1U << 2)

int map_page(unsigned long va, phys_addr_t pa, unsigned int flags);
int unmap_page(unsigned long va);
/* Physical address currently mapped at @va, or -1 if none. */
phys_addr_t virt_to_phys_walk(unsigned long va);
/* Reserve @size bytes of kernel virtual space (page-granular, no backing). */
unsigned long vmap_reserve(size_t size);
/* Map device memory uncached. */
void *ioremap(phys_addr_t pa, size_t size);
void *memremap(phys_addr_t pa, size_t size);
/* Flush @va (or everything, TLB_FLUSH_ALL) on every online CPU. */
void flush_tlb_all_cpus(unsigned long va);

/* User address spaces (arch/x86/mm/pgtable.c); kernel half shared. */
void *pgd_alloc(void);
void pgd_free(void *pgd);
int map_user_page(void *pgd, unsigned long va, phys_addr_t pa, unsigned int flags);
struct mm_struct;
int unmap_user_page(struct mm_struct *mm, unsigned long va);
bool user_page_mapped(void *pgd, unsigned long va);
u64 user_pte(void *pgd, unsigned long va);
/* Map @pa at @va unless a page is there already (-EEXIST): a demand fault. */
int map_user_page_absent(void *pgd, unsigned long va, phys_addr_t pa,
			 unsigned int flags);
/* mprotect() of one mapped page; the caller flushes the TLBs. */
int protect_user_page(void *pgd, unsigned long va, bool write);
void switch_pgd(void *pgd);
/* Share @src's user pages copy-on-write into the empty @dst (fork). */
int fork_user_pages(void *dst, void *src);
/* Resolve a copy-on-write write fault at @va; false if it was none. */
bool cow_fault(struct mm_struct *mm, unsigned long va, unsigned long error_code);

/*
 * A process's address space (mm/mmap.c), shared by its threads.  @cpus
 * are the CPUs that have it loaded, running one of its threads or
 * lazily (a kernel thread runs there on its tables): only they can hold
 * its entries in their TLBs.
 */
/* Pages one process may have, so a runaway one cannot take all memory. */
#define MM_PAGES_MAX	16384

struct mm_struct {
	void *pgd;
	spinlock_t lock;		/* brk, mmap_base; mapping calls */
	struct cpumask cpus;
	unsigned long start_brk, brk;	/* heap: [start_brk, brk) */
	unsigned long mmap_base;	/* next anonymous mapping ends here */
	unsigned long pages;		/* mapped pages, for the limit (atomic) */
	/*
	 * The mappings.  The page-fault path reads them with interrupts
	 * off, so @vma_lock is taken irqsave and never held across a TLB
	 * shootdown (whose IPIs a CPU spinning on it could not answer).
	 */
	spinlock_t vma_lock;
	struct vma_set vmas;
};

struct mm_struct *mm_alloc(void);
void mm_free(struct mm_struct *mm);
/* Load @mm (NULL: the kernel's tables) on this CPU. */
void mm_activate(struct mm_struct *mm);
/* Flush @va (or TLB_FLUSH_ALL) of @mm from every CPU that may hold it. */
void mm_flush_tlb(struct mm_struct *mm, unsigned long va);
/* Map [start, end) read-write-execute, backed now (a program's segments). */
int mm_populate(struct mm_struct *mm, unsigned long start, unsigned long end);
unsigned long mm_pages_limit(void);
unsigned long mm_set_pages_limit(unsigned long pages);
/* A copy of @old for a forked child, its pages shared copy-on-write. */
struct mm_struct *mm_fork(struct mm_struct *old);
/* A user page fault at @addr inside a mapping (mm/memory.c): 0 or -errno. */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr,
		    unsigned long error_code);

/* Boot-time set-up, called by setup_arch(). */
void mm_init(struct boot_record *br);

#endif
