// SPDX-License-Identifier: MIT
/*
 * evil-blkback: a malicious block backend for the evil-* dom0 jobs.  It
 * plays blkback for one vbd of a guest (issue #11): it writes the vbd's
 * frontend and backend directories itself (the backend under
 * backend/evilvbd/, which no real backend watches), walks the xenbus
 * states InitWait -> Connected, maps the frontend's one-page ring with
 * libxengnttab, binds its event channel with libxenevtchn and serves
 * reads and writes from IMAGE, attacking as MODE says.  Built on the
 * host with `gcc -static` against Debian's libxen-dev and put in the
 * dom0 image as /guests/evil-blkback.
 *
 *   evil-blkback MODE DOMID DEVID IMAGE SECONDS
 *
 * MODE is one of
 *   leak     serve honestly; every byte of every granted page outside the
 *            requested sectors must be zero (XSA-403): count those that
 *            are not
 *   badrsp   request 3 gets an unknown status, request 5's response is
 *            rewritten after it was produced (rewrite_after_produce()),
 *            request 8 is answered twice (the second names an id no
 *            longer in flight: a stale one)
 *   overrun  right after Connected, rsp_prod 1000 beyond any request
 *   storm    notify the frontend in a tight loop for 10 s, serving too
 *   xsstate  rewrite the backend's state node 5000 times (garbage, every
 *            state, out of range), then write the longest sectors value
 *            xenstored takes and binary info and state, serving in between
 *   keepmap  keep the first 512 granted pages mapped after answering
 *   featchange  after Connected, change every feature and ring parameter
 *            the frontend read when it connected (sectors, sector-size,
 *            read-only info, persistent grants, indirect segments,
 *            queues, ring order, flush, discard), serving on as before
 *
 * It serves until SECONDS have passed or the frontend closes.  Every
 * attack it delivered is logged as "evil-blkback: attack NAME: ...
 * delivered"; the last line is "evil-blkback: done mode=MODE requests=N
 * attacks=N pages=N stale=N kept=N" for the job's .post to check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
/* ring.h's barriers: dom0 and the guest are x86-64 SMP domains. */
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#include "evil-common.h"
#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

#define SECTOR		512

struct evil {
	struct evil_dev dev;
	const char *mode;
	int img;
	uint64_t sectors;
	void *sring;
	blkif_back_ring_t ring;
	unsigned long requests, attacks, pages, stale, kept;
	bool dead;	/* the frontend went away, or a fatal attack was sent */
};

const char *evil_prog = "evil-blkback";

/* The vbd's own nodes, inside evil_publish()'s transaction. */
static void publish_nodes(void *arg)
{
	struct evil *e = arg;
	struct evil_dev *d = &e->dev;

	xs_putf(d, d->be, "sectors", "%" PRIu64, e->sectors);
	xs_put(d, d->be, "info", "0");
	xs_putf(d, d->be, "sector-size", "%u", SECTOR);
	xs_putf(d, d->fe, "virtual-device", "%u", d->devid);
	xs_put(d, d->fe, "device-type", "disk");
}

/* Wait for the frontend's ring, map it, bind the channel, Connected. */
static void connect(struct evil *e)
{
	struct evil_dev *d = &e->dev;

	evil_wait_frontend(d, XenbusStateInitialised);
	e->sring = evil_map_ring(d, "ring-ref");
	BACK_RING_INIT(&e->ring, (blkif_sring_t *)e->sring, PAGE_SZ);
	evil_bind(d);
	xs_putf(d, d->be, "state", "%d", XenbusStateConnected);
	say("connected: ring-ref %ld event-channel %ld",
	    xs_num(d, d->fe, "ring-ref"), xs_num(d, d->fe, "event-channel"));
}

/*
 * In keepmap mode the first KEEP_MAX pages stay mapped after their
 * response (as a backend that never lets go would): the frontend cannot
 * end those grants and must not reuse their pages.  The rest are
 * unmapped, so gntdev's map limit is never reached.
 */
#define KEEP_MAX	512
/* Kept pages that make the attack delivered: pvk fails the vbd past 16. */
#define KEEP_SAY	16

static bool keep_mapped(const struct evil *e)
{
	return !strcmp(e->mode, "keepmap") && e->kept < KEEP_MAX;
}

/* One segment: probe the page for stale bytes, then do its I/O. */
static int do_segment(struct evil *e, const blkif_request_t *r,
		      const struct blkif_request_segment *s, uint64_t sector)
{
	bool write = r->operation == BLKIF_OP_WRITE;
	unsigned int from = s->first_sect * SECTOR;
	unsigned int to = (s->last_sect + 1) * SECTOR;
	unsigned long stale;
	uint8_t *page;
	ssize_t n;

	if (s->last_sect < s->first_sect || to > PAGE_SZ ||
	    sector + (to - from) / SECTOR > e->sectors)
		return BLKIF_RSP_ERROR;
	page = xengnttab_map_grant_ref(e->dev.xgt, e->dev.domid, s->gref,
				       write ? PROT_READ : PROT_READ | PROT_WRITE);
	if (!page)
		return BLKIF_RSP_ERROR;
	stale = stale_bytes(page, from, to);
	e->pages++;
	if (stale) {
		if (e->stale < 10000)
			say("leak: gref %u (%s, sectors %u-%u of the page): %lu stale bytes",
			    s->gref, write ? "write" : "read", s->first_sect,
			    s->last_sect, stale);
		e->stale += stale;
	}
	if (write)
		n = pwrite(e->img, page + from, to - from, (off_t)sector * SECTOR);
	else
		n = pread(e->img, page + from, to - from, (off_t)sector * SECTOR);
	if (keep_mapped(e)) {
		if (++e->kept == KEEP_SAY) {
			e->attacks++;
			say("attack keepmap: %u granted pages kept mapped after their responses: delivered",
			    KEEP_SAY);
		}
	} else
		xengnttab_unmap(e->dev.xgt, page, 1);
	return n == (ssize_t)(to - from) ? BLKIF_RSP_OKAY : BLKIF_RSP_ERROR;
}

static int16_t do_request(struct evil *e, const blkif_request_t *r)
{
	uint64_t sector = r->sector_number;

	if (r->operation != BLKIF_OP_READ && r->operation != BLKIF_OP_WRITE)
		return BLKIF_RSP_EOPNOTSUPP;
	if (!r->nr_segments || r->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_RSP_ERROR;
	for (unsigned int i = 0; i < r->nr_segments; i++) {
		const struct blkif_request_segment *s = &r->seg[i];

		if (do_segment(e, r, s, sector) != BLKIF_RSP_OKAY)
			return BLKIF_RSP_ERROR;
		sector += s->last_sect - s->first_sect + 1;
	}
	return BLKIF_RSP_OKAY;
}

/* Put one response on the ring, not yet published. */
static void put_response(struct evil *e, uint64_t id, uint8_t op, int16_t status)
{
	blkif_response_t *rsp = RING_GET_RESPONSE(&e->ring, e->ring.rsp_prod_pvt);

	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	e->ring.rsp_prod_pvt++;
}

/* Publish the responses put so far and notify (always: storms are MODEs). */
static void push(struct evil *e)
{
	int unused;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&e->ring, unused);
	(void)unused;
	evil_notify(&e->dev);
}

static void respond(struct evil *e, uint64_t id, uint8_t op, int16_t status)
{
	put_response(e, id, op, status);
	push(e);
}

/*
 * The double-fetch probe: after publishing a good response, flip its
 * status between OKAY and -1234 for 50 ms (its id stays valid, so a
 * frontend that copies the response once sees one of the two, and the
 * request completes either way); once the frontend has consumed it
 * (rsp_event moved past it), its id becomes one no request has.  A
 * frontend that read the slot again would complete a wrong request.
 */
static void rewrite_after_produce(struct evil *e, uint64_t id, uint8_t op)
{
	RING_IDX slot = e->ring.rsp_prod_pvt;
	volatile blkif_response_t *rsp;
	unsigned long flips = 0;
	double until;
	bool consumed;

	respond(e, id, op, BLKIF_RSP_OKAY);
	rsp = (volatile blkif_response_t *)RING_GET_RESPONSE(&e->ring, slot);
	until = now_s() + 0.05;
	while (now_s() < until) {
		rsp->status = -1234;
		rsp->status = BLKIF_RSP_OKAY;
		flips++;
	}
	/* Consumed: the frontend asks for an event past the slot after it. */
	until = now_s() + 2;
	while (!(consumed = (int32_t)(e->ring.sring->rsp_event - (slot + 1)) > 0) &&
	       now_s() < until)
		usleep(1000);
	if (consumed)
		rsp->id = id + 1000;
	e->attacks++;
	say("attack rewrite: response to id %" PRIu64 " had its status flipped %lu times "
	    "after rsp_prod covered it, then %s: delivered", id, flips,
	    consumed ? "its id rewritten once the frontend had consumed it" :
	    "the frontend did not consume it in 2 s (id left alone)");
}

/* Answer request number e->requests as MODE says. */
static void answer(struct evil *e, const blkif_request_t *r)
{
	int16_t status = do_request(e, r);
	bool bad = !strcmp(e->mode, "badrsp");

	if (bad && e->requests == 3) {
		respond(e, r->id, r->operation, -77);
		e->attacks++;
		say("attack bad-status: id %" PRIu64 " answered with status -77: delivered",
		    r->id);
	} else if (bad && e->requests == 5) {
		rewrite_after_produce(e, r->id, r->operation);
	} else if (bad && e->requests == 8) {
		/* One push: pvk sees both before it can reuse the id. */
		put_response(e, r->id, r->operation, status);
		put_response(e, r->id, r->operation, BLKIF_RSP_OKAY);
		push(e);
		e->attacks++;
		e->dead = true;
		say("attack duplicate-id: request id %" PRIu64 " answered twice in one push: delivered",
		    r->id);
	} else {
		respond(e, r->id, r->operation, status);
	}
}

static void serve_ring(struct evil *e)
{
	int more;

	do {
		RING_IDX rc = e->ring.req_cons, rp = e->ring.sring->req_prod;

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (rp - rc > RING_SIZE(&e->ring)) {
			say("frontend's req_prod %u is beyond the ring", rp);
			e->dead = true;
			return;
		}
		for (; rc != rp && !e->dead; rc++) {
			blkif_request_t r;

			memcpy(&r, RING_GET_REQUEST(&e->ring, rc), sizeof(r));
			e->ring.req_cons = rc + 1;
			e->requests++;
			answer(e, &r);
		}
		if (e->dead)
			return;
		RING_FINAL_CHECK_FOR_REQUESTS(&e->ring, more);
	} while (more);
}

/* Wait up to @ms for an event, then serve what the ring holds. */
static void serve_once(struct evil *e, int ms)
{
	struct pollfd p = { .fd = xenevtchn_fd(e->dev.xce), .events = POLLIN };

	if (poll(&p, 1, ms) > 0) {
		xenevtchn_port_or_error_t port = xenevtchn_pending(e->dev.xce);

		if (port >= 0)
			xenevtchn_unmask(e->dev.xce, (evtchn_port_t)port);
	}
	if (!e->dead)
		serve_ring(e);
	if (xs_num(&e->dev, e->dev.fe, "state") >= XenbusStateClosing && !e->dead) {
		say("frontend is closing (state %ld); backend Closed",
		    xs_num(&e->dev, e->dev.fe, "state"));
		xs_putf(&e->dev, e->dev.be, "state", "%d", XenbusStateClosed);
		e->dead = true;
	}
}

/*
 * Once the frontend is Connected (before, it may ignore events), point
 * rsp_prod far beyond anything it asked for.
 */
static void attack_overrun(struct evil *e)
{
	double until = now_s() + 60;

	while (xs_num(&e->dev, e->dev.fe, "state") != XenbusStateConnected && now_s() < until)
		usleep(100000);
	sleep(1);
	e->ring.sring->rsp_prod = e->ring.rsp_prod_pvt + 1000;
	evil_notify(&e->dev);
	e->attacks++;
	e->dead = true;
	say("attack overrun: rsp_prod set to %u with no request in flight: delivered",
	    e->ring.rsp_prod_pvt + 1000);
}

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
}

static void attack_xsstate(struct evil *e)
{
	static char huge[8192];
	static const char binary[] = { 'a', 0, '\xff', '\n', 0x7f, 0, 'z' };
	static const char *const junk[] = { "9", "-1", "4x", "", "99999999999", "7" };
	unsigned int n = 0;
	size_t len;

	for (unsigned int i = 0; i < 5000; i++) {
		if (i % 2)
			xs_put(&e->dev, e->dev.be, "state", junk[i / 2 % 6]);
		else
			xs_putf(&e->dev, e->dev.be, "state", "%u", i / 2 % 8);
		n++;
		if (i % 100 == 0)
			serve_once(e, 0);
	}
	/* As long a value as xenstored takes (its messages hold 4 KiB). */
	for (len = sizeof(huge); len >= 1024; len -= 512) {
		memset(huge, '7', len);
		if (xs_try_put(&e->dev, e->dev.be, "sectors", huge, len))
			break;
	}
	if (len < 1024)
		die("writing a long sectors value");
	xs_put_bytes(&e->dev, e->dev.be, "info", binary, sizeof(binary));
	xs_put_bytes(&e->dev, e->dev.be, "state", binary, sizeof(binary));
	e->attacks++;
	say("attack xsstate: state node rewritten %u times, a %zu-byte sectors value and binary info and state written: delivered",
	    n, len);
}

/*
 * A frontend that read these again now would shrink the disk to 8
 * sectors, make it read-only, or resize its rings under requests in
 * flight.  It must go on with what it agreed at Connected; this backend
 * serves the image as before, so every acknowledged write reads back.
 */
static void attack_featchange(struct evil *e)
{
	static const char *const changes[][2] = {
		{ "sectors", "8" },
		{ "sector-size", "4096" },
		{ "info", "4" },			/* VDISK_READONLY */
		{ "feature-persistent", "1" },
		{ "feature-max-indirect-segments", "4096" },
		{ "multi-queue-max-queues", "64" },
		{ "max-ring-page-order", "9" },
		{ "feature-flush-cache", "1" },
		{ "feature-barrier", "1" },
		{ "feature-discard", "1" },
	};
	size_t n = sizeof(changes) / sizeof(changes[0]);

	for (size_t i = 0; i < n; i++)
		xs_put(&e->dev, e->dev.be, changes[i][0], changes[i][1]);
	xs_putf(&e->dev, e->dev.be, "state", "%d", XenbusStateConnected);
	e->attacks++;
	say("attack featchange: %zu feature and ring nodes changed after Connected: delivered",
	    n);
}

static void setup(struct evil *e, char **argv)
{
	struct stat st;

	e->mode = argv[1];
	e->dev.domid = (unsigned int)strtoul(argv[2], NULL, 10);
	e->dev.devid = (unsigned int)strtoul(argv[3], NULL, 10);
	e->img = open(argv[4], O_RDWR);
	if (e->img < 0 || fstat(e->img, &st))
		die(argv[4]);
	e->sectors = (uint64_t)st.st_size / SECTOR;
	evil_open(&e->dev);
}

int main(int argc, char **argv)
{
	static struct evil e;
	double until;
	static const char *const modes[] = { "leak", "badrsp", "overrun", "storm",
					     "xsstate", "keepmap", "featchange" };
	bool known = false;

	for (size_t i = 0; argc == 6 && i < sizeof(modes) / sizeof(modes[0]); i++)
		known |= !strcmp(argv[1], modes[i]);
	if (!known) {
		fprintf(stderr, "usage: evil-blkback leak|badrsp|overrun|storm|xsstate|"
			"keepmap|featchange DOMID DEVID IMAGE SECONDS\n");
		return 2;
	}
	setup(&e, argv);
	until = now_s() + strtod(argv[5], NULL);
	evil_publish(&e.dev, "vbd", publish_nodes, &e);
	connect(&e);
	if (!strcmp(e.mode, "overrun"))
		attack_overrun(&e);
	while (now_s() < until && !e.dead) {
		serve_once(&e, 200);
		if (!strcmp(e.mode, "storm") && e.requests >= 4 && !e.attacks)
			attack_storm(&e);
		if (!strcmp(e.mode, "xsstate") && e.requests >= 4 && !e.attacks)
			attack_xsstate(&e);
		if (!strcmp(e.mode, "featchange") && e.requests >= 4 && !e.attacks)
			attack_featchange(&e);
	}
	say("done mode=%s requests=%lu attacks=%lu pages=%lu stale=%lu kept=%lu",
	    e.mode, e.requests, e.attacks, e.pages, e.stale, e.kept);
	return 0;
}
