/* SPDX-License-Identifier: MIT */
/*
 * Ending the run: power-off with a verdict, restart, halt, crash; and
 * the requests (from the toolstack, a console key, ...) that end a
 * serving kernel's run (kernel/reboot.c).
 */
#ifndef PVK_POWER_H
#define PVK_POWER_H

#include <pvk/types.h>

/*
 * Power off.  @success is the self-test verdict: under QEMU it becomes the
 * isa-debug-exit status, under Xen the shutdown reason.
 */
__noreturn void machine_power_off(bool success);
/*
 * Restart the machine (Xen: SHUTDOWN_reboot; bare metal: the FADT's
 * reset register, the keyboard controller, a triple fault).
 */
__noreturn void machine_restart(void);
/*
 * Close the platform's devices before a power-off or restart (Xen: every
 * xenbus frontend through Closing to Closed); bounded, may sleep.
 */
void machine_shutdown_devices(void);
/* Stop this CPU for good. */
__noreturn void machine_halt(void);
/* After a panic: power off reporting failure (Xen: SHUTDOWN_crash). */
__noreturn void machine_crash(void);

void dump_stack(void);

/* What a shutdown request asks for. */
enum shutdown_kind {
	SHUTDOWN_KIND_NONE,
	SHUTDOWN_KIND_POWEROFF,
	SHUTDOWN_KIND_REBOOT,
	SHUTDOWN_KIND_HALT,
};

/* "poweroff", "reboot", "halt" ("none" for SHUTDOWN_KIND_NONE). */
const char *shutdown_kind_name(enum shutdown_kind kind);
void kernel_request_shutdown(enum shutdown_kind kind, const char *why);

typedef void (*shutdown_observer_fn)(enum shutdown_kind kind, const char *why);
void kernel_shutdown_observe(shutdown_observer_fn fn);

bool kernel_serve_requested(void);
__noreturn void kernel_serve(bool selftests_ok);

#endif
