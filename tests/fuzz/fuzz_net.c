// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the net receive path (the net/ sources), driven as tests/test_net.c
 * drives it: frames go in through net_rx_flags() on a fake device at
 * 10.0.0.2/24 with UDP echo on port 7 and a bound UDP port 5000, and
 * what the stack sends is read back in full.
 *
 * Input: one byte of flags (NET_FUZZ_*), then the Ethernet frame, in a
 * heap buffer of exactly its length.  Unless NET_FUZZ_RAW_SUMS is set,
 * the IPv4 header checksum and the ICMP or UDP checksum are fixed up
 * first, so the fuzzer gets past them into ICMP and UDP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/net.h>
#include "../fake_printk.h"

#define NET_FUZZ_RAW_SUMS	(1U << 0)	/* checksums as they come */
#define NET_FUZZ_CSUM_OK	(1U << 1)	/* NET_RX_CSUM_OK on the frame */
#define NET_FUZZ_TX_OFFLOAD	(1U << 2)	/* device offloads TX sums */

#define OUR_IP		"10.0.0.2/24"
#define ECHO_PORT	7
#define BOUND_PORT	5000

static const u8 our_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static struct net_device dev;
static volatile u8 sink;

/* Reads every byte sent, so a reply built from unchecked input shows. */
static int fake_xmit(struct net_device *d, const void *frame, size_t len)
{
	const u8 *p = frame;
	u8 x = 0;
	size_t i;

	(void)d;
	if (len > ETH_FRAME_LEN)
		abort();
	for (i = 0; i < len; i++)
		x ^= p[i];
	sink = x;
	return 0;
}

static void bound_rx(void *ctx, u32 src, u16 sport, const void *data,
		     size_t len)
{
	const u8 *p = data;
	u8 x = 0;
	size_t i;

	(void)ctx;
	(void)src;
	(void)sport;
	for (i = 0; i < len; i++)
		x ^= p[i];
	sink = x;
}

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 be32(const u8 *p)
{
	return (u32)be16(p) << 16 | be16(p + 2);
}

static void put_sum(u8 *field, u16 sum)
{
	field[0] = (u8)(sum >> 8);
	field[1] = (u8)sum;
}

/* Make the sums right over the lengths the stack will check them on. */
static void fix_sums(u8 *f, size_t len)
{
	u8 *ip = f + ETH_HLEN, *l4;
	size_t hlen, tot, l4len;
	u32 pseudo;
	u16 sum;

	if (len < ETH_HLEN + 20 || be16(f + 12) != 0x0800)
		return;
	hlen = (size_t)(ip[0] & 0xf) * 4;
	tot = be16(ip + 2);
	if (hlen < 20 || hlen > len - ETH_HLEN)
		return;
	put_sum(ip + 10, 0);
	put_sum(ip + 10, inet_csum(ip, hlen, 0));
	if (tot < hlen || tot > len - ETH_HLEN)
		return;
	l4 = ip + hlen;
	l4len = tot - hlen;
	if (ip[9] == 1 && l4len >= 4) {
		put_sum(l4 + 2, 0);
		put_sum(l4 + 2, inet_csum(l4, l4len, 0));
	} else if (ip[9] == 17 && l4len >= 8 && be16(l4 + 6)) {
		pseudo = inet_pseudo_sum(be32(ip + 12), be32(ip + 16), 17,
					 (u16)l4len);
		put_sum(l4 + 6, 0);
		sum = inet_csum(l4, l4len, pseudo);
		put_sum(l4 + 6, sum ? sum : 0xffff);
	}
}

static void setup(u8 flags)
{
	net_unregister(&dev);
	udp_echo_stop();
	udp_unbind(BOUND_PORT);
	memset(&dev, 0, sizeof(dev));
	dev.name = "fuzz0";
	memcpy(dev.mac, our_mac, ETH_ALEN);
	dev.xmit = fake_xmit;
	dev.tx_csum_offload = flags & NET_FUZZ_TX_OFFLOAD;
	if (net_register(&dev) || net_configure(&dev, OUR_IP) ||
	    udp_echo_start(ECHO_PORT) || udp_bind(BOUND_PORT, bound_rx, NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	u8 *frame;

	if (!len)
		return -1;
	setup(data[0]);
	frame = malloc(len - 1 ? len - 1 : 1);
	if (!frame)
		abort();
	memcpy(frame, data + 1, len - 1);
	if (!(data[0] & NET_FUZZ_RAW_SUMS))
		fix_sums(frame, len - 1);
	net_rx_flags(&dev, frame, len - 1,
		     data[0] & NET_FUZZ_CSUM_OK ? NET_RX_CSUM_OK : 0);
	free(frame);
	return 0;
}
