// SPDX-License-Identifier: MIT
/*
 * printk: format, prefix with level filter and a timestamp, and hand the
 * line to every registered console under one lock so lines from several
 * CPUs never interleave.
 */
#include <pvk/kernel.h>
#include <pvk/params.h>
#include <pvk/ratelimit.h>
#include <pvk/spinlock.h>
#include <pvk/time.h>

static struct console *consoles;
static DEFINE_SPINLOCK(console_lock);
static int console_loglevel = CONFIG_LOGLEVEL;
param_int("loglevel", console_loglevel, 0, 7);

/**
 * register_console - add a console that receives every printed line
 * @con: console with a write method; must stay valid while registered
 */
void register_console(struct console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&console_lock, flags);
	con->next = consoles;
	consoles = con;
	spin_unlock_irqrestore(&console_lock, flags);
}

/**
 * unregister_console - stop sending lines to a console
 * @con: a console previously passed to register_console()
 */
void unregister_console(struct console *con)
{
	unsigned long flags;
	struct console **pp;

	spin_lock_irqsave(&console_lock, flags);
	for (pp = &consoles; *pp; pp = &(*pp)->next) {
		if (*pp == con) {
			*pp = con->next;
			break;
		}
	}
	spin_unlock_irqrestore(&console_lock, flags);
}

static void __console_write(const char *s, size_t len)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, len);
}

/**
 * console_write - write raw bytes to every console, atomically
 * @s: bytes
 * @len: how many
 */
void console_write(const char *s, size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&console_lock, flags);
	__console_write(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void printk_bust_lock(void)
{
	spin_lock_init(&console_lock);
}

/**
 * vprintk - print one log line at a level
 * @level: LOGLEVEL_*; lines above the console log level are dropped
 * @fmt: format (vsnprintf), normally ending in a newline
 * @ap: arguments
 */
void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;
	u64 ns;

	if (level > console_loglevel)
		return;
	ns = ktime_get_ns();
	n = snprintf(buf, sizeof(buf), "[%5llu.%06llu] ",
		     (unsigned long long)(ns / 1000000000ULL),
		     (unsigned long long)(ns / 1000ULL % 1000000ULL));
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, n);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

/**
 * pr_raw - print exactly the formatted text, whatever the log level
 * @fmt: format
 *
 * For output that programs parse (KTAP, the boot line, bench lines): no
 * prefix, never filtered.
 */
void pr_raw(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, n);
}

/**
 * __ratelimit - may this call site log one more line now?
 * @rs: the call site's state (printk_ratelimited() makes one per site)
 * @site: what the note about dropped lines names, usually the function
 *
 * Applies ratelimit_window_allow() at the current time.  When a new
 * interval starts after lines were dropped, first logs how many.  A CPU
 * that finds another one inside the same site drops its line rather than
 * spin: the site is being flooded anyway.
 *
 * Return: true if the caller may print its line.
 */
bool __ratelimit(struct ratelimit_state *rs, const char *site)
{
	unsigned long flags = arch_local_irq_save();
	unsigned int dropped;
	bool ok;

	if (!spin_trylock(&rs->lock)) {
		arch_local_irq_restore(flags);
		return false;
	}
	ok = ratelimit_window_allow(&rs->w, ktime_get_ns(), &dropped);
	spin_unlock_irqrestore(&rs->lock, flags);
	if (dropped)
		pr_warn("%s: %u log lines suppressed\n", site, dropped);
	return ok;
}
