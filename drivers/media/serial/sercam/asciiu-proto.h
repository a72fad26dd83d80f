/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - the ASCII "U#" camera protocol, pure code
 *
 * Commands `U<op><n>#` and replies `U<op>#` in upper-case ASCII, a picture
 * announced by `UP<size>#` (four hex digits, low byte first) and followed
 * by exactly that many bytes: the JPEG and any padding after its EOI
 * (shared/protocols/ascii-u.md). No checksum: the picture is checked by
 * the caller (the announced size, then the JPEG marker walk). No I/O and
 * no driver state: built into the family's module, its KUnit suite and
 * the host tests alike.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _ASCIIU_PROTO_H
#define _ASCIIU_PROTO_H

#include <linux/types.h>

/* A command: U, the operation, one digit, #. */
#define AU_CMD_LEN		4
/* The longest reply text between U and # ("P" and four hex digits). */
#define AU_TEXT_MAX		5
/* The largest picture a four-digit size can announce. */
#define AU_PIC_MAX		0xffff

/* The operations, as their letters. */
#define AU_OP_RATE		'I'
#define AU_OP_PICTURE		'G'
#define AU_OP_CONTINUOUS	'C'
#define AU_OP_SIZE		'P'
#define AU_OP_ERROR		'E'

/* The size codes of UG and UC. */
#define AU_SIZE_160		1
#define AU_SIZE_320		2
#define AU_SIZE_640		3

/**
 * enum au_event - what au_parse() stopped at
 * @AU_EV_NONE: nothing yet: all the bytes were taken
 * @AU_EV_REPLY: a reply `U<op>#`: its letter in &au_parser.reply
 * @AU_EV_PICTURE: a picture was announced: its size in &au_parser.size;
 *	its bytes follow (au_set_dst() says where they go)
 * @AU_EV_DONE: the picture's last byte arrived
 * @AU_EV_BAD: a `U` that began no reply or announcement the protocol has
 *	(counted in &au_stats.bad)
 */
enum au_event {
	AU_EV_NONE,
	AU_EV_REPLY,
	AU_EV_PICTURE,
	AU_EV_DONE,
	AU_EV_BAD,
};

/**
 * struct au_stats - what the parser counted
 * @skipped: bytes outside any reply or picture (line noise, the rest of a
 *	picture joined half-way, a broken header)
 * @bad: texts that began with `U` and were no reply
 * @replies: replies
 * @pictures: pictures announced
 */
struct au_stats {
	u64 skipped;
	u32 bad;
	u32 replies;
	u32 pictures;
};

/**
 * struct au_parser - the receive parser of one camera
 * @dst: where the picture's bytes go, or NULL to count them only
 * @dst_len: room at @dst
 * @size: the announced size of the picture under way
 * @got: its bytes received so far
 * @reply: the letter of the last reply (%AU_EV_REPLY)
 * @stats: counters
 * @state: where the parser is, its own
 * @at: characters of the text held, its own
 * @text: the text after `U`, its own
 */
struct au_parser {
	u8 *dst;
	u32 dst_len;
	u32 size;
	u32 got;
	char reply;
	struct au_stats stats;
	int state;
	u32 at;
	char text[AU_TEXT_MAX];
};

size_t au_cmd(u8 *out, char op, unsigned int n);
int au_rate_code(u32 baud);
void au_parser_reset(struct au_parser *p);
size_t au_parse(struct au_parser *p, const u8 *buf, size_t len,
		enum au_event *ev);
void au_set_dst(struct au_parser *p, u8 *dst, u32 len);
bool au_in_picture(const struct au_parser *p);
void au_break(struct au_parser *p);
size_t au_find_picture(const u8 *buf, size_t len);

#endif /* _ASCIIU_PROTO_H */
