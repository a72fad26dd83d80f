// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the JPEG marker walk and the stream framings.
 *
 * The JPEGs are built here, byte by byte, with the traps real streams
 * hold: FF D9 inside a table segment, an EXIF thumbnail with its own SOI
 * and EOI in APP1, FF 00 stuffing and restart markers in the scan. Every
 * stream is also fed in runs of 1, 3, 7, 64 and 4096 bytes, which must
 * give the same frames.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>

/*
 * The pure code under test: the stream framings compiled into this suite,
 * the marker walk from its own module (sercam-jpeg).
 */
#include "../stream-proto.c"

#define JMAX	2048

static size_t put(u8 *out, size_t at, const u8 *b, size_t n)
{
	memcpy(out + at, b, n);
	return at + n;
}

/* A baseline JPEG's structure (not a decodable picture: the walk needs none). */
static size_t make_jpeg(u8 *o, u16 w, u16 h, bool exif, bool restarts,
			u8 seed)
{
	static const u8 thumb[] = {
		0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00,
		0x10, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01,
		0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34, 0xff, 0x00, 0xff,
		0xd9,
	};
	static const u8 dri[] = { 0xff, 0xdd, 0x00, 0x04, 0x00, 0x02 };
	u8 sof[] = {
		0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 0x01, 0x22,
		0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
	};
	static const u8 sos[] = {
		0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03,
		0x11, 0x00, 0x3f, 0x00,
	};
	size_t n = 0, i;
	unsigned int k;

	n = put(o, n, (const u8[]){ 0xff, 0xd8 }, 2);
	if (exif) {
		u16 len = 2 + 6 + sizeof(thumb);

		const u8 app1[] = { 0xff, 0xe1, len >> 8, len & 0xff,
				    'E', 'x', 'i', 'f', 0, 0 };

		n = put(o, n, app1, sizeof(app1));
		n = put(o, n, thumb, sizeof(thumb));
	}
	/* DQT whose body holds FF D9: a naive scan would end here */
	n = put(o, n, (const u8[]){ 0xff, 0xdb, 0x00, 0x43, 0x00 }, 5);
	for (i = 0; i < 64; i++)
		o[n++] = i == 10 ? 0xff : i == 11 ? 0xd9 : (u8)(seed + i);
	sof[5] = h >> 8;
	sof[6] = h & 0xff;
	sof[7] = w >> 8;
	sof[8] = w & 0xff;
	n = put(o, n, sof, sizeof(sof));
	n = put(o, n, (const u8[]){ 0xff, 0xc4, 0x00, 0x1f, 0x00 }, 5);
	for (i = 0; i < 28; i++)
		o[n++] = (u8)(seed * 3 + i);
	if (restarts)
		n = put(o, n, dri, sizeof(dri));
	n = put(o, n, sos, sizeof(sos));
	for (k = 0; k < 300; k++) {
		u8 b = (u8)(seed * 31 + k * 7);

		if (restarts && k && k % 50 == 0)
			n = put(o, n, (const u8[]){ 0xff, 0xd0 + (k / 50) % 8 }, 2);
		o[n++] = b;
		if (b == 0xff)
			o[n++] = 0x00;		/* stuffing */
	}
	return put(o, n, (const u8[]){ 0xff, 0xd9 }, 2);
}

static void walk_whole(struct kunit *test)
{
	u8 *j = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	struct sercam_jpeg_walk w;
	size_t n = make_jpeg(j, 640, 480, false, true, 1), i, got = 0;

	sercam_jpeg_walk_init(&w);
	KUNIT_EXPECT_EQ(test, sercam_jpeg_walk(&w, j, n + 10), n);
	KUNIT_EXPECT_TRUE(test, sercam_jpeg_walk_done(&w));
	KUNIT_EXPECT_EQ(test, w.width, 640);
	KUNIT_EXPECT_EQ(test, w.height, 480);
	/* one byte at a time: the same end */
	sercam_jpeg_walk_init(&w);
	for (i = 0; i < n && !sercam_jpeg_walk_done(&w); i++)
		got += sercam_jpeg_walk(&w, j + i, 1);
	KUNIT_EXPECT_EQ(test, got, n);
	KUNIT_EXPECT_TRUE(test, sercam_jpeg_walk_done(&w));
}

static void walk_exif(struct kunit *test)
{
	u8 *j = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	size_t n = make_jpeg(j, 320, 240, true, false, 2);
	u16 w = 0, h = 0;

	/* the thumbnail's FF D9 ends nothing: the JPEG's own EOI does */
	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(j, n, &w, &h), n);
	KUNIT_EXPECT_EQ(test, w, 320);
	KUNIT_EXPECT_EQ(test, h, 240);
	/* padding after EOI is tolerated, anything else is not */
	j[n] = 0x00;
	j[n + 1] = 0xff;
	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(j, n + 2, NULL, NULL), n);
	j[n + 1] = 0x12;
	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(j, n + 2, NULL, NULL), 0);
	/* cut short: no EOI, no JPEG */
	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(j, n - 1, NULL, NULL), 0);
}

static void walk_broken(struct kunit *test)
{
	static const u8 no_scan[] = { 0xff, 0xd8, 0xff, 0xd9 };
	static const u8 zero_len[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01 };
	u8 *j = kunit_kzalloc(test, 2 * JMAX, GFP_KERNEL);
	size_t a = make_jpeg(j, 64, 64, false, false, 3), b;
	struct sercam_jpeg_walk w;

	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(no_scan, 4, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, sercam_jpeg_check(zero_len, 6, NULL, NULL), 0);
	/* A cut after 250 bytes, then the next JPEG: fails on its D8 */
	b = make_jpeg(j + 250, 64, 64, false, false, 4);
	sercam_jpeg_walk_init(&w);
	KUNIT_EXPECT_EQ(test, sercam_jpeg_walk(&w, j, 250 + b), 252);
	KUNIT_EXPECT_TRUE(test, sercam_jpeg_walk_failed(&w));
	KUNIT_EXPECT_TRUE(test, sercam_jpeg_walk_soi(&w));
	KUNIT_EXPECT_GT(test, a, 250);
}

/* --- framings ------------------------------------------------------------ */

struct got {
	int ev[16];
	int err[16];
	u32 len[16];
	u8 *frame[16];
	u8 *dst;
	unsigned int n;
};

/* One allocation per test for all that feed() needs. */
static struct got *got_alloc(struct kunit *test)
{
	struct got *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	u8 *mem = kunit_kzalloc(test, 17 * JMAX, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, mem);
	for (i = 0; i < 16; i++)
		g->frame[i] = mem + i * JMAX;
	g->dst = mem + 16 * JMAX;
	return g;
}

/* Feed @s in runs of @chunk; a buffer of @room per frame (0: drop all). */
static void feed(struct kunit *test, struct stream_parser *p, const u8 *s,
		 size_t len, size_t chunk, u32 room, struct got *g)
{
	enum stream_event ev;
	size_t at = 0;

	g->n = 0;
	while (at < len) {
		size_t run = min(chunk, len - at), n;

		while (run) {
			n = stream_parse(p, s + at, run, &ev);
			KUNIT_ASSERT_LE(test, n, run);
			at += n;
			run -= n;
			if (ev == STREAM_EV_NONE)
				continue;
			if (ev == STREAM_EV_BEGIN) {
				stream_set_dst(p, room ? g->dst : NULL, room);
				continue;
			}
			KUNIT_ASSERT_LT(test, g->n, 16);
			g->ev[g->n] = ev;
			g->err[g->n] = ev == STREAM_EV_BROKEN ? p->err : 0;
			g->len[g->n] = p->len;
			if (ev == STREAM_EV_FRAME && room)
				memcpy(g->frame[g->n], g->dst, p->len);
			g->n++;
		}
	}
}

static const size_t chunks[] = { 1, 3, 7, 64, 4096 };

/*
 * Back-to-back JPEGs: a parser out of step skips a JPEG that does not
 * start right after an EOI (it may be a thumbnail inside a frame). Streams
 * start with noise and one such JPEG.
 */
static size_t sync_frame(u8 *s, enum stream_framing f)
{
	if (f != STREAM_FRAMING_JPEG)
		return 0;
	memcpy(s, "xyz12", 5);
	return 5 + make_jpeg(s + 5, 32, 32, true, false, 99);
}

static void init(struct stream_parser *p, enum stream_framing f)
{
	struct stream_config cfg = { .framing = f, .max_len = JMAX };

	memcpy(cfg.start, "____start____", 13);
	cfg.start_len = 13;
	memcpy(cfg.end, "____end____", 11);
	cfg.end_len = 11;
	stream_parser_init(p, &cfg);
}

/* Frame @j (@n bytes) as @f puts it on the wire. */
static size_t frame(u8 *o, enum stream_framing f, const u8 *j, size_t n)
{
	size_t at = 0;

	if (f == STREAM_FRAMING_MARKERS)
		at = put(o, at, (const u8 *)"____start____", 13);
	if (f == STREAM_FRAMING_LENGTH) {
		put_unaligned_le32(n, o);
		at = 4;
	}
	at = put(o, at, j, n);
	if (f == STREAM_FRAMING_MARKERS)
		at = put(o, at, (const u8 *)"____end____", 11);
	return at;
}

static void framings_clean(struct kunit *test)
{
	u8 *j[3], *s = kunit_kzalloc(test, 4 * JMAX, GFP_KERNEL);
	static const u8 junk[] = "noise between frames, no ff bytes";
	size_t n[3], len, c;
	struct stream_parser p;
	struct got *g = got_alloc(test);
	int f, k;

	for (k = 0; k < 3; k++) {
		j[k] = kunit_kzalloc(test, JMAX, GFP_KERNEL);
		n[k] = make_jpeg(j[k], 160 * (k + 1), 120 * (k + 1), k == 1,
				 k == 2, 10 + k);
	}
	for (f = STREAM_FRAMING_JPEG; f <= STREAM_FRAMING_LENGTH; f++) {
		size_t pre = sync_frame(s, f);

		len = put(s, pre, junk, sizeof(junk) - 1);
		for (k = 0; k < 3; k++) {
			len += frame(s + len, f, j[k], n[k]);
			len = put(s, len, junk, 5);
		}
		for (c = 0; c < ARRAY_SIZE(chunks); c++) {
			init(&p, f);
			feed(test, &p, s, len, chunks[c], JMAX, g);
			KUNIT_EXPECT_EQ_MSG(test, g->n, 3, "framing %d chunk %zu",
					    f, chunks[c]);
			for (k = 0; k < 3 && k < g->n; k++) {
				KUNIT_EXPECT_EQ(test, g->ev[k], STREAM_EV_FRAME);
				KUNIT_EXPECT_EQ(test, g->len[k], n[k]);
				KUNIT_EXPECT_MEMEQ(test, g->frame[k], j[k], n[k]);
			}
			KUNIT_EXPECT_EQ(test, p.stats.frames, 3);
			KUNIT_EXPECT_EQ(test, p.stats.skipped,
					pre + sizeof(junk) - 1 + 3 * 5);
			KUNIT_EXPECT_EQ(test, p.stats.unsynced, pre ? 1 : 0);
			KUNIT_EXPECT_EQ(test, p.width, 480);
		}
	}
}

static void framings_cut(struct kunit *test)
{
	u8 *a = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *s = kunit_kzalloc(test, 4 * JMAX, GFP_KERNEL);
	size_t na = make_jpeg(a, 64, 64, false, false, 20);
	size_t nb = make_jpeg(b, 64, 48, true, false, 21);
	size_t len, c, cut = 300;
	struct stream_parser p;
	struct got *g = got_alloc(test);
	int f;

	for (f = STREAM_FRAMING_JPEG; f <= STREAM_FRAMING_LENGTH; f++) {
		/* A cut short inside its scan, then B whole */
		size_t pre = sync_frame(s, f);

		len = pre + frame(s + pre, f, a, na) -
		      (f == STREAM_FRAMING_MARKERS ? 11 : 0);
		len -= na - cut;
		len += frame(s + len, f, b, nb);
		for (c = 0; c < ARRAY_SIZE(chunks); c++) {
			init(&p, f);
			feed(test, &p, s, len, chunks[c], JMAX, g);
			KUNIT_ASSERT_EQ_MSG(test, g->n, 2, "framing %d chunk %zu",
					    f, chunks[c]);
			KUNIT_EXPECT_EQ(test, g->ev[0], STREAM_EV_BROKEN);
			KUNIT_EXPECT_EQ(test, g->err[0], -EPIPE);
			KUNIT_EXPECT_EQ(test, g->ev[1], STREAM_EV_FRAME);
			KUNIT_EXPECT_EQ(test, g->len[1], nb);
			KUNIT_EXPECT_MEMEQ(test, g->frame[1], b, nb);
			KUNIT_EXPECT_EQ(test, p.stats.truncated, 1);
		}
	}
}

/* The camera stops inside A: A breaks at once; B, sent later, is whole. */
static void framings_idle(struct kunit *test)
{
	u8 *a = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *s = kunit_kzalloc(test, 4 * JMAX, GFP_KERNEL);
	size_t na = make_jpeg(a, 64, 64, false, false, 40);
	size_t nb = make_jpeg(b, 64, 48, true, false, 41);
	size_t pre, cut, nbw, c;
	struct stream_parser p;
	struct got *g = got_alloc(test);
	int f;

	for (f = STREAM_FRAMING_JPEG; f <= STREAM_FRAMING_LENGTH; f++) {
		pre = sync_frame(s, f);
		cut = pre + frame(s + pre, f, a, na) / 2;
		nbw = frame(s + cut, f, b, nb);
		for (c = 0; c < ARRAY_SIZE(chunks); c++) {
			init(&p, f);
			feed(test, &p, s, cut, chunks[c], JMAX, g);
			KUNIT_EXPECT_EQ(test, g->n, 0);
			KUNIT_EXPECT_EQ(test, stream_idle(&p), STREAM_EV_BROKEN);
			KUNIT_EXPECT_EQ(test, p.err, -ETIMEDOUT);
			KUNIT_EXPECT_EQ(test, p.stats.truncated, 1);
			/* nothing under way: silence is nothing */
			KUNIT_EXPECT_EQ(test, stream_idle(&p), STREAM_EV_NONE);
			feed(test, &p, s + cut, nbw, chunks[c], JMAX, g);
			KUNIT_ASSERT_EQ_MSG(test, g->n, 1, "framing %d chunk %zu",
					    f, chunks[c]);
			KUNIT_EXPECT_EQ(test, g->ev[0], STREAM_EV_FRAME);
			KUNIT_EXPECT_EQ(test, g->len[0], nb);
			KUNIT_EXPECT_MEMEQ(test, g->frame[0], b, nb);
			KUNIT_EXPECT_EQ(test, p.stats.truncated, 1);
		}
	}
}

static void framings_bad(struct kunit *test)
{
	u8 *a = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *s = kunit_kzalloc(test, 4 * JMAX, GFP_KERNEL);
	size_t na = make_jpeg(a, 64, 64, false, false, 30), len, at;
	struct stream_parser p;
	struct got *g = got_alloc(test);

	/* markers: a damaged end marker, then a good frame */
	len = frame(s, STREAM_FRAMING_MARKERS, a, na);
	s[len - 3] ^= 0x20;
	len += frame(s + len, STREAM_FRAMING_MARKERS, a, na);
	init(&p, STREAM_FRAMING_MARKERS);
	feed(test, &p, s, len, 7, JMAX, g);
	KUNIT_ASSERT_EQ(test, g->n, 2);
	KUNIT_EXPECT_EQ(test, g->err[0], -EPROTO);
	KUNIT_EXPECT_EQ(test, g->ev[1], STREAM_EV_FRAME);

	/* length: a huge length is no frame start; the next frame is */
	len = frame(s, STREAM_FRAMING_LENGTH, a, na);
	put_unaligned_le32(0x7fffffff, s);
	at = len;
	len += frame(s + len, STREAM_FRAMING_LENGTH, a, na);
	init(&p, STREAM_FRAMING_LENGTH);
	feed(test, &p, s, len, 64, JMAX, g);
	KUNIT_ASSERT_EQ(test, g->n, 1);
	KUNIT_EXPECT_EQ(test, g->ev[0], STREAM_EV_FRAME);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, at);

	/* length: one that ends inside the JPEG */
	len = frame(s, STREAM_FRAMING_LENGTH, a, na);
	put_unaligned_le32(na - 10, s);
	len += frame(s + len, STREAM_FRAMING_LENGTH, a, na);
	init(&p, STREAM_FRAMING_LENGTH);
	feed(test, &p, s, len, 3, JMAX, g);
	KUNIT_ASSERT_EQ(test, g->n, 2);
	KUNIT_EXPECT_EQ(test, g->err[0], -EPROTO);
	KUNIT_EXPECT_EQ(test, g->ev[1], STREAM_EV_FRAME);

	/* too long for the buffer: broken, and the next one is whole */
	len = sync_frame(s, STREAM_FRAMING_JPEG);
	len += frame(s + len, STREAM_FRAMING_JPEG, a, na);
	len += frame(s + len, STREAM_FRAMING_JPEG, a, na);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, len, 64, na - 1, g);
	KUNIT_ASSERT_EQ(test, g->n, 2);
	KUNIT_EXPECT_EQ(test, g->err[0], -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, g->err[1], -EMSGSIZE);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, len, 64, na, g);
	KUNIT_EXPECT_EQ(test, g->n, 2);
	KUNIT_EXPECT_EQ(test, g->ev[1], STREAM_EV_FRAME);

	/* noise with FF D8 that is no JPEG start: skipped, nothing begun */
	memcpy(s, "\xff\xd8\x00\xff\xd8\xff\x00", 7);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, 7, 1, JMAX, g);
	KUNIT_EXPECT_EQ(test, g->n, 0);
	KUNIT_EXPECT_EQ(test, p.stats.skipped, 7);

	/* a frame nobody takes still ends where it ends */
	len = sync_frame(s, STREAM_FRAMING_JPEG);
	len += frame(s + len, STREAM_FRAMING_JPEG, a, na);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, len, 64, 0, g);
	KUNIT_ASSERT_EQ(test, g->n, 1);
	KUNIT_EXPECT_EQ(test, g->ev[0], STREAM_EV_FRAME);
	KUNIT_EXPECT_EQ(test, g->len[0], na);
}

/*
 * Started in the middle of a frame with an EXIF thumbnail (back-to-back
 * JPEGs): the thumbnail is a whole JPEG, yet no frame; the next frame is.
 */
static void framings_thumbnail(struct kunit *test)
{
	u8 *a = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, JMAX, GFP_KERNEL);
	u8 *s = kunit_kzalloc(test, 4 * JMAX, GFP_KERNEL);
	size_t na = make_jpeg(a, 320, 240, true, false, 40);
	size_t nb = make_jpeg(b, 320, 240, true, false, 41), len;
	struct got *g = got_alloc(test);
	struct stream_parser p;

	/* from inside A's APP1, before its thumbnail; then B */
	len = put(s, 0, a + 8, na - 8);
	len = put(s, len, b, nb);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, len, 64, JMAX, g);
	KUNIT_ASSERT_EQ(test, g->n, 1);
	KUNIT_EXPECT_EQ(test, g->ev[0], STREAM_EV_FRAME);
	KUNIT_EXPECT_EQ(test, g->len[0], nb);
	KUNIT_EXPECT_MEMEQ(test, g->frame[0], b, nb);
	KUNIT_EXPECT_EQ(test, p.stats.unsynced, 1);

	/* from inside A's scan: B follows A's EOI, it is taken at once */
	len = put(s, 0, a + na - 40, 40);
	len = put(s, len, b, nb);
	init(&p, STREAM_FRAMING_JPEG);
	feed(test, &p, s, len, 7, JMAX, g);
	KUNIT_ASSERT_EQ(test, g->n, 1);
	KUNIT_EXPECT_MEMEQ(test, g->frame[0], b, nb);
	KUNIT_EXPECT_EQ(test, p.stats.unsynced, 0);
}

static void framings_config(struct kunit *test)
{
	struct stream_config cfg = { .framing = STREAM_FRAMING_MARKERS,
				     .max_len = JMAX };

	KUNIT_EXPECT_EQ(test, stream_config_check(&cfg), -EINVAL);
	cfg.start_len = 3;
	cfg.end_len = 3;
	memcpy(cfg.start, "abc", 3);
	memcpy(cfg.end, "abc", 3);
	KUNIT_EXPECT_EQ(test, stream_config_check(&cfg), -EINVAL);
	cfg.end[2] = 'd';
	KUNIT_EXPECT_EQ(test, stream_config_check(&cfg), 0);
	cfg.max_len = 10;
	KUNIT_EXPECT_EQ(test, stream_config_check(&cfg), -EINVAL);
}

static struct kunit_case stream_proto_cases[] = {
	KUNIT_CASE(walk_whole),
	KUNIT_CASE(walk_exif),
	KUNIT_CASE(walk_broken),
	KUNIT_CASE(framings_clean),
	KUNIT_CASE(framings_cut),
	KUNIT_CASE(framings_idle),
	KUNIT_CASE(framings_bad),
	KUNIT_CASE(framings_thumbnail),
	KUNIT_CASE(framings_config),
	{}
};

static struct kunit_suite stream_proto_suite = {
	.name = "stream_proto",
	.test_cases = stream_proto_cases,
};

kunit_test_suite(stream_proto_suite);

MODULE_DESCRIPTION("KUnit tests for sercam's JPEG walk and stream framings");
MODULE_LICENSE("GPL");
