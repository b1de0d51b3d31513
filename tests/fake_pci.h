/* SPDX-License-Identifier: MIT */
/*
 * A fake PCI configuration space for host tests of code above
 * drivers/pci/pci.c: functions added with fake_add() answer config
 * reads and writes through pci_set_raw_ops(); BARs keep only the bits
 * their mask lets through, like real ones, and an all-ones write while
 * the function decodes is counted (sizing must switch decoding off).
 */
#ifndef PVK_TEST_FAKE_PCI_H
#define PVK_TEST_FAKE_PCI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pvk/pci.h>

#define NR_FAKE		16

/* A function of the fake bus; a BAR's mask says which bits it stores. */
struct fake_fn {
	u8 bus, devfn;
	u8 cfg[PCI_CONFIG_SIZE];
	u32 bar_mask[PCI_STD_NUM_BARS];
};

static struct fake_fn fake[NR_FAKE];
static unsigned int nr_fake;
static unsigned int sized_while_decoding;

static struct fake_fn *fake_find(unsigned int bus, unsigned int devfn)
{
	unsigned int i;

	for (i = 0; i < nr_fake; i++)
		if (fake[i].bus == bus && fake[i].devfn == devfn)
			return &fake[i];
	return NULL;
}

static u32 cfg_get(const u8 *p, unsigned int len)
{
	u32 v = 0;

	memcpy(&v, p, len);
	return v;
}

static int fake_read(unsigned int bus, unsigned int devfn, unsigned int reg,
		     unsigned int len, u32 *val)
{
	struct fake_fn *f = fake_find(bus, devfn);

	/* An empty slot: the master abort reads as all ones. */
	*val = f ? cfg_get(f->cfg + reg, len) :
		   (len == 4 ? 0xffffffffU : (1U << (8 * len)) - 1);
	return 0;
}

static void fake_write_bar(struct fake_fn *f, unsigned int idx, u32 val)
{
	u32 old = cfg_get(f->cfg + PCI_BASE_ADDRESS_0 + 4 * idx, 4);
	u32 mask = f->bar_mask[idx];
	u16 cmd = (u16)cfg_get(f->cfg + PCI_COMMAND, 2);

	if (val == 0xffffffffU && cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		sized_while_decoding++;
	val = (val & mask) | (old & ~mask);
	memcpy(f->cfg + PCI_BASE_ADDRESS_0 + 4 * idx, &val, 4);
}

static int fake_write(unsigned int bus, unsigned int devfn, unsigned int reg,
		      unsigned int len, u32 val)
{
	struct fake_fn *f = fake_find(bus, devfn);

	if (!f)
		return 0;
	if (reg >= PCI_BASE_ADDRESS_0 &&
	    reg < PCI_BASE_ADDRESS_0 + 4 * PCI_STD_NUM_BARS && len == 4)
		fake_write_bar(f, (reg - PCI_BASE_ADDRESS_0) / 4, val);
	else
		memcpy(f->cfg + reg, &val, len);
	return 0;
}

static const struct pci_raw_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static struct fake_fn *fake_add(u8 bus, u8 slot, u8 func, u16 vendor,
				u16 device, u32 class, bool multi)
{
	struct fake_fn *f;
	u32 cr = class << 8 | 0x01;

	if (nr_fake == NR_FAKE) {
		printf("# too many fake functions\n");
		exit(EXIT_FAILURE);
	}
	f = &fake[nr_fake++];

	memset(f, 0, sizeof(*f));
	f->bus = bus;
	f->devfn = (u8)PCI_DEVFN(slot, func);
	memcpy(f->cfg + PCI_VENDOR_ID, &vendor, 2);
	memcpy(f->cfg + PCI_DEVICE_ID, &device, 2);
	memcpy(f->cfg + PCI_CLASS_REVISION, &cr, 4);
	f->cfg[PCI_HEADER_TYPE] = multi ? PCI_HEADER_MULTI_FUNC : 0;
	return f;
}

static void fake_bar(struct fake_fn *f, unsigned int idx, u32 val, u32 mask)
{
	memcpy(f->cfg + PCI_BASE_ADDRESS_0 + 4 * idx, &val, 4);
	f->bar_mask[idx] = mask;
}

static void fake_reset(void)
{
	nr_fake = 0;
	sized_while_decoding = 0;
	pci_set_raw_ops(&fake_ops);
}

#endif /* PVK_TEST_FAKE_PCI_H */
