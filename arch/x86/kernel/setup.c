// SPDX-License-Identifier: MIT
/*
 * setup_arch(): pick the platform, install its pv_ops backend, patch all
 * call sites once, then set up traps, memory and the platform's devices.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/arch.h>
#include <pvk/mm.h>
#include <pvk/power.h>
#include <asm/desc.h>
#include <asm/paravirt.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/traps.h>

const struct x86_platform *x86_platform = &native_platform;

/**
 * bench_hypercall_count - hypercalls made so far on this CPU
 *
 * Built whatever CONFIG_BENCH says: the benchmarks and the network
 * serve self-test both count hypercalls.  Returns 0 where the platform
 * has no hypervisor.
 */
u64 bench_hypercall_count(void)
{
	return x86_platform->hypercall_count ? x86_platform->hypercall_count() : 0;
}

/**
 * hypercall_count_all_cpus - hypercalls made so far, all CPUs together
 *
 * What bench_hypercall_count() counts, summed over every CPU: for
 * measuring operations that wake other CPUs (user processes talking over
 * pipes, TLB shootdowns).  Returns 0 where the platform has no
 * hypervisor.
 */
u64 hypercall_count_all_cpus(void)
{
	return x86_platform->hypercall_count_all ?
	       x86_platform->hypercall_count_all() : 0;
}

/* Platforms in order of preference; the native one matches anything. */
static const struct x86_platform *const platforms[] = {
#if IS_ENABLED(CONFIG_XEN)
	&xen_pv_platform,
	&xen_pvh_platform,
	&xen_hvm_platform,
#endif
	&native_platform,
};

bool cpu_has_hypervisor(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return c & (1U << 31);
}

static void select_platform(struct boot_record *br)
{
	for (size_t i = 0; i < ARRAY_SIZE(platforms); i++) {
		if (platforms[i]->detect(br)) {
			x86_platform = platforms[i];
			break;
		}
	}
	pr_info("platform: %s (entry %s)\n", x86_platform->name, br->entry);
	x86_platform->init_pv_ops(br);
}

void setup_arch(struct boot_record *br)
{
	arch_local_irq_disable();
	select_platform(br);
	apply_paravirt();
	trap_init();
	cpu_init(0);
	mm_init(br);
	x86_platform->init_late(br);
}

const char *arch_platform_name(void)
{
	return x86_platform->name;
}

const char *arch_boot_line_extra(void)
{
	return x86_platform->boot_line_extra ? x86_platform->boot_line_extra() : "";
}

const char *arch_boot_report(void)
{
	return x86_platform->boot_report ? x86_platform->boot_report() : NULL;
}

/**
 * arch_cpu_report - one line on how @cpu receives interrupts, read from here
 * @cpu: the CPU described (usually another one)
 * @buf: where the line goes ("" when the platform has nothing to say)
 * @size: its size
 *
 * Under Xen: the vCPU's upcall flags and its timer's event, which are
 * shared memory, so a silent vCPU can be looked at from a live one.
 */
void arch_cpu_report(unsigned int cpu, char *buf, size_t size)
{
	buf[0] = '\0';
	if (x86_platform->cpu_report)
		x86_platform->cpu_report(cpu, buf, size);
}

bool arch_idle_lost_interrupts(void)
{
	return x86_platform->idle_lost_interrupts &&
	       x86_platform->idle_lost_interrupts();
}

void arch_timer_start(void)
{
	x86_platform->timer_start();
}

void arch_timer_idle(u64 deadline_ns)
{
	x86_platform->timer_idle(deadline_ns);
}

void arch_timer_busy(void)
{
	x86_platform->timer_busy();
}

u64 arch_timer_tick_left(void)
{
	return x86_platform->timer_tick_left ? x86_platform->timer_tick_left() : U64_MAX;
}

bool arch_cpu_hotplug(void)
{
	return x86_platform->cpu_die && x86_platform->cpu_wake &&
	       x86_platform->cpu_stopped;
}

void arch_cpu_die(void)
{
	x86_platform->cpu_die();
}

bool arch_cpu_stopped(unsigned int cpu)
{
	return x86_platform->cpu_stopped(cpu);
}

int arch_cpu_wake(unsigned int cpu)
{
	return x86_platform->cpu_wake(cpu);
}

void arch_init_devices(void)
{
	if (x86_platform->init_devices)
		x86_platform->init_devices();
}

__noreturn void machine_power_off(bool success)
{
	x86_platform->power_off(success);
}

__noreturn void machine_restart(void)
{
	x86_platform->restart();
}

void machine_shutdown_devices(void)
{
	if (x86_platform->shutdown_devices)
		x86_platform->shutdown_devices();
}

__noreturn void machine_crash(void)
{
	if (x86_platform->crash)
		x86_platform->crash();
	x86_platform->power_off(false);
}

__noreturn void machine_halt(void)
{
	x86_platform->halt();
}
