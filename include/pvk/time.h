/* SPDX-License-Identifier: MIT */
/* Time keeping: a monotonic nanosecond clock and the scheduler tick. */
#ifndef PVK_TIME_H
#define PVK_TIME_H

#include <pvk/types.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

/* Nanoseconds since boot (0 until a clock source is calibrated). */
u64 ktime_get_ns(void);
/* Busy-wait; usable before interrupts. */
void ndelay(u64 ns);
void udelay(u64 us);
void mdelay(u64 ms);

/* A fast, fine-grained cycle counter for measurements (not a clock). */
u64 get_cycles(void);

/* Per-CPU tick count, incremented by the tick on each CPU. */
u64 cpu_ticks(unsigned int cpu);
/*
 * Called by the architecture's timer interrupt on each CPU, with the
 * address it interrupted.
 */
void timer_tick(unsigned long ip);

typedef void (*tick_observer_t)(unsigned long ip);
void timer_tick_observe(tick_observer_t fn);

/* Tickless idle (kernel/time.c), interrupts off. */
void tick_nohz_idle_enter(u64 deadline_ns);
void tick_nohz_idle_lost(void);
void tick_nohz_idle_exit(void);
bool tick_nohz_stopped(void);
u64 tick_nohz_timer_writes(unsigned int cpu);
void tick_nohz_offline(void);

#endif
