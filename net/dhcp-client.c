// SPDX-License-Identifier: MIT
/*
 * DHCP client (RFC 2131): one thread per interface gets a lease
 * (DISCOVER, OFFER, REQUEST, ACK), configures the interface with it,
 * renews it at T1 with a REQUEST to the server, rebinds by broadcast at
 * T2 and drops the address if the lease ends unrenewed.
 *
 * When no server answers, DISCOVER is retried with a doubling wait
 * (DHCP_TRIES times), then a line says so and the thread keeps trying
 * at a fixed interval in the background: nothing waits for it, so boot
 * and serve mode go on without an address.
 *
 * Replies reach dhcp_rx() through UDP port 68 (net/ipv4.c lets UDP
 * broadcasts through to an interface without an address).  It takes
 * only a reply to the transaction its client waits on, for its MAC, and
 * hands it over under dhcp_lock; the thread does everything else,
 * logging included.  The messages themselves are net/dhcp.c's.
 */
#define pr_fmt(fmt) "dhcp: " fmt

#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/net.h>
#include <pvk/net/dhcp.h>
#include <pvk/params.h>
#include <pvk/sched.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

#define DHCP_TRIES		4	/* DISCOVERs before saying no answer */
#define DHCP_FIRST_WAIT_S	4	/* then 8, 16, 32 (RFC 2131, 4.1) */
#define DHCP_RETRY_S		60	/* afterwards, in the background */
#define DHCP_REQUEST_TRIES	3	/* REQUESTs for one offer */
#define DHCP_REQUEST_WAIT_S	4
#define DHCP_RENEW_MIN_WAIT_S	4	/* between REQUESTs while renewing */
#define DHCP_ARP_WAIT_MS	500	/* the server's MAC, when renewing */

/* dhcp=off: leave vifs without ip= unconfigured. */
static bool dhcp_on = true;
param_bool("dhcp", dhcp_on);

struct dhcp_client {
	struct net_device *dev;
	struct thread *thread;
	struct dhcp_client *next;
	/* Under dhcp_lock: */
	bool stop;
	u32 xid;			/* the transaction waited on, 0: none */
	bool have_reply;
	enum dhcp_verdict verdict;
	struct dhcp_reply reply;
	struct dhcp_lease lease;
	/* The thread's own: */
	u64 sent_ns;			/* the last REQUEST, where a lease starts */
};

static DEFINE_SPINLOCK(dhcp_lock);
static struct dhcp_client *dhcp_clients;
static bool dhcp_port_bound;

static void print_ip(char *buf, size_t size, u32 ip)
{
	snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
}

/* UDP port 68, any interface: find the client waiting for this reply. */
static void dhcp_rx(void *ctx, u32 src_ip, u16 src_port, const void *data,
		    size_t len)
{
	struct dhcp_reply r;
	struct dhcp_client *c;
	enum dhcp_verdict v;
	unsigned long flags;

	(void)ctx;
	(void)src_ip;
	if (src_port != DHCP_SERVER_PORT)
		return;
	spin_lock_irqsave(&dhcp_lock, flags);
	for (c = dhcp_clients; c; c = c->next) {
		if (!c->xid)
			continue;
		v = dhcp_parse_reply(data, len, c->xid, c->dev->mac, &r);
		if (v == DHCP_WRONG_XID || v == DHCP_WRONG_CHADDR ||
		    v == DHCP_NOT_REPLY || v == DHCP_BAD_LENGTH)
			continue;
		/* A usable reply is not displaced by a refused one. */
		if (!c->have_reply || c->verdict != DHCP_REPLY_OK) {
			c->reply = r;
			c->verdict = v;
			c->have_reply = true;
			kthread_wake(c->thread);
		}
		break;
	}
	spin_unlock_irqrestore(&dhcp_lock, flags);
}

static bool dhcp_stopping(struct dhcp_client *c)
{
	unsigned long flags;
	bool stop;

	spin_lock_irqsave(&dhcp_lock, flags);
	stop = c->stop;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	return stop;
}

/* Start a transaction: replies to the previous one are ignored now. */
static u32 dhcp_new_xid(struct dhcp_client *c)
{
	const u8 *m = c->dev->mac;
	unsigned long flags;
	u32 xid;

	xid = (u32)(get_cycles() ^ (ktime_get_ns() >> 10)) ^
	      ((u32)m[2] << 24 | (u32)m[3] << 16 | (u32)m[4] << 8 | m[5]);
	if (!xid)
		xid = 1;
	spin_lock_irqsave(&dhcp_lock, flags);
	c->xid = xid;
	c->have_reply = false;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	return xid;
}

/* Sleep until @deadline or dhcp_stop(); false if stopping. */
static bool dhcp_sleep_until(struct dhcp_client *c, u64 deadline)
{
	u64 now;

	while (!dhcp_stopping(c)) {
		now = ktime_get_ns();
		if (now >= deadline)
			return true;
		kthread_wait_ns(deadline - now);
	}
	return false;
}

static void dhcp_log_refusal(struct dhcp_client *c, enum dhcp_verdict v,
			     const struct dhcp_reply *r)
{
	char server[16], addr[16];

	print_ip(server, sizeof(server), r->server_id);
	print_ip(addr, sizeof(addr), r->yiaddr);
	if (v == DHCP_BAD_ADDRESS || v == DHCP_BAD_NETMASK)
		pr_warn("%s refused a reply from %s: %s (address %s netmask %08x)\n",
			c->dev->name, server, dhcp_verdict_name(v), addr,
			r->netmask);
	else
		pr_warn("%s refused a reply: %s\n", c->dev->name,
			dhcp_verdict_name(v));
}

/*
 * Wait until @deadline for a reply to the current transaction whose
 * type is in @types (a bit per type).  Refused replies are logged and
 * waited past.  False on timeout or when stopping.
 */
static bool dhcp_wait_reply(struct dhcp_client *c, u64 deadline,
			    unsigned int types, struct dhcp_reply *out)
{
	enum dhcp_verdict v;
	unsigned long flags;
	bool got, stop;
	u64 now;

	for (;;) {
		spin_lock_irqsave(&dhcp_lock, flags);
		got = c->have_reply;
		c->have_reply = false;
		*out = c->reply;
		v = c->verdict;
		stop = c->stop;
		spin_unlock_irqrestore(&dhcp_lock, flags);
		if (stop)
			return false;
		if (got && v != DHCP_REPLY_OK)
			dhcp_log_refusal(c, v, out);
		else if (got && (types & (1U << out->type)))
			return true;
		if (got)
			continue;
		now = ktime_get_ns();
		if (now >= deadline)
			return false;
		kthread_wait_ns(deadline - now);
	}
}

/*
 * Send a DISCOVER or REQUEST for the current transaction: to the server
 * itself when @unicast_to is set (renewing), else broadcast from @ciaddr.
 */
static int dhcp_send(struct dhcp_client *c, const struct dhcp_request *req,
		     u32 unicast_to)
{
	u8 msg[DHCP_MSG_MAX];
	int len, err;

	len = dhcp_build(req, msg, sizeof(msg));
	if (len < 0)
		return len;
	c->sent_ns = ktime_get_ns();
	if (unicast_to) {
		err = udp_sendto(c->dev, unicast_to, DHCP_CLIENT_PORT,
				 DHCP_SERVER_PORT, msg, (size_t)len);
		if (err != -EAGAIN)
			return err;
		/* The server's MAC was asked for: one more go after that. */
		if (!dhcp_sleep_until(c, ktime_get_ns() +
				      DHCP_ARP_WAIT_MS * NSEC_PER_MSEC))
			return -EAGAIN;
		return udp_sendto(c->dev, unicast_to, DHCP_CLIENT_PORT,
				  DHCP_SERVER_PORT, msg, (size_t)len);
	}
	return udp_send_broadcast(c->dev, req->ciaddr, DHCP_CLIENT_PORT,
				  DHCP_SERVER_PORT, msg, (size_t)len);
}

/* Ask for @offer's address; true with the server's ACK in @ack. */
static bool dhcp_request_offer(struct dhcp_client *c, u32 xid,
			       const struct dhcp_reply *offer,
			       struct dhcp_reply *ack)
{
	struct dhcp_request req = {
		.type = DHCPREQUEST, .xid = xid, .mac = c->dev->mac,
		.requested = offer->yiaddr, .server_id = offer->server_id,
	};
	char server[16];
	unsigned int i;
	u64 deadline;

	for (i = 0; i < DHCP_REQUEST_TRIES; i++) {
		dhcp_send(c, &req, 0);
		deadline = ktime_get_ns() + DHCP_REQUEST_WAIT_S * NSEC_PER_SEC;
		if (!dhcp_wait_reply(c, deadline,
				     1U << DHCPACK | 1U << DHCPNAK, ack)) {
			if (dhcp_stopping(c))
				return false;
			continue;
		}
		if (ack->type == DHCPACK)
			return true;
		print_ip(server, sizeof(server), ack->server_id);
		pr_warn("%s offer refused by %s (NAK), starting over\n",
			c->dev->name, server);
		return false;
	}
	return false;
}

/* One DISCOVER and what follows; true with an ACK in @ack. */
static bool dhcp_select(struct dhcp_client *c, u64 wait_ns,
			struct dhcp_reply *ack)
{
	struct dhcp_request req = {
		.type = DHCPDISCOVER, .mac = c->dev->mac,
	};
	struct dhcp_reply offer;
	int err;

	req.xid = dhcp_new_xid(c);
	err = dhcp_send(c, &req, 0);
	if (err)
		pr_warn("%s DISCOVER not sent (%d)\n", c->dev->name, err);
	if (!dhcp_wait_reply(c, ktime_get_ns() + wait_ns, 1U << DHCPOFFER,
			     &offer))
		return false;
	return dhcp_request_offer(c, req.xid, &offer, ack);
}

/* DISCOVER until a lease comes; false only when stopping. */
static bool dhcp_acquire(struct dhcp_client *c, struct dhcp_reply *ack)
{
	unsigned int tries = 0, wait_s;

	while (!dhcp_stopping(c)) {
		wait_s = tries < DHCP_TRIES ? DHCP_FIRST_WAIT_S << tries :
		       DHCP_RETRY_S;
		if (dhcp_select(c, wait_s * NSEC_PER_SEC, ack))
			return true;
		if (++tries == DHCP_TRIES)
			pr_warn("%s no answer after %u tries, retrying every %u s\n",
				c->dev->name, tries, DHCP_RETRY_S);
	}
	return false;
}

/* Give the interface the address of @ack and log it; false if refused. */
static bool dhcp_bind(struct dhcp_client *c, const struct dhcp_reply *ack,
		      const char *what)
{
	struct dhcp_lease lease = {
		.addr = ack->yiaddr, .prefix = ack->prefix,
		.server = ack->server_id, .lease_s = ack->lease_s,
	};
	char addr[16], server[16];
	unsigned long flags;
	int err;

	print_ip(addr, sizeof(addr), ack->yiaddr);
	print_ip(server, sizeof(server), ack->server_id);
	if (c->lease.addr != ack->yiaddr || c->lease.prefix != ack->prefix) {
		err = net_configure_ipv4(c->dev, ack->yiaddr, ack->prefix);
		if (err) {
			pr_warn("%s address %s/%u from %s not usable (%d)\n",
				c->dev->name, addr, ack->prefix, server, err);
			return false;
		}
		net_announce(c->dev);
	}
	spin_lock_irqsave(&dhcp_lock, flags);
	lease.renewals = c->lease.addr ? c->lease.renewals + 1 : 0;
	c->lease = lease;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	if (ack->lease_s == DHCP_INFINITE)
		pr_info("%s %s %s/%u from %s for ever\n", c->dev->name, what,
			addr, ack->prefix, server);
	else
		pr_info("%s %s %s/%u from %s for %u s\n", c->dev->name, what,
			addr, ack->prefix, server, ack->lease_s);
	return true;
}

static void dhcp_drop(struct dhcp_client *c, const char *why)
{
	struct dhcp_lease none = { 0 };
	unsigned long flags;
	char addr[16];

	print_ip(addr, sizeof(addr), c->lease.addr);
	pr_warn("%s %s: address %s removed, asking again\n", c->dev->name,
		why, addr);
	net_unconfigure(c->dev);
	spin_lock_irqsave(&dhcp_lock, flags);
	c->lease = none;
	spin_unlock_irqrestore(&dhcp_lock, flags);
}

/*
 * From T1 on: REQUEST to the server, from T2 on broadcast, each resent
 * after half the time left in its phase (at least 4 s).  True with a new
 * ACK in @r (started at c->sent_ns); false when the lease is lost (NAK,
 * expiry) or when stopping.
 */
static bool dhcp_renew(struct dhcp_client *c, u64 start,
		       struct dhcp_reply *r)
{
	u64 t2 = start + (u64)r->t2_s * NSEC_PER_SEC;
	u64 end = start + (u64)r->lease_s * NSEC_PER_SEC;
	struct dhcp_request req = {
		.type = DHCPREQUEST, .mac = c->dev->mac, .ciaddr = r->yiaddr,
	};
	u32 server = r->server_id;
	u64 now, phase_end, wait;

	req.xid = dhcp_new_xid(c);
	while ((now = ktime_get_ns()) < end) {
		phase_end = now < t2 ? t2 : end;
		wait = MAX((phase_end - now) / 2,
			   DHCP_RENEW_MIN_WAIT_S * NSEC_PER_SEC);
		dhcp_send(c, &req, now < t2 ? server : 0);
		if (dhcp_wait_reply(c, MIN(now + wait, end),
				    1U << DHCPACK | 1U << DHCPNAK, r)) {
			if (r->type == DHCPACK)
				return true;
			dhcp_drop(c, "lease refused by the server (NAK)");
			return false;
		}
		if (dhcp_stopping(c))
			return false;
	}
	dhcp_drop(c, "lease expired");
	return false;
}

/* Keep @ack's lease, renewing it, until it is lost or we stop. */
static void dhcp_hold(struct dhcp_client *c, struct dhcp_reply *ack)
{
	const char *what = "leased";
	u64 start;

	for (;;) {
		start = c->sent_ns;
		if (!dhcp_bind(c, ack, what)) {
			if (c->lease.addr)
				dhcp_drop(c, "new address not usable");
			return;
		}
		if (ack->lease_s == DHCP_INFINITE) {
			dhcp_sleep_until(c, ~0ULL);
			return;
		}
		if (!dhcp_sleep_until(c, start + (u64)ack->t1_s * NSEC_PER_SEC))
			return;
		if (!dhcp_renew(c, start, ack))
			return;
		what = "renewed";
	}
}

static int dhcp_thread(void *arg)
{
	struct dhcp_client *c = arg;
	struct dhcp_reply ack;

	while (dhcp_acquire(c, &ack))
		dhcp_hold(c, &ack);
	return 0;
}

static bool dhcp_bind_port(void)
{
	unsigned long flags;
	bool bound;
	int err;

	spin_lock_irqsave(&dhcp_lock, flags);
	bound = dhcp_port_bound;
	dhcp_port_bound = true;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	if (bound)
		return true;
	err = udp_bind(DHCP_CLIENT_PORT, dhcp_rx, NULL);
	if (!err)
		return true;
	pr_err("UDP port %u not available (%d)\n", DHCP_CLIENT_PORT, err);
	spin_lock_irqsave(&dhcp_lock, flags);
	dhcp_port_bound = false;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	return false;
}

/**
 * dhcp_start - get and keep an address for an interface by DHCP
 * @dev: a registered interface without an address
 *
 * Starts the interface's client thread and returns at once; the lease
 * comes (and is logged) in the background.  Returns the client, for
 * dhcp_stop() and dhcp_lease_get(), or NULL with dhcp=off or when the
 * client could not start (logged).
 */
struct dhcp_client *dhcp_start(struct net_device *dev)
{
	struct dhcp_client *c;
	unsigned long flags;

	if (!dhcp_on) {
		pr_info("%s left unconfigured (dhcp=off, no ip=)\n", dev->name);
		return NULL;
	}
	if (!dhcp_bind_port())
		return NULL;
	c = kzalloc(sizeof(*c));
	if (!c) {
		pr_err("%s no memory for the client\n", dev->name);
		return NULL;
	}
	c->dev = dev;
	spin_lock_irqsave(&dhcp_lock, flags);
	c->next = dhcp_clients;
	dhcp_clients = c;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	c->thread = kthread_run(dhcp_thread, c, "dhcp", 0);
	if (!c->thread) {
		pr_err("%s client thread not started\n", dev->name);
		dhcp_stop(c);
		return NULL;
	}
	pr_info("%s asking for an address\n", dev->name);
	return c;
}

/**
 * dhcp_stop - stop an interface's client
 * @c: from dhcp_start(); freed here
 *
 * Waits for the client's thread to end.  The address stays; the caller
 * is about to unregister the interface anyway.  No DHCPRELEASE is sent:
 * the server gives the same address back to the same MAC, and a guest
 * coming back (xl reboot) finds it again.
 */
void dhcp_stop(struct dhcp_client *c)
{
	struct dhcp_client **pp;
	unsigned long flags;

	spin_lock_irqsave(&dhcp_lock, flags);
	c->stop = true;
	for (pp = &dhcp_clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	spin_unlock_irqrestore(&dhcp_lock, flags);
	if (c->thread) {
		kthread_wake(c->thread);
		kthread_join(c->thread);
	}
	kfree(c);
}

/**
 * dhcp_lease_get - the lease a client holds now
 * @c: from dhcp_start()
 * @out: a copy of it (all zero while there is none)
 *
 * Returns whether the client holds a lease.
 */
bool dhcp_lease_get(struct dhcp_client *c, struct dhcp_lease *out)
{
	unsigned long flags;

	spin_lock_irqsave(&dhcp_lock, flags);
	*out = c->lease;
	spin_unlock_irqrestore(&dhcp_lock, flags);
	return out->addr != 0;
}
