/* SPDX-License-Identifier: MIT */
/*
 * Raw CPU instructions.  Only the native backend and code that must run
 * before pv_ops is chosen use the native_* forms; everything else goes
 * through asm/paravirt.h.
 */
#ifndef _ASM_X86_PROCESSOR_H
#define _ASM_X86_PROCESSOR_H

#include <pvk/types.h>

struct desc_ptr {
	u16 size;
	u64 address;
} __packed;

#define X86_CR0_WP	(1UL << 16)
#define X86_CR0_TS	(1UL << 3)
#define X86_CR4_PGE	(1UL << 7)
#define X86_CR0_MP	(1UL << 1)
#define X86_CR0_EM	(1UL << 2)
#define X86_CR4_OSFXSR	(1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)

#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSCALL_MASK	0xc0000084
#define EFER_SCE		(1ULL << 0)
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_IA32_APICBASE	0x0000001b
#define MSR_IA32_TSC_DEADLINE	0x000006e0

static inline void native_cpuid(u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	asm volatile("cpuid"
		     : "=a"(*eax), "=b"(*ebx), "=c"(*ecx), "=d"(*edx)
		     : "0"(*eax), "2"(*ecx)
		     : "memory");
}

static inline u64 native_rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void native_wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* rdtsc that does not start before earlier instructions finish. */
static inline u64 rdtsc_ordered(void)
{
	asm volatile("lfence" ::: "memory");
	return rdtsc();
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

static inline void native_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define smp_mb() asm volatile("mfence" ::: "memory")
#define smp_rmb() barrier()
#define smp_wmb() barrier()

#endif /* _ASM_X86_PROCESSOR_H */
