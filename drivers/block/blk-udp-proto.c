// SPDX-License-Identifier: MIT
/*
 * The UDP block protocol's requests and replies (include/pvk/blk-udp.h).
 * Pure: the datagrams come from the network, so everything is checked
 * against the bytes really there; also built on the host for
 * tests/test_blk_udp.c and tests/fuzz/fuzz_blk_udp.c.
 */
#include <pvk/blk-udp.h>

#define OFF_MAGIC	0
#define OFF_OP		4
#define OFF_STATUS	5
#define OFF_ZERO	6
#define OFF_SEQ		8
#define OFF_SECTOR	12
#define OFF_LEN		20

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static enum blkudp_status check_len(const struct blkudp_req *req,
				    size_t data_len)
{
	if (!req->len || req->len % BLKUDP_SECTOR_SIZE ||
	    req->len > BLKUDP_MAX_DATA)
		return BLKUDP_E_LEN;
	if (data_len != (req->op == BLKUDP_OP_WRITE ? req->len : 0))
		return BLKUDP_E_LEN;
	return BLKUDP_OK;
}

enum blkudp_status blkudp_parse(const void *buf, size_t len, u64 capacity,
				struct blkudp_req *req)
{
	const u8 *p = buf;
	u64 nr;
	enum blkudp_status st;

	*req = (struct blkudp_req){ 0 };
	if (len < BLKUDP_HDR_LEN)
		return BLKUDP_E_SHORT;
	req->op = p[OFF_OP];
	req->seq = get32(p + OFF_SEQ);
	req->sector = (u64)get32(p + OFF_SECTOR) << 32 | get32(p + OFF_SECTOR + 4);
	req->len = get32(p + OFF_LEN);
	if (get32(p + OFF_MAGIC) != BLKUDP_MAGIC || p[OFF_STATUS] ||
	    p[OFF_ZERO] || p[OFF_ZERO + 1])
		return BLKUDP_E_MAGIC;
	if (req->op != BLKUDP_OP_READ && req->op != BLKUDP_OP_WRITE)
		return BLKUDP_E_OP;
	st = check_len(req, len - BLKUDP_HDR_LEN);
	if (st != BLKUDP_OK)
		return st;
	nr = req->len / BLKUDP_SECTOR_SIZE;
	if (req->sector >= capacity || nr > capacity - req->sector)
		return BLKUDP_E_RANGE;
	if (req->op == BLKUDP_OP_WRITE)
		req->data = p + BLKUDP_HDR_LEN;
	return BLKUDP_OK;
}

void blkudp_reply_header(u8 *out, const struct blkudp_req *req,
			 enum blkudp_status status)
{
	put32(out + OFF_MAGIC, BLKUDP_MAGIC);
	out[OFF_OP] = req->op | BLKUDP_OP_REPLY;
	out[OFF_STATUS] = (u8)status;
	out[OFF_ZERO] = 0;
	out[OFF_ZERO + 1] = 0;
	put32(out + OFF_SEQ, req->seq);
	put32(out + OFF_SECTOR, (u32)(req->sector >> 32));
	put32(out + OFF_SECTOR + 4, (u32)req->sector);
	put32(out + OFF_LEN, req->len);
}

static const char *const status_names[BLKUDP_NR_STATUS] = {
	[BLKUDP_OK] = "ok",
	[BLKUDP_E_SHORT] = "short",
	[BLKUDP_E_MAGIC] = "bad-magic",
	[BLKUDP_E_OP] = "bad-op",
	[BLKUDP_E_LEN] = "bad-length",
	[BLKUDP_E_RANGE] = "out-of-range",
	[BLKUDP_E_NODEV] = "no-disk",
	[BLKUDP_E_BUSY] = "busy",
	[BLKUDP_E_REFUSED] = "refused",
	[BLKUDP_E_IO] = "io-error",
};

const char *blkudp_status_name(enum blkudp_status status)
{
	return (unsigned int)status < BLKUDP_NR_STATUS ? status_names[status] : "?";
}
