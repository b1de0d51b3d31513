// SPDX-License-Identifier: MIT
/*
 * Self-tests of the network layer over a loopback pair: two interfaces,
 * 10.0.0.1 and 10.0.0.2, whose xmit() queues a copy of the frame for the
 * other one.  Frames are delivered later by a pump, as a real NIC's
 * interrupt would, so ARP resolution, ping and UDP echo run end to end
 * on every platform without a backend, and the last case pumps from
 * another CPU while this one sends.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

#define LOOP_SLOTS	32
#define IP_A		IPV4(10, 0, 0, 1)
#define IP_B		IPV4(10, 0, 0, 2)
#define ECHO_PORT	7
#define CLIENT_PORT	5000
#define PING_ID		0x7076
#define WAIT_NS		(5 * NSEC_PER_SEC)
#define STRESS_ROUNDS	200

/* Frames on their way to one interface. */
struct loop_queue {
	spinlock_t lock;
	unsigned int head;	/* next slot to deliver */
	unsigned int count;
	size_t len[LOOP_SLOTS];
	u8 buf[LOOP_SLOTS][ETH_FRAME_LEN];
};

struct loop_port {
	struct net_device dev;
	struct loop_port *peer;
	struct loop_queue rxq;
};

static struct loop_port lo_a, lo_b;
static struct net_device *const dev_a = &lo_a.dev;
static struct net_device *const dev_b = &lo_b.dev;

/* Play the backend's part of checksum offload, see net_tx_csum_partial(). */
static void loop_complete_csum(u8 *frame, size_t len)
{
	u8 *udp = frame + NET_L4_OFF;
	size_t ulen = get_be16(frame + ETH_HLEN + IP_TOT_LEN) - IP_HLEN;
	u16 csum;

	if (NET_L4_OFF + ulen > len)
		return;
	csum = inet_csum(udp, ulen, 0);
	put_be16(udp + UDP_CSUM, csum ? csum : 0xffff);
}

static int loop_xmit(struct net_device *dev, const void *frame, size_t len)
{
	struct loop_port *lp = dev->priv;
	struct loop_queue *q = &lp->peer->rxq;
	unsigned long flags;
	unsigned int slot;
	int ret = 0;

	if (len > ETH_FRAME_LEN)
		return -E2BIG;
	spin_lock_irqsave(&q->lock, flags);
	if (q->count == LOOP_SLOTS) {
		ret = -ENOSPC;
	} else {
		slot = (q->head + q->count++) % LOOP_SLOTS;
		memcpy(q->buf[slot], frame, len);
		q->len[slot] = len;
		if (net_tx_csum_partial(dev, frame, len))
			loop_complete_csum(q->buf[slot], len);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/*
 * Hand one queued frame to @lp's stack.  It is copied out first so the
 * queue lock is not held while net_rx() sends into the other queue.
 */
static bool loop_deliver_one(struct loop_port *lp)
{
	struct loop_queue *q = &lp->rxq;
	u8 frame[ETH_FRAME_LEN];
	unsigned long flags;
	size_t len = 0;
	bool got;

	spin_lock_irqsave(&q->lock, flags);
	got = q->count > 0;
	if (got) {
		len = q->len[q->head];
		memcpy(frame, q->buf[q->head], len);
		q->head = (q->head + 1) % LOOP_SLOTS;
		q->count--;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (got)
		net_rx(&lp->dev, frame, len);
	return got;
}

/* Deliver until both queues are empty; returns the number of frames. */
static unsigned int loop_pump(void)
{
	unsigned int n = 0;
	bool more = true;

	while (more) {
		unsigned int got = loop_deliver_one(&lo_a);

		got += loop_deliver_one(&lo_b);
		n += got;
		more = got;
	}
	return n;
}

static int loop_port_init(struct loop_port *lp, struct loop_port *peer,
			  const char *name, u8 last_mac_byte, const char *cidr)
{
	int ret;

	net_unregister(&lp->dev);
	memset(lp, 0, sizeof(*lp));
	spin_lock_init(&lp->rxq.lock);
	lp->peer = peer;
	lp->dev.name = name;
	lp->dev.mac[0] = 0x02;	/* locally administered */
	lp->dev.mac[5] = last_mac_byte;
	lp->dev.xmit = loop_xmit;
	lp->dev.priv = lp;
	ret = net_register(&lp->dev);
	return ret ? ret : net_configure(&lp->dev, cidr);
}

static bool loop_setup(struct kunit *test)
{
	int ra = loop_port_init(&lo_a, &lo_b, "lo-a", 1, "10.0.0.1/24");
	int rb = loop_port_init(&lo_b, &lo_a, "lo-b", 2, "10.0.0.2/24");

	KUNIT_EXPECT_EQ(test, ra, 0);
	KUNIT_EXPECT_EQ(test, rb, 0);
	return !ra && !rb;
}

static void loop_teardown(void)
{
	udp_echo_stop();
	udp_unbind(CLIENT_PORT);
	net_unregister(&lo_a.dev);
	net_unregister(&lo_b.dev);
}

static u64 rx_total(const struct net_stats *s)
{
	u64 sum = 0;
	unsigned int v;

	for (v = 0; v < NET_RX_VERDICTS; v++)
		sum += s->rx[v];
	return sum;
}

/* Every frame got exactly one verdict, and none was dropped. */
static void expect_clean_stats(struct kunit *test, struct net_device *dev)
{
	KUNIT_EXPECT_EQ(test, rx_total(&dev->stats), dev->stats.rx_packets);
	KUNIT_EXPECT_EQ(test, dev->stats.rx[NET_RX_OK], dev->stats.rx_packets);
	KUNIT_EXPECT_EQ(test, dev->stats.tx_errors, 0);
}

static void net_register_checks_input(struct kunit *test)
{
	struct net_device bad = { .name = "bad", .xmit = loop_xmit };

	/* Zero, then multicast MAC. */
	KUNIT_EXPECT_EQ(test, net_register(&bad), -EINVAL);
	bad.mac[0] = 0x01;
	KUNIT_EXPECT_EQ(test, net_register(&bad), -EINVAL);
	bad.mac[0] = 0x02;
	bad.mtu = NET_MIN_MTU - 1;
	KUNIT_EXPECT_EQ(test, net_register(&bad), -EINVAL);
	bad.mtu = ETH_DATA_LEN + 1;
	KUNIT_EXPECT_EQ(test, net_register(&bad), -EINVAL);

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	KUNIT_EXPECT_EQ(test, net_register(dev_a), -EEXIST);
	KUNIT_EXPECT_EQ(test, net_configure(dev_a, "10.0.0.256/24"), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_configure(dev_a, "10.0.0.0/24"), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_configure(dev_a, "10.0.0.255/24"), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_configure(dev_a, "127.0.0.1/8"), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_configure(dev_a, "224.0.0.1/4"), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_configure(&bad, "10.0.0.9/24"), -ENODEV);
	/* The failed attempts left the address alone. */
	KUNIT_EXPECT_EQ(test, dev_a->ip_addr, IP_A);
	loop_teardown();
}

static void net_arp_resolves_neighbour(struct kunit *test)
{
	u8 mac[ETH_ALEN];

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	KUNIT_EXPECT_EQ(test, net_arp_lookup(dev_a, IP_B, mac), -ENOENT);
	KUNIT_EXPECT_EQ(test, net_ping(dev_a, IP_B, PING_ID, 0, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, loop_pump(), 2);	/* request and reply */
	KUNIT_EXPECT_EQ(test, net_arp_lookup(dev_a, IP_B, mac), 0);
	KUNIT_EXPECT_EQ(test, memcmp(mac, dev_b->mac, ETH_ALEN), 0);
	/* The request was for B, so B learnt A on the way. */
	KUNIT_EXPECT_EQ(test, net_arp_lookup(dev_b, IP_A, mac), 0);
	KUNIT_EXPECT_EQ(test, memcmp(mac, dev_a->mac, ETH_ALEN), 0);
	/* Off-link, own and broadcast destinations are refused. */
	KUNIT_EXPECT_EQ(test, net_ping(dev_a, IPV4(10, 0, 1, 2), 1, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, net_ping(dev_a, IP_A, 1, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, net_ping(dev_a, IPV4(10, 0, 0, 255), 1, 0, 0),
			-EINVAL);
	expect_clean_stats(test, dev_a);
	expect_clean_stats(test, dev_b);
	loop_teardown();
}

/* Send with retries while ARP settles; pumps in between. */
static int ping_resolved(struct net_device *dev, u32 dst, u16 seq, size_t len)
{
	int ret = net_ping(dev, dst, PING_ID, seq, len);

	if (ret == -EAGAIN) {
		loop_pump();
		ret = net_ping(dev, dst, PING_ID, seq, len);
	}
	return ret;
}

static void net_ping_round_trips(struct kunit *test)
{
	size_t max = NET_PING_MAX_PAYLOAD(ETH_DATA_LEN);
	unsigned int seq = 0;
	size_t len;

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	for (len = 0; len <= max; len += 61, seq++) {
		KUNIT_EXPECT_EQ(test, ping_resolved(dev_a, IP_B, seq, len), 0);
		loop_pump();
	}
	KUNIT_EXPECT_EQ(test, ping_resolved(dev_a, IP_B, seq++, max), 0);
	loop_pump();
	KUNIT_EXPECT_EQ(test, net_ping(dev_a, IP_B, PING_ID, seq, max + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dev_a->stats.echo_replies, seq);
	KUNIT_EXPECT_EQ(test, dev_a->stats.echo_reply_last,
			(u32)PING_ID << 16 | (seq - 1));
	expect_clean_stats(test, dev_a);
	expect_clean_stats(test, dev_b);
	loop_teardown();
}

struct echo_check {
	size_t expect_len;
	unsigned int seed;
	unsigned int good;
	unsigned int bad;
};

static u8 pattern_byte(unsigned int seed, size_t i)
{
	return (u8)(seed * 31 + i * 7);
}

static void echo_client_rx(void *ctx, u32 src_ip, u16 src_port,
			   const void *data, size_t len)
{
	struct echo_check *c = ctx;
	const u8 *p = data;
	bool ok = src_ip == IP_B && src_port == ECHO_PORT &&
		  len == c->expect_len;
	size_t i;

	for (i = 0; ok && i < len; i++)
		ok = p[i] == pattern_byte(c->seed, i);
	if (ok)
		c->good++;
	else
		c->bad++;
}

static int udp_send_resolved(struct net_device *dev, const u8 *buf, size_t len)
{
	int ret = udp_sendto(dev, IP_B, CLIENT_PORT, ECHO_PORT, buf, len);

	if (ret == -EAGAIN) {
		loop_pump();
		ret = udp_sendto(dev, IP_B, CLIENT_PORT, ECHO_PORT, buf, len);
	}
	return ret;
}

/* Echo every size in steps, checking each answer's bytes. */
static void udp_echo_sizes(struct kunit *test, struct echo_check *c)
{
	static u8 buf[ETH_DATA_LEN];
	size_t max = NET_UDP_MAX_PAYLOAD(ETH_DATA_LEN), len, i;
	unsigned int sent = 0;

	for (len = 0; len <= max; len = len < 64 ? len + 1 : len + 97) {
		c->expect_len = len;
		c->seed = sent;
		for (i = 0; i < len; i++)
			buf[i] = pattern_byte(c->seed, i);
		KUNIT_EXPECT_EQ(test, udp_send_resolved(dev_a, buf, len), 0);
		loop_pump();
		sent++;
	}
	KUNIT_EXPECT_EQ(test, c->good, sent);
	KUNIT_EXPECT_EQ(test, c->bad, 0);
	KUNIT_EXPECT_EQ(test, dev_b->stats.udp_echoed, sent);
	KUNIT_EXPECT_EQ(test, udp_sendto(dev_a, IP_B, CLIENT_PORT, ECHO_PORT,
					 buf, max + 1), -E2BIG);
}

static void net_udp_echo_round_trips(struct kunit *test)
{
	static struct echo_check check;

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	memset(&check, 0, sizeof(check));
	KUNIT_EXPECT_EQ(test, udp_echo_start(ECHO_PORT), 0);
	KUNIT_EXPECT_EQ(test, udp_echo_start(ECHO_PORT), -EBUSY);
	KUNIT_EXPECT_EQ(test, udp_bind(ECHO_PORT, echo_client_rx, &check),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, udp_bind(CLIENT_PORT, echo_client_rx, &check), 0);
	KUNIT_EXPECT_EQ(test, udp_bind(CLIENT_PORT, echo_client_rx, &check),
			-EBUSY);
	udp_echo_sizes(test, &check);
	expect_clean_stats(test, dev_a);
	expect_clean_stats(test, dev_b);
	loop_teardown();
}

/* A's checksums are finished by "the backend" (loop_xmit) instead. */
static void net_udp_csum_offload(struct kunit *test)
{
	static struct echo_check check;

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	memset(&check, 0, sizeof(check));
	dev_a->tx_csum_offload = true;
	KUNIT_EXPECT_EQ(test, udp_echo_start(ECHO_PORT), 0);
	KUNIT_EXPECT_EQ(test, udp_bind(CLIENT_PORT, echo_client_rx, &check), 0);
	udp_echo_sizes(test, &check);
	KUNIT_EXPECT_EQ(test, dev_b->stats.rx[NET_DROP_BAD_CSUM], 0);
	loop_teardown();
}

static void net_bad_frames_are_counted(struct kunit *test)
{
	static u8 frame[ETH_FRAME_LEN + 8];
	struct net_device *b = dev_b;
	u8 *ip = frame + ETH_HLEN;

	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	/* A valid ping from A to B, captured from A's transmit path. */
	KUNIT_EXPECT_EQ(test, ping_resolved(dev_a, IP_B, 1, 32), 0);
	KUNIT_ASSERT_TRUE(test, lo_b.rxq.count == 1);
	memcpy(frame, lo_b.rxq.buf[lo_b.rxq.head], lo_b.rxq.len[lo_b.rxq.head]);
	loop_pump();

	net_rx(b, frame, ETH_HLEN - 1);
	KUNIT_EXPECT_EQ(test, b->stats.rx[NET_DROP_BAD_LENGTH], 1);
	net_rx(b, frame, sizeof(frame));	/* over the MTU */
	KUNIT_EXPECT_EQ(test, b->stats.rx[NET_DROP_BAD_LENGTH], 2);
	net_rx(b, NULL, 0);
	KUNIT_EXPECT_EQ(test, b->stats.rx[NET_DROP_BAD_LENGTH], 3);
	ip[IP_VER_IHL] = 0x44;
	net_rx(b, frame, ETH_HLEN + IP_HLEN + 8 + 32);
	KUNIT_EXPECT_EQ(test, b->stats.rx[NET_DROP_BAD_HEADER], 1);
	ip[IP_VER_IHL] = 0x45;
	ip[IP_TTL]--;	/* header checksum no longer matches */
	net_rx(b, frame, ETH_HLEN + IP_HLEN + 8 + 32);
	KUNIT_EXPECT_EQ(test, b->stats.rx[NET_DROP_BAD_CSUM], 1);
	KUNIT_EXPECT_EQ(test, rx_total(&b->stats), b->stats.rx_packets);
	KUNIT_EXPECT_EQ(test, dev_a->stats.echo_replies, 1);
	loop_teardown();
}

struct pump_ctl {
	bool stop;
	unsigned int delivered;
};

static int pump_thread(void *arg)
{
	struct pump_ctl *ctl = arg;

	while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE)) {
		ctl->delivered += loop_pump();
		kthread_yield();
	}
	ctl->delivered += loop_pump();
	return 0;
}

static unsigned int other_cpu(void)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != self)
			return cpu;
	return self;
}

/* Retry while the pump has not caught up (queue full) or ARP is pending. */
static int send_until_queued(int (*send)(unsigned int i), unsigned int i)
{
	u64 deadline = ktime_get_ns() + WAIT_NS;
	int ret;

	while ((ret = send(i)) == -ENOSPC || ret == -EAGAIN) {
		if (ktime_get_ns() > deadline)
			break;
		kthread_yield();
	}
	return ret;
}

static int send_ping(unsigned int i)
{
	return net_ping(dev_a, IP_B, PING_ID, (u16)i, i % 200);
}

static int send_udp(unsigned int i)
{
	static const char msg[] = "pvk net stress";

	return udp_sendto(dev_a, IP_B, CLIENT_PORT, ECHO_PORT, msg,
			  i % sizeof(msg));
}

static bool wait_for(const u64 *counter, u64 want)
{
	u64 deadline = ktime_get_ns() + WAIT_NS;

	while (__atomic_load_n(counter, __ATOMIC_RELAXED) < want) {
		if (ktime_get_ns() > deadline)
			return false;
		kthread_yield();
	}
	return true;
}

static void net_rx_on_another_cpu(struct kunit *test)
{
	static struct pump_ctl ctl;
	struct thread *t;
	unsigned int i;

	/* other_cpu() would be this one: nothing crosses CPUs. */
	if (!kunit_need_cpus(test, 2))
		return;
	KUNIT_ASSERT_TRUE(test, loop_setup(test));
	KUNIT_EXPECT_EQ(test, udp_echo_start(ECHO_PORT), 0);
	memset(&ctl, 0, sizeof(ctl));
	t = kthread_run(pump_thread, &ctl, "netpump", other_cpu());
	KUNIT_ASSERT_TRUE(test, t != NULL);
	for (i = 0; i < STRESS_ROUNDS; i++) {
		KUNIT_EXPECT_EQ(test, send_until_queued(send_ping, i), 0);
		KUNIT_EXPECT_EQ(test, send_until_queued(send_udp, i), 0);
	}
	KUNIT_EXPECT_TRUE(test, wait_for(&dev_a->stats.echo_replies,
					 STRESS_ROUNDS));
	KUNIT_EXPECT_TRUE(test, wait_for(&dev_b->stats.udp_echoed,
					 STRESS_ROUNDS));
	__atomic_store_n(&ctl.stop, true, __ATOMIC_RELEASE);
	KUNIT_EXPECT_EQ(test, kthread_join(t), 0);
	kunit_info(test, "%u frames delivered on CPU %u", ctl.delivered,
		   other_cpu());
	/* Echoes to the unbound client port are the only drops. */
	KUNIT_EXPECT_EQ(test, dev_a->stats.rx[NET_DROP_NO_PORT], STRESS_ROUNDS);
	KUNIT_EXPECT_EQ(test, dev_b->stats.rx[NET_RX_OK],
			dev_b->stats.rx_packets);
	KUNIT_EXPECT_EQ(test, rx_total(&dev_a->stats), dev_a->stats.rx_packets);
	loop_teardown();
}

SELFTEST_SUITE(net,
	KUNIT_CASE(net_register_checks_input),
	KUNIT_CASE(net_arp_resolves_neighbour),
	KUNIT_CASE(net_ping_round_trips),
	KUNIT_CASE(net_udp_echo_round_trips),
	KUNIT_CASE(net_udp_csum_offload),
	KUNIT_CASE(net_bad_frames_are_counted),
	KUNIT_CASE(net_rx_on_another_cpu));
