/* SPDX-License-Identifier: MIT */
/*
 * ACPI table discovery: just enough to start the other CPUs (MADT), find
 * the IOAPIC and HPET on bare metal, and power the machine off (FADT plus
 * the \_S5 package of the DSDT) on bare metal and as Xen's dom0. There is
 * no AML interpreter; \_S5 is found by a bounded byte scan of the DSDT.
 *
 * The parser only touches firmware memory through a caller-supplied map
 * function, so it runs unchanged in host unit tests (PVK_HOST_TEST),
 * where the "physical memory" is a test buffer.
 */
#ifndef PVK_ACPI_H
#define PVK_ACPI_H

#include <pvk/types.h>

#define ACPI_MAX_CPUS		256
#define ACPI_DEFAULT_LAPIC	0xfee00000ULL
/* ISA IRQs 0-15, each with at most one Interrupt Source Override. */
#define ACPI_ISA_IRQS		16

/* MPS INTI flags of an Interrupt Source Override (ACPI 6.5, 5.2.12.5). */
#define ACPI_POLARITY_MASK	0x3
#define ACPI_POLARITY_HIGH	0x1
#define ACPI_POLARITY_LOW	0x3
#define ACPI_TRIGGER_MASK	0xc
#define ACPI_TRIGGER_EDGE	0x4
#define ACPI_TRIGGER_LEVEL	0xc

struct acpi_cpu {
	u32 apic_id;
	u32 acpi_uid;
	bool enabled;		/* usable now */
	bool online_capable;	/* hot-pluggable: present but not started */
	bool x2apic;		/* came from a Processor Local x2APIC entry */
};

/* An ISA IRQ the firmware wired to another GSI or another polarity/trigger. */
struct acpi_irq_override {
	u8 isa_irq;
	u32 gsi;
	u16 flags;			/* ACPI_POLARITY_* | ACPI_TRIGGER_* */
};

/* How an interrupt line must be programmed: GSI, trigger and polarity. */
struct acpi_irq_route {
	u32 gsi;
	bool level;
	bool active_low;
};

struct acpi_info {
	u64 rsdp_phys;
	int revision;			/* RSDP revision; 0 means ACPI 1.0 */

	u64 lapic_phys;			/* from the MADT or its override */
	bool has_8259;			/* MADT PCAT_COMPAT: legacy PICs */

	/*
	 * Enabled or online-capable CPUs in MADT order (the boot CPU is
	 * normally first), one entry per APIC ID.
	 */
	unsigned int nr_cpus;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];

	u64 ioapic_phys;		/* first IOAPIC only */
	u32 ioapic_gsi_base;
	bool has_ioapic;

	/* Interrupt Source Overrides of ISA IRQs, first one per IRQ kept. */
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_ISA_IRQS];

	/* Power-off, from the FADT and the DSDT's \_S5 package. */
	bool can_poweroff;
	u16 pm1a_cnt_port;
	u16 pm1b_cnt_port;		/* 0 when the block does not exist */
	u8 slp_typa;
	u8 slp_typb;
	/* Legacy-to-ACPI mode switch; smi_cmd_port 0 means none needed. */
	u16 smi_cmd_port;
	u8 acpi_enable_val;

	/*
	 * The fixed-feature power button: its status and enable bits live
	 * in the PM1 event blocks (status in the first half of each block,
	 * enable in the second) and it raises the SCI.  has_pwrbtn is
	 * false when the FADT lacks what it needs, or when the FADT flags
	 * it as a control-method device (pwrbtn_control_method), whose
	 * events come through AML pvk cannot run.
	 */
	bool has_pwrbtn;
	bool pwrbtn_control_method;
	u16 sci_irq;			/* SCI_INT: ISA IRQ, or a GSI above 15 */
	u16 pm1a_evt_port;
	u16 pm1b_evt_port;		/* 0 when the block does not exist */
	u8 pm1_evt_len;			/* bytes per block, even, at least 4 */

	u64 hpet_phys;
	bool has_hpet;

	/* Restart: the FADT's reset register and the byte to write to it. */
	bool can_reset;
	bool reset_io;			/* I/O port, else memory */
	u64 reset_addr;
	u8 reset_value;
};

/*
 * Return a pointer through which [phys, phys + len) can be read, or NULL
 * when that range cannot be mapped. Every pointer returned must stay
 * valid until acpi_parse() returns (a direct map satisfies this).
 */
typedef const void *(*acpi_map_fn)(u64 phys, u64 len);

int acpi_parse(u64 rsdp_hint, acpi_map_fn map, struct acpi_info *out);
int acpi_parse_no_bios_scan(u64 rsdp, acpi_map_fn map, struct acpi_info *out);
int acpi_isa_irq_route(const struct acpi_info *info, unsigned int isa_irq,
		       struct acpi_irq_route *route);
int acpi_sci_route(const struct acpi_info *info, struct acpi_irq_route *route);

/*
 * Enter sleep state @state of the machine @info describes, given the
 * final PM1a/PM1b control values (SLP_TYP and SLP_EN set; @pm1b is 0
 * without a PM1b block). Returns only if the machine is still running.
 * Xen's dom0 cannot do the last write itself: Xen must, so it can bring
 * its own CPUs and devices down first (Linux: acpi_os_enter_sleep()).
 */
typedef void (*acpi_enter_sleep_fn)(const struct acpi_info *info, u8 state,
				    u16 pm1a, u16 pm1b);

#ifndef PVK_HOST_TEST
int acpi_enable_mode(const struct acpi_info *info);
void acpi_poweroff(const struct acpi_info *info, acpi_enter_sleep_fn enter);
#endif

#endif /* PVK_ACPI_H */
