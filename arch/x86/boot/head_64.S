/* SPDX-License-Identifier: MIT */
/*
 * 32-bit entry stubs (multiboot2 and PVH) and the common switch to long
 * mode.  Each stub only records which entry ran and where its boot
 * information is; C code in arch/x86/boot/ normalises that information.
 *
 * Both loaders enter in flat 32-bit protected mode with paging off, so
 * until paging is on every address is a physical one (symbol minus
 * __START_KERNEL_map).
 */
#include <asm/boot.h>
#include <asm/segment.h>

#define PHYS(x)		((x) - __START_KERNEL_map)
#define X86_CR0_PE	(1 << 0)
#define X86_CR0_WP	(1 << 16)
#define X86_CR0_PG	(1 << 31)
#define X86_CR4_PAE	(1 << 5)
#define X86_CR4_PGE	(1 << 7)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define EFER_NX		(1 << 11)
#define PTE_PRESENT_RW	0x003
#define PDE_LARGE	0x083

	.section .head.text, "ax"
	.code32

	.globl multiboot2_entry
multiboot2_entry:
	cli
	cmpl	$MULTIBOOT2_BOOTLOADER_MAGIC, %eax
	jne	bad_loader
	movl	$BOOT_ENTRY_MULTIBOOT2, %edi
	movl	%ebx, %esi
	jmp	startup_32

	.globl pvh_entry
pvh_entry:
	cli
	movl	$BOOT_ENTRY_PVH, %edi
	movl	%ebx, %esi
	jmp	startup_32

/* Tell whoever is listening (QEMU debugcon, then COM1), then stop. */
bad_loader:
	movl	$PHYS(msg_bad_loader), %ebp
	jmp	early_die
no_long_mode:
	movl	$PHYS(msg_no_long_mode), %ebp
early_die:
	movb	(%ebp), %al
	testb	%al, %al
	jz	1f
	outb	%al, $0xe9
	movw	$0x3f8, %dx
	outb	%al, %dx
	incl	%ebp
	jmp	early_die
1:	hlt
	jmp	1b

startup_32:
	lgdt	PHYS(boot_gdt_desc)
	ljmp	$__BOOT_CS32, $PHYS(1f)
1:	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	/* Clear .bss; %edi/%esi hold the entry kind and info pointer. */
	movl	%edi, %ebp
	movl	%esi, %esp		/* no stack yet: park the info pointer */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(__bss_stop), %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	cld
	rep stosb
	movl	%ebp, %edi
	movl	%esp, %esi
	movl	$PHYS(boot_stack_top), %esp

	/* Long mode present?  Also note NX support for EFER. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode
	movl	%edx, %ebp

	movl	%cr4, %eax
	orl	$(X86_CR4_PAE | X86_CR4_PGE), %eax
	movl	%eax, %cr4
	movl	$PHYS(early_pml4), %eax
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	btl	$20, %ebp
	jnc	2f
	orl	$EFER_NX, %eax
2:	wrmsr

	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0
	ljmp	$__KERNEL_CS, $PHYS(startup_64_low)

	.code64
startup_64_low:
	movabsq	$startup_64, %rax
	jmp	*%rax

startup_64:
	movabsq	$boot_stack_top, %rsp
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* Reload the GDT through its high address: the low alias goes away. */
	movabsq	$boot_gdt_desc64, %rax
	lgdt	(%rax)
	movl	%edi, %edi
	movl	%esi, %esi
	xorl	%ebp, %ebp
	call	x86_64_start_kernel
3:	hlt
	jmp	3b

	.section .rodata
msg_bad_loader:
	.asciz	"pvk: entered without a multiboot2 magic; halting\n"
msg_no_long_mode:
	.asciz	"pvk: this CPU has no long mode; halting\n"

	.section .data
	.balign 16
	.globl boot_gdt
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* __KERNEL_CS: 64-bit code */
	.quad	0x00cf92000000ffff	/* __KERNEL_DS */
	.quad	0x00cf9a000000ffff	/* __BOOT_CS32: 32-bit code */
boot_gdt_end:
boot_gdt_desc:
	.short	boot_gdt_end - boot_gdt - 1
	.long	PHYS(boot_gdt)
	.balign 8
boot_gdt_desc64:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

/*
 * Early page tables: the first GiB mapped with 2 MiB pages three times:
 * identity (for the switch), at __START_KERNEL_map and at the direct map.
 * mm/ replaces them with tables sized from the memory map.
 */
	.balign 4096
	.globl early_pml4
early_pml4:
	.quad	PHYS(early_pdpt_low) + PTE_PRESENT_RW
	.fill	272, 8, 0
	.quad	PHYS(early_pdpt_low) + PTE_PRESENT_RW	/* 273: __PAGE_OFFSET */
	.fill	237, 8, 0
	.quad	PHYS(early_pdpt_high) + PTE_PRESENT_RW	/* 511 */
early_pdpt_low:
	.quad	PHYS(early_pd) + PTE_PRESENT_RW
	.fill	511, 8, 0
early_pdpt_high:
	.fill	510, 8, 0
	.quad	PHYS(early_pd) + PTE_PRESENT_RW		/* 510: -2 GiB */
	.quad	0
early_pd:
	.set	i, 0
	.rept	512
	.quad	(i << 21) + PDE_LARGE
	.set	i, i + 1
	.endr

	.section .bss
	.balign 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
