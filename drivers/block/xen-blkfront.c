// SPDX-License-Identifier: MIT
/*
 * Xen virtual block device frontend (blkif), exported through
 * include/pvk/blkdev.h.
 *
 * Negotiation (device/vbd/<id>, see Xen's io/blkif.h).  At the backend's
 * InitWait pvk reads max-ring-page-order and multi-queue-max-queues,
 * sets up one ring (1 << order pages) and one event channel per queue,
 * each channel bound to its own vCPU, and publishes them.  At Connected
 * it reads the disk's size and the features (flush, barrier, discard,
 * persistent grants, indirect descriptors).  Every value is clamped to
 * pvk's limits on its own, and one line per device says what was agreed.
 * A malformed or impossible value refuses the device, never pvk.
 *
 * Data path.  Caller buffers are never granted: every ring request uses
 * pages from a per-queue pool, and data is copied in (writes) or out
 * (reads, after a valid response).  With persistent grants (backend
 * feature-persistent and xen_blkfront.persistent=1) pool pages stay
 * granted for the whole connection; otherwise each use grants a page
 * and revokes it at completion, leaving a page the backend still maps
 * to the grant code's deferred release.  So whatever the backend does,
 * it only ever touches pool pages, and pvk copies only the bytes the
 * request asked for.
 *
 * Untrusted backend.  Each response is copied out of the ring before it
 * is looked at (the checks are in xen-blkfront-rsp.c); its id must name
 * a request in flight and its operation must match; more responses than
 * requests in flight is fatal for the device (logged; in-flight requests
 * fail with -EIO).
 *
 * Reconnection.  When the backend closes or the device goes away, the
 * requests in flight and queued are kept (in order, their data still
 * in the callers' buffers) and reissued from scratch once a backend for
 * the same virtual-device connects again.  Nothing is acknowledged
 * before the backend said OKAY, so no acknowledged write is lost; held
 * requests fail with -ETIMEDOUT after BLKFRONT_HOLD_TIMEOUT.
 *
 * Locking.  Each queue has a spinlock (irqsave) over its ring, shadow
 * slots, pool and wait list; the event handler runs on the queue's vCPU.
 * The device's spinlock covers its state and held list and nests inside
 * a queue lock.  Connection changes (xenwatch thread and the driver's
 * worker thread) are serialised by a per-device sleeping lock.
 * Completion callbacks run with no lock held.
 */
#define pr_fmt(fmt) "xen-blkfront: " fmt

#include <pvk/kernel.h>
#include <pvk/blkdev.h>
#include <pvk/kstrtox.h>
#include <pvk/mm.h>
#include <pvk/params.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypervisor.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/platform_info.h>
#include <xen/xenbus.h>

#include <xen/io/protocols.h>

#include "xen-blkfront-internal.h"

/* A larger order is no ring any backend could map: malformed. */
#define BLKIF_SANE_RING_ORDER	15

#define SEGS_PER_INDIRECT_PAGE	(PAGE_SIZE / sizeof(struct blkif_request_segment))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

/* xen_blkfront.persistent=0: per-request grants of bounce pages. */
static bool use_persistent = true;
param_bool("xen_blkfront.persistent", use_persistent);

#define BLKFRONT_HOLD_TIMEOUT	(180 * NSEC_PER_SEC)
/*
 * The worker polls every WORKER_PERIOD only while there is work for it
 * (requests waiting for pages, or held for a backend that went away);
 * otherwise it sleeps until a wake-up, WORKER_IDLE_WAIT at most, so an
 * idle guest does not wake its vCPU five times a second for nothing.
 */
#define WORKER_PERIOD		(200 * NSEC_PER_MSEC)
#define WORKER_IDLE_WAIT	(10 * NSEC_PER_SEC)

static struct blkfront *blkfronts;
static DEFINE_SPINLOCK(blkfronts_lock);
static struct thread *worker;
static unsigned int nr_refused;		/* devices refused, each once */
static unsigned int nr_probe_refused;	/* of those, refused at probe */

static const struct blkdev_ops blkfront_ops;

/* ---- small helpers ---------------------------------------------------- */

static void list_add_tail(struct req_list *l, struct blk_request *r)
{
	r->drv_next = NULL;
	if (l->tail)
		l->tail->drv_next = r;
	else
		l->head = r;
	l->tail = r;
}

static struct blk_request *list_pop(struct req_list *l)
{
	struct blk_request *r = l->head;

	if (r) {
		l->head = r->drv_next;
		if (!l->head)
			l->tail = NULL;
	}
	return r;
}

/* Put @front before @l's entries. */
static void list_splice_front(struct req_list *l, struct req_list *front)
{
	if (!front->head)
		return;
	front->tail->drv_next = l->head;
	if (!l->tail)
		l->tail = front->tail;
	l->head = front->head;
	front->head = front->tail = NULL;
}

/* Ring requests a blk_request needs in units of drv_issued. */
static u32 req_total(const struct blk_request *r)
{
	return r->op == BLK_OP_READ || r->op == BLK_OP_WRITE ? r->len : 1;
}

static void complete_all(struct req_list *l)
{
	struct blk_request *r;

	while ((r = list_pop(l)))
		r->done(r, r->drv_status);
}

static void fail_all(struct req_list *l, int status)
{
	for (struct blk_request *r = l->head; r; r = r->drv_next)
		r->drv_status = status;
	complete_all(l);
}

/**
 * blkfront_mutex_lock - serialise connection changes of @bf
 * @bf: the device
 *
 * Connection changes sleep (xenstore), so they are serialised by a
 * flag rather than a spinlock.
 */
void blkfront_mutex_lock(struct blkfront *bf)
{
	while (__atomic_exchange_n(&bf->busy, true, __ATOMIC_ACQUIRE))
		msleep(1);
}

void blkfront_mutex_unlock(struct blkfront *bf)
{
	__atomic_store_n(&bf->busy, false, __ATOMIC_RELEASE);
}

/* Copy @n bytes between @page and the request's data at byte @off. */
static void req_copy(struct blk_request *r, u32 off, void *page, u32 n,
		     bool to_page)
{
	char *p = page;

	if (!r->nr_vec) {
		char *b = (char *)r->buf + off;

		memcpy(to_page ? p : b, to_page ? b : p, n);
		return;
	}
	for (unsigned int i = 0; i < r->nr_vec && n; i++) {
		const struct blk_vec *v = &r->vec[i];
		char *b;
		u32 chunk;

		if (off >= v->len) {
			off -= v->len;
			continue;
		}
		chunk = MIN(n, v->len - off);
		b = (char *)v->buf + off;
		memcpy(to_page ? p : b, to_page ? b : p, chunk);
		p += chunk;
		n -= chunk;
		off = 0;
	}
}

/* xvda, xvdb, ..., xvdaa; "vbdN" for the numbers Linux would not name. */
static void vbd_name(unsigned int vdev, char *buf, size_t len)
{
	unsigned int disk, part;

	if (vdev & (1U << 28)) {
		disk = (vdev >> 8) & 0xfffff;
		part = vdev & 0xff;
	} else if ((vdev >> 8) == 202) {
		disk = (vdev >> 4) & 0xf;
		part = vdev & 0xf;
	} else {
		snprintf(buf, len, "vbd%u", vdev);
		return;
	}
	if (disk >= 26 * 27) {
		snprintf(buf, len, "vbd%u", vdev);
		return;
	}
	if (disk < 26)
		snprintf(buf, len, "xvd%c", 'a' + disk);
	else
		snprintf(buf, len, "xvd%c%c", 'a' + disk / 26 - 1, 'a' + disk % 26);
	if (part) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "%u", part);
	}
}

/* The @n-th online CPU (queues spread over the vCPUs). */
static unsigned int nth_online_cpu(unsigned int n)
{
	unsigned int cpu, i = 0, nr = num_online_cpus();

	n %= nr ? nr : 1;
	for_each_cpu(cpu, &cpu_online_mask)
		if (i++ == n)
			return cpu;
	return 0;
}

/* ---- the page pool ------------------------------------------------------ */

/*
 * Give @g a page and a ref; persistent pages are granted once, here.  A
 * new page is zeroed: it may hold anything pvk freed before, and the
 * backend can read all of it (XSA-403).  Afterwards a pool page only
 * ever holds what this backend read or wrote, and take_data_pages()
 * and take_indirect_pages() zero what a request leaves unused.
 */
static int gpage_fill(struct blkfront_queue *q, struct gpage *g)
{
	if (!g->va) {
		g->va = alloc_page_zeroed();
		if (!g->va)
			return -ENOMEM;
	}
	if (g->ref == INVALID_GRANT_REF && gnttab_alloc_refs(1, &g->ref)) {
		g->ref = INVALID_GRANT_REF;
		return -ENOSPC;
	}
	if (q->bf->persistent && !g->granted) {
		gnttab_grant_foreign_access_ref(g->ref, q->bf->backend_id,
						xen_virt_to_pfn(g->va), false);
		g->granted = true;
	}
	return 0;
}

static void pool_push(struct blkfront_queue *q, struct gpage *g)
{
	g->next = q->pool_free;
	q->pool_free = g;
	q->pool_nr_free++;
}

static struct gpage *pool_pop(struct blkfront_queue *q)
{
	struct gpage *g = q->pool_free;

	if (g) {
		q->pool_free = g->next;
		q->pool_nr_free--;
	} else if (q->pool_used < BLKFRONT_POOL_PAGES) {
		g = &q->pool[q->pool_used++];
		*g = (struct gpage){ .ref = INVALID_GRANT_REF };
	} else {
		return NULL;
	}
	if (gpage_fill(q, g)) {
		pool_push(q, g);
		return NULL;
	}
	g->next = NULL;
	return g;
}

static bool pool_can_give(struct blkfront_queue *q, unsigned int n)
{
	return q->pool_nr_free + (BLKFRONT_POOL_PAGES - q->pool_used) >= n;
}

/* Per-use grant (no persistent grants): read-only when the backend only reads. */
static void gpage_grant(struct blkfront_queue *q, struct gpage *g, bool readonly)
{
	if (g->granted)
		return;
	gnttab_grant_foreign_access_ref(g->ref, q->bf->backend_id,
					xen_virt_to_pfn(g->va), readonly);
	g->granted = true;
}

static void fatal_locked(struct blkfront_queue *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The backend answered but still maps a page, and may do so for good.
 * Past BLKFRONT_KEPT_GRANTS_MAX per device the device is failed, so one
 * backend cannot drain the grant table every device shares (Linux marks
 * such a device broken at the first).  Queue lock held.
 */
static void grant_kept(struct blkfront_queue *q)
{
	unsigned int kept = __atomic_add_fetch(&q->bf->grants_kept, 1,
					       __ATOMIC_RELAXED);

	q->deferred++;
	if (kept == BLKFRONT_KEPT_GRANTS_MAX + 1)
		fatal_locked(q, "backend keeps %u granted pages mapped after answering (at most %u per device)",
			     kept, BLKFRONT_KEPT_GRANTS_MAX);
}

/*
 * Back to the pool.  Without persistent grants the grant is revoked; if
 * the backend still maps the page, the page goes to the grant code's
 * deferred release and this entry gets a fresh one when next used.
 */
static void gpage_put(struct blkfront_queue *q, struct gpage *g)
{
	if (!q->bf->persistent && g->granted) {
		if (gnttab_end_foreign_access_ref(g->ref)) {
			gnttab_end_foreign_access(g->ref, g->va);
			g->va = NULL;
			g->ref = INVALID_GRANT_REF;
			grant_kept(q);
		}
		g->granted = false;
	}
	pool_push(q, g);
}

static void chain_put(struct blkfront_queue *q, struct gpage *g)
{
	while (g) {
		struct gpage *next = g->next;

		gpage_put(q, g);
		g = next;
	}
}

/* End every grant of the pool and free its pages (thread context). */
static void pool_release(struct blkfront_queue *q)
{
	for (unsigned int i = 0; i < q->pool_used; i++) {
		struct gpage *g = &q->pool[i];

		if (g->granted) {
			if (gnttab_end_foreign_access(g->ref, g->va) == 1)
				q->deferred++;
		} else {
			if (g->ref != INVALID_GRANT_REF)
				gnttab_free_refs_array(&g->ref, 1);
			if (g->va)
				free_pages(g->va, 0);
		}
	}
	q->pool_used = 0;
	q->pool_free = NULL;
	q->pool_nr_free = 0;
}

/* ---- building ring requests -------------------------------------------- */

union ring_req {
	struct blkif_request rw;
	struct blkif_request_indirect ind;
	struct blkif_request_discard discard;
};

/**
 * blkfront_slot_reset - every ring slot of @q free (none if not set up)
 * @q: a queue whose ring is idle
 */
void blkfront_slot_reset(struct blkfront_queue *q)
{
	unsigned int n = q->setup ? RING_SIZE(&q->ring) : 0;

	for (unsigned int i = 0; i < n; i++) {
		q->shadow[i] = (struct shadow){ .next_free = i + 1 };
	}
	if (n)
		q->shadow[n - 1].next_free = NO_SLOT;
	q->free_slot = n ? 0 : NO_SLOT;
}

/*
 * Zero what a request leaves unused in the pages it grants.  Only the
 * bench turns it off, to show what it costs (blkfront_set_zero_unused()).
 */
static bool zero_unused = true;

/* See xen-blkfront-internal.h. */
void blkfront_set_zero_unused(bool on)
{
	WRITE_ONCE(zero_unused, on);
}

/* Take data pages for @len bytes at @off of @r; writes are copied in. */
static struct gpage *take_data_pages(struct blkfront_queue *q,
				     struct blk_request *r, u32 off, u32 len,
				     struct blkif_request_segment *segs)
{
	bool write = r->op == BLK_OP_WRITE;
	struct gpage *head = NULL, **tail = &head;

	for (unsigned int i = 0; len; i++) {
		u32 n = MIN(len, (u32)PAGE_SIZE);
		struct gpage *g = pool_pop(q);

		if (!g) {
			chain_put(q, head);
			return NULL;
		}
		if (write)
			req_copy(r, off, g->va, n, true);
		/* The tail past the segment is no business of the backend's. */
		if (n < PAGE_SIZE && READ_ONCE(zero_unused))
			memset((char *)g->va + n, 0, PAGE_SIZE - n);
		gpage_grant(q, g, write);
		segs[i] = (struct blkif_request_segment){
			.gref = g->ref, .first_sect = 0,
			.last_sect = (u8)((n >> BLK_SECTOR_SHIFT) - 1),
		};
		*tail = g;
		tail = &g->next;
		off += n;
		len -= n;
	}
	return head;
}

/* Indirect pages holding @nsegs segments; filled, then granted read-only. */
static struct gpage *take_indirect_pages(struct blkfront_queue *q,
					 const struct blkif_request_segment *segs,
					 unsigned int nsegs, grant_ref_t *refs)
{
	struct gpage *head = NULL, **tail = &head;

	for (unsigned int i = 0; i * SEGS_PER_INDIRECT_PAGE < nsegs; i++) {
		unsigned int first = i * SEGS_PER_INDIRECT_PAGE;
		unsigned int n = MIN(nsegs - first, (unsigned int)SEGS_PER_INDIRECT_PAGE);
		struct gpage *g = pool_pop(q);

		if (!g) {
			chain_put(q, head);
			return NULL;
		}
		memcpy(g->va, &segs[first], n * sizeof(*segs));
		if (READ_ONCE(zero_unused))
			memset((char *)g->va + n * sizeof(*segs), 0,
			       PAGE_SIZE - n * sizeof(*segs));
		gpage_grant(q, g, true);
		refs[i] = g->ref;
		*tail = g;
		tail = &g->next;
	}
	return head;
}

static u8 blkif_op(const struct blk_request *r)
{
	return r->op == BLK_OP_WRITE ? BLKIF_OP_WRITE : BLKIF_OP_READ;
}

/* The next piece of a read or write: direct up to 11 pages, else indirect. */
static int build_rw(struct blkfront_queue *q, struct blk_request *r,
		    struct shadow *s, union ring_req *u, u32 id)
{
	static struct blkif_request_segment segs_buf[NR_CPUS][BLKFRONT_MAX_INDIRECT_SEGS];
	struct blkif_request_segment *segs = segs_buf[smp_processor_id()];
	u32 off = r->drv_issued;
	u32 len = MIN(r->len - off, q->bf->max_segs * (u32)PAGE_SIZE);
	unsigned int nsegs = DIV_ROUND_UP(len, (u32)PAGE_SIZE);
	unsigned int nind = nsegs > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
			    DIV_ROUND_UP(nsegs, SEGS_PER_INDIRECT_PAGE) : 0;
	u64 sector = r->sector + (off >> BLK_SECTOR_SHIFT);

	if (!pool_can_give(q, nsegs + nind))
		return -EAGAIN;
	s->data = take_data_pages(q, r, off, len, segs);
	if (!s->data)
		return -EAGAIN;
	s->op = s->alt_op = blkif_op(r);
	if (!nind) {
		u->rw = (struct blkif_request){
			.operation = s->op, .nr_segments = (u8)nsegs,
			.handle = q->bf->handle, .id = id, .sector_number = sector,
		};
		memcpy(u->rw.seg, segs, nsegs * sizeof(*segs));
	} else {
		u->ind = (struct blkif_request_indirect){
			.operation = BLKIF_OP_INDIRECT, .indirect_op = s->op,
			.nr_segments = (u16)nsegs, .id = id,
			.sector_number = sector, .handle = q->bf->handle,
		};
		s->ind = take_indirect_pages(q, segs, nsegs, u->ind.indirect_grefs);
		if (!s->ind) {
			chain_put(q, s->data);
			s->data = NULL;
			return -EAGAIN;
		}
		/* Backends echo either the inner or the indirect operation. */
		s->alt_op = BLKIF_OP_INDIRECT;
	}
	s->offset = off;
	s->len = len;
	r->drv_issued += len;
	return 0;
}

static void build_flush(struct blkfront_queue *q, struct shadow *s,
			union ring_req *u, u32 id)
{
	s->op = s->alt_op = q->bf->flush_op;
	u->rw = (struct blkif_request){
		.operation = s->op, .handle = q->bf->handle, .id = id,
	};
}

static void build_discard(struct blkfront_queue *q, struct blk_request *r,
			  struct shadow *s, union ring_req *u, u32 id)
{
	s->op = s->alt_op = BLKIF_OP_DISCARD;
	u->discard = (struct blkif_request_discard){
		.operation = BLKIF_OP_DISCARD, .handle = q->bf->handle, .id = id,
		.sector_number = r->sector,
		.nr_sectors = r->len >> BLK_SECTOR_SHIFT,
	};
}

/* Put the next piece of @r on the ring (not yet published). */
static int issue_one(struct blkfront_queue *q, struct blk_request *r)
{
	u32 id = q->free_slot;
	struct shadow *s = &q->shadow[id];
	union ring_req u;
	int err = 0;

	memset(&u, 0, sizeof(u));
	s->data = s->ind = NULL;
	switch (r->op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		err = build_rw(q, r, s, &u, id);
		break;
	case BLK_OP_FLUSH:
		build_flush(q, s, &u, id);
		r->drv_issued = 1;
		break;
	case BLK_OP_DISCARD:
		build_discard(q, r, s, &u, id);
		r->drv_issued = 1;
		break;
	}
	if (err)
		return err;
	memcpy(RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt), &u,
	       sizeof(struct blkif_request));
	q->free_slot = s->next_free;
	s->req = r;
	r->drv_inflight++;
	q->ring.req_prod_pvt++;
	q->requests++;
	return 0;
}

/*
 * Publish new requests; notify unless the backend asked not to be (its
 * req_event only decides whether pvk sends an event).
 */
static void push_requests(struct blkfront_queue *q)
{
	RING_IDX old = q->pushed, new = q->ring.req_prod_pvt;

	smp_wmb();	/* requests before the index that covers them */
	WRITE_ONCE(q->ring.sring->req_prod, new);
	smp_mb();	/* index before reading req_event */
	q->pushed = new;
	if ((RING_IDX)(new - READ_ONCE(q->ring.sring->req_event)) <
	    (RING_IDX)(new - old)) {
		q->notifications++;
		xen_evtchn_notify(q->port);
	}
}

/* Move waiting requests onto the ring while slots and pages last. */
static void kick(struct blkfront_queue *q)
{
	bool queued = false;

	while (q->live && q->wait.head && q->free_slot != NO_SLOT &&
	       !RING_FULL(&q->ring)) {
		struct blk_request *r = q->wait.head;

		if (issue_one(q, r)) {
			/*
			 * Out of pages: the worker retries until they come
			 * (it polls while requests wait, so it never wakes
			 * itself into a busy loop).
			 */
			if (kthread_self() != worker)
				kthread_wake(worker);
			break;
		}
		queued = true;
		if (r->drv_issued == req_total(r)) {
			list_pop(&q->wait);
			r->drv_listed = false;
		}
	}
	if (queued)
		push_requests(q);
}

/* ---- responses ---------------------------------------------------------- */

/*
 * The backend broke the protocol: stop the queue now (its lock is held)
 * and leave failing the device to the worker thread, which may sleep.
 */
static void fatal_locked(struct blkfront_queue *q, const char *fmt, ...)
{
	struct blkfront *bf = q->bf;
	char msg[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	q->live = false;
	pr_err("%s: queue %u: backend broke the protocol: %s; device failed\n",
	       bf->bdev.name, q->index, msg);
	spin_lock(&bf->lock);
	if (bf->state != BF_DEAD) {
		bf->state = BF_DEAD;
		snprintf(bf->fatal_msg, sizeof(bf->fatal_msg), "queue %u: %s",
			 q->index, msg);
		bf->fatal_pending = true;
	}
	spin_unlock(&bf->lock);
	kthread_wake(worker);
}

/* A flush, barrier or discard the backend says it cannot do after all. */
static void drop_feature(struct blkfront_queue *q, u8 op)
{
	u32 f = op == BLKIF_OP_DISCARD ? BLKDEV_F_DISCARD :
		BLKDEV_F_FLUSH | BLKDEV_F_BARRIER;

	if (__atomic_fetch_and(&q->bf->bdev.features, ~f, __ATOMIC_RELAXED) & f)
		pr_warn("%s: backend refused operation %u; no longer used\n",
			q->bf->bdev.name, op);
}

static int rsp_status(struct blkfront_queue *q, const struct shadow *s,
		      s16 status)
{
	int err = blkfront_rsp_errno(q->bf->bdev.name, s->op, status);

	if (err == -EOPNOTSUPP)
		drop_feature(q, s->op);
	return err;
}

/* One response, already copied out of the ring.  False: fatal. */
static bool handle_response(struct blkfront_queue *q,
			    const struct blkif_response *rsp,
			    struct req_list *done)
{
	struct shadow *s;
	struct blk_request *r;
	int err;

	err = blkfront_rsp_check(rsp, q->shadow, RING_SIZE(&q->ring));
	if (err == -ENOENT) {
		fatal_locked(q, "response id %llu is not in flight",
			     (unsigned long long)rsp->id);
		return false;
	}
	s = &q->shadow[rsp->id];
	if (err) {
		fatal_locked(q, "response %llu has operation %u, expected %u",
			     (unsigned long long)rsp->id, rsp->operation, s->op);
		return false;
	}
	r = s->req;
	err = rsp_status(q, s, rsp->status);
	if (!err && r->op == BLK_OP_READ) {
		u32 off = s->offset, left = s->len;

		for (struct gpage *g = s->data; g && left; g = g->next) {
			u32 n = MIN(left, (u32)PAGE_SIZE);

			req_copy(r, off, g->va, n, false);
			off += n;
			left -= n;
		}
	}
	chain_put(q, s->data);
	chain_put(q, s->ind);
	s->req = NULL;
	s->data = s->ind = NULL;
	s->next_free = q->free_slot;
	q->free_slot = (u32)rsp->id;
	r->drv_inflight--;
	if (err && !r->drv_status)
		r->drv_status = err;
	if (!r->drv_inflight && r->drv_issued == req_total(r))
		list_add_tail(done, r);
	return true;
}

/* Consume every response the backend produced; queue lock held. */
static void poll_responses(struct blkfront_queue *q, struct req_list *done)
{
	struct blkif_front_ring *ring = &q->ring;
	bool more;

	do {
		RING_IDX rp = READ_ONCE(ring->sring->rsp_prod);
		RING_IDX cons = ring->rsp_cons;

		smp_rmb();	/* the index before the responses it covers */
		if (!blkfront_rsp_prod_ok(rp, cons, ring->req_prod_pvt)) {
			fatal_locked(q, "rsp_prod - rsp_cons = %u exceeds the %u "
				     "requests in flight (ring size %u)", rp - cons,
				     ring->req_prod_pvt - cons, RING_SIZE(ring));
			return;
		}
		for (; cons != rp; cons++) {
			struct blkif_response rsp;

			memcpy(&rsp, RING_GET_RESPONSE(ring, cons), sizeof(rsp));
			barrier();	/* only the copy is looked at */
			if (!handle_response(q, &rsp, done))
				return;
		}
		ring->rsp_cons = cons;
		/* Ask for an event on the next response, then look again. */
		WRITE_ONCE(ring->sring->rsp_event, cons + 1);
		smp_mb();
		more = READ_ONCE(ring->sring->rsp_prod) != cons;
	} while (more && q->live);
}

/**
 * blkfront_interrupt - event handler of a queue
 * @port: the event channel
 * @data: the queue
 * @regs: unused
 *
 * Completes what the backend answered and issues what waits; an event
 * without new responses is reported to xen_evtchn_no_work().
 */
void blkfront_interrupt(unsigned int port, void *data, struct pt_regs *regs)
{
	struct blkfront_queue *q = data;
	struct req_list done = { NULL, NULL };
	unsigned long flags;
	bool work = false;

	spin_lock_irqsave(&q->lock, flags);
	/* Events may be spurious, or come before the queue is live. */
	if (q->live && port == q->port) {
		q->events++;
		work = READ_ONCE(q->ring.sring->rsp_prod) != q->ring.rsp_cons;
		poll_responses(q, &done);
		kick(q);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	complete_all(&done);
	/* A backend storming the port is masked for a while (not the fakes'). */
	if (!work && q->bound)
		xen_evtchn_no_work(port);
}

/* ---- submission --------------------------------------------------------- */

static void hold_locked(struct blkfront *bf, struct blk_request *r)
{
	r->drv_stamp = ktime_get_ns();
	r->drv_listed = true;
	list_add_tail(&bf->held, r);
	kthread_wake(worker);	/* to expire it if the backend stays away */
}

static int blkfront_submit(struct blkdev *bdev, struct blk_request *req)
{
	struct blkfront *bf = bdev->priv;
	unsigned long flags;

	for (;;) {
		unsigned int nr = MAX(READ_ONCE(bf->nr_queues), 1U);
		struct blkfront_queue *q = &bf->queues[smp_processor_id() % nr];

		spin_lock_irqsave(&q->lock, flags);
		if (q->live) {
			req->drv_listed = true;
			list_add_tail(&q->wait, req);
			kick(q);
			spin_unlock_irqrestore(&q->lock, flags);
			return 0;
		}
		spin_unlock_irqrestore(&q->lock, flags);

		/* The state changes before the queues stop or after they start. */
		spin_lock_irqsave(&bf->lock, flags);
		if (bf->state != BF_CONNECTED) {
			int err = bf->state == BF_DEAD ? -ENODEV : 0;

			if (!err)
				hold_locked(bf, req);
			spin_unlock_irqrestore(&bf->lock, flags);
			return err;
		}
		spin_unlock_irqrestore(&bf->lock, flags);
		cpu_relax();
	}
}

static const struct blkdev_ops blkfront_ops = {
	.submit = blkfront_submit,
};

/* ---- rings and channels ------------------------------------------------- */

static int queue_setup(struct blkfront *bf, struct blkfront_queue *q)
{
	struct xenbus_device *dev = bf->xdev;
	unsigned int pages = 1U << bf->ring_order;
	int err;

	if (!q->pool) {
		q->pool = kzalloc(BLKFRONT_POOL_PAGES * sizeof(*q->pool));
		if (!q->pool)
			return -ENOMEM;
	}
	err = xenbus_setup_ring(dev, pages, &q->sring, q->ring_refs);
	if (err)
		return err;
	SHARED_RING_INIT((struct blkif_sring *)q->sring);
	FRONT_RING_INIT(&q->ring, (struct blkif_sring *)q->sring, PAGE_SIZE * pages);
	q->pushed = 0;
	err = xenbus_alloc_evtchn(dev, &q->port);
	if (err) {
		xenbus_teardown_ring(&q->sring, pages, q->ring_refs);
		return err;
	}
	q->cpu = nth_online_cpu(q->index);
	err = xen_bind_evtchn(q->port, q->cpu, blkfront_interrupt, q);
	if (err) {
		xenbus_free_evtchn(dev, q->port);
		xenbus_teardown_ring(&q->sring, pages, q->ring_refs);
		return err;
	}
	q->bound = true;
	q->setup = true;
	blkfront_slot_reset(q);
	return 0;
}

/*
 * Stop @q and take back what it holds: finished responses complete
 * (@done), unfinished requests go to @back, ready to be issued afresh.
 */
static void queue_stop(struct blkfront_queue *q, struct req_list *done,
		       struct req_list *back)
{
	unsigned long flags;
	struct blk_request *r;

	spin_lock_irqsave(&q->lock, flags);
	if (q->live)
		poll_responses(q, done);
	q->live = false;
	while ((r = list_pop(&q->wait)))
		list_add_tail(back, r);
	for (unsigned int i = 0; q->setup && i < RING_SIZE(&q->ring); i++) {
		struct shadow *s = &q->shadow[i];

		r = s->req;
		if (!r)
			continue;
		s->req = NULL;
		r->drv_inflight--;
		if (!r->drv_listed) {
			r->drv_listed = true;
			list_add_tail(back, r);
		}
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Free the ring, the channel and the pool of a stopped queue. */
static void queue_free(struct blkfront *bf, struct blkfront_queue *q)
{
	if (!q->setup)
		return;
	/* Closes the port; its handler is not running when this returns. */
	if (q->bound)
		xen_unbind(q->port);
	q->bound = false;
	xenbus_teardown_ring(&q->sring, 1U << bf->ring_order, q->ring_refs);
	pool_release(q);
	q->setup = false;
	blkfront_slot_reset(q);
}

/**
 * blkfront_teardown - end the connection of @bf
 * @bf: the device, its mutex held
 * @fail: 0, or the status for every unfinished and held request
 *
 * Unfinished requests are kept for the next connection, or failed with
 * @fail together with everything held.
 */
void blkfront_teardown(struct blkfront *bf, int fail)
{
	struct req_list done = { NULL, NULL }, back = { NULL, NULL };
	unsigned long flags;

	spin_lock_irqsave(&bf->lock, flags);
	if (bf->state == BF_CONNECTED)
		bf->state = BF_DISCONNECTED;
	spin_unlock_irqrestore(&bf->lock, flags);

	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		queue_stop(&bf->queues[i], &done, &back);
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		queue_free(bf, &bf->queues[i]);
	bf->talked = false;

	for (struct blk_request *r = back.head; r; r = r->drv_next) {
		r->drv_issued = 0;
		r->drv_status = 0;
		r->drv_stamp = ktime_get_ns();
	}
	spin_lock_irqsave(&bf->lock, flags);
	list_splice_front(&bf->held, &back);
	if (fail) {
		back = bf->held;
		bf->held.head = bf->held.tail = NULL;
	}
	spin_unlock_irqrestore(&bf->lock, flags);
	complete_all(&done);
	fail_all(&back, fail);
}

/* ---- xenstore ----------------------------------------------------------- */

static void refuse(struct blkfront *bf, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The backend offered something pvk cannot use: say why, give this
 * connection up (held requests wait for a better one) and carry on.
 */
static void refuse(struct blkfront *bf, int err, const char *fmt, ...)
{
	char msg[112];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s: vbd %u refused: %s\n", bf->bdev.name, bf->vdevice, msg);
	bf->refusals++;
	if (!bf->ever_refused) {
		bf->ever_refused = true;
		__atomic_fetch_add(&nr_refused, 1, __ATOMIC_RELAXED);
	}
	if (bf->talked)
		blkfront_teardown(bf, 0);
	xenbus_dev_fatal(bf->xdev, err, "refused: %s", msg);
}

/* Optional number: @def if absent; refuses the device if malformed. */
static int read_opt(struct blkfront *bf, const char *node, unsigned int def,
		    unsigned int *val)
{
	int err = xenbus_read_uint(XBT_NIL, bf->xdev->otherend, node, val);

	if (err == -ENOENT) {
		*val = def;
		return 0;
	}
	if (err)
		refuse(bf, err, "backend node %s is malformed (%d)", node, err);
	return err;
}

/* Optional 0/1 flag. */
static int read_flag(struct blkfront *bf, const char *node, bool *val)
{
	unsigned int v;
	int err = read_opt(bf, node, 0, &v);

	if (!err && v > 1) {
		refuse(bf, -EINVAL, "backend node %s is %u, not 0 or 1", node, v);
		err = -EINVAL;
	}
	if (!err)
		*val = v;
	return err;
}

/* Required number. */
static int read_req(struct blkfront *bf, const char *node, unsigned int *val)
{
	int err = xenbus_read_uint(XBT_NIL, bf->xdev->otherend, node, val);

	if (err == -ENOENT)
		refuse(bf, err, "backend node %s is missing", node);
	else if (err)
		refuse(bf, err, "backend node %s is malformed (%d)", node, err);
	return err;
}

static int write_queue(struct blkfront *bf, struct xenbus_transaction t,
		       const char *dir, struct blkfront_queue *q)
{
	char node[16];
	int err = 0;

	if (!bf->ring_order)
		err = xenbus_printf(t, dir, "ring-ref", "%u", q->ring_refs[0]);
	for (unsigned int i = 0; bf->ring_order && i < (1U << bf->ring_order) &&
	     !err; i++) {
		snprintf(node, sizeof(node), "ring-ref%u", i);
		err = xenbus_printf(t, dir, node, "%u", q->ring_refs[i]);
	}
	return err ?: xenbus_printf(t, dir, "event-channel", "%u", q->port);
}

/* Nodes an earlier connection may have left (another layout). */
static void remove_old_nodes(struct blkfront *bf, struct xenbus_transaction t)
{
	const char *dir = bf->xdev->nodename;
	char node[16];

	xenbus_rm(t, dir, "ring-ref");
	xenbus_rm(t, dir, "event-channel");
	xenbus_rm(t, dir, "multi-queue-num-queues");
	xenbus_rm(t, dir, "ring-page-order");
	for (unsigned int i = 0; i < MAX_RING_PAGES; i++) {
		snprintf(node, sizeof(node), "ring-ref%u", i);
		xenbus_rm(t, dir, node);
	}
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		snprintf(node, sizeof(node), "queue-%u", i);
		xenbus_rm(t, dir, node);
	}
}

static int write_rings(struct blkfront *bf, struct xenbus_transaction t)
{
	const char *dir = bf->xdev->nodename;
	char qdir[XENBUS_PATH_MAX];
	int err = 0;

	if (bf->connections)
		remove_old_nodes(bf, t);
	if (bf->ring_order)
		err = xenbus_printf(t, dir, "ring-page-order", "%u", bf->ring_order);
	if (!err && bf->nr_queues == 1)
		err = write_queue(bf, t, dir, &bf->queues[0]);
	if (!err && bf->nr_queues > 1)
		err = xenbus_printf(t, dir, "multi-queue-num-queues", "%u",
				    bf->nr_queues);
	for (unsigned int i = 0; !err && bf->nr_queues > 1 && i < bf->nr_queues; i++) {
		snprintf(qdir, sizeof(qdir), "%s/queue-%u", dir, i);
		err = write_queue(bf, t, qdir, &bf->queues[i]);
	}
	if (!err)
		err = xenbus_write(t, dir, "protocol", XEN_IO_PROTO_ABI_NATIVE);
	if (!err)
		err = xenbus_printf(t, dir, "feature-persistent", "%u",
				    use_persistent ? 1 : 0);
	return err;
}

static int publish_rings(struct blkfront *bf)
{
	for (int tries = 0; tries < 10; tries++) {
		struct xenbus_transaction t;
		int err = xenbus_transaction_start(&t);

		if (err)
			return err;
		err = write_rings(bf, t);
		if (err) {
			xenbus_transaction_end(t, true);
			return err;
		}
		err = xenbus_transaction_end(t, false);
		if (err != -EAGAIN)
			return err;
	}
	return -EAGAIN;
}

/* The ring size and queue count the backend offers, clamped. */
static int negotiate_transport(struct blkfront *bf, unsigned int *be_order,
			       unsigned int *be_queues)
{
	int err = read_opt(bf, "max-ring-page-order", 0, be_order) ?:
		  read_opt(bf, "multi-queue-max-queues", 1, be_queues);

	if (err)
		return err;
	if (*be_order > BLKIF_SANE_RING_ORDER) {
		refuse(bf, -EINVAL, "max-ring-page-order %u is impossible (> %u)",
		       *be_order, BLKIF_SANE_RING_ORDER);
		return -EINVAL;
	}
	if (!*be_queues) {
		refuse(bf, -EINVAL, "multi-queue-max-queues is 0");
		return -EINVAL;
	}
	bf->ring_order = MIN(*be_order, (unsigned int)BLKFRONT_MAX_RING_ORDER);
	bf->nr_queues = MIN(MIN(*be_queues, num_online_cpus()),
			    (unsigned int)BLKFRONT_MAX_QUEUES);
	return 0;
}

/**
 * blkfront_talk - backend in InitWait: set up the rings and publish them
 * @bf: the device, its mutex held
 *
 * Returns 0, or an errno once the device has been refused or failed
 * (then nothing of the attempt is left: rings, channels, grants).
 */
int blkfront_talk(struct blkfront *bf)
{
	struct xenbus_device *dev = bf->xdev;
	unsigned int be_order, be_queues;
	int err = negotiate_transport(bf, &be_order, &be_queues);

	if (err)
		return err;
	bf->backend_id = dev->otherend_id;
	for (unsigned int i = 0; i < bf->nr_queues && !err; i++)
		err = queue_setup(bf, &bf->queues[i]);
	bf->talked = true;
	if (!err) {
		err = publish_rings(bf);
		if (err)
			xenbus_dev_fatal(dev, err, "publishing the rings");
	}
	if (!err)
		err = xenbus_switch_state(dev, XenbusStateInitialised);
	if (err)
		blkfront_teardown(bf, 0);
	return err;
}

/* What the backend says about the disk, checked. */
struct disk_props {
	u64 sectors;
	unsigned int info, sector_size, phys_size;
	unsigned int indirect, discard_gran;
	bool flush, barrier, discard, persistent;
};

static bool is_pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

static int read_sectors(struct blkfront *bf, u64 *sectors)
{
	char buf[32];
	int err = xenbus_read(XBT_NIL, bf->xdev->otherend, "sectors", buf,
			      sizeof(buf));

	if (err == -ENOENT) {
		refuse(bf, err, "backend node sectors is missing");
		return err;
	}
	if (err < 0 || kstrtou64(buf, 10, sectors)) {
		refuse(bf, -EINVAL, "backend node sectors is malformed");
		return -EINVAL;
	}
	if (*sectors > (~0ULL >> BLK_SECTOR_SHIFT)) {
		refuse(bf, -EINVAL, "sectors %llu is impossible",
		       (unsigned long long)*sectors);
		return -EINVAL;
	}
	return 0;
}

static int check_sizes(struct blkfront *bf, struct disk_props *p)
{
	if (!is_pow2(p->sector_size) || p->sector_size < BLK_SECTOR_SIZE) {
		refuse(bf, -EINVAL, "sector-size %u is not a power of two >= 512",
		       p->sector_size);
		return -EINVAL;
	}
	if (p->sector_size > PAGE_SIZE) {
		refuse(bf, -EINVAL, "sector-size %u is above pvk's limit of %lu",
		       p->sector_size, PAGE_SIZE);
		return -EINVAL;
	}
	if (!is_pow2(p->phys_size) || p->phys_size < p->sector_size) {
		refuse(bf, -EINVAL, "physical-sector-size %u is not a power-of-two "
		       "multiple of sector-size %u", p->phys_size, p->sector_size);
		return -EINVAL;
	}
	return 0;
}

static int read_props(struct blkfront *bf, struct disk_props *p)
{
	int err = read_sectors(bf, &p->sectors) ?:
		  read_req(bf, "info", &p->info) ?:
		  read_req(bf, "sector-size", &p->sector_size) ?:
		  read_opt(bf, "physical-sector-size", p->sector_size, &p->phys_size) ?:
		  read_flag(bf, "feature-flush-cache", &p->flush) ?:
		  read_flag(bf, "feature-barrier", &p->barrier) ?:
		  read_flag(bf, "feature-discard", &p->discard) ?:
		  read_flag(bf, "feature-persistent", &p->persistent) ?:
		  read_opt(bf, "feature-max-indirect-segments", 0, &p->indirect) ?:
		  read_opt(bf, "discard-granularity", p->sector_size, &p->discard_gran);

	return err ?: check_sizes(bf, p);
}

static void apply_props(struct blkfront *bf, const struct disk_props *p)
{
	struct blkdev *b = &bf->bdev;
	u32 f = 0;

	bf->persistent = p->persistent && use_persistent;
	bf->max_segs = p->indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
		       MIN(p->indirect, (unsigned int)BLKFRONT_MAX_INDIRECT_SEGS) :
		       BLKIF_MAX_SEGMENTS_PER_REQUEST;
	bf->flush_op = p->flush ? BLKIF_OP_FLUSH_DISKCACHE : BLKIF_OP_WRITE_BARRIER;
	if (p->flush || p->barrier)
		f |= BLKDEV_F_FLUSH;
	if (!p->flush && p->barrier)
		f |= BLKDEV_F_BARRIER;
	if (p->discard)
		f |= BLKDEV_F_DISCARD;
	if (p->info & VDISK_READONLY)
		f |= BLKDEV_F_READONLY;
	if (p->info & VDISK_REMOVABLE)
		f |= BLKDEV_F_REMOVABLE;
	if (p->info & VDISK_CDROM)
		f |= BLKDEV_F_CDROM;
	b->sector_size = p->sector_size;
	b->physical_sector_size = p->phys_size;
	b->capacity = p->sectors;
	b->max_transfer = bf->max_segs * PAGE_SIZE;
	b->discard_granularity = p->discard ? p->discard_gran : 0;
	b->nr_queues = bf->nr_queues;
	WRITE_ONCE(b->features, f);
}

/* The one line per connection that says what was agreed. */
static void log_connection(struct blkfront *bf, const struct disk_props *p)
{
	struct blkdev *b = &bf->bdev;

	pr_info("%s: vbd %u connected: %llu sectors (%llu MiB), sector %u/%u, %s, "
		"queues %u, ring-pages %u (%u slots), segs %u%s (backend indirect %u), "
		"persistent %s (backend %u), flush %u, barrier %u, discard %u\n",
		b->name, bf->vdevice, (unsigned long long)b->capacity,
		(unsigned long long)(b->capacity >> 11), b->sector_size,
		b->physical_sector_size, b->features & BLKDEV_F_READONLY ? "ro" : "rw",
		bf->nr_queues, 1U << bf->ring_order, RING_SIZE(&bf->queues[0].ring),
		bf->max_segs, bf->max_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
		" indirect" : "", p->indirect, bf->persistent ? "yes" : "no",
		p->persistent, p->flush, p->barrier, p->discard);
}

/* Requests kept from before: reissue, or fail those the disk no longer holds. */
static void resubmit_held(struct blkfront *bf, struct req_list *held)
{
	struct blk_request *r;

	while ((r = list_pop(held))) {
		u64 end = r->sector + (r->len >> BLK_SECTOR_SHIFT);
		bool data = r->op == BLK_OP_READ || r->op == BLK_OP_WRITE;

		r->drv_listed = false;
		if ((data && end > bf->bdev.capacity) ||
		    blkfront_submit(&bf->bdev, r)) {
			r->drv_status = -EIO;
			r->done(r, -EIO);
		}
	}
}

/* Backend Connected: read the disk, start the queues, reissue what waits. */
static void blkfront_connect(struct blkfront *bf)
{
	struct disk_props p = { 0 };
	struct req_list held;
	unsigned long flags;

	if (read_props(bf, &p))
		return;
	apply_props(bf, &p);
	log_connection(bf, &p);
	for (unsigned int i = 0; i < bf->nr_queues; i++) {
		struct blkfront_queue *q = &bf->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		q->live = true;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	spin_lock_irqsave(&bf->lock, flags);
	bf->state = BF_CONNECTED;
	held = bf->held;
	bf->held.head = bf->held.tail = NULL;
	spin_unlock_irqrestore(&bf->lock, flags);
	bf->connections++;
	if (!bf->registered && !blkdev_register(&bf->bdev))
		bf->registered = true;
	xenbus_switch_state(bf->xdev, XenbusStateConnected);
	resubmit_held(bf, &held);
}

static void blkfront_closing(struct blkfront *bf)
{
	struct xenbus_device *dev = bf->xdev;

	if (dev->state == XenbusStateClosed)
		return;
	if (bf->talked) {
		blkfront_teardown(bf, 0);
		pr_info("%s: backend closing; %s\n", bf->bdev.name,
			bf->held.head ? "holding unfinished requests" : "idle");
	}
	xenbus_frontend_closed(dev);
}

static void blkfront_backend_changed(struct xenbus_device *dev,
				     enum xenbus_state state)
{
	struct blkfront *bf = dev->priv;

	blkfront_mutex_lock(bf);
	switch (state) {
	case XenbusStateInitWait:
	case XenbusStateInitialised:
		if (dev->state == XenbusStateInitialising && bf->state != BF_DEAD)
			blkfront_talk(bf);
		break;
	case XenbusStateConnected:
		/* A backend may skip InitWait: do its work first. */
		if (dev->state == XenbusStateInitialising && bf->state != BF_DEAD &&
		    blkfront_talk(bf))
			break;
		if (dev->state == XenbusStateInitialised && bf->talked)
			blkfront_connect(bf);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		blkfront_closing(bf);
		break;
	default:
		break;
	}
	blkfront_mutex_unlock(bf);
}

/* ---- devices ------------------------------------------------------------ */

static struct blkfront *find_blkfront(unsigned int vdevice)
{
	struct blkfront *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&blkfronts_lock, flags);
	for (struct blkfront *bf = blkfronts; bf && !found; bf = bf->next)
		if (bf->vdevice == vdevice)
			found = bf;
	spin_unlock_irqrestore(&blkfronts_lock, flags);
	return found;
}

/**
 * blkfront_alloc - a new device for virtual-device @vdevice
 * @vdevice: its number
 *
 * The device is never freed (one that goes away may come back).
 * Returns NULL without memory.
 */
struct blkfront *blkfront_alloc(unsigned int vdevice)
{
	struct blkfront *bf = kzalloc(sizeof(*bf));
	unsigned long flags;

	if (!bf)
		return NULL;
	bf->vdevice = vdevice;
	spin_lock_init(&bf->lock);
	vbd_name(vdevice, bf->bdev.name, sizeof(bf->bdev.name));
	bf->bdev.ops = &blkfront_ops;
	bf->bdev.priv = bf;
	bf->bdev.sector_size = BLK_SECTOR_SIZE;
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		spin_lock_init(&bf->queues[i].lock);
		bf->queues[i].bf = bf;
		bf->queues[i].index = i;
		bf->queues[i].free_slot = NO_SLOT;
	}
	/* Never freed: a device that goes away may come back. */
	spin_lock_irqsave(&blkfronts_lock, flags);
	bf->next = blkfronts;
	blkfronts = bf;
	spin_unlock_irqrestore(&blkfronts_lock, flags);
	return bf;
}

static int blkfront_worker(void *unused);

/**
 * blkfront_start_worker - start the driver's worker thread, once
 */
void blkfront_start_worker(void)
{
	static bool started;
	bool no = false;

	/* Probe and the self-tests may both get here at once: one wins. */
	if (!__atomic_compare_exchange_n(&started, &no, true, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	worker = kthread_run(blkfront_worker, NULL, "blkfront", 0);
	if (!worker)	/* the next probe tries again */
		__atomic_store_n(&started, false, __ATOMIC_RELEASE);
}

/* The last component of a xenstore path. */
static const char *path_leaf(const char *path)
{
	const char *leaf = path;

	for (const char *c = path; *c; c++)
		if (*c == '/')
			leaf = c + 1;
	return leaf;
}

static int probe_refused(struct xenbus_device *dev, const char *why, int err)
{
	pr_err("%s refused: %s (%d)\n", dev->nodename, why, err);
	__atomic_fetch_add(&nr_refused, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&nr_probe_refused, 1, __ATOMIC_RELAXED);
	return -EINVAL;
}

static int blkfront_probe(struct xenbus_device *dev)
{
	unsigned int vdevice, handle;
	struct blkfront *bf;
	int err;

	if (xen_platform_info()->no_pv_disks)
		return probe_refused(dev, "the emulated disks were not unplugged, "
				     "so a PV disk could be one of them seen twice",
				     -EBUSY);
	err = xenbus_read_uint(XBT_NIL, dev->nodename, "virtual-device", &vdevice);
	if (err)
		return probe_refused(dev, "virtual-device missing or malformed", err);
	if (kstrtouint(path_leaf(dev->nodename), 10, &handle))
		return probe_refused(dev, "device id is not a number", -EINVAL);
	bf = find_blkfront(vdevice) ?: blkfront_alloc(vdevice);
	if (!bf)
		return -ENOMEM;
	blkfront_mutex_lock(bf);
	err = bf->xdev ? -EEXIST : 0;
	if (!err) {
		bf->xdev = dev;
		bf->handle = (u16)handle;
		dev->priv = bf;
	}
	blkfront_mutex_unlock(bf);
	if (err) {
		pr_err("%s refused: vbd %u is already %s\n", dev->nodename, vdevice,
		       bf->bdev.name);
		return err;
	}
	blkfront_start_worker();
	return 0;
}

/* The device left xenstore: keep its requests for a device that returns. */
static void blkfront_remove(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->priv;

	blkfront_mutex_lock(bf);
	if (bf->talked)
		blkfront_teardown(bf, 0);
	bf->xdev = NULL;
	dev->priv = NULL;
	pr_info("%s: device removed%s\n", bf->bdev.name,
		bf->held.head ? "; holding unfinished requests" : "");
	blkfront_mutex_unlock(bf);
}

/*
 * The domain goes down (xenbus_shutdown_devices()): the closing
 * handshake has torn the connection down if the backend took part, and
 * kept its unfinished requests for a reconnection that will not come.
 * Fail those and everything still in flight, refuse new ones (BF_DEAD:
 * -ENODEV), and end Closed.
 */
static void blkfront_shutdown(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->priv;
	unsigned int held = 0;
	unsigned long flags;

	if (!bf)
		return;
	blkfront_mutex_lock(bf);
	spin_lock_irqsave(&bf->lock, flags);
	bf->state = BF_DEAD;
	for (struct blk_request *r = bf->held.head; r; r = r->drv_next)
		held++;
	spin_unlock_irqrestore(&bf->lock, flags);
	blkfront_teardown(bf, -EIO);
	pr_info("%s: shut down; %u held requests failed\n", bf->bdev.name, held);
	xenbus_frontend_closed(dev);
	blkfront_mutex_unlock(bf);
}

/*
 * Restored into a new domain: forget the ports (no close, the numbers
 * may be the new domain's) and take nothing more onto the old rings;
 * new requests are held until the new connection.
 */
static void blkfront_channels_lost(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->priv;

	if (!bf)
		return;
	if (bf->state == BF_CONNECTED)
		bf->state = BF_DISCONNECTED;
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		bf->queues[i].bound = false;
		bf->queues[i].live = false;
	}
}

/*
 * Then end the old connection: every request the old backend did not
 * answer is held, and issued again on the new rings (a write done twice
 * writes the same data; none is dropped).
 */
static void blkfront_resume(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->priv;

	if (!bf)
		return;
	blkfront_mutex_lock(bf);
	if (bf->talked)
		blkfront_teardown(bf, 0);
	pr_info("%s: restored; %s\n", bf->bdev.name,
		bf->held.head ? "holding unfinished requests" : "idle");
	blkfront_mutex_unlock(bf);
}

static struct xenbus_driver blkfront_driver = {
	.type = "vbd",
	.probe = blkfront_probe,
	.otherend_changed = blkfront_backend_changed,
	.remove = blkfront_remove,
	.shutdown = blkfront_shutdown,
	.channels_lost = blkfront_channels_lost,
	.resume = blkfront_resume,
};
XENBUS_FRONTEND(blkfront_driver);

/* ---- the worker thread -------------------------------------------------- */

/* Fail the device after a protocol error noticed in the event handler. */
static void handle_fatal(struct blkfront *bf)
{
	char msg[sizeof(bf->fatal_msg)];
	unsigned long flags;

	blkfront_mutex_lock(bf);
	spin_lock_irqsave(&bf->lock, flags);
	memcpy(msg, bf->fatal_msg, sizeof(msg));
	spin_unlock_irqrestore(&bf->lock, flags);
	blkfront_teardown(bf, -EIO);
	if (bf->xdev)
		xenbus_dev_fatal(bf->xdev, -EPROTO, "%s", msg);
	/* Dead already, so no second protocol error can set it again. */
	WRITE_ONCE(bf->fatal_pending, false);
	blkfront_mutex_unlock(bf);
}

/* Fail held requests that waited too long, or all of them once dead. */
static void expire_held(struct blkfront *bf, u64 now)
{
	struct req_list expired = { NULL, NULL }, keep = { NULL, NULL };
	struct blk_request *r;
	unsigned long flags;
	int status;

	spin_lock_irqsave(&bf->lock, flags);
	status = bf->state == BF_DEAD ? -ENODEV : -ETIMEDOUT;
	while ((r = list_pop(&bf->held))) {
		if (bf->state == BF_DEAD || now - r->drv_stamp > BLKFRONT_HOLD_TIMEOUT)
			list_add_tail(&expired, r);
		else
			list_add_tail(&keep, r);
	}
	bf->held = keep;
	spin_unlock_irqrestore(&bf->lock, flags);
	if (expired.head)
		pr_err("%s: backend did not come back; failing held requests\n",
		       bf->bdev.name);
	fail_all(&expired, status);
}

/* Requests left waiting when pages ran out get another chance. */
static void rekick(struct blkfront *bf)
{
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		struct blkfront_queue *q = &bf->queues[i];
		unsigned long flags;

		spin_lock_irqsave(&q->lock, flags);
		if (q->live)
			kick(q);
		spin_unlock_irqrestore(&q->lock, flags);
	}
}

/* Requests held for a backend that is not connected (they may expire). */
static bool held_while_away(struct blkfront *bf)
{
	return READ_ONCE(bf->held.head) && READ_ONCE(bf->state) != BF_CONNECTED;
}

/* Anything the worker must come back for without being woken? */
static bool worker_has_work(struct blkfront *bf)
{
	if (held_while_away(bf))
		return true;
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		if (READ_ONCE(bf->queues[i].wait.head))
			return true;
	return false;
}

static int blkfront_worker(void *unused)
{
	for (;;) {
		u64 now = ktime_get_ns();
		bool busy = false;

		for (struct blkfront *bf = READ_ONCE(blkfronts); bf; bf = bf->next) {
			if (READ_ONCE(bf->fatal_pending))
				handle_fatal(bf);
			if (held_while_away(bf))
				expire_held(bf, now);
			rekick(bf);
			busy |= worker_has_work(bf);
		}
		kthread_wait_ns(busy ? WORKER_PERIOD : WORKER_IDLE_WAIT);
	}
	return 0;
}

/* ---- for the self-tests and the benchmark ------------------------------- */

int blkfront_get_info(struct blkdev *bdev, struct blkfront_info *info)
{
	struct blkfront *bf = bdev->priv;
	unsigned long flags;

	if (bdev->ops != &blkfront_ops)
		return -ENODEV;
	memset(info, 0, sizeof(*info));
	info->vdevice = bf->vdevice;
	info->refusals = bf->refusals;
	info->connections = bf->connections;
	info->nr_queues = bf->nr_queues;
	info->ring_pages = 1U << bf->ring_order;
	info->max_segs = bf->max_segs;
	info->indirect = bf->max_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	info->persistent = bf->persistent;
	for (unsigned int i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		struct blkfront_queue *q = &bf->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		if (q->setup && !info->ring_slots)
			info->ring_slots = RING_SIZE(&q->ring);
		info->requests[i] = q->requests;
		info->notifications += q->notifications;
		info->events += q->events;
		info->deferred_grants += q->deferred;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	spin_lock_irqsave(&bf->lock, flags);
	info->connected = bf->state == BF_CONNECTED;
	for (struct blk_request *r = bf->held.head; r; r = r->drv_next)
		info->held++;
	spin_unlock_irqrestore(&bf->lock, flags);
	return 0;
}

/* Connected, or given up on in this round of the handshake. */
static bool settled(struct blkfront *bf)
{
	struct xenbus_device *dev = READ_ONCE(bf->xdev);

	return READ_ONCE(bf->state) != BF_DISCONNECTED || !dev ||
	       dev->state == XenbusStateClosing || dev->state == XenbusStateClosed;
}

/* Whether xenstore lists more vbds than the driver has been shown. */
static bool vbds_unseen(unsigned int known)
{
	char *names = kmalloc(1024);
	unsigned int num = 0;

	if (!names)
		return false;
	if (xenbus_directory(XBT_NIL, "device", "vbd", names, 1024, &num) < 0)
		num = 0;
	kfree(names);
	return num > known;
}

int blkfront_settle(unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;

	if (!xenbus_available())
		return 0;
	for (;;) {
		unsigned int n = 0, done = 0, bound = 0;

		for (struct blkfront *bf = READ_ONCE(blkfronts); bf; bf = bf->next) {
			n++;
			done += settled(bf);
			bound += READ_ONCE(bf->xdev) != NULL;
		}
		if (done == n &&
		    !vbds_unseen(bound + READ_ONCE(nr_probe_refused)))
			return (int)n;
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		msleep(20);
	}
}

unsigned int blkfront_nr_refused(void)
{
	return __atomic_load_n(&nr_refused, __ATOMIC_RELAXED);
}

u64 blkfront_hypercalls(void)
{
	u64 sum = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		sum += READ_ONCE(xen_percpu[cpu].hypercalls);
	return sum;
}
