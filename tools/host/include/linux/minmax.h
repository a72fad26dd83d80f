/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: the min/max helpers of linux/minmax.h the pure code uses. */
#ifndef SHIM_LINUX_MINMAX_H
#define SHIM_LINUX_MINMAX_H
#include <linux/kernel.h>
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#endif
