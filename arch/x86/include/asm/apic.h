/* SPDX-License-Identifier: MIT */
/* Local APIC (xAPIC through MMIO, or x2APIC through MSRs). */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#include <pvk/types.h>

int apic_init(u64 lapic_phys);
void apic_setup_this_cpu(void);
u32 apic_read_id(void);
bool apic_is_x2apic(void);
void apic_eoi(void);
void apic_send_ipi(u32 apic_id, unsigned int vector);
void apic_send_init(u32 apic_id);
void apic_send_startup(u32 apic_id, u8 page);
/* Calibrate (once) and start a periodic timer at HZ on this CPU. */
void apic_timer_start(void);
/* One-shot mode, one interrupt at @deadline_ns (platform.timer_idle). */
void apic_timer_idle(u64 deadline_ns);
bool apic_idle_lost_interrupts(void);
bool apic_vector_outstanding(unsigned int vector);
/* Back to the periodic tick (platform.timer_busy). */
void apic_timer_busy(void);
/* No more timer interrupts on this CPU, which goes offline. */
void apic_timer_stop(void);
/* Time to the periodic tick's next interrupt (platform.timer_tick_left). */
u64 apic_timer_tick_left(void);

/* arch/x86/kernel/tsc.c */
void tsc_calibrate(void);
void tsc_set_khz(u64 khz, const char *source);
u64 tsc_khz(void);
/* Busy-wait on the PIT for about @us microseconds (before the TSC is known). */
void pit_wait_us(unsigned int us);

#endif
