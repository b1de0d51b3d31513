/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: one 16-byte stub per vector pushes a
 * uniform frame (error code, vector) and joins common code that saves
 * the general registers as struct pt_regs and calls do_interrupt().
 * From user mode the stubs swap %gs to the kernel's per-CPU base on the
 * way in and back on the way out.
 *
 * entry_SYSCALL_64 is the SYSCALL target (MSR_LSTAR): it builds the
 * same struct pt_regs on the process's kernel stack and returns with
 * SYSRET.
 */
#include <asm/calling.h>
#include <asm/segment.h>
#include <asm/smp.h>

	.text
	.balign 16
	.globl idt_stubs
idt_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	HAS_ERROR_CODE(vec) == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	interrupt_common
	.set	vec, vec + 1
	.endr

/* Here: vector at 0(%rsp), error code at 8, the CPU's frame (CS at 24). */
interrupt_common:
	testb	$3, 24(%rsp)
	jz	1f
	swapgs
1:	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	do_interrupt
	POP_PT_REGS
	testb	$3, 8(%rsp)
	jz	2f
	swapgs
2:	iretq

/*
 * SYSCALL: %rcx = user %rip, %r11 = user %rflags, interrupts off
 * (MSR_SYSCALL_MASK), %rsp still the user's.  The vector slot holds -1
 * and the error code slot the system call number.
 */
	.globl entry_SYSCALL_64
entry_SYSCALL_64:
	swapgs
	movq	%rsp, %gs:CPU_USER_SP
	movq	%gs:CPU_KERNEL_SP, %rsp
	pushq	$__USER_DS
	pushq	%gs:CPU_USER_SP
	pushq	%r11
	pushq	$__USER_CS
	pushq	%rcx
	pushq	%rax
	pushq	$-1
	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	do_syscall_64
	/*
	 * do_syscall_64() returns with interrupts off and a canonical user
	 * %rip in the frame (it never lets anything else in), so SYSRET
	 * cannot fault in kernel mode with the user's stack.
	 */
	POP_PT_REGS
	movq	(%rsp), %rcx
	movq	16(%rsp), %r11
	movq	24(%rsp), %rsp
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/*
 * void native_ret_to_user(struct pt_regs *regs): pv_ops.cpu.ret_to_user
 * on hardware; enters user mode from a frame on the current stack,
 * interrupts off.
 */
	.globl native_ret_to_user
native_ret_to_user:
	movq	%rdi, %rsp
	POP_PT_REGS
	swapgs
	iretq
	.size native_ret_to_user, . - native_ret_to_user
