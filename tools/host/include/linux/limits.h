/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: the system's uapi limits plus ULONG_MAX and friends. */
#include_next <linux/limits.h>
#include <limits.h>
