// SPDX-License-Identifier: MIT
/*
 * Creating user processes.  Each runs in a kernel thread of its own on
 * the spawning CPU: the thread loads the program (fs/binfmt_elf.c) into
 * a new address space and drops to user mode; system calls and faults
 * come back on its kernel stack.  There is no fork() or execve() from
 * user space yet: the kernel starts every process.
 */
#include <pvk/kernel.h>
#include <pvk/binfmts.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/string.h>

static int next_pid = 1;

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

static struct process *process_alloc(const char *path, const char *const argv[])
{
	struct process *parent = current_process();
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	if (arch_process_init(p)) {
		kfree(p);
		return NULL;
	}
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	p->ppid = parent ? parent->pid : 0;
	strlcpy(p->path, path, sizeof(p->path));
	while (argv[p->argc] && p->argc < PROCESS_ARGS_MAX) {
		p->argv[p->argc] = argv[p->argc];
		p->argc++;
	}
	return p;
}

static void process_free(struct process *p)
{
	arch_process_free(p);
	kfree(p);
}

/**
 * process_spawn - start a program of the initramfs as a new process
 * @path: its path in the initramfs
 * @argv: argv[0] first, NULL-terminated, at most PROCESS_ARGS_MAX
 *	  used; the strings must live until the process has started
 * @capture: buffer for what it writes to fd 1 and 2, or NULL (console)
 * @cap: size of @capture
 *
 * The new thread runs on this CPU once the caller sleeps or yields.
 * Returns the process, or NULL when out of memory.
 */
struct process *process_spawn(const char *path, const char *const argv[],
			      char *capture, size_t cap)
{
	struct process *p = process_alloc(path, argv);
	char name[16];

	if (!p)
		return NULL;
	p->capture = capture;
	p->capture_cap = cap;
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
	return status;
}
