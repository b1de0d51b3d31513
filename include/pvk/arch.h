/* SPDX-License-Identifier: MIT */
/* What core code asks of the architecture during boot. */
#ifndef PVK_ARCH_H
#define PVK_ARCH_H

#include <pvk/bootinfo.h>
#include <pvk/types.h>

/*
 * Detect the platform, install its pv_ops backend, patch every call
 * site, set up traps, memory and the boot CPU's clock.
 */
void setup_arch(struct boot_record *br);
/* Name of the platform found ("bare-metal", "xen-pv", ...). */
const char *arch_platform_name(void);
/* Extra " key=value" fields for the boot line, or "". */
const char *arch_boot_line_extra(void);
/* The platform's line after the boot line, or NULL. */
const char *arch_boot_report(void);
void arch_cpu_report(unsigned int cpu, char *buf, size_t size);
/* Start the periodic tick on this CPU. */
void arch_timer_start(void);
/*
 * This CPU idles: no periodic tick, one timer interrupt at @deadline_ns
 * (ktime_get_ns() time) at the latest.  Interrupts are off.
 */
void arch_timer_idle(u64 deadline_ns);
/*
 * Right before this CPU halts in idle, interrupts off: did interrupts
 * get lost on their way (recovered now)?  Its timer may be among them.
 */
bool arch_idle_lost_interrupts(void);
/* This CPU has threads to run: the periodic tick again. */
void arch_timer_busy(void);
/* Nanoseconds until this CPU's running tick fires; U64_MAX: unknown. */
u64 arch_timer_tick_left(void);
/* Bring up buses and devices; from the first thread (may sleep). */
void arch_init_devices(void);
/* Can CPUs go offline and come back (kernel/cpu.c)? */
bool arch_cpu_hotplug(void);
/*
 * On the CPU going offline, interrupts off, its threads and calls gone:
 * release what it holds and stop it; returns once arch_cpu_wake() has
 * started it again, with its tick running.
 */
void arch_cpu_die(void);
/* Has @cpu stopped in arch_cpu_die() (or never started)? */
bool arch_cpu_stopped(unsigned int cpu);
/* Start @cpu again (or for the first time); it comes online itself. */
int arch_cpu_wake(unsigned int cpu);

#endif
