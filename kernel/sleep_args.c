// SPDX-License-Identifier: MIT
/*
 * The timespec of nanosleep(2) and clock_nanosleep(2) as a deadline
 * (pure: also built on the host for tests/test_sleep_args.c).
 */
#include <pvk/errno.h>
#include <pvk/sleep_args.h>

#define NSEC_PER_SEC_SLEEP	1000000000LL

/**
 * sleep_deadline_ns - when a sleep ends
 * @clock: CLOCK_REALTIME or CLOCK_MONOTONIC (pvk's clocks both count
 *	   from boot, so they are one clock here)
 * @flags: TIMER_ABSTIME for a time of @clock, else a length; other
 *	   bits are ignored, as Linux does
 * @ts: as copied from user space
 * @now: the clock now, in ns
 * @deadline: set to the end, in ns of the clock (U64_MAX at most)
 *
 * Returns 0, or -EINVAL for another clock, a negative time or
 * nanoseconds outside [0, 1e9), as Linux.
 */
int sleep_deadline_ns(int clock, int flags, const struct kernel_timespec *ts,
		      u64 now, u64 *deadline)
{
	u64 ns;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return -EINVAL;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC_SLEEP)
		return -EINVAL;
	if ((u64)ts->tv_sec >= U64_MAX / NSEC_PER_SEC_SLEEP)
		ns = U64_MAX;
	else
		ns = (u64)ts->tv_sec * NSEC_PER_SEC_SLEEP + (u64)ts->tv_nsec;
	if (flags & TIMER_ABSTIME)
		*deadline = ns;
	else
		*deadline = ns > U64_MAX - now ? U64_MAX : now + ns;
	return 0;
}
