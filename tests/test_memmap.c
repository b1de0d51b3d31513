// SPDX-License-Identifier: MIT
/* Unit tests for lib/memmap.c. */
#include <string.h>
#include <pvk/errno.h>
#include <pvk/memmap.h>
#include "harness.h"

static struct memmap map;

static void reset(void)
{
	memset(&map, 0, sizeof(map));
}

static bool entry_is(unsigned int i, u64 base, u64 len, u32 type)
{
	const struct memmap_entry *e = &map.e[i];

	if (i < map.nr && e->base == base && e->len == len && e->type == type)
		return true;
	printf("#   entry %u: %#llx+%#llx type %u, wanted %#llx+%#llx type %u\n",
	       i, (unsigned long long)e->base, (unsigned long long)e->len,
	       e->type, (unsigned long long)base, (unsigned long long)len,
	       type);
	return false;
}

TEST(add_basics)
{
	unsigned int i;

	reset();
	EXPECT_EQ(memmap_add(&map, 0x1000, 0, MEMMAP_USABLE), 0);
	EXPECT_EQ(map.nr, 0);
	EXPECT_EQ(memmap_add(&map, U64_MAX, 1, MEMMAP_USABLE), 0);
	EXPECT_EQ(map.nr, 0);	/* clamps to empty */
	EXPECT_EQ(memmap_add(&map, U64_MAX - 0xfff, 0x10000, MEMMAP_USABLE), 0);
	EXPECT(entry_is(0, U64_MAX - 0xfff, 0xfff, MEMMAP_USABLE));
	EXPECT_EQ(memmap_add(&map, 1, U64_MAX, MEMMAP_RESERVED), 0);
	EXPECT(entry_is(1, 1, U64_MAX - 1, MEMMAP_RESERVED));

	reset();
	for (i = 0; i < MEMMAP_MAX; i++)
		EXPECT_EQ(memmap_add(&map, i * 0x1000ULL, 0x1000, 1), 0);
	EXPECT_EQ(memmap_add(&map, 0x200000, 0x1000, 1), -ENOSPC);
	EXPECT_EQ(map.nr, MEMMAP_MAX);
	/* All 128 touch and are usable: they merge into one. */
	EXPECT_EQ(memmap_normalise(&map), 1);
	EXPECT(entry_is(0, 0, MEMMAP_MAX * 0x1000ULL, MEMMAP_USABLE));
	EXPECT_EQ(memmap_add(&map, 0x200000, 0x1000, 1), 0);
}

TEST(sort_merge_overlap)
{
	reset();
	memmap_add(&map, 0x100000, 0x100000, MEMMAP_USABLE);
	memmap_add(&map, 0x0, 0x9f000, MEMMAP_USABLE);
	memmap_add(&map, 0x9f000, 0x1000, MEMMAP_RESERVED);
	memmap_add(&map, 0xf0000, 0x10000, MEMMAP_RESERVED);
	memmap_add(&map, 0x200000, 0x100000, MEMMAP_USABLE);
	memmap_add(&map, 0x180000, 0x1000, MEMMAP_ACPI_NVS);
	memmap_add(&map, 0x180800, 0x1000, MEMMAP_ACPI_NVS);
	EXPECT_EQ(memmap_normalise(&map), 6);
	EXPECT(entry_is(0, 0x0, 0x9f000, MEMMAP_USABLE));
	EXPECT(entry_is(1, 0x9f000, 0x1000, MEMMAP_RESERVED));
	EXPECT(entry_is(2, 0xf0000, 0x10000, MEMMAP_RESERVED));
	EXPECT(entry_is(3, 0x100000, 0x80000, MEMMAP_USABLE));
	EXPECT(entry_is(4, 0x180000, 0x1800, MEMMAP_ACPI_NVS));
	EXPECT(entry_is(5, 0x181800, 0x17e800, MEMMAP_USABLE));
	/* Normalising a normalised map changes nothing. */
	EXPECT_EQ(memmap_normalise(&map), 6);
	EXPECT(entry_is(5, 0x181800, 0x17e800, MEMMAP_USABLE));
}

TEST(priorities)
{
	reset();
	memmap_add(&map, 0, 100, MEMMAP_ACPI_NVS);
	memmap_add(&map, 0, 100, MEMMAP_BAD);
	memmap_add(&map, 0, 100, MEMMAP_USABLE);
	memmap_add(&map, 100, 100, MEMMAP_RESERVED);
	memmap_add(&map, 100, 100, MEMMAP_ACPI_RECLAIM);
	memmap_add(&map, 200, 100, MEMMAP_BAD);
	memmap_add(&map, 200, 100, MEMMAP_KERNEL);
	memmap_add(&map, 300, 100, MEMMAP_KERNEL);
	memmap_add(&map, 300, 100, MEMMAP_MODULE);
	memmap_add(&map, 400, 100, 0);		/* unknown: reserved */
	memmap_add(&map, 500, 100, 99);		/* unknown: reserved */
	memmap_add(&map, 450, 100, MEMMAP_USABLE);
	EXPECT_EQ(memmap_normalise(&map), 5);
	EXPECT(entry_is(0, 0, 100, MEMMAP_BAD));
	EXPECT(entry_is(1, 100, 100, MEMMAP_ACPI_RECLAIM));
	EXPECT(entry_is(2, 200, 100, MEMMAP_KERNEL));
	EXPECT(entry_is(3, 300, 100, MEMMAP_MODULE));
	EXPECT(entry_is(4, 400, 200, MEMMAP_RESERVED));
}

TEST(all_reserved_and_empty)
{
	reset();
	EXPECT_EQ(memmap_normalise(&map), 0);
	EXPECT_EQ(memmap_usable_bytes(&map), 0);
	memmap_add(&map, 0, 0x100000000ULL, MEMMAP_USABLE);
	memmap_add(&map, 0, U64_MAX, MEMMAP_RESERVED);
	EXPECT_EQ(memmap_normalise(&map), 1);
	EXPECT(entry_is(0, 0, U64_MAX, MEMMAP_RESERVED));
	EXPECT_EQ(memmap_usable_bytes(&map), 0);

	/* Zero-length and overflowing entries written directly. */
	reset();
	map.e[0] = (struct memmap_entry){ 0x5000, 0, MEMMAP_USABLE };
	map.e[1] = (struct memmap_entry){ 0x1000, 0x1000, MEMMAP_USABLE };
	map.e[2] = (struct memmap_entry){ U64_MAX - 0x1fff, U64_MAX,
					  MEMMAP_USABLE };
	map.nr = 3;
	EXPECT_EQ(memmap_normalise(&map), 2);
	EXPECT(entry_is(0, 0x1000, 0x1000, MEMMAP_USABLE));
	EXPECT(entry_is(1, U64_MAX - 0x1fff, 0x1fff, MEMMAP_USABLE));
	/* Top page is partial (ends at 2^64 - 1), so only one page counts. */
	EXPECT_EQ_U(memmap_usable_bytes(&map), 0x2000);
}

TEST(top_of_address_space)
{
	reset();
	memmap_add(&map, U64_MAX - 0x2fff, 0x10000, MEMMAP_USABLE);
	memmap_add(&map, U64_MAX - 0x1fff, 0x10000, MEMMAP_BAD);
	EXPECT_EQ(memmap_normalise(&map), 2);
	EXPECT(entry_is(0, U64_MAX - 0x2fff, 0x1000, MEMMAP_USABLE));
	EXPECT(entry_is(1, U64_MAX - 0x1fff, 0x1fff, MEMMAP_BAD));
	EXPECT_EQ_U(memmap_usable_bytes(&map), 0x1000);
	reset();
	memmap_add(&map, U64_MAX - 0x800, 0x800, MEMMAP_USABLE);
	EXPECT_EQ(memmap_normalise(&map), 1);
	EXPECT_EQ_U(memmap_usable_bytes(&map), 0);
}

TEST(too_many_pieces)
{
	struct memmap saved;
	unsigned int i;

	reset();
	memmap_add(&map, 0, 0x10000000, MEMMAP_USABLE);
	for (i = 0; i < MEMMAP_MAX - 1; i++)
		memmap_add(&map, 0x10000 * (i + 1), 0x1000, MEMMAP_RESERVED);
	saved = map;
	EXPECT_EQ(memmap_normalise(&map), -ENOSPC);
	EXPECT(memcmp(&saved, &map, sizeof(map)) == 0);
	EXPECT_EQ(memmap_reserve(&map, 0x5000, 0x1000, MEMMAP_KERNEL),
		  -ENOSPC);
	EXPECT(memcmp(&saved, &map, sizeof(map)) == 0);
}

/* 128 output entries where the last one is built by merging pieces. */
TEST(exactly_full_output)
{
	unsigned int i;

	reset();
	memmap_add(&map, 0, 1000, MEMMAP_USABLE);
	for (i = 0; i < 63; i++)
		memmap_add(&map, 10 * i + 1, 1, MEMMAP_RESERVED);
	memmap_add(&map, 2500, 1000, MEMMAP_RESERVED);
	memmap_add(&map, 2000, 1000, MEMMAP_RESERVED);
	EXPECT_EQ(memmap_normalise(&map), MEMMAP_MAX);
	EXPECT(entry_is(0, 0, 1, MEMMAP_USABLE));
	EXPECT(entry_is(126, 622, 378, MEMMAP_USABLE));
	EXPECT(entry_is(127, 2000, 1500, MEMMAP_RESERVED));
}

TEST(reserve)
{
	reset();
	memmap_add(&map, 0, 0x9f000, MEMMAP_USABLE);
	memmap_add(&map, 0x100000, 0x7f00000, MEMMAP_USABLE);
	EXPECT_EQ(memmap_reserve(&map, 0x100000, 0x200000, MEMMAP_KERNEL), 3);
	EXPECT(entry_is(1, 0x100000, 0x200000, MEMMAP_KERNEL));
	EXPECT_EQ(memmap_reserve(&map, 0x1000000, 0x1234, MEMMAP_MODULE), 5);
	EXPECT(entry_is(3, 0x1000000, 0x1234, MEMMAP_MODULE));
	EXPECT(entry_is(4, 0x1001234, 0x8000000 - 0x1001234, MEMMAP_USABLE));
	/* Partial pages around the module are not counted. */
	EXPECT_EQ_U(memmap_usable_bytes(&map),
		    0x9f000 + (0x1000000 - 0x300000) +
		    (0x8000000 - 0x1002000));
	/* Reserving usable over a kernel range does not free it. */
	EXPECT_EQ(memmap_reserve(&map, 0x100000, 0x1000, MEMMAP_USABLE), 5);
	EXPECT(entry_is(1, 0x100000, 0x200000, MEMMAP_KERNEL));
	EXPECT_EQ(memmap_reserve(&map, 0, 0, MEMMAP_KERNEL), 5);
}

TEST(reserve_in_full_map)
{
	unsigned int i;

	reset();
	for (i = 0; i < MEMMAP_MAX; i++)
		memmap_add(&map, i * 0x1000ULL, 0x1000, MEMMAP_USABLE);
	EXPECT_EQ(memmap_reserve(&map, 0x4000, 0x2000, MEMMAP_KERNEL), 3);
	EXPECT(entry_is(1, 0x4000, 0x2000, MEMMAP_KERNEL));
}

TEST(covers)
{
	reset();
	memmap_add(&map, 0, 0x8000, MEMMAP_USABLE);
	memmap_add(&map, 0x8000, 0x1000, MEMMAP_USABLE);	/* merged */
	memmap_add(&map, 0x9000, 0x1000, MEMMAP_RESERVED);
	memmap_add(&map, U64_MAX - 0xfff, 0x1000, MEMMAP_RESERVED);
	EXPECT_EQ(memmap_normalise(&map), 3);
	EXPECT(memmap_covers(&map, 0x8000, 0x1000, MEMMAP_USABLE));
	EXPECT(memmap_covers(&map, 0, 0x9000, MEMMAP_USABLE));
	EXPECT(!memmap_covers(&map, 0x8000, 0x1001, MEMMAP_USABLE));
	EXPECT(!memmap_covers(&map, 0x9000, 0x1000, MEMMAP_USABLE));
	EXPECT(memmap_covers(&map, 0x9000, 0x1000, MEMMAP_RESERVED));
	EXPECT(!memmap_covers(&map, 0xa000, 0x1000, MEMMAP_USABLE));
	EXPECT(!memmap_covers(&map, 0x8000, 0, MEMMAP_USABLE));
	EXPECT(!memmap_covers(&map, U64_MAX - 0xfff, 0x2000, MEMMAP_RESERVED));
	EXPECT(memmap_covers(&map, U64_MAX - 0xfff, 0xfff, MEMMAP_RESERVED));
}

TEST(type_names)
{
	EXPECT_STR(memmap_type_name(MEMMAP_USABLE), "usable");
	EXPECT_STR(memmap_type_name(MEMMAP_RESERVED), "reserved");
	EXPECT_STR(memmap_type_name(MEMMAP_ACPI_RECLAIM), "ACPI reclaimable");
	EXPECT_STR(memmap_type_name(MEMMAP_ACPI_NVS), "ACPI NVS");
	EXPECT_STR(memmap_type_name(MEMMAP_BAD), "bad");
	EXPECT_STR(memmap_type_name(MEMMAP_KERNEL), "kernel");
	EXPECT_STR(memmap_type_name(MEMMAP_MODULE), "module");
	EXPECT_STR(memmap_type_name(0), "unknown");
	EXPECT_STR(memmap_type_name(8), "unknown");
	EXPECT_STR(memmap_type_name(0xffffffff), "unknown");
}

/* Brute-force model: the winning type of every unit address. */
#define SPACE 256

static unsigned int ref_rank(u32 t)
{
	if (t == MEMMAP_USABLE)
		return 1;
	if (t == MEMMAP_KERNEL || t == MEMMAP_MODULE)
		return 100 + t;
	return 10 + t;
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(u64 n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static bool check_against_model(const u32 *model, int nr)
{
	u32 seen[SPACE] = { 0 };
	unsigned int i;
	u64 x;

	if (nr < 0 || (unsigned int)nr != map.nr)
		return false;
	for (i = 0; i < map.nr; i++) {
		const struct memmap_entry *e = &map.e[i];

		if (!e->len || e->base + e->len > SPACE)
			return false;
		if (i && e->base < map.e[i - 1].base + map.e[i - 1].len)
			return false;	/* unsorted or overlapping */
		if (i && e->base == map.e[i - 1].base + map.e[i - 1].len &&
		    e->type == map.e[i - 1].type)
			return false;	/* should have merged */
		for (x = e->base; x < e->base + e->len; x++)
			seen[x] = e->type;
	}
	return memcmp(seen, model, sizeof(seen)) == 0;
}

TEST(random_against_model)
{
	unsigned int iter, i, bad = 0;

	for (iter = 0; iter < 20000; iter++) {
		u32 model[SPACE] = { 0 };
		unsigned int n = 1 + rnd(iter % 10 ? 12 : 60);
		int nr;

		reset();
		for (i = 0; i < n; i++) {
			u64 base = rnd(SPACE), len = rnd(SPACE / 4);
			u32 type = rnd(10), t = type;
			u64 x;

			if (base + len > SPACE)
				len = SPACE - base;
			memmap_add(&map, base, len, type);
			if (t < MEMMAP_USABLE || t > MEMMAP_MODULE)
				t = MEMMAP_RESERVED;
			for (x = base; x < base + len; x++) {
				if (!model[x] || ref_rank(t) > ref_rank(model[x]))
					model[x] = t;
			}
		}
		nr = memmap_normalise(&map);
		if (nr == -ENOSPC)
			continue;
		if (!check_against_model(model, nr) && bad++ < 5)
			printf("#   mismatch at iteration %u\n", iter);
	}
	EXPECT_EQ(bad, 0);
}

int main(void)
{
	RUN(add_basics);
	RUN(sort_merge_overlap);
	RUN(priorities);
	RUN(all_reserved_and_empty);
	RUN(top_of_address_space);
	RUN(too_many_pieces);
	RUN(exactly_full_output);
	RUN(reserve);
	RUN(reserve_in_full_map);
	RUN(covers);
	RUN(type_names);
	RUN(random_against_model);
	return TEST_DONE();
}
