// SPDX-License-Identifier: MIT
/*
 * kill(2).  pvk delivers no signals yet: SIGKILL ends the target and
 * signal 0 checks that it exists (kill_sig_action() says why the rest
 * are refused).
 */
#include <pvk/kernel.h>
#include <pvk/process.h>
#include <pvk/sleep_args.h>
#include <pvk/syscalls.h>

/**
 * sys_kill - kill(2)
 * @pid: the target's process (or thread) id
 * @sig: SIGKILL, or 0 to check that it exists
 *
 * Returns 0; -EINVAL for another signal; -ESRCH when no process has
 * @pid, also for @pid 0 and below: pvk has no process groups, so the
 * group (or everyone) those name does not exist.  Killing itself, the
 * caller ends on its way back to user mode.
 */
long sys_kill(int pid, int sig)
{
	int action = kill_sig_action(sig);

	if (action < 0)
		return action;
	if (pid <= 0)
		return -ESRCH;
	return pid_kill(pid, sig, action == KILL_CHECK);
}
