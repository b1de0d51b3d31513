// SPDX-License-Identifier: MIT
/*
 * Which grant-table layout to use (see grant-table.c).
 *
 * A version 1 entry names the granted page with a 32-bit frame number,
 * a version 2 entry with a 64-bit one.  Xen recommends version 1 unless
 * a guest needs more, and for a PV guest, whose entries hold machine
 * frames, that is exactly when the host has a machine frame above 32
 * bits (memory at or beyond 16 TiB).  So version 2 is chosen only then,
 * unless gnttab= forces one.
 *
 * Pure logic, no hypercalls: the caller asks Xen and passes the answers
 * in, and tests/test_gnttab_version.c runs it on the host.
 */
#include <pvk/errno.h>
#include <pvk/string.h>
#include <pvk/vsprintf.h>
#include "grant-table-version.h"

/* The highest frame number a version 1 entry can hold. */
#define V1_MAX_FRAME	0xffffffffUL

/**
 * gnttab_parse_mode - parse the value of gnttab=
 * @s: "auto", "v1", "v2", or "" (the option was not given)
 * @mode: the mode asked for; auto for anything else
 *
 * Returns 0, or -EINVAL for a value that is none of those (the caller
 * logs it; @mode is then auto).
 */
int gnttab_parse_mode(const char *s, enum gnttab_mode *mode)
{
	*mode = GNTTAB_MODE_AUTO;
	if (!*s || !strcmp(s, "auto"))
		return 0;
	if (!strcmp(s, "v1")) {
		*mode = GNTTAB_MODE_V1;
		return 0;
	}
	if (!strcmp(s, "v2")) {
		*mode = GNTTAB_MODE_V2;
		return 0;
	}
	return -EINVAL;
}

/*
 * Describe the highest machine frame into @buf; returns whether it fits
 * in a version 1 entry.  An unknown answer counts as fitting: version 1
 * then still refuses, page by page, any frame it cannot name.
 */
static bool describe_max_frame(long max_ram_page, char *buf, size_t len)
{
	unsigned long max_frame;

	if (max_ram_page <= 0) {
		snprintf(buf, len, "max machine frame unknown (%ld), "
			 "assumed to fit in 32 bits", max_ram_page);
		return true;
	}
	/* Xen's answer is one more than the highest frame number. */
	max_frame = (unsigned long)max_ram_page - 1;
	if (max_frame <= V1_MAX_FRAME) {
		snprintf(buf, len, "max machine frame %#lx fits in 32 bits",
			 max_frame);
		return true;
	}
	snprintf(buf, len, "max machine frame %#lx needs more than 32 bits",
		 max_frame);
	return false;
}

/**
 * gnttab_choose_version - the grant-table version to use, and why
 * @mode: what gnttab= asked for
 * @max_ram_page: XENMEM_maximum_ram_page's answer (one more than the
 *                highest machine frame), or <= 0 if Xen gave none
 * @v2_refused: Xen has already refused version 2 (GNTTABOP_set_version)
 * @why: filled with the reason, for the caller's one log line
 * @len: size of @why
 *
 * Auto picks version 2 exactly when the highest machine frame does not
 * fit in 32 bits; gnttab=v1 and gnttab=v2 are obeyed whatever the frames
 * (with v1 a page above 32 bits is then refused when it is granted).
 * Once Xen has refused version 2, version 1 is left only if every frame
 * fits: a table that cannot name some of our pages would make grants
 * fail at random, so there is then none at all.  Returns 1 or 2, or 0
 * for no grant table.
 */
unsigned int gnttab_choose_version(enum gnttab_mode mode, long max_ram_page,
				   bool v2_refused, char *why, size_t len)
{
	char frames[96];
	bool fits = describe_max_frame(max_ram_page, frames, sizeof(frames));

	if (v2_refused) {
		snprintf(why, len, "Xen refused version 2; %s", frames);
		return fits ? 1 : 0;
	}
	switch (mode) {
	case GNTTAB_MODE_V1:
		if (fits)
			snprintf(why, len, "forced by gnttab=v1");
		else
			snprintf(why, len, "forced by gnttab=v1; %s: frames "
				 "above %#lx cannot be granted", frames,
				 V1_MAX_FRAME);
		return 1;
	case GNTTAB_MODE_V2:
		snprintf(why, len, "forced by gnttab=v2");
		return 2;
	default:
		snprintf(why, len, "%s", frames);
		return fits ? 1 : 2;
	}
}
