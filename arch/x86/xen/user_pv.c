// SPDX-License-Identifier: MIT
/*
 * User mode under Xen PV: the pure helpers of the entry and the page
 * tables (host-tested in tests/test_xen_user_pv.c).
 *
 * The kernel and user mode both run in ring 3; Xen tells them apart by
 * the mode it keeps per vCPU and switches on HYPERVISOR_iret (to user
 * mode when the frame's CS has RPL 3) and on every entry (to kernel).
 * A frame for user mode must carry selectors of Xen's GDT, because a PV
 * guest's own GDT holds none.
 */
#include <asm/page.h>
#include <asm/xen/user_pv.h>
#include <xen/xen.h>

#define X86_EFLAGS_IF	0x200UL
#define X86_EFLAGS_IOPL	0x3000UL
#define X86_EFLAGS_NT	0x4000UL
#define PGD_USER_SLOTS	256		/* the lower canonical half */

void xen_user_frame(struct pt_regs *regs)
{
	regs->cs = FLAT_USER_CS64;
	regs->ss = FLAT_USER_SS64;
	regs->rflags = (regs->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_NT)) |
		       X86_EFLAGS_IF;
}

int xen_user_root_slot(unsigned long offset)
{
	unsigned long slot = (offset & (PAGE_SIZE - 1)) / sizeof(u64);

	return slot < PGD_USER_SLOTS ? (int)slot : -1;
}
