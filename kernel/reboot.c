// SPDX-License-Identifier: MIT
/*
 * Serve mode and orderly shutdown.
 *
 * After its self-tests (if any) a serving kernel keeps running: it
 * answers UDP echo on port 7 (ICMP echo is the stack's own), keeps its
 * devices, and sleeps in the init thread until someone asks it to stop.
 * Requests come from wherever the platform takes them (Xen: the
 * toolstack's control/shutdown node, drivers/xen/manage.c) through
 * kernel_request_shutdown(), which only records the request and wakes
 * the init thread: closing devices may sleep and must not run in the
 * caller's context (a xenstore watch callback, say).  The init thread
 * then closes the platform's devices and powers off, restarts or halts.
 *
 * A self-test observes requests with kernel_shutdown_observe(): while an
 * observer is set, requests go to it instead and nothing is acted upon.
 */
#include <pvk/kernel.h>
#include <pvk/bench.h>
#include <pvk/net.h>
#include <pvk/params.h>
#include <pvk/power.h>
#include <pvk/sched.h>
#include <pvk/selftest.h>
#include <pvk/serve.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

#define ECHO_PORT	7
/* The serving thread waits for a request; this only bounds each wait. */
#define SERVE_WAIT_NS	(3600ULL * NSEC_PER_SEC)

static bool serve;
param_bool("serve", serve);

extern const struct serve_service *const __serve_services_start[];
extern const struct serve_service *const __serve_services_end[];

static DEFINE_SPINLOCK(request_lock);
static enum shutdown_kind pending;
static shutdown_observer_fn observer;
static struct thread *serving_thread;

static const char *const kind_names[] = {
	[SHUTDOWN_KIND_NONE] = "none",
	[SHUTDOWN_KIND_POWEROFF] = "poweroff",
	[SHUTDOWN_KIND_REBOOT] = "reboot",
	[SHUTDOWN_KIND_HALT] = "halt",
};

/**
 * shutdown_kind_name - the name of a shutdown kind, for logs
 * @kind: the kind; out of range gives "?"
 */
const char *shutdown_kind_name(enum shutdown_kind kind)
{
	return (unsigned int)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

/**
 * kernel_request_shutdown - ask the serving kernel to power off, reboot or halt
 * @kind: what to do
 * @why: who asked, for the log ("xenstore control/shutdown")
 *
 * Logs the request and wakes the init thread, which acts on it once it
 * serves (a request during the self-tests waits for them).  Callable from
 * any thread; it does not sleep.  The first request wins: later ones are
 * logged and dropped.  While a self-test observes requests
 * (kernel_shutdown_observe()), the request goes to the observer only.
 */
void kernel_request_shutdown(enum shutdown_kind kind, const char *why)
{
	shutdown_observer_fn fn;
	unsigned long flags;
	bool first = false;

	if (kind == SHUTDOWN_KIND_NONE || (unsigned int)kind >= ARRAY_SIZE(kind_names))
		return;
	spin_lock_irqsave(&request_lock, flags);
	fn = observer;
	if (!fn && pending == SHUTDOWN_KIND_NONE) {
		pending = kind;
		first = true;
	}
	spin_unlock_irqrestore(&request_lock, flags);
	if (fn) {
		fn(kind, why);
		return;
	}
	if (!first) {
		pr_raw("pvk: shutdown request %s (from %s) ignored: %s already requested\n",
		       shutdown_kind_name(kind), why, shutdown_kind_name(READ_ONCE(pending)));
		return;
	}
	pr_raw("pvk: shutdown requested: %s (from %s)\n",
	       shutdown_kind_name(kind), why);
	kthread_wake(READ_ONCE(serving_thread));
}

/**
 * kernel_shutdown_observe - route shutdown requests to a self-test
 * @fn: the observer, or NULL to go back to acting on requests
 *
 * For self-tests of the code that makes requests: with an observer set,
 * kernel_request_shutdown() calls it (from the requester's context) and
 * nothing is recorded or acted upon.
 */
void kernel_shutdown_observe(shutdown_observer_fn fn)
{
	unsigned long flags;

	spin_lock_irqsave(&request_lock, flags);
	observer = fn;
	spin_unlock_irqrestore(&request_lock, flags);
}

static enum shutdown_kind pending_request(void)
{
	enum shutdown_kind kind;
	unsigned long flags;

	spin_lock_irqsave(&request_lock, flags);
	kind = pending;
	spin_unlock_irqrestore(&request_lock, flags);
	return kind;
}

/**
 * kernel_serve_requested - whether the init thread goes to kernel_serve()
 *
 * With "serve" on the command line, or when it was asked for neither
 * self-tests (selftest=none) nor benchmarks (bench=1); or when a
 * shutdown request came during the self-tests, so that it is obeyed
 * (a reboot is not turned into the power-off that would end the run).
 */
bool kernel_serve_requested(void)
{
	bool tests = IS_ENABLED(CONFIG_SELFTEST) && selftest_requested();
	bool bench = IS_ENABLED(CONFIG_BENCH) && bench_requested;

	return serve || (!tests && !bench) || pending_request() != SHUTDOWN_KIND_NONE;
}

/* UDP echo on port 7 is one of the services, registered as the drivers' are. */
static int echo_start(void)
{
	return udp_echo_start(ECHO_PORT);
}
SERVE_SERVICE(udp_echo, echo_start, udp_echo_stop);

/* Every service (SERVE_SERVICE()); one that fails is logged. */
static void services_start(void)
{
	for (const struct serve_service *const *s = __serve_services_start;
	     s < __serve_services_end; s++) {
		int err = (*s)->start();

		if (err)
			pr_err("pvk: service %s not started: %d\n", (*s)->name, err);
	}
}

static void services_stop(void)
{
	for (const struct serve_service *const *s = __serve_services_start;
	     s < __serve_services_end; s++)
		(*s)->stop();
}

/* Close the devices, then do what was asked. */
static __noreturn void kernel_shutdown(enum shutdown_kind kind)
{
	pr_raw("pvk: %s: closing devices\n", shutdown_kind_name(kind));
	services_stop();
	machine_shutdown_devices();
	pr_raw("pvk: %s now\n", shutdown_kind_name(kind));
	if (kind == SHUTDOWN_KIND_REBOOT)
		machine_restart();
	/* A halted domain or machine is of no more use than one powered off. */
	machine_power_off(true);
}

/**
 * kernel_serve - serve until a shutdown request, then act on it
 * @selftests_ok: the self-tests' verdict (true when none ran)
 *
 * Runs in the init thread.  Unless a request is already pending, starts
 * every service (SERVE_SERVICE(): UDP echo, the drivers'), prints
 * "pvk: serving" and sleeps until kernel_request_shutdown() wakes it.
 */
__noreturn void kernel_serve(bool selftests_ok)
{
	enum shutdown_kind kind;

	WRITE_ONCE(serving_thread, kthread_self());
	kind = pending_request();
	if (kind != SHUTDOWN_KIND_NONE)
		kernel_shutdown(kind);
	services_start();
	pr_raw("pvk: serving%s\n", selftests_ok ? "" : " (self-tests failed)");
	while ((kind = pending_request()) == SHUTDOWN_KIND_NONE)
		kthread_wait_ns(SERVE_WAIT_NS);
	kernel_shutdown(kind);
}
