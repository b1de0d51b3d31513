// SPDX-License-Identifier: MIT
/*
 * Unit tests for the boot-information parsers arch/x86/boot/multiboot2.c
 * and arch/x86/boot/pvh.c.
 *
 * The loader's structures are built in a fake 2 MiB "physical memory":
 * physical address X is mem + X and anything at or past MEM_SIZE is
 * unmapped. Right before each parse the whole buffer is poisoned for
 * AddressSanitizer except the ranges the test declares readable (the
 * info block as far as its declared size, the start_info, tables and
 * strings), so a read past any size the loader gave aborts the run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include <asm/page.h>
#include <xen/arch-x86/hvm/start_info.h>
#include "../arch/x86/boot/boot.h"
#include "harness.h"

#define MEM_SIZE	0x200000
#define MAX_RANGES	16

/* Multiboot2 tag types, from the specification. */
#define MB2_END		0
#define MB2_CMDLINE	1
#define MB2_LOADER_NAME	2
#define MB2_MODULE	3
#define MB2_MEMINFO	4
#define MB2_MMAP	6
#define MB2_EFI32	11
#define MB2_EFI64	12
#define MB2_ACPI_OLD	14
#define MB2_ACPI_NEW	15
#define MB2_EFI_MMAP	17
#define MB2_EFI_BS	18
#define MB2_EFI64_IH	20

/* UEFI memory types and the version 1 descriptor (UEFI 2.10, 7.2). */
#define EFI_RESERVED	0
#define EFI_LOADER_DATA	2
#define EFI_BS_CODE	3
#define EFI_BS_DATA	4
#define EFI_RT_DATA	6
#define EFI_CONV	7
#define EFI_UNUSABLE	8
#define EFI_ACPI_RECL	9
#define EFI_ACPI_NVS	10
#define EFI_MMIO	11
#define EFI_PERSISTENT	14
#define EFI_OEM		0x70000000
#define EFI_DESC_VERSION 1

#define INFO		0x10000		/* multiboot2 info / start_info */
#define MEMMAP_TABLE	0x11000
#define MODLIST		0x12000
#define CMDLINE		0x13000
#define MODSTR		0x14000

struct mb2_ent {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
} __packed;

struct efi_desc {
	u32 type;
	u32 pad;
	u64 phys;
	u64 virt;
	u64 pages;
	u64 attr;
} __packed;

static u8 *mem;
static struct boot_record br;
static char last_warn[256];
static struct {
	u64 phys;
	u64 len;
} ranges[MAX_RANGES];
static unsigned int nr_ranges;

/* ---- what the parsers link against ---------------------------------- */

const void *boot_phys_ptr(u64 phys, u64 len)
{
	if (phys >= MEM_SIZE || len > MEM_SIZE - phys)
		return NULL;
	return mem + phys;
}

void boot_warn(struct boot_record *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_warn, sizeof(last_warn), fmt, ap);
	va_end(ap);
	b->nr_warnings++;
}

/* ---- fake physical memory -------------------------------------------- */

static void reset(void)
{
	ASAN_UNPOISON_MEMORY_REGION(mem, MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
	memset(&br, 0, sizeof(br));
	last_warn[0] = '\0';
	nr_ranges = 0;
}

/* Declare [phys, phys+len) as memory the parser may legitimately read. */
static void allow(u64 phys, u64 len)
{
	if (nr_ranges == MAX_RANGES) {
		printf("# too many readable ranges\n");
		exit(EXIT_FAILURE);
	}
	ranges[nr_ranges].phys = phys;
	ranges[nr_ranges].len = len;
	nr_ranges++;
}

static void hide_rest(void)
{
	unsigned int i;

	ASAN_POISON_MEMORY_REGION(mem, MEM_SIZE);
	for (i = 0; i < nr_ranges; i++)
		ASAN_UNPOISON_MEMORY_REGION(mem + ranges[i].phys, ranges[i].len);
}

static void run_mb2(u64 info)
{
	hide_rest();
	multiboot2_parse(&br, info);
	ASAN_UNPOISON_MEMORY_REGION(mem, MEM_SIZE);
}

static void run_pvh(u64 info)
{
	hide_rest();
	pvh_parse(&br, info);
	ASAN_UNPOISON_MEMORY_REGION(mem, MEM_SIZE);
}

static void put32(u64 phys, u32 v)
{
	memcpy(mem + phys, &v, sizeof(v));
}

static void put_bytes(u64 phys, const void *p, size_t n)
{
	if (n)
		memcpy(mem + phys, p, n);
}

/* Exactly @nr_warn warnings, the last of which mentions @what. */
#define EXPECT_WARNS(nr_warn, what)					\
	do {								\
		EXPECT_EQ(br.nr_warnings, (nr_warn));			\
		if (nr_warn)						\
			EXPECT(strstr(last_warn, (what)) != NULL);	\
		if (br.nr_warnings != (nr_warn) ||			\
		    ((nr_warn) && !strstr(last_warn, (what))))		\
			printf("#   last warning: \"%s\"\n", last_warn); \
	} while (0)

#define EXPECT_RANGE(i, b, l, t)					\
	do {								\
		EXPECT_EQ_U(br.memmap.e[i].base, (b));			\
		EXPECT_EQ_U(br.memmap.e[i].len, (l));			\
		EXPECT_EQ(br.memmap.e[i].type, (t));			\
	} while (0)

static bool all_chars(const char *s, char c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != c)
			return false;
	return s[n] == '\0';
}

/* ---- multiboot2 info builder ----------------------------------------- */

static u64 mb2_base, mb2_cur;

static void mb2_begin(u64 phys)
{
	mb2_base = phys;
	mb2_cur = phys + 8;
}

/* Append a tag whose header claims @size; @len payload bytes follow. */
static u64 mb2_raw(u32 type, u32 size, const void *payload, size_t len)
{
	u64 at = mb2_cur;

	put32(at, type);
	put32(at + 4, size);
	put_bytes(at + 8, payload, len);
	mb2_cur = at + ALIGN_UP(8 + len, (size_t)8);
	return at;
}

static void mb2_add(u32 type, const void *payload, size_t len)
{
	mb2_raw(type, 8 + len, payload, len);
}

static void mb2_str(u32 type, const char *s)
{
	mb2_add(type, s, strlen(s) + 1);
}

static void mb2_mod(u32 start, u32 end, const char *name)
{
	u8 buf[512];
	size_t n = strlen(name) + 1;

	memcpy(buf, &start, 4);
	memcpy(buf + 4, &end, 4);
	memcpy(buf + 8, name, n);
	mb2_add(MB2_MODULE, buf, 8 + n);
}

static void mb2_mmap(u32 entry_size, const struct mb2_ent *e, unsigned int n)
{
	static u8 buf[8 + 256 * 32];
	u32 version = 0;
	unsigned int i;

	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, &entry_size, 4);
	memcpy(buf + 4, &version, 4);
	for (i = 0; i < n; i++)
		memcpy(buf + 8 + i * entry_size, &e[i],
		       MIN(entry_size, sizeof(*e)));
	mb2_add(MB2_MMAP, buf, 8 + n * entry_size);
}

/* An EFI memory map tag; each descriptor padded to @descr_size with 0xee. */
static void mb2_efi_mmap(u32 descr_size, u32 version,
			 const struct efi_desc *d, unsigned int n)
{
	static u8 buf[8 + 0x8000];
	unsigned int i;

	if (8 + (size_t)n * descr_size > sizeof(buf)) {
		printf("# EFI memory map too big for the test buffer\n");
		exit(EXIT_FAILURE);
	}
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, &descr_size, 4);
	memcpy(buf + 4, &version, 4);
	for (i = 0; i < n; i++)
		memcpy(buf + 8 + i * descr_size, &d[i],
		       MIN(descr_size, sizeof(*d)));
	mb2_add(MB2_EFI_MMAP, buf, 8 + n * descr_size);
}

static void mb2_efi64(u64 systab)
{
	mb2_add(MB2_EFI64, &systab, sizeof(systab));
}

static void mb2_meminfo(u32 lower_kb, u32 upper_kb)
{
	u32 v[2] = { lower_kb, upper_kb };

	mb2_add(MB2_MEMINFO, v, sizeof(v));
}

/* Write total_size for what was appended so far; no end tag. */
static u32 mb2_close(void)
{
	u32 total = mb2_cur - mb2_base;

	put32(mb2_base, total);
	put32(mb2_base + 4, 0);
	allow(mb2_base, total);
	return total;
}

static u32 mb2_end(void)
{
	mb2_add(MB2_END, NULL, 0);
	return mb2_close();
}

static void make_rsdp(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + 7 * i);
	memcpy(buf, "RSD PTR ", 8);
}

/* multiboot2.c stores rsdp_phys = __pa_symbol(copy); undo that. */
static const u8 *rsdp_copy(void)
{
	return (const u8 *)(uintptr_t)(br.rsdp_phys + KERNEL_MAP);
}

static const struct mb2_ent good_map[3] = {
	{ 0, 0x9fc00, 1, 0 },
	{ 0x9fc00, 0x400, 2, 0 },
	{ 0x100000, 0x7ee0000, 1, 0 },
};

static void expect_good_map(void)
{
	EXPECT_EQ(br.memmap.nr, 3);
	EXPECT_RANGE(0, 0, 0x9fc00, MEMMAP_USABLE);
	EXPECT_RANGE(1, 0x9fc00, 0x400, MEMMAP_RESERVED);
	EXPECT_RANGE(2, 0x100000, 0x7ee0000, MEMMAP_USABLE);
}

/* ---- multiboot2 tests ------------------------------------------------- */

TEST(mb2_good_info)
{
	u8 rsdp[36];

	reset();
	make_rsdp(rsdp, sizeof(rsdp), 0x40);
	mb2_begin(INFO);
	mb2_str(MB2_CMDLINE, "console=ttyS0 loglevel=7");
	mb2_str(MB2_LOADER_NAME, "GRUB 2.12");	/* unknown to pvk: skipped */
	mb2_mmap(24, good_map, 3);
	mb2_mod(0x200000, 0x201234, "initrd.img");
	mb2_mod(0x300000, 0x300800, "config ro");
	mb2_add(MB2_ACPI_NEW, rsdp, sizeof(rsdp));
	mb2_end();
	run_mb2(INFO);

	EXPECT_STR(br.entry, "multiboot2");
	EXPECT_STR(br.cmdline, "console=ttyS0 loglevel=7");
	expect_good_map();
	EXPECT_EQ(br.nr_modules, 2);
	EXPECT_EQ_U(br.modules[0].start, 0x200000);
	EXPECT_EQ_U(br.modules[0].len, 0x1234);
	EXPECT_STR(br.modules[0].cmdline, "initrd.img");
	EXPECT_EQ_U(br.modules[1].start, 0x300000);
	EXPECT_EQ_U(br.modules[1].len, 0x800);
	EXPECT_STR(br.modules[1].cmdline, "config ro");
	EXPECT(br.rsdp_phys != 0);
	if (br.rsdp_phys)
		EXPECT(memcmp(rsdp_copy(), rsdp, sizeof(rsdp)) == 0);
	EXPECT(br.platform_info == NULL);
	EXPECT_STR(br.loader_name, "GRUB 2.12");
	EXPECT_STR(br.memmap_source, BOOT_SRC_MB2_MMAP);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_ACPI_NEW);
	EXPECT(!br.efi);		/* no EFI tag: a BIOS boot */
	EXPECT_EQ_U(br.efi_systab, 0);
	EXPECT_WARNS(0, "");
}

TEST(mb2_bad_info_pointer)
{
	static const u64 bad[] = {
		INFO + 4,		/* misaligned */
		INFO + 1,
		MEM_SIZE - 4,		/* header not mapped */
		MEM_SIZE,
		1ULL << 40,
		~0ULL - 7,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		/* A valid block where the misaligned pointers point. */
		if (bad[i] < MEM_SIZE - 64) {
			mb2_begin(bad[i]);
			mb2_str(MB2_CMDLINE, "must not be seen");
			mb2_mod(0x200000, 0x201000, "nor this");
			mb2_end();
			nr_ranges = 0;	/* not even the header may be read */
		}
		run_mb2(bad[i]);
		EXPECT_STR(br.entry, "multiboot2");
		EXPECT_STR(br.cmdline, "");
		EXPECT_EQ(br.nr_modules, 0);
		EXPECT_EQ(br.memmap.nr, 0);
		EXPECT_WARNS(1, "unusable");
	}
}

TEST(mb2_bad_total_size)
{
	static const struct {
		u64 base;
		u32 total;
	} bad[] = {
		{ INFO, 0 },
		{ INFO, 8 },
		{ INFO, 15 },
		{ 0x1000, (1U << 20) + 8 },	/* mapped, but over 1 MiB */
		{ INFO, 0xffffffff },
		{ MEM_SIZE - 64, 128 },		/* runs off mapped memory */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		mb2_begin(bad[i].base);
		mb2_str(MB2_CMDLINE, "must not be seen");
		mb2_add(MB2_END, NULL, 0);
		put32(bad[i].base, bad[i].total);
		allow(bad[i].base, 8);		/* only total_size itself */
		run_mb2(bad[i].base);
		EXPECT_STR(br.cmdline, "");
		EXPECT_WARNS(1, "implausible info size");
	}

	/* The limits themselves are fine: 16 bytes, and exactly 1 MiB. */
	reset();
	mb2_begin(INFO);
	EXPECT_EQ(mb2_end(), 16);
	run_mb2(INFO);
	EXPECT_WARNS(0, "");

	reset();
	mb2_begin(0x1000);
	mb2_str(MB2_CMDLINE, "big");
	mb2_end();
	put32(0x1000, 1U << 20);
	run_mb2(0x1000);
	EXPECT_STR(br.cmdline, "big");
	EXPECT_WARNS(0, "");
}

TEST(mb2_tag_size_too_small)
{
	static const u32 sizes[] = { 1, 4, 7 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		reset();
		mb2_begin(INFO);
		mb2_str(MB2_CMDLINE, "kept");
		mb2_raw(MB2_LOADER_NAME, sizes[i], NULL, 0);
		/* Where the walk would land had it rounded the size up. */
		mb2_mod(0x200000, 0x201000, "dropped");
		mb2_end();
		run_mb2(INFO);
		EXPECT_STR(br.cmdline, "kept");
		EXPECT_EQ(br.nr_modules, 0);
		EXPECT_WARNS(1, "bad size");
	}
}

TEST(mb2_tag_past_total)
{
	u8 payload[24] = { 0 };
	u32 claim[] = { 0x100, 25, 0xffffffff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(claim); i++) {
		reset();
		mb2_begin(INFO);
		mb2_str(MB2_CMDLINE, "kept");
		/* 8 + 16 bytes remain; the module tag claims more. */
		memcpy(payload + 4, "\x00\x10\x20\x00", 4);
		memcpy(payload + 8, "mod", 4);
		mb2_raw(MB2_MODULE, claim[i], payload, 16);
		mb2_close();
		/* Beyond total_size (unreadable): what a misparse would see. */
		mb2_mod(0x200000, 0x201000, "beyond");
		mb2_add(MB2_END, NULL, 0);
		run_mb2(INFO);
		EXPECT_STR(br.cmdline, "kept");
		EXPECT_EQ(br.nr_modules, 0);
		EXPECT_WARNS(1, "bad size");
	}
}

TEST(mb2_no_end_tag)
{
	reset();
	mb2_begin(INFO);
	mb2_str(MB2_CMDLINE, "no end");
	mb2_mod(0x200000, 0x201000, "last");
	mb2_close();
	run_mb2(INFO);
	EXPECT_STR(br.cmdline, "no end");
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT_STR(br.modules[0].cmdline, "last");
	EXPECT_WARNS(1, "no end tag");

	/* total_size not a multiple of 8: the last tag ends at byte 20. */
	reset();
	mb2_begin(INFO);
	mb2_raw(MB2_CMDLINE, 12, "abc", 4);
	put32(INFO, 20);
	allow(INFO, 20);
	run_mb2(INFO);
	EXPECT_STR(br.cmdline, "abc");
	EXPECT_WARNS(1, "no end tag");
}

TEST(mb2_mmap_bad_entry_size)
{
	static const u32 esize[] = { 0, 8, 16, 23 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(esize); i++) {
		char want[64];

		reset();
		mb2_begin(INFO);
		mb2_mmap(esize[i], good_map, 3);
		mb2_mod(0x200000, 0x201000, "after");
		mb2_end();
		run_mb2(INFO);
		snprintf(want, sizeof(want), "entry size %u", esize[i]);
		EXPECT_EQ(br.memmap.nr, 0);
		EXPECT_EQ(br.nr_modules, 1);	/* the walk goes on */
		EXPECT_WARNS(1, want);
	}

	/* A memory map tag too short for its own header. */
	reset();
	mb2_begin(INFO);
	mb2_raw(MB2_MMAP, 12, "\x18\0\0\0", 4);
	mb2_mod(0x200000, 0x201000, "after");
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT_WARNS(1, "memory map with entry size 0");
}

TEST(mb2_mmap_wide_entries)
{
	reset();
	mb2_begin(INFO);
	mb2_mmap(32, good_map, 3);	/* entries padded to 32 bytes */
	mb2_end();
	run_mb2(INFO);
	expect_good_map();
	EXPECT_WARNS(0, "");
}

TEST(mb2_mmap_too_long)
{
	static struct mb2_ent e[MEMMAP_MAX + 2];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].addr = (u64)i << 20;
		e[i].len = 0x1000;
		e[i].type = 1 + i % 2;
	}
	reset();
	mb2_begin(INFO);
	mb2_mmap(24, e, ARRAY_SIZE(e));
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, MEMMAP_MAX);
	EXPECT_RANGE(MEMMAP_MAX - 1, (u64)(MEMMAP_MAX - 1) << 20, 0x1000,
		     1 + (MEMMAP_MAX - 1) % 2);
	EXPECT_WARNS(1, "truncated");
}

TEST(mb2_bad_modules)
{
	u8 payload[8] = { 0, 0, 0x40, 0 };

	reset();
	mb2_begin(INFO);
	mb2_mod(0x5000, 0x4fff, "backwards");
	mb2_raw(MB2_MODULE, 12, payload, 4);	/* no room for mod_end */
	mb2_mod(0x600000, 0x600000, "empty");	/* zero length is fine */
	mb2_mod(0x700000, 0x701000, "good");
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.nr_modules, 2);
	EXPECT_EQ_U(br.modules[0].start, 0x600000);
	EXPECT_EQ_U(br.modules[0].len, 0);
	EXPECT_STR(br.modules[0].cmdline, "empty");
	EXPECT_EQ_U(br.modules[1].start, 0x700000);
	EXPECT_EQ_U(br.modules[1].len, 0x1000);
	EXPECT_STR(br.modules[1].cmdline, "good");
	EXPECT_WARNS(2, "malformed module");
}

TEST(mb2_too_many_modules)
{
	char name[16];
	unsigned int i;

	reset();
	mb2_begin(INFO);
	for (i = 0; i < BOOT_MODULES_MAX + 1; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mb2_mod(0x200000 + (i << 16), 0x200100 + (i << 16), name);
	}
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.nr_modules, BOOT_MODULES_MAX);
	EXPECT_EQ_U(br.modules[BOOT_MODULES_MAX - 1].start,
		    0x200000 + ((BOOT_MODULES_MAX - 1) << 16));
	EXPECT_STR(br.modules[BOOT_MODULES_MAX - 1].cmdline, "mod7");
	EXPECT_WARNS(1, "more than 8 modules");
}

TEST(mb2_long_strings)
{
	static char s[2001];

	memset(s, 'c', sizeof(s) - 1);
	reset();
	mb2_begin(INFO);
	mb2_str(MB2_CMDLINE, s);
	s[200] = '\0';
	mb2_mod(0x200000, 0x201000, s);
	s[200] = 'c';
	mb2_end();
	run_mb2(INFO);
	EXPECT(all_chars(br.cmdline, 'c', BOOT_CMDLINE_MAX - 1));
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT(all_chars(br.modules[0].cmdline, 'c',
			 BOOT_MODULE_CMDLINE_MAX - 1));
	EXPECT_EQ(br.memmap.nr, 0);		/* nothing overran cmdline */
	EXPECT_EQ_U(br.modules[1].start, 0);
	EXPECT_WARNS(0, "");

	/* A command line tag without its NUL still ends up terminated. */
	reset();
	mb2_begin(INFO);
	mb2_raw(MB2_CMDLINE, 8 + 3, "xyz", 3);
	mb2_end();
	run_mb2(INFO);
	EXPECT_STR(br.cmdline, "xyz");
	EXPECT_WARNS(0, "");
}

TEST(mb2_meminfo_without_mmap)
{
	reset();
	mb2_begin(INFO);
	mb2_meminfo(639, 130048);
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, 2);
	EXPECT_RANGE(0, 0, 639 << 10, MEMMAP_USABLE);
	EXPECT_RANGE(1, 1 << 20, 130048ULL << 10, MEMMAP_USABLE);
	EXPECT_WARNS(0, "");
}

TEST(mb2_meminfo_after_mmap_ignored)
{
	reset();
	mb2_begin(INFO);
	mb2_mmap(24, good_map, 3);
	mb2_meminfo(639, 130048);	/* GRUB's order */
	mb2_end();
	run_mb2(INFO);
	expect_good_map();
	EXPECT_WARNS(0, "");
}

/* The specification does not order tags; nor may the parser. */
TEST(mb2_meminfo_before_mmap_ignored)
{
	reset();
	mb2_begin(INFO);
	mb2_meminfo(639, 130048);
	mb2_mmap(24, good_map, 3);
	mb2_end();
	run_mb2(INFO);
	expect_good_map();
	EXPECT_WARNS(0, "");
}

TEST(mb2_acpi_tags)
{
	u8 v1[20], v2[36];

	make_rsdp(v1, sizeof(v1), 0x11);
	make_rsdp(v2, sizeof(v2), 0x22);

	reset();
	mb2_begin(INFO);
	mb2_add(MB2_ACPI_OLD, v1, sizeof(v1));
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.rsdp_phys != 0);
	if (br.rsdp_phys)
		EXPECT(memcmp(rsdp_copy(), v1, sizeof(v1)) == 0);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_ACPI_OLD);
	EXPECT_WARNS(0, "");

	/* The ACPI 2.0 copy wins whichever comes first. */
	reset();
	mb2_begin(INFO);
	mb2_add(MB2_ACPI_OLD, v1, sizeof(v1));
	mb2_add(MB2_ACPI_NEW, v2, sizeof(v2));
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.rsdp_phys != 0);
	if (br.rsdp_phys)
		EXPECT(memcmp(rsdp_copy(), v2, sizeof(v2)) == 0);
	EXPECT_WARNS(0, "");

	reset();
	mb2_begin(INFO);
	mb2_add(MB2_ACPI_NEW, v2, sizeof(v2));
	mb2_add(MB2_ACPI_OLD, v1, sizeof(v1));
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.rsdp_phys != 0);
	if (br.rsdp_phys)
		EXPECT(memcmp(rsdp_copy(), v2, sizeof(v2)) == 0);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_ACPI_NEW);
	EXPECT_WARNS(0, "");

	reset();
	mb2_begin(INFO);
	mb2_add(MB2_ACPI_NEW, v2, 19);
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ_U(br.rsdp_phys, 0);
	EXPECT(br.rsdp_source == NULL);
	EXPECT_WARNS(1, "short RSDP");
}

/*
 * Loader types other than 1-5 mean "reserved" (multiboot2 spec; E820 6
 * is disabled, 7 persistent memory). They must not turn into pvk's own
 * MEMMAP_KERNEL (6) or MEMMAP_MODULE (7), which are direct-mapped and
 * outrank every other type when the map is normalised.
 */
TEST(mb2_loader_memory_types)
{
	static const struct mb2_ent e[3] = {
		{ 0x100000, 0x100000, 1, 0 },
		{ 0x40000000, 0x1000, 6, 0 },
		{ 0x100000000ULL, 0x40000000, 7, 0 },
	};

	reset();
	mb2_begin(INFO);
	mb2_mmap(24, e, 3);
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, 3);
	EXPECT_EQ(br.memmap.e[0].type, MEMMAP_USABLE);
	EXPECT(br.memmap.e[1].type != MEMMAP_KERNEL &&
	       br.memmap.e[1].type != MEMMAP_MODULE);
	EXPECT(br.memmap.e[2].type != MEMMAP_KERNEL &&
	       br.memmap.e[2].type != MEMMAP_MODULE);
}

/* ---- multiboot2 under UEFI -------------------------------------------- */

#define SYSTAB	0x7e8f018ULL

/*
 * OVMF-like: many small descriptors, some of them touching and of the
 * same kind once boot services are gone, 48 bytes each.
 */
static const struct efi_desc efi_map[] = {
	{ EFI_BS_CODE, 0, 0, 0, 8, 0xf },
	{ EFI_CONV, 0, 0x8000, 0, 0x98, 0xf },
	{ EFI_RT_DATA, 0, 0x100000, 0, 0x10, 0x800000000000000fULL },
	{ EFI_LOADER_DATA, 0, 0x110000, 0, 0x10, 0xf },
	{ EFI_BS_DATA, 0, 0x120000, 0, 0x20, 0xf },
	{ EFI_ACPI_RECL, 0, 0x140000, 0, 1, 0xf },
	{ EFI_ACPI_NVS, 0, 0x141000, 0, 1, 0xf },
	{ EFI_UNUSABLE, 0, 0x142000, 0, 1, 0xf },
	{ EFI_OEM, 0, 0x143000, 0, 1, 0xf },
	{ EFI_RESERVED, 0, 0x144000, 0, 1, 0 },
	{ EFI_MMIO, 0, 0xfec00000, 0, 1, 0x8000000000000001ULL },
	{ EFI_PERSISTENT, 0, 0x100000000ULL, 0, 0x1000, 0xf },
};

static void expect_efi_map(void)
{
	EXPECT_STR(br.memmap_source, BOOT_SRC_EFI_MMAP);
	EXPECT_EQ(br.memmap.nr, 9);
	EXPECT_RANGE(0, 0, 0xa0000, MEMMAP_USABLE);
	EXPECT_RANGE(1, 0x100000, 0x10000, MEMMAP_RESERVED);
	EXPECT_RANGE(2, 0x110000, 0x30000, MEMMAP_USABLE);
	EXPECT_RANGE(3, 0x140000, 0x1000, MEMMAP_ACPI_RECLAIM);
	EXPECT_RANGE(4, 0x141000, 0x1000, MEMMAP_ACPI_NVS);
	EXPECT_RANGE(5, 0x142000, 0x1000, MEMMAP_BAD);
	EXPECT_RANGE(6, 0x143000, 0x2000, MEMMAP_RESERVED);
	EXPECT_RANGE(7, 0xfec00000, 0x1000, MEMMAP_RESERVED);
	EXPECT_RANGE(8, 0x100000000ULL, 0x1000000, MEMMAP_RESERVED);
}

/* What GRUB passes under UEFI after exiting boot services. */
static void mb2_efi_grub_list(u32 descr_size)
{
	u8 rsdp[36];
	u64 image_handle = 0x7e01000;

	make_rsdp(rsdp, sizeof(rsdp), 0x50);
	mb2_begin(INFO);
	mb2_str(MB2_CMDLINE, "selftest=all");
	mb2_str(MB2_LOADER_NAME, "GRUB 2.06-13+deb12u2");
	mb2_meminfo(640, 260000);
	mb2_mmap(24, good_map, 3);	/* GRUB's own translation: not used */
	mb2_efi64(SYSTAB);
	mb2_add(MB2_ACPI_OLD, rsdp, 20);
	mb2_add(MB2_ACPI_NEW, rsdp, sizeof(rsdp));
	mb2_efi_mmap(descr_size, EFI_DESC_VERSION, efi_map, ARRAY_SIZE(efi_map));
	mb2_add(MB2_EFI64_IH, &image_handle, sizeof(image_handle));
	mb2_end();
}

TEST(mb2_efi_good_info)
{
	static const u32 sizes[] = { 40, 48, 56 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		reset();
		mb2_efi_grub_list(sizes[i]);
		run_mb2(INFO);
		EXPECT_STR(br.cmdline, "selftest=all");
		EXPECT_STR(br.loader_name, "GRUB 2.06-13+deb12u2");
		EXPECT(br.efi);
		EXPECT_EQ_U(br.efi_systab, SYSTAB);
		expect_efi_map();
		EXPECT_STR(br.rsdp_source, BOOT_SRC_ACPI_NEW);
		EXPECT_WARNS(0, "");
	}
}

/* A map header pvk cannot read gives way to GRUB's mmap, then meminfo. */
TEST(mb2_efi_mmap_bad_header)
{
	static const struct {
		u32 size, version;
		const char *warn;
	} bad[] = {
		{ 0, 1, "descriptor size 0" },
		{ 32, 1, "descriptor size 32" },
		{ 39, 1, "descriptor size 39" },
		{ 44, 1, "descriptor size 44" },	/* not a multiple of 8 */
		{ 8192, 1, "descriptor size 8192" },
		{ 0xfffffff8, 1, "descriptor size 4294967288" },
		{ 48, 0, "version 0" },
		{ 48, 2, "version 2" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		mb2_begin(INFO);
		/* As many descriptors as fit the test's buffer. */
		mb2_efi_mmap(bad[i].size, bad[i].version, efi_map,
			     bad[i].size <= 4096 ? 3 : bad[i].size <= 0x8000);
		mb2_mmap(24, good_map, 3);
		mb2_end();
		run_mb2(INFO);
		EXPECT(br.efi);
		expect_good_map();
		EXPECT_STR(br.memmap_source, BOOT_SRC_MB2_MMAP);
		EXPECT_WARNS(1, bad[i].warn);
	}

	/* Too short for its own header; only the basic meminfo is left. */
	reset();
	mb2_begin(INFO);
	mb2_raw(MB2_EFI_MMAP, 12, "\x30\0\0\0", 4);
	mb2_meminfo(639, 130048);
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, 2);
	EXPECT_STR(br.memmap_source, BOOT_SRC_MEMINFO);
	EXPECT_WARNS(1, "descriptor size 0");
}

TEST(mb2_efi_mmap_bad_descriptors)
{
	static const struct efi_desc d[] = {
		{ EFI_CONV, 0, 0x100000, 0, 0x10, 0 },
		{ EFI_CONV, 0, 0x200800, 0, 1, 0 },		/* unaligned */
		{ EFI_CONV, 0, 0x300000, 0, ~0ULL, 0 },		/* wraps */
		{ EFI_CONV, 0, 0xfffffffffffff000ULL, 0, 2, 0 },	/* wraps */
		{ EFI_CONV, 0, 0x400000, 0, 0, 0 },		/* empty: no harm */
		{ EFI_RT_DATA, 0, 0x500000, 0, 4, 0 },
	};

	reset();
	mb2_begin(INFO);
	mb2_efi_mmap(48, EFI_DESC_VERSION, d, ARRAY_SIZE(d));
	mb2_end();
	run_mb2(INFO);
	EXPECT_STR(br.memmap_source, BOOT_SRC_EFI_MMAP);
	EXPECT_EQ(br.memmap.nr, 2);
	EXPECT_RANGE(0, 0x100000, 0x10000, MEMMAP_USABLE);
	EXPECT_RANGE(1, 0x500000, 0x4000, MEMMAP_RESERVED);
	EXPECT_WARNS(1, "3 EFI memory descriptors with impossible ranges");

	/* Nothing usable in the EFI map: GRUB's mmap is next. */
	reset();
	mb2_begin(INFO);
	mb2_efi_mmap(48, EFI_DESC_VERSION, d + 1, 3);
	mb2_mmap(24, good_map, 3);
	mb2_end();
	run_mb2(INFO);
	expect_good_map();
	EXPECT_STR(br.memmap_source, BOOT_SRC_MB2_MMAP);
	EXPECT_WARNS(1, "3 EFI memory descriptors");
}

/* A descriptor cut by the tag's end is not read (ASan watches). */
TEST(mb2_efi_mmap_truncated_descriptor)
{
	static const u32 cut[] = { 1, 8, 40, 47 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cut); i++) {
		u64 tag;

		reset();
		mb2_begin(INFO);
		tag = mb2_cur;
		mb2_efi_mmap(48, EFI_DESC_VERSION, efi_map, 2);
		put32(tag + 4, 16 + 48 + cut[i]);	/* 2nd one partly there */
		mb2_cur = tag + ALIGN_UP(16 + 48 + cut[i], 8u);
		mb2_end();
		run_mb2(INFO);
		EXPECT_EQ(br.memmap.nr, 1);
		EXPECT_RANGE(0, 0, 0x8000, MEMMAP_USABLE);
		EXPECT_WARNS(1, "ends inside a descriptor");
	}
}

TEST(mb2_efi_mmap_long)
{
	static struct efi_desc d[MEMMAP_MAX * 2 + 1];
	unsigned int i;

	/* Touching descriptors of one kind become one range. */
	for (i = 0; i < ARRAY_SIZE(d); i++) {
		d[i].type = i % 2 ? EFI_CONV : EFI_BS_DATA;
		d[i].phys = (u64)i << 12;
		d[i].pages = 1;
	}
	reset();
	mb2_begin(INFO);
	mb2_efi_mmap(40, EFI_DESC_VERSION, d, ARRAY_SIZE(d));
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, 1);
	EXPECT_RANGE(0, 0, (u64)ARRAY_SIZE(d) << 12, MEMMAP_USABLE);
	EXPECT_WARNS(0, "");

	/* Alternating kinds cannot merge: truncated, and said so once. */
	for (i = 0; i < ARRAY_SIZE(d); i++)
		d[i].type = i % 2 ? EFI_CONV : EFI_RT_DATA;
	reset();
	mb2_begin(INFO);
	mb2_efi_mmap(40, EFI_DESC_VERSION, d, ARRAY_SIZE(d));
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ(br.memmap.nr, MEMMAP_MAX);
	EXPECT_RANGE(MEMMAP_MAX - 1, (u64)(MEMMAP_MAX - 1) << 12, 0x1000,
		     MEMMAP_USABLE);
	EXPECT_WARNS(1, "EFI memory map too long");
}

TEST(mb2_efi_systab_tags)
{
	u64 zero = 0;
	u32 p32 = 0x7f9e018;

	/* 32-bit firmware's table pointer. */
	reset();
	mb2_begin(INFO);
	mb2_add(MB2_EFI32, &p32, sizeof(p32));
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.efi);
	EXPECT_EQ_U(br.efi_systab, 0x7f9e018);
	EXPECT(br.memmap_source == NULL);
	EXPECT_WARNS(0, "");

	/* Too short for the pointer, or a null one: noted, still EFI. */
	reset();
	mb2_begin(INFO);
	mb2_add(MB2_EFI64, &p32, sizeof(p32));
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.efi);
	EXPECT_EQ_U(br.efi_systab, 0);
	EXPECT_WARNS(1, "EFI system table tag (type 12, size 12) ignored");

	reset();
	mb2_begin(INFO);
	mb2_efi64(zero);
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.efi);
	EXPECT_EQ_U(br.efi_systab, 0);
	EXPECT_WARNS(1, "EFI system table tag (type 12, size 16) ignored");

	reset();
	mb2_begin(INFO);
	mb2_raw(MB2_EFI32, 8, NULL, 0);
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.efi);
	EXPECT_WARNS(1, "type 11, size 8");

	/* pvk's header never asks to keep boot services: said when done. */
	reset();
	mb2_begin(INFO);
	mb2_add(MB2_EFI_BS, NULL, 0);
	mb2_end();
	run_mb2(INFO);
	EXPECT(br.efi);
	EXPECT_WARNS(1, "left EFI boot services running");
}

TEST(mb2_second_map_tags_ignored)
{
	static const struct mb2_ent other[1] = { { 0, 0x1000, 1, 0 } };

	reset();
	mb2_begin(INFO);
	mb2_mmap(24, good_map, 3);
	mb2_mmap(24, other, 1);
	mb2_end();
	run_mb2(INFO);
	expect_good_map();
	EXPECT_WARNS(1, "second tag of type 6 ignored");

	reset();
	mb2_begin(INFO);
	mb2_efi_mmap(48, EFI_DESC_VERSION, efi_map, ARRAY_SIZE(efi_map));
	mb2_efi_mmap(48, EFI_DESC_VERSION, efi_map, 1);
	mb2_end();
	run_mb2(INFO);
	expect_efi_map();
	EXPECT_WARNS(1, "second tag of type 17 ignored");
}

/* ---- RSDP from the EFI configuration table ---------------------------- */

#define ST_PHYS		0x1a000
#define CT_PHYS		0x1b000

static const u8 guid_acpi20[16] = {
	0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
	0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
static const u8 guid_acpi10[16] = {
	0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
	0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d,
};
static const u8 guid_smbios3[16] = {
	0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a,
	0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94,
};

struct cfg_ent {
	const u8 *guid;
	u64 table;
};

/* A 64-bit system table at ST_PHYS whose configuration table is @e. */
static void efi_systab(u64 sig, u64 n, u64 tables, const struct cfg_ent *e,
		       unsigned int nr)
{
	unsigned int i;

	put_bytes(ST_PHYS, &sig, 8);
	put_bytes(ST_PHYS + 104, &n, 8);
	put_bytes(ST_PHYS + 112, &tables, 8);
	allow(ST_PHYS, 120);
	for (i = 0; i < nr; i++) {
		put_bytes(CT_PHYS + i * 24, e[i].guid, 16);
		put_bytes(CT_PHYS + i * 24 + 16, &e[i].table, 8);
	}
	allow(CT_PHYS, nr * 24);
}

#define ST_SIG	0x5453595320494249ULL

/* GRUB under UEFI, without ACPI tags. */
static void mb2_efi_no_acpi_tags(u64 systab)
{
	mb2_begin(INFO);
	mb2_efi64(systab);
	mb2_efi_mmap(48, EFI_DESC_VERSION, efi_map, ARRAY_SIZE(efi_map));
	mb2_end();
}

TEST(mb2_efi_rsdp_from_config_table)
{
	const struct cfg_ent both[] = {
		{ guid_smbios3, 0x1234000 },
		{ guid_acpi10, 0xe0000 },
		{ guid_acpi20, 0x9a000 },
	};
	const struct cfg_ent v1_only[] = {
		{ guid_acpi20, 0 },			/* no table: not taken */
		{ guid_acpi10, 0xe0000 },
	};

	reset();
	efi_systab(ST_SIG, 3, CT_PHYS, both, 3);
	mb2_efi_no_acpi_tags(ST_PHYS);
	run_mb2(INFO);
	EXPECT_EQ_U(br.efi_systab, ST_PHYS);
	EXPECT_EQ_U(br.rsdp_phys, 0x9a000);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_EFI_ACPI_NEW);
	EXPECT_WARNS(0, "");

	reset();
	efi_systab(ST_SIG, 2, CT_PHYS, v1_only, 2);
	mb2_efi_no_acpi_tags(ST_PHYS);
	run_mb2(INFO);
	EXPECT_EQ_U(br.rsdp_phys, 0xe0000);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_EFI_ACPI_OLD);
	EXPECT_WARNS(0, "");
}

/* An ACPI tag is enough: the firmware's tables are not even read. */
TEST(mb2_efi_rsdp_tag_wins)
{
	u8 rsdp[20];

	make_rsdp(rsdp, sizeof(rsdp), 0x33);
	reset();
	mb2_begin(INFO);
	mb2_efi64(ST_PHYS);			/* nothing readable there */
	mb2_add(MB2_ACPI_OLD, rsdp, sizeof(rsdp));
	mb2_end();
	run_mb2(INFO);
	EXPECT_STR(br.rsdp_source, BOOT_SRC_ACPI_OLD);
	EXPECT_WARNS(0, "");

	/* Nor for a 32-bit table, whose layout differs. */
	reset();
	mb2_begin(INFO);
	mb2_add(MB2_EFI32, "\0\xa0\x01\0", 4);
	mb2_end();
	run_mb2(INFO);
	EXPECT_EQ_U(br.efi_systab, ST_PHYS);
	EXPECT_EQ_U(br.rsdp_phys, 0);
	EXPECT_WARNS(0, "");
}

TEST(mb2_efi_rsdp_bad_config_table)
{
	const struct cfg_ent none[] = { { guid_smbios3, 0x1234000 } };
	const struct cfg_ent v2[] = { { guid_acpi20, 0x9a000 } };
	static const struct {
		u64 sig, n, tables, systab;
		const char *warn;
	} bad[] = {
		{ ST_SIG + 1, 1, CT_PHYS, ST_PHYS, "no EFI system table at 0x1a000" },
		{ ST_SIG, 1, CT_PHYS, MEM_SIZE - 64, "no EFI system table at" },
		{ ST_SIG, 1, CT_PHYS, 1ULL << 40, "no EFI system table at" },
		{ ST_SIG, 1025, CT_PHYS, ST_PHYS, "1025 entries at 0x1b000" },
		{ ST_SIG, 1ULL << 60, CT_PHYS, ST_PHYS, "unusable" },
		{ ST_SIG, 1, MEM_SIZE - 8, ST_PHYS, "unusable" },
		{ ST_SIG, 1, ~0ULL - 7, ST_PHYS, "unusable" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		efi_systab(bad[i].sig, bad[i].n, bad[i].tables, v2, 1);
		mb2_efi_no_acpi_tags(bad[i].systab);
		run_mb2(INFO);
		EXPECT_EQ_U(br.rsdp_phys, 0);
		EXPECT(br.rsdp_source == NULL);
		EXPECT_STR(br.memmap_source, BOOT_SRC_EFI_MMAP);
		EXPECT_WARNS(1, bad[i].warn);
	}

	reset();
	efi_systab(ST_SIG, 1, CT_PHYS, none, 1);
	mb2_efi_no_acpi_tags(ST_PHYS);
	run_mb2(INFO);
	EXPECT_EQ_U(br.rsdp_phys, 0);
	EXPECT_WARNS(1, "has no ACPI entry");
}

/* ---- PVH start_info builder ------------------------------------------ */

static struct hvm_start_info *pvh_si(u64 phys, u32 version)
{
	struct hvm_start_info *si = (void *)(mem + phys);

	si->magic = XEN_HVM_START_MAGIC_VALUE;
	si->version = version;
	allow(phys, sizeof(*si));
	return si;
}

static u64 put_str(u64 phys, const char *s)
{
	put_bytes(phys, s, strlen(s) + 1);
	allow(phys, strlen(s) + 1);
	return phys;
}

static void pvh_set_memmap(struct hvm_start_info *si, u64 phys,
			   const struct hvm_memmap_table_entry *e, u32 n)
{
	put_bytes(phys, e, n * sizeof(*e));
	allow(phys, n * sizeof(*e));
	si->memmap_paddr = phys;
	si->memmap_entries = n;
}

static struct hvm_modlist_entry *pvh_set_modlist(struct hvm_start_info *si,
						 u64 phys, u32 n)
{
	allow(phys, n * sizeof(struct hvm_modlist_entry));
	si->modlist_paddr = phys;
	si->nr_modules = n;
	return (void *)(mem + phys);
}

static const struct hvm_memmap_table_entry pvh_map[3] = {
	{ 0, 0x9f000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
	{ 0xfc000000, 0x4000000, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
	{ 0x100000, 0x3ff00000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
};

/* pvh_map and the two modules (the first named "initrd") the PVH tests give. */
static void expect_pvh_map_and_modules(void)
{
	EXPECT_EQ(br.memmap.nr, 3);
	EXPECT_RANGE(0, 0, 0x9f000, MEMMAP_USABLE);
	EXPECT_RANGE(1, 0xfc000000, 0x4000000, MEMMAP_RESERVED);
	EXPECT_RANGE(2, 0x100000, 0x3ff00000, MEMMAP_USABLE);
	EXPECT_EQ(br.nr_modules, 2);
	EXPECT_EQ_U(br.modules[0].start, 0x400000);
	EXPECT_EQ_U(br.modules[0].len, 0x1234);
	EXPECT_STR(br.modules[0].cmdline, "initrd");
	EXPECT_EQ_U(br.modules[1].start, 0x500000);
	EXPECT_EQ_U(br.modules[1].len, 0x2000);
}

/* ---- PVH tests -------------------------------------------------------- */

TEST(pvh_good_start_info)
{
	struct hvm_start_info *si;
	struct hvm_modlist_entry *m;

	reset();
	si = pvh_si(INFO, 1);
	si->cmdline_paddr = put_str(CMDLINE, "console=hvc0 quiet");
	si->rsdp_paddr = 0xfc009000;
	pvh_set_memmap(si, MEMMAP_TABLE, pvh_map, 3);
	m = pvh_set_modlist(si, MODLIST, 2);
	m[0].paddr = 0x400000;
	m[0].size = 0x1234;
	m[0].cmdline_paddr = put_str(MODSTR, "initrd");
	m[1].paddr = 0x500000;
	m[1].size = 0x2000;
	run_pvh(INFO);

	EXPECT_STR(br.entry, "pvh");
	EXPECT_STR(br.cmdline, "console=hvc0 quiet");
	EXPECT_EQ_U(br.rsdp_phys, 0xfc009000);
	expect_pvh_map_and_modules();
	EXPECT_STR(br.modules[1].cmdline, "");
	EXPECT_WARNS(0, "");
}

/*
 * The PVH ABI does not align the memory map or the module list: entries
 * at odd addresses are read like any others (the parser copies them out;
 * UBSan in this build would abort on a misaligned read in place).
 */
TEST(pvh_misaligned_tables)
{
	struct hvm_modlist_entry m[2] = {
		{ .paddr = 0x400000, .size = 0x1234, .cmdline_paddr = MODSTR },
		{ .paddr = 0x500000, .size = 0x2000 },
	};
	struct hvm_start_info *si;

	reset();
	si = pvh_si(INFO, 1);
	pvh_set_memmap(si, MEMMAP_TABLE + 4, pvh_map, 3);
	put_bytes(MODLIST + 1, m, sizeof(m));
	allow(MODLIST + 1, sizeof(m));
	si->modlist_paddr = MODLIST + 1;
	si->nr_modules = 2;
	put_str(MODSTR, "initrd");
	run_pvh(INFO);
	expect_pvh_map_and_modules();
	EXPECT_WARNS(0, "");
}

/*
 * tests/fuzz/fuzz_pvh's first finding, replayed byte for byte with the
 * start_info at physical 0: a memory map at 0x3f (UBSan: misaligned
 * member access in pvh_memmap()) and a module list nowhere.
 */
static const u8 pvh_fuzz_misaligned_memmap[] = {
	0x78, 0xc5, 0x6e, 0x33, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x88, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00,
	0xc8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x90, 0x00, 0xfc,
	0x00, 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0xf0, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0,
	0x3f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x34, 0x12, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x09, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfc,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xf6, 0x00, 0x63, 0x6f, 0x6e, 0x73, 0x6f, 0x6c, 0x65,
	0x3d, 0x68, 0x76, 0x63, 0x30, 0x20, 0x71, 0x75, 0x69, 0x65, 0x74, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63,
	0x6f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0xc8,
};

TEST(pvh_fuzz_misaligned_memmap_replay)
{
	reset();
	put_bytes(0, pvh_fuzz_misaligned_memmap,
		  sizeof(pvh_fuzz_misaligned_memmap));
	allow(0, sizeof(pvh_fuzz_misaligned_memmap));
	run_pvh(0);
	EXPECT_STR(br.entry, "pvh");
	EXPECT_STR(br.cmdline, "sole=hvc0 quiet");
	EXPECT_EQ_U(br.rsdp_phys, 0xfc009000);
	EXPECT(br.memmap.nr >= 1);
	EXPECT_RANGE(0, 0, 0x9f00000, MEMMAP_RESERVED);
	EXPECT_EQ(br.nr_modules, 0);
	EXPECT_WARNS(1, "module list unreachable");
}

/* The start_info stays in use after boot, so a misaligned one is refused. */
TEST(pvh_misaligned_start_info)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.cmdline_paddr = CMDLINE,
	};

	reset();
	put_bytes(INFO + 4, &si, sizeof(si));
	allow(INFO + 4, sizeof(si));
	put_str(CMDLINE, "ignored");
	run_pvh(INFO + 4);
	EXPECT_STR(br.entry, "pvh");
	EXPECT_STR(br.cmdline, "");
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_WARNS(1, "start_info at 0x10004 is not 8-byte aligned");
}

TEST(pvh_bad_magic)
{
	static const u64 where[] = { INFO, MEM_SIZE - 16, 1ULL << 40 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		reset();
		if (where[i] == INFO) {
			struct hvm_start_info *si = pvh_si(INFO, 1);

			si->magic ^= 1;
			si->cmdline_paddr = put_str(CMDLINE, "ignored");
			si->rsdp_paddr = 0xe0000;
			pvh_set_memmap(si, MEMMAP_TABLE, pvh_map, 3);
		}
		run_pvh(where[i]);
		EXPECT_STR(br.entry, "pvh");
		EXPECT_STR(br.cmdline, "");
		EXPECT_EQ_U(br.rsdp_phys, 0);
		EXPECT_EQ(br.memmap.nr, 0);
		EXPECT_EQ(br.nr_modules, 0);
		EXPECT_WARNS(1, "no valid magic");
	}
}

TEST(pvh_no_memmap)
{
	struct hvm_start_info *si;
	struct hvm_modlist_entry *m;

	/* Version 0 has no memmap fields: what lies there is ignored. */
	reset();
	si = pvh_si(INFO, 0);
	si->cmdline_paddr = put_str(CMDLINE, "v0");
	si->rsdp_paddr = 0xe0000;
	pvh_set_memmap(si, MEMMAP_TABLE, pvh_map, 3);
	m = pvh_set_modlist(si, MODLIST, 1);
	m[0].paddr = 0x400000;
	m[0].size = 0x1000;
	run_pvh(INFO);
	EXPECT_STR(br.cmdline, "v0");
	EXPECT_EQ_U(br.rsdp_phys, 0xe0000);
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT_WARNS(1, "no memory map in start_info (version 0)");

	/* Version 1 saying "no map" either way. */
	reset();
	si = pvh_si(INFO, 1);
	pvh_set_memmap(si, MEMMAP_TABLE, pvh_map, 3);
	si->memmap_entries = 0;
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_WARNS(1, "no memory map in start_info (version 1)");

	reset();
	si = pvh_si(INFO, 1);
	si->memmap_entries = 3;
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_WARNS(1, "no memory map");
}

TEST(pvh_memmap_entries_clamped)
{
	struct hvm_memmap_table_entry *e;
	struct hvm_start_info *si;
	u64 table = MEM_SIZE - 1024 * sizeof(*e);

	/*
	 * Exactly 1024 entries fit before the end of memory; all but the
	 * first and the last are empty and so never reach the map.
	 */
	reset();
	si = pvh_si(INFO, 1);
	e = (void *)(mem + table);
	e[0] = pvh_map[0];
	e[1023] = pvh_map[2];
	si->memmap_paddr = table;
	si->memmap_entries = 0x10000;
	allow(table, 1024 * sizeof(*e));
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 2);
	EXPECT_RANGE(0, 0, 0x9f000, MEMMAP_USABLE);
	EXPECT_RANGE(1, 0x100000, 0x3ff00000, MEMMAP_USABLE);
	EXPECT_WARNS(1, "65536 memory map entries, using 1024");
}

TEST(pvh_memmap_too_long)
{
	static struct hvm_memmap_table_entry e[MEMMAP_MAX + 5];
	struct hvm_start_info *si;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].addr = (u64)i << 20;
		e[i].size = 0x1000;
		e[i].type = XEN_HVM_MEMMAP_TYPE_RAM;
	}
	reset();
	si = pvh_si(INFO, 1);
	pvh_set_memmap(si, MEMMAP_TABLE, e, ARRAY_SIZE(e));
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, MEMMAP_MAX);
	EXPECT_RANGE(MEMMAP_MAX - 1, (u64)(MEMMAP_MAX - 1) << 20, 0x1000,
		     MEMMAP_USABLE);
	EXPECT_WARNS(1, "truncated");
}

TEST(pvh_unreachable_tables)
{
	static const struct {
		u64 memmap;
		u64 modlist;
	} bad[] = {
		{ MEM_SIZE + 0x1000, 1ULL << 40 },
		{ MEM_SIZE - 24, MEM_SIZE - 32 },	/* first entry fits only */
		{ ~0ULL - 8, ~0ULL - 16 },
	};
	struct hvm_start_info *si;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		reset();
		si = pvh_si(INFO, 1);
		si->cmdline_paddr = put_str(CMDLINE, "still here");
		si->memmap_paddr = bad[i].memmap;
		si->memmap_entries = 2;
		si->modlist_paddr = bad[i].modlist;
		si->nr_modules = 2;
		run_pvh(INFO);
		EXPECT_STR(br.cmdline, "still here");
		EXPECT_EQ(br.memmap.nr, 0);
		EXPECT_EQ(br.nr_modules, 0);
		EXPECT_WARNS(2, "module list unreachable");
	}

	/* Only the memory map unreachable: modules still parsed. */
	reset();
	si = pvh_si(INFO, 1);
	si->memmap_paddr = MEM_SIZE;
	si->memmap_entries = 1;
	pvh_set_modlist(si, MODLIST, 1)->paddr = 0x400000;
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT_EQ_U(br.modules[0].start, 0x400000);
	EXPECT_WARNS(1, "memory map at 0x200000 unreachable");
}

TEST(pvh_too_many_modules)
{
	struct hvm_modlist_entry *m;
	struct hvm_start_info *si;
	unsigned int i;

	reset();
	si = pvh_si(INFO, 1);
	/* 12 listed; only the first 8 may be read. */
	m = pvh_set_modlist(si, MODLIST, BOOT_MODULES_MAX);
	si->nr_modules = 12;
	for (i = 0; i < 12; i++) {
		m[i].paddr = 0x400000 + ((u64)i << 20);
		m[i].size = 0x1000 + i;
	}
	pvh_set_memmap(si, MEMMAP_TABLE, pvh_map, 3);
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 3);
	EXPECT_EQ(br.nr_modules, BOOT_MODULES_MAX);
	EXPECT_EQ_U(br.modules[BOOT_MODULES_MAX - 1].start,
		    0x400000 + ((u64)(BOOT_MODULES_MAX - 1) << 20));
	EXPECT_EQ_U(br.modules[BOOT_MODULES_MAX - 1].len,
		    0x1000 + BOOT_MODULES_MAX - 1);
	EXPECT_WARNS(1, "12 modules, using 8");
}

TEST(pvh_unterminated_strings)
{
	struct hvm_modlist_entry *m;
	struct hvm_start_info *si;

	/* Command line running into the end of memory without a NUL. */
	reset();
	si = pvh_si(INFO, 1);
	memset(mem + MEM_SIZE - 100, 'A', 100);
	allow(MEM_SIZE - 100, 100);
	si->cmdline_paddr = MEM_SIZE - 100;
	run_pvh(INFO);
	EXPECT(all_chars(br.cmdline, 'A', 100));
	EXPECT_WARNS(1, "no memory map");

	/* Longer than the record's buffers: cut to fit, terminated. */
	reset();
	si = pvh_si(INFO, 1);
	memset(mem + MEM_SIZE - 3000, 'B', 3000);
	allow(MEM_SIZE - 3000, 3000);
	si->cmdline_paddr = MEM_SIZE - 3000;
	m = pvh_set_modlist(si, MODLIST, 1);
	m->paddr = 0x400000;
	m->cmdline_paddr = MEM_SIZE - 3000;
	run_pvh(INFO);
	EXPECT(all_chars(br.cmdline, 'B', BOOT_CMDLINE_MAX - 1));
	EXPECT_EQ(br.memmap.nr, 0);
	EXPECT_EQ(br.nr_modules, 1);
	EXPECT(all_chars(br.modules[0].cmdline, 'B',
			 BOOT_MODULE_CMDLINE_MAX - 1));
	EXPECT_EQ_U(br.modules[1].start, 0);
	EXPECT_WARNS(1, "no memory map");

	/* Unmapped string address: empty, not a fault. */
	reset();
	si = pvh_si(INFO, 1);
	si->cmdline_paddr = MEM_SIZE;
	run_pvh(INFO);
	EXPECT_STR(br.cmdline, "");
}

/* See mb2_loader_memory_types: XEN_HVM_MEMMAP_TYPE_DISABLED / _PMEM. */
TEST(pvh_loader_memory_types)
{
	static const struct hvm_memmap_table_entry e[3] = {
		{ 0x100000, 0x100000, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
		{ 0x40000000, 0x1000, XEN_HVM_MEMMAP_TYPE_DISABLED, 0 },
		{ 0x100000000ULL, 0x40000000, XEN_HVM_MEMMAP_TYPE_PMEM, 0 },
	};
	struct hvm_start_info *si;

	reset();
	si = pvh_si(INFO, 1);
	pvh_set_memmap(si, MEMMAP_TABLE, e, 3);
	run_pvh(INFO);
	EXPECT_EQ(br.memmap.nr, 3);
	EXPECT_EQ(br.memmap.e[0].type, MEMMAP_USABLE);
	EXPECT(br.memmap.e[1].type != MEMMAP_KERNEL &&
	       br.memmap.e[1].type != MEMMAP_MODULE);
	EXPECT(br.memmap.e[2].type != MEMMAP_KERNEL &&
	       br.memmap.e[2].type != MEMMAP_MODULE);
}

int main(void)
{
	int ret;

	mem = malloc(MEM_SIZE);		/* heap: ASan guards its end */
	if (!mem)
		return EXIT_FAILURE;

	RUN(mb2_good_info);
	RUN(mb2_bad_info_pointer);
	RUN(mb2_bad_total_size);
	RUN(mb2_tag_size_too_small);
	RUN(mb2_tag_past_total);
	RUN(mb2_no_end_tag);
	RUN(mb2_mmap_bad_entry_size);
	RUN(mb2_mmap_wide_entries);
	RUN(mb2_mmap_too_long);
	RUN(mb2_bad_modules);
	RUN(mb2_too_many_modules);
	RUN(mb2_long_strings);
	RUN(mb2_meminfo_without_mmap);
	RUN(mb2_meminfo_after_mmap_ignored);
	RUN(mb2_meminfo_before_mmap_ignored);
	RUN(mb2_acpi_tags);
	RUN(mb2_loader_memory_types);
	RUN(mb2_efi_good_info);
	RUN(mb2_efi_mmap_bad_header);
	RUN(mb2_efi_mmap_bad_descriptors);
	RUN(mb2_efi_mmap_truncated_descriptor);
	RUN(mb2_efi_mmap_long);
	RUN(mb2_efi_systab_tags);
	RUN(mb2_second_map_tags_ignored);
	RUN(mb2_efi_rsdp_from_config_table);
	RUN(mb2_efi_rsdp_tag_wins);
	RUN(mb2_efi_rsdp_bad_config_table);
	RUN(pvh_good_start_info);
	RUN(pvh_misaligned_tables);
	RUN(pvh_fuzz_misaligned_memmap_replay);
	RUN(pvh_misaligned_start_info);
	RUN(pvh_bad_magic);
	RUN(pvh_no_memmap);
	RUN(pvh_memmap_entries_clamped);
	RUN(pvh_memmap_too_long);
	RUN(pvh_unreachable_tables);
	RUN(pvh_too_many_modules);
	RUN(pvh_unterminated_strings);
	RUN(pvh_loader_memory_types);

	ret = TEST_DONE();
	ASAN_UNPOISON_MEMORY_REGION(mem, MEM_SIZE);
	free(mem);
	return ret;
}
