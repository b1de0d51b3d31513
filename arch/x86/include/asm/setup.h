/* SPDX-License-Identifier: MIT */
/* Boot-time set-up steps of the x86 architecture code. */
#ifndef _ASM_X86_SETUP_H
#define _ASM_X86_SETUP_H

#include <pvk/bootinfo.h>

void early_percpu_init(void);
const struct boot_record *native_boot_record(void);

#endif
