/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: the bit helpers lib/math/int_sqrt.c uses. */
#ifndef SHIM_LINUX_BITOPS_H
#define SHIM_LINUX_BITOPS_H
#include <linux/types.h>
static inline unsigned long __fls(unsigned long x)
{
	return 8 * sizeof(long) - 1 - __builtin_clzl(x);
}
#endif
