/* SPDX-License-Identifier: MIT */
/* Loading programs into a process (fs/binfmt_elf.c). */
#ifndef PVK_BINFMTS_H
#define PVK_BINFMTS_H

struct process;

/* Load @p->path from the initramfs; 0 or -ENOENT/-ENOEXEC/-ENOMEM. */
int exec_initramfs(struct process *p, unsigned long *entry, unsigned long *sp);

#endif
