// SPDX-License-Identifier: MIT
/*
 * Where is every CPU while a self-test case does not come back?
 *
 * A case that hangs leaves the host runner with nothing but a timeout
 * and the last "ok" line. So, while a case runs, this file observes the
 * timer tick (timer_tick_observe()): each CPU's tick notes where it
 * interrupted that CPU, and the first tick after a case has run for
 * STUCK_REPORT_NS (and each STUCK_REPORT_NS after that) prints, as KTAP
 * diagnostics, the case and where each CPU was at its last tick: a CPU
 * spinning on a lock, one whose ticks stopped, all of them idle waiting
 * for a lost event. It never fails a case: a slow host is not a bug,
 * and the runner's timeout decides.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/ksyms.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/processor.h>

#define STUCK_REPORT_NS		(30 * NSEC_PER_SEC)

static const char *watched_case;	/* NULL: no case running */
static u64 watched_since_ns;
static u64 next_report_ns;
static unsigned long reports;

static unsigned long tick_ip[NR_CPUS];
static u64 tick_ns[NR_CPUS];

/**
 * selftest_watch_reports - how many stuck-case reports were printed
 */
unsigned long selftest_watch_reports(void)
{
	return READ_ONCE(reports);
}

/**
 * selftest_watch_report_now - make the next tick on any CPU report
 *
 * For the self-test of this file: there is no other way to see a
 * report without waiting STUCK_REPORT_NS.
 */
void selftest_watch_report_now(void)
{
	WRITE_ONCE(next_report_ns, 0);
}

/**
 * selftest_watch_ip - where @cpu's last tick interrupted it (0: none yet)
 * @cpu: a CPU number below NR_CPUS
 */
unsigned long selftest_watch_ip(unsigned int cpu)
{
	return READ_ONCE(tick_ip[cpu]);
}

/*
 * @then may be later than @now: another CPU stored it after this tick
 * read @now (a vCPU can stall anywhere under emulation), or its clock
 * runs a little ahead. Never go negative.
 */
static u64 ns_since(u64 then, u64 now)
{
	return now > then ? now - then : 0;
}

static void report_cpu(unsigned int cpu, u64 now)
{
	unsigned long ip = READ_ONCE(tick_ip[cpu]), off = 0;
	u64 at = READ_ONCE(tick_ns[cpu]);
	u64 ago = ns_since(at, now);
	const char *sym = ip ? ksym_lookup(ip, &off) : NULL;
	char delivery[128];

	if (!ip) {
		pr_raw("#   CPU%u: no tick yet\n", cpu);
		return;
	}
	arch_cpu_report(cpu, delivery, sizeof(delivery));
	pr_raw("#   CPU%u: last tick %llu ms ago at %s+%#lx (%#lx)%s%s\n", cpu,
	       (unsigned long long)(ago / NSEC_PER_MSEC),
	       sym ? sym : "?", off, ip, delivery[0] ? "; " : "", delivery);
}

static void report(const char *name, u64 now)
{
	unsigned int cpu;

	/*
	 * Counted before it is printed: on a slow console (an emulated
	 * UART under Xen HVM) the lines can take seconds to go out.
	 */
	__atomic_fetch_add(&reports, 1, __ATOMIC_RELAXED);
	pr_raw("# selftest: %s still running after %llu s\n", name,
	       (unsigned long long)(ns_since(READ_ONCE(watched_since_ns), now) /
				    NSEC_PER_SEC));
	for_each_cpu(cpu, &cpu_online_mask)
		report_cpu(cpu, now);
}

/*
 * A timer tick on this CPU, from interrupt context (the tick observer
 * while a case runs): records @ip, and prints a report when the case is
 * overdue.  Only one CPU wins each report: the others see next_report_ns
 * moved on.  A tick that comes in just after the case returned finds no
 * name and does nothing.
 */
static void watch_tick(unsigned long ip)
{
	const char *name = __atomic_load_n(&watched_case, __ATOMIC_ACQUIRE);
	unsigned int cpu = smp_processor_id();
	u64 now, due;

	if (!name)
		return;
	now = ktime_get_ns();
	WRITE_ONCE(tick_ip[cpu], ip);
	WRITE_ONCE(tick_ns[cpu], now);
	due = READ_ONCE(next_report_ns);
	if (now < due)
		return;
	if (__atomic_compare_exchange_n(&next_report_ns, &due,
					now + STUCK_REPORT_NS, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		report(name, now);
}

/**
 * selftest_watch_start - a case named @name starts now
 * @name: "suite.case"; must stay valid until selftest_watch_stop()
 */
void selftest_watch_start(const char *name)
{
	u64 now = ktime_get_ns();

	WRITE_ONCE(watched_since_ns, now);
	WRITE_ONCE(next_report_ns, now + STUCK_REPORT_NS);
	__atomic_store_n(&watched_case, name, __ATOMIC_RELEASE);
	timer_tick_observe(watch_tick);
}

/**
 * selftest_watch_stop - the running case returned
 *
 * Between cases, and with selftest=none, the tick costs one load.
 */
void selftest_watch_stop(void)
{
	timer_tick_observe(NULL);
	__atomic_store_n(&watched_case, NULL, __ATOMIC_RELEASE);
}
