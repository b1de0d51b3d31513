// SPDX-License-Identifier: MIT
/* Unit tests for lib/bitmap_alloc.c. */
#include <stdlib.h>
#include <string.h>
#include <pvk/bitmap_alloc.h>
#include <pvk/errno.h>
#include "harness.h"

#define NBITS 1000	/* deliberately not a multiple of the word size */

static unsigned long bits[BITMAP_ALLOC_LONGS(NBITS)];
static struct bitmap_alloc ba;

static bool bit_used(u64 i)
{
	return bits[i / BITMAP_ALLOC_BITS_PER_LONG] >>
	       (i % BITMAP_ALLOC_BITS_PER_LONG) & 1;
}

static u64 count_free(void)
{
	u64 i, n = 0;

	for (i = 0; i < NBITS; i++)
		n += !bit_used(i);
	return n;
}

TEST(init_all_used)
{
	bitmap_alloc_init(&ba, bits, NBITS);
	EXPECT_EQ(ba.free, 0);
	EXPECT_EQ(count_free(), 0);
	EXPECT_EQ(bitmap_alloc_get(&ba, 1, 1), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_get(&ba, 0, 1), -EINVAL);
}

TEST(seed_and_reserve)
{
	bitmap_alloc_init(&ba, bits, NBITS);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, 0, NBITS), 0);
	EXPECT_EQ(ba.free, NBITS);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, 10, 20), 0);	/* again */
	EXPECT_EQ(ba.free, NBITS);
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, 60, 200), 0);
	EXPECT_EQ(ba.free, NBITS - 200);
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, 100, 10), 0);	/* inside */
	EXPECT_EQ(ba.free, NBITS - 200);
	EXPECT_EQ(count_free(), ba.free);
	EXPECT(bit_used(60) && bit_used(259) && !bit_used(59) &&
	       !bit_used(260));

	EXPECT_EQ(bitmap_alloc_free_range(&ba, 0, 0), -EINVAL);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, NBITS, 1), -EINVAL);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, NBITS - 1, 2), -EINVAL);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, 5, UINT64_MAX), -EINVAL);
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, UINT64_MAX, 2), -EINVAL);
	EXPECT_EQ(bitmap_alloc_put(&ba, 1, UINT64_MAX), -EINVAL);
	EXPECT_EQ(ba.free, NBITS - 200);
}

TEST(get_contiguous_aligned)
{
	s64 a, b, c;

	bitmap_alloc_init(&ba, bits, NBITS);
	bitmap_alloc_free_range(&ba, 3, NBITS - 3);
	a = bitmap_alloc_get(&ba, 1, 1);
	EXPECT_EQ(a, 3);
	b = bitmap_alloc_get(&ba, 10, 8);
	EXPECT_EQ(b, 8);
	c = bitmap_alloc_get(&ba, 1, 1);
	EXPECT_EQ(c, 18);
	EXPECT_EQ(bitmap_alloc_get(&ba, 64, 512), 512);
	EXPECT_EQ(bitmap_alloc_get(&ba, 5, 3), 576);
	EXPECT_EQ(bitmap_alloc_get(&ba, 1, 0), 581);
	EXPECT_EQ(bitmap_alloc_get(&ba, 512, 512), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_get(&ba, NBITS + 1, 1), -ENOMEM);
	/* Free runs are now 19..511 (493 frames) and 582..999 (418). */
	EXPECT_EQ(bitmap_alloc_get(&ba, 494, 1), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_get(&ba, 419, 1), 19);	/* wraps */
	EXPECT_EQ(bitmap_alloc_get(&ba, 418, 1), 582);
	EXPECT_EQ(bitmap_alloc_get(&ba, 74, 1), 438);
	EXPECT_EQ(bitmap_alloc_get(&ba, 4, 1), 4);	/* gap below 8 */
	EXPECT_EQ(bitmap_alloc_get(&ba, 1, 1), -ENOMEM);
	EXPECT_EQ(ba.free, 0);
	EXPECT_EQ(count_free(), ba.free);
}

TEST(put_and_double_free)
{
	unsigned long saved[ARRAY_SIZE(bits)];
	s64 a;
	u64 free_before;

	bitmap_alloc_init(&ba, bits, NBITS);
	bitmap_alloc_free_range(&ba, 0, NBITS);
	a = bitmap_alloc_get(&ba, 100, 1);
	EXPECT_EQ(a, 0);
	EXPECT_EQ(bitmap_alloc_put(&ba, 10, 20), 0);
	memcpy(saved, bits, sizeof(bits));
	free_before = ba.free;
	EXPECT_EQ(bitmap_alloc_put(&ba, 10, 20), -EINVAL);
	EXPECT_EQ(bitmap_alloc_put(&ba, 0, 100), -EINVAL);	/* partial */
	EXPECT_EQ(bitmap_alloc_put(&ba, 29, 1), -EINVAL);
	EXPECT_EQ(bitmap_alloc_put(&ba, 99, 2), -EINVAL);
	EXPECT_EQ(bitmap_alloc_put(&ba, 0, 0), -EINVAL);
	EXPECT(memcmp(saved, bits, sizeof(bits)) == 0);
	EXPECT_EQ(ba.free, free_before);
	EXPECT_EQ(bitmap_alloc_put(&ba, 30, 1), 0);
	/* The freed hole is reused before fresh memory. */
	EXPECT_EQ(bitmap_alloc_get(&ba, 21, 1), 10);
	EXPECT_EQ(count_free(), ba.free);
}

TEST(wraps_around_hint)
{
	bitmap_alloc_init(&ba, bits, NBITS);
	bitmap_alloc_free_range(&ba, 0, NBITS);
	EXPECT_EQ(bitmap_alloc_get(&ba, NBITS - 10, 1), 0);
	EXPECT_EQ(bitmap_alloc_get(&ba, 10, 1), NBITS - 10);
	EXPECT_EQ(ba.free, 0);
	EXPECT_EQ(bitmap_alloc_get(&ba, 1, 1), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_put(&ba, 500, 4), 0);
	ba.hint = NBITS - 2;
	EXPECT_EQ(bitmap_alloc_get(&ba, 4, 4), 500);
	ba.hint = UINT64_MAX;	/* a corrupt hint must not break search */
	EXPECT_EQ(bitmap_alloc_put(&ba, 996, 4), 0);
	ba.hint = UINT64_MAX;
	EXPECT_EQ(bitmap_alloc_get(&ba, 4, 4), 996);
	/* Frames past nbits in the last word are never handed out. */
	EXPECT_EQ(bitmap_alloc_get(&ba, 1, 1), -ENOMEM);
}

static u64 rng = 88172645463325252ULL;

static u64 rnd(u64 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* Is there an aligned run of @count free frames in the model? */
static bool model_fits(const bool *used, u64 count, u64 align)
{
	u64 s, i;

	for (s = 0; s + count <= NBITS; s += align) {
		for (i = 0; i < count && !used[s + i]; i++)
			;
		if (i == count)
			return true;
	}
	return false;
}

TEST(random_against_model)
{
	static bool used[NBITS];
	unsigned int iter, bad = 0;
	u64 i;

	bitmap_alloc_init(&ba, bits, NBITS);
	for (i = 0; i < NBITS; i++)
		used[i] = true;
	for (iter = 0; iter < 20000; iter++) {
		u64 count = 1 + rnd(rnd(4) ? 4 : 64);
		u64 align = 1ULL << rnd(7);
		u64 first = rnd(NBITS);
		bool all_used = true;
		int ret;
		s64 got;

		switch (rnd(4)) {
		case 0:
			count = MIN(count, NBITS - first);
			bitmap_alloc_free_range(&ba, first, count);
			for (i = first; i < first + count; i++)
				used[i] = false;
			break;
		case 1:
			got = bitmap_alloc_get(&ba, count, align);
			if (got < 0) {
				bad += model_fits(used, count, align);
				break;
			}
			bad += (u64)got % align != 0 || got + count > NBITS;
			for (i = got; i < got + count && i < NBITS; i++) {
				bad += used[i];
				used[i] = true;
			}
			break;
		default:
			count = MIN(count, NBITS - first);
			for (i = first; i < first + count; i++)
				all_used &= used[i];
			ret = bitmap_alloc_put(&ba, first, count);
			bad += ret != (all_used ? 0 : -EINVAL);
			for (i = first; all_used && i < first + count; i++)
				used[i] = false;
			break;
		}
		for (i = 0; i < NBITS; i++)
			bad += bit_used(i) != used[i];
		bad += count_free() != ba.free;
		if (bad) {
			printf("#   diverged at iteration %u\n", iter);
			break;
		}
	}
	EXPECT_EQ(bad, 0);
}

TEST(large_bitmap)
{
	const u64 n = 1ULL << 22;	/* 16 GiB of 4 KiB frames */
	unsigned long *big = calloc(BITMAP_ALLOC_LONGS(n), sizeof(long));
	struct bitmap_alloc b;

	bitmap_alloc_init(&b, big, n);
	EXPECT_EQ(bitmap_alloc_free_range(&b, 256, n - 256), 0);
	EXPECT_EQ(bitmap_alloc_reserve_range(&b, 256, 1000), 0);
	EXPECT_EQ_U(b.free, n - 1256);
	EXPECT_EQ(bitmap_alloc_get(&b, 512, 512), 1536);
	EXPECT_EQ(bitmap_alloc_get(&b, 1ULL << 21, 1ULL << 21), 1ULL << 21);
	free(big);
}

TEST(get_high_from_the_top)
{
	bitmap_alloc_init(&ba, bits, NBITS);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, 100, 800), 0);	/* 100..899 */
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), 899);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), 898);
	EXPECT_EQ(ba.free, 798);
	/* A used run spanning words is skipped, free bits below are found. */
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, 300, 598), 0);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), 299);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 299), -ENOMEM);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 298), 298);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, NBITS), -ENOMEM);
	EXPECT_EQ(count_free(), ba.free);
	/* The lowest free frame, at a word boundary, and then none. */
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, 129, 169), 0);
	EXPECT_EQ(bitmap_alloc_reserve_range(&ba, 100, 28), 0);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), 128);
	EXPECT_EQ(ba.free, 0);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), -ENOMEM);
	/* What it took goes back with bitmap_alloc_put(). */
	EXPECT_EQ(bitmap_alloc_put(&ba, 899, 1), 0);
	EXPECT_EQ(bitmap_alloc_get_high(&ba, 0), 899);
	EXPECT_EQ(ba.hint, 0);
}

TEST(take_one_frame)
{
	bitmap_alloc_init(&ba, bits, NBITS);
	EXPECT_EQ(bitmap_alloc_free_range(&ba, 10, 20), 0);
	EXPECT_EQ(bitmap_alloc_take(&ba, 9), -EBUSY);
	EXPECT_EQ(bitmap_alloc_take(&ba, 15), 0);
	EXPECT_EQ(bitmap_alloc_take(&ba, 15), -EBUSY);
	EXPECT_EQ(bitmap_alloc_take(&ba, NBITS), -EINVAL);
	EXPECT_EQ(ba.free, 19);
	EXPECT_EQ(count_free(), 19);
	EXPECT(bit_used(15) && !bit_used(14) && !bit_used(16));
	EXPECT_EQ(bitmap_alloc_put(&ba, 15, 1), 0);
	EXPECT_EQ(ba.free, 20);
}

int main(void)
{
	RUN(init_all_used);
	RUN(seed_and_reserve);
	RUN(get_contiguous_aligned);
	RUN(put_and_double_free);
	RUN(wraps_around_hint);
	RUN(random_against_model);
	RUN(large_bitmap);
	RUN(get_high_from_the_top);
	RUN(take_one_frame);
	return TEST_DONE();
}
