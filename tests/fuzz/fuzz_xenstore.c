// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the checks the xenstore client makes of xenstored's
 * messages (drivers/xen/xenbus/xenbus_wire.c), followed by the reads its
 * callers then make of a message that passed.
 *
 * Input: messages as they come off the response ring, each a struct
 * xsd_sockmsg and its body.  As the reader thread does, a header whose
 * length exceeds XENSTORE_PAYLOAD_MAX ends the stream, and each body is
 * copied into a buffer of exactly its length plus the NUL it adds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/xen/xenbus/xenbus_internal.h"
#include <xen/io/xs_wire.h>
#include "../fake_printk.h"

static volatile size_t sink;

/* The watch thread takes the token after the path (xs_watcher()). */
static void watch_event(const char *body, u32 len)
{
	if (xs_watch_event_ok(body, len))
		sink = strlen(body + strlen(body) + 1);
}

/* Callers of xenbus_directory() step from name to name. */
static void directory(const char *body, u32 len)
{
	unsigned int count, i;
	const char *p = body;

	if (xs_directory_count(body, len, &count))
		return;
	for (i = 0; i < count; i++)
		p += strlen(p) + 1;
	sink = (size_t)(p - body);
}

/* xenbus_read() refuses a value holding a NUL; xenbus_read_uint() parses. */
static void value(const char *body, u32 len)
{
	unsigned int v;

	if (strnlen(body, len) == len && !xs_parse_uint(body, &v))
		sink = v;
}

static void message(const struct xsd_sockmsg *hdr, const char *body)
{
	switch (hdr->type) {
	case XS_ERROR:
		sink = (size_t)xs_error_to_errno(body, hdr->len);
		break;
	case XS_WATCH_EVENT:
		watch_event(body, hdr->len);
		break;
	case XS_DIRECTORY:
		directory(body, hdr->len);
		break;
	case XS_READ:
		value(body, hdr->len);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct xsd_sockmsg hdr;
	size_t off = 0;

	while (len - off >= sizeof(hdr)) {
		char *body;

		memcpy(&hdr, data + off, sizeof(hdr));
		off += sizeof(hdr);
		if (hdr.len > XENSTORE_PAYLOAD_MAX || hdr.len > len - off)
			break;
		body = malloc(hdr.len + 1);
		if (!body)
			abort();
		memcpy(body, data + off, hdr.len);
		body[hdr.len] = '\0';
		off += hdr.len;
		message(&hdr, body);
		free(body);
	}
	return 0;
}
