/* SPDX-License-Identifier: MIT */
/*
 * In-kernel self-tests with KUnit-like names, reported as KTAP.  A suite
 * is registered with SELFTEST_SUITE() and runs when selftest= names it
 * (or is "all").  A case's status can only get worse: once it failed, a
 * later skip does not hide that.
 */
#ifndef PVK_SELFTEST_H
#define PVK_SELFTEST_H

#include <pvk/types.h>
#include <pvk/printk.h>

enum kunit_status { KUNIT_SUCCESS, KUNIT_SKIPPED, KUNIT_FAILURE };

struct kunit {
	const char *name;
	enum kunit_status status;
	char skip_reason[96];
};

struct kunit_case {
	const char *name;
	void (*run)(struct kunit *test);
};

struct kunit_suite {
	const char *name;
	const struct kunit_case *cases;
	unsigned int nr_cases;
};

#define SELFTEST_SUITE(suite_name, ...)					\
	static const struct kunit_case suite_name##_cases[] = { __VA_ARGS__ }; \
	static const struct kunit_suite suite_name##_suite = {		\
		.name = #suite_name,					\
		.cases = suite_name##_cases,				\
		.nr_cases = sizeof(suite_name##_cases) / sizeof(struct kunit_case), \
	};								\
	static const struct kunit_suite *suite_name##_ptr		\
	__attribute__((used, section(".selftest_suites"))) = &suite_name##_suite

#define KUNIT_CASE(fn) { #fn, fn }

/* kernel/selftest_watch.c: reports a case that does not come back. */
void selftest_watch_start(const char *name);
void selftest_watch_stop(void);
void selftest_watch_report_now(void);
unsigned long selftest_watch_reports(void);
unsigned long selftest_watch_ip(unsigned int cpu);

void kunit_fail(struct kunit *test, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void kunit_skip(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool kunit_need_cpus(struct kunit *test, unsigned int n);
/* kernel/smp_test.c: spin until this CPU ticked N times (2 s at most). */
int selftest_busy_ticks(void *want);
/* Diagnostic line ("# ...") attached to the current case. */
void kunit_info(struct kunit *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define KUNIT_EXPECT_TRUE(test, cond) do {				\
	if (!(cond))							\
		kunit_fail(test, __FILE__, __LINE__, "expected %s", #cond); \
} while (0)

#define KUNIT_EXPECT_FALSE(test, cond) KUNIT_EXPECT_TRUE(test, !(cond))

#define KUNIT_EXPECT_EQ(test, a, b) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		kunit_fail(test, __FILE__, __LINE__,			\
			   "expected %s == %s (%lld != %lld)", #a, #b, __a, __b); \
} while (0)

#define KUNIT_EXPECT_NE(test, a, b) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a == __b)							\
		kunit_fail(test, __FILE__, __LINE__,			\
			   "expected %s != %s (both %lld)", #a, #b, __a); \
} while (0)

#define KUNIT_EXPECT_LE(test, a, b) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a > __b)							\
		kunit_fail(test, __FILE__, __LINE__,			\
			   "expected %s <= %s (%lld > %lld)", #a, #b, __a, __b); \
} while (0)

#define KUNIT_ASSERT_TRUE(test, cond) do {				\
	if (!(cond)) {							\
		kunit_fail(test, __FILE__, __LINE__, "assertion %s", #cond); \
		return;							\
	}								\
} while (0)

/* Run the suites selftest= names; print KTAP and the verdict line. */
bool selftest_run(void);
/* Does selftest= ask for any suite (anything but "none")? */
bool selftest_requested(void);
/* Did selftest= name @suite explicitly (for suites run only on demand)? */
bool selftest_named(const char *suite);
/* How many names of @filter no built-in suite has (@report: log each). */
unsigned int selftest_unknown_suites(const char *filter, bool report);

#endif
