/* SPDX-License-Identifier: MIT */
/* Register frame saved by the interrupt and exception entry code. */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H

#include <pvk/types.h>

struct pt_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};

#endif
