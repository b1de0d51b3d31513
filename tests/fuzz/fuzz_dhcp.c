// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a DHCP server's reply as the client checks it
 * (dhcp_parse_reply() in net/dhcp.c), in a heap buffer of exactly its
 * length.
 *
 * Input: one byte of flags, then the UDP payload.  With
 * DHCP_FUZZ_OWN_IDS the transaction id and hardware address expected
 * are the message's own, so the fuzzer gets past those checks into the
 * options; otherwise they are fixed ones (as tests/test_dhcp.c uses).
 * Asserts that a reply taken holds only what the client may use: a
 * known type, a unicast server, and for an offer or ACK an address a
 * host may own in a subnet with a contiguous mask, and lease times with
 * 0 < T1 <= T2 <= lease.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/net/dhcp.h>
#include "fuzz_check.h"

#define DHCP_FUZZ_OWN_IDS	(1U << 0)

static const u8 fixed_mac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x50 };
#define FIXED_XID	0x12345678u

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static bool unicast(u32 ip)
{
	return ip >> 24 != 0 && ip >> 24 != 127 && ip < 0xe0000000u;
}

static void check_lease(const struct dhcp_reply *r)
{
	u32 mask = r->prefix ? ~0U << (32 - r->prefix) : 0;
	u32 host = r->yiaddr & ~mask;

	fuzz_check(r->prefix >= 1 && r->prefix <= 32, "prefix 1..32");
	fuzz_check(r->netmask == mask, "the netmask is its prefix");
	fuzz_check(unicast(r->yiaddr), "the address is unicast");
	fuzz_check(r->prefix > 30 || (host && host != ~mask),
		   "neither network nor broadcast address");
	fuzz_check(r->yiaddr != r->server_id, "not the server's address");
	fuzz_check(r->lease_s != 0, "a lease time");
	fuzz_check(r->t1_s <= r->t2_s && r->t2_s <= r->lease_s,
		   "T1 <= T2 <= lease");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *mac = fixed_mac;
	struct dhcp_reply r;
	enum dhcp_verdict v;
	u32 xid = FIXED_XID;
	u8 *msg;
	size_t len;

	if (!size)
		return 0;
	len = size - 1;
	msg = malloc(len ? len : 1);
	memcpy(msg, data + 1, len);
	if ((data[0] & DHCP_FUZZ_OWN_IDS) && len >= DHCP_CHADDR + ETH_ALEN) {
		xid = be32(msg + DHCP_XID);
		mac = msg + DHCP_CHADDR;
	}
	v = dhcp_parse_reply(msg, len, xid, mac, &r);
	fuzz_check((unsigned int)v < DHCP_VERDICTS, "a known verdict");
	fuzz_check(dhcp_verdict_name(v)[0] != '?', "a named verdict");
	if (v == DHCP_REPLY_OK) {
		fuzz_check(r.type == DHCPOFFER || r.type == DHCPACK ||
			   r.type == DHCPNAK, "a server's message type");
		fuzz_check(unicast(r.server_id), "a unicast server");
		if (r.type != DHCPNAK)
			check_lease(&r);
	}
	free(msg);
	return 0;
}
