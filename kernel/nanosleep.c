// SPDX-License-Identifier: MIT
/*
 * nanosleep(2), clock_nanosleep(2) and sched_yield(2).  A sleeping
 * thread waits in the scheduler (kthread_wait_ns()) until its deadline,
 * its CPU free for others; a kill wakes it to end.
 */
#include <pvk/kernel.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/sleep_args.h>
#include <pvk/syscalls.h>
#include <pvk/time.h>
#include <pvk/uaccess.h>

/*
 * The longest single wait: kthread_wait_ns() adds its length to the
 * clock, which a sleep of centuries (the deadline saturates at
 * U64_MAX) would wrap into no wait at all.
 */
#define SLEEP_CHUNK_NS	NSEC_PER_SEC

/* Sleep until ktime_get_ns() reaches @deadline; -EINTR on a kill. */
static long sleep_until(u64 deadline)
{
	struct process *p = current_process();

	for (;;) {
		u64 now = ktime_get_ns();

		if (now >= deadline)
			return 0;
		/* The thread ends on its way out: nobody sees the -EINTR. */
		if (process_killed(p))
			return -EINTR;
		kthread_wait_ns(MIN(deadline - now, (u64)SLEEP_CHUNK_NS));
	}
}

/**
 * sys_clock_nanosleep - clock_nanosleep(2)
 * @clock: CLOCK_REALTIME or CLOCK_MONOTONIC
 * @flags: TIMER_ABSTIME, or 0 for a relative sleep
 * @req: how long, or until when
 * @rem: not written: only a signal handler could interrupt the sleep,
 *	 and pvk runs none
 *
 * Returns 0, -EINVAL for another clock or a malformed @req, -EFAULT
 * when @req cannot be read.
 */
long sys_clock_nanosleep(int clock, int flags,
			 const struct kernel_timespec *req,
			 struct kernel_timespec *rem)
{
	struct kernel_timespec ts;
	u64 deadline;
	int err;

	(void)rem;
	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	err = sleep_deadline_ns(clock, flags, &ts, ktime_get_ns(), &deadline);
	if (err)
		return err;
	return sleep_until(deadline);
}

/**
 * sys_nanosleep - nanosleep(2): a relative sleep on CLOCK_REALTIME
 * @req: how long
 * @rem: see sys_clock_nanosleep()
 */
long sys_nanosleep(const struct kernel_timespec *req,
		   struct kernel_timespec *rem)
{
	return sys_clock_nanosleep(CLOCK_REALTIME, 0, req, rem);
}

/**
 * sys_sched_yield - sched_yield(2): the other runnable threads of this
 * CPU run first
 */
long sys_sched_yield(void)
{
	kthread_yield();
	return 0;
}
