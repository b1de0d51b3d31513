/* SPDX-License-Identifier: MIT */
/*
 * Internals of the Xen network frontend (xen-netfront.c), shared with its
 * self-tests (xen-netfront_test.c).  Nothing outside drivers/net uses
 * this: the rest of pvk sees the device as a struct net_device.
 */
#ifndef _DRIVERS_NET_XEN_NETFRONT_H
#define _DRIVERS_NET_XEN_NETFRONT_H

#include <pvk/types.h>
#include <pvk/net.h>
#include <pvk/spinlock.h>
#include <asm/page.h>
#include <asm/processor.h>

/* Xen's ring.h wants these three before it is included. */
#define xen_mb()	smp_mb()
#define xen_rmb()	smp_rmb()
#define xen_wmb()	smp_wmb()
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/io/netif.h>

#define XENNET_MAX_QUEUES	4
#define XENNET_TX_RING_SIZE	((unsigned int)__CONST_RING_SIZE(netif_tx, PAGE_SIZE))
#define XENNET_RX_RING_SIZE	((unsigned int)__CONST_RING_SIZE(netif_rx, PAGE_SIZE))
/* Most slots one packet may use, either way (netback's own limit). */
#define XENNET_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN
/* Largest frame pvk's stack handles; bigger received ones are dropped. */
#define XENNET_MAX_FRAME	ETH_FRAME_LEN
/*
 * Packets one rx poll hands to the stack before it leaves the rest to the
 * "netfront" thread (Linux's NAPI weight).
 */
#define XENNET_RX_BUDGET	64
/*
 * Grants a backend may keep mapped after answering, per device, before
 * the device is disabled: an honest backend unmaps before it answers, so
 * these are only ever a backend holding on to pvk's pages.  Each one
 * costs a ref and a page on the grant code's deferred list, so the limit
 * is what bounds the grants one device can take beyond its ring slots.
 */
#define XENNET_KEPT_GRANTS_MAX	16
/* ip=: how many vifs may get an address from the list. */
#define XENNET_MAX_IPS		4
/* Bounds of netfront=tx-slot=N, the most bytes per transmit slot. */
#define XENNET_TX_SLOT_MIN	128
#define XENNET_TX_SLOT_MAX	PAGE_SIZE

/* What the backend offers, from its xenstore directory. */
struct dhcp_client;

struct xennet_backend_features {
	unsigned int max_queues;	/* multi-queue-max-queues, 1 if absent */
	bool rx_copy;			/* feature-rx-copy */
	bool sg;			/* feature-sg */
	bool gso_tcpv4;			/* feature-gso-tcpv4 */
	bool no_csum_offload;		/* feature-no-csum-offload */
	bool split_evtchn;		/* feature-split-event-channels */
	bool mq_node;			/* multi-queue-max-queues was there */
};

/* netfront= on the command line; see xennet_parse_options(). */
struct xennet_options {
	bool bounce;			/* bounce buffers: no page or grant reuse */
	bool no_csum;			/* no checksum offload either way */
	bool no_sg;			/* never multi-slot */
	bool no_split;			/* one event channel per queue */
	unsigned int max_queues;	/* 0: no limit of our own */
	unsigned int tx_slot;		/* bytes per transmit slot */
};

/*
 * Reads one xenstore node, like xenbus_read(XBT_NIL, ...): returns the
 * value's length or a negative errno.  The self-tests pass fake ones.
 */
typedef int (*xennet_read_fn)(void *ctx, const char *dir, const char *node,
			      char *buf, size_t len);

/* Everything the connection needs, read and validated before it starts. */
struct xennet_config {
	u8 mac[ETH_ALEN];
	bool trusted;			/* "trusted" node; 0 selects bounce mode */
	struct xennet_backend_features be;
};

/* A data page and its grant, owned by one ring slot. */
struct xennet_buf {
	void *page;			/* NULL: none yet (or given away) */
	grant_ref_t ref;		/* INVALID_GRANT_REF: none */
	bool bounce;			/* page and ref live for one packet */
	u16 dirty_off, dirty_len;	/* bytes that may be non-zero */
};

struct xennet_tx_slot {
	struct xennet_buf buf;
	bool inflight;			/* in a request the backend owns */
};

struct xennet_rx_slot {
	struct xennet_buf buf;
	bool posted;			/* in a request the backend owns */
};

/* Per-queue counters; read without the locks (snapshots). */
struct xennet_queue_stats {
	u64 tx_packets, tx_slots, tx_busy, tx_errors, tx_csum_partial;
	u64 rx_packets, rx_slots, rx_extras, rx_dropped, rx_oversize;
	u64 rx_csum_ok, rx_csum_blank;
	u64 bad_responses;		/* malformed responses, see the log */
	u64 notify_tx, notify_rx;	/* event channel kicks we sent */
	u64 events;			/* handler runs */
	u64 grants_deferred;		/* revokes the backend made us defer */
	u64 alloc_failed;
	u64 rx_deferrals;		/* budget used up, rest left to the thread */
	u64 storms;			/* its port masked for events without work */
};

struct xennet_info;
struct xennet_queue;

/*
 * Where a device's shared rings come from: give @q a tx and an rx ring
 * page, 0 or a negative errno.  A vif found on xenbus gets the driver's
 * own, a page each granted to the backend.  Whoever plays the backend on
 * local pages itself (the self-tests) brings its own, leaving the refs
 * INVALID_GRANT_REF; xenbus_teardown_ring() then frees them either way.
 */
typedef int (*xennet_alloc_rings_t)(struct xennet_queue *q, void **tx,
				    void **rx);

struct xennet_queue {
	/*
	 * Set up once by xennet_init_netdev() and kept across reconnects:
	 * the stack may start a transmit on the queue at any time, so
	 * these are never cleared (queue_init() resets what follows them,
	 * under both locks).
	 */
	spinlock_t tx_lock;
	spinlock_t rx_lock;
	struct xennet_info *info;
	unsigned int id;
	/* Reset on every connection. */
	unsigned int cpu;		/* where its events are delivered */
	bool rx_polling;		/* a poller is delivering (rx_lock) */
	bool rx_deferred;		/* on the thread's list (its lock) */
	struct xennet_queue *rx_defer_next;
	evtchn_port_t tx_evtchn;	/* 0: none */
	evtchn_port_t rx_evtchn;	/* == tx_evtchn unless split */
	bool tx_bound, rx_bound;
	struct netif_tx_front_ring tx;
	struct netif_rx_front_ring rx;
	grant_ref_t tx_ring_ref;
	grant_ref_t rx_ring_ref;
	struct xennet_tx_slot tx_slots[XENNET_TX_RING_SIZE];
	u16 tx_free[XENNET_TX_RING_SIZE];	/* stack of free ids */
	unsigned int nr_tx_free;
	RING_IDX tx_rsp_seen, rx_rsp_seen;	/* rsp_prod at the last event */
	struct xennet_rx_slot rx_slots[XENNET_RX_RING_SIZE];
	u8 rx_frame[XENNET_MAX_FRAME];	/* multi-slot packets assembled */
	struct xennet_queue_stats stats;
};

/**
 * struct xennet_info - one vif
 * @xbdev: its xenbus device; NULL when not on xenbus
 * @rings: where its rings come from
 * @backend_id: domain that runs the backend (grants go there)
 * @netdev: what the stack sees
 * @name: "vif0", ...
 * @cfg: the configuration read at connect time
 * @num_queues: queues in use
 * @sg: multi-slot packets both ways
 * @rx_csum_blank_ok: we told the backend we take NETRXF_csum_blank
 * @bounce: bounce mode (a fresh page and grant per packet); may change at
 *	run time, each slot remembers how it was posted
 * @tx_slot_max: bytes per transmit slot (only < PAGE_SIZE with @sg)
 * @connected: rings set up and event channels bound
 * @up: registered with the stack (the backend is Connected)
 * @broken: a protocol violation stopped the device
 * @owns_ip: an address from ip= was given to this device
 * @ip_index: which one (its place in the list), when @owns_ip
 * @grants_kept: grants the backend kept mapped after answering, since
 *	the device connected (see XENNET_KEPT_GRANTS_MAX)
 * @dhcp: its DHCP client, when it got no ip= (see xennet_bring_up())
 * @broken_why: what the violation was, for the log and the tests
 * @queues: @num_queues of them in use
 */
struct xennet_info {
	struct xenbus_device *xbdev;
	xennet_alloc_rings_t alloc_rings;
	domid_t backend_id;
	struct net_device netdev;
	char name[16];
	struct xennet_config cfg;
	unsigned int num_queues;
	bool sg;
	bool rx_csum_blank_ok;
	bool bounce;
	unsigned int tx_slot_max;
	bool connected;
	bool up;
	bool broken;
	bool owns_ip;			/* got ip= from the command line */
	unsigned int ip_index;
	unsigned int grants_kept;
	struct dhcp_client *dhcp;
	char broken_why[160];
	struct xennet_info *next;
	struct xennet_queue queues[XENNET_MAX_QUEUES];
};

/* Parsing and validation, xen-netfront-config.c (also used by the self-tests). */
int xennet_parse_mac(const char *s, u8 mac[ETH_ALEN]);
int xennet_parse_options(const char *s, struct xennet_options *opt);
int xennet_read_config(xennet_read_fn read, void *ctx, const char *name,
		       const char *nodename, const char *otherend,
		       struct xennet_config *cfg);

/* Checks of the backend's responses, xen-netfront-rsp.c (also the host's). */
bool xennet_rsp_prod_ok(RING_IDX rsp_prod, RING_IDX rsp_cons,
			RING_IDX req_prod);
int xennet_tx_rsp_check(const struct netif_tx_response *rsp,
			const struct xennet_tx_slot *slots);
int xennet_rx_rsp_check(const struct netif_rx_response *rsp, RING_IDX cons);
bool xennet_kept_grants_ok(unsigned int kept);
int xennet_ip_nth(const char *list, unsigned int n, char *out, size_t len);
bool xennet_rx_extra_type_ok(const struct netif_extra_info *extra);
bool xennet_rx_extra_chain_ok(const struct netif_extra_info *extra,
			      unsigned int n);

/*
 * The steps of a connection that do not involve xenbus, which the
 * self-tests use to attach a device of their own: the stack's view, the
 * queues on rings from @info->alloc_rings (no event channel bound: notifications are
 * skipped), buffers posted; and all of it undone.
 */
void xennet_init_netdev(struct xennet_info *info);
int xennet_setup_queues(struct xennet_info *info);
void xennet_start(struct xennet_info *info);
void xennet_disconnect(struct xennet_info *info);
void xennet_rx_poll(struct xennet_queue *q);
void xennet_tx_poll(struct xennet_queue *q);
int xennet_xmit_queue(struct xennet_queue *q, const void *frame, size_t len);

/* ip= and netfront= on the command line ("" when absent). */
extern char xennet_ip[80];
extern char xennet_options_arg[64];

/* The devices, for users other than the stack (serve mode, self-tests). */
struct xennet_info *xennet_first(void);
bool xennet_wait_up(unsigned int timeout_ms);
void xennet_stats_sum(struct xennet_info *info, struct xennet_queue_stats *sum);
void xennet_print_info(struct xennet_info *info);

#endif /* _DRIVERS_NET_XEN_NETFRONT_H */
