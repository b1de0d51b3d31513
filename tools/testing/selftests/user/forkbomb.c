// SPDX-License-Identifier: MIT
/*
 * A fork bomb, bounded: on pvk fork fails with EAGAIN before 1000
 * processes (the process limit); every child is collected, and then a
 * fork works again.  On the build host only the collecting is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	struct utsname u;
	int pvk = !uname(&u) && !strcmp(u.sysname, "pvk");
	int n = 0, limit = pvk ? 1000 : 50, err = 0, st;
	pid_t pid;

	while (n < limit) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			err = errno;
			break;
		}
		n++;
	}
	if (pvk && err != EAGAIN) {
		printf("forkbomb: %d forks, then errno %d\n", n, err);
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (wait(&st) < 0 || !WIFEXITED(st)) {
			printf("forkbomb: child %d of %d not collected\n", i, n);
			return 1;
		}
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("forkbomb: no fork after collecting %d\n", n);
		return 1;
	}
	printf("forkbomb: ok\n");
	return 0;
}
