// SPDX-License-Identifier: MIT
/*
 * Every process and thread by its id, from its allocation to its free,
 * so kill(2) can find its target.  A record is unlinked before it is
 * freed, under the same lock the lookup holds while it uses it.
 */
#include <pvk/kernel.h>
#include <pvk/process.h>
#include <pvk/spinlock.h>

static struct process *pids;
static DEFINE_SPINLOCK(pid_lock);

/**
 * pid_link - make a new process or thread findable by its id
 * @p: its record, pid set
 */
void pid_link(struct process *p)
{
	unsigned long flags;

	spin_lock_irqsave(&pid_lock, flags);
	p->next_pid = pids;
	pids = p;
	spin_unlock_irqrestore(&pid_lock, flags);
}

/**
 * pid_unlink - forget a record about to be freed
 * @p: a record pid_link() linked
 */
void pid_unlink(struct process *p)
{
	unsigned long flags;

	spin_lock_irqsave(&pid_lock, flags);
	for (struct process **pp = &pids; *pp; pp = &(*pp)->next_pid) {
		if (*pp == p) {
			*pp = p->next_pid;
			break;
		}
	}
	spin_unlock_irqrestore(&pid_lock, flags);
}

/**
 * pid_kill - kill the process of an id, or see whether it exists
 * @pid: a process's or thread's id (a thread's kills its process)
 * @status: the wait status it ends with
 * @check_only: only look it up
 *
 * A process that has exited and not been collected yet exists (as
 * Linux's zombies do); killing it changes nothing.  Returns 0, or
 * -ESRCH when no process has @pid.
 */
int pid_kill(int pid, int status, bool check_only)
{
	struct process *p;
	unsigned long flags;

	spin_lock_irqsave(&pid_lock, flags);
	for (p = pids; p && p->pid != pid; p = p->next_pid)
		;
	if (p && !check_only)
		process_kill(p->leader, status);
	spin_unlock_irqrestore(&pid_lock, flags);
	return p ? 0 : -ESRCH;
}
