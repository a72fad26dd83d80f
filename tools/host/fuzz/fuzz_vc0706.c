// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the VC0706 reply parser (vc0706-proto.c) of the
 * driver, as the module builds it.
 *
 * Input: byte 0 the run length the bytes are fed in (1..256), byte 1 the
 * command awaited (odd: a frame-buffer read), bytes 2-3 the read's length
 * (0..4095, exactly that large a heap buffer, so ASan sees any overrun);
 * the rest is the wire. Checked, beside ASan and UBSan:
 *  - a reply ends with one of the documented statuses, and never again;
 *  - a good reply answers the command awaited, with status 0; a read's
 *    is wrapped in 76 00 32 00 00 both sides; other data fits the kept
 *    room.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errno.h>

#include "sercam-compat.h"
#include "vc0706-proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vc_rx r;
	size_t at = 4, run, used, n;
	uint32_t dlen;
	uint8_t *dst = NULL, cmd;
	int ret = -EINPROGRESS;
	bool read;

	if (size < 4)
		return 0;
	run = 1 + data[0];
	read = data[1] & 1;
	cmd = read ? VC_READ_FBUF : data[1] >> 1;
	dlen = (data[2] | data[3] << 8) % 4096;
	if (read)
		dst = malloc(dlen ? dlen : 1);
	memset(&r, 0, sizeof(r));
	vc_rx_start(&r, 0, cmd, dst, dlen);
	while (at < size && ret == -EINPROGRESS) {
		n = run < size - at ? run : size - at;
		ret = vc_rx_feed(&r, data + at, n, &used);
		if (used > n || (ret == -EINPROGRESS && used != n))
			abort();
		at += used;
	}
	if (ret != -EINPROGRESS && ret != 0 && ret != -EIO &&
	    ret != -EBADMSG && ret != -EMSGSIZE)
		abort();
	if (!ret) {
		if (r.hdr[0] != VC_REPLY_START || r.status)
			abort();
		if (read && (r.hdr[2] != VC_READ_FBUF || r.hdr[3] || r.hdr[4]))
			abort();
		if (!read && r.len > VC_DATA_MAX)
			abort();
	}
	if (ret == -EIO && !r.status)
		abort();
	free(dst);
	return 0;
}
