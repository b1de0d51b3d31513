// SPDX-License-Identifier: MIT
/*
 * Demand paging: 64 MiB of anonymous memory, one page touched per
 * 2 MiB.  Every page reads zero, and mincore(2), Linux's own answer to
 * "which pages are in memory", shows exactly the 32 touched ones, also
 * in a forked child (fork copies no page that was never touched).  The
 * kernel writing to an untouched page (clock_gettime's result) maps it
 * as a user write would.  brk() grows the heap without populating it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096UL
#define SIZE	(64UL << 20)
#define STRIDE	(2UL << 20)
#define PAGES	(SIZE / PAGE)
#define TOUCHED	(SIZE / STRIDE)

static unsigned char vec[PAGES];

/* Pages of [p, p + len) in memory, -1 if mincore fails; @bad: misplaced. */
static long resident(volatile char *p, unsigned long len, unsigned long stride,
		     long *bad)
{
	long n = 0;

	if (mincore((void *)p, len, vec))
		return -1;
	*bad = 0;
	for (unsigned long i = 0; i < len / PAGE; i++) {
		if (!(vec[i] & 1))
			continue;
		n++;
		if (stride && (i * PAGE) % stride)
			(*bad)++;
	}
	return n;
}

static int check_child(volatile char *p)
{
	long bad, n = resident(p, SIZE, STRIDE, &bad);

	return n == (long)TOUCHED && !bad ? 0 : 1;
}

int main(void)
{
	volatile char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long cur, zero = 1;
	long n, bad;
	pid_t pid;
	int st;

	if (p == MAP_FAILED) {
		printf("demand: mmap failed %d\n", errno);
		return 1;
	}
	/* A host's transparent huge pages would fill 2 MiB per touch. */
	madvise((void *)p, SIZE, MADV_NOHUGEPAGE);
	n = resident(p, SIZE, 0, &bad);
	if (n != 0) {
		printf("demand: %ld pages resident before any touch\n", n);
		return 1;
	}
	for (unsigned long off = 0; off < SIZE; off += STRIDE) {
		for (unsigned long i = 0; i < PAGE; i += 512)
			zero &= p[off + i] == 0;
		p[off] = 1;
	}
	n = resident(p, SIZE, STRIDE, &bad);
	printf("demand: resident=%ld of %lu touched=%lu\n", n, PAGES, TOUCHED);
	if (!zero || n != (long)TOUCHED || bad) {
		printf("demand: zero=%lu misplaced=%ld\n", zero, bad);
		return 1;
	}
	pid = fork();
	if (pid == 0)
		_exit(check_child(p));
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st)) {
		printf("demand: child saw other pages (status %#x)\n", st);
		return 1;
	}
	/* The kernel's copy to an untouched page of the mapping. */
	if (clock_gettime(CLOCK_MONOTONIC, (struct timespec *)(p + PAGE)) ||
	    resident(p, 2 * PAGE, 0, &bad) != 2) {
		printf("demand: kernel write to an untouched page failed\n");
		return 1;
	}
	/* Outside every mapping: ENOMEM, as Linux. */
	munmap((void *)p, PAGE);
	errno = 0;
	if (mincore((void *)p, PAGE, vec) != -1 || errno != ENOMEM) {
		printf("demand: mincore of an unmapped page: errno %d\n", errno);
		return 1;
	}
	cur = (unsigned long)syscall(SYS_brk, 0);
	cur = (cur + PAGE - 1) & ~(PAGE - 1);
	if ((unsigned long)syscall(SYS_brk, cur + 64 * PAGE) != cur + 64 * PAGE ||
	    resident((volatile char *)cur, 64 * PAGE, 0, &bad) != 0) {
		printf("demand: brk populated its pages\n");
		return 1;
	}
	((volatile char *)cur)[5 * PAGE] = 1;
	if (resident((volatile char *)cur, 64 * PAGE, 0, &bad) != 1) {
		printf("demand: heap touch not seen\n");
		return 1;
	}
	printf("demand: ok\n");
	return 0;
}
