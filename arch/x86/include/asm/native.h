/* SPDX-License-Identifier: MIT */
/*
 * The native (bare-metal) pv_ops backend.  It never includes a Xen
 * header.  The irq ops are assembly that follows the callee-saved
 * convention, so they can sit in pv_ops.irq unwrapped.
 */
#ifndef _ASM_X86_NATIVE_H
#define _ASM_X86_NATIVE_H

#include <asm/paravirt_types.h>
#include <asm/processor.h>

void native_load_idt(const struct desc_ptr *dtr);
void native_load_gdt(const struct desc_ptr *dtr);
void native_load_tr(unsigned int sel);
unsigned long native_read_cr0(void);
void native_write_cr0(unsigned long val);
unsigned long native_read_cr4(void);
void native_write_cr4(unsigned long val);
unsigned long native_read_cr2(void);
unsigned long native_read_cr3(void);
void native_write_cr3(unsigned long val);
void native_wbinvd(void);
void native_cpuid_op(u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);
u64 native_read_msr(u32 msr);
void native_write_msr(u32 msr, u64 val);
void native_io_delay(void);
void native_load_sp0(unsigned long sp0);
/* arch/x86/kernel/process_64.c and entry_64.S */
void native_syscall_init(void);
__attribute__((noreturn)) void native_ret_to_user(struct pt_regs *regs);

/* arch/x86/kernel/native_irq.S (callee-saved convention) */
unsigned long native_save_fl(void);
void native_restore_fl(unsigned long flags);
void native_irq_disable(void);
void native_irq_enable(void);
void native_safe_halt(void);
void native_halt(void);

pteval_t native_pte_identity(pteval_t val);
void native_set_pte(pteval_t *ptep, pteval_t val);
void native_alloc_pt(unsigned long pfn, int level);
void native_release_pt(unsigned long pfn, int level);
int native_pgd_alloc(pteval_t *pgd);
void native_pgd_free(pteval_t *pgd);
void native_flush_tlb_local(void);
void native_flush_tlb_one(unsigned long va);
void native_flush_tlb_kernel(void);
void native_flush_tlb_multi(const struct cpumask *cpus, unsigned long va);
void paravirt_nop(void);

u64 native_sched_clock(void);
u64 native_steal_clock(unsigned int cpu);
void native_lock_wait(u16 *ptr, u16 val);
void native_lock_kick(unsigned int cpu);

void native_send_ipi(unsigned int cpu, unsigned int vector);
int native_start_cpu(unsigned int cpu);

const u8 *native_patch_bytes(unsigned int op, unsigned int *len);

#endif /* _ASM_X86_NATIVE_H */
