/* SPDX-License-Identifier: MIT */
/*
 * Entry points of a 64-bit Xen PV guest and the hypercall page.
 *
 * Xen's PV domain builder enters startup_xen in 64-bit mode on its own
 * page tables, with %rsi holding the virtual address of start_info, a
 * small stack in the bootstrap area and event delivery masked.  The
 * kernel image is already mapped where it was linked and its .bss is
 * zeroed, so all that is left to do here is to move to the kernel's own
 * boot stack and reach C.
 */
#include <asm/boot.h>

	.text
	.globl startup_xen
	.type startup_xen, @function
startup_xen:
	cld
	leaq	boot_stack_top(%rip), %rsp
	movq	%rsi, %rdi
	xorl	%ebp, %ebp
	call	xen_start_kernel
1:	jmp	1b
	.size startup_xen, . - startup_xen

/*
 * A secondary vCPU starts here with the context smp_pv.c gave to
 * VCPUOP_initialise: its own stack, %gs base and %rdi = CPU number.
 */
	.globl xen_secondary_startup
	.type xen_secondary_startup, @function
xen_secondary_startup:
	cld
	xorl	%ebp, %ebp
	call	xen_start_secondary
2:	jmp	2b
	.size xen_secondary_startup, . - xen_secondary_startup

/*
 * Xen writes one 32-byte transfer stub per hypercall into this page when
 * it loads the image (XEN_ELFNOTE_HYPERCALL_PAGE).  int3 filler makes a
 * call through an unfilled page fail loudly.
 */
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.fill	4096, 1, 0xcc
	.size hypercall_page, . - hypercall_page
