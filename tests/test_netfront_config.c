// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/net/xen-netfront-config.c: splitting ip= into
 * the addresses the vifs take in the order they come up.
 */
#include <string.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include "../drivers/net/xen-netfront.h"
#include "harness.h"
#include "fake_printk.h"
#include "fuzz/host_strlcpy.h"

static char out[32];

TEST(one_address)
{
	EXPECT_EQ(xennet_ip_nth("10.0.0.2/24", 0, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, "10.0.0.2/24"));
	EXPECT_EQ(xennet_ip_nth("10.0.0.2/24", 1, out, sizeof(out)), -ENOENT);
	EXPECT_EQ(xennet_ip_nth("", 0, out, sizeof(out)), -ENOENT);
	EXPECT_EQ(xennet_ip_nth(NULL, 0, out, sizeof(out)), -ENOENT);
}

TEST(a_list)
{
	const char *l = "10.0.0.2/24,10.0.1.2/24,,10.0.3.2/16";

	EXPECT_EQ(xennet_ip_nth(l, 0, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, "10.0.0.2/24"));
	EXPECT_EQ(xennet_ip_nth(l, 1, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, "10.0.1.2/24"));
	/* An empty entry is one (its vif gets a bad address: logged). */
	EXPECT_EQ(xennet_ip_nth(l, 2, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, ""));
	EXPECT_EQ(xennet_ip_nth(l, 3, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, "10.0.3.2/16"));
	EXPECT_EQ(xennet_ip_nth(l, 4, out, sizeof(out)), -ENOENT);
	EXPECT_EQ(xennet_ip_nth("a,b,c,d,e,f", XENNET_MAX_IPS, out, sizeof(out)),
		  -ENOENT);
	EXPECT_EQ(xennet_ip_nth("a,", 1, out, sizeof(out)), 0);
	EXPECT(!strcmp(out, ""));
}

TEST(too_long)
{
	EXPECT_EQ(xennet_ip_nth("10.0.0.2/24,10.0.1.2/24", 1, out, 11), -E2BIG);
	EXPECT_EQ(xennet_ip_nth("10.0.0.2/24,10.0.1.2/24", 1, out, 12), 0);
	EXPECT(!strcmp(out, "10.0.1.2/24"));
}

int main(void)
{
	RUN(one_address);
	RUN(a_list);
	RUN(too_long);
	return TEST_DONE();
}
