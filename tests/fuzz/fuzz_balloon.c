// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the toolstack's memory/target as drivers/xen/balloon.c
 * reads it (xen_balloon_parse_kib(), xen_balloon_target_pages(),
 * xen_balloon_limits_init(), xen_balloon_clamp() and xen_balloon_step()
 * in drivers/xen/balloon-target.c).
 *
 * Input: 12 bytes of the guest's state, little-endian: the boot
 * reservation (u32 pages), the floor (u32 pages) and the boot offset of
 * an HVM or PVH guest (s32 pages); then the value's bytes, cut at the
 * first NUL and at the length balloon.c reads (XEN_BALLOON_VALUE_MAX -
 * 1).  Asserts that only plain decimal values are taken, that a target
 * always ends up within the limits (and unchanged when it was within),
 * and that steps are bounded, move towards the target and reach it.
 */
#include <stdint.h>
#include <string.h>
#include <pvk/errno.h>
#include "../../drivers/xen/balloon-internal.h"
#include "fuzz_check.h"

#define STATE_BYTES	12

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_parse(const char *val, int err)
{
	size_t len = strlen(val), digits = strspn(val, "0123456789");

	if (!err) {
		fuzz_check(len && digits == len, "only decimal digits are taken");
		return;
	}
	fuzz_check(err == -EINVAL || err == -ERANGE, "refused as -EINVAL or -ERANGE");
	fuzz_check(err == -EINVAL || (len && digits == len && len >= 20),
		   "-ERANGE only for a number past 64 bits");
}

static void check_steps(u64 cur, u64 target)
{
	for (int i = 0; i < 4 && cur != target; i++) {
		s64 step = xen_balloon_step(cur, target);
		u64 dist = cur > target ? cur - target : target - cur;

		fuzz_check(step && (step > 0) == (target > cur), "a step moves towards the target");
		fuzz_check(step <= XEN_BALLOON_BATCH && step >= -XEN_BALLOON_BATCH,
			   "a step moves at most one batch");
		fuzz_check((u64)(step > 0 ? step : -step) == (dist < XEN_BALLOON_BATCH ?
			   dist : XEN_BALLOON_BATCH), "a step is the whole way or a batch");
		cur += (u64)step;
	}
	if (cur == target)
		fuzz_check(xen_balloon_step(cur, target) == 0, "no step at the target");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char val[XEN_BALLOON_VALUE_MAX];
	struct xen_balloon_limits l;
	enum xen_balloon_clamp why;
	u64 kib = 0, want, target;
	uint32_t boot, floor;
	int32_t offset;
	size_t n;
	int err;

	if (size < STATE_BYTES)
		return 0;
	boot = le32(data);
	floor = le32(data + 4);
	offset = (int32_t)le32(data + 8);
	data += STATE_BYTES;
	size -= STATE_BYTES;
	n = size < sizeof(val) - 1 ? size : sizeof(val) - 1;
	memcpy(val, data, n);
	val[n] = '\0';
	err = xen_balloon_parse_kib(val, &kib);
	check_parse(val, err);
	if (err)
		return 0;
	xen_balloon_limits_init(&l, boot, 0, floor);
	fuzz_check(l.floor <= l.max && l.max == boot, "limits are ordered");
	want = xen_balloon_target_pages(kib, offset);
	fuzz_check(offset < 0 || want == kib / 4 + (u64)offset, "a positive offset adds");
	fuzz_check(offset >= 0 || want <= kib / 4, "a negative offset never adds");
	target = xen_balloon_clamp(want, &l, &why);
	fuzz_check(target >= l.floor && target <= l.max, "a target within the limits");
	fuzz_check((why == XEN_BALLOON_CLAMP_NONE) == (target == want),
		   "clamped exactly when outside");
	fuzz_check(why != XEN_BALLOON_CLAMP_MAX || want > l.max,
		   "clamped to the maximum from above");
	fuzz_check(why != XEN_BALLOON_CLAMP_FLOOR || want < l.floor,
		   "clamped to the floor from below");
	check_steps(boot, target);
	return 0;
}
