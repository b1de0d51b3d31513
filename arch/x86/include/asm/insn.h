/* SPDX-License-Identifier: MIT */
/*
 * A tiny x86-64 decoder for the instructions a patched pv_ops call site
 * can hold, and nothing else: direct and RIP-relative indirect calls,
 * the native instructions the bare-metal backend inlines, and NOPs.
 *
 * It is written from the Intel SDM opcode tables, independently of the
 * patcher's encoders (asm/paravirt-patch.h), so the paravirt self-test
 * can check what the patcher wrote with something that did not write
 * it.  Pure: the host unit tests build it too.
 */
#ifndef _ASM_X86_INSN_H
#define _ASM_X86_INSN_H

#include <pvk/types.h>

enum x86_insn_id {
	X86_INSN_BAD,		/* none of the forms below, or truncated */
	X86_INSN_NOP,		/* 90, 66 90, [66] 0F 1F /0 */
	X86_INSN_CALL_REL32,	/* E8 cd */
	X86_INSN_CALL_RIP,	/* FF 15 cd: call *disp32(%rip) */
	X86_INSN_CLI,		/* FA */
	X86_INSN_STI,		/* FB */
	X86_INSN_HLT,		/* F4 */
	X86_INSN_PUSHF,		/* 9C */
	X86_INSN_POPF,		/* 9D */
	X86_INSN_PUSH_RDI,	/* 57 */
	X86_INSN_POP_RAX,	/* 58 */
	X86_INSN_MOV_CR2_RAX,	/* 0F 20 D0 */
	X86_INSN_MOV_CR3_RAX,	/* 0F 20 D8 */
	X86_INSN_MOV_RAX_CR3,	/* 0F 22 D8 */
	X86_INSN_MOV_RDI_CR3,	/* 0F 22 DF */
	X86_INSN_INVLPG_RDI,	/* 0F 01 3F: invlpg (%rdi) */
	X86_INSN_WBINVD,	/* 0F 09 */
	X86_INSN_MOV_RDI_RAX,	/* 48 89 F8 */
	X86_INSN_MOV_RSI_MRDI,	/* 48 89 37: mov %rsi,(%rdi) */
	X86_INSN_OUT_AL_IMM8,	/* E6 ib */
	X86_NR_INSN_IDS
};

struct x86_insn {
	enum x86_insn_id id;
	unsigned int len;	/* bytes; 0 for X86_INSN_BAD */
	s64 imm;		/* rel32/disp32 sign-extended, or the imm8 */
};

unsigned int x86_insn_decode(const u8 *p, unsigned int avail,
			     struct x86_insn *insn);
const char *x86_insn_name(enum x86_insn_id id);

#endif /* _ASM_X86_INSN_H */
