/* SPDX-License-Identifier: MIT */
/* x86-64 four-level page-table entries. */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <asm/page.h>
#include <asm/paravirt_types.h>

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)
#define _PAGE_GLOBAL	(1ULL << 8)
/* Software bit: a private page shared read-only since a fork. */
#define _PAGE_COW	(1ULL << 9)
#define _PAGE_NX	(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

#define PTRS_PER_TABLE	512
#define PT_LEVEL_PTE	1
#define PT_LEVEL_PMD	2
#define PT_LEVEL_PUD	3
#define PT_LEVEL_P4D	4

/*
 * A process's root takes two pages: the root itself, and one its
 * pv_ops backend may use (Xen PV keeps there the root user mode runs
 * on, which must not map the kernel; bare metal leaves it unused).
 */
#define PGD_ALLOC_ORDER	1

#define VMAP_START	0xffffc90000000000UL
#define VMAP_END	0xffffe90000000000UL

static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

/* The PTE mapping @va with 4 KiB granularity, or NULL. */
pteval_t *lookup_pte(unsigned long va);
/* A kernel-half entry missing from a process's root: copied, retry. */
bool vmalloc_sync_fault(unsigned long addr);

/* Copy-on-write of user pages (arch/x86/mm/cow.c, pure). */
enum cow_action {
	COW_NONE,	/* not a write to a copy-on-write page */
	COW_REUSE,	/* the last owner: make it writable again */
	COW_COPY,	/* still shared: write to a copy */
};
/* @pte as both address spaces keep it after a fork. */
pteval_t cow_share(pteval_t pte);
/* What a page fault with @error_code on @pte needs; @owners share it. */
enum cow_action cow_fault_action(pteval_t pte, unsigned long error_code,
				 unsigned int owners);
/* @pte made private and writable again, at frame @pa. */
pteval_t cow_private(pteval_t pte, phys_addr_t pa);
/* A write fault on @pte that a stale TLB entry caused (it allows it). */
bool cow_fault_spurious(pteval_t pte, unsigned long error_code);
/* The entry after mprotect() allowing @write or not; see cow.c. */
pteval_t cow_protect(pteval_t pte, bool write, unsigned int owners);

/* The kernel's top-level table (direct-map address). */
extern pteval_t *kernel_pgd;

/* Hypercalls and bytes of the boot page tables (arch/x86/mm/init.c). */
u64 mm_boot_pt_cost(u64 *bytes);

#endif
