/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - the OpenMV Protocol (firmware 5.0.0 and later), pure code
 *
 * Packets of shared/protocols/openmv-protocol.md: a 10-byte header
 * (AA D5, sequence, channel, flags, opcode, payload length, CRC-16 over
 * the eight bytes before it), the payload and its CRC-32. Both CRCs are
 * MSB first with no reflection and no final XOR, polynomials none of the
 * kernel's CRC helpers use. No I/O and no driver state: built into the
 * family's module, its KUnit suite and the host tests alike.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _OPENMV_PROTO_H
#define _OPENMV_PROTO_H

#include <linux/types.h>

#define OMV_HDR_LEN		10
#define OMV_DCRC_LEN		4
/* the sync word 0xD5AA, little-endian on the wire */
#define OMV_SYNC0		0xaa
#define OMV_SYNC1		0xd5
/* payload limits: the firmware's least, and the largest board's */
#define OMV_PAYLOAD_MIN		50
#define OMV_PAYLOAD_MAX		8178
/* replies the parser keeps itself (CHANNEL_LIST: 32 entries of 16) */
#define OMV_SMALL_MAX		512

/* FLAGS */
#define OMV_F_ACK		0x01
#define OMV_F_NAK		0x02
#define OMV_F_RTX		0x04
#define OMV_F_ACK_REQ		0x08
#define OMV_F_FRAGMENT		0x10
#define OMV_F_EVENT		0x20

enum omv_op {
	OMV_PROTO_SYNC = 0x00,
	OMV_GET_CAPS = 0x01,
	OMV_SET_CAPS = 0x02,
	OMV_PROTO_VERSION = 0x04,
	OMV_SYS_INFO = 0x12,
	OMV_SYS_EVENT = 0x13,
	OMV_CH_LIST = 0x20,
	OMV_CH_POLL = 0x21,
	OMV_CH_LOCK = 0x22,
	OMV_CH_UNLOCK = 0x23,
	OMV_CH_SIZE = 0x25,
	OMV_CH_READ = 0x26,
	OMV_CH_IOCTL = 0x28,
	OMV_CH_EVENT = 0x29,
};

/* status codes of a NAK (u16) */
enum omv_status {
	OMV_ST_SUCCESS,
	OMV_ST_FAILED,
	OMV_ST_INVALID,
	OMV_ST_TIMEOUT,
	OMV_ST_BUSY,
	OMV_ST_CHECKSUM,
	OMV_ST_SEQUENCE,
	OMV_ST_OVERFLOW,
	OMV_ST_FRAGMENT,
	OMV_ST_UNKNOWN,
};

/* SYS_EVENT codes */
#define OMV_EV_SOFT_REBOOT	2

/* caps */
#define OMV_CAPS_LEN		16
#define OMV_CAP_CRC		0x01
#define OMV_CAP_SEQ		0x02
#define OMV_CAP_ACK		0x04
#define OMV_CAP_EVENTS		0x08

/* CHANNEL_LIST entries */
#define OMV_CH_ENTRY_LEN	16
#define OMV_CH_NAME_LEN		14

/* IOCTLs of the stream channel */
#define OMV_STREAM_CTRL		0
#define OMV_STREAM_RAW_CTRL	1
#define OMV_STREAM_RAW_CFG	2	/* u32 width, u32 height */

/* the stream channel's frame header */
#define OMV_FRAME_HDR_MIN	20
#define OMV_FRAME_HDR_FPS	24
#define OMV_PIXFMT_JPEG		0x06060000
#define OMV_PIXFMT_PNG		0x06070000
#define OMV_PIXFMT_RGB565	0x0c030002
#define OMV_PIXFMT_GRAY		0x08020001
/* a header larger than this is not one (the firmware's is 32) */
#define OMV_FRAME_HDR_MAX	256

#define OMV_VERSION_LEN		16
#define OMV_SYS_INFO_LEN	76

/**
 * struct omv_hdr - a packet's header, decoded
 * @seq: sequence number
 * @chan: channel
 * @flags: OMV_F_* bits
 * @op: opcode (&enum omv_op)
 * @len: payload length
 */
struct omv_hdr {
	u8 seq;
	u8 chan;
	u8 flags;
	u8 op;
	u16 len;
};

/**
 * struct omv_frame - the header the stream channel puts before a frame
 * @width: width in pixels
 * @height: height in pixels
 * @pixfmt: OMV_PIXFMT_*
 * @size: bytes of a compressed image; bytes per pixel of a raw one
 * @offset: where the image starts (the header's length)
 * @fps_milli: the camera's frame rate in thousandths, 0 when not sent
 */
struct omv_frame {
	u32 width;
	u32 height;
	u32 pixfmt;
	u32 size;
	u32 offset;
	u32 fps_milli;
};

/**
 * enum omv_rx_event - what omv_rx_feed() stopped at
 * @OMV_RX_MORE: every byte taken; the packet is not whole yet
 * @OMV_RX_HEADER: a header with a good CRC: the caller may point the
 *	payload somewhere (omv_rx_set_dst()) before feeding on
 * @OMV_RX_PACKET: a whole packet with good CRCs
 * @OMV_RX_BAD_DCRC: a whole packet whose payload CRC is wrong
 */
enum omv_rx_event {
	OMV_RX_MORE,
	OMV_RX_HEADER,
	OMV_RX_PACKET,
	OMV_RX_BAD_DCRC,
};

/**
 * struct omv_rx - the receive parser of one packet stream
 * @hdr: the packet's header (valid from %OMV_RX_HEADER on)
 * @small: the payload, when no destination was set and it fits
 * @dst: where the payload goes, NULL: @small
 * @room: bytes at @dst
 * @max_len: longest payload taken; a longer one is a broken header
 * @dropped: the payload did not fit where it was to go: not stored
 * @bad_hcrc: headers dropped for their CRC or length (counter)
 * @skipped: bytes skipped while looking for a packet (counter)
 * @state: where the parser is, its own
 * @at: bytes of the current part held, its own
 * @raw: the header's bytes, its own
 * @dcrc: the payload's CRC as received, its own
 * @crc: the payload's CRC so far, its own
 */
struct omv_rx {
	struct omv_hdr hdr;
	u8 small[OMV_SMALL_MAX];
	u8 *dst;
	u32 room;
	u32 max_len;
	bool dropped;
	u32 bad_hcrc;
	u32 skipped;
	int state;
	u32 at;
	u8 raw[OMV_HDR_LEN];
	u8 dcrc[OMV_DCRC_LEN];
	u32 crc;
};

void omv_crc_init(void);
u16 omv_crc16(u16 crc, const u8 *p, size_t n);
u32 omv_crc32(u32 crc, const u8 *p, size_t n);
size_t omv_encode(u8 *out, const struct omv_hdr *h, const void *payload);
void omv_rx_reset(struct omv_rx *rx, u32 max_len);
enum omv_rx_event omv_rx_feed(struct omv_rx *rx, const u8 *buf, size_t len,
			      size_t *used);
bool omv_rx_midway(const struct omv_rx *rx);
void omv_rx_set_dst(struct omv_rx *rx, u8 *dst, u32 room);
const u8 *omv_rx_payload(const struct omv_rx *rx);
int omv_frame_parse(const u8 *p, u32 len, struct omv_frame *f);
int omv_frame_check(const struct omv_frame *f, u32 len, u32 pixfmt,
		    u32 width, u32 height);
int omv_find_channel(const u8 *list, u32 len, const char *name, u8 *id,
		     u8 *flags);
const char *omv_status_name(u16 status);

#endif /* _OPENMV_PROTO_H */
