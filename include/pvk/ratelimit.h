/* SPDX-License-Identifier: MIT */
/*
 * Rate limits for log lines that something outside the kernel can make
 * us print at will (a backend rewriting its xenstore state node, say).
 * As Linux's printk_ratelimited(): at most @burst lines per @interval at
 * each call site, and one line saying how many were dropped when the
 * next interval lets lines through again.
 */
#ifndef PVK_RATELIMIT_H
#define PVK_RATELIMIT_H

#include <pvk/printk.h>
#include <pvk/spinlock.h>
#include <pvk/types.h>

/* One call site's interval; the caller serialises calls. */
struct ratelimit_window {
	u64 interval_ns;
	unsigned int burst;
	bool started;		/* an interval has begun */
	u64 begin_ns;		/* start of the current interval */
	unsigned int printed;	/* lines let through in it */
	unsigned int missed;	/* lines dropped in it */
};

#define RATELIMIT_INTERVAL_NS	(5ULL * 1000 * 1000 * 1000)
#define RATELIMIT_BURST		10

#define RATELIMIT_WINDOW_INIT(interval, n)				\
	{ .interval_ns = (interval), .burst = (n), .started = false, .begin_ns = 0,	\
	  .printed = 0, .missed = 0 }

bool ratelimit_window_allow(struct ratelimit_window *w, u64 now_ns,
			    unsigned int *dropped);

/* A call site's window and the lock that serialises its CPUs. */
struct ratelimit_state {
	spinlock_t lock;
	struct ratelimit_window w;
};

#define DEFINE_RATELIMIT_STATE(name)					\
	struct ratelimit_state name = {					\
		.lock = SPINLOCK_INIT,					\
		.w = RATELIMIT_WINDOW_INIT(RATELIMIT_INTERVAL_NS,	\
					   RATELIMIT_BURST),		\
	}

bool __ratelimit(struct ratelimit_state *rs, const char *site);

/*
 * Each expansion is a call site of its own (its own static state), as
 * in Linux; the dropped-lines note names the function it sits in.
 */
#define printk_ratelimited(level, fmt, ...) ({				\
	static DEFINE_RATELIMIT_STATE(_rs);				\
	if (__ratelimit(&_rs, __func__))				\
		printk(level, pr_fmt(fmt), ##__VA_ARGS__);		\
})

#define pr_err_ratelimited(fmt, ...) \
	printk_ratelimited(LOGLEVEL_ERR, fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...) \
	printk_ratelimited(LOGLEVEL_WARNING, fmt, ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) \
	printk_ratelimited(LOGLEVEL_INFO, fmt, ##__VA_ARGS__)

#endif /* PVK_RATELIMIT_H */
