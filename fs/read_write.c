// SPDX-License-Identifier: MIT
/*
 * read(2), write(2), their vector forms, lseek(2) and ioctl(2) on any
 * descriptor, and the console, which fds 0, 1 and 2 of a spawned
 * process name, as for Linux's init.  Output goes to the console, or to
 * the buffer the spawner gave (the self-tests compare it), which forked
 * children share.  pvk has no console input yet: reading gives end of
 * file.
 */
#include <pvk/kernel.h>
#include <pvk/fs.h>
#include <pvk/process.h>
#include <pvk/printk.h>
#include <pvk/spinlock.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>

#define IOV_MAX		1024
#define CHUNK		256
/* Linux's MAX_RW_COUNT: one call moves at most this many bytes. */
#define RW_MAX		0x7ffff000UL
/* /dev/console: character device 5:1 (Linux's new_encode_dev()). */
#define CONSOLE_RDEV	0x501

struct iovec {
	unsigned long base;
	size_t len;
};

static void output(struct process *p, const char *buf, size_t len)
{
	struct user_output *o = p->out;

	unsigned long flags;

	if (!o) {
		console_write(buf, len);
		return;
	}
	/* Threads of a process write at once from several CPUs. */
	spin_lock_irqsave(&o->lock, flags);
	len = MIN(len, o->cap - o->len);
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	spin_unlock_irqrestore(&o->lock, flags);
}

/* Copy @count bytes from user @ubuf to the output; bytes or -EFAULT. */
static long console_write_user(struct file *f, const void *ubuf, size_t count)
{
	struct process *p = current_process();
	char chunk[CHUNK];
	size_t done = 0;

	(void)f;
	while (done < count) {
		size_t n = MIN(count - done, sizeof(chunk));

		if (copy_from_user(chunk, (const char *)ubuf + done, n))
			return done ? (long)done : -EFAULT;
		output(p, chunk, n);
		done += n;
	}
	return (long)done;
}

static long console_read(struct file *f, void *ubuf, size_t count)
{
	(void)f;
	(void)ubuf;
	(void)count;
	return 0;
}

static void console_stat(struct file *f, struct linux_stat *st)
{
	(void)f;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = CONSOLE_RDEV;
	st->st_ino = 2;
	st->st_nlink = 1;
	st->st_blksize = 1024;
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write_user,
	.stat = console_stat,
};

/* Its first reference is never dropped: the console is never freed. */
static struct file console = {
	.op = &console_fops,
	.refs = 1,
	.flags = O_RDWR,
};

/**
 * console_file - the console as an open file (fds 0, 1 and 2)
 *
 * The caller takes its own reference with fget_ref().
 */
struct file *console_file(void)
{
	return &console;
}

static bool readable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writable(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* One read or write of @f, checked as Linux's vfs_read()/vfs_write(). */
static long rw_file(struct file *f, void *ubuf, size_t count, bool write)
{
	if (write ? !writable(f) || !f->op->write : !readable(f) || !f->op->read)
		return -EBADF;
	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	count = MIN(count, RW_MAX);
	if (write)
		return f->op->write(f, ubuf, count);
	return f->op->read(f, ubuf, count);
}

static long rw_fd(int fd, void *ubuf, size_t count, bool write)
{
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = rw_file(f, ubuf, count, write);
	fput(f);
	return ret;
}

/**
 * sys_read - read(2)
 * @fd: an open descriptor (not a pipe's write end)
 * @buf: the user's buffer
 * @count: its size (at most RW_MAX is read)
 *
 * Returns the bytes read, 0 at end of file; -EBADF, -EFAULT, -EISDIR,
 * or what the file gives (-EAGAIN, -EINTR for a pipe).
 */
long sys_read(int fd, void *buf, size_t count)
{
	return rw_fd(fd, buf, count, false);
}

/**
 * sys_write - write(2)
 * @fd: an open descriptor (the console, a pipe's write end)
 * @buf: the user's bytes
 * @count: how many
 *
 * Returns the bytes written; -EBADF, -EFAULT, or what the file gives
 * (-EPIPE, -EAGAIN, -EINTR for a pipe).
 */
long sys_write(int fd, const void *buf, size_t count)
{
	return rw_fd(fd, (void *)buf, count, true);
}

/* readv(2) and writev(2): one transfer per vector, up to a short one. */
static long rw_vec(int fd, const void *uiov, int iovcnt, bool write)
{
	struct file *f = fget(fd);
	long total = 0, ret = 0;

	if (!f)
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		ret = -EINVAL;
	for (int i = 0; !ret && i < iovcnt; i++) {
		struct iovec iov;
		long n;

		if (copy_from_user(&iov, (const struct iovec *)uiov + i, sizeof(iov))) {
			ret = -EFAULT;
			break;
		}
		if (!iov.len)
			continue;
		n = rw_file(f, (void *)iov.base, iov.len, write);
		if (n < 0)
			ret = n;
		else
			total += n;
		if (n >= 0 && (size_t)n < iov.len)
			break;
	}
	fput(f);
	return total ? total : ret;
}

/**
 * sys_readv - readv(2): read() into each of @iovcnt vectors at @uiov
 * @fd: the descriptor
 * @uiov: the user's struct iovec array
 * @iovcnt: at most IOV_MAX, else -EINVAL
 */
long sys_readv(int fd, const void *uiov, int iovcnt)
{
	return rw_vec(fd, uiov, iovcnt, false);
}

/**
 * sys_writev - writev(2): write() of each of @iovcnt vectors at @uiov
 * @fd: the descriptor
 * @uiov: the user's struct iovec array
 * @iovcnt: at most IOV_MAX, else -EINVAL
 */
long sys_writev(int fd, const void *uiov, int iovcnt)
{
	return rw_vec(fd, uiov, iovcnt, true);
}

/**
 * sys_lseek - lseek(2)
 * @fd: the descriptor
 * @off: the offset
 * @whence: SEEK_SET, SEEK_CUR or SEEK_END
 *
 * Returns the new position; -EBADF, -ESPIPE on the console or a pipe,
 * -EINVAL for another @whence or a position below 0.
 */
long sys_lseek(int fd, s64 off, int whence)
{
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	ret = f->op->llseek ? f->op->llseek(f, off, whence) : -ESPIPE;
	fput(f);
	return ret;
}

/* Neither the console nor any other file is a terminal pvk describes. */
long sys_ioctl(int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fget(fd);

	(void)cmd;
	(void)arg;
	if (!f)
		return -EBADF;
	fput(f);
	return -ENOTTY;
}
