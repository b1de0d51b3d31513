// SPDX-License-Identifier: MIT
/*
 * Self-tests of the xenstore client and the xenbus frontend core.  They
 * need xenstored, so they run only as a Xen PV domU (skipped elsewhere).
 *
 * Everything lives below the domain's own data/ directory (which the
 * toolstack makes writable for the guest), and under device/pvktest/
 * for the frontend test, whose backend is faked by the test itself:
 * its state node is data/pvk-fakebe/0/state, written by the test, while
 * a test driver plays the frontend (ring, event channel, states) through
 * the real xenbus core.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/time.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/platform_info.h>
#include <xen/xenbus.h>
#include "xenbus_internal.h"
#include "../grant-table-internal.h"
#include "../events/events_storm.h"

#define T_DIR		"data/pvk-test"
#define WAIT_MS		10000

static bool need_xenstore(struct kunit *test)
{
	if (!xenbus_available()) {
		kunit_skip(test, "no xenstore (not a Xen PV domU)");
		return false;
	}
	return true;
}

static void xenbus_reads_domid(struct kunit *test)
{
	unsigned int domid = 0;
	char name[64];

	if (!need_xenstore(test))
		return;
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, "domid", NULL, &domid), 0);
	KUNIT_EXPECT_TRUE(test, domid > 0 && domid < DOMID_FIRST_RESERVED);
	KUNIT_EXPECT_TRUE(test, xenbus_read(XBT_NIL, "name", NULL, name,
					    sizeof(name)) > 0);
	kunit_info(test, "domid %u, name %s", domid, name);
}

static void xenbus_write_read_rm(struct kunit *test)
{
	char buf[32];
	unsigned int v = 0;

	if (!need_xenstore(test))
		return;
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "s", "hello"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "s", buf, sizeof(buf)), 5);
	KUNIT_EXPECT_EQ(test, strcmp(buf, "hello"), 0);
	KUNIT_EXPECT_TRUE(test, xenbus_exists(XBT_NIL, T_DIR, "s"));
	/* Bounded: 5 bytes and the NUL do not fit in 5. */
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "s", buf, 5), -E2BIG);
	KUNIT_EXPECT_EQ(test, buf[0], '\0');

	KUNIT_EXPECT_EQ(test, xenbus_printf(XBT_NIL, T_DIR, "n", "%u", 4096u), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "n", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 4096);
	KUNIT_EXPECT_EQ(test, xenbus_read_unsigned(T_DIR, "n", 7), 4096);
	/* Strict numbers. */
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "n", "12x"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "n", &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "n", ""), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "n", &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "n", "99999999999"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "n", &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "n",
					   "0123456789012345678901234567890123456789"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "n", &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 4096);
	KUNIT_EXPECT_EQ(test, xenbus_read_unsigned(T_DIR, "n", 7), 7);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, T_DIR, "missing", &v), -ENOENT);

	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, "s"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "s", buf, sizeof(buf)),
			-ENOENT);
	KUNIT_EXPECT_FALSE(test, xenbus_exists(XBT_NIL, T_DIR, "s"));
	/* Removing what is not there is fine. */
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, "s"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, NULL), 0);
}

static void xenbus_errors(struct kunit *test)
{
	char big[XENBUS_PATH_MAX + 8];
	char buf[8];

	KUNIT_EXPECT_EQ(test, xs_error_to_errno("ENOENT", 7), -ENOENT);
	KUNIT_EXPECT_EQ(test, xs_error_to_errno("EAGAIN", 6), -EAGAIN);
	KUNIT_EXPECT_EQ(test, xs_error_to_errno("EACCES\0junk", 11), -EACCES);
	KUNIT_EXPECT_EQ(test, xs_error_to_errno("ENOENTX", 7), -EIO);
	KUNIT_EXPECT_EQ(test, xs_error_to_errno("", 0), -EIO);
	if (!need_xenstore(test))
		return;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, big, buf, sizeof(buf)),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, "/local/domain/0", "pvk-test", "x"),
			-EACCES);
}

static void xenbus_lists_directory(struct kunit *test)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };
	char buf[64];
	unsigned int num = 0, found = 0;
	const char *p;
	int len;

	if (!need_xenstore(test))
		return;
	xenbus_rm(XBT_NIL, T_DIR, "dir");
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		char node[32];

		snprintf(node, sizeof(node), "dir/%s", names[i]);
		KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, node, "1"), 0);
	}
	len = xenbus_directory(XBT_NIL, T_DIR, "dir", buf, sizeof(buf), &num);
	KUNIT_EXPECT_EQ(test, len, 6 + 5 + 6);
	KUNIT_EXPECT_EQ(test, num, 3);
	p = buf;
	for (unsigned int i = 0; i < num; i++, p += strlen(p) + 1)
		for (unsigned int j = 0; j < ARRAY_SIZE(names); j++)
			if (!strcmp(p, names[j]))
				found |= 1U << j;
	KUNIT_EXPECT_EQ(test, found, 7);
	KUNIT_EXPECT_EQ(test, xenbus_directory(XBT_NIL, T_DIR, "dir", buf, 10, &num),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, num, 0);
	KUNIT_EXPECT_EQ(test, xenbus_mkdir(XBT_NIL, T_DIR, "dir/empty"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_directory(XBT_NIL, T_DIR, "dir/empty", buf,
					       sizeof(buf), &num), 0);
	KUNIT_EXPECT_EQ(test, num, 0);
	KUNIT_EXPECT_EQ(test, xenbus_directory(XBT_NIL, T_DIR, "nodir", buf,
					       sizeof(buf), &num), -ENOENT);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, "dir"), 0);
}

static void xenbus_transactions(struct kunit *test)
{
	struct xenbus_transaction t, t2;
	char buf[16];

	if (!need_xenstore(test))
		return;
	xenbus_rm(XBT_NIL, T_DIR, "tx");
	/* Commit: invisible outside until the end. */
	KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
	KUNIT_EXPECT_NE(test, t.id, 0);
	KUNIT_EXPECT_EQ(test, xenbus_write(t, T_DIR, "tx/a", "in"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read(t, T_DIR, "tx/a", buf, sizeof(buf)), 2);
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "tx/a", buf, sizeof(buf)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, xenbus_transaction_end(t, false), 0);
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "tx/a", buf, sizeof(buf)), 2);

	/* Abort: nothing written. */
	KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
	KUNIT_EXPECT_EQ(test, xenbus_write(t, T_DIR, "tx/b", "gone"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_transaction_end(t, true), 0);
	KUNIT_EXPECT_FALSE(test, xenbus_exists(XBT_NIL, T_DIR, "tx/b"));

	/* Conflict: another writer got in first, so the commit says EAGAIN. */
	KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
	KUNIT_EXPECT_EQ(test, xenbus_read(t, T_DIR, "tx/a", buf, sizeof(buf)), 2);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "tx/a", "out"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_write(t, T_DIR, "tx/a", "lost"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_transaction_end(t, false), -EAGAIN);
	KUNIT_EXPECT_EQ(test, xenbus_read(XBT_NIL, T_DIR, "tx/a", buf, sizeof(buf)), 3);
	KUNIT_EXPECT_EQ(test, strcmp(buf, "out"), 0);

	/* Two at once, and a dead handle. */
	KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
	KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t2) == 0);
	KUNIT_EXPECT_NE(test, t.id, t2.id);
	KUNIT_EXPECT_EQ(test, xenbus_transaction_end(t2, true), 0);
	KUNIT_EXPECT_EQ(test, xenbus_transaction_end(t, true), 0);
	KUNIT_EXPECT_NE(test, xenbus_transaction_end(t, false), 0);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, "tx"), 0);
}

struct watch_probe {
	struct xenbus_watch w;
	unsigned int fired;
	unsigned int below;		/* events for a node below the watch */
	char last[64];
};

static void probe_cb(struct xenbus_watch *w, const char *path, const char *token)
{
	struct watch_probe *p = container_of(w, struct watch_probe, w);

	strlcpy(p->last, path, sizeof(p->last));
	if (strcmp(path, w->node))
		WRITE_ONCE(p->below, p->below + 1);
	WRITE_ONCE(p->fired, p->fired + 1);
}

static bool wait_count(unsigned int *c, unsigned int want)
{
	for (unsigned int t = 0; t < WAIT_MS; t += 20) {
		if (READ_ONCE(*c) >= want)
			return true;
		msleep(20);
	}
	return false;
}

static void xenbus_watch_fires(struct kunit *test)
{
	static struct watch_probe p;
	unsigned int before;

	if (!need_xenstore(test))
		return;
	memset(&p, 0, sizeof(p));
	p.w.node = T_DIR "/w";
	p.w.callback = probe_cb;
	KUNIT_ASSERT_TRUE(test, register_xenbus_watch(&p.w) == 0);
	/* xenstored fires a new watch once. */
	KUNIT_EXPECT_TRUE(test, wait_count(&p.fired, 1));
	KUNIT_EXPECT_EQ(test, p.below, 0);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "w/x", "1"), 0);
	KUNIT_EXPECT_TRUE(test, wait_count(&p.below, 1));
	KUNIT_EXPECT_EQ(test, strcmp(p.last, T_DIR "/w/x"), 0);
	/* Unrelated nodes do not fire it. */
	before = READ_ONCE(p.fired);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "other", "1"), 0);
	msleep(300);
	KUNIT_EXPECT_EQ(test, READ_ONCE(p.fired), before);
	/* Unregistered: silent. */
	unregister_xenbus_watch(&p.w);
	before = READ_ONCE(p.fired);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "w/y", "1"), 0);
	msleep(300);
	KUNIT_EXPECT_EQ(test, READ_ONCE(p.fired), before);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, NULL), 0);
}

/* A watch whose callback can be held, so that its events pile up. */
struct held_watch {
	struct xenbus_watch w;
	unsigned int fired;
	bool hold;
	bool held;		/* a callback is waiting for hold to clear */
};

static void held_cb(struct xenbus_watch *w, const char *path, const char *token)
{
	struct held_watch *h = container_of(w, struct held_watch, w);

	WRITE_ONCE(h->fired, h->fired + 1);
	if (!READ_ONCE(h->hold))
		return;
	WRITE_ONCE(h->held, true);
	for (unsigned int t = 0; READ_ONCE(h->hold) && t < 3 * WAIT_MS; t += 10)
		msleep(10);
	WRITE_ONCE(h->held, false);
}

/*
 * A node rewritten while the watch's callback is busy: at most
 * XENBUS_WATCH_MAX_PENDING events wait, the rest are dropped and counted,
 * and the watch still fires afterwards.
 */
static void xenbus_watch_events_capped(struct kunit *test)
{
	static struct held_watch h;
	const unsigned int extra = 16;
	unsigned int i, fired;
	char val[12];

	if (!need_xenstore(test))
		return;
	memset(&h, 0, sizeof(h));
	h.w.node = T_DIR "/storm";
	h.w.callback = held_cb;
	KUNIT_ASSERT_TRUE(test, register_xenbus_watch(&h.w) == 0);
	KUNIT_EXPECT_TRUE(test, wait_count(&h.fired, 1));
	WRITE_ONCE(h.hold, true);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "storm", "0"), 0);
	for (unsigned int t = 0; !READ_ONCE(h.held) && t < WAIT_MS; t += 10)
		msleep(10);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(h.held));
	for (i = 1; i <= XENBUS_WATCH_MAX_PENDING + extra; i++) {
		snprintf(val, sizeof(val), "%u", i);
		KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "storm", val), 0);
	}
	/* Let the last events arrive, then release the callback. */
	msleep(500);
	fired = READ_ONCE(h.fired);
	WRITE_ONCE(h.hold, false);
	for (unsigned int t = 0; t < WAIT_MS; t += 20) {
		if (READ_ONCE(h.fired) - fired + READ_ONCE(h.w.dropped) >=
		    XENBUS_WATCH_MAX_PENDING + extra)
			break;
		msleep(20);
	}
	msleep(300);
	kunit_info(test, "%u writes while held: %u events delivered after, %lu dropped",
		   XENBUS_WATCH_MAX_PENDING + extra, READ_ONCE(h.fired) - fired,
		   READ_ONCE(h.w.dropped));
	/* Every event was either delivered or dropped and counted. */
	KUNIT_EXPECT_TRUE(test, READ_ONCE(h.w.dropped) > 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(h.fired) - fired + READ_ONCE(h.w.dropped),
			XENBUS_WATCH_MAX_PENDING + extra);
	/* Drained: it fires again. */
	fired = READ_ONCE(h.fired);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "storm", "end"), 0);
	KUNIT_EXPECT_TRUE(test, wait_count(&h.fired, fired + 1));
	unregister_xenbus_watch(&h.w);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, NULL), 0);
}

/*
 * Granting a 4-page ring runs out of refs after 2 pages: those two stay
 * granted (the backend may map them already), and the teardown revokes
 * each before its page is freed; one the "backend" maps is deferred
 * with its page, not freed, until it lets go.
 */
static void xenbus_ring_grant_failure_revokes_first(struct kunit *test)
{
	static struct xenbus_device dev = {
		.nodename = T_DIR "/ringdev", .otherend_id = 0,
		.state = XenbusStateInitialising,
	};
	grant_ref_t refs[4], *grab;
	unsigned int nfree, deferred0;
	void *ring;
	int err;

	if (!need_xenstore(test) || !gnttab_version())
		return;
	ring = alloc_pages(2);
	KUNIT_ASSERT_TRUE(test, ring != NULL);
	nfree = gnttab_free_refs();
	grab = kmalloc(nfree * sizeof(*grab));
	if (!grab || nfree < 2 || gnttab_alloc_refs(nfree - 2, grab)) {
		kunit_fail(test, __FILE__, __LINE__, "could not hold %u refs", nfree);
		kfree(grab);
		free_pages(ring, 2);
		return;
	}
	/* Two refs left for four pages (refs are taken back at once). */
	err = xenbus_grant_ring(&dev, ring, 4, refs);
	gnttab_free_refs_array(grab, nfree - 2);
	kfree(grab);
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, refs[0] != INVALID_GRANT_REF &&
			  refs[1] != INVALID_GRANT_REF);
	KUNIT_EXPECT_EQ(test, refs[2], INVALID_GRANT_REF);
	KUNIT_EXPECT_EQ(test, refs[3], INVALID_GRANT_REF);
	if (refs[0] == INVALID_GRANT_REF) {
		free_pages(ring, 2);
		return;
	}
	KUNIT_EXPECT_EQ(test, gnttab_entry(refs[0])->flags & GTF_permit_access,
			GTF_permit_access);
	/* The backend mapped page 0 in the meantime. */
	deferred0 = gnttab_deferred_count();
	__atomic_fetch_or(gnttab_mapping_word(refs[0]), GTF_reading,
			  __ATOMIC_SEQ_CST);
	{
		grant_ref_t mapped = refs[0];

		xenbus_teardown_ring(&ring, 4, refs);
		KUNIT_EXPECT_TRUE(test, ring == NULL);
		KUNIT_EXPECT_EQ(test, refs[0], INVALID_GRANT_REF);
		KUNIT_EXPECT_EQ(test, refs[1], INVALID_GRANT_REF);
		KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0 + 1);
		/* It lets go: the page and the ref are released then. */
		__atomic_fetch_and(gnttab_mapping_word(mapped), (u16)~GTF_reading,
				   __ATOMIC_SEQ_CST);
		gnttab_retry_deferred();
		KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0);
	}
}

/* ---- the frontend core, against a backend the test fakes ---------------- */

struct fake_front {
	struct xenbus_device *dev;
	unsigned int probes, removes, connects, closes, changes;
	void *ring;
	grant_ref_t ref;
	evtchn_port_t port;
	bool have_port;
};

static struct fake_front ff;

static int ff_probe(struct xenbus_device *dev)
{
	ff.dev = dev;
	ff.ref = INVALID_GRANT_REF;
	dev->priv = &ff;
	WRITE_ONCE(ff.probes, ff.probes + 1);
	return 0;
}

static void ff_teardown(struct xenbus_device *dev)
{
	if (ff.have_port)
		xenbus_free_evtchn(dev, ff.port);
	ff.have_port = false;
	if (ff.ring)
		xenbus_teardown_ring(&ff.ring, 1, &ff.ref);
}

static void ff_connect(struct xenbus_device *dev)
{
	struct xenbus_transaction t;
	int err;

	if (dev->state != XenbusStateInitialising)
		return;
	if (xenbus_setup_ring(dev, 1, &ff.ring, &ff.ref))
		return;
	if (xenbus_alloc_evtchn(dev, &ff.port)) {
		ff_teardown(dev);
		return;
	}
	ff.have_port = true;
	do {
		err = xenbus_transaction_start(&t);
		if (err)
			break;
		err = xenbus_printf(t, dev->nodename, "ring-ref", "%u", ff.ref);
		if (!err)
			err = xenbus_printf(t, dev->nodename, "event-channel", "%u",
					    ff.port);
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
	} while (err == -EAGAIN);
	if (err) {
		xenbus_dev_fatal(dev, err, "writing the ring details");
		ff_teardown(dev);
		return;
	}
	WRITE_ONCE(ff.connects, ff.connects + 1);
	xenbus_switch_state(dev, XenbusStateInitialised);
}

static void ff_changed(struct xenbus_device *dev, enum xenbus_state state)
{
	WRITE_ONCE(ff.changes, ff.changes + 1);
	switch (state) {
	case XenbusStateInitWait:
		ff_connect(dev);
		break;
	case XenbusStateConnected:
		if (dev->state == XenbusStateInitialised)
			xenbus_switch_state(dev, XenbusStateConnected);
		break;
	case XenbusStateClosing:
		ff_teardown(dev);
		WRITE_ONCE(ff.closes, ff.closes + 1);
		xenbus_frontend_closed(dev);
		break;
	default:
		break;
	}
}

static void ff_remove(struct xenbus_device *dev)
{
	ff_teardown(dev);
	WRITE_ONCE(ff.removes, ff.removes + 1);
	ff.dev = NULL;
}

static struct xenbus_driver ff_driver = {
	.type = "pvktest",
	.probe = ff_probe,
	.otherend_changed = ff_changed,
	.remove = ff_remove,
};

static char fake_be[64];

static int be_set(enum xenbus_state s)
{
	return xenbus_printf(XBT_NIL, fake_be, "state", "%d", s);
}

/* Wait until our frontend's state node says @s. */
static bool wait_front(enum xenbus_state s)
{
	for (unsigned int t = 0; t < WAIT_MS; t += 20) {
		unsigned int v;

		if (!xenbus_read_uint(XBT_NIL, "device/pvktest/0", "state", &v) &&
		    v == (unsigned int)s)
			return true;
		msleep(20);
	}
	return false;
}

static void xenbus_frontend_lifecycle(struct kunit *test)
{
	struct xenbus_transaction t;
	unsigned int domid, v;
	char buf[64];
	int err;

	if (!need_xenstore(test))
		return;
	KUNIT_ASSERT_TRUE(test, !xenbus_read_uint(XBT_NIL, "domid", NULL, &domid));
	snprintf(fake_be, sizeof(fake_be), "/local/domain/%u/data/pvk-fakebe/0", domid);
	memset(&ff, 0, sizeof(ff));
	xenbus_rm(XBT_NIL, "device/pvktest", NULL);
	xenbus_rm(XBT_NIL, "data/pvk-fakebe", NULL);

	/*
	 * What the toolstack would write for a new device.  xl keeps
	 * device/ read-only to the guest; the test runner's dom0 job opens
	 * it up shortly after the domain is created.
	 */
	for (unsigned int t = 0; t < 5000; t += 100) {
		err = xenbus_write(XBT_NIL, "device/pvktest", NULL, "");
		if (err != -EACCES)
			break;
		msleep(100);
	}
	do {
		err = xenbus_transaction_start(&t);
		KUNIT_ASSERT_TRUE(test, err == 0);
		err = xenbus_printf(t, fake_be, "state", "%d", XenbusStateInitialising);
		if (!err)
			err = xenbus_write(t, "device/pvktest/0", "backend", fake_be);
		if (!err)
			err = xenbus_printf(t, "device/pvktest/0", "backend-id", "%u", domid);
		if (!err)
			err = xenbus_printf(t, "device/pvktest/0", "state", "%d",
					    XenbusStateInitialising);
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
	} while (err == -EAGAIN);
	if (err == -EACCES) {
		kunit_skip(test, "device/ is not writable for this domain "
			   "(the pvk dom0stack job makes it so)");
		return;
	}
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		return;

	/* Probed before registration returns. */
	KUNIT_ASSERT_TRUE(test, xenbus_register_frontend(&ff_driver) == 0);
	KUNIT_EXPECT_EQ(test, ff.probes, 1);
	KUNIT_ASSERT_TRUE(test, ff.dev != NULL);
	KUNIT_EXPECT_EQ(test, strcmp(ff.dev->otherend, fake_be), 0);
	KUNIT_EXPECT_EQ(test, ff.dev->otherend_id, domid);
	KUNIT_EXPECT_EQ(test, xenbus_register_frontend(&ff_driver), -EEXIST);

	/* Backend InitWait: the driver grants a ring and goes Initialised. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateInitWait), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateInitialised));
	KUNIT_EXPECT_EQ(test, ff.connects, 1);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, "device/pvktest/0", "ring-ref",
					       &v), 0);
	KUNIT_EXPECT_EQ(test, v, ff.ref);
	KUNIT_EXPECT_NE(test, ff.ref, INVALID_GRANT_REF);
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, "device/pvktest/0",
					       "event-channel", &v), 0);

	/* Backend Connected: so is the frontend; a waiter sees it too. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateConnected), 0);
	KUNIT_EXPECT_EQ(test, xenbus_wait_for_otherend(ff.dev,
			XENBUS_STATE_BIT(XenbusStateConnected), WAIT_MS),
			XenbusStateConnected);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateConnected));
	KUNIT_EXPECT_EQ(test, xenbus_read_otherend_state(ff.dev), XenbusStateConnected);
	KUNIT_EXPECT_EQ(test, xenbus_wait_for_otherend(ff.dev,
			XENBUS_STATE_BIT(XenbusStateClosed), 200), -ETIMEDOUT);

	/* Backend closes: the frontend tears down and says Closed. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateClosing), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateClosed));
	KUNIT_EXPECT_EQ(test, ff.closes, 1);
	KUNIT_EXPECT_TRUE(test, ff.ring == NULL);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateClosed), 0);

	/* The backend comes back: the core resets, the driver reconnects. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateInitWait), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateInitialised));
	KUNIT_EXPECT_EQ(test, ff.connects, 2);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateConnected), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateConnected));

	/* Garbage in the backend's state node is Unknown, not a crash. */
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, fake_be, "state", "banana"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_wait_for_otherend(ff.dev,
			XENBUS_STATE_BIT(XenbusStateUnknown), WAIT_MS),
			XenbusStateUnknown);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateConnected), 0);

	/* Errors are recorded for the toolstack. */
	xenbus_dev_error(ff.dev, -EIO, "self-test %d", 42);
	KUNIT_EXPECT_TRUE(test, xenbus_read(XBT_NIL, "error/device/pvktest/0", "error",
					    buf, sizeof(buf)) > 0);
	KUNIT_EXPECT_EQ(test, strcmp(buf, "5 self-test 42"), 0);

	/* The device goes away: remove() runs. */
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, "device/pvktest/0", NULL), 0);
	KUNIT_EXPECT_TRUE(test, wait_count(&ff.removes, 1));
	KUNIT_EXPECT_TRUE(test, ff.dev == NULL);
	xenbus_unregister_driver(&ff_driver);
	KUNIT_EXPECT_EQ(test, ff.removes, 1);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), 0);
	xenbus_rm(XBT_NIL, "device/pvktest", NULL);
	xenbus_rm(XBT_NIL, "error/device/pvktest", NULL);
	xenbus_rm(XBT_NIL, "data/pvk-fakebe", NULL);
}

/*
 * A xenstored that storms the store port: events that moved neither
 * ring index are delivered back to back (the handler run as the upcall
 * runs it, interrupts off).  The port must be masked by the storm
 * accounting, xenstore must still answer (its reply event waits for the
 * unmask), and the port must be unmasked again after the delay.
 */
static void xenbus_store_storm_masked(struct kunit *test)
{
	evtchn_port_t port = xen_platform_info()->store_evtchn;
	unsigned int sent, storms, domid = 0;
	unsigned long flags;
	bool held = false;
	u64 end;

	if (!need_xenstore(test))
		return;
	storms = xen_evtchn_storm_stats(port, &held);
	KUNIT_EXPECT_FALSE(test, held);
	for (sent = 0; sent < 20 * EVTCHN_STORM_THRESHOLD && !held; sent++) {
		flags = arch_local_irq_save();
		xs_event(port, NULL, NULL);
		arch_local_irq_restore(flags);
		xen_evtchn_storm_stats(port, &held);
	}
	kunit_info(test, "store port %u masked after %u events", port, sent);
	KUNIT_EXPECT_TRUE(test, held);
	/* A slow vCPU (nested HVM) may see the delay run out and a new storm. */
	KUNIT_EXPECT_TRUE(test, xen_evtchn_storm_stats(port, &held) > storms);
	/* Still usable: the request goes out, the reply waits for the unmask. */
	KUNIT_EXPECT_EQ(test, xenbus_read_uint(XBT_NIL, "domid", NULL, &domid), 0);
	KUNIT_EXPECT_TRUE(test, domid > 0 && domid < DOMID_FIRST_RESERVED);
	end = ktime_get_ns() + 2 * NSEC_PER_SEC;
	do {
		xen_evtchn_storm_stats(port, &held);
		if (held)
			msleep(5);
	} while (held && ktime_get_ns() < end);
	KUNIT_EXPECT_FALSE(test, held);
	KUNIT_EXPECT_EQ(test, xenbus_write(XBT_NIL, T_DIR, "storm", "over"), 0);
	KUNIT_EXPECT_EQ(test, xenbus_rm(XBT_NIL, T_DIR, "storm"), 0);
}

SELFTEST_SUITE(xenbus,
	KUNIT_CASE(xenbus_reads_domid),
	KUNIT_CASE(xenbus_write_read_rm),
	KUNIT_CASE(xenbus_errors),
	KUNIT_CASE(xenbus_lists_directory),
	KUNIT_CASE(xenbus_transactions),
	KUNIT_CASE(xenbus_watch_fires),
	KUNIT_CASE(xenbus_watch_events_capped),
	KUNIT_CASE(xenbus_store_storm_masked),
	KUNIT_CASE(xenbus_ring_grant_failure_revokes_first),
	KUNIT_CASE(xenbus_frontend_lifecycle));
