// SPDX-License-Identifier: MIT
/*
 * The native pv_ops backend: the plain instructions, as C functions for
 * the indirect-call path, and as bytes the patcher copies into call
 * sites.
 */
#include <pvk/kernel.h>
#include <asm/native.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/io.h>

void native_load_idt(const struct desc_ptr *dtr)
{
	asm volatile("lidt %0" : : "m"(*dtr));
}

void native_load_gdt(const struct desc_ptr *dtr)
{
	asm volatile("lgdt %0" : : "m"(*dtr));
}

void native_load_tr(unsigned int sel)
{
	asm volatile("ltr %w0" : : "r"(sel));
}

unsigned long native_read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

void native_write_cr0(unsigned long val)
{
	asm volatile("mov %0, %%cr0" : : "r"(val) : "memory");
}

unsigned long native_read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

void native_write_cr4(unsigned long val)
{
	asm volatile("mov %0, %%cr4" : : "r"(val) : "memory");
}

unsigned long native_read_cr2(void)
{
	unsigned long v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

unsigned long native_read_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

void native_write_cr3(unsigned long val)
{
	asm volatile("mov %0, %%cr3" : : "r"(val) : "memory");
}

void native_wbinvd(void)
{
	asm volatile("wbinvd" ::: "memory");
}

void native_cpuid_op(u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	native_cpuid(eax, ebx, ecx, edx);
}

u64 native_read_msr(u32 msr)
{
	return native_rdmsr(msr);
}

void native_write_msr(u32 msr, u64 val)
{
	native_wrmsr(msr, val);
}

void native_io_delay(void)
{
	outb(0, 0x80);
}

/* Bare metal page tables hold the kernel's own physical addresses. */
pteval_t native_pte_identity(pteval_t val)
{
	return val;
}

void native_set_pte(pteval_t *ptep, pteval_t val)
{
	WRITE_ONCE(*ptep, val);
}

void native_alloc_pt(unsigned long pfn, int level)
{
}

void native_release_pt(unsigned long pfn, int level)
{
}

/* User mode runs on the process's one root: nothing more to set up. */
int native_pgd_alloc(pteval_t *pgd)
{
	return 0;
}

void native_pgd_free(pteval_t *pgd)
{
}

void native_flush_tlb_local(void)
{
	native_write_cr3(native_read_cr3());
}

void native_flush_tlb_one(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Global (kernel) entries survive a CR3 reload; toggling PGE drops them. */
void native_flush_tlb_kernel(void)
{
	unsigned long cr4 = native_read_cr4();

	native_write_cr4(cr4 & ~X86_CR4_PGE);
	native_write_cr4(cr4);
}

void paravirt_nop(void)
{
}

u64 native_steal_clock(unsigned int cpu)
{
	return 0;
}

/* Bare metal never blocks a spinlock waiter (pv_spin_slowpath is off). */
void native_lock_wait(u16 *ptr, u16 val)
{
	cpu_relax();
}

void native_lock_kick(unsigned int cpu)
{
}

/*
 * Inline replacements.  Each matches the hook's convention exactly:
 * arguments in %rdi/%rsi, result in %rax, and no other register touched.
 */
static const u8 insn_cli[] = { 0xfa };
static const u8 insn_sti[] = { 0xfb };
static const u8 insn_save_fl[] = { 0x9c, 0x58 };		/* pushf; pop %rax */
static const u8 insn_restore_fl[] = { 0x57, 0x9d };		/* push %rdi; popf */
static const u8 insn_safe_halt[] = { 0xfb, 0xf4 };		/* sti; hlt */
static const u8 insn_halt[] = { 0xf4 };
static const u8 insn_read_cr2[] = { 0x0f, 0x20, 0xd0 };		/* mov %cr2, %rax */
static const u8 insn_read_cr3[] = { 0x0f, 0x20, 0xd8 };		/* mov %cr3, %rax */
static const u8 insn_write_cr3[] = { 0x0f, 0x22, 0xdf };	/* mov %rdi, %cr3 */
static const u8 insn_invlpg[] = { 0x0f, 0x01, 0x3f };		/* invlpg (%rdi) */
static const u8 insn_wbinvd[] = { 0x0f, 0x09 };
static const u8 insn_mov_rdi_rax[] = { 0x48, 0x89, 0xf8 };	/* mov %rdi, %rax */
static const u8 insn_set_pte[] = { 0x48, 0x89, 0x37 };		/* mov %rsi, (%rdi) */
static const u8 insn_flush_local[] = { 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8 };
static const u8 insn_io_delay[] = { 0xe6, 0x80 };		/* out %al, $0x80 */
static const u8 insn_nop[] = { };

struct native_patch {
	unsigned int op;
	void *native_fn;
	const u8 *bytes;
	unsigned int len;
};

#define NP(field, fn, insn) \
	{ PV_OP_INDEX(field), (void *)(fn), insn, sizeof(insn) }

static const struct native_patch native_patches[] = {
	NP(irq.irq_disable, native_irq_disable, insn_cli),
	NP(irq.irq_enable, native_irq_enable, insn_sti),
	NP(irq.save_fl, native_save_fl, insn_save_fl),
	NP(irq.restore_fl, native_restore_fl, insn_restore_fl),
	NP(irq.safe_halt, native_safe_halt, insn_safe_halt),
	NP(irq.halt, native_halt, insn_halt),
	NP(cpu.read_cr2, native_read_cr2, insn_read_cr2),
	NP(cpu.read_cr3, native_read_cr3, insn_read_cr3),
	NP(cpu.write_cr3, native_write_cr3, insn_write_cr3),
	NP(cpu.wbinvd, native_wbinvd, insn_wbinvd),
	NP(mmu.flush_tlb_one, native_flush_tlb_one, insn_invlpg),
	NP(mmu.flush_tlb_local, native_flush_tlb_local, insn_flush_local),
	NP(mmu.make_pte, native_pte_identity, insn_mov_rdi_rax),
	NP(mmu.pte_val, native_pte_identity, insn_mov_rdi_rax),
	NP(mmu.set_pte, native_set_pte, insn_set_pte),
	NP(mmu.set_pmd, native_set_pte, insn_set_pte),
	NP(mmu.set_pud, native_set_pte, insn_set_pte),
	NP(mmu.set_p4d, native_set_pte, insn_set_pte),
	NP(mmu.alloc_pt, native_alloc_pt, insn_nop),
	NP(mmu.release_pt, native_release_pt, insn_nop),
	NP(cpu.start_context_switch, paravirt_nop, insn_nop),
	NP(cpu.end_context_switch, paravirt_nop, insn_nop),
	NP(mmu.lazy_mode_enter, paravirt_nop, insn_nop),
	NP(mmu.lazy_mode_leave, paravirt_nop, insn_nop),
	NP(mmu.lazy_mode_flush, paravirt_nop, insn_nop),
	NP(cpu.io_delay, native_io_delay, insn_io_delay),
};

/**
 * native_patch_bytes - native instruction bytes for a pv_ops hook
 * @op: op index
 * @len: set to the number of bytes
 *
 * Returns NULL when the op has no inline form, or when the installed
 * hook is no longer the native function (a backend overrode it), so the
 * patcher emits a direct call instead.
 */
const u8 *native_patch_bytes(unsigned int op, unsigned int *len)
{
	for (size_t i = 0; i < ARRAY_SIZE(native_patches); i++) {
		const struct native_patch *p = &native_patches[i];

		if (p->op != op)
			continue;
		if (paravirt_op_target(op) != p->native_fn)
			return NULL;
		*len = p->len;
		return p->bytes;
	}
	return NULL;
}
