// SPDX-License-Identifier: MIT
/*
 * Event channels: binding, notification, masking and the upcall.
 *
 * Xen signals a vCPU by setting evtchn_upcall_pending in its vcpu_info
 * and entering xen_hypervisor_callback (xen-asm.S) with events masked;
 * xen_evtchn_do_upcall() then asks the ABI which ports are pending and
 * runs their handlers.  IPIs and the per-vCPU timer are ports bound to
 * one vCPU each; device ports are spread over the vCPUs.
 *
 * The port table is written under ports_lock and read without it by the
 * upcall.  A handler is published last, with release semantics, so an
 * upcall that sees it also sees its data and vCPU.  Unbinding first
 * hides the handler, then waits until no other vCPU is still inside it
 * (each vCPU announces the port it is handling in handling[]), and only
 * then closes the port, whose number Xen may reuse at once.
 *
 * Storms: a handler that found nothing to do for its event says so with
 * xen_evtchn_no_work(); a port with too many such events in a short
 * window (events_storm.h) is masked, logged, and unmasked by the first
 * upcall on any vCPU after a delay, so a backend that notifies in a
 * tight loop costs a bounded number of handler runs and the guest stays
 * responsive.  Both ABIs mask and unmask through the same ops.
 */
#include <pvk/kernel.h>
#include <pvk/ksyms.h>
#include <pvk/params.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/processor.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include "events_internal.h"
#include "events_storm.h"

enum port_type {
	PORT_FREE,
	PORT_VIRQ,
	PORT_IPI,
	PORT_UNBOUND,		/* allocated for a remote domain */
	PORT_INTERDOMAIN,
	PORT_OTHER,		/* opened by someone else (xen_bind_evtchn) */
	PORT_POLL,		/* IPI port that only wakes SCHEDOP_poll */
};

static const char *const type_names[] = {
	[PORT_FREE] = "free", [PORT_VIRQ] = "virq", [PORT_IPI] = "ipi",
	[PORT_UNBOUND] = "unbound", [PORT_INTERDOMAIN] = "interdom",
	[PORT_OTHER] = "other", [PORT_POLL] = "poll",
};

struct port_info {
	xen_evtchn_handler_t handler;	/* NULL: nothing to run */
	void *data;
	int cpu;			/* vCPU Xen delivers to; -1 when free */
	u8 type;			/* enum port_type */
	bool spread;			/* counted in spread_load[cpu] */
	u16 virq;
};

static struct port_info ports[XEN_NR_PORTS];
static const struct evtchn_ops *evtchn_ops = &evtchn_ops_2l;
static DEFINE_SPINLOCK(ports_lock);
/* Port + 1 whose handler this vCPU is running, 0 outside handlers. */
static unsigned int handling[NR_CPUS];
/* Spread ports bound to each vCPU. */
static unsigned int spread_load[NR_CPUS];
static u64 spurious[NR_CPUS];
/* Storm accounting per port, and how many ports a storm holds masked. */
static DEFINE_SPINLOCK(storm_lock);
static struct evtchn_storm storm[XEN_NR_PORTS];
static unsigned int storm_held;
/* The earliest end of a held port's delay: upcalls look no sooner. */
static u64 storm_next_release;
/* Off only while the bench measures what the accounting costs. */
static bool storm_accounting = true;

const char *xen_evtchn_abi_name(void)
{
	return evtchn_ops->name;
}

int xen_evtchn_port_cpu(unsigned int port)
{
	if (port >= XEN_NR_PORTS || READ_ONCE(ports[port].type) == PORT_FREE)
		return -1;
	return READ_ONCE(ports[port].cpu);
}

bool xen_evtchn_is_pending(unsigned int port)
{
	return port < XEN_NR_PORTS && evtchn_ops->is_pending(port);
}

/**
 * xen_evtchn_handle - run the handler of a port whose event was taken
 * @port: the port (its pending bit already cleared by the ABI)
 * @regs: the interrupted context
 *
 * Called by the ABI code in the upcall.  An event for a port without a
 * handler is counted as spurious: it can only be one that was queued
 * before the port was unbound.
 */
void xen_evtchn_handle(evtchn_port_t port, struct pt_regs *regs)
{
	unsigned int cpu = smp_processor_id();
	xen_evtchn_handler_t h;

	if (port >= XEN_NR_PORTS)
		return;
	/* Announce first, then look: pairs with wait_for_handlers(). */
	__atomic_store_n(&handling[cpu], port + 1, __ATOMIC_SEQ_CST);
	h = __atomic_load_n(&ports[port].handler, __ATOMIC_ACQUIRE);
	if (h) {
		xen_this_cpu()->events++;
		h(port, READ_ONCE(ports[port].data), regs);
	} else {
		spurious[cpu]++;
	}
	__atomic_store_n(&handling[cpu], 0, __ATOMIC_RELEASE);
}

/*
 * Unmask the ports whose storm delay is over and note when the next
 * one's ends; in the upcall, once the earliest delay is over.
 */
static void storm_release(u64 now)
{
	u64 next = U64_MAX;
	unsigned long flags;

	spin_lock_irqsave(&storm_lock, flags);
	for (evtchn_port_t port = 0; port < XEN_NR_PORTS && storm_held; port++) {
		if (!evtchn_storm_expired(&storm[port], now)) {
			if (storm[port].masked)
				next = MIN(next, storm[port].until);
			continue;
		}
		storm_held--;
		/* Unbound meanwhile: the next binding unmasks it. */
		if (__atomic_load_n(&ports[port].handler, __ATOMIC_ACQUIRE))
			xen_unmask(port);
	}
	WRITE_ONCE(storm_next_release, next);
	spin_unlock_irqrestore(&storm_lock, flags);
}

/*
 * Counts the event; more than EVTCHN_STORM_THRESHOLD of them within
 * EVTCHN_STORM_WINDOW_NS mask the port for EVTCHN_STORM_DELAY_NS, with
 * a log line (the first storms of a port, then every 100th).  True when
 * this event masked it.
 */
bool xen_evtchn_no_work(unsigned int port)
{
	struct evtchn_storm *s;
	unsigned long flags;
	bool masked = false;

	if (port >= XEN_NR_PORTS || !READ_ONCE(storm_accounting))
		return false;
	s = &storm[port];
	spin_lock_irqsave(&storm_lock, flags);
	if (evtchn_storm_no_work(s, ktime_get_ns())) {
		masked = true;
		evtchn_ops->mask(port);
		storm_held++;
		if (s->until < storm_next_release || storm_held == 1)
			WRITE_ONCE(storm_next_release, s->until);
		if (s->storms <= 3 || !(s->storms % 100))
			pr_warn("xen: port %u: more than %u events without work within %llu ms: masked for %llu ms (storm %u%s)\n",
				port, EVTCHN_STORM_THRESHOLD,
				EVTCHN_STORM_WINDOW_NS / NSEC_PER_MSEC,
				EVTCHN_STORM_DELAY_NS / NSEC_PER_MSEC, s->storms,
				s->storms == 3 ? "; further ones logged every 100th" : "");
	}
	spin_unlock_irqrestore(&storm_lock, flags);
	return masked;
}

/* See include/xen/events.h. */
void xen_evtchn_set_storm_accounting(bool on)
{
	WRITE_ONCE(storm_accounting, on);
}

/* Forget the storms of a port number that is bound anew. */
static void storm_reset(evtchn_port_t port)
{
	unsigned long flags;

	spin_lock_irqsave(&storm_lock, flags);
	if (storm[port].masked)
		storm_held--;
	storm[port] = (struct evtchn_storm){ 0 };
	spin_unlock_irqrestore(&storm_lock, flags);
}

/* See include/xen/events.h. */
unsigned int xen_evtchn_storm_stats(evtchn_port_t port, bool *held)
{
	unsigned long flags;
	unsigned int n;

	if (port >= XEN_NR_PORTS)
		return 0;
	spin_lock_irqsave(&storm_lock, flags);
	*held = storm[port].masked;
	n = storm[port].storms;
	spin_unlock_irqrestore(&storm_lock, flags);
	return n;
}

/**
 * xen_evtchn_do_upcall - the C side of the event callback
 * @regs: the interrupted context
 *
 * Clears the "something pending" flag before looking, so an event that
 * arrives while handlers run sets it again and is picked up by the next
 * round rather than lost.  Upcalls do not nest (events stay masked), so
 * the hypercalls made in here are simply the difference of the counter.
 */
void xen_evtchn_do_upcall(struct pt_regs *regs)
{
	struct xen_percpu *x = xen_this_cpu();
	struct vcpu_info *vi = x->vcpu_info;
	unsigned int cpu = smp_processor_id();
	u64 h0 = x->hypercalls;

	x->upcalls++;
	/* Before the loop: what an unmask makes pending is served in it. */
	if (READ_ONCE(storm_held)) {
		u64 now = ktime_get_ns();

		if (now >= READ_ONCE(storm_next_release))
			storm_release(now);
	}
	do {
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		barrier();
		evtchn_ops->handle_events(cpu, regs);
	} while (READ_ONCE(vi->evtchn_upcall_pending));
	x->event_hypercalls += x->hypercalls - h0;
}

/* Wait until no other vCPU runs @port's handler (it is hidden already). */
static void wait_for_handlers(evtchn_port_t port)
{
	unsigned int self = smp_processor_id();

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		while (cpu != self &&
		       __atomic_load_n(&handling[cpu], __ATOMIC_ACQUIRE) == port + 1)
			cpu_relax();
}

/* Hide the handler of @port and forget the port; lock not held. */
static void forget_port(evtchn_port_t port)
{
	struct port_info *p = &ports[port];
	unsigned long flags;

	spin_lock_irqsave(&ports_lock, flags);
	__atomic_store_n(&p->handler, NULL, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&ports_lock, flags);
	wait_for_handlers(port);
	spin_lock_irqsave(&ports_lock, flags);
	if (p->spread && p->cpu >= 0)
		spread_load[p->cpu]--;
	*p = (struct port_info){ .cpu = -1, .type = PORT_FREE };
	spin_unlock_irqrestore(&ports_lock, flags);
}

/*
 * Record a freshly bound port and open it.  The port is masked until
 * here (see events_internal.h; masking again also covers a number whose
 * last user closed it unmasked); an event that became pending meanwhile
 * is delivered by the unmask.  A table entry left by a port that was
 * closed behind our back (EVTCHNOP_close without xen_unbind) is
 * replaced.  @handler NULL keeps the port masked (PORT_POLL).
 */
static int install_port(evtchn_port_t port, unsigned int cpu, u8 type,
			unsigned int virq, bool spread,
			xen_evtchn_handler_t handler, void *data)
{
	struct port_info *p;
	unsigned long flags;
	int err;

	if (port >= XEN_NR_PORTS) {
		pr_err("xen: port %u beyond the %u pvk tracks\n", port, XEN_NR_PORTS);
		return -ENOSPC;
	}
	err = evtchn_ops->setup_port(port);
	if (err)
		return err;
	p = &ports[port];
	evtchn_ops->mask(port);
	if (READ_ONCE(p->type) != PORT_FREE)
		forget_port(port);
	storm_reset(port);
	spin_lock_irqsave(&ports_lock, flags);
	p->data = data;
	p->cpu = (int)cpu;
	p->type = type;
	p->virq = (u16)virq;
	p->spread = spread;
	if (spread)
		spread_load[cpu]++;
	__atomic_store_n(&p->handler, handler, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&ports_lock, flags);
	if (handler)
		xen_unmask(port);
	return 0;
}

/* The online vCPU with the fewest spread ports (lowest number on ties). */
static unsigned int pick_cpu(void)
{
	unsigned int best = 0, cpu;


	for_each_cpu(cpu, &cpu_online_mask)
		if (READ_ONCE(spread_load[cpu]) < READ_ONCE(spread_load[best]))
			best = cpu;
	return best;
}

static long bind_vcpu_hypercall(evtchn_port_t port, unsigned int cpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = cpu };

	return HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &b);
}

static bool cpu_usable(unsigned int cpu)
{
	return cpu < NR_CPUS && per_cpu(cpu)->online;
}

/*
 * Deliver a port that is not per-vCPU to @cpu (or a spread choice) and
 * install it.  New ports notify vCPU 0, so only other vCPUs need
 * EVTCHNOP_bind_vcpu.  Where only vCPU 0 gets events at all (an HVM
 * guest's INTx callback), every such port stays there: a frontend's
 * per-queue choice is a wish, not a requirement.
 */
static int install_movable(evtchn_port_t port, unsigned int cpu, u8 type,
			   xen_evtchn_handler_t handler, void *data)
{
	bool spread = cpu == XEN_EVTCHN_ANY_CPU;
	long rc;

	if (!xen_events_everywhere() && (spread || cpu_usable(cpu)))
		cpu = 0;
	else if (spread)
		cpu = pick_cpu();
	else if (!cpu_usable(cpu))
		return -EINVAL;
	if (cpu) {
		rc = bind_vcpu_hypercall(port, cpu);
		if (rc)
			return (int)rc;
	}
	return install_port(port, cpu, type, 0, spread, handler, data);
}

static void close_port(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

int xen_bind_virq(unsigned int virq, unsigned int cpu,
		  xen_evtchn_handler_t handler, void *data)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = cpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
	int err;

	if (rc) {
		pr_err("xen: binding VIRQ %u on vCPU %u failed: %ld\n", virq, cpu, rc);
		return (int)rc;
	}
	err = install_port(b.port, cpu, PORT_VIRQ, virq, false, handler, data);
	if (err) {
		close_port(b.port);
		return err;
	}
	return (int)b.port;
}

static int bind_ipi(unsigned int cpu, u8 type, xen_evtchn_handler_t handler,
		    void *data)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
	int err;

	if (rc) {
		pr_err("xen: binding an IPI port for vCPU %u failed: %ld\n", cpu, rc);
		return (int)rc;
	}
	err = install_port(b.port, cpu, type, 0, false, handler, data);
	if (err) {
		close_port(b.port);
		return err;
	}
	return (int)b.port;
}

int xen_bind_ipi(unsigned int cpu, xen_evtchn_handler_t handler, void *data)
{
	return bind_ipi(cpu, PORT_IPI, handler, data);
}

/**
 * xen_bind_ipi_poll - a port of @cpu that only wakes SCHEDOP_poll
 * @cpu: the vCPU that will poll it
 *
 * The port stays masked for good: notifying it makes it pending, which
 * ends the vCPU's xen_evtchn_poll(), but never runs an upcall.  Returns
 * the port or a negative errno (logged).
 */
int xen_bind_ipi_poll(unsigned int cpu)
{
	return bind_ipi(cpu, PORT_POLL, NULL, NULL);
}

int xen_alloc_unbound_port(domid_t remote, unsigned int cpu,
			   xen_evtchn_handler_t handler, void *data)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	int err;

	if (rc)
		return (int)rc;
	err = install_movable(a.port, cpu, PORT_UNBOUND, handler, data);
	if (err) {
		close_port(a.port);
		return err;
	}
	return (int)a.port;
}

int xen_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
			 unsigned int cpu, xen_evtchn_handler_t handler,
			 void *data)
{
	struct evtchn_bind_interdomain b = {
		.remote_dom = remote,
		.remote_port = remote_port,
	};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
	int err;

	if (rc)
		return (int)rc;
	err = install_movable(b.local_port, cpu, PORT_INTERDOMAIN, handler, data);
	if (err) {
		close_port(b.local_port);
		return err;
	}
	return (int)b.local_port;
}

int xen_bind_evtchn(unsigned int port, unsigned int cpu,
		    xen_evtchn_handler_t handler, void *data)
{
	int err = install_movable(port, cpu, PORT_OTHER, handler, data);

	if (err)
		pr_err("xen: binding port %u to vCPU %d failed: %d\n", port,
		       cpu == XEN_EVTCHN_ANY_CPU ? -1 : (int)cpu, err);
	return err;
}

int xen_unbind(unsigned int port)
{
	if (port >= XEN_NR_PORTS || READ_ONCE(ports[port].type) == PORT_FREE)
		return -EINVAL;
	evtchn_ops->mask(port);
	forget_port(port);
	/*
	 * Still ours until the close: drop an event that raced with the
	 * mask, so a later binding of this number does not inherit it.
	 */
	evtchn_ops->clear_pending(port);
	close_port(port);
	return 0;
}

void xen_mask(unsigned int port)
{
	if (port < XEN_NR_PORTS)
		evtchn_ops->mask(port);
}

/* Events off: the 2-level local unmask raises our own upcall. */
void xen_unmask(unsigned int port)
{
	unsigned long flags;

	if (port >= XEN_NR_PORTS)
		return;
	flags = arch_local_irq_save();
	evtchn_ops->unmask(port);
	arch_local_irq_restore(flags);
}

/*
 * Masked across the move so no vCPU takes the event half-way (2-level:
 * the pending bitmap is shared); the unmask then raises anything that
 * became pending on the new vCPU.  A port the caller had masked stays
 * masked.
 */
int xen_evtchn_bind_vcpu(unsigned int port, unsigned int cpu)
{
	struct port_info *p;
	unsigned long flags;
	bool was_masked;
	long rc;

	if (port >= XEN_NR_PORTS || !cpu_usable(cpu) ||
	    (cpu && !xen_events_everywhere()))
		return -EINVAL;
	p = &ports[port];
	switch (READ_ONCE(p->type)) {
	case PORT_UNBOUND:
	case PORT_INTERDOMAIN:
	case PORT_OTHER:
		break;
	default:
		return -EINVAL;
	}
	was_masked = evtchn_ops->is_masked(port);
	evtchn_ops->mask(port);
	rc = bind_vcpu_hypercall(port, cpu);
	if (!rc) {
		spin_lock_irqsave(&ports_lock, flags);
		if (p->spread) {
			spread_load[p->cpu]--;
			spread_load[cpu]++;
		}
		WRITE_ONCE(p->cpu, (int)cpu);
		spin_unlock_irqrestore(&ports_lock, flags);
	}
	if (!was_masked)
		xen_unmask(port);
	return (int)rc;
}

int xen_evtchn_notify(unsigned int port)
{
	struct evtchn_send s = { .port = port };

	return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/**
 * xen_evtchn_clear_pending - forget a port's pending event
 * @port: a bound port (normally a masked PORT_POLL one)
 */
void xen_evtchn_clear_pending(unsigned int port)
{
	if (port < XEN_NR_PORTS)
		evtchn_ops->clear_pending(port);
}

/**
 * xen_evtchn_poll - block this vCPU until @port is pending
 * @port: a port of this vCPU
 *
 * SCHEDOP_poll also returns when any event is raised for the vCPU (and
 * at once if one is pending and events are enabled), so callers re-check
 * their condition.  Works on masked ports: that is what they are for.
 */
void xen_evtchn_poll(unsigned int port)
{
	evtchn_port_t p = port;
	struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };

	set_xen_guest_handle(poll.ports, &p);
	HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

/**
 * xen_evtchn_dump - print every bound port and the per-vCPU counters
 *
 * Lockless: a snapshot that may be torn while ports are being bound,
 * which is fine for a diagnostic (it must also work when a lock holder
 * is the reason someone asked for it).
 */
void xen_evtchn_dump(void)
{
	unsigned int n = 0;

	pr_info("xen: %s event channels:\n", evtchn_ops->name);
	pr_info("xen:  port vcpu type      virq pend mask handler\n");
	for (unsigned int port = 1; port < XEN_NR_PORTS; port++) {
		struct port_info p = ports[port];
		unsigned long off;
		const char *name;

		if (p.type == PORT_FREE)
			continue;
		n++;
		name = p.handler ? ksym_lookup((unsigned long)p.handler, &off) : NULL;
		pr_info("xen: %5u %4d %-9s %4d %4d %4d %s\n", port, p.cpu,
			type_names[p.type], p.type == PORT_VIRQ ? p.virq : -1,
			evtchn_ops->is_pending(port), evtchn_ops->is_masked(port),
			name ? name : p.handler ? "?" : "-");
	}
	pr_info("xen: %u ports bound\n", n);
	pr_info("xen:  vcpu    upcalls     events   spurious     blocks "
		"  hypercalls lock-waits lock-kicks spread\n");
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		const struct xen_percpu *x = &xen_percpu[cpu];

		pr_info("xen: %5u %10llu %10llu %10llu %10llu %12llu %10llu %10llu %6u\n",
			cpu, (unsigned long long)x->upcalls,
			(unsigned long long)x->events, (unsigned long long)spurious[cpu],
			(unsigned long long)x->blocks, (unsigned long long)x->hypercalls,
			(unsigned long long)x->lock_waits,
			(unsigned long long)x->lock_kicks, spread_load[cpu]);
	}
}

static unsigned int debug_virqs;

unsigned int xen_evtchn_debug_virqs(void)
{
	return READ_ONCE(debug_virqs);
}

/*
 * VIRQ_DEBUG: someone pressed "q" in Xen's debug keys (dom0's
 * "xl debug-keys q"); Xen dumps its view of every domain and asks each
 * guest for its own.
 */
static void debug_interrupt(unsigned int port, void *data, struct pt_regs *regs)
{
	pr_info("xen: VIRQ_DEBUG on vCPU %u\n", smp_processor_id());
	xen_evtchn_dump();
	WRITE_ONCE(debug_virqs, debug_virqs + 1);
}

/**
 * xen_evtchn_cpu_init - per-vCPU event set-up of the chosen ABI
 * @cpu: the vCPU (called on the boot CPU, before it runs)
 */
void xen_evtchn_cpu_init(unsigned int cpu)
{
	int err = evtchn_ops->cpu_init(cpu);

	if (err)
		pr_err("xen: %s events on vCPU %u: %d\n", evtchn_ops->name, cpu, err);
}

/* Is @port a device port that may move, now bound to @cpu? */
static bool movable_on(evtchn_port_t port, unsigned int cpu)
{
	const struct port_info *p = &ports[port];

	switch (READ_ONCE(p->type)) {
	case PORT_UNBOUND:
	case PORT_INTERDOMAIN:
	case PORT_OTHER:
		return READ_ONCE(p->cpu) == (int)cpu;
	default:
		return false;
	}
}

/**
 * xen_evtchn_cpu_offline - vCPU @cpu goes offline: its ports leave it
 * @cpu: the calling vCPU, interrupts off, its timer, IPI and spinlock
 *       ports already closed by their owners
 *
 * Device ports are delivered to vCPU 0 from now on (EVTCHNOP_bind_vcpu;
 * the unmask in xen_evtchn_bind_vcpu() raises there what was pending).
 * A per-vCPU port still bound here (a VIRQ or IPI nobody closed) cannot
 * move and is closed, with a log line.  Last, events Xen had already
 * queued for this vCPU are handled here: under FIFO they stay on this
 * vCPU's queue, which no one reads while it is down.
 */
void xen_evtchn_cpu_offline(unsigned int cpu)
{
	struct pt_regs regs = { 0 };

	for (unsigned int port = 1; port < XEN_NR_PORTS; port++) {
		int err;

		if (READ_ONCE(ports[port].type) == PORT_FREE ||
		    READ_ONCE(ports[port].cpu) != (int)cpu)
			continue;
		if (!movable_on(port, cpu)) {
			pr_warn("xen: vCPU %u going offline: closing its %s port %u\n",
				cpu, type_names[ports[port].type], port);
			xen_unbind(port);
			continue;
		}
		err = xen_evtchn_bind_vcpu(port, 0);
		if (err)
			pr_err("xen: moving port %u from vCPU %u to 0 failed: %d\n",
			       port, cpu, err);
	}
	xen_evtchn_do_upcall(&regs);
}

/**
 * xen_evtchn_resume - the domain was restored: none of its ports survived
 *
 * Xen's new domain knows only the ports the toolstack opened for it
 * (xenstore, console), under numbers of its choosing.  The table is
 * wiped without closing anything (closing would hit ports of the new
 * domain that happen to carry an old number), the ABI's state is given
 * to Xen again and VIRQ_DEBUG is bound anew; every other owner binds
 * its own ports again (timers, IPIs, xenstore, console, frontends).
 * Called on the boot vCPU with events off and the other vCPUs parked.
 * Returns 0 or the ABI's error (logged).
 */
int xen_evtchn_resume(void)
{
	int err;

	for (unsigned int port = 0; port < XEN_NR_PORTS; port++)
		ports[port] = (struct port_info){ .cpu = -1, .type = PORT_FREE };
	memset(spread_load, 0, sizeof(spread_load));
	err = evtchn_ops->resume();
	if (err) {
		pr_err("xen: %s events after restore: %d\n", evtchn_ops->name, err);
		return err;
	}
	if (xen_bind_virq(VIRQ_DEBUG, 0, debug_interrupt, NULL) < 0)
		pr_warn("xen: no VIRQ_DEBUG after restore\n");
	return 0;
}

/* evtchn=2l: 2-level even when FIFO is offered. */
static char evtchn_abi[8];
param_string("evtchn", evtchn_abi);

/**
 * xen_evtchn_init - choose the event-channel ABI and bind VIRQ_DEBUG
 *
 * FIFO when Xen offers it (more ports, priorities), else 2-level;
 * evtchn=2l on the command line forces 2-level.  Must run before any
 * port is bound: switching to FIFO drops pending 2-level events.
 */
void xen_evtchn_init(void)
{
	int err;

	if (!strcmp(evtchn_abi, "2l")) {
		pr_info("xen: 2-level event channels (evtchn=2l)\n");
	} else if ((err = xen_evtchn_fifo_init()) == 0) {
		evtchn_ops = &evtchn_ops_fifo;
		pr_info("xen: FIFO event channels\n");
	} else {
		pr_warn("xen: FIFO event channels unavailable (%d); using 2-level\n",
			err);
	}
	evtchn_ops->init();
	xen_evtchn_cpu_init(0);
	if (xen_bind_virq(VIRQ_DEBUG, 0, debug_interrupt, NULL) < 0)
		pr_warn("xen: no VIRQ_DEBUG; the event dump is only on demand\n");
}
