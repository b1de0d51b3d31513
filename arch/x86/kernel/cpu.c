// SPDX-License-Identifier: MIT
/*
 * Per-CPU set-up: each CPU gets its own GDT (so its TSS descriptor can be
 * busy independently), a TSS with a double-fault stack, the shared IDT,
 * and %gs pointing at its struct cpu_data.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <asm/desc.h>
#include <asm/paravirt.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/user.h>

#define IST_STACK_SIZE 8192

_Static_assert(offsetof(struct cpu_data, kernel_sp) == CPU_KERNEL_SP,
	       "entry_SYSCALL_64 reads kernel_sp at CPU_KERNEL_SP");
_Static_assert(offsetof(struct cpu_data, user_sp) == CPU_USER_SP,
	       "entry_SYSCALL_64 keeps the user stack at CPU_USER_SP");

struct cpu_data cpu_data[NR_CPUS];
unsigned int nr_cpu_ids = 1;

static u64 cpu_gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct x86_tss cpu_tss[NR_CPUS] __aligned(16);
static u8 df_stacks[NR_CPUS][IST_STACK_SIZE] __aligned(16);

/**
 * early_percpu_init - point %gs at CPU 0's data before anything uses it
 *
 * Runs before pv_ops is chosen, on an entry (multiboot2, PVH) where the
 * native MSR write is valid.
 */
void early_percpu_init(void)
{
	struct cpu_data *c = &cpu_data[0];

	c->self = c;
	c->cpu = 0;
	native_wrmsr(MSR_GS_BASE, (u64)(unsigned long)c);
}

static void fill_gdt(unsigned int cpu)
{
	u64 *gdt = cpu_gdt[cpu];
	u64 tss = (u64)(unsigned long)&cpu_tss[cpu];
	u64 limit = sizeof(struct x86_tss) - 1;

	gdt[0] = 0;
	gdt[GDT_ENTRY_KERNEL_CS] = 0x00af9a000000ffffULL;
	gdt[GDT_ENTRY_KERNEL_DS] = 0x00cf92000000ffffULL;
	gdt[GDT_ENTRY_BOOT_CS32] = 0x00cf9a000000ffffULL;
	/* 64-bit available TSS: base split across two entries. */
	gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
			     (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
			     (((tss >> 24) & 0xff) << 56);
	gdt[GDT_ENTRY_TSS + 1] = tss >> 32;
	gdt[GDT_ENTRY_USER32_CS] = 0x00cffa000000ffffULL;
	gdt[GDT_ENTRY_USER_DS] = 0x00cff2000000ffffULL;
	gdt[GDT_ENTRY_USER_CS] = 0x00affa000000ffffULL;
}

static void reload_segments(void)
{
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %1, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     : : "i"(__KERNEL_CS), "i"(__KERNEL_DS) : "rax", "memory");
}

/**
 * cpu_init - load this CPU's descriptor tables and per-CPU pointer
 * @cpu: logical CPU number
 */
void cpu_init(unsigned int cpu)
{
	struct cpu_data *c = &cpu_data[cpu];
	struct desc_ptr gdtp = { sizeof(cpu_gdt[cpu]) - 1,
				 (u64)(unsigned long)cpu_gdt[cpu] };

	c->self = c;
	c->cpu = cpu;
	c->arch_gdt = cpu_gdt[cpu];
	c->tss = &cpu_tss[cpu];
	cpu_tss[cpu].ist[0] = (u64)(unsigned long)(df_stacks[cpu] + IST_STACK_SIZE);
	cpu_tss[cpu].io_bitmap_base = sizeof(struct x86_tss);
	if (x86_platform->load_segments) {
		x86_platform->load_segments(cpu);
	} else {
		fill_gdt(cpu);
		load_gdt(&gdtp);
		reload_segments();
		load_tr(__TSS_SEL);
	}
	idt_load_this_cpu();
	wrmsr(MSR_GS_BASE, (u64)(unsigned long)c);
	syscall_init();
}

/* pv_ops.cpu.load_sp0 on bare metal: the TSS ring-0 stack. */
void native_load_sp0(unsigned long sp0)
{
	this_cpu()->tss->sp0 = sp0;
}
