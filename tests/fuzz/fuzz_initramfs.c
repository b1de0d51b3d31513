// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the initramfs's cpio "newc" reader (cpio_newc_parse() in
 * init/initramfs.c), on whatever the boot loader handed over as the
 * first module.
 *
 * Asserts that the result is a file count or -EINVAL, that it counts
 * every file handed out, and that each file's name is non-empty,
 * NUL-terminated and relative (no leading "/" or "./"), and its data
 * lies inside the input.
 */
#include <stdint.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/initramfs.h>
#include "fuzz_check.h"

struct walk {
	const uint8_t *start, *end;
	int files;
};

static int check_file(void *ctx, const struct initramfs_file *f)
{
	struct walk *w = ctx;
	size_t n = strnlen(f->name, sizeof(f->name));

	fuzz_check(n > 0 && n < sizeof(f->name), "a non-empty, terminated name");
	fuzz_check(f->name[0] != '/' && strncmp(f->name, "./", 2),
		   "names are relative");
	fuzz_check(f->data >= w->start && f->data <= w->end &&
		   f->size <= (size_t)(w->end - f->data), "data inside the archive");
	w->files++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { data, data + size, 0 };
	int n = cpio_newc_parse(data, size, check_file, &w);

	fuzz_check(n == -EINVAL || n >= 0, "a count or -EINVAL");
	if (n >= 0)
		fuzz_check(n == w.files, "every file counted");
	return 0;
}
