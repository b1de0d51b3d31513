/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data, reached through %gs: %gs:0 holds a pointer to the CPU's
 * own struct cpu_data, so one load finds it from any context.
 */
#ifndef _ASM_X86_SMP_H
#define _ASM_X86_SMP_H

/* Offsets in struct cpu_data for the SYSCALL entry (checked in cpu.c). */
#define CPU_KERNEL_SP	8
#define CPU_USER_SP	16

#ifndef __ASSEMBLY__
#include <pvk/types.h>
#include <pvk/cpumask.h>

struct thread;
struct x86_tss;

struct cpu_data {
	struct cpu_data *self;		/* must stay first: %gs:0 */
	/* Read by entry_SYSCALL_64 at fixed offsets (CPU_KERNEL_SP...). */
	unsigned long kernel_sp;	/* top of the running process's stack */
	unsigned long user_sp;		/* user %rsp while SYSCALL saves it */
	unsigned int cpu;
	u32 apic_id;
	struct thread *current;
	struct thread *idle;
	u64 ticks;
	bool online;
	void *sched;			/* kernel/sched.c's per-CPU run queue */
	void *arch_gdt;			/* this CPU's GDT */
	struct x86_tss *tss;
	void *platform;			/* backend-private (e.g. Xen vcpu_info) */
};

extern struct cpu_data cpu_data[NR_CPUS];
extern unsigned int nr_cpu_ids;		/* CPUs that exist and may start */

static inline struct cpu_data *this_cpu(void)
{
	struct cpu_data *p;

	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

static inline struct cpu_data *per_cpu(unsigned int cpu)
{
	return &cpu_data[cpu];
}

#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_SMP_H */
