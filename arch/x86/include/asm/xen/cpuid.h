/* SPDX-License-Identifier: MIT */
/*
 * Finding Xen from inside a hardware-virtualised guest (HVM, PVH): the
 * hypervisor CPUID leaves.  Pure logic over a cpuid function, so the
 * host unit tests and the self-tests can feed it fake leaves.
 */
#ifndef _ASM_X86_XEN_CPUID_H
#define _ASM_X86_XEN_CPUID_H

#include <pvk/types.h>

/* One CPUID query: leaf in, four registers out (subleaf 0). */
typedef void (*xen_cpuid_fn)(u32 leaf, u32 regs[4]);

struct xen_cpuid_info {
	u32 base;		/* 0x40000000 + k * 0x100 */
	u16 major, minor;	/* Xen's version */
	u32 hypercall_msr;	/* where the hypercall page's address goes */
	u32 hvm_features;	/* XEN_HVM_CPUID_* of leaf base + 4 */
	u32 vcpu_id;		/* valid if XEN_HVM_CPUID_VCPU_ID_PRESENT */
	u32 domid;		/* valid if XEN_HVM_CPUID_DOMID_PRESENT */
};

/* Why xen_cpuid_probe() gave up, for the log. */
enum xen_cpuid_result {
	XEN_CPUID_OK,
	XEN_CPUID_ABSENT,	/* no "XenVMMXenVMM" in any candidate leaf */
	XEN_CPUID_TOO_FEW_LEAVES,	/* fewer than the 3 leaves pvk needs */
	XEN_CPUID_NO_HYPERCALL_PAGE,	/* leaf base + 2 offers no page */
};

enum xen_cpuid_result xen_cpuid_probe(xen_cpuid_fn cpuid, struct xen_cpuid_info *out);
const char *xen_cpuid_result_name(enum xen_cpuid_result r);

#endif /* _ASM_X86_XEN_CPUID_H */
