// SPDX-License-Identifier: MIT
/*
 * ICMP echo (RFC 792): answering pings and sending our own.  Other ICMP
 * messages are counted as an unknown protocol and otherwise ignored.
 */
#include <pvk/kernel.h>
#include <pvk/net.h>
#include <pvk/net/proto.h>

/*
 * The reply is the request with its type changed, so id, sequence and
 * payload match.  It goes back to the MAC the request came from, which
 * needs no ARP round trip inside the receive path.
 */
static void icmp_echo_reply(const struct ip_rx *pkt)
{
	u8 frame[ETH_FRAME_LEN];
	u8 *icmp = frame + NET_L4_OFF;

	/* eth_rx() bounds frames by the MTU, so the copy fits. */
	memcpy(icmp, pkt->data, pkt->len);
	icmp[ICMP_TYPE] = ICMP_ECHO_REPLY;
	put_be16(icmp + ICMP_CSUM, 0);
	put_be16(icmp + ICMP_CSUM, inet_csum(icmp, pkt->len, 0));
	ipv4_output(pkt->dev, frame, pkt->eth_src, pkt->local, pkt->src,
		    IPPROTO_ICMP, pkt->len);
}

static void icmp_count_reply(const struct ip_rx *pkt)
{
	struct net_stats *s = &pkt->dev->stats;
	u32 id_seq = (u32)get_be16(pkt->data + ICMP_ID) << 16 |
		     get_be16(pkt->data + ICMP_SEQ);

	__atomic_store_n(&s->echo_reply_last, id_seq, __ATOMIC_RELAXED);
	net_stat_add(s->echo_replies, 1);
}

enum net_rx_verdict icmp_rx(const struct ip_rx *pkt)
{
	/* Answering broadcast pings would make us an amplifier. */
	if (pkt->to_broadcast)
		return NET_DROP_NOT_FOR_US;
	if (pkt->len < ICMP_HLEN)
		return NET_DROP_BAD_LENGTH;
	if (inet_csum(pkt->data, pkt->len, 0))
		return NET_DROP_BAD_CSUM;

	switch (pkt->data[ICMP_TYPE]) {
	case ICMP_ECHO:
		icmp_echo_reply(pkt);
		return NET_RX_OK;
	case ICMP_ECHO_REPLY:
		icmp_count_reply(pkt);
		return NET_RX_OK;
	default:
		return NET_DROP_UNKNOWN_PROTO;
	}
}

/**
 * net_ping - send one ICMP echo request
 * @dev: interface to send on
 * @dst: a neighbour on @dev's subnet
 * @id: echo identifier
 * @seq: echo sequence number
 * @payload: bytes after the ICMP header, filled with i & 0xff
 *
 * Replies are counted in @dev->stats.echo_replies, the last one's id and
 * sequence kept in echo_reply_last.  If @dst's MAC is not cached yet an
 * ARP request goes out and -EAGAIN comes back; nothing is queued, so
 * retry once the reply had time to arrive.  Returns 0, -EAGAIN, -EINVAL
 * (not a neighbour, or @payload over NET_PING_MAX_PAYLOAD), -ENODEV (no
 * address yet) or xmit()'s error.
 */
int net_ping(struct net_device *dev, u32 dst, u16 id, u16 seq, size_t payload)
{
	u8 frame[ETH_FRAME_LEN];
	u8 *icmp = frame + NET_L4_OFF;
	u8 mac[ETH_ALEN];
	u32 my_ip, mask;
	size_t i, len = ICMP_HLEN + payload;
	int ret;

	if (!net_dev_addr(dev, &my_ip, &mask))
		return -ENODEV;
	if (payload > NET_PING_MAX_PAYLOAD(dev->mtu) ||
	    !ip_is_neighbour(dst, my_ip, mask))
		return -EINVAL;
	ret = arp_resolve(dev, my_ip, mask, dst, mac);
	if (ret)
		return ret;

	icmp[ICMP_TYPE] = ICMP_ECHO;
	icmp[ICMP_CODE] = 0;
	put_be16(icmp + ICMP_CSUM, 0);
	put_be16(icmp + ICMP_ID, id);
	put_be16(icmp + ICMP_SEQ, seq);
	for (i = 0; i < payload; i++)
		icmp[ICMP_HLEN + i] = (u8)i;
	put_be16(icmp + ICMP_CSUM, inet_csum(icmp, len, 0));
	return ipv4_output(dev, frame, mac, my_ip, dst, IPPROTO_ICMP, len);
}
