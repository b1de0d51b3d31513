// SPDX-License-Identifier: MIT
/*
 * Self-test of printk_ratelimited()'s lock and clock (the window
 * arithmetic has host tests): a flood from one site lets one burst
 * through, and the site speaks again once its interval is over.
 */
#include <pvk/kernel.h>
#include <pvk/ratelimit.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/time.h>

#define FLOOD_INTERVAL_MS	50
#define FLOOD_BURST		3

static void printk_ratelimit_passes_one_burst_per_interval(struct kunit *test)
{
	struct ratelimit_state rs = {
		.lock = SPINLOCK_INIT,
		.w = RATELIMIT_WINDOW_INIT(FLOOD_INTERVAL_MS * NSEC_PER_MSEC,
					   FLOOD_BURST),
	};
	unsigned int passed = 0;

	for (int i = 0; i < 1000; i++)
		passed += __ratelimit(&rs, "printk_test flood");
	KUNIT_EXPECT_EQ(test, passed, FLOOD_BURST);
	KUNIT_EXPECT_EQ(test, rs.w.missed, 1000 - FLOOD_BURST);
	msleep(FLOOD_INTERVAL_MS + 10);
	/* Also logs "printk_test flood: 997 log lines suppressed". */
	KUNIT_EXPECT_TRUE(test, __ratelimit(&rs, "printk_test flood"));
	KUNIT_EXPECT_EQ(test, rs.w.missed, 0);
}

SELFTEST_SUITE(printk,
	KUNIT_CASE(printk_ratelimit_passes_one_burst_per_interval));
