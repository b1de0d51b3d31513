// SPDX-License-Identifier: MIT
/*
 * Strings the loader points at (command lines, loader and module names),
 * copied out through boot_phys_ptr(): shared by the kernel and the host
 * tests and fuzzers of the boot-information parsers, which each supply
 * their own boot_phys_ptr().
 */
#include "boot.h"

/**
 * boot_copy_string - copy a string from loader memory, bounded twice
 * @dst: where to copy it, always NUL-terminated when @dst_size > 0
 * @dst_size: room at @dst, the terminator included
 * @phys: the string's physical address, as the loader gave it
 *
 * Stops at the string's NUL, after @dst_size - 1 bytes, or at the first
 * byte boot_phys_ptr() cannot reach (or an address that wraps), so a
 * loader's unterminated or out-of-range string is cut, never followed.
 */
void boot_copy_string(char *dst, size_t dst_size, u64 phys)
{
	size_t i;

	if (!dst_size)
		return;
	for (i = 0; i + 1 < dst_size; i++) {
		const char *c = phys + i < phys ? NULL : boot_phys_ptr(phys + i, 1);

		if (!c || !*c)
			break;
		dst[i] = *c;
	}
	dst[i] = '\0';
}
