// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the paths and values of the toolstack's cpu/N/availability
 * watch events as drivers/xen/cpu_hotplug.c reads them
 * (xen_cpu_parse_path(), xen_cpu_path_is_dir() and
 * xen_cpu_parse_availability() in drivers/xen/cpu_hotplug-parse.c).
 *
 * Input: one string, cut at the first NUL and at 127 bytes, used both
 * as a path and as a value.  Asserts that a vCPU is taken only from a
 * path that prints back as cpu/N/availability (after an optional
 * /local/domain/D/ prefix) with N in range, that a path is either taken,
 * ignored or refused, and that only the exact words are requests.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/xen/cpu_hotplug-internal.h"
#include "fuzz_check.h"

#define INPUT_MAX	128

/* The part of @path after "/local/domain/<digits>/", or @path. */
static const char *tail(const char *path)
{
	const char *p = path + 14;

	if (strncmp(path, "/local/domain/", 14) || *p < '0' || *p > '9')
		return path;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/' ? p + 1 : path;
}

static void check_path(const char *path)
{
	unsigned int cpu = 123456;
	int err = xen_cpu_parse_path(path, &cpu);
	char back[64];

	fuzz_check(!err || err == -ENOENT || err == -EINVAL, "taken, ignored or refused");
	if (err) {
		fuzz_check(cpu == 123456, "no vCPU from a path not taken");
		fuzz_check(err == -ENOENT || !strncmp(tail(path), "cpu/", 4),
			   "refused only below cpu/");
		return;
	}
	fuzz_check(cpu <= XEN_CPU_NUMBER_MAX, "the vCPU number is in range");
	snprintf(back, sizeof(back), "cpu/%u/availability", cpu);
	fuzz_check(!strcmp(tail(path), back), "the path prints back from its number");
	fuzz_check(!xen_cpu_path_is_dir(path), "a node is not the directory");
}

static void check_value(const char *val)
{
	bool online = true;
	int err = xen_cpu_parse_availability(val, &online);

	if (err) {
		fuzz_check(err == -EINVAL && online, "a refused value asks nothing");
		return;
	}
	fuzz_check(online ? !strcmp(val, "online") : !strcmp(val, "offline"),
		   "a request is taken for its exact word only");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[INPUT_MAX];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = '\0';
	check_path(s);
	check_value(s);
	return 0;
}
