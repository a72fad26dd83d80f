// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the SXH485 protocol code (framing, CRC, parser).
 *
 * Expected frames and CRCs come from the vendor manual's example and from
 * an independent CRC-16/XMODEM (Python's binascii.crc_hqx), never from the
 * code under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/crc-itu-t.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../sxh485-proto.c"

/* The manual's reply to 0x30: 13945 bytes in 28 packets, CRC 0x4e72. */
static const u8 manual_snap_reply[] = {
	0x90, 0xeb, 0x01, 0x30, 0x07, 0x00, 0x00, 0x79, 0x36, 0x00, 0x00,
	0x1c, 0x00, 0x72, 0x4e,
};

/* A 0x31 reply of camera 1: packet 2, data "JPEG!", status 0. */
static u8 pkt_reply[] = {
	0x90, 0xeb, 0x01, 0x31, 0x08, 0x00, 0x00, 0x02, 0x00,
	'J', 'P', 'E', 'G', '!', 0x00, 0x00,
};

static void fix_crc(u8 *frame, size_t len)
{
	put_unaligned_le16(crc_itu_t(0, frame + 2, len - 4), frame + len - 2);
}

struct parse_result {
	enum sxh485_event ev[8];
	unsigned int nev;
};

/* Feed @len bytes in chunks of @chunk; collect every event. */
static void feed(struct sxh485_parser *p, const u8 *buf, size_t len,
		 size_t chunk, struct parse_result *res)
{
	size_t off = 0;

	while (off < len) {
		size_t end = min(len, off + chunk);

		while (off < end) {
			enum sxh485_event ev;

			off += sxh485_parse(p, buf + off, end - off, &ev);
			if (ev != SXH485_EV_NONE && res->nev < ARRAY_SIZE(res->ev))
				res->ev[res->nev++] = ev;
		}
	}
}

static void crc_check_value(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, crc_itu_t(0, "123456789", 9), 0x31c3);
	/* the manual's frame: CRC over address .. last data byte */
	KUNIT_EXPECT_EQ(test, crc_itu_t(0, manual_snap_reply + 2, 11), 0x4e72);
}

static void encode_test_command(struct kunit *test)
{
	static const u8 want[] = {
		0x90, 0xeb, 0x01, 0x01, 0x02, 0x00, 0x55, 0xaa, 0x73, 0xe7,
	};
	static const u8 par[] = { 0x55, 0xaa };
	u8 buf[SXH485_MAX_CMD_LEN];

	KUNIT_ASSERT_EQ(test, sxh485_encode(buf, sizeof(buf), 1, 0x01, par, 2),
			sizeof(want));
	KUNIT_EXPECT_MEMEQ(test, buf, want, sizeof(want));
}

static void encode_packet_and_broadcast(struct kunit *test)
{
	static const u8 pkt3[] = {
		0x90, 0xeb, 0x01, 0x31, 0x02, 0x00, 0x03, 0x00, 0x24, 0x5b,
	};
	static const u8 baud[] = {
		0x90, 0xeb, 0xff, 0x0a, 0x01, 0x00, 0x06, 0xf2, 0x65,
	};
	u8 buf[SXH485_MAX_CMD_LEN];
	u8 par[2] = { 0x03, 0x00 };
	u8 code = 6;

	KUNIT_ASSERT_EQ(test, sxh485_encode(buf, sizeof(buf), 1, 0x31, par, 2),
			sizeof(pkt3));
	KUNIT_EXPECT_MEMEQ(test, buf, pkt3, sizeof(pkt3));
	KUNIT_ASSERT_EQ(test, sxh485_encode(buf, sizeof(buf), 0xff, 0x0a,
					    &code, 1), sizeof(baud));
	KUNIT_EXPECT_MEMEQ(test, buf, baud, sizeof(baud));
}

static void encode_bounds(struct kunit *test)
{
	u8 buf[SXH485_MAX_CMD_LEN + 1], par[SXH485_MAX_PARAMS + 1] = { };

	KUNIT_EXPECT_EQ(test, sxh485_encode(buf, SXH485_OVERHEAD - 1, 1, 1,
					    NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, sxh485_encode(buf, SXH485_OVERHEAD, 1, 0x30,
					    NULL, 0), SXH485_OVERHEAD);
	KUNIT_EXPECT_EQ(test, sxh485_encode(buf, sizeof(buf), 1, 1, par,
					    SXH485_MAX_PARAMS + 1), 0);
	KUNIT_EXPECT_EQ(test, sxh485_encode(buf, SXH485_MAX_CMD_LEN - 1, 1, 1,
					    par, SXH485_MAX_PARAMS), 0);
}

static void parse_manual_reply(struct kunit *test)
{
	struct sxh485_expect exp = {
		.addr = 1, .cmd = 0x30, .match = { 0 }, .match_len = 1,
		.head_len = 7,
	};
	struct parse_result res = { };
	struct sxh485_parser p = { };
	size_t chunk;

	for (chunk = 1; chunk <= sizeof(manual_snap_reply); chunk++) {
		memset(&res, 0, sizeof(res));
		sxh485_parser_reset(&p, &exp);
		feed(&p, manual_snap_reply, sizeof(manual_snap_reply), chunk,
		     &res);
		KUNIT_ASSERT_EQ(test, res.nev, 1);
		KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_FRAME);
		KUNIT_EXPECT_EQ(test, p.len, 7);
		KUNIT_EXPECT_EQ(test, p.head_got, 7);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(p.head + 1), 13945);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(p.head + 5), 28);
	}
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(13945, 512), 28);
}

static void parse_packet_into_buffer(struct kunit *test)
{
	u8 data[8];
	struct sxh485_expect exp = {
		.addr = 1, .cmd = 0x31, .match = { 0, 2, 0 }, .match_len = 3,
		.head_len = 3, .data = data, .data_len = 5,
	};
	struct parse_result res = { };
	struct sxh485_parser p = { };

	fix_crc(pkt_reply, sizeof(pkt_reply));
	memset(data, 0xa5, sizeof(data));
	sxh485_parser_reset(&p, &exp);
	feed(&p, pkt_reply, sizeof(pkt_reply), 3, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_FRAME);
	KUNIT_EXPECT_MEMEQ(test, data, "JPEG!", 5);
	/* nothing written past the room given */
	KUNIT_EXPECT_EQ(test, data[5], 0xa5);
}

/* Mid-frame, the parser says how much of the awaited frame is to come. */
static void parse_left(struct kunit *test)
{
	u8 data[8];
	struct sxh485_expect exp = {
		.addr = 1, .cmd = 0x31, .match = { 0, 2, 0 }, .match_len = 3,
		.head_len = 3, .data = data, .data_len = 5,
	};
	struct sxh485_expect other = exp;
	struct sxh485_parser p = { };
	enum sxh485_event ev;

	fix_crc(pkt_reply, sizeof(pkt_reply));
	sxh485_parser_reset(&p, &exp);
	KUNIT_EXPECT_EQ(test, sxh485_parser_left(&p), 0);
	/* header (6) and 3 payload bytes: 8 - 3 payload + 2 CRC to come */
	sxh485_parse(&p, pkt_reply, 9, &ev);
	KUNIT_EXPECT_EQ(test, ev, SXH485_EV_NONE);
	KUNIT_EXPECT_EQ(test, sxh485_parser_left(&p), 7);
	sxh485_parse(&p, pkt_reply + 9, 5, &ev);
	KUNIT_EXPECT_EQ(test, sxh485_parser_left(&p), 2);
	sxh485_parse(&p, pkt_reply + 14, 1, &ev);
	KUNIT_EXPECT_EQ(test, sxh485_parser_left(&p), 1);
	/* a frame for another command: nothing awaited is coming */
	other.cmd = 0x30;
	sxh485_parser_reset(&p, &other);
	sxh485_parse(&p, pkt_reply, 9, &ev);
	KUNIT_EXPECT_EQ(test, sxh485_parser_left(&p), 0);
}

static void parse_other_packet_not_stored(struct kunit *test)
{
	u8 data[8];
	struct sxh485_expect exp = {
		.addr = 1, .cmd = 0x31, .match = { 0, 3, 0 }, .match_len = 3,
		.head_len = 3, .data = data, .data_len = 5,
	};
	struct parse_result res = { };
	struct sxh485_parser p = { };

	fix_crc(pkt_reply, sizeof(pkt_reply));
	memset(data, 0xa5, sizeof(data));
	sxh485_parser_reset(&p, &exp);
	feed(&p, pkt_reply, sizeof(pkt_reply), 64, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_OTHER);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(p.head + 1), 2);
	KUNIT_EXPECT_EQ(test, data[0], 0xa5);
}

static void parse_wrong_address_and_command(struct kunit *test)
{
	struct sxh485_expect exp = { .addr = 2, .cmd = 0x30, .head_len = 7 };
	struct parse_result res = { };
	struct sxh485_parser p = { };

	sxh485_parser_reset(&p, &exp);
	feed(&p, manual_snap_reply, sizeof(manual_snap_reply), 64, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_OTHER);
	KUNIT_EXPECT_EQ(test, p.addr, 1);

	exp.addr = 1;
	exp.cmd = 0x31;
	memset(&res, 0, sizeof(res));
	sxh485_parser_reset(&p, &exp);
	feed(&p, manual_snap_reply, sizeof(manual_snap_reply), 64, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_OTHER);
}

static void parse_swapped_header(struct kunit *test)
{
	struct sxh485_expect exp = { .addr = 1, .cmd = 0x30, .head_len = 7 };
	struct parse_result res = { };
	struct sxh485_parser p = { };
	u8 f[sizeof(manual_snap_reply)];

	memcpy(f, manual_snap_reply, sizeof(f));
	f[0] = 0xeb;
	f[1] = 0x90;
	sxh485_parser_reset(&p, &exp);
	feed(&p, f, sizeof(f), 1, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_FRAME);
	KUNIT_EXPECT_EQ(test, p.stats.swapped, 1);
}

static void parse_bad_crc_then_good(struct kunit *test)
{
	struct sxh485_expect exp = { .addr = 1, .cmd = 0x30, .head_len = 7 };
	struct parse_result res = { };
	struct sxh485_parser p = { };
	u8 buf[2 * sizeof(manual_snap_reply)];

	memcpy(buf, manual_snap_reply, sizeof(manual_snap_reply));
	memcpy(buf + sizeof(manual_snap_reply), manual_snap_reply,
	       sizeof(manual_snap_reply));
	buf[8] ^= 0x10;	/* one bit of the image size */
	sxh485_parser_reset(&p, &exp);
	feed(&p, buf, sizeof(buf), 5, &res);
	KUNIT_ASSERT_EQ(test, res.nev, 2);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_BAD_CRC);
	KUNIT_EXPECT_EQ(test, res.ev[1], SXH485_EV_FRAME);
	KUNIT_EXPECT_EQ(test, p.stats.bad_crc, 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(p.head + 1), 13945);
}

/* Garbage before a good frame: every prefix must resync onto it. */
struct garbage_case {
	const char *name;
	u8 bytes[12];
	u8 len;
};

static const struct garbage_case garbage_cases[] = {
	{ "noise", { 0x00, 0x13, 0xff, 0x42 }, 4 },
	{ "lone 90", { 0x90 }, 1 },
	{ "lone eb", { 0xeb }, 1 },
	{ "90 90", { 0x90, 0x90 }, 2 },
	{ "eb eb 90", { 0xeb, 0xeb, 0x90 }, 3 },
	{ "header cut at address", { 0x90, 0xeb, 0x01 }, 3 },
	{ "header cut in length", { 0x90, 0xeb, 0x01, 0x31, 0xff }, 5 },
	/* a header whose length is too long, with a real start inside */
	{ "huge length", { 0x90, 0xeb, 0x01, 0x30, 0xff, 0xff }, 6 },
	{ "huge length holding 90", { 0x90, 0xeb, 0x90, 0x30, 0xff, 0xff }, 6 },
	{ "tail of an old frame", { 0x36, 0x00, 0x00, 0x1c, 0x00, 0x72 }, 6 },
};

static void garbage_desc(const struct garbage_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(garbage, garbage_cases, garbage_desc);

static void parse_resyncs_after_garbage(struct kunit *test)
{
	const struct garbage_case *c = test->param_value;
	struct sxh485_expect exp = { .addr = 1, .cmd = 0x30, .head_len = 7 };
	u8 buf[sizeof(c->bytes) + sizeof(manual_snap_reply)];
	struct sxh485_parser p = { };
	size_t len = c->len + sizeof(manual_snap_reply), chunk;

	memcpy(buf, c->bytes, c->len);
	memcpy(buf + c->len, manual_snap_reply, sizeof(manual_snap_reply));
	for (chunk = 1; chunk <= len; chunk++) {
		struct parse_result res = { };
		unsigned int i, frames = 0;

		sxh485_parser_reset(&p, &exp);
		feed(&p, buf, len, chunk, &res);
		for (i = 0; i < res.nev; i++)
			frames += res.ev[i] == SXH485_EV_FRAME;
		KUNIT_EXPECT_EQ_MSG(test, frames, 1, "chunk %zu", chunk);
		KUNIT_EXPECT_EQ(test, res.ev[res.nev - 1], SXH485_EV_FRAME);
	}
}

/* Every length bound: the most the expectation allows passes, one more is
 * rejected at the header, before a byte is stored.
 */
struct bound_case {
	const char *name;
	u8 cmd;
	u8 head_len;
	u32 data_len;
	u32 len;
	bool ok;
};

static const struct bound_case bound_cases[] = {
	{ "packet at room", 0x31, 3, 4096, 4099, true },
	{ "packet one over", 0x31, 3, 4096, 4100, false },
	{ "packet 0xffff", 0x31, 3, 4096, 0xffff, false },
	{ "short reply at room", 0x30, 7, 0, 7, true },
	{ "short reply one over", 0x30, 7, 0, 8, false },
	{ "whole image at room", 0x02, 0, 70000, 70000, true },
	{ "whole image one over", 0x02, 0, 70000, 70001, false },
	{ "whole image 0xffffff", 0x02, 0, 70000, 0xffffff, false },
	{ "gray image 0xffffff", 0x12, 0, 70000, 0xffffff, false },
	{ "head over the parser's", 0x30, SXH485_HEAD_MAX + 4, 0,
	  SXH485_HEAD_MAX + 1, false },
};

static void bound_desc(const struct bound_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bound, bound_cases, bound_desc);

static void parse_length_bounds(struct kunit *test)
{
	const struct bound_case *c = test->param_value;
	bool long_len = c->cmd == 0x02 || c->cmd == 0x12;
	struct sxh485_expect exp = {
		.addr = 1, .cmd = c->cmd, .head_len = c->head_len,
	};
	size_t hlen = SXH485_HDR_LEN + long_len, total, off;
	struct parse_result res = { };
	struct sxh485_parser p = { };
	u8 *data, *frame;

	data = kunit_kzalloc(test, c->data_len + 16, GFP_KERNEL);
	/* a rejected frame is rejected at its header: send only that much */
	total = c->ok ? hlen + c->len + SXH485_CRC_LEN : hlen + 16;
	frame = kunit_kzalloc(test, total, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	memset(data, 0xa5, c->data_len + 16);
	exp.data = data;
	exp.data_len = c->data_len;

	frame[0] = 0x90;
	frame[1] = 0xeb;
	frame[2] = 1;
	frame[3] = c->cmd;
	put_unaligned_le16(c->len & 0xffff, frame + 4);
	if (long_len)
		frame[6] = c->len >> 16;
	for (off = hlen; off < total - SXH485_CRC_LEN; off++)
		frame[off] = off & 0xff ? off & 0xff : 1;
	fix_crc(frame, total);

	sxh485_parser_reset(&p, &exp);
	feed(&p, frame, total, 1000, &res);
	KUNIT_ASSERT_GE(test, res.nev, 1);
	if (c->ok) {
		KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_FRAME);
		KUNIT_EXPECT_EQ(test, p.len, c->len);
		KUNIT_EXPECT_EQ(test, data[c->data_len], 0xa5);
	} else {
		KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_BAD_LEN);
		KUNIT_EXPECT_EQ(test, data[0], 0xa5);
		KUNIT_EXPECT_EQ(test, data[c->data_len], 0xa5);
		KUNIT_EXPECT_GE(test, p.stats.bad_len, 1);
	}
}

static void parse_without_expectation(struct kunit *test)
{
	struct parse_result res = { };
	struct sxh485_parser p = { };

	sxh485_parser_reset(&p, NULL);
	feed(&p, manual_snap_reply, sizeof(manual_snap_reply), 4, &res);
	KUNIT_ASSERT_GE(test, res.nev, 1);
	KUNIT_EXPECT_EQ(test, res.ev[0], SXH485_EV_BAD_LEN);
	for (; res.nev; res.nev--)
		KUNIT_EXPECT_NE(test, res.ev[res.nev - 1], SXH485_EV_FRAME);
}

static void jpeg_markers(struct kunit *test)
{
	u8 j[16] = { 0xff, 0xd8, 1, 2, 3, 4, 0xff, 0xd9 };

	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 8), 8);
	/* padding after EOI is cut */
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 12), 8);
	j[9] = 0xff;
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 12), 8);
	/* anything else after EOI: not a JPEG end */
	j[10] = 0x12;
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 12), 0);
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 7), 0);
	j[0] = 0;
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 8), 0);
	KUNIT_EXPECT_EQ(test, sxh485_jpeg_end(j, 3), 0);
}

static void rates_and_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sxh485_baud_to_code(115200), 6);
	KUNIT_EXPECT_EQ(test, sxh485_baud_to_code(38400), 4);
	KUNIT_EXPECT_EQ(test, sxh485_baud_to_code(4800), 1);
	KUNIT_EXPECT_EQ(test, sxh485_baud_to_code(230400), -EINVAL);
	KUNIT_EXPECT_EQ(test, sxh485_code_to_baud(5), 57600);
	KUNIT_EXPECT_EQ(test, sxh485_code_to_baud(0), 0);
	KUNIT_EXPECT_EQ(test, sxh485_code_to_baud(7), 0);
	KUNIT_EXPECT_TRUE(test, sxh485_pkt_size_valid(128));
	KUNIT_EXPECT_TRUE(test, sxh485_pkt_size_valid(4096));
	KUNIT_EXPECT_FALSE(test, sxh485_pkt_size_valid(4224));
	KUNIT_EXPECT_FALSE(test, sxh485_pkt_size_valid(500));
	KUNIT_EXPECT_FALSE(test, sxh485_pkt_size_valid(0));
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(0, 512), 0);
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(512, 512), 1);
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(513, 512), 2);
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(0xffffffff, 128), 0x2000000);
	KUNIT_EXPECT_EQ(test, sxh485_pkt_count(100, 0), 0);
}

static void packet_size_follows_errors(struct kunit *test)
{
	/* clean link: the largest */
	KUNIT_EXPECT_EQ(test, sxh485_best_pkt_size(100000, 0, 55, 4096), 4096);
	/* 1e-4 per byte, 55 byte times of overhead: the optimum is ~715 */
	KUNIT_EXPECT_EQ(test, sxh485_best_pkt_size(1000000, 100, 55, 4096),
			768);
	/* 1e-5: ~2300, still under the maximum */
	KUNIT_EXPECT_EQ(test, sxh485_best_pkt_size(10000000, 100, 55, 4096),
			2304);
	/* 1e-2: the smallest */
	KUNIT_EXPECT_EQ(test, sxh485_best_pkt_size(10000, 100, 55, 4096), 128);
	/* never above the limit given */
	KUNIT_EXPECT_EQ(test, sxh485_best_pkt_size(10000000, 1, 55, 1024),
			1024);
}

static struct kunit_case sxh485_proto_cases[] = {
	KUNIT_CASE(crc_check_value),
	KUNIT_CASE(encode_test_command),
	KUNIT_CASE(encode_packet_and_broadcast),
	KUNIT_CASE(encode_bounds),
	KUNIT_CASE(parse_manual_reply),
	KUNIT_CASE(parse_packet_into_buffer),
	KUNIT_CASE(parse_left),
	KUNIT_CASE(parse_other_packet_not_stored),
	KUNIT_CASE(parse_wrong_address_and_command),
	KUNIT_CASE(parse_swapped_header),
	KUNIT_CASE(parse_bad_crc_then_good),
	KUNIT_CASE_PARAM(parse_resyncs_after_garbage, garbage_gen_params),
	KUNIT_CASE_PARAM(parse_length_bounds, bound_gen_params),
	KUNIT_CASE(parse_without_expectation),
	KUNIT_CASE(jpeg_markers),
	KUNIT_CASE(rates_and_sizes),
	KUNIT_CASE(packet_size_follows_errors),
	{}
};

static struct kunit_suite sxh485_proto_suite = {
	.name = "sxh485_proto",
	.test_cases = sxh485_proto_cases,
};

kunit_test_suite(sxh485_proto_suite);

MODULE_DESCRIPTION("KUnit tests for the sercam SXH485 protocol code");
MODULE_LICENSE("GPL");
