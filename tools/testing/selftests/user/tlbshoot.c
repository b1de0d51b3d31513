// SPDX-License-Identifier: MIT
/*
 * munmap() reaches the TLB of another CPU: in a child, a thread spins
 * reading a page while the main thread, on another CPU, unmaps it.  The
 * spinner's next read must fault, and SIGSEGV kills the child, which
 * the parent sees through wait4.  Should the spinner still read the
 * page a second or so after munmap() returned (its CPU's TLB was not
 * flushed), the child exits 3 instead; should the main thread wait 10
 * seconds for the end, it exits 4.  Both print where they ran.
 */
#define _GNU_SOURCE
#include "futex.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STALE_CYCLES	3000000000ULL	/* about a second */

struct shared {
	int started;		/* the spinner has read the page */
	int unmapped;		/* munmap() has returned */
	int never;		/* nobody wakes it */
	int spinner_cpu;
};

static volatile int *page;
static volatile int sink;		/* keeps every read of the page */
static struct shared *sh;

static void say(const char *s)
{
	write(1, s, strlen(s));
}

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

static void *spinner(void *arg)
{
	unsigned long long since = 0;

	(void)arg;
	sh->spinner_cpu = sched_getcpu();
	sink += *page;
	__atomic_store_n(&sh->started, 1, __ATOMIC_RELEASE);
	futex(&sh->started, FUTEX_WAKE_PRIVATE, 1, NULL);
	for (;;) {
		sink += *page;
		if (!__atomic_load_n(&sh->unmapped, __ATOMIC_ACQUIRE))
			continue;
		if (!since)
			since = rdtsc();
		if (rdtsc() - since > STALE_CYCLES) {
			say("tlbshoot: the spinner still reads the page after munmap\n");
			syscall(SYS_exit_group, 3);
		}
	}
	return NULL;
}

static int child(void)
{
	struct timespec ten = { 10, 0 };
	char line[96];
	pthread_t t;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || sh == MAP_FAILED)
		return 5;
	*page = 1;
	if (pthread_create(&t, NULL, spinner, NULL))
		return 6;
	while (!__atomic_load_n(&sh->started, __ATOMIC_ACQUIRE))
		futex(&sh->started, FUTEX_WAIT_PRIVATE, 0, NULL);
	snprintf(line, sizeof(line), "tlbshoot: main on cpu %d, spinner on cpu %d\n",
		 sched_getcpu(), sh->spinner_cpu);
	say(line);
	if (munmap((void *)page, 4096))
		return 7;
	__atomic_store_n(&sh->unmapped, 1, __ATOMIC_RELEASE);
	futex(&sh->never, FUTEX_WAIT_PRIVATE, 0, &ten);
	say("tlbshoot: still alive after 10 s\n");
	return 4;
}

int main(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(child());
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("tlbshoot: fork or wait failed\n");
		return 1;
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV) {
		printf("tlbshoot: child status %#x, not killed by SIGSEGV\n", st);
		return 1;
	}
	printf("tlbshoot: ok\n");
	return 0;
}
