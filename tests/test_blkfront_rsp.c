// SPDX-License-Identifier: MIT
/*
 * Unit tests for drivers/block/xen-blkfront-rsp.c, blkfront's checks of
 * its backend's responses: the response producer, the id and operation
 * of a response, and its status.
 */
#include <string.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include "../drivers/block/xen-blkfront-rsp.h"
#include "harness.h"
#include "fake_printk.h"

#define NR_SLOTS	32

static struct blk_request req;
static struct shadow shadow[NR_SLOTS];

/* Slot @id holds a request of operation @op (@alt_op as well). */
static void in_flight(u32 id, u8 op, u8 alt_op)
{
	shadow[id] = (struct shadow){ .req = &req, .op = op, .alt_op = alt_op };
}

static int rsp(u64 id, u8 op)
{
	struct blkif_response r = { .id = id, .operation = op };

	return blkfront_rsp_check(&r, shadow, NR_SLOTS);
}

TEST(producer)
{
	EXPECT(blkfront_rsp_prod_ok(3, 1, 5));
	EXPECT(blkfront_rsp_prod_ok(5, 1, 5));
	EXPECT(blkfront_rsp_prod_ok(1, 1, 1));
	EXPECT(!blkfront_rsp_prod_ok(6, 1, 5));
	/* Far beyond, and behind what was consumed (a huge distance). */
	EXPECT(!blkfront_rsp_prod_ok(1000, 1, 5));
	EXPECT(!blkfront_rsp_prod_ok(0, 1, 5));
	/* Across the index wrap. */
	EXPECT(blkfront_rsp_prod_ok(1, 0xfffffffeU, 2));
	EXPECT(!blkfront_rsp_prod_ok(3, 0xfffffffeU, 2));
}

TEST(ids_and_operations)
{
	memset(shadow, 0, sizeof(shadow));
	in_flight(3, BLKIF_OP_READ, BLKIF_OP_INDIRECT);
	in_flight(4, BLKIF_OP_WRITE, BLKIF_OP_WRITE);
	EXPECT_EQ(rsp(3, BLKIF_OP_READ), 0);
	EXPECT_EQ(rsp(3, BLKIF_OP_INDIRECT), 0);
	EXPECT_EQ(rsp(4, BLKIF_OP_WRITE), 0);
	EXPECT_EQ(rsp(4, BLKIF_OP_READ), -EPROTO);
	EXPECT_EQ(rsp(4, BLKIF_OP_INDIRECT), -EPROTO);
	/* A free slot, one past the ring, one far past it. */
	EXPECT_EQ(rsp(5, BLKIF_OP_READ), -ENOENT);
	EXPECT_EQ(rsp(NR_SLOTS, BLKIF_OP_READ), -ENOENT);
	EXPECT_EQ(rsp(1ULL << 40 | 3, BLKIF_OP_READ), -ENOENT);
	/* Once completed (the driver frees the slot), the id is unknown. */
	shadow[3].req = NULL;
	EXPECT_EQ(rsp(3, BLKIF_OP_READ), -ENOENT);
}

TEST(statuses)
{
	EXPECT_EQ(blkfront_rsp_errno("xvda", BLKIF_OP_READ, BLKIF_RSP_OKAY), 0);
	EXPECT_EQ(blkfront_rsp_errno("xvda", BLKIF_OP_READ, BLKIF_RSP_ERROR), -EIO);
	EXPECT_EQ(blkfront_rsp_errno("xvda", BLKIF_OP_WRITE, BLKIF_RSP_EOPNOTSUPP),
		  -EIO);
	EXPECT_EQ(blkfront_rsp_errno("xvda", BLKIF_OP_FLUSH_DISKCACHE,
				     BLKIF_RSP_EOPNOTSUPP), -EOPNOTSUPP);
	EXPECT_EQ(blkfront_rsp_errno("xvda", BLKIF_OP_DISCARD,
				     BLKIF_RSP_EOPNOTSUPP), -EOPNOTSUPP);
	last_log[0] = '\0';
	EXPECT_EQ(blkfront_rsp_errno("xvdb", BLKIF_OP_READ, 7), -EIO);
	EXPECT(strstr(last_log, "xvdb: unknown response status 7") != NULL);
}

int main(void)
{
	RUN(producer);
	RUN(ids_and_operations);
	RUN(statuses);
	return TEST_DONE();
}
