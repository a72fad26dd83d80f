// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the ASCII "U#" camera protocol, pure code (see asciiu-proto.h)
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "asciiu-proto.h"

enum {
	AU_HUNT,	/* between texts: waiting for a U */
	AU_TEXT,	/* after a U, up to its # */
	AU_DATA,	/* a picture's bytes */
};

/**
 * au_cmd() - put a command on the wire
 * @out: room for %AU_CMD_LEN bytes
 * @op: the operation's letter (%AU_OP_RATE, ...)
 * @n: its digit, 0..9
 *
 * Return: the command's length, %AU_CMD_LEN.
 */
size_t au_cmd(u8 *out, char op, unsigned int n)
{
	out[0] = 'U';
	out[1] = op;
	out[2] = '0' + n % 10;
	out[3] = '#';
	return AU_CMD_LEN;
}

/**
 * au_rate_code() - the digit of UI for a rate
 * @baud: the rate
 *
 * Return: 1 (9600), 2 (19200), 3 (38400) or 4 (57600); -EINVAL for a rate
 * the camera does not have.
 */
int au_rate_code(u32 baud)
{
	switch (baud) {
	case 9600:
		return 1;
	case 19200:
		return 2;
	case 38400:
		return 3;
	case 57600:
		return 4;
	default:
		return -EINVAL;
	}
}

/**
 * au_parser_reset() - start afresh: between texts, counters kept
 * @p: the parser
 */
void au_parser_reset(struct au_parser *p)
{
	p->state = AU_HUNT;
	p->at = 0;
	p->size = 0;
	p->got = 0;
	p->dst = NULL;
	p->dst_len = 0;
}

/**
 * au_set_dst() - where the announced picture's bytes go
 * @p: the parser, just after %AU_EV_PICTURE
 * @dst: the buffer, or NULL to count the bytes only
 * @len: room at @dst; bytes past it are counted, not written
 */
void au_set_dst(struct au_parser *p, u8 *dst, u32 len)
{
	p->dst = dst;
	p->dst_len = dst ? len : 0;
}

/**
 * au_in_picture() - whether a picture's bytes are under way
 * @p: the parser
 *
 * Return: true between %AU_EV_PICTURE and %AU_EV_DONE.
 */
bool au_in_picture(const struct au_parser *p)
{
	return p->state == AU_DATA;
}

/**
 * au_break() - the line went silent, or the caller gave up on the text
 *	or picture under way: wait for the next U
 * @p: the parser
 */
void au_break(struct au_parser *p)
{
	if (p->state == AU_TEXT)
		p->stats.skipped += 1 + p->at;
	au_parser_reset(p);
}

/* One hex digit, either case: its value, or -1. */
static int au_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* `UP` and four hex digits, low byte first: the picture's size, or 0. */
static u32 au_size(const char *t)
{
	u32 size = 0;
	int i, d;

	/* digit pairs: low byte (t[0] t[1]), then high byte (t[2] t[3]) */
	for (i = 0; i < 4; i++) {
		d = au_hex(t[i]);
		if (d < 0)
			return 0;
		size |= d << (i / 2 * 8 + (i % 2 ? 0 : 4));
	}
	return size;
}

/* The text after a U ended with #: what it was. */
static enum au_event au_text_end(struct au_parser *p)
{
	char op = p->text[0];

	p->state = AU_HUNT;
	if (p->at == 1 && op >= 'A' && op <= 'Z' && op != AU_OP_SIZE) {
		p->reply = op;
		p->stats.replies++;
		return AU_EV_REPLY;
	}
	if (p->at == 5 && op == AU_OP_SIZE) {
		p->size = au_size(p->text + 1);
		if (p->size) {
			p->state = AU_DATA;
			p->got = 0;
			p->dst = NULL;
			p->dst_len = 0;
			p->stats.pictures++;
			return AU_EV_PICTURE;
		}
	}
	p->stats.bad++;
	p->stats.skipped += 2 + p->at;
	return AU_EV_BAD;
}

/**
 * au_parse() - take bytes from the line
 * @p: the parser
 * @buf: the bytes
 * @len: how many
 * @ev: set to what the parser stopped at
 *
 * Stops after the byte that completes a reply, an announcement or a
 * picture, so the caller can act on it before the bytes after it.
 *
 * Return: the bytes taken.
 */
size_t au_parse(struct au_parser *p, const u8 *buf, size_t len,
		enum au_event *ev)
{
	size_t i = 0, n;

	*ev = AU_EV_NONE;
	while (i < len) {
		u8 c = buf[i];

		switch (p->state) {
		case AU_HUNT:
			i++;
			if (c == 'U') {
				p->state = AU_TEXT;
				p->at = 0;
			} else {
				p->stats.skipped++;
			}
			break;
		case AU_TEXT:
			i++;
			if (c == '#') {
				*ev = au_text_end(p);
				return i;
			}
			if (c == 'U') {
				/* the U before was noise: this one begins */
				p->stats.bad++;
				p->stats.skipped += 1 + p->at;
				p->at = 0;
				break;
			}
			if (p->at == AU_TEXT_MAX) {
				/* no # in time: not a text */
				p->stats.bad++;
				p->stats.skipped += 2 + p->at;
				p->state = AU_HUNT;
				*ev = AU_EV_BAD;
				return i;
			}
			p->text[p->at++] = c;
			break;
		case AU_DATA:
			n = min_t(size_t, len - i, p->size - p->got);
			if (p->got < p->dst_len)
				memcpy(p->dst + p->got, buf + i,
				       min_t(size_t, n, p->dst_len - p->got));
			p->got += n;
			i += n;
			if (p->got == p->size) {
				p->state = AU_HUNT;
				*ev = AU_EV_DONE;
				return i;
			}
			break;
		}
	}
	return i;
}

/**
 * au_find_picture() - look for an announcement inside bytes taken as a
 *	picture's
 * @buf: the bytes
 * @len: how many
 *
 * A picture the camera cut short is followed at once by the next one's
 * `UP<size>#`, which the parser, counting the announced size, took as
 * picture bytes. A picture that fails its check is searched for one.
 *
 * Return: the offset of the first `UP<size>#` after the first byte, or
 * @len when there is none.
 */
size_t au_find_picture(const u8 *buf, size_t len)
{
	size_t i;
	int d;

	for (i = 1; i + 7 <= len; i++) {
		if (buf[i] != 'U' || buf[i + 1] != AU_OP_SIZE || buf[i + 6] != '#')
			continue;
		for (d = 0; d < 4; d++)
			if (au_hex(buf[i + 2 + d]) < 0)
				break;
		if (d == 4 && au_size((const char *)buf + i + 2))
			return i;
	}
	return len;
}
