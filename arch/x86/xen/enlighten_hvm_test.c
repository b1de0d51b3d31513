// SPDX-License-Identifier: MIT
/*
 * Self-tests of pvk as a Xen HVM or PVH guest (enlighten_hvm.c,
 * hvm_callback.c, smp_hvm.c): CPUID detection, event delivery to every
 * vCPU through the callback in use, the PV timer on every vCPU, and the
 * grant table placed in frames pvk chose.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/bench.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/apic.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/xen/callback.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/platform-pci-unplug.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/grant_table.h>
#include <xen/platform-pci.h>
#include <xen/platform_info.h>

#define WAIT_MS		2000	/* emulated vCPUs are slow to answer */

static bool hvm_platform(void)
{
	return x86_platform == &xen_hvm_platform ||
	       x86_platform == &xen_pvh_platform;
}

static bool need_hvm(struct kunit *test)
{
	if (!hvm_platform()) {
		kunit_skip(test, "not a Xen HVM or PVH guest (%s)",
			   arch_platform_name());
		return false;
	}
	return true;
}

/* A Xen behind a Hyper-V interface, and a wrongly signed one. */
static bool fake_wrong_signature;

static void fake_cpuid(u32 leaf, u32 regs[4])
{
	memset(regs, 0, 4 * sizeof(u32));
	if (leaf == 0x40000000) {
		regs[0] = 0x40000005;
		regs[1] = 0x7263694d;	/* "Micr" */
	} else if (leaf == 0x40000100) {
		regs[0] = 0x40000104;
		regs[1] = XEN_CPUID_SIGNATURE_EBX;
		regs[2] = XEN_CPUID_SIGNATURE_ECX;
		regs[3] = fake_wrong_signature ? 0 : XEN_CPUID_SIGNATURE_EDX;
	} else if (leaf == 0x40000101) {
		regs[0] = 4 << 16 | 17;
	} else if (leaf == 0x40000102) {
		regs[0] = 1;
		regs[1] = 0x40000000;
	}
}

/* Runs everywhere: fake leaves, then the real ones against the platform. */
static void xen_hvm_cpuid_detection(struct kunit *test)
{
	struct xen_cpuid_info x;
	enum xen_cpuid_result r;

	fake_wrong_signature = false;
	KUNIT_EXPECT_EQ(test, xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_OK);
	KUNIT_EXPECT_EQ(test, x.base, 0x40000100);
	KUNIT_EXPECT_EQ(test, x.major, 4);
	KUNIT_EXPECT_EQ(test, x.minor, 17);
	fake_wrong_signature = true;
	KUNIT_EXPECT_EQ(test, xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_ABSENT);

	r = xen_cpuid_probe(xen_hvm_cpuid, &x);
	kunit_info(test, "real CPUID: %s (base %#x) on %s",
		   xen_cpuid_result_name(r), x.base, arch_platform_name());
	if (hvm_platform()) {
		KUNIT_EXPECT_EQ(test, r, XEN_CPUID_OK);
		KUNIT_EXPECT_EQ(test, x.base, xen_hvm_cpuid_base());
	}
}

struct delivery {
	int cpu;		/* where the handler ran, -1 before */
};

static void record_cpu(unsigned int port, void *data, struct pt_regs *regs)
{
	struct delivery *d = data;

	__atomic_store_n(&d->cpu, (int)smp_processor_id(), __ATOMIC_RELEASE);
}

static int deliver_to(unsigned int cpu)
{
	struct delivery d = { .cpu = -1 };
	int port = xen_bind_ipi(cpu, record_cpu, &d);
	u64 end = ktime_get_ns() + WAIT_MS * NSEC_PER_MSEC;
	int got;

	if (port < 0)
		return -2;
	xen_evtchn_notify(port);
	while (__atomic_load_n(&d.cpu, __ATOMIC_ACQUIRE) < 0 && ktime_get_ns() < end)
		msleep(1);
	got = __atomic_load_n(&d.cpu, __ATOMIC_ACQUIRE);
	xen_unbind(port);
	return got;
}

/* Whatever the callback, an event bound to vCPU 0 arrives there. */
static void xen_hvm_callback_delivers(struct kunit *test)
{
	if (!need_hvm(test))
		return;
	if (xen_callback() == XEN_CALLBACK_NONE) {
		kunit_skip(test, "callback=none (xen_callback=none or all refused)");
		return;
	}
	KUNIT_EXPECT_EQ(test, deliver_to(0), 0);
	kunit_info(test, "callback=%s", xen_callback_name(xen_callback()));
}

/*
 * An HVM guest's emulated disks and NICs are unplugged (the rows give it
 * both); a PVH guest has none to unplug.
 */
static void xen_hvm_unplug_result_as_expected(struct kunit *test)
{
	enum xen_unplug_result r = xen_hvm_unplug_result();

	if (!need_hvm(test))
		return;
	kunit_info(test, "unplug=%s", xen_unplug_result_name(r));
	if (x86_platform == &xen_pvh_platform) {
		KUNIT_EXPECT_EQ(test, r, XEN_UNPLUG_NOT_NEEDED);
		KUNIT_EXPECT_FALSE(test, xen_platform_info()->no_pv_disks);
		return;
	}
	if (r == XEN_UNPLUG_NEVER) {
		KUNIT_EXPECT_TRUE(test, xen_platform_info()->no_pv_disks);
		return;
	}
	KUNIT_EXPECT_EQ(test, r, XEN_UNPLUG_DONE);
	KUNIT_EXPECT_FALSE(test, xen_platform_info()->no_pv_disks);
}

/* An event bound to each vCPU runs its handler there. */
static void xen_hvm_callback_every_vcpu(struct kunit *test)
{
	if (!need_hvm(test))
		return;
	if (!xen_callback_everywhere()) {
		kunit_skip(test, "callback=%s reaches vCPU 0 only",
			   xen_callback_name(xen_callback()));
		return;
	}
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!cpumask_test_cpu(cpu, &cpu_online_mask))
			continue;
		KUNIT_EXPECT_EQ(test, deliver_to(cpu), (int)cpu);
	}
	kunit_info(test, "callback=%s delivered on %u vCPUs",
		   xen_callback_name(xen_callback()), num_online_cpus());
}

/*
 * Spin until this vCPU ticked 3 times or WAIT_MS passed: a busy vCPU
 * has its periodic tick (an idle one is tickless).  Returns the ticks.
 */
static int busy_until_3_ticks(void *unused)
{
	u64 before = READ_ONCE(this_cpu()->ticks);
	u64 end = ktime_get_ns() + WAIT_MS * NSEC_PER_MSEC;

	while (READ_ONCE(this_cpu()->ticks) < before + 3 && ktime_get_ns() < end)
		cpu_relax();
	return (int)(READ_ONCE(this_cpu()->ticks) - before);
}

/* With the PV timer, every busy vCPU ticks through its VIRQ_TIMER port. */
static void xen_hvm_pv_timer_every_vcpu(struct kunit *test)
{
	if (!need_hvm(test))
		return;
	if (pv_ops.time.sched_clock != xen_sched_clock) {
		kunit_skip(test, "LAPIC timer in use (callback=%s)",
			   xen_callback_name(xen_callback()));
		return;
	}
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct thread *t;

		if (!cpumask_test_cpu(cpu, &cpu_online_mask))
			continue;
		KUNIT_EXPECT_TRUE(test, xen_percpu[cpu].timer_port > 0);
		t = kthread_run(busy_until_3_ticks, NULL, "busy", cpu);
		KUNIT_ASSERT_TRUE(test, t != NULL);
		KUNIT_EXPECT_TRUE(test, kthread_join(t) >= 3);
	}
}

/* The grant table sits in the frames pvk set aside, and grants work. */
static void xen_hvm_grant_frames_placed(struct kunit *test)
{
	const struct xen_platform_info *info = xen_platform_info();
	void *page;
	int ref;

	if (!need_hvm(test))
		return;
	if (xen_callback() == XEN_CALLBACK_NONE) {
		kunit_skip(test, "no event callback, no grant table");
		return;
	}
	KUNIT_EXPECT_TRUE(test, info->auto_translated);
	KUNIT_EXPECT_TRUE(test, info->gnttab_frames_max >= 36);
	if (x86_platform == &xen_hvm_platform) {
		struct xen_platform_pci dev;
		u64 pa = PFN_PHYS(info->gnttab_frames_pfn);

		/* Probing again finds the same device and BARs. */
		KUNIT_ASSERT_TRUE(test, xen_platform_pci_probe(&dev) == 0);
		KUNIT_EXPECT_TRUE(test, pa >= dev.mmio_base &&
				  pa + ((u64)info->gnttab_frames_max << PAGE_SHIFT) <=
				  dev.mmio_base + dev.mmio_size);
	}
	page = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, page != NULL);
	ref = gnttab_grant_foreign_access(0, PFN_DOWN(__pa(page)), true);
	KUNIT_EXPECT_TRUE(test, ref > 0);
	if (ref > 0)
		KUNIT_EXPECT_EQ(test, gnttab_end_foreign_access(ref, page), 0);
	else
		free_pages(page, 0);
	kunit_info(test, "grant frames from pfn %#lx, %u set aside",
		   info->gnttab_frames_pfn, info->gnttab_frames_max);
}

/*
 * A remote TLB flush is one HVMOP_flush_tlbs, whatever the vCPU count
 * (the count leaves out hypercalls made by event handlers meanwhile).
 */
static void xen_hvm_tlb_shootdown_is_one_hypercall(struct kunit *test)
{
	u64 before, after;

	if (!need_hvm(test) || !kunit_need_cpus(test, 2))
		return;
	KUNIT_EXPECT_TRUE(test, xen_hvm_tlb_flush_by_hypercall());
	before = bench_hypercall_count();
	flush_tlb_all_cpus(TLB_FLUSH_ALL);
	after = bench_hypercall_count();
	KUNIT_EXPECT_EQ(test, after - before, 1);
}

/*
 * An upcall Xen raised that never arrived (evtchn_upcall_pending set,
 * the vector neither requested nor in service) is delivered all the
 * same.  With per-vCPU vectors, which Xen raises only when the flag
 * goes from 0 to 1, the idle loop's check (xen_callback_idle_lost())
 * raises it again; a domain-wide vector Xen raises for as long as the
 * flag is set, and the check leaves it to Xen.  The flag is set by
 * hand, as Xen would have.
 */
static void xen_hvm_lost_upcall_raised_again(struct kunit *test)
{
	bool percpu = xen_callback() == XEN_CALLBACK_PERCPU;
	u64 upcalls, end;
	unsigned long flags;
	bool raised, outstanding;

	if (!need_hvm(test))
		return;
	if (xen_callback() != XEN_CALLBACK_PERCPU &&
	    xen_callback() != XEN_CALLBACK_VECTOR) {
		kunit_skip(test, "events reach vCPU 0 only, through INTx, or not at all");
		return;
	}
	flags = arch_local_irq_save();
	/* An event on its way: let it in first. */
	while (apic_vector_outstanding(XEN_HVM_UPCALL_VECTOR)) {
		arch_local_irq_restore(flags);
		cpu_relax();
		flags = arch_local_irq_save();
	}
	upcalls = READ_ONCE(xen_this_cpu()->upcalls);
	WRITE_ONCE(xen_vcpu_info()->evtchn_upcall_pending, 1);
	raised = xen_callback_idle_lost();
	outstanding = apic_vector_outstanding(XEN_HVM_UPCALL_VECTOR);
	arch_local_irq_restore(flags);
	end = ktime_get_ns() + NSEC_PER_SEC;
	while (READ_ONCE(xen_this_cpu()->upcalls) == upcalls && ktime_get_ns() < end)
		cpu_relax();
	kunit_info(test, "callback %s: raised again %d, vector outstanding %d",
		   percpu ? "percpu" : "vector", raised, outstanding);
	KUNIT_EXPECT_EQ(test, raised, percpu);
	KUNIT_EXPECT_EQ(test, outstanding, percpu);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(xen_this_cpu()->upcalls) > upcalls);
	KUNIT_EXPECT_FALSE(test, xen_callback_idle_lost());
}

SELFTEST_SUITE(xen_hvm,
	KUNIT_CASE(xen_hvm_cpuid_detection),
	KUNIT_CASE(xen_hvm_callback_delivers),
	KUNIT_CASE(xen_hvm_unplug_result_as_expected),
	KUNIT_CASE(xen_hvm_callback_every_vcpu),
	KUNIT_CASE(xen_hvm_pv_timer_every_vcpu),
	KUNIT_CASE(xen_hvm_grant_frames_placed),
	KUNIT_CASE(xen_hvm_tlb_shootdown_is_one_hypercall),
	KUNIT_CASE(xen_hvm_lost_upcall_raised_again));
