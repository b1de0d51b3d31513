// SPDX-License-Identifier: MIT
/*
 * Self-tests of the Xen network frontend.
 *
 * Suite "netfront":
 *  - parsing: the mac node, netfront= and whole xenstore configurations,
 *    including the malformed ones a device must be refused for;
 *  - a fake backend: a device attached without xenbus whose rings the
 *    test drives from the backend's side (it owns every page), so
 *    multi-slot transmit, multi-slot and extra-info receive, checksum
 *    flags, bounce mode, a grant the "backend" still maps and every kind
 *    of malformed response are checked without depending on netback;
 *  - the real vif (skipped without one): connected with its features
 *    logged, ARP and ping to dom0 (the first host of the subnet, 10.0.0.1
 *    with ip=10.0.0.2/24), multi-slot transmit, bounce mode and every
 *    queue carrying traffic, and UDP to an echo server in dom0 with and
 *    without checksum offload (skipped if dom0 runs none).
 *
 * The suite "netfront_serve" (xen-netfront_serve_test.c) keeps the vif
 * serving while dom0 drives traffic at it.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/net/proto.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/time.h>
#include "../xen/grant-table-internal.h"
#include "xen-netfront.h"

#define FAKE_DOMID	0x7fe0		/* no such domain: entries are only written */
#define FAKE_IP		"192.168.77.2/24"
#define FAKE_PEER_IP	IPV4(192, 168, 77, 1)
#define FAKE_MY_IP	IPV4(192, 168, 77, 2)
#define FAKE_PORT	4001
#define PEER_PORT	4000
#define UP_TIMEOUT_MS	30000
#define PING_ID		0x6e66		/* "nf" */
#define DOM0_ECHO_PORT	7

/* ---- parsing -------------------------------------------------------------- */

static void netfront_parse_mac(struct kunit *test)
{
	static const char *const bad[] = {
		"", "00:16:3e:00:00", "00:16:3e:00:00:1", "00:16:3e:00:00:100",
		"00-16-3e-00-00-10", "00:16:3e:00:00:1g", " 0:16:3e:00:00:10",
		"01:00:5e:00:00:01",	/* multicast */
		"ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00",
	};
	u8 mac[ETH_ALEN] = { 0 };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, xennet_parse_mac("00:16:3e:0A:bc:10", mac), 0);
	KUNIT_EXPECT_EQ(test, mac[0], 0x00);
	KUNIT_EXPECT_EQ(test, mac[2], 0x3e);
	KUNIT_EXPECT_EQ(test, mac[3], 0x0a);
	KUNIT_EXPECT_EQ(test, mac[4], 0xbc);
	KUNIT_EXPECT_EQ(test, mac[5], 0x10);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (xennet_parse_mac(bad[i], mac) != -EINVAL)
			kunit_fail(test, __FILE__, __LINE__, "accepted mac '%s'",
				   bad[i]);
	KUNIT_EXPECT_EQ(test, xennet_parse_mac(NULL, mac), -EINVAL);
	/* A refused string leaves the old value alone. */
	KUNIT_EXPECT_EQ(test, mac[5], 0x10);
}

static void netfront_parse_options(struct kunit *test)
{
	struct xennet_options o;

	KUNIT_EXPECT_EQ(test, xennet_parse_options("", &o), 0);
	KUNIT_EXPECT_FALSE(test, o.bounce || o.no_csum || o.no_sg || o.no_split);
	KUNIT_EXPECT_EQ(test, o.tx_slot, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, o.max_queues, 0);
	KUNIT_EXPECT_EQ(test, xennet_parse_options(
		"bounce,no-csum,no-sg,no-split,queues=2,tx-slot=256", &o), 0);
	KUNIT_EXPECT_TRUE(test, o.bounce && o.no_csum && o.no_sg && o.no_split);
	KUNIT_EXPECT_EQ(test, o.max_queues, 2);
	KUNIT_EXPECT_EQ(test, o.tx_slot, 256);
	/* Bad words are ignored, the good ones still apply. */
	KUNIT_EXPECT_EQ(test, xennet_parse_options("bounce,fast", &o), -EINVAL);
	KUNIT_EXPECT_TRUE(test, o.bounce);
	KUNIT_EXPECT_EQ(test, xennet_parse_options("queues=0", &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, o.max_queues, 0);
	KUNIT_EXPECT_EQ(test, xennet_parse_options("queues=9", &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, xennet_parse_options("tx-slot=64", &o), -EINVAL);
	KUNIT_EXPECT_EQ(test, o.tx_slot, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, xennet_parse_options("tx-slot=4096", &o), 0);
	KUNIT_EXPECT_EQ(test, xennet_parse_options("tx-slot=12x", &o), -EINVAL);
}

/* A fake xenstore: "dir/node" = value, NULL value = missing. */
struct fake_node {
	const char *path;
	const char *value;
};

struct fake_store {
	const struct fake_node *nodes;
	unsigned int n;
	const char *override_path;	/* replaces one node's value */
	const char *override_value;
};

static int fake_read(void *ctx, const char *dir, const char *node, char *buf,
		     size_t len)
{
	const struct fake_store *st = ctx;
	const char *value = NULL;
	char path[96];
	unsigned int i;
	bool found = false;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	if (st->override_path && !strcmp(st->override_path, path)) {
		value = st->override_value;
		found = true;
	}
	for (i = 0; i < st->n && !found; i++) {
		if (!strcmp(st->nodes[i].path, path)) {
			value = st->nodes[i].value;
			found = true;
		}
	}
	if (!value)
		return -ENOENT;
	if (strlen(value) >= len) {
		buf[0] = '\0';
		return -E2BIG;
	}
	strlcpy(buf, value, len);
	return (int)strlen(value);
}

static const struct fake_node good_nodes[] = {
	{ "fe/mac", "00:16:3e:00:00:10" },
	{ "be/feature-rx-copy", "1" },
	{ "be/feature-sg", "1" },
	{ "be/feature-gso-tcpv4", "1" },
	{ "be/feature-split-event-channels", "1" },
	{ "be/multi-queue-max-queues", "2" },
};

static int read_with(const char *path, const char *value,
		     struct xennet_config *cfg)
{
	struct fake_store st = { good_nodes, ARRAY_SIZE(good_nodes), path, value };

	return xennet_read_config(fake_read, &st, "test", "fe", "be", cfg);
}

static void netfront_config_validation(struct kunit *test)
{
	static const struct { const char *path, *value; } refused[] = {
		{ "fe/mac", NULL },			/* missing mac */
		{ "fe/mac", "00:16:3e:00:00" },
		{ "fe/mac", "01:16:3e:00:00:10" },	/* multicast */
		{ "fe/mac", "00:16:3e:00:00:10:00:00:00:00:00:00:00:00:00:00" },
		{ "fe/trusted", "maybe" },
		{ "be/multi-queue-max-queues", "0" },
		{ "be/multi-queue-max-queues", "two" },
		{ "be/multi-queue-max-queues", "-1" },
		{ "be/multi-queue-max-queues", "99999999999" },
		{ "be/multi-queue-max-queues", "" },
		{ "be/feature-sg", "yes" },
		{ "be/feature-split-event-channels", "1 " },
		{ "be/feature-rx-copy", NULL },		/* would need page flipping */
		{ "be/feature-rx-copy", "0" },
		{ "be/feature-rx-copy", "0x1" },
		{ "be/feature-no-csum-offload", "123456789012345678901234567890" },
	};
	struct xennet_config cfg;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, read_with(NULL, NULL, &cfg) == 0);
	KUNIT_EXPECT_EQ(test, cfg.mac[5], 0x10);
	KUNIT_EXPECT_TRUE(test, cfg.trusted);
	KUNIT_EXPECT_TRUE(test, cfg.be.rx_copy && cfg.be.sg && cfg.be.gso_tcpv4);
	KUNIT_EXPECT_TRUE(test, cfg.be.split_evtchn && cfg.be.mq_node);
	KUNIT_EXPECT_FALSE(test, cfg.be.no_csum_offload);
	KUNIT_EXPECT_EQ(test, cfg.be.max_queues, 2);

	/* Optional nodes take Xen's defaults. */
	KUNIT_EXPECT_EQ(test, read_with("be/multi-queue-max-queues", NULL, &cfg), 0);
	KUNIT_EXPECT_EQ(test, cfg.be.max_queues, 1);
	KUNIT_EXPECT_FALSE(test, cfg.be.mq_node);
	KUNIT_EXPECT_EQ(test, read_with("fe/trusted", "0", &cfg), 0);
	KUNIT_EXPECT_FALSE(test, cfg.trusted);
	KUNIT_EXPECT_EQ(test, read_with("be/feature-no-csum-offload", "1", &cfg), 0);
	KUNIT_EXPECT_TRUE(test, cfg.be.no_csum_offload);

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		int err = read_with(refused[i].path, refused[i].value, &cfg);

		if (err != -EINVAL)
			kunit_fail(test, __FILE__, __LINE__,
				   "%s = '%s' gave %d, not -EINVAL", refused[i].path,
				   refused[i].value ? refused[i].value : "(missing)",
				   err);
	}
}

/* ---- a fake backend -------------------------------------------------------- */

static struct xennet_info *fake;
static RING_IDX fake_rx_prod;	/* the backend's rsp_prod_pvt, rx */
static RING_IDX fake_tx_cons;	/* its req_cons on the tx ring */
static RING_IDX fake_tx_prod;	/* its rsp_prod_pvt, tx */

struct udp_catch {
	unsigned int count;
	size_t len;
	u8 data[ETH_FRAME_LEN];
	struct thread *poller;		/* deliveries in this thread counted */
	unsigned int by_poller;
	unsigned int under_lock;	/* delivered with the fake's rx_lock held */
};

static struct udp_catch caught;

static void catch_udp(void *ctx, u32 src_ip, u16 src_port, const void *data,
		      size_t len)
{
	struct udp_catch *c = ctx;

	c->count++;
	if (c->poller && kthread_self() == c->poller)
		c->by_poller++;
	if (fake && spin_is_locked(&fake->queues[0].rx_lock))
		c->under_lock++;
	c->len = MIN(len, sizeof(c->data));
	memcpy(c->data, data, c->len);
}

static bool need_gnttab(struct kunit *test)
{
	if (!gnttab_entry(GNTTAB_NR_RESERVED_ENTRIES)) {
		kunit_skip(test, "no grant table (not a Xen guest)");
		return false;
	}
	return true;
}

/* The fake vif's rings: local pages the test reads and writes. */
static int local_rings_alloc(struct xennet_queue *q, void **tx, void **rx)
{
	*tx = alloc_page_zeroed();
	*rx = alloc_page_zeroed();
	if (*tx && *rx)
		return 0;
	if (*tx)
		free_pages(*tx, 0);
	if (*rx)
		free_pages(*rx, 0);
	*tx = *rx = NULL;
	return -ENOMEM;
}

/*
 * One queue on local rings, no xenbus and no event channel: the test
 * is the backend.  The data pages are granted to backend_id as usual.
 */
static int fake_attach(struct xennet_info *info)
{
	int err;

	info->alloc_rings = local_rings_alloc;
	info->num_queues = 1;
	xennet_init_netdev(info);
	err = xennet_setup_queues(info);
	if (err) {
		info->num_queues = 0;
		return err;
	}
	xennet_start(info);
	return 0;
}

static void fake_detach(struct xennet_info *info)
{
	xennet_disconnect(info);
	info->num_queues = 0;
}

static bool fake_up(struct kunit *test, bool sg, unsigned int tx_slot,
		    bool bounce, bool csum)
{
	int err;

	if (!need_gnttab(test))
		return false;
	if (!fake)
		fake = kzalloc(sizeof(*fake));
	if (!fake) {
		kunit_fail(test, __FILE__, __LINE__, "no memory for the fake vif");
		return false;
	}
	memset(fake, 0, sizeof(*fake));
	strlcpy(fake->name, "fakevif", sizeof(fake->name));
	fake->backend_id = FAKE_DOMID;
	fake->netdev.mac[0] = 0x02;
	fake->netdev.mac[5] = 0x02;
	fake->sg = sg;
	fake->tx_slot_max = tx_slot;
	fake->bounce = bounce;
	fake->rx_csum_blank_ok = csum;
	fake->netdev.tx_csum_offload = csum;
	err = fake_attach(fake);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		return false;
	fake_rx_prod = fake_tx_cons = fake_tx_prod = 0;
	memset(&caught, 0, sizeof(caught));
	KUNIT_EXPECT_EQ(test, net_register(&fake->netdev), 0);
	KUNIT_EXPECT_EQ(test, net_configure(&fake->netdev, FAKE_IP), 0);
	KUNIT_EXPECT_EQ(test, udp_bind(FAKE_PORT, catch_udp, &caught), 0);
	return true;
}

static void fake_down(void)
{
	udp_unbind(FAKE_PORT);
	net_unregister(&fake->netdev);
	fake_detach(fake);
}

static struct xennet_queue *fq(void)
{
	return &fake->queues[0];
}

static const u8 peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

/* A UDP frame from the peer to us, @plen payload bytes of i * 7. */
static size_t make_udp(u8 *f, size_t plen, bool good_csum)
{
	u8 *ip = f + ETH_HLEN, *udp = f + NET_L4_OFF;
	u16 ulen = (u16)(UDP_HLEN + plen);
	u32 pseudo = inet_pseudo_sum(FAKE_PEER_IP, FAKE_MY_IP, IPPROTO_UDP, ulen);
	size_t i;

	eth_header(f, fake->netdev.mac, peer_mac, ETH_P_IP);
	memset(ip, 0, IP_HLEN);
	ip[IP_VER_IHL] = 0x45;
	put_be16(ip + IP_TOT_LEN, (u16)(IP_HLEN + ulen));
	ip[IP_TTL] = 64;
	ip[IP_PROTO] = IPPROTO_UDP;
	put_be32(ip + IP_SRC, FAKE_PEER_IP);
	put_be32(ip + IP_DST, FAKE_MY_IP);
	put_be16(ip + IP_CSUM, inet_csum(ip, IP_HLEN, 0));
	put_be16(udp + UDP_SPORT, PEER_PORT);
	put_be16(udp + UDP_DPORT, FAKE_PORT);
	put_be16(udp + UDP_LEN, ulen);
	put_be16(udp + UDP_CSUM, 0);
	for (i = 0; i < plen; i++)
		udp[UDP_HLEN + i] = (u8)(i * 7);
	/* Offloaded: only the pseudo-header sum, as a csum_blank frame has. */
	put_be16(udp + UDP_CSUM, good_csum ? inet_csum(udp, ulen, pseudo) :
		 (u16)~inet_csum_fold(pseudo));
	return NET_L4_OFF + ulen;
}

/* The peer's answer to our ARP request. */
static size_t make_arp_reply(u8 *f)
{
	u8 *arp = f + ETH_HLEN;

	eth_header(f, fake->netdev.mac, peer_mac, ETH_P_ARP);
	put_be16(arp + ARP_HTYPE, ARP_HW_ETHER);
	put_be16(arp + ARP_PTYPE, ETH_P_IP);
	arp[ARP_HLEN] = ETH_ALEN;
	arp[ARP_PLEN] = 4;
	put_be16(arp + ARP_OP, ARP_OP_REPLY);
	memcpy(arp + ARP_SHA, peer_mac, ETH_ALEN);
	put_be32(arp + ARP_SPA, FAKE_PEER_IP);
	memcpy(arp + ARP_THA, fake->netdev.mac, ETH_ALEN);
	put_be32(arp + ARP_TPA, FAKE_MY_IP);
	memset(f + ETH_HLEN + ARP_LEN, 0, ETH_ZLEN - ETH_HLEN - ARP_LEN);
	return ETH_ZLEN;
}

/* Backend: one rx response at its next index, data into the posted page. */
static void fake_rx_slot(u16 flags, u16 off, int status, const void *data,
			 size_t len)
{
	struct xennet_queue *q = fq();
	RING_IDX i = fake_rx_prod++;
	struct netif_rx_request *req = RING_GET_REQUEST(&q->rx, i);
	struct netif_rx_response rsp = {
		.id = req->id, .offset = off, .flags = flags, .status = (s16)status,
	};

	if (data && off + len <= PAGE_SIZE)
		memcpy((u8 *)q->rx_slots[req->id & (XENNET_RX_RING_SIZE - 1)].buf.page + off,
		       data, len);
	*RING_GET_RESPONSE(&q->rx, i) = rsp;
}

static void fake_rx_extra(u8 type, u8 flags)
{
	struct xennet_queue *q = fq();
	struct netif_extra_info x = { .type = type, .flags = flags };

	x.u.gso.size = 1448;
	x.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	memcpy(RING_GET_RESPONSE(&q->rx, fake_rx_prod), &x, sizeof(x));
	fake_rx_prod++;
}

static void fake_rx_push(void)
{
	struct xennet_queue *q = fq();

	xen_wmb();
	q->rx.sring->rsp_prod = fake_rx_prod;
	xennet_rx_poll(q);
}

/* Deliver @f as one slot with @flags. */
static void fake_rx_frame(const u8 *f, size_t len, u16 flags)
{
	fake_rx_slot(flags, 0, (int)len, f, len);
	fake_rx_push();
}

/*
 * Backend: take the next transmitted packet off the tx ring, check its
 * slots and grants, gather its bytes into @buf and answer each slot with
 * @status.  Returns the frame length, or -1 if nothing is there.
 */
static int fake_tx_take(struct kunit *test, u8 *buf, unsigned int *slots,
			u16 *flags0, s16 status)
{
	struct xennet_queue *q = fq();
	struct netif_tx_request req;
	size_t total = 0, got = 0, first_size = 0;
	RING_IDX start = fake_tx_cons;
	unsigned int n = 0;

	if (fake_tx_cons == q->tx.sring->req_prod)
		return -1;
#define TAKE_CHECK(cond) do {						\
	if (!(cond)) {							\
		kunit_fail(test, __FILE__, __LINE__, "tx ring: %s", #cond); \
		return -1;						\
	}								\
} while (0)
	do {
		struct grant_entry_header *e;
		struct xennet_tx_slot *s;

		TAKE_CHECK(fake_tx_cons != q->tx.sring->req_prod);
		req = *RING_GET_REQUEST(&q->tx, fake_tx_cons++);
		TAKE_CHECK(req.id < XENNET_TX_RING_SIZE);
		s = &q->tx_slots[req.id];
		KUNIT_EXPECT_TRUE(test, s->inflight);
		KUNIT_EXPECT_EQ(test, req.gref, s->buf.ref);
		e = gnttab_entry(req.gref);
		TAKE_CHECK(e != NULL);
		/* Read-only, to the backend, for the page that holds the data. */
		KUNIT_EXPECT_EQ(test, e->flags & ~(GTF_reading | GTF_writing),
				GTF_permit_access | GTF_readonly);
		KUNIT_EXPECT_EQ(test, e->domid, FAKE_DOMID);
		if (n == 0) {
			total = req.size;
			*flags0 = req.flags;
		}
		n++;
		TAKE_CHECK(n <= XENNET_MAX_SLOTS);
		TAKE_CHECK(req.offset + (size_t)(n == 1 ? 0 : req.size) <= PAGE_SIZE);
		if (n > 1) {
			memcpy(buf + first_size + got, (u8 *)s->buf.page + req.offset,
			       req.size);
			got += req.size;
		}
	} while (req.flags & NETTXF_more_data);
#undef TAKE_CHECK
	/* The first slot holds whatever the later ones do not. */
	first_size = total - got;
	memmove(buf + first_size, buf, got);
	req = *RING_GET_REQUEST(&q->tx, start);
	memcpy(buf, (u8 *)q->tx_slots[req.id].buf.page + req.offset, first_size);
	*slots = n;

	for (RING_IDX i = start; i != fake_tx_cons; i++) {
		struct netif_tx_response rsp = {
			.id = RING_GET_REQUEST(&q->tx, i)->id, .status = status,
		};

		*RING_GET_RESPONSE(&q->tx, fake_tx_prod++) = rsp;
	}
	xen_wmb();
	q->tx.sring->rsp_prod = fake_tx_prod;
	xennet_tx_poll(q);
	return (int)total;
}

static u8 frame_buf[ETH_FRAME_LEN + 64];
static u8 take_buf[ETH_FRAME_LEN + 64];

static void netfront_fake_tx_slots(struct kunit *test)
{
	static const unsigned int lens[] = { 60, 128, 129, 1000, ETH_FRAME_LEN };
	unsigned int i, slots, refs0;
	u16 flags0;

	if (!need_gnttab(test))
		return;
	refs0 = gnttab_free_refs();
	if (!fake_up(test, true, 128, false, false))
		return;
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		size_t len = lens[i];

		for (size_t j = 0; j < len; j++)
			frame_buf[j] = (u8)(j ^ i);
		KUNIT_EXPECT_EQ(test, xennet_xmit_queue(fq(), frame_buf, len), 0);
		KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
						   NETIF_RSP_OKAY), (int)len);
		KUNIT_EXPECT_EQ(test, slots, (len + 127) / 128);
		KUNIT_EXPECT_EQ(test, memcmp(take_buf, frame_buf, len), 0);
		KUNIT_EXPECT_EQ(test, flags0 & ~NETTXF_more_data, 0);
	}
	/* Answered: every id free again, and each grant revoked. */
	KUNIT_EXPECT_EQ(test, fq()->nr_tx_free, XENNET_TX_RING_SIZE);
	for (i = 0; i < XENNET_TX_RING_SIZE; i++) {
		grant_ref_t ref = fq()->tx_slots[i].buf.ref;

		if (ref != INVALID_GRANT_REF && gnttab_entry(ref)->flags)
			kunit_fail(test, __FILE__, __LINE__,
				   "tx slot %u: grant %u still valid", i, ref);
	}
	/* Too long, too short. */
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(fq(), frame_buf, ETH_FRAME_LEN + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(fq(), frame_buf, 10), -EINVAL);
	/* A full ring is refused, not overrun. */
	for (i = 0; i < XENNET_TX_RING_SIZE; i++)
		if (xennet_xmit_queue(fq(), frame_buf, 100))
			break;
	KUNIT_EXPECT_EQ(test, i, XENNET_TX_RING_SIZE);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(fq(), frame_buf, 100), -EAGAIN);
	KUNIT_EXPECT_EQ(test, fq()->stats.tx_busy, 1);
	while (fake_tx_take(test, take_buf, &slots, &flags0, NETIF_RSP_OKAY) > 0)
		;
	KUNIT_EXPECT_EQ(test, fq()->nr_tx_free, XENNET_TX_RING_SIZE);
	fake_down();
	/* Every ref back, including those the slots kept. */
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), refs0);
}

static void netfront_fake_tx_csum_and_bounce(struct kunit *test)
{
	unsigned int slots, i, refs0;
	size_t len;
	u16 flags0;

	if (!need_gnttab(test))
		return;
	refs0 = gnttab_free_refs();
	if (!fake_up(test, false, PAGE_SIZE, true, true))
		return;
	/* Offload on: UDP leaves with only the pseudo-header sum. */
	KUNIT_EXPECT_EQ(test, udp_sendto(&fake->netdev, FAKE_PEER_IP, FAKE_PORT,
					 PEER_PORT, "x", 1), -EAGAIN);	/* ARP */
	KUNIT_EXPECT_TRUE(test, fake_tx_take(test, take_buf, &slots, &flags0,
					     NETIF_RSP_OKAY) > 0);
	KUNIT_EXPECT_EQ(test, flags0, 0);	/* the ARP request */
	/* The peer answers the ARP request. */
	len = make_arp_reply(frame_buf);
	fake_rx_frame(frame_buf, len, 0);
	KUNIT_EXPECT_EQ(test, fake->netdev.stats.rx[NET_RX_OK], 1);
	KUNIT_EXPECT_EQ(test, udp_sendto(&fake->netdev, FAKE_PEER_IP, FAKE_PORT,
					 PEER_PORT, "hello", 5), 0);
	KUNIT_EXPECT_TRUE(test, fake_tx_take(test, take_buf, &slots, &flags0,
					     NETIF_RSP_OKAY) > 0);
	KUNIT_EXPECT_EQ(test, slots, 1);
	KUNIT_EXPECT_EQ(test, flags0, NETTXF_csum_blank | NETTXF_data_validated);
	/* Offload off: a complete checksum and no flags. */
	fake->netdev.tx_csum_offload = false;
	KUNIT_EXPECT_EQ(test, udp_sendto(&fake->netdev, FAKE_PEER_IP, FAKE_PORT,
					 PEER_PORT, "hello", 5), 0);
	len = (size_t)fake_tx_take(test, take_buf, &slots, &flags0, NETIF_RSP_ERROR);
	KUNIT_EXPECT_EQ(test, flags0, 0);
	KUNIT_EXPECT_EQ(test, inet_csum(take_buf + NET_L4_OFF, UDP_HLEN + 5,
					inet_pseudo_sum(FAKE_MY_IP, FAKE_PEER_IP,
							IPPROTO_UDP, UDP_HLEN + 5)), 0);
	KUNIT_EXPECT_EQ(test, fq()->stats.tx_errors, 1);
	/* Bounce mode: nothing stays granted or allocated between packets. */
	for (i = 0; i < XENNET_TX_RING_SIZE; i++) {
		const struct xennet_buf *b = &fq()->tx_slots[i].buf;

		if (b->page || b->ref != INVALID_GRANT_REF)
			kunit_fail(test, __FILE__, __LINE__,
				   "bounce tx slot %u kept page %p ref %u", i,
				   b->page, b->ref);
	}
	fake_down();
	KUNIT_EXPECT_EQ(test, gnttab_free_refs(), refs0);
}

static void netfront_fake_rx(struct kunit *test)
{
	struct net_stats *st;
	size_t len, half;
	u64 bad_csum;

	if (!fake_up(test, true, PAGE_SIZE, false, false))
		return;
	st = &fake->netdev.stats;
	/* All buffers posted, each granted writable to the backend. */
	KUNIT_EXPECT_EQ(test, fq()->rx.req_prod_pvt, XENNET_RX_RING_SIZE);
	KUNIT_EXPECT_EQ(test, gnttab_entry(fq()->rx_slots[5].buf.ref)->flags,
			GTF_permit_access);

	/* One slot at an offset, software checksum. */
	len = make_udp(frame_buf, 300, true);
	fake_rx_slot(0, 1000, (int)len, frame_buf, len);
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, caught.count, 1);
	KUNIT_EXPECT_EQ(test, caught.len, 300);
	KUNIT_EXPECT_EQ(test, caught.data[299], (u8)(299 * 7));
	/* Its buffer was reposted with the same page and ref, granted again. */
	KUNIT_EXPECT_EQ(test, fq()->rx.req_prod_pvt, XENNET_RX_RING_SIZE + 1);
	KUNIT_EXPECT_EQ(test, gnttab_entry(fq()->rx_slots[0].buf.ref)->flags,
			GTF_permit_access);

	/* Three slots, with a GSO extra-info slot after the first. */
	len = make_udp(frame_buf, 1400, true);
	half = 700;
	fake_rx_slot(NETRXF_more_data | NETRXF_extra_info, 0, 100, frame_buf, 100);
	fake_rx_extra(XEN_NETIF_EXTRA_TYPE_GSO, 0);
	fake_rx_slot(NETRXF_more_data, 64, (int)(half - 100), frame_buf + 100,
		     half - 100);
	fake_rx_slot(0, 4096 - (len - half), (int)(len - half), frame_buf + half,
		     len - half);
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, caught.count, 2);
	KUNIT_EXPECT_EQ(test, caught.len, 1400);
	KUNIT_EXPECT_EQ(test, caught.data[1399], (u8)(1399 * 7));
	KUNIT_EXPECT_EQ(test, fq()->stats.rx_extras, 1);

	/*
	 * A blank checksum: we told this backend we cannot take those, so
	 * the stack checks the sum and drops it.
	 */
	bad_csum = st->rx[NET_DROP_BAD_CSUM];
	len = make_udp(frame_buf, 20, false);
	fake_rx_frame(frame_buf, len, NETRXF_csum_blank | NETRXF_data_validated);
	KUNIT_EXPECT_EQ(test, caught.count, 2);
	KUNIT_EXPECT_EQ(test, st->rx[NET_DROP_BAD_CSUM], bad_csum + 1);
	/* Taking them: the backend vouches, the stack skips the check. */
	fake->rx_csum_blank_ok = true;
	fake_rx_frame(frame_buf, len, NETRXF_csum_blank | NETRXF_data_validated);
	KUNIT_EXPECT_EQ(test, caught.count, 3);
	KUNIT_EXPECT_EQ(test, fq()->stats.rx_csum_ok, 1);
	/* data_validated alone vouches too, whatever the field holds. */
	fake_rx_frame(frame_buf, len, NETRXF_data_validated);
	KUNIT_EXPECT_EQ(test, caught.count, 4);

	/* Bounce mode: fresh pages and grants, freed after each packet. */
	fake->bounce = true;
	len = make_udp(frame_buf, 33, true);
	for (unsigned int i = 0; i < 3 * XENNET_RX_RING_SIZE / 2; i++)
		fake_rx_frame(frame_buf, len, 0);
	KUNIT_EXPECT_EQ(test, caught.count, 4 + 3 * XENNET_RX_RING_SIZE / 2);
	KUNIT_EXPECT_TRUE(test, fq()->rx_slots[0].buf.bounce);
	fake->bounce = false;
	fake_rx_frame(frame_buf, len, 0);
	KUNIT_EXPECT_EQ(test, caught.count, 5 + 3 * XENNET_RX_RING_SIZE / 2);
	KUNIT_EXPECT_EQ(test, fq()->stats.bad_responses, 0);
	KUNIT_EXPECT_EQ(test, fq()->stats.rx_dropped, 0);
	KUNIT_EXPECT_FALSE(test, fake->broken);
	fake_down();
}

/*
 * A backend that fills the ring in one go: one poll hands at most
 * XENNET_RX_BUDGET packets to the stack, never with rx_lock held (the
 * stack may answer at once), and leaves the rest to the "netfront"
 * thread, which gets every one of them delivered.
 */
static void netfront_fake_rx_budget(struct kunit *test)
{
	const unsigned int n = XENNET_RX_RING_SIZE - 56;
	struct xennet_queue *q;
	u64 end;
	size_t len;

	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	len = make_udp(frame_buf, 32, true);
	for (unsigned int i = 0; i < n; i++)
		fake_rx_slot(0, 0, (int)len, frame_buf, len);
	caught.poller = kthread_self();
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, caught.by_poller, XENNET_RX_BUDGET);
	KUNIT_EXPECT_TRUE(test, q->stats.rx_deferrals >= 1);
	end = ktime_get_ns() + 5 * NSEC_PER_SEC;
	while (READ_ONCE(caught.count) < n && ktime_get_ns() < end)
		msleep(10);
	kunit_info(test, "%u of %u packets delivered, %u by the first poll, %llu deferrals",
		   READ_ONCE(caught.count), n, caught.by_poller,
		   (unsigned long long)q->stats.rx_deferrals);
	KUNIT_EXPECT_EQ(test, READ_ONCE(caught.count), n);
	KUNIT_EXPECT_EQ(test, caught.by_poller, XENNET_RX_BUDGET);
	KUNIT_EXPECT_EQ(test, caught.under_lock, 0);
	KUNIT_EXPECT_EQ(test, q->stats.rx_dropped, 0);
	/* Every buffer went back to the backend. */
	KUNIT_EXPECT_EQ(test, q->rx.rsp_cons, n);
	KUNIT_EXPECT_EQ(test, q->rx.req_prod_pvt, XENNET_RX_RING_SIZE + n);
	KUNIT_EXPECT_FALSE(test, fake->broken);
	caught.poller = NULL;
	fake_down();
}

static void netfront_fake_malformed(struct kunit *test)
{
	struct xennet_queue *q;
	unsigned int slots;
	size_t len;
	u16 flags0;
	u64 bad;

	if (!fake_up(test, true, PAGE_SIZE, false, true))
		return;
	q = fq();
	len = make_udp(frame_buf, 64, true);

#define EXPECT_DROPPED(what) do {					\
	KUNIT_EXPECT_EQ(test, caught.count, 0);				\
	if (q->stats.rx_dropped != ++bad)				\
		kunit_fail(test, __FILE__, __LINE__, "%s not dropped", what); \
} while (0)
	bad = 0;
	/* Wrong id. */
	fake_rx_slot(0, 0, (int)len, frame_buf, len);
	RING_GET_RESPONSE(&q->rx, fake_rx_prod - 1)->id ^= 1;
	fake_rx_push();
	EXPECT_DROPPED("a wrong id");
	/* Past the end of the page, by offset and by size. */
	fake_rx_slot(0, 4000, (int)len, NULL, 0);
	fake_rx_push();
	EXPECT_DROPPED("offset + size > page");
	fake_rx_slot(0, 0, 4097, NULL, 0);
	fake_rx_push();
	EXPECT_DROPPED("size > page");
	fake_rx_slot(0, 65535, 1, NULL, 0);
	fake_rx_push();
	EXPECT_DROPPED("offset > page");
	/* The backend's own error statuses. */
	fake_rx_slot(0, 0, NETIF_RSP_ERROR, NULL, 0);
	fake_rx_push();
	EXPECT_DROPPED("NETIF_RSP_ERROR");
	fake_rx_slot(0, 0, NETIF_RSP_DROPPED, NULL, 0);
	fake_rx_push();
	EXPECT_DROPPED("NETIF_RSP_DROPPED");
	/* Extra info of an unknown type; a chain cut off at rsp_prod. */
	fake_rx_slot(NETRXF_extra_info, 0, (int)len, frame_buf, len);
	fake_rx_extra(XEN_NETIF_EXTRA_TYPE_MAX, 0);
	fake_rx_push();
	EXPECT_DROPPED("an unknown extra type");
	fake_rx_slot(NETRXF_more_data, 0, 40, frame_buf, 40);
	fake_rx_push();
	EXPECT_DROPPED("a packet cut off at rsp_prod");
	fake_rx_slot(NETRXF_extra_info, 0, (int)len, frame_buf, len);
	fake_rx_push();
	EXPECT_DROPPED("missing extra info");
	/* Too many slots: the whole chain is consumed and dropped. */
	for (int i = 0; i < XENNET_MAX_SLOTS + 2; i++)
		fake_rx_slot(NETRXF_more_data, 0, 1, frame_buf, 1);
	fake_rx_slot(0, 0, 1, frame_buf, 1);
	fake_rx_push();
	EXPECT_DROPPED("a 21-slot packet");
	/* Bigger than any frame pvk takes. */
	fake_rx_slot(NETRXF_more_data, 0, 1000, frame_buf, 1000);
	fake_rx_slot(0, 0, 1000, frame_buf, 1000);
	fake_rx_push();
	EXPECT_DROPPED("a 2000-byte frame");
	KUNIT_EXPECT_EQ(test, q->stats.rx_oversize, 1);
	/* Through all that the ring stayed in step: a good frame still works. */
	fake_rx_frame(frame_buf, len, 0);
	KUNIT_EXPECT_EQ(test, caught.count, 1);
	KUNIT_EXPECT_TRUE(test, q->stats.bad_responses >= 8);

	/* tx: a NULL response is only counted (the bad ids: tx_bad_id). */
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, len), 0);
	{
		struct netif_tx_response null_rsp = {
			.id = 0, .status = NETIF_RSP_NULL,
		};

		bad = q->stats.bad_responses;
		fake_tx_cons++;
		*RING_GET_RESPONSE(&q->tx, fake_tx_prod++) = null_rsp;
		xen_wmb();
		q->tx.sring->rsp_prod = fake_tx_prod;
		xennet_tx_poll(q);
		KUNIT_EXPECT_EQ(test, q->stats.bad_responses, bad + 1);
		KUNIT_EXPECT_EQ(test, q->nr_tx_free, XENNET_TX_RING_SIZE - 1);
	}
	KUNIT_EXPECT_FALSE(test, fake->broken);

	/* A producer further ahead than the requests outstanding: disabled. */
	q->rx.sring->rsp_prod = q->rx.rsp_cons + XENNET_RX_RING_SIZE + 1;
	xennet_rx_poll(q);
	KUNIT_EXPECT_TRUE(test, fake->broken);
	kunit_info(test, "disabled with: %s", fake->broken_why);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, len), -EIO);
	KUNIT_EXPECT_EQ(test, caught.count, 1);
	(void)slots;
	(void)flags0;
	fake_down();
#undef EXPECT_DROPPED
}

static void netfront_fake_tx_overflow_disables(struct kunit *test)
{
	struct xennet_queue *q;

	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	memset(frame_buf, 0x55, 100);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 100), 0);
	/* One request outstanding, two responses claimed. */
	q->tx.sring->rsp_prod = 2;
	xennet_tx_poll(q);
	KUNIT_EXPECT_TRUE(test, fake->broken);
	kunit_info(test, "disabled with: %s", fake->broken_why);
	fake_down();
}

/* Answer one tx request: a response with @id at the backend's next index. */
static void fake_tx_answer(u16 id)
{
	struct xennet_queue *q = fq();
	struct netif_tx_response rsp = { .id = id, .status = NETIF_RSP_OKAY };

	*RING_GET_RESPONSE(&q->tx, fake_tx_prod++) = rsp;
	xen_wmb();
	q->tx.sring->rsp_prod = fake_tx_prod;
	xennet_tx_poll(q);
}

/*
 * A tx response whose id is not in flight, unknown or answered twice,
 * disables the vif naming the id: no slot is freed twice, nothing more
 * goes out, and tearing it down gives every slot's page and grant back.
 */
static void netfront_fake_tx_bad_id(struct kunit *test)
{
	static const u16 bad_ids[] = { 0xffff, XENNET_TX_RING_SIZE };
	char want[48];
	unsigned int i;
	u16 id;
	struct xennet_queue *q;

	for (i = 0; i <= ARRAY_SIZE(bad_ids); i++) {
		if (!fake_up(test, false, PAGE_SIZE, false, false))
			return;
		q = fq();
		memset(frame_buf, 0x44, 100);
		for (unsigned int j = 0; j < 3; j++)
			KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 100), 0);
		fake_tx_cons += 3;
		/* The first one answered as it should be. */
		id = RING_GET_REQUEST(&q->tx, 0)->id;
		fake_tx_answer(id);
		KUNIT_EXPECT_FALSE(test, fake->broken);
		KUNIT_EXPECT_EQ(test, q->nr_tx_free, XENNET_TX_RING_SIZE - 2);
		if (i < ARRAY_SIZE(bad_ids))
			id = bad_ids[i];	/* else: the same id again */
		fake_tx_answer(id);
		KUNIT_EXPECT_TRUE(test, fake->broken);
		snprintf(want, sizeof(want), "queue 0: tx response for id %u,", id);
		if (strncmp(fake->broken_why, want, strlen(want)))
			kunit_fail(test, __FILE__, __LINE__,
				   "'%s' does not name id %u", fake->broken_why, id);
		kunit_info(test, "disabled with: %s", fake->broken_why);
		/* Two requests stay the backend's; nothing more is sent. */
		KUNIT_EXPECT_EQ(test, q->nr_tx_free, XENNET_TX_RING_SIZE - 2);
		KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 100), -EIO);
		KUNIT_EXPECT_EQ(test, q->tx.req_prod_pvt, 3);
		fake_down();
		for (unsigned int j = 0; j < XENNET_TX_RING_SIZE; j++) {
			const struct xennet_tx_slot *s = &q->tx_slots[j];

			if (s->inflight || s->buf.page ||
			    s->buf.ref != INVALID_GRANT_REF) {
				kunit_fail(test, __FILE__, __LINE__,
					   "tx slot %u kept after teardown", j);
				break;
			}
		}
	}
}

struct setup_run {
	struct xennet_info *info;
	int err;
	bool done;
};

static int setup_queues_thread(void *arg)
{
	struct setup_run *r = arg;

	r->err = xennet_setup_queues(r->info);
	__atomic_store_n(&r->done, true, __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * Reconnecting while a transmit holds the queue's tx_lock: the new
 * connection's set-up waits for the lock instead of clearing it under
 * the transmit, and the device works afterwards.
 */
static void netfront_fake_reconnect_keeps_locks(struct kunit *test)
{
	static struct setup_run run;
	struct xennet_queue *q;
	unsigned int cpu = smp_processor_id() ? 0 : 1;
	struct thread *t;
	bool held_through;
	u64 end;

	if (!kunit_need_cpus(test, 2) ||
	    !fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	xennet_disconnect(fake);
	run = (struct setup_run){ .info = fake };
	/* A transmit in progress on this CPU. */
	spin_lock(&q->tx_lock);
	t = kthread_run(setup_queues_thread, &run, "nfsetup", cpu);
	KUNIT_EXPECT_TRUE(test, t != NULL);
	end = ktime_get_ns() + 50 * NSEC_PER_MSEC;
	while (ktime_get_ns() < end && !__atomic_load_n(&run.done, __ATOMIC_SEQ_CST))
		cpu_relax();
	held_through = spin_is_locked(&q->tx_lock) &&
		       !__atomic_load_n(&run.done, __ATOMIC_SEQ_CST);
	spin_unlock(&q->tx_lock);
	if (t)
		kthread_join(t);
	KUNIT_EXPECT_TRUE(test, held_through);
	KUNIT_EXPECT_EQ(test, run.err, 0);
	KUNIT_EXPECT_FALSE(test, spin_is_locked(&q->tx_lock));
	KUNIT_EXPECT_FALSE(test, spin_is_locked(&q->rx_lock));
	/* Connected again: it sends and receives. */
	xennet_start(fake);
	fake_rx_prod = fake_tx_cons = fake_tx_prod = 0;
	memset(frame_buf, 0x33, 80);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 80), 0);
	KUNIT_EXPECT_EQ(test, q->tx.req_prod_pvt, 1);
	KUNIT_EXPECT_EQ(test, q->rx.req_prod_pvt, XENNET_RX_RING_SIZE);
	fake_down();
}

static void netfront_fake_mapped_grant_deferred(struct kunit *test)
{
	struct xennet_queue *q;
	struct xennet_tx_slot *s;
	unsigned int deferred0, slots;
	grant_ref_t ref;
	void *page;
	u16 flags0, id;

	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	deferred0 = gnttab_deferred_count();
	memset(frame_buf, 0x66, 200);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 200), 0);
	id = RING_GET_REQUEST(&q->tx, 0)->id;
	s = &q->tx_slots[id];
	ref = s->buf.ref;
	page = s->buf.page;
	/* The "backend" still maps the page when it answers. */
	__atomic_fetch_or(gnttab_mapping_word(ref), GTF_reading, __ATOMIC_SEQ_CST);
	KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
					   NETIF_RSP_OKAY), 200);
	/* Neither the page nor the ref is reused: both were handed over. */
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0 + 1);
	KUNIT_EXPECT_EQ(test, q->stats.grants_deferred, 1);
	KUNIT_EXPECT_TRUE(test, s->buf.page == NULL);
	KUNIT_EXPECT_EQ(test, s->buf.ref, INVALID_GRANT_REF);
	/* The slot works again with a fresh pair. */
	for (unsigned int i = 0; i < XENNET_TX_RING_SIZE; i++) {
		KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 200), 0);
		KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
						   NETIF_RSP_OKAY), 200);
	}
	KUNIT_EXPECT_TRUE(test, s->buf.page != NULL && s->buf.page != page);
	KUNIT_EXPECT_TRUE(test, s->buf.ref != ref);
	/* The backend lets go: the deferred pair is released. */
	__atomic_fetch_and(gnttab_mapping_word(ref), (u16)~GTF_reading,
			   __ATOMIC_SEQ_CST);
	gnttab_retry_deferred();
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0);
	fake_down();
}

/* Bytes of @page outside [@from, @to) that are not zero. */
static unsigned int nonzero_outside(const void *page, size_t from, size_t to)
{
	const u8 *p = page;
	unsigned int n = 0;

	for (size_t i = 0; i < PAGE_SIZE; i++)
		n += (i < from || i >= to) && p[i];
	return n;
}

/*
 * A tx page a slot keeps from one packet to the next holds only the
 * current frame: what a longer earlier one left past it is zeroed before
 * the page is granted again (the backend may read the whole page).
 */
static void netfront_fake_tx_page_holds_only_the_frame(struct kunit *test)
{
	struct xennet_queue *q;
	unsigned int slots;
	u16 flags0, id;
	const u8 *page;

	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	memset(frame_buf, 0x5a, 1000);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 1000), 0);
	id = RING_GET_REQUEST(&q->tx, 0)->id;
	page = q->tx_slots[id].buf.page;
	KUNIT_EXPECT_EQ(test, nonzero_outside(page, 0, 1000), 0);
	KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
					   NETIF_RSP_OKAY), 1000);
	/* The same id and page again (the free ids are a stack), shorter. */
	memset(frame_buf, 0x6b, 100);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 100), 0);
	KUNIT_EXPECT_EQ(test, RING_GET_REQUEST(&q->tx, 1)->id, id);
	KUNIT_EXPECT_TRUE(test, q->tx_slots[id].buf.page == page);
	KUNIT_EXPECT_EQ(test, page[99], 0x6b);
	KUNIT_EXPECT_EQ(test, nonzero_outside(page, 0, 100), 0);
	KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
					   NETIF_RSP_OKAY), 100);
	KUNIT_EXPECT_EQ(test, take_buf[99], 0x6b);
	fake_down();
}

/*
 * An rx page is posted again all zeroes: after a good frame the bytes
 * the backend wrote are cleared; after a response pvk refused (beyond
 * the page, an unknown status) the whole page is, since where the
 * backend wrote is then unknown.  An unknown status is a malformed
 * response (logged), not the backend's own error.
 */
static void netfront_fake_rx_pages_reposted_zeroed(struct kunit *test)
{
	struct xennet_queue *q;
	size_t len;
	u64 bad;

	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	len = make_udp(frame_buf, 300, true);
	fake_rx_slot(0, 1000, (int)len, frame_buf, len);
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, caught.count, 1);
	KUNIT_EXPECT_TRUE(test, q->rx_slots[0].posted);
	KUNIT_EXPECT_EQ(test, nonzero_outside(q->rx_slots[0].buf.page, 0, 0), 0);

	memset(q->rx_slots[1].buf.page, 0x77, PAGE_SIZE);
	fake_rx_slot(0, 4000, 200, NULL, 0);
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, nonzero_outside(q->rx_slots[1].buf.page, 0, 0), 0);

	bad = q->stats.bad_responses;
	memset(q->rx_slots[2].buf.page, 0x77, 64);
	fake_rx_slot(0, 0, -77, NULL, 0);
	fake_rx_push();
	KUNIT_EXPECT_EQ(test, q->stats.bad_responses, bad + 1);
	KUNIT_EXPECT_EQ(test, q->stats.rx_dropped, 2);
	KUNIT_EXPECT_EQ(test, nonzero_outside(q->rx_slots[2].buf.page, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, caught.count, 1);
	KUNIT_EXPECT_FALSE(test, fake->broken);
	fake_down();
}

/*
 * A backend that keeps every granted page mapped after answering: each
 * such grant goes to the deferred list with its page, and past
 * XENNET_KEPT_GRANTS_MAX the device is disabled, naming the count, so
 * it takes no more fresh pages and refs.  Once the backend lets go, the
 * grant code gets every one back.
 */
static void netfront_fake_kept_grants_disable(struct kunit *test)
{
	grant_ref_t refs[XENNET_KEPT_GRANTS_MAX + 1];
	unsigned int deferred0, slots, i;
	struct xennet_queue *q;
	u16 flags0;

	if (!need_gnttab(test))
		return;
	gnttab_retry_deferred();
	deferred0 = gnttab_deferred_count();
	if (!fake_up(test, false, PAGE_SIZE, false, false))
		return;
	q = fq();
	memset(frame_buf, 0x66, 200);
	for (i = 0; i <= XENNET_KEPT_GRANTS_MAX; i++) {
		KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 200), 0);
		refs[i] = RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt - 1)->gref;
		__atomic_fetch_or(gnttab_mapping_word(refs[i]), GTF_reading,
				  __ATOMIC_SEQ_CST);
		KUNIT_EXPECT_EQ(test, fake_tx_take(test, take_buf, &slots, &flags0,
						   NETIF_RSP_OKAY), 200);
		if (READ_ONCE(fake->broken) != (i == XENNET_KEPT_GRANTS_MAX))
			kunit_fail(test, __FILE__, __LINE__,
				   "after %u kept grants the device is %s", i + 1,
				   fake->broken ? "disabled" : "still up");
	}
	kunit_info(test, "disabled with: %s", fake->broken_why);
	KUNIT_EXPECT_EQ(test, fake->grants_kept, XENNET_KEPT_GRANTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, q->stats.grants_deferred, XENNET_KEPT_GRANTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(),
			deferred0 + XENNET_KEPT_GRANTS_MAX + 1);
	KUNIT_EXPECT_EQ(test, xennet_xmit_queue(q, frame_buf, 200), -EIO);
	for (i = 0; i <= XENNET_KEPT_GRANTS_MAX; i++)
		__atomic_fetch_and(gnttab_mapping_word(refs[i]), (u16)~GTF_reading,
				   __ATOMIC_SEQ_CST);
	gnttab_retry_deferred();
	KUNIT_EXPECT_EQ(test, gnttab_deferred_count(), deferred0);
	fake_down();
}

/* ---- the real vif -------------------------------------------------------- */

static struct xennet_info *real_vif(struct kunit *test)
{
	struct xennet_info *info = xennet_first();

	if (!info) {
		kunit_skip(test, "no vif");
		return NULL;
	}
	if (!xennet_wait_up(UP_TIMEOUT_MS)) {
		kunit_fail(test, __FILE__, __LINE__, "%s not up after %u ms",
			   info->name, UP_TIMEOUT_MS);
		return NULL;
	}
	return info;
}

static struct xennet_info *real_vif_with_ip(struct kunit *test, u32 *dom0)
{
	struct xennet_info *info = real_vif(test);

	if (!info)
		return NULL;
	if (!info->netdev.ip_addr) {
		kunit_skip(test, "%s has no address (boot with ip=)", info->name);
		return NULL;
	}
	/* dom0's bridge: the first host of our subnet (10.0.0.1). */
	*dom0 = (info->netdev.ip_addr & info->netdev.netmask) + 1;
	return info;
}

static void netfront_connected(struct kunit *test)
{
	struct xennet_info *info = real_vif(test);

	if (!info)
		return;
	xennet_print_info(info);
	KUNIT_EXPECT_TRUE(test, info->connected);
	KUNIT_EXPECT_FALSE(test, info->broken);
	KUNIT_EXPECT_TRUE(test, info->num_queues >= 1 &&
			  info->num_queues <= XENNET_MAX_QUEUES);
	KUNIT_EXPECT_TRUE(test, info->cfg.be.rx_copy);
	for (unsigned int i = 0; i < info->num_queues; i++) {
		const struct xennet_queue *q = &info->queues[i];

		KUNIT_EXPECT_TRUE(test, q->tx_evtchn != 0 && q->tx_bound);
		KUNIT_EXPECT_EQ(test, q->rx.req_prod_pvt - q->rx.rsp_cons,
				XENNET_RX_RING_SIZE);
	}
	if (xennet_ip[0])
		KUNIT_EXPECT_TRUE(test, info->netdev.ip_addr != 0);
}

/* Ping @dst @count times; returns the replies seen within 2 s each. */
static unsigned int ping_n(struct net_device *dev, u32 dst, unsigned int count,
			   size_t payload, u16 seq0)
{
	unsigned int replies = 0;

	for (unsigned int i = 0; i < count; i++) {
		u64 before = READ_ONCE(dev->stats.echo_replies);
		u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;
		int err = -EAGAIN;

		for (int tries = 0; err == -EAGAIN && tries < 50; tries++) {
			err = net_ping(dev, dst, PING_ID, (u16)(seq0 + i), payload);
			if (err == -EAGAIN)
				msleep(20);	/* ARP, or the ring is full */
		}
		if (err)
			continue;
		while (READ_ONCE(dev->stats.echo_replies) == before &&
		       ktime_get_ns() < end)
			msleep(1);
		if (READ_ONCE(dev->stats.echo_replies) != before)
			replies++;
	}
	return replies;
}

static void netfront_ping_dom0(struct kunit *test)
{
	struct xennet_info *info;
	u8 mac[ETH_ALEN];
	unsigned int got;
	u32 dom0;

	info = real_vif_with_ip(test, &dom0);
	if (!info)
		return;
	got = ping_n(&info->netdev, dom0, 10, 56, 0);
	kunit_info(test, "%u/10 replies from %u.%u.%u.%u", got, dom0 >> 24,
		   (dom0 >> 16) & 0xff, (dom0 >> 8) & 0xff, dom0 & 0xff);
	KUNIT_EXPECT_TRUE(test, got >= 9);
	/* ARP resolved dom0's bridge on the way. */
	KUNIT_EXPECT_EQ(test, net_arp_lookup(&info->netdev, dom0, mac), 0);
	KUNIT_EXPECT_FALSE(test, info->broken);
}

static void netfront_sg_and_bounce(struct kunit *test)
{
	struct xennet_info *info;
	struct xennet_queue_stats s0, s1;
	unsigned int got, slot0;
	bool bounce0;
	u32 dom0;

	info = real_vif_with_ip(test, &dom0);
	if (!info)
		return;
	xennet_stats_sum(info, &s0);
	/* Biggest pings in 256-byte slots: six slots each. */
	slot0 = info->tx_slot_max;
	if (info->sg)
		info->tx_slot_max = 256;
	got = ping_n(&info->netdev, dom0, 5,
		     NET_PING_MAX_PAYLOAD(info->netdev.mtu), 100);
	info->tx_slot_max = slot0;
	xennet_stats_sum(info, &s1);
	kunit_info(test, "multi-slot: %u/5 replies, %llu slots for %llu packets",
		   got, (unsigned long long)(s1.tx_slots - s0.tx_slots),
		   (unsigned long long)(s1.tx_packets - s0.tx_packets));
	KUNIT_EXPECT_TRUE(test, got >= 4);
	if (info->sg)
		KUNIT_EXPECT_TRUE(test, s1.tx_slots - s0.tx_slots >=
				  5 * (s1.tx_packets - s0.tx_packets) - 5);
	else
		kunit_info(test, "backend offers no feature-sg: single slots");

	/* Bounce mode on the live device, then back. */
	bounce0 = info->bounce;
	info->bounce = true;
	got = ping_n(&info->netdev, dom0, 5, 300, 200);
	info->bounce = bounce0;
	kunit_info(test, "bounce mode: %u/5 replies", got);
	KUNIT_EXPECT_TRUE(test, got >= 4);
	got = ping_n(&info->netdev, dom0, 3, 300, 300);
	KUNIT_EXPECT_TRUE(test, got >= 2);
	KUNIT_EXPECT_FALSE(test, info->broken);
}

struct queue_pinger {
	struct net_device *dev;
	u32 dst;
	unsigned int cpu;
	unsigned int replies;
};

static int queue_ping_thread(void *arg)
{
	struct queue_pinger *p = arg;

	p->replies = ping_n(p->dev, p->dst, 4, 100, (u16)(1000 + 16 * p->cpu));
	return 0;
}

/* Queues the first vif should have: the least of every limit. */
static unsigned int queues_allowed(void)
{
	const struct xennet_info *info = xennet_first();
	struct xennet_options opt;
	unsigned int n = MIN(info->cfg.be.max_queues, num_online_cpus());

	n = MIN(n, (unsigned int)XENNET_MAX_QUEUES);
	/* What the driver kept: anything it ignored is ignored here too. */
	xennet_parse_options(xennet_options_arg, &opt);
	if (opt.max_queues)
		n = MIN(n, opt.max_queues);
	return n;
}

static void netfront_every_queue_used(struct kunit *test)
{
	static struct queue_pinger pingers[NR_CPUS];
	struct thread *threads[NR_CPUS] = { 0 };
	u64 before[XENNET_MAX_QUEUES];
	struct xennet_info *info;
	unsigned int cpu, i, allowed;
	u32 dom0;

	info = real_vif_with_ip(test, &dom0);
	if (!info)
		return;
	/*
	 * One queue is right when the backend, the CPUs or netfront=queues=1
	 * allow no more; otherwise it is a failure.
	 */
	allowed = queues_allowed();
	if (allowed < 2) {
		kunit_skip(test, "one queue (backend max %u, %u CPUs, netfront=%s)",
			   info->cfg.be.max_queues, num_online_cpus(), xennet_options_arg);
		return;
	}
	KUNIT_EXPECT_EQ(test, info->num_queues, allowed);
	if (info->num_queues < 2)
		return;
	for (i = 0; i < info->num_queues; i++)
		before[i] = info->queues[i].stats.tx_packets;
	/* One pinger per CPU, one after the other: xmit picks by CPU. */
	for_each_cpu(cpu, &cpu_online_mask) {
		pingers[cpu] = (struct queue_pinger){ &info->netdev, dom0, cpu, 0 };
		threads[cpu] = kthread_run(queue_ping_thread, &pingers[cpu],
					   "nf-ping", cpu);
		KUNIT_EXPECT_TRUE(test, threads[cpu] != NULL);
		if (threads[cpu])
			kthread_join(threads[cpu]);
		KUNIT_EXPECT_TRUE(test, pingers[cpu].replies >= 3);
	}
	for (i = 0; i < info->num_queues; i++) {
		const struct xennet_queue *q = &info->queues[i];

		kunit_info(test, "queue %u: tx %llu rx %llu events %llu", i,
			   (unsigned long long)q->stats.tx_packets,
			   (unsigned long long)q->stats.rx_packets,
			   (unsigned long long)q->stats.events);
		KUNIT_EXPECT_TRUE(test, q->stats.tx_packets > before[i]);
	}
}

/*
 * Datagrams sent, answered with the echo of one of them (a late echo of
 * an earlier one counts as this one lost), echoed intact, and answered
 * with bytes that match no datagram sent: wrong data.
 */
struct udp_round {
	unsigned int sent, ok, wrong;
};

#define UDP_ROUND_MAX	16

static size_t udp_round_len(struct net_device *dev, unsigned int i)
{
	return (i * 97) % NET_UDP_MAX_PAYLOAD(dev->mtu) + 1;
}

/* Is what was caught the echo of datagram @i? */
static bool caught_echo_of(struct net_device *dev, unsigned int i)
{
	if (caught.len != udp_round_len(dev, i))
		return false;
	for (size_t j = 0; j < caught.len; j++)
		if (caught.data[j] != (u8)(j + i))
			return false;
	return true;
}

static bool caught_any_echo(struct net_device *dev)
{
	for (unsigned int i = 0; i < UDP_ROUND_MAX; i++)
		if (caught_echo_of(dev, i))
			return true;
	return false;
}

/* UDP to dom0's echo server (the job's .pre starts one), @n sizes. */
static struct udp_round udp_dom0_round(struct net_device *dev, u32 dom0,
				       unsigned int n)
{
	static u8 payload[1472];
	struct udp_round r = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		size_t len = udp_round_len(dev, i);
		unsigned int count0 = caught.count;
		u64 end;
		int err = -EAGAIN;

		for (size_t j = 0; j < len; j++)
			payload[j] = (u8)(j + i);
		for (int tries = 0; err == -EAGAIN && tries < 50; tries++) {
			err = udp_sendto(dev, dom0, FAKE_PORT, DOM0_ECHO_PORT,
					 payload, len);
			if (err == -EAGAIN)
				msleep(20);
		}
		if (err)
			continue;
		r.sent++;
		end = ktime_get_ns() + NSEC_PER_SEC;
		while (READ_ONCE(caught.count) == count0 && ktime_get_ns() < end)
			msleep(1);
		if (caught.count == count0)
			continue;
		if (caught_echo_of(dev, i))
			r.ok++;
		else if (!caught_any_echo(dev))
			r.wrong++;
	}
	return r;
}

static void netfront_udp_dom0_csum_modes(struct kunit *test)
{
	struct xennet_info *info;
	struct udp_round r;
	bool offload0;
	u32 dom0;

	info = real_vif_with_ip(test, &dom0);
	if (!info)
		return;
	memset(&caught, 0, sizeof(caught));
	KUNIT_ASSERT_TRUE(test, udp_bind(FAKE_PORT, catch_udp, &caught) == 0);
	/*
	 * Only the net jobs run an echo server.  Silence to every probe
	 * means there is none; once anything answers, every later bad or
	 * missing echo is a failure, and so is a probe echoed wrongly.
	 */
	r = udp_dom0_round(&info->netdev, dom0, 3);
	if (!r.ok && !r.wrong) {
		udp_unbind(FAKE_PORT);
		kunit_skip(test, "no UDP echo server at dom0 port %u (%u/3 sent, "
			   "no answer)", DOM0_ECHO_PORT, r.sent);
		return;
	}
	KUNIT_EXPECT_EQ(test, r.wrong, 0);
	offload0 = info->netdev.tx_csum_offload;
	r = udp_dom0_round(&info->netdev, dom0, UDP_ROUND_MAX);
	kunit_info(test, "csum offload %s: %u/%u echoed, %u wrong",
		   offload0 ? "on" : "off", r.ok, r.sent, r.wrong);
	KUNIT_EXPECT_TRUE(test, r.ok >= 14);
	KUNIT_EXPECT_EQ(test, r.wrong, 0);
	info->netdev.tx_csum_offload = !offload0;
	r = udp_dom0_round(&info->netdev, dom0, UDP_ROUND_MAX);
	info->netdev.tx_csum_offload = offload0;
	kunit_info(test, "csum offload %s: %u/%u echoed, %u wrong",
		   !offload0 ? "on" : "off", r.ok, r.sent, r.wrong);
	KUNIT_EXPECT_TRUE(test, r.ok >= 14);
	KUNIT_EXPECT_EQ(test, r.wrong, 0);
	udp_unbind(FAKE_PORT);
	KUNIT_EXPECT_FALSE(test, info->broken);
}

SELFTEST_SUITE(netfront,
	KUNIT_CASE(netfront_parse_mac),
	KUNIT_CASE(netfront_parse_options),
	KUNIT_CASE(netfront_config_validation),
	KUNIT_CASE(netfront_fake_tx_slots),
	KUNIT_CASE(netfront_fake_tx_csum_and_bounce),
	KUNIT_CASE(netfront_fake_rx),
	KUNIT_CASE(netfront_fake_rx_budget),
	KUNIT_CASE(netfront_fake_malformed),
	KUNIT_CASE(netfront_fake_tx_overflow_disables),
	KUNIT_CASE(netfront_fake_tx_bad_id),
	KUNIT_CASE(netfront_fake_reconnect_keeps_locks),
	KUNIT_CASE(netfront_fake_mapped_grant_deferred),
	KUNIT_CASE(netfront_fake_tx_page_holds_only_the_frame),
	KUNIT_CASE(netfront_fake_rx_pages_reposted_zeroed),
	KUNIT_CASE(netfront_fake_kept_grants_disable),
	KUNIT_CASE(netfront_connected),
	KUNIT_CASE(netfront_ping_dom0),
	KUNIT_CASE(netfront_sg_and_bounce),
	KUNIT_CASE(netfront_every_queue_used),
	KUNIT_CASE(netfront_udp_dom0_csum_modes));

/* ---- the vif's address from DHCP (dom0's life-dhcp job) ----------------- */

#define LEASE_TIMEOUT_MS	120000	/* 4 DISCOVERs of 4..32 s, and more */
#define RENEW_TIMEOUT_MS	120000

/*
 * The first vif's DHCP client, once the vif is up; NULL (the case
 * skipped or failed) when this boot does not use DHCP or it never
 * started.
 */
static struct dhcp_client *vif_dhcp(struct kunit *test,
				    struct xennet_info **infop)
{
	struct xennet_info *info = xennet_first();

	if (info && xennet_ip[0]) {
		kunit_skip(test, "ip= given: %s does not use DHCP", info->name);
		return NULL;
	}
	info = real_vif(test);
	if (!info)
		return NULL;
	if (!READ_ONCE(info->dhcp)) {
		kunit_skip(test, "%s has no DHCP client (dhcp=off?)", info->name);
		return NULL;
	}
	*infop = info;
	return info->dhcp;
}

/* Poll @c until it holds a lease renewed at least @min_renewals times. */
static bool wait_lease(struct dhcp_client *c, struct dhcp_lease *l,
		       unsigned int min_renewals, unsigned int timeout_ms)
{
	u64 end = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC;

	do {
		if (dhcp_lease_get(c, l) && l->renewals >= min_renewals)
			return true;
		msleep(100);
	} while (ktime_get_ns() < end);
	return false;
}

static void netfront_dhcp_lease(struct kunit *test)
{
	struct xennet_info *info = NULL;
	struct dhcp_client *c = vif_dhcp(test, &info);
	struct dhcp_lease l;
	u32 mask;

	if (!c)
		return;
	if (!wait_lease(c, &l, 0, LEASE_TIMEOUT_MS)) {
		kunit_fail(test, __FILE__, __LINE__, "%s: no lease after %u ms",
			   info->name, LEASE_TIMEOUT_MS);
		return;
	}
	kunit_info(test, "%s leased %u.%u.%u.%u/%u from %u.%u.%u.%u for %u s",
		   info->name, l.addr >> 24, (l.addr >> 16) & 0xff,
		   (l.addr >> 8) & 0xff, l.addr & 0xff, l.prefix,
		   l.server >> 24, (l.server >> 16) & 0xff,
		   (l.server >> 8) & 0xff, l.server & 0xff, l.lease_s);
	mask = ~0U << (32 - l.prefix);
	/* The interface holds exactly the lease. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(info->netdev.ip_addr), l.addr);
	KUNIT_EXPECT_EQ(test, READ_ONCE(info->netdev.netmask), mask);
	/* A host of the server's subnet: neither its network nor broadcast. */
	KUNIT_EXPECT_TRUE(test, l.prefix >= 8 && l.prefix <= 30);
	KUNIT_EXPECT_EQ(test, l.addr & mask, l.server & mask);
	KUNIT_EXPECT_TRUE(test, (l.addr & ~mask) && (l.addr & ~mask) != ~mask);
	KUNIT_EXPECT_NE(test, l.addr, l.server);
	KUNIT_EXPECT_TRUE(test, l.lease_s > 0);
	/* And it works: the server (dom0's bridge) answers our pings. */
	KUNIT_EXPECT_EQ(test, ping_n(&info->netdev, l.server, 3, 56, 900), 3);
}

static void netfront_dhcp_renews(struct kunit *test)
{
	struct xennet_info *info = NULL;
	struct dhcp_client *c = vif_dhcp(test, &info);
	struct dhcp_lease first, l;

	if (!c)
		return;
	if (!dhcp_lease_get(c, &first)) {
		kunit_fail(test, __FILE__, __LINE__, "%s holds no lease",
			   info->name);
		return;
	}
	if (first.lease_s == DHCP_INFINITE ||
	    first.lease_s > RENEW_TIMEOUT_MS / 1000 / 2) {
		kunit_skip(test, "lease of %u s: renewal not within %u ms",
			   first.lease_s, RENEW_TIMEOUT_MS);
		return;
	}
	if (!wait_lease(c, &l, first.renewals + 1, RENEW_TIMEOUT_MS)) {
		kunit_fail(test, __FILE__, __LINE__,
			   "%s: lease of %u s not renewed within %u ms",
			   info->name, first.lease_s, RENEW_TIMEOUT_MS);
		return;
	}
	kunit_info(test, "%s: %u renewals", info->name, l.renewals);
	/* The same server renews the same address. */
	KUNIT_EXPECT_EQ(test, l.addr, first.addr);
	KUNIT_EXPECT_EQ(test, l.server, first.server);
	KUNIT_EXPECT_EQ(test, READ_ONCE(info->netdev.ip_addr), first.addr);
}

SELFTEST_SUITE(netfront_dhcp,
	KUNIT_CASE(netfront_dhcp_lease),
	KUNIT_CASE(netfront_dhcp_renews));
