/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks: fair under contention, which the SMP self-test
 * checks.  The _irqsave forms go through pv_ops irq hooks.
 */
#ifndef PVK_SPINLOCK_H
#define PVK_SPINLOCK_H

#include <pvk/types.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

typedef struct {
	u16 head;	/* ticket being served */
	u16 tail;	/* next ticket to hand out */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->head = 0;
	lock->tail = 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	u16 ticket = __atomic_fetch_add(&lock->tail, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->head, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
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
	__atomic_store_n(&lock->head, (u16)(lock->head + 1), __ATOMIC_RELEASE);
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
