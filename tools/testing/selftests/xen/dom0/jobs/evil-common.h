/* SPDX-License-Identifier: MIT */
/*
 * evil-common.h: what evil-blkback and evil-netback share.  Both play
 * the backend of one device of a guest from dom0: they publish the
 * device's frontend and backend directories themselves, wait for the
 * frontend, map its ring pages and bind its event channel through
 * Debian's Xen libraries, and log every line with their name first.
 */
#ifndef EVIL_COMMON_H
#define EVIL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#define PAGE_SZ		4096

/* The device's side in xenstore, and the handles that reach the guest. */
struct evil_dev {
	unsigned int domid, devid;
	struct xs_handle *xs;
	xs_transaction_t t;	/* of evil_publish(), else XBT_NULL */
	xengnttab_handle *xgt;
	xenevtchn_handle *xce;
	evtchn_port_t port;	/* ours, bound to the frontend's */
	char be[128], fe[128];
};

/* The program's name, the first word of every line say() prints. */
extern const char *evil_prog;

double now_s(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *what) __attribute__((noreturn));

bool xs_try_put(struct evil_dev *d, const char *dir, const char *node,
		const char *val, size_t len);
void xs_put_bytes(struct evil_dev *d, const char *dir, const char *node,
		  const void *val, size_t len);
void xs_put(struct evil_dev *d, const char *dir, const char *node,
	    const char *val);
void xs_putf(struct evil_dev *d, const char *dir, const char *node,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
long xs_num(struct evil_dev *d, const char *dir, const char *node);
void xs_dir(struct evil_dev *d, const char *dir, unsigned int owner,
	    unsigned int reader);

void evil_open(struct evil_dev *d);
void evil_publish(struct evil_dev *d, const char *class,
		  void (*nodes)(void *arg), void *arg);
void evil_wait_frontend(struct evil_dev *d, int state);
void *evil_map_ring(struct evil_dev *d, const char *node);
void evil_bind(struct evil_dev *d);
void evil_notify(struct evil_dev *d);
unsigned long stale_bytes(const uint8_t *page, unsigned int from,
			  unsigned int to);

#endif
