// SPDX-License-Identifier: MIT
/*
 * The TSC as pvk's clock on bare metal: calibrated once against the PIT,
 * then read through pv_ops.time.sched_clock.
 */
#include <pvk/kernel.h>
#include <pvk/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/paravirt.h>
#include <asm/processor.h>

#define PIT_HZ		1193182
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CALIBRATE_US	10000
#define NS_SHIFT	22

static u64 tsc_khz_value;
static u64 tsc_mult;		/* ns = (cycles * mult) >> NS_SHIFT */
static u64 tsc_at_boot;

static void tsc_start_clock(const char *source);

/* One-shot on PIT channel 2, polled through its output bit in port 0x61. */
void pit_wait_us(unsigned int us)
{
	u32 count = (u32)((u64)PIT_HZ * us / 1000000);
	u8 gate;

	if (count > 0xffff)
		count = 0xffff;
	gate = inb(PIT_GATE);
	outb((gate & ~0x02) | 0x01, PIT_GATE);	/* gate on, speaker off */
	outb(0xb0, PIT_CMD);			/* ch2, lobyte/hibyte, mode 0 */
	outb(count & 0xff, PIT_CH2);
	outb(count >> 8, PIT_CH2);
	while (!(inb(PIT_GATE) & 0x20))
		cpu_relax();
	outb(gate, PIT_GATE);
}

/**
 * tsc_calibrate - measure the TSC frequency against the PIT
 *
 * Takes the fastest of three 10 ms windows (the least disturbed by an
 * emulator's scheduling).  Falls back to 1 GHz if the PIT does not count.
 */
void tsc_calibrate(void)
{
	u64 best = ~0ULL;

	for (int i = 0; i < 3; i++) {
		u64 t0 = rdtsc_ordered();

		pit_wait_us(CALIBRATE_US);
		best = MIN(best, rdtsc_ordered() - t0);
	}
	tsc_khz_value = best / (CALIBRATE_US / 1000);
	if (!tsc_khz_value) {
		pr_warn("tsc: calibration failed, assuming 1 GHz\n");
		tsc_khz_value = 1000000;
	}
	tsc_start_clock("PIT");
}

static void tsc_start_clock(const char *source)
{
	tsc_mult = (1000000ULL << NS_SHIFT) / tsc_khz_value;
	tsc_at_boot = rdtsc();
	pr_info("tsc: %llu.%03llu MHz (from the %s)\n",
		(unsigned long long)(tsc_khz_value / 1000),
		(unsigned long long)(tsc_khz_value % 1000), source);
}

/**
 * tsc_set_khz - take the TSC frequency from a hypervisor, uncalibrated
 * @khz: the frequency; 0 is refused (the PIT is tried instead)
 * @source: who said so, for the log
 *
 * A PVH guest has no PIT to calibrate against, and a hypervisor knows
 * the frequency exactly anyway.
 */
void tsc_set_khz(u64 khz, const char *source)
{
	if (!khz) {
		pr_warn("tsc: %s gave no frequency; calibrating\n", source);
		tsc_calibrate();
		return;
	}
	tsc_khz_value = khz;
	tsc_start_clock(source);
}

u64 tsc_khz(void)
{
	return tsc_khz_value;
}

/* pv_ops.time.sched_clock on bare metal. */
u64 native_sched_clock(void)
{
	u64 cycles;

	if (!tsc_mult)
		return 0;
	cycles = rdtsc() - tsc_at_boot;
	return (u64)(((unsigned __int128)cycles * tsc_mult) >> NS_SHIFT);
}

u64 get_cycles(void)
{
	return rdtsc_ordered();
}
