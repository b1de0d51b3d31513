/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: one 16-byte stub per vector pushes a
 * uniform frame (error code, vector) and joins common code that saves
 * the general registers as struct pt_regs and calls do_interrupt().
 */
#include <asm/calling.h>
#include <asm/segment.h>

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

interrupt_common:
	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	do_interrupt
	POP_PT_REGS
	iretq
