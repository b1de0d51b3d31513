// SPDX-License-Identifier: MIT
/*
 * Serve mode of the Xen network frontend for the dom0 net jobs: the KTAP
 * suite "netfront_serve", which runs only when named in selftest= (never
 * as part of "all") and keeps the vif serving until dom0 is done with it.
 * It is test scaffolding, built only with CONFIG_SELFTEST, and drives the
 * driver only through what xen-netfront.h offers any user of a vif.
 *
 * dom0's side is tools/testing/selftests/xen/dom0/jobs/net-drive.sh and
 * net-tool.c.  pvk answers ICMP echo (the stack does), echoes UDP on
 * port 7, counts a numbered UDP stream on port 7002, and takes one text
 * command per datagram on port 7001, answering each to its sender:
 *
 *   hello                   "ok pvk-netfront vif0 queues=N sg=N csum=N bounce=N"
 *   sink-reset / sink-stats the port 7002 counters: got, unique, dup, bad, max
 *   stream COUNT SIZE PORT  send COUNT numbered datagrams of SIZE to PORT
 *                           (from port 7003), then "ok sent=N failed=N"
 *   bench-start OP          snapshot hypercalls (every CPU), notifications,
 *   bench-stop              events and packets; bench-stop prints and answers
 *                           "pvk-netbench: op=OP ... hypercalls_per_1000=..."
 *   stats                   log the device's and the stack's counters
 *   done                    end the suite (it fails if this never comes)
 *
 * It lives in its own file so that it links, and so runs, after the
 * "netfront" suite when both are selected.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/kstrtox.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>
#include "xen-netfront.h"

#define UP_TIMEOUT_MS		30000
#define SERVE_CTL_PORT		7001	/* text commands, one per datagram */
#define SERVE_SINK_PORT		7002	/* dom0 -> pvk stream, counted */
#define SERVE_SRC_PORT		7003	/* pvk -> dom0 stream comes from here */
#define SERVE_ECHO_PORT		7
#define SERVE_TIMEOUT_S		600
#define SINK_MAX_SEQ		(1U << 16)

struct serve_mailbox {
	bool full;			/* set by the callback, cleared by the thread */
	u32 ip;
	u16 port;
	char msg[64];
};

static struct serve_mailbox mailbox;
static spinlock_t mailbox_lock;
/* The serving thread, woken by each command (it sleeps in between). */
static struct thread *server;

static struct {
	u32 got, unique, dup, bad, max_seq;
	u8 seen[SINK_MAX_SEQ / 8];
} sink;

static void serve_ctl_rx(void *ctx, u32 ip, u16 port, const void *data,
			 size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&mailbox_lock, flags);
	if (!mailbox.full && len < sizeof(mailbox.msg)) {
		memcpy(mailbox.msg, data, len);
		mailbox.msg[len] = '\0';
		mailbox.ip = ip;
		mailbox.port = port;
		mailbox.full = true;
	}
	spin_unlock_irqrestore(&mailbox_lock, flags);
	kthread_wake(READ_ONCE(server));
}

/* dom0's stream: each datagram starts with a 32-bit big-endian sequence. */
static void serve_sink_rx(void *ctx, u32 ip, u16 port, const void *data,
			  size_t len)
{
	const u8 *p = data;
	u32 seq;

	__atomic_fetch_add(&sink.got, 1, __ATOMIC_RELAXED);
	if (len < 4 || (seq = get_be32(p)) >= SINK_MAX_SEQ) {
		__atomic_fetch_add(&sink.bad, 1, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_fetch_or(&sink.seen[seq / 8], (u8)(1U << (seq % 8)),
			      __ATOMIC_RELAXED) & (1U << (seq % 8))) {
		__atomic_fetch_add(&sink.dup, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&sink.unique, 1, __ATOMIC_RELAXED);
	for (u32 m = READ_ONCE(sink.max_seq); seq + 1 > m;
	     m = READ_ONCE(sink.max_seq))
		if (__atomic_compare_exchange_n(&sink.max_seq, &m, seq + 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

/*
 * Send, retrying for up to 2 s while ARP settles or the backend drains
 * the tx ring (pvk's stack queues nothing, so a full ring is -EAGAIN).
 */
static int send_retry(struct net_device *dev, u32 ip, u16 sport, u16 dport,
		      const void *data, size_t len)
{
	u64 end = 0;
	int err;

	for (;;) {
		err = udp_sendto(dev, ip, sport, dport, data, len);
		if (err != -EAGAIN)
			return err;
		if (!end)
			end = ktime_get_ns() + 2 * NSEC_PER_SEC;
		else if (ktime_get_ns() > end)
			return err;
		kthread_yield();
	}
}

struct bench_snap {
	u64 hypercalls;
	struct xennet_queue_stats q;
	struct net_stats n;
	u64 t_ns;
};

static void read_hypercalls(void *arg)
{
	u64 *slot = arg;

	*slot = bench_hypercall_count();
}

/* Hypercalls on every CPU, read there (the counters are per CPU). */
static u64 all_hypercalls(void)
{
	static u64 per_cpu[NR_CPUS];
	unsigned int cpu;
	u64 sum = 0;

	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == smp_processor_id())
			read_hypercalls(&per_cpu[cpu]);
		else
			smp_call_function_single(cpu, read_hypercalls, &per_cpu[cpu],
						 true);
		sum += per_cpu[cpu];
	}
	return sum;
}

static void bench_take(struct xennet_info *info, struct bench_snap *s)
{
	s->hypercalls = all_hypercalls();
	xennet_stats_sum(info, &s->q);
	s->n = info->netdev.stats;
	s->t_ns = ktime_get_ns();
}

static u64 per_1000(u64 what, u64 packets)
{
	return packets ? (what * 1000 + packets / 2) / packets : 0;
}

static void bench_report(struct xennet_info *info, const char *op,
			 const struct bench_snap *a, char *out, size_t len)
{
	struct bench_snap b;
	u64 rx, tx, pk, hc, nt, ev, ms;

	bench_take(info, &b);
	rx = b.q.rx_packets - a->q.rx_packets;
	tx = b.q.tx_packets - a->q.tx_packets;
	pk = rx + tx;
	/* Minus the IPIs bench_take() itself cost (two per other CPU). */
	hc = b.hypercalls - a->hypercalls;
	nt = (b.q.notify_tx - a->q.notify_tx) + (b.q.notify_rx - a->q.notify_rx);
	ev = b.q.events - a->q.events;
	ms = (b.t_ns - a->t_ns) / NSEC_PER_MSEC;
	snprintf(out, len,
		 "pvk-netbench: op=%s ms=%llu rx_packets=%llu tx_packets=%llu hypercalls=%llu notifications=%llu events=%llu hypercalls_per_1000=%llu notifications_per_1000=%llu events_per_1000=%llu queues=%u",
		 op, (unsigned long long)ms, (unsigned long long)rx,
		 (unsigned long long)tx, (unsigned long long)hc,
		 (unsigned long long)nt, (unsigned long long)ev,
		 (unsigned long long)per_1000(hc, pk),
		 (unsigned long long)per_1000(nt, pk),
		 (unsigned long long)per_1000(ev, pk), info->num_queues);
	pr_raw("%s\n", out);
}

static unsigned int serve_stream(struct xennet_info *info, u32 ip, u16 port,
				 unsigned int count, unsigned int size,
				 unsigned int *failed)
{
	static u8 buf[1472];
	unsigned int sent = 0;

	size = MAX(4U, MIN(size, (unsigned int)NET_UDP_MAX_PAYLOAD(info->netdev.mtu)));
	*failed = 0;
	for (unsigned int i = 0; i < count; i++) {
		put_be32(buf, i);
		for (unsigned int j = 4; j < size; j++)
			buf[j] = (u8)(i + j);
		if (send_retry(&info->netdev, ip, SERVE_SRC_PORT, port, buf, size))
			(*failed)++;
		else
			sent++;
	}
	return sent;
}

/* One command from dom0; returns false on "done". */
static bool serve_command(struct xennet_info *info, const char *msg, u32 ip,
			  u16 port, char *reply, size_t rlen,
			  struct bench_snap *bench, char *bench_op)
{
	unsigned int count, size, dport, failed, sent;
	bool more = true;

	if (!strcmp(msg, "hello")) {
		snprintf(reply, rlen, "ok pvk-netfront %s queues=%u sg=%u csum=%u bounce=%u",
			 info->name, info->num_queues, info->sg,
			 info->netdev.tx_csum_offload, info->bounce);
	} else if (!strcmp(msg, "sink-reset")) {
		memset(&sink, 0, sizeof(sink));
		snprintf(reply, rlen, "ok");
	} else if (!strcmp(msg, "sink-stats")) {
		snprintf(reply, rlen, "ok got=%u unique=%u dup=%u bad=%u max=%u",
			 READ_ONCE(sink.got), READ_ONCE(sink.unique),
			 READ_ONCE(sink.dup), READ_ONCE(sink.bad),
			 READ_ONCE(sink.max_seq));
	} else if (!strncmp(msg, "stream ", 7)) {
		char args[48], *a = args, *b, *c;

		strlcpy(args, msg + 7, sizeof(args));
		b = strchr(a, ' ');
		c = b ? strchr(b + 1, ' ') : NULL;
		if (!c) {
			snprintf(reply, rlen, "error usage: stream COUNT SIZE PORT");
			return true;
		}
		*b++ = '\0';
		*c++ = '\0';
		if (kstrtouint(a, 10, &count) || kstrtouint(b, 10, &size) ||
		    kstrtouint(c, 10, &dport) || !dport || dport > 65535 ||
		    count > 1000000) {
			snprintf(reply, rlen, "error bad stream arguments");
			return true;
		}
		sent = serve_stream(info, ip, (u16)dport, count, size, &failed);
		pr_raw("netfront-serve: stream to port %u: sent=%u failed=%u\n",
		       dport, sent, failed);
		snprintf(reply, rlen, "ok sent=%u failed=%u", sent, failed);
	} else if (!strncmp(msg, "bench-start ", 12)) {
		strlcpy(bench_op, msg + 12, 32);
		bench_take(info, bench);
		snprintf(reply, rlen, "ok");
	} else if (!strcmp(msg, "bench-stop")) {
		if (!bench_op[0])
			snprintf(reply, rlen, "error no bench-start");
		else
			bench_report(info, bench_op, bench, reply, rlen);
		bench_op[0] = '\0';
	} else if (!strcmp(msg, "stats")) {
		xennet_print_info(info);
		net_print_stats(&info->netdev);
		snprintf(reply, rlen, "ok");
	} else if (!strcmp(msg, "done")) {
		snprintf(reply, rlen, "ok bye");
		more = false;
	} else {
		snprintf(reply, rlen, "error unknown command");
	}
	return more;
}

static void netfront_serve(struct kunit *test)
{
	static struct bench_snap bench;
	static char bench_op[32];
	struct xennet_info *info;
	char msg[64], reply[400];
	bool more = true;
	u64 start, end;
	u32 ip = 0;
	u16 port = 0;
	int err;

	if (!selftest_named("netfront_serve")) {
		kunit_skip(test, "runs only when named: selftest=netfront_serve");
		return;
	}
	info = xennet_first();
	if (!info) {
		kunit_skip(test, "no vif");
		return;
	}
	if (!xennet_wait_up(UP_TIMEOUT_MS)) {
		kunit_fail(test, __FILE__, __LINE__, "%s not up after %u ms",
			   info->name, UP_TIMEOUT_MS);
		return;
	}
	if (!info->netdev.ip_addr) {
		kunit_skip(test, "%s has no address (boot with ip=)", info->name);
		return;
	}
	spin_lock_init(&mailbox_lock);
	memset(&mailbox, 0, sizeof(mailbox));
	WRITE_ONCE(server, kthread_self());
	memset(&sink, 0, sizeof(sink));
	bench_op[0] = '\0';
	err = udp_echo_start(SERVE_ECHO_PORT);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, udp_bind(SERVE_CTL_PORT, serve_ctl_rx, NULL), 0);
	KUNIT_EXPECT_EQ(test, udp_bind(SERVE_SINK_PORT, serve_sink_rx, NULL), 0);
	xennet_print_info(info);
	pr_raw("netfront-serve: ready ctl=%u echo=%u sink=%u timeout=%us\n",
	       SERVE_CTL_PORT, SERVE_ECHO_PORT, SERVE_SINK_PORT, SERVE_TIMEOUT_S);

	start = ktime_get_ns();
	end = start + (u64)SERVE_TIMEOUT_S * NSEC_PER_SEC;
	while (more && ktime_get_ns() < end) {
		unsigned long flags;
		bool got;

		spin_lock_irqsave(&mailbox_lock, flags);
		got = mailbox.full;
		if (got) {
			strlcpy(msg, mailbox.msg, sizeof(msg));
			ip = mailbox.ip;
			port = mailbox.port;
		}
		spin_unlock_irqrestore(&mailbox_lock, flags);
		if (!got) {
			/*
			 * Sleep until a command comes (serve_ctl_rx() wakes
			 * us): a serving guest that is idle stays idle.
			 */
			kthread_wait_ns(end - MIN(ktime_get_ns(), end));
			continue;
		}
		pr_raw("netfront-serve: command '%s'\n", msg);
		more = serve_command(info, msg, ip, port, reply, sizeof(reply),
				     &bench, bench_op);
		err = send_retry(&info->netdev, ip, SERVE_CTL_PORT, port, reply,
				 strlen(reply));
		if (err)
			pr_raw("netfront-serve: reply to '%s' not sent (%d)\n", msg, err);
		/* Free the mailbox only now: dom0 waits for each reply. */
		spin_lock_irqsave(&mailbox_lock, flags);
		mailbox.full = false;
		spin_unlock_irqrestore(&mailbox_lock, flags);
	}
	udp_echo_stop();
	udp_unbind(SERVE_CTL_PORT);
	WRITE_ONCE(server, NULL);
	udp_unbind(SERVE_SINK_PORT);
	pr_raw("netfront-serve: %s after %llu s\n", more ? "timed out" : "done",
	       (unsigned long long)((ktime_get_ns() - start) / NSEC_PER_SEC));
	xennet_print_info(info);
	net_print_stats(&info->netdev);
	if (more)
		kunit_fail(test, __FILE__, __LINE__,
			   "dom0 sent no 'done' within %u s", SERVE_TIMEOUT_S);
	KUNIT_EXPECT_FALSE(test, info->broken);
	KUNIT_EXPECT_TRUE(test, info->netdev.stats.rx[NET_RX_OK] > 0);
}

SELFTEST_SUITE(netfront_serve,
	KUNIT_CASE(netfront_serve));
