// SPDX-License-Identifier: MIT
/*
 * evil-common.c: the xenstore, grant and event-channel plumbing that
 * evil-blkback and evil-netback share (see evil-common.h).  Every
 * failure of dom0's own libraries ends the program with a FAIL line:
 * the job's .post then says the attack was never delivered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xenbus.h>
#include "evil-common.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s: ", evil_prog);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

void die(const char *what)
{
	say("FAIL: %s: %s", what, strerror(errno));
	exit(1);
}

bool xs_try_put(struct evil_dev *d, const char *dir, const char *node,
		const char *val, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xs_write(d->xs, d->t, path, val, len);
}

void xs_put_bytes(struct evil_dev *d, const char *dir, const char *node,
		  const void *val, size_t len)
{
	if (!xs_try_put(d, dir, node, val, len))
		die(node);
}

void xs_put(struct evil_dev *d, const char *dir, const char *node,
	    const char *val)
{
	xs_put_bytes(d, dir, node, val, strlen(val));
}

void xs_putf(struct evil_dev *d, const char *dir, const char *node,
	     const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	xs_put(d, dir, node, val);
}

/* A node's value as a number, or -1 when missing or not a number. */
long xs_num(struct evil_dev *d, const char *dir, const char *node)
{
	char path[256], *val, *end;
	unsigned int len;
	long v;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	val = xs_read(d->xs, XBT_NULL, path, &len);
	if (!val)
		return -1;
	v = strtol(val, &end, 10);
	if (end == val || *end)
		v = -1;
	free(val);
	return v;
}

/* Make @dir exist, owned by @owner, readable by @reader. */
void xs_dir(struct evil_dev *d, const char *dir, unsigned int owner,
	    unsigned int reader)
{
	struct xs_permissions perms[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader, .perms = XS_PERM_READ },
	};

	if (!xs_mkdir(d->xs, d->t, dir) ||
	    !xs_set_permissions(d->xs, d->t, dir, perms, 2))
		die(dir);
}

/* xenstore, gntdev and evtchn, for the rest of the program. */
void evil_open(struct evil_dev *d)
{
	d->xs = xs_open(0);
	d->xgt = xengnttab_open(NULL, 0);
	d->xce = xenevtchn_open(NULL, 0);
	if (!d->xs || !d->xgt || !d->xce)
		die("opening xenstore, gntdev or evtchn");
}

/*
 * Both directories of the device, linked to each other, with what
 * @nodes adds (the device's own nodes), the backend in InitWait.
 */
static void publish_nodes(struct evil_dev *d, const char *parent,
			  void (*nodes)(void *arg), void *arg)
{
	xs_dir(d, d->be, 0, d->domid);
	xs_put(d, d->be, "frontend", d->fe);
	xs_putf(d, d->be, "frontend-id", "%u", d->domid);
	xs_dir(d, parent, d->domid, 0);
	xs_dir(d, d->fe, d->domid, 0);
	xs_put(d, d->fe, "backend", d->be);
	xs_put(d, d->fe, "backend-id", "0");
	nodes(arg);
	xs_putf(d, d->be, "state", "%d", XenbusStateInitWait);
	xs_putf(d, d->fe, "state", "%d", XenbusStateInitialising);
}

/*
 * The device's two directories (the backend under backend/evil@class/,
 * which no real backend watches) in one transaction: the frontend must
 * never see half a device.
 */
void evil_publish(struct evil_dev *d, const char *class,
		  void (*nodes)(void *arg), void *arg)
{
	char parent[96];

	snprintf(d->be, sizeof(d->be), "/local/domain/0/backend/evil%s/%u/%u",
		 class, d->domid, d->devid);
	snprintf(d->fe, sizeof(d->fe), "/local/domain/%u/device/%s/%u",
		 d->domid, class, d->devid);
	snprintf(parent, sizeof(parent), "/local/domain/%u/device/%s",
		 d->domid, class);
	for (;;) {
		d->t = xs_transaction_start(d->xs);
		if (d->t == XBT_NULL)
			die("starting a transaction");
		publish_nodes(d, parent, nodes, arg);
		if (xs_transaction_end(d->xs, d->t, false))
			break;
		if (errno != EAGAIN)
			die("publishing the device");
	}
	d->t = XBT_NULL;
	say("%s %u of domain %u published (backend %s), InitWait", class,
	    d->devid, d->domid, d->be);
}

/* Wait up to 120 s for the frontend's @state, or fail. */
void evil_wait_frontend(struct evil_dev *d, int state)
{
	double until = now_s() + 120;

	while (xs_num(d, d->fe, "state") != state) {
		if (now_s() > until) {
			say("FAIL: frontend never reached state %d (state %ld)",
			    state, xs_num(d, d->fe, "state"));
			exit(1);
		}
		usleep(100000);
	}
}

/* Map the ring page whose grant reference the frontend wrote in @node. */
void *evil_map_ring(struct evil_dev *d, const char *node)
{
	long ref = xs_num(d, d->fe, node);
	void *p;

	if (ref < 0) {
		say("FAIL: frontend gave no %s", node);
		exit(1);
	}
	p = xengnttab_map_grant_ref(d->xgt, d->domid, (uint32_t)ref,
				    PROT_READ | PROT_WRITE);
	if (!p)
		die(node);
	return p;
}

/* Bind the frontend's event-channel; ours is then d->port. */
void evil_bind(struct evil_dev *d)
{
	xenevtchn_port_or_error_t local;
	long port = xs_num(d, d->fe, "event-channel");

	if (port < 0) {
		say("FAIL: frontend gave no event-channel");
		exit(1);
	}
	local = xenevtchn_bind_interdomain(d->xce, d->domid,
					   (evtchn_port_t)port);
	if (local < 0)
		die("binding the event channel");
	d->port = (evtchn_port_t)local;
}

void evil_notify(struct evil_dev *d)
{
	xenevtchn_notify(d->xce, d->port);
}

/* Non-zero bytes of @page outside [@from, @to). */
unsigned long stale_bytes(const uint8_t *page, unsigned int from,
			  unsigned int to)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < PAGE_SZ; i++)
		n += (i < from || i >= to) && page[i];
	return n;
}
