// SPDX-License-Identifier: MIT
/*
 * Bare-metal SMP bring-up: CPUs come from the ACPI MADT and are started
 * one at a time with INIT-SIPI-SIPI through the real-mode trampoline.  A
 * CPU that does not answer is reported and skipped.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/platform.h>
#include <asm/smpboot.h>

#define AP_STACK_ORDER	2		/* 16 KiB */
#define AP_WAIT_MS	2000		/* emulated CPUs can be slow to start */
#define EFER_LME	(1ULL << 8)
#define EFER_NX		(1ULL << 11)

extern char trampoline_start[], trampoline_end[];
extern char tr_cr3[], tr_efer_bits[], tr_entry[];
extern char ap_entry_64[];
extern u64 early_pml4[];
extern pteval_t *kernel_pgd;

/* Read by ap_entry_64 while one CPU at a time is being started. */
u64 ap_boot_cr3;
u64 ap_boot_stack;
u32 ap_boot_cpu;

static volatile bool ap_alive;
static unsigned int cpus_found;
static bool trampoline_in_ram = true;

/**
 * smpboot_check_trampoline - is the trampoline's page RAM to the firmware?
 * @m: the loader's memory map, normalised, before low memory is reserved
 *
 * The trampoline is copied to a fixed low page at the first CPU start.
 * UEFI firmware may keep low pages for itself, and writing there would
 * corrupt them: smpboot_register_cpus() then starts no other CPU.
 */
void smpboot_check_trampoline(const struct memmap *m)
{
	trampoline_in_ram = memmap_covers(m, TRAMPOLINE_PHYS, PAGE_SIZE,
					  MEMMAP_USABLE);
}

unsigned int smpboot_cpus_found(void)
{
	return cpus_found;
}

static bool nosmp;
param_bool("nosmp", nosmp);
static int maxcpus = -1;	/* -1: every CPU found */
param_int("maxcpus", maxcpus, 1, 4096);

/**
 * smp_cpu_limit - the most CPUs to use: nosmp, maxcpus= and NR_CPUS
 */
unsigned int smp_cpu_limit(void)
{
	unsigned int limit = NR_CPUS;

	if (!IS_ENABLED(CONFIG_SMP) || nosmp)
		return 1;
	if (maxcpus > 0 && (unsigned int)maxcpus < limit)
		limit = maxcpus;
	return limit;
}

/**
 * smp_check_maxcpus - log a maxcpus= above what exists
 * @found: how many CPUs the platform has
 * @what: what they are called there ("CPUs", "vCPUs")
 */
void smp_check_maxcpus(unsigned int found, const char *what)
{
	if (maxcpus > 0 && (unsigned int)maxcpus > found)
		pr_warn("smp: maxcpus=%d but only %u %s exist\n", maxcpus, found,
			what);
}

/**
 * smpboot_register_cpus - number the CPUs the firmware lists
 * @acpi: parsed ACPI tables (nr_cpus 0 means "boot CPU only")
 *
 * The boot CPU is always CPU 0; the others follow in MADT order.  Only
 * enabled CPUs are started (online-capable ones are hot-plug slots).
 */
void smpboot_register_cpus(const struct acpi_info *acpi)
{
	u32 boot_id = apic_read_id();
	unsigned int limit = smp_cpu_limit();

	per_cpu(0)->apic_id = boot_id;
	nr_cpu_ids = 1;
	cpus_found = 1;
	for (unsigned int i = 0; i < acpi->nr_cpus; i++) {
		const struct acpi_cpu *c = &acpi->cpus[i];

		if (!c->enabled || c->apic_id == boot_id)
			continue;
		cpus_found++;
		if (nr_cpu_ids < limit)
			per_cpu(nr_cpu_ids++)->apic_id = c->apic_id;
	}
	if (cpus_found > nr_cpu_ids)
		pr_info("smp: %u CPUs found, using %u (limit %u)\n", cpus_found,
			nr_cpu_ids, limit);
	smp_check_maxcpus(cpus_found, "CPUs");
	if (nr_cpu_ids > 1 && !trampoline_in_ram) {
		pr_warn("smp: the memory map has no RAM at %#x for the AP trampoline; only the boot CPU runs\n",
			TRAMPOLINE_PHYS);
		nr_cpu_ids = 1;
	}
}

static void trampoline_install(void)
{
	u8 *dst = __va(TRAMPOLINE_PHYS);
	size_t len = trampoline_end - trampoline_start;

	memcpy(dst, trampoline_start, len);
	*(u32 *)(dst + (tr_cr3 - trampoline_start)) = (u32)__pa_symbol(early_pml4);
	*(u32 *)(dst + (tr_efer_bits - trampoline_start)) =
		(u32)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NX));
	*(u64 *)(dst + (tr_entry - trampoline_start)) = (u64)(unsigned long)ap_entry_64;
}

/**
 * native_start_cpu - start one application processor (pv_ops.smp.start_cpu)
 * @cpu: logical CPU number, with its APIC id recorded
 *
 * Returns 0 once the CPU runs kernel code, -ENOMEM without a stack, or
 * -ETIMEDOUT if it never answered.
 */
int native_start_cpu(unsigned int cpu)
{
	u32 apic_id = per_cpu(cpu)->apic_id;
	void *stack = alloc_pages(AP_STACK_ORDER);
	static bool trampoline_ready;
	u64 deadline;

	if (!stack)
		return -ENOMEM;
	if (!trampoline_ready) {
		trampoline_install();
		trampoline_ready = true;
	}
	ap_boot_cr3 = __pa(kernel_pgd);
	ap_boot_stack = (u64)(unsigned long)stack + (PAGE_SIZE << AP_STACK_ORDER);
	ap_boot_cpu = cpu;
	ap_alive = false;
	smp_mb();

	apic_send_init(apic_id);
	mdelay(10);
	for (int i = 0; i < 2 && !ap_alive; i++) {
		apic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
		udelay(200);
	}
	deadline = ktime_get_ns() + AP_WAIT_MS * NSEC_PER_MSEC;
	while (!ap_alive && ktime_get_ns() < deadline)
		cpu_relax();
	/*
	 * A CPU that did not answer may still be running (slow to wake, or
	 * parked by the platform's cpu_starting): its stack stays its own.
	 */
	if (!ap_alive)
		return -ETIMEDOUT;
	return 0;
}

void start_secondary(unsigned int cpu)
{
	cpu_init(cpu);
	apic_setup_this_cpu();
	if (x86_platform->cpu_starting && !x86_platform->cpu_starting(cpu))
		native_halt_forever();
	sched_init_cpu();
	ap_alive = true;
	smp_cpu_online(cpu);
	arch_timer_start();
	arch_local_irq_enable();
	cpu_idle();
}

/**
 * smp_init - start every CPU that was registered
 *
 * Waits for each CPU to come online before starting the next, so the
 * shared boot variables are used by one CPU at a time.
 */
void smp_init(void)
{
	unsigned int started = 1;

	smp_cpu_online(0);
	for (unsigned int cpu = 1; cpu < nr_cpu_ids; cpu++) {
		int err = paravirt_start_cpu(cpu);

		if (err) {
			pr_err("smp: CPU %u (APIC id %u) did not start: %d; skipped\n",
			       cpu, per_cpu(cpu)->apic_id, err);
			continue;
		}
		while (!cpumask_test_cpu(cpu, &cpu_online_mask))
			cpu_relax();
		started++;
	}
	pr_info("smp: %u CPU%s online\n", started, started > 1 ? "s" : "");
}
