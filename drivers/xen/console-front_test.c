// SPDX-License-Identifier: MIT
/*
 * Self-tests of the console frontend (console-front.c), suite
 * "xen_console_front":
 *  - a fake backend: a channel attached without xenbus, whose ring page
 *    the test writes from the backend's side, checks both directions
 *    across many wrap-arounds, the bounded waits, and that impossible
 *    indexes break the channel without a byte outside the ring (or past
 *    the caller's buffer) being touched; these run everywhere;
 *  - fake devices in xenstore (a Xen PV domU whose device/ is writable,
 *    as the dom0 stack's jobs make it): malformed ones are refused, and
 *    one whose backend state the test drives connects, closes,
 *    reconnects and goes away through the real xenbus core;
 *  - the channel named XENCONS_TEST_CHANNEL (the dom0 job
 *    tools/testing/selftests/xen/dom0/jobs/con-10-channel: xl channel
 *    on a unix socket, dom0 echoes): a line and 8 KiB, echoed back.
 *    Skipped without that channel.
 * Lines starting with "xencons-test:" are read by the job's post script.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include "console-front-internal.h"

#define XENCONS_TEST_CHANNEL	"org.pvk.test"
#define HELLO_LINE		"pvk-channel-test: hello from pvk over " \
				XENCONS_TEST_CHANNEL "\n"
#define BULK_MARK		"#BULK#"
#define BULK_BYTES		8192
#define CONNECT_MS		60000
#define ECHO_MS			90000
#define RESEND_MS		2000
#define XS_WAIT_MS		10000
#define FAKE_ID			"99"
#define FAKE_NAME		"org.pvk.fake-reconnect"

/* ---- a fake backend on a local ring ---------------------------------------- */

/*
 * A connected channel without xenbus: a zeroed ring page, not granted,
 * and no event channel.  The test writes the backend's side of *@intf.
 * Returns the channel with one reference, or NULL (no memory).
 */
static struct xencons_channel *fake_attach(const char *name,
					   struct xencons_interface **intf)
{
	struct xencons_channel *ch = xencons_chan_alloc(name, "self-test");

	if (!ch)
		return NULL;
	*intf = alloc_page_zeroed();
	if (!*intf) {
		xencons_put(ch);
		return NULL;
	}
	xencons_chan_set_ring(ch, *intf, INVALID_GRANT_REF, 0);
	xencons_chan_backend_up(ch);
	return ch;
}

/* Free the ring (not granted: xenbus_teardown_ring() frees the page). */
static void fake_detach(struct xencons_channel *ch)
{
	xencons_chan_disconnect(ch);
	xencons_put(ch);
}

static u8 pattern(unsigned int i, unsigned int seed)
{
	return (u8)(i * 131 + seed * 7 + (i >> 8));
}

/* The backend takes what pvk produced; false if it differs from @seed's. */
static bool fake_take_out(struct xencons_interface *intf, unsigned int n,
			  unsigned int seed)
{
	XENCONS_RING_IDX cons = intf->out_cons;
	bool ok = intf->out_prod - cons == n;

	for (unsigned int i = 0; ok && i < n; i++)
		ok = (u8)intf->out[MASK_XENCONS_IDX(cons + i, intf->out)] ==
		     pattern(i, seed);
	intf->out_cons = intf->out_prod;
	return ok;
}

/* The backend produces @n bytes of @seed's pattern into in. */
static void fake_put_in(struct xencons_interface *intf, unsigned int n,
			unsigned int seed)
{
	XENCONS_RING_IDX prod = intf->in_prod;

	for (unsigned int i = 0; i < n; i++)
		intf->in[MASK_XENCONS_IDX(prod + i, intf->in)] = (char)pattern(i, seed);
	smp_wmb();
	intf->in_prod = prod + n;
}

/* Both directions, sizes up to each ring's size, many wrap-arounds. */
static void xencons_fake_round_trip(struct kunit *test)
{
	struct xencons_interface *intf;
	struct xencons_channel *ch = fake_attach("fake", &intf);
	u8 *buf = kmalloc(2 * PAGE_SIZE);
	unsigned int round, bad = 0;

	KUNIT_ASSERT_TRUE(test, ch && buf);
	for (round = 0; round < 64 && !bad; round++) {
		unsigned int out_n = 1 + (round * 389) % sizeof(intf->out);
		unsigned int in_n = 1 + (round * 211) % sizeof(intf->in);
		long got;

		for (unsigned int i = 0; i < out_n; i++)
			buf[i] = pattern(i, round);
		got = xencons_write(ch, buf, out_n, 1000);
		if (got != (long)out_n || !fake_take_out(intf, out_n, round))
			bad = round + 1;
		fake_put_in(intf, in_n, round);
		memset(buf, 0, in_n);
		got = xencons_read(ch, buf, 2 * PAGE_SIZE, 1000);
		if (got != (long)in_n || intf->in_cons != intf->in_prod)
			bad = round + 1;
		for (unsigned int i = 0; i < in_n && !bad; i++)
			if (buf[i] != pattern(i, round))
				bad = round + 1;
	}
	if (bad)
		kunit_fail(test, __FILE__, __LINE__, "round %u went wrong", bad - 1);
	kunit_info(test, "%u rounds, out index %u, in index %u", round,
		   intf->out_prod, intf->in_prod);

	/* A short read takes only what was asked for; the rest stays. */
	fake_put_in(intf, 100, 1);
	KUNIT_EXPECT_EQ(test, xencons_read(ch, buf, 10, 100), 10);
	KUNIT_EXPECT_EQ(test, xencons_read(ch, buf + 10, 200, 100), 90);
	for (unsigned int i = 0; i < 100; i++)
		if (buf[i] != pattern(i, 1)) {
			kunit_fail(test, __FILE__, __LINE__, "byte %u of a split read", i);
			break;
		}
	KUNIT_EXPECT_FALSE(test, xencons_broken(ch));
	kfree(buf);
	fake_detach(ch);
}

/* Nobody consumes: a writer gets what fit once its time is over. */
static void xencons_fake_full_ring_times_out(struct kunit *test)
{
	struct xencons_interface *intf;
	struct xencons_channel *ch = fake_attach("fake", &intf);
	u8 *buf = kzalloc(3000);
	u64 t0, ms;

	KUNIT_ASSERT_TRUE(test, ch && buf);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 3000, 300), sizeof(intf->out));
	ms = (ktime_get_ns() - t0) / NSEC_PER_MSEC;
	KUNIT_EXPECT_TRUE(test, ms >= 290 && ms < 3000);
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 1, 100), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, xencons_read(ch, buf, 1, 100), -ETIMEDOUT);
	/* The backend frees 100 bytes: exactly those are written. */
	intf->out_cons += 100;
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 200, 100), 100);
	KUNIT_EXPECT_EQ(test, intf->out_prod - intf->out_cons, sizeof(intf->out));
	KUNIT_EXPECT_FALSE(test, xencons_broken(ch));
	kfree(buf);
	fake_detach(ch);
}

/* Fill the page past the ring with a pattern the tests check later. */
static void mark_tail(struct xencons_interface *intf)
{
	memset((u8 *)intf + sizeof(*intf), 0x5a, PAGE_SIZE - sizeof(*intf));
}

static bool tail_intact(struct xencons_interface *intf)
{
	const u8 *p = (const u8 *)intf;

	for (size_t i = sizeof(*intf); i < PAGE_SIZE; i++)
		if (p[i] != 0x5a)
			return false;
	return true;
}

/* in_prod more than a ring ahead (or behind): broken, nothing copied. */
static void xencons_fake_bad_in_prod(struct kunit *test)
{
	static const XENCONS_RING_IDX bad[] = { 1025, 0xffffffffU, 0x80000000U };
	u8 buf[64];

	for (unsigned int k = 0; k < ARRAY_SIZE(bad); k++) {
		struct xencons_interface *intf;
		struct xencons_channel *ch = fake_attach("fake", &intf);

		KUNIT_ASSERT_TRUE(test, ch != NULL);
		mark_tail(intf);
		memset(intf->in, 'x', sizeof(intf->in));
		intf->in_prod = bad[k];
		memset(buf, 0xa5, sizeof(buf));
		KUNIT_EXPECT_EQ(test, xencons_read(ch, buf, 16, 100), -EIO);
		KUNIT_EXPECT_TRUE(test, xencons_broken(ch));
		for (unsigned int i = 0; i < sizeof(buf); i++)
			if (buf[i] != 0xa5) {
				kunit_fail(test, __FILE__, __LINE__,
					   "in_prod %#x: buffer byte %u written",
					   bad[k], i);
				break;
			}
		KUNIT_EXPECT_EQ(test, intf->in_cons, 0);
		/* Broken is broken both ways, and says so at once. */
		KUNIT_EXPECT_EQ(test, xencons_write(ch, "x", 1, 100), -EIO);
		KUNIT_EXPECT_EQ(test, intf->out_prod, 0);
		KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, 100), -EIO);
		KUNIT_EXPECT_TRUE(test, tail_intact(intf));
		fake_detach(ch);
	}
}

/* out_cons ahead of what pvk produced, or a ring behind: broken. */
static void xencons_fake_bad_out_cons(struct kunit *test)
{
	struct xencons_interface *intf;
	struct xencons_channel *ch = fake_attach("fake", &intf);
	u8 buf[16] = { 0 };

	KUNIT_ASSERT_TRUE(test, ch != NULL);
	mark_tail(intf);
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 10, 100), 10);
	intf->out_cons = 11;
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 1, 100), -EIO);
	KUNIT_EXPECT_TRUE(test, xencons_broken(ch));
	KUNIT_EXPECT_EQ(test, intf->out_prod, 10);
	KUNIT_EXPECT_EQ(test, xencons_read(ch, buf, 1, 100), -EIO);
	KUNIT_EXPECT_TRUE(test, tail_intact(intf));
	fake_detach(ch);

	ch = fake_attach("fake", &intf);
	KUNIT_ASSERT_TRUE(test, ch != NULL);
	/* A consumer 2049 bytes behind a producer of 0: more than the ring. */
	intf->out_cons = (XENCONS_RING_IDX)-2049;
	KUNIT_EXPECT_EQ(test, xencons_write(ch, buf, 1, 100), -EIO);
	KUNIT_EXPECT_EQ(test, intf->out_prod, 0);
	fake_detach(ch);
}

/* ---- fake devices in xenstore ----------------------------------------------- */

static char fake_be[64];

static bool need_xenstore(struct kunit *test)
{
	if (!xenbus_available()) {
		kunit_skip(test, "no xenstore (not a Xen PV domU)");
		return false;
	}
	return true;
}

/*
 * xl keeps device/ (and device/console/ of a guest with channels)
 * read-only to the guest; the dom0 stack's jobs hand them over shortly
 * after the domain is created.  Returns false (skipped) if that never
 * happens.
 */
static bool devices_writable(struct kunit *test)
{
	unsigned int domid;
	int err = -EACCES;

	if (xenbus_read_uint(XBT_NIL, "domid", NULL, &domid)) {
		kunit_fail(test, __FILE__, __LINE__, "no domid node");
		return false;
	}
	snprintf(fake_be, sizeof(fake_be), "/local/domain/%u/data/pvk-fakecons",
		 domid);
	for (unsigned int t = 0; t < 5000 && err == -EACCES; t += 100) {
		err = xenbus_write(XBT_NIL, "device/console", NULL, "");
		if (err == -EACCES)
			msleep(100);
	}
	if (err == -EACCES) {
		kunit_skip(test, "device/console is not writable for this domain "
			   "(the pvk dom0 stack jobs make it so)");
		return false;
	}
	KUNIT_EXPECT_EQ(test, err, 0);
	return !err;
}

/* device/console/@id, backend @fake_be/@id in state Initialising. */
static int fake_device(struct xenbus_transaction t, const char *id,
		       const char *backend_id, const char *name)
{
	char fe[48], be[96];

	snprintf(fe, sizeof(fe), "device/console/%s", id);
	snprintf(be, sizeof(be), "%s/%s", fake_be, id);
	return xenbus_printf(t, be, "state", "%d", XenbusStateInitialising) ?:
	       xenbus_write(t, fe, "backend", be) ?:
	       xenbus_write(t, fe, "backend-id", backend_id) ?:
	       xenbus_printf(t, fe, "state", "%d", XenbusStateInitialising) ?:
	       (name ? xenbus_write(t, fe, "name", name) : 0);
}

static bool wait_refused(unsigned int n)
{
	for (unsigned int t = 0; t < XS_WAIT_MS; t += 20) {
		if (xencons_nr_refused() >= n)
			return true;
		msleep(20);
	}
	return false;
}

/* Until a channel of that name exists (@present) or no longer does. */
static bool wait_channel(const char *name, bool present)
{
	for (unsigned int t = 0; t < XS_WAIT_MS; t += 20) {
		struct xencons_channel *ch = xencons_get(name);

		xencons_put(ch);
		if (!!ch == present)
			return true;
		msleep(20);
	}
	return false;
}

static void remove_fakes(const char *const *ids, unsigned int n)
{
	char fe[48];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(fe, sizeof(fe), "device/console/%s", ids[i]);
		xenbus_rm(XBT_NIL, fe, NULL);
	}
	xenbus_rm(XBT_NIL, fake_be, NULL);
}

/* Malformed devices are refused with a reason and pvk goes on. */
static void xencons_malformed_refused(struct kunit *test)
{
	static const char *const ids[] = { "0", "98", "97", "96", "95", "94" };
	unsigned int refused0 = xencons_nr_refused();
	struct xenbus_transaction t;
	struct xencons_channel *ch;
	int err;

	if (!need_xenstore(test) || !devices_writable(test))
		return;
	remove_fakes(ids, ARRAY_SIZE(ids));
	do {
		KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
		err = fake_device(t, "0", "0", "org.pvk.zero") ?:	/* the primary's id */
		      fake_device(t, "98", "0", NULL) ?:		/* no name */
		      fake_device(t, "97", "0", "bad name") ?:		/* a space */
		      fake_device(t, "96", "0", "org.pvk.dup") ?:	/* the same name */
		      fake_device(t, "95", "0", "org.pvk.dup") ?:	/* twice */
		      fake_device(t, "94", "banana", "org.pvk.badid");	/* backend-id */
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
	} while (err == -EAGAIN);
	KUNIT_ASSERT_TRUE(test, err == 0);
	KUNIT_EXPECT_TRUE(test, wait_refused(refused0 + 4));
	KUNIT_EXPECT_TRUE(test, wait_channel("org.pvk.dup", true));
	ch = xencons_get("org.pvk.zero");
	KUNIT_EXPECT_TRUE(test, ch == NULL);
	xencons_put(ch);
	ch = xencons_get("org.pvk.badid");
	KUNIT_EXPECT_TRUE(test, ch == NULL);
	xencons_put(ch);
	pr_raw("xencons-test: refused=%u\n", xencons_nr_refused() - refused0);
	remove_fakes(ids, ARRAY_SIZE(ids));
	KUNIT_EXPECT_TRUE(test, wait_channel("org.pvk.dup", false));
}

static int be_set(enum xenbus_state s)
{
	char be[96];

	snprintf(be, sizeof(be), "%s/" FAKE_ID, fake_be);
	return xenbus_printf(XBT_NIL, be, "state", "%d", s);
}

static bool wait_front(enum xenbus_state s)
{
	for (unsigned int t = 0; t < XS_WAIT_MS; t += 20) {
		unsigned int v;

		if (!xenbus_read_uint(XBT_NIL, "device/console/" FAKE_ID, "state", &v) &&
		    v == (unsigned int)s)
			return true;
		msleep(20);
	}
	return false;
}

static bool ring_nodes(void)
{
	return xenbus_exists(XBT_NIL, "device/console/" FAKE_ID, "ring-ref") &&
	       xenbus_exists(XBT_NIL, "device/console/" FAKE_ID, "port");
}

/*
 * The backend's states, played by the test: connect, close (the ring
 * nodes go, writes wait and time out), reconnect on a fresh ring, and
 * removal (a held channel then fails with -ENODEV).
 */
static void xencons_fake_backend_reconnect(struct kunit *test)
{
	static const char *const ids[] = { FAKE_ID };
	unsigned int deferred0 = gnttab_deferred_count();
	struct xenbus_transaction t;
	struct xencons_channel *ch;
	unsigned int ref1 = 0, ref2 = 0;
	int err;

	if (!need_xenstore(test) || !devices_writable(test))
		return;
	remove_fakes(ids, 1);
	do {
		KUNIT_ASSERT_TRUE(test, xenbus_transaction_start(&t) == 0);
		err = fake_device(t, FAKE_ID, "0", FAKE_NAME);
		if (err) {
			xenbus_transaction_end(t, true);
			break;
		}
		err = xenbus_transaction_end(t, false);
	} while (err == -EAGAIN);
	KUNIT_ASSERT_TRUE(test, err == 0);
	KUNIT_ASSERT_TRUE(test, wait_channel(FAKE_NAME, true));
	ch = xencons_get(FAKE_NAME);
	KUNIT_ASSERT_TRUE(test, ch != NULL);
	KUNIT_EXPECT_FALSE(test, ring_nodes());

	KUNIT_EXPECT_EQ(test, be_set(XenbusStateInitWait), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateInitialised));
	KUNIT_EXPECT_TRUE(test, ring_nodes());
	xenbus_read_uint(XBT_NIL, "device/console/" FAKE_ID, "ring-ref", &ref1);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateConnected), 0);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, XS_WAIT_MS), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateConnected));
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "hello", 5, 1000), 5);

	/* The backend closes: torn down, nothing published, writes wait. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateClosing), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateClosed));
	KUNIT_EXPECT_FALSE(test, ring_nodes());
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "x", 1, 200), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, 200), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateClosed), 0);

	/* It comes back: a fresh ring, connected again. */
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateInitWait), 0);
	KUNIT_EXPECT_TRUE(test, wait_front(XenbusStateInitialised));
	KUNIT_EXPECT_TRUE(test, ring_nodes());
	xenbus_read_uint(XBT_NIL, "device/console/" FAKE_ID, "ring-ref", &ref2);
	KUNIT_EXPECT_EQ(test, be_set(XenbusStateConnected), 0);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, XS_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "again", 5, 1000), 5);
	kunit_info(test, "ring-ref %u, then %u after the reconnection", ref1, ref2);

	/* The device goes away under a holder of the channel. */
	remove_fakes(ids, 1);
	KUNIT_EXPECT_TRUE(test, wait_channel(FAKE_NAME, false));
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "x", 1, 1000), -ENODEV);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, 1000), -ENODEV);
	xencons_put(ch);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0);
}

/*
 * A restore through the driver's hooks on a local ring: the connection
 * is gone at once (no waiting for a backend that went with the old
 * domain), the old ring is dropped, callers wait for the new one, and
 * a new ring starts from index 0.
 */
static void xencons_fake_restore_drops_ring(struct kunit *test)
{
	struct xencons_interface *intf, *fresh;
	struct xencons_channel *ch = fake_attach("fake-restore", &intf);
	struct xenbus_device dev = { .priv = ch };

	KUNIT_ASSERT_TRUE(test, ch != NULL);
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "old", 3, 1000), 3);
	xencons_channels_lost(&dev);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, 100), -ETIMEDOUT);
	/* The old ring page is freed here: not looked at again. */
	xencons_resume(&dev);
	xencons_resume(&dev);	/* nothing left to drop: harmless */
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "x", 1, 200), -ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, xencons_broken(ch));

	fresh = alloc_page_zeroed();
	KUNIT_ASSERT_TRUE(test, fresh != NULL);
	xencons_chan_set_ring(ch, fresh, INVALID_GRANT_REF, 0);
	xencons_chan_backend_up(ch);
	KUNIT_EXPECT_EQ(test, xencons_wait_connected(ch, 1000), 0);
	KUNIT_EXPECT_EQ(test, xencons_write(ch, "new", 3, 1000), 3);
	KUNIT_EXPECT_EQ(test, fresh->out_prod, 3U);
	KUNIT_EXPECT_EQ(test, memcmp(fresh->out, "new", 3), 0);
	fake_detach(ch);
}

/* ---- the channel dom0 echoes ----------------------------------------------- */

/* Offset of the first @want in @buf[0..@len), or -1. */
static long find_bytes(const char *buf, size_t len, const char *want)
{
	size_t n = strlen(want);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(buf + i, want, n))
			return (long)i;
	return -1;
}

static struct xencons_channel *test_channel(struct kunit *test)
{
	struct xencons_channel *ch = xencons_get(XENCONS_TEST_CHANNEL);
	int err;

	if (!ch) {
		kunit_skip(test, "no channel named " XENCONS_TEST_CHANNEL
			   " (xl channel = [ '...,name=" XENCONS_TEST_CHANNEL "' ])");
		return NULL;
	}
	err = xencons_wait_connected(ch, CONNECT_MS);
	if (err) {
		kunit_fail(test, __FILE__, __LINE__, "%s not connected: %d",
			   xencons_name(ch), err);
		xencons_put(ch);
		return NULL;
	}
	return ch;
}

/*
 * Read into @buf (keeping its last quarter when it fills) until @want shows
 * up, or @deadline; the line is resent every RESEND_MS when @resend,
 * since the device model drops what arrives before dom0 connects.
 */
static bool echo_until(struct xencons_channel *ch, char *buf, size_t size,
		       const char *want, u64 deadline, const char *resend,
		       unsigned int *sends)
{
	u64 next_send = 0;
	size_t have = 0;

	while (ktime_get_ns() < deadline) {
		long n;

		if (resend && ktime_get_ns() >= next_send) {
			if (xencons_write(ch, resend, strlen(resend), 5000) < 0)
				return false;
			(*sends)++;
			next_send = ktime_get_ns() + RESEND_MS * NSEC_PER_MSEC;
		}
		n = xencons_read(ch, buf + have, size - have, 200);
		if (n == -ETIMEDOUT)
			continue;
		if (n < 0)
			return false;
		have += (size_t)n;
		if (find_bytes(buf, have, want) >= 0)
			return true;
		if (have > size / 2) {
			memmove(buf, buf + have - size / 4, size / 4);
			have = size / 4;
		}
	}
	return false;
}

/* A line pvk writes comes back from dom0's echo. */
static void xencons_channel_echo(struct kunit *test)
{
	struct xencons_channel *ch = test_channel(test);
	unsigned int sends = 0;
	u64 t0 = ktime_get_ns();
	char *buf;
	bool ok;

	if (!ch)
		return;
	buf = kmalloc(1024);
	KUNIT_ASSERT_TRUE(test, buf != NULL);
	ok = echo_until(ch, buf, 1024, HELLO_LINE,
			t0 + ECHO_MS * NSEC_PER_MSEC, HELLO_LINE, &sends);
	KUNIT_EXPECT_TRUE(test, ok);
	if (ok)
		pr_raw("xencons-test: echo of %s ok after %u sends, %llu ms\n",
		       xencons_name(ch), sends,
		       (unsigned long long)((ktime_get_ns() - t0) / NSEC_PER_MSEC));
	kfree(buf);
	xencons_put(ch);
}

/* 8 KiB, several times each ring, come back in order and intact. */
static void xencons_channel_bulk(struct kunit *test)
{
	struct xencons_channel *ch = test_channel(test);
	size_t mark = strlen(BULK_MARK), have = 0;
	u64 deadline = ktime_get_ns() + ECHO_MS * NSEC_PER_MSEC;
	char *out, *in;
	long start = -1;
	const size_t in_size = 4 * BULK_BYTES;
	long n;

	if (!ch)
		return;
	out = kmalloc(BULK_BYTES + mark);
	in = kmalloc(in_size);
	KUNIT_ASSERT_TRUE(test, out && in);
	/* Letters and newlines: never the mark, which has no letter. */
	memcpy(out, BULK_MARK, mark);
	for (unsigned int i = 0; i < BULK_BYTES; i++)
		out[mark + i] = (i % 64 == 63) ? '\n' : (char)('a' + (i * 7 + i / 64) % 26);
	n = xencons_write(ch, out, BULK_BYTES + mark, ECHO_MS);
	KUNIT_EXPECT_EQ(test, n, (long)(BULK_BYTES + mark));
	while (ktime_get_ns() < deadline && have < in_size) {
		n = xencons_read(ch, in + have, in_size - have, 200);
		if (n == -ETIMEDOUT)
			continue;
		if (n < 0)
			break;
		have += (size_t)n;
		/* Older echoes (the hello line) may come first. */
		if (start < 0)
			start = find_bytes(in, have, BULK_MARK);
		if (start >= 0 && have - (size_t)start >= BULK_BYTES + mark)
			break;
	}
	if (start < 0 || have - (size_t)start < BULK_BYTES + mark) {
		kunit_fail(test, __FILE__, __LINE__, "%zu bytes back, mark at %ld",
			   have, start);
	} else if (memcmp(in + start, out, BULK_BYTES + mark)) {
		kunit_fail(test, __FILE__, __LINE__, "the echo differs");
	} else {
		pr_raw("xencons-test: bulk %u bytes echoed intact\n", BULK_BYTES);
	}
	kfree(out);
	kfree(in);
	xencons_put(ch);
}

SELFTEST_SUITE(xen_console_front,
	KUNIT_CASE(xencons_fake_round_trip),
	KUNIT_CASE(xencons_fake_full_ring_times_out),
	KUNIT_CASE(xencons_fake_bad_in_prod),
	KUNIT_CASE(xencons_fake_bad_out_cons),
	KUNIT_CASE(xencons_malformed_refused),
	KUNIT_CASE(xencons_fake_backend_reconnect),
	KUNIT_CASE(xencons_fake_restore_drops_ring),
	KUNIT_CASE(xencons_channel_echo),
	KUNIT_CASE(xencons_channel_bulk));
