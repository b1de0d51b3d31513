// SPDX-License-Identifier: MIT
/*
 * CPU hot-plug.  pvk hot-plugs only virtual CPUs, whose hypervisor can
 * stop and restart them, so the log calls them vCPUs.
 *
 * Going offline is done by the CPU itself, in its idle loop, where no
 * thread of its own is running: remove_cpu() marks it dying and kicks
 * it; the idle loop sees the mark (cpu_hotplug_pending()) and calls
 * cpu_hotplug_die(), which
 *  - marks it offline and moves every thread it had, runnable or
 *    sleeping, to CPU 0 (sched_cpu_evacuate()).  Threads are bound to a
 *    CPU but none needs to stay on its own (pvk has no per-CPU kernel
 *    threads): they keep running on CPU 0, also after the CPU is back;
 *  - runs the cross-CPU calls queued for it and refuses new ones;
 *  - forgets its tickless-idle state, and
 *  - hands over to the platform (arch_cpu_die()), which releases the
 *    CPU's timer and interrupts, moves device interrupts to CPU 0 and
 *    stops it.  Timed sleeps are the only timers pvk has: they moved
 *    with the sleeping threads.
 * add_cpu() asks the platform to start the CPU again; arch_cpu_die()
 * then returns on it with its tick running, and it comes back online
 * with an empty run queue.  CPU 0 never goes offline: it is where
 * everything moves to.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/cpu.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

/* Emulated vCPUs answer slowly: seconds under TCG on a busy host. */
#define HOTPLUG_WAIT_NS	(10 * NSEC_PER_SEC)

enum hotplug_state { HP_ONLINE, HP_DYING, HP_DEAD };

static int hp_state[NR_CPUS];
static DEFINE_SPINLOCK(hotplug_lock);
static bool hotplug_busy;		/* one remove/add at a time, others wait */

bool cpu_hotplug_supported(void)
{
	return IS_ENABLED(CONFIG_SMP) && arch_cpu_hotplug();
}

bool cpu_hotplug_pending(unsigned int cpu)
{
	return __atomic_load_n(&hp_state[cpu], __ATOMIC_ACQUIRE) == HP_DYING;
}

void cpu_hotplug_die(void)
{
	unsigned int cpu = smp_processor_id();

	sched_cpu_evacuate(cpu);
	smp_cpu_offline(cpu);
	tick_nohz_offline();
	__atomic_store_n(&hp_state[cpu], HP_DEAD, __ATOMIC_RELEASE);
	arch_cpu_die();
	smp_cpu_online(cpu);
}

/*
 * Refuse what cannot be done to @cpu; @what: "offline" or "online".
 * CPU 0 is where everything of a CPU going offline moves to.
 */
static int hotplug_check(unsigned int cpu, const char *what)
{
	if (cpu >= nr_cpu_ids) {
		pr_warn("cpu: vCPU %u cannot go %s: there are %u, refused\n",
			cpu, what, nr_cpu_ids);
		return -EINVAL;
	}
	if (cpu == 0 && !strcmp(what, "offline")) {
		pr_warn("cpu: vCPU 0 cannot go offline: it is the boot CPU, refused\n");
		return -EINVAL;
	}
	if (!cpu_hotplug_supported()) {
		pr_warn("cpu: vCPU %u cannot go %s: the platform has no CPU hot-plug, refused\n",
			cpu, what);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Wait for the hot-plug running now, if any, to end (sleeps). */
static void hotplug_begin(void)
{
	for (;;) {
		unsigned long flags;
		bool got;

		spin_lock_irqsave(&hotplug_lock, flags);
		got = !hotplug_busy;
		hotplug_busy = true;
		spin_unlock_irqrestore(&hotplug_lock, flags);
		if (got)
			return;
		kthread_sleep_ns(NSEC_PER_MSEC);
	}
}

static void hotplug_end(void)
{
	__atomic_store_n(&hotplug_busy, false, __ATOMIC_RELEASE);
}

/* Sleep until @done(@cpu) or the deadline; returns done's last answer. */
static bool wait_for(bool (*done)(unsigned int cpu), unsigned int cpu)
{
	u64 deadline = ktime_get_ns() + HOTPLUG_WAIT_NS;

	while (!done(cpu)) {
		if (ktime_get_ns() > deadline)
			return done(cpu);
		kthread_sleep_ns(NSEC_PER_MSEC);
	}
	return true;
}

static bool cpu_is_dead(unsigned int cpu)
{
	return __atomic_load_n(&hp_state[cpu], __ATOMIC_ACQUIRE) == HP_DEAD &&
	       arch_cpu_stopped(cpu);
}

static bool cpu_is_online(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &cpu_online_mask);
}

/**
 * remove_cpu - take a CPU offline
 * @cpu: the CPU; never 0
 *
 * Its threads move to CPU 0 (see above).  Sleeps while the CPU goes
 * down, so call it from a thread.  A CPU busy in a thread that never
 * sleeps or yields goes down only once it does: the call times out
 * first and says so.  Returns 0 (also when @cpu was
 * offline already), -EINVAL for CPU 0 or a CPU that does not exist,
 * -EOPNOTSUPP without platform support, or -ETIMEDOUT.  Each refusal
 * is logged.  Hot-plugs run one at a time: this one waits for another.
 */
int remove_cpu(unsigned int cpu)
{
	int err = hotplug_check(cpu, "offline");

	if (err)
		return err;
	hotplug_begin();
	if (!cpu_is_online(cpu)) {
		hotplug_end();
		return 0;
	}
	__atomic_store_n(&hp_state[cpu], HP_DYING, __ATOMIC_RELEASE);
	smp_send_reschedule(cpu);
	if (!wait_for(cpu_is_dead, cpu)) {
		pr_err("cpu: vCPU %u did not go offline\n", cpu);
		err = -ETIMEDOUT;
	} else {
		pr_info("cpu: vCPU %u offline\n", cpu);
	}
	hotplug_end();
	return err;
}

/**
 * add_cpu - bring a CPU (back) online
 * @cpu: the CPU
 *
 * Sleeps until it runs its idle loop again, so call it from a thread.
 * Returns 0 (also when it was online), -EINVAL for a CPU that does not
 * exist, -EOPNOTSUPP without platform support, the platform's error,
 * or -ETIMEDOUT.  Waits for another hot-plug that is running.
 */
int add_cpu(unsigned int cpu)
{
	int err = hotplug_check(cpu, "online");

	if (err)
		return err;
	hotplug_begin();
	if (cpu_is_online(cpu)) {
		hotplug_end();
		return 0;
	}
	err = arch_cpu_wake(cpu);
	if (err) {
		pr_err("cpu: vCPU %u did not start: %d\n", cpu, err);
	} else if (!wait_for(cpu_is_online, cpu)) {
		pr_err("cpu: vCPU %u did not come online\n", cpu);
		err = -ETIMEDOUT;
	} else {
		__atomic_store_n(&hp_state[cpu], HP_ONLINE, __ATOMIC_RELEASE);
		pr_info("cpu: vCPU %u online\n", cpu);
	}
	hotplug_end();
	return err;
}
