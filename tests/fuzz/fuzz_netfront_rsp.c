// SPDX-License-Identifier: MIT
/*
 * Fuzz target: netfront's checks of its backend's responses
 * (drivers/net/xen-netfront-rsp.c), driven over a fake one-page shared
 * ring as xen-netfront.c drives them: tx_reclaim_locked() for the tx
 * ring; xennet_rx_poll(), rx_one_packet(), rx_data_slot() and
 * rx_extras() for the rx ring.  The producer is read once per round and
 * bounded by the requests outstanding, each response is copied out of
 * the ring before it is checked, and the bytes of every rx fragment
 * accepted are read from a heap page of PAGE_SIZE bytes, so that
 * AddressSanitizer sees a fragment that leaves its page.
 *
 * Input: struct nf_fuzz_hdr (little-endian), then the ring page (short
 * input leaves the rest zero).  @mode bit 0 selects the tx ring, else rx.
 * Outstanding requests: rx, @rx_posted buffers posted from rsp_cons on;
 * tx, the ids set in @tx_inflight.  The backend's rsp_prod for each round
 * comes from @rsp_prod, overriding the page's own.
 *
 * Asserts that no slot or tx id is completed twice, that no more
 * responses are consumed than requests were outstanding (nor than the
 * ring holds), that every accepted rx fragment lies within its page and
 * carries the id pvk posted, and that extra-info chains stay bounded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/net/xen-netfront.h"
#include "../fake_printk.h"
#include "fuzz_check.h"

#define ROUNDS		3
#define NF_FUZZ_TX	(1U << 0)
#define RX_MASK		(XENNET_RX_RING_SIZE - 1)

struct nf_fuzz_hdr {
	u8 mode;
	u8 pad;
	u16 rx_posted;		/* rx: buffers posted, at most the ring's size */
	u32 rsp_cons;
	u32 rsp_prod[ROUNDS];
	u8 tx_inflight[XENNET_TX_RING_SIZE / 8];
};

union ring_page {
	struct netif_tx_sring tx;
	struct netif_rx_sring rx;
	u8 bytes[PAGE_SIZE];
};

struct rx_state {
	struct netif_rx_front_ring ring;
	bool posted[XENNET_RX_RING_SIZE];
	u8 *buf;		/* every slot's page: one heap page */
	u8 frame[XENNET_MAX_FRAME];
};

struct rx_packet {
	size_t len;
	unsigned int slots;
	bool ok;
};

static union ring_page page;
static volatile u8 sink;

/* ---- rx ------------------------------------------------------------- */

static void rx_data_slot(struct rx_state *st, RING_IDX cons,
			 const struct netif_rx_response *rsp,
			 struct rx_packet *pkt)
{
	int size;

	pkt->slots++;
	if (!pkt->ok)
		return;
	size = xennet_rx_rsp_check(rsp, cons);
	if (size < 0) {
		fuzz_check(size == -ENOENT || size == -EIO || size == -EBADMSG ||
			   size == -ERANGE,
		      "unexpected rx check error");
		pkt->ok = false;
		return;
	}
	fuzz_check(rsp->id == (cons & RX_MASK), "accepted an rx id pvk did not post");
	fuzz_check(rsp->offset + (unsigned int)size <= PAGE_SIZE,
	      "accepted an rx fragment beyond its page");
	if (pkt->slots == 1 && !(rsp->flags & NETRXF_more_data)) {
		/* Read in place: every byte of it, as the stack may. */
		for (int i = 0; i < size; i++)
			sink ^= st->buf[rsp->offset + i];
		pkt->len = size;
	} else if (pkt->len + size > XENNET_MAX_FRAME) {
		pkt->ok = false;
	} else {
		memcpy(st->frame + pkt->len, st->buf + rsp->offset, size);
		pkt->len += size;
	}
}

static RING_IDX rx_extras(struct rx_state *st, RING_IDX cons, RING_IDX prod,
			  struct rx_packet *pkt)
{
	struct netif_rx_response raw;
	struct netif_extra_info extra;
	unsigned int n = 0;

	do {
		if (cons == prod) {
			pkt->ok = false;
			return cons;
		}
		RING_COPY_RESPONSE(&st->ring, cons, &raw);
		memcpy(&extra, &raw, sizeof(extra));
		cons++;
		if (!xennet_rx_extra_type_ok(&extra))
			pkt->ok = false;
		if (!xennet_rx_extra_chain_ok(&extra, ++n)) {
			pkt->ok = false;
			return cons;
		}
		fuzz_check(n < XEN_NETIF_EXTRA_TYPE_MAX ||
		      !(extra.flags & XEN_NETIF_EXTRA_FLAG_MORE),
		      "extra-info chain goes on past its bound");
	} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	return cons;
}

static void rx_one_packet(struct rx_state *st, RING_IDX prod)
{
	struct rx_packet pkt = { .ok = true };
	struct netif_rx_response rsp;
	RING_IDX start = st->ring.rsp_cons, cons = start, i;
	bool more;

	RING_COPY_RESPONSE(&st->ring, cons, &rsp);
	rx_data_slot(st, cons++, &rsp, &pkt);
	if (rsp.flags & NETRXF_extra_info)
		cons = rx_extras(st, cons, prod, &pkt);
	more = rsp.flags & NETRXF_more_data;
	while (more) {
		if (cons == prod)
			break;
		if (pkt.slots == XENNET_MAX_SLOTS)
			pkt.ok = false;
		RING_COPY_RESPONSE(&st->ring, cons, &rsp);
		more = rsp.flags & NETRXF_more_data;
		rx_data_slot(st, cons++, &rsp, &pkt);
	}
	fuzz_check(cons - start <= prod - start, "rx packet consumed past rsp_prod");
	fuzz_check(!pkt.ok || pkt.slots == 1 || pkt.len <= XENNET_MAX_FRAME,
	      "assembled an oversized frame");
	for (i = start; i != cons; i++) {
		fuzz_check(st->posted[i & RX_MASK], "rx slot consumed twice");
		st->posted[i & RX_MASK] = false;
	}
	st->ring.rsp_cons = cons;
}

static void fuzz_rx(const struct nf_fuzz_hdr *h)
{
	static struct rx_state st;
	unsigned int posted = MIN((unsigned int)h->rx_posted, XENNET_RX_RING_SIZE);
	RING_IDX first = h->rsp_cons;

	memset(&st.ring, 0, sizeof(st.ring));
	memset(st.posted, 0, sizeof(st.posted));
	st.ring.sring = &page.rx;
	st.ring.nr_ents = XENNET_RX_RING_SIZE;
	st.ring.rsp_cons = first;
	st.ring.req_prod_pvt = first + posted;
	for (unsigned int i = 0; i < posted; i++)
		st.posted[(first + i) & RX_MASK] = true;
	st.buf = malloc(PAGE_SIZE);
	fuzz_check(st.buf != NULL, "out of memory");
	memset(st.buf, 0x5a, PAGE_SIZE);

	for (unsigned int round = 0; round < ROUNDS; round++) {
		RING_IDX prod = h->rsp_prod[round];

		page.rx.rsp_prod = prod;
		if (!xennet_rsp_prod_ok(prod, st.ring.rsp_cons,
					st.ring.req_prod_pvt))
			break;
		fuzz_check(prod - st.ring.rsp_cons <= XENNET_RX_RING_SIZE,
		      "accepted more rx responses than the ring holds");
		while (st.ring.rsp_cons != prod)
			rx_one_packet(&st, prod);
		fuzz_check(st.ring.rsp_cons - first <= posted,
		      "consumed more rx responses than buffers were posted");
	}
	free(st.buf);
}

/* ---- tx ------------------------------------------------------------- */

static void fuzz_tx(const struct nf_fuzz_hdr *h)
{
	static struct xennet_tx_slot slots[XENNET_TX_RING_SIZE];
	struct netif_tx_front_ring ring;
	unsigned int outstanding = 0, consumed = 0;

	memset(slots, 0, sizeof(slots));
	for (unsigned int id = 0; id < XENNET_TX_RING_SIZE; id++) {
		slots[id].inflight = h->tx_inflight[id / 8] & (1U << (id % 8));
		outstanding += slots[id].inflight;
	}
	memset(&ring, 0, sizeof(ring));
	ring.sring = &page.tx;
	ring.nr_ents = XENNET_TX_RING_SIZE;
	ring.rsp_cons = h->rsp_cons;
	ring.req_prod_pvt = h->rsp_cons + outstanding;

	for (unsigned int round = 0; round < ROUNDS; round++) {
		RING_IDX prod = h->rsp_prod[round], cons = ring.rsp_cons;

		page.tx.rsp_prod = prod;
		if (!xennet_rsp_prod_ok(prod, cons, ring.req_prod_pvt))
			break;
		fuzz_check(prod - cons <= XENNET_TX_RING_SIZE,
		      "accepted more tx responses than the ring holds");
		for (; cons != prod; cons++) {
			struct netif_tx_response rsp;
			int err;

			RING_COPY_RESPONSE(&ring, cons, &rsp);
			consumed++;
			fuzz_check(consumed <= outstanding,
			      "consumed more tx responses than requests were outstanding");
			err = xennet_tx_rsp_check(&rsp, slots);
			if (err) {
				fuzz_check(err == -EPROTO || err == -ENOENT,
				      "unexpected tx check error");
				continue;
			}
			fuzz_check(rsp.id < XENNET_TX_RING_SIZE && slots[rsp.id].inflight,
			      "tx id completed twice or never sent");
			slots[rsp.id].inflight = false;
		}
		ring.rsp_cons = cons;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t len)
{
	struct nf_fuzz_hdr h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	memset(&page, 0, sizeof(page));
	memcpy(page.bytes, data + sizeof(h), MIN(len - sizeof(h), sizeof(page)));
	if (h.mode & NF_FUZZ_TX)
		fuzz_tx(&h);
	else
		fuzz_rx(&h);
	return 0;
}
