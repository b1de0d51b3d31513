// SPDX-License-Identifier: MIT
/*
 * start_kernel(): the one C start every entry stub reaches.  Core code
 * only: the platform differences are behind setup_arch() and pv_ops.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/bench.h>
#include <pvk/bootinfo.h>
#include <pvk/initramfs.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/power.h>
#include <pvk/process.h>
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
 * init="/path args": the program of the initramfs to run first, as
 * PID 1.  When it ends, pvk goes on as without it (self-tests, serve or
 * power off).
 */
static char init_cmd[256];
param_string("init", init_cmd);
static struct init_result init_result;

const struct init_result *init_process_result(void)
{
	return &init_result;
}

static void run_init_process(void)
{
	const char *argv[PROCESS_ARGS_MAX + 1] = { NULL };
	static char words[sizeof(init_cmd)];
	struct process *p;
	int argc = 0, status, err;
	char *w = words;

	if (!initramfs_present()) {
		pr_warn("init: cannot run '%s': no initramfs\n", init_cmd);
		return;
	}
	strlcpy(words, init_cmd, sizeof(words));
	while (*w && argc < PROCESS_ARGS_MAX) {
		while (*w == ' ')
			*w++ = '\0';
		if (*w)
			argv[argc++] = w;
		while (*w && *w != ' ')
			w++;
	}
	if (!argc)
		return;
	p = process_spawn(argv[0], argv, NULL);
	if (!p) {
		pr_warn("init: cannot start '%s': out of memory\n", argv[0]);
		return;
	}
	init_result.ran = true;
	init_result.pid = p->pid;
	status = process_wait(p, &err);
	init_result.status = status;
	init_result.exec_error = err;
	if (err)
		pr_info("init: %s could not run (error %d)\n", argv[0], err);
	else if (WIFEXITED(status))
		pr_info("init: %s exited with status %d\n", argv[0],
			WEXITSTATUS(status));
	else
		pr_info("init: %s killed by signal %d\n", argv[0], WTERMSIG(status));
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
	if (init_cmd[0])
		run_init_process();
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
	initramfs_init(br);
	sched_init();
	arch_timer_start();
	smp_init();
	kthread_run(kernel_init, NULL, "init", smp_processor_id());
	cpu_idle();
}
