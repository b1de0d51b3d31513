// SPDX-License-Identifier: MIT
/*
 * The end of a thread, exit(2), and of a process: exit_group(2), a
 * fatal fault in user mode, or its last thread's exit(2); and wait4(2),
 * with which a parent collects its forked children.
 *
 * exit_group() and a fatal fault kill the process: every other thread
 * is woken (a sleeping one from its futex, a running one by the IPI
 * kthread_wake() sends) and ends on its way back to user mode
 * (process_check_killed()).  A thread that ends zeroes and wakes its
 * clear_tid futex.  The last thread frees the address space (after
 * every CPU let go of it) and ends the process; the records stay until
 * its parent (or, for a process the kernel started, process_wait())
 * collects it.  Children whose parent went first are orphans: the
 * kernel frees them once they have exited, at the next fork, spawn or
 * wait.
 */
#include <pvk/kernel.h>
#include <pvk/fs.h>
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

/*
 * Guards every process's parent, children, sibling, exited, status, and
 * the thread fields (thread_done, next_thread, threads, live_threads,
 * killed, kill_status).
 */
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
 * thread_group_add - a new thread joins its leader's process
 * @t: the thread, not started yet
 *
 * Returns false when the process is being killed: the thread must not
 * start.
 */
bool thread_group_add(struct process *t)
{
	struct process *leader = t->leader;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&family_lock, flags);
	ok = !leader->killed;
	if (ok) {
		t->next_thread = leader->threads;
		leader->threads = t;
		leader->live_threads++;
	}
	spin_unlock_irqrestore(&family_lock, flags);
	return ok;
}

/**
 * thread_group_remove - undo thread_group_add() for a thread that
 * never started
 * @t: the thread
 */
void thread_group_remove(struct process *t)
{
	struct process *leader = t->leader, **pp;
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	for (pp = &leader->threads; *pp; pp = &(*pp)->next_thread) {
		if (*pp == t) {
			*pp = t->next_thread;
			leader->live_threads--;
			break;
		}
	}
	spin_unlock_irqrestore(&family_lock, flags);
}

/**
 * thread_group_take_done - unlink the threads that have ended
 * @leader: the process's first thread
 *
 * Returns them, linked through next_thread, for the caller to join and
 * free (the leader's own record stays).
 */
struct process *thread_group_take_done(struct process *leader)
{
	struct process **pp = &leader->threads, *done = NULL, *t;
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	while ((t = *pp)) {
		if (t->thread_done) {
			*pp = t->next_thread;
			t->next_thread = done;
			done = t;
		} else {
			pp = &t->next_thread;
		}
	}
	spin_unlock_irqrestore(&family_lock, flags);
	return done;
}

/* How many threads of @p's process, @p not counted, have not ended. */
int thread_group_others(const struct process *p)
{
	return __atomic_load_n(&p->leader->live_threads, __ATOMIC_ACQUIRE) - 1;
}

bool process_killed(const struct process *p)
{
	return __atomic_load_n(&p->leader->killed, __ATOMIC_ACQUIRE);
}

/**
 * process_check_killed - end the calling thread if its process is
 * being killed
 *
 * Called on the way back to user mode (after a system call, an
 * interrupt that came from user mode, the start of a thread); nothing
 * in kernel mode is left half done there.  A kernel thread passes.
 */
void process_check_killed(void)
{
	struct process *p = current_process();

	if (p && process_killed(p))
		do_exit_thread(0);
}

/* Zero the word CLONE_CHILD_CLEARTID or set_tid_address() gave, wake it. */
static void clear_child_tid(struct process *p)
{
	static const u32 zero;

	if (!p->clear_tid || !p->mm)
		return;
	if (!copy_to_user((void *)p->clear_tid, &zero, sizeof(zero)))
		futex_wake(p->mm, p->clear_tid, 1);
}

/* Under family_lock: the last thread of @leader's process has ended. */
static void process_end_locked(struct process *leader, int status)
{
	orphan_children(leader);
	leader->exit_status = status;
	__atomic_store_n(&leader->exited, true, __ATOMIC_RELEASE);
	if (leader->parent) {
		kthread_wake(leader->parent->thread);
	} else if (leader->forked) {
		leader->sibling = orphans;
		orphans = leader;
	}
}

/**
 * do_exit_thread - end the calling thread
 * @status: the process's wait status should this be its last thread
 *	    (a killed process's is the one it was killed with)
 *
 * This CPU lets go of the address space first; the last thread frees
 * it and ends the process.
 */
void do_exit_thread(int status)
{
	struct process *p = current_process(), *leader = p->leader;
	struct mm_struct *mm = p->mm;
	unsigned long flags;
	bool last;

	/* A joiner woken below may place its next thread here at once. */
	thread_cpu_put(p->cpu);
	clear_child_tid(p);
	/* Pipe ends close now: a reader of this one sees end of file. */
	files_put(p->files);
	p->files = NULL;
	if (mm)
		mm_activate(NULL);
	spin_lock_irqsave(&family_lock, flags);
	last = --leader->live_threads == 0;
	p->thread_done = true;
	p->mm = NULL;
	if (leader->killed)
		status = leader->kill_status;
	spin_unlock_irqrestore(&family_lock, flags);
	if (last) {
		leader->mm = NULL;
		if (mm)
			mm_free(mm);
		spin_lock_irqsave(&family_lock, flags);
		process_end_locked(leader, status);
		spin_unlock_irqrestore(&family_lock, flags);
	}
	kthread_exit(status);
}

/*
 * Under family_lock: @leader's process is being killed with @status
 * (the first kill decides it); its threads but @self are woken to end
 * themselves on their way back to user mode.
 */
static void kill_threads_locked(struct process *leader, struct process *self,
				int status)
{
	if (!leader->killed) {
		leader->kill_status = status;
		__atomic_store_n(&leader->killed, true, __ATOMIC_RELEASE);
	}
	if (leader != self && !leader->thread_done)
		kthread_wake(leader->thread);
	for (struct process *t = leader->threads; t; t = t->next_thread)
		if (t != self && !t->thread_done)
			kthread_wake(t->thread);
}

/**
 * process_kill - kill another process (kill(2) with SIGKILL)
 * @leader: its first thread, which the caller keeps from being freed
 * @status: its wait status (the signal)
 *
 * Each thread ends on its way back to user mode, a sleeping one woken
 * for it.  A process that has exited already is left as it is.
 */
void process_kill(struct process *leader, int status)
{
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	if (!leader->exited)
		kill_threads_locked(leader, NULL, status);
	spin_unlock_irqrestore(&family_lock, flags);
}

/**
 * do_exit - end the calling process (exit_group(2), a fatal fault)
 * @status: its wait status (exit code << 8, or the killing signal)
 *
 * The first kill decides the status.  Every other thread is woken to
 * end itself, then this one ends.
 */
void do_exit(int status)
{
	struct process *p = current_process();
	unsigned long flags;

	spin_lock_irqsave(&family_lock, flags);
	kill_threads_locked(p->leader, p, status);
	spin_unlock_irqrestore(&family_lock, flags);
	do_exit_thread(status);
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
	struct process *self = current_process()->leader, *c;
	int err = wait_options_check(options), status, cpid;
	bool any;

	if (err)
		return err;
	while (!(c = take_exited_child(self, pid, &any))) {
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (process_killed(self))
			return -EINTR;
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
