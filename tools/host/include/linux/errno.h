/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: errno values, from the system's uapi header this one hides. */
#include_next <linux/errno.h>
