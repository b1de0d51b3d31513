/* SPDX-License-Identifier: MIT */
/*
 * The ways events can reach an HVM or PVH guest, best last, and the
 * choice among them (arch/x86/xen/callback_choose.c, pure logic so the
 * host unit tests can refuse each way in turn).
 */
#ifndef _ASM_X86_XEN_CALLBACK_H
#define _ASM_X86_XEN_CALLBACK_H

#include <pvk/types.h>

enum xen_callback {
	XEN_CALLBACK_NONE,
	XEN_CALLBACK_INTX,	/* platform PCI INTx: vCPU 0 only */
	XEN_CALLBACK_VECTOR,	/* one vector for the domain */
	XEN_CALLBACK_PERCPU,	/* a LAPIC vector per vCPU */
	XEN_CALLBACK_LEVELS
};

/* Set a level up: 0 once Xen delivers that way, else an errno (logged). */
typedef int (*xen_callback_try_fn)(void);

const char *xen_callback_name(enum xen_callback level);
enum xen_callback xen_callback_parse(const char *opt, bool *known);
enum xen_callback xen_callback_choose(enum xen_callback limit,
				      const xen_callback_try_fn try[XEN_CALLBACK_LEVELS]);

bool xen_callback_idle_lost(void);

#endif /* _ASM_X86_XEN_CALLBACK_H */
