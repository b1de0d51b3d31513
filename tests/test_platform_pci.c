// SPDX-License-Identifier: MIT
/*
 * Host tests of drivers/xen/platform-pci.c against a fake PCI bus: the
 * device is found under either ID, its interrupt pin, line and BARs are
 * reported, decoding is switched on, malformed BARs are refused, and the
 * MMIO BAR is handed out in page-aligned slices until it is used up.
 */
#include <stdarg.h>
#include <string.h>

#include <pvk/errno.h>
#include <pvk/printk.h>
#include <xen/platform-pci.h>
#include "harness.h"
#include "fake_pci.h"

#include "fake_printk.h"

/* The device as Xen's QEMU shows it: I/O 256 bytes, 16 MiB MMIO. */
static struct fake_fn *fake_platform(u16 device, u32 mmio)
{
	struct fake_fn *f;

	fake_add(0, 0, 0, 0x8086, 0x1237, PCI_CLASS_BRIDGE_HOST, false);
	f = fake_add(0, 3, 0, XEN_PLATFORM_VENDOR, device, 0xff8000, false);
	fake_bar(f, 0, 0xc001, 0xffffff01);
	fake_bar(f, 1, mmio | 0x8, 0xff000008);
	f->cfg[PCI_INTERRUPT_PIN] = 1;
	f->cfg[PCI_INTERRUPT_LINE] = 28;
	return f;
}

TEST(test_probe)
{
	struct xen_platform_pci p;
	struct fake_fn *f;

	fake_reset();
	f = fake_platform(XEN_PLATFORM_DEVICE, 0xf2000000);
	EXPECT_EQ(xen_platform_pci_probe(&p), 0);
	EXPECT(p.dev.bus == 0 && p.dev.devfn == PCI_DEVFN(3, 0));
	EXPECT_EQ(p.dev.device, XEN_PLATFORM_DEVICE);
	EXPECT_EQ(p.irq_pin, 1);
	EXPECT_EQ(p.irq_line, 28);
	EXPECT_EQ_U(p.io_base, 0xc000);
	EXPECT_EQ_U(p.io_size, 256);
	EXPECT_EQ_U(p.mmio_base, 0xf2000000);
	EXPECT_EQ_U(p.mmio_size, 16 << 20);
	EXPECT_EQ(sized_while_decoding, 0);
	EXPECT_EQ(f->cfg[PCI_COMMAND] & 3, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	EXPECT(strstr(last_log, "INTA# line 28") != NULL);
}

TEST(test_probe_alt_id)
{
	struct xen_platform_pci p;

	fake_reset();
	fake_platform(XEN_PLATFORM_DEVICE_ALT, 0xf3000000);
	EXPECT_EQ(xen_platform_pci_probe(&p), 0);
	EXPECT_EQ(p.dev.device, XEN_PLATFORM_DEVICE_ALT);
	EXPECT_EQ_U(p.mmio_base, 0xf3000000);
}

TEST(test_probe_absent)
{
	struct xen_platform_pci p;

	fake_reset();
	fake_add(0, 0, 0, 0x8086, 0x1237, PCI_CLASS_BRIDGE_HOST, false);
	fake_add(0, 4, 0, XEN_PLATFORM_VENDOR, 0x0003, 0xff8000, false);
	EXPECT_EQ(xen_platform_pci_probe(&p), -ENODEV);
	EXPECT_STR(last_log, "xen: no platform PCI device\n");
	pci_set_raw_ops(NULL);
	EXPECT_EQ(xen_platform_pci_probe(&p), -ENODEV);
	EXPECT(strstr(last_log, "no PCI configuration access") != NULL);
}

TEST(test_probe_bad_bars)
{
	struct xen_platform_pci p;
	struct fake_fn *f;

	fake_reset();
	f = fake_platform(XEN_PLATFORM_DEVICE, 0xf2000000);
	fake_bar(f, 0, 0xf1000000, 0xff000000);		/* memory, not I/O */
	EXPECT_EQ(xen_platform_pci_probe(&p), -EIO);
	EXPECT_EQ(last_level, LOGLEVEL_WARNING);
	EXPECT(strstr(last_log, "BAR0") != NULL);
	EXPECT_EQ(f->cfg[PCI_COMMAND] & 3, 0);
	fake_reset();
	f = fake_platform(XEN_PLATFORM_DEVICE, 0);		/* unassigned */
	EXPECT_EQ(xen_platform_pci_probe(&p), -EIO);
	fake_reset();
	f = fake_platform(XEN_PLATFORM_DEVICE, 0xf2000000);
	fake_bar(f, 1, 0, 0);					/* no BAR1 */
	EXPECT_EQ(xen_platform_pci_probe(&p), -EIO);
	/* A failed probe leaves nothing to allocate from. */
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(4096), 0);
}

TEST(test_mmio_alloc)
{
	struct xen_platform_pci p;
	u64 a, b;

	fake_reset();
	fake_platform(XEN_PLATFORM_DEVICE, 0xf2000000);
	EXPECT_EQ(xen_platform_pci_probe(&p), 0);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(0), 0);
	a = xen_platform_pci_mmio_alloc(1);
	b = xen_platform_pci_mmio_alloc(3 * 4096 + 5);
	EXPECT_EQ_U(a, 0xf2000000);
	EXPECT_EQ_U(b, 0xf2001000);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(4096), 0xf2005000);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc((size_t)-1), 0);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(16 << 20), 0);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc((16 << 20) - 0x6000),
		    0xf2006000);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(1), 0);
	/* A new probe starts over. */
	EXPECT_EQ(xen_platform_pci_probe(&p), 0);
	EXPECT_EQ_U(xen_platform_pci_mmio_alloc(4096), 0xf2000000);
}

int main(void)
{
	RUN(test_probe);
	RUN(test_probe_alt_id);
	RUN(test_probe_absent);
	RUN(test_probe_bad_bars);
	RUN(test_mmio_alloc);
	return TEST_DONE();
}
