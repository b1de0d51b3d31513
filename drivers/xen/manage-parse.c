// SPDX-License-Identifier: MIT
/*
 * What the toolstack writes to control/shutdown and control/sysrq
 * (drivers/xen/manage.c acts on it).  Both values are untrusted.
 */
#include <pvk/kernel.h>
#include "manage-internal.h"

static const struct {
	const char *value;
	enum shutdown_kind kind;
} shutdown_values[] = {
	{ "poweroff", SHUTDOWN_KIND_POWEROFF },
	{ "halt", SHUTDOWN_KIND_HALT },
	{ "reboot", SHUTDOWN_KIND_REBOOT },
};

/**
 * xen_manage_parse_shutdown - the request a control/shutdown value makes
 * @val: the node's value
 * @kind: set to the request; SHUTDOWN_KIND_NONE for "" (no request, or
 *        one already acknowledged)
 *
 * Returns 0, -EOPNOTSUPP for "suspend" (not a shutdown kind: manage.c
 * hands it to the platform, which may be unable to suspend), or -EINVAL
 * for any other value.
 */
int xen_manage_parse_shutdown(const char *val, enum shutdown_kind *kind)
{
	*kind = SHUTDOWN_KIND_NONE;
	if (!val[0])
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(shutdown_values); i++) {
		if (!strcmp(val, shutdown_values[i].value)) {
			*kind = shutdown_values[i].kind;
			return 0;
		}
	}
	return strcmp(val, "suspend") ? -EINVAL : -EOPNOTSUPP;
}

/**
 * xen_manage_parse_sysrq - the key a control/sysrq value presses
 * @val: the node's value
 * @key: set to the key, or '\0' for "" (none pressed)
 *
 * Returns 0, or -EINVAL unless @val is empty or one printable character.
 */
int xen_manage_parse_sysrq(const char *val, char *key)
{
	*key = '\0';
	if (!val[0])
		return 0;
	if (val[1] || val[0] <= ' ' || val[0] > '~')
		return -EINVAL;
	*key = val[0];
	return 0;
}

/**
 * xen_manage_printable - make an untrusted value safe to log
 * @s: NUL-terminated; each byte outside printable ASCII becomes '?'
 */
void xen_manage_printable(char *s)
{
	for (; *s; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}
