// SPDX-License-Identifier: MIT
/*
 * ACPI table discovery, see include/pvk/acpi.h.
 *
 * Firmware tables are untrusted input. Every byte is read through a
 * (pointer, length) view that came from the caller's map function, and
 * every offset is checked against that length before it is used, so a
 * garbage table can make us ignore it but never fault. Multi-byte fields
 * are assembled a byte at a time because ACPI structures are packed and
 * their fields are routinely misaligned.
 */
#define pr_fmt(fmt) "acpi: " fmt

#include <pvk/acpi.h>
#include <pvk/kernel.h>
#ifndef PVK_HOST_TEST
#include <asm/io.h>
#include <asm/processor.h>
#endif

/* Byte offsets and sizes from the ACPI 6.5 specification, chapter 5. */
#define SDT_HDR_LEN		36
#define SDT_LENGTH		4
#define SDT_MAX_LEN		(1U << 20)

#define RSDP_SIG		"RSD PTR "
#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define RSDP_MAX_LEN		4096
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_LENGTH		20
#define RSDP_XSDT		24

/* Legacy BIOS areas the RSDP may hide in when nobody hands it to us. */
#define BDA_EBDA_SEG		0x40e
#define EBDA_SCAN_LEN		1024
#define EBDA_LIMIT		0xa0000
#define BIOS_ROM_BASE		0xe0000
#define BIOS_ROM_LEN		0x20000
#define RSDP_ALIGN		16

#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_ENTRIES		44
#define MADT_PCAT_COMPAT	(1U << 0)

#define MADT_TYPE_LAPIC		0
#define MADT_TYPE_IOAPIC	1
#define MADT_TYPE_OVERRIDE	2
#define MADT_TYPE_LAPIC_ADDR	5
#define MADT_TYPE_X2APIC	9

#define LAPIC_ENABLED		(1U << 0)
#define LAPIC_ONLINE_CAPABLE	(1U << 1)
#define XAPIC_ID_INVALID	0xffU
#define X2APIC_ID_INVALID	0xffffffffU

#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_EVT		56
#define FADT_PM1B_EVT		60
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_MIN_LEN		72
#define FADT_PM1_EVT_LEN	88
#define FADT_FLAGS		112
#define FADT_V1_LEN		116	/* ACPI 1.0: up to and with the flags */
#define FADT_RESET_REG		116	/* a Generic Address Structure */
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT		148	/* Generic Address Structures */
#define FADT_X_PM1B_EVT		160
#define FADT_PWR_BUTTON		(1U << 4)	/* set: control-method button */
#define FADT_RESET_REG_SUP	(1U << 10)
#define GAS_LEN			12
#define PM1_EVT_MIN_LEN		4
#define IO_PORT_END		0x10000U

#define HPET_SPACE_ID		40
#define HPET_ADDRESS		44
#define ACPI_SPACE_MEMORY	0
#define ACPI_SPACE_IO		1

#define AML_ZERO_OP		0x00
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		'\\'
#define SLP_TYP_MAX		7

/* A checksummed table: the only way table bytes are reached. */
struct acpi_table {
	u64 phys;
	const u8 *p;
	u32 len;
};

/* The tables acpi_parse() uses; first valid copy of each wins. */
struct acpi_tables {
	struct acpi_table madt;
	struct acpi_table fadt;
	struct acpi_table hpet;
};

static u16 get16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 get32(const u8 *p)
{
	return get16(p) | (u32)get16(p + 2) << 16;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

static u8 checksum(const u8 *p, u64 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* Refuse ranges that wrap, so the mapper never sees an impossible one. */
static const u8 *map_range(acpi_map_fn map, u64 phys, u64 len)
{
	if (!len || phys + len < phys)
		return NULL;
	return map(phys, len);
}

/* A signature fit for a log line even when the table is garbage. */
static void sig_name(const u8 *sig, char name[5])
{
	int i;

	for (i = 0; i < 4; i++)
		name[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? (char)sig[i] : '?';
	name[4] = '\0';
}

static unsigned long long ull(u64 v)
{
	return v;
}

/*
 * Map the table at @phys in two steps (header, then its claimed length)
 * and accept it only if the length is sane and the checksum adds up.
 */
static bool map_table(acpi_map_fn map, u64 phys, struct acpi_table *t)
{
	const u8 *hdr = map_range(map, phys, SDT_HDR_LEN);
	char name[5];
	u32 len;

	if (!hdr) {
		pr_warn("cannot map table header at %#llx\n", ull(phys));
		return false;
	}
	sig_name(hdr, name);
	len = get32(hdr + SDT_LENGTH);
	if (len < SDT_HDR_LEN || len > SDT_MAX_LEN) {
		pr_warn("%s at %#llx: bad length %u, skipped\n",
			name, ull(phys), len);
		return false;
	}
	t->p = map_range(map, phys, len);
	if (!t->p) {
		pr_warn("%s at %#llx: cannot map %u bytes, skipped\n",
			name, ull(phys), len);
		return false;
	}
	if (checksum(t->p, len)) {
		pr_warn("%s at %#llx: bad checksum, skipped\n",
			name, ull(phys));
		t->p = NULL;
		return false;
	}
	t->phys = phys;
	t->len = len;
	return true;
}

/* map_table() for a pointer that must lead to one particular table. */
static bool map_table_sig(acpi_map_fn map, u64 phys, const char *sig,
			  struct acpi_table *t)
{
	char name[5];

	if (!map_table(map, phys, t))
		return false;
	if (!memcmp(t->p, sig, 4))
		return true;
	sig_name(t->p, name);
	pr_warn("expected %s at %#llx, found %s\n", sig, ull(phys), name);
	t->p = NULL;
	return false;
}

/* Check an RSDP candidate of which @avail bytes can be read. */
static bool rsdp_valid(const u8 *p, u64 avail)
{
	u32 len;

	if (avail < RSDP_V1_LEN || memcmp(p, RSDP_SIG, 8) ||
	    checksum(p, RSDP_V1_LEN))
		return false;
	/* Revision 0 is ACPI 1.0: no length, no XSDT, no extended sum. */
	if (p[RSDP_REVISION] < 2)
		return true;
	if (avail < RSDP_V2_LEN)
		return false;
	len = get32(p + RSDP_LENGTH);
	return len >= RSDP_V2_LEN && len <= avail && !checksum(p, len);
}

/* The readable length of a would-be RSDP at @phys, from its own fields. */
static u64 rsdp_len_at(acpi_map_fn map, u64 phys)
{
	const u8 *p = map_range(map, phys, RSDP_V1_LEN);
	u32 len;

	if (!p || p[RSDP_REVISION] < 2)
		return RSDP_V1_LEN;
	p = map_range(map, phys, RSDP_V2_LEN);
	if (!p)
		return RSDP_V1_LEN;
	len = get32(p + RSDP_LENGTH);
	return len > RSDP_V2_LEN && len <= RSDP_MAX_LEN ? len : RSDP_V2_LEN;
}

static const u8 *rsdp_at(acpi_map_fn map, u64 phys)
{
	u64 len = rsdp_len_at(map, phys);
	const u8 *p = map_range(map, phys, len);

	return p && rsdp_valid(p, len) ? p : NULL;
}

static const u8 *rsdp_scan_range(acpi_map_fn map, u64 base, u64 len,
				 u64 *phys)
{
	const u8 *p = map_range(map, base, len);
	u64 off;

	if (!p)
		return NULL;
	for (off = 0; off + RSDP_V1_LEN <= len; off += RSDP_ALIGN) {
		if (rsdp_valid(p + off, len - off)) {
			*phys = base + off;
			return p + off;
		}
	}
	return NULL;
}

/* Legacy BIOS search order: first KiB of the EBDA, then the BIOS ROM. */
static const u8 *rsdp_scan(acpi_map_fn map, u64 *phys)
{
	const u8 *seg = map_range(map, BDA_EBDA_SEG, 2);
	const u8 *rsdp = NULL;
	u64 ebda;

	if (seg) {
		ebda = (u64)get16(seg) << 4;
		if (ebda && ebda + EBDA_SCAN_LEN <= EBDA_LIMIT)
			rsdp = rsdp_scan_range(map, ebda, EBDA_SCAN_LEN, phys);
	}
	if (!rsdp)
		rsdp = rsdp_scan_range(map, BIOS_ROM_BASE, BIOS_ROM_LEN, phys);
	return rsdp;
}

/*
 * A bad hint (say, a stale boot-loader field) still allows the scan, where
 * there are BIOS areas to scan.
 */
static const u8 *rsdp_find(u64 hint, bool bios_scan, acpi_map_fn map,
			   u64 *phys)
{
	const u8 *rsdp;

	if (hint) {
		rsdp = rsdp_at(map, hint);
		if (rsdp) {
			*phys = hint;
			return rsdp;
		}
		pr_warn("no valid RSDP at %#llx%s\n", ull(hint),
			bios_scan ? ", scanning" : "");
	}
	return bios_scan ? rsdp_scan(map, phys) : NULL;
}

/*
 * Prefer the XSDT, but an RSDT beside a broken XSDT is still usable.
 * An XSDT whose only fault is its signature, with no RSDT to fall back
 * on, is used too: Xen 4.17 builds a PVH dom0's XSDT on a host that has
 * only an RSDT (QEMU with SeaBIOS) by copying the header of the host
 * XSDT at address 0, so the signature is garbage while the length, the
 * checksum and the entries are Xen's.  Each entry is still checked as a
 * table of its own.
 */
static bool root_table(acpi_map_fn map, const u8 *rsdp,
		       struct acpi_table *root, unsigned int *entry_size)
{
	u64 xsdt = rsdp[RSDP_REVISION] >= 2 ? get64(rsdp + RSDP_XSDT) : 0;
	u32 rsdt = get32(rsdp + RSDP_RSDT);

	if (xsdt) {
		*entry_size = 8;
		if (map_table_sig(map, xsdt, "XSDT", root))
			return true;
		if (!rsdt && map_table(map, xsdt, root)) {
			pr_warn("XSDT at %#llx has a bad signature but a valid "
				"checksum and no RSDT beside it; using its entries\n",
				ull(xsdt));
			return true;
		}
		pr_warn("XSDT unusable, trying the RSDT\n");
	}
	*entry_size = 4;
	return rsdt && map_table_sig(map, rsdt, "RSDT", root);
}

static struct acpi_table *table_slot(struct acpi_tables *tab, const u8 *sig)
{
	if (!memcmp(sig, "APIC", 4))
		return &tab->madt;
	if (!memcmp(sig, "FACP", 4))
		return &tab->fadt;
	if (!memcmp(sig, "HPET", 4))
		return &tab->hpet;
	return NULL;
}

/*
 * Only the tables we use are fully mapped and checksummed: a broken
 * table we would ignore anyway is not worth a warning.
 */
static void collect_tables(acpi_map_fn map, const struct acpi_table *root,
			   unsigned int entry_size, struct acpi_tables *tab)
{
	struct acpi_table *slot;
	const u8 *hdr;
	u32 off;
	u64 phys;

	for (off = SDT_HDR_LEN; off + entry_size <= root->len;
	     off += entry_size) {
		phys = entry_size == 8 ? get64(root->p + off) :
					 get32(root->p + off);
		hdr = phys ? map_range(map, phys, SDT_HDR_LEN) : NULL;
		if (!hdr) {
			pr_warn("root table entry %#llx unusable\n", ull(phys));
			continue;
		}
		slot = table_slot(tab, hdr);
		if (slot && !slot->p)
			map_table(map, phys, slot);
	}
}

static bool cpu_known(const struct acpi_info *out, u32 apic_id)
{
	unsigned int i;

	for (i = 0; i < out->nr_cpus; i++)
		if (out->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

/*
 * Record a CPU that is running or may be hot-added; firmware that lists
 * a CPU as both xAPIC and x2APIC keeps its first entry. Returns -ENOSPC
 * when the CPU had to be dropped for lack of room.
 */
static int madt_add_cpu(struct acpi_info *out, u32 apic_id, u32 uid,
			u32 flags, bool x2apic)
{
	struct acpi_cpu *cpu;

	if (!(flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)))
		return 0;
	if (apic_id == (x2apic ? X2APIC_ID_INVALID : XAPIC_ID_INVALID))
		return 0;
	if (cpu_known(out, apic_id))
		return 0;
	if (out->nr_cpus == ACPI_MAX_CPUS)
		return -ENOSPC;
	cpu = &out->cpus[out->nr_cpus++];
	cpu->apic_id = apic_id;
	cpu->acpi_uid = uid;
	cpu->enabled = flags & LAPIC_ENABLED;
	cpu->online_capable = flags & LAPIC_ONLINE_CAPABLE;
	cpu->x2apic = x2apic;
	return 0;
}

static void madt_ioapic(struct acpi_info *out, const u8 *e)
{
	if (out->has_ioapic)
		return;
	out->ioapic_phys = get32(e + 4);
	out->ioapic_gsi_base = get32(e + 8);
	out->has_ioapic = true;
}

static const struct acpi_irq_override *
override_find(const struct acpi_info *info, unsigned int isa_irq)
{
	unsigned int i;

	for (i = 0; i < info->nr_overrides; i++)
		if (info->overrides[i].isa_irq == isa_irq)
			return &info->overrides[i];
	return NULL;
}

/*
 * An Interrupt Source Override: bus 0 is ISA, the only bus ACPI defines.
 * Firmware that repeats an IRQ keeps its first entry, as Linux does.
 */
static void madt_override(struct acpi_info *out, const u8 *e)
{
	struct acpi_irq_override *o;

	if (e[2] != 0 || e[3] >= ACPI_ISA_IRQS) {
		pr_warn("override of bus %u IRQ %u ignored\n", e[2], e[3]);
		return;
	}
	/* One entry per ISA IRQ at most, so the array cannot overflow. */
	if (override_find(out, e[3]))
		return;
	o = &out->overrides[out->nr_overrides++];
	o->isa_irq = e[3];
	o->gsi = get32(e + 4);
	o->flags = get16(e + 8);
}

/* Smallest valid length of each entry type we read; 0 = not read. */
static const u8 madt_min_len[] = {
	[MADT_TYPE_LAPIC] = 8,
	[MADT_TYPE_IOAPIC] = 12,
	[MADT_TYPE_OVERRIDE] = 10,
	[MADT_TYPE_LAPIC_ADDR] = 12,
	[MADT_TYPE_X2APIC] = 16,
};

/* Interpret one MADT entry of @len bytes; returns madt_add_cpu()'s code. */
static int madt_entry(struct acpi_info *out, const u8 *e, u32 len)
{
	u64 lapic;

	if (e[0] >= ARRAY_SIZE(madt_min_len) || !madt_min_len[e[0]])
		return 0;
	if (len < madt_min_len[e[0]]) {
		pr_warn("MADT entry type %u too short (%u bytes), ignored\n",
			e[0], len);
		return 0;
	}
	switch (e[0]) {
	case MADT_TYPE_LAPIC:
		return madt_add_cpu(out, e[3], e[2], get32(e + 4), false);
	case MADT_TYPE_X2APIC:
		return madt_add_cpu(out, get32(e + 4), get32(e + 12),
				    get32(e + 8), true);
	case MADT_TYPE_IOAPIC:
		madt_ioapic(out, e);
		break;
	case MADT_TYPE_OVERRIDE:
		madt_override(out, e);
		break;
	case MADT_TYPE_LAPIC_ADDR:
		lapic = get64(e + 4);
		if (lapic)
			out->lapic_phys = lapic;
		break;
	}
	return 0;
}

/* Walk the entries by their own lengths, stopping at the first bad one. */
static void madt_parse(const struct acpi_table *t, struct acpi_info *out)
{
	unsigned int dropped = 0;
	u32 off, len, lapic;

	if (t->len < MADT_ENTRIES) {
		pr_warn("MADT too short (%u bytes), ignored\n", t->len);
		return;
	}
	lapic = get32(t->p + MADT_LAPIC_ADDR);
	if (lapic)
		out->lapic_phys = lapic;
	out->has_8259 = get32(t->p + MADT_FLAGS) & MADT_PCAT_COMPAT;
	for (off = MADT_ENTRIES; off + 2 <= t->len; off += len) {
		len = t->p[off + 1];
		if (len < 2 || len > t->len - off) {
			pr_warn("MADT entry at offset %u has bad length %u, ignoring the rest\n",
				off, len);
			break;
		}
		if (madt_entry(out, t->p + off, len))
			dropped++;
	}
	if (dropped)
		pr_warn("MADT lists %u CPUs beyond the first %d, ignored\n",
			dropped, ACPI_MAX_CPUS);
}

/* An I/O port from a 32-bit FADT field; anything above 64 KiB is junk. */
static u16 fadt_port(const struct acpi_table *t, u32 off, const char *what)
{
	u32 port = get32(t->p + off);

	if (port > 0xffff) {
		pr_warn("FADT %s %#x is not an I/O port, ignored\n",
			what, port);
		return 0;
	}
	return (u16)port;
}

/*
 * A PM1 event block's port.  ACPI 2.0+ says the 64-bit Generic Address
 * Structure overrides the 32-bit field when it is set; only an I/O-space
 * one is usable here (the SCI handler uses port I/O), so any other falls
 * back to the 32-bit field with a warning.
 */
static u16 fadt_evt_port(const struct acpi_table *t, u32 off, u32 x_off,
			 const char *what)
{
	const u8 *gas = t->p + x_off;
	u64 addr;

	if (t->len >= x_off + GAS_LEN) {
		addr = get64(gas + 4);
		if (addr && gas[0] == ACPI_SPACE_IO && addr < IO_PORT_END)
			return (u16)addr;
		if (addr)
			pr_warn("FADT X_%s (space %u, %#llx) is not an I/O port, "
				"ignored\n", what, gas[0], ull(addr));
	}
	return fadt_port(t, off, what);
}

/*
 * What the fixed power button needs: both PM1 event blocks, their
 * length (status and enable registers split it in halves) and the
 * SCI's interrupt.  A missing block is not an error (hardware-reduced
 * ACPI has none); a nonsensical length is.
 */
static void fadt_button_parse(const struct acpi_table *t,
			      struct acpi_info *out)
{
	u8 len;

	if (t->len < FADT_V1_LEN) {
		pr_warn("FADT too short (%u bytes) for the power button\n",
			t->len);
		return;
	}
	if (get32(t->p + FADT_FLAGS) & FADT_PWR_BUTTON) {
		out->pwrbtn_control_method = true;
		pr_info("power button is a control-method device (FADT "
			"PWR_BUTTON), not handled\n");
		return;
	}
	out->pm1a_evt_port = fadt_evt_port(t, FADT_PM1A_EVT, FADT_X_PM1A_EVT,
					   "PM1a_EVT_BLK");
	out->pm1b_evt_port = fadt_evt_port(t, FADT_PM1B_EVT, FADT_X_PM1B_EVT,
					   "PM1b_EVT_BLK");
	if (!out->pm1a_evt_port) {
		pr_info("FADT has no PM1a event block, no power button\n");
		return;
	}
	len = t->p[FADT_PM1_EVT_LEN];
	if (len < PM1_EVT_MIN_LEN || (len & 1) ||
	    out->pm1a_evt_port + (u32)len > IO_PORT_END ||
	    out->pm1b_evt_port + (u32)len > IO_PORT_END) {
		pr_warn("FADT PM1_EVT_LEN %u does not fit the event blocks "
			"(%#x, %#x), no power button\n", len,
			out->pm1a_evt_port, out->pm1b_evt_port);
		return;
	}
	out->pm1_evt_len = len;
	out->sci_irq = get16(t->p + FADT_SCI_INT);
	out->has_pwrbtn = true;
}

/* FADT 2.0+ carries a 64-bit DSDT pointer that overrides the old one. */
static u64 fadt_dsdt(const struct acpi_table *t)
{
	u64 dsdt = 0;

	if (t->len >= FADT_X_DSDT + 8)
		dsdt = get64(t->p + FADT_X_DSDT);
	if (!dsdt && t->len >= FADT_DSDT + 4)
		dsdt = get32(t->p + FADT_DSDT);
	return dsdt;
}

/*
 * Decode an AML PkgLength at *@pos: the top two bits of the lead byte
 * count the bytes that follow; with followers, the lead contributes only
 * its low nibble and each follower the next eight bits.
 */
static bool aml_pkg_length(const struct acpi_table *t, u32 *pos, u32 *len)
{
	u32 i = *pos, extra, k, v;

	if (i >= t->len)
		return false;
	extra = t->p[i] >> 6;
	if (extra > t->len - i - 1)
		return false;
	if (!extra) {
		v = t->p[i] & 0x3f;
	} else {
		v = t->p[i] & 0x0f;
		for (k = 0; k < extra; k++)
			v |= (u32)t->p[i + 1 + k] << (4 + 8 * k);
	}
	*pos = i + 1 + extra;
	*len = v;
	return true;
}

/*
 * Read a SLP_TYP package element. ZeroOp and OneOp are the values 0 and
 * 1 themselves, and some firmware stores other small values bare, so an
 * unprefixed byte is taken as its own value; only 0-7 fit SLP_TYP.
 */
static bool aml_slp_typ(const struct acpi_table *t, u32 *pos, u8 *val)
{
	u32 i = *pos, size, v;
	u8 op;

	if (i >= t->len)
		return false;
	op = t->p[i];
	size = op == AML_BYTE_PREFIX ? 1 : op == AML_WORD_PREFIX ? 2 :
	       op == AML_DWORD_PREFIX ? 4 : 0;
	if (size > t->len - i - 1)
		return false;
	if (size == 1)
		v = t->p[i + 1];
	else if (size == 2)
		v = get16(t->p + i + 1);
	else if (size == 4)
		v = get32(t->p + i + 1);
	else
		v = op;
	if (v > SLP_TYP_MAX)
		return false;
	*pos = i + 1 + size;
	*val = (u8)v;
	return true;
}

/*
 * Parse "Package (n) { SLP_TYPa, SLP_TYPb, ... }" at @pos, reading
 * nothing past the package's own PkgLength or the end of the table.
 */
static bool s5_package(const struct acpi_table *t, u32 pos, u8 *a, u8 *b)
{
	struct acpi_table pkg = *t;
	u32 start, len;

	if (pos >= t->len || t->p[pos++] != AML_PACKAGE_OP)
		return false;
	start = pos;
	if (!aml_pkg_length(t, &pos, &len) || len > t->len - start)
		return false;
	pkg.len = start + len;
	if (pos >= pkg.len || pkg.p[pos++] < 2)
		return false;
	return aml_slp_typ(&pkg, &pos, a) && aml_slp_typ(&pkg, &pos, b);
}

/*
 * Without an AML interpreter, look for the byte pattern of
 * "Name (\_S5, Package ...)" and use the first one that parses.
 */
static bool s5_find(const struct acpi_table *dsdt, u8 *a, u8 *b)
{
	u32 i, n;

	for (i = SDT_HDR_LEN; i + 5 <= dsdt->len; i++) {
		if (dsdt->p[i] != AML_NAME_OP)
			continue;
		n = i + 1;
		if (dsdt->p[n] == AML_ROOT_CHAR)
			n++;
		if (n + 4 > dsdt->len || memcmp(dsdt->p + n, "_S5_", 4))
			continue;
		if (s5_package(dsdt, n + 4, a, b))
			return true;
	}
	return false;
}

static void s5_parse(acpi_map_fn map, u64 phys, struct acpi_info *out)
{
	struct acpi_table dsdt;

	if (!phys) {
		pr_warn("FADT has no DSDT, no power-off\n");
		return;
	}
	if (!map_table_sig(map, phys, "DSDT", &dsdt))
		return;
	if (!s5_find(&dsdt, &out->slp_typa, &out->slp_typb)) {
		pr_warn("no usable \\_S5 in the DSDT, no power-off\n");
		return;
	}
	out->can_poweroff = true;
}

/*
 * The reset register (ACPI 2.0+, when the flags say it is supported):
 * one byte written to I/O or memory space resets the machine.  Other
 * address spaces (PCI configuration) and widths are not used.
 */
static void fadt_reset_parse(const struct acpi_table *t, struct acpi_info *out)
{
	const u8 *gas = t->p + FADT_RESET_REG;
	u64 addr;

	if (t->len < FADT_RESET_VALUE + 1 ||
	    !(get32(t->p + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return;
	addr = get64(gas + 4);
	if (!addr || gas[1] != 8 || gas[2] != 0 ||
	    (gas[0] != ACPI_SPACE_IO && gas[0] != ACPI_SPACE_MEMORY) ||
	    (gas[0] == ACPI_SPACE_IO && addr > 0xffff)) {
		pr_warn("FADT reset register (space %u, width %u, %#llx) "
			"not usable, ignored\n", gas[0], gas[1], ull(addr));
		return;
	}
	out->reset_io = gas[0] == ACPI_SPACE_IO;
	out->reset_addr = addr;
	out->reset_value = t->p[FADT_RESET_VALUE];
	out->can_reset = true;
}

static void fadt_parse(acpi_map_fn map, const struct acpi_table *t,
		       struct acpi_info *out)
{
	fadt_reset_parse(t, out);
	fadt_button_parse(t, out);
	if (t->len < FADT_MIN_LEN) {
		pr_warn("FADT too short (%u bytes), no power-off\n", t->len);
		return;
	}
	out->smi_cmd_port = fadt_port(t, FADT_SMI_CMD, "SMI_CMD");
	out->acpi_enable_val = t->p[FADT_ACPI_ENABLE];
	out->pm1a_cnt_port = fadt_port(t, FADT_PM1A_CNT, "PM1a_CNT_BLK");
	out->pm1b_cnt_port = fadt_port(t, FADT_PM1B_CNT, "PM1b_CNT_BLK");
	if (!out->pm1a_cnt_port) {
		pr_warn("FADT has no PM1a control block, no power-off\n");
		return;
	}
	s5_parse(map, fadt_dsdt(t), out);
}

/* Only a memory-mapped HPET is usable: that is what the timer code maps. */
static void hpet_parse(const struct acpi_table *t, struct acpi_info *out)
{
	u64 addr;

	if (t->len < HPET_ADDRESS + 8) {
		pr_warn("HPET table too short (%u bytes), ignored\n", t->len);
		return;
	}
	addr = get64(t->p + HPET_ADDRESS);
	if (t->p[HPET_SPACE_ID] != ACPI_SPACE_MEMORY || !addr) {
		pr_warn("HPET not in memory space, ignored\n");
		return;
	}
	out->hpet_phys = addr;
	out->has_hpet = true;
}

static void acpi_report(const struct acpi_info *info)
{
	pr_info("RSDP %#llx rev %d: %u CPUs, LAPIC %#llx%s\n",
		ull(info->rsdp_phys), info->revision, info->nr_cpus,
		ull(info->lapic_phys), info->has_8259 ? ", 8259 PICs" : "");
	if (info->has_ioapic)
		pr_info("IOAPIC %#llx GSI base %u, %u ISA overrides\n",
			ull(info->ioapic_phys), info->ioapic_gsi_base,
			info->nr_overrides);
	if (info->has_hpet)
		pr_info("HPET %#llx\n", ull(info->hpet_phys));
	if (info->can_reset)
		pr_info("reset register: %s %#llx value %#x\n",
			info->reset_io ? "port" : "memory",
			ull(info->reset_addr), info->reset_value);
	if (info->can_poweroff)
		pr_info("S5: PM1a %#x PM1b %#x SLP_TYP %u/%u\n",
			info->pm1a_cnt_port, info->pm1b_cnt_port,
			info->slp_typa, info->slp_typb);
	if (info->has_pwrbtn)
		pr_info("power button: SCI %u, PM1a_EVT %#x PM1b_EVT %#x, "
			"%u bytes each\n", info->sci_irq, info->pm1a_evt_port,
			info->pm1b_evt_port, info->pm1_evt_len);
}

static int acpi_parse_tables(u64 rsdp_hint, bool bios_scan, acpi_map_fn map,
			     struct acpi_info *out)
{
	struct acpi_tables tab;
	struct acpi_table root;
	unsigned int entry_size;
	const u8 *rsdp;

	memset(out, 0, sizeof(*out));
	out->lapic_phys = ACPI_DEFAULT_LAPIC;
	if (!map)
		return -EINVAL;
	rsdp = rsdp_find(rsdp_hint, bios_scan, map, &out->rsdp_phys);
	if (!rsdp) {
		if (bios_scan)
			pr_warn("no RSDP found\n");
		else
			pr_warn("no RSDP given, and no BIOS areas to search\n");
		return -ENOENT;
	}
	out->revision = rsdp[RSDP_REVISION];
	if (!root_table(map, rsdp, &root, &entry_size)) {
		pr_err("neither XSDT nor RSDT is usable\n");
		return -EINVAL;
	}
	memset(&tab, 0, sizeof(tab));
	collect_tables(map, &root, entry_size, &tab);
	if (tab.madt.p)
		madt_parse(&tab.madt, out);
	else
		pr_warn("no MADT, only the boot CPU is known\n");
	if (tab.fadt.p)
		fadt_parse(map, &tab.fadt, out);
	if (tab.hpet.p)
		hpet_parse(&tab.hpet, out);
	acpi_report(out);
	return 0;
}

/**
 * acpi_parse() - find and decode the ACPI tables pvk needs
 * @rsdp_hint: physical address of the RSDP if the boot protocol supplied
 *             one, else 0 to search the EBDA and the BIOS ROM area
 * @map: makes physical ranges readable; every firmware byte is read
 *       through it, including the BIOS Data Area and the ROM scan
 * @out: filled from scratch; unused fields are zero and lapic_phys
 *       defaults to ACPI_DEFAULT_LAPIC
 *
 * Walks the XSDT (revision 2+ with a non-zero address) or else the
 * RSDT, and decodes the first valid MADT, FADT (with its DSDT's \_S5)
 * and HPET table. Tables that cannot be mapped, have an insane length or
 * fail their checksum are skipped with a warning. A missing or useless
 * MADT leaves nr_cpus at 0, which callers treat as "boot CPU only".
 * Returns 0, -ENOENT when no valid RSDP exists, or -EINVAL when neither
 * the XSDT nor the RSDT is usable (or @map is NULL).
 */
int acpi_parse(u64 rsdp_hint, acpi_map_fn map, struct acpi_info *out)
{
	return acpi_parse_tables(rsdp_hint, true, map, out);
}

/**
 * acpi_parse_no_bios_scan() - acpi_parse() for UEFI firmware
 * @rsdp: physical address of the RSDP the boot protocol supplied, or 0
 * @map: as for acpi_parse()
 * @out: as for acpi_parse()
 *
 * UEFI has no BIOS Data Area and no BIOS ROM copy of the RSDP to search:
 * what sits there is not the firmware's, so only @rsdp is tried.
 * Returns as acpi_parse() does.
 */
int acpi_parse_no_bios_scan(u64 rsdp, acpi_map_fn map, struct acpi_info *out)
{
	return acpi_parse_tables(rsdp, false, map, out);
}

/**
 * acpi_isa_irq_route() - how ISA IRQ @isa_irq reaches the IOAPIC
 * @info: the result of acpi_parse()
 * @isa_irq: legacy IRQ number, 0-15
 * @route: filled with the GSI, trigger and polarity to program
 *
 * Without an override an ISA IRQ is identity-mapped to the GSI of the
 * same number, edge-triggered and active high. An override names the
 * GSI and may change either property; its "conforms to the bus" values
 * keep the ISA defaults. Returns 0, or -EINVAL for an IRQ that is not
 * an ISA one.
 */
int acpi_isa_irq_route(const struct acpi_info *info, unsigned int isa_irq,
		       struct acpi_irq_route *route)
{
	const struct acpi_irq_override *o;

	if (isa_irq >= ACPI_ISA_IRQS)
		return -EINVAL;
	route->gsi = isa_irq;
	route->level = false;
	route->active_low = false;
	o = override_find(info, isa_irq);
	if (!o)
		return 0;
	route->gsi = o->gsi;
	route->level = (o->flags & ACPI_TRIGGER_MASK) == ACPI_TRIGGER_LEVEL;
	route->active_low = (o->flags & ACPI_POLARITY_MASK) ==
			    ACPI_POLARITY_LOW;
	return 0;
}

/**
 * acpi_sci_route() - how the SCI reaches the IOAPIC
 * @info: the result of acpi_parse(), with has_pwrbtn set
 * @route: filled with the GSI, trigger and polarity to program
 *
 * The SCI is a shareable, level-triggered, active-low interrupt unless
 * the MADT overrides its ISA IRQ (QEMU: IRQ 9, level, active high); an
 * override's "conforms to the bus" fields keep those SCI defaults, not
 * the ISA ones.  An SCI_INT above 15 is a GSI of its own.  Returns 0,
 * or -ENODEV when @info names no SCI.
 */
int acpi_sci_route(const struct acpi_info *info, struct acpi_irq_route *route)
{
	const struct acpi_irq_override *o;
	u16 trigger, polarity;

	if (!info->has_pwrbtn)
		return -ENODEV;
	route->gsi = info->sci_irq;
	route->level = true;
	route->active_low = true;
	o = info->sci_irq < ACPI_ISA_IRQS ? override_find(info, info->sci_irq) :
					     NULL;
	if (!o)
		return 0;
	route->gsi = o->gsi;
	trigger = o->flags & ACPI_TRIGGER_MASK;
	polarity = o->flags & ACPI_POLARITY_MASK;
	if (trigger)
		route->level = trigger == ACPI_TRIGGER_LEVEL;
	if (polarity)
		route->active_low = polarity == ACPI_POLARITY_LOW;
	return 0;
}

#ifndef PVK_HOST_TEST

#define PM1_SCI_EN		(1U << 0)
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7U << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1U << 13)
#define ACPI_STATE_S5		5
/* Chipset port reads take about a microsecond: roughly one second. */
#define SCI_EN_POLLS		1000000
/* Time for the chipset to cut power before we report failure. */
#define SLEEP_SETTLE_POLLS	100000

/**
 * acpi_enable_mode() - make sure the firmware is in ACPI mode
 * @info: the result of acpi_parse(), with a PM1a control block
 *
 * Firmware that boots in legacy (SMM-owned) mode ignores sleep requests
 * and raises no SCI until the OS asks for ACPI mode through the SMI
 * command port; SCI_EN in PM1a_CNT says it did.  The wait is bounded
 * (about a second).  Returns 0 when SCI_EN is set, -ENODEV when it is
 * clear and the FADT names no way to set it, -ETIMEDOUT when the
 * firmware did not set it.
 */
int acpi_enable_mode(const struct acpi_info *info)
{
	unsigned long i;

	if (!info->pm1a_cnt_port)
		return -ENODEV;
	if (inw(info->pm1a_cnt_port) & PM1_SCI_EN)
		return 0;
	if (!info->smi_cmd_port || !info->acpi_enable_val)
		return -ENODEV;
	outb(info->acpi_enable_val, info->smi_cmd_port);
	for (i = 0; i < SCI_EN_POLLS; i++) {
		if (inw(info->pm1a_cnt_port) & PM1_SCI_EN)
			return 0;
		cpu_relax();
	}
	pr_warn("firmware did not enter ACPI mode\n");
	return -ETIMEDOUT;
}

/* Replace SLP_TYP, keeping the control bits the firmware owns. */
static u16 pm1_with_typ(u16 port, u8 typ)
{
	u16 val = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	return val | (u16)(typ << PM1_SLP_TYP_SHIFT);
}

/* Write SLP_TYP and SLP_EN straight to the PM1 control ports. */
static void acpi_write_pm1_sleep(const struct acpi_info *info, u8 state,
				 u16 pm1a, u16 pm1b)
{
	unsigned long i;

	outw(pm1a, info->pm1a_cnt_port);
	if (info->pm1b_cnt_port)
		outw(pm1b, info->pm1b_cnt_port);
	for (i = 0; i < SLEEP_SETTLE_POLLS; i++)
		inw(info->pm1a_cnt_port);
}

/**
 * acpi_poweroff() - enter ACPI S5 (soft off)
 * @info: the result of a successful acpi_parse()
 * @enter: does the final SLP_EN write, or NULL to write the ports here
 *
 * Does nothing unless @info->can_poweroff. Switches the firmware into
 * ACPI mode first if SCI_EN is clear and the FADT names an SMI command
 * port, then, as ACPICA does, writes SLP_TYP to PM1a (and PM1b) and only
 * afterwards has @enter set SLP_EN, since some chipsets latch the type
 * on the enable write. Call with interrupts disabled. Returns only if
 * the machine is still running shortly afterwards.
 */
void acpi_poweroff(const struct acpi_info *info, acpi_enter_sleep_fn enter)
{
	u16 a, b = 0;

	if (!info || !info->can_poweroff)
		return;
	acpi_enable_mode(info);
	a = pm1_with_typ(info->pm1a_cnt_port, info->slp_typa);
	outw(a, info->pm1a_cnt_port);
	if (info->pm1b_cnt_port) {
		b = pm1_with_typ(info->pm1b_cnt_port, info->slp_typb);
		outw(b, info->pm1b_cnt_port);
		b |= PM1_SLP_EN;
	}
	(enter ? enter : acpi_write_pm1_sleep)(info, ACPI_STATE_S5,
					       a | PM1_SLP_EN, b);
	pr_err("ACPI power-off failed\n");
}

#endif /* PVK_HOST_TEST */
