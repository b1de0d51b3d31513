// SPDX-License-Identifier: MIT
/*
 * Linux's x86-64 system call numbers (arch/x86/entry/syscalls/
 * syscall_64.tbl) for the calls pvk implements; every other number
 * answers -ENOSYS, logged once per number.
 */
#include <pvk/kernel.h>
#include <pvk/process.h>
#include <pvk/spinlock.h>
#include <pvk/syscalls.h>
#include <asm/user.h>

#define ENOSYS_LOGGED_MAX 32
/*
 * pvk's own call, far above Linux's numbers (Linux answers -ENOSYS
 * there): the hypercalls made so far (sys_pvk_hypercalls()).
 */
#define NR_PVK_HYPERCALLS 0x70766b	/* "pvk" */

static long enosys_logged[ENOSYS_LOGGED_MAX];
static unsigned int nr_enosys_logged;
static DEFINE_SPINLOCK(enosys_lock);

/* One line per unknown number, for the first ENOSYS_LOGGED_MAX numbers. */
static long sys_ni_syscall(unsigned long nr)
{
	struct process *p = current_process();
	unsigned long flags;
	bool first = true;

	spin_lock_irqsave(&enosys_lock, flags);
	for (unsigned int i = 0; i < nr_enosys_logged; i++)
		if (enosys_logged[i] == (long)nr)
			first = false;
	if (first && nr_enosys_logged < ENOSYS_LOGGED_MAX)
		enosys_logged[nr_enosys_logged++] = (long)nr;
	else
		first = false;
	spin_unlock_irqrestore(&enosys_lock, flags);
	if (first)
		pr_info("syscall: %lu not implemented (pid %d, %s): -ENOSYS\n",
			nr, p->pid, p->path);
	return -ENOSYS;
}

long x64_sys_call(struct pt_regs *r, unsigned long nr)
{
	switch (nr) {
	case 0:
		return sys_read((int)r->rdi, (void *)r->rsi, r->rdx);
	case 1:
		return sys_write((int)r->rdi, (const void *)r->rsi, r->rdx);
	case 2:
		return sys_open((const char *)r->rdi, (int)r->rsi, (int)r->rdx);
	case 3:
		return sys_close((int)r->rdi);
	case 4:
	case 6:		/* lstat: the initramfs has no links */
		return sys_stat((const char *)r->rdi, (void *)r->rsi);
	case 5:
		return sys_fstat((int)r->rdi, (void *)r->rsi);
	case 8:
		return sys_lseek((int)r->rdi, (s64)r->rsi, (int)r->rdx);
	case 9:
		return sys_mmap(r->rdi, r->rsi, (int)r->rdx, (int)r->r10,
				(int)r->r8, r->r9);
	case 10:
		return sys_mprotect(r->rdi, r->rsi, r->rdx);
	case 11:
		return sys_munmap(r->rdi, r->rsi);
	case 12:
		return sys_brk(r->rdi);
	case 13:
		return sys_rt_sigaction((int)r->rdi, (const void *)r->rsi,
					(void *)r->rdx, r->r10);
	case 14:
		return sys_rt_sigprocmask((int)r->rdi, (const void *)r->rsi,
					  (void *)r->rdx, r->r10);
	case 16:
		return sys_ioctl((int)r->rdi, (unsigned int)r->rsi, r->rdx);
	case 19:
		return sys_readv((int)r->rdi, (const void *)r->rsi, (int)r->rdx);
	case 20:
		return sys_writev((int)r->rdi, (const void *)r->rsi, (int)r->rdx);
	case 22:
		return sys_pipe((int *)r->rdi);
	case 24:
		return sys_sched_yield();
	case 27:
		return sys_mincore(r->rdi, r->rsi, (unsigned char *)r->rdx);
	case 32:
		return sys_dup((int)r->rdi);
	case 33:
		return sys_dup2((int)r->rdi, (int)r->rsi);
	case 35:
		return sys_nanosleep((const struct kernel_timespec *)r->rdi,
				     (struct kernel_timespec *)r->rsi);
	case 39:
		return sys_getpid();
	case 56:
		return sys_clone(r->rdi, r->rsi, (int *)r->rdx, (int *)r->r10,
				 r->r8, r);
	case 57:
	case 58:	/* vfork: a fork whose parent simply does not wait */
		return sys_fork(r);
	case 59:
		return sys_execve((const char *)r->rdi,
				  (const char *const *)r->rsi,
				  (const char *const *)r->rdx);
	case 60:
		do_exit_thread(((int)r->rdi & 0xff) << 8);
	case 61:
		return sys_wait4((int)r->rdi, (int *)r->rsi, (int)r->rdx,
				 (void *)r->r10);
	case 62:
		return sys_kill((int)r->rdi, (int)r->rsi);
	case 63:
		return sys_uname((void *)r->rdi);
	case 72:
		return sys_fcntl((int)r->rdi, (unsigned int)r->rsi, r->rdx);
	case 110:
		return sys_getppid();
	case 158:
		return sys_arch_prctl((int)r->rdi, r->rsi);
	case 186:
		return sys_gettid();
	case 218:
		return sys_set_tid_address(r->rdi);
	case 217:
		return sys_getdents64((int)r->rdi, (void *)r->rsi, r->rdx);
	case 202:
		return sys_futex(r->rdi, (int)r->rsi, (u32)r->rdx,
				 (const struct kernel_timespec *)r->r10);
	case 228:
		return sys_clock_gettime((int)r->rdi, (void *)r->rsi);
	case 230:
		return sys_clock_nanosleep((int)r->rdi, (int)r->rsi,
					   (const struct kernel_timespec *)r->rdx,
					   (struct kernel_timespec *)r->r10);
	case 231:
		do_exit(((int)r->rdi & 0xff) << 8);
	case 257:
		return sys_openat((int)r->rdi, (const char *)r->rsi, (int)r->rdx,
				  (int)r->r10);
	case 262:
		return sys_newfstatat((int)r->rdi, (const char *)r->rsi,
				      (void *)r->rdx, (int)r->r10);
	case 292:
		return sys_dup3((int)r->rdi, (int)r->rsi, (int)r->rdx);
	case 293:
		return sys_pipe2((int *)r->rdi, (int)r->rsi);
	case 309:
		return sys_getcpu((unsigned int *)r->rdi, (unsigned int *)r->rsi,
				  (void *)r->rdx);
	case NR_PVK_HYPERCALLS:
		return sys_pvk_hypercalls();
	default:
		return sys_ni_syscall(nr);
	}
}
