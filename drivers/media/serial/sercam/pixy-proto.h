/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - the Pixy (CMUcam5) UART protocol, pure code (no I/O, no V4L2)
 *
 * shared/protocols/pixy.md: 16-bit little-endian words; a frame begins with
 * two sync words in a row (AA55 AA55, or AA55 AA56 when its first block is
 * a colour code); a block is its sync word, a checksum (the 16-bit sum of
 * the words after it), signature, x, y, width, height and, for a colour
 * code, the angle. A frame ends where the next one begins, at a zero word,
 * or where the stream stops making sense. Reading 55AA where a sync word
 * belongs means the reader is one byte off.
 *
 * The parser takes the bytes as they come, in runs of any length, and
 * writes the frame under way straight into the buffer it is given, in the
 * layout of V4L2_META_FMT_SERCAM_PIXY (include/uapi/linux/sercam.h): an
 * 8-byte header, then a 16-byte record per good block.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_PIXY_PROTO_H
#define _SERCAM_PIXY_PROTO_H

#include <linux/types.h>

#define PIXY_SYNC		0xaa55
#define PIXY_SYNC_CC		0xaa56
/* a sync word read one byte off */
#define PIXY_SYNC_OFF		0x55aa

/* Words after the checksum: signature, x, y, width, height (+ angle). */
#define PIXY_WORDS		5
#define PIXY_WORDS_CC		6

/* The buffer layout (checked against the uapi structs by the driver). */
#define PIXY_HDR_LEN		8
#define PIXY_REC_LEN		16
#define PIXY_MAX_BLOCKS		255
#define PIXY_BUF_LEN		(PIXY_HDR_LEN + PIXY_MAX_BLOCKS * PIXY_REC_LEN)
#define PIXY_FL_BAD_BLOCKS	0x0001
#define PIXY_FL_BROKEN		0x0002
#define PIXY_FL_TRUNCATED	0x0004
#define PIXY_BLOCK_CC		0x0001

/* Commands, host to camera. */
#define PIXY_CMD_SERVO_LEN	6
#define PIXY_CMD_BRIGHT_LEN	3
#define PIXY_CMD_LED_LEN	5
#define PIXY_SERVO_MAX		1000

/*
 * A frame detected this close after the last one ended still counts as
 * detected by then (the camera's rule, "the newest detected by then",
 * includes its own tie; the host's estimate of the end may be this early).
 * Less than the 0.21 ms (0.4 byte) by which, at 19200 baud, an end can
 * miss a tick of the 20 ms clock.
 */
#define PIXY_CLOCK_TIE_NS	100000

/**
 * enum pixy_event - what a run of bytes brought
 * @PIXY_EV_NONE: nothing yet: feed more
 * @PIXY_EV_START: a frame began (its two sync words were just read): give
 *	the parser a buffer with pixy_set_dst(), or none to skip the frame
 * @PIXY_EV_END: the frame under way is over; its header is written, its
 *	length and flags are in the parser (&pixy_parser.len, .flags)
 */
enum pixy_event {
	PIXY_EV_NONE,
	PIXY_EV_START,
	PIXY_EV_END,
};

/**
 * struct pixy_stats - what the parser counted
 * @frames: frames begun
 * @blocks: good blocks
 * @bad_sums: blocks with a wrong checksum
 * @broken: frames that broke off
 * @skipped: bytes skipped looking for a frame start (zero words included)
 * @slips: times a sync word was read one byte off
 * @zero_words: zero words that ended a frame or were skipped
 */
struct pixy_stats {
	u64 frames;
	u64 blocks;
	u64 bad_sums;
	u64 broken;
	u64 skipped;
	u64 slips;
	u64 zero_words;
};

/**
 * struct pixy_parser - the receive state
 * @state: where in the stream (pixy-proto.c)
 * @win: the last bytes, newest lowest, while looking for a frame start
 * @nwin: bytes in @win
 * @lo: the first byte of a word under way
 * @half: @lo holds a byte
 * @prev: the second byte of the last word read
 * @words: the block under way: checksum, then its data words
 * @nwords: words of it read
 * @cc: the block under way is a colour code
 * @pending: a frame began where the last one was found to end: its second
 *	sync word, for the next pixy_parse() to report
 * @tail: bytes since a frame's blocks ended on something else than a sync
 *	or zero word
 * @in_frame: a frame is under way
 * @dst: where the frame under way goes (%PIXY_BUF_LEN bytes), NULL: skip it
 * @count: good blocks of the frame under way
 * @dropped: blocks with a wrong checksum in it
 * @flags: PIXY_FL_* of it
 * @len: bytes of @dst written (header included), at %PIXY_EV_END
 * @pos: bytes taken since the parser was reset
 * @stats: counters
 */
struct pixy_parser {
	u8 state;
	u32 win;
	u8 nwin;
	u8 lo;
	bool half;
	u8 prev;
	u16 words[1 + PIXY_WORDS_CC];
	u8 nwords;
	bool cc;
	u16 pending;
	u32 tail;
	bool in_frame;
	u8 *dst;
	u32 count;
	u32 dropped;
	u32 flags;
	u32 len;
	u64 pos;
	struct pixy_stats stats;
};

void pixy_parser_reset(struct pixy_parser *p);
size_t pixy_parse(struct pixy_parser *p, const u8 *buf, size_t len,
		  enum pixy_event *ev);
void pixy_set_dst(struct pixy_parser *p, u8 *dst);
enum pixy_event pixy_idle(struct pixy_parser *p);

/**
 * struct pixy_clock - the camera's frame clock, as seen from the host
 * @phase: a time the camera detected a frame at (ns): its clock's phase
 * @start: when the last frame seen began on the wire (ns, estimated)
 * @end: when the bytes after @start up to the next frame's first went on
 *	the wire (ns, estimated): set by the caller before each step after
 *	the first (@start plus those bytes' time)
 * @k: the tick the last frame seen was detected at, counted from @phase
 * @valid: a frame was seen
 * @locked: @phase comes from a frame that began on an idle line
 */
struct pixy_clock {
	u64 phase;
	u64 start;
	u64 end;
	s64 k;
	bool valid;
	bool locked;
};

u32 pixy_clock_step(struct pixy_clock *c, u64 start, u32 period);

size_t pixy_cmd_servo(u8 *out, u16 pan, u16 tilt);
size_t pixy_cmd_brightness(u8 *out, u8 value);
size_t pixy_cmd_led(u8 *out, u32 rgb);

#endif /* _SERCAM_PIXY_PROTO_H */
