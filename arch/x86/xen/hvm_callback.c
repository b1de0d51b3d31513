// SPDX-License-Identifier: MIT
/*
 * How events reach an HVM or PVH guest: the event callback.
 *
 * A PV guest gets events through a callback address; a guest on hardware
 * virtualisation gets them as an interrupt, in one of three ways, best
 * first:
 *
 *   percpu  each vCPU names its own LAPIC vector
 *           (HVMOP_set_evtchn_upcall_vector); delivered through the
 *           local APIC, so the handler must EOI it.
 *   vector  one vector for the whole domain (HVM_PARAM_CALLBACK_IRQ,
 *           vector type), injected straight into whichever vCPU the
 *           event is bound to.
 *   intx    the Xen platform PCI device's interrupt line, through the
 *           IOAPIC: only vCPU 0 ever sees events.
 *
 * Each is probed in turn and the first that Xen accepts is used, with a
 * log line for every refusal; xen_callback= caps the level for testing.
 * PV timers, PV IPIs, the pvclock and PV spinlocks need events on every
 * vCPU, so they are only used with percpu or vector.
 */
#include <pvk/kernel.h>
#include <pvk/ratelimit.h>
#include <pvk/params.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/xen/callback.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypercall.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/features.h>
#include <xen/platform-pci.h>

/* Forced upper bound of the probe: percpu (default), vector, intx, none. */
static char xen_callback_opt[8] = "percpu";
param_string("xen_callback", xen_callback_opt);

static enum xen_callback callback_level = XEN_CALLBACK_NONE;

/* What the try functions below need from the probe's caller. */
static const struct xen_cpuid_info *probe_cpuid;
/* The xen_callback= cap, read once by xen_callback_probe(). */
static enum xen_callback callback_limit = XEN_CALLBACK_PERCPU;

/**
 * xen_callback - the event delivery in use
 */
enum xen_callback xen_callback(void)
{
	return callback_level;
}

/* What CALLBACK_IRQ was last set to: a restored domain is told again. */
static u64 callback_via;

static long set_callback_param(u64 value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = value,
	};
	long rc = HYPERVISOR_hvm_op(HVMOP_set_param, &p);

	if (!rc)
		callback_via = value;
	return rc;
}

/* Have Xen deliver a vCPU's events to its own vector: 0 or Xen's error. */
static long set_upcall_vector(unsigned int vcpu)
{
	struct xen_hvm_evtchn_upcall_vector v = {
		.vcpu = vcpu,
		.vector = XEN_HVM_UPCALL_VECTOR,
	};

	return HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &v);
}

static int try_percpu(void)
{
	long rc;

	if (!(probe_cpuid->hvm_features & XEN_HVM_CPUID_UPCALL_VECTOR)) {
		pr_info("xen: no per-vCPU upcall vector (CPUID); trying the "
			"domain-wide vector\n");
		return -ENODEV;
	}
	rc = set_upcall_vector(0);	/* the boot vCPU: always 0 */
	if (rc) {
		pr_warn("xen: HVMOP_set_evtchn_upcall_vector refused: %ld; trying "
			"the domain-wide vector\n", rc);
		return (int)rc;
	}
	/*
	 * The toolstack takes a zero CALLBACK_IRQ to mean "no PV drivers"
	 * (and would suspend the guest behind its back), so name a GSI
	 * that Xen never raises while per-vCPU vectors are set.
	 */
	rc = set_callback_param(1);
	if (rc)
		pr_warn("xen: setting CALLBACK_IRQ for the toolstack failed: %ld\n", rc);
	return 0;
}

static int try_vector(void)
{
	u64 via = (u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | XEN_HVM_UPCALL_VECTOR;
	long rc;

	if (!xen_feature(XENFEAT_hvm_callback_vector)) {
		pr_info("xen: no domain-wide callback vector (XENFEAT); trying "
			"INTx\n");
		return -ENODEV;
	}
	rc = set_callback_param(via);
	if (rc) {
		pr_warn("xen: CALLBACK_IRQ vector refused: %ld; trying INTx\n", rc);
		return (int)rc;
	}
	return 0;
}

/**
 * xen_callback_probe - pick and register the event callback of vCPU 0
 * @cpuid: what CPUID said about Xen (the boot vCPU is vCPU 0)
 *
 * Runs once on the boot CPU, before the call sites are patched: the
 * result decides which pv_ops the platform installs.  INTx needs PCI
 * and the IOAPIC, so it is tried later (xen_callback_try_intx()).
 * Events only arrive once xen_callback_enable() installed the handler
 * and interrupts are on.
 */
enum xen_callback xen_callback_probe(const struct xen_cpuid_info *cpuid)
{
	const xen_callback_try_fn try[XEN_CALLBACK_LEVELS] = {
		[XEN_CALLBACK_VECTOR] = try_vector,
		[XEN_CALLBACK_PERCPU] = try_percpu,
	};
	bool known;

	callback_limit = xen_callback_parse(xen_callback_opt, &known);
	if (!known)
		pr_warn("xen: unknown xen_callback=%s (want percpu, vector, intx "
			"or none); using percpu\n", xen_callback_opt);
	else if (callback_limit < XEN_CALLBACK_PERCPU)
		pr_info("xen: xen_callback=%s\n", xen_callback_name(callback_limit));
	probe_cpuid = cpuid;
	callback_level = xen_callback_choose(callback_limit, try);
	pr_info("xen: event callback: %s\n", xen_callback_name(callback_level));
	return callback_level;
}

/*
 * The platform PCI device's interrupt as the callback: through the
 * IOAPIC to vCPU 0's local APIC, at the callback vector.  The firmware
 * (hvmloader) routes the PCI link to an ISA IRQ and writes it to the
 * interrupt line; Xen is told that IRQ's GSI.  A line of 0 (unrouted,
 * and GSI 0 would switch the callback off), 16 or more (pvk reads no
 * _PRT to know which IOAPIC pin Xen would raise) or 0xff (unknown) is
 * refused.
 */
static int setup_intx(const struct xen_platform_pci *dev)
{
	u32 apic0 = per_cpu(0)->apic_id;
	int gsi;
	u64 via;
	long rc;

	if (!dev->irq_pin) {
		pr_warn("xen: the platform PCI device has no interrupt pin; no INTx\n");
		return -ENODEV;
	}
	if (!io_apic_present()) {
		pr_warn("xen: no IOAPIC to route the platform PCI interrupt; no INTx\n");
		return -ENODEV;
	}
	if (!dev->irq_line || dev->irq_line >= 16) {
		pr_warn("xen: platform PCI interrupt line %u is not a routed ISA "
			"IRQ; no INTx\n", dev->irq_line);
		return -EINVAL;
	}
	gsi = io_apic_route_isa_irq(dev->irq_line, XEN_HVM_UPCALL_VECTOR, apic0);
	if (gsi <= 0)
		return gsi ? gsi : -EINVAL;
	via = (u64)HVM_PARAM_CALLBACK_TYPE_GSI << 56 | (u32)gsi;
	rc = set_callback_param(via);
	if (rc) {
		pr_warn("xen: CALLBACK_IRQ INTx (%#llx) refused: %ld\n",
			(unsigned long long)via, rc);
		return (int)rc;
	}
	pr_info("xen: events through the platform PCI INTx%c, line %u, vCPU 0 "
		"only\n", 'A' + dev->irq_pin - 1, dev->irq_line);
	return 0;
}

/**
 * xen_callback_try_intx - fall back to the platform PCI device's INTx
 * @dev: the device, or NULL where there is none
 *
 * For a guest whose vectors were refused (or capped away), once the
 * IOAPIC and PCI are up; a PVH guest has no such device.  Every event then goes to vCPU 0, so the ports
 * stay there.  Returns the callback now in use.
 */
enum xen_callback xen_callback_try_intx(const struct xen_platform_pci *dev)
{
	if (callback_level != XEN_CALLBACK_NONE)
		return callback_level;
	if (callback_limit >= XEN_CALLBACK_INTX && !dev)
		pr_warn("xen: no platform PCI device for an INTx callback\n");
	if (callback_limit < XEN_CALLBACK_INTX || !dev || setup_intx(dev)) {
		pr_warn("xen: no event delivery; no PV devices, LAPIC timer and "
			"APIC IPIs\n");
		return callback_level;
	}
	callback_level = XEN_CALLBACK_INTX;
	pr_info("xen: event callback: intx\n");
	return callback_level;
}

/* The callback: all events pending for this vCPU. */
static void xen_hvm_callback_interrupt(struct pt_regs *regs)
{
	xen_evtchn_do_upcall(regs);
}

/**
 * xen_callback_enable - install the callback's interrupt handler
 *
 * The vector's handler is the same for every level (INTx is routed to
 * it too).  do_interrupt() EOIs the local APIC after every vector: the
 * per-vCPU and INTx deliveries need it, and for the domain-wide vector,
 * which bypasses the APIC, an EOI with nothing in service is ignored.
 */
void xen_callback_enable(void)
{
	if (callback_level == XEN_CALLBACK_NONE)
		return;
	if (request_vector(XEN_HVM_UPCALL_VECTOR, xen_hvm_callback_interrupt))
		panic("xen: vector %#x is taken", XEN_HVM_UPCALL_VECTOR);
}

/**
 * xen_callback_cpu_init - the callback of a secondary vCPU
 * @cpu: the calling CPU
 * @vcpu: its vCPU id
 *
 * Per-vCPU vectors are registered by each vCPU for itself.  An event
 * that became pending before that would wait for the next one, so a
 * pending flag is turned into an interrupt right away.  Returns 0, or
 * Xen's error when it refused the vector (the CPU then gets no events).
 */
int xen_callback_cpu_init(unsigned int cpu, unsigned int vcpu)
{
	long rc;

	if (callback_level != XEN_CALLBACK_PERCPU)
		return 0;
	rc = set_upcall_vector(vcpu);
	if (rc) {
		pr_err("xen: CPU %u: HVMOP_set_evtchn_upcall_vector failed: %ld; "
		       "not started\n", cpu, rc);
		return (int)rc;
	}
	if (READ_ONCE(xen_vcpu_info()->evtchn_upcall_pending))
		apic_send_ipi(apic_read_id(), XEN_HVM_UPCALL_VECTOR);
	return 0;
}

/**
 * xen_callback_idle_lost - an upcall Xen raised that never arrived
 *
 * For the idle loop, interrupts off.  With per-vCPU vectors Xen raises
 * the vector only when evtchn_upcall_pending goes from 0 to 1; a flag
 * that is set with the vector neither requested nor in service means
 * that interrupt was lost, and nothing would deliver this vCPU's events
 * again.  The vector is raised here instead.  Returns true then.
 */
bool xen_callback_idle_lost(void)
{
	if (callback_level != XEN_CALLBACK_PERCPU ||
	    !READ_ONCE(xen_vcpu_info()->evtchn_upcall_pending) ||
	    apic_vector_outstanding(XEN_HVM_UPCALL_VECTOR))
		return false;
	pr_warn_ratelimited("xen: CPU %u idle with an event upcall pending and its vector %#x neither requested nor in service; raising it\n",
			    smp_processor_id(), XEN_HVM_UPCALL_VECTOR);
	apic_send_ipi(apic_read_id(), XEN_HVM_UPCALL_VECTOR);
	return true;
}

/**
 * xen_callback_resume - the boot vCPU's callback in a restored domain
 *
 * The new domain has neither CALLBACK_IRQ nor any vCPU's upcall vector
 * (the other vCPUs ask for theirs with xen_callback_cpu_init()).  From
 * the boot vCPU, events off.  Returns 0, or Xen's error (logged: the
 * domain then gets no events).
 */
int xen_callback_resume(void)
{
	long rc;

	if (callback_level == XEN_CALLBACK_NONE)
		return 0;
	rc = set_callback_param(callback_via);
	if (rc) {
		pr_err("xen: CALLBACK_IRQ %#llx refused after the restore: %ld\n",
		       (unsigned long long)callback_via, rc);
		return (int)rc;
	}
	return xen_callback_cpu_init(0, 0);
}

/**
 * xen_events_everywhere - pvk runs on Xen with events on every vCPU
 *
 * Always so for a PV guest; for an HVM or PVH guest with the per-vCPU
 * or domain-wide vector.  What the event, timer and spinlock
 * self-tests need.
 */
bool xen_events_everywhere(void)
{
	if (x86_platform == &xen_pv_platform)
		return true;
	return (x86_platform == &xen_pvh_platform ||
		x86_platform == &xen_hvm_platform) && xen_callback_everywhere();
}

/**
 * xen_callback_everywhere - whether every vCPU receives events
 *
 * What PV timers, PV IPIs, the pvclock and PV spinlocks need.
 */
bool xen_callback_everywhere(void)
{
	return callback_level >= XEN_CALLBACK_VECTOR;
}
