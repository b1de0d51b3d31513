// SPDX-License-Identifier: MIT
/* System call numbers no kernel implements answer -1 with ENOSYS. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static int check(long nr)
{
	long r;

	errno = 0;
	r = syscall(nr);
	if (r != -1 || errno != ENOSYS) {
		printf("enosys: syscall %ld returned %ld errno %d\n", nr, r, errno);
		return 1;
	}
	return 0;
}

int main(void)
{
	int bad = check(1000) + check(100000) + check(1000);

	if (bad)
		return 1;
	printf("enosys: ok\n");
	return 0;
}
