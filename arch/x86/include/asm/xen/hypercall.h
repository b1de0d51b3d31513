/* SPDX-License-Identifier: MIT */
/*
 * Hypercalls of a 64-bit Xen guest.  Every call goes through the
 * hypercall page: Xen fills it in at load time for a PV guest
 * (XEN_ELFNOTE_HYPERCALL_PAGE), and when an HVM or PVH guest writes its
 * address to the MSR CPUID names (arch/x86/xen/enlighten_hvm.c), so the
 * guest never needs to know the transfer instruction (syscall, vmcall or
 * vmmcall).  The page's
 * stubs keep %rcx and %r11; Xen may clobber the argument registers.
 *
 * Each hypercall is counted on the calling CPU (bench's hypercall column).
 */
#ifndef _ASM_X86_XEN_HYPERCALL_H
#define _ASM_X86_XEN_HYPERCALL_H

#include <pvk/types.h>
#include <asm/smp.h>
#include <asm/xen/hypervisor.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/event_channel.h>
#include <xen/callback.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

extern char hypercall_page[];

/* One more hypercall on this CPU: a single instruction, so irq-safe. */
static inline void xen_count_hypercall(void)
{
	struct xen_percpu *p;

	asm volatile("movq %%gs:%c1, %0"
		     : "=r"(p) : "i"(__builtin_offsetof(struct cpu_data, platform)));
	asm volatile("incq %0" : "+m"(p->hypercalls));
}

#define __HYPERCALL(op, a1, a2, a3, a4, a5)				\
({									\
	register unsigned long __rdi asm("rdi") = (unsigned long)(a1);	\
	register unsigned long __rsi asm("rsi") = (unsigned long)(a2);	\
	register unsigned long __rdx asm("rdx") = (unsigned long)(a3);	\
	register unsigned long __r10 asm("r10") = (unsigned long)(a4);	\
	register unsigned long __r8 asm("r8") = (unsigned long)(a5);	\
	long __res;							\
	asm volatile("call hypercall_page + %c[off]"			\
		     : "=a"(__res), "+r"(__rdi), "+r"(__rsi),		\
		       "+r"(__rdx), "+r"(__r10), "+r"(__r8)		\
		     : [off] "i"((op) * 32)				\
		     : "memory", "cc");					\
	__res;								\
})

#define _hypercall(op, a1, a2, a3, a4, a5)				\
({									\
	xen_count_hypercall();						\
	__HYPERCALL(op, a1, a2, a3, a4, a5);				\
})

static inline long HYPERVISOR_console_io(int cmd, int count, const char *str)
{
	return _hypercall(__HYPERVISOR_console_io, cmd, count, str, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

/*
 * SCHEDOP_shutdown(SHUTDOWN_suspend) of a PV guest: the third argument
 * (%rdx, which the save records from vCPU 0) is start_info's machine
 * frame.  Returns 0 in a restored domain, 1 when the suspend was
 * cancelled (the same domain runs on).
 */
static inline long HYPERVISOR_suspend(unsigned long start_info_mfn)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_suspend };

	return _hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s,
			  start_info_mfn, 0, 0);
}

/* The one hypercall made before %gs points at the per-CPU data. */
static inline long HYPERVISOR_set_segment_base_early(int reg, unsigned long v)
{
	return __HYPERCALL(__HYPERVISOR_set_segment_base, reg, v, 0, 0, 0);
}

static inline long HYPERVISOR_set_segment_base(int reg, unsigned long v)
{
	return _hypercall(__HYPERVISOR_set_segment_base, reg, v, 0, 0, 0);
}

static inline long HYPERVISOR_mmu_update(struct mmu_update *req, unsigned int count,
					 unsigned int *done, domid_t dom)
{
	return _hypercall(__HYPERVISOR_mmu_update, req, count, done, dom, 0);
}

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned int count,
					unsigned int *done, domid_t dom)
{
	return _hypercall(__HYPERVISOR_mmuext_op, op, count, done, dom, 0);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, u64 pte,
						unsigned long flags)
{
	return _hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}

static inline long HYPERVISOR_multicall(struct multicall_entry *calls,
					unsigned int nr)
{
	return _hypercall(__HYPERVISOR_multicall, calls, nr, 0, 0, 0);
}

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
	return _hypercall(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long HYPERVISOR_callback_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{
	return _hypercall(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
	return _hypercall(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return _hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
	return _hypercall(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
					     unsigned int count)
{
	return _hypercall(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
	return _hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_platform_op(struct xen_platform_op *op)
{
	return _hypercall(__HYPERVISOR_platform_op, op, 0, 0, 0, 0);
}

static inline long HYPERVISOR_hvm_op(int op, void *arg)
{
	return _hypercall(__HYPERVISOR_hvm_op, op, arg, 0, 0, 0);
}

#endif /* _ASM_X86_XEN_HYPERCALL_H */
