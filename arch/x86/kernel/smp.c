// SPDX-License-Identifier: MIT
/*
 * Cross-CPU calls over IPIs: run a function on other CPUs, reschedule,
 * stop, and the bare-metal TLB shootdown built on them.  IPIs are sent
 * through pv_ops.smp.send_ipi, so a backend only supplies the doorbell.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/power.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <asm/apic.h>
#include <asm/native.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/traps.h>

struct call_data {
	smp_call_func_t func;
	void *info;
	volatile bool done;
	bool free_after;
	struct call_data *next;
};

struct call_queue {
	spinlock_t lock;
	struct call_data *head, *tail;
};

struct cpumask cpu_online_mask;
static struct call_queue call_queues[NR_CPUS];
static bool ipi_handlers_ready;

void native_send_ipi(unsigned int cpu, unsigned int vector)
{
	apic_send_ipi(per_cpu(cpu)->apic_id, vector);
}

/* Run every call queued for this CPU; interrupts are off. */
static void drain_calls(void)
{
	struct call_queue *q = &call_queues[smp_processor_id()];

	for (;;) {
		struct call_data *c;

		spin_lock(&q->lock);
		c = q->head;
		if (c) {
			q->head = c->next;
			if (!q->head)
				q->tail = NULL;
		}
		spin_unlock(&q->lock);
		if (!c)
			return;
		c->func(c->info);
		if (c->free_after)
			kfree(c);
		else
			__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	}
}

static void call_function_interrupt(struct pt_regs *regs)
{
	drain_calls();
}

static void reschedule_interrupt(struct pt_regs *regs)
{
}

static void stop_interrupt(struct pt_regs *regs)
{
	cpumask_clear_cpu(smp_processor_id(), &cpu_online_mask);
	machine_halt();
}

/**
 * smp_cpu_online - mark the calling CPU online
 * @cpu: its number
 */
void smp_cpu_online(unsigned int cpu)
{
	if (!ipi_handlers_ready) {
		request_vector(CALL_FUNCTION_VECTOR, call_function_interrupt);
		request_vector(RESCHEDULE_VECTOR, reschedule_interrupt);
		request_vector(STOP_VECTOR, stop_interrupt);
		ipi_handlers_ready = true;
	}
	per_cpu(cpu)->online = true;
	cpumask_set_cpu(cpu, &cpu_online_mask);
}

/*
 * Queue @c for @cpu and kick it; false if @cpu went offline meanwhile
 * (checked under the lock smp_cpu_offline() drains under).
 */
static bool queue_call(unsigned int cpu, struct call_data *c)
{
	struct call_queue *q = &call_queues[cpu];
	unsigned long flags;
	bool online;

	c->next = NULL;
	spin_lock_irqsave(&q->lock, flags);
	online = per_cpu(cpu)->online;
	if (online) {
		if (q->tail)
			q->tail->next = c;
		else
			q->head = c;
		q->tail = c;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (online)
		paravirt_send_ipi(cpu, CALL_FUNCTION_VECTOR);
	return online;
}

/**
 * smp_cpu_offline - the calling CPU goes offline
 * @cpu: its number; already marked offline (sched_cpu_evacuate())
 *
 * Interrupts off.  Leaves the online mask, then runs the calls queued
 * before queue_call() could see it offline, so no caller waits for it.
 */
void smp_cpu_offline(unsigned int cpu)
{
	struct call_queue *q = &call_queues[cpu];

	cpumask_clear_cpu(cpu, &cpu_online_mask);
	spin_lock(&q->lock);
	spin_unlock(&q->lock);
	drain_calls();
}

/* Wait for a call, serving calls aimed at us meanwhile (no deadlock). */
static void wait_call(struct call_data *c)
{
	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		unsigned long flags = arch_local_irq_save();

		drain_calls();
		arch_local_irq_restore(flags);
		cpu_relax();
	}
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t func,
			     void *info, bool wait)
{
	struct call_data on_stack, *c = &on_stack;

	if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_online_mask))
		return -ENODEV;
	if (cpu == smp_processor_id()) {
		unsigned long flags = arch_local_irq_save();

		func(info);
		arch_local_irq_restore(flags);
		return 0;
	}
	if (!wait) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
	}
	c->func = func;
	c->info = info;
	c->done = false;
	c->free_after = !wait;
	if (!queue_call(cpu, c)) {
		if (!wait)
			kfree(c);
		return -ENODEV;
	}
	if (wait)
		wait_call(c);
	return 0;
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait)
{
	struct call_data calls[NR_CPUS];
	bool queued[NR_CPUS] = { false };
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, mask) {
		if (cpu == self || !cpumask_test_cpu(cpu, &cpu_online_mask))
			continue;
		if (!wait) {
			smp_call_function_single(cpu, func, info, false);
			continue;
		}
		calls[cpu] = (struct call_data){ .func = func, .info = info };
		queued[cpu] = queue_call(cpu, &calls[cpu]);
	}
	if (!wait)
		return;
	for_each_cpu(cpu, mask)
		if (cpu != self && queued[cpu])
			wait_call(&calls[cpu]);
}

void smp_send_reschedule(unsigned int cpu)
{
	/* An offline CPU has nothing to look at, and maybe no IPI port. */
	if (cpu != smp_processor_id() && per_cpu(cpu)->online)
		paravirt_send_ipi(cpu, RESCHEDULE_VECTOR);
}

void smp_stop_other_cpus(void)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != self)
			paravirt_send_ipi(cpu, STOP_VECTOR);
}

static void flush_tlb_func(void *info)
{
	unsigned long va = (unsigned long)info;

	if (va == TLB_FLUSH_ALL)
		flush_tlb_local();
	else
		flush_tlb_one(va);
}

/**
 * native_flush_tlb_multi - pv_ops.mmu.flush_tlb_multi on bare metal
 * @cpus: CPUs to flush (the caller's own CPU is skipped)
 * @va: address, or TLB_FLUSH_ALL
 *
 * One call-function IPI per CPU; returns when every CPU has flushed.
 */
void native_flush_tlb_multi(const struct cpumask *cpus, unsigned long va)
{
	smp_call_function_many(cpus, flush_tlb_func, (void *)va, true);
}
