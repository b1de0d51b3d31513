// SPDX-License-Identifier: MIT
/*
 * nanosleep and clock_nanosleep sleep at least what was asked (by
 * clock_gettime) and refuse malformed times (EINVAL) and bad pointers
 * (EFAULT).  kill(child, SIGKILL) ends a child that spins in a loop,
 * and one asleep for ten seconds at once; wait4 sees WTERMSIG ==
 * SIGKILL.  kill(pid, 0) finds a live child and ESRCH once it is
 * reaped; other signals are EINVAL on pvk (it delivers none).
 *
 * pvk does not preempt and a child runs on its parent's CPU, so the
 * spinning child yields (sched_yield) in its loop: the parent needs the
 * CPU to kill it.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static int fails;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("sleepkill: FAIL %s (errno %d)\n", what, errno);
		fails++;
	}
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void sleeps(void)
{
	struct timespec ts = { 0, 20 * MS };
	long long t0 = now_ns();

	check(nanosleep(&ts, NULL) == 0, "nanosleep");
	check(now_ns() - t0 >= 20 * MS, "nanosleep slept 20 ms");
	ts.tv_nsec = 10 * MS;
	t0 = now_ns();
	check(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0,
	      "clock_nanosleep");
	check(now_ns() - t0 >= 10 * MS, "clock_nanosleep slept 10 ms");
	t0 = now_ns() + 10 * MS;
	ts.tv_sec = t0 / 1000000000LL;
	ts.tv_nsec = t0 % 1000000000LL;
	check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0,
	      "absolute clock_nanosleep");
	check(now_ns() >= t0, "absolute sleep reached its time");
	ts = (struct timespec){ 0, 1000000000L };
	errno = 0;
	check(nanosleep(&ts, NULL) == -1 && errno == EINVAL, "tv_nsec 1e9 EINVAL");
	ts = (struct timespec){ -1, 0 };
	errno = 0;
	check(nanosleep(&ts, NULL) == -1 && errno == EINVAL, "tv_sec -1 EINVAL");
	ts = (struct timespec){ 0, -1 };
	check(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINVAL,
	      "clock_nanosleep tv_nsec -1 EINVAL");
	ts = (struct timespec){ 0, 1 };
	errno = 0;
	check(syscall(SYS_clock_nanosleep, 42, 0, &ts, NULL) == -1 &&
	      errno == EINVAL, "unknown clock EINVAL");
	errno = 0;
	check(syscall(SYS_nanosleep, (void *)8, NULL) == -1 && errno == EFAULT,
	      "bad pointer EFAULT");
	check(sched_yield() == 0, "sched_yield");
}

/* Fork a child running @spin (or sleeping); kill it; its status. */
static void kill_child(int spin)
{
	struct timespec ts = { 0, 10 * MS };
	long long t0;
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		struct timespec ten = { 10, 0 };

		if (spin)
			for (;;)
				sched_yield();
		nanosleep(&ten, NULL);
		_exit(0);
	}
	check(pid > 0, "fork");
	nanosleep(&ts, NULL);	/* the child gets going */
	check(kill(pid, 0) == 0, "kill 0 finds the child");
	t0 = now_ns();
	check(kill(pid, SIGKILL) == 0, "kill SIGKILL");
	check(waitpid(pid, &st, 0) == pid, "wait4");
	check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "WTERMSIG is SIGKILL");
	check(now_ns() - t0 < 5000 * MS, "killed at once");
	errno = 0;
	check(kill(pid, 0) == -1 && errno == ESRCH, "reaped pid is ESRCH");
}

int main(void)
{
	sleeps();
	kill_child(1);
	kill_child(0);
	check(kill(getpid(), 0) == 0, "kill 0 of itself");
	errno = 0;
	check(kill(getpid(), 99) == -1 && errno == EINVAL, "signal 99 EINVAL");
	if (fails)
		return 1;
	printf("sleepkill: ok\n");
	return 0;
}
