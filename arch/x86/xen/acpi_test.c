// SPDX-License-Identifier: MIT
/*
 * Self-tests of dom0's ACPI power-off (acpi.c): the firmware tables are
 * reachable through machine-address mappings and name an S5 sleep type,
 * and port I/O works with the I/O privilege Xen granted.  The power-off
 * itself ends the boot, so the runner checks it: a dom0 row passes only
 * if QEMU exits 0 (ACPI S5) after the verdict.
 */
#include <pvk/kernel.h>
#include <pvk/acpi.h>
#include <pvk/arch.h>
#include <pvk/selftest.h>
#include <asm/io.h>
#include <asm/xen/hypervisor.h>

#define PM1_SLP_EN	(1U << 13)

static bool dom0_or_skip(struct kunit *test)
{
	if (strcmp(arch_platform_name(), "xen-pv")) {
		kunit_skip(test, "not a Xen PV guest (%s)", arch_platform_name());
		return false;
	}
	if (!xen_is_dom0()) {
		kunit_skip(test, "a domU has no firmware tables");
		return false;
	}
	return true;
}

static void xen_acpi_s5_found(struct kunit *test)
{
	const struct acpi_info *info = xen_acpi_info();

	if (!dom0_or_skip(test))
		return;
	KUNIT_EXPECT_NE(test, info->rsdp_phys, 0);
	KUNIT_EXPECT_TRUE(test, info->can_poweroff);
	KUNIT_EXPECT_NE(test, info->pm1a_cnt_port, 0);
	kunit_info(test, "RSDP %#llx, PM1a %#x, SLP_TYP %u",
		   (unsigned long long)info->rsdp_phys, info->pm1a_cnt_port,
		   info->slp_typa);
}

/* The RSDP again, mapped by machine address as acpi_parse() did. */
static void xen_acpi_rsdp_remaps(struct kunit *test)
{
	const struct acpi_info *info = xen_acpi_info();
	const char *p;

	if (!dom0_or_skip(test))
		return;
	KUNIT_ASSERT_TRUE(test, info->rsdp_phys != 0);
	p = xen_ioremap_ro(info->rsdp_phys, 8);
	KUNIT_ASSERT_TRUE(test, p != NULL);
	KUNIT_EXPECT_EQ(test, memcmp(p, "RSD PTR ", 8), 0);
}

/*
 * Reading PM1a control goes through Xen's I/O emulation (a PV kernel
 * runs in ring 3): without PHYSDEVOP_set_iopl this read would fault.
 * SLP_EN always reads back as 0.
 */
static void xen_acpi_pm1_readable(struct kunit *test)
{
	const struct acpi_info *info = xen_acpi_info();

	if (!dom0_or_skip(test))
		return;
	KUNIT_ASSERT_TRUE(test, info->pm1a_cnt_port != 0);
	KUNIT_EXPECT_EQ(test, inw(info->pm1a_cnt_port) & PM1_SLP_EN, 0);
}

SELFTEST_SUITE(xen_acpi,
	KUNIT_CASE(xen_acpi_s5_found),
	KUNIT_CASE(xen_acpi_rsdp_remaps),
	KUNIT_CASE(xen_acpi_pm1_readable));
