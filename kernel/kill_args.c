// SPDX-License-Identifier: MIT
/*
 * Which signals kill(2) takes (pure: also built on the host for
 * tests/test_sleep_args.c).
 */
#include <pvk/errno.h>
#include <pvk/process.h>
#include <pvk/sleep_args.h>

/**
 * kill_sig_action - what kill(2) does with a signal number
 * @sig: the signal
 *
 * pvk delivers no signals yet: SIGKILL, whose action no program can
 * change, ends the target, and signal 0 only asks whether it exists.
 * Every other number is -EINVAL, the error kill(2) documents for a
 * signal it does not take.  A silent success would make a program
 * (musl's raise, a shell's kill builtin) believe a SIGTERM or SIGUSR1
 * reached a process that in fact carries on; the error tells it that
 * nothing happened.
 */
int kill_sig_action(int sig)
{
	switch (sig) {
	case 0:
		return KILL_CHECK;
	case SIGKILL:
		return KILL_TERMINATE;
	default:
		return -EINVAL;
	}
}
