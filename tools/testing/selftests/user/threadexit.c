// SPDX-License-Identifier: MIT
/*
 * exit() versus exit_group(): a thread that ends with pthread_exit()
 * (exit(2)) leaves the process running and is joined; then, with one
 * thread asleep in FUTEX_WAIT for good and another spinning in user
 * mode (on another CPU where there is one), the main thread's exit(7)
 * (exit_group(2)) ends them all: the process's status is 7.
 */
#define _GNU_SOURCE
#include "futex.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int never;		/* nobody wakes it */
static int spinning;
static volatile unsigned long spins;

static void *quits(void *arg)
{
	pthread_exit(arg);
}

static void *sleeper(void *arg)
{
	for (;;)
		futex(&never, FUTEX_WAIT_PRIVATE, 0, NULL);
	return arg;
}

static void *spinner(void *arg)
{
	__atomic_store_n(&spinning, 1, __ATOMIC_RELEASE);
	futex(&spinning, FUTEX_WAKE_PRIVATE, 1, NULL);
	for (;;)
		spins++;
	return arg;
}

int main(void)
{
	static const char bye[] = "threadexit: exit_group\n";
	pthread_t a, b, c;
	void *res = NULL;

	if (pthread_create(&a, NULL, quits, (void *)42) ||
	    pthread_join(a, &res) || res != (void *)42) {
		printf("threadexit: pthread_exit gave %p\n", res);
		return 1;
	}
	if (pthread_create(&b, NULL, sleeper, NULL) ||
	    pthread_create(&c, NULL, spinner, NULL)) {
		printf("threadexit: pthread_create failed\n");
		return 1;
	}
	while (!__atomic_load_n(&spinning, __ATOMIC_ACQUIRE))
		futex(&spinning, FUTEX_WAIT_PRIVATE, 0, NULL);
	write(1, bye, strlen(bye));
	exit(7);
}
