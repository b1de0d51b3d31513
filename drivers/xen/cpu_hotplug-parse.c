// SPDX-License-Identifier: MIT
/*
 * What the toolstack writes below cpu/ in our xenstore home
 * (drivers/xen/cpu_hotplug.c acts on it).  Paths and values are
 * untrusted.
 */
#include <pvk/kernel.h>
#include "cpu_hotplug-internal.h"

#define DOMAIN_PREFIX	"/local/domain/"

/* Skip "/local/domain/<digits>/" if @path starts with it. */
static const char *strip_home(const char *path)
{
	const char *p = path + strlen(DOMAIN_PREFIX);

	if (strncmp(path, DOMAIN_PREFIX, strlen(DOMAIN_PREFIX)))
		return path;
	if (*p < '0' || *p > '9')
		return path;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/' ? p + 1 : path;
}

/**
 * xen_cpu_parse_path - the vCPU a watch event's path is about
 * @path: the path that changed, relative to our home or absolute
 * @cpu: set to the vCPU number of a cpu/N/availability node
 *
 * Returns 0 for cpu/N/availability with N a decimal number (no sign, no
 * leading zero, at most XEN_CPU_NUMBER_MAX); -ENOENT for another path
 * below cpu (the directory itself, cpu/N, other nodes: nothing to do);
 * -EINVAL for an availability node whose N is not such a number.
 */
int xen_cpu_parse_path(const char *path, unsigned int *cpu)
{
	const char *p = strip_home(path), *digits;
	unsigned long n = 0;

	if (strncmp(p, "cpu/", 4))
		return -ENOENT;
	digits = p += 4;
	while (*p && *p != '/')
		p++;
	if (strcmp(p, "/availability"))
		return -ENOENT;
	if (p == digits || (digits[0] == '0' && p - digits > 1))
		return -EINVAL;
	for (const char *d = digits; d < p; d++) {
		if (*d < '0' || *d > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*d - '0');
		if (n > XEN_CPU_NUMBER_MAX)
			return -EINVAL;
	}
	*cpu = (unsigned int)n;
	return 0;
}

/**
 * xen_cpu_parse_availability - what an availability value asks for
 * @val: the node's value
 * @online: set to true for "online", false for "offline"
 *
 * Returns 0, or -EINVAL for any other value (exact match only).
 */
int xen_cpu_parse_availability(const char *val, bool *online)
{
	if (!strcmp(val, "online"))
		*online = true;
	else if (!strcmp(val, "offline"))
		*online = false;
	else
		return -EINVAL;
	return 0;
}

/**
 * xen_cpu_path_is_dir - is @path the cpu directory itself?
 * @path: a watch event's path, relative to our home or absolute
 *
 * That is the event xenstored sends when the watch is registered.
 */
bool xen_cpu_path_is_dir(const char *path)
{
	return !strcmp(strip_home(path), "cpu");
}
