/* SPDX-License-Identifier: MIT */
/*
 * The system calls pvk implements, with Linux's arguments and results
 * (-errno on failure).  The architecture's table maps numbers to them.
 */
#ifndef PVK_SYSCALLS_H
#define PVK_SYSCALLS_H

#include <pvk/types.h>

/* fs/read_write.c: any descriptor; the console as fds 0, 1 and 2. */
long sys_read(int fd, void *buf, size_t count);
long sys_write(int fd, const void *buf, size_t count);
long sys_readv(int fd, const void *iov, int iovcnt);
long sys_writev(int fd, const void *iov, int iovcnt);
long sys_lseek(int fd, s64 off, int whence);
long sys_ioctl(int fd, unsigned int cmd, unsigned long arg);
/* fs/open.c: the initramfs, read-only */
long sys_open(const char *path, int flags, int mode);
long sys_openat(int dirfd, const char *path, int flags, int mode);
long sys_fstat(int fd, void *st);
long sys_stat(const char *path, void *st);
long sys_newfstatat(int dirfd, const char *path, void *st, int flags);
long sys_getdents64(int fd, void *buf, size_t count);
/* fs/file_table.c */
long sys_close(int fd);
long sys_dup(int oldfd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, unsigned int cmd, unsigned long arg);
/* fs/pipe.c */
long sys_pipe(int *fds);
long sys_pipe2(int *fds, int flags);
/* mm/mmap.c */
long sys_brk(unsigned long brk);
long sys_mmap(unsigned long addr, unsigned long len, int prot, int flags,
	      int fd, unsigned long off);
long sys_munmap(unsigned long addr, unsigned long len);
/* mm/mprotect.c, mm/mincore.c */
long sys_mprotect(unsigned long start, size_t len, unsigned long prot);
long sys_mincore(unsigned long start, size_t len, unsigned char *vec);
/* kernel/sys.c */
long sys_getpid(void);
long sys_getppid(void);
long sys_pvk_hypercalls(void);
long sys_gettid(void);
long sys_set_tid_address(unsigned long tidptr);
long sys_uname(void *buf);
long sys_clock_gettime(int clock, void *tp);
long sys_rt_sigaction(int sig, const void *act, void *oact, size_t size);
long sys_rt_sigprocmask(int how, const void *set, void *oset, size_t size);
long sys_getcpu(unsigned int *ucpu, unsigned int *unode, void *cache);
/* kernel/fork.c: fork, clone (a fork or a thread), vfork as fork, execve */
struct pt_regs;
long sys_fork(const struct pt_regs *regs);
long sys_clone(unsigned long flags, unsigned long newsp, int *ptid, int *ctid,
	       unsigned long tls, const struct pt_regs *regs);
long sys_execve(const char *path, const char *const *argv,
		const char *const *envp);
/* kernel/exit.c */
long sys_wait4(int pid, int *status, int options, void *rusage);
/* kernel/futex.c */
struct kernel_timespec;
struct mm_struct;
long sys_futex(unsigned long uaddr, int op, u32 val,
	       const struct kernel_timespec *utime);
int futex_wake(struct mm_struct *mm, unsigned long uaddr, int nr);
/* kernel/nanosleep.c, kernel/signal.c */
long sys_nanosleep(const struct kernel_timespec *req,
		   struct kernel_timespec *rem);
long sys_clock_nanosleep(int clock, int flags,
			 const struct kernel_timespec *req,
			 struct kernel_timespec *rem);
long sys_sched_yield(void);
long sys_kill(int pid, int sig);
/* arch */
long sys_arch_prctl(int code, unsigned long addr);

#endif
