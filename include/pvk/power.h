/* SPDX-License-Identifier: MIT */
/* Ending the run: power-off with a verdict, halt, crash. */
#ifndef PVK_POWER_H
#define PVK_POWER_H

#include <pvk/types.h>

/*
 * Power off.  @success is the self-test verdict: under QEMU it becomes the
 * isa-debug-exit status, under Xen the shutdown reason.
 */
__noreturn void machine_power_off(bool success);
/* Stop this CPU for good. */
__noreturn void machine_halt(void);
/* After a panic: power off reporting failure (Xen: SHUTDOWN_crash). */
__noreturn void machine_crash(void);

void dump_stack(void);

#endif
