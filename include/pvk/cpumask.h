/* SPDX-License-Identifier: MIT */
/* CPU sets.  NR_CPUS is at most 64 (Kconfig), so one word holds a set. */
#ifndef PVK_CPUMASK_H
#define PVK_CPUMASK_H

#include <pvk/types.h>

#define NR_CPUS CONFIG_NR_CPUS
_Static_assert(NR_CPUS <= 64, "cpumask holds at most 64 CPUs");

struct cpumask {
	u64 bits;
};

static inline void cpumask_clear(struct cpumask *m)
{
	m->bits = 0;
}

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_or(&m->bits, 1ULL << cpu, __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_and(&m->bits, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return (__atomic_load_n(&m->bits, __ATOMIC_SEQ_CST) >> cpu) & 1;
}

static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	u64 b = __atomic_load_n(&m->bits, __ATOMIC_SEQ_CST);
	unsigned int n = 0;

	/* No popcnt instruction assumed: clear the lowest set bit each step. */
	for (; b; b &= b - 1)
		n++;
	return n;
}

static inline bool cpumask_empty(const struct cpumask *m)
{
	return __atomic_load_n(&m->bits, __ATOMIC_SEQ_CST) == 0;
}

#define for_each_cpu(cpu, mask)						\
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)			\
		if (cpumask_test_cpu((cpu), (mask)))

#endif /* PVK_CPUMASK_H */
