/* SPDX-License-Identifier: MIT */
/* The toolstack's control node (drivers/xen/manage.c). */
#ifndef _XEN_MANAGE_H
#define _XEN_MANAGE_H

/*
 * Advertise control/feature-poweroff and feature-reboot and watch
 * control/shutdown and control/sysrq; once xenstore is up.
 */
int xen_manage_init(void);

/*
 * Suspend for the toolstack (save, migration) and resume, from a thread
 * on the boot vCPU: the platform's (arch/x86/xen/suspend.c: PV, PVH
 * and HVM domUs).  xen_suspend_possible() says whether it can; xen_suspend()
 * returns once the domain runs again (0), or an errno if it did not
 * suspend.
 */
bool xen_suspend_possible(void);
int xen_suspend(void);

#endif
