/* SPDX-License-Identifier: MIT */
/*
 * Copies between the kernel and the running process's memory.  A range
 * outside the user half, or one that faults, gives -EFAULT: a bad user
 * pointer never crashes the kernel.
 */
#ifndef PVK_UACCESS_H
#define PVK_UACCESS_H

#include <pvk/types.h>
#include <pvk/errno.h>

/* First address above user space (the lower canonical half, less a page). */
#define TASK_SIZE	0x00007ffffffff000UL

static inline bool access_ok(unsigned long addr, size_t len)
{
	return addr <= TASK_SIZE && len <= TASK_SIZE - addr;
}

/* Bytes not copied (0 on success); faults stop the copy (arch code). */
size_t raw_copy_user(void *to, const void *from, size_t n);

static inline int copy_to_user(void *to, const void *from, size_t n)
{
	if (!access_ok((unsigned long)to, n) || raw_copy_user(to, from, n))
		return -EFAULT;
	return 0;
}

static inline int copy_from_user(void *to, const void *from, size_t n)
{
	if (!access_ok((unsigned long)from, n) || raw_copy_user(to, from, n))
		return -EFAULT;
	return 0;
}

#endif
