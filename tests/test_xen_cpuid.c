// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/xen/cpuid.c: finding Xen's CPUID leaves at the
 * first base and behind another hypervisor's, and refusing leaves that
 * are absent, wrongly signed, too few or offer no hypercall page.
 */
#include <stdio.h>
#include <string.h>
#include <asm/xen/cpuid.h>
#include <xen/arch-x86/cpuid.h>
#include "harness.h"

#define NR_FAKE 8

static struct { u32 leaf, regs[4]; } fake[NR_FAKE];
static unsigned int nr_fake, nr_queries;

static void fake_cpuid(u32 leaf, u32 regs[4])
{
	nr_queries++;
	memset(regs, 0, 4 * sizeof(u32));
	for (unsigned int i = 0; i < nr_fake; i++)
		if (fake[i].leaf == leaf)
			memcpy(regs, fake[i].regs, 4 * sizeof(u32));
}

static void set_leaf(u32 leaf, u32 a, u32 b, u32 c, u32 d)
{
	fake[nr_fake].leaf = leaf;
	fake[nr_fake].regs[0] = a;
	fake[nr_fake].regs[1] = b;
	fake[nr_fake].regs[2] = c;
	fake[nr_fake].regs[3] = d;
	nr_fake++;
}

/* A Xen 4.17 at @base with @nleaves leaves after it. */
static void xen_at(u32 base, u32 nleaves)
{
	set_leaf(base, base + nleaves, XEN_CPUID_SIGNATURE_EBX,
		 XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX);
	set_leaf(base + 1, 4 << 16 | 17, 0, 0, 0);
	set_leaf(base + 2, 1, 0x40000000, 0, 0);
	set_leaf(base + 4, XEN_HVM_CPUID_VCPU_ID_PRESENT |
		 XEN_HVM_CPUID_UPCALL_VECTOR, 3, 7, 0);
}

static void reset(void)
{
	nr_fake = 0;
	nr_queries = 0;
}

TEST(found_at_first_base)
{
	struct xen_cpuid_info x;

	reset();
	xen_at(0x40000000, 5);
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_OK);
	EXPECT_EQ_U(x.base, 0x40000000);
	EXPECT_EQ(x.major, 4);
	EXPECT_EQ(x.minor, 17);
	EXPECT_EQ_U(x.hypercall_msr, 0x40000000);
	EXPECT(x.hvm_features & XEN_HVM_CPUID_UPCALL_VECTOR);
	EXPECT_EQ_U(x.vcpu_id, 3);
	EXPECT_EQ_U(x.domid, 7);
}

TEST(found_behind_viridian)
{
	struct xen_cpuid_info x;

	reset();
	set_leaf(0x40000000, 0x40000005, 0x7263694d, 0x666f736f, 0x76482074);
	xen_at(0x40000100, 4);
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_OK);
	EXPECT_EQ_U(x.base, 0x40000100);
}

TEST(absent_scans_every_base_once)
{
	struct xen_cpuid_info x;

	reset();
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_ABSENT);
	EXPECT_EQ_U(nr_queries, 256);
	EXPECT_EQ_U(x.base, 0);
}

TEST(wrong_signature_is_absent)
{
	struct xen_cpuid_info x;

	reset();
	set_leaf(0x40000000, 0x40000005, XEN_CPUID_SIGNATURE_EBX,
		 XEN_CPUID_SIGNATURE_ECX, 0x4d4d566f);
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_ABSENT);
}

TEST(too_few_leaves)
{
	struct xen_cpuid_info x;

	reset();
	xen_at(0x40000000, 1);
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_TOO_FEW_LEAVES);
	reset();
	/* A leaf count below the base itself (wrapped or garbage). */
	xen_at(0x40000000, 5);
	fake[0].regs[0] = 3;
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_TOO_FEW_LEAVES);
}

TEST(no_hypercall_page)
{
	struct xen_cpuid_info x;

	reset();
	xen_at(0x40000000, 5);
	fake[2].regs[0] = 0;
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_NO_HYPERCALL_PAGE);
}

TEST(no_hvm_leaf_means_no_features)
{
	struct xen_cpuid_info x;

	reset();
	xen_at(0x40000000, 3);
	EXPECT_EQ(xen_cpuid_probe(fake_cpuid, &x), XEN_CPUID_OK);
	EXPECT_EQ_U(x.hvm_features, 0);
	EXPECT_EQ_U(x.vcpu_id, 0);
}

TEST(result_names)
{
	EXPECT_STR(xen_cpuid_result_name(XEN_CPUID_OK), "ok");
	EXPECT(strstr(xen_cpuid_result_name(XEN_CPUID_ABSENT), "signature"));
}

int main(void)
{
	RUN(found_at_first_base);
	RUN(found_behind_viridian);
	RUN(absent_scans_every_base_once);
	RUN(wrong_signature_is_absent);
	RUN(too_few_leaves);
	RUN(no_hypercall_page);
	RUN(no_hvm_leaf_means_no_features);
	RUN(result_names);
	return TEST_DONE();
}
