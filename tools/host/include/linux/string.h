/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: memcpy and friends, plus strscpy. */
#ifndef SHIM_LINUX_STRING_H
#define SHIM_LINUX_STRING_H
#include <string.h>
#include <stdio.h>
#define strscpy(dst, src, size) snprintf((dst), (size), "%s", (src))
#endif
