// SPDX-License-Identifier: MIT
/*
 * Unit tests for kernel/wait.c: which children wait4's pid selects and
 * which options it accepts.
 */
#include <pvk/errno.h>
#include <pvk/wait.h>
#include "harness.h"

TEST(pid_selects_children)
{
	EXPECT(wait_pid_matches(-1, 7));
	EXPECT(wait_pid_matches(7, 7));
	EXPECT(!wait_pid_matches(8, 7));
	/* One process group: 0 and -pgid select every child. */
	EXPECT(wait_pid_matches(0, 7));
	EXPECT(wait_pid_matches(-5, 7));
}

TEST(options)
{
	EXPECT_EQ(wait_options_check(0), 0);
	EXPECT_EQ(wait_options_check(WNOHANG), 0);
	EXPECT_EQ(wait_options_check(WNOHANG | WUNTRACED | WCONTINUED), 0);
	EXPECT_EQ(wait_options_check(__WALL | __WNOTHREAD), 0);
	EXPECT_EQ(wait_options_check(0x4), -EINVAL);	/* WEXITED: waitid's */
	EXPECT_EQ(wait_options_check((int)0x80000000), -EINVAL); /* __WCLONE */
	EXPECT_EQ(wait_options_check(-1), -EINVAL);
}

int main(void)
{
	RUN(pid_selects_children);
	RUN(options);
	return TEST_DONE();
}
