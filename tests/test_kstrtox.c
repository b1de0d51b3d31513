// SPDX-License-Identifier: MIT
/* Unit tests for lib/kstrtox.c. */
#include <pvk/errno.h>
#include <pvk/kstrtox.h>
#include "harness.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

/* Parse with kstrtou64 and return the error, storing the value. */
static int u64_of(const char *s, unsigned int base, u64 *v)
{
	*v = SENTINEL;
	return kstrtou64(s, base, v);
}

TEST(u64_decimal)
{
	u64 v;

	EXPECT_EQ(u64_of("0", 10, &v), 0);
	EXPECT_EQ_U(v, 0);
	EXPECT_EQ(u64_of("12345", 10, &v), 0);
	EXPECT_EQ_U(v, 12345);
	EXPECT_EQ(u64_of("18446744073709551615", 10, &v), 0);
	EXPECT_EQ_U(v, UINT64_MAX);
	EXPECT_EQ(u64_of("000000000000000000000000000042", 10, &v), 0);
	EXPECT_EQ_U(v, 42);
}

TEST(u64_overflow)
{
	u64 v;

	EXPECT_EQ(u64_of("18446744073709551616", 10, &v), -ERANGE);
	EXPECT_EQ_U(v, SENTINEL);
	EXPECT_EQ(u64_of("99999999999999999999999999999", 0, &v), -ERANGE);
	EXPECT_EQ(u64_of("0x10000000000000000", 0, &v), -ERANGE);
	EXPECT_EQ(u64_of("0xffffffffffffffff", 0, &v), 0);
	EXPECT_EQ_U(v, UINT64_MAX);
	EXPECT_EQ(u64_of("02000000000000000000000", 0, &v), -ERANGE);
	EXPECT_EQ(u64_of("01777777777777777777777", 0, &v), 0);
	EXPECT_EQ_U(v, UINT64_MAX);
	/* Garbage wins over overflow: the string is not a number at all. */
	EXPECT_EQ(u64_of("99999999999999999999999x", 10, &v), -EINVAL);
	EXPECT_EQ_U(v, SENTINEL);
}

TEST(u64_garbage)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "1\n", "+1", "-1", "1x", "x", "0x", "0X",
		"0xg", "--1", "1.0", "1e3", "\t", "0x 1", "0x0x1", "\xff",
	};
	unsigned int i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(u64_of(bad[i], 0, &v), -EINVAL);
		EXPECT_EQ(u64_of(bad[i], 10, &v), -EINVAL);
		EXPECT_EQ_U(v, SENTINEL);
	}
	EXPECT_EQ(kstrtou64(NULL, 0, &v), -EINVAL);
	EXPECT_EQ(u64_of("12", 1, &v), -EINVAL);
	EXPECT_EQ(u64_of("12", 37, &v), -EINVAL);
}

TEST(u64_bases)
{
	u64 v;

	EXPECT_EQ(u64_of("0x1F", 0, &v), 0);
	EXPECT_EQ_U(v, 0x1f);
	EXPECT_EQ(u64_of("0X1f", 16, &v), 0);
	EXPECT_EQ_U(v, 0x1f);
	EXPECT_EQ(u64_of("ff", 16, &v), 0);
	EXPECT_EQ_U(v, 0xff);
	EXPECT_EQ(u64_of("ff", 0, &v), -EINVAL);
	EXPECT_EQ(u64_of("ff", 10, &v), -EINVAL);
	EXPECT_EQ(u64_of("0x10", 10, &v), -EINVAL);
	EXPECT_EQ(u64_of("010", 0, &v), 0);
	EXPECT_EQ_U(v, 8);
	EXPECT_EQ(u64_of("010", 10, &v), 0);
	EXPECT_EQ_U(v, 10);
	EXPECT_EQ(u64_of("08", 0, &v), -EINVAL);
	EXPECT_EQ(u64_of("0", 0, &v), 0);
	EXPECT_EQ_U(v, 0);
	EXPECT_EQ(u64_of("00", 0, &v), 0);
	EXPECT_EQ_U(v, 0);
	EXPECT_EQ(u64_of("101", 2, &v), 0);
	EXPECT_EQ_U(v, 5);
	EXPECT_EQ(u64_of("777", 8, &v), 0);
	EXPECT_EQ_U(v, 0777);
}

TEST(s64_values)
{
	s64 v = 7;

	EXPECT_EQ(kstrtos64("-1", 0, &v), 0);
	EXPECT_EQ(v, -1);
	EXPECT_EQ(kstrtos64("-9223372036854775808", 10, &v), 0);
	EXPECT(v == INT64_MIN);
	EXPECT_EQ(kstrtos64("9223372036854775807", 10, &v), 0);
	EXPECT(v == INT64_MAX);
	v = 7;
	EXPECT_EQ(kstrtos64("9223372036854775808", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtos64("-9223372036854775809", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtos64("-0x10", 0, &v), 0);
	EXPECT_EQ(v, -16);
	v = 7;
	EXPECT_EQ(kstrtos64("-", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("--5", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("-+5", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("+5", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64("- 5", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtos64(NULL, 0, &v), -EINVAL);
	EXPECT_EQ(v, 7);
	EXPECT_EQ(kstrtos64("-0", 0, &v), 0);
	EXPECT_EQ(v, 0);
}

TEST(uint_range)
{
	unsigned int v = 7;

	EXPECT_EQ(kstrtouint("4294967295", 10, &v), 0);
	EXPECT_EQ_U(v, 4294967295U);
	v = 7;
	EXPECT_EQ(kstrtouint("4294967296", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtouint("18446744073709551615", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtouint("-1", 10, &v), -EINVAL);
	EXPECT_EQ(kstrtouint("abc", 10, &v), -EINVAL);
	EXPECT_EQ_U(v, 7);
}

TEST(int_range)
{
	int v = 7;

	EXPECT_EQ(kstrtoint("2147483647", 10, &v), 0);
	EXPECT_EQ(v, 2147483647);
	EXPECT_EQ(kstrtoint("-2147483648", 10, &v), 0);
	EXPECT_EQ(v, -2147483647 - 1);
	v = 7;
	EXPECT_EQ(kstrtoint("2147483648", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoint("-2147483649", 10, &v), -ERANGE);
	EXPECT_EQ(kstrtoint("99999999999999999999", 0, &v), -ERANGE);
	EXPECT_EQ(kstrtoint("0x7fffffff", 0, &v), 0);
	EXPECT_EQ(v, 0x7fffffff);
	v = 7;
	EXPECT_EQ(kstrtoint("12abc", 0, &v), -EINVAL);
	EXPECT_EQ(kstrtoint("", 0, &v), -EINVAL);
	EXPECT_EQ(v, 7);
}

int main(void)
{
	RUN(u64_decimal);
	RUN(u64_overflow);
	RUN(u64_garbage);
	RUN(u64_bases);
	RUN(s64_values);
	RUN(uint_range);
	RUN(int_range);
	return TEST_DONE();
}
