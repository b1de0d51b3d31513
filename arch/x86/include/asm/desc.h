/* SPDX-License-Identifier: MIT */
/* Per-CPU descriptor tables: GDT with a TSS, and the IST stacks. */
#ifndef _ASM_X86_DESC_H
#define _ASM_X86_DESC_H

#include <pvk/types.h>

struct x86_tss {
	u32 reserved0;
	u64 sp0, sp1, sp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 io_bitmap_base;
} __packed;

/* One 64-bit IDT gate. */
struct idt_entry {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

/* Load this CPU's GDT, segments, TSS and IDT; set %gs to its cpu_data. */
void cpu_init(unsigned int cpu);

#endif
