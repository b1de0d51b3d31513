// SPDX-License-Identifier: MIT
/*
 * Self-tests of the shutdown request API (kernel/reboot.c), on every
 * platform: with an observer set, a request reaches it with its kind
 * and origin and nothing is recorded or acted upon; a request for
 * nothing or for an unknown kind reaches nobody.
 */
#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/selftest.h>

static unsigned int seen;
static enum shutdown_kind seen_kind;
static const char *seen_why;

static void observe(enum shutdown_kind kind, const char *why)
{
	seen++;
	seen_kind = kind;
	seen_why = why;
}

static void reboot_requests_reach_the_observer(struct kunit *test)
{
	static const enum shutdown_kind kinds[] = {
		SHUTDOWN_KIND_POWEROFF, SHUTDOWN_KIND_REBOOT, SHUTDOWN_KIND_HALT,
	};

	seen = 0;
	kernel_shutdown_observe(observe);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		kernel_request_shutdown(kinds[i], "reboot self-test");
		KUNIT_EXPECT_EQ(test, seen, i + 1);
		KUNIT_EXPECT_EQ(test, seen_kind, kinds[i]);
		KUNIT_EXPECT_TRUE(test, seen_why && !strcmp(seen_why, "reboot self-test"));
	}
	kernel_request_shutdown(SHUTDOWN_KIND_NONE, "reboot self-test");
	kernel_request_shutdown((enum shutdown_kind)42, "reboot self-test");
	KUNIT_EXPECT_EQ(test, seen, ARRAY_SIZE(kinds));
	kernel_shutdown_observe(NULL);
}

static void reboot_kind_names(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, strcmp(shutdown_kind_name(SHUTDOWN_KIND_POWEROFF), "poweroff"), 0);
	KUNIT_EXPECT_EQ(test, strcmp(shutdown_kind_name(SHUTDOWN_KIND_REBOOT), "reboot"), 0);
	KUNIT_EXPECT_EQ(test, strcmp(shutdown_kind_name(SHUTDOWN_KIND_HALT), "halt"), 0);
	KUNIT_EXPECT_EQ(test, strcmp(shutdown_kind_name((enum shutdown_kind)42), "?"), 0);
}

SELFTEST_SUITE(reboot,
	KUNIT_CASE(reboot_requests_reach_the_observer),
	KUNIT_CASE(reboot_kind_names));
