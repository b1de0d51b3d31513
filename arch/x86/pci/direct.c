// SPDX-License-Identifier: MIT
/*
 * PCI configuration mechanism #1: an address written to port 0xcf8
 * selects bus, device, function and dword; port 0xcfc (plus the byte
 * offset) is the window onto that dword. Every chipset since the PCI
 * 2.0 era has it, QEMU's pc and q35 machines and Xen HVM guests too.
 */
#define pr_fmt(fmt) "pci: " fmt

#include <pvk/kernel.h>
#include <pvk/pci.h>
#include <pvk/spinlock.h>
#include <asm/io.h>

#define PCI_CONF1_ADDRESS	0xcf8
#define PCI_CONF1_DATA		0xcfc
#define PCI_CONF1_ENABLE	0x80000000U
/* Writing a byte to 0xcfb selects mechanism #1 on dual-mode chipsets. */
#define PCI_CONF1_MODE_PORT	0xcfb

/* The address and data ports form one access: never interleave two. */
static DEFINE_SPINLOCK(pci_config_lock);

static u32 conf1_address(unsigned int bus, unsigned int devfn,
			 unsigned int reg)
{
	return PCI_CONF1_ENABLE | (bus & 0xff) << 16 | (devfn & 0xff) << 8 |
	       (reg & 0xfc);
}

static int conf1_read(unsigned int bus, unsigned int devfn, unsigned int reg,
		      unsigned int len, u32 *val)
{
	u16 port = PCI_CONF1_DATA + (reg & 3);
	unsigned long flags;

	spin_lock_irqsave(&pci_config_lock, flags);
	outl(conf1_address(bus, devfn, reg), PCI_CONF1_ADDRESS);
	if (len == 1)
		*val = inb(port);
	else if (len == 2)
		*val = inw(port);
	else
		*val = inl(port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

static int conf1_write(unsigned int bus, unsigned int devfn, unsigned int reg,
		       unsigned int len, u32 val)
{
	u16 port = PCI_CONF1_DATA + (reg & 3);
	unsigned long flags;

	spin_lock_irqsave(&pci_config_lock, flags);
	outl(conf1_address(bus, devfn, reg), PCI_CONF1_ADDRESS);
	if (len == 1)
		outb((u8)val, port);
	else if (len == 2)
		outw((u16)val, port);
	else
		outl(val, port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return 0;
}

static const struct pci_raw_ops pci_direct_conf1 = {
	.read = conf1_read,
	.write = conf1_write,
};

/*
 * As Linux's pci_check_type1(): the address register of mechanism #1
 * holds what is written to it, where nothing at 0xcf8 would float.
 */
static bool conf1_works(void)
{
	unsigned long flags;
	u32 saved, probe;

	spin_lock_irqsave(&pci_config_lock, flags);
	outb(0x01, PCI_CONF1_MODE_PORT);
	saved = inl(PCI_CONF1_ADDRESS);
	outl(PCI_CONF1_ENABLE, PCI_CONF1_ADDRESS);
	probe = inl(PCI_CONF1_ADDRESS);
	outl(saved, PCI_CONF1_ADDRESS);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return probe == PCI_CONF1_ENABLE;
}

/**
 * pci_direct_init() - use configuration mechanism #1 if the chipset has it
 *
 * Needs I/O port access: bare metal, an HVM or PVH guest, a PV dom0 (but
 * never a PV domU, where the port accesses fault). Returns 0, or -ENODEV
 * (logged) when the mechanism is not there.
 */
int pci_direct_init(void)
{
	struct pci_dev host;

	if (!conf1_works()) {
		pr_warn("no configuration mechanism #1 at %#x, no PCI\n",
			PCI_CONF1_ADDRESS);
		return -ENODEV;
	}
	pci_set_raw_ops(&pci_direct_conf1);
	if (pci_get_device(PCI_ANY_ID, PCI_ANY_ID, &host)) {
		pr_warn("configuration mechanism #1 finds no device, no PCI\n");
		pci_set_raw_ops(NULL);
		return -ENODEV;
	}
	pr_info("configuration mechanism #1; first device %02x:%02x.%u %04x:%04x\n",
		host.bus, PCI_SLOT(host.devfn), PCI_FUNC(host.devfn),
		host.vendor, host.device);
	return 0;
}
