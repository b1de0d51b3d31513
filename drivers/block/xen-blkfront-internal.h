/* SPDX-License-Identifier: MIT */
/*
 * The Xen block frontend's own structures (xen-blkfront.c), shared with
 * its self-tests only: xen-blkfront_test.c plays the backend on a device
 * of its own, made with the driver's functions declared at the end.
 */
#ifndef _DRIVERS_BLOCK_XEN_BLKFRONT_INTERNAL_H
#define _DRIVERS_BLOCK_XEN_BLKFRONT_INTERNAL_H

#include <pvk/spinlock.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include "xen-blkfront.h"
#include "xen-blkfront-rsp.h"

/* pvk's limits; the backend may offer more. */
#define BLKFRONT_MAX_RING_ORDER	2	/* 4 pages: 128 requests per ring */
#define BLKFRONT_MAX_INDIRECT_SEGS 256	/* 1 MiB per ring request */
#define BLKFRONT_POOL_PAGES	512	/* grantable pages per queue */
/*
 * Granted pages a device's backend may keep mapped after answering
 * before the device is failed: each one waits on the grant code's
 * deferred list while the queue takes a fresh page and ref.
 */
#define BLKFRONT_KEPT_GRANTS_MAX 16

#define MAX_RING_PAGES		(1U << BLKFRONT_MAX_RING_ORDER)
#define MAX_RING_SLOTS		__CONST_RING_SIZE(blkif, PAGE_SIZE * MAX_RING_PAGES)
#define NO_SLOT			0xffffffffU

/* A page the backend may be granted. */
struct gpage {
	void *va;		/* NULL: lost to a deferred release, refill */
	grant_ref_t ref;	/* allocated ref, INVALID_GRANT_REF if none */
	bool granted;		/* grant entry live */
	struct gpage *next;	/* free list, or a ring request's chain */
};

struct req_list {
	struct blk_request *head, *tail;
};

struct blkfront;

struct blkfront_queue {
	spinlock_t lock;
	struct blkfront *bf;
	unsigned int index;
	unsigned int cpu;
	bool setup;			/* ring and channel exist */
	bool live;			/* requests may go on the ring */
	struct blkif_front_ring ring;
	void *sring;
	grant_ref_t ring_refs[MAX_RING_PAGES];
	RING_IDX pushed;		/* req_prod as last published */
	evtchn_port_t port;
	bool bound;			/* @port open, with our handler */
	struct shadow shadow[MAX_RING_SLOTS];
	u32 free_slot;
	struct req_list wait;		/* accepted, not completely on the ring */
	struct gpage *pool;		/* BLKFRONT_POOL_PAGES entries */
	struct gpage *pool_free;
	unsigned int pool_used;		/* entries of @pool ever handed out */
	unsigned int pool_nr_free;
	u64 requests, notifications, events, deferred;
};

enum bf_state { BF_DISCONNECTED, BF_CONNECTED, BF_DEAD };

struct blkfront {
	struct blkdev bdev;
	unsigned int vdevice;
	u16 handle;
	struct xenbus_device *xdev;	/* NULL while the device is away */
	domid_t backend_id;
	bool busy;			/* the sleeping lock */
	bool talked;			/* rings published for this connection */
	bool registered;
	bool ever_refused;
	unsigned int refusals, connections;
	/* negotiated */
	unsigned int nr_queues, ring_order, max_segs;
	bool persistent;
	unsigned int grants_kept;	/* see BLKFRONT_KEPT_GRANTS_MAX */
	u8 flush_op;
	/* under @lock */
	spinlock_t lock;
	enum bf_state state;
	struct req_list held;
	bool fatal_pending;
	char fatal_msg[112];
	struct blkfront_queue queues[BLKFRONT_MAX_QUEUES];
	struct blkfront *next;
};

/*
 * Steps the driver takes for every device, which the self-tests use to
 * make one whose single ring is a local page they serve themselves (no
 * grant, no event channel, no xenbus).
 */
struct blkfront *blkfront_alloc(unsigned int vdevice);
void blkfront_slot_reset(struct blkfront_queue *q);
/*
 * blkfront_set_zero_unused - zero the unused tails of granted data and
 * indirect pages (the default, against leaks to the backend) or not; for
 * the bench's rows of what that costs.
 */
void blkfront_set_zero_unused(bool on);
void blkfront_start_worker(void);
void blkfront_interrupt(unsigned int port, void *data, struct pt_regs *regs);
void blkfront_mutex_lock(struct blkfront *bf);
void blkfront_mutex_unlock(struct blkfront *bf);
void blkfront_teardown(struct blkfront *bf, int fail);
/* The handshake's first step, which a self-test makes fail. */
int blkfront_talk(struct blkfront *bf);

#endif /* _DRIVERS_BLOCK_XEN_BLKFRONT_INTERNAL_H */
