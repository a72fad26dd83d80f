// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the Pixy (CMUcam5) UART protocol, pure code: the frame parser,
 * the camera's frame clock and the commands (see pixy-proto.h)
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "pixy-proto.h"

/*
 * Where the parser is:
 *  SEEK      looking for two sync words in a row at any byte offset
 *  SYNC2     one sync word read where a frame starts: the second must come
 *  CHECKSUM  a block's sync word read: its checksum next, or a sign the
 *            frame is over
 *  CHECKSUM_FRESH  the same, right after the frame's two sync words
 *  BLOCK     a block's words
 *  SYNC      a block is done: the next one's sync word, or the frame's end
 *  TAIL      a frame ended on something else: looking for the next frame,
 *            counting the bytes before it to tell junk from a lost rest
 */
enum {
	PX_SEEK,
	PX_SYNC2,
	PX_CHECKSUM,
	PX_CHECKSUM_FRESH,
	PX_BLOCK,
	PX_SYNC,
	PX_TAIL,
};

/*
 * After a frame's last block, bytes that are neither a sync word nor a
 * zero word: junk between frames (the frame was whole), or the rest of a
 * frame whose next sync word was damaged (it was not). Up to this many
 * bytes before the next frame's sync words are junk.
 */
#define PX_JUNK_MAX	7
/* ... and this many end the frame, broken, without waiting for the next */
#define PX_TAIL_MAX	64

/**
 * pixy_parser_reset() - forget any frame under way and look for the next
 * @p: the parser (its counters are kept)
 */
void pixy_parser_reset(struct pixy_parser *p)
{
	struct pixy_stats stats = p->stats;

	memset(p, 0, sizeof(*p));
	p->stats = stats;
	p->state = PX_SEEK;
}

/**
 * pixy_set_dst() - where the frame that just began goes
 * @p: the parser, right after %PIXY_EV_START
 * @dst: %PIXY_BUF_LEN bytes, or NULL to parse the frame without keeping it
 */
void pixy_set_dst(struct pixy_parser *p, u8 *dst)
{
	p->dst = dst;
}

static void px_begin(struct pixy_parser *p, bool cc)
{
	p->in_frame = true;
	p->dst = NULL;
	p->count = 0;
	p->dropped = 0;
	p->flags = 0;
	p->len = 0;
	p->cc = cc;
	p->state = PX_CHECKSUM_FRESH;
	p->stats.frames++;
}

/* The frame is over: write its header. */
static void px_end(struct pixy_parser *p, bool broken)
{
	u32 kept = min_t(u32, p->count, PIXY_MAX_BLOCKS);

	if (broken) {
		p->flags |= PIXY_FL_BROKEN;
		p->stats.broken++;
	}
	p->in_frame = false;
	p->len = PIXY_HDR_LEN + kept * PIXY_REC_LEN;
	if (p->dst) {
		put_unaligned_le16(kept, p->dst);
		put_unaligned_le16(p->flags, p->dst + 2);
		put_unaligned_le16(min_t(u32, p->dropped, 0xffff), p->dst + 4);
		put_unaligned_le16(0, p->dst + 6);
	}
}

/*
 * Back to looking for a frame start, from the last three bytes read (the
 * word @w and the byte before it): a block read one byte off may have
 * swallowed the first byte of the next frame's sync words.
 */
static void px_seek(struct pixy_parser *p, u16 w)
{
	p->state = PX_SEEK;
	p->win = (u32)p->prev << 16 | (w & 0xff) << 8 | w >> 8;
	p->nwin = 3;
}

/* A block's words are in: keep it when its checksum holds. */
static void px_block(struct pixy_parser *p)
{
	unsigned int i, n = p->cc ? PIXY_WORDS_CC : PIXY_WORDS;
	u16 sum = 0;
	u8 *r;

	for (i = 1; i <= n; i++)
		sum += p->words[i];
	p->state = PX_SYNC;
	if (sum != p->words[0]) {
		p->dropped++;
		p->flags |= PIXY_FL_BAD_BLOCKS;
		p->stats.bad_sums++;
		return;
	}
	p->stats.blocks++;
	if (p->count >= PIXY_MAX_BLOCKS) {
		p->flags |= PIXY_FL_TRUNCATED;
		p->count++;
		return;
	}
	if (p->dst) {
		r = p->dst + PIXY_HDR_LEN + p->count * PIXY_REC_LEN;
		for (i = 0; i < PIXY_WORDS; i++)
			put_unaligned_le16(p->words[1 + i], r + 2 * i);
		put_unaligned_le16(p->cc ? p->words[PIXY_WORDS_CC] : 0, r + 10);
		put_unaligned_le16(p->cc ? PIXY_BLOCK_CC : 0, r + 12);
		put_unaligned_le16(0, r + 14);
	}
	p->count++;
}

/*
 * A word that ends the frame where a block's sync word or checksum would
 * be: a zero word (the frame is whole), or a sync word read one byte off
 * (bytes were lost or added: broken). True when @w was one.
 */
static bool px_stop_word(struct pixy_parser *p, u16 w)
{
	if (!w) {
		p->stats.zero_words++;
		px_end(p, false);
		p->state = PX_SEEK;
		p->nwin = 0;
		return true;
	}
	if (w == PIXY_SYNC_OFF) {
		p->stats.slips++;
		px_end(p, true);
		px_seek(p, w);
		return true;
	}
	return false;
}

/* One whole word in a frame (any state but SEEK). */
static enum pixy_event px_word(struct pixy_parser *p, u16 w)
{
	switch (p->state) {
	case PX_SYNC2:
		if (w == PIXY_SYNC || w == PIXY_SYNC_CC) {
			px_begin(p, w == PIXY_SYNC_CC);
			return PIXY_EV_START;
		}
		if (w == PIXY_SYNC_OFF)
			p->stats.slips++;
		p->stats.skipped += 2;
		px_seek(p, w);
		return PIXY_EV_NONE;
	case PX_CHECKSUM_FRESH:
	case PX_CHECKSUM:
		if (w == PIXY_SYNC && p->state == PX_CHECKSUM_FRESH) {
			/* S S S: the frame was empty, the third starts the next */
			px_end(p, false);
			p->state = PX_SYNC2;
			return PIXY_EV_END;
		}
		if (w == PIXY_SYNC || w == PIXY_SYNC_CC) {
			/*
			 * The word read as this block's sync was the next
			 * frame's: this one is over, that one began.
			 */
			px_end(p, false);
			p->pending = w;
			return PIXY_EV_END;
		}
		if (px_stop_word(p, w))
			return PIXY_EV_END;
		p->words[0] = w;
		p->nwords = 1;
		p->state = PX_BLOCK;
		return PIXY_EV_NONE;
	case PX_BLOCK:
		p->words[p->nwords++] = w;
		if (p->nwords == 1 + (p->cc ? PIXY_WORDS_CC : PIXY_WORDS))
			px_block(p);
		return PIXY_EV_NONE;
	default:	/* PX_SYNC */
		if (w == PIXY_SYNC || w == PIXY_SYNC_CC) {
			p->cc = w == PIXY_SYNC_CC;
			p->state = PX_CHECKSUM;
			return PIXY_EV_NONE;
		}
		if (px_stop_word(p, w))
			return PIXY_EV_END;
		/* junk, or a damaged sync word: the next frame tells */
		px_seek(p, w);
		p->state = PX_TAIL;
		p->tail = 2;
		return PIXY_EV_NONE;
	}
}

/* Looking for 55 AA 55 AA or 55 AA 56 AA, one byte at a time. */
static enum pixy_event px_seek_byte(struct pixy_parser *p, u8 b)
{
	p->win = p->win << 8 | b;
	if (p->nwin < 4) {
		p->nwin++;
		if (p->nwin < 4)
			return PIXY_EV_NONE;
	} else {
		p->stats.skipped++;
	}
	if (p->state == PX_TAIL)
		p->tail++;
	/* oldest byte highest: 55 AA 55 AA is 0x55aa55aa */
	if (p->win == 0x55aa55aa || p->win == 0x55aa56aa) {
		p->nwin = 0;
		p->half = false;
		if (p->state == PX_TAIL) {
			/* the frame before ends first */
			px_end(p, p->tail - 4 > PX_JUNK_MAX);
			p->pending = p->win & 0xffff;
			p->pending = p->pending >> 8 | (p->pending & 0xff) << 8;
			p->state = PX_SEEK;
			return PIXY_EV_END;
		}
		px_begin(p, (p->win & 0xff00) == 0x5600);
		return PIXY_EV_START;
	}
	if (p->state == PX_TAIL && p->tail >= PX_TAIL_MAX) {
		px_end(p, true);
		p->state = PX_SEEK;
		return PIXY_EV_END;
	}
	return PIXY_EV_NONE;
}

/**
 * pixy_parse() - take received bytes up to the next event
 * @p: the parser
 * @buf: bytes received
 * @len: number of bytes at @buf
 * @ev: set to what happened (%PIXY_EV_NONE: all @len bytes taken)
 *
 * At %PIXY_EV_START the frame's first byte is the fourth before the end of
 * what was taken, @p->pos - 4 in the stream (also when a frame's end is
 * found by the next one's start: that start comes right after, with
 * nothing more taken).
 *
 * Return: the number of bytes taken.
 */
size_t pixy_parse(struct pixy_parser *p, const u8 *buf, size_t len,
		  enum pixy_event *ev)
{
	size_t i;

	*ev = PIXY_EV_NONE;
	if (p->pending) {
		px_begin(p, p->pending == PIXY_SYNC_CC);
		p->pending = 0;
		*ev = PIXY_EV_START;
		return 0;
	}
	for (i = 0; i < len; i++) {
		p->pos++;
		if (p->state == PX_SEEK || p->state == PX_TAIL) {
			*ev = px_seek_byte(p, buf[i]);
		} else if (!p->half) {
			p->lo = buf[i];
			p->half = true;
		} else {
			p->half = false;
			*ev = px_word(p, p->lo | buf[i] << 8);
			p->prev = buf[i];
		}
		if (*ev != PIXY_EV_NONE)
			return i + 1;
	}
	return len;
}

/**
 * pixy_idle() - the line went silent
 * @p: the parser
 *
 * A frame under way ends: whole when it stopped between blocks, broken when
 * a block or word was cut off.
 *
 * Return: %PIXY_EV_END when a frame was under way, else %PIXY_EV_NONE.
 */
enum pixy_event pixy_idle(struct pixy_parser *p)
{
	bool broken;

	p->pending = 0;
	if (!p->in_frame) {
		p->state = PX_SEEK;
		p->nwin = 0;
		p->half = false;
		return PIXY_EV_NONE;
	}
	broken = p->half || p->state == PX_BLOCK ||
		 (p->state == PX_TAIL && p->tail > PX_JUNK_MAX);
	px_end(p, broken);
	p->state = PX_SEEK;
	p->nwin = 0;
	p->half = false;
	return PIXY_EV_END;
}

/* (@t - @c->phase) / @period rounded down (@round: to the nearest) */
static s64 px_ticks(const struct pixy_clock *c, u64 t, u32 period, bool round)
{
	s64 d = (s64)(t - c->phase) + (round ? period / 2 : 0);
	s64 k = div_s64(d, period);

	return k * period > d ? k - 1 : k;
}

/* The tick the camera detected a frame at, by its rule, after the last. */
static s64 px_next(const struct pixy_clock *c, u32 period, u64 *at)
{
	s64 k = px_ticks(c, c->end + PIXY_CLOCK_TIE_NS, period, false);

	if (k > c->k) {
		/* detected while the line was busy: sent as it freed */
		*at = c->end;
		return k;
	}
	/* the line freed first: the next one, sent on its tick */
	*at = c->phase + (c->k + 1) * period;
	return c->k + 1;
}

/**
 * pixy_clock_step() - camera frames from the last frame seen to this one
 * @c: the clock; set @c->end before each step after the first
 * @start: when this frame's first byte arrived, as measured (ns)
 * @period: the camera's frame period (ns)
 *
 * Pixy detects a frame every @period and sends it when the line is free;
 * frames detected while the line is busy are dropped but the newest. So
 * once the clock's phase is known, which frame comes next follows from
 * when the line freed (@c->end: the last frame's start plus the time of
 * the bytes since): the newest detected by then, at once, or else the
 * next one, on its tick. Measured times come late by the host's latency,
 * which varies: they only confirm that prediction (from a quarter of a
 * period early to half a period late, a whole one when the line was busy),
 * give the phase (the first frame
 * that starts on an idle line, then the earliest of those that come on
 * their tick: latency only ever adds), and stand in for it when something
 * else happened (a silence: the last tick before). Until a frame starts on an
 * idle line the phase is a guess (the first frame's start) and a count
 * may be one off; so may one seen more than half a period late.
 *
 * Return: 1 for the next frame, 1 + n when n frames were dropped between.
 */
u32 pixy_clock_step(struct pixy_clock *c, u64 start, u32 period)
{
	s64 prev = c->k, now, r;
	u64 want;

	if (!c->valid || !period) {
		c->valid = true;
		c->phase = start;
		c->start = start;
		c->end = start;
		c->k = 0;
		return 1;
	}
	if (c->locked) {
		now = px_next(c, period, &want);
		r = (s64)(start - want);
		/*
		 * Late by up to half a period on an idle line, a whole one on
		 * a busy line (only a silence of a frame's time, the camera
		 * stalled or unplugged, makes that one wrong).
		 */
		if (r > -(s64)(period / 4) &&
		    r < (s64)(want == c->end ? period : period / 2)) {
			if (want != c->end) {
				/* on its tick: how late it is tells the phase */
				c->phase += r < 0 ? r : div_s64(r, 4);
				want = c->phase + now * period;
			}
			c->start = want;
			goto done;
		}
	}
	/* not locked yet, or not what the camera would do */
	if (c->locked && start > c->end + period / 4) {
		/*
		 * Later than foreseen: a silence (the camera stalled or was
		 * unplugged), or a host very late. Latency only adds, so the
		 * frame was detected at the last tick before it was seen,
		 * and says nothing of the phase unless it came just before
		 * a tick (then the phase was late).
		 */
		now = px_ticks(c, start, period, true);
		r = (s64)(start - c->phase) - now * period;
		if (r < 0 && r > -(s64)(period / 4))
			c->phase += r;	/* near a tick, early: the phase was late */
		else
			now = px_ticks(c, start, period, false);
		now = max(now, prev + 1);
		c->start = c->phase + now * period;
	} else if (start > c->end + period / 4) {
		/* the line was idle: detected as it started; the phase */
		now = px_ticks(c, start, period, true);
		r = (s64)(start - c->phase) - now * period;
		c->phase += r;
		c->locked = true;
		c->start = c->phase + now * period;
	} else {
		/* back to back: the newest detected when the last one ended */
		c->start = start + period / 4 < c->end ? start : c->end;
		now = px_ticks(c, c->start + PIXY_CLOCK_TIE_NS, period, false);
	}
done:
	c->k = now;
	c->end = c->start;
	return now - prev >= 1 ? (u32)min_t(s64, now - prev, 0x7fffffff) : 1;
}

/**
 * pixy_cmd_servo() - the servo command
 * @out: %PIXY_CMD_SERVO_LEN bytes
 * @pan: servo 0, 0..%PIXY_SERVO_MAX
 * @tilt: servo 1, 0..%PIXY_SERVO_MAX
 *
 * Return: the command's length.
 */
size_t pixy_cmd_servo(u8 *out, u16 pan, u16 tilt)
{
	out[0] = 0x00;
	out[1] = 0xff;
	put_unaligned_le16(pan, out + 2);
	put_unaligned_le16(tilt, out + 4);
	return PIXY_CMD_SERVO_LEN;
}

/**
 * pixy_cmd_brightness() - the camera brightness command
 * @out: %PIXY_CMD_BRIGHT_LEN bytes
 * @value: 0..255
 *
 * Return: the command's length.
 */
size_t pixy_cmd_brightness(u8 *out, u8 value)
{
	out[0] = 0x00;
	out[1] = 0xfe;
	out[2] = value;
	return PIXY_CMD_BRIGHT_LEN;
}

/**
 * pixy_cmd_led() - the RGB LED command
 * @out: %PIXY_CMD_LED_LEN bytes
 * @rgb: the colour, 0xRRGGBB
 *
 * Return: the command's length.
 */
size_t pixy_cmd_led(u8 *out, u32 rgb)
{
	out[0] = 0x00;
	out[1] = 0xfd;
	out[2] = rgb >> 16;
	out[3] = rgb >> 8;
	out[4] = rgb;
	return PIXY_CMD_LED_LEN;
}
