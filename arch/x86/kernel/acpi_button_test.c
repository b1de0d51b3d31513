// SPDX-License-Identifier: MIT
/*
 * Self-tests of the ACPI power button (acpi_button.c).  On bare metal
 * with a fixed button: the firmware is in ACPI mode, the power button
 * is the one fixed event enabled, and the SCI's IOAPIC pin is unmasked
 * on the driver's vector with the SCI's trigger and polarity.  On every
 * platform: the handler's decision, fed simulated PM1 registers, asks
 * for exactly one power-off per enabled press and clears only enabled
 * status bits.  Requests go to an observer, so nothing shuts down.
 * The press itself (QEMU's system_powerdown) is the runner's
 * pvh-tcg-smp2-powerbutton row.
 */
#include <pvk/arch.h>
#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/selftest.h>
#include <asm/acpi_button.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/platform.h>

#define PM1_SCI_EN	(1U << 0)
#define PM1_TMR		(1U << 0)
#define PM1_SLPBTN	(1U << 9)
#define PM1_WAK		(1U << 15)

static unsigned int seen;
static enum shutdown_kind seen_kind;
static const char *seen_why;

static void observe(enum shutdown_kind kind, const char *why)
{
	seen++;
	seen_kind = kind;
	seen_why = why;
}

/*
 * The armed button, or NULL after a skip (not bare metal, no fixed
 * button) or a failure (a fixed button the driver did not arm).
 */
static const struct acpi_button *button_usable(struct kunit *test)
{
	const struct acpi_button *b;
	const char *why = "";

	if (strcmp(arch_platform_name(), "bare-metal")) {
		kunit_skip(test, "the power button is the hypervisor's on %s",
			   arch_platform_name());
		return NULL;
	}
	b = acpi_button_armed(&why);
	if (b)
		return b;
	if (native_acpi_info()->has_pwrbtn)
		kunit_fail(test, __FILE__, __LINE__,
			   "the FADT has a fixed power button, not armed: %s",
			   why);
	else
		kunit_skip(test, "power button not handled: %s", why);
	return NULL;
}

static void acpi_button_armed_on_sci(struct kunit *test)
{
	const struct acpi_button *b = button_usable(test);
	const struct acpi_info *a;
	struct acpi_irq_route r;
	u16 en;

	if (!b)
		return;
	a = b->acpi;
	KUNIT_EXPECT_TRUE(test, inw(a->pm1a_cnt_port) & PM1_SCI_EN);
	en = inw((u16)(a->pm1a_evt_port + a->pm1_evt_len / 2));
	KUNIT_EXPECT_EQ(test, en, ACPI_PM1_PWRBTN);
	KUNIT_EXPECT_EQ(test, io_apic_gsi_route(b->route.gsi, &r), b->vector);
	KUNIT_EXPECT_EQ(test, r.level, b->route.level);
	KUNIT_EXPECT_EQ(test, r.active_low, b->route.active_low);
	kunit_info(test, "SCI on GSI %u, vector %d, PM1a enable %#x",
		   b->route.gsi, b->vector, en);
}

static void expect_requests(struct kunit *test, unsigned int n)
{
	KUNIT_EXPECT_EQ(test, seen, n);
	if (!n)
		return;
	KUNIT_EXPECT_EQ(test, seen_kind, SHUTDOWN_KIND_POWEROFF);
	KUNIT_EXPECT_TRUE(test, seen_why &&
			  !strcmp(seen_why, "ACPI power button"));
}

static void acpi_button_press_requests_poweroff(struct kunit *test)
{
	const u16 pwr = ACPI_PM1_PWRBTN;

	seen = 0;
	seen_why = NULL;
	kernel_shutdown_observe(observe);
	/* A press: one request, and its status bit to clear. */
	KUNIT_EXPECT_EQ(test, acpi_button_events(pwr, pwr), pwr);
	expect_requests(test, 1);
	/* Not enabled: it raised no SCI; nothing asked, nothing cleared. */
	KUNIT_EXPECT_EQ(test, acpi_button_events(pwr, 0), 0);
	/* Other enabled events are cleared, and ask for nothing. */
	KUNIT_EXPECT_EQ(test, acpi_button_events(PM1_TMR | PM1_SLPBTN | PM1_WAK,
						 PM1_TMR | PM1_SLPBTN),
			PM1_TMR | PM1_SLPBTN);
	KUNIT_EXPECT_EQ(test, acpi_button_events(0, 0xffff), 0);
	expect_requests(test, 1);
	/* Every status bit set: only the enabled ones come back. */
	KUNIT_EXPECT_EQ(test, acpi_button_events(0xffff, pwr | PM1_TMR),
			pwr | PM1_TMR);
	expect_requests(test, 2);
	kernel_shutdown_observe(NULL);
}

SELFTEST_SUITE(acpi_button,
	KUNIT_CASE(acpi_button_armed_on_sci),
	KUNIT_CASE(acpi_button_press_requests_poweroff));
