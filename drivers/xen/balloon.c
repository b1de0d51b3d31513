// SPDX-License-Identifier: MIT
/*
 * The Xen balloon: the toolstack sets memory/target (KiB) in our
 * xenstore home (`xl mem-set`), and the guest gives frames back to Xen
 * (XENMEM_decrease_reservation) or takes them back
 * (XENMEM_populate_physmap) until its reservation matches.
 *
 * Frames come from the page allocator, the highest free ones first
 * (page_take_high()), never from the frames the kernel image mapping
 * also covers; a frame given away stays taken from the allocator until
 * it is populated again and handed back (page_give_back()).  Under PV
 * the guest owns its P2M and its page tables name machine frames, so a
 * frame given away is first unmapped from the direct map (Xen frees a
 * frame only once nothing maps it) and its P2M entry set to
 * INVALID_MFN; one taken back gets its new machine frame in the P2M
 * (Xen updates the M2P) and its direct-map entry again.  On PVH and HVM
 * the physmap is Xen's, and the guest's frame numbers are all it names.
 *
 * Each step moves at most XEN_BALLOON_BATCH frames in one hypercall and
 * logs "balloon: target N KiB, current M KiB".  Targets are clamped
 * (logged) between a floor (the kernel image's mapping plus 32 MiB) and
 * the boot reservation or memory/static-max, whichever is lower: only
 * frames given away can be taken back.  A target that does not parse is
 * logged and ignored.  The steps run in a "balloon" thread, so the
 * xenwatch thread (control/shutdown among others) is never held up.
 */
#include <pvk/kernel.h>
#include <pvk/bitmap_alloc.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/time.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include <xen/balloon.h>
#include <xen/memory.h>
#include <xen/platform_info.h>
#include <xen/xenbus.h>
#include "balloon-internal.h"

/* A step that moved nothing is retried after this, doubling up to 32 s. */
#define RETRY_FIRST_NS	(1ULL * NSEC_PER_SEC)
#define RETRY_MAX_NS	(32ULL * NSEC_PER_SEC)
/* With nothing to do the thread waits for a new target. */
#define IDLE_WAIT_NS	(3600ULL * NSEC_PER_SEC)

static struct {
	struct thread *thread;
	struct xen_balloon_limits limits;
	struct bitmap_alloc out;	/* clear bit: a frame given to Xen */
	u64 min_pfn;			/* frames below are never given */
	u64 cur;			/* the reservation, in pages */
	u64 target;			/* clamped, in pages */
	s64 offset;			/* reservation minus target at boot */
	bool target_seen;
	bool watch_fired;		/* its initial event was handled */
	unsigned long pfns[XEN_BALLOON_BATCH];
	xen_pfn_t frames[XEN_BALLOON_BATCH];
} balloon;

static bool pv_mmu(void)
{
	return !xen_platform_info()->auto_translated;
}

static long reservation_op(unsigned int cmd, unsigned int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, balloon.frames);
	return HYPERVISOR_memory_op(cmd, &r);
}

static u64 pages_to_target_kib(u64 pages)
{
	return xen_balloon_pages_to_kib(pages - (u64)balloon.offset);
}

/*
 * Frames @from.. of the batch were not given away after all: their
 * machine frames (in frames[]) go back in the P2M and the direct map,
 * the frames back to the allocator.
 */
static void restore_frames(unsigned int from, unsigned int n)
{
	if (from == n)
		return;
	if (pv_mmu()) {
		for (unsigned int i = from; i < n; i++)
			set_phys_to_machine(balloon.pfns[i], balloon.frames[i]);
		xen_direct_map_frames(balloon.pfns + from, balloon.frames + from,
				      n - from);
	}
	for (unsigned int i = from; i < n; i++)
		page_give_back(balloon.pfns[i]);
}

/* Give up to @n frames to Xen; returns how many, or a negative errno. */
static long give_away(unsigned int n)
{
	unsigned int got = 0;
	long rc;

	while (got < n) {
		s64 pfn = page_take_high(balloon.min_pfn);

		if (pfn < 0)
			break;
		balloon.pfns[got] = (unsigned long)pfn;
		balloon.frames[got] = pv_mmu() ? pfn_to_mfn(pfn) : (xen_pfn_t)pfn;
		got++;
	}
	if (!got)
		return -ENOMEM;
	if (pv_mmu()) {
		rc = xen_direct_map_frames(balloon.pfns, NULL, got);
		if (rc) {
			for (unsigned int i = 0; i < got; i++)
				page_give_back(balloon.pfns[i]);
			return rc;
		}
		for (unsigned int i = 0; i < got; i++)
			set_phys_to_machine(balloon.pfns[i], INVALID_MFN);
	}
	rc = reservation_op(XENMEM_decrease_reservation, got);
	restore_frames(rc < 0 ? 0 : MIN((unsigned int)rc, got), got);
	for (long i = 0; i < rc && i < got; i++)
		bitmap_alloc_put(&balloon.out, balloon.pfns[i], 1);
	if (rc > 0)
		balloon.cur -= MIN((unsigned int)rc, got);
	return rc;
}

/* Take up to @n frames back from Xen; returns how many, or an errno. */
static long take_back(unsigned int n)
{
	unsigned int got = 0, done;
	long rc;

	while (got < n) {
		s64 pfn = bitmap_alloc_get(&balloon.out, 1, 1);

		if (pfn < 0)
			break;
		balloon.pfns[got] = (unsigned long)pfn;
		balloon.frames[got] = (xen_pfn_t)pfn;
		got++;
	}
	if (!got)
		return -ENOENT;
	rc = reservation_op(XENMEM_populate_physmap, got);
	done = rc < 0 ? 0 : MIN((unsigned int)rc, got);
	for (unsigned int i = done; i < got; i++)
		bitmap_alloc_put(&balloon.out, balloon.pfns[i], 1);
	/* Under PV populate_physmap wrote each frame's new mfn in frames[]. */
	restore_frames(0, done);
	balloon.cur += done;
	return rc;
}

static void log_state(void)
{
	pr_info("balloon: target %llu KiB, current %llu KiB\n",
		(unsigned long long)pages_to_target_kib(READ_ONCE(balloon.target)),
		(unsigned long long)pages_to_target_kib(balloon.cur));
}

/* One step towards the target; false when it moved nothing. */
static bool balloon_step(void)
{
	s64 step = xen_balloon_step(balloon.cur, READ_ONCE(balloon.target));
	long rc;

	if (!step)
		return true;
	rc = step > 0 ? take_back((unsigned int)step) : give_away((unsigned int)-step);
	if (rc > 0)
		log_state();
	if (rc == (step > 0 ? step : -step))
		return true;
	pr_warn("balloon: %s %lld frames: %ld; %s\n",
		step > 0 ? "taking back" : "giving away",
		(long long)(step > 0 ? step : -step), rc,
		rc > 0 ? "the rest later" : "retrying later");
	return rc > 0;
}

static int balloon_thread(void *arg)
{
	u64 retry = RETRY_FIRST_NS;

	for (;;) {
		if (balloon.cur == READ_ONCE(balloon.target)) {
			kthread_wait_ns(IDLE_WAIT_NS);
			retry = RETRY_FIRST_NS;
		} else if (balloon_step()) {
			retry = RETRY_FIRST_NS;
		} else {
			kthread_wait_ns(retry);
			retry = MIN(retry * 2, RETRY_MAX_NS);
		}
	}
	return 0;
}

/**
 * xen_balloon_set_target - the reservation to reach, in pages
 * @pages: what the toolstack (or a self-test) asks for
 *
 * Clamped to the floor and the maximum (logged); the balloon thread
 * then steps towards it.  Returns the target taken.
 */
u64 xen_balloon_set_target(u64 pages)
{
	enum xen_balloon_clamp why;
	u64 target = xen_balloon_clamp(pages, &balloon.limits, &why);

	if (why != XEN_BALLOON_CLAMP_NONE)
		pr_warn("balloon: target %llu KiB %s %s %llu KiB; using it\n",
			(unsigned long long)pages_to_target_kib(pages),
			why == XEN_BALLOON_CLAMP_MAX ? "above" : "below",
			why == XEN_BALLOON_CLAMP_MAX ? "the maximum" : "the safe floor",
			(unsigned long long)pages_to_target_kib(target));
	WRITE_ONCE(balloon.target, target);
	if (balloon.thread)
		kthread_wake(balloon.thread);
	return target;
}

/* The reservation pvk accounts for, in pages (0 before the balloon runs). */
u64 xen_balloon_current_pages(void)
{
	return READ_ONCE(balloon.cur);
}

/* The clamped target, in pages. */
u64 xen_balloon_target(void)
{
	return READ_ONCE(balloon.target);
}

/**
 * xen_balloon_following - has the watch on memory/target fired yet?
 *
 * The watch fires once when it is registered, from the xenwatch thread,
 * some time after xen_balloon_init() returned, and sets the toolstack's
 * target; a target set by anyone else before that would be overwritten.
 * From then on the target changes only when memory/target does.
 */
bool xen_balloon_following(void)
{
	return READ_ONCE(balloon.watch_fired);
}

/* Read memory/@node as KiB; false (logged unless missing) if unusable. */
static bool read_kib(const char *node, u64 *kib)
{
	char val[XEN_BALLOON_VALUE_MAX];
	int err = xenbus_read(XBT_NIL, "memory", node, val, sizeof(val));

	if (err == -ENOENT)
		return false;
	if (err >= 0)
		err = xen_balloon_parse_kib(val, kib);
	if (err) {
		for (char *s = val; *s; s++)
			if (*s < ' ' || *s > '~')
				*s = '?';
		pr_warn("balloon: memory/%s '%s' ignored: not a number of KiB (%d)\n",
			node, err == -E2BIG ? "(too long)" : val, err);
		return false;
	}
	return true;
}

/* The first target seen, and every later one, in KiB. */
static void follow_target(u64 kib)
{
	/*
	 * An HVM or PVH guest's reservation also holds pages the toolstack
	 * leaves out of the target (firmware, video memory): the first
	 * target seen stands for the boot reservation, as in Linux.
	 */
	if (!balloon.target_seen && !pv_mmu())
		balloon.offset = (s64)(balloon.cur - xen_balloon_kib_to_pages(kib));
	balloon.target_seen = true;
	xen_balloon_set_target(xen_balloon_target_pages(kib, balloon.offset));
}

static void target_changed(struct xenbus_watch *watch, const char *path,
			   const char *token)
{
	u64 kib;

	if (read_kib("target", &kib))
		follow_target(kib);
	WRITE_ONCE(balloon.watch_fired, true);
}

static struct xenbus_watch target_watch = {
	.node = "memory/target",
	.callback = target_changed,
};

/*
 * The limits.  Frames the kernel image mapping covers (the image rounded
 * up to 2 MiB, mapped there as well as in the direct map) are never
 * given away; the floor is that much plus XEN_BALLOON_FLOOR_KIB of
 * working memory.  memory/static-max counts in the target's units, the
 * same as the reservation's only under PV; elsewhere the boot
 * reservation alone is the maximum (it is anyway: only frames given
 * away are taken back).
 */
static void set_limits(void)
{
	u64 static_max = 0;

	balloon.min_pfn = PFN_DOWN(ALIGN_UP(__pa_symbol(_end), PMD_SIZE));
	if (pv_mmu())
		read_kib("static-max", &static_max);
	xen_balloon_limits_init(&balloon.limits, balloon.cur,
				xen_balloon_kib_to_pages(static_max),
				balloon.min_pfn +
				xen_balloon_kib_to_pages(XEN_BALLOON_FLOOR_KIB));
}

/**
 * xen_balloon_init - follow memory/target
 *
 * Called by the Xen platform once xenstore is up (a domU's).  Reads the
 * reservation and memory/static-max, starts the balloon thread and
 * watches memory/target.  Returns 0 or a negative errno (logged).
 */
int xen_balloon_init(void)
{
	domid_t self = DOMID_SELF;
	u64 nframes = page_frames_end();
	long resv = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	unsigned long *bits;
	int err;

	if (!xenbus_available())
		return -ENODEV;
	if (resv <= 0) {
		pr_err("balloon: XENMEM_current_reservation failed: %ld\n", resv);
		return resv ? (int)resv : -EINVAL;
	}
	bits = kmalloc(BITMAP_ALLOC_LONGS(nframes) * sizeof(unsigned long));
	if (!bits) {
		pr_err("balloon: no memory for the map of %llu frames\n",
		       (unsigned long long)nframes);
		return -ENOMEM;
	}
	bitmap_alloc_init(&balloon.out, bits, nframes);
	balloon.cur = balloon.target = (u64)resv;
	set_limits();
	balloon.thread = kthread_run(balloon_thread, NULL, "balloon", 0);
	if (!balloon.thread) {
		pr_err("balloon: cannot start its thread\n");
		return -ENOMEM;
	}
	err = register_xenbus_watch(&target_watch);
	if (err) {
		pr_err("balloon: cannot watch memory/target: %d\n", err);
		return err;
	}
	pr_info("balloon: reservation %llu KiB, floor %llu KiB, maximum %llu KiB\n",
		(unsigned long long)xen_balloon_pages_to_kib(balloon.cur),
		(unsigned long long)xen_balloon_pages_to_kib(balloon.limits.floor),
		(unsigned long long)xen_balloon_pages_to_kib(balloon.limits.max));
	return 0;
}
