/* SPDX-License-Identifier: MIT */
/*
 * DHCP (RFC 2131, options of RFC 2132) messages: building a client's
 * DISCOVER and REQUEST and checking a server's reply.  Pure functions
 * (net/dhcp.c), also built by the host unit test tests/test_dhcp.c and
 * the fuzz target tests/fuzz/fuzz_dhcp.c; the client that sends and
 * waits is net/dhcp-client.c.
 *
 * Addresses are host byte order, as everywhere in pvk's net API.
 */
#ifndef PVK_NET_DHCP_H
#define PVK_NET_DHCP_H

#include <pvk/net.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

/* Fixed part of a BOOTP/DHCP message, then the magic cookie. */
#define DHCP_OP			0
#define DHCP_HTYPE		1
#define DHCP_HLEN		2
#define DHCP_XID		4
#define DHCP_FLAGS		10
#define DHCP_CIADDR		12
#define DHCP_YIADDR		16
#define DHCP_CHADDR		28
#define DHCP_COOKIE		236
#define DHCP_OPTIONS		240
#define DHCP_MAGIC		0x63825363U
#define DHCP_FLAG_BROADCAST	0x8000
/* BOOTP's minimum; relays and old servers drop shorter messages. */
#define DHCP_MIN_LEN		300
/* What pvk sends fits here, options included. */
#define DHCP_MSG_MAX		DHCP_MIN_LEN

#define BOOTREQUEST		1
#define BOOTREPLY		2

/* Message types (option 53). */
#define DHCPDISCOVER		1
#define DHCPOFFER		2
#define DHCPREQUEST		3
#define DHCPACK			5
#define DHCPNAK			6

/* A lease time of all ones never ends (RFC 2131, 3.3). */
#define DHCP_INFINITE		0xffffffffU

/**
 * struct dhcp_request - what goes into a client's message
 * @type: DHCPDISCOVER or DHCPREQUEST
 * @xid: transaction id, echoed by the server
 * @mac: the client's hardware address (chaddr)
 * @ciaddr: our address when renewing or rebinding, else 0
 * @requested: option 50 (a REQUEST answering an offer), 0 for none
 * @server_id: option 54 (the server whose offer we take), 0 for none
 */
struct dhcp_request {
	u8 type;
	u32 xid;
	const u8 *mac;
	u32 ciaddr;
	u32 requested;
	u32 server_id;
};

/**
 * struct dhcp_reply - what pvk takes from a server's OFFER, ACK or NAK
 * @type: DHCPOFFER, DHCPACK or DHCPNAK
 * @yiaddr: the address offered (0 in a NAK)
 * @netmask: option 1 (0 in a NAK)
 * @prefix: @netmask's length
 * @server_id: option 54, the server to answer and renew with
 * @lease_s: option 51, DHCP_INFINITE for a lease that never ends
 * @t1_s: renewal time (option 58, else half the lease)
 * @t2_s: rebinding time (option 59, else 7/8 of the lease)
 */
struct dhcp_reply {
	u8 type;
	u32 yiaddr;
	u32 netmask;
	unsigned int prefix;
	u32 server_id;
	u32 lease_s;
	u32 t1_s;
	u32 t2_s;
};

/* Why a reply was not taken; DHCP_REPLY_OK is 0. */
enum dhcp_verdict {
	DHCP_REPLY_OK,
	DHCP_BAD_LENGTH,	/* shorter than the fixed part and cookie */
	DHCP_NOT_REPLY,		/* not a BOOTREPLY for Ethernet */
	DHCP_WRONG_XID,		/* another transaction */
	DHCP_WRONG_CHADDR,	/* another client */
	DHCP_BAD_COOKIE,
	DHCP_BAD_OPTION,	/* runs past the end, wrong length, no end */
	DHCP_BAD_TYPE,		/* option 53 missing or not OFFER/ACK/NAK */
	DHCP_NO_SERVER_ID,	/* option 54 missing or unusable */
	DHCP_BAD_ADDRESS,	/* zero, broadcast, multicast, loopback... */
	DHCP_BAD_NETMASK,	/* missing, not contiguous, or /0 */
	DHCP_BAD_LEASE,		/* missing or zero */
	DHCP_VERDICTS
};

/**
 * struct dhcp_lease - the lease a client holds (dhcp_lease_get())
 * @addr: the interface's address from it, 0 while there is none
 * @prefix: its prefix length
 * @server: the server that granted it
 * @lease_s: its length, DHCP_INFINITE for ever
 * @renewals: how many times it was renewed
 */
struct dhcp_lease {
	u32 addr;
	unsigned int prefix;
	u32 server;
	u32 lease_s;
	unsigned int renewals;
};

struct dhcp_client;

/* The client, net/dhcp-client.c. */
struct dhcp_client *dhcp_start(struct net_device *dev);
void dhcp_stop(struct dhcp_client *c);
bool dhcp_lease_get(struct dhcp_client *c, struct dhcp_lease *out);

/* The messages, net/dhcp.c. */
int dhcp_build(const struct dhcp_request *req, u8 *buf, size_t size);
enum dhcp_verdict dhcp_parse_reply(const u8 *msg, size_t len, u32 xid,
				   const u8 *mac, struct dhcp_reply *out);
const char *dhcp_verdict_name(enum dhcp_verdict v);

#endif /* PVK_NET_DHCP_H */
