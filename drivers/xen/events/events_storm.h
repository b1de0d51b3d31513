/* SPDX-License-Identifier: MIT */
/*
 * Event-storm accounting of one port (events_storm.c), pure so that the
 * host unit test tests/test_evtchn_storm.c builds it too.
 *
 * A handler that finds nothing to do for an event says so
 * (xen_evtchn_no_work()).  More than EVTCHN_STORM_THRESHOLD such events
 * within EVTCHN_STORM_WINDOW_NS is a storm: the port is masked and
 * unmasked EVTCHN_STORM_DELAY_NS later (Linux's lateeoi idea), so a
 * backend that notifies in a tight loop gets at most that many handler
 * runs per window and delay, and the vCPU stays free for other work.
 */
#ifndef _DRIVERS_XEN_EVENTS_STORM_H
#define _DRIVERS_XEN_EVENTS_STORM_H

#include <pvk/types.h>

#define EVTCHN_STORM_WINDOW_NS		(100ULL * 1000 * 1000)
#define EVTCHN_STORM_THRESHOLD		200
#define EVTCHN_STORM_DELAY_NS		(100ULL * 1000 * 1000)

struct evtchn_storm {
	u64 window_start;	/* ns; the current window began */
	u64 until;		/* ns; masked until then (when @masked) */
	u32 no_work;		/* events without work in the window */
	u32 storms;		/* times the port was masked */
	u64 no_work_total;
	bool masked;
};

bool evtchn_storm_no_work(struct evtchn_storm *s, u64 now);
bool evtchn_storm_expired(struct evtchn_storm *s, u64 now);

#endif
