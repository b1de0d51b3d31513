// SPDX-License-Identifier: MIT
/*
 * Self-tests of the Xen block frontend, run by pvk as a PV domU with a
 * disk (the dom0 jobs tools/testing/selftests/xen/dom0/jobs/blk-*).
 *
 * Data is a pattern computed from the byte's disk offset and a seed, so
 * any misplaced, stale or torn sector shows.  Lines starting with
 * "blkfront-test:" are read by the jobs' post scripts, which also check
 * from dom0 the bytes pvk left on the disk image.
 *
 * Disk layout (512-byte sectors; the jobs use a 64 MiB disk):
 *   0..7          written by dom0 before boot (marker), only read here
 *   2048..        write/read-back of many shapes
 *   16384..       concurrent I/O, 2 MiB per CPU
 *   65536..67583  1 MiB left for dom0 to check (crc32 printed)
 *   98304..       flush/discard, reconnection
 *
 * Every wait is bounded; a request still in flight when a wait gives up
 * keeps its memory (leaked), because the driver may still write to it.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/blkdev.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include <asm/processor.h>
#include <asm/xen/hypervisor.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include "xen-blkfront-internal.h"
#include "../xen/grant-table-internal.h"
#include "../xen/events/events_storm.h"

#define SETTLE_MS		60000
#define IO_TIMEOUT_NS		(120 * NSEC_PER_SEC)
#define RW_SECTOR		2048
#define CONC_SECTOR		16384
#define CONC_SECTORS_PER_CPU	4096
#define CONC_DEPTH		16
#define CONC_IOS		64
#define EXPORT_SECTOR		65536
#define EXPORT_BYTES		(1U << 20)
#define EXPORT_SEED		0x5eedb10cULL
#define MISC_SECTOR		98304
#define MARKER			"PVK-BLK-MARKER"

/* ---- helpers ------------------------------------------------------------ */

static u64 mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* The pattern of the 8 bytes at disk byte @pos (a multiple of 8). */
static u64 pattern_word(u64 pos, u64 seed)
{
	return mix64(pos ^ (seed * 0x9e3779b97f4a7c15ULL));
}

static void fill(void *buf, u64 sector, u32 len, u64 seed)
{
	u64 *w = buf;

	for (u32 i = 0; i < len / 8; i++)
		w[i] = pattern_word((sector << BLK_SECTOR_SHIFT) + i * 8ULL, seed);
}

/* Byte offset of the first difference, or -1. */
static s64 check(const void *buf, u64 sector, u32 len, u64 seed)
{
	const u64 *w = buf;

	for (u32 i = 0; i < len / 8; i++)
		if (w[i] != pattern_word((sector << BLK_SECTOR_SHIFT) + i * 8ULL, seed))
			return (s64)i * 8;
	return -1;
}

/* zlib's CRC-32, as busybox crc32 prints it. */
static u32 crc32(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1));
	}
	return ~crc;
}

static unsigned int order_for(size_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* A batch of async requests one thread waits for. */
struct batch {
	struct thread *waiter;
	unsigned int pending;
	int first_error;
	unsigned int released;	/* last callback is done with the batch */
};

static void batch_init(struct batch *b)
{
	*b = (struct batch){ .waiter = kthread_self() };
}

static void batch_done(struct blk_request *req, int status)
{
	struct batch *b = req->private;
	struct thread *t = b->waiter;
	int zero = 0;

	if (status)
		__atomic_compare_exchange_n(&b->first_error, &zero, status, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&b->pending, 1, __ATOMIC_ACQ_REL) == 0) {
		kthread_wake(t);
		__atomic_store_n(&b->released, 1, __ATOMIC_RELEASE);
	}
}

static int batch_submit(struct batch *b, struct blkdev *bdev,
			struct blk_request *req)
{
	int err;

	req->done = batch_done;
	req->private = b;
	__atomic_add_fetch(&b->pending, 1, __ATOMIC_ACQ_REL);
	err = blk_submit(bdev, req);
	if (err)
		__atomic_sub_fetch(&b->pending, 1, __ATOMIC_ACQ_REL);
	return err;
}

/* 0, the first error, or -ETIMEDOUT (the batch must then be leaked). */
static int batch_wait(struct batch *b, u64 timeout_ns)
{
	u64 deadline = ktime_get_ns() + timeout_ns;

	while (__atomic_load_n(&b->pending, __ATOMIC_ACQUIRE)) {
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		kthread_wait_ns(50 * NSEC_PER_MSEC);
	}
	while (!__atomic_load_n(&b->released, __ATOMIC_ACQUIRE))
		cpu_relax();
	return b->first_error;
}

/* One request, waited for with a timeout. */
static int io_wait(struct blkdev *bdev, enum blk_op op, u64 sector, void *buf,
		   u32 len)
{
	struct blk_request *req = kzalloc(sizeof(*req));
	struct batch *b = kzalloc(sizeof(*b));
	int err;

	if (!req || !b) {
		kfree(req);
		kfree(b);
		return -ENOMEM;
	}
	batch_init(b);
	*req = (struct blk_request){ .op = op, .sector = sector, .buf = buf, .len = len };
	err = batch_submit(b, bdev, req);
	if (!err)
		err = batch_wait(b, IO_TIMEOUT_NS);
	if (err != -ETIMEDOUT) {
		kfree(req);
		kfree(b);
	}
	return err;
}

/*
 * The first connected, writable Xen disk of 64 MiB, once every vbd has
 * settled.  No such disk in this boot is a skip; vbds that are there but
 * of which none connected is a failure.
 */
static struct blkdev *test_disk(struct kunit *test, struct blkfront_info *info)
{
	int n = blkfront_settle(SETTLE_MS);
	unsigned int connected = 0;

	if (n == -ETIMEDOUT) {
		kunit_fail(test, __FILE__, __LINE__, "vbds did not settle in %u s",
			   SETTLE_MS / 1000);
		return NULL;
	}
	for (struct blkdev *b = blkdev_next(NULL); b; b = blkdev_next(b)) {
		if (blkfront_get_info(b, info) || !info->connected)
			continue;
		connected++;
		if (!(b->features & BLKDEV_F_READONLY) &&
		    b->capacity >= 2 * EXPORT_SECTOR)
			return b;
	}
	if (n > 0 && !connected)
		kunit_fail(test, __FILE__, __LINE__,
			   "%d vbds, none connected (%u refused)", n,
			   blkfront_nr_refused());
	else
		kunit_skip(test, "no writable Xen disk of 64 MiB (%d vbds)", n);
	return NULL;
}

static void *alloc_buf(size_t bytes)
{
	return alloc_pages(order_for(bytes));
}

static void free_buf(void *p, size_t bytes)
{
	if (p)
		free_pages(p, order_for(bytes));
}

/* ---- the cases ---------------------------------------------------------- */

static void blkfront_devices_settle(struct kunit *test)
{
	int n;

	if (!xenbus_available()) {
		kunit_skip(test, "no xenstore (not a Xen domU)");
		return;
	}
	n = blkfront_settle(SETTLE_MS);
	KUNIT_ASSERT_TRUE(test, n >= 0);
	for (struct blkdev *b = blkdev_next(NULL); b; b = blkdev_next(b)) {
		struct blkfront_info i;

		if (blkfront_get_info(b, &i))
			continue;
		pr_raw("blkfront-test: dev=%s vbd=%u connected=%u queues=%u "
		       "ring-pages=%u slots=%u segs=%u indirect=%u persistent=%u "
		       "flush=%u barrier=%u discard=%u sector=%u/%u sectors=%llu\n",
		       b->name, i.vdevice, i.connected, i.nr_queues, i.ring_pages,
		       i.ring_slots, i.max_segs, i.indirect, i.persistent,
		       !!(b->features & BLKDEV_F_FLUSH),
		       !!(b->features & BLKDEV_F_BARRIER),
		       !!(b->features & BLKDEV_F_DISCARD), b->sector_size,
		       b->physical_sector_size, (unsigned long long)b->capacity);
	}
	pr_raw("blkfront-test: vbds=%d refused=%u\n", n, blkfront_nr_refused());
}

static bool all_zero(const char *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/*
 * The blk jobs write the marker into sector 0 before boot (and check
 * from dom0 that pvk printed it); other rows leave a fresh, zeroed
 * image.  So a zero sector means no marker in this boot, and anything
 * else that is not the marker is wrong data.
 */
static void blkfront_reads_dom0_marker(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	char *buf;
	int err;

	if (!bdev)
		return;
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	memset(buf, 0xa5, PAGE_SIZE);
	err = io_wait(bdev, BLK_OP_READ, 0, buf, PAGE_SIZE);
	if (err) {
		kunit_fail(test, __FILE__, __LINE__, "reading sector 0: %d", err);
		if (err == -ETIMEDOUT)
			return;		/* the driver may still write to buf */
		goto out;
	}
	if (all_zero(buf, BLK_SECTOR_SIZE)) {
		kunit_skip(test, "dom0 wrote no marker (sector 0 is zero)");
		goto out;
	}
	buf[63] = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = '\0';
	if (strncmp(buf, MARKER, strlen(MARKER)))
		kunit_fail(test, __FILE__, __LINE__,
			   "sector 0 holds neither the marker nor zeros");
	else
		pr_raw("blkfront-test: dom0 marker: %s\n", buf);
out:
	free_buf(buf, PAGE_SIZE);
}

struct rw_shape {
	u32 len;
	u32 misalign;	/* buffer offset from a page boundary */
};

/* Direct, 11-segment, indirect, split; aligned and odd buffers. */
static const struct rw_shape rw_shapes[] = {
	{ 512, 0 }, { 4096, 0 }, { 4096, 1 }, { 8704, 511 },
	{ 11 * 4096, 0 }, { 12 * 4096, 3 }, { 64 * 1024, 0 },
	{ 256 * 1024, 8 }, { (1U << 20) + 4096, 0 }, { 1536 * 1024, 100 },
};

/* Write @s at @sector, flush if offered, read back into poison. */
static void rw_one(struct kunit *test, struct blkdev *bdev, u64 sector,
		   const struct rw_shape *s, u64 seed)
{
	size_t bytes = s->len + s->misalign;
	char *wbuf = alloc_buf(bytes), *rbuf = alloc_buf(bytes);
	int err;
	s64 bad;

	if (!wbuf || !rbuf) {
		kunit_fail(test, __FILE__, __LINE__, "no memory for %u bytes", s->len);
		goto out;
	}
	fill(wbuf + s->misalign, sector, s->len, seed);
	err = io_wait(bdev, BLK_OP_WRITE, sector, wbuf + s->misalign, s->len);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (bdev->features & BLKDEV_F_FLUSH)
		KUNIT_EXPECT_EQ(test, io_wait(bdev, BLK_OP_FLUSH, 0, NULL, 0), 0);
	memset(rbuf, 0xa5, bytes);
	err = io_wait(bdev, BLK_OP_READ, sector, rbuf + s->misalign, s->len);
	KUNIT_EXPECT_EQ(test, err, 0);
	bad = check(rbuf + s->misalign, sector, s->len, seed);
	if (bad >= 0)
		kunit_fail(test, __FILE__, __LINE__,
			   "%u bytes at sector %llu: mismatch at byte %lld",
			   s->len, (unsigned long long)sector, (long long)bad);
	/* Nothing around the buffer was touched. */
	for (u32 i = 0; i < s->misalign; i++)
		KUNIT_EXPECT_EQ(test, (u8)rbuf[i], 0xa5);
out:
	free_buf(wbuf, bytes);
	free_buf(rbuf, bytes);
}

static void blkfront_write_read_back(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	u64 sector = RW_SECTOR;

	if (!bdev)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(rw_shapes); i++) {
		const struct rw_shape *s = &rw_shapes[i];

		if (s->len % bdev->sector_size)
			continue;
		rw_one(test, bdev, sector, s, 0x1000 + i);
		sector += ALIGN_UP(s->len, 4096U) >> BLK_SECTOR_SHIFT;
	}
}

/* Three pieces of odd sizes make one request. */
static void blkfront_vectored_request(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	static const u32 sizes[3] = { 1536, 5120, 9728 };
	struct blk_vec vec[3];
	char *whole, *back;
	u32 total = 16384;
	u64 sector = MISC_SECTOR + 8192;
	struct batch *b;
	struct blk_request *req;

	if (!bdev)
		return;
	if (bdev->sector_size > 512) {
		kunit_skip(test, "pieces are 512-byte multiples");
		return;
	}
	whole = alloc_buf(total);
	back = alloc_buf(total);
	b = kzalloc(sizeof(*b));
	req = kzalloc(sizeof(*req));
	KUNIT_ASSERT_TRUE(test, whole && back && b && req);
	fill(whole, sector, total, 77);
	KUNIT_EXPECT_EQ(test, io_wait(bdev, BLK_OP_WRITE, sector, whole, total), 0);
	memset(back, 0, total);
	for (u32 i = 0, off = 0; i < 3; off += sizes[i], i++)
		vec[i] = (struct blk_vec){ back + off + 3 * i, sizes[i] };
	batch_init(b);
	*req = (struct blk_request){ .op = BLK_OP_READ, .sector = sector,
				     .len = total, .vec = vec, .nr_vec = 3 };
	KUNIT_ASSERT_TRUE(test, batch_submit(b, bdev, req) == 0);
	KUNIT_ASSERT_TRUE(test, batch_wait(b, IO_TIMEOUT_NS) == 0);
	for (u32 i = 0, off = 0; i < 3; off += sizes[i], i++)
		KUNIT_EXPECT_TRUE(test, !memcmp(back + off + 3 * i, whole + off, sizes[i]));
	free_buf(whole, total);
	free_buf(back, total);
	kfree(b);
	kfree(req);
}


#define CONC_MISMATCH	1	/* conc_pass(): data read back was wrong */

struct conc_arg {
	struct blkdev *bdev;
	unsigned int cpu;
	int result;
};

/* This CPU's 4 KiB blocks, visited in a scattered order. */
static u64 conc_sector(unsigned int cpu, unsigned int i)
{
	u32 block = (i * 37U + cpu * 11U) % (CONC_SECTORS_PER_CPU / 8);

	return CONC_SECTOR + (u64)cpu * CONC_SECTORS_PER_CPU + block * 8ULL;
}

/* Submit CONC_DEPTH requests and wait; -ETIMEDOUT means leak everything. */
static int conc_round(struct conc_arg *a, enum blk_op op, unsigned int first,
		      char *bufs, struct blk_request *reqs, struct batch *b)
{
	int err = 0, werr;

	batch_init(b);
	for (unsigned int j = 0; j < CONC_DEPTH; j++) {
		u64 sector = conc_sector(a->cpu, first + j);
		char *buf = bufs + (size_t)j * 4096;

		if (op == BLK_OP_WRITE)
			fill(buf, sector, 4096, a->cpu);
		else
			memset(buf, 0, 4096);
		reqs[j] = (struct blk_request){ .op = op, .sector = sector,
						.buf = buf, .len = 4096 };
		if (batch_submit(b, a->bdev, &reqs[j]))
			err = -EIO;
	}
	werr = batch_wait(b, IO_TIMEOUT_NS);
	if (werr == -ETIMEDOUT)
		return werr;
	err = err ?: werr;
	for (unsigned int j = 0; !err && op == BLK_OP_READ && j < CONC_DEPTH; j++)
		if (check(bufs + (size_t)j * 4096, conc_sector(a->cpu, first + j),
			  4096, a->cpu) >= 0)
			err = CONC_MISMATCH;
	return err;
}

static int conc_pass(struct conc_arg *a, enum blk_op op)
{
	char *bufs = alloc_buf(CONC_DEPTH * 4096);
	struct blk_request *reqs = kzalloc(CONC_DEPTH * sizeof(*reqs));
	struct batch *b = kzalloc(sizeof(*b));
	int err = bufs && reqs && b ? 0 : -ENOMEM;

	for (unsigned int i = 0; i < CONC_IOS && !err; i += CONC_DEPTH)
		err = conc_round(a, op, i, bufs, reqs, b);
	if (err == -ETIMEDOUT)
		return err;
	free_buf(bufs, CONC_DEPTH * 4096);
	kfree(reqs);
	kfree(b);
	return err;
}

static int conc_worker(void *arg)
{
	struct conc_arg *a = arg;

	a->result = conc_pass(a, BLK_OP_WRITE) ?: conc_pass(a, BLK_OP_READ);
	return 0;
}

/* Every vCPU at once, each through its own queue (vCPU modulo queues). */
static void blkfront_concurrent_queues(struct kunit *test)
{
	struct blkfront_info before, after;
	struct blkdev *bdev = test_disk(test, &before);
	struct conc_arg *args;
	struct thread **threads;
	unsigned int cpu, ncpu = 0;

	if (!bdev)
		return;
	args = kzalloc(NR_CPUS * sizeof(*args));
	threads = kzalloc(NR_CPUS * sizeof(*threads));
	KUNIT_ASSERT_TRUE(test, args && threads);
	for_each_cpu(cpu, &cpu_online_mask) {
		if (CONC_SECTOR + (cpu + 1ULL) * CONC_SECTORS_PER_CPU > EXPORT_SECTOR)
			break;
		args[cpu] = (struct conc_arg){ .bdev = bdev, .cpu = cpu };
		threads[cpu] = kthread_run(conc_worker, &args[cpu], "blkconc", cpu);
		KUNIT_EXPECT_TRUE(test, threads[cpu]);
		ncpu++;
	}
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!threads[cpu])
			continue;
		kthread_join(threads[cpu]);
		if (args[cpu].result)
			kunit_fail(test, __FILE__, __LINE__, "CPU %u: %s (%d)", cpu,
				   args[cpu].result == CONC_MISMATCH ? "data mismatch" :
				   "I/O failed", args[cpu].result);
	}
	blkfront_get_info(bdev, &after);
	pr_raw("blkfront-test: concurrent cpus=%u queues=%u", ncpu, after.nr_queues);
	for (unsigned int q = 0; q < after.nr_queues; q++) {
		u64 n = after.requests[q] - before.requests[q];

		pr_raw(" q%u=%llu", q, (unsigned long long)n);
		if (q < ncpu)
			KUNIT_EXPECT_TRUE(test, n > 0);
	}
	pr_raw("\n");
	kfree(args);
	kfree(threads);
}

static void blkfront_flush_and_discard(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	const struct rw_shape s = { 64 * 1024, 0 };
	int err;

	if (!bdev)
		return;
	err = io_wait(bdev, BLK_OP_FLUSH, 0, NULL, 0);
	if (bdev->features & BLKDEV_F_FLUSH || err != -EOPNOTSUPP)
		KUNIT_EXPECT_EQ(test, err, 0);
	rw_one(test, bdev, MISC_SECTOR, &s, 99);
	err = io_wait(bdev, BLK_OP_DISCARD, MISC_SECTOR, NULL, s.len);
	if (bdev->features & BLKDEV_F_DISCARD)
		KUNIT_EXPECT_EQ(test, err, 0);
	else if (err)
		KUNIT_EXPECT_EQ(test, err, -EOPNOTSUPP);
	/* Discarded blocks take new data as before. */
	rw_one(test, bdev, MISC_SECTOR, &s, 100);
	pr_raw("blkfront-test: flush=%s discard=%s\n",
	       bdev->features & BLKDEV_F_FLUSH ? "ok" : "unsupported",
	       bdev->features & BLKDEV_F_DISCARD ? "ok" : "unsupported");
}

static bool never_done_called;

static void never_done(struct blk_request *req, int status)
{
	never_done_called = true;
}

static void blkfront_rejects_bad_requests(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	struct blk_request r;
	char *buf;

	if (!bdev)
		return;
	buf = alloc_buf(4096);
	KUNIT_ASSERT_TRUE(test, buf);
	r = (struct blk_request){ .op = BLK_OP_READ, .sector = bdev->capacity,
				  .buf = buf, .len = 4096, .done = never_done };
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.sector = bdev->capacity - 4;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.sector = ~0ULL - 3;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.sector = 0;
	r.len = 0;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.len = 100;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.len = 4096;
	r.buf = NULL;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.buf = buf;
	r.done = NULL;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.done = never_done;
	r.op = (enum blk_op)7;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r), -EINVAL);
	r.op = BLK_OP_FLUSH;
	KUNIT_EXPECT_EQ(test, blk_submit(bdev, &r),
			bdev->features & BLKDEV_F_FLUSH ? -EINVAL : -EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, never_done_called);
	free_buf(buf, 4096);
}

/* 1 MiB that dom0 checks after pvk is gone (crc32 of the image bytes). */
static void blkfront_export_for_dom0(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev = test_disk(test, &info);
	char *buf, *back;
	u32 crc;

	if (!bdev)
		return;
	buf = alloc_buf(EXPORT_BYTES);
	back = alloc_buf(EXPORT_BYTES);
	KUNIT_ASSERT_TRUE(test, buf && back);
	fill(buf, EXPORT_SECTOR, EXPORT_BYTES, EXPORT_SEED);
	crc = crc32(0, buf, EXPORT_BYTES);
	KUNIT_EXPECT_EQ(test, io_wait(bdev, BLK_OP_WRITE, EXPORT_SECTOR, buf,
				      EXPORT_BYTES), 0);
	if (bdev->features & BLKDEV_F_FLUSH)
		KUNIT_EXPECT_EQ(test, io_wait(bdev, BLK_OP_FLUSH, 0, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, io_wait(bdev, BLK_OP_READ, EXPORT_SECTOR, back,
				      EXPORT_BYTES), 0);
	KUNIT_EXPECT_EQ(test, crc32(0, back, EXPORT_BYTES), crc);
	pr_raw("blkfront-test: export dev=%s sector=%u bytes=%u crc32=%08x\n",
	       bdev->name, EXPORT_SECTOR, EXPORT_BYTES, crc);
	free_buf(buf, EXPORT_BYTES);
	free_buf(back, EXPORT_BYTES);
}

SELFTEST_SUITE(xen_blkfront,
	KUNIT_CASE(blkfront_devices_settle),
	KUNIT_CASE(blkfront_reads_dom0_marker),
	KUNIT_CASE(blkfront_write_read_back),
	KUNIT_CASE(blkfront_vectored_request),
	KUNIT_CASE(blkfront_concurrent_queues),
	KUNIT_CASE(blkfront_flush_and_discard),
	KUNIT_CASE(blkfront_rejects_bad_requests),
	KUNIT_CASE(blkfront_export_for_dom0));

/* ---- reconnection: dom0 detaches and re-attaches the disk -------------- */


#define RECONNECT_SECTOR	(MISC_SECTOR + 16384)
#define RECONNECT_BLOCKS	16
#define RECONNECT_SECONDS	400

/* Write RECONNECT_BLOCKS x 4 KiB with @seed, then read and check them. */
static int reconnect_round(struct blkdev *bdev, u64 seed, char *bufs,
			   struct blk_request *reqs, struct batch *b)
{
	int err = 0;

	for (int pass = 0; pass < 2 && !err; pass++) {
		enum blk_op op = pass ? BLK_OP_READ : BLK_OP_WRITE;

		batch_init(b);
		for (unsigned int j = 0; j < RECONNECT_BLOCKS; j++) {
			u64 sector = RECONNECT_SECTOR + j * 8ULL;

			if (op == BLK_OP_WRITE)
				fill(bufs + j * 4096, sector, 4096, seed);
			else
				memset(bufs + j * 4096, 0, 4096);
			reqs[j] = (struct blk_request){ .op = op, .sector = sector,
							.buf = bufs + j * 4096, .len = 4096 };
			if (batch_submit(b, bdev, &reqs[j]))
				err = -EIO;
		}
		if (batch_wait(b, (RECONNECT_SECONDS + 60) * NSEC_PER_SEC) == -ETIMEDOUT)
			return -ETIMEDOUT;
		err = err ?: b->first_error;
	}
	for (unsigned int j = 0; !err && j < RECONNECT_BLOCKS; j++)
		if (check(bufs + j * 4096, RECONNECT_SECTOR + j * 8ULL, 4096, seed) >= 0)
			err = CONC_MISMATCH;
	return err;
}

static void blkfront_survives_detach(struct kunit *test)
{
	struct blkfront_info info, now;
	struct blkdev *bdev;
	char *bufs = alloc_buf(RECONNECT_BLOCKS * 4096);
	struct blk_request *reqs = kzalloc(RECONNECT_BLOCKS * sizeof(*reqs));
	struct batch *b = kzalloc(sizeof(*b));
	u64 deadline = ktime_get_ns() + RECONNECT_SECONDS * NSEC_PER_SEC;
	unsigned int after = 0, rounds = 0;
	int err = 0;
	u64 seed = 0;

	/* It waits for dom0 to detach the disk: only when asked by name. */
	if (!selftest_named("xen_blkfront_reconnect")) {
		kunit_skip(test, "only with selftest=xen_blkfront_reconnect");
		return;
	}
	bdev = test_disk(test, &info);
	if (!bdev)
		return;
	KUNIT_ASSERT_TRUE(test, bufs && reqs && b);
	pr_raw("blkfront-test: reconnect: ready dev=%s\n", bdev->name);
	/* Keep I/O going until three rounds ran on the new connection. */
	while (!err && after < 3 && ktime_get_ns() < deadline) {
		seed = 0x7000 + rounds++;
		err = reconnect_round(bdev, seed, bufs, reqs, b);
		blkfront_get_info(bdev, &now);
		if (now.connections > info.connections && now.connected)
			after++;
		/* Leave dom0 time for xl: saturating blkback starves it. */
		msleep(250);
	}
	if (err == -ETIMEDOUT) {
		kunit_fail(test, __FILE__, __LINE__, "I/O stuck across reconnection");
		return;
	}
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, after >= 3);
	pr_raw("blkfront-test: reconnect: rounds=%u connections=%u result=%s "
	       "sector=%llu bytes=%u crc32=%08x\n", rounds, now.connections,
	       !err && after >= 3 ? "ok" : "fail",
	       (unsigned long long)RECONNECT_SECTOR, RECONNECT_BLOCKS * 4096,
	       crc32(0, bufs, RECONNECT_BLOCKS * 4096));
	free_buf(bufs, RECONNECT_BLOCKS * 4096);
	kfree(reqs);
	kfree(b);
}

SELFTEST_SUITE(xen_blkfront_reconnect,
	KUNIT_CASE(blkfront_survives_detach));

/* ---- benchmark ---------------------------------------------------------- */

/*
 * The run shape of the Linux guest's fio jobs (dom0 jobs bench-*): 1 s
 * of warm-up that is not counted, then 5 s measured, over the same
 * 48 MiB at 1 MiB into the disk (fio --offset=1M --size=48M).  Around
 * each op a "bench-window:" line and a pause let dom0 sample blkback's
 * counters (and trace) while the disk is idle, the same way for both.
 */
#define BENCH_WARMUP_NS		(1 * NSEC_PER_SEC)
#define BENCH_NS		(5 * NSEC_PER_SEC)
/* Issuing goes on a little past the window, so its end is steady state. */
#define BENCH_TAIL_NS		(100 * NSEC_PER_MSEC)
#define BENCH_PAD_MS		1000
#define BENCH_POLL_NS		(10 * NSEC_PER_MSEC)
#define BENCH_OFFSET		(1ULL << 20)
#define BENCH_SPAN		(48ULL << 20)
#define BENCH_DEPTH_4K		32
#define BENCH_DEPTH_1M		4

/* Each request reissues itself from its completion until time is up. */
struct bench_run {
	struct blkdev *bdev;
	enum blk_op op;
	u32 len;
	bool sequential;
	u64 deadline;
	unsigned int issued;
	unsigned int completed;
	unsigned int inflight;
	int error;
	struct thread *waiter;
};

struct bench_slot {
	struct blk_request req;
	struct bench_run *run;
};

/* What the counters said at one end of the measured window. */
struct bench_mark {
	u64 ns;
	u64 hypercalls;
	unsigned int completed;
	struct blkfront_info info;
};

static u64 bench_sector(struct bench_run *r, unsigned int n)
{
	u64 blocks = BENCH_SPAN / r->len;

	return ((BENCH_OFFSET + (r->sequential ? n % blocks : mix64(n) % blocks) *
		 r->len) >> BLK_SECTOR_SHIFT);
}

static void bench_done(struct blk_request *req, int status);

/* Start the next request of @r in @s, unless the run is over. */
static bool bench_issue(struct bench_run *r, struct bench_slot *s)
{
	unsigned int n = __atomic_fetch_add(&r->issued, 1, __ATOMIC_RELAXED);

	if (ktime_get_ns() > r->deadline || READ_ONCE(r->error))
		return false;
	s->req.op = r->op;
	s->req.sector = bench_sector(r, n);
	s->req.len = r->len;
	s->req.done = bench_done;
	s->req.private = s;
	if (blk_submit(r->bdev, &s->req)) {
		WRITE_ONCE(r->error, -EIO);
		return false;
	}
	return true;
}

static void bench_done(struct blk_request *req, int status)
{
	struct bench_slot *s = req->private;
	struct bench_run *r = s->run;
	struct thread *t = r->waiter;

	if (status)
		WRITE_ONCE(r->error, status);
	__atomic_fetch_add(&r->completed, 1, __ATOMIC_RELAXED);
	if (!bench_issue(r, s) &&
	    __atomic_sub_fetch(&r->inflight, 1, __ATOMIC_ACQ_REL) == 0)
		kthread_wake(t);
}

/* Wait until @until, or until no request of @r is left in flight. */
static void bench_wait_until(struct bench_run *r, u64 until)
{
	u64 now;

	while (__atomic_load_n(&r->inflight, __ATOMIC_ACQUIRE) &&
	       (now = ktime_get_ns()) < until)
		kthread_wait_ns(MIN(until - now, (u64)BENCH_POLL_NS));
}

static void bench_mark(struct bench_run *r, struct bench_mark *m)
{
	m->completed = __atomic_load_n(&r->completed, __ATOMIC_RELAXED);
	m->hypercalls = blkfront_hypercalls();
	blkfront_get_info(r->bdev, &m->info);
	m->ns = ktime_get_ns();
}

/* "12.34": @num / @den with two decimals. */
static void bench_x100(char *buf, size_t size, u64 num, u64 den)
{
	u64 x100 = num * 100 / (den ?: 1);

	snprintf(buf, size, "%llu.%02llu", (unsigned long long)(x100 / 100),
		 (unsigned long long)(x100 % 100));
}

static void bench_report(const char *name, unsigned int depth, u32 len,
			 const struct bench_mark *a, const struct bench_mark *b,
			 int error)
{
	u64 n = b->completed - a->completed, ns = b->ns - a->ns;
	u64 per = n ?: 1;
	char iops[24], mibps[24];

	bench_x100(iops, sizeof(iops), n * NSEC_PER_SEC, ns);
	/* Bytes per microsecond * 10^6 / 2^20 = MiB/s. */
	bench_x100(mibps, sizeof(mibps), n * len * 1000000 / (1U << 20),
		   ns / 1000 ?: 1);
	pr_raw("pvk-blkbench: op=%s qd=%u iops=%s mibps=%s "
	       "hypercalls_per_1k=%llu notifications_per_1k=%llu events_per_1k=%llu "
	       "requests=%llu window_ms=%llu error=%d\n", name, depth, iops, mibps,
	       (unsigned long long)((b->hypercalls - a->hypercalls) * 1000 / per),
	       (unsigned long long)((b->info.notifications - a->info.notifications) *
				    1000 / per),
	       (unsigned long long)((b->info.events - a->info.events) * 1000 / per),
	       (unsigned long long)n, (unsigned long long)(ns / NSEC_PER_MSEC),
	       error);
}

static int bench_one(struct blkdev *bdev, const char *name, enum blk_op op,
		     u32 len, unsigned int depth, bool seq)
{
	struct bench_run run = {
		.bdev = bdev, .op = op, .len = len, .sequential = seq,
		.waiter = kthread_self(),
	};
	struct bench_slot *slots;
	struct bench_mark m0, m1;
	u64 t0;

	if ((bdev->capacity << BLK_SECTOR_SHIFT) < BENCH_OFFSET + BENCH_SPAN)
		return -ENOSPC;
	slots = kzalloc(depth * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (unsigned int i = 0; i < depth; i++) {
		slots[i].run = &run;
		slots[i].req.buf = alloc_buf(len);
		if (!slots[i].req.buf)
			return -ENOMEM;
	}
	pr_raw("bench-window: begin op=%s engine=inkernel\n", name);
	msleep(BENCH_PAD_MS);
	t0 = ktime_get_ns();
	run.deadline = t0 + BENCH_WARMUP_NS + BENCH_NS + BENCH_TAIL_NS;
	run.inflight = depth;
	for (unsigned int i = 0; i < depth; i++)
		if (!bench_issue(&run, &slots[i]) &&
		    __atomic_sub_fetch(&run.inflight, 1, __ATOMIC_ACQ_REL) == 0)
			break;
	bench_wait_until(&run, t0 + BENCH_WARMUP_NS);
	bench_mark(&run, &m0);
	bench_wait_until(&run, m0.ns + BENCH_NS);
	bench_mark(&run, &m1);
	bench_wait_until(&run, ~0ULL);
	bench_report(name, depth, len, &m0, &m1, run.error);
	/* The last callback may still be inside kthread_wake(). */
	msleep(10);
	pr_raw("bench-window: end op=%s engine=inkernel\n", name);
	msleep(BENCH_PAD_MS);
	for (unsigned int i = 0; i < depth; i++)
		free_buf(slots[i].req.buf, len);
	kfree(slots);
	return run.error;
}

/*
 * The same loads without the defences against a hostile backend that
 * can be switched off (zeroing unused granted bytes, counting events
 * without work): what they cost, as rows of the same table (issue #11).
 */
static int bench_unhardened(struct blkdev *bdev)
{
	int err;

	blkfront_set_zero_unused(false);
	xen_evtchn_set_storm_accounting(false);
	err = bench_one(bdev, "randread4k-unhardened", BLK_OP_READ, 4096,
			BENCH_DEPTH_4K, false) ?:
	      bench_one(bdev, "seqread1m-unhardened", BLK_OP_READ, 1U << 20,
			BENCH_DEPTH_1M, true);
	xen_evtchn_set_storm_accounting(true);
	blkfront_set_zero_unused(true);
	return err;
}

int blkfront_bench(struct blkdev *bdev)
{
	return bench_one(bdev, "randread4k", BLK_OP_READ, 4096, BENCH_DEPTH_4K,
			 false) ?:
	       bench_one(bdev, "randwrite4k", BLK_OP_WRITE, 4096, BENCH_DEPTH_4K,
			 false) ?:
	       bench_one(bdev, "seqread1m", BLK_OP_READ, 1U << 20, BENCH_DEPTH_1M,
			 true) ?:
	       bench_unhardened(bdev);
}

/* Overwrites the disk, so only when asked for by name or with bench=1. */
static void blkfront_bench_case(struct kunit *test)
{
	struct blkfront_info info;
	struct blkdev *bdev;

	if (!(IS_ENABLED(CONFIG_BENCH) && bench_requested) &&
	    !selftest_named("xen_blkfront_bench")) {
		kunit_skip(test, "selftest=xen_blkfront_bench or bench=1");
		return;
	}
	bdev = test_disk(test, &info);
	if (bdev)
		KUNIT_EXPECT_EQ(test, blkfront_bench(bdev), 0);
}

SELFTEST_SUITE(xen_blkfront_bench,
	KUNIT_CASE(blkfront_bench_case));

/* ---- an untrusted backend: pvk's test plays it on a local ring ---------- */

/*
 * A device whose only queue has a one-page ring in local memory: no
 * xenstore, no event channel, no grant of the ring.  The test reads
 * requests from *@sring, writes responses into it and calls
 * fake_dev_event() as if an event arrived.  Data pages are granted to
 * dom0, which never maps them.
 */
static struct blkdev *fake_dev_create(struct blkif_sring **sring)
{
	static unsigned int fake_nr;
	struct blkfront *bf = blkfront_alloc(0xfff00000U + fake_nr++);
	struct blkfront_queue *q;

	if (!bf)
		return NULL;
	snprintf(bf->bdev.name, sizeof(bf->bdev.name), "fakevbd%u", fake_nr - 1);
	q = &bf->queues[0];
	q->pool = kzalloc(BLKFRONT_POOL_PAGES * sizeof(*q->pool));
	q->sring = alloc_page_zeroed();
	if (!q->pool || !q->sring)
		return NULL;
	q->ring_refs[0] = INVALID_GRANT_REF;
	SHARED_RING_INIT((struct blkif_sring *)q->sring);
	FRONT_RING_INIT(&q->ring, (struct blkif_sring *)q->sring, PAGE_SIZE);
	q->setup = true;
	blkfront_slot_reset(q);
	bf->nr_queues = 1;
	bf->max_segs = BLKFRONT_MAX_INDIRECT_SEGS;
	bf->persistent = true;
	bf->talked = true;
	bf->flush_op = BLKIF_OP_FLUSH_DISKCACHE;
	bf->bdev.capacity = 2048;
	bf->bdev.physical_sector_size = BLK_SECTOR_SIZE;
	bf->bdev.features = BLKDEV_F_FLUSH | BLKDEV_F_DISCARD;
	bf->bdev.nr_queues = 1;
	q->live = true;
	bf->state = BF_CONNECTED;
	blkfront_start_worker();
	*sring = q->sring;
	return &bf->bdev;
}

static void fake_dev_event(struct blkdev *bdev)
{
	struct blkfront *bf = bdev->priv;

	blkfront_interrupt(bf->queues[0].port, &bf->queues[0], NULL);
}

/* The pool page granted as @ref, or NULL. */
static void *fake_dev_page(struct blkdev *bdev, grant_ref_t ref)
{
	struct blkfront_queue *q = &((struct blkfront *)bdev->priv)->queues[0];

	for (unsigned int i = 0; i < q->pool_used; i++)
		if (q->pool[i].ref == ref && q->pool[i].granted)
			return q->pool[i].va;
	return NULL;
}

/* The device was failed and the worker has finished tearing it down. */
static bool fake_dev_dead(struct blkdev *bdev)
{
	struct blkfront *bf = bdev->priv;

	return READ_ONCE(bf->state) == BF_DEAD && !READ_ONCE(bf->fatal_pending);
}

/* Tear the device down; its requests fail with -ENODEV. */
static void fake_dev_destroy(struct blkdev *bdev)
{
	struct blkfront *bf = bdev->priv;
	unsigned long flags;

	blkfront_mutex_lock(bf);
	spin_lock_irqsave(&bf->lock, flags);
	bf->state = BF_DEAD;
	spin_unlock_irqrestore(&bf->lock, flags);
	blkfront_teardown(bf, -ENODEV);
	blkfront_mutex_unlock(bf);
}

struct fake {
	struct blkdev *bdev;
	struct blkif_sring *sring;
	RING_IDX rsp_prod;
};

static bool fake_start(struct kunit *test, struct fake *f)
{
	if (!gnttab_free_refs()) {
		kunit_skip(test, "no grant table (not a Xen PV guest)");
		return false;
	}
	f->bdev = fake_dev_create(&f->sring);
	if (!f->bdev) {
		kunit_fail(test, __FILE__, __LINE__, "no memory for a fake device");
		return false;
	}
	/* Ask never to be notified: there is no event channel. */
	WRITE_ONCE(f->sring->req_event, 0x80000000U);
	f->rsp_prod = 0;
	return true;
}

/* What pvk put in ring slot @idx (a copy). */
static struct blkif_request fake_request(struct fake *f, RING_IDX idx)
{
	struct blkif_request r;

	memcpy(&r, &f->sring->ring[idx % 32].req, sizeof(r));
	return r;
}

/* Queue a response and raise the "event". */
static void fake_respond(struct fake *f, u64 id, u8 op, s16 status)
{
	struct blkif_response *rsp = &f->sring->ring[f->rsp_prod % 32].rsp;

	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	smp_wmb();
	WRITE_ONCE(f->sring->rsp_prod, ++f->rsp_prod);
	fake_dev_event(f->bdev);
}

static void fake_publish(struct fake *f, RING_IDX prod)
{
	smp_wmb();
	WRITE_ONCE(f->sring->rsp_prod, prod);
	fake_dev_event(f->bdev);
}

/* The worker thread fails the device; wait for it (bounded). */
static bool fake_wait_dead(struct fake *f)
{
	for (int i = 0; i < 500 && !fake_dev_dead(f->bdev); i++)
		msleep(10);
	return fake_dev_dead(f->bdev);
}

struct fake_io {
	struct blk_request req;
	int status;
	unsigned int calls;
};

static void fake_done(struct blk_request *req, int status)
{
	struct fake_io *io = container_of(req, struct fake_io, req);

	io->status = status;
	io->calls++;
}

static int fake_submit(struct fake *f, struct fake_io *io, enum blk_op op,
		       void *buf, u32 len)
{
	io->req = (struct blk_request){ .op = op, .sector = 8, .buf = buf,
					.len = len, .done = fake_done };
	io->status = 1;
	io->calls = 0;
	return blk_submit(f->bdev, &io->req);
}

/* A good read: only the asked-for bytes reach the buffer. */
static void blkfront_fake_read_stays_in_buffer(struct kunit *test)
{
	struct fake f;
	struct fake_io io;
	struct blkif_request r;
	u8 *buf, *page;

	if (!fake_start(test, &f))
		return;
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	memset(buf, 0x11, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io, BLK_OP_READ, buf + 512, 512) == 0);
	r = fake_request(&f, 0);
	KUNIT_EXPECT_EQ(test, r.operation, BLKIF_OP_READ);
	KUNIT_EXPECT_EQ(test, r.nr_segments, 1);
	KUNIT_EXPECT_EQ(test, r.sector_number, 8);
	KUNIT_EXPECT_EQ(test, r.seg[0].first_sect, 0);
	KUNIT_EXPECT_EQ(test, r.seg[0].last_sect, 0);
	page = fake_dev_page(f.bdev, r.seg[0].gref);
	KUNIT_ASSERT_TRUE(test, page);
	/* The "backend" fills the whole granted page. */
	memset(page, 0xee, PAGE_SIZE);
	fake_respond(&f, r.id, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, io.calls, 1);
	KUNIT_EXPECT_EQ(test, io.status, 0);
	for (u32 i = 0; i < PAGE_SIZE; i++)
		if (buf[i] != (i >= 512 && i < 1024 ? 0xee : 0x11)) {
			kunit_fail(test, __FILE__, __LINE__, "byte %u is %#x", i, buf[i]);
			break;
		}
	fake_dev_destroy(f.bdev);
	free_buf(buf, PAGE_SIZE);
}

/* Submit two reads, then let @respond misbehave; the device must fail. */
static void fake_expect_fatal(struct kunit *test,
			      void (*respond)(struct fake *f, u64 id0, u64 id1))
{
	struct fake f;
	struct fake_io io[3];
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io[0], BLK_OP_READ, buf, 512) == 0);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io[1], BLK_OP_READ, buf + 512, 512) == 0);
	respond(&f, fake_request(&f, 0).id, fake_request(&f, 1).id);
	KUNIT_EXPECT_TRUE(test, fake_wait_dead(&f));
	/* Both ended exactly once, and the dead device takes nothing more. */
	KUNIT_EXPECT_EQ(test, io[0].calls + io[1].calls, 2);
	KUNIT_EXPECT_TRUE(test, io[0].status <= 0 && io[1].status < 0);
	KUNIT_EXPECT_EQ(test, fake_submit(&f, &io[2], BLK_OP_READ, buf, 512), -ENODEV);
	free_buf(buf, PAGE_SIZE);
}

static void respond_bad_id(struct fake *f, u64 id0, u64 id1)
{
	fake_respond(f, 999, BLKIF_OP_READ, BLKIF_RSP_OKAY);
}

static void respond_twice(struct fake *f, u64 id0, u64 id1)
{
	fake_respond(f, id0, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	fake_respond(f, id0, BLKIF_OP_READ, BLKIF_RSP_OKAY);
}

static void respond_wrong_op(struct fake *f, u64 id0, u64 id1)
{
	fake_respond(f, id0, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
}

/* rsp_prod jumps past every request in flight (and past the ring). */
static void respond_too_many(struct fake *f, u64 id0, u64 id1)
{
	fake_publish(f, 1000);
}

static void blkfront_fake_bad_id_is_fatal(struct kunit *test)
{
	fake_expect_fatal(test, respond_bad_id);
}

static void blkfront_fake_duplicate_is_fatal(struct kunit *test)
{
	fake_expect_fatal(test, respond_twice);
}

static void blkfront_fake_wrong_op_is_fatal(struct kunit *test)
{
	fake_expect_fatal(test, respond_wrong_op);
}

static void blkfront_fake_overrun_is_fatal(struct kunit *test)
{
	fake_expect_fatal(test, respond_too_many);
}

/* An unknown status fails that request only; refused flushes stop. */
static void blkfront_fake_status_handling(struct kunit *test)
{
	struct fake f;
	struct fake_io io;
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io, BLK_OP_WRITE, buf, 4096) == 0);
	fake_respond(&f, fake_request(&f, 0).id, BLKIF_OP_WRITE, 7);
	KUNIT_EXPECT_EQ(test, io.status, -EIO);
	KUNIT_EXPECT_EQ(test, fake_submit(&f, &io, BLK_OP_WRITE, buf, 4096), 0);
	fake_respond(&f, fake_request(&f, 1).id, BLKIF_OP_WRITE, BLKIF_RSP_EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, io.status, -EIO);
	KUNIT_EXPECT_EQ(test, fake_submit(&f, &io, BLK_OP_FLUSH, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, fake_request(&f, 2).operation, BLKIF_OP_FLUSH_DISKCACHE);
	fake_respond(&f, fake_request(&f, 2).id, BLKIF_OP_FLUSH_DISKCACHE,
		     BLKIF_RSP_EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, io.status, -EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, f.bdev->features & BLKDEV_F_FLUSH);
	KUNIT_EXPECT_EQ(test, fake_submit(&f, &io, BLK_OP_FLUSH, NULL, 0), -EOPNOTSUPP);
	KUNIT_EXPECT_FALSE(test, fake_dev_dead(f.bdev));
	fake_dev_destroy(f.bdev);
	free_buf(buf, PAGE_SIZE);
}

/* A 12-page write goes out as one indirect request. */
static void blkfront_fake_indirect_request(struct kunit *test)
{
	struct fake f;
	struct fake_io io;
	struct blkif_request_indirect ind;
	struct blkif_request_segment *segs;
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	buf = alloc_buf(12 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	fill(buf, 8, 12 * PAGE_SIZE, 5);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io, BLK_OP_WRITE, buf, 12 * PAGE_SIZE) == 0);
	memcpy(&ind, &f.sring->ring[0].req, sizeof(ind));
	KUNIT_EXPECT_EQ(test, ind.operation, BLKIF_OP_INDIRECT);
	KUNIT_EXPECT_EQ(test, ind.indirect_op, BLKIF_OP_WRITE);
	KUNIT_EXPECT_EQ(test, ind.nr_segments, 12);
	segs = fake_dev_page(f.bdev, ind.indirect_grefs[0]);
	KUNIT_ASSERT_TRUE(test, segs);
	for (unsigned int i = 0; i < 12; i++) {
		u8 *page = fake_dev_page(f.bdev, segs[i].gref);

		KUNIT_EXPECT_TRUE(test, page && check(page, 8 + i * 8, PAGE_SIZE, 5) < 0);
		KUNIT_EXPECT_EQ(test, segs[i].last_sect, 7);
	}
	fake_respond(&f, ind.id, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, io.status, 0);
	fake_dev_destroy(f.bdev);
	free_buf(buf, 12 * PAGE_SIZE);
}

/* Bytes of @page outside [@from, @to) that are not zero. */
static u32 stale_bytes(const u8 *page, u32 from, u32 to)
{
	u32 n = 0;

	for (u32 i = 0; i < PAGE_SIZE; i++)
		n += (i < from || i >= to) && page[i];
	return n;
}

/* Dirty every page of the fake device's pool, as old requests would. */
/*
 * A backend (without persistent grants) that keeps each page mapped
 * after answering: every kept page waits on the deferred list, and the
 * device fails at the first beyond BLKFRONT_KEPT_GRANTS_MAX, naming the
 * count, so it takes no more fresh pages and refs.  Once the backend
 * lets go, the grant code gets every one back.
 */
static void blkfront_fake_kept_grants_fail(struct kunit *test)
{
	grant_ref_t refs[BLKFRONT_KEPT_GRANTS_MAX + 1];
	unsigned int deferred0, i;
	struct fake_io io;
	struct blkfront *bf;
	struct fake f;
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	bf = f.bdev->priv;
	bf->persistent = false;
	gnttab_retry_deferred();
	deferred0 = gnttab_deferred_count();
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	for (i = 0; i <= BLKFRONT_KEPT_GRANTS_MAX; i++) {
		struct blkif_request r;

		KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io, BLK_OP_READ, buf, 512) == 0);
		r = fake_request(&f, i);
		refs[i] = r.seg[0].gref;
		/* The "backend" maps the page and never lets go. */
		__atomic_fetch_or(gnttab_mapping_word(refs[i]), GTF_reading,
				  __ATOMIC_SEQ_CST);
		fake_respond(&f, r.id, BLKIF_OP_READ, BLKIF_RSP_OKAY);
		KUNIT_EXPECT_EQ(test, io.calls, 1);
		if (i < BLKFRONT_KEPT_GRANTS_MAX && READ_ONCE(bf->state) == BF_DEAD)
			kunit_fail(test, __FILE__, __LINE__,
				   "failed after only %u kept grants", i + 1);
	}
	KUNIT_EXPECT_TRUE(test, fake_wait_dead(&f));
	kunit_info(test, "failed with: %s", bf->fatal_msg);
	KUNIT_EXPECT_EQ(test, bf->grants_kept, BLKFRONT_KEPT_GRANTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(),
			deferred0 + BLKFRONT_KEPT_GRANTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, fake_submit(&f, &io, BLK_OP_READ, buf, 512), -ENODEV);
	for (i = 0; i <= BLKFRONT_KEPT_GRANTS_MAX; i++)
		__atomic_fetch_and(gnttab_mapping_word(refs[i]), (u16)~GTF_reading,
				   __ATOMIC_SEQ_CST);
	gnttab_retry_deferred();
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0);
	free_buf(buf, PAGE_SIZE);
}

static void fake_dirty_pool(struct fake *f)
{
	struct blkfront_queue *q = &((struct blkfront *)f->bdev->priv)->queues[0];

	for (unsigned int i = 0; i < q->pool_used; i++)
		if (q->pool[i].va)
			memset(q->pool[i].va, 0xa5, PAGE_SIZE);
}

/* One request of @len bytes whose pool pages were dirty: tails are zero. */
static void zero_tail_round(struct kunit *test, struct fake *f, enum blk_op op,
			    u8 *buf, u32 len)
{
	struct blkif_request_indirect ind;
	struct blkif_request r;
	struct fake_io io;
	u8 *page;

	fake_dirty_pool(f);
	fill(buf, 8, len, 9);
	KUNIT_ASSERT_TRUE(test, fake_submit(f, &io, op, buf, len) == 0);
	r = fake_request(f, f->rsp_prod);
	if (r.operation == BLKIF_OP_INDIRECT) {
		struct blkif_request_segment *segs;
		u32 used;

		memcpy(&ind, &f->sring->ring[f->rsp_prod % 32].req, sizeof(ind));
		segs = fake_dev_page(f->bdev, ind.indirect_grefs[0]);
		KUNIT_ASSERT_TRUE(test, segs);
		used = ind.nr_segments * sizeof(*segs);
		KUNIT_EXPECT_EQ(test, stale_bytes((u8 *)segs, 0, used), 0);
		page = fake_dev_page(f->bdev, segs[ind.nr_segments - 1].gref);
		r.id = ind.id;
	} else {
		page = fake_dev_page(f->bdev, r.seg[r.nr_segments - 1].gref);
	}
	KUNIT_ASSERT_TRUE(test, page);
	/* The last page holds len % PAGE_SIZE bytes (all of it if 0). */
	KUNIT_EXPECT_EQ(test, stale_bytes(page, 0, (len - 1) % PAGE_SIZE + 1), 0);
	fake_respond(f, r.id, r.operation == BLKIF_OP_INDIRECT ? ind.indirect_op :
		     r.operation, BLKIF_RSP_OKAY);
	KUNIT_EXPECT_EQ(test, io.status, 0);
}

/*
 * XSA-403: a backend sees whole granted pages.  After pool pages held
 * other data, a 512-byte write, a 1 KiB read, a 5.5-page write and an
 * indirect write of 12.5 pages leave no byte of it outside their data:
 * neither in the tail of the last data page nor in the indirect page.
 */
static void blkfront_fake_granted_tails_are_zero(struct kunit *test)
{
	struct fake f;
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	buf = alloc_buf(13 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	zero_tail_round(test, &f, BLK_OP_WRITE, buf, 512);
	zero_tail_round(test, &f, BLK_OP_READ, buf, 1024);
	zero_tail_round(test, &f, BLK_OP_WRITE, buf, 5 * PAGE_SIZE + 2048);
	zero_tail_round(test, &f, BLK_OP_WRITE, buf, 12 * PAGE_SIZE + 2048);
	fake_dev_destroy(f.bdev);
	free_buf(buf, 13 * PAGE_SIZE);
}

/* ---- a connection that fails half-way ----------------------------------- */

/* Live grant entries naming @domid. */
static unsigned int grants_to(domid_t domid)
{
	struct grant_entry_header *e;
	unsigned int n = 0;

	for (grant_ref_t ref = GNTTAB_NR_RESERVED_ENTRIES;
	     (e = gnttab_entry(ref)); ref++)
		if ((READ_ONCE(e->flags) & GTF_type_mask) == GTF_permit_access &&
		    READ_ONCE(e->domid) == domid)
			n++;
	return n;
}

/* The storm test's end of the loopback pair: the "backend's" port. */
static void storm_peer_event(unsigned int port, void *data, struct pt_regs *regs)
{
}

/*
 * A backend that storms the queue's channel: the fake device's queue is
 * bound to one end of a loopback pair and the test notifies the other
 * end in a tight loop, no response behind any event.  The port must be
 * masked by the storm accounting; a response published meanwhile and
 * announced once must still complete after the delay, through the same
 * port.
 */
static void blkfront_fake_event_storm_masked(struct kunit *test)
{
	unsigned int cpu = xen_events_everywhere() ? smp_processor_id() : 0;
	struct fake f;
	struct fake_io io;
	struct blkfront_queue *q;
	struct blkif_response *rsp;
	unsigned long flags;
	unsigned int sent;
	int a, b;
	bool held = false;
	u64 end;
	u8 *buf;

	if (!fake_start(test, &f))
		return;
	q = &((struct blkfront *)f.bdev->priv)->queues[0];
	a = xen_alloc_unbound_port(DOMID_SELF, cpu, storm_peer_event, NULL);
	KUNIT_ASSERT_TRUE(test, a >= 0);
	b = xen_bind_interdomain(DOMID_SELF, a, cpu, blkfront_interrupt, q);
	KUNIT_ASSERT_TRUE(test, b >= 0);
	/* From now on the queue owns b: the teardown unbinds it. */
	spin_lock_irqsave(&q->lock, flags);
	q->port = b;
	q->bound = true;
	spin_unlock_irqrestore(&q->lock, flags);

	for (sent = 0; sent < 20 * EVTCHN_STORM_THRESHOLD && !held; sent++) {
		xen_evtchn_notify(a);
		xen_evtchn_storm_stats(b, &held);
	}
	kunit_info(test, "masked after %u notifications", sent);
	KUNIT_EXPECT_TRUE(test, held);
	/* A slow vCPU (nested HVM) may see the delay run out and a new storm. */
	KUNIT_EXPECT_TRUE(test, xen_evtchn_storm_stats(b, &held) >= 1);

	/* A real response, announced once: it waits for the unmask. */
	buf = alloc_buf(PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, buf);
	KUNIT_ASSERT_TRUE(test, fake_submit(&f, &io, BLK_OP_READ, buf, 512) == 0);
	rsp = &f.sring->ring[f.rsp_prod % 32].rsp;
	rsp->id = fake_request(&f, 0).id;
	rsp->operation = BLKIF_OP_READ;
	rsp->status = BLKIF_RSP_OKAY;
	smp_wmb();
	WRITE_ONCE(f.sring->rsp_prod, ++f.rsp_prod);
	KUNIT_EXPECT_EQ(test, xen_evtchn_notify(a), 0);
	end = ktime_get_ns() + 2 * NSEC_PER_SEC;
	while (!READ_ONCE(io.calls) && ktime_get_ns() < end)
		msleep(5);
	KUNIT_EXPECT_EQ(test, READ_ONCE(io.calls), 1);
	KUNIT_EXPECT_EQ(test, io.status, 0);
	xen_evtchn_storm_stats(b, &held);
	KUNIT_EXPECT_FALSE(test, held);
	fake_dev_destroy(f.bdev);
	xen_unbind(a);
	free_buf(buf, PAGE_SIZE);
}

/*
 * The handshake fails after the ring is granted and its channel bound:
 * the frontend directory is one pvk may not write (dom0's), so
 * publishing the rings gets -EACCES, as when xenstore fails then.  The
 * "backend" is pvk's own domain, whose grants no other driver makes, so
 * a leaked ring grant shows whatever the other drivers do meanwhile.
 */
static void blkfront_failed_connect_is_clean(struct kunit *test)
{
	unsigned long refused, pages;
	struct xenbus_device *dev;
	struct blkfront_queue *q;
	struct blkfront *bf;
	unsigned int domid, live;
	int err;

	if (!xenbus_available() || !gnttab_free_refs()) {
		kunit_skip(test, "no xenstore or grant table (not a Xen domU)");
		return;
	}
	KUNIT_ASSERT_TRUE(test, !xenbus_read_uint(XBT_NIL, "domid", NULL, &domid));
	KUNIT_ASSERT_TRUE(test, gnttab_deferred_count() == 0);
	dev = kzalloc(sizeof(*dev));
	bf = blkfront_alloc(0xffe00000U);
	KUNIT_ASSERT_TRUE(test, dev && bf);
	snprintf(bf->bdev.name, sizeof(bf->bdev.name), "failvbd");
	dev->devicetype = "vbd";
	snprintf(dev->nodename, sizeof(dev->nodename),
		 "/local/domain/0/data/pvk-blkfront-failed");
	snprintf(dev->otherend, sizeof(dev->otherend),
		 "/local/domain/%u/data/pvk-blkfront-failed-be", domid);
	dev->otherend_id = (domid_t)domid;
	dev->state = XenbusStateInitialising;
	dev->priv = bf;
	bf->xdev = dev;
	q = &bf->queues[0];
	live = grants_to((domid_t)domid);
	refused = gnttab_refused_ends();
	pages = gnttab_deferred_pages_freed();

	blkfront_mutex_lock(bf);
	err = blkfront_talk(bf);
	blkfront_mutex_unlock(bf);
	KUNIT_EXPECT_EQ(test, err, -EACCES);

	/* Nothing of the attempt is left, and nothing was ended twice. */
	KUNIT_EXPECT_FALSE(test, bf->talked);
	KUNIT_EXPECT_FALSE(test, q->setup);
	KUNIT_EXPECT_FALSE(test, q->bound);
	KUNIT_EXPECT_TRUE(test, q->sring == NULL);
	KUNIT_EXPECT_EQ(test, q->ring_refs[0], INVALID_GRANT_REF);
	KUNIT_EXPECT_EQ(test, q->pool_used, 0);
	KUNIT_EXPECT_EQ(test, grants_to((domid_t)domid), live);
	KUNIT_EXPECT_EQ(test, gnttab_refused_ends(), refused);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), 0);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_pages_freed(), pages);
	/* A second teardown, as a later Closing would do, has nothing to end. */
	blkfront_mutex_lock(bf);
	blkfront_teardown(bf, 0);
	bf->xdev = NULL;
	blkfront_mutex_unlock(bf);
	KUNIT_EXPECT_EQ(test, gnttab_refused_ends(), refused);
	KUNIT_EXPECT_EQ(test, grants_to((domid_t)domid), live);
	/* The device stays listed (never freed) but without its xenbus node. */
	kfree(dev);
}

SELFTEST_SUITE(xen_blkfront_untrusted,
	KUNIT_CASE(blkfront_fake_read_stays_in_buffer),
	KUNIT_CASE(blkfront_fake_bad_id_is_fatal),
	KUNIT_CASE(blkfront_fake_duplicate_is_fatal),
	KUNIT_CASE(blkfront_fake_wrong_op_is_fatal),
	KUNIT_CASE(blkfront_fake_overrun_is_fatal),
	KUNIT_CASE(blkfront_fake_status_handling),
	KUNIT_CASE(blkfront_fake_indirect_request),
	KUNIT_CASE(blkfront_fake_event_storm_masked),
	KUNIT_CASE(blkfront_fake_granted_tails_are_zero),
	KUNIT_CASE(blkfront_fake_kept_grants_fail),
	KUNIT_CASE(blkfront_failed_connect_is_clean));
