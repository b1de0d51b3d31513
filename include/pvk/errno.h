/* SPDX-License-Identifier: MIT */
/*
 * Kernel error numbers (Linux values), returned negated as in Linux.
 */
#ifndef PVK_ERRNO_H
#define PVK_ERRNO_H

#define EPERM 1
#define EINTR 4
#define ENOENT 2
#define ESRCH 3
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EISDIR 21
#define ENOTDIR 20
#define EINVAL 22
#define EMFILE 24
#define ENOTTY 25
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define EPROTO 71
#define EBADMSG 74
#define EOPNOTSUPP 95
#define EADDRNOTAVAIL 99
#define EISCONN 106
#define ENOTCONN 107
#define ENAMETOOLONG 36
#define ETIMEDOUT 110

#endif /* PVK_ERRNO_H */
