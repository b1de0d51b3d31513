/* SPDX-License-Identifier: MIT */
/*
 * The ACPI fixed-feature power button on bare metal
 * (arch/x86/kernel/acpi_button.c).
 */
#ifndef _ASM_X86_ACPI_BUTTON_H
#define _ASM_X86_ACPI_BUTTON_H

#include <pvk/acpi.h>
#include <pvk/types.h>

/* PWRBTN_STS and PWRBTN_EN: the same bit of PM1 status and enable. */
#define ACPI_PM1_PWRBTN		(1U << 8)

/* What acpi_button_init() set up. */
struct acpi_button {
	const struct acpi_info *acpi;
	struct acpi_irq_route route;	/* the SCI's GSI, trigger, polarity */
	int vector;
};

void acpi_button_init(const struct acpi_info *info);
const struct acpi_button *acpi_button_armed(const char **why_not);
u16 acpi_button_events(u16 status, u16 enable);

#endif
