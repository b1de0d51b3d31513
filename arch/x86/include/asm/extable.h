/* SPDX-License-Identifier: MIT */
/*
 * Exception table: an instruction that may fault is listed with a fix-up
 * address; the fault handler resumes there instead of panicking.  Used by
 * the "safe" accessors below (MSR probing, reading possibly unmapped
 * memory) and by self-tests.
 */
#ifndef _ASM_X86_EXTABLE_H
#define _ASM_X86_EXTABLE_H

#include <pvk/types.h>
#include <pvk/errno.h>

struct exception_table_entry {
	u64 insn;
	u64 fixup;
};

#define _ASM_EXTABLE(from, to)						\
	".pushsection __ex_table, \"a\"\n\t"				\
	".balign 8\n\t"							\
	".quad " #from ", " #to "\n\t"					\
	".popsection\n\t"

/* Fix-up address for a faulting instruction, or 0. */
unsigned long search_exception_table(unsigned long rip);

/* Read a u64 that may be unmapped: 0 or -EFAULT. */
static inline int probe_read_u64(const void *addr, u64 *val)
{
	int err = 0;
	u64 v = 0;

	asm volatile("1: movq (%[p]), %[v]\n"
		     "2:\n\t"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl %[efault], %[err]\n\t"
		     "jmp 2b\n\t"
		     ".popsection\n\t"
		     _ASM_EXTABLE(1b, 3b)
		     : [err] "+r"(err), [v] "+r"(v)
		     : [p] "r"(addr), [efault] "i"(-EFAULT)
		     : "memory");
	*val = v;
	return err;
}

/* wrmsr that reports a #GP as -EIO instead of dying. */
static inline int native_wrmsr_safe(u32 msr, u64 val)
{
	int err = 0;

	asm volatile("1: wrmsr\n"
		     "2:\n\t"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl %[eio], %[err]\n\t"
		     "jmp 2b\n\t"
		     ".popsection\n\t"
		     _ASM_EXTABLE(1b, 3b)
		     : [err] "+r"(err)
		     : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)),
		       [eio] "i"(-EIO)
		     : "memory");
	return err;
}

/* rdmsr that reports a #GP as -EIO. */
static inline int native_rdmsr_safe(u32 msr, u64 *val)
{
	int err = 0;
	u32 lo = 0, hi = 0;

	asm volatile("1: rdmsr\n"
		     "2:\n\t"
		     ".pushsection .fixup, \"ax\"\n"
		     "3: movl %[eio], %[err]\n\t"
		     "jmp 2b\n\t"
		     ".popsection\n\t"
		     _ASM_EXTABLE(1b, 3b)
		     : [err] "+r"(err), "+a"(lo), "+d"(hi)
		     : "c"(msr), [eio] "i"(-EIO));
	*val = ((u64)hi << 32) | lo;
	return err;
}

#endif
