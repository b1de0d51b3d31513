// SPDX-License-Identifier: MIT
/*
 * Normalise a multiboot2 information structure (GRUB) into the boot
 * record.  The layout follows the Multiboot2 specification; every length
 * the loader gives is checked before it is used.
 *
 * Under UEFI, GRUB exits the firmware's boot services before it enters
 * pvk (header.S asks neither to keep them nor for an EFI entry), adds the
 * EFI tags and still uses the 32-bit entry.  The firmware's own memory map (EFI tag)
 * then wins over GRUB's translation of it (mmap tag), which wins over
 * the basic meminfo; a tag that cannot be used gives way to the next.
 * Without an ACPI tag the RSDP comes from the firmware's configuration
 * table: UEFI has no BIOS area to search.
 */
#include <pvk/kernel.h>
#include <asm/page.h>
#include "boot.h"

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER_NAME	2
#define MB2_TAG_MODULE		3
#define MB2_TAG_BASIC_MEMINFO	4
#define MB2_TAG_MMAP		6
#define MB2_TAG_EFI32		11
#define MB2_TAG_EFI64		12
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_EFI_MMAP	17
#define MB2_TAG_EFI_BS		18
#define MB2_TAG_EFI32_IH	19
#define MB2_TAG_EFI64_IH	20

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

struct mb2_tag_efi32 {
	struct mb2_tag tag;
	u32 pointer;
} __packed;

struct mb2_tag_efi64 {
	struct mb2_tag tag;
	u64 pointer;
} __packed;

struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	u32 descr_size;
	u32 descr_vers;
} __packed;

/* UEFI 2.10, 7.2: EFI_MEMORY_DESCRIPTOR, version 1. */
struct efi_memory_desc {
	u32 type;
	u32 pad;
	u64 phys_addr;
	u64 virt_addr;
	u64 num_pages;
	u64 attribute;
} __packed;

#define EFI_MEMORY_DESCRIPTOR_VERSION	1
#define EFI_PAGE_SHIFT			12
/* Descriptors may grow, but never to this; 8-byte multiples (UEFI 7.2). */
#define EFI_DESC_SIZE_MAX		4096

/* UEFI 2.10, 4.3 and 4.6: the system table and its configuration table. */
#define EFI_SYSTEM_TABLE_SIGNATURE	0x5453595320494249ULL	/* "IBI SYST" */
#define EFI_SYSTAB_NR_TABLES		104
#define EFI_SYSTAB_TABLES		112
#define EFI_SYSTAB_LEN			120
#define EFI_CONFIG_TABLES_MAX		1024

struct efi_config_table {
	u8 guid[16];
	u64 table;
} __packed;

/* ACPI_20_TABLE_GUID and ACPI_TABLE_GUID, in memory order. */
static const u8 efi_acpi20_guid[16] = {
	0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
	0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
static const u8 efi_acpi10_guid[16] = {
	0x30, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
	0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d,
};

enum efi_memory_type {
	EFI_RESERVED_MEMORY,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL_MEMORY,
	EFI_UNUSABLE_MEMORY,
	EFI_ACPI_RECLAIM_MEMORY,
	EFI_ACPI_MEMORY_NVS,
};

/* The tags whose use waits for the end of the list; first of each wins. */
struct mb2_found {
	const struct mb2_tag *mmap;
	const struct mb2_tag *efi_mmap;
	const struct mb2_tag *meminfo;
	u64 efi64_systab;	/* only a 64-bit table has the layout read here */
};

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

static void mb2_apply_meminfo(struct boot_record *br,
			      const struct mb2_tag_meminfo *t)
{
	if (t->tag.size < sizeof(*t)) {
		boot_warn(br, "multiboot2: short basic meminfo tag ignored");
		return;
	}
	memmap_add(&br->memmap, 0, (u64)t->mem_lower_kb << 10, MEMMAP_USABLE);
	memmap_add(&br->memmap, 1 << 20, (u64)t->mem_upper_kb << 10, MEMMAP_USABLE);
}

/*
 * GRUB has exited boot services, so what they and the loader used is
 * free; runtime services, MMIO and types unknown here stay reserved.
 */
static u32 efi_memmap_type(u32 efi_type)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		return MEMMAP_USABLE;
	case EFI_UNUSABLE_MEMORY:
		return MEMMAP_BAD;
	case EFI_ACPI_RECLAIM_MEMORY:
		return MEMMAP_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return MEMMAP_ACPI_NVS;
	default:
		return MEMMAP_RESERVED;
	}
}

/* A descriptor's range, or false when it is empty or impossible. */
static bool efi_desc_range(const struct efi_memory_desc *d, u64 *len)
{
	if (!d->num_pages || (d->phys_addr & ((1U << EFI_PAGE_SHIFT) - 1)) ||
	    d->num_pages > (~0ULL - d->phys_addr) >> EFI_PAGE_SHIFT)
		return false;
	*len = d->num_pages << EFI_PAGE_SHIFT;
	return true;
}

/* The memory map's header, or why it cannot be used. */
static bool mb2_efi_mmap_ok(struct boot_record *br,
			    const struct mb2_tag_efi_mmap *t)
{
	if (t->tag.size < sizeof(*t) ||
	    t->descr_size < sizeof(struct efi_memory_desc) ||
	    t->descr_size > EFI_DESC_SIZE_MAX || t->descr_size % 8) {
		boot_warn(br, "multiboot2: EFI memory map with descriptor size %u ignored",
			  t->tag.size < sizeof(*t) ? 0 : t->descr_size);
		return false;
	}
	if (t->descr_vers != EFI_MEMORY_DESCRIPTOR_VERSION) {
		boot_warn(br, "multiboot2: EFI memory map version %u ignored",
			  t->descr_vers);
		return false;
	}
	return true;
}

/*
 * Firmware maps come in many small descriptors; touching ones of the
 * same type are merged here so the map fits pvk's fixed table.
 */
static void mb2_efi_mmap(struct boot_record *br,
			 const struct mb2_tag_efi_mmap *t)
{
	const u8 *descs = (const u8 *)(t + 1);
	struct memmap_entry run = { 0 };
	unsigned int bad = 0;
	u64 avail, off, len;

	if (!mb2_efi_mmap_ok(br, t))
		return;
	avail = t->tag.size - sizeof(*t);
	if (avail % t->descr_size)
		boot_warn(br, "multiboot2: EFI memory map ends inside a descriptor, which is ignored");
	for (off = 0; off + t->descr_size <= avail; off += t->descr_size) {
		const struct efi_memory_desc *d = (const void *)(descs + off);
		u32 type = efi_memmap_type(d->type);

		if (!efi_desc_range(d, &len)) {
			bad += d->num_pages != 0;
			continue;
		}
		if (run.len && run.type == type && run.base + run.len == d->phys_addr) {
			run.len += len;
			continue;
		}
		if (run.len && memmap_add(&br->memmap, run.base, run.len, run.type) < 0)
			break;
		run = (struct memmap_entry){ d->phys_addr, len, type };
	}
	if (run.len && memmap_add(&br->memmap, run.base, run.len, run.type) < 0)
		boot_warn(br, "multiboot2: EFI memory map too long, truncated");
	if (bad)
		boot_warn(br, "multiboot2: %u EFI memory descriptors with impossible ranges skipped",
			  bad);
}

/* The best memory map the list had: EFI, then mmap, then meminfo. */
static void mb2_apply_memmap(struct boot_record *br, const struct mb2_found *f)
{
	if (f->efi_mmap) {
		mb2_efi_mmap(br, (const void *)f->efi_mmap);
		if (br->memmap.nr) {
			br->memmap_source = BOOT_SRC_EFI_MMAP;
			return;
		}
	}
	if (f->mmap) {
		mb2_mmap(br, (const void *)f->mmap);
		if (br->memmap.nr) {
			br->memmap_source = BOOT_SRC_MB2_MMAP;
			return;
		}
	}
	if (f->meminfo) {
		mb2_apply_meminfo(br, (const void *)f->meminfo);
		if (br->memmap.nr)
			br->memmap_source = BOOT_SRC_MEMINFO;
	}
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
	br->rsdp_source = v2 ? BOOT_SRC_ACPI_NEW : BOOT_SRC_ACPI_OLD;
}

/* The EFI system table: noted for the record, pvk never calls EFI. */
static void mb2_efi_systab(struct boot_record *br, const struct mb2_tag *t)
{
	u64 ptr = 0;

	if (t->type == MB2_TAG_EFI64 && t->size >= sizeof(struct mb2_tag_efi64))
		ptr = ((const struct mb2_tag_efi64 *)t)->pointer;
	else if (t->type == MB2_TAG_EFI32 && t->size >= sizeof(struct mb2_tag_efi32))
		ptr = ((const struct mb2_tag_efi32 *)t)->pointer;
	if (!ptr) {
		boot_warn(br, "multiboot2: EFI system table tag (type %u, size %u) ignored",
			  t->type, t->size);
		return;
	}
	br->efi_systab = ptr;
}

static u64 get_u64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The configuration table's ACPI 2.0 RSDP, else its ACPI 1.0 one. */
static void mb2_efi_rsdp(struct boot_record *br, u64 systab)
{
	const u8 *st = boot_phys_ptr(systab, EFI_SYSTAB_LEN);
	const struct efi_config_table *ct;
	u64 n, tables, i;

	if (!st || get_u64(st) != EFI_SYSTEM_TABLE_SIGNATURE) {
		boot_warn(br, "multiboot2: no EFI system table at %#llx, so no RSDP",
			  (unsigned long long)systab);
		return;
	}
	n = get_u64(st + EFI_SYSTAB_NR_TABLES);
	tables = get_u64(st + EFI_SYSTAB_TABLES);
	ct = n <= EFI_CONFIG_TABLES_MAX ? boot_phys_ptr(tables, n * sizeof(*ct)) : NULL;
	if (!ct) {
		boot_warn(br, "multiboot2: EFI configuration table (%llu entries at %#llx) unusable, so no RSDP",
			  (unsigned long long)n, (unsigned long long)tables);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!ct[i].table)
			continue;
		if (!memcmp(ct[i].guid, efi_acpi20_guid, sizeof(efi_acpi20_guid))) {
			br->rsdp_phys = ct[i].table;
			br->rsdp_source = BOOT_SRC_EFI_ACPI_NEW;
			return;
		}
		if (!br->rsdp_phys &&
		    !memcmp(ct[i].guid, efi_acpi10_guid, sizeof(efi_acpi10_guid))) {
			br->rsdp_phys = ct[i].table;
			br->rsdp_source = BOOT_SRC_EFI_ACPI_OLD;
		}
	}
	if (!br->rsdp_phys)
		boot_warn(br, "multiboot2: EFI configuration table has no ACPI entry");
}

/* Of two tags that should come once, the first is used, the second reported. */
static void mb2_keep(struct boot_record *br, const struct mb2_tag **slot,
		     const struct mb2_tag *tag)
{
	if (*slot) {
		boot_warn(br, "multiboot2: second tag of type %u ignored", tag->type);
		return;
	}
	*slot = tag;
}

static void mb2_string(char *dst, size_t dst_size, const struct mb2_tag *tag)
{
	size_t n = MIN(tag->size - sizeof(*tag), dst_size - 1);

	memcpy(dst, tag + 1, n);
	dst[n] = '\0';
}

static void mb2_tag(struct boot_record *br, struct mb2_found *f,
		    const struct mb2_tag *tag)
{
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		mb2_string(br->cmdline, sizeof(br->cmdline), tag);
		break;
	case MB2_TAG_LOADER_NAME:
		mb2_string(br->loader_name, sizeof(br->loader_name), tag);
		break;
	case MB2_TAG_MODULE:
		mb2_module(br, (const void *)tag);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		mb2_keep(br, &f->meminfo, tag);
		break;
	case MB2_TAG_MMAP:
		mb2_keep(br, &f->mmap, tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_acpi(br, tag, tag->type == MB2_TAG_ACPI_NEW);
		break;
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI64:
		br->efi = true;
		mb2_efi_systab(br, tag);
		if (tag->type == MB2_TAG_EFI64)
			f->efi64_systab = br->efi_systab;
		break;
	case MB2_TAG_EFI_MMAP:
		br->efi = true;
		mb2_keep(br, &f->efi_mmap, tag);
		break;
	case MB2_TAG_EFI_BS:
		/* pvk takes boot-services memory as free, which it then is not. */
		boot_warn(br, "multiboot2: loader left EFI boot services running, against pvk's header");
		br->efi = true;
		break;
	case MB2_TAG_EFI32_IH:
	case MB2_TAG_EFI64_IH:
		br->efi = true;
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
	struct mb2_found found = { 0 };
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
		mb2_tag(br, &found, tag);
		p += ALIGN_UP(tag->size, 8u);
	}
	if (p + sizeof(struct mb2_tag) > end)
		boot_warn(br, "multiboot2: tag list has no end tag");
	mb2_apply_memmap(br, &found);
	if (!br->rsdp_phys && found.efi64_systab)
		mb2_efi_rsdp(br, found.efi64_systab);
}
