// SPDX-License-Identifier: MIT
/*
 * Event-storm accounting of one port; see events_storm.h.  No locks,
 * hypercalls or clock here: the caller passes the time and acts on the
 * verdict (events_base.c masks and unmasks the port).
 */
#include "events_storm.h"

/**
 * evtchn_storm_no_work - count an event that found no work
 * @s: the port's accounting
 * @now: the time, in ns (monotonic)
 *
 * Returns true when this event makes a storm: the port is to be masked
 * until @s->until (@s->masked is then set and the window starts over).
 */
bool evtchn_storm_no_work(struct evtchn_storm *s, u64 now)
{
	s->no_work_total++;
	if (s->masked)
		return false;	/* already held back */
	if (now - s->window_start >= EVTCHN_STORM_WINDOW_NS || now < s->window_start) {
		s->window_start = now;
		s->no_work = 0;
	}
	if (++s->no_work <= EVTCHN_STORM_THRESHOLD)
		return false;
	s->masked = true;
	s->until = now + EVTCHN_STORM_DELAY_NS;
	s->storms++;
	s->no_work = 0;
	return true;
}

/**
 * evtchn_storm_expired - may a port masked for a storm be unmasked?
 * @s: the port's accounting
 * @now: the time, in ns (monotonic)
 *
 * Returns true once, when the delay is over (@s->masked is cleared and a
 * new window starts); false if the port is not held back or not yet.
 */
bool evtchn_storm_expired(struct evtchn_storm *s, u64 now)
{
	if (!s->masked || now < s->until)
		return false;
	s->masked = false;
	s->window_start = now;
	s->no_work = 0;
	return true;
}
