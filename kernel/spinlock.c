// SPDX-License-Identifier: MIT
/*
 * The paravirt slow path of ticket spinlocks (see pvk/spinlock.h).
 *
 * A waiter that gave up spinning publishes the lock and ticket it waits
 * for in its CPU's slot, counts itself in lock->sleepers and blocks in
 * the hypervisor (pv_ops.lock.wait) until kicked.  The unlocker, seeing
 * sleepers, kicks the CPU whose ticket is now served, and the one right
 * behind it, which becomes next in line: that one spins again, so the
 * hand-over after it does not wait for a wake-up, while everyone further
 * back stays blocked and leaves the physical CPUs to the holder and the
 * next waiter.  This is what keeps ticket locks usable when there are
 * more vCPUs than physical CPUs.
 *
 * No kick is lost: the waiter writes its slot and sleepers (and before
 * each block, its blocked flag), then re-reads head, with a full barrier
 * in between; the unlocker writes head, then reads sleepers and the
 * slots (after a full fence).  Either the waiter sees head move, or the
 * unlocker sees the waiter.  A kick that arrives before the waiter
 * blocks leaves the wait's event pending, so the block returns at once.
 * Waiters that are spinning, not blocked, are not kicked: that would
 * only cost the unlocker a hypercall.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>

/* Spins of the next waiter in line before it blocks too. */
#define NEXT_IN_LINE_SPINS	(1U << 12)

struct spin_waiter {
	spinlock_t *lock;	/* written last: a kicker that sees it sees ticket */
	u16 ticket;
	bool blocked;		/* in pv_ops.lock.wait: a kick is needed */
};

static struct spin_waiter spin_waiters[NR_CPUS];

/*
 * Next in line: the lock is about to be ours, so spin a while longer.
 * Returns true when head moved (look again), false when the holder
 * seems stuck and it is time to block.
 */
static bool wait_next_in_line(spinlock_t *lock, u16 head)
{
	for (unsigned int i = 0; i < NEXT_IN_LINE_SPINS; i++) {
		if (__atomic_load_n(&lock->head, __ATOMIC_ACQUIRE) != head)
			return true;
		cpu_relax();
	}
	return false;
}

static void set_slot(struct spin_waiter *w, spinlock_t *lock, u16 ticket)
{
	__atomic_store_n(&w->lock, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&w->ticket, ticket, __ATOMIC_RELAXED);
	__atomic_store_n(&w->lock, lock, __ATOMIC_RELEASE);
}

/**
 * __spin_lock_slowpath - block until @ticket is served
 * @lock: the lock
 * @ticket: this CPU's ticket
 *
 * Runs with interrupts as the caller had them while blocked, so a lock
 * taken with interrupts on still lets this CPU serve them.  An interrupt
 * handler that takes the slow path itself saves and restores the slot,
 * then kicks its own CPU so the interrupted wait looks again (a kick
 * meant for it may have come while the slot was borrowed).
 */
void __spin_lock_slowpath(spinlock_t *lock, u16 ticket)
{
	unsigned int cpu = smp_processor_id();
	struct spin_waiter *w = &spin_waiters[cpu];
	unsigned long flags = arch_local_irq_save();
	struct spin_waiter outer = *w;
	u16 head;

	set_slot(w, lock, ticket);
	__atomic_fetch_add(&lock->sleepers, 1, __ATOMIC_SEQ_CST);
	while ((head = __atomic_load_n(&lock->head, __ATOMIC_ACQUIRE)) != ticket) {
		if ((u16)(ticket - head) == 1 && wait_next_in_line(lock, head))
			continue;
		__atomic_store_n(&w->blocked, true, __ATOMIC_SEQ_CST);
		arch_local_irq_restore(flags);
		paravirt_lock_wait(&lock->head, head);
		arch_local_irq_disable();
		__atomic_store_n(&w->blocked, false, __ATOMIC_RELAXED);
	}
	__atomic_fetch_sub(&lock->sleepers, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&w->lock, NULL, __ATOMIC_RELAXED);
	if (outer.lock) {
		set_slot(w, outer.lock, outer.ticket);
		__atomic_store_n(&w->blocked, outer.blocked, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		paravirt_lock_kick(cpu);
	}
	arch_local_irq_restore(flags);
}

/**
 * __spin_unlock_kick - wake the waiters a release concerns
 * @lock: the lock just released
 * @next: the ticket now served
 *
 * Kicks the CPU waiting for @next (it owns the lock now) and the one
 * waiting for @next + 1 (next in line), if they are blocked.
 */
void __spin_unlock_kick(spinlock_t *lock, u16 next)
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		const struct spin_waiter *w = &spin_waiters[cpu];
		u16 t;

		if (__atomic_load_n(&w->lock, __ATOMIC_ACQUIRE) != lock)
			continue;
		t = __atomic_load_n(&w->ticket, __ATOMIC_RELAXED);
		if ((t == next || t == (u16)(next + 1)) &&
		    __atomic_load_n(&w->blocked, __ATOMIC_RELAXED))
			paravirt_lock_kick(cpu);
	}
}
