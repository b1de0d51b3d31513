/* SPDX-License-Identifier: MIT */
/*
 * strlcpy() for fuzz targets that link kernel code using it: lib/string.c
 * cannot be linked next to the C library, and bookworm's glibc (2.36)
 * has no strlcpy().  Same contract as pvk's (include/pvk/string.h).
 */
#ifndef PVK_FUZZ_HOST_STRLCPY_H
#define PVK_FUZZ_HOST_STRLCPY_H

#include <string.h>

size_t strlcpy(char *dest, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dest, src, n);
		dest[n] = '\0';
	}
	return len;
}

#endif /* PVK_FUZZ_HOST_STRLCPY_H */
