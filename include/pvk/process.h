/* SPDX-License-Identifier: MIT */
/*
 * User processes: one kernel thread per user thread, with an address
 * space (struct mm_struct, mm/mmap.c) whose kernel half is shared.  The
 * kernel starts a process from a static ELF64 file of the initramfs and
 * collects its wait status (process_spawn(), process_wait()); a process
 * may fork children, which run on its CPU, exec another program, wait
 * for its children, and start threads (clone with CLONE_THREAD), which
 * share its address space and run on the least busy CPU.  A child
 * whose parent went first is reaped by the kernel.
 *
 * A struct process stands for one thread.  The first (the leader)
 * holds what belongs to the whole process: its family, its other
 * threads and how it ends.  The process ends when its last thread
 * does; exit_group() or a fatal fault kills every thread first.
 */
#ifndef PVK_PROCESS_H
#define PVK_PROCESS_H

#include <pvk/types.h>
#include <pvk/spinlock.h>

#define SIGKILL		9
#define SIGSEGV		11
#define SIGCHLD		17
#define PROCESS_ARGS_MAX 16
/* Live processes at most: a fork beyond gets -EAGAIN. */
#define PROCESS_MAX	64

struct thread;
struct mm_struct;
struct arch_process;
struct pt_regs;
struct files_struct;

/*
 * Where fd 1 and 2 of a process and of the children it forks land
 * instead of the console; the spawner owns it.  Threads may write at
 * once from several CPUs: @lock (zero is unlocked) orders them.
 */
struct user_output {
	char *buf;
	size_t len, cap;
	spinlock_t lock;
};

struct process {
	int pid, ppid;			/* pid: the thread's id */
	int tgid;			/* the process id its threads share */
	struct process *leader;		/* its first thread (itself there) */
	struct thread *thread;
	unsigned int cpu;		/* where its thread runs */
	unsigned long clear_tid;	/* zeroed and woken when it ends */
	struct mm_struct *mm;
	struct arch_process *arch;	/* FPU state, FS base (arch code) */
	int exec_error;			/* the exec's -errno when it failed */
	char path[64];
	int argc;
	const char *argv[PROCESS_ARGS_MAX + 1];
	const char *const *envp;	/* NULL: init's environment */
	void *exec_args;		/* what execve() copied in, or NULL */
	struct user_output *out;	/* NULL: the console */
	struct files_struct *files;	/* descriptors, shared by threads */
	/* The family, under kernel/exit.c's lock. */
	struct process *next_pid;	/* every process and thread (kernel/pid.c) */
	struct process *parent;		/* the forking process while it lives */
	struct process *children, *sibling;
	bool forked;			/* reaped by a parent, or the kernel */
	bool exited;
	int exit_status;
	/* Threads, under kernel/exit.c's lock too. */
	bool thread_done;		/* this thread has ended */
	struct process *next_thread;	/* in the leader's list */
	struct process *threads;	/* the leader's: the other threads */
	int live_threads;		/* the leader's: threads not ended */
	bool killed;			/* the leader's: every thread ends */
	int kill_status;		/* the leader's: the wait status then */
};

/*
 * Start @path (argv[0] included in @argv, NULL-terminated) as a new
 * process on this CPU; its output goes to @out when given.  Returns the process, or NULL when out of memory.
 */
struct process *process_spawn(const char *path, const char *const argv[],
			      struct user_output *out);
/* Wait for @p to end, free it, return its wait status. */
int process_wait(struct process *p, int *exec_error);
/* The process the calling thread runs, or NULL in a kernel thread. */
struct process *current_process(void);
/* Processes that exist, exited ones not yet collected included. */
int process_count(void);
/* Join @p's thread and free it (kernel/fork.c). */
void process_release(struct process *p);
/* @child, just forked, belongs to @parent (kernel/exit.c). */
void process_adopt(struct process *parent, struct process *child);
/* Free the exited processes whose parent went first. */
void reap_orphans(void);
/* End the calling process with wait status @status; never returns. */
__noreturn void do_exit(int status);
/* End the calling thread (exit(2)); the last one ends the process. */
__noreturn void do_exit_thread(int status);
/* Kill @leader's process with wait status @status (kill(2)). */
void process_kill(struct process *leader, int status);
/* Find the process of @pid; 0 when there is one, else -ESRCH (kernel/pid.c). */
int pid_kill(int pid, int status, bool check_only);
void pid_link(struct process *p);
void pid_unlink(struct process *p);
/* Is @p's process being killed (exit_group, a fatal fault)? */
bool process_killed(const struct process *p);
/* On the way back to user mode: end the thread if it is being killed. */
void process_check_killed(void);
/* Add the new thread @t to its leader's; false once it is being killed. */
bool thread_group_add(struct process *t);
/* Take back a thread that could not be started. */
void thread_group_remove(struct process *t);
/* Unlink the ended threads of @leader's process; the list of them. */
struct process *thread_group_take_done(struct process *leader);
/* Other threads than the caller's that have not ended. */
int thread_group_others(const struct process *p);
/* A user thread on @cpu ends (kernel/fork.c). */
void thread_cpu_put(unsigned int cpu);
/* A fault in user mode ends the process with @sig (kernel/exit.c). */
__noreturn void force_sig_fault(int sig, const char *what, unsigned long ip,
				unsigned long addr);

/* What became of init= (kernel/main.c), for the self-tests. */
struct init_result {
	bool ran;		/* init= was given and a process started */
	int pid;
	int status;		/* wait status */
	int exec_error;
};
const struct init_result *init_process_result(void);

/* Wait-status helpers, as in <sys/wait.h>. */
#define WIFEXITED(s)	(((s) & 0x7f) == 0)
#define WEXITSTATUS(s)	(((s) >> 8) & 0xff)
#define WTERMSIG(s)	((s) & 0x7f)

/* Architecture hooks (arch/x86/kernel/process_64.c). */
int arch_process_init(struct process *p);
void arch_process_free(struct process *p);
/* @child gets @parent's user registers (@regs, returning 0), FPU, FS. */
void arch_fork(struct process *child, struct process *parent,
	       const struct pt_regs *regs);
/*
 * A new thread @child of @parent's process returns 0 from clone() on
 * stack @sp, with FS base @tls.
 */
void arch_clone_thread(struct process *child, struct process *parent,
		       const struct pt_regs *regs, unsigned long sp,
		       unsigned long tls);
/* The FS base of @p (a thread without CLONE_SETTLS inherits it). */
unsigned long arch_fs_base(const struct process *p);
/* A forked child's first return to user mode; never returns. */
__noreturn void arch_fork_return(struct process *p);
/* An exec starts with the default FPU state and no FS base. */
void arch_exec_reset(struct process *p);
/* Enter user mode at @ip with stack @sp; never returns. */
__noreturn void arch_start_user(struct process *p, unsigned long ip,
				unsigned long sp);
/* The scheduler switches from @prev to @next (either may be NULL). */
void arch_switch_user(struct process *prev, struct process *next);
/* Fill @buf with @len bytes of boot-time entropy (AT_RANDOM). */
void arch_random_bytes(u8 *buf, size_t len);

#endif
