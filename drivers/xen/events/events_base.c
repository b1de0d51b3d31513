// SPDX-License-Identifier: MIT
/*
 * Event channels: binding, notification and the upcall.
 *
 * Xen signals a vCPU by setting evtchn_upcall_pending in its vcpu_info
 * and entering xen_hypervisor_callback (xen-asm.S) with events masked;
 * xen_evtchn_do_upcall() then asks the ABI which ports are pending and
 * runs their handlers.  IPIs and the per-vCPU timer are ports bound to
 * one vCPU each.
 */
#include <pvk/kernel.h>
#include <pvk/params.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <asm/processor.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include "events_internal.h"

struct port_info {
	xen_evtchn_handler_t handler;
	void *data;
	int cpu;
};

static struct port_info ports[XEN_NR_PORTS];
static const struct evtchn_ops *evtchn_ops = &evtchn_ops_2l;
static DEFINE_SPINLOCK(ports_lock);

const char *xen_evtchn_abi_name(void)
{
	return evtchn_ops->name;
}

int xen_evtchn_port_cpu(evtchn_port_t port)
{
	return port < XEN_NR_PORTS && ports[port].handler ? ports[port].cpu : -1;
}

void xen_evtchn_handle(evtchn_port_t port, unsigned int cpu,
		       struct pt_regs *regs)
{
	struct port_info *p;

	if (port >= XEN_NR_PORTS)
		return;
	p = &ports[port];
	if (p->handler && p->cpu == (int)cpu)
		p->handler(port, p->data, regs);
}

/**
 * xen_evtchn_do_upcall - the C side of the event callback
 * @regs: the interrupted context
 *
 * Clears the "something pending" flag before looking, so an event that
 * arrives while handlers run sets it again and is picked up by the next
 * round rather than lost.
 */
void xen_evtchn_do_upcall(struct pt_regs *regs)
{
	struct vcpu_info *vi = xen_vcpu_info();
	unsigned int cpu = smp_processor_id();

	do {
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		barrier();
		evtchn_ops->handle_events(cpu, regs);
	} while (READ_ONCE(vi->evtchn_upcall_pending));
}

static void unmask_port(evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);

	if (rc)
		pr_err("xen: unmasking port %u failed: %ld\n", port, rc);
}

/*
 * Record a freshly bound port and open it.  Xen re-raises an event that
 * became pending while the port was masked when it is unmasked.
 */
static int install_port(evtchn_port_t port, unsigned int cpu,
			xen_evtchn_handler_t handler, void *data)
{
	unsigned long flags;
	int err;

	if (port >= XEN_NR_PORTS) {
		pr_err("xen: port %u beyond the %u pvk tracks\n", port, XEN_NR_PORTS);
		return -ENOSPC;
	}
	err = evtchn_ops->setup_port(port);
	if (err)
		return err;
	spin_lock_irqsave(&ports_lock, flags);
	ports[port] = (struct port_info){ handler, data, (int)cpu };
	spin_unlock_irqrestore(&ports_lock, flags);
	unmask_port(port);
	return 0;
}

/**
 * xen_bind_virq - bind a virtual IRQ of one vCPU to a handler
 * @virq: VIRQ_*
 * @cpu: the vCPU that receives it
 * @handler: runs on @cpu with events masked
 * @data: passed to @handler
 *
 * Returns the port, or a negative error (logged).
 */
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
	err = install_port(b.port, cpu, handler, data);
	return err ? err : (int)b.port;
}

/**
 * xen_bind_ipi - a port other vCPUs can notify to interrupt @cpu
 * @cpu: the vCPU that receives it
 * @handler: runs on @cpu with events masked
 * @data: passed to @handler
 *
 * Returns the port, or a negative error (logged).
 */
int xen_bind_ipi(unsigned int cpu, xen_evtchn_handler_t handler, void *data)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
	int err;

	if (rc) {
		pr_err("xen: binding an IPI port for vCPU %u failed: %ld\n", cpu, rc);
		return (int)rc;
	}
	err = install_port(b.port, cpu, handler, data);
	return err ? err : (int)b.port;
}

/**
 * xen_evtchn_notify - raise the event of a local port
 * @port: a bound port
 */
void xen_evtchn_notify(unsigned int port)
{
	struct evtchn_send s = { .port = port };
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);

	if (rc)
		pr_err("xen: EVTCHNOP_send on port %u failed: %ld\n", port, rc);
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

/**
 * xen_evtchn_init - choose the event-channel ABI
 *
 * FIFO when Xen offers it (more ports, priorities), else 2-level;
 * evtchn=2l on the command line forces 2-level.  Must run before any
 * port is bound: switching to FIFO drops pending 2-level events.
 */
void xen_evtchn_init(void)
{
	int err;

	if (!strcmp(kopts.evtchn, "2l")) {
		pr_info("xen: 2-level event channels (evtchn=2l)\n");
	} else if ((err = xen_evtchn_fifo_init()) == 0) {
		evtchn_ops = &evtchn_ops_fifo;
		pr_info("xen: FIFO event channels\n");
	} else {
		pr_warn("xen: FIFO event channels unavailable (%d); using 2-level\n",
			err);
	}
	xen_evtchn_cpu_init(0);
}
