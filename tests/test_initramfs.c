// SPDX-License-Identifier: MIT
/*
 * Unit tests for init/initramfs.c's cpio "newc" reader: regular files
 * come out with their names (leading "/" and "./" dropped), data and
 * modes, directories are skipped; a bad magic, a non-hex field, a name
 * or body running past the end, a name without its NUL, and a missing
 * trailer are refused; a callback can stop the walk.
 */
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/initramfs.h>
#include "harness.h"

static unsigned char buf[4096];
static size_t len;

static void pad4(void)
{
	while (len % 4)
		buf[len++] = 0;
}

/* One entry as gen_init_cpio writes it. */
static void entry(const char *name, unsigned int mode, const char *data,
		  size_t size)
{
	len += (size_t)sprintf((char *)buf + len,
			       "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
			       1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
			       strlen(name) + 1, 0u);
	memcpy(buf + len, name, strlen(name) + 1);
	len += strlen(name) + 1;
	pad4();
	memcpy(buf + len, data, size);
	len += size;
	pad4();
}

static void archive(void)
{
	len = 0;
	entry("bin", 0040755, "", 0);
	entry("bin/hello", 0100755, "\177ELF", 4);
	entry("./etc/motd", 0100644, "hi there\n", 9);
	entry("/abs", 0100644, "", 0);
	entry("TRAILER!!!", 0, "", 0);
}

static struct initramfs_file seen[8];
static int nr_seen, stop_after;

static int collect(void *ctx, const struct initramfs_file *f)
{
	(void)ctx;
	seen[nr_seen++] = *f;
	return stop_after && nr_seen == stop_after ? 5 : 0;
}

static int parse(size_t n)
{
	nr_seen = 0;
	return cpio_newc_parse(buf, n, collect, NULL);
}

TEST(regular_files_with_names_and_data)
{
	archive();
	EXPECT_EQ(parse(len), 3);
	EXPECT_EQ(nr_seen, 3);
	EXPECT_STR(seen[0].name, "bin/hello");
	EXPECT_EQ(seen[0].size, 4);
	EXPECT(!memcmp(seen[0].data, "\177ELF", 4));
	EXPECT_EQ(seen[0].mode, 0100755);
	EXPECT_STR(seen[1].name, "etc/motd");
	EXPECT(!memcmp(seen[1].data, "hi there\n", 9));
	EXPECT_STR(seen[2].name, "abs");
	EXPECT_EQ(seen[2].size, 0);
	/* Padding after the trailer (cpio pads to 512) is fine. */
	memset(buf + len, 0, 64);
	EXPECT_EQ(parse(len + 64), 3);
}

TEST(bad_magic_and_fields)
{
	archive();
	buf[5] = '3';			/* 070703 */
	EXPECT_EQ(parse(len), -EINVAL);
	archive();
	buf[6 + 8 * 6 + 3] = 'g';	/* filesize of "bin" not hex */
	EXPECT_EQ(parse(len), -EINVAL);
}

TEST(truncated_anywhere)
{
	archive();
	for (size_t n = 0; n < len; n++) {
		int r = parse(n);

		if (r != -EINVAL) {
			printf("cut at %zu of %zu: %d\n", n, len, r);
			EXPECT(0);
			break;
		}
	}
}

TEST(sizes_past_the_end)
{
	len = 0;
	entry("big", 0100644, "x", 1);
	memcpy(buf + 6 + 8 * 6, "FFFFFFFF", 8);	/* filesize */
	entry("TRAILER!!!", 0, "", 0);
	EXPECT_EQ(parse(len), -EINVAL);
	len = 0;
	entry("name", 0100644, "x", 1);
	memcpy(buf + 6 + 8 * 11, "FFFFFFF0", 8);	/* namesize */
	entry("TRAILER!!!", 0, "", 0);
	EXPECT_EQ(parse(len), -EINVAL);
}

TEST(name_without_nul)
{
	len = 0;
	entry("abcd", 0100644, "x", 1);
	buf[110 + 4] = 'e';		/* where the NUL was */
	entry("TRAILER!!!", 0, "", 0);
	EXPECT_EQ(parse(len), -EINVAL);
}

TEST(missing_trailer)
{
	len = 0;
	entry("a", 0100644, "x", 1);
	EXPECT_EQ(parse(len), -EINVAL);
}

TEST(callback_stops_the_walk)
{
	archive();
	stop_after = 2;
	EXPECT_EQ(parse(len), 5);
	EXPECT_EQ(nr_seen, 2);
	stop_after = 0;
}

/* A regular file whose name is only "/" or "./" is skipped, not counted. */
TEST(nameless_regular_file_not_counted)
{
	len = 0;
	entry("bin/hello", 0100755, "\177ELF", 4);
	entry("./", 0100644, "x", 1);
	entry("/", 0100644, "", 0);
	entry("TRAILER!!!", 0, "", 0);
	EXPECT_EQ(parse(len), 1);
	EXPECT_EQ(nr_seen, 1);
}

int main(void)
{
	RUN(regular_files_with_names_and_data);
	RUN(bad_magic_and_fields);
	RUN(truncated_anywhere);
	RUN(sizes_past_the_end);
	RUN(name_without_nul);
	RUN(missing_trailer);
	RUN(callback_stops_the_walk);
	RUN(nameless_regular_file_not_counted);
	return TEST_DONE();
}
