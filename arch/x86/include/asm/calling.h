/* SPDX-License-Identifier: MIT */
/*
 * Building and unwinding struct pt_regs (asm/ptrace.h) in assembly; shared
 * by the native entry stubs and the Xen PV ones, which differ only in how
 * they enter and return.
 */
#ifndef _ASM_X86_CALLING_H
#define _ASM_X86_CALLING_H

#ifdef __ASSEMBLY__

/* Which vectors push an error code (the others get a dummy 0). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || \
			   (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

.macro PUSH_PT_REGS
	cld
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

/* Restore the registers and drop the vector and error code slots. */
.macro POP_PT_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
.endm

#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_CALLING_H */
