// SPDX-License-Identifier: MIT
/*
 * Boot-time memory set-up: normalise the memory map, reserve what is in
 * use, start the frame allocator and replace the early page tables with
 * ones sized from the memory map.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/memmap.h>
#include <pvk/mm.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/platform.h>
#include <asm/smpboot.h>

#define EARLY_MAP_LIMIT (1ULL << 30)
#define LOW_MEMORY_END (1ULL << 20)
#define FALLBACK_RAM (64ULL << 20)

int page_alloc_init(struct memmap *m, u64 bitmap_limit);
int map_large_page(unsigned long va, phys_addr_t pa, unsigned int flags);

static u64 boot_pt_hypercalls, boot_pt_bytes;

/*
 * Map [pa, pa+len) at va, with 2 MiB pages wherever alignment allows,
 * except where the hypervisor validates page tables (Xen PV has no
 * superpages).
 */
static int map_range(unsigned long va, phys_addr_t pa, u64 len, unsigned int flags)
{
	bool large_ok = !x86_platform->pv_mmu;
	u64 off = 0;

	boot_pt_bytes += len;
	while (off < len) {
		int err;

		if (large_ok && !((va + off) & (PMD_SIZE - 1)) &&
		    !((pa + off) & (PMD_SIZE - 1)) && len - off >= PMD_SIZE) {
			err = map_large_page(va + off, pa + off, flags);
			off += PMD_SIZE;
		} else {
			err = map_page(va + off, pa + off, flags);
			off += PAGE_SIZE;
		}
		if (err)
			return err;
	}
	return 0;
}

static bool direct_mapped_type(u32 type)
{
	return type == MEMMAP_USABLE || type == MEMMAP_ACPI_RECLAIM ||
	       type == MEMMAP_ACPI_NVS || type == MEMMAP_KERNEL ||
	       type == MEMMAP_MODULE;
}

static void paging_init(const struct memmap *m)
{
	u64 kernel_span = ALIGN_UP(__pa_symbol(_end), PMD_SIZE);
	u64 hypercalls = bench_hypercall_count();
	int err = 0;

	/*
	 * One lazy-MMU section for the whole tree: a backend that validates
	 * each entry (Xen PV) issues the writes a batch at a time instead
	 * of one hypercall per page.
	 */
	arch_enter_lazy_mmu_mode();
	kernel_pgd = alloc_page_zeroed();
	if (!kernel_pgd)
		panic("mm: no memory for the kernel page table");
	paravirt_alloc_pt(PFN_DOWN(__pa(kernel_pgd)), PT_LEVEL_P4D);

	/* Low memory holds the BIOS data the ACPI scan reads. */
	err |= map_range(PAGE_OFFSET, 0, LOW_MEMORY_END, MAP_WRITE);
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->e[i];
		u64 start = MAX(ALIGN_DOWN(e->base, PAGE_SIZE), LOW_MEMORY_END);
		u64 end = ALIGN_UP(e->base + e->len, PAGE_SIZE);

		if (direct_mapped_type(e->type) && end > start)
			err |= map_range(PAGE_OFFSET + start, start, end - start,
					 MAP_WRITE);
	}
	err |= map_range(KERNEL_MAP, 0, kernel_span, MAP_WRITE | MAP_EXEC);
	arch_leave_lazy_mmu_mode();
	if (err)
		panic("mm: cannot build the kernel page tables");
	write_cr3(__pa(kernel_pgd));
	boot_pt_hypercalls = bench_hypercall_count() - hypercalls;
}

/**
 * mm_boot_pt_cost - what building the kernel page tables cost
 * @bytes: set to the bytes mapped (direct map and kernel image)
 *
 * Returns the hypercalls paging_init() made, from the switch to the new
 * tables included (0 where the platform counts none, e.g. bare metal).
 */
u64 mm_boot_pt_cost(u64 *bytes)
{
	*bytes = boot_pt_bytes;
	return boot_pt_hypercalls;
}

static void log_memmap(const struct memmap *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		pr_info("mem: [0x%012llx-0x%012llx] %s\n",
			(unsigned long long)m->e[i].base,
			(unsigned long long)(m->e[i].base + m->e[i].len - 1),
			memmap_type_name(m->e[i].type));
}

/**
 * mm_init - set up physical and virtual memory from the boot record
 * @br: boot record; its memory map is normalised in place
 *
 * A missing memory map is not fatal: pvk assumes the conventional low
 * 640 KiB plus 64 MiB above 1 MiB and says so.
 */
void mm_init(struct boot_record *br)
{
	struct memmap *m = &br->memmap;

	if (!m->nr) {
		pr_warn("mem: no memory map from the loader; assuming %llu MiB\n",
			(unsigned long long)(FALLBACK_RAM >> 20));
		memmap_add(m, 0, 640 << 10, MEMMAP_USABLE);
		memmap_add(m, LOW_MEMORY_END, FALLBACK_RAM, MEMMAP_USABLE);
	}
	if (memmap_normalise(m) < 0)
		pr_warn("mem: memory map too fragmented, some ranges dropped\n");
	smpboot_check_trampoline(m);
	memmap_reserve(m, 0, LOW_MEMORY_END, MEMMAP_RESERVED);
	memmap_reserve(m, __pa_symbol(_text), _end - _text, MEMMAP_KERNEL);
	for (unsigned int i = 0; i < br->nr_modules; i++)
		memmap_reserve(m, br->modules[i].start, br->modules[i].len,
			       MEMMAP_MODULE);
	log_memmap(m);
	if (page_alloc_init(m, x86_platform->early_map_limit ?
			    x86_platform->early_map_limit() : EARLY_MAP_LIMIT))
		panic("mm: no usable memory for the frame allocator");
	paging_init(m);
	pr_info("mem: %llu MiB usable, %llu frames free; page tables for %llu MiB "
		"in %llu hypercalls\n",
		(unsigned long long)(totalram_bytes() >> 20),
		(unsigned long long)free_frames(),
		(unsigned long long)(boot_pt_bytes >> 20),
		(unsigned long long)boot_pt_hypercalls);
}
