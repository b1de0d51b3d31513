// SPDX-License-Identifier: MIT
/*
 * The xenstore client (API: include/xen/xenbus.h).
 *
 * A domU talks to xenstored through one shared page holding two byte
 * rings, requests and responses, and an event channel kicked after
 * every change of an index; the platform says where both are
 * (include/xen/platform_info.h).
 * Each message is a struct xsd_sockmsg header followed by up to
 * XENSTORE_PAYLOAD_MAX bytes, so a message can be larger than a ring
 * and is written and read in pieces.
 *
 * Threads:
 *  - callers: one request at a time (a sleeping lock); the caller writes
 *    its request and waits (kthread_wait_ns) for the reply slot to fill;
 *  - "xenbus" reads every message off the response ring into kernel
 *    memory, then looks at it: a reply goes to the waiting caller (its
 *    req_id must match), a watch event is queued for "xenwatch";
 *  - "xenwatch" runs watch callbacks, one at a time, so they may make
 *    requests themselves.
 * The event handler only wakes threads.
 *
 * xenstored is untrusted: ring indexes are re-read and checked on every
 * pass (a producer ahead of the consumer by more than the ring is a
 * protocol error that fails the request in flight, and is logged), the
 * bytes are copied out before anything looks at them, a header whose
 * length exceeds XENSTORE_PAYLOAD_MAX desynchronises the stream for
 * good (every later request fails with -EIO, logged once), and reply
 * contents are validated by each caller.
 */
#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include <pvk/mm.h>
#include <pvk/ratelimit.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <xen/platform_info.h>
#include <xen/xenbus.h>
#include <xen/io/xs_wire.h>
#include "xenbus_internal.h"

#define XS_REPLY_TIMEOUT_NS	(30 * NSEC_PER_SEC)
#define XS_WAIT_SLICE_NS	(100 * NSEC_PER_MSEC)	/* re-check unwoken */
#define XS_IDLE_SLICE_NS	(1 * NSEC_PER_SEC)
#define XS_MAX_IOV		3

/* One message off the response ring; the body is NUL-terminated. */
struct xs_msg {
	struct xsd_sockmsg hdr;
	struct xs_msg *next;
	char body[];
};

struct kvec {
	const void *base;
	size_t len;
};

static struct xenstore_domain_interface *xs_intf;
static evtchn_port_t xs_port;
static bool xs_up;
static bool xs_broken;		/* the stream is desynchronised */
static struct thread *xs_reader_thread;
static struct thread *xs_watch_thread;
static struct thread *xs_space_waiter;	/* a writer waiting for room */

/* Requests: one at a time.  A sleeping lock: holders wait for xenstored. */
static DEFINE_SPINLOCK(xs_request_lock);
static u32 xs_next_req_id;

/* The reply slot of the request in flight. */
static DEFINE_SPINLOCK(xs_reply_lock);
static struct {
	bool waiting;
	u32 req_id;
	struct thread *waiter;
	struct xs_msg *msg;
	int err;
} xs_reply;

/* Watches and their queued events. */
static DEFINE_SPINLOCK(xs_watch_lock);
static struct xenbus_watch *xs_watches;
static struct xs_msg *xs_events, *xs_events_tail;
static struct xenbus_watch *xs_running_watch;

/* Rate limits for the protocol-error messages. */
static bool xs_rsp_idx_bad, xs_req_idx_bad;

static void xs_notify(void)
{
	xen_evtchn_notify(xs_port);
}

/*
 * The indexes xenstored moves (rsp_prod, req_cons) as the last event saw
 * them: an event that moved neither found no work.
 */
static XENSTORE_RING_IDX xs_seen_rsp_prod, xs_seen_req_cons;

void xs_event(unsigned int port, void *data, struct pt_regs *regs)
{
	XENSTORE_RING_IDX rsp_prod = READ_ONCE(xs_intf->rsp_prod);
	XENSTORE_RING_IDX req_cons = READ_ONCE(xs_intf->req_cons);

	/* So a xenstored that storms the port cannot hold a vCPU here. */
	if (rsp_prod == READ_ONCE(xs_seen_rsp_prod) &&
	    req_cons == READ_ONCE(xs_seen_req_cons))
		xen_evtchn_no_work(port);
	WRITE_ONCE(xs_seen_rsp_prod, rsp_prod);
	WRITE_ONCE(xs_seen_req_cons, req_cons);
	kthread_wake(READ_ONCE(xs_reader_thread));
	kthread_wake(READ_ONCE(xs_space_waiter));
}

/* ---- the rings --------------------------------------------------------- */

/*
 * Copy up to @len bytes of the response ring to @dst and release them.
 * Returns the bytes copied (0: ring empty), or -EIO if the indexes make
 * no sense.
 */
static int xs_ring_read(void *dst, size_t len)
{
	XENSTORE_RING_IDX cons = READ_ONCE(xs_intf->rsp_cons);
	XENSTORE_RING_IDX prod = READ_ONCE(xs_intf->rsp_prod);
	size_t avail, n, first;

	smp_rmb();		/* the indexes before the bytes they cover */
	avail = prod - cons;
	if (avail > XENSTORE_RING_SIZE) {
		if (!xs_rsp_idx_bad)
			pr_err("xenbus: response ring indexes corrupt "
			       "(prod %u cons %u)\n", prod, cons);
		xs_rsp_idx_bad = true;
		return -EIO;
	}
	xs_rsp_idx_bad = false;
	n = MIN(avail, len);
	if (!n)
		return 0;
	first = MIN(n, (size_t)(XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons)));
	memcpy(dst, xs_intf->rsp + MASK_XENSTORE_IDX(cons), first);
	memcpy((char *)dst + first, xs_intf->rsp, n - first);
	smp_mb();		/* done reading before the space is given back */
	WRITE_ONCE(xs_intf->rsp_cons, cons + (XENSTORE_RING_IDX)n);
	xs_notify();
	return (int)n;
}

/*
 * Copy up to @len bytes into the request ring.  Returns the bytes
 * written (0: ring full), or -EIO if the indexes make no sense.
 */
static int xs_ring_write(const void *src, size_t len)
{
	XENSTORE_RING_IDX cons = READ_ONCE(xs_intf->req_cons);
	XENSTORE_RING_IDX prod = READ_ONCE(xs_intf->req_prod);
	size_t used, n, first;

	smp_mb();		/* the consumer index before reusing its space */
	used = prod - cons;
	if (used > XENSTORE_RING_SIZE) {
		if (!xs_req_idx_bad)
			pr_err("xenbus: request ring indexes corrupt "
			       "(prod %u cons %u)\n", prod, cons);
		xs_req_idx_bad = true;
		return -EIO;
	}
	xs_req_idx_bad = false;
	n = MIN((size_t)XENSTORE_RING_SIZE - used, len);
	if (!n)
		return 0;
	first = MIN(n, (size_t)(XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod)));
	memcpy(xs_intf->req + MASK_XENSTORE_IDX(prod), src, first);
	memcpy(xs_intf->req, (const char *)src + first, n - first);
	smp_wmb();		/* the bytes before the index that shows them */
	WRITE_ONCE(xs_intf->req_prod, prod + (XENSTORE_RING_IDX)n);
	xs_notify();
	return (int)n;
}

/*
 * Write all of @src, waiting for room until @deadline; *@written counts
 * the bytes that went into the ring.
 */
static int xs_write_all(const void *src, size_t len, u64 deadline,
			size_t *written)
{
	while (len) {
		int n = xs_ring_write(src, len);

		if (n < 0)
			return n;
		if (n) {
			src = (const char *)src + n;
			len -= (size_t)n;
			*written += (size_t)n;
			continue;
		}
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		WRITE_ONCE(xs_space_waiter, kthread_self());
		kthread_wait_ns(XS_WAIT_SLICE_NS);
		WRITE_ONCE(xs_space_waiter, NULL);
	}
	return 0;
}

/* ---- the reader thread --------------------------------------------------- */

/* Fail the request in flight, if any, with @err. */
static void xs_fail_pending(int err)
{
	unsigned long flags;

	spin_lock_irqsave(&xs_reply_lock, flags);
	if (xs_reply.waiting) {
		xs_reply.waiting = false;
		xs_reply.err = err;
		kthread_wake(xs_reply.waiter);
	}
	spin_unlock_irqrestore(&xs_reply_lock, flags);
}

static struct xenbus_watch *find_watch(const char *token);

/*
 * Room for one more event of @w?  Beyond XENBUS_WATCH_MAX_PENDING the
 * event is dropped and counted, the first drop logged; xs_watch_lock held.
 */
static bool watch_take_event(struct xenbus_watch *w)
{
	if (w->nr_pending < XENBUS_WATCH_MAX_PENDING) {
		w->nr_pending++;
		return true;
	}
	if (!w->dropped++)
		pr_warn("xenbus: watch on %s: %u events already pending; dropping further ones (counted)\n",
			w->node, XENBUS_WATCH_MAX_PENDING);
	return false;
}

static void xs_queue_event(struct xs_msg *msg)
{
	struct xenbus_watch *w;
	unsigned long flags;

	if (!xs_watch_event_ok(msg->body, msg->hdr.len)) {
		pr_err("xenbus: malformed watch event (%u bytes) dropped\n",
		       msg->hdr.len);
		kfree(msg);
		return;
	}
	msg->next = NULL;
	spin_lock_irqsave(&xs_watch_lock, flags);
	/* An event of no watch of ours (unregistered since) goes now. */
	w = find_watch(msg->body + strlen(msg->body) + 1);
	if (!w || !watch_take_event(w)) {
		spin_unlock_irqrestore(&xs_watch_lock, flags);
		kfree(msg);
		return;
	}
	if (xs_events_tail)
		xs_events_tail->next = msg;
	else
		xs_events = msg;
	xs_events_tail = msg;
	spin_unlock_irqrestore(&xs_watch_lock, flags);
	kthread_wake(xs_watch_thread);
}

static void xs_deliver_reply(struct xs_msg *msg)
{
	unsigned long flags;

	spin_lock_irqsave(&xs_reply_lock, flags);
	if (xs_reply.waiting && msg->hdr.req_id == xs_reply.req_id) {
		xs_reply.msg = msg;
		xs_reply.waiting = false;
		kthread_wake(xs_reply.waiter);
		msg = NULL;
	}
	spin_unlock_irqrestore(&xs_reply_lock, flags);
	if (msg) {
		pr_warn("xenbus: unexpected reply (type %u, req_id %u) dropped\n",
			msg->hdr.type, msg->hdr.req_id);
		kfree(msg);
	}
}

/*
 * The message being read: its header is collected in @hdr, then the
 * body straight into the message.  Survives across wake-ups, since a
 * message may arrive in several pieces.
 */
static struct {
	struct xsd_sockmsg hdr;
	size_t hdr_got;
	struct xs_msg *msg;
	size_t body_got;
} rd;

/* 1: a message is complete in rd.msg; 0: need more; <0: error. */
static int xs_read_step(void)
{
	int n;

	if (rd.hdr_got < sizeof(rd.hdr)) {
		n = xs_ring_read((char *)&rd.hdr + rd.hdr_got,
				 sizeof(rd.hdr) - rd.hdr_got);
		if (n <= 0)
			return n;
		rd.hdr_got += (size_t)n;
		if (rd.hdr_got < sizeof(rd.hdr))
			return 0;
		/* The header is ours now: check it once, here. */
		if (rd.hdr.len > XENSTORE_PAYLOAD_MAX) {
			pr_err("xenbus: message of %u bytes (type %u) exceeds the "
			       "protocol's %u: xenstore connection unusable\n",
			       rd.hdr.len, rd.hdr.type, XENSTORE_PAYLOAD_MAX);
			return -EPROTO;
		}
	}
	if (!rd.msg) {
		rd.msg = kmalloc(sizeof(*rd.msg) + rd.hdr.len + 1);
		if (!rd.msg)
			return -ENOMEM;
		rd.msg->hdr = rd.hdr;
		rd.body_got = 0;
	}
	if (rd.body_got < rd.hdr.len) {
		n = xs_ring_read(rd.msg->body + rd.body_got, rd.hdr.len - rd.body_got);
		if (n <= 0)
			return n;
		rd.body_got += (size_t)n;
		if (rd.body_got < rd.hdr.len)
			return 0;
	}
	rd.msg->body[rd.hdr.len] = '\0';
	rd.hdr_got = 0;
	return 1;
}

static void xs_dispatch(struct xs_msg *msg)
{
	if (msg->hdr.type == XS_WATCH_EVENT)
		xs_queue_event(msg);
	else
		xs_deliver_reply(msg);
}

static int xs_reader(void *unused)
{
	for (;;) {
		int r = xs_read_step();

		if (r > 0) {
			struct xs_msg *msg = rd.msg;

			rd.msg = NULL;
			xs_dispatch(msg);
			continue;
		}
		if (r == -EPROTO) {
			WRITE_ONCE(xs_broken, true);
			xs_fail_pending(-EIO);
			return 0;
		}
		if (r == -ENOMEM) {
			/* The body stays in the ring until memory is found. */
			pr_warn("xenbus: no memory for a %u-byte message; retrying\n",
				rd.hdr.len);
			kthread_sleep_ns(XS_WAIT_SLICE_NS);
			continue;
		}
		if (r < 0)
			xs_fail_pending(-EIO);
		kthread_wait_ns(XS_IDLE_SLICE_NS);
	}
}

/* ---- requests ------------------------------------------------------------ */

static void xs_lock(void)
{
	while (!spin_trylock(&xs_request_lock))
		kthread_sleep_ns(NSEC_PER_MSEC);
}

static void xs_unlock(void)
{
	spin_unlock(&xs_request_lock);
}

/*
 * Send one request and wait for its reply.  On success *@reply is the
 * reply (kfree() it); XS_ERROR replies become their errno.
 */
static int xs_talk(u32 tx_id, enum xsd_sockmsg_type type,
		   const struct kvec *iov, unsigned int nr_iov,
		   struct xs_msg **reply)
{
	struct xsd_sockmsg hdr = { .type = type, .tx_id = tx_id };
	unsigned long flags;
	struct xs_msg *msg;
	u64 deadline;
	size_t len = 0, written = 0;
	int err;

	if (!READ_ONCE(xs_up))
		return -ENODEV;
	if (READ_ONCE(xs_broken))
		return -EIO;
	for (unsigned int i = 0; i < nr_iov; i++)
		len += iov[i].len;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	hdr.len = (u32)len;

	xs_lock();
	deadline = ktime_get_ns() + XS_REPLY_TIMEOUT_NS;
	hdr.req_id = ++xs_next_req_id;
	spin_lock_irqsave(&xs_reply_lock, flags);
	xs_reply.waiting = true;
	xs_reply.req_id = hdr.req_id;
	xs_reply.waiter = kthread_self();
	xs_reply.msg = NULL;
	xs_reply.err = 0;
	spin_unlock_irqrestore(&xs_reply_lock, flags);

	err = xs_write_all(&hdr, sizeof(hdr), deadline, &written);
	for (unsigned int i = 0; !err && i < nr_iov; i++)
		err = xs_write_all(iov[i].base, iov[i].len, deadline, &written);
	if (err && written) {
		/* Part of a message is in the ring: the stream is lost. */
		pr_err("xenbus: writing request type %u failed: %d; "
		       "xenstore connection unusable\n", type, err);
		WRITE_ONCE(xs_broken, true);
		err = -EIO;
	} else if (err) {
		pr_err("xenbus: request type %u not sent: %d\n", type, err);
	}

	for (;;) {
		spin_lock_irqsave(&xs_reply_lock, flags);
		if (err || !xs_reply.waiting || ktime_get_ns() > deadline) {
			if (!err && xs_reply.waiting)
				err = -ETIMEDOUT;
			else if (!err)
				err = xs_reply.err;
			xs_reply.waiting = false;
			msg = xs_reply.msg;
			xs_reply.msg = NULL;
			spin_unlock_irqrestore(&xs_reply_lock, flags);
			break;
		}
		spin_unlock_irqrestore(&xs_reply_lock, flags);
		kthread_wait_ns(XS_WAIT_SLICE_NS);
	}
	xs_unlock();

	if (err == -ETIMEDOUT)
		pr_err("xenbus: no reply to request type %u within %llu s\n",
		       type, (unsigned long long)(XS_REPLY_TIMEOUT_NS / NSEC_PER_SEC));
	if (err) {
		kfree(msg);
		return err;
	}
	if (msg->hdr.type == XS_ERROR) {
		err = xs_error_to_errno(msg->body, msg->hdr.len);
		kfree(msg);
		return err;
	}
	if (msg->hdr.type != type || msg->hdr.tx_id != tx_id) {
		pr_err("xenbus: reply type %u tx %u to request type %u tx %u\n",
		       msg->hdr.type, msg->hdr.tx_id, type, tx_id);
		kfree(msg);
		return -EIO;
	}
	*reply = msg;
	return 0;
}

/* A request whose reply must be "OK". */
static int xs_talk_ok(u32 tx_id, enum xsd_sockmsg_type type,
		      const struct kvec *iov, unsigned int nr_iov)
{
	struct xs_msg *msg;
	int err = xs_talk(tx_id, type, iov, nr_iov, &msg);

	if (err)
		return err;
	if (msg->hdr.len < 2 || memcmp(msg->body, "OK", 2) ||
	    (msg->hdr.len > 2 && (msg->hdr.len != 3 || msg->body[2]))) {
		pr_err("xenbus: request type %u: reply is not OK\n", type);
		err = -EIO;
	}
	kfree(msg);
	return err;
}

int xs_join(char *buf, size_t len, const char *dir, const char *node)
{
	int n;

	if (!node || !*node)
		n = snprintf(buf, len, "%s", dir);
	else
		n = snprintf(buf, len, "%s/%s", dir, node);
	return n < 0 || (size_t)n >= len ? -E2BIG : 0;
}

/* A path as a request argument, NUL included. */
static int xs_path_arg(char *path, const char *dir, const char *node,
		       struct kvec *v)
{
	int err = xs_join(path, XENBUS_PATH_MAX, dir, node);

	if (err)
		return err;
	v->base = path;
	v->len = strlen(path) + 1;
	return 0;
}

/* ---- the API ----------------------------------------------------------- */

bool xenbus_available(void)
{
	return READ_ONCE(xs_up) && !READ_ONCE(xs_broken);
}

int xenbus_read(struct xenbus_transaction t, const char *dir,
		const char *node, char *buf, size_t len)
{
	char path[XENBUS_PATH_MAX];
	struct xs_msg *msg;
	struct kvec v;
	int err;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	err = xs_path_arg(path, dir, node, &v);
	if (!err)
		err = xs_talk(t.id, XS_READ, &v, 1, &msg);
	if (err)
		return err;
	if (strnlen(msg->body, msg->hdr.len) != msg->hdr.len) {
		pr_err("xenbus: value of %s contains a NUL byte\n", path);
		err = -EINVAL;
	} else if (msg->hdr.len + 1 > len) {
		err = -E2BIG;
	} else {
		memcpy(buf, msg->body, msg->hdr.len + 1);
		err = (int)msg->hdr.len;
	}
	kfree(msg);
	return err;
}

int xenbus_read_uint(struct xenbus_transaction t, const char *dir,
		     const char *node, unsigned int *val)
{
	char buf[16];
	unsigned int v;
	int err = xenbus_read(t, dir, node, buf, sizeof(buf));

	if (err == -E2BIG || (err >= 0 && (err = xs_parse_uint(buf, &v)))) {
		if (err == -E2BIG)
			err = -EINVAL;
		/* Often a backend's node: it may rewrite it at will. */
		pr_err_ratelimited("xenbus: %s%s%s is not a 32-bit decimal number\n",
				   dir, node && *node ? "/" : "", node ? node : "");
		return err;
	}
	if (err < 0)
		return err;
	*val = v;
	return 0;
}

unsigned int xenbus_read_unsigned(const char *dir, const char *node,
				  unsigned int default_val)
{
	unsigned int v;

	return xenbus_read_uint(XBT_NIL, dir, node, &v) ? default_val : v;
}

int xenbus_write(struct xenbus_transaction t, const char *dir,
		 const char *node, const char *string)
{
	char path[XENBUS_PATH_MAX];
	struct kvec v[2];
	int err = xs_path_arg(path, dir, node, &v[0]);

	if (err)
		return err;
	v[1].base = string;
	v[1].len = strlen(string);
	return xs_talk_ok(t.id, XS_WRITE, v, 2);
}

int xenbus_printf(struct xenbus_transaction t, const char *dir,
		  const char *node, const char *fmt, ...)
{
	char buf[257];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	return xenbus_write(t, dir, node, buf);
}

int xenbus_mkdir(struct xenbus_transaction t, const char *dir, const char *node)
{
	char path[XENBUS_PATH_MAX];
	struct kvec v;
	int err = xs_path_arg(path, dir, node, &v);

	return err ? err : xs_talk_ok(t.id, XS_MKDIR, &v, 1);
}

int xenbus_rm(struct xenbus_transaction t, const char *dir, const char *node)
{
	char path[XENBUS_PATH_MAX];
	struct kvec v;
	int err = xs_path_arg(path, dir, node, &v);

	if (!err)
		err = xs_talk_ok(t.id, XS_RM, &v, 1);
	return err == -ENOENT ? 0 : err;
}

int xenbus_directory(struct xenbus_transaction t, const char *dir,
		     const char *node, char *buf, size_t len,
		     unsigned int *num)
{
	char path[XENBUS_PATH_MAX];
	struct xs_msg *msg;
	unsigned int count;
	struct kvec v;
	int err;

	*num = 0;
	err = xs_path_arg(path, dir, node, &v);
	if (!err)
		err = xs_talk(t.id, XS_DIRECTORY, &v, 1, &msg);
	if (err)
		return err;
	err = xs_directory_count(msg->body, msg->hdr.len, &count);
	if (err) {
		pr_err("xenbus: malformed directory listing of %s\n", path);
	} else if (msg->hdr.len > len) {
		err = -E2BIG;
	} else {
		memcpy(buf, msg->body, msg->hdr.len);
		*num = count;
		err = (int)msg->hdr.len;
	}
	kfree(msg);
	return err;
}

bool xenbus_exists(struct xenbus_transaction t, const char *dir,
		   const char *node)
{
	char path[XENBUS_PATH_MAX];
	struct xs_msg *msg;
	struct kvec v;

	if (xs_path_arg(path, dir, node, &v) ||
	    xs_talk(t.id, XS_DIRECTORY, &v, 1, &msg))
		return false;
	kfree(msg);
	return true;
}

int xenbus_transaction_start(struct xenbus_transaction *t)
{
	struct xs_msg *msg;
	struct kvec v = { "", 1 };
	unsigned int id;
	int err = xs_talk(0, XS_TRANSACTION_START, &v, 1, &msg);

	if (err)
		return err;
	if (strnlen(msg->body, msg->hdr.len) + 1 < msg->hdr.len ||
	    kstrtouint(msg->body, 10, &id) || !id) {
		pr_err("xenbus: bad transaction id from xenstored\n");
		err = -EIO;
	} else {
		t->id = id;
	}
	kfree(msg);
	return err;
}

int xenbus_transaction_end(struct xenbus_transaction t, bool abort)
{
	struct kvec v = { abort ? "F" : "T", 2 };

	if (!t.id)
		return -EINVAL;
	return xs_talk_ok(t.id, XS_TRANSACTION_END, &v, 1);
}

/* ---- watches ------------------------------------------------------------- */

bool xs_in_watch_thread(void)
{
	return kthread_self() == READ_ONCE(xs_watch_thread);
}

static struct xenbus_watch *find_watch(const char *token)
{
	for (struct xenbus_watch *w = xs_watches; w; w = w->next)
		if (!strcmp(w->token, token))
			return w;
	return NULL;
}

static int xs_watch_op(enum xsd_sockmsg_type type, struct xenbus_watch *watch)
{
	struct kvec v[2] = {
		{ watch->node, strlen(watch->node) + 1 },
		{ watch->token, strlen(watch->token) + 1 },
	};

	if (v[0].len > XENBUS_PATH_MAX)
		return -E2BIG;
	return xs_talk_ok(0, type, v, 2);
}

int register_xenbus_watch(struct xenbus_watch *watch)
{
	unsigned long flags;
	int err;

	if (!watch->node || !watch->callback || watch->registered)
		return -EINVAL;
	snprintf(watch->token, sizeof(watch->token), "%lx", (unsigned long)watch);
	spin_lock_irqsave(&xs_watch_lock, flags);
	watch->next = xs_watches;
	xs_watches = watch;
	watch->registered = true;
	watch->nr_pending = 0;
	watch->dropped = 0;
	spin_unlock_irqrestore(&xs_watch_lock, flags);

	err = xs_watch_op(XS_WATCH, watch);
	if (err && err != -EEXIST) {
		pr_err("xenbus: watching %s failed: %d\n", watch->node, err);
		unregister_xenbus_watch(watch);
		return err;
	}
	return 0;
}

void unregister_xenbus_watch(struct xenbus_watch *watch)
{
	struct xs_msg **pp, *dead = NULL;
	struct xenbus_watch **wp;
	unsigned long flags;
	bool was = false;
	int err;

	spin_lock_irqsave(&xs_watch_lock, flags);
	for (wp = &xs_watches; *wp; wp = &(*wp)->next) {
		if (*wp == watch) {
			*wp = watch->next;
			was = true;
			break;
		}
	}
	watch->registered = false;
	watch->nr_pending = 0;
	/* Drop its queued events. */
	xs_events_tail = NULL;
	for (pp = &xs_events; *pp;) {
		struct xs_msg *m = *pp;
		const char *tok = m->body + strlen(m->body) + 1;

		if (!strcmp(tok, watch->token)) {
			*pp = m->next;
			m->next = dead;
			dead = m;
		} else {
			xs_events_tail = m;
			pp = &m->next;
		}
	}
	spin_unlock_irqrestore(&xs_watch_lock, flags);
	while (dead) {
		struct xs_msg *m = dead;

		dead = m->next;
		kfree(m);
	}
	if (!was)
		return;
	err = xs_watch_op(XS_UNWATCH, watch);
	if (err && err != -ENOENT)
		pr_warn("xenbus: unwatching %s failed: %d\n", watch->node, err);
	/* Wait out a callback of it in flight, unless we are that callback. */
	if (!xs_in_watch_thread())
		while (READ_ONCE(xs_running_watch) == watch)
			kthread_sleep_ns(NSEC_PER_MSEC);
}

static int xs_watcher(void *unused)
{
	for (;;) {
		struct xenbus_watch *w = NULL;
		unsigned long flags;
		struct xs_msg *m;

		spin_lock_irqsave(&xs_watch_lock, flags);
		m = xs_events;
		if (m) {
			xs_events = m->next;
			if (!xs_events)
				xs_events_tail = NULL;
			w = find_watch(m->body + strlen(m->body) + 1);
			if (w)
				w->nr_pending--;
			WRITE_ONCE(xs_running_watch, w);
		}
		spin_unlock_irqrestore(&xs_watch_lock, flags);
		if (!m) {
			kthread_wait_ns(XS_IDLE_SLICE_NS);
			continue;
		}
		if (w)
			w->callback(w, m->body, m->body + strlen(m->body) + 1);
		WRITE_ONCE(xs_running_watch, NULL);
		kfree(m);
	}
	return 0;
}

/* ---- suspend and resume ---------------------------------------------------- */

void xenbus_suspend(void)
{
	if (READ_ONCE(xs_up))
		xs_lock();
}

static void xs_unlock_requests(void)
{
	if (READ_ONCE(xs_up))
		xs_unlock();
}

void xenbus_resume_cancelled(void)
{
	xs_unlock_requests();
}

/*
 * The new domain's store port.  A reply xenstored wrote before the save
 * belongs to no request any more (none is in flight: xenbus_suspend()
 * held them back), so unread responses are dropped.
 */
int xenbus_resume_channels(void)
{
	XENSTORE_RING_IDX prod;

	if (!READ_ONCE(xs_up))
		return 0;
	xs_port = xen_platform_info()->store_evtchn;
	prod = READ_ONCE(xs_intf->rsp_prod);
	if (prod != READ_ONCE(xs_intf->rsp_cons)) {
		pr_warn("xenbus: %u stale response bytes dropped after restore\n",
			(unsigned int)(prod - xs_intf->rsp_cons));
		WRITE_ONCE(xs_intf->rsp_cons, prod);
	}
	xenbus_devices_channels_lost();
	if (xen_bind_evtchn(xs_port, 0, xs_event, NULL)) {
		pr_err("xenbus: store port %u not bound after restore\n", xs_port);
		return -EIO;
	}
	return 0;
}

/*
 * xenstored forgot our watches with the old domain: register each again
 * (each fires once, as at first registration).
 */
static void xs_watch_all_again(void)
{
	for (struct xenbus_watch *w = READ_ONCE(xs_watches); w; w = w->next) {
		int err = xs_watch_op(XS_WATCH, w);

		if (err && err != -EEXIST)
			pr_err("xenbus: watching %s again failed: %d\n", w->node, err);
	}
}

void xenbus_resume(void)
{
	if (!READ_ONCE(xs_up))
		return;
	xs_unlock_requests();
	xenbus_devices_resume();
	xs_watch_all_again();
}

/* ---- set-up -------------------------------------------------------------- */

/**
 * xs_init - connect to xenstore through the ring the platform found
 *
 * Returns 0, -ENODEV when there is no store ring (dom0, where pvk has
 * no xenstored, or a ring the platform refused), or another errno
 * (logged).
 */
int xs_init(void)
{
	const struct xen_platform_info *info = xen_platform_info();
	unsigned long pfn = info->store_pfn;

	if (pfn == XEN_NO_PFN)
		return -ENODEV;
	xs_intf = xen_platform_map_ring(pfn);
	if (!xs_intf) {
		pr_err("xenbus: cannot map the store ring at pfn %#lx\n", pfn);
		return -ENOMEM;
	}
	xs_port = info->store_evtchn;
	if ((XENSTORE_RING_IDX)(xs_intf->req_prod - xs_intf->req_cons) > XENSTORE_RING_SIZE ||
	    (XENSTORE_RING_IDX)(xs_intf->rsp_prod - xs_intf->rsp_cons) > XENSTORE_RING_SIZE) {
		pr_err("xenbus: store ring indexes corrupt at start\n");
		return -EIO;
	}
	xs_reader_thread = kthread_run(xs_reader, NULL, "xenbus", 0);
	xs_watch_thread = kthread_run(xs_watcher, NULL, "xenwatch", 0);
	if (!xs_reader_thread || !xs_watch_thread) {
		pr_err("xenbus: cannot start the xenbus threads\n");
		return -ENOMEM;
	}
	if (xen_bind_evtchn(xs_port, 0, xs_event, NULL))
		return -EIO;
	WRITE_ONCE(xs_up, true);
	pr_info("xenbus: xenstore ring at pfn %#lx, port %u\n", pfn, xs_port);
	return 0;
}
