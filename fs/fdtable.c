// SPDX-License-Identifier: MIT
/*
 * Which descriptor a new file gets: the lowest free one, as POSIX
 * requires of open(), dup() and pipe().  Pure: the host tests build it.
 */
#include <pvk/fs.h>
#include <pvk/errno.h>

int fd_lowest_free(u64 used, int start, int max)
{
	if (max > 64)
		max = 64;
	for (int fd = start < 0 ? 0 : start; fd < max; fd++)
		if (!(used & (1ULL << fd)))
			return fd;
	return -EMFILE;
}
