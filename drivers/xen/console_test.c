// SPDX-License-Identifier: MIT
/*
 * Self-tests of pvk's console on a Xen console ring (console.c), suite
 * "xen_console": the test plays xenconsoled on a ring of its own (no
 * event channel: Xen refuses a send on port 0) and checks that output
 * the ring had no room for is counted and then reported on a line of
 * its own, whole, before the next output; and that the wait for a
 * stalled backend neither ends early nor wraps when Xen's clock, read
 * on one vCPU, steps back.  The ring cases run where pvk writes its
 * console to a ring (a Xen domU), since their waits yield to Xen.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/selftest.h>
#include <pvk/string.h>
#include <pvk/time.h>
#include <asm/xen/hypervisor.h>
#include "console-internal.h"

#define STALL_MS	20

static bool need_ring(struct kunit *test)
{
	if (xen_console_ring_pfn() == ~0UL) {
		kunit_skip(test, "pvk writes no console ring here (not a Xen domU)");
		return false;
	}
	return true;
}

static struct xen_cons_ring *fake_ring(void)
{
	struct xen_cons_ring *r = kzalloc(sizeof(*r));

	if (!r)
		return NULL;
	r->intf = kzalloc(sizeof(*r->intf));
	if (!r->intf) {
		kfree(r);
		return NULL;
	}
	r->stall_ns = STALL_MS * NSEC_PER_MSEC;
	return r;
}

static void fake_ring_free(struct xen_cons_ring *r)
{
	kfree(r->intf);
	kfree(r);
}

/* Fill the ring up, ending mid-line; returns false if it took less. */
static bool fill(struct xen_cons_ring *r)
{
	static char full[sizeof(((struct xencons_interface *)0)->out)];

	memset(full, 'x', sizeof(full));
	return xen_cons_ring_write(r, full, sizeof(full)) == sizeof(full);
}

/* The backend consumes everything; whether it reads @want first. */
static bool take(struct xen_cons_ring *r, const char *want)
{
	struct xencons_interface *intf = r->intf;
	XENCONS_RING_IDX cons = intf->out_cons;
	size_t n = strlen(want);
	bool same = intf->out_prod - cons == n;

	for (size_t i = 0; same && i < n; i++)
		same = intf->out[MASK_XENCONS_IDX(cons + i, intf->out)] == want[i];
	intf->out_cons = intf->out_prod;
	return same;
}

static void xen_console_drops_are_counted_and_noted(struct kunit *test)
{
	struct xen_cons_ring *r;

	if (!need_ring(test))
		return;
	r = fake_ring();
	KUNIT_ASSERT_TRUE(test, r);
	KUNIT_ASSERT_TRUE(test, fill(r));
	/* Full and nobody reading: given up after STALL_MS, counted. */
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "lost line\n", 10), 0);
	KUNIT_EXPECT_TRUE(test, r->stalled);
	/* Still stalled: dropped at once. */
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "more\n", 5), 0);
	KUNIT_EXPECT_EQ(test, r->dropped, 15);
	/* The backend is back (reads it all): the note first, on its own line. */
	r->intf->out_cons = r->intf->out_prod;
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "ok 99 x\n", 8), 8);
	KUNIT_EXPECT_TRUE(test, take(r, "\nconsole: 15 bytes dropped while the "
				    "backend stalled\nok 99 x\n"));
	KUNIT_EXPECT_EQ(test, r->dropped, 0);
	KUNIT_EXPECT_FALSE(test, r->stalled);
	/* Nothing more to say once nothing more was lost. */
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "ok 100 y\n", 9), 9);
	KUNIT_EXPECT_TRUE(test, take(r, "ok 100 y\n"));
	fake_ring_free(r);
}

static void xen_console_note_goes_in_whole(struct kunit *test)
{
	struct xen_cons_ring *r;
	struct xencons_interface *intf;

	if (!need_ring(test))
		return;
	r = fake_ring();
	KUNIT_ASSERT_TRUE(test, r);
	intf = r->intf;
	KUNIT_ASSERT_TRUE(test, fill(r));
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "a\n", 2), 0);
	/* Room for a few bytes only: no piece of a note, the line lost too. */
	intf->out_cons += 5;
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "b\n", 2), 0);
	KUNIT_EXPECT_EQ(test, intf->out_prod - intf->out_cons,
			sizeof(intf->out) - 5);
	KUNIT_EXPECT_EQ(test, r->dropped, 4);
	intf->out_cons = intf->out_prod;
	KUNIT_EXPECT_EQ(test, xen_cons_ring_write(r, "c\n", 2), 2);
	KUNIT_EXPECT_TRUE(test, take(r, "\nconsole: 4 bytes dropped while the "
				    "backend stalled\nc\n"));
	fake_ring_free(r);
}

/* Pure: runs everywhere. */
static void xen_console_wait_survives_a_clock_step_back(struct kunit *test)
{
	struct xen_cons_wait w = { 0 };
	const u64 sec = NSEC_PER_SEC, t0 = 100 * sec, limit = 3 * sec;

	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 7, t0, limit));
	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 7, t0 + 2 * sec, limit));
	/* 1 ns earlier than the start: no wait of ~2^64 ns, a new start. */
	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 7, t0 - 1, limit));
	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 7, t0 + 2 * sec, limit));
	KUNIT_EXPECT_TRUE(test, xen_cons_wait_over(&w, 7, t0 + 3 * sec, limit));
	/* Progress starts it again too. */
	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 8, t0 + 9 * sec, limit));
	KUNIT_EXPECT_FALSE(test, xen_cons_wait_over(&w, 8, t0 + 12 * sec, limit));
	KUNIT_EXPECT_TRUE(test, xen_cons_wait_over(&w, 8, t0 + 12 * sec + 1, limit));
}

SELFTEST_SUITE(xen_console,
	KUNIT_CASE(xen_console_wait_survives_a_clock_step_back),
	KUNIT_CASE(xen_console_drops_are_counted_and_noted),
	KUNIT_CASE(xen_console_note_goes_in_whole));
