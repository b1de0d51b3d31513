// SPDX-License-Identifier: MIT
/*
 * pvk as a 64-bit Xen PV guest: the C entry from startup_xen, the cpu
 * ops of the Xen backend, and the "xen-pv" platform.
 *
 * The entry installs the Xen backend in pv_ops before anything calls a
 * pv op (the native cli/sti and CR accesses are privileged in a PV
 * guest), turns start_info into the common boot record and calls the
 * same start_kernel() as every other entry.  setup_arch() then finds
 * this platform through br->entry and patches every call site into a
 * direct call to the Xen functions.
 */
#include <pvk/kernel.h>
#include <pvk/bootinfo.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/native.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <asm/xen/user_pv.h>
#include <xen/grant_table.h>
#include <xen/platform_info.h>
#include <xen/balloon.h>
#include <xen/cpu_hotplug.h>
#include <xen/manage.h>
#include <xen/xenbus.h>

#define IDT_STUB_SIZE		16	/* entry_64.S */
#define XEN_TRAP_STUB_SIZE	16	/* xen-asm.S */
#define TI_MASK_EVENTS		4	/* trap_info.flags: an "interrupt gate" */

struct start_info *xen_start_info;
struct shared_info *HYPERVISOR_shared_info;
struct xen_percpu xen_percpu[NR_CPUS];

static struct boot_record xen_boot_record;
static char xen_boot_extra[16];

/*
 * The shared_info frame is Xen's, not ours; it is mapped at this page of
 * .bss by pointing the page's P2M entry at it, so every mapping of the
 * kernel image (the early one and the one mm_init() builds) shows it.
 */
static u8 xen_shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

extern char idt_stubs[];

/**
 * xen_is_dom0 - whether pvk runs as Xen's initial domain (PV or PVH)
 */
bool xen_is_dom0(void)
{
	return xen_platform_info()->initial_domain;
}

/* ---- cpu ops ---------------------------------------------------------- */

/**
 * xen_load_idt - pv_ops.cpu.load_idt: give Xen this vCPU's trap table
 * @dtr: the IDT the common code built
 *
 * A PV guest has no IDT; Xen bounces exceptions to the addresses in a
 * per-vCPU trap table instead.  Each IDT gate that points at a native
 * entry stub becomes the matching PV stub (which pops the %rcx/%r11 Xen
 * pushes).  NMI, #DF and #MC are Xen's business and are left out.
 * Interrupt vectors are event channels under PV, so only the 32
 * exceptions are listed.
 */
void xen_load_idt(const struct desc_ptr *dtr)
{
	const struct idt_entry *idt = (const struct idt_entry *)dtr->address;
	unsigned int n = (dtr->size + 1) / sizeof(*idt);
	struct trap_info traps[33];
	unsigned int nr = 0;
	long rc;

	for (unsigned int v = 0; v < 32 && v < n; v++) {
		const struct idt_entry *g = &idt[v];
		unsigned long h = g->offset_lo | ((unsigned long)g->offset_mid << 16) |
				  ((unsigned long)g->offset_hi << 32);
		struct trap_info *t = &traps[nr];

		if (v == X86_TRAP_NMI || v == X86_TRAP_DF || v == 18 || !h)
			continue;
		if (h != (unsigned long)idt_stubs + v * IDT_STUB_SIZE) {
			pr_warn("xen: vector %u handler %#lx has no PV stub; not installed\n",
				v, h);
			continue;
		}
		t->vector = v;
		t->flags = (v == X86_TRAP_BP || v == 4) ? 3 : 0;
		if ((g->type_attr & 0xf) == 0xe)
			t->flags |= TI_MASK_EVENTS;
		t->cs = FLAT_KERNEL_CS;
		t->address = (unsigned long)xen_trap_stubs + v * XEN_TRAP_STUB_SIZE;
		nr++;
	}
	memset(&traps[nr], 0, sizeof(traps[nr]));
	rc = HYPERVISOR_set_trap_table(traps);
	if (rc)
		pr_err("xen: set_trap_table failed: %ld\n", rc);
}

/* Xen's flat selectors are always there: no GDT or TSS of our own. */
static void xen_load_gdt(const struct desc_ptr *dtr)
{
}

static void xen_load_tr(unsigned int sel)
{
}

/* Shadows of what the guest would see; Xen owns the real registers. */
static unsigned long xen_cr0 = 0x80050033UL;	/* PG AM WP NE ET MP PE */
static unsigned long xen_cr4 = 0x000006a0UL;	/* PAE PGE OSFXSR OSXMMEXCPT */

static unsigned long xen_read_cr0(void)
{
	return READ_ONCE(xen_cr0);
}

/* CR0.TS is the one bit a PV guest controls (lazy FPU switching). */
static void xen_write_cr0(unsigned long val)
{
	if ((val ^ xen_cr0) & X86_CR0_TS)
		HYPERVISOR_fpu_taskswitch(!!(val & X86_CR0_TS));
	WRITE_ONCE(xen_cr0, val);
}

static unsigned long xen_read_cr4(void)
{
	return READ_ONCE(xen_cr4);
}

static void xen_write_cr4(unsigned long val)
{
	WRITE_ONCE(xen_cr4, val);
}

/* Xen stores the faulting address of a #PF in the vCPU's vcpu_info. */
static unsigned long xen_read_cr2(void)
{
	return READ_ONCE(xen_vcpu_info()->arch.cr2);
}

static void xen_wbinvd(void)
{
}

static void xen_io_delay(void)
{
}

static u64 xen_fs_base[NR_CPUS], xen_gs_base[NR_CPUS], xen_gs_user[NR_CPUS];

static u64 xen_read_msr(u32 msr)
{
	unsigned int cpu = smp_processor_id();
	u64 v;

	switch (msr) {
	case MSR_FS_BASE:
		return xen_fs_base[cpu];
	case MSR_GS_BASE:
		return xen_gs_base[cpu];
	case MSR_KERNEL_GS_BASE:
		return xen_gs_user[cpu];
	}
	/* Xen emulates what a PV guest may read and injects #GP otherwise. */
	if (native_rdmsr_safe(msr, &v)) {
		pr_warn("xen: rdmsr %#x faulted; reading 0\n", msr);
		return 0;
	}
	return v;
}

/*
 * The FS base a context switch loads (the next process's TLS): queued
 * with the rest of the switch in lazy CPU mode.
 */
static long xen_set_fs_base(u64 val)
{
	if (!xen_mc_lazy_cpu())
		return HYPERVISOR_set_segment_base(SEGBASE_FS, val);
	xen_mc_queue_call(__HYPERVISOR_set_segment_base, SEGBASE_FS, val);
	return 0;
}

/* The segment bases are not MSRs to a PV guest but a hypercall. */
static void xen_write_msr(u32 msr, u64 val)
{
	unsigned int cpu = smp_processor_id();
	long rc = 0;

	switch (msr) {
	case MSR_FS_BASE:
		rc = xen_set_fs_base(val);
		xen_fs_base[cpu] = val;
		break;
	case MSR_GS_BASE:
		rc = HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, val);
		xen_gs_base[cpu] = val;
		break;
	case MSR_KERNEL_GS_BASE:
		rc = HYPERVISOR_set_segment_base(SEGBASE_GS_USER, val);
		xen_gs_user[cpu] = val;
		break;
	default:
		if (native_wrmsr_safe(msr, val))
			pr_warn("xen: wrmsr %#x faulted; ignored\n", msr);
		return;
	}
	if (rc)
		pr_err("xen: set_segment_base(%#x) failed: %ld\n", msr, rc);
}

/* The kernel stack Xen switches to when user mode traps. */
static void xen_load_sp0(unsigned long sp0)
{
	long rc;

	if (xen_mc_lazy_cpu()) {
		xen_mc_queue_call(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sp0);
		return;
	}
	rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, sp0);

	if (rc)
		pr_err("xen: stack_switch failed: %ld\n", rc);
}

void xen_entry_SYSCALL_64(void);
__noreturn void xen_iret_frame(struct pt_regs *regs);

/*
 * pv_ops.cpu.syscall_init: SYSCALL from user mode goes to Xen, which
 * bounces it to the callback each vCPU registers (the MSRs are Xen's).
 * CR0.TS is cleared once too: user code uses the FPU and SSE, the
 * kernel never does, and pvk switches their state itself (FXSAVE).
 */
static void xen_syscall_init(void)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)xen_entry_SYSCALL_64,
	};
	long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);

	if (rc)
		pr_err("xen: registering the syscall callback failed: %ld\n", rc);
	rc = HYPERVISOR_fpu_taskswitch(0);
	if (rc)
		pr_err("xen: clearing CR0.TS failed: %ld\n", rc);
}

/*
 * pv_ops.cpu.ret_to_user: HYPERVISOR_iret into user mode, with Xen's
 * user selectors in the frame.  Xen refuses (crashes the domain) unless
 * a user root is loaded: write_cr3 of a process root gives it one.
 */
static __noreturn void xen_ret_to_user(struct pt_regs *regs)
{
	xen_user_frame(regs);
	xen_iret_frame(regs);
}

/* Every op is a direct call under Xen: no native bytes are inlined. */
static const u8 *xen_patch_bytes(unsigned int op, unsigned int *len)
{
	return NULL;
}

/**
 * xen_init_pv_ops - install the Xen PV backend in pv_ops
 *
 * Idempotent: the PV entry calls it before anything else, and the
 * platform's init_pv_ops calls it again before apply_paravirt().
 */
void xen_init_pv_ops(void)
{
	xen_install_irq_ops();
	pv_ops.cpu.load_idt = xen_load_idt;
	pv_ops.cpu.load_gdt = xen_load_gdt;
	pv_ops.cpu.load_tr = xen_load_tr;
	pv_ops.cpu.read_cr0 = xen_read_cr0;
	pv_ops.cpu.write_cr0 = xen_write_cr0;
	pv_ops.cpu.read_cr4 = xen_read_cr4;
	pv_ops.cpu.write_cr4 = xen_write_cr4;
	pv_ops.cpu.read_cr2 = xen_read_cr2;
	pv_ops.cpu.wbinvd = xen_wbinvd;
	pv_ops.cpu.cpuid = native_cpuid_op;
	pv_ops.cpu.read_msr = xen_read_msr;
	pv_ops.cpu.write_msr = xen_write_msr;
	pv_ops.cpu.io_delay = xen_io_delay;
	pv_ops.cpu.load_sp0 = xen_load_sp0;
	pv_ops.cpu.syscall_init = xen_syscall_init;
	pv_ops.cpu.ret_to_user = xen_ret_to_user;
	pv_ops.cpu.start_context_switch = xen_mc_enter_lazy_cpu;
	pv_ops.cpu.end_context_switch = xen_mc_leave_lazy_cpu;
	xen_init_mmu_ops();
	pv_ops.time.sched_clock = xen_sched_clock;
	pv_ops.time.steal_clock = xen_steal_clock;
	pv_ops.smp.send_ipi = xen_send_ipi;
	pv_ops.smp.start_cpu = xen_start_cpu;
	xen_init_lock_ops();
	pv_ops.info.name = "xen-pv";
	pv_ops.info.patch_bytes = xen_patch_bytes;
}

/* ---- per-vCPU set-up ---------------------------------------------------- */

static void xen_register_callbacks(void)
{
	struct callback_register event = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)xen_hypervisor_callback,
	};
	struct callback_register failsafe = {
		.type = CALLBACKTYPE_failsafe,
		.flags = CALLBACKF_mask_events,
		.address = (unsigned long)xen_failsafe_callback,
	};
	long rc;

	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &event);
	if (rc)
		pr_err("xen: registering the event callback failed: %ld\n", rc);
	rc = HYPERVISOR_callback_op(CALLBACKOP_register, &failsafe);
	if (rc)
		pr_err("xen: registering the failsafe callback failed: %ld\n", rc);
}

/**
 * xen_setup_vcpu_info - move a vCPU's vcpu_info into its per-CPU data
 * @cpu: the calling CPU
 *
 * shared_info only has room for the first 32 vCPUs' vcpu_info; after
 * VCPUOP_register_vcpu_info Xen uses (and has copied the state into) the
 * per-CPU copy.  Done once per vCPU: Xen refuses a second registration.
 * On failure the vCPU keeps its shared_info slot if it has one.
 */
void xen_setup_vcpu_info(unsigned int cpu)
{
	struct xen_percpu *p = &xen_percpu[cpu];
	struct vcpu_register_vcpu_info info;
	u64 ma = virt_to_machine(&p->own_vcpu_info);
	long rc;

	if (p->vcpu_info_registered)
		return;
	info.mfn = ma >> PAGE_SHIFT;
	info.offset = ma & ~PAGE_MASK;
	info.rsvd = 0;
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, cpu, &info);
	if (rc) {
		if (cpu >= XEN_LEGACY_MAX_VCPUS)
			panic("xen: vCPU %u has no vcpu_info: %ld", cpu, rc);
		pr_warn("xen: VCPUOP_register_vcpu_info for vCPU %u failed: %ld; "
			"using shared_info\n", cpu, rc);
		return;
	}
	p->vcpu_info_registered = true;
	WRITE_ONCE(p->vcpu_info, &p->own_vcpu_info);
}

/**
 * xen_restore_vcpu_info - register a vCPU's vcpu_info again
 * @cpu: the calling vCPU, in a restored domain
 *
 * The new domain's vCPU uses its shared_info slot again (events masked
 * there before the save); switching to it first keeps the event mask
 * the vCPU writes the one Xen reads, then the registration copies the
 * slot into the per-CPU copy.
 */
void xen_restore_vcpu_info(unsigned int cpu)
{
	struct xen_percpu *p = &xen_percpu[cpu];

	p->vcpu_info_registered = false;
	if (cpu < XEN_LEGACY_MAX_VCPUS)
		WRITE_ONCE(p->vcpu_info, &HYPERVISOR_shared_info->vcpu_info[cpu]);
	xen_setup_vcpu_info(cpu);
}

/* Xen's PV guests see its flat selectors and no TSS. */
static void xen_load_segments(unsigned int cpu)
{
}

/* ---- boot --------------------------------------------------------------- */

static void xen_publish_platform_info(const struct start_info *si);

#define SHARED_INFO_PTE_FLAGS	0x63	/* P RW A D */

/* The page's own frame, which the P2M names again while a save runs. */
static unsigned long xen_shared_info_own_mfn;

static void xen_map_shared_info(struct start_info *si)
{
	unsigned long va = (unsigned long)xen_shared_info_page;
	unsigned long pfn = PFN_DOWN(__pa(xen_shared_info_page));
	u64 pte = (si->shared_info & PAGE_MASK) | SHARED_INFO_PTE_FLAGS;
	long rc;

	rc = HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG);
	if (rc)
		panic("xen: cannot map shared_info: %ld", rc);
	xen_shared_info_own_mfn = ((unsigned long *)si->mfn_list)[pfn];
	((unsigned long *)si->mfn_list)[pfn] = si->shared_info >> PAGE_SHIFT;
	HYPERVISOR_shared_info = (struct shared_info *)va;
}

/*
 * Point both mappings of the shared_info page (the kernel image's and
 * the direct map's) and its P2M entry at @mfn.
 */
static void xen_point_shared_info_page(unsigned long mfn)
{
	unsigned long vas[] = {
		(unsigned long)xen_shared_info_page,
		(unsigned long)__va(__pa(xen_shared_info_page)),
	};
	u64 pte = ((u64)mfn << PAGE_SHIFT) | SHARED_INFO_PTE_FLAGS;

	xen_p2m_set(PFN_DOWN(__pa(xen_shared_info_page)), mfn);
	for (unsigned int i = 0; i < ARRAY_SIZE(vas); i++) {
		long rc = HYPERVISOR_update_va_mapping(vas[i], pte,
						       UVMF_INVLPG | UVMF_ALL);

		if (rc)
			pr_err("xen: mapping shared_info at %#lx: %ld\n", vas[i], rc);
	}
}

/**
 * xen_pv_pre_suspend - make the domain's memory what a save expects
 *
 * A save refuses page tables that map frames the domain does not own,
 * so the shared_info page's mappings go back to its own frame; and
 * start_info must name the xenstore and console rings by pfn (the
 * restore turns them into the new machine frames).  Every vCPU's slot
 * in shared_info gets events masked: a restored vCPU uses that slot
 * until it registers its vcpu_info again.  Events off, other vCPUs
 * parked.
 */
void xen_pv_pre_suspend(void)
{
	struct start_info *si = xen_start_info;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids && cpu < XEN_LEGACY_MAX_VCPUS; cpu++)
		HYPERVISOR_shared_info->vcpu_info[cpu].evtchn_upcall_mask = 1;
	si->store_mfn = mfn_to_pfn(si->store_mfn);
	si->console.domU.mfn = mfn_to_pfn(si->console.domU.mfn);
	xen_point_shared_info_page(xen_shared_info_own_mfn);
}

/**
 * xen_pv_post_suspend - map shared_info again and read the new start_info
 * @cancelled: the same domain runs on (its rings keep their frames)
 *
 * After a real resume the restore wrote the new machine frames and
 * ports into start_info, and shared_info is a new frame.
 */
void xen_pv_post_suspend(bool cancelled)
{
	struct start_info *si = xen_start_info;

	if (cancelled) {
		si->store_mfn = pfn_to_mfn(si->store_mfn);
		si->console.domU.mfn = pfn_to_mfn(si->console.domU.mfn);
	}
	xen_point_shared_info_page(si->shared_info >> PAGE_SHIFT);
	xen_p2m_publish();
	if (!cancelled)
		xen_publish_platform_info(si);
}

static void xen_parse_start_info(struct boot_record *br, struct start_info *si)
{
	size_t i;

	br->entry = "xen-pv";
	br->platform_info = si;
	for (i = 0; i + 1 < sizeof(br->cmdline) && i < MAX_GUEST_CMDLINE &&
		    si->cmd_line[i]; i++)
		br->cmdline[i] = si->cmd_line[i];
	br->cmdline[i] = '\0';
	if (si->mod_start && si->mod_len) {
		struct boot_module *m = &br->modules[br->nr_modules++];

		m->start = si->flags & SIF_MOD_START_PFN ?
			   PFN_PHYS(si->mod_start) : __pa((void *)si->mod_start);
		m->len = si->mod_len;
	}
	snprintf(xen_boot_extra, sizeof(xen_boot_extra),
		 si->flags & SIF_INITDOMAIN ? " dom0" : " domU");
}

/* Ring frames start_info named that are not ours: logged once a console is up. */
static struct {
	const char *what;
	unsigned long mfn, pfn;
} xen_bad_rings[2];
static unsigned int xen_nr_bad_rings;

/*
 * The pfn behind a ring's machine frame: XEN_NO_PFN when start_info
 * names none, or names a frame the P2M does not give us.
 */
static unsigned long own_ring_pfn(unsigned long mfn, const char *what)
{
	unsigned long pfn;

	if (!mfn)
		return XEN_NO_PFN;
	pfn = mfn_to_pfn(mfn);
	if (pfn < xen_max_pfn && pfn_to_mfn(pfn) == mfn)
		return pfn;
	if (xen_nr_bad_rings < ARRAY_SIZE(xen_bad_rings)) {
		xen_bad_rings[xen_nr_bad_rings].what = what;
		xen_bad_rings[xen_nr_bad_rings].mfn = mfn;
		xen_bad_rings[xen_nr_bad_rings++].pfn = pfn;
	}
	return XEN_NO_PFN;
}

/*
 * Tell drivers/xen where xenstore and the console are (a domU's rings;
 * dom0 has neither).  Needs the P2M; runs before the console exists.
 */
static void xen_publish_platform_info(const struct start_info *si)
{
	struct xen_platform_info info = {
		.store_pfn = XEN_NO_PFN,
		.console_pfn = XEN_NO_PFN,
		.initial_domain = si->flags & SIF_INITDOMAIN,
	};

	if (!(si->flags & SIF_INITDOMAIN)) {
		info.store_pfn = own_ring_pfn(si->store_mfn, "xenstore");
		info.store_evtchn = si->store_evtchn;
		info.console_pfn = own_ring_pfn(si->console.domU.mfn, "console");
		info.console_evtchn = si->console.domU.evtchn;
	}
	xen_platform_info_set(&info);
}

static void xen_report_bad_rings(void)
{
	for (unsigned int i = 0; i < xen_nr_bad_rings; i++)
		pr_err("xen: %s ring mfn %#lx is not ours (pfn %#lx); not used\n",
		       xen_bad_rings[i].what, xen_bad_rings[i].mfn,
		       xen_bad_rings[i].pfn);
}

static void xen_check_version(void)
{
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);
	unsigned int major = (unsigned long)v >> 16, minor = v & 0xffff;

	if (v < 0) {
		pr_warn("xen: XENVER_version failed: %ld; carrying on\n", v);
		return;
	}
	pr_info("xen: Xen %u.%u, %s\n", major, minor,
		xen_is_dom0() ? "dom0" : "domU");
	if (major != 4 || minor < 6)
		pr_warn("xen: Xen %u.%u is untested with pvk; carrying on\n",
			major, minor);
}

/**
 * xen_start_kernel - C entry of a Xen PV boot (from startup_xen)
 * @si: start_info, as mapped by Xen
 *
 * Order matters: %gs first (the hypercall counter and this_cpu() use
 * it), then shared_info (the irq ops use vcpu_info), then the backend,
 * the P2M and the platform info (where the console ring is), the
 * console and the boot record.  Never returns.
 */
__noreturn void xen_start_kernel(struct start_info *si)
{
	struct boot_record *br = &xen_boot_record;
	struct cpu_data *c = &cpu_data[0];

	c->self = c;
	c->cpu = 0;
	c->platform = &xen_percpu[0];
	HYPERVISOR_set_segment_base_early(SEGBASE_GS_KERNEL, (unsigned long)c);
	xen_gs_base[0] = (unsigned long)c;
	xen_start_info = si;
	xen_map_shared_info(si);
	xen_percpu[0].vcpu_info = &HYPERVISOR_shared_info->vcpu_info[0];
	xen_clock_set_base();
	xen_init_pv_ops();
	xen_p2m_init(si);
	xen_publish_platform_info(si);
	xen_console_init();
	xen_report_bad_rings();
	xen_register_callbacks();
	xen_parse_start_info(br, si);
	xen_mmu_early_init(br);
	xen_console_remap();
	start_kernel(br);
}

/* ---- the platform ------------------------------------------------------- */

static bool xen_pv_detect(const struct boot_record *br)
{
	return br->entry && !strcmp(br->entry, "xen-pv");
}

static void xen_pv_init_pv_ops(struct boot_record *br)
{
	xen_init_pv_ops();
}

/*
 * From the first thread: the grant table's worker, xenstore and the
 * frontends (domU only).
 */
static void xen_pv_init_devices(void)
{
	int err;

	gnttab_start_worker();
	err = xenbus_init();

	if (err && err != -ENODEV)
		pr_err("xen: no xenbus (%d); no PV devices\n", err);
	if (!err) {
		xen_manage_init();
		xen_balloon_init();
		xen_cpu_hotplug_init();
	}
}

static void xen_pv_init_late(struct boot_record *br)
{
	xen_mmu_late_init();
	xen_check_version();
	if (xen_is_dom0())
		xen_acpi_init();
	xen_setup_vcpu_info(0);
	xen_evtchn_init();
	xen_time_init();
	xen_smp_init();
	gnttab_init();
	if (!xen_is_dom0())
		xen_pv_suspend_init();
}

/**
 * xen_shutdown - end the domain with SCHEDOP_shutdown
 * @reason: SHUTDOWN_poweroff, SHUTDOWN_crash, ...
 *
 * For dom0 Xen then halts or reboots the machine.  A domU first waits
 * (bounded) for xenconsoled to read its console ring, so the last lines
 * are not lost with the domain.  Should the hypercall fail, the vCPU
 * parks itself.
 */
__noreturn void xen_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };
	long rc;

	arch_local_irq_disable();
	xen_console_flush();
	rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
	pr_raw("pvk: SCHEDOP_shutdown(%u) failed: %ld; halting\n", reason, rc);
	for (;;)
		HYPERVISOR_vcpu_op(VCPUOP_down, smp_processor_id(), NULL);
}

/*
 * Xen halts the machine when its dom0 shuts down; dom0 powers it off
 * through ACPI S5 instead (falling back to that halt).
 */
static __noreturn void xen_pv_power_off(bool success)
{
	if (xen_is_dom0()) {
		arch_local_irq_disable();
		xen_console_flush();
		xen_acpi_poweroff();
	}
	xen_shutdown(SHUTDOWN_poweroff);
}

/* Xen restarts the domain (xl's on_reboot), or the machine for dom0. */
static __noreturn void xen_pv_restart(void)
{
	xen_shutdown(SHUTDOWN_reboot);
}

static __noreturn void xen_pv_crash(void)
{
	xen_shutdown(SHUTDOWN_crash);
}

/* Take this vCPU offline for good (stop IPI, nested panic). */
static __noreturn void xen_pv_halt(void)
{
	arch_local_irq_disable();
	for (;;) {
		HYPERVISOR_vcpu_op(VCPUOP_down, smp_processor_id(), NULL);
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
}

static const char *xen_pv_boot_line_extra(void)
{
	return xen_boot_extra;
}

/*
 * platform.hypercall_count of every Xen platform (PV, PVH, HVM).
 * Hypercalls the running code made itself.  Those made to deliver and
 * serve events (the forced upcall, a handler re-arming the timer) belong
 * to whatever raised the event, so they are left out: a bench op that
 * takes one hypercall then counts exactly one, however many ticks fell
 * into its measurement.  Events are masked so no upcall comes between
 * the two reads.
 */
/* A vCPU's own hypercalls: all of them less those delivering events. */
static u64 own_hypercalls(const struct xen_percpu *p)
{
	return READ_ONCE(p->hypercalls) - READ_ONCE(p->event_hypercalls);
}

u64 xen_hypercall_count(void)
{
	unsigned long flags = arch_local_irq_save();
	u64 n = own_hypercalls(xen_this_cpu());

	arch_local_irq_restore(flags);
	return n;
}

/*
 * Called by xen-asm.S right before each HYPERVISOR_iret: the return
 * from a trap or system call, and the first entry into a user process.
 */
void xen_count_iret(void)
{
	xen_count_hypercall();
}

/*
 * The same for the return from an event upcall, which belongs with the
 * hypercalls made to deliver events (left out of xen_hypercall_count()).
 * Events are masked until the iret itself.
 */
void xen_count_upcall_iret(void)
{
	struct xen_percpu *p = xen_this_cpu();

	xen_count_hypercall();
	p->event_hypercalls++;
}

/*
 * platform.hypercall_count_all: xen_hypercall_count() of every vCPU
 * that ever ran, offline ones too (their counts only grow).  Another
 * vCPU may be counting meanwhile: each of its counters is read once.
 */
u64 xen_hypercall_count_all(void)
{
	u64 n = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += own_hypercalls(&xen_percpu[cpu]);
	return n;
}

/*
 * platform.cpu_report of every Xen platform: the vCPU's upcall flags,
 * its timer's event and how often it was armed and upcalled; Xen writes
 * them to memory any vCPU can read.
 */
void xen_cpu_report(unsigned int cpu, char *buf, size_t size)
{
	const struct xen_percpu *x = &xen_percpu[cpu];
	const struct vcpu_info *vi = READ_ONCE(x->vcpu_info);
	int port = READ_ONCE(x->timer_port);

	if (!vi)
		return;
	snprintf(buf, size, "upcall pending %u mask %u; timer port %d%s; %llu upcalls, %llu timer sets",
		 READ_ONCE(vi->evtchn_upcall_pending),
		 READ_ONCE(vi->evtchn_upcall_mask), port,
		 port > 0 && xen_evtchn_is_pending(port) ? " pending" : "",
		 (unsigned long long)READ_ONCE(x->upcalls),
		 (unsigned long long)READ_ONCE(x->timer_sets));
}

const struct x86_platform xen_pv_platform = {
	.name = "xen-pv",
	.detect = xen_pv_detect,
	.init_pv_ops = xen_pv_init_pv_ops,
	.init_late = xen_pv_init_late,
	.timer_start = xen_timer_start,
	.timer_idle = xen_timer_idle,
	.timer_busy = xen_timer_busy,
	.timer_tick_left = xen_timer_tick_left,
	.init_devices = xen_pv_init_devices,
	.cpu_die = xen_cpu_die,
	.cpu_stopped = xen_cpu_stopped,
	.cpu_wake = xen_cpu_wake,
	.power_off = xen_pv_power_off,
	.restart = xen_pv_restart,
	.shutdown_devices = xenbus_shutdown_devices,
	.crash = xen_pv_crash,
	.halt = xen_pv_halt,
	.boot_line_extra = xen_pv_boot_line_extra,
	.load_segments = xen_load_segments,
	.hypercall_count = xen_hypercall_count,
	.hypercall_count_all = xen_hypercall_count_all,
	.cpu_report = xen_cpu_report,
	.early_map_limit = xen_mmu_early_map_limit,
	.pv_mmu = true,
};
