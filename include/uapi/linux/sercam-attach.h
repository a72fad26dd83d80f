/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sercam - serial cameras as V4L2 devices: a camera on any tty
 *
 * A camera on a USB-serial adapter (ttyUSB*, ttyACM*) or any other tty that
 * no devicetree describes is attached from user space (sercam-attach(8)):
 *
 *   1. open the tty;
 *   2. ioctl(fd, TIOCSETD, &ldisc) with ldisc = N_SERCAM;
 *   3. ioctl(fd, SERCAM_IOC_ATTACH, &attach): the family and the
 *      properties a devicetree node would have had; the kernel builds a
 *      software node from them and probes the cameras as it does for a
 *      devicetree node, and the video nodes appear;
 *   4. keep the tty open. Setting another line discipline (N_TTY), closing
 *      the last file handle of the tty or a hangup (the adapter unplugged)
 *      removes the video nodes; applications that hold them open get
 *      ENODEV.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _UAPI_LINUX_SERCAM_ATTACH_H
#define _UAPI_LINUX_SERCAM_ATTACH_H

#include <linux/ioctl.h>
#include <linux/tty.h>
#include <linux/types.h>

/*
 * The line discipline. Out of tree sercam has no number of its own: it
 * takes N_DEVELOPMENT, which the kernel reserves for out-of-tree and
 * development line disciplines. If another module took it first, sercam
 * says so in the kernel log and attaching fails (ENOTTY from
 * SERCAM_IOC_ATTACH: the ioctl reaches the other discipline).
 */
#define N_SERCAM			N_DEVELOPMENT

#define SERCAM_ATTACH_NAME_LEN		32
/* The properties: at most this many bytes, this many entries. */
#define SERCAM_ATTACH_PROPS_MAX		4096
#define SERCAM_ATTACH_ENTRIES_MAX	64

/**
 * struct sercam_attach - the argument of SERCAM_IOC_ATTACH
 * @size: in: sizeof(struct sercam_attach) as the caller knows it; the
 *	structure's version. A larger size is accepted when the bytes the
 *	kernel does not know are zero (E2BIG else).
 * @flags: in: 0 (none defined yet; EINVAL else)
 * @props: in: user pointer to the properties: entries
 *	"[node/]name[=value]", each ended by a NUL byte. Without "node/" the
 *	property is the bus node's (the node a devicetree would give the
 *	UART's child); "camera@2/reg=2" makes a child node camera@2 (one per
 *	camera of an RS-485 bus, in the order given). Values are what the
 *	family's binding says: numbers (decimal, 0x hex) for u32 properties,
 *	separated by commas or spaces for arrays; text for strings; nothing,
 *	"true" or "false" for flags. The name "address" stands for the
 *	family's address property (sxh,address, ovti,address, ...). Unknown
 *	names and values of the wrong kind are refused (EINVAL).
 * @props_len: in: bytes at @props, at most %SERCAM_ATTACH_PROPS_MAX
 * @num_cams: out: cameras (video nodes) created
 * @family: in: the camera family's short name, NUL-terminated: sxh485,
 *	stream, ov528, openmv, vc0706, pixy, ... (its module,
 *	sercam-<family>, is loaded if need be; ENOENT when there is none)
 * @device: out: the name of the device the cameras hang from; its video
 *	nodes are /sys/bus/platform/devices/<device>/video4linux/video*
 *
 * Errors: EBUSY, the tty is attached already; ENOENT, no such family;
 * EINVAL, a property the family or the common parser refuses (the kernel
 * log says which); ENODEV, the tty was hung up.
 */
struct sercam_attach {
	__u32 size;
	__u32 flags;
	__u64 props;
	__u32 props_len;
	__u32 num_cams;
	char family[SERCAM_ATTACH_NAME_LEN];
	char device[SERCAM_ATTACH_NAME_LEN];
};

#define SERCAM_IOC_MAGIC		0xb9
#define SERCAM_IOC_ATTACH		_IOWR(SERCAM_IOC_MAGIC, 0x01, \
					      struct sercam_attach)

#endif /* _UAPI_LINUX_SERCAM_ATTACH_H */
