/* SPDX-License-Identifier: MIT */
/*
 * CPU hot-plug seen by core code (kernel/cpu.c).  Only virtual CPUs can
 * go offline and come back (the platform says whether it can); CPU 0
 * never goes offline.
 */
#ifndef PVK_CPU_H
#define PVK_CPU_H

#include <pvk/types.h>

/* Take @cpu offline; 0 also when it already was. */
int remove_cpu(unsigned int cpu);
/* Bring @cpu (back) online; 0 also when it already was. */
int add_cpu(unsigned int cpu);
/* Can this platform take CPUs offline and back? */
bool cpu_hotplug_supported(void);

/* Idle loop of @cpu, interrupts off: has it been asked to go offline? */
bool cpu_hotplug_pending(unsigned int cpu);
/* Idle loop, interrupts off: go offline; returns once back online. */
void cpu_hotplug_die(void);

#endif
