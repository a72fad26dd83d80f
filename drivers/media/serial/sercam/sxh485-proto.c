// SPDX-License-Identifier: GPL-2.0
/*
 * SXH485 serial camera protocol: framing, CRC and the receive parser.
 *
 * Pure code (see sxh485-proto.h): it only uses crc_itu_t(), the unaligned
 * accessors and memcpy(), so that the host fuzzer can build this very file.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/crc-itu-t.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>

#include "sercam-compat.h"
#include "sxh485-proto.h"

/* Parser states, in the order the bytes arrive. */
enum {
	SXH485_ST_HUNT,
	SXH485_ST_HDR1,
	SXH485_ST_ADDR,
	SXH485_ST_CMD,
	SXH485_ST_LEN0,
	SXH485_ST_LEN1,
	SXH485_ST_LEN2,
	SXH485_ST_PAYLOAD,
	SXH485_ST_CRC0,
	SXH485_ST_CRC1,
};

/*
 * Cameras pad a JPEG with at most this many 0x00/0xff bytes after EOI; more
 * than that is not a JPEG end.
 */
#define SXH485_JPEG_PAD_MAX	64

/* Rate codes of 0x0a/0x0b (the manual's table is garbled; see sxh485.md). */
static const u32 sxh485_bauds[] = {
	[1] = 4800, [2] = 9600, [3] = 19200,
	[4] = 38400, [5] = 57600, [6] = 115200,
};

/**
 * sxh485_encode() - build a host-to-camera frame
 * @buf: where to write the frame
 * @size: room at @buf
 * @addr: camera address (1..254, or %SXH485_ADDR_BROADCAST)
 * @cmd: command
 * @params: parameter bytes (may be NULL when @nparams is 0)
 * @nparams: number of parameter bytes, at most %SXH485_MAX_PARAMS
 *
 * Return: the frame's length, or 0 if @nparams is too large or the frame
 * does not fit in @size bytes.
 */
size_t sxh485_encode(u8 *buf, size_t size, u8 addr, u8 cmd,
		     const u8 *params, size_t nparams)
{
	size_t len = SXH485_OVERHEAD + nparams;

	if (nparams > SXH485_MAX_PARAMS || size < len)
		return 0;
	buf[0] = SXH485_HDR0;
	buf[1] = SXH485_HDR1;
	buf[2] = addr;
	buf[3] = cmd;
	put_unaligned_le16(nparams, buf + 4);
	if (nparams)
		memcpy(buf + SXH485_HDR_LEN, params, nparams);
	put_unaligned_le16(crc_itu_t(0, buf + 2, SXH485_HDR_LEN - 2 + nparams),
			   buf + SXH485_HDR_LEN + nparams);
	return len;
}

/**
 * sxh485_baud_to_code() - rate code of 0x0a/0x0b for a baud rate
 * @baud: rate in bit/s
 *
 * Return: the code (1..6), or -EINVAL if the camera has no code for @baud.
 */
int sxh485_baud_to_code(u32 baud)
{
	int i;

	for (i = 1; i < (int)ARRAY_SIZE(sxh485_bauds); i++)
		if (sxh485_bauds[i] == baud)
			return i;
	return -EINVAL;
}

/**
 * sxh485_code_to_baud() - baud rate of a 0x0a/0x0b rate code
 * @code: rate code
 *
 * Return: the rate in bit/s, or 0 for an unknown code.
 */
u32 sxh485_code_to_baud(u8 code)
{
	if (code >= ARRAY_SIZE(sxh485_bauds))
		return 0;
	return sxh485_bauds[code];
}

/**
 * sxh485_pkt_size_valid() - whether the camera accepts a packet size
 * @size: packet size in bytes
 *
 * Return: true for a multiple of 128 between 128 and 4096.
 */
bool sxh485_pkt_size_valid(u32 size)
{
	return size >= SXH485_PKT_SIZE_MIN && size <= SXH485_PKT_SIZE_MAX &&
	       !(size % SXH485_PKT_SIZE_STEP);
}

/**
 * sxh485_pkt_count() - packets a packet-mode image takes
 * @image_size: image size in bytes
 * @pkt_size: packet size in bytes
 *
 * Return: ceil(@image_size / @pkt_size), or 0 if @pkt_size is 0.
 */
u32 sxh485_pkt_count(u32 image_size, u32 pkt_size)
{
	if (!pkt_size)
		return 0;
	return image_size / pkt_size + !!(image_size % pkt_size);
}

/**
 * sxh485_jpeg_end() - check that a buffer holds one whole JPEG
 * @buf: image bytes
 * @len: number of bytes at @buf
 *
 * The image must start with SOI (FF D8) and end with EOI (FF D9), after
 * which a camera may pad with a few 0x00 or 0xff bytes.
 *
 * Return: the JPEG's length up to and including EOI, or 0 if @buf does not
 * start with SOI or does not end with EOI.
 */
u32 sxh485_jpeg_end(const u8 *buf, u32 len)
{
	u32 end = len;

	if (len < 4 || buf[0] != 0xff || buf[1] != 0xd8)
		return 0;
	while (end > 4 && len - end < SXH485_JPEG_PAD_MAX &&
	       (buf[end - 1] == 0x00 || buf[end - 1] == 0xff))
		end--;
	if (buf[end - 2] != 0xff || buf[end - 1] != 0xd9)
		return 0;
	return end;
}

/**
 * sxh485_best_pkt_size() - packet size that moves the most image per second
 * @bytes: reply bytes requested recently
 * @failures: how many of those requests failed (bad CRC, lost bytes)
 * @overhead: fixed cost of one request in byte times: request frame, reply
 *	header and CRC, camera latency and host turnaround
 * @max: largest packet size to use
 *
 * With a per-byte error rate p = @failures / @bytes, a packet of P bytes
 * arrives whole with probability about exp(-p P) and costs P + @overhead
 * byte times per attempt, so the useful fraction is
 * P / (P + O) * exp(-p P). Its maximum is where P^2 + O P = O / p, i.e.
 * P = (sqrt(O^2 + 4 O / p) - O) / 2. A clean link gives @max.
 *
 * Return: that P, rounded to a multiple of %SXH485_PKT_SIZE_STEP and
 * clamped to %SXH485_PKT_SIZE_MIN .. @max.
 */
u32 sxh485_best_pkt_size(u64 bytes, u32 failures, u32 overhead, u32 max)
{
	u64 d, p;

	if (max < SXH485_PKT_SIZE_MIN)
		max = SXH485_PKT_SIZE_MIN;
	if (!failures)
		return max;
	d = (u64)overhead * overhead + div_u64(4 * (u64)overhead * bytes,
					       failures);
	p = (int_sqrt64(d) - overhead) / 2;
	p = (p + SXH485_PKT_SIZE_STEP / 2) / SXH485_PKT_SIZE_STEP *
	    SXH485_PKT_SIZE_STEP;
	if (p < SXH485_PKT_SIZE_MIN)
		return SXH485_PKT_SIZE_MIN;
	return p > max ? max : p;
}

/**
 * sxh485_parser_reset() - start looking for a new frame
 * @p: parser
 * @exp: the reply to wait for, or NULL to match nothing
 *
 * Forgets any partial frame; the counters in @p->stats are kept. @exp must
 * stay valid until the next reset. A @exp->head_len above %SXH485_HEAD_MAX
 * or a @exp->match_len above its head_len is clamped.
 */
void sxh485_parser_reset(struct sxh485_parser *p,
			 const struct sxh485_expect *exp)
{
	p->exp = exp;
	p->state = SXH485_ST_HUNT;
	p->hdr_len = 0;
	p->head_got = 0;
}

static u8 sxh485_head_len(const struct sxh485_expect *exp)
{
	if (!exp)
		return 0;
	return exp->head_len < SXH485_HEAD_MAX ? exp->head_len : SXH485_HEAD_MAX;
}

static u8 sxh485_match_len(const struct sxh485_expect *exp)
{
	u8 head = sxh485_head_len(exp);
	u8 match = exp->match_len < SXH485_MATCH_MAX ?
		   exp->match_len : SXH485_MATCH_MAX;

	return match < head ? match : head;
}

/* The most payload bytes a frame may announce while @exp is awaited. */
static u32 sxh485_len_bound(const struct sxh485_expect *exp)
{
	if (!exp)
		return 0;
	return sxh485_head_len(exp) + (exp->data ? exp->data_len : 0);
}

/*
 * Feed bytes to the state machine again, ignoring events: used to rescan
 * a rejected header. Fewer than a frame's worth of bytes, so no frame can
 * complete; a nested rejection only shows in the counters.
 */
static void sxh485_refeed(struct sxh485_parser *p, const u8 *buf, size_t len)
{
	enum sxh485_event ev;
	size_t i = 0;

	while (i < len)
		i += sxh485_parse(p, buf + i, len - i, &ev);
}

/*
 * Drop the first byte of a rejected header and rescan the rest: a real
 * header may start inside the bytes that made this one look wrong.
 */
static enum sxh485_event sxh485_reject(struct sxh485_parser *p,
				       enum sxh485_event ev)
{
	u8 rest[sizeof(p->hdr)];
	u8 n = p->hdr_len - 1;

	memcpy(rest, p->hdr + 1, n);
	p->stats.skipped++;
	p->state = SXH485_ST_HUNT;
	p->hdr_len = 0;
	sxh485_refeed(p, rest, n);
	return ev;
}

static enum sxh485_event sxh485_header_done(struct sxh485_parser *p)
{
	const struct sxh485_expect *exp = p->exp;
	u32 len = get_unaligned_le16(p->hdr + 4);

	if (p->long_len)
		len |= (u32)p->hdr[6] << 16;
	if (len > sxh485_len_bound(exp)) {
		p->stats.bad_len++;
		return sxh485_reject(p, SXH485_EV_BAD_LEN);
	}
	if (p->hdr[0] == SXH485_HDR1)
		p->stats.swapped++;
	p->len = len;
	p->pos = 0;
	p->head_got = 0;
	p->matching = exp && p->addr == exp->addr && p->cmd == exp->cmd;
	p->crc = crc_itu_t(0, p->hdr + 2, p->hdr_len - 2);
	p->state = len ? SXH485_ST_PAYLOAD : SXH485_ST_CRC0;
	return SXH485_EV_NONE;
}

static enum sxh485_event sxh485_frame_done(struct sxh485_parser *p, u16 crc)
{
	p->state = SXH485_ST_HUNT;
	p->hdr_len = 0;
	if (crc != p->crc) {
		p->stats.bad_crc++;
		return SXH485_EV_BAD_CRC;
	}
	p->stats.frames++;
	if (p->matching && p->pos >= sxh485_match_len(p->exp))
		return SXH485_EV_FRAME;
	return SXH485_EV_OTHER;
}

/* One byte outside the payload. */
static enum sxh485_event sxh485_byte(struct sxh485_parser *p, u8 b)
{
	switch (p->state) {
	case SXH485_ST_HUNT:
		if (b != SXH485_HDR0 && b != SXH485_HDR1) {
			p->stats.skipped++;
			return SXH485_EV_NONE;
		}
		p->hdr[0] = b;
		p->hdr_len = 1;
		p->state = SXH485_ST_HDR1;
		return SXH485_EV_NONE;
	case SXH485_ST_HDR1:
		p->hdr[p->hdr_len++] = b;
		if (b != (p->hdr[0] == SXH485_HDR0 ? SXH485_HDR1 : SXH485_HDR0))
			return sxh485_reject(p, SXH485_EV_NONE);
		p->state = SXH485_ST_ADDR;
		return SXH485_EV_NONE;
	case SXH485_ST_ADDR:
		p->hdr[p->hdr_len++] = b;
		p->addr = b;
		p->state = SXH485_ST_CMD;
		return SXH485_EV_NONE;
	case SXH485_ST_CMD:
		p->hdr[p->hdr_len++] = b;
		p->cmd = b;
		p->long_len = b == SXH485_CMD_SNAP_SEND ||
			      b == SXH485_CMD_SNAP_SEND_GRAY;
		p->state = SXH485_ST_LEN0;
		return SXH485_EV_NONE;
	case SXH485_ST_LEN0:
		p->hdr[p->hdr_len++] = b;
		p->state = SXH485_ST_LEN1;
		return SXH485_EV_NONE;
	case SXH485_ST_LEN1:
		p->hdr[p->hdr_len++] = b;
		if (p->long_len) {
			p->state = SXH485_ST_LEN2;
			return SXH485_EV_NONE;
		}
		return sxh485_header_done(p);
	case SXH485_ST_LEN2:
		p->hdr[p->hdr_len++] = b;
		return sxh485_header_done(p);
	case SXH485_ST_CRC0:
		p->crc_lo = b;
		p->state = SXH485_ST_CRC1;
		return SXH485_EV_NONE;
	case SXH485_ST_CRC1:
		return sxh485_frame_done(p, p->crc_lo | (u16)b << 8);
	default:
		/* SXH485_ST_PAYLOAD: sxh485_parse() never gets here */
		return SXH485_EV_NONE;
	}
}

/*
 * A run of payload bytes: the first head_len go to p->head, the rest are
 * copied in one piece to exp->data while the frame matches. The header
 * check guaranteed that p->len fits, so the copy cannot overrun.
 */
static size_t sxh485_payload(struct sxh485_parser *p, const u8 *buf,
			     size_t len)
{
	const struct sxh485_expect *exp = p->exp;
	u8 head_len = sxh485_head_len(exp);
	u32 n = p->len - p->pos;
	u32 done = 0;

	if (len < n)
		n = len;
	p->crc = crc_itu_t(p->crc, buf, n);
	while (done < n && p->pos < head_len) {
		if (p->pos < sxh485_match_len(exp) &&
		    buf[done] != exp->match[p->pos])
			p->matching = false;
		p->head[p->head_got++] = buf[done++];
		p->pos++;
	}
	if (done < n) {
		if (p->matching)
			memcpy(exp->data + (p->pos - head_len), buf + done,
			       n - done);
		p->pos += n - done;
	}
	if (p->pos == p->len)
		p->state = SXH485_ST_CRC0;
	return n;
}

/**
 * sxh485_parser_left() - how much of the awaited frame is still to come
 * @p: parser
 *
 * Return: once the header of a frame that matches the expectation so far
 * is in, its payload bytes not yet received plus its CRC; else 0.
 */
u32 sxh485_parser_left(const struct sxh485_parser *p)
{
	if (!p->matching)
		return 0;
	switch (p->state) {
	case SXH485_ST_PAYLOAD:
		return p->len - p->pos + SXH485_CRC_LEN;
	case SXH485_ST_CRC0:
		return SXH485_CRC_LEN;
	case SXH485_ST_CRC1:
		return 1;
	default:
		return 0;
	}
}

/**
 * sxh485_parse() - feed received bytes to the parser
 * @p: parser
 * @buf: received bytes
 * @len: number of bytes at @buf
 * @ev: set to what made the parser stop
 *
 * Consumes bytes until a frame ends, a header is rejected, or @buf is used
 * up. Call again with the rest of @buf after an event. Payload bytes are
 * handled as one run (one CRC update and one copy per run), never per byte.
 *
 * Return: the number of bytes consumed.
 */
size_t sxh485_parse(struct sxh485_parser *p, const u8 *buf, size_t len,
		    enum sxh485_event *ev)
{
	size_t i = 0;

	*ev = SXH485_EV_NONE;
	while (i < len) {
		if (p->state == SXH485_ST_PAYLOAD) {
			i += sxh485_payload(p, buf + i, len - i);
			continue;
		}
		*ev = sxh485_byte(p, buf[i++]);
		if (*ev != SXH485_EV_NONE)
			break;
	}
	return i;
}
