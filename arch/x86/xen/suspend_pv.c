// SPDX-License-Identifier: MIT
/*
 * The steps of a PV domU's suspend (the common part: suspend.c).
 *
 * Before the hypercall pvk unmaps what a save refuses (Xen's grant
 * frames, in suspend.c, and shared_info) and names the rings in
 * start_info by pfn; SCHEDOP_shutdown(SHUTDOWN_suspend) on vCPU 0 takes
 * start_info's frame in %rdx, which the save records.  In a restored
 * domain start_info names new frames and ports and shared_info is a new
 * frame.
 */
#include <pvk/kernel.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/suspend.h>
#include <xen/xenbus.h>

static long xen_pv_suspend(void)
{
	xen_pv_pre_suspend();
	return HYPERVISOR_suspend(virt_to_machine(xen_start_info) >> PAGE_SHIFT);
}

/* The boot vCPU's part of a resume in a restored domain; events off. */
static void xen_pv_rebuild(void)
{
	xen_restore_vcpu_info(0);
	if (xen_evtchn_resume())
		pr_err("xen: no events after the restore; pvk is deaf\n");
	xen_timer_bind_all();
	xen_smp_rebind_ipis();
	xen_console_resume();
	xenbus_resume_channels();
	xen_timer_resume();
}

static void xen_pv_vcpu_resume(unsigned int cpu)
{
	xen_restore_vcpu_info(cpu);
	xen_timer_resume();
}

static const struct xen_suspend_ops xen_pv_suspend_ops = {
	.suspend = xen_pv_suspend,
	.post_suspend = xen_pv_post_suspend,
	.rebuild = xen_pv_rebuild,
	.vcpu_resume = xen_pv_vcpu_resume,
};

/**
 * xen_pv_suspend_init - describe the P2M for a save (PV domU only)
 *
 * Suspend is offered only when the P2M can be described.
 */
void xen_pv_suspend_init(void)
{
	if (xen_p2m_publish()) {
		pr_warn("xen: this domain cannot be saved or migrated\n");
		return;
	}
	xen_suspend_register(&xen_pv_suspend_ops);
}
