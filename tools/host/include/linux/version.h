/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: the host build follows the newest kernel API (6.12). */
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE KERNEL_VERSION(6, 12, 0)
