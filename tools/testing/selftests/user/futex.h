/* SPDX-License-Identifier: MIT */
/*
 * futex(2) for the test programs: musl-gcc has no <linux/futex.h>, so
 * the operations are Linux's values, spelled out.
 */
#ifndef USER_FUTEX_H
#define USER_FUTEX_H

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static inline long futex(void *addr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts);
}

#endif
