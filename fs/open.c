// SPDX-License-Identifier: MIT
/*
 * open(2), openat(2), the stat family and getdents64(2) over the
 * initramfs, which is pvk's only, read-only, file system: a write,
 * creation or truncation is -EROFS.  The working directory is always
 * the root.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/string.h>
#include <pvk/syscalls.h>
#include <pvk/uaccess.h>

/* Copy the user path @upath into @buf; 0, -EFAULT or -ENAMETOOLONG. */
static int copy_path(char *buf, const char *upath)
{
	for (size_t i = 0; i < FS_PATH_MAX; i++) {
		if (copy_from_user(&buf[i], upath + i, 1))
			return -EFAULT;
		if (!buf[i])
			return 0;
	}
	return -ENAMETOOLONG;
}

/*
 * The path @upath names from directory @dirfd, absolute, in @buf
 * (FS_PATH_MAX bytes).  0 or -errno (-EBADF, -ENOTDIR for a @dirfd
 * that is no directory).
 */
static int resolve_at(int dirfd, const char *upath, char *buf, bool empty_ok)
{
	char rel[FS_PATH_MAX];
	struct file *d;
	int err = copy_path(rel, upath);

	if (err)
		return err;
	if (rel[0] == '/' || (dirfd == AT_FDCWD && rel[0])) {
		strlcpy(buf, rel, FS_PATH_MAX);
		return 0;
	}
	if (!rel[0] && !empty_ok)
		return -ENOENT;
	if (dirfd == AT_FDCWD) {
		strlcpy(buf, "/", FS_PATH_MAX);
		return 0;
	}
	d = fget(dirfd);
	if (!d)
		return -EBADF;
	err = d->op->getdents64 ? 0 : -ENOTDIR;
	if (!err && snprintf(buf, FS_PATH_MAX, "/%s/%s", d->path, rel) >= FS_PATH_MAX)
		err = -ENAMETOOLONG;
	fput(d);
	return err;
}

/**
 * sys_openat - openat(2) of a file or directory of the initramfs
 * @dirfd: AT_FDCWD, or a directory a relative @upath starts from
 * @upath: the path
 * @flags: O_RDONLY with O_DIRECTORY, O_CLOEXEC, O_NONBLOCK...; any
 *	   write access, O_CREAT of a new file or O_TRUNC is -EROFS
 * @mode: unused (nothing is created)
 *
 * Returns the lowest free descriptor; -ENOENT, -ENOTDIR, -EISDIR,
 * -EROFS, -EEXIST, -EFAULT, -ENAMETOOLONG, -EBADF, -EMFILE, -ENOMEM.
 */
long sys_openat(int dirfd, const char *upath, int flags, int mode)
{
	char path[FS_PATH_MAX];
	struct file *f;
	int err = resolve_at(dirfd, upath, path, false);

	(void)mode;
	if (!err)
		err = ramfs_open(path, flags, &f);
	if (err)
		return err;
	err = fd_install(f, 0, flags & O_CLOEXEC);
	if (err < 0)
		fput(f);
	return err;
}

/**
 * sys_open - open(2): openat() from the working directory
 * @upath: the path
 * @flags: as for sys_openat()
 * @mode: unused
 */
long sys_open(const char *upath, int flags, int mode)
{
	return sys_openat(AT_FDCWD, upath, flags, mode);
}

static int put_stat(void *ust, const struct linux_stat *st)
{
	return copy_to_user(ust, st, sizeof(*st)) ? -EFAULT : 0;
}

/**
 * sys_fstat - fstat(2)
 * @fd: the descriptor
 * @ust: the user's struct stat
 *
 * Returns 0, -EBADF or -EFAULT.
 */
long sys_fstat(int fd, void *ust)
{
	struct linux_stat st = { 0 };
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	f->op->stat(f, &st);
	fput(f);
	return put_stat(ust, &st);
}

/**
 * sys_newfstatat - newfstatat(2) (musl's stat() and lstat())
 * @dirfd: AT_FDCWD or a directory
 * @upath: the path; "" with AT_EMPTY_PATH is @dirfd itself
 * @ust: the user's struct stat
 * @flags: AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW (there are no links)
 *
 * Returns 0; -ENOENT, -ENOTDIR, -EBADF, -EFAULT, -EINVAL for other
 * flags.
 */
long sys_newfstatat(int dirfd, const char *upath, void *ust, int flags)
{
	struct linux_stat st = { 0 };
	char path[FS_PATH_MAX];
	int err;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if ((flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		char c;

		if (copy_from_user(&c, upath, 1))
			return -EFAULT;
		if (!c)
			return sys_fstat(dirfd, ust);
	}
	err = resolve_at(dirfd, upath, path, flags & AT_EMPTY_PATH);
	if (!err)
		err = ramfs_stat_path(path, &st);
	return err ? err : put_stat(ust, &st);
}

/**
 * sys_stat - stat(2) (and lstat(2): there are no links)
 * @upath: the path
 * @ust: the user's struct stat
 */
long sys_stat(const char *upath, void *ust)
{
	return sys_newfstatat(AT_FDCWD, upath, ust, 0);
}

/**
 * sys_getdents64 - getdents64(2): the next entries of a directory
 * @fd: the directory's descriptor
 * @ubuf: where the linux_dirent64 records go
 * @count: its size
 *
 * Returns the bytes written, 0 at the end; -EBADF, -ENOTDIR, -EINVAL
 * when not even one record fits, -EFAULT.
 */
long sys_getdents64(int fd, void *ubuf, size_t count)
{
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!f->op->getdents64)
		ret = -ENOTDIR;
	else if (!access_ok((unsigned long)ubuf, count))
		ret = -EFAULT;
	else
		ret = f->op->getdents64(f, ubuf, MIN(count, (size_t)0x7ffff000));
	fput(f);
	return ret;
}
