// SPDX-License-Identifier: MIT
/*
 * pipe(2) and pipe2(2): a page of buffer between a read end and a write
 * end, each a file that fork() and dup() share.  A reader waits until
 * there are bytes or no writer is left (end of file); a writer waits for
 * room, and gets -EPIPE once no reader is left (pvk sends no SIGPIPE).
 * Writes of at most PIPE_BUF bytes go in whole.
 *
 * User copies run outside the lock (a fault may take its time), by one
 * reader and one writer at a time, each on its own part of the ring.
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
	bool reading, writing;		/* a copy runs outside the lock */
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

/*
 * Copy @n bytes from the ring @r (a snapshot; they are there and only
 * this reader takes them) to the user: the bytes copied, short at a
 * fault.  Called without the lock: a fault may take its time.
 */
static size_t ring_copy_out(struct pipe *p, struct pipe_ring r, u8 *ubuf,
			    size_t n)
{
	size_t done = 0;

	while (done < n) {
		u32 at, span = pipe_ring_read_span(&r, n - done, &at);

		if (copy_to_user(ubuf + done, p->buf + at, span))
			break;
		r.tail += span;
		done += span;
	}
	return done;
}

/* Likewise into the room of @r, which only this writer fills. */
static size_t ring_copy_in(struct pipe *p, struct pipe_ring r,
			   const u8 *ubuf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		u32 at, span = pipe_ring_write_span(&r, n - done, &at);

		if (copy_from_user(p->buf + at, ubuf + done, span))
			break;
		r.head += span;
		done += span;
	}
	return done;
}

static bool nonblocking(struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

/*
 * One reader at a time copies out (p->reading), outside the lock, so
 * that no user copy runs under a spinlock and no byte is read twice.
 */
static long pipe_read(struct file *f, void *ubuf, size_t count)
{
	struct pipe *p = f->priv;
	struct pipe_ring snap;
	unsigned long flags;
	size_t n, done;
	long err = 0;

	if (!count)
		return 0;
	spin_lock_irqsave(&p->lock, flags);
	while (!err && (p->reading || !pipe_ring_used(&p->ring))) {
		if (!p->reading && !p->writers)
			break;		/* empty, no writer: end of file */
		if (!p->reading && nonblocking(f))
			err = -EAGAIN;
		else
			err = pipe_wait(p, &flags);
	}
	if (err || !pipe_ring_used(&p->ring)) {
		spin_unlock_irqrestore(&p->lock, flags);
		return err;
	}
	p->reading = true;
	snap = p->ring;
	spin_unlock_irqrestore(&p->lock, flags);
	n = MIN(count, (size_t)pipe_ring_used(&snap));
	done = ring_copy_out(p, snap, ubuf, n);
	spin_lock_irqsave(&p->lock, flags);
	p->ring.tail += (u32)done;
	p->reading = false;
	pipe_wake_all(p);
	spin_unlock_irqrestore(&p->lock, flags);
	return done ? (long)done : -EFAULT;
}

/*
 * Wait, the lock held, until this writer may put @left bytes' worth
 * in: the number it may (above 0), or -EPIPE, -EAGAIN, -EINTR.
 */
static long pipe_write_room(struct file *f, struct pipe *p, size_t left,
			    bool atomic, unsigned long *flags)
{
	for (;;) {
		u32 n;
		int err;

		if (!p->readers)
			return -EPIPE;
		n = p->writing ? 0 : pipe_ring_write_now(&p->ring, left, atomic);
		if (n)
			return n;
		if (!p->writing && nonblocking(f))
			return -EAGAIN;
		err = pipe_wait(p, flags);
		if (err)
			return err;
	}
}

/* Like reads, one writer at a time copies in (p->writing). */
static long pipe_write(struct file *f, const void *ubuf, size_t count)
{
	struct pipe *p = f->priv;
	bool atomic = count <= PIPE_BUF;
	unsigned long flags;
	size_t done = 0;
	long err = 0;

	spin_lock_irqsave(&p->lock, flags);
	while (done < count && !err) {
		struct pipe_ring snap;
		long n = pipe_write_room(f, p, count - done, atomic, &flags);
		size_t in;

		if (n < 0) {
			err = n;
			break;
		}
		p->writing = true;
		snap = p->ring;
		spin_unlock_irqrestore(&p->lock, flags);
		in = ring_copy_in(p, snap, (const u8 *)ubuf + done, (size_t)n);
		spin_lock_irqsave(&p->lock, flags);
		p->ring.head += (u32)in;
		done += in;
		if (in < (size_t)n)
			err = -EFAULT;
		p->writing = false;
		pipe_wake_all(p);
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
