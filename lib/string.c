// SPDX-License-Identifier: MIT
/*
 * Freestanding implementations of the memory and string primitives.
 *
 * gcc emits calls to memcpy/memset/memmove/memcmp for struct copies and
 * initialisers, so these must exist in the kernel. The loops below must
 * never be turned back into calls to themselves, which is what gcc's
 * loop-distribution pass would do at -O2; that pass is disabled for
 * every function in this file.
 */
#include <pvk/string.h>

#if defined(__GNUC__) && !defined(__clang__)
#define __no_libcall \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define __no_libcall
#endif

/* Word type that may alias anything, so word-sized copies stay legal. */
typedef unsigned long __attribute__((may_alias)) word_t;

#define WORD_SIZE sizeof(word_t)

static inline bool both_word_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD_SIZE - 1)) == 0;
}

/**
 * memcpy() - copy @n bytes from @src to @dest
 * @dest: destination, must not overlap @src
 * @src: source
 * @n: number of bytes
 *
 * Copies whole words when both pointers are word aligned (the common
 * case for page and struct copies) and bytes otherwise. Returns @dest.
 */
__no_libcall void *memcpy(void *dest, const void *src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if (both_word_aligned(d, s)) {
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_SIZE;
			s += WORD_SIZE;
		}
	}
	while (n--)
		*d++ = *s++;
	return dest;
}

/**
 * memmove() - copy @n bytes between possibly overlapping buffers
 * @dest: destination
 * @src: source
 * @n: number of bytes
 *
 * Copies forwards when @dest is below @src and backwards otherwise, so
 * the source bytes are always read before they are overwritten.
 * Returns @dest.
 */
__no_libcall void *memmove(void *dest, const void *src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;

	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dest;
}

/**
 * memset() - fill @n bytes at @s with the byte value @c
 * @s: destination
 * @c: fill value, converted to unsigned char
 * @n: number of bytes
 *
 * Stores whole words once @s is word aligned, since page zeroing is the
 * hot user. Returns @s.
 */
__no_libcall void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t pattern = (unsigned char)c;

	pattern |= pattern << 8;
	pattern |= pattern << 16;
	pattern |= pattern << 32;

	while (n && ((uintptr_t)p & (WORD_SIZE - 1))) {
		*p++ = (unsigned char)c;
		n--;
	}
	for (; n >= WORD_SIZE; n -= WORD_SIZE) {
		*(word_t *)p = pattern;
		p += WORD_SIZE;
	}
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

/**
 * memcmp() - compare two byte buffers
 * @a: first buffer
 * @b: second buffer
 * @n: number of bytes
 *
 * Returns a negative, zero or positive value as the first differing
 * byte (as unsigned char) of @a is lower, equal or higher than in @b.
 */
__no_libcall int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

/**
 * strlen() - length of a NUL-terminated string
 * @s: string
 *
 * Returns the number of bytes before the terminating NUL.
 */
__no_libcall size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

/**
 * strnlen() - length of a string, reading at most @maxlen bytes
 * @s: string, need not be NUL-terminated within @maxlen
 * @maxlen: upper bound on bytes examined
 *
 * Returns the string length or @maxlen if no NUL was found earlier.
 */
__no_libcall size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

/**
 * strcmp() - compare two NUL-terminated strings
 * @a: first string
 * @b: second string
 *
 * Bytes compare as unsigned char, as in C. Returns <0, 0 or >0.
 */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

/**
 * strncmp() - compare at most @n bytes of two strings
 * @a: first string
 * @b: second string
 * @n: maximum number of bytes compared
 *
 * Stops at the first difference, the first NUL or after @n bytes.
 * Returns <0, 0 or >0.
 */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

/**
 * strchr() - find the first occurrence of a character in a string
 * @s: string
 * @c: character, converted to char; may be NUL to find the terminator
 *
 * Returns a pointer to the match or NULL if @c does not occur.
 */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/**
 * strlcpy() - bounded string copy that always terminates
 * @dest: destination buffer
 * @src: NUL-terminated source
 * @size: size of @dest in bytes; nothing is written when 0
 *
 * Copies as much of @src as fits and NUL-terminates @dest. Returns
 * strlen(@src), so a result >= @size tells the caller it truncated.
 */
size_t strlcpy(char *dest, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(dest, src, n);
		dest[n] = '\0';
	}
	return len;
}
