/* SPDX-License-Identifier: MIT */
/*
 * Minimal host unit-test harness.
 *
 * Tests are plain functions declared with TEST(name) and run from main()
 * with RUN(name). EXPECT*() record a failure and keep going, so one run
 * reports every broken check. Each test prints "ok N name" or
 * "not ok N name"; TEST_DONE() prints "P passed, F failed" as the very
 * last line (tests/Makefile parses it) and yields the exit status.
 */
#ifndef PVK_TEST_HARNESS_H
#define PVK_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

static int harness_cur_failures;
static int harness_passed;
static int harness_failed;
static int harness_count;

#define TEST(name) static void name(void)

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			harness_cur_failures++;				\
			printf("#   %s:%d: expected %s\n", __FILE__,	\
			       __LINE__, #cond);			\
		}							\
	} while (0)

#define EXPECT_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			harness_cur_failures++;				\
			printf("#   %s:%d: %s == %s: %lld != %lld\n",	\
			       __FILE__, __LINE__, #a, #b, _a, _b);	\
		}							\
	} while (0)

#define EXPECT_EQ_U(a, b)						\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
		if (_a != _b) {						\
			harness_cur_failures++;				\
			printf("#   %s:%d: %s == %s: %#llx != %#llx\n",	\
			       __FILE__, __LINE__, #a, #b, _a, _b);	\
		}							\
	} while (0)

#define EXPECT_STR(a, b)						\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!harness_streq(_a, _b)) {				\
			harness_cur_failures++;				\
			printf("#   %s:%d: %s == %s: \"%s\" != \"%s\"\n", \
			       __FILE__, __LINE__, #a, #b,		\
			       _a ? _a : "(nil)", _b ? _b : "(nil)");	\
		}							\
	} while (0)

/* Own compare, so test_string.c can rename strcmp() to the code under test. */
static inline int harness_streq(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static inline void harness_run(const char *name, void (*fn)(void))
{
	harness_cur_failures = 0;
	fn();
	harness_count++;
	if (harness_cur_failures) {
		harness_failed++;
		printf("not ok %d %s\n", harness_count, name);
	} else {
		harness_passed++;
		printf("ok %d %s\n", harness_count, name);
	}
	fflush(stdout);
}

#define RUN(name) harness_run(#name, name)

#define TEST_DONE()							\
	(printf("%d passed, %d failed\n", harness_passed, harness_failed), \
	 fflush(stdout), harness_failed ? EXIT_FAILURE : EXIT_SUCCESS)

#endif /* PVK_TEST_HARNESS_H */
