// SPDX-License-Identifier: MIT
/*
 * Xen platform PCI device, see include/xen/platform-pci.h: found on the
 * PCI bus, its BARs decoded and switched on, and its MMIO BAR handed
 * out in page-sized slices for frames Xen maps there (grant tables).
 *
 * Only PCI configuration space is touched here, never a hypercall, so
 * this also builds into host tests against a fake configuration space.
 */
#define pr_fmt(fmt) "xen: " fmt

#include <pvk/kernel.h>
#include <pvk/pci.h>
#include <xen/platform-pci.h>

#define PLATFORM_IO_BAR		0
#define PLATFORM_MMIO_BAR	1
/* Grant frames and the like are 4 KiB guest pages. */
#define PLATFORM_MMIO_ALIGN	4096ULL

static u64 mmio_base;
static u64 mmio_size;
/* Bytes of the MMIO BAR already handed out. */
static u64 mmio_used;

static int find_platform_dev(struct pci_dev *dev)
{
	if (!pci_get_device(XEN_PLATFORM_VENDOR, XEN_PLATFORM_DEVICE, dev))
		return 0;
	return pci_get_device(XEN_PLATFORM_VENDOR, XEN_PLATFORM_DEVICE_ALT,
			      dev);
}

/*
 * BAR0 must be I/O and BAR1 memory, page-aligned so that its slices are
 * pages: anything else is not the device Xen's device model provides.
 */
static int read_bars(struct xen_platform_pci *p)
{
	struct pci_bar io, mem;
	int ret;

	ret = pci_read_bar(&p->dev, PLATFORM_IO_BAR, &io);
	if (ret || io.type != PCI_BAR_IO) {
		pr_warn("platform PCI device: BAR0 is not I/O space (%d)\n",
			ret);
		return -EIO;
	}
	ret = pci_read_bar(&p->dev, PLATFORM_MMIO_BAR, &mem);
	if (ret || mem.type == PCI_BAR_IO || !mem.base ||
	    mem.base & (PLATFORM_MMIO_ALIGN - 1)) {
		pr_warn("platform PCI device: BAR1 is not page-aligned, assigned memory space (%d)\n",
			ret);
		return -EIO;
	}
	p->io_base = (u16)io.base;
	p->io_size = (u32)io.size;
	p->mmio_base = mem.base;
	p->mmio_size = mem.size;
	return 0;
}

static void report(const struct xen_platform_pci *p)
{
	pr_info("platform PCI device %02x:%02x.%u %04x:%04x: INT%c# line %u, I/O %#x+%#x, MMIO %#llx+%#llx\n",
		p->dev.bus, PCI_SLOT(p->dev.devfn), PCI_FUNC(p->dev.devfn),
		p->dev.vendor, p->dev.device,
		p->irq_pin ? 'A' + p->irq_pin - 1 : '-', p->irq_line,
		p->io_base, p->io_size, (unsigned long long)p->mmio_base,
		(unsigned long long)p->mmio_size);
}

/**
 * xen_platform_pci_probe() - find Xen's platform PCI device and enable it
 * @out: the device's location, interrupt pin and line, and BARs
 *
 * Looks for 5853:0001, then 5853:0002, decodes BAR0 (I/O) and BAR1
 * (memory), and turns on I/O and memory decoding. A successful probe
 * also (re)starts xen_platform_pci_mmio_alloc() at the start of BAR1; a
 * failed one leaves it nothing to hand out. Not to be called while
 * another CPU allocates.
 * Returns 0, -ENODEV when there is no such device or no PCI access
 * (logged "xen: no platform PCI device"), or -EIO when its BARs are not
 * what the device has (logged).
 */
int xen_platform_pci_probe(struct xen_platform_pci *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	mmio_size = 0;
	if (find_platform_dev(&out->dev)) {
		pr_info("no platform PCI device%s\n",
			pci_available() ? "" : " (no PCI configuration access)");
		return -ENODEV;
	}
	pci_read_config_byte(&out->dev, PCI_INTERRUPT_PIN, &out->irq_pin);
	pci_read_config_byte(&out->dev, PCI_INTERRUPT_LINE, &out->irq_line);
	if (out->irq_pin > 4) {
		pr_warn("platform PCI device: bad interrupt pin %u, none used\n",
			out->irq_pin);
		out->irq_pin = 0;
	}
	ret = read_bars(out);
	if (ret)
		return ret;
	ret = pci_enable_decoding(&out->dev,
				  PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	if (ret) {
		pr_warn("platform PCI device: cannot enable decoding (%d)\n",
			ret);
		return -EIO;
	}
	mmio_base = out->mmio_base;
	mmio_size = out->mmio_size;
	__atomic_store_n(&mmio_used, 0, __ATOMIC_RELAXED);
	report(out);
	return 0;
}

/**
 * xen_platform_pci_mmio_alloc() - take a slice of the platform MMIO BAR
 * @len: bytes wanted, rounded up to whole 4 KiB pages
 *
 * For guest-physical space to have Xen map frames into (grant-table
 * frames through XENMAPSPACE_grant_table). Slices are never returned.
 * Safe against concurrent callers. Returns the page-aligned physical
 * address, or 0 when @len is 0, nothing was probed, or the BAR has no
 * room left.
 */
u64 xen_platform_pci_mmio_alloc(size_t len)
{
	u64 size = ((u64)len + PLATFORM_MMIO_ALIGN - 1) &
		   ~(PLATFORM_MMIO_ALIGN - 1);
	u64 used = __atomic_load_n(&mmio_used, __ATOMIC_RELAXED);

	if (!len || !size || !mmio_size)
		return 0;
	do {
		if (size > mmio_size - used)
			return 0;
	} while (!__atomic_compare_exchange_n(&mmio_used, &used, used + size,
					      false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return mmio_base + used;
}
