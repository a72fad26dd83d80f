/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: GENMASK_ULL, as the pure protocol code uses it. */
#ifndef SHIM_LINUX_BITS_H
#define SHIM_LINUX_BITS_H
#define GENMASK_ULL(h, l) \
	((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#endif
