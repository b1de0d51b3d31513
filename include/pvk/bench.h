/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmarks, run with bench=1.  Each case measures one operation
 * in up to three variants: through its patched pv_ops site, through the
 * unpatched indirect call, and as the raw instruction.  Results are
 * printed as "pvk-bench:" lines for scripts/bench-report.py.
 */
#ifndef PVK_BENCH_H
#define PVK_BENCH_H

#include <pvk/types.h>

enum bench_variant { BENCH_PATCHED, BENCH_INDIRECT, BENCH_RAW, BENCH_NR_VARIANTS };

struct bench_case {
	const char *op;
	/* Run the operation @iters times; NULL: variant not measured. */
	void (*run[BENCH_NR_VARIANTS])(unsigned long iters);
	unsigned long iters;
	/* Optional: false (with a reason) when the case cannot run here. */
	bool (*usable)(const char **why);
	void (*setup)(void);
};

#define BENCH_CASE(name, ...)						\
	static const struct bench_case name##_bench = { __VA_ARGS__ };	\
	static const struct bench_case *name##_bench_ptr		\
	__attribute__((used, section(".bench_cases"))) = &name##_bench

/* bench=1 (kernel/bench.c): run the benchmarks before the self-tests. */
extern bool bench_requested;
void bench_run(void);

bool bench_raw_allowed(void);
/* Hypercalls issued by this CPU so far (0 where there are none); always built. */
u64 bench_hypercall_count(void);
u64 hypercall_count_all_cpus(void);

#endif
