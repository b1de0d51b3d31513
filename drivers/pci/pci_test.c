// SPDX-License-Identifier: MIT
/*
 * Self-tests of PCI configuration access on the machine itself: the host
 * and ISA bridges every PC chipset has are found by class, the byte,
 * word and dword accessors agree, a software-owned register keeps what
 * is written, and every BAR decodes to a sane, aligned range while
 * sizing leaves the BARs and command registers as they were.
 */
#include <pvk/arch.h>
#include <pvk/kernel.h>
#include <pvk/pci.h>
#include <pvk/selftest.h>

#define PCI_VENDOR_INTEL	0x8086
/* A vendor whose device 0x1234 exists nowhere. */
#define PCI_VENDOR_XEN		0x5853
/* Every BAR of a QEMU device is far below this; more means bad sizing. */
#define PCI_BAR_SANE_MAX	(1ULL << 40)
#define PCI_IO_SPACE_END	0x10000

static bool pci_usable(struct kunit *test)
{
	if (pci_available())
		return true;
	kunit_skip(test, "no PCI configuration access (platform %s)",
		   arch_platform_name());
	return false;
}

static void pci_host_bridge_found(struct kunit *test)
{
	struct pci_dev host;
	u16 vendor, device;
	u8 lo, hi;
	u32 id;

	if (!pci_usable(test))
		return;
	KUNIT_ASSERT_TRUE(test, !pci_get_class(PCI_CLASS_BRIDGE_HOST, &host));
	kunit_info(test, "host bridge %02x:%02x.%u %04x:%04x", host.bus,
		   PCI_SLOT(host.devfn), PCI_FUNC(host.devfn), host.vendor,
		   host.device);
	/* QEMU's i440FX (8086:1237) and Q35 (8086:29c0) sit at 00:00.0. */
	KUNIT_EXPECT_EQ(test, host.bus, 0);
	KUNIT_EXPECT_EQ(test, host.devfn, 0);
	KUNIT_EXPECT_EQ(test, host.vendor, PCI_VENDOR_INTEL);
	KUNIT_EXPECT_FALSE(test, pci_read_config_dword(&host, 0, &id));
	KUNIT_EXPECT_FALSE(test, pci_read_config_word(&host, 0, &vendor));
	KUNIT_EXPECT_FALSE(test, pci_read_config_word(&host, 2, &device));
	KUNIT_EXPECT_FALSE(test, pci_read_config_byte(&host, 2, &lo));
	KUNIT_EXPECT_FALSE(test, pci_read_config_byte(&host, 3, &hi));
	KUNIT_EXPECT_EQ(test, id, (u32)host.device << 16 | host.vendor);
	KUNIT_EXPECT_EQ(test, vendor, host.vendor);
	KUNIT_EXPECT_EQ(test, device, host.device);
	KUNIT_EXPECT_EQ(test, (u16)(hi << 8 | lo), host.device);
}

static void pci_isa_bridge_found(struct kunit *test)
{
	struct pci_dev isa, same;

	if (!pci_usable(test))
		return;
	KUNIT_ASSERT_TRUE(test, !pci_get_class(PCI_CLASS_BRIDGE_ISA, &isa));
	kunit_info(test, "ISA bridge %02x:%02x.%u %04x:%04x", isa.bus,
		   PCI_SLOT(isa.devfn), PCI_FUNC(isa.devfn), isa.vendor,
		   isa.device);
	KUNIT_EXPECT_EQ(test, isa.bus, 0);
	KUNIT_EXPECT_EQ(test, isa.vendor, PCI_VENDOR_INTEL);
	KUNIT_ASSERT_TRUE(test, !pci_get_device(isa.vendor, isa.device, &same));
	KUNIT_EXPECT_EQ(test, same.devfn, isa.devfn);
	KUNIT_EXPECT_EQ(test, same.class, PCI_CLASS_BRIDGE_ISA);
}

/* The interrupt line register is the software's scratch byte. */
static void pci_config_write_reads_back(struct kunit *test)
{
	struct pci_dev isa;
	u8 orig, val;

	if (!pci_usable(test))
		return;
	KUNIT_ASSERT_TRUE(test, !pci_get_class(PCI_CLASS_BRIDGE_ISA, &isa));
	KUNIT_ASSERT_TRUE(test, !pci_read_config_byte(&isa, PCI_INTERRUPT_LINE,
						      &orig));
	KUNIT_EXPECT_EQ(test, pci_write_config_byte(&isa, PCI_INTERRUPT_LINE,
						    (u8)~orig), 0);
	pci_read_config_byte(&isa, PCI_INTERRUPT_LINE, &val);
	KUNIT_EXPECT_EQ(test, val, (u8)~orig);
	pci_write_config_byte(&isa, PCI_INTERRUPT_LINE, orig);
	pci_read_config_byte(&isa, PCI_INTERRUPT_LINE, &val);
	KUNIT_EXPECT_EQ(test, val, orig);
}

struct bar_census {
	struct kunit *test;
	unsigned int io, mem;
};

static void check_bar(struct bar_census *c, const struct pci_dev *dev,
		      unsigned int idx, const struct pci_bar *bar)
{
	struct kunit *test = c->test;

	if (bar->base & (bar->size - 1) || bar->size > PCI_BAR_SANE_MAX ||
	    (bar->type == PCI_BAR_IO &&
	     bar->base + bar->size > PCI_IO_SPACE_END))
		kunit_fail(test, __FILE__, __LINE__,
			   "%02x:%02x.%u BAR%u: base %#llx size %#llx",
			   dev->bus, PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn),
			   idx, (unsigned long long)bar->base,
			   (unsigned long long)bar->size);
	if (bar->type == PCI_BAR_IO)
		c->io++;
	else
		c->mem++;
}

/* The dwords sizing touches: the command register (0), then the BARs. */
static unsigned int header_reg(unsigned int i)
{
	return i ? PCI_BASE_ADDRESS_0 + 4 * (i - 1) : PCI_COMMAND;
}

/* Decode every BAR of @dev; sizing must leave its header unchanged. */
static int census_dev(const struct pci_dev *dev, void *data)
{
	struct bar_census *c = data;
	u32 before[PCI_STD_NUM_BARS + 1], after;
	struct pci_bar bar;
	unsigned int i;
	int ret;

	if (dev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return 0;
	for (i = 0; i <= PCI_STD_NUM_BARS; i++)
		pci_read_config_dword(dev, header_reg(i), &before[i]);
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		ret = pci_read_bar(dev, i, &bar);
		if (!ret)
			check_bar(c, dev, i, &bar);
		else
			KUNIT_EXPECT_EQ(c->test, ret, -ENOENT);
		if (!ret && bar.type == PCI_BAR_MEM64)
			i++;
	}
	for (i = 0; i <= PCI_STD_NUM_BARS; i++) {
		pci_read_config_dword(dev, header_reg(i), &after);
		/* The status half of the command dword may change by itself. */
		if (!i)
			after = (after & 0xffff) | (before[0] & 0xffff0000U);
		KUNIT_EXPECT_EQ(c->test, after, before[i]);
	}
	return 0;
}

static void pci_bars_decode(struct kunit *test)
{
	struct bar_census c = { .test = test };

	if (!pci_usable(test))
		return;
	KUNIT_EXPECT_EQ(test, pci_for_each_dev(census_dev, &c), 0);
	kunit_info(test, "%u I/O and %u memory BARs", c.io, c.mem);
	/* QEMU's IDE/AHCI controller and VGA have both kinds. */
	KUNIT_EXPECT_TRUE(test, c.io > 0);
	KUNIT_EXPECT_TRUE(test, c.mem > 0);
}

static void pci_rejects_bad_input(struct kunit *test)
{
	struct pci_dev host, ghost = { .bus = 0xff, .devfn = PCI_DEVFN(31, 7) };
	struct pci_bar bar;
	u32 val;
	u16 w;

	if (!pci_usable(test))
		return;
	KUNIT_ASSERT_TRUE(test, !pci_get_class(PCI_CLASS_BRIDGE_HOST, &host));
	KUNIT_EXPECT_EQ(test, pci_read_config_dword(&host, 2, &val), -EINVAL);
	KUNIT_EXPECT_EQ(test, val, 0xffffffffU);
	KUNIT_EXPECT_EQ(test, pci_read_config_word(&host, PCI_CONFIG_SIZE, &w),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pci_write_config_dword(&host, 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_read_bar(&host, PCI_STD_NUM_BARS, &bar),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pci_enable_decoding(&host, 0x4), -EINVAL);
	KUNIT_EXPECT_FALSE(test, pci_read_config_word(&ghost, 0, &w));
	KUNIT_EXPECT_EQ(test, w, 0xffff);
	KUNIT_EXPECT_EQ(test, pci_get_device(PCI_VENDOR_XEN, 0x1234, &host),
			-ENODEV);
}

SELFTEST_SUITE(pci,
	KUNIT_CASE(pci_host_bridge_found),
	KUNIT_CASE(pci_isa_bridge_found),
	KUNIT_CASE(pci_config_write_reads_back),
	KUNIT_CASE(pci_bars_decode),
	KUNIT_CASE(pci_rejects_bad_input));
