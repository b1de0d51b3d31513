// SPDX-License-Identifier: MIT
/*
 * wait4(2)'s choice of children and its options (pure, also built on
 * the host for tests/test_wait.c).  pvk has one process group, so the
 * group forms of @pid (0 and below -1) match every child, as they
 * would on Linux when every process shares the caller's group.
 */
#include <pvk/errno.h>
#include <pvk/wait.h>

/**
 * wait_pid_matches - does wait4's @pid select the child @child_pid?
 * @pid: wait4's first argument
 * @child_pid: a child's process id
 */
bool wait_pid_matches(int pid, int child_pid)
{
	return pid > 0 ? child_pid == pid : true;
}

/**
 * wait_options_check - wait4's @options, as far as pvk honours them
 * @options: WNOHANG, WUNTRACED and WCONTINUED (nothing ever stops or
 * continues, so these two change nothing), __WALL and __WNOTHREAD
 *
 * Returns 0, or -EINVAL for any other bit, as Linux does.
 */
int wait_options_check(int options)
{
	unsigned int known = WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			     __WALL;

	return (unsigned int)options & ~known ? -EINVAL : 0;
}
