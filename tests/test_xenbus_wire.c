// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/xenbus/xenbus_wire.c, the checks the
 * xenstore client makes of xenstored's messages.  Bodies are passed as
 * the reader thread leaves them: a heap buffer of exactly the body's
 * length plus the NUL it adds, so AddressSanitizer catches a read past
 * the body the check promised was safe.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include "../drivers/xen/xenbus/xenbus_internal.h"
#include "harness.h"
#include "fake_printk.h"

static char *body;

/* @n bytes of @s, then the reader's NUL. */
static const char *msg(const char *s, u32 n)
{
	free(body);
	body = malloc(n + 1);
	if (!body)
		exit(EXIT_FAILURE);
	memcpy(body, s, n);
	body[n] = '\0';
	return body;
}

#define MSG(lit)	msg(lit, sizeof(lit) - 1)

TEST(error_strings)
{
	EXPECT_EQ(xs_error_to_errno(MSG("ENOENT\0"), 7), -ENOENT);
	EXPECT_EQ(xs_error_to_errno(MSG("EAGAIN"), 6), -EAGAIN);
	last_log[0] = '\0';
	EXPECT_EQ(xs_error_to_errno(MSG("EWHATEVER"), 9), -EIO);
	EXPECT(strstr(last_log, "EWHATEVER") != NULL);
	EXPECT_EQ(xs_error_to_errno(MSG(""), 0), -EIO);
}

TEST(watch_events)
{
	EXPECT(xs_watch_event_ok(MSG("device/vbd\0tok\0"), 15));
	/* What xenstored sends without the last NUL: the token runs out. */
	EXPECT(!xs_watch_event_ok(MSG("device/vbd\0tok"), 14));
	EXPECT(!xs_watch_event_ok(MSG("device/vbd"), 10));
	EXPECT(!xs_watch_event_ok(MSG("device/vbd\0"), 11));
	EXPECT(!xs_watch_event_ok(MSG("\0tok\0"), 5));
	EXPECT(!xs_watch_event_ok(MSG("p\0\0"), 3));
	EXPECT(!xs_watch_event_ok(MSG(""), 0));
}

TEST(directory_listings)
{
	unsigned int n = 99;

	EXPECT_EQ(xs_directory_count(MSG("0\0" "51712\0"), 8, &n), 0);
	EXPECT_EQ(n, 2);
	EXPECT_EQ(xs_directory_count(MSG(""), 0, &n), 0);
	EXPECT_EQ(n, 0);
	n = 99;
	EXPECT_EQ(xs_directory_count(MSG("0\0" "51712"), 7, &n), -EIO);
	EXPECT_EQ(xs_directory_count(MSG("\0" "0\0"), 3, &n), -EIO);
	EXPECT_EQ(xs_directory_count(MSG("0\0\0"), 3, &n), -EIO);
	EXPECT_EQ(n, 99);
}

/* The cases the xenbus KTAP suite checks through xenstore. */
TEST(numbers)
{
	unsigned int v = 7;

	EXPECT_EQ(xs_parse_uint("4096", &v), 0);
	EXPECT_EQ(v, 4096);
	EXPECT_EQ(xs_parse_uint("4294967295", &v), 0);
	EXPECT_EQ_U(v, 4294967295U);
	EXPECT_EQ(xs_parse_uint("4294967296", &v), -ERANGE);
	EXPECT_EQ(xs_parse_uint("99999999999", &v), -ERANGE);
	EXPECT_EQ(xs_parse_uint("99999999999999999999999", &v), -EINVAL);
	EXPECT_EQ(xs_parse_uint("12x", &v), -EINVAL);
	EXPECT_EQ(xs_parse_uint("", &v), -EINVAL);
	EXPECT_EQ(xs_parse_uint("-1", &v), -EINVAL);
	EXPECT_EQ_U(v, 4294967295U);
}

int main(void)
{
	int ret;

	RUN(error_strings);
	RUN(watch_events);
	RUN(directory_listings);
	RUN(numbers);
	ret = TEST_DONE();
	free(body);
	return ret;
}
