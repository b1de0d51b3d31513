// SPDX-License-Identifier: MIT
/*
 * Self-tests of Xen PV time: every vCPU's runstate area is registered and
 * moving, and the steal clock built on it never goes backwards.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/xen/hypervisor.h>

static bool xen_pv_only(struct kunit *test)
{
	if (!xen_events_everywhere()) {
		kunit_skip(test, "not a Xen guest with events on every vCPU (%s)",
			   arch_platform_name());
		return false;
	}
	return true;
}

static void xen_time_runstate_registered(struct kunit *test)
{
	unsigned int cpu;

	if (!xen_pv_only(test))
		return;
	/* Idle vCPUs block; this one too while it sleeps: Xen writes the areas. */
	msleep(50);
	for_each_cpu(cpu, &cpu_online_mask)
		if (!xen_runstate_total_ns(cpu))
			kunit_fail(test, __FILE__, __LINE__,
				   "Xen never wrote the runstate area of vCPU %u", cpu);
}

static void xen_time_steal_clock_monotonic(struct kunit *test)
{
	unsigned int cpu = smp_processor_id();
	u64 before, after, total_before;

	if (!xen_pv_only(test))
		return;
	before = paravirt_steal_clock(cpu);
	total_before = xen_runstate_total_ns(cpu);
	mdelay(20);
	after = paravirt_steal_clock(cpu);
	KUNIT_EXPECT_TRUE(test, after >= before);
	/* Xen updates the area when the vCPU is descheduled or blocks. */
	msleep(20);
	KUNIT_EXPECT_TRUE(test, xen_runstate_total_ns(cpu) >= total_before);
	kunit_info(test, "steal %llu ns on vCPU %u so far", (unsigned long long)after, cpu);
}

SELFTEST_SUITE(xen_time,
	KUNIT_CASE(xen_time_runstate_registered),
	KUNIT_CASE(xen_time_steal_clock_monotonic));
