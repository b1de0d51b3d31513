// SPDX-License-Identifier: MIT
/*
 * Creating user processes.  Each runs in a kernel thread of its own:
 * the kernel starts a process with process_spawn(), whose thread loads
 * the program (fs/binfmt_elf.c) into a new address space and drops to
 * user mode; system calls and faults come back on its kernel stack.
 * fork() gives a process a child on the same CPU with a copy-on-write
 * copy of its address space, and execve() replaces the program.
 * clone() with CLONE_THREAD starts a thread of the caller's process on
 * the CPU with the fewest user threads: the kernel does not preempt,
 * so threads that compute run at once only on CPUs of their own.
 */
#include <pvk/kernel.h>
#include <pvk/binfmts.h>
#include <pvk/fs.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/thread_args.h>
#include <pvk/uaccess.h>

/* Bytes of argument and environment strings an execve() may pass. */
#define EXEC_STRINGS_MAX	2048

static int next_pid = 1;
static int nr_processes;
/* User threads started on each CPU and not ended (thread_pick_cpu()). */
static unsigned int user_threads_on[NR_CPUS];

/* Start @p's kernel thread running @fn on @cpu, counted there. */
static struct thread *start_user_thread(struct process *p, thread_fn_t fn,
					unsigned int cpu)
{
	char name[16];

	snprintf(name, sizeof(name), "pid%d", p->pid);
	p->cpu = cpu;
	__atomic_add_fetch(&user_threads_on[cpu], 1, __ATOMIC_RELAXED);
	p->thread = kthread_run(fn, p, name, cpu);
	if (!p->thread)
		thread_cpu_put(cpu);
	return p->thread;
}

void thread_cpu_put(unsigned int cpu)
{
	__atomic_sub_fetch(&user_threads_on[cpu], 1, __ATOMIC_RELAXED);
}

/* The CPU for a new thread: the least busy online one. */
static unsigned int new_thread_cpu(void)
{
	unsigned int load[NR_CPUS];

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		load[cpu] = __atomic_load_n(&user_threads_on[cpu], __ATOMIC_RELAXED);
	return thread_pick_cpu(load, cpu_online_mask.bits, smp_processor_id(),
			       NR_CPUS);
}

struct process *current_process(void)
{
	return kthread_process(kthread_self());
}

/* The process's thread: exec, then user mode; returns only on failure. */
static int process_main(void *arg)
{
	struct process *p = arg;
	unsigned long entry, sp;
	int err;

	kthread_set_process(p);
	err = exec_initramfs(p, &entry, &sp);
	if (!err)
		arch_start_user(p, entry, sp);
	p->exec_error = err;
	pr_warn("user: cannot run %s (pid %d): error %d\n", p->path, p->pid, err);
	do_exit(127 << 8);
}

int process_count(void)
{
	return __atomic_load_n(&nr_processes, __ATOMIC_RELAXED);
}

static struct process *process_alloc(const char *path)
{
	struct process *parent = current_process();
	struct process *p;

	if (__atomic_add_fetch(&nr_processes, 1, __ATOMIC_RELAXED) > PROCESS_MAX) {
		__atomic_sub_fetch(&nr_processes, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	p = kzalloc(sizeof(*p));
	if (!p)
		goto fail;
	if (arch_process_init(p)) {
		kfree(p);
		goto fail;
	}
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	p->tgid = p->pid;
	p->leader = p;
	p->live_threads = 1;
	p->ppid = parent ? parent->tgid : 0;
	strlcpy(p->path, path, sizeof(p->path));
	pid_link(p);
	return p;
fail:
	__atomic_sub_fetch(&nr_processes, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void process_free(struct process *p)
{
	pid_unlink(p);
	files_put(p->files);
	arch_process_free(p);
	kfree(p->exec_args);
	kfree(p);
	__atomic_sub_fetch(&nr_processes, 1, __ATOMIC_RELAXED);
}

/* Free the threads of @leader's process that have ended. */
static void reap_threads(struct process *leader)
{
	struct process *t = thread_group_take_done(leader), *next;

	for (; t; t = next) {
		next = t->next_thread;
		kthread_join(t->thread);
		process_free(t);
	}
}

/**
 * process_release - free a process that has exited
 * @p: its leader; every thread has ended or is about to (the last
 *     one's do_exit_thread() ran)
 */
void process_release(struct process *p)
{
	reap_threads(p);
	kthread_join(p->thread);
	process_free(p);
}

/**
 * process_spawn - start a program of the initramfs as a new process
 * @path: its path in the initramfs
 * @argv: argv[0] first, NULL-terminated, at most PROCESS_ARGS_MAX
 *	  used; the strings must live until the process has started
 * @out: where it and its children write fd 1 and 2, or NULL (console)
 *
 * The new thread runs on this CPU once the caller sleeps or yields.
 * Returns the process, or NULL when out of memory or processes.
 */
struct process *process_spawn(const char *path, const char *const argv[],
			      struct user_output *out)
{
	struct process *p;

	reap_orphans();
	p = process_alloc(path);
	if (!p)
		return NULL;
	while (argv[p->argc] && p->argc < PROCESS_ARGS_MAX) {
		p->argv[p->argc] = argv[p->argc];
		p->argc++;
	}
	p->out = out;
	p->files = files_new_console();
	if (!p->files || !start_user_thread(p, process_main, smp_processor_id())) {
		process_free(p);
		return NULL;
	}
	return p;
}

/**
 * process_wait - wait for a process to end and free it
 * @p: from process_spawn()
 * @exec_error: set to the exec's -errno (0 when it ran), or NULL
 *
 * Returns the wait status (WIFEXITED()/WEXITSTATUS()/WTERMSIG()).  Its
 * first thread may end long before its last one: the process has
 * ended when the last one has.
 */
int process_wait(struct process *p, int *exec_error)
{
	int status;

	while (!__atomic_load_n(&p->exited, __ATOMIC_ACQUIRE))
		msleep(1);
	status = p->exit_status;
	if (exec_error)
		*exec_error = p->exec_error;
	process_release(p);
	reap_orphans();
	return status;
}

/* A forked child's thread: straight back to user mode, fork() gave 0. */
static int fork_child_main(void *arg)
{
	kthread_set_process(arg);
	arch_fork_return(arg);
}

/**
 * sys_fork - fork(2): a child with a copy-on-write copy of the caller
 * @regs: the caller's user registers, which the child starts from
 *
 * The child runs on this CPU once the parent sleeps (wait4(), exit).
 * Returns the child's pid, -EAGAIN at PROCESS_MAX processes (or when
 * not even its record can be allocated), or -ENOMEM for its address
 * space or thread.
 */
long sys_fork(const struct pt_regs *regs)
{
	struct process *parent = current_process(), *c;

	reap_orphans();
	c = process_alloc(parent->path);
	if (!c)
		return -EAGAIN;
	c->out = parent->out;
	c->forked = true;
	c->files = files_fork(parent->files);
	c->mm = c->files ? mm_fork(parent->mm) : NULL;
	if (!c->mm) {
		process_free(c);
		return -ENOMEM;
	}
	arch_fork(c, parent, regs);
	if (!start_user_thread(c, fork_child_main, smp_processor_id())) {
		mm_free(c->mm);
		process_free(c);
		return -ENOMEM;
	}
	process_adopt(parent->leader, c);
	return c->pid;
}

/* A new thread: back to user mode on its own stack, clone() gave 0. */
static int thread_child_main(void *arg)
{
	struct process *t = arg;

	/* Before it can end: its creator may not have stored it yet. */
	t->thread = kthread_self();
	kthread_set_process(t);
	process_check_killed();
	arch_fork_return(t);
}

/* Write the new thread's id where CLONE_*_SETTID asked; 0 or -EFAULT. */
static int clone_settid(unsigned long flags, struct process *t, int *ptid,
			int *ctid)
{
	if ((flags & CLONE_PARENT_SETTID) &&
	    copy_to_user(ptid, &t->pid, sizeof(t->pid)))
		return -EFAULT;
	if ((flags & CLONE_CHILD_SETTID) &&
	    copy_to_user(ctid, &t->pid, sizeof(t->pid)))
		return -EFAULT;
	return 0;
}

/* clone(CLONE_THREAD...): a thread of the caller's process. */
static long clone_thread(unsigned long flags, unsigned long newsp, int *ptid,
			 int *ctid, unsigned long tls, const struct pt_regs *regs)
{
	struct process *self = current_process(), *t;
	int err;

	reap_threads(self->leader);
	if (!(flags & CLONE_SETTLS))
		tls = arch_fs_base(self);
	else if (tls >= TASK_SIZE)
		return -EPERM;
	t = process_alloc(self->path);
	if (!t)
		return -EAGAIN;
	t->tgid = self->tgid;
	t->ppid = self->leader->ppid;
	t->leader = self->leader;
	t->mm = self->mm;
	t->out = self->out;
	t->files = self->files;
	files_share(t->files);
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_tid = (unsigned long)ctid;
	arch_clone_thread(t, self, regs, newsp, tls);
	err = clone_settid(flags, t, ptid, ctid);
	if (!err && !thread_group_add(t))
		err = -EINTR;	/* the process is being killed */
	if (err) {
		process_free(t);
		return err;
	}
	if (!start_user_thread(t, thread_child_main, new_thread_cpu())) {
		thread_group_remove(t);
		process_free(t);
		return -ENOMEM;
	}
	return t->pid;
}

/**
 * sys_clone - clone(2): a forked process or a new thread
 * @flags: none but an exit signal (musl's fork()), or CLONE_VM,
 *	   CLONE_SIGHAND and CLONE_THREAD with what musl's
 *	   pthread_create() adds (clone_kind())
 * @newsp: the new thread's stack
 * @ptid: CLONE_PARENT_SETTID: where the new thread's id goes
 * @ctid: CLONE_CHILD_SETTID: likewise; CLONE_CHILD_CLEARTID: zeroed and
 *	  woken (futex) when the thread ends, which pthread_join() waits on
 * @tls: CLONE_SETTLS: the new thread's FS base
 * @regs: the caller's user registers
 *
 * Returns the new process's or thread's id, -EINVAL for other flags,
 * -EAGAIN at PROCESS_MAX threads and processes, -EFAULT when an id
 * cannot be written, -EPERM for a TLS address outside user space.
 */
long sys_clone(unsigned long flags, unsigned long newsp, int *ptid, int *ctid,
	       unsigned long tls, const struct pt_regs *regs)
{
	int kind = clone_kind(flags, newsp);

	if (kind < 0)
		return kind;
	if (kind == CLONE_KIND_FORK)
		return sys_fork(regs);
	return clone_thread(flags, newsp, ptid, ctid, tls, regs);
}

/* What execve() copied in from the caller, kept while the program runs. */
struct exec_args {
	const char *argv[PROCESS_ARGS_MAX + 1];
	const char *envp[PROCESS_ARGS_MAX + 1];
	char path[64];
	char strings[EXEC_STRINGS_MAX];
	size_t used;
};

/* Copy a user string into @to (@room bytes); its length or -errno. */
static long copy_string(char *to, const char *ustr, size_t room, int toolong)
{
	for (size_t i = 0; i < room; i++) {
		if (copy_from_user(&to[i], ustr + i, 1))
			return -EFAULT;
		if (!to[i])
			return (long)i;
	}
	return toolong;
}

/* Copy a NULL-terminated user array of strings into @v; 0 or -errno. */
static int copy_strings(struct exec_args *a, const char *const *uv,
			const char **v)
{
	int n = 0;

	for (; uv; n++) {
		const char *u;
		long len;

		if (copy_from_user(&u, &uv[n], sizeof(u)))
			return -EFAULT;
		if (!u)
			break;
		if (n == PROCESS_ARGS_MAX)
			return -E2BIG;
		len = copy_string(a->strings + a->used, u,
				  sizeof(a->strings) - a->used, -E2BIG);
		if (len < 0)
			return (int)len;
		v[n] = a->strings + a->used;
		a->used += (size_t)len + 1;
	}
	v[n] = NULL;
	return 0;
}

static struct exec_args *exec_args_copy(const char *upath,
					const char *const *uargv,
					const char *const *uenvp, int *err)
{
	struct exec_args *a = kzalloc(sizeof(*a));
	long len;

	*err = -ENOMEM;
	if (!a)
		return NULL;
	len = copy_string(a->path, upath, sizeof(a->path), -ENAMETOOLONG);
	*err = len < 0 ? (int)len : 0;
	if (!*err)
		*err = copy_strings(a, uargv, a->argv);
	if (!*err)
		*err = copy_strings(a, uenvp, a->envp);
	if (*err) {
		kfree(a);
		return NULL;
	}
	return a;
}

/**
 * sys_execve - execve(2): run another program of the initramfs
 * @upath: its path
 * @uargv: its arguments (NULL-terminated; NULL is none)
 * @uenvp: its environment (likewise)
 *
 * At most PROCESS_ARGS_MAX arguments and as many variables, in
 * EXEC_STRINGS_MAX bytes (else -E2BIG).  On success the old program
 * and its address space are gone and this does not return; on failure
 * (-ENOENT, -ENOEXEC, -EFAULT, -ENOMEM...) the caller carries on
 * exactly as it was.  A process with other threads gets -EBUSY: pvk
 * does not end them for an exec (Linux does).
 */
long sys_execve(const char *upath, const char *const *uargv,
		const char *const *uenvp)
{
	struct process *p = current_process();
	struct process old = *p;
	unsigned long entry, sp;
	struct exec_args *a;
	int err;

	if (thread_group_others(p))
		return -EBUSY;
	a = exec_args_copy(upath, uargv, uenvp, &err);
	if (!a)
		return err;
	strlcpy(p->path, a->path, sizeof(p->path));
	for (p->argc = 0; a->argv[p->argc]; p->argc++)
		p->argv[p->argc] = a->argv[p->argc];
	p->argv[p->argc] = NULL;
	p->envp = a->envp;
	p->mm = NULL;
	err = exec_initramfs(p, &entry, &sp);
	if (err) {
		if (p->mm) {
			mm_activate(old.mm);
			mm_free(p->mm);
		}
		memcpy(p->path, old.path, sizeof(p->path));
		memcpy(p->argv, old.argv, sizeof(p->argv));
		p->argc = old.argc;
		p->envp = old.envp;
		p->mm = old.mm;
		kfree(a);
		return err;
	}
	/* exec_initramfs() loaded the new address space: the old is free. */
	mm_free(old.mm);
	files_close_on_exec(p->files);
	kfree(old.exec_args);
	p->exec_args = a;
	arch_exec_reset(p);
	arch_start_user(p, entry, sp);
}
