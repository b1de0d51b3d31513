// SPDX-License-Identifier: MIT
/* Writes through NULL: the kernel must kill it (SIGSEGV) and live on. */
#include <stdio.h>

int main(void)
{
	printf("nullderef: faulting\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	printf("nullderef: still running\n");
	return 0;
}
