// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/xen/grant-table-version.c: gnttab= parsing and
 * the choice of grant-table version for every answer Xen can give,
 * including those a QEMU test machine never produces (machine frames
 * above 32 bits, version 2 refused, no answer at all).
 */
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include "../drivers/xen/grant-table-version.h"
#include "harness.h"

/* XENMEM_maximum_ram_page answers: one more than the highest frame. */
#define SMALL_HOST	0x80000L		/* 2 GiB */
#define EDGE_FITS	0x100000000L		/* highest frame 0xffffffff */
#define EDGE_NEEDS_V2	0x100000001L		/* highest frame 1 << 32 */
#define BIG_HOST	0x2000000000L		/* 512 TiB */
#define NO_ANSWER	(-38L)			/* -ENOSYS */

static char why[128];

static unsigned int choose(enum gnttab_mode mode, long max_ram_page,
			   bool refused)
{
	memset(why, 'x', sizeof(why));
	return gnttab_choose_version(mode, max_ram_page, refused, why,
				     sizeof(why));
}

TEST(parse_good_values)
{
	enum gnttab_mode mode = GNTTAB_MODE_V2;

	EXPECT_EQ(gnttab_parse_mode("", &mode), 0);
	EXPECT_EQ(mode, GNTTAB_MODE_AUTO);
	EXPECT_EQ(gnttab_parse_mode("auto", &mode), 0);
	EXPECT_EQ(mode, GNTTAB_MODE_AUTO);
	EXPECT_EQ(gnttab_parse_mode("v1", &mode), 0);
	EXPECT_EQ(mode, GNTTAB_MODE_V1);
	EXPECT_EQ(gnttab_parse_mode("v2", &mode), 0);
	EXPECT_EQ(mode, GNTTAB_MODE_V2);
}

TEST(parse_bad_values_mean_auto)
{
	static const char *const bad[] = {
		"v3", "V2", "2", "v2 ", "v", "v1,v2", "autox", "v0", "-1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum gnttab_mode mode = GNTTAB_MODE_V1;

		EXPECT_EQ(gnttab_parse_mode(bad[i], &mode), -EINVAL);
		EXPECT_EQ(mode, GNTTAB_MODE_AUTO);
	}
}

TEST(auto_follows_the_frames)
{
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, SMALL_HOST, false), 1);
	EXPECT_STR(why, "max machine frame 0x7ffff fits in 32 bits");
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, EDGE_FITS, false), 1);
	EXPECT_STR(why, "max machine frame 0xffffffff fits in 32 bits");
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, EDGE_NEEDS_V2, false), 2);
	EXPECT_STR(why, "max machine frame 0x100000000 needs more than 32 bits");
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, BIG_HOST, false), 2);
	EXPECT_STR(why, "max machine frame 0x1fffffffff needs more than 32 bits");
}

TEST(auto_without_an_answer_is_v1)
{
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, NO_ANSWER, false), 1);
	EXPECT_STR(why, "max machine frame unknown (-38), assumed to fit in 32 bits");
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, 0, false), 1);
	EXPECT_STR(why, "max machine frame unknown (0), assumed to fit in 32 bits");
}

TEST(forced_versions_are_obeyed)
{
	EXPECT_EQ(choose(GNTTAB_MODE_V2, SMALL_HOST, false), 2);
	EXPECT_STR(why, "forced by gnttab=v2");
	EXPECT_EQ(choose(GNTTAB_MODE_V2, NO_ANSWER, false), 2);
	EXPECT_EQ(choose(GNTTAB_MODE_V1, SMALL_HOST, false), 1);
	EXPECT_STR(why, "forced by gnttab=v1");
	/* Obeyed even when frames need more, and said so. */
	EXPECT_EQ(choose(GNTTAB_MODE_V1, BIG_HOST, false), 1);
	EXPECT_STR(why, "forced by gnttab=v1; max machine frame 0x1fffffffff "
		   "needs more than 32 bits: frames above 0xffffffff cannot "
		   "be granted");
}

TEST(refused_v2_falls_back_only_if_frames_fit)
{
	EXPECT_EQ(choose(GNTTAB_MODE_V2, SMALL_HOST, true), 1);
	EXPECT_STR(why, "Xen refused version 2; max machine frame 0x7ffff fits "
		   "in 32 bits");
	EXPECT_EQ(choose(GNTTAB_MODE_V2, NO_ANSWER, true), 1);
	EXPECT_EQ(choose(GNTTAB_MODE_AUTO, EDGE_NEEDS_V2, true), 0);
	EXPECT_EQ(choose(GNTTAB_MODE_V2, BIG_HOST, true), 0);
	EXPECT_STR(why, "Xen refused version 2; max machine frame 0x1fffffffff "
		   "needs more than 32 bits");
}

TEST(reason_is_cut_to_the_buffer)
{
	char small[16];

	memset(small, 'x', sizeof(small));
	EXPECT_EQ(gnttab_choose_version(GNTTAB_MODE_V1, BIG_HOST, false, small,
					sizeof(small)), 1);
	EXPECT_STR(small, "forced by gntta");
}

int main(void)
{
	RUN(parse_good_values);
	RUN(parse_bad_values_mean_auto);
	RUN(auto_follows_the_frames);
	RUN(auto_without_an_answer_is_v1);
	RUN(forced_versions_are_obeyed);
	RUN(refused_v2_falls_back_only_if_frames_fit);
	RUN(reason_is_cut_to_the_buffer);
	return TEST_DONE();
}
