/* SPDX-License-Identifier: MIT */
/*
 * struct thread *__switch_to(struct thread *prev, struct thread *next)
 *
 * Saves the callee-saved registers on prev's stack, stores the stack
 * pointer in prev->rsp (offset 0), switches to next's stack and returns
 * prev in next's context.
 */
	.text
	.globl __switch_to, kthread_trampoline
__switch_to:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	movq	%rdi, %rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size __switch_to, . - __switch_to

/* First return of a new thread: hand prev to the C entry. */
kthread_trampoline:
	movq	%rax, %rdi
	xorl	%ebp, %ebp
	call	kthread_entry
	ud2
	.size kthread_trampoline, . - kthread_trampoline
