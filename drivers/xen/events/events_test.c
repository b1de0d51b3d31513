// SPDX-License-Identifier: MIT
/*
 * Self-tests of the event-channel API (include/xen/events.h), run under
 * whichever ABI the boot chose (the runner has FIFO and evtchn=2l rows).
 *
 * Most cases use a loopback pair: a port allocated for DOMID_SELF and a
 * second port bound interdomain to it.  Notifying one end raises the
 * other, exactly as a backend and a frontend in two domains would.
 * Handlers count their calls and note the vCPU they ran on; the test
 * waits for the count with a timeout, and after a delivery waits a
 * little longer to catch a duplicate.
 */
/*
 * XEN_SYSCTL_* is the toolstack's interface (the VIRQ_DEBUG case presses
 * a debug key like "xl debug-keys" does); it must be visible before the
 * first Xen header.
 */
#define __XEN_TOOLS__ 1
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/sysctl.h>
#include "events_internal.h"
#include "events_storm.h"

#define DELIVERY_MS	2000	/* generous: vCPUs may be descheduled */
#define QUIET_MS	30	/* how long "nothing happens" is watched */
#define HANDLER_BUSY_MS	50	/* the unbind race: handler stays this long */

struct probe {
	unsigned int calls;
	int cpu;		/* vCPU of the last call */
	bool busy;		/* stay in the handler for a while */
	bool no_work;		/* tell the core the event found nothing */
	bool entered, left;
};

static void count_event(unsigned int port, void *data, struct pt_regs *regs)
{
	struct probe *p = data;

	WRITE_ONCE(p->cpu, (int)smp_processor_id());
	if (READ_ONCE(p->busy)) {
		u64 end = ktime_get_ns() + HANDLER_BUSY_MS * NSEC_PER_MSEC;

		__atomic_store_n(&p->entered, true, __ATOMIC_SEQ_CST);
		while (ktime_get_ns() < end)
			cpu_relax();
		__atomic_store_n(&p->left, true, __ATOMIC_SEQ_CST);
	}
	__atomic_fetch_add(&p->calls, 1, __ATOMIC_SEQ_CST);
	if (READ_ONCE(p->no_work))
		xen_evtchn_no_work(port);
}

static bool need_xen(struct kunit *test)
{
	if (!xen_events_everywhere()) {
		kunit_skip(test, "not a Xen guest with events on every vCPU (%s)",
			   arch_platform_name());
		return false;
	}
	return true;
}

/* Wait until @p has seen at least @n calls; false on timeout. */
static bool wait_calls(struct probe *p, unsigned int n)
{
	u64 end = ktime_get_ns() + DELIVERY_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(&p->calls, __ATOMIC_SEQ_CST) < n) {
		if (ktime_get_ns() > end)
			return false;
		msleep(1);
	}
	return true;
}

struct pair {
	int a, b;		/* a: allocated unbound; b: bound to a */
	struct probe pa, pb;	/* handler state of a and of b */
};

/*
 * A loopback pair delivering both ends to @cpu.  Xen leaves b pending
 * when it is bound, so b's handler runs once right away: wait for that
 * and start counting from zero.
 */
static bool make_pair(struct kunit *test, struct pair *pr, unsigned int cpu)
{
	memset(pr, 0, sizeof(*pr));
	pr->a = xen_alloc_unbound_port(DOMID_SELF, cpu, count_event, &pr->pa);
	if (pr->a < 0) {
		kunit_fail(test, __FILE__, __LINE__, "alloc_unbound: %d", pr->a);
		return false;
	}
	pr->b = xen_bind_interdomain(DOMID_SELF, pr->a, cpu, count_event, &pr->pb);
	if (pr->b < 0) {
		kunit_fail(test, __FILE__, __LINE__, "bind_interdomain: %d", pr->b);
		xen_unbind(pr->a);
		return false;
	}
	wait_calls(&pr->pb, 1);
	msleep(QUIET_MS);
	pr->pa.calls = pr->pb.calls = 0;
	return true;
}

static void drop_pair(struct pair *pr)
{
	if (pr->b >= 0)
		xen_unbind(pr->b);
	if (pr->a >= 0)
		xen_unbind(pr->a);
}

static void xen_events_notify_runs_handler_once(struct kunit *test)
{
	static struct pair pr;

	if (!need_xen(test) || !make_pair(test, &pr, smp_processor_id()))
		return;
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, 1));
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 1);
	KUNIT_EXPECT_EQ(test, pr.pa.calls, 0);
	/* And the other direction. */
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.b), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pa, 1));
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pa.calls, 1);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 1);
	KUNIT_EXPECT_EQ(test, xen_evtchn_port_cpu(pr.b), smp_processor_id());
	drop_pair(&pr);
}

static void xen_events_mask_defers_unmask_delivers(struct kunit *test)
{
	static struct pair pr;

	if (!need_xen(test) || !make_pair(test, &pr, smp_processor_id()))
		return;
	xen_mask(pr.b);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 0);
	KUNIT_EXPECT_TRUE(test, xen_evtchn_is_pending(pr.b));
	xen_unmask(pr.b);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, 1));
	msleep(QUIET_MS);
	/* Two notifications while masked coalesce into one event. */
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 1);
	KUNIT_EXPECT_FALSE(test, xen_evtchn_is_pending(pr.b));
	drop_pair(&pr);
}

static void xen_events_unbind_stops_delivery(struct kunit *test)
{
	static struct pair pr;

	if (!need_xen(test) || !make_pair(test, &pr, smp_processor_id()))
		return;
	KUNIT_EXPECT_EQ(test, xen_unbind(pr.b), 0);
	/* b is closed: notifying it fails; a lost its peer: a no-op. */
	KUNIT_EXPECT_NE(test, xen_evtchn_notify(pr.b), 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 0);
	KUNIT_EXPECT_EQ(test, pr.pa.calls, 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_port_cpu(pr.b), -1);
	KUNIT_EXPECT_EQ(test, xen_unbind(pr.b), -EINVAL);
	pr.b = -1;
	drop_pair(&pr);
}

static void xen_events_ipi_to_self(struct kunit *test)
{
	static struct probe p;
	int port;

	if (!need_xen(test))
		return;
	memset(&p, 0, sizeof(p));
	port = xen_bind_ipi(smp_processor_id(), count_event, &p);
	KUNIT_ASSERT_TRUE(test, port > 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(port), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&p, 1));
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, p.calls, 1);
	KUNIT_EXPECT_EQ(test, p.cpu, smp_processor_id());
	/* IPI ports cannot move. */
	if (num_online_cpus() > 1)
		KUNIT_EXPECT_EQ(test, xen_evtchn_bind_vcpu(port, smp_processor_id() ? 0 : 1),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, xen_unbind(port), 0);
}

/* Some online vCPU other than the caller's. */
static unsigned int other_cpu(void)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != self)
			return cpu;
	return self;
}

static void xen_events_bind_vcpu_moves_delivery(struct kunit *test)
{
	static struct pair pr;
	unsigned int self = smp_processor_id(), other = other_cpu();

	if (!need_xen(test))
		return;
	if (!kunit_need_cpus(test, 2))
		return;
	if (!make_pair(test, &pr, self))
		return;
	KUNIT_EXPECT_EQ(test, xen_evtchn_bind_vcpu(pr.b, other), 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_port_cpu(pr.b), other);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, 1));
	KUNIT_EXPECT_EQ(test, pr.pb.cpu, other);
	/* Masked while moving back: the event waits and follows the port. */
	xen_mask(pr.b);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	KUNIT_EXPECT_EQ(test, xen_evtchn_bind_vcpu(pr.b, self), 0);
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 1);
	xen_unmask(pr.b);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, 2));
	KUNIT_EXPECT_EQ(test, pr.pb.cpu, self);
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, 2);
	KUNIT_EXPECT_EQ(test, xen_evtchn_bind_vcpu(pr.b, NR_CPUS), -EINVAL);
	drop_pair(&pr);
}

/*
 * The handler of b runs on another vCPU and stays there for a while;
 * unbinding b from here must not return before it has left.
 */
static void xen_events_unbind_waits_for_handler(struct kunit *test)
{
	static struct pair pr;
	u64 end;

	if (!need_xen(test))
		return;
	if (!kunit_need_cpus(test, 2))
		return;
	if (!make_pair(test, &pr, other_cpu()))
		return;
	pr.pb.busy = true;
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	end = ktime_get_ns() + DELIVERY_MS * NSEC_PER_MSEC;
	while (!__atomic_load_n(&pr.pb.entered, __ATOMIC_SEQ_CST) && ktime_get_ns() < end)
		cpu_relax();
	KUNIT_ASSERT_TRUE(test, pr.pb.entered);
	KUNIT_EXPECT_EQ(test, xen_unbind(pr.b), 0);
	KUNIT_EXPECT_TRUE(test, __atomic_load_n(&pr.pb.left, __ATOMIC_SEQ_CST));
	pr.b = -1;
	drop_pair(&pr);
}

static void xen_events_any_cpu_spreads(struct kunit *test)
{
	enum { N = 8 };
	static struct probe p[N];
	int ports[N];
	unsigned int used = 0, cpus = 0;

	/* On one vCPU every port lands there: nothing to spread. */
	if (!need_xen(test) || !kunit_need_cpus(test, 2))
		return;
	memset(p, 0, sizeof(p));
	for (int i = 0; i < N; i++) {
		ports[i] = xen_alloc_unbound_port(DOMID_SELF, XEN_EVTCHN_ANY_CPU,
						  count_event, &p[i]);
		KUNIT_EXPECT_TRUE(test, ports[i] > 0);
		if (ports[i] > 0)
			used |= 1U << xen_evtchn_port_cpu(ports[i]);
	}
	for (unsigned int cpu = 0; cpu < 32; cpu++)
		cpus += (used >> cpu) & 1;
	/*
	 * Least-loaded first: N new ports cannot all pile onto one vCPU
	 * (whatever other drivers already spread is at most a few ports).
	 */
	KUNIT_EXPECT_TRUE(test, cpus >= 2);
	for (int i = 0; i < N; i++)
		if (ports[i] > 0)
			KUNIT_EXPECT_EQ(test, xen_unbind(ports[i]), 0);
}

/* Press Xen debug keys, as dom0's "xl debug-keys" does. */
static long xen_debug_keys(const char *keys)
{
	struct xen_sysctl op = {
		.cmd = XEN_SYSCTL_debug_keys,
		.interface_version = XEN_SYSCTL_INTERFACE_VERSION,
	};

	set_xen_guest_handle(op.u.debug_keys.keys, keys);
	op.u.debug_keys.nr_keys = strlen(keys);
	return _hypercall(__HYPERVISOR_sysctl, &op, 0, 0, 0, 0);
}

/*
 * "q" makes Xen send VIRQ_DEBUG to every vCPU that bound it (vCPU 0),
 * whose handler prints the event state (see the log).  Only dom0 may
 * press keys.
 */
static void xen_events_virq_debug_dumps(struct kunit *test)
{
	unsigned int before;
	u64 end;
	long rc;

	if (!need_xen(test))
		return;
	if (!xen_is_dom0()) {
		kunit_skip(test, "debug keys need dom0");
		return;
	}
	before = xen_evtchn_debug_virqs();
	rc = xen_debug_keys("q");
	KUNIT_ASSERT_TRUE(test, rc == 0);
	end = ktime_get_ns() + DELIVERY_MS * NSEC_PER_MSEC;
	while (xen_evtchn_debug_virqs() == before && ktime_get_ns() < end)
		msleep(1);
	KUNIT_EXPECT_EQ(test, xen_evtchn_debug_virqs(), before + 1);
}

/*
 * A peer notifying in a tight loop for nothing: once the handler has
 * reported more than the threshold of events without work, the port is
 * masked (further events wait, the other end still works), then
 * unmasked after the delay, when the event raised meanwhile runs once.
 */
static void xen_events_storm_masked_then_released(struct kunit *test)
{
	static struct pair pr;
	unsigned int sent, calls, storms, storms_held = 0;
	bool held = false;

	if (!need_xen(test) || !make_pair(test, &pr, smp_processor_id()))
		return;
	WRITE_ONCE(pr.pb.no_work, true);
	for (sent = 0; sent < 20 * EVTCHN_STORM_THRESHOLD && !held; sent++) {
		xen_evtchn_notify(pr.a);
		storms_held = xen_evtchn_storm_stats(pr.b, &held);
	}
	calls = __atomic_load_n(&pr.pb.calls, __ATOMIC_SEQ_CST);
	KUNIT_EXPECT_TRUE(test, held);
	/* Held back: more notifications run nothing, they wait. */
	for (unsigned int i = 0; i < 10; i++)
		xen_evtchn_notify(pr.a);
	kunit_info(test, "masked after %u notifications, %u handler runs", sent, calls);
	xen_evtchn_storm_stats(pr.b, &held);
	if (!held) {
		/* This vCPU stalled past the delay (a busy host): too late. */
		kunit_info(test, "the delay ran out during the check");
		KUNIT_EXPECT_TRUE(test, xen_evtchn_storm_stats(pr.b, &held) >= 1);
		drop_pair(&pr);
		return;
	}
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&pr.pb.calls, __ATOMIC_SEQ_CST), calls);
	KUNIT_EXPECT_TRUE(test, xen_evtchn_is_pending(pr.b));
	/* The other end is not affected. */
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.b), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pa, 1));
	/* After the delay the waiting event runs, once. */
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, calls + 1));
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, pr.pb.calls, calls + 1);
	/*
	 * The released event made no new storm.  A vCPU that stalled past
	 * the delay inside the loop above (nested HVM under TCG) may have
	 * seen earlier storms come and go before it looked: count from the
	 * one it saw.
	 */
	storms = xen_evtchn_storm_stats(pr.b, &held);
	KUNIT_EXPECT_FALSE(test, held);
	KUNIT_EXPECT_TRUE(test, storms_held >= 1);
	KUNIT_EXPECT_EQ(test, storms, storms_held);
	/* Unmasked for good: a later event with work is delivered at once. */
	WRITE_ONCE(pr.pb.no_work, false);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(pr.a), 0);
	KUNIT_EXPECT_TRUE(test, wait_calls(&pr.pb, calls + 2));
	drop_pair(&pr);
}

SELFTEST_SUITE(xen_events,
	KUNIT_CASE(xen_events_notify_runs_handler_once),
	KUNIT_CASE(xen_events_mask_defers_unmask_delivers),
	KUNIT_CASE(xen_events_unbind_stops_delivery),
	KUNIT_CASE(xen_events_ipi_to_self),
	KUNIT_CASE(xen_events_bind_vcpu_moves_delivery),
	KUNIT_CASE(xen_events_unbind_waits_for_handler),
	KUNIT_CASE(xen_events_any_cpu_spreads),
	KUNIT_CASE(xen_events_storm_masked_then_released),
	KUNIT_CASE(xen_events_virq_debug_dumps));
