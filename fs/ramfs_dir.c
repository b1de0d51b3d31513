// SPDX-License-Identifier: MIT
/*
 * The initramfs seen as a directory tree, from the paths of its files
 * alone (pvk/ramfs_dir.h): path resolution, which entries a directory
 * has, and the linux_dirent64 records getdents64(2) returns.  Pure: the
 * host tests build it.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include <pvk/fs.h>
#include <pvk/ramfs_dir.h>
#include <pvk/string.h>

/* Drop the last component of @out (@len bytes long); the new length. */
static size_t drop_last(char *out, size_t len)
{
	while (len && out[len - 1] != '/')
		len--;
	if (len)
		len--;		/* the "/" before it */
	out[len] = '\0';
	return len;
}

int path_normalize(const char *in, char *out, size_t size, bool *slash)
{
	size_t len = 0;

	if (!in[0])
		return -ENOENT;
	out[0] = '\0';
	*slash = false;
	while (*in) {
		const char *end = in;
		size_t n;

		while (*end && *end != '/')
			end++;
		n = (size_t)(end - in);
		*slash = *end == '/';
		if ((n == 1 && in[0] == '.') || !n) {
			/* "", ".": nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			len = drop_last(out, len);
		} else {
			if (len + !!len + n + 1 > size)
				return -ENAMETOOLONG;
			if (len)
				out[len++] = '/';
			memcpy(out + len, in, n);
			len += n;
			out[len] = '\0';
		}
		in = *end ? end + 1 : end;
	}
	return 0;
}

int ramfs_child(const char *dir, const char *name, char *child, size_t size)
{
	size_t dlen = strlen(dir), n = 0;

	if (dlen) {
		if (strncmp(name, dir, dlen) || name[dlen] != '/')
			return 0;
		name += dlen + 1;
	}
	while (name[n] && name[n] != '/')
		n++;
	if (!n)
		return 0;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(child, name, n);
	child[n] = '\0';
	return name[n] ? DT_DIR : DT_REG;
}

bool ramfs_dir_has(const char *dir, const char *name)
{
	size_t dlen = strlen(dir);

	return !dlen || (!strncmp(name, dir, dlen) && name[dlen] == '/');
}

u64 ramfs_dir_ino(const char *dir)
{
	u32 h = 2166136261u;	/* FNV-1a */

	if (!dir[0])
		return 1;
	for (; *dir; dir++)
		h = (h ^ (u8)*dir) * 16777619u;
	/* Above every file's number (2 + its index). */
	return (1ULL << 32) | h;
}

void ramfs_parent(const char *dir, char *out, size_t size)
{
	size_t len = strlen(dir);

	if (len >= size)
		len = size - 1;
	memcpy(out, dir, len);
	out[len] = '\0';
	drop_last(out, len);
}

size_t dirent64_pack(void *buf, size_t room, u64 ino, s64 off, u8 type,
		     const char *name)
{
	size_t nlen = strlen(name);
	size_t reclen = ALIGN_UP(DIRENT64_HDR + nlen + 1, 8);
	u8 *b = buf;
	u16 r16 = (u16)reclen;

	if (reclen > room)
		return 0;
	memcpy(b, &ino, 8);
	memcpy(b + 8, &off, 8);
	memcpy(b + 16, &r16, 2);
	b[18] = type;
	memcpy(b + DIRENT64_HDR, name, nlen);
	memset(b + DIRENT64_HDR + nlen, 0, reclen - DIRENT64_HDR - nlen);
	return reclen;
}
