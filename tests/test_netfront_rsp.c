// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/net/xen-netfront-rsp.c, netfront's checks of
 * its backend's responses: the response producer, tx ids and statuses,
 * rx ids, statuses and offset+size, and rx extra-info chains.
 */
#include <string.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include "../drivers/net/xen-netfront.h"
#include "harness.h"
#include "fake_printk.h"

static struct xennet_tx_slot slots[XENNET_TX_RING_SIZE];

static int tx(u16 id, s16 status)
{
	struct netif_tx_response r = { .id = id, .status = status };

	return xennet_tx_rsp_check(&r, slots);
}

static int rx(RING_IDX cons, u16 id, u16 off, s16 status)
{
	struct netif_rx_response r = { .id = id, .offset = off, .status = status };

	return xennet_rx_rsp_check(&r, cons);
}

static struct netif_extra_info extra(u8 type, u8 flags)
{
	return (struct netif_extra_info){ .type = type, .flags = flags };
}

TEST(producer)
{
	EXPECT(xennet_rsp_prod_ok(10, 10, 10));
	EXPECT(xennet_rsp_prod_ok(266, 10, 266));
	EXPECT(!xennet_rsp_prod_ok(267, 10, 266));
	EXPECT(!xennet_rsp_prod_ok(100000, 10, 20));
	EXPECT(xennet_rsp_prod_ok(2, 0xffffff00U, 0x10));
}

TEST(tx_responses)
{
	memset(slots, 0, sizeof(slots));
	slots[7].inflight = true;
	EXPECT_EQ(tx(7, NETIF_RSP_OKAY), 0);
	EXPECT_EQ(tx(7, NETIF_RSP_ERROR), 0);
	EXPECT_EQ(tx(7, NETIF_RSP_NULL), -EPROTO);
	EXPECT_EQ(tx(8, NETIF_RSP_OKAY), -ENOENT);
	EXPECT_EQ(tx(XENNET_TX_RING_SIZE, NETIF_RSP_OKAY), -ENOENT);
	EXPECT_EQ(tx(0xffff, NETIF_RSP_OKAY), -ENOENT);
	/* Completed once, the id is free: a second response is refused. */
	slots[7].inflight = false;
	EXPECT_EQ(tx(7, NETIF_RSP_OKAY), -ENOENT);
}

TEST(rx_responses)
{
	EXPECT_EQ(rx(5, 5, 0, 60), 60);
	EXPECT_EQ(rx(5, 5, 0, 0), 0);
	EXPECT_EQ(rx(5, 5, 96, PAGE_SIZE - 96), PAGE_SIZE - 96);
	/* ids are ring indexes modulo the ring size. */
	EXPECT_EQ(rx(XENNET_RX_RING_SIZE + 5, 5, 0, 60), 60);
	EXPECT_EQ(rx(5, 6, 0, 60), -ENOENT);
	EXPECT_EQ(rx(5, 5 + XENNET_RX_RING_SIZE, 0, 60), -ENOENT);
	EXPECT_EQ(rx(5, 5, 0, NETIF_RSP_ERROR), -EIO);
	EXPECT_EQ(rx(5, 5, 0, NETIF_RSP_DROPPED), -EIO);
	/* A negative status netif.h does not know is malformed. */
	EXPECT_EQ(rx(5, 5, 0, -77), -EBADMSG);
	EXPECT_EQ(rx(5, 5, 0, -0x8000), -EBADMSG);
	/* The id is checked first: a bad status on a wrong id is the id. */
	EXPECT_EQ(rx(5, 6, 0, -77), -ENOENT);
	/* Over-long: past the end of the page, from its start or not. */
	EXPECT_EQ(rx(5, 5, 0, PAGE_SIZE + 1), -ERANGE);
	EXPECT_EQ(rx(5, 5, 97, PAGE_SIZE - 96), -ERANGE);
	EXPECT_EQ(rx(5, 5, PAGE_SIZE, 0), -ERANGE);
	EXPECT_EQ(rx(5, 5, 0xffff, 1), -ERANGE);
	EXPECT_EQ(rx(5, 5, 0, 0x7fff), -ERANGE);
}

TEST(kept_grants)
{
	EXPECT(xennet_kept_grants_ok(0));
	EXPECT(xennet_kept_grants_ok(1));
	EXPECT(xennet_kept_grants_ok(XENNET_KEPT_GRANTS_MAX));
	EXPECT(!xennet_kept_grants_ok(XENNET_KEPT_GRANTS_MAX + 1));
	EXPECT(!xennet_kept_grants_ok(~0U));
}

TEST(rx_extra_info)
{
	struct netif_extra_info e;

	e = extra(XEN_NETIF_EXTRA_TYPE_GSO, 0);
	EXPECT(xennet_rx_extra_type_ok(&e));
	e = extra(XEN_NETIF_EXTRA_TYPE_NONE, 0);
	EXPECT(!xennet_rx_extra_type_ok(&e));
	e = extra(XEN_NETIF_EXTRA_TYPE_MAX, 0);
	EXPECT(!xennet_rx_extra_type_ok(&e));
	e = extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
	EXPECT(xennet_rx_extra_chain_ok(&e, 1));
	EXPECT(xennet_rx_extra_chain_ok(&e, XEN_NETIF_EXTRA_TYPE_MAX - 1));
	EXPECT(!xennet_rx_extra_chain_ok(&e, XEN_NETIF_EXTRA_TYPE_MAX));
	e = extra(XEN_NETIF_EXTRA_TYPE_GSO, 0);
	EXPECT(xennet_rx_extra_chain_ok(&e, XEN_NETIF_EXTRA_TYPE_MAX));
}

int main(void)
{
	RUN(producer);
	RUN(tx_responses);
	RUN(rx_responses);
	RUN(kept_grants);
	RUN(rx_extra_info);
	return TEST_DONE();
}
