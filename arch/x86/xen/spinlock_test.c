// SPDX-License-Identifier: MIT
/*
 * Self-tests of paravirt spinlocks under Xen PV (spinlock.c with
 * kernel/spinlock.c): a waiter that cannot get the lock blocks in
 * SCHEDOP_poll instead of spinning, and gets the lock once it is free.
 *
 * Whether the unlock itself kicks it is not checked: any event (its
 * timer tick) also ends the poll, and a waiter that is back to spinning
 * at that moment needs no kick.  smp_spinlock_contention shows kicks
 * work: without them every hand-over would wait for a tick.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/xen/hypercall.h>

#define WAIT_MS		5000	/* for the waiter to block: vCPUs start slowly */

struct contender {
	spinlock_t *lock;
	volatile bool trying, acquired;
	unsigned int cpu;
};

static int take_lock(void *arg)
{
	struct contender *c = arg;
	unsigned long flags;

	c->cpu = smp_processor_id();
	c->trying = true;
	spin_lock_irqsave(c->lock, flags);
	c->acquired = true;
	spin_unlock_irqrestore(c->lock, flags);
	return 0;
}

static unsigned int other_cpu(void)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != self)
			return cpu;
	return self;
}

static void xen_spinlock_waiter_blocks_and_is_kicked(struct kunit *test)
{
	static DEFINE_SPINLOCK(lock);
	static struct contender c;
	unsigned int self = smp_processor_id(), other = other_cpu();
	u64 waits0, kicks0, end;
	struct thread *t;
	unsigned long flags;

	if (!xen_events_everywhere()) {
		kunit_skip(test, "not a Xen guest with events on every vCPU (%s)",
			   arch_platform_name());
		return;
	}
	if (!paravirt_spin_slowpath()) {
		kunit_skip(test, "paravirt spinlocks off (xen_nopvspin)");
		return;
	}
	if (!kunit_need_cpus(test, 2))
		return;
	memset(&c, 0, sizeof(c));
	c.lock = &lock;
	waits0 = READ_ONCE(xen_percpu[other].lock_waits);
	spin_lock_irqsave(&lock, flags);
	kicks0 = READ_ONCE(xen_percpu[self].lock_kicks);
	t = kthread_run(take_lock, &c, "contender", other);
	if (!t) {
		spin_unlock_irqrestore(&lock, flags);
		kunit_fail(test, __FILE__, __LINE__, "no thread");
		return;
	}
	/*
	 * Hold the lock until the contender has blocked on it (or far too
	 * long).  Its vCPU may block on other locks first (the scheduler's,
	 * starting the thread), so a wait count alone does not say so.
	 */
	end = ktime_get_ns() + WAIT_MS * NSEC_PER_MSEC;
	while (!(READ_ONCE(c.trying) && READ_ONCE(lock.sleepers) == 1 &&
		 READ_ONCE(xen_percpu[other].lock_waits) > waits0) &&
	       ktime_get_ns() < end)
		cpu_relax();
	KUNIT_EXPECT_TRUE(test, c.trying);
	KUNIT_EXPECT_FALSE(test, c.acquired);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(xen_percpu[other].lock_waits) > waits0);
	KUNIT_EXPECT_EQ(test, lock.sleepers, 1);
	spin_unlock_irqrestore(&lock, flags);
	KUNIT_EXPECT_EQ(test, kthread_join(t), 0);
	KUNIT_EXPECT_TRUE(test, c.acquired);
	KUNIT_EXPECT_EQ(test, c.cpu, other);
	KUNIT_EXPECT_EQ(test, lock.sleepers, 0);
	kunit_info(test, "waiter blocked %llu times, unlock kicked %llu",
		   (unsigned long long)(READ_ONCE(xen_percpu[other].lock_waits) - waits0),
		   (unsigned long long)(READ_ONCE(xen_percpu[self].lock_kicks) - kicks0));
	KUNIT_EXPECT_FALSE(test, spin_is_locked(&lock));
}

SELFTEST_SUITE(xen_spinlock,
	KUNIT_CASE(xen_spinlock_waiter_blocks_and_is_kicked));
