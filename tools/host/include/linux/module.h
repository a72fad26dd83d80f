/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: module macros are no-ops on the host. */
#ifndef SHIM_LINUX_MODULE_H
#define SHIM_LINUX_MODULE_H
#include <linux/export.h>
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#endif
