/* SPDX-License-Identifier: MIT */
/*
 * Choosing the grant-table layout (drivers/xen/grant-table-version.c).
 * No Xen headers here: the host unit tests build this part too.
 */
#ifndef _DRIVERS_XEN_GRANT_TABLE_VERSION_H
#define _DRIVERS_XEN_GRANT_TABLE_VERSION_H

#include <pvk/types.h>

/* What gnttab= on the command line asks for. */
enum gnttab_mode {
	GNTTAB_MODE_AUTO,	/* version 2 only when frames need it */
	GNTTAB_MODE_V1,
	GNTTAB_MODE_V2,
};

int gnttab_parse_mode(const char *s, enum gnttab_mode *mode);
unsigned int gnttab_choose_version(enum gnttab_mode mode, long max_ram_page,
				   bool v2_refused, char *why, size_t len);

#endif /* _DRIVERS_XEN_GRANT_TABLE_VERSION_H */
