/* SPDX-License-Identifier: MIT */
/*
 * pvk's minimal network layer: Ethernet, ARP, IPv4, ICMP echo and UDP on
 * directly attached links only (no routing, no fragmentation, no TCP).
 *
 * Conventions:
 *  - IPv4 addresses, ports, ICMP ids and sequence numbers are host byte
 *    order everywhere in this API (10.0.0.2 is 0x0a000002, see IPV4());
 *    conversion to the wire happens inside the stack.
 *  - Received frames are untrusted.  Every frame handed to net_rx() gets
 *    exactly one verdict: consumed (NET_RX_OK) or dropped for a reason,
 *    and is counted in dev->stats.rx[verdict].  Nothing is read past the
 *    frame length and nothing is logged per frame.
 *  - The stack never keeps the driver's receive buffer: it parses it in
 *    place during net_rx() and builds replies in its own buffers.
 *  - No stack lock is held while a driver's xmit() or a UDP receive
 *    callback runs, so both may send.
 *  - Sending to a neighbour whose MAC is not cached yet sends an ARP
 *    request and fails with -EAGAIN; nothing is queued, the caller
 *    retries a little later.  Replies to received packets go to the
 *    sender's MAC and never wait for ARP.
 */
#ifndef PVK_NET_H
#define PVK_NET_H

#include <pvk/types.h>

#define ETH_ALEN	6
#define ETH_HLEN	14
#define ETH_ZLEN	60	/* shortest frame on the wire, without FCS */
#define ETH_DATA_LEN	1500
#define ETH_FRAME_LEN	(ETH_HLEN + ETH_DATA_LEN)
#define NET_MIN_MTU	68	/* RFC 791: every IPv4 link carries this */

#define IPV4(a, b, c, d) \
	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (u32)(d))
#define IPV4_BROADCAST	0xffffffffU

/* Largest UDP payload and ICMP echo payload that fit in one frame. */
#define NET_UDP_MAX_PAYLOAD(mtu)	((size_t)(mtu) - 20 - 8)
#define NET_PING_MAX_PAYLOAD(mtu)	((size_t)(mtu) - 20 - 8)

/* What happened to one received frame; indexes net_stats.rx[]. */
enum net_rx_verdict {
	NET_RX_OK,		/* consumed by the stack */
	NET_DROP_BAD_LENGTH,	/* truncated, oversized, inconsistent */
	NET_DROP_BAD_HEADER,	/* unacceptable field (IHL < 5, ...) */
	NET_DROP_BAD_ADDR,	/* group or own source: can't answer */
	NET_DROP_BAD_CSUM,	/* IPv4 header, ICMP or UDP checksum */
	NET_DROP_FRAGMENT,	/* pvk does no reassembly */
	NET_DROP_UNKNOWN_PROTO,	/* ethertype, IP proto, ARP/ICMP op */
	NET_DROP_NOT_FOR_US,	/* other MAC or IP, or no address yet */
	NET_DROP_NO_PORT,	/* UDP to a port nobody listens on */
	NET_RX_VERDICTS
};

/*
 * Counters are updated with atomic adds from any CPU; read them as
 * plain loads (a snapshot may be a few frames stale).
 */
struct net_stats {
	u64 rx_packets;			/* frames handed to net_rx() */
	u64 rx_bytes;
	u64 rx[NET_RX_VERDICTS];	/* sums to rx_packets */
	u64 tx_packets;			/* frames xmit() accepted */
	u64 tx_bytes;
	u64 tx_errors;			/* frames xmit() refused */
	u64 echo_replies;		/* ICMP echo replies received */
	u32 echo_reply_last;		/* id << 16 | seq of the last one */
	u64 udp_echoed;			/* UDP echo service answers */
};

/**
 * struct net_device - one Ethernet interface, filled in by its driver
 * @name: short name for logs
 * @mac: the interface's unicast MAC address
 * @mtu: largest IPv4 packet the link carries; 0 means ETH_DATA_LEN
 * @rx_csum_verified_ok: the backend checked (or vouches for) the UDP
 *	checksum of every frame it hands over, so the stack skips it
 * @tx_csum_offload: the backend completes UDP checksums, see
 *	net_tx_csum_partial()
 * @xmit: send one complete Ethernet frame (without FCS).  It must copy the
 *	frame or be done with it before returning, may be called from inside
 *	net_rx() on any CPU with interrupts in either state, and should not
 *	call net_rx() itself (queue loopback frames instead).  Returns 0 or
 *	a negative errno.
 * @priv: the driver's
 *
 * The remaining fields belong to the stack.
 */
struct net_device {
	const char *name;
	u8 mac[ETH_ALEN];
	u16 mtu;
	bool rx_csum_verified_ok;
	bool tx_csum_offload;
	int (*xmit)(struct net_device *dev, const void *frame, size_t len);
	void *priv;

	struct net_stats stats;
	u32 ip_addr;		/* 0 until net_configure() */
	u32 netmask;
	struct net_device *next;
};

/* Per-frame receive flags for net_rx_flags(). */
#define NET_RX_CSUM_OK	(1U << 0)	/* backend checked the UDP sum */

/* Byte order.  x86 is little-endian; the helpers still check. */
static inline u16 net_swab16(u16 v)
{
	return __builtin_bswap16(v);
}

static inline u32 net_swab32(u32 v)
{
	return __builtin_bswap32(v);
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define htons(v) net_swab16((u16)(v))
#define htonl(v) net_swab32((u32)(v))
#else
#define htons(v) ((u16)(v))
#define htonl(v) ((u32)(v))
#endif
#define ntohs(v) htons(v)
#define ntohl(v) htonl(v)

/* Internet checksum (RFC 1071), net/inet.c.  Sums are host order. */
u32 inet_csum_add(const void *data, size_t len, u32 sum);
u16 inet_csum_fold(u32 sum);
u16 inet_csum(const void *data, size_t len, u32 sum);
u32 inet_pseudo_sum(u32 src, u32 dst, u8 proto, u16 len);

/* "a.b.c.d/n" to address and prefix; strict, see net/inet.c. */
int net_parse_ipv4_cidr(const char *s, u32 *addr, unsigned int *prefix);

/* Interfaces, net/core.c. */
int net_register(struct net_device *dev);
void net_unregister(struct net_device *dev);
int net_configure(struct net_device *dev, const char *ip_cidr);
int net_configure_ipv4(struct net_device *dev, u32 ip, unsigned int prefix);
void net_unconfigure(struct net_device *dev);
void net_rx(struct net_device *dev, const void *frame, size_t len);
void net_rx_flags(struct net_device *dev, const void *frame, size_t len,
		  unsigned int flags);
bool net_tx_csum_partial(struct net_device *dev, const void *frame, size_t len);
const char *net_verdict_name(enum net_rx_verdict v);
void net_print_stats(struct net_device *dev);

/* Neighbours, net/arp.c. */
int net_arp_lookup(struct net_device *dev, u32 ip, u8 mac[ETH_ALEN]);

/**
 * net_announce - tell the link which MAC now owns @dev's address
 * @dev: a registered device with an address
 *
 * Broadcasts an ARP announcement (RFC 5227: a request whose sender and
 * target address are both ours), as Linux's netfront does on connect, so
 * that peers whose cache still holds the previous owner's MAC (a guest
 * that had the address before, a re-attached vif) update it at once
 * instead of timing out.  Returns 0, -EADDRNOTAVAIL without an address,
 * or the device's transmit error.
 */
int net_announce(struct net_device *dev);

/* ICMP echo, net/icmp.c. */
int net_ping(struct net_device *dev, u32 dst, u16 id, u16 seq, size_t payload);

/* UDP, net/udp.c.  @data is valid only during the callback. */
typedef void (*udp_rx_fn)(void *ctx, u32 src_ip, u16 src_port,
			  const void *data, size_t len);
int udp_bind(u16 port, udp_rx_fn rx, void *ctx);
int udp_unbind(u16 port);

/**
 * struct udp_peer - who sent a datagram, enough to answer it later
 * @dev: the interface it came in on
 * @mac: the sender's MAC (a reply needs no ARP)
 * @ip: the sender's address
 * @local: our address it was sent to (0: the interface has none)
 * @port: the sender's port (0: it wants no answer)
 * @local_port: the port it was sent to
 */
struct udp_peer {
	struct net_device *dev;
	u8 mac[ETH_ALEN];
	u32 ip;
	u32 local;
	u16 port;
	u16 local_port;
};

typedef void (*udp_peer_rx_fn)(void *ctx, const struct udp_peer *from,
			       const void *data, size_t len);
int udp_bind_peer(u16 port, udp_peer_rx_fn rx, void *ctx);
int udp_reply(const struct udp_peer *to, const void *data, size_t len);
int udp_sendto(struct net_device *dev, u32 dst, u16 src_port, u16 dst_port,
	       const void *data, size_t len);
int udp_send_broadcast(struct net_device *dev, u32 src, u16 src_port,
		       u16 dst_port, const void *data, size_t len);
int udp_echo_start(u16 port);
void udp_echo_stop(void);

#endif /* PVK_NET_H */
