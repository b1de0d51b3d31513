// SPDX-License-Identifier: MIT
/*
 * Xen console frontend for the secondary PV consoles, device/console/N
 * (API: include/xen/console-front.h).
 *
 * The primary console of a domain is the ring the platform names
 * (console.c, include/xen/platform_info.h); every further one is a
 * xenbus device.  libxl makes one
 * for each xl `channel`, numbered from 1 in config order, and writes in
 * its frontend directory what the backend needs besides the ring:
 * "name" (the channel's name=), "type" ("ioemu"), "output" ("pty", or
 * "chardev:libxl-channelN" for connection=socket), "limit", "tty" and
 * "protocol".  xenconsoled serves only the primary console, so for a
 * channel libxl starts QEMU as the guest's device model.  Its console
 * backend reads "ring-ref" (a grant reference of the ring page) and
 * "port" (an event channel allocated for the backend's domain) from the
 * frontend directory, maps the page, binds the port, and proxies the
 * ring to the unix socket it listens on (connection=socket: a program
 * in dom0 connects as a client) or to a pty.
 *
 * That backend does not look at the frontend's state, only at ring-ref
 * and port, so both are written in one transaction and never seen one
 * without the other; they are removed again when the connection is torn
 * down, so a backend that comes back never maps a grant that was
 * revoked (or handed out again).  The state machine is the one of the
 * other frontends: backend InitWait -> ring, port, Initialised; backend
 * Connected -> Connected; backend Closing/Closed -> tear down, Closed;
 * the xenbus core restarts it when the backend returns.  After a
 * restore the old ring and port are dropped without a word to the old
 * backend (gone with the old domain) and the channel connects to the
 * new one the same way.
 *
 * The ring page (struct xencons_interface) is the backend's to write
 * too.  pvk keeps its own copies of the indexes it owns (out_prod,
 * in_cons) and reads the backend's (out_cons, in_prod) once per round;
 * a producer/consumer distance larger than the ring breaks the channel
 * with one log line, and nothing outside the two ring arrays is read or
 * written.  Every wait is bounded by the caller's timeout, so a backend
 * that is gone or stuck never hangs a writer.
 *
 * Locking: ch->lock, taken with events off, guards the ring, the
 * indexes, the flags and the waiter pointers; the event handler only
 * wakes the waiters.  Probe, connect, tear-down and remove run in the
 * xenwatch thread.  A channel is reference-counted: the device list
 * holds one reference and each xencons_get() another, so a caller's
 * channel outlives its device (calls then fail with -ENODEV).
 */
#define pr_fmt(fmt) "console-front: " fmt

#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <asm/processor.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include "console-front-internal.h"

#define XS_RETRIES	10			/* transaction conflicts in a row */
#define WAIT_SLICE_NS	(50 * NSEC_PER_MSEC)	/* re-check without a wake-up */
#define XFER_MAX	0x7fffffffUL		/* bytes per call, fits a long */

struct xencons_channel {
	char name[XENCONS_NAME_MAX];
	char nodename[XENBUS_PATH_MAX];	/* for logs */
	struct xenbus_device *xbdev;	/* NULL: not on xenbus, or removed */
	spinlock_t lock;
	struct xencons_interface *intf;	/* NULL: not set up */
	grant_ref_t ring_ref;		/* INVALID_GRANT_REF: not granted */
	evtchn_port_t evtchn;		/* 0: none */
	XENCONS_RING_IDX out_prod;	/* ours: never read back from the page */
	XENCONS_RING_IDX in_cons;	/* ours: never read back from the page */
	bool backend_connected;		/* both ends Connected */
	bool broken;			/* the backend corrupted an index */
	bool gone;			/* the device was removed */
	struct thread *reader, *writer, *state_waiter;
	unsigned int refs;
	struct xencons_channel *next;
};

static struct xencons_channel *channels;
static DEFINE_SPINLOCK(channels_lock);
static unsigned int nr_refused;

/* ---- channels and references ------------------------------------------- */

/**
 * xencons_chan_alloc - a channel with one reference, on no list yet
 * @name: its name
 * @nodename: where it comes from, for the log
 */
struct xencons_channel *xencons_chan_alloc(const char *name, const char *nodename)
{
	struct xencons_channel *ch = kzalloc(sizeof(*ch));

	if (!ch)
		return NULL;
	strlcpy(ch->name, name, sizeof(ch->name));
	strlcpy(ch->nodename, nodename, sizeof(ch->nodename));
	spin_lock_init(&ch->lock);
	ch->ring_ref = INVALID_GRANT_REF;
	ch->refs = 1;
	return ch;
}

struct xencons_channel *xencons_get(const char *name)
{
	struct xencons_channel *ch;
	unsigned long flags;

	spin_lock_irqsave(&channels_lock, flags);
	for (ch = channels; ch; ch = ch->next)
		if (!strcmp(ch->name, name))
			break;
	if (ch)
		__atomic_fetch_add(&ch->refs, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&channels_lock, flags);
	return ch;
}

void xencons_put(struct xencons_channel *ch)
{
	if (ch && !__atomic_sub_fetch(&ch->refs, 1, __ATOMIC_ACQ_REL))
		kfree(ch);
}

const char *xencons_name(const struct xencons_channel *ch)
{
	return ch->name;
}

unsigned int xencons_nr_refused(void)
{
	return __atomic_load_n(&nr_refused, __ATOMIC_RELAXED);
}

bool xencons_broken(const struct xencons_channel *ch)
{
	return READ_ONCE(ch->broken);
}

/* With ch->lock held: whoever waits on the channel re-checks it. */
static void wake_all(struct xencons_channel *ch)
{
	kthread_wake(ch->reader);
	kthread_wake(ch->writer);
	kthread_wake(ch->state_waiter);
}

/* ---- the rings ----------------------------------------------------------- */

/* With ch->lock held: a backend index is impossible; stop for good. */
static void chan_break(struct xencons_channel *ch, const char *ring,
		       XENCONS_RING_IDX prod, XENCONS_RING_IDX cons,
		       size_t size)
{
	if (ch->broken)
		return;
	ch->broken = true;
	pr_err("%s (%s): backend corrupted the %s ring: producer %u, consumer %u (%u apart, the ring holds %zu); channel stopped\n",
	       ch->name, ch->nodename, ring, prod, cons, prod - cons, size);
	wake_all(ch);
}

static void notify_backend(struct xencons_channel *ch)
{
	if (ch->evtchn)
		xen_evtchn_notify(ch->evtchn);
}

/* With ch->lock held: copy what fits of @buf into out; bytes or -EIO. */
static long out_round(struct xencons_channel *ch, const char *buf, size_t len)
{
	struct xencons_interface *intf = ch->intf;
	XENCONS_RING_IDX prod = ch->out_prod, cons;
	size_t n, i;

	cons = READ_ONCE(intf->out_cons);
	smp_mb();	/* the index before reusing the slots it frees */
	if (prod - cons > sizeof(intf->out)) {
		chan_break(ch, "out", prod, cons, sizeof(intf->out));
		return -EIO;
	}
	n = MIN(sizeof(intf->out) - (prod - cons), len);
	for (i = 0; i < n; i++)
		intf->out[MASK_XENCONS_IDX(prod++, intf->out)] = buf[i];
	smp_wmb();	/* the bytes before the index that shows them */
	WRITE_ONCE(intf->out_prod, prod);
	ch->out_prod = prod;
	return (long)n;
}

/* With ch->lock held: take up to @len bytes from in; bytes or -EIO. */
static long in_round(struct xencons_channel *ch, char *buf, size_t len)
{
	struct xencons_interface *intf = ch->intf;
	XENCONS_RING_IDX cons = ch->in_cons, prod;
	size_t n, i;

	prod = READ_ONCE(intf->in_prod);
	smp_rmb();	/* the index before the bytes it covers */
	if (prod - cons > sizeof(intf->in)) {
		chan_break(ch, "in", prod, cons, sizeof(intf->in));
		return -EIO;
	}
	n = MIN((size_t)(prod - cons), len);
	for (i = 0; i < n; i++)
		buf[i] = READ_ONCE(intf->in[MASK_XENCONS_IDX(cons++, intf->in)]);
	smp_mb();	/* done with the slots before handing them back */
	WRITE_ONCE(intf->in_cons, cons);
	ch->in_cons = cons;
	return (long)n;
}

/* With ch->lock held: 0 if the ring can be used, else why not. */
static int chan_usable(const struct xencons_channel *ch)
{
	if (ch->gone)
		return -ENODEV;
	if (ch->broken)
		return -EIO;
	return ch->intf ? 0 : -ENOTCONN;
}

/*
 * Move bytes until @len are done (write) or some are (read), waiting
 * for room, data or a connection until @timeout_ms is over.
 */
static long xfer(struct xencons_channel *ch, char *buf, size_t len,
		 unsigned int timeout_ms, bool write)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;
	struct thread **waiter = write ? &ch->writer : &ch->reader;
	struct thread *self = kthread_self();
	unsigned long flags;
	size_t done = 0;
	long ret = 0;
	u64 now;

	len = MIN(len, (size_t)XFER_MAX);
	while (done < len) {
		spin_lock_irqsave(&ch->lock, flags);
		ret = chan_usable(ch);
		if (!ret)
			ret = write ? out_round(ch, buf + done, len - done) :
				      in_round(ch, buf + done, len - done);
		if (ret > 0)
			notify_backend(ch);
		else if (ret == 0 || ret == -ENOTCONN)
			*waiter = self;
		spin_unlock_irqrestore(&ch->lock, flags);
		if (ret > 0) {
			done += (size_t)ret;
			if (!write)
				break;
			continue;
		}
		if (ret && ret != -ENOTCONN)
			break;
		now = ktime_get_ns();
		if (now >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		kthread_wait_ns(MIN(deadline - now, WAIT_SLICE_NS));
	}
	spin_lock_irqsave(&ch->lock, flags);
	if (*waiter == self)
		*waiter = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	return done ? (long)done : ret;
}

long xencons_write(struct xencons_channel *ch, const void *buf, size_t len,
		   unsigned int timeout_ms)
{
	return xfer(ch, (char *)buf, len, timeout_ms, true);
}

long xencons_read(struct xencons_channel *ch, void *buf, size_t len,
		  unsigned int timeout_ms)
{
	return xfer(ch, buf, len, timeout_ms, false);
}

int xencons_wait_connected(struct xencons_channel *ch, unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;
	struct thread *self = kthread_self();
	unsigned long flags;
	int err;
	u64 now;

	for (;;) {
		spin_lock_irqsave(&ch->lock, flags);
		err = chan_usable(ch);
		if (!err && !ch->backend_connected)
			err = -ENOTCONN;
		if (err == -ENOTCONN)
			ch->state_waiter = self;
		spin_unlock_irqrestore(&ch->lock, flags);
		if (err != -ENOTCONN)
			break;
		now = ktime_get_ns();
		if (now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		kthread_wait_ns(MIN(deadline - now, WAIT_SLICE_NS));
	}
	spin_lock_irqsave(&ch->lock, flags);
	if (ch->state_waiter == self)
		ch->state_waiter = NULL;
	spin_unlock_irqrestore(&ch->lock, flags);
	return err;
}

static void xencons_interrupt(unsigned int port, void *data,
			      struct pt_regs *regs)
{
	struct xencons_channel *ch = data;
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	kthread_wake(ch->reader);
	kthread_wake(ch->writer);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/* ---- connecting ------------------------------------------------------------ */

/* ring-ref and port, together or not at all. */
static int write_ring_nodes(struct xenbus_device *dev, grant_ref_t ref,
			    evtchn_port_t port)
{
	struct xenbus_transaction t;
	int err = 0;

	for (unsigned int i = 0; i < XS_RETRIES; i++) {
		err = xenbus_transaction_start(&t);
		if (err)
			break;
		err = xenbus_printf(t, dev->nodename, "ring-ref", "%u", ref) ?:
		      xenbus_printf(t, dev->nodename, "port", "%u", port);
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
		if (err != -EAGAIN)
			break;
	}
	if (err)
		xenbus_dev_fatal(dev, err, "writing ring-ref and port");
	return err;
}

/*
 * With nothing connected any more, take the ring, its grant and its
 * port off the channel (writers and readers then wait for a new one);
 * returns the ring, NULL when there was none.
 */
static void *chan_take_ring(struct xencons_channel *ch, grant_ref_t *ref,
			    evtchn_port_t *port)
{
	unsigned long flags;
	void *ring;

	spin_lock_irqsave(&ch->lock, flags);
	ring = ch->intf;
	*ref = ch->ring_ref;
	*port = ch->evtchn;
	ch->intf = NULL;
	ch->ring_ref = INVALID_GRANT_REF;
	ch->evtchn = 0;
	ch->backend_connected = false;
	wake_all(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
	return ring;
}

/*
 * Everything chan_connect() set up undone; safe on a half-made or idle
 * channel.  The nodes go before the grant, so no backend finds a
 * ring-ref that is no longer ours.
 */
/**
 * xencons_chan_disconnect - take the ring back and unbind the port
 * @ch: the channel; nothing happens if it has no ring
 */
void xencons_chan_disconnect(struct xencons_channel *ch)
{
	grant_ref_t ref;
	evtchn_port_t port;
	void *ring;

	ring = chan_take_ring(ch, &ref, &port);
	if (!ring)
		return;
	if (port)
		xen_unbind(port);	/* also waits out a running handler */
	if (ch->xbdev && (xenbus_rm(XBT_NIL, ch->xbdev->nodename, "ring-ref") ||
			  xenbus_rm(XBT_NIL, ch->xbdev->nodename, "port")))
		pr_err("%s (%s): could not remove ring-ref and port\n", ch->name,
		       ch->nodename);
	xenbus_teardown_ring(&ring, 1, &ref);
}

/**
 * xencons_chan_set_ring - give @ch its ring page
 * @ch: a channel without one
 * @ring: the page, zeroed
 * @ref: its grant to the backend (INVALID_GRANT_REF: not granted)
 * @port: the bound event channel (0: none, nobody is notified)
 *
 * Bytes written from now on wait in the ring for the backend.
 */
void xencons_chan_set_ring(struct xencons_channel *ch, void *ring,
			   grant_ref_t ref, evtchn_port_t port)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->intf = ring;
	ch->ring_ref = ref;
	ch->evtchn = port;
	ch->out_prod = 0;
	ch->in_cons = 0;
	ch->broken = false;
	wake_all(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/**
 * xencons_chan_backend_up - the backend is Connected: data may flow
 * @ch: a channel with a ring
 */
void xencons_chan_backend_up(struct xencons_channel *ch)
{
	unsigned long flags;

	spin_lock_irqsave(&ch->lock, flags);
	ch->backend_connected = true;
	wake_all(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
}

/* Backend in InitWait: a ring page, its grant and a port, published. */
static int chan_connect(struct xencons_channel *ch)
{
	struct xenbus_device *dev = ch->xbdev;
	grant_ref_t ref;
	evtchn_port_t port;
	void *ring;
	int err;

	err = xenbus_setup_ring(dev, 1, &ring, &ref);
	if (err)
		return err;
	err = xenbus_alloc_evtchn(dev, &port);
	if (err) {
		xenbus_teardown_ring(&ring, 1, &ref);
		return err;
	}
	err = xen_bind_evtchn(port, XEN_EVTCHN_ANY_CPU, xencons_interrupt, ch);
	if (err) {
		xenbus_dev_fatal(dev, err, "binding event channel %u", port);
		xenbus_free_evtchn(dev, port);
		xenbus_teardown_ring(&ring, 1, &ref);
		return err;
	}
	xencons_chan_set_ring(ch, ring, ref, port);
	err = write_ring_nodes(dev, ref, port);
	if (err) {
		xencons_chan_disconnect(ch);
		return err;
	}
	pr_info("%s (%s): ring-ref %u port %u for backend %s (domain %u)\n",
		ch->name, ch->nodename, ref, port, dev->otherend,
		dev->otherend_id);
	return 0;
}

/* ---- xenbus driver --------------------------------------------------------- */

static const char *path_leaf(const char *path)
{
	const char *leaf = path;

	for (const char *c = path; *c; c++)
		if (*c == '/')
			leaf = c + 1;
	return leaf;
}

/* Printable ASCII without spaces, as xl channel names are. */
static bool name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const char *c = name; *c; c++)
		if (*c <= ' ' || *c > '~')
			return false;
	return true;
}

static int refuse(struct xenbus_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A device pvk cannot use: say why, count it, leave it alone. */
static int refuse(struct xenbus_device *dev, int err, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s refused: %s\n", dev->nodename, msg);
	__atomic_fetch_add(&nr_refused, 1, __ATOMIC_RELAXED);
	return err;
}

static int xencons_probe(struct xenbus_device *dev)
{
	const char *id = path_leaf(dev->nodename);
	struct xencons_channel *ch, *other;
	char name[XENCONS_NAME_MAX];
	unsigned long flags;
	unsigned int devid;
	int err;

	if (kstrtouint(id, 10, &devid))
		return refuse(dev, -EINVAL, "device id is not a number");
	if (!devid)
		return refuse(dev, -EINVAL,
			      "console 0 is the primary console, which start_info gives");
	err = xenbus_read(XBT_NIL, dev->nodename, "name", name, sizeof(name));
	if (err == -ENOENT)
		return refuse(dev, err, "no name node (every xl channel has one)");
	if (err < 0)
		return refuse(dev, err, "name node unreadable or longer than %u bytes (%d)",
			      XENCONS_NAME_MAX - 1, err);
	if (!name_ok(name))
		return refuse(dev, -EINVAL,
			      "name is empty or not printable ASCII without spaces");
	ch = xencons_chan_alloc(name, dev->nodename);
	if (!ch) {
		pr_err("%s: no memory for the channel\n", dev->nodename);
		return -ENOMEM;
	}
	ch->xbdev = dev;
	spin_lock_irqsave(&channels_lock, flags);
	for (other = channels; other; other = other->next)
		if (!strcmp(other->name, name))
			break;
	if (!other) {
		ch->next = channels;
		channels = ch;
	}
	spin_unlock_irqrestore(&channels_lock, flags);
	if (other) {
		xencons_put(ch);
		return refuse(dev, -EEXIST, "name %s is already %s's", name,
			      other->nodename);
	}
	dev->priv = ch;
	pr_info("%s (%s): found, backend %s\n", name, dev->nodename, dev->otherend);
	return 0;
}

static void xencons_otherend_changed(struct xenbus_device *dev,
				     enum xenbus_state state)
{
	struct xencons_channel *ch = dev->priv;

	switch (state) {
	case XenbusStateInitWait:
		if (dev->state != XenbusStateInitialising)
			break;
		if (!chan_connect(ch))
			xenbus_switch_state(dev, XenbusStateInitialised);
		break;
	case XenbusStateConnected:
		/* A backend that claims a ring pvk never gave it is ignored. */
		if (!READ_ONCE(ch->intf) || xenbus_switch_state(dev, XenbusStateConnected))
			break;
		xencons_chan_backend_up(ch);
		pr_info("%s (%s): connected\n", ch->name, ch->nodename);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (dev->state == XenbusStateClosed)
			break;
		xencons_chan_disconnect(ch);
		xenbus_frontend_closed(dev);
		pr_info("%s (%s): backend %s; closed\n", ch->name, ch->nodename,
			xenbus_strstate(state));
		break;
	default:
		break;
	}
}

static void xencons_remove(struct xenbus_device *dev)
{
	struct xencons_channel *ch = dev->priv, **pp;
	unsigned long flags;

	if (!ch)
		return;
	xencons_chan_disconnect(ch);
	spin_lock_irqsave(&channels_lock, flags);
	for (pp = &channels; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	spin_unlock_irqrestore(&channels_lock, flags);
	spin_lock_irqsave(&ch->lock, flags);
	ch->gone = true;
	ch->xbdev = NULL;
	wake_all(ch);
	spin_unlock_irqrestore(&ch->lock, flags);
	dev->priv = NULL;
	pr_info("%s (%s): removed\n", ch->name, ch->nodename);
	xencons_put(ch);
}

/*
 * Restored into a new domain: the port went with the old one, so its
 * number is forgotten (never closed: it may name a port of the new
 * domain), and nothing more goes into the old ring, which no backend
 * reads any more.  Events off, the other vCPUs parked: no sleeping.
 */
void xencons_channels_lost(struct xenbus_device *dev)
{
	struct xencons_channel *ch = dev->priv;
	unsigned long flags;

	if (!ch)
		return;
	spin_lock_irqsave(&ch->lock, flags);
	ch->evtchn = 0;
	ch->backend_connected = false;
	spin_unlock_irqrestore(&ch->lock, flags);
}

/*
 * Then the old ring goes: its grant ends at once (the new table is
 * empty), and its ring-ref and port nodes were the old domain's (the
 * toolstack wrote the new device directory without them).  Bytes still
 * in it are lost with the old backend, as on a real line; callers wait
 * for the new connection, which the xenbus core starts from
 * Initialising when the new backend is in InitWait.
 */
void xencons_resume(struct xenbus_device *dev)
{
	struct xencons_channel *ch = dev->priv;
	evtchn_port_t port;
	grant_ref_t ref;
	void *ring;

	if (!ch)
		return;
	ring = chan_take_ring(ch, &ref, &port);
	if (ring)
		xenbus_teardown_ring(&ring, 1, &ref);
	pr_info("%s (%s): restored; reconnecting\n", ch->name, ch->nodename);
}

static struct xenbus_driver xencons_driver = {
	.type = "console",
	.probe = xencons_probe,
	.otherend_changed = xencons_otherend_changed,
	.remove = xencons_remove,
	.channels_lost = xencons_channels_lost,
	.resume = xencons_resume,
};
XENBUS_FRONTEND(xencons_driver);
