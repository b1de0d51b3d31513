/* SPDX-License-Identifier: MIT */
/*
 * Exception, event and system call entry of a Xen PV guest, and the
 * return into user mode.
 *
 * Xen bounces an exception or an event upcall to the guest with %rcx and
 * %r11 pushed on top of the usual frame (its own SYSRET path clobbers
 * them), so every stub pops those two first and then builds the same
 * struct pt_regs as the native stubs in entry_64.S.  The return is the
 * iret hypercall: the kernel runs in ring 3 and cannot iretq into the
 * previous context itself; the hypercall also restores the event mask
 * from the saved RFLAGS.IF.
 */
#include <asm/calling.h>
#include <xen/xen.h>

#define XEN_TRAP_STUB_SIZE	16
/* pt_regs.vector of an event upcall; never a real vector. */
#define XEN_UPCALL_VECTOR	0x100

/*
 * Restore everything, drop vector and error code, iret through Xen.
 * The iret is a hypercall like any other, so @count (a C function,
 * xen_count_iret() by default) counts it first; POP_PT_REGS then
 * restores whatever that call clobbered.
 */
.macro RESTORE_REGS_AND_IRET count=xen_count_iret
	call	\count
	POP_PT_REGS
	pushq	$0			/* iret flags: not in a syscall */
	jmp	hypercall_page + __HYPERVISOR_iret * 32
.endm

	.text
	.balign 16
	.globl xen_trap_stubs
xen_trap_stubs:
	.set	vec, 0
	.rept	32
	.balign	XEN_TRAP_STUB_SIZE
	popq	%rcx
	popq	%r11
	.if	HAS_ERROR_CODE(vec) == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	xen_trap_common
	.set	vec, vec + 1
	.endr
	.balign	XEN_TRAP_STUB_SIZE
	.globl xen_trap_stubs_end
xen_trap_stubs_end:

xen_trap_common:
	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	do_interrupt
	RESTORE_REGS_AND_IRET

/* Event upcall: Xen has masked events; the iret restores the mask. */
	.globl xen_hypervisor_callback
	.type xen_hypervisor_callback, @function
xen_hypervisor_callback:
	popq	%rcx
	popq	%r11
	pushq	$0
	pushq	$XEN_UPCALL_VECTOR
	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	xen_evtchn_do_upcall
	RESTORE_REGS_AND_IRET count=xen_count_upcall_iret
	.size xen_hypervisor_callback, . - xen_hypervisor_callback

/*
 * Xen could not load the segment registers or return to the frame we
 * gave it.  pvk never changes the data segments, so this is a bug:
 * drop the saved selectors and report it as a general protection fault.
 */
	.globl xen_failsafe_callback
	.type xen_failsafe_callback, @function
xen_failsafe_callback:
	popq	%rcx
	popq	%r11
	addq	$32, %rsp		/* %ds, %es, %fs, %gs */
	pushq	$0
	pushq	$13
	jmp	xen_trap_common
	.size xen_failsafe_callback, . - xen_failsafe_callback

/*
 * SYSCALL from user mode (CALLBACKTYPE_syscall, events masked): Xen has
 * switched to kernel mode, its root and GS base, and to the stack of
 * HYPERVISOR_stack_switch, where it left an iret frame of the user
 * context and above it the user's %rcx (its %rip) and %r11 (its
 * RFLAGS), as SYSCALL would.  The frame's selectors are Xen's guesses:
 * pvk's user code is 64-bit only, so they are set.  The same struct
 * pt_regs as entry_SYSCALL_64 builds (vector -1, number in error_code),
 * and back through HYPERVISOR_iret, which restores the event mask from
 * the saved RFLAGS.IF and returns to user mode (CS RPL 3).
 */
	.globl xen_entry_SYSCALL_64
	.type xen_entry_SYSCALL_64, @function
xen_entry_SYSCALL_64:
	popq	%rcx
	popq	%r11
	movq	$FLAT_USER_CS64, 8(%rsp)
	movq	$FLAT_USER_SS64, 32(%rsp)
	pushq	%rax
	pushq	$-1
	PUSH_PT_REGS
	movq	%rsp, %rdi
	call	do_syscall_64
	RESTORE_REGS_AND_IRET
	.size xen_entry_SYSCALL_64, . - xen_entry_SYSCALL_64

/*
 * void xen_iret_frame(struct pt_regs *regs): return into the context of
 * a frame on the current stack (xen_ret_to_user()), interrupts off.
 */
	.globl xen_iret_frame
	.type xen_iret_frame, @function
xen_iret_frame:
	movq	%rdi, %rsp
	RESTORE_REGS_AND_IRET
	.size xen_iret_frame, . - xen_iret_frame
