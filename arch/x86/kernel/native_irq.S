/* SPDX-License-Identifier: MIT */
/*
 * Native irq ops.  They touch no register but %rax (save_fl), so they
 * satisfy the callee-saved convention of pv_ops.irq as they are.  Once
 * patched, call sites hold these instructions inline instead.
 */
	/* For the patcher: these may be called directly from irq sites. */
	.pushsection .pv_callee_save, "a"
	.balign 8
	.quad native_save_fl, native_restore_fl, native_irq_disable
	.quad native_irq_enable, native_safe_halt, native_halt
	.popsection

	.text
	.globl native_save_fl, native_restore_fl, native_irq_disable
	.globl native_irq_enable, native_safe_halt, native_halt

native_save_fl:
	pushfq
	popq	%rax
	ret
	.size native_save_fl, . - native_save_fl

native_restore_fl:
	pushq	%rdi
	popfq
	ret
	.size native_restore_fl, . - native_restore_fl

native_irq_disable:
	cli
	ret
	.size native_irq_disable, . - native_irq_disable

native_irq_enable:
	sti
	ret
	.size native_irq_enable, . - native_irq_enable

/* sti's one-instruction shadow makes "sti; hlt" free of a wake-up race. */
native_safe_halt:
	sti
	hlt
	ret
	.size native_safe_halt, . - native_safe_halt

native_halt:
	hlt
	ret
	.size native_halt, . - native_halt
