// SPDX-License-Identifier: MIT
/*
 * Unit tests for net/: frames go in through net_rx() and come out of a
 * fake device whose xmit() records them.  Expected bytes and checksums
 * are built here with the test's own helpers, not the stack's.  Inputs
 * are passed in heap buffers of exactly their length, so AddressSanitizer
 * catches any read past the end of a frame.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/net.h>
#include <pvk/printk.h>
#include "harness.h"

#define OUR_IP		0x0a000002u	/* 10.0.0.2 */
#define PEER_IP		0x0a000001u	/* 10.0.0.1 */
#define OTHER_IP	0x0a000003u
#define SUBNET_BCAST	0x0a0000ffu
#define UDP_PORT	5000
#define PEER_PORT	1234
#define MAX_FRAMES	8
#define FRAME_MAX	1514

static const u8 our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const u8 peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* ---- the fake device ---- */

static struct net_device dev;
static u8 sent[MAX_FRAMES][FRAME_MAX];
static size_t sent_len[MAX_FRAMES];
static int nr_sent;
static int xmit_result;

static int fake_xmit(struct net_device *d, const void *frame, size_t len)
{
	EXPECT(d == &dev);
	EXPECT(len <= FRAME_MAX);
	if (xmit_result)
		return xmit_result;
	if (nr_sent < MAX_FRAMES && len <= FRAME_MAX) {
		memcpy(sent[nr_sent], frame, len);
		sent_len[nr_sent] = len;
	}
	nr_sent++;
	return 0;
}

static void setup(void)
{
	net_unregister(&dev);
	udp_echo_stop();
	udp_unbind(UDP_PORT);
	memset(&dev, 0, sizeof(dev));
	dev.name = "fake0";
	memcpy(dev.mac, our_mac, 6);
	dev.xmit = fake_xmit;
	nr_sent = 0;
	xmit_result = 0;
	EXPECT_EQ(net_register(&dev), 0);
	EXPECT_EQ(net_configure(&dev, "10.0.0.2/24"), 0);
}

static void feed(const u8 *frame, size_t len)
{
	u8 *copy = malloc(len ? len : 1);

	memcpy(copy, frame, len);
	net_rx(&dev, copy, len);
	free(copy);
}

static u64 verdict_sum(void)
{
	u64 sum = 0;

	for (int v = 0; v < NET_RX_VERDICTS; v++)
		sum += dev.stats.rx[v];
	return sum;
}

/* ---- frame building and checking, independent of net/ ---- */

static void w16(u8 *p, unsigned int v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void w32(u8 *p, u32 v)
{
	w16(p, v >> 16);
	w16(p + 2, v & 0xffff);
}

static unsigned int r16(const u8 *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static u32 r32(const u8 *p)
{
	return (u32)r16(p) << 16 | r16(p + 2);
}

/* RFC 1071 sum folded to 16 bits, plus @extra; 0xffff means "valid". */
static unsigned int ref_sum(const u8 *p, size_t n, u32 extra)
{
	u64 s = extra;

	for (size_t i = 0; i < n; i++)
		s += (i % 2) ? p[i] : (u32)p[i] << 8;
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return (unsigned int)s;
}

static u32 ref_pseudo(u32 src, u32 dst, unsigned int proto, size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
	       proto + (u32)len;
}

static void put_csum(u8 *field, const u8 *p, size_t n, u32 extra)
{
	w16(field, 0);
	w16(field, ~ref_sum(p, n, extra) & 0xffff);
}

static size_t eth(u8 *f, const u8 *dst, const u8 *src, unsigned int type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	w16(f + 12, type);
	return 14;
}

/* IPv4 header with @opt_words of options; returns its length. */
static size_t ipv4(u8 *ip, u32 src, u32 dst, unsigned int proto,
		   size_t l4_len, unsigned int opt_words)
{
	size_t hlen = 20 + 4 * opt_words;

	memset(ip, 0, hlen);
	ip[0] = (u8)(0x40 | (hlen / 4));
	w16(ip + 2, (unsigned int)(hlen + l4_len));
	w16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = (u8)proto;
	w32(ip + 12, src);
	w32(ip + 16, dst);
	if (opt_words)
		memset(ip + 20, 1, 4 * opt_words);	/* NOP options */
	put_csum(ip + 10, ip, hlen, 0);
	return hlen;
}

static size_t make_arp(u8 *f, unsigned int op, const u8 *eth_dst,
		       const u8 *sha, u32 spa, const u8 *tha, u32 tpa)
{
	u8 *a = f + eth(f, eth_dst, sha, 0x0806);

	w16(a, 1);
	w16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	w16(a + 6, op);
	memcpy(a + 8, sha, 6);
	w32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	w32(a + 24, tpa);
	return 14 + 28;
}

static size_t make_echo(u8 *f, unsigned int type, u32 src, u32 dst,
			unsigned int id, unsigned int seq, size_t payload,
			unsigned int opt_words)
{
	size_t hl = eth(f, our_mac, peer_mac, 0x0800);
	size_t ihl = ipv4(f + hl, src, dst, 1, 8 + payload, opt_words);
	u8 *icmp = f + hl + ihl;

	icmp[0] = (u8)type;
	icmp[1] = 0;
	w16(icmp + 4, id);
	w16(icmp + 6, seq);
	for (size_t i = 0; i < payload; i++)
		icmp[8 + i] = (u8)(i * 3 + 1);
	put_csum(icmp + 2, icmp, 8 + payload, 0);
	return hl + ihl + 8 + payload;
}

static size_t make_udp(u8 *f, u32 src, u32 dst, unsigned int sport,
		       unsigned int dport, const void *data, size_t len)
{
	size_t hl = eth(f, our_mac, peer_mac, 0x0800);
	size_t ihl = ipv4(f + hl, src, dst, 17, 8 + len, 0);
	u8 *udp = f + hl + ihl;

	w16(udp, sport);
	w16(udp + 2, dport);
	w16(udp + 4, (unsigned int)(8 + len));
	memcpy(udp + 8, data, len);
	put_csum(udp + 6, udp, 8 + len, ref_pseudo(src, dst, 17, 8 + len));
	return hl + ihl + 8 + len;
}

/* Refresh the IPv4 header checksum after a test edited the header. */
static void fix_ip_csum(u8 *f)
{
	put_csum(f + 14 + 10, f + 14, (size_t)(f[14] & 0xf) * 4, 0);
}

/* Check a frame we sent: Ethernet, then IPv4 with valid checksum. */
static const u8 *check_ipv4_out(int i, const u8 *mac, u32 dst, unsigned int proto,
				size_t l4_len)
{
	const u8 *f = sent[i], *ip = f + 14;

	EXPECT(i < nr_sent);
	EXPECT(memcmp(f, mac, 6) == 0);
	EXPECT(memcmp(f + 6, our_mac, 6) == 0);
	EXPECT_EQ_U(r16(f + 12), 0x0800);
	EXPECT_EQ_U(ip[0], 0x45);
	EXPECT_EQ(r16(ip + 2), 20 + l4_len);
	EXPECT_EQ_U(r16(ip + 6), 0);
	EXPECT_EQ(ip[8], 64);
	EXPECT_EQ(ip[9], proto);
	EXPECT_EQ_U(r32(ip + 12), OUR_IP);
	EXPECT_EQ_U(r32(ip + 16), dst);
	EXPECT_EQ_U(ref_sum(ip, 20, 0), 0xffff);
	EXPECT_EQ(sent_len[i], 14 + 20 + l4_len < 60 ? 60 : 14 + 20 + l4_len);
	return ip + 20;
}

static void learn_peer(void)
{
	u8 f[64];
	size_t n = make_arp(f, 1, bcast_mac, peer_mac, PEER_IP,
			    (const u8[6]){ 0 }, OUR_IP);

	feed(f, n);
	nr_sent = 0;
}

/* ---- checksum and parser ---- */

TEST(csum_vectors)
{
	/* RFC 1071 section 3's example: the sum is ddf2. */
	static const u8 ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	u8 buf[301];
	size_t cut;

	EXPECT_EQ_U(inet_csum(ex, sizeof(ex), 0), 0xffff & ~0xddf2);
	EXPECT_EQ_U(inet_csum_fold(inet_csum_add(ex, sizeof(ex), 0)), 0x220d);
	EXPECT_EQ_U(inet_csum(NULL, 0, 0), 0xffff);
	srand(1);
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)rand() % sizeof(buf);
		u32 extra = (u32)rand() & 0xfffff;

		for (size_t i = 0; i < n; i++)
			buf[i] = (u8)rand();
		EXPECT_EQ_U(inet_csum(buf, n, extra),
			    ~ref_sum(buf, n, extra) & 0xffff);
		/* Pieces chain when all but the last have even lengths. */
		cut = (n / 2) & ~(size_t)1;
		EXPECT_EQ_U(inet_csum(buf + cut, n - cut,
				      inet_csum_add(buf, cut, extra)),
			    inet_csum(buf, n, extra));
	}
	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ_U(inet_csum(buf, sizeof(buf), 0xffffffffu),
		    ~ref_sum(buf, sizeof(buf), 0) & 0xffff);
	EXPECT_EQ_U(inet_pseudo_sum(0x0a000001, 0x0a000002, 17, 10),
		    0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 10);
	EXPECT_EQ_U(htons(0x1234), 0x3412);
	EXPECT_EQ_U(ntohl(htonl(0x12345678)), 0x12345678);
	EXPECT_EQ_U(htonl(0x0a000002), 0x0200000a);
}

TEST(cidr_parser)
{
	static const struct {
		const char *s;
		u32 addr;
		unsigned int prefix;
	} good[] = {
		{ "10.0.0.2/24", 0x0a000002, 24 },
		{ "0.0.0.0/1", 0, 1 },
		{ "255.255.255.255/32", 0xffffffff, 32 },
		{ "192.168.100.7/16", 0xc0a86407, 16 },
		{ "1.2.3.4/8", 0x01020304, 8 },
	};
	static const char *const bad[] = {
		"10.0.0.256/24", "1.2.3/8", "1.2.3.4/33", "", "1.2.3.4/",
		" 1.2.3.4/24", "01.2.3.4/8", "1.2.3.4", "1.2.3.4/24 ",
		"1.2.3.4/024", "1.2.3.4/0", "1..3.4/8", "1.2.3.4.5/8",
		"1.2.3.4/-1", "1.2.3.4/+8", "+1.2.3.4/8", "1.2.3.04/8",
		"1000.2.3.4/8", "99999999999999999999.1.1.1/8", "1.2.3.4/8/8",
		"a.b.c.d/8", "1.2.3.4/8\n", "1.2.3.4 /8", "1.2.3.-4/8",
		"1,2,3,4/8", "1.2.3.4/100", "/24", ".1.2.3/8", "1.2.3./8",
	};
	u32 addr;
	unsigned int prefix;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		addr = 0xdeadbeef;
		prefix = 99;
		EXPECT_EQ(net_parse_ipv4_cidr(good[i].s, &addr, &prefix), 0);
		EXPECT_EQ_U(addr, good[i].addr);
		EXPECT_EQ(prefix, good[i].prefix);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		addr = 0xdeadbeef;
		prefix = 99;
		if (net_parse_ipv4_cidr(bad[i], &addr, &prefix) != -EINVAL)
			printf("#   accepted \"%s\"\n", bad[i]);
		EXPECT(net_parse_ipv4_cidr(bad[i], &addr, &prefix) == -EINVAL);
		EXPECT_EQ_U(addr, 0xdeadbeef);
		EXPECT_EQ(prefix, 99);
	}
	EXPECT_EQ(net_parse_ipv4_cidr(NULL, &addr, &prefix), -EINVAL);
}

TEST(configure_and_register)
{
	static const char *const bad[] = {
		"10.0.0.0/24", "10.0.0.255/24", "0.1.2.3/8", "127.0.0.1/8",
		"224.0.0.1/24", "240.0.0.1/8", "255.255.255.255/32", "10.0.0.2",
	};
	struct net_device other = { .name = "x", .xmit = fake_xmit };

	setup();
	EXPECT_EQ_U(dev.ip_addr, OUR_IP);
	EXPECT_EQ_U(dev.netmask, 0xffffff00);
	EXPECT_EQ(dev.mtu, 1500);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(net_configure(&dev, bad[i]), -EINVAL);
	EXPECT_EQ_U(dev.ip_addr, OUR_IP);
	/* /31 and /32 have no network or broadcast address. */
	EXPECT_EQ(net_configure(&dev, "10.0.0.0/31"), 0);
	EXPECT_EQ(net_configure(&dev, "10.0.0.255/32"), 0);
	EXPECT_EQ(net_configure(&dev, "10.0.0.2/24"), 0);

	EXPECT_EQ(net_register(&dev), -EEXIST);
	EXPECT_EQ(net_register(&other), -EINVAL);	/* zero MAC */
	other.mac[0] = 0x03;
	EXPECT_EQ(net_register(&other), -EINVAL);	/* multicast MAC */
	other.mac[0] = 0x02;
	other.xmit = NULL;
	EXPECT_EQ(net_register(&other), -EINVAL);
	other.xmit = fake_xmit;
	other.mtu = 67;
	EXPECT_EQ(net_register(&other), -EINVAL);
	other.mtu = 1501;
	EXPECT_EQ(net_register(&other), -EINVAL);
	EXPECT_EQ(net_configure(&other, "10.0.0.5/24"), -ENODEV);
	other.mtu = 576;
	EXPECT_EQ(net_register(&other), 0);
	net_unregister(&other);
	EXPECT_EQ(net_configure(&other, "10.0.0.5/24"), -ENODEV);
	EXPECT_STR(net_verdict_name(NET_DROP_BAD_CSUM), "bad checksum");
	EXPECT_STR(net_verdict_name(NET_RX_VERDICTS), "?");
}

/* ---- ARP ---- */

TEST(arp_request_gets_reply)
{
	u8 f[64], want[60] = { 0 };
	u8 mac[6];

	setup();
	feed(f, make_arp(f, 1, bcast_mac, peer_mac, PEER_IP,
			 (const u8[6]){ 0 }, OUR_IP));
	EXPECT_EQ(nr_sent, 1);
	make_arp(want, 2, peer_mac, our_mac, OUR_IP, peer_mac, PEER_IP);
	EXPECT_EQ(sent_len[0], 60);
	EXPECT(memcmp(sent[0], want, 60) == 0);
	EXPECT_EQ(dev.stats.rx[NET_RX_OK], 1);
	EXPECT_EQ(dev.stats.tx_packets, 1);
	EXPECT_EQ(dev.stats.tx_bytes, 60);
	/* The sender was learnt. */
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), 0);
	EXPECT(memcmp(mac, peer_mac, 6) == 0);

	/* A probe from 0.0.0.0 is answered but teaches nothing. */
	setup();
	feed(f, make_arp(f, 1, bcast_mac, peer_mac, 0, (const u8[6]){ 0 }, OUR_IP));
	EXPECT_EQ(nr_sent, 1);
	EXPECT_EQ_U(r32(sent[0] + 14 + 24), 0);
	EXPECT_EQ(net_arp_lookup(&dev, 0, mac), -ENOENT);

	/* xmit failures are counted; the frame was still handled. */
	setup();
	xmit_result = -EIO;
	feed(f, make_arp(f, 1, bcast_mac, peer_mac, PEER_IP,
			 (const u8[6]){ 0 }, OUR_IP));
	EXPECT_EQ(dev.stats.tx_errors, 1);
	EXPECT_EQ(dev.stats.rx[NET_RX_OK], 1);
}

TEST(arp_not_for_us_and_malformed)
{
	static const u8 zero[6];
	u8 f[64], mac[6];
	size_t n;

	setup();
	/* For another host: not answered, sender not added... */
	feed(f, make_arp(f, 1, bcast_mac, peer_mac, PEER_IP, zero, OTHER_IP));
	EXPECT_EQ(nr_sent, 0);
	EXPECT_EQ(dev.stats.rx[NET_DROP_NOT_FOR_US], 1);
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), -ENOENT);
	/* ...but refreshed once known (RFC 826 merge). */
	learn_peer();
	feed(f, make_arp(f, 1, bcast_mac, (const u8[6]){ 2, 9, 9, 9, 9, 9 },
			 PEER_IP, zero, OTHER_IP));
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), 0);
	EXPECT_EQ(mac[1], 9);

	n = make_arp(f, 1, bcast_mac, peer_mac, PEER_IP, zero, OUR_IP);
	feed(f, n - 1);
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_LENGTH], 1);
	f[14 + 1] = 6;	/* hardware type 6 (IEEE 802) */
	feed(f, n);
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_HEADER], 1);
	n = make_arp(f, 3, bcast_mac, peer_mac, PEER_IP, zero, OUR_IP);
	feed(f, n);	/* RARP request */
	EXPECT_EQ(dev.stats.rx[NET_DROP_UNKNOWN_PROTO], 1);
	n = make_arp(f, 1, bcast_mac, peer_mac, PEER_IP, zero, OUR_IP);
	f[14 + 8] = 0x01;	/* multicast sender hardware address */
	feed(f, n);
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_ADDR], 1);
	n = make_arp(f, 1, bcast_mac, peer_mac, OUR_IP, zero, OUR_IP);
	feed(f, n);	/* somebody else claims our address */
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_ADDR], 2);
	EXPECT_EQ(nr_sent, 0);
	EXPECT_EQ(verdict_sum(), dev.stats.rx_packets);
}

TEST(arp_resolution_and_lru)
{
	static const u8 zero[6];
	u8 f[64], want[60] = { 0 }, mac[6];
	size_t n;

	setup();
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 1, 2, "x", 1), -EAGAIN);
	EXPECT_EQ(nr_sent, 1);
	make_arp(want, 1, bcast_mac, our_mac, OUR_IP, zero, PEER_IP);
	EXPECT(memcmp(sent[0], want, 60) == 0);
	n = make_arp(f, 2, our_mac, peer_mac, PEER_IP, our_mac, OUR_IP);
	feed(f, n);
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 1, 2, "x", 1), 0);
	EXPECT_EQ(nr_sent, 2);
	EXPECT(memcmp(sent[1], peer_mac, 6) == 0);

	/* 16 entries; the least recently used one goes first. */
	for (u32 i = 0; i < 16; i++) {
		u8 m[6] = { 2, 0, 0, 0, 1, (u8)i };

		feed(f, make_arp(f, 1, bcast_mac, m, 0x0a000010 + i, zero, OUR_IP));
	}
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), -ENOENT);
	nr_sent = 0;
	EXPECT_EQ(net_ping(&dev, 0x0a000010, 1, 1, 0), 0);	/* a use */
	feed(f, make_arp(f, 1, bcast_mac, peer_mac, PEER_IP, zero, OUR_IP));
	EXPECT_EQ(net_arp_lookup(&dev, 0x0a000010, mac), 0);
	EXPECT_EQ(net_arp_lookup(&dev, 0x0a000011, mac), -ENOENT);
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), 0);

	/* A new address forgets the old neighbours. */
	EXPECT_EQ(net_configure(&dev, "10.0.0.2/24"), 0);
	EXPECT_EQ(net_arp_lookup(&dev, PEER_IP, mac), -ENOENT);
}

TEST(arp_announcement)
{
	static const u8 zero[6];
	u8 want[60] = { 0 };

	setup();
	make_arp(want, 1, bcast_mac, our_mac, OUR_IP, zero, OUR_IP);
	EXPECT_EQ(net_announce(&dev), 0);
	EXPECT_EQ(nr_sent, 1);
	EXPECT(memcmp(sent[0], want, 60) == 0);
	xmit_result = -EAGAIN;
	EXPECT_EQ(net_announce(&dev), -EAGAIN);

	/* Nothing to announce without an address. */
	xmit_result = 0;
	dev.ip_addr = 0;
	EXPECT_EQ(net_announce(&dev), -EADDRNOTAVAIL);
	EXPECT_EQ(nr_sent, 1);
}

/* ---- ICMP ---- */

static void check_echo_reply(size_t payload, unsigned int opt_words)
{
	u8 f[FRAME_MAX];
	const u8 *icmp;

	setup();
	feed(f, make_echo(f, 8, PEER_IP, OUR_IP, 0xbeef, 7, payload, opt_words));
	EXPECT_EQ(nr_sent, 1);
	EXPECT_EQ(dev.stats.rx[NET_RX_OK], 1);
	icmp = check_ipv4_out(0, peer_mac, PEER_IP, 1, 8 + payload);
	EXPECT_EQ(icmp[0], 0);
	EXPECT_EQ(icmp[1], 0);
	EXPECT_EQ_U(r16(icmp + 4), 0xbeef);
	EXPECT_EQ(r16(icmp + 6), 7);
	EXPECT_EQ_U(ref_sum(icmp, 8 + payload, 0), 0xffff);
	for (size_t i = 0; i < payload; i++)
		if (icmp[8 + i] != (u8)(i * 3 + 1)) {
			EXPECT(icmp[8 + i] == (u8)(i * 3 + 1));
			break;
		}
}

TEST(icmp_echo_request_gets_reply)
{
	check_echo_reply(56, 0);
	check_echo_reply(0, 0);
	check_echo_reply(1, 0);	/* odd length checksum */
	check_echo_reply(1472, 0);
	check_echo_reply(40, 2);	/* options in, none out */
	check_echo_reply(1464, 2);
}

TEST(ping_and_count_replies)
{
	u8 f[FRAME_MAX];
	const u8 *icmp;

	setup();
	EXPECT_EQ(net_ping(&dev, PEER_IP, 1, 1, 0), -EAGAIN);
	learn_peer();
	EXPECT_EQ(net_ping(&dev, PEER_IP, 0x4242, 9, 100), 0);
	icmp = check_ipv4_out(0, peer_mac, PEER_IP, 1, 108);
	EXPECT_EQ(icmp[0], 8);
	EXPECT_EQ_U(r16(icmp + 4), 0x4242);
	EXPECT_EQ(r16(icmp + 6), 9);
	EXPECT_EQ_U(ref_sum(icmp, 108, 0), 0xffff);
	EXPECT_EQ(icmp[8 + 99], 99);
	EXPECT_EQ(net_ping(&dev, PEER_IP, 1, 1, 1473), -EINVAL);
	EXPECT_EQ(net_ping(&dev, 0x0b000001, 1, 1, 0), -EINVAL);
	EXPECT_EQ(net_ping(&dev, OUR_IP, 1, 1, 0), -EINVAL);
	EXPECT_EQ(net_ping(&dev, SUBNET_BCAST, 1, 1, 0), -EINVAL);
	EXPECT_EQ(net_ping(&dev, 0x0a000000, 1, 1, 0), -EINVAL);

	feed(f, make_echo(f, 0, PEER_IP, OUR_IP, 0x4242, 9, 100, 0));
	EXPECT_EQ(dev.stats.echo_replies, 1);
	EXPECT_EQ_U(dev.stats.echo_reply_last, 0x42420009);
	EXPECT_EQ(nr_sent, 1);	/* replies are not answered */

	xmit_result = -EIO;
	EXPECT_EQ(net_ping(&dev, PEER_IP, 1, 1, 0), -EIO);
	EXPECT_EQ(dev.stats.tx_errors, 1);

	net_unregister(&dev);
	EXPECT_EQ(net_ping(&dev, PEER_IP, 1, 1, 0), -ENODEV);
}

/* ---- UDP ---- */

static struct {
	int calls;
	u32 src;
	unsigned int sport;
	u8 data[FRAME_MAX];
	size_t len;
} got;

static void udp_rx_record(void *ctx, u32 src_ip, u16 src_port,
			  const void *data, size_t len)
{
	EXPECT(ctx == &got);
	got.calls++;
	got.src = src_ip;
	got.sport = src_port;
	got.len = len;
	if (len <= sizeof(got.data))
		memcpy(got.data, data, len);
}

TEST(udp_rx_dispatch_and_checksum)
{
	static const char msg[] = "hello, pvk";
	u8 f[FRAME_MAX];
	size_t n;

	setup();
	memset(&got, 0, sizeof(got));
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), 0);
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), -EBUSY);
	EXPECT_EQ(udp_bind(0, udp_rx_record, &got), -EINVAL);
	EXPECT_EQ(udp_bind(1, NULL, &got), -EINVAL);

	n = make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT, msg, sizeof(msg));
	feed(f, n);
	EXPECT_EQ(got.calls, 1);
	EXPECT_EQ_U(got.src, PEER_IP);
	EXPECT_EQ(got.sport, PEER_PORT);
	EXPECT_EQ(got.len, sizeof(msg));
	EXPECT(memcmp(got.data, msg, sizeof(msg)) == 0);

	/* Ethernet padding after the IP packet is not payload. */
	memset(f + n, 0xee, 20);
	feed(f, n + 20);
	EXPECT_EQ(got.calls, 2);
	EXPECT_EQ(got.len, sizeof(msg));

	f[n - 1] ^= 0x40;	/* corrupt the payload */
	feed(f, n);
	EXPECT_EQ(got.calls, 2);
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_CSUM], 1);
	/* ...unless the backend already verified it. */
	net_rx_flags(&dev, f, n, NET_RX_CSUM_OK);
	EXPECT_EQ(got.calls, 3);
	dev.rx_csum_verified_ok = true;
	feed(f, n);
	EXPECT_EQ(got.calls, 4);
	dev.rx_csum_verified_ok = false;
	w16(f + 14 + 20 + 6, 0);	/* "no checksum" */
	feed(f, n);
	EXPECT_EQ(got.calls, 5);

	/* Broadcasts reach UDP. */
	feed(f, make_udp(f, PEER_IP, SUBNET_BCAST, PEER_PORT, UDP_PORT, "b", 1));
	feed(f, make_udp(f, PEER_IP, 0xffffffff, PEER_PORT, UDP_PORT, "b", 1));
	EXPECT_EQ(got.calls, 7);
	n = make_udp(f, PEER_IP, 0xffffffff, PEER_PORT, UDP_PORT, "b", 1);
	memcpy(f, bcast_mac, 6);
	feed(f, n);
	EXPECT_EQ(got.calls, 8);

	feed(f, make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT + 1, "x", 1));
	EXPECT_EQ(dev.stats.rx[NET_DROP_NO_PORT], 1);
	EXPECT_EQ(udp_unbind(UDP_PORT), 0);
	EXPECT_EQ(udp_unbind(UDP_PORT), -ENOENT);
	feed(f, make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT, "x", 1));
	EXPECT_EQ(dev.stats.rx[NET_DROP_NO_PORT], 2);
	EXPECT_EQ(got.calls, 8);
	EXPECT_EQ(nr_sent, 0);
	EXPECT_EQ(verdict_sum(), dev.stats.rx_packets);
}

TEST(udp_bind_table_full)
{
	int ok = 0, err = 0;

	for (u16 p = 100; p < 120; p++) {
		int r = udp_bind(p, udp_rx_record, &got);

		ok += r == 0;
		err += r == -ENOSPC;
	}
	EXPECT(ok >= 1 && err >= 1 && ok + err == 20);
	for (u16 p = 100; p < 120; p++)
		udp_unbind(p);
	EXPECT_EQ(udp_bind(100, udp_rx_record, &got), 0);
	EXPECT_EQ(udp_unbind(100), 0);
}

TEST(udp_send_builds_frame)
{
	u8 data[1472];
	const u8 *udp;
	u32 pseudo;

	setup();
	learn_peer();
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i ^ 0x5a);
	for (size_t len = 0; len <= sizeof(data); len += len < 8 ? 1 : 331) {
		nr_sent = 0;
		EXPECT_EQ(udp_sendto(&dev, PEER_IP, 4000, 5001, data, len), 0);
		udp = check_ipv4_out(0, peer_mac, PEER_IP, 17, 8 + len);
		EXPECT_EQ(r16(udp), 4000);
		EXPECT_EQ(r16(udp + 2), 5001);
		EXPECT_EQ(r16(udp + 4), 8 + len);
		EXPECT(r16(udp + 6) != 0);
		pseudo = ref_pseudo(OUR_IP, PEER_IP, 17, 8 + len);
		EXPECT_EQ_U(ref_sum(udp, 8 + len, pseudo), 0xffff);
		EXPECT(memcmp(udp + 8, data, len) == 0);
		EXPECT(!net_tx_csum_partial(&dev, sent[0], sent_len[0]));
	}
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 4000, 5001, data, 1473), -E2BIG);
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 4000, 0, data, 1), -EINVAL);
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 4000, 1, NULL, 1), -EINVAL);
	EXPECT_EQ(udp_sendto(&dev, 0x0b000001, 4000, 1, data, 1), -EINVAL);

	/* Broadcast needs no ARP. */
	nr_sent = 0;
	EXPECT_EQ(udp_sendto(&dev, SUBNET_BCAST, 4000, 5001, data, 4), 0);
	check_ipv4_out(0, bcast_mac, SUBNET_BCAST, 17, 12);

	/* Offload: the field holds the uninverted pseudo-header sum. */
	dev.tx_csum_offload = true;
	nr_sent = 0;
	EXPECT_EQ(udp_sendto(&dev, PEER_IP, 4000, 5001, data, 100), 0);
	udp = check_ipv4_out(0, peer_mac, PEER_IP, 17, 108);
	pseudo = ref_pseudo(OUR_IP, PEER_IP, 17, 108);
	EXPECT_EQ_U(r16(udp + 6), ref_sum(NULL, 0, pseudo));
	EXPECT(net_tx_csum_partial(&dev, sent[0], sent_len[0]));
	EXPECT_EQ(net_ping(&dev, PEER_IP, 1, 1, 0), 0);
	EXPECT(!net_tx_csum_partial(&dev, sent[1], sent_len[1]));
	/* What the backend would do completes a valid checksum. */
	{
		u8 *u = sent[0] + 34;

		w16(u + 6, ~ref_sum(u, 108, 0) & 0xffff);
		EXPECT_EQ_U(ref_sum(u, 108, pseudo), 0xffff);
	}
}

TEST(udp_echo_service)
{
	static const size_t sizes[] = {
		0, 1, 2, 7, 8, 63, 64, 65, 511, 512, 1000, 1471, 1472
	};
	u8 f[FRAME_MAX], payload[1472];
	const u8 *udp;

	setup();
	EXPECT_EQ(udp_echo_start(0), -EINVAL);
	EXPECT_EQ(udp_echo_start(7), 0);
	EXPECT_EQ(udp_echo_start(8), -EBUSY);
	EXPECT_EQ(udp_bind(7, udp_rx_record, &got), -EBUSY);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (u8)(i * 13);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t len = sizes[i];

		nr_sent = 0;
		feed(f, make_udp(f, PEER_IP, OUR_IP, PEER_PORT, 7, payload, len));
		EXPECT_EQ(nr_sent, 1);
		udp = check_ipv4_out(0, peer_mac, PEER_IP, 17, 8 + len);
		EXPECT_EQ(r16(udp), 7);
		EXPECT_EQ(r16(udp + 2), PEER_PORT);
		EXPECT_EQ_U(ref_sum(udp, 8 + len,
				    ref_pseudo(OUR_IP, PEER_IP, 17, 8 + len)),
			    0xffff);
		EXPECT(memcmp(udp + 8, payload, len) == 0);
	}
	/* To the broadcast address, answered from ours. */
	nr_sent = 0;
	feed(f, make_udp(f, PEER_IP, SUBNET_BCAST, PEER_PORT, 7, "hi", 2));
	check_ipv4_out(0, peer_mac, PEER_IP, 17, 10);
	/* Not from the echo port itself, nor from port 0. */
	nr_sent = 0;
	feed(f, make_udp(f, PEER_IP, OUR_IP, 7, 7, "loop", 4));
	feed(f, make_udp(f, PEER_IP, OUR_IP, 0, 7, "zero", 4));
	EXPECT_EQ(nr_sent, 0);
	EXPECT_EQ(dev.stats.rx[NET_DROP_NOT_FOR_US], 2);
	udp_echo_stop();
	feed(f, make_udp(f, PEER_IP, OUR_IP, PEER_PORT, 7, "x", 1));
	EXPECT_EQ(dev.stats.rx[NET_DROP_NO_PORT], 1);
	EXPECT_EQ(nr_sent, 0);
}

static struct {
	int calls;
	struct udp_peer from;
	size_t len;
} peer_got;

static void udp_peer_record(void *ctx, const struct udp_peer *from,
			    const void *data, size_t len)
{
	(void)data;
	EXPECT(ctx == &peer_got);
	peer_got.calls++;
	peer_got.from = *from;
	peer_got.len = len;
}

/* A later answer from the port and address the datagram went to, no ARP. */
TEST(udp_bind_peer_and_reply)
{
	u8 f[FRAME_MAX];
	const u8 *udp;
	struct udp_peer keep;

	setup();
	memset(&peer_got, 0, sizeof(peer_got));
	EXPECT_EQ(udp_bind_peer(UDP_PORT, NULL, &peer_got), -EINVAL);
	EXPECT_EQ(udp_bind_peer(0, udp_peer_record, &peer_got), -EINVAL);
	EXPECT_EQ(udp_bind_peer(UDP_PORT, udp_peer_record, &peer_got), 0);
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), -EBUSY);
	feed(f, make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT, "req", 3));
	EXPECT_EQ(peer_got.calls, 1);
	EXPECT_EQ(peer_got.len, 3);
	EXPECT(peer_got.from.dev == &dev);
	EXPECT(memcmp(peer_got.from.mac, peer_mac, 6) == 0);
	EXPECT_EQ_U(peer_got.from.ip, PEER_IP);
	EXPECT_EQ_U(peer_got.from.local, OUR_IP);
	EXPECT_EQ(peer_got.from.port, PEER_PORT);
	EXPECT_EQ(peer_got.from.local_port, UDP_PORT);
	EXPECT_EQ(nr_sent, 0);
	keep = peer_got.from;

	EXPECT_EQ(udp_reply(&keep, "answer", 6), 0);
	EXPECT_EQ(nr_sent, 1);
	udp = check_ipv4_out(0, peer_mac, PEER_IP, 17, 8 + 6);
	EXPECT_EQ(r16(udp), UDP_PORT);
	EXPECT_EQ(r16(udp + 2), PEER_PORT);
	EXPECT_EQ_U(ref_sum(udp, 14, ref_pseudo(OUR_IP, PEER_IP, 17, 14)), 0xffff);
	EXPECT(memcmp(udp + 8, "answer", 6) == 0);
	EXPECT_EQ(udp_reply(&keep, f, 1473), -E2BIG);

	/* A sender that wants no answer, and an interface taken down. */
	keep.port = 0;
	EXPECT_EQ(udp_reply(&keep, "x", 1), -EINVAL);
	keep.port = PEER_PORT;
	net_unregister(&dev);
	EXPECT_EQ(udp_reply(&keep, "x", 1), -ENODEV);
	EXPECT_EQ(nr_sent, 1);
	EXPECT_EQ(udp_unbind(UDP_PORT), 0);
}

/* ---- malformed input ---- */

static void expect_drop(const u8 *f, size_t n, enum net_rx_verdict v)
{
	u64 before = dev.stats.rx[v];
	int sent_before = nr_sent;

	feed(f, n);
	if (dev.stats.rx[v] != before + 1)
		printf("#   expected verdict \"%s\"\n", net_verdict_name(v));
	EXPECT_EQ(dev.stats.rx[v], before + 1);
	EXPECT_EQ(nr_sent, sent_before);
}

TEST(malformed_frames_are_dropped)
{
	u8 f[FRAME_MAX + 16];
	u8 *ip = f + 14, *l4 = f + 34;
	size_t n;

	setup();
	memset(&got, 0, sizeof(got));
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), 0);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	for (size_t short_len = 0; short_len < 14; short_len++)
		expect_drop(f, short_len, NET_DROP_BAD_LENGTH);
	net_rx(&dev, NULL, 60);
	EXPECT_EQ(dev.stats.rx[NET_DROP_BAD_LENGTH], 15);
	expect_drop(f, 14 + 19, NET_DROP_BAD_LENGTH);	/* no full IP header */
	memset(f + n, 0, sizeof(f) - n);
	expect_drop(f, 14 + 1501, NET_DROP_BAD_LENGTH);	/* over the MTU */

	for (unsigned int ihl = 0; ihl < 5; ihl++) {
		n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
		ip[0] = (u8)(0x40 | ihl);
		fix_ip_csum(f);
		expect_drop(f, n, NET_DROP_BAD_HEADER);
	}
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	ip[0] = 0x65;	/* IPv6 in an IPv4 ethertype */
	expect_drop(f, n, NET_DROP_BAD_HEADER);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	ip[0] = 0x4f;	/* 60-byte header in a 60-byte packet */
	w16(ip + 2, 60);
	fix_ip_csum(f);
	expect_drop(f, 14 + 40, NET_DROP_BAD_LENGTH);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	w16(ip + 2, (unsigned int)(n - 14 + 1));	/* total length > frame */
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);
	w16(ip + 2, 19);	/* total length < header */
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);

	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	ip[10] ^= 1;
	expect_drop(f, n, NET_DROP_BAD_CSUM);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	w16(ip + 6, 0x2000);	/* more fragments */
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_FRAGMENT);
	w16(ip + 6, 0x0010);	/* a later fragment */
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_FRAGMENT);
	w16(ip + 6, 0x4000);	/* don't fragment: fine */
	fix_ip_csum(f);
	feed(f, n);
	EXPECT_EQ(nr_sent, 1);
	nr_sent = 0;

	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	ip[9] = 6;	/* TCP */
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_UNKNOWN_PROTO);
	n = make_echo(f, 8, PEER_IP, OTHER_IP, 1, 1, 32, 0);
	expect_drop(f, n, NET_DROP_NOT_FOR_US);
	n = make_echo(f, 8, PEER_IP, SUBNET_BCAST, 1, 1, 32, 0);
	expect_drop(f, n, NET_DROP_NOT_FOR_US);	/* no broadcast pings */
	n = make_echo(f, 8, SUBNET_BCAST, OUR_IP, 1, 1, 32, 0);
	expect_drop(f, n, NET_DROP_BAD_ADDR);
	n = make_echo(f, 8, 0, OUR_IP, 1, 1, 32, 0);
	expect_drop(f, n, NET_DROP_BAD_ADDR);
	n = make_echo(f, 8, 0xe0000001, OUR_IP, 1, 1, 32, 0);
	expect_drop(f, n, NET_DROP_BAD_ADDR);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	f[0] = 0x04;	/* another host's MAC */
	expect_drop(f, n, NET_DROP_NOT_FOR_US);
	f[0] = 0x01;	/* multicast destination */
	expect_drop(f, n, NET_DROP_NOT_FOR_US);
	memcpy(f, our_mac, 6);
	f[6] = 0x01;	/* multicast source */
	expect_drop(f, n, NET_DROP_BAD_ADDR);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	w16(f + 12, 0x86dd);
	expect_drop(f, n, NET_DROP_UNKNOWN_PROTO);

	/* ICMP too short, with a bad checksum, or of another type. */
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 0, 0);
	w16(ip + 2, 20 + 4);
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);
	n = make_echo(f, 8, PEER_IP, OUR_IP, 1, 1, 32, 0);
	l4[8] ^= 0xff;
	expect_drop(f, n, NET_DROP_BAD_CSUM);
	n = make_echo(f, 13, PEER_IP, OUR_IP, 1, 1, 32, 0);	/* timestamp */
	expect_drop(f, n, NET_DROP_UNKNOWN_PROTO);

	/* UDP too short, or its length disagreeing with IPv4's. */
	n = make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT, "abcdef", 6);
	w16(ip + 2, 20 + 7);
	fix_ip_csum(f);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);
	n = make_udp(f, PEER_IP, OUR_IP, PEER_PORT, UDP_PORT, "abcdef", 6);
	w16(l4 + 4, 8 + 7);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);
	w16(l4 + 4, 8 + 5);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);
	w16(l4 + 4, 3);
	expect_drop(f, n, NET_DROP_BAD_LENGTH);

	EXPECT_EQ(got.calls, 0);
	EXPECT_EQ(verdict_sum(), dev.stats.rx_packets);
	EXPECT_EQ(dev.stats.rx[NET_RX_OK], 1);
}

/*
 * Mutate and truncate valid frames at random: whatever happens, each
 * frame gets one verdict, replies stay within the MTU and (under ASan)
 * nothing reads outside the frame.
 */
TEST(fuzz_frames)
{
	u8 base[4][FRAME_MAX], f[FRAME_MAX];
	size_t base_len[4];

	setup();
	memset(&got, 0, sizeof(got));
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), 0);
	EXPECT_EQ(udp_echo_start(7), 0);
	base_len[0] = make_arp(base[0], 1, bcast_mac, peer_mac, PEER_IP,
			       (const u8[6]){ 0 }, OUR_IP);
	base_len[1] = make_echo(base[1], 8, PEER_IP, OUR_IP, 1, 2, 200, 1);
	base_len[2] = make_udp(base[2], PEER_IP, OUR_IP, PEER_PORT, 7, "fuzz", 4);
	base_len[3] = make_udp(base[3], PEER_IP, OUR_IP, PEER_PORT, UDP_PORT,
			       "0123456789", 10);
	srand(42);
	for (int round = 0; round < 100000; round++) {
		int b = rand() % 4, flips = rand() % 4;
		size_t n = base_len[b];

		memcpy(f, base[b], n);
		for (int i = 0; i < flips; i++)
			f[rand() % n] = (u8)rand();
		if (rand() % 3 == 0)
			n = (size_t)rand() % (n + 1);
		nr_sent = 0;
		feed(f, n);
		EXPECT(nr_sent <= 1);
	}
	EXPECT_EQ(dev.stats.rx_packets, 100000);
	EXPECT_EQ(verdict_sum(), dev.stats.rx_packets);
	EXPECT(dev.stats.rx[NET_RX_OK] > 1000);
	EXPECT(dev.stats.rx[NET_DROP_BAD_CSUM] > 1000);
	udp_echo_stop();
}

/*
 * A DHCP client's view: without an address only UDP broadcasts come in
 * (to bound ports, never echoed), and it can broadcast from 0.0.0.0.
 */
TEST(unconfigured_dhcp_path)
{
	u8 f[FRAME_MAX];
	const u8 *ip, *udp;

	setup();
	net_unconfigure(&dev);
	EXPECT_EQ_U(dev.ip_addr, 0);
	memset(&got, 0, sizeof(got));
	EXPECT_EQ(udp_bind(UDP_PORT, udp_rx_record, &got), 0);
	EXPECT_EQ(udp_echo_start(7), 0);

	feed(f, make_udp(f, PEER_IP, 0xffffffff, 67, UDP_PORT, "offer", 5));
	EXPECT_EQ(got.calls, 1);
	EXPECT_EQ_U(got.src, PEER_IP);
	/* Unicast (not ours yet), ICMP and echo requests: nobody answers. */
	feed(f, make_udp(f, PEER_IP, OUR_IP, 67, UDP_PORT, "offer", 5));
	feed(f, make_udp(f, PEER_IP, SUBNET_BCAST, 67, UDP_PORT, "offer", 5));
	feed(f, make_echo(f, 8, PEER_IP, 0xffffffff, 1, 1, 8, 0));
	EXPECT_EQ(dev.stats.rx[NET_DROP_NOT_FOR_US], 3);
	feed(f, make_udp(f, PEER_IP, 0xffffffff, PEER_PORT, 7, "echo", 4));
	EXPECT_EQ(dev.stats.rx[NET_DROP_NO_PORT], 1);
	EXPECT_EQ(got.calls, 1);
	EXPECT_EQ(nr_sent, 0);

	EXPECT_EQ(udp_send_broadcast(&dev, 0, 68, 67, "discover", 8), 0);
	EXPECT_EQ(nr_sent, 1);
	EXPECT(memcmp(sent[0], bcast_mac, 6) == 0);
	ip = sent[0] + 14;
	EXPECT_EQ_U(r32(ip + 12), 0);
	EXPECT_EQ_U(r32(ip + 16), 0xffffffff);
	EXPECT_EQ_U(ref_sum(ip, 20, 0), 0xffff);
	udp = ip + 20;
	EXPECT_EQ(r16(udp), 68);
	EXPECT_EQ(r16(udp + 2), 67);
	EXPECT_EQ_U(ref_sum(udp, 16, ref_pseudo(0, 0xffffffff, 17, 16)), 0xffff);
	EXPECT(memcmp(udp + 8, "discover", 8) == 0);
	EXPECT_EQ(udp_send_broadcast(&dev, 0, 68, 0, "x", 1), -EINVAL);
	EXPECT_EQ(udp_send_broadcast(&dev, 0, 68, 67, NULL, 1), -EINVAL);
	EXPECT_EQ(udp_send_broadcast(&dev, 0, 68, 67, f, 1473), -E2BIG);

	/* The lease: numeric configuration, checked like ip='s. */
	EXPECT_EQ(net_configure_ipv4(&dev, OUR_IP, 0), -EINVAL);
	EXPECT_EQ(net_configure_ipv4(&dev, OUR_IP, 33), -EINVAL);
	EXPECT_EQ(net_configure_ipv4(&dev, SUBNET_BCAST, 24), -EINVAL);
	EXPECT_EQ(net_configure_ipv4(&dev, 0xe0000001, 24), -EINVAL);
	EXPECT_EQ(net_configure_ipv4(&dev, OUR_IP, 24), 0);
	EXPECT_EQ_U(dev.ip_addr, OUR_IP);
	EXPECT_EQ_U(dev.netmask, 0xffffff00u);
	nr_sent = 0;
	feed(f, make_udp(f, PEER_IP, 0xffffffff, PEER_PORT, 7, "echo", 4));
	EXPECT_EQ(nr_sent, 1);
	udp_echo_stop();
	udp_unbind(UDP_PORT);
	EXPECT_EQ(verdict_sum(), dev.stats.rx_packets);
}

int main(void)
{
	RUN(csum_vectors);
	RUN(cidr_parser);
	RUN(configure_and_register);
	RUN(arp_request_gets_reply);
	RUN(arp_not_for_us_and_malformed);
	RUN(arp_resolution_and_lru);
	RUN(arp_announcement);
	RUN(icmp_echo_request_gets_reply);
	RUN(ping_and_count_replies);
	RUN(udp_rx_dispatch_and_checksum);
	RUN(udp_bind_table_full);
	RUN(udp_send_builds_frame);
	RUN(udp_echo_service);
	RUN(udp_bind_peer_and_reply);
	RUN(malformed_frames_are_dropped);
	RUN(fuzz_frames);
	RUN(unconfigured_dhcp_path);
	return TEST_DONE();
}
