/* SPDX-License-Identifier: MIT */
/*
 * Event channels for drivers; see drivers/xen/events/events_base.c.
 *
 * An event channel is a port number local to this domain.  Binding one
 * gives it a handler that runs on one vCPU, in the event upcall, with
 * events (interrupts) masked; it must not sleep.  Events are edges that
 * coalesce: several notifications may produce one handler call, and a
 * handler may also be called spuriously (e.g. once right after an
 * interdomain bind, which Xen always leaves pending), so a handler
 * checks its ring or state instead of counting calls.
 *
 * Every function returns a negative errno on failure (Xen's error codes
 * are the same numbers) and logs nothing unless documented: callers
 * decide what is worth a message.  Binding and unbinding may be called
 * from thread context with interrupts enabled or disabled; notify, mask
 * and unmask also from handlers.
 *
 * Ports that are not per-vCPU (unbound, interdomain, already-open) can be
 * bound to XEN_EVTCHN_ANY_CPU: they are then spread over the online
 * vCPUs, least-loaded first, so one busy device does not keep vCPU 0
 * from doing anything else.
 */
#ifndef _XEN_EVENTS_H
#define _XEN_EVENTS_H

#include <pvk/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

struct pt_regs;

/**
 * typedef xen_evtchn_handler_t - what runs when a port's event arrives
 * @port: the port
 * @data: the cookie given at bind time
 * @regs: the interrupted context
 */
typedef void (*xen_evtchn_handler_t)(unsigned int port, void *data,
				     struct pt_regs *regs);

/* "Any vCPU" for the bind calls that take one: spread the port. */
#define XEN_EVTCHN_ANY_CPU	(~0U)

/**
 * xen_bind_virq - bind a per-vCPU virtual IRQ to a handler
 * @virq: VIRQ_* (per-vCPU ones such as VIRQ_TIMER or VIRQ_DEBUG)
 * @cpu: the vCPU that receives it; the binding cannot move
 * @handler: runs on @cpu
 * @data: passed to @handler
 *
 * Returns the port, or a negative errno (logged).
 */
int xen_bind_virq(unsigned int virq, unsigned int cpu,
		  xen_evtchn_handler_t handler, void *data);

/**
 * xen_bind_ipi - a port other vCPUs can notify to interrupt @cpu
 * @cpu: the vCPU that receives it; the binding cannot move
 * @handler: runs on @cpu
 * @data: passed to @handler
 *
 * Returns the port, or a negative errno (logged).
 */
int xen_bind_ipi(unsigned int cpu, xen_evtchn_handler_t handler, void *data);

/**
 * xen_alloc_unbound_port - a fresh port for another domain to connect to
 * @remote: the domain allowed to bind it (DOMID_SELF for a loopback)
 * @cpu: the vCPU that receives it, or XEN_EVTCHN_ANY_CPU
 * @handler: runs on that vCPU once @remote notifies
 * @data: passed to @handler
 *
 * What a frontend does: allocate the port, bind its handler, then
 * publish the port number (xenstore) for the backend to bind with
 * EVTCHNOP_bind_interdomain.  Returns the local port or a negative errno.
 */
int xen_alloc_unbound_port(domid_t remote, unsigned int cpu,
			   xen_evtchn_handler_t handler, void *data);

/**
 * xen_bind_interdomain - connect to a port another domain allocated
 * @remote: the domain that owns @remote_port (DOMID_SELF for a loopback)
 * @remote_port: its unbound port, allocated for us
 * @cpu: the vCPU that receives events, or XEN_EVTCHN_ANY_CPU
 * @handler: runs on that vCPU
 * @data: passed to @handler
 *
 * What a backend does.  Xen leaves the new port pending, so @handler
 * runs once soon after the bind.  Returns the local port or a negative
 * errno.
 */
int xen_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
			 unsigned int cpu, xen_evtchn_handler_t handler,
			 void *data);

/**
 * xen_bind_evtchn - give a handler to a port that is already open
 * @port: a local port bound by someone else (e.g. start_info's xenstore
 *        port, set up by the domain builder)
 * @cpu: the vCPU that receives it, or XEN_EVTCHN_ANY_CPU (Xen delivers a
 *       port to vCPU 0 until told otherwise)
 * @handler: runs on that vCPU
 * @data: passed to @handler
 *
 * Returns 0, or a negative errno (logged).
 */
int xen_bind_evtchn(unsigned int port, unsigned int cpu,
		    xen_evtchn_handler_t handler, void *data);

/**
 * xen_unbind - close a port and remove its handler
 * @port: a port bound with one of the calls above
 *
 * When this returns, the handler is not running on any other vCPU and
 * will not be called again for @port, so its data may be freed; a
 * handler may unbind its own port.  The port number may be handed out
 * again by a later bind.  Returns 0, or -EINVAL for a port that is not
 * bound.
 */
int xen_unbind(unsigned int port);

/**
 * xen_mask - stop delivering a port's events
 * @port: a bound port
 *
 * Events raised meanwhile stay pending and are delivered by xen_unmask().
 */
void xen_mask(unsigned int port);

/**
 * xen_unmask - deliver a port's events again
 * @port: a bound port
 *
 * An event that became pending while the port was masked is delivered
 * now (on the port's vCPU).
 */
void xen_unmask(unsigned int port);

/**
 * xen_evtchn_bind_vcpu - deliver a port's events to another vCPU
 * @port: an unbound, interdomain or already-open port (per-vCPU VIRQs
 *        and IPIs cannot move: -EINVAL)
 * @cpu: an online vCPU
 *
 * Events raised after this returns run the handler on @cpu; one that
 * was already queued for the old vCPU may still run there.  Returns 0 or
 * a negative errno.
 */
int xen_evtchn_bind_vcpu(unsigned int port, unsigned int cpu);

/**
 * xen_evtchn_notify - raise the event at the other end of a port
 * @port: a bound port (for an IPI port: the event of that port itself)
 *
 * Returns 0, or a negative errno (-EINVAL for a closed port).  Notifying
 * a port whose peer went away (unbound again) does nothing.
 */
int xen_evtchn_notify(unsigned int port);

/**
 * xen_evtchn_no_work - the handler of @port found nothing to do
 * @port: the port whose handler is running (call it from the handler)
 *
 * A port with too many such events in a short time is a storm: it is
 * masked for a while, logged, then unmasked (an event raised meanwhile
 * is delivered then), so a peer cannot keep a vCPU in the handler.
 * Returns true when this event masked the port (a storm began), so the
 * driver can say which device's peer it was.
 */
bool xen_evtchn_no_work(unsigned int port);

/**
 * xen_evtchn_set_storm_accounting - count events without work, or not
 * @on: true (the default) to count them and mask storming ports
 *
 * Only for the bench, which shows what the accounting costs by running
 * the same load with it off; a port a storm holds masked is still
 * released on time.
 */
void xen_evtchn_set_storm_accounting(bool on);

/**
 * xen_evtchn_storm_stats - a port's storm accounting, for the self-tests
 * @port: the port
 * @held: set if a storm holds it masked now
 *
 * Returns how many storms masked it since it was bound.
 */
unsigned int xen_evtchn_storm_stats(evtchn_port_t port, bool *held);

/**
 * xen_evtchn_is_pending - whether a port has an undelivered event
 * @port: a port
 */
bool xen_evtchn_is_pending(unsigned int port);

/**
 * xen_evtchn_port_cpu - the vCPU a bound port delivers to
 * @port: a port
 *
 * Returns the vCPU, or -1 when @port is not bound.
 */
int xen_evtchn_port_cpu(unsigned int port);

/**
 * xen_evtchn_dump - print the state of every bound port and per-vCPU counts
 *
 * What VIRQ_DEBUG (dom0's "xl debug-keys q") prints.
 */
void xen_evtchn_dump(void);

#endif /* _XEN_EVENTS_H */
