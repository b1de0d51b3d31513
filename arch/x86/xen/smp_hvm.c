// SPDX-License-Identifier: MIT
/*
 * SMP of an HVM or PVH guest.  The vCPUs are the CPUs of the ACPI MADT
 * and start through INIT-SIPI on the emulated local APIC, as on bare
 * metal; each then becomes a Xen vCPU for pvk: its own vcpu_info, its
 * event callback, and, with events everywhere, event-channel IPIs and
 * the PV timer.
 *
 * Hot-plug (`xl vcpu-set`, cpu/N/availability): a vCPU goes down as a
 * PV one does, by VCPUOP_down on itself, and comes back by VCPUOP_up.
 * Xen keeps a down vCPU's whole state, and VCPUOP_up needs only that
 * the vCPU was initialised once, which its INIT-SIPI did; so it resumes
 * right after its hypercall, and `xl vcpu-list` shows it paused while
 * down.  (Linux instead parks an HVM vCPU in a HLT loop and sends it a
 * new INIT-SIPI: Xen then sees a blocked vCPU, not a down one.)
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/smp.h>
#include <asm/apic.h>
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

/* Went down in xen_hvm_cpu_die(): VCPUOP_up resumes it there. */
static bool parked[NR_CPUS];

/* Do IPIs go through event channels (else the local APIC's)? */
static bool evtchn_ipis(void)
{
	return xen_callback_everywhere() && pv_ops.smp.send_ipi == xen_send_ipi;
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
	if (evtchn_ipis())
		xen_smp_bind_ipis(cpu);
	return native_start_cpu(cpu);
}

/**
 * xen_hvm_cpu_die - platform.cpu_die of HVM and PVH guests
 *
 * On the vCPU going offline, interrupts off: its tick stops (Xen's
 * timer or the local APIC's), its IPI and spinlock ports close and,
 * with events everywhere, its device ports move to vCPU 0; then
 * VCPUOP_down.  xen_hvm_cpu_wake()'s VCPUOP_up resumes it here, where
 * it gets its IPI ports back and starts its tick again (its vcpu_info,
 * upcall vector and FIFO control block stay registered).  If Xen
 * refuses VCPUOP_down, the vCPU stays up with its ports back, and the
 * core's wait for it to stop times out.
 */
void xen_hvm_cpu_die(void)
{
	unsigned int cpu = smp_processor_id();
	long rc;

	if (xen_hvm_pv_time())
		xen_timer_stop();
	else
		apic_timer_stop();
	xen_smp_unbind_ipis(cpu);
	if (xen_callback_everywhere())
		xen_evtchn_cpu_offline(cpu);
	WRITE_ONCE(parked[cpu], true);
	rc = HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
	if (rc) {
		pr_err("xen: VCPUOP_down on vCPU %u: %ld; it stays up, idle\n",
		       cpu, rc);
		WRITE_ONCE(parked[cpu], false);
		if (evtchn_ipis())
			xen_smp_bind_ipis(cpu);
	}
	arch_timer_start();
}

/**
 * xen_hvm_cpu_wake - platform.cpu_wake of HVM and PVH guests
 * @cpu: the vCPU
 *
 * One that went down in xen_hvm_cpu_die() gets its IPI ports back (if
 * IPIs are events) and VCPUOP_up; one that never ran starts by
 * INIT-SIPI.  Returns 0 or the error (the core waits for it to come
 * online).
 */
int xen_hvm_cpu_wake(unsigned int cpu)
{
	long rc;

	if (!READ_ONCE(parked[cpu]))
		return xen_hvm_start_cpu(cpu);
	if (!xen_cpu_stopped(cpu))
		return -EBUSY;
	if (evtchn_ipis())
		xen_smp_bind_ipis(cpu);
	rc = HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
	if (rc)
		xen_smp_unbind_ipis(cpu);
	return (int)rc;
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
