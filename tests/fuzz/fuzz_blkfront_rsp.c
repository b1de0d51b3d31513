// SPDX-License-Identifier: MIT
/*
 * Fuzz target: blkfront's checks of its backend's responses
 * (drivers/block/xen-blkfront-rsp.c), driven over a fake one-page shared
 * ring as poll_responses() and handle_response() in xen-blkfront.c
 * drive them: the producer is read once per round and bounded by the
 * requests outstanding, each response is copied out of the ring before
 * it is checked, a completed slot is freed, the first bad response ends
 * the poll (for the driver it is fatal).
 *
 * Input: struct blk_fuzz_hdr (little-endian), then the ring page
 * (struct blkif_sring; short input leaves the rest zero).  The requests
 * outstanding are the slots of @inflight, so pvk's req_prod is rsp_cons
 * plus their number; the backend's rsp_prod for each round comes from
 * @rsp_prod, overriding the page's own.
 *
 * Asserts that no request completes twice, that no more responses are
 * consumed than requests were outstanding (nor than the ring holds), and
 * that a status maps to 0, -EIO or (optional operations) -EOPNOTSUPP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include <asm/page.h>
#include "../../drivers/block/xen-blkfront-rsp.h"
#include "../fake_printk.h"
#include "fuzz_check.h"

#define ROUNDS		3
#define NR_SLOTS	__CONST_RING_SIZE(blkif, PAGE_SIZE)

_Static_assert(NR_SLOTS <= 32, "one bit of blk_fuzz_hdr.inflight per slot");

struct blk_fuzz_hdr {
	u32 rsp_cons;
	u32 inflight;		/* bit n: slot n has a request in flight */
	u32 alt_indirect;	/* bit n: slot n was sent indirect */
	u32 rsp_prod[ROUNDS];
	u8 op[NR_SLOTS];	/* each slot's operation */
};

static union {
	struct blkif_sring sring;
	u8 bytes[PAGE_SIZE];
} page;

static bool optional_op(u8 op)
{
	return op == BLKIF_OP_FLUSH_DISKCACHE ||
	       op == BLKIF_OP_WRITE_BARRIER || op == BLKIF_OP_DISCARD;
}

/* One response: false ends the poll, as a fatal error does. */
static bool complete(const struct blkif_response *rsp, struct shadow *shadow,
		     u32 *done)
{
	struct shadow *s;
	int err = blkfront_rsp_check(rsp, shadow, NR_SLOTS);

	if (err) {
		fuzz_check(err == -ENOENT || err == -EPROTO, "unexpected check error");
		return false;
	}
	fuzz_check(rsp->id < NR_SLOTS, "accepted an id beyond the ring");
	fuzz_check(!(*done & (1U << rsp->id)), "a request completed twice");
	s = &shadow[rsp->id];
	fuzz_check(s->req != NULL, "accepted a free slot");
	fuzz_check(rsp->operation == s->op || rsp->operation == s->alt_op,
	      "accepted the wrong operation");
	err = blkfront_rsp_errno("xvda", s->op, rsp->status);
	fuzz_check(err == 0 || err == -EIO ||
	      (err == -EOPNOTSUPP && optional_op(s->op)), "bad status errno");
	fuzz_check(!err == (rsp->status == BLKIF_RSP_OKAY), "OKAY is not 0");
	*done |= 1U << rsp->id;
	s->req = NULL;
	return true;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	static struct blk_request req;
	struct shadow shadow[NR_SLOTS];
	struct blkif_front_ring ring;
	struct blk_fuzz_hdr h;
	unsigned int outstanding = 0, consumed = 0;
	u32 done = 0;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	memset(&page, 0, sizeof(page));
	memcpy(page.bytes, data + sizeof(h), MIN(len - sizeof(h), sizeof(page)));
	memset(shadow, 0, sizeof(shadow));
	for (unsigned int i = 0; i < NR_SLOTS; i++) {
		if (!(h.inflight & (1U << i)))
			continue;
		shadow[i].req = &req;
		shadow[i].op = shadow[i].alt_op = h.op[i];
		if (h.alt_indirect & (1U << i))
			shadow[i].alt_op = BLKIF_OP_INDIRECT;
		outstanding++;
	}
	memset(&ring, 0, sizeof(ring));
	ring.sring = &page.sring;
	ring.nr_ents = NR_SLOTS;
	ring.rsp_cons = h.rsp_cons;
	ring.req_prod_pvt = h.rsp_cons + outstanding;

	for (unsigned int round = 0; round < ROUNDS; round++) {
		RING_IDX rp, cons = ring.rsp_cons;

		page.sring.rsp_prod = h.rsp_prod[round];
		rp = page.sring.rsp_prod;
		if (!blkfront_rsp_prod_ok(rp, cons, ring.req_prod_pvt))
			break;
		fuzz_check(rp - cons <= NR_SLOTS, "accepted more responses than the ring holds");
		for (; cons != rp; cons++) {
			struct blkif_response rsp;

			memcpy(&rsp, RING_GET_RESPONSE(&ring, cons), sizeof(rsp));
			if (!complete(&rsp, shadow, &done))
				return 0;
			consumed++;
			fuzz_check(consumed <= outstanding,
			      "consumed more responses than requests were outstanding");
		}
		ring.rsp_cons = cons;
	}
	return 0;
}
