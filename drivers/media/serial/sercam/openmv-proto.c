// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the OpenMV Protocol, pure code (see openmv-proto.h)
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "openmv-proto.h"

#define OMV_CRC16_POLY		0xf94f
#define OMV_CRC32_POLY		0xfa567d89

static u16 omv_crc16_tab[256];
static u32 omv_crc32_tab[256];

/**
 * omv_crc_init() - build the CRC tables
 *
 * Call before any other function here (module init, suite init). Both
 * CRCs shift MSB first: entry i is the CRC register after shifting the
 * byte i, at the register's top, through the polynomial.
 */
void omv_crc_init(void)
{
	unsigned int i, b;

	for (i = 0; i < 256; i++) {
		u16 c16 = i << 8;
		u32 c32 = (u32)i << 24;

		for (b = 0; b < 8; b++) {
			c16 = c16 & 0x8000 ? c16 << 1 ^ OMV_CRC16_POLY : c16 << 1;
			c32 = c32 & 0x80000000 ? c32 << 1 ^ OMV_CRC32_POLY :
						 c32 << 1;
		}
		omv_crc16_tab[i] = c16;
		omv_crc32_tab[i] = c32;
	}
}

/**
 * omv_crc16() - the header CRC
 * @crc: 0xffff to start, or the CRC so far
 * @p: bytes
 * @n: how many
 *
 * Return: the CRC after @p.
 */
u16 omv_crc16(u16 crc, const u8 *p, size_t n)
{
	while (n--)
		crc = crc << 8 ^ omv_crc16_tab[(crc >> 8 ^ *p++) & 0xff];
	return crc;
}

/**
 * omv_crc32() - the payload CRC
 * @crc: 0xffffffff to start, or the CRC so far
 * @p: bytes
 * @n: how many
 *
 * Return: the CRC after @p.
 */
u32 omv_crc32(u32 crc, const u8 *p, size_t n)
{
	while (n--)
		crc = crc << 8 ^ omv_crc32_tab[(crc >> 24 ^ *p++) & 0xff];
	return crc;
}

/**
 * omv_encode() - put a packet on the wire
 * @out: room for %OMV_HDR_LEN + @h->len + %OMV_DCRC_LEN bytes
 * @h: the header; @h->len bytes of payload follow
 * @payload: the payload (may be NULL when @h->len is 0)
 *
 * Return: the packet's length.
 */
size_t omv_encode(u8 *out, const struct omv_hdr *h, const void *payload)
{
	out[0] = OMV_SYNC0;
	out[1] = OMV_SYNC1;
	out[2] = h->seq;
	out[3] = h->chan;
	out[4] = h->flags;
	out[5] = h->op;
	put_unaligned_le16(h->len, out + 6);
	put_unaligned_le16(omv_crc16(0xffff, out, 8), out + 8);
	if (!h->len)
		return OMV_HDR_LEN;
	memcpy(out + OMV_HDR_LEN, payload, h->len);
	put_unaligned_le32(omv_crc32(0xffffffff, payload, h->len),
			   out + OMV_HDR_LEN + h->len);
	return OMV_HDR_LEN + h->len + OMV_DCRC_LEN;
}

enum { OMV_ST_SYNC0, OMV_ST_SYNC1, OMV_ST_HDR, OMV_ST_DATA, OMV_ST_DCRC };

/**
 * omv_rx_reset() - start looking for a packet
 * @rx: the parser
 * @max_len: the longest payload to take (the host's max payload); a
 *	header announcing more is taken for a broken one
 *
 * The counters are kept.
 */
void omv_rx_reset(struct omv_rx *rx, u32 max_len)
{
	rx->state = OMV_ST_SYNC0;
	rx->at = 0;
	rx->max_len = max_len;
	rx->dst = NULL;
	rx->room = 0;
	rx->dropped = false;
}

/*
 * A header whose CRC or length is wrong: its first byte was no start of
 * a packet. Look for one in the bytes after it, which are kept.
 */
static void omv_rx_slide(struct omv_rx *rx)
{
	unsigned int k;

	rx->bad_hcrc++;
	for (k = 1; k < OMV_HDR_LEN; k++) {
		if (rx->raw[k] != OMV_SYNC0)
			continue;
		if (k == OMV_HDR_LEN - 1 || rx->raw[k + 1] == OMV_SYNC1)
			break;
	}
	rx->skipped += k;
	rx->at = OMV_HDR_LEN - k;
	memmove(rx->raw, rx->raw + k, rx->at);
	rx->state = rx->at ? (rx->at == 1 ? OMV_ST_SYNC1 : OMV_ST_HDR) :
			     OMV_ST_SYNC0;
}

/* Where the payload goes: the caller's room, else @small; NULL: nowhere. */
static u8 *omv_rx_target(struct omv_rx *rx)
{
	if (rx->dst)
		return rx->hdr.len <= rx->room ? rx->dst : NULL;
	return rx->hdr.len <= sizeof(rx->small) ? rx->small : NULL;
}

/**
 * omv_rx_feed() - take received bytes
 * @rx: the parser
 * @buf: bytes
 * @len: how many
 * @used: set to the bytes taken, up to the event returned
 *
 * Feed again from @buf + *@used until it returns %OMV_RX_MORE. After
 * %OMV_RX_PACKET or %OMV_RX_BAD_DCRC the parser looks for the next packet
 * (with the same destination unset: call omv_rx_set_dst() after each
 * %OMV_RX_HEADER). A payload with nowhere to go is checked and dropped
 * (@rx->dropped).
 *
 * Return: what the bytes taken completed.
 */
enum omv_rx_event omv_rx_feed(struct omv_rx *rx, const u8 *buf, size_t len,
			      size_t *used)
{
	size_t i = 0, n;
	u8 *to;

	while (i < len) {
		switch (rx->state) {
		case OMV_ST_SYNC0:
			if (buf[i] == OMV_SYNC0) {
				rx->raw[0] = OMV_SYNC0;
				rx->state = OMV_ST_SYNC1;
			} else {
				rx->skipped++;
			}
			i++;
			break;
		case OMV_ST_SYNC1:
			if (buf[i] == OMV_SYNC1) {
				rx->raw[1] = OMV_SYNC1;
				rx->at = 2;
				rx->state = OMV_ST_HDR;
			} else if (buf[i] != OMV_SYNC0) {
				rx->skipped += 2;
				rx->state = OMV_ST_SYNC0;
			} else {
				rx->skipped++;
			}
			i++;
			break;
		case OMV_ST_HDR:
			n = min_t(size_t, len - i, OMV_HDR_LEN - rx->at);
			memcpy(rx->raw + rx->at, buf + i, n);
			rx->at += n;
			i += n;
			if (rx->at < OMV_HDR_LEN)
				break;
			rx->hdr.len = get_unaligned_le16(rx->raw + 6);
			if (omv_crc16(0xffff, rx->raw, 8) !=
			    get_unaligned_le16(rx->raw + 8) ||
			    rx->hdr.len > rx->max_len) {
				omv_rx_slide(rx);
				break;
			}
			rx->hdr.seq = rx->raw[2];
			rx->hdr.chan = rx->raw[3];
			rx->hdr.flags = rx->raw[4];
			rx->hdr.op = rx->raw[5];
			rx->dst = NULL;
			rx->room = 0;
			rx->dropped = false;
			rx->at = 0;
			*used = i;
			if (!rx->hdr.len) {
				rx->state = OMV_ST_SYNC0;
				return OMV_RX_PACKET;
			}
			rx->crc = 0xffffffff;
			rx->state = OMV_ST_DATA;
			return OMV_RX_HEADER;
		case OMV_ST_DATA:
			n = min_t(size_t, len - i, rx->hdr.len - rx->at);
			to = omv_rx_target(rx);
			if (to)
				memcpy(to + rx->at, buf + i, n);
			else
				rx->dropped = true;
			rx->crc = omv_crc32(rx->crc, buf + i, n);
			rx->at += n;
			i += n;
			if (rx->at == rx->hdr.len) {
				rx->at = 0;
				rx->state = OMV_ST_DCRC;
			}
			break;
		case OMV_ST_DCRC:
			n = min_t(size_t, len - i, OMV_DCRC_LEN - rx->at);
			memcpy(rx->dcrc + rx->at, buf + i, n);
			rx->at += n;
			i += n;
			if (rx->at < OMV_DCRC_LEN)
				break;
			rx->at = 0;
			rx->state = OMV_ST_SYNC0;
			*used = i;
			return get_unaligned_le32(rx->dcrc) == rx->crc ?
			       OMV_RX_PACKET : OMV_RX_BAD_DCRC;
		}
	}
	*used = len;
	return OMV_RX_MORE;
}

/**
 * omv_rx_midway() - whether the parser is inside a packet
 * @rx: the parser
 *
 * Return: true when bytes of a packet were taken and it is not whole yet.
 */
bool omv_rx_midway(const struct omv_rx *rx)
{
	return rx->state != OMV_ST_SYNC0;
}

/**
 * omv_rx_set_dst() - where the payload of the packet just announced goes
 * @rx: the parser, just after %OMV_RX_HEADER
 * @dst: the room (NULL: the parser's own, up to %OMV_SMALL_MAX)
 * @room: bytes at @dst; a longer payload is dropped
 */
void omv_rx_set_dst(struct omv_rx *rx, u8 *dst, u32 room)
{
	rx->dst = dst;
	rx->room = room;
}

/**
 * omv_rx_payload() - the payload of the packet just completed
 * @rx: the parser
 *
 * Return: where it was stored (NULL when it was dropped).
 */
const u8 *omv_rx_payload(const struct omv_rx *rx)
{
	if (rx->dropped)
		return NULL;
	return rx->dst ? rx->dst : rx->small;
}

/* An IEEE 754 single, in thousandths (0 for what is no frame rate). */
static u32 omv_f32_milli(u32 bits)
{
	int e = (bits >> 23 & 0xff) - 127;
	u64 m = (u64)((bits & 0x7fffff) | 0x800000) * 1000;

	if (bits >> 31 || e < -10 || e > 20)
		return 0;
	return m >> (23 - e);
}

/**
 * omv_frame_parse() - read the header the stream channel puts before a frame
 * @p: the frame's first bytes
 * @len: how many there are
 * @f: the header, decoded
 *
 * Return: 0; -EAGAIN when @len is too short for the header's fields or
 * for the length it gives itself; -EPROTO when the header is no header.
 */
int omv_frame_parse(const u8 *p, u32 len, struct omv_frame *f)
{
	if (len < OMV_FRAME_HDR_MIN)
		return -EAGAIN;
	f->width = get_unaligned_le32(p);
	f->height = get_unaligned_le32(p + 4);
	f->pixfmt = get_unaligned_le32(p + 8);
	f->size = get_unaligned_le32(p + 12);
	f->offset = get_unaligned_le32(p + 16);
	if (f->offset < OMV_FRAME_HDR_MIN || f->offset > OMV_FRAME_HDR_MAX)
		return -EPROTO;
	if (len < f->offset)
		return -EAGAIN;
	f->fps_milli = f->offset >= OMV_FRAME_HDR_FPS ?
		       omv_f32_milli(get_unaligned_le32(p + 20)) : 0;
	return 0;
}

/**
 * omv_frame_check() - is a frame the one the host asked for?
 * @f: the frame's header, decoded
 * @len: bytes of the frame after its header
 * @pixfmt: the format asked for (OMV_PIXFMT_*)
 * @width: for a raw format, the width asked for (RAW_CFG); else unused
 * @height: for a raw format, the height asked for
 *
 * The firmware JPEG-encodes a raw frame that does not fit (or when raw
 * streaming is off), so a frame may come in another format than asked.
 * A compressed frame must be in @pixfmt, its size field (its byte count)
 * within @len. A raw frame (RGB565, GRAY) must be in @pixfmt at @width x
 * @height, and @len exactly that many pixels; its size field (bytes per
 * pixel) is not relied on: @len is what was read.
 *
 * Return: 0, or -EBADMSG for a frame of another format or size.
 */
int omv_frame_check(const struct omv_frame *f, u32 len, u32 pixfmt,
		    u32 width, u32 height)
{
	u32 bpp;

	if (f->pixfmt != pixfmt)
		return -EBADMSG;
	switch (pixfmt) {
	case OMV_PIXFMT_RGB565:
		bpp = 2;
		break;
	case OMV_PIXFMT_GRAY:
		bpp = 1;
		break;
	default:
		return f->size <= len ? 0 : -EBADMSG;
	}
	if (f->width != width || f->height != height ||
	    (u64)width * height * bpp != len)
		return -EBADMSG;
	return 0;
}

/**
 * omv_find_channel() - look a channel up by name in CHANNEL_LIST's reply
 * @list: the reply's payload
 * @len: its length
 * @name: the name
 * @id: set to the channel's number
 * @flags: set to its flags
 *
 * Return: 0, -ENOENT when no entry has @name, -EPROTO when @len is not a
 * whole number of entries.
 */
int omv_find_channel(const u8 *list, u32 len, const char *name, u8 *id,
		     u8 *flags)
{
	size_t want = strlen(name);
	u32 off;

	if (len % OMV_CH_ENTRY_LEN)
		return -EPROTO;
	for (off = 0; off < len; off += OMV_CH_ENTRY_LEN) {
		const char *n = (const char *)list + off + 2;

		if (strnlen(n, OMV_CH_NAME_LEN) == want &&
		    !memcmp(n, name, want)) {
			*id = list[off];
			*flags = list[off + 1];
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * omv_status_name() - a NAK's status code, for messages
 * @status: the code
 *
 * Return: its name.
 */
const char *omv_status_name(u16 status)
{
	static const char *const names[] = {
		"success", "failed", "invalid", "timeout", "busy",
		"checksum", "sequence", "overflow", "fragment", "unknown",
	};

	return status < ARRAY_SIZE(names) ? names[status] : "?";
}
