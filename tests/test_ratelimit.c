// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/ratelimit.c: a burst per interval, the dropped
 * count handed over once when the next interval opens, and no interval
 * that never ends.
 */
#include <pvk/ratelimit.h>
#include "harness.h"

#define SEC	(1000ULL * 1000 * 1000)

static struct ratelimit_window window(unsigned int burst)
{
	struct ratelimit_window w = RATELIMIT_WINDOW_INIT(5 * SEC, burst);

	return w;
}

TEST(burst_then_dropped)
{
	struct ratelimit_window w = window(3);
	unsigned int dropped, allowed = 0;

	for (int i = 0; i < 1000; i++) {
		allowed += ratelimit_window_allow(&w, 7 * SEC + i, &dropped);
		EXPECT_EQ_U(dropped, 0);
	}
	EXPECT_EQ_U(allowed, 3);
	EXPECT_EQ_U(w.missed, 997);
}

TEST(next_interval_reports_dropped_once)
{
	struct ratelimit_window w = window(2);
	unsigned int dropped;

	for (int i = 0; i < 5; i++)
		ratelimit_window_allow(&w, 1 * SEC, &dropped);
	/* Just inside the interval: still held back. */
	EXPECT(!ratelimit_window_allow(&w, 6 * SEC - 1, &dropped));
	EXPECT_EQ_U(dropped, 0);
	EXPECT(ratelimit_window_allow(&w, 6 * SEC, &dropped));
	EXPECT_EQ_U(dropped, 4);
	EXPECT(ratelimit_window_allow(&w, 6 * SEC + 1, &dropped));
	EXPECT_EQ_U(dropped, 0);
}

TEST(quiet_site_never_drops)
{
	struct ratelimit_window w = window(1);
	unsigned int dropped;

	for (int i = 0; i < 100; i++) {
		EXPECT(ratelimit_window_allow(&w, (u64)i * 10 * SEC, &dropped));
		EXPECT_EQ_U(dropped, 0);
	}
}

TEST(time_zero_opens_an_interval)
{
	struct ratelimit_window w = window(1);
	unsigned int dropped;

	EXPECT(ratelimit_window_allow(&w, 0, &dropped));
	EXPECT(!ratelimit_window_allow(&w, 0, &dropped));
	EXPECT(!ratelimit_window_allow(&w, 1, &dropped));
	EXPECT(ratelimit_window_allow(&w, 5 * SEC + 1, &dropped));
	EXPECT_EQ_U(dropped, 2);
}

TEST(zero_burst_drops_everything)
{
	struct ratelimit_window w = window(0);
	unsigned int dropped;

	EXPECT(!ratelimit_window_allow(&w, SEC, &dropped));
	EXPECT(!ratelimit_window_allow(&w, 2 * SEC, &dropped));
	EXPECT(!ratelimit_window_allow(&w, 7 * SEC, &dropped));
	EXPECT_EQ_U(dropped, 2);
}

int main(void)
{
	RUN(burst_then_dropped);
	RUN(next_interval_reports_dropped_once);
	RUN(quiet_site_never_drops);
	RUN(time_zero_opens_an_interval);
	RUN(zero_burst_drops_everything);
	return TEST_DONE();
}
