// SPDX-License-Identifier: MIT
/*
 * Host tests of arch/x86/xen/platform-pci-unplug.c against a fake device
 * model: each outcome of the protocol, the exact port writes it makes
 * (none at all unless the magic is there), xen_emul_unplug= parsing and
 * whether PV disks may attach afterwards.
 */
#include <stdarg.h>
#include <string.h>

#include <pvk/errno.h>
#include <pvk/printk.h>
#include <asm/xen/platform-pci-unplug.h>
#include "harness.h"

#define MAX_WRITES	8

/* The device model's side of ports 0x10-0x13. */
struct fake_dm {
	u16 magic;		/* what inw(0x10) reads before the handshake */
	u8 version;
	bool blacklist;		/* flip the magic once a build is written */
	unsigned int nr_writes;
	struct { unsigned int size; u16 port; u32 val; } writes[MAX_WRITES];
};

static struct fake_dm dm;
#include "fake_printk.h"

static void record(unsigned int size, u16 port, u32 val)
{
	if (dm.nr_writes == MAX_WRITES) {
		printf("# too many port writes\n");
		exit(EXIT_FAILURE);
	}
	dm.writes[dm.nr_writes].size = size;
	dm.writes[dm.nr_writes].port = port;
	dm.writes[dm.nr_writes].val = val;
	dm.nr_writes++;
}

static u8 fake_inb(u16 port)
{
	return port == 0x12 ? dm.version : 0xff;
}

static u16 fake_inw(u16 port)
{
	return port == 0x10 ? dm.magic : 0xffff;
}

static void fake_outw(u16 val, u16 port)
{
	record(2, port, val);
}

static void fake_outl(u32 val, u16 port)
{
	record(4, port, val);
	if (port == 0x10 && dm.blacklist)
		dm.magic = 0xd249;
}

static const struct xen_unplug_io fake_io = {
	.inb = fake_inb,
	.inw = fake_inw,
	.outw = fake_outw,
	.outl = fake_outl,
};

static void dm_reset(u16 magic, u8 version, bool blacklist)
{
	memset(&dm, 0, sizeof(dm));
	dm.magic = magic;
	dm.version = version;
	dm.blacklist = blacklist;
	last_log[0] = '\0';
}

static bool wrote(unsigned int i, unsigned int size, u16 port, u32 val)
{
	return i < dm.nr_writes && dm.writes[i].size == size &&
	       dm.writes[i].port == port && dm.writes[i].val == val;
}

TEST(test_magic_absent)
{
	dm_reset(0xffff, 1, false);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_ALL),
		  XEN_UNPLUG_NOT_NEEDED);
	EXPECT_EQ(dm.nr_writes, 0);
	EXPECT(strstr(last_log, "no emulated-device unplug protocol") != NULL);
	EXPECT(xen_unplug_allows_pv_disks(XEN_UNPLUG_NOT_NEEDED));
}

TEST(test_version0_no_handshake)
{
	dm_reset(0x49d2, 0, false);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_ALL),
		  XEN_UNPLUG_DONE);
	EXPECT_EQ(dm.nr_writes, 1);
	EXPECT(wrote(0, 2, 0x10, 0x3));
}

TEST(test_version1_ok)
{
	dm_reset(0x49d2, 1, false);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_ALL),
		  XEN_UNPLUG_DONE);
	EXPECT_EQ(dm.nr_writes, 3);
	EXPECT(wrote(0, 2, 0x12, 0xffff));	/* product: experimental */
	EXPECT(wrote(1, 4, 0x10, 1));		/* build number */
	EXPECT(wrote(2, 2, 0x10, 0x3));		/* disks and NICs */
	EXPECT(xen_unplug_allows_pv_disks(XEN_UNPLUG_DONE));
}

TEST(test_blacklisted)
{
	dm_reset(0x49d2, 1, true);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_ALL),
		  XEN_UNPLUG_REFUSED);
	EXPECT_EQ(dm.nr_writes, 2);		/* no unplug mask */
	EXPECT(strstr(last_log, "blacklisted") != NULL);
	EXPECT_EQ(last_level, LOGLEVEL_WARNING);
	EXPECT(!xen_unplug_allows_pv_disks(XEN_UNPLUG_REFUSED));
	EXPECT(strstr(last_log, "corrupts data") != NULL);
}

TEST(test_unknown_version)
{
	dm_reset(0x49d2, 2, false);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_ALL),
		  XEN_UNPLUG_REFUSED);
	EXPECT_EQ(dm.nr_writes, 0);
	EXPECT(strstr(last_log, "version 2 unknown") != NULL);
	EXPECT_EQ(last_level, LOGLEVEL_WARNING);
}

TEST(test_never)
{
	dm_reset(0x49d2, 1, false);
	EXPECT_EQ(xen_unplug_run(&fake_io, XEN_UNPLUG_MODE_NEVER),
		  XEN_UNPLUG_NEVER);
	EXPECT_EQ(dm.nr_writes, 0);
	EXPECT(!xen_unplug_allows_pv_disks(XEN_UNPLUG_NEVER));
	EXPECT(strstr(last_log, "never") != NULL);
}

TEST(test_parse_mode_and_names)
{
	enum xen_unplug_mode mode = XEN_UNPLUG_MODE_NEVER;

	EXPECT_EQ(xen_unplug_parse_mode("", &mode), 0);
	EXPECT_EQ(mode, XEN_UNPLUG_MODE_ALL);
	EXPECT_EQ(xen_unplug_parse_mode("never", &mode), 0);
	EXPECT_EQ(mode, XEN_UNPLUG_MODE_NEVER);
	EXPECT_EQ(xen_unplug_parse_mode("all", &mode), 0);
	EXPECT_EQ(mode, XEN_UNPLUG_MODE_ALL);
	EXPECT_EQ(xen_unplug_parse_mode("nics", &mode), -EINVAL);
	EXPECT_EQ(xen_unplug_parse_mode("neverx", &mode), -EINVAL);
	EXPECT_EQ(mode, XEN_UNPLUG_MODE_ALL);
	EXPECT_STR(xen_unplug_result_name(XEN_UNPLUG_DONE), "done");
	EXPECT_STR(xen_unplug_result_name(XEN_UNPLUG_REFUSED), "refused");
	EXPECT_STR(xen_unplug_result_name(XEN_UNPLUG_NOT_NEEDED), "not-needed");
	EXPECT_STR(xen_unplug_result_name(XEN_UNPLUG_NEVER), "never");
	EXPECT_STR(xen_unplug_result_name((enum xen_unplug_result)9), "?");
}

int main(void)
{
	RUN(test_magic_absent);
	RUN(test_version0_no_handshake);
	RUN(test_version1_ok);
	RUN(test_blacklisted);
	RUN(test_unknown_version);
	RUN(test_never);
	RUN(test_parse_mode_and_names);
	return TEST_DONE();
}
