/* SPDX-License-Identifier: MIT */
/*
 * Boot headers carried by the one pvk image: a multiboot2 header for GRUB
 * (real hardware, ISO), the PVH entry note read by QEMU's -kernel and by
 * Xen's PVH loader, and the notes Xen's PV domain builder needs to load
 * the same ELF as a 64-bit PV guest (dom0 included).
 */
#include <asm/boot.h>
#include <xen/elfnote.h>
#include <xen/features.h>

#define MB2_MAGIC	0xe85250d6
#define MB2_ARCH_I386	0
#define MB2_TAG_END	0
#define MB2_TAG_ENTRY	3

/*
 * No EFI boot-services tag and no EFI entry tag: under UEFI, GRUB exits
 * boot services and enters at the same 32-bit entry as under BIOS, and
 * pvk never calls the firmware.
 */
	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.balign 8
	.short	MB2_TAG_ENTRY, 0
	.long	12
	.long	multiboot2_entry - __START_KERNEL_map
	.balign 8
	.short	MB2_TAG_END, 0
	.long	8
mb2_header_end:

/* One ELF note: name "Xen", a type, a descriptor. */
#define ELFNOTE(type, desctype, value)		\
	.balign 4;				\
	.long 2f - 1f;				\
	.long 4f - 3f;				\
	.long type;				\
1:	.asciz "Xen";				\
2:	.balign 4;				\
3:	desctype value;				\
4:	.balign 4

	.section .note.Xen, "a", @note
	ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY, .long, pvh_entry - __START_KERNEL_map)

#if IS_ENABLED(CONFIG_XEN)
/*
 * PV: Xen maps the image at VIRT_BASE + its physical load address (so the
 * kernel runs where it is linked), fills the hypercall page and enters
 * startup_xen in 64-bit mode.  Page tables stay read-only to the guest
 * and are changed through hypercalls ("!writable_page_tables").
 */
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "pvk")
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad, __START_KERNEL_map)
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad, 0)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .quad, startup_xen)
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page)
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz, "!writable_page_tables")
	ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long, (1 << XENFEAT_dom0))
	ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
#endif
