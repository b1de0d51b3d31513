// SPDX-License-Identifier: MIT
/*
 * Self-tests of kernel mappings: map, remap and unmap through pv_ops, and
 * TLB coherence across CPUs: a CPU that cached a translation must see
 * the new frame after the shootdown.  They hold for every backend; how
 * a backend does the shootdown is its own test's business (Xen PV:
 * arch/x86/xen/mmu_pv_test.c).
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/extable.h>

#define PATTERN_A 0xaaaaaaaa11111111ULL
#define PATTERN_B 0xbbbbbbbb22222222ULL

struct tlb_probe {
	unsigned long va;
	u64 seen;
};

/* Read through the mapping on the target CPU (fills its TLB). */
static void read_on_cpu(void *info)
{
	struct tlb_probe *p = info;

	p->seen = *(volatile u64 *)p->va;
}

static u64 *new_page(u64 pattern)
{
	u64 *p = alloc_page_zeroed();

	if (p)
		for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
			p[i] = pattern;
	return p;
}

static void pgtable_map_remap_unmap(struct kunit *test)
{
	u64 *a = new_page(PATTERN_A), *b = new_page(PATTERN_B);
	unsigned long va = vmap_reserve(PAGE_SIZE);

	KUNIT_ASSERT_TRUE(test, a && b && va);
	KUNIT_EXPECT_EQ(test, map_page(va, __pa(a), MAP_WRITE), 0);
	KUNIT_EXPECT_EQ(test, virt_to_phys_walk(va), __pa(a));
	KUNIT_EXPECT_EQ(test, *(volatile u64 *)va, PATTERN_A);
	*(volatile u64 *)(va + 8) = 42;
	KUNIT_EXPECT_EQ(test, a[1], 42);
	KUNIT_EXPECT_EQ(test, map_page(va, __pa(b), MAP_WRITE), 0);
	KUNIT_EXPECT_EQ(test, *(volatile u64 *)va, PATTERN_B);
	KUNIT_EXPECT_EQ(test, unmap_page(va), 0);
	KUNIT_EXPECT_EQ(test, virt_to_phys_walk(va), (phys_addr_t)-1);
	KUNIT_EXPECT_EQ(test, map_page(va + 1, __pa(a), 0), -EINVAL);
	free_pages(a, 0);
	free_pages(b, 0);
}

static void pgtable_unmapped_access_faults(struct kunit *test)
{
	u64 *a = new_page(PATTERN_A);
	unsigned long va = vmap_reserve(PAGE_SIZE);
	u64 v;

	KUNIT_ASSERT_TRUE(test, a && va);
	KUNIT_EXPECT_EQ(test, probe_read_u64((void *)va, &v), -EFAULT);
	KUNIT_EXPECT_EQ(test, map_page(va, __pa(a), 0), 0);
	KUNIT_EXPECT_EQ(test, probe_read_u64((void *)va, &v), 0);
	KUNIT_EXPECT_EQ(test, v, PATTERN_A);
	KUNIT_EXPECT_EQ(test, unmap_page(va), 0);
	KUNIT_EXPECT_EQ(test, probe_read_u64((void *)va, &v), -EFAULT);
	free_pages(a, 0);
}

static void pgtable_tlb_shootdown_cross_cpu(struct kunit *test)
{
	struct tlb_probe probe = { 0 };
	unsigned int cpu, self = smp_processor_id(), checked = 0;
	u64 *a, *b;

	if (!kunit_need_cpus(test, 2))
		return;
	a = new_page(PATTERN_A);
	b = new_page(PATTERN_B);
	probe.va = vmap_reserve(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, a && b && probe.va);
	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == self)
			continue;
		KUNIT_EXPECT_EQ(test, map_page(probe.va, __pa(a), MAP_WRITE), 0);
		flush_tlb_all_cpus(probe.va);
		smp_call_function_single(cpu, read_on_cpu, &probe, true);
		KUNIT_EXPECT_EQ(test, probe.seen, PATTERN_A);
		/* Remap here, shoot down, and the other CPU must see B. */
		KUNIT_EXPECT_EQ(test, map_page(probe.va, __pa(b), MAP_WRITE), 0);
		flush_tlb_all_cpus(probe.va);
		smp_call_function_single(cpu, read_on_cpu, &probe, true);
		KUNIT_EXPECT_EQ(test, probe.seen, PATTERN_B);
		checked++;
	}
	unmap_page(probe.va);
	flush_tlb_all_cpus(probe.va);
	KUNIT_EXPECT_EQ(test, checked, num_online_cpus() - 1);
	free_pages(a, 0);
	free_pages(b, 0);
}

struct remap_race {
	unsigned long va;
	int errors;
};

/* Every CPU maps and checks its own pages at the same time. */
static void map_own_pages(void *info)
{
	struct remap_race *r = info;
	unsigned long va = r->va + smp_processor_id() * 8 * PAGE_SIZE;

	for (int i = 0; i < 8; i++) {
		u64 *page = new_page(((u64)smp_processor_id() << 32) | i);

		if (!page || map_page(va + i * PAGE_SIZE, __pa(page), MAP_WRITE)) {
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		if (*(volatile u64 *)(va + i * PAGE_SIZE) != (((u64)smp_processor_id() << 32) | i))
			__atomic_fetch_add(&r->errors, 1, __ATOMIC_SEQ_CST);
		unmap_page(va + i * PAGE_SIZE);
		free_pages(page, 0);
	}
}

static void pgtable_concurrent_mapping(struct kunit *test)
{
	static struct remap_race r;

	/* Alone, this CPU maps its pages with nobody to race against. */
	if (!kunit_need_cpus(test, 2))
		return;
	r.errors = 0;
	r.va = vmap_reserve(NR_CPUS * 8 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, r.va != 0);
	smp_call_function_many(&cpu_online_mask, map_own_pages, &r, true);
	map_own_pages(&r);
	KUNIT_EXPECT_EQ(test, r.errors, 0);
}

SELFTEST_SUITE(pgtable,
	KUNIT_CASE(pgtable_map_remap_unmap),
	KUNIT_CASE(pgtable_unmapped_access_faults),
	KUNIT_CASE(pgtable_tlb_shootdown_cross_cpu),
	KUNIT_CASE(pgtable_concurrent_mapping));
