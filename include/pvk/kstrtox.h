/* SPDX-License-Identifier: MIT */
/*
 * Strict string to integer conversion.
 *
 * Unlike strtoul() these reject anything that is not entirely a number:
 * no leading or trailing whitespace, no trailing newline, no "+" sign and
 * no "-" for the unsigned variants. They are meant for untrusted input
 * such as xenstore values. On error *res is left untouched.
 */
#ifndef PVK_KSTRTOX_H
#define PVK_KSTRTOX_H

#include <pvk/types.h>

int kstrtou64(const char *s, unsigned int base, u64 *res);
int kstrtos64(const char *s, unsigned int base, s64 *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);

#endif /* PVK_KSTRTOX_H */
