// SPDX-License-Identifier: MIT
/*
 * Fuzz target: arch/x86/boot/pvh.c.  The input is the loader's memory
 * with a struct hvm_start_info at physical address 0 (where %ebx points);
 * its memory map, module list and strings are wherever its fields say
 * (see boot_mem.h for how the memory is laid out and guarded).
 */
#include "boot_mem.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct boot_record br;

	if (!boot_mem_load(data, len))
		return -1;
	memset(&br, 0, sizeof(br));
	pvh_parse(&br, 0);
	return 0;
}
