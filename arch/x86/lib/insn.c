// SPDX-License-Identifier: MIT
/*
 * The pv call-site decoder, see arch/x86/include/asm/insn.h.  Each form
 * is matched from its opcode map entry (Intel SDM Vol. 2, Appendix A)
 * and its ModRM fields, not from a list of byte strings, so an encoding
 * that is close but wrong (another register, another control register)
 * decodes as X86_INSN_BAD.
 */
#include <asm/insn.h>

#define MODRM_MOD(b)	((b) >> 6)
#define MODRM_REG(b)	(((b) >> 3) & 7)
#define MODRM_RM(b)	((b) & 7)

#define REG_RAX		0
#define REG_RSI		6
#define REG_RDI		7

static s32 le32(const u8 *p)
{
	return (s32)((u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 |
		     (u32)p[3] << 24);
}

static const char *const names[X86_NR_INSN_IDS] = {
	[X86_INSN_BAD] = "(bad)",
	[X86_INSN_NOP] = "nop",
	[X86_INSN_CALL_REL32] = "call rel32",
	[X86_INSN_CALL_RIP] = "call *disp32(%rip)",
	[X86_INSN_CLI] = "cli",
	[X86_INSN_STI] = "sti",
	[X86_INSN_HLT] = "hlt",
	[X86_INSN_PUSHF] = "pushf",
	[X86_INSN_POPF] = "popf",
	[X86_INSN_PUSH_RDI] = "push %rdi",
	[X86_INSN_POP_RAX] = "pop %rax",
	[X86_INSN_MOV_CR2_RAX] = "mov %cr2,%rax",
	[X86_INSN_MOV_CR3_RAX] = "mov %cr3,%rax",
	[X86_INSN_MOV_RAX_CR3] = "mov %rax,%cr3",
	[X86_INSN_MOV_RDI_CR3] = "mov %rdi,%cr3",
	[X86_INSN_INVLPG_RDI] = "invlpg (%rdi)",
	[X86_INSN_WBINVD] = "wbinvd",
	[X86_INSN_MOV_RDI_RAX] = "mov %rdi,%rax",
	[X86_INSN_MOV_RSI_MRDI] = "mov %rsi,(%rdi)",
	[X86_INSN_OUT_AL_IMM8] = "out %al,$imm8",
};

/**
 * x86_insn_name - printable name of a decoded form
 * @id: an id from x86_insn_decode()
 */
const char *x86_insn_name(enum x86_insn_id id)
{
	return id < X86_NR_INSN_IDS ? names[id] : names[X86_INSN_BAD];
}

/*
 * Bytes of a memory operand after the opcode: ModRM, SIB and
 * displacement (64-bit mode, 32-bit displacements), or 0 if it runs past
 * @avail.  mod 00 rm 101 is RIP-relative disp32; rm 100 brings a SIB
 * byte, whose base 101 under mod 00 means disp32 and no base.
 */
static unsigned int modrm_mem_len(const u8 *p, unsigned int avail)
{
	unsigned int mod, rm, n = 1;

	if (!avail)
		return 0;
	mod = MODRM_MOD(p[0]);
	rm = MODRM_RM(p[0]);
	if (mod == 3)
		return 0;
	if (rm == 4) {
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && MODRM_RM(p[1]) == 5)
			n += 4;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;
	return n <= avail ? n : 0;
}

/* 0F 1F /0: the multi-byte NOP ("nopl"/"nopw" with any memory operand). */
static unsigned int decode_nopl(const u8 *p, unsigned int avail)
{
	unsigned int n;

	if (avail < 3 || p[0] != 0x0f || p[1] != 0x1f || MODRM_REG(p[2]) != 0)
		return 0;
	n = modrm_mem_len(p + 2, avail - 2);
	return n ? 2 + n : 0;
}

/* Two-byte opcodes 0F xx; @p points at the 0F. */
static enum x86_insn_id decode_0f(const u8 *p, unsigned int avail,
				  unsigned int *len)
{
	u8 m;

	if (avail < 2)
		return X86_INSN_BAD;
	if (p[1] == 0x09) {
		*len = 2;
		return X86_INSN_WBINVD;
	}
	if (p[1] == 0x1f) {
		*len = decode_nopl(p, avail);
		return *len ? X86_INSN_NOP : X86_INSN_BAD;
	}
	if (avail < 3)
		return X86_INSN_BAD;
	m = p[2];
	*len = 3;
	switch (p[1]) {
	case 0x20:	/* MOV r64, CRn: mod must be 11, reg is n */
		if (MODRM_MOD(m) == 3 && MODRM_RM(m) == REG_RAX &&
		    MODRM_REG(m) == 2)
			return X86_INSN_MOV_CR2_RAX;
		if (MODRM_MOD(m) == 3 && MODRM_RM(m) == REG_RAX &&
		    MODRM_REG(m) == 3)
			return X86_INSN_MOV_CR3_RAX;
		break;
	case 0x22:	/* MOV CRn, r64 */
		if (MODRM_MOD(m) == 3 && MODRM_REG(m) == 3 &&
		    MODRM_RM(m) == REG_RDI)
			return X86_INSN_MOV_RDI_CR3;
		if (MODRM_MOD(m) == 3 && MODRM_REG(m) == 3 &&
		    MODRM_RM(m) == REG_RAX)
			return X86_INSN_MOV_RAX_CR3;
		break;
	case 0x01:	/* group 7; /7 with a memory operand is INVLPG m */
		if (MODRM_MOD(m) == 0 && MODRM_REG(m) == 7 &&
		    MODRM_RM(m) == REG_RDI)
			return X86_INSN_INVLPG_RDI;
		break;
	}
	return X86_INSN_BAD;
}

/* REX.W 89 /r: MOV r/m64, r64. */
static enum x86_insn_id decode_mov_rex_w(const u8 *p, unsigned int avail,
					 unsigned int *len)
{
	u8 m;

	if (avail < 3 || p[1] != 0x89)
		return X86_INSN_BAD;
	m = p[2];
	*len = 3;
	if (MODRM_MOD(m) == 3 && MODRM_REG(m) == REG_RDI && MODRM_RM(m) == REG_RAX)
		return X86_INSN_MOV_RDI_RAX;
	if (MODRM_MOD(m) == 0 && MODRM_REG(m) == REG_RSI && MODRM_RM(m) == REG_RDI)
		return X86_INSN_MOV_RSI_MRDI;
	return X86_INSN_BAD;
}

static enum x86_insn_id decode_one(const u8 *p, unsigned int avail,
				   struct x86_insn *insn)
{
	static const struct { u8 op; enum x86_insn_id id; } one_byte[] = {
		{ 0x90, X86_INSN_NOP }, { 0xfa, X86_INSN_CLI },
		{ 0xfb, X86_INSN_STI }, { 0xf4, X86_INSN_HLT },
		{ 0x9c, X86_INSN_PUSHF }, { 0x9d, X86_INSN_POPF },
		{ 0x57, X86_INSN_PUSH_RDI }, { 0x58, X86_INSN_POP_RAX },
	};

	for (unsigned int i = 0; i < sizeof(one_byte) / sizeof(one_byte[0]); i++) {
		if (p[0] == one_byte[i].op) {
			insn->len = 1;
			return one_byte[i].id;
		}
	}
	switch (p[0]) {
	case 0x66:	/* operand-size prefix: only on the NOP forms */
		if (avail >= 2 && p[1] == 0x90) {
			insn->len = 2;
			return X86_INSN_NOP;
		}
		insn->len = decode_nopl(p + 1, avail - 1);
		if (!insn->len)
			return X86_INSN_BAD;
		insn->len++;
		return X86_INSN_NOP;
	case 0x0f:
		return decode_0f(p, avail, &insn->len);
	case 0x48:
		return decode_mov_rex_w(p, avail, &insn->len);
	case 0xe6:
		if (avail < 2)
			return X86_INSN_BAD;
		insn->len = 2;
		insn->imm = p[1];
		return X86_INSN_OUT_AL_IMM8;
	case 0xe8:
		if (avail < 5)
			return X86_INSN_BAD;
		insn->len = 5;
		insn->imm = le32(p + 1);
		return X86_INSN_CALL_REL32;
	case 0xff:	/* group 5 /2 with mod 00 rm 101: call *disp32(%rip) */
		if (avail < 6 || p[1] != 0x15)
			return X86_INSN_BAD;
		insn->len = 6;
		insn->imm = le32(p + 2);
		return X86_INSN_CALL_RIP;
	}
	return X86_INSN_BAD;
}

/**
 * x86_insn_decode - decode one instruction of the pv call-site forms
 * @p: the bytes
 * @avail: how many bytes may be read from @p
 * @insn: receives the form, its length and its immediate
 *
 * Returns the instruction's length, or 0 (and X86_INSN_BAD) for anything
 * that is not one of the forms of enum x86_insn_id or runs past @avail.
 */
unsigned int x86_insn_decode(const u8 *p, unsigned int avail,
			     struct x86_insn *insn)
{
	*insn = (struct x86_insn){ .id = X86_INSN_BAD };
	if (!avail)
		return 0;
	insn->id = decode_one(p, avail, insn);
	if (insn->id == X86_INSN_BAD)
		*insn = (struct x86_insn){ .id = X86_INSN_BAD };
	return insn->len;
}
