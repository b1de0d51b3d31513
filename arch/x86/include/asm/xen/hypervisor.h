/* SPDX-License-Identifier: MIT */
/*
 * State shared by the Xen PV backend (arch/x86/xen, drivers/xen).  Only
 * Xen code includes this: it pulls in Xen's public headers.
 */
#ifndef _ASM_X86_XEN_HYPERVISOR_H
#define _ASM_X86_XEN_HYPERVISOR_H

#include <pvk/types.h>
#include <pvk/bootinfo.h>
#include <asm/smp.h>
#include <xen/xen.h>
#include <xen/events.h>
#include <asm/xen/callback.h>

struct desc_ptr;

/*
 * Per-vCPU Xen state; cpu_data->platform points here.  The irq thunks
 * find the vcpu_info through the first field, so it must stay first.
 */
struct xen_percpu {
	struct vcpu_info *vcpu_info;	/* must stay first: xen-asm */
	u64 hypercalls;			/* all of them, this vCPU */
	u64 event_hypercalls;		/* of those: in upcalls, forced upcalls */
	u64 upcalls;			/* xen_evtchn_do_upcall entries */
	u64 events;			/* handlers run */
	u64 blocks;			/* SCHEDOP_block from idle */
	u64 timer_sets;			/* one-shot timer (re)armed */
	u64 lock_waits;			/* spinlock waits (SCHEDOP_poll) */
	u64 lock_kicks;			/* spinlock waiters kicked */
	bool vcpu_info_registered;
	int timer_port;
	u64 next_tick_ns;		/* Xen system time of the next tick */
	struct vcpu_info own_vcpu_info __aligned(64);
};

extern struct xen_percpu xen_percpu[NR_CPUS];
extern struct start_info *xen_start_info;
extern struct shared_info *HYPERVISOR_shared_info;

static inline struct xen_percpu *xen_this_cpu(void)
{
	return this_cpu()->platform;
}

static inline struct vcpu_info *xen_vcpu_info(void)
{
	return xen_this_cpu()->vcpu_info;
}

/* acpi.c (dom0) */
struct acpi_info;
void xen_acpi_init(void);
void xen_acpi_use(const struct acpi_info *info);
void xen_acpi_poweroff(void);
const struct acpi_info *xen_acpi_info(void);

/* enlighten_hvm.c, hvm_callback.c, smp_hvm.c: HVM and PVH guests */
struct xen_cpuid_info;
bool xen_feature(unsigned int flag);
u32 xen_hvm_cpuid_base(void);
bool xen_hvm_tlb_flush_by_hypercall(void);
long xen_hvm_place_shared_info(void);
void xen_hvm_read_rings(void);
bool xen_hvm_pv_time(void);
void xen_hvm_unplug_again(void);
void xen_hvm_suspend_init(void);
enum xen_callback xen_callback_probe(const struct xen_cpuid_info *cpuid);
void xen_hvm_cpuid(u32 leaf, u32 regs[4]);
enum xen_callback xen_callback(void);
struct xen_platform_pci;
enum xen_callback xen_callback_try_intx(const struct xen_platform_pci *dev);
bool xen_callback_everywhere(void);
bool xen_events_everywhere(void);
void xen_callback_enable(void);
int xen_callback_cpu_init(unsigned int cpu, unsigned int vcpu);
int xen_callback_resume(void);
void xen_hvm_smp_init(void);
int xen_hvm_start_cpu(unsigned int cpu);
bool xen_hvm_cpu_starting(unsigned int cpu);
void xen_hvm_cpu_die(void);
int xen_hvm_cpu_wake(unsigned int cpu);

/* enlighten_pv.c */
void xen_init_pv_ops(void);
u64 xen_runstate_total_ns(unsigned int cpu);
void xen_setup_vcpu_info(unsigned int cpu);
void xen_restore_vcpu_info(unsigned int cpu);
void xen_pv_pre_suspend(void);
void xen_pv_post_suspend(bool cancelled);

/* suspend_pv.c */
void xen_pv_suspend_init(void);

void xen_load_idt(const struct desc_ptr *dtr);
bool xen_is_dom0(void);
u64 xen_hypercall_count(void);
u64 xen_hypercall_count_all(void);
void xen_cpu_report(unsigned int cpu, char *buf, size_t size);
void xen_count_iret(void);
void xen_count_upcall_iret(void);
__noreturn void xen_shutdown(unsigned int reason);
void xen_force_evtchn_callback(void);
void xen_early_console_init(void);

/* xen-asm.S / irq.c */
extern char xen_trap_stubs[], xen_trap_stubs_end[];
void xen_hypervisor_callback(void);
void xen_failsafe_callback(void);
void xen_install_irq_ops(void);
void xen_secondary_startup(void);

/* p2m.c */
#define INVALID_MFN	(~0UL)	/* a P2M hole */
extern unsigned long xen_max_pfn;
unsigned long pfn_to_mfn(unsigned long pfn);
unsigned long mfn_to_pfn(unsigned long mfn);
bool set_phys_to_machine(unsigned long pfn, unsigned long mfn);
u64 virt_to_machine(const void *va);
void xen_p2m_init(const struct start_info *si);
void xen_p2m_use_direct_map(void);
void xen_p2m_set(unsigned long pfn, unsigned long mfn);
int xen_p2m_publish(void);

/* setup.c */
void xen_memory_setup(struct boot_record *br, phys_addr_t v_end);
int xen_memory_map_from_xen(struct boot_record *br);

/* mmu_pv.c */
void xen_mmu_early_init(struct boot_record *br);
void xen_init_mmu_ops(void);
void xen_mmu_late_init(void);
u64 xen_mmu_early_map_limit(void);
void xen_cr3_set_secondary(unsigned int cpu, phys_addr_t pa);
void *xen_remap_mfns(const unsigned long *mfns, unsigned int n, bool writable);
int xen_remap_mfns_at(void *va, const unsigned long *mfns, unsigned int n,
		      bool writable);
void xen_unmap_mfns(void *va, unsigned int n);
const void *xen_ioremap_ro(u64 maddr, u64 len);
int xen_direct_map_frames(const unsigned long *pfns, const unsigned long *mfns,
			  unsigned int n);

/* multicalls.c */
void xen_mc_queue_mmu_update(u64 ptr, u64 val);
void xen_mc_queue_mmuext(const struct mmuext_op *op);
void xen_mc_flush(void);
void xen_mc_enter_lazy(void);
void xen_mc_leave_lazy(void);
bool xen_mc_lazy(void);
void xen_mc_queue_call(unsigned long op, unsigned long arg0, unsigned long arg1);
void xen_mc_enter_lazy_cpu(void);
void xen_mc_leave_lazy_cpu(void);
bool xen_mc_lazy_cpu(void);

/* time.c */
void xen_time_init(void);
void xen_timer_start(void);
void xen_timer_idle(u64 deadline_ns);
void xen_timer_busy(void);
u64 xen_timer_tick_left(void);
void xen_timer_stop(void);
void xen_timer_bind_all(void);
void xen_timer_resume(void);
u64 xen_sched_clock(void);
u64 xen_steal_clock(unsigned int cpu);
u64 xen_clocksource_read(void);
void xen_clock_set_base(void);

/* spinlock.c */
void xen_init_lock_ops(void);
void xen_spinlock_init_cpu(unsigned int cpu);
void xen_spinlock_cpu_offline(unsigned int cpu);
void xen_spinlock_enable(void);

/* smp_pv.c */
__noreturn void xen_start_secondary(unsigned int cpu);
void xen_smp_init(void);
int xen_start_cpu(unsigned int cpu);
void xen_send_ipi(unsigned int cpu, unsigned int vector);
void xen_smp_bind_ipis(unsigned int cpu);
void xen_smp_unbind_ipis(unsigned int cpu);
void xen_cpu_die(void);
bool xen_cpu_stopped(unsigned int cpu);
int xen_cpu_wake(unsigned int cpu);
void xen_smp_rebind_ipis(void);

/*
 * drivers/xen/events: the driver API is include/xen/events.h (included
 * here for the arch code); these are the arch-internal entry points.
 */
struct pt_regs;
void xen_evtchn_init(void);
void xen_evtchn_do_upcall(struct pt_regs *regs);
void xen_evtchn_cpu_init(unsigned int cpu);
void xen_evtchn_cpu_offline(unsigned int cpu);
int xen_evtchn_resume(void);
const char *xen_evtchn_abi_name(void);
int xen_bind_ipi_poll(unsigned int cpu);
void xen_evtchn_clear_pending(unsigned int port);
void xen_evtchn_poll(unsigned int port);

/* drivers/xen/console.c */
void xen_console_init(void);
void xen_console_remap(void);
void xen_console_flush(void);
unsigned long xen_console_ring_pfn(void);
void xen_console_io_init(void);
void xen_console_ring_init(void);
void xen_console_resume(void);

#endif /* _ASM_X86_XEN_HYPERVISOR_H */
