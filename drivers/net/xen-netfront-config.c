// SPDX-License-Identifier: MIT
/*
 * What the Xen network frontend parses (xen-netfront.c): the netfront=
 * option and a vif's xenstore configuration, read through a function the
 * caller passes (xenbus_read() in real use).  Both are untrusted, and
 * nothing here touches a ring, a grant or xenbus itself, so the host
 * fuzz target tests/fuzz/fuzz_netfront_config.c builds this file too.
 */
#define pr_fmt(fmt) "netfront: " fmt

#include <pvk/kernel.h>
#include <pvk/kstrtox.h>
#include "xen-netfront.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * xennet_parse_mac - parse a vif's "mac" node
 * @s: "xx:xx:xx:xx:xx:xx", hex digits in either case
 * @mac: receives the address on success
 *
 * Strict: exactly six pairs separated by colons, nothing else.  The
 * address must be unicast and not all zeroes, since pvk answers to it.
 * Returns 0 or -EINVAL.
 */
int xennet_parse_mac(const char *s, u8 mac[ETH_ALEN])
{
	u8 m[ETH_ALEN];
	bool zero = true;
	unsigned int i;

	if (!s || strlen(s) != 3 * ETH_ALEN - 1)
		return -EINVAL;
	for (i = 0; i < ETH_ALEN; i++) {
		const char *p = s + 3 * i;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || (i < ETH_ALEN - 1 && p[2] != ':'))
			return -EINVAL;
		m[i] = (u8)(hi << 4 | lo);
		zero &= !m[i];
	}
	if (zero || (m[0] & 1))
		return -EINVAL;
	memcpy(mac, m, ETH_ALEN);
	return 0;
}

/* "key=N" with N in min..max: 1 and *@val set, -1 if bad (logged), 0 if no match. */
static int option_uint(const char *tok, const char *key, unsigned int min,
		       unsigned int max, unsigned int *val)
{
	size_t n = strlen(key);
	unsigned int v;

	if (strncmp(tok, key, n) || tok[n] != '=')
		return 0;
	if (kstrtouint(tok + n + 1, 10, &v) || v < min || v > max) {
		pr_warn("netfront=: %s wants a number in %u..%u; ignored\n",
			tok, min, max);
		return -1;
	}
	*val = v;
	return 1;
}

/**
 * xennet_parse_options - parse netfront= from the command line
 * @s: comma-separated words, "" for the defaults
 * @opt: filled with the defaults, then with what @s asks for
 *
 * Words: "bounce" (bounce buffers, no page or grant reuse), "no-csum"
 * (no checksum offload either way), "no-sg" (single-slot packets only),
 * "no-split" (one event channel per queue), "queues=N" (at most N
 * queues, 1..XENNET_MAX_QUEUES), "tx-slot=N" (at most N bytes per
 * transmit slot, XENNET_TX_SLOT_MIN..PAGE_SIZE).  An unknown word or a
 * bad number is logged and ignored.  Returns 0, or -EINVAL if anything
 * was ignored.
 */
int xennet_parse_options(const char *s, struct xennet_options *opt)
{
	char buf[64], *tok, *end;
	int ret = 0;

	memset(opt, 0, sizeof(*opt));
	opt->tx_slot = XENNET_TX_SLOT_MAX;
	if (!s || !*s)
		return 0;
	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf)) {
		pr_warn("netfront=%s is too long; ignored\n", s);
		return -EINVAL;
	}
	for (tok = buf; tok; tok = end) {
		int num;

		end = strchr(tok, ',');
		if (end)
			*end++ = '\0';
		if (!*tok)
			continue;
		if (!strcmp(tok, "bounce")) {
			opt->bounce = true;
		} else if (!strcmp(tok, "no-csum")) {
			opt->no_csum = true;
		} else if (!strcmp(tok, "no-sg")) {
			opt->no_sg = true;
		} else if (!strcmp(tok, "no-split")) {
			opt->no_split = true;
		} else if ((num = option_uint(tok, "queues", 1, XENNET_MAX_QUEUES,
					      &opt->max_queues)) ||
			   (num = option_uint(tok, "tx-slot", XENNET_TX_SLOT_MIN,
					      XENNET_TX_SLOT_MAX, &opt->tx_slot))) {
			if (num < 0)
				ret = -EINVAL;
		} else {
			pr_warn("netfront=: unknown word '%s' ignored\n", tok);
			ret = -EINVAL;
		}
	}
	return ret;
}

/*
 * Read an optional unsigned node.  Missing: *@present = false and 0.
 * Anything but decimal digits fitting 32 bits is refused with a log line
 * naming the device and the node.
 */
static int read_uint(xennet_read_fn read, void *ctx, const char *name,
		     const char *dir, const char *node, unsigned int *val,
		     bool *present)
{
	char buf[24];
	int n;

	*present = false;
	n = read(ctx, dir, node, buf, sizeof(buf));
	if (n == -ENOENT)
		return 0;
	if (n == -E2BIG) {
		pr_err("%s: refusing the device: %s/%s is too long for a number\n",
		       name, dir, node);
		return -EINVAL;
	}
	if (n < 0) {
		pr_err("%s: refusing the device: cannot read %s/%s (%d)\n",
		       name, dir, node, n);
		return n;
	}
	if (kstrtouint(buf, 10, val)) {
		pr_err("%s: refusing the device: %s/%s is '%s', not a number\n",
		       name, dir, node, buf);
		return -EINVAL;
	}
	*present = true;
	return 0;
}

static int read_flag(xennet_read_fn read, void *ctx, const char *name,
		     const char *dir, const char *node, bool *flag)
{
	unsigned int v = 0;
	bool present;
	int err = read_uint(read, ctx, name, dir, node, &v, &present);

	*flag = present && v;
	return err;
}

/**
 * xennet_read_config - read and validate a vif's xenstore configuration
 * @read: reads one node (xenbus_read() in real use)
 * @ctx: passed to @read
 * @name: the device's name, for the log
 * @nodename: our directory (device/vif/N): "mac", "trusted"
 * @otherend: the backend's directory (its feature-* nodes), or NULL to
 *	read only ours
 * @cfg: filled on success
 *
 * A device is refused (-EINVAL, with one log line saying why) when the
 * mac is missing or malformed, when a number is not a number, when the
 * backend offers no rx-copy (pvk never flips pages) or offers zero
 * queues.  Missing optional nodes take Xen's defaults: one queue, no
 * sg, no split event channels, checksum offload on, trusted.
 */
int xennet_read_config(xennet_read_fn read, void *ctx, const char *name,
		       const char *nodename, const char *otherend,
		       struct xennet_config *cfg)
{
	struct xennet_backend_features *be = &cfg->be;
	unsigned int v;
	bool present;
	char buf[32];
	int n, err;

	memset(cfg, 0, sizeof(*cfg));
	n = read(ctx, nodename, "mac", buf, sizeof(buf));
	if (n == -ENOENT) {
		pr_err("%s: refusing the device: no %s/mac\n", name, nodename);
		return -EINVAL;
	}
	if (n < 0 && n != -E2BIG) {
		pr_err("%s: refusing the device: cannot read %s/mac (%d)\n",
		       name, nodename, n);
		return n;
	}
	if (n < 0 || xennet_parse_mac(buf, cfg->mac)) {
		pr_err("%s: refusing the device: %s/mac is '%s', not a unicast MAC address\n",
		       name, nodename, n < 0 ? "(too long)" : buf);
		return -EINVAL;
	}
	err = read_uint(read, ctx, name, nodename, "trusted", &v, &present);
	if (err)
		return err;
	cfg->trusted = !present || v;
	if (!otherend)
		return 0;

	err = read_flag(read, ctx, name, otherend, "feature-rx-copy", &be->rx_copy);
	if (err)
		return err;
	if (!be->rx_copy) {
		pr_err("%s: refusing the device: backend %s offers no feature-rx-copy (pvk never flips pages)\n",
		       name, otherend);
		return -EINVAL;
	}
	err = read_flag(read, ctx, name, otherend, "feature-sg", &be->sg) ?:
	      read_flag(read, ctx, name, otherend, "feature-gso-tcpv4", &be->gso_tcpv4) ?:
	      read_flag(read, ctx, name, otherend, "feature-no-csum-offload",
			&be->no_csum_offload) ?:
	      read_flag(read, ctx, name, otherend, "feature-split-event-channels",
			&be->split_evtchn) ?:
	      read_uint(read, ctx, name, otherend, "multi-queue-max-queues", &v,
			&present);
	if (err)
		return err;
	if (present && !v) {
		pr_err("%s: refusing the device: backend %s/multi-queue-max-queues is 0\n",
		       name, otherend);
		return -EINVAL;
	}
	be->max_queues = present ? v : 1;
	be->mq_node = present;
	return 0;
}

/**
 * xennet_ip_nth - the @n-th address of ip=
 * @list: ip='s value, "A.B.C.D/N" or several of them comma-separated
 * @n: which one, from 0
 * @out: receives it, NUL-terminated
 * @len: size of @out
 *
 * Only splits the list: each address is checked by whoever configures
 * it (a bad one is then logged and its vif stays unconfigured).  An
 * empty entry counts as one.  Returns 0, -ENOENT when the list has no
 * @n-th entry (or @n >= XENNET_MAX_IPS), -E2BIG when it does not fit.
 */
int xennet_ip_nth(const char *list, unsigned int n, char *out, size_t len)
{
	const char *p = list, *end;
	size_t l;

	if (!list || !*list || n >= XENNET_MAX_IPS)
		return -ENOENT;
	while (n--) {
		p = strchr(p, ',');
		if (!p)
			return -ENOENT;
		p++;
	}
	end = strchr(p, ',');
	l = end ? (size_t)(end - p) : strlen(p);
	if (l >= len)
		return -E2BIG;
	memcpy(out, p, l);
	out[l] = '\0';
	return 0;
}
