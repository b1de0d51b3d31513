/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space: accessors, a scan of buses 0-255, and base
 * address register (BAR) decoding and sizing.
 *
 * The core (drivers/pci/pci.c) reaches configuration space only through
 * the raw ops the architecture installs (arch/x86/pci/direct.c: ports
 * 0xcf8/0xcfc), so it also runs in host unit tests against a fake
 * configuration space. Until ops are installed every access fails with
 * -ENODEV and reads return all ones, as an empty slot does.
 */
#ifndef PVK_PCI_H
#define PVK_PCI_H

#include <pvk/types.h>

#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

/* Type 0 configuration header offsets (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_CONFIG_SIZE		256

#define PCI_COMMAND_IO		0x1
#define PCI_COMMAND_MEMORY	0x2
#define PCI_HEADER_TYPE_MASK	0x7f
#define PCI_HEADER_TYPE_NORMAL	0
#define PCI_HEADER_MULTI_FUNC	0x80
#define PCI_STD_NUM_BARS	6

/* Class codes (base class << 16 | sub-class << 8 | prog-if), bridges. */
#define PCI_CLASS_BRIDGE_HOST	0x060000
#define PCI_CLASS_BRIDGE_ISA	0x060100

#define PCI_ANY_ID		0xffff

struct pci_dev {
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class;		/* 24 bits: base, sub-class, prog-if */
	u8 revision;
	u8 hdr_type;		/* without the multi-function bit */
};

enum pci_bar_type {
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
};

struct pci_bar {
	enum pci_bar_type type;
	u64 base;		/* bus address the firmware assigned */
	u64 size;		/* a power of two */
	bool prefetchable;
};

/*
 * Raw configuration access: @len is 1, 2 or 4 and @reg is aligned to it.
 * Returns 0 or a negative errno.
 */
struct pci_raw_ops {
	int (*read)(unsigned int bus, unsigned int devfn, unsigned int reg,
		    unsigned int len, u32 *val);
	int (*write)(unsigned int bus, unsigned int devfn, unsigned int reg,
		     unsigned int len, u32 val);
};

void pci_set_raw_ops(const struct pci_raw_ops *ops);
bool pci_available(void);

int pci_read_config_byte(const struct pci_dev *dev, unsigned int where,
			 u8 *val);
int pci_read_config_word(const struct pci_dev *dev, unsigned int where,
			 u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, unsigned int where,
			  u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, unsigned int where,
			  u8 val);
int pci_write_config_word(const struct pci_dev *dev, unsigned int where,
			  u16 val);
int pci_write_config_dword(const struct pci_dev *dev, unsigned int where,
			   u32 val);

typedef int (*pci_dev_fn)(const struct pci_dev *dev, void *data);

int pci_for_each_dev(pci_dev_fn fn, void *data);
int pci_get_device(u16 vendor, u16 device, struct pci_dev *out);
int pci_get_class(u32 class, struct pci_dev *out);

int pci_bar_decode(u32 lo, u32 hi, u32 lo_mask, u32 hi_mask,
		   struct pci_bar *bar);
int pci_read_bar(const struct pci_dev *dev, unsigned int idx,
		 struct pci_bar *bar);
int pci_enable_decoding(const struct pci_dev *dev, u16 bits);

/* arch/x86/pci/direct.c: install configuration mechanism #1 if it works. */
int pci_direct_init(void);

#endif /* PVK_PCI_H */
