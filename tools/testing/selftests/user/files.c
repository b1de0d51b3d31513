// SPDX-License-Identifier: MIT
/*
 * Files of the initramfs through open, read, fstat, lseek, getdents64
 * and close, as on Linux, and the errors a program gets: ENOENT,
 * ENOTDIR, EISDIR, EBADF, EMFILE, EFAULT, EINVAL, ESPIPE, and EROFS
 * for any write (pvk's only file system is read-only).  An exec closes
 * the O_CLOEXEC descriptors and keeps the others.
 *
 *   files                 on pvk: /etc/fstest.txt and /bin, EROFS too
 *   files FILE DIR        on the build host (writable, so no EROFS;
 *                         RLIMIT_NOFILE lowered to pvk's 64)
 *   files --exec-check CLOSED OPEN    (run by the exec test)
 *
 * FILE must hold fstest.txt's text, DIR a regular file "hello".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "files"
#include "check.h"

#define FD_LIMIT	64
#define BAD_PTR		((void *)1)

static const char text[] = "pvk initramfs test file\nsecond line: 0123456789\n";
static int failed, on_pvk;
/* The lowest descriptor free at the start: 3 on pvk, which opens only
 * 0, 1 and 2; the host's shell or a lock holder may pass more. */
static int lowest_free;

static long getdents64_raw(int fd, void *buf, size_t size)
{
	return syscall(SYS_getdents64, fd, buf, size);
}

static void read_seek_stat(const char *path)
{
	size_t size = sizeof(text) - 1;
	char buf[128];
	struct stat st;
	int fd = open(path, O_RDONLY);

	CHECK(fd == lowest_free);
	CHECK(fstat(fd, &st) == 0);
	CHECK(S_ISREG(st.st_mode) && st.st_size == (off_t)size);
	CHECK(st.st_nlink == 1 && st.st_ino != 0);
	CHECK(read(fd, buf, 4) == 4 && !memcmp(buf, text, 4));
	CHECK(read(fd, buf, sizeof(buf)) == (ssize_t)size - 4);
	CHECK(!memcmp(buf, text + 4, size - 4));
	CHECK(read(fd, buf, sizeof(buf)) == 0);	/* end of file */
	CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)size);
	CHECK(lseek(fd, -11, SEEK_END) == (off_t)size - 11);
	CHECK(read(fd, buf, sizeof(buf)) == 11 && !memcmp(buf, "0123456789\n", 11));
	CHECK(lseek(fd, 4, SEEK_SET) == 4);
	CHECK(read(fd, buf, 9) == 9 && !memcmp(buf, "initramfs", 9));
	CHECK(lseek(fd, 100, SEEK_SET) == 100);	/* past the end is allowed */
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	FAILS(lseek(fd, -1, SEEK_SET), EINVAL);
	FAILS(lseek(fd, -200, SEEK_CUR), EINVAL);
	FAILS(lseek(fd, 0, 7), EINVAL);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	FAILS(syscall(SYS_read, fd, BAD_PTR, 10L), EFAULT);
	FAILS(syscall(SYS_fstat, fd, BAD_PTR), EFAULT);
	FAILS(getdents64_raw(fd, buf, sizeof(buf)), ENOTDIR);
	CHECK(close(fd) == 0);
	FAILS(close(fd), EBADF);
	FAILS(read(fd, buf, 1), EBADF);
	FAILS(syscall(SYS_fstat, fd, &st), EBADF);
	FAILS(lseek(fd, 0, SEEK_SET), EBADF);
	FAILS(close(-1), EBADF);
	FAILS(close(1000000), EBADF);
	FAILS(open(path, O_RDONLY | O_DIRECTORY), ENOTDIR);
	FAILS(syscall(SYS_open, BAD_PTR, O_RDONLY), EFAULT);
	FAILS(open("/no/such/file", O_RDONLY), ENOENT);
	CHECK(stat(path, &st) == 0 && st.st_size == (off_t)size);
	FAILS(stat("/no/such/file", &st), ENOENT);
}

/* DIR has ".", ".." and a regular "hello"; reading it is EISDIR. */
static void list_dir(const char *dir, const char *want, unsigned char type)
{
	char buf[4096];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dot = 0, dotdot = 0, found = 0;
	struct stat st;
	long n;

	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
	FAILS(read(fd, buf, sizeof(buf)), EISDIR);
	/* Too small for one record. */
	FAILS(getdents64_raw(fd, buf, 10), EINVAL);
	FAILS(syscall(SYS_getdents64, fd, BAD_PTR, 4096L), EFAULT);
	while ((n = getdents64_raw(fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			CHECK(d->d_reclen % 8 == 0 && d->d_reclen >= 20);
			dot += !strcmp(d->d_name, ".") && d->d_type == DT_DIR;
			dotdot += !strcmp(d->d_name, "..") && d->d_type == DT_DIR;
			found += !strcmp(d->d_name, want) && d->d_type == type;
			off += d->d_reclen;
		}
	}
	CHECK(n == 0);
	CHECK(dot == 1 && dotdot == 1 && found == 1);
	if (found != 1)
		printf("files: no '%s' of type %u in %s\n", want, type, dir);
	/* Rewound, it lists again. */
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(getdents64_raw(fd, buf, sizeof(buf)) > 0);
	CHECK(close(fd) == 0);
}

/* Descriptors run out at the limit with EMFILE; closing frees them. */
static void fd_limit(void)
{
	int fds[FD_LIMIT], n = 0, fd;

	while (n < FD_LIMIT && (fd = dup(0)) >= 0)
		fds[n++] = fd;
	/* Only 0, 1 and 2 are open on pvk; the host may pass more. */
	CHECK(on_pvk ? n == FD_LIMIT - 3 : n > 0 && n < FD_LIMIT);
	FAILS(dup(0), EMFILE);
	FAILS(open("/", O_RDONLY), EMFILE);
	while (n)
		close(fds[--n]);
	fd = dup(0);
	CHECK(fd == lowest_free);
	close(fd);
}

/* Writing anything is EROFS, as on a read-only mount. */
static void read_only(const char *path)
{
	FAILS(open(path, O_WRONLY), EROFS);
	FAILS(open(path, O_RDWR), EROFS);
	FAILS(open(path, O_RDONLY | O_TRUNC), EROFS);
	FAILS(open("/new-file", O_WRONLY | O_CREAT, 0644), EROFS);
	FAILS(open("/", O_WRONLY), EISDIR);
}

/* exec keeps plain descriptors and closes O_CLOEXEC ones. */
static void exec_cloexec(const char *self, const char *path)
{
	int keep = open(path, O_RDONLY);
	int gone = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	char a[16], b[16];
	pid_t pid;
	int st;

	CHECK(keep >= 0 && gone >= 0);
	CHECK(fcntl(gone, F_GETFD) == FD_CLOEXEC && fcntl(keep, F_GETFD) == 0);
	snprintf(a, sizeof(a), "%d", gone);
	snprintf(b, sizeof(b), "%d", keep);
	pid = fork();
	if (!pid) {
		execl(self, self, "--exec-check", a, b, (char *)NULL);
		_exit(99);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(keep);
	close(gone);
}

static int exec_check(const char *closed, const char *open_fd)
{
	char c;

	errno = 0;
	if (fcntl(atoi(closed), F_GETFD) != -1 || errno != EBADF)
		return 1;
	return read(atoi(open_fd), &c, 1) == 1 && c == 'p' ? 0 : 2;
}

int main(int argc, char **argv)
{
	const char *path = "/etc/fstest.txt", *dir = "/bin";

	if (argc == 4 && !strcmp(argv[1], "--exec-check"))
		return exec_check(argv[2], argv[3]);
	on_pvk = argc < 3;
	lowest_free = dup(0);
	close(lowest_free);
	CHECK(on_pvk ? lowest_free == 3 : lowest_free >= 3);
	if (!on_pvk) {
		struct rlimit r = { FD_LIMIT, FD_LIMIT };

		path = argv[1];
		dir = argv[2];
		CHECK(setrlimit(RLIMIT_NOFILE, &r) == 0);
	}
	read_seek_stat(path);
	list_dir(dir, "hello", DT_REG);
	fd_limit();
	exec_cloexec(argv[0], path);
	if (on_pvk) {
		struct stat st;

		list_dir("/", "bin", DT_DIR);
		list_dir("/bin/../etc/", "fstest.txt", DT_REG);
		CHECK(stat("/bin/", &st) == 0 && S_ISDIR(st.st_mode));
		FAILS(stat("/etc/fstest.txt/", &st), ENOTDIR);
		read_only(path);
	}
	printf(failed ? "files: FAILED\n" : "files: ok\n");
	return failed;
}
