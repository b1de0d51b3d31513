// SPDX-License-Identifier: MIT
/*
 * The pv_ops benchmark cases: each operation through its patched call
 * site, through the same hook called indirectly (never patched), and as
 * the raw instruction where that is meaningful on this platform.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <asm/native.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/platform.h>

static unsigned long scratch_va;
static pteval_t *scratch_pte;
static pteval_t scratch_pteval;
static unsigned long saved_cr3;

/**
 * bench_raw_allowed - may the raw-instruction variants run here?
 *
 * Raw privileged instructions only make sense where the kernel runs them
 * natively (bare metal, and hardware virtualisation such as Xen HVM and
 * PVH); in a PV guest, whose page tables the hypervisor validates, they
 * would trap.
 */
bool bench_raw_allowed(void)
{
	return !x86_platform->pv_mmu;
}

static void cli_sti_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		arch_local_irq_disable();
		arch_local_irq_enable();
	}
}

static void cli_sti_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		PVOP_CALLEE_UNPATCHED(irq.irq_disable, 0);
		PVOP_CALLEE_UNPATCHED(irq.irq_enable, 0);
	}
}

static void cli_sti_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		asm volatile("cli; sti" ::: "memory");
}

BENCH_CASE(cli_sti, .op = "cli_sti",
	   .run = { cli_sti_patched, cli_sti_indirect, cli_sti_raw }, .iters = 1000);

static void flags_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		arch_local_irq_restore(arch_local_save_flags());
}

static void flags_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long f = PVOP_CALLEE_UNPATCHED(irq.save_fl, 0);

		PVOP_CALLEE_UNPATCHED(irq.restore_fl, f);
	}
}

static void flags_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long f;

		asm volatile("pushfq; popq %0" : "=r"(f) : : "memory");
		asm volatile("pushq %0; popfq" : : "r"(f) : "memory", "cc");
	}
}

BENCH_CASE(save_restore_fl, .op = "save_restore_fl",
	   .run = { flags_patched, flags_indirect, flags_raw }, .iters = 1000);

static void cr2_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		(void)read_cr2();
}

static void cr2_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		(void)PVOP_CALL_UNPATCHED(cpu.read_cr2, 0, 0, 0);
}

static void cr2_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long v;

		asm volatile("mov %%cr2, %0" : "=r"(v));
	}
}

BENCH_CASE(read_cr2, .op = "read_cr2",
	   .run = { cr2_patched, cr2_indirect, cr2_raw }, .iters = 1000);

static void cr3_setup(void)
{
	saved_cr3 = read_cr3();
}

static void cr3_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		write_cr3(saved_cr3);
}

static void cr3_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		PVOP_CALL_UNPATCHED(cpu.write_cr3, saved_cr3, 0, 0);
}

static void cr3_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		asm volatile("mov %0, %%cr3" : : "r"(saved_cr3) : "memory");
}

BENCH_CASE(write_cr3, .op = "write_cr3", .setup = cr3_setup,
	   .run = { cr3_patched, cr3_indirect, cr3_raw }, .iters = 200);

/* A mapped scratch page whose PTE the PTE and invlpg cases use. */
static void scratch_setup(void)
{
	void *page;

	if (scratch_pte)
		return;
	page = alloc_page_zeroed();
	scratch_va = vmap_reserve(PAGE_SIZE);
	if (!page || !scratch_va || map_page(scratch_va, __pa(page), MAP_WRITE))
		panic("bench: no scratch page");
	scratch_pte = lookup_pte(scratch_va);
	scratch_pteval = *scratch_pte;
}

static void invlpg_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		flush_tlb_one(scratch_va);
}

static void invlpg_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		PVOP_CALL_UNPATCHED(mmu.flush_tlb_one, scratch_va, 0, 0);
}

static void invlpg_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		asm volatile("invlpg (%0)" : : "r"(scratch_va) : "memory");
}

BENCH_CASE(invlpg, .op = "invlpg", .setup = scratch_setup,
	   .run = { invlpg_patched, invlpg_indirect, invlpg_raw }, .iters = 1000);

static void pte_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		set_pte(scratch_pte, scratch_pteval);
}

static void pte_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		PVOP_CALL_UNPATCHED(mmu.set_pte, scratch_pte, scratch_pteval, 0);
}

static void pte_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		WRITE_ONCE(*scratch_pte, scratch_pteval);
}

BENCH_CASE(set_pte, .op = "set_pte", .setup = scratch_setup,
	   .run = { pte_patched, pte_indirect, pte_raw }, .iters = 1000);

static void flush_local_patched(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		flush_tlb_local();
}

static void flush_local_indirect(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		PVOP_CALL_UNPATCHED(mmu.flush_tlb_local, 0, 0, 0);
}

static void flush_local_raw(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
}

BENCH_CASE(flush_tlb_local, .op = "flush_tlb_local",
	   .run = { flush_local_patched, flush_local_indirect, flush_local_raw },
	   .iters = 200);

static bool need_two_cpus(const char **why)
{
	*why = "needs a second online CPU";
	return num_online_cpus() > 1;
}

static struct cpumask others(void)
{
	struct cpumask m = cpu_online_mask;

	cpumask_clear_cpu(smp_processor_id(), &m);
	return m;
}

static void shootdown_patched(unsigned long n)
{
	struct cpumask m = others();

	for (unsigned long i = 0; i < n; i++)
		flush_tlb_multi(&m, scratch_va);
}

static void shootdown_indirect(unsigned long n)
{
	struct cpumask m = others();

	for (unsigned long i = 0; i < n; i++)
		PVOP_CALL_UNPATCHED(mmu.flush_tlb_multi, &m, scratch_va, 0);
}

BENCH_CASE(shootdown, .op = "tlb_shootdown", .setup = scratch_setup,
	   .usable = need_two_cpus,
	   .run = { shootdown_patched, shootdown_indirect, NULL }, .iters = 20);

static void ipi_nop(void *unused)
{
}

static void ipi_patched(unsigned long n)
{
	unsigned int target = smp_processor_id() == 0 ? 1 : 0;

	for (unsigned long i = 0; i < n; i++)
		smp_call_function_single(target, ipi_nop, NULL, true);
}

BENCH_CASE(ipi_roundtrip, .op = "ipi_roundtrip", .usable = need_two_cpus,
	   .run = { ipi_patched, NULL, NULL }, .iters = 20);
