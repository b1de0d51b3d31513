/* SPDX-License-Identifier: MIT */
/*
 * The UDP block protocol of serve mode (drivers/block/blk-udp-serve.c):
 * dom0 (tools/testing/selftests/xen/dom0/jobs/net-tool.c, blk-loop)
 * writes and reads pvk's first disk through it while the domain is
 * saved and restored.  One request per datagram, one reply per request,
 * to the sender's address and port, from BLKUDP_PORT.
 *
 * Every field is big-endian.  A request and a reply start with the same
 * 24-byte header:
 *
 *   0  u32 magic   BLKUDP_MAGIC ("PVKB")
 *   4  u8  op      request: BLKUDP_OP_READ or BLKUDP_OP_WRITE;
 *                  reply: the request's op | BLKUDP_OP_REPLY (a request
 *                  too short to have one: BLKUDP_OP_REPLY alone)
 *   5  u8  status  request: 0; reply: enum blkudp_status
 *   6  u16 zero    0
 *   8  u32 seq     the client's tag, copied into the reply
 *  12  u64 sector  first 512-byte sector
 *  20  u32 len     bytes: a multiple of 512, 512..BLKUDP_MAX_DATA
 *
 * A WRITE request carries exactly @len bytes of data after the header,
 * a READ request nothing.  A reply echoes seq, sector and len (as far as
 * the request had them) and, for a READ with status BLKUDP_OK, carries
 * the @len bytes read.  The reply to a WRITE is sent only once the disk
 * completed it: BLKUDP_OK means the backend acknowledged the write.
 * Writes are idempotent, so a client that got no reply sends the same
 * request again.
 *
 * BLKUDP_MAX_DATA is 1024 so that a READ reply (24 + 1024 bytes) fits
 * one Ethernet frame: pvk's stack neither fragments nor reassembles.
 */
#ifndef PVK_BLK_UDP_H
#define PVK_BLK_UDP_H

#include <pvk/types.h>

#define BLKUDP_PORT		9000
#define BLKUDP_MAGIC		0x50564b42U	/* "PVKB" */
#define BLKUDP_HDR_LEN		24
#define BLKUDP_SECTOR_SIZE	512U
#define BLKUDP_MAX_DATA		1024U

#define BLKUDP_OP_READ		1
#define BLKUDP_OP_WRITE		2
#define BLKUDP_OP_REPLY		0x80

enum blkudp_status {
	BLKUDP_OK,
	BLKUDP_E_SHORT,		/* shorter than the header */
	BLKUDP_E_MAGIC,		/* wrong magic, or status/zero not 0 */
	BLKUDP_E_OP,		/* unknown op */
	BLKUDP_E_LEN,		/* bad len, or data not exactly len bytes */
	BLKUDP_E_RANGE,		/* sectors beyond the end of the disk */
	BLKUDP_E_NODEV,		/* no disk */
	BLKUDP_E_BUSY,		/* every request slot in use: try again */
	BLKUDP_E_REFUSED,	/* the block layer refused the request */
	BLKUDP_E_IO,		/* the disk failed it */
	BLKUDP_NR_STATUS
};

/**
 * struct blkudp_req - a parsed request header
 * @op: BLKUDP_OP_READ or BLKUDP_OP_WRITE (anything, when refused)
 * @seq: the client's tag
 * @sector: first sector
 * @len: bytes
 * @data: a WRITE's data, inside the datagram; NULL otherwise
 */
struct blkudp_req {
	u8 op;
	u32 seq;
	u64 sector;
	u32 len;
	const u8 *data;
};

/**
 * blkudp_parse - check one request datagram
 * @buf: the UDP payload
 * @len: its length
 * @capacity: the disk's size in sectors
 * @req: filled with what the datagram has, also when it is refused, so
 *	that the error reply can carry the client's seq
 *
 * Returns BLKUDP_OK or the status that refuses the request.
 */
enum blkudp_status blkudp_parse(const void *buf, size_t len, u64 capacity,
				struct blkudp_req *req);

/**
 * blkudp_reply_header - write a reply's header
 * @out: BLKUDP_HDR_LEN bytes
 * @req: the request (as parsed, even if refused)
 * @status: the outcome
 */
void blkudp_reply_header(u8 *out, const struct blkudp_req *req,
			 enum blkudp_status status);

/* A short name for logs ("ok", "short", ...); "?" out of range. */
const char *blkudp_status_name(enum blkudp_status status);

#endif /* PVK_BLK_UDP_H */
