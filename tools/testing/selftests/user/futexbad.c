// SPDX-License-Identifier: MIT
/*
 * futex(2) with bad input, each answered as Linux does: an unmapped or
 * kernel address -EFAULT, a misaligned one -EINVAL, an unknown
 * operation -ENOSYS, a malformed timeout -EINVAL; and the ordinary
 * answers: a changed word -EAGAIN, a timeout -ETIMEDOUT after at least
 * its time, a wake with nobody waiting 0.
 */
#include <errno.h>
#include "futex.h"
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int word;
static int fails;

static void expect(const char *what, long ret, int err)
{
	if (err ? ret != -1 || errno != err : ret != 0) {
		printf("futexbad: %s gave %ld errno %d, want %d\n", what, ret,
		       ret < 0 ? errno : 0, err);
		fails++;
	}
}

static long try(void *addr, int op, int val, const struct timespec *ts)
{
	errno = 0;
	return futex(addr, op, val, ts);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	struct timespec short_wait = { 0, 20 * 1000000 }, bad = { 0, 1000000000 };
	long long start;
	long ret;

	expect("WAIT on NULL", try(NULL, FUTEX_WAIT, 0, NULL), EFAULT);
	expect("WAIT on an unmapped page", try((void *)0x1000, FUTEX_WAIT, 0, NULL), EFAULT);
	expect("WAKE on a kernel address",
	       try((void *)0xffff800000001000UL, FUTEX_WAKE_PRIVATE, 1, NULL), EFAULT);
	expect("WAIT misaligned", try((char *)&word + 1, FUTEX_WAIT_PRIVATE, 0, NULL), EINVAL);
	expect("operation 99", try(&word, 99, 0, NULL), ENOSYS);
	expect("WAIT with a changed word", try(&word, FUTEX_WAIT_PRIVATE, 1, NULL), EAGAIN);
	expect("WAIT with 1e9 ns", try(&word, FUTEX_WAIT_PRIVATE, 0, &bad), EINVAL);
	expect("WAIT with a bad timeout pointer",
	       try(&word, FUTEX_WAIT_PRIVATE, 0, (void *)8), EFAULT);
	start = now_ns();
	expect("WAIT for 20 ms", try(&word, FUTEX_WAIT_PRIVATE, 0, &short_wait), ETIMEDOUT);
	if (now_ns() - start < 20 * 1000000LL) {
		printf("futexbad: timed out after %lld ns\n", now_ns() - start);
		fails++;
	}
	ret = try(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
	if (ret != 0) {
		printf("futexbad: WAKE with no waiter woke %ld\n", ret);
		fails++;
	}
	if (fails)
		return 1;
	printf("futexbad: ok\n");
	return 0;
}
