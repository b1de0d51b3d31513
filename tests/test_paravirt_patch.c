// SPDX-License-Identifier: MIT
/* Unit tests for arch/x86/kernel/paravirt-patch.c. */
#include <string.h>
#include <asm/paravirt-patch.h>
#include <pvk/errno.h>
#include "harness.h"

#define GUARD 0xcc
#define SITE 0xffffffff81234560ULL

/* Intel SDM Vol. 2B "NOP" table, written out independently here. */
static const char *const sdm_nops[10] = {
	"",
	"\x90",
	"\x66\x90",
	"\x0f\x1f\x00",
	"\x0f\x1f\x40\x00",
	"\x0f\x1f\x44\x00\x00",
	"\x66\x0f\x1f\x44\x00\x00",
	"\x0f\x1f\x80\x00\x00\x00\x00",
	"\x0f\x1f\x84\x00\x00\x00\x00\x00",
	"\x66\x0f\x1f\x84\x00\x00\x00\x00\x00",
};

static bool all_guard(const u8 *p, unsigned int n)
{
	while (n--)
		if (*p++ != GUARD)
			return false;
	return true;
}

TEST(nops_every_length)
{
	unsigned int len;

	for (len = 0; len <= 15; len++) {
		u8 buf[32];
		unsigned int first = len > 9 ? 9 : len;

		memset(buf, GUARD, sizeof(buf));
		paravirt_fill_nops(buf, len);
		EXPECT(memcmp(buf, sdm_nops[first], first) == 0);
		EXPECT(memcmp(buf + first, sdm_nops[len - first],
			      len - first) == 0);
		EXPECT(all_guard(buf + len, sizeof(buf) - len));
		EXPECT(paravirt_is_nop_padding(buf, len));
		EXPECT(!paravirt_is_indirect_call(buf, len));
	}
}

TEST(nop_padding_rejects)
{
	u8 buf[15];
	unsigned int len, i;

	for (len = 1; len <= sizeof(buf); len++) {
		for (i = 0; i < len; i++) {
			paravirt_fill_nops(buf, len);
			buf[i] ^= 0x01;
			EXPECT(!paravirt_is_nop_padding(buf, len));
		}
	}
	/* Valid NOPs, but not the sequence the filler produces. */
	EXPECT(!paravirt_is_nop_padding((const u8 *)"\x90\x90", 2));
	EXPECT(!paravirt_is_nop_padding((const u8 *)"\x90\x66\x90", 3));
	EXPECT(paravirt_is_nop_padding(NULL, 0));
}

static u64 decode(const u8 *buf, unsigned int len, u64 site)
{
	u64 target = 0;

	EXPECT(paravirt_decode_call(buf, len, site, &target));
	return target;
}

TEST(encode_call_distances)
{
	static const s64 deltas[] = {
		0, 1, -1, 0x1000, -0x1000, 0x7ffffffe, -0x7ffffffe,
		(s64)INT32_MAX, (s64)INT32_MIN,
	};
	unsigned int i, len;
	u8 buf[20];

	for (i = 0; i < ARRAY_SIZE(deltas); i++) {
		for (len = 5; len <= 15; len++) {
			u64 target = SITE + 5 + deltas[i];

			memset(buf, GUARD, sizeof(buf));
			EXPECT_EQ(paravirt_encode_call(buf, len, SITE, target),
				  0);
			EXPECT_EQ(buf[0], 0xe8);
			EXPECT_EQ_U(decode(buf, len, SITE), target);
			EXPECT(paravirt_is_nop_padding(buf + 5, len - 5));
			EXPECT(all_guard(buf + len, sizeof(buf) - len));
			EXPECT(!paravirt_is_indirect_call(buf, len));
		}
	}
	paravirt_encode_call(buf, 5, SITE, SITE + 5 + 0x12345678);
	EXPECT(memcmp(buf, "\xe8\x78\x56\x34\x12", 5) == 0);
	paravirt_encode_call(buf, 5, SITE, SITE);
	EXPECT(memcmp(buf, "\xe8\xfb\xff\xff\xff", 5) == 0);
}

TEST(encode_call_errors)
{
	static const s64 far[] = {
		(s64)INT32_MAX + 1, (s64)INT32_MIN - 1, 1LL << 40,
		-(1LL << 40), INT64_MAX, INT64_MIN,
	};
	unsigned int i;
	u8 buf[16];

	for (i = 0; i < ARRAY_SIZE(far); i++) {
		memset(buf, GUARD, sizeof(buf));
		EXPECT_EQ(paravirt_encode_call(buf, 8, SITE,
					       SITE + 5 + (u64)far[i]),
			  -ERANGE);
		EXPECT(all_guard(buf, sizeof(buf)));
	}
	/* Kernel text calling a user-space address is out of range. */
	EXPECT_EQ(paravirt_encode_call(buf, 8, SITE, 0x7fff00000000ULL),
		  -ERANGE);
	EXPECT_EQ(paravirt_encode_call(buf, 8, SITE, 0xffff888000000000ULL),
		  -ERANGE);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(paravirt_encode_call(buf, i, SITE, SITE), -EINVAL);
	EXPECT(all_guard(buf, sizeof(buf)));
	/* Wrapping past 2^64 is what the CPU does, so it is reachable. */
	EXPECT_EQ(paravirt_encode_call(buf, 5, UINT64_MAX - 0x10, 0x10), 0);
	EXPECT_EQ_U(decode(buf, 5, UINT64_MAX - 0x10), 0x10);
}

TEST(encode_inline)
{
	static const u8 code[] = { 0xfa, 0xc3, 0x48, 0x89, 0xf8 };
	unsigned int len;
	u8 buf[20];

	for (len = 5; len <= 15; len++) {
		memset(buf, GUARD, sizeof(buf));
		EXPECT_EQ(paravirt_encode_inline(buf, len, code, 5), 0);
		EXPECT(memcmp(buf, code, 5) == 0);
		EXPECT(paravirt_is_nop_padding(buf + 5, len - 5));
		EXPECT(all_guard(buf + len, sizeof(buf) - len));
	}
	memset(buf, GUARD, sizeof(buf));
	EXPECT_EQ(paravirt_encode_inline(buf, 4, code, 5), -E2BIG);
	EXPECT(all_guard(buf, sizeof(buf)));
	EXPECT_EQ(paravirt_encode_inline(buf, 6, code, 0), 0);
	EXPECT(paravirt_is_nop_padding(buf, 6));
}

static bool indirect(const char *bytes, unsigned int len)
{
	return paravirt_is_indirect_call((const u8 *)bytes, len);
}

TEST(indirect_call_detection)
{
	/* call *disp32(%rip), the pv_ops call site form */
	EXPECT(indirect("\xff\x15\x00\x10\x00\x00", 6));
	EXPECT(indirect("\xff\x15\x00\x10\x00\x00\x90", 7));
	EXPECT(indirect("\x2e\xff\x15\x00\x10\x00\x00", 7));
	EXPECT(indirect("\x3e\xff\x15\x00\x10\x00\x00", 7));
	EXPECT(indirect("\x65\x41\xff\x15\x00\x10\x00\x00", 8));
	EXPECT(indirect("\xff\xd0", 2));			/* *%rax */
	EXPECT(indirect("\x41\xff\xd3", 3));			/* *%r11 */
	EXPECT(indirect("\xff\x50\x08", 3));			/* *8(%rax) */
	EXPECT(indirect("\xff\x14\x25\x00\x10\x00\x00", 7));	/* *abs */
	EXPECT(indirect("\xff\x94\x24\x00\x01\x00\x00", 7));	/* SIB+d32 */
	EXPECT(indirect("\xff\x14\xc5\x00\x10\x00\x00", 7));	/* table */
	/* after instructions we can decode */
	EXPECT(indirect("\x66\x90\xff\xd0", 4));
	EXPECT(indirect("\x0f\x1f\x44\x00\x00\xff\xd0", 7));
	EXPECT(indirect("\xe8\x00\x00\x00\x00\xff\xd0", 7));
	EXPECT(indirect("\xff\x25\x00\x00\x00\x00\xff\xd0", 8));

	/* not indirect calls */
	EXPECT(!indirect("", 0));
	EXPECT(!indirect("\xff\x25\x00\x10\x00\x00", 6));	/* jmp * */
	EXPECT(!indirect("\xff\x35\x00\x10\x00\x00", 6));	/* push */
	EXPECT(!indirect("\xff\xc0", 2));			/* inc */
	EXPECT(!indirect("\xff\xe0", 2));			/* jmp *%rax */
	EXPECT(!indirect("\xff\x18", 2));			/* lcall */
	EXPECT(!indirect("\xe8\x00\x00\x00\x00", 5));
	/* truncated: the instruction does not fit in the site */
	EXPECT(!indirect("\xff\x15\x00\x10\x00\x00", 5));
	EXPECT(!indirect("\xff\x15", 2));
	EXPECT(!indirect("\xff", 1));
	EXPECT(!indirect("\x2e", 1));
	EXPECT(!indirect("\xff\x14", 2));
	EXPECT(!indirect("\xff\x14\x25\x00", 4));
	EXPECT(!indirect("\xe8\x00\x00\x00\xff\xd0", 6));
	/* undecodable instruction hides anything after it */
	EXPECT(!indirect("\xc3\xff\xd0", 3));
	EXPECT(!indirect("\x48\x89\xf8\xff\xd0", 5));
}

TEST(decode_call)
{
	u64 target = 0x1234;
	u8 buf[8];

	EXPECT(!paravirt_decode_call((const u8 *)"\xe8\x00\x00\x00", 4, SITE,
				     &target));
	EXPECT(!paravirt_decode_call((const u8 *)"\xff\x15\0\0\0\0", 6,
				     SITE, &target));
	EXPECT_EQ_U(target, 0x1234);
	EXPECT(paravirt_decode_call((const u8 *)"\xe8\x00\x00\x00\x80", 5,
				    SITE, &target));
	EXPECT_EQ_U(target, SITE + 5 - 0x80000000ULL);
	EXPECT_EQ(paravirt_encode_call(buf, 8, SITE, SITE - 0x100), 0);
	EXPECT_EQ_U(decode(buf, 8, SITE), SITE - 0x100);
}

int main(void)
{
	RUN(nops_every_length);
	RUN(nop_padding_rejects);
	RUN(encode_call_distances);
	RUN(encode_call_errors);
	RUN(encode_inline);
	RUN(indirect_call_detection);
	RUN(decode_call);
	return TEST_DONE();
}
