// SPDX-License-Identifier: MIT
/*
 * evil-netback: a malicious network backend for the evil-net-* dom0 jobs
 * (issue #11).  It plays netback for one vif of a guest that already has
 * a healthy one on the real netback: it writes the vif's frontend and
 * backend directories itself (the backend under backend/evilvif/, which
 * no real backend watches), offers only feature-rx-copy (one slot per
 * frame, one event channel, one queue), waits for the frontend to
 * connect, maps its tx and rx ring pages with libxengnttab, binds its
 * event channel with libxenevtchn and says Connected.  It then plays a
 * peer on that link (MAC 02:00:00:00:ee:01, address PEER_IP): every
 * 50 ms it puts an ICMP echo request to PVK_IP in the next rx buffer the
 * guest posted (sizes alternate 1000 and 20 bytes of payload, so a page
 * reused for a shorter frame would still show the longer one), and it
 * takes what the guest transmits (the echo replies) off the tx ring,
 * attacking as MODE says.  Built on the host with `gcc -static` against
 * Debian's libxen-dev and put in the dom0 image as /guests/evil-netback.
 *
 *   evil-netback MODE DOMID DEVID MAC PEER_IP PVK_IP SECONDS
 *
 * MODE is one of
 *   leak     serve honestly; every byte of every granted rx page (before
 *            the backend writes it) and of every tx page outside the
 *            bytes of the request must be zero: count those that are not
 *   badrsp   after 5 echo replies, rx responses with an unknown id, a
 *            duplicate id, an over-long length, an offset+length past the
 *            page and an unknown status, each on its own ping; then 5
 *            more replies must come (the vif survives those); then a tx
 *            response with an id the guest never used (fatal for the vif)
 *   dupid    after 5 echo replies, one tx request answered twice in one
 *            push while another is in flight (fatal for the vif)
 *   overrun  once connected, rx rsp_prod 1000 beyond anything posted
 *   storm    notify the guest in a tight loop for 10 s, serving too; then
 *            5 more echo replies must come
 *   keepmap  serve, but keep every granted page (rx and tx) mapped after
 *            its response, up to 512
 *   featchange  after 5 echo replies, change every feature and ring
 *            parameter the guest read when it connected (scatter-gather,
 *            GSO, rx-flip instead of rx-copy, 8 queues, split event
 *            channels, a control ring, another MAC) and say Connected
 *            again; then 5 more replies must come
 *
 * It serves until SECONDS have passed, the frontend closes, or 3 s after
 * an attack that stops the vif.  Every
 * attack it delivered is logged as "evil-netback: attack NAME: ...
 * delivered"; the last line is "evil-netback: done mode=MODE pings=N
 * replies=N attacks=N pages=N stale=N kept=N" for the job's .post.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
/* ring.h's barriers: dom0 and the guest are x86-64 SMP domains. */
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#include "evil-common.h"
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define PING_EVERY	0.05	/* seconds between echo requests */
#define KEEP_MAX	512	/* pages keepmap keeps mapped at most */
#define KEEP_SAY	20	/* kept pages that make the attack delivered */

const char *evil_prog = "evil-netback";

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0xee, 0x01 };

struct evil {
	struct evil_dev dev;
	const char *mode;
	uint8_t mac[6];
	uint32_t peer_ip, pvk_ip;	/* network order */
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	uint16_t seq;
	unsigned long pings, replies, attacks, pages, stale, kept;
	unsigned long replies_mark;	/* replies when the last stage began */
	int stage;		/* how far the mode's attacks went */
	bool held;		/* dupid: a tx request left unanswered */
	netif_tx_request_t held_req;
	double until;		/* when to stop serving */
	bool dead;		/* the frontend went away */
};

/* The vif's own nodes, inside evil_publish()'s transaction. */
static void publish_nodes(void *arg)
{
	struct evil *e = arg;
	struct evil_dev *d = &e->dev;
	char mac[24];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0],
		 e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
	xs_putf(d, d->be, "handle", "%u", d->devid);
	xs_put(d, d->be, "mac", mac);
	xs_put(d, d->be, "feature-rx-copy", "1");
	xs_putf(d, d->fe, "handle", "%u", d->devid);
	xs_put(d, d->fe, "mac", mac);
}

/* Wait for the frontend's rings, map them, bind the channel, Connected. */
static void connect_vif(struct evil *e)
{
	struct evil_dev *d = &e->dev;
	netif_tx_sring_t *tx;
	netif_rx_sring_t *rx;

	evil_wait_frontend(d, XenbusStateConnected);
	/* BACK_RING_INIT() evaluates the page more than once. */
	tx = evil_map_ring(d, "tx-ring-ref");
	rx = evil_map_ring(d, "rx-ring-ref");
	BACK_RING_INIT(&e->tx, tx, PAGE_SZ);
	BACK_RING_INIT(&e->rx, rx, PAGE_SZ);
	evil_bind(d);
	xs_putf(d, d->be, "state", "%d", XenbusStateConnected);
	say("connected: event-channel %ld", xs_num(d, d->fe, "event-channel"));
}

static void probe(struct evil *e, const uint8_t *page, unsigned int from,
		  unsigned int to, const char *what, uint32_t gref)
{
	unsigned long stale = stale_bytes(page, from, to);

	e->pages++;
	if (!stale)
		return;
	if (e->stale < 10000)
		say("leak: %s gref %u (bytes %u-%u requested): %lu stale bytes",
		    what, gref, from, to, stale);
	e->stale += stale;
}

/* keepmap keeps @page mapped (up to KEEP_MAX); else it is unmapped. */
static void done_with(struct evil *e, void *page)
{
	if (strcmp(e->mode, "keepmap") || e->kept >= KEEP_MAX) {
		xengnttab_unmap(e->dev.xgt, page, 1);
		return;
	}
	if (++e->kept == KEEP_SAY) {
		e->attacks++;
		say("attack keepmap: %u granted pages (rx and tx) kept mapped after their responses: delivered",
		    KEEP_SAY);
	}
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* An ICMP echo request from the peer to pvk; returns its length. */
static size_t make_ping(struct evil *e, uint8_t *f, size_t payload)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;
	size_t ilen = 8 + payload;

	memcpy(f, e->mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + ilen));
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, &e->peer_ip, 4);
	memcpy(ip + 16, &e->pvk_ip, 4);
	put16(ip + 10, csum(ip, 20));
	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, 0xee);
	put16(icmp + 6, ++e->seq);
	for (size_t i = 0; i < payload; i++)
		icmp[8 + i] = (uint8_t)(i * 3 + 1);
	put16(icmp + 2, csum(icmp, ilen));
	return 14 + 20 + ilen;
}

/* An echo reply from pvk to the peer? */
static bool is_reply(struct evil *e, const uint8_t *f, size_t len)
{
	return len >= 14 + 20 + 8 && !memcmp(f, peer_mac, 6) &&
	       f[12] == 0x08 && f[13] == 0x00 && f[14 + 9] == 1 &&
	       !memcmp(f + 14 + 12, &e->pvk_ip, 4) && f[14 + 20] == 0;
}

/* ---- rx: frames to the guest -------------------------------------------- */

/* How the next rx response is spoilt (badrsp), or RX_GOOD. */
enum rx_attack { RX_GOOD, RX_BAD_ID, RX_DUP_ID, RX_LONG, RX_PAST_PAGE,
		 RX_BAD_STATUS, RX_ATTACKS };

static const char *const rx_attack_name[RX_ATTACKS] = {
	[RX_BAD_ID] = "rx-unknown-id", [RX_DUP_ID] = "rx-duplicate-id",
	[RX_LONG] = "rx-over-long", [RX_PAST_PAGE] = "rx-past-page",
	[RX_BAD_STATUS] = "rx-bad-status",
};

static void push_rx(struct evil *e)
{
	int unused;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&e->rx, unused);
	(void)unused;
	evil_notify(&e->dev);
}

/* One rx request taken, the frame written into its page; its response. */
static bool rx_fill(struct evil *e, const uint8_t *f, size_t len,
		    netif_rx_response_t *rsp)
{
	netif_rx_request_t req;
	uint8_t *page;

	memcpy(&req, RING_GET_REQUEST(&e->rx, e->rx.req_cons), sizeof(req));
	e->rx.req_cons++;
	*rsp = (netif_rx_response_t){ .id = req.id, .status = NETIF_RSP_ERROR };
	page = xengnttab_map_grant_ref(e->dev.xgt, e->dev.domid, req.gref,
				       PROT_READ | PROT_WRITE);
	if (!page) {
		say("mapping rx gref %u failed: %s", req.gref, strerror(errno));
		return false;
	}
	/* Posted for the backend to fill: all of it must be zero. */
	probe(e, page, 0, 0, "rx", req.gref);
	memcpy(page, f, len);
	done_with(e, page);
	rsp->status = (int16_t)len;
	return true;
}

/* Requests the guest posted that the backend has not taken. */
static unsigned int rx_posted(struct evil *e)
{
	RING_IDX prod = e->rx.sring->req_prod;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return prod - e->rx.req_cons;
}

/* Send one echo request, spoilt as @a says; false if no buffer is posted. */
static bool send_ping(struct evil *e, enum rx_attack a)
{
	uint8_t f[1100];
	size_t len = make_ping(e, f, e->pings % 2 ? 20 : 1000);
	netif_rx_response_t rsp;

	if (rx_posted(e) < (a == RX_DUP_ID ? 2U : 1U))
		return false;
	if (!rx_fill(e, f, len, &rsp))
		return false;
	switch (a) {
	case RX_BAD_ID:
		rsp.id = (uint16_t)(rsp.id + 77);
		break;
	case RX_LONG:
		rsp.status = 5000;
		break;
	case RX_PAST_PAGE:
		rsp.offset = 4000;
		rsp.status = 200;
		break;
	case RX_BAD_STATUS:
		rsp.status = -77;
		break;
	default:
		break;
	}
	*RING_GET_RESPONSE(&e->rx, e->rx.rsp_prod_pvt) = rsp;
	e->rx.rsp_prod_pvt++;
	if (a == RX_DUP_ID) {
		/* The next request's slot answered with this one's id again. */
		e->rx.req_cons++;
		*RING_GET_RESPONSE(&e->rx, e->rx.rsp_prod_pvt) = rsp;
		e->rx.rsp_prod_pvt++;
	}
	push_rx(e);
	e->pings++;
	if (a != RX_GOOD) {
		e->attacks++;
		say("attack %s: id %u offset %u status %d%s: delivered",
		    rx_attack_name[a], rsp.id, rsp.offset, rsp.status,
		    a == RX_DUP_ID ? ", twice in one push" : "");
	}
	return true;
}

/* ---- tx: frames from the guest ------------------------------------------ */

/* After an attack that stops the vif: 3 s more to show it stays stopped. */
static void fatal_sent(struct evil *e)
{
	double end = now_s() + 3;

	if (end < e->until)
		e->until = end;
}

static void tx_respond(struct evil *e, uint16_t id, int16_t status)
{
	netif_tx_response_t *rsp = RING_GET_RESPONSE(&e->tx, e->tx.rsp_prod_pvt);

	rsp->id = id;
	rsp->status = status;
	e->tx.rsp_prod_pvt++;
}

static void push_tx(struct evil *e)
{
	int unused;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&e->tx, unused);
	(void)unused;
	evil_notify(&e->dev);
}

/* Read one frame (one slot: no feature-sg) and check its page. */
static int16_t tx_take(struct evil *e, const netif_tx_request_t *req)
{
	uint8_t *page;

	if (req->flags & (NETTXF_more_data | NETTXF_extra_info) ||
	    req->offset + (unsigned int)req->size > PAGE_SZ) {
		say("tx request id %u: flags %#x offset %u size %u not one slot",
		    req->id, req->flags, req->offset, req->size);
		return NETIF_RSP_ERROR;
	}
	page = xengnttab_map_grant_ref(e->dev.xgt, e->dev.domid, req->gref, PROT_READ);
	if (!page)
		return NETIF_RSP_ERROR;
	probe(e, page, req->offset, req->offset + req->size, "tx", req->gref);
	if (is_reply(e, page + req->offset, req->size))
		e->replies++;
	done_with(e, page);
	return NETIF_RSP_OKAY;
}

static bool send_ping(struct evil *e, enum rx_attack a);

/*
 * The mode's fatal tx attack, if it is due, on request @req.  dupid
 * first leaves one request unanswered and pings again, so two are in
 * flight when the first is answered twice: the second answer then fits
 * the count of requests outstanding and only its id gives it away.
 */
static bool tx_attack(struct evil *e, const netif_tx_request_t *req,
		      int16_t status)
{
	bool bad = !strcmp(e->mode, "badrsp") && e->stage == RX_ATTACKS + 1;
	bool dup = !strcmp(e->mode, "dupid") && e->stage == 1;

	if (!bad && !dup)
		return false;
	if (bad) {
		tx_respond(e, (uint16_t)(req->id + 300), status);
		say("attack tx-unknown-id: request id %u answered as id %u: delivered",
		    req->id, req->id + 300);
	} else if (!e->held) {
		e->held = true;
		e->held_req = *req;
		send_ping(e, RX_GOOD);
		return true;
	} else {
		tx_respond(e, e->held_req.id, status);
		tx_respond(e, e->held_req.id, status);
		say("attack tx-duplicate-id: request id %u answered twice in one push, request id %u in flight too: delivered",
		    e->held_req.id, req->id);
	}
	push_tx(e);
	e->attacks++;
	e->stage++;
	fatal_sent(e);
	return true;
}

static void serve_tx(struct evil *e)
{
	int more;

	do {
		RING_IDX rc = e->tx.req_cons, rp = e->tx.sring->req_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (rp - rc > RING_SIZE(&e->tx)) {
			say("frontend's tx req_prod %u is beyond the ring", rp);
			e->dead = true;
			return;
		}
		for (; rc != rp; rc++) {
			netif_tx_request_t req;
			int16_t status;

			memcpy(&req, RING_GET_REQUEST(&e->tx, rc), sizeof(req));
			e->tx.req_cons = rc + 1;
			status = tx_take(e, &req);
			if (!tx_attack(e, &req, status)) {
				tx_respond(e, req.id, status);
				push_tx(e);
			}
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&e->tx, more);
	} while (more);
}

/* ---- the modes ------------------------------------------------------------ */

/* @n replies since the stage began? */
static bool replied(struct evil *e, unsigned long n)
{
	return e->replies >= e->replies_mark + n;
}

static void next_stage(struct evil *e)
{
	e->stage++;
	e->replies_mark = e->replies;
}

/*
 * badrsp: 5 replies, then one spoilt rx response per ping (each after a
 * reply to the one before, so the guest took it), then 5 replies, then
 * the tx attack (tx_attack()).
 */
static enum rx_attack badrsp_next(struct evil *e)
{
	if (e->stage == 0 && replied(e, 5)) {
		next_stage(e);
		return RX_BAD_ID;
	}
	if (e->stage >= 1 && e->stage < RX_ATTACKS - 1 && replied(e, 1)) {
		next_stage(e);
		return (enum rx_attack)(e->stage);
	}
	if (e->stage == RX_ATTACKS - 1 && replied(e, 5)) {
		say("5 echo replies after the rx attacks: the vif survived them");
		e->stage = RX_ATTACKS + 1;
	}
	return RX_GOOD;
}

static void attack_overrun(struct evil *e)
{
	sleep(2);	/* the guest has brought the vif up */
	e->rx.sring->rsp_prod = e->rx.rsp_prod_pvt + 1000;
	evil_notify(&e->dev);
	e->attacks++;
	say("attack overrun: rx rsp_prod set to %u with nothing answered: delivered",
	    e->rx.rsp_prod_pvt + 1000);
	fatal_sent(e);
}

/*
 * A guest that read these again now would expect multi-slot frames,
 * GSO, several queues or flipped pages this backend never does: it must
 * go on with what it agreed at Connected.
 */
static void attack_featchange(struct evil *e)
{
	static const char *const changes[][2] = {
		{ "feature-sg", "1" },
		{ "feature-gso-tcpv4", "1" },
		{ "feature-gso-tcpv6", "1" },
		{ "feature-rx-copy", "0" },
		{ "feature-rx-flip", "1" },
		{ "multi-queue-max-queues", "8" },
		{ "feature-split-event-channels", "1" },
		{ "feature-ctrl-ring", "1" },
		{ "mac", "02:00:00:00:ee:99" },
	};
	size_t n = sizeof(changes) / sizeof(changes[0]);

	for (size_t i = 0; i < n; i++)
		xs_put(&e->dev, e->dev.be, changes[i][0], changes[i][1]);
	xs_putf(&e->dev, e->dev.be, "state", "%d", XenbusStateConnected);
	e->attacks++;
	say("attack featchange: %zu feature and ring nodes changed after Connected: delivered",
	    n);
	next_stage(e);
}

static void serve_once(struct evil *e, int ms);

static void attack_storm(struct evil *e)
{
	double until = now_s() + 10;
	unsigned long n = 0;

	while (now_s() < until) {
		for (int i = 0; i < 1000; i++)
			evil_notify(&e->dev);
		n += 1000;
		serve_once(e, 0);
	}
	e->attacks++;
	say("attack storm: %lu notifications in 10 s: delivered", n);
	next_stage(e);
}

/* Wait up to @ms for an event, then serve the tx ring. */
static void serve_once(struct evil *e, int ms)
{
	struct pollfd p = { .fd = xenevtchn_fd(e->dev.xce), .events = POLLIN };

	if (poll(&p, 1, ms) > 0) {
		xenevtchn_port_or_error_t port = xenevtchn_pending(e->dev.xce);

		if (port >= 0)
			xenevtchn_unmask(e->dev.xce, (evtchn_port_t)port);
	}
	serve_tx(e);
	if (xs_num(&e->dev, e->dev.fe, "state") >= XenbusStateClosing && !e->dead) {
		say("frontend is closing (state %ld); backend Closed",
		    xs_num(&e->dev, e->dev.fe, "state"));
		xs_putf(&e->dev, e->dev.be, "state", "%d", XenbusStateClosed);
		e->dead = true;
	}
}

static void run(struct evil *e)
{
	double next_ping = now_s();
	bool storm = !strcmp(e->mode, "storm");
	bool badrsp = !strcmp(e->mode, "badrsp");
	bool featchange = !strcmp(e->mode, "featchange");

	if (!strcmp(e->mode, "overrun"))
		attack_overrun(e);
	while (now_s() < e->until && !e->dead) {
		serve_once(e, 10);
		if (now_s() >= next_ping) {
			next_ping = now_s() + PING_EVERY;
			send_ping(e, badrsp ? badrsp_next(e) : RX_GOOD);
		}
		if (!strcmp(e->mode, "dupid") && e->stage == 0 && replied(e, 5))
			next_stage(e);
		if (storm && e->stage == 0 && replied(e, 5))
			attack_storm(e);
		if (storm && e->stage == 1 && replied(e, 5)) {
			say("5 echo replies after the storm: the vif survived it");
			e->stage++;
		}
		if (featchange && e->stage == 0 && replied(e, 5))
			attack_featchange(e);
		if (featchange && e->stage == 1 && replied(e, 5)) {
			say("5 echo replies after the feature change: the vif went on");
			e->stage++;
		}
	}
}

static int parse(struct evil *e, char **argv)
{
	unsigned int m[6];

	e->mode = argv[1];
	e->dev.domid = (unsigned int)strtoul(argv[2], NULL, 10);
	e->dev.devid = (unsigned int)strtoul(argv[3], NULL, 10);
	if (sscanf(argv[4], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		e->mac[i] = (uint8_t)m[i];
	if (inet_pton(AF_INET, argv[5], &e->peer_ip) != 1 ||
	    inet_pton(AF_INET, argv[6], &e->pvk_ip) != 1)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct evil e;
	static const char *const modes[] = { "leak", "badrsp", "dupid", "overrun",
					     "storm", "keepmap", "featchange" };
	bool known = false;

	for (size_t i = 0; argc == 8 && i < sizeof(modes) / sizeof(modes[0]); i++)
		known |= !strcmp(argv[1], modes[i]);
	if (!known || parse(&e, argv)) {
		fprintf(stderr, "usage: evil-netback leak|badrsp|dupid|overrun|storm|"
			"keepmap|featchange DOMID DEVID MAC PEER_IP PVK_IP SECONDS\n");
		return 2;
	}
	evil_open(&e.dev);
	evil_publish(&e.dev, "vif", publish_nodes, &e);
	connect_vif(&e);
	e.until = now_s() + strtod(argv[7], NULL);
	run(&e);
	say("done mode=%s pings=%lu replies=%lu attacks=%lu pages=%lu stale=%lu kept=%lu",
	    e.mode, e.pings, e.replies, e.attacks, e.pages, e.stale, e.kept);
	return 0;
}
