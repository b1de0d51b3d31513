// SPDX-License-Identifier: MIT
/*
 * Fuzz target: arch/x86/boot/multiboot2.c.  The input is a multiboot2
 * information block at physical address 0, as GRUB hands it over in %ebx
 * (see boot_mem.h for how it is laid out and guarded).
 */
#include "boot_mem.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct boot_record br;

	if (!boot_mem_load(data, len))
		return -1;
	memset(&br, 0, sizeof(br));
	multiboot2_parse(&br, 0);
	return 0;
}
