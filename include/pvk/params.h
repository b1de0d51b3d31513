/* SPDX-License-Identifier: MIT */
/* Options from the kernel command line, after validation. */
#ifndef PVK_PARAMS_H
#define PVK_PARAMS_H

#include <pvk/types.h>

struct kernel_options {
	int loglevel;
	bool nosmp;
	int maxcpus;		/* -1: every CPU found */
	char selftest[128];	/* "all", "none", or a comma list of suites */
	bool bench;
	char evtchn[8];		/* Xen event channel ABI: "" (best) or "2l" */
	char gnttab[8];		/* Xen grant tables: "" or "auto", "v1", "v2" */
	bool xen_nopvspin;	/* Xen: spinlock waiters spin, never block */
	char ip[32];		/* network address, "10.0.0.2/24"; "" for none */
	bool xen_blkfront_persistent;	/* 0: per-request grants of bounce pages */
	char netfront[64];	/* Xen netfront options, drivers/net/xen-netfront.c */
};

extern struct kernel_options kopts;

/* Parse @cmdline into kopts; unknown or malformed options are logged. */
void parse_kernel_options(const char *cmdline);

#endif
