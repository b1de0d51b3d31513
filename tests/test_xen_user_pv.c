// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/xen/user_pv.c: the frame HYPERVISOR_iret
 * takes into user mode carries Xen's user selectors (RPL 3, which is
 * what makes Xen switch to user mode), events on and no I/O privilege,
 * and keeps every register; and only the user half of a process root
 * is mirrored into its user root.
 */
#include <stdio.h>
#include <string.h>
#include <asm/xen/user_pv.h>
#include <xen/xen.h>
#include "harness.h"

TEST(frame_gets_flat_user_selectors)
{
	struct pt_regs r;

	memset(&r, 0, sizeof(r));
	r.cs = 0x43;		/* pvk's native __USER_CS: not in Xen's GDT */
	r.ss = 0x3b;
	r.rflags = 0x202;
	xen_user_frame(&r);
	EXPECT_EQ_U(r.cs, FLAT_USER_CS64);
	EXPECT_EQ_U(r.ss, FLAT_USER_SS64);
	EXPECT_EQ_U(r.cs & 3, 3);
	EXPECT_EQ_U(r.rflags, 0x202);
}

TEST(frame_keeps_registers_and_user_flags)
{
	struct pt_regs r, before;

	memset(&r, 0xa5, sizeof(r));
	r.rflags = 0x3cd7;	/* IOPL 3, DF, TF, ... but IF clear */
	before = r;
	xen_user_frame(&r);
	EXPECT_EQ_U(r.rip, before.rip);
	EXPECT_EQ_U(r.rsp, before.rsp);
	EXPECT_EQ_U(r.rax, before.rax);
	EXPECT_EQ_U(r.rcx, before.rcx);
	EXPECT_EQ_U(r.r11, before.r11);
	EXPECT_EQ_U(r.r15, before.r15);
	EXPECT_EQ_U(r.error_code, before.error_code);
	/* IF forced on, IOPL and NT dropped, the arithmetic flags kept. */
	EXPECT_EQ_U(r.rflags & 0x200, 0x200);
	EXPECT_EQ_U(r.rflags & 0x3000, 0);
	EXPECT_EQ_U(r.rflags & 0x4000, 0);
	EXPECT_EQ_U(r.rflags & 0xcd7, 0xcd7);
}

TEST(user_half_slots_are_mirrored)
{
	EXPECT_EQ(xen_user_root_slot(0), 0);
	EXPECT_EQ(xen_user_root_slot(8), 1);
	EXPECT_EQ(xen_user_root_slot(255 * 8), 255);
	/* The offset within the page counts, not the page. */
	EXPECT_EQ(xen_user_root_slot(0x7000 + 17 * 8), 17);
}

TEST(kernel_half_slots_are_not)
{
	EXPECT_EQ(xen_user_root_slot(256 * 8), -1);
	EXPECT_EQ(xen_user_root_slot(273 * 8), -1);	/* the direct map */
	EXPECT_EQ(xen_user_root_slot(511 * 8), -1);	/* the kernel image */
	EXPECT_EQ(xen_user_root_slot(0x7000 + 300 * 8), -1);
}

int main(void)
{
	RUN(frame_gets_flat_user_selectors);
	RUN(frame_keeps_registers_and_user_flags);
	RUN(user_half_slots_are_mirrored);
	RUN(kernel_half_slots_are_not);
	return TEST_DONE();
}
