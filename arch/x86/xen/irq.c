// SPDX-License-Identifier: MIT
/*
 * The irq ops of a Xen PV guest.  "Interrupts" are event upcalls, gated
 * by the per-vCPU evtchn_upcall_mask byte of vcpu_info: disabling is a
 * byte store, enabling clears it and, when an event arrived while it was
 * masked, forces the upcall with a trivial hypercall (Xen delivers
 * pending events on the way back to the guest).
 *
 * The hot ops are assembly that follows the pv_ops callee-saved
 * convention (argument %rdi, result %rax, nothing else touched), so a
 * patched call site costs a direct call and two loads.
 */
#include <pvk/kernel.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>

_Static_assert(__builtin_offsetof(struct xen_percpu, vcpu_info) == 0,
	       "xen-asm reads the vcpu_info pointer at offset 0");

#define X86_EFLAGS_IF_BIT 9

/*
 * Emitted from inside a function so the structure offsets can be passed
 * as operands; the function itself is never called.
 */
static void __used xen_irq_ops_asm(void)
{
	asm volatile(
	PV_CALLEE_SAVE_MARK(xen_irq_disable_direct)
	PV_CALLEE_SAVE_MARK(xen_irq_enable_direct)
	PV_CALLEE_SAVE_MARK(xen_save_fl_direct)
	PV_CALLEE_SAVE_MARK(xen_restore_fl_direct)
	".pushsection .text, \"ax\"\n"
	/* %rax = this vCPU's vcpu_info */
	".macro XEN_GET_VCPU_INFO\n\t"
	"movq %%gs:%c[platform], %%rax\n\t"
	"movq (%%rax), %%rax\n"
	".endm\n"

	".globl xen_irq_disable_direct\n"
	".type xen_irq_disable_direct, @function\n"
	"xen_irq_disable_direct:\n\t"
	"XEN_GET_VCPU_INFO\n\t"
	"movb $1, %c[mask](%%rax)\n\t"
	"ret\n"
	".size xen_irq_disable_direct, . - xen_irq_disable_direct\n"

	".globl xen_irq_enable_direct\n"
	".type xen_irq_enable_direct, @function\n"
	"xen_irq_enable_direct:\n\t"
	"XEN_GET_VCPU_INFO\n\t"
	"movb $0, %c[mask](%%rax)\n\t"
	"testb $0xff, %c[pending](%%rax)\n\t"
	"jnz xen_check_events\n\t"
	"ret\n"
	".size xen_irq_enable_direct, . - xen_irq_enable_direct\n"

	/* RFLAGS.IF is the inverse of the mask byte. */
	".globl xen_save_fl_direct\n"
	".type xen_save_fl_direct, @function\n"
	"xen_save_fl_direct:\n\t"
	"XEN_GET_VCPU_INFO\n\t"
	"testb $0xff, %c[mask](%%rax)\n\t"
	"setz %%al\n\t"
	"movzbl %%al, %%eax\n\t"
	"shll $%c[ifbit], %%eax\n\t"
	"ret\n"
	".size xen_save_fl_direct, . - xen_save_fl_direct\n"

	".globl xen_restore_fl_direct\n"
	".type xen_restore_fl_direct, @function\n"
	"xen_restore_fl_direct:\n\t"
	"XEN_GET_VCPU_INFO\n\t"
	"btl $%c[ifbit], %%edi\n\t"
	"setnc %c[mask](%%rax)\n\t"
	"jnc 1f\n\t"
	"testb $0xff, %c[pending](%%rax)\n\t"
	"jnz xen_check_events\n"
	"1:\tret\n"
	".size xen_restore_fl_direct, . - xen_restore_fl_direct\n"

	/* Force delivery of pending events, preserving every register. */
	"xen_check_events:\n\t"
	"pushq %%rcx\n\tpushq %%rdx\n\tpushq %%rsi\n\tpushq %%rdi\n\t"
	"pushq %%r8\n\tpushq %%r9\n\tpushq %%r10\n\tpushq %%r11\n\t"
	"call xen_force_evtchn_callback\n\t"
	"popq %%r11\n\tpopq %%r10\n\tpopq %%r9\n\tpopq %%r8\n\t"
	"popq %%rdi\n\tpopq %%rsi\n\tpopq %%rdx\n\tpopq %%rcx\n\t"
	"ret\n"
	".purgem XEN_GET_VCPU_INFO\n"
	".popsection\n"
	: : [platform] "i"(__builtin_offsetof(struct cpu_data, platform)),
	    [mask] "i"(__builtin_offsetof(struct vcpu_info, evtchn_upcall_mask)),
	    [pending] "i"(__builtin_offsetof(struct vcpu_info, evtchn_upcall_pending)),
	    [ifbit] "i"(X86_EFLAGS_IF_BIT));
}

unsigned long xen_save_fl_direct(void);
void xen_restore_fl_direct(unsigned long flags);
void xen_irq_disable_direct(void);
void xen_irq_enable_direct(void);

/**
 * xen_force_evtchn_callback - have Xen deliver pending events now
 *
 * Any hypercall returns through Xen's check for pending, unmasked events,
 * so the cheapest one will do.
 */
void xen_force_evtchn_callback(void)
{
	/* One instruction: an upcall may come in between otherwise. */
	__atomic_fetch_add(&xen_this_cpu()->event_hypercalls, 1, __ATOMIC_RELAXED);
	HYPERVISOR_xen_version(0, NULL);
}

/*
 * SCHEDOP_block unmasks events and sleeps until one is pending, in one
 * step, so a wake-up event between the idle check and the block is
 * never lost (the PV version of "sti; hlt").
 */
static __used void xen_safe_halt(void)
{
	xen_this_cpu()->blocks++;
	HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}
PV_CALLEE_SAVE_THUNK(xen_safe_halt);

/* "hlt" with events masked: give the physical CPU away for a while. */
static __used void xen_halt(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}
PV_CALLEE_SAVE_THUNK(xen_halt);

/**
 * xen_install_irq_ops - put the Xen irq ops into pv_ops
 *
 * Must run before anything disables or enables interrupts on a PV
 * entry: the native cli/sti are privileged in a PV guest.
 */
void xen_install_irq_ops(void)
{
	pv_ops.irq.save_fl = xen_save_fl_direct;
	pv_ops.irq.restore_fl = xen_restore_fl_direct;
	pv_ops.irq.irq_disable = xen_irq_disable_direct;
	pv_ops.irq.irq_enable = xen_irq_enable_direct;
	pv_ops.irq.safe_halt = PV_CALLEE_SAVE(xen_safe_halt);
	pv_ops.irq.halt = PV_CALLEE_SAVE(xen_halt);
}
