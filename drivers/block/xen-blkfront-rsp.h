/* SPDX-License-Identifier: MIT */
/*
 * The checks blkfront makes of its backend's responses
 * (xen-blkfront-rsp.c): nothing here touches a grant, a lock or an event
 * channel, so the host's unit test and fuzz target build them too.
 */
#ifndef _DRIVERS_BLOCK_XEN_BLKFRONT_RSP_H
#define _DRIVERS_BLOCK_XEN_BLKFRONT_RSP_H

#include "xen-blkfront.h"

struct gpage;

/* What pvk knows about one ring request; the ring copy is the backend's. */
struct shadow {
	struct blk_request *req;	/* NULL: slot free */
	u32 offset, len;		/* the bytes of @req it carries */
	u8 op, alt_op;			/* operations a response may carry */
	struct gpage *data;		/* data pages, in order */
	struct gpage *ind;		/* indirect segment pages */
	u32 next_free;
};

bool blkfront_rsp_prod_ok(RING_IDX rsp_prod, RING_IDX rsp_cons,
			  RING_IDX req_prod);
int blkfront_rsp_check(const struct blkif_response *rsp,
		       const struct shadow *shadow, unsigned int nr_slots);
int blkfront_rsp_errno(const char *name, u8 op, s16 status);

#endif /* _DRIVERS_BLOCK_XEN_BLKFRONT_RSP_H */
