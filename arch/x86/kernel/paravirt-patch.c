// SPDX-License-Identifier: MIT
/*
 * Instruction encoders for the boot-time pv_ops patcher, see
 * arch/x86/include/asm/paravirt-patch.h.
 *
 * The decoder here is deliberately tiny: it understands only the forms
 * the patcher itself produces or expects to replace (NOPs, E8 rel32,
 * FF /2 indirect calls) and gives up on anything else, so an unexpected
 * site is left alone rather than misinterpreted.
 */
#include <asm/paravirt-patch.h>
#include <pvk/errno.h>

#define OP_CALL_REL32	0xe8
#define OP_GRP5		0xff	/* FF /2 is an indirect near call */
#define OP_NOP		0x90
#define OP_2BYTE	0x0f
#define OP2_NOPL	0x1f	/* 0F 1F /0 multi-byte NOP */

/*
 * Intel SDM recommended multi-byte NOPs, indexed by length. They decode
 * as single instructions, so a padded site never leaves the CPU
 * executing a stream of one-byte NOPs.
 */
static const u8 nops[PARAVIRT_NOP_MAX + 1][PARAVIRT_NOP_MAX] = {
	[1] = { 0x90 },
	[2] = { 0x66, 0x90 },
	[3] = { 0x0f, 0x1f, 0x00 },
	[4] = { 0x0f, 0x1f, 0x40, 0x00 },
	[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[7] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	[9] = { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static void copy_bytes(u8 *dst, const u8 *src, unsigned int n)
{
	while (n--)
		*dst++ = *src++;
}

/**
 * paravirt_fill_nops() - fill a range with the recommended NOPs
 * @p: start of the range
 * @len: number of bytes
 *
 * Uses the longest NOP first and a shorter one for the remainder, so
 * the padding is as few instructions as possible and is exactly what
 * paravirt_is_nop_padding() recognises.
 */
void paravirt_fill_nops(u8 *p, unsigned int len)
{
	while (len) {
		unsigned int n = MIN(len, (unsigned int)PARAVIRT_NOP_MAX);

		copy_bytes(p, nops[n], n);
		p += n;
		len -= n;
	}
}

/**
 * paravirt_is_nop_padding() - check a range holds our NOP padding
 * @p: start of the range
 * @len: number of bytes; an empty range counts as padding
 *
 * Returns true only for the exact sequence paravirt_fill_nops() writes
 * for @len, which is what a verifier of patched sites needs.
 */
bool paravirt_is_nop_padding(const u8 *p, unsigned int len)
{
	while (len) {
		unsigned int n = MIN(len, (unsigned int)PARAVIRT_NOP_MAX);
		unsigned int i;

		for (i = 0; i < n; i++) {
			if (p[i] != nops[n][i])
				return false;
		}
		p += n;
		len -= n;
	}
	return true;
}

/**
 * paravirt_encode_call() - write a direct call padded to the site length
 * @insn: buffer receiving @len bytes
 * @len: length of the patch site, at least 5
 * @site_addr: address the site will execute at (not @insn's address)
 * @target: absolute address to call
 *
 * Emits E8 rel32 with the displacement taken from the end of the call
 * (@site_addr + 5), then NOP padding. Nothing is written on error.
 * Returns 0, -EINVAL if the site is too short or -ERANGE if @target is
 * beyond the +-2 GiB a rel32 can reach.
 */
int paravirt_encode_call(u8 *insn, unsigned int len, u64 site_addr,
			 u64 target)
{
	/* Modular difference: exactly what the CPU adds to RIP. */
	s64 rel = (s64)(target - (site_addr + PARAVIRT_CALL_LEN));
	u32 rel32 = (u32)rel;
	unsigned int i;

	if (len < PARAVIRT_CALL_LEN)
		return -EINVAL;
	if (rel < INT32_MIN || rel > INT32_MAX)
		return -ERANGE;
	insn[0] = OP_CALL_REL32;
	for (i = 0; i < 4; i++)
		insn[1 + i] = (u8)(rel32 >> (8 * i));
	paravirt_fill_nops(insn + PARAVIRT_CALL_LEN, len - PARAVIRT_CALL_LEN);
	return 0;
}

/**
 * paravirt_encode_inline() - write inline code padded to the site length
 * @insn: buffer receiving @len bytes
 * @len: length of the patch site
 * @code: replacement instructions
 * @code_len: length of @code
 *
 * Returns 0, or -E2BIG (writing nothing) if @code does not fit.
 */
int paravirt_encode_inline(u8 *insn, unsigned int len, const u8 *code,
			   unsigned int code_len)
{
	if (code_len > len)
		return -E2BIG;
	copy_bytes(insn, code, code_len);
	paravirt_fill_nops(insn + code_len, len - code_len);
	return 0;
}

/**
 * paravirt_decode_call() - decode a direct call at the start of a site
 * @insn: site bytes
 * @len: site length
 * @site_addr: address the site executes at
 * @target: receives the absolute call target on success
 *
 * Returns true if the site starts with a complete E8 rel32.
 */
bool paravirt_decode_call(const u8 *insn, unsigned int len, u64 site_addr,
			  u64 *target)
{
	u32 rel32 = 0;
	unsigned int i;

	if (len < PARAVIRT_CALL_LEN || insn[0] != OP_CALL_REL32)
		return false;
	for (i = 0; i < 4; i++)
		rel32 |= (u32)insn[1 + i] << (8 * i);
	*target = site_addr + PARAVIRT_CALL_LEN + (u64)(s64)(s32)rel32;
	return true;
}

static bool is_legacy_prefix(u8 b)
{
	/* es/cs/ss/ds/fs/gs segment, operand-size and address-size */
	static const u8 prefixes[] = {
		0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		if (b == prefixes[i])
			return true;
	}
	return false;
}

static bool is_rex(u8 b)
{
	return (b & 0xf0) == 0x40;
}

/*
 * Bytes taken by a ModRM operand (ModRM, SIB, displacement) in 64-bit
 * mode with 32-bit addressing, or 0 if it runs past @avail bytes.
 */
static unsigned int modrm_len(const u8 *p, unsigned int avail)
{
	unsigned int mod, rm, n = 1;

	if (!avail)
		return 0;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod != 3 && rm == 4) {
		if (avail < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;		/* SIB with no base: disp32 */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;			/* disp32 or RIP-relative */
	return n <= avail ? n : 0;
}

/*
 * Decode one instruction of the forms we know. Returns its length (0 if
 * unknown or truncated) and sets @indirect for FF /2.
 */
static unsigned int insn_len(const u8 *p, unsigned int avail, bool *indirect)
{
	unsigned int i = 0, n;

	*indirect = false;
	while (i < avail && is_legacy_prefix(p[i]))
		i++;
	if (i < avail && is_rex(p[i]))
		i++;
	if (i >= avail)
		return 0;
	switch (p[i]) {
	case OP_NOP:
		return i + 1;
	case OP_CALL_REL32:
		return avail - i > 4 ? i + PARAVIRT_CALL_LEN : 0;
	case OP_GRP5:
		n = modrm_len(p + i + 1, avail - i - 1);
		*indirect = n && ((p[i + 1] >> 3) & 7) == 2;
		return n ? i + 1 + n : 0;
	case OP_2BYTE:
		if (i + 1 >= avail || p[i + 1] != OP2_NOPL)
			return 0;
		n = modrm_len(p + i + 2, avail - i - 2);
		return n ? i + 2 + n : 0;
	default:
		return 0;
	}
}

/**
 * paravirt_is_indirect_call() - does a site contain an indirect call?
 * @insn: site bytes
 * @len: site length
 *
 * Walks the site instruction by instruction, understanding NOPs, E8
 * rel32 and FF-group instructions (with optional legacy/REX prefixes),
 * and returns true as soon as a complete FF /2 call is found at an
 * instruction boundary, e.g. "ff 15 disp32" or "41 ff d3". Any other
 * byte stops the walk, so unknown code is never reported as a call.
 */
bool paravirt_is_indirect_call(const u8 *insn, unsigned int len)
{
	unsigned int off = 0;

	while (off < len) {
		bool indirect;
		unsigned int n = insn_len(insn + off, len - off, &indirect);

		if (indirect)
			return true;
		if (!n)
			return false;
		off += n;
	}
	return false;
}
