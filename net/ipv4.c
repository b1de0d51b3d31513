// SPDX-License-Identifier: MIT
/*
 * IPv4 input checks and output (RFC 791, host requirements of RFC 1122
 * as far as a stack without routing or reassembly needs them).
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>

#define IP_VERSION	4
#define IP_CLASS_D	IPV4(224, 0, 0, 0)

static u16 ip_next_id;

/* Could this be the address of the host that sent us a packet? */
static bool ip_src_valid(u32 src, u32 my_ip, u32 mask)
{
	return src != 0 && src < IP_CLASS_D && src != my_ip &&
	       !ip_is_broadcast(src, my_ip, mask);
}

/*
 * Check the fixed header against the bytes we really have.  The total
 * length field, not the frame, bounds the packet: Ethernet pads short
 * frames, and the padding is not payload.
 */
static enum net_rx_verdict ipv4_check(const u8 *pkt, size_t len,
				      size_t *hlen, size_t *tot_len)
{
	if (len < IP_HLEN)
		return NET_DROP_BAD_LENGTH;
	if (pkt[IP_VER_IHL] >> 4 != IP_VERSION)
		return NET_DROP_BAD_HEADER;
	*hlen = (size_t)(pkt[IP_VER_IHL] & 0xf) * 4;
	if (*hlen < IP_HLEN)
		return NET_DROP_BAD_HEADER;
	*tot_len = get_be16(pkt + IP_TOT_LEN);
	if (*hlen > len || *tot_len < *hlen || *tot_len > len)
		return NET_DROP_BAD_LENGTH;
	if (inet_csum(pkt, *hlen, 0))
		return NET_DROP_BAD_CSUM;
	if (get_be16(pkt + IP_FRAG) & (IP_MF | IP_OFFSET))
		return NET_DROP_FRAGMENT;
	return NET_RX_OK;
}

enum net_rx_verdict ipv4_rx(struct net_device *dev, const u8 *eth_src,
			    const u8 *pkt, size_t len, unsigned int flags)
{
	enum net_rx_verdict v;
	size_t hlen, tot_len;
	struct ip_rx rx;
	u32 mask;

	v = ipv4_check(pkt, len, &hlen, &tot_len);
	if (v != NET_RX_OK)
		return v;
	/*
	 * Without an address only UDP broadcasts get through: a DHCP
	 * client's replies come that way (it sets the broadcast flag).
	 * rx.local stays 0, which tells udp_rx() not to answer.
	 */
	if (!net_dev_addr(dev, &rx.local, &mask) &&
	    (pkt[IP_PROTO] != IPPROTO_UDP ||
	     get_be32(pkt + IP_DST) != IPV4_BROADCAST))
		return NET_DROP_NOT_FOR_US;

	rx.dev = dev;
	rx.eth_src = eth_src;
	rx.src = get_be32(pkt + IP_SRC);
	rx.dst = get_be32(pkt + IP_DST);
	rx.to_broadcast = ip_is_broadcast(rx.dst, rx.local, mask);
	rx.flags = flags;
	rx.data = pkt + hlen;
	rx.len = tot_len - hlen;
	if (rx.dst != rx.local && !rx.to_broadcast)
		return NET_DROP_NOT_FOR_US;
	if (!ip_src_valid(rx.src, rx.local, mask))
		return NET_DROP_BAD_ADDR;

	switch (pkt[IP_PROTO]) {
	case IPPROTO_ICMP:
		return icmp_rx(&rx);
	case IPPROTO_UDP:
		return udp_rx(&rx);
	default:
		return NET_DROP_UNKNOWN_PROTO;
	}
}

int ipv4_output(struct net_device *dev, u8 *frame, const u8 *dst_mac,
		u32 src, u32 dst, u8 proto, size_t l4_len)
{
	u8 *ip = frame + ETH_HLEN;
	size_t tot_len = IP_HLEN + l4_len;

	if (tot_len > dev->mtu)
		return -E2BIG;
	eth_header(frame, dst_mac, dev->mac, ETH_P_IP);
	ip[IP_VER_IHL] = IP_VERSION << 4 | IP_HLEN / 4;
	ip[IP_TOS] = 0;
	put_be16(ip + IP_TOT_LEN, (u16)tot_len);
	put_be16(ip + IP_ID,
		 __atomic_fetch_add(&ip_next_id, 1, __ATOMIC_RELAXED));
	put_be16(ip + IP_FRAG, 0);
	ip[IP_TTL] = IP_DEFAULT_TTL;
	ip[IP_PROTO] = proto;
	put_be16(ip + IP_CSUM, 0);
	put_be32(ip + IP_SRC, src);
	put_be32(ip + IP_DST, dst);
	put_be16(ip + IP_CSUM, inet_csum(ip, IP_HLEN, 0));
	return net_xmit(dev, frame, ETH_HLEN + tot_len);
}
