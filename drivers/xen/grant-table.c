// SPDX-License-Identifier: MIT
/*
 * Grant tables, version 1 or 2 (API: include/xen/grant_table.h).
 *
 * The table is an array of entries in frames Xen owns and shares with
 * us: GNTTABOP_setup_table hands out their machine frames (a PV guest),
 * which are mapped into kernel space with xen_remap_mfns().  The first
 * GNTTAB_NR_RESERVED_ENTRIES refs belong to the toolstack (console and
 * xenstore rings) and are never handed out.
 *
 * A version 1 entry (struct grant_entry_v1, 8 bytes) names the page with
 * a 32-bit machine frame number, and Xen marks a backend's mapping in
 * the entry's own flags.  A version 2 entry (union grant_entry_v2, 16
 * bytes, so half as many per frame) has a 64-bit frame number, and Xen
 * marks mappings in a separate array of status words (grant_status_t)
 * in frames of their own (GNTTABOP_get_status_frames).  gnttab_init()
 * picks version 2 only when a machine frame needs it, or when gnttab=
 * says so (grant-table-version.c); it never changes afterwards.
 *
 * Each ref has a state kept here, not in the shared entry (which the
 * backend may scribble on):
 *   FREE     on the free stack
 *   OWNED    allocated (gnttab_alloc_refs), not granted
 *   GRANTED  entry valid (GTF_permit_access); in version 2 also after
 *            gnttab_end_foreign_access_ref() said -EBUSY, which already
 *            cleared the flags
 *   DEFERRED revoke pending: the backend still maps it
 *
 * Revoking follows the protocol in Xen's grant_table.h.  Version 1:
 * compare-and-swap the flags word to 0 only if neither GTF_reading nor
 * GTF_writing is set, so a mapping the backend makes concurrently is
 * never missed.  Version 2: clear the flags, so no new mapping can
 * start, then (after a full barrier) read the status word once; Xen
 * sets GTF_reading/GTF_writing there before it checks the flags, so a
 * concurrent mapping either shows up in that read or is refused.  A
 * grant the backend still maps goes on the deferred list with the page
 * to free; the list is retried by a kernel thread of its own, "gnttab"
 * (about once a second while it is not empty; woken when a grant is
 * deferred), and by grant/alloc calls that run short of refs.  Nothing
 * of this runs in interrupt context.
 *
 * One spinlock (irqsave) protects the states, the free stack and the
 * deferred list; everything here may run with interrupts disabled.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <asm/page.h>
#include <asm/xen/hypercall.h>
#include <xen/grant_table.h>
#include <xen/platform_info.h>
#include "grant-table-internal.h"
#include "grant-table-version.h"

/* As many refs in either version: frontends see no difference. */
#define GNTTAB_MAX_REFS		8192
#define V1_PER_FRAME		(PAGE_SIZE / sizeof(struct grant_entry_v1))
#define V2_PER_FRAME		(PAGE_SIZE / sizeof(union grant_entry_v2))
#define STATUS_PER_FRAME	(PAGE_SIZE / sizeof(grant_status_t))
#define GNTTAB_MAX_FRAMES	(GNTTAB_MAX_REFS / V2_PER_FRAME)
#define GNTTAB_MAX_STATUS_FRAMES (GNTTAB_MAX_REFS / STATUS_PER_FRAME)
#define DEFER_WARN_RETRIES	60	/* ~ a minute of retries */
/* The worker's wait with nothing deferred; a deferral wakes it early. */
#define GNTTAB_IDLE_WAIT_NS	(10 * NSEC_PER_SEC)

enum ref_state { REF_FREE, REF_OWNED, REF_GRANTED, REF_DEFERRED };

struct deferred {
	struct deferred *next;
	grant_ref_t ref;
	void *page;
	unsigned int retries;
};

static union {
	void *addr;
	struct grant_entry_v1 *v1;
	union grant_entry_v2 *v2;
} gnttab_shared;
static grant_status_t *gnttab_status_words;	/* version 2 only */
/* How many frames of entries and of status words are in use. */
static unsigned int nr_table_frames, nr_status_frames;
static unsigned int table_version;		/* 1 or 2, set once */
static unsigned int nr_refs;			/* 0: not initialised */
static u8 *ref_state;
static grant_ref_t *free_stack;
static unsigned int nr_free;
static struct deferred *deferred_list;
static unsigned int nr_deferred;
static DEFINE_SPINLOCK(gnttab_lock);
static struct thread *gnttab_worker;
static unsigned long gnttab_worker_released;	/* grants the worker freed */
static unsigned long deferred_pages_freed;	/* pages of released deferrals */
static unsigned long refused_ends;		/* ends of refs not granted */

char gnttab_option[8];		/* gnttab=auto|v1|v2; "" is auto */
param_string("gnttab", gnttab_option);

static bool ref_ok(grant_ref_t ref)
{
	return nr_refs && ref >= GNTTAB_NR_RESERVED_ENTRIES && ref < nr_refs;
}

/*
 * The flags and domid every entry starts with: Xen's grant_table.h
 * defines struct grant_entry_header as the head both versions share.
 */
static struct grant_entry_header *entry_header(grant_ref_t ref)
{
	if (table_version == 2)
		return &gnttab_shared.v2[ref].hdr;
	return (struct grant_entry_header *)&gnttab_shared.v1[ref];
}

/*
 * Where Xen marks the backend's mappings of @ref (the v1 flags, the v2
 * status word), read exactly once: the caller decides on this one value
 * however the word changes meanwhile.  Acquire, so that nothing we do
 * to the page after seeing it unmapped moves before the read.
 */
static u16 mapping_flags(grant_ref_t ref)
{
	if (table_version == 2)
		return __atomic_load_n(&gnttab_status_words[ref], __ATOMIC_ACQUIRE);
	return __atomic_load_n(&gnttab_shared.v1[ref].flags, __ATOMIC_ACQUIRE);
}

/*
 * Version 1: revoke @ref's entry unless the backend maps it.  Returns
 * true when the entry is now invalid.  The flags are re-read by each
 * compare-and-swap, so a backend that sets GTF_reading meanwhile makes
 * the swap fail.
 */
static bool end_access_v1(grant_ref_t ref)
{
	u16 *pflags = &gnttab_shared.v1[ref].flags;
	u16 flags = __atomic_load_n(pflags, __ATOMIC_RELAXED);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(pflags, &flags, 0, false,
					      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
	return true;
}

/*
 * Version 2: revoke @ref's entry and tell whether the backend still
 * maps it.  The flags are cleared whatever the answer: Xen records a
 * new mapping in the status word first and only then re-checks the
 * flags, so with the barrier between our store and our read, a mapping
 * racing with us is either seen here or refused by Xen.  A mapping that
 * remains keeps the page the backend's until the status word is clear,
 * which later retries find out.
 */
static bool end_access_v2(grant_ref_t ref)
{
	WRITE_ONCE(gnttab_shared.v2[ref].hdr.flags, 0);
	smp_mb();
	return !(mapping_flags(ref) & (GTF_reading | GTF_writing));
}

/* Returns true when @ref's entry is invalid and no longer mapped. */
static bool end_access(grant_ref_t ref)
{
	return table_version == 2 ? end_access_v2(ref) : end_access_v1(ref);
}

static void put_free(grant_ref_t ref)
{
	ref_state[ref] = REF_FREE;
	free_stack[nr_free++] = ref;
}

static int get_free(void)
{
	grant_ref_t ref;

	if (!nr_free)
		return -ENOSPC;
	ref = free_stack[--nr_free];
	ref_state[ref] = REF_OWNED;
	return (int)ref;
}

/*
 * Try every deferred grant once; lock held.  Pages are collected on
 * @to_free (linked through their first word) and freed by the caller
 * after the lock is dropped.  Returns how many grants were released.
 */
static unsigned int retry_deferred_locked(void **to_free)
{
	struct deferred **pp = &deferred_list;
	unsigned int released = 0;

	while (*pp) {
		struct deferred *d = *pp;

		if (!end_access(d->ref)) {
			if (++d->retries == DEFER_WARN_RETRIES)
				pr_warn("gnttab: grant %u still mapped by domain %u "
					"after %u retries; still waiting\n", d->ref,
					entry_header(d->ref)->domid, d->retries);
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		nr_deferred--;
		released++;
		put_free(d->ref);
		if (d->page) {
			*(void **)d->page = *to_free;
			*to_free = d->page;
		}
		kfree(d);
	}
	return released;
}

static void free_collected(void *list)
{
	while (list) {
		void *next = *(void **)list;

		free_pages(list, 0);
		__atomic_fetch_add(&deferred_pages_freed, 1, __ATOMIC_RELAXED);
		list = next;
	}
}

/* Retry every deferred grant; @released counts those freed.  */
static unsigned int retry_deferred(unsigned int *released)
{
	void *to_free = NULL;
	unsigned long flags;
	unsigned int left;

	*released = 0;
	if (!READ_ONCE(nr_deferred))
		return 0;
	spin_lock_irqsave(&gnttab_lock, flags);
	*released = retry_deferred_locked(&to_free);
	left = nr_deferred;
	spin_unlock_irqrestore(&gnttab_lock, flags);
	free_collected(to_free);
	return left;
}

/**
 * gnttab_retry_deferred - try to release every deferred grant now
 *
 * Returns how many are still deferred.
 */
unsigned int gnttab_retry_deferred(void)
{
	unsigned int released;

	return retry_deferred(&released);
}

/*
 * The "gnttab" thread: retries the deferred list every
 * GNTTAB_RETRY_NS while it is not empty.  A deferral wakes it, so the
 * first retry does not wait for the idle period to end.
 */
static int gnttab_deferred_worker(void *unused)
{
	for (;;) {
		unsigned int released;

		kthread_wait_ns(READ_ONCE(nr_deferred) ? GNTTAB_RETRY_NS :
			       GNTTAB_IDLE_WAIT_NS);
		retry_deferred(&released);
		if (released)
			__atomic_fetch_add(&gnttab_worker_released, released,
					   __ATOMIC_RELAXED);
	}
	return 0;
}

/**
 * gnttab_start_worker - start the thread that releases deferred grants
 *
 * Needs the scheduler, so it runs from the first thread (the platform's
 * device set-up), after gnttab_init().  Without a grant table there is
 * nothing to defer and no thread.  Returns 0 or a negative errno.
 */
int gnttab_start_worker(void)
{
	struct thread *t;

	if (!READ_ONCE(nr_refs) || gnttab_worker)
		return 0;
	t = kthread_run(gnttab_deferred_worker, NULL, "gnttab",
			smp_processor_id());
	if (!t) {
		pr_err("gnttab: no worker thread; deferred grants are only "
		       "retried when refs run short\n");
		return -ENOMEM;
	}
	WRITE_ONCE(gnttab_worker, t);
	return 0;
}

/**
 * gnttab_worker_releases - deferred grants the release thread has ended
 *
 * A running count since boot, for the self-tests: it tells a grant the
 * thread released from one a driver's own retry released.
 */
unsigned long gnttab_worker_releases(void)
{
	return __atomic_load_n(&gnttab_worker_released, __ATOMIC_RELAXED);
}

/**
 * gnttab_worker_running - whether the deferred-release thread exists
 *
 * False before the Xen platform has set up its devices, and when the
 * thread could not be started (deferred grants then wait for a driver's
 * gnttab_retry_deferred()).
 */
bool gnttab_worker_running(void)
{
	return READ_ONCE(gnttab_worker) != NULL;
}

/**
 * gnttab_deferred_pages_freed - pages of deferred grants freed since boot
 *
 * For the self-tests: unlike free_frames(), other drivers' ordinary
 * allocations do not move it, so a case can see its own page go.
 */
unsigned long gnttab_deferred_pages_freed(void)
{
	return __atomic_load_n(&deferred_pages_freed, __ATOMIC_RELAXED);
}

/**
 * gnttab_refused_ends - ends of an in-range ref not granted, since boot
 *
 * For the self-tests: a ref ended twice, or ended without having been
 * granted, shows here as well as in the log.
 */
unsigned long gnttab_refused_ends(void)
{
	return __atomic_load_n(&refused_ends, __ATOMIC_RELAXED);
}

/**
 * gnttab_ref_is_free - whether @ref is on the free stack
 * @ref: any ref
 *
 * For the self-tests: whether one ref went back, where the count of free
 * refs would also move with every other driver's grants.
 */
bool gnttab_ref_is_free(grant_ref_t ref)
{
	return ref_ok(ref) && READ_ONCE(ref_state[ref]) == REF_FREE;
}

unsigned int gnttab_deferred_count(void)
{
	return READ_ONCE(nr_deferred);
}

unsigned int gnttab_free_refs(void)
{
	return READ_ONCE(nr_free);
}

/* Fill an entry; the flags go last so the backend never sees half of it. */
static void write_entry(grant_ref_t ref, domid_t domid, unsigned long pfn,
			bool readonly)
{
	struct grant_entry_header *hdr = entry_header(ref);
	unsigned long mfn = pfn_to_mfn(pfn);

	if (table_version == 2)
		WRITE_ONCE(gnttab_shared.v2[ref].full_page.frame, mfn);
	else
		WRITE_ONCE(gnttab_shared.v1[ref].frame, (u32)mfn);
	WRITE_ONCE(hdr->domid, domid);
	smp_wmb();
	__atomic_store_n(&hdr->flags, GTF_permit_access | (readonly ? GTF_readonly : 0),
			 __ATOMIC_RELEASE);
}

static bool frame_ok(unsigned long pfn)
{
	unsigned long mfn = pfn_to_mfn(pfn);

	/* grant_entry_v1.frame is 32 bits wide, v2's full_page.frame 64. */
	if (mfn == ~0UL || (table_version != 2 && mfn > 0xffffffffUL)) {
		pr_err("gnttab: pfn %#lx has no grantable frame (mfn %#lx)\n",
		       pfn, mfn);
		return false;
	}
	return true;
}

int gnttab_grant_foreign_access(domid_t domid, unsigned long pfn, bool readonly)
{
	void *to_free = NULL;
	unsigned long flags;
	int ref;

	if (!nr_refs)
		return -ENODEV;
	if (!frame_ok(pfn))
		return -EINVAL;
	spin_lock_irqsave(&gnttab_lock, flags);
	if (!nr_free && nr_deferred)
		retry_deferred_locked(&to_free);
	ref = get_free();
	if (ref >= 0) {
		write_entry(ref, domid, pfn, readonly);
		ref_state[ref] = REF_GRANTED;
	}
	spin_unlock_irqrestore(&gnttab_lock, flags);
	free_collected(to_free);
	return ref;
}

void gnttab_grant_foreign_access_ref(grant_ref_t ref, domid_t domid,
				     unsigned long pfn, bool readonly)
{
	unsigned long flags;

	if (!ref_ok(ref) || !frame_ok(pfn)) {
		pr_err("gnttab: grant through bad ref %u ignored\n", ref);
		return;
	}
	spin_lock_irqsave(&gnttab_lock, flags);
	if (ref_state[ref] != REF_OWNED) {
		spin_unlock_irqrestore(&gnttab_lock, flags);
		pr_err("gnttab: grant through ref %u in state %u ignored\n",
		       ref, ref_state[ref]);
		return;
	}
	write_entry(ref, domid, pfn, readonly);
	ref_state[ref] = REF_GRANTED;
	spin_unlock_irqrestore(&gnttab_lock, flags);
}

int gnttab_end_foreign_access_ref(grant_ref_t ref)
{
	unsigned long flags;
	int ret;

	if (!ref_ok(ref))
		return -EINVAL;
	spin_lock_irqsave(&gnttab_lock, flags);
	if (ref_state[ref] != REF_GRANTED) {
		ret = -EINVAL;
	} else if (end_access(ref)) {
		ref_state[ref] = REF_OWNED;
		ret = 0;
	} else {
		ret = -EBUSY;
	}
	spin_unlock_irqrestore(&gnttab_lock, flags);
	return ret;
}

/* Queue @ref for a later release; lock held.  Returns 1, or -ENOMEM. */
static int defer_locked(grant_ref_t ref, void *page, struct deferred *d)
{
	if (!d)
		return -ENOMEM;
	d->ref = ref;
	d->page = page;
	d->retries = 0;
	d->next = deferred_list;
	deferred_list = d;
	nr_deferred++;
	ref_state[ref] = REF_DEFERRED;
	return 1;
}

int gnttab_end_foreign_access(grant_ref_t ref, void *page)
{
	struct deferred *d;
	unsigned long flags;
	int ret;

	if (!ref_ok(ref)) {
		pr_err("gnttab: ending bad ref %u\n", ref);
		return -EINVAL;
	}
	/* Allocated up front: kmalloc is not called under our lock. */
	d = kmalloc(sizeof(*d));
	spin_lock_irqsave(&gnttab_lock, flags);
	if (ref_state[ref] != REF_GRANTED && ref_state[ref] != REF_OWNED) {
		ret = -EINVAL;
	} else if (ref_state[ref] == REF_OWNED || end_access(ref)) {
		put_free(ref);
		ret = 0;
	} else {
		ret = defer_locked(ref, page, d);
		if (ret > 0)
			d = NULL;
	}
	spin_unlock_irqrestore(&gnttab_lock, flags);
	kfree(d);
	if (ret > 0)
		kthread_wake(READ_ONCE(gnttab_worker));
	if (ret == 0 && page) {
		free_pages(page, 0);
	} else if (ret == -EINVAL) {
		__atomic_fetch_add(&refused_ends, 1, __ATOMIC_RELAXED);
		pr_err("gnttab: ending ref %u that is not granted\n", ref);
	} else if (ret == -ENOMEM) {
		/* Never reuse it: leak the ref and the page instead. */
		pr_err("gnttab: ref %u still mapped and no memory to defer it; "
		       "leaking it\n", ref);
	} else if (ret > 0 && !page) {
		pr_warn("gnttab: ref %u still mapped; its page must not be reused\n",
			ref);
	}
	return ret == -ENOMEM ? 1 : ret;
}

bool gnttab_still_mapped(grant_ref_t ref)
{
	if (!ref_ok(ref))
		return false;
	return mapping_flags(ref) & (GTF_reading | GTF_writing);
}

int gnttab_alloc_refs(unsigned int count, grant_ref_t *refs)
{
	void *to_free = NULL;
	unsigned long flags;
	int ret = 0;

	if (!nr_refs)
		return -ENODEV;
	spin_lock_irqsave(&gnttab_lock, flags);
	if (nr_free < count && nr_deferred)
		retry_deferred_locked(&to_free);
	if (nr_free < count)
		ret = -ENOSPC;
	else
		for (unsigned int i = 0; i < count; i++)
			refs[i] = (grant_ref_t)get_free();
	spin_unlock_irqrestore(&gnttab_lock, flags);
	free_collected(to_free);
	return ret;
}

void gnttab_free_refs_array(const grant_ref_t *refs, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		grant_ref_t ref = refs[i];
		int ret;

		if (!ref_ok(ref)) {
			pr_err("gnttab: freeing bad ref %u\n", ref);
			continue;
		}
		ret = gnttab_end_foreign_access(ref, NULL);
		if (ret > 0)
			pr_warn("gnttab: ref %u freed while still mapped; deferred\n",
				ref);
	}
}

/* ---- for the self-tests (grant-table-internal.h) ------------------------ */

unsigned int gnttab_version(void)
{
	return READ_ONCE(nr_refs) ? table_version : 0;
}

struct grant_entry_header *gnttab_entry(grant_ref_t ref)
{
	return ref_ok(ref) ? entry_header(ref) : NULL;
}

u64 gnttab_entry_frame(grant_ref_t ref)
{
	if (!ref_ok(ref))
		return ~0ULL;
	if (table_version == 2)
		return READ_ONCE(gnttab_shared.v2[ref].full_page.frame);
	return READ_ONCE(gnttab_shared.v1[ref].frame);
}

grant_status_t *gnttab_status(grant_ref_t ref)
{
	return ref_ok(ref) && table_version == 2 ? &gnttab_status_words[ref] : NULL;
}

/* ---- set-up -------------------------------------------------------------- */

/*
 * Switch Xen to the version 2 layout.  Allowed only while no grant is
 * in use, so before the first one; Xen carries the toolstack's reserved
 * entries over.  Returns 0, or a negative errno (logged).
 */
static int set_version_2(void)
{
	struct gnttab_set_version sv = { .version = 2 };
	long rc;

	rc = HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1);
	if (!rc && sv.version == 2)
		return 0;
	pr_warn("gnttab: Xen refused version 2 (rc %ld, table stays version %u); "
		"the limit is the toolstack's max_grant_version or Xen's "
		"gnttab=max-ver:\n", rc, sv.version);
	return rc ? (int)rc : -EINVAL;
}

/*
 * An HVM or PVH guest places the table itself: each frame (of entries,
 * or of status words with XENMAPIDX_grant_table_status) is added at a
 * guest frame the platform set aside, highest index first so that Xen
 * grows the table once.  Returns 0 or Xen's error (logged).
 */
static long add_frames(unsigned long first_pfn, unsigned int n, u32 idx_flag)
{
	for (unsigned int i = n; i-- > 0;) {
		struct xen_add_to_physmap xatp = {
			.domid = DOMID_SELF,
			.space = XENMAPSPACE_grant_table,
			.idx = i | idx_flag,
			.gpfn = first_pfn + i,
		};
		long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

		if (rc) {
			pr_err("gnttab: add_to_physmap of frame %u at pfn %#lx "
			       "failed: %ld\n", i, first_pfn + i, rc);
			return rc;
		}
	}
	return 0;
}

/*
 * Place @n frames from @first_pfn (add_frames()), then map them like
 * the rest of the special pages, cached.  Returns the mapping or NULL
 * (logged).
 */
static void *place_frames(unsigned long first_pfn, unsigned int n, u32 idx_flag)
{
	const struct xen_platform_info *info = xen_platform_info();
	unsigned long end = info->gnttab_frames_pfn + info->gnttab_frames_max;

	if (first_pfn < info->gnttab_frames_pfn || first_pfn + n > end) {
		pr_err("gnttab: %u frames do not fit the %u the platform set aside\n",
		       n, info->gnttab_frames_max);
		return NULL;
	}
	if (add_frames(first_pfn, n, idx_flag))
		return NULL;
	return memremap(PFN_PHYS(first_pfn), (size_t)n * PAGE_SIZE);
}

/*
 * Version 2: map the status words of the @nr_frames frames of entries.
 * Only Xen writes them; the mapping is writable so that the self-tests
 * can play a backend's Xen, as they do with the v1 flags.  Returns the
 * number of status frames, or a negative errno.
 */
static int map_status_frames(unsigned int nr_frames)
{
	unsigned int n = (nr_frames * V2_PER_FRAME + STATUS_PER_FRAME - 1) /
			 STATUS_PER_FRAME;
	struct gnttab_get_status_frames gs = { .nr_frames = n, .dom = DOMID_SELF };
	unsigned long frames[GNTTAB_MAX_STATUS_FRAMES];
	uint64_t xframes[GNTTAB_MAX_STATUS_FRAMES];
	long rc;

	if (xen_platform_info()->auto_translated) {
		gnttab_status_words = place_frames(xen_platform_info()->gnttab_frames_pfn +
						   nr_frames, n,
						   XENMAPIDX_grant_table_status);
		return gnttab_status_words ? (int)n : -ENOMEM;
	}
	set_xen_guest_handle(gs.frame_list, xframes);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &gs, 1);
	if (rc || gs.status != GNTST_okay) {
		pr_err("gnttab: get_status_frames(%u) failed: %ld/%d\n", n, rc,
		       gs.status);
		return -ENODEV;
	}
	for (unsigned int i = 0; i < n; i++)
		frames[i] = xframes[i];
	if (gnttab_status_words)	/* after a restore: the same place */
		return xen_remap_mfns_at(gnttab_status_words, frames, n, true) ?
		       -ENOMEM : (int)n;
	gnttab_status_words = xen_remap_mfns(frames, n, true);
	return gnttab_status_words ? (int)n : -ENOMEM;
}

/* PV: Xen places the table and names its machine frames. */
static void *map_pv_frames(unsigned int nr_frames)
{
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = nr_frames };
	unsigned long frames[GNTTAB_MAX_FRAMES];
	xen_pfn_t xframes[GNTTAB_MAX_FRAMES];
	long rc;

	set_xen_guest_handle(st.frame_list, xframes);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (rc || st.status != GNTST_okay) {
		pr_err("gnttab: setup_table(%u) failed: %ld/%d\n", nr_frames, rc,
		       st.status);
		return NULL;
	}
	for (unsigned int i = 0; i < nr_frames; i++)
		frames[i] = xframes[i];
	if (gnttab_shared.addr)		/* after a restore: the same place */
		return xen_remap_mfns_at(gnttab_shared.addr, frames, nr_frames,
					 true) ? NULL : gnttab_shared.addr;
	return xen_remap_mfns(frames, nr_frames, true);
}

/* Map the table in the chosen layout and build the free list. */
static int setup_table(void)
{
	const struct xen_platform_info *info = xen_platform_info();
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	unsigned int per_frame = table_version == 2 ? V2_PER_FRAME : V1_PER_FRAME;
	unsigned int nr_frames, n;
	int nr_status = 0;
	long rc;

	rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc || q.status != GNTST_okay) {
		pr_err("gnttab: query_size failed: %ld/%d\n", rc, q.status);
		return -ENODEV;
	}
	nr_frames = MIN(q.max_nr_frames, (u32)(GNTTAB_MAX_REFS / per_frame));
	if (!nr_frames) {
		pr_err("gnttab: Xen allows no grant frames\n");
		return -ENODEV;
	}
	if (info->auto_translated)
		gnttab_shared.addr = place_frames(info->gnttab_frames_pfn,
						  nr_frames, 0);
	else
		gnttab_shared.addr = map_pv_frames(nr_frames);
	if (!gnttab_shared.addr)
		return -ENODEV;
	nr_table_frames = nr_frames;
	if (table_version == 2) {
		nr_status = map_status_frames(nr_frames);
		if (nr_status < 0)
			return nr_status;
		nr_status_frames = nr_status;
	}

	n = nr_frames * per_frame;
	ref_state = kzalloc(n);
	free_stack = kmalloc(n * sizeof(*free_stack));
	if (!ref_state || !free_stack) {
		kfree(ref_state);
		kfree(free_stack);
		pr_err("gnttab: no memory for %u refs\n", n);
		return -ENOMEM;
	}
	/* Pushed high to low: refs are handed out from the lowest. */
	for (grant_ref_t ref = n - 1; ref >= GNTTAB_NR_RESERVED_ENTRIES; ref--)
		put_free(ref);
	for (grant_ref_t ref = 0; ref < GNTTAB_NR_RESERVED_ENTRIES; ref++)
		ref_state[ref] = REF_OWNED;	/* the toolstack's */
	smp_wmb();
	WRITE_ONCE(nr_refs, n);
	if (table_version == 2)
		pr_info("gnttab: v2, %u frames (%u of at most %u) and %d status "
			"frames, %u refs\n", nr_frames, q.nr_frames,
			q.max_nr_frames, nr_status, n);
	else
		pr_info("gnttab: v1, %u frames (%u of at most %u), %u refs\n",
			nr_frames, q.nr_frames, q.max_nr_frames, n);
	return 0;
}

/**
 * gnttab_suspend - unmap Xen's grant frames before a save (PV)
 *
 * A save refuses page tables that map frames the domain does not own.
 * Events off, other vCPUs parked: nothing grants meanwhile.
 */
void gnttab_suspend(void)
{
	if (!nr_refs || xen_platform_info()->auto_translated)
		return;
	xen_unmap_mfns(gnttab_shared.addr, nr_table_frames);
	if (gnttab_status_words)
		xen_unmap_mfns(gnttab_status_words, nr_status_frames);
}

/*
 * An HVM or PVH guest's restored domain has a new, empty table and none
 * of its frames in the guest's memory: they are placed again at the
 * same frames, behind the same mapping.
 */
static int place_frames_again(void)
{
	unsigned long pfn = xen_platform_info()->gnttab_frames_pfn;

	if (add_frames(pfn, nr_table_frames, 0))
		return -ENODEV;
	if (table_version == 2 &&
	    add_frames(pfn + nr_table_frames, nr_status_frames,
		       XENMAPIDX_grant_table_status))
		return -ENODEV;
	return 0;
}

/**
 * gnttab_resume - the grant table again after a suspend
 * @restored: a new domain (else the suspend was cancelled)
 *
 * A PV guest maps again what gnttab_suspend() unmapped; an HVM or PVH
 * guest, whose frames stay placed through a cancelled suspend, places
 * them again in a restored domain.  A new domain has an empty version-1
 * table: version 2 is asked for again.  References the frontends still
 * hold are ended by them as they reconnect (an empty entry ends at
 * once).  Returns 0 or -ENODEV (logged; no grant works then).
 */
int gnttab_resume(bool restored)
{
	bool auto_translated = xen_platform_info()->auto_translated;

	if (!nr_refs || (auto_translated && !restored))
		return 0;
	if (restored && table_version == 2 && set_version_2()) {
		pr_err("gnttab: the restored domain refused version 2\n");
		return -ENODEV;
	}
	if (auto_translated)
		return place_frames_again();
	if (!map_pv_frames(nr_table_frames))
		return -ENODEV;
	if (table_version == 2 && map_status_frames(nr_table_frames) < 0)
		return -ENODEV;
	return 0;
}

int gnttab_init(void)
{
	enum gnttab_mode mode;
	unsigned int version;
	long max_ram_page;
	char why[128];

	if (nr_refs)
		return 0;
	if (gnttab_parse_mode(gnttab_option, &mode))
		pr_warn("gnttab: unknown gnttab=%s (want v1, v2 or auto); using "
			"auto\n", gnttab_option);
	/* A PV guest's entries name machine frames: the host's highest counts. */
	max_ram_page = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	version = gnttab_choose_version(mode, max_ram_page, false, why, sizeof(why));
	if (version == 2 && set_version_2())
		version = gnttab_choose_version(mode, max_ram_page, true, why,
						sizeof(why));
	if (!version) {
		pr_err("gnttab: no grant table (%s)\n", why);
		return -ENODEV;
	}
	pr_info("gnttab: version %u (%s)\n", version, why);
	table_version = version;
	return setup_table();
}
