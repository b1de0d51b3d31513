/* SPDX-License-Identifier: MIT */
/* Multi-processor API seen by core code. */
#ifndef PVK_SMP_H
#define PVK_SMP_H

#include <pvk/types.h>
#include <pvk/cpumask.h>
#include <asm/smp.h>

extern struct cpumask cpu_online_mask;

static inline unsigned int num_online_cpus(void)
{
	return cpumask_weight(&cpu_online_mask);
}

typedef void (*smp_call_func_t)(void *info);

/*
 * Run @func(@info) on @cpu (directly if it is this CPU).  With @wait,
 * return only after it has run.  Returns 0 or -ENODEV if @cpu is offline.
 */
int smp_call_function_single(unsigned int cpu, smp_call_func_t func,
			     void *info, bool wait);
/* Run on every online CPU in @mask except this one. */
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t func,
			    void *info, bool wait);
/* The most CPUs to use: nosmp, maxcpus= and NR_CPUS (smpboot.c). */
unsigned int smp_cpu_limit(void);
/* Log a maxcpus= above the @found CPUs (@what: "CPUs", "vCPUs"). */
void smp_check_maxcpus(unsigned int found, const char *what);
/* Bring up the other CPUs (honours nosmp/maxcpus). */
void smp_init(void);
/* Mark the calling CPU online (arch start-up code). */
void smp_cpu_online(unsigned int cpu);
/* The calling CPU goes offline: no more calls (kernel/cpu.c). */
void smp_cpu_offline(unsigned int cpu);
/* Kick @cpu out of idle so it looks at its run queue. */
void smp_send_reschedule(unsigned int cpu);
/* Park every other CPU (panic, power-off). */
void smp_stop_other_cpus(void);

#endif
