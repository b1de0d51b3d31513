// SPDX-License-Identifier: MIT
/*
 * Pipes between a parent and its forked child, as on Linux: stdout
 * moved into a pipe with dup2, a ping-pong of bytes with end of file
 * once the writer closes, a transfer of many pages through one page of
 * buffer (writers block), EPIPE with no reader, EAGAIN with O_NONBLOCK,
 * and the rules of dup, dup2, dup3 and fcntl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "pipes"
#include "check.h"

#define ROUNDS		200
#define BIG		(64 * 1024)

static int failed;

static int child_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/* Read to end of file; the bytes read. */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;

	while (done < size && (n = read(fd, buf + done, size - done)) > 0)
		done += (size_t)n;
	return done;
}

/* The child's printf lands in the pipe dup2 put on its stdout. */
static void stdout_redirect(void)
{
	static const char want[] = "into the pipe 42\n";
	char buf[64] = "";
	int p[2];
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	if (!pid) {
		if (dup2(p[1], 1) != 1)
			_exit(2);
		close(p[0]);
		close(p[1]);
		printf("into the pipe %d\n", 42);
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	CHECK(read_all(p[0], buf, sizeof(buf) - 1) == sizeof(want) - 1);
	CHECK(!strcmp(buf, want));
	close(p[0]);
	CHECK(child_ok(pid));
}

/* The child adds one to each byte; closing the pipe ends it (EOF). */
static void ping_pong(void)
{
	int down[2], up[2];
	unsigned char c = 0;
	pid_t pid;
	int ok = 1;

	CHECK(pipe(down) == 0 && pipe2(up, O_CLOEXEC) == 0);
	pid = fork();
	if (!pid) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1) {
			c++;
			if (write(up[1], &c, 1) != 1)
				_exit(3);
		}
		_exit(0);	/* end of file: the parent closed */
	}
	close(down[0]);
	close(up[1]);
	for (int i = 0; i < ROUNDS && ok; i++) {
		unsigned char back;

		ok = write(down[1], &c, 1) == 1 && read(up[0], &back, 1) == 1 &&
		     back == (unsigned char)(c + 1);
		c = back + 1;
	}
	CHECK(ok);
	close(down[1]);
	CHECK(read(up[0], &c, 1) == 0);	/* the child ended: EOF */
	close(up[0]);
	CHECK(child_ok(pid));
}

/* 64 KiB through a page: the writer waits for the reader many times. */
static void big_transfer(void)
{
	static char buf[BIG];
	unsigned long sum = 0;
	int p[2];
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	if (!pid) {
		close(p[0]);
		for (int i = 0; i < BIG; i++)
			buf[i] = (char)(i * 7);
		_exit(write(p[1], buf, BIG) == BIG ? 0 : 4);
	}
	close(p[1]);
	CHECK(read_all(p[0], buf, BIG) == BIG);
	for (int i = 0; i < BIG; i++)
		sum += buf[i] == (char)(i * 7);
	CHECK(sum == BIG);
	close(p[0]);
	CHECK(child_ok(pid));
}

static void pipe_errors(void)
{
	int p[2], q[2];
	char c;

	CHECK(pipe(p) == 0);
	FAILS(lseek(p[0], 0, SEEK_SET), ESPIPE);
	FAILS(write(p[0], "x", 1), EBADF);
	FAILS(read(p[1], &c, 1), EBADF);
	CHECK(write(p[1], "ab", 2) == 2);
	FAILS(syscall(SYS_read, p[0], (void *)1, 2L), EFAULT);
	CHECK(read(p[0], &c, 1) == 1 && c == 'a');
	close(p[0]);
	FAILS(write(p[1], "x", 1), EPIPE);	/* no reader (SIGPIPE ignored) */
	close(p[1]);
	CHECK(pipe2(q, O_NONBLOCK) == 0);
	FAILS(read(q[0], &c, 1), EAGAIN);
	close(q[0]);
	close(q[1]);
	FAILS(pipe2(q, 0x40), EINVAL);
	FAILS(syscall(SYS_pipe2, (void *)1, 0), EFAULT);
}

static void dup_rules(void)
{
	int p[2], fd;

	CHECK(pipe(p) == 0);
	fd = dup(p[1]);
	CHECK(fd == p[1] + 1);
	CHECK(dup2(p[0], fd) == fd);		/* closes fd first */
	CHECK(dup2(fd, fd) == fd);
	FAILS(dup3(fd, fd, 0), EINVAL);
	FAILS(syscall(SYS_dup3, p[0], fd, 1), EINVAL);	/* flags: O_CLOEXEC only */
	FAILS(dup2(99, fd), EBADF);
	FAILS(dup2(p[0], -1), EBADF);
	CHECK(dup3(p[0], fd, O_CLOEXEC) == fd && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0);
	CHECK(fcntl(p[0], F_DUPFD_CLOEXEC, 20) == 20);
	CHECK(fcntl(20, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(20, F_GETFL) == O_RDONLY && fcntl(p[1], F_GETFL) == O_WRONLY);
	FAILS(fcntl(99, F_GETFD), EBADF);
	/* A write through one descriptor is read through the duplicate. */
	CHECK(write(p[1], "z", 1) == 1);
	{
		char c = 0;

		CHECK(read(20, &c, 1) == 1 && c == 'z');
	}
	close(20);
	close(fd);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	stdout_redirect();
	ping_pong();
	big_transfer();
	pipe_errors();
	dup_rules();
	printf(failed ? "pipes: FAILED\n" : "pipes: ok\n");
	return failed;
}
