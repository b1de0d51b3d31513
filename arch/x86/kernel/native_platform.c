// SPDX-License-Identifier: MIT
/*
 * The bare-metal platform: ACPI for CPUs, power-off and the power button
 * (acpi_button.c), the local APIC for interrupts, IPIs and the tick, the
 * TSC as clock.  Also what runs under a hypervisor for which no backend
 * is compiled in.
 */
#include <pvk/kernel.h>
#include <pvk/acpi.h>
#include <pvk/mm.h>
#include <pvk/pci.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/acpi_button.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/smpboot.h>
#include <asm/traps.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define KBD_STATUS_PORT 0x64
#define KBD_INPUT_FULL 0x02
#define KBD_PULSE_RESET 0xfe
#define DEFAULT_LAPIC_PHYS 0xfee00000ULL
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

static struct acpi_info acpi;

static bool native_detect(const struct boot_record *br)
{
	return true;
}

static void native_init_pv_ops(struct boot_record *br)
{
	/* pv_ops is statically initialised with the native backend. */
}

/* ACPI tables may sit in RAM (direct map) or in reserved ranges. */
static const void *acpi_map(u64 phys, u64 len)
{
	if (!len || phys + len < phys)
		return NULL;
	if (virt_to_phys_walk((unsigned long)__va(phys)) == phys &&
	    virt_to_phys_walk((unsigned long)__va(phys + len - 1)) == phys + len - 1)
		return __va(phys);
	return ioremap(phys, len);
}

static void native_apic_eoi(void)
{
	apic_eoi();
}

/* Device interrupts need the IOAPIC; without one none are routed. */
static void native_io_apic_init(bool have_acpi)
{
	int ret;

	if (!have_acpi) {
		pr_warn("io_apic: no ACPI tables, device interrupts unavailable\n");
		return;
	}
	ret = io_apic_init(&acpi);
	if (ret == -ENODEV)
		pr_warn("io_apic: none in the MADT, device interrupts unavailable\n");
	else if (ret)
		pr_warn("io_apic: unusable (%d), device interrupts unavailable\n",
			ret);
}

/**
 * native_apic_smp_init - ACPI tables, the APICs, PCI and the CPU list
 * @br: the boot record (its RSDP hint)
 *
 * What every platform with a real or emulated local APIC needs once
 * memory is up: bare metal, and Xen HVM and PVH guests.  Without usable
 * ACPI tables pvk runs on the boot CPU at the default APIC address.
 */
void native_apic_smp_init(struct boot_record *br)
{
	u64 lapic = DEFAULT_LAPIC_PHYS;
	bool have_acpi;

	/* UEFI has no BIOS areas for an RSDP search to read. */
	have_acpi = (br->efi ? acpi_parse_no_bios_scan : acpi_parse)(br->rsdp_phys,
								     acpi_map, &acpi) == 0;
	if (have_acpi)
		lapic = acpi.lapic_phys;
	else
		pr_warn("acpi: no usable tables; one CPU, no ACPI power-off\n");
	if (apic_init(lapic))
		panic("apic: cannot map the local APIC");
	apic_setup_this_cpu();
	native_io_apic_init(have_acpi);
	pci_direct_init();
	arch_irq_eoi = native_apic_eoi;
	smpboot_register_cpus(&acpi);
}

/**
 * native_acpi_info - the ACPI tables native_apic_smp_init() found
 */
const struct acpi_info *native_acpi_info(void)
{
	return &acpi;
}

/**
 * native_pic_mask - keep the legacy PICs quiet for good
 *
 * Everything goes through the APIC.
 */
void native_pic_mask(void)
{
	outb(0xff, PIC1_DATA);
	outb(0xff, PIC2_DATA);
}

static void native_init_late(struct boot_record *br)
{
	native_pic_mask();
	tsc_calibrate();
	native_apic_smp_init(br);
	/* Only here: under Xen the toolstack asks through xenstore. */
	acpi_button_init(&acpi);
}

static void native_timer_start(void)
{
	apic_timer_start();
}

/*
 * Under QEMU the isa-debug-exit device turns the verdict into QEMU's exit
 * status; it is only tried under a hypervisor, never on real hardware.
 * Then ACPI S5, then halt.
 */
static __noreturn void native_power_off(bool success)
{
	arch_local_irq_disable();
	smp_stop_other_cpus();
	if (cpu_has_hypervisor())
		outl(success ? 0 : 1, QEMU_DEBUG_EXIT_PORT);
	acpi_poweroff(&acpi, NULL);
	pr_raw("pvk: power-off failed; halting\n");
	native_halt_forever();
	__builtin_unreachable();
}

/* The byte the FADT names, to its port or memory-mapped register. */
static void acpi_reset(void)
{
	if (!acpi.can_reset)
		return;
	pr_raw("pvk: restarting through the ACPI reset register\n");
	if (acpi.reset_io) {
		outb(acpi.reset_value, (u16)acpi.reset_addr);
	} else {
		volatile u8 *reg = ioremap(acpi.reset_addr, 1);

		if (reg)
			*reg = acpi.reset_value;
	}
	mdelay(100);
}

/* Pulse the reset line through the 8042 keyboard controller. */
static void kbd_reset(void)
{
	pr_raw("pvk: restarting through the keyboard controller\n");
	for (unsigned int i = 0; i < 10000 && (inb(KBD_STATUS_PORT) & KBD_INPUT_FULL); i++)
		udelay(10);
	outb(KBD_PULSE_RESET, KBD_STATUS_PORT);
	mdelay(100);
}

/* Each way that did not reset the machine falls through to the next. */
static __noreturn void native_restart(void)
{
	static const struct { u16 limit; u64 base; } __packed no_idt;

	arch_local_irq_disable();
	smp_stop_other_cpus();
	acpi_reset();
	kbd_reset();
	pr_raw("pvk: restarting by triple fault\n");
	asm volatile("lidt %0; int3" : : "m"(no_idt));
	native_halt_forever();
	__builtin_unreachable();
}

static __noreturn void native_halt_cpu(void)
{
	native_halt_forever();
	__builtin_unreachable();
}

const struct x86_platform native_platform = {
	.name = "bare-metal",
	.detect = native_detect,
	.init_pv_ops = native_init_pv_ops,
	.init_late = native_init_late,
	.timer_start = native_timer_start,
	.timer_idle = apic_timer_idle,
	.idle_lost_interrupts = apic_idle_lost_interrupts,
	.timer_busy = apic_timer_busy,
	.timer_tick_left = apic_timer_tick_left,
	.power_off = native_power_off,
	.restart = native_restart,
	.halt = native_halt_cpu,
};
