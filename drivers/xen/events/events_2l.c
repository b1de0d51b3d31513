// SPDX-License-Identifier: MIT
/*
 * The 2-level event-channel ABI: one pending and one mask bit per port
 * in shared_info, and a per-vCPU selector word saying which words of
 * the pending bitmap to look at.
 */
#include <pvk/kernel.h>
#include <asm/processor.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include "events_internal.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

static int evtchn_2l_cpu_init(unsigned int cpu)
{
	return 0;
}

static int evtchn_2l_setup_port(evtchn_port_t port)
{
	return port < EVTCHN_2L_NR_CHANNELS ? 0 : -ENOSPC;
}

static void evtchn_2l_mask(evtchn_port_t port)
{
	__atomic_fetch_or(&HYPERVISOR_shared_info->evtchn_mask[port / BITS_PER_WORD],
			  1UL << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

static void evtchn_2l_clear_pending(evtchn_port_t port)
{
	__atomic_fetch_and(&HYPERVISOR_shared_info->evtchn_pending[port / BITS_PER_WORD],
			   ~(1UL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

/*
 * Only ports bound to this vCPU are taken: the pending bitmap is shared
 * by all vCPUs, the selector word is not.  A word is rescanned until it
 * has nothing left for us, so a port raised again meanwhile is served.
 */
static void evtchn_2l_handle_events(unsigned int cpu, struct pt_regs *regs)
{
	struct shared_info *s = HYPERVISOR_shared_info;
	struct vcpu_info *vi = xen_vcpu_info();
	xen_ulong_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
					      __ATOMIC_SEQ_CST);

	while (sel) {
		unsigned int w = __builtin_ctzl(sel);

		sel &= sel - 1;
		for (;;) {
			xen_ulong_t pend = READ_ONCE(s->evtchn_pending[w]) &
					   ~READ_ONCE(s->evtchn_mask[w]);
			xen_ulong_t mine = 0;

			for (xen_ulong_t p = pend; p; p &= p - 1) {
				evtchn_port_t port = w * BITS_PER_WORD + __builtin_ctzl(p);

				if (xen_evtchn_port_cpu(port) == (int)cpu)
					mine |= 1UL << (port % BITS_PER_WORD);
			}
			if (!mine)
				break;
			while (mine) {
				unsigned int b = __builtin_ctzl(mine);
				evtchn_port_t port = w * BITS_PER_WORD + b;

				mine &= mine - 1;
				evtchn_2l_clear_pending(port);
				xen_evtchn_handle(port, cpu, regs);
			}
		}
	}
}

const struct evtchn_ops evtchn_ops_2l = {
	.name = "2-level",
	.cpu_init = evtchn_2l_cpu_init,
	.setup_port = evtchn_2l_setup_port,
	.mask = evtchn_2l_mask,
	.clear_pending = evtchn_2l_clear_pending,
	.handle_events = evtchn_2l_handle_events,
};
