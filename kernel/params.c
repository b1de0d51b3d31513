// SPDX-License-Identifier: MIT
/*
 * The command line against every option the image declares (the __param
 * section, see include/pvk/params.h).  Parsing is table driven
 * (lib/cmdline.c): an unknown option or a bad value is logged and the
 * option keeps its default.
 */
#include <pvk/kernel.h>
#include <pvk/params.h>

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
 * parse_kernel_options - apply the boot command line to the options
 * @cmdline: NUL-terminated command line (may be empty)
 */
void parse_kernel_options(const char *cmdline)
{
	cmdline_parse(cmdline, __start___param,
		      (size_t)(__stop___param - __start___param), param_warn, NULL);
}
