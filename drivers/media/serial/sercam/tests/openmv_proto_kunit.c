// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the OpenMV Protocol code (CRCs, packets, the receive
 * parser, the frame header, the channel list).
 *
 * Expected bytes come from shared/protocols/openmv-protocol.md: the CRC
 * check values and the example packets there, recomputed by the digest's
 * author from the firmware's tables; never from the code under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../openmv-proto.c"

static const u8 check_str[] = "123456789";

static void crc_check_values(struct kunit *test)
{
	omv_crc_init();
	KUNIT_EXPECT_EQ(test, omv_crc16(0xffff, check_str, 9), 0xe541);
	KUNIT_EXPECT_EQ(test, omv_crc32(0xffffffff, check_str, 9), 0x41b403d3);
	/* in two runs: the same */
	KUNIT_EXPECT_EQ(test, omv_crc32(omv_crc32(0xffffffff, check_str, 4),
					check_str + 4, 5), 0x41b403d3);
}

static void encode_examples(struct kunit *test)
{
	static const u8 sync[] = { 0xaa, 0xd5, 0, 0, 0, 0, 0, 0, 0xb0, 0xac };
	static const u8 read[] = {
		0xaa, 0xd5, 0x00, 0x03, 0x00, 0x26, 0x08, 0x00, 0x67, 0xbb,
		0x00, 0x00, 0x00, 0x00, 0xf2, 0x0f, 0x00, 0x00,
		0x00, 0x78, 0x31, 0x39,
	};
	static const u8 ioctl[] = {
		0xaa, 0xd5, 0x00, 0x03, 0x00, 0x28, 0x08, 0x00, 0x04, 0x1c,
		0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		0xd0, 0x42, 0x57, 0x61,
	};
	static const u8 ack[] = {
		0xaa, 0xd5, 0x00, 0x03, 0x01, 0x25, 0x00, 0x00, 0x22, 0xf1,
	};
	static const u8 read_args[] = { 0, 0, 0, 0, 0xf2, 0x0f, 0, 0 };
	static const u8 ioctl_args[] = { 0, 0, 0, 0, 1, 0, 0, 0 };
	struct omv_hdr h = { .op = OMV_PROTO_SYNC };
	u8 out[32];

	omv_crc_init();
	KUNIT_EXPECT_EQ(test, omv_encode(out, &h, NULL), sizeof(sync));
	KUNIT_EXPECT_MEMEQ(test, out, sync, sizeof(sync));
	h = (struct omv_hdr){ .chan = 3, .op = OMV_CH_READ, .len = 8 };
	KUNIT_EXPECT_EQ(test, omv_encode(out, &h, read_args), sizeof(read));
	KUNIT_EXPECT_MEMEQ(test, out, read, sizeof(read));
	h = (struct omv_hdr){ .chan = 3, .op = OMV_CH_IOCTL, .len = 8 };
	KUNIT_EXPECT_EQ(test, omv_encode(out, &h, ioctl_args), sizeof(ioctl));
	KUNIT_EXPECT_MEMEQ(test, out, ioctl, sizeof(ioctl));
	h = (struct omv_hdr){ .chan = 3, .flags = OMV_F_ACK,
			      .op = OMV_CH_SIZE };
	KUNIT_EXPECT_EQ(test, omv_encode(out, &h, NULL), sizeof(ack));
	KUNIT_EXPECT_MEMEQ(test, out, ack, sizeof(ack));
}

/* The digest's SIZE reply (0x1234), behind bytes that are no packet. */
static const u8 size_reply[] = {
	0x00, 0xaa, 0x17, 0xaa, 0xaa, 0x42,
	0xaa, 0xd5, 0x00, 0x03, 0x08, 0x25, 0x04, 0x00, 0xd2, 0xb2,
	0x34, 0x12, 0x00, 0x00, 0x85, 0x23, 0x99, 0xdf,
};

/* Feed @len bytes @step at a time; count the events. */
static void feed(struct omv_rx *rx, const u8 *buf, size_t len, size_t step,
		 int events[4])
{
	size_t off = 0, n, used;

	while (off < len) {
		n = min(step, len - off);
		while (n) {
			enum omv_rx_event ev = omv_rx_feed(rx, buf + off, n,
							   &used);

			events[ev]++;
			off += used;
			n -= used;
			if (ev == OMV_RX_MORE)
				break;
		}
	}
}

static void parse_reply(struct kunit *test)
{
	static const size_t steps[] = { 1, 3, 7, sizeof(size_reply) };
	struct omv_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	unsigned int i;

	omv_crc_init();
	KUNIT_ASSERT_NOT_NULL(test, rx);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		int ev[4] = {};

		memset(rx, 0, sizeof(*rx));
		omv_rx_reset(rx, 4082);
		feed(rx, size_reply, sizeof(size_reply), steps[i], ev);
		KUNIT_EXPECT_EQ(test, ev[OMV_RX_HEADER], 1);
		KUNIT_EXPECT_EQ(test, ev[OMV_RX_PACKET], 1);
		KUNIT_EXPECT_EQ(test, ev[OMV_RX_BAD_DCRC], 0);
		KUNIT_EXPECT_EQ(test, rx->skipped, 6);
		KUNIT_EXPECT_EQ(test, rx->hdr.op, OMV_CH_SIZE);
		KUNIT_EXPECT_EQ(test, rx->hdr.flags, OMV_F_ACK_REQ);
		KUNIT_EXPECT_EQ(test, rx->hdr.chan, 3);
		KUNIT_ASSERT_NOT_NULL(test, omv_rx_payload(rx));
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(omv_rx_payload(rx)),
				0x1234);
	}
}

static void parse_broken(struct kunit *test)
{
	/* a header that fails its CRC, with the device's ACK inside it */
	static const u8 slide[] = {
		0xaa, 0xd5, 0xaa, 0xd5, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x08, 0x46,
	};
	/* the NAK BUSY to LOCK, then the frame-ready event at seq 7 */
	static const u8 nak_event[] = {
		0xaa, 0xd5, 0x00, 0x03, 0x02, 0x22, 0x02, 0x00, 0x69, 0x94,
		0x04, 0x00, 0x1f, 0x28, 0xe2, 0x48,
		0xaa, 0xd5, 0x07, 0x03, 0x20, 0x29, 0x00, 0x00, 0x9b, 0x5b,
	};
	struct omv_rx *rx = kunit_kzalloc(test, sizeof(*rx), GFP_KERNEL);
	u8 buf[sizeof(size_reply)], room[2];
	size_t used;
	int ev[4] = {};

	omv_crc_init();
	KUNIT_ASSERT_NOT_NULL(test, rx);
	omv_rx_reset(rx, 4082);
	feed(rx, slide, sizeof(slide), 1, ev);
	KUNIT_EXPECT_EQ(test, ev[OMV_RX_PACKET], 1);
	KUNIT_EXPECT_EQ(test, rx->bad_hcrc, 1);
	KUNIT_EXPECT_EQ(test, rx->hdr.flags, OMV_F_ACK);
	KUNIT_EXPECT_EQ(test, rx->hdr.op, OMV_PROTO_SYNC);

	/* a payload bit flipped: the packet is whole, its CRC wrong */
	memcpy(buf, size_reply, sizeof(buf));
	buf[17] ^= 0x10;
	omv_rx_reset(rx, 4082);
	memset(ev, 0, sizeof(ev));
	feed(rx, buf, sizeof(buf), sizeof(buf), ev);
	KUNIT_EXPECT_EQ(test, ev[OMV_RX_BAD_DCRC], 1);
	KUNIT_EXPECT_EQ(test, ev[OMV_RX_PACKET], 0);

	/* a length over the host's limit is a broken header */
	omv_rx_reset(rx, 3);
	rx->bad_hcrc = 0;
	memset(ev, 0, sizeof(ev));
	feed(rx, size_reply, sizeof(size_reply), 5, ev);
	KUNIT_EXPECT_EQ(test, ev[OMV_RX_HEADER], 0);
	KUNIT_EXPECT_EQ(test, rx->bad_hcrc, 1);

	/* a NAK's status, an event after it; a room too small drops */
	omv_rx_reset(rx, 4082);
	KUNIT_ASSERT_EQ(test, omv_rx_feed(rx, nak_event, sizeof(nak_event),
					  &used), OMV_RX_HEADER);
	omv_rx_set_dst(rx, room, 1);
	KUNIT_ASSERT_EQ(test, omv_rx_feed(rx, nak_event + used,
					  sizeof(nak_event) - used, &used),
			OMV_RX_PACKET);
	KUNIT_EXPECT_TRUE(test, rx->dropped);
	KUNIT_EXPECT_TRUE(test, !omv_rx_payload(rx));
	KUNIT_EXPECT_EQ(test, rx->hdr.flags, OMV_F_NAK);
	omv_rx_reset(rx, 4082);
	KUNIT_ASSERT_EQ(test, omv_rx_feed(rx, nak_event, sizeof(nak_event),
					  &used), OMV_RX_HEADER);
	omv_rx_set_dst(rx, room, 2);
	KUNIT_ASSERT_EQ(test, omv_rx_feed(rx, nak_event + used,
					  sizeof(nak_event) - used, &used),
			OMV_RX_PACKET);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(room), OMV_ST_BUSY);
	KUNIT_EXPECT_TRUE(test, !strcmp(omv_status_name(OMV_ST_BUSY), "busy"));
	KUNIT_ASSERT_EQ(test, omv_rx_feed(rx, nak_event + 16, 10, &used),
			OMV_RX_PACKET);
	KUNIT_EXPECT_EQ(test, rx->hdr.flags, OMV_F_EVENT);
	KUNIT_EXPECT_EQ(test, rx->hdr.op, OMV_CH_EVENT);
	KUNIT_EXPECT_EQ(test, rx->hdr.seq, 7);
}

static void frame_header(struct kunit *test)
{
	u8 h[32] = {};
	struct omv_frame f;

	put_unaligned_le32(320, h);
	put_unaligned_le32(240, h + 4);
	put_unaligned_le32(OMV_PIXFMT_JPEG, h + 8);
	put_unaligned_le32(12345, h + 12);
	put_unaligned_le32(32, h + 16);
	put_unaligned_le32(0x41f00000, h + 20);	/* 30.0f */
	KUNIT_ASSERT_EQ(test, omv_frame_parse(h, sizeof(h), &f), 0);
	KUNIT_EXPECT_EQ(test, f.width, 320);
	KUNIT_EXPECT_EQ(test, f.height, 240);
	KUNIT_EXPECT_EQ(test, f.pixfmt, OMV_PIXFMT_JPEG);
	KUNIT_EXPECT_EQ(test, f.size, 12345);
	KUNIT_EXPECT_EQ(test, f.offset, 32);
	KUNIT_EXPECT_EQ(test, f.fps_milli, 30000);
	put_unaligned_le32(0x41f80000, h + 20);	/* 31.0f */
	KUNIT_ASSERT_EQ(test, omv_frame_parse(h, sizeof(h), &f), 0);
	KUNIT_EXPECT_EQ(test, f.fps_milli, 31000);
	put_unaligned_le32(0x3f400000, h + 20);	/* 0.75f */
	KUNIT_ASSERT_EQ(test, omv_frame_parse(h, sizeof(h), &f), 0);
	KUNIT_EXPECT_EQ(test, f.fps_milli, 750);
	KUNIT_EXPECT_EQ(test, omv_frame_parse(h, 19, &f), -EAGAIN);
	KUNIT_EXPECT_EQ(test, omv_frame_parse(h, 31, &f), -EAGAIN);
	/* the 1.0.0 header: 20 bytes of fields, no frame rate */
	put_unaligned_le32(20, h + 16);
	KUNIT_ASSERT_EQ(test, omv_frame_parse(h, 20, &f), 0);
	KUNIT_EXPECT_EQ(test, f.fps_milli, 0);
	put_unaligned_le32(12, h + 16);
	KUNIT_EXPECT_EQ(test, omv_frame_parse(h, sizeof(h), &f), -EPROTO);
	put_unaligned_le32(4096, h + 16);
	KUNIT_EXPECT_EQ(test, omv_frame_parse(h, sizeof(h), &f), -EPROTO);
}

/* A raw frame is good only in the format and size asked, whole. */
static void frame_check(struct kunit *test)
{
	struct omv_frame f = { .width = 160, .height = 120,
			       .pixfmt = OMV_PIXFMT_RGB565, .size = 2,
			       .offset = 32 };
	const u32 rgb = OMV_PIXFMT_RGB565;

	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38400, rgb, 160, 120), 0);
	/* a byte short or over, another size, another format */
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38399, rgb, 160, 120),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38401, rgb, 160, 120),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38400, rgb, 120, 160),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 153600, rgb, 320, 240),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38400, OMV_PIXFMT_JPEG,
					      160, 120), -EBADMSG);
	/* the camera could not fit it raw: a JPEG came */
	f.pixfmt = OMV_PIXFMT_JPEG;
	f.size = 5000;
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 5000, rgb, 160, 120),
			-EBADMSG);
	/* a JPEG asked for: any size, its byte count within what came */
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 5000, OMV_PIXFMT_JPEG, 0,
					      0), 0);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 4999, OMV_PIXFMT_JPEG, 0,
					      0), -EBADMSG);
	f.pixfmt = OMV_PIXFMT_PNG;
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 5000, OMV_PIXFMT_JPEG, 0,
					      0), -EBADMSG);
	/* GRAY: one byte a pixel */
	f.pixfmt = OMV_PIXFMT_GRAY;
	f.size = 1;
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 19200, OMV_PIXFMT_GRAY, 160,
					      120), 0);
	KUNIT_EXPECT_EQ(test, omv_frame_check(&f, 38400, OMV_PIXFMT_GRAY, 160,
					      120), -EBADMSG);
}

static void channel_list(struct kunit *test)
{
	static const struct { u8 id, flags; const char *name; } stock[] = {
		{ 0, 0x40, "usb" }, { 1, 0x06, "stdin" },
		{ 2, 0x01, "stdout" }, { 3, 0x19, "stream" },
	};
	u8 list[4 * OMV_CH_ENTRY_LEN] = {}, id = 0, flags = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stock); i++) {
		list[i * 16] = stock[i].id;
		list[i * 16 + 1] = stock[i].flags;
		memcpy(list + i * 16 + 2, stock[i].name,
		       strlen(stock[i].name));
	}
	KUNIT_ASSERT_EQ(test, omv_find_channel(list, sizeof(list), "stream",
					       &id, &flags), 0);
	KUNIT_EXPECT_EQ(test, id, 3);
	KUNIT_EXPECT_EQ(test, flags, 0x19);
	KUNIT_EXPECT_EQ(test, omv_find_channel(list, sizeof(list), "stdout",
					       &id, &flags), 0);
	KUNIT_EXPECT_EQ(test, id, 2);
	KUNIT_EXPECT_EQ(test, omv_find_channel(list, sizeof(list), "profile",
					       &id, &flags), -ENOENT);
	KUNIT_EXPECT_EQ(test, omv_find_channel(list, sizeof(list), "stre",
					       &id, &flags), -ENOENT);
	KUNIT_EXPECT_EQ(test, omv_find_channel(list, 17, "stream", &id,
					       &flags), -EPROTO);
}

static struct kunit_case openmv_proto_cases[] = {
	KUNIT_CASE(crc_check_values),
	KUNIT_CASE(encode_examples),
	KUNIT_CASE(parse_reply),
	KUNIT_CASE(parse_broken),
	KUNIT_CASE(frame_header),
	KUNIT_CASE(frame_check),
	KUNIT_CASE(channel_list),
	{}
};

static struct kunit_suite openmv_proto_suite = {
	.name = "openmv_proto",
	.test_cases = openmv_proto_cases,
};

kunit_test_suite(openmv_proto_suite);

MODULE_DESCRIPTION("KUnit tests for sercam's OpenMV Protocol code");
MODULE_LICENSE("GPL");
