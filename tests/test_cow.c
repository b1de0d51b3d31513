// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/mm/cow.c: what fork leaves in both address
 * spaces, which page faults copy-on-write handles and how, and the
 * entry a handled fault writes.
 */
#include <asm/pgtable.h>
#include "harness.h"

#define PF_PROT		1UL
#define PF_WRITE	2UL
#define PF_USER		4UL

static const pteval_t rw = 0x1234000 | _PAGE_PRESENT | _PAGE_RW |
			   _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX;

TEST(share_makes_writable_pages_cow)
{
	pteval_t s = cow_share(rw);

	EXPECT(!(s & _PAGE_RW));
	EXPECT(s & _PAGE_COW);
	/* Frame and every other bit stay. */
	EXPECT_EQ_U(s & ~(_PAGE_RW | _PAGE_COW), rw & ~_PAGE_RW);
	/* Sharing again (a fork of a fork) changes nothing. */
	EXPECT_EQ_U(cow_share(s), s);
}

TEST(share_keeps_read_only_pages)
{
	pteval_t ro = rw & ~_PAGE_RW;

	EXPECT_EQ_U(cow_share(ro), ro);
	/* A write to it is no copy-on-write fault: the process dies. */
	EXPECT_EQ(cow_fault_action(ro, PF_PROT | PF_WRITE | PF_USER, 2),
		  COW_NONE);
}

TEST(fault_actions)
{
	pteval_t s = cow_share(rw);

	EXPECT_EQ(cow_fault_action(s, PF_PROT | PF_WRITE | PF_USER, 2), COW_COPY);
	EXPECT_EQ(cow_fault_action(s, PF_PROT | PF_WRITE | PF_USER, 1), COW_REUSE);
	/* The kernel writing to user memory (copy_to_user) too. */
	EXPECT_EQ(cow_fault_action(s, PF_PROT | PF_WRITE, 3), COW_COPY);
	/* Reads, and faults on pages not present, are not copy-on-write. */
	EXPECT_EQ(cow_fault_action(s, PF_PROT | PF_USER, 2), COW_NONE);
	EXPECT_EQ(cow_fault_action(s, PF_WRITE | PF_USER, 2), COW_NONE);
	EXPECT_EQ(cow_fault_action(s & ~_PAGE_PRESENT,
				   PF_PROT | PF_WRITE | PF_USER, 2), COW_NONE);
	EXPECT_EQ(cow_fault_action(0, PF_PROT | PF_WRITE | PF_USER, 1), COW_NONE);
}

TEST(private_entry)
{
	pteval_t s = cow_share(rw), p = cow_private(s, 0xabcd000);

	EXPECT(p & _PAGE_RW);
	EXPECT(!(p & _PAGE_COW));
	EXPECT_EQ_U(p & PTE_ADDR_MASK, 0xabcd000);
	EXPECT_EQ_U(p & ~PTE_ADDR_MASK, rw & ~PTE_ADDR_MASK);
	/* Reused in place: the parent's entry before the fork again. */
	EXPECT_EQ_U(cow_private(s, s & PTE_ADDR_MASK), rw);
}

TEST(spurious_write_faults)
{
	pteval_t cow = cow_share(rw);

	/* Another thread took the page private: the write is retried. */
	EXPECT(cow_fault_spurious(rw, PF_PROT | PF_WRITE | PF_USER));
	/* Still copy-on-write, read-only, not present, a read, kernel-only. */
	EXPECT(!cow_fault_spurious(cow, PF_PROT | PF_WRITE | PF_USER));
	EXPECT(!cow_fault_spurious(rw & ~_PAGE_RW, PF_PROT | PF_WRITE));
	EXPECT(!cow_fault_spurious(0, PF_WRITE));
	EXPECT(!cow_fault_spurious(rw, PF_PROT | PF_USER));
	EXPECT(!cow_fault_spurious(rw & ~_PAGE_USER, PF_PROT | PF_WRITE));
}

TEST(mprotect_entries)
{
	pteval_t rw = 0x5000 | _PAGE_PRESENT | _PAGE_USER | _PAGE_RW;
	pteval_t ro = rw & ~_PAGE_RW;
	pteval_t cow = ro | _PAGE_COW;

	/* Read-only: write goes, copy-on-write stays. */
	EXPECT_EQ_U(cow_protect(rw, false, 1), ro);
	EXPECT_EQ_U(cow_protect(cow, false, 2), cow);
	/* Writable again: a private frame directly... */
	EXPECT_EQ_U(cow_protect(ro, true, 1), rw | _PAGE_DIRTY);
	/* ...one a fork shared read-only, or copy-on-write, by a fault. */
	EXPECT_EQ_U(cow_protect(ro, true, 2), cow);
	EXPECT_EQ_U(cow_protect(cow, true, 1), cow);
	EXPECT_EQ_U(cow_protect(cow, true, 3), cow);
}

int main(void)
{
	RUN(share_makes_writable_pages_cow);
	RUN(share_keeps_read_only_pages);
	RUN(fault_actions);
	RUN(private_entry);
	RUN(spurious_write_faults);
	RUN(mprotect_entries);
	return TEST_DONE();
}
