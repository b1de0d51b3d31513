// SPDX-License-Identifier: MIT
/*
 * The MMU of a Xen PV guest: page-table ops, pinning, CR3, the early
 * direct map, and mappings of machine frames.
 *
 * Page tables hold machine frame numbers and are read-only to the guest:
 * every entry is written with mmu_update (batched, see multicalls.c) and
 * Xen validates it.  The kernel keeps thinking in pseudo-physical frames;
 * make_pte/pte_val translate through the P2M and M2P (p2m.c).
 *
 * A page becomes a page table (alloc_pt) by being made read-only in
 * every mapping the kernel has of it and pinned at its level; a leaf
 * entry that would map a page table writable is written read-only.
 *
 * User mode runs on a root of its own (MMUEXT_NEW_USER_BASEPTR): Xen
 * makes every kernel page user-accessible (the kernel runs in ring 3
 * too), so that root maps the user half only.  It is the second page of
 * the process's root (PGD_ALLOC_ORDER) and holds a copy of the root's
 * user-half entries, which set_p4d keeps in step.
 */
#include <pvk/kernel.h>
#include <pvk/bitmap_alloc.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/platform.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/user_pv.h>

/* A writable kernel page, and an entry pointing at a page table. */
#define PTE_FLAGS_KERNEL (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_FLAGS_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
/* A page table's own mapping: read-only, or Xen refuses to pin it. */
#define PTE_FLAGS_PT_RO	(_PAGE_PRESENT | _PAGE_ACCESSED)
#define EARLY_L1_MAX	64		/* early map: up to 128 MiB past v_end */
/*
 * Where Xen's boot tables map the kernel image (KERNEL_MAP): its L4 and
 * L3 slots (511 and 510), above the L2 the early map extends.
 */
#define KERNEL_L4_SLOT	pt_index(KERNEL_MAP, PT_LEVEL_P4D)
#define KERNEL_L3_SLOT	pt_index(KERNEL_MAP, PT_LEVEL_PUD)
#define EARLY_MAP_MAX	(1UL << 30)	/* one L2 of the initial tables */
/*
 * Page-table frames known before the bitmap exists: Xen's boot tables,
 * the early map's L1s and its L3.
 */
#define MAX_BOOT_PT_RANGES 4
/* The early map takes at most 1/EARLY_L1_PADDING_SHARE of Xen's padding. */
#define EARLY_L1_PADDING_SHARE 2

static phys_addr_t xen_cr3[NR_CPUS];
static phys_addr_t xen_boot_pgd;		/* Xen's tables, until left */
static u64 xen_early_limit;
static bool xen_direct_map_ready;
static unsigned int xen_pt_pinned;

/* The direct map's L3 while Xen's boot page tables are in use. */
static pteval_t xen_early_l3[PTRS_PER_TABLE] __aligned(PAGE_SIZE);

/* Page-table pages: boot ranges until the bitmap exists, then the bitmap. */
struct pfn_range {
	unsigned long start, end;
};
static struct pfn_range boot_pts[MAX_BOOT_PT_RANGES];
static unsigned int nr_boot_pts;
static unsigned long *pt_bitmap;
/* Process roots (pgd_alloc): their next page is their user root. */
static unsigned long *user_root_bitmap;

/* Where the kernel can read a page table: the direct map once it exists. */
static void *pt_va(phys_addr_t pa)
{
	return xen_direct_map_ready ? __va(pa) : (void *)(KERNEL_MAP + pa);
}

static bool is_pt_pfn(unsigned long pfn)
{
	if (pt_bitmap)
		return pfn < xen_max_pfn &&
		       (pt_bitmap[pfn / BITMAP_ALLOC_BITS_PER_LONG] >>
			(pfn % BITMAP_ALLOC_BITS_PER_LONG)) & 1;
	for (unsigned int i = 0; i < nr_boot_pts; i++)
		if (pfn >= boot_pts[i].start && pfn < boot_pts[i].end)
			return true;
	return false;
}

static void mark_pt(unsigned long pfn, bool on)
{
	if (!pt_bitmap) {
		size_t bytes = ALIGN_UP(BITMAP_ALLOC_LONGS(xen_max_pfn) *
					sizeof(unsigned long), PAGE_SIZE);
		unsigned int order = 0;

		while ((PAGE_SIZE << order) < bytes)
			order++;
		pt_bitmap = alloc_pages(order);
		if (!pt_bitmap)
			panic("xen: no memory for the page-table bitmap");
		memset(pt_bitmap, 0, PAGE_SIZE << order);
		for (unsigned int i = 0; i < nr_boot_pts; i++)
			for (unsigned long p = boot_pts[i].start; p < boot_pts[i].end; p++)
				pt_bitmap[p / BITMAP_ALLOC_BITS_PER_LONG] |=
					1UL << (p % BITMAP_ALLOC_BITS_PER_LONG);
	}
	if (pfn >= xen_max_pfn)
		return;
	if (on)
		pt_bitmap[pfn / BITMAP_ALLOC_BITS_PER_LONG] |= 1UL << (pfn % BITMAP_ALLOC_BITS_PER_LONG);
	else
		pt_bitmap[pfn / BITMAP_ALLOC_BITS_PER_LONG] &= ~(1UL << (pfn % BITMAP_ALLOC_BITS_PER_LONG));
}

static bool is_user_root(unsigned long pfn)
{
	unsigned long *b = READ_ONCE(user_root_bitmap);

	return b && pfn < xen_max_pfn &&
	       (__atomic_load_n(&b[pfn / BITMAP_ALLOC_BITS_PER_LONG], __ATOMIC_RELAXED) >>
		(pfn % BITMAP_ALLOC_BITS_PER_LONG)) & 1;
}

static void mark_user_root(unsigned long pfn, bool on)
{
	unsigned long bit = 1UL << (pfn % BITMAP_ALLOC_BITS_PER_LONG);
	unsigned long *w = &user_root_bitmap[pfn / BITMAP_ALLOC_BITS_PER_LONG];

	if (on)
		__atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(w, ~bit, __ATOMIC_RELAXED);
}

/* The level-1 entry mapping @va in the tree rooted at @pgd, or NULL. */
static pteval_t *xen_walk(phys_addr_t pgd, unsigned long va)
{
	pteval_t *t = pt_va(pgd);

	for (int l = PT_LEVEL_P4D; l > PT_LEVEL_PTE; l--) {
		pteval_t e = t[pt_index(va, l)];
		unsigned long pfn;

		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return NULL;
		pfn = mfn_to_pfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
		if (pfn >= xen_max_pfn)
			return NULL;
		t = pt_va(PFN_PHYS(pfn));
	}
	return &t[pt_index(va, PT_LEVEL_PTE)];
}

/* Queue making @va read-only (or writable again) in one tree. */
static void queue_protect(phys_addr_t pgd, unsigned long va, bool ro)
{
	pteval_t *p = xen_walk(pgd, va);
	pteval_t v, nv;

	if (!p)
		return;
	v = READ_ONCE(*p);
	if (!(v & _PAGE_PRESENT))
		return;
	nv = ro ? v & ~_PAGE_RW : v | _PAGE_RW;
	if (nv != v)
		xen_mc_queue_mmu_update(virt_to_machine(p) | MMU_NORMAL_PT_UPDATE, nv);
}

/* Every mapping the kernel may have of @pfn: direct map and image. */
static void queue_protect_all(unsigned long pfn, bool ro)
{
	phys_addr_t pa = PFN_PHYS(pfn);
	phys_addr_t trees[2] = { xen_cr3[smp_processor_id()], 0 };

	if (kernel_pgd && __pa(kernel_pgd) != trees[0])
		trees[1] = __pa(kernel_pgd);
	for (unsigned int i = 0; i < 2 && trees[i]; i++) {
		queue_protect(trees[i], (unsigned long)__va(pa), ro);
		if (pa < EARLY_MAP_MAX)
			queue_protect(trees[i], KERNEL_MAP + pa, ro);
	}
}

static unsigned int pin_cmd(int level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		return MMUEXT_PIN_L1_TABLE;
	case PT_LEVEL_PMD:
		return MMUEXT_PIN_L2_TABLE;
	case PT_LEVEL_PUD:
		return MMUEXT_PIN_L3_TABLE;
	default:
		return MMUEXT_PIN_L4_TABLE;	/* the PML4 (4, or 5 from paging_init) */
	}
}

/*
 * pv_ops.mmu.alloc_pt: read-only everywhere, then pinned.  The mappings
 * to protect are read from the tables, so writes still queued go first.
 * In lazy mode the pin itself waits in the batch for the entry that
 * links the table in (set_upper flushes both at once).
 */
static void xen_alloc_pt(unsigned long pfn, int level)
{
	struct mmuext_op op = { .cmd = pin_cmd(level) };
	unsigned long flags = arch_local_irq_save();

	xen_mc_flush();
	mark_pt(pfn, true);
	queue_protect_all(pfn, true);
	op.arg1.mfn = pfn_to_mfn(pfn);
	xen_mc_queue_mmuext(&op);
	if (!xen_mc_lazy())
		xen_mc_flush();
	xen_pt_pinned++;
	arch_local_irq_restore(flags);
}

/* pv_ops.mmu.release_pt: unpinned, then writable again. */
static void xen_release_pt(unsigned long pfn, int level)
{
	struct mmuext_op op = { .cmd = MMUEXT_UNPIN_TABLE };
	unsigned long flags = arch_local_irq_save();

	op.arg1.mfn = pfn_to_mfn(pfn);
	xen_mc_queue_mmuext(&op);
	xen_mc_flush();
	mark_pt(pfn, false);
	queue_protect_all(pfn, false);
	xen_mc_flush();
	xen_pt_pinned--;
	arch_local_irq_restore(flags);
}

static pteval_t xen_make_pte(pteval_t val)
{
	unsigned long pfn, mfn;

	if (!(val & _PAGE_PRESENT))
		return val;
	pfn = (val & PTE_ADDR_MASK) >> PAGE_SHIFT;
	mfn = pfn_to_mfn(pfn);
	if (mfn == INVALID_MFN) {
		pr_err("xen: pfn %#lx has no machine frame; mapping dropped\n", pfn);
		return 0;
	}
	return (val & ~PTE_ADDR_MASK) | ((pteval_t)mfn << PAGE_SHIFT);
}

static pteval_t xen_pte_val(pteval_t raw)
{
	unsigned long pfn;

	if (!(raw & _PAGE_PRESENT))
		return raw;
	pfn = mfn_to_pfn((raw & PTE_ADDR_MASK) >> PAGE_SHIFT);
	return (raw & ~PTE_ADDR_MASK) | ((pteval_t)pfn << PAGE_SHIFT & PTE_ADDR_MASK);
}

static void xen_update_entry(pteval_t *ptep, pteval_t val)
{
	unsigned long flags = arch_local_irq_save();

	xen_mc_queue_mmu_update(virt_to_machine(ptep) | MMU_NORMAL_PT_UPDATE, val);
	if (!xen_mc_lazy())
		xen_mc_flush();
	arch_local_irq_restore(flags);
}

/* A leaf must not map a page table writable: Xen would refuse it. */
static void xen_set_pte(pteval_t *ptep, pteval_t val)
{
	if ((val & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW) &&
	    is_pt_pfn(mfn_to_pfn((val & PTE_ADDR_MASK) >> PAGE_SHIFT)))
		val &= ~_PAGE_RW;
	xen_update_entry(ptep, val);
}

/*
 * Issued at once even in lazy mode: the page-table walkers read upper
 * entries straight from memory to find (or else create) the next table.
 */
static void xen_set_upper(pteval_t *ptep, pteval_t val)
{
	unsigned long flags = arch_local_irq_save();

	xen_mc_queue_mmu_update(virt_to_machine(ptep) | MMU_NORMAL_PT_UPDATE, val);
	xen_mc_flush();
	arch_local_irq_restore(flags);
}

/*
 * pv_ops.mmu.set_p4d: an entry of a process root's user half goes into
 * its user root too, in the same batch.
 */
static void xen_set_p4d(pteval_t *ptep, pteval_t val)
{
	unsigned long addr = (unsigned long)ptep;
	int slot = xen_user_root_slot(addr & ~PAGE_MASK);
	unsigned long flags = arch_local_irq_save();

	xen_mc_queue_mmu_update(virt_to_machine(ptep) | MMU_NORMAL_PT_UPDATE, val);
	if (slot >= 0 && is_user_root(PFN_DOWN(__pa((void *)(addr & PAGE_MASK))))) {
		pteval_t *user = (pteval_t *)((addr & PAGE_MASK) + PAGE_SIZE);

		xen_mc_queue_mmu_update(virt_to_machine(&user[slot]) |
					MMU_NORMAL_PT_UPDATE, val);
	}
	xen_mc_flush();
	arch_local_irq_restore(flags);
}

/*
 * pv_ops.mmu.pgd_alloc: the page after the process root becomes its
 * user root, pinned as an L4 like every root (its user half is empty
 * yet: the root's is too).
 */
static int xen_pgd_alloc(pteval_t *pgd)
{
	unsigned long pfn = PFN_DOWN(__pa(pgd));

	if (!user_root_bitmap || pfn + 1 >= xen_max_pfn)
		return -ENOMEM;
	xen_alloc_pt(pfn + 1, PT_LEVEL_P4D);
	mark_user_root(pfn, true);
	return 0;
}

/* pv_ops.mmu.pgd_free: the root's user half is empty, so is its copy. */
static void xen_pgd_free(pteval_t *pgd)
{
	unsigned long pfn = PFN_DOWN(__pa(pgd));

	mark_user_root(pfn, false);
	xen_release_pt(pfn + 1, PT_LEVEL_P4D);
}

static void xen_mmuext(unsigned int cmd, unsigned long linear)
{
	struct mmuext_op op = { .cmd = cmd };
	unsigned long flags = arch_local_irq_save();

	op.arg1.linear_addr = linear;
	xen_mc_queue_mmuext(&op);
	if (!xen_mc_lazy())
		xen_mc_flush();
	arch_local_irq_restore(flags);
}

static void xen_flush_tlb_local(void)
{
	xen_mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static void xen_flush_tlb_one(unsigned long va)
{
	xen_mmuext(MMUEXT_INVLPG_LOCAL, va);
}

/*
 * pv_ops.mmu.flush_tlb_multi: one hypercall flushes every vCPU in the
 * mask (pvk's CPU numbers are the vCPU ids), instead of an IPI per CPU.
 */
static void xen_flush_tlb_multi(const struct cpumask *cpus, unsigned long va)
{
	struct mmuext_op op;
	unsigned long mask = cpus->bits;
	unsigned long flags;
	long rc;

	if (!mask)
		return;
	flags = arch_local_irq_save();
	xen_mc_flush();
	memset(&op, 0, sizeof(op));
	if (va == TLB_FLUSH_ALL) {
		op.cmd = MMUEXT_TLB_FLUSH_MULTI;
	} else {
		op.cmd = MMUEXT_INVLPG_MULTI;
		op.arg1.linear_addr = va;
	}
	set_xen_guest_handle(op.arg2.vcpumask, &mask);
	rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
	arch_local_irq_restore(flags);
	if (rc)
		pr_err("xen: remote TLB flush failed: %ld\n", rc);
}

static unsigned long xen_read_cr3(void)
{
	return xen_cr3[smp_processor_id()];
}

/*
 * MMUEXT_NEW_BASEPTR switches tables and flushes the (non-global) TLB;
 * MMUEXT_NEW_USER_BASEPTR in the same batch names the root user mode
 * runs on (a process root's user root; none for any other root, which
 * also lets go of the last process's).  Leaving Xen's boot tables for
 * good also unpins them: while pinned, their writable mappings of the
 * early map would keep those frames from ever becoming page tables.
 */
static void xen_write_cr3(unsigned long pa)
{
	struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };
	struct mmuext_op user = { .cmd = MMUEXT_NEW_USER_BASEPTR };
	unsigned int cpu = smp_processor_id();
	unsigned long flags = arch_local_irq_save();

	op.arg1.mfn = pfn_to_mfn(PFN_DOWN(pa));
	xen_mc_queue_mmuext(&op);
	if (is_user_root(PFN_DOWN(pa)))
		user.arg1.mfn = pfn_to_mfn(PFN_DOWN(pa) + 1);
	xen_mc_queue_mmuext(&user);
	if (xen_boot_pgd && xen_cr3[cpu] == xen_boot_pgd && pa != xen_boot_pgd) {
		struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE };

		unpin.arg1.mfn = pfn_to_mfn(PFN_DOWN(xen_boot_pgd));
		xen_mc_queue_mmuext(&unpin);
		xen_boot_pgd = 0;
	}
	/* In a context switch, the switch's end issues it with the rest. */
	if (!xen_mc_lazy_cpu())
		xen_mc_flush();
	xen_cr3[cpu] = pa;
	arch_local_irq_restore(flags);
}

static void xen_lazy_enter(void)
{
	xen_mc_enter_lazy();
}

static void xen_lazy_leave(void)
{
	xen_mc_leave_lazy();
}

static void xen_lazy_flush(void)
{
	unsigned long flags = arch_local_irq_save();

	xen_mc_flush();
	arch_local_irq_restore(flags);
}

/**
 * xen_init_mmu_ops - the Xen versions of pv_ops.mmu and the CR3 ops
 */
void xen_init_mmu_ops(void)
{
	pv_ops.mmu.make_pte = xen_make_pte;
	pv_ops.mmu.pte_val = xen_pte_val;
	pv_ops.mmu.set_pte = xen_set_pte;
	pv_ops.mmu.set_pmd = xen_set_upper;
	pv_ops.mmu.set_pud = xen_set_upper;
	pv_ops.mmu.set_p4d = xen_set_p4d;
	pv_ops.mmu.alloc_pt = xen_alloc_pt;
	pv_ops.mmu.release_pt = xen_release_pt;
	pv_ops.mmu.pgd_alloc = xen_pgd_alloc;
	pv_ops.mmu.pgd_free = xen_pgd_free;
	pv_ops.mmu.flush_tlb_local = xen_flush_tlb_local;
	pv_ops.mmu.flush_tlb_one = xen_flush_tlb_one;
	pv_ops.mmu.flush_tlb_kernel = xen_flush_tlb_local;
	pv_ops.mmu.flush_tlb_multi = xen_flush_tlb_multi;
	pv_ops.mmu.lazy_mode_enter = xen_lazy_enter;
	pv_ops.mmu.lazy_mode_leave = xen_lazy_leave;
	pv_ops.mmu.lazy_mode_flush = xen_lazy_flush;
	pv_ops.cpu.read_cr3 = xen_read_cr3;
	pv_ops.cpu.write_cr3 = xen_write_cr3;
}

static void early_hypercall_ok(long rc, const char *what)
{
	if (rc)
		panic("xen: %s failed: %ld", what, rc);
}

/* The table a (machine) entry of Xen's boot tables points at. */
static pteval_t *table_of(pteval_t e)
{
	return pt_va(PFN_PHYS(mfn_to_pfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT)));
}

/* End of Xen's initial mapping (kernel, start_info, P2M, tables, padding). */
static phys_addr_t initial_map_end(const pteval_t *l2)
{
	for (int i = PTRS_PER_TABLE - 1; i >= 0; i--) {
		const pteval_t *l1;

		if (!(l2[i] & _PAGE_PRESENT))
			continue;
		l1 = table_of(l2[i]);
		for (int j = PTRS_PER_TABLE - 1; j >= 0; j--)
			if (l1[j] & _PAGE_PRESENT)
				return ((phys_addr_t)i << PMD_SHIFT) + ((phys_addr_t)(j + 1) << PAGE_SHIFT);
	}
	return 0;
}

static void add_boot_pts(unsigned long start, unsigned long n)
{
	if (nr_boot_pts < ARRAY_SIZE(boot_pts))
		boot_pts[nr_boot_pts++] = (struct pfn_range){ start, start + n };
}

static u64 xen_early_map_limit(void)
{
	return xen_early_limit;
}

/*
 * Give the kernel the direct map it expects for its first frames while
 * Xen's boot page tables are live: the direct map's first GiB shares the
 * L2 of the kernel mapping, which is extended past the end of Xen's
 * initial mapping with L1 tables taken from the top of the padding Xen
 * leaves (at least 512 KiB).
 */
static void build_early_direct_map(struct start_info *si, phys_addr_t v_end,
				   pteval_t *l4, pteval_t *l2)
{
	phys_addr_t ram = PFN_PHYS(xen_max_pfn);
	phys_addr_t pt_end = __pa((void *)si->pt_base) + PFN_PHYS(si->nr_pt_frames);
	unsigned long spare = v_end > pt_end + PAGE_SIZE ?
			      PFN_DOWN(v_end - pt_end - PAGE_SIZE) : 0;
	unsigned long want = 0, nl1;
	phys_addr_t l1_base;

	if (ram > v_end)
		want = (MIN(ram, EARLY_MAP_MAX) - v_end + PMD_SIZE - 1) >> PMD_SHIFT;
	nl1 = MIN(MIN(want, spare / EARLY_L1_PADDING_SHARE),
		  (unsigned long)EARLY_L1_MAX);
	l1_base = v_end - PFN_PHYS(nl1);
	for (unsigned long k = 0; k < nl1; k++) {
		pteval_t *l1 = (pteval_t *)(KERNEL_MAP + l1_base + PFN_PHYS(k));
		unsigned long first = PFN_DOWN(v_end) + k * PTRS_PER_TABLE;
		unsigned long l1_pfn = PFN_DOWN(l1_base) + k;
		unsigned int slot = (v_end >> PMD_SHIFT) + k;
		struct mmu_update u;

		for (unsigned int e = 0; e < PTRS_PER_TABLE; e++) {
			unsigned long pfn = first + e;

			l1[e] = pfn < xen_max_pfn ?
				((pteval_t)pfn_to_mfn(pfn) << PAGE_SHIFT) | PTE_FLAGS_KERNEL : 0;
		}
		early_hypercall_ok(HYPERVISOR_update_va_mapping((unsigned long)l1,
			((pteval_t)pfn_to_mfn(l1_pfn) << PAGE_SHIFT) | PTE_FLAGS_PT_RO,
			UVMF_INVLPG), "making an early L1 read-only");
		u.ptr = virt_to_machine(&l2[slot]) | MMU_NORMAL_PT_UPDATE;
		u.val = ((pteval_t)pfn_to_mfn(l1_pfn) << PAGE_SHIFT) | PTE_FLAGS_TABLE;
		early_hypercall_ok(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF),
				   "extending the early map");
	}
	add_boot_pts(PFN_DOWN(l1_base), nl1);
	xen_early_limit = MIN(ram, v_end + ((phys_addr_t)nl1 << PMD_SHIFT));

	/* Direct map L4 slot -> our L3 -> the kernel mapping's L2. */
	{
		unsigned long l3_pfn = PFN_DOWN(__pa(xen_early_l3));
		struct mmu_update u;

		xen_early_l3[0] = virt_to_machine(l2) | PTE_FLAGS_TABLE;
		early_hypercall_ok(HYPERVISOR_update_va_mapping((unsigned long)xen_early_l3,
			((pteval_t)pfn_to_mfn(l3_pfn) << PAGE_SHIFT) | PTE_FLAGS_PT_RO,
			UVMF_INVLPG), "making the early L3 read-only");
		u.ptr = virt_to_machine(&l4[pt_index(PAGE_OFFSET, PT_LEVEL_P4D)]) |
			MMU_NORMAL_PT_UPDATE;
		u.val = ((pteval_t)pfn_to_mfn(l3_pfn) << PAGE_SHIFT) | PTE_FLAGS_TABLE;
		early_hypercall_ok(HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_SELF),
				   "installing the early direct map");
		add_boot_pts(l3_pfn, 1);
	}
}

/**
 * xen_mmu_early_init - an early direct map on a PV boot
 * @br: boot record; its memory map is filled from the P2M (setup.c)
 *
 * Runs on Xen's boot page tables before start_kernel().  A start_info
 * whose nr_pages cannot even hold what Xen loaded is reported, and pvk
 * carries on with what there is.
 */
void xen_mmu_early_init(struct boot_record *br)
{
	struct start_info *si = xen_start_info;
	pteval_t *l4, *l3, *l2;
	phys_addr_t v_end;

	xen_cr3[0] = __pa((void *)si->pt_base);
	xen_boot_pgd = xen_cr3[0];
	add_boot_pts(PFN_DOWN(xen_cr3[0]), si->nr_pt_frames);

	l4 = (pteval_t *)si->pt_base;
	l3 = table_of(l4[KERNEL_L4_SLOT]);
	l2 = table_of(l3[KERNEL_L3_SLOT]);
	v_end = initial_map_end(l2);
	pr_info("xen: %lu pages, boot tables at %#llx (%lu frames), initial map ends at %#llx\n",
		si->nr_pages, (unsigned long long)xen_cr3[0], si->nr_pt_frames,
		(unsigned long long)v_end);
	if (PFN_DOWN(v_end) > si->nr_pages) {
		pr_err("xen: start_info nr_pages %lu is smaller than the %llu pages "
		       "the boot image occupies; carrying on\n", si->nr_pages,
		       (unsigned long long)PFN_DOWN(v_end));
		xen_max_pfn = MAX(xen_max_pfn, PFN_DOWN(v_end));
	}
	build_early_direct_map(si, v_end, l4, l2);
	xen_direct_map_ready = true;
	xen_start_info = __va(__pa(si));
	br->platform_info = xen_start_info;
	xen_p2m_use_direct_map();
	xen_memory_setup(br, v_end);
}

/**
 * xen_mmu_late_init - report the page tables once mm_init() switched
 */
void xen_mmu_late_init(void)
{
	size_t bytes = BITMAP_ALLOC_LONGS(xen_max_pfn) * sizeof(unsigned long);
	unsigned long *b = kzalloc(bytes);

	/* Without it pgd_alloc fails: no processes, the rest carries on. */
	if (!b)
		pr_err("xen: no memory for the user-root bitmap; no user processes\n");
	WRITE_ONCE(user_root_bitmap, b);
	pr_info("xen: kernel page tables at %#llx, %u tables pinned, early map %llu MiB\n",
		(unsigned long long)xen_cr3[0], xen_pt_pinned,
		(unsigned long long)(xen_early_limit >> 20));
}

/* For platform.early_map_limit (enlighten_pv.c sets the hook). */
u64 xen_mmu_early_map_limit(void)
{
	return xen_early_map_limit();
}

/*
 * Point the page at @va straight at machine frame @mfn: the page tables
 * are first built by mapping a placeholder (pfn 0, read-only), then the
 * entry is replaced with one holding the machine frame.
 */
static int remap_one(unsigned long va, unsigned long mfn, bool writable)
{
	pteval_t prot = _PAGE_PRESENT | _PAGE_ACCESSED |
			(writable ? _PAGE_RW | _PAGE_DIRTY : 0);
	long rc;

	if (map_page(va, 0, 0)) {
		pr_err("xen: no page table for %#lx\n", va);
		return -ENOMEM;
	}
	rc = HYPERVISOR_update_va_mapping(va, ((pteval_t)mfn << PAGE_SHIFT) | prot,
					  UVMF_INVLPG);
	if (rc) {
		pr_err("xen: mapping mfn %#lx at %#lx failed: %ld\n", mfn, va, rc);
		unmap_page(va);
		return (int)rc;
	}
	return 0;
}

static unsigned long reserve_frames(unsigned long n)
{
	unsigned long va = vmap_reserve(n * PAGE_SIZE);

	if (!va)
		pr_err("xen: no virtual space for %lu machine frames\n", n);
	return va;
}

/**
 * xen_remap_mfns - map machine frames that are not in the P2M
 * @mfns: machine frame numbers (e.g. Xen's grant-table frames)
 * @n: how many
 * @writable: map them read-write
 *
 * Reserves kernel virtual space and points it at the frames directly.
 * Such pages have no pseudo-physical address, so they must never be
 * handed to __pa() or the frame allocator.  Returns the address, or
 * NULL (logged) if any frame cannot be mapped; frames mapped before a
 * failure stay mapped but unused.
 */
void *xen_remap_mfns(const unsigned long *mfns, unsigned int n, bool writable)
{
	unsigned long va = reserve_frames(n);

	if (!va)
		return NULL;
	for (unsigned int i = 0; i < n; i++)
		if (remap_one(va + (unsigned long)i * PAGE_SIZE, mfns[i], writable))
			return NULL;
	return (void *)va;
}

/**
 * xen_remap_mfns_at - point pages mapped by xen_remap_mfns() at new frames
 * @va: what xen_remap_mfns() returned
 * @mfns: the machine frames now to be mapped there
 * @n: how many (at most what was mapped)
 * @writable: map them read-write
 *
 * For Xen's frames after a save and restore (the grant table).  Returns
 * 0 or the first failure (logged).
 */
int xen_remap_mfns_at(void *va, const unsigned long *mfns, unsigned int n,
		      bool writable)
{
	for (unsigned int i = 0; i < n; i++) {
		int err = remap_one((unsigned long)va + (unsigned long)i * PAGE_SIZE,
				    mfns[i], writable);

		if (err)
			return err;
	}
	return 0;
}

/**
 * xen_unmap_mfns - take machine frames out of the page tables
 * @va: what xen_remap_mfns() returned
 * @n: how many pages
 *
 * Before a save: the toolstack refuses page tables that point at frames
 * the domain does not own.  The page tables stay for
 * xen_remap_mfns_at().
 */
void xen_unmap_mfns(void *va, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		long rc = HYPERVISOR_update_va_mapping((unsigned long)va +
						       (unsigned long)i * PAGE_SIZE,
						       0, UVMF_INVLPG | UVMF_ALL);

		if (rc)
			pr_err("xen: unmapping %p+%u pages failed: %ld\n", va, i, rc);
	}
}

/**
 * xen_ioremap_ro - map a range of machine addresses read-only
 * @maddr: machine address of the first byte (e.g. a firmware table)
 * @len: bytes; 0 or a range that wraps gets NULL
 *
 * For dom0, which reads firmware tables and I/O memory that Xen lends it
 * (it owns none of those frames, so they are not in its P2M).  Returns
 * a pointer to @maddr, or NULL (logged) when a frame cannot be mapped,
 * e.g. because Xen keeps it for itself.  Like xen_remap_mfns(), the
 * mapping stays for good.
 */
const void *xen_ioremap_ro(u64 maddr, u64 len)
{
	unsigned long first = maddr >> PAGE_SHIFT, n, va;

	if (!len || maddr + len < maddr)
		return NULL;
	n = ((maddr + len - 1) >> PAGE_SHIFT) - first + 1;
	va = reserve_frames(n);
	if (!va)
		return NULL;
	for (unsigned long i = 0; i < n; i++)
		if (remap_one(va + i * PAGE_SIZE, first + i, false))
			return NULL;
	return (const u8 *)va + (maddr & (PAGE_SIZE - 1));
}

/**
 * xen_direct_map_frames - map frames in the direct map again, or unmap them
 * @pfns: pseudo-physical frames, all in the direct map (4 KiB pages
 *        under PV)
 * @mfns: their machine frames, mapped writable as paging_init() maps
 *        RAM; NULL to unmap them
 * @n: how many; the entries go in mmu_update batches (multicalls.c)
 *
 * For the balloon: Xen frees a frame given back only once nothing maps
 * it, and a frame taken back needs its mapping before it is used.  An
 * unmap ends with a TLB flush on every vCPU.  Returns 0, or -ENOENT
 * (logged, nothing changed) when a frame has no direct-map entry.
 */
int xen_direct_map_frames(const unsigned long *pfns, const unsigned long *mfns,
			  unsigned int n)
{
	unsigned long flags;

	for (unsigned int i = 0; i < n; i++) {
		if (!lookup_pte((unsigned long)__va(PFN_PHYS(pfns[i])))) {
			pr_err("xen: pfn %#lx is not in the direct map\n", pfns[i]);
			return -ENOENT;
		}
	}
	flags = arch_local_irq_save();
	for (unsigned int i = 0; i < n; i++) {
		pteval_t *ptep = lookup_pte((unsigned long)__va(PFN_PHYS(pfns[i])));
		pteval_t val = mfns ? ((pteval_t)mfns[i] << PAGE_SHIFT) | PTE_FLAGS_KERNEL : 0;

		xen_mc_queue_mmu_update(virt_to_machine(ptep) | MMU_NORMAL_PT_UPDATE, val);
	}
	xen_mc_flush();
	arch_local_irq_restore(flags);
	if (!mfns)
		flush_tlb_all_cpus(TLB_FLUSH_ALL);
	return 0;
}

/**
 * xen_cr3_set_secondary - the CR3 shadow of a vCPU about to start
 * @cpu: the vCPU
 * @pa: pseudo-physical address of its top-level table
 */
void xen_cr3_set_secondary(unsigned int cpu, phys_addr_t pa)
{
	xen_cr3[cpu] = pa;
}
