// SPDX-License-Identifier: MIT
/*
 * SMP of an HVM or PVH guest.  The vCPUs are the CPUs of the ACPI MADT
 * and start through INIT-SIPI on the emulated local APIC, as on bare
 * metal; each then becomes a Xen vCPU for pvk: its own vcpu_info, its
 * event callback, and, with events everywhere, event-channel IPIs and
 * the PV timer.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <asm/native.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypercall.h>
#include <xen/arch-x86/cpuid.h>

/**
 * xen_hvm_smp_init - give every CPU found its Xen state
 *
 * After the MADT was read (nr_cpu_ids is known) and before any other
 * CPU starts: their hypercall counters and, until they register their
 * own, their vcpu_info slot in shared_info.  pvk numbers CPUs in MADT
 * order with the boot CPU first, which is Xen's vCPU order; each vCPU
 * checks that when it comes up.
 */
void xen_hvm_smp_init(void)
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		per_cpu(cpu)->platform = &xen_percpu[cpu];
		if (cpu < XEN_LEGACY_MAX_VCPUS && !xen_percpu[cpu].vcpu_info)
			xen_percpu[cpu].vcpu_info =
				&HYPERVISOR_shared_info->vcpu_info[cpu];
	}
}

/**
 * xen_hvm_start_cpu - pv_ops.smp.start_cpu of HVM and PVH guests
 * @cpu: the CPU to start
 *
 * The vCPU's event channels (FIFO control block, IPI ports) are set up
 * by the boot CPU first, so events sent to it are queued from the
 * start; then INIT-SIPI.
 */
int xen_hvm_start_cpu(unsigned int cpu)
{
	xen_evtchn_cpu_init(cpu);
	if (xen_callback_everywhere() && pv_ops.smp.send_ipi == xen_send_ipi)
		xen_smp_bind_ipis(cpu);
	return native_start_cpu(cpu);
}

/* The vCPU id Xen knows the calling CPU by, or @fallback. */
static unsigned int this_vcpu_id(unsigned int fallback)
{
	u32 regs[4];

	xen_hvm_cpuid(xen_hvm_cpuid_base() + 4, regs);
	return regs[0] & XEN_HVM_CPUID_VCPU_ID_PRESENT ? regs[1] : fallback;
}

/**
 * xen_hvm_cpu_starting - platform.cpu_starting of HVM and PVH guests
 * @cpu: the calling CPU, not yet counted as started
 *
 * Registers its vcpu_info and its event callback.  pvk names a vCPU to
 * Xen by its CPU number (timers, IPI ports, vcpu_info), so a CPU whose
 * vCPU id differs (a gap in the vCPUs the firmware lists) would drive
 * another vCPU's timer and take its events; like one whose callback Xen
 * refuses, it is left parked, with a log line.
 */
bool xen_hvm_cpu_starting(unsigned int cpu)
{
	unsigned int vcpu = this_vcpu_id(cpu);

	if (vcpu != cpu) {
		pr_err("xen: CPU %u is vCPU %u; not started (pvk numbers CPUs as "
		       "Xen numbers vCPUs)\n", cpu, vcpu);
		return false;
	}
	xen_setup_vcpu_info(cpu);
	return xen_callback_cpu_init(cpu, vcpu) == 0;
}
