// SPDX-License-Identifier: MIT
/*
 * The UDP block service of serve mode: reads and writes of the first
 * writable disk (blkudp_serve_disk()) for whoever sends requests to
 * BLKUDP_PORT;
 * the wire format is in include/pvk/blk-udp.h.  dom0's side of the
 * suspend tests writes through it while the domain is saved and
 * restored, then reads back what pvk acknowledged.
 *
 * A request is parsed in the UDP receive callback and handed to the
 * block layer at once; the reply goes out from the request's completion
 * (so a write is acknowledged only after the disk completed it), to the
 * sender's MAC (udp_reply(): no ARP from the completion).  Requests wait
 * in a fixed pool of slots; when all are busy the client is told so and
 * tries again.  A refused request gets an error reply and a log line
 * (the first few, then every 1000th: a client cannot flood the console).
 *
 * Started by the serving kernel through SERVE_SERVICE(), and by its
 * self-test (blk-udp-serve_test.c).
 */
#include <pvk/kernel.h>
#include <pvk/blk-udp.h>
#include <pvk/blkdev.h>
#include <pvk/net.h>
#include <pvk/serve.h>
#include <pvk/spinlock.h>
#include "blk-udp-serve.h"

#define BLKUDP_SLOTS		32
#define BAD_LOG_FIRST		16
#define BAD_LOG_EVERY		1000

struct blkudp_slot {
	struct blk_request req;
	struct udp_peer peer;
	struct blkudp_req hdr;
	bool used;
	/* The reply: header, then a READ's data (a WRITE's, on the way in). */
	u8 msg[BLKUDP_HDR_LEN + BLKUDP_MAX_DATA];
};

static struct blkudp_slot slots[BLKUDP_SLOTS];
static DEFINE_SPINLOCK(slots_lock);
static bool running;
static struct blkudp_stats stats;

#define stat_add(counter) __atomic_fetch_add(&stats.counter, 1, __ATOMIC_RELAXED)

static struct blkudp_slot *slot_get(void)
{
	struct blkudp_slot *s = NULL;
	unsigned long flags;

	spin_lock_irqsave(&slots_lock, flags);
	for (unsigned int i = 0; i < BLKUDP_SLOTS && !s; i++) {
		if (!slots[i].used) {
			s = &slots[i];
			s->used = true;
		}
	}
	spin_unlock_irqrestore(&slots_lock, flags);
	return s;
}

static void slot_put(struct blkudp_slot *s)
{
	unsigned long flags;

	spin_lock_irqsave(&slots_lock, flags);
	s->used = false;
	spin_unlock_irqrestore(&slots_lock, flags);
}

/* A reply the client may not get is no error here: it asks again. */
static void send_reply(const struct udp_peer *to, const void *msg, size_t len)
{
	if (udp_reply(to, msg, len))
		stat_add(replies_failed);
	else
		stat_add(replies);
}

static void reply_status(const struct udp_peer *to, const struct blkudp_req *req,
			 enum blkudp_status status)
{
	u8 hdr[BLKUDP_HDR_LEN];

	blkudp_reply_header(hdr, req, status);
	send_reply(to, hdr, sizeof(hdr));
}

static void log_bad(const struct udp_peer *from, const struct blkudp_req *req,
		    size_t len, enum blkudp_status status)
{
	u64 n = __atomic_add_fetch(&stats.bad, 1, __ATOMIC_RELAXED);

	if (n > BAD_LOG_FIRST && n % BAD_LOG_EVERY)
		return;
	pr_warn("blk-udp: refused request %llu from %u.%u.%u.%u:%u: %s (op %u seq %u sector %llu len %u, %zu bytes)\n",
		(unsigned long long)n, from->ip >> 24, (from->ip >> 16) & 0xff,
		(from->ip >> 8) & 0xff, from->ip & 0xff, from->port,
		blkudp_status_name(status), req->op, req->seq,
		(unsigned long long)req->sector, req->len, len);
}

static void blkudp_done(struct blk_request *req, int err)
{
	struct blkudp_slot *s = container_of(req, struct blkudp_slot, req);
	enum blkudp_status status = err ? BLKUDP_E_IO : BLKUDP_OK;
	size_t len = BLKUDP_HDR_LEN;

	if (err) {
		stat_add(io_errors);
		pr_warn("blk-udp: %s of %u bytes at sector %llu failed: %d\n",
			s->hdr.op == BLKUDP_OP_WRITE ? "write" : "read",
			s->hdr.len, (unsigned long long)s->hdr.sector, err);
	} else {
		if (s->hdr.op == BLKUDP_OP_WRITE) {
			stat_add(writes);
		} else {
			stat_add(reads);
			len += s->hdr.len;
		}
	}
	blkudp_reply_header(s->msg, &s->hdr, status);
	send_reply(&s->peer, s->msg, len);
	slot_put(s);
}

/* Hand a parsed request to @bdev; the status of an early refusal. */
static enum blkudp_status submit(struct blkdev *bdev,
				 const struct udp_peer *from,
				 const struct blkudp_req *hdr)
{
	struct blkudp_slot *s = slot_get();
	int err;

	if (!s) {
		stat_add(busy);
		return BLKUDP_E_BUSY;
	}
	s->peer = *from;
	s->hdr = *hdr;
	s->hdr.data = NULL;
	if (hdr->op == BLKUDP_OP_WRITE)
		memcpy(s->msg + BLKUDP_HDR_LEN, hdr->data, hdr->len);
	s->req = (struct blk_request){
		.op = hdr->op == BLKUDP_OP_WRITE ? BLK_OP_WRITE : BLK_OP_READ,
		.sector = hdr->sector,
		.buf = s->msg + BLKUDP_HDR_LEN,
		.len = hdr->len,
		.done = blkudp_done,
	};
	err = blk_submit(bdev, &s->req);
	if (!err)
		return BLKUDP_OK;
	slot_put(s);
	pr_warn("blk-udp: %s refused the request for sector %llu: %d\n",
		bdev->name, (unsigned long long)hdr->sector, err);
	return BLKUDP_E_REFUSED;
}

/**
 * blkudp_serve_disk - the disk the service serves
 *
 * The first registered disk that is not read-only: an HVM guest's
 * CD-ROM (its boot ISO, a read-only vbd) may come first.  Looked up per
 * request, since disks connect after the service starts.  NULL if none.
 */
struct blkdev *blkudp_serve_disk(void)
{
	struct blkdev *b;

	for (b = blkdev_next(NULL); b; b = blkdev_next(b))
		if (!(READ_ONCE(b->features) & BLKDEV_F_READONLY))
			break;
	return b;
}

static void blkudp_rx(void *ctx, const struct udp_peer *from,
		      const void *data, size_t len)
{
	struct blkdev *bdev = blkudp_serve_disk();
	enum blkudp_status status;
	struct blkudp_req req;

	stat_add(requests);
	status = blkudp_parse(data, len, bdev ? READ_ONCE(bdev->capacity) : 0,
			      &req);
	if (!bdev && (status == BLKUDP_OK || status == BLKUDP_E_RANGE))
		status = BLKUDP_E_NODEV;
	if (status != BLKUDP_OK) {
		log_bad(from, &req, len, status);
		reply_status(from, &req, status);
		return;
	}
	status = submit(bdev, from, &req);
	if (status != BLKUDP_OK)
		reply_status(from, &req, status);
}

/**
 * blkudp_serve_start - serve the first writable disk on BLKUDP_PORT
 *
 * Returns 0, or udp_bind_peer()'s error (-EBUSY when it runs already).
 */
int blkudp_serve_start(void)
{
	int err = udp_bind_peer(BLKUDP_PORT, blkudp_rx, NULL);

	if (err)
		return err;
	WRITE_ONCE(running, true);
	pr_info("blk-udp: serving the first writable disk on UDP port %u\n",
		BLKUDP_PORT);
	return 0;
}

/**
 * blkudp_serve_stop - stop taking requests
 *
 * Requests already with the disk still complete and are answered.  Logs
 * the counters.  A no-op when the service does not run.
 */
void blkudp_serve_stop(void)
{
	struct blkudp_stats st;

	if (!READ_ONCE(running))
		return;
	udp_unbind(BLKUDP_PORT);
	WRITE_ONCE(running, false);
	blkudp_serve_stats(&st);
	pr_info("blk-udp: stopped; since boot %llu requests: %llu reads and %llu writes done, %llu refused, %llu busy, %llu failed; %llu replies sent, %llu not\n",
		(unsigned long long)st.requests, (unsigned long long)st.reads,
		(unsigned long long)st.writes, (unsigned long long)st.bad,
		(unsigned long long)st.busy, (unsigned long long)st.io_errors,
		(unsigned long long)st.replies,
		(unsigned long long)st.replies_failed);
}

/**
 * blkudp_serve_stats - the service's counters since boot
 * @out: a snapshot (each counter read once; they may move meanwhile)
 */
void blkudp_serve_stats(struct blkudp_stats *out)
{
	out->requests = READ_ONCE(stats.requests);
	out->reads = READ_ONCE(stats.reads);
	out->writes = READ_ONCE(stats.writes);
	out->bad = READ_ONCE(stats.bad);
	out->busy = READ_ONCE(stats.busy);
	out->io_errors = READ_ONCE(stats.io_errors);
	out->replies = READ_ONCE(stats.replies);
	out->replies_failed = READ_ONCE(stats.replies_failed);
}

SERVE_SERVICE(blk_udp, blkudp_serve_start, blkudp_serve_stop);
