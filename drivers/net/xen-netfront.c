// SPDX-License-Identifier: MIT
/*
 * Xen network frontend: pvk's side of the netif split driver (a "vif"),
 * attached to pvk's own stack as a struct net_device.
 *
 * Protocol (Xen's io/netif.h), as pvk speaks it:
 *  - receive is copy only (request-rx-copy=1): pvk posts its own pages,
 *    granted writable, and the backend grant-copies frames into them;
 *    pvk never flips pages;
 *  - one to XENNET_MAX_QUEUES queue pairs (multi-queue-num-queues,
 *    queue-N/ subtrees), each with its tx and rx ring page and one event
 *    channel, or one per direction (feature-split-event-channels);
 *  - scatter-gather (feature-sg): a frame may span several tx slots
 *    (NETTXF_more_data; netfront=tx-slot=N sets the bytes per slot) and
 *    the backend may spread a received one over several rx slots;
 *  - checksum offload: unless either side opts out
 *    (feature-no-csum-offload), UDP goes out with only the pseudo-header
 *    sum (NETTXF_csum_blank) and received frames the backend vouches for
 *    (NETRXF_data_validated / NETRXF_csum_blank) skip the software check;
 *  - feature-gso-tcpv4 is only logged: pvk has no TCP, sends no GSO and
 *    does not ask for it, yet skips NETRXF_extra_info slots safely.
 *
 * The backend is untrusted.  Every response is copied out of the shared
 * ring once and only the copy is looked at; ids, statuses and
 * offset+size are checked (xen-netfront-rsp.c) against pvk's own
 * bookkeeping before anything is touched; the response producer may
 * never run ahead of the requests pvk made (else the device is disabled
 * with one clear log line); and the grant of a page is revoked before
 * pvk reads it, so the backend cannot change a frame under the stack.
 * A grant the backend still maps is not reused: the page and the ref go
 * to the grant code's deferred list and the slot gets fresh ones.  In
 * bounce mode (netfront=bounce, or a "trusted" node of 0) every packet
 * uses a fresh zeroed page and a fresh grant, both released after it,
 * so nothing is ever reused.
 *
 * A tx response whose id is not in flight (unknown, or answered twice)
 * disables the device, naming the id.
 *
 * Locking: per queue, rx_lock guards the rx ring and slots, tx_lock the
 * tx ring, slots and free ids; both are taken with interrupts (events)
 * off.  One receive poller at a time (rx_polling) takes a packet off the
 * ring under rx_lock and hands it to the stack with the lock dropped, so
 * a reply the stack sends takes only tx_lock; its slots are reposted
 * under rx_lock again.  A poll hands over XENNET_RX_BUDGET packets at
 * most and leaves the rest to the "netfront" thread.  Where both locks
 * are taken (queue_quiesce()) the order is rx_lock -> tx_lock.
 */
#define pr_fmt(fmt) "netfront: " fmt

#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/params.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <xen/events.h>
#include "xen-netfront.h"

#define RX_MASK		(XENNET_RX_RING_SIZE - 1)
#define LOG_FIRST_N	8	/* malformed responses logged per queue */
#define STORMS_LOGGED	3	/* event storms logged per queue */

_Static_assert(sizeof(struct netif_extra_info) == sizeof(struct netif_rx_response),
	       "an extra-info slot takes exactly one rx response");
_Static_assert(XENNET_TX_RING_SIZE <= 0x10000, "tx ids are 16 bits");
_Static_assert(XENNET_TX_RING_SIZE == XENNET_RX_RING_SIZE, "one ring size in logs");

static struct xennet_options xennet_opts;
static bool xennet_opts_parsed;
static struct xennet_info *xennet_devices;
static DEFINE_SPINLOCK(xennet_list_lock);
/* Which addresses of ip= a vif holds (bit i: the i-th); xenwatch only. */
static unsigned int xennet_ips_taken;

/* netfront=LIST, parsed by xennet_parse_options() at the first probe. */
char xennet_options_arg[64];
param_string("netfront", xennet_options_arg);
/*
 * ip=A.B.C.D/N[,...]: the address of the first vif to come up, then of
 * the second, ...; without it, DHCP on each.
 */
char xennet_ip[80];
param_string("ip", xennet_ip);

#define q_stat_add(q, field, n) \
	__atomic_fetch_add(&(q)->stats.field, (n), __ATOMIC_RELAXED)

static void xennet_disable(struct xennet_info *info, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- buffers: a page, its grant, and how they are reused -------------- */

static void buf_init(struct xennet_buf *b)
{
	b->page = NULL;
	b->ref = INVALID_GRANT_REF;
	b->bounce = false;
	b->dirty_off = b->dirty_len = 0;
}

/* Give everything back; a grant still mapped is deferred with its page. */
static void buf_free(struct xennet_buf *b)
{
	if (b->ref != INVALID_GRANT_REF)
		gnttab_end_foreign_access(b->ref, b->page);
	else if (b->page)
		free_pages(b->page, 0);
	buf_init(b);
}

/*
 * Make @b hold a page pvk may write: in normal mode the slot keeps its
 * page (and ref) from one packet to the next, in bounce mode it gets a
 * fresh zeroed page every time, so nothing the backend saw is reused.
 */
static int buf_get_page(struct xennet_info *info, struct xennet_buf *b)
{
	bool bounce = READ_ONCE(info->bounce);	/* may change at run time */

	if (bounce || b->bounce) {
		/* Switching modes: drop what the slot kept in normal mode. */
		if (!b->bounce && (b->page || b->ref != INVALID_GRANT_REF))
			buf_free(b);
		b->bounce = bounce;
	}
	if (!b->page)
		b->page = alloc_page_zeroed();
	return b->page ? 0 : -ENOMEM;
}

/* Grant @b's page to the backend (a fresh ref in bounce mode). */
static int buf_grant(struct xennet_info *info, struct xennet_buf *b,
		     bool readonly)
{
	unsigned long pfn = xen_virt_to_pfn(b->page);
	int ref;

	if (b->bounce) {
		ref = gnttab_grant_foreign_access(info->backend_id, pfn, readonly);
		if (ref < 0)
			return ref;
		b->ref = (grant_ref_t)ref;
		return 0;
	}
	if (b->ref == INVALID_GRANT_REF && gnttab_alloc_refs(1, &b->ref)) {
		b->ref = INVALID_GRANT_REF;
		return -ENOSPC;
	}
	gnttab_grant_foreign_access_ref(b->ref, info->backend_id, pfn, readonly);
	return 0;
}

/*
 * The backend answered but still maps the page: it may keep doing so for
 * good.  Past a small number per device the device is disabled, so it
 * takes no fresh page and ref for each one kept (Linux marks such a
 * device broken at the first).
 */
static void grant_kept(struct xennet_queue *q)
{
	struct xennet_info *info = q->info;
	unsigned int kept = __atomic_add_fetch(&info->grants_kept, 1,
					       __ATOMIC_RELAXED);

	q_stat_add(q, grants_deferred, 1);
	if (!xennet_kept_grants_ok(kept))
		xennet_disable(info,
			       "queue %u: backend keeps %u granted pages mapped after answering (at most %u per device)",
			       q->id, kept, XENNET_KEPT_GRANTS_MAX);
}

/*
 * Take the backend's access away before pvk looks at or reuses the page.
 * True: the page is pvk's alone again (the ref stays allocated).  False:
 * the backend still maps it; page and ref go to the grant code's deferred
 * list (freed once it lets go) and @b is left empty for a fresh pair.
 */
static bool buf_revoke(struct xennet_queue *q, struct xennet_buf *b)
{
	int err;

	if (b->ref == INVALID_GRANT_REF)
		return false;
	err = gnttab_end_foreign_access_ref(b->ref);
	if (!err)
		return true;
	if (err == -EBUSY) {
		gnttab_end_foreign_access(b->ref, b->page);
		grant_kept(q);
	} else {
		/* Our own bookkeeping is off: never touch this pair again. */
		pr_err("%s: queue %u: revoking grant %u failed (%d); page dropped\n",
		       q->info->name, q->id, b->ref, err);
	}
	buf_init(b);
	return false;
}

/* After a packet: bounce buffers return page and ref now. */
static void buf_release(struct xennet_buf *b)
{
	if (b->bounce)
		buf_free(b);
}

/*
 * An rx page the slot keeps gets what the backend wrote zeroed before it
 * is posted again: it then holds nothing but zeroes, so no byte of an
 * earlier frame goes back to the backend (bounce pages are fresh).
 */
static void buf_rx_scrub(struct xennet_buf *b)
{
	if (!b->bounce && b->page && b->dirty_len)
		memset((u8 *)b->page + b->dirty_off, 0, b->dirty_len);
	b->dirty_off = b->dirty_len = 0;
}

/*
 * A kept tx page holds @n new bytes from its start: zero what remains of
 * a longer earlier packet past them, so the backend, which may read the
 * whole page, sees this packet and zeroes.
 */
static void buf_tx_filled(struct xennet_buf *b, size_t n)
{
	if (b->dirty_len > n)
		memset((u8 *)b->page + n, 0, b->dirty_len - n);
	b->dirty_off = 0;
	b->dirty_len = (u16)n;
}

/* ---- event channels ----------------------------------------------------- */

static void xennet_notify(struct xennet_queue *q, evtchn_port_t port,
			  bool rx)
{
	if (!port)
		return;		/* no channel bound: nobody to kick */
	xen_evtchn_notify(port);
	if (rx)
		q_stat_add(q, notify_rx, 1);
	else
		q_stat_add(q, notify_tx, 1);
}

/* ---- error handling ----------------------------------------------------- */

/*
 * The backend broke the protocol in a way that leaves the rings in an
 * unknown state: stop using the device for good (until it reconnects).
 */
static void xennet_disable(struct xennet_info *info, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(&info->broken, true, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(info->broken_why, sizeof(info->broken_why), fmt, ap);
	va_end(ap);
	pr_err("%s: %s; device disabled\n", info->name, info->broken_why);
}

/* A malformed response: counted, and the first few logged. */
__attribute__((format(printf, 2, 3)))
static void bad_response(struct xennet_queue *q, const char *fmt, ...)
{
	u64 n = __atomic_add_fetch(&q->stats.bad_responses, 1, __ATOMIC_RELAXED);
	char buf[120];
	va_list ap;

	if (n > LOG_FIRST_N)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_warn("%s: queue %u: %s%s\n", q->info->name, q->id, buf,
		n == LOG_FIRST_N ? " (further ones only counted)" : "");
}

/*
 * Responses the backend claims to have produced, checked against the
 * requests pvk has outstanding (which is never more than the ring holds).
 */
static bool responses_sane(struct xennet_queue *q, const char *ring,
			   RING_IDX prod, RING_IDX cons, RING_IDX req_prod)
{
	if (xennet_rsp_prod_ok(prod, cons, req_prod))
		return true;
	xennet_disable(q->info,
		       "queue %u: %s rsp_prod %u is %u past rsp_cons, but only %u requests are outstanding (ring size %u)",
		       q->id, ring, prod, prod - cons, req_prod - cons,
		       XENNET_RX_RING_SIZE);
	return false;
}

/* ---- transmit ---------------------------------------------------------- */

/*
 * One transmit response; tx_lock held.  False if its id names no request
 * in flight (unknown, or answered before): the backend's view of the
 * ring is then not pvk's, so the device is disabled before a slot is
 * freed twice or one is never freed (Linux's hardened netfront does the
 * same).  A NULL response is skipped, counted.
 */
static bool tx_complete(struct xennet_queue *q, const struct netif_tx_response *rsp)
{
	struct xennet_tx_slot *s;
	int err = xennet_tx_rsp_check(rsp, q->tx_slots);

	if (err == -EPROTO) {
		bad_response(q, "tx NULL response (id %u) to no extra-info request",
			     rsp->id);
		return true;
	}
	if (err) {
		q_stat_add(q, bad_responses, 1);
		xennet_disable(q->info,
			       "queue %u: tx response for id %u, which is not in flight (unknown or answered twice)",
			       q->id, rsp->id);
		return false;
	}
	s = &q->tx_slots[rsp->id];
	if (rsp->status != NETIF_RSP_OKAY)
		q_stat_add(q, tx_errors, 1);
	if (buf_revoke(q, &s->buf))
		buf_release(&s->buf);
	s->inflight = false;
	q->tx_free[q->nr_tx_free++] = rsp->id;
	return true;
}

/* Collect the backend's transmit responses; tx_lock held. */
static void tx_reclaim_locked(struct xennet_queue *q)
{
	struct netif_tx_response rsp;
	RING_IDX cons, prod;
	int more;

	do {
		prod = READ_ONCE(q->tx.sring->rsp_prod);
		xen_rmb();	/* the responses, after the index that covers them */
		cons = q->tx.rsp_cons;
		if (!responses_sane(q, "tx", prod, cons, q->tx.req_prod_pvt))
			return;
		for (; cons != prod; cons++) {
			RING_COPY_RESPONSE(&q->tx, cons, &rsp);
			if (!tx_complete(q, &rsp))
				return;
		}
		q->tx.rsp_cons = cons;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	} while (more);
}

/**
 * xennet_tx_poll - collect finished transmissions of a queue
 * @q: the queue
 *
 * Run from the queue's (tx) event handler; the self-tests call it too.
 */
void xennet_tx_poll(struct xennet_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (READ_ONCE(q->info->connected) && !READ_ONCE(q->info->broken))
		tx_reclaim_locked(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
}

/* Undo the first @n slots of a packet that never reached the ring. */
static void tx_unwind(struct xennet_queue *q, const u16 *ids, unsigned int n)
{
	while (n--) {
		struct xennet_tx_slot *s = &q->tx_slots[ids[n]];

		if (buf_revoke(q, &s->buf))
			buf_release(&s->buf);
		s->inflight = false;
		q->tx_free[q->nr_tx_free++] = ids[n];
	}
}

/**
 * xennet_xmit_queue - send one frame on a given queue
 * @q: the queue
 * @frame: a complete Ethernet frame; copied before this returns
 * @len: its length (ETH_HLEN..XENNET_MAX_FRAME)
 *
 * The frame is copied into pages granted read-only to the backend, split
 * into slots of info->tx_slot_max bytes when scatter-gather is on.  UDP
 * whose checksum the stack left to the backend (net_tx_csum_partial())
 * is marked NETTXF_csum_blank | NETTXF_data_validated.  Returns 0;
 * -EAGAIN when the ring or the free ids are used up (nothing is queued:
 * pvk's stack retries or drops); -ENOMEM; -EIO on a stopped device;
 * -EINVAL for a bad length.
 */
int xennet_xmit_queue(struct xennet_queue *q, const void *frame, size_t len)
{
	struct xennet_info *info = q->info;
	size_t chunk = info->sg ? info->tx_slot_max : PAGE_SIZE;
	unsigned int nslots = (unsigned int)((len + chunk - 1) / chunk);
	u16 ids[XENNET_MAX_SLOTS];
	unsigned long flags;
	u16 flags0 = 0;
	unsigned int i;
	RING_IDX prod;
	size_t off;
	int notify, ret = 0;

	if (len < ETH_HLEN || len > XENNET_MAX_FRAME || nslots > XENNET_MAX_SLOTS)
		return -EINVAL;
	if (net_tx_csum_partial(&info->netdev, frame, len))
		flags0 = NETTXF_csum_blank | NETTXF_data_validated;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (!READ_ONCE(info->connected) || READ_ONCE(info->broken)) {
		ret = -EIO;
		goto out;
	}
	tx_reclaim_locked(q);
	if (READ_ONCE(info->broken)) {
		ret = -EIO;	/* the responses just collected disabled it */
		goto out;
	}
	if (RING_FREE_REQUESTS(&q->tx) < nslots || q->nr_tx_free < nslots) {
		q_stat_add(q, tx_busy, 1);
		ret = -EAGAIN;
		goto out;
	}

	prod = q->tx.req_prod_pvt;
	for (i = 0, off = 0; i < nslots; i++, off += chunk) {
		size_t n = MIN(chunk, len - off);
		u16 id = q->tx_free[--q->nr_tx_free];
		struct xennet_tx_slot *s = &q->tx_slots[id];
		struct netif_tx_request req;

		ids[i] = id;
		s->inflight = true;
		ret = buf_get_page(info, &s->buf);
		if (!ret) {
			memcpy(s->buf.page, (const u8 *)frame + off, n);
			buf_tx_filled(&s->buf, n);
			ret = buf_grant(info, &s->buf, true);
		}
		if (ret) {
			/* This slot was never granted: only its page to drop. */
			if (s->buf.bounce)
				buf_free(&s->buf);
			s->inflight = false;
			q->tx_free[q->nr_tx_free++] = id;
			tx_unwind(q, ids, i);
			q_stat_add(q, alloc_failed, 1);
			goto out;
		}
		req.gref = s->buf.ref;
		req.offset = 0;
		req.flags = (i ? 0 : flags0) |
			    (i + 1 < nslots ? NETTXF_more_data : 0);
		req.id = id;
		/* The first slot carries the whole frame's length. */
		req.size = (u16)(i ? n : len);
		*RING_GET_REQUEST(&q->tx, prod + i) = req;
	}
	q->tx.req_prod_pvt = prod + nslots;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		xennet_notify(q, q->tx_evtchn, false);
	q_stat_add(q, tx_packets, 1);
	q_stat_add(q, tx_slots, nslots);
	if (flags0)
		q_stat_add(q, tx_csum_partial, 1);
out:
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return ret;
}

/* net_device.xmit: the queue of the sending CPU. */
static int xennet_xmit(struct net_device *dev, const void *frame, size_t len)
{
	struct xennet_info *info = dev->priv;
	unsigned int nq = READ_ONCE(info->num_queues);

	if (!nq)
		return -EIO;
	return xennet_xmit_queue(&info->queues[smp_processor_id() % nq], frame,
				 len);
}

/* ---- receive ------------------------------------------------------------ */

/* Post a granted page in every free rx slot; rx_lock held. */
static void rx_refill_locked(struct xennet_queue *q)
{
	struct xennet_info *info = q->info;
	RING_IDX prod = q->rx.req_prod_pvt;
	unsigned int n = 0;
	int notify;

	while (prod - q->rx.rsp_cons < XENNET_RX_RING_SIZE) {
		struct xennet_rx_slot *s = &q->rx_slots[prod & RX_MASK];
		struct netif_rx_request req;

		if (s->posted)
			break;	/* cannot happen: indexes are ours */
		if (buf_get_page(info, &s->buf) ||
		    buf_grant(info, &s->buf, false)) {
			q_stat_add(q, alloc_failed, 1);
			break;
		}
		req.id = (u16)(prod & RX_MASK);
		req.pad = 0;
		req.gref = s->buf.ref;
		*RING_GET_REQUEST(&q->rx, prod) = req;
		s->posted = true;
		prod++;
		n++;
	}
	if (!n)
		return;
	q->rx.req_prod_pvt = prod;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		xennet_notify(q, q->rx_evtchn, true);
}

struct rx_packet {
	const u8 *data;
	size_t len;
	unsigned int slots;
	bool ok;
	u16 flags;		/* of the first response */
	RING_IDX start, end;	/* the ring indexes it took */
};

/*
 * One data slot of a packet, at ring index @cons: take the page back from
 * the backend, check the response and append its bytes.  A bad slot
 * spoils the packet but is consumed all the same.
 */
static void rx_data_slot(struct xennet_queue *q, RING_IDX cons,
			 const struct netif_rx_response *rsp,
			 struct rx_packet *pkt)
{
	struct xennet_rx_slot *s = &q->rx_slots[cons & RX_MASK];
	bool mine = s->posted && buf_revoke(q, &s->buf);
	unsigned int off = rsp->offset;
	int size;

	q_stat_add(q, rx_slots, 1);
	pkt->slots++;
	size = xennet_rx_rsp_check(rsp, cons);
	if (mine) {
		/* Zeroed before it is posted again: what the backend wrote. */
		s->buf.dirty_off = size >= 0 ? (u16)off : 0;
		s->buf.dirty_len = size >= 0 ? (u16)size : PAGE_SIZE;
	}
	if (!pkt->ok)
		return;
	if (size == -ENOENT) {
		bad_response(q, "rx response at %u has id %u, expected %u",
			     cons, rsp->id, cons & RX_MASK);
		pkt->ok = false;
	} else if (size == -EBADMSG) {
		bad_response(q, "rx response %u: unknown status %d", rsp->id,
			     rsp->status);
		pkt->ok = false;
	} else if (size == -EIO) {
		/* NETIF_RSP_ERROR / DROPPED: the backend gave up on it. */
		pkt->ok = false;
	} else if (size < 0) {
		bad_response(q, "rx response %u: offset %u + size %d beyond the page",
			     rsp->id, off, rsp->status);
		pkt->ok = false;
	} else if (!mine) {
		pkt->ok = false;	/* still mapped: not safe to read */
	} else if (pkt->slots == 1 && !(rsp->flags & NETRXF_more_data)) {
		/* One slot: the stack reads it in place, no copy. */
		pkt->data = (const u8 *)s->buf.page + off;
		pkt->len = size;
	} else if (pkt->len + size > XENNET_MAX_FRAME) {
		q_stat_add(q, rx_oversize, 1);
		pkt->ok = false;
	} else {
		memcpy(q->rx_frame + pkt->len, (const u8 *)s->buf.page + off, size);
		pkt->len += size;
		pkt->data = q->rx_frame;
	}
}

/*
 * The extra-info slots after a first response with NETRXF_extra_info.
 * Each takes one response slot (whose posted page the backend left
 * alone).  pvk asks for no GSO and no hashes, so the content is only
 * checked for sanity.  Returns the index after the last one.
 */
static RING_IDX rx_extras(struct xennet_queue *q, RING_IDX cons, RING_IDX prod,
			  struct rx_packet *pkt)
{
	struct netif_rx_response raw;
	struct netif_extra_info extra;
	unsigned int n = 0;

	do {
		struct xennet_rx_slot *s;

		if (cons == prod) {
			bad_response(q, "rx extra info missing at %u", cons);
			pkt->ok = false;
			return cons;
		}
		RING_COPY_RESPONSE(&q->rx, cons, &raw);
		memcpy(&extra, &raw, sizeof(extra));
		s = &q->rx_slots[cons & RX_MASK];
		if (s->posted && buf_revoke(q, &s->buf)) {
			/* Meant to be left alone; zeroed in case it was not. */
			s->buf.dirty_off = 0;
			s->buf.dirty_len = PAGE_SIZE;
		}
		cons++;
		q_stat_add(q, rx_extras, 1);
		if (!xennet_rx_extra_type_ok(&extra)) {
			bad_response(q, "rx extra info of unknown type %u", extra.type);
			pkt->ok = false;
		}
		if (!xennet_rx_extra_chain_ok(&extra, ++n)) {
			bad_response(q, "rx extra info chain longer than %u",
				     XEN_NETIF_EXTRA_TYPE_MAX);
			pkt->ok = false;
			return cons;
		}
	} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	return cons;
}

static unsigned int rx_csum_flags(struct xennet_queue *q, u16 flags)
{
	if (flags & NETRXF_csum_blank) {
		q_stat_add(q, rx_csum_blank, 1);
		/*
		 * The sum was never filled in; the backend vouches for the
		 * data.  If we said we cannot take that, the stack checks
		 * (and drops) the frame.
		 */
		if (!q->info->rx_csum_blank_ok)
			return 0;
		q_stat_add(q, rx_csum_ok, 1);
		return NET_RX_CSUM_OK;
	}
	if (flags & NETRXF_data_validated) {
		q_stat_add(q, rx_csum_ok, 1);
		return NET_RX_CSUM_OK;
	}
	return 0;
}

/*
 * Take one packet from rsp_cons on (at least one slot is there) off the
 * ring into @pkt; rx_lock held.  Its slots stay posted, and so out of
 * the refill's reach, until rx_put_locked(): a one-slot frame is read in
 * place, after the lock is dropped.
 */
static void rx_take_packet(struct xennet_queue *q, RING_IDX prod,
			   struct rx_packet *pkt)
{
	struct netif_rx_response rsp;
	RING_IDX cons = q->rx.rsp_cons;
	bool more;

	*pkt = (struct rx_packet){ .ok = true, .start = cons };
	RING_COPY_RESPONSE(&q->rx, cons, &rsp);
	pkt->flags = rsp.flags;
	rx_data_slot(q, cons++, &rsp, pkt);
	if (pkt->flags & NETRXF_extra_info)
		cons = rx_extras(q, cons, prod, pkt);
	more = pkt->flags & NETRXF_more_data;
	while (more) {
		if (cons == prod) {
			bad_response(q, "rx packet goes on past rsp_prod %u", prod);
			pkt->ok = false;
			break;
		}
		if (pkt->slots == XENNET_MAX_SLOTS) {
			bad_response(q, "rx packet uses more than %u slots",
				     XENNET_MAX_SLOTS);
			pkt->ok = false;	/* the rest of it is still consumed */
		}
		RING_COPY_RESPONSE(&q->rx, cons, &rsp);
		more = rsp.flags & NETRXF_more_data;
		rx_data_slot(q, cons++, &rsp, pkt);
	}
	q->rx.rsp_cons = cons;
	pkt->end = cons;
}

/*
 * The next packet into @pkt; rx_lock held.  False when the ring is empty
 * (the buffers are reposted first and the backend asked to notify us) or
 * the device is stopped or has just been disabled.
 */
static bool rx_next_locked(struct xennet_queue *q, struct rx_packet *pkt)
{
	struct xennet_info *info = q->info;
	RING_IDX prod;
	int more;

	for (;;) {
		if (!READ_ONCE(info->connected) || READ_ONCE(info->broken))
			return false;
		prod = READ_ONCE(q->rx.sring->rsp_prod);
		xen_rmb();
		if (!responses_sane(q, "rx", prod, q->rx.rsp_cons,
				    q->rx.req_prod_pvt))
			return false;
		if (q->rx.rsp_cons != prod) {
			rx_take_packet(q, prod, pkt);
			return true;
		}
		rx_refill_locked(q);
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (!more)
			return false;
	}
}

/* Hand @pkt to the stack, without rx_lock: the stack may transmit. */
static void rx_deliver(struct xennet_queue *q, const struct rx_packet *pkt)
{
	if (pkt->ok && pkt->len) {
		q_stat_add(q, rx_packets, 1);
		net_rx_flags(&q->info->netdev, pkt->data, pkt->len,
			     rx_csum_flags(q, pkt->flags));
	} else {
		q_stat_add(q, rx_dropped, 1);
	}
}

/* The stack is done with @pkt: its slots may be reposted; rx_lock held. */
static void rx_put_locked(struct xennet_queue *q, const struct rx_packet *pkt)
{
	for (RING_IDX i = pkt->start; i != pkt->end; i++) {
		struct xennet_rx_slot *s = &q->rx_slots[i & RX_MASK];

		if (s->posted) {
			s->posted = false;
			buf_rx_scrub(&s->buf);
			buf_release(&s->buf);
		}
	}
}

/* ---- deferred receive ----------------------------------------------------- */

/*
 * Queues whose poll used up its budget with responses left, polled again
 * by the "netfront" thread.  xennet_defer_lock nests inside rx_lock.
 */
static DEFINE_SPINLOCK(xennet_defer_lock);
static struct xennet_queue *xennet_defer_list;
static struct xennet_queue *xennet_defer_running;	/* being polled */
static struct thread *xennet_rx_worker;

/* Put @q on the list and wake the thread; rx_lock held. */
static void rx_defer(struct xennet_queue *q)
{
	spin_lock(&xennet_defer_lock);
	if (!q->rx_deferred) {
		q->rx_deferred = true;
		q->rx_defer_next = xennet_defer_list;
		xennet_defer_list = q;
		q_stat_add(q, rx_deferrals, 1);
	}
	spin_unlock(&xennet_defer_lock);
	kthread_wake(xennet_rx_worker);
}

static int xennet_rx_worker_fn(void *unused)
{
	unsigned long flags;

	for (;;) {
		struct xennet_queue *q;

		spin_lock_irqsave(&xennet_defer_lock, flags);
		q = xennet_defer_list;
		if (q) {
			xennet_defer_list = q->rx_defer_next;
			q->rx_deferred = false;
		}
		WRITE_ONCE(xennet_defer_running, q);
		spin_unlock_irqrestore(&xennet_defer_lock, flags);
		if (!q) {
			kthread_wait_ns(NSEC_PER_SEC);
			continue;
		}
		xennet_rx_poll(q);
		WRITE_ONCE(xennet_defer_running, NULL);
		kthread_yield();	/* a full budget at most, then the others */
	}
	return 0;
}

/* Start the thread once; thread context.  0 or -ENOMEM. */
static int rx_worker_start(void)
{
	static DEFINE_SPINLOCK(start_lock);
	struct thread *t;
	int err = 0;

	spin_lock(&start_lock);
	if (!xennet_rx_worker) {
		t = kthread_run(xennet_rx_worker_fn, NULL, "netfront", 0);
		if (t)
			WRITE_ONCE(xennet_rx_worker, t);
		else
			err = -ENOMEM;
	}
	spin_unlock(&start_lock);
	if (err)
		pr_err("no thread for deferred receive\n");
	return err;
}

/* @q is stopped: off the list, and not being polled by the thread. */
static void rx_defer_cancel(struct xennet_queue *q)
{
	struct xennet_queue **pp;
	unsigned long flags;

	spin_lock_irqsave(&xennet_defer_lock, flags);
	for (pp = &xennet_defer_list; *pp; pp = &(*pp)->rx_defer_next) {
		if (*pp == q) {
			*pp = q->rx_defer_next;
			break;
		}
	}
	q->rx_deferred = false;
	spin_unlock_irqrestore(&xennet_defer_lock, flags);
	while (READ_ONCE(xennet_defer_running) == q)
		cpu_relax();
}

/**
 * xennet_rx_poll - receive what the backend delivered and repost buffers
 * @q: the queue
 *
 * Run from the queue's (rx) event handler and the "netfront" thread; the
 * self-tests call it too.  Hands each good frame to the stack with
 * net_rx_flags(), with rx_lock dropped (the stack may send a reply),
 * drops bad ones (counted), and disables the device if the response
 * producer runs ahead of the requests pvk posted.  At most
 * XENNET_RX_BUDGET packets per call: with more left, the buffers are
 * reposted and the queue is polled again from the thread, so a backend
 * that keeps the ring full cannot hold a vCPU with events off.  One
 * caller at a time does the work; another that finds it busy returns at
 * once (the busy one reads the producer again before it stops).
 */
void xennet_rx_poll(struct xennet_queue *q)
{
	struct rx_packet pkt;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&q->rx_lock, flags);
	if (q->rx_polling)
		goto out;
	q->rx_polling = true;
	while (n < XENNET_RX_BUDGET && rx_next_locked(q, &pkt)) {
		n++;
		spin_unlock_irqrestore(&q->rx_lock, flags);
		rx_deliver(q, &pkt);
		spin_lock_irqsave(&q->rx_lock, flags);
		rx_put_locked(q, &pkt);
	}
	if (n == XENNET_RX_BUDGET && READ_ONCE(q->info->connected) &&
	    !READ_ONCE(q->info->broken)) {
		rx_refill_locked(q);
		rx_defer(q);
	}
	q->rx_polling = false;
out:
	spin_unlock_irqrestore(&q->rx_lock, flags);
}

/* ---- event handlers ----------------------------------------------------- */

/*
 * Did the backend produce responses (on the tx and/or rx ring) since
 * the queue's handler last looked?  An event after which it did not
 * found no work, and neither does any event of a stopped device: the
 * event-channel core counts those and masks a port a backend storms for
 * a while.  Whoever collected the responses (a transmit reclaims them
 * too) does not matter.  The rings exist while the handler is bound.
 */
static bool xennet_event_work(struct xennet_queue *q, bool tx, bool rx)
{
	struct xennet_info *info = q->info;
	bool moved = false;
	RING_IDX prod;

	if (!READ_ONCE(info->connected) || READ_ONCE(info->broken))
		return false;
	if (tx) {
		prod = READ_ONCE(q->tx.sring->rsp_prod);
		moved = prod != q->tx_rsp_seen;
		q->tx_rsp_seen = prod;
	}
	if (rx) {
		prod = READ_ONCE(q->rx.sring->rsp_prod);
		moved |= prod != q->rx_rsp_seen;
		q->rx_rsp_seen = prod;
	}
	return moved;
}

/*
 * Report an event that found no work; when that masks the port (a
 * storm), say which device's backend it was, for the first few.
 */
static void xennet_no_work(struct xennet_queue *q, unsigned int port)
{
	u64 n;

	if (!xen_evtchn_no_work(port))
		return;
	n = __atomic_add_fetch(&q->stats.storms, 1, __ATOMIC_RELAXED);
	if (n <= STORMS_LOGGED)
		pr_warn("%s: queue %u: backend storms event channel %u with events that bring no work: port masked for a while (storm %llu%s)\n",
			q->info->name, q->id, port, (unsigned long long)n,
			n == STORMS_LOGGED ? "; further ones only counted" : "");
}

static void xennet_tx_interrupt(unsigned int port, void *data,
				struct pt_regs *regs)
{
	struct xennet_queue *q = data;

	q_stat_add(q, events, 1);
	if (!xennet_event_work(q, true, false))
		xennet_no_work(q, port);
	xennet_tx_poll(q);
}

static void xennet_rx_interrupt(unsigned int port, void *data,
				struct pt_regs *regs)
{
	struct xennet_queue *q = data;

	q_stat_add(q, events, 1);
	if (!xennet_event_work(q, false, true))
		xennet_no_work(q, port);
	xennet_rx_poll(q);
}

static void xennet_interrupt(unsigned int port, void *data,
			     struct pt_regs *regs)
{
	struct xennet_queue *q = data;

	q_stat_add(q, events, 1);
	if (!xennet_event_work(q, true, true))
		xennet_no_work(q, port);
	xennet_tx_poll(q);
	xennet_rx_poll(q);
}

/* ---- queues -------------------------------------------------------------- */

/* The @n-th online CPU, counting round. */
static unsigned int queue_cpu(unsigned int n)
{
	unsigned int cpu, i = 0, want = n % num_online_cpus();

	for_each_cpu(cpu, &cpu_online_mask)
		if (i++ == want)
			return cpu;
	return 0;
}

/*
 * A fresh queue for a new connection.  Its locks and its info and id
 * stay as xennet_init_netdev() made them: a transmit the stack started
 * meanwhile waits for tx_lock here and then finds the device not
 * connected, instead of taking a lock being cleared.
 */
#define QUEUE_KEPT_BEFORE(f) \
	(__builtin_offsetof(struct xennet_queue, f) < \
	 __builtin_offsetof(struct xennet_queue, cpu))
_Static_assert(QUEUE_KEPT_BEFORE(tx_lock) && QUEUE_KEPT_BEFORE(rx_lock) &&
	       QUEUE_KEPT_BEFORE(info) && QUEUE_KEPT_BEFORE(id),
	       "queue_init() clears from cpu on: what it keeps comes first");

static void queue_init(struct xennet_queue *q)
{
	const size_t keep = __builtin_offsetof(struct xennet_queue, cpu);
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&q->rx_lock, flags);
	spin_lock(&q->tx_lock);
	memset((u8 *)q + keep, 0, sizeof(*q) - keep);
	q->cpu = queue_cpu(q->id);
	q->tx_ring_ref = INVALID_GRANT_REF;
	q->rx_ring_ref = INVALID_GRANT_REF;
	for (i = 0; i < XENNET_TX_RING_SIZE; i++) {
		buf_init(&q->tx_slots[i].buf);
		q->tx_free[i] = (u16)(XENNET_TX_RING_SIZE - 1 - i);
	}
	q->nr_tx_free = XENNET_TX_RING_SIZE;
	for (i = 0; i < XENNET_RX_RING_SIZE; i++)
		buf_init(&q->rx_slots[i].buf);
	spin_unlock(&q->tx_lock);
	spin_unlock_irqrestore(&q->rx_lock, flags);
}

/* The rings of a vif on xenbus: one granted page each. */
static int xenbus_rings_alloc(struct xennet_queue *q, void **tx, void **rx)
{
	struct xenbus_device *dev = q->info->xbdev;
	int err;

	err = xenbus_setup_ring(dev, 1, tx, &q->tx_ring_ref);
	if (err)
		return err;
	err = xenbus_setup_ring(dev, 1, rx, &q->rx_ring_ref);
	if (err)
		xenbus_teardown_ring(tx, 1, &q->tx_ring_ref);
	return err;
}

static int queue_setup_rings(struct xennet_info *info, struct xennet_queue *q)
{
	void *tx = NULL, *rx = NULL;
	int err;

	err = info->alloc_rings(q, &tx, &rx);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&q->tx, (struct netif_tx_sring *)tx, PAGE_SIZE);
	XEN_FRONT_RING_INIT(&q->rx, (struct netif_rx_sring *)rx, PAGE_SIZE);
	return 0;
}

static void queue_free_rings(struct xennet_queue *q)
{
	void *tx = q->tx.sring, *rx = q->rx.sring;

	xenbus_teardown_ring(&tx, 1, &q->tx_ring_ref);
	xenbus_teardown_ring(&rx, 1, &q->rx_ring_ref);
	q->tx.sring = NULL;
	q->rx.sring = NULL;
}

static int queue_setup_evtchns(struct xennet_info *info, struct xennet_queue *q,
			       bool split)
{
	struct xenbus_device *dev = info->xbdev;
	int err;

	err = xenbus_alloc_evtchn(dev, &q->tx_evtchn);
	if (err)
		return err;
	if (split) {
		err = xenbus_alloc_evtchn(dev, &q->rx_evtchn);
		if (err)
			return err;
		err = xen_bind_evtchn(q->tx_evtchn, q->cpu,
				      xennet_tx_interrupt, q);
		if (err)
			goto bind_failed;
		q->tx_bound = true;
		err = xen_bind_evtchn(q->rx_evtchn, q->cpu,
				      xennet_rx_interrupt, q);
		if (err)
			goto bind_failed;
		q->rx_bound = true;
	} else {
		q->rx_evtchn = q->tx_evtchn;
		err = xen_bind_evtchn(q->tx_evtchn, q->cpu, xennet_interrupt,
				      q);
		if (err)
			goto bind_failed;
		q->tx_bound = true;
	}
	return 0;

bind_failed:
	xenbus_dev_fatal(dev, err, "binding event channels of queue %u", q->id);
	return err;
}

/*
 * xen_unbind() closes a bound port and waits out a handler running on
 * another vCPU; a port allocated but never bound is only closed.
 */
static void queue_free_evtchns(struct xennet_info *info, struct xennet_queue *q)
{
	bool shared = q->rx_evtchn == q->tx_evtchn;

	if (q->rx_evtchn && !shared) {
		if (q->rx_bound)
			xen_unbind(q->rx_evtchn);
		else
			xenbus_free_evtchn(info->xbdev, q->rx_evtchn);
	}
	if (q->tx_evtchn) {
		if (q->tx_bound)
			xen_unbind(q->tx_evtchn);
		else
			xenbus_free_evtchn(info->xbdev, q->tx_evtchn);
	}
	q->tx_bound = q->rx_bound = false;
	q->tx_evtchn = q->rx_evtchn = 0;
}

/* Give back every buffer; the handlers are unbound and the locks idle. */
static void queue_free_buffers(struct xennet_queue *q)
{
	unsigned int i;

	for (i = 0; i < XENNET_TX_RING_SIZE; i++) {
		q->tx_slots[i].inflight = false;
		buf_free(&q->tx_slots[i].buf);
	}
	for (i = 0; i < XENNET_RX_RING_SIZE; i++) {
		q->rx_slots[i].posted = false;
		buf_free(&q->rx_slots[i].buf);
	}
}

/* Wait out any poller that saw the device connected; then it is idle. */
static void queue_quiesce(struct xennet_queue *q)
{
	unsigned long flags;
	bool busy;

	do {
		spin_lock_irqsave(&q->rx_lock, flags);
		busy = q->rx_polling;	/* delivering, with the lock dropped */
		spin_lock(&q->tx_lock);
		spin_unlock(&q->tx_lock);
		spin_unlock_irqrestore(&q->rx_lock, flags);
		if (busy)
			cpu_relax();
	} while (busy);
	rx_defer_cancel(q);
}

/**
 * xennet_disconnect - undo xennet_connect() or xennet_setup_queues()
 * @info: the device; safe on a half-made one
 */
void xennet_disconnect(struct xennet_info *info)
{
	unsigned int i, nq = info->num_queues;

	WRITE_ONCE(info->connected, false);
	for (i = 0; i < nq; i++)
		queue_quiesce(&info->queues[i]);
	for (i = 0; i < nq; i++) {
		struct xennet_queue *q = &info->queues[i];

		queue_free_evtchns(info, q);
		queue_free_buffers(q);
		queue_free_rings(q);
	}
}

/**
 * xennet_setup_queues - @info's queues, on rings from @info->alloc_rings
 * @info: a device with @num_queues (1..XENNET_MAX_QUEUES) and @rings set
 *
 * Returns 0, or a negative errno with everything undone.
 */
int xennet_setup_queues(struct xennet_info *info)
{
	unsigned int i;
	int err;

	if (!info->num_queues || info->num_queues > XENNET_MAX_QUEUES)
		return -EINVAL;
	err = rx_worker_start();
	if (err)
		return err;
	for (i = 0; i < info->num_queues; i++)
		queue_init(&info->queues[i]);
	for (i = 0; i < info->num_queues; i++) {
		err = queue_setup_rings(info, &info->queues[i]);
		if (err) {
			xennet_disconnect(info);
			return err;
		}
	}
	return 0;
}

/**
 * xennet_start - the queues are set up: post the receive buffers
 * @info: the device
 */
void xennet_start(struct xennet_info *info)
{
	unsigned int i;

	WRITE_ONCE(info->broken, false);
	info->broken_why[0] = '\0';
	info->grants_kept = 0;
	WRITE_ONCE(info->connected, true);
	for (i = 0; i < info->num_queues; i++)
		xennet_rx_poll(&info->queues[i]);	/* posts the buffers */
}

/* ---- xenstore ------------------------------------------------------------ */

static int xs_read(void *ctx, const char *dir, const char *node, char *buf,
		   size_t len)
{
	return xenbus_read(XBT_NIL, dir, node, buf, len);
}

static int write_queue_keys(struct xenbus_transaction t, struct xennet_info *info,
			    struct xennet_queue *q, bool split)
{
	const char *dir = info->xbdev->nodename;
	char prefix[16] = "";
	char node[48];
	int err;

	if (info->num_queues > 1)
		snprintf(prefix, sizeof(prefix), "queue-%u/", q->id);
	snprintf(node, sizeof(node), "%stx-ring-ref", prefix);
	err = xenbus_printf(t, dir, node, "%u", q->tx_ring_ref);
	if (err)
		return err;
	snprintf(node, sizeof(node), "%srx-ring-ref", prefix);
	err = xenbus_printf(t, dir, node, "%u", q->rx_ring_ref);
	if (err)
		return err;
	if (!split) {
		snprintf(node, sizeof(node), "%sevent-channel", prefix);
		return xenbus_printf(t, dir, node, "%u", q->tx_evtchn);
	}
	snprintf(node, sizeof(node), "%sevent-channel-tx", prefix);
	err = xenbus_printf(t, dir, node, "%u", q->tx_evtchn);
	if (err)
		return err;
	snprintf(node, sizeof(node), "%sevent-channel-rx", prefix);
	return xenbus_printf(t, dir, node, "%u", q->rx_evtchn);
}

static int write_xenstore(struct xennet_info *info, bool split)
{
	const char *dir = info->xbdev->nodename;
	struct xenbus_transaction t;
	const char *what = "starting a transaction";
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&t);
	if (err)
		goto fatal;
	what = "writing the ring keys";
	for (i = 0; i < info->num_queues && !err; i++)
		err = write_queue_keys(t, info, &info->queues[i], split);
	if (!err && info->cfg.be.mq_node) {
		what = "writing multi-queue-num-queues";
		err = xenbus_printf(t, dir, "multi-queue-num-queues", "%u",
				    info->num_queues);
	}
	if (!err) {
		what = "writing the features";
		err = xenbus_write(t, dir, "request-rx-copy", "1") ?:
		      xenbus_write(t, dir, "feature-rx-notify", "1") ?:
		      xenbus_write(t, dir, "feature-sg", info->sg ? "1" : "0") ?:
		      xenbus_write(t, dir, "feature-gso-tcpv4", "0") ?:
		      xenbus_write(t, dir, "feature-no-csum-offload",
				   info->rx_csum_blank_ok ? "0" : "1");
	}
	if (err) {
		xenbus_transaction_end(t, true);
		goto fatal;
	}
	err = xenbus_transaction_end(t, false);
	if (err == -EAGAIN)
		goto again;
	what = "committing the transaction";
	if (!err)
		return 0;
fatal:
	xenbus_dev_fatal(info->xbdev, err, "%s", what);
	return err;
}

/* ---- set-up and tear-down ---------------------------------------------- */

static void xennet_choose_features(struct xennet_info *info)
{
	const struct xennet_backend_features *be = &info->cfg.be;
	unsigned int nq = MIN(be->max_queues, num_online_cpus());

	nq = MIN(nq, (unsigned int)XENNET_MAX_QUEUES);
	if (xennet_opts.max_queues)
		nq = MIN(nq, xennet_opts.max_queues);
	info->num_queues = nq ? nq : 1;
	info->sg = be->sg && !xennet_opts.no_sg;
	info->tx_slot_max = info->sg ? xennet_opts.tx_slot : PAGE_SIZE;
	info->netdev.tx_csum_offload = !be->no_csum_offload && !xennet_opts.no_csum;
	info->rx_csum_blank_ok = !xennet_opts.no_csum;
	info->bounce = xennet_opts.bounce || !info->cfg.trusted;
}

/* Backend in InitWait: rings, event channels, xenstore keys. */
static int xennet_connect(struct xennet_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	bool split;
	unsigned int i;
	int err;

	err = xennet_read_config(xs_read, NULL, info->name, dev->nodename,
				 dev->otherend, &info->cfg);
	if (err) {
		xenbus_dev_fatal(dev, err, "refusing %s: bad xenstore configuration",
				 info->name);
		return err;
	}
	info->backend_id = dev->otherend_id;
	memcpy(info->netdev.mac, info->cfg.mac, ETH_ALEN);
	xennet_choose_features(info);
	split = info->cfg.be.split_evtchn && !xennet_opts.no_split;

	err = xennet_setup_queues(info);
	if (err)
		return err;
	for (i = 0; i < info->num_queues; i++) {
		err = queue_setup_evtchns(info, &info->queues[i], split);
		if (err)
			goto fail;
	}
	err = write_xenstore(info, split);
	if (err)
		goto fail;
	pr_info("%s: backend %s (domain %u): rx-copy sg=%u gso-tcpv4=%u%s csum-offload=%s split-evtchn=%u max-queues=%u\n",
		info->name, dev->otherend, info->backend_id, info->cfg.be.sg,
		info->cfg.be.gso_tcpv4,
		info->cfg.be.gso_tcpv4 ? " (pvk sends no GSO)" : "",
		info->cfg.be.no_csum_offload ? "no" : "yes",
		info->cfg.be.split_evtchn, info->cfg.be.max_queues);
	xennet_start(info);
	return 0;

fail:
	xennet_disconnect(info);
	return err;
}

/* Backend Connected: hand the device to the stack. */
/* The first address of ip= no other vif holds, into @ip; xenwatch. */
static bool xennet_take_ip(struct xennet_info *info, char *ip, size_t len)
{
	for (unsigned int i = 0; i < XENNET_MAX_IPS; i++) {
		if (xennet_ips_taken & (1U << i))
			continue;
		if (xennet_ip_nth(xennet_ip, i, ip, len))
			return false;
		xennet_ips_taken |= 1U << i;
		info->owns_ip = true;
		info->ip_index = i;
		return true;
	}
	return false;
}

static void xennet_bring_up(struct xennet_info *info)
{
	char ip[sizeof(xennet_ip)];
	int err;

	err = net_register(&info->netdev);
	if (err) {
		pr_err("%s: registering with the stack failed (%d)\n", info->name,
		       err);
		return;
	}
	WRITE_ONCE(info->up, true);
	xennet_print_info(info);
	if (xennet_ip[0] && xennet_take_ip(info, ip, sizeof(ip))) {
		err = net_configure(&info->netdev, ip);
		if (err)
			pr_err("%s: ip=%s is not a usable address (%d); the device stays unconfigured\n",
			       info->name, ip, err);
		else
			pr_info("%s: address %s\n", info->name, ip);
	}
	/* dom0 may still map our address to a guest that had it before. */
	if (info->owns_ip) {
		err = net_announce(&info->netdev);
		if (err && err != -EADDRNOTAVAIL)
			pr_warn("%s: ARP announcement not sent (%d)\n", info->name,
				err);
	}
	/* A cloud guest's address comes from DHCP unless ip= gives one. */
	if (!xennet_ip[0])
		info->dhcp = dhcp_start(&info->netdev);
}

static void xennet_take_down(struct xennet_info *info)
{
	if (info->up) {
		/* Its thread sends on the device: stopped before it goes. */
		if (info->dhcp) {
			dhcp_stop(info->dhcp);
			info->dhcp = NULL;
		}
		WRITE_ONCE(info->up, false);
		net_unregister(&info->netdev);
		/* Its address of ip= goes to whichever vif comes up next. */
		if (info->owns_ip) {
			info->owns_ip = false;
			xennet_ips_taken &= ~(1U << info->ip_index);
		}
	}
	if (info->connected || info->num_queues)
		xennet_disconnect(info);
	info->num_queues = 0;
}

/* ---- xenbus driver ------------------------------------------------------- */

/**
 * xennet_init_netdev - what the stack sees of @info, and its queues' locks
 * @info: the device, with its name; once, before the stack knows it
 */
void xennet_init_netdev(struct xennet_info *info)
{
	for (unsigned int i = 0; i < XENNET_MAX_QUEUES; i++) {
		struct xennet_queue *q = &info->queues[i];

		spin_lock_init(&q->tx_lock);
		spin_lock_init(&q->rx_lock);
		q->info = info;
		q->id = i;
	}
	info->netdev.name = info->name;
	info->netdev.mtu = ETH_DATA_LEN;
	info->netdev.xmit = xennet_xmit;
	info->netdev.priv = info;
}

static void xennet_link(struct xennet_info *info)
{
	unsigned long flags;
	struct xennet_info **pp;

	spin_lock_irqsave(&xennet_list_lock, flags);
	for (pp = &xennet_devices; *pp; pp = &(*pp)->next)
		;
	*pp = info;
	spin_unlock_irqrestore(&xennet_list_lock, flags);
}

static int xennet_probe(struct xenbus_device *dev)
{
	struct xennet_config cfg;
	struct xennet_info *info;
	const char *id = dev->nodename, *p;
	int err;

	if (!xennet_opts_parsed) {
		xennet_opts_parsed = true;
		xennet_parse_options(xennet_options_arg, &xennet_opts);
	}
	for (p = dev->nodename; *p; p++)
		if (*p == '/')
			id = p + 1;
	/* The mac is the toolstack's, written before we run: check it now. */
	err = xennet_read_config(xs_read, NULL, dev->nodename, dev->nodename,
				 NULL, &cfg);
	if (err)
		return err;
	info = kzalloc(sizeof(*info));
	if (!info) {
		pr_err("%s: no memory for the device\n", dev->nodename);
		return -ENOMEM;
	}
	info->xbdev = dev;
	info->alloc_rings = xenbus_rings_alloc;
	snprintf(info->name, sizeof(info->name), "vif%s", id);
	info->cfg = cfg;
	memcpy(info->netdev.mac, cfg.mac, ETH_ALEN);
	xennet_init_netdev(info);
	dev->priv = info;
	xennet_link(info);
	return 0;
}

static void xennet_otherend_changed(struct xenbus_device *dev,
				    enum xenbus_state state)
{
	struct xennet_info *info = dev->priv;

	switch (state) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising)
			break;
		if (!xennet_connect(info))
			xenbus_switch_state(dev, XenbusStateConnected);
		break;
	case XenbusStateConnected:
		if (info->connected && !info->up)
			xennet_bring_up(info);
		else if (info->connected && info->owns_ip && net_announce(&info->netdev))
			pr_warn("%s: ARP announcement after reconnecting not sent\n",
				info->name);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (dev->state == XenbusStateClosed)
			break;
		xennet_take_down(info);
		xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

/*
 * The device went away.  Rings, grants and pages are given back; the
 * info itself stays allocated (off the device list) because pvk's stack
 * does not wait for an xmit() another CPU may have just started.
 */
static void xennet_remove(struct xenbus_device *dev)
{
	struct xennet_info *info = dev->priv, **pp;
	unsigned long flags;

	if (!info)
		return;
	xennet_take_down(info);
	spin_lock_irqsave(&xennet_list_lock, flags);
	for (pp = &xennet_devices; *pp; pp = &(*pp)->next) {
		if (*pp == info) {
			*pp = info->next;
			break;
		}
	}
	spin_unlock_irqrestore(&xennet_list_lock, flags);
	info->xbdev = NULL;
	dev->priv = NULL;
	pr_info("%s: removed\n", info->name);
}

/*
 * Restored into a new domain: the ports are gone with the old one, so
 * forget their numbers (no close) and stop sending on the old rings.
 */
static void xennet_channels_lost(struct xenbus_device *dev)
{
	struct xennet_info *info = dev->priv;

	if (!info)
		return;
	WRITE_ONCE(info->connected, false);
	for (unsigned int i = 0; i < info->num_queues; i++) {
		struct xennet_queue *q = &info->queues[i];

		q->tx_bound = q->rx_bound = false;
		q->tx_evtchn = q->rx_evtchn = 0;
	}
}

/*
 * Then free the old rings and buffers (their grants end at once in the
 * new, empty table); the stack keeps the device, which reconnects when
 * the new backend is in InitWait and announces its address again.
 */
static void xennet_resume(struct xenbus_device *dev)
{
	struct xennet_info *info = dev->priv;

	if (info && info->num_queues) {
		xennet_disconnect(info);
		info->num_queues = 0;
	}
}

static struct xenbus_driver xennet_driver = {
	.type = "vif",
	.probe = xennet_probe,
	.otherend_changed = xennet_otherend_changed,
	.remove = xennet_remove,
	.channels_lost = xennet_channels_lost,
	.resume = xennet_resume,
};
XENBUS_FRONTEND(xennet_driver);

/* ---- the devices, for users other than the stack ------------------------ */

/**
 * xennet_first - the first vif that was probed, or NULL
 */
struct xennet_info *xennet_first(void)
{
	return READ_ONCE(xennet_devices);
}

/**
 * xennet_wait_up - wait until the first vif is handed to the stack
 * @timeout_ms: how long to wait
 *
 * Must run in a thread that may sleep.  Returns false on timeout or if
 * no vif was probed at all.
 */
bool xennet_wait_up(unsigned int timeout_ms)
{
	u64 end = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;
	struct xennet_info *info;

	do {
		info = xennet_first();
		if (!info)
			return false;
		if (READ_ONCE(info->up))
			return true;
		msleep(20);
	} while (ktime_get_ns() < end);
	return false;
}

/**
 * xennet_stats_sum - the counters of all queues of a device added up
 * @info: the device
 * @sum: receives the totals
 */
void xennet_stats_sum(struct xennet_info *info, struct xennet_queue_stats *sum)
{
	const unsigned int n = sizeof(*sum) / sizeof(u64);
	unsigned int i, j;

	_Static_assert(sizeof(*sum) % sizeof(u64) == 0, "u64 counters only");
	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < info->num_queues; i++) {
		const u64 *src = (const u64 *)&info->queues[i].stats;
		u64 *dst = (u64 *)sum;

		for (j = 0; j < n; j++)
			dst[j] += READ_ONCE(src[j]);
	}
}

/**
 * xennet_print_info - log how a device is connected and its counters
 * @info: the device
 */
void xennet_print_info(struct xennet_info *info)
{
	const u8 *m = info->netdev.mac;
	struct xennet_queue_stats s;
	unsigned int i;

	pr_info("%s: %s mac %02x:%02x:%02x:%02x:%02x:%02x queues %u event-channels %s sg %s tx-slot %u csum-offload tx=%s rx=%s gso-tcpv4 %s bounce %s\n",
		info->name, info->broken ? "disabled," : info->up ? "up," : "down,",
		m[0], m[1], m[2], m[3], m[4], m[5], info->num_queues,
		info->num_queues && info->queues[0].rx_evtchn != info->queues[0].tx_evtchn ?
		"split" : "shared", info->sg ? "on" : "off", info->tx_slot_max,
		info->netdev.tx_csum_offload ? "on" : "off",
		info->rx_csum_blank_ok ? "on" : "off",
		info->cfg.be.gso_tcpv4 ? "offered (unused)" : "not offered",
		info->bounce ? "on" : "off");
	for (i = 0; i < info->num_queues; i++) {
		const struct xennet_queue *q = &info->queues[i];

		pr_info("%s: queue %u: cpu %u event-channel tx %u rx %u ring-ref tx %u rx %u\n",
			info->name, i, q->cpu, q->tx_evtchn, q->rx_evtchn,
			q->tx_ring_ref, q->rx_ring_ref);
	}
	xennet_stats_sum(info, &s);
	pr_info("%s: tx %llu packets %llu slots (%llu busy, %llu errors) rx %llu packets %llu slots (%llu dropped, %llu extra-info) bad responses %llu deferred grants %llu\n",
		info->name, (unsigned long long)s.tx_packets,
		(unsigned long long)s.tx_slots, (unsigned long long)s.tx_busy,
		(unsigned long long)s.tx_errors, (unsigned long long)s.rx_packets,
		(unsigned long long)s.rx_slots, (unsigned long long)s.rx_dropped,
		(unsigned long long)s.rx_extras,
		(unsigned long long)s.bad_responses,
		(unsigned long long)s.grants_deferred);
}
