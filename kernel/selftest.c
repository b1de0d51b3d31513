// SPDX-License-Identifier: MIT
/*
 * Self-test runner: KTAP version 1 on the console, one flat list of
 * "suite.case" results, then exactly one verdict line for the host.
 */
#include <pvk/kernel.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>

extern const struct kunit_suite *const __selftest_suites_start[];
extern const struct kunit_suite *const __selftest_suites_end[];

#define FILTER_SEP ','

/* Is @name one of the comma-separated entries of @filter (or "all")? */
static bool suite_selected(const char *filter, const char *name)
{
	size_t n = strlen(name);
	const char *p = filter;

	if (!strcmp(filter, "all"))
		return true;
	while (*p) {
		const char *end = strchr(p, FILTER_SEP);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

void kunit_fail(struct kunit *test, const char *file, int line,
		const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	test->status = KUNIT_FAILURE;
	pr_raw("    # %s: %s:%d: %s\n", test->name, file, line, buf);
}

void kunit_skip(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	if (test->status == KUNIT_FAILURE)
		return;
	va_start(ap, fmt);
	vsnprintf(test->skip_reason, sizeof(test->skip_reason), fmt, ap);
	va_end(ap);
	test->status = KUNIT_SKIPPED;
}

/**
 * kunit_need_cpus - skip the case unless at least @n CPUs are online
 * @test: the running case
 * @n: CPUs the case needs to test anything at all
 *
 * A case about several CPUs that ran on one would pass having checked
 * nothing; it reports "# SKIP needs N CPUs" instead.  Returns true when
 * the case may go on.
 */
bool kunit_need_cpus(struct kunit *test, unsigned int n)
{
	if (num_online_cpus() >= n)
		return true;
	kunit_skip(test, "needs %u CPUs", n);
	return false;
}

void kunit_info(struct kunit *test, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_raw("    # %s: %s\n", test->name, buf);
}

static unsigned int count_cases(const char *filter)
{
	unsigned int n = 0;

	for (const struct kunit_suite *const *s = __selftest_suites_start;
	     s < __selftest_suites_end; s++)
		if (suite_selected(filter, (*s)->name))
			n += (*s)->nr_cases;
	return n;
}

/**
 * selftest_run - run the selected suites and report in KTAP
 * @filter: "all" or a comma-separated list of suite names
 *
 * Returns true when no case failed.  An unknown suite name is reported
 * and counts as a failure, so a typo cannot turn a run green.
 */
bool selftest_run(const char *filter)
{
	unsigned int total = count_cases(filter), nr = 0;
	unsigned int passed = 0, failed = 0, skipped = 0;

	pr_raw("KTAP version 1\n1..%u\n", total);
	for (const struct kunit_suite *const *s = __selftest_suites_start;
	     s < __selftest_suites_end; s++) {
		if (!suite_selected(filter, (*s)->name))
			continue;
		for (unsigned int i = 0; i < (*s)->nr_cases; i++) {
			char name[96];
			struct kunit test = { .name = name };

			snprintf(name, sizeof(name), "%s.%s", (*s)->name,
				 (*s)->cases[i].name);
			selftest_watch_start(name);
			(*s)->cases[i].run(&test);
			selftest_watch_stop();
			nr++;
			if (test.status == KUNIT_FAILURE) {
				failed++;
				pr_raw("not ok %u %s\n", nr, name);
			} else if (test.status == KUNIT_SKIPPED) {
				skipped++;
				pr_raw("ok %u %s # SKIP %s\n", nr, name, test.skip_reason);
			} else {
				passed++;
				pr_raw("ok %u %s\n", nr, name);
			}
		}
	}
	if (!total) {
		pr_raw("# no suite matches selftest=%s\n", filter);
		failed++;
	}
	pr_raw("pvk: selftest result: %s (%u passed, %u failed, %u skipped)\n",
	       failed ? "FAIL" : "PASS", passed, failed, skipped);
	return !failed;
}
