// SPDX-License-Identifier: MIT
/*
 * The arithmetic of a rate limit, kept apart from locks and clocks so
 * the host tests can drive it with any time they like.
 */
#include <pvk/ratelimit.h>

/**
 * ratelimit_window_allow() - may one more line go out at @now_ns?
 * @w: the call site's window; the caller serialises calls on it
 * @now_ns: the current time, never less than at the previous call
 * @dropped: set to the number of lines dropped in the interval that has
 *	just ended when this call starts a new one, else to 0, so that the
 *	caller can say how many it left out before printing the next line
 *
 * The first call opens an interval.  Within an interval the first
 * @w->burst calls return true and the rest false; a call made
 * @w->interval_ns or more after the interval began opens the next one.
 * A burst of 0 lets nothing through and counts every call as dropped.
 *
 * Return: true if the caller may print its line.
 */
bool ratelimit_window_allow(struct ratelimit_window *w, u64 now_ns,
			    unsigned int *dropped)
{
	*dropped = 0;
	if (!w->started || now_ns - w->begin_ns >= w->interval_ns) {
		*dropped = w->missed;
		w->started = true;
		w->begin_ns = now_ns;
		w->printed = 0;
		w->missed = 0;
	}
	if (w->printed < w->burst) {
		w->printed++;
		return true;
	}
	if (w->missed < ~0U)
		w->missed++;
	return false;
}
