// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a vif's xenstore configuration as netfront validates it
 * (xennet_read_config() in drivers/net/xen-netfront-config.c: "mac",
 * "trusted" and the backend's feature-* and multi-queue-max-queues).
 *
 * Input: one byte of flags (bit 0: the probe-time read, ours only),
 * then the fake xenstore as lines "DIR/NODE=VALUE", DIR being "fe" for
 * ours and "be" for the backend's.  The read function answers as
 * xenbus_read() does: the value's length, -ENOENT for a node that is not
 * there, -EINVAL for a value holding a NUL, -E2BIG for one that does not
 * fit the caller's buffer (which is then empty).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/net/xen-netfront.h"
#include "host_strlcpy.h"
#include "../fake_printk.h"

#define NF_FUZZ_OURS_ONLY	(1U << 0)

struct store {
	const char *p;
	size_t len;
};

/* Does the line at @p (up to '=') name DIR/NODE? */
static bool key_is(const char *p, const char *end, const char *dir,
		   const char *node)
{
	size_t d = strlen(dir), n = strlen(node);

	return (size_t)(end - p) > d + n + 1 && !memcmp(p, dir, d) &&
	       p[d] == '/' && !memcmp(p + d + 1, node, n) && p[d + 1 + n] == '=';
}

static int fake_read(void *ctx, const char *dir, const char *node, char *buf,
		     size_t len)
{
	const struct store *st = ctx;
	const char *p = st->p, *end = st->p + st->len;

	buf[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *val;
		size_t n;

		if (!eol)
			eol = end;
		if (key_is(p, eol, dir, node)) {
			val = memchr(p, '=', (size_t)(eol - p)) + 1;
			n = (size_t)(eol - val);
			if (memchr(val, '\0', n))
				return -EINVAL;
			if (n + 1 > len)
				return -E2BIG;
			memcpy(buf, val, n);
			buf[n] = '\0';
			return (int)n;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct xennet_config cfg;
	struct store st;

	if (!len)
		return -1;
	st.p = (const char *)data + 1;
	st.len = len - 1;
	xennet_read_config(fake_read, &st, "vif0", "fe",
			   data[0] & NF_FUZZ_OURS_ONLY ? NULL : "be", &cfg);
	return 0;
}
