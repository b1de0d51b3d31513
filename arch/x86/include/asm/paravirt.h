/* SPDX-License-Identifier: MIT */
/*
 * Call-site macros for pv_ops.  Each site is emitted as an indirect call
 * through pv_ops (6 bytes: ff 15 disp32) and recorded in .parainstructions
 * with its op index, length and clobber class.  apply_paravirt() rewrites
 * every recorded site at boot; the *_UNPATCHED forms are never recorded,
 * so benchmarks can compare against the plain indirect call.
 */
#ifndef _ASM_X86_PARAVIRT_H
#define _ASM_X86_PARAVIRT_H

#include <asm/paravirt_types.h>

#define PV_STR(x) #x
#define PV_XSTR(x) PV_STR(x)

#define PV_SITE_RECORD(clobbers)					\
	".pushsection .parainstructions, \"a\"\n\t"			\
	".balign 8\n\t"							\
	".quad 771b\n\t"						\
	".short %c[pv_opidx]\n\t"					\
	".byte 772b - 771b\n\t"						\
	".byte " PV_XSTR(clobbers) "\n\t"				\
	".long 0\n\t"							\
	".popsection\n\t"

#define PV_SITE_CALL "771: call *%c[pv_opptr](%%rip)\n772:\n\t"

/* C-ABI hook: up to three integer arguments, caller-saved regs clobbered. */
#define __PVOP_CALL(record, field, a1, a2, a3)				\
({									\
	unsigned long __rdi = (unsigned long)(a1);			\
	unsigned long __rsi = (unsigned long)(a2);			\
	unsigned long __rdx = (unsigned long)(a3);			\
	unsigned long __rax, __rcx;					\
	asm volatile(PV_SITE_CALL record				\
		     : "=a"(__rax), "+D"(__rdi), "+S"(__rsi),		\
		       "+d"(__rdx), "=c"(__rcx)				\
		     : [pv_opptr] "i"(&pv_ops.field),			\
		       [pv_opidx] "i"(PV_OP_INDEX(field))		\
		     : "r8", "r9", "r10", "r11", "memory", "cc");	\
	__rax;								\
})

/* The same with a fourth argument in %rcx (cpuid's four pointers). */
#define __PVOP_CALL4(record, field, a1, a2, a3, a4)			\
({									\
	unsigned long __rdi = (unsigned long)(a1);			\
	unsigned long __rsi = (unsigned long)(a2);			\
	unsigned long __rdx = (unsigned long)(a3);			\
	unsigned long __rcx = (unsigned long)(a4);			\
	unsigned long __rax;						\
	asm volatile(PV_SITE_CALL record				\
		     : "=a"(__rax), "+D"(__rdi), "+S"(__rsi),		\
		       "+d"(__rdx), "+c"(__rcx)				\
		     : [pv_opptr] "i"(&pv_ops.field),			\
		       [pv_opidx] "i"(PV_OP_INDEX(field))		\
		     : "r8", "r9", "r10", "r11", "memory", "cc");	\
	__rax;								\
})

/* Callee-saved hook: one argument in %rdi, result in %rax, nothing else. */
#define __PVOP_CALLEE(record, field, a1)				\
({									\
	unsigned long __rax;						\
	asm volatile(PV_SITE_CALL record				\
		     : "=a"(__rax)					\
		     : [pv_opptr] "i"(&pv_ops.field),			\
		       [pv_opidx] "i"(PV_OP_INDEX(field)),		\
		       "D"((unsigned long)(a1))				\
		     : "memory", "cc");					\
	__rax;								\
})

#define PVOP_CALL(field, a1, a2, a3) \
	__PVOP_CALL(PV_SITE_RECORD(PV_CLOBBERS_NORMAL), field, a1, a2, a3)
#define PVOP_CALLEE(field, a1) \
	__PVOP_CALLEE(PV_SITE_RECORD(PV_CLOBBERS_NONE), field, a1)
#define PVOP_CALL_UNPATCHED(field, a1, a2, a3) \
	__PVOP_CALL("", field, a1, a2, a3)
#define PVOP_CALLEE_UNPATCHED(field, a1) __PVOP_CALLEE("", field, a1)

/*
 * Inline-asm text that registers @sym as following the callee-saved
 * convention (only %rax written), for functions written in assembly
 * that keep it by themselves.  Only registered functions become direct
 * calls at PV_CLOBBERS_NONE sites.
 */
#define PV_CALLEE_SAVE_MARK(sym)					\
	".pushsection .pv_callee_save, \"a\"\n\t"			\
	".balign 8\n\t"							\
	".quad " #sym "\n\t"						\
	".popsection\n"

/*
 * Wrap a C function so it follows the callee-saved convention; the
 * wrapper is called NAME_thunk, is registered as callee-saved, and is
 * what goes into pv_ops.irq.
 */
#define PV_CALLEE_SAVE_THUNK(func)					\
	extern char func##_thunk[];					\
	asm(PV_CALLEE_SAVE_MARK(func##_thunk)				\
	    ".pushsection .text, \"ax\"\n"				\
	    ".globl " #func "_thunk\n"					\
	    ".type " #func "_thunk, @function\n"			\
	    #func "_thunk:\n\t"						\
	    "push %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"	\
	    "push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\t"	\
	    "call " #func "\n\t"					\
	    "pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\t"		\
	    "pop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\t"		\
	    "ret\n\t"							\
	    ".size " #func "_thunk, . - " #func "_thunk\n"		\
	    ".popsection")
#define PV_CALLEE_SAVE(func) ((void *)func##_thunk)

/* irq */
static inline unsigned long arch_local_save_flags(void)
{
	return PVOP_CALLEE(irq.save_fl, 0);
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	PVOP_CALLEE(irq.restore_fl, flags);
}

static inline void arch_local_irq_disable(void)
{
	PVOP_CALLEE(irq.irq_disable, 0);
}

static inline void arch_local_irq_enable(void)
{
	PVOP_CALLEE(irq.irq_enable, 0);
}

static inline void arch_safe_halt(void)
{
	PVOP_CALLEE(irq.safe_halt, 0);
}

static inline void arch_halt(void)
{
	PVOP_CALLEE(irq.halt, 0);
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = arch_local_save_flags();

	arch_local_irq_disable();
	return flags;
}

#define X86_EFLAGS_IF 0x200

static inline bool arch_irqs_disabled_flags(unsigned long flags)
{
	return !(flags & X86_EFLAGS_IF);
}

static inline bool arch_irqs_disabled(void)
{
	return arch_irqs_disabled_flags(arch_local_save_flags());
}

/* cpu */
static inline void load_idt(const struct desc_ptr *dtr)
{
	PVOP_CALL(cpu.load_idt, dtr, 0, 0);
}

static inline void load_gdt(const struct desc_ptr *dtr)
{
	PVOP_CALL(cpu.load_gdt, dtr, 0, 0);
}

static inline void load_tr(unsigned int sel)
{
	PVOP_CALL(cpu.load_tr, sel, 0, 0);
}

static inline unsigned long read_cr0(void)
{
	return PVOP_CALL(cpu.read_cr0, 0, 0, 0);
}

static inline void write_cr0(unsigned long val)
{
	PVOP_CALL(cpu.write_cr0, val, 0, 0);
}

static inline unsigned long read_cr4(void)
{
	return PVOP_CALL(cpu.read_cr4, 0, 0, 0);
}

static inline void write_cr4(unsigned long val)
{
	PVOP_CALL(cpu.write_cr4, val, 0, 0);
}

static inline unsigned long read_cr2(void)
{
	return PVOP_CALL(cpu.read_cr2, 0, 0, 0);
}

static inline unsigned long read_cr3(void)
{
	return PVOP_CALL(cpu.read_cr3, 0, 0, 0);
}

static inline void write_cr3(unsigned long val)
{
	PVOP_CALL(cpu.write_cr3, val, 0, 0);
}

static inline void wbinvd(void)
{
	PVOP_CALL(cpu.wbinvd, 0, 0, 0);
}

static inline void cpuid_count(u32 leaf, u32 subleaf, u32 *eax, u32 *ebx,
			       u32 *ecx, u32 *edx)
{
	*eax = leaf;
	*ecx = subleaf;
	__PVOP_CALL4(PV_SITE_RECORD(PV_CLOBBERS_NORMAL), cpu.cpuid,
		     eax, ebx, ecx, edx);
}

static inline void cpuid(u32 leaf, u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	cpuid_count(leaf, 0, eax, ebx, ecx, edx);
}

static inline u64 rdmsr(u32 msr)
{
	return PVOP_CALL(cpu.read_msr, msr, 0, 0);
}

static inline void wrmsr(u32 msr, u64 val)
{
	PVOP_CALL(cpu.write_msr, msr, val, 0);
}

static inline void io_delay(void)
{
	PVOP_CALL(cpu.io_delay, 0, 0, 0);
}

static inline void load_sp0(unsigned long sp0)
{
	PVOP_CALL(cpu.load_sp0, sp0, 0, 0);
}

static inline void arch_start_context_switch(void)
{
	PVOP_CALL(cpu.start_context_switch, 0, 0, 0);
}

static inline void arch_end_context_switch(void)
{
	PVOP_CALL(cpu.end_context_switch, 0, 0, 0);
}

static inline void paravirt_syscall_init(void)
{
	PVOP_CALL(cpu.syscall_init, 0, 0, 0);
}

static inline __noreturn void paravirt_ret_to_user(struct pt_regs *regs)
{
	PVOP_CALL(cpu.ret_to_user, regs, 0, 0);
	__builtin_unreachable();
}

/* mmu */
static inline pteval_t make_pte(pteval_t val)
{
	return PVOP_CALL(mmu.make_pte, val, 0, 0);
}

static inline pteval_t pte_val(pteval_t raw)
{
	return PVOP_CALL(mmu.pte_val, raw, 0, 0);
}

static inline void set_pte(pteval_t *ptep, pteval_t val)
{
	PVOP_CALL(mmu.set_pte, ptep, val, 0);
}

static inline void set_pmd(pteval_t *pmdp, pteval_t val)
{
	PVOP_CALL(mmu.set_pmd, pmdp, val, 0);
}

static inline void set_pud(pteval_t *pudp, pteval_t val)
{
	PVOP_CALL(mmu.set_pud, pudp, val, 0);
}

static inline void set_p4d(pteval_t *p4dp, pteval_t val)
{
	PVOP_CALL(mmu.set_p4d, p4dp, val, 0);
}

static inline void paravirt_alloc_pt(unsigned long pfn, int level)
{
	PVOP_CALL(mmu.alloc_pt, pfn, level, 0);
}

static inline void paravirt_release_pt(unsigned long pfn, int level)
{
	PVOP_CALL(mmu.release_pt, pfn, level, 0);
}

static inline int paravirt_pgd_alloc(pteval_t *pgd)
{
	return (int)PVOP_CALL(mmu.pgd_alloc, pgd, 0, 0);
}

static inline void paravirt_pgd_free(pteval_t *pgd)
{
	PVOP_CALL(mmu.pgd_free, pgd, 0, 0);
}

static inline void flush_tlb_local(void)
{
	PVOP_CALL(mmu.flush_tlb_local, 0, 0, 0);
}

static inline void flush_tlb_one(unsigned long va)
{
	PVOP_CALL(mmu.flush_tlb_one, va, 0, 0);
}

static inline void flush_tlb_kernel(void)
{
	PVOP_CALL(mmu.flush_tlb_kernel, 0, 0, 0);
}

static inline void flush_tlb_multi(const struct cpumask *cpus, unsigned long va)
{
	PVOP_CALL(mmu.flush_tlb_multi, cpus, va, 0);
}

static inline void arch_enter_lazy_mmu_mode(void)
{
	PVOP_CALL(mmu.lazy_mode_enter, 0, 0, 0);
}

static inline void arch_leave_lazy_mmu_mode(void)
{
	PVOP_CALL(mmu.lazy_mode_leave, 0, 0, 0);
}

static inline void arch_flush_lazy_mmu_mode(void)
{
	PVOP_CALL(mmu.lazy_mode_flush, 0, 0, 0);
}

/* time */
static inline u64 paravirt_sched_clock(void)
{
	return PVOP_CALL(time.sched_clock, 0, 0, 0);
}

static inline u64 paravirt_steal_clock(unsigned int cpu)
{
	return PVOP_CALL(time.steal_clock, cpu, 0, 0);
}

/* smp */
static inline void paravirt_send_ipi(unsigned int cpu, unsigned int vector)
{
	PVOP_CALL(smp.send_ipi, cpu, vector, 0);
}

static inline int paravirt_start_cpu(unsigned int cpu)
{
	return (int)PVOP_CALL(smp.start_cpu, cpu, 0, 0);
}

/* lock */
extern bool pv_spin_slowpath;

/* May spinlock waiters block in the hypervisor (pv_ops.lock)? */
static inline bool paravirt_spin_slowpath(void)
{
	return __atomic_load_n(&pv_spin_slowpath, __ATOMIC_RELAXED);
}

static inline void paravirt_lock_wait(u16 *ptr, u16 val)
{
	PVOP_CALL(lock.wait, ptr, val, 0);
}

static inline void paravirt_lock_kick(unsigned int cpu)
{
	PVOP_CALL(lock.kick, cpu, 0, 0);
}

/* Patcher (arch/x86/kernel/paravirt.c). */
unsigned int apply_paravirt(void);
unsigned int paravirt_patched_sites(void);
unsigned int paravirt_nr_sites(void);
const u8 *paravirt_inline_bytes(unsigned int op, unsigned int *len);
const struct paravirt_patch_site *paravirt_site(unsigned int i);
const char *paravirt_op_name(unsigned int op);
void *paravirt_op_target(unsigned int op);
bool paravirt_target_fits_site(unsigned int clobbers, const void *target);

#endif /* _ASM_X86_PARAVIRT_H */
