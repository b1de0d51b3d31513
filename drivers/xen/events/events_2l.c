// SPDX-License-Identifier: MIT
/*
 * The 2-level event-channel ABI: one pending and one mask bit per port
 * in shared_info, and a per-vCPU selector word saying which words of
 * the pending bitmap to look at.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <asm/processor.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include "events_internal.h"

#define BITS_PER_WORD	(sizeof(xen_ulong_t) * 8)
#define NR_WORDS	(EVTCHN_2L_NR_CHANNELS / BITS_PER_WORD)
#define WORD(port)	((port) / BITS_PER_WORD)
#define BIT(port)	(1UL << ((port) % BITS_PER_WORD))

/* Nothing is bound yet: every port starts masked (see the invariant). */
static void evtchn_2l_init(void)
{
	for (unsigned int w = 0; w < NR_WORDS; w++)
		__atomic_store_n(&HYPERVISOR_shared_info->evtchn_mask[w], ~0UL,
				 __ATOMIC_SEQ_CST);
}

/* The new shared_info's bitmaps are all the state there is. */
static int evtchn_2l_resume(void)
{
	evtchn_2l_init();
	return 0;
}

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
	__atomic_fetch_or(&HYPERVISOR_shared_info->evtchn_mask[WORD(port)],
			  BIT(port), __ATOMIC_SEQ_CST);
}

static bool evtchn_2l_is_pending(evtchn_port_t port)
{
	return READ_ONCE(HYPERVISOR_shared_info->evtchn_pending[WORD(port)]) & BIT(port);
}

static bool evtchn_2l_is_masked(evtchn_port_t port)
{
	return READ_ONCE(HYPERVISOR_shared_info->evtchn_mask[WORD(port)]) & BIT(port);
}

/*
 * On the port's own vCPU (events masked by the caller) this is what Xen
 * would do: clear the mask, and if an event waited, flag its word in
 * our selector and raise our upcall, which runs when events are enabled
 * again.  The order matters: an event raised after the mask is cleared
 * is flagged by Xen itself.  For another vCPU only Xen can raise its
 * upcall, so EVTCHNOP_unmask does it.
 */
static void evtchn_2l_unmask(evtchn_port_t port)
{
	struct vcpu_info *vi = xen_vcpu_info();

	if (xen_evtchn_port_cpu(port) != (int)smp_processor_id()) {
		struct evtchn_unmask u = { .port = port };

		HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
		return;
	}
	__atomic_fetch_and(&HYPERVISOR_shared_info->evtchn_mask[WORD(port)],
			   ~BIT(port), __ATOMIC_SEQ_CST);
	if (evtchn_2l_is_pending(port) &&
	    !(__atomic_fetch_or(&vi->evtchn_pending_sel, 1UL << WORD(port),
				__ATOMIC_SEQ_CST) & (1UL << WORD(port))))
		WRITE_ONCE(vi->evtchn_upcall_pending, 1);
}

static void evtchn_2l_clear_pending(evtchn_port_t port)
{
	__atomic_fetch_and(&HYPERVISOR_shared_info->evtchn_pending[WORD(port)],
			   ~BIT(port), __ATOMIC_SEQ_CST);
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
					mine |= BIT(port);
			}
			if (!mine)
				break;
			while (mine) {
				evtchn_port_t port = w * BITS_PER_WORD + __builtin_ctzl(mine);

				mine &= mine - 1;
				evtchn_2l_clear_pending(port);
				xen_evtchn_handle(port, regs);
			}
		}
	}
}

const struct evtchn_ops evtchn_ops_2l = {
	.name = "2-level",
	.init = evtchn_2l_init,
	.cpu_init = evtchn_2l_cpu_init,
	.setup_port = evtchn_2l_setup_port,
	.mask = evtchn_2l_mask,
	.unmask = evtchn_2l_unmask,
	.clear_pending = evtchn_2l_clear_pending,
	.is_pending = evtchn_2l_is_pending,
	.is_masked = evtchn_2l_is_masked,
	.handle_events = evtchn_2l_handle_events,
	.resume = evtchn_2l_resume,
};
