/* SPDX-License-Identifier: MIT */
/*
 * IS_ENABLED(CONFIG_X) evaluates to 1 or 0 in plain C, so code for both
 * settings of an option is always compiled and type-checked.
 */
#ifndef PVK_KCONFIG_H
#define PVK_KCONFIG_H

#include <generated/autoconf.h>

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(ignored, val, ...) val
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x) ___is_defined(x)

#define IS_ENABLED(option) __is_defined(option)

#endif /* PVK_KCONFIG_H */
