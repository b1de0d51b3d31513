/* SPDX-License-Identifier: MIT */
/* wait4(2)'s arguments (kernel/wait.c, pure). */
#ifndef PVK_WAIT_H
#define PVK_WAIT_H

#include <pvk/types.h>

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WCONTINUED	0x00000008
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000

bool wait_pid_matches(int pid, int child_pid);
int wait_options_check(int options);

#endif
