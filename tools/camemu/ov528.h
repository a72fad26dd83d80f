/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_OV528_H
#define CAMEMU_OV528_H

/*
 * The OV528 family (--family ov528; shared/protocols/ov528.md): the
 * COMedia C328, uCAM-II/III and V8 series cameras. Commands are 6 bytes,
 * AA <address << 5 | id> p1 p2 p3 p4; the camera answers ACK or NAK,
 * finds the host's rate by itself (auto-baud) while it is being synced,
 * sends JPEG pictures in packages the host asks for one by one (with an
 * 8-bit sum) and RAW pictures as one stream.
 *
 * The cameras are the bus's struct camera (camera.c): their UART
 * receivers, command queue, reply timing and per-byte faults are the
 * SXH485 ones. This file is the command model, the auto-baud, the
 * pictures and the OV528 faults; camera.c calls in here when b->ov is
 * set.
 */
#include <stdbool.h>
#include <stdint.h>

#include "camera.h"
#include "util.h"

#define OV_MAX_TABLE	16
#define OV_PKG_MIN	7	/* id, length, one data byte, verify */
#define OV_PKG_MAX	512
#define OV_MAX_RATE	4000000
#define OV_MAX_ADDR	7
#define OV_MAX_MARKS	32
#define OV_HOLDS	8	/* a camera's last replies, for its turnaround */

/* command ids (the low 5 bits of the second byte) */
enum {
	OV_INITIAL = 0x01, OV_GET_PICTURE = 0x04, OV_SNAPSHOT = 0x05,
	OV_PACKAGE_SIZE = 0x06, OV_BAUD = 0x07, OV_RESET = 0x08,
	OV_POWER_OFF = 0x09, OV_DATA = 0x0a, OV_SYNC = 0x0d, OV_ACK = 0x0e,
	OV_NAK = 0x0f, OV_LIGHT = 0x13, OV_CBE = 0x14, OV_SLEEP = 0x15,
};

/* NAK error codes the emulator gives */
enum {
	OVE_TYPE = 0x01, OVE_UNEXPECTED_REPLY = 0x04,
	OVE_UNEXPECTED_CMD = 0x06, OVE_FORMAT = 0x09, OVE_SIZE = 0x0a,
	OVE_PARAM = 0x0b, OVE_CMD_ID = 0x0d, OVE_NOT_READY = 0x0f,
	OVE_PACKAGE_NUM = 0x10, OVE_PACKAGE_SIZE = 0x11,
};

/* What a command that starts within init-gap after INITIAL's ACK gets. */
enum ov_early { OV_EARLY_NAK, OV_EARLY_DROP, OV_EARLY_ACCEPT, OV_EARLY_N };

enum ov_stat {
	OS_CMDS_OK, OS_CMDS_WRONGADDR, OS_GARBLED_BYTES, OS_CMDS_IGNORED,
	OS_CMDS_TURNAROUND, OS_SYNCS, OS_SYNCS_BADRATE, OS_SYNCS_ANSWERED, OS_SYNC_ACKS,
	OS_ACKS, OS_NAKS, OS_EARLY_CMDS, OS_FRAMES, OS_DATA,
	OS_PACKAGES_SENT, OS_PACKAGES_RESENT, OS_RAW_SENT, OS_RAW_ACKS,
	OS_TRANSFERS_ENDED, OS_BAUD_CHANGES, OS_RESETS, OS_SLEEPS, OS_WAKES,
	OS_N
};

extern const char *const ov_stat_names[OS_N];

/* Bus-wide: the options (also "set" keys) and the counters. */
struct ov528 {
	uint32_t table[OV_MAX_TABLE];	/* rates the auto-baud locks onto */
	int ntable;
	unsigned int syncs;		/* SYNCs answered: the Nth */
	unsigned int wake_syncs;	/* the same after sleep */
	uint8_t preview_type;		/* JPEG preview's GET PICTURE type, 0: none */
	bool cbe;			/* CBE (0x14) supported */
	bool sleep_cmd;			/* SLEEP TIMEOUT (0x15) supported */
	bool sleep_keeps;		/* sleep keeps rate, settings, pictures */
	unsigned int sleep_timeout;	/* power-on value, s (0: never) */
	double init_gap_ms;
	enum ov_early init_early;
	double turnaround_ms;		/* given to each camera added */
	uint8_t transfer_nak;		/* NAK code for a command in a transfer */
	uint16_t pkgsize;		/* power-on package size */
	bool rgb565_le;
	int quality;			/* JPEG quality */
	uint64_t st[OS_N];
};

/* A picture in the camera. */
struct ov_pic {
	struct image img;
	uint32_t num;			/* frame number, 0: none */
	uint8_t fmt;			/* INITIAL colour code */
	bool preview;
	/* JPEG: where a marker walk looks (for twinflip) */
	size_t hdr_end;			/* first byte after the SOS header */
	size_t marks[OV_MAX_MARKS];	/* the FF of SOI, each segment, EOI */
	int nmarks;
};

/*
 * A camera's RS-485 transceiver. Once turnaround_ms > 0 it drives the
 * line from the first start bit of each reply until turnaround_ms after
 * its last stop bit, and a command that starts meanwhile is lost to
 * every camera on the bus. Hardware: a power-on keeps it.
 */
struct ov_xcvr {
	double turnaround_ms;
	int64_t from[OV_HOLDS], until[OV_HOLDS];	/* the last replies */
	unsigned int next;
};

enum ov_xfer { OVX_NONE, OVX_JPEG, OVX_RAW };
enum ov_pend { OVP_NONE, OVP_RATE, OVP_RESET, OVP_SLEEP, OVP_DATA };

struct ov528_cam {
	struct ov_xcvr xcvr;
	/* link; c->rate is the rate it is locked at, 0: none */
	bool asleep;
	unsigned int heard;		/* SYNCs towards the next answer */
	uint32_t heard_rate;
	bool sync_ack_due;		/* its SYNC not ACKed by the host yet */
	uint8_t counter;		/* the ACK/NAK debug counter */
	/* settings */
	bool inited;
	uint8_t fmt, raw_res, jpeg_res;
	uint16_t pkgsize;
	uint8_t light;
	uint8_t cbe[3];			/* contrast, brightness, exposure */
	unsigned int sleep_timeout;
	int64_t init_until;		/* end of INITIAL's ACK + init-gap */
	/* pictures: the last snapshot stays until the next */
	struct ov_pic snap, prev;
	/* the transfer under way */
	enum ov_xfer xfer;
	struct ov_pic *xp;
	uint16_t xpkg;			/* its package size */
	uint32_t npkg;
	uint8_t *asked;			/* bitmap: package ids sent */
	/* something due at the end of a reply or a capture */
	enum ov_pend pend;
	int64_t pend_t;
	uint32_t pend_rate;
	uint8_t pend_type;
	int64_t idle_t;			/* the sleep timeout counts from here */
	/* receiving */
	uint32_t lrate;			/* rate of the byte being received */
	bool lok;			/* ... and it is one of the table's */
	int64_t pt0;
	uint32_t prate;
	bool pok;
};

struct ov528 *ov528_new(void);
void ov528_free(struct ov528 *g);
/* Give a new camera its OV528 state; @rate: locked from the start (0: not). */
void ov528_attach(struct bus *b, struct camera *c, uint32_t rate);
void ov528_cam_free(struct camera *c);
/* Power-on state: no rate (unless @rate), defaults, no pictures. */
void ov528_power_on(struct bus *b, struct camera *c, uint32_t rate);
/* Unplugged or powered off: from now its transceiver holds no line. */
void ov528_let_go(struct bus *b, struct camera *c);

/* The rate the camera's receiver samples the next byte at (auto-baud). */
uint32_t ov528_rx_rate(struct bus *b, struct camera *c);
/* A byte received at @t (after ov528_rx_rate() for it). */
void ov528_feed(struct bus *b, struct camera *c, uint8_t byte, int64_t t);
/* Act on a command taken from the queue at @th. */
void ov528_handle(struct bus *b, struct camera *c, const struct hostframe *h,
		  int64_t th);
/* The camera's next timer (a pending action, the sleep timeout), or T_NEVER. */
int64_t ov528_next_timer(struct bus *b, struct camera *c);
void ov528_timer(struct bus *b, struct camera *c, int64_t t);

/*
 * An option or "set" key: @c NULL sets the bus-wide value (options, before
 * the cameras are added); else also @c's own where the key has one.
 * @named: the control line named @c (addr=A); a bus key (turnaround)
 * then sets @c's alone, else the bus's and every camera's.
 * Returns 0, -1 with @err for a bad value, 1 for a key not of this family.
 */
int ov528_set(struct bus *b, struct camera *c, bool named, const char *key,
	      const char *val, char *err, size_t errlen);
void ov528_status(struct bus *b, struct camera *c, struct sbuf *out);
void ov528_stats(struct bus *b, struct sbuf *out);
/* "<prefix> N addr=A kind=K format=F res=WxH size=S sha256=H\n" */
void ov528_frame_line(struct sbuf *out, const char *prefix,
		      const struct frame_rec *f);
/* "jpeg", "gray8", ... for an INITIAL colour code, NULL if none. */
const char *ov528_format_name(uint8_t code);
/* The 14745600 / (4 (d1 + 1) (d2 + 1)) of SET BAUD RATE, rounded. */
uint32_t ov528_baud(uint8_t d1, uint8_t d2);

#endif
