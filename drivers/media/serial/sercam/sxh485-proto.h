/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SXH485 serial camera protocol: framing, CRC and the receive parser.
 *
 * This is the pure part of the SXH485 family: no I/O, no allocation, no
 * locking. The same source is compiled into the driver, into its KUnit suite
 * and into the host fuzzer.
 *
 * Every frame, both ways (multi-byte fields little-endian):
 *
 *   +----+----+------+-----+-------+------------------+--------+
 *   | 90 | EB | addr | cmd | len16 |  payload (len)   | crc16  |
 *   +----+----+------+-----+-------+------------------+--------+
 *
 * - A reply's payload is a status byte followed by data, and len counts both.
 * - The whole-image replies (0x02, 0x12) have no status byte: a third length
 *   byte takes its place, so len is 24 bits and the payload is the JPEG.
 * - The CRC is CRC-16/XMODEM, crc_itu_t(0, ...), over addr .. last payload
 *   byte, sent low byte first.
 * - Cameras may send the header as EB 90; the parser accepts both orders.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SXH485_PROTO_H
#define _SXH485_PROTO_H

#include <linux/types.h>

#define SXH485_HDR0			0x90
#define SXH485_HDR1			0xeb
#define SXH485_ADDR_DEFAULT		1
#define SXH485_ADDR_BROADCAST		0xff
/* header (2), address, command, 16-bit length */
#define SXH485_HDR_LEN			6
#define SXH485_CRC_LEN			2
#define SXH485_OVERHEAD			(SXH485_HDR_LEN + SXH485_CRC_LEN)
#define SXH485_MAX_PARAMS		4
#define SXH485_MAX_CMD_LEN		(SXH485_OVERHEAD + SXH485_MAX_PARAMS)

#define SXH485_CMD_TEST			0x01
#define SXH485_CMD_SNAP_SEND		0x02
#define SXH485_CMD_CONTRAST		0x03
#define SXH485_CMD_BRIGHTNESS		0x04
#define SXH485_CMD_SNAP			0x05
#define SXH485_CMD_SEND			0x06
#define SXH485_CMD_IR			0x08
#define SXH485_CMD_BAUD			0x0a
#define SXH485_CMD_BAUD_SAVE		0x0b
#define SXH485_CMD_ADDRESS		0x0d
#define SXH485_CMD_SNAP_SEND_GRAY	0x12
#define SXH485_CMD_PKT_SNAP		0x30
#define SXH485_CMD_PKT_SEND		0x31
#define SXH485_CMD_PKT_SIZE		0x32
#define SXH485_CMD_PKT_RES		0x34

#define SXH485_STATUS_OK		0x00
/* 0x05/0x06: more than one 0x06 reply is needed for the image */
#define SXH485_STATUS_MORE		0x80

#define SXH485_TEST_PARAM0		0x55
#define SXH485_TEST_PARAM1		0xaa
#define SXH485_IR_ON			0x33
#define SXH485_IR_OFF			0xcc
#define SXH485_LEVEL_NEUTRAL		0x80

#define SXH485_PKT_SIZE_STEP		128
#define SXH485_PKT_SIZE_MIN		128
#define SXH485_PKT_SIZE_MAX		4096
#define SXH485_PKT_SIZE_DEFAULT		512
#define SXH485_COMPRESSION_MAX		4
#define SXH485_COMPRESSION_DEFAULT	2
/* 0x30 reply payload: status, image size (4), packet count (2) */
#define SXH485_PKT_SNAP_REPLY_LEN	7
/* 0x31 reply payload before the JPEG bytes: status, packet number (2) */
#define SXH485_PKT_SEND_HEAD_LEN	3
/* largest 24-bit length of a whole-image reply */
#define SXH485_LEN24_MAX		0xffffff

/* Payload bytes the parser keeps for the caller (the 0x30 reply is longest). */
#define SXH485_HEAD_MAX			8
/* Payload prefix a reply must carry to match (status + packet number). */
#define SXH485_MATCH_MAX		4

size_t sxh485_encode(u8 *buf, size_t size, u8 addr, u8 cmd,
		     const u8 *params, size_t nparams);
int sxh485_baud_to_code(u32 baud);
u32 sxh485_code_to_baud(u8 code);
bool sxh485_pkt_size_valid(u32 size);
u32 sxh485_pkt_count(u32 image_size, u32 pkt_size);
u32 sxh485_jpeg_end(const u8 *buf, u32 len);
u32 sxh485_best_pkt_size(u64 bytes, u32 failures, u32 overhead, u32 max);

/**
 * struct sxh485_expect - the reply a transaction waits for
 * @addr: address the reply must come from
 * @cmd: command it must answer
 * @match: bytes the payload must start with (status, packet number)
 * @match_len: number of valid bytes in @match
 * @head_len: leading payload bytes kept in &sxh485_parser.head
 *	(at most %SXH485_HEAD_MAX)
 * @data: where the payload bytes after @head_len are stored
 * @data_len: room at @data; a frame whose length exceeds
 *	@head_len + @data_len is rejected before any of it is stored
 *
 * Bytes go to @data only while the frame still matches @addr, @cmd and
 * @match, and a frame is reported as %SXH485_EV_FRAME only if it matched
 * all through and its CRC is right. @data may hold bytes of a frame that
 * was later rejected: the caller owns it and must only trust it after
 * %SXH485_EV_FRAME.
 */
struct sxh485_expect {
	u8 addr;
	u8 cmd;
	u8 match[SXH485_MATCH_MAX];
	u8 match_len;
	u8 head_len;
	u8 *data;
	u32 data_len;
};

/**
 * enum sxh485_event - what sxh485_parse() stopped on
 * @SXH485_EV_NONE: all input consumed, the frame (if any) is incomplete
 * @SXH485_EV_FRAME: a complete, CRC-correct frame matching the expectation
 * @SXH485_EV_OTHER: a complete, CRC-correct frame that did not match
 *	(another address or command, a different status or packet number)
 * @SXH485_EV_BAD_CRC: a complete frame whose CRC is wrong
 * @SXH485_EV_BAD_LEN: a header whose length is over the expectation's bound;
 *	the frame is dropped at its header and the parser resynchronises
 */
enum sxh485_event {
	SXH485_EV_NONE,
	SXH485_EV_FRAME,
	SXH485_EV_OTHER,
	SXH485_EV_BAD_CRC,
	SXH485_EV_BAD_LEN,
};

/**
 * struct sxh485_parser_stats - what the parser saw, for diagnostics
 * @skipped: bytes discarded while hunting for a header
 * @frames: complete frames with a correct CRC (matching or not)
 * @bad_crc: complete frames with a wrong CRC
 * @bad_len: headers rejected for their length
 * @swapped: frames that started EB 90
 */
struct sxh485_parser_stats {
	u32 skipped;
	u32 frames;
	u32 bad_crc;
	u32 bad_len;
	u32 swapped;
};

/**
 * struct sxh485_parser - receive state machine
 * @exp: what the current transaction waits for (NULL: nothing matches)
 * @state: position inside the frame (private)
 * @hdr: header bytes of the frame being read, kept to rescan on rejection
 * @hdr_len: number of bytes in @hdr
 * @long_len: the frame has a 24-bit length (whole-image reply)
 * @matching: the frame matches @exp so far
 * @len: payload length announced by the frame
 * @pos: payload bytes received so far
 * @crc: CRC over the frame so far
 * @crc_lo: low byte of the received CRC
 * @addr: address of the last reported frame
 * @cmd: command of the last reported frame
 * @head: first payload bytes of the last reported frame
 * @head_got: number of valid bytes in @head
 * @stats: counters
 *
 * After an %SXH485_EV_FRAME or %SXH485_EV_OTHER event, @addr, @cmd, @len,
 * @head and @head_got describe that frame until the next call.
 */
struct sxh485_parser {
	const struct sxh485_expect *exp;
	u8 state;
	u8 hdr[SXH485_HDR_LEN + 1];
	u8 hdr_len;
	bool long_len;
	bool matching;
	u32 len;
	u32 pos;
	u16 crc;
	u8 crc_lo;
	u8 addr;
	u8 cmd;
	u8 head[SXH485_HEAD_MAX];
	u8 head_got;
	struct sxh485_parser_stats stats;
};

void sxh485_parser_reset(struct sxh485_parser *p,
			 const struct sxh485_expect *exp);
size_t sxh485_parse(struct sxh485_parser *p, const u8 *buf, size_t len,
		    enum sxh485_event *ev);
u32 sxh485_parser_left(const struct sxh485_parser *p);

#endif /* _SXH485_PROTO_H */
