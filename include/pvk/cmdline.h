/* SPDX-License-Identifier: MIT */
/*
 * Table-driven kernel command-line parser.
 *
 * The command line is untrusted (it comes from the boot loader or the
 * toolstack), so every problem results in a warning and the parameter
 * keeping its default; nothing is ever truncated or partially applied.
 */
#ifndef PVK_CMDLINE_H
#define PVK_CMDLINE_H

#include <pvk/types.h>

enum kparam_type { KPARAM_BOOL, KPARAM_INT, KPARAM_STRING };

/*
 * One recognised option. For KPARAM_INT the value must lie in
 * [min, max]; min == max == 0 means "any int" so that a table entry
 * which leaves both out does not reject everything but 0.
 */
struct kernel_param {
	const char *name;
	enum kparam_type type;
	void *value;	/* bool *, int *, or char[size] */
	size_t size;	/* for KPARAM_STRING: buffer size incl. the NUL */
	long min, max;	/* for KPARAM_INT: inclusive range */
};

typedef void (*cmdline_warn_fn)(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cmdline_parse(const char *cmdline, const struct kernel_param *params,
		  size_t nparams, cmdline_warn_fn warn, void *ctx);

/*
 * Comma-separated option values (selftest=a,b): walk the entries with
 * cmdline_list_next(), or ask for one with cmdline_list_has().
 */
const char *cmdline_list_next(const char **pos, size_t *len);
bool cmdline_list_has(const char *list, const char *name);

#endif /* PVK_CMDLINE_H */
