/* SPDX-License-Identifier: MIT */
/*
 * Between the Xen block frontend (xen-blkfront.c) and its self-tests and
 * benchmark (xen-blkfront_test.c).  Users of the disks go through
 * include/pvk/blkdev.h instead.
 */
#ifndef _DRIVERS_BLOCK_XEN_BLKFRONT_H
#define _DRIVERS_BLOCK_XEN_BLKFRONT_H

#include <pvk/types.h>
#include <pvk/blkdev.h>
#include <asm/processor.h>

/* Xen's ring macros leave the memory barriers to the guest. */
#ifndef xen_mb
#define xen_mb()	smp_mb()
#define xen_rmb()	smp_rmb()
#define xen_wmb()	smp_wmb()
#endif
#include <xen/io/blkif.h>

#define BLKFRONT_MAX_QUEUES	4

/**
 * struct blkfront_info - what one device negotiated, and its counters
 * @vdevice: the virtual-device number (51712 for xvda)
 * @connected: connected now
 * @refusals: times pvk refused the device (malformed or unsupported values)
 * @connections: times it connected
 * @nr_queues: queues in use
 * @ring_pages: pages per ring
 * @ring_slots: requests per ring
 * @max_segs: data pages per ring request (11 without indirect descriptors)
 * @indirect: indirect descriptors in use
 * @persistent: persistent grants in use
 * @requests: ring requests issued, per queue
 * @notifications: event notifications sent to the backend
 * @events: events received from the backend
 * @deferred_grants: grants whose release the backend delayed
 * @held: requests waiting for the backend to come back
 */
struct blkfront_info {
	unsigned int vdevice;
	bool connected;
	unsigned int refusals;
	unsigned int connections;
	unsigned int nr_queues;
	unsigned int ring_pages;
	unsigned int ring_slots;
	unsigned int max_segs;
	bool indirect;
	bool persistent;
	u64 requests[BLKFRONT_MAX_QUEUES];
	u64 notifications;
	u64 events;
	u64 deferred_grants;
	unsigned int held;
};

/**
 * blkfront_get_info - snapshot of a Xen block device's state
 * @bdev: a device
 * @info: filled in
 *
 * Returns 0, or -ENODEV if @bdev is not a Xen block device.
 */
int blkfront_get_info(struct blkdev *bdev, struct blkfront_info *info);

/**
 * blkfront_settle - wait until every probed vbd is connected or refused
 * @timeout_ms: give up after this long
 *
 * Returns the number of probed devices (0 without xenstore or vbds), or
 * -ETIMEDOUT.  Thread context.
 */
int blkfront_settle(unsigned int timeout_ms);

/**
 * blkfront_nr_refused - devices refused since boot (each counted once)
 */
unsigned int blkfront_nr_refused(void);

/**
 * blkfront_hypercalls - hypercalls issued by all vCPUs so far
 */
u64 blkfront_hypercalls(void);

/**
 * blkfront_bench - 4 KiB random I/O at queue depth 32, 1 MiB reads
 * @bdev: a connected Xen block device of at least 49 MiB (1 MiB to
 *        49 MiB is overwritten)
 *
 * Each op: 1 s of warm-up, then 5 s measured, framed by "bench-window:"
 * lines for dom0.  Prints "pvk-blkbench:" lines.  Then 4 KiB random and
 * 1 MiB reads once more as "...-unhardened", with the defences that can
 * be switched off switched off, for the cost of them.  Thread context.
 * Returns 0 or an errno.
 */
int blkfront_bench(struct blkdev *bdev);

#endif /* _DRIVERS_BLOCK_XEN_BLKFRONT_H */
