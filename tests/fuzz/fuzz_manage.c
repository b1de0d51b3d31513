// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the toolstack's control/shutdown and control/sysrq values
 * as drivers/xen/manage.c reads them (xen_manage_parse_shutdown(),
 * xen_manage_parse_sysrq() and xen_manage_printable() in
 * drivers/xen/manage-parse.c).
 *
 * Input: the value's bytes, cut at the first NUL and at the length
 * manage.c reads (XEN_MANAGE_VALUE_MAX - 1), as xenbus_read() hands it
 * over.  Asserts that a request is taken only for the exact words, that
 * a key is one printable character, and that a value made printable
 * keeps its length and holds printable ASCII only.
 */
#include <stdint.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/xen/manage-internal.h"
#include "fuzz_check.h"

static void check_shutdown(const char *val)
{
	enum shutdown_kind kind = (enum shutdown_kind)-1;
	int err = xen_manage_parse_shutdown(val, &kind);

	if (err) {
		fuzz_check(kind == SHUTDOWN_KIND_NONE, "a refused value requests nothing");
		fuzz_check(err == (strcmp(val, "suspend") ? -EINVAL : -EOPNOTSUPP),
			   "only suspend is known but unsupported");
		return;
	}
	fuzz_check(kind == SHUTDOWN_KIND_NONE ? !val[0] :
		   (kind == SHUTDOWN_KIND_POWEROFF && !strcmp(val, "poweroff")) ||
		   (kind == SHUTDOWN_KIND_REBOOT && !strcmp(val, "reboot")) ||
		   (kind == SHUTDOWN_KIND_HALT && !strcmp(val, "halt")),
		   "a request is taken for its exact word only");
}

static void check_sysrq(const char *val)
{
	char key = 'x';
	int err = xen_manage_parse_sysrq(val, &key);

	fuzz_check(key == '\0' || (!err && key == val[0]), "the key is the value");
	if (err) {
		fuzz_check(err == -EINVAL && key == '\0', "a bad value presses nothing");
		return;
	}
	fuzz_check(!val[0] || (!val[1] && key > ' ' && key <= '~'),
		   "a key is one printable character");
}

static void check_printable(char *val)
{
	size_t len = strlen(val);

	xen_manage_printable(val);
	fuzz_check(strlen(val) == len, "printable keeps the length");
	for (size_t i = 0; i < len; i++)
		fuzz_check(val[i] >= ' ' && val[i] <= '~', "printable ASCII only");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char val[XEN_MANAGE_VALUE_MAX];
	size_t n = size < sizeof(val) - 1 ? size : sizeof(val) - 1;

	memcpy(val, data, n);
	val[n] = '\0';
	check_shutdown(val);
	check_sysrq(val);
	check_printable(val);
	return 0;
}
