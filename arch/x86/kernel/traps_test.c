// SPDX-License-Identifier: MIT
/*
 * Self-tests of exception handling and symbolisation: a fault at an
 * instruction listed in the exception table is recovered, and backtraces
 * name the right functions.
 */
#include <pvk/kernel.h>
#include <pvk/ksyms.h>
#include <pvk/selftest.h>
#include <asm/extable.h>
#include <asm/traps.h>

static void traps_invalid_opcode_recovered(struct kunit *test)
{
	int recovered = 0;

	asm volatile("1: ud2\n"
		     "2:\n\t"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl $1, %0\n\t"
		     "jmp 2b\n\t"
		     ".popsection\n\t"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(recovered));
	KUNIT_EXPECT_EQ(test, recovered, 1);
}

static void traps_symbol_lookup(struct kunit *test)
{
	unsigned long off = ~0UL;
	const char *name = ksym_lookup((unsigned long)traps_symbol_lookup + 3, &off);

	KUNIT_ASSERT_TRUE(test, name != NULL);
	KUNIT_EXPECT_EQ(test, strcmp(name, "traps_symbol_lookup"), 0);
	KUNIT_EXPECT_EQ(test, off, 3);
	KUNIT_EXPECT_TRUE(test, ksym_lookup(0x1000, &off) == NULL);
}

SELFTEST_SUITE(traps,
	KUNIT_CASE(traps_invalid_opcode_recovered),
	KUNIT_CASE(traps_symbol_lookup));
