// SPDX-License-Identifier: MIT
/*
 * mprotect(2): a page made read-only keeps its content and kills a
 * child that writes it (SIGSEGV, seen by wait4); made writable again it
 * takes writes.  A page a fork shares read-only and the child makes
 * writable is copied for the child, not written under its parent.  A
 * PROT_NONE mapping faults until mprotect opens it (musl's thread
 * stacks with a guard page).  Bad arguments: EINVAL, unmapped: ENOMEM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static int fails;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("mprotect: FAIL %s (errno %d)\n", what, errno);
		fails++;
	}
}

/* Run @fn(@p) in a child; its wait status. */
static int in_child(void (*fn)(volatile char *), volatile char *p)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		fn(p);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void write_page(volatile char *p)
{
	p[0] = 1;
}

static void read_page(volatile char *p)
{
	_exit(p[0] == 99 ? 3 : 4);
}

/* Make the shared read-only page writable, write it, read it back. */
static void reopen_and_write(volatile char *p)
{
	if (mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE))
		_exit(5);
	p[0] = 7;
	_exit(p[0] == 7 ? 0 : 6);
}

static int killed_by_segv(int st)
{
	return st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int main(void)
{
	volatile char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *g;
	int st;

	if (p == MAP_FAILED) {
		printf("mprotect: mmap failed\n");
		return 1;
	}
	p[0] = 42;
	check(mprotect((void *)p, PAGE, PROT_READ) == 0, "RW->RO");
	check(p[0] == 42, "content kept read-only");
	st = in_child(write_page, p);
	check(killed_by_segv(st), "write to read-only page is SIGSEGV");
	/* A fork shares it read-only; the child's write goes to a copy. */
	st = in_child(reopen_and_write, p);
	check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child made the shared page writable");
	check(p[0] == 42, "parent's page untouched by the child");
	check(mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE) == 0, "RO->RW");
	p[0] = 43;
	check(p[0] == 43, "write after RO->RW");
	/* Never touched, then PROT_NONE: no access; opened: a zero page. */
	check(mprotect((void *)(p + PAGE), PAGE, PROT_NONE) == 0, "RW->NONE");
	check(killed_by_segv(in_child(read_page, p + PAGE)), "read of PROT_NONE");
	check(mprotect((void *)(p + PAGE), PAGE, PROT_READ | PROT_WRITE) == 0,
	      "NONE->RW");
	check(p[PAGE] == 0, "zero page after NONE->RW");
	g = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(g != MAP_FAILED, "PROT_NONE mmap");
	check(killed_by_segv(in_child(write_page, g + PAGE)), "guard write");
	check(mprotect((void *)(g + PAGE), PAGE, PROT_READ | PROT_WRITE) == 0,
	      "open the guarded mapping");
	g[PAGE] = 5;
	check(g[PAGE] == 5, "write to the opened page");
	check(killed_by_segv(in_child(write_page, g)), "guard page stays");
	/* Bad arguments (musl's mprotect would round the start down). */
	errno = 0;
	check(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ) == -1 &&
	      errno == EINVAL, "unaligned start is EINVAL");
	errno = 0;
	check(mprotect((void *)p, PAGE, 0x100) == -1 && errno == EINVAL,
	      "unknown prot bit is EINVAL");
	check(munmap((void *)(p + 2 * PAGE), PAGE) == 0, "munmap a hole");
	errno = 0;
	check(mprotect((void *)(p + PAGE), 3 * PAGE, PROT_READ) == -1 &&
	      errno == ENOMEM, "range over a hole is ENOMEM");
	/* Linux changes the pages before the hole, pvk none: either way. */
	check(mprotect((void *)p, 2 * PAGE, PROT_READ | PROT_WRITE) == 0,
	      "RW again before the hole");
	p[PAGE] = 1;
	check(p[0] == 43 && p[PAGE] == 1, "content kept");
	check(mprotect((void *)p, 0, PROT_READ) == 0, "zero length is 0");
	if (fails)
		return 1;
	printf("mprotect: ok\n");
	return 0;
}
