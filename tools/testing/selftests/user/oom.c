// SPDX-License-Identifier: MIT
/*
 * Memory exhaustion: a child touches page after page of a mapping far
 * bigger than the memory it may have.  It must die of SIGKILL when the
 * kernel finds no page for its fault, never reach the end; the parent
 * lives on and still gets memory afterwards.  pvk's user suite runs it
 * with the per-process page limit lowered to 16 MiB, so on every
 * machine size the limit runs out, not the machine.  pvk only: on the
 * build host it would take the host's memory.
 */
#define PROG "oom"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PAGE		4096UL
#define CHILD_SIZE	(256UL << 20)
#define AFTER_SIZE	(1UL << 20)

static int failed;

static __attribute__((noreturn)) void touch_everything(void)
{
	volatile char *p = mmap(NULL, CHILD_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	for (unsigned long off = 0; off < CHILD_SIZE; off += PAGE)
		p[off] = 1;
	_exit(3);
}

/* After the child's death: 1 MiB of fresh memory, written and read. */
static void parent_still_gets_memory(void)
{
	char *q = mmap(NULL, AFTER_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(q != MAP_FAILED);
	if (q == MAP_FAILED)
		return;
	memset(q, 0x5a, AFTER_SIZE);
	CHECK(q[0] == 0x5a && q[AFTER_SIZE - 1] == 0x5a);
	CHECK(munmap(q, AFTER_SIZE) == 0);
}

int main(void)
{
	int status = 0;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		touch_everything();
	if (pid > 0)
		CHECK(waitpid(pid, &status, 0) == pid);
	printf(PROG ": child status %#x\n", status);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	parent_still_gets_memory();
	if (!failed)
		printf(PROG ": ok\n");
	return failed;
}
