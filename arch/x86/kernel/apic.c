// SPDX-License-Identifier: MIT
/*
 * Local APIC driver for bare metal: x2APIC when the CPU has it and it can
 * be switched on, otherwise xAPIC through an uncached MMIO mapping.
 */
#include <pvk/kernel.h>
#include <pvk/ratelimit.h>
#include <pvk/mm.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/io.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define APIC_ID		0x20
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define APIC_SVR_ENABLE		(1U << 8)
#define APIC_LVT_MASKED		(1U << 16)
#define APIC_TIMER_PERIODIC	(1U << 17)
#define APIC_ICR_BUSY		(1U << 12)
#define APIC_DM_INIT		0x500
#define APIC_DM_STARTUP		0x600
#define APIC_LEVEL_ASSERT	(1U << 14)
#define APIC_BASE_X2APIC	(1ULL << 10)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define X2APIC_MSR(reg)		(0x800 + ((reg) >> 4))
#define TIMER_DIVIDE_16		0x3
#define CALIBRATE_MS		10
#define CALIBRATE_ROUNDS	3
#define TICK_NS			(NSEC_PER_SEC / HZ)
/* Longest one-shot programmed at once; the core asks for less. */
#define ONESHOT_MAX_NS		(4 * NSEC_PER_SEC)

static volatile u8 *apic_mmio;
static bool x2apic;
static u32 timer_ticks_per_tick;

static u32 apic_read(u32 reg)
{
	if (x2apic)
		return (u32)rdmsr(X2APIC_MSR(reg));
	return mmio_read32(apic_mmio + reg);
}

static void apic_write(u32 reg, u32 val)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), val);
	else
		mmio_write32(apic_mmio + reg, val);
}

bool apic_is_x2apic(void)
{
	return x2apic;
}

/*
 * Some emulators advertise x2APIC in CPUID but fault on the MSRs; try it
 * with the fault-tolerant MSR accessors and fall back to xAPIC.
 */
static bool try_enable_x2apic(void)
{
	u32 a, b, c, d;
	u64 base, id;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 21)) || native_rdmsr_safe(MSR_IA32_APICBASE, &base))
		return false;
	return !native_wrmsr_safe(MSR_IA32_APICBASE, base | APIC_BASE_ENABLE |
				  APIC_BASE_X2APIC) &&
	       !native_rdmsr_safe(X2APIC_MSR(APIC_ID), &id);
}

/**
 * apic_init - choose the APIC mode and map the xAPIC registers
 * @lapic_phys: physical address of the xAPIC page (from the MADT)
 */
int apic_init(u64 lapic_phys)
{
	x2apic = try_enable_x2apic();
	if (!x2apic) {
		apic_mmio = ioremap(lapic_phys, 4096);
		if (!apic_mmio)
			return -ENOMEM;
	}
	pr_info("apic: %s, boot CPU APIC id %u\n", x2apic ? "x2APIC" : "xAPIC",
		apic_read_id());
	return 0;
}

/**
 * apic_setup_this_cpu - enable the calling CPU's APIC
 *
 * APs must call this too; with x2APIC each CPU switches its own APIC
 * into x2APIC mode first.
 */
void apic_setup_this_cpu(void)
{
	if (x2apic)
		wrmsr(MSR_IA32_APICBASE, rdmsr(MSR_IA32_APICBASE) |
		      APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
}

u32 apic_read_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic ? id : id >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void apic_icr_write(u32 apic_id, u32 low)
{
	if (x2apic) {
		wrmsr(X2APIC_MSR(APIC_ICR), ((u64)apic_id << 32) | low);
		return;
	}
	apic_write(APIC_ICR2, apic_id << 24);
	apic_write(APIC_ICR, low);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
}

void apic_send_ipi(u32 apic_id, unsigned int vector)
{
	unsigned long flags = arch_local_irq_save();

	apic_icr_write(apic_id, vector);
	arch_local_irq_restore(flags);
}

void apic_send_init(u32 apic_id)
{
	apic_icr_write(apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
}

void apic_send_startup(u32 apic_id, u8 page)
{
	apic_icr_write(apic_id, APIC_DM_STARTUP | page);
}

static void apic_timer_interrupt(struct pt_regs *regs)
{
	timer_tick(regs->rip);
}

/*
 * Count APIC timer decrements over a known time (the TSC clock).  The
 * clock is read right before the count starts and right after it is
 * read, so a vCPU descheduled in between only makes the rate look
 * lower, never higher; the highest of a few rounds is kept.  (One-shot
 * deadlines rely on it: a rate 20 times too high, seen under a loaded
 * host, made each idle wake-up 20 times late.)
 */
static void apic_timer_calibrate(void)
{
	u64 best = 0;

	apic_write(APIC_TDCR, TIMER_DIVIDE_16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
		u64 t0 = ktime_get_ns(), ns;
		u32 elapsed;

		apic_write(APIC_TMICT, 0xffffffff);
		mdelay(CALIBRATE_MS);
		elapsed = 0xffffffff - apic_read(APIC_TMCCT);
		ns = ktime_get_ns() - t0;
		best = MAX(best, (u64)elapsed * TICK_NS / ns);
	}
	apic_write(APIC_TMICT, 0);
	timer_ticks_per_tick = (u32)MIN(best, 0xffffffffULL);
	if (!timer_ticks_per_tick)
		timer_ticks_per_tick = 100000;
	pr_info("apic: timer %u counts per %u Hz tick\n", timer_ticks_per_tick, HZ);
}

/**
 * apic_timer_start - start the periodic tick on this CPU
 *
 * The boot CPU calibrates once; the others reuse its figure.
 */
void apic_timer_start(void)
{
	if (!timer_ticks_per_tick) {
		request_vector(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
		apic_timer_calibrate();
	}
	apic_write(APIC_TDCR, TIMER_DIVIDE_16);
	apic_timer_busy();
}

/**
 * apic_timer_busy - the periodic tick on this CPU (again)
 *
 * Writing the initial count restarts the count-down, so the first tick
 * comes a whole period from now.
 */
void apic_timer_busy(void)
{
	apic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR | APIC_TIMER_PERIODIC);
	apic_write(APIC_TMICT, timer_ticks_per_tick);
}

/* In service and requested, vectors 0xe0-0xff: timer, IPIs, Xen's upcall. */
#define APIC_ISR_HIGH	0x170
#define APIC_IRR_HIGH	0x270
#define HIGH_VECTORS	0xe0

/**
 * apic_idle_lost_interrupts - end the vectors a lost delivery left in service
 *
 * For the idle loop, interrupts off, where no handler runs on this CPU:
 * a vector of 0xe0-0xff still in service there is one whose delivery
 * the CPU lost after the local APIC (or the hypervisor's model of it)
 * handed it over.  Its in-service bit would block it and every vector
 * below it, the timer's and the IPIs' included, for good; each is ended
 * with an EOI.  Returns true when there was one.
 */
bool apic_idle_lost_interrupts(void)
{
	u32 isr = apic_read(APIC_ISR_HIGH);
	unsigned int n = 0;

	if (!isr)
		return false;
	while (apic_read(APIC_ISR_HIGH) && n < 32) {
		apic_eoi();
		n++;
	}
	pr_warn_ratelimited("apic: CPU %u idle with vectors in service (bit n: vector %#x + n): %#x; ended %u\n",
			    smp_processor_id(), HIGH_VECTORS, isr, n);
	return true;
}

/**
 * apic_vector_outstanding - is @vector requested or in service here?
 * @vector: 0xe0-0xff
 */
bool apic_vector_outstanding(unsigned int vector)
{
	u32 bit = 1u << (vector - HIGH_VECTORS);

	return (apic_read(APIC_IRR_HIGH) | apic_read(APIC_ISR_HIGH)) & bit;
}

/**
 * apic_timer_stop - no more timer interrupts on this CPU
 *
 * For a CPU going offline; apic_timer_start() starts its tick again.
 */
void apic_timer_stop(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0);
}

/**
 * apic_timer_tick_left - nanoseconds until the periodic tick fires
 *
 * From the current count, which the periodic mode reloads at each tick.
 */
u64 apic_timer_tick_left(void)
{
	return (u64)apic_read(APIC_TMCCT) * TICK_NS / timer_ticks_per_tick;
}

/**
 * apic_timer_idle - one timer interrupt at @deadline_ns, no tick before
 * @deadline_ns: ktime_get_ns() time; one already past fires at once
 *
 * The count is the calibrated rate times the time left, at least 1
 * (0 would stop the timer).
 */
void apic_timer_idle(u64 deadline_ns)
{
	u64 now = ktime_get_ns();
	u64 ns = deadline_ns > now ? MIN(deadline_ns - now, ONESHOT_MAX_NS) : 0;
	u64 count = ns * timer_ticks_per_tick / TICK_NS;

	apic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, (u32)MIN(MAX(count, 1), 0xffffffffULL));
}
