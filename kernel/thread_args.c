// SPDX-License-Identifier: MIT
/*
 * clone(2) and futex(2) arguments, and where a new user thread runs
 * (pure, also built on the host for tests/test_thread_args.c).
 */
#include <pvk/errno.h>
#include <pvk/thread_args.h>

#define NSEC_PER_SEC_ARGS	1000000000LL
#define S64_MAX_ARGS		((s64)(U64_MAX >> 1))

/* What musl's pthread_create() passes, and CLONE_CHILD_SETTID. */
#define CLONE_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			    CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
			    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			    CLONE_DETACHED | CLONE_CHILD_SETTID)
/* A thread shares these at least (Linux refuses a thread without them). */
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)

/**
 * clone_kind - what clone(2) is asked for
 * @flags: its flags
 * @newsp: the child's stack pointer (0: the caller's)
 *
 * A fork (no flag but an exit signal, no new stack: musl's fork()), or
 * a thread (CLONE_VM, CLONE_SIGHAND and CLONE_THREAD, the other sharing
 * flags optional, with a stack of its own).  Anything else, such as
 * CLONE_VM without CLONE_THREAD (vfork-like) or a thread without a
 * stack, is -EINVAL: pvk has neither.
 */
int clone_kind(unsigned long flags, unsigned long newsp)
{
	if (!(flags & ~(unsigned long)CSIGNAL) && !newsp)
		return CLONE_KIND_FORK;
	if ((flags & CLONE_THREAD_NEEDS) == CLONE_THREAD_NEEDS &&
	    !(flags & ~(unsigned long)CLONE_THREAD_FLAGS) && newsp)
		return CLONE_KIND_THREAD;
	return -EINVAL;
}

/**
 * futex_cmd - the operation of futex(2)'s @op
 * @op: FUTEX_WAIT or FUTEX_WAKE, FUTEX_PRIVATE_FLAG allowed (pvk's
 *	futexes are per address space anyway)
 *
 * Returns the command, or -ENOSYS for every other operation and flag
 * (as Linux does for an unknown one).
 */
int futex_cmd(int op)
{
	int cmd = op & ~FUTEX_PRIVATE_FLAG;

	return cmd == FUTEX_WAIT || cmd == FUTEX_WAKE ? cmd : -ENOSYS;
}

/**
 * futex_timeout_ns - FUTEX_WAIT's relative timeout
 * @ts: as copied from user space
 * @ns: set to its length
 *
 * Returns 0, or -EINVAL for a negative time or nanoseconds outside
 * [0, 1e9).  Lengths beyond 2^63 ns are cut to that.
 */
int futex_timeout_ns(const struct kernel_timespec *ts, u64 *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= NSEC_PER_SEC_ARGS)
		return -EINVAL;
	if ((u64)ts->tv_sec > (u64)S64_MAX_ARGS / NSEC_PER_SEC_ARGS - 1)
		*ns = (u64)S64_MAX_ARGS;
	else
		*ns = (u64)ts->tv_sec * NSEC_PER_SEC_ARGS + (u64)ts->tv_nsec;
	return 0;
}

/**
 * thread_pick_cpu - where a new user thread runs
 * @load: user threads on each CPU
 * @online: the online CPUs, a bit each
 * @from: the creating thread's CPU
 * @nr_cpus: entries of @load
 *
 * pvk does not preempt, so a thread that computes holds its CPU: the
 * least loaded CPU lets the threads of a process run at once.  Ties go
 * to the first CPU after @from, so a process's first thread lands on
 * another CPU than its creator.
 */
unsigned int thread_pick_cpu(const unsigned int *load, u64 online,
			     unsigned int from, unsigned int nr_cpus)
{
	unsigned int best = from;
	bool found = false;

	for (unsigned int i = 1; i <= nr_cpus; i++) {
		unsigned int cpu = (from + i) % nr_cpus;

		if (!((online >> cpu) & 1))
			continue;
		if (!found || load[cpu] < load[best]) {
			best = cpu;
			found = true;
		}
	}
	return best;
}
