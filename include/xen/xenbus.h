/* SPDX-License-Identifier: MIT */
/*
 * API for frontends; see drivers/xen/xenbus/xenbus_xs.c (xenstore
 * client), xenbus_probe.c (devices, drivers, states) and xenbus_client.c
 * (rings, event channels, errors).
 *
 * Context: everything here may sleep (it waits for xenstored) and must be
 * called from a kernel thread, never from an event handler or with
 * interrupts disabled.  Driver callbacks (probe, otherend_changed,
 * remove) and watch callbacks run in the "xenwatch" thread, one at a
 * time; they may use the xenstore calls but must not wait for another
 * watch to fire (xenbus_wait_for_otherend() from otherend_changed would
 * wait for itself and time out).
 *
 * xenstore and the backends are untrusted: every value read back is
 * bounded by the caller's buffer and validated; a malformed value fails
 * that one request with a clear errno.
 *
 * Errors are negative errnos: -ENOENT (no such node), -EACCES, -EINVAL,
 * -E2BIG (value or path larger than the caller's buffer / pvk's limit),
 * -EAGAIN (transaction conflict: redo it), -EIO (xenstore protocol
 * error, logged), -ENODEV (xenstore not available, e.g. bare metal or a
 * Xen dom0 without xenstored), -ETIMEDOUT.
 */
#ifndef _XEN_XENBUS_H
#define _XEN_XENBUS_H

#include <pvk/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/io/xenbus.h>

struct thread;

/* Longest path (dir + '/' + node) pvk's xenbus calls accept, with NUL. */
#define XENBUS_PATH_MAX		256

/* ---- xenstore access (xenbus_xs.c) ---------------------------------- */

/**
 * struct xenbus_transaction - a xenstore transaction handle
 * @id: xenstored's transaction id; 0 is "no transaction" (XBT_NIL)
 */
struct xenbus_transaction {
	u32 id;
};

#define XBT_NIL ((struct xenbus_transaction){ .id = 0 })

/**
 * xenbus_read - read a node's value into a caller buffer
 * @t: transaction or XBT_NIL
 * @dir: directory path ("device/vbd/51712", or absolute "/local/...")
 * @node: node below @dir, or "" / NULL for @dir itself
 * @buf: where the value goes, always NUL-terminated on success
 * @len: size of @buf (>= 1)
 *
 * Returns the value's length (excluding the NUL), -E2BIG if it does not
 * fit (the buffer is then left as an empty string), or another errno.
 * A value containing a NUL byte is rejected with -EINVAL.
 */
int xenbus_read(struct xenbus_transaction t, const char *dir,
		const char *node, char *buf, size_t len);

/**
 * xenbus_read_uint - read a node holding an unsigned decimal integer
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir
 * @val: result, written only on success
 *
 * Strict: the whole value must be decimal digits fitting 32 bits.
 * Returns 0, -ENOENT if missing, -EINVAL if not a number (logged with
 * the path), -ERANGE on overflow, or another errno.
 */
int xenbus_read_uint(struct xenbus_transaction t, const char *dir,
		     const char *node, unsigned int *val);

/**
 * xenbus_read_unsigned - read an optional feature flag or count
 * @dir: directory path
 * @node: node below @dir
 * @default_val: returned when the node is missing or malformed
 *
 * Outside any transaction.  For "feature-*" style nodes.
 */
unsigned int xenbus_read_unsigned(const char *dir, const char *node,
				  unsigned int default_val);

/**
 * xenbus_write - create or overwrite a node
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir, or "" / NULL
 * @string: NUL-terminated value
 *
 * Returns 0 or a negative errno.
 */
int xenbus_write(struct xenbus_transaction t, const char *dir,
		 const char *node, const char *string);

/**
 * xenbus_printf - write a formatted value (at most 256 bytes)
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir
 * @fmt: printf format
 *
 * Returns 0, -E2BIG if the value is longer than 256 bytes, or an errno.
 */
int xenbus_printf(struct xenbus_transaction t, const char *dir,
		  const char *node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * xenbus_mkdir - create an empty node
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir, or "" / NULL
 */
int xenbus_mkdir(struct xenbus_transaction t, const char *dir,
		 const char *node);

/**
 * xenbus_rm - remove a node and everything below it
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir, or "" / NULL
 *
 * Returns 0 (also when it did not exist) or a negative errno.
 */
int xenbus_rm(struct xenbus_transaction t, const char *dir, const char *node);

/**
 * xenbus_directory - list a node's children
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir, or "" / NULL
 * @buf: receives the names, each NUL-terminated, one after the other
 * @len: size of @buf
 * @num: receives the number of names
 *
 * Walk the result with: for (p = buf, i = 0; i < num; i++, p += strlen(p) + 1).
 * Returns the bytes used in @buf, -E2BIG if the list does not fit, or
 * another errno.
 */
int xenbus_directory(struct xenbus_transaction t, const char *dir,
		     const char *node, char *buf, size_t len,
		     unsigned int *num);

/**
 * xenbus_exists - whether a node exists (and is readable)
 * @t: transaction or XBT_NIL
 * @dir: directory path
 * @node: node below @dir, or "" / NULL
 */
bool xenbus_exists(struct xenbus_transaction t, const char *dir,
		   const char *node);

/**
 * xenbus_transaction_start - open a transaction
 * @t: receives the handle
 *
 * Returns 0 or a negative errno.
 */
int xenbus_transaction_start(struct xenbus_transaction *t);

/**
 * xenbus_transaction_end - commit or abort a transaction
 * @t: the handle from xenbus_transaction_start()
 * @abort: true to throw the transaction's writes away
 *
 * Returns 0, -EAGAIN when the commit lost a race with another writer
 * (nothing was written: the caller redoes the whole transaction), or
 * another errno.  The handle is dead afterwards in every case.
 */
int xenbus_transaction_end(struct xenbus_transaction t, bool abort);

/**
 * struct xenbus_watch - a callback on changes below a xenstore path
 * @node: the watched path (absolute, or relative to our domain's home);
 *        must stay valid while registered
 * @callback: runs in the xenwatch thread with the path that changed
 *            (@node or something below it) and the watch's token
 *
 * xenstored fires every watch once right after it is registered.
 * At most XENBUS_WATCH_MAX_PENDING events of one watch wait for its
 * callback; xenstored is untrusted and a backend may rewrite a watched
 * node without end, so further ones are dropped (the first drop of each
 * watch is logged) and counted in @dropped, which the owner may read.
 * The remaining fields are the xenbus core's.
 */
struct xenbus_watch {
	const char *node;
	void (*callback)(struct xenbus_watch *watch, const char *path,
			 const char *token);
	unsigned long dropped;
	/* private */
	struct xenbus_watch *next;
	char token[24];
	bool registered;
	unsigned int nr_pending;	/* queued events, not yet called back */
};

/* Events of one watch queued at most (Linux's XSA-349 fix limits them). */
#define XENBUS_WATCH_MAX_PENDING	64

/**
 * register_xenbus_watch - start watching @watch->node
 * @watch: the watch, owned by the caller until unregistered
 *
 * Returns 0 or a negative errno (the watch is then not registered).
 */
int register_xenbus_watch(struct xenbus_watch *watch);

/**
 * unregister_xenbus_watch - stop watching
 * @watch: a registered watch
 *
 * On return no callback of @watch is running or will run, unless called
 * from that watch's own callback (then the current call is the last).
 */
void unregister_xenbus_watch(struct xenbus_watch *watch);

/**
 * xenbus_available - whether the xenstore connection is up
 */
bool xenbus_available(void);

/**
 * xenbus_init - connect to xenstore, then probe the frontends
 *
 * Called once by the Xen platform code from the first kernel thread;
 * registers every XENBUS_FRONTEND() driver.  Returns 0, -ENODEV when
 * there is no xenstore ring (dom0), or another errno (logged).
 */
int xenbus_init(void);

/* ---- devices and frontend drivers (xenbus_probe.c) ------------------- */

struct xenbus_driver;

/**
 * struct xenbus_device - one frontend device, device/<type>/<id>
 * @devicetype: "vbd", "vif", ... (the driver's @type)
 * @nodename: our directory, "device/<type>/<id>"
 * @otherend: the backend's directory (from our "backend" node, validated)
 * @otherend_id: the backend's domain (from our "backend-id" node)
 * @state: our state as last written by xenbus_switch_state()
 * @otherend_state: the backend's state as last seen by the core
 * @driver: the bound driver
 * @priv: the driver's data
 *
 * The remaining fields are the xenbus core's.
 */
struct xenbus_device {
	const char *devicetype;
	char nodename[XENBUS_PATH_MAX];
	char otherend[XENBUS_PATH_MAX];
	domid_t otherend_id;
	enum xenbus_state state;
	enum xenbus_state otherend_state;
	struct xenbus_driver *driver;
	void *priv;
	/* private */
	struct xenbus_watch otherend_watch;
	char otherend_watch_node[XENBUS_PATH_MAX];
	struct xenbus_device *next;
	struct thread *waiter;		/* in xenbus_wait_for_otherend() */
	bool probed;			/* probe() succeeded */
	bool seen;			/* found by the current scan */
};

/**
 * struct xenbus_driver - a frontend driver
 * @type: device type it drives ("vbd", "vif", "console", ...)
 * @probe: a device of @type appeared (backend path already read); set up
 *         and return 0, or return an errno (the device is left alone)
 * @otherend_changed: the backend's state changed to the given state
 *                    (also called once right after a successful probe
 *                    with the state the backend was in)
 * @remove: the device went away or the driver is unregistered; free
 *          everything and revoke the grants
 * @shutdown: optional; the domain is going down and the core has asked
 *            the device to close (xenbus_shutdown_devices()): finish
 *            the teardown if the backend did not take part, complete
 *            or fail every outstanding request, accept no new ones and
 *            switch to Closed.  Runs in the shutting-down thread, not
 *            in xenwatch, after the closing handshake ended or timed out
 * @channels_lost: optional; the domain was restored into a new one
 *                 (xl restore, migration): every event channel and grant
 *                 of the old connection is gone.  Forget the port numbers
 *                 without closing them (they may name the new domain's
 *                 ports) and stop using the ring.  Runs on the boot vCPU
 *                 with events off and the other vCPUs parked: no sleeping
 * @resume: optional; after @channels_lost, with xenstore back: tear the
 *          old connection down keeping unfinished requests (its grants
 *          can be ended at once, the new table is empty); the core then
 *          goes to Initialising and the normal connect path runs when
 *          the new backend reaches InitWait
 *
 * Connection handshake a driver implements in @otherend_changed:
 * InitWait -> allocate rings, grant them, write ring-ref/event-channel
 * in a transaction, switch to Initialised; Connected -> switch to
 * Connected; Closing -> tear down, then xenbus_frontend_closed().
 *
 * Reconnection: when the backend is back in InitWait (or Initialising)
 * while the frontend is Closed, the core first switches the frontend to
 * Initialising and then calls @otherend_changed(InitWait), so the normal
 * connect path runs again.
 */
struct xenbus_driver {
	const char *type;
	int (*probe)(struct xenbus_device *dev);
	void (*otherend_changed)(struct xenbus_device *dev,
				 enum xenbus_state backend_state);
	void (*remove)(struct xenbus_device *dev);
	void (*shutdown)(struct xenbus_device *dev);
	void (*channels_lost)(struct xenbus_device *dev);
	void (*resume)(struct xenbus_device *dev);
	/* private */
	struct xenbus_driver *next;
	struct xenbus_watch watch;	/* on device/<type> */
	char watch_node[48];
	bool scanned;			/* first scan done */
};

/**
 * xenbus_register_frontend - register a frontend driver
 * @drv: the driver, static storage
 *
 * Devices that already exist are probed before this returns (in the
 * xenwatch thread); ones that appear later are probed when xenstore
 * says so.  Returns 0, -ENODEV without xenstore, -EEXIST if a driver of
 * that type is registered.
 */
int xenbus_register_frontend(struct xenbus_driver *drv);

/**
 * xenbus_unregister_driver - remove every device of @drv, then @drv
 * @drv: a registered driver
 */
void xenbus_unregister_driver(struct xenbus_driver *drv);

/**
 * XENBUS_FRONTEND - register a frontend automatically at boot
 * @drv: a struct xenbus_driver
 *
 * The xenbus core registers every such driver once xenstore is up
 * (before the self-tests run).
 */
#define XENBUS_FRONTEND(drv)						\
	static struct xenbus_driver *const __xenbus_frontend_##drv	\
	__attribute__((used, section(".xenbus_frontends"))) = &(drv)

/**
 * xenbus_shutdown_devices - close every frontend before power-off or reboot
 *
 * Like Linux's xenbus_dev_shutdown() for each device: no more devices
 * are probed and no closed one reconnects; each connected (or
 * connecting) frontend switches to Closing, and the backend gets a few
 * seconds to go through Closing to Closed, during which the driver
 * tears down as it does whenever its backend closes; then the driver's
 * @shutdown ends what is still outstanding.  Logs one line per device.
 * Call from a kernel thread other than xenwatch (it may sleep).
 */
void xenbus_shutdown_devices(void);

/*
 * Suspend and resume of the domain (the platform's suspend code calls
 * them in this order, all on the boot vCPU):
 * xenbus_suspend() - from a kernel thread: waits for the request in
 *   flight and holds every later one back until a resume;
 * xenbus_resume_cancelled() - the suspend was cancelled (the same
 *   domain runs on): requests flow again, nothing else changed;
 * otherwise, for a restored domain, xenbus_resume_channels() - events
 *   off, other vCPUs parked: binds the store's new port (from the
 *   platform record) and has every frontend forget its ports
 *   (@channels_lost); then xenbus_resume() - from the same thread,
 *   events on: drops stale replies, re-reads each device's backend (the
 *   domain id changed), lets the drivers tear down (@resume), switches
 *   them to Initialising and registers every watch again, whose first
 *   firing reconnects the devices.
 */
void xenbus_suspend(void);
void xenbus_resume_cancelled(void);
int xenbus_resume_channels(void);
void xenbus_resume(void);

/**
 * xenbus_switch_state - write our state node and remember it
 * @dev: the device
 * @state: the new state
 *
 * Nothing is written when @state is already the current one.  Returns 0
 * or a negative errno (logged; the remembered state is unchanged).
 */
int xenbus_switch_state(struct xenbus_device *dev, enum xenbus_state state);

/**
 * xenbus_frontend_closed - the driver finished tearing down
 * @dev: the device
 *
 * Switches to Closed; the core reconnects if the backend comes back.
 */
int xenbus_frontend_closed(struct xenbus_device *dev);

/**
 * xenbus_read_otherend_state - the backend's state node, read now
 * @dev: the device
 *
 * XenbusStateUnknown if the node is missing or malformed.
 */
enum xenbus_state xenbus_read_otherend_state(struct xenbus_device *dev);

/* (1U << state): for the @state_mask of xenbus_wait_for_otherend(). */
#define XENBUS_STATE_BIT(state)	(1U << (state))

/**
 * xenbus_wait_for_otherend - wait until the backend is in one of some states
 * @dev: the device
 * @state_mask: XENBUS_STATE_BIT(Connected) | XENBUS_STATE_BIT(Closed) ...
 * @timeout_ms: give up after this long
 *
 * Returns the state reached (>= 0), or -ETIMEDOUT.  Must not be called
 * from the xenwatch thread (driver or watch callbacks).
 */
int xenbus_wait_for_otherend(struct xenbus_device *dev, u32 state_mask,
			     unsigned int timeout_ms);

/**
 * xenbus_strstate - name of a state, for logs
 * @state: the state
 */
const char *xenbus_strstate(enum xenbus_state state);

/* ---- helpers for frontends (xenbus_client.c) -------------------------- */

/**
 * xenbus_alloc_evtchn - an unbound event channel the backend can bind
 * @dev: the device (the channel's remote end is @dev->otherend_id)
 * @port: receives the local port
 *
 * The frontend then binds a handler to @port with the event-channel API
 * (include/xen/events.h).  Returns 0, or an errno (also reported with
 * xenbus_dev_fatal()).
 */
int xenbus_alloc_evtchn(struct xenbus_device *dev, evtchn_port_t *port);

/**
 * xenbus_free_evtchn - close a port from xenbus_alloc_evtchn()
 * @dev: the device
 * @port: the port
 */
int xenbus_free_evtchn(struct xenbus_device *dev, evtchn_port_t port);

/**
 * xenbus_grant_ring - grant the backend access to a ring's pages
 * @dev: the device (grants go to @dev->otherend_id)
 * @vaddr: the ring, page-aligned, @nr_pages contiguous direct-map pages
 * @nr_pages: pages in the ring
 * @refs: receives one grant ref per page
 *
 * On failure the error is reported with xenbus_dev_fatal() and returned,
 * and the pages granted so far keep their refs in @refs (the others are
 * INVALID_GRANT_REF): the backend may map one already (refs are easy to
 * guess), so they are given back only by xenbus_teardown_ring(), which
 * revokes each grant before its page is freed.
 */
int xenbus_grant_ring(struct xenbus_device *dev, void *vaddr,
		      unsigned int nr_pages, grant_ref_t *refs);

/**
 * xenbus_setup_ring - allocate, zero and grant a shared ring
 * @dev: the device
 * @nr_pages: pages, a power of two (allocated as one block)
 * @vaddr: receives the ring's address
 * @refs: receives one grant ref per page
 *
 * Returns 0 or an errno (reported with xenbus_dev_fatal()).  On failure
 * nothing is left allocated, except a page the backend mapped before
 * its grant could be revoked: that one goes to the grant code's deferred
 * release (or is leaked, logged), never straight back to the allocator.
 */
int xenbus_setup_ring(struct xenbus_device *dev, unsigned int nr_pages,
		      void **vaddr, grant_ref_t *refs);

/**
 * xenbus_teardown_ring - revoke and free a ring from xenbus_setup_ring()
 * @vaddr: the ring (set to NULL); may point at NULL (nothing to do)
 * @nr_pages: pages in the ring
 * @refs: its refs (each set to INVALID_GRANT_REF)
 *
 * If the backend still maps a page, that page is left to the grant
 * code's deferred release instead of being freed here.
 */
void xenbus_teardown_ring(void **vaddr, unsigned int nr_pages,
			  grant_ref_t *refs);

/**
 * xenbus_dev_error - report a device error
 * @dev: the device
 * @err: the negative errno
 * @fmt: printf format of the message
 *
 * Logs it and writes "<errno> <message>" to error/<nodename>/error for
 * the toolstack.
 */
void xenbus_dev_error(struct xenbus_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * xenbus_dev_fatal - report a device error and give the device up
 * @dev: the device
 * @err: the negative errno
 * @fmt: printf format of the message
 *
 * Like xenbus_dev_error(), then switches the device to Closing.
 */
void xenbus_dev_fatal(struct xenbus_device *dev, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* _XEN_XENBUS_H */
