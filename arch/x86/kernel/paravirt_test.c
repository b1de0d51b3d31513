// SPDX-License-Identifier: MIT
/*
 * Self-tests of the boot-time patcher: after apply_paravirt() no recorded
 * site may still hold an indirect call, sites the backend inlines must
 * hold exactly its bytes plus NOP padding, and every other site must be a
 * direct call to the hook that is installed now.
 *
 * Those checks use the patcher's own tables and encoders.  The last case
 * does not: it decodes each site with an independent decoder (asm/insn.h)
 * and compares it with what the op must be on this platform, from a
 * table here written by op, from the Intel SDM.
 */
#include <pvk/kernel.h>
#include <pvk/ksyms.h>
#include <pvk/arch.h>
#include <pvk/selftest.h>
#include <asm/insn.h>
#include <asm/native.h>
#include <asm/paravirt.h>
#include <asm/paravirt-patch.h>

static void paravirt_all_sites_patched(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, paravirt_nr_sites() > 0);
	KUNIT_EXPECT_EQ(test, paravirt_patched_sites(), paravirt_nr_sites());
}

static void paravirt_no_indirect_call_left(struct kunit *test)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < paravirt_nr_sites(); i++) {
		const struct paravirt_patch_site *s = paravirt_site(i);

		if (paravirt_is_indirect_call((const u8 *)(unsigned long)s->addr, s->len)) {
			kunit_info(test, "site %#llx (%s) still calls indirectly",
				   (unsigned long long)s->addr, paravirt_op_name(s->op));
			bad++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* One site: inline bytes + NOPs, or a direct call to the live hook. */
static bool site_ok(const struct paravirt_patch_site *s)
{
	const u8 *insn = (const u8 *)(unsigned long)s->addr;
	unsigned int len;
	const u8 *code = paravirt_inline_bytes(s->op, &len);
	u64 target;

	if (code)
		return len <= s->len && !memcmp(insn, code, len) &&
		       paravirt_is_nop_padding(insn + len, s->len - len);
	return paravirt_decode_call(insn, s->len, s->addr, &target) &&
	       target == (u64)(unsigned long)paravirt_op_target(s->op) &&
	       paravirt_is_nop_padding(insn + 5, s->len - 5);
}

static void paravirt_sites_match_backend(struct kunit *test)
{
	unsigned int bad = 0, inlined = 0;

	for (unsigned int i = 0; i < paravirt_nr_sites(); i++) {
		const struct paravirt_patch_site *s = paravirt_site(i);
		unsigned int len;

		if (paravirt_inline_bytes(s->op, &len))
			inlined++;
		if (!site_ok(s)) {
			kunit_info(test, "site %#llx (%s, %u bytes) does not match the %s backend",
				   (unsigned long long)s->addr, paravirt_op_name(s->op),
				   s->len, pv_ops.info.name);
			bad++;
		}
	}
	kunit_info(test, "%u sites, %u inline, backend %s", paravirt_nr_sites(),
		   inlined, pv_ops.info.name);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* Every hot irq op must actually have call sites (the macros are used). */
static void paravirt_irq_ops_have_sites(struct kunit *test)
{
	const unsigned int ops[] = {
		PV_OP_INDEX(irq.save_fl), PV_OP_INDEX(irq.restore_fl),
		PV_OP_INDEX(irq.irq_disable), PV_OP_INDEX(irq.irq_enable),
		PV_OP_INDEX(irq.safe_halt), PV_OP_INDEX(mmu.set_pte),
		PV_OP_INDEX(mmu.flush_tlb_one), PV_OP_INDEX(cpu.write_cr3),
	};

	for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
		unsigned int found = 0;

		for (unsigned int i = 0; i < paravirt_nr_sites(); i++)
			found += paravirt_site(i)->op == ops[k];
		if (!found)
			kunit_fail(test, __FILE__, __LINE__, "no call site for %s",
				   paravirt_op_name(ops[k]));
	}
}

/* Patched code must still behave: the irq flag follows the ops. */
static void paravirt_patched_irq_ops_work(struct kunit *test)
{
	unsigned long flags = arch_local_irq_save();

	KUNIT_EXPECT_TRUE(test, arch_irqs_disabled());
	arch_local_irq_enable();
	KUNIT_EXPECT_FALSE(test, arch_irqs_disabled());
	arch_local_irq_disable();
	KUNIT_EXPECT_TRUE(test, arch_irqs_disabled());
	arch_local_irq_restore(flags);
}

/* ---- the per-site clobber class ----------------------------------------- */

/* A plain C function: it may clobber every caller-saved register. */
static __used unsigned long clobber_probe(unsigned long x)
{
	return x + 1;
}
PV_CALLEE_SAVE_THUNK(clobber_probe);

/*
 * Call @fn as a callee-saved site does (%rdi in, %rax out) with known
 * values in every other caller-saved register; false if any changed.
 */
static bool callee_save_call(void *fn, unsigned long arg, unsigned long *ret)
{
	register unsigned long r8 asm("r8") = 8, r9 asm("r9") = 9;
	register unsigned long r10 asm("r10") = 10, r11 asm("r11") = 11;
	unsigned long rcx = 1, rdx = 2, rsi = 6;

	asm volatile("call *%[fn]"
		     : "=a"(*ret), "+D"(arg), "+c"(rcx), "+d"(rdx), "+S"(rsi),
		       "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11)
		     : [fn] "m"(fn)
		     : "memory", "cc");
	return rcx == 1 && rdx == 2 && rsi == 6 && r8 == 8 && r9 == 9 &&
	       r10 == 10 && r11 == 11;
}

/*
 * The patcher's check, fed wrong targets on purpose: a plain C function
 * (or a C-ABI hook) at a callee-saved site is refused, its thunk is
 * taken; a C-ABI site takes either; an unknown class takes nothing.
 * Then every recorded site's installed hook must fit its site.
 */
static void paravirt_clobber_class_checked(struct kunit *test)
{
	void *plain = (void *)clobber_probe, *thunk = PV_CALLEE_SAVE(clobber_probe);
	void *c_abi_hook = paravirt_op_target(PV_OP_INDEX(cpu.read_cr2));
	unsigned long ret;
	unsigned int bad = 0;

	KUNIT_EXPECT_FALSE(test, paravirt_target_fits_site(PV_CLOBBERS_NONE, plain));
	KUNIT_EXPECT_FALSE(test, paravirt_target_fits_site(PV_CLOBBERS_NONE, c_abi_hook));
	KUNIT_EXPECT_TRUE(test, paravirt_target_fits_site(PV_CLOBBERS_NONE, thunk));
	KUNIT_EXPECT_TRUE(test, paravirt_target_fits_site(PV_CLOBBERS_NORMAL, plain));
	KUNIT_EXPECT_TRUE(test, paravirt_target_fits_site(PV_CLOBBERS_NORMAL, thunk));
	KUNIT_EXPECT_FALSE(test, paravirt_target_fits_site(7, thunk));
	/* The thunk computes what the function does and keeps the rest. */
	KUNIT_EXPECT_TRUE(test, callee_save_call(thunk, 41, &ret));
	KUNIT_EXPECT_EQ(test, ret, 42);
	for (unsigned int i = 0; i < paravirt_nr_sites(); i++) {
		const struct paravirt_patch_site *s = paravirt_site(i);

		if (paravirt_target_fits_site(s->clobbers, paravirt_op_target(s->op)))
			continue;
		if (bad++ < 8)
			kunit_info(test, "site %#llx (%s, class %u): hook %p does not fit",
				   (unsigned long long)s->addr, paravirt_op_name(s->op),
				   s->clobbers, paravirt_op_target(s->op));
	}
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/* ---- an independent look at every site -------------------------------- */

#define NATIVE_MAX	2	/* instructions of the longest native form */
#define SITE_MAX_INSNS	16

/* What a bare-metal site of @op holds before its NOP padding. */
struct native_form {
	unsigned int op;
	unsigned int n;
	enum x86_insn_id insn[NATIVE_MAX];
};

#define NATIVE0(field)		{ PV_OP_INDEX(field), 0, { 0 } }
#define NATIVE1(field, a)	{ PV_OP_INDEX(field), 1, { a } }
#define NATIVE2(field, a, b)	{ PV_OP_INDEX(field), 2, { a, b } }

/*
 * On bare metal these ops are their instruction, inline: the hook's
 * contract (argument in %rdi/%rsi, result in %rax) in one or two
 * instructions, or nothing at all for the hooks that do nothing.  Every
 * other op is a direct call.
 */
static const struct native_form native_forms[] = {
	NATIVE1(irq.irq_disable, X86_INSN_CLI),
	NATIVE1(irq.irq_enable, X86_INSN_STI),
	NATIVE2(irq.save_fl, X86_INSN_PUSHF, X86_INSN_POP_RAX),
	NATIVE2(irq.restore_fl, X86_INSN_PUSH_RDI, X86_INSN_POPF),
	NATIVE2(irq.safe_halt, X86_INSN_STI, X86_INSN_HLT),
	NATIVE1(irq.halt, X86_INSN_HLT),
	NATIVE1(cpu.read_cr2, X86_INSN_MOV_CR2_RAX),
	NATIVE1(cpu.read_cr3, X86_INSN_MOV_CR3_RAX),
	NATIVE1(cpu.write_cr3, X86_INSN_MOV_RDI_CR3),
	NATIVE1(cpu.wbinvd, X86_INSN_WBINVD),
	NATIVE1(cpu.io_delay, X86_INSN_OUT_AL_IMM8),	/* port 0x80 */
	NATIVE1(mmu.flush_tlb_one, X86_INSN_INVLPG_RDI),
	NATIVE2(mmu.flush_tlb_local, X86_INSN_MOV_CR3_RAX, X86_INSN_MOV_RAX_CR3),
	NATIVE1(mmu.make_pte, X86_INSN_MOV_RDI_RAX),
	NATIVE1(mmu.pte_val, X86_INSN_MOV_RDI_RAX),
	NATIVE1(mmu.set_pte, X86_INSN_MOV_RSI_MRDI),
	NATIVE1(mmu.set_pmd, X86_INSN_MOV_RSI_MRDI),
	NATIVE1(mmu.set_pud, X86_INSN_MOV_RSI_MRDI),
	NATIVE1(mmu.set_p4d, X86_INSN_MOV_RSI_MRDI),
	NATIVE0(mmu.alloc_pt),
	NATIVE0(mmu.release_pt),
	NATIVE0(cpu.start_context_switch),
	NATIVE0(cpu.end_context_switch),
	NATIVE0(mmu.lazy_mode_enter),
	NATIVE0(mmu.lazy_mode_leave),
	NATIVE0(mmu.lazy_mode_flush),
};

static const struct native_form *native_form(unsigned int op)
{
	for (size_t i = 0; i < ARRAY_SIZE(native_forms); i++)
		if (native_forms[i].op == op)
			return &native_forms[i];
	return NULL;
}

/* A site decoded: the instructions before the padding, the call target. */
struct decoded_site {
	enum x86_insn_id insn[SITE_MAX_INSNS];
	unsigned int n;
	u64 call_target;
	u8 out_port;
};

/*
 * Decode @s into @d: instructions up to the first NOP, then NOPs only,
 * ending exactly at the site's end.  Returns NULL or what is wrong.
 */
static const char *decode_site(const struct paravirt_patch_site *s,
			       struct decoded_site *d)
{
	const u8 *p = (const u8 *)(unsigned long)s->addr;
	unsigned int off = 0;
	struct x86_insn insn;

	memset(d, 0, sizeof(*d));
	while (off < s->len) {
		if (!x86_insn_decode(p + off, s->len - off, &insn))
			return "bytes that are none of the site forms";
		if (insn.id == X86_INSN_NOP)
			break;
		if (d->n == SITE_MAX_INSNS)
			return "too many instructions";
		d->insn[d->n++] = insn.id;
		if (insn.id == X86_INSN_CALL_REL32)
			d->call_target = s->addr + off + insn.len + (u64)insn.imm;
		if (insn.id == X86_INSN_OUT_AL_IMM8)
			d->out_port = (u8)insn.imm;
		off += insn.len;
	}
	while (off < s->len) {
		if (!x86_insn_decode(p + off, s->len - off, &insn) ||
		    insn.id != X86_INSN_NOP)
			return "padding that is not NOPs";
		off += insn.len;
	}
	return NULL;
}

/* Does @s hold what its op must be here?  NULL or what is wrong. */
static const char *site_problem(const struct paravirt_patch_site *s,
				const struct native_form *want)
{
	struct decoded_site d;
	const char *why = decode_site(s, &d);

	if (why)
		return why;
	if (want) {
		if (d.n != want->n)
			return "not the op's native instruction";
		for (unsigned int i = 0; i < d.n; i++)
			if (d.insn[i] != want->insn[i])
				return "not the op's native instruction";
		if (d.n && d.insn[0] == X86_INSN_OUT_AL_IMM8 && d.out_port != 0x80)
			return "io_delay not on port 0x80";
		return NULL;
	}
	if (d.n != 1 || d.insn[0] != X86_INSN_CALL_REL32)
		return "not a direct call";
	if (d.call_target != (u64)(unsigned long)paravirt_op_target(s->op))
		return "a call to something other than the installed hook";
	return NULL;
}

/*
 * Whether the hook installed for @op is the native backend's, told by
 * its symbol name (not by asking the patcher), in a backend that inlines
 * native hooks: on bare metal all are, and on hardware virtualisation
 * (Xen HVM, PVH) most stay native.  A Xen PV backend inlines nothing.
 */
static bool native_hook(unsigned int op)
{
	unsigned long off;
	const char *name = ksym_lookup((unsigned long)paravirt_op_target(op), &off);

	if (pv_ops.info.patch_bytes != native_patch_bytes)
		return false;
	return name && !off && (!strncmp(name, "native_", 7) ||
				!strcmp(name, "paravirt_nop"));
}

static void paravirt_sites_decode_as_expected(struct kunit *test)
{
	unsigned int bad = 0, inline_sites = 0;

	KUNIT_ASSERT_TRUE(test, paravirt_nr_sites() > 0);
	for (unsigned int i = 0; i < paravirt_nr_sites(); i++) {
		const struct paravirt_patch_site *s = paravirt_site(i);
		const struct native_form *want = native_hook(s->op) ?
						 native_form(s->op) : NULL;
		const char *why = site_problem(s, want);

		inline_sites += want != NULL;
		if (!why)
			continue;
		if (bad++ < 8)
			kunit_info(test, "site %#llx (%s, %u bytes): %s",
				   (unsigned long long)s->addr,
				   paravirt_op_name(s->op), s->len, why);
	}
	kunit_info(test, "%u sites decoded on %s, %u must be inline",
		   paravirt_nr_sites(), arch_platform_name(), inline_sites);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

SELFTEST_SUITE(paravirt,
	KUNIT_CASE(paravirt_all_sites_patched),
	KUNIT_CASE(paravirt_no_indirect_call_left),
	KUNIT_CASE(paravirt_sites_match_backend),
	KUNIT_CASE(paravirt_irq_ops_have_sites),
	KUNIT_CASE(paravirt_patched_irq_ops_work),
	KUNIT_CASE(paravirt_clobber_class_checked),
	KUNIT_CASE(paravirt_sites_decode_as_expected));
