// SPDX-License-Identifier: MIT
/*
 * Bad pointers in system calls give EFAULT and nothing else happens:
 * NULL-page and kernel addresses, and a page that was just unmapped
 * (a fault inside the kernel's copy, not only a range check).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int bad;

static void expect_efault(const char *what, long r)
{
	if (r != -1 || errno != EFAULT) {
		printf("efault: %s returned %ld errno %d\n", what, r, errno);
		bad++;
	}
	errno = 0;
}

int main(void)
{
	void *kernel = (void *)0xffff888000000000UL;
	struct iovec iov = { (void *)8, 4 };
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED || munmap(page, 4096)) {
		printf("efault: mmap/munmap failed\n");
		return 1;
	}
	expect_efault("write(NULL+8)", write(1, (void *)8, 10));
	expect_efault("write(kernel)", write(1, kernel, 10));
	expect_efault("write(unmapped)", write(1, page, 10));
	expect_efault("writev(bad iov)", writev(1, (void *)16, 1));
	expect_efault("writev(bad base)", writev(1, &iov, 1));
	expect_efault("uname(kernel)", syscall(SYS_uname, kernel));
	expect_efault("clock_gettime(unmapped)",
		      syscall(SYS_clock_gettime, 1, page));
	if (bad)
		return 1;
	printf("efault: ok\n");
	return 0;
}
