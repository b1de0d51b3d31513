// SPDX-License-Identifier: MIT
/*
 * vCPU hot-plug by the toolstack: `xl vcpu-set` writes "online" or
 * "offline" to cpu/N/availability in our xenstore home for each vCPU N
 * the domain may have; pvk takes vCPU N offline or back online through
 * the core's remove_cpu()/add_cpu() (kernel/cpu.c), which log the
 * result and refuse vCPU 0.  A node of a vCPU that does not exist (or
 * that maxcpus= left out), a malformed path or a value that is neither
 * is refused here, with a log line.
 *
 * One watch on cpu/ sees every node below it, also ones for vCPUs that
 * do not exist.  xenstored fires it once at registration with the
 * directory itself: then each vCPU's node is read, so a domain created
 * with fewer vCPUs than its maximum takes the others offline at boot.
 */
#include <pvk/kernel.h>
#include <pvk/cpu.h>
#include <pvk/smp.h>
#include <xen/cpu_hotplug.h>
#include <xen/xenbus.h>
#include "cpu_hotplug-internal.h"
#include "manage-internal.h"

#define PATH_LOG_MAX	64

/* Apply the availability node of @cpu at @path. */
static void apply(const char *path, unsigned int cpu)
{
	char val[XEN_CPU_VALUE_MAX];
	bool online;
	int n;

	if (cpu >= nr_cpu_ids) {
		pr_warn("xen: cpu/%u/availability: no such vCPU (there are %u), refused\n",
			cpu, nr_cpu_ids);
		return;
	}
	n = xenbus_read(XBT_NIL, path, NULL, val, sizeof(val));
	if (n == -ENOENT)
		return;
	if (n < 0 && n != -E2BIG) {
		pr_warn("xen: cpu/%u/availability unreadable (%d), ignored\n", cpu, n);
		return;
	}
	if (n < 0 || xen_cpu_parse_availability(val, &online)) {
		xen_manage_printable(val);
		pr_warn("xen: cpu/%u/availability '%s%s' is neither online nor offline, refused\n",
			cpu, val, n < 0 ? "(too long)" : "");
		return;
	}
	if (online)
		add_cpu(cpu);
	else
		remove_cpu(cpu);
}

/* The first event: every vCPU pvk can use, in order. */
static void apply_all(void)
{
	char path[32];

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		snprintf(path, sizeof(path), "cpu/%u/availability", cpu);
		apply(path, cpu);
	}
}

static void cpu_changed(struct xenbus_watch *watch, const char *path,
			const char *token)
{
	char shown[PATH_LOG_MAX];
	unsigned int cpu;
	int err = xen_cpu_parse_path(path, &cpu);

	if (!err) {
		apply(path, cpu);
		return;
	}
	if (err == -EINVAL) {
		strlcpy(shown, path, sizeof(shown));
		xen_manage_printable(shown);
		pr_warn("xen: '%s' names no vCPU, refused\n", shown);
		return;
	}
	if (xen_cpu_path_is_dir(path))
		apply_all();
}

static struct xenbus_watch cpu_watch = {
	.node = "cpu",
	.callback = cpu_changed,
};

/**
 * xen_cpu_hotplug_init - obey cpu/N/availability
 *
 * Called by the Xen platform once xenstore is up, where the platform
 * can hot-plug vCPUs.  Returns 0 or the watch's error (logged).
 */
int xen_cpu_hotplug_init(void)
{
	int err;

	if (!xenbus_available() || !cpu_hotplug_supported())
		return -ENODEV;
	err = register_xenbus_watch(&cpu_watch);
	if (err)
		pr_err("xen: cannot watch cpu/: %d\n", err);
	else
		pr_info("xen: cpu/N/availability watched (%u vCPUs)\n", nr_cpu_ids);
	return err;
}
