/* SPDX-License-Identifier: MIT */
/* The toolstack's control node (drivers/xen/manage.c). */
#ifndef _XEN_MANAGE_H
#define _XEN_MANAGE_H

/*
 * Advertise control/feature-poweroff and feature-reboot and watch
 * control/shutdown and control/sysrq; once xenstore is up.
 */
int xen_manage_init(void);

#endif
