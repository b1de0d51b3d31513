/* SPDX-License-Identifier: MIT */
/*
 * Instruction encoders for the boot-time pv_ops patcher.
 *
 * A pv_ops call site starts out as an indirect call through the ops
 * table and is rewritten once at boot into a direct call or inline code,
 * padded with NOPs to the original site length. These helpers only build
 * and recognise byte sequences; making the text writable and
 * serialising afterwards is the caller's job.
 */
#ifndef _ASM_X86_PARAVIRT_PATCH_H
#define _ASM_X86_PARAVIRT_PATCH_H

#include <pvk/types.h>

#define PARAVIRT_CALL_LEN	5	/* E8 rel32 */
#define PARAVIRT_NOP_MAX	9	/* longest recommended NOP */

void paravirt_fill_nops(u8 *p, unsigned int len);
int paravirt_encode_call(u8 *insn, unsigned int len, u64 site_addr,
			 u64 target);
int paravirt_encode_inline(u8 *insn, unsigned int len, const u8 *code,
			   unsigned int code_len);
bool paravirt_is_indirect_call(const u8 *insn, unsigned int len);
bool paravirt_decode_call(const u8 *insn, unsigned int len, u64 site_addr,
			  u64 *target);
bool paravirt_is_nop_padding(const u8 *p, unsigned int len);

#endif /* _ASM_X86_PARAVIRT_PATCH_H */
