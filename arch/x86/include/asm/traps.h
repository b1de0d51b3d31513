/* SPDX-License-Identifier: MIT */
/* Exceptions, interrupt vectors and their handlers. */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

#include <asm/ptrace.h>

#define X86_TRAP_DE	0
#define X86_TRAP_NMI	2
#define X86_TRAP_BP	3
#define X86_TRAP_UD	6
#define X86_TRAP_DF	8
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14

#define FIRST_EXTERNAL_VECTOR	0x20
/* Vectors handed out by request_any_vector(), below the fixed ones. */
#define FIRST_DEVICE_VECTOR	0x30
#define LAST_DEVICE_VECTOR	0xdf
#define LOCAL_TIMER_VECTOR	0xec
#define RESCHEDULE_VECTOR	0xf1
#define CALL_FUNCTION_VECTOR	0xf2
#define STOP_VECTOR		0xf3
/* Xen's event callback in HVM and PVH guests (arch/x86/xen/hvm_callback.c). */
#define XEN_HVM_UPCALL_VECTOR	0xf4
#define SPURIOUS_APIC_VECTOR	0xff

typedef void (*irq_handler_t)(struct pt_regs *regs);

/* Install a handler for an interrupt vector (>= FIRST_EXTERNAL_VECTOR). */
int request_vector(unsigned int vector, irq_handler_t handler);
/* Install @handler on a free device vector; returns it or -ENOSPC. */
int request_any_vector(irq_handler_t handler);
/* Remove @handler from @vector (only if it is the one installed). */
void free_vector(unsigned int vector, irq_handler_t handler);
/* Called by the platform after a vector's handler, e.g. LAPIC EOI. */
extern void (*arch_irq_eoi)(void);

void trap_init(void);
/* Common C entry of every vector (entry stubs, Xen PV event upcalls). */
void do_interrupt(struct pt_regs *regs);
bool interrupt_step_over_hlt(struct pt_regs *regs);
void idt_load_this_cpu(void);
void show_regs(const struct pt_regs *regs);


#endif
