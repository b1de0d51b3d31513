// SPDX-License-Identifier: MIT
/*
 * The FIFO event-channel ABI: one 32-bit event word per port in pages
 * the guest gives Xen (EVTCHNOP_expand_array), and per vCPU a control
 * block with 16 priority queues (EVTCHNOP_init_control).  Xen links a
 * raised port at the tail of its queue and sets the queue's READY bit;
 * the guest consumes from the head it keeps for each queue.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include "events_internal.h"

#define WORDS_PER_PAGE	(PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES	((XEN_NR_PORTS + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE)

#define FIFO_PENDING	(1U << EVTCHN_FIFO_PENDING)
#define FIFO_MASKED	(1U << EVTCHN_FIFO_MASKED)
#define FIFO_LINKED	(1U << EVTCHN_FIFO_LINKED)
#define FIFO_BUSY	(1U << EVTCHN_FIFO_BUSY)

struct fifo_cpu {
	struct evtchn_fifo_control_block *cb;
	u32 head[EVTCHN_FIFO_MAX_QUEUES];	/* our copy of each queue's head */
};

static struct fifo_cpu fifo_cpus[NR_CPUS];
static event_word_t *event_array[MAX_ARRAY_PAGES];
static unsigned int event_array_pages;

static event_word_t *event_word(evtchn_port_t port)
{
	unsigned int page = port / WORDS_PER_PAGE;

	return page < event_array_pages ?
	       &event_array[page][port % WORDS_PER_PAGE] : NULL;
}

/*
 * Hand Xen one more page of event words, every one masked: the ports
 * they name have no handler yet.
 */
static int expand_array(void)
{
	struct evtchn_expand_array e;
	event_word_t *page;
	long rc;

	if (event_array_pages == MAX_ARRAY_PAGES)
		return -ENOSPC;
	page = alloc_page_zeroed();
	if (!page)
		return -ENOMEM;
	for (unsigned int i = 0; i < WORDS_PER_PAGE; i++)
		page[i] = FIFO_MASKED;
	e.array_gfn = virt_to_machine(page) >> PAGE_SHIFT;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &e);
	if (rc) {
		free_pages(page, 0);
		return (int)rc;
	}
	event_array[event_array_pages++] = page;
	return 0;
}

static long init_control(unsigned int cpu)
{
	struct evtchn_init_control ic;

	memset(&ic, 0, sizeof(ic));
	ic.control_gfn = virt_to_machine(fifo_cpus[cpu].cb) >> PAGE_SHIFT;
	ic.offset = 0;
	ic.vcpu = cpu;
	return HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
}

static int fifo_cpu_init(unsigned int cpu)
{
	struct fifo_cpu *f = &fifo_cpus[cpu];
	long rc;

	if (f->cb)
		return 0;
	f->cb = alloc_page_zeroed();
	if (!f->cb)
		return -ENOMEM;
	rc = init_control(cpu);
	if (rc) {
		free_pages(f->cb, 0);
		f->cb = NULL;
		return (int)rc;
	}
	return 0;
}

/*
 * A restored domain: the same control blocks and event pages, emptied
 * and masked, handed to Xen again in the same order (the first
 * init_control makes the domain a FIFO one).
 */
static int fifo_resume(void)
{
	struct evtchn_expand_array e;
	long rc;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct fifo_cpu *f = &fifo_cpus[cpu];

		if (!f->cb)
			continue;
		memset(f->cb, 0, PAGE_SIZE);
		memset(f->head, 0, sizeof(f->head));
		rc = init_control(cpu);
		if (rc)
			return (int)rc;
	}
	for (unsigned int i = 0; i < event_array_pages; i++) {
		for (unsigned int w = 0; w < WORDS_PER_PAGE; w++)
			event_array[i][w] = FIFO_MASKED;
		e.array_gfn = virt_to_machine(event_array[i]) >> PAGE_SHIFT;
		rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &e);
		if (rc)
			return (int)rc;
	}
	return 0;
}

static int fifo_setup_port(evtchn_port_t port)
{
	while (port >= event_array_pages * WORDS_PER_PAGE) {
		int err = expand_array();

		if (err) {
			pr_err("xen: no FIFO event word for port %u: %d\n", port, err);
			return err;
		}
	}
	return 0;
}

static void fifo_mask(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	if (w)
		__atomic_fetch_or(w, FIFO_MASKED, __ATOMIC_SEQ_CST);
}

static bool fifo_is_pending(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	return w && (READ_ONCE(*w) & FIFO_PENDING);
}

static bool fifo_is_masked(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	return !w || (READ_ONCE(*w) & FIFO_MASKED);
}

/*
 * Clearing MASKED ourselves is enough while nothing is pending: an event
 * raised afterwards sees the port unmasked and Xen links it.  A pending
 * event was not linked (it arrived masked), so only Xen can queue it:
 * EVTCHNOP_unmask.  The compare-and-swap never succeeds while Xen has
 * the word BUSY, and fails if PENDING appears meanwhile, so one of the
 * two always happens.
 */
static void fifo_unmask(evtchn_port_t port)
{
	event_word_t *w = event_word(port);
	event_word_t old;

	if (!w)
		return;
	old = READ_ONCE(*w);
	for (;;) {
		if (!(old & FIFO_MASKED))
			return;
		if (old & FIFO_PENDING) {
			struct evtchn_unmask u = { .port = port };

			HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
			return;
		}
		old &= ~FIFO_BUSY;
		if (__atomic_compare_exchange_n(w, &old, old & ~FIFO_MASKED, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
		cpu_relax();
	}
}

static void fifo_clear_pending(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	if (w)
		__atomic_fetch_and(w, ~FIFO_PENDING, __ATOMIC_SEQ_CST);
}

/* Unlink @port from its queue; returns the next port (0: queue empty). */
static u32 clear_linked(event_word_t *w)
{
	event_word_t old = READ_ONCE(*w), new;

	do {
		new = old & ~(FIFO_LINKED | EVTCHN_FIFO_LINK_MASK);
	} while (!__atomic_compare_exchange_n(w, &old, new, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return old & EVTCHN_FIFO_LINK_MASK;
}

/*
 * Take the head of queue @q; clears @q from *ready when it ran dry.
 * Whatever is in this vCPU's queue is handled here, even if the port
 * was just moved to another vCPU: it was raised before the move, and
 * skipping it would lose it (it is no longer linked anywhere).
 */
static void consume_one(struct fifo_cpu *f, unsigned int q, u32 *ready,
			struct pt_regs *regs)
{
	u32 port = f->head[q];
	event_word_t *w;
	u32 next;

	if (!port)
		port = READ_ONCE(f->cb->head[q]);
	w = event_word(port);
	if (!port || !w) {
		*ready &= ~(1U << q);
		f->head[q] = 0;
		return;
	}
	next = clear_linked(w);
	if (!next)
		*ready &= ~(1U << q);
	f->head[q] = next;
	if ((READ_ONCE(*w) & (FIFO_PENDING | FIFO_MASKED)) == FIFO_PENDING) {
		fifo_clear_pending(port);
		xen_evtchn_handle(port, regs);
	}
}

static void fifo_handle_events(unsigned int cpu, struct pt_regs *regs)
{
	struct fifo_cpu *f = &fifo_cpus[cpu];
	u32 ready;

	if (!f->cb)
		return;
	ready = __atomic_exchange_n(&f->cb->ready, 0, __ATOMIC_SEQ_CST);
	while (ready) {
		unsigned int q = __builtin_ctz(ready);	/* 0 is the highest priority */

		consume_one(f, q, &ready, regs);
		ready |= __atomic_exchange_n(&f->cb->ready, 0, __ATOMIC_SEQ_CST);
	}
}

/* The event words are masked as expand_array() hands them over. */
static void fifo_init_nop(void)
{
}

/**
 * xen_evtchn_fifo_init - switch the domain to the FIFO ABI
 *
 * Sets up the boot vCPU's control block and the first page of event
 * words.  Returns 0, or the error that made FIFO unusable (e.g. -ENOSYS
 * from a Xen without it); the domain then stays on 2-level.
 */
int xen_evtchn_fifo_init(void)
{
	int err = fifo_cpu_init(0);

	if (err)
		return err;
	err = expand_array();
	if (err)
		pr_err("xen: FIFO event array: %d\n", err);
	return err;
}

const struct evtchn_ops evtchn_ops_fifo = {
	.name = "FIFO",
	.init = fifo_init_nop,
	.cpu_init = fifo_cpu_init,
	.setup_port = fifo_setup_port,
	.mask = fifo_mask,
	.unmask = fifo_unmask,
	.clear_pending = fifo_clear_pending,
	.is_pending = fifo_is_pending,
	.is_masked = fifo_is_masked,
	.handle_events = fifo_handle_events,
	.resume = fifo_resume,
};
