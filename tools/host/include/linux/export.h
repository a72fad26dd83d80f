/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: no module symbol table on the host. */
#ifndef SHIM_LINUX_EXPORT_H
#define SHIM_LINUX_EXPORT_H
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#endif
