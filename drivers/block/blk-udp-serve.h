/* SPDX-License-Identifier: MIT */
/*
 * The UDP block service (blk-udp-serve.c), for its self-test: serve mode
 * starts and stops it through SERVE_SERVICE().
 */
#ifndef PVK_BLK_UDP_SERVE_H
#define PVK_BLK_UDP_SERVE_H

#include <pvk/types.h>

/* Counters since boot. */
struct blkudp_stats {
	u64 requests;		/* datagrams to the port */
	u64 reads;		/* completed with success */
	u64 writes;		/* completed with success: acknowledged */
	u64 bad;		/* refused as malformed or out of range */
	u64 busy;		/* refused: no free slot */
	u64 io_errors;		/* the disk failed them */
	u64 replies;		/* sent */
	u64 replies_failed;	/* udp_reply() refused them */
};

struct blkdev;

struct blkdev *blkudp_serve_disk(void);
int blkudp_serve_start(void);
void blkudp_serve_stop(void);
void blkudp_serve_stats(struct blkudp_stats *out);

#endif /* PVK_BLK_UDP_SERVE_H */
