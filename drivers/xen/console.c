// SPDX-License-Identifier: MIT
/*
 * Console of a Xen PV dom0: HYPERVISOR_console_io writes straight to
 * Xen's own console (its serial line).  Synchronous and usable from the
 * first instruction of the PV entry to the last one of a panic.
 */
#include <pvk/kernel.h>
#include <pvk/console.h>
#include <asm/xen/hypercall.h>

#define XEN_CONSOLE_CHUNK 256	/* Xen copies at most a page per call */

static void xen_console_write(struct console *con, const char *s, size_t len)
{
	while (len) {
		int n = len > XEN_CONSOLE_CHUNK ? XEN_CONSOLE_CHUNK : (int)len;

		if (HYPERVISOR_console_io(CONSOLEIO_write, n, s) < 0)
			return;
		s += n;
		len -= n;
	}
}

static struct console xen_console = {
	.name = "xen-console",
	.write = xen_console_write,
};

/**
 * xen_console_init - register the console_io console
 *
 * Xen only accepts console_io writes from dom0 (unless it was built for
 * guest debugging), which is what pvk is here.
 */
void xen_console_init(void)
{
	register_console(&xen_console);
}
