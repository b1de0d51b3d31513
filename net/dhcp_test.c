// SPDX-License-Identifier: MIT
/*
 * Self-tests of DHCP inside pvk: the messages net/dhcp.c builds and the
 * replies it refuses, as compiled for the kernel (tests/test_dhcp.c runs
 * the same file on the host, byte by byte).  The client against a real
 * server is the netfront_dhcp suite's, in dom0's life-dhcp job.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/net/proto.h>
#include <pvk/selftest.h>

#define XID		0x7076dcbbU
#define SERVER		IPV4(10, 0, 0, 1)
#define OFFERED		IPV4(10, 0, 0, 50)
#define MASK24		IPV4(255, 255, 255, 0)
#define LEASE_S		30

static const u8 test_mac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x50 };

struct test_reply {
	u8 buf[320];
	size_t len;
};

static void add_opt32(struct test_reply *r, u8 code, u32 v)
{
	r->buf[r->len++] = code;
	r->buf[r->len++] = 4;
	put_be32(r->buf + r->len, v);
	r->len += 4;
}

/* A server's reply to our XID and MAC, with its options ended. */
static void make_reply(struct test_reply *r, u8 type, u32 yiaddr, u32 mask)
{
	memset(r, 0, sizeof(*r));
	r->buf[DHCP_OP] = BOOTREPLY;
	r->buf[DHCP_HTYPE] = 1;
	r->buf[DHCP_HLEN] = ETH_ALEN;
	put_be32(r->buf + DHCP_XID, XID);
	put_be32(r->buf + DHCP_YIADDR, yiaddr);
	memcpy(r->buf + DHCP_CHADDR, test_mac, ETH_ALEN);
	put_be32(r->buf + DHCP_COOKIE, DHCP_MAGIC);
	r->len = DHCP_OPTIONS;
	r->buf[r->len++] = 53;
	r->buf[r->len++] = 1;
	r->buf[r->len++] = type;
	add_opt32(r, 54, SERVER);
	if (mask)
		add_opt32(r, 1, mask);
	add_opt32(r, 51, LEASE_S);
	r->buf[r->len++] = 255;
}

static enum dhcp_verdict parse(const struct test_reply *r, u32 xid,
			       struct dhcp_reply *out)
{
	return dhcp_parse_reply(r->buf, r->len, xid, test_mac, out);
}

static void dhcp_builds_discover_and_request(struct kunit *test)
{
	struct dhcp_request req = {
		.type = DHCPDISCOVER, .xid = XID, .mac = test_mac,
	};
	u8 msg[DHCP_MSG_MAX];

	KUNIT_EXPECT_EQ(test, dhcp_build(&req, msg, sizeof(msg)), DHCP_MIN_LEN);
	KUNIT_EXPECT_EQ(test, msg[DHCP_OP], BOOTREQUEST);
	KUNIT_EXPECT_EQ(test, get_be32(msg + DHCP_XID), XID);
	KUNIT_EXPECT_EQ(test, get_be16(msg + DHCP_FLAGS), DHCP_FLAG_BROADCAST);
	KUNIT_EXPECT_EQ(test, get_be32(msg + DHCP_COOKIE), DHCP_MAGIC);
	KUNIT_EXPECT_EQ(test, memcmp(msg + DHCP_CHADDR, test_mac, ETH_ALEN), 0);
	KUNIT_EXPECT_EQ(test, msg[DHCP_OPTIONS], 53);
	KUNIT_EXPECT_EQ(test, msg[DHCP_OPTIONS + 2], DHCPDISCOVER);

	/* Renewing: from our address, no broadcast flag. */
	req.type = DHCPREQUEST;
	req.ciaddr = OFFERED;
	KUNIT_EXPECT_EQ(test, dhcp_build(&req, msg, sizeof(msg)), DHCP_MIN_LEN);
	KUNIT_EXPECT_EQ(test, get_be32(msg + DHCP_CIADDR), OFFERED);
	KUNIT_EXPECT_EQ(test, get_be16(msg + DHCP_FLAGS), 0);
	KUNIT_EXPECT_EQ(test, msg[DHCP_OPTIONS + 2], DHCPREQUEST);
	KUNIT_EXPECT_EQ(test, dhcp_build(&req, msg, DHCP_MSG_MAX - 1), -EINVAL);
}

static void dhcp_takes_offer_ack_nak(struct kunit *test)
{
	struct test_reply r;
	struct dhcp_reply out;

	make_reply(&r, DHCPOFFER, OFFERED, MASK24);
	KUNIT_ASSERT_TRUE(test, parse(&r, XID, &out) == DHCP_REPLY_OK);
	KUNIT_EXPECT_EQ(test, out.type, DHCPOFFER);
	KUNIT_EXPECT_EQ(test, out.yiaddr, OFFERED);
	KUNIT_EXPECT_EQ(test, out.prefix, 24);
	KUNIT_EXPECT_EQ(test, out.server_id, SERVER);
	KUNIT_EXPECT_EQ(test, out.lease_s, LEASE_S);
	KUNIT_EXPECT_EQ(test, out.t1_s, LEASE_S / 2);
	make_reply(&r, DHCPACK, OFFERED, MASK24);
	KUNIT_EXPECT_EQ(test, parse(&r, XID, &out), DHCP_REPLY_OK);
	KUNIT_EXPECT_EQ(test, out.type, DHCPACK);
	make_reply(&r, DHCPNAK, 0, 0);
	KUNIT_EXPECT_EQ(test, parse(&r, XID, &out), DHCP_REPLY_OK);
	KUNIT_EXPECT_EQ(test, out.type, DHCPNAK);
}

static void dhcp_refuses_bad_replies(struct kunit *test)
{
	static const struct {
		u32 yiaddr, mask;
		enum dhcp_verdict v;
	} bad[] = {
		{ 0, MASK24, DHCP_BAD_ADDRESS },
		{ IPV4_BROADCAST, MASK24, DHCP_BAD_ADDRESS },
		{ IPV4(224, 0, 0, 1), MASK24, DHCP_BAD_ADDRESS },
		{ IPV4(127, 0, 0, 1), MASK24, DHCP_BAD_ADDRESS },
		{ IPV4(10, 0, 0, 255), MASK24, DHCP_BAD_ADDRESS },
		{ SERVER, MASK24, DHCP_BAD_ADDRESS },
		{ OFFERED, 0, DHCP_BAD_NETMASK },
		{ OFFERED, IPV4(255, 0, 255, 0), DHCP_BAD_NETMASK },
	};
	struct dhcp_reply out;
	struct test_reply r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		make_reply(&r, DHCPOFFER, bad[i].yiaddr, bad[i].mask);
		KUNIT_EXPECT_EQ(test, parse(&r, XID, &out), bad[i].v);
	}
	make_reply(&r, DHCPOFFER, OFFERED, MASK24);
	KUNIT_EXPECT_EQ(test, parse(&r, XID + 1, &out), DHCP_WRONG_XID);
	r.buf[DHCP_CHADDR + 5] ^= 1;
	KUNIT_EXPECT_EQ(test, parse(&r, XID, &out), DHCP_WRONG_CHADDR);
	r.buf[DHCP_CHADDR + 5] ^= 1;
	/* The last option's length runs past the message. */
	r.buf[r.len - 1] = 12;
	r.buf[r.len++] = 9;
	KUNIT_EXPECT_EQ(test, parse(&r, XID, &out), DHCP_BAD_OPTION);
	KUNIT_EXPECT_EQ(test, dhcp_parse_reply(r.buf, DHCP_OPTIONS - 1, XID,
					       test_mac, &out), DHCP_BAD_LENGTH);
}

SELFTEST_SUITE(dhcp,
	KUNIT_CASE(dhcp_builds_discover_and_request),
	KUNIT_CASE(dhcp_takes_offer_ack_nak),
	KUNIT_CASE(dhcp_refuses_bad_replies));
