// SPDX-License-Identifier: MIT
/*
 * Core time keeping on top of pv_ops.time.sched_clock: the monotonic
 * clock, busy-wait delays and the per-CPU tick.
 */
#include <pvk/kernel.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
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

/**
 * timer_tick - account one tick on this CPU
 * @ip: the instruction the timer interrupt interrupted
 *
 * Called from the platform's timer interrupt; wakes sleeping threads
 * whose time has come, and tells the self-test watch where this CPU is.
 */
void timer_tick(unsigned long ip)
{
	this_cpu()->ticks++;
	if (IS_ENABLED(CONFIG_SELFTEST))
		selftest_watch_tick(ip);
	sched_tick();
}
