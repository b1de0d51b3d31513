// SPDX-License-Identifier: MIT
/*
 * Prints its arguments, some floating point (SSE) and heap sums (brk
 * and mmap through malloc), then exits 3.  The build runs it on the
 * host too; on pvk its output must be the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long heap_sum(size_t n)
{
	unsigned char *p = malloc(n);
	long sum = 0;

	if (!p)
		return -1;
	memset(p, 7, n);
	for (size_t i = 0; i < n; i += 4096)
		sum += p[i];
	free(p);
	return sum;
}

int main(int argc, char **argv)
{
	double x = 1.0;

	printf("hello from user space\n");
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = '%s'\n", i, argv[i]);
	for (int i = 0; i < 10; i++)
		x *= 1.5;
	printf("1.5^10 = %.6f\n", x);
	printf("small heap: %ld, large heap: %ld\n", heap_sum(1000),
	       heap_sum(1 << 20));
	return 3;
}
