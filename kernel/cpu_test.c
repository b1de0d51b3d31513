// SPDX-License-Identifier: MIT
/*
 * Self-tests of CPU hot-plug (kernel/cpu.c): CPU 0 and a CPU that does
 * not exist are refused everywhere; where the platform can hot-plug
 * (Xen PV, PVH and HVM), the last online CPU goes offline and comes back
 * twice.  Offline it takes no tick, runs no new thread and no call, and
 * a thread that was asleep on it finishes on CPU 0; back online, a
 * thread pinned there runs there, a cross-CPU call (an IPI) reaches it
 * and it ticks again.
 */
#include <pvk/kernel.h>
#include <pvk/cpu.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/processor.h>

#define ROUNDS		2
/* Longer than the offline step takes, so the sleeper moves while asleep. */
#define SLEEPER_MS	300
/* An offline CPU must not tick for this long (a running one ticks HZ/5). */
#define QUIET_MS	200
#define BUSY_TICKS	3

static void cpu_hotplug_refuses_cpu0(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, remove_cpu(0), -EINVAL);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, &cpu_online_mask));
}

static void cpu_hotplug_refuses_bad_number(struct kunit *test)
{
	unsigned int online = num_online_cpus();

	KUNIT_EXPECT_EQ(test, remove_cpu(nr_cpu_ids), -EINVAL);
	KUNIT_EXPECT_EQ(test, add_cpu(nr_cpu_ids), -EINVAL);
	KUNIT_EXPECT_EQ(test, remove_cpu(4096), -EINVAL);
	KUNIT_EXPECT_EQ(test, add_cpu(-1U), -EINVAL);
	KUNIT_EXPECT_EQ(test, num_online_cpus(), online);
}

/* Asleep on the CPU that goes offline; returns where it woke. */
static int sleeper(void *unused)
{
	msleep(SLEEPER_MS);
	return (int)smp_processor_id();
}

static int where_am_i(void *unused)
{
	return (int)smp_processor_id();
}

static void note_cpu(void *info)
{
	__atomic_store_n((int *)info, (int)smp_processor_id(), __ATOMIC_SEQ_CST);
}

static void check_offline(struct kunit *test, unsigned int cpu)
{
	int hit = -1;
	u64 ticks;

	KUNIT_EXPECT_FALSE(test, cpumask_test_cpu(cpu, &cpu_online_mask));
	KUNIT_EXPECT_TRUE(test, kthread_run(where_am_i, NULL, "offl", cpu) == NULL);
	KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, note_cpu, &hit, true),
			-ENODEV);
	ticks = cpu_ticks(cpu);
	msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, cpu_ticks(cpu), ticks);
	KUNIT_EXPECT_EQ(test, hit, -1);
	/* Again: nothing to do, no error. */
	KUNIT_EXPECT_EQ(test, remove_cpu(cpu), 0);
}

static void check_online(struct kunit *test, unsigned int cpu)
{
	struct thread *t;
	int hit = -1;

	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(cpu, &cpu_online_mask));
	t = kthread_run(where_am_i, NULL, "onl", cpu);
	KUNIT_ASSERT_TRUE(test, t != NULL);
	KUNIT_EXPECT_EQ(test, kthread_join(t), (int)cpu);
	KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, note_cpu, &hit, true), 0);
	KUNIT_EXPECT_EQ(test, hit, (int)cpu);
	t = kthread_run(selftest_busy_ticks, (void *)(uintptr_t)BUSY_TICKS, "busy", cpu);
	KUNIT_ASSERT_TRUE(test, t != NULL);
	KUNIT_EXPECT_LE(test, BUSY_TICKS, kthread_join(t));
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
}

/* The highest online CPU: the toolstack may have taken others offline. */
static unsigned int last_online_cpu(void)
{
	unsigned int cpu, last = 0;

	for_each_cpu(cpu, &cpu_online_mask)
		last = cpu;
	return last;
}

static void cpu_hotplug_offline_online(struct kunit *test)
{
	unsigned int cpu = last_online_cpu(), online = num_online_cpus();

	if (!kunit_need_cpus(test, 2))
		return;
	if (!cpu_hotplug_supported()) {
		kunit_skip(test, "the platform has no CPU hot-plug");
		return;
	}
	for (unsigned int round = 0; round < ROUNDS; round++) {
		struct thread *t = kthread_run(sleeper, NULL, "sleeper", cpu);

		KUNIT_ASSERT_TRUE(test, t != NULL);
		msleep(20);		/* asleep on @cpu by now */
		KUNIT_ASSERT_TRUE(test, remove_cpu(cpu) == 0);
		check_offline(test, cpu);
		KUNIT_EXPECT_EQ(test, kthread_join(t), 0);
		KUNIT_ASSERT_TRUE(test, add_cpu(cpu) == 0);
		check_online(test, cpu);
	}
	KUNIT_EXPECT_EQ(test, num_online_cpus(), online);
}

SELFTEST_SUITE(cpu_hotplug,
	KUNIT_CASE(cpu_hotplug_refuses_cpu0),
	KUNIT_CASE(cpu_hotplug_refuses_bad_number),
	KUNIT_CASE(cpu_hotplug_offline_online));
