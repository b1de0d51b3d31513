// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the kernel command line (lib/cmdline.c, lib/kstrtox.c)
 * and the parsers that later read the string options' values.
 *
 * The input is the command line as a loader passes it: bytes up to the
 * first NUL, in a heap buffer of exactly that size plus the NUL.  The
 * option table has the same names, types, ranges and buffer sizes as the
 * kernel's param_*() declarations (include/pvk/params.h), which live in
 * driver files the host cannot build; each string value then goes
 * through the parser its owner runs on it (evtchn= is only compared with
 * strcmp(), so it has none).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/cmdline.h>
#include <pvk/net.h>
#include <asm/xen/callback.h>
#include <asm/xen/platform-pci-unplug.h>
#include "../../drivers/xen/grant-table-version.h"
#include "../../drivers/net/xen-netfront.h"
#include "host_strlcpy.h"

static char warning[160];

/* What platform-pci-unplug.c and xen-netfront-config.c log through. */
void printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(warning, sizeof(warning), fmt, ap);
	va_end(ap);
}

/* As kernel/params.c does: the warning is formatted for real. */
static void param_warn(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vsnprintf(warning, sizeof(warning), fmt, ap);
	va_end(ap);
}

static bool xen_nopv, xen_nopvspin, nosmp, bench, serve, blk_persistent, dhcp;
static int maxcpus, loglevel;
static char xen_emul_unplug[8], xen_callback[8], selftest[128], gnttab[8],
	evtchn[8], netfront[64], ip[80], init[256];

/* Owner of each: see the param_*() line in the file named. */
static const struct kernel_param params[] = {
	/* platform-pci-unplug.c */
	{ "xen_emul_unplug", KPARAM_STRING, xen_emul_unplug, sizeof(xen_emul_unplug), 0, 0 },
	/* hvm_callback.c */
	{ "xen_callback", KPARAM_STRING, xen_callback, sizeof(xen_callback), 0, 0 },
	/* enlighten_hvm.c, spinlock.c, smpboot.c */
	{ "xen_nopv", KPARAM_BOOL, &xen_nopv, 0, 0, 0 },
	{ "xen_nopvspin", KPARAM_BOOL, &xen_nopvspin, 0, 0, 0 },
	{ "nosmp", KPARAM_BOOL, &nosmp, 0, 0, 0 },
	{ "maxcpus", KPARAM_INT, &maxcpus, 0, 1, 4096 },
	/* kernel/printk.c, selftest.c, bench.c, reboot.c */
	{ "loglevel", KPARAM_INT, &loglevel, 0, 0, 7 },
	{ "selftest", KPARAM_STRING, selftest, sizeof(selftest), 0, 0 },
	{ "bench", KPARAM_BOOL, &bench, 0, 0, 0 },
	{ "serve", KPARAM_BOOL, &serve, 0, 0, 0 },
	/* kernel/main.c */
	{ "init", KPARAM_STRING, init, sizeof(init), 0, 0 },
	/* grant-table.c, events_base.c */
	{ "gnttab", KPARAM_STRING, gnttab, sizeof(gnttab), 0, 0 },
	{ "evtchn", KPARAM_STRING, evtchn, sizeof(evtchn), 0, 0 },
	/* xen-netfront.c, xen-blkfront.c */
	{ "netfront", KPARAM_STRING, netfront, sizeof(netfront), 0, 0 },
	{ "ip", KPARAM_STRING, ip, sizeof(ip), 0, 0 },
	{ "xen_blkfront.persistent", KPARAM_BOOL, &blk_persistent, 0, 0, 0 },
	/* net/dhcp-client.c */
	{ "dhcp", KPARAM_BOOL, &dhcp, 0, 0, 0 },
};

/* What each owner does with its string once the line is parsed. */
static void parse_values(void)
{
	enum xen_unplug_mode unplug;
	enum gnttab_mode gmode = GNTTAB_MODE_AUTO;
	struct xennet_options nf;
	const char *pos = selftest;
	unsigned int prefix;
	char why[128];
	size_t len;
	bool known;
	u32 addr;

	xen_unplug_parse_mode(xen_emul_unplug, &unplug);
	xen_callback_parse(xen_callback, &known);
	gnttab_parse_mode(gnttab, &gmode);
	gnttab_choose_version(gmode, 1L << 30, false, why, sizeof(why));
	while (cmdline_list_next(&pos, &len))
		;
	cmdline_list_has(selftest, "xenbus");
	xennet_parse_options(netfront, &nf);
	for (unsigned int i = 0; i < XENNET_MAX_IPS; i++) {
		char one[sizeof(ip)];

		if (xennet_ip_nth(ip, i, one, sizeof(one)))
			break;
		net_parse_ipv4_cidr(one, &addr, &prefix);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	char *line = malloc(len + 1);

	if (!line)
		abort();
	memcpy(line, data, len);
	line[len] = '\0';
	memset(xen_emul_unplug, 0, sizeof(xen_emul_unplug));
	strcpy(xen_callback, "percpu");
	strcpy(selftest, "all");
	memset(gnttab, 0, sizeof(gnttab));
	memset(netfront, 0, sizeof(netfront));
	memset(ip, 0, sizeof(ip));
	cmdline_parse(line, params, sizeof(params) / sizeof(params[0]),
		      param_warn, NULL);
	parse_values();
	free(line);
	return 0;
}
