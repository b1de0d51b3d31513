/* SPDX-License-Identifier: MIT */
/* x86-64 user mode: the SYSCALL entry and its set-up on each CPU. */
#ifndef _ASM_X86_USER_H
#define _ASM_X86_USER_H

#include <asm/ptrace.h>

/* EFER.SCE, STAR, LSTAR, FMASK and the FPU/SSE bits, on this CPU. */
void syscall_init(void);
/* The C side of entry_SYSCALL_64, interrupts off. */
void do_syscall_64(struct pt_regs *regs);
/* Linux's x86-64 system call table (arch/x86/kernel/syscall_64.c). */
long x64_sys_call(struct pt_regs *regs, unsigned long nr);

/*
 * Did @regs come from a user process?  Under Xen PV the kernel runs in
 * ring 3 too, but Xen clears the RPL of CS in the frames it gives the
 * guest's kernel mode, so the ring says it there as well.
 */
static inline bool user_mode(const struct pt_regs *regs)
{
	return regs->cs & 3;
}

#endif
