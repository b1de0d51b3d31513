/* SPDX-License-Identifier: MIT */
/*
 * GDT layout shared by the boot stubs, the per-CPU GDT and the AP
 * trampoline.
 */
#ifndef _ASM_X86_SEGMENT_H
#define _ASM_X86_SEGMENT_H

#define GDT_ENTRY_KERNEL_CS	1
#define GDT_ENTRY_KERNEL_DS	2
#define GDT_ENTRY_BOOT_CS32	3
#define GDT_ENTRY_TSS		4	/* 16 bytes: entries 4 and 5 */
#define GDT_ENTRIES		6

#define __KERNEL_CS	(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS	(GDT_ENTRY_KERNEL_DS * 8)
#define __BOOT_CS32	(GDT_ENTRY_BOOT_CS32 * 8)
#define __TSS_SEL	(GDT_ENTRY_TSS * 8)

#endif /* _ASM_X86_SEGMENT_H */
