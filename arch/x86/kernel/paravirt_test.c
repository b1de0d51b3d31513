// SPDX-License-Identifier: MIT
/*
 * Self-tests of the boot-time patcher: after apply_paravirt() no recorded
 * site may still hold an indirect call, sites the backend inlines must
 * hold exactly its bytes plus NOP padding, and every other site must be a
 * direct call to the hook that is installed now.
 */
#include <pvk/kernel.h>
#include <pvk/selftest.h>
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

SELFTEST_SUITE(paravirt,
	KUNIT_CASE(paravirt_all_sites_patched),
	KUNIT_CASE(paravirt_no_indirect_call_left),
	KUNIT_CASE(paravirt_sites_match_backend),
	KUNIT_CASE(paravirt_irq_ops_have_sites),
	KUNIT_CASE(paravirt_patched_irq_ops_work));
