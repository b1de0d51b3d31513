/* SPDX-License-Identifier: MIT */
/*
 * Internals of net/: wire layouts and the calls between the layers.
 *
 * Headers are read and written a byte at a time through the offsets
 * below rather than through packed structs: received frames have no
 * alignment guarantee, and every access being an explicit offset makes
 * the bounds checks next to it easy to audit.
 */
#ifndef PVK_NET_PROTO_H
#define PVK_NET_PROTO_H

#include <pvk/net.h>
#include <pvk/string.h>

/* Ethernet II (IEEE 802.3 with an ethertype). */
#define ETH_DST		0
#define ETH_SRC		6
#define ETH_TYPE	12
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806

/* ARP for IPv4 over Ethernet (RFC 826), from the start of the ARP header. */
#define ARP_HTYPE	0
#define ARP_PTYPE	2
#define ARP_HLEN	4
#define ARP_PLEN	5
#define ARP_OP		6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24
#define ARP_LEN		28
#define ARP_HW_ETHER	1
#define ARP_OP_REQUEST	1
#define ARP_OP_REPLY	2

/* IPv4 (RFC 791). */
#define IP_VER_IHL	0
#define IP_TOS		1
#define IP_TOT_LEN	2
#define IP_ID		4
#define IP_FRAG		6
#define IP_TTL		8
#define IP_PROTO	9
#define IP_CSUM		10
#define IP_SRC		12
#define IP_DST		16
#define IP_HLEN		20	/* no options; pvk never sends any */
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff
#define IP_DEFAULT_TTL	64
#define IPPROTO_ICMP	1
#define IPPROTO_UDP	17

/* ICMP echo (RFC 792). */
#define ICMP_TYPE	0
#define ICMP_CODE	1
#define ICMP_CSUM	2
#define ICMP_ID		4
#define ICMP_SEQ	6
#define ICMP_HLEN	8
#define ICMP_ECHO_REPLY	0
#define ICMP_ECHO	8

/* UDP (RFC 768). */
#define UDP_SPORT	0
#define UDP_DPORT	2
#define UDP_LEN		4
#define UDP_CSUM	6
#define UDP_HLEN	8

/* Where an outgoing transport header starts in a frame pvk builds. */
#define NET_L4_OFF	(ETH_HLEN + IP_HLEN)

static inline u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put_be32(u8 *p, u32 v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

/* Group bit: set in multicast and broadcast MAC addresses. */
static inline bool mac_is_multicast(const u8 *mac)
{
	return mac[0] & 1;
}

static inline void eth_header(u8 *frame, const u8 *dst, const u8 *src,
			      u16 type)
{
	memcpy(frame + ETH_DST, dst, ETH_ALEN);
	memcpy(frame + ETH_SRC, src, ETH_ALEN);
	put_be16(frame + ETH_TYPE, type);
}

/* A limited or subnet-directed broadcast address, seen from @my_ip/@mask. */
static inline bool ip_is_broadcast(u32 ip, u32 my_ip, u32 mask)
{
	/* /31 and /32 subnets have no broadcast address (RFC 3021). */
	bool subnet_has_bcast = ~mask > 1;

	return ip == IPV4_BROADCAST ||
	       (subnet_has_bcast && (ip & mask) == (my_ip & mask) &&
		(ip & ~mask) == ~mask);
}

/* Another host on our subnet, i.e. one we can ARP for and send to. */
static inline bool ip_is_neighbour(u32 ip, u32 my_ip, u32 mask)
{
	bool subnet_has_bcast = ~mask > 1;

	if ((ip & mask) != (my_ip & mask) || ip == my_ip)
		return false;
	return !subnet_has_bcast ||
	       ((ip & ~mask) != 0 && (ip & ~mask) != ~mask);
}

/* One received IPv4 packet, as passed from ipv4_rx() up to ICMP and UDP. */
struct ip_rx {
	struct net_device *dev;
	const u8 *eth_src;	/* where replies go, without asking ARP */
	u32 src;
	u32 dst;
	u32 local;		/* our address, even if dst is a broadcast */
	bool to_broadcast;	/* dst was a broadcast address */
	unsigned int flags;	/* NET_RX_* from the driver */
	const u8 *data;		/* transport header and payload */
	size_t len;		/* bounded by the IPv4 total length */
};

extern const u8 eth_broadcast_addr[ETH_ALEN];

/* The interface's address, read consistently; false if it has none. */
bool net_dev_addr(struct net_device *dev, u32 *ip, u32 *mask);
/* Send @len bytes of @frame (padded to ETH_ZLEN in place) and count it. */
int net_xmit(struct net_device *dev, u8 *frame, size_t len);
/* Guard the shared tables; callable with interrupts on or off. */
unsigned long net_lock(void);
void net_unlock(unsigned long flags);

enum net_rx_verdict arp_rx(struct net_device *dev, const u8 *arp, size_t len);
/*
 * Fill @mac for sending to @dst on @dev: broadcast addresses map to
 * ff:ff:ff:ff:ff:ff, cached neighbours to their MAC; otherwise an ARP
 * request is sent and -EAGAIN returned.  -EINVAL if @dst is not on-link.
 */
int arp_resolve(struct net_device *dev, u32 my_ip, u32 mask, u32 dst,
		u8 mac[ETH_ALEN]);
/* Forget @dev's neighbours; the caller holds net_lock(). */
void arp_flush_locked(struct net_device *dev);

enum net_rx_verdict ipv4_rx(struct net_device *dev, const u8 *eth_src,
			    const u8 *pkt, size_t len, unsigned int flags);
/*
 * Complete the IPv4 and Ethernet headers of a frame whose transport
 * header and payload (@l4_len bytes) are already at NET_L4_OFF, and send
 * it from @src to @dst at @dst_mac.  -E2BIG if it exceeds the MTU.
 */
int ipv4_output(struct net_device *dev, u8 *frame, const u8 *dst_mac,
		u32 src, u32 dst, u8 proto, size_t l4_len);

enum net_rx_verdict icmp_rx(const struct ip_rx *pkt);
enum net_rx_verdict udp_rx(const struct ip_rx *pkt);

/* Count one event in a statistics field from any CPU. */
#define net_stat_add(field, n) \
	__atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)

#endif /* PVK_NET_PROTO_H */
