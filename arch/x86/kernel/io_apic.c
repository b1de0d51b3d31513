// SPDX-License-Identifier: MIT
/*
 * IOAPIC driver for bare metal (82093AA-style, as every chipset and
 * emulator since has it): two MMIO registers, a select and a window,
 * through which the version and the redirection table are reached.
 *
 * Only the first IOAPIC of the MADT is driven; GSIs outside its range
 * are refused. Each redirection entry sends its pin to one vector on one
 * CPU, physical destination, fixed delivery: the lowest-priority and
 * logical modes spread interrupts in ways nothing here asks for.
 */
#define pr_fmt(fmt) "io_apic: " fmt

#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/spinlock.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/traps.h>

#define IOREGSEL		0x00
#define IOWIN			0x10
#define IO_APIC_MMIO_LEN	0x20

#define IO_APIC_REG_ID		0x00
#define IO_APIC_REG_VER		0x01
#define IO_APIC_REG_REDTBL(n)	(0x10 + 2 * (n))

#define IO_APIC_VER_MASK	0xff
#define IO_APIC_MAX_REDIR_SHIFT	16

/* Redirection entry, low dword (Intel 82093AA datasheet, 3.2.4). */
#define RTE_VECTOR_MASK		0xffU
#define RTE_ACTIVE_LOW		(1U << 13)
#define RTE_LEVEL		(1U << 15)
#define RTE_MASKED		(1U << 16)
/* High dword: the destination APIC ID in bits 24-31. */
#define RTE_DEST_SHIFT		24

static volatile u8 *io_apic_mmio;
static u32 gsi_base;
static unsigned int nr_pins;
static const struct acpi_info *io_apic_acpi;
/* The select/window pair is one register access: never interleave. */
static DEFINE_SPINLOCK(io_apic_lock);

static u32 io_apic_read(u32 reg)
{
	mmio_write32(io_apic_mmio + IOREGSEL, reg);
	return mmio_read32(io_apic_mmio + IOWIN);
}

static void io_apic_write(u32 reg, u32 val)
{
	mmio_write32(io_apic_mmio + IOREGSEL, reg);
	mmio_write32(io_apic_mmio + IOWIN, val);
}

/*
 * Write an entry masked first and unmask last: the pin must never be
 * live with half of the new entry (a new vector to the old CPU).
 */
static void io_apic_write_entry(unsigned int pin, u32 lo, u32 hi)
{
	unsigned long flags;

	spin_lock_irqsave(&io_apic_lock, flags);
	io_apic_write(IO_APIC_REG_REDTBL(pin), RTE_MASKED);
	io_apic_write(IO_APIC_REG_REDTBL(pin) + 1, hi);
	io_apic_write(IO_APIC_REG_REDTBL(pin), lo);
	spin_unlock_irqrestore(&io_apic_lock, flags);
}

/* The pin of @gsi on our IOAPIC, or -EINVAL when it has none. */
static int gsi_to_pin(u32 gsi)
{
	if (!io_apic_mmio || gsi < gsi_base || gsi - gsi_base >= nr_pins)
		return -EINVAL;
	return (int)(gsi - gsi_base);
}

/**
 * io_apic_init() - map the first IOAPIC and mask every pin
 * @info: the parsed ACPI tables; kept for the ISA overrides, so it must
 *        outlive every io_apic_route_isa_irq() call
 *
 * The firmware may have left pins routed (to the 8259s' old vectors, or
 * with a stale level-triggered IRR); masking them all first means only
 * what pvk routes itself can interrupt. Returns 0, -ENODEV when the MADT
 * lists no IOAPIC, -ENOMEM when it cannot be mapped, or -EIO when the
 * registers read back as nothing (all ones: no device there).
 */
int io_apic_init(const struct acpi_info *info)
{
	volatile u8 *mmio;
	unsigned int pin;
	u32 ver;

	if (!info || !info->has_ioapic)
		return -ENODEV;
	mmio = ioremap(info->ioapic_phys, IO_APIC_MMIO_LEN);
	if (!mmio)
		return -ENOMEM;
	io_apic_mmio = mmio;
	ver = io_apic_read(IO_APIC_REG_VER);
	if (ver == 0xffffffffU) {
		io_apic_mmio = NULL;
		pr_warn("no IOAPIC answers at %#llx\n",
			(unsigned long long)info->ioapic_phys);
		return -EIO;
	}
	gsi_base = info->ioapic_gsi_base;
	nr_pins = ((ver >> IO_APIC_MAX_REDIR_SHIFT) & 0xff) + 1;
	io_apic_acpi = info;
	for (pin = 0; pin < nr_pins; pin++)
		io_apic_write_entry(pin, RTE_MASKED, 0);
	pr_info("id %u version %#x at %#llx: GSIs %u-%u, all masked\n",
		(io_apic_read(IO_APIC_REG_ID) >> 24) & 0xf,
		ver & IO_APIC_VER_MASK, (unsigned long long)info->ioapic_phys,
		gsi_base, gsi_base + nr_pins - 1);
	return 0;
}

/**
 * io_apic_present() - has io_apic_init() found an IOAPIC?
 */
bool io_apic_present(void)
{
	return io_apic_mmio != NULL;
}

/**
 * io_apic_gsi_base() - the first GSI of the IOAPIC (0 when there is none)
 */
u32 io_apic_gsi_base(void)
{
	return gsi_base;
}

/**
 * io_apic_nr_gsis() - how many GSIs (redirection entries) the IOAPIC has
 *
 * Returns 0 when there is no IOAPIC.
 */
unsigned int io_apic_nr_gsis(void)
{
	return io_apic_mmio ? nr_pins : 0;
}

/**
 * io_apic_route_gsi() - send a GSI to a vector on one CPU, and unmask it
 * @gsi: global system interrupt, within the IOAPIC's range
 * @vector: FIRST_EXTERNAL_VECTOR..254, its handler installed beforehand
 * @dest_apic_id: the APIC ID of the CPU to interrupt
 * @level: level-triggered (else edge)
 * @active_low: the line asserts low (else high)
 *
 * Returns 0, or -EINVAL for a GSI the IOAPIC does not have, a vector
 * reserved for exceptions or the spurious vector, or an APIC ID that
 * physical destination mode cannot name. Nothing is written then.
 */
int io_apic_route_gsi(u32 gsi, u8 vector, u32 dest_apic_id, bool level,
		      bool active_low)
{
	int pin = gsi_to_pin(gsi);
	u32 lo = vector;

	if (pin < 0 || vector < FIRST_EXTERNAL_VECTOR ||
	    vector == SPURIOUS_APIC_VECTOR || dest_apic_id > IO_APIC_MAX_DEST)
		return -EINVAL;
	if (level)
		lo |= RTE_LEVEL;
	if (active_low)
		lo |= RTE_ACTIVE_LOW;
	io_apic_write_entry((unsigned int)pin, lo,
			    dest_apic_id << RTE_DEST_SHIFT);
	return 0;
}

/**
 * io_apic_route_isa_irq() - io_apic_route_gsi() for a legacy ISA IRQ
 * @isa_irq: 0-15
 * @vector: as for io_apic_route_gsi()
 * @dest_apic_id: as for io_apic_route_gsi()
 *
 * The GSI, trigger and polarity come from the MADT's interrupt source
 * overrides (say, the PIT's IRQ 0 on GSI 2). Returns the GSI, to be
 * masked with io_apic_mask_gsi(), or a negative errno: -ENODEV without
 * an IOAPIC, -EINVAL as io_apic_route_gsi() or for a non-ISA IRQ.
 */
int io_apic_route_isa_irq(unsigned int isa_irq, u8 vector, u32 dest_apic_id)
{
	struct acpi_irq_route r;
	int ret;

	if (!io_apic_mmio)
		return -ENODEV;
	ret = acpi_isa_irq_route(io_apic_acpi, isa_irq, &r);
	if (!ret)
		ret = io_apic_route_gsi(r.gsi, vector, dest_apic_id, r.level,
					r.active_low);
	return ret ? ret : (int)r.gsi;
}

/**
 * io_apic_mask_gsi() - stop a GSI from interrupting
 * @gsi: a GSI of the IOAPIC; others are ignored
 *
 * The entry is cleared to masked, so a later route starts afresh. An
 * interrupt already sent to a CPU may still arrive after this returns.
 */
void io_apic_mask_gsi(u32 gsi)
{
	int pin = gsi_to_pin(gsi);

	if (pin >= 0)
		io_apic_write_entry((unsigned int)pin, RTE_MASKED, 0);
}

/**
 * io_apic_gsi_route() - read back how a GSI is routed
 * @gsi: a GSI of the IOAPIC
 * @route: filled with the GSI, trigger and polarity of its entry
 *
 * For self-tests of the drivers that route pins.  Returns the vector
 * of an unmasked entry, -ENOENT for a masked one, or -EINVAL for a GSI
 * the IOAPIC does not have (@route is then left alone).
 */
int io_apic_gsi_route(u32 gsi, struct acpi_irq_route *route)
{
	int pin = gsi_to_pin(gsi);
	unsigned long flags;
	u32 lo;

	if (pin < 0)
		return -EINVAL;
	spin_lock_irqsave(&io_apic_lock, flags);
	lo = io_apic_read(IO_APIC_REG_REDTBL((unsigned int)pin));
	spin_unlock_irqrestore(&io_apic_lock, flags);
	route->gsi = gsi;
	route->level = lo & RTE_LEVEL;
	route->active_low = lo & RTE_ACTIVE_LOW;
	return lo & RTE_MASKED ? -ENOENT : (int)(lo & RTE_VECTOR_MASK);
}
