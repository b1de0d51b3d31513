// SPDX-License-Identifier: MIT
/*
 * File descriptors 0, 1 and 2: the console, as for Linux's init.  Output
 * goes to the console, or to the buffer the spawner gave (the
 * self-tests compare it), which forked children share.  pvk has no console
 * input yet: reading gives end of file.
 */
#include <pvk/kernel.h>
#include <pvk/process.h>
#include <pvk/printk.h>
#include <pvk/spinlock.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>

#define IOV_MAX		1024
#define CHUNK		256

struct iovec {
	unsigned long base;
	size_t len;
};

static bool console_fd(int fd)
{
	return fd >= 0 && fd <= 2;
}

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
static long write_user(struct process *p, const char *ubuf, size_t count)
{
	char chunk[CHUNK];
	size_t done = 0;

	if (!access_ok((unsigned long)ubuf, count))
		return -EFAULT;
	while (done < count) {
		size_t n = MIN(count - done, sizeof(chunk));

		if (copy_from_user(chunk, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		output(p, chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(int fd, const void *buf, size_t count)
{
	if (!console_fd(fd))
		return -EBADF;
	return write_user(current_process(), buf, count);
}

long sys_writev(int fd, const void *uiov, int iovcnt)
{
	struct process *p = current_process();
	long total = 0;

	if (!console_fd(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		struct iovec iov;
		long n;

		if (copy_from_user(&iov, (const struct iovec *)uiov + i, sizeof(iov)))
			return total ? total : -EFAULT;
		n = write_user(p, (const char *)iov.base, iov.len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

long sys_read(int fd, void *buf, size_t count)
{
	if (!console_fd(fd))
		return -EBADF;
	if (!access_ok((unsigned long)buf, count))
		return -EFAULT;
	return 0;
}

/* The console is no terminal pvk can describe (TIOCGWINSZ included). */
long sys_ioctl(int fd, unsigned int cmd, unsigned long arg)
{
	if (!console_fd(fd))
		return -EBADF;
	return -ENOTTY;
}
