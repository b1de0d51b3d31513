/* SPDX-License-Identifier: MIT */
/*
 * Kernel log.  pr_*() lines carry a level and a timestamp prefix and are
 * filtered by loglevel=; pr_raw() writes exactly what it is given (KTAP and
 * the machine-read boot and bench lines use it, so they start a line).
 */
#ifndef PVK_PRINTK_H
#define PVK_PRINTK_H

#include <stdarg.h>
#include <pvk/types.h>

#define LOGLEVEL_EMERG	0
#define LOGLEVEL_ALERT	1
#define LOGLEVEL_CRIT	2
#define LOGLEVEL_ERR	3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE	5
#define LOGLEVEL_INFO	6
#define LOGLEVEL_DEBUG	7

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t len);
	struct console *next;
};

void register_console(struct console *con);
void unregister_console(struct console *con);
void console_write(const char *s, size_t len);

__attribute__((format(printf, 2, 3)))
void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, va_list ap);
__attribute__((format(printf, 1, 2)))
void pr_raw(const char *fmt, ...);
/* Take the console lock away from a CPU that died holding it. */
void printk_bust_lock(void);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...) printk(LOGLEVEL_EMERG, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(LOGLEVEL_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(LOGLEVEL_WARNING, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(LOGLEVEL_NOTICE, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(LOGLEVEL_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(LOGLEVEL_DEBUG, pr_fmt(fmt), ##__VA_ARGS__)

#endif /* PVK_PRINTK_H */
