// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the Pixy protocol code: the frame parser (blocks,
 * colour codes, checksums, empty frames, resync), the camera's frame clock
 * and the commands.
 *
 * The wire bytes are written out by hand from shared/protocols/pixy.md
 * (little-endian words, checksum = 16-bit sum of the words after it);
 * never produced by the code under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../pixy-proto.c"

/* sig 1, x 100, y 50, w 20, h 10: sum 181 = 0x00b5 */
static const u8 blk1[] = {
	0x55, 0xaa, 0xb5, 0x00, 0x01, 0x00, 0x64, 0x00,
	0x32, 0x00, 0x14, 0x00, 0x0a, 0x00,
};

/* sig 2, x 300, y 150, w 4, h 3: sum 459 = 0x01cb */
static const u8 blk2[] = {
	0x55, 0xaa, 0xcb, 0x01, 0x02, 0x00, 0x2c, 0x01,
	0x96, 0x00, 0x04, 0x00, 0x03, 0x00,
};

/* colour code 012 (10), x 160, y 100, w 40, h 30, angle -45: sum 0x0127 */
static const u8 blkcc[] = {
	0x56, 0xaa, 0x27, 0x01, 0x0a, 0x00, 0xa0, 0x00,
	0x64, 0x00, 0x28, 0x00, 0x1e, 0x00, 0xd3, 0xff,
};

/* the frame's own sync word, and a zero word */
static const u8 fsync[] = { 0x55, 0xaa };
static const u8 zero[] = { 0x00, 0x00 };

/* The records blk1, blk2 and blkcc must give. */
static const u8 rec1[PIXY_REC_LEN] = {
	1, 0, 100, 0, 50, 0, 20, 0, 10, 0, 0, 0, 0, 0, 0, 0,
};

static const u8 rec2[PIXY_REC_LEN] = {
	2, 0, 0x2c, 1, 150, 0, 4, 0, 3, 0, 0, 0, 0, 0, 0, 0,
};

static const u8 reccc[PIXY_REC_LEN] = {
	10, 0, 160, 0, 100, 0, 40, 0, 30, 0, 0xd3, 0xff, 1, 0, 0, 0,
};

/* A wire stream is built from pieces, one after the other. */
struct piece {
	const u8 *b;
	size_t len;
};

static size_t wire(u8 *out, const struct piece *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		memcpy(out + len, p[i].b, p[i].len);
		len += p[i].len;
	}
	return len;
}

struct got {
	unsigned int starts, ends;
	u8 buf[4][PIXY_BUF_LEN];
	u32 len[4], flags[4];
	size_t start_at[4];	/* byte offset of each frame's first byte */
};

/* Feed @len bytes in runs of @step, a fresh buffer per frame. */
static void feed(struct pixy_parser *p, const u8 *in, size_t len,
		 size_t step, struct got *g)
{
	size_t off = 0, run, n, used;
	enum pixy_event ev;

	while (off < len) {
		run = min(step, len - off);
		used = 0;
		do {
			n = pixy_parse(p, in + off + used, run - used, &ev);
			used += n;
			if (ev == PIXY_EV_START && g->starts < 4) {
				memset(g->buf[g->starts], 0xee, PIXY_BUF_LEN);
				pixy_set_dst(p, g->buf[g->starts]);
				g->start_at[g->starts] = off + used - 4;
				/* the parser's own count agrees */
				if (p->pos - 4 != off + used - 4)
					g->start_at[g->starts] = (size_t)-1;
				g->starts++;
			} else if (ev == PIXY_EV_END && g->ends < 4) {
				g->len[g->ends] = p->len;
				g->flags[g->ends] = p->flags;
				g->ends++;
			}
		} while (used < run || ev != PIXY_EV_NONE || p->pending);
		off += run;
	}
}

static void hdr_is(struct kunit *test, const u8 *b, u16 count, u16 flags,
		   u16 dropped)
{
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(b), count);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(b + 2), flags);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(b + 4), dropped);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(b + 6), 0);
}

static void blocks(struct kunit *test)
{
	static const size_t steps[] = { 1, 2, 3, 7, 1000 };
	struct pixy_parser *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 in[128];
	const struct piece n_p[] = {
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ blk2, sizeof(blk2) },
		{ blkcc, sizeof(blkcc) },
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, g);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		memset(g, 0, sizeof(*g));
		pixy_parser_reset(p);
		feed(p, in, n, steps[i], g);
		KUNIT_ASSERT_EQ(test, g->starts, 2);
		KUNIT_ASSERT_EQ(test, g->ends, 1);
		KUNIT_EXPECT_EQ(test, g->start_at[0], 0);
		KUNIT_EXPECT_EQ(test, g->start_at[1], 46);
		KUNIT_EXPECT_EQ(test, g->len[0], PIXY_HDR_LEN + 3 * PIXY_REC_LEN);
		KUNIT_EXPECT_EQ(test, g->flags[0], 0);
		hdr_is(test, g->buf[0], 3, 0, 0);
		KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 8, rec1, PIXY_REC_LEN);
		KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 24, rec2, PIXY_REC_LEN);
		KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 40, reccc, PIXY_REC_LEN);
		/* the line goes quiet after the second frame's block: whole */
		KUNIT_EXPECT_EQ(test, pixy_idle(p), PIXY_EV_END);
		KUNIT_EXPECT_EQ(test, p->flags, 0);
		hdr_is(test, g->buf[1], 1, 0, 0);
		KUNIT_EXPECT_MEMEQ(test, g->buf[1] + 8, rec1, PIXY_REC_LEN);
		KUNIT_EXPECT_EQ(test, pixy_idle(p), PIXY_EV_NONE);
	}
	/* counted across resets */
	KUNIT_EXPECT_EQ(test, p->stats.frames, 2 * ARRAY_SIZE(steps));
	KUNIT_EXPECT_EQ(test, p->stats.blocks, 4 * ARRAY_SIZE(steps));
	KUNIT_EXPECT_EQ(test, p->stats.bad_sums, 0);
}

/* A colour code first: the frame starts 55 AA 56 AA. */
static void cc_first(struct kunit *test)
{
	struct pixy_parser p = {};
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 in[64];
	const struct piece n_p[] = {
		{ fsync, sizeof(fsync) },
		{ blkcc, sizeof(blkcc) },
		{ blk2, sizeof(blk2) },
		{ zero, sizeof(zero) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));

	KUNIT_ASSERT_NOT_NULL(test, g);
	pixy_parser_reset(&p);
	feed(&p, in, n, 5, g);
	KUNIT_ASSERT_EQ(test, g->ends, 1);
	hdr_is(test, g->buf[0], 2, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 8, reccc, PIXY_REC_LEN);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 24, rec2, PIXY_REC_LEN);
	/* the zero word ended it */
	KUNIT_EXPECT_EQ(test, g->len[0], PIXY_HDR_LEN + 2 * PIXY_REC_LEN);
	KUNIT_EXPECT_EQ(test, p.stats.zero_words, 1);
}

/* A wrong checksum: the block is left out, the frame flagged. */
static void bad_checksum(struct kunit *test)
{
	struct pixy_parser p = {};
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 in[64];
	const struct piece n_p[] = {
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ blk2, sizeof(blk2) },
		{ blkcc, sizeof(blkcc) },
		{ fsync, sizeof(fsync) },
		{ fsync, sizeof(fsync) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));

	KUNIT_ASSERT_NOT_NULL(test, g);
	in[2 + 14 + 6] ^= 0x10;		/* blk2's x */
	pixy_parser_reset(&p);
	feed(&p, in, n, 4, g);
	KUNIT_ASSERT_EQ(test, g->ends, 1);
	KUNIT_EXPECT_EQ(test, g->flags[0], PIXY_FL_BAD_BLOCKS);
	hdr_is(test, g->buf[0], 2, PIXY_FL_BAD_BLOCKS, 1);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 8, rec1, PIXY_REC_LEN);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 24, reccc, PIXY_REC_LEN);
	KUNIT_EXPECT_EQ(test, g->len[0], PIXY_HDR_LEN + 2 * PIXY_REC_LEN);
	KUNIT_EXPECT_EQ(test, p.stats.bad_sums, 1);
}

/* Empty frames: sync words alone, with or without zero words after. */
static void empty_frames(struct kunit *test)
{
	struct pixy_parser p = {};
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 in[64];
	/* empty with two zero words, empty with none, a block, empty */
	const struct piece n_p[] = {
		{ fsync, sizeof(fsync) },
		{ fsync, sizeof(fsync) },
		{ zero, sizeof(zero) },
		{ zero, sizeof(zero) },
		{ fsync, sizeof(fsync) },
		{ fsync, sizeof(fsync) },
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ fsync, sizeof(fsync) },
		{ fsync, sizeof(fsync) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));

	KUNIT_ASSERT_NOT_NULL(test, g);
	pixy_parser_reset(&p);
	feed(&p, in, n, 1, g);
	KUNIT_ASSERT_EQ(test, g->starts, 4);
	KUNIT_ASSERT_EQ(test, g->ends, 3);
	KUNIT_EXPECT_EQ(test, g->start_at[1], 8);
	KUNIT_EXPECT_EQ(test, g->start_at[2], 12);
	KUNIT_EXPECT_EQ(test, g->start_at[3], 28);
	hdr_is(test, g->buf[0], 0, 0, 0);
	KUNIT_EXPECT_EQ(test, g->len[0], PIXY_HDR_LEN);
	hdr_is(test, g->buf[1], 0, 0, 0);
	hdr_is(test, g->buf[2], 1, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[2] + 8, rec1, PIXY_REC_LEN);
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	KUNIT_EXPECT_EQ(test, p.len, PIXY_HDR_LEN);
	KUNIT_EXPECT_EQ(test, p.flags, 0);
	/* the second zero word was skipped, not a frame */
	KUNIT_EXPECT_EQ(test, p.stats.frames, 4);
}

/*
 * Resync: junk before a frame; a byte lost inside a block (the block
 * fails, the frame breaks off there, the next frame is found again even
 * when the broken block swallowed its first byte); the line going quiet
 * inside a block.
 */
static void resync(struct kunit *test)
{
	static const u8 junk[] = { 0x12, 0x55, 0x34 };	/* a lone 55 */
	struct pixy_parser p = {};
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	size_t cut = 3 + 2 + 14 + 5;
	u8 in[128], last[64];
	/* blk2 of the first frame loses a byte below */
	const struct piece n_p[] = {
		{ junk, sizeof(junk) },
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ blk2, sizeof(blk2) },
		{ blk1, sizeof(blk1) },
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ blk2, sizeof(blk2) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));
	/* the last block of the first frame loses one */
	const struct piece m_p[] = {
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ blk2, sizeof(blk2) },
		{ fsync, sizeof(fsync) },
		{ blk2, sizeof(blk2) },
	};
	size_t m = wire(last, m_p, ARRAY_SIZE(m_p));

	KUNIT_ASSERT_NOT_NULL(test, g);
	memmove(in + cut, in + cut + 1, n - cut - 1);
	pixy_parser_reset(&p);
	feed(&p, in, n - 1, 3, g);
	KUNIT_ASSERT_EQ(test, g->starts, 2);
	KUNIT_EXPECT_EQ(test, g->start_at[0], 3);
	KUNIT_EXPECT_EQ(test, g->start_at[1], 3 + 2 + 3 * 14 - 1);
	KUNIT_ASSERT_EQ(test, g->ends, 1);
	/* blk1 kept, blk2 failed, the rest of the frame lost */
	KUNIT_EXPECT_EQ(test, g->flags[0], PIXY_FL_BAD_BLOCKS | PIXY_FL_BROKEN);
	hdr_is(test, g->buf[0], 1, PIXY_FL_BAD_BLOCKS | PIXY_FL_BROKEN, 1);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 8, rec1, PIXY_REC_LEN);
	/* the second frame is whole */
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	hdr_is(test, g->buf[1], 2, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[1] + 24, rec2, PIXY_REC_LEN);

	/* the broken block swallows the next frame's first byte */
	memset(g, 0, sizeof(*g));
	cut = 2 + 14 + 8;
	memmove(last + cut, last + cut + 1, m - cut - 1);
	pixy_parser_reset(&p);
	feed(&p, last, m - 1, 1, g);
	KUNIT_ASSERT_EQ(test, g->starts, 2);
	KUNIT_EXPECT_EQ(test, g->start_at[1], 2 + 2 * 14 - 1);
	KUNIT_EXPECT_EQ(test, p.stats.slips, 1);
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	hdr_is(test, g->buf[1], 1, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[1] + 8, rec2, PIXY_REC_LEN);

	/* cut inside a block: broken, what came before kept */
	memset(g, 0, sizeof(*g));
	pixy_parser_reset(&p);
	feed(&p, in + 3, 2 + 14 + 6, 1, g);
	KUNIT_ASSERT_EQ(test, g->starts, 1);
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	KUNIT_EXPECT_EQ(test, p.flags, PIXY_FL_BROKEN);
	hdr_is(test, g->buf[0], 1, PIXY_FL_BROKEN, 0);
}

/*
 * Something else than a sync word after a frame's last block: a junk byte
 * or two between frames leave it whole; more than 7 bytes before the next
 * frame mean a damaged sync word and a lost rest: broken.
 */
static void junk_after(struct kunit *test)
{
	static const u8 one[] = { 0x12 };
	static const u8 nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct pixy_parser p = {};
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 in[128];
	const struct piece n_p[] = {
		{ fsync, sizeof(fsync) },
		{ blk1, sizeof(blk1) },
		{ one, sizeof(one) },
		{ fsync, sizeof(fsync) },
		{ blk2, sizeof(blk2) },
		{ nine, sizeof(nine) },
		{ fsync, sizeof(fsync) },
		{ blkcc, sizeof(blkcc) },
	};
	size_t n = wire(in, n_p, ARRAY_SIZE(n_p));

	KUNIT_ASSERT_NOT_NULL(test, g);
	pixy_parser_reset(&p);
	feed(&p, in, n, 2, g);
	KUNIT_ASSERT_EQ(test, g->starts, 3);
	KUNIT_ASSERT_EQ(test, g->ends, 2);
	KUNIT_EXPECT_EQ(test, g->start_at[1], 2 + 14 + 1);
	KUNIT_EXPECT_EQ(test, g->start_at[2], 2 + 14 + 1 + 2 + 14 + 9);
	hdr_is(test, g->buf[0], 1, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[0] + 8, rec1, PIXY_REC_LEN);
	hdr_is(test, g->buf[1], 1, PIXY_FL_BROKEN, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[1] + 8, rec2, PIXY_REC_LEN);
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	hdr_is(test, g->buf[2], 1, 0, 0);
	KUNIT_EXPECT_MEMEQ(test, g->buf[2] + 8, reccc, PIXY_REC_LEN);
}

/* More blocks than a buffer holds: the first ones kept, flagged. */
static void too_many(struct kunit *test)
{
	size_t n = 2 + (PIXY_MAX_BLOCKS + 2) * sizeof(blk1), i;
	u8 *in = kunit_kzalloc(test, n, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, PIXY_BUF_LEN, GFP_KERNEL);
	struct pixy_parser p = {};
	enum pixy_event ev;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	in[0] = 0x55;
	in[1] = 0xaa;
	for (i = 0; i < PIXY_MAX_BLOCKS + 2; i++)
		memcpy(in + 2 + i * sizeof(blk1), blk1, sizeof(blk1));
	pixy_parser_reset(&p);
	KUNIT_ASSERT_EQ(test, pixy_parse(&p, in, n, &ev), 4);
	KUNIT_ASSERT_EQ(test, ev, PIXY_EV_START);
	pixy_set_dst(&p, dst);
	KUNIT_EXPECT_EQ(test, pixy_parse(&p, in + 4, n - 4, &ev), n - 4);
	KUNIT_EXPECT_EQ(test, ev, PIXY_EV_NONE);
	KUNIT_EXPECT_EQ(test, pixy_idle(&p), PIXY_EV_END);
	KUNIT_EXPECT_EQ(test, p.len, PIXY_BUF_LEN);
	hdr_is(test, dst, PIXY_MAX_BLOCKS, PIXY_FL_TRUNCATED, 0);
	KUNIT_EXPECT_MEMEQ(test, dst + PIXY_BUF_LEN - PIXY_REC_LEN, rec1,
			   PIXY_REC_LEN);
}

#define MS	1000000ULL
#define T	(20 * MS)

/*
 * The frame clock, hand-made cases: ticks every 20 ms; a frame on an idle
 * line starts at its tick; one behind another starts where that one ended
 * and is the newest detected by then.
 */
static void clock(struct kunit *test)
{
	struct pixy_clock c = {};

	/* idle line, seen up to 9 ms late: every frame; then one missing */
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 1001 * MS, T), 1);
	c.end = c.start + 8 * MS;
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 1021 * MS, T), 1);
	KUNIT_EXPECT_TRUE(test, c.locked);
	c.end = c.start + 8 * MS;
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 1062 * MS, T), 2);

	/* 35 ms frames: ticks 0, 20 (sent at 35), 60 (sent at 70) */
	memset(&c, 0, sizeof(c));
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 0, T), 1);
	c.end = 35 * MS;
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 35 * MS, T), 1);
	c.end = 70 * MS;
	/* seen 3 ms late: the bytes' own time counts */
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 73 * MS, T), 2);
	KUNIT_EXPECT_EQ(test, c.start, 70 * MS);
	c.end = 75 * MS;
	/* then the line idles: 80 went missing, 100 seen 1 ms late */
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 101 * MS, T), 2);
	KUNIT_EXPECT_TRUE(test, c.locked);

	/*
	 * At 19200 baud an end can miss a tick by 0.21 ms: a frame on its
	 * tick at 1040 of 77 bytes ends at 1080.104 (1080 goes next, at
	 * once); that one, 153 bytes, ends at 1159.792, before 1160: 1140
	 * goes next, three ticks on, not four.
	 */
	memset(&c, 0, sizeof(c));
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 1000 * MS, T), 1);
	c.end = c.start + 5 * MS;
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, 1040 * MS, T), 2);
	c.end = c.start + div_u64(77 * 10 * 1000000000ULL, 19200);
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, c.end + MS, T), 2);
	c.end = c.start + div_u64(153 * 10 * 1000000000ULL, 19200);
	KUNIT_EXPECT_EQ(test, pixy_clock_step(&c, c.end + MS, T), 3);
}

/*
 * The frame clock against a model of the camera (pixy.md): a frame every
 * 20 ms, sent at once on a free line, else the newest one goes when the
 * line frees and the ones between are dropped. Frames of 6 to 47 ms, seen
 * 0 to 4 ms late and now and then 9 or 15 ms: every count is the number of
 * ticks between two frames sent, once a frame has started on an idle line.
 */
static void clock_model(struct kunit *test)
{
	struct model {
		u64 dur[400], start[400];
		long tick[400];
	} *mo = kunit_kzalloc(test, sizeof(*mo), GFP_KERNEL);
	struct pixy_clock c = {};
	u64 free_at = 0, t, *dur, *start;
	long k, i, nsent = 0, pending = -1, wrong = 0, steps = 0, *tick;
	bool was;
	u32 n;

	KUNIT_ASSERT_NOT_NULL(test, mo);
	dur = mo->dur;
	start = mo->start;
	tick = mo->tick;
	/* 12 to 91 bytes at 19200 baud: ends on and 0.21 ms off the ticks */
	for (k = 0; k < ARRAY_SIZE(mo->dur); k++)
		dur[k] = div_u64((12 + (k * 7919) % 80) * 10 * 1000000000ULL,
				 19200);
	/* the camera: which frames go out, and when */
	for (k = 0; k < ARRAY_SIZE(mo->dur); k++) {
		t = 5000 * MS + k * T;
		if (pending >= 0 && free_at <= t) {
			tick[nsent] = pending;
			start[nsent++] = free_at;
			free_at += dur[pending];
			pending = -1;
		}
		if (free_at <= t) {
			tick[nsent] = k;
			start[nsent++] = t;
			free_at = t + dur[k];
		} else {
			pending = k;
		}
	}
	/* the host: each seen 0 to 4 ms late, every 17th 9, every 41st 15 */
	for (i = 0; i < nsent; i++) {
		was = c.locked;
		n = pixy_clock_step(&c, start[i] +
				    (i % 41 != 20 ? i % 17 ? (i * 7) % 5 : 9 : 15) *
				    MS, T);
		c.end = c.start + dur[tick[i]];
		if (i && was) {
			steps++;
			if (n != tick[i] - tick[i - 1])
				wrong++;
		}
	}
	/* frames were dropped, and some began on an idle line */
	KUNIT_EXPECT_TRUE(test, nsent < ARRAY_SIZE(mo->dur) * 9 / 10);
	KUNIT_EXPECT_GT(test, steps, 150);
	KUNIT_EXPECT_EQ(test, wrong, 0);
}

static void commands(struct kunit *test)
{
	static const u8 servo[] = { 0x00, 0xff, 0xe8, 0x03, 0x00, 0x00 };
	static const u8 bright[] = { 0x00, 0xfe, 0x50 };
	static const u8 led[] = { 0x00, 0xfd, 0x12, 0x34, 0x56 };
	u8 out[8];

	KUNIT_EXPECT_EQ(test, pixy_cmd_servo(out, 1000, 0), sizeof(servo));
	KUNIT_EXPECT_MEMEQ(test, out, servo, sizeof(servo));
	KUNIT_EXPECT_EQ(test, pixy_cmd_brightness(out, 80), sizeof(bright));
	KUNIT_EXPECT_MEMEQ(test, out, bright, sizeof(bright));
	KUNIT_EXPECT_EQ(test, pixy_cmd_led(out, 0x123456), sizeof(led));
	KUNIT_EXPECT_MEMEQ(test, out, led, sizeof(led));
}

static struct kunit_case pixy_proto_cases[] = {
	KUNIT_CASE(blocks),
	KUNIT_CASE(cc_first),
	KUNIT_CASE(bad_checksum),
	KUNIT_CASE(empty_frames),
	KUNIT_CASE(resync),
	KUNIT_CASE(junk_after),
	KUNIT_CASE(too_many),
	KUNIT_CASE(clock),
	KUNIT_CASE(clock_model),
	KUNIT_CASE(commands),
	{}
};

static struct kunit_suite pixy_proto_suite = {
	.name = "pixy_proto",
	.test_cases = pixy_proto_cases,
};

kunit_test_suite(pixy_proto_suite);

MODULE_DESCRIPTION("KUnit tests for sercam's Pixy protocol code");
MODULE_LICENSE("GPL");
