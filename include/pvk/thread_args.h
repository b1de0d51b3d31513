/* SPDX-License-Identifier: MIT */
/*
 * The arguments of clone(2) and futex(2), and where a new user thread
 * runs (kernel/thread_args.c, pure: also built on the host for
 * tests/test_thread_args.c).
 */
#ifndef PVK_THREAD_ARGS_H
#define PVK_THREAD_ARGS_H

#include <pvk/types.h>

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_VFORK		0x00004000
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000
/* The low byte names a fork's exit signal. */
#define CSIGNAL			0xff

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256

enum clone_kind {
	CLONE_KIND_FORK,	/* a new process, copy-on-write */
	CLONE_KIND_THREAD,	/* a thread sharing the caller's process */
};

struct kernel_timespec {
	s64 tv_sec;
	long tv_nsec;
};

/* CLONE_KIND_* for clone()'s @flags and @newsp, or -EINVAL. */
int clone_kind(unsigned long flags, unsigned long newsp);
/* FUTEX_WAIT or FUTEX_WAKE for futex()'s @op, or -ENOSYS. */
int futex_cmd(int op);
/* A relative FUTEX_WAIT timeout in ns, or -EINVAL when malformed. */
int futex_timeout_ns(const struct kernel_timespec *ts, u64 *ns);
/*
 * The CPU of @online (a bit per CPU) with the fewest user threads in
 * @load[], the first from @from onwards on a tie; @from itself when
 * @online is empty.
 */
unsigned int thread_pick_cpu(const unsigned int *load, u64 online,
			     unsigned int from, unsigned int nr_cpus);

#endif
