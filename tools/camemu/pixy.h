/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_PIXY_H
#define CAMEMU_PIXY_H

/*
 * The "pixy" personality: a Pixy (CMUcam5) whose data out port is its
 * UART, written from shared/protocols/pixy.md alone. It sends no
 * pictures, only the blocks it detected: every 1/fps (20 ms) a frame of
 * 16-bit little-endian words, two sync words then the blocks, largest
 * first. A socket-free model like the others: bytes go on the bus's
 * output wave at their wire times, host bytes come from the input wave
 * through the camera's own UART receiver.
 *
 * Timing: frame k is detected at t0 + (k - 1) / fps (the capture clock
 * of stream.h). When the line is free the camera sends the newest frame
 * not yet sent, or waits for the next one: a frame being sent always
 * completes, and frames that could not start before a newer one was
 * detected are dropped (the newest wins). A frame's bytes go on the wave
 * when it starts, back to back at the rate (absolute deadlines: byte j
 * of a run starts at run_t0 + j * 10 s / rate).
 *
 * The scene is a pure function of (scene seed, object count, max blocks,
 * frame number): the frame records (manifest lines) list every block of
 * every frame, sent or dropped.
 */
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "wire.h"

struct bus;

#define PIXY_SYNC	0xaa55u		/* normal block (and frame start) */
#define PIXY_SYNC_CC	0xaa56u		/* colour-code block */
#define PIXY_SYNC_X	0x55aau		/* 0xAA55 read one byte off */
#define PIXY_W		320		/* x 0..319, width 1..320 */
#define PIXY_H		200		/* y 0..199, height 1..200 */
#define PIXY_MAX_RATE	4000000
#define PIXY_MAX_OBJ	32
#define PIXY_MAX_ZEROS	1000
#define PIXY_EMPTY_EVERY 25		/* frames n % 25 == 0 are empty */

/* What spoiled a frame or a block first (intact/ok: nothing). */
enum pq {
	PQ_OK, PQ_BADSUM, PQ_BYTEFLIP, PQ_DROP, PQ_GARBAGE, PQ_SLIP,
	PQ_UNPLUGGED, PQ_DROPPED, PQ_N
};

/* frame states ("intact" for PQ_OK) and block marks ("ok") */
extern const char *const pixy_state_names[PQ_N];
extern const char *const pixy_mark_names[PQ_N];

enum pxstat {
	PX_FRAMES_DETECTED, PX_FRAMES_SENT, PX_FRAMES_INTACT,
	PX_FRAMES_SPOILED, PX_FRAMES_DROPPED, PX_FRAMES_LISTED,
	PX_BLOCKS_SENT, PX_BLOCKS_SPOILED, PX_EMPTY_FRAMES, PX_ZERO_WORDS,
	PX_CMDS, PX_CMDS_SERVO, PX_CMDS_BRIGHTNESS, PX_CMDS_LED,
	PX_CMDS_BADVALUE, PX_RX_JUNK_BYTES, PX_N
};

extern const char *const pxstat_names[PX_N];

/* One block as the scene has it, and how it went on the wire. */
struct pblock {
	uint16_t sig, x, y, w, h;
	int16_t angle;		/* degrees, colour codes only (else 0) */
	bool cc;
	uint8_t mark;		/* enum pq */
};

/* One frame: the manifest line. */
struct pframe_rec {
	uint32_t num;
	int64_t t_ready;	/* detected */
	int64_t t0, t1;		/* first byte's start, last byte's end (-1: never on the wire) */
	uint8_t state;		/* enum pq */
	uint16_t nb;
	uint32_t b0;		/* its blocks: blk[b0 .. b0 + nb) */
	int64_t t_pub;		/* listed from then on */
};

/* A command the host sent (the "log"). */
struct pcmd {
	uint64_t num;
	int64_t t;		/* its last byte was in */
	uint8_t type;		/* 0xFF servo, 0xFE brightness, 0xFD LED */
	uint8_t n;
	uint8_t d[6];		/* all its bytes, 00 and type included */
	bool ok;		/* every value in range (else partly ignored) */
};

#define PLOG_CAP	16384

struct pixy {
	/* settings */
	uint32_t rate;
	double fps;
	unsigned int objects;	/* objects in the scene, 0..PIXY_MAX_OBJ */
	uint64_t scene_seed;
	unsigned int max_blocks;
	unsigned int zeros;	/* zero words after an empty frame */
	bool zeros_all;		/* ... and after every frame */
	/* camera state set by the host */
	uint16_t pan, tilt;
	uint8_t brightness, led[3];
	bool plugged;
	/* the detection clock */
	int64_t cap_t0;
	uint32_t cap_k0;
	/* the writer */
	uint32_t last;		/* last frame sent or dropped (0: none) */
	int64_t free_t;		/* the line is free from then on */
	int64_t run_t0;
	uint64_t run_k;
	uint32_t run_rate;
	/* the frame on the wire, for unplug: its bytes' start times and owners */
	size_t cur;		/* record index of the frame being sent, or SIZE_MAX */
	int64_t *bt;
	int16_t *bo;		/* -1 header, 0..nb-1 block, nb trailer */
	size_t bn, bcap;
	/* the receiver */
	struct uart_rx rx;
	uint8_t last_byte;
	uint8_t cbuf[6];
	size_t cn, cwant;
	/* records */
	struct pframe_rec *rec;
	size_t nrec, npub, reccap;
	struct pblock *blk;
	size_t nblk, blkcap;
	struct pcmd *log;
	uint64_t log_num, log_floor;
	uint64_t st[PX_N];
};

struct pixy *pixy_new(int64_t t0);
void pixy_free(struct pixy *p);

int64_t pixy_next_event(struct bus *b);
void pixy_step(struct bus *b, int64_t t);
int64_t pixy_rx_cur(const struct bus *b);

void pixy_unplug(struct bus *b);
void pixy_plug(struct bus *b);

/*
 * The scene's blocks of frame @n, in wire order (largest first), as
 * pure function of the settings: at most PIXY_MAX_OBJ into @out; returns
 * how many.
 */
unsigned int pixy_scene(const struct pixy *p, uint32_t n, struct pblock *out);
/* The checksum of a block: the 16-bit sum of the words after it. */
uint16_t pixy_checksum(const struct pblock *k);
/* A frame's bytes as pixy.md lays them out (no faults); returns the count. */
size_t pixy_frame_bytes(const struct pixy *p, const struct pblock *k,
			unsigned int nb, uint8_t *out, size_t max);

/*
 * A setting by its option / "set" key: rate, fps, objects, scene-seed
 * (alias seed), max-blocks, zeros, zeros-after; 0, or -1 with @err.
 */
int pixy_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen);
/* "ok family=pixy ...\n" */
void pixy_status(struct bus *b, struct sbuf *out);

/* Listed frames (rec[0..npub)) by number, or NULL. */
const struct pframe_rec *pixy_frame(const struct pixy *p, uint32_t num);
/*
 * "<prefix> N ready_ns=T start_ns=T0 end_ns=T1 state=S blocks=K" and one
 * " b=SIG,X,Y,W,H,ANGLE,CC,MARK" per block, "\n".
 */
void pixy_frame_line(struct sbuf *out, const char *prefix,
		     const struct pixy *p, const struct pframe_rec *r);
/* "cmd N t=T servo pan=P tilt=T ok=1 bytes=HEX\n" and the like */
void pixy_log_line(struct sbuf *out, const struct pcmd *c);

#endif
