// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the OpenMV Protocol packet parser (openmv-proto.c) of
 * the driver, as the module builds it.
 *
 * Input: byte 0 the run length the bytes are fed in (1..256), bytes 1-2
 * the room the payload of each packet is pointed at (0: the parser's own;
 * else exactly that large a heap buffer, so ASan sees any overrun), byte 3
 * the longest payload taken (selects 50, 498, 4082 or 8178); the rest is
 * the wire. Checked, beside ASan and UBSan:
 *  - every event comes with the bytes it says it took, none past the run;
 *  - a header announced has a good CRC-16 and a length within the limit;
 *  - a packet is whole: its payload, stored where it fits and dropped
 *    where it does not, has the CRC-32 the wire gave it (recomputed by a
 *    bitwise loop independent of the parser's tables), and a bad one is
 *    said to be bad.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sercam-compat.h"
#include "openmv-proto.h"

/* MSB-first CRC-32, poly 0xFA567D89, bit by bit (shared/protocols). */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffff;
	int b;

	while (n--) {
		c ^= (uint32_t)*p++ << 24;
		for (b = 0; b < 8; b++)
			c = c & 0x80000000 ? c << 1 ^ 0xfa567d89 : c << 1;
	}
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t limits[] = { 50, 498, 4082, 8178 };
	static struct omv_rx rx;
	static int init;
	size_t at = 4, run, room, used, n;
	uint8_t *dst = NULL;
	enum omv_rx_event ev;

	if (!init) {
		omv_crc_init();
		init = 1;
	}
	if (size < 4)
		return 0;
	run = 1 + data[0];
	room = (data[1] | data[2] << 8) % 8192;
	memset(&rx, 0, sizeof(rx));
	omv_rx_reset(&rx, limits[data[3] % 4]);
	if (room)
		dst = malloc(room);
	while (at < size) {
		n = run < size - at ? run : size - at;
		while (n) {
			ev = omv_rx_feed(&rx, data + at, n, &used);
			if (used > n)
				abort();
			at += used;
			n -= used;
			if (ev == OMV_RX_MORE) {
				if (n)
					abort();
				break;
			}
			if (ev == OMV_RX_HEADER) {
				if (rx.hdr.len > rx.max_len || !rx.hdr.len ||
				    omv_crc16(0xffff, rx.raw, 8) !=
				    get_unaligned_le16(rx.raw + 8))
					abort();
				if (dst)
					omv_rx_set_dst(&rx, dst, room);
				continue;
			}
			/* a whole packet */
			if (rx.hdr.len > rx.max_len)
				abort();
			if (rx.hdr.len && !rx.dropped) {
				const uint8_t *p = omv_rx_payload(&rx);
				int good = crc32_bitwise(p, rx.hdr.len) ==
					   get_unaligned_le32(rx.dcrc);

				if (!p || good != (ev == OMV_RX_PACKET))
					abort();
				if (dst && p != dst)
					abort();
			}
			if (rx.dropped &&
			    rx.hdr.len <= (dst ? room : OMV_SMALL_MAX))
				abort();
		}
	}
	free(dst);
	return 0;
}
