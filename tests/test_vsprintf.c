// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/vsprintf.c.
 *
 * Most checks format the same thing with the host C library and with
 * pvk's implementation and compare output, return value and truncation.
 * The host vsnprintf must be wrapped before pvk/vsprintf.h renames it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static int host_vsnprintf(char *buf, size_t size, const char *fmt,
			  va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

#include <pvk/vsprintf.h>

static int compared;

/* Compare host and pvk for one format at one buffer size. */
static int compare_at(size_t size, const char *fmt, va_list ap)
{
	char *host = malloc(size ? size : 1);
	char *mine = malloc(size ? size : 1);
	int rh, rm, bad = 0;
	va_list a1, a2;

	memset(host, 0xaa, size ? size : 1);
	memset(mine, 0xaa, size ? size : 1);
	va_copy(a1, ap);
	va_copy(a2, ap);
	rh = host_vsnprintf(size ? host : NULL, size, fmt, a1);
	rm = vsnprintf(size ? mine : NULL, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	if (rh != rm || (size && memcmp(host, mine, size) != 0)) {
		printf("#   fmt \"%s\" size %zu: host %d \"%.*s\" pvk %d \"%.*s\"\n",
		       fmt, size, rh, size ? (int)size - 1 : 0, host,
		       rm, size ? (int)size - 1 : 0, mine);
		bad = 1;
	}
	free(host);
	free(mine);
	compared++;
	return bad;
}

/* Full-size comparison plus every truncation point for short outputs. */
static void check_fmt(int line, bool truncate, const char *fmt, ...)
{
	va_list ap, aq;
	int len, bad = 0;
	size_t size;
	char tmp[8];

	va_start(ap, fmt);
	va_copy(aq, ap);
	len = host_vsnprintf(tmp, sizeof(tmp), fmt, aq);
	va_end(aq);
	bad |= compare_at(len + 1, fmt, ap);
	for (size = 0; truncate && size <= (size_t)len + 1; size++)
		bad |= compare_at(size, fmt, ap);
	va_end(ap);
	if (bad) {
		harness_cur_failures++;
		printf("#   (line %d)\n", line);
	}
}

#define CHECK(...) check_fmt(__LINE__, true, __VA_ARGS__)

enum lenmod { L_HH, L_H, L_NONE, L_L, L_LL, L_Z, L_T, L_J, L_COUNT };
static const char *const lenstr[L_COUNT] = {
	"hh", "h", "", "l", "ll", "z", "t", "j"
};

/* Pass @v with the C type the length modifier expects. */
static void check_int(const char *fmt, enum lenmod len, long long v)
{
	switch (len) {
	case L_HH:
	case L_H:
	case L_NONE:
		check_fmt(__LINE__, false, fmt, (int)v);
		break;
	case L_L:
		check_fmt(__LINE__, false, fmt, (long)v);
		break;
	case L_LL:
		check_fmt(__LINE__, false, fmt, v);
		break;
	case L_Z:
		check_fmt(__LINE__, false, fmt, (size_t)v);
		break;
	case L_T:
		check_fmt(__LINE__, false, fmt, (ptrdiff_t)v);
		break;
	default:
		check_fmt(__LINE__, false, fmt, (intmax_t)v);
		break;
	}
}

TEST(integers_exhaustive)
{
	static const char flagset[] = "-0+ #";
	static const char *const widths[] = { "", "1", "5", "22" };
	static const char *const precs[] = { "", ".0", ".1", ".3", ".25" };
	static const char convs[] = "diuxXo";
	static const long long vals[] = {
		0, 1, -1, 7, 42, -42, 127, -128, 255, 256, 32767, -32768,
		65535, 2147483647LL, -2147483647LL - 1, 4294967295LL,
		9223372036854775807LL, -9223372036854775807LL - 1,
		0x123456789abcdefLL,
	};
	unsigned int fl, w, p, l, c, v;
	char fmt[32];

	for (c = 0; convs[c]; c++)
	for (fl = 0; fl < 32; fl++)
	for (w = 0; w < ARRAY_SIZE(widths); w++)
	for (p = 0; p < ARRAY_SIZE(precs); p++)
	for (l = 0; l < L_COUNT; l++) {
		char flags[8], *f = flags;
		unsigned int b;

		/* '#' is undefined for d, i and u in C. */
		if ((fl & 16) && strchr("diu", convs[c]))
			continue;
		for (b = 0; b < 5; b++)
			if (fl & (1u << b))
				*f++ = flagset[b];
		*f = '\0';
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
			 widths[w], precs[p], lenstr[l], convs[c]);
		for (v = 0; v < ARRAY_SIZE(vals); v++)
			check_int(fmt, l, vals[v]);
	}
}

TEST(strings_and_chars)
{
	static const char *const strs[] = {
		"", "a", "hello", "hello, world with spaces"
	};
	static const char *const specs[] = {
		"%s", "%-s", "%0s", "%3s", "%-3s", "%10s", "%-10s", "%.0s",
		"%.2s", "%.10s", "%5.2s", "%-5.2s", "%30.20s",
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(specs); i++)
		for (j = 0; j < ARRAY_SIZE(strs); j++)
			check_fmt(__LINE__, true, specs[i], strs[j]);
	CHECK("%c", 'x');
	CHECK("%5c|%-5c|", 'a', 'b');
	CHECK("%c%c%c", 'a', 255, 'c');
	CHECK("[%s] [%s]", "x", "y");
	CHECK("%.*s", 3, "abcdef");
	CHECK("%.*s", -1, "abcdef");
	CHECK("%*s|", -6, "ab");
	CHECK("%*s|", 6, "ab");
}

TEST(star_width_precision)
{
	CHECK("%*d", 5, 42);
	CHECK("%*d", -5, 42);
	CHECK("%-*d|", -5, 42);
	CHECK("%.*d", 4, 42);
	CHECK("%.*d", -1, 42);
	CHECK("%.*d", 0, 0);
	CHECK("%*.*x", 10, 6, 0xbeef);
	CHECK("%0*d", 8, -123);
	CHECK("%2000d", 7);
	CHECK("%.300d", 7);
}

TEST(misc_literal)
{
	CHECK("plain text");
	CHECK("");
	CHECK("100%% sure %%%d%%", 5);
	CHECK("%d %s %u %x %c", -3, "mid", 3u, 0xabcu, 'z');
	CHECK("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	CHECK("%lld %llu", -1LL, 18446744073709551615ULL);
	CHECK("%zu %zd %td %ju", (size_t)-1, (size_t)5, (ptrdiff_t)-7,
	      (uintmax_t)-1);
}

/* Formats the compiler would reject, so no format attribute here. */
static const char *pvk_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

TEST(unknown_conversions)
{
	char buf[64];

	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "a%yb"), "a%yb");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "%5y|"), "%5y|");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "%ly%d", 4), "%ly4");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "abc%"), "abc%");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "abc%-08l"), "abc%-08l");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "%n%d", 9), "%n9");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "%f"), "%f");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "%s", NULL), "(null)");
	EXPECT_STR(pvk_fmt(buf, sizeof(buf), "[%8s]", NULL), "[  (null)]");
}

TEST(pointers)
{
	char buf[64];

	EXPECT_EQ(snprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	EXPECT_STR(buf, "0x0000000000001234");
	snprintf(buf, sizeof(buf), "%p", NULL);
	EXPECT_STR(buf, "0x0000000000000000");
	snprintf(buf, sizeof(buf), "%p", (void *)~(uintptr_t)0);
	EXPECT_STR(buf, "0xffffffffffffffff");
	snprintf(buf, sizeof(buf), "%20p|", (void *)0xabc);
	EXPECT_STR(buf, "  0x0000000000000abc|");
	snprintf(buf, sizeof(buf), "%-20p|", (void *)0xabc);
	EXPECT_STR(buf, "0x0000000000000abc  |");
}

TEST(bounds)
{
	char buf[8];
	int i;

	memset(buf, 'Z', sizeof(buf));
	EXPECT_EQ(snprintf(buf, 4, "%s", "abcdefgh"), 8);
	EXPECT_STR(buf, "abc");
	EXPECT_EQ(buf[4], 'Z');
	memset(buf, 'Z', sizeof(buf));
	EXPECT_EQ(snprintf(buf, 1, "%d", 12345), 5);
	EXPECT_EQ(buf[0], '\0');
	EXPECT_EQ(buf[1], 'Z');
	EXPECT_EQ(snprintf(NULL, 0, "%d-%s", -77, "xyz"), 7);
	memset(buf, 'Z', sizeof(buf));
	EXPECT_EQ(snprintf(buf, 0, "abc"), 3);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(buf[i], 'Z');
}

int main(void)
{
	RUN(integers_exhaustive);
	RUN(strings_and_chars);
	RUN(star_width_precision);
	RUN(misc_literal);
	RUN(unknown_conversions);
	RUN(pointers);
	RUN(bounds);
	printf("# %d host comparisons\n", compared);
	return TEST_DONE();
}
