/* SPDX-License-Identifier: MIT */
/* Bringing up application processors on bare metal. */
#ifndef _ASM_X86_SMPBOOT_H
#define _ASM_X86_SMPBOOT_H

#define TRAMPOLINE_PHYS 0x8000

#ifndef __ASSEMBLY__
#include <pvk/acpi.h>
#include <pvk/memmap.h>

/* Note whether the loader's map has RAM where the trampoline goes. */
void smpboot_check_trampoline(const struct memmap *m);

/* Record the CPUs ACPI lists (honouring nosmp, maxcpus=, NR_CPUS). */
void smpboot_register_cpus(const struct acpi_info *acpi);
/* C entry of a started CPU, on its own stack; never returns. */
__noreturn void start_secondary(unsigned int cpu);
/* How many CPUs the firmware listed (before limits), for log lines. */
unsigned int smpboot_cpus_found(void);
#endif

#endif
