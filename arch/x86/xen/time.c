// SPDX-License-Identifier: MIT
/*
 * Time under Xen PV: the pvclock in each vCPU's vcpu_info is the clock
 * (Xen system time, extrapolated from the TSC), and a per-vCPU one-shot
 * timer delivered as VIRQ_TIMER drives the tick while the vCPU has
 * threads to run; an idle vCPU arms it for its next deadline only.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>

#define TICK_NS		(NSEC_PER_SEC / HZ)
#define MAX_CATCH_UP	10	/* ticks accounted at most per timer event */

static u64 xen_clock_base;	/* Xen system time at pvk's boot */

/*
 * ((delta << shift) * mul) >> 32 without overflowing: shift may be
 * negative, and the product needs 96 bits.
 */
static u64 scale_delta(u64 delta, u32 mul, s8 shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (u64)(((unsigned __int128)delta * mul) >> 32);
}

/*
 * The latest time read on any vCPU.  Unless the TSC is stable
 * (XEN_PVCLOCK_TSC_STABLE_BIT), Xen keeps each physical CPU's time on
 * its own, so a vCPU that Xen moved or recalibrated can compute a time
 * below one already read (seen: up to 2.8 ms, an HVM domU under TCG);
 * readers get this one instead, so time never steps back.
 */
static u64 xen_clock_last;

static u64 xen_clock_monotonic(u64 ns)
{
	u64 last = __atomic_load_n(&xen_clock_last, __ATOMIC_RELAXED);

	do {
		if (ns <= last)
			return last;
	} while (!__atomic_compare_exchange_n(&xen_clock_last, &last, ns, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return ns;
}

/**
 * xen_clocksource_read - Xen system time in ns, as seen by this vCPU
 *
 * Reads the vcpu_time_info fields between two reads of the version and
 * retries while Xen is updating them (odd version) or did meanwhile.
 * Without a stable TSC, never less than a time already returned on any
 * vCPU.
 */
u64 xen_clocksource_read(void)
{
	const struct vcpu_time_info *t = &xen_vcpu_info()->time;
	u32 version;
	u8 flags;
	u64 ns;

	do {
		version = READ_ONCE(t->version);
		barrier();
		asm volatile("lfence" ::: "memory");
		ns = READ_ONCE(t->system_time) +
		     scale_delta(rdtsc() - READ_ONCE(t->tsc_timestamp),
				 READ_ONCE(t->tsc_to_system_mul),
				 READ_ONCE(t->tsc_shift));
		flags = READ_ONCE(t->flags);
		barrier();
	} while ((version & 1) || version != READ_ONCE(t->version));
	if (flags & XEN_PVCLOCK_TSC_STABLE_BIT)
		return ns;
	return xen_clock_monotonic(ns);
}

/* pv_ops.time.sched_clock: nanoseconds since pvk started. */
u64 xen_sched_clock(void)
{
	u64 now = xen_clocksource_read();

	return now > xen_clock_base ? now - xen_clock_base : 0;
}

/* Each vCPU's runstate, kept up to date by Xen (registered per vCPU). */
static struct vcpu_runstate_info runstate[NR_CPUS];
static bool runstate_registered[NR_CPUS];

static void register_runstate(unsigned int cpu)
{
	struct vcpu_register_runstate_memory_area area = { .addr.v = &runstate[cpu] };
	long rc = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, cpu, &area);

	if (rc)
		pr_warn("xen: no runstate area for vCPU %u (%ld); steal time reads 0\n",
			cpu, rc);
	else
		runstate_registered[cpu] = true;
}

/*
 * Xen may update the area while we copy it; its entry time changes on
 * every update, so a copy taken between two equal reads is consistent.
 */
static void read_runstate(unsigned int cpu, struct vcpu_runstate_info *out)
{
	const volatile struct vcpu_runstate_info *rs = &runstate[cpu];
	u64 entry;

	do {
		entry = rs->state_entry_time;
		barrier();
		for (int i = 0; i < 4; i++)
			out->time[i] = rs->time[i];
		barrier();
	} while (rs->state_entry_time != entry || (entry & XEN_RUNSTATE_UPDATE));
}

/**
 * xen_runstate_total_ns - all time Xen has accounted in a vCPU's area
 * @cpu: the vCPU
 *
 * 0 when the area is not registered or Xen has not written it yet (it
 * does so whenever the vCPU changes state, e.g. blocks).
 */
u64 xen_runstate_total_ns(unsigned int cpu)
{
	struct vcpu_runstate_info rs;

	if (cpu >= NR_CPUS || !runstate_registered[cpu])
		return 0;
	read_runstate(cpu, &rs);
	return rs.time[RUNSTATE_running] + rs.time[RUNSTATE_runnable] +
	       rs.time[RUNSTATE_blocked] + rs.time[RUNSTATE_offline];
}

/**
 * xen_steal_clock - pv_ops.time.steal_clock: time a vCPU wanted to run
 * @cpu: the vCPU
 *
 * Nanoseconds the vCPU spent runnable but not running, or offline, as
 * Xen accounts them in its runstate area; 0 if that area is missing.
 */
u64 xen_steal_clock(unsigned int cpu)
{
	struct vcpu_runstate_info rs;

	if (cpu >= NR_CPUS || !runstate_registered[cpu])
		return 0;
	read_runstate(cpu, &rs);
	return rs.time[RUNSTATE_runnable] + rs.time[RUNSTATE_offline];
}

static void program_timer(unsigned int cpu, u64 deadline)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
	long rc;

	xen_this_cpu()->timer_sets++;
	rc = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, cpu, &t);

	if (rc)
		pr_err("xen: arming the timer of vCPU %u failed: %ld\n", cpu, rc);
}

/* The tail of every stub Xen writes into a 64-bit PV hypercall page. */
static const u8 hypercall_stub_tail[] = {
	0x41, 0x5b,	/* pop %r11 */
	0x59,		/* pop %rcx */
	0xc3,		/* ret */
};

/*
 * Where a tick interrupted this vCPU, for the self-test watch.  Events
 * that arrive while this vCPU has them masked are delivered right after
 * a hypercall (the one that forces the upcall, or SCHEDOP_block/poll),
 * so the interrupted address is in the hypercall page and says nothing
 * about who was waiting.  If the code there is the stub's tail, the
 * stub's caller's return address lies above the two saved registers.
 */
static unsigned long tick_ip(const struct pt_regs *regs)
{
	unsigned long ip = regs->rip, page = (unsigned long)hypercall_page;

	if (ip < page || ip + sizeof(hypercall_stub_tail) > page + PAGE_SIZE ||
	    memcmp((const void *)ip, hypercall_stub_tail,
		   sizeof(hypercall_stub_tail)))
		return ip;
	return ((const unsigned long *)regs->rsp)[2];
}

/*
 * One tick per period that has passed, a few at most: under emulation a
 * vCPU can be descheduled for long, and replaying every missed tick
 * would only stall it further.
 */
static void xen_timer_interrupt(unsigned int port, void *data,
				struct pt_regs *regs)
{
	struct xen_percpu *p = xen_this_cpu();
	u64 now = xen_clocksource_read();
	unsigned long ip = regs ? tick_ip(regs) : 0;
	unsigned int n = 0;

	/* An idle deadline: the idle loop arms the next one, if any. */
	if (tick_nohz_stopped()) {
		timer_tick(ip);
		return;
	}
	while (p->next_tick_ns <= now && n < MAX_CATCH_UP) {
		timer_tick(ip);
		p->next_tick_ns += TICK_NS;
		n++;
	}
	if (p->next_tick_ns <= now)
		p->next_tick_ns = now + TICK_NS;
	program_timer(smp_processor_id(), p->next_tick_ns);
}

/**
 * xen_timer_start - platform.timer_start: start this vCPU's tick
 *
 * Xen's default periodic timer is stopped (it would also raise
 * VIRQ_TIMER) and the one-shot timer is armed for the next tick.
 */
void xen_timer_start(void)
{
	unsigned int cpu = smp_processor_id();
	struct xen_percpu *p = xen_this_cpu();
	long rc;

	register_runstate(cpu);
	rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
	if (rc)
		pr_warn("xen: stopping the periodic timer of vCPU %u: %ld\n", cpu, rc);
	p->timer_port = xen_bind_virq(VIRQ_TIMER, cpu, xen_timer_interrupt, NULL);
	if (p->timer_port < 0) {
		pr_err("xen: vCPU %u has no timer; no tick there\n", cpu);
		return;
	}
	p->next_tick_ns = xen_clocksource_read() + TICK_NS;
	program_timer(cpu, p->next_tick_ns);
}

/**
 * xen_timer_stop - this vCPU goes offline: no more VIRQ_TIMER
 *
 * Interrupts off.  Cancels the one-shot timer and closes the VIRQ's
 * port; xen_timer_start() binds a new one when the vCPU is back.
 */
void xen_timer_stop(void)
{
	unsigned int cpu = smp_processor_id();
	struct xen_percpu *p = xen_this_cpu();
	long rc;

	rc = HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, cpu, NULL);
	if (rc)
		pr_warn("xen: stopping the timer of vCPU %u: %ld\n", cpu, rc);
	if (p->timer_port > 0)
		xen_unbind(p->timer_port);
	p->timer_port = -1;
}

/**
 * xen_timer_bind_all - VIRQ_TIMER of every online vCPU again
 *
 * After a restore, from the boot vCPU with the others parked (a vCPU
 * arms only its own timer: xen_timer_resume()).
 */
void xen_timer_bind_all(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask) {
		xen_percpu[cpu].timer_port = xen_bind_virq(VIRQ_TIMER, cpu,
							   xen_timer_interrupt, NULL);
		if (xen_percpu[cpu].timer_port < 0)
			pr_err("xen: vCPU %u has no timer after restore\n", cpu);
	}
}

/**
 * xen_timer_resume - this vCPU's timer in a restored domain
 *
 * The new domain's vCPU has Xen's default periodic timer again and no
 * runstate area; the tick restarts a period from now.
 */
void xen_timer_resume(void)
{
	unsigned int cpu = smp_processor_id();
	struct xen_percpu *p = xen_this_cpu();

	runstate_registered[cpu] = false;
	register_runstate(cpu);
	HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
	if (p->timer_port < 0)
		return;
	p->next_tick_ns = xen_clocksource_read() + TICK_NS;
	program_timer(cpu, p->next_tick_ns);
}

/**
 * xen_timer_idle - platform.timer_idle: one VIRQ_TIMER at @deadline_ns
 * @deadline_ns: ktime_get_ns() time
 *
 * Xen's one-shot timer replaces the next tick, so the periodic tick
 * just stops.  The deadline is converted through the time left, which
 * works whether ktime counts from the pvclock or the TSC (HVM).
 */
void xen_timer_idle(u64 deadline_ns)
{
	u64 now = ktime_get_ns();

	if (xen_this_cpu()->timer_port < 0)
		return;
	program_timer(smp_processor_id(), xen_clocksource_read() +
		      (deadline_ns > now ? deadline_ns - now : 0));
}

/**
 * xen_timer_busy - platform.timer_busy: the tick again, a period from now
 */
void xen_timer_busy(void)
{
	struct xen_percpu *p = xen_this_cpu();

	if (p->timer_port < 0)
		return;
	p->next_tick_ns = xen_clocksource_read() + TICK_NS;
	program_timer(smp_processor_id(), p->next_tick_ns);
}

/**
 * xen_timer_tick_left - platform.timer_tick_left: time to the next tick
 *
 * What is armed while the tick runs is next_tick_ns; U64_MAX when this
 * vCPU has no timer.
 */
u64 xen_timer_tick_left(void)
{
	struct xen_percpu *p = xen_this_cpu();
	u64 now = xen_clocksource_read();

	if (p->timer_port < 0)
		return U64_MAX;
	return p->next_tick_ns > now ? p->next_tick_ns - now : 0;
}

/**
 * xen_time_init - start pvk's clock at zero and report the pvclock
 */
void xen_time_init(void)
{
	const struct vcpu_time_info *t = &xen_vcpu_info()->time;

	pr_info("xen: pvclock mul %u shift %d%s\n", t->tsc_to_system_mul,
		t->tsc_shift, t->flags & XEN_PVCLOCK_TSC_STABLE_BIT ? ", stable TSC" : "");
}

/**
 * xen_clock_set_base - make sched_clock count from now
 */
void xen_clock_set_base(void)
{
	xen_clock_base = xen_clocksource_read();
}
