/* SPDX-License-Identifier: MIT */
/*
 * Command-line options, declared by the code that owns them.
 *
 * Like Linux's core_param()/module_param(), each declaration puts one
 * struct kernel_param (include/pvk/cmdline.h) into the __param section;
 * parse_kernel_options() hands that section to the table-driven parser
 * in lib/cmdline.c.  So the core knows no driver's options, and a driver
 * that is not built leaves no option behind (naming it is then logged as
 * unknown, like any other typo).
 *
 *   static bool nopvspin;
 *   param_bool("xen_nopvspin", nopvspin);
 *
 * The variable holds the default until the command line is parsed, at
 * the top of start_kernel(); a malformed value leaves it untouched.
 */
#ifndef PVK_PARAMS_H
#define PVK_PARAMS_H

#include <pvk/types.h>
#include <pvk/cmdline.h>

/*
 * Entries are packed back to back as an array: the explicit alignment
 * keeps the compiler from padding each one to a larger boundary.
 */
#define __define_param(var, ...)					\
	static const struct kernel_param __param_##var			\
	__used __section("__param") __aligned(sizeof(void *)) =	\
		{ __VA_ARGS__ }

/* "name" or "name=1/y/on" sets @var, "name=0/n/off" clears it. */
#define param_bool(name, var)						\
	__define_param(var, name, KPARAM_BOOL, &(var), 0, 0, 0)

/* An int in [min, max]; anything else is logged and ignored. */
#define param_int(name, var, lo, hi)					\
	__define_param(var, name, KPARAM_INT, &(var), 0, lo, hi)

/* A string that fits the char array @var (with its NUL). */
#define param_string(name, var)						\
	__define_param(var, name, KPARAM_STRING, (var), sizeof(var), 0, 0)

/* Bounds of the __param section (the linker script, or ld on the host). */
extern const struct kernel_param __start___param[], __stop___param[];

/* Apply @cmdline to every declared option; problems are logged. */
void parse_kernel_options(const char *cmdline);

#endif
