/* SPDX-License-Identifier: MIT */
/*
 * Bounded formatted output.
 *
 * Supports %d %i %u %x %X %o %c %s %p %% with the flags "-0+ #", a
 * width and a precision (both may be '*') and the length modifiers
 * hh h l ll z t j. There is no floating point and no %n. %p prints
 * "0x" followed by exactly 16 hex digits. Unknown conversions are
 * copied to the output literally.
 *
 * Host unit tests link the C library as well, so with PVK_HOST_TEST the
 * functions are renamed to avoid clashing with libc's.
 */
#ifndef PVK_VSPRINTF_H
#define PVK_VSPRINTF_H

#include <stdarg.h>
#include <pvk/types.h>

#ifdef PVK_HOST_TEST
#define vsnprintf pvk_vsnprintf
#define snprintf pvk_snprintf
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* PVK_VSPRINTF_H */
