// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/kernel/acpi.c.
 *
 * Synthetic firmware tables are built in a fake 2 MiB "physical memory".
 * The map function hands the parser a fresh heap copy of exactly the
 * range it asked for, so AddressSanitizer catches any read beyond a
 * mapped length, which is the parser's central safety promise.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/acpi.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include "harness.h"

#define MEM_SIZE	0x200000
#define EBDA_SEG	0x9fc0
#define EBDA_PHYS	0x9fc00
#define RSDP_PHYS	0x80000
#define XSDT_PHYS	0x100000
#define RSDT_PHYS	0x110000
#define MADT_PHYS	0x120000
#define FADT_PHYS	0x130000
#define DSDT_PHYS	0x140000
#define HPET_PHYS	0x150000
#define MADT2_PHYS	0x160000
#define FADT_LEN	244
#define MAX_MAPS	1024

static u8 mem[MEM_SIZE];
static void *maps[MAX_MAPS];
static int nr_maps;
static struct acpi_info info;
static int nr_warn;
static int nr_bios_maps;		/* maps touching the BDA, EBDA or ROM */
static char last_warn[512];

/* The parser's log: remember warnings and errors so tests can see them. */
void printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > LOGLEVEL_WARNING)
		return;
	va_start(ap, fmt);
	vsnprintf(last_warn, sizeof(last_warn), fmt, ap);
	va_end(ap);
	nr_warn++;
}

static bool overlaps(u64 phys, u64 len, u64 base, u64 size)
{
	return phys < base + size && base < phys + len;
}

static const void *test_map(u64 phys, u64 len)
{
	void *copy;

	if (overlaps(phys, len, 0x400, 0x100) ||
	    overlaps(phys, len, EBDA_PHYS, 0x400) ||
	    overlaps(phys, len, 0xe0000, 0x20000))
		nr_bios_maps++;
	if (phys >= MEM_SIZE || len > MEM_SIZE - phys)
		return NULL;
	if (nr_maps == MAX_MAPS) {
		printf("# too many maps\n");
		exit(EXIT_FAILURE);
	}
	copy = malloc(len);
	if (!copy)
		exit(EXIT_FAILURE);
	memcpy(copy, mem + phys, len);
	maps[nr_maps++] = copy;
	return copy;
}

static int parse_with(int (*fn)(u64, acpi_map_fn, struct acpi_info *),
		      u64 hint)
{
	int ret;

	nr_warn = 0;
	nr_bios_maps = 0;
	last_warn[0] = '\0';
	ret = fn(hint, test_map, &info);
	while (nr_maps)
		free(maps[--nr_maps]);
	return ret;
}

static int parse(u64 hint)
{
	return parse_with(acpi_parse, hint);
}

static void put16(u64 phys, u16 v)
{
	mem[phys] = (u8)v;
	mem[phys + 1] = (u8)(v >> 8);
}

static void put32(u64 phys, u32 v)
{
	put16(phys, (u16)v);
	put16(phys + 2, (u16)(v >> 16));
}

static void put64(u64 phys, u64 v)
{
	put32(phys, (u32)v);
	put32(phys + 4, (u32)(v >> 32));
}

static u8 sum(u64 phys, u32 len)
{
	u8 s = 0;

	while (len--)
		s += mem[phys++];
	return s;
}

/* Table builder: a header, then bytes appended at the end. */
struct tb {
	u64 phys;
	u32 len;
};

static struct tb tb_begin(u64 phys, const char *sig)
{
	struct tb t = { .phys = phys, .len = 36 };

	memset(mem + phys, 0, 36);
	memcpy(mem + phys, sig, 4);
	mem[phys + 8] = 2;
	memcpy(mem + phys + 10, "PVKTST", 6);
	return t;
}

static void tb_bytes(struct tb *t, const void *b, size_t n)
{
	memcpy(mem + t->phys + t->len, b, n);
	t->len += n;
}

static void tb_u8(struct tb *t, u8 v)
{
	tb_bytes(t, &v, 1);
}

static void tb_u16(struct tb *t, u16 v)
{
	put16(t->phys + t->len, v);
	t->len += 2;
}

static void tb_u32(struct tb *t, u32 v)
{
	put32(t->phys + t->len, v);
	t->len += 4;
}

static void tb_u64(struct tb *t, u64 v)
{
	put64(t->phys + t->len, v);
	t->len += 8;
}

static void fix_checksum(u64 phys, u32 len)
{
	mem[phys + 9] = 0;
	mem[phys + 9] = (u8)-sum(phys, len);
}

static void tb_end(struct tb *t)
{
	put32(t->phys + 4, t->len);
	fix_checksum(t->phys, t->len);
}

static void make_rsdp(u64 phys, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(mem + phys, 0, 36);
	memcpy(mem + phys, "RSD PTR ", 8);
	memcpy(mem + phys + 9, "PVKTST", 6);
	mem[phys + 15] = rev;
	put32(phys + 16, rsdt);
	put32(phys + 20, 36);
	put64(phys + 24, xsdt);
	mem[phys + 8] = (u8)-sum(phys, 20);
	mem[phys + 32] = (u8)-sum(phys, 36);
}

static void make_root(u64 phys, const char *sig, const u64 *tables, int n)
{
	bool wide = !memcmp(sig, "XSDT", 4);
	struct tb t = tb_begin(phys, sig);
	int i;

	for (i = 0; i < n; i++) {
		if (wide)
			tb_u64(&t, tables[i]);
		else
			tb_u32(&t, (u32)tables[i]);
	}
	tb_end(&t);
}

static void madt_begin(struct tb *t, u64 phys, u32 lapic, u32 flags)
{
	*t = tb_begin(phys, "APIC");
	tb_u32(t, lapic);
	tb_u32(t, flags);
}

static void madt_lapic(struct tb *t, u8 uid, u8 id, u32 flags)
{
	tb_u8(t, 0);
	tb_u8(t, 8);
	tb_u8(t, uid);
	tb_u8(t, id);
	tb_u32(t, flags);
}

static void madt_x2apic(struct tb *t, u32 id, u32 uid, u32 flags)
{
	tb_u8(t, 9);
	tb_u8(t, 16);
	tb_u16(t, 0);
	tb_u32(t, id);
	tb_u32(t, flags);
	tb_u32(t, uid);
}

static void madt_ioapic(struct tb *t, u8 id, u32 addr, u32 gsi)
{
	tb_u8(t, 1);
	tb_u8(t, 12);
	tb_u8(t, id);
	tb_u8(t, 0);
	tb_u32(t, addr);
	tb_u32(t, gsi);
}

/* Interrupt Source Override of ISA (bus 0) IRQ @irq. */
static void madt_iso_bus(struct tb *t, u8 bus, u8 irq, u32 gsi, u16 flags)
{
	tb_u8(t, 2);
	tb_u8(t, 10);
	tb_u8(t, bus);
	tb_u8(t, irq);
	tb_u32(t, gsi);
	tb_u16(t, flags);
}

static void madt_iso(struct tb *t, u8 irq, u32 gsi)
{
	madt_iso_bus(t, 0, irq, gsi, 0);
}

static void madt_lapic_override(struct tb *t, u64 addr)
{
	tb_u8(t, 5);
	tb_u8(t, 12);
	tb_u16(t, 0);
	tb_u64(t, addr);
}

static void make_madt_simple(u64 phys, u8 ncpus)
{
	struct tb t;
	u8 i;

	madt_begin(&t, phys, 0xfee00000, 1);
	for (i = 0; i < ncpus; i++)
		madt_lapic(&t, i, i, 1);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	tb_end(&t);
}

static void make_fadt(u64 phys, u32 dsdt, u64 x_dsdt, u32 len)
{
	struct tb t = tb_begin(phys, "FACP");

	memset(mem + phys + 36, 0, FADT_LEN - 36);
	put32(phys + 40, dsdt);
	put16(phys + 46, 9);			/* SCI_INT, as QEMU */
	put32(phys + 48, 0xb2);
	mem[phys + 52] = 0xf1;
	put32(phys + 56, 0x600);		/* PM1a_EVT_BLK */
	put32(phys + 64, 0x604);
	put32(phys + 68, 0);
	mem[phys + 88] = 4;			/* PM1_EVT_LEN */
	if (len >= 148)
		put64(phys + 140, x_dsdt);
	t.len = len;
	tb_end(&t);
}

static void make_dsdt(u64 phys, const u8 *aml, size_t n)
{
	struct tb t = tb_begin(phys, "DSDT");

	tb_bytes(&t, aml, n);
	tb_end(&t);
}

static void make_hpet(u64 phys, u8 space, u64 addr)
{
	struct tb t = tb_begin(phys, "HPET");

	tb_u32(&t, 0x8086a201);
	tb_u8(&t, space);
	tb_u8(&t, 64);
	tb_u8(&t, 0);
	tb_u8(&t, 0);
	tb_u64(&t, addr);
	tb_u8(&t, 0);
	tb_u16(&t, 0x80);
	tb_u8(&t, 0);
	tb_end(&t);
}

/* Name (\_S5, Package (4) { 5, 5, 0, 0 }) with BytePrefix elements. */
static const u8 s5_byte[] = {
	0x10, 0x05, '_', 'S', 'B', '_',	/* Scope (\_SB) { }, noise */
	0x08, '\\', '_', 'S', '5', '_',
	0x12, 0x0a, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x0a, 0x00, 0x0a, 0x00,
};

/* A machine with two CPUs, an IOAPIC, an HPET and S5 = 5/5. */
static void build_std(void)
{
	static const u64 tables[] = { MADT_PHYS, FADT_PHYS, HPET_PHYS };

	memset(mem, 0, sizeof(mem));
	put16(0x40e, EBDA_SEG);
	make_madt_simple(MADT_PHYS, 2);
	make_fadt(FADT_PHYS, 0, DSDT_PHYS, FADT_LEN);
	make_dsdt(DSDT_PHYS, s5_byte, sizeof(s5_byte));
	make_hpet(HPET_PHYS, 0, 0xfed00000);
	make_root(XSDT_PHYS, "XSDT", tables, 3);
	make_root(RSDT_PHYS, "RSDT", tables, 3);
	make_rsdp(RSDP_PHYS, 2, RSDT_PHYS, XSDT_PHYS);
}

TEST(test_std_machine)
{
	build_std();
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT_EQ_U(info.rsdp_phys, RSDP_PHYS);
	EXPECT_EQ(info.revision, 2);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ_U(info.lapic_phys, 0xfee00000);
	EXPECT(info.has_8259);
	EXPECT(info.has_ioapic);
	EXPECT_EQ_U(info.ioapic_phys, 0xfec00000);
	EXPECT(info.has_hpet);
	EXPECT_EQ_U(info.hpet_phys, 0xfed00000);
	EXPECT(info.can_poweroff);
	EXPECT_EQ(info.pm1a_cnt_port, 0x604);
	EXPECT_EQ(info.pm1b_cnt_port, 0);
	EXPECT_EQ(info.smi_cmd_port, 0xb2);
	EXPECT_EQ(info.acpi_enable_val, 0xf1);
	EXPECT_EQ(info.slp_typa, 5);
	EXPECT_EQ(info.slp_typb, 5);
	EXPECT(info.has_pwrbtn);
	EXPECT(!info.pwrbtn_control_method);
	EXPECT_EQ(info.sci_irq, 9);
	EXPECT_EQ(info.pm1a_evt_port, 0x600);
	EXPECT_EQ(info.pm1b_evt_port, 0);
	EXPECT_EQ(info.pm1_evt_len, 4);
}

TEST(test_madt_cpus)
{
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);		/* boot CPU */
	madt_lapic(&t, 1, 2, 1);
	madt_lapic(&t, 2, 4, 0);		/* disabled: dropped */
	madt_lapic(&t, 3, 6, 2);		/* online capable only */
	madt_iso(&t, 0, 2);
	madt_lapic(&t, 4, 0xff, 1);		/* broadcast ID: dropped */
	madt_x2apic(&t, 0x100, 5, 1);
	madt_x2apic(&t, 2, 6, 1);		/* duplicate of APIC ID 2 */
	madt_x2apic(&t, 0x101, 7, 0);		/* disabled */
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_ioapic(&t, 1, 0xfec01000, 24);	/* second: ignored */
	madt_lapic_override(&t, 0x1fee00000ULL);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT(!info.has_8259);
	EXPECT_EQ_U(info.lapic_phys, 0x1fee00000ULL);
	EXPECT_EQ(info.nr_cpus, 4);
	EXPECT_EQ(info.cpus[0].apic_id, 0);
	EXPECT(info.cpus[0].enabled && !info.cpus[0].x2apic);
	EXPECT_EQ(info.cpus[1].apic_id, 2);
	EXPECT_EQ(info.cpus[1].acpi_uid, 1);
	EXPECT(!info.cpus[1].x2apic);
	EXPECT_EQ(info.cpus[2].apic_id, 6);
	EXPECT(!info.cpus[2].enabled && info.cpus[2].online_capable);
	EXPECT_EQ(info.cpus[3].apic_id, 0x100);
	EXPECT_EQ(info.cpus[3].acpi_uid, 5);
	EXPECT(info.cpus[3].enabled && info.cpus[3].x2apic);
	EXPECT_EQ_U(info.ioapic_phys, 0xfec00000);
	EXPECT_EQ(info.ioapic_gsi_base, 0);
}

TEST(test_madt_lapic_default)
{
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ_U(info.lapic_phys, ACPI_DEFAULT_LAPIC);
	EXPECT(!info.has_ioapic);
	EXPECT_EQ(info.nr_cpus, 1);
}

TEST(test_madt_too_many_cpus)
{
	struct tb t;
	u32 i;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 0);
	for (i = 0; i < ACPI_MAX_CPUS + 10; i++)
		madt_x2apic(&t, i, i, 1);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, ACPI_MAX_CPUS);
	EXPECT_EQ(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	EXPECT_EQ(nr_warn, 1);
}

TEST(test_madt_zero_length_entry)
{
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_u8(&t, 0);				/* type 0, length 0 */
	tb_u8(&t, 0);
	madt_lapic(&t, 1, 1, 1);		/* unreachable */
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 1);
	EXPECT_EQ(nr_warn, 1);
	EXPECT(strstr(last_warn, "bad length 0"));
}

TEST(test_madt_overrunning_entry)
{
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	/* An x2APIC entry claiming 16 bytes with only 6 left in the table. */
	tb_u8(&t, 9);
	tb_u8(&t, 16);
	tb_u32(&t, 7);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ(nr_warn, 1);
	EXPECT(strstr(last_warn, "bad length 16"));
}

TEST(test_madt_short_entry_skipped)
{
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 0);
	tb_u8(&t, 0);				/* LAPIC entry of 6 bytes */
	tb_u8(&t, 6);
	tb_u32(&t, 0x01000909);
	madt_lapic(&t, 1, 1, 1);
	tb_u8(&t, 0x7f);			/* lone trailing byte */
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 1);
	EXPECT_EQ(info.cpus[0].apic_id, 1);
	EXPECT_EQ(nr_warn, 1);
	EXPECT(strstr(last_warn, "too short"));
}

TEST(test_bad_checksum_skipped)
{
	static const u64 tables[] = {
		MADT_PHYS, MADT2_PHYS, FADT_PHYS, HPET_PHYS
	};

	build_std();
	make_madt_simple(MADT_PHYS, 3);
	mem[MADT_PHYS + 50] ^= 0x40;		/* corrupt the first MADT */
	make_madt_simple(MADT2_PHYS, 2);
	make_root(XSDT_PHYS, "XSDT", tables, 4);
	mem[HPET_PHYS + 44] ^= 1;		/* and the HPET table */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT(!info.has_hpet);
	EXPECT(info.can_poweroff);
	EXPECT_EQ(nr_warn, 2);
	EXPECT(strstr(last_warn, "HPET"));
	EXPECT(strstr(last_warn, "checksum"));
}

TEST(test_bad_length_and_unmappable)
{
	static const u64 tables[] = {
		MADT_PHYS, 0, 0x7ffffff000ULL, FADT_PHYS
	};

	build_std();
	put32(MADT_PHYS + 4, 0x7fffffff);	/* absurd length */
	make_root(XSDT_PHYS, "XSDT", tables, 4);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 0);
	EXPECT(info.can_poweroff);
	EXPECT(nr_warn >= 3);
	EXPECT(strstr(last_warn, "no MADT"));
}

TEST(test_missing_madt)
{
	static const u64 tables[] = { FADT_PHYS };

	build_std();
	make_root(XSDT_PHYS, "XSDT", tables, 1);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 0);
	EXPECT_EQ_U(info.lapic_phys, ACPI_DEFAULT_LAPIC);
	EXPECT_EQ(nr_warn, 1);
	EXPECT(info.can_poweroff);
	EXPECT(!info.has_hpet);
}

TEST(test_rsdt_for_acpi1)
{
	build_std();
	make_rsdp(RSDP_PHYS, 0, RSDT_PHYS, 0);
	/* An ACPI 1.0 FADT: no X_DSDT, so the 32-bit DSDT pointer counts. */
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, 116);
	put32(XSDT_PHYS, 0);			/* XSDT must not be used */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT_EQ(info.revision, 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT(info.can_poweroff);
}

TEST(test_bad_xsdt_falls_back)
{
	build_std();
	mem[XSDT_PHYS + 40] ^= 1;
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ(nr_warn, 2);
}

/*
 * Xen 4.17's PVH dom0 XSDT on an RSDT-only host: the header's signature
 * is copied from address 0, the checksum is Xen's, and there is no RSDT.
 */
TEST(test_xsdt_bad_signature_alone_is_used)
{
	build_std();
	memcpy(mem + XSDT_PHYS, "\x53\xff\x00\xf0", 4);
	fix_checksum(XSDT_PHYS, 36 + 3 * 8);
	make_rsdp(RSDP_PHYS, 2, 0, XSDT_PHYS);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT(info.can_poweroff);
	EXPECT(strstr(last_warn, "bad signature but a valid checksum"));
	/* With a bad checksum as well it stays unusable. */
	mem[XSDT_PHYS + 40] ^= 1;
	EXPECT_EQ(parse(RSDP_PHYS), -EINVAL);
}

TEST(test_root_unusable)
{
	build_std();
	mem[XSDT_PHYS + 40] ^= 1;
	memcpy(mem + RSDT_PHYS, "RSDX", 4);
	fix_checksum(RSDT_PHYS, 36 + 3 * 4);
	EXPECT_EQ(parse(RSDP_PHYS), -EINVAL);
	EXPECT(strstr(last_warn, "neither"));
}

TEST(test_no_rsdp)
{
	memset(mem, 0, sizeof(mem));
	put16(0x40e, EBDA_SEG);
	/* A signature with a bad checksum must not count. */
	memcpy(mem + 0xe0010, "RSD PTR ", 8);
	EXPECT_EQ(parse(0), -ENOENT);
	EXPECT_EQ(parse(RSDP_PHYS), -ENOENT);
	EXPECT_EQ(parse(MEM_SIZE - 8), -ENOENT);
}

TEST(test_rsdp_extended_checksum)
{
	build_std();
	mem[RSDP_PHYS + 33] = 0x55;		/* reserved byte: v2 sum only */
	EXPECT_EQ(parse(RSDP_PHYS), -ENOENT);
	make_rsdp(RSDP_PHYS, 2, RSDT_PHYS, XSDT_PHYS);
	put32(RSDP_PHYS + 20, 20);		/* shorter than a v2 RSDP */
	mem[RSDP_PHYS + 32] = 0;
	mem[RSDP_PHYS + 32] = (u8)-sum(RSDP_PHYS, 36);
	EXPECT_EQ(parse(RSDP_PHYS), -ENOENT);
}

TEST(test_rsdp_scan_rom)
{
	build_std();
	memset(mem + RSDP_PHYS, 0, 36);
	memcpy(mem + 0xe0010, "RSD PTR ", 8);	/* decoy */
	make_rsdp(0xf5a30, 2, RSDT_PHYS, XSDT_PHYS);
	EXPECT_EQ(parse(0), 0);
	EXPECT_EQ_U(info.rsdp_phys, 0xf5a30);
	EXPECT_EQ(info.nr_cpus, 2);
	/* A bad hint falls back to the scan. */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ_U(info.rsdp_phys, 0xf5a30);
	/* Off the 16-byte grid it is not found. */
	memset(mem + 0xf5a30, 0, 36);
	make_rsdp(0xf5a38, 2, RSDT_PHYS, XSDT_PHYS);
	EXPECT_EQ(parse(0), -ENOENT);
	/* The last 16-byte slot an ACPI 1.0 RSDP fits in. */
	make_rsdp(0xfffe0, 0, RSDT_PHYS, 0);
	EXPECT_EQ(parse(0), 0);
	EXPECT_EQ_U(info.rsdp_phys, 0xfffe0);
}

TEST(test_rsdp_scan_ebda)
{
	build_std();
	memset(mem + RSDP_PHYS, 0, 36);
	make_rsdp(EBDA_PHYS + 0x30, 2, RSDT_PHYS, XSDT_PHYS);
	make_rsdp(0xf0000, 2, RSDT_PHYS, XSDT_PHYS);
	EXPECT_EQ(parse(0), 0);
	EXPECT_EQ_U(info.rsdp_phys, EBDA_PHYS + 0x30);
	/* Only the first KiB of the EBDA is searched. */
	memset(mem + EBDA_PHYS + 0x30, 0, 36);
	make_rsdp(EBDA_PHYS + 0x400, 2, RSDT_PHYS, XSDT_PHYS);
	EXPECT_EQ(parse(0), 0);
	EXPECT_EQ_U(info.rsdp_phys, 0xf0000);
}

/* UEFI: the given RSDP or none; the BIOS areas are never even read. */
TEST(test_rsdp_no_bios_scan)
{
	build_std();
	put16(0x40e, EBDA_SEG);
	make_rsdp(EBDA_PHYS + 0x30, 2, RSDT_PHYS, XSDT_PHYS);
	make_rsdp(0xf0000, 2, RSDT_PHYS, XSDT_PHYS);
	EXPECT_EQ(parse_with(acpi_parse_no_bios_scan, RSDP_PHYS), 0);
	EXPECT_EQ_U(info.rsdp_phys, RSDP_PHYS);
	EXPECT_EQ(info.nr_cpus, 2);
	EXPECT_EQ(nr_bios_maps, 0);

	EXPECT_EQ(parse_with(acpi_parse_no_bios_scan, 0), -ENOENT);
	EXPECT_EQ(nr_bios_maps, 0);
	EXPECT(strstr(last_warn, "no BIOS areas to search") != NULL);

	memset(mem + RSDP_PHYS, 0, 36);		/* a stale pointer */
	EXPECT_EQ(parse_with(acpi_parse_no_bios_scan, RSDP_PHYS), -ENOENT);
	EXPECT_EQ(nr_bios_maps, 0);
	EXPECT_EQ(nr_warn, 2);

	/* The same memory under BIOS rules: the scan finds the EBDA copy. */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ_U(info.rsdp_phys, EBDA_PHYS + 0x30);
	EXPECT(nr_bios_maps > 0);
}

static void set_dsdt(const u8 *aml, size_t n)
{
	build_std();
	make_dsdt(DSDT_PHYS, aml, n);
}

TEST(test_s5_zero_one_ops)
{
	/*
	 * A decoy reference to _S5_, a Name(_S5_) that is not a package,
	 * then Name (_S5_, Package (4) { Zero, One, Zero, Zero }) with a
	 * two-byte PkgLength (0x14).
	 */
	static const u8 aml[] = {
		0x70, '_', 'S', '5', '_', 0x60,
		0x08, '_', 'S', '5', '_', 0x0d, 'x', 0x00,
		0x08, '_', 'S', '5', '_',
		0x12, 0x44, 0x01, 0x04, 0x00, 0x01, 0x00, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};

	set_dsdt(aml, sizeof(aml));
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(info.can_poweroff);
	EXPECT_EQ(info.slp_typa, 0);
	EXPECT_EQ(info.slp_typb, 1);
	EXPECT_EQ(nr_warn, 0);
}

TEST(test_s5_other_encodings)
{
	/* WordPrefix 7 and a bare 6, with the 32-bit DSDT pointer only. */
	static const u8 aml[] = {
		0x08, '\\', '_', 'S', '5', '_',
		0x12, 0x06, 0x02, 0x0b, 0x07, 0x00, 0x06,
	};

	set_dsdt(aml, sizeof(aml));
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(info.can_poweroff);
	EXPECT_EQ(info.slp_typa, 7);
	EXPECT_EQ(info.slp_typb, 6);
}

TEST(test_s5_rejected)
{
	/* SLP_TYP too wide, one element, elements outside the PkgLength. */
	static const u8 wide[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x08, 0x00,
	};
	static const u8 one[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 0x05,
	};
	static const u8 outside[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x0a, 0x05, 0x00,
	};

	set_dsdt(wide, sizeof(wide));
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
	EXPECT(strstr(last_warn, "_S5"));
	set_dsdt(one, sizeof(one));
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
	set_dsdt(outside, sizeof(outside));
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
}

/* Every prefix of a valid \_S5 must parse cleanly and be rejected. */
TEST(test_s5_truncated)
{
	/* A PkgLength whose follower bytes are cut off by the table end. */
	static const u8 cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x01 };
	size_t n;

	for (n = 0; n < sizeof(s5_byte); n++) {
		set_dsdt(s5_byte, n);
		EXPECT_EQ(parse(RSDP_PHYS), 0);
		EXPECT(!info.can_poweroff);
	}
	set_dsdt(cut, sizeof(cut));
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
}

/* A reset register: flags bit 10, GAS (space, width 8, offset 0, addr), value. */
static void set_reset_reg(u32 flags, u8 space, u8 width, u64 addr, u8 value)
{
	put32(FADT_PHYS + 112, flags);
	mem[FADT_PHYS + 116] = space;
	mem[FADT_PHYS + 117] = width;
	mem[FADT_PHYS + 118] = 0;
	mem[FADT_PHYS + 119] = 1;
	put64(FADT_PHYS + 120, addr);
	mem[FADT_PHYS + 128] = value;
	fix_checksum(FADT_PHYS, FADT_LEN);
}

TEST(test_fadt_reset_register)
{
	build_std();
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);		/* flags say none */

	build_std();
	set_reset_reg(1U << 10, 1, 8, 0xcf9, 0x06);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(info.can_reset);
	EXPECT(info.reset_io);
	EXPECT_EQ_U(info.reset_addr, 0xcf9);
	EXPECT_EQ(info.reset_value, 0x06);

	build_std();
	set_reset_reg(1U << 10, 0, 8, 0xfed00000ULL, 0x0e);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(info.can_reset);
	EXPECT(!info.reset_io);
	EXPECT_EQ_U(info.reset_addr, 0xfed00000ULL);

	build_std();
	set_reset_reg(0, 1, 8, 0xcf9, 0x06);	/* present but not supported */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);

	/* PCI configuration space, a 16-bit register, no address, a port past 64 KiB. */
	build_std();
	set_reset_reg(1U << 10, 2, 8, 0x10cf9, 0x06);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);
	EXPECT(strstr(last_warn, "reset register"));
	build_std();
	set_reset_reg(1U << 10, 1, 16, 0xcf9, 0x06);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);
	build_std();
	set_reset_reg(1U << 10, 1, 8, 0, 0x06);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);
	build_std();
	set_reset_reg(1U << 10, 1, 8, 0x10000, 0x06);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);

	/* An ACPI 1.0 FADT ends before the reset register. */
	build_std();
	set_reset_reg(1U << 10, 1, 8, 0xcf9, 0x06);
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, 116);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_reset);
}

TEST(test_fadt_limits)
{
	build_std();
	put32(FADT_PHYS + 64, 0);		/* no PM1a block */
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
	EXPECT(strstr(last_warn, "PM1a"));

	build_std();
	put32(FADT_PHYS + 64, 0x10000);		/* not an I/O port */
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);

	build_std();
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, 60);	/* too short */
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
	EXPECT(strstr(last_warn, "too short"));

	build_std();
	make_fadt(FADT_PHYS, 0, HPET_PHYS, FADT_LEN);	/* not a DSDT */
	put32(FADT_PHYS + 68, 0x605);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.can_poweroff);
	EXPECT_EQ(info.pm1b_cnt_port, 0x605);
	EXPECT(strstr(last_warn, "expected DSDT"));
}

/* Write a Generic Address Structure into the standard FADT. */
static void set_fadt_gas(u32 off, u8 space, u64 addr)
{
	mem[FADT_PHYS + off] = space;
	mem[FADT_PHYS + off + 1] = 32;
	mem[FADT_PHYS + off + 2] = 0;
	mem[FADT_PHYS + off + 3] = 2;
	put64(FADT_PHYS + off + 4, addr);
}

TEST(test_fadt_power_button)
{
	/* PWR_BUTTON set: the button is a device in the DSDT, not ours. */
	build_std();
	put32(FADT_PHYS + 112, 1U << 4);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT(!info.has_pwrbtn);
	EXPECT(info.pwrbtn_control_method);
	EXPECT(info.can_poweroff);

	/* The 64-bit blocks win over the 32-bit ones when they are set. */
	build_std();
	set_fadt_gas(148, 1, 0xb000);
	set_fadt_gas(160, 1, 0xb100);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT(info.has_pwrbtn);
	EXPECT_EQ(info.pm1a_evt_port, 0xb000);
	EXPECT_EQ(info.pm1b_evt_port, 0xb100);

	/* ...but only in I/O space, else the 32-bit field counts. */
	build_std();
	set_fadt_gas(148, 0, 0xfed40000);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 1);
	EXPECT(strstr(last_warn, "X_PM1a_EVT_BLK"));
	EXPECT(info.has_pwrbtn);
	EXPECT_EQ(info.pm1a_evt_port, 0x600);

	/* No event block (hardware-reduced ACPI): no button, no warning. */
	build_std();
	put32(FADT_PHYS + 56, 0);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT(!info.has_pwrbtn);
	EXPECT(info.can_poweroff);

	/* ACPI 1.0's 116 bytes are enough. */
	build_std();
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, 116);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(info.has_pwrbtn);

	/* Shorter than that: no flags, so no button, with a reason. */
	build_std();
	make_fadt(FADT_PHYS, DSDT_PHYS, 0, 100);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.has_pwrbtn);
	EXPECT(info.can_poweroff);
	EXPECT(strstr(last_warn, "power button"));
}

TEST(test_fadt_power_button_bad_blocks)
{
	static const struct { u32 port; u8 len; } bad[] = {
		{ 0x600, 0 }, { 0x600, 2 }, { 0x600, 5 }, { 0xfffe, 4 },
		{ 0x10000, 4 },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_std();
		put32(FADT_PHYS + 56, bad[i].port);
		mem[FADT_PHYS + 88] = bad[i].len;
		fix_checksum(FADT_PHYS, FADT_LEN);
		EXPECT_EQ(parse(RSDP_PHYS), 0);
		EXPECT(!info.has_pwrbtn);
		EXPECT(info.can_poweroff);
		EXPECT(nr_warn >= 1);
	}
	/* A PM1b block at the top of the port space is refused too. */
	build_std();
	put32(FADT_PHYS + 60, 0xfffe);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.has_pwrbtn);
	EXPECT(strstr(last_warn, "PM1_EVT_LEN"));
}

/*
 * The standard tables with a MADT whose one override sends ISA IRQ 9
 * (the SCI) to @gsi with @flags; the route acpi_sci_route() gives.
 */
static struct acpi_irq_route sci_route_with_override(u32 gsi, u16 flags)
{
	struct acpi_irq_route r = { 0 };
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_iso_bus(&t, 0, 9, gsi, flags);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(acpi_sci_route(&info, &r), 0);
	return r;
}

/* The SCI: level and active low unless the MADT says otherwise. */
TEST(test_sci_route)
{
	struct acpi_irq_route r;

	build_std();
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(acpi_sci_route(&info, &r), 0);
	EXPECT(r.gsi == 9 && r.level && r.active_low);

	/* QEMU's override: IRQ 9, level, active high. */
	r = sci_route_with_override(9, ACPI_TRIGGER_LEVEL | ACPI_POLARITY_HIGH);
	EXPECT(r.gsi == 9 && r.level && !r.active_low);

	/* An override that conforms to the bus keeps the SCI's defaults. */
	r = sci_route_with_override(20, 0);
	EXPECT(r.gsi == 20 && r.level && r.active_low);

	/* An edge-triggered SCI is odd but is what the firmware says. */
	r = sci_route_with_override(9, ACPI_TRIGGER_EDGE | ACPI_POLARITY_HIGH);
	EXPECT(r.gsi == 9 && !r.level && !r.active_low);

	/* An SCI_INT above the ISA range is a GSI; no override applies. */
	build_std();
	put16(FADT_PHYS + 46, 21);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(acpi_sci_route(&info, &r), 0);
	EXPECT(r.gsi == 21 && r.level && r.active_low);

	/* No button, no SCI to route. */
	build_std();
	put32(FADT_PHYS + 56, 0);
	fix_checksum(FADT_PHYS, FADT_LEN);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(acpi_sci_route(&info, &r), -ENODEV);
}

TEST(test_hpet_io_space)
{
	build_std();
	make_hpet(HPET_PHYS, 1, 0x40);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT(!info.has_hpet);
	EXPECT_EQ(nr_warn, 1);
}

static u32 rng_state = 12345;

static u8 rnd(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return (u8)(rng_state >> 16);
}

/* Random bodies with valid checksums: anything goes except a crash. */
TEST(test_garbage_tables)
{
	static const u8 s5_head[] = { 0x08, '_', 'S', '5', '_', 0x12 };
	struct tb t;
	int round, i, n;

	for (round = 0; round < 2000; round++) {
		build_std();
		n = rnd() % 96;
		madt_begin(&t, MADT_PHYS, 0xfee00000, 1);
		for (i = 0; i < n; i++)
			tb_u8(&t, round & 1 ? rnd() % 12 : rnd());
		tb_end(&t);
		t = tb_begin(DSDT_PHYS, "DSDT");
		tb_bytes(&t, s5_head, sizeof(s5_head));
		for (i = 0; i < n % 24; i++)
			tb_u8(&t, round & 2 ? rnd() : rnd() % 12);
		tb_end(&t);
		EXPECT_EQ(parse(RSDP_PHYS), 0);
		EXPECT(info.nr_cpus <= ACPI_MAX_CPUS);
		EXPECT(info.slp_typa <= 7 && info.slp_typb <= 7);
	}
}

/* QEMU's pc machine: IRQ 0 -> GSI 2, and the level-triggered SCI. */
TEST(test_madt_overrides)
{
	struct acpi_irq_route r;
	struct tb t;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_iso(&t, 0, 2);
	madt_iso_bus(&t, 0, 9, 9, ACPI_TRIGGER_LEVEL | ACPI_POLARITY_HIGH);
	madt_iso_bus(&t, 0, 10, 20, ACPI_TRIGGER_LEVEL | ACPI_POLARITY_LOW);
	madt_iso(&t, 0, 5);			/* repeated IRQ: first wins */
	madt_iso_bus(&t, 1, 3, 3, 0);		/* not ISA: ignored */
	madt_iso(&t, 16, 16);			/* not an ISA IRQ: ignored */
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 2);
	EXPECT_EQ(info.nr_overrides, 3);
	EXPECT_EQ(acpi_isa_irq_route(&info, 0, &r), 0);
	EXPECT(r.gsi == 2 && !r.level && !r.active_low);
	EXPECT_EQ(acpi_isa_irq_route(&info, 9, &r), 0);
	EXPECT(r.gsi == 9 && r.level && !r.active_low);
	EXPECT_EQ(acpi_isa_irq_route(&info, 10, &r), 0);
	EXPECT(r.gsi == 20 && r.level && r.active_low);
	EXPECT_EQ(acpi_isa_irq_route(&info, 8, &r), 0);
	EXPECT(r.gsi == 8 && !r.level && !r.active_low);
	EXPECT_EQ(acpi_isa_irq_route(&info, 16, &r), -EINVAL);
}

/* Every ISA IRQ overridden, then one again: the table holds each once. */
TEST(test_madt_overrides_bounded)
{
	struct acpi_irq_route r;
	struct tb t;
	u8 i;

	build_std();
	madt_begin(&t, MADT_PHYS, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	for (i = 0; i < ACPI_ISA_IRQS; i++)
		madt_iso(&t, i, 100u + i);
	madt_iso(&t, 3, 7);
	tb_end(&t);
	EXPECT_EQ(parse(RSDP_PHYS), 0);
	EXPECT_EQ(nr_warn, 0);
	EXPECT_EQ(info.nr_overrides, ACPI_ISA_IRQS);
	EXPECT_EQ(acpi_isa_irq_route(&info, 15, &r), 0);
	EXPECT_EQ(r.gsi, 115);
	EXPECT_EQ(acpi_isa_irq_route(&info, 3, &r), 0);
	EXPECT_EQ(r.gsi, 103);
}

int main(void)
{
	RUN(test_std_machine);
	RUN(test_madt_cpus);
	RUN(test_madt_lapic_default);
	RUN(test_madt_overrides);
	RUN(test_madt_overrides_bounded);
	RUN(test_madt_too_many_cpus);
	RUN(test_madt_zero_length_entry);
	RUN(test_madt_overrunning_entry);
	RUN(test_madt_short_entry_skipped);
	RUN(test_bad_checksum_skipped);
	RUN(test_bad_length_and_unmappable);
	RUN(test_missing_madt);
	RUN(test_rsdt_for_acpi1);
	RUN(test_bad_xsdt_falls_back);
	RUN(test_xsdt_bad_signature_alone_is_used);
	RUN(test_root_unusable);
	RUN(test_no_rsdp);
	RUN(test_rsdp_extended_checksum);
	RUN(test_rsdp_scan_rom);
	RUN(test_rsdp_scan_ebda);
	RUN(test_rsdp_no_bios_scan);
	RUN(test_s5_zero_one_ops);
	RUN(test_s5_other_encodings);
	RUN(test_s5_rejected);
	RUN(test_s5_truncated);
	RUN(test_fadt_limits);
	RUN(test_fadt_reset_register);
	RUN(test_fadt_power_button);
	RUN(test_fadt_power_button_bad_blocks);
	RUN(test_sci_route);
	RUN(test_hpet_io_space);
	RUN(test_garbage_tables);
	return TEST_DONE();
}
