/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - the VC0706 serial JPEG camera protocol, pure code
 *
 * Commands `56 sn cmd len data` and replies `76 sn cmd status len data`
 * of shared/protocols/vc0706.md, big-endian values, no checksum anywhere:
 * a reply is checked by its prefix, serial number, command echo, status
 * and length, and a frame-buffer read by the wrapper before and after
 * its data. No I/O and no driver state: built into the family's module,
 * its KUnit suite and the host tests alike.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _VC0706_PROTO_H
#define _VC0706_PROTO_H

#include <linux/types.h>

#define VC_CMD_START		0x56
#define VC_REPLY_START		0x76
#define VC_HDR_LEN		5
/* the longest reply data kept (get version's text) */
#define VC_DATA_MAX		32
/* a read's address and length are multiples of this (LinkSprite: 8) */
#define VC_ALIGN		8
#define VC_READ_REQ_LEN		16

enum vc_cmd {
	VC_GET_VERSION = 0x11,
	VC_SET_PORT = 0x24,
	VC_RESET = 0x26,
	VC_WRITE_DATA = 0x31,
	VC_READ_FBUF = 0x32,
	VC_GET_FBUF_LEN = 0x34,
	VC_FBUF_CTRL = 0x36,
	VC_MOTION_CTRL = 0x37,
	VC_MOTION = 0x39,
	VC_COMM_MOTION = 0x42,
	VC_TV_OUT = 0x44,
};

/* frame buffer control */
#define VC_FBUF_FREEZE		0x00
#define VC_FBUF_RESUME		0x03

/* the image size codes of write data 04 01 00 19 */
#define VC_SIZE_640		0x00
#define VC_SIZE_320		0x11
#define VC_SIZE_160		0x22

/* the compression ratio: 0x36 best .. 0x8f smallest */
#define VC_RATIO_BEST		0x36
#define VC_RATIO_WORST		0x8f

/**
 * struct vc_rx - the parser of one reply
 * @sn: the camera's serial number, awaited in the reply
 * @cmd: the command the reply answers
 * @dst: a frame-buffer read: where its data goes; NULL for other replies
 * @dlen: the read's length
 * @status: the reply's status (valid once the header is in)
 * @len: the reply's data length (not of a read)
 * @data: the reply's data (not of a read), up to %VC_DATA_MAX bytes
 * @seen: bytes fed since vc_rx_start()
 * @skipped: bytes skipped before the reply started (counter)
 * @motion: unasked motion reports met (counter)
 * @state: where the parser is, its own
 * @at: bytes of the current part held, its own
 * @hdr: the header or trailer being read, its own
 */
struct vc_rx {
	u8 sn;
	u8 cmd;
	u8 *dst;
	u32 dlen;
	u8 status;
	u8 len;
	u8 data[VC_DATA_MAX];
	u32 seen;
	u32 skipped;
	u32 motion;
	int state;
	u32 at;
	u8 hdr[VC_HDR_LEN];
};

size_t vc_encode(u8 *out, u8 sn, u8 cmd, const u8 *data, u8 len);
size_t vc_read_req(u8 *out, u8 sn, u32 addr, u32 len, u16 delay);
int vc_baud_code(u32 baud, u8 code[2]);
u8 vc_quality_ratio(unsigned int quality);
void vc_rx_start(struct vc_rx *r, u8 sn, u8 cmd, u8 *dst, u32 dlen);
int vc_rx_feed(struct vc_rx *r, const u8 *buf, size_t len, size_t *used);
unsigned int vc_motion_feed(u64 *win, u8 sn, const u8 *buf, size_t len);
bool vc_motion_rest(u64 *win, u8 sn, const u8 *buf, size_t len,
		    size_t *used);

#endif /* _VC0706_PROTO_H */
