/* SPDX-License-Identifier: MIT */
/*
 * The fuzz targets' invariant check: a broken one aborts, which libFuzzer
 * reports as a crash and keeps the input that caused it.
 */
#ifndef PVK_FUZZ_CHECK_H
#define PVK_FUZZ_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static inline void fuzz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: invariant broken: %s\n", what);
		abort();
	}
}

#endif /* PVK_FUZZ_CHECK_H */
