/* SPDX-License-Identifier: MIT */
/*
 * API for frontends; see drivers/xen/grant-table.c.
 *
 * Grant tables: a frontend grants a backend domain access to one of its
 * pages by filling a grant entry and handing the backend the entry's
 * index (the grant reference) through xenstore or a ring.  The table is
 * version 1, or version 2 when a machine frame needs more than 32 bits
 * (or gnttab=v2 asks for it); this API is the same for both.
 *
 * Rules every user follows:
 *  - a page stays granted until gnttab_end_foreign_access*() says access
 *    has ended; only then may the page be reused or freed;
 *  - a grant the backend still maps is never reused early: ending it is
 *    deferred and retried later (by the "gnttab" thread and by later
 *    grant-table calls), and the page is freed only then;
 *  - the backend is untrusted: the only thing read back is whether it
 *    maps the grant: in version 1 the entry's flags word, only through
 *    an atomic compare-and-swap; in version 2 the ref's status word,
 *    read once per check.
 *
 * This header also pulls in Xen's grant-table ABI (grant_ref_t, GTF_*).
 * All functions may be called from thread context; gnttab_grant_* and
 * gnttab_end_* are also safe with interrupts disabled.
 */
#ifndef _XEN_GRANT_TABLE_API_H
#define _XEN_GRANT_TABLE_API_H

/* Xen's public ABI header of the same name (grant_ref_t, GTF_*, ...). */
#include_next <xen/grant_table.h>

#include <pvk/types.h>
#include <asm/page.h>

/* A grant_ref_t that is never a valid reference (Linux's value). */
#define INVALID_GRANT_REF	((grant_ref_t)-1)

/**
 * xen_virt_to_pfn - the guest frame number of a direct-map address
 * @va: address of (something in) a page from alloc_pages()
 *
 * What the grant calls below take as @pfn.  On PV the grant code turns it
 * into the machine frame Xen wants.
 */
static inline unsigned long xen_virt_to_pfn(const void *va)
{
	return PFN_DOWN(__pa(va));
}

/**
 * gnttab_init - choose the table's version, map it, build the free list
 *
 * Called once by the Xen platform code at boot, before any frontend
 * probes.  Version 2 when the host's highest machine frame does not fit
 * in 32 bits, else version 1; gnttab=v1 or gnttab=v2 on the command
 * line forces one, and the choice is logged with its reason.  Returns 0,
 * or a negative errno (logged); every other call then fails cleanly
 * (-ENODEV / -ENOSPC).
 */
int gnttab_init(void);

/*
 * Suspend and resume of the domain: gnttab_suspend() unmaps Xen's
 * frames (PV; HVM and PVH frames are guest frames and stay),
 * gnttab_resume(restored) maps (PV) or places (HVM, PVH, restored
 * only) the table again, asking a restored domain for the same
 * version.  Returns 0 or -ENODEV (logged).
 */
void gnttab_suspend(void);
int gnttab_resume(bool restored);

/*
 * Start the "gnttab" thread that retries deferred releases (from the
 * first thread, once the scheduler runs).  0, or -ENOMEM (logged).
 */
int gnttab_start_worker(void);

/**
 * gnttab_grant_foreign_access - grant @domid access to one page
 * @domid: the domain that may map or copy the page (the backend)
 * @pfn: guest frame number of the page (see xen_virt_to_pfn())
 * @readonly: grant read access only
 *
 * Returns the grant reference (>= 0) to hand to the backend, or -ENOSPC
 * when no reference is free (-ENODEV if grant tables are unavailable).
 */
int gnttab_grant_foreign_access(domid_t domid, unsigned long pfn, bool readonly);

/**
 * gnttab_end_foreign_access - revoke a grant and release its ref
 * @ref: a reference from gnttab_grant_foreign_access() (or an allocated
 *       ref granted with gnttab_grant_foreign_access_ref())
 * @page: the granted page (direct-map address from alloc_pages(0)), or
 *        NULL if the caller keeps ownership of the page
 *
 * If the backend no longer maps the page, the grant ends now, the ref
 * goes back to the free list, @page (if not NULL) is freed with
 * free_pages(@page, 0), and 0 is returned.
 *
 * If the backend still maps it (GTF_reading/GTF_writing set), the ref
 * and @page go on a deferred list and 1 is returned.  The release is
 * retried later; the ref is only reused and @page only freed once the
 * backend has let go.  With @page NULL and a return of 1 the caller must
 * neither reuse nor free the page: it is leaked to the backend for good.
 * (Should there be no memory to record the deferral, the ref and page
 * are leaked instead, logged, and 1 is returned too: never reused.)
 *
 * Returns a negative errno (-EINVAL) for a ref that is out of range or
 * not in use; nothing is changed then.
 */
int gnttab_end_foreign_access(grant_ref_t ref, void *page);

/**
 * gnttab_still_mapped - whether the backend currently maps a grant
 * @ref: a grant reference in use
 *
 * A snapshot of GTF_reading/GTF_writing (in the entry's flags in version
 * 1, in the ref's status word in version 2); false for a bad ref.
 */
bool gnttab_still_mapped(grant_ref_t ref);

/**
 * gnttab_free_refs - number of grant references on the free list
 *
 * Refs on the deferred list are not counted until they are released.
 */
unsigned int gnttab_free_refs(void);

/**
 * gnttab_alloc_refs - take @count refs off the free list, all or none
 * @count: how many
 * @refs: array of at least @count entries, filled on success
 *
 * For persistent grants: the refs stay the caller's across many
 * gnttab_grant_foreign_access_ref() / gnttab_end_foreign_access_ref()
 * cycles.  Returns 0, or -ENOSPC (nothing taken).
 */
int gnttab_alloc_refs(unsigned int count, grant_ref_t *refs);

/**
 * gnttab_free_refs_array - give refs from gnttab_alloc_refs() back
 * @refs: the refs
 * @count: how many
 *
 * Each ref must not be granted any more (never granted, or ended with
 * gnttab_end_foreign_access_ref() returning 0).  A ref that is still
 * granted is revoked here; if the backend still maps it, it goes on the
 * deferred list instead of the free list (and is logged).
 */
void gnttab_free_refs_array(const grant_ref_t *refs, unsigned int count);

/**
 * gnttab_grant_foreign_access_ref - grant a page through an allocated ref
 * @ref: a ref from gnttab_alloc_refs(), not currently granted
 * @domid: the backend domain
 * @pfn: guest frame number of the page
 * @readonly: grant read access only
 *
 * The entry becomes valid (GTF_permit_access) only after its frame and
 * domain are written, so the backend never sees a half-made grant.
 * A bad or busy ref is logged and left alone.
 */
void gnttab_grant_foreign_access_ref(grant_ref_t ref, domid_t domid,
				     unsigned long pfn, bool readonly);

/**
 * gnttab_end_foreign_access_ref - revoke a grant but keep the ref
 * @ref: a ref granted with gnttab_grant_foreign_access_ref()
 *
 * Returns 0 when access has ended (the ref may be granted again and the
 * page reused), -EBUSY when the backend still maps it (the ref stays
 * granted; in version 2 the entry no longer admits new mappings; try
 * again later or hand it to gnttab_end_foreign_access()), -EINVAL for a
 * bad ref.
 */
int gnttab_end_foreign_access_ref(grant_ref_t ref);

/**
 * gnttab_deferred_count - grants waiting for the backend to unmap them
 */
unsigned int gnttab_deferred_count(void);

/**
 * gnttab_retry_deferred - try to release every deferred grant now
 *
 * The release thread runs it on its own while grants are deferred;
 * exposed for tests and for drivers that are about to wait for refs.  Returns how many are still deferred.
 */
unsigned int gnttab_retry_deferred(void);

#endif /* _XEN_GRANT_TABLE_API_H */
