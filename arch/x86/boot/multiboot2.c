// SPDX-License-Identifier: MIT
/*
 * Normalise a multiboot2 information structure (GRUB) into the boot
 * record.  The layout follows the Multiboot2 specification; every length
 * the loader gives is checked before it is used.
 */
#include <pvk/kernel.h>
#include <asm/page.h>
#include "boot.h"

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_MODULE		3
#define MB2_TAG_BASIC_MEMINFO	4
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15

#define MB2_INFO_MAX		(1U << 20)

struct mb2_tag {
	u32 type;
	u32 size;
} __packed;

struct mb2_tag_module {
	struct mb2_tag tag;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
} __packed;

struct mb2_tag_meminfo {
	struct mb2_tag tag;
	u32 mem_lower_kb;
	u32 mem_upper_kb;
} __packed;

struct mb2_tag_mmap {
	struct mb2_tag tag;
	u32 entry_size;
	u32 entry_version;
} __packed;

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 reserved;
} __packed;

/* The RSDP is handed over as a copy; keep it where ACPI code can find it. */
static u8 mb2_rsdp_copy[36] __aligned(16);

static void mb2_module(struct boot_record *br, const struct mb2_tag_module *m)
{
	struct boot_module *mod;
	size_t n;

	if (m->tag.size < sizeof(*m) || m->mod_end < m->mod_start) {
		boot_warn(br, "multiboot2: malformed module tag skipped");
		return;
	}
	if (br->nr_modules == BOOT_MODULES_MAX) {
		boot_warn(br, "multiboot2: more than %d modules, rest ignored",
			  BOOT_MODULES_MAX);
		return;
	}
	mod = &br->modules[br->nr_modules++];
	mod->start = m->mod_start;
	mod->len = m->mod_end - m->mod_start;
	n = MIN(m->tag.size - sizeof(*m), sizeof(mod->cmdline) - 1);
	memcpy(mod->cmdline, m->cmdline, n);
	mod->cmdline[n] = '\0';
}

static void mb2_mmap(struct boot_record *br, const struct mb2_tag_mmap *t)
{
	const u8 *p = (const u8 *)(t + 1);
	const u8 *end = (const u8 *)t + t->tag.size;

	if (t->tag.size < sizeof(*t) || t->entry_size < sizeof(struct mb2_mmap_entry)) {
		boot_warn(br, "multiboot2: memory map with entry size %u ignored",
			  t->tag.size < sizeof(*t) ? 0 : t->entry_size);
		return;
	}
	for (; p + sizeof(struct mb2_mmap_entry) <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		if (memmap_add(&br->memmap, e->addr, e->len,
			       memmap_type_from_firmware(e->type)) < 0) {
			boot_warn(br, "multiboot2: memory map too long, truncated");
			return;
		}
	}
}

/* Kept aside: only used if the list has no full memory map, wherever it is. */
static const struct mb2_tag_meminfo *mb2_basic_meminfo;

static void mb2_meminfo(const struct mb2_tag_meminfo *t)
{
	if (t->tag.size >= sizeof(*t))
		mb2_basic_meminfo = t;
}

static void mb2_apply_meminfo(struct boot_record *br)
{
	const struct mb2_tag_meminfo *t = mb2_basic_meminfo;

	mb2_basic_meminfo = NULL;
	if (!t || br->memmap.nr)
		return;
	memmap_add(&br->memmap, 0, (u64)t->mem_lower_kb << 10, MEMMAP_USABLE);
	memmap_add(&br->memmap, 1 << 20, (u64)t->mem_upper_kb << 10, MEMMAP_USABLE);
}

static void mb2_acpi(struct boot_record *br, const struct mb2_tag *t, bool v2)
{
	size_t len = t->size - sizeof(*t);

	/* Prefer the ACPI 2.0 copy when both are present. */
	if (br->rsdp_phys && !v2)
		return;
	if (len < 20) {
		boot_warn(br, "multiboot2: short RSDP tag ignored");
		return;
	}
	len = MIN(len, sizeof(mb2_rsdp_copy));
	memcpy(mb2_rsdp_copy, t + 1, len);
	br->rsdp_phys = __pa_symbol(mb2_rsdp_copy);
}

static void mb2_tag(struct boot_record *br, const struct mb2_tag *tag)
{
	switch (tag->type) {
	case MB2_TAG_CMDLINE: {
		size_t n = MIN(tag->size - sizeof(*tag), sizeof(br->cmdline) - 1);

		memcpy(br->cmdline, tag + 1, n);
		br->cmdline[n] = '\0';
		break;
	}
	case MB2_TAG_MODULE:
		mb2_module(br, (const void *)tag);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		mb2_meminfo((const void *)tag);
		break;
	case MB2_TAG_MMAP:
		mb2_mmap(br, (const void *)tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_acpi(br, tag, tag->type == MB2_TAG_ACPI_NEW);
		break;
	default:
		break;
	}
}

/**
 * multiboot2_parse - fill the boot record from a multiboot2 info block
 * @br: boot record to fill
 * @info_phys: physical address the loader passed in %ebx
 *
 * Walks the tag list, stopping with a warning at the first tag whose size
 * is impossible (shorter than a header or running past the total size), so
 * a corrupt list costs the remaining tags but never a fault.
 */
void multiboot2_parse(struct boot_record *br, u64 info_phys)
{
	const u32 *hdr = boot_phys_ptr(info_phys, 8);
	const u8 *p, *end;
	u32 total;

	br->entry = "multiboot2";
	if (!hdr || (info_phys & 7)) {
		boot_warn(br, "multiboot2: info at %#llx unusable",
			  (unsigned long long)info_phys);
		return;
	}
	total = hdr[0];
	if (total < 16 || total > MB2_INFO_MAX || !boot_phys_ptr(info_phys, total)) {
		boot_warn(br, "multiboot2: implausible info size %u", total);
		return;
	}
	p = (const u8 *)hdr + 8;
	end = (const u8 *)hdr + total;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;

		if (tag->type == MB2_TAG_END)
			break;
		if (tag->size < sizeof(*tag) || tag->size > (u32)(end - p)) {
			boot_warn(br, "multiboot2: tag type %u with bad size %u; rest ignored",
				  tag->type, tag->size);
			break;
		}
		mb2_tag(br, tag);
		p += ALIGN_UP(tag->size, 8u);
	}
	if (p + sizeof(struct mb2_tag) > end)
		boot_warn(br, "multiboot2: tag list has no end tag");
	mb2_apply_meminfo(br);
}
