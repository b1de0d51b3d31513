// SPDX-License-Identifier: MIT
/*
 * Small system calls: identities, uname, the clock, and the signal calls
 * musl's start-up and stdio make (accepted; no signal is delivered yet).
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/process.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/thread_args.h>
#include <pvk/time.h>
#include <pvk/uaccess.h>

#define UTS_LEN		65
#define NSIG		64
#define SIGSET_SIZE	8
#define CLOCK_ID_MAX	11

struct new_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

/* struct sigaction as the kernel sees it (x86-64). */
struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

long sys_getpid(void)
{
	return current_process()->tgid;
}

/* The parent's process id, kept on the process's first thread. */
long sys_getppid(void)
{
	return current_process()->leader->ppid;
}

/*
 * pvk's own call: the hypercalls every vCPU made so far (those made to
 * deliver events left out), 0 where there is no hypervisor.  A program
 * reads it around a batch of operations for their hypercall cost
 * (lmbench.c's hypercalls_per_op).
 */
long sys_pvk_hypercalls(void)
{
	return (long)hypercall_count_all_cpus();
}

/* A process's first thread has the process's id as its thread id. */
long sys_gettid(void)
{
	return current_process()->pid;
}

/*
 * The calling thread's end zeroes the word at @tidptr and wakes its
 * futex (kernel/exit.c), as CLONE_CHILD_CLEARTID does.  The result is
 * the caller's thread id.
 */
long sys_set_tid_address(unsigned long tidptr)
{
	struct process *p = current_process();

	p->clear_tid = tidptr;
	return p->pid;
}

/*
 * getcpu(2): the CPU the caller runs on (threads stay on theirs) and
 * node 0; the cache argument is unused, as on Linux.
 */
long sys_getcpu(unsigned int *ucpu, unsigned int *unode, void *cache)
{
	unsigned int cpu = smp_processor_id(), node = 0;

	if (ucpu && copy_to_user(ucpu, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (unode && copy_to_user(unode, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}

long sys_uname(void *buf)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "pvk", UTS_LEN);
	strlcpy(u.nodename, "pvk", UTS_LEN);
	strlcpy(u.release, "0.1", UTS_LEN);
	strlcpy(u.version, "#1", UTS_LEN);
	strlcpy(u.machine, "x86_64", UTS_LEN);
	strlcpy(u.domainname, "(none)", UTS_LEN);
	return copy_to_user(buf, &u, sizeof(u));
}

/* Every clock counts from boot: pvk keeps no wall-clock time yet. */
long sys_clock_gettime(int clock, void *tp)
{
	u64 ns = ktime_get_ns();
	struct kernel_timespec ts = {
		.tv_sec = (s64)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};

	if (clock < 0 || clock > CLOCK_ID_MAX)
		return -EINVAL;
	return copy_to_user(tp, &ts, sizeof(ts));
}

long sys_rt_sigaction(int sig, const void *act, void *oact, size_t size)
{
	struct k_sigaction ka;

	if (sig < 1 || sig > NSIG || size != SIGSET_SIZE)
		return -EINVAL;
	if (act && copy_from_user(&ka, act, sizeof(ka)))
		return -EFAULT;
	memset(&ka, 0, sizeof(ka));
	if (oact && copy_to_user(oact, &ka, sizeof(ka)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const void *set, void *oset, size_t size)
{
	u64 mask = 0;

	if (size != SIGSET_SIZE || how < 0 || how > 2)
		return -EINVAL;
	if (set && copy_from_user(&mask, set, sizeof(mask)))
		return -EFAULT;
	mask = 0;
	if (oset && copy_to_user(oset, &mask, sizeof(mask)))
		return -EFAULT;
	return 0;
}
