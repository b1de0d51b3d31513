/* SPDX-License-Identifier: MIT */
/*
 * Between the parts of the xenbus core (xenbus_xs.c: the xenstore
 * connection, xenbus_probe.c: devices and drivers, xenbus_client.c:
 * frontend helpers) and their self-tests.
 */
#ifndef _DRIVERS_XEN_XENBUS_INTERNAL_H
#define _DRIVERS_XEN_XENBUS_INTERNAL_H

#include <pvk/types.h>
#include <asm/ptrace.h>
#include <xen/xenbus.h>

/* xenbus_xs.c */
int xs_init(void);
/* Whether the calling thread is the one running watch callbacks. */
bool xs_in_watch_thread(void);
/* Join @dir and @node ("" or NULL: @dir) into @buf; 0 or -E2BIG. */
int xs_join(char *buf, size_t len, const char *dir, const char *node);
/*
 * The store port's event handler (exposed for the self-tests, which
 * play a storming xenstored by calling it); an event that moved neither
 * rsp_prod nor req_cons is reported to xen_evtchn_no_work().
 */
void xs_event(unsigned int port, void *data, struct pt_regs *regs);

/* xenbus_wire.c: checks of xenstored's messages (also built on the host). */
/*
 * The errno for an XS_ERROR string, -EIO (logged) for one pvk does not
 * know; exposed for the self-tests.
 */
int xs_error_to_errno(const char *s, size_t len);
bool xs_watch_event_ok(const char *body, u32 len);
int xs_directory_count(const char *body, u32 len, unsigned int *count);
int xs_parse_uint(const char *s, unsigned int *val);

/* xenbus_probe.c */
int xenbus_probe_init(void);
/* After a restore: each driver's channels_lost, then resume hook. */
void xenbus_devices_channels_lost(void);
void xenbus_devices_resume(void);

#endif
