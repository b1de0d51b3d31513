// SPDX-License-Identifier: MIT
/*
 * Self-test of the UDP block service (blk-udp-serve.c) on a Xen disk:
 * the suite "blk_udp".  Requests go in as whole Ethernet frames through
 * net_rx() on a test interface (192.168.77.2/24, so the stack's IPv4
 * and UDP receive path and the service's binding are the real ones);
 * replies come out of that interface's xmit(), which keeps them for the
 * case to read.  The disk is the first one, as the service serves;
 * what the service acknowledged is read back with blk_io_sync().
 *
 * It lives in its own file, linked after xen-blkfront_test.c, so that
 * the blkfront suite has settled the vbds when both run.
 */
#include <pvk/kernel.h>
#include <pvk/blk-udp.h>
#include <pvk/blkdev.h>
#include <pvk/mm.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include "blk-udp-serve.h"
#include "xen-blkfront.h"

#define SETTLE_MS	30000
#define REPLY_WAIT_NS	(10 * NSEC_PER_SEC)
/* Free of the blkfront suite's areas (it stops below 98304 + 16384). */
#define TEST_SECTOR	122880
#define TEST_SECTORS	64
#define DEV_IP		IPV4(192, 168, 77, 2)
#define PEER_IP		IPV4(192, 168, 77, 1)
#define PEER_PORT	40000
#define CAPTURE_SLOTS	32
#define MANY		24

static const u8 peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x77, 0x01 };

/* Frames the test interface sent, in order. */
static struct {
	spinlock_t lock;
	unsigned int head, count;
	u64 dropped;
	struct thread *waiter;
	size_t len[CAPTURE_SLOTS];
	u8 buf[CAPTURE_SLOTS][ETH_FRAME_LEN];
} cap;

static struct net_device tdev;

static int capture_xmit(struct net_device *dev, const void *frame, size_t len)
{
	unsigned long flags;
	struct thread *w;

	spin_lock_irqsave(&cap.lock, flags);
	if (cap.count == CAPTURE_SLOTS || len > ETH_FRAME_LEN) {
		cap.dropped++;
	} else {
		unsigned int slot = (cap.head + cap.count++) % CAPTURE_SLOTS;

		memcpy(cap.buf[slot], frame, len);
		cap.len[slot] = len;
	}
	w = cap.waiter;
	spin_unlock_irqrestore(&cap.lock, flags);
	if (w)
		kthread_wake(w);
	return 0;
}

#define CAPTURE_NONE	(-1)	/* nothing captured */
#define CAPTURE_OTHER	(-2)	/* a frame that is no reply to the peer */
#define CAPTURE_BAD	(-3)	/* a reply that does not fit its frame */

/* The UDP payload length of the next captured frame, or CAPTURE_*. */
static int capture_pop(u8 *out, size_t max)
{
	u8 frame[ETH_FRAME_LEN];
	unsigned long flags;
	size_t len = 0, ulen;
	bool got;

	spin_lock_irqsave(&cap.lock, flags);
	got = cap.count > 0;
	if (got) {
		len = cap.len[cap.head];
		memcpy(frame, cap.buf[cap.head], len);
		cap.head = (cap.head + 1) % CAPTURE_SLOTS;
		cap.count--;
	}
	spin_unlock_irqrestore(&cap.lock, flags);
	if (!got)
		return CAPTURE_NONE;
	if (len < NET_L4_OFF + UDP_HLEN ||
	    get_be16(frame + ETH_TYPE) != ETH_P_IP ||
	    frame[ETH_HLEN + IP_PROTO] != IPPROTO_UDP ||
	    get_be16(frame + NET_L4_OFF + UDP_SPORT) != BLKUDP_PORT ||
	    get_be16(frame + NET_L4_OFF + UDP_DPORT) != PEER_PORT)
		return CAPTURE_OTHER;
	/* To the peer's MAC (no ARP asked), from the address it used. */
	if (memcmp(frame + ETH_DST, peer_mac, ETH_ALEN) ||
	    get_be32(frame + ETH_HLEN + IP_SRC) != DEV_IP ||
	    get_be32(frame + ETH_HLEN + IP_DST) != PEER_IP)
		return CAPTURE_BAD;
	ulen = get_be16(frame + NET_L4_OFF + UDP_LEN) - UDP_HLEN;
	if (ulen > max || NET_L4_OFF + UDP_HLEN + ulen > len)
		return CAPTURE_BAD;
	memcpy(out, frame + NET_L4_OFF + UDP_HLEN, ulen);
	return (int)ulen;
}

/* One request datagram from the peer to the service, through net_rx(). */
static void send_request(const void *payload, size_t len)
{
	static u8 frame[ETH_FRAME_LEN];
	u8 *ip = frame + ETH_HLEN, *udp = frame + NET_L4_OFF;
	static u16 ip_id;

	memset(frame, 0, NET_L4_OFF + UDP_HLEN);
	eth_header(frame, tdev.mac, peer_mac, ETH_P_IP);
	ip[IP_VER_IHL] = 0x45;
	put_be16(ip + IP_TOT_LEN, (u16)(IP_HLEN + UDP_HLEN + len));
	put_be16(ip + IP_ID, ++ip_id);
	ip[IP_TTL] = IP_DEFAULT_TTL;
	ip[IP_PROTO] = IPPROTO_UDP;
	put_be32(ip + IP_SRC, PEER_IP);
	put_be32(ip + IP_DST, DEV_IP);
	put_be16(ip + IP_CSUM, inet_csum(ip, IP_HLEN, 0));
	put_be16(udp + UDP_SPORT, PEER_PORT);
	put_be16(udp + UDP_DPORT, BLKUDP_PORT);
	put_be16(udp + UDP_LEN, (u16)(UDP_HLEN + len));
	/* UDP checksum 0: none computed, which the stack accepts. */
	memcpy(udp + UDP_HLEN, payload, len);
	net_rx(&tdev, frame, NET_L4_OFF + UDP_HLEN + len);
}

/* A request header (and a WRITE's data after it) in @out; its length. */
static size_t build(u8 *out, u8 op, u32 seq, u64 sector, u32 len,
		    const void *data, size_t data_len)
{
	put_be32(out, BLKUDP_MAGIC);
	out[4] = op;
	out[5] = 0;
	put_be16(out + 6, 0);
	put_be32(out + 8, seq);
	put_be32(out + 12, (u32)(sector >> 32));
	put_be32(out + 16, (u32)sector);
	put_be32(out + 20, len);
	if (data_len)
		memcpy(out + BLKUDP_HDR_LEN, data, data_len);
	return BLKUDP_HDR_LEN + data_len;
}

struct reply {
	u8 op, status;
	u32 seq, len;
	u64 sector;
	size_t data_len;
	u8 data[BLKUDP_MAX_DATA];
};

static bool decode(const u8 *p, int n, struct reply *r)
{
	if (n < BLKUDP_HDR_LEN || get_be32(p) != BLKUDP_MAGIC)
		return false;
	r->op = p[4];
	r->status = p[5];
	r->seq = get_be32(p + 8);
	r->sector = (u64)get_be32(p + 12) << 32 | get_be32(p + 16);
	r->len = get_be32(p + 20);
	r->data_len = (size_t)n - BLKUDP_HDR_LEN;
	if (r->data_len > sizeof(r->data))
		return false;
	memcpy(r->data, p + BLKUDP_HDR_LEN, r->data_len);
	return true;
}

/* Wait for the next reply; false (and a failure) if none or a bad one. */
static bool next_reply(struct kunit *test, struct reply *r)
{
	static u8 buf[ETH_FRAME_LEN];
	u64 end = ktime_get_ns() + REPLY_WAIT_NS;
	int n;

	do {
		n = capture_pop(buf, sizeof(buf));
		if (n == CAPTURE_NONE)
			kthread_wait_ns(5 * NSEC_PER_MSEC);
	} while ((n == CAPTURE_NONE || n == CAPTURE_OTHER) && ktime_get_ns() < end);
	if (n == CAPTURE_NONE || n == CAPTURE_OTHER) {
		kunit_fail(test, __FILE__, __LINE__, "no reply within 10 s");
		return false;
	}
	if (n < 0 || !decode(buf, n, r)) {
		kunit_fail(test, __FILE__, __LINE__, "malformed reply (%d)", n);
		return false;
	}
	return true;
}

/* Send one request and check the reply's header. */
static bool roundtrip(struct kunit *test, const u8 *req, size_t len,
		      u8 want_op, u32 seq, u8 want_status, struct reply *r)
{
	send_request(req, len);
	if (!next_reply(test, r))
		return false;
	KUNIT_EXPECT_EQ(test, r->op, want_op | BLKUDP_OP_REPLY);
	KUNIT_EXPECT_EQ(test, r->seq, seq);
	KUNIT_EXPECT_EQ(test, r->status, want_status);
	if (r->status != want_status)
		kunit_info(test, "seq %u: status %s, expected %s", seq,
			   blkudp_status_name(r->status),
			   blkudp_status_name(want_status));
	return r->status == want_status;
}

static void fill(u8 *buf, u64 sector, u32 len, u32 seq)
{
	for (u32 i = 0; i < len; i++)
		buf[i] = (u8)((sector + i / BLKUDP_SECTOR_SIZE) * 31 + i * 7 + seq);
}

/* The disk the service serves, writable and big enough. */
static struct blkdev *test_disk(struct kunit *test)
{
	int n = blkfront_settle(SETTLE_MS);
	struct blkdev *b = blkudp_serve_disk();

	if (n == -ETIMEDOUT) {
		kunit_fail(test, __FILE__, __LINE__, "vbds did not settle");
		return NULL;
	}
	if (!b || (b->features & BLKDEV_F_READONLY) ||
	    b->capacity < TEST_SECTOR + TEST_SECTORS) {
		kunit_skip(test, "no writable disk of %u sectors (%d vbds)",
			   TEST_SECTOR + TEST_SECTORS, n);
		return NULL;
	}
	return b;
}

/* The test interface up and the service started; false on failure. */
static bool setup(struct kunit *test)
{
	int err;

	memset(&tdev, 0, sizeof(tdev));
	spin_lock_init(&cap.lock);
	cap.head = cap.count = 0;
	cap.dropped = 0;
	cap.waiter = kthread_self();
	tdev.name = "blkudp-t";
	memcpy(tdev.mac, (u8[ETH_ALEN]){ 0x02, 0, 0, 0, 0x77, 0x02 }, ETH_ALEN);
	tdev.xmit = capture_xmit;
	err = net_register(&tdev);
	if (!err)
		err = net_configure(&tdev, "192.168.77.2/24");
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		return false;
	err = blkudp_serve_start();
	KUNIT_EXPECT_EQ(test, err, 0);
	return !err;
}

static void teardown(void)
{
	blkudp_serve_stop();
	net_unregister(&tdev);
	WRITE_ONCE(cap.waiter, NULL);
}

static void write_and_check(struct kunit *test, struct blkdev *bdev,
			    u64 sector, u32 len, u32 seq)
{
	static u8 req[BLKUDP_HDR_LEN + BLKUDP_MAX_DATA];
	static u8 data[BLKUDP_MAX_DATA], back[BLKUDP_MAX_DATA];
	static struct reply r;
	size_t n;

	fill(data, sector, len, seq);
	n = build(req, BLKUDP_OP_WRITE, seq, sector, len, data, len);
	if (!roundtrip(test, req, n, BLKUDP_OP_WRITE, seq, BLKUDP_OK, &r))
		return;
	KUNIT_EXPECT_EQ(test, r.sector, sector);
	KUNIT_EXPECT_EQ(test, r.len, len);
	KUNIT_EXPECT_EQ(test, r.data_len, 0);
	/* Acknowledged: the disk has it. */
	memset(back, 0xa5, len);
	KUNIT_EXPECT_EQ(test, blk_io_sync(bdev, BLK_OP_READ, sector, back, len), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(back, data, len));
	/* And the service reads the same back. */
	n = build(req, BLKUDP_OP_READ, seq + 1, sector, len, NULL, 0);
	if (!roundtrip(test, req, n, BLKUDP_OP_READ, seq + 1, BLKUDP_OK, &r))
		return;
	KUNIT_EXPECT_EQ(test, r.data_len, len);
	KUNIT_EXPECT_TRUE(test, r.data_len == len && !memcmp(r.data, data, len));
}

static void blk_udp_write_read_back(struct kunit *test)
{
	struct blkdev *bdev = test_disk(test);
	struct blkudp_stats before, after;

	if (!bdev || !setup(test)) {
		teardown();
		return;
	}
	blkudp_serve_stats(&before);
	write_and_check(test, bdev, TEST_SECTOR, 512, 100);
	write_and_check(test, bdev, TEST_SECTOR + 1, 1024, 200);
	write_and_check(test, bdev, TEST_SECTOR + 7, 512, 300);
	blkudp_serve_stats(&after);
	KUNIT_EXPECT_EQ(test, after.writes - before.writes, 3);
	KUNIT_EXPECT_EQ(test, after.reads - before.reads, 3);
	KUNIT_EXPECT_EQ(test, after.bad - before.bad, 0);
	KUNIT_EXPECT_EQ(test, cap.dropped, 0);
	teardown();
}

/* Malformed and out-of-range requests: each answered with its status. */
static void blk_udp_refuses_bad_requests(struct kunit *test)
{
	static u8 req[BLKUDP_HDR_LEN + 2 * BLKUDP_MAX_DATA];
	static u8 data[2 * BLKUDP_MAX_DATA], before_buf[512], after_buf[512];
	static struct reply r;
	struct blkdev *bdev = test_disk(test);
	struct blkudp_stats s0, s1;
	const u64 victim = TEST_SECTOR + 16;
	u64 cap_sectors;
	size_t n;

	if (!bdev || !setup(test)) {
		teardown();
		return;
	}
	cap_sectors = bdev->capacity;
	blkudp_serve_stats(&s0);
	KUNIT_EXPECT_EQ(test, blk_io_sync(bdev, BLK_OP_READ, victim, before_buf, 512), 0);
	fill(data, victim, sizeof(data), 0x5a);
	if (!memcmp(data, before_buf, 512))
		data[0] ^= 0xff;	/* the refused writes must differ from the disk */

	/* Too short for a header: no seq to echo. */
	n = build(req, BLKUDP_OP_WRITE, 1, victim, 512, data, 512);
	roundtrip(test, req, 10, 0, 0, BLKUDP_E_SHORT, &r);
	req[0] ^= 1;
	roundtrip(test, req, n, BLKUDP_OP_WRITE, 1, BLKUDP_E_MAGIC, &r);
	n = build(req, 7, 2, victim, 512, NULL, 0);
	roundtrip(test, req, n, 7, 2, BLKUDP_E_OP, &r);
	n = build(req, BLKUDP_OP_WRITE, 3, victim, 100, data, 100);
	roundtrip(test, req, n, BLKUDP_OP_WRITE, 3, BLKUDP_E_LEN, &r);
	/* Over-long: one byte more than len says. */
	n = build(req, BLKUDP_OP_WRITE, 4, victim, 512, data, 513);
	roundtrip(test, req, n, BLKUDP_OP_WRITE, 4, BLKUDP_E_LEN, &r);
	n = build(req, BLKUDP_OP_WRITE, 5, victim, 2048, data, 1400);
	roundtrip(test, req, n, BLKUDP_OP_WRITE, 5, BLKUDP_E_LEN, &r);
	n = build(req, BLKUDP_OP_READ, 6, victim, 4096, NULL, 0);
	roundtrip(test, req, n, BLKUDP_OP_READ, 6, BLKUDP_E_LEN, &r);
	n = build(req, BLKUDP_OP_READ, 7, cap_sectors - 1, 1024, NULL, 0);
	roundtrip(test, req, n, BLKUDP_OP_READ, 7, BLKUDP_E_RANGE, &r);
	n = build(req, BLKUDP_OP_WRITE, 8, ~0ULL, 512, data, 512);
	roundtrip(test, req, n, BLKUDP_OP_WRITE, 8, BLKUDP_E_RANGE, &r);

	blkudp_serve_stats(&s1);
	KUNIT_EXPECT_EQ(test, s1.bad - s0.bad, 9);
	KUNIT_EXPECT_EQ(test, s1.writes - s0.writes, 0);
	/* None of the refused writes reached the disk. */
	KUNIT_EXPECT_EQ(test, blk_io_sync(bdev, BLK_OP_READ, victim, after_buf, 512), 0);
	KUNIT_EXPECT_TRUE(test, !memcmp(before_buf, after_buf, 512));
	/* And the service still serves. */
	n = build(req, BLKUDP_OP_READ, 9, victim, 512, NULL, 0);
	if (roundtrip(test, req, n, BLKUDP_OP_READ, 9, BLKUDP_OK, &r))
		KUNIT_EXPECT_TRUE(test, r.data_len == 512 &&
				  !memcmp(r.data, before_buf, 512));
	teardown();
}

/* Many requests in flight at once: every one acknowledged and on disk. */
static void blk_udp_many_in_flight(struct kunit *test)
{
	static u8 req[BLKUDP_HDR_LEN + BLKUDP_MAX_DATA];
	static u8 data[BLKUDP_MAX_DATA], back[BLKUDP_MAX_DATA];
	static struct reply r;
	struct blkdev *bdev = test_disk(test);
	u32 acked = 0, seen = 0;

	if (!bdev || !setup(test)) {
		teardown();
		return;
	}
	for (u32 i = 0; i < MANY; i++) {
		u64 sector = TEST_SECTOR + 2 * i;

		fill(data, sector, 1024, 1000 + i);
		send_request(req, build(req, BLKUDP_OP_WRITE, 1000 + i, sector,
					1024, data, 1024));
	}
	for (u32 i = 0; i < MANY && next_reply(test, &r); i++) {
		u32 k = r.seq - 1000;

		KUNIT_EXPECT_EQ(test, r.op, BLKUDP_OP_WRITE | BLKUDP_OP_REPLY);
		KUNIT_EXPECT_EQ(test, r.status, BLKUDP_OK);
		KUNIT_EXPECT_TRUE(test, k < MANY && !(seen & (1U << k)));
		if (k < MANY && r.status == BLKUDP_OK && r.sector == TEST_SECTOR + 2 * k) {
			seen |= 1U << k;
			acked++;
		}
	}
	KUNIT_EXPECT_EQ(test, acked, MANY);
	for (u32 i = 0; i < MANY; i++) {
		u64 sector = TEST_SECTOR + 2 * i;

		fill(data, sector, 1024, 1000 + i);
		KUNIT_EXPECT_EQ(test, blk_io_sync(bdev, BLK_OP_READ, sector, back, 1024), 0);
		if (memcmp(back, data, 1024))
			kunit_fail(test, __FILE__, __LINE__,
				   "sector %llu does not hold write %u",
				   (unsigned long long)sector, 1000 + i);
	}
	KUNIT_EXPECT_EQ(test, cap.dropped, 0);
	teardown();
}

SELFTEST_SUITE(blk_udp,
	KUNIT_CASE(blk_udp_write_read_back),
	KUNIT_CASE(blk_udp_refuses_bad_requests),
	KUNIT_CASE(blk_udp_many_in_flight));
