// SPDX-License-Identifier: MIT
/*
 * Self-tests of interrupt-flag handling through pv_ops: nested
 * save/disable/restore must unwind to exactly the outer state.
 */
#include <pvk/kernel.h>
#include <pvk/selftest.h>
#include <asm/paravirt.h>

static void irq_save_restore_nesting(struct kunit *test)
{
	unsigned long outer, inner;
	bool was_disabled = arch_irqs_disabled();

	arch_local_irq_enable();
	outer = arch_local_irq_save();
	KUNIT_EXPECT_FALSE(test, arch_irqs_disabled_flags(outer));
	KUNIT_EXPECT_TRUE(test, arch_irqs_disabled());
	inner = arch_local_irq_save();
	KUNIT_EXPECT_TRUE(test, arch_irqs_disabled_flags(inner));
	arch_local_irq_restore(inner);
	KUNIT_EXPECT_TRUE(test, arch_irqs_disabled());
	arch_local_irq_restore(outer);
	KUNIT_EXPECT_FALSE(test, arch_irqs_disabled());
	if (was_disabled)
		arch_local_irq_disable();
}

static void irq_deep_nesting(struct kunit *test)
{
	unsigned long flags[16];

	arch_local_irq_enable();
	for (int i = 0; i < 16; i++)
		flags[i] = arch_local_irq_save();
	for (int i = 15; i > 0; i--) {
		arch_local_irq_restore(flags[i]);
		KUNIT_EXPECT_TRUE(test, arch_irqs_disabled());
	}
	arch_local_irq_restore(flags[0]);
	KUNIT_EXPECT_FALSE(test, arch_irqs_disabled());
}

SELFTEST_SUITE(irq,
	KUNIT_CASE(irq_save_restore_nesting),
	KUNIT_CASE(irq_deep_nesting));
