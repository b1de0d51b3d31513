// SPDX-License-Identifier: MIT
/*
 * Self-test runner: KTAP version 1 on the console, one flat list of
 * "suite.case" results, then exactly one verdict line for the host.
 */
#include <pvk/kernel.h>
#include <pvk/cmdline.h>
#include <pvk/params.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>

extern const struct kunit_suite *const __selftest_suites_start[];
extern const struct kunit_suite *const __selftest_suites_end[];

/* The failed case that stands for a selftest= naming no real suite. */
#define SELECTION_CASE	"selftest.selection"

/* "all", "none", or a comma-separated list of suite names. */
static char selftest_filter[128] = "all";
param_string("selftest", selftest_filter);

static bool suite_selected(const char *filter, const char *name)
{
	return !strcmp(filter, "all") || cmdline_list_has(filter, name);
}

/**
 * selftest_requested - whether selftest= asks for any suite at all
 *
 * False only for selftest=none.
 */
bool selftest_requested(void)
{
	return strcmp(selftest_filter, "none") != 0;
}

/**
 * selftest_named - did selftest= name @suite itself (not just "all")?
 * @suite: a suite name
 *
 * For suites that only run when asked for by name.
 */
bool selftest_named(const char *suite)
{
	return cmdline_list_has(selftest_filter, suite);
}

static bool suite_exists(const char *name, size_t len)
{
	for (const struct kunit_suite *const *s = __selftest_suites_start;
	     s < __selftest_suites_end; s++)
		if (strlen((*s)->name) == len && !strncmp((*s)->name, name, len))
			return true;
	return false;
}

/**
 * selftest_unknown_suites - count the names in a filter no suite has
 * @filter: "all" or a comma-separated list of suite names
 * @report: print "# selftest: unknown suite 'NAME'" for each
 *
 * Every suite is built into the image whatever the platform (one that
 * does not apply there skips its cases and says why), so a name that
 * is not here is a typo or a suite of a configuration not built.
 */
unsigned int selftest_unknown_suites(const char *filter, bool report)
{
	const char *pos = filter, *name;
	unsigned int unknown = 0;
	size_t len;

	if (!strcmp(filter, "all"))
		return 0;
	while ((name = cmdline_list_next(&pos, &len))) {
		if (suite_exists(name, len))
			continue;
		unknown++;
		if (report)
			pr_raw("# selftest: unknown suite '%.*s'\n", (int)len, name);
	}
	return unknown;
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
 * selftest_run - run the suites selftest= names and report in KTAP
 *
 * The known suites of the list run; a name no suite has is reported
 * and adds the failed case "selftest.selection", so a typo cannot turn
 * a run green.  Returns true when no case failed (and for
 * selftest=none, which runs and prints nothing).
 */
bool selftest_run(void)
{
	const char *filter = selftest_filter;
	unsigned int total, nr = 0;
	bool bad_selection;
	unsigned int unknown, passed = 0, failed = 0, skipped = 0;

	if (!strcmp(filter, "none"))
		return true;
	total = count_cases(filter);
	/* A selection with a name no suite has fails as a case of its own. */
	unknown = selftest_unknown_suites(filter, false);
	bad_selection = unknown || !total;
	pr_raw("KTAP version 1\n1..%u\n", total + bad_selection);
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
	if (bad_selection) {
		if (unknown)
			selftest_unknown_suites(filter, true);
		else
			pr_raw("# selftest: no suite matches selftest=%s\n", filter);
		failed++;
		pr_raw("not ok %u %s\n", nr + 1, SELECTION_CASE);
	}
	pr_raw("pvk: selftest result: %s (%u passed, %u failed, %u skipped)\n",
	       failed ? "FAIL" : "PASS", passed, failed, skipped);
	return !failed;
}
