/* SPDX-License-Identifier: MIT */
/*
 * The two event-channel ABIs behind one ops table: FIFO (tried first)
 * and the 2-level bitmap in shared_info (the fallback, or evtchn=2l).
 *
 * Both keep the same invariant: a port nobody has a handler for is
 * masked, so an event raised before its handler exists (Xen's interdomain
 * bind leaves the port pending) waits instead of being dropped.
 */
#ifndef _DRIVERS_XEN_EVENTS_INTERNAL_H
#define _DRIVERS_XEN_EVENTS_INTERNAL_H

#include <pvk/types.h>
#include <asm/ptrace.h>
#include <xen/event_channel.h>

/* Ports pvk tracks; it binds a handful per vCPU plus a few per device. */
#define XEN_NR_PORTS 1024

struct evtchn_ops {
	const char *name;
	/* Once, when the ABI is chosen: mask every port it can name. */
	void (*init)(void);
	/* Per-vCPU set-up, run on the boot CPU before the vCPU starts. */
	int (*cpu_init)(unsigned int cpu);
	/* Make sure @port can be used (FIFO: its event word exists). */
	int (*setup_port)(evtchn_port_t port);
	void (*mask)(evtchn_port_t port);
	/* Unmask; an event that is pending meanwhile gets delivered. */
	void (*unmask)(evtchn_port_t port);
	void (*clear_pending)(evtchn_port_t port);
	bool (*is_pending)(evtchn_port_t port);
	bool (*is_masked)(evtchn_port_t port);
	/* Deliver every pending event of the calling vCPU. */
	void (*handle_events)(unsigned int cpu, struct pt_regs *regs);
	/*
	 * The domain was restored: Xen knows none of the ABI's state.  Give
	 * it back, every port masked, for the vCPUs set up so far.
	 */
	int (*resume)(void);
};

extern const struct evtchn_ops evtchn_ops_2l;
extern const struct evtchn_ops evtchn_ops_fifo;

/* events_base.c: run the handler of @port on this vCPU. */
void xen_evtchn_handle(evtchn_port_t port, struct pt_regs *regs);

/* events_base.c: how many VIRQ_DEBUG events vCPU 0 has handled. */
unsigned int xen_evtchn_debug_virqs(void);

/* events_fifo.c: 0, or why the FIFO ABI cannot be used. */
int xen_evtchn_fifo_init(void);

#endif
