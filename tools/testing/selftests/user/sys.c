// SPDX-License-Identifier: MIT
/*
 * Identity and clock calls: one thread, so its thread id is its process
 * id (also what set_tid_address returns); uname names an x86_64
 * machine; the monotonic clock advances across a busy loop.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static long long ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	long pid = getpid(), tid = syscall(SYS_gettid);
	long tid2 = syscall(SYS_set_tid_address, NULL);
	struct utsname u;
	long long t0 = ns(), t1;
	volatile unsigned long spin = 0;

	if (pid <= 0 || tid != pid || tid2 != pid || getppid() < 0) {
		printf("sys: pid %ld tid %ld set_tid_address %ld\n", pid, tid, tid2);
		return 1;
	}
	if (uname(&u) || strcmp(u.machine, "x86_64") || !u.sysname[0]) {
		printf("sys: uname machine '%s'\n", u.machine);
		return 1;
	}
	while (spin < 10000000)
		spin++;
	t1 = ns();
	if (t0 < 0 || t1 <= t0) {
		printf("sys: clock %lld then %lld\n", t0, t1);
		return 1;
	}
	printf("sys: ok\n");
	return 0;
}
