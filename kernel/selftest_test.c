// SPDX-License-Identifier: MIT
/*
 * Self-tests of the KTAP runner's helpers (selftest.c).  selftest=: a
 * name no suite has is counted (and so fails the run as
 * "selftest.selection"), while every suite of the image is known, also
 * one that does not apply on this platform and skips there.  A case that
 * needs more CPUs than are online is skipped with the reason the runner
 * greps for, and a case that already failed stays failed.
 */
#include <pvk/kernel.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>

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


static void selftest_need_cpus_skips(struct kunit *test)
{
	unsigned int online = num_online_cpus();
	struct kunit probe = { .name = "probe" };
	char want[32];

	KUNIT_EXPECT_TRUE(test, kunit_need_cpus(&probe, online));
	KUNIT_EXPECT_EQ(test, probe.status, KUNIT_SUCCESS);
	KUNIT_EXPECT_FALSE(test, kunit_need_cpus(&probe, online + 1));
	KUNIT_EXPECT_EQ(test, probe.status, KUNIT_SKIPPED);
	snprintf(want, sizeof(want), "needs %u CPUs", online + 1);
	if (strcmp(probe.skip_reason, want))
		kunit_fail(test, __FILE__, __LINE__, "skip reason \"%s\", want \"%s\"",
			   probe.skip_reason, want);
}

static void selftest_skip_keeps_failure(struct kunit *test)
{
	struct kunit probe = { .name = "probe", .status = KUNIT_FAILURE };

	KUNIT_EXPECT_FALSE(test, kunit_need_cpus(&probe, num_online_cpus() + 1));
	KUNIT_EXPECT_EQ(test, probe.status, KUNIT_FAILURE);
}

SELFTEST_SUITE(selftest,
	KUNIT_CASE(selftest_unknown_suite_names),
	KUNIT_CASE(selftest_platform_suites_known),
	KUNIT_CASE(selftest_need_cpus_skips),
	KUNIT_CASE(selftest_skip_keeps_failure));
