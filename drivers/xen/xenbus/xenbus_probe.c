// SPDX-License-Identifier: MIT
/*
 * Frontend devices and drivers on xenbus (API: include/xen/xenbus.h).
 *
 * Each registered driver watches device/<type>.  xenstored fires a watch
 * once when it is set and then on every change below it; a change at
 * device/<type> or device/<type>/<id> (a device appearing or going) makes
 * the core list device/<type> again, probe the new ids and remove the
 * vanished ones.  A probed device gets a watch on <backend>/state; its
 * callback turns each state change into one otherend_changed() call.
 *
 * Everything a driver sees runs in the xenwatch thread, one callback at
 * a time, so driver callbacks need no locking against each other.
 * The device list is touched by xenwatch and by register/unregister,
 * under a spinlock that is never held across a callback or a request.
 *
 * The values read from xenstore are the toolstack's and the backend's:
 * the backend path must lie below /local/domain/<N>/, the
 * backend-id and states must be numbers in range; a device with bad
 * values is reported and left unprobed.
 */
#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include <pvk/mm.h>
#include <pvk/ratelimit.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include <xen/xenbus.h>
#include "xenbus_internal.h"

#define SWITCH_RETRIES	10
#define DIR_BUF		1024
/* How long a backend gets to close at shutdown (Linux: 5 s as well). */
#define SHUTDOWN_CLOSE_MS	5000

static struct xenbus_driver *drivers;
static struct xenbus_device *devices;
static DEFINE_SPINLOCK(bus_lock);
/* xenbus_shutdown_devices() began: no probes, no reconnects. */
static bool shutting_down;

extern struct xenbus_driver *const __xenbus_frontends_start[];
extern struct xenbus_driver *const __xenbus_frontends_end[];

static const char *const state_names[] = {
	[XenbusStateUnknown] = "Unknown",
	[XenbusStateInitialising] = "Initialising",
	[XenbusStateInitWait] = "InitWait",
	[XenbusStateInitialised] = "Initialised",
	[XenbusStateConnected] = "Connected",
	[XenbusStateClosing] = "Closing",
	[XenbusStateClosed] = "Closed",
	[XenbusStateReconfiguring] = "Reconfiguring",
	[XenbusStateReconfigured] = "Reconfigured",
};

const char *xenbus_strstate(enum xenbus_state state)
{
	return (unsigned int)state < ARRAY_SIZE(state_names) ? state_names[state] :
	       "invalid";
}

/* ---- states ---------------------------------------------------------- */

enum xenbus_state xenbus_read_otherend_state(struct xenbus_device *dev)
{
	unsigned int v;

	if (xenbus_read_uint(XBT_NIL, dev->otherend, "state", &v) ||
	    v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (enum xenbus_state)v;
}

int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state)
{
	struct xenbus_transaction t;
	int err = 0;

	if (state == dev->state)
		return 0;
	/*
	 * In a transaction that first checks the node exists, so a device
	 * the toolstack already removed is not brought back half-made.
	 */
	for (unsigned int i = 0; i < SWITCH_RETRIES; i++) {
		err = xenbus_transaction_start(&t);
		if (err)
			break;
		if (!xenbus_exists(t, dev->nodename, "state")) {
			xenbus_transaction_end(t, true);
			err = -ENOENT;
			break;
		}
		err = xenbus_printf(t, dev->nodename, "state", "%d", state);
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
		if (err != -EAGAIN)
			break;
	}
	if (err) {
		pr_err("xenbus: %s: switching to %s failed: %d\n", dev->nodename,
		       xenbus_strstate(state), err);
		return err;
	}
	dev->state = state;
	return 0;
}

int xenbus_frontend_closed(struct xenbus_device *dev)
{
	return xenbus_switch_state(dev, XenbusStateClosed);
}

int xenbus_wait_for_otherend(struct xenbus_device *dev, u32 state_mask,
			     unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;
	enum xenbus_state s;

	if (xs_in_watch_thread()) {
		pr_err("xenbus: %s: waiting for the backend from a xenbus "
		       "callback would deadlock\n", dev->nodename);
		return -EINVAL;
	}
	WRITE_ONCE(dev->waiter, kthread_self());
	for (;;) {
		s = READ_ONCE(dev->otherend_state);
		if (state_mask & XENBUS_STATE_BIT(s))
			break;
		if (ktime_get_ns() >= deadline) {
			/* The watch may lag: one last look at the node itself. */
			s = xenbus_read_otherend_state(dev);
			if (!(state_mask & XENBUS_STATE_BIT(s)))
				s = (enum xenbus_state)-1;
			break;
		}
		kthread_wait_ns(100 * NSEC_PER_MSEC);
	}
	WRITE_ONCE(dev->waiter, NULL);
	return (int)s < 0 ? -ETIMEDOUT : (int)s;
}

/* Watch on <otherend>/state: one otherend_changed() per change. */
static void otherend_changed(struct xenbus_watch *watch, const char *path,
			     const char *token)
{
	struct xenbus_device *dev = container_of(watch, struct xenbus_device,
						 otherend_watch);
	enum xenbus_state state = xenbus_read_otherend_state(dev);

	if (state == dev->otherend_state)
		return;
	/* A backend can flip its state node as fast as xenstored lets it. */
	pr_info_ratelimited("xenbus: %s: backend %s -> %s\n", dev->nodename,
		xenbus_strstate(dev->otherend_state), xenbus_strstate(state));
	WRITE_ONCE(dev->otherend_state, state);
	kthread_wake(READ_ONCE(dev->waiter));
	if (!dev->probed || !dev->driver->otherend_changed)
		return;
	/* The backend came back after we closed: start over. */
	if ((state == XenbusStateInitWait || state == XenbusStateInitialising) &&
	    dev->state == XenbusStateClosed) {
		if (READ_ONCE(shutting_down))
			return;
		pr_info_ratelimited("xenbus: %s: backend is back; reconnecting\n",
				    dev->nodename);
		if (xenbus_switch_state(dev, XenbusStateInitialising))
			return;
	}
	dev->driver->otherend_changed(dev, state);
}

/* ---- probing ----------------------------------------------------------- */

/*
 * /local/domain/<digits>/<more>: printable, no "..", no "//", no
 * trailing '/'.  (Normally .../backend/<type>/<domid>/<id>; the
 * self-test's fake backend lives in the test domain's data/.)
 */
static bool backend_path_ok(const char *p)
{
	const char *prefix = "/local/domain/";
	size_t n = strlen(prefix);

	if (strncmp(p, prefix, n) || !(p[n] >= '0' && p[n] <= '9'))
		return false;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (p[n] != '/' || !p[n + 1])
		return false;
	for (const char *c = p; *c; c++) {
		if (*c <= ' ' || *c > '~')
			return false;
		if (c[0] == '/' && (c[1] == '/' || c[1] == '\0'))
			return false;
		if (c[0] == '.' && c[1] == '.')
			return false;
	}
	return true;
}

static struct xenbus_device *new_device(struct xenbus_driver *drv,
					const char *id)
{
	struct xenbus_device *dev = kzalloc(sizeof(*dev));
	unsigned int backend_id;
	int err;

	if (!dev)
		return NULL;
	dev->devicetype = drv->type;
	dev->driver = drv;
	dev->state = XenbusStateInitialising;
	dev->otherend_state = XenbusStateUnknown;
	if (xs_join(dev->nodename, sizeof(dev->nodename), drv->watch_node, id)) {
		pr_err("xenbus: device id %s too long\n", id);
		return dev;
	}
	err = xenbus_read(XBT_NIL, dev->nodename, "backend", dev->otherend,
			  sizeof(dev->otherend));
	if (err < 0 || !backend_path_ok(dev->otherend)) {
		pr_err("xenbus: %s: bad or missing backend path (%d)\n",
		       dev->nodename, err);
		dev->otherend[0] = '\0';
		return dev;
	}
	err = xenbus_read_uint(XBT_NIL, dev->nodename, "backend-id", &backend_id);
	if (err || backend_id >= DOMID_FIRST_RESERVED) {
		pr_err("xenbus: %s: bad or missing backend-id (%d)\n",
		       dev->nodename, err);
		return dev;
	}
	dev->otherend_id = (domid_t)backend_id;
	err = drv->probe(dev);
	if (err) {
		pr_err("xenbus: %s: probe failed: %d\n", dev->nodename, err);
		return dev;
	}
	dev->probed = true;
	if (xs_join(dev->otherend_watch_node, sizeof(dev->otherend_watch_node),
		    dev->otherend, "state")) {
		xenbus_dev_fatal(dev, -E2BIG, "backend path too long");
		return dev;
	}
	dev->otherend_watch.node = dev->otherend_watch_node;
	dev->otherend_watch.callback = otherend_changed;
	err = register_xenbus_watch(&dev->otherend_watch);
	if (err)
		xenbus_dev_fatal(dev, err, "watching the backend state");
	return dev;
}

static void remove_device(struct xenbus_device *dev)
{
	if (dev->otherend_watch.registered)
		unregister_xenbus_watch(&dev->otherend_watch);
	if (dev->probed && dev->driver->remove)
		dev->driver->remove(dev);
	pr_info("xenbus: %s removed\n", dev->nodename);
	kfree(dev);
}

/*
 * Take @drv's devices (with @only_unseen, those its last scan did not
 * find) off the list under the lock, then remove them outside it: a
 * driver's remove() may talk to xenstore.
 */
static void remove_driver_devices(struct xenbus_driver *drv, bool only_unseen)
{
	struct xenbus_device *gone = NULL, **pp;
	unsigned long flags;

	spin_lock_irqsave(&bus_lock, flags);
	for (pp = &devices; *pp;) {
		struct xenbus_device *d = *pp;

		if (d->driver == drv && !(only_unseen && d->seen)) {
			*pp = d->next;
			d->next = gone;
			gone = d;
		} else {
			pp = &d->next;
		}
	}
	spin_unlock_irqrestore(&bus_lock, flags);
	while (gone) {
		struct xenbus_device *d = gone;

		gone = d->next;
		remove_device(d);
	}
}

static struct xenbus_device *find_device(const char *nodename)
{
	for (struct xenbus_device *d = devices; d; d = d->next)
		if (!strcmp(d->nodename, nodename))
			return d;
	return NULL;
}

static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 32)
		return false;
	for (const char *c = id; *c; c++)
		if (*c == '/' || *c <= ' ' || *c > '~')
			return false;
	return true;
}

/* List device/<type> and bring the device list in line with it. */
static void scan_driver(struct xenbus_driver *drv)
{
	char *names = kmalloc(DIR_BUF);
	unsigned long flags;
	unsigned int num = 0;
	const char *id;
	int err;

	if (!names)
		return;
	err = xenbus_directory(XBT_NIL, drv->watch_node, NULL, names, DIR_BUF, &num);
	if (err < 0 && err != -ENOENT) {
		pr_err("xenbus: listing %s failed: %d\n", drv->watch_node, err);
		kfree(names);
		return;
	}
	if (err < 0)
		num = 0;
	spin_lock_irqsave(&bus_lock, flags);
	for (struct xenbus_device *d = devices; d; d = d->next)
		d->seen = false;
	spin_unlock_irqrestore(&bus_lock, flags);

	id = names;
	for (unsigned int i = 0; i < num; i++, id += strlen(id) + 1) {
		char nodename[XENBUS_PATH_MAX];
		struct xenbus_device *dev;

		if (!id_ok(id)) {
			pr_err("xenbus: bad device id under %s ignored\n",
			       drv->watch_node);
			continue;
		}
		if (xs_join(nodename, sizeof(nodename), drv->watch_node, id))
			continue;
		spin_lock_irqsave(&bus_lock, flags);
		dev = find_device(nodename);
		if (dev)
			dev->seen = true;
		spin_unlock_irqrestore(&bus_lock, flags);
		if (dev)
			continue;
		dev = new_device(drv, id);
		if (!dev)
			continue;
		dev->seen = true;
		spin_lock_irqsave(&bus_lock, flags);
		dev->next = devices;
		devices = dev;
		spin_unlock_irqrestore(&bus_lock, flags);
	}
	kfree(names);
	remove_driver_devices(drv, true);
}

/* Watch on device/<type>: rescan when a device node comes or goes. */
static void frontend_changed(struct xenbus_watch *watch, const char *path,
			     const char *token)
{
	struct xenbus_driver *drv = container_of(watch, struct xenbus_driver, watch);
	size_t n = strlen(drv->watch_node);
	const char *rest = path + n;

	/* device/<type> or device/<type>/<id>, not the nodes below. */
	if (!READ_ONCE(shutting_down) && !strncmp(path, drv->watch_node, n) &&
	    (rest[0] == '\0' || (rest[0] == '/' && !strchr(rest + 1, '/'))))
		scan_driver(drv);
	WRITE_ONCE(drv->scanned, true);
}

int xenbus_register_frontend(struct xenbus_driver *drv)
{
	unsigned long flags;
	u64 deadline;
	int err;

	if (!xenbus_available())
		return -ENODEV;
	if (!drv->type || !drv->probe || xs_join(drv->watch_node,
	    sizeof(drv->watch_node), "device", drv->type))
		return -EINVAL;
	spin_lock_irqsave(&bus_lock, flags);
	for (struct xenbus_driver *d = drivers; d; d = d->next) {
		if (!strcmp(d->type, drv->type)) {
			spin_unlock_irqrestore(&bus_lock, flags);
			return -EEXIST;
		}
	}
	drv->next = drivers;
	drivers = drv;
	spin_unlock_irqrestore(&bus_lock, flags);

	drv->scanned = false;
	drv->watch.node = drv->watch_node;
	drv->watch.callback = frontend_changed;
	err = register_xenbus_watch(&drv->watch);
	if (err) {
		xenbus_unregister_driver(drv);
		return err;
	}
	/* The watch fires once at once: the first scan runs in xenwatch. */
	deadline = ktime_get_ns() + 30 * NSEC_PER_SEC;
	while (!READ_ONCE(drv->scanned) && ktime_get_ns() < deadline &&
	       !xs_in_watch_thread())
		kthread_sleep_ns(10 * NSEC_PER_MSEC);
	pr_info("xenbus: frontend driver for %s registered\n", drv->type);
	return 0;
}

void xenbus_unregister_driver(struct xenbus_driver *drv)
{
	struct xenbus_driver **dp;
	unsigned long flags;

	/* First no more scans, then no more devices. */
	if (drv->watch.registered)
		unregister_xenbus_watch(&drv->watch);
	spin_lock_irqsave(&bus_lock, flags);
	for (dp = &drivers; *dp; dp = &(*dp)->next) {
		if (*dp == drv) {
			*dp = drv->next;
			break;
		}
	}
	spin_unlock_irqrestore(&bus_lock, flags);
	remove_driver_devices(drv, false);
}

/* Close one probed device; see xenbus_shutdown_devices(). */
static void shutdown_device(struct xenbus_device *dev)
{
	u32 closed = XENBUS_STATE_BIT(XenbusStateClosed) |
		     XENBUS_STATE_BIT(XenbusStateUnknown);
	u64 start = ktime_get_ns();
	int reached = dev->otherend_state;

	if (dev->state != XenbusStateClosed && dev->state != XenbusStateClosing &&
	    !(closed & XENBUS_STATE_BIT(dev->otherend_state)))
		xenbus_switch_state(dev, XenbusStateClosing);
	if (dev->state != XenbusStateClosed || !(closed & XENBUS_STATE_BIT(reached)))
		reached = xenbus_wait_for_otherend(dev, closed, SHUTDOWN_CLOSE_MS);
	if (dev->driver->shutdown)
		dev->driver->shutdown(dev);
	if (reached < 0)
		pr_info("xenbus: %s: backend did not close within %u ms (still %s); "
			"frontend %s\n", dev->nodename, SHUTDOWN_CLOSE_MS,
			xenbus_strstate(READ_ONCE(dev->otherend_state)),
			xenbus_strstate(dev->state));
	else
		pr_info("xenbus: %s: frontend %s, backend %s after %llu ms\n",
			dev->nodename, xenbus_strstate(dev->state),
			xenbus_strstate(reached),
			(unsigned long long)((ktime_get_ns() - start) / NSEC_PER_MSEC));
}

void xenbus_shutdown_devices(void)
{
	WRITE_ONCE(shutting_down, true);
	/* No scan changes the device list once the driver watches are gone. */
	for (struct xenbus_driver *d = drivers; d; d = d->next)
		if (d->watch.registered)
			unregister_xenbus_watch(&d->watch);
	for (struct xenbus_device *dev = devices; dev; dev = dev->next)
		if (dev->probed)
			shutdown_device(dev);
}

void xenbus_devices_channels_lost(void)
{
	for (struct xenbus_device *dev = devices; dev; dev = dev->next)
		if (dev->probed && dev->driver->channels_lost)
			dev->driver->channels_lost(dev);
}

/*
 * The toolstack wrote the device again for the new domain, whose id (so
 * the backend's path) changed: read where the backend is now and point
 * the state watch there (registered again by the caller).
 */
static int reread_backend(struct xenbus_device *dev)
{
	unsigned int backend_id;
	int err;

	err = xenbus_read(XBT_NIL, dev->nodename, "backend", dev->otherend,
			  sizeof(dev->otherend));
	if (err < 0 || !backend_path_ok(dev->otherend))
		return err < 0 ? err : -EINVAL;
	err = xenbus_read_uint(XBT_NIL, dev->nodename, "backend-id", &backend_id);
	if (err || backend_id >= DOMID_FIRST_RESERVED)
		return err ? err : -EINVAL;
	dev->otherend_id = (domid_t)backend_id;
	return xs_join(dev->otherend_watch_node, sizeof(dev->otherend_watch_node),
		       dev->otherend, "state");
}

void xenbus_devices_resume(void)
{
	for (struct xenbus_device *dev = devices; dev; dev = dev->next) {
		int err;

		if (!dev->probed)
			continue;
		err = reread_backend(dev);
		if (err)
			pr_err("xenbus: %s: backend unreadable after restore (%d)\n",
			       dev->nodename, err);
		if (dev->driver->resume)
			dev->driver->resume(dev);
		WRITE_ONCE(dev->otherend_state, XenbusStateUnknown);
		dev->state = XenbusStateUnknown;
		xenbus_switch_state(dev, XenbusStateInitialising);
		pr_info("xenbus: %s: backend now %s; reconnecting\n", dev->nodename,
			dev->otherend);
	}
}

/**
 * xenbus_probe_init - register the XENBUS_FRONTEND() drivers
 *
 * Returns 0; a driver that fails to register is logged and skipped.
 */
int xenbus_probe_init(void)
{
	for (struct xenbus_driver *const *d = __xenbus_frontends_start;
	     d < __xenbus_frontends_end; d++) {
		int err = xenbus_register_frontend(*d);

		if (err)
			pr_err("xenbus: registering the %s frontend failed: %d\n",
			       (*d)->type, err);
	}
	return 0;
}

int xenbus_init(void)
{
	int err = xs_init();

	if (err)
		return err;
	return xenbus_probe_init();
}
