// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ASCII U# camera's receive parser (asciiu-proto.c)
 * of the driver, as the module builds it.
 *
 * Input: byte 0 the run length the bytes are fed in (1..256), bytes 1-2
 * the room given to each picture (0..8191, little-endian), byte 3 bit 0
 * whether pictures are only counted (no buffer), bits 1-7 a period k:
 * au_break() after every k-th run (0: never); the rest is the wire. The
 * buffer is a heap block of the room plus a guard area (ASan sees writes
 * past the block, the guard's fill bytes writes past the room). Checked,
 * beside ASan and UBSan:
 *  - au_parse() always takes at least one byte, never more than given,
 *    and all of them but at an event;
 *  - a reply is `U`, an upper-case letter other than P, `#`, the last
 *    bytes taken; an announcement is `UP`, four hex digits, `#`, with the
 *    size they give low byte first, never 0;
 *  - events come in order (no reply, announcement or bad text inside a
 *    picture; DONE only in one), got never exceeds size, and DONE comes
 *    after exactly size bytes;
 *  - the buffer holds the picture's bytes up to the room, and nothing is
 *    written past the room;
 *  - the counters agree with the events, and every byte fed is accounted
 *    for: skipped + 3 per reply + 7 per announcement + picture bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sercam-compat.h"
#include "asciiu-proto.h"

#define HDR	4
#define GUARD	64
#define FILL	0xa5

static int hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* `UP` h h h h `#` ending at @end: the size, low byte first. */
static uint32_t announced(const uint8_t *end)
{
	const uint8_t *t = end - 7;
	int d[4], i;

	if (t[0] != 'U' || t[1] != 'P' || t[6] != '#')
		abort();
	for (i = 0; i < 4; i++) {
		d[i] = hex(t[2 + i]);
		if (d[i] < 0)
			abort();
	}
	return (d[0] << 4 | d[1]) | (d[2] << 4 | d[3]) << 8;
}

/*
 * The picture's bytes so far are in the buffer, and the rest of it is
 * untouched: all of it when @full (at the picture's end), else the bytes
 * just after those written and the guard area (after every run).
 */
static void check_dst(const struct au_parser *p, const uint8_t *dst,
		      uint32_t room, const uint8_t *pic, bool full)
{
	uint32_t n = p->got < room ? p->got : room, i, end;

	if (!dst)
		return;
	if (memcmp(dst, pic, n))
		abort();
	end = full || room - n < 16 ? room : n + 16;
	for (i = n; i < end; i++)
		if (dst[i] != FILL)
			abort();
	for (i = room; i < room + GUARD; i++)
		if (dst[i] != FILL)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_parser p;
	size_t at = HDR, run, n, used, pic_at = 0;
	uint32_t room, nrep = 0, npic = 0, nbad = 0, runs = 0, brk, dirty = 0;
	uint64_t payload = 0;
	uint8_t *dst = NULL;
	enum au_event ev;
	bool count_only, in_pic = false;

	if (size < HDR)
		return 0;
	run = 1 + data[0];
	room = (data[1] | data[2] << 8) % 8192;
	count_only = data[3] & 1;
	brk = data[3] >> 1;
	if (!count_only) {
		dst = malloc(room + GUARD);
		if (!dst)
			abort();
		memset(dst, FILL, room + GUARD);
	}
	memset(&p, 0, sizeof(p));
	au_parser_reset(&p);

	while (at < size) {
		n = run < size - at ? run : size - at;
		used = au_parse(&p, data + at, n, &ev);
		if (!used || used > n || (ev == AU_EV_NONE && used != n))
			abort();
		at += used;
		runs++;
		switch (ev) {
		case AU_EV_NONE:
			if (in_pic != au_in_picture(&p))
				abort();
			break;
		case AU_EV_REPLY:
			if (in_pic || au_in_picture(&p))
				abort();
			if (p.reply < 'A' || p.reply > 'Z' ||
			    p.reply == AU_OP_SIZE || at < HDR + 3 ||
			    data[at - 3] != 'U' || data[at - 2] != p.reply ||
			    data[at - 1] != '#')
				abort();
			nrep++;
			break;
		case AU_EV_PICTURE:
			if (in_pic || !au_in_picture(&p) || at < HDR + 7)
				abort();
			if (!p.size || p.size > AU_PIC_MAX || p.got ||
			    p.size != announced(data + at))
				abort();
			in_pic = true;
			pic_at = at;
			npic++;
			/* only the last picture's bytes were written */
			if (dst)
				memset(dst, FILL, dirty);
			dirty = 0;
			au_set_dst(&p, dst, room);
			if (p.dst_len != (dst ? room : 0))
				abort();
			break;
		case AU_EV_DONE:
			if (!in_pic || au_in_picture(&p) || p.got != p.size ||
			    at - pic_at != p.size)
				abort();
			check_dst(&p, dst, room, data + pic_at, true);
			dirty = p.got < room ? p.got : room;
			in_pic = false;
			payload += p.got;
			break;
		case AU_EV_BAD:
			if (in_pic || au_in_picture(&p))
				abort();
			nbad++;
			break;
		default:
			abort();
		}
		if (in_pic) {
			if (p.got > p.size || at - pic_at != p.got)
				abort();
			check_dst(&p, dst, room, data + pic_at, false);
		}
		if (p.stats.replies != nrep || p.stats.pictures != npic ||
		    p.stats.bad < nbad)
			abort();
		if (in_pic)
			dirty = p.got < room ? p.got : room;
		if (brk && ev == AU_EV_NONE && runs % brk == 0) {
			if (in_pic) {
				check_dst(&p, dst, room, data + pic_at, true);
				payload += p.got;
			}
			in_pic = false;
			au_break(&p);
			if (au_in_picture(&p))
				abort();
		}
	}

	/* every byte accounted for, once the text under way is given up */
	if (in_pic) {
		check_dst(&p, dst, room, data + pic_at, true);
		payload += p.got;
	}
	au_break(&p);
	if (p.stats.skipped + 3ULL * nrep + 7ULL * npic + payload !=
	    size - HDR)
		abort();
	free(dst);
	return 0;
}
