// SPDX-License-Identifier: MIT
/*
 * Generic block-device layer (API: include/pvk/blkdev.h): a registry of
 * devices, the checks every request passes before a driver sees it, and
 * a synchronous helper for threads.
 */
#include <pvk/kernel.h>
#include <pvk/blkdev.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <asm/processor.h>

static struct blkdev *devices;
static DEFINE_SPINLOCK(devices_lock);

int blkdev_register(struct blkdev *bdev)
{
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	for (struct blkdev *b = devices; b; b = b->next) {
		if (!strcmp(b->name, bdev->name)) {
			spin_unlock_irqrestore(&devices_lock, flags);
			return -EEXIST;
		}
	}
	/* Appended, so iteration follows registration order. */
	bdev->next = NULL;
	if (!devices) {
		devices = bdev;
	} else {
		struct blkdev *b = devices;

		while (b->next)
			b = b->next;
		b->next = bdev;
	}
	spin_unlock_irqrestore(&devices_lock, flags);
	return 0;
}

struct blkdev *blkdev_get(const char *name)
{
	struct blkdev *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	for (struct blkdev *b = devices; b && !found; b = b->next)
		if (!strcmp(b->name, name))
			found = b;
	spin_unlock_irqrestore(&devices_lock, flags);
	return found;
}

struct blkdev *blkdev_next(struct blkdev *prev)
{
	struct blkdev *b;
	unsigned long flags;

	spin_lock_irqsave(&devices_lock, flags);
	b = prev ? prev->next : devices;
	spin_unlock_irqrestore(&devices_lock, flags);
	return b;
}

/* Sum of the pieces, or -1 if it does not fit 32 bits or a piece is bad. */
static s64 vec_bytes(const struct blk_request *req)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < req->nr_vec; i++) {
		if (!req->vec[i].buf && req->vec[i].len)
			return -1;
		sum += req->vec[i].len;
		if (sum > 0xffffffffULL)
			return -1;
	}
	return (s64)sum;
}

/* Data requests and discards: aligned, non-empty and inside the device. */
static int check_range(const struct blkdev *bdev, const struct blk_request *req)
{
	u64 nr = req->len >> BLK_SECTOR_SHIFT;
	u32 align = bdev->sector_size ? bdev->sector_size : BLK_SECTOR_SIZE;

	if (!req->len || req->len % align ||
	    (req->sector << BLK_SECTOR_SHIFT) % align)
		return -EINVAL;
	if (req->sector >= bdev->capacity || nr > bdev->capacity - req->sector)
		return -EINVAL;
	return 0;
}

static int check_data(const struct blk_request *req)
{
	if (req->nr_vec)
		return req->vec && vec_bytes(req) == req->len ? 0 : -EINVAL;
	return req->buf ? 0 : -EINVAL;
}

static int check_request(const struct blkdev *bdev, const struct blk_request *req)
{
	u32 f = READ_ONCE(bdev->features);

	if (!req->done)
		return -EINVAL;
	switch (req->op) {
	case BLK_OP_READ:
		return check_range(bdev, req) ?: check_data(req);
	case BLK_OP_WRITE:
		if (f & BLKDEV_F_READONLY)
			return -EROFS;
		return check_range(bdev, req) ?: check_data(req);
	case BLK_OP_FLUSH:
		if (!(f & BLKDEV_F_FLUSH))
			return -EOPNOTSUPP;
		return req->len ? -EINVAL : 0;
	case BLK_OP_DISCARD:
		if (f & BLKDEV_F_READONLY)
			return -EROFS;
		if (!(f & BLKDEV_F_DISCARD))
			return -EOPNOTSUPP;
		return check_range(bdev, req);
	}
	return -EINVAL;
}

int blk_submit(struct blkdev *bdev, struct blk_request *req)
{
	int err = check_request(bdev, req);

	if (err)
		return err;
	req->drv_next = NULL;
	req->drv_issued = 0;
	req->drv_inflight = 0;
	req->drv_status = 0;
	req->drv_listed = false;
	return bdev->ops->submit(bdev, req);
}

struct sync_wait {
	struct thread *waiter;
	int status;
	bool done;
	bool released;
};

/*
 * The waiter may stop waiting as soon as @done is set, but must not
 * return (its thread might then end) before kthread_wake() is finished
 * with it: @released says so.
 */
static void sync_done(struct blk_request *req, int status)
{
	struct sync_wait *w = req->private;

	w->status = status;
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	kthread_wake(w->waiter);
	__atomic_store_n(&w->released, true, __ATOMIC_RELEASE);
}

int blk_io_sync(struct blkdev *bdev, enum blk_op op, u64 sector, void *buf,
		u32 len)
{
	struct sync_wait w = { .waiter = kthread_self() };
	struct blk_request req = {
		.op = op, .sector = sector, .buf = buf, .len = len,
		.done = sync_done, .private = &w,
	};
	int err = blk_submit(bdev, &req);

	if (err)
		return err;
	while (!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE))
		kthread_wait_ns(100 * 1000 * 1000ULL);
	while (!__atomic_load_n(&w.released, __ATOMIC_ACQUIRE))
		cpu_relax();
	return w.status;
}
