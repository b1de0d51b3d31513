// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/balloon-target.c: memory/target parsed
 * strictly, KiB to pages, the boot offset of an HVM or PVH guest, the
 * clamp to the floor and the maximum, and steps bounded by one batch.
 */
#include <stdint.h>
#include <pvk/errno.h>
#include "../drivers/xen/balloon-internal.h"
#include "harness.h"

TEST(parse_plain_decimal_only)
{
	u64 kib = 7;

	EXPECT_EQ(xen_balloon_parse_kib("262144", &kib), 0);
	EXPECT_EQ_U(kib, 262144);
	EXPECT_EQ(xen_balloon_parse_kib("0", &kib), 0);
	EXPECT_EQ_U(kib, 0);
	EXPECT_EQ(xen_balloon_parse_kib("18446744073709551615", &kib), 0);
	EXPECT_EQ_U(kib, UINT64_MAX);
	kib = 7;
	EXPECT_EQ(xen_balloon_parse_kib("18446744073709551616", &kib), -ERANGE);
	EXPECT_EQ(xen_balloon_parse_kib("", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("-4096", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("+4096", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib(" 4096", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("4096\n", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("4096k", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("0x1000", &kib), -EINVAL);
	EXPECT_EQ(xen_balloon_parse_kib("lots", &kib), -EINVAL);
	EXPECT_EQ_U(kib, 7);	/* untouched by a refused value */
}

TEST(kib_and_pages)
{
	EXPECT_EQ_U(xen_balloon_kib_to_pages(262144), 65536);
	EXPECT_EQ_U(xen_balloon_kib_to_pages(4099), 1024);	/* rounds down */
	EXPECT_EQ_U(xen_balloon_kib_to_pages(3), 0);
	EXPECT_EQ_U(xen_balloon_pages_to_kib(65536), 262144);
	EXPECT_EQ_U(xen_balloon_pages_to_kib(UINT64_MAX / 2), UINT64_MAX);
}

TEST(target_offset_saturates)
{
	EXPECT_EQ_U(xen_balloon_target_pages(131072, 0), 32768);
	EXPECT_EQ_U(xen_balloon_target_pages(131072, 256), 33024);
	EXPECT_EQ_U(xen_balloon_target_pages(131072, -256), 32512);
	EXPECT_EQ_U(xen_balloon_target_pages(1024, -256), 0);
	EXPECT_EQ_U(xen_balloon_target_pages(1020, -255), 0);
	EXPECT_EQ_U(xen_balloon_target_pages(1024, -255), 1);
	EXPECT_EQ_U(xen_balloon_target_pages(UINT64_MAX, INT64_MAX),
		    UINT64_MAX / 4 + INT64_MAX);
	EXPECT_EQ_U(xen_balloon_target_pages(0, INT64_MIN), 0);
}

TEST(limits_and_clamp)
{
	struct xen_balloon_limits l;
	enum xen_balloon_clamp why;

	/* 256 MiB booted, static-max the same, floor 40 MiB. */
	xen_balloon_limits_init(&l, 65536, 65536, 10240);
	EXPECT_EQ_U(l.max, 65536);
	EXPECT_EQ_U(l.floor, 10240);
	EXPECT_EQ_U(xen_balloon_clamp(32768, &l, &why), 32768);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_NONE);
	EXPECT_EQ_U(xen_balloon_clamp(65536, &l, &why), 65536);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_NONE);
	EXPECT_EQ_U(xen_balloon_clamp(65537, &l, &why), 65536);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_MAX);
	EXPECT_EQ_U(xen_balloon_clamp(UINT64_MAX, &l, &why), 65536);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_MAX);
	EXPECT_EQ_U(xen_balloon_clamp(10239, &l, &why), 10240);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_FLOOR);
	EXPECT_EQ_U(xen_balloon_clamp(0, &l, &why), 10240);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_FLOOR);
	/* static-max below the boot allocation, or unknown (0). */
	xen_balloon_limits_init(&l, 65536, 32768, 10240);
	EXPECT_EQ_U(l.max, 32768);
	xen_balloon_limits_init(&l, 65536, 0, 10240);
	EXPECT_EQ_U(l.max, 65536);
	/* Above static-max never: the guest only takes back what it gave. */
	xen_balloon_limits_init(&l, 65536, 131072, 10240);
	EXPECT_EQ_U(l.max, 65536);
	/* A floor above the maximum is the maximum: nothing to give away. */
	xen_balloon_limits_init(&l, 8192, 0, 10240);
	EXPECT_EQ_U(l.floor, 8192);
	EXPECT_EQ_U(xen_balloon_clamp(0, &l, &why), 8192);
	EXPECT_EQ(why, XEN_BALLOON_CLAMP_FLOOR);
}

TEST(step_is_bounded)
{
	EXPECT_EQ(xen_balloon_step(65536, 65536), 0);
	EXPECT_EQ(xen_balloon_step(65536, 65535), -1);
	EXPECT_EQ(xen_balloon_step(65536, 32768), -XEN_BALLOON_BATCH);
	EXPECT_EQ(xen_balloon_step(32768, 65536), XEN_BALLOON_BATCH);
	EXPECT_EQ(xen_balloon_step(32768, 32768 + 100), 100);
	EXPECT_EQ(xen_balloon_step(0, UINT64_MAX), XEN_BALLOON_BATCH);
	EXPECT_EQ(xen_balloon_step(UINT64_MAX, 0), -XEN_BALLOON_BATCH);
}

int main(void)
{
	RUN(parse_plain_decimal_only);
	RUN(kib_and_pages);
	RUN(target_offset_saturates);
	RUN(limits_and_clamp);
	RUN(step_is_bounded);
	return TEST_DONE();
}
