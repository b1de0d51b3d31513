// SPDX-License-Identifier: MIT
/*
 * Unit tests for lib/string.c, built with PVK_STRING_TEST so its
 * functions are renamed to pvk_* and can be checked against the host
 * libc, which is wrapped before pvk/string.h renames the names.
 */
#include <string.h>
#include "harness.h"

static void *host_memset(void *s, int c, size_t n)
{
	return memset(s, c, n);
}

static int host_memcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

static int host_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

static int host_strncmp(const char *a, const char *b, size_t n)
{
	return strncmp(a, b, n);
}

#include <pvk/string.h>

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static u64 rng = 0x2545f4914f6cdd1dULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static void fill_pattern(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7);
}

TEST(memcpy_memset)
{
	u8 src[200], dst[200], ref[200];
	unsigned int iter, bad = 0;

	for (iter = 0; iter < 5000; iter++) {
		size_t so = rnd(40), doff = rnd(40), n = rnd(150);
		int c = rnd(512) - 256;
		size_t i;

		fill_pattern(src, sizeof(src), iter);
		host_memset(dst, 0x11, sizeof(dst));
		host_memset(ref, 0x11, sizeof(ref));
		for (i = 0; i < n; i++)
			ref[doff + i] = src[so + i];
		bad += memcpy(dst + doff, src + so, n) != dst + doff;
		bad += host_memcmp(dst, ref, sizeof(dst)) != 0;

		for (i = 0; i < n; i++)
			ref[doff + i] = (u8)c;
		bad += memset(dst + doff, c, n) != dst + doff;
		bad += host_memcmp(dst, ref, sizeof(dst)) != 0;
	}
	EXPECT_EQ(bad, 0);
}

TEST(memmove_overlap)
{
	u8 buf[200], ref[200], tmp[200];
	unsigned int iter, bad = 0;

	for (iter = 0; iter < 5000; iter++) {
		size_t so = rnd(60), doff = rnd(60), n = rnd(130);
		size_t i;

		fill_pattern(buf, sizeof(buf), iter);
		fill_pattern(ref, sizeof(ref), iter);
		for (i = 0; i < n; i++)
			tmp[i] = ref[so + i];
		for (i = 0; i < n; i++)
			ref[doff + i] = tmp[i];
		bad += memmove(buf + doff, buf + so, n) != buf + doff;
		bad += host_memcmp(buf, ref, sizeof(buf)) != 0;
	}
	EXPECT_EQ(bad, 0);
}

TEST(memcmp_sign)
{
	u8 a[64], b[64];
	unsigned int iter, bad = 0;

	for (iter = 0; iter < 5000; iter++) {
		size_t n = rnd(64);

		fill_pattern(a, sizeof(a), 3);
		fill_pattern(b, sizeof(b), 3);
		if (n && rnd(2))
			b[rnd(n)] = rnd(256);
		bad += sign(memcmp(a, b, n)) != sign(host_memcmp(a, b, n));
	}
	EXPECT_EQ(bad, 0);
	EXPECT(memcmp("\x80", "\x01", 1) > 0);	/* bytes are unsigned */
	EXPECT_EQ(memcmp("abc", "abd", 2), 0);
}

TEST(str_lengths)
{
	char unterminated[4] = { 'a', 'b', 'c', 'd' };

	EXPECT_EQ(strlen(""), 0);
	EXPECT_EQ(strlen("hello"), 5);
	EXPECT_EQ(strnlen("hello", 3), 3);
	EXPECT_EQ(strnlen("hello", 10), 5);
	EXPECT_EQ(strnlen("", 10), 0);
	EXPECT_EQ(strnlen(unterminated, sizeof(unterminated)), 4);
	EXPECT_EQ(strnlen(NULL, 0), 0);
}

TEST(str_compare)
{
	static const char *const s[] = {
		"", "a", "b", "ab", "abc", "abd", "\x80", "\x7f", "A",
	};
	unsigned int i, j, n, bad = 0;

	for (i = 0; i < ARRAY_SIZE(s); i++)
		for (j = 0; j < ARRAY_SIZE(s); j++) {
			bad += sign(strcmp(s[i], s[j])) !=
			       sign(host_strcmp(s[i], s[j]));
			for (n = 0; n < 5; n++)
				bad += sign(strncmp(s[i], s[j], n)) !=
				       sign(host_strncmp(s[i], s[j], n));
		}
	EXPECT_EQ(bad, 0);
}

TEST(str_chr)
{
	const char *s = "hello";

	EXPECT(strchr(s, 'h') == s);
	EXPECT(strchr(s, 'l') == s + 2);
	EXPECT(strchr(s, 'o') == s + 4);
	EXPECT(strchr(s, 'z') == NULL);
	EXPECT(strchr(s, '\0') == s + 5);
	EXPECT(strchr("a\xff", 0xff) != NULL);
	EXPECT(strchr(s, 'h' + 256) == s);	/* converted to char */
}

TEST(str_lcpy)
{
	char buf[8];

	host_memset(buf, 'Z', sizeof(buf));
	EXPECT_EQ(strlcpy(buf, "abc", sizeof(buf)), 3);
	EXPECT_STR(buf, "abc");
	EXPECT_EQ(buf[4], 'Z');
	EXPECT_EQ(strlcpy(buf, "0123456789", sizeof(buf)), 10);
	EXPECT_STR(buf, "0123456");
	EXPECT_EQ(strlcpy(buf, "xyz", 1), 3);
	EXPECT_STR(buf, "");
	buf[0] = 'Q';
	EXPECT_EQ(strlcpy(buf, "xyz", 0), 3);
	EXPECT_EQ(buf[0], 'Q');
	EXPECT_EQ(strlcpy(buf, "", sizeof(buf)), 0);
	EXPECT_STR(buf, "");
}

int main(void)
{
	RUN(memcpy_memset);
	RUN(memmove_overlap);
	RUN(memcmp_sign);
	RUN(str_lengths);
	RUN(str_compare);
	RUN(str_chr);
	RUN(str_lcpy);
	return TEST_DONE();
}
