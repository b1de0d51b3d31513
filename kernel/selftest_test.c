// SPDX-License-Identifier: MIT
/*
 * The runner's own check of selftest=: a name no suite has is counted
 * (and so fails the run as "selftest.selection"), while every suite of
 * the image is known, also one that does not apply on this platform
 * and skips there.
 */
#include <pvk/kernel.h>
#include <pvk/selftest.h>

static void selftest_unknown_suite_names(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("all", false), 0);
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("paravirt", false), 0);
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("paravirt,typo", false), 1);
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("typo,,paravirtx,mm", false), 2);
	/* Whole names only: a prefix or an extension of one is unknown. */
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("para,selftest", false), 1);
	/* "all" is only special alone. */
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("mm,all", false), 1);
}

/* Suites of other platforms are in every image: naming them is no typo. */
static void selftest_platform_suites_known(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selftest_unknown_suites("traps,pgtable", false), 0);
	if (IS_ENABLED(CONFIG_XEN))
		KUNIT_EXPECT_EQ(test, selftest_unknown_suites("xen_gnttab,xen_events",
							      false), 0);
}

SELFTEST_SUITE(selftest,
	KUNIT_CASE(selftest_unknown_suite_names),
	KUNIT_CASE(selftest_platform_suites_known));
