/* SPDX-License-Identifier: MIT */
/* Kernel symbol table (built by scripts/mksyms.py) and backtraces. */
#ifndef PVK_KSYMS_H
#define PVK_KSYMS_H

#include <pvk/types.h>

/* Name of the function containing @addr, and the offset into it. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);
void print_symbol(const char *prefix, unsigned long addr);
/* Walk the frame-pointer chain starting at @rbp and print each caller. */
void backtrace_from(unsigned long rbp);

#endif
