// SPDX-License-Identifier: MIT
/*
 * The pv_ops table and the boot-time patcher.
 *
 * pv_ops starts out filled with the native backend, so everything works
 * through indirect calls before a platform is chosen.  Once the platform
 * code has installed its backend, apply_paravirt() visits every recorded
 * call site exactly once: if the backend offers native bytes for the op
 * they are copied in (padded with NOPs), otherwise the indirect call
 * becomes a direct call to the backend's function.
 */
#include <pvk/kernel.h>
#include <asm/paravirt.h>
#include <asm/paravirt-patch.h>
#include <asm/native.h>

struct paravirt_ops pv_ops = {
	.cpu = {
		.load_idt = native_load_idt,
		.load_gdt = native_load_gdt,
		.load_tr = native_load_tr,
		.read_cr0 = native_read_cr0,
		.write_cr0 = native_write_cr0,
		.read_cr4 = native_read_cr4,
		.write_cr4 = native_write_cr4,
		.read_cr2 = native_read_cr2,
		.read_cr3 = native_read_cr3,
		.write_cr3 = native_write_cr3,
		.wbinvd = native_wbinvd,
		.cpuid = native_cpuid_op,
		.read_msr = native_read_msr,
		.write_msr = native_write_msr,
		.io_delay = native_io_delay,
		.load_sp0 = native_load_sp0,
		.syscall_init = native_syscall_init,
		.ret_to_user = native_ret_to_user,
		.start_context_switch = paravirt_nop,
		.end_context_switch = paravirt_nop,
	},
	.irq = {
		.save_fl = native_save_fl,
		.restore_fl = native_restore_fl,
		.irq_disable = native_irq_disable,
		.irq_enable = native_irq_enable,
		.safe_halt = native_safe_halt,
		.halt = native_halt,
	},
	.mmu = {
		.make_pte = native_pte_identity,
		.pte_val = native_pte_identity,
		.set_pte = native_set_pte,
		.set_pmd = native_set_pte,
		.set_pud = native_set_pte,
		.set_p4d = native_set_pte,
		.alloc_pt = native_alloc_pt,
		.release_pt = native_release_pt,
		.pgd_alloc = native_pgd_alloc,
		.pgd_free = native_pgd_free,
		.flush_tlb_local = native_flush_tlb_local,
		.flush_tlb_one = native_flush_tlb_one,
		.flush_tlb_kernel = native_flush_tlb_kernel,
		.flush_tlb_multi = native_flush_tlb_multi,
		.lazy_mode_enter = paravirt_nop,
		.lazy_mode_leave = paravirt_nop,
		.lazy_mode_flush = paravirt_nop,
	},
	.time = {
		.sched_clock = native_sched_clock,
		.steal_clock = native_steal_clock,
	},
	.smp = {
		.send_ipi = native_send_ipi,
		.start_cpu = native_start_cpu,
	},
	.lock = {
		.wait = native_lock_wait,
		.kick = native_lock_kick,
	},
	.info = {
		.name = "bare-metal",
		.patch_bytes = native_patch_bytes,
	},
};

extern const struct paravirt_patch_site __parainstructions[];
extern const struct paravirt_patch_site __parainstructions_end[];
extern void *const __pv_callee_save_start[];
extern void *const __pv_callee_save_end[];

/*
 * Set by a backend whose pv_ops.lock blocks and kicks for real, before
 * any other CPU runs; read by every spin_unlock().
 */
bool pv_spin_slowpath;

static unsigned int patched_sites;
static bool patching_done;

#define NR_PV_OPS (sizeof(struct paravirt_ops) / sizeof(void *))

/* Names for diagnostics and the patch-site self-test, by op index. */
static const char *const op_names[NR_PV_OPS] = {
#define OPNAME(field) [PV_OP_INDEX(field)] = #field
	OPNAME(cpu.load_idt), OPNAME(cpu.load_gdt), OPNAME(cpu.load_tr),
	OPNAME(cpu.read_cr0), OPNAME(cpu.write_cr0), OPNAME(cpu.read_cr4),
	OPNAME(cpu.write_cr4), OPNAME(cpu.read_cr2), OPNAME(cpu.read_cr3),
	OPNAME(cpu.write_cr3), OPNAME(cpu.wbinvd), OPNAME(cpu.cpuid),
	OPNAME(cpu.read_msr), OPNAME(cpu.write_msr), OPNAME(cpu.io_delay),
	OPNAME(cpu.load_sp0), OPNAME(cpu.syscall_init), OPNAME(cpu.ret_to_user),
	OPNAME(cpu.start_context_switch), OPNAME(cpu.end_context_switch),
	OPNAME(irq.save_fl), OPNAME(irq.restore_fl), OPNAME(irq.irq_disable),
	OPNAME(irq.irq_enable), OPNAME(irq.safe_halt), OPNAME(irq.halt),
	OPNAME(mmu.make_pte), OPNAME(mmu.pte_val), OPNAME(mmu.set_pte), OPNAME(mmu.set_pmd), OPNAME(mmu.set_pud),
	OPNAME(mmu.set_p4d), OPNAME(mmu.alloc_pt), OPNAME(mmu.release_pt),
	OPNAME(mmu.pgd_alloc), OPNAME(mmu.pgd_free),
	OPNAME(mmu.flush_tlb_local), OPNAME(mmu.flush_tlb_one),
	OPNAME(mmu.flush_tlb_kernel), OPNAME(mmu.flush_tlb_multi),
	OPNAME(mmu.lazy_mode_enter), OPNAME(mmu.lazy_mode_leave),
	OPNAME(mmu.lazy_mode_flush),
	OPNAME(time.sched_clock), OPNAME(time.steal_clock),
	OPNAME(smp.send_ipi), OPNAME(smp.start_cpu),
	OPNAME(lock.wait), OPNAME(lock.kick),
#undef OPNAME
};

/**
 * paravirt_op_name - printable name of a pv_ops hook
 * @op: op index as recorded at a call site
 */
const char *paravirt_op_name(unsigned int op)
{
	if (op >= NR_PV_OPS || !op_names[op])
		return "?";
	return op_names[op];
}

/**
 * paravirt_op_target - function currently installed for a hook
 * @op: op index as recorded at a call site
 */
void *paravirt_op_target(unsigned int op)
{
	if (op >= NR_PV_OPS || !op_names[op])
		return NULL;
	return ((void **)&pv_ops)[op];
}

unsigned int paravirt_nr_sites(void)
{
	return __parainstructions_end - __parainstructions;
}

const struct paravirt_patch_site *paravirt_site(unsigned int i)
{
	return i < paravirt_nr_sites() ? &__parainstructions[i] : NULL;
}

unsigned int paravirt_patched_sites(void)
{
	return patched_sites;
}

/*
 * Inline bytes are only valid if the hook still holds the native
 * function: a backend that overrides an op must get a call.
 */
const u8 *paravirt_inline_bytes(unsigned int op, unsigned int *len)
{
	if (!pv_ops.info.patch_bytes)
		return NULL;
	return pv_ops.info.patch_bytes(op, len);
}

static bool is_callee_save(const void *fn)
{
	for (void *const *p = __pv_callee_save_start; p < __pv_callee_save_end; p++)
		if (*p == fn)
			return true;
	return false;
}

/**
 * paravirt_target_fits_site - may a site of class @clobbers call @target?
 * @clobbers: the site's PV_CLOBBERS_* class
 * @target: the function a direct call would reach
 *
 * A C-ABI site takes any function.  A callee-saved site has told the
 * compiler that only %rax changes, so its target must be registered as
 * keeping that convention (a PV_CALLEE_SAVE_THUNK() or marked assembly);
 * a plain C function there would clobber live registers of the caller.
 * An unknown class fits nothing.
 */
bool paravirt_target_fits_site(unsigned int clobbers, const void *target)
{
	switch (clobbers) {
	case PV_CLOBBERS_NORMAL:
		return true;
	case PV_CLOBBERS_NONE:
		return is_callee_save(target);
	default:
		return false;
	}
}

static int patch_site(const struct paravirt_patch_site *s)
{
	u8 *insn = (u8 *)(unsigned long)s->addr;
	unsigned int len;
	const u8 *code;
	void *target;

	if (!paravirt_is_indirect_call(insn, s->len))
		return -EEXIST;
	target = paravirt_op_target(s->op);
	if (!target)
		return -ENOENT;
	code = paravirt_inline_bytes(s->op, &len);
	if (code)
		return paravirt_encode_inline(insn, s->len, code, len);
	/*
	 * Refused, the site keeps its indirect call: no worse than before
	 * patching, and the boot line and the paravirt self-test show it.
	 */
	if (!paravirt_target_fits_site(s->clobbers, target)) {
		pr_err("paravirt: %s (class %u) may not call %#lx: not registered as callee-saved\n",
		       paravirt_op_name(s->op), s->clobbers, (unsigned long)target);
		return -EPERM;
	}
	return paravirt_encode_call(insn, s->len, s->addr, (u64)(unsigned long)target);
}

/**
 * apply_paravirt - patch every recorded pv_ops call site, once
 *
 * Must run on the boot CPU with interrupts off, after the platform's
 * backend is installed and before any other CPU starts.  A site that
 * cannot be patched is left as its (still correct) indirect call and
 * reported.  Returns the number of sites patched.
 */
unsigned int apply_paravirt(void)
{
	unsigned int i, n = paravirt_nr_sites();

	BUG_ON(patching_done);
	for (i = 0; i < n; i++) {
		const struct paravirt_patch_site *s = &__parainstructions[i];
		int err = patch_site(s);

		if (err)
			pr_err("paravirt: site %#llx (%s, %u bytes) not patched: %d\n",
			       (unsigned long long)s->addr,
			       paravirt_op_name(s->op), s->len, err);
		else
			patched_sites++;
	}
	/* Serialise so this CPU fetches the new instructions. */
	{
		u32 a = 0, b, c = 0, d;

		native_cpuid(&a, &b, &c, &d);
	}
	patching_done = true;
	pr_info("paravirt: %s backend, %u of %u call sites patched\n",
		pv_ops.info.name, patched_sites, n);
	return patched_sites;
}
