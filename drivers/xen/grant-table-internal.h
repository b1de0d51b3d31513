/* SPDX-License-Identifier: MIT */
/*
 * Between the grant-table code, the Xen timer tick and the self-tests.
 */
#ifndef _DRIVERS_XEN_GRANT_TABLE_INTERNAL_H
#define _DRIVERS_XEN_GRANT_TABLE_INTERNAL_H

#include <pvk/time.h>
#include <xen/grant_table.h>

/* Deferred grants are retried every this many ticks of CPU 0. */
#define GNTTAB_RETRY_TICKS	HZ

/* The shared entry of a ref in range (tests poke its flags), or NULL. */
struct grant_entry_v1 *gnttab_entry(grant_ref_t ref);

#endif
