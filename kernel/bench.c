// SPDX-License-Identifier: MIT
/*
 * Benchmark runner: each variant of each case runs a fixed number of
 * iterations many times; the median time, minus the median of an empty
 * loop, divided by the iterations, is the cost per operation.  Medians
 * keep interrupts and emulator hiccups out of the figures.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/bench.h>
#include <pvk/params.h>
#include <pvk/time.h>

#define BENCH_ROUNDS 31

extern const struct bench_case *const __bench_cases_start[];
extern const struct bench_case *const __bench_cases_end[];

bool bench_requested;
param_bool("bench", bench_requested);

static const char *const variant_names[BENCH_NR_VARIANTS] = {
	"patched", "indirect", "raw",
};

static void empty_loop(unsigned long iters)
{
	for (unsigned long i = 0; i < iters; i++)
		asm volatile("" ::: "memory");
}

static u64 median(u64 *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		u64 x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return v[n / 2];
}

/* Median cycles of one batch of @iters; *hcalls: hypercalls in all batches. */
static u64 measure(void (*fn)(unsigned long), unsigned long iters, u64 *hcalls)
{
	u64 samples[BENCH_ROUNDS];
	u64 h0 = bench_hypercall_count();

	for (unsigned int r = 0; r < BENCH_ROUNDS; r++) {
		u64 t0 = get_cycles();

		fn(iters);
		samples[r] = get_cycles() - t0;
	}
	*hcalls = bench_hypercall_count() - h0;
	return median(samples, BENCH_ROUNDS);
}

static void run_case(const struct bench_case *c)
{
	const char *why = NULL;
	u64 overhead, hcalls;

	if (c->usable && !c->usable(&why)) {
		pr_raw("# bench: %s skipped: %s\n", c->op, why);
		return;
	}
	if (c->setup)
		c->setup();
	overhead = measure(empty_loop, c->iters, &hcalls);
	for (int v = 0; v < BENCH_NR_VARIANTS; v++) {
		u64 t, tenths, hc100;

		if (!c->run[v] || (v == BENCH_RAW && !bench_raw_allowed()))
			continue;
		t = measure(c->run[v], c->iters, &hcalls);
		t = t > overhead ? t - overhead : 0;
		tenths = t * 10 / c->iters;
		hc100 = hcalls * 100 / (BENCH_ROUNDS * c->iters);
		pr_raw("pvk-bench: platform=%s op=%s variant=%s cycles=%llu.%llu hypercalls=%llu.%02llu\n",
		       arch_platform_name(), c->op, variant_names[v],
		       (unsigned long long)(tenths / 10),
		       (unsigned long long)(tenths % 10),
		       (unsigned long long)(hc100 / 100),
		       (unsigned long long)(hc100 % 100));
	}
}

/**
 * bench_run - run every registered benchmark case and print the results
 */
void bench_run(void)
{
	pr_raw("# bench: cycles per operation, median of %u batches\n", BENCH_ROUNDS);
	for (const struct bench_case *const *c = __bench_cases_start;
	     c < __bench_cases_end; c++)
		run_case(*c);
	pr_raw("pvk-bench: done\n");
}
