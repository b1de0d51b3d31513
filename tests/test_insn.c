// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/lib/insn.c, the pv call-site decoder.  The
 * encodings below are written out from the Intel SDM (and checked
 * against GNU as), not taken from the patcher or the native backend.
 */
#include <string.h>
#include <asm/insn.h>
#include "harness.h"

struct sample {
	const char *bytes;
	unsigned int len;
	enum x86_insn_id id;
};

#define S(b, id) { b, sizeof(b) - 1, id }

static const struct sample good[] = {
	S("\xfa", X86_INSN_CLI),
	S("\xfb", X86_INSN_STI),
	S("\xf4", X86_INSN_HLT),
	S("\x9c", X86_INSN_PUSHF),
	S("\x9d", X86_INSN_POPF),
	S("\x57", X86_INSN_PUSH_RDI),
	S("\x58", X86_INSN_POP_RAX),
	S("\x0f\x20\xd0", X86_INSN_MOV_CR2_RAX),
	S("\x0f\x20\xd8", X86_INSN_MOV_CR3_RAX),
	S("\x0f\x22\xd8", X86_INSN_MOV_RAX_CR3),
	S("\x0f\x22\xdf", X86_INSN_MOV_RDI_CR3),
	S("\x0f\x01\x3f", X86_INSN_INVLPG_RDI),
	S("\x0f\x09", X86_INSN_WBINVD),
	S("\x48\x89\xf8", X86_INSN_MOV_RDI_RAX),
	S("\x48\x89\x37", X86_INSN_MOV_RSI_MRDI),
	S("\xe6\x80", X86_INSN_OUT_AL_IMM8),
	S("\xe8\x10\x00\x00\x00", X86_INSN_CALL_REL32),
	S("\xff\x15\xf0\xff\xff\xff", X86_INSN_CALL_RIP),
	/* Intel SDM Vol. 2B, "Recommended Multi-Byte Sequence of NOP" */
	S("\x90", X86_INSN_NOP),
	S("\x66\x90", X86_INSN_NOP),
	S("\x0f\x1f\x00", X86_INSN_NOP),
	S("\x0f\x1f\x40\x00", X86_INSN_NOP),
	S("\x0f\x1f\x44\x00\x00", X86_INSN_NOP),
	S("\x66\x0f\x1f\x44\x00\x00", X86_INSN_NOP),
	S("\x0f\x1f\x80\x00\x00\x00\x00", X86_INSN_NOP),
	S("\x0f\x1f\x84\x00\x00\x00\x00\x00", X86_INSN_NOP),
	S("\x66\x0f\x1f\x84\x00\x00\x00\x00\x00", X86_INSN_NOP),
	/* other operands of 0F 1F /0 are NOPs too */
	S("\x0f\x1f\x05\x00\x00\x00\x00", X86_INSN_NOP),
	S("\x0f\x1f\x04\x25\x00\x00\x00\x00", X86_INSN_NOP),
};

/* Close to a form, but another instruction (or not one at all). */
static const struct sample bad[] = {
	S("\x0f\x20\xc0", X86_INSN_BAD),	/* mov %cr0,%rax */
	S("\x0f\x20\xd1", X86_INSN_BAD),	/* mov %cr2,%rcx */
	S("\x0f\x22\xe7", X86_INSN_BAD),	/* mov %rdi,%cr4 */
	S("\x0f\x01\x38", X86_INSN_BAD),	/* invlpg (%rax) */
	S("\x0f\x01\xf8", X86_INSN_BAD),	/* swapgs */
	S("\x48\x89\x3e", X86_INSN_BAD),	/* mov %rdi,(%rsi) */
	S("\x49\x89\x37", X86_INSN_BAD),	/* mov %rsi,(%r15) */
	S("\x48\x8b\x37", X86_INSN_BAD),	/* mov (%rdi),%rsi */
	S("\x0f\x1f\xc0", X86_INSN_BAD),	/* 0F 1F with mod 11 */
	S("\x0f\x1f\x48\x00", X86_INSN_BAD),	/* 0F 1F /1 */
	S("\x66\x66", X86_INSN_BAD),
	S("\xff\xd0", X86_INSN_BAD),		/* call *%rax */
	S("\xcc", X86_INSN_BAD),
	S("\x0f\x0b", X86_INSN_BAD),		/* ud2 */
};

TEST(good_forms_decode)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct x86_insn insn;
		unsigned int n = x86_insn_decode((const u8 *)good[i].bytes,
						 good[i].len, &insn);

		EXPECT_EQ(n, good[i].len);
		EXPECT_EQ(insn.len, good[i].len);
		EXPECT_EQ(insn.id, good[i].id);
		if (insn.id != good[i].id)
			printf("#   sample %zu decoded as %s\n", i,
			       x86_insn_name(insn.id));
	}
}

TEST(bad_forms_refused)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct x86_insn insn;

		EXPECT_EQ(x86_insn_decode((const u8 *)bad[i].bytes, bad[i].len,
					  &insn), 0);
		EXPECT_EQ(insn.id, X86_INSN_BAD);
	}
}

/* Every form cut short is refused, never read past the end. */
TEST(truncated_forms_refused)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		for (unsigned int n = 0; n < good[i].len; n++) {
			struct x86_insn insn;
			u8 buf[16];

			memcpy(buf, good[i].bytes, n);
			EXPECT_EQ(x86_insn_decode(buf, n, &insn), 0);
		}
	}
}

TEST(immediates)
{
	struct x86_insn insn;

	x86_insn_decode((const u8 *)"\xe8\x00\x00\x00\x80", 5, &insn);
	EXPECT_EQ(insn.imm, -0x80000000LL);
	x86_insn_decode((const u8 *)"\xe8\xfb\xff\xff\xff", 5, &insn);
	EXPECT_EQ(insn.imm, -5);
	x86_insn_decode((const u8 *)"\xff\x15\x78\x56\x34\x12", 6, &insn);
	EXPECT_EQ(insn.imm, 0x12345678);
	x86_insn_decode((const u8 *)"\xe6\x80", 2, &insn);
	EXPECT_EQ(insn.imm, 0x80);
}

/* A site is walked instruction by instruction. */
TEST(walk_a_site)
{
	static const u8 site[] = { 0x9c, 0x58, 0x0f, 0x1f, 0x40, 0x00 };
	static const enum x86_insn_id want[] = {
		X86_INSN_PUSHF, X86_INSN_POP_RAX, X86_INSN_NOP,
	};
	unsigned int off = 0, k = 0;

	while (off < sizeof(site)) {
		struct x86_insn insn;
		unsigned int n = x86_insn_decode(site + off, sizeof(site) - off, &insn);

		EXPECT(n > 0);
		if (!n || k >= 3)
			break;
		EXPECT_EQ(insn.id, want[k++]);
		off += n;
	}
	EXPECT_EQ(off, sizeof(site));
	EXPECT_EQ(k, 3);
}

TEST(names)
{
	EXPECT_STR(x86_insn_name(X86_INSN_MOV_RDI_CR3), "mov %rdi,%cr3");
	EXPECT_STR(x86_insn_name(X86_NR_INSN_IDS), "(bad)");
	for (int id = 0; id < X86_NR_INSN_IDS; id++)
		EXPECT(x86_insn_name(id) != NULL);
}

int main(void)
{
	RUN(good_forms_decode);
	RUN(bad_forms_refused);
	RUN(truncated_forms_refused);
	RUN(immediates);
	RUN(walk_a_site);
	RUN(names);
	return TEST_DONE();
}
