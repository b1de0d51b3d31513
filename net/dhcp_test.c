// SPDX-License-Identifier: MIT
/*
 * Self-tests of DHCP inside pvk: the messages net/dhcp.c builds and the
 * replies it refuses, as compiled for the kernel (tests/test_dhcp.c runs
 * the same file on the host, byte by byte), and the client end to end
 * against a server played by the test on an interface of its own, on
 * every platform.  The client against a real server is the
 * netfront_dhcp suite's, in dom0's life-dhcp job.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/net/proto.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

#define XID		0x7076dcbbU
#define SERVER		IPV4(10, 0, 0, 1)
#define OFFERED		IPV4(10, 0, 0, 50)
#define MASK24		IPV4(255, 255, 255, 0)
#define LEASE_S		30

#define FAKE_LEASE_S	4	/* T1 after 2 s: renewed within the case */
#define FAKE_WAIT_NS	(20 * NSEC_PER_SEC)

static const u8 test_mac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x50 };
static const u8 server_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x67 };

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

/* ---- the client against a server played by the test ------------------- */

/*
 * The client's interface: what it sends waits in @frame (one at a time,
 * the client resends what is dropped) for the test to answer, since
 * xmit() may not call net_rx() itself.
 */
struct fake_link {
	struct net_device dev;
	spinlock_t lock;
	bool full;
	size_t len;
	u8 frame[ETH_FRAME_LEN];
	/* The test's own: */
	unsigned int discovers, requests, renewals, naks, arps;
};

static struct fake_link fake;

static int fake_xmit(struct net_device *dev, const void *frame, size_t len)
{
	unsigned long flags;

	(void)dev;
	if (len > ETH_FRAME_LEN)
		return -E2BIG;
	spin_lock_irqsave(&fake.lock, flags);
	if (!fake.full) {
		memcpy(fake.frame, frame, len);
		fake.len = len;
		fake.full = true;
	}
	spin_unlock_irqrestore(&fake.lock, flags);
	return 0;
}

static bool fake_take(u8 *frame, size_t *len)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&fake.lock, flags);
	got = fake.full;
	if (got) {
		memcpy(frame, fake.frame, fake.len);
		*len = fake.len;
		fake.full = false;
	}
	spin_unlock_irqrestore(&fake.lock, flags);
	return got;
}

/* The server's ARP reply to the client's request for its MAC. */
static void fake_answer_arp(const u8 *req)
{
	u8 f[ETH_ZLEN] = { 0 };
	u8 *arp = f + ETH_HLEN;

	eth_header(f, fake.dev.mac, server_mac, ETH_P_ARP);
	put_be16(arp + ARP_HTYPE, ARP_HW_ETHER);
	put_be16(arp + ARP_PTYPE, ETH_P_IP);
	arp[ARP_HLEN] = ETH_ALEN;
	arp[ARP_PLEN] = 4;
	put_be16(arp + ARP_OP, ARP_OP_REPLY);
	memcpy(arp + ARP_SHA, server_mac, ETH_ALEN);
	put_be32(arp + ARP_SPA, SERVER);
	memcpy(arp + ARP_THA, fake.dev.mac, ETH_ALEN);
	memcpy(arp + ARP_TPA, req + ARP_SPA, 4);
	net_rx(&fake.dev, f, sizeof(f));
	fake.arps++;
}

/* Send @r from the server's port 67 to the client's 68 at @dst. */
static void fake_send(const struct test_reply *r, u32 dst)
{
	static u8 f[ETH_FRAME_LEN];
	u8 *ip = f + ETH_HLEN, *udp = f + NET_L4_OFF;
	u16 ulen = (u16)(UDP_HLEN + r->len);

	eth_header(f, dst == IPV4_BROADCAST ? eth_broadcast_addr : fake.dev.mac,
		   server_mac, ETH_P_IP);
	memset(ip, 0, IP_HLEN);
	ip[IP_VER_IHL] = 0x45;
	put_be16(ip + IP_TOT_LEN, (u16)(IP_HLEN + ulen));
	ip[IP_TTL] = IP_DEFAULT_TTL;
	ip[IP_PROTO] = IPPROTO_UDP;
	put_be32(ip + IP_SRC, SERVER);
	put_be32(ip + IP_DST, dst);
	put_be16(ip + IP_CSUM, inet_csum(ip, IP_HLEN, 0));
	put_be16(udp + UDP_SPORT, DHCP_SERVER_PORT);
	put_be16(udp + UDP_DPORT, DHCP_CLIENT_PORT);
	put_be16(udp + UDP_LEN, ulen);
	put_be16(udp + UDP_CSUM, 0);
	memcpy(udp + UDP_HLEN, r->buf, r->len);
	put_be16(udp + UDP_CSUM,
		 inet_csum(udp, ulen, inet_pseudo_sum(SERVER, dst, IPPROTO_UDP,
						      ulen)));
	net_rx(&fake.dev, f, NET_L4_OFF + ulen);
}

/* The message type (option 53) of a client's message, 0 if none. */
static u8 client_msg_type(const u8 *msg, size_t len)
{
	size_t pos = DHCP_OPTIONS;

	while (pos + 2 < len && msg[pos] != 255) {
		if (msg[pos] == 53)
			return msg[pos + 2];
		pos += msg[pos] ? 2 + (size_t)msg[pos + 1] : 1;
	}
	return 0;
}

/*
 * Answer one DISCOVER or REQUEST.  Each DISCOVER first gets an offer of
 * the broadcast address, which the client must refuse, then the good
 * one; a REQUEST is ACKed with a lease of FAKE_LEASE_S, to ciaddr when
 * renewing, except the second renewal, which gets a NAK.
 */
static void fake_answer_dhcp(const u8 *msg, size_t len)
{
	struct test_reply r;
	u32 ciaddr;
	u8 type;

	if (len < DHCP_OPTIONS)
		return;
	type = client_msg_type(msg, len);
	ciaddr = get_be32(msg + DHCP_CIADDR);
	if (type == DHCPDISCOVER) {
		fake.discovers++;
		make_reply(&r, DHCPOFFER, IPV4_BROADCAST, MASK24);
		memcpy(r.buf + DHCP_XID, msg + DHCP_XID, 4);
		fake_send(&r, IPV4_BROADCAST);
		msleep(20);	/* the client takes (and logs) the refusal */
		make_reply(&r, DHCPOFFER, OFFERED, MASK24);
	} else if (type == DHCPREQUEST) {
		fake.requests++;
		if (ciaddr && fake.renewals++ == 1) {
			fake.naks++;
			make_reply(&r, DHCPNAK, 0, 0);
		} else {
			make_reply(&r, DHCPACK, OFFERED, MASK24);
		}
	} else {
		return;
	}
	put_be32(r.buf + r.len - 1 - 4, FAKE_LEASE_S);	/* option 51, last */
	memcpy(r.buf + DHCP_XID, msg + DHCP_XID, 4);
	fake_send(&r, ciaddr ? ciaddr : IPV4_BROADCAST);
}

/* Answer what the client sent last, if anything. */
static void fake_serve_one(void)
{
	static u8 f[ETH_FRAME_LEN];
	const u8 *ip = f + ETH_HLEN, *udp = f + NET_L4_OFF;
	size_t len = 0, ulen;

	if (!fake_take(f, &len) || len < ETH_HLEN + ARP_LEN)
		return;
	if (get_be16(f + ETH_TYPE) == ETH_P_ARP &&
	    get_be16(f + ETH_HLEN + ARP_OP) == ARP_OP_REQUEST &&
	    get_be32(f + ETH_HLEN + ARP_TPA) == SERVER) {
		fake_answer_arp(f + ETH_HLEN);
		return;
	}
	if (get_be16(f + ETH_TYPE) != ETH_P_IP || ip[IP_PROTO] != IPPROTO_UDP ||
	    len < NET_L4_OFF + UDP_HLEN ||
	    get_be16(udp + UDP_DPORT) != DHCP_SERVER_PORT)
		return;
	ulen = get_be16(udp + UDP_LEN);
	if (ulen >= UDP_HLEN && NET_L4_OFF + ulen <= len)
		fake_answer_dhcp(udp + UDP_HLEN, ulen - UDP_HLEN);
}

/*
 * Lease, renewal, a NAK at the next renewal (the address goes), and a
 * new lease after it.
 */
static void dhcp_client_leases_and_renews(struct kunit *test)
{
	unsigned int renewed = 0, unconfigured = 0;
	struct dhcp_lease l = { 0 };
	struct dhcp_client *c;
	bool held;
	u64 end;

	memset(&fake, 0, sizeof(fake));
	spin_lock_init(&fake.lock);
	fake.dev.name = "dhcptest0";
	memcpy(fake.dev.mac, test_mac, ETH_ALEN);
	fake.dev.xmit = fake_xmit;
	KUNIT_ASSERT_TRUE(test, net_register(&fake.dev) == 0);
	c = dhcp_start(&fake.dev);
	if (!c) {
		net_unregister(&fake.dev);
		kunit_skip(test, "no client started (dhcp=off?)");
		return;
	}
	end = ktime_get_ns() + FAKE_WAIT_NS;
	do {
		fake_serve_one();
		msleep(5);
		held = dhcp_lease_get(c, &l);
		renewed = MAX(renewed, l.renewals);
		unconfigured += fake.naks && !READ_ONCE(fake.dev.ip_addr);
	} while (ktime_get_ns() < end && !(held && fake.discovers == 2));
	dhcp_stop(c);
	kunit_info(test, "%u DISCOVERs, %u REQUESTs (%u renewing), %u NAKs, %u ARP requests, %u renewals",
		   fake.discovers, fake.requests, fake.renewals, fake.naks,
		   fake.arps, renewed);
	/* The broadcast address offered first was refused. */
	KUNIT_EXPECT_EQ(test, l.addr, OFFERED);
	KUNIT_EXPECT_EQ(test, l.prefix, 24);
	KUNIT_EXPECT_EQ(test, l.server, SERVER);
	KUNIT_EXPECT_EQ(test, l.lease_s, FAKE_LEASE_S);
	KUNIT_EXPECT_EQ(test, renewed, 1);
	KUNIT_EXPECT_EQ(test, fake.naks, 1);
	/* The NAK took the address away until the next lease. */
	KUNIT_EXPECT_TRUE(test, unconfigured > 0);
	KUNIT_EXPECT_EQ(test, fake.discovers, 2);
	KUNIT_EXPECT_EQ(test, fake.dev.ip_addr, OFFERED);
	KUNIT_EXPECT_EQ(test, fake.dev.netmask, MASK24);
	net_unregister(&fake.dev);
}

SELFTEST_SUITE(dhcp,
	KUNIT_CASE(dhcp_builds_discover_and_request),
	KUNIT_CASE(dhcp_takes_offer_ack_nak),
	KUNIT_CASE(dhcp_refuses_bad_replies),
	KUNIT_CASE(dhcp_client_leases_and_renews));
