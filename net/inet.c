// SPDX-License-Identifier: MIT
/*
 * Pure helpers of the network layer: the Internet checksum and the
 * address parser.  No state and no locks, so host unit tests use them
 * unchanged.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>

#define IPV4_OCTET_MAX		255
#define IPV4_OCTET_DIGITS	3
#define IPV4_PREFIX_DIGITS	2
#define IPV4_PREFIX_MAX		32

/**
 * inet_csum_add - one's-complement sum of a buffer, not yet folded
 * @data: bytes to sum, read as big-endian 16-bit words
 * @len: number of bytes; an odd last byte is padded with a zero
 * @sum: running sum to continue, 0 to start
 *
 * Lets a checksum span several pieces (pseudo-header, header, payload)
 * as long as every piece but the last has an even length.  Bytes are
 * assembled one at a time so @data needs no alignment; a 64-bit
 * accumulator cannot overflow for any buffer that fits in memory.
 */
u32 inet_csum_add(const void *data, size_t len, u32 sum)
{
	const u8 *p = data;
	u64 acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += get_be16(p + i);
	if (len & 1)
		acc += (u32)p[len - 1] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffU) + (acc >> 32);
	return (u32)acc;
}

/**
 * inet_csum_fold - fold a running sum into the final Internet checksum
 * @sum: value from inet_csum_add() or inet_pseudo_sum()
 *
 * Returns the one's complement of the 16-bit folded sum in host order,
 * ready to be stored big-endian.  Summing data that already holds its
 * correct checksum and folding gives 0, which is how receivers verify.
 */
u16 inet_csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/**
 * inet_csum - Internet checksum (RFC 1071) of a buffer
 * @data: bytes to checksum
 * @len: their number
 * @sum: a partial sum to include (e.g. from inet_pseudo_sum()), or 0
 *
 * Returns the checksum in host order, to be stored big-endian.  Over a
 * header whose checksum field is already right the result is 0.
 */
u16 inet_csum(const void *data, size_t len, u32 sum)
{
	return inet_csum_fold(inet_csum_add(data, len, sum));
}

/**
 * inet_pseudo_sum - partial sum of the IPv4 pseudo-header (RFC 768)
 * @src: source address (host order)
 * @dst: destination address (host order)
 * @proto: IP protocol number
 * @len: length of the transport header plus payload
 *
 * UDP checksums also cover these fields, so that a datagram delivered
 * to the wrong address or protocol fails its check.
 */
u32 inet_pseudo_sum(u32 src, u32 dst, u8 proto, u16 len)
{
	u8 ph[12];

	put_be32(ph, src);
	put_be32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	put_be16(ph + 10, len);
	return inet_csum_add(ph, sizeof(ph), 0);
}

/*
 * Parse a decimal number of 1..@max_digits digits with no leading zero,
 * advancing *@s past it.  The digit limit keeps the value far from any
 * overflow whatever the input.
 */
static bool parse_decimal(const char **s, unsigned int max_digits,
			  unsigned int *val)
{
	const char *p = *s;
	unsigned int v = 0, n = 0;

	while (*p >= '0' && *p <= '9') {
		if (n == max_digits || (n == 1 && v == 0))
			return false;
		v = v * 10 + (unsigned int)(*p - '0');
		n++;
		p++;
	}
	if (!n)
		return false;
	*s = p;
	*val = v;
	return true;
}

/**
 * net_parse_ipv4_cidr - parse "a.b.c.d/n" strictly
 * @s: the string, e.g. "10.0.0.2/24"
 * @addr: set to the address in host order on success
 * @prefix: set to the prefix length on success
 *
 * Accepts exactly four decimal octets 0..255 and a mandatory prefix
 * 1..32.  Leading zeros ("01.2.3.4", "/08") are refused because other
 * tools read them as octal, so the same string would mean two things;
 * whitespace, signs and trailing characters are refused too.  Whether
 * the address suits a host is net_configure()'s question.  Returns 0,
 * or -EINVAL leaving the outputs untouched.
 */
int net_parse_ipv4_cidr(const char *s, u32 *addr, unsigned int *prefix)
{
	unsigned int octet, len, i;
	u32 a = 0;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (!parse_decimal(&s, IPV4_OCTET_DIGITS, &octet) ||
		    octet > IPV4_OCTET_MAX)
			return -EINVAL;
		a = a << 8 | octet;
		if (*s++ != (i < 3 ? '.' : '/'))
			return -EINVAL;
	}
	if (!parse_decimal(&s, IPV4_PREFIX_DIGITS, &len) || *s ||
	    len < 1 || len > IPV4_PREFIX_MAX)
		return -EINVAL;
	*addr = a;
	*prefix = len;
	return 0;
}
