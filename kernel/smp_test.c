// SPDX-License-Identifier: MIT
/*
 * Self-tests of the SMP core: every CPU ticks, cross-CPU calls arrive on
 * the right CPU and complete, ticket locks keep a shared counter exact
 * under contention, and threads start, yield, sleep and join everywhere.
 */
#include <pvk/kernel.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

#define IPI_ROUNDS 200
/*
 * Without the lock, a third or more of the updates are lost once the
 * workers overlap; more rounds only cost time: 4 vCPUs on 2 host cores
 * under TCG took over a minute for 20000 rounds each.
 */
#define LOCK_ROUNDS 2000

static void smp_all_cpus_online(struct kunit *test)
{
	unsigned int n = num_online_cpus();

	KUNIT_EXPECT_TRUE(test, n >= 1);
	KUNIT_EXPECT_EQ(test, n, nr_cpu_ids);
	/* nosmp means 1, maxcpus=N at most N. */
	KUNIT_EXPECT_LE(test, n, smp_cpu_limit());
}

static void smp_timer_ticks_on_every_cpu(struct kunit *test)
{
	u64 before[NR_CPUS];
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask)
		before[cpu] = cpu_ticks(cpu);
	msleep(200);
	for_each_cpu(cpu, &cpu_online_mask) {
		u64 delta = cpu_ticks(cpu) - before[cpu];

		if (delta < 2)
			kunit_fail(test, __FILE__, __LINE__,
				   "CPU %u ticked %llu times in 200 ms", cpu,
				   (unsigned long long)delta);
	}
}

struct ipi_probe {
	unsigned int hits[NR_CPUS];
	unsigned int wrong_cpu;
};

static void ipi_count(void *info)
{
	struct ipi_probe *p = info;
	unsigned int cpu = smp_processor_id();

	__atomic_fetch_add(&p->hits[cpu], 1, __ATOMIC_SEQ_CST);
}

static void smp_ipi_round_trips(struct kunit *test)
{
	static struct ipi_probe probe;
	unsigned int cpu, self = smp_processor_id();

	if (!kunit_need_cpus(test, 2))
		return;
	memset(&probe, 0, sizeof(probe));
	for (int i = 0; i < IPI_ROUNDS; i++)
		for_each_cpu(cpu, &cpu_online_mask)
			if (cpu != self)
				KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, ipi_count,
								      &probe, true), 0);
	for_each_cpu(cpu, &cpu_online_mask)
		KUNIT_EXPECT_EQ(test, probe.hits[cpu], cpu == self ? 0 : IPI_ROUNDS);
	KUNIT_EXPECT_EQ(test, smp_call_function_single(NR_CPUS + 1, ipi_count,
						       &probe, true), -ENODEV);
}

static void smp_call_many_reaches_all(struct kunit *test)
{
	static struct ipi_probe probe;
	unsigned int cpu, self = smp_processor_id();

	/* Alone, the call skips this CPU and reaches nobody. */
	if (!kunit_need_cpus(test, 2))
		return;
	memset(&probe, 0, sizeof(probe));
	smp_call_function_many(&cpu_online_mask, ipi_count, &probe, true);
	for_each_cpu(cpu, &cpu_online_mask)
		KUNIT_EXPECT_EQ(test, probe.hits[cpu], cpu == self ? 0 : 1);
}

struct lock_test {
	spinlock_t lock;
	volatile unsigned long counter;
	unsigned int ready;		/* workers at the start line */
};

/*
 * All workers start together: otherwise, under emulation, one CPU's loop
 * may be over before the next CPU's thread runs, and nothing contends.
 * Yielding lets the thread that starts the others run on this CPU too.
 */
static void wait_for_all_workers(unsigned int *ready)
{
	__atomic_fetch_add(ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(ready, __ATOMIC_SEQ_CST) < num_online_cpus())
		kthread_yield();
}

/* Read-modify-write with a pause inside: loses updates unless locked. */
static int lock_worker(void *arg)
{
	struct lock_test *lt = arg;

	wait_for_all_workers(&lt->ready);
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		unsigned long flags, v;

		spin_lock_irqsave(&lt->lock, flags);
		v = lt->counter;
		cpu_relax();
		lt->counter = v + 1;
		spin_unlock_irqrestore(&lt->lock, flags);
	}
	return 0;
}

/* Run @fn on every online CPU at once and join them all. */
static int run_on_all_cpus(thread_fn_t fn, void *arg, const char *name)
{
	struct thread *threads[NR_CPUS] = { 0 };
	unsigned int cpu;
	int failures = 0;

	for_each_cpu(cpu, &cpu_online_mask) {
		threads[cpu] = kthread_run(fn, arg, name, cpu);
		if (!threads[cpu])
			failures++;
	}
	for_each_cpu(cpu, &cpu_online_mask)
		if (threads[cpu] && kthread_join(threads[cpu]))
			failures++;
	return failures;
}

static void smp_spinlock_contention(struct kunit *test)
{
	static struct lock_test lt;

	/* One worker alone never contends. */
	if (!kunit_need_cpus(test, 2))
		return;
	spin_lock_init(&lt.lock);
	lt.counter = 0;
	lt.ready = 0;
	KUNIT_EXPECT_EQ(test, run_on_all_cpus(lock_worker, &lt, "locktest"), 0);
	KUNIT_EXPECT_EQ(test, lt.counter, (unsigned long)LOCK_ROUNDS * num_online_cpus());
	KUNIT_EXPECT_FALSE(test, spin_is_locked(&lt.lock));
}

static void smp_spinlock_trylock(struct kunit *test)
{
	DEFINE_SPINLOCK(lock);

	KUNIT_EXPECT_TRUE(test, spin_trylock(&lock));
	KUNIT_EXPECT_FALSE(test, spin_trylock(&lock));
	spin_unlock(&lock);
	KUNIT_EXPECT_TRUE(test, spin_trylock(&lock));
	spin_unlock(&lock);
}

static int return_cpu_plus_one(void *arg)
{
	return (int)smp_processor_id() + 1;
}

static void sched_threads_run_on_their_cpu(struct kunit *test)
{
	unsigned int cpu;

	for_each_cpu(cpu, &cpu_online_mask) {
		struct thread *t = kthread_run(return_cpu_plus_one, NULL, "where", cpu);

		KUNIT_ASSERT_TRUE(test, t != NULL);
		KUNIT_EXPECT_EQ(test, kthread_join(t), cpu + 1);
	}
	KUNIT_EXPECT_TRUE(test, kthread_run(return_cpu_plus_one, NULL, "nocpu",
					    NR_CPUS) == NULL);
}

struct pingpong {
	volatile int turn;
	int rounds;
	int errors;
};

/* Two threads on one CPU take turns; only yield lets the other run. */
static int pingpong_worker(void *arg)
{
	struct pingpong *pp = arg;
	int me = __atomic_fetch_add(&pp->rounds, 1, __ATOMIC_SEQ_CST) & 1;

	for (int i = 0; i < 50; i++) {
		int spins = 0;

		while (pp->turn != me) {
			kthread_yield();
			if (++spins > 100000) {
				pp->errors++;
				return -1;
			}
		}
		pp->turn = !me;
	}
	return 0;
}

static void sched_yield_alternates(struct kunit *test)
{
	static struct pingpong pp;
	unsigned int cpu = smp_processor_id();
	struct thread *a, *b;

	memset(&pp, 0, sizeof(pp));
	a = kthread_run(pingpong_worker, &pp, "ping", cpu);
	b = kthread_run(pingpong_worker, &pp, "pong", cpu);
	KUNIT_ASSERT_TRUE(test, a && b);
	KUNIT_EXPECT_EQ(test, kthread_join(a), 0);
	KUNIT_EXPECT_EQ(test, kthread_join(b), 0);
	KUNIT_EXPECT_EQ(test, pp.errors, 0);
}

static void sched_sleep_lasts(struct kunit *test)
{
	u64 t0 = ktime_get_ns(), slept;

	msleep(50);
	slept = ktime_get_ns() - t0;
	KUNIT_EXPECT_TRUE(test, slept >= 50 * NSEC_PER_MSEC);
}

SELFTEST_SUITE(smp,
	KUNIT_CASE(smp_all_cpus_online),
	KUNIT_CASE(smp_timer_ticks_on_every_cpu),
	KUNIT_CASE(smp_ipi_round_trips),
	KUNIT_CASE(smp_call_many_reaches_all),
	KUNIT_CASE(smp_spinlock_contention),
	KUNIT_CASE(smp_spinlock_trylock));

SELFTEST_SUITE(sched,
	KUNIT_CASE(sched_threads_run_on_their_cpu),
	KUNIT_CASE(sched_yield_alternates),
	KUNIT_CASE(sched_sleep_lasts));
