// SPDX-License-Identifier: MIT
/*
 * Unit tests for kernel/sleep_args.c and kernel/kill_args.c: the
 * deadline of nanosleep() and clock_nanosleep(), the timespecs and
 * clocks they refuse, and the signals kill() takes.
 */
#include <pvk/errno.h>
#include <pvk/process.h>
#include <pvk/sleep_args.h>
#include "harness.h"

#define NOW 5000000000ULL

TEST(relative_and_absolute)
{
	struct kernel_timespec ts = { 1, 500 };
	u64 d = 0;

	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, NOW + 1000000500ULL);
	EXPECT_EQ(sleep_deadline_ns(CLOCK_REALTIME, 0, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, NOW + 1000000500ULL);
	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, 1000000500ULL);
	/* Zero is a valid (no) sleep; unknown flag bits are ignored. */
	ts = (struct kernel_timespec){ 0, 0 };
	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 2, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, NOW);
}

TEST(bad_input)
{
	struct kernel_timespec ts = { 0, 1000000000 };
	u64 d = 7;

	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), -EINVAL);
	ts.tv_nsec = -1;
	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), -EINVAL);
	ts = (struct kernel_timespec){ -1, 0 };
	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), -EINVAL);
	ts = (struct kernel_timespec){ 1, 0 };
	/* CLOCK_PROCESS_CPUTIME_ID and unknown clocks. */
	EXPECT_EQ(sleep_deadline_ns(2, 0, &ts, NOW, &d), -EINVAL);
	EXPECT_EQ(sleep_deadline_ns(-1, 0, &ts, NOW, &d), -EINVAL);
	EXPECT_EQ_U(d, 7);
}

TEST(huge_sleeps_saturate)
{
	struct kernel_timespec ts = { 0x7fffffffffffffffLL, 999999999 };
	u64 d = 0;

	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, U64_MAX);
	ts.tv_sec = (s64)(U64_MAX / 1000000000ULL) - 1;
	EXPECT_EQ(sleep_deadline_ns(CLOCK_MONOTONIC, 0, &ts, NOW, &d), 0);
	EXPECT_EQ_U(d, U64_MAX);
}

TEST(kill_signals)
{
	EXPECT_EQ(kill_sig_action(0), KILL_CHECK);
	EXPECT_EQ(kill_sig_action(SIGKILL), KILL_TERMINATE);
	EXPECT_EQ(kill_sig_action(15), -EINVAL);	/* SIGTERM */
	EXPECT_EQ(kill_sig_action(SIGSEGV), -EINVAL);
	EXPECT_EQ(kill_sig_action(-1), -EINVAL);
	EXPECT_EQ(kill_sig_action(65), -EINVAL);
}

int main(void)
{
	RUN(relative_and_absolute);
	RUN(bad_input);
	RUN(huge_sleeps_saturate);
	RUN(kill_signals);
	return TEST_DONE();
}
