/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for pvk, to exercise run_tests.py, mkiso.sh and bench.sh
 * without the real kernel.  32-bit flat code entered both by QEMU's PVH
 * loader (Xen ELF note 18) and by GRUB (multiboot2 header).  It prints
 * the pvk output protocol to COM1 and port 0xe9 with the CPU count read
 * from QEMU's fw_cfg, then writes to isa-debug-exit.  The behaviour is
 * picked at build time:
 *
 *   gcc -m32 -c -DFAKE_MODE=0 fake-pvk.S -o fake.o
 *   ld -m elf_i386 -Ttext-segment=0x100000 -z noexecstack -e _start \
 *      fake.o -o fake-pvk
 *
 * FAKE_MODE: 0 pass, 1 fail, 2 panic, 3 hang, 4 bench, 5 crash (triple
 * fault).  test_ktap.py builds and boots modes 0, 1 and 3.
 */

#ifndef FAKE_MODE
#define FAKE_MODE 0
#endif

	.section .multiboot2, "a"
	.align 8
mb2_start:
	.long	0xe85250d6			/* magic */
	.long	0				/* i386 */
	.long	mb2_end - mb2_start
	.long	-(0xe85250d6 + (mb2_end - mb2_start))
	.short	0, 0				/* end tag */
	.long	8
mb2_end:

	.section .note.Xen, "a", @note
	.align 4
	.long	4				/* namesz */
	.long	4				/* descsz */
	.long	18				/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz	"Xen"
	.long	_start

	.text
	.code32
	.globl	_start
_start:
	cli
	movl	$stack_top, %esp
	cld

	movl	$s_boot, %esi
	call	puts
	/* fw_cfg FW_CFG_NB_CPUS (key 5), 16-bit little endian */
	movw	$0x510, %dx
	movw	$5, %ax
	outw	%ax, %dx
	movw	$0x511, %dx
	inb	%dx, %al
	movzbl	%al, %ebx
	inb	%dx, %al
	movzbl	%al, %eax
	shll	$8, %eax
	orl	%ebx, %eax
	call	putdec
	movl	$s_boot2, %esi
	call	puts
	movl	$s_body, %esi
	call	puts

#if FAKE_MODE == 0 || FAKE_MODE == 4
	xorl	%eax, %eax			/* exit status 1 */
#elif FAKE_MODE == 1
	movl	$1, %eax			/* exit status 3 */
#elif FAKE_MODE == 5
	lidt	null_idt			/* triple fault */
	int3
#endif
#if FAKE_MODE != 2 && FAKE_MODE != 3
	movw	$0xf4, %dx
	outl	%eax, %dx
#endif
1:	hlt
	jmp	1b

/* print NUL-terminated %esi to COM1 and port 0xe9 */
puts:
	lodsb
	testb	%al, %al
	jz	2f
	call	putc
	jmp	puts
2:	ret

putc:
	movb	%al, %ah
	movw	$0x3fd, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movb	%ah, %al
	movw	$0x3f8, %dx
	outb	%al, %dx
	movw	$0xe9, %dx
	outb	%al, %dx
	ret

/* print %eax in decimal */
putdec:
	movl	$10, %ecx
	xorl	%edx, %edx
	divl	%ecx
	pushl	%edx
	testl	%eax, %eax
	jz	1f
	call	putdec
1:	popl	%eax
	addb	$'0', %al
	call	putc
	ret

	.section .rodata
	.align 8
null_idt:
	.short	0
	.long	0
s_boot:
	.asciz	"pvk: platform=bare-metal cpus="
s_boot2:
	.asciz	" mem=256MiB patched=0 sites fake=1\r\n[    0.000100] fake: hello\r\n"
s_body:
#if FAKE_MODE == 4
	.ascii	"pvk-bench: platform=bare-metal op=irq_disable variant=patched cycles=12 hypercalls=0\r\n"
	.ascii	"pvk-bench: platform=bare-metal op=irq_disable variant=indirect cycles=30 hypercalls=0\r\n"
	.ascii	"pvk-bench: platform=bare-metal op=irq_disable variant=raw cycles=10 hypercalls=0\r\n"
	.ascii	"pvk-bench: platform=bare-metal op=read_cr3 variant=patched cycles=40 hypercalls=0 iters=1000\r\n"
	.ascii	"pvk-bench: platform=bare-metal op=read_cr3 variant=indirect cycles=55 hypercalls=0 iters=1000\r\n"
	.ascii	"pvk-bench: platform=bare-metal op=read_cr3 variant=raw cycles=38 hypercalls=0 iters=1000\r\n"
	.asciz	"pvk-bench: done\r\n"
#else
	.ascii	"KTAP version 1\r\n1..30\r\n# fake selftests\r\nok 1 reboot.fake\r\n"
	.ascii	"[    0.000200] fake: noise\r\nok 2 fake_two # SKIP fake reason\r\n"
	/* One case of each suite run_tests.py's MANIFEST wants on bare metal. */
	.ascii	"ok 3 paravirt.fake\r\nok 4 traps.fake\r\nok 5 pgtable.fake\r\n"
	.ascii	"ok 6 irq.fake\r\nok 7 sched.fake\r\nok 8 mm.fake\r\n"
	.ascii	"ok 9 smp.fake\r\nok 10 selftest.fake\r\nok 11 selftest_watch.fake\r\n"
	.ascii	"ok 12 pci.fake\r\nok 13 io_apic.fake\r\n"
	.ascii	"ok 14 cpu_hotplug.cpu_hotplug_refuses_cpu0\r\n"
	.ascii	"ok 15 cpu_hotplug.cpu_hotplug_refuses_bad_number\r\n"
	.ascii	"ok 16 user.fake\r\nok 17 printk.fake\r\n"
	.ascii	"ok 18 user_threads.user_threads_sum_join\r\n"
	.ascii	"ok 19 user_threads.user_threads_futex_bad_input\r\n"
	.ascii	"ok 20 user_threads.user_threads_exit_group\r\n"
	.ascii	"ok 21 user_threads.user_threads_munmap_shootdown\r\n"
	.ascii	"ok 22 user.user_mprotect_segv_and_back\r\n"
	.ascii	"ok 23 user.user_demand_paging_lazy\r\n"
	.ascii	"ok 24 user.user_sleep_and_kill\r\n"
	.ascii	"ok 25 user.user_memory_exhaustion_killed\r\n"
	.ascii	"ok 26 user.user_files_initramfs\r\n"
	.ascii	"ok 27 user.user_pipes_fork_dup2\r\n"
	.ascii	"ok 28 apic.fake\r\nok 29 acpi_button.fake\r\n"
#if FAKE_MODE == 1
	.ascii	"not ok 30 fake_three\r\n"
	.asciz	"pvk: selftest result: FAIL (28 passed, 1 failed, 1 skipped)\r\n"
#elif FAKE_MODE == 2
	.asciz	"pvk: PANIC: fake panic\r\n"
#elif FAKE_MODE == 3 || FAKE_MODE == 5
	.asciz	""
#else
	.ascii	"ok 30 fake_three\r\n"
	.asciz	"pvk: selftest result: PASS (29 passed, 0 failed, 1 skipped)\r\n"
#endif
#endif

	.bss
	.align 16
	.space	4096
stack_top:
