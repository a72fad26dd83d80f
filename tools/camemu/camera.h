/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_CAMERA_H
#define CAMEMU_CAMERA_H

/*
 * The cameras and the wire they share, as a discrete-event model with no
 * sockets in it: feed it the bytes the host wrote (bus_rx) and the time
 * (bus_advance), take the bytes the host's UART would receive, each with
 * the time it arrives (bus->out).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "image.h"
#include "prng.h"
#include "wire.h"

#define MAX_CAMS	16
#define MAX_PARAM	16		/* longer: not a host frame */
#define MAX_RES		16
#define MAX_FAULTS	64
#define LOG_CAP		131072		/* command log entries kept */
#define GAP_NS		(50 * 1000000LL) /* inter-byte timeout in a frame */
#define UNKNOWN_GUEST_RATE 50000	/* how an unknown guest rate is modelled */
#define MAX_RATE	921600

#define ST_OK		0x00
#define ST_BADPARAM	0x01
#define ST_NOIMAGE	0x02		/* also: packet out of order */
#define ST_MORE		0x80

enum fault_kind {
	F_BYTEFLIP, F_DROP, F_GARBAGE, F_RXFLIP, F_TRUNCATE, F_BADCRC,
	F_STATUS, F_STALL, F_UNPLUG, F_PLUG, F_POWERCYCLE, F_HUGELEN,
	F_HUGESIZE, F_WRONGADDR, F_DUP, F_REORDER, F_EBHEADER, F_NOSTATUS,
	F_JUNK, F_BADMARKER,	/* stream camera only */
	F_NAK,			/* OV528 and omvp */
	F_DROPPKG, F_TWINFLIP,	/* OV528 only */
	F_BADHCRC, F_BADDCRC, F_DROPPKT, F_RESET, F_OVERFLOW,	/* omvp only */
	F_BADSUM, F_SLIP,	/* pixy only */
	F_NKINDS
};

extern const char *const fault_names[F_NKINDS];

struct fault {
	enum fault_kind kind;
	unsigned int addr;	/* 0: every camera */
	double p;		/* per-byte probability kinds */
	uint32_t count;		/* "next N replies" kinds: N left */
	uint32_t value;		/* CODE, V or MS */
	bool value_set;
	bool op_set;		/* omvp nak: only requests with opcode op */
	uint8_t op;
};

enum stat_id {
	ST_RX_BYTES, ST_TX_BYTES, ST_FRAMES_OK, ST_FRAMES_BADCRC,
	ST_FRAMES_WRONGADDR, ST_FRAMES_GARBLED_BYTES, ST_FRAMING_ERRORS,
	ST_CAPTURES, ST_PACKETS_SENT, ST_REPLIES, ST_REPLY_BYTES,
	ST_CMDS_DROPPED_UNPLUG, ST_FRAMES_UNCLAIMED, ST_N
};

extern const char *const stat_names[ST_N];

struct rescode {
	uint8_t code;
	unsigned int w, h;
};

struct frame_rec {
	uint32_t num;
	uint8_t addr;
	unsigned int w, h;
	uint8_t comp;
	bool gray;
	uint32_t size;
	char sha[65];
	uint8_t fmt;		/* OV528: INITIAL colour code */
	bool preview;		/* OV528: taken by GET PICTURE preview */
};

struct hostframe {
	int64_t tc;		/* when its last byte was in */
	uint8_t addr, cmd;
	uint16_t len;
	uint8_t p[MAX_PARAM];
	/* OV528 */
	int64_t t0;		/* when its first byte's start bit began */
	uint32_t rate;		/* the rate the camera heard it at */
	bool heard_ok;		/* every byte at that rate, a rate it knows */
};

struct ov528;
struct ov528_cam;

struct camera {
	int idx;
	/* survives a power cycle */
	uint8_t addr;
	uint32_t poweron_rate;
	uint32_t saved_rate;	/* 0: none saved, use poweron_rate */
	double capture_ms;	/* at 640x480, scaled by pixels */
	double cmd_ms;
	char *image_dir;
	uint32_t frame_counter;
	uint32_t dir_next;
	struct frame_rec *frames;
	size_t nframes, frames_cap;
	bool plugged;
	/* lost at power-off */
	uint32_t rate;
	uint16_t pktsize;
	uint8_t pres;
	uint8_t comp;
	uint8_t bright, contrast;
	bool ir;
	bool have_img;
	struct image img;
	long last_pkt;		/* -1: none sent since the capture */
	size_t x06_off;
	/* receiving */
	struct uart_rx rx;
	uint8_t pbuf[8 + MAX_PARAM];
	size_t pn;
	int64_t plast;
	struct hostframe *q;
	size_t qhead, qn, qcap;
	int64_t busy_until;
	struct ov528_cam *ov;	/* --family ov528: the camera's state */
};

enum guest_mode {
	GUEST_FOLLOW,		/* no trace log: same rate as the camera */
	GUEST_UNKNOWN,		/* trace log, no rate seen yet */
	GUEST_KNOWN,
};

struct logent {
	uint64_t seq;
	uint8_t camaddr, addr, cmd, plen;
	uint8_t p[MAX_PARAM];
};

struct outq {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
};

struct stream;
struct omvp;
struct pixy;
struct ucam;

struct bus {
	struct stream *stream;	/* the stream camera (--family stream), or NULL */
	struct ov528 *ov;	/* --family ov528: settings, counters; or NULL */
	struct omvp *omvp;	/* the OpenMV Protocol camera (--family omvp), or NULL */
	struct pixy *pixy;	/* the Pixy camera (--family pixy), or NULL */
	struct ucam *uc;	/* --family vc0706 or ascii-u (ucam.h), or NULL */
	struct camera cam[MAX_CAMS];
	int ncam;
	struct rescode res[MAX_RES];
	int nres;
	enum guest_mode gmode;
	uint32_t guest_rate;
	struct wave in, out;
	struct uart_rx guest_rx;
	struct prng prng;
	struct fault faults[MAX_FAULTS];
	int nfaults;
	uint64_t stat[ST_N];
	uint64_t fstat[F_NKINDS];
	uint64_t uart_overrun;	/* stream bytes the UART client did not take */
	struct logent *log;
	uint64_t log_seq;	/* last sequence number given */
	uint64_t log_floor;	/* "log clear": entries up to here hidden */
	struct outq out_bytes;
	int64_t now;
	/* defaults for new cameras */
	uint32_t def_rate;
	double def_capture_ms, def_cmd_ms;
	int detail;		/* --detail 0..4 of generated images */
	/* outputs */
	FILE *manifest;
	char *save_dir;
	char *image_dir;
	bool verbose;
	/*
	 * Called before slow work inside bus_advance() (rendering a stream
	 * frame, a few ms): the process passes on the output due so far.
	 */
	void (*flush)(struct bus *b);
};

void bus_init(struct bus *b, int64_t t0);
void bus_free(struct bus *b);
/* Default resolution table; returns 0, or -1 on a bad --restable spec. */
int bus_set_restable(struct bus *b, const char *spec);
const struct rescode *bus_res(const struct bus *b, uint8_t code);
struct camera *bus_add_camera(struct bus *b, unsigned int addr,
			      uint32_t rate, uint32_t saved_rate,
			      const char *image_dir);
struct camera *bus_cam_by_addr(struct bus *b, unsigned int addr);

/* Bytes the host wrote at @now. */
void bus_rx(struct bus *b, int64_t now, const uint8_t *d, size_t n);
/* Run everything due by @now; output lands in b->out_bytes. */
void bus_advance(struct bus *b, int64_t now);
/* When the next thing happens (T_NEVER: nothing pending). */
int64_t bus_next_event(struct bus *b);
/* Take the output queued so far (caller frees nothing; copy it). */
void bus_out_clear(struct bus *b);

void bus_set_guest(struct bus *b, enum guest_mode m, uint32_t rate);
uint32_t bus_guest_rate(const struct bus *b);
void bus_set_rate(struct bus *b, struct camera *c, uint32_t rate);
void bus_unplug(struct bus *b, struct camera *c);
void bus_plug(struct bus *b, struct camera *c);
void bus_powercycle(struct bus *b, struct camera *c);

/*
 * Faults (fault.c). spec is "kind args... [addr=A] [op=OP]" (op=: omvp nak
 * only); 0 or -1 + err.
 */
int fault_apply_spec(struct bus *b, const char *spec, char *err,
		     size_t errlen);
void fault_clear(struct bus *b);
void fault_describe(const struct fault *f, char *buf, size_t len);
/* Whether fault @kind exists for this bus's camera family. */
bool fault_kind_ok(const struct bus *b, enum fault_kind kind);
/* The first active fault of @kind that applies to @c (NULL: the stream camera), or NULL. */
struct fault *fault_find(struct bus *b, const struct camera *c,
			 enum fault_kind kind);
/*
 * The active fault of @kind for a request with opcode @op (no address):
 * one scoped to @op (op=OP) first, else the first without a scope; NULL.
 */
struct fault *fault_find_op(struct bus *b, enum fault_kind kind, uint8_t op);
/* Count one use of a "next N" fault; drops it at zero. */
void fault_use(struct bus *b, struct fault *f);

/* Per-byte fault @k (byteflip, drop, ...) strikes now (c NULL: no address). */
bool fault_hit(struct bus *b, const struct camera *c, enum fault_kind k);
/*
 * Put @n bytes on the line towards the host from @start (or when the line
 * is free), @rate bit/s, sender @src, with the per-byte faults of @c's
 * scope (NULL: faults without an address): dropped bytes leave the line
 * idle for their time, inserted garbage takes time. Returns when the last
 * byte (or slot) ends.
 */
int64_t bus_wire_send(struct bus *b, const struct camera *c, uint32_t rate,
		      int src, int64_t start, const uint8_t *d, size_t n);
/*
 * Shared by the families' command models: put @n reply bytes on the wire
 * from @start at the camera's rate (the line may move it later), with
 * the per-byte faults; sets c->busy_until to their end. Returns the start
 * used.
 */
int64_t bus_send(struct bus *b, struct camera *c, int64_t start,
		 const uint8_t *d, size_t n);
/* A command for @c: logged (control "log"), traced, queued for handling. */
void bus_accept_cmd(struct bus *b, struct camera *c, const struct hostframe *h);
/* --verbose: bytes received or sent at @t. */
void bus_trace_bytes(struct bus *b, const char *dir, int64_t t,
		     const uint8_t *d, size_t n);
/* A new, zeroed frame record at the end of c->frames. */
struct frame_rec *cam_new_frame(struct camera *c);
/* --verbose lines: "camemu: <t> ..." */
void bus_verbose(struct bus *b, int64_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Rate code (01..06) to bit/s, 0 if unknown. */
uint32_t rate_code(uint8_t code);
/* Build a host or camera frame; returns its length. */
size_t sxh_frame(uint8_t *out, uint8_t addr, uint8_t cmd,
		 const uint8_t *p, uint16_t len);

#endif
