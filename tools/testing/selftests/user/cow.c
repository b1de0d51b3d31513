// SPDX-License-Identifier: MIT
/*
 * Copy-on-write: after fork, parent and child each see their own writes
 * to data, bss, heap (brk and mmap) and stack.  The parent writes first
 * (on pvk the child runs only once the parent waits), and the child
 * must still find what was there at the fork.  The child also has the
 * kernel write into a shared page (clock_gettime), which the parent
 * must not see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEAP	(24 * 1024)
#define MAP	(3 * 4096)

static int data = 1;
static struct timespec ts;

struct areas {
	int *data;
	unsigned char *heap, *map;
	volatile int *stack;
};

/* 0 when every area holds @v throughout. */
static int check(const struct areas *a, int v)
{
	for (size_t i = 0; i < HEAP; i++)
		if (a->heap[i] != v)
			return 1;
	for (size_t i = 0; i < MAP; i++)
		if (a->map[i] != v)
			return 2;
	return *a->data != v ? 3 : *a->stack != v ? 4 : 0;
}

static void fill(const struct areas *a, int v)
{
	memset(a->heap, v, HEAP);
	memset(a->map, v, MAP);
	*a->data = v;
	*a->stack = v;
}

static int child(const struct areas *a)
{
	int err = check(a, 1);

	if (err)
		return 10 + err;
	fill(a, 2);
	err = check(a, 2);
	if (err)
		return 20 + err;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) || ts.tv_sec < 0)
		return 30;
	return 0;
}

int main(void)
{
	volatile int stack = 1;
	struct areas a = { &data, malloc(HEAP), NULL, &stack };
	pid_t pid;
	int st, err;

	a.map = mmap(NULL, MAP, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!a.heap || a.map == MAP_FAILED) {
		printf("cow: out of memory\n");
		return 1;
	}
	fill(&a, 1);
	ts.tv_sec = -1;
	pid = fork();
	if (pid == 0)
		_exit(child(&a));
	if (pid < 0) {
		printf("cow: fork failed\n");
		return 1;
	}
	fill(&a, 3);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("cow: child status %#x\n", st);
		return 1;
	}
	err = check(&a, 3);
	if (err || ts.tv_sec != -1) {
		printf("cow: parent's area %d changed (ts %lld)\n", err,
		       (long long)ts.tv_sec);
		return 1;
	}
	printf("cow: ok\n");
	return 0;
}
