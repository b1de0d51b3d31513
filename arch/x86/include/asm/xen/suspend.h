/* SPDX-License-Identifier: MIT */
/*
 * The platform's steps of a suspend for the toolstack (save, migration):
 * arch/x86/xen/suspend.c runs them in order, with events off and every
 * other vCPU parked; suspend_pv.c and suspend_hvm.c provide them.
 */
#ifndef _ASM_X86_XEN_SUSPEND_H
#define _ASM_X86_XEN_SUSPEND_H

#include <pvk/types.h>

struct xen_suspend_ops {
	/* Prepare memory, SCHEDOP_shutdown(SHUTDOWN_suspend): 0 restored, 1 cancelled. */
	long (*suspend)(void);
	/* Shared state back (shared_info, where the rings' ports are). */
	void (*post_suspend)(bool cancelled);
	/* A restored domain, on the boot vCPU: its vcpu_info and timer, events, VIRQs, IPIs, console and xenstore ports. */
	void (*rebuild)(void);
	/* A restored domain, on each other vCPU for itself: vcpu_info, callback, timer. */
	void (*vcpu_resume)(unsigned int cpu);
};

void xen_suspend_register(const struct xen_suspend_ops *ops);

#endif /* _ASM_X86_XEN_SUSPEND_H */
