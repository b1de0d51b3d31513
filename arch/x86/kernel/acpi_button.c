// SPDX-License-Identifier: MIT
/*
 * The ACPI fixed-feature power button on bare metal.
 *
 * A press sets PWRBTN_STS in the PM1 status register; with PWRBTN_EN
 * set in the PM1 enable register the chipset then raises the SCI, which
 * stays asserted (it is level-triggered) until every enabled status bit
 * is cleared by writing it back as 1.  The handler turns a press into a
 * power-off request (kernel/reboot.c), as the toolstack's control/shutdown
 * node does under Xen (drivers/xen/manage.c), so a serving kernel shuts
 * down cleanly on QEMU's system_powerdown or a real button.
 *
 * Only the power button is enabled among the fixed events.  pvk has no
 * AML interpreter, so a control-method button and the general-purpose
 * events (GPEs) are not handled; an SCI that keeps coming with no fixed
 * event behind it (a GPE the firmware left enabled) is masked rather
 * than allowed to storm.  The SCI goes through the IOAPIC to the boot
 * CPU; without an IOAPIC the button is not handled (the native platform
 * keeps the legacy PICs masked for good).
 *
 * Only the bare-metal platform starts it (native_platform.c): under Xen
 * the toolstack's requests come through xenstore.
 */
#define pr_fmt(fmt) "acpi: " fmt

#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/smp.h>
#include <asm/acpi_button.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/processor.h>
#include <asm/traps.h>

/* SCIs in a row with no enabled fixed event set, before the pin is masked. */
#define SCI_IDLE_LIMIT		1000
#define PWRBTN_WHY		"ACPI power button"

static struct acpi_button button;
static bool armed;
static const char *off_reason = "not set up";
/* Only the boot CPU takes the SCI, so this needs no lock. */
static unsigned int idle_scis;

/* Each event block holds the status register, then the enable register. */
static u16 pm1_port(u16 evt_blk, bool enable)
{
	return enable ? (u16)(evt_blk + button.acpi->pm1_evt_len / 2) : evt_blk;
}

/* PM1a and PM1b form one logical register: their bits are ORed. */
static u16 pm1_read(bool enable)
{
	const struct acpi_info *a = button.acpi;
	u16 val = inw(pm1_port(a->pm1a_evt_port, enable));

	if (a->pm1b_evt_port)
		val |= inw(pm1_port(a->pm1b_evt_port, enable));
	return val;
}

static void pm1_write(bool enable, u16 val)
{
	const struct acpi_info *a = button.acpi;

	outw(val, pm1_port(a->pm1a_evt_port, enable));
	if (a->pm1b_evt_port)
		outw(val, pm1_port(a->pm1b_evt_port, enable));
}

/**
 * acpi_button_events - what one SCI's fixed events ask for
 * @status: the PM1 status register
 * @enable: the PM1 enable register
 *
 * The SCI handler's decision, kept apart from the port I/O so that a
 * self-test can feed it: a set and enabled PWRBTN_STS requests a
 * power-off.  Returns the status bits to clear: every enabled one that
 * is set, so the level-triggered SCI drops.  Set bits that are not
 * enabled raised no SCI and are left alone.
 */
u16 acpi_button_events(u16 status, u16 enable)
{
	u16 fired = status & enable;

	if (fired & ACPI_PM1_PWRBTN)
		kernel_request_shutdown(SHUTDOWN_KIND_POWEROFF, PWRBTN_WHY);
	return fired;
}

static void sci_interrupt(struct pt_regs *regs)
{
	u16 fired = acpi_button_events(pm1_read(false), pm1_read(true));

	if (fired) {
		pm1_write(false, fired);
		idle_scis = 0;
		return;
	}
	if (++idle_scis < SCI_IDLE_LIMIT)
		return;
	io_apic_mask_gsi(button.route.gsi);
	WRITE_ONCE(armed, false);
	off_reason = "the SCI stormed with no fixed event";
	pr_err("SCI (GSI %u) came %u times in a row with no fixed event "
	       "(a GPE?); masked, power button off\n", button.route.gsi,
	       SCI_IDLE_LIMIT);
}

static int refuse(const char *why)
{
	off_reason = why;
	return -ENODEV;
}

static const char *why_no_button(const struct acpi_info *info)
{
	if (!info->rsdp_phys)
		return "no ACPI tables";
	if (info->pwrbtn_control_method)
		return "it is a control-method device (no AML interpreter)";
	return "no fixed power button in the FADT";
}

/*
 * ACPI mode first (the firmware owns the SCI until then), then the
 * vector and the route, and the button's enable bit last, so that the
 * first SCI finds its handler.
 */
static int button_setup(const struct acpi_info *info)
{
	int vector;

	if (!info->has_pwrbtn)
		return refuse(why_no_button(info));
	if (!info->pm1a_cnt_port)
		return refuse("no PM1a control block to read SCI_EN from");
	if (!io_apic_present())
		return refuse("no IOAPIC for the SCI");
	if (acpi_sci_route(info, &button.route))
		return refuse("no SCI");
	switch (acpi_enable_mode(info)) {
	case 0:
		break;
	case -ETIMEDOUT:
		return refuse("the firmware did not enter ACPI mode");
	default:
		return refuse("SCI_EN is clear and the FADT names no SMI "
			      "command to set it");
	}
	vector = request_any_vector(sci_interrupt);
	if (vector < 0)
		return refuse("no free interrupt vector");
	button.acpi = info;
	button.vector = vector;
	/* No fixed event but ours: nothing here would handle the others. */
	pm1_write(true, 0);
	pm1_write(false, ACPI_PM1_PWRBTN);
	if (io_apic_route_gsi(button.route.gsi, (u8)vector,
			      per_cpu(0)->apic_id, button.route.level,
			      button.route.active_low)) {
		free_vector((unsigned int)vector, sci_interrupt);
		return refuse("the SCI's GSI is not on the IOAPIC");
	}
	pm1_write(true, ACPI_PM1_PWRBTN);
	WRITE_ONCE(armed, true);
	return 0;
}

/**
 * acpi_button_init - claim the fixed power button, if there is one
 * @info: the ACPI tables the native platform found (zeroed without any)
 *
 * Puts the firmware into ACPI mode if it is not (SMI_CMD, bounded
 * wait), routes the SCI through the IOAPIC to the boot CPU with the
 * MADT's override, clears a stale press and enables the power button
 * alone among the fixed events.  Logs one line: where the button is, or
 * why it is not handled.  @info must outlive the kernel.
 */
void acpi_button_init(const struct acpi_info *info)
{
	if (button_setup(info)) {
		pr_info("power button not handled: %s\n", off_reason);
		return;
	}
	pr_info("power button on SCI IRQ %u (GSI %u, %s, active %s), "
		"vector %d\n", info->sci_irq, button.route.gsi,
		button.route.level ? "level" : "edge",
		button.route.active_low ? "low" : "high", button.vector);
}

/**
 * acpi_button_armed - the power button's set-up, for its self-test
 * @why_not: set to the reason when it is not armed
 *
 * Returns the set-up, or NULL when the button is not handled.
 */
const struct acpi_button *acpi_button_armed(const char **why_not)
{
	if (READ_ONCE(armed))
		return &button;
	*why_not = off_reason;
	return NULL;
}
