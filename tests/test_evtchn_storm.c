// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/events/events_storm.c: events that found no
 * work, counted per window; more than the threshold in one window masks
 * the port for the delay, once; a slow trickle never does.
 */
#include <stdio.h>
#include <string.h>
#include "../drivers/xen/events/events_storm.h"
#include "harness.h"

#define MS	(1000ULL * 1000)

TEST(threshold_in_one_window_masks)
{
	struct evtchn_storm s = { 0 };
	u64 t = 5000 * MS;
	unsigned int i;

	for (i = 0; i < EVTCHN_STORM_THRESHOLD; i++)
		EXPECT(!evtchn_storm_no_work(&s, t + i));
	EXPECT(!s.masked);
	EXPECT(evtchn_storm_no_work(&s, t + i));
	EXPECT(s.masked);
	EXPECT_EQ_U(s.storms, 1);
	EXPECT_EQ_U(s.until, t + i + EVTCHN_STORM_DELAY_NS);
	/* Held back: further events are counted, no second verdict. */
	EXPECT(!evtchn_storm_no_work(&s, t + i + 1));
	EXPECT_EQ_U(s.storms, 1);
	EXPECT_EQ_U(s.no_work_total, EVTCHN_STORM_THRESHOLD + 2);
}

TEST(unmasked_after_the_delay_once)
{
	struct evtchn_storm s = { 0 };
	u64 t = 1000 * MS;

	for (unsigned int i = 0; i <= EVTCHN_STORM_THRESHOLD; i++)
		evtchn_storm_no_work(&s, t);
	EXPECT(s.masked);
	EXPECT(!evtchn_storm_expired(&s, t + EVTCHN_STORM_DELAY_NS - 1));
	EXPECT(evtchn_storm_expired(&s, t + EVTCHN_STORM_DELAY_NS));
	EXPECT(!s.masked);
	EXPECT(!evtchn_storm_expired(&s, t + EVTCHN_STORM_DELAY_NS + 1));
	/* A fresh window: the threshold again before the next storm. */
	t += EVTCHN_STORM_DELAY_NS;
	for (unsigned int i = 0; i < EVTCHN_STORM_THRESHOLD; i++)
		EXPECT(!evtchn_storm_no_work(&s, t + 1));
	EXPECT(evtchn_storm_no_work(&s, t + 2));
	EXPECT_EQ_U(s.storms, 2);
}

TEST(trickle_never_masks)
{
	struct evtchn_storm s = { 0 };
	u64 step = EVTCHN_STORM_WINDOW_NS / (EVTCHN_STORM_THRESHOLD / 2);
	u64 t = 0;

	/* Half the threshold per window, for 100 windows. */
	for (unsigned int i = 0; i < 100 * EVTCHN_STORM_THRESHOLD / 2; i++) {
		EXPECT(!evtchn_storm_no_work(&s, t));
		t += step;
	}
	EXPECT(!s.masked);
	EXPECT_EQ_U(s.storms, 0);
}

TEST(window_boundary_starts_over)
{
	struct evtchn_storm s = { 0 };
	u64 t = 7 * MS;

	for (unsigned int i = 0; i < EVTCHN_STORM_THRESHOLD; i++)
		EXPECT(!evtchn_storm_no_work(&s, t));
	/* The next one falls into a new window: counted from 1 again. */
	EXPECT(!evtchn_storm_no_work(&s, t + EVTCHN_STORM_WINDOW_NS));
	EXPECT_EQ_U(s.no_work, 1);
	EXPECT(!s.masked);
}

TEST(not_masked_never_expires)
{
	struct evtchn_storm s = { 0 };

	EXPECT(!evtchn_storm_expired(&s, 0));
	EXPECT(!evtchn_storm_expired(&s, ~0ULL));
}

int main(void)
{
	RUN(threshold_in_one_window_masks);
	RUN(unmasked_after_the_delay_once);
	RUN(trickle_never_masks);
	RUN(window_boundary_starts_over);
	RUN(not_masked_never_expires);
	return TEST_DONE();
}
