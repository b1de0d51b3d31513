// SPDX-License-Identifier: MIT
/*
 * Self-test of the stuck-case watch (selftest_watch.c): this very case
 * is made overdue, and a tick on some CPU must print exactly one report
 * of it, with where each CPU's last tick landed.
 */
#include <pvk/kernel.h>
#include <pvk/ksyms.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>

#define REPORT_WAIT_MS	2000	/* many ticks, even on a slow host */

static void selftest_watch_reports_an_overdue_case(struct kunit *test)
{
	unsigned long before = selftest_watch_reports(), ip, off = 0;
	u64 end = ktime_get_ns() + REPORT_WAIT_MS * NSEC_PER_MSEC;
	const char *sym;

	selftest_watch_report_now();
	while (selftest_watch_reports() == before && ktime_get_ns() < end)
		msleep(10);
	KUNIT_EXPECT_EQ(test, selftest_watch_reports(), before + 1);
	/* The next report is a whole period away, whoever ticks. */
	msleep(100);
	KUNIT_EXPECT_EQ(test, selftest_watch_reports(), before + 1);
	ip = selftest_watch_ip(smp_processor_id());
	KUNIT_EXPECT_NE(test, ip, 0);
	sym = ksym_lookup(ip, &off);
	kunit_info(test, "this CPU's last tick at %s+%#lx", sym ? sym : "?", off);
}

SELFTEST_SUITE(selftest_watch,
	KUNIT_CASE(selftest_watch_reports_an_overdue_case));
