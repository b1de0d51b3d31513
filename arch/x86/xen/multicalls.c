// SPDX-License-Identifier: MIT
/*
 * Per-CPU batching of MMU hypercalls, and of a context switch's.
 *
 * Page-table writes and MMU extended operations are queued in a buffer
 * of up to XEN_MC_ENTRIES multicall entries; consecutive requests of the
 * same kind are merged into one entry (one mmu_update with N updates).
 * The buffer is issued as a single hypercall when it is full, when
 * lazy-MMU mode is left or flushed, and by every caller that needs the
 * result at once (outside lazy mode that is every caller).
 *
 * Lazy CPU mode (a switch to a user process's state, as Linux's
 * XEN_LAZY_CPU) queues the kernel stack switch, the segment base and
 * the new page tables too, and issues them as one multicall when the
 * switch ends.
 *
 * Callers run with interrupts (events) off: the buffer is per CPU.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>

#define XEN_MC_ENTRIES	32
/*
 * mmu_update slots: a whole L1 table's worth, so the boot direct map
 * (arch/x86/mm/init.c) costs about one batch per 2 MiB.
 */
#define XEN_MC_UPDATES	512
#define XEN_MC_OPS	64	/* mmuext_op slots */

struct xen_mc_buffer {
	struct multicall_entry calls[XEN_MC_ENTRIES];
	struct mmu_update updates[XEN_MC_UPDATES];
	struct mmuext_op ops[XEN_MC_OPS];
	unsigned int nr_calls, nr_updates, nr_ops;
	unsigned int lazy;
	bool lazy_cpu;
};

static struct xen_mc_buffer mc_buffers[NR_CPUS];

static struct xen_mc_buffer *mc_buf(void)
{
	return &mc_buffers[smp_processor_id()];
}

bool xen_mc_lazy(void)
{
	return mc_buf()->lazy != 0;
}

static void mc_report(struct xen_mc_buffer *b, unsigned int i, long rc)
{
	const struct multicall_entry *c = &b->calls[i];

	if (c->op != __HYPERVISOR_mmu_update && c->op != __HYPERVISOR_mmuext_op) {
		pr_err("xen: hypercall %lu (%#lx, %#lx) in a multicall failed: %ld\n",
		       (unsigned long)c->op, (unsigned long)c->args[0],
		       (unsigned long)c->args[1], rc);
		return;
	}
	pr_err("xen: %s (%lu requests) failed: %ld\n",
	       c->op == __HYPERVISOR_mmu_update ? "mmu_update" : "mmuext_op",
	       (unsigned long)c->args[1], rc);
	if (c->op == __HYPERVISOR_mmu_update) {
		const struct mmu_update *u = (const void *)c->args[0];

		pr_err("xen:   first: ptr %#llx val %#llx\n",
		       (unsigned long long)u->ptr, (unsigned long long)u->val);
	} else {
		const struct mmuext_op *o = (const void *)c->args[0];

		pr_err("xen:   first: cmd %u arg %#lx\n", o->cmd,
		       (unsigned long)o->arg1.mfn);
	}
}

/**
 * xen_mc_flush - issue everything queued on this CPU
 *
 * One queued entry goes out as its own hypercall, several as one
 * multicall.  A failing entry is logged with its first request; pvk
 * carries on (the caller's mapping simply did not change).
 */
void xen_mc_flush(void)
{
	struct xen_mc_buffer *b = mc_buf();
	unsigned int n = b->nr_calls;
	long rc;

	if (!n)
		return;
	b->nr_calls = b->nr_updates = b->nr_ops = 0;
	if (n == 1 && (b->calls[0].op == __HYPERVISOR_mmu_update ||
		       b->calls[0].op == __HYPERVISOR_mmuext_op)) {
		struct multicall_entry *c = &b->calls[0];

		if (c->op == __HYPERVISOR_mmu_update)
			rc = HYPERVISOR_mmu_update((void *)c->args[0], c->args[1],
						   NULL, DOMID_SELF);
		else
			rc = HYPERVISOR_mmuext_op((void *)c->args[0], c->args[1],
						  NULL, DOMID_SELF);
		if (rc)
			mc_report(b, 0, rc);
		return;
	}
	rc = HYPERVISOR_multicall(b->calls, n);
	if (rc) {
		pr_err("xen: multicall of %u entries failed: %ld\n", n, rc);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		if (b->calls[i].result)
			mc_report(b, i, (long)b->calls[i].result);
}

/* Extend the last entry if it is the same MMU op over the adjacent slots. */
static bool mc_merge(struct xen_mc_buffer *b, unsigned long op, void *slot)
{
	struct multicall_entry *last;

	if (!b->nr_calls)
		return false;
	last = &b->calls[b->nr_calls - 1];
	if (last->op != op)
		return false;
	if (op == __HYPERVISOR_mmu_update &&
	    (struct mmu_update *)last->args[0] + last->args[1] != slot)
		return false;
	if (op == __HYPERVISOR_mmuext_op &&
	    (struct mmuext_op *)last->args[0] + last->args[1] != slot)
		return false;
	last->args[1]++;
	return true;
}

static void mc_add(struct xen_mc_buffer *b, unsigned long op, void *slot)
{
	struct multicall_entry *c;

	if (mc_merge(b, op, slot))
		return;
	c = &b->calls[b->nr_calls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->args[0] = (unsigned long)slot;
	c->args[1] = 1;
	c->args[2] = 0;			/* no "done" count wanted */
	c->args[3] = DOMID_SELF;
}

static bool mc_full(const struct xen_mc_buffer *b)
{
	return b->nr_calls == XEN_MC_ENTRIES || b->nr_updates == XEN_MC_UPDATES ||
	       b->nr_ops == XEN_MC_OPS;
}

/**
 * xen_mc_queue_mmu_update - queue one checked page-table write
 * @ptr: machine address of the entry | MMU_NORMAL_PT_UPDATE
 * @val: the new entry (machine frame)
 */
void xen_mc_queue_mmu_update(u64 ptr, u64 val)
{
	struct xen_mc_buffer *b = mc_buf();
	struct mmu_update *u;

	if (mc_full(b))
		xen_mc_flush();
	u = &b->updates[b->nr_updates++];
	u->ptr = ptr;
	u->val = val;
	mc_add(b, __HYPERVISOR_mmu_update, u);
}

/**
 * xen_mc_queue_mmuext - queue one MMU extended operation
 * @op: the operation (copied)
 */
void xen_mc_queue_mmuext(const struct mmuext_op *op)
{
	struct xen_mc_buffer *b = mc_buf();
	struct mmuext_op *o;

	if (mc_full(b))
		xen_mc_flush();
	o = &b->ops[b->nr_ops++];
	*o = *op;
	mc_add(b, __HYPERVISOR_mmuext_op, o);
}

/**
 * xen_mc_queue_call - queue a hypercall whose arguments are plain values
 * @op: the hypercall (stack_switch, set_segment_base)
 * @arg0: its first argument
 * @arg1: its second argument
 *
 * Never merged with another entry.  Its result is checked when the
 * buffer is issued (xen_mc_flush() logs a failure).
 */
void xen_mc_queue_call(unsigned long op, unsigned long arg0, unsigned long arg1)
{
	struct xen_mc_buffer *b = mc_buf();
	struct multicall_entry *c;

	if (mc_full(b))
		xen_mc_flush();
	c = &b->calls[b->nr_calls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->args[0] = arg0;
	c->args[1] = arg1;
}

/**
 * xen_mc_enter_lazy_cpu - a context switch begins: queue what it costs
 *
 * Interrupts off until xen_mc_leave_lazy_cpu(), which issues the
 * stack switch, segment base and page-table switch queued meanwhile as
 * one multicall (pv_ops.cpu.start_context_switch on Xen PV).
 */
void xen_mc_enter_lazy_cpu(void)
{
	mc_buf()->lazy_cpu = true;
}

void xen_mc_leave_lazy_cpu(void)
{
	mc_buf()->lazy_cpu = false;
	xen_mc_flush();
}

bool xen_mc_lazy_cpu(void)
{
	return mc_buf()->lazy_cpu;
}

/* Lazy-MMU mode nests; only the outermost leave flushes. */
void xen_mc_enter_lazy(void)
{
	unsigned long flags = arch_local_irq_save();

	mc_buf()->lazy++;
	arch_local_irq_restore(flags);
}

void xen_mc_leave_lazy(void)
{
	unsigned long flags = arch_local_irq_save();
	struct xen_mc_buffer *b = mc_buf();

	if (b->lazy && !--b->lazy)
		xen_mc_flush();
	arch_local_irq_restore(flags);
}
