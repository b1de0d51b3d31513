// SPDX-License-Identifier: MIT
/*
 * Host tests of drivers/pci/pci.c: BAR decoding of every BAR kind, BAR
 * sizing against a fake configuration space (decoding off meanwhile,
 * everything restored), the scan's handling of multi-function devices,
 * and the accessors' bad-input answers.
 */
#include <string.h>

#include <pvk/errno.h>
#include <pvk/pci.h>
#include "harness.h"
#include "fake_pci.h"

TEST(test_decode_io)
{
	struct pci_bar b;

	EXPECT_EQ(pci_bar_decode(0xc001, 0, 0xffffffe1, 0, &b), 0);
	EXPECT(b.type == PCI_BAR_IO);
	EXPECT_EQ_U(b.base, 0xc000);
	EXPECT_EQ_U(b.size, 32);
	/* Upper 16 bits hard-wired to zero: the size is still 32. */
	EXPECT_EQ(pci_bar_decode(0xc041, 0, 0x0000ffe1, 0, &b), 0);
	EXPECT_EQ_U(b.base, 0xc040);
	EXPECT_EQ_U(b.size, 32);
	/* The reserved bit 1 does not count as an address bit. */
	EXPECT_EQ(pci_bar_decode(0x1f1, 0, 0xffffffff, 0, &b), 0);
	EXPECT_EQ_U(b.base, 0x1f0);
	EXPECT_EQ_U(b.size, 4);
}

TEST(test_decode_mem)
{
	struct pci_bar b;

	EXPECT_EQ(pci_bar_decode(0xfd000008, 0, 0xff000008, 0, &b), 0);
	EXPECT(b.type == PCI_BAR_MEM32 && b.prefetchable);
	EXPECT_EQ_U(b.base, 0xfd000000);
	EXPECT_EQ_U(b.size, 16 << 20);
	/* A 32-bit BAR ignores what the next BAR holds. */
	EXPECT_EQ(pci_bar_decode(0xfebf0000, 0xc001, 0xfffff000, 0xffffffe1,
				 &b), 0);
	EXPECT(b.type == PCI_BAR_MEM32 && !b.prefetchable);
	EXPECT_EQ_U(b.base, 0xfebf0000);
	EXPECT_EQ_U(b.size, 4096);
	/* The legacy below-1 MiB type decodes as 32-bit memory. */
	EXPECT_EQ(pci_bar_decode(0x000a0002, 0, 0xfffe0002, 0, &b), 0);
	EXPECT(b.type == PCI_BAR_MEM32);
	EXPECT_EQ_U(b.size, 128 << 10);
}

TEST(test_decode_mem64)
{
	struct pci_bar b;

	EXPECT_EQ(pci_bar_decode(0x0000400c, 0x1, 0xffffc00c, 0xffffffff, &b),
		  0);
	EXPECT(b.type == PCI_BAR_MEM64 && b.prefetchable);
	EXPECT_EQ_U(b.base, 0x100004000ULL);
	EXPECT_EQ_U(b.size, 16 << 10);
	/* Larger than 4 GiB: the size lives in the upper half only. */
	EXPECT_EQ(pci_bar_decode(0x00000004, 0x8, 0x00000004, 0xfffffffe, &b),
		  0);
	EXPECT_EQ_U(b.base, 0x800000000ULL);
	EXPECT_EQ_U(b.size, 8ULL << 30);
}

TEST(test_decode_bad)
{
	struct pci_bar b;

	EXPECT_EQ(pci_bar_decode(0, 0, 0, 0, &b), -ENOENT);
	EXPECT_EQ(pci_bar_decode(0x1, 0, 0x3, 0, &b), -ENOENT);
	EXPECT_EQ(pci_bar_decode(0x4, 0, 0x4, 0, &b), -ENOENT);
	EXPECT_EQ(pci_bar_decode(0xfe000006, 0, 0xff000006, 0, &b), -EINVAL);
}

/* Six BARs: I/O, 64-bit prefetchable, none, 32-bit, 64-bit in slot 5. */
static struct fake_fn *fake_nic(void)
{
	struct fake_fn *f = fake_add(0, 3, 0, 0x8086, 0x100e, 0x020000, false);
	u16 cmd = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | 0x4;

	memcpy(f->cfg + PCI_COMMAND, &cmd, 2);
	fake_bar(f, 0, 0xc081, 0xffffffc1);
	fake_bar(f, 1, 0xe000000c, 0xfff0000c);
	fake_bar(f, 2, 0x2, 0xffffffff);
	fake_bar(f, 4, 0xfebf1000, 0xfffff000);
	fake_bar(f, 5, 0x4, 0xfffff004);
	return f;
}

TEST(test_read_bar_sizes_and_restores)
{
	struct fake_fn *f, saved;
	struct pci_dev dev;
	struct pci_bar b;

	fake_reset();
	f = fake_nic();
	saved = *f;
	EXPECT_EQ(pci_get_device(0x8086, 0x100e, &dev), 0);
	EXPECT_EQ(pci_read_bar(&dev, 0, &b), 0);
	EXPECT(b.type == PCI_BAR_IO && b.base == 0xc080 && b.size == 64);
	EXPECT_EQ(pci_read_bar(&dev, 1, &b), 0);
	EXPECT(b.type == PCI_BAR_MEM64 && b.prefetchable);
	EXPECT_EQ_U(b.base, 0x2e0000000ULL);
	EXPECT_EQ_U(b.size, 1 << 20);
	EXPECT_EQ(pci_read_bar(&dev, 3, &b), -ENOENT);
	EXPECT_EQ(pci_read_bar(&dev, 4, &b), 0);
	EXPECT(b.type == PCI_BAR_MEM32 && b.size == 4096);
	EXPECT_EQ(pci_read_bar(&dev, 5, &b), -EINVAL);
	EXPECT_EQ(pci_read_bar(&dev, 6, &b), -EINVAL);
	EXPECT_EQ(sized_while_decoding, 0);
	EXPECT(!memcmp(f->cfg, saved.cfg, sizeof(f->cfg)));
}

/* A host bridge keeps decoding while its BARs are sized, as in Linux. */
TEST(test_read_bar_host_bridge_keeps_decoding)
{
	struct fake_fn *f;
	struct pci_dev dev;
	struct pci_bar b;
	u16 cmd = PCI_COMMAND_MEMORY;

	fake_reset();
	f = fake_add(0, 0, 0, 0x8086, 0x29c0, PCI_CLASS_BRIDGE_HOST, false);
	memcpy(f->cfg + PCI_COMMAND, &cmd, 2);
	fake_bar(f, 0, 0xfed1c000, 0xffffc000);
	EXPECT_EQ(pci_get_class(PCI_CLASS_BRIDGE_HOST, &dev), 0);
	EXPECT_EQ(pci_read_bar(&dev, 0, &b), 0);
	EXPECT_EQ_U(b.size, 16 << 10);
	EXPECT_EQ(sized_while_decoding, 1);
	EXPECT_EQ(cfg_get(f->cfg + PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
}

static int count_fn(const struct pci_dev *dev, void *data)
{
	unsigned int *n = data;

	(*n)++;
	return dev->bus == 7 ? 42 : 0;
}

TEST(test_scan)
{
	struct pci_dev dev;
	unsigned int n = 0;

	fake_reset();
	fake_add(0, 0, 0, 0x8086, 0x1237, PCI_CLASS_BRIDGE_HOST, false);
	fake_add(0, 1, 0, 0x8086, 0x7000, PCI_CLASS_BRIDGE_ISA, true);
	fake_add(0, 1, 1, 0x8086, 0x7010, 0x010180, false);
	fake_add(0, 1, 3, 0x8086, 0x7113, 0x068000, false);
	/* Answers on function 1 too, but function 0 is not multi-function. */
	fake_add(0, 2, 0, 0x1234, 0x1111, 0x030000, false);
	fake_add(0, 2, 1, 0x1234, 0x1111, 0x030000, false);
	fake_add(3, 0, 0, 0x5853, 0x0001, 0xff8000, false);
	EXPECT_EQ(pci_for_each_dev(count_fn, &n), 0);
	EXPECT_EQ(n, 6);
	EXPECT_EQ(pci_get_device(0x8086, 0x7113, &dev), 0);
	EXPECT(dev.bus == 0 && dev.devfn == PCI_DEVFN(1, 3));
	EXPECT_EQ(dev.class, 0x068000);
	EXPECT_EQ(dev.revision, 1);
	EXPECT_EQ(pci_get_device(0x5853, PCI_ANY_ID, &dev), 0);
	EXPECT(dev.bus == 3 && dev.devfn == 0);
	EXPECT_EQ(pci_get_class(PCI_CLASS_BRIDGE_ISA, &dev), 0);
	EXPECT_EQ(dev.devfn, PCI_DEVFN(1, 0));
	EXPECT_EQ(pci_get_device(0x5853, 0x0002, &dev), -ENODEV);
	/* A callback's non-zero return stops the scan and is returned. */
	fake_add(7, 0, 0, 0x1af4, 0x1000, 0x020000, false);
	fake_add(9, 0, 0, 0x1af4, 0x1001, 0x010000, false);
	n = 0;
	EXPECT_EQ(pci_for_each_dev(count_fn, &n), 42);
	EXPECT_EQ(n, 7);
}

TEST(test_accessors)
{
	struct pci_dev dev = { .bus = 0, .devfn = PCI_DEVFN(3, 0) };
	u32 d;
	u16 w;
	u8 b;

	fake_reset();
	fake_nic();
	EXPECT_EQ(pci_read_config_dword(&dev, 0, &d), 0);
	EXPECT_EQ_U(d, 0x100e8086);
	EXPECT_EQ(pci_read_config_word(&dev, 2, &w), 0);
	EXPECT_EQ_U(w, 0x100e);
	EXPECT_EQ(pci_read_config_byte(&dev, 1, &b), 0);
	EXPECT_EQ_U(b, 0x80);
	EXPECT_EQ(pci_read_config_word(&dev, 1, &w), -EINVAL);
	EXPECT_EQ_U(w, 0xffff);
	EXPECT_EQ(pci_read_config_dword(&dev, 256, &d), -EINVAL);
	EXPECT_EQ(pci_write_config_word(&dev, 3, 0), -EINVAL);
	EXPECT_EQ(pci_write_config_byte(&dev, PCI_INTERRUPT_LINE, 11), 0);
	EXPECT_EQ(pci_read_config_byte(&dev, PCI_INTERRUPT_LINE, &b), 0);
	EXPECT_EQ(b, 11);
	EXPECT_EQ(pci_enable_decoding(&dev, 0x4), -EINVAL);
	pci_write_config_word(&dev, PCI_COMMAND, 0);
	EXPECT_EQ(pci_enable_decoding(&dev, PCI_COMMAND_MEMORY), 0);
	pci_read_config_word(&dev, PCI_COMMAND, &w);
	EXPECT_EQ(w, PCI_COMMAND_MEMORY);
	EXPECT_EQ(pci_enable_decoding(&dev, PCI_COMMAND_IO), 0);
	pci_read_config_word(&dev, PCI_COMMAND, &w);
	EXPECT_EQ(w, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
}

TEST(test_no_access)
{
	struct pci_dev dev = { 0 };
	struct pci_bar bar;
	u32 d;

	pci_set_raw_ops(NULL);
	EXPECT(!pci_available());
	EXPECT_EQ(pci_read_config_dword(&dev, 0, &d), -ENODEV);
	EXPECT_EQ_U(d, 0xffffffff);
	EXPECT_EQ(pci_write_config_dword(&dev, 0, 0), -ENODEV);
	EXPECT_EQ(pci_for_each_dev(count_fn, NULL), -ENODEV);
	EXPECT_EQ(pci_get_device(PCI_ANY_ID, PCI_ANY_ID, &dev), -ENODEV);
	EXPECT_EQ(pci_read_bar(&dev, 0, &bar), -ENODEV);
}

int main(void)
{
	RUN(test_decode_io);
	RUN(test_decode_mem);
	RUN(test_decode_mem64);
	RUN(test_decode_bad);
	RUN(test_read_bar_sizes_and_restores);
	RUN(test_read_bar_host_bridge_keeps_decoding);
	RUN(test_scan);
	RUN(test_accessors);
	RUN(test_no_access);
	return TEST_DONE();
}
