/* SPDX-License-Identifier: MIT */
/*
 * How the user-suite programs check a call: each defines PROG (its name,
 * which starts every line it prints) and a "failed" flag, then says
 * CHECK(cond) or FAILS(call, errno); a line names the source line that
 * did not hold, and the program's exit status follows "failed".
 */
#ifndef USER_CHECK_H
#define USER_CHECK_H

#include <errno.h>
#include <stdio.h>

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf(PROG ": line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
		failed = 1;						\
	}								\
} while (0)

/* @call must fail with @err. */
#define FAILS(call, err) do {						\
	errno = 0;							\
	long _r = (long)(call);						\
	if (_r != -1 || errno != (err)) {				\
		printf(PROG ": line %d: %s gave %ld errno %d, not %d\n", \
		       __LINE__, #call, _r, errno, err);		\
		failed = 1;						\
	}								\
} while (0)

#endif
