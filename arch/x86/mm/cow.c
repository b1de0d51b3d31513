// SPDX-License-Identifier: MIT
/*
 * Copy-on-write of user pages, the page-table entry side (pure, also
 * built on the host for tests/test_cow.c).  fork() leaves every private
 * writable page read-only in both address spaces, marked _PAGE_COW so a
 * write fault there is told apart from a write to a page that was never
 * writable; the fault then copies the page, or takes it back writable
 * when no other address space holds it any more.
 */
#include <pvk/types.h>
#include <asm/pgtable.h>

/* x86 page-fault error code bits. */
#define PF_PROT		(1UL << 0)	/* a present page refused the access */
#define PF_WRITE	(1UL << 1)

/**
 * cow_share - the entry both parent and child keep after a fork
 * @pte: the parent's present user entry
 *
 * A writable page becomes read-only copy-on-write; a read-only one
 * (copy-on-write already, or never writable) is shared as it is.
 */
pteval_t cow_share(pteval_t pte)
{
	if (!(pte & _PAGE_RW))
		return pte;
	return (pte & ~_PAGE_RW) | _PAGE_COW;
}

/**
 * cow_fault_action - what to do about a page fault on a user page
 * @pte: the entry of the faulting address
 * @error_code: the fault's error code
 * @owners: address spaces that map the entry's frame (1 or more)
 */
enum cow_action cow_fault_action(pteval_t pte, unsigned long error_code,
				 unsigned int owners)
{
	if ((error_code & (PF_PROT | PF_WRITE)) != (PF_PROT | PF_WRITE) ||
	    (pte & (_PAGE_PRESENT | _PAGE_COW)) != (_PAGE_PRESENT | _PAGE_COW))
		return COW_NONE;
	return owners > 1 ? COW_COPY : COW_REUSE;
}

/**
 * cow_private - a copy-on-write entry made private and writable
 * @pte: the copy-on-write entry
 * @pa: its frame from now on (the old one when reused, else the copy)
 */
pteval_t cow_private(pteval_t pte, phys_addr_t pa)
{
	return (pte & ~(PTE_ADDR_MASK | _PAGE_COW)) | (pa & PTE_ADDR_MASK) |
	       _PAGE_RW | _PAGE_DIRTY;
}

/**
 * cow_fault_spurious - did a stale TLB entry cause this write fault?
 * @pte: the entry of the faulting address now
 * @error_code: the fault's error code
 *
 * Another thread of the process took the page private and writable
 * (copy-on-write) while this CPU still held the read-only entry: the
 * entry allows the write now, so a flush and a retry get past it.
 */
bool cow_fault_spurious(pteval_t pte, unsigned long error_code)
{
	pteval_t allows = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;

	return (error_code & (PF_PROT | PF_WRITE)) == (PF_PROT | PF_WRITE) &&
	       (pte & allows) == allows;
}

/**
 * cow_protect - a present user entry after mprotect()
 * @pte: the entry now
 * @write: whether the new protection allows writing
 * @owners: address spaces that map the entry's frame (1 or more)
 *
 * Taking write away keeps _PAGE_COW: the frame may still be shared.
 * Giving it back to a frame another address space holds (a fork shared
 * it while it was read-only) makes it copy-on-write, so the first write
 * copies it instead of reaching the other's page.
 */
pteval_t cow_protect(pteval_t pte, bool write, unsigned int owners)
{
	if (!write)
		return pte & ~_PAGE_RW;
	if ((pte & _PAGE_COW) || owners > 1)
		return (pte & ~_PAGE_RW) | _PAGE_COW;
	return pte | _PAGE_RW | _PAGE_DIRTY;
}
