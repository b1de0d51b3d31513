// SPDX-License-Identifier: MIT
/*
 * Self-tests of the PV MMU's hypercall batching (multicalls.c): page-
 * table writes in lazy MMU mode are queued and issued a batch at a time,
 * outside it each write is its own hypercall, and either way the
 * mappings end up right; a TLB shootdown of every other vCPU is one
 * hypercall, however many there are; a context switch's stack switch,
 * page tables and FS base are one multicall.
 *
 * Hypercalls are counted on this vCPU with events masked, so a timer
 * upcall (which re-arms the timer with a hypercall) cannot add to the
 * count.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/mm.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>

#define NR_UPDATES	1000
#define NR_FRAMES	4		/* page i maps frame i % NR_FRAMES */
#define MC_BATCH	512		/* PTE writes per batch (multicalls.c) */
#define EAGER_UPDATES	100
#define PROT		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
/*
 * The boot page tables (paging_init) may cost a few hypercalls plus two
 * per MiB mapped: about one batch of 512 PTE writes and one pin per
 * 2 MiB.  One hypercall per page would be 256 per MiB.
 */
#define BOOT_PT_FIXED	64
#define BOOT_PT_PER_MIB	2

struct test_map {
	unsigned long va;
	u64 *frames[NR_FRAMES];
	pteval_t *ptes[NR_UPDATES];
};

static bool need_xen(struct kunit *test)
{
	if (strcmp(arch_platform_name(), "xen-pv")) {
		kunit_skip(test, "not a Xen PV guest (%s)", arch_platform_name());
		return false;
	}
	return true;
}

static u64 pattern(unsigned int frame)
{
	return 0x5a5a000000000000ULL | frame;
}

static u64 hypercalls(void)
{
	return READ_ONCE(xen_this_cpu()->hypercalls);
}

static unsigned long page_va(const struct test_map *m, unsigned int i)
{
	return m->va + (unsigned long)i * PAGE_SIZE;
}

/*
 * NR_UPDATES pages of kernel address space all mapping frame 0, with
 * their page tables in place, so later updates are plain PTE writes.
 */
static bool setup_map(struct kunit *test, struct test_map *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned int f = 0; f < NR_FRAMES; f++) {
		m->frames[f] = alloc_page_zeroed();
		if (!m->frames[f]) {
			kunit_fail(test, __FILE__, __LINE__, "out of pages");
			return false;
		}
		for (unsigned int w = 0; w < PAGE_SIZE / 8; w++)
			m->frames[f][w] = pattern(f);
	}
	m->va = vmap_reserve((size_t)NR_UPDATES * PAGE_SIZE);
	if (!m->va) {
		kunit_fail(test, __FILE__, __LINE__, "no virtual space");
		return false;
	}
	for (unsigned int i = 0; i < NR_UPDATES; i++) {
		if (map_page(page_va(m, i), __pa(m->frames[0]), MAP_WRITE) ||
		    !(m->ptes[i] = lookup_pte(page_va(m, i)))) {
			kunit_fail(test, __FILE__, __LINE__, "mapping page %u failed", i);
			return false;
		}
	}
	return true;
}

/* Every page maps the frame it should and reads its pattern. */
static unsigned int check_map(const struct test_map *m, bool spread)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < NR_UPDATES; i++) {
		unsigned int f = spread ? i % NR_FRAMES : 0;

		if (virt_to_phys_walk(page_va(m, i)) != __pa(m->frames[f]) ||
		    *(volatile u64 *)page_va(m, i) != pattern(f))
			bad++;
	}
	return bad;
}

static void teardown_map(struct test_map *m)
{
	if (m->va) {
		unsigned long flags = arch_local_irq_save();

		arch_enter_lazy_mmu_mode();
		for (unsigned int i = 0; i < NR_UPDATES; i++)
			if (m->ptes[i])
				set_pte(m->ptes[i], 0);
		arch_leave_lazy_mmu_mode();
		flush_tlb_local();
		arch_local_irq_restore(flags);
	}
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		if (m->frames[f])
			free_pages(m->frames[f], 0);
}

static void xen_mmu_lazy_mode_batches_updates(struct kunit *test)
{
	static struct test_map m;
	unsigned long flags;
	u64 h0, used;

	if (!need_xen(test) || !setup_map(test, &m))
		goto out;
	flags = arch_local_irq_save();
	h0 = hypercalls();
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < NR_UPDATES; i++)
		set_pte(m.ptes[i], make_pte(__pa(m.frames[i % NR_FRAMES]) | PROT));
	arch_leave_lazy_mmu_mode();
	used = hypercalls() - h0;
	flush_tlb_local();
	arch_local_irq_restore(flags);
	kunit_info(test, "%u PTE updates in lazy mode: %llu hypercalls",
		   NR_UPDATES, (unsigned long long)used);
	KUNIT_EXPECT_LE(test, used, (NR_UPDATES + MC_BATCH - 1) / MC_BATCH + 2);
	KUNIT_EXPECT_TRUE(test, used >= 1);
	KUNIT_EXPECT_EQ(test, check_map(&m, true), 0);
out:
	teardown_map(&m);
}

static void xen_mmu_eager_update_is_one_hypercall(struct kunit *test)
{
	static struct test_map m;
	unsigned long flags;
	u64 h0, used;

	if (!need_xen(test) || !setup_map(test, &m))
		goto out;
	flags = arch_local_irq_save();
	h0 = hypercalls();
	for (unsigned int i = 0; i < EAGER_UPDATES; i++)
		set_pte(m.ptes[i], make_pte(__pa(m.frames[i % NR_FRAMES]) | PROT));
	used = hypercalls() - h0;
	flush_tlb_local();
	arch_local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, used, EAGER_UPDATES);
	/* The rest still map frame 0; the first ones moved. */
	for (unsigned int i = 0; i < EAGER_UPDATES; i++)
		KUNIT_EXPECT_EQ(test, virt_to_phys_walk(page_va(&m, i)),
				__pa(m.frames[i % NR_FRAMES]));
	KUNIT_EXPECT_EQ(test, *(volatile u64 *)page_va(&m, 1), pattern(1));
	KUNIT_EXPECT_EQ(test, *(volatile u64 *)page_va(&m, EAGER_UPDATES), pattern(0));
out:
	teardown_map(&m);
}

/* Nested lazy sections flush only when the outermost one ends. */
static void xen_mmu_lazy_mode_nests(struct kunit *test)
{
	static struct test_map m;
	unsigned long flags;
	u64 h0, inner, outer;

	if (!need_xen(test) || !setup_map(test, &m))
		goto out;
	flags = arch_local_irq_save();
	h0 = hypercalls();
	arch_enter_lazy_mmu_mode();
	arch_enter_lazy_mmu_mode();
	for (unsigned int i = 0; i < 8; i++)
		set_pte(m.ptes[i], make_pte(__pa(m.frames[i % NR_FRAMES]) | PROT));
	arch_leave_lazy_mmu_mode();
	inner = hypercalls() - h0;
	arch_leave_lazy_mmu_mode();
	outer = hypercalls() - h0;
	flush_tlb_local();
	arch_local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, inner, 0);
	KUNIT_EXPECT_EQ(test, outer, 1);
	KUNIT_EXPECT_EQ(test, *(volatile u64 *)page_va(&m, 3), pattern(3));
out:
	teardown_map(&m);
}

static void read_word(void *info)
{
	unsigned long *va_val = info;

	va_val[1] = *(volatile u64 *)va_val[0];
}

/*
 * Every other vCPU reads the word at probe[0] through its own TLB and
 * must find @want; each read starts from 0, so a vCPU that did not run
 * read_word cannot pass on another one's answer.
 */
static void expect_others_read(struct kunit *test, unsigned long probe[2],
			       unsigned long want)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == self)
			continue;
		probe[1] = 0;
		KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, read_word,
							       probe, true), 0);
		KUNIT_EXPECT_EQ(test, probe[1], want);
	}
}

/*
 * flush_tlb_all_cpus(): the local MMUEXT_INVLPG_LOCAL plus one
 * MMUEXT_INVLPG_MULTI for all other vCPUs, not one per vCPU (and not an
 * IPI each).  Every other vCPU cached the old translation first and must
 * see the new frame after.
 */
static void xen_mmu_tlb_shootdown_is_two_hypercalls(struct kunit *test)
{
	static struct test_map m;
	unsigned long probe[2], flags;
	u64 h0, used;

	if (!need_xen(test) || !kunit_need_cpus(test, 2) || !setup_map(test, &m))
		goto out;
	probe[0] = page_va(&m, 0);
	expect_others_read(test, probe, pattern(0));
	flags = arch_local_irq_save();
	set_pte(m.ptes[0], make_pte(__pa(m.frames[1]) | PROT));
	h0 = hypercalls();
	flush_tlb_all_cpus(page_va(&m, 0));
	used = hypercalls() - h0;
	arch_local_irq_restore(flags);
	kunit_info(test, "shootdown of %u other vCPUs: %llu hypercalls",
		   num_online_cpus() - 1, (unsigned long long)used);
	KUNIT_EXPECT_EQ(test, used, 2);
	expect_others_read(test, probe, pattern(1));
out:
	teardown_map(&m);
}

static void xen_mmu_boot_page_tables_are_batched(struct kunit *test)
{
	u64 bytes, used, mib, bound;

	if (!need_xen(test))
		return;
	used = mm_boot_pt_cost(&bytes);
	mib = (bytes + (1ULL << 20) - 1) >> 20;
	bound = BOOT_PT_FIXED + BOOT_PT_PER_MIB * mib;
	kunit_info(test, "boot page tables for %llu MiB: %llu hypercalls (bound %llu)",
		   (unsigned long long)mib, (unsigned long long)used,
		   (unsigned long long)bound);
	KUNIT_EXPECT_TRUE(test, mib >= 1);
	KUNIT_EXPECT_TRUE(test, used >= 1);
	KUNIT_EXPECT_LE(test, used, bound);
}

/* An empty range and one that wraps are refused, not half mapped. */
static void xen_mmu_ioremap_refuses_bad_ranges(struct kunit *test)
{
	if (!need_xen(test))
		return;
	KUNIT_EXPECT_TRUE(test, xen_ioremap_ro(0xf0000, 0) == NULL);
	KUNIT_EXPECT_TRUE(test, xen_ioremap_ro(~0ULL - 8, 64) == NULL);
}

/*
 * A process root's second page is the root user mode runs on: it holds
 * the same user-half entries as the root, in step with every change,
 * and nothing of the kernel (Xen makes kernel pages user-accessible, so
 * mapping any of it there would hand the kernel to user code).  Slots
 * 256-271 are Xen's own, which it fills in every root it validates.
 */
#define XEN_SLOTS_END	272
#define USER_VA_LOW	0x400000UL		/* slot 0 */
#define USER_VA_HIGH	0x00007f0000000000UL	/* slot 254 */

static void xen_mmu_user_root_maps_user_half_only(struct kunit *test)
{
	unsigned int low = pt_index(USER_VA_LOW, PT_LEVEL_P4D);
	unsigned int high = pt_index(USER_VA_HIGH, PT_LEVEL_P4D);
	unsigned int kernel_entries = 0, user_kernel_entries = 0;
	void *a = alloc_page_zeroed(), *b = alloc_page_zeroed();
	pteval_t *pgd, *user;

	if (!need_xen(test))
		goto out;
	KUNIT_ASSERT_TRUE(test, a && b);
	pgd = pgd_alloc();
	KUNIT_ASSERT_TRUE(test, pgd != NULL);
	user = pgd + PTRS_PER_TABLE;
	KUNIT_EXPECT_EQ(test, map_user_page(pgd, USER_VA_LOW, __pa(a), MAP_WRITE), 0);
	KUNIT_EXPECT_EQ(test, map_user_page(pgd, USER_VA_HIGH, __pa(b), 0), 0);
	a = b = NULL;		/* the address space owns them now */
	KUNIT_EXPECT_TRUE(test, pgd[low] & _PAGE_PRESENT);
	KUNIT_EXPECT_EQ(test, user[low], pgd[low]);
	KUNIT_EXPECT_EQ(test, user[high], pgd[high]);
	for (unsigned int i = 0; i < PTRS_PER_TABLE / 2; i++)
		if (i != low && i != high)
			KUNIT_EXPECT_EQ(test, user[i], 0);
	for (unsigned int i = XEN_SLOTS_END; i < PTRS_PER_TABLE; i++) {
		kernel_entries += !!(pgd[i] & _PAGE_PRESENT);
		user_kernel_entries += !!user[i];
	}
	kunit_info(test, "root %#llx: %u kernel-half entries, user root %u",
		   (unsigned long long)__pa(pgd), kernel_entries,
		   user_kernel_entries);
	KUNIT_EXPECT_TRUE(test, kernel_entries >= 2);	/* direct map, image */
	KUNIT_EXPECT_EQ(test, user_kernel_entries, 0);
	pgd_free(pgd);
out:
	if (a)
		free_pages(a, 0);
	if (b)
		free_pages(b, 0);
}

/*
 * Lazy CPU mode: what a switch to a user process loads (the kernel
 * stack Xen switches to, the page tables with their user root, the FS
 * base) costs one hypercall, a multicall, issued when the switch ends.
 * The values loaded are this vCPU's current ones.
 */
static void xen_mmu_context_switch_is_one_multicall(struct kunit *test)
{
	unsigned long flags, cr3;
	u64 fs, h0, used;

	if (!need_xen(test))
		return;
	flags = arch_local_irq_save();
	cr3 = read_cr3();
	fs = rdmsr(MSR_FS_BASE);
	h0 = hypercalls();
	arch_start_context_switch();
	load_sp0(this_cpu()->kernel_sp);
	write_cr3(cr3);
	wrmsr(MSR_FS_BASE, fs);
	KUNIT_EXPECT_EQ(test, hypercalls() - h0, 0);
	arch_end_context_switch();
	used = hypercalls() - h0;
	arch_local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, used, 1);
	KUNIT_EXPECT_EQ(test, read_cr3(), cr3);
	KUNIT_EXPECT_EQ(test, rdmsr(MSR_FS_BASE), fs);
}

SELFTEST_SUITE(xen_mmu,
	KUNIT_CASE(xen_mmu_context_switch_is_one_multicall),
	KUNIT_CASE(xen_mmu_lazy_mode_batches_updates),
	KUNIT_CASE(xen_mmu_eager_update_is_one_hypercall),
	KUNIT_CASE(xen_mmu_lazy_mode_nests),
	KUNIT_CASE(xen_mmu_tlb_shootdown_is_two_hypercalls),
	KUNIT_CASE(xen_mmu_boot_page_tables_are_batched),
	KUNIT_CASE(xen_mmu_ioremap_refuses_bad_ranges),
	KUNIT_CASE(xen_mmu_user_root_maps_user_half_only));
