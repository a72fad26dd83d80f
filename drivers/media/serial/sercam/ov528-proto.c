// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the OV528 serial-bridge protocol, pure code (see ov528-proto.h)
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "ov528-proto.h"

/* the bridge's clock: baud = OV528_BAUD_CLK / (4 (d1 + 1) (d2 + 1)) */
#define OV528_BAUD_CLK		14745600

/**
 * ov528_encode() - put a command on the wire
 * @out: the 6 bytes
 * @m: the command; @m->addr goes in the top 3 bits of the second byte
 */
void ov528_encode(u8 out[OV528_CMD_LEN], const struct ov528_msg *m)
{
	out[0] = OV528_HEAD;
	out[1] = (m->addr & OV528_ADDR_MAX) << 5 | (m->id & 0x1f);
	memcpy(out + 2, m->p, 4);
}

/**
 * ov528_decode() - read a reply
 * @in: 6 bytes from the wire
 * @m: the reply
 *
 * Return: 0, or -EBADMSG when it does not start with 0xAA.
 */
int ov528_decode(const u8 in[OV528_CMD_LEN], struct ov528_msg *m)
{
	if (in[0] != OV528_HEAD)
		return -EBADMSG;
	m->addr = in[1] >> 5;
	m->id = in[1] & 0x1f;
	memcpy(m->p, in + 2, 4);
	return 0;
}

/**
 * ov528_sum() - the 8-bit sum of some bytes
 * @buf: the bytes
 * @len: how many
 *
 * Return: their sum modulo 256.
 */
u8 ov528_sum(const u8 *buf, size_t len)
{
	u8 s = 0;

	while (len--)
		s += *buf++;
	return s;
}

/**
 * ov528_pkg_check() - check a package
 * @head: its first 4 bytes: id and n, little-endian
 * @data: its n data bytes
 * @verify: its last 2 bytes
 * @want_id: the package asked for
 * @want_n: the data bytes it must carry
 *
 * Return: 0; -EPROTO for another id or length; -EBADMSG for a wrong sum
 * (low byte: the sum of every byte before it; high byte: 0).
 */
int ov528_pkg_check(const u8 *head, const u8 *data, const u8 *verify,
		    u16 want_id, u16 want_n)
{
	u8 sum;

	if (get_unaligned_le16(head) != want_id ||
	    get_unaligned_le16(head + 2) != want_n)
		return -EPROTO;
	sum = ov528_sum(head, 4) + ov528_sum(data, want_n);
	if (verify[0] != sum || verify[1])
		return -EBADMSG;
	return 0;
}

/**
 * ov528_pkg_count() - packages an image takes
 * @size: the image's size (DATA)
 * @pkg_size: the package size set, overhead included
 *
 * Return: ceil(@size / (@pkg_size - 6)), 0 for a package size too small.
 */
u32 ov528_pkg_count(u32 size, u32 pkg_size)
{
	if (pkg_size <= OV528_PKG_OVERHEAD)
		return 0;
	return (size + pkg_size - OV528_PKG_OVERHEAD - 1) /
	       (pkg_size - OV528_PKG_OVERHEAD);
}

/**
 * ov528_baud() - the rate a divisor pair gives
 * @d1: first divisor byte
 * @d2: second divisor byte
 *
 * Return: 14745600 / (4 (@d1 + 1) (@d2 + 1)), rounded down.
 */
u32 ov528_baud(u8 d1, u8 d2)
{
	return OV528_BAUD_CLK / (4 * (d1 + 1) * (d2 + 1));
}

/**
 * ov528_baud_divisors() - the SET BAUD RATE pair for a rate
 * @baud: the rate
 * @d1: first divisor byte
 * @d2: second divisor byte
 *
 * Exact rates only, d2 = 1 preferred (as the C328's table), then d2 = 0,
 * then any other d2.
 *
 * Return: 0, or -EINVAL when no pair gives @baud exactly.
 */
int ov528_baud_divisors(u32 baud, u8 *d1, u8 *d2)
{
	static const u8 order[] = { 1, 0 };
	u32 q, i, b;

	if (!baud || OV528_BAUD_CLK % (4 * baud))
		return -EINVAL;
	q = OV528_BAUD_CLK / (4 * baud);	/* (d1 + 1) (d2 + 1) */
	for (i = 0; i < ARRAY_SIZE(order) + 256; i++) {
		b = i < ARRAY_SIZE(order) ? order[i] : i - ARRAY_SIZE(order);
		if (q % (b + 1) || q / (b + 1) > 256)
			continue;
		*d1 = q / (b + 1) - 1;
		*d2 = b;
		return 0;
	}
	return -EINVAL;
}

/**
 * ov528_nak_name() - what a NAK error code means
 * @code: the code (fourth byte of the NAK)
 *
 * Return: a name; unknown codes (the V8's 0x80 among them) read as the
 * camera still being in a transfer (ov528.md's decision).
 */
const char *ov528_nak_name(u8 code)
{
	static const struct {
		u8 code;
		const char *name;
	} names[] = {
		{ 0x01, "picture type" }, { 0x02, "picture up-scale" },
		{ 0x03, "picture scale" }, { 0x04, "unexpected reply" },
		{ 0x05, "send picture timeout" },
		{ 0x06, "unexpected command" }, { 0x07, "SRAM JPEG type" },
		{ 0x08, "SRAM JPEG size" }, { 0x09, "picture format" },
		{ 0x0a, "picture size" }, { 0x0b, "parameter" },
		{ 0x0c, "send register timeout" }, { 0x0d, "command id" },
		{ 0x0f, "picture not ready" }, { 0x10, "package number" },
		{ 0x11, "package size" }, { 0xf0, "header" },
		{ 0xf1, "length" }, { 0xf5, "send picture" },
		{ 0xff, "send command" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].code == code)
			return names[i].name;
	return "still in a transfer";
}

/**
 * ov528_data_size() - the image size a DATA message announces
 * @msg: the DATA message
 *
 * Return: its 24-bit little-endian length (p2 p3 p4).
 */
u32 ov528_data_size(const u8 msg[OV528_CMD_LEN])
{
	return msg[3] | msg[4] << 8 | msg[5] << 16;
}

/**
 * ov528_rx_start() - get ready for a reply
 * @r: the collector, its caller's fields set
 */
void ov528_rx_start(struct ov528_rx *r)
{
	r->got = 0;
	r->at = 0;
}

/* Messages, each starting 0xAA (bytes before one are noise), then RAW. */
static int ov528_rx_msgs(struct ov528_rx *r, const u8 *buf, size_t len,
			 u32 *more)
{
	size_t n;

	while (len) {
		if (r->got < r->want) {
			if (r->got % OV528_CMD_LEN == 0 && *buf != OV528_HEAD) {
				buf++;
				len--;
				continue;
			}
			r->msg[r->got++] = *buf++;
			len--;
			/* a NAK ends it at once: nothing follows */
			if (r->got == OV528_CMD_LEN &&
			    (r->msg[1] & 0x1f) == OV528_NAK)
				return 0;
			if (r->got < r->want)
				continue;
			if (!r->raw || r->want < 2 * OV528_CMD_LEN ||
			    (r->msg[7] & 0x1f) != OV528_DATA)
				return 0;
			r->len = ov528_data_size(r->msg + OV528_CMD_LEN);
			if (r->len > r->room)
				return -EMSGSIZE;
			*more += r->len;
			if (!r->len)
				return 0;
			continue;
		}
		n = min_t(size_t, len, r->len - r->at);
		memcpy(r->dst + r->at, buf, n);
		r->at += n;
		buf += n;
		len -= n;
		if (r->at == r->len)
			return 0;
	}
	return -EINPROGRESS;
}

/* A package, by its length field: id, n, n bytes, sum. */
static int ov528_rx_pkg(struct ov528_rx *r, const u8 *buf, size_t len)
{
	const u32 data_end = sizeof(r->head) + r->len;
	size_t n;

	while (len) {
		if (r->at < sizeof(r->head)) {
			r->head[r->at++] = *buf++;
			len--;
			/* another length: not the package asked for */
			if (r->at == sizeof(r->head) &&
			    get_unaligned_le16(r->head + 2) != r->len)
				return -EPROTO;
			continue;
		}
		if (r->at < data_end) {
			n = min_t(size_t, len, data_end - r->at);
			memcpy(r->dst + r->at - sizeof(r->head), buf, n);
			r->at += n;
			buf += n;
			len -= n;
			continue;
		}
		r->verify[r->at++ - data_end] = *buf++;
		len--;
		if (r->at == data_end + sizeof(r->verify))
			return ov528_pkg_check(r->head, r->dst, r->verify,
					       get_unaligned_le16(r->head),
					       r->len);
	}
	return -EINPROGRESS;
}

/**
 * ov528_rx_feed() - take bytes of a reply
 * @r: the collector
 * @buf: the bytes
 * @len: how many
 * @more: incremented by the bytes a RAW picture adds to the reply, once
 *	DATA announced it (for the exchange's deadline)
 *
 * A package is assembled by its length field, never by how its bytes
 * arrive; bytes after a complete reply are not looked at.
 *
 * Return: -EINPROGRESS while more is due; 0 when the reply is complete
 * (messages: check them; a NAK ends it early); -EPROTO for a package of
 * another length, -EBADMSG for one with a wrong sum, -EMSGSIZE for a RAW
 * picture larger than @r->room.
 */
int ov528_rx_feed(struct ov528_rx *r, const u8 *buf, size_t len, u32 *more)
{
	return r->pkg ? ov528_rx_pkg(r, buf, len) :
			ov528_rx_msgs(r, buf, len, more);
}
