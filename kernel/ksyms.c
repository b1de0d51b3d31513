// SPDX-License-Identifier: MIT
/*
 * Symbol lookup for register dumps and backtraces.  The table is a
 * section appended at link time (see the Makefile and scripts/mksyms.py).
 */
#include <pvk/kernel.h>
#include <pvk/ksyms.h>

struct ksym_entry {
	u64 addr;
	u32 name_off;
	u32 pad;
};

extern const u8 __ksyms_start[], __ksyms_end[];

#define BACKTRACE_MAX_DEPTH 16

static u64 ksym_count(void)
{
	if (__ksyms_end - __ksyms_start < 8)
		return 0;
	return *(const u64 *)__ksyms_start;
}

/**
 * ksym_lookup - find the function containing an address
 * @addr: a kernel text address
 * @offset: set to @addr minus the function start
 *
 * Binary search over the address-sorted table; NULL when the address is
 * below the first symbol or there is no table.
 */
const char *ksym_lookup(unsigned long addr, unsigned long *offset)
{
	const struct ksym_entry *tab = (const void *)(__ksyms_start + 8);
	u64 n = ksym_count(), lo = 0, hi = n;
	const char *names = (const char *)(tab + n);

	if (!n || addr < tab[0].addr)
		return NULL;
	while (hi - lo > 1) {
		u64 mid = lo + (hi - lo) / 2;

		if (tab[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - tab[lo].addr;
	return names + tab[lo].name_off;
}

void print_symbol(const char *prefix, unsigned long addr)
{
	unsigned long off = 0;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		pr_emerg("%s%016lx %s+%#lx\n", prefix, addr, name, off);
	else
		pr_emerg("%s%016lx ?\n", prefix, addr);
}

/* Frames must be 8-aligned kernel addresses; anything else ends the walk. */
static bool frame_ok(unsigned long fp)
{
	return fp >= 0xffff800000000000UL && !(fp & 7);
}

void backtrace_from(unsigned long rbp)
{
	pr_emerg("Call trace:\n");
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH && frame_ok(rbp); depth++) {
		const unsigned long *frame = (const unsigned long *)rbp;
		unsigned long next = frame[0];

		print_symbol("  ", frame[1]);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void dump_stack(void)
{
	backtrace_from((unsigned long)__builtin_frame_address(0));
}
