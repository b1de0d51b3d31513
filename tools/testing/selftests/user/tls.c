// SPDX-License-Identifier: MIT
/*
 * Thread-local storage through the FS base musl sets with arch_prctl:
 * initialised and zeroed TLS variables, errno (itself thread-local),
 * and FS base as the kernel reports it equal to the thread pointer.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_GET_FS 0x1003

static __thread int initialised = 42;
static __thread long zeroed[16];

int main(void)
{
	unsigned long fs = 0, self;

	asm volatile("mov %%fs:0, %0" : "=r"(self));
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) || fs != self || !fs) {
		printf("tls: FS base %#lx, thread pointer %#lx\n", fs, self);
		return 1;
	}
	if (initialised != 42 || zeroed[15] != 0) {
		printf("tls: initial values %d %ld\n", initialised, zeroed[15]);
		return 1;
	}
	initialised++;
	zeroed[15] = initialised;
	errno = 0;
	if (syscall(1000) != -1 || errno != ENOSYS || zeroed[15] != 43) {
		printf("tls: errno %d, value %ld\n", errno, zeroed[15]);
		return 1;
	}
	printf("tls: ok\n");
	return 0;
}
