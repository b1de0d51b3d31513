/* SPDX-License-Identifier: MIT */
/*
 * The pure parts of the initramfs as a directory tree (fs/ramfs_dir.c):
 * the archive keeps regular files by path ("bin/hello"); a directory is
 * every path some file lies under, and the root.  Host-tested.
 */
#ifndef PVK_RAMFS_DIR_H
#define PVK_RAMFS_DIR_H

#include <pvk/types.h>

/* struct linux_dirent64 without its name: 19 bytes. */
#define DIRENT64_HDR	19

/*
 * Resolve @in ("/a/./b//c/../d/") to "a/b/d" in @out (@size bytes), ""
 * for the root; ".." of the root is the root.  *@slash tells whether
 * @in ended in "/" (it must name a directory).  Returns 0, -ENOENT for
 * "", or -ENAMETOOLONG.
 */
int path_normalize(const char *in, char *out, size_t size, bool *slash);

/*
 * Is the file @name under directory @dir ("" the root)?  Its component
 * right below @dir goes to @child (@size bytes).  Returns 0 when it is
 * not under @dir, DT_REG when @name itself is that child, DT_DIR when
 * the child is a directory on its way, -ENAMETOOLONG when @child is
 * too small.
 */
int ramfs_child(const char *dir, const char *name, char *child, size_t size);

/* Does some file lie under directory @dir ("" is always there)? */
bool ramfs_dir_has(const char *dir, const char *name);

/* The inode number of directory @dir: 1 for the root, else hashed. */
u64 ramfs_dir_ino(const char *dir);

/* The parent directory of @dir in @out ("" for "a" and for ""). */
void ramfs_parent(const char *dir, char *out, size_t size);

/*
 * Write one linux_dirent64 record into @buf (@room bytes): its length
 * (8-byte aligned), or 0 when it does not fit.
 */
size_t dirent64_pack(void *buf, size_t room, u64 ino, s64 off, u8 type,
		     const char *name);

#endif
