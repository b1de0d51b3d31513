// SPDX-License-Identifier: MIT
/*
 * Checks of what a network backend puts on the tx and rx response rings,
 * apart from the driver that acts on them (xen-netfront.c).  The backend
 * is untrusted: each response is checked here, on the copy the driver
 * took of it, before the driver touches the slot or the page it names.
 * Nothing here touches a grant, a lock or an event channel, so the host
 * unit test tests/test_netfront_rsp.c and the fuzz target
 * tests/fuzz/fuzz_netfront_rsp.c build this file too.
 */
#include <pvk/kernel.h>
#include <pvk/errno.h>
#include "xen-netfront.h"

/**
 * xennet_rsp_prod_ok - may the backend have produced this many responses?
 * @rsp_prod: the backend's response producer, as read once
 * @rsp_cons: the responses pvk consumed
 * @req_prod: the requests pvk made
 *
 * At most one response slot per request slot, and pvk never has more
 * requests outstanding than the ring holds, so this bounds the
 * responses by the ring's size too, across index wrap.
 */
bool xennet_rsp_prod_ok(RING_IDX rsp_prod, RING_IDX rsp_cons,
			RING_IDX req_prod)
{
	return rsp_prod - rsp_cons <= req_prod - rsp_cons;
}

/**
 * xennet_tx_rsp_check - may a tx response free the slot it names?
 * @rsp: the response, copied out of the ring
 * @slots: the queue's XENNET_TX_RING_SIZE tx slots
 *
 * Returns 0, -EPROTO for a NETIF_RSP_NULL status (which only answers
 * extra-info requests, and pvk sends none), or -ENOENT if the id names no
 * request in flight (unknown, or already answered).
 */
int xennet_tx_rsp_check(const struct netif_tx_response *rsp,
			const struct xennet_tx_slot *slots)
{
	if (rsp->status == NETIF_RSP_NULL)
		return -EPROTO;
	if (rsp->id >= XENNET_TX_RING_SIZE || !slots[rsp->id].inflight)
		return -ENOENT;
	return 0;
}

/**
 * xennet_rx_rsp_check - is an rx data response one pvk may read?
 * @rsp: the response, copied out of the ring
 * @cons: the ring index it was taken from
 *
 * pvk posts the buffer of ring index i with id i & (ring size - 1), and
 * the backend answers in order.  Returns the frame's bytes in the page
 * (rsp->status, at least 0) if the id is that one and the bytes at
 * rsp->offset lie inside the page; -ENOENT for another id, -EIO if the
 * backend gave up on the slot (NETIF_RSP_ERROR or NETIF_RSP_DROPPED),
 * -EBADMSG for another negative status (none that netif.h knows),
 * -ERANGE if the bytes do not lie inside the page.
 */
int xennet_rx_rsp_check(const struct netif_rx_response *rsp, RING_IDX cons)
{
	unsigned int off = rsp->offset;
	int size = rsp->status;

	if (rsp->id != (cons & (XENNET_RX_RING_SIZE - 1)))
		return -ENOENT;
	if (size == NETIF_RSP_ERROR || size == NETIF_RSP_DROPPED)
		return -EIO;
	if (size < 0)
		return -EBADMSG;
	if (off >= PAGE_SIZE || (unsigned int)size > PAGE_SIZE - off)
		return -ERANGE;
	return size;
}

/**
 * xennet_kept_grants_ok - may a device go on after its backend kept grants?
 * @kept: grants it kept mapped after answering, this one included
 *
 * An honest backend unmaps before it answers.  A few kept ones are
 * tolerated (each costs a deferred ref and page); beyond
 * XENNET_KEPT_GRANTS_MAX the device is disabled, so one backend cannot
 * drain the grant table every device shares.
 */
bool xennet_kept_grants_ok(unsigned int kept)
{
	return kept <= XENNET_KEPT_GRANTS_MAX;
}

/**
 * xennet_rx_extra_type_ok - is an rx extra-info slot of a known type?
 * @extra: the slot, copied out of the ring
 *
 * A slot of another type spoils its packet; the chain goes on.
 */
bool xennet_rx_extra_type_ok(const struct netif_extra_info *extra)
{
	return extra->type != XEN_NETIF_EXTRA_TYPE_NONE &&
	       extra->type < XEN_NETIF_EXTRA_TYPE_MAX;
}

/**
 * xennet_rx_extra_chain_ok - may an rx extra-info chain go on after a slot?
 * @extra: the slot, copied out of the ring
 * @n: its position in the chain, from 1
 *
 * A chain holds at most one slot per type, XEN_NETIF_EXTRA_TYPE_MAX - 1
 * of them; false if @extra still asks for more after that many (the
 * chain then ends at @extra, and the packet is spoilt).
 */
bool xennet_rx_extra_chain_ok(const struct netif_extra_info *extra,
			      unsigned int n)
{
	return n < XEN_NETIF_EXTRA_TYPE_MAX ||
	       !(extra->flags & XEN_NETIF_EXTRA_FLAG_MORE);
}
