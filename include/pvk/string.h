/* SPDX-License-Identifier: MIT */
/*
 * Memory and string primitives.
 *
 * The kernel links lib/string.c; host unit tests link the C library
 * instead, so every prototype here is deliberately compatible with the
 * libc one. Only the string unit test renames them (PVK_STRING_TEST) so
 * that it can exercise lib/string.c next to the host libc.
 */
#ifndef PVK_STRING_H
#define PVK_STRING_H

#include <pvk/types.h>

#ifdef PVK_STRING_TEST
#define memcpy pvk_memcpy
#define memmove pvk_memmove
#define memset pvk_memset
#define memcmp pvk_memcmp
#define strlen pvk_strlen
#define strnlen pvk_strnlen
#define strcmp pvk_strcmp
#define strncmp pvk_strncmp
#define strchr pvk_strchr
#define strlcpy pvk_strlcpy
#endif

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dest, const char *src, size_t size);

#endif /* PVK_STRING_H */
