/* SPDX-License-Identifier: MIT */
/*
 * A small per-CPU kernel-thread scheduler.  Threads are bound to one CPU
 * and run until they yield, sleep, join or exit (no preemption), which is
 * all the self-tests and drivers need.
 */
#ifndef PVK_SCHED_H
#define PVK_SCHED_H

#include <pvk/types.h>

struct thread;
typedef int (*thread_fn_t)(void *arg);

/* Create a thread on @cpu and make it runnable; NULL on failure. */
struct thread *kthread_run(thread_fn_t fn, void *arg, const char *name,
			   unsigned int cpu);
/* Wait for @t to finish, free it and return its result. */
int kthread_join(struct thread *t);
/* Let other runnable threads on this CPU run. */
void kthread_yield(void);
/* Sleep at least @ns nanoseconds (tick granularity). */
void kthread_sleep_ns(u64 ns);
void msleep(unsigned int ms);
/* The calling thread. */
struct thread *kthread_self(void);
/*
 * Wait for kthread_wake() for at most @ns; may return early or for a
 * stale wake-up, so callers re-check what they wait for.
 */
void kthread_wait_ns(u64 ns);
/*
 * End @t's kthread_wait_ns() now, or its next one if it is not waiting
 * (any CPU, also from interrupt/event handlers).
 */
void kthread_wake(struct thread *t);
const char *current_thread_name(void);
/* End the calling thread now with @result (for kthread_join()). */
__noreturn void kthread_exit(int result);
/* User processes (kernel/fork.c): the thread's process, its stack. */
struct process;
void kthread_set_process(struct process *p);
struct process *kthread_process(const struct thread *t);
unsigned long kthread_stack_top(const struct thread *t);

/* Log every CPU's threads and their states (sysrq 't'). */
void sched_show_tasks(void);

void sched_init(void);
void sched_init_cpu(void);
/* This CPU goes offline: move its threads to CPU 0 (kernel/cpu.c). */
void sched_cpu_evacuate(unsigned int cpu);
/* Timer tick on this CPU: wake sleepers whose time has come. */
void sched_tick(void);
/* The idle loop of a CPU; never returns. */
__noreturn void cpu_idle(void);

#endif
