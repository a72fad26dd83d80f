// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the Pixy frame parser and frame clock (pixy-proto.c)
 * of the driver, as the module builds it.
 *
 * Input: byte 0 the run length the bytes are fed in (1..256), byte 1 bit 0
 * whether frames get a buffer; the rest is the wire. Each frame begun gets
 * a heap buffer of exactly PIXY_BUF_LEN bytes (ASan sees any overrun).
 * Checked, beside ASan and UBSan:
 *  - bytes taken never exceed those given, and all are taken but at an
 *    event; frames begin and end in turn;
 *  - an ended frame's header agrees with its length (8 + 16 per block,
 *    at most PIXY_MAX_BLOCKS), has only known flags and a zero reserved
 *    word; its records have known flags, zero reserved words, and an
 *    angle only on colour codes;
 *  - the frame clock never counts 0 frames.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sercam-compat.h"
#include "pixy-proto.h"

static void check_frame(const struct pixy_parser *p, const uint8_t *b)
{
	unsigned int count, flags, i;
	const uint8_t *r;

	if (p->len < PIXY_HDR_LEN || p->len > PIXY_BUF_LEN ||
	    (p->len - PIXY_HDR_LEN) % PIXY_REC_LEN)
		abort();
	if (!b)
		return;
	count = get_unaligned_le16(b);
	flags = get_unaligned_le16(b + 2);
	if (p->len != PIXY_HDR_LEN + count * PIXY_REC_LEN || flags != p->flags ||
	    flags & ~(PIXY_FL_BAD_BLOCKS | PIXY_FL_BROKEN | PIXY_FL_TRUNCATED) ||
	    get_unaligned_le16(b + 6))
		abort();
	if (!!get_unaligned_le16(b + 4) != !!(flags & PIXY_FL_BAD_BLOCKS))
		abort();
	for (i = 0; i < count; i++) {
		r = b + PIXY_HDR_LEN + i * PIXY_REC_LEN;
		if (get_unaligned_le16(r + 12) & ~PIXY_BLOCK_CC ||
		    get_unaligned_le16(r + 14))
			abort();
		if (!(get_unaligned_le16(r + 12) & PIXY_BLOCK_CC) &&
		    get_unaligned_le16(r + 10))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pixy_parser p;
	struct pixy_clock c = { 0 };
	size_t at = 2, run, n, used;
	enum pixy_event ev;
	uint8_t *dst = NULL;
	bool keep, in_frame = false;
	uint64_t t = 0;

	if (size < 2)
		return 0;
	run = 1 + data[0];
	keep = data[1] & 1;
	memset(&p, 0, sizeof(p));
	pixy_parser_reset(&p);
	while (at < size || p.pending) {
		n = run < size - at ? run : size - at;
		used = pixy_parse(&p, data + at, n, &ev);
		if (used > n || (ev == PIXY_EV_NONE && used != n))
			abort();
		at += used;
		t += used * 52083;	/* 19200 baud */
		if (ev == PIXY_EV_START) {
			if (in_frame)
				abort();
			in_frame = true;
			if (!pixy_clock_step(&c, t, 20000000))
				abort();
			if (keep) {
				dst = malloc(PIXY_BUF_LEN);
				if (!dst)
					abort();
				pixy_set_dst(&p, dst);
			}
		} else if (ev == PIXY_EV_END) {
			if (!in_frame)
				abort();
			in_frame = false;
			check_frame(&p, dst);
			c.end = t;
			free(dst);
			dst = NULL;
		}
	}
	if (pixy_idle(&p) == PIXY_EV_END) {
		if (!in_frame)
			abort();
		check_frame(&p, dst);
	} else if (in_frame) {
		abort();
	}
	free(dst);
	return 0;
}
