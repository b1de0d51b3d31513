// SPDX-License-Identifier: MIT
/*
 * Interfaces, configuration, the Ethernet layer and the statistics.
 *
 * One lock guards the small shared tables (interfaces, addresses, ARP
 * cache, UDP ports).  Critical sections are a table scan at most and no
 * lock is held across xmit() or a UDP callback, so a reply sent from
 * inside net_rx() cannot deadlock and interrupts stay off only briefly.
 * Counters are atomic adds so the receive path takes no lock for them.
 */
#define pr_fmt(fmt) "net: " fmt

#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>
#ifndef PVK_HOST_TEST
#include <pvk/spinlock.h>
#endif

#define LOOPBACK_NET	IPV4(127, 0, 0, 0)
#define LOOPBACK_MASK	IPV4(255, 0, 0, 0)
#define THIS_NET_MASK	IPV4(255, 0, 0, 0)	/* 0/8: "this network" */
#define CLASS_D_START	IPV4(224, 0, 0, 0)	/* multicast, reserved */
/* /31 and /32 subnets have no network or broadcast address (RFC 3021). */
#define SUBNET_HOST_CHECK_MAX_PREFIX 30

const u8 eth_broadcast_addr[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct net_device *net_devices;

#ifdef PVK_HOST_TEST
/* Host unit tests are single-threaded and have no pv_ops to mask irqs. */
unsigned long net_lock(void)
{
	return 0;
}

void net_unlock(unsigned long flags)
{
	(void)flags;
}
#else
static DEFINE_SPINLOCK(net_tables_lock);

unsigned long net_lock(void)
{
	unsigned long flags;

	spin_lock_irqsave(&net_tables_lock, flags);
	return flags;
}

void net_unlock(unsigned long flags)
{
	spin_unlock_irqrestore(&net_tables_lock, flags);
}
#endif

static const char *const verdict_names[NET_RX_VERDICTS] = {
	[NET_RX_OK] = "ok",
	[NET_DROP_BAD_LENGTH] = "bad length",
	[NET_DROP_BAD_HEADER] = "bad header",
	[NET_DROP_BAD_ADDR] = "bad address",
	[NET_DROP_BAD_CSUM] = "bad checksum",
	[NET_DROP_FRAGMENT] = "fragment",
	[NET_DROP_UNKNOWN_PROTO] = "unknown protocol",
	[NET_DROP_NOT_FOR_US] = "not for us",
	[NET_DROP_NO_PORT] = "no listener",
};

/**
 * net_verdict_name - readable name of a receive verdict
 * @v: verdict
 *
 * For logs and test output, so a drop counter can be reported by the
 * reason a person would search for; unknown values give "?".
 */
const char *net_verdict_name(enum net_rx_verdict v)
{
	if ((unsigned int)v >= NET_RX_VERDICTS)
		return "?";
	return verdict_names[v];
}

static bool mac_is_zero(const u8 *mac)
{
	static const u8 zero[ETH_ALEN];

	return !memcmp(mac, zero, ETH_ALEN);
}

static bool dev_is_registered(struct net_device *dev)
{
	struct net_device *d;

	for (d = net_devices; d; d = d->next)
		if (d == dev)
			return true;
	return false;
}

/**
 * net_register - attach a driver's interface to the stack
 * @dev: device with @name, @mac and @xmit set (and @mtu unless 1500)
 *
 * Clears the stack's fields, including the counters, so a driver can
 * re-register after net_unregister().  Returns 0; -EINVAL for a missing
 * name or xmit, a zero or multicast MAC, or an MTU outside
 * NET_MIN_MTU..ETH_DATA_LEN (pvk builds frames in fixed buffers of
 * ETH_FRAME_LEN); or -EEXIST if @dev is already registered.
 */
int net_register(struct net_device *dev)
{
	unsigned long flags;
	int ret = 0;

	if (!dev || !dev->name || !dev->xmit || mac_is_zero(dev->mac) ||
	    mac_is_multicast(dev->mac))
		return -EINVAL;
	if (!dev->mtu)
		dev->mtu = ETH_DATA_LEN;
	if (dev->mtu < NET_MIN_MTU || dev->mtu > ETH_DATA_LEN)
		return -EINVAL;

	flags = net_lock();
	if (dev_is_registered(dev)) {
		ret = -EEXIST;
	} else {
		memset(&dev->stats, 0, sizeof(dev->stats));
		dev->ip_addr = 0;
		dev->netmask = 0;
		dev->next = net_devices;
		net_devices = dev;
	}
	net_unlock(flags);
	return ret;
}

/**
 * net_unregister - detach an interface
 * @dev: a registered device (anything else is ignored)
 *
 * Forgets its address and ARP entries.  The driver must have stopped
 * calling net_rx() for it and nobody may still send on it, since the
 * stack does not wait for calls in flight.
 */
void net_unregister(struct net_device *dev)
{
	struct net_device **pp;
	unsigned long flags;

	flags = net_lock();
	for (pp = &net_devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			dev->next = NULL;
			dev->ip_addr = 0;
			arp_flush_locked(dev);
			break;
		}
	}
	net_unlock(flags);
}

static u32 prefix_to_mask(unsigned int prefix)
{
	return prefix ? ~0U << (32 - prefix) : 0;
}

/* Can a host own @ip in a subnet with @mask? */
static bool host_addr_valid(u32 ip, u32 mask, unsigned int prefix)
{
	if ((ip & THIS_NET_MASK) == 0 ||
	    (ip & LOOPBACK_MASK) == LOOPBACK_NET || ip >= CLASS_D_START)
		return false;
	if (prefix <= SUBNET_HOST_CHECK_MAX_PREFIX &&
	    ((ip & ~mask) == 0 || (ip & ~mask) == ~mask))
		return false;
	return true;
}

/**
 * net_configure_ipv4 - give an interface its IPv4 address
 * @dev: a registered device
 * @ip: the address (host order)
 * @prefix: its subnet's prefix length, 1..32
 *
 * Refuses addresses a host cannot own: 0.0.0.0/8, loopback, multicast
 * and reserved (224/3), and a subnet's network or broadcast address for
 * prefixes up to /30.  ARP entries learnt under the old address are
 * forgotten.  Returns 0, -EINVAL for bad input (the caller logs it,
 * knowing where it came from) or -ENODEV if @dev is not registered.
 */
int net_configure_ipv4(struct net_device *dev, u32 ip, unsigned int prefix)
{
	unsigned long flags;
	int ret = 0;
	u32 mask;

	if (prefix < 1 || prefix > 32)
		return -EINVAL;
	mask = prefix_to_mask(prefix);
	if (!host_addr_valid(ip, mask, prefix))
		return -EINVAL;

	flags = net_lock();
	if (dev_is_registered(dev)) {
		dev->ip_addr = ip;
		dev->netmask = mask;
		arp_flush_locked(dev);
	} else {
		ret = -ENODEV;
	}
	net_unlock(flags);
	return ret;
}

/**
 * net_configure - give an interface its IPv4 address, from a string
 * @dev: a registered device
 * @ip_cidr: address and prefix, e.g. "10.0.0.2/24" from ip=
 *
 * The syntax is net_parse_ipv4_cidr()'s, the checks and results those
 * of net_configure_ipv4().
 */
int net_configure(struct net_device *dev, const char *ip_cidr)
{
	unsigned int prefix;
	u32 ip;
	int ret;

	ret = net_parse_ipv4_cidr(ip_cidr, &ip, &prefix);
	if (ret)
		return ret;
	return net_configure_ipv4(dev, ip, prefix);
}

/**
 * net_unconfigure - take an interface's address away
 * @dev: a device (unregistered ones are left alone)
 *
 * For an address whose lease ended: the interface answers nothing until
 * it has one again, and its neighbours are forgotten.
 */
void net_unconfigure(struct net_device *dev)
{
	unsigned long flags = net_lock();

	if (dev_is_registered(dev)) {
		dev->ip_addr = 0;
		dev->netmask = 0;
		arp_flush_locked(dev);
	}
	net_unlock(flags);
}

bool net_dev_addr(struct net_device *dev, u32 *ip, u32 *mask)
{
	unsigned long flags = net_lock();

	*ip = dev->ip_addr;
	*mask = dev->netmask;
	net_unlock(flags);
	return *ip != 0;
}

int net_xmit(struct net_device *dev, u8 *frame, size_t len)
{
	int ret;

	/* Short frames are padded here so no driver has to. */
	if (len < ETH_ZLEN) {
		memset(frame + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	ret = dev->xmit(dev, frame, len);
	if (ret) {
		net_stat_add(dev->stats.tx_errors, 1);
		return ret;
	}
	net_stat_add(dev->stats.tx_packets, 1);
	net_stat_add(dev->stats.tx_bytes, len);
	return 0;
}

/**
 * net_tx_csum_partial - does an outgoing frame need its checksum done?
 * @dev: the sending interface
 * @frame: a frame passed to @dev->xmit
 * @len: its length
 *
 * With @dev->tx_csum_offload set the stack sends every UDP datagram with
 * only the pseudo-header sum in its checksum field (not inverted, like
 * Linux's CHECKSUM_PARTIAL): the backend sums from the UDP header, which
 * always starts at byte 34 since pvk sends no IP options, to the end and
 * stores the result at offset 6 of that header.  Xen netfront marks such
 * frames NETTXF_csum_blank | NETTXF_data_validated.  Every other frame
 * is complete.  Returns true for the partial ones.
 */
bool net_tx_csum_partial(struct net_device *dev, const void *frame, size_t len)
{
	const u8 *f = frame;

	return dev->tx_csum_offload && len >= NET_L4_OFF + UDP_HLEN &&
	       get_be16(f + ETH_TYPE) == ETH_P_IP &&
	       f[ETH_HLEN + IP_PROTO] == IPPROTO_UDP;
}

static enum net_rx_verdict eth_rx(struct net_device *dev, const u8 *f,
				  size_t len, unsigned int flags)
{
	/* Nothing we answer is bigger than what we may send. */
	if (len < ETH_HLEN || len > ETH_HLEN + (size_t)dev->mtu)
		return NET_DROP_BAD_LENGTH;
	if (memcmp(f + ETH_DST, dev->mac, ETH_ALEN) &&
	    memcmp(f + ETH_DST, eth_broadcast_addr, ETH_ALEN))
		return NET_DROP_NOT_FOR_US;
	/* We would answer it, and a group address cannot be answered. */
	if (mac_is_multicast(f + ETH_SRC))
		return NET_DROP_BAD_ADDR;

	switch (get_be16(f + ETH_TYPE)) {
	case ETH_P_ARP:
		return arp_rx(dev, f + ETH_HLEN, len - ETH_HLEN);
	case ETH_P_IP:
		return ipv4_rx(dev, f + ETH_SRC, f + ETH_HLEN, len - ETH_HLEN,
			       flags);
	default:
		return NET_DROP_UNKNOWN_PROTO;
	}
}

/**
 * net_rx_flags - hand the stack a received frame, with per-frame flags
 * @dev: the interface it arrived on
 * @frame: the frame from the destination MAC on, without FCS
 * @len: its length in bytes
 * @flags: NET_RX_CSUM_OK if the backend validated this frame's UDP
 *	checksum (e.g. Xen's NETRXF_data_validated); frames from a local
 *	sender whose checksum was never filled in must carry it
 *
 * For drivers whose backend reports checksum state frame by frame.  The
 * frame is only read, and only during the call; every frame ends up in
 * exactly one @dev->stats.rx[] counter.
 */
void net_rx_flags(struct net_device *dev, const void *frame, size_t len,
		  unsigned int flags)
{
	enum net_rx_verdict v;

	net_stat_add(dev->stats.rx_packets, 1);
	net_stat_add(dev->stats.rx_bytes, len);
	v = frame ? eth_rx(dev, frame, len, flags) : NET_DROP_BAD_LENGTH;
	net_stat_add(dev->stats.rx[v], 1);
}

/**
 * net_rx - hand the stack one received Ethernet frame
 * @dev: the interface it arrived on
 * @frame: the frame from the destination MAC on, without FCS
 * @len: its length in bytes
 *
 * Callable from interrupt or event handlers on any CPU.  Answers ARP,
 * ICMP echo and UDP echo and passes other UDP to bound ports.  The UDP
 * checksum is trusted without checking if @dev->rx_csum_verified_ok.
 */
void net_rx(struct net_device *dev, const void *frame, size_t len)
{
	net_rx_flags(dev, frame, len,
		     dev->rx_csum_verified_ok ? NET_RX_CSUM_OK : 0);
}

static void print_ip(const char *what, u32 ip, u32 mask)
{
	unsigned int prefix = 0;

	while (prefix < 32 && (mask & (0x80000000U >> prefix)))
		prefix++;

	pr_info("  %s %u.%u.%u.%u/%u\n", what, ip >> 24, (ip >> 16) & 0xff,
		(ip >> 8) & 0xff, ip & 0xff, prefix);
}

/**
 * net_print_stats - log an interface's counters
 * @dev: interface
 *
 * Prints its address, the traffic totals and one line per non-zero drop
 * reason, which is the "clear error" for bad frames: they are never
 * logged one by one, so a flood of garbage cannot flood the console.
 */
void net_print_stats(struct net_device *dev)
{
	const struct net_stats *s = &dev->stats;
	unsigned int v;

	pr_info("%s: rx %llu (%llu ok) tx %llu (%llu errors) pings %llu\n",
		dev->name, (unsigned long long)s->rx_packets,
		(unsigned long long)s->rx[NET_RX_OK],
		(unsigned long long)s->tx_packets,
		(unsigned long long)s->tx_errors,
		(unsigned long long)s->echo_replies);
	pr_info("  udp echoed %llu\n", (unsigned long long)s->udp_echoed);
	if (dev->ip_addr)
		print_ip("address", dev->ip_addr, dev->netmask);
	for (v = NET_RX_OK + 1; v < NET_RX_VERDICTS; v++)
		if (s->rx[v])
			pr_info("  dropped %llu: %s\n",
				(unsigned long long)s->rx[v],
				net_verdict_name(v));
}
