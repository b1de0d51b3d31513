// SPDX-License-Identifier: MIT
/*
 * Kernel page-table updates.  Every entry is written through pv_ops
 * (set_pte and the upper levels) and every new table page is announced
 * with alloc_pt, so a backend that keeps page tables read-only (Xen PV)
 * can validate each write.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>

pteval_t *kernel_pgd;
static DEFINE_SPINLOCK(pgtable_lock);
static unsigned long vmap_next = VMAP_START;
static DEFINE_SPINLOCK(vmap_lock);

static void set_entry(pteval_t *p, pteval_t v, int level)
{
	switch (level) {
	case PT_LEVEL_PTE:
		set_pte(p, v);
		break;
	case PT_LEVEL_PMD:
		set_pmd(p, v);
		break;
	case PT_LEVEL_PUD:
		set_pud(p, v);
		break;
	default:
		set_p4d(p, v);
		break;
	}
}

/*
 * Find the table of @level (PT_LEVEL_PTE.. P4D) covering @va, creating
 * missing intermediate tables when @create.  Caller holds pgtable_lock.
 */
/* Addresses below this are user space: the lower canonical half. */
#define USER_HALF_END	0x0000800000000000UL
#define KERNEL_HALF_FIRST (PTRS_PER_TABLE / 2)

static pteval_t *walk_from(pteval_t *root, unsigned long va, int level,
			   bool create)
{
	/* Tables of the user half are reachable from ring 3's walks. */
	pteval_t user = va < USER_HALF_END ? _PAGE_USER : 0;
	pteval_t *table = root;

	for (int l = PT_LEVEL_P4D; l > level; l--) {
		pteval_t *e = &table[pt_index(va, l)];

		if (!(*e & _PAGE_PRESENT)) {
			pteval_t *next;

			if (!create)
				return NULL;
			next = alloc_page_zeroed();
			if (!next)
				return NULL;
			paravirt_alloc_pt(PFN_DOWN(__pa(next)), l - 1);
			set_entry(e, make_pte(__pa(next) | _PAGE_PRESENT | _PAGE_RW |
					      user), l);
		} else if (*e & _PAGE_PSE) {
			return NULL;	/* inside a large page */
		}
		table = __va(pte_val(*e) & PTE_ADDR_MASK);
	}
	return table;
}

static pteval_t *walk_to(unsigned long va, int level, bool create)
{
	return walk_from(kernel_pgd, va, level, create);
}

static pteval_t prot_bits(unsigned int flags)
{
	pteval_t v = _PAGE_PRESENT | _PAGE_ACCESSED;

	if (flags & MAP_WRITE)
		v |= _PAGE_RW | _PAGE_DIRTY;
	if (flags & MAP_NOCACHE)
		v |= _PAGE_PCD | _PAGE_PWT;
	return v;
}

/**
 * map_page - map one 4 KiB page in the kernel page tables
 * @va: page-aligned kernel virtual address
 * @pa: page-aligned physical address
 * @flags: MAP_WRITE, MAP_NOCACHE
 *
 * Replacing an existing mapping flushes only this CPU's TLB; callers
 * that share the address with other CPUs use flush_tlb_all_cpus().
 */
int map_page(unsigned long va, phys_addr_t pa, unsigned int flags)
{
	unsigned long irq;
	pteval_t *pt, old;

	if ((va | pa) & ~PAGE_MASK)
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_to(va, PT_LEVEL_PTE, true);
	if (!pt) {
		spin_unlock_irqrestore(&pgtable_lock, irq);
		return -ENOMEM;
	}
	old = pt[pt_index(va, PT_LEVEL_PTE)];
	set_pte(&pt[pt_index(va, PT_LEVEL_PTE)], make_pte(pa | prot_bits(flags)));
	spin_unlock_irqrestore(&pgtable_lock, irq);
	if (old & _PAGE_PRESENT)
		flush_tlb_one(va);
	return 0;
}

/**
 * map_large_page - map one 2 MiB page (boot-time direct map)
 * @va: 2 MiB-aligned virtual address
 * @pa: 2 MiB-aligned physical address
 * @flags: MAP_* flags
 */
int map_large_page(unsigned long va, phys_addr_t pa, unsigned int flags)
{
	unsigned long irq;
	pteval_t *pmd;

	if ((va | pa) & (PMD_SIZE - 1))
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, irq);
	pmd = walk_to(va, PT_LEVEL_PMD, true);
	if (pmd)
		set_pmd(&pmd[pt_index(va, PT_LEVEL_PMD)],
			make_pte(pa | prot_bits(flags) | _PAGE_PSE));
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return pmd ? 0 : -ENOMEM;
}

/**
 * unmap_page - remove a 4 KiB mapping and flush it from this CPU's TLB
 * @va: page-aligned address
 */
int unmap_page(unsigned long va)
{
	unsigned long irq;
	pteval_t *pt;

	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_to(va, PT_LEVEL_PTE, false);
	if (pt)
		set_pte(&pt[pt_index(va, PT_LEVEL_PTE)], 0);
	spin_unlock_irqrestore(&pgtable_lock, irq);
	if (!pt)
		return -ENOENT;
	flush_tlb_one(va);
	return 0;
}

pteval_t *lookup_pte(unsigned long va)
{
	pteval_t *pt = walk_to(va, PT_LEVEL_PTE, false);

	return pt ? &pt[pt_index(va, PT_LEVEL_PTE)] : NULL;
}

/**
 * virt_to_phys_walk - translate through the page tables
 * @va: any kernel virtual address
 *
 * Returns the physical address, or (phys_addr_t)-1 if unmapped.
 */
phys_addr_t virt_to_phys_walk(unsigned long va)
{
	pteval_t *table = kernel_pgd;

	for (int l = PT_LEVEL_P4D; l >= PT_LEVEL_PTE; l--) {
		pteval_t e = pte_val(table[pt_index(va, l)]);
		unsigned long span = 1UL << (PAGE_SHIFT + 9 * (l - 1));

		if (!(e & _PAGE_PRESENT))
			return (phys_addr_t)-1;
		if (l == PT_LEVEL_PTE || (e & _PAGE_PSE))
			return (e & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
		table = __va(e & PTE_ADDR_MASK);
	}
	return (phys_addr_t)-1;
}

/**
 * vmap_reserve - reserve kernel virtual address space
 * @size: bytes, rounded up to pages; a guard page follows each area
 *
 * Returns the start address, or 0 when the area is exhausted.
 */
unsigned long vmap_reserve(size_t size)
{
	unsigned long irq, va = 0;
	size_t span = ALIGN_UP(size, PAGE_SIZE) + PAGE_SIZE;

	spin_lock_irqsave(&vmap_lock, irq);
	if (VMAP_END - vmap_next >= span) {
		va = vmap_next;
		vmap_next += span;
	}
	spin_unlock_irqrestore(&vmap_lock, irq);
	return va;
}

static void *remap_range(phys_addr_t pa, size_t size, unsigned int flags)
{
	phys_addr_t base = pa & PAGE_MASK;
	size_t len = ALIGN_UP(pa + size - base, PAGE_SIZE);
	unsigned long va = vmap_reserve(len);

	if (!va)
		return NULL;
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		if (map_page(va + off, base + off, flags))
			return NULL;
	return (void *)(va + (pa - base));
}

/**
 * ioremap - map device memory uncached into kernel space
 * @pa: physical address (need not be page aligned)
 * @size: bytes
 */
void *ioremap(phys_addr_t pa, size_t size)
{
	return remap_range(pa, size, MAP_WRITE | MAP_NOCACHE);
}

/**
 * memremap - map memory outside the direct map, cached, into kernel space
 * @pa: physical address (need not be page aligned)
 * @size: bytes
 *
 * For memory that is RAM to the CPU but not in the firmware's RAM map,
 * such as the pages a hypervisor shares with an HVM guest (xenstore and
 * console rings, grant-table frames): they must be cached like RAM.
 */
void *memremap(phys_addr_t pa, size_t size)
{
	return remap_range(pa, size, MAP_WRITE);
}

/**
 * flush_tlb_all_cpus - flush an address from every online CPU's TLB
 * @va: the address, or TLB_FLUSH_ALL
 *
 * This CPU flushes locally; the others through pv_ops.mmu.flush_tlb_multi
 * (IPIs on bare metal, one hypercall under Xen PV).
 */
void flush_tlb_all_cpus(unsigned long va)
{
	struct cpumask others = cpu_online_mask;

	cpumask_clear_cpu(smp_processor_id(), &others);
	if (va == TLB_FLUSH_ALL)
		flush_tlb_local();
	else
		flush_tlb_one(va);
	if (!cpumask_empty(&others))
		flush_tlb_multi(&others, va);
}

/**
 * pgd_alloc - a new address space's root table
 *
 * The kernel half is copied from the kernel's root, so every process
 * sees the same kernel; entries the kernel adds later are copied on the
 * first fault (vmalloc_sync_fault()).  The copy is made before the page
 * becomes a page table (alloc_pt), as plain stores: a backend that
 * validates tables (Xen PV) checks it whole when it pins the root, and
 * fills in the slots that are its own.  Returns NULL when out of memory.
 */
void *pgd_alloc(void)
{
	pteval_t *pgd = alloc_pages(PGD_ALLOC_ORDER);
	unsigned long irq;

	if (!pgd)
		return NULL;
	memset(pgd, 0, PAGE_SIZE << PGD_ALLOC_ORDER);
	spin_lock_irqsave(&pgtable_lock, irq);
	for (unsigned int i = KERNEL_HALF_FIRST; i < PTRS_PER_TABLE; i++)
		pgd[i] = kernel_pgd[i];
	spin_unlock_irqrestore(&pgtable_lock, irq);
	paravirt_alloc_pt(PFN_DOWN(__pa(pgd)), PT_LEVEL_P4D);
	if (paravirt_pgd_alloc(pgd)) {
		paravirt_release_pt(PFN_DOWN(__pa(pgd)), PT_LEVEL_P4D);
		free_pages(pgd, PGD_ALLOC_ORDER);
		return NULL;
	}
	return pgd;
}

/* An address space drops a user page: freed with its last owner. */
static void user_page_put(pteval_t e)
{
	phys_addr_t pa = e & PTE_ADDR_MASK;

	if (page_ref_put(pa))
		free_pages(__va(pa), 0);
}

/*
 * Free a user table of @level, its parent entry already cleared, and
 * below it the tables and, at the bottom, the pages it maps.  Each
 * child is unlinked before it is released, and the pages go only once
 * their table has: a backend that validates tables (Xen PV) lets a
 * table become an ordinary page again only when nothing links or pins
 * it, and a page must not be reused while a table still maps it.
 */
static void free_user_table(pteval_t *table, int level)
{
	for (unsigned int i = 0; level > PT_LEVEL_PTE && i < PTRS_PER_TABLE; i++) {
		pteval_t e = pte_val(table[i]);

		if (!(e & _PAGE_PRESENT))
			continue;
		set_entry(&table[i], 0, level);
		free_user_table(__va(e & PTE_ADDR_MASK), level - 1);
	}
	paravirt_release_pt(PFN_DOWN(__pa(table)), level);
	for (unsigned int i = 0; level == PT_LEVEL_PTE && i < PTRS_PER_TABLE; i++) {
		pteval_t e = pte_val(table[i]);

		if (e & _PAGE_PRESENT)
			user_page_put(e);
	}
	free_pages(table, 0);
}

/**
 * pgd_free - free an address space: its user pages, tables and root
 * @pgd: from pgd_alloc(), loaded on no CPU any more
 */
void pgd_free(void *pgd)
{
	pteval_t *root = pgd;

	for (unsigned int i = 0; i < KERNEL_HALF_FIRST; i++) {
		pteval_t e = pte_val(root[i]);

		if (!(e & _PAGE_PRESENT))
			continue;
		set_p4d(&root[i], 0);
		free_user_table(__va(e & PTE_ADDR_MASK), PT_LEVEL_PUD);
	}
	paravirt_pgd_free(root);
	paravirt_release_pt(PFN_DOWN(__pa(root)), PT_LEVEL_P4D);
	free_pages(root, PGD_ALLOC_ORDER);
}

/**
 * map_user_page - map a page into an address space, user-accessible
 * @pgd: the address space's root
 * @va: page-aligned user address
 * @pa: the frame; the address space owns it from now on
 * @flags: MAP_WRITE
 */
int map_user_page(void *pgd, unsigned long va, phys_addr_t pa, unsigned int flags)
{
	unsigned long irq;
	pteval_t *pt;

	if (((va | pa) & ~PAGE_MASK) || va >= USER_HALF_END)
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_from(pgd, va, PT_LEVEL_PTE, true);
	if (pt)
		set_pte(&pt[pt_index(va, PT_LEVEL_PTE)],
			make_pte(pa | prot_bits(flags) | _PAGE_USER));
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return pt ? 0 : -ENOMEM;
}

/**
 * map_user_page_absent - map a page where nothing is mapped yet
 * @pgd: the address space's root
 * @va: page-aligned user address
 * @pa: the frame; the address space owns it when this succeeds
 * @flags: MAP_WRITE
 *
 * For a demand fault: another thread may have mapped the page since
 * the fault.  An empty entry needs no TLB flush.  Returns 0, -EEXIST
 * (the caller keeps @pa), or -ENOMEM for a table.
 */
int map_user_page_absent(void *pgd, unsigned long va, phys_addr_t pa,
			 unsigned int flags)
{
	unsigned long irq;
	pteval_t *pt;
	int err = 0;

	if (((va | pa) & ~PAGE_MASK) || va >= USER_HALF_END)
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_from(pgd, va, PT_LEVEL_PTE, true);
	if (!pt)
		err = -ENOMEM;
	else if (pte_val(pt[pt_index(va, PT_LEVEL_PTE)]) & _PAGE_PRESENT)
		err = -EEXIST;
	else
		set_pte(&pt[pt_index(va, PT_LEVEL_PTE)],
			make_pte(pa | prot_bits(flags) | _PAGE_USER));
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return err;
}

/**
 * protect_user_page - change whether a mapped user page is writable
 * @pgd: the address space's root
 * @va: page-aligned user address
 * @write: writable from now on (copy-on-write while its frame is shared)
 *
 * The caller flushes the address space's TLBs (mm_flush_tlb()) once it
 * changed every page.  Returns 0, or -ENOENT when nothing is mapped.
 */
int protect_user_page(void *pgd, unsigned long va, bool write)
{
	unsigned long irq;
	pteval_t *pt, e = 0;

	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_from(pgd, va, PT_LEVEL_PTE, false);
	if (pt)
		e = pte_val(pt[pt_index(va, PT_LEVEL_PTE)]);
	if (e & _PAGE_PRESENT) {
		pteval_t n = cow_protect(e, write, page_ref_owners(e & PTE_ADDR_MASK));

		if (n != e)
			set_pte(&pt[pt_index(va, PT_LEVEL_PTE)], make_pte(n));
	}
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return e & _PAGE_PRESENT ? 0 : -ENOENT;
}

/**
 * unmap_user_page - remove a page from an address space and drop it
 * @mm: the address space (its CPUs are flushed, mm_flush_tlb())
 * @va: page-aligned user address
 *
 * The page is dropped only once no CPU can reach it through its TLB
 * any more: another thread of the process may still be reading it.
 * Returns 0, or -ENOENT when nothing was mapped there.
 */
int unmap_user_page(struct mm_struct *mm, unsigned long va)
{
	unsigned long irq;
	pteval_t *pt, old = 0;

	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_from(mm->pgd, va, PT_LEVEL_PTE, false);
	if (pt) {
		old = pte_val(pt[pt_index(va, PT_LEVEL_PTE)]);
		set_pte(&pt[pt_index(va, PT_LEVEL_PTE)], 0);
	}
	spin_unlock_irqrestore(&pgtable_lock, irq);
	if (!(old & _PAGE_PRESENT))
		return -ENOENT;
	mm_flush_tlb(mm, va);
	user_page_put(old);
	return 0;
}

/* Share one present entry of the parent copy-on-write into @dst. */
static int fork_one(pteval_t *dst, pteval_t *src_pte, unsigned long va)
{
	pteval_t e = pte_val(*src_pte), shared = cow_share(e);
	pteval_t *pt = walk_from(dst, va, PT_LEVEL_PTE, true);

	if (!pt || page_ref_get(e & PTE_ADDR_MASK))
		return -ENOMEM;
	if (shared != e)
		set_pte(src_pte, make_pte(shared));
	set_pte(&pt[pt_index(va, PT_LEVEL_PTE)], make_pte(shared));
	return 0;
}

/* Walk @table of @level of the parent, the user half below @base. */
static int fork_table(pteval_t *dst, pteval_t *table, int level,
		      unsigned long base)
{
	unsigned int n = level == PT_LEVEL_P4D ? KERNEL_HALF_FIRST : PTRS_PER_TABLE;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long va = base + ((unsigned long)i << (PAGE_SHIFT + 9 * (level - 1)));
		pteval_t e = pte_val(table[i]);
		int err;

		if (!(e & _PAGE_PRESENT))
			continue;
		if (level == PT_LEVEL_PTE)
			err = fork_one(dst, &table[i], va);
		else
			err = fork_table(dst, __va(e & PTE_ADDR_MASK), level - 1, va);
		if (err)
			return err;
	}
	return 0;
}

/**
 * fork_user_pages - share an address space's user pages with a new one
 * @dst: a root from pgd_alloc() with nothing mapped in its user half
 * @src: the parent's root, loaded on this CPU only (its one thread runs
 *	 here)
 *
 * Every writable page becomes read-only copy-on-write in both (the
 * first write copies it, cow_fault()), and each page gains an owner.
 * Returns 0 or -ENOMEM; on failure what @dst got is dropped by
 * pgd_free(@dst), and the parent's pages stay copy-on-write, which
 * only costs it a fault per page.
 */
int fork_user_pages(void *dst, void *src)
{
	unsigned long irq;
	int err;

	spin_lock_irqsave(&pgtable_lock, irq);
	err = fork_table(dst, src, PT_LEVEL_P4D, 0);
	spin_unlock_irqrestore(&pgtable_lock, irq);
	/* The parent's entries lost their write permission. */
	flush_tlb_local();
	return err;
}

/**
 * cow_fault - a write fault on a copy-on-write user page
 * @mm: the faulting address space, loaded on this CPU
 * @va: the faulting address (below TASK_SIZE)
 * @error_code: the page fault's error code
 *
 * The last owner gets the page back writable; otherwise the writer gets
 * a copy and the others keep the original.  Returns false when the
 * fault was no copy-on-write write (the caller treats it as before),
 * and also when no frame is left for the copy (the process dies of
 * SIGSEGV, as it would of any fault it cannot get past).
 *
 * Another thread may have resolved the fault already: a write fault on
 * an entry that is writable now came from a stale TLB entry of this
 * CPU, which is flushed and the write retried.  Every CPU of @mm drops
 * the old entry before the old frame loses this owner.
 */
bool cow_fault(struct mm_struct *mm, unsigned long va, unsigned long error_code)
{
	unsigned long irq;
	pteval_t *pt, *ptep, e;
	void *copy = NULL;
	bool done = false, spurious = false;

	va = ALIGN_DOWN(va, PAGE_SIZE);
	spin_lock_irqsave(&pgtable_lock, irq);
	pt = walk_from(mm->pgd, va, PT_LEVEL_PTE, false);
	ptep = pt ? &pt[pt_index(va, PT_LEVEL_PTE)] : NULL;
	e = ptep ? pte_val(*ptep) : 0;
	switch (cow_fault_action(e, error_code, page_ref_owners(e & PTE_ADDR_MASK))) {
	case COW_NONE:
		spurious = cow_fault_spurious(e, error_code);
		break;
	case COW_REUSE:
		set_pte(ptep, make_pte(cow_private(e, e & PTE_ADDR_MASK)));
		done = true;
		break;
	case COW_COPY:
		copy = alloc_pages(0);
		if (!copy)
			break;
		memcpy(copy, __va(e & PTE_ADDR_MASK), PAGE_SIZE);
		set_pte(ptep, make_pte(cow_private(e, __pa(copy))));
		done = true;
		break;
	}
	spin_unlock_irqrestore(&pgtable_lock, irq);
	if (spurious)
		flush_tlb_one(va);
	if (!done)
		return spurious;
	mm_flush_tlb(mm, va);
	/* Another owner may have let go meanwhile: then this was the last. */
	if (copy)
		user_page_put(e);
	return true;
}

/* The entry for user address @va under @pgd as the kernel sees it, or 0. */
u64 user_pte(void *pgd, unsigned long va)
{
	pteval_t *pt = walk_from(pgd, va, PT_LEVEL_PTE, false);

	return pt ? pte_val(pt[pt_index(va, PT_LEVEL_PTE)]) : 0;
}

/* Is a page mapped at user address @va? */
bool user_page_mapped(void *pgd, unsigned long va)
{
	return user_pte(pgd, va) & _PAGE_PRESENT;
}

/**
 * switch_pgd - load an address space on this CPU
 * @pgd: the root, or NULL for the kernel's
 */
void switch_pgd(void *pgd)
{
	phys_addr_t pa = __pa(pgd ? pgd : kernel_pgd);

	if (read_cr3() != pa)
		write_cr3(pa);
}

/**
 * vmalloc_sync_fault - a kernel-half fault through a process's root
 * @addr: the faulting address
 *
 * A top-level entry the kernel added after the process's root was
 * copied is missing there: copy it and retry.  Returns true when that
 * was the cause.
 */
bool vmalloc_sync_fault(unsigned long addr)
{
	pteval_t *cur = __va(read_cr3() & PTE_ADDR_MASK);
	unsigned int i = pt_index(addr, PT_LEVEL_P4D);

	if (addr < USER_HALF_END || cur == kernel_pgd ||
	    (pte_val(cur[i]) & _PAGE_PRESENT) ||
	    !(pte_val(kernel_pgd[i]) & _PAGE_PRESENT))
		return false;
	set_p4d(&cur[i], kernel_pgd[i]);
	return true;
}
