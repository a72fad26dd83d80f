/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sercam - serial cameras as V4L2 devices: what user space sees beyond the
 * standard V4L2 API
 *
 * Metadata formats of the camera families that send no pictures, and the
 * private controls where no standard one fits. Out of tree the fourccs and
 * the control base are the project's own; merged, they would move to
 * videodev2.h and v4l2-controls.h.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _UAPI_LINUX_SERCAM_H
#define _UAPI_LINUX_SERCAM_H

#include <linux/types.h>
#include <linux/videodev2.h>

/*
 * V4L2_META_FMT_SERCAM_PIXY - the objects a Pixy (CMUcam5) detected in one
 * of its frames: a &struct sercam_pixy_header, then header.count records of
 * &struct sercam_pixy_block, largest object first (the camera's order).
 * All fields little-endian. The buffer's bytesused is 8 + 16 * count.
 */
#define V4L2_META_FMT_SERCAM_PIXY	v4l2_fourcc('S', 'C', 'P', 'X')

/* Most blocks a buffer holds: header and blocks fit in 4096 bytes. */
#define SERCAM_PIXY_MAX_BLOCKS		255

/*
 * header.flags: BAD_BLOCKS, blocks failed their checksum and are left out
 * (header.dropped of them); BROKEN, the frame broke off (bytes lost, a
 * byte slipped, the line went silent) and blocks after the break are
 * missing; TRUNCATED, the camera sent more than SERCAM_PIXY_MAX_BLOCKS
 * blocks and the rest (the smallest) are left out.
 */
#define SERCAM_PIXY_FL_BAD_BLOCKS	0x0001
#define SERCAM_PIXY_FL_BROKEN		0x0002
#define SERCAM_PIXY_FL_TRUNCATED	0x0004

/**
 * struct sercam_pixy_header - the start of a V4L2_META_FMT_SERCAM_PIXY buffer
 * @count: blocks that follow
 * @flags: SERCAM_PIXY_FL_*; any flag set also sets V4L2_BUF_FLAG_ERROR
 *	on the buffer (the blocks in it are still good ones)
 * @dropped: blocks left out for a wrong checksum
 * @reserved: zero
 */
struct sercam_pixy_header {
	__le16 count;
	__le16 flags;
	__le16 dropped;
	__le16 reserved;
};

/* block.flags */
/* a colour-code block: @angle is meaningful */
#define SERCAM_PIXY_BLOCK_CC		0x0001

/**
 * struct sercam_pixy_block - one detected object
 * @signature: the colour signature, 1..7; for a colour code the code's
 *	digits (octal, each 1..7)
 * @x: centre, 0..319 (pixels of Pixy's 320x200 frame)
 * @y: centre, 0..199
 * @width: 1..320
 * @height: 1..200
 * @angle: colour codes: the angle in degrees, -180..180 (signed); 0 else
 * @flags: SERCAM_PIXY_BLOCK_*
 * @reserved: zero
 */
struct sercam_pixy_block {
	__le16 signature;
	__le16 x;
	__le16 y;
	__le16 width;
	__le16 height;
	__le16 angle;
	__le16 flags;
	__le16 reserved;
};

/*
 * Private controls. The base, out of tree, is the project's: a block of 16
 * right after the last one v4l2-controls.h of Linux 6.12 allocates
 * (THP7312's 32 from 0x11c0).
 */
#define V4L2_CID_USER_SERCAM_BASE	(V4L2_CID_USER_BASE + 0x11e0)
/*
 * The Pixy's RGB LED, 0xRRGGBB. No standard control sets an indicator
 * LED's colour (V4L2_CID_COLORFX_RGB is an image effect).
 */
#define V4L2_CID_SERCAM_LED_RGB		(V4L2_CID_USER_SERCAM_BASE + 0)
/*
 * The VC0706's composite video output (its "TV out" pins), on or off. No
 * standard control switches an analogue video output of a capture device.
 */
#define V4L2_CID_SERCAM_TV_OUT		(V4L2_CID_USER_SERCAM_BASE + 1)

#endif /* _UAPI_LINUX_SERCAM_H */
