/* SPDX-License-Identifier: MIT */
/*
 * The first IOAPIC of the MADT: routes global system interrupts (GSIs,
 * including the ISA IRQs through the firmware's overrides) to a vector
 * on one CPU, in physical destination mode with fixed delivery.
 */
#ifndef _ASM_X86_IO_APIC_H
#define _ASM_X86_IO_APIC_H

#include <pvk/acpi.h>
#include <pvk/types.h>

/* Physical destination mode reaches APIC IDs 0-254 (no remapping). */
#define IO_APIC_MAX_DEST	0xfe

int io_apic_init(const struct acpi_info *info);
bool io_apic_present(void);
u32 io_apic_gsi_base(void);
unsigned int io_apic_nr_gsis(void);
int io_apic_route_gsi(u32 gsi, u8 vector, u32 dest_apic_id, bool level,
		      bool active_low);
int io_apic_route_isa_irq(unsigned int isa_irq, u8 vector, u32 dest_apic_id);
void io_apic_mask_gsi(u32 gsi);
int io_apic_gsi_route(u32 gsi, struct acpi_irq_route *route);

#endif /* _ASM_X86_IO_APIC_H */
