// SPDX-License-Identifier: MIT
/*
 * Strict string to integer conversion, see include/pvk/kstrtox.h.
 *
 * All variants funnel into parse_u64() so the digit and overflow logic
 * exists exactly once; the signed and narrower variants only add range
 * checks on top of it.
 */
#include <pvk/errno.h>
#include <pvk/kstrtox.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;	/* larger than any supported base */
}

static bool has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/*
 * Resolve base 0 and strip a "0x" prefix. A lone "0" in base 0 stays a
 * decimal zero rather than an empty octal number.
 */
static const char *resolve_base(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (has_hex_prefix(s))
			*base = 16;
		else if (s[0] == '0' && s[1])
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && has_hex_prefix(s))
		s += 2;
	else if (*base == 8 && s[0] == '0' && s[1])
		s++;
	return s;
}

/*
 * Accumulate digits of an unsigned number. Every character is checked
 * before overflow is reported, so trailing garbage is always -EINVAL
 * regardless of how many digits precede it.
 */
static int parse_u64(const char *s, unsigned int base, u64 *res)
{
	u64 val = 0;
	bool overflow = false;

	if (!s || base == 1 || base > 36)
		return -EINVAL;
	s = resolve_base(s, &base);
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = digit_value(*s);

		if (d >= base)
			return -EINVAL;
		if (val > (UINT64_MAX - d) / base)
			overflow = true;
		val = val * base + d;
	}
	if (overflow)
		return -ERANGE;
	*res = val;
	return 0;
}

/**
 * kstrtou64() - convert a string to an unsigned 64-bit integer
 * @s: NUL-terminated string, consumed entirely
 * @base: 0 to detect "0x" (hex) or leading "0" (octal), else 2..36;
 *        base 16 also accepts an optional "0x" prefix
 * @res: where the result is stored on success only
 *
 * No sign, whitespace or trailing characters are accepted. Returns 0,
 * -EINVAL for an empty or malformed string or -ERANGE on overflow.
 */
int kstrtou64(const char *s, unsigned int base, u64 *res)
{
	return parse_u64(s, base, res);
}

/**
 * kstrtos64() - convert a string to a signed 64-bit integer
 * @s: NUL-terminated string with an optional leading '-'
 * @base: as for kstrtou64()
 * @res: where the result is stored on success only
 *
 * Accepts the full range down to INT64_MIN. Returns 0, -EINVAL or
 * -ERANGE.
 */
int kstrtos64(const char *s, unsigned int base, s64 *res)
{
	bool neg = false;
	u64 mag;
	int ret;

	if (s && *s == '-') {
		neg = true;
		s++;
	}
	ret = parse_u64(s, base, &mag);
	if (ret)
		return ret;
	if (neg) {
		if (mag > (u64)INT64_MAX + 1)
			return -ERANGE;
		/* Negate in unsigned arithmetic so INT64_MIN does not trap. */
		*res = (s64)(0 - mag);
	} else {
		if (mag > (u64)INT64_MAX)
			return -ERANGE;
		*res = (s64)mag;
	}
	return 0;
}

/**
 * kstrtouint() - convert a string to an unsigned int
 * @s: NUL-terminated string
 * @base: as for kstrtou64()
 * @res: where the result is stored on success only
 *
 * Returns 0, -EINVAL, or -ERANGE when the value exceeds UINT_MAX.
 */
int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	u64 val;
	int ret = kstrtou64(s, base, &val);

	if (ret)
		return ret;
	if (val > (unsigned int)~0U)
		return -ERANGE;
	*res = (unsigned int)val;
	return 0;
}

/**
 * kstrtoint() - convert a string to an int
 * @s: NUL-terminated string with an optional leading '-'
 * @base: as for kstrtou64()
 * @res: where the result is stored on success only
 *
 * Returns 0, -EINVAL, or -ERANGE outside INT_MIN..INT_MAX.
 */
int kstrtoint(const char *s, unsigned int base, int *res)
{
	s64 val;
	int ret = kstrtos64(s, base, &val);

	if (ret)
		return ret;
	if (val < -__INT_MAX__ - 1 || val > __INT_MAX__)
		return -ERANGE;
	*res = (int)val;
	return 0;
}
