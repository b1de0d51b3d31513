// SPDX-License-Identifier: MIT
/*
 * Self-tests of the control node (drivers/xen/manage.c) against the real
 * xenstore: the features pvk advertises, and what it does with values
 * written to control/shutdown and control/sysrq.  The test writes those
 * nodes itself (the toolstack makes them the guest's), with shutdown
 * requests routed to an observer (kernel_shutdown_observe()), so a
 * request is seen but never acted upon.  A real `xl shutdown` that
 * arrived during these few cases would be taken by the observer too.
 *
 * Policy checked here (Linux's): a known request is acknowledged by
 * writing "" back; an unknown one is left in place and ignored, and so
 * is "suspend" where the platform cannot suspend (where it can, writing
 * it would really suspend the domain with no toolstack to save it, so
 * the dom0 jobs life-save and life-migrate test it); any control/sysrq
 * value is cleared.
 */
#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/time.h>
#include <xen/manage.h>
#include <xen/xenbus.h>
#include "manage-internal.h"

#define WAIT_MS		5000
/* After an ignored value: long enough for the watch to have fired. */
#define SETTLE_MS	500

static unsigned int observed;
static enum shutdown_kind observed_kind;
static char observed_why[48];

static void observe(enum shutdown_kind kind, const char *why)
{
	observed_kind = kind;
	strlcpy(observed_why, why, sizeof(observed_why));
	__atomic_fetch_add(&observed, 1, __ATOMIC_RELEASE);
}

static bool need_xenstore(struct kunit *test)
{
	if (!xenbus_available()) {
		kunit_skip(test, "no xenstore (not a Xen domU)");
		return false;
	}
	return true;
}

/* Read control/@node into @buf; "" when missing or unreadable. */
static void read_control(const char *node, char *buf, size_t len)
{
	if (xenbus_read(XBT_NIL, "control", node, buf, len) < 0)
		buf[0] = '\0';
}

/* Wait until control/@node reads @want; false after WAIT_MS. */
static bool wait_control(const char *node, const char *want)
{
	u64 end = ktime_get_ns() + WAIT_MS * NSEC_PER_MSEC;
	char buf[XEN_MANAGE_VALUE_MAX];

	do {
		read_control(node, buf, sizeof(buf));
		if (!strcmp(buf, want))
			return true;
		msleep(20);
	} while (ktime_get_ns() < end);
	return false;
}

/* Wait until the observer has been called @n times in all. */
static bool wait_observed(unsigned int n)
{
	u64 end = ktime_get_ns() + WAIT_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(&observed, __ATOMIC_ACQUIRE) < n) {
		if (ktime_get_ns() >= end)
			return false;
		msleep(20);
	}
	return true;
}

static void manage_features_advertised(struct kunit *test)
{
	char buf[XEN_MANAGE_VALUE_MAX];

	if (!need_xenstore(test))
		return;
	read_control("feature-poweroff", buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, strcmp(buf, "1"), 0);
	read_control("feature-reboot", buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, strcmp(buf, "1"), 0);
	/* Offered exactly when the platform can suspend. */
	read_control("feature-suspend", buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, strcmp(buf, "1") == 0, xen_suspend_possible());
}

/* Write @value, expect one request of @kind, acknowledged with "". */
static void expect_request(struct kunit *test, const char *value,
			   enum shutdown_kind kind)
{
	unsigned int before = __atomic_load_n(&observed, __ATOMIC_ACQUIRE);
	int err = xenbus_write(XBT_NIL, "control", "shutdown", value);

	if (err) {
		kunit_fail(test, __FILE__, __LINE__,
			   "writing control/shutdown = %s failed: %d", value, err);
		return;
	}
	if (!wait_observed(before + 1)) {
		kunit_fail(test, __FILE__, __LINE__,
			   "no request seen %u ms after control/shutdown = %s",
			   WAIT_MS, value);
		return;
	}
	KUNIT_EXPECT_EQ(test, observed_kind, kind);
	KUNIT_EXPECT_EQ(test, strcmp(observed_why, "xenstore control/shutdown"), 0);
	KUNIT_EXPECT_TRUE(test, wait_control("shutdown", ""));
}

static void manage_shutdown_requests_observed(struct kunit *test)
{
	if (!need_xenstore(test))
		return;
	kernel_shutdown_observe(observe);
	expect_request(test, "poweroff", SHUTDOWN_KIND_POWEROFF);
	expect_request(test, "reboot", SHUTDOWN_KIND_REBOOT);
	expect_request(test, "halt", SHUTDOWN_KIND_HALT);
	kernel_shutdown_observe(NULL);
}

/*
 * Unknown values (and "suspend" where the platform cannot suspend) are
 * left in place and request nothing; a known request after them is
 * still taken (watches fire in order, so by then the ignored values
 * were handled).
 */
static void manage_unknown_shutdown_ignored(struct kunit *test)
{
	static const char *const bad[] = { "frobnicate", "poweroff2", "suspend" };
	size_t nr_bad = ARRAY_SIZE(bad) - xen_suspend_possible();
	char buf[XEN_MANAGE_VALUE_MAX];
	unsigned int before;

	if (!need_xenstore(test))
		return;
	kernel_shutdown_observe(observe);
	before = __atomic_load_n(&observed, __ATOMIC_ACQUIRE);
	for (size_t i = 0; i < nr_bad; i++) {
		KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, "control", "shutdown",
						   bad[i]), 0);
		msleep(SETTLE_MS);
		read_control("shutdown", buf, sizeof(buf));
		KUNIT_EXPECT_EQ(test, strcmp(buf, bad[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&observed, __ATOMIC_ACQUIRE), before);
	expect_request(test, "reboot", SHUTDOWN_KIND_REBOOT);
	KUNIT_EXPECT_EQ(test, __atomic_load_n(&observed, __ATOMIC_ACQUIRE),
			before + 1);
	kernel_shutdown_observe(NULL);
}

/* 't' dumps the threads; an unknown key and a bad value are cleared too. */
static void manage_sysrq_cleared(struct kunit *test)
{
	static const char *const values[] = { "t", "q", "tt" };

	if (!need_xenstore(test))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		int err = xenbus_write(XBT_NIL, "control", "sysrq", values[i]);

		KUNIT_EXPECT_EQ(test, err, 0);
		if (!err && !wait_control("sysrq", ""))
			kunit_fail(test, __FILE__, __LINE__,
				   "control/sysrq = %s not cleared within %u ms",
				   values[i], WAIT_MS);
	}
}

SELFTEST_SUITE(manage,
	KUNIT_CASE(manage_features_advertised),
	KUNIT_CASE(manage_shutdown_requests_observed),
	KUNIT_CASE(manage_unknown_shutdown_ignored),
	KUNIT_CASE(manage_sysrq_cleared));
