// SPDX-License-Identifier: MIT
/*
 * Self-tests of the balloon (drivers/xen/balloon.c) against Xen.  A domU
 * cannot write its own memory/target (the node is the toolstack's), so
 * the down-and-up case drives xen_balloon_set_target(), the function
 * the watch calls, and puts the target back at the end.  What Xen says
 * (XENMEM_current_reservation) is checked against what pvk counts; under
 * PV the P2M and the direct map of each frame given away and taken back
 * are checked too, and the frames taken back are written and read.
 */
#include <pvk/kernel.h>
#include <pvk/bitmap_alloc.h>
#include <pvk/kstrtox.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/balloon.h>
#include <xen/memory.h>
#include <xen/platform_info.h>
#include <xen/xenbus.h>

#define SETTLE_MS	60000
#define DOWN_PAGES	1024		/* 4 MiB */
#define PATTERN		0x9e3779b97f4a7c15ULL

static long reservation(void)
{
	domid_t self = DOMID_SELF;

	return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

static bool need_balloon(struct kunit *test)
{
	if (!xenbus_available()) {
		kunit_skip(test, "no xenstore (not a Xen domU)");
		return false;
	}
	if (!xen_balloon_current_pages()) {
		kunit_fail(test, __FILE__, __LINE__, "a domU without a balloon");
		return false;
	}
	return true;
}

/*
 * Wait until the balloon has the toolstack's first target (which would
 * otherwise overwrite the one a case sets) and has reached its target;
 * false after SETTLE_MS.
 */
static bool settle(struct kunit *test)
{
	u64 end = ktime_get_ns() + SETTLE_MS * NSEC_PER_MSEC;

	while (!xen_balloon_following() ||
	       xen_balloon_current_pages() != xen_balloon_target()) {
		if (ktime_get_ns() >= end) {
			kunit_fail(test, __FILE__, __LINE__,
				   "balloon at %llu pages, target %llu%s, after %u ms",
				   (unsigned long long)xen_balloon_current_pages(),
				   (unsigned long long)xen_balloon_target(),
				   xen_balloon_following() ? "" :
				   " (memory/target watch never fired)", SETTLE_MS);
			return false;
		}
		msleep(20);
	}
	return true;
}

static void balloon_current_matches_reservation(struct kunit *test)
{
	char val[24];

	if (!need_balloon(test) || !settle(test))
		return;
	KUNIT_EXPECT_EQ(test, xen_balloon_current_pages(), reservation());
	kunit_info(test, "reservation %ld pages, pvk counts %llu", reservation(),
		   (unsigned long long)xen_balloon_current_pages());
	/* Under PV the target and the reservation are the same unit. */
	if (!xen_platform_info()->auto_translated &&
	    xenbus_read(XBT_NIL, "memory", "target", val, sizeof(val)) > 0) {
		u64 kib;

		KUNIT_EXPECT_EQ(test, kstrtou64(val, 10, &kib), 0);
		KUNIT_EXPECT_EQ(test, xen_balloon_target(), kib / 4);
	}
}

static bool pattern_ok(unsigned long pfn)
{
	u64 *p = __va(PFN_PHYS(pfn));

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = (pfn + i) * PATTERN;
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		if (READ_ONCE(p[i]) != (pfn + i) * PATTERN)
			return false;
	return true;
}

/* PV: the pfns whose P2M entry is a hole, as a bit per pfn (kfree it). */
static unsigned long *p2m_holes(void)
{
	unsigned long *bits = kzalloc(BITMAP_ALLOC_LONGS(xen_max_pfn) * sizeof(long));

	for (unsigned long pfn = 0; bits && pfn < xen_max_pfn; pfn++)
		if (pfn_to_mfn(pfn) == INVALID_MFN)
			bits[pfn / BITMAP_ALLOC_BITS_PER_LONG] |= 1UL << (pfn % BITMAP_ALLOC_BITS_PER_LONG);
	return bits;
}

static bool bit_set(const unsigned long *bits, unsigned long pfn)
{
	return bits[pfn / BITMAP_ALLOC_BITS_PER_LONG] >> (pfn % BITMAP_ALLOC_BITS_PER_LONG) & 1;
}

/*
 * PV: the frames that became holes since @before, unmapped from the
 * direct map; returns how many (up to @max, in @pfns).
 */
static unsigned int given_away(struct kunit *test, const unsigned long *before,
			       unsigned long *pfns, unsigned int max)
{
	unsigned int n = 0, mapped = 0;

	for (unsigned long pfn = 0; pfn < xen_max_pfn; pfn++) {
		if (bit_set(before, pfn) || pfn_to_mfn(pfn) != INVALID_MFN)
			continue;
		if (virt_to_phys_walk((unsigned long)__va(PFN_PHYS(pfn))) != (phys_addr_t)-1)
			mapped++;
		if (n < max)
			pfns[n] = pfn;
		n++;
	}
	KUNIT_EXPECT_EQ(test, mapped, 0);
	return n;
}

/* PV: each frame taken back has a machine frame, the M2P and a mapping. */
static void check_taken_back(struct kunit *test, const unsigned long *pfns,
			     unsigned int n)
{
	unsigned int bad = 0, used = 0, written = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long pfn = pfns[i], mfn = pfn_to_mfn(pfn);

		if (mfn == INVALID_MFN || mfn_to_pfn(mfn) != pfn ||
		    virt_to_phys_walk((unsigned long)__va(PFN_PHYS(pfn))) != PFN_PHYS(pfn)) {
			bad++;
			continue;
		}
		/* Taken by someone else since: in use, so usable too. */
		if (page_take(pfn)) {
			used++;
			continue;
		}
		if (pattern_ok(pfn))
			written++;
		page_give_back(pfn);
	}
	kunit_info(test, "%u frames back: %u written and read, %u in use, %u bad",
		   n, written, used, bad);
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, written + used, n);
	KUNIT_EXPECT_TRUE(test, written >= n / 2);
}

/* Any platform: the top free frames (where the balloon gave) are usable. */
static void check_top_frames(struct kunit *test, unsigned int n)
{
	unsigned long *pfns = kmalloc(n * sizeof(*pfns));
	unsigned int got = 0, bad = 0;

	if (!pfns) {
		kunit_fail(test, __FILE__, __LINE__, "no memory");
		return;
	}
	while (got < n) {
		s64 pfn = page_take_high(0);

		if (pfn < 0)
			break;
		pfns[got++] = (unsigned long)pfn;
	}
	for (unsigned int i = 0; i < got; i++) {
		bad += !pattern_ok(pfns[i]);
		page_give_back(pfns[i]);
	}
	KUNIT_EXPECT_EQ(test, got, n);
	KUNIT_EXPECT_EQ(test, bad, 0);
	kfree(pfns);
}

static void balloon_down_up_pages_usable(struct kunit *test)
{
	bool pv = !xen_platform_info()->auto_translated;
	unsigned long *holes = NULL, *pfns;
	u64 start;
	long resv;
	unsigned int n = 0;

	if (!need_balloon(test) || !settle(test))
		return;
	start = xen_balloon_current_pages();
	resv = reservation();
	pfns = kmalloc(DOWN_PAGES * sizeof(*pfns));
	if (pv)
		holes = p2m_holes();
	if (!pfns || (pv && !holes)) {
		kunit_fail(test, __FILE__, __LINE__, "no memory");
		goto out;
	}
	KUNIT_EXPECT_EQ(test, xen_balloon_set_target(start - DOWN_PAGES),
			start - DOWN_PAGES);
	if (!settle(test))
		goto out;
	KUNIT_EXPECT_EQ(test, reservation(), resv - DOWN_PAGES);
	if (pv) {
		n = given_away(test, holes, pfns, DOWN_PAGES);
		KUNIT_EXPECT_EQ(test, n, DOWN_PAGES);
	}
	xen_balloon_set_target(start);
	if (!settle(test))
		goto out;
	KUNIT_EXPECT_EQ(test, reservation(), resv);
	KUNIT_EXPECT_EQ(test, xen_balloon_current_pages(), start);
	if (pv)
		check_taken_back(test, pfns, MIN(n, (unsigned int)DOWN_PAGES));
	check_top_frames(test, DOWN_PAGES);
out:
	xen_balloon_set_target(start);
	kfree(holes);
	kfree(pfns);
}

SELFTEST_SUITE(xen_balloon,
	KUNIT_CASE(balloon_current_matches_reservation),
	KUNIT_CASE(balloon_down_up_pages_usable));
