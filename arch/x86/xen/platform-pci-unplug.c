// SPDX-License-Identifier: MIT
/*
 * Emulated-device unplug for Xen HVM guests, see
 * asm/xen/platform-pci-unplug.h. Xen's docs/misc/hvm-emulated-unplug
 * describes the protocol:
 *
 *  1. inw(0x10) must read the magic 0x49d2, else there is nothing to do;
 *  2. inb(0x12) is the protocol version; 0 skips to step 6;
 *  3. outw(0x12, product number);
 *  4. outl(0x10, build number);
 *  5. inw(0x10) again: 0xd249 means this product/build is blacklisted;
 *  6. outw(0x10, mask) unplugs: bit 0 IDE and SCSI disks, bit 1 NICs.
 *
 * The protocol logic runs over a small port-I/O table, so host tests
 * drive it against a fake device model; the kernel uses real ports.
 */
#define pr_fmt(fmt) "xen: " fmt

#include <pvk/kernel.h>
#include <asm/xen/platform-pci-unplug.h>
#ifndef PVK_HOST_TEST
#include <pvk/params.h>
#include <asm/io.h>
#endif

#define XEN_IOPORT_MAGIC	0x10	/* 2 bytes, read */
#define XEN_IOPORT_UNPLUG	0x10	/* 2 bytes, write */
#define XEN_IOPORT_DRVVER	0x10	/* 4 bytes, write */
#define XEN_IOPORT_PROTOVER	0x12	/* 1 byte, read */
#define XEN_IOPORT_PRODNUM	0x12	/* 2 bytes, write */

#define XEN_IOPORT_MAGIC_VAL	0x49d2
#define XEN_IOPORT_BLACKLISTED	0xd249

/*
 * pvk has no product number of its own in Xen's registry
 * (xen/hvm/pvdrivers.h), which keeps 0xffff, "experimental", for such
 * drivers; the build number is ours to choose.
 */
#define PVK_UNPLUG_PRODUCT	0xffff
#define PVK_UNPLUG_BUILD	1

#define XEN_UNPLUG_ALL_IDE_DISKS	(1U << 0)
#define XEN_UNPLUG_ALL_NICS		(1U << 1)

static const char *const result_names[] = {
	[XEN_UNPLUG_DONE] = "done",
	[XEN_UNPLUG_REFUSED] = "refused",
	[XEN_UNPLUG_NOT_NEEDED] = "not-needed",
	[XEN_UNPLUG_NEVER] = "never",
};

/**
 * xen_unplug_parse_mode() - decode the value of xen_emul_unplug=
 * @opt: "all", "never", or "" (not given: all)
 * @mode: the mode; left unchanged on error
 *
 * Returns 0, or -EINVAL for another value.
 */
int xen_unplug_parse_mode(const char *opt, enum xen_unplug_mode *mode)
{
	if (!*opt || !strcmp(opt, "all"))
		*mode = XEN_UNPLUG_MODE_ALL;
	else if (!strcmp(opt, "never"))
		*mode = XEN_UNPLUG_MODE_NEVER;
	else
		return -EINVAL;
	return 0;
}

/* Steps 2-5: may this driver unplug at all? */
static bool unplug_handshake(const struct xen_unplug_io *io)
{
	u8 version = io->inb(XEN_IOPORT_PROTOVER);

	if (version == 0) {
		pr_info("unplug protocol version 0: no product handshake\n");
		return true;
	}
	if (version != 1) {
		pr_warn("unplug protocol version %u unknown: emulated devices stay\n",
			version);
		return false;
	}
	io->outw(PVK_UNPLUG_PRODUCT, XEN_IOPORT_PRODNUM);
	io->outl(PVK_UNPLUG_BUILD, XEN_IOPORT_DRVVER);
	if (io->inw(XEN_IOPORT_MAGIC) == XEN_IOPORT_BLACKLISTED) {
		pr_warn("unplug refused: product %#x build %u is blacklisted by the host\n",
			PVK_UNPLUG_PRODUCT, PVK_UNPLUG_BUILD);
		return false;
	}
	return true;
}

/**
 * xen_unplug_run() - unplug the emulated disks and NICs
 * @io: port access to the device model
 * @mode: what xen_emul_unplug= asked for
 *
 * Nothing is written to the device model unless its magic is there, and
 * with XEN_UNPLUG_MODE_NEVER nothing at all. Every outcome but DONE is
 * logged with its reason. Returns the outcome.
 */
enum xen_unplug_result xen_unplug_run(const struct xen_unplug_io *io,
				      enum xen_unplug_mode mode)
{
	u16 magic;

	if (mode == XEN_UNPLUG_MODE_NEVER) {
		pr_info("xen_emul_unplug=never: emulated disks and NICs stay\n");
		return XEN_UNPLUG_NEVER;
	}
	magic = io->inw(XEN_IOPORT_MAGIC);
	if (magic != XEN_IOPORT_MAGIC_VAL) {
		pr_info("no emulated-device unplug protocol (magic %#x)\n",
			magic);
		return XEN_UNPLUG_NOT_NEEDED;
	}
	if (!unplug_handshake(io))
		return XEN_UNPLUG_REFUSED;
	io->outw(XEN_UNPLUG_ALL_IDE_DISKS | XEN_UNPLUG_ALL_NICS,
		 XEN_IOPORT_UNPLUG);
	pr_info("emulated disks and NICs unplugged\n");
	return XEN_UNPLUG_DONE;
}

/**
 * xen_unplug_result_name() - the result as the boot line shows it
 * @result: an outcome of xen_unplug_run()
 *
 * Returns "done", "refused", "not-needed" or "never" ("?" otherwise).
 */
const char *xen_unplug_result_name(enum xen_unplug_result result)
{
	if ((unsigned int)result >= ARRAY_SIZE(result_names))
		return "?";
	return result_names[result];
}

/**
 * xen_unplug_allows_pv_disks() - may PV disks attach after this outcome?
 * @result: an outcome of xen_unplug_run()
 *
 * A disk reached both through its emulation and through blkfront is
 * written through two caches that know nothing of each other, which
 * corrupts it. So PV disks attach only when the emulated ones are gone
 * (DONE) or there is no device model that could emulate them
 * (NOT_NEEDED: no unplug protocol, as in a PVH guest). When the host
 * refused, the protocol was unknown, or xen_emul_unplug=never kept the
 * emulated disks, the reason is logged and the answer is false.
 */
bool xen_unplug_allows_pv_disks(enum xen_unplug_result result)
{
	switch (result) {
	case XEN_UNPLUG_DONE:
	case XEN_UNPLUG_NOT_NEEDED:
		return true;
	case XEN_UNPLUG_NEVER:
		pr_warn("PV disks not attached: xen_emul_unplug=never keeps the emulated ones, a disk seen twice corrupts data\n");
		return false;
	default:
		pr_warn("PV disks not attached: emulated disks could not be unplugged (%s), a disk seen twice corrupts data\n",
			xen_unplug_result_name(result));
		return false;
	}
}

#ifndef PVK_HOST_TEST

/* xen_emul_unplug=all|never, as in Linux (its other values are not). */
static char xen_emul_unplug[8];
param_string("xen_emul_unplug", xen_emul_unplug);

static u8 port_inb(u16 port)
{
	return inb(port);
}

static u16 port_inw(u16 port)
{
	return inw(port);
}

static void port_outw(u16 val, u16 port)
{
	outw(val, port);
}

static void port_outl(u32 val, u16 port)
{
	outl(val, port);
}

static const struct xen_unplug_io port_io = {
	.inb = port_inb,
	.inw = port_inw,
	.outw = port_outw,
	.outl = port_outl,
};

/**
 * xen_unplug_emulated_devices() - run the unplug protocol on the real ports
 *
 * For an HVM (or PVH) guest, before any PV disk or vif connects. Honours
 * xen_emul_unplug=; a value other than all or never is logged and all is
 * used. Needs the device model's I/O ports: never call it in a PV guest.
 * Returns the outcome, for the boot line and xen_unplug_allows_pv_disks().
 */
enum xen_unplug_result xen_unplug_emulated_devices(void)
{
	enum xen_unplug_mode mode = XEN_UNPLUG_MODE_ALL;

	if (xen_unplug_parse_mode(xen_emul_unplug, &mode))
		pr_warn("xen_emul_unplug=%s unknown (all|never), using all\n",
			xen_emul_unplug);
	return xen_unplug_run(&port_io, mode);
}

#endif /* PVK_HOST_TEST */
