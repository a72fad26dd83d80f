/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: integer square roots (lib/math/int_sqrt.c on a 64-bit host). */
#ifndef SHIM_LINUX_MATH_H
#define SHIM_LINUX_MATH_H
#include <linux/types.h>
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
unsigned long int_sqrt(unsigned long x);
static inline u32 int_sqrt64(u64 x)
{
	return (u32)int_sqrt(x);
}
#endif
