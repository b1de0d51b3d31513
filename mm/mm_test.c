// SPDX-License-Identifier: MIT
/*
 * Self-tests of the frame allocator and kmalloc, including a stress run
 * on every CPU at once that checks no two live allocations overlap.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>

#define STRESS_ROUNDS 3000
#define STRESS_LIVE 48
#define PAGE_BYTES 4096

static void mm_pages_are_distinct_and_aligned(struct kunit *test)
{
	void *p[8];
	u64 before = free_frames();

	for (unsigned int order = 0; order < 4; order++) {
		void *a = alloc_pages(order), *b = alloc_pages(order);

		KUNIT_ASSERT_TRUE(test, a && b);
		KUNIT_EXPECT_NE(test, (unsigned long)a, (unsigned long)b);
		KUNIT_EXPECT_EQ(test, (unsigned long)a & ((PAGE_BYTES << order) - 1), 0);
		memset(a, 0xa5, PAGE_BYTES << order);
		memset(b, 0x5a, PAGE_BYTES << order);
		KUNIT_EXPECT_EQ(test, ((u8 *)a)[(PAGE_BYTES << order) - 1], 0xa5);
		free_pages(a, order);
		free_pages(b, order);
	}
	for (int i = 0; i < 8; i++)
		p[i] = alloc_pages(0);
	for (int i = 0; i < 8; i++)
		free_pages(p[i], 0);
	KUNIT_EXPECT_EQ(test, free_frames(), before);
}

static void mm_alloc_exhaustion_fails_cleanly(struct kunit *test)
{
	/* Far more than any test machine has: must fail, not wrap. */
	KUNIT_EXPECT_TRUE(test, alloc_pages(40) == NULL);
	KUNIT_EXPECT_TRUE(test, kmalloc(0) == NULL);
}

static void mm_kmalloc_sizes(struct kunit *test)
{
	static const size_t sizes[] = { 1, 8, 16, 17, 100, 1000, 2048, 2049, 5000, 70000 };
	void *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kzalloc(sizes[i]);
		KUNIT_ASSERT_TRUE(test, p[i] != NULL);
		KUNIT_EXPECT_EQ(test, ((u8 *)p[i])[sizes[i] - 1], 0);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		const u8 *b = p[i];

		KUNIT_EXPECT_EQ(test, b[0], i + 1);
		KUNIT_EXPECT_EQ(test, b[sizes[i] - 1], i + 1);
		kfree(p[i]);
	}
	kfree(NULL);
}

struct stress_slot {
	u64 *p;
	size_t words;
	u64 tag;
};

static u64 next_rand(u64 *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Each live block is filled with its own tag; any overlap corrupts one. */
static bool slot_intact(const struct stress_slot *s)
{
	for (size_t w = 0; w < s->words; w++)
		if (s->p[w] != s->tag)
			return false;
	return true;
}

static int stress_worker(void *arg)
{
	struct stress_slot slots[STRESS_LIVE] = { 0 };
	u64 seed = 0x1234 + smp_processor_id() * 7919;
	int errors = 0;

	for (int i = 0; i < STRESS_ROUNDS; i++) {
		struct stress_slot *s = &slots[next_rand(&seed) % STRESS_LIVE];

		if (s->p) {
			errors += !slot_intact(s);
			kfree(s->p);
			s->p = NULL;
			continue;
		}
		s->words = 1 + next_rand(&seed) % 600;
		s->p = kmalloc(s->words * 8);
		if (!s->p)
			return -ENOMEM;
		s->tag = ((u64)smp_processor_id() << 48) | (u64)i << 8 | 0x5a;
		for (size_t w = 0; w < s->words; w++)
			s->p[w] = s->tag;
	}
	for (int k = 0; k < STRESS_LIVE; k++) {
		if (slots[k].p) {
			errors += !slot_intact(&slots[k]);
			kfree(slots[k].p);
		}
	}
	return errors;
}

static void mm_stress_all_cpus(struct kunit *test)
{
	struct thread *t[NR_CPUS] = { 0 };
	unsigned int cpu, started = 0;

	for_each_cpu(cpu, &cpu_online_mask) {
		t[cpu] = kthread_run(stress_worker, NULL, "mmstress", cpu);
		started += t[cpu] != NULL;
	}
	KUNIT_EXPECT_EQ(test, started, num_online_cpus());
	for_each_cpu(cpu, &cpu_online_mask)
		if (t[cpu])
			KUNIT_EXPECT_EQ(test, kthread_join(t[cpu]), 0);
	kunit_info(test, "%u CPUs, %d rounds each", started, STRESS_ROUNDS);
}

SELFTEST_SUITE(mm,
	KUNIT_CASE(mm_pages_are_distinct_and_aligned),
	KUNIT_CASE(mm_alloc_exhaustion_fails_cleanly),
	KUNIT_CASE(mm_kmalloc_sizes),
	KUNIT_CASE(mm_stress_all_cpus));
