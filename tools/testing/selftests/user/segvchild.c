// SPDX-License-Identifier: MIT
/*
 * A child that writes through NULL dies of SIGSEGV, and its parent's
 * wait4 reports it as signalled (WIFSIGNALED, WTERMSIG == SIGSEGV).
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static const char msg[] = "segvchild: child faulting\n";
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		write(1, msg, sizeof(msg) - 1);
		*(volatile int *)0 = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("segvchild: fork or wait failed\n");
		return 1;
	}
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV) {
		printf("segvchild: child status %#x\n", st);
		return 1;
	}
	printf("segvchild: ok\n");
	return 0;
}
