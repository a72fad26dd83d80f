// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ASCII "U#" camera protocol code (commands, the rate
 * codes, the receive parser: replies, announced pictures, padding, noise,
 * broken texts, a short buffer, a picture cut short).
 *
 * Expected bytes and values come from shared/protocols/ascii-u.md (UI4#
 * is 57600; UPcc0b# announces 0x0bcc = 3020 bytes, low byte first);
 * never from the code under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../asciiu-proto.c"

/* The seed's announcement: 0x0bcc = 3020 bytes. */
#define SEED_SIZE	3020
#define GUARD		0xa5

/* What the parser stopped at, in order. */
struct got {
	enum au_event ev[16];
	u32 val[16];	/* the reply's letter, the size, or got at DONE */
	size_t at[16];	/* the bytes taken up to it */
	unsigned int n;
};

/*
 * Feed @len bytes in runs of @step; each picture announced goes to @dst
 * (room @dst_len). Every stop is recorded in @g.
 */
static void feed(struct kunit *test, struct au_parser *p, const u8 *in,
		 size_t len, size_t step, u8 *dst, u32 dst_len, struct got *g)
{
	size_t off = 0, run, used;
	enum au_event ev;

	while (off < len) {
		run = min(step, len - off);
		used = au_parse(p, in + off, run, &ev);
		KUNIT_ASSERT_GE(test, used, 1);
		KUNIT_ASSERT_LE(test, used, run);
		if (ev == AU_EV_NONE)
			KUNIT_ASSERT_EQ(test, used, run);
		off += used;
		if (ev == AU_EV_NONE)
			continue;
		KUNIT_ASSERT_LT(test, g->n, ARRAY_SIZE(g->ev));
		g->ev[g->n] = ev;
		g->at[g->n] = off;
		if (ev == AU_EV_REPLY)
			g->val[g->n] = p->reply;
		else if (ev == AU_EV_PICTURE)
			g->val[g->n] = p->size;
		else if (ev == AU_EV_DONE)
			g->val[g->n] = p->got;
		g->n++;
		if (ev == AU_EV_PICTURE)
			au_set_dst(p, dst, dst_len);
	}
}

/* One call: the event, and the bytes taken. */
static enum au_event one(struct au_parser *p, const char *s, size_t *used)
{
	enum au_event ev;

	*used = au_parse(p, (const u8 *)s, strlen(s), &ev);
	return ev;
}

/* A JPEG-looking picture of @len bytes: FF D8, a pattern, FF D9, 00. */
static void make_picture(u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (i * 7 + 3) & 0xff;	/* 'U' and '#' among them */
	b[0] = 0xff;
	b[1] = 0xd8;
	b[len - 3] = 0xff;
	b[len - 2] = 0xd9;
	b[len - 1] = 0x00;
}

static void commands(struct kunit *test)
{
	u8 out[AU_CMD_LEN + 1];

	memset(out, GUARD, sizeof(out));
	KUNIT_EXPECT_EQ(test, au_cmd(out, AU_OP_RATE, 4), 4);
	KUNIT_EXPECT_MEMEQ(test, out, "UI4#", 4);
	KUNIT_EXPECT_EQ(test, out[4], GUARD);
	KUNIT_EXPECT_EQ(test, au_cmd(out, AU_OP_PICTURE, AU_SIZE_160), 4);
	KUNIT_EXPECT_MEMEQ(test, out, "UG1#", 4);
	KUNIT_EXPECT_EQ(test, au_cmd(out, AU_OP_CONTINUOUS, AU_SIZE_640), 4);
	KUNIT_EXPECT_MEMEQ(test, out, "UC3#", 4);
	KUNIT_EXPECT_EQ(test, out[4], GUARD);
}

static void rate_codes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, au_rate_code(9600), 1);
	KUNIT_EXPECT_EQ(test, au_rate_code(19200), 2);
	KUNIT_EXPECT_EQ(test, au_rate_code(38400), 3);
	KUNIT_EXPECT_EQ(test, au_rate_code(57600), 4);
	KUNIT_EXPECT_EQ(test, au_rate_code(115200), -EINVAL);
	KUNIT_EXPECT_EQ(test, au_rate_code(0), -EINVAL);
}

static void replies(struct kunit *test)
{
	static const char wire[] = "UI#UC#UE#";
	struct au_parser p = {};
	struct got g = {};
	size_t used;

	au_parser_reset(&p);
	/* it stops after each reply's # */
	KUNIT_EXPECT_EQ(test, one(&p, wire, &used), AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, used, 3);
	KUNIT_EXPECT_EQ(test, p.reply, 'I');
	KUNIT_EXPECT_FALSE(test, au_in_picture(&p));

	memset(&p, 0, sizeof(p));
	au_parser_reset(&p);
	feed(test, &p, (const u8 *)wire, strlen(wire), strlen(wire), NULL, 0,
	     &g);
	KUNIT_ASSERT_EQ(test, g.n, 3);
	KUNIT_EXPECT_EQ(test, g.ev[0], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[0], 'I');
	KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[1], 'C');
	KUNIT_EXPECT_EQ(test, g.ev[2], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[2], AU_OP_ERROR);
	KUNIT_EXPECT_EQ(test, p.stats.replies, 3);
	KUNIT_EXPECT_EQ(test, p.stats.bad, 0);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 0);
	KUNIT_EXPECT_EQ(test, p.stats.pictures, 0);
}

/* UPcc0b#, 3020 bytes, then a reply: in one run and in small ones. */
static void seed_picture(struct kunit *test)
{
	static const char * const heads[] = { "UPcc0b#", "UPCC0B#", "UPcC0b#" };
	static const size_t steps[] = { 1, 2, 7, 506, 4096 };
	const size_t len = 7 + SEED_SIZE + 3;
	struct au_parser p;
	unsigned int h, s;
	struct got g;
	u8 *wire, *dst;

	wire = kunit_kzalloc(test, len, GFP_KERNEL);
	dst = kunit_kzalloc(test, SEED_SIZE + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wire);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	make_picture(wire + 7, SEED_SIZE);
	memcpy(wire + 7 + SEED_SIZE, "UG#", 3);

	for (h = 0; h < ARRAY_SIZE(heads); h++) {
		memcpy(wire, heads[h], 7);
		for (s = 0; s < ARRAY_SIZE(steps); s++) {
			memset(&p, 0, sizeof(p));
			memset(&g, 0, sizeof(g));
			memset(dst, GUARD, SEED_SIZE + 16);
			au_parser_reset(&p);
			feed(test, &p, wire, len, steps[s], dst, SEED_SIZE, &g);
			KUNIT_ASSERT_EQ(test, g.n, 3);
			KUNIT_EXPECT_EQ(test, g.ev[0], AU_EV_PICTURE);
			KUNIT_EXPECT_EQ(test, g.val[0], SEED_SIZE);
			KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_DONE);
			KUNIT_EXPECT_EQ(test, g.val[1], SEED_SIZE);
			KUNIT_EXPECT_EQ(test, g.ev[2], AU_EV_REPLY);
			KUNIT_EXPECT_EQ(test, g.val[2], 'G');
			KUNIT_EXPECT_MEMEQ(test, dst, wire + 7, SEED_SIZE);
			KUNIT_EXPECT_EQ(test, dst[SEED_SIZE], GUARD);
			KUNIT_EXPECT_EQ(test, p.size, SEED_SIZE);
			KUNIT_EXPECT_EQ(test, p.got, SEED_SIZE);
			KUNIT_EXPECT_EQ(test, p.stats.pictures, 1);
			KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
			KUNIT_EXPECT_EQ(test, p.stats.skipped, 0);
			KUNIT_EXPECT_EQ(test, p.stats.bad, 0);
		}
	}
}

/* Stops exactly after the announcement and after the last data byte. */
static void picture_stops(struct kunit *test)
{
	static const u8 wire[] = {
		'U', 'P', 'c', 'c', '0', 'b', '#', 0xff, 0xd8,
	};
	static const char * const sizes[] = {
		"UP1000#", "UP0001#", "UPffff#", "UP0100#",
	};
	/* low byte first: 0x0010, 0x0100, 0xffff, 0x0001 */
	static const u32 want[] = { 16, 256, 65535, 1 };
	struct au_parser p = {};
	enum au_event ev;
	unsigned int i;
	size_t used;
	u8 dst[4];

	au_parser_reset(&p);
	KUNIT_EXPECT_EQ(test, au_parse(&p, wire, sizeof(wire), &ev), 7);
	KUNIT_EXPECT_EQ(test, ev, AU_EV_PICTURE);
	KUNIT_EXPECT_EQ(test, p.size, SEED_SIZE);
	KUNIT_EXPECT_EQ(test, p.got, 0);
	KUNIT_EXPECT_TRUE(test, au_in_picture(&p));
	au_set_dst(&p, dst, sizeof(dst));
	KUNIT_EXPECT_EQ(test, au_parse(&p, wire + 7, 2, &ev), 2);
	KUNIT_EXPECT_EQ(test, ev, AU_EV_NONE);
	KUNIT_EXPECT_EQ(test, p.got, 2);
	KUNIT_EXPECT_EQ(test, dst[0], 0xff);
	KUNIT_EXPECT_EQ(test, dst[1], 0xd8);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&p, 0, sizeof(p));
		au_parser_reset(&p);
		KUNIT_EXPECT_EQ(test, one(&p, sizes[i], &used), AU_EV_PICTURE);
		KUNIT_EXPECT_EQ(test, used, 7);
		KUNIT_EXPECT_EQ(test, p.size, want[i]);
	}
	/* UP0100# is one byte: the byte after it ends the picture */
	KUNIT_EXPECT_EQ(test, au_parse(&p, (const u8 *)"UI#", 3, &ev), 1);
	KUNIT_EXPECT_EQ(test, ev, AU_EV_DONE);
	KUNIT_EXPECT_FALSE(test, au_in_picture(&p));
	KUNIT_EXPECT_EQ(test, au_parse(&p, (const u8 *)"I#", 2, &ev), 2);
	KUNIT_EXPECT_EQ(test, ev, AU_EV_NONE);
	KUNIT_EXPECT_EQ(test, p.stats.replies, 0);
}

/*
 * Padding after EOI up to the announced size is the picture's: it is
 * taken as data, even where it looks like a reply.
 */
static void padding(struct kunit *test)
{
	static const u8 wire[] = {
		'U', 'P', '1', '0', '0', '0', '#',	/* 0x0010 = 16 */
		0xff, 0xd8, 0xff, 0xda, 0x01, 0x02, 0x03, 0xff, 0xd9,
		0x00, 'U', 'I', '#', 0x00, 0x00, 0x00,	/* 7 of padding */
		'U', 'C', '#',
	};
	struct au_parser p = {};
	struct got g = {};
	u8 dst[16 + 4];

	memset(dst, GUARD, sizeof(dst));
	au_parser_reset(&p);
	feed(test, &p, wire, sizeof(wire), sizeof(wire), dst, 16, &g);
	KUNIT_ASSERT_EQ(test, g.n, 3);
	KUNIT_EXPECT_EQ(test, g.ev[0], AU_EV_PICTURE);
	KUNIT_EXPECT_EQ(test, g.val[0], 16);
	KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_DONE);
	KUNIT_EXPECT_EQ(test, g.val[1], 16);
	KUNIT_EXPECT_EQ(test, g.ev[2], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[2], 'C');
	KUNIT_EXPECT_MEMEQ(test, dst, wire + 7, 16);
	KUNIT_EXPECT_EQ(test, dst[16], GUARD);
	KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 0);
}

/* A whole session in one run, and again in every smaller run length. */
static void byte_at_a_time(struct kunit *test)
{
	static const u8 head[] = "\r\n\xffUI#UG#UP4000#";	/* 0x0040 = 64 */
	static const u8 tail[] = "UE#UP12#UC#";
	u8 wire[sizeof(head) - 1 + 64 + sizeof(tail) - 1];
	u8 whole_dst[64], dst[64];
	struct au_parser whole = {}, p;
	struct got gw = {}, g;
	size_t step;

	memcpy(wire, head, sizeof(head) - 1);
	make_picture(wire + sizeof(head) - 1, 64);
	memcpy(wire + sizeof(head) - 1 + 64, tail, sizeof(tail) - 1);

	au_parser_reset(&whole);
	feed(test, &whole, wire, sizeof(wire), sizeof(wire), whole_dst,
	     sizeof(whole_dst), &gw);
	KUNIT_ASSERT_EQ(test, gw.n, 7);
	KUNIT_EXPECT_EQ(test, gw.ev[0], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, gw.val[0], 'I');
	KUNIT_EXPECT_EQ(test, gw.ev[1], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, gw.val[1], 'G');
	KUNIT_EXPECT_EQ(test, gw.ev[2], AU_EV_PICTURE);
	KUNIT_EXPECT_EQ(test, gw.val[2], 64);
	KUNIT_EXPECT_EQ(test, gw.ev[3], AU_EV_DONE);
	KUNIT_EXPECT_EQ(test, gw.ev[4], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, gw.val[4], 'E');
	KUNIT_EXPECT_EQ(test, gw.ev[5], AU_EV_BAD);
	KUNIT_EXPECT_EQ(test, gw.ev[6], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, gw.val[6], 'C');
	KUNIT_EXPECT_MEMEQ(test, whole_dst, wire + sizeof(head) - 1, 64);
	/* 3 of noise, 5 of UP12# */
	KUNIT_EXPECT_EQ(test, whole.stats.skipped, 8);
	KUNIT_EXPECT_EQ(test, whole.stats.bad, 1);
	KUNIT_EXPECT_EQ(test, whole.stats.replies, 4);
	KUNIT_EXPECT_EQ(test, whole.stats.pictures, 1);

	for (step = 1; step < sizeof(wire); step++) {
		memset(&p, 0, sizeof(p));
		memset(&g, 0, sizeof(g));
		memset(dst, 0, sizeof(dst));
		au_parser_reset(&p);
		feed(test, &p, wire, sizeof(wire), step, dst, sizeof(dst), &g);
		KUNIT_EXPECT_EQ(test, g.n, gw.n);
		KUNIT_EXPECT_MEMEQ(test, g.ev, gw.ev, sizeof(g.ev));
		KUNIT_EXPECT_MEMEQ(test, g.val, gw.val, sizeof(g.val));
		KUNIT_EXPECT_MEMEQ(test, dst, whole_dst, sizeof(dst));
		KUNIT_EXPECT_EQ(test, p.stats.skipped, whole.stats.skipped);
		KUNIT_EXPECT_EQ(test, p.stats.bad, whole.stats.bad);
		KUNIT_EXPECT_EQ(test, p.stats.replies, whole.stats.replies);
		KUNIT_EXPECT_EQ(test, p.stats.pictures, whole.stats.pictures);
	}
}

static void junk_skipped(struct kunit *test)
{
	static const u8 wire[] = {
		0x00, 0xff, '\r', '\n', '#', 'I', 0x55 ^ 0x20, 'U', 'I', '#',
	};
	struct au_parser p = {};
	enum au_event ev;

	au_parser_reset(&p);
	KUNIT_EXPECT_EQ(test, au_parse(&p, wire, sizeof(wire), &ev),
			sizeof(wire));
	KUNIT_EXPECT_EQ(test, ev, AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, p.reply, 'I');
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 7);
	KUNIT_EXPECT_EQ(test, p.stats.bad, 0);
	KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
}

/*
 * A broken text, then a good reply: one AU_EV_BAD after @bad_at bytes,
 * and @skipped counts every byte before the reply's U.
 */
struct bad_case {
	const char *wire;
	size_t bad_at;
	u32 skipped;
};

static const struct bad_case bad_cases[] = {
	{ "UP12#", 5, 5 },		/* two hex digits, not four */
	{ "UPzz00#", 7, 7 },		/* not hex */
	/* no # in time: bad at the 7th byte, the rest is noise */
	{ "UPxxxxxxxx", 7, 10 },
	{ "Ui#", 3, 3 },		/* lower case */
	{ "UP0000#", 7, 7 },		/* size 0 */
	{ "UP#", 3, 3 },		/* P with no size */
	{ "U#", 2, 2 },			/* nothing between U and # */
	{ "UPcc0b0#", 7, 8 },		/* five hex digits */
};

static void bad_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->wire, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_desc);

static void bad_text(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	size_t len = strlen(c->wire);
	struct au_parser p = {};
	struct got g = {};
	u8 wire[16];

	KUNIT_ASSERT_LE(test, len + 3, sizeof(wire));
	memcpy(wire, c->wire, len);
	memcpy(wire + len, "UG#", 3);
	au_parser_reset(&p);
	feed(test, &p, wire, len + 3, len + 3, NULL, 0, &g);
	KUNIT_ASSERT_EQ(test, g.n, 2);
	KUNIT_EXPECT_EQ(test, g.ev[0], AU_EV_BAD);
	KUNIT_EXPECT_EQ(test, g.at[0], c->bad_at);
	/* the parser recovers: the next reply is seen */
	KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[1], 'G');
	KUNIT_EXPECT_EQ(test, p.stats.bad, 1);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, c->skipped);
	KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
	KUNIT_EXPECT_EQ(test, p.stats.pictures, 0);
	KUNIT_EXPECT_FALSE(test, au_in_picture(&p));
}

/* A U that began nothing: the U after it begins the reply. */
static void stray_u(struct kunit *test)
{
	struct au_parser p = {};
	size_t used;

	au_parser_reset(&p);
	KUNIT_EXPECT_EQ(test, one(&p, "UUI#", &used), AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, used, 4);
	KUNIT_EXPECT_EQ(test, p.reply, 'I');
	KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 1);
	/* a U in a half-read announcement: the announcement is lost */
	KUNIT_EXPECT_EQ(test, one(&p, "UPcUPcc0b#", &used), AU_EV_PICTURE);
	KUNIT_EXPECT_EQ(test, used, 10);
	KUNIT_EXPECT_EQ(test, p.size, SEED_SIZE);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 1 + 3);
}

/* Room for fewer bytes than the picture: the rest counted, not written. */
static void short_dst(struct kunit *test)
{
	static const u8 wire[] = {
		'U', 'P', '1', '0', '0', '0', '#',	/* 16 */
		0xff, 0xd8, 1, 2, 3, 4, 5, 6,
		7, 8, 9, 10, 11, 12, 0xff, 0xd9,
		'U', 'E', '#',
	};
	struct au_parser p = {};
	struct got g = {};
	u8 dst[8 + 4];

	memset(dst, GUARD, sizeof(dst));
	au_parser_reset(&p);
	feed(test, &p, wire, sizeof(wire), 3, dst, 8, &g);
	KUNIT_ASSERT_EQ(test, g.n, 3);
	KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_DONE);
	KUNIT_EXPECT_EQ(test, g.val[1], 16);
	KUNIT_EXPECT_EQ(test, g.ev[2], AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, g.val[2], 'E');
	KUNIT_EXPECT_MEMEQ(test, dst, wire + 7, 8);
	KUNIT_EXPECT_EQ(test, dst[8], GUARD);
	KUNIT_EXPECT_EQ(test, dst[9], GUARD);
	KUNIT_EXPECT_EQ(test, dst[10], GUARD);
	KUNIT_EXPECT_EQ(test, dst[11], GUARD);
	KUNIT_EXPECT_EQ(test, p.got, 16);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 0);

	/* no buffer at all: counted only */
	memset(&g, 0, sizeof(g));
	feed(test, &p, wire, sizeof(wire), sizeof(wire), NULL, 8, &g);
	KUNIT_ASSERT_EQ(test, g.n, 3);
	KUNIT_EXPECT_EQ(test, g.ev[1], AU_EV_DONE);
	KUNIT_EXPECT_EQ(test, g.val[1], 16);
	KUNIT_EXPECT_EQ(test, p.dst_len, 0);
	KUNIT_EXPECT_EQ(test, p.stats.pictures, 2);
}

/* A picture cut short: au_break(), and the next reply parses. */
static void cut_short(struct kunit *test)
{
	const size_t dst_len = SEED_SIZE / 4;
	struct au_parser p = {};
	enum au_event ev;
	size_t used;
	u8 *dst, data[100];

	/* not on the stack: too big for a 32-bit kernel's frame limit */
	dst = kunit_kzalloc(test, dst_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	memset(data, 'U', sizeof(data));
	au_parser_reset(&p);
	KUNIT_EXPECT_FALSE(test, au_in_picture(&p));
	KUNIT_EXPECT_EQ(test, one(&p, "UPcc0b#", &used), AU_EV_PICTURE);
	KUNIT_EXPECT_TRUE(test, au_in_picture(&p));
	au_set_dst(&p, dst, dst_len);
	KUNIT_EXPECT_EQ(test, au_parse(&p, data, sizeof(data), &ev),
			sizeof(data));
	KUNIT_EXPECT_EQ(test, ev, AU_EV_NONE);
	KUNIT_EXPECT_EQ(test, p.got, sizeof(data));
	KUNIT_EXPECT_TRUE(test, au_in_picture(&p));
	au_break(&p);
	KUNIT_EXPECT_FALSE(test, au_in_picture(&p));
	KUNIT_EXPECT_EQ(test, one(&p, "UI#", &used), AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, used, 3);
	KUNIT_EXPECT_EQ(test, p.reply, 'I');
	KUNIT_EXPECT_EQ(test, p.stats.replies, 1);
	KUNIT_EXPECT_EQ(test, p.stats.pictures, 1);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 0);

	/* cut in an announcement: its 4 bytes, then the rest, skipped */
	KUNIT_EXPECT_EQ(test, one(&p, "UPcc", &used), AU_EV_NONE);
	au_break(&p);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 4);
	KUNIT_EXPECT_EQ(test, one(&p, "0b#UC#", &used), AU_EV_REPLY);
	KUNIT_EXPECT_EQ(test, p.reply, 'C');
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 4 + 3);
	KUNIT_EXPECT_EQ(test, p.stats.pictures, 1);
	/* between texts, au_break changes nothing */
	au_break(&p);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 4 + 3);
}

/*
 * A picture cut short, the next announced at once: the announcement is
 * found among the bytes taken as the short picture's (not at offset 0,
 * not a broken one, either case of hex).
 */
static void find_picture(struct kunit *test)
{
	static const u8 swallowed[] = "\xff\xd8\x01UPzz00#\x02UP0a00#\xff\xd8";
	static const u8 upper[] = "\x00UPCC0B#";
	static const u8 none[] = "UPcc0b#\xff\xd8UP0000#UP12#";

	KUNIT_EXPECT_EQ(test, au_find_picture(swallowed, sizeof(swallowed) - 1),
			(size_t)11);
	KUNIT_EXPECT_EQ(test, au_find_picture(upper, sizeof(upper) - 1),
			(size_t)1);
	/* at offset 0 it is the picture's own start, not a swallowed one */
	KUNIT_EXPECT_EQ(test, au_find_picture(none, sizeof(none) - 1),
			sizeof(none) - 1);
	/* cut at the end: not whole, not found */
	KUNIT_EXPECT_EQ(test, au_find_picture(swallowed, 16), (size_t)16);
}

static struct kunit_case asciiu_proto_cases[] = {
	KUNIT_CASE(find_picture),
	KUNIT_CASE(commands),
	KUNIT_CASE(rate_codes),
	KUNIT_CASE(replies),
	KUNIT_CASE(seed_picture),
	KUNIT_CASE(picture_stops),
	KUNIT_CASE(padding),
	KUNIT_CASE(byte_at_a_time),
	KUNIT_CASE(junk_skipped),
	KUNIT_CASE_PARAM(bad_text, bad_gen_params),
	KUNIT_CASE(stray_u),
	KUNIT_CASE(short_dst),
	KUNIT_CASE(cut_short),
	{}
};

static struct kunit_suite asciiu_proto_suite = {
	.name = "asciiu_proto",
	.test_cases = asciiu_proto_cases,
};

kunit_test_suite(asciiu_proto_suite);

MODULE_DESCRIPTION("KUnit tests for sercam's ASCII U# protocol code");
MODULE_LICENSE("GPL");
