// SPDX-License-Identifier: MIT
/*
 * The channel echo service of serve mode: every byte that arrives on
 * the secondary console named XENCONS_ECHO_NAME (an xl `channel` with
 * name=org.pvk.echo) is sent back on it.  dom0's side of the save and
 * restore jobs talks to it before and after `xl restore`, to see the
 * channel reconnect to the restored domain's backend.
 *
 * Started by the serving kernel through SERVE_SERVICE() only when the
 * domain has such a channel (the xenbus scan that finds it ends before
 * serving starts); a domain without one gets no thread.  The thread
 * waits in xencons_read(), whose waits are bounded, so it notices a
 * stop request within ECHO_WAIT_MS; while the channel reconnects (a
 * restore) its calls fail with -ETIMEDOUT and it simply waits again.
 */
#define pr_fmt(fmt) "console-front: " fmt

#include <pvk/kernel.h>
#include <pvk/sched.h>
#include <pvk/serve.h>
#include <asm/processor.h>
#include <xen/console-front.h>

#define XENCONS_ECHO_NAME	"org.pvk.echo"
#define ECHO_WAIT_MS		1000	/* a stop request waits at most this */
#define ECHO_WRITE_MS		5000	/* the other end may read slowly */
#define ECHO_BROKEN_MS		1000	/* a broken ring: look again later */

static struct xencons_channel *echo_ch;
static struct thread *echo_thread;
static bool echo_stop_req;
static unsigned long long echo_bytes;

/* Send back all of @buf; false if the channel refused or stayed full. */
static bool echo_back(const char *buf, long n)
{
	long done = 0;

	while (done < n) {
		long w = xencons_write(echo_ch, buf + done, (size_t)(n - done),
				       ECHO_WRITE_MS);

		if (w <= 0) {
			pr_warn("%s: %ld bytes not echoed (%ld)\n", XENCONS_ECHO_NAME,
				n - done, w);
			return false;
		}
		done += w;
	}
	return true;
}

static int echo_fn(void *unused)
{
	char buf[256];
	bool said_broken = false;

	while (!READ_ONCE(echo_stop_req)) {
		long n = xencons_read(echo_ch, buf, sizeof(buf), ECHO_WAIT_MS);

		if (n == -ENODEV)
			break;
		if (n == -EIO) {
			if (!said_broken)
				pr_err("%s: channel broken; echo waits for a reconnect\n",
				       XENCONS_ECHO_NAME);
			said_broken = true;
			msleep(ECHO_BROKEN_MS);
			continue;
		}
		if (n <= 0)
			continue;
		said_broken = false;
		if (echo_back(buf, n))
			WRITE_ONCE(echo_bytes, echo_bytes + (unsigned long long)n);
	}
	return 0;
}

static int xencons_echo_start(void)
{
	echo_ch = xencons_get(XENCONS_ECHO_NAME);
	if (!echo_ch)
		return 0;
	WRITE_ONCE(echo_stop_req, false);
	echo_thread = kthread_run(echo_fn, NULL, "xencons-echo", 0);
	if (!echo_thread) {
		xencons_put(echo_ch);
		echo_ch = NULL;
		return -ENOMEM;
	}
	pr_info("%s: echoing what arrives\n", XENCONS_ECHO_NAME);
	return 0;
}

static void xencons_echo_stop(void)
{
	if (!echo_thread)
		return;
	WRITE_ONCE(echo_stop_req, true);
	kthread_join(echo_thread);
	echo_thread = NULL;
	pr_info("%s: stopped; %llu bytes echoed\n", XENCONS_ECHO_NAME,
		READ_ONCE(echo_bytes));
	xencons_put(echo_ch);
	echo_ch = NULL;
}

SERVE_SERVICE(xencons_echo, xencons_echo_start, xencons_echo_stop);
