/* SPDX-License-Identifier: MIT */
/*
 * Unplugging the emulated disks and NICs of a Xen HVM guest, so that the
 * PV drivers do not reach the same disk (or vif) a second time through
 * the device model's emulation. The protocol is Xen's
 * docs/misc/hvm-emulated-unplug: I/O ports 0x10-0x13 of the device model.
 */
#ifndef _ASM_X86_XEN_PLATFORM_PCI_UNPLUG_H
#define _ASM_X86_XEN_PLATFORM_PCI_UNPLUG_H

#include <pvk/types.h>

enum xen_unplug_result {
	XEN_UNPLUG_DONE,	/* emulated disks and NICs are gone */
	XEN_UNPLUG_REFUSED,	/* blacklisted, or an unknown protocol */
	XEN_UNPLUG_NOT_NEEDED,	/* no unplug protocol: no device model */
	XEN_UNPLUG_NEVER,	/* xen_emul_unplug=never: emulation kept */
};

/* What xen_emul_unplug= asks for. */
enum xen_unplug_mode {
	XEN_UNPLUG_MODE_ALL,	/* the default */
	XEN_UNPLUG_MODE_NEVER,
};

/* Port I/O as the protocol uses it, replaceable for host tests. */
struct xen_unplug_io {
	u8 (*inb)(u16 port);
	u16 (*inw)(u16 port);
	void (*outw)(u16 val, u16 port);
	void (*outl)(u32 val, u16 port);
};

int xen_unplug_parse_mode(const char *opt, enum xen_unplug_mode *mode);
enum xen_unplug_result xen_unplug_run(const struct xen_unplug_io *io,
				      enum xen_unplug_mode mode);
const char *xen_unplug_result_name(enum xen_unplug_result result);
bool xen_unplug_allows_pv_disks(enum xen_unplug_result result);
enum xen_unplug_result xen_unplug_emulated_devices(void);
/* enlighten_hvm.c: the result this boot got (not-needed on PVH). */
enum xen_unplug_result xen_hvm_unplug_result(void);

#endif /* _ASM_X86_XEN_PLATFORM_PCI_UNPLUG_H */
