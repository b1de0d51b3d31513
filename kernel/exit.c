// SPDX-License-Identifier: MIT
/*
 * The end of a process: exit(2), exit_group(2), or a fatal fault in
 * user mode.  The address space goes at once (this CPU switches to the
 * kernel's tables first); the process record stays for process_wait().
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGKILL:
		return "SIGKILL";
	case SIGSEGV:
		return "SIGSEGV";
	default:
		return "signal";
	}
}

/**
 * do_exit - end the calling process
 * @status: its wait status (exit code << 8, or the killing signal)
 */
void do_exit(int status)
{
	struct process *p = current_process();

	if (p->mm) {
		mm_activate(NULL);
		mm_free(p->mm);
		p->mm = NULL;
	}
	kthread_exit(status);
}

/**
 * force_sig_fault - a fault in user mode kills the process
 * @sig: the signal it dies of (no handlers are run yet)
 * @what: the exception's name
 * @ip: the user instruction pointer
 * @addr: the faulting address (page faults), else 0
 *
 * The kernel carries on: one log line says which process and why.
 */
void force_sig_fault(int sig, const char *what, unsigned long ip,
		     unsigned long addr)
{
	struct process *p = current_process();

	pr_warn("user: pid %d (%s) killed by %s: %s at ip %#lx address %#lx\n",
		p->pid, p->path, signal_name(sig), what, ip, addr);
	do_exit(sig);
}
