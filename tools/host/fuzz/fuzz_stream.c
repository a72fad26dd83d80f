// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the JPEG stream framings (stream-proto.c) and the JPEG
 * marker walk (sercam-jpeg.c) of the driver, as the module builds them.
 *
 * Input: byte 0 picks the framing (% 3), byte 1 the run length the bytes
 * are fed in (1..256), byte 2 the destination size (64 bytes .. 64 KB);
 * the rest is the stream. Checked, beside ASan and UBSan:
 *  - stream_parse() consumes at most what it is given, and progresses;
 *  - a frame reported whole fits its destination and is, by an independent
 *    check (sercam_jpeg_check() on the stored bytes), exactly one JPEG;
 *  - a broken frame carries one of the documented errors;
 *  - the counters add up: whole + broken frames never exceed begun ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errno.h>

#include "stream-proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t dst[65536];
	struct stream_config cfg = { .max_len = 1 << 20 };
	struct stream_parser p;
	enum stream_event ev;
	size_t at = 3, run, room, begun = 0, ended = 0;
	bool have = false;

	if (size < 3)
		return 0;
	cfg.framing = data[0] % 3;
	memcpy(cfg.start, "____start____", 13);
	cfg.start_len = 13;
	memcpy(cfg.end, "____end____", 11);
	cfg.end_len = 11;
	run = 1 + data[1];
	room = 64 + (size_t)data[2] * 256;
	stream_parser_init(&p, &cfg);
	while (at < size) {
		size_t n = run < size - at ? run : size - at;
		size_t used = stream_parse(&p, data + at, n, &ev);

		if (used > n)
			abort();
		/* no progress is only allowed when an event was reported */
		if (!used && ev == STREAM_EV_NONE)
			abort();
		at += used;
		switch (ev) {
		case STREAM_EV_NONE:
			break;
		case STREAM_EV_BEGIN:
			begun++;
			have = true;
			/* every other frame is dropped: no destination */
			if (begun & 1)
				stream_set_dst(&p, dst, room);
			else
				stream_set_dst(&p, NULL, 0);
			break;
		case STREAM_EV_FRAME:
			ended++;
			if (!have)
				abort();
			have = false;
			if (begun & 1) {
				if (p.len > room ||
				    sercam_jpeg_check(dst, p.len, NULL, NULL) != p.len)
					abort();
			}
			break;
		case STREAM_EV_BROKEN:
			ended++;
			if (p.err != -EPIPE && p.err != -EMSGSIZE &&
			    p.err != -EILSEQ && p.err != -EPROTO)
				abort();
			have = false;
			break;
		}
		if (ended > begun)
			abort();
	}
	return 0;
}
