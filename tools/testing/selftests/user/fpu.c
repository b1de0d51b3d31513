// SPDX-License-Identifier: MIT
/*
 * FPU/SSE state belongs to the process: it starts at the defaults
 * (x87 control word 0x37f, MXCSR 0x1f80) whatever the process before it
 * on this CPU left there, and what it sets stays until it changes it.
 * The user suite runs it twice; the first run leaves both changed.
 */
#include <stdio.h>

static unsigned int mxcsr(void)
{
	unsigned int v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static unsigned short fcw(void)
{
	unsigned short v;

	asm volatile("fnstcw %0" : "=m"(v));
	return v;
}

int main(void)
{
	unsigned int round_to_zero = 0x7f80;
	unsigned short x87_single = 0x007f;
	volatile double a = 1.0, b = 10.0;

	if (mxcsr() != 0x1f80 || fcw() != 0x037f) {
		printf("fpu: initial MXCSR %#x FCW %#x\n", mxcsr(), fcw());
		return 1;
	}
	asm volatile("ldmxcsr %0" : : "m"(round_to_zero));
	asm volatile("fldcw %0" : : "m"(x87_single));
	/* Rounded toward zero, 1/10 ends in ...9999, not ...999a. */
	if (mxcsr() != 0x7f80 || fcw() != 0x007f ||
	    a / b != 0x1.9999999999999p-4) {
		printf("fpu: after setting: MXCSR %#x FCW %#x 1/10 %a\n", mxcsr(),
		       fcw(), a / b);
		return 1;
	}
	printf("fpu: ok\n");
	return 0;
}
