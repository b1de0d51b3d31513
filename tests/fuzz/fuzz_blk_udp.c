// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the UDP block service's requests as
 * drivers/block/blk-udp-serve.c parses them (blkudp_parse() and
 * blkudp_reply_header() in drivers/block/blk-udp-proto.c).
 *
 * Input: one byte choosing the disk's capacity (0, 1, 2 or 131072
 * sectors, or 2^64 - 1), then the datagram.  Asserts that a request is
 * taken only when the header is the protocol's, its length a whole
 * number of sectors up to BLKUDP_MAX_DATA, the datagram exactly as long
 * as it says and every sector on the disk; that a WRITE's data points
 * into the datagram, right after the header; and that the reply header
 * carries the request's seq, sector and length with the reply flag.
 */
#include <stdint.h>
#include <string.h>
#include <pvk/blk-udp.h>
#include "fuzz_check.h"

static const uint64_t capacities[] = { 0, 1, 2, 131072, ~0ULL };

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_reply(const struct blkudp_req *req, enum blkudp_status st)
{
	uint8_t out[BLKUDP_HDR_LEN];

	blkudp_reply_header(out, req, st);
	fuzz_check(be32(out) == BLKUDP_MAGIC, "reply magic");
	fuzz_check(out[4] == (req->op | BLKUDP_OP_REPLY) && out[5] == st,
		   "reply op and status");
	fuzz_check(be32(out + 8) == req->seq && be32(out + 20) == req->len &&
		   ((uint64_t)be32(out + 12) << 32 | be32(out + 16)) == req->sector,
		   "reply echoes seq, sector and len");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blkudp_req req;
	enum blkudp_status st;
	uint64_t cap;

	if (!size)
		return 0;
	cap = capacities[data[0] % (sizeof(capacities) / sizeof(capacities[0]))];
	data++;
	size--;
	st = blkudp_parse(data, size, cap, &req);
	fuzz_check(st < BLKUDP_NR_STATUS, "a known status");
	check_reply(&req, st);
	if (st == BLKUDP_E_SHORT) {
		fuzz_check(size < BLKUDP_HDR_LEN && !req.op && !req.seq,
			   "short means shorter than the header, nothing parsed");
		return 0;
	}
	fuzz_check(size >= BLKUDP_HDR_LEN, "only a short datagram is short");
	fuzz_check(req.seq == be32(data + 8), "seq kept even when refused");
	if (st != BLKUDP_OK) {
		fuzz_check(!req.data, "no data of a refused request");
		return 0;
	}
	fuzz_check(be32(data) == BLKUDP_MAGIC && !data[5] && !data[6] && !data[7],
		   "only the protocol's header is taken");
	fuzz_check(req.op == BLKUDP_OP_READ || req.op == BLKUDP_OP_WRITE, "known op");
	fuzz_check(req.len && req.len <= BLKUDP_MAX_DATA &&
		   !(req.len % BLKUDP_SECTOR_SIZE), "whole sectors, bounded");
	fuzz_check(size == BLKUDP_HDR_LEN + (req.op == BLKUDP_OP_WRITE ? req.len : 0),
		   "the datagram is exactly as long as the request");
	fuzz_check(req.sector < cap && req.len / BLKUDP_SECTOR_SIZE <= cap - req.sector,
		   "every sector on the disk");
	fuzz_check(req.op == BLKUDP_OP_WRITE ? req.data == data + BLKUDP_HDR_LEN :
		   !req.data, "a WRITE's data right after the header");
	return 0;
}
