// SPDX-License-Identifier: MIT
/*
 * Self-tests of exception handling and symbolisation: a fault at an
 * instruction listed in the exception table is recovered, and backtraces
 * name the right functions, and an interrupt that lands on a hlt returns
 * past it.
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

/* Never run: only its bytes are read, as an interrupt's return would. */
void traps_test_hlt_site(void);
asm(".pushsection .text\n"
    ".globl traps_test_hlt_site\n"
    "traps_test_hlt_site: hlt\n\t"
    "nop\n\t"
    "ret\n"
    ".popsection");

static void traps_interrupt_on_hlt_steps_over_it(struct kunit *test)
{
	unsigned long site = (unsigned long)traps_test_hlt_site;
	struct pt_regs regs = { .vector = 0xef, .cs = 0x10, .rip = site };

	KUNIT_EXPECT_TRUE(test, interrupt_step_over_hlt(&regs));
	KUNIT_EXPECT_EQ(test, regs.rip, site + 1);
	/* Now on the nop: not a hlt, nothing to step over. */
	KUNIT_EXPECT_FALSE(test, interrupt_step_over_hlt(&regs));
	KUNIT_EXPECT_EQ(test, regs.rip, site + 1);
	/* A user process's hlt is its own business (and faults). */
	regs = (struct pt_regs){ .vector = 0xef, .cs = 0x33, .rip = site };
	KUNIT_EXPECT_FALSE(test, interrupt_step_over_hlt(&regs));
	KUNIT_EXPECT_EQ(test, regs.rip, site);
}

SELFTEST_SUITE(traps,
	KUNIT_CASE(traps_interrupt_on_hlt_steps_over_it),
	KUNIT_CASE(traps_invalid_opcode_recovered),
	KUNIT_CASE(traps_symbol_lookup));
