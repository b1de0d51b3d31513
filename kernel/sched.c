// SPDX-License-Identifier: MIT
/*
 * Per-CPU cooperative scheduler.  Each CPU has a run queue and a sleep
 * list under one lock; its idle thread is the context the CPU booted on.
 * Another CPU may add threads to a queue and kick the owner with a
 * reschedule IPI.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/cpu.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/paravirt.h>

#define THREAD_STACK_ORDER 2	/* 16 KiB */

enum thread_state { T_RUNNABLE, T_RUNNING, T_SLEEPING, T_DEAD };

struct thread {
	unsigned long rsp;		/* must stay first: __switch_to */
	void *stack;
	thread_fn_t fn;
	void *arg;
	int result;
	int state;
	bool off_cpu;			/* dead and its stack no longer used */
	bool wake_pending;		/* kthread_wake() before it waited */
	bool wakeable;			/* in kthread_wait_ns() */
	u64 wake_ns;
	unsigned int cpu;
	struct thread *next;
	struct process *proc;		/* the user process it runs, or NULL */
	char name[16];
};

struct runqueue {
	spinlock_t lock;
	struct thread *head, *tail;
	struct thread *sleepers;
};

static struct runqueue runqueues[NR_CPUS];
static struct thread idle_threads[NR_CPUS];

struct thread *__switch_to(struct thread *prev, struct thread *next);
extern char kthread_trampoline[];

static struct thread *current(void)
{
	return this_cpu()->current;
}

const char *current_thread_name(void)
{
	return current()->name;
}

static void enqueue(struct runqueue *rq, struct thread *t)
{
	t->next = NULL;
	t->state = T_RUNNABLE;
	if (rq->tail)
		rq->tail->next = t;
	else
		rq->head = t;
	rq->tail = t;
}

static struct thread *dequeue(struct runqueue *rq)
{
	struct thread *t = rq->head;

	if (t) {
		rq->head = t->next;
		if (!rq->head)
			rq->tail = NULL;
	}
	return t;
}

/* Move sleepers whose time has passed to the run queue; lock held. */
static void wake_sleepers(struct runqueue *rq, u64 now)
{
	struct thread **pp = &rq->sleepers;

	while (*pp) {
		struct thread *t = *pp;

		if (t->wake_ns <= now) {
			*pp = t->next;
			enqueue(rq, t);
		} else {
			pp = &t->next;
		}
	}
}

/* The thread we switched away from is off its stack now. */
static void finish_switch(struct thread *prev)
{
	if (prev->state == T_DEAD)
		__atomic_store_n(&prev->off_cpu, true, __ATOMIC_RELEASE);
}

/*
 * Pick the next thread and switch to it.  The caller has already put
 * current on a queue (or marked it dead).  Interrupts are off.
 */
static void schedule_locked_out(struct runqueue *rq)
{
	struct thread *prev = current(), *next;

	spin_lock(&rq->lock);
	wake_sleepers(rq, ktime_get_ns());
	next = dequeue(rq);
	spin_unlock(&rq->lock);
	if (!next)
		next = this_cpu()->idle;
	if (next == prev) {
		prev->state = T_RUNNING;
		return;
	}
	next->state = T_RUNNING;
	this_cpu()->current = next;
	if (prev->proc || next->proc)
		arch_switch_user(prev->proc, next->proc);
	finish_switch(__switch_to(prev, next));
}

void kthread_entry(struct thread *prev)
{
	struct thread *self = current();

	finish_switch(prev);
	arch_local_irq_enable();
	kthread_exit(self->fn(self->arg));
}

/**
 * kthread_exit - end the calling thread with @result
 * @result: what kthread_join() returns
 *
 * Also from deep inside a thread (a user process's exit or fatal
 * fault): nothing below is returned to.
 */
void kthread_exit(int result)
{
	struct thread *self = current();

	/* Never runs again: schedule() leaves it for kthread_join() to free. */
	arch_local_irq_disable();
	self->result = result;
	self->proc = NULL;
	self->state = T_DEAD;
	schedule_locked_out(&runqueues[self->cpu]);
	BUG();
}

/**
 * kthread_set_process - the calling thread runs @p from now on
 * @p: its process (the scheduler switches its user state with it)
 */
void kthread_set_process(struct process *p)
{
	current()->proc = p;
}

struct process *kthread_process(const struct thread *t)
{
	return t->proc;
}

/* Top of @t's kernel stack (where entries from user mode start). */
unsigned long kthread_stack_top(const struct thread *t)
{
	return (unsigned long)t->stack + (PAGE_SIZE << THREAD_STACK_ORDER);
}

/**
 * kthread_yield - run other runnable threads of this CPU first
 */
void kthread_yield(void)
{
	struct thread *self = current();
	struct runqueue *rq = &runqueues[self->cpu];
	unsigned long flags = arch_local_irq_save();

	if (self != this_cpu()->idle) {
		spin_lock(&rq->lock);
		enqueue(rq, self);
		spin_unlock(&rq->lock);
	}
	schedule_locked_out(rq);
	arch_local_irq_restore(flags);
}

static void sleep_common(u64 ns, bool wakeable)
{
	struct thread *self = current();
	struct runqueue *rq = &runqueues[self->cpu];
	unsigned long flags;

	if (self == this_cpu()->idle) {
		ndelay(wakeable ? MIN(ns, NSEC_PER_MSEC) : ns);
		return;
	}
	flags = arch_local_irq_save();
	spin_lock(&rq->lock);
	if (wakeable && self->wake_pending) {
		self->wake_pending = false;
		spin_unlock(&rq->lock);
		arch_local_irq_restore(flags);
		return;
	}
	self->wakeable = wakeable;
	self->state = T_SLEEPING;
	self->wake_ns = ktime_get_ns() + ns;
	self->next = rq->sleepers;
	rq->sleepers = self;
	spin_unlock(&rq->lock);
	schedule_locked_out(rq);
	self->wakeable = false;
	arch_local_irq_restore(flags);
}

/**
 * kthread_sleep_ns - sleep for at least @ns nanoseconds
 * @ns: duration; woken by the tick, or by the timer armed for it when
 *	the CPU idles meanwhile
 *
 * kthread_wake() does not cut this sleep short.
 */
void kthread_sleep_ns(u64 ns)
{
	sleep_common(ns, false);
}

/**
 * kthread_wait_ns - sleep until kthread_wake() or for at most @ns
 * @ns: the longest wait (ends at a tick or the idle CPU's timer)
 *
 * Returns at once if a kthread_wake() came since the last wait, so a
 * wake-up that races with the decision to wait is not lost.  A wake-up
 * may also be stale: callers re-check what they wait for.  On an idle
 * thread this only spins for up to a millisecond.
 */
void kthread_wait_ns(u64 ns)
{
	sleep_common(ns, true);
}

void msleep(unsigned int ms)
{
	kthread_sleep_ns((u64)ms * NSEC_PER_MSEC);
}

/**
 * kthread_self - the calling thread (the idle thread outside any kthread)
 */
struct thread *kthread_self(void)
{
	return current();
}

/*
 * Lock the run queue of a thread that is not running: its CPU may
 * change until the lock is held (sched_cpu_evacuate() moves it).
 */
static struct runqueue *lock_thread_rq(struct thread *t, unsigned long *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(t->cpu);
		struct runqueue *rq = &runqueues[cpu];

		spin_lock_irqsave(&rq->lock, *flags);
		if (READ_ONCE(t->cpu) == cpu)
			return rq;
		spin_unlock_irqrestore(&rq->lock, *flags);
	}
}

/**
 * kthread_wake - end a thread's kthread_wait_ns() early
 * @t: a live thread
 *
 * If @t waits in kthread_wait_ns() it becomes runnable now; otherwise
 * its next kthread_wait_ns() returns at once, so a wake-up that races
 * with the decision to wait is never lost.  Callable from any CPU and
 * from event/interrupt handlers.
 */
void kthread_wake(struct thread *t)
{
	struct runqueue *rq;
	unsigned long flags;
	unsigned int cpu;

	if (!t || t == idle_threads + t->cpu)
		return;
	rq = lock_thread_rq(t, &flags);
	if (t->state == T_SLEEPING && t->wakeable) {
		struct thread **pp = &rq->sleepers;

		while (*pp && *pp != t)
			pp = &(*pp)->next;
		if (*pp) {
			*pp = t->next;
			enqueue(rq, t);
		}
	} else if (t->state != T_DEAD) {
		t->wake_pending = true;
	}
	cpu = t->cpu;
	spin_unlock_irqrestore(&rq->lock, flags);
	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

/**
 * kthread_run - create a thread on a CPU and make it runnable
 * @fn: thread function; its return value is what kthread_join() returns
 * @arg: passed to @fn
 * @name: short name for diagnostics
 * @cpu: online CPU to run on
 *
 * Returns the thread, or NULL when out of memory or @cpu is offline.
 */
struct thread *kthread_run(thread_fn_t fn, void *arg, const char *name,
			   unsigned int cpu)
{
	struct thread *t;
	unsigned long *sp, flags;
	bool online;

	if (cpu >= NR_CPUS)
		return NULL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = alloc_pages(THREAD_STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	t->cpu = cpu;
	strlcpy(t->name, name, sizeof(t->name));
	/* __switch_to pops six registers, then returns to the trampoline. */
	sp = (unsigned long *)((char *)t->stack + (PAGE_SIZE << THREAD_STACK_ORDER));
	*--sp = 0;
	*--sp = (unsigned long)kthread_trampoline;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->rsp = (unsigned long)sp;

	/* Checked under the lock that sched_cpu_evacuate() takes. */
	spin_lock_irqsave(&runqueues[cpu].lock, flags);
	online = per_cpu(cpu)->online;
	if (online)
		enqueue(&runqueues[cpu], t);
	spin_unlock_irqrestore(&runqueues[cpu].lock, flags);
	if (!online) {
		free_pages(t->stack, THREAD_STACK_ORDER);
		kfree(t);
		return NULL;
	}
	smp_send_reschedule(cpu);
	return t;
}

/**
 * kthread_join - wait for a thread to end and free it
 * @t: thread from kthread_run()
 *
 * Returns the thread function's result.
 */
int kthread_join(struct thread *t)
{
	int result;

	while (!__atomic_load_n(&t->off_cpu, __ATOMIC_ACQUIRE))
		kthread_sleep_ns(NSEC_PER_MSEC);
	result = t->result;
	free_pages(t->stack, THREAD_STACK_ORDER);
	kfree(t);
	return result;
}

/* Up to this many threads of each CPU are listed by sched_show_tasks(). */
#define SHOW_MAX	32

struct shown_thread {
	char name[16];
	char what;		/* 'R'unning, 'r'unnable, 'S'leeping */
	s64 due_ms;		/* sleepers: ms until the wake-up */
};

/* Copy @cpu's threads out under its lock; returns how many. */
static unsigned int snapshot_cpu(unsigned int cpu, struct shown_thread *out)
{
	struct runqueue *rq = &runqueues[cpu];
	u64 now = ktime_get_ns();
	unsigned int n = 0;
	unsigned long flags;

	spin_lock_irqsave(&rq->lock, flags);
	strlcpy(out[n].name, per_cpu(cpu)->current->name, sizeof(out[n].name));
	out[n++].what = 'R';
	for (const struct thread *t = rq->head; t && n < SHOW_MAX; t = t->next) {
		strlcpy(out[n].name, t->name, sizeof(out[n].name));
		out[n++].what = 'r';
	}
	for (const struct thread *t = rq->sleepers; t && n < SHOW_MAX; t = t->next) {
		strlcpy(out[n].name, t->name, sizeof(out[n].name));
		out[n].due_ms = ((s64)t->wake_ns - (s64)now) / (s64)NSEC_PER_MSEC;
		out[n++].what = t->wakeable ? 'W' : 'S';
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	return n;
}

/**
 * sched_show_tasks - log every CPU's threads (a sysrq 't' task dump)
 *
 * One line per thread: the running one (R), the runnable ones (r) and
 * the sleepers, in a timed sleep (S) or waiting for a wake-up (W), with
 * the milliseconds until they are due.  A snapshot per CPU, taken under
 * that CPU's run-queue lock and printed outside it.
 */
void sched_show_tasks(void)
{
	struct shown_thread shown[SHOW_MAX];	/* 1 KiB of the stack */

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		unsigned int n;

		if (!per_cpu(cpu)->online)
			continue;
		n = snapshot_cpu(cpu, shown);
		pr_raw("sched: cpu %u: %u threads%s\n", cpu, n,
		       n == SHOW_MAX ? " (list cut)" : "");
		for (unsigned int i = 0; i < n; i++) {
			if (shown[i].what == 'S' || shown[i].what == 'W')
				pr_raw("sched:   %c %-15s due in %lld ms\n", shown[i].what,
				       shown[i].name, (long long)shown[i].due_ms);
			else
				pr_raw("sched:   %c %s\n", shown[i].what, shown[i].name);
		}
	}
}

/* Move @t, not running, to CPU 0's run queue or sleep list; both locked. */
static void move_to_cpu0(struct thread *t, struct runqueue *rq0, bool sleeping)
{
	t->cpu = 0;
	if (sleeping) {
		t->next = rq0->sleepers;
		rq0->sleepers = t;
	} else {
		enqueue(rq0, t);
	}
}

/**
 * sched_cpu_evacuate - this CPU goes offline: its threads move to CPU 0
 * @cpu: the calling CPU, in its idle thread, interrupts off
 *
 * Marks it offline under its run-queue lock, so kthread_run() either
 * queued a thread before (and it moves too) or sees it offline.  A
 * sleeper keeps its wake-up time and whether kthread_wake() may end it.
 */
void sched_cpu_evacuate(unsigned int cpu)
{
	struct runqueue *rq = &runqueues[cpu], *rq0 = &runqueues[0];
	unsigned int moved = 0;
	struct thread *t;

	spin_lock(&rq->lock);
	spin_lock(&rq0->lock);
	per_cpu(cpu)->online = false;
	while ((t = dequeue(rq))) {
		move_to_cpu0(t, rq0, false);
		moved++;
	}
	while ((t = rq->sleepers)) {
		rq->sleepers = t->next;
		move_to_cpu0(t, rq0, true);
		moved++;
	}
	spin_unlock(&rq0->lock);
	spin_unlock(&rq->lock);
	if (moved)
		pr_info("sched: %u thread%s of CPU %u moved to CPU 0\n", moved,
			moved > 1 ? "s" : "", cpu);
	smp_send_reschedule(0);
}

void sched_tick(void)
{
	struct runqueue *rq = &runqueues[smp_processor_id()];

	spin_lock(&rq->lock);
	wake_sleepers(rq, ktime_get_ns());
	spin_unlock(&rq->lock);
}

/**
 * sched_init_cpu - make the calling context this CPU's idle thread
 */
void sched_init_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	struct thread *idle = &idle_threads[cpu];

	snprintf(idle->name, sizeof(idle->name), "idle/%u", cpu);
	idle->cpu = cpu;
	idle->state = T_RUNNING;
	this_cpu()->idle = idle;
	this_cpu()->current = idle;
}

void sched_init(void)
{
	sched_init_cpu();
}

/*
 * Is there a thread to run?  If not, *@next_wake is when the first
 * sleeper is due (U64_MAX: none sleeps).
 */
static bool runnable_work(struct runqueue *rq, u64 *next_wake)
{
	bool work;

	spin_lock(&rq->lock);
	wake_sleepers(rq, ktime_get_ns());
	work = rq->head != NULL;
	*next_wake = U64_MAX;
	for (const struct thread *t = rq->sleepers; t; t = t->next)
		*next_wake = MIN(*next_wake, t->wake_ns);
	spin_unlock(&rq->lock);
	return work;
}

/**
 * cpu_idle - run threads when there are any, otherwise halt
 *
 * Halting goes through pv_ops.irq.safe_halt, which enables interrupts
 * and halts atomically, so a wake-up IPI cannot be lost.  While halted
 * the CPU has no periodic tick: its timer is armed for the first
 * sleeper's wake-up only (tick_nohz_idle_enter()).  A CPU asked to go
 * offline does so here, where none of its threads runs (kernel/cpu.c).
 */
void cpu_idle(void)
{
	unsigned int cpu = smp_processor_id();
	struct runqueue *rq = &runqueues[cpu];

	for (;;) {
		u64 next_wake;

		arch_local_irq_disable();
		if (cpu_hotplug_pending(cpu)) {
			cpu_hotplug_die();
			arch_local_irq_enable();
		} else if (runnable_work(rq, &next_wake)) {
			tick_nohz_idle_exit();
			schedule_locked_out(rq);
			arch_local_irq_enable();
		} else if (arch_idle_lost_interrupts()) {
			/* Recovered; they may have brought work, or been the timer's. */
			tick_nohz_idle_lost();
			arch_local_irq_enable();
		} else {
			tick_nohz_idle_enter(next_wake);
			arch_safe_halt();
		}
	}
}
