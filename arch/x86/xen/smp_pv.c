// SPDX-License-Identifier: MIT
/*
 * SMP under Xen PV: vCPUs are counted with VCPUOP_is_up, started with a
 * full register context (VCPUOP_initialise, VCPUOP_up), and interrupted
 * through event channels bound per vCPU (one per IPI vector).  A vCPU
 * can go down and up again (xen_cpu_die(), xen_cpu_wake()).
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/xen/hypercall.h>

#define AP_STACK_ORDER	2		/* 16 KiB, as on bare metal */
#define AP_WAIT_MS	5000		/* emulated vCPUs start slowly */
#define MAX_VCPU_PROBE	4096

/* The IPI vectors of asm/traps.h, each its own port per vCPU. */
static const unsigned int ipi_vectors[] = {
	RESCHEDULE_VECTOR, CALL_FUNCTION_VECTOR, STOP_VECTOR,
};
static int ipi_ports[NR_CPUS][ARRAY_SIZE(ipi_vectors)];
static bool ipis_bound[NR_CPUS];
/* Went down through xen_cpu_die(): VCPUOP_up resumes it there. */
static bool parked[NR_CPUS];
static struct vcpu_guest_context ap_context;

/* Run the handler smp.c registered for the vector behind this port. */
static void xen_ipi_interrupt(unsigned int port, void *data, struct pt_regs *regs)
{
	regs->vector = (unsigned long)data;
	do_interrupt(regs);
}

/**
 * xen_smp_bind_ipis - bind the IPI ports of a vCPU
 * @cpu: the receiving vCPU (may be another one than the caller)
 */
void xen_smp_bind_ipis(unsigned int cpu)
{
	if (ipis_bound[cpu])
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(ipi_vectors); i++)
		ipi_ports[cpu][i] = xen_bind_ipi(cpu, xen_ipi_interrupt,
						 (void *)(unsigned long)ipi_vectors[i]);
	xen_spinlock_init_cpu(cpu);
	ipis_bound[cpu] = true;
}

/**
 * xen_smp_unbind_ipis - close the IPI and spinlock ports of a vCPU
 * @cpu: the vCPU going offline (or whose start failed); nothing to do
 *       when its ports were never bound (APIC IPIs of an HVM guest)
 */
void xen_smp_unbind_ipis(unsigned int cpu)
{
	if (!ipis_bound[cpu])
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(ipi_vectors); i++) {
		int port = ipi_ports[cpu][i];

		WRITE_ONCE(ipi_ports[cpu][i], 0);
		if (port > 0)
			xen_unbind(port);
	}
	xen_spinlock_cpu_offline(cpu);
	ipis_bound[cpu] = false;
}

/**
 * xen_smp_rebind_ipis - bind every online vCPU's IPI ports again
 *
 * After a restore (none survived it), from the boot vCPU with the
 * others parked.
 */
void xen_smp_rebind_ipis(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask) {
		ipis_bound[cpu] = false;
		xen_smp_bind_ipis(cpu);
	}
}

/* pv_ops.smp.send_ipi: notify the vCPU's port for that vector. */
void xen_send_ipi(unsigned int cpu, unsigned int vector)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(ipi_vectors); i++) {
		if (ipi_vectors[i] != vector)
			continue;
		int port = cpu < NR_CPUS ? READ_ONCE(ipi_ports[cpu][i]) : 0;

		if (port > 0) {
			int err = xen_evtchn_notify(port);

			if (err)
				pr_err("xen: IPI %#x to CPU %u: %d\n", vector, cpu, err);
		} else if (cpu >= NR_CPUS || per_cpu(cpu)->online) {
			/* An offline vCPU's ports are closed: nothing to tell it. */
			pr_err("xen: no IPI port for vector %#x on CPU %u\n", vector, cpu);
		}
		return;
	}
	pr_err("xen: IPI vector %#x has no event channel\n", vector);
}

/**
 * xen_smp_init - count the domain's vCPUs and set nr_cpu_ids
 *
 * VCPUOP_is_up answers 0 or 1 for a vCPU that exists and -ENOENT past
 * the last one.  nosmp, maxcpus= and NR_CPUS limit how many are used.
 */
void xen_smp_init(void)
{
	unsigned int found = 1, limit = smp_cpu_limit();

	while (found < MAX_VCPU_PROBE &&
	       HYPERVISOR_vcpu_op(VCPUOP_is_up, found, NULL) >= 0)
		found++;
	nr_cpu_ids = MIN(found, limit);
	pr_info("xen: %u vCPU%s, using %u\n", found, found > 1 ? "s" : "", nr_cpu_ids);
	smp_check_maxcpus(found, "vCPUs");
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct cpu_data *c = per_cpu(cpu);

		c->cpu = cpu;
		c->apic_id = cpu;
		c->platform = &xen_percpu[cpu];
		if (cpu < XEN_LEGACY_MAX_VCPUS && !xen_percpu[cpu].vcpu_info)
			xen_percpu[cpu].vcpu_info = &HYPERVISOR_shared_info->vcpu_info[cpu];
	}
	xen_smp_bind_ipis(0);
	xen_spinlock_enable();
}

/* C entry of a secondary vCPU (xen_secondary_startup). */
__noreturn void xen_start_secondary(unsigned int cpu)
{
	cpu_init(cpu);
	xen_setup_vcpu_info(cpu);
	sched_init_cpu();
	smp_cpu_online(cpu);
	arch_timer_start();
	arch_local_irq_enable();
	cpu_idle();
	for (;;)
		;
}

/**
 * xen_start_cpu - pv_ops.smp.start_cpu: start one vCPU
 * @cpu: the vCPU to start
 *
 * Returns 0 once it is online, or the error of the step that failed
 * (smp_init() logs it and carries on without that vCPU).
 */
int xen_start_cpu(unsigned int cpu)
{
	struct vcpu_guest_context *ctxt = &ap_context;
	void *stack;
	unsigned long top;
	u64 deadline;
	long rc;

	if (!xen_percpu[cpu].vcpu_info)
		return -ENODEV;	/* no vcpu_info until it registers its own */
	stack = alloc_pages(AP_STACK_ORDER);
	if (!stack)
		return -ENOMEM;
	top = (unsigned long)stack + (PAGE_SIZE << AP_STACK_ORDER);
	xen_evtchn_cpu_init(cpu);
	xen_smp_bind_ipis(cpu);

	memset(ctxt, 0, sizeof(*ctxt));
	/* Not VGCF_online: VCPUOP_up only wakes a vCPU that is still down. */
	ctxt->flags = VGCF_in_kernel;
	ctxt->user_regs.rip = (unsigned long)xen_secondary_startup;
	ctxt->user_regs.rsp = top;
	ctxt->user_regs.rdi = cpu;
	ctxt->user_regs.cs = FLAT_KERNEL_CS;
	ctxt->user_regs.ss = FLAT_KERNEL_SS;
	ctxt->user_regs.ds = FLAT_KERNEL_DS;
	ctxt->user_regs.es = FLAT_KERNEL_DS;
	ctxt->user_regs.rflags = 0x1000;	/* IOPL 1: Xen's PV kernel default */
	ctxt->kernel_ss = FLAT_KERNEL_SS;
	ctxt->kernel_sp = top;
	ctxt->event_callback_eip = (unsigned long)xen_hypervisor_callback;
	ctxt->failsafe_callback_eip = (unsigned long)xen_failsafe_callback;
	ctxt->ctrlreg[3] = xen_pfn_to_cr3(pfn_to_mfn(PFN_DOWN(__pa(kernel_pgd))));
	ctxt->gs_base_kernel = (unsigned long)per_cpu(cpu);
	xen_cr3_set_secondary(cpu, __pa(kernel_pgd));

	rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, cpu, ctxt);
	if (rc) {
		free_pages(stack, AP_STACK_ORDER);
		return (int)rc;
	}
	rc = HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
	if (rc) {
		free_pages(stack, AP_STACK_ORDER);
		return (int)rc;
	}
	deadline = ktime_get_ns() + AP_WAIT_MS * NSEC_PER_MSEC;
	while (!cpumask_test_cpu(cpu, &cpu_online_mask) && ktime_get_ns() < deadline)
		cpu_relax();
	if (!cpumask_test_cpu(cpu, &cpu_online_mask)) {
		HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
		return -ETIMEDOUT;
	}
	return 0;
}

/**
 * xen_cpu_die - platform.cpu_die: this vCPU goes down (VCPUOP_down)
 *
 * Interrupts off, in the idle loop, nothing of the core left here.
 * Its timer, IPI and spinlock ports are closed and its device ports
 * move to vCPU 0.  The vCPU keeps its context while down, so
 * xen_cpu_wake()'s VCPUOP_up resumes it right here, where it starts its
 * tick again (its vcpu_info and FIFO control block stay registered).
 */
void xen_cpu_die(void)
{
	unsigned int cpu = smp_processor_id();
	long rc;

	xen_timer_stop();
	xen_smp_unbind_ipis(cpu);
	xen_evtchn_cpu_offline(cpu);
	WRITE_ONCE(parked[cpu], true);
	rc = HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
	if (rc)
		pr_err("xen: VCPUOP_down on vCPU %u: %ld; it stays up, idle\n",
		       cpu, rc);
	xen_timer_start();
}

/**
 * xen_cpu_stopped - platform.cpu_stopped: is the vCPU down in Xen?
 * @cpu: the vCPU
 */
bool xen_cpu_stopped(unsigned int cpu)
{
	return HYPERVISOR_vcpu_op(VCPUOP_is_up, cpu, NULL) == 0;
}

/**
 * xen_cpu_wake - platform.cpu_wake: start a vCPU that is down
 * @cpu: the vCPU
 *
 * One that went down in xen_cpu_die() gets new IPI ports and resumes
 * there; one that never ran is started from scratch.  Returns 0 or the
 * error (the core waits for it to come online).
 */
int xen_cpu_wake(unsigned int cpu)
{
	long rc;

	if (!READ_ONCE(parked[cpu]))
		return xen_start_cpu(cpu);
	if (!xen_cpu_stopped(cpu))
		return -EBUSY;
	xen_smp_bind_ipis(cpu);
	rc = HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
	if (rc)
		xen_smp_unbind_ipis(cpu);
	return (int)rc;
}
