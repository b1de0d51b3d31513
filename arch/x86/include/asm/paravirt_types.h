/* SPDX-License-Identifier: MIT */
/*
 * The pv_ops table: every privileged operation the kernel performs goes
 * through one of these hooks.  A backend (native, Xen PV, ...) fills the
 * table at boot; apply_paravirt() then rewrites every call site once,
 * either into the native instruction itself or into a direct call.
 */
#ifndef _ASM_X86_PARAVIRT_TYPES_H
#define _ASM_X86_PARAVIRT_TYPES_H

#include <pvk/types.h>

struct desc_ptr;
struct cpumask;
struct pt_regs;
typedef u64 pteval_t;

/* Special value for flush_tlb_multi(): flush the whole (non-global) TLB. */
#define TLB_FLUSH_ALL	(~0UL)

struct pv_cpu_ops {
	void (*load_idt)(const struct desc_ptr *dtr);
	void (*load_gdt)(const struct desc_ptr *dtr);
	void (*load_tr)(unsigned int sel);
	unsigned long (*read_cr0)(void);
	void (*write_cr0)(unsigned long val);
	unsigned long (*read_cr4)(void);
	void (*write_cr4)(unsigned long val);
	unsigned long (*read_cr2)(void);
	unsigned long (*read_cr3)(void);
	void (*write_cr3)(unsigned long val);
	void (*wbinvd)(void);
	void (*cpuid)(u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
	u64 (*read_msr)(u32 msr);
	void (*write_msr)(u32 msr, u64 val);
	void (*io_delay)(void);
	void (*load_sp0)(unsigned long sp0);
	/* This CPU's system call entry (SYSCALL MSRs, or the hypervisor's). */
	void (*syscall_init)(void);
	/*
	 * Enter user mode with the registers of a frame on the current
	 * kernel stack, interrupts off; never returns.
	 */
	void (*ret_to_user)(struct pt_regs *regs);
	/*
	 * Around loading a user process's state (kernel stack, page
	 * tables, FS base), interrupts off: a backend may queue what that
	 * costs and issue it at the end (Xen PV: one multicall).
	 */
	void (*start_context_switch)(void);
	void (*end_context_switch)(void);
};

/*
 * The irq ops use a callee-saved convention: argument in %rdi, result in
 * %rax, every other register preserved, so a patched site clobbers
 * nothing.  Backends implement them in C and wrap them with
 * PV_CALLEE_SAVE_THUNK() (asm/paravirt.h).
 */
struct pv_irq_ops {
	unsigned long (*save_fl)(void);
	void (*restore_fl)(unsigned long flags);
	void (*irq_disable)(void);
	void (*irq_enable)(void);
	void (*safe_halt)(void);
	void (*halt)(void);
};

struct pv_mmu_ops {
	/*
	 * Entry values as the kernel sees them (pseudo-physical frames) to
	 * and from what the MMU holds (machine frames under Xen PV).
	 */
	pteval_t (*make_pte)(pteval_t val);
	pteval_t (*pte_val)(pteval_t raw);
	void (*set_pte)(pteval_t *ptep, pteval_t val);
	void (*set_pmd)(pteval_t *pmdp, pteval_t val);
	void (*set_pud)(pteval_t *pudp, pteval_t val);
	void (*set_p4d)(pteval_t *p4dp, pteval_t val);
	/* A page becomes (or stops being) a page-table page of a level. */
	void (*alloc_pt)(unsigned long pfn, int level);
	void (*release_pt)(unsigned long pfn, int level);
	/*
	 * A process's root table (PGD_ALLOC_ORDER pages, the first its
	 * root) was built and announced with alloc_pt; the backend may use
	 * the rest (Xen PV: the root user mode runs on).  0 or -errno.
	 */
	int (*pgd_alloc)(pteval_t *pgd);
	/* The process root goes: its user half is empty by now. */
	void (*pgd_free)(pteval_t *pgd);
	void (*flush_tlb_local)(void);
	void (*flush_tlb_one)(unsigned long va);
	void (*flush_tlb_kernel)(void);
	void (*flush_tlb_multi)(const struct cpumask *cpus, unsigned long va);
	void (*lazy_mode_enter)(void);
	void (*lazy_mode_leave)(void);
	void (*lazy_mode_flush)(void);
};

struct pv_time_ops {
	u64 (*sched_clock)(void);
	u64 (*steal_clock)(unsigned int cpu);
};

struct pv_smp_ops {
	void (*send_ipi)(unsigned int cpu, unsigned int vector);
	int (*start_cpu)(unsigned int cpu);
};

/*
 * The blocking half of paravirt spinlocks (kernel/spinlock.c), used only
 * once the backend sets pv_spin_slowpath.
 */
struct pv_lock_ops {
	/*
	 * Block this CPU while *ptr == val, until kicked; may return early
	 * (any event, or *ptr changed): callers look again.
	 */
	void (*wait)(u16 *ptr, u16 val);
	/* End @cpu's wait, or make its next wait return at once. */
	void (*kick)(unsigned int cpu);
};

struct pv_info {
	const char *name;
	/*
	 * Native bytes for an op, if this backend may use them inline at a
	 * call site; NULL means "emit a direct call".
	 */
	const u8 *(*patch_bytes)(unsigned int op, unsigned int *len);
};

struct paravirt_ops {
	struct pv_cpu_ops cpu;
	struct pv_irq_ops irq;
	struct pv_mmu_ops mmu;
	struct pv_time_ops time;
	struct pv_smp_ops smp;
	struct pv_lock_ops lock;
	struct pv_info info;
};

extern struct paravirt_ops pv_ops;

/* One recorded call site, emitted into .parainstructions by PVOP macros. */
struct paravirt_patch_site {
	u64 addr;
	u16 op;		/* index of the hook in pv_ops viewed as void *[] */
	u8 len;
	u8 clobbers;
	u32 reserved;
};

/*
 * What a site lets its callee clobber.  apply_paravirt() makes a
 * PV_CLOBBERS_NONE site a direct call only to a function registered in
 * .pv_callee_save (PV_CALLEE_SAVE_THUNK(), or PV_CALLEE_SAVE_MARK() on
 * assembly that keeps the convention by itself).
 */
#define PV_CLOBBERS_NONE	0	/* callee-saved: only %rax is written */
#define PV_CLOBBERS_NORMAL	1	/* C ABI: caller-saved registers */

#define PV_OP_INDEX(field) \
	(__builtin_offsetof(struct paravirt_ops, field) / sizeof(void *))

#endif /* _ASM_X86_PARAVIRT_TYPES_H */
