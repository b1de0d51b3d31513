// SPDX-License-Identifier: MIT
/*
 * fork, execve and wait4 in a chain: the child execs this program again
 * ("leaf") with its own arguments and environment; the leaf forks a
 * grandchild, which checks its parent's pid and exits 5; the leaf
 * collects it and exits 7, which the first process collects.  Around
 * it: wait4 without children (ECHILD), with bad options (EINVAL), with
 * WNOHANG before the child exited, and execve failures (a missing file;
 * on pvk a file that is no ELF) after which the caller carries on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int fail(const char *what, long got)
{
	printf("forkexec: %s (got %ld, errno %d)\n", what, got, errno);
	return 1;
}

static int on_pvk(void)
{
	struct utsname u;

	return !uname(&u) && !strcmp(u.sysname, "pvk");
}

/* The exec'd child: its arguments and environment, then a grandchild. */
static int leaf(int argc, char **argv)
{
	pid_t me = getpid(), pid;
	int st;

	if (argc != 3 || strcmp(argv[2], "two words"))
		return 20;
	if (!environ[0] || strcmp(environ[0], "PVK_TEST=fork-exec") || environ[1])
		return 21;
	pid = fork();
	if (pid == 0)
		_exit(getppid() == me ? 5 : 22);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 23;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 5)
		return 24;
	return 7;
}

/* A child whose execs fail must go on running, errno set. */
static int failed_execs(void)
{
	char *argv[] = { "x", NULL };

	if (execve("/no/such/program", argv, environ) != -1 || errno != ENOENT)
		return 30;
	if (on_pvk() && (execve("/expected/hello.out", argv, environ) != -1 ||
			 errno != ENOEXEC))
		return 31;
	return 0;
}

int main(int argc, char **argv)
{
	char *leaf_argv[] = { argv[0], "leaf", "two words", NULL };
	char *leaf_envp[] = { "PVK_TEST=fork-exec", NULL };
	pid_t parent = getpid(), pid;
	int st, r;

	if (argc > 1 && !strcmp(argv[1], "leaf"))
		return leaf(argc, argv);
	if (wait(&st) != -1 || errno != ECHILD)
		return fail("wait without children", 0);
	if (waitpid(-1, &st, 0x4000) != -1 || errno != EINVAL)
		return fail("wait4 with a bad option", 0);
	pid = fork();
	if (pid == 0) {
		if (getppid() != parent)
			_exit(10);
		execve(argv[0], leaf_argv, leaf_envp);
		_exit(11);
	}
	if (pid < 0)
		return fail("fork", pid);
	r = waitpid(pid, &st, WNOHANG);
	if (r != 0 && r != pid)
		return fail("waitpid WNOHANG", r);
	if (r == 0 && (r = waitpid(pid, &st, 0)) != pid)
		return fail("waitpid", r);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return fail("the chain's status", st);
	pid = fork();
	if (pid == 0)
		_exit(failed_execs());
	if (pid < 0 || waitpid(-1, &st, 0) != pid)
		return fail("fork and wait for the failing execs", pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fail("the failing execs' status", st);
	if (wait(&st) != -1 || errno != ECHILD)
		return fail("wait after the last child", 0);
	printf("forkexec: ok\n");
	return 0;
}
