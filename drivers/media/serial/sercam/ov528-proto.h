/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - the OV528 serial-bridge protocol, pure code
 *
 * The 6-byte commands and replies, the 8-bit package sum, the package
 * count and the baud divisors of shared/protocols/ov528.md. No I/O and no
 * driver state: built into the family's module, its KUnit suite and the
 * host tests alike.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _OV528_PROTO_H
#define _OV528_PROTO_H

#include <linux/types.h>

#define OV528_CMD_LEN		6
#define OV528_HEAD		0xaa
#define OV528_ADDR_MAX		7
/* a package: id (2), n (2), n bytes, verify (2) */
#define OV528_PKG_OVERHEAD	6
#define OV528_PKG_MIN		64
#define OV528_PKG_MAX		512
/* package id that ends a transfer (AA 0E 00 00 F0 F0) */
#define OV528_PKG_END		0xf0f0
/* the largest image size DATA can announce (24 bits) */
#define OV528_SIZE_MAX		0xffffff

enum ov528_cmd {
	OV528_INITIAL = 0x01,
	OV528_GET_PICTURE = 0x04,
	OV528_SNAPSHOT = 0x05,
	OV528_SET_PKG = 0x06,
	OV528_SET_BAUD = 0x07,
	OV528_RESET = 0x08,
	OV528_POWER_OFF = 0x09,
	OV528_DATA = 0x0a,
	OV528_SYNC = 0x0d,
	OV528_ACK = 0x0e,
	OV528_NAK = 0x0f,
	OV528_LIGHT = 0x13,
	OV528_CBE = 0x14,
};

/* INITIAL formats, GET PICTURE types, SNAPSHOT kinds */
#define OV528_FMT_GREY8		0x03
#define OV528_FMT_JPEG		0x07
#define OV528_PIC_SNAPSHOT	0x01
#define OV528_SNAP_JPEG		0x00
#define OV528_SNAP_RAW		0x01

/**
 * struct ov528_msg - a command or reply
 * @id: command id (low 5 bits of the second byte)
 * @addr: the camera's address (its top 3 bits)
 * @p: the four parameter bytes
 */
struct ov528_msg {
	u8 id;
	u8 addr;
	u8 p[4];
};

/**
 * struct ov528_rx - a reply being collected
 * @msg: the reply messages, 6 bytes each
 * @want: message bytes to collect (6 or 12)
 * @got: message bytes collected
 * @raw: after the messages (ACK, DATA) comes a RAW picture of DATA's size
 * @pkg: the reply is a package, not messages
 * @dst: where a package's data or a RAW picture goes
 * @room: bytes at @dst (RAW)
 * @len: a package's data bytes (set by the caller); a RAW picture's size
 *	(from DATA)
 * @at: bytes of the package (header and sum included), or of the picture,
 *	so far
 * @head: a package's id and length
 * @verify: a package's sum bytes
 *
 * The caller sets @want, @raw, @pkg, @dst, @room and (packages) @len, then
 * calls ov528_rx_start() before each exchange.
 */
struct ov528_rx {
	u8 msg[2 * OV528_CMD_LEN];
	u8 want;
	u8 got;
	bool raw;
	bool pkg;
	u8 *dst;
	u32 room;
	u32 len;
	u32 at;
	u8 head[4];
	u8 verify[2];
};

void ov528_encode(u8 out[OV528_CMD_LEN], const struct ov528_msg *m);
int ov528_decode(const u8 in[OV528_CMD_LEN], struct ov528_msg *m);
u8 ov528_sum(const u8 *buf, size_t len);
int ov528_pkg_check(const u8 *head, const u8 *data, const u8 *verify,
		    u16 want_id, u16 want_n);
u32 ov528_pkg_count(u32 size, u32 pkg_size);
int ov528_baud_divisors(u32 baud, u8 *d1, u8 *d2);
u32 ov528_baud(u8 d1, u8 d2);
const char *ov528_nak_name(u8 code);
u32 ov528_data_size(const u8 msg[OV528_CMD_LEN]);
void ov528_rx_start(struct ov528_rx *r);
int ov528_rx_feed(struct ov528_rx *r, const u8 *buf, size_t len, u32 *more);

#endif /* _OV528_PROTO_H */
