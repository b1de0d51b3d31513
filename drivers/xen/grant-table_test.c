// SPDX-License-Identifier: MIT
/*
 * Self-tests of the grant table, in whichever version gnttab_init()
 * chose: that Xen agrees on the version and gnttab= was obeyed, the ref
 * allocator, ending a grant now, the deferred release of a grant the
 * "backend" still maps (simulated by setting GTF_reading/GTF_writing
 * where a mapping backend's Xen would: the entry's flags in version 1,
 * the ref's status word in version 2), that only that word decides, a
 * mapped ref never handed out again, refusing bad refs, and a real round
 * trip through Xen: a GNTTABOP_copy out of a page we granted to
 * ourselves.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include "grant-table-internal.h"
#include "grant-table-version.h"

#define TEST_DOMID	1	/* any domain: the entry is only written */

static bool need_gnttab(struct kunit *test)
{
	if (!gnttab_entry(GNTTAB_NR_RESERVED_ENTRIES)) {
		kunit_skip(test, "no grant table (not a Xen PV guest)");
		return false;
	}
	return true;
}

static bool is_v2(void)
{
	return gnttab_version() == 2;
}

static u16 entry_flags(grant_ref_t ref)
{
	return READ_ONCE(gnttab_entry(ref)->flags);
}

/* The "backend" maps @ref: @bit is set where its Xen would set it. */
static void backend_map(grant_ref_t ref, u16 bit)
{
	__atomic_fetch_or(gnttab_mapping_word(ref), bit, __ATOMIC_SEQ_CST);
}

static void backend_unmap(grant_ref_t ref, u16 bit)
{
	__atomic_fetch_and(gnttab_mapping_word(ref), (u16)~bit, __ATOMIC_SEQ_CST);
}

/*
 * The entry of a grant the backend still maps, after a failed revoke:
 * version 1 leaves it valid (the swap did not happen), version 2 has
 * cleared its flags (no new mapping) and only the status word holds on.
 */
static void expect_still_held(struct kunit *test, grant_ref_t ref, u16 flags,
			      u16 mapped)
{
	if (is_v2()) {
		KUNIT_EXPECT_EQ(test, entry_flags(ref), 0);
		KUNIT_EXPECT_EQ(test, *gnttab_status(ref), mapped);
	} else {
		KUNIT_EXPECT_EQ(test, entry_flags(ref), flags | mapped);
	}
}

/* One grant/end cycle, so kmalloc has a deferred-record slot ready. */
static void warm_up(void)
{
	void *page = alloc_page_zeroed();
	int ref;

	if (!page)
		return;
	ref = gnttab_grant_foreign_access(TEST_DOMID, xen_virt_to_pfn(page), true);
	if (ref >= 0)
		gnttab_end_foreign_access(ref, NULL);
	free_pages(page, 0);
}

static void gnttab_version_agreed(struct kunit *test)
{
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	enum gnttab_mode mode;
	long rc, max_ram_page;
	char why[128];

	if (!need_gnttab(test))
		return;
	rc = HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1);
	KUNIT_EXPECT_EQ(test, rc, 0);
	KUNIT_EXPECT_EQ(test, gv.version, gnttab_version());
	/* Only version 2 has status words. */
	KUNIT_EXPECT_EQ(test, gnttab_status(GNTTAB_NR_RESERVED_ENTRIES) != NULL,
			is_v2());
	/*
	 * gnttab= is obeyed: a refusal of version 2 by Xen fails here.  Auto
	 * gets what the frames ask for (had they needed a refused version
	 * 2, there would be no table to test).
	 */
	gnttab_parse_mode(gnttab_option, &mode);
	max_ram_page = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	if (mode == GNTTAB_MODE_V1)
		KUNIT_EXPECT_EQ(test, gnttab_version(), 1);
	else if (mode == GNTTAB_MODE_V2)
		KUNIT_EXPECT_EQ(test, gnttab_version(), 2);
	else
		KUNIT_EXPECT_EQ(test, gnttab_version(),
				gnttab_choose_version(mode, max_ram_page, false,
						      why, sizeof(why)));
}

static void gnttab_alloc_and_free_refs(struct kunit *test)
{
	grant_ref_t refs[4];
	unsigned int n0;

	if (!need_gnttab(test))
		return;
	n0 = gnttab_free_refs();
	KUNIT_ASSERT_TRUE(test, n0 > 4);
	KUNIT_ASSERT_TRUE(test, gnttab_alloc_refs(4, refs) == 0);
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), n0 - 4);
	for (unsigned int i = 0; i < 4; i++) {
		KUNIT_EXPECT_TRUE(test, refs[i] >= GNTTAB_NR_RESERVED_ENTRIES);
		for (unsigned int j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, refs[i], refs[j]);
	}
	/* All or nothing. */
	KUNIT_EXPECT_EQ(test, gnttab_alloc_refs(n0, refs), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), n0 - 4);
	gnttab_free_refs_array(refs, 4);
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), n0);
}

static void gnttab_grant_and_end_now(struct kunit *test)
{
	void *page;
	unsigned int n0;
	u64 frames;
	int ref;

	if (!need_gnttab(test))
		return;
	warm_up();
	page = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, page != NULL);
	n0 = gnttab_free_refs();
	ref = gnttab_grant_foreign_access(TEST_DOMID, xen_virt_to_pfn(page), true);
	KUNIT_ASSERT_TRUE(test, ref >= 0);
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), n0 - 1);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), GTF_permit_access | GTF_readonly);
	KUNIT_EXPECT_EQ(test, gnttab_entry(ref)->domid, TEST_DOMID);
	KUNIT_EXPECT_EQ(test, gnttab_entry_frame(ref),
			pfn_to_mfn(xen_virt_to_pfn(page)));
	if (is_v2())
		KUNIT_EXPECT_EQ(test, *gnttab_status(ref), 0);
	KUNIT_EXPECT_FALSE(test, gnttab_still_mapped(ref));
	frames = free_frames();
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 0);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), 0);
	KUNIT_EXPECT_EQ(test, free_frames(), frames + 1);
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), n0);
	/* Ended means freed: a second end is refused. */
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, NULL), -EINVAL);
}

/* Wait for the "gnttab" thread (about once a second) to release everything. */
static bool wait_deferred_released(unsigned int ms)
{
	for (unsigned int t = 0; t < ms; t += 50) {
		if (!gnttab_deferred_count())
			return true;
		msleep(50);
	}
	return !gnttab_deferred_count();
}

/*
 * A fresh zeroed page granted writable to TEST_DOMID, once the allocator
 * is warm; NULL when either step failed (the case has failed then).
 */
static void *grant_test_page(struct kunit *test, int *ref)
{
	void *page;

	warm_up();
	page = alloc_page_zeroed();
	KUNIT_EXPECT_TRUE(test, page != NULL);
	if (!page)
		return NULL;
	*ref = gnttab_grant_foreign_access(TEST_DOMID, xen_virt_to_pfn(page), false);
	KUNIT_EXPECT_TRUE(test, *ref >= 0);
	if (*ref < 0) {
		free_pages(page, 0);
		return NULL;
	}
	return page;
}

/*
 * Only this case's own ref and page are looked at: other drivers grant
 * and allocate meanwhile (netfront's first packet after link-up keeps a
 * page and a ref in its tx slot), which moves the global counts.
 */
static void gnttab_deferred_release(struct kunit *test)
{
	unsigned long pages;
	void *page;
	int ref;

	if (!need_gnttab(test))
		return;
	KUNIT_ASSERT_TRUE(test, gnttab_deferred_count() == 0);
	page = grant_test_page(test, &ref);
	if (!page)
		return;
	KUNIT_EXPECT_EQ(test, entry_flags(ref), GTF_permit_access);

	/* The "backend" maps it: revoking must wait, the page must live. */
	backend_map(ref, GTF_reading);
	KUNIT_EXPECT_TRUE(test, gnttab_still_mapped(ref));
	pages = gnttab_deferred_pages_freed();
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 1);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), 1);
	KUNIT_EXPECT_FALSE(test, gnttab_ref_is_free(ref));
	KUNIT_EXPECT_EQ(test, gnttab_retry_deferred(), 1);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_pages_freed(), pages);
	expect_still_held(test, ref, GTF_permit_access, GTF_reading);
	/* A deferred ref is not ours to end again. */
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, NULL), -EINVAL);

	/* The "backend" unmaps; the "gnttab" thread releases ref and page. */
	backend_unmap(ref, GTF_reading);
	KUNIT_EXPECT_TRUE(test, wait_deferred_released(5000));
	/*
	 * Released: off the deferred list, its page freed.  Whether the ref
	 * is still free is not asked: a frontend on another CPU may take it
	 * (the lowest free ref goes first) the moment it is back, before
	 * granting through it (seen with dom0 pinging the vif meanwhile).
	 */
	KUNIT_EXPECT_EQ(test, gnttab_deferred_pages_freed(), pages + 1);
	if (gnttab_deferred_count()) {
		/* Do not leave a fake mapping behind for later tests. */
		gnttab_retry_deferred();
	}
}

/*
 * The release of a deferred grant is the "gnttab" thread's work, not
 * the timer interrupt's: nothing here retries, and the thread's own
 * count of released grants goes up by exactly this one.
 */
static void gnttab_deferred_released_by_worker(struct kunit *test)
{
	unsigned long released;
	void *page;
	int ref;

	if (!need_gnttab(test))
		return;
	KUNIT_ASSERT_TRUE(test, gnttab_worker_running());
	KUNIT_ASSERT_TRUE(test, gnttab_deferred_count() == 0);
	page = grant_test_page(test, &ref);
	if (!page)
		return;
	backend_map(ref, GTF_writing);
	released = gnttab_worker_releases();
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 1);
	backend_unmap(ref, GTF_writing);
	KUNIT_EXPECT_TRUE(test, wait_deferred_released(5000));
	/* Other devices' deferred grants may go in the same pass: at least ours. */
	KUNIT_EXPECT_TRUE(test, gnttab_worker_releases() >= released + 1);
	if (gnttab_deferred_count())
		gnttab_retry_deferred();
}

static void gnttab_persistent_ref_busy(struct kunit *test)
{
	void *page;
	grant_ref_t ref;

	if (!need_gnttab(test))
		return;
	page = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, page != NULL);
	KUNIT_ASSERT_TRUE(test, gnttab_alloc_refs(1, &ref) == 0);
	gnttab_grant_foreign_access_ref(ref, TEST_DOMID, xen_virt_to_pfn(page), false);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), GTF_permit_access);
	backend_map(ref, GTF_writing);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(ref), -EBUSY);
	expect_still_held(test, ref, GTF_permit_access, GTF_writing);
	/* Asking again changes nothing while the backend holds on. */
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(ref), -EBUSY);
	backend_unmap(ref, GTF_writing);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(ref), 0);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), 0);
	/* Still allocated to us: grant it again, then give it back. */
	gnttab_grant_foreign_access_ref(ref, TEST_DOMID, xen_virt_to_pfn(page), true);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), GTF_permit_access | GTF_readonly);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(ref), 0);
	gnttab_free_refs_array(&ref, 1);
	free_pages(page, 0);
}

/*
 * Only the word Xen marks mappings in counts.  In version 2 that is the
 * status word: mapping bits in the flags (which Xen never sets there)
 * do not hold a grant, and the status word holds one even though its
 * flags are clear.  In version 1 the flags are that word.
 */
static void gnttab_mapping_word_decides(struct kunit *test)
{
	void *page;
	int ref;

	if (!need_gnttab(test))
		return;
	page = grant_test_page(test, &ref);
	if (!page)
		return;
	if (!is_v2()) {
		KUNIT_EXPECT_TRUE(test, gnttab_status(ref) == NULL);
		KUNIT_EXPECT_TRUE(test, gnttab_mapping_word(ref) ==
				  &gnttab_entry(ref)->flags);
		KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 0);
		return;
	}
	__atomic_fetch_or(&gnttab_entry(ref)->flags, GTF_reading | GTF_writing,
			  __ATOMIC_SEQ_CST);
	KUNIT_EXPECT_FALSE(test, gnttab_still_mapped(ref));
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, NULL), 0);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), 0);

	/* Granted again, mapped per the status word alone. */
	ref = gnttab_grant_foreign_access(TEST_DOMID, xen_virt_to_pfn(page), true);
	KUNIT_ASSERT_TRUE(test, ref >= 0);
	backend_map(ref, GTF_reading);
	KUNIT_EXPECT_TRUE(test, gnttab_still_mapped(ref));
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 1);
	KUNIT_EXPECT_EQ(test, entry_flags(ref), 0);
	KUNIT_EXPECT_EQ(test, gnttab_retry_deferred(), 1);
	backend_unmap(ref, GTF_reading);
	KUNIT_EXPECT_EQ(test, gnttab_retry_deferred(), 0);
}

/*
 * A ref whose grant the backend still maps is never handed out again:
 * not by a grant (which, the free list being a stack, would otherwise
 * get that very ref next), not through gnttab_grant_foreign_access_ref().
 */
static void gnttab_mapped_ref_not_reused(struct kunit *test)
{
	void *page, *other;
	int ref;

	if (!need_gnttab(test))
		return;
	KUNIT_ASSERT_TRUE(test, gnttab_deferred_count() == 0);
	warm_up();
	page = alloc_page_zeroed();
	other = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, page && other);
	ref = gnttab_grant_foreign_access(TEST_DOMID, xen_virt_to_pfn(page), false);
	KUNIT_ASSERT_TRUE(test, ref >= 0);
	backend_map(ref, GTF_writing);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 1);

	for (unsigned int i = 0; i < 16; i++) {
		int r = gnttab_grant_foreign_access(TEST_DOMID,
						    xen_virt_to_pfn(other), true);

		KUNIT_EXPECT_TRUE(test, r >= 0 && r != ref);
		if (r >= 0)
			KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(r, NULL), 0);
	}
	/* Deferred, so not ours to grant through: refused, untouched. */
	gnttab_grant_foreign_access_ref(ref, TEST_DOMID, xen_virt_to_pfn(other),
					true);
	expect_still_held(test, ref, GTF_permit_access, GTF_writing);
	KUNIT_EXPECT_EQ(test, gnttab_entry_frame(ref),
			pfn_to_mfn(xen_virt_to_pfn(page)));
	KUNIT_EXPECT_FALSE(test, gnttab_ref_is_free(ref));

	backend_unmap(ref, GTF_writing);
	/* Released (the ref may be reused at once: see above). */
	KUNIT_EXPECT_EQ(test, gnttab_retry_deferred(), 0);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), 0);
	free_pages(other, 0);
}

static void gnttab_bad_refs_refused(struct kunit *test)
{
	grant_ref_t ref;

	if (!need_gnttab(test))
		return;
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(0x7fffffff, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(INVALID_GRANT_REF),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, gnttab_still_mapped(INVALID_GRANT_REF));
	/* A free ref is not granted. */
	KUNIT_ASSERT_TRUE(test, gnttab_alloc_refs(1, &ref) == 0);
	gnttab_free_refs_array(&ref, 1);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access_ref(ref), -EINVAL);
	KUNIT_EXPECT_TRUE(test, gnttab_ref_is_free(ref));
}

/* Our domain id: 0 for dom0, else xenstore's "domid"; -1 if unknown. */
static int own_domid(void)
{
	unsigned int id;

	if (xen_is_dom0())
		return 0;
	if (xenbus_available() && !xenbus_read_uint(XBT_NIL, "domid", NULL, &id) &&
	    id < DOMID_FIRST_RESERVED)
		return (int)id;
	return -1;
}

static void gnttab_copy_through_xen(struct kunit *test)
{
	struct gnttab_copy op;
	u8 *src, *dst;
	int domid, ref;
	long rc;

	if (!need_gnttab(test))
		return;
	domid = own_domid();
	if (domid < 0) {
		kunit_skip(test, "own domain id unknown (no xenstore)");
		return;
	}
	src = alloc_page_zeroed();
	dst = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, src && dst);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		src[i] = (u8)(i * 7 + 3);
	ref = gnttab_grant_foreign_access((domid_t)domid, xen_virt_to_pfn(src), true);
	KUNIT_ASSERT_TRUE(test, ref >= 0);

	memset(&op, 0, sizeof(op));
	op.source.u.ref = ref;
	op.source.domid = DOMID_SELF;
	op.source.offset = 16;
	op.dest.u.gmfn = pfn_to_mfn(xen_virt_to_pfn(dst));
	op.dest.domid = DOMID_SELF;
	op.dest.offset = 32;
	op.len = 1000;
	op.flags = GNTCOPY_source_gref;
	rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1);
	KUNIT_EXPECT_EQ(test, rc, 0);
	KUNIT_EXPECT_EQ(test, op.status, GNTST_okay);
	if (!rc && op.status == GNTST_okay) {
		KUNIT_EXPECT_EQ(test, memcmp(dst + 32, src + 16, 1000), 0);
		KUNIT_EXPECT_EQ(test, dst[31], 0);
		KUNIT_EXPECT_EQ(test, dst[1032], 0);
	}
	/* Xen dropped its temporary hold: ending works at once. */
	KUNIT_EXPECT_FALSE(test, gnttab_still_mapped(ref));
	KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, src), 0);
	free_pages(dst, 0);
}

SELFTEST_SUITE(xen_gnttab,
	KUNIT_CASE(gnttab_version_agreed),
	KUNIT_CASE(gnttab_alloc_and_free_refs),
	KUNIT_CASE(gnttab_grant_and_end_now),
	KUNIT_CASE(gnttab_deferred_release),
	KUNIT_CASE(gnttab_deferred_released_by_worker),
	KUNIT_CASE(gnttab_persistent_ref_busy),
	KUNIT_CASE(gnttab_mapping_word_decides),
	KUNIT_CASE(gnttab_mapped_ref_not_reused),
	KUNIT_CASE(gnttab_bad_refs_refused),
	KUNIT_CASE(gnttab_copy_through_xen));
