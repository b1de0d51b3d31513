// SPDX-License-Identifier: MIT
/*
 * Checks of what xenstored sends, apart from the connection that carries
 * it (xenbus_xs.c): error strings, watch events, directory listings and
 * numbers.  xenstored is untrusted, and nothing here touches the ring,
 * a thread or a lock, so the host fuzz target tests/fuzz/fuzz_xenstore.c
 * builds this file too.  Every body is as the reader leaves it: @len
 * bytes, then a NUL the reader added.
 */
#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include "xenbus_internal.h"
#include <xen/io/xs_wire.h>

/**
 * xs_error_to_errno - map an XS_ERROR reply's string to an errno
 * @s: the reply body (not necessarily NUL-terminated)
 * @len: its length
 */
int xs_error_to_errno(const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	for (unsigned int i = 0; i < ARRAY_SIZE(xsd_errors); i++)
		if (strlen(xsd_errors[i].errstring) == n &&
		    !memcmp(xsd_errors[i].errstring, s, n))
			return -xsd_errors[i].errnum;
	pr_warn("xenbus: unknown xenstore error \"%.*s\"\n", (int)MIN(n, (size_t)32), s);
	return -EIO;
}

/**
 * xs_watch_event_ok - is a watch event's body "path\0token\0"?
 * @body: the body
 * @len: its length
 *
 * Both strings must be non-empty and lie inside the body, so that the
 * watch thread may take the token as body + strlen(body) + 1.
 */
bool xs_watch_event_ok(const char *body, u32 len)
{
	size_t plen = strnlen(body, len), tlen;

	if (!plen || plen >= len)
		return false;
	tlen = strnlen(body + plen + 1, len - plen - 1);
	return tlen && tlen < len - plen - 1;
}

/**
 * xs_directory_count - count the names of an XS_DIRECTORY reply
 * @body: the body: names, each NUL-terminated, none empty
 * @len: its length (0: no names)
 * @count: set to the number of names on success
 *
 * Returns 0, or -EIO for a malformed listing.
 */
int xs_directory_count(const char *body, u32 len, unsigned int *count)
{
	unsigned int n = 0;

	for (u32 i = 0; i < len; i++) {
		if (body[i])
			continue;
		if (i == 0 || !body[i - 1])
			return -EIO;
		n++;
	}
	if (len && body[len - 1])
		return -EIO;
	*count = n;
	return 0;
}

/**
 * xs_parse_uint - a node's value as a 32-bit decimal number
 * @s: the value, NUL-terminated
 * @val: set on success
 *
 * Returns 0, -ERANGE for a decimal number that needs more than 32 bits,
 * or -EINVAL for anything else.
 */
int xs_parse_uint(const char *s, unsigned int *val)
{
	u64 big;

	if (!kstrtouint(s, 10, val))
		return 0;
	return kstrtou64(s, 10, &big) ? -EINVAL : -ERANGE;
}
