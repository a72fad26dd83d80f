// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the VC0706 protocol, pure code (see vc0706-proto.h)
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "vc0706-proto.h"

/**
 * vc_encode() - put a command on the wire
 * @out: room for 4 + @len bytes
 * @sn: the camera's serial number
 * @cmd: the command
 * @data: its data
 * @len: their length
 *
 * Return: the command's length.
 */
size_t vc_encode(u8 *out, u8 sn, u8 cmd, const u8 *data, u8 len)
{
	out[0] = VC_CMD_START;
	out[1] = sn;
	out[2] = cmd;
	out[3] = len;
	if (len)
		memcpy(out + 4, data, len);
	return 4 + len;
}

/**
 * vc_read_req() - the frame-buffer read command
 * @out: room for %VC_READ_REQ_LEN bytes
 * @sn: the camera's serial number
 * @addr: where in the frame buffer (a multiple of %VC_ALIGN)
 * @len: how many bytes (a multiple of %VC_ALIGN)
 * @delay: the camera's wait before the data, in units of 0.01 ms
 *
 * Return: the command's length.
 */
size_t vc_read_req(u8 *out, u8 sn, u32 addr, u32 len, u16 delay)
{
	u8 d[12];

	d[0] = 0x00;	/* the current frame */
	d[1] = 0x0a;	/* over the UART (MCU mode) */
	put_unaligned_be32(addr, d + 2);
	put_unaligned_be32(len, d + 6);
	put_unaligned_be16(delay, d + 10);
	return vc_encode(out, sn, VC_READ_FBUF, d, sizeof(d));
}

/**
 * vc_baud_code() - the set-port code of a rate
 * @baud: the rate
 * @code: set to its two bytes
 *
 * Return: 0, or -EINVAL for a rate the camera has no code for.
 */
int vc_baud_code(u32 baud, u8 code[2])
{
	static const struct { u32 baud; u8 hi, lo; } codes[] = {
		{ 9600, 0xae, 0xc8 }, { 19200, 0x56, 0xe4 },
		{ 38400, 0x2a, 0xf2 }, { 57600, 0x1c, 0x4c },
		{ 115200, 0x0d, 0xa6 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		if (codes[i].baud == baud) {
			code[0] = codes[i].hi;
			code[1] = codes[i].lo;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * vc_quality_ratio() - the compression ratio for a JPEG quality
 * @quality: 1 (smallest) .. 100 (best)
 *
 * Return: the ratio, %VC_RATIO_BEST at 100 to %VC_RATIO_WORST at 1,
 * linear between.
 */
u8 vc_quality_ratio(unsigned int quality)
{
	if (quality < 1)
		quality = 1;
	if (quality > 100)
		quality = 100;
	/* rounded to the nearest step */
	return VC_RATIO_WORST - ((quality - 1) *
				 (VC_RATIO_WORST - VC_RATIO_BEST) + 49) / 99;
}

enum { VC_ST_HUNT, VC_ST_HDR, VC_ST_DATA, VC_ST_READ, VC_ST_TRAILER };

/**
 * vc_rx_start() - await a reply
 * @r: the parser
 * @sn: the camera's serial number
 * @cmd: the command sent
 * @dst: for a frame-buffer read, where its data goes; else NULL
 * @dlen: the read's length
 */
void vc_rx_start(struct vc_rx *r, u8 sn, u8 cmd, u8 *dst, u32 dlen)
{
	r->sn = sn;
	r->cmd = cmd;
	r->dst = dst;
	r->dlen = dlen;
	r->status = 0;
	r->len = 0;
	r->state = VC_ST_HUNT;
	r->at = 0;
	r->seen = 0;
}

/* A whole header: what follows it, or the reply's end. */
static int vc_rx_header(struct vc_rx *r)
{
	const u8 *h = r->hdr;

	if (h[1] == r->sn && h[2] == VC_MOTION && !h[3] && !h[4] &&
	    r->cmd != VC_MOTION) {
		/* a motion report, unasked: not the reply */
		r->motion++;
		r->state = VC_ST_HUNT;
		return -EINPROGRESS;
	}
	if (h[1] != r->sn || h[2] != r->cmd)
		return -EBADMSG;
	r->status = h[3];
	r->len = h[4];
	r->at = 0;
	if (r->status)
		return -EIO;
	if (r->dst) {
		if (r->len)
			return -EBADMSG;
		r->state = r->dlen ? VC_ST_READ : VC_ST_TRAILER;
		return -EINPROGRESS;
	}
	if (r->len > VC_DATA_MAX)
		return -EMSGSIZE;
	if (!r->len)
		return 0;
	r->state = VC_ST_DATA;
	return -EINPROGRESS;
}

/**
 * vc_rx_feed() - take received bytes
 * @r: the parser
 * @buf: bytes
 * @len: how many
 * @used: set to the bytes taken
 *
 * Bytes before the reply's 0x76 are skipped (counted); an unasked motion
 * report before it is skipped too (counted).
 *
 * Return: -EINPROGRESS while the reply is not whole; 0 when it is; -EIO
 * for a reply with a non-zero status (@r->status); -EBADMSG for a reply
 * that answers another command or camera, or a read whose wrapper is
 * wrong; -EMSGSIZE for reply data longer than kept.
 */
int vc_rx_feed(struct vc_rx *r, const u8 *buf, size_t len, size_t *used)
{
	size_t i = 0, n;
	int ret = -EINPROGRESS;

	while (i < len && ret == -EINPROGRESS) {
		switch (r->state) {
		case VC_ST_HUNT:
			if (buf[i] == VC_REPLY_START) {
				r->hdr[0] = buf[i];
				r->at = 1;
				r->state = VC_ST_HDR;
			} else {
				r->skipped++;
			}
			i++;
			break;
		case VC_ST_HDR:
			n = min_t(size_t, len - i, VC_HDR_LEN - r->at);
			memcpy(r->hdr + r->at, buf + i, n);
			r->at += n;
			i += n;
			if (r->at == VC_HDR_LEN)
				ret = vc_rx_header(r);
			break;
		case VC_ST_DATA:
			n = min_t(size_t, len - i, r->len - r->at);
			memcpy(r->data + r->at, buf + i, n);
			r->at += n;
			i += n;
			if (r->at == r->len)
				ret = 0;
			break;
		case VC_ST_READ:
			n = min_t(size_t, len - i, r->dlen - r->at);
			memcpy(r->dst + r->at, buf + i, n);
			r->at += n;
			i += n;
			if (r->at == r->dlen) {
				r->at = 0;
				r->state = VC_ST_TRAILER;
			}
			break;
		case VC_ST_TRAILER:
			n = min_t(size_t, len - i, VC_HDR_LEN - r->at);
			memcpy(r->hdr + r->at, buf + i, n);
			r->at += n;
			i += n;
			if (r->at < VC_HDR_LEN)
				break;
			ret = r->hdr[0] == VC_REPLY_START && r->hdr[1] == r->sn &&
			      r->hdr[2] == r->cmd && !r->hdr[3] && !r->hdr[4] ?
			      0 : -EBADMSG;
			break;
		}
	}
	*used = i;
	r->seen += i;
	return ret;
}

/* An unasked motion report, 76 sn 39 00 00, as vc_motion_feed()'s window holds it */
static u64 vc_motion_word(u8 sn)
{
	return (u64)VC_REPLY_START << 32 | (u64)sn << 24 | (u64)VC_MOTION << 16;
}

#define VC_WIN_MASK	GENMASK_ULL(8 * VC_HDR_LEN - 1, 0)

/**
 * vc_motion_feed() - find unasked motion reports in bytes no reply awaits
 * @win: the last bytes seen, newest lowest; the caller's, zero at first
 * @sn: the camera's serial number
 * @buf: bytes
 * @len: how many
 *
 * Return: the motion reports these bytes completed.
 */
unsigned int vc_motion_feed(u64 *win, u8 sn, const u8 *buf, size_t len)
{
	u64 report = vc_motion_word(sn);
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		*win = (*win << 8 | buf[i]) & VC_WIN_MASK;
		n += *win == report;
	}
	return n;
}

/**
 * vc_motion_rest() - the rest of a motion report begun before a reply
 * @win: as vc_motion_feed() left it, with bytes no reply awaited
 * @sn: the camera's serial number
 * @buf: the first bytes a reply parser is about to take
 * @len: how many
 * @used: set to how many of them were the report's (0: none)
 *
 * A report the camera sent just as an exchange began is split: its start
 * went to vc_motion_feed(), its end comes with the reply, where the parser
 * would skip it as noise before the reply's 0x76. When @win ends with a
 * report's start and @buf goes on with its end, those bytes are the
 * report's. A start followed by anything else was noise, and is
 * forgotten. Call before each run a reply parser takes: once a call has
 * left bytes to the parser, the window holds no report's start, and later
 * calls take none.
 *
 * Return: true when @buf completed a report.
 */
bool vc_motion_rest(u64 *win, u8 sn, const u8 *buf, size_t len,
		    size_t *used)
{
	u64 report = vc_motion_word(sn);
	unsigned int have, need, i;

	*used = 0;
	/* the most of the report's first bytes the window ends with */
	for (have = VC_HDR_LEN - 1; have; have--)
		if ((*win & GENMASK_ULL(8 * have - 1, 0)) ==
		    report >> (8 * (VC_HDR_LEN - have)))
			break;
	if (!have)
		return false;
	need = VC_HDR_LEN - have;
	for (i = 0; i < need && i < len; i++)
		if (buf[i] != (u8)(report >> (8 * (need - 1 - i))))
			break;
	if (i < need && i < len) {
		*win = 0;	/* not the report's rest */
		return false;
	}
	*used = i;
	if (i < need) {
		/* all of @buf is the report's; more of it to come */
		vc_motion_feed(win, sn, buf, len);
		return false;
	}
	*win = 0;
	return true;
}
