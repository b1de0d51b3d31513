/* SPDX-License-Identifier: MIT */
/*
 * Application-processor start-up code.  Copied to TRAMPOLINE_PHYS below
 * 1 MiB; a CPU woken by INIT-SIPI-SIPI starts here in real mode at
 * TRAMPOLINE_PHYS:0 and climbs to long mode on the early page tables
 * (which identity-map this page), then jumps to ap_entry_64 in the kernel.
 * The tr_* slots are filled in by smpboot.c in the copy.
 */
#include <asm/segment.h>
#include <asm/smpboot.h>

#define TR(x)	(TRAMPOLINE_PHYS + (x) - trampoline_start)

	.section .trampoline, "ax"
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tr_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$__BOOT_CS32, $TR(tr_pm32)

	.code32
tr_pm32:
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$((1 << 5) | (1 << 7)), %eax	/* PAE, PGE */
	movl	%eax, %cr4
	movl	TR(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx		/* EFER */
	rdmsr
	orl	TR(tr_efer_bits), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	movl	%eax, %cr0
	ljmpl	$__KERNEL_CS, $TR(tr_lm64)

	.code64
tr_lm64:
	movq	tr_entry(%rip), %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00af9a000000ffff
	.quad	0x00cf92000000ffff
	.quad	0x00cf9a000000ffff
tr_gdt_end:
tr_gdt_desc:
	.short	tr_gdt_end - tr_gdt - 1
	.long	TR(tr_gdt)
	.balign 8
	.globl tr_cr3, tr_efer_bits, tr_entry
tr_cr3:		.long 0
tr_efer_bits:	.long 0
tr_entry:	.quad 0
	.globl trampoline_end
trampoline_end:

/*
 * In kernel text, mapped by both the early and the final page tables:
 * switch to the kernel's tables and the stack smpboot.c prepared.
 */
	.text
	.globl ap_entry_64
ap_entry_64:
	movq	ap_boot_cr3(%rip), %rax
	movq	%rax, %cr3
	movq	ap_boot_stack(%rip), %rsp
	movl	ap_boot_cpu(%rip), %edi
	xorl	%ebp, %ebp
	call	start_secondary
1:	hlt
	jmp	1b
