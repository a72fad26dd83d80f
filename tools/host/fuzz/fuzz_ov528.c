// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the OV528 reply parser (ov528-proto.c) of the driver,
 * as the module builds it.
 *
 * Input: byte 0 picks what is awaited (% 4: one message, two, two then a
 * RAW picture, a package), byte 1 the run length the bytes are fed in
 * (1..256), bytes 2-3 the package's data length or the RAW room (0..1023,
 * exactly that large a heap buffer, so ASan sees any overrun); the rest is
 * the wire. Checked, beside ASan and UBSan:
 *  - a reply ends with one of the documented statuses, and never again;
 *  - complete messages each start 0xAA (a NAK may end the reply early);
 *  - a RAW picture is no larger than its room and is exactly as long as
 *    its DATA says; the deadline was extended by that much;
 *  - a package accepted has the length asked for and a sum that an
 *    independent recomputation agrees with.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errno.h>

#include "ov528-proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ov528_rx r = { 0 };
	size_t at = 4, run, room;
	unsigned int mode, i, sum;
	uint32_t more = 0;
	uint8_t *dst;
	int ret = -EINPROGRESS;

	if (size < 4)
		return 0;
	mode = data[0] % 4;
	run = 1 + data[1];
	room = (data[2] | data[3] << 8) % 1024;
	dst = malloc(room ? room : 1);
	r.want = mode == 0 ? 6 : 12;
	r.raw = mode == 2;
	r.pkg = mode == 3;
	r.dst = dst;
	r.room = room;
	r.len = mode == 3 ? room : 0;
	ov528_rx_start(&r);
	while (at < size && ret == -EINPROGRESS) {
		size_t n = run < size - at ? run : size - at;

		ret = ov528_rx_feed(&r, data + at, n, &more);
		at += n;
	}
	if (ret == -EINPROGRESS)
		goto out;
	if (mode == 3) {
		if (ret != 0 && ret != -EPROTO && ret != -EBADMSG)
			abort();
		if (!ret) {
			if (r.at != 4 + r.len + 2 ||
			    (r.head[2] | r.head[3] << 8) != r.len)
				abort();
			for (sum = 0, i = 0; i < 4; i++)
				sum += r.head[i];
			for (i = 0; i < r.len; i++)
				sum += dst[i];
			if (r.verify[0] != (sum & 0xff) || r.verify[1])
				abort();
		}
		goto out;
	}
	if (ret != 0 && ret != -EMSGSIZE)
		abort();
	if (ret == -EMSGSIZE && (!r.raw || r.len <= room))
		abort();
	if (!ret) {
		if (r.got != r.want && !(r.got == 6 && (r.msg[1] & 0x1f) == 0x0f))
			abort();
		for (i = 0; i < r.got; i += 6)
			if (r.msg[i] != 0xaa)
				abort();
		if (r.raw && r.got == 12 && (r.msg[7] & 0x1f) == 0x0a) {
			if (r.len > room || r.at != r.len || more != r.len)
				abort();
		} else if (more) {
			abort();
		}
	}
out:
	free(dst);
	return 0;
}
