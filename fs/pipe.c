// SPDX-License-Identifier: MIT
/*
 * pipe(2) and pipe2(2): a page of buffer between a read end and a write
 * end, each a file that fork() and dup() share.  A reader waits until
 * there are bytes or no writer is left (end of file); a writer waits for
 * room, and gets -EPIPE once no reader is left (pvk sends no SIGPIPE).
 * Writes of at most PIPE_BUF bytes go in whole.
 *
 * Waiters sit on the pipe's list under its lock, and every change of
 * the ring or of the ends wakes them all under that lock: a wake-up is
 * never lost (kthread_wake() before the wait makes it return at once),
 * and a waiter leaves the list under the lock before it returns, so a
 * waker never wakes a thread that is gone.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/mm.h>
#include <pvk/pipe_ring.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/syscalls.h>
#include <pvk/time.h>
#include <pvk/uaccess.h>
#include <asm/page.h>

/* A waiter also looks at whether its process is being killed this often. */
#define PIPE_RECHECK_NS	NSEC_PER_SEC

struct pipe_waiter {
	struct thread *thread;
	struct pipe_waiter *next;
};

struct pipe {
	spinlock_t lock;		/* everything below */
	struct pipe_ring ring;
	u8 *buf;			/* one page */
	int readers, writers;		/* open ends */
	struct pipe_waiter *waiters;
};

/* Under the lock: wake every waiter, reader or writer. */
static void pipe_wake_all(struct pipe *p)
{
	for (struct pipe_waiter *w = p->waiters; w; w = w->next)
		kthread_wake(w->thread);
}

/*
 * With the lock held (*@flags from its irqsave): wait for a wake-up,
 * with the lock dropped meanwhile.  0, or -EINTR when the process is
 * being killed.
 */
static int pipe_wait(struct pipe *p, unsigned long *flags)
{
	struct pipe_waiter w = { .thread = kthread_self() }, **pp;

	if (process_killed(current_process()))
		return -EINTR;
	w.next = p->waiters;
	p->waiters = &w;
	spin_unlock_irqrestore(&p->lock, *flags);
	kthread_wait_ns(PIPE_RECHECK_NS);
	spin_lock_irqsave(&p->lock, *flags);
	for (pp = &p->waiters; *pp != &w; pp = &(*pp)->next)
		;
	*pp = w.next;
	return 0;
}

/* Under the lock: move up to @count bytes to the user; bytes or -EFAULT. */
static long pipe_copy_out(struct pipe *p, u8 *ubuf, size_t count)
{
	size_t done = 0;

	while (done < count) {
		u32 at, n = pipe_ring_read_span(&p->ring, count - done, &at);

		if (!n)
			break;
		if (copy_to_user(ubuf + done, p->buf + at, n))
			return done ? (long)done : -EFAULT;
		p->ring.tail += n;
		done += n;
	}
	return (long)done;
}

static long pipe_read(struct file *f, void *ubuf, size_t count)
{
	struct pipe *p = f->priv;
	unsigned long flags;
	long ret = 0;

	if (!count)
		return 0;
	spin_lock_irqsave(&p->lock, flags);
	while (!pipe_ring_used(&p->ring) && p->writers && !ret) {
		if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK)
			ret = -EAGAIN;
		else
			ret = pipe_wait(p, &flags);
	}
	if (!ret) {
		ret = pipe_copy_out(p, ubuf, count);
		if (ret > 0)
			pipe_wake_all(p);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

/* Under the lock: copy @n bytes (room is there) from the user; 0 or -EFAULT. */
static int pipe_copy_in(struct pipe *p, const u8 *ubuf, u32 n)
{
	u32 done = 0;

	while (done < n) {
		u32 at, span = pipe_ring_write_span(&p->ring, n - done, &at);

		if (copy_from_user(p->buf + at, ubuf + done, span))
			return -EFAULT;
		p->ring.head += span;
		done += span;
	}
	return 0;
}

static long pipe_write(struct file *f, const void *ubuf, size_t count)
{
	struct pipe *p = f->priv;
	bool atomic = count <= PIPE_BUF;
	unsigned long flags;
	size_t done = 0;
	long err = 0;

	spin_lock_irqsave(&p->lock, flags);
	while (done < count && !err) {
		u32 n;

		if (!p->readers) {
			err = -EPIPE;
			break;
		}
		n = pipe_ring_write_now(&p->ring, count - done, atomic);
		if (n) {
			err = pipe_copy_in(p, (const u8 *)ubuf + done, n);
			if (!err)
				done += n;
			pipe_wake_all(p);
		} else if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) {
			err = -EAGAIN;
		} else {
			err = pipe_wait(p, &flags);
		}
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return done ? (long)done : err;
}

static void pipe_stat(struct file *f, struct linux_stat *st)
{
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_ino = (u64)(unsigned long)f->priv >> 4;
	st->st_blksize = PAGE_SIZE;
}

/* The last reference to an end goes: the pipe goes with its last end. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&p->lock, flags);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	last = !p->readers && !p->writers;
	pipe_wake_all(p);
	spin_unlock_irqrestore(&p->lock, flags);
	if (last) {
		free_pages(p->buf, 0);
		kfree(p);
	}
}

static const struct file_operations pipe_read_fops = {
	.read = pipe_read,
	.stat = pipe_stat,
	.release = pipe_release,
};

static const struct file_operations pipe_write_fops = {
	.write = pipe_write,
	.stat = pipe_stat,
	.release = pipe_release,
};

/* A new pipe and its two ends in @end; 0 or -ENOMEM. */
static int pipe_create(struct file *end[2], unsigned int fl)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->buf = alloc_pages(0);
	end[0] = file_alloc(&pipe_read_fops, O_RDONLY | fl);
	end[1] = file_alloc(&pipe_write_fops, O_WRONLY | fl);
	if (!p->buf || !end[0] || !end[1]) {
		kfree(end[0]);
		kfree(end[1]);
		if (p->buf)
			free_pages(p->buf, 0);
		kfree(p);
		return -ENOMEM;
	}
	spin_lock_init(&p->lock);
	p->ring.size = PAGE_SIZE;
	p->readers = p->writers = 1;
	end[0]->priv = end[1]->priv = p;
	return 0;
}

/**
 * sys_pipe2 - pipe2(2)
 * @ufds: where the read and the write end's descriptors go
 * @flags: O_CLOEXEC, O_NONBLOCK (O_DIRECT is accepted, not honoured)
 *
 * Returns 0; -EINVAL for other flags, -EFAULT (nothing stays open),
 * -EMFILE, -ENOMEM.
 */
long sys_pipe2(int *ufds, int flags)
{
	bool cloexec = flags & O_CLOEXEC;
	struct file *end[2];
	int fd[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | 040000))
		return -EINVAL;
	err = pipe_create(end, (unsigned int)flags & O_NONBLOCK);
	if (err)
		return err;
	fd[0] = fd_install(end[0], 0, cloexec);
	fd[1] = fd[0] < 0 ? -EMFILE : fd_install(end[1], 0, cloexec);
	if (fd[1] >= 0 && copy_to_user(ufds, fd, sizeof(fd)))
		err = -EFAULT;
	else if (fd[1] < 0)
		err = -EMFILE;
	if (!err)
		return 0;
	/* Close what was installed; drop what was not. */
	if (fd[0] >= 0)
		sys_close(fd[0]);
	else
		fput(end[0]);
	if (fd[1] >= 0)
		sys_close(fd[1]);
	else
		fput(end[1]);
	return err;
}

/**
 * sys_pipe - pipe(2): pipe2() without flags
 * @ufds: where the two descriptors go
 */
long sys_pipe(int *ufds)
{
	return sys_pipe2(ufds, 0);
}
