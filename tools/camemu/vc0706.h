/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_VC0706_H
#define CAMEMU_VC0706_H

/*
 * --family vc0706: a Vimicro VC0706 serial JPEG camera (Adafruit TTL
 * Serial JPEG Camera, LinkSprite LS-Y201, Grove Serial Camera), written
 * from shared/protocols/vc0706.md alone. Commands `56 sn cmd len data`,
 * replies `76 sn cmd status len data`, big-endian values, no checksum.
 * The camera core (line, queue, log, records, faults) is ucam.c.
 */
#include <stdint.h>

struct bus;

/* command ids */
enum {
	VC_GET_VERSION = 0x11, VC_SET_PORT = 0x24, VC_RESET = 0x26,
	VC_READ_DATA = 0x30, VC_WRITE_DATA = 0x31, VC_READ_FBUF = 0x32,
	VC_GET_FBUF_LEN = 0x34, VC_FBUF_CTRL = 0x36, VC_MOTION_COMM = 0x37,
	VC_MOTION_STATUS = 0x38, VC_MOTION_REPORT = 0x39,
	VC_MOTION_CTRL = 0x42, VC_TV_OUT = 0x44, VC_DOWNSIZE = 0x54,
	VC_GET_DOWNSIZE = 0x55,
};

/* reply status */
enum {
	VCS_OK, VCS_NOT_RECEIVED, VCS_LENGTH, VCS_FORMAT, VCS_CANNOT_NOW,
	VCS_WRONG,
};

#define VC_MAX_LEN	16	/* a longer len byte is not a command */
#define VC_MAX_READ	(1u << 20)

/* Set up b->uc as a VC0706 camera at @t0 (already booted, 38400). */
void vc0706_setup(struct bus *b, int64_t t0);
/* The baud code HH LL of set port for @rate, 0 if none. */
uint16_t vc0706_baud_code(uint32_t rate);
/* "motion [N]" on the control socket: the scene changes N times. */
void vc0706_motion(struct bus *b, unsigned int n);

extern const char vc0706_help[];

#endif
