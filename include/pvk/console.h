/* SPDX-License-Identifier: MIT */
/* Console drivers (struct console lives in pvk/printk.h). */
#ifndef PVK_CONSOLE_H
#define PVK_CONSOLE_H

#include <pvk/printk.h>

void serial8250_early_init(void);

#endif
