// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the SXH485 protocol core (sxh485-proto.c, the very
 * file the module builds).
 *
 * The receive parser is driven the way sercam-sxh485.c drives it (one
 * expected short reply, packet-mode reassembly, a whole-image reply) with
 * the received bytes split at points taken from the input, into heap
 * buffers of exactly the size the expectation names, so that ASan sees any
 * overrun. Every parser call is checked against the contract in
 * sxh485-proto.h, both directly (the reported frame is rebuilt from the
 * received bytes and its CRC recomputed here, with a CRC-16/XMODEM of our
 * own) and against a reference model: a parser written here from the
 * header's description, which scans the received bytes by position (a
 * rejected header: go on from its second byte) instead of copying and
 * refeeding them. The model says which event each call must stop on, after
 * how many bytes, what the counters must read and which bytes of the data
 * buffers must have been written. Any difference is a crash (abort()).
 *
 * sxh485_encode(), sxh485_jpeg_end(), sxh485_best_pkt_size() and the small
 * helpers are checked against their contracts too.
 *
 * Input (every field reads as 0 past the end of the input):
 *
 *   byte 0     scenario (bits 0-1) and flags (bits 2-7), see SC_* and F_*
 *   bytes 1-4  chunk sizes, used in turn: 0 = all that is left, 1..0xef =
 *              that many bytes, 0xf0..0xff = (v - 0xef) * 256 bytes
 *   then       the scenario's parameters (see the scenario functions)
 *   then       the received bytes (SC_AUX: more parameters and data)
 *
 * With F_EXCH the received bytes are a list of exchanges, each a 16-bit
 * little-endian length and that many bytes. As in the driver, the parser is
 * re-armed when an exchange starts (sxh485_rx_start()) and the rest of an
 * exchange is dropped once sxh485_receive() would have ended it. Without
 * it the bytes are one stream and the parser keeps going after every event.
 * With F_FIXCRC every frame found in the received bytes gets its right CRC
 * before they are fed (so that mutated frames still pass).
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "sxh485-proto.h"

enum {
	SC_REPLY,	/* one short reply, expectation from the input */
	SC_PACKETS,	/* 0x30 and 0x31 replies: packet-mode reassembly */
	SC_WHOLE,	/* a 0x02/0x12 whole-image reply */
	SC_AUX,		/* encoder and helpers, no parser */
};

/*
 * Flags, byte 0. F_OPT means, for SC_REPLY: a data buffer; SC_PACKETS: the
 * 0x30 reply first; SC_WHOLE: 0x12 (gray).
 */
#define F_RETRY		0x04	/* re-arm after an error, as a retry does */
#define F_OPT		0x08	/* see above */
#define F_NOEXP		0x10	/* SC_REPLY: no expectation at all */
#define F_EXCH		0x20	/* the received bytes come in exchanges */
#define F_FIXCRC	0x40	/* correct the CRC of every frame first */

/* The largest buffer a scenario allocates (SC_REPLY's are at most 64K). */
#define MAX_IMAGE	(256 * 1024)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			fail(__LINE__, #cond);				\
	} while (0)

/* Where in the received bytes the current check is, for the report. */
static size_t fail_pos;

static void __attribute__((noreturn)) fail(int line, const char *what)
{
	fprintf(stderr,
		"fuzz_sxh485: line %d: check failed: %s (at received byte %zu)\n",
		line, what, fail_pos);
	abort();
}

/* CRC-16/XMODEM, bit by bit: independent of the kernel's table. */
static u16 crc16(u16 crc, const u8 *buf, size_t len)
{
	int i;

	while (len--) {
		crc ^= (u16)*buf++ << 8;
		for (i = 0; i < 8; i++)
			crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
	}
	return crc;
}

static bool is_long_cmd(u8 cmd)
{
	return cmd == SXH485_CMD_SNAP_SEND || cmd == SXH485_CMD_SNAP_SEND_GRAY;
}

/* The expectation's limits as sxh485-proto.h describes them (clamped). */
static u8 exp_head_len(const struct sxh485_expect *e)
{
	if (!e)
		return 0;
	return e->head_len > SXH485_HEAD_MAX ? SXH485_HEAD_MAX : e->head_len;
}

static u8 exp_match_len(const struct sxh485_expect *e)
{
	u8 n;

	if (!e)
		return 0;
	n = e->match_len > SXH485_MATCH_MAX ? SXH485_MATCH_MAX : e->match_len;
	return n > exp_head_len(e) ? exp_head_len(e) : n;
}

static u64 exp_bound(const struct sxh485_expect *e)
{
	if (!e)
		return 0;
	return (u64)exp_head_len(e) + (e->data ? e->data_len : 0);
}

/* Whether a frame (addr, cmd, payload) is the one @e waits for. */
static bool exp_matches(const struct sxh485_expect *e, u8 addr, u8 cmd,
			const u8 *payload, u32 len)
{
	u8 ml = exp_match_len(e);

	return e && addr == e->addr && cmd == e->cmd && len >= ml &&
	       !memcmp(payload, e->match, ml);
}

/* --- the reference model ------------------------------------------------ */

enum { M_HUNT, M_HDR, M_BODY };

/*
 * The model reads the received bytes by position. @hw is how many of them
 * the parser has consumed: a byte below it is read again only when a
 * rejected header is rescanned, and an event on such a byte is not
 * reported (the parser rescans bytes it already has, quietly).
 */
struct model {
	const u8 *w;
	size_t scan;
	size_t hw;
	int st;
	size_t start;		/* first byte of the current header */
	u8 hl;			/* its length, 6 or 7, once the command is in */
	u32 len;
	u32 pos;
	u16 crc;
	u8 crc_lo;
	bool matching;
	const struct sxh485_expect *exp;
	u8 *shadow;		/* the model's view of exp->data */
	struct sxh485_parser_stats stats;
	/* the header or frame of the last reported event */
	size_t ev_start;
	u8 ev_hl;
	u32 ev_len;
};

static void model_reset(struct model *m, const struct sxh485_expect *exp,
			u8 *shadow)
{
	CHECK(m->scan == m->hw);
	m->st = M_HUNT;
	m->exp = exp;
	m->shadow = shadow;
}

/* Header complete at m->start: accept it or reject it for its length. */
static enum sxh485_event model_header(struct model *m)
{
	const u8 *h = m->w + m->start;
	u32 len = h[4] | h[5] << 8;

	if (m->hl == 7)
		len |= (u32)h[6] << 16;
	if (len > exp_bound(m->exp)) {
		m->stats.bad_len++;
		m->stats.skipped++;
		m->st = M_HUNT;
		m->scan = m->start + 1;
		return SXH485_EV_BAD_LEN;
	}
	if (h[0] == SXH485_HDR1)
		m->stats.swapped++;
	m->len = len;
	m->pos = 0;
	m->crc = crc16(0, h + 2, m->hl - 2);
	m->matching = m->exp && h[2] == m->exp->addr && h[3] == m->exp->cmd;
	m->st = M_BODY;
	return SXH485_EV_NONE;
}

static enum sxh485_event model_byte(struct model *m, u8 b)
{
	const struct sxh485_expect *e = m->exp;
	size_t k;

	switch (m->st) {
	case M_HUNT:
		if (b != SXH485_HDR0 && b != SXH485_HDR1) {
			m->stats.skipped++;
			return SXH485_EV_NONE;
		}
		m->start = m->scan - 1;
		m->hl = SXH485_HDR_LEN;
		m->st = M_HDR;
		return SXH485_EV_NONE;
	case M_HDR:
		k = m->scan - 1 - m->start;
		if (k == 1 && b != (m->w[m->start] == SXH485_HDR0 ?
				    SXH485_HDR1 : SXH485_HDR0)) {
			m->stats.skipped++;
			m->st = M_HUNT;
			m->scan = m->start + 1;
			return SXH485_EV_NONE;
		}
		if (k == 3 && is_long_cmd(b))
			m->hl = SXH485_HDR_LEN + 1;
		if (k + 1 == m->hl)
			return model_header(m);
		return SXH485_EV_NONE;
	default:
		if (m->pos < m->len) {
			m->crc = crc16(m->crc, &b, 1);
			if (m->pos < exp_head_len(e)) {
				if (m->pos < exp_match_len(e) &&
				    b != e->match[m->pos])
					m->matching = false;
			} else if (m->matching) {
				CHECK(m->shadow);
				m->shadow[m->pos - exp_head_len(e)] = b;
			}
			m->pos++;
			return SXH485_EV_NONE;
		}
		if (m->pos == m->len) {
			m->crc_lo = b;
			m->pos++;
			return SXH485_EV_NONE;
		}
		m->st = M_HUNT;
		if ((m->crc_lo | b << 8) != m->crc) {
			m->stats.bad_crc++;
			return SXH485_EV_BAD_CRC;
		}
		m->stats.frames++;
		if (m->matching && m->len >= exp_match_len(e))
			return SXH485_EV_FRAME;
		return SXH485_EV_OTHER;
	}
}

/*
 * Run the model over the received bytes up to @avail, as one parser call
 * given them. Returns the event that call must stop on; m->scan is then
 * where it must have stopped.
 */
static enum sxh485_event model_run(struct model *m, size_t avail)
{
	enum sxh485_event ev, pend = SXH485_EV_NONE;
	size_t lim = avail;
	bool fresh;

	CHECK(m->scan == m->hw);
	while (m->scan < lim) {
		fresh = m->scan >= m->hw;
		if (fresh)
			m->hw = m->scan + 1;
		ev = model_byte(m, m->w[m->scan++]);
		if (ev == SXH485_EV_NONE)
			continue;
		if (!fresh) {
			/* a header inside a rejected one: no frame fits */
			CHECK(ev == SXH485_EV_BAD_LEN);
			continue;
		}
		/* finish rescanning what was consumed, then report */
		pend = ev;
		lim = m->hw;
		m->ev_start = m->start;
		m->ev_hl = m->hl;
		m->ev_len = m->len;
	}
	return pend;
}

/* --- driving the parser ------------------------------------------------- */

struct ctx {
	const u8 *wire;		/* the received bytes */
	size_t wire_len;
	size_t pos;		/* consumed by the parser so far */
	u8 flags;
	int sc;
	u8 chunks[4];

	struct sxh485_parser p;
	struct sxh485_expect exp;
	const struct sxh485_expect *armed;
	struct model m;
	bool exch_over;		/* F_EXCH: the driver ended this exchange */

	u8 *fixed;		/* F_FIXCRC: the received bytes, corrected */
	u8 *buf;		/* the data buffer, exactly @size bytes */
	u8 *shadow;		/* the model's copy of it */
	u32 size;

	/* SC_PACKETS */
	u8 addr;
	u32 pkt_size;
	u32 img_size;
	u32 count;
	u32 pkt;
	bool snap_phase;
};

/* What the data buffers hold before the parser writes: not all one byte. */
static u8 pattern[MAX_IMAGE];

static void fill_pattern(u8 *b, u32 n)
{
	u32 i;

	if (!pattern[0])
		for (i = 0; i < sizeof(pattern); i++)
			pattern[i] = (u8)(i * 13 + 0x5a);
	memcpy(b, pattern, n);
}

/* Hand the parser (and the model) ctx->exp, or nothing. */
static void arm(struct ctx *c, bool none)
{
	u8 *shadow = NULL;

	c->armed = none ? NULL : &c->exp;
	if (!none && c->exp.data)
		shadow = c->shadow + (c->exp.data - c->buf);
	sxh485_parser_reset(&c->p, c->armed);
	model_reset(&c->m, c->armed, shadow);
}

static bool stats_ge(const struct sxh485_parser_stats *a,
		     const struct sxh485_parser_stats *b)
{
	return a->skipped >= b->skipped && a->frames >= b->frames &&
	       a->bad_crc >= b->bad_crc && a->bad_len >= b->bad_len &&
	       a->swapped >= b->swapped;
}

static bool stats_eq(const struct sxh485_parser_stats *a,
		     const struct sxh485_parser_stats *b)
{
	return a->skipped == b->skipped && a->frames == b->frames &&
	       a->bad_crc == b->bad_crc && a->bad_len == b->bad_len &&
	       a->swapped == b->swapped;
}

/*
 * A frame the parser reported (EV_FRAME, EV_OTHER), checked against the
 * bytes received and the contract alone: the frame p describes must be the
 * last bytes consumed, and its CRC right.
 */
static void check_frame(struct ctx *c, enum sxh485_event ev)
{
	const struct sxh485_expect *e = c->armed;
	const struct sxh485_parser *p = &c->p;
	u8 hl = exp_head_len(e), ml = exp_match_len(e);
	const u8 *f, *pay;
	size_t flen;
	u32 len;
	u16 rx;

	flen = (is_long_cmd(p->cmd) ? 7 : 6) + (size_t)p->len + SXH485_CRC_LEN;
	CHECK(flen <= c->pos);
	f = c->wire + c->pos - flen;
	pay = f + flen - SXH485_CRC_LEN - p->len;
	CHECK((f[0] == SXH485_HDR0 && f[1] == SXH485_HDR1) ||
	      (f[0] == SXH485_HDR1 && f[1] == SXH485_HDR0));
	CHECK(f[2] == p->addr && f[3] == p->cmd);
	len = f[4] | f[5] << 8 | (is_long_cmd(p->cmd) ? (u32)f[6] << 16 : 0);
	CHECK(len == p->len);
	/* never a frame whose CRC does not verify */
	rx = f[flen - 2] | f[flen - 1] << 8;
	CHECK(rx == crc16(0, f + 2, flen - 4));
	CHECK(p->head_got == (p->len < hl ? p->len : hl));
	CHECK(!memcmp(p->head, pay, p->head_got));

	if (ev == SXH485_EV_OTHER) {
		/* it got past the length check, and it is not ours */
		CHECK(p->len <= exp_bound(e));
		CHECK(!exp_matches(e, p->addr, p->cmd, pay, p->len));
		return;
	}
	CHECK(e);
	CHECK(p->addr == e->addr && p->cmd == e->cmd);
	CHECK((u64)p->len <= (u64)hl + (e->data ? e->data_len : 0));
	/* the match bytes are honoured */
	CHECK(p->len >= ml && !memcmp(pay, e->match, ml));
	/* the payload after the head is in exp->data */
	if (p->len > hl) {
		CHECK(e->data);
		CHECK(!memcmp(e->data, pay + hl, p->len - hl));
	}
}

/*
 * The parser's call against the reference model's: same event, same bytes
 * consumed, same counters; the header or frame of an error event is where
 * the model found it; after a frame, the data buffer holds exactly what the
 * model wrote.
 */
static void check_model(struct ctx *c, enum sxh485_event ev,
			enum sxh485_event mev)
{
	const struct sxh485_expect *e = c->armed;
	const u8 *f;
	size_t flen;
	u32 len;
	u16 rx;

	CHECK(mev == ev);
	CHECK(c->m.scan == c->pos);
	CHECK(stats_eq(&c->p.stats, &c->m.stats));
	if (ev == SXH485_EV_NONE)
		return;
	f = c->wire + c->m.ev_start;
	flen = c->m.ev_hl;
	if (ev != SXH485_EV_BAD_LEN)
		flen += (size_t)c->m.ev_len + SXH485_CRC_LEN;
	CHECK(c->m.ev_start + flen == c->pos);
	CHECK((f[0] == SXH485_HDR0 && f[1] == SXH485_HDR1) ||
	      (f[0] == SXH485_HDR1 && f[1] == SXH485_HDR0));
	CHECK(is_long_cmd(f[3]) == (c->m.ev_hl == 7));
	len = f[4] | f[5] << 8 | (c->m.ev_hl == 7 ? (u32)f[6] << 16 : 0);
	switch (ev) {
	case SXH485_EV_BAD_LEN:
		/* a well-formed header over the bound ends here */
		CHECK(len > exp_bound(e));
		return;
	case SXH485_EV_BAD_CRC:
		rx = f[flen - 2] | f[flen - 1] << 8;
		CHECK(rx != crc16(0, f + 2, flen - 4));
		CHECK(len <= exp_bound(e));
		return;
	case SXH485_EV_FRAME:
		/* the model wrote the same bytes to exp->data, only those */
		if (e->data)
			CHECK(!memcmp(e->data, c->shadow + (e->data - c->buf),
				      e->data_len));
		return;
	default:
		return;
	}
}

static void react(struct ctx *c, enum sxh485_event ev);

/* A late copy of the packet before the one awaited (the driver's dup_pkt). */
static bool is_dup(const struct ctx *c)
{
	const struct sxh485_parser *p = &c->p;

	return c->sc == SC_PACKETS && !c->snap_phase && c->pkt &&
	       p->head_got >= 3 && !p->head[0] &&
	       (u32)(p->head[1] | p->head[2] << 8) == c->pkt - 1;
}

/* Whether sxh485_receive() ends the exchange on @ev. */
static bool ends_exchange(const struct ctx *c, enum sxh485_event ev)
{
	if (ev != SXH485_EV_OTHER)
		return ev != SXH485_EV_NONE;
	return c->armed && c->p.addr == c->exp.addr &&
	       c->p.cmd == c->exp.cmd && !is_dup(c);
}

/* Feed @n received bytes to the parser, call by call, checking each. */
static void feed(struct ctx *c, size_t n)
{
	struct sxh485_parser_stats before;
	enum sxh485_event ev, mev;
	size_t got, end = c->pos + n;

	while (c->pos < end && !c->exch_over) {
		before = c->p.stats;
		ev = (enum sxh485_event)0x55;
		fail_pos = c->pos;
		got = sxh485_parse(&c->p, c->wire + c->pos, end - c->pos, &ev);
		/* at least one byte, never more than given */
		CHECK(got >= 1 && got <= end - c->pos);
		CHECK((int)ev >= SXH485_EV_NONE &&
		      (int)ev <= SXH485_EV_BAD_LEN);
		/* stopping early needs an event */
		CHECK(ev != SXH485_EV_NONE || got == end - c->pos);
		/* counters only grow */
		CHECK(stats_ge(&c->p.stats, &before));
		c->pos += got;
		fail_pos = c->pos;
		if (ev == SXH485_EV_FRAME || ev == SXH485_EV_OTHER)
			check_frame(c, ev);

		/* the reference model must agree on everything */
		mev = model_run(&c->m, end);
		check_model(c, ev, mev);
		if (ev != SXH485_EV_NONE) {
			if (c->flags & F_EXCH)
				c->exch_over = ends_exchange(c, ev);
			react(c, ev);
		}
	}
}

static size_t chunk_len(u8 v, size_t left)
{
	size_t n;

	if (!v)
		return left;
	n = v < 0xf0 ? v : (size_t)(v - 0xef) * 256;
	return n < left ? n : left;
}

/* Skip bytes the parser is not given: the model skips them too. */
static void skip_to(struct ctx *c, size_t pos)
{
	c->pos = pos;
	c->m.scan = pos;
	c->m.hw = pos;
}

/* F_FIXCRC: give each frame that fits in @w the CRC it should have. */
static void fix_crcs(u8 *w, size_t n)
{
	size_t i = 0, hl, flen;
	u16 crc;

	while (i + SXH485_HDR_LEN + 1 <= n) {
		if (!((w[i] == SXH485_HDR0 && w[i + 1] == SXH485_HDR1) ||
		      (w[i] == SXH485_HDR1 && w[i + 1] == SXH485_HDR0))) {
			i++;
			continue;
		}
		hl = is_long_cmd(w[i + 3]) ? 7 : 6;
		flen = hl + (w[i + 4] | w[i + 5] << 8 |
			     (hl == 7 ? (u32)w[i + 6] << 16 : 0)) +
		       SXH485_CRC_LEN;
		if (flen > n - i) {
			i++;
			continue;
		}
		crc = crc16(0, w + i + 2, flen - 4);
		w[i + flen - 2] = crc;
		w[i + flen - 1] = crc >> 8;
		i += flen;
	}
}

static void feed_all(struct ctx *c)
{
	size_t xend = c->wire_len;
	unsigned int k = 0;

	if (c->flags & F_FIXCRC) {
		c->fixed = malloc(c->wire_len);
		if (!c->fixed && c->wire_len)
			abort();
		if (c->wire_len)
			memcpy(c->fixed, c->wire, c->wire_len);
		fix_crcs(c->fixed, c->wire_len);
		c->wire = c->fixed;
		c->m.w = c->fixed;
	}

	while (c->pos < c->wire_len) {
		if (c->flags & F_EXCH) {
			/* a new exchange: rx_start() re-arms the parser */
			xend = c->wire[c->pos];
			if (c->pos + 1 < c->wire_len)
				xend |= c->wire[c->pos + 1] << 8;
			skip_to(c, c->pos + 2 < c->wire_len ? c->pos + 2 :
				   c->wire_len);
			xend = xend < c->wire_len - c->pos ? c->pos + xend :
				c->wire_len;
			arm(c, !c->armed);
			c->exch_over = false;
		}
		while (c->pos < xend && !c->exch_over)
			feed(c, chunk_len(c->chunks[k++ % 4], xend - c->pos));
		skip_to(c, xend);
	}
	/* nothing written outside what the model wrote */
	if (c->buf)
		CHECK(!memcmp(c->buf, c->shadow, c->size));
}

/* sxh485_jpeg_end() against its contract, stated independently. */
static void check_jpeg_end(const u8 *buf, u32 len)
{
	u32 got = sxh485_jpeg_end(buf, len);
	u32 want = 0, r = len;

	/* the JPEG ends at the last byte that is not padding */
	while (r && (buf[r - 1] == 0x00 || buf[r - 1] == 0xff))
		r--;
	if (len >= 4 && buf[0] == 0xff && buf[1] == 0xd8 && r >= 4 &&
	    len - r <= 64 && buf[r - 2] == 0xff && buf[r - 1] == 0xd9)
		want = r;
	CHECK(got == want);
}

static bool driver_retry(struct ctx *c, enum sxh485_event ev)
{
	const struct sxh485_parser *p = &c->p;

	if (!(c->flags & F_RETRY) || !c->armed)
		return false;
	if (ev == SXH485_EV_BAD_CRC || ev == SXH485_EV_BAD_LEN)
		return true;
	/* our command answered with another status or packet: -EPROTO */
	return ev == SXH485_EV_OTHER && p->addr == c->exp.addr &&
	       p->cmd == c->exp.cmd;
}

/* --- scenarios ------------------------------------------------------------ */

static void arm_packet(struct ctx *c)
{
	u32 off = c->pkt * c->pkt_size;

	memset(&c->exp, 0, sizeof(c->exp));
	c->exp.addr = c->addr;
	c->exp.cmd = SXH485_CMD_PKT_SEND;
	c->exp.match[0] = SXH485_STATUS_OK;
	c->exp.match[1] = c->pkt & 0xff;
	c->exp.match[2] = c->pkt >> 8;
	c->exp.match_len = 3;
	c->exp.head_len = SXH485_PKT_SEND_HEAD_LEN;
	c->exp.data = c->buf + off;
	c->exp.data_len = c->img_size - off < c->pkt_size ?
			  c->img_size - off : c->pkt_size;
	c->snap_phase = false;
	arm(c, false);
}

static void arm_snap(struct ctx *c)
{
	memset(&c->exp, 0, sizeof(c->exp));
	c->exp.addr = c->addr;
	c->exp.cmd = SXH485_CMD_PKT_SNAP;
	c->exp.match[0] = SXH485_STATUS_OK;
	c->exp.match_len = 1;
	c->exp.head_len = SXH485_PKT_SNAP_REPLY_LEN;
	c->snap_phase = true;
	arm(c, false);
}

/* A frame starts: 0x30 first (F_OPT) or straight to packet 0. */
static void packets_start(struct ctx *c)
{
	c->pkt = 0;
	if (c->flags & F_OPT) {
		arm_snap(c);
		return;
	}
	c->img_size = c->size;
	c->count = sxh485_pkt_count(c->img_size, c->pkt_size);
	arm_packet(c);
}

/* What sxh485_capture_packets() does with a reply. */
static void packets_react(struct ctx *c, enum sxh485_event ev)
{
	const struct sxh485_parser *p = &c->p;
	u32 size, count;

	if (ev != SXH485_EV_FRAME) {
		/* a late copy of the previous packet is ignored */
		if (ev == SXH485_EV_OTHER && is_dup(c))
			return;
		if (driver_retry(c, ev))
			arm(c, false);
		return;
	}
	if (c->snap_phase) {
		size = p->head[1] | p->head[2] << 8 | p->head[3] << 16 |
		       (u32)p->head[4] << 24;
		count = p->head[5] | p->head[6] << 8;
		if (p->len != SXH485_PKT_SNAP_REPLY_LEN || size < 4 ||
		    size > c->size ||
		    count != sxh485_pkt_count(size, c->pkt_size)) {
			arm(c, false);
			return;
		}
		c->img_size = size;
		c->count = count;
		arm_packet(c);
		return;
	}
	if (p->len != SXH485_PKT_SEND_HEAD_LEN + c->exp.data_len) {
		/* a short packet: asked for again */
		arm(c, false);
		return;
	}
	if (++c->pkt < c->count) {
		arm_packet(c);
		return;
	}
	/* the whole image is in */
	check_jpeg_end(c->buf, c->img_size);
	packets_start(c);
}

static void react(struct ctx *c, enum sxh485_event ev)
{
	switch (c->sc) {
	case SC_PACKETS:
		packets_react(c, ev);
		return;
	case SC_WHOLE:
		if (ev == SXH485_EV_FRAME) {
			check_jpeg_end(c->buf, c->p.len);
			arm(c, false);
		} else if (driver_retry(c, ev)) {
			arm(c, false);
		}
		return;
	default:
		if (ev == SXH485_EV_FRAME || driver_retry(c, ev))
			arm(c, !c->armed);
		return;
	}
}

struct input {
	const u8 *d;
	size_t n;
	size_t i;
};

static u8 in_u8(struct input *in)
{
	return in->i < in->n ? in->d[in->i++] : 0;
}

static u32 in_le(struct input *in, int bytes)
{
	u32 v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v |= (u32)in_u8(in) << (8 * i);
	return v;
}

static u64 in_le64(struct input *in)
{
	u64 lo = in_le(in, 4);

	return lo | (u64)in_le(in, 4) << 32;
}

/* @v if in lo..hi, else something small: big buffers only when asked for */
static u32 bounded(u32 v, u32 lo, u32 hi)
{
	return v >= lo && v <= hi ? v : lo + v % 8192;
}

static void alloc_bufs(struct ctx *c, u32 size)
{
	/* exactly @size bytes: ASan reports the first byte past them */
	c->size = size;
	c->buf = malloc(size);
	c->shadow = malloc(size);
	if (!c->buf || !c->shadow)
		abort();
	fill_pattern(c->buf, size);
	fill_pattern(c->shadow, size);
}

/*
 * SC_REPLY: addr, cmd, head_len, match_len, match[4], data_len (16 bits;
 * used with F_OPT, else no data buffer). Raw values: the parser clamps.
 */
static void run_reply(struct ctx *c, struct input *in)
{
	int i;

	c->exp.addr = in_u8(in);
	c->exp.cmd = in_u8(in);
	c->exp.head_len = in_u8(in);
	c->exp.match_len = in_u8(in);
	for (i = 0; i < SXH485_MATCH_MAX; i++)
		c->exp.match[i] = in_u8(in);
	c->exp.data_len = in_le(in, 2);
	/* without F_OPT: no buffer, and data_len must not count */
	if (c->flags & F_OPT) {
		alloc_bufs(c, c->exp.data_len);
		c->exp.data = c->buf;
	}
	c->wire = in->d + in->i;
	c->wire_len = in->n - in->i;
	c->m.w = c->wire;
	arm(c, c->flags & F_NOEXP);
	feed_all(c);
}

/*
 * SC_PACKETS: addr, buffer size (24 bits; 1..MAX_IMAGE, see bounded()),
 * packet size code (P = 128 * (1 + code % 32)). With F_OPT the 0x30 reply
 * comes first and gives the image size (at most the buffer's), as in the
 * driver; else the image fills the buffer.
 */
static void run_packets(struct ctx *c, struct input *in)
{
	c->addr = in_u8(in);
	alloc_bufs(c, bounded(in_le(in, 3), 1, MAX_IMAGE));
	c->pkt_size = SXH485_PKT_SIZE_STEP * (1 + in_u8(in) % 32);
	CHECK(sxh485_pkt_size_valid(c->pkt_size));
	c->wire = in->d + in->i;
	c->wire_len = in->n - in->i;
	c->m.w = c->wire;
	packets_start(c);
	feed_all(c);
}

/* SC_WHOLE: addr, buffer size (24 bits; 0..MAX_IMAGE); F_OPT: 0x12. */
static void run_whole(struct ctx *c, struct input *in)
{
	c->exp.addr = in_u8(in);
	c->exp.cmd = c->flags & F_OPT ? SXH485_CMD_SNAP_SEND_GRAY :
					SXH485_CMD_SNAP_SEND;
	alloc_bufs(c, bounded(in_le(in, 3), 0, MAX_IMAGE));
	c->exp.data = c->buf;
	c->exp.data_len = c->size;
	c->wire = in->d + in->i;
	c->wire_len = in->n - in->i;
	c->m.w = c->wire;
	arm(c, false);
	feed_all(c);
}

/*
 * sxh485_encode(): buffer size (0..31), addr, cmd, nparams (raw), params.
 * The frame is checked byte by byte, the bytes after it must be untouched,
 * and the parser must take it back as the frame it is.
 */
static void aux_encode(struct input *in)
{
	struct sxh485_expect e = { 0 };
	struct sxh485_parser p = { 0 };
	enum sxh485_event ev;
	u8 *buf, *par = NULL, addr, cmd;
	size_t size, np, want, got, i;

	size = in_u8(in) % 32;
	addr = in_u8(in);
	cmd = in_u8(in);
	np = in_u8(in);
	buf = malloc(size);
	if (np) {
		par = malloc(np);
		if (!par)
			abort();
		for (i = 0; i < np; i++)
			par[i] = in_u8(in);
	}
	if (!buf)
		abort();
	memset(buf, 0xa5, size);
	want = np > SXH485_MAX_PARAMS || size < SXH485_OVERHEAD + np ? 0 :
	       SXH485_OVERHEAD + np;
	got = sxh485_encode(buf, size, addr, cmd, par, np);
	CHECK(got == want);
	for (i = got; i < size; i++)
		CHECK(buf[i] == 0xa5);
	if (got) {
		CHECK(buf[0] == SXH485_HDR0 && buf[1] == SXH485_HDR1);
		CHECK(buf[2] == addr && buf[3] == cmd);
		CHECK(buf[4] == np && buf[5] == 0);
		CHECK(!np || !memcmp(buf + SXH485_HDR_LEN, par, np));
		CHECK((buf[got - 2] | buf[got - 1] << 8) ==
		      crc16(0, buf + 2, got - 4));

		/*
		 * The parser reads it back in one call (not 0x02/0x12: their
		 * replies have a 24-bit length, their commands do not).
		 */
		if (is_long_cmd(cmd))
			goto out;
		e.addr = addr;
		e.cmd = cmd;
		e.head_len = SXH485_HEAD_MAX;
		e.match_len = np;
		if (np)
			memcpy(e.match, par, np);
		sxh485_parser_reset(&p, &e);
		CHECK(sxh485_parse(&p, buf, got, &ev) == got);
		CHECK(ev == SXH485_EV_FRAME);
		CHECK(p.len == np && p.head_got == np);
		CHECK(!np || !memcmp(p.head, par, np));
	}
out:
	free(par);
	free(buf);
}

static void aux_jpeg(struct input *in)
{
	size_t n = in->n - in->i;
	u8 *buf = malloc(n);

	if (!buf && n)
		abort();
	if (n)
		memcpy(buf, in->d + in->i, n);
	check_jpeg_end(buf, n);
	free(buf);
}

/*
 * sxh485_best_pkt_size(): bytes (64 bits), failures, overhead, max. The
 * result is a packet size the camera takes (or @max, raised to the
 * minimum); failures never make it larger, with values where the
 * arithmetic cannot wrap.
 */
static void aux_best(struct input *in)
{
	u64 bytes = in_le64(in);
	u32 fails = in_le(in, 4), oh = in_le(in, 4), max = in_le(in, 4);
	u32 cap = max < SXH485_PKT_SIZE_MIN ? SXH485_PKT_SIZE_MIN : max;
	u32 got = sxh485_best_pkt_size(bytes, fails, oh, max), more;

	CHECK(got >= SXH485_PKT_SIZE_MIN && got <= cap);
	CHECK(got == cap || !(got % SXH485_PKT_SIZE_STEP));
	if (!fails)
		CHECK(got == cap);
	if (bytes < (1ULL << 32) && oh < (1U << 24) && fails < ~0U) {
		more = sxh485_best_pkt_size(bytes, fails + 1, oh, max);
		CHECK(more <= got);
	}
}

/* The rate table, packet sizes and counts. */
static void aux_misc(struct input *in)
{
	u32 baud = in_le(in, 4), img = in_le(in, 4), pkt = in_le(in, 4);
	u8 code = in_u8(in);
	int c = sxh485_baud_to_code(baud);

	CHECK(c < 0 || sxh485_code_to_baud(c) == baud);
	CHECK(!sxh485_code_to_baud(code) ||
	      sxh485_baud_to_code(sxh485_code_to_baud(code)) == code);
	CHECK(sxh485_pkt_size_valid(pkt) ==
	      (pkt >= 128 && pkt <= 4096 && pkt % 128 == 0));
	/* and sizes near the valid range, where random ones are rare */
	pkt %= 8192;
	CHECK(sxh485_pkt_size_valid(pkt) ==
	      (pkt >= 128 && pkt <= 4096 && pkt % 128 == 0));
	CHECK(sxh485_pkt_count(img, pkt) ==
	      (pkt ? (u32)(((u64)img + pkt - 1) / pkt) : 0));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { .d = data, .n = size };
	static struct ctx c;
	u8 op = in_u8(&in);
	int i;

	memset(&c, 0, sizeof(c));
	c.sc = op & 3;
	c.flags = op & ~3;
	for (i = 0; i < 4; i++)
		c.chunks[i] = in_u8(&in);
	fail_pos = 0;

	switch (c.sc) {
	case SC_REPLY:
		run_reply(&c, &in);
		break;
	case SC_PACKETS:
		run_packets(&c, &in);
		break;
	case SC_WHOLE:
		run_whole(&c, &in);
		break;
	default:
		switch ((op >> 2) & 3) {
		case 0:
			aux_encode(&in);
			break;
		case 1:
			aux_jpeg(&in);
			break;
		case 2:
			aux_best(&in);
			break;
		default:
			aux_misc(&in);
			break;
		}
		break;
	}
	free(c.fixed);
	free(c.buf);
	free(c.shadow);
	return 0;
}
