// SPDX-License-Identifier: MIT
/*
 * start_kernel(): the one C start every entry stub reaches.  Core code
 * only: the platform differences are behind setup_arch() and pv_ops.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/bench.h>
#include <pvk/bootinfo.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/power.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <asm/paravirt.h>

static void print_boot_line(void)
{
	const char *report;

	pr_raw("pvk: platform=%s cpus=%u mem=%lluMiB patched=%u sites%s\n",
	       arch_platform_name(), num_online_cpus(),
	       (unsigned long long)(totalram_bytes() >> 20),
	       paravirt_patched_sites(), arch_boot_line_extra());
	report = arch_boot_report();
	if (report)
		pr_raw("%s\n", report);
}

/*
 * The first thread: runs what the command line asked for, then serves
 * until told to stop (kernel/reboot.c) or powers off with the verdict.
 */
static int kernel_init(void *unused)
{
	bool ok = true;

	print_boot_line();
	arch_init_devices();
	if (IS_ENABLED(CONFIG_BENCH) && bench_requested)
		bench_run();
	if (IS_ENABLED(CONFIG_SELFTEST))
		ok = selftest_run();
	if (kernel_serve_requested())
		kernel_serve(ok);
	machine_power_off(ok);
}

/**
 * start_kernel - common kernel start for every platform and entry
 * @br: boot record filled by the entry stub
 */
void start_kernel(struct boot_record *br)
{
	parse_kernel_options(br->cmdline);
	pr_info("pvk: entry=%s cmdline='%s'\n", br->entry, br->cmdline);

	setup_arch(br);
	sched_init();
	arch_timer_start();
	smp_init();
	kthread_run(kernel_init, NULL, "init", smp_processor_id());
	cpu_idle();
}
