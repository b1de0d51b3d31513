// SPDX-License-Identifier: MIT
/*
 * The steps of an HVM or PVH domU's suspend (the common part:
 * suspend.c).
 *
 * The CPU, memory and emulated devices are saved by Xen and the device
 * model as they are; what the guest set up by hypercall is not, and a
 * restored domain (SCHEDOP_shutdown returned 0) gets it again from the
 * guest: shared_info placed in its page, each vCPU's vcpu_info and
 * upcall vector, CALLBACK_IRQ, event channels, VIRQs and IPIs, the new
 * xenstore and console ports (from the HVM params), the grant frames
 * (suspend.c), and, for HVM, the unplug of the new device model's
 * emulated disks and NICs.  A cancelled suspend kept all of it.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/suspend.h>
#include <xen/xenbus.h>

static long xen_hvm_suspend(void)
{
	/* No start_info: the third argument means nothing to HVM guests. */
	return HYPERVISOR_suspend(0);
}

static void xen_hvm_post_suspend(bool cancelled)
{
	long rc;

	if (cancelled)
		return;
	rc = xen_hvm_place_shared_info();
	if (rc)
		pr_err("xen: shared_info not placed after the restore: %ld; "
		       "pvk is deaf\n", rc);
	xen_hvm_read_rings();
	xen_hvm_unplug_again();
}

/*
 * The boot vCPU's part of a resume in a restored domain; events off.
 * PV timers and PV IPIs come together (enlighten_hvm.c installs both
 * or neither), so both are rebound when the pvclock is in use.
 */
static void xen_hvm_rebuild(void)
{
	xen_restore_vcpu_info(0);
	xen_callback_resume();
	if (xen_evtchn_resume())
		pr_err("xen: no events after the restore; pvk is deaf\n");
	if (xen_hvm_pv_time()) {
		xen_timer_bind_all();
		xen_smp_rebind_ipis();
	}
	xen_console_resume();
	xenbus_resume_channels();
	if (xen_hvm_pv_time())
		xen_timer_resume();
}

static void xen_hvm_vcpu_resume(unsigned int cpu)
{
	xen_restore_vcpu_info(cpu);
	xen_callback_cpu_init(cpu, cpu);
	if (xen_hvm_pv_time())
		xen_timer_resume();
}

static const struct xen_suspend_ops xen_hvm_suspend_ops = {
	.suspend = xen_hvm_suspend,
	.post_suspend = xen_hvm_post_suspend,
	.rebuild = xen_hvm_rebuild,
	.vcpu_resume = xen_hvm_vcpu_resume,
};

/**
 * xen_hvm_suspend_init - offer save and migration (HVM and PVH domUs)
 *
 * Once xenbus is up (which needs events), before the control node
 * advertises feature-suspend.
 */
void xen_hvm_suspend_init(void)
{
	xen_suspend_register(&xen_hvm_suspend_ops);
}
