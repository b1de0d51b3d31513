// SPDX-License-Identifier: MIT
/*
 * Unit tests for the pure parts of pvk's files: the lowest free
 * descriptor (fs/fdtable.c), a pipe's ring arithmetic with counters
 * that wrap (fs/pipe_ring.c), and the initramfs as a tree: path
 * resolution, directory children and linux_dirent64 records
 * (fs/ramfs_dir.c).
 */
#include <stdint.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/pipe_ring.h>
#include <pvk/ramfs_dir.h>
#include "harness.h"

TEST(fd_lowest_free_picks_lowest)
{
	EXPECT_EQ(fd_lowest_free(0, 0, FD_MAX), 0);
	EXPECT_EQ(fd_lowest_free(0x7, 0, FD_MAX), 3);
	/* A hole below is taken first: close(1) then open() gives 1. */
	EXPECT_EQ(fd_lowest_free(0x5, 0, FD_MAX), 1);
	/* F_DUPFD's start. */
	EXPECT_EQ(fd_lowest_free(0x5, 2, FD_MAX), 3);
	EXPECT_EQ(fd_lowest_free(0, -3, FD_MAX), 0);
}

TEST(fd_lowest_free_full_is_emfile)
{
	EXPECT_EQ(fd_lowest_free(~0ULL, 0, FD_MAX), -EMFILE);
	EXPECT_EQ(fd_lowest_free(~0ULL >> 1, 0, FD_MAX), 63);
	EXPECT_EQ(fd_lowest_free(0x3, 0, 2), -EMFILE);
	EXPECT_EQ(fd_lowest_free(0, 64, FD_MAX), -EMFILE);
	/* No bit beyond 63 is ever looked at. */
	EXPECT_EQ(fd_lowest_free(0, 0, 1000), 0);
	EXPECT_EQ(fd_lowest_free(~0ULL, 0, 1000), -EMFILE);
}

TEST(pipe_ring_fill_and_drain)
{
	struct pipe_ring r = { .size = 16 };
	u32 at;

	EXPECT_EQ(pipe_ring_used(&r), 0);
	EXPECT_EQ(pipe_ring_room(&r), 16);
	EXPECT_EQ(pipe_ring_read_span(&r, 10, &at), 0);
	EXPECT_EQ(pipe_ring_write_span(&r, 10, &at), 10);
	EXPECT_EQ(at, 0);
	r.head += 10;
	EXPECT_EQ(pipe_ring_write_span(&r, 10, &at), 6);
	EXPECT_EQ(at, 10);
	EXPECT_EQ(pipe_ring_read_span(&r, 4, &at), 4);
	r.tail += 4;
	/* Room after the wrap: a second span from index 0. */
	r.head += 6;
	EXPECT_EQ(pipe_ring_room(&r), 4);
	EXPECT_EQ(pipe_ring_write_span(&r, 10, &at), 4);
	EXPECT_EQ(at, 0);
	/* The read span stops at the end of the buffer. */
	EXPECT_EQ(pipe_ring_read_span(&r, 100, &at), 12);
	EXPECT_EQ(at, 4);
}

TEST(pipe_ring_counters_wrap)
{
	struct pipe_ring r = { .head = UINT32_MAX - 2, .tail = UINT32_MAX - 2,
			       .size = 4096 };
	u32 at;

	r.head += 10;		/* wraps past 2^32 */
	EXPECT_EQ(pipe_ring_used(&r), 10);
	EXPECT_EQ(pipe_ring_room(&r), 4086);
	EXPECT_EQ(pipe_ring_read_span(&r, 100, &at), 3);
	EXPECT_EQ(at, 4093);
	r.tail += 3;
	EXPECT_EQ(pipe_ring_read_span(&r, 100, &at), 7);
	EXPECT_EQ(at, 0);
}

TEST(pipe_ring_atomic_writes_wait_for_room)
{
	struct pipe_ring r = { .head = 4000, .tail = 0, .size = 4096 };

	EXPECT_EQ(pipe_ring_write_now(&r, 96, true), 96);
	/* Atomic: 100 bytes do not fit in 96, nothing goes in yet. */
	EXPECT_EQ(pipe_ring_write_now(&r, 100, true), 0);
	/* A big write fills what room there is. */
	EXPECT_EQ(pipe_ring_write_now(&r, 10000, false), 96);
	r.head = 4096;
	EXPECT_EQ(pipe_ring_write_now(&r, 1, false), 0);
}

TEST(path_normalize_resolves)
{
	char out[64];
	bool slash;

	EXPECT_EQ(path_normalize("/bin/hello", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, "bin/hello") && !slash);
	EXPECT_EQ(path_normalize("//bin/./x/../hello", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, "bin/hello"));
	EXPECT_EQ(path_normalize("/", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, ""));
	EXPECT_EQ(path_normalize("/../..", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, ""));
	EXPECT_EQ(path_normalize("bin/", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, "bin") && slash);
	EXPECT_EQ(path_normalize(".", out, sizeof(out), &slash), 0);
	EXPECT(!strcmp(out, ""));
	EXPECT_EQ(path_normalize("", out, sizeof(out), &slash), -ENOENT);
	EXPECT_EQ(path_normalize("/abcdefghi", out, 9, &slash), -ENAMETOOLONG);
	EXPECT_EQ(path_normalize("/abcdefgh", out, 9, &slash), 0);
}

TEST(ramfs_child_components)
{
	char c[16];

	EXPECT_EQ(ramfs_child("", "bin/hello", c, sizeof(c)), DT_DIR);
	EXPECT(!strcmp(c, "bin"));
	EXPECT_EQ(ramfs_child("", "README", c, sizeof(c)), DT_REG);
	EXPECT(!strcmp(c, "README"));
	EXPECT_EQ(ramfs_child("bin", "bin/hello", c, sizeof(c)), DT_REG);
	EXPECT(!strcmp(c, "hello"));
	EXPECT_EQ(ramfs_child("bin", "binx/hello", c, sizeof(c)), 0);
	EXPECT_EQ(ramfs_child("bin", "bin", c, sizeof(c)), 0);
	EXPECT_EQ(ramfs_child("a/b", "a/b/c/d", c, sizeof(c)), DT_DIR);
	EXPECT(!strcmp(c, "c"));
	EXPECT_EQ(ramfs_child("", "averyveryverylongname", c, sizeof(c)),
		  -ENAMETOOLONG);
	EXPECT(ramfs_dir_has("", "x"));
	EXPECT(ramfs_dir_has("bin", "bin/x"));
	EXPECT(!ramfs_dir_has("bin", "binx/y"));
	EXPECT(!ramfs_dir_has("bin", "bin"));
}

TEST(ramfs_parent_and_ino)
{
	char p[16];

	ramfs_parent("a/b/c", p, sizeof(p));
	EXPECT(!strcmp(p, "a/b"));
	ramfs_parent("a", p, sizeof(p));
	EXPECT(!strcmp(p, ""));
	ramfs_parent("", p, sizeof(p));
	EXPECT(!strcmp(p, ""));
	EXPECT_EQ(ramfs_dir_ino(""), 1);
	EXPECT(ramfs_dir_ino("bin") > 0xffffffffULL);
	EXPECT(ramfs_dir_ino("bin") != ramfs_dir_ino("expected"));
}

TEST(dirent64_records)
{
	u8 buf[64];
	u64 ino;
	s64 off;
	u16 reclen;

	memset(buf, 0xaa, sizeof(buf));
	/* 19 + "hello" + NUL = 25, aligned to 32. */
	EXPECT_EQ(dirent64_pack(buf, sizeof(buf), 7, 3, DT_REG, "hello"), 32);
	memcpy(&ino, buf, 8);
	memcpy(&off, buf + 8, 8);
	memcpy(&reclen, buf + 16, 2);
	EXPECT_EQ(ino, 7);
	EXPECT_EQ(off, 3);
	EXPECT_EQ(reclen, 32);
	EXPECT_EQ(buf[18], DT_REG);
	EXPECT(!strcmp((char *)buf + 19, "hello"));
	EXPECT_EQ(buf[31], 0);		/* padding is zeroed */
	EXPECT_EQ(buf[32], 0xaa);	/* nothing past the record */
	/* "." needs 24 bytes: 23 do not hold it. */
	EXPECT_EQ(dirent64_pack(buf, 23, 1, 1, DT_DIR, "."), 0);
	EXPECT_EQ(dirent64_pack(buf, 24, 1, 1, DT_DIR, "."), 24);
	/* 19 + 5 + 1 = 25: the smallest with padding to 32. */
	EXPECT_EQ(dirent64_pack(buf, 64, 1, 1, DT_DIR, "abcd"), 24);
	EXPECT_EQ(dirent64_pack(buf, 64, 1, 1, DT_DIR, "abcde"), 32);
}

int main(void)
{
	RUN(fd_lowest_free_picks_lowest);
	RUN(fd_lowest_free_full_is_emfile);
	RUN(pipe_ring_fill_and_drain);
	RUN(pipe_ring_counters_wrap);
	RUN(pipe_ring_atomic_writes_wait_for_room);
	RUN(path_normalize_resolves);
	RUN(ramfs_child_components);
	RUN(ramfs_parent_and_ino);
	RUN(dirent64_records);
	return TEST_DONE();
}
