/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's cpu/N/availability nodes, parsed by pure functions
 * (drivers/xen/cpu_hotplug-parse.c) that the host unit tests run too.
 */
#ifndef _XEN_CPU_HOTPLUG_INTERNAL_H
#define _XEN_CPU_HOTPLUG_INTERNAL_H

#include <pvk/types.h>

/* The longest availability value read ("offline" and room to spare). */
#define XEN_CPU_VALUE_MAX	16
/* The largest vCPU number a node may name (Xen's limit is far lower). */
#define XEN_CPU_NUMBER_MAX	99999

int xen_cpu_parse_path(const char *path, unsigned int *cpu);
int xen_cpu_parse_availability(const char *val, bool *online);
bool xen_cpu_path_is_dir(const char *path);

#endif
