/* SPDX-License-Identifier: MIT */
/*
 * User mode under Xen PV, the pure part (arch/x86/xen/user_pv.c): the
 * frame HYPERVISOR_iret takes into user mode, and which entries of a
 * process's root the root user mode runs on mirrors.
 */
#ifndef _ASM_X86_XEN_USER_PV_H
#define _ASM_X86_XEN_USER_PV_H

#include <pvk/types.h>
#include <asm/ptrace.h>

/*
 * Make @regs a frame for the first entry into user mode (or a forked
 * child's): Xen's flat 64-bit user selectors, events on, no IOPL.
 */
void xen_user_frame(struct pt_regs *regs);

/*
 * The slot of the user root that mirrors the root entry at byte @offset
 * of its page, or -1 for an entry of the kernel half (which the user
 * root must not map: Xen marks kernel pages user-accessible).
 */
int xen_user_root_slot(unsigned long offset);

#endif
