/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks: fair under contention, which the SMP self-test
 * checks.  The _irqsave forms go through pv_ops irq hooks.
 *
 * Under a hypervisor that overcommits CPUs, a waiter whose vCPU is not
 * running when its turn comes stalls everyone queued behind it, and
 * every spinning vCPU burns time the lock holder could use.  So where
 * the backend provides pv_ops.lock (Xen PV), a waiter that has spun for
 * SPIN_THRESHOLD rounds blocks in the hypervisor instead
 * (kernel/spinlock.c), and spin_unlock() kicks the waiter whose turn
 * comes.  On bare metal that path is never taken; unlock costs one
 * extra test of a read-mostly flag.
 */
#ifndef PVK_SPINLOCK_H
#define PVK_SPINLOCK_H

#include <pvk/types.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

typedef struct {
	u16 head;	/* ticket being served */
	u16 tail;	/* next ticket to hand out */
	u16 sleepers;	/* waiters in the paravirt slow path */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0, 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPINLOCK_INIT

/* Rounds of spinning before a paravirt waiter blocks. */
#define SPIN_THRESHOLD	(1U << 6)

void __spin_lock_slowpath(spinlock_t *lock, u16 ticket);
void __spin_unlock_kick(spinlock_t *lock, u16 next);

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->head = 0;
	lock->tail = 0;
	lock->sleepers = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	u16 ticket = __atomic_fetch_add(&lock->tail, 1, __ATOMIC_RELAXED);
	unsigned int spins = 0;

	while (__atomic_load_n(&lock->head, __ATOMIC_ACQUIRE) != ticket) {
		cpu_relax();
		if (unlikely(++spins == SPIN_THRESHOLD) && paravirt_spin_slowpath()) {
			__spin_lock_slowpath(lock, ticket);
			return;
		}
	}
}

static inline bool spin_trylock(spinlock_t *lock)
{
	u16 head = __atomic_load_n(&lock->head, __ATOMIC_RELAXED);
	u16 expected = head;

	return __atomic_compare_exchange_n(&lock->tail, &expected,
					   (u16)(head + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *lock)
{
	u16 next = lock->head + 1;

	__atomic_store_n(&lock->head, next, __ATOMIC_RELEASE);
	if (unlikely(paravirt_spin_slowpath())) {
		/*
		 * The new head must be visible before sleepers is read: a
		 * waiter counts itself in sleepers and then re-reads head,
		 * so one of the two always sees the other.
		 */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&lock->sleepers, __ATOMIC_RELAXED))
			__spin_unlock_kick(lock, next);
	}
}

static inline bool spin_is_locked(spinlock_t *lock)
{
	return READ_ONCE(lock->head) != READ_ONCE(lock->tail);
}

#define spin_lock_irqsave(lock, flags) do {				\
	(flags) = arch_local_irq_save();				\
	spin_lock(lock);						\
} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	arch_local_irq_restore(flags);
}

#endif /* PVK_SPINLOCK_H */
