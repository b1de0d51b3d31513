// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/manage-parse.c: the values the toolstack
 * writes to control/shutdown and control/sysrq.  Only the three known
 * requests are taken, exactly as written; "suspend" is known but is no
 * shutdown kind (manage.c hands it to the platform, which may be unable
 * to suspend); everything else, near misses included, is refused.
 */
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include "../drivers/xen/manage-internal.h"
#include "harness.h"

static int parse(const char *val, enum shutdown_kind *kind)
{
	*kind = (enum shutdown_kind)-1;
	return xen_manage_parse_shutdown(val, kind);
}

TEST(shutdown_known_requests)
{
	enum shutdown_kind kind;

	EXPECT_EQ(parse("poweroff", &kind), 0);
	EXPECT_EQ(kind, SHUTDOWN_KIND_POWEROFF);
	EXPECT_EQ(parse("reboot", &kind), 0);
	EXPECT_EQ(kind, SHUTDOWN_KIND_REBOOT);
	EXPECT_EQ(parse("halt", &kind), 0);
	EXPECT_EQ(kind, SHUTDOWN_KIND_HALT);
}

TEST(shutdown_empty_is_no_request)
{
	enum shutdown_kind kind;

	EXPECT_EQ(parse("", &kind), 0);
	EXPECT_EQ(kind, SHUTDOWN_KIND_NONE);
}

TEST(shutdown_suspend_not_a_kind)
{
	enum shutdown_kind kind;

	EXPECT_EQ(parse("suspend", &kind), -EOPNOTSUPP);
	EXPECT_EQ(kind, SHUTDOWN_KIND_NONE);
}

TEST(shutdown_unknown_refused)
{
	static const char *const bad[] = {
		"frobnicate", "Poweroff", "poweroff ", " reboot", "rebootx",
		"halt\n", "power", "suspend2", "1", "\x7f", "crash",
	};
	enum shutdown_kind kind;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(parse(bad[i], &kind), -EINVAL);
		EXPECT_EQ(kind, SHUTDOWN_KIND_NONE);
	}
}

TEST(sysrq_keys)
{
	char key = 'x';

	EXPECT_EQ(xen_manage_parse_sysrq("t", &key), 0);
	EXPECT_EQ(key, 't');
	EXPECT_EQ(xen_manage_parse_sysrq("", &key), 0);
	EXPECT_EQ(key, '\0');
	EXPECT_EQ(xen_manage_parse_sysrq("~", &key), 0);
	EXPECT_EQ(key, '~');
}

TEST(sysrq_bad_values)
{
	static const char *const bad[] = { "tt", " ", "\n", "\x7f", "\xff", "t " };
	char key = 'x';

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(xen_manage_parse_sysrq(bad[i], &key), -EINVAL);
		EXPECT_EQ(key, '\0');
	}
}

TEST(printable_masks_control_bytes)
{
	char s[] = "a\nb\x1b[c\xff~";

	xen_manage_printable(s);
	EXPECT_STR(s, "a?b?[c?~");
}

int main(void)
{
	RUN(shutdown_known_requests);
	RUN(shutdown_empty_is_no_request);
	RUN(shutdown_suspend_not_a_kind);
	RUN(shutdown_unknown_refused);
	RUN(sysrq_keys);
	RUN(sysrq_bad_values);
	RUN(printable_masks_control_bytes);
	return TEST_DONE();
}
