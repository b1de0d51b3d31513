// SPDX-License-Identifier: MIT
/*
 * pvk on Xen with hardware virtualisation: the "xen-hvm" platform (an
 * HVM guest that firmware and GRUB start through multiboot2) and the
 * "xen-pvh" platform (Xen's PVH loader starts it, as a domU or as dom0).
 *
 * Both are found from the native entries through Xen's CPUID leaves.
 * The CPU, its page tables and interrupt flag are real (emulated by the
 * hardware), so the native pv_ops stay; what changes is everything that
 * talks to Xen: the hypercall page (enabled through an MSR), shared_info
 * (placed by the guest), events (an interrupt vector, hvm_callback.c),
 * and, when every vCPU receives events, the pvclock, the PV one-shot
 * timer, event-channel IPIs and PV spinlocks.  The local APIC, ACPI and
 * INIT-SIPI start-up of the native platform are reused.
 */
#include <pvk/kernel.h>
#include <pvk/acpi.h>
#include <pvk/bootinfo.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/smp.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/native.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/platform-pci-unplug.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/grant_table.h>
#include <xen/platform-pci.h>
#include <xen/platform_info.h>
#include <xen/balloon.h>
#include <xen/cpu_hotplug.h>
#include <xen/manage.h>
#include <xen/xenbus.h>

#define HYPERCALL_PAGE_FILL	0xcc	/* xen-head.S: int3 until Xen writes it */
#define GNTTAB_FRAMES_ORDER	6	/* 64 frames: entries and v2 status */

/* xen_nopv: run as bare metal even when Xen is there. */
static bool xen_nopv;
param_bool("xen_nopv", xen_nopv);

static enum { HVM_UNPROBED, HVM_ABSENT, HVM_FOUND } hvm_state;
static struct xen_cpuid_info hvm_cpuid;
static char hvm_boot_extra[8];
static struct xen_platform_pci hvm_platform_dev;
static bool hvm_have_platform_dev;
static enum xen_unplug_result hvm_unplug = XEN_UNPLUG_NOT_NEEDED;
static char hvm_features_line[160];

/*
 * shared_info replaces this page of .bss: Xen maps its own frame at the
 * page's guest frame, and every mapping of the kernel image shows it.
 */
static u8 hvm_shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

/**
 * xen_hvm_cpuid - the CPUID instruction as xen_cpuid_probe() wants it
 * @leaf: the leaf (subleaf 0)
 * @regs: EAX, EBX, ECX, EDX out
 */
void xen_hvm_cpuid(u32 leaf, u32 regs[4])
{
	regs[0] = leaf;
	regs[2] = 0;
	native_cpuid(&regs[0], &regs[1], &regs[2], &regs[3]);
}

/**
 * xen_feature - one bit of XENVER_get_features submap 0
 * @flag: XENFEAT_*
 *
 * Read once; a refused query reads as no features.
 */
bool xen_feature(unsigned int flag)
{
	static struct xen_feature_info fi;
	static bool read;

	if (!read) {
		if (HYPERVISOR_xen_version(XENVER_get_features, &fi))
			fi.submap = 0;
		read = true;
	}
	return flag < 32 && (fi.submap & (1U << flag));
}

/* Xen writes its transfer stubs into the page once it knows the address. */
static bool enable_hypercall_page(void)
{
	u64 pa = __pa_symbol(hypercall_page);

	if (native_wrmsr_safe(hvm_cpuid.hypercall_msr, pa)) {
		pr_err("xen: MSR %#x refused the hypercall page address; running "
		       "as bare metal\n", hvm_cpuid.hypercall_msr);
		return false;
	}
	if ((u8)hypercall_page[0] == HYPERCALL_PAGE_FILL) {
		pr_err("xen: the hypercall page is still empty after MSR %#x; "
		       "running as bare metal\n", hvm_cpuid.hypercall_msr);
		return false;
	}
	return true;
}

/**
 * xen_hvm_place_shared_info - have Xen put shared_info in our page
 *
 * At boot, and again in a restored domain (whose shared_info is a new
 * page that Xen has not placed anywhere).  Returns 0 or Xen's error.
 */
long xen_hvm_place_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = PFN_DOWN(__pa_symbol(hvm_shared_info_page)),
	};

	return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

static bool map_shared_info(void)
{
	long rc = xen_hvm_place_shared_info();

	if (rc) {
		pr_err("xen: cannot place shared_info: %ld; running as bare metal\n",
		       rc);
		return false;
	}
	HYPERVISOR_shared_info = (struct shared_info *)hvm_shared_info_page;
	return true;
}

static unsigned int boot_vcpu_id(void)
{
	return hvm_cpuid.hvm_features & XEN_HVM_CPUID_VCPU_ID_PRESENT ?
	       hvm_cpuid.vcpu_id : 0;
}

/*
 * Once per boot, for whichever of the two platforms asks first: is
 * this Xen, and can pvk talk to it?  Each refusal is logged and leaves
 * pvk on bare metal.  From the first hypercall on the boot CPU counts
 * them in xen_percpu[0].
 */
static bool xen_hvm_probe(void)
{
	enum xen_cpuid_result r;

	if (hvm_state != HVM_UNPROBED)
		return hvm_state == HVM_FOUND;
	hvm_state = HVM_ABSENT;
	if (!cpu_has_hypervisor())
		return false;
	r = xen_cpuid_probe(xen_hvm_cpuid, &hvm_cpuid);
	if (r == XEN_CPUID_ABSENT)
		return false;
	if (r != XEN_CPUID_OK) {
		pr_warn("xen: %s; running as bare metal\n", xen_cpuid_result_name(r));
		return false;
	}
	if (xen_nopv) {
		pr_info("xen: Xen %u.%u found; xen_nopv: running as bare metal\n",
			hvm_cpuid.major, hvm_cpuid.minor);
		return false;
	}
	if (boot_vcpu_id()) {
		pr_err("xen: the boot CPU is vCPU %u, not 0; running as bare metal\n",
		       boot_vcpu_id());
		return false;
	}
	if (!enable_hypercall_page())
		return false;
	this_cpu()->platform = &xen_percpu[0];
	if (!map_shared_info()) {
		this_cpu()->platform = NULL;
		return false;
	}
	hvm_state = HVM_FOUND;
	return true;
}

/**
 * xen_hvm_unplug_result - what became of the emulated disks and NICs
 */
enum xen_unplug_result xen_hvm_unplug_result(void)
{
	return hvm_unplug;
}

/**
 * xen_hvm_cpuid_base - the CPUID leaf where Xen's leaves start (0: none)
 */
u32 xen_hvm_cpuid_base(void)
{
	return hvm_cpuid.base;
}

static bool xen_pvh_detect(const struct boot_record *br)
{
	return br->entry && !strcmp(br->entry, "pvh") && xen_hvm_probe();
}

static bool xen_hvm_detect(const struct boot_record *br)
{
	return br->entry && !strcmp(br->entry, "multiboot2") && xen_hvm_probe();
}

static bool pvh_initial_domain(const struct boot_record *br)
{
	const struct hvm_start_info *si = br->platform_info;

	return x86_platform == &xen_pvh_platform && si &&
	       si->magic == XEN_HVM_START_MAGIC_VALUE &&
	       (si->flags & SIF_INITDOMAIN);
}

/*
 * pv_ops.mmu.flush_tlb_multi: one hypercall flushes every vCPU's TLB.
 * make bench measures it next to the IPI shootdown (tlb_flush_hvmop and
 * tlb_flush_ipis): about a third of the cycles with two vCPUs under TCG,
 * and the IPIs would need events or APIC IPIs to every vCPU anyway.
 * Should Xen refuse it, the IPIs do the work.
 */
static bool flush_hypercall_refused;
static void xen_hvm_flush_tlb_multi(const struct cpumask *cpus, unsigned long va);

/**
 * xen_hvm_tlb_flush_by_hypercall - do remote TLB flushes take HVMOP_flush_tlbs?
 *
 * True on an HVM or PVH guest until Xen refuses the hypercall once.
 */
bool xen_hvm_tlb_flush_by_hypercall(void)
{
	return pv_ops.mmu.flush_tlb_multi == xen_hvm_flush_tlb_multi &&
	       !READ_ONCE(flush_hypercall_refused);
}

static void xen_hvm_flush_tlb_multi(const struct cpumask *cpus, unsigned long va)
{
	long rc;

	if (!READ_ONCE(flush_hypercall_refused)) {
		rc = HYPERVISOR_hvm_op(HVMOP_flush_tlbs, NULL);
		if (!rc)
			return;
		WRITE_ONCE(flush_hypercall_refused, true);
		pr_warn("xen: HVMOP_flush_tlbs refused: %ld; TLB shootdowns by IPI\n",
			rc);
	}
	native_flush_tlb_multi(cpus, va);
}

/*
 * pv_ops of a hardware-virtualised Xen guest: native, except remote TLB
 * flushes and what needs events on every vCPU.  Decided before the call
 * sites are patched.
 */
static void xen_hvm_init_pv_ops(struct boot_record *br)
{
	bool dom0 = pvh_initial_domain(br);
	struct xen_platform_info info = {
		.store_pfn = XEN_NO_PFN,
		.console_pfn = XEN_NO_PFN,
		.auto_translated = true,
		.initial_domain = dom0,
	};

	xen_platform_info_set(&info);
	if (dom0)
		xen_console_io_init();
	if (!br->memmap.nr)
		xen_memory_map_from_xen(br);
	snprintf(hvm_boot_extra, sizeof(hvm_boot_extra), dom0 ? " dom0" : " domU");
	xen_percpu[0].vcpu_info = &HYPERVISOR_shared_info->vcpu_info[0];
	pv_ops.info.name = x86_platform->name;
	pv_ops.smp.start_cpu = xen_hvm_start_cpu;
	pv_ops.mmu.flush_tlb_multi = xen_hvm_flush_tlb_multi;
	if (xen_callback_probe(&hvm_cpuid) < XEN_CALLBACK_VECTOR)
		return;
	if (!xen_feature(XENFEAT_hvm_safe_pvclock)) {
		pr_warn("xen: pvclock not safe on this Xen; TSC clock, LAPIC timer\n");
		return;
	}
	xen_clock_set_base();
	pv_ops.time.sched_clock = xen_sched_clock;
	pv_ops.time.steal_clock = xen_steal_clock;
	pv_ops.smp.send_ipi = xen_send_ipi;
	xen_init_lock_ops();
}

/**
 * xen_hvm_pv_time - pvk keeps time with the pvclock and Xen's timer
 *
 * Both need a callback on every vCPU; else the TSC and LAPIC timer.
 */
bool xen_hvm_pv_time(void)
{
	return pv_ops.time.sched_clock == xen_sched_clock;
}

/*
 * The TSC frequency the pvclock is scaled by, valid with or without
 * event delivery: no PIT needed (PVH has none, and a PVH dom0's is Xen's).
 */
static u64 pvclock_tsc_khz(void)
{
	const struct vcpu_time_info *t = &xen_vcpu_info()->time;
	u64 khz;

	if (!t->tsc_to_system_mul)
		return 0;
	khz = (1000000ULL << 32) / t->tsc_to_system_mul;
	return t->tsc_shift < 0 ? khz << -t->tsc_shift : khz >> t->tsc_shift;
}

static long hvm_get_param(u32 index, u64 *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	*value = rc ? 0 : p.value;
	return rc;
}

/* One ring (xenstore or console): a frame and a port, both non-zero. */
static void read_ring(const char *what, u32 pfn_param, u32 port_param,
		      unsigned long *pfn, evtchn_port_t *port)
{
	u64 p, e;

	if (hvm_get_param(pfn_param, &p) || hvm_get_param(port_param, &e) ||
	    !p || !e) {
		pr_warn("xen: no %s ring in the HVM params\n", what);
		return;
	}
	if (p >= 1ULL << (52 - PAGE_SHIFT) || e >= EVTCHN_FIFO_NR_CHANNELS) {
		pr_err("xen: %s ring pfn %#llx port %llu out of range; not used\n",
		       what, (unsigned long long)p, (unsigned long long)e);
		return;
	}
	*pfn = p;
	*port = e;
}

/*
 * Guest frames for the grant table.  An HVM guest takes them from the
 * platform PCI device's memory BAR, which the firmware placed in the
 * PCI hole for exactly this.  A PVH guest has no such device: it gives
 * up RAM pages, as Linux's PVH does with ballooned pages (Xen drops the
 * RAM behind them when the table is placed there, and, unlike a hole in
 * the memory map, they cannot overlap a device).  0 when neither works.
 */
static unsigned long gnttab_frames(void)
{
	size_t len = PAGE_SIZE << GNTTAB_FRAMES_ORDER;
	void *ram;
	u64 bar;

	if (hvm_have_platform_dev) {
		bar = xen_platform_pci_mmio_alloc(len);
		if (bar)
			return PFN_DOWN(bar);
		pr_warn("xen: the platform device's BAR has no room for %zu "
			"grant frames; using RAM\n", len >> PAGE_SHIFT);
	}
	ram = alloc_pages(GNTTAB_FRAMES_ORDER);
	return ram ? PFN_DOWN(__pa(ram)) : 0;
}

/* A domU's xenstore and console rings, from the HVM params. */
static void read_rings(struct xen_platform_info *info)
{
	read_ring("xenstore", HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
		  &info->store_pfn, &info->store_evtchn);
	read_ring("console", HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN,
		  &info->console_pfn, &info->console_evtchn);
}

/**
 * xen_hvm_read_rings - where a restored domain's rings are
 *
 * The toolstack gave the restored domain new xenstore and console
 * ports (the rings keep their frames); the platform record names them
 * before the console and xenbus read it.  Events off, other vCPUs
 * parked.
 */
void xen_hvm_read_rings(void)
{
	struct xen_platform_info info = *xen_platform_info();

	read_rings(&info);
	xen_platform_info_set(&info);
}

/* The rest of the platform record, once memory is up. */
static void publish_platform_info(void)
{
	struct xen_platform_info info = *xen_platform_info();
	/* Without events there are no PV devices, so no grant table. */
	unsigned long frames = xen_callback() != XEN_CALLBACK_NONE ?
			       gnttab_frames() : 0;

	if (!info.initial_domain)
		read_rings(&info);
	if (frames) {
		info.gnttab_frames_pfn = frames;
		info.gnttab_frames_max = 1U << GNTTAB_FRAMES_ORDER;
	}
	info.no_pv_disks = x86_platform == &xen_hvm_platform &&
			   hvm_unplug != XEN_UNPLUG_DONE;
	if (info.no_pv_disks)
		pr_warn("xen: emulated disks not unplugged (unplug=%s): no PV "
			"disks, a disk seen twice corrupts data\n",
			xen_unplug_result_name(hvm_unplug));
	xen_platform_info_set(&info);
}

/* acpi_parse()'s mapper for the firmware's tables outside our RAM. */
static const void *firmware_map(u64 phys, u64 len)
{
	if (!len || phys + len < phys)
		return NULL;
	return ioremap(phys, len);
}

/*
 * A PVH dom0 powers off like a PV one: S5 from the FADT and the DSDT,
 * written by Xen.  Xen 4.17 gives a PVH dom0 an XSDT without a FADT on
 * machines whose firmware has only an RSDT (it copies the entries of a
 * host XSDT that does not exist); the firmware's own tables, found by
 * the legacy scan of low memory (which Xen maps 1:1 for dom0), still
 * name the right ports.
 */
static void pvh_dom0_acpi(void)
{
	static struct acpi_info firmware;

	if (native_acpi_info()->can_poweroff) {
		xen_acpi_use(native_acpi_info());
		return;
	}
	pr_warn("xen: dom0's ACPI tables have no S5; reading the firmware's\n");
	if (acpi_parse(0, firmware_map, &firmware) == 0 && firmware.can_poweroff)
		xen_acpi_use(&firmware);
	else
		pr_warn("xen: no firmware ACPI tables either; shutdown will halt\n");
}

/*
 * An HVM guest's Xen platform PCI device: the emulated disks and NICs
 * are unplugged through it before any PV device connects, its BAR holds
 * the grant table, and its interrupt is the last-resort callback.
 */
static void hvm_platform_device(void)
{
	hvm_have_platform_dev = !xen_platform_pci_probe(&hvm_platform_dev);
	hvm_unplug = xen_unplug_emulated_devices();
}

/**
 * xen_hvm_unplug_again - unplug the emulated disks and NICs once more
 *
 * A restored HVM domain has a new device model, with every emulated
 * device plugged in; the PV ones may only be used without them.  A
 * no-op where none was unplugged at boot (PVH, or unplug refused).
 */
void xen_hvm_unplug_again(void)
{
	enum xen_unplug_result r;

	if (hvm_unplug != XEN_UNPLUG_DONE)
		return;
	r = xen_unplug_emulated_devices();
	if (r != XEN_UNPLUG_DONE)
		pr_err("xen: the restored domain's emulated devices were not "
		       "unplugged (%s); its disks may be seen twice\n",
		       xen_unplug_result_name(r));
}

static void xen_hvm_report(void)
{
	pr_info("xen: Xen %u.%u, %s%s, CPUID base %#x, HVM features %#x\n",
		hvm_cpuid.major, hvm_cpuid.minor, x86_platform->name,
		hvm_boot_extra, hvm_cpuid.base, hvm_cpuid.hvm_features);
}

static void xen_hvm_init_late(struct boot_record *br)
{
	native_pic_mask();
	tsc_set_khz(pvclock_tsc_khz(), "Xen pvclock");
	native_apic_smp_init(br);
	xen_hvm_report();
	if (x86_platform == &xen_hvm_platform)
		hvm_platform_device();
	xen_callback_try_intx(hvm_have_platform_dev ? &hvm_platform_dev : NULL);
	xen_hvm_smp_init();
	xen_setup_vcpu_info(0);
	xen_evtchn_init();
	xen_callback_enable();
	publish_platform_info();
	if (!xen_is_dom0())
		xen_console_ring_init();
	if (xen_hvm_pv_time()) {
		xen_time_init();
		xen_smp_bind_ipis(0);
		xen_spinlock_enable();
	}
	if (xen_is_dom0())
		pvh_dom0_acpi();
	if (xen_callback() != XEN_CALLBACK_NONE && gnttab_init())
		pr_err("xen: no grant table; no PV devices\n");
}

/* Each vCPU's tick, the boot one's included. */
static void xen_hvm_timer_start(void)
{
	if (xen_hvm_pv_time())
		xen_timer_start();
	else
		apic_timer_start();
}

static void xen_hvm_timer_idle(u64 deadline_ns)
{
	if (xen_hvm_pv_time())
		xen_timer_idle(deadline_ns);
	else
		apic_timer_idle(deadline_ns);
}

/*
 * Both checks, always: a lost upcall may have left its vector in
 * service as well.
 */
static bool xen_hvm_idle_lost_interrupts(void)
{
	bool apic = apic_idle_lost_interrupts();

	return xen_callback_idle_lost() || apic;
}

static void xen_hvm_timer_busy(void)
{
	if (xen_hvm_pv_time())
		xen_timer_busy();
	else
		apic_timer_busy();
}

static u64 xen_hvm_timer_tick_left(void)
{
	return xen_hvm_pv_time() ? xen_timer_tick_left() : apic_timer_tick_left();
}

/* From the first thread: the grant table's worker, xenstore, frontends. */
static void xen_hvm_init_devices(void)
{
	int err;

	if (xen_callback() == XEN_CALLBACK_NONE)
		return;
	gnttab_start_worker();
	err = xenbus_init();
	if (err && err != -ENODEV)
		pr_err("xen: no xenbus (%d); no PV devices\n", err);
	if (!err) {
		if (!xen_is_dom0())
			xen_hvm_suspend_init();
		xen_manage_init();
		xen_balloon_init();
		xen_cpu_hotplug_init();
	}
}

static __noreturn void xen_hvm_power_off(bool success)
{
	if (xen_is_dom0()) {
		arch_local_irq_disable();
		xen_acpi_poweroff();
	}
	xen_shutdown(SHUTDOWN_poweroff);
}

static __noreturn void xen_hvm_restart(void)
{
	xen_shutdown(SHUTDOWN_reboot);
}

static __noreturn void xen_hvm_crash(void)
{
	xen_shutdown(SHUTDOWN_crash);
}

static __noreturn void xen_hvm_halt(void)
{
	native_halt_forever();
	__builtin_unreachable();
}

static const char *xen_hvm_boot_line_extra(void)
{
	return hvm_boot_extra;
}

/* The machine-readable line after the boot line (see the README). */
static const char *xen_hvm_boot_report(void)
{
	bool pv_time = xen_hvm_pv_time();

	snprintf(hvm_features_line, sizeof(hvm_features_line),
		 "pvk: xen features: callback=%s timer=%s ipi=%s clock=%s "
		 "spin=%s unplug=%s",
		 xen_callback_name(xen_callback()), pv_time ? "xen" : "lapic",
		 pv_time ? "evtchn" : "apic", pv_time ? "pvclock" : "tsc",
		 READ_ONCE(pv_spin_slowpath) ? "pv" : "native",
		 xen_unplug_result_name(xen_hvm_unplug_result()));
	return hvm_features_line;
}

#define XEN_HVM_PLATFORM(_name, _detect)				\
{									\
	.name = _name,							\
	.detect = _detect,						\
	.init_pv_ops = xen_hvm_init_pv_ops,				\
	.init_late = xen_hvm_init_late,					\
	.timer_start = xen_hvm_timer_start,				\
	.timer_idle = xen_hvm_timer_idle,				\
	.idle_lost_interrupts = xen_hvm_idle_lost_interrupts,		\
	.timer_busy = xen_hvm_timer_busy,				\
	.timer_tick_left = xen_hvm_timer_tick_left,			\
	.cpu_starting = xen_hvm_cpu_starting,				\
	.cpu_die = xen_hvm_cpu_die,					\
	.cpu_stopped = xen_cpu_stopped,					\
	.cpu_wake = xen_hvm_cpu_wake,					\
	.init_devices = xen_hvm_init_devices,				\
	.power_off = xen_hvm_power_off,					\
	.restart = xen_hvm_restart,					\
	.shutdown_devices = xenbus_shutdown_devices,			\
	.crash = xen_hvm_crash,						\
	.halt = xen_hvm_halt,						\
	.boot_line_extra = xen_hvm_boot_line_extra,			\
	.boot_report = xen_hvm_boot_report,				\
	.hypercall_count = xen_hypercall_count,				\
	.hypercall_count_all = xen_hypercall_count_all,			\
	.cpu_report = xen_cpu_report,					\
}

const struct x86_platform xen_pvh_platform =
	XEN_HVM_PLATFORM("xen-pvh", xen_pvh_detect);
const struct x86_platform xen_hvm_platform =
	XEN_HVM_PLATFORM("xen-hvm", xen_hvm_detect);
