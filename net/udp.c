// SPDX-License-Identifier: MIT
/*
 * UDP (RFC 768): a few bound ports with callbacks, sending, and an echo
 * service (RFC 862) that the dom0 side of the tests drives with
 * datagrams of many sizes.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>

#define UDP_MAX_BINDINGS	8

struct udp_binding {
	u16 port;		/* 0: slot free */
	udp_rx_fn rx;		/* one of these two */
	udp_peer_rx_fn peer_rx;
	void *ctx;
};

/* Both protected by net_lock(). */
static struct udp_binding udp_bindings[UDP_MAX_BINDINGS];
static u16 udp_echo_port;

static struct udp_binding *udp_find_locked(u16 port)
{
	unsigned int i;

	for (i = 0; i < UDP_MAX_BINDINGS; i++)
		if (udp_bindings[i].port == port)
			return &udp_bindings[i];
	return NULL;
}

static int udp_bind_slot(const struct udp_binding *want)
{
	struct udp_binding *b;
	unsigned long flags;
	int ret = 0;

	if (!want->port)
		return -EINVAL;
	flags = net_lock();
	if (want->port == udp_echo_port || udp_find_locked(want->port)) {
		ret = -EBUSY;
	} else {
		b = udp_find_locked(0);
		if (b)
			*b = *want;
		else
			ret = -ENOSPC;
	}
	net_unlock(flags);
	return ret;
}

/**
 * udp_bind - receive the UDP datagrams sent to a port
 * @port: local port (host order), not 0
 * @rx: callback, run from net_rx() on any CPU without stack locks held,
 *	so it may send; the data it gets is valid only during the call
 * @ctx: passed back to @rx
 *
 * Bindings are shared by all interfaces, like a socket bound to
 * INADDR_ANY.  Returns 0, -EINVAL, -EBUSY if the port is bound or
 * served by the echo service, or -ENOSPC when all slots are taken.
 */
int udp_bind(u16 port, udp_rx_fn rx, void *ctx)
{
	if (!rx)
		return -EINVAL;
	return udp_bind_slot(&(struct udp_binding){ .port = port, .rx = rx,
						    .ctx = ctx });
}

/**
 * udp_bind_peer - receive a port's datagrams with their sender's details
 * @port: local port (host order), not 0
 * @rx: callback, as for udp_bind(), but given a struct udp_peer that it
 *	may copy and keep to answer later with udp_reply() (from another
 *	context: a disk's completion, say)
 * @ctx: passed back to @rx
 *
 * Returns 0, -EINVAL, -EBUSY or -ENOSPC, as udp_bind().
 */
int udp_bind_peer(u16 port, udp_peer_rx_fn rx, void *ctx)
{
	if (!rx)
		return -EINVAL;
	return udp_bind_slot(&(struct udp_binding){ .port = port,
						    .peer_rx = rx, .ctx = ctx });
}

/**
 * udp_unbind - stop receiving on a port
 * @port: a port bound with udp_bind()
 *
 * A callback that already started on another CPU may still finish after
 * this returns, so its context must outlive it a little (pvk's users
 * keep theirs static).  Returns 0, or -ENOENT if @port was not bound.
 */
int udp_unbind(u16 port)
{
	struct udp_binding *b;
	unsigned long flags;

	if (!port)
		return -ENOENT;
	flags = net_lock();
	b = udp_find_locked(port);
	if (b)
		memset(b, 0, sizeof(*b));
	net_unlock(flags);
	return b ? 0 : -ENOENT;
}

/**
 * udp_echo_start - answer datagrams to a port with their own payload
 * @port: the port to serve (RFC 862 uses 7)
 *
 * Serves every interface.  Datagrams from port 0 (which asks for no
 * answer) or from @port itself are not echoed, so two echo services
 * cannot bounce one packet between them forever.  Returns 0, -EINVAL for
 * port 0, or -EBUSY if the port is bound or the service already runs.
 */
int udp_echo_start(u16 port)
{
	unsigned long flags;
	int ret = 0;

	if (!port)
		return -EINVAL;
	flags = net_lock();
	if (udp_echo_port || udp_find_locked(port))
		ret = -EBUSY;
	else
		udp_echo_port = port;
	net_unlock(flags);
	return ret;
}

/**
 * udp_echo_stop - stop the UDP echo service
 *
 * Its port goes back to being unbound; a no-op if the service is not
 * running.
 */
void udp_echo_stop(void)
{
	unsigned long flags = net_lock();

	udp_echo_port = 0;
	net_unlock(flags);
}

/*
 * Fill in the UDP header in front of @len payload bytes already in
 * @frame and send it.  With checksum offload the field holds the
 * uninverted pseudo-header sum for the backend to finish; see
 * net_tx_csum_partial().
 */
static int udp_output(struct net_device *dev, u8 *frame, const u8 *mac,
		      u32 src, u32 dst, u16 sport, u16 dport, size_t len)
{
	u8 *udp = frame + NET_L4_OFF;
	u16 ulen = (u16)(UDP_HLEN + len);
	u32 pseudo = inet_pseudo_sum(src, dst, IPPROTO_UDP, ulen);
	u16 csum;

	put_be16(udp + UDP_SPORT, sport);
	put_be16(udp + UDP_DPORT, dport);
	put_be16(udp + UDP_LEN, ulen);
	put_be16(udp + UDP_CSUM, 0);
	if (dev->tx_csum_offload) {
		csum = (u16)~inet_csum_fold(pseudo);
	} else {
		csum = inet_csum(udp, ulen, pseudo);
		/* 0 means "no checksum"; 0xffff is the same sum. */
		if (!csum)
			csum = 0xffff;
	}
	put_be16(udp + UDP_CSUM, csum);
	return ipv4_output(dev, frame, mac, src, dst, IPPROTO_UDP, ulen);
}

/**
 * udp_sendto - send one UDP datagram
 * @dev: interface to send on
 * @dst: a neighbour on @dev's subnet, or a broadcast address
 * @src_port: source port (host order), 0 if no answer is expected
 * @dst_port: destination port (host order), not 0
 * @data: payload
 * @len: its length, at most NET_UDP_MAX_PAYLOAD(mtu): pvk never fragments
 *
 * The checksum is computed unless @dev->tx_csum_offload is set.  If
 * @dst's MAC is unknown an ARP request goes out and -EAGAIN comes back,
 * as for net_ping().  Returns 0, -EAGAIN, -EINVAL, -E2BIG, -ENODEV (no
 * address yet) or xmit()'s error.
 */
int udp_sendto(struct net_device *dev, u32 dst, u16 src_port, u16 dst_port,
	       const void *data, size_t len)
{
	u8 frame[ETH_FRAME_LEN];
	u8 mac[ETH_ALEN];
	u32 my_ip, mask;
	int ret;

	if (!dst_port || (!data && len))
		return -EINVAL;
	if (len > NET_UDP_MAX_PAYLOAD(dev->mtu))
		return -E2BIG;
	if (!net_dev_addr(dev, &my_ip, &mask))
		return -ENODEV;
	ret = arp_resolve(dev, my_ip, mask, dst, mac);
	if (ret)
		return ret;
	if (len)
		memcpy(frame + NET_L4_OFF + UDP_HLEN, data, len);
	return udp_output(dev, frame, mac, my_ip, dst, src_port, dst_port, len);
}

/**
 * udp_send_broadcast - send one UDP datagram to 255.255.255.255
 * @dev: interface to send on
 * @src: source address: @dev's, or 0 while it has none (a DHCP client)
 * @src_port: source port (host order)
 * @dst_port: destination port (host order), not 0
 * @data: payload
 * @len: its length, at most NET_UDP_MAX_PAYLOAD(mtu)
 *
 * Needs no address and no ARP, unlike udp_sendto().  Returns 0,
 * -EINVAL, -E2BIG or xmit()'s error.
 */
int udp_send_broadcast(struct net_device *dev, u32 src, u16 src_port,
		       u16 dst_port, const void *data, size_t len)
{
	u8 frame[ETH_FRAME_LEN];

	if (!dst_port || (!data && len))
		return -EINVAL;
	if (len > NET_UDP_MAX_PAYLOAD(dev->mtu))
		return -E2BIG;
	if (len)
		memcpy(frame + NET_L4_OFF + UDP_HLEN, data, len);
	return udp_output(dev, frame, eth_broadcast_addr, src, IPV4_BROADCAST,
			  src_port, dst_port, len);
}

/**
 * udp_reply - answer a datagram received through udp_bind_peer()
 * @to: its sender, as the callback got it (a copy is fine)
 * @data: payload
 * @len: its length, at most NET_UDP_MAX_PAYLOAD(mtu)
 *
 * Sent from the port and address the datagram went to, to the sender's
 * MAC: no ARP, so it may be called from any context that may send.
 * Returns 0, -EINVAL (the sender wants no answer), -E2BIG, -ENODEV when
 * the interface no longer has the address the datagram went to (it was
 * taken down, or reconfigured), or xmit()'s error.
 */
int udp_reply(const struct udp_peer *to, const void *data, size_t len)
{
	u8 frame[ETH_FRAME_LEN];
	u32 my_ip, mask;

	if (!to->dev || !to->port || !to->local_port || (!data && len))
		return -EINVAL;
	if (len > NET_UDP_MAX_PAYLOAD(to->dev->mtu))
		return -E2BIG;
	if (!net_dev_addr(to->dev, &my_ip, &mask) || my_ip != to->local)
		return -ENODEV;
	if (len)
		memcpy(frame + NET_L4_OFF + UDP_HLEN, data, len);
	return udp_output(to->dev, frame, to->mac, to->local, to->ip,
			  to->local_port, to->port, len);
}

/* Answer to the sender's MAC, so the echo needs no ARP round trip. */
static enum net_rx_verdict udp_echo(const struct ip_rx *pkt, u16 sport,
				    u16 dport)
{
	u8 frame[ETH_FRAME_LEN];
	size_t len = pkt->len - UDP_HLEN;

	if (!sport || sport == dport)
		return NET_DROP_NOT_FOR_US;
	memcpy(frame + NET_L4_OFF + UDP_HLEN, pkt->data + UDP_HLEN, len);
	if (!udp_output(pkt->dev, frame, pkt->eth_src, pkt->local, pkt->src,
			dport, sport, len))
		net_stat_add(pkt->dev->stats.udp_echoed, 1);
	return NET_RX_OK;
}

static bool udp_csum_ok(const struct ip_rx *pkt)
{
	u16 ulen = (u16)pkt->len;
	u32 pseudo;

	/* A zero field means the sender computed no checksum. */
	if (!get_be16(pkt->data + UDP_CSUM) || (pkt->flags & NET_RX_CSUM_OK))
		return true;
	pseudo = inet_pseudo_sum(pkt->src, pkt->dst, IPPROTO_UDP, ulen);
	return !inet_csum(pkt->data, ulen, pseudo);
}

static void udp_peer_rx(const struct udp_binding *b, const struct ip_rx *pkt)
{
	struct udp_peer from = {
		.dev = pkt->dev,
		.ip = pkt->src,
		.local = pkt->local,
		.port = get_be16(pkt->data + UDP_SPORT),
		.local_port = b->port,
	};

	memcpy(from.mac, pkt->eth_src, ETH_ALEN);
	b->peer_rx(b->ctx, &from, pkt->data + UDP_HLEN, pkt->len - UDP_HLEN);
}

enum net_rx_verdict udp_rx(const struct ip_rx *pkt)
{
	const u8 *udp = pkt->data;
	struct udp_binding b = { 0 }, *found;
	unsigned long flags;
	u16 dport;
	bool echo;

	if (pkt->len < UDP_HLEN)
		return NET_DROP_BAD_LENGTH;
	/* IPv4 bounded the datagram already; another UDP length is bogus. */
	if (get_be16(udp + UDP_LEN) != pkt->len)
		return NET_DROP_BAD_LENGTH;
	if (!udp_csum_ok(pkt))
		return NET_DROP_BAD_CSUM;

	dport = get_be16(udp + UDP_DPORT);
	flags = net_lock();
	/* An interface without an address has none to answer from. */
	echo = dport && dport == udp_echo_port && pkt->local;
	found = dport && !echo ? udp_find_locked(dport) : NULL;
	if (found)
		b = *found;	/* call it unlocked, from a stable copy */
	net_unlock(flags);

	if (echo)
		return udp_echo(pkt, get_be16(udp + UDP_SPORT), dport);
	if (b.peer_rx) {
		udp_peer_rx(&b, pkt);
		return NET_RX_OK;
	}
	if (!b.rx)
		return NET_DROP_NO_PORT;
	b.rx(b.ctx, pkt->src, get_be16(udp + UDP_SPORT), udp + UDP_HLEN,
	     pkt->len - UDP_HLEN);
	return NET_RX_OK;
}
