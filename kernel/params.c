// SPDX-License-Identifier: MIT
/*
 * The kernel's own command-line options.  Parsing is table driven
 * (lib/cmdline.c); a bad value is logged and the default kept.
 */
#include <pvk/kernel.h>
#include <pvk/cmdline.h>
#include <pvk/params.h>

struct kernel_options kopts = {
	.loglevel = CONFIG_LOGLEVEL,
	.maxcpus = -1,
	.selftest = "all",
	.xen_blkfront_persistent = true,
};

static const struct kernel_param kernel_params[] = {
	{ "loglevel", KPARAM_INT, &kopts.loglevel, 0, 0, 7 },
	{ "nosmp", KPARAM_BOOL, &kopts.nosmp, 0, 0, 0 },
	{ "maxcpus", KPARAM_INT, &kopts.maxcpus, 0, 1, 4096 },
	{ "selftest", KPARAM_STRING, kopts.selftest, sizeof(kopts.selftest), 0, 0 },
	{ "bench", KPARAM_BOOL, &kopts.bench, 0, 0, 0 },
	{ "evtchn", KPARAM_STRING, kopts.evtchn, sizeof(kopts.evtchn), 0, 0 },
	{ "gnttab", KPARAM_STRING, kopts.gnttab, sizeof(kopts.gnttab), 0, 0 },
	{ "xen_nopvspin", KPARAM_BOOL, &kopts.xen_nopvspin, 0, 0, 0 },
	{ "ip", KPARAM_STRING, kopts.ip, sizeof(kopts.ip), 0, 0 },
	{ "xen_blkfront.persistent", KPARAM_BOOL, &kopts.xen_blkfront_persistent, 0, 0, 0 },
	{ "netfront", KPARAM_STRING, kopts.netfront, sizeof(kopts.netfront), 0, 0 },
};

static void param_warn(void *ctx, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_warn("cmdline: %s\n", buf);
}

/**
 * parse_kernel_options - fill kopts from the boot command line
 * @cmdline: NUL-terminated command line (may be empty)
 */
void parse_kernel_options(const char *cmdline)
{
	cmdline_parse(cmdline, kernel_params, ARRAY_SIZE(kernel_params),
		      param_warn, NULL);
}
