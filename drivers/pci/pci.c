// SPDX-License-Identifier: MIT
/*
 * PCI configuration space core, see include/pvk/pci.h: typed accessors
 * over the architecture's raw ops, a brute-force scan of every bus,
 * slot and function, and BAR decoding and sizing.
 *
 * A brute-force scan needs no knowledge of bridges and their bus
 * numbers, which the firmware has already assigned; 8192 vendor reads
 * are cheap next to a boot.
 */
#include <pvk/kernel.h>
#include <pvk/pci.h>

#define PCI_NR_BUSES		256
#define PCI_NR_SLOTS		32
#define PCI_NR_FUNCS		8
#define PCI_VENDOR_NONE		0xffff

/* BAR low dword (PCI Local Bus 3.0, 6.2.5.1). */
#define PCI_BAR_SPACE_IO	0x1
#define PCI_BAR_IO_MASK		(~0x3U)
#define PCI_BAR_MEM_TYPE_MASK	0x6
#define PCI_BAR_MEM_TYPE_32	0x0
#define PCI_BAR_MEM_TYPE_1M	0x2
#define PCI_BAR_MEM_TYPE_64	0x4
#define PCI_BAR_MEM_PREFETCH	0x8
#define PCI_BAR_MEM_MASK	(~0xfU)

static const struct pci_raw_ops *raw_ops;

/**
 * pci_set_raw_ops() - install the configuration access mechanism
 * @ops: the architecture's accessors, or NULL for none
 */
void pci_set_raw_ops(const struct pci_raw_ops *ops)
{
	raw_ops = ops;
}

/**
 * pci_available() - can configuration space be reached at all?
 */
bool pci_available(void)
{
	return raw_ops != NULL;
}

/* A failed read yields all ones, like a master abort on the bus. */
static int bus_read(unsigned int bus, unsigned int devfn, unsigned int reg,
		    unsigned int len, u32 *val)
{
	int ret = -ENODEV;

	if (reg >= PCI_CONFIG_SIZE || reg & (len - 1))
		ret = -EINVAL;
	else if (raw_ops)
		ret = raw_ops->read(bus, devfn, reg, len, val);
	if (ret)
		*val = len == 4 ? 0xffffffffU : (1U << (8 * len)) - 1;
	return ret;
}

static int bus_write(unsigned int bus, unsigned int devfn, unsigned int reg,
		     unsigned int len, u32 val)
{
	if (reg >= PCI_CONFIG_SIZE || reg & (len - 1))
		return -EINVAL;
	if (!raw_ops)
		return -ENODEV;
	return raw_ops->write(bus, devfn, reg, len, val);
}

/**
 * pci_read_config_byte() - read configuration space of @dev
 * @dev: the function
 * @where: byte offset, 0-255
 * @val: the value, or 0xff when the read failed
 *
 * The word and dword forms are alike; @where must be aligned to the
 * size. Returns 0, -EINVAL for a bad offset, -ENODEV without access.
 */
int pci_read_config_byte(const struct pci_dev *dev, unsigned int where,
			 u8 *val)
{
	u32 v;
	int ret = bus_read(dev->bus, dev->devfn, where, 1, &v);

	*val = (u8)v;
	return ret;
}

int pci_read_config_word(const struct pci_dev *dev, unsigned int where,
			 u16 *val)
{
	u32 v;
	int ret = bus_read(dev->bus, dev->devfn, where, 2, &v);

	*val = (u16)v;
	return ret;
}

int pci_read_config_dword(const struct pci_dev *dev, unsigned int where,
			  u32 *val)
{
	return bus_read(dev->bus, dev->devfn, where, 4, val);
}

/**
 * pci_write_config_byte() - write configuration space of @dev
 * @dev: the function
 * @where: byte offset, aligned to the size (word and dword forms alike)
 * @val: the value
 *
 * Returns 0, -EINVAL for a bad offset, -ENODEV without access.
 */
int pci_write_config_byte(const struct pci_dev *dev, unsigned int where,
			  u8 val)
{
	return bus_write(dev->bus, dev->devfn, where, 1, val);
}

int pci_write_config_word(const struct pci_dev *dev, unsigned int where,
			  u16 val)
{
	return bus_write(dev->bus, dev->devfn, where, 2, val);
}

int pci_write_config_dword(const struct pci_dev *dev, unsigned int where,
			   u32 val)
{
	return bus_write(dev->bus, dev->devfn, where, 4, val);
}

/* Fill @dev from its header; false when no function answers there. */
static bool probe_function(unsigned int bus, unsigned int devfn,
			   struct pci_dev *dev, bool *multi)
{
	u32 id, class;
	u8 hdr;

	dev->bus = (u8)bus;
	dev->devfn = (u8)devfn;
	if (pci_read_config_dword(dev, PCI_VENDOR_ID, &id) ||
	    (id & 0xffff) == PCI_VENDOR_NONE)
		return false;
	dev->vendor = (u16)id;
	dev->device = (u16)(id >> 16);
	pci_read_config_dword(dev, PCI_CLASS_REVISION, &class);
	dev->class = class >> 8;
	dev->revision = (u8)class;
	pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr);
	dev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	*multi = hdr & PCI_HEADER_MULTI_FUNC;
	return true;
}

/* Functions 1-7 exist only where function 0 says it is multi-function. */
static int scan_slot(unsigned int bus, unsigned int slot, pci_dev_fn fn,
		     void *data)
{
	unsigned int func, nr_funcs = 1;
	struct pci_dev dev;
	bool multi;
	int ret;

	for (func = 0; func < nr_funcs; func++) {
		if (!probe_function(bus, PCI_DEVFN(slot, func), &dev, &multi))
			continue;
		if (func == 0 && multi)
			nr_funcs = PCI_NR_FUNCS;
		ret = fn(&dev, data);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * pci_for_each_dev() - call @fn for every function on buses 0-255
 * @fn: gets each function found; a non-zero return stops the scan
 * @data: passed to @fn
 *
 * Returns what @fn returned to stop the scan, 0 when it went through,
 * or -ENODEV when there is no configuration access.
 */
int pci_for_each_dev(pci_dev_fn fn, void *data)
{
	unsigned int bus, slot;
	int ret;

	if (!raw_ops)
		return -ENODEV;
	for (bus = 0; bus < PCI_NR_BUSES; bus++) {
		for (slot = 0; slot < PCI_NR_SLOTS; slot++) {
			ret = scan_slot(bus, slot, fn, data);
			if (ret)
				return ret;
		}
	}
	return 0;
}

struct pci_match {
	u16 vendor;
	u16 device;
	u32 class;
	bool by_class;
	struct pci_dev *out;
};

static int match_dev(const struct pci_dev *dev, void *data)
{
	struct pci_match *m = data;

	if (m->by_class ? dev->class != m->class :
	    (m->vendor != PCI_ANY_ID && dev->vendor != m->vendor) ||
	    (m->device != PCI_ANY_ID && dev->device != m->device))
		return 0;
	*m->out = *dev;
	return 1;
}

static int find_dev(struct pci_match *m)
{
	int ret = pci_for_each_dev(match_dev, m);

	if (ret < 0)
		return ret;
	return ret ? 0 : -ENODEV;
}

/**
 * pci_get_device() - find the first function with an ID
 * @vendor: vendor ID, or PCI_ANY_ID
 * @device: device ID, or PCI_ANY_ID
 * @out: the function, in scan order (bus, slot, function)
 *
 * Returns 0 or -ENODEV when none matches (or there is no access).
 */
int pci_get_device(u16 vendor, u16 device, struct pci_dev *out)
{
	struct pci_match m = { .vendor = vendor, .device = device, .out = out };

	return find_dev(&m);
}

/**
 * pci_get_class() - find the first function of a class
 * @class: the 24-bit class code, prog-if included
 * @out: the function, in scan order
 *
 * Returns 0 or -ENODEV when none matches (or there is no access).
 */
int pci_get_class(u32 class, struct pci_dev *out)
{
	struct pci_match m = { .class = class, .by_class = true, .out = out };

	return find_dev(&m);
}

/* The size a sizing mask encodes: its lowest writable address bit. */
static u64 mask_to_size(u64 mask)
{
	return mask & -mask;
}

/**
 * pci_bar_decode() - decode a BAR and the mask its sizing read back
 * @lo: the BAR as the firmware left it
 * @hi: the next BAR, the upper half of a 64-bit memory BAR (else unused)
 * @lo_mask: what @lo read back after all ones were written to it
 * @hi_mask: the same for @hi
 * @bar: the decoded type, base, size and prefetchability
 *
 * The size is the lowest address bit that took the ones, so I/O BARs
 * whose upper 16 bits are hard-wired to zero decode correctly. Returns
 * 0, -ENOENT for a BAR that is not implemented (no bit took a one), or
 * -EINVAL for the reserved memory type.
 */
int pci_bar_decode(u32 lo, u32 hi, u32 lo_mask, u32 hi_mask,
		   struct pci_bar *bar)
{
	u64 mask;

	memset(bar, 0, sizeof(*bar));
	if (lo & PCI_BAR_SPACE_IO) {
		bar->type = PCI_BAR_IO;
		bar->base = lo & PCI_BAR_IO_MASK;
		mask = lo_mask & PCI_BAR_IO_MASK;
	} else {
		switch (lo & PCI_BAR_MEM_TYPE_MASK) {
		case PCI_BAR_MEM_TYPE_32:
		case PCI_BAR_MEM_TYPE_1M:
			bar->type = PCI_BAR_MEM32;
			hi = hi_mask = 0;
			break;
		case PCI_BAR_MEM_TYPE_64:
			bar->type = PCI_BAR_MEM64;
			break;
		default:
			return -EINVAL;
		}
		bar->prefetchable = lo & PCI_BAR_MEM_PREFETCH;
		bar->base = (lo & PCI_BAR_MEM_MASK) | (u64)hi << 32;
		mask = (lo_mask & PCI_BAR_MEM_MASK) | (u64)hi_mask << 32;
	}
	bar->size = mask_to_size(mask);
	return bar->size ? 0 : -ENOENT;
}

/* Write all ones to the BAR(s) at @reg and read the mask back. */
static void bar_size_mask(const struct pci_dev *dev, unsigned int reg,
			  u32 orig, u32 *mask)
{
	pci_write_config_dword(dev, reg, 0xffffffffU);
	pci_read_config_dword(dev, reg, mask);
	pci_write_config_dword(dev, reg, orig);
}

/**
 * pci_read_bar() - decode and size a BAR of a type 0 function
 * @dev: the function
 * @idx: BAR number, 0-5; a 64-bit BAR takes @idx and @idx + 1
 * @bar: the result
 *
 * Sizing writes all ones to the BAR, so I/O and memory decoding are
 * switched off meanwhile (the BAR would otherwise claim a bogus range)
 * and the BAR and the command register are restored afterwards. Host
 * bridges keep decoding, as in Linux: on some the command register also
 * gates the path to RAM. Do not call it while the device is in use.
 *
 * Returns 0, -ENOENT for a BAR the function does not implement, -EINVAL
 * for a bad @idx, a 64-bit BAR in the last slot, the reserved memory
 * type or a bridge header, or -ENODEV without configuration access.
 */
int pci_read_bar(const struct pci_dev *dev, unsigned int idx,
		 struct pci_bar *bar)
{
	unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * idx;
	bool host_bridge = dev->class >> 8 == PCI_CLASS_BRIDGE_HOST >> 8;
	u32 lo, hi = 0, lo_mask, hi_mask = 0;
	bool is64;
	u16 cmd;
	int ret;

	if (idx >= PCI_STD_NUM_BARS || dev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;
	ret = pci_read_config_dword(dev, reg, &lo);
	if (ret)
		return ret;
	is64 = !(lo & PCI_BAR_SPACE_IO) &&
	       (lo & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
	if (is64 && idx + 1 >= PCI_STD_NUM_BARS)
		return -EINVAL;
	if (is64)
		pci_read_config_dword(dev, reg + 4, &hi);
	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (!host_bridge)
		pci_write_config_word(dev, PCI_COMMAND,
				      cmd & ~(PCI_COMMAND_IO |
					      PCI_COMMAND_MEMORY));
	bar_size_mask(dev, reg, lo, &lo_mask);
	if (is64)
		bar_size_mask(dev, reg + 4, hi, &hi_mask);
	if (!host_bridge)
		pci_write_config_word(dev, PCI_COMMAND, cmd);
	return pci_bar_decode(lo, hi, lo_mask, hi_mask, bar);
}

/**
 * pci_enable_decoding() - let a function respond to its BARs
 * @dev: the function
 * @bits: PCI_COMMAND_IO and/or PCI_COMMAND_MEMORY
 *
 * Other command bits are left as they are. Returns 0, -EINVAL for other
 * bits, or the error of the configuration access.
 */
int pci_enable_decoding(const struct pci_dev *dev, u16 bits)
{
	u16 cmd;
	int ret;

	if (bits & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
		return -EINVAL;
	ret = pci_read_config_word(dev, PCI_COMMAND, &cmd);
	if (!ret && (cmd & bits) != bits)
		ret = pci_write_config_word(dev, PCI_COMMAND, cmd | bits);
	return ret;
}
