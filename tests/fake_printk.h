/* SPDX-License-Identifier: MIT */
/*
 * printk() for host tests that only need the last line logged and its
 * level (the code under test logs why it refused something).
 */
#ifndef PVK_TEST_FAKE_PRINTK_H
#define PVK_TEST_FAKE_PRINTK_H

#include <stdarg.h>
#include <stdio.h>

static char last_log[256];
static int last_level;

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	last_level = level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

#endif /* PVK_TEST_FAKE_PRINTK_H */
