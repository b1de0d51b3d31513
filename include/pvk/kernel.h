/* SPDX-License-Identifier: MIT */
/* Things almost every file needs: logging, panic, assertions. */
#ifndef PVK_KERNEL_H
#define PVK_KERNEL_H

#include <pvk/types.h>
#include <pvk/errno.h>
#include <pvk/printk.h>
#include <pvk/string.h>
#include <pvk/vsprintf.h>

__attribute__((format(printf, 1, 2))) __noreturn
void panic(const char *fmt, ...);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond) do { if (unlikely(cond)) BUG(); } while (0)
#define WARN_ON(cond) ({						\
	bool __w = !!(cond);						\
	if (unlikely(__w))						\
		pr_warn("WARNING at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	__w;								\
})

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#endif /* PVK_KERNEL_H */
