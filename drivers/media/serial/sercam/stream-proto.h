/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial cameras as V4L2 devices: JPEG stream framings
 *
 * The pure part of the passive JPEG stream family: finding the frames a
 * camera's own script writes to its UART, unasked (an OpenMV camera
 * running `uart.write(img.compress())`). No I/O, no allocation, no
 * locking; compiled into the module, its KUnit suite and the host fuzzer.
 *
 * Three framings (devicetree openmv,framing):
 *
 *   jpeg:     FF D8 ... FF D9 FF D8 ... FF D9         back to back
 *   markers:  "____start____" FF D8 ... FF D9 "____end____"
 *   length:   len32le FF D8 ... FF D9 len32le FF D8 ...
 *
 * Every frame's end is found by the JPEG marker walk (sercam-jpeg.c),
 * never by searching for FF D9, and checked against the framing: the end
 * marker must follow EOI; a length must end at EOI (0x00/0xFF padding
 * after EOI is tolerated). Bytes outside frames are skipped and counted.
 * A frame cut short by the next one (its FF D8 inside the first's data)
 * is reported broken and the next one is taken from its FF D8.
 *
 * Back-to-back JPEGs have no frame boundary but the JPEGs themselves: a
 * receiver that starts (or lost its place) in the middle of a frame may
 * take an EXIF thumbnail inside it for a frame. So in the jpeg framing a
 * JPEG found when not in step is skipped, not delivered, unless it starts
 * right after an EOI (or is the first thing seen): the parser is in step
 * again once a JPEG ended where the next one begins.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _STREAM_PROTO_H
#define _STREAM_PROTO_H

#include <linux/types.h>

#include "sercam-jpeg.h"

#define STREAM_MARKER_MAX	32
/* a length prefix below this cannot hold a JPEG with a scan */
#define STREAM_LEN_MIN		64

/**
 * enum stream_framing - how frames are delimited on the wire
 * @STREAM_FRAMING_JPEG: back-to-back JPEGs
 * @STREAM_FRAMING_MARKERS: start and end marker strings around each JPEG
 * @STREAM_FRAMING_LENGTH: a 32-bit little-endian length before each JPEG
 */
enum stream_framing {
	STREAM_FRAMING_JPEG,
	STREAM_FRAMING_MARKERS,
	STREAM_FRAMING_LENGTH,
};

/**
 * enum stream_event - what stream_parse() stopped on
 * @STREAM_EV_NONE: all input consumed
 * @STREAM_EV_BEGIN: a frame starts: give it somewhere to go with
 *	stream_set_dst() (or nowhere, to drop it) before parsing on
 * @STREAM_EV_FRAME: the frame is whole and checked: &stream_parser.len
 *	bytes at the destination
 * @STREAM_EV_BROKEN: the frame is broken (&stream_parser.err says why);
 *	what reached the destination is not a frame
 */
enum stream_event {
	STREAM_EV_NONE,
	STREAM_EV_BEGIN,
	STREAM_EV_FRAME,
	STREAM_EV_BROKEN,
};

/**
 * struct stream_config - a framing and its parameters
 * @framing: the framing
 * @start: start marker (markers framing)
 * @start_len: its length, 1..%STREAM_MARKER_MAX
 * @end: end marker (markers framing)
 * @end_len: its length, 1..%STREAM_MARKER_MAX
 * @max_len: largest frame accepted, in bytes
 */
struct stream_config {
	enum stream_framing framing;
	u8 start[STREAM_MARKER_MAX];
	u8 start_len;
	u8 end[STREAM_MARKER_MAX];
	u8 end_len;
	u32 max_len;
};

/**
 * struct stream_stats - what the parser saw
 * @skipped: bytes outside any frame
 * @frames: whole frames
 * @truncated: frames cut short by the next frame
 * @too_long: frames longer than the limit (or the destination)
 * @bad_jpeg: frames whose marker walk failed
 * @bad_framing: frames whose end marker or length did not match
 * @unsynced: JPEGs skipped while not in step (jpeg framing)
 */
struct stream_stats {
	u64 skipped;
	u32 frames;
	u32 truncated;
	u32 too_long;
	u32 bad_jpeg;
	u32 bad_framing;
	u32 unsynced;
};

/**
 * struct stream_parser - receive state machine
 * @cfg: the framing
 * @state: where in the stream the parser is (private)
 * @match: bytes of a marker (or of FF D8 FF xx) matched so far
 * @ff: outside a frame, the last byte seen was FF (not yet in @tail)
 * @first: the marker after SOI of the frame being begun
 * @tail: the last bytes seen, newest last: after a cut, the length
 *	prefix of the next frame is in it (length framing)
 * @tail_len: valid bytes in @tail
 * @want: the frame length a length prefix announced (0: none)
 * @pad: after EOI, padding bytes still allowed (length framing)
 * @walk: the JPEG marker walk of the current frame
 * @dst: where the current frame's bytes go (NULL: dropped)
 * @dst_size: room at @dst
 * @len: bytes of the current frame so far
 * @err: why the last frame broke: -EPIPE cut short, -EMSGSIZE too long,
 *	-EILSEQ not a JPEG, -EPROTO framing mismatch, -ETIMEDOUT the line
 *	went silent inside it
 * @synced: the parser knows where frames begin (jpeg framing: after a
 *	whole frame, or a new SOI inside a frame)
 * @skip: the frame under way is walked to its end and not delivered
 * @width: width of the last whole frame (its SOF)
 * @height: its height
 * @stats: counters
 */
struct stream_parser {
	struct stream_config cfg;
	u8 state;
	u8 match;
	bool ff;
	u8 first;
	u8 tail[8];
	u8 tail_len;
	u32 want;
	u32 pad;
	struct sercam_jpeg_walk walk;
	u8 *dst;
	u32 dst_size;
	u32 len;
	int err;
	bool synced;
	bool skip;
	u16 width;
	u16 height;
	struct stream_stats stats;
};

int stream_config_check(const struct stream_config *cfg);
void stream_parser_init(struct stream_parser *p,
			const struct stream_config *cfg);
void stream_parser_reset(struct stream_parser *p);
void stream_set_dst(struct stream_parser *p, u8 *dst, u32 size);
size_t stream_parse(struct stream_parser *p, const u8 *buf, size_t len,
		    enum stream_event *ev);
enum stream_event stream_idle(struct stream_parser *p);

#endif /* _STREAM_PROTO_H */
