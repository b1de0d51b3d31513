/* SPDX-License-Identifier: MIT */
/*
 * The values of the toolstack's control/ nodes, parsed by pure functions
 * (drivers/xen/manage-parse.c) that the host unit tests run as well.
 */
#ifndef _XEN_MANAGE_INTERNAL_H
#define _XEN_MANAGE_INTERNAL_H

#include <pvk/types.h>
#include <pvk/power.h>

/* The longest control/shutdown or control/sysrq value read. */
#define XEN_MANAGE_VALUE_MAX	32

int xen_manage_parse_shutdown(const char *val, enum shutdown_kind *kind);
int xen_manage_parse_sysrq(const char *val, char *key);
void xen_manage_printable(char *s);

#endif
