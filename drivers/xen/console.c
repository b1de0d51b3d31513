// SPDX-License-Identifier: MIT
/*
 * pvk's console under Xen (PV, PVH and HVM).
 *
 * dom0: HYPERVISOR_console_io writes straight to Xen's own console (its
 * serial line).  Synchronous and usable from the first instruction of
 * the PV entry to the last one of a panic.
 *
 * domU: Xen's release builds drop console_io writes from unprivileged
 * guests, so the output goes to the console ring the domain builder set
 * up (the platform says where: include/xen/platform_info.h): pvk
 * produces into intf->out, and xenconsoled in dom0 consumes it and logs
 * it.  The ring page is the other end's to write too, so out_cons is
 * read once per round and a producer/consumer distance larger than the
 * ring marks the ring broken (output is dropped from then on; nothing
 * outside the ring is touched).
 * When the ring is full pvk kicks the event channel and yields to Xen;
 * if xenconsoled makes no progress for a while, output is dropped until
 * it does, so a dead console daemon never hangs the kernel.
 */
#include <pvk/kernel.h>
#include <pvk/console.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/io/console.h>
#include <xen/platform_info.h>

#define XEN_CONSOLE_CHUNK 256		/* Xen copies at most a page per call */
#define RING_STALL_NS	(3 * 1000000000ULL)	/* give up on a full ring */
#define FLUSH_WAIT_NS	(2 * 1000000000ULL)	/* at power-off */

static void xen_console_io_write(struct console *con, const char *s, size_t len)
{
	while (len) {
		int n = len > XEN_CONSOLE_CHUNK ? XEN_CONSOLE_CHUNK : (int)len;

		if (HYPERVISOR_console_io(CONSOLEIO_write, n, s) < 0)
			return;
		s += n;
		len -= n;
	}
}

static struct console xen_console = {
	.name = "xen-console",
	.write = xen_console_io_write,
};

/* ---- the domU console ring ------------------------------------------- */

static struct xencons_interface *cons_intf;
static evtchn_port_t cons_port;
static phys_addr_t cons_pa;
static bool cons_broken;	/* the other end corrupted out_cons */
static bool cons_stalled;	/* no progress for RING_STALL_NS */

static void cons_kick(void)
{
	struct evtchn_send s = { .port = cons_port };

	HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* Free bytes in the ring, or -1 if the indexes make no sense. */
static long cons_space(XENCONS_RING_IDX prod, XENCONS_RING_IDX *cons)
{
	*cons = READ_ONCE(cons_intf->out_cons);
	smp_rmb();
	if (prod - *cons > sizeof(cons_intf->out))
		return -1;
	return sizeof(cons_intf->out) - (prod - *cons);
}

static void xen_ring_write(struct console *con, const char *s, size_t len)
{
	XENCONS_RING_IDX prod, cons, last_cons = 0;
	u64 stall_start = 0;

	if (!cons_intf || cons_broken)
		return;
	prod = READ_ONCE(cons_intf->out_prod);	/* ours: only we write it */
	while (len) {
		long space = cons_space(prod, &cons);
		size_t n;

		if (space < 0) {
			cons_broken = true;
			return;
		}
		if (!space) {
			u64 now = xen_clocksource_read();

			if (cons_stalled)
				return;
			if (!stall_start || cons != last_cons) {
				stall_start = now;
				last_cons = cons;
			} else if (now - stall_start > RING_STALL_NS) {
				cons_stalled = true;
				return;
			}
			cons_kick();
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		cons_stalled = false;
		n = MIN((size_t)space, len);
		for (size_t i = 0; i < n; i++)
			cons_intf->out[MASK_XENCONS_IDX(prod++, cons_intf->out)] = s[i];
		smp_wmb();	/* the bytes before the index that shows them */
		WRITE_ONCE(cons_intf->out_prod, prod);
		s += n;
		len -= n;
		cons_kick();
	}
}

static struct console xen_ring_console = {
	.name = "xen-ring",
	.write = xen_ring_write,
};

/**
 * xen_console_flush - wait (bounded) until xenconsoled read everything
 *
 * Called before the domain shuts down, so its last lines (the verdict)
 * reach dom0's log.  A no-op for dom0 and before the ring is set up.
 */
void xen_console_flush(void)
{
	u64 start;

	if (!cons_intf || cons_broken)
		return;
	start = xen_clocksource_read();
	while (READ_ONCE(cons_intf->out_cons) != READ_ONCE(cons_intf->out_prod) &&
	       xen_clocksource_read() - start < FLUSH_WAIT_NS) {
		cons_kick();
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
}

/**
 * xen_console_remap - reach the console ring through the direct map
 *
 * Until the early direct map exists the ring is reached through Xen's
 * initial mapping of the boot image (which covers the domain builder's
 * special pages); the kernel's own page tables only keep the direct map
 * of them.  Called once the direct map is up.
 */
void xen_console_remap(void)
{
	if (cons_intf && !xen_platform_info()->auto_translated)
		WRITE_ONCE(cons_intf, __va(cons_pa));
}

/**
 * xen_console_ring_pfn - the console ring's frame, to keep it reserved
 *
 * Returns the pfn, or ~0UL when pvk uses no console ring (dom0).
 */
unsigned long xen_console_ring_pfn(void)
{
	return cons_intf ? PFN_DOWN(cons_pa) : ~0UL;
}

/**
 * xen_console_init - register the console of this kind of domain
 *
 * dom0: console_io.  domU: the console ring the platform found, if the
 * builder gave one (else console_io, which a debug Xen prints).
 * Runs first thing in the PV entry, on Xen's initial page tables.
 */
void xen_console_init(void)
{
	const struct xen_platform_info *info = xen_platform_info();

	if (info->console_pfn == XEN_NO_PFN) {
		register_console(&xen_console);
		return;
	}
	cons_pa = PFN_PHYS(info->console_pfn);
	cons_port = info->console_evtchn;
	cons_intf = (struct xencons_interface *)(KERNEL_MAP + cons_pa);
	register_console(&xen_ring_console);
}

/**
 * xen_console_io_init - write to Xen's console with console_io from now on
 *
 * For a PVH dom0, as early as its hypercall page works.
 */
void xen_console_io_init(void)
{
	register_console(&xen_console);
}

/**
 * xen_console_ring_init - use the console ring the platform found
 *
 * For HVM and PVH domUs, once the memory manager can map the ring
 * (it lies outside the RAM map).  An HVM guest keeps its emulated
 * serial line too; a PVH guest has only this.  Without a ring, or if it
 * cannot be mapped, says so and changes nothing.
 */
void xen_console_ring_init(void)
{
	const struct xen_platform_info *info = xen_platform_info();
	struct xencons_interface *intf;

	if (info->console_pfn == XEN_NO_PFN) {
		pr_warn("xen: no console ring\n");
		return;
	}
	intf = xen_platform_map_ring(info->console_pfn);
	if (!intf) {
		pr_err("xen: cannot map the console ring at pfn %#lx\n",
		       info->console_pfn);
		return;
	}
	cons_pa = PFN_PHYS(info->console_pfn);
	cons_port = info->console_evtchn;
	WRITE_ONCE(cons_intf, intf);
	register_console(&xen_ring_console);
}
