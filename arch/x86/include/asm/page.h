/* SPDX-License-Identifier: MIT */
/* Page sizes and the address translations every mm user needs. */
#ifndef _ASM_X86_PAGE_H
#define _ASM_X86_PAGE_H

#include <pvk/types.h>
#include <asm/boot.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PUD_SHIFT	30
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define P4D_SHIFT	39

#define PAGE_OFFSET	((unsigned long)__PAGE_OFFSET)
#define KERNEL_MAP	((unsigned long)__START_KERNEL_map)

/* Direct map: every physical address p is visible at PAGE_OFFSET + p. */
static inline void *__va(phys_addr_t p)
{
	return (void *)(unsigned long)(p + PAGE_OFFSET);
}

static inline phys_addr_t __pa(const void *v)
{
	unsigned long a = (unsigned long)v;

	return a >= KERNEL_MAP ? a - KERNEL_MAP : a - PAGE_OFFSET;
}

/* Kernel image symbols live at KERNEL_MAP + their load address. */
#define __pa_symbol(x) ((phys_addr_t)((unsigned long)(x) - KERNEL_MAP))

#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)

extern char _text[], _etext[], _end[];
extern char __bss_start[], __bss_stop[];

#endif /* _ASM_X86_PAGE_H */
