// SPDX-License-Identifier: MIT
/*
 * The Xen CPUID leaves, as a guest on hardware virtualisation sees them.
 *
 * Xen puts its leaves at 0x40000000, or higher in steps of 0x100 when it
 * also presents a Hyper-V or other interface first (viridian).  Each
 * candidate base answers with the highest leaf it has in EAX and a
 * 12-byte signature in EBX, ECX, EDX.  Leaf base + 1 is the version,
 * base + 2 the hypercall page (how many pages, which MSR takes their
 * address), base + 4 the HVM features, the vCPU id and the domain id.
 */
#include <pvk/kernel.h>
#include <asm/xen/cpuid.h>
#include <xen/arch-x86/cpuid.h>

#define XEN_CPUID_LAST_BASE	0x4000ff00u
#define XEN_CPUID_STEP		0x100u
#define XEN_CPUID_LEAVES_NEEDED	2	/* base + 1 and base + 2 */

static bool xen_signature(const u32 regs[4])
{
	return regs[1] == XEN_CPUID_SIGNATURE_EBX &&
	       regs[2] == XEN_CPUID_SIGNATURE_ECX &&
	       regs[3] == XEN_CPUID_SIGNATURE_EDX;
}

static u32 find_base(xen_cpuid_fn cpuid, u32 *max_leaf)
{
	u32 regs[4];

	for (u32 base = XEN_CPUID_FIRST_LEAF; base <= XEN_CPUID_LAST_BASE;
	     base += XEN_CPUID_STEP) {
		cpuid(base, regs);
		if (xen_signature(regs)) {
			*max_leaf = regs[0];
			return base;
		}
	}
	return 0;
}

/**
 * xen_cpuid_probe - look for Xen's CPUID leaves and read them
 * @cpuid: the CPUID instruction, or a fake one
 * @out: filled on success
 *
 * Returns XEN_CPUID_OK, or why Xen cannot be used: no signature, too
 * few leaves behind it (a leaf count below base + 2, or one that wrapped
 * around), or no hypercall page on offer.  The HVM feature leaf is
 * optional: without it the features read 0.
 */
enum xen_cpuid_result xen_cpuid_probe(xen_cpuid_fn cpuid, struct xen_cpuid_info *out)
{
	u32 regs[4], max_leaf = 0, base = find_base(cpuid, &max_leaf);

	memset(out, 0, sizeof(*out));
	if (!base)
		return XEN_CPUID_ABSENT;
	if (max_leaf < base + XEN_CPUID_LEAVES_NEEDED)
		return XEN_CPUID_TOO_FEW_LEAVES;
	out->base = base;
	cpuid(base + 1, regs);
	out->major = regs[0] >> 16;
	out->minor = regs[0] & 0xffff;
	cpuid(base + 2, regs);
	if (regs[0] < 1)
		return XEN_CPUID_NO_HYPERCALL_PAGE;
	out->hypercall_msr = regs[1];
	if (max_leaf >= base + 4) {
		cpuid(base + 4, regs);
		out->hvm_features = regs[0];
		out->vcpu_id = regs[1];
		out->domid = regs[2];
	}
	return XEN_CPUID_OK;
}

/**
 * xen_cpuid_result_name - why xen_cpuid_probe() gave up, for the log
 * @r: its result
 */
const char *xen_cpuid_result_name(enum xen_cpuid_result r)
{
	switch (r) {
	case XEN_CPUID_OK:
		return "ok";
	case XEN_CPUID_ABSENT:
		return "no Xen signature in the hypervisor leaves";
	case XEN_CPUID_TOO_FEW_LEAVES:
		return "Xen signature but fewer than 3 leaves";
	case XEN_CPUID_NO_HYPERCALL_PAGE:
		return "Xen offers no hypercall page";
	}
	return "?";
}
