// SPDX-License-Identifier: MIT
/*
 * Benchmarks only an HVM or PVH guest has: flushing every vCPU's TLB
 * with one hypercall (HVMOP_flush_tlbs), next to the IPI shootdown of
 * the generic tlb_shootdown case, so make bench shows which is cheaper
 * (enlighten_hvm.c installs that one).
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/smp.h>
#include <asm/native.h>
#include <asm/platform.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>

static bool hvm_with_two_cpus(const char **why)
{
	if (x86_platform != &xen_hvm_platform && x86_platform != &xen_pvh_platform) {
		*why = "not a Xen HVM or PVH guest";
		return false;
	}
	*why = "needs a second online CPU";
	return num_online_cpus() > 1;
}

static void flush_hypercall(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		HYPERVISOR_hvm_op(HVMOP_flush_tlbs, NULL);
}

static void flush_ipis(unsigned long n)
{
	struct cpumask m = cpu_online_mask;

	cpumask_clear_cpu(smp_processor_id(), &m);
	for (unsigned long i = 0; i < n; i++)
		native_flush_tlb_multi(&m, TLB_FLUSH_ALL);
}

/* Only while Xen takes it: a refused one would measure an error path. */
static bool hypercall_flush_works(const char **why)
{
	if (!hvm_with_two_cpus(why))
		return false;
	*why = "Xen refused HVMOP_flush_tlbs";
	return xen_hvm_tlb_flush_by_hypercall();
}

BENCH_CASE(hvm_flush_hypercall, .op = "tlb_flush_hvmop",
	   .usable = hypercall_flush_works,
	   .run = { flush_hypercall, NULL, NULL }, .iters = 20);

BENCH_CASE(hvm_flush_ipis, .op = "tlb_flush_ipis",
	   .usable = hvm_with_two_cpus,
	   .run = { flush_ipis, NULL, NULL }, .iters = 20);
