/* SPDX-License-Identifier: MIT */
/*
 * Where the kernel lives: physical load address, the high kernel mapping
 * and the direct map of all physical memory (same places as Linux, so a
 * Xen PV loader and a reader of Linux find things where they expect).
 */
#ifndef _ASM_X86_BOOT_H
#define _ASM_X86_BOOT_H

#define LOAD_PHYSICAL_ADDR	0x100000
#define __START_KERNEL_map	0xffffffff80000000
#define __PAGE_OFFSET		0xffff888000000000

#define BOOT_STACK_SIZE		0x4000

/* Which entry stub ran; passed in %edi to x86_64_start_kernel(). */
#define BOOT_ENTRY_MULTIBOOT2	1
#define BOOT_ENTRY_PVH		2
#define BOOT_ENTRY_XEN_PV	3

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

#endif /* _ASM_X86_BOOT_H */
