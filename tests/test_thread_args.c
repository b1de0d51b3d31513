// SPDX-License-Identifier: MIT
/*
 * Unit tests for kernel/thread_args.c: which clone() calls make a fork
 * or a thread, futex() operations and timeouts, and where a new user
 * thread runs.
 */
#include <pvk/errno.h>
#include <pvk/thread_args.h>
#include "harness.h"

/* What musl 1.2's pthread_create() passes. */
#define MUSL_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		    CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
		    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED)

TEST(clone_kinds)
{
	EXPECT_EQ(clone_kind(17, 0), CLONE_KIND_FORK);		/* SIGCHLD */
	EXPECT_EQ(clone_kind(0, 0), CLONE_KIND_FORK);
	EXPECT_EQ(clone_kind(MUSL_FLAGS, 0x1000), CLONE_KIND_THREAD);
	EXPECT_EQ(clone_kind(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, 0x1000),
		  CLONE_KIND_THREAD);
	/* A thread needs its own stack. */
	EXPECT_EQ(clone_kind(MUSL_FLAGS, 0), -EINVAL);
	/* A fork on another stack, vfork-like sharing, partial sharing. */
	EXPECT_EQ(clone_kind(17, 0x1000), -EINVAL);
	EXPECT_EQ(clone_kind(CLONE_VM | CLONE_VFORK | 17, 0), -EINVAL);
	EXPECT_EQ(clone_kind(CLONE_VM | CLONE_THREAD, 0x1000), -EINVAL);
	EXPECT_EQ(clone_kind(CLONE_THREAD | CLONE_SIGHAND, 0x1000), -EINVAL);
	/* An exit signal or an unknown flag on a thread. */
	EXPECT_EQ(clone_kind(MUSL_FLAGS | 17, 0x1000), -EINVAL);
	EXPECT_EQ(clone_kind(MUSL_FLAGS | 0x80000000UL, 0x1000), -EINVAL);
}

TEST(futex_ops)
{
	EXPECT_EQ(futex_cmd(FUTEX_WAIT), FUTEX_WAIT);
	EXPECT_EQ(futex_cmd(FUTEX_WAKE), FUTEX_WAKE);
	EXPECT_EQ(futex_cmd(FUTEX_WAIT | FUTEX_PRIVATE_FLAG), FUTEX_WAIT);
	EXPECT_EQ(futex_cmd(FUTEX_WAKE | FUTEX_PRIVATE_FLAG), FUTEX_WAKE);
	EXPECT_EQ(futex_cmd(2), -ENOSYS);			/* FD */
	EXPECT_EQ(futex_cmd(3 | FUTEX_PRIVATE_FLAG), -ENOSYS);	/* REQUEUE */
	EXPECT_EQ(futex_cmd(FUTEX_WAIT | FUTEX_CLOCK_REALTIME), -ENOSYS);
	EXPECT_EQ(futex_cmd(99), -ENOSYS);
	EXPECT_EQ(futex_cmd(-1), -ENOSYS);
}

TEST(futex_timeouts)
{
	struct kernel_timespec ts = { 1, 500 };
	u64 ns = 7;

	EXPECT_EQ(futex_timeout_ns(&ts, &ns), 0);
	EXPECT_EQ(ns, 1000000500ULL);
	ts = (struct kernel_timespec){ 0, 0 };
	EXPECT_EQ(futex_timeout_ns(&ts, &ns), 0);
	EXPECT_EQ(ns, 0);
	ts = (struct kernel_timespec){ 0, 1000000000 };
	EXPECT_EQ(futex_timeout_ns(&ts, &ns), -EINVAL);
	ts = (struct kernel_timespec){ 0, -1 };
	EXPECT_EQ(futex_timeout_ns(&ts, &ns), -EINVAL);
	ts = (struct kernel_timespec){ -1, 0 };
	EXPECT_EQ(futex_timeout_ns(&ts, &ns), -EINVAL);
	ts = (struct kernel_timespec){ (s64)(U64_MAX >> 1), 999999999 };
	EXPECT_EQ(futex_timeout_ns(&ts, &ns), 0);
	EXPECT_EQ(ns, U64_MAX >> 1);
}

TEST(thread_cpus)
{
	unsigned int load[4] = { 1, 0, 0, 0 };

	/* The first thread leaves its creator's CPU. */
	EXPECT_EQ(thread_pick_cpu(load, 0x3, 0, 4), 1);
	load[1] = 1;
	/* Two CPUs with one each: the one after the creator's. */
	EXPECT_EQ(thread_pick_cpu(load, 0x3, 0, 4), 1);
	EXPECT_EQ(thread_pick_cpu(load, 0x3, 1, 4), 0);
	/* The least loaded wins over the next one. */
	load[0] = 3;
	EXPECT_EQ(thread_pick_cpu(load, 0x3, 1, 4), 1);
	EXPECT_EQ(thread_pick_cpu(load, 0xf, 0, 4), 2);
	/* Offline CPUs are never picked; one CPU: that one. */
	EXPECT_EQ(thread_pick_cpu(load, 0x1, 0, 4), 0);
	EXPECT_EQ(thread_pick_cpu(load, 0x9, 0, 4), 3);
	/* Nothing online: the creator's CPU. */
	EXPECT_EQ(thread_pick_cpu(load, 0, 2, 4), 2);
}

int main(void)
{
	RUN(clone_kinds);
	RUN(futex_ops);
	RUN(futex_timeouts);
	RUN(thread_cpus);
	return TEST_DONE();
}
