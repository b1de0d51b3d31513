// SPDX-License-Identifier: MIT
/*
 * ACPI power-off for pvk as Xen's dom0.
 *
 * Xen turns SCHEDOP_shutdown(poweroff) of its hardware domain into a
 * halt: the sleep type of S5 lives in the DSDT, which only dom0 reads.
 * So dom0 decodes the FADT and \_S5 itself, as on bare metal, and hands
 * the final PM1 control values to Xen with XENPF_enter_acpi_sleep. Xen
 * then pauses every domain, takes its own CPUs and devices down and
 * writes them (Linux's dom0 does the same through
 * acpi_os_set_prepare_sleep()).
 *
 * A PV dom0 owns none of the firmware's frames, so tables are read
 * through machine-address mappings, and port I/O needs the I/O
 * privilege level Xen grants with PHYSDEVOP_set_iopl.
 */
#include <pvk/kernel.h>
#include <pvk/acpi.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>

/* What the kernel runs at under PV: ring 1 semantics for I/O checks. */
#define XEN_KERNEL_IOPL		1

static struct acpi_info xen_acpi;

/* The last write of acpi_poweroff(): Xen's to make, on its CPU 0. */
static void xen_acpi_enter_sleep(const struct acpi_info *info, u8 state,
				 u16 pm1a, u16 pm1b)
{
	struct xen_platform_op op = {
		.cmd = XENPF_enter_acpi_sleep,
		.interface_version = XENPF_INTERFACE_VERSION,
		.u.enter_acpi_sleep = {
			.val_a = pm1a,
			.val_b = pm1b,
			.sleep_state = state,
		},
	};
	long rc = HYPERVISOR_platform_op(&op);

	pr_err("xen: XENPF_enter_acpi_sleep(S%u) returned %ld\n", state, rc);
}

/**
 * xen_acpi_init - find what dom0 needs to power the machine off
 *
 * Runs once on dom0 after the memory manager is up. Asks Xen for I/O
 * privilege (the PM1 and SMI command ports are read and written
 * directly) and parses the firmware's ACPI tables. Any failure is
 * logged and leaves shutdown to halt the machine, as Xen does by
 * default.
 */
void xen_acpi_init(void)
{
	struct physdev_set_iopl iopl = { .iopl = XEN_KERNEL_IOPL };
	long rc = HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl);

	if (rc) {
		pr_warn("xen: PHYSDEVOP_set_iopl failed: %ld; shutdown will halt\n",
			rc);
		return;
	}
	if (acpi_parse(0, xen_ioremap_ro, &xen_acpi))
		pr_warn("xen: no usable ACPI tables; shutdown will halt\n");
	else if (!xen_acpi.can_poweroff)
		pr_warn("xen: no ACPI S5; shutdown will halt\n");
}

/**
 * xen_acpi_use - power off with tables the platform parsed itself
 * @info: a PVH dom0's ACPI tables (its own, identity-mapped copy of the
 *        firmware's, read by the native code)
 */
void xen_acpi_use(const struct acpi_info *info)
{
	xen_acpi = *info;
	if (!xen_acpi.can_poweroff)
		pr_warn("xen: no ACPI S5; shutdown will halt\n");
}

/**
 * xen_acpi_info - what xen_acpi_init() or xen_acpi_use() found (for the self-tests)
 */
const struct acpi_info *xen_acpi_info(void)
{
	return &xen_acpi;
}

/**
 * xen_acpi_poweroff - power the machine off through Xen (dom0 only)
 *
 * Returns only when that is impossible (no S5 found at boot) or failed;
 * the caller then falls back to SCHEDOP_shutdown, which halts.
 */
void xen_acpi_poweroff(void)
{
	acpi_poweroff(&xen_acpi, xen_acpi_enter_sleep);
}
