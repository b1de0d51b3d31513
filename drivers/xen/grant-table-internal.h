/* SPDX-License-Identifier: MIT */
/*
 * Between the grant-table code and its self-tests.
 */
#ifndef _DRIVERS_XEN_GRANT_TABLE_INTERNAL_H
#define _DRIVERS_XEN_GRANT_TABLE_INTERNAL_H

#include <pvk/time.h>
#include <xen/grant_table.h>

/* The "gnttab" thread retries deferred grants this often. */
#define GNTTAB_RETRY_NS		NSEC_PER_SEC

/* Grants the "gnttab" thread has released since boot; is it running? */
unsigned long gnttab_worker_releases(void);
bool gnttab_worker_running(void);

/*
 * What one case's own ref and page did, which the global counts
 * (gnttab_free_refs(), free_frames()) cannot tell while other drivers
 * grant and allocate at the same time.
 */
bool gnttab_ref_is_free(grant_ref_t ref);
unsigned long gnttab_deferred_pages_freed(void);
unsigned long gnttab_refused_ends(void);

/*
 * For the self-tests, which read the shared table and play a backend's
 * Xen by poking it.  Each takes a ref in range (else NULL, or ~0 for
 * the frame).
 */

/* gnttab= as given on the command line ("" when absent). */
extern char gnttab_option[8];

/* The layout in use: 1 or 2; 0 when there is no grant table. */
unsigned int gnttab_version(void);

/* The flags and domid of a ref's entry, in either version. */
struct grant_entry_header *gnttab_entry(grant_ref_t ref);

/* The frame a ref's entry names (32 bits in v1, 64 in v2). */
u64 gnttab_entry_frame(grant_ref_t ref);

/* A ref's status word; only version 2 has one (NULL in version 1). */
grant_status_t *gnttab_status(grant_ref_t ref);

/*
 * The word in which Xen sets GTF_reading/GTF_writing while a backend
 * maps @ref: the entry's flags in version 1, its status word in
 * version 2.  Setting a bit there fakes a mapping.
 */
static inline u16 *gnttab_mapping_word(grant_ref_t ref)
{
	struct grant_entry_header *hdr;

	if (gnttab_version() == 2)
		return gnttab_status(ref);
	hdr = gnttab_entry(ref);
	return hdr ? &hdr->flags : NULL;
}

#endif
