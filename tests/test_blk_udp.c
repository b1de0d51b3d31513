// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/block/blk-udp-proto.c: the UDP block service's
 * requests as they come off the network (include/pvk/blk-udp.h).  Good
 * READs and WRITEs of 1 and 2 sectors up to the last sector pass; each
 * malformed field, a length off by one byte either way, and every
 * range that leaves the disk (wrapping ones included) is refused with
 * its status, the client's seq kept for the error reply.
 */
#include <stdint.h>
#include <string.h>
#include <pvk/blk-udp.h>
#include "harness.h"

#define CAPACITY 131072ULL

static size_t build(uint8_t *out, uint8_t op, uint32_t seq, uint64_t sector,
		    uint32_t len, size_t data_len)
{
	const uint32_t magic = BLKUDP_MAGIC;

	for (int i = 0; i < 4; i++) {
		out[i] = (uint8_t)(magic >> (24 - 8 * i));
		out[8 + i] = (uint8_t)(seq >> (24 - 8 * i));
		out[20 + i] = (uint8_t)(len >> (24 - 8 * i));
	}
	for (int i = 0; i < 8; i++)
		out[12 + i] = (uint8_t)(sector >> (56 - 8 * i));
	out[4] = op;
	out[5] = out[6] = out[7] = 0;
	for (size_t i = 0; i < data_len; i++)
		out[BLKUDP_HDR_LEN + i] = (uint8_t)(i * 7);
	return BLKUDP_HDR_LEN + data_len;
}

static uint8_t buf[BLKUDP_HDR_LEN + 2 * BLKUDP_MAX_DATA];

static int parse(size_t len, struct blkudp_req *req)
{
	return blkudp_parse(buf, len, CAPACITY, req);
}

TEST(good_requests)
{
	struct blkudp_req req;
	size_t n;

	n = build(buf, BLKUDP_OP_WRITE, 7, 100, 512, 512);
	EXPECT_EQ(parse(n, &req), BLKUDP_OK);
	EXPECT_EQ(req.op, BLKUDP_OP_WRITE);
	EXPECT_EQ(req.seq, 7);
	EXPECT_EQ(req.sector, 100);
	EXPECT_EQ(req.len, 512);
	EXPECT(req.data == buf + BLKUDP_HDR_LEN);

	n = build(buf, BLKUDP_OP_WRITE, 0xfffffffe, CAPACITY - 2, 1024, 1024);
	EXPECT_EQ(parse(n, &req), BLKUDP_OK);
	EXPECT_EQ_U(req.seq, 0xfffffffe);

	n = build(buf, BLKUDP_OP_READ, 9, CAPACITY - 1, 512, 0);
	EXPECT_EQ(parse(n, &req), BLKUDP_OK);
	EXPECT_EQ(req.op, BLKUDP_OP_READ);
	EXPECT(req.data == NULL);
}

TEST(short_datagrams)
{
	struct blkudp_req req;

	build(buf, BLKUDP_OP_READ, 3, 0, 512, 0);
	for (size_t n = 0; n < BLKUDP_HDR_LEN; n++) {
		EXPECT_EQ(parse(n, &req), BLKUDP_E_SHORT);
		EXPECT_EQ(req.seq, 0);
		EXPECT_EQ(req.op, 0);
	}
}

TEST(bad_header_fields_keep_seq)
{
	struct blkudp_req req;
	size_t n;

	n = build(buf, BLKUDP_OP_READ, 42, 0, 512, 0);
	buf[3] ^= 1;
	EXPECT_EQ(parse(n, &req), BLKUDP_E_MAGIC);
	EXPECT_EQ(req.seq, 42);
	n = build(buf, BLKUDP_OP_READ, 42, 0, 512, 0);
	buf[5] = 1;		/* status of a request must be 0 */
	EXPECT_EQ(parse(n, &req), BLKUDP_E_MAGIC);
	n = build(buf, BLKUDP_OP_READ, 42, 0, 512, 0);
	buf[7] = 1;
	EXPECT_EQ(parse(n, &req), BLKUDP_E_MAGIC);
	for (unsigned int op = 0; op < 256; op++) {
		if (op == BLKUDP_OP_READ || op == BLKUDP_OP_WRITE)
			continue;
		n = build(buf, (uint8_t)op, 43, 0, 512, 0);
		EXPECT_EQ(parse(n, &req), BLKUDP_E_OP);
		EXPECT_EQ(req.seq, 43);
		EXPECT_EQ(req.op, op);
	}
}

TEST(bad_lengths)
{
	static const uint32_t bad[] = { 0, 1, 511, 513, 1000, 1536, 2048, 4096,
					0x80000000, 0xffffffff };
	struct blkudp_req req;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = build(buf, BLKUDP_OP_READ, 5, 0, bad[i], 0);
		EXPECT_EQ(parse(n, &req), BLKUDP_E_LEN);
		EXPECT_EQ(req.seq, 5);
	}
	/* A WRITE's data must be exactly len bytes. */
	n = build(buf, BLKUDP_OP_WRITE, 6, 0, 512, 513);
	EXPECT_EQ(parse(n, &req), BLKUDP_E_LEN);
	n = build(buf, BLKUDP_OP_WRITE, 6, 0, 512, 511);
	EXPECT_EQ(parse(n, &req), BLKUDP_E_LEN);
	n = build(buf, BLKUDP_OP_WRITE, 6, 0, 1024, 512);
	EXPECT_EQ(parse(n, &req), BLKUDP_E_LEN);
	EXPECT(req.data == NULL);
	/* A READ carries none. */
	n = build(buf, BLKUDP_OP_READ, 6, 0, 512, 1);
	EXPECT_EQ(parse(n, &req), BLKUDP_E_LEN);
}

TEST(out_of_range)
{
	static const uint64_t bad[] = { CAPACITY, CAPACITY + 1, CAPACITY - 1,
					~0ULL, ~0ULL - 1, 1ULL << 63 };
	struct blkudp_req req;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = build(buf, BLKUDP_OP_READ, 8, bad[i], 1024, 0);
		EXPECT_EQ(parse(n, &req), BLKUDP_E_RANGE);
		EXPECT_EQ(req.seq, 8);
	}
	n = build(buf, BLKUDP_OP_WRITE, 8, 0, 512, 512);
	EXPECT_EQ(blkudp_parse(buf, n, 0, &req), BLKUDP_E_RANGE);
	EXPECT(req.data == NULL);
}

TEST(reply_header)
{
	struct blkudp_req req = { .op = BLKUDP_OP_WRITE, .seq = 0x01020304,
				  .sector = 0x1122334455667788ULL, .len = 1024 };
	static const uint8_t want[BLKUDP_HDR_LEN] = {
		'P', 'V', 'K', 'B', 0x82, BLKUDP_E_IO, 0, 0,
		1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0, 0, 4, 0,
	};
	uint8_t out[BLKUDP_HDR_LEN];

	blkudp_reply_header(out, &req, BLKUDP_E_IO);
	EXPECT(!memcmp(out, want, sizeof(want)));
	/* A request too short to have an op: the reply's is the flag alone. */
	req = (struct blkudp_req){ 0 };
	blkudp_reply_header(out, &req, BLKUDP_E_SHORT);
	EXPECT_EQ(out[4], BLKUDP_OP_REPLY);
	EXPECT_EQ(out[5], BLKUDP_E_SHORT);
}

TEST(status_names)
{
	EXPECT_STR(blkudp_status_name(BLKUDP_OK), "ok");
	EXPECT_STR(blkudp_status_name(BLKUDP_E_RANGE), "out-of-range");
	EXPECT_STR(blkudp_status_name(BLKUDP_E_IO), "io-error");
	EXPECT_STR(blkudp_status_name(BLKUDP_NR_STATUS), "?");
	for (int s = 0; s < BLKUDP_NR_STATUS; s++)
		EXPECT(blkudp_status_name(s) != NULL);
}

int main(void)
{
	RUN(good_requests);
	RUN(short_datagrams);
	RUN(bad_header_fields_keep_seq);
	RUN(bad_lengths);
	RUN(out_of_range);
	RUN(reply_header);
	RUN(status_names);
	return TEST_DONE();
}
