// SPDX-License-Identifier: MIT
/*
 * The toolstack's control node: `xl shutdown`, `xl reboot` and
 * `xl sysrq` write control/shutdown and control/sysrq in our xenstore
 * home; pvk advertises what it obeys in control/feature-*.
 *
 * control/shutdown: "poweroff", "halt" and "reboot" are acknowledged by
 * writing "" back (as Linux does, in the transaction that read them) and
 * handed to kernel_request_shutdown(), which wakes the serving init
 * thread.  "suspend" is acknowledged the same way and handed to the
 * platform's xen_suspend() (save, migration) when the platform can
 * suspend, which is also when control/feature-suspend is advertised.
 * Any other value (and "suspend" where it cannot) is logged and left in
 * place: Linux acknowledges only what it is prepared to handle, so the
 * toolstack sees the request was not taken.
 *
 * control/sysrq: any value is cleared; 't' logs every CPU's threads
 * (sched_show_tasks()), other keys are logged as not supported.
 *
 * The values are the toolstack's and untrusted: bounded reads, and
 * logged only in printable form.
 */
#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/sched.h>
#include <xen/manage.h>
#include <xen/xenbus.h>
#include "manage-internal.h"

#define TRANSACTION_RETRIES	10

/*
 * Read control/@node and, if @clear says so for the value read, write
 * "" back, both in one transaction.  Returns the value's length or a
 * negative errno (the value is then unusable).
 */
static int read_and_ack(const char *node, char *val, size_t len,
			bool (*clear)(const char *val))
{
	struct xenbus_transaction t;
	int err = -EAGAIN, n = 0;

	for (unsigned int i = 0; i < TRANSACTION_RETRIES && err == -EAGAIN; i++) {
		err = xenbus_transaction_start(&t);
		if (err)
			return err;
		n = xenbus_read(t, "control", node, val, len);
		if (n < 0) {
			xenbus_transaction_end(t, true);
			return n;
		}
		if (clear(val)) {
			err = xenbus_write(t, "control", node, "");
			if (err) {
				xenbus_transaction_end(t, true);
				return err;
			}
		}
		err = xenbus_transaction_end(t, false);
	}
	return err ? err : n;
}

static void advertise(const char *feature)
{
	int err = xenbus_write(XBT_NIL, "control", feature, "1");

	if (err)
		pr_warn("xen: writing control/%s failed: %d\n", feature, err);
}

/* What the toolstack may ask for; again after a restore (a new home). */
static void advertise_features(void)
{
	advertise("feature-poweroff");
	advertise("feature-reboot");
	if (xen_suspend_possible())
		advertise("feature-suspend");
}

static bool shutdown_ack(const char *val)
{
	enum shutdown_kind kind;
	int err = xen_manage_parse_shutdown(val, &kind);

	if (err == -EOPNOTSUPP)
		return xen_suspend_possible();
	return !err && kind != SHUTDOWN_KIND_NONE;
}

static bool sysrq_ack(const char *val)
{
	return val[0] != '\0';
}

static void shutdown_changed(struct xenbus_watch *watch, const char *path,
			     const char *token)
{
	char val[XEN_MANAGE_VALUE_MAX];
	enum shutdown_kind kind;
	int err;

	err = read_and_ack("shutdown", val, sizeof(val), shutdown_ack);
	if (err == -ENOENT)
		return;
	if (err < 0) {
		pr_warn("xen: control/shutdown unreadable (%d), ignored\n", err);
		return;
	}
	err = xen_manage_parse_shutdown(val, &kind);
	if (err == -EOPNOTSUPP && xen_suspend_possible()) {
		err = xen_suspend();
		if (err)
			pr_err("xen: suspend refused: %d\n", err);
		else
			advertise_features();
		return;
	}
	if (err) {
		xen_manage_printable(val);
		pr_warn("xen: control/shutdown '%s' ignored: %s\n", val,
			err == -EOPNOTSUPP ? "suspend is not supported" :
			"not a request pvk knows");
		return;
	}
	if (kind != SHUTDOWN_KIND_NONE)
		kernel_request_shutdown(kind, "xenstore control/shutdown");
}

static void sysrq_changed(struct xenbus_watch *watch, const char *path,
			  const char *token)
{
	char val[XEN_MANAGE_VALUE_MAX];
	char key;
	int err;

	err = read_and_ack("sysrq", val, sizeof(val), sysrq_ack);
	if (err == -ENOENT)
		return;
	if (err < 0) {
		pr_warn("xen: control/sysrq unreadable (%d), ignored\n", err);
		return;
	}
	if (xen_manage_parse_sysrq(val, &key)) {
		xen_manage_printable(val);
		pr_warn("xen: control/sysrq '%s' ignored: not one key\n", val);
		return;
	}
	if (key == 't') {
		pr_raw("pvk: sysrq t: threads of every CPU\n");
		sched_show_tasks();
	} else if (key) {
		pr_warn("xen: sysrq '%c' not supported (only 't'), ignored\n", key);
	}
}

static struct xenbus_watch shutdown_watch = {
	.node = "control/shutdown",
	.callback = shutdown_changed,
};

static struct xenbus_watch sysrq_watch = {
	.node = "control/sysrq",
	.callback = sysrq_changed,
};


/**
 * xen_manage_init - obey the toolstack's control node
 *
 * Called by the Xen platform once xenstore is up (a domU's).  Writes
 * control/feature-poweroff and feature-reboot (and feature-suspend where
 * the platform can suspend), then watches
 * control/shutdown and control/sysrq.  Returns 0 or the first watch's
 * error (logged).
 */
int xen_manage_init(void)
{
	int err;

	if (!xenbus_available())
		return -ENODEV;
	advertise_features();
	err = register_xenbus_watch(&shutdown_watch);
	if (err) {
		pr_err("xen: cannot watch control/shutdown: %d\n", err);
		return err;
	}
	err = register_xenbus_watch(&sysrq_watch);
	if (err)
		pr_err("xen: cannot watch control/sysrq: %d\n", err);
	pr_info("xen: control node watched (poweroff, reboot, halt, %ssysrq)\n",
		xen_suspend_possible() ? "suspend, " : "");
	return err;
}
