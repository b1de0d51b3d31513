// SPDX-License-Identifier: MIT
/*
 * DHCP messages (RFC 2131, options of RFC 2132): the client's DISCOVER
 * and REQUEST, and the checks of a server's OFFER, ACK or NAK.
 *
 * Replies are untrusted: anyone on the link can send one.  Every option
 * is bounds-checked against the message, the options pvk uses must have
 * exactly their defined length, and an address or netmask a host cannot
 * use is refused here, with a verdict the client logs, rather than
 * reaching net_configure().  Option overload (52) is not followed: pvk
 * reads options from the options field only, which is where every
 * server puts the ones it asks for.
 *
 * No state, no locks: tests/test_dhcp.c and tests/fuzz/fuzz_dhcp.c build
 * this file unchanged.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/net/proto.h>

#define HTYPE_ETHER		1

#define OPT_PAD			0
#define OPT_NETMASK		1
#define OPT_REQUESTED_IP	50
#define OPT_LEASE_TIME		51
#define OPT_MSG_TYPE		53
#define OPT_SERVER_ID		54
#define OPT_PARAM_LIST		55
#define OPT_T1			58
#define OPT_T2			59
#define OPT_END			255

#define NET_ZERO_MASK		IPV4(255, 0, 0, 0)	/* 0/8 */
#define LOOPBACK_NET		IPV4(127, 0, 0, 0)
#define CLASS_D_START		IPV4(224, 0, 0, 0)
/* /31 and /32 have no network or broadcast address (RFC 3021). */
#define HOST_CHECK_MAX_PREFIX	30

/* The options pvk asks for, in the order of option 55. */
static const u8 dhcp_params[] = {
	OPT_NETMASK, OPT_LEASE_TIME, OPT_SERVER_ID, OPT_T1, OPT_T2,
};

static const char *const verdict_names[DHCP_VERDICTS] = {
	[DHCP_REPLY_OK] = "ok",
	[DHCP_BAD_LENGTH] = "message too short",
	[DHCP_NOT_REPLY] = "not a reply for Ethernet",
	[DHCP_WRONG_XID] = "another transaction",
	[DHCP_WRONG_CHADDR] = "another client",
	[DHCP_BAD_COOKIE] = "no DHCP magic cookie",
	[DHCP_BAD_OPTION] = "malformed options",
	[DHCP_BAD_TYPE] = "no or unexpected message type",
	[DHCP_NO_SERVER_ID] = "no usable server identifier",
	[DHCP_BAD_ADDRESS] = "unusable address",
	[DHCP_BAD_NETMASK] = "missing or bad netmask",
	[DHCP_BAD_LEASE] = "missing or zero lease time",
};

/**
 * dhcp_verdict_name - readable reason for a verdict of dhcp_parse_reply()
 * @v: the verdict
 *
 * For log lines; unknown values give "?".
 */
const char *dhcp_verdict_name(enum dhcp_verdict v)
{
	if ((unsigned int)v >= DHCP_VERDICTS)
		return "?";
	return verdict_names[v];
}

/* Append option @code with @len bytes of @data at *@pos, if it fits. */
static bool put_option(u8 *buf, size_t size, size_t *pos, u8 code,
		       const void *data, u8 len)
{
	if (*pos + 2 + len > size)
		return false;
	buf[*pos] = code;
	buf[*pos + 1] = len;
	memcpy(buf + *pos + 2, data, len);
	*pos += 2 + (size_t)len;
	return true;
}

static bool put_option_ip(u8 *buf, size_t size, size_t *pos, u8 code,
			  u32 ip)
{
	u8 v[4];

	put_be32(v, ip);
	return put_option(buf, size, pos, code, v, sizeof(v));
}

/**
 * dhcp_build - write a client's DISCOVER or REQUEST
 * @req: what to say
 * @buf: where to write it
 * @size: room in @buf, at least DHCP_MSG_MAX
 *
 * Sets the broadcast flag whenever @req->ciaddr is 0, so that servers
 * answer to the broadcast address a client without an address can
 * receive.  The message is padded to BOOTP's 300 bytes.  Returns its
 * length, or -EINVAL for a bad @req or too small a @buf.
 */
int dhcp_build(const struct dhcp_request *req, u8 *buf, size_t size)
{
	size_t pos = DHCP_OPTIONS;
	bool ok;

	if (!req || !req->mac || size < DHCP_MSG_MAX ||
	    (req->type != DHCPDISCOVER && req->type != DHCPREQUEST))
		return -EINVAL;
	memset(buf, 0, DHCP_MSG_MAX);
	buf[DHCP_OP] = BOOTREQUEST;
	buf[DHCP_HTYPE] = HTYPE_ETHER;
	buf[DHCP_HLEN] = ETH_ALEN;
	put_be32(buf + DHCP_XID, req->xid);
	put_be16(buf + DHCP_FLAGS, req->ciaddr ? 0 : DHCP_FLAG_BROADCAST);
	put_be32(buf + DHCP_CIADDR, req->ciaddr);
	memcpy(buf + DHCP_CHADDR, req->mac, ETH_ALEN);
	put_be32(buf + DHCP_COOKIE, DHCP_MAGIC);

	ok = put_option(buf, size, &pos, OPT_MSG_TYPE, &req->type, 1);
	if (req->requested)
		ok = ok && put_option_ip(buf, size, &pos, OPT_REQUESTED_IP,
					 req->requested);
	if (req->server_id)
		ok = ok && put_option_ip(buf, size, &pos, OPT_SERVER_ID,
					 req->server_id);
	ok = ok && put_option(buf, size, &pos, OPT_PARAM_LIST, dhcp_params,
			      sizeof(dhcp_params));
	if (!ok || pos >= DHCP_MSG_MAX)
		return -EINVAL;
	buf[pos] = OPT_END;
	return DHCP_MSG_MAX;
}

/* Where the values of the options pvk reads are; NULL: absent. */
struct dhcp_options {
	u8 type;
	const u8 *netmask, *server_id, *lease, *t1, *t2;
};

/* Remember option @code's value, checking the length it must have. */
static bool note_option(struct dhcp_options *o, u8 code, const u8 *val,
			u8 len)
{
	const u8 **where;

	switch (code) {
	case OPT_MSG_TYPE:
		if (len != 1)
			return false;
		o->type = val[0];
		return true;
	case OPT_NETMASK:
		where = &o->netmask;
		break;
	case OPT_SERVER_ID:
		where = &o->server_id;
		break;
	case OPT_LEASE_TIME:
		where = &o->lease;
		break;
	case OPT_T1:
		where = &o->t1;
		break;
	case OPT_T2:
		where = &o->t2;
		break;
	default:
		return true;	/* not ours: skipped, still bounds-checked */
	}
	if (len != 4)
		return false;
	*where = val;
	return true;
}

/*
 * Walk the options from DHCP_OPTIONS to the end option.  Every length
 * byte and value must lie inside the message; running off its end
 * without an end option is malformed.
 */
static bool parse_options(const u8 *msg, size_t len, struct dhcp_options *o)
{
	size_t pos = DHCP_OPTIONS;
	u8 code, olen;

	while (pos < len) {
		code = msg[pos++];
		if (code == OPT_END)
			return true;
		if (code == OPT_PAD)
			continue;
		if (pos >= len)
			return false;
		olen = msg[pos++];
		if (olen > len - pos)
			return false;
		if (!note_option(o, code, msg + pos, olen))
			return false;
		pos += olen;
	}
	return false;
}

/* A netmask's prefix length, or -1 unless it is 1..32 contiguous ones. */
static int mask_prefix(u32 mask)
{
	int prefix = 0;

	while (prefix < 32 && (mask & (0x80000000U >> prefix)))
		prefix++;
	if (!prefix || (prefix < 32 && (mask << prefix)))
		return -1;
	return prefix;
}

/* An address some host may own: not 0/8, loopback, multicast or above. */
static bool unicast_ok(u32 ip)
{
	return (ip & NET_ZERO_MASK) && (ip & NET_ZERO_MASK) != LOOPBACK_NET &&
	       ip < CLASS_D_START;
}

/* ... and in its subnet, neither the network nor the broadcast address. */
static bool host_ok(u32 ip, u32 mask, int prefix)
{
	if (!unicast_ok(ip))
		return false;
	return prefix > HOST_CHECK_MAX_PREFIX ||
	       ((ip & ~mask) && (ip & ~mask) != ~mask);
}

/* Fill the lease times, with RFC 2131's defaults for T1 and T2. */
static enum dhcp_verdict parse_times(const struct dhcp_options *o,
				     struct dhcp_reply *out)
{
	if (!o->lease)
		return DHCP_BAD_LEASE;
	out->lease_s = get_be32(o->lease);
	if (!out->lease_s)
		return DHCP_BAD_LEASE;
	out->t1_s = out->lease_s / 2;
	out->t2_s = (u32)((u64)out->lease_s * 7 / 8);
	/* Server's times only if they keep T1 <= T2 <= lease. */
	if (o->t1 && o->t2 && get_be32(o->t1) <= get_be32(o->t2) &&
	    get_be32(o->t2) <= out->lease_s) {
		out->t1_s = get_be32(o->t1);
		out->t2_s = get_be32(o->t2);
	}
	if (out->lease_s == DHCP_INFINITE)
		out->t1_s = out->t2_s = DHCP_INFINITE;
	return DHCP_REPLY_OK;
}

static enum dhcp_verdict parse_lease(const u8 *msg,
				     const struct dhcp_options *o,
				     struct dhcp_reply *out)
{
	int prefix;

	if (!o->netmask)
		return DHCP_BAD_NETMASK;
	out->netmask = get_be32(o->netmask);
	prefix = mask_prefix(out->netmask);
	if (prefix < 0)
		return DHCP_BAD_NETMASK;
	out->prefix = (unsigned int)prefix;
	out->yiaddr = get_be32(msg + DHCP_YIADDR);
	if (!host_ok(out->yiaddr, out->netmask, prefix) ||
	    out->yiaddr == out->server_id)
		return DHCP_BAD_ADDRESS;
	return parse_times(o, out);
}

/**
 * dhcp_parse_reply - check a server's reply to one of our messages
 * @msg: the UDP payload, untrusted
 * @len: its length
 * @xid: the transaction id we sent
 * @mac: our hardware address, which must be the reply's chaddr
 * @out: filled in as far as parsed; use only on DHCP_REPLY_OK
 *
 * An OFFER or ACK must carry a usable address (not in 0/8, loopback,
 * multicast or above, nor its subnet's network or broadcast address), a
 * contiguous netmask, a server identifier and a non-zero lease time; a
 * NAK only the server identifier.  Returns DHCP_REPLY_OK or why the
 * reply was not taken.  DHCP_WRONG_XID and DHCP_WRONG_CHADDR are normal
 * traffic on a shared link; the others mean a broken or hostile server.
 */
enum dhcp_verdict dhcp_parse_reply(const u8 *msg, size_t len, u32 xid,
				   const u8 *mac, struct dhcp_reply *out)
{
	struct dhcp_options o = { 0 };

	memset(out, 0, sizeof(*out));
	if (!msg || len < DHCP_OPTIONS)
		return DHCP_BAD_LENGTH;
	if (msg[DHCP_OP] != BOOTREPLY || msg[DHCP_HTYPE] != HTYPE_ETHER ||
	    msg[DHCP_HLEN] != ETH_ALEN)
		return DHCP_NOT_REPLY;
	if (get_be32(msg + DHCP_XID) != xid)
		return DHCP_WRONG_XID;
	if (memcmp(msg + DHCP_CHADDR, mac, ETH_ALEN))
		return DHCP_WRONG_CHADDR;
	if (get_be32(msg + DHCP_COOKIE) != DHCP_MAGIC)
		return DHCP_BAD_COOKIE;
	if (!parse_options(msg, len, &o))
		return DHCP_BAD_OPTION;
	if (o.type != DHCPOFFER && o.type != DHCPACK && o.type != DHCPNAK)
		return DHCP_BAD_TYPE;
	out->type = o.type;
	if (!o.server_id)
		return DHCP_NO_SERVER_ID;
	out->server_id = get_be32(o.server_id);
	if (!unicast_ok(out->server_id))
		return DHCP_NO_SERVER_ID;
	if (o.type == DHCPNAK)
		return DHCP_REPLY_OK;
	return parse_lease(msg, &o, out);
}
