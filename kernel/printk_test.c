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

#define FLOOD_INTERVAL_MS	100
#define FLOOD_BURST		3
#define FLOOD_LINES		1000

/*
 * The flood usually fits in one interval, and then exactly one burst
 * passes.  Under emulation a vCPU can stall for longer than an interval
 * (seen on a PVH dom0 under TCG), so a flood that took longer is held
 * to the bound of one burst per interval it spanned instead.
 */
static void printk_ratelimit_passes_one_burst_per_interval(struct kunit *test)
{
	struct ratelimit_state rs = {
		.lock = SPINLOCK_INIT,
		.w = RATELIMIT_WINDOW_INIT(FLOOD_INTERVAL_MS * NSEC_PER_MSEC,
					   FLOOD_BURST),
	};
	unsigned int passed = 0, intervals;
	u64 start, took;

	start = ktime_get_ns();
	for (int i = 0; i < FLOOD_LINES; i++)
		passed += __ratelimit(&rs, "printk_test flood");
	took = ktime_get_ns() - start;
	intervals = took / (FLOOD_INTERVAL_MS * NSEC_PER_MSEC) + 1;
	if (intervals == 1) {
		KUNIT_EXPECT_EQ(test, passed, FLOOD_BURST);
		KUNIT_EXPECT_EQ(test, rs.w.missed, FLOOD_LINES - FLOOD_BURST);
	} else {
		kunit_info(test, "the flood took %llu us: %u intervals",
			   (unsigned long long)(took / 1000), intervals);
		KUNIT_EXPECT_LE(test, FLOOD_BURST, passed);
		KUNIT_EXPECT_LE(test, passed, FLOOD_BURST * intervals);
	}
	msleep(FLOOD_INTERVAL_MS + 10);
	/* Also logs "printk_test flood: N log lines suppressed". */
	KUNIT_EXPECT_TRUE(test, __ratelimit(&rs, "printk_test flood"));
	KUNIT_EXPECT_EQ(test, rs.w.missed, 0);
}

SELFTEST_SUITE(printk,
	KUNIT_CASE(printk_ratelimit_passes_one_burst_per_interval));
