/* SPDX-License-Identifier: MIT */
/*
 * The arguments of nanosleep(2), clock_nanosleep(2) and kill(2)
 * (kernel/sleep_args.c, kernel/kill_args.c, pure: also built on the
 * host for tests/test_sleep_args.c).
 */
#ifndef PVK_SLEEP_ARGS_H
#define PVK_SLEEP_ARGS_H

#include <pvk/types.h>
#include <pvk/thread_args.h>

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define TIMER_ABSTIME		1

/*
 * When a sleep of @ts on @clock with @flags ends, in ns of the clock
 * that reads @now now; -EINVAL for a bad clock or timespec.
 */
int sleep_deadline_ns(int clock, int flags, const struct kernel_timespec *ts,
		      u64 now, u64 *deadline);

/* What kill(2) with signal @sig does. */
enum kill_action {
	KILL_CHECK,		/* signal 0: does the process exist? */
	KILL_TERMINATE,		/* SIGKILL */
};
/* The kill_action of @sig, or -EINVAL. */
int kill_sig_action(int sig);

#endif
