// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: JPEG stream framings
 *
 * See stream-proto.h. A frame is only begun (and a buffer asked for) once
 * it starts like a JPEG: SOI, then FF and the marker of a segment that may
 * follow SOI. Noise that happens to hold FF D8 is thus skipped, not
 * handed out as a broken frame.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "stream-proto.h"

enum {
	ST_HUNT,	/* outside a frame */
	ST_PROBE,	/* SOI, FF and a first segment marker must come */
	ST_PREFIX,	/* begun: the probed bytes go to the destination */
	ST_FRAME,	/* the JPEG, by the marker walk */
	ST_END,		/* the end marker after EOI */
	ST_PAD,		/* padding after EOI, up to the announced length */
};

#define STREAM_PREFIX_LEN	4	/* FF D8 FF xx */

/**
 * stream_config_check() - check a framing's parameters
 * @cfg: the framing
 *
 * Return: 0, or -EINVAL when a marker is empty or too long, the two
 * markers are the same, or the limit is too small for a JPEG.
 */
int stream_config_check(const struct stream_config *cfg)
{
	if (cfg->max_len < STREAM_LEN_MIN)
		return -EINVAL;
	switch (cfg->framing) {
	case STREAM_FRAMING_JPEG:
	case STREAM_FRAMING_LENGTH:
		return 0;
	case STREAM_FRAMING_MARKERS:
		if (!cfg->start_len || cfg->start_len > STREAM_MARKER_MAX ||
		    !cfg->end_len || cfg->end_len > STREAM_MARKER_MAX)
			return -EINVAL;
		if (cfg->start_len == cfg->end_len &&
		    !memcmp(cfg->start, cfg->end, cfg->start_len))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static void stream_hunt_again(struct stream_parser *p)
{
	p->state = ST_HUNT;
	p->match = 0;
	p->ff = false;
}

/**
 * stream_parser_reset() - forget any frame under way
 * @p: the parser
 *
 * The counters are kept.
 */
void stream_parser_reset(struct stream_parser *p)
{
	stream_hunt_again(p);
	p->synced = p->cfg.framing != STREAM_FRAMING_JPEG;
	p->skip = false;
	p->tail_len = 0;
	p->want = 0;
	p->dst = NULL;
	p->dst_size = 0;
	p->len = 0;
}

/**
 * stream_idle() - the line went silent
 * @p: the parser
 *
 * A frame under way was cut short for good (the camera stopped in the
 * middle of it: unplugged, reset): it breaks now, with -ETIMEDOUT, not
 * when the camera speaks again. What comes next starts afresh, as after
 * stream_parser_reset().
 *
 * Return: %STREAM_EV_BROKEN when a frame that began (and was not being
 * skipped) broke, else %STREAM_EV_NONE.
 */
enum stream_event stream_idle(struct stream_parser *p)
{
	enum stream_event ev = STREAM_EV_NONE;

	if (p->state != ST_HUNT && p->state != ST_PROBE && !p->skip) {
		p->err = -ETIMEDOUT;
		p->stats.truncated++;
		ev = STREAM_EV_BROKEN;
	}
	stream_parser_reset(p);
	return ev;
}

/**
 * stream_parser_init() - set up a parser
 * @p: the parser
 * @cfg: the framing, checked by stream_config_check()
 */
void stream_parser_init(struct stream_parser *p,
			const struct stream_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->cfg = *cfg;
	stream_parser_reset(p);
}

/**
 * stream_set_dst() - where the frame just begun goes
 * @p: the parser, after %STREAM_EV_BEGIN
 * @dst: the buffer, or NULL to drop the frame
 * @size: room at @dst
 */
void stream_set_dst(struct stream_parser *p, u8 *dst, u32 size)
{
	p->dst = dst;
	p->dst_size = dst ? size : 0;
}

/* The marker after SOI: one of the segments a JPEG may start with. */
static bool stream_first_marker(u8 m)
{
	return (m >= 0xe0 && m <= 0xef) ||	/* APPn */
	       (m >= 0xc0 && m <= 0xcf) ||	/* SOFn, DHT, DAC */
	       m == 0xdb || m == 0xdd ||	/* DQT, DRI */
	       m == 0xfe;			/* COM */
}

/* Remember the last bytes seen (for a length prefix before an SOI). */
static void stream_remember(struct stream_parser *p, const u8 *buf, size_t n)
{
	size_t keep;

	if (n >= sizeof(p->tail)) {
		memcpy(p->tail, buf + n - sizeof(p->tail), sizeof(p->tail));
		p->tail_len = sizeof(p->tail);
		return;
	}
	keep = min_t(size_t, p->tail_len, sizeof(p->tail) - n);
	memmove(p->tail, p->tail + p->tail_len - keep, keep);
	memcpy(p->tail + keep, buf, n);
	p->tail_len = keep + n;
}

/*
 * The length announced by the 4 bytes that end @skip bytes before the end
 * of the tail, if it is a plausible one; else 0.
 */
static u32 stream_announced(const struct stream_parser *p, unsigned int skip)
{
	u32 n;

	if (p->tail_len < 4 + skip)
		return 0;
	n = get_unaligned_le32(p->tail + p->tail_len - skip - 4);
	return n >= STREAM_LEN_MIN && n <= p->cfg.max_len ? n : 0;
}

/* FF D8 has just been seen: a frame may start; probe what follows. */
static void stream_soi(struct stream_parser *p, u32 want)
{
	p->want = want;
	p->match = 2;
	p->state = ST_PROBE;
}

/* Longest prefix of @m that is a suffix of what matched, then @c. */
static u8 stream_fallback(const u8 *m, u8 matched, u8 c)
{
	u8 k, i;

	for (k = matched; k > 0; k--) {
		if (m[k - 1] != c)
			continue;
		for (i = 0; i + 1 < k; i++)
			if (m[i] != m[matched - k + 1 + i])
				break;
		if (i + 1 == k)
			return k;
	}
	return 0;
}

/* Markers framing, outside a frame: find the start marker. */
static size_t stream_hunt_marker(struct stream_parser *p, const u8 *buf,
				 size_t len)
{
	const struct stream_config *cfg = &p->cfg;
	size_t i = 0;

	while (i < len) {
		u8 c = buf[i++];

		if (c != cfg->start[p->match]) {
			p->stats.skipped += p->match + 1;
			p->match = stream_fallback(cfg->start, p->match, c);
			p->stats.skipped -= p->match;
			continue;
		}
		if (++p->match == cfg->start_len) {
			p->want = 0;
			p->match = 0;
			p->state = ST_PROBE;
			break;
		}
	}
	return i;
}

/* JPEG and length framings, outside a frame: find FF D8. */
static size_t stream_hunt_soi(struct stream_parser *p, const u8 *buf,
			      size_t len)
{
	bool length = p->cfg.framing == STREAM_FRAMING_LENGTH;
	size_t i = 0;
	const u8 *ff;
	u32 want;

	while (i < len) {
		if (!p->ff) {
			ff = memchr(buf + i, 0xff, len - i);
			if (!ff) {
				stream_remember(p, buf + i, len - i);
				p->stats.skipped += len - i;
				return len;
			}
			stream_remember(p, buf + i, ff - (buf + i));
			p->stats.skipped += ff - (buf + i);
			i = ff - buf + 1;
			p->ff = true;
			continue;
		}
		/* FF was the last byte: is this D8? */
		if (buf[i] == 0xd8) {
			want = length ? stream_announced(p, 0) : 0;
			if (!length || want) {
				if (length)
					p->stats.skipped -= 4;
				p->ff = false;
				/*
				 * Right after an EOI (or the first thing seen):
				 * a frame boundary, not a thumbnail inside a frame
				 */
				if (!p->tail_len ||
				    (p->tail_len >= 2 &&
				     p->tail[p->tail_len - 2] == 0xff &&
				     p->tail[p->tail_len - 1] == 0xd9))
					p->synced = true;
				stream_soi(p, want);
				return i + 1;
			}
		}
		stream_remember(p, (const u8 []){ 0xff }, 1);
		p->stats.skipped++;
		p->ff = false;
	}
	return i;
}

static void stream_broken(struct stream_parser *p, int err,
			  enum stream_event *ev)
{
	/* a frame cut by the next one's SOI: the next one begins right there */
	p->synced = err == -EPIPE || p->cfg.framing != STREAM_FRAMING_JPEG;
	if (p->skip) {
		/* a frame not delivered breaks quietly */
		p->skip = false;
		return;
	}
	p->err = err;
	switch (err) {
	case -EPIPE:
		p->stats.truncated++;
		break;
	case -EMSGSIZE:
		p->stats.too_long++;
		break;
	case -EILSEQ:
		p->stats.bad_jpeg++;
		break;
	default:
		p->stats.bad_framing++;
		break;
	}
	*ev = STREAM_EV_BROKEN;
}

/* The frame ended: whole, unless it outgrew its buffer on the way. */
static void stream_end(struct stream_parser *p, enum stream_event *ev)
{
	stream_hunt_again(p);
	p->tail_len = 0;
	p->synced = true;
	if (p->skip) {
		p->skip = false;
		p->stats.unsynced++;
		p->stats.skipped += p->len;
		return;
	}
	if (p->err == -EMSGSIZE) {
		stream_broken(p, -EMSGSIZE, ev);
		/* walked to its very end all the same: still in step */
		p->synced = true;
		return;
	}
	p->width = p->walk.width;
	p->height = p->walk.height;
	p->stats.frames++;
	*ev = STREAM_EV_FRAME;
}

/* Store @n bytes of the frame (while they fit). */
static void stream_take(struct stream_parser *p, const u8 *buf, size_t n)
{
	if (p->len + n > p->dst_size) {
		/* over the buffer: nothing more is stored, the frame is lost */
		if (p->dst)
			p->err = -EMSGSIZE;
		p->dst_size = 0;
	} else if (p->dst) {
		memcpy(p->dst + p->len, buf, n);
	}
	p->len += n;
}

/* Inside the JPEG. Returns bytes consumed; sets *ev when the frame ends. */
static size_t stream_frame(struct stream_parser *p, const u8 *buf, size_t len,
			   enum stream_event *ev)
{
	u32 limit = p->want ? p->want : p->cfg.max_len;
	size_t n;
	u32 want;

	n = sercam_jpeg_walk(&p->walk, buf, min_t(size_t, len, limit - p->len));
	stream_take(p, buf, n);
	stream_remember(p, buf, n);
	if (sercam_jpeg_walk_failed(&p->walk)) {
		if (!sercam_jpeg_walk_soi(&p->walk)) {
			stream_broken(p, -EILSEQ, ev);
			stream_hunt_again(p);
			return n;
		}
		/* cut short by the next frame, whose FF D8 this was */
		stream_broken(p, -EPIPE, ev);
		want = stream_announced(p, 2);
		if (p->cfg.framing == STREAM_FRAMING_LENGTH && !want) {
			stream_hunt_again(p);
			return n;
		}
		stream_soi(p, want);
		return n;
	}
	if (sercam_jpeg_walk_done(&p->walk)) {
		if (p->cfg.framing == STREAM_FRAMING_MARKERS) {
			p->state = ST_END;
			p->match = 0;
		} else if (p->want && p->len < p->want) {
			p->pad = p->want - p->len;
			p->state = ST_PAD;
		} else {
			stream_end(p, ev);
		}
		return n;
	}
	if (p->len == limit) {
		/* the announced length, or the limit, ends inside the JPEG */
		stream_broken(p, p->want ? -EPROTO : -EMSGSIZE, ev);
		stream_hunt_again(p);
	}
	return n;
}

/* After EOI: the end marker, or padding up to the announced length. */
static size_t stream_tail(struct stream_parser *p, const u8 *buf, size_t len,
			  enum stream_event *ev)
{
	const struct stream_config *cfg = &p->cfg;
	size_t i = 0;
	bool ok;

	while (i < len) {
		if (p->state == ST_END)
			ok = buf[i] == cfg->end[p->match];
		else
			ok = buf[i] == 0x00 || buf[i] == 0xff;
		if (!ok) {
			/* not consumed: it may start the next frame */
			stream_broken(p, -EPROTO, ev);
			stream_hunt_again(p);
			return i;
		}
		i++;
		if (p->state == ST_END ? ++p->match == cfg->end_len :
					 !--p->pad) {
			stream_end(p, ev);
			break;
		}
	}
	return i;
}

/* SOI (or the start marker) is behind: FF D8 FF and a segment marker? */
static size_t stream_probe(struct stream_parser *p, const u8 *buf,
			   enum stream_event *ev)
{
	static const u8 prefix[] = { 0xff, 0xd8, 0xff };
	u8 c = buf[0];

	if (p->match < sizeof(prefix) && c == prefix[p->match]) {
		p->match++;
		return 1;
	}
	if (p->match == sizeof(prefix) && stream_first_marker(c)) {
		p->first = c;
		p->err = 0;
		p->len = 0;
		p->dst = NULL;
		p->dst_size = 0;
		sercam_jpeg_walk_init(&p->walk);
		p->state = ST_PREFIX;
		/* not in step: walk this one to its end, deliver the next */
		p->skip = !p->synced;
		if (!p->skip)
			*ev = STREAM_EV_BEGIN;
		return 1;
	}
	/* not a JPEG after all: noise (or a broken start marker) */
	if (p->cfg.framing == STREAM_FRAMING_MARKERS)
		p->stats.bad_framing++;
	else
		p->stats.skipped += p->match;
	stream_hunt_again(p);
	p->tail_len = 0;
	return 0;
}

/**
 * stream_parse() - consume received bytes
 * @p: the parser
 * @buf: bytes received
 * @len: how many
 * @ev: set to what the parser stopped on
 *
 * Call again with the rest of @buf until it is all consumed. After
 * %STREAM_EV_BEGIN call stream_set_dst() first.
 *
 * Return: bytes of @buf consumed.
 */
size_t stream_parse(struct stream_parser *p, const u8 *buf, size_t len,
		    enum stream_event *ev)
{
	size_t i = 0;

	*ev = STREAM_EV_NONE;
	while (*ev == STREAM_EV_NONE && (i < len || p->state == ST_PREFIX)) {
		switch (p->state) {
		case ST_HUNT:
			if (p->cfg.framing == STREAM_FRAMING_MARKERS)
				i += stream_hunt_marker(p, buf + i, len - i);
			else
				i += stream_hunt_soi(p, buf + i, len - i);
			break;
		case ST_PROBE:
			i += stream_probe(p, buf + i, ev);
			break;
		case ST_PREFIX: {
			const u8 prefix[STREAM_PREFIX_LEN] = {
				0xff, 0xd8, 0xff, p->first
			};

			sercam_jpeg_walk(&p->walk, prefix, sizeof(prefix));
			stream_take(p, prefix, sizeof(prefix));
			p->tail_len = 0;
			p->state = ST_FRAME;
			break;
		}
		case ST_FRAME:
			i += stream_frame(p, buf + i, len - i, ev);
			break;
		default:
			i += stream_tail(p, buf + i, len - i, ev);
			break;
		}
	}
	return i;
}
