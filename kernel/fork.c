// SPDX-License-Identifier: MIT
/*
 * Creating user processes.  Each runs in a kernel thread of its own:
 * the kernel starts a process with process_spawn(), whose thread loads
 * the program (fs/binfmt_elf.c) into a new address space and drops to
 * user mode; system calls and faults come back on its kernel stack.
 * fork() gives a process a child on the same CPU with a copy-on-write
 * copy of its address space, and execve() replaces the program.
 */
#include <pvk/kernel.h>
#include <pvk/binfmts.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>

/* Bytes of argument and environment strings an execve() may pass. */
#define EXEC_STRINGS_MAX	2048
/* clone()'s flags byte that names the exit signal. */
#define CSIGNAL			0xff

static int next_pid = 1;
static int nr_processes;

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
	p->ppid = parent ? parent->pid : 0;
	strlcpy(p->path, path, sizeof(p->path));
	return p;
fail:
	__atomic_sub_fetch(&nr_processes, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void process_free(struct process *p)
{
	arch_process_free(p);
	kfree(p->exec_args);
	kfree(p);
	__atomic_sub_fetch(&nr_processes, 1, __ATOMIC_RELAXED);
}

/**
 * process_release - free a process that has exited
 * @p: its thread has ended or is about to (do_exit() ran)
 */
void process_release(struct process *p)
{
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
	char name[16];

	reap_orphans();
	p = process_alloc(path);
	if (!p)
		return NULL;
	while (argv[p->argc] && p->argc < PROCESS_ARGS_MAX) {
		p->argv[p->argc] = argv[p->argc];
		p->argc++;
	}
	p->out = out;
	snprintf(name, sizeof(name), "pid%d", p->pid);
	p->thread = kthread_run(process_main, p, name, smp_processor_id());
	if (!p->thread) {
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
 * Returns the wait status (WIFEXITED()/WEXITSTATUS()/WTERMSIG()).
 */
int process_wait(struct process *p, int *exec_error)
{
	int status = kthread_join(p->thread);

	if (exec_error)
		*exec_error = p->exec_error;
	process_free(p);
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
	char name[16];

	reap_orphans();
	c = process_alloc(parent->path);
	if (!c)
		return -EAGAIN;
	c->out = parent->out;
	c->forked = true;
	c->mm = mm_fork(parent->mm);
	if (!c->mm) {
		process_free(c);
		return -ENOMEM;
	}
	arch_fork(c, parent, regs);
	snprintf(name, sizeof(name), "pid%d", c->pid);
	c->thread = kthread_run(fork_child_main, c, name, smp_processor_id());
	if (!c->thread) {
		mm_free(c->mm);
		process_free(c);
		return -ENOMEM;
	}
	process_adopt(parent, c);
	return c->pid;
}

/*
 * clone(2) without CLONE_* flags is fork() with an exit signal (musl's
 * fork() on architectures without SYS_fork); threads (CLONE_VM and
 * friends) and a new stack are not supported.
 */
long sys_clone(unsigned long flags, unsigned long newsp,
	       const struct pt_regs *regs)
{
	if ((flags & ~CSIGNAL) || newsp)
		return -EINVAL;
	return sys_fork(regs);
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
 * exactly as it was.
 */
long sys_execve(const char *upath, const char *const *uargv,
		const char *const *uenvp)
{
	struct process *p = current_process();
	struct process old = *p;
	unsigned long entry, sp;
	struct exec_args *a;
	int err;

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
	kfree(old.exec_args);
	p->exec_args = a;
	arch_exec_reset(p);
	arch_start_user(p, entry, sp);
}
