// SPDX-License-Identifier: MIT
/*
 * Threads of one process: NTHREADS pthreads add into shared memory
 * under a mutex and are joined (CLONE_CHILD_CLEARTID's futex wake is
 * what pthread_join() waits for), each with its own stack and TLS; then
 * a thread and the main thread hand a token back and forth with raw
 * FUTEX_WAIT/FUTEX_WAKE.  It prints how many CPUs its threads ran on
 * (sched_getcpu(), getcpu(2)): the kernel's test wants more than one
 * where there are two.
 */
#define _GNU_SOURCE
#include "futex.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS	4
#define ADDS		20000
#define ROUNDS		200
#define MAX_CPUS	64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;
static long partial[NTHREADS];
static int ran_on[MAX_CPUS];
static __thread long mine = 5;		/* each thread's own copy */
static int token;			/* 0: main's turn, 1: the thread's */

static void saw_cpu(void)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu < MAX_CPUS)
		__atomic_store_n(&ran_on[cpu], 1, __ATOMIC_RELAXED);
}

static void *adder(void *arg)
{
	long id = (long)arg;

	saw_cpu();
	if (mine != 5)
		return (void *)1;
	mine = id;
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&lock);
		total += id + 1;
		pthread_mutex_unlock(&lock);
		partial[id] += id + 1;
	}
	saw_cpu();
	return mine == id ? (void *)0 : (void *)1;
}

/* Wait until the token is @want, then hand it over. */
static void take_turn(int want)
{
	while (__atomic_load_n(&token, __ATOMIC_ACQUIRE) != want)
		futex(&token, FUTEX_WAIT_PRIVATE, !want, NULL);
	__atomic_store_n(&token, !want, __ATOMIC_RELEASE);
	futex(&token, FUTEX_WAKE_PRIVATE, 1, NULL);
}

static void *ponger(void *arg)
{
	(void)arg;
	saw_cpu();
	for (int i = 0; i < ROUNDS; i++)
		take_turn(1);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS], p;
	long want = 0;
	int cpus = 0;

	saw_cpu();
	for (long i = 0; i < NTHREADS; i++) {
		if (pthread_create(&t[i], NULL, adder, (void *)i)) {
			printf("threads: pthread_create %ld failed\n", i);
			return 1;
		}
	}
	for (int i = 0; i < NTHREADS; i++) {
		void *res;

		if (pthread_join(t[i], &res) || res) {
			printf("threads: join %d failed or TLS was shared\n", i);
			return 1;
		}
		want += (long)ADDS * (i + 1);
		if (partial[i] != (long)ADDS * (i + 1)) {
			printf("threads: thread %d added %ld\n", i, partial[i]);
			return 1;
		}
	}
	if (total != want || mine != 5) {
		printf("threads: total %ld, want %ld\n", total, want);
		return 1;
	}
	if (pthread_create(&p, NULL, ponger, NULL)) {
		printf("threads: pthread_create failed\n");
		return 1;
	}
	for (int i = 0; i < ROUNDS; i++)
		take_turn(0);
	pthread_join(p, NULL);
	for (int i = 0; i < MAX_CPUS; i++)
		cpus += ran_on[i];
	printf("threads: cpus=%d\n", cpus);
	printf("threads: ok\n");
	return 0;
}
