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
 *
 * Each timer write may cost a hypercall or a VM exit, and stopping the
 * tick takes one and restarting it another.  So, as Linux's idle
 * governor does, a CPU whose last idle period was shorter than a tick
 * (a thread waiting out a xenstore or disk round trip) predicts another
 * as short and, if the tick is not due before that, leaves it armed:
 * when the wake-up comes first, neither write happens; when the tick
 * comes first, the idle loop stops the tick then.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

#define NOHZ_MAX_IDLE_NS	NSEC_PER_SEC

#define TICK_PERIOD_NS		(NSEC_PER_SEC / HZ)

/*
 * Per CPU, touched only by that CPU with interrupts off (the timer
 * interrupt included): is the tick stopped, when is the one-shot armed
 * (0: not armed, or it has fired), is what is armed still the periodic
 * tick (kept through a short idle period), when the idle period began
 * and how long the last one lasted.
 */
struct nohz {
	bool stopped;
	bool tick_kept;
	u64 armed_ns;
	u64 idle_since_ns;
	u64 last_idle_ns;
	u64 timer_writes;
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

/*
 * Keep the running tick through this idle period if it is due before
 * @deadline_ns anyway and the period, predicted to last as long as the
 * last one, ends before the tick: a tick that fires first costs an
 * interrupt on top of the timer writes it was meant to save.
 */
static bool keep_tick(struct nohz *nz, u64 now, u64 deadline_ns)
{
	u64 left;

	if (nz->last_idle_ns >= TICK_PERIOD_NS)
		return false;
	left = arch_timer_tick_left();
	if (left == U64_MAX || left <= nz->last_idle_ns || now + left > deadline_ns)
		return false;
	nz->armed_ns = now + left;
	return true;
}

/**
 * tick_nohz_idle_enter - this CPU has nothing to run until @deadline_ns
 * @deadline_ns: ktime_get_ns() time of the next thing due (U64_MAX: none)
 *
 * Called by the idle loop with interrupts off, right before it halts.
 * Stops the periodic tick and arms the timer for @deadline_ns (at most
 * NOHZ_MAX_IDLE_NS away); an armed timer that is due no later is kept,
 * so halting again costs nothing.  After a short idle period the tick
 * itself is kept instead (see the top of this file).
 */
void tick_nohz_idle_enter(u64 deadline_ns)
{
	struct nohz *nz = &nohz[smp_processor_id()];
	u64 now = ktime_get_ns();

	deadline_ns = MIN(deadline_ns, now + NOHZ_MAX_IDLE_NS);
	if (!nz->stopped) {
		nz->stopped = true;
		nz->idle_since_ns = now;
		nz->tick_kept = keep_tick(nz, now, deadline_ns);
		if (nz->tick_kept)
			return;
	}
	if (nz->armed_ns && nz->armed_ns <= deadline_ns)
		return;
	nz->tick_kept = false;
	nz->armed_ns = deadline_ns;
	nz->timer_writes++;
	arch_timer_idle(deadline_ns);
}

/**
 * tick_nohz_idle_exit - this CPU has threads to run: tick again
 *
 * Interrupts off.  Nothing to do if the tick runs, or was kept and has
 * not fired yet.
 */
void tick_nohz_idle_exit(void)
{
	struct nohz *nz = &nohz[smp_processor_id()];
	bool ticking;

	if (!nz->stopped)
		return;
	ticking = nz->tick_kept && nz->armed_ns;
	nz->stopped = false;
	nz->tick_kept = false;
	nz->armed_ns = 0;
	nz->last_idle_ns = ktime_get_ns() - nz->idle_since_ns;
	if (ticking)
		return;
	nz->timer_writes++;
	arch_timer_busy();
}

/**
 * tick_nohz_timer_writes - how often this CPU's idle loop set its timer
 * @cpu: the CPU
 *
 * Counts the stops and restarts of the tick (arch_timer_idle() and
 * arch_timer_busy() calls), for self-tests of what idling costs.
 */
u64 tick_nohz_timer_writes(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(nohz[cpu].timer_writes) : 0;
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
	nz->tick_kept = false;
	nz->armed_ns = 0;
}

/**
 * tick_nohz_idle_lost - the armed timer's interrupt may never come
 *
 * Interrupts off.  The idle loop found interrupts lost on their way
 * (arch_idle_lost_interrupts()): the next tick_nohz_idle_enter() arms
 * the timer again instead of trusting what it armed.
 */
void tick_nohz_idle_lost(void)
{
	struct nohz *nz = &nohz[smp_processor_id()];

	nz->armed_ns = 0;
	nz->tick_kept = false;
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
