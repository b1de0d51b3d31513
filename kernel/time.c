// SPDX-License-Identifier: MIT
/*
 * Core time keeping on top of pv_ops.time.sched_clock: the monotonic
 * clock, busy-wait delays, the per-CPU tick and tickless idle.
 *
 * The periodic tick runs only while a CPU has threads to run.  An idle
 * CPU stops it and has its timer raise one interrupt at the next
 * deadline (the nearest sleeper's wake-up), but at least every
 * NOHZ_MAX_IDLE_NS: the tick observer (the self-test watch) and anyone
 * reading cpu_ticks() still hear from every CPU now and then.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

#define NOHZ_MAX_IDLE_NS	NSEC_PER_SEC

/*
 * Per CPU, touched only by that CPU with interrupts off (the timer
 * interrupt included): is the tick stopped, and when is the one-shot
 * armed (0: not armed, or it has fired).
 */
struct nohz {
	bool stopped;
	u64 armed_ns;
};
static struct nohz nohz[NR_CPUS];

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
	nohz[smp_processor_id()].armed_ns = 0;
	if (observe)
		observe(ip);
	sched_tick();
}

/**
 * tick_nohz_idle_enter - this CPU has nothing to run until @deadline_ns
 * @deadline_ns: ktime_get_ns() time of the next thing due (U64_MAX: none)
 *
 * Called by the idle loop with interrupts off, right before it halts.
 * Stops the periodic tick and arms the timer for @deadline_ns (at most
 * NOHZ_MAX_IDLE_NS away); an armed timer that is due no later is kept,
 * so halting again costs nothing.
 */
void tick_nohz_idle_enter(u64 deadline_ns)
{
	struct nohz *nz = &nohz[smp_processor_id()];
	u64 latest = ktime_get_ns() + NOHZ_MAX_IDLE_NS;

	deadline_ns = MIN(deadline_ns, latest);
	if (nz->stopped && nz->armed_ns && nz->armed_ns <= deadline_ns)
		return;
	nz->stopped = true;
	nz->armed_ns = deadline_ns;
	arch_timer_idle(deadline_ns);
}

/**
 * tick_nohz_idle_exit - this CPU has threads to run: tick again
 *
 * Interrupts off.  Nothing to do if the tick runs.
 */
void tick_nohz_idle_exit(void)
{
	struct nohz *nz = &nohz[smp_processor_id()];

	if (!nz->stopped)
		return;
	nz->stopped = false;
	nz->armed_ns = 0;
	arch_timer_busy();
}

/**
 * tick_nohz_offline - this CPU goes offline: forget its idle state
 *
 * Interrupts off.  The platform stops its timer; when the CPU is back,
 * its tick runs and the idle loop arms its timer afresh.
 */
void tick_nohz_offline(void)
{
	struct nohz *nz = &nohz[smp_processor_id()];

	nz->stopped = false;
	nz->armed_ns = 0;
}

/**
 * tick_nohz_stopped - is this CPU's periodic tick stopped (idle)?
 *
 * For the platform's timer interrupt: a stopped tick is not re-armed.
 */
bool tick_nohz_stopped(void)
{
	return nohz[smp_processor_id()].stopped;
}
