/* SPDX-License-Identifier: MIT */
/*
 * Xen's platform PCI device (vendor 0x5853), present in HVM guests: its
 * INTx line can carry event-channel upcalls, its I/O BAR is where the
 * device model listens, and its MMIO BAR is guest-physical space with
 * nothing behind it, where Xen maps frames on request (grant tables).
 */
#ifndef _XEN_PLATFORM_PCI_H
#define _XEN_PLATFORM_PCI_H

#include <pvk/pci.h>
#include <pvk/types.h>

#define XEN_PLATFORM_VENDOR		0x5853
#define XEN_PLATFORM_DEVICE		0x0001
/* The same device as some Citrix products' device models name it. */
#define XEN_PLATFORM_DEVICE_ALT		0x0002

struct xen_platform_pci {
	struct pci_dev dev;	/* bus, devfn, IDs */
	u8 irq_pin;		/* 1-4 for INTA#-INTD#, 0 for none */
	u8 irq_line;		/* the firmware's routing: ISA IRQ or GSI */
	u16 io_base;		/* BAR0 */
	u32 io_size;
	u64 mmio_base;		/* BAR1 */
	u64 mmio_size;
};

int xen_platform_pci_probe(struct xen_platform_pci *out);
u64 xen_platform_pci_mmio_alloc(size_t len);

#endif /* _XEN_PLATFORM_PCI_H */
