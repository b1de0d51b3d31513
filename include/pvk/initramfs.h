/* SPDX-License-Identifier: MIT */
/*
 * The initramfs: a cpio "newc" archive handed over as the first boot
 * module, read in place into a small table of regular files (no
 * directories, links or devices are kept: nothing needs them yet).
 */
#ifndef PVK_INITRAMFS_H
#define PVK_INITRAMFS_H

#include <pvk/types.h>
#include <pvk/bootinfo.h>

#define INITRAMFS_NAME_MAX	64
#define INITRAMFS_FILES_MAX	64

struct initramfs_file {
	char name[INITRAMFS_NAME_MAX];	/* no leading "/" or "./" */
	const u8 *data;
	size_t size;
	u32 mode;
};

/*
 * Called by cpio_newc_parse() for each regular file; a non-zero return
 * stops the walk and is returned.
 */
typedef int (*cpio_file_fn)(void *ctx, const struct initramfs_file *f);

/*
 * Walk the newc archive @buf[0..@len): call @fn for each regular file.
 * Returns the number of files, or -EINVAL for a bad magic, a header or
 * name or body running past @len, or a missing "TRAILER!!!".  Pure.
 */
int cpio_newc_parse(const void *buf, size_t len, cpio_file_fn fn, void *ctx);

/* Read the first boot module as the initramfs, if it is one. */
void initramfs_init(const struct boot_record *br);
/* Was an initramfs found? */
bool initramfs_present(void);
/* The archive's @i-th file (from 0), or NULL past the last. */
const struct initramfs_file *initramfs_file(unsigned int i);
/* The file at @path ("/a/b" or "a/b"), or NULL. */
const struct initramfs_file *initramfs_lookup(const char *path);

#endif
