// SPDX-License-Identifier: MIT
/*
 * ARP for IPv4 over Ethernet (RFC 826) and the neighbour cache.
 *
 * The cache is a small table shared by all interfaces and replaced least
 * recently used first.  Entries do not expire: on the links pvk serves
 * (a Xen bridge, a test loopback) a neighbour's MAC does not change, and
 * any ARP from it refreshes the entry anyway.
 *
 * Sending to an unknown neighbour does not queue the packet: the sender
 * gets -EAGAIN after a request went out and retries.  That keeps every
 * buffer on the caller's stack and the stack free of timers.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>

#define ARP_CACHE_SIZE	16

struct arp_entry {
	struct net_device *dev;		/* NULL: slot free */
	u32 ip;
	u8 mac[ETH_ALEN];
	u64 last_used;			/* arp_clock when last used */
};

/* Both protected by net_lock(). */
static struct arp_entry arp_cache[ARP_CACHE_SIZE];
static u64 arp_clock;

static const u8 eth_zero[ETH_ALEN];

static struct arp_entry *arp_find_locked(struct net_device *dev, u32 ip)
{
	unsigned int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].dev == dev && arp_cache[i].ip == ip)
			return &arp_cache[i];
	return NULL;
}

/* A free slot, else the one used longest ago. */
static struct arp_entry *arp_victim_locked(void)
{
	struct arp_entry *victim = &arp_cache[0];
	unsigned int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++) {
		if (!arp_cache[i].dev)
			return &arp_cache[i];
		if (arp_cache[i].last_used < victim->last_used)
			victim = &arp_cache[i];
	}
	return victim;
}

/*
 * RFC 826's merge step: a sender we know gets its MAC refreshed whoever
 * the packet was for, but only packets to us add new entries, so that
 * ARP chatter between other hosts cannot push our peers out.
 */
static void arp_learn(struct net_device *dev, u32 ip, const u8 *mac, bool add)
{
	struct arp_entry *e;
	unsigned long flags;

	flags = net_lock();
	e = arp_find_locked(dev, ip);
	if (!e && add) {
		e = arp_victim_locked();
		e->dev = dev;
		e->ip = ip;
	}
	if (e) {
		memcpy(e->mac, mac, ETH_ALEN);
		e->last_used = ++arp_clock;
	}
	net_unlock(flags);
}

void arp_flush_locked(struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].dev == dev)
			memset(&arp_cache[i], 0, sizeof(arp_cache[i]));
}

/**
 * net_arp_lookup - the cached MAC address of a neighbour
 * @dev: interface
 * @ip: the neighbour's address
 * @mac: receives its MAC address if known
 *
 * Only looks: it neither sends a request nor counts as a use for the
 * LRU order, so diagnostics do not change what gets evicted.  Returns 0
 * if the cache holds @ip for @dev, -ENOENT otherwise.
 */
int net_arp_lookup(struct net_device *dev, u32 ip, u8 mac[ETH_ALEN])
{
	struct arp_entry *e;
	unsigned long flags;

	flags = net_lock();
	e = arp_find_locked(dev, ip);
	if (e)
		memcpy(mac, e->mac, ETH_ALEN);
	net_unlock(flags);
	return e ? 0 : -ENOENT;
}

static int arp_send(struct net_device *dev, u16 op, const u8 *eth_dst,
		    u32 spa, const u8 *tha, u32 tpa)
{
	u8 frame[ETH_ZLEN];	/* net_xmit() pads into the tail */
	u8 *arp = frame + ETH_HLEN;

	eth_header(frame, eth_dst, dev->mac, ETH_P_ARP);
	put_be16(arp + ARP_HTYPE, ARP_HW_ETHER);
	put_be16(arp + ARP_PTYPE, ETH_P_IP);
	arp[ARP_HLEN] = ETH_ALEN;
	arp[ARP_PLEN] = 4;
	put_be16(arp + ARP_OP, op);
	memcpy(arp + ARP_SHA, dev->mac, ETH_ALEN);
	put_be32(arp + ARP_SPA, spa);
	memcpy(arp + ARP_THA, tha, ETH_ALEN);
	put_be32(arp + ARP_TPA, tpa);
	return net_xmit(dev, frame, ETH_HLEN + ARP_LEN);
}

static bool arp_header_ok(const u8 *arp)
{
	return get_be16(arp + ARP_HTYPE) == ARP_HW_ETHER &&
	       get_be16(arp + ARP_PTYPE) == ETH_P_IP &&
	       arp[ARP_HLEN] == ETH_ALEN && arp[ARP_PLEN] == 4;
}

enum net_rx_verdict arp_rx(struct net_device *dev, const u8 *arp, size_t len)
{
	u32 my_ip, mask, spa, tpa;
	const u8 *sha = arp + ARP_SHA;
	bool for_us;
	u16 op;

	if (len < ARP_LEN)
		return NET_DROP_BAD_LENGTH;
	if (!arp_header_ok(arp))
		return NET_DROP_BAD_HEADER;
	op = get_be16(arp + ARP_OP);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return NET_DROP_UNKNOWN_PROTO;
	if (mac_is_multicast(sha) || !memcmp(sha, eth_zero, ETH_ALEN))
		return NET_DROP_BAD_ADDR;
	if (!net_dev_addr(dev, &my_ip, &mask))
		return NET_DROP_NOT_FOR_US;

	spa = get_be32(arp + ARP_SPA);
	tpa = get_be32(arp + ARP_TPA);
	/* Someone else claiming our address: neither learn nor answer. */
	if (spa == my_ip)
		return NET_DROP_BAD_ADDR;
	for_us = tpa == my_ip;
	/* Probes (RFC 5227) come from 0.0.0.0: answer, but nothing to learn. */
	if (ip_is_neighbour(spa, my_ip, mask))
		arp_learn(dev, spa, sha, for_us);
	if (!for_us)
		return NET_DROP_NOT_FOR_US;
	if (op == ARP_OP_REQUEST)
		arp_send(dev, ARP_OP_REPLY, sha, my_ip, sha, spa);
	return NET_RX_OK;
}

int net_announce(struct net_device *dev)
{
	u32 my_ip, mask;

	if (!net_dev_addr(dev, &my_ip, &mask))
		return -EADDRNOTAVAIL;
	return arp_send(dev, ARP_OP_REQUEST, eth_broadcast_addr, my_ip,
			eth_zero, my_ip);
}

int arp_resolve(struct net_device *dev, u32 my_ip, u32 mask, u32 dst,
		u8 mac[ETH_ALEN])
{
	struct arp_entry *e;
	unsigned long flags;
	int ret;

	if (ip_is_broadcast(dst, my_ip, mask)) {
		memcpy(mac, eth_broadcast_addr, ETH_ALEN);
		return 0;
	}
	/* pvk has no routes: only hosts on the link can be reached. */
	if (!ip_is_neighbour(dst, my_ip, mask))
		return -EINVAL;

	flags = net_lock();
	e = arp_find_locked(dev, dst);
	if (e) {
		memcpy(mac, e->mac, ETH_ALEN);
		e->last_used = ++arp_clock;
	}
	net_unlock(flags);
	if (e)
		return 0;

	ret = arp_send(dev, ARP_OP_REQUEST, eth_broadcast_addr, my_ip,
		       eth_zero, dst);
	return ret ? ret : -EAGAIN;
}
