// SPDX-License-Identifier: MIT
/*
 * The initramfs as a read-only file tree for open(2): its regular files
 * read in place from the archive, and the directories their paths
 * imply (pvk/ramfs_dir.h).  Inode numbers: 1 the root, 2 + n the
 * archive's n-th file, a hash of its path for any other directory.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/initramfs.h>
#include <pvk/ramfs_dir.h>
#include <pvk/string.h>
#include <pvk/uaccess.h>

#define RAMFS_BLKSIZE	4096
/* The first positions of a directory: "." and "..". */
#define DIR_POS_FILES	2
#define S64_MAX		((s64)(~0ULL >> 1))

/* The index of initramfs file @f. */
static unsigned int file_index(const struct initramfs_file *f)
{
	unsigned int i = 0;

	while (initramfs_file(i) != f)
		i++;
	return i;
}

static void stat_file(const struct initramfs_file *rf, struct linux_stat *st)
{
	st->st_ino = 2 + file_index(rf);
	st->st_mode = rf->mode;
	st->st_nlink = 1;
	st->st_size = (s64)rf->size;
	st->st_blksize = RAMFS_BLKSIZE;
	st->st_blocks = (s64)((rf->size + 511) / 512);
}

/* Is initramfs file @i the first to have @child under @dir? */
static bool first_child(const char *dir, unsigned int i, char *child, size_t size)
{
	char other[INITRAMFS_NAME_MAX];

	if (ramfs_child(dir, initramfs_file(i)->name, child, size) <= 0)
		return false;
	for (unsigned int j = 0; j < i; j++)
		if (ramfs_child(dir, initramfs_file(j)->name, other, sizeof(other)) > 0 &&
		    !strcmp(other, child))
			return false;
	return true;
}

static void stat_dir(const char *dir, struct linux_stat *st)
{
	char child[INITRAMFS_NAME_MAX];

	st->st_ino = ramfs_dir_ino(dir);
	st->st_mode = S_IFDIR | 0755;
	/* Linux: itself, its entry in its parent, each subdirectory's "..". */
	st->st_nlink = 2;
	for (unsigned int i = 0; initramfs_file(i); i++)
		if (first_child(dir, i, child, sizeof(child)) &&
		    ramfs_child(dir, initramfs_file(i)->name, child, sizeof(child)) == DT_DIR)
			st->st_nlink++;
	st->st_blksize = RAMFS_BLKSIZE;
}

static long file_read(struct file *f, void *ubuf, size_t count)
{
	const struct initramfs_file *rf = f->priv;
	unsigned long flags;
	s64 pos;
	size_t n;

	spin_lock_irqsave(&f->lock, flags);
	pos = f->pos;
	spin_unlock_irqrestore(&f->lock, flags);
	if ((u64)pos >= rf->size)
		return 0;
	n = MIN(count, rf->size - (size_t)pos);
	if (copy_to_user(ubuf, rf->data + pos, n))
		return -EFAULT;
	spin_lock_irqsave(&f->lock, flags);
	f->pos = pos + (s64)n;
	spin_unlock_irqrestore(&f->lock, flags);
	return (long)n;
}

/* The new position of @f for lseek(@off, @whence), @size its end. */
static long seek_to(struct file *f, s64 off, int whence, s64 size, bool end_ok)
{
	unsigned long flags;
	s64 base;
	long ret;

	spin_lock_irqsave(&f->lock, flags);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = end_ok ? size : -1;
		break;
	default:
		base = -1;
		break;
	}
	if (base < 0 || (off < 0 && base + off < 0) ||
	    (off > 0 && base > S64_MAX - off)) {
		ret = -EINVAL;
	} else {
		f->pos = base + off;
		ret = (long)f->pos;
	}
	spin_unlock_irqrestore(&f->lock, flags);
	return ret;
}

static long file_llseek(struct file *f, s64 off, int whence)
{
	const struct initramfs_file *rf = f->priv;

	return seek_to(f, off, whence, (s64)rf->size, true);
}

static void file_stat(struct file *f, struct linux_stat *st)
{
	stat_file(f->priv, st);
}

static const struct file_operations ramfs_file_fops = {
	.read = file_read,
	.llseek = file_llseek,
	.stat = file_stat,
};

static long dir_read(struct file *f, void *ubuf, size_t count)
{
	(void)f;
	(void)ubuf;
	(void)count;
	return -EISDIR;
}

/* Linux's directories take SEEK_SET and SEEK_CUR only. */
static long dir_llseek(struct file *f, s64 off, int whence)
{
	return seek_to(f, off, whence, 0, false);
}

/*
 * The entry at position *@pos of directory @dir, or later: its record
 * in @rec (@room bytes), 0 at the end, -EINVAL when it does not fit.
 * *@pos moves past it.
 */
static long dir_entry(const char *dir, s64 *pos, u8 *rec, size_t room)
{
	char name[INITRAMFS_NAME_MAX], parent[INITRAMFS_NAME_MAX];
	size_t len;
	u64 ino;
	u8 type = DT_DIR;
	s64 at = *pos;

	if (at == 0) {
		strlcpy(name, ".", sizeof(name));
		ino = ramfs_dir_ino(dir);
	} else if (at == 1) {
		strlcpy(name, "..", sizeof(name));
		ramfs_parent(dir, parent, sizeof(parent));
		ino = ramfs_dir_ino(parent);
	} else {
		unsigned int i = (unsigned int)MIN(at - DIR_POS_FILES, (s64)INITRAMFS_FILES_MAX);

		while (initramfs_file(i) && !first_child(dir, i, name, sizeof(name)))
			i++;
		if (!initramfs_file(i))
			return 0;
		at = DIR_POS_FILES + i;
		type = (u8)ramfs_child(dir, initramfs_file(i)->name, name, sizeof(name));
		if (type == DT_REG) {
			ino = 2 + i;
		} else {
			char path[INITRAMFS_NAME_MAX * 2];

			snprintf(path, sizeof(path), "%s%s%s", dir, dir[0] ? "/" : "", name);
			ino = ramfs_dir_ino(path);
		}
	}
	len = dirent64_pack(rec, room, ino, at + 1, type, name);
	if (!len)
		return -EINVAL;
	*pos = at + 1;
	return (long)len;
}

static long dir_getdents64(struct file *f, void *ubuf, size_t count)
{
	u8 rec[DIRENT64_HDR + INITRAMFS_NAME_MAX + 8];
	unsigned long flags;
	size_t done = 0;
	s64 pos;

	spin_lock_irqsave(&f->lock, flags);
	pos = f->pos;
	spin_unlock_irqrestore(&f->lock, flags);
	for (;;) {
		s64 next = pos;
		long len = dir_entry(f->path, &next, rec, MIN(count - done, sizeof(rec)));

		if (len == -EINVAL && done)
			break;
		if (len <= 0) {
			if (len < 0)
				return len;
			break;
		}
		if (copy_to_user((u8 *)ubuf + done, rec, (size_t)len))
			return -EFAULT;
		done += (size_t)len;
		pos = next;
	}
	spin_lock_irqsave(&f->lock, flags);
	f->pos = pos;
	spin_unlock_irqrestore(&f->lock, flags);
	return (long)done;
}

static void dir_stat(struct file *f, struct linux_stat *st)
{
	stat_dir(f->path, st);
}

static const struct file_operations ramfs_dir_fops = {
	.read = dir_read,
	.llseek = dir_llseek,
	.getdents64 = dir_getdents64,
	.stat = dir_stat,
};

/*
 * Look @path up: its file in *@rf (NULL for a directory), its
 * normalised path in @norm.  0, -ENOENT, -ENOTDIR, -ENAMETOOLONG.
 */
static int lookup(const char *path, char *norm, size_t size,
		  const struct initramfs_file **rf)
{
	bool slash;
	int err = path_normalize(path, norm, size, &slash);

	if (err)
		return err;
	*rf = norm[0] ? initramfs_lookup(norm) : NULL;
	if (*rf)
		return slash ? -ENOTDIR : 0;
	for (unsigned int i = 0; initramfs_file(i); i++)
		if (ramfs_dir_has(norm, initramfs_file(i)->name))
			return 0;
	return norm[0] ? -ENOENT : 0;
}

/**
 * ramfs_open - open a file or directory of the initramfs
 * @path: its path, absolute or from the root (pvk has no other cwd)
 * @flags: open(2)'s flags
 * @fp: the new file, with one reference
 *
 * Returns 0; -ENOENT, -ENOTDIR (O_DIRECTORY on a file), -EISDIR
 * (writing a directory), -EROFS (any write, creation or truncation),
 * -EEXIST (O_CREAT|O_EXCL of what exists), -ENAMETOOLONG, -ENOMEM.
 */
int ramfs_open(const char *path, int flags, struct file **fp)
{
	char norm[FS_PATH_MAX];
	const struct initramfs_file *rf;
	int err = lookup(path, norm, sizeof(norm), &rf);
	bool write = (flags & O_ACCMODE) != O_RDONLY;

	if (err == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (err)
		return err;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (!rf && write)
		return -EISDIR;
	if (rf && (flags & O_DIRECTORY))
		return -ENOTDIR;
	if (write || (rf && (flags & O_TRUNC)))
		return -EROFS;
	*fp = file_alloc(rf ? &ramfs_file_fops : &ramfs_dir_fops,
			 (unsigned int)flags & (O_ACCMODE | O_NONBLOCK | O_APPEND));
	if (!*fp)
		return -ENOMEM;
	(*fp)->priv = (void *)rf;
	strlcpy((*fp)->path, norm, sizeof((*fp)->path));
	return 0;
}

/**
 * ramfs_stat_path - stat(2) of a path of the initramfs
 * @path: absolute or from the root
 * @st: filled (zeroed by the caller)
 *
 * Returns 0, -ENOENT, -ENOTDIR or -ENAMETOOLONG.
 */
int ramfs_stat_path(const char *path, struct linux_stat *st)
{
	char norm[FS_PATH_MAX];
	const struct initramfs_file *rf;
	int err = lookup(path, norm, sizeof(norm), &rf);

	if (err)
		return err;
	if (rf)
		stat_file(rf, st);
	else
		stat_dir(norm, st);
	return 0;
}
