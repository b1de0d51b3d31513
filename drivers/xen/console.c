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
 * it does, so a dead console daemon never hangs the kernel, and then a
 * line says how many bytes were lost.
 */
#include <pvk/kernel.h>
#include <pvk/console.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/io/console.h>
#include <xen/platform_info.h>
#include "console-internal.h"

#define XEN_CONSOLE_CHUNK 256		/* Xen copies at most a page per call */
#define RING_STALL_NS	(3 * 1000000000ULL)	/* give up on a full ring */
#define FLUSH_WAIT_NS	(2 * 1000000000ULL)	/* at power-off, no progress */

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

static struct xen_cons_ring cons_ring = { .stall_ns = RING_STALL_NS };
static phys_addr_t cons_pa;

static void cons_kick(const struct xen_cons_ring *r)
{
	struct evtchn_send s = { .port = r->port };

	HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* Free bytes in the ring, or -1 if the indexes make no sense. */
static long cons_space(const struct xen_cons_ring *r, XENCONS_RING_IDX prod,
		       XENCONS_RING_IDX *cons)
{
	*cons = READ_ONCE(r->intf->out_cons);
	smp_rmb();
	if (prod - *cons > sizeof(r->intf->out))
		return -1;
	return sizeof(r->intf->out) - (prod - *cons);
}

/**
 * xen_cons_wait_over - has the other end made no progress for @limit ns?
 * @w: the wait, zeroed before the first look
 * @cons: out_cons now
 * @now: this vCPU's Xen time now
 * @limit: how long without progress is too long
 *
 * Progress (a new out_cons) starts the wait again, and so does a time
 * earlier than its start: without a stable TSC, Xen keeps each physical
 * CPU's time on its own, so a vCPU it moved or recalibrated may read a
 * little less than before, and the difference would wrap to ~2^64 ns,
 * a stall at once.
 *
 * Return: true when @limit ns passed since the start without progress.
 */
bool xen_cons_wait_over(struct xen_cons_wait *w, XENCONS_RING_IDX cons,
			u64 now, u64 limit)
{
	if (!w->start || cons != w->cons || now < w->start) {
		w->start = now;
		w->cons = cons;
		return false;
	}
	return now - w->start > limit;
}

/*
 * Copy s into the ring, in pieces of at least @need bytes (all of s at
 * once when need == len), waiting while it has less room.  Gives up,
 * and marks the ring stalled, when the other end consumed nothing for
 * stall_ns; a stalled ring gets no wait, only whatever fits.  Returns
 * the bytes copied.
 */
static size_t cons_put(struct xen_cons_ring *r, const char *s, size_t len,
		       size_t need)
{
	struct xen_cons_wait wait = { 0 };
	XENCONS_RING_IDX prod, cons;
	size_t done = 0;

	prod = READ_ONCE(r->intf->out_prod);	/* ours: only we write it */
	while (done < len) {
		long space = cons_space(r, prod, &cons);
		size_t n;

		if (space < 0) {
			r->broken = true;
			break;
		}
		if (space)
			r->stalled = false;	/* the other end is back */
		if ((size_t)space < need) {
			if (r->stalled)
				break;
			if (xen_cons_wait_over(&wait, cons, xen_clocksource_read(),
					       r->stall_ns)) {
				r->stalled = true;
				break;
			}
			cons_kick(r);
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		n = MIN((size_t)space, len - done);
		for (size_t i = 0; i < n; i++)
			r->intf->out[MASK_XENCONS_IDX(prod++, r->intf->out)] = s[done + i];
		smp_wmb();	/* the bytes before the index that shows them */
		WRITE_ONCE(r->intf->out_prod, prod);
		done += n;
		r->mid_line = s[done - 1] != '\n';
		cons_kick(r);
	}
	return done;
}

/*
 * Say how much was dropped, on a line of its own, before anything else
 * reaches the ring again: whoever reads the log can then tell a backend
 * that stalled from output that went missing on pvk's side.  The note
 * goes in whole or not at all.
 */
static bool cons_note_dropped(struct xen_cons_ring *r)
{
	char note[80];
	int n;

	n = snprintf(note, sizeof(note), "%sconsole: %zu bytes dropped while the backend stalled\n",
		     r->mid_line ? "\n" : "", r->dropped);
	if (cons_put(r, note, n, n) < (size_t)n)
		return false;
	r->dropped = 0;
	return true;
}

/**
 * xen_cons_ring_write - put bytes in a console ring for its backend
 * @r: the ring (intf and port set)
 * @s: bytes
 * @len: how many
 *
 * Waits (kicking the backend, yielding to Xen) while the ring is full;
 * after r->stall_ns without progress drops output instead, counts it,
 * and notes the count in the ring once there is room again.  Nothing
 * more is written once the other end corrupted out_cons.
 *
 * Return: the bytes of @s now in the ring.
 */
size_t xen_cons_ring_write(struct xen_cons_ring *r, const char *s, size_t len)
{
	size_t done = 0;

	if (r->broken)
		return 0;
	if (!r->dropped || cons_note_dropped(r))
		done = cons_put(r, s, len, 1);
	if (!r->broken)
		r->dropped += len - done;
	return done;
}

static void xen_ring_write(struct console *con, const char *s, size_t len)
{
	if (READ_ONCE(cons_ring.intf))
		xen_cons_ring_write(&cons_ring, s, len);
}

static struct console xen_ring_console = {
	.name = "xen-ring",
	.write = xen_ring_write,
};

/**
 * xen_console_flush - wait (bounded) until xenconsoled read everything
 *
 * Called before the domain shuts down, so its last lines (the verdict)
 * reach dom0's log; gives up after FLUSH_WAIT_NS without progress.  A
 * no-op for dom0 and before the ring is set up.
 */
void xen_console_flush(void)
{
	struct xencons_interface *intf = cons_ring.intf;
	struct xen_cons_wait wait = { 0 };
	XENCONS_RING_IDX cons;

	if (!intf || cons_ring.broken)
		return;
	while ((cons = READ_ONCE(intf->out_cons)) != READ_ONCE(intf->out_prod) &&
	       !xen_cons_wait_over(&wait, cons, xen_clocksource_read(),
				   FLUSH_WAIT_NS)) {
		cons_kick(&cons_ring);
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
	if (cons_ring.intf && !xen_platform_info()->auto_translated)
		WRITE_ONCE(cons_ring.intf, __va(cons_pa));
}

/**
 * xen_console_resume - the restored domain's console port
 *
 * The ring is the same page; xenconsoled gave the new domain a new
 * port (published in the platform record).
 */
void xen_console_resume(void)
{
	if (cons_ring.intf)
		WRITE_ONCE(cons_ring.port, xen_platform_info()->console_evtchn);
}

/**
 * xen_console_ring_pfn - the console ring's frame, to keep it reserved
 *
 * Returns the pfn, or ~0UL when pvk uses no console ring (dom0).
 */
unsigned long xen_console_ring_pfn(void)
{
	return cons_ring.intf ? PFN_DOWN(cons_pa) : ~0UL;
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
	cons_ring.port = info->console_evtchn;
	cons_ring.intf = (struct xencons_interface *)(KERNEL_MAP + cons_pa);
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
	cons_ring.port = info->console_evtchn;
	WRITE_ONCE(cons_ring.intf, intf);
	register_console(&xen_ring_console);
}
