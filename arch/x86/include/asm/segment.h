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
/*
 * User segments in the order SYSRET wants them: MSR_STAR names the
 * 32-bit code selector, and SYSRET to 64-bit mode takes SS at +8 and
 * CS at +16 (pvk runs no 32-bit user code; the entry is there for
 * that order only).
 */
#define GDT_ENTRY_USER32_CS	6
#define GDT_ENTRY_USER_DS	7
#define GDT_ENTRY_USER_CS	8
#define GDT_ENTRIES		9

#define __KERNEL_CS	(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS	(GDT_ENTRY_KERNEL_DS * 8)
#define __BOOT_CS32	(GDT_ENTRY_BOOT_CS32 * 8)
#define __TSS_SEL	(GDT_ENTRY_TSS * 8)
#define __USER32_CS	(GDT_ENTRY_USER32_CS * 8 + 3)
#define __USER_DS	(GDT_ENTRY_USER_DS * 8 + 3)
#define __USER_CS	(GDT_ENTRY_USER_CS * 8 + 3)

#endif /* _ASM_X86_SEGMENT_H */
