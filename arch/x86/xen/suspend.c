// SPDX-License-Identifier: MIT
/*
 * Suspend and resume of a Xen domU: what `xl save`, `xl restore` and
 * `xl migrate` need from the guest, the part every kind of guest shares.
 *
 * The toolstack writes "suspend" to control/shutdown (drivers/xen/
 * manage.c acknowledges it and calls xen_suspend()).  pvk then holds
 * xenstore requests back, parks every other vCPU in a thread of its own
 * with events off, and has the platform (suspend_pv.c, suspend_hvm.c)
 * prepare its memory and call SCHEDOP_shutdown(SHUTDOWN_suspend) on
 * vCPU 0.  The toolstack saves the memory and the vCPUs' registers.
 *
 * The hypercall returns 1 when the suspend was cancelled: the same
 * domain runs on and only what the platform gave up comes back.  It
 * returns 0 in a restored domain (possibly on another host): Xen knows
 * none of the guest's vcpu_info areas, event channels, grant frames or
 * timers.  The boot vCPU has the platform rebuild the domain (shared
 * state, its own vcpu_info and timer, events, VIRQs and IPIs of every
 * vCPU, console and xenstore ports), maps the grant table again, then
 * each parked vCPU restores what Xen lets a vCPU do only for itself
 * (its vcpu_info, its timer).
 * With events on again, xenstore gets its watches back and every
 * frontend reconnects to the new backend, issuing again what the old
 * one did not answer.
 */
#include <pvk/kernel.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/suspend.h>
#include <xen/grant_table.h>
#include <xen/manage.h>
#include <xen/xenbus.h>

#define PARK_WAIT_MS	5000

static const struct xen_suspend_ops *suspend_ops;

/* The parked vCPUs' side of one suspend. */
static unsigned int nr_parked, nr_unparked;
static bool park_release, park_restored;

/**
 * xen_suspend_register - offer suspend with this platform's steps
 * @ops: the platform's steps, or NULL when this domain cannot suspend
 *
 * Once, from the platform's boot code, before xenbus starts (which is
 * when control/feature-suspend is advertised).
 */
void xen_suspend_register(const struct xen_suspend_ops *ops)
{
	suspend_ops = ops;
}

bool xen_suspend_possible(void)
{
	return suspend_ops;
}

/*
 * A parked vCPU: events off, in a thread (so never inside a handler or
 * holding a lock), until the boot vCPU has rebuilt the domain.
 */
static int park_cpu(void *unused)
{
	unsigned long flags = arch_local_irq_save();

	__atomic_fetch_add(&nr_parked, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&park_release, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (READ_ONCE(park_restored))
		suspend_ops->vcpu_resume(smp_processor_id());
	__atomic_fetch_add(&nr_unparked, 1, __ATOMIC_RELEASE);
	arch_local_irq_restore(flags);
	return 0;
}

static bool wait_count(unsigned int *count, unsigned int want)
{
	u64 deadline = ktime_get_ns() + PARK_WAIT_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(count, __ATOMIC_ACQUIRE) != want) {
		if (ktime_get_ns() > deadline)
			return false;
		kthread_yield();
		cpu_relax();
	}
	return true;
}

/* Park every other online vCPU; returns how many threads were started. */
static unsigned int park_others(struct thread **threads)
{
	unsigned int cpu, n = 0;

	__atomic_store_n(&nr_parked, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&nr_unparked, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&park_release, false, __ATOMIC_SEQ_CST);
	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == smp_processor_id())
			continue;
		threads[cpu] = kthread_run(park_cpu, NULL, "suspend-park", cpu);
		if (threads[cpu])
			n++;
	}
	return n;
}

static void unpark_others(struct thread **threads, unsigned int n,
			  bool restored)
{
	WRITE_ONCE(park_restored, restored);
	__atomic_store_n(&park_release, true, __ATOMIC_RELEASE);
	if (!wait_count(&nr_unparked, n))
		pr_err("xen: a parked vCPU did not come back after the suspend\n");
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (threads[cpu])
			kthread_join(threads[cpu]);
		threads[cpu] = NULL;
	}
}

/*
 * The suspend itself, events off and the other vCPUs parked: returns
 * whether it was cancelled.
 */
static bool suspend_and_resume(void)
{
	bool cancelled;
	long rc;

	gnttab_suspend();
	rc = suspend_ops->suspend();
	if (rc < 0)
		pr_err("xen: SCHEDOP_shutdown(suspend) failed: %ld\n", rc);
	cancelled = rc != 0;
	suspend_ops->post_suspend(cancelled);
	if (!cancelled)
		suspend_ops->rebuild();
	if (gnttab_resume(!cancelled))
		pr_err("xen: no grant table after the suspend\n");
	return cancelled;
}

/**
 * xen_suspend - suspend the domain for the toolstack, and resume
 *
 * From a kernel thread on the boot vCPU (manage.c's watch callback runs
 * in xenwatch, which runs there).  Logs `pvk: suspending` and, when the
 * domain runs again, `pvk: resumed (cancelled=N) in X us`: the time from
 * the request to running again, the time the domain spent saved
 * included.  Returns 0, or -EOPNOTSUPP/-EBUSY/-EINVAL (logged) when it
 * did not suspend.
 */
int xen_suspend(void)
{
	static struct thread *threads[NR_CPUS];
	unsigned int others = num_online_cpus() - 1, started;
	unsigned long flags;
	bool cancelled;
	u64 t0;

	if (!suspend_ops)
		return -EOPNOTSUPP;
	if (smp_processor_id() != 0) {
		pr_err("xen: suspend asked on vCPU %u, not the boot vCPU\n",
		       smp_processor_id());
		return -EINVAL;
	}
	pr_raw("pvk: suspending\n");
	t0 = ktime_get_ns();
	xenbus_suspend();
	started = park_others(threads);
	if (started != others || !wait_count(&nr_parked, started)) {
		pr_err("xen: could not park the other vCPUs; suspend refused\n");
		unpark_others(threads, started, false);
		xenbus_resume_cancelled();
		return -EBUSY;
	}
	flags = arch_local_irq_save();
	cancelled = suspend_and_resume();
	arch_local_irq_restore(flags);
	unpark_others(threads, started, !cancelled);
	if (cancelled)
		xenbus_resume_cancelled();
	else
		xenbus_resume();
	pr_raw("pvk: resumed (cancelled=%d) in %llu us\n", cancelled,
	       (unsigned long long)((ktime_get_ns() - t0) / 1000));
	return 0;
}
