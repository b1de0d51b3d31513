/* SPDX-License-Identifier: MIT */
/*
 * A platform: how pvk finds out where it runs and what it installs there.
 * setup_arch() asks each compiled-in platform in turn; the native one
 * matches everything and comes last.
 */
#ifndef _ASM_X86_PLATFORM_H
#define _ASM_X86_PLATFORM_H

#include <pvk/bootinfo.h>

struct x86_platform {
	const char *name;
	/* Does this platform match the entry used and the CPU/hypervisor? */
	bool (*detect)(const struct boot_record *br);
	/* Install the pv_ops backend; runs before call sites are patched. */
	void (*init_pv_ops)(struct boot_record *br);
	/* After memory is up: interrupt controller, clocks, CPU discovery. */
	void (*init_late)(struct boot_record *br);
	/* Start the tick on the calling CPU. */
	void (*timer_start)(void);
	/*
	 * The calling CPU goes idle: stop its periodic tick and raise one
	 * timer interrupt at @deadline_ns (ktime_get_ns() time) instead.
	 */
	void (*timer_idle)(u64 deadline_ns);
	/*
	 * Right before the idle CPU halts, interrupts off: recover the
	 * interrupts whose delivery was lost; true when there were any.
	 * NULL: none can be.
	 */
	bool (*idle_lost_interrupts)(void);
	/* The calling CPU has threads to run again: restart its tick. */
	void (*timer_busy)(void);
	/*
	 * Nanoseconds until the calling CPU's running tick interrupts it
	 * (0: due now); NULL or U64_MAX when the platform cannot tell.
	 */
	u64 (*timer_tick_left)(void);
	/*
	 * A secondary CPU, on itself, before it counts as started: false
	 * parks it for good (smp_init() then reports it as not started).
	 * NULL means every CPU may come up.
	 */
	bool (*cpu_starting)(unsigned int cpu);
	/*
	 * CPU hot-plug (all three, or none: NULL means CPUs never go
	 * offline).  cpu_die runs on the CPU going offline, interrupts off,
	 * once nothing of the core is left there: it releases the CPU's
	 * timer and interrupts and stops it, and returns after cpu_wake
	 * started it again, its tick running.  cpu_stopped says whether
	 * the CPU has stopped; cpu_wake starts it from another CPU (the
	 * first start too, for one that never ran).
	 */
	void (*cpu_die)(void);
	bool (*cpu_stopped)(unsigned int cpu);
	int (*cpu_wake)(unsigned int cpu);
	/*
	 * From the first thread, once the scheduler runs: buses and devices
	 * that need threads or may sleep (xenbus); NULL means none.
	 */
	void (*init_devices)(void);
	__noreturn void (*power_off)(bool success);
	/* Restart the machine (or domain). */
	__noreturn void (*restart)(void);
	/*
	 * Before an orderly power-off or restart, from the init thread:
	 * close the devices (may sleep); NULL means nothing to close.
	 */
	void (*shutdown_devices)(void);
	/* After a panic; NULL means power_off(false). */
	__noreturn void (*crash)(void);
	/* Stop the calling CPU for good. */
	__noreturn void (*halt)(void);
	const char *(*boot_line_extra)(void);
	/* A line printed right after the boot line; NULL means none. */
	const char *(*boot_report)(void);
	/*
	 * Load this CPU's GDT, segments and TSS; NULL means the native
	 * per-CPU GDT (a PV guest uses the hypervisor's flat selectors).
	 */
	void (*load_segments)(unsigned int cpu);
	/* Hypercalls made so far on this CPU (bench); NULL means none. */
	u64 (*hypercall_count)(void);
	/* The same, summed over every CPU; NULL means none. */
	u64 (*hypercall_count_all)(void);
	/*
	 * What another CPU's interrupt delivery looks like from here, for
	 * the self-test watch's report of a CPU gone silent; NULL: nothing.
	 */
	void (*cpu_report)(unsigned int cpu, char *buf, size_t size);
	/*
	 * Physical memory the entry's page tables map at __va(), which is
	 * where the frame allocator's bitmap and the first page tables must
	 * come from; NULL means the 1 GiB head_64.S maps.
	 */
	u64 (*early_map_limit)(void);
	/* Page tables are the hypervisor's to validate: 4 KiB pages only. */
	bool pv_mmu;
};

extern const struct x86_platform *x86_platform;
extern const struct x86_platform native_platform;
extern const struct x86_platform xen_pv_platform;
extern const struct x86_platform xen_pvh_platform;
extern const struct x86_platform xen_hvm_platform;

bool cpu_has_hypervisor(void);

/*
 * Pieces of the native platform that hardware-virtualised guests (Xen
 * HVM and PVH) reuse: they have a local APIC and ACPI tables too.
 */
struct acpi_info;
void native_pic_mask(void);
void native_apic_smp_init(struct boot_record *br);
const struct acpi_info *native_acpi_info(void);

#endif
