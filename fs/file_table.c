// SPDX-License-Identifier: MIT
/*
 * Open files and descriptor tables.  A file holds a reference for each
 * descriptor (in any process) that names it, and for each system call
 * using it: one thread may close a descriptor while another reads, the
 * file stays until both are done.  A table is shared by the threads of
 * a process and copied by fork(); the last thread's exit closes it.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>

/**
 * file_alloc - a new open file with one reference
 * @op: what it is
 * @flags: its open flags (O_ACCMODE, O_NONBLOCK...)
 *
 * Returns it, or NULL when out of memory.
 */
struct file *file_alloc(const struct file_operations *op, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->op = op;
	f->refs = 1;
	f->flags = flags;
	spin_lock_init(&f->lock);
	return f;
}

/**
 * fget_ref - take one more reference to @f
 * @f: a file the caller holds a reference to
 */
void fget_ref(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

/**
 * fput - drop a reference to @f; the last one releases and frees it
 * @f: the file
 */
void fput(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->op->release)
		f->op->release(f);
	kfree(f);
}

static struct files_struct *current_files(void)
{
	return current_process()->files;
}

/**
 * fget - the file of the calling process's descriptor @fd
 * @fd: the descriptor
 *
 * Returns it with a reference the caller drops with fput(), or NULL
 * for a descriptor that is not open.
 */
struct file *fget(int fd)
{
	struct files_struct *t = current_files();
	struct file *f = NULL;
	unsigned long flags;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	spin_lock_irqsave(&t->lock, flags);
	f = t->fd[fd];
	if (f)
		fget_ref(f);
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}

/* Under @t's lock: @f becomes descriptor @fd. */
static void set_fd(struct files_struct *t, int fd, struct file *f, bool cloexec)
{
	t->fd[fd] = f;
	t->used |= 1ULL << fd;
	if (cloexec)
		t->cloexec |= 1ULL << fd;
	else
		t->cloexec &= ~(1ULL << fd);
}

/**
 * fd_install - give @f the lowest free descriptor at or above @start
 * @f: the file; the descriptor takes over the caller's reference
 * @start: the lowest descriptor wanted
 * @cloexec: close it at exec
 *
 * Returns the descriptor, or -EMFILE when none is free (the caller
 * keeps its reference then).
 */
int fd_install(struct file *f, int start, bool cloexec)
{
	struct files_struct *t = current_files();
	unsigned long flags;
	int fd;

	spin_lock_irqsave(&t->lock, flags);
	fd = fd_lowest_free(t->used, start, FD_MAX);
	if (fd >= 0)
		set_fd(t, fd, f, cloexec);
	spin_unlock_irqrestore(&t->lock, flags);
	return fd;
}

/* Under @t's lock: take descriptor @fd away; its file, or NULL. */
static struct file *clear_fd(struct files_struct *t, int fd)
{
	struct file *f = t->fd[fd];

	t->fd[fd] = NULL;
	t->used &= ~(1ULL << fd);
	t->cloexec &= ~(1ULL << fd);
	return f;
}

/**
 * files_new_console - a table with the console as fds 0, 1 and 2
 *
 * Returns it, or NULL when out of memory.
 */
struct files_struct *files_new_console(void)
{
	struct files_struct *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->refs = 1;
	spin_lock_init(&t->lock);
	for (int fd = 0; fd <= 2; fd++) {
		struct file *f = console_file();

		fget_ref(f);
		set_fd(t, fd, f, false);
	}
	return t;
}

/**
 * files_fork - a forked child's copy of @parent's table
 * @parent: the forking process's table
 *
 * The child's descriptors name the same files.  Returns the copy, or
 * NULL when out of memory.
 */
struct files_struct *files_fork(struct files_struct *parent)
{
	struct files_struct *t = kzalloc(sizeof(*t));
	unsigned long flags;

	if (!t)
		return NULL;
	t->refs = 1;
	spin_lock_init(&t->lock);
	spin_lock_irqsave(&parent->lock, flags);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (parent->fd[fd])
			fget_ref(parent->fd[fd]);
	memcpy(t->fd, parent->fd, sizeof(t->fd));
	t->used = parent->used;
	t->cloexec = parent->cloexec;
	spin_unlock_irqrestore(&parent->lock, flags);
	return t;
}

/**
 * files_share - one more thread uses @t
 * @t: its process's table
 */
void files_share(struct files_struct *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

/* Close the descriptors of @t in @mask. */
static void close_mask(struct files_struct *t, u64 mask)
{
	for (int fd = 0; fd < FD_MAX; fd++) {
		unsigned long flags;
		struct file *f = NULL;

		if (!(mask & (1ULL << fd)))
			continue;
		spin_lock_irqsave(&t->lock, flags);
		if (t->used & (1ULL << fd))
			f = clear_fd(t, fd);
		spin_unlock_irqrestore(&t->lock, flags);
		if (f)
			fput(f);
	}
}

/**
 * files_put - a thread is done with @t; the last one closes every
 * descriptor and frees it
 * @t: the table, or NULL
 */
void files_put(struct files_struct *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL))
		return;
	close_mask(t, ~0ULL);
	kfree(t);
}

/**
 * files_close_on_exec - close the descriptors marked close-on-exec
 * @t: the table of a process whose exec succeeded
 */
void files_close_on_exec(struct files_struct *t)
{
	close_mask(t, __atomic_load_n(&t->cloexec, __ATOMIC_RELAXED));
}

/**
 * sys_close - close(2)
 * @fd: the descriptor
 *
 * Returns 0, or -EBADF when it is not open.
 */
long sys_close(int fd)
{
	struct files_struct *t = current_files();
	struct file *f = NULL;
	unsigned long flags;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock_irqsave(&t->lock, flags);
	if (t->used & (1ULL << fd))
		f = clear_fd(t, fd);
	spin_unlock_irqrestore(&t->lock, flags);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* dup() and F_DUPFD: @oldfd's file at the lowest free fd >= @start. */
static long dup_from(int oldfd, int start, bool cloexec)
{
	struct file *f = fget(oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install(f, start, cloexec);
	if (fd < 0)
		fput(f);
	return fd;
}

/**
 * sys_dup - dup(2)
 * @oldfd: an open descriptor
 *
 * Returns the lowest free descriptor, now naming the same file;
 * -EBADF or -EMFILE.
 */
long sys_dup(int oldfd)
{
	return dup_from(oldfd, 0, false);
}

/**
 * sys_dup3 - dup3(2): @newfd names @oldfd's file
 * @oldfd: an open descriptor
 * @newfd: closed first if open
 * @flags: 0 or O_CLOEXEC
 *
 * Returns @newfd; -EINVAL for other flags or @oldfd == @newfd, -EBADF
 * for a closed @oldfd or an @newfd out of range.
 */
long sys_dup3(int oldfd, int newfd, int flags)
{
	struct files_struct *t = current_files();
	struct file *f, *old;
	unsigned long irq;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fget(oldfd);
	if (!f)
		return -EBADF;
	spin_lock_irqsave(&t->lock, irq);
	old = t->fd[newfd];
	set_fd(t, newfd, f, flags & O_CLOEXEC);
	spin_unlock_irqrestore(&t->lock, irq);
	if (old)
		fput(old);
	return newfd;
}

/**
 * sys_dup2 - dup2(2): dup3() without flags, where @oldfd == @newfd
 * gives @newfd if it is open
 * @oldfd: an open descriptor
 * @newfd: the descriptor to name its file
 */
long sys_dup2(int oldfd, int newfd)
{
	struct file *f;

	if (oldfd != newfd)
		return sys_dup3(oldfd, newfd, 0);
	f = fget(oldfd);
	if (!f)
		return -EBADF;
	fput(f);
	return newfd;
}

/* F_GETFD and F_SETFD: the close-on-exec flag of @fd. */
static long fd_flags(int fd, bool set, unsigned long arg)
{
	struct files_struct *t = current_files();
	unsigned long flags;
	long ret = -EBADF;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock_irqsave(&t->lock, flags);
	if (t->used & (1ULL << fd)) {
		ret = !!(t->cloexec & (1ULL << fd));
		if (set && (arg & FD_CLOEXEC))
			t->cloexec |= 1ULL << fd;
		else if (set)
			t->cloexec &= ~(1ULL << fd);
		if (set)
			ret = 0;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return ret;
}

/* F_GETFL and F_SETFL (O_NONBLOCK and O_APPEND change). */
static long file_flags(int fd, bool set, unsigned long arg)
{
	struct file *f = fget(fd);
	unsigned int mask = O_NONBLOCK | O_APPEND;
	long ret = 0;

	if (!f)
		return -EBADF;
	if (set)
		__atomic_store_n(&f->flags, (f->flags & ~mask) | ((unsigned int)arg & mask),
				 __ATOMIC_RELAXED);
	else
		ret = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
	fput(f);
	return ret;
}

/**
 * sys_fcntl - fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD,
 * F_GETFL and F_SETFL
 * @fd: the descriptor
 * @cmd: the command
 * @arg: its argument
 *
 * Returns what the command gives; -EBADF, -EINVAL for another command
 * or a F_DUPFD start beyond FD_MAX, -EMFILE.
 */
long sys_fcntl(int fd, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX)
			return -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
	case F_SETFD:
		return fd_flags(fd, cmd == F_SETFD, arg);
	case F_GETFL:
	case F_SETFL:
		return file_flags(fd, cmd == F_SETFL, arg);
	default:
		return fd_flags(fd, false, 0) < 0 ? -EBADF : -EINVAL;
	}
}
