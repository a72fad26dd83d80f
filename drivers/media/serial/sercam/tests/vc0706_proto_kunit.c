// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the VC0706 protocol code (commands, the reply parser,
 * the baud codes, the compression ratio).
 *
 * Expected bytes come from shared/protocols/vc0706.md's command table;
 * never from the code under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../vc0706-proto.c"

static void commands(struct kunit *test)
{
	static const u8 version[] = { 0x56, 0x00, 0x11, 0x00 };
	static const u8 freeze[] = { 0x56, 0x00, 0x36, 0x01, 0x00 };
	static const u8 length[] = { 0x56, 0x00, 0x34, 0x01, 0x00 };
	static const u8 size320[] = {
		0x56, 0x00, 0x31, 0x05, 0x04, 0x01, 0x00, 0x19, 0x11,
	};
	/* read 0x2000 bytes at 0x100, delay 0x000a */
	static const u8 read[] = {
		0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x20, 0x00, 0x00, 0x0a,
	};
	static const u8 size_data[] = { 0x04, 0x01, 0x00, 0x19, 0x11 };
	u8 out[VC_READ_REQ_LEN], one = 0;

	KUNIT_EXPECT_EQ(test, vc_encode(out, 0, VC_GET_VERSION, NULL, 0), 4);
	KUNIT_EXPECT_MEMEQ(test, out, version, sizeof(version));
	KUNIT_EXPECT_EQ(test, vc_encode(out, 0, VC_FBUF_CTRL, &one, 1), 5);
	KUNIT_EXPECT_MEMEQ(test, out, freeze, sizeof(freeze));
	KUNIT_EXPECT_EQ(test, vc_encode(out, 0, VC_GET_FBUF_LEN, &one, 1), 5);
	KUNIT_EXPECT_MEMEQ(test, out, length, sizeof(length));
	KUNIT_EXPECT_EQ(test, vc_encode(out, 0, VC_WRITE_DATA, size_data,
					sizeof(size_data)), sizeof(size320));
	KUNIT_EXPECT_MEMEQ(test, out, size320, sizeof(size320));
	KUNIT_EXPECT_EQ(test, vc_read_req(out, 0, 0x100, 0x2000, 0x0a),
			sizeof(read));
	KUNIT_EXPECT_MEMEQ(test, out, read, sizeof(read));
}

static void baud_and_quality(struct kunit *test)
{
	u8 code[2];

	KUNIT_ASSERT_EQ(test, vc_baud_code(115200, code), 0);
	KUNIT_EXPECT_EQ(test, code[0], 0x0d);
	KUNIT_EXPECT_EQ(test, code[1], 0xa6);
	KUNIT_ASSERT_EQ(test, vc_baud_code(38400, code), 0);
	KUNIT_EXPECT_EQ(test, code[0], 0x2a);
	KUNIT_EXPECT_EQ(test, code[1], 0xf2);
	KUNIT_ASSERT_EQ(test, vc_baud_code(9600, code), 0);
	KUNIT_EXPECT_EQ(test, code[0], 0xae);
	KUNIT_EXPECT_EQ(test, code[1], 0xc8);
	KUNIT_EXPECT_EQ(test, vc_baud_code(230400, code), -EINVAL);
	KUNIT_EXPECT_EQ(test, vc_quality_ratio(100), 0x36);
	KUNIT_EXPECT_EQ(test, vc_quality_ratio(1), 0x8f);
	KUNIT_EXPECT_EQ(test, vc_quality_ratio(0), 0x8f);
	KUNIT_EXPECT_EQ(test, vc_quality_ratio(200), 0x36);
	/* halfway: 0x8f - 49.5 x 89 / 99 = 0x8f - 44.5 */
	KUNIT_EXPECT_GE(test, vc_quality_ratio(50), 0x62);
	KUNIT_EXPECT_TRUE(test, vc_quality_ratio(50) <= 0x63);
}

/* Feed @len bytes in runs of @step; the last status. */
static int feed(struct vc_rx *r, const u8 *buf, size_t len, size_t step)
{
	size_t off = 0, used;
	int ret = -EINPROGRESS;

	while (off < len && ret == -EINPROGRESS) {
		ret = vc_rx_feed(r, buf + off, min(step, len - off), &used);
		off += used;
	}
	return ret;
}

static void replies(struct kunit *test)
{
	/* noise, a motion report, then the length reply: 0x1234 */
	static const u8 len_reply[] = {
		0x00, 0x42, 0x76, 0x00, 0x39, 0x00, 0x00,
		0x76, 0x00, 0x34, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34,
	};
	static const u8 version[] = {
		0x76, 0x00, 0x11, 0x00, 0x0b, 'V', 'C', '0', '7', '0', '3',
		' ', '1', '.', '0', '0',
	};
	static const u8 not_frozen[] = { 0x76, 0x00, 0x34, 0x04, 0x00 };
	static const u8 other_cmd[] = { 0x76, 0x00, 0x36, 0x00, 0x00 };
	static const size_t steps[] = { 1, 3, 16 };
	struct vc_rx r = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		memset(&r, 0, sizeof(r));
		vc_rx_start(&r, 0, VC_GET_FBUF_LEN, NULL, 0);
		KUNIT_ASSERT_EQ(test, feed(&r, len_reply, sizeof(len_reply),
					   steps[i]), 0);
		KUNIT_EXPECT_EQ(test, r.len, 4);
		KUNIT_EXPECT_EQ(test, get_unaligned_be32(r.data), 0x1234);
		KUNIT_EXPECT_EQ(test, r.skipped, 2);
		KUNIT_EXPECT_EQ(test, r.motion, 1);
	}
	vc_rx_start(&r, 0, VC_GET_VERSION, NULL, 0);
	KUNIT_ASSERT_EQ(test, feed(&r, version, sizeof(version), 5), 0);
	KUNIT_EXPECT_MEMEQ(test, r.data, "VC0703 1.00", 11);
	vc_rx_start(&r, 0, VC_GET_FBUF_LEN, NULL, 0);
	KUNIT_EXPECT_EQ(test, feed(&r, not_frozen, sizeof(not_frozen), 5),
			-EIO);
	KUNIT_EXPECT_EQ(test, r.status, 4);
	vc_rx_start(&r, 0, VC_GET_FBUF_LEN, NULL, 0);
	KUNIT_EXPECT_EQ(test, feed(&r, other_cmd, sizeof(other_cmd), 5),
			-EBADMSG);
	/* another camera's serial number */
	vc_rx_start(&r, 1, VC_FBUF_CTRL, NULL, 0);
	KUNIT_EXPECT_EQ(test, feed(&r, other_cmd, sizeof(other_cmd), 5),
			-EBADMSG);
}

static void frame_read(struct kunit *test)
{
	static const u8 wire[] = {
		0x76, 0x00, 0x32, 0x00, 0x00,
		0xff, 0xd8, 1, 2, 3, 4, 0xff, 0xd9,
		0x76, 0x00, 0x32, 0x00, 0x00,
	};
	u8 buf[8], bad[sizeof(wire)];
	struct vc_rx r = {};
	size_t used;

	vc_rx_start(&r, 0, VC_READ_FBUF, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, feed(&r, wire, sizeof(wire), 4), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, wire + 5, 8);
	/*
	 * A data byte lost: the trailer's 0x76 is taken for the last data
	 * byte, and the trailer read from the bytes after it is wrong.
	 */
	vc_rx_start(&r, 0, VC_READ_FBUF, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, feed(&r, wire, 12, 4), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, vc_rx_feed(&r, wire + 13, 5, &used),
			-EINPROGRESS);
	KUNIT_EXPECT_EQ(test, vc_rx_feed(&r, wire, 1, &used), -EBADMSG);
	/* a broken wrapper after the data */
	memcpy(bad, wire, sizeof(wire));
	bad[sizeof(bad) - 3] = 0x33;
	vc_rx_start(&r, 0, VC_READ_FBUF, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, feed(&r, bad, sizeof(bad), 18), -EBADMSG);
}

/* Motion reports between replies, and one split by an exchange's start. */
static void motion_split(struct kunit *test)
{
	static const u8 report[] = { 0x76, 0x01, 0x39, 0x00, 0x00 };
	static const u8 reply[] = { 0x76, 0x01, 0x36, 0x00, 0x00 };
	u8 run[sizeof(report) + sizeof(reply)];
	struct vc_rx r = {};
	size_t used;
	u64 win = 0;

	/* whole, twice, between noise: counted each time */
	KUNIT_EXPECT_EQ(test, vc_motion_feed(&win, 1, report, 5), 1);
	KUNIT_EXPECT_EQ(test, vc_motion_feed(&win, 1, (u8 []){ 0x12 }, 1), 0);
	KUNIT_EXPECT_EQ(test, vc_motion_feed(&win, 1, report, 5), 1);
	/* another camera's */
	KUNIT_EXPECT_EQ(test, vc_motion_feed(&win, 0, report, 5), 0);
	/* a whole report leaves no start behind */
	vc_motion_feed(&win, 1, report, 5);
	KUNIT_EXPECT_FALSE(test, vc_motion_rest(&win, 1, report + 3, 2, &used));
	KUNIT_EXPECT_EQ(test, used, 0);

	/* begun before the exchange, ended with its reply in one run */
	win = 0;
	KUNIT_EXPECT_EQ(test, vc_motion_feed(&win, 1, report, 3), 0);
	memcpy(run, report + 3, 2);
	memcpy(run + 2, reply, sizeof(reply));
	KUNIT_EXPECT_TRUE(test, vc_motion_rest(&win, 1, run, 7, &used));
	KUNIT_EXPECT_EQ(test, used, 2);
	vc_rx_start(&r, 1, VC_FBUF_CTRL, NULL, 0);
	KUNIT_EXPECT_EQ(test, vc_rx_feed(&r, run + 2, 5, &used), 0);
	KUNIT_EXPECT_EQ(test, r.motion, 0);
	/* ... and later runs of that exchange are the parser's */
	KUNIT_EXPECT_FALSE(test, vc_motion_rest(&win, 1, report + 3, 2, &used));
	KUNIT_EXPECT_EQ(test, used, 0);

	/* its end over two runs */
	win = 0;
	vc_motion_feed(&win, 1, report, 1);
	KUNIT_EXPECT_FALSE(test, vc_motion_rest(&win, 1, report + 1, 1, &used));
	KUNIT_EXPECT_EQ(test, used, 1);
	KUNIT_EXPECT_TRUE(test, vc_motion_rest(&win, 1, report + 2, 3, &used));
	KUNIT_EXPECT_EQ(test, used, 3);

	/* a start that was noise: the reply is left whole to the parser */
	win = 0;
	vc_motion_feed(&win, 1, report, 2);
	KUNIT_EXPECT_FALSE(test, vc_motion_rest(&win, 1, reply, 5, &used));
	KUNIT_EXPECT_EQ(test, used, 0);
	KUNIT_EXPECT_EQ(test, win, 0);
}

static struct kunit_case vc0706_proto_cases[] = {
	KUNIT_CASE(commands),
	KUNIT_CASE(baud_and_quality),
	KUNIT_CASE(replies),
	KUNIT_CASE(frame_read),
	KUNIT_CASE(motion_split),
	{}
};

static struct kunit_suite vc0706_proto_suite = {
	.name = "vc0706_proto",
	.test_cases = vc0706_proto_cases,
};

kunit_test_suite(vc0706_proto_suite);

MODULE_DESCRIPTION("KUnit tests for sercam's VC0706 protocol code");
MODULE_LICENSE("GPL");
