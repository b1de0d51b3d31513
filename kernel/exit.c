// SPDX-License-Identifier: MIT
/*
 * The end of a process: exit(2), exit_group(2), or a fatal fault in
 * user mode; and wait4(2), with which a parent collects its forked
 * children.  The address space goes at once (this CPU switches to the
 * kernel's tables first); the process record stays until its parent
 * (or, for a process the kernel started, process_wait()) collects it.
 * Children whose parent went first are orphans: the kernel frees them
 * once they have exited, at the next fork, spawn or wait.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/time.h>
#include <pvk/uaccess.h>
#include <pvk/wait.h>

/* struct rusage of x86-64: pvk keeps no resource usage, it reads 0. */
#define RUSAGE_SIZE	144
/* A waiting parent looks again this often even without a wake-up. */
#define WAIT_POLL_NS	(100 * NSEC_PER_MSEC)

/* Guards every process's parent, children, sibling, exited, status. */
static DEFINE_SPINLOCK(family_lock);
/* Exited processes nobody will wait for, linked through sibling. */
static struct process *orphans;

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
 * process_adopt - a just-forked child joins its parent's children
 * @parent: the forking process
 * @child: its new child, not yet run
 */
void process_adopt(struct process *parent, struct process *child)
{
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
	spin_unlock_irqrestore(&family_lock, flags);
}

/**
 * reap_orphans - free the orphans that have exited
 *
 * From process context (it may sleep until an orphan's thread is off
 * its CPU).
 */
void reap_orphans(void)
{
	struct process *list, *next;
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	list = orphans;
	orphans = NULL;
	spin_unlock_irqrestore(&family_lock, flags);
	for (; list; list = next) {
		next = list->sibling;
		process_release(list);
	}
}

/* Under family_lock: @p's children lose their parent. */
static void orphan_children(struct process *p)
{
	struct process *c, *next;

	for (c = p->children; c; c = next) {
		next = c->sibling;
		c->parent = NULL;
		c->ppid = 0;
		if (c->exited) {
			c->sibling = orphans;
			orphans = c;
		}
	}
	p->children = NULL;
}

/**
 * do_exit - end the calling process
 * @status: its wait status (exit code << 8, or the killing signal)
 */
void do_exit(int status)
{
	struct process *p = current_process();
	unsigned long flags;

	if (p->mm) {
		mm_activate(NULL);
		mm_free(p->mm);
		p->mm = NULL;
	}
	spin_lock_irqsave(&family_lock, flags);
	orphan_children(p);
	p->exit_status = status;
	p->exited = true;
	if (p->parent) {
		kthread_wake(p->parent->thread);
	} else if (p->forked) {
		p->sibling = orphans;
		orphans = p;
	}
	spin_unlock_irqrestore(&family_lock, flags);
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

/*
 * Take an exited child matching @pid off @self's list: the child, NULL
 * when none has exited yet; *@any says whether one matches at all.
 */
static struct process *take_exited_child(struct process *self, int pid,
					 bool *any)
{
	struct process **pp, *c, *found = NULL;
	unsigned long flags;

	*any = false;
	spin_lock_irqsave(&family_lock, flags);
	for (pp = &self->children; (c = *pp); pp = &c->sibling) {
		if (!wait_pid_matches(pid, c->pid))
			continue;
		*any = true;
		if (c->exited) {
			*pp = c->sibling;
			found = c;
			break;
		}
	}
	spin_unlock_irqrestore(&family_lock, flags);
	return found;
}

/**
 * sys_wait4 - wait4(2): collect an exited child
 * @pid: which (-1 or a group form: any; above 0: that one)
 * @ustatus: where its wait status goes, or NULL
 * @options: WNOHANG and the accepted no-ops (wait_options_check())
 * @rusage: zeroed when given
 *
 * Returns the child's pid, 0 with WNOHANG when none has exited yet,
 * -ECHILD when no child matches, -EINVAL for bad options, or -EFAULT
 * when the status or rusage cannot be written (the child is collected
 * all the same, as on Linux).
 */
long sys_wait4(int pid, int *ustatus, int options, void *rusage)
{
	static const u8 zero[RUSAGE_SIZE];
	struct process *self = current_process(), *c;
	int err = wait_options_check(options), status, cpid;
	bool any;

	if (err)
		return err;
	while (!(c = take_exited_child(self, pid, &any))) {
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		kthread_wait_ns(WAIT_POLL_NS);
	}
	status = c->exit_status;
	cpid = c->pid;
	process_release(c);
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (rusage && copy_to_user(rusage, zero, sizeof(zero)))
		return -EFAULT;
	return cpid;
}
