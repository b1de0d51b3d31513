// SPDX-License-Identifier: MIT
/*
 * Choosing how events reach an HVM or PVH guest: the best level the
 * xen_callback= cap allows whose set-up Xen accepts, else the next one
 * down, and none at all when every way was refused (hvm_callback.c does
 * the set-ups and logs each refusal).
 */
#include <pvk/kernel.h>
#include <asm/xen/callback.h>

static const char *const level_names[XEN_CALLBACK_LEVELS] = {
	[XEN_CALLBACK_NONE] = "none",
	[XEN_CALLBACK_INTX] = "intx",
	[XEN_CALLBACK_VECTOR] = "vector",
	[XEN_CALLBACK_PERCPU] = "percpu",
};

/**
 * xen_callback_name - the name of a callback level, as xen_callback= takes it
 * @level: the level; out of range gives "?"
 */
const char *xen_callback_name(enum xen_callback level)
{
	return level < XEN_CALLBACK_LEVELS ? level_names[level] : "?";
}

/**
 * xen_callback_parse - the level a xen_callback= value names
 * @opt: the option's value
 * @known: set to whether @opt was one of the names
 *
 * An unknown value caps nothing: the best level (percpu) is returned.
 */
enum xen_callback xen_callback_parse(const char *opt, bool *known)
{
	for (unsigned int l = 0; l < XEN_CALLBACK_LEVELS; l++) {
		if (!strcmp(opt, level_names[l])) {
			*known = true;
			return l;
		}
	}
	*known = false;
	return XEN_CALLBACK_PERCPU;
}

/**
 * xen_callback_choose - set up the best way events can come
 * @limit: the highest level to try
 * @try: the set-up of each level (NULL where the platform has none)
 *
 * Tries @limit, then each level below it, and stops at the first whose
 * set-up returns 0.  Returns that level, or XEN_CALLBACK_NONE.
 */
enum xen_callback xen_callback_choose(enum xen_callback limit,
				      const xen_callback_try_fn try[XEN_CALLBACK_LEVELS])
{
	if (limit >= XEN_CALLBACK_LEVELS)
		limit = XEN_CALLBACK_PERCPU;
	for (unsigned int l = limit; l > XEN_CALLBACK_NONE; l--)
		if (try[l] && try[l]() == 0)
			return l;
	return XEN_CALLBACK_NONE;
}
