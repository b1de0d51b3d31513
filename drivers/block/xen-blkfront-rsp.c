// SPDX-License-Identifier: MIT
/*
 * Checks of what a block backend puts on the response ring, apart from
 * the driver that acts on them (xen-blkfront.c).  The backend is
 * untrusted: each response is checked here, on the copy the driver took
 * of it, before the driver touches the request it names.  Nothing here
 * touches a grant, a lock or an event channel, so the host unit test
 * tests/test_blkfront_rsp.c and the fuzz target
 * tests/fuzz/fuzz_blkfront_rsp.c build this file too.
 */
#define pr_fmt(fmt) "xen-blkfront: " fmt

#include <pvk/kernel.h>
#include <pvk/errno.h>
#include "xen-blkfront-rsp.h"

/**
 * blkfront_rsp_prod_ok - may the backend have produced this many responses?
 * @rsp_prod: the backend's response producer, as read once
 * @rsp_cons: the responses pvk consumed
 * @req_prod: the requests pvk made (published or not)
 *
 * There is at most one response per request, and pvk never has more
 * requests outstanding than the ring holds, so a producer within the
 * outstanding requests also stays within the ring.  Unsigned arithmetic
 * keeps the check right across index wrap.
 */
bool blkfront_rsp_prod_ok(RING_IDX rsp_prod, RING_IDX rsp_cons,
			  RING_IDX req_prod)
{
	return rsp_prod - rsp_cons <= req_prod - rsp_cons;
}

/**
 * blkfront_rsp_check - may a response complete the request it names?
 * @rsp: the response, copied out of the ring
 * @shadow: pvk's record of each ring slot
 * @nr_slots: entries of @shadow (the ring's size)
 *
 * Returns 0, -ENOENT if @rsp's id names no request in flight (unknown, or
 * already answered: a completed slot is free), or -EPROTO if its
 * operation is not one the request may be answered with.
 */
int blkfront_rsp_check(const struct blkif_response *rsp,
		       const struct shadow *shadow, unsigned int nr_slots)
{
	const struct shadow *s;

	if (rsp->id >= nr_slots || !shadow[rsp->id].req)
		return -ENOENT;
	s = &shadow[rsp->id];
	if (rsp->operation != s->op && rsp->operation != s->alt_op)
		return -EPROTO;
	return 0;
}

/**
 * blkfront_rsp_errno - the outcome of a request, from its response's status
 * @name: the disk's name, for the log
 * @op: the operation of the request
 * @status: the response's status
 *
 * Returns 0 for BLKIF_RSP_OKAY, -EOPNOTSUPP when the backend refuses a
 * flush, barrier or discard (an optional operation the caller then stops
 * using), else -EIO; a status blkif.h does not define is logged.
 */
int blkfront_rsp_errno(const char *name, u8 op, s16 status)
{
	bool optional = op == BLKIF_OP_FLUSH_DISKCACHE ||
			op == BLKIF_OP_WRITE_BARRIER || op == BLKIF_OP_DISCARD;

	if (status == BLKIF_RSP_OKAY)
		return 0;
	if (status == BLKIF_RSP_EOPNOTSUPP && optional)
		return -EOPNOTSUPP;
	if (status != BLKIF_RSP_ERROR && status != BLKIF_RSP_EOPNOTSUPP)
		pr_warn("%s: unknown response status %d, taken as an error\n",
			name, status);
	return -EIO;
}
