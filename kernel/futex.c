// SPDX-License-Identifier: MIT
/*
 * futex(2): FUTEX_WAIT and FUTEX_WAKE, which musl's threads, mutexes
 * and pthread_join() are built on, and the wake-up a thread's exit
 * sends to the address CLONE_CHILD_CLEARTID or set_tid_address() gave.
 *
 * A futex is a 32-bit word of an address space: waiters sit on one
 * list, keyed by address space and address, under one lock.  FUTEX_WAIT
 * compares the word under that lock, and FUTEX_WAKE takes it, so a
 * wake-up that follows the change of the word is never lost.  The
 * private flag changes nothing: every futex of pvk is private to its
 * address space (fork copies memory, none is shared).
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/syscalls.h>
#include <pvk/thread_args.h>
#include <pvk/time.h>
#include <pvk/uaccess.h>

/* A waiter looks at its deadline and at a kill at least this often. */
#define FUTEX_RECHECK_NS	NSEC_PER_SEC

struct futex_waiter {
	struct mm_struct *mm;
	unsigned long uaddr;
	struct thread *thread;
	bool woken;			/* under futex_lock */
	struct futex_waiter *next;
};

static DEFINE_SPINLOCK(futex_lock);
static struct futex_waiter *futex_waiters;

/* Under futex_lock: take @w off the list; false if a waker did. */
static bool futex_unlink(struct futex_waiter *w)
{
	for (struct futex_waiter **pp = &futex_waiters; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return true;
		}
	}
	return false;
}

/**
 * futex_wake - wake up to @nr waiters on a futex
 * @mm: the address space of the futex word
 * @uaddr: its address
 * @nr: how many at most
 *
 * Returns how many were woken.  The wake-up happens under the lock the
 * waiter needs to leave futex_wait(), so its thread cannot be gone.
 */
int futex_wake(struct mm_struct *mm, unsigned long uaddr, int nr)
{
	struct futex_waiter **pp = &futex_waiters;
	unsigned long flags;
	int woken = 0;

	spin_lock_irqsave(&futex_lock, flags);
	while (*pp && woken < nr) {
		struct futex_waiter *w = *pp;

		if (w->mm != mm || w->uaddr != uaddr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		kthread_wake(w->thread);
		woken++;
	}
	spin_unlock_irqrestore(&futex_lock, flags);
	return woken;
}

/* Sleep until woken, the deadline or a kill; 0 or -errno. */
static long futex_sleep(struct futex_waiter *w, u64 deadline)
{
	struct process *p = current_process();
	unsigned long flags;
	long ret;

	for (;;) {
		u64 now = ktime_get_ns();

		if (__atomic_load_n(&w->woken, __ATOMIC_ACQUIRE)) {
			ret = 0;
			break;
		}
		if (process_killed(p)) {
			ret = -EINTR;
			break;
		}
		if (now >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		kthread_wait_ns(MIN(deadline - now, (u64)FUTEX_RECHECK_NS));
	}
	spin_lock_irqsave(&futex_lock, flags);
	/* A wake-up that came after all counts: the waker said so. */
	if (!futex_unlink(w))
		ret = 0;
	spin_unlock_irqrestore(&futex_lock, flags);
	return ret;
}

static long futex_wait(unsigned long uaddr, u32 val,
		       const struct kernel_timespec *utime)
{
	struct futex_waiter w = {
		.mm = current_process()->mm,
		.uaddr = uaddr,
		.thread = kthread_self(),
	};
	u64 deadline = U64_MAX;
	unsigned long flags;
	u32 cur;

	if (utime) {
		struct kernel_timespec ts;
		u64 ns;
		int err;

		if (copy_from_user(&ts, utime, sizeof(ts)))
			return -EFAULT;
		err = futex_timeout_ns(&ts, &ns);
		if (err)
			return err;
		deadline = ktime_get_ns();
		deadline = ns > U64_MAX - deadline ? U64_MAX : deadline + ns;
	}
	spin_lock_irqsave(&futex_lock, flags);
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur))) {
		spin_unlock_irqrestore(&futex_lock, flags);
		return -EFAULT;
	}
	if (cur != val) {
		spin_unlock_irqrestore(&futex_lock, flags);
		return -EAGAIN;
	}
	w.next = futex_waiters;
	futex_waiters = &w;
	spin_unlock_irqrestore(&futex_lock, flags);
	return futex_sleep(&w, deadline);
}

/**
 * sys_futex - futex(2), FUTEX_WAIT and FUTEX_WAKE
 * @uaddr: the futex word, 4-byte aligned
 * @op: FUTEX_WAIT or FUTEX_WAKE, FUTEX_PRIVATE_FLAG allowed
 * @val: WAIT: the value the word must still have; WAKE: how many
 * @utime: WAIT: a relative timeout, or NULL for none
 *
 * WAIT returns 0 when woken, -EAGAIN when the word differs, -ETIMEDOUT,
 * or -EINTR when the process is being killed; WAKE returns how many it
 * woke.  A misaligned address is -EINVAL, one outside user space or
 * unmapped -EFAULT, and any other operation -ENOSYS.
 */
long sys_futex(unsigned long uaddr, int op, u32 val,
	       const struct kernel_timespec *utime)
{
	int cmd = futex_cmd(op);

	if (cmd < 0)
		return cmd;
	if (uaddr & (sizeof(u32) - 1))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	if (cmd == FUTEX_WAIT)
		return futex_wait(uaddr, val, utime);
	return futex_wake(current_process()->mm, uaddr, (int)val);
}
