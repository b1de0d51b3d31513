// SPDX-License-Identifier: MIT
/*
 * Unit tests for arch/x86/xen/callback_choose.c: the xen_callback= cap,
 * and the fallback from each refused way of delivering events to the
 * next, down to none, trying each at most once and never above the cap.
 */
#include <stdio.h>
#include <string.h>
#include <pvk/errno.h>
#include <asm/xen/callback.h>
#include "harness.h"

static int result[XEN_CALLBACK_LEVELS];
static unsigned int tried[XEN_CALLBACK_LEVELS];

static int try_intx(void) { tried[XEN_CALLBACK_INTX]++; return result[XEN_CALLBACK_INTX]; }
static int try_vector(void) { tried[XEN_CALLBACK_VECTOR]++; return result[XEN_CALLBACK_VECTOR]; }
static int try_percpu(void) { tried[XEN_CALLBACK_PERCPU]++; return result[XEN_CALLBACK_PERCPU]; }

static const xen_callback_try_fn all[XEN_CALLBACK_LEVELS] = {
	[XEN_CALLBACK_INTX] = try_intx,
	[XEN_CALLBACK_VECTOR] = try_vector,
	[XEN_CALLBACK_PERCPU] = try_percpu,
};

/* No INTx: a PVH guest has no platform PCI device. */
static const xen_callback_try_fn pvh[XEN_CALLBACK_LEVELS] = {
	[XEN_CALLBACK_VECTOR] = try_vector,
	[XEN_CALLBACK_PERCPU] = try_percpu,
};

static void reset(int percpu, int vector, int intx)
{
	result[XEN_CALLBACK_PERCPU] = percpu;
	result[XEN_CALLBACK_VECTOR] = vector;
	result[XEN_CALLBACK_INTX] = intx;
	memset(tried, 0, sizeof(tried));
}

TEST(best_level_when_accepted)
{
	reset(0, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_PERCPU, all), XEN_CALLBACK_PERCPU);
	EXPECT_EQ(tried[XEN_CALLBACK_PERCPU], 1);
	EXPECT_EQ(tried[XEN_CALLBACK_VECTOR], 0);
}

TEST(each_refusal_falls_back_once)
{
	reset(-EINVAL, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_PERCPU, all), XEN_CALLBACK_VECTOR);
	reset(-EINVAL, -ENOSYS, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_PERCPU, all), XEN_CALLBACK_INTX);
	reset(-EINVAL, -ENOSYS, -ENODEV);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_PERCPU, all), XEN_CALLBACK_NONE);
	EXPECT_EQ(tried[XEN_CALLBACK_PERCPU], 1);
	EXPECT_EQ(tried[XEN_CALLBACK_VECTOR], 1);
	EXPECT_EQ(tried[XEN_CALLBACK_INTX], 1);
}

TEST(missing_level_is_skipped)
{
	reset(-EINVAL, -EINVAL, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_PERCPU, pvh), XEN_CALLBACK_NONE);
	EXPECT_EQ(tried[XEN_CALLBACK_INTX], 0);
}

TEST(cap_is_obeyed)
{
	reset(0, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_VECTOR, all), XEN_CALLBACK_VECTOR);
	EXPECT_EQ(tried[XEN_CALLBACK_PERCPU], 0);
	reset(0, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_INTX, all), XEN_CALLBACK_INTX);
	EXPECT_EQ(tried[XEN_CALLBACK_VECTOR], 0);
	reset(0, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_NONE, all), XEN_CALLBACK_NONE);
	EXPECT_EQ(tried[XEN_CALLBACK_INTX], 0);
	reset(0, 0, 0);
	EXPECT_EQ(xen_callback_choose(XEN_CALLBACK_LEVELS + 3, all), XEN_CALLBACK_PERCPU);
}

TEST(parse_names)
{
	bool known;

	EXPECT_EQ(xen_callback_parse("vector", &known), XEN_CALLBACK_VECTOR);
	EXPECT(known);
	EXPECT_EQ(xen_callback_parse("none", &known), XEN_CALLBACK_NONE);
	EXPECT(known);
	EXPECT_EQ(xen_callback_parse("intx", &known), XEN_CALLBACK_INTX);
	EXPECT_EQ(xen_callback_parse("Vector", &known), XEN_CALLBACK_PERCPU);
	EXPECT(!known);
	EXPECT_EQ(xen_callback_parse("", &known), XEN_CALLBACK_PERCPU);
	EXPECT(!known);
	EXPECT_STR(xen_callback_name(XEN_CALLBACK_PERCPU), "percpu");
	EXPECT_STR(xen_callback_name(XEN_CALLBACK_LEVELS), "?");
}

int main(void)
{
	RUN(best_level_when_accepted);
	RUN(each_refusal_falls_back_once);
	RUN(missing_level_is_skipped);
	RUN(cap_is_obeyed);
	RUN(parse_names);
	return TEST_DONE();
}
