/* SPDX-License-Identifier: MIT */
/* vCPU hot-plug by the toolstack (drivers/xen/cpu_hotplug.c). */
#ifndef _XEN_CPU_HOTPLUG_H
#define _XEN_CPU_HOTPLUG_H

/* Watch cpu/N/availability; once xenstore is up, where vCPUs hot-plug. */
int xen_cpu_hotplug_init(void);

#endif
