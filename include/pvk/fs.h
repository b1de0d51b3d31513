/* SPDX-License-Identifier: MIT */
/*
 * Open files and the per-process table of file descriptors, with
 * Linux's flags, layouts and error numbers.  A struct file is
 * refcounted: descriptors (of one process, or of a parent and the
 * children it forked) share it, and it goes when the last one closes.
 * What it is (the console, a file or directory of the initramfs, an end
 * of a pipe) is in its operations.
 */
#ifndef PVK_FS_H
#define PVK_FS_H

#include <pvk/types.h>
#include <pvk/spinlock.h>

/* open(2) flags (x86-64 values); the others are accepted and ignored. */
#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DIRECTORY	00200000
#define O_CLOEXEC	02000000

#define AT_FDCWD		(-100)
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_EMPTY_PATH		0x1000

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFREG		0100000

#define DT_DIR		4
#define DT_REG		8

/* Descriptors a process may have open at once: one more is -EMFILE. */
#define FD_MAX		64
/* Longest path open() takes (Linux: PATH_MAX, 4096). */
#define FS_PATH_MAX	256

/* struct stat of x86-64 Linux (what fstat(2) and newfstatat(2) fill). */
struct linux_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 __pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	u64 st_atime, st_atime_nsec;
	u64 st_mtime, st_mtime_nsec;
	u64 st_ctime, st_ctime_nsec;
	s64 st_reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "x86-64 struct stat");

struct file;

/*
 * What a kind of file does.  @read and @write get a user buffer the
 * caller checked with access_ok(); NULL @llseek is -ESPIPE, NULL
 * @getdents64 -ENOTDIR; @release runs when the last reference goes.
 */
struct file_operations {
	long (*read)(struct file *f, void *ubuf, size_t count);
	long (*write)(struct file *f, const void *ubuf, size_t count);
	long (*llseek)(struct file *f, s64 off, int whence);
	long (*getdents64)(struct file *f, void *ubuf, size_t count);
	void (*stat)(struct file *f, struct linux_stat *st);
	void (*release)(struct file *f);
};

struct file {
	const struct file_operations *op;
	int refs;			/* atomic */
	unsigned int flags;		/* O_ACCMODE, O_NONBLOCK, O_APPEND */
	spinlock_t lock;		/* @pos */
	s64 pos;
	void *priv;			/* the pipe, the initramfs file */
	char path[64];			/* a directory's, "" for the root */
};

/* A descriptor table, shared by a process's threads. */
struct files_struct {
	int refs;			/* atomic: threads using it */
	spinlock_t lock;		/* the rest */
	u64 used;			/* bit n: fd n is open */
	u64 cloexec;			/* bit n: close fd n at exec */
	struct file *fd[FD_MAX];
};

/*
 * The lowest fd at or above @start that is clear in @used (below
 * @max, at most 64), or -EMFILE (fs/fdtable.c, pure).
 */
int fd_lowest_free(u64 used, int start, int max);

/* fs/file_table.c */
struct file *file_alloc(const struct file_operations *op, unsigned int flags);
void fget_ref(struct file *f);
void fput(struct file *f);
struct file *fget(int fd);
int fd_install(struct file *f, int start, bool cloexec);
struct files_struct *files_new_console(void);
struct files_struct *files_fork(struct files_struct *parent);
void files_share(struct files_struct *t);
void files_put(struct files_struct *t);
void files_close_on_exec(struct files_struct *t);

/* fs/read_write.c: the console, fds 0, 1 and 2 of a spawned process. */
struct file *console_file(void);

/* fs/ramfs.c: the initramfs as a read-only tree. */
int ramfs_open(const char *path, int flags, struct file **fp);
int ramfs_stat_path(const char *path, struct linux_stat *st);

#endif
