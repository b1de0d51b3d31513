/* SPDX-License-Identifier: MIT */
/*
 * A small asynchronous block-device API (drivers/block/blkdev.c).
 *
 * A driver fills a struct blkdev and registers it; users look it up by
 * name and hand it struct blk_request objects with blk_submit().  Each
 * accepted request completes exactly once through its ->done callback.
 *
 * Units: sectors are always 512 bytes (BLK_SECTOR_SIZE), whatever the
 * device's logical block size; offsets and lengths of I/O must be
 * multiples of the logical block size (->sector_size).
 *
 * Context: ->done runs in interrupt/event context or in a driver thread,
 * never inside blk_submit(); it must not sleep, may submit new requests,
 * and owns @req again once called.  blk_submit() may be called from any
 * context.  Buffers need no alignment: drivers copy through pages of
 * their own, so a device never sees, or writes to, anything but them.
 */
#ifndef PVK_BLKDEV_H
#define PVK_BLKDEV_H

#include <pvk/types.h>

#define BLK_SECTOR_SHIFT	9
#define BLK_SECTOR_SIZE		(1U << BLK_SECTOR_SHIFT)

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,	/* make writes completed before submission durable */
	BLK_OP_DISCARD,	/* contents of the range become undefined */
};

/* struct blkdev.features */
#define BLKDEV_F_FLUSH		(1U << 0)	/* BLK_OP_FLUSH is accepted */
#define BLKDEV_F_BARRIER	(1U << 1)	/* ...and done as a write barrier */
#define BLKDEV_F_DISCARD	(1U << 2)	/* BLK_OP_DISCARD is accepted */
#define BLKDEV_F_READONLY	(1U << 3)	/* writes and discards: -EROFS */
#define BLKDEV_F_REMOVABLE	(1U << 4)
#define BLKDEV_F_CDROM		(1U << 5)

/**
 * struct blk_vec - one piece of a scattered buffer
 * @buf: start (any alignment)
 * @len: bytes
 */
struct blk_vec {
	void *buf;
	u32 len;
};

struct blk_request;
typedef void (*blk_done_t)(struct blk_request *req, int status);

/**
 * struct blk_request - one asynchronous I/O
 * @op: what to do
 * @sector: first 512-byte sector (READ, WRITE, DISCARD)
 * @buf: data buffer (READ, WRITE) when @nr_vec is 0
 * @len: bytes: the data length (READ, WRITE) or the range (DISCARD);
 *       0 for FLUSH.  With @nr_vec, the sum of the pieces.
 * @vec: scattered buffer (READ, WRITE), used when @nr_vec > 0
 * @nr_vec: pieces in @vec
 * @done: completion callback: @status 0, or -EIO, -EOPNOTSUPP, -ENODEV,
 *        -ETIMEDOUT (the device stayed away too long)
 * @private: the caller's
 *
 * The drv_* fields belong to the driver from blk_submit() until @done.
 * A request may be split into several device requests; it completes
 * when all of them have.  A failed READ leaves @buf undefined.
 */
struct blk_request {
	enum blk_op op;
	u64 sector;
	void *buf;
	u32 len;
	const struct blk_vec *vec;
	unsigned int nr_vec;
	blk_done_t done;
	void *private;
	/* driver-private */
	struct blk_request *drv_next;
	u64 drv_stamp;
	u32 drv_issued;
	u32 drv_inflight;
	int drv_status;
	bool drv_listed;
};

struct blkdev;

/**
 * struct blkdev_ops - what a driver provides
 * @submit: queue @req (already checked by blk_submit()); 0 or an errno
 */
struct blkdev_ops {
	int (*submit)(struct blkdev *bdev, struct blk_request *req);
};

/**
 * struct blkdev - a block device
 * @name: "xvda", ...
 * @sector_size: logical block size in bytes (power of two, >= 512)
 * @physical_sector_size: the medium's block size (multiple of the above)
 * @capacity: size in 512-byte sectors
 * @features: BLKDEV_F_*
 * @max_transfer: bytes one device request carries (bigger ones are split)
 * @discard_granularity: bytes; 0 without discard
 * @nr_queues: hardware queues in use
 * @ops: the driver's operations
 * @priv: the driver's
 *
 * The driver may change the fields while the device reconnects.
 */
struct blkdev {
	char name[16];
	u32 sector_size;
	u32 physical_sector_size;
	u64 capacity;
	u32 features;
	u32 max_transfer;
	u32 discard_granularity;
	unsigned int nr_queues;
	const struct blkdev_ops *ops;
	void *priv;
	/* private */
	struct blkdev *next;
};

/**
 * blkdev_register - make a device visible to blkdev_get()
 * @bdev: filled in by the driver; static or never freed
 *
 * Returns 0, or -EEXIST if the name is taken.
 */
int blkdev_register(struct blkdev *bdev);

/**
 * blkdev_get - find a device by name
 * @name: "xvda"
 *
 * Returns the device or NULL.  Devices are never freed.
 */
struct blkdev *blkdev_get(const char *name);

/**
 * blkdev_next - iterate over the registered devices
 * @prev: NULL for the first
 */
struct blkdev *blkdev_next(struct blkdev *prev);

/**
 * blk_submit - start an I/O
 * @bdev: the device
 * @req: the request, owned by the device until its ->done runs
 *
 * Returns 0 when the request was accepted (->done will run), or an
 * errno and ->done never runs: -EINVAL (bad op, length, alignment,
 * range or no callback), -EROFS, -EOPNOTSUPP (FLUSH or DISCARD the
 * device does not offer), -ENODEV (the device is gone for good).
 */
int blk_submit(struct blkdev *bdev, struct blk_request *req);

/**
 * blk_io_sync - submit one request and wait for it
 * @bdev: the device
 * @op: the operation
 * @sector: first sector
 * @buf: data (READ, WRITE)
 * @len: bytes
 *
 * Thread context only.  Returns the completion status, or the error
 * from blk_submit().
 */
int blk_io_sync(struct blkdev *bdev, enum blk_op op, u64 sector, void *buf,
		u32 len);

#endif /* PVK_BLKDEV_H */
