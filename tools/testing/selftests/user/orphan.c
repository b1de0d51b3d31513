// SPDX-License-Identifier: MIT
/*
 * The parent exits without waiting; its child runs on as an orphan and
 * exits too.  The kernel must collect it (the user suite checks that
 * no process is left).
 */
#include <unistd.h>

int main(void)
{
	static const char child[] = "orphan: child ran\n";
	static const char parent[] = "orphan: parent exits\n";
	pid_t pid = fork();

	if (pid == 0) {
		write(1, child, sizeof(child) - 1);
		_exit(0);
	}
	write(1, parent, sizeof(parent) - 1);
	return pid < 0;
}
