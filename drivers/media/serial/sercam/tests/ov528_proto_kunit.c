// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the OV528 protocol code (commands, package sums, package
 * count, baud divisors).
 *
 * Expected bytes come from shared/protocols/ov528.md: the host libraries'
 * INITIAL `AA 01 00 07 00 07`, the divisor tables of the C328 and the
 * uCAM-III, and package sums worked out by hand; never from the code
 * under test.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <kunit/test.h>
#include <linux/string.h>

/* The module under test's pure part, compiled into this suite. */
#include "../ov528-proto.c"

static void encode_decode(struct kunit *test)
{
	static const u8 initial[] = { 0xaa, 0x01, 0x00, 0x07, 0x00, 0x07 };
	/* camera 5 on a bus: address in the top 3 bits of byte 2 */
	static const u8 sync5[] = { 0xaa, 0xad, 0x00, 0x00, 0x00, 0x00 };
	struct ov528_msg m = { .id = OV528_INITIAL, .p = { 0, 7, 0, 7 } };
	u8 out[OV528_CMD_LEN];

	ov528_encode(out, &m);
	KUNIT_EXPECT_MEMEQ(test, out, initial, sizeof(initial));
	m = (struct ov528_msg){ .id = OV528_SYNC, .addr = 5 };
	ov528_encode(out, &m);
	KUNIT_EXPECT_MEMEQ(test, out, sync5, sizeof(sync5));

	/* the ACK of camera 3 to SNAPSHOT: AA 6E 05 xx 00 00 */
	out[0] = 0xaa;
	out[1] = 0x6e;
	out[2] = 0x05;
	out[3] = 0x42;
	out[4] = 0;
	out[5] = 0;
	KUNIT_ASSERT_EQ(test, ov528_decode(out, &m), 0);
	KUNIT_EXPECT_EQ(test, m.addr, 3);
	KUNIT_EXPECT_EQ(test, m.id, OV528_ACK);
	KUNIT_EXPECT_EQ(test, m.p[0], OV528_SNAPSHOT);
	out[0] = 0x55;
	KUNIT_EXPECT_EQ(test, ov528_decode(out, &m), -EBADMSG);
}

static void package_sum(struct kunit *test)
{
	/* package 2, 3 bytes "ABC": 02+00+03+00+41+42+43 = 0xcb */
	static const u8 head[] = { 0x02, 0x00, 0x03, 0x00 };
	static const u8 data[] = { 'A', 'B', 'C' };
	u8 verify[] = { 0xcb, 0x00 };
	/* a sum past 0xff keeps its low byte: 0x80 0x80 0x01 -> 0x01 */
	static const u8 wrap[] = { 0x80, 0x80, 0x01 };

	KUNIT_EXPECT_EQ(test, ov528_sum(wrap, sizeof(wrap)), 0x01);
	KUNIT_EXPECT_EQ(test, ov528_pkg_check(head, data, verify, 2, 3), 0);
	KUNIT_EXPECT_EQ(test, ov528_pkg_check(head, data, verify, 1, 3),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, ov528_pkg_check(head, data, verify, 2, 4),
			-EPROTO);
	verify[0] ^= 1;
	KUNIT_EXPECT_EQ(test, ov528_pkg_check(head, data, verify, 2, 3),
			-EBADMSG);
	verify[0] ^= 1;
	verify[1] = 1;	/* the high byte is 0 */
	KUNIT_EXPECT_EQ(test, ov528_pkg_check(head, data, verify, 2, 3),
			-EBADMSG);
}

static void package_count(struct kunit *test)
{
	/* 506 data bytes a 512-byte package, 58 a 64-byte one */
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(506, 512), 1);
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(507, 512), 2);
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(48000, 512), 95);
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(58 * 10, 64), 10);
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(1, 64), 1);
	KUNIT_EXPECT_EQ(test, ov528_pkg_count(100, 6), 0);
}

static void baud_divisors(struct kunit *test)
{
	/* the C328's table (d2 = 01 throughout) */
	static const struct { u32 baud; u8 d1, d2; } c328[] = {
		{ 9600, 0xbf, 0x01 }, { 19200, 0x5f, 0x01 },
		{ 38400, 0x2f, 0x01 }, { 57600, 0x1f, 0x01 },
		{ 115200, 0x0f, 0x01 }, { 921600, 0x01, 0x01 },
	};
	u8 d1, d2;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c328); i++) {
		KUNIT_ASSERT_EQ(test, ov528_baud_divisors(c328[i].baud, &d1,
							  &d2), 0);
		KUNIT_EXPECT_EQ(test, d1, c328[i].d1);
		KUNIT_EXPECT_EQ(test, d2, c328[i].d2);
	}
	/* the uCAM-III's pairs give the same rates */
	KUNIT_EXPECT_EQ(test, ov528_baud(0x1f, 0x0b), 9600);
	KUNIT_EXPECT_EQ(test, ov528_baud(0x07, 0x01), 230400);
	KUNIT_EXPECT_EQ(test, ov528_baud(0x07, 0x00), 460800);
	KUNIT_EXPECT_EQ(test, ov528_baud(0x1f, 0x00), 115200);
	/* 230400 and 460800: d2 = 1 first */
	KUNIT_ASSERT_EQ(test, ov528_baud_divisors(230400, &d1, &d2), 0);
	KUNIT_EXPECT_EQ(test, ov528_baud(d1, d2), 230400);
	KUNIT_EXPECT_EQ(test, d2, 1);
	KUNIT_ASSERT_EQ(test, ov528_baud_divisors(460800, &d1, &d2), 0);
	KUNIT_EXPECT_EQ(test, ov528_baud(d1, d2), 460800);
	/* no pair makes these exactly (3000000 is not 14745600 / 4n) */
	KUNIT_EXPECT_EQ(test, ov528_baud_divisors(3000000, &d1, &d2), -EINVAL);
	KUNIT_EXPECT_EQ(test, ov528_baud_divisors(100000, &d1, &d2), -EINVAL);
	KUNIT_EXPECT_EQ(test, ov528_baud_divisors(0, &d1, &d2), -EINVAL);
}

static void nak_names(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, strcmp(ov528_nak_name(0x0f), "picture not ready"), 0);
	KUNIT_EXPECT_EQ(test, strcmp(ov528_nak_name(0x10), "package number"), 0);
	/* the V8's 0x80, and any code no source lists */
	KUNIT_EXPECT_EQ(test, strcmp(ov528_nak_name(0x80), "still in a transfer"), 0);
	KUNIT_EXPECT_EQ(test, strcmp(ov528_nak_name(0x42), "still in a transfer"), 0);
}

/* Feed @s in runs of @chunk; the status of the last feed. */
static int feed(struct ov528_rx *r, const u8 *s, size_t len, size_t chunk,
		u32 *more)
{
	size_t at = 0;
	int ret = -EINPROGRESS;

	ov528_rx_start(r);
	*more = 0;
	while (at < len && ret == -EINPROGRESS) {
		size_t n = min(chunk, len - at);

		ret = ov528_rx_feed(r, s + at, n, more);
		at += n;
	}
	return ret;
}

static const size_t chunks[] = { 1, 2, 5, 64, 4096 };

static void rx_messages(struct kunit *test)
{
	/* noise, then ACK of GET PICTURE and DATA 5 bytes, then the picture */
	static const u8 wire[] = {
		0x00, 0x55, 0xff,
		0xaa, 0x0e, 0x04, 0x01, 0x00, 0x00,
		0xaa, 0x0a, 0x01, 0x05, 0x00, 0x00,
		'g', 'r', 'e', 'y', '!',
	};
	static const u8 nak[] = { 0xaa, 0x0f, 0x00, 0x07, 0x0f, 0x00,
				  0xaa, 0x0a };
	u8 dst[8];
	struct ov528_rx r;
	u32 more;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		r = (struct ov528_rx){ .want = 12, .raw = true, .dst = dst,
				       .room = sizeof(dst) };
		KUNIT_EXPECT_EQ(test, feed(&r, wire, sizeof(wire), chunks[c],
					   &more), 0);
		KUNIT_EXPECT_EQ(test, r.got, 12);
		KUNIT_EXPECT_MEMEQ(test, r.msg, wire + 3, 12);
		KUNIT_EXPECT_EQ(test, more, 5);
		KUNIT_EXPECT_EQ(test, r.at, 5);
		KUNIT_EXPECT_MEMEQ(test, dst, "grey!", 5);
		/* the picture larger than the room */
		r = (struct ov528_rx){ .want = 12, .raw = true, .dst = dst,
				       .room = 4 };
		KUNIT_EXPECT_EQ(test, feed(&r, wire, sizeof(wire), chunks[c],
					   &more), -EMSGSIZE);
		/* without raw, the messages alone */
		r = (struct ov528_rx){ .want = 12 };
		KUNIT_EXPECT_EQ(test, feed(&r, wire, sizeof(wire), chunks[c],
					   &more), 0);
		KUNIT_EXPECT_EQ(test, more, 0);
		/* a NAK ends a two-message reply after one */
		r = (struct ov528_rx){ .want = 12 };
		KUNIT_EXPECT_EQ(test, feed(&r, nak, sizeof(nak), chunks[c],
					   &more), 0);
		KUNIT_EXPECT_EQ(test, r.got, 6);
		/* half a message is not a reply */
		r = (struct ov528_rx){ .want = 6 };
		KUNIT_EXPECT_EQ(test, feed(&r, wire + 3, 4, chunks[c], &more),
				-EINPROGRESS);
	}
}

static void rx_package(struct kunit *test)
{
	/* package 2, "ABC", sum 0xcb (package_sum) */
	static const u8 pkg[] = { 0x02, 0x00, 0x03, 0x00, 'A', 'B', 'C',
				  0xcb, 0x00 };
	u8 bad[sizeof(pkg)], dst[3];
	struct ov528_rx r;
	u32 more;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(chunks); c++) {
		r = (struct ov528_rx){ .pkg = true, .dst = dst, .len = 3 };
		KUNIT_EXPECT_EQ(test, feed(&r, pkg, sizeof(pkg), chunks[c],
					   &more), 0);
		KUNIT_EXPECT_MEMEQ(test, dst, "ABC", 3);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(r.head), 2);
		/* another length than asked: refused at once */
		r = (struct ov528_rx){ .pkg = true, .dst = dst, .len = 2 };
		KUNIT_EXPECT_EQ(test, feed(&r, pkg, sizeof(pkg), chunks[c],
					   &more), -EPROTO);
		/* a wrong sum */
		memcpy(bad, pkg, sizeof(pkg));
		bad[5] ^= 0x10;
		r = (struct ov528_rx){ .pkg = true, .dst = dst, .len = 3 };
		KUNIT_EXPECT_EQ(test, feed(&r, bad, sizeof(bad), chunks[c],
					   &more), -EBADMSG);
		/*
		 * Bit 0 set in 'B' and cleared in 'C' ("ACB"): the sum
		 * cannot see it, which is why the driver walks the JPEG and
		 * fetches twice on a noisy link.
		 */
		memcpy(bad, pkg, sizeof(pkg));
		bad[5] ^= 0x01;
		bad[6] ^= 0x01;
		r = (struct ov528_rx){ .pkg = true, .dst = dst, .len = 3 };
		KUNIT_EXPECT_EQ(test, feed(&r, bad, sizeof(bad), chunks[c],
					   &more), 0);
		KUNIT_EXPECT_MEMEQ(test, dst, "ACB", 3);
	}
}

static struct kunit_case ov528_proto_cases[] = {
	KUNIT_CASE(encode_decode),
	KUNIT_CASE(package_sum),
	KUNIT_CASE(package_count),
	KUNIT_CASE(baud_divisors),
	KUNIT_CASE(nak_names),
	KUNIT_CASE(rx_messages),
	KUNIT_CASE(rx_package),
	{}
};

static struct kunit_suite ov528_proto_suite = {
	.name = "ov528_proto",
	.test_cases = ov528_proto_cases,
};

kunit_test_suite(ov528_proto_suite);

MODULE_DESCRIPTION("KUnit tests for the sercam OV528 protocol code");
MODULE_LICENSE("GPL");
