// SPDX-License-Identifier: MIT
/*
 * Self-tests of the idle loop's recovery of lost interrupts
 * (apic_idle_lost_interrupts()): with nothing in service it changes
 * nothing, and a vector of 0xe0-0xff left in service, as a lost
 * delivery leaves it, is ended.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/selftest.h>
#include <pvk/string.h>
#include <pvk/time.h>
#include <asm/apic.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/traps.h>

/* Unused by pvk: below the timer's, so nothing else is blocked meanwhile. */
#define TEST_VECTOR		0xe8
#define DELIVERY_TIMEOUT_MS	1000

static bool test_ran, test_ended, test_outstanding;

/* Its vector is in service right now, as a lost delivery leaves one. */
static void test_vector_handler(struct pt_regs *regs)
{
	WRITE_ONCE(test_ended, apic_idle_lost_interrupts());
	WRITE_ONCE(test_outstanding, apic_vector_outstanding(TEST_VECTOR));
	WRITE_ONCE(test_ran, true);
}

static bool need_apic(struct kunit *test)
{
	if (!strcmp(arch_platform_name(), "xen-pv")) {
		kunit_skip(test, "no local APIC in a Xen PV guest");
		return false;
	}
	return true;
}

static void apic_idle_ends_a_vector_left_in_service(struct kunit *test)
{
	u64 end = ktime_get_ns() + DELIVERY_TIMEOUT_MS * NSEC_PER_MSEC;
	unsigned long flags;

	if (!need_apic(test))
		return;
	KUNIT_ASSERT_TRUE(test, request_vector(TEST_VECTOR, test_vector_handler) == 0);
	test_ran = test_ended = false;
	test_outstanding = true;
	flags = arch_local_irq_save();
	/* A thread has nothing in service: nothing to end. */
	KUNIT_EXPECT_FALSE(test, apic_idle_lost_interrupts());
	apic_send_ipi(apic_read_id(), TEST_VECTOR);
	arch_local_irq_restore(flags);
	while (!READ_ONCE(test_ran) && ktime_get_ns() < end)
		cpu_relax();
	free_vector(TEST_VECTOR, test_vector_handler);
	KUNIT_ASSERT_TRUE(test, READ_ONCE(test_ran));
	KUNIT_EXPECT_TRUE(test, test_ended);
	KUNIT_EXPECT_FALSE(test, test_outstanding);
}

SELFTEST_SUITE(apic,
	KUNIT_CASE(apic_idle_ends_a_vector_left_in_service));
