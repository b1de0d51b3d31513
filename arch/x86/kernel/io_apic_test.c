// SPDX-License-Identifier: MIT
/*
 * Self-tests of the IOAPIC driver with a real interrupt source: the CMOS
 * RTC's periodic interrupt (ISA IRQ 8, routed through the MADT's
 * overrides) must arrive on the CPU it is routed to, and stop when its
 * pin is masked. Bad routes must be refused.
 */
#include <pvk/arch.h>
#include <pvk/kernel.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define CMOS_INDEX		0x70
#define CMOS_DATA		0x71
#define CMOS_NMI_OFF		0x80
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_RATE_MASK		0x0f
/* 32768 Hz >> (rate - 1): rate 8 is 256 Hz. */
#define RTC_RATE_256HZ		8
#define RTC_PIE			(1U << 6)
#define RTC_ISA_IRQ		8

#define WANT_IRQS		16
#define DELIVERY_TIMEOUT_MS	2000
#define QUIET_MS		200
#define DRAIN_MS		20

static unsigned int rtc_irqs;
static unsigned int rtc_irqs_elsewhere;
static unsigned int rtc_want_cpu;

static u8 cmos_read(u8 reg)
{
	outb(reg | CMOS_NMI_OFF, CMOS_INDEX);
	return inb(CMOS_DATA);
}

static void cmos_write(u8 reg, u8 val)
{
	outb(reg | CMOS_NMI_OFF, CMOS_INDEX);
	outb(val, CMOS_DATA);
}

/* Reading register C acknowledges the RTC, which then may fire again. */
static void rtc_interrupt(struct pt_regs *regs)
{
	cmos_read(RTC_REG_C);
	if (smp_processor_id() != READ_ONCE(rtc_want_cpu))
		__atomic_add_fetch(&rtc_irqs_elsewhere, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rtc_irqs, 1, __ATOMIC_RELAXED);
}

static void rtc_periodic(bool on)
{
	u8 b = cmos_read(RTC_REG_B);

	if (on) {
		cmos_write(RTC_REG_A, (cmos_read(RTC_REG_A) & ~RTC_RATE_MASK) |
			   RTC_RATE_256HZ);
		b |= RTC_PIE;
	} else {
		b &= ~RTC_PIE;
	}
	cmos_write(RTC_REG_B, b);
	cmos_read(RTC_REG_C);
}

/* Wait until @n RTC interrupts arrived; false after the timeout. */
static bool rtc_wait_irqs(unsigned int n)
{
	u64 end = ktime_get_ns() + DELIVERY_TIMEOUT_MS * NSEC_PER_MSEC;

	while (__atomic_load_n(&rtc_irqs, __ATOMIC_RELAXED) < n) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static bool io_apic_usable(struct kunit *test)
{
	/* A PVH dom0 sees the machine's IOAPIC, but Xen keeps the RTC. */
	if (!strcmp(arch_platform_name(), "xen-pvh")) {
		kunit_skip(test, "the RTC and its interrupt are Xen's on %s",
			   arch_platform_name());
		return false;
	}
	if (io_apic_present())
		return true;
	if (strcmp(arch_platform_name(), "bare-metal"))
		kunit_skip(test, "the IOAPIC is not pvk's on platform %s",
			   arch_platform_name());
	else
		kunit_skip(test, "no IOAPIC: none in the MADT, or no MADT");
	return false;
}

/*
 * Route the RTC to @cpu, see WANT_IRQS arrive there and none elsewhere,
 * then mask the pin and see no more.
 */
static void rtc_delivery_to(struct kunit *test, unsigned int cpu)
{
	int vector, gsi;

	/* The wait below needs interrupts on (the IPIs of the other CPU). */
	KUNIT_ASSERT_TRUE(test, !arch_irqs_disabled());
	vector = request_any_vector(rtc_interrupt);
	KUNIT_ASSERT_TRUE(test, vector >= FIRST_DEVICE_VECTOR);
	WRITE_ONCE(rtc_want_cpu, cpu);
	WRITE_ONCE(rtc_irqs, 0);
	WRITE_ONCE(rtc_irqs_elsewhere, 0);
	gsi = io_apic_route_isa_irq(RTC_ISA_IRQ, (u8)vector,
				    per_cpu(cpu)->apic_id);
	KUNIT_EXPECT_TRUE(test, gsi >= 0);
	if (gsi >= 0) {
		rtc_periodic(true);
		if (!rtc_wait_irqs(WANT_IRQS))
			kunit_fail(test, __FILE__, __LINE__,
				   "%u of %u RTC interrupts (GSI %d) in %u ms",
				   READ_ONCE(rtc_irqs), WANT_IRQS, gsi,
				   DELIVERY_TIMEOUT_MS);
		KUNIT_EXPECT_EQ(test, READ_ONCE(rtc_irqs_elsewhere), 0);
		io_apic_mask_gsi((u32)gsi);
		/* One may have been on its way to the CPU before the mask. */
		mdelay(DRAIN_MS);
		WRITE_ONCE(rtc_irqs, 0);
		mdelay(QUIET_MS);
		KUNIT_EXPECT_EQ(test, READ_ONCE(rtc_irqs), 0);
		kunit_info(test, "RTC on GSI %d, vector %d, CPU %u", gsi,
			   vector, cpu);
	}
	rtc_periodic(false);
	free_vector((unsigned int)vector, rtc_interrupt);
}

static void io_apic_rtc_to_boot_cpu(struct kunit *test)
{
	if (io_apic_usable(test))
		rtc_delivery_to(test, smp_processor_id());
}

static void io_apic_rtc_to_other_cpu(struct kunit *test)
{
	unsigned int other;

	if (!io_apic_usable(test) || !kunit_need_cpus(test, 2))
		return;
	other = smp_processor_id() ? 0 : 1;
	rtc_delivery_to(test, other);
}

static void io_apic_rejects_bad_input(struct kunit *test)
{
	u32 end;

	if (!io_apic_usable(test))
		return;
	end = io_apic_gsi_base() + io_apic_nr_gsis();
	KUNIT_EXPECT_TRUE(test, io_apic_nr_gsis() >= ACPI_ISA_IRQS);
	KUNIT_EXPECT_EQ(test, io_apic_route_gsi(end, 0x40, 0, false, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, io_apic_route_gsi(~0U, 0x40, 0, false, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, io_apic_route_gsi(end - 1, X86_TRAP_PF, 0,
						false, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, io_apic_route_gsi(end - 1, SPURIOUS_APIC_VECTOR,
						0, false, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, io_apic_route_gsi(end - 1, 0x40,
						IO_APIC_MAX_DEST + 1, false,
						false), -EINVAL);
	KUNIT_EXPECT_EQ(test, io_apic_route_isa_irq(ACPI_ISA_IRQS, 0x40, 0),
			-EINVAL);
	/* Masking what does not exist must be harmless. */
	io_apic_mask_gsi(end);
}

SELFTEST_SUITE(io_apic,
	KUNIT_CASE(io_apic_rtc_to_boot_cpu),
	KUNIT_CASE(io_apic_rtc_to_other_cpu),
	KUNIT_CASE(io_apic_rejects_bad_input));
