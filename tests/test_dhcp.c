// SPDX-License-Identifier: MIT
/*
 * Unit tests for net/dhcp.c: the client's messages byte by byte, and the
 * checks of a server's reply, good and bad.  Replies are built here with
 * the test's own helpers and passed in heap buffers of exactly their
 * length, so AddressSanitizer catches any read past the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include <pvk/net/dhcp.h>
#include "harness.h"

#define XID		0x12345678u
#define SERVER		0x0a000001u	/* 10.0.0.1 */
#define OFFERED		0x0a000032u	/* 10.0.0.50 */
#define MASK24		0xffffff00u
#define LEASE		30

static const u8 mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x50 };
static const u8 other_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x51 };

static u32 r32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void w32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Where option @code's value starts in a message we built, or NULL. */
static const u8 *find_opt(const u8 *m, size_t len, u8 code, u8 *olen)
{
	size_t pos = 240;

	while (pos + 1 < len && m[pos] != 255) {
		if (m[pos] == 0) {
			pos++;
			continue;
		}
		if (m[pos] == code) {
			*olen = m[pos + 1];
			return m + pos + 2;
		}
		pos += 2 + (size_t)m[pos + 1];
	}
	return NULL;
}

/* ---- a reply, as a server would send it ---- */

struct reply {
	u8 buf[600];
	size_t len;
};

static void reply_start(struct reply *r, u8 type, u32 yiaddr)
{
	memset(r, 0, sizeof(*r));
	r->buf[0] = 2;
	r->buf[1] = 1;
	r->buf[2] = 6;
	w32(r->buf + 4, XID);
	w32(r->buf + 16, yiaddr);
	memcpy(r->buf + 28, mac, 6);
	w32(r->buf + 236, 0x63825363u);
	r->len = 240;
	r->buf[r->len++] = 53;
	r->buf[r->len++] = 1;
	r->buf[r->len++] = type;
}

static void reply_opt(struct reply *r, u8 code, const void *val, u8 len)
{
	r->buf[r->len++] = code;
	r->buf[r->len++] = len;
	memcpy(r->buf + r->len, val, len);
	r->len += len;
}

static void reply_opt32(struct reply *r, u8 code, u32 v)
{
	u8 b[4];

	w32(b, v);
	reply_opt(r, code, b, 4);
}

/* An offer or ACK with everything a client needs, not yet ended. */
static void reply_lease(struct reply *r, u8 type, u32 yiaddr, u32 mask)
{
	reply_start(r, type, yiaddr);
	reply_opt32(r, 54, SERVER);
	reply_opt32(r, 1, mask);
	reply_opt32(r, 51, LEASE);
}

static void reply_end(struct reply *r)
{
	r->buf[r->len++] = 255;
}

/* Parse @r from a heap copy of exactly its length. */
static enum dhcp_verdict parse(const struct reply *r, struct dhcp_reply *out)
{
	u8 *copy = malloc(r->len ? r->len : 1);
	enum dhcp_verdict v;

	memcpy(copy, r->buf, r->len);
	v = dhcp_parse_reply(copy, r->len, XID, mac, out);
	free(copy);
	return v;
}

static enum dhcp_verdict parse_lease(u32 yiaddr, u32 mask)
{
	struct dhcp_reply out;
	struct reply r;

	reply_lease(&r, DHCPOFFER, yiaddr, mask);
	reply_end(&r);
	return parse(&r, &out);
}

/* ---- the client's messages ---- */

TEST(discover_bytes)
{
	struct dhcp_request req = { .type = DHCPDISCOVER, .xid = XID, .mac = mac };
	u8 m[DHCP_MSG_MAX];
	const u8 *o;
	u8 olen = 0;

	memset(m, 0xaa, sizeof(m));
	EXPECT_EQ(dhcp_build(&req, m, sizeof(m)), 300);
	EXPECT_EQ(m[0], 1);		/* BOOTREQUEST */
	EXPECT_EQ(m[1], 1);
	EXPECT_EQ(m[2], 6);
	EXPECT_EQ(m[3], 0);
	EXPECT_EQ_U(r32(m + 4), XID);
	EXPECT_EQ(m[10], 0x80);		/* broadcast flag: no address yet */
	EXPECT_EQ(m[11], 0);
	EXPECT_EQ_U(r32(m + 12), 0);	/* ciaddr */
	EXPECT_EQ_U(r32(m + 16), 0);
	EXPECT(memcmp(m + 28, mac, 6) == 0);
	EXPECT_EQ(m[34], 0);		/* rest of chaddr, sname, file */
	EXPECT_EQ(m[235], 0);
	EXPECT_EQ_U(r32(m + 236), 0x63825363u);
	o = find_opt(m, sizeof(m), 53, &olen);
	EXPECT(o && olen == 1 && o[0] == 1);
	o = find_opt(m, sizeof(m), 55, &olen);
	EXPECT(o && olen == 5 && o[0] == 1 && o[1] == 51 && o[2] == 54);
	EXPECT(!find_opt(m, sizeof(m), 50, &olen));
	EXPECT(!find_opt(m, sizeof(m), 54, &olen));
	/* Options end, then zero padding up to 300 bytes. */
	EXPECT_EQ(m[240 + 3 + 7], 255);
	EXPECT_EQ(m[299], 0);
}

TEST(request_bytes)
{
	struct dhcp_request req = {
		.type = DHCPREQUEST, .xid = XID, .mac = mac,
		.requested = OFFERED, .server_id = SERVER,
	};
	u8 m[DHCP_MSG_MAX];
	const u8 *o;
	u8 olen = 0;

	EXPECT_EQ(dhcp_build(&req, m, sizeof(m)), 300);
	o = find_opt(m, sizeof(m), 53, &olen);
	EXPECT(o && olen == 1 && o[0] == 3);
	o = find_opt(m, sizeof(m), 50, &olen);
	EXPECT(o && olen == 4 && r32(o) == OFFERED);
	o = find_opt(m, sizeof(m), 54, &olen);
	EXPECT(o && olen == 4 && r32(o) == SERVER);
	EXPECT_EQ(m[10], 0x80);

	/* Renewing: our address in ciaddr, answered by unicast. */
	memset(&req, 0, sizeof(req));
	req.type = DHCPREQUEST;
	req.xid = XID + 1;
	req.mac = mac;
	req.ciaddr = OFFERED;
	EXPECT_EQ(dhcp_build(&req, m, sizeof(m)), 300);
	EXPECT_EQ_U(r32(m + 12), OFFERED);
	EXPECT_EQ(m[10], 0);
	EXPECT(!find_opt(m, sizeof(m), 50, &olen));
	EXPECT(!find_opt(m, sizeof(m), 54, &olen));
}

TEST(build_refuses_bad_input)
{
	struct dhcp_request req = { .type = DHCPDISCOVER, .xid = XID, .mac = mac };
	u8 m[DHCP_MSG_MAX];

	EXPECT_EQ(dhcp_build(&req, m, DHCP_MSG_MAX - 1), -EINVAL);
	EXPECT_EQ(dhcp_build(NULL, m, sizeof(m)), -EINVAL);
	req.type = DHCPACK;
	EXPECT_EQ(dhcp_build(&req, m, sizeof(m)), -EINVAL);
	req.type = DHCPDISCOVER;
	req.mac = NULL;
	EXPECT_EQ(dhcp_build(&req, m, sizeof(m)), -EINVAL);
}

/* ---- replies taken ---- */

TEST(offer_ack_nak_taken)
{
	struct dhcp_reply out;
	struct reply r;

	reply_lease(&r, DHCPOFFER, OFFERED, MASK24);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_REPLY_OK);
	EXPECT_EQ(out.type, DHCPOFFER);
	EXPECT_EQ_U(out.yiaddr, OFFERED);
	EXPECT_EQ_U(out.netmask, MASK24);
	EXPECT_EQ(out.prefix, 24);
	EXPECT_EQ_U(out.server_id, SERVER);
	EXPECT_EQ(out.lease_s, LEASE);
	EXPECT_EQ(out.t1_s, 15);	/* defaults: 1/2 and 7/8 */
	EXPECT_EQ(out.t2_s, 26);

	/* An ACK with the server's own T1 and T2, options padded. */
	reply_lease(&r, DHCPACK, OFFERED, 0xfffffffcu);
	r.buf[r.len++] = 0;
	reply_opt32(&r, 58, 10);
	reply_opt32(&r, 59, 20);
	reply_opt(&r, 12, "pvk", 3);	/* host name: not ours, skipped */
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_REPLY_OK);
	EXPECT_EQ(out.type, DHCPACK);
	EXPECT_EQ(out.prefix, 30);
	EXPECT_EQ(out.t1_s, 10);
	EXPECT_EQ(out.t2_s, 20);

	/* T1 after T2: the defaults instead. */
	reply_lease(&r, DHCPACK, OFFERED, MASK24);
	reply_opt32(&r, 58, 25);
	reply_opt32(&r, 59, 20);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_REPLY_OK);
	EXPECT_EQ(out.t1_s, 15);
	EXPECT_EQ(out.t2_s, 26);

	/* An infinite lease is never renewed. */
	reply_start(&r, DHCPACK, OFFERED);
	reply_opt32(&r, 54, SERVER);
	reply_opt32(&r, 1, 0xffffffffu);	/* /32 has no network address */
	reply_opt32(&r, 51, DHCP_INFINITE);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_REPLY_OK);
	EXPECT_EQ(out.prefix, 32);
	EXPECT_EQ_U(out.t1_s, DHCP_INFINITE);

	/* A NAK needs only its server. */
	reply_start(&r, DHCPNAK, 0);
	reply_opt32(&r, 54, SERVER);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_REPLY_OK);
	EXPECT_EQ(out.type, DHCPNAK);
	EXPECT_EQ_U(out.server_id, SERVER);
}

/* ---- replies refused ---- */

TEST(other_transactions_ignored)
{
	struct dhcp_reply out;
	struct reply r;

	reply_lease(&r, DHCPOFFER, OFFERED, MASK24);
	reply_end(&r);
	EXPECT_EQ(dhcp_parse_reply(r.buf, r.len, XID + 1, mac, &out),
		  DHCP_WRONG_XID);
	EXPECT_EQ(dhcp_parse_reply(r.buf, r.len, XID, other_mac, &out),
		  DHCP_WRONG_CHADDR);
	r.buf[0] = 1;		/* another client's request */
	EXPECT_EQ(parse(&r, &out), DHCP_NOT_REPLY);
	r.buf[0] = 2;
	r.buf[2] = 16;		/* not Ethernet's address length */
	EXPECT_EQ(parse(&r, &out), DHCP_NOT_REPLY);
	r.buf[2] = 6;
	r.buf[236] = 0x64;
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_COOKIE);
	r.buf[236] = 0x63;
	r.len = 239;
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_LENGTH);
	EXPECT_EQ(dhcp_parse_reply(NULL, 0, XID, mac, &out), DHCP_BAD_LENGTH);
}

TEST(malformed_options_refused)
{
	struct dhcp_reply out;
	struct reply r;
	size_t full;

	/* No end option. */
	reply_lease(&r, DHCPOFFER, OFFERED, MASK24);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
	/* Each cut of a good message through its options is refused. */
	reply_end(&r);
	full = r.len;
	for (r.len = 241; r.len < full; r.len++)
		EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
	/* A length that runs past the end. */
	reply_lease(&r, DHCPOFFER, OFFERED, MASK24);
	r.buf[r.len++] = 12;
	r.buf[r.len++] = 200;
	r.buf[r.len++] = 'x';
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
	/* Options pvk uses with the wrong length. */
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt(&r, 1, "\xff\xff\xff", 3);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt(&r, 53, "\x02\x02", 2);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt(&r, 51, "\0\0\0\x10\0", 5);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_OPTION);
}

TEST(missing_fields_refused)
{
	struct dhcp_reply out;
	struct reply r;

	/* No message type, or one a server does not send. */
	memset(&r, 0, sizeof(r));
	reply_start(&r, DHCPOFFER, OFFERED);
	r.buf[242] = DHCPDISCOVER;
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_TYPE);
	r.buf[240] = 0;		/* the type option padded away */
	r.buf[241] = 0;
	r.buf[242] = 0;
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_TYPE);
	/* No server identifier, or a multicast one. */
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt32(&r, 1, MASK24);
	reply_opt32(&r, 51, LEASE);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_NO_SERVER_ID);
	reply_start(&r, DHCPNAK, 0);
	reply_opt32(&r, 54, 0xe0000001u);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_NO_SERVER_ID);
	/* No lease time, or zero. */
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt32(&r, 54, SERVER);
	reply_opt32(&r, 1, MASK24);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_LEASE);
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt32(&r, 54, SERVER);
	reply_opt32(&r, 1, MASK24);
	reply_opt32(&r, 51, 0);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_LEASE);
	/* No netmask. */
	reply_start(&r, DHCPOFFER, OFFERED);
	reply_opt32(&r, 54, SERVER);
	reply_opt32(&r, 51, LEASE);
	reply_end(&r);
	EXPECT_EQ(parse(&r, &out), DHCP_BAD_NETMASK);
}

TEST(unusable_addresses_refused)
{
	EXPECT_EQ(parse_lease(0, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0xffffffffu, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0xe0000001u, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0xf0000001u, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0x7f000001u, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0x00000005u, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0x0a000000u, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(0x0a0000ffu, MASK24), DHCP_BAD_ADDRESS);
	EXPECT_EQ(parse_lease(SERVER, MASK24), DHCP_BAD_ADDRESS);
	/* /31: both addresses are hosts (RFC 3021). */
	EXPECT_EQ(parse_lease(0x0a000032u, 0xfffffffeu), DHCP_REPLY_OK);
	EXPECT_EQ(parse_lease(0x0a000033u, 0xfffffffeu), DHCP_REPLY_OK);
}

TEST(bad_netmasks_refused)
{
	EXPECT_EQ(parse_lease(OFFERED, 0), DHCP_BAD_NETMASK);
	EXPECT_EQ(parse_lease(OFFERED, 0xff00ff00u), DHCP_BAD_NETMASK);
	EXPECT_EQ(parse_lease(OFFERED, 0x00ffffffu), DHCP_BAD_NETMASK);
	EXPECT_EQ(parse_lease(OFFERED, 0xfffffff1u), DHCP_BAD_NETMASK);
	EXPECT_EQ(parse_lease(OFFERED, 0x80000000u), DHCP_REPLY_OK);
}

TEST(verdict_names)
{
	unsigned int v;

	EXPECT_STR(dhcp_verdict_name(DHCP_REPLY_OK), "ok");
	EXPECT_STR(dhcp_verdict_name(DHCP_BAD_NETMASK), "missing or bad netmask");
	EXPECT_STR(dhcp_verdict_name(DHCP_VERDICTS), "?");
	for (v = 0; v < DHCP_VERDICTS; v++)
		EXPECT(strcmp(dhcp_verdict_name(v), "?") != 0);
}

int main(void)
{
	RUN(discover_bytes);
	RUN(request_bytes);
	RUN(build_refuses_bad_input);
	RUN(offer_ack_nak_taken);
	RUN(other_transactions_ignored);
	RUN(malformed_options_refused);
	RUN(missing_fields_refused);
	RUN(unusable_addresses_refused);
	RUN(bad_netmasks_refused);
	RUN(verdict_names);
	return TEST_DONE();
}
