// SPDX-License-Identifier: MIT
/*
 * Core time keeping on top of pv_ops.time.sched_clock: the monotonic
 * clock, busy-wait delays and the per-CPU tick.
 */
#include <pvk/kernel.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

u64 ktime_get_ns(void)
{
	return paravirt_sched_clock();
}

/**
 * ndelay - busy-wait at least @ns nanoseconds
 * @ns: nanoseconds
 *
 * Needs a running clock (the platform calibrates one in setup_arch()).
 */
void ndelay(u64 ns)
{
	u64 end = ktime_get_ns() + ns;

	while (ktime_get_ns() < end)
		cpu_relax();
}

void udelay(u64 us)
{
	ndelay(us * 1000);
}

void mdelay(u64 ms)
{
	ndelay(ms * NSEC_PER_MSEC);
}

u64 cpu_ticks(unsigned int cpu)
{
	return READ_ONCE(per_cpu(cpu)->ticks);
}

static tick_observer_t tick_observer;

/**
 * timer_tick_observe - have every CPU's tick report where it landed
 * @fn: called from the timer interrupt with the interrupted instruction,
 *	or NULL to stop
 *
 * One observer at a time (the self-test watch, kernel/selftest_watch.c,
 * while a case runs).  @fn must stay callable after it is replaced: a
 * tick on another CPU may still be inside it.
 */
void timer_tick_observe(tick_observer_t fn)
{
	__atomic_store_n(&tick_observer, fn, __ATOMIC_RELEASE);
}

/**
 * timer_tick - account one tick on this CPU
 * @ip: the instruction the timer interrupt interrupted
 *
 * Called from the platform's timer interrupt; tells the observer, if
 * any, where this CPU is, and wakes sleeping threads whose time has come.
 */
void timer_tick(unsigned long ip)
{
	tick_observer_t observe = __atomic_load_n(&tick_observer, __ATOMIC_ACQUIRE);

	this_cpu()->ticks++;
	if (observe)
		observe(ip);
	sched_tick();
}
