// SPDX-License-Identifier: MIT
/*
 * The initramfs: the first boot module, when it is a cpio "newc"
 * archive (what Linux's gen_init_cpio and `cpio -H newc` write), read
 * in place.  The module stays reserved (MEMMAP_MODULE) and direct
 * mapped, so the table points into it instead of copying files.
 *
 * cpio_newc_parse() is pure: the host unit tests build it too.
 */
#include <pvk/kernel.h>
#include <pvk/initramfs.h>
#include <pvk/string.h>
#include <pvk/errno.h>
#ifndef PVK_HOST_TEST
#include <asm/page.h>
#endif

#define NEWC_HDR_LEN	110
#define NEWC_FIELDS	13
#define S_IFMT		0170000
#define S_IFREG		0100000

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
       F_DEVMAJ, F_DEVMIN, F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK };

static bool parse_hex8(const char *s, u32 *out)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (u32)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (u32)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (u32)(c - 'A' + 10);
		else
			return false;
	}
	*out = v;
	return true;
}

/* "./a", "/a" and "a" name the same file. */
static const char *strip_root(const char *name)
{
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	return name;
}

/*
 * Hand a regular file with a name to @fn, counting it in *@files; skip
 * anything else.  Returns @fn's result, 0 when skipped, or -EINVAL.
 */
static int emit(const char *name, u32 namesize, const u8 *data, u32 size,
		u32 mode, cpio_file_fn fn, void *ctx, int *files)
{
	struct initramfs_file f = { .data = data, .size = size, .mode = mode };
	const char *n;

	if (name[namesize - 1] != '\0')
		return -EINVAL;
	n = strip_root(name);
	if ((mode & S_IFMT) != S_IFREG || !n[0])
		return 0;
	if (strlen(n) >= sizeof(f.name))
		return -EINVAL;
	memcpy(f.name, n, strlen(n) + 1);
	(*files)++;
	return fn(ctx, &f);
}

int cpio_newc_parse(const void *buf, size_t len, cpio_file_fn fn, void *ctx)
{
	const u8 *p = buf;
	size_t off = 0;
	int files = 0;

	while (len - off >= NEWC_HDR_LEN) {
		const char *hdr = (const char *)p + off;
		u32 f[NEWC_FIELDS];
		size_t name_off, data_off, next;
		int ret;

		if (memcmp(hdr, "070701", 6) && memcmp(hdr, "070702", 6))
			return -EINVAL;
		for (int i = 0; i < NEWC_FIELDS; i++)
			if (!parse_hex8(hdr + 6 + 8 * i, &f[i]))
				return -EINVAL;
		name_off = off + NEWC_HDR_LEN;
		if (!f[F_NAMESIZE] || f[F_NAMESIZE] > len - name_off)
			return -EINVAL;
		data_off = ALIGN_UP(name_off + f[F_NAMESIZE], 4);
		if (data_off > len || f[F_FILESIZE] > len - data_off)
			return -EINVAL;
		next = ALIGN_UP(data_off + f[F_FILESIZE], 4);
		if (f[F_NAMESIZE] == sizeof("TRAILER!!!") &&
		    !memcmp(p + name_off, "TRAILER!!!", sizeof("TRAILER!!!")))
			return files;
		ret = emit((const char *)p + name_off, f[F_NAMESIZE],
			   p + data_off, f[F_FILESIZE], f[F_MODE], fn, ctx,
			   &files);
		if (ret)
			return ret;
		off = MIN(next, len);
	}
	return -EINVAL;
}

#ifndef PVK_HOST_TEST
static struct initramfs_file files[INITRAMFS_FILES_MAX];
static unsigned int nr_files;
static bool present;

static int add_file(void *ctx, const struct initramfs_file *f)
{
	if (nr_files == ARRAY_SIZE(files)) {
		pr_warn("initramfs: more than %zu files, '%s' and later ignored\n",
			ARRAY_SIZE(files), f->name);
		return 1;
	}
	files[nr_files++] = *f;
	return 0;
}

/**
 * initramfs_init - read the first boot module as a cpio newc archive
 * @br: the boot record (modules as the loader gave them)
 *
 * No module: nothing, and pvk runs as without one.  A module that is no
 * newc archive, or a damaged one, is logged and ignored.
 */
void initramfs_init(const struct boot_record *br)
{
	const struct boot_module *m = &br->modules[0];
	int n;

	if (!br->nr_modules)
		return;
	n = cpio_newc_parse(__va(m->start), m->len, add_file, NULL);
	if (n < 0) {
		pr_warn("initramfs: module 0 (%llu bytes) is not a valid cpio newc archive, ignored\n",
			(unsigned long long)m->len);
		nr_files = 0;
		return;
	}
	present = true;
	pr_info("initramfs: %u files in %llu bytes at 0x%llx\n", nr_files,
		(unsigned long long)m->len, (unsigned long long)m->start);
}

bool initramfs_present(void)
{
	return present;
}

const struct initramfs_file *initramfs_file(unsigned int i)
{
	return i < nr_files ? &files[i] : NULL;
}

const struct initramfs_file *initramfs_lookup(const char *path)
{
	path = strip_root(path);
	for (unsigned int i = 0; i < nr_files; i++)
		if (!strcmp(files[i].name, path))
			return &files[i];
	return NULL;
}
#endif
