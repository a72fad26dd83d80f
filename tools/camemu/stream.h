/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_STREAM_H
#define CAMEMU_STREAM_H

/*
 * The "stream" personality (openmv.md part 1): an OpenMV camera whose
 * script writes JPEG frames to its UART unasked, back to back, framed
 * three ways. A socket-free model like the SXH485 cameras: it puts bytes
 * on the bus's output wave at their wire times (struct bus, camera.h),
 * so the guest's UART reads them, garbled or not, as it reads a reply.
 *
 * Timing: capture k happens at cap_t0 + (k - cap_k0) / fps. The writer
 * sends one frame at a time; when it is free it takes the newest capture
 * not yet sent (the ones in between are never sent), or waits for the
 * next. Bytes go out in runs of about a millisecond of wire time
 * ("chunks"), each put on the wave when its first byte is due, with
 * absolute deadlines: byte k of a run starts at run_t0 + k * 10 s / rate.
 */
#include <stdbool.h>
#include <stdint.h>

#include "image.h"
#include "util.h"

#define STREAM_MAX_RATE	4000000
#define MARKER_MAX	64
#define STREAM_MIN_RES	16
#define STREAM_MAX_RES	4096
#define FPS_MIN		0.001
#define FPS_MAX		1000.0
#define JUNK_MAX	65536

struct bus;

enum framing { FRAMING_JPEG, FRAMING_MARKERS, FRAMING_LENGTH, FRAMING_N };

extern const char *const framing_names[FRAMING_N];

/* How a frame went on the wire: intact, or what spoiled it first. */
enum fstate {
	FS_INTACT, FS_TRUNCATED, FS_HUGELEN, FS_BADMARKER, FS_BYTEFLIP,
	FS_DROP, FS_GARBAGE, FS_UNPLUGGED, FS_N
};

extern const char *const fstate_names[FS_N];

enum sstat {
	SS_FRAMES_STARTED, SS_FRAMES_WRITTEN, SS_FRAMES_INTACT,
	SS_FRAMES_SPOILED, SS_FRAMES_SKIPPED, SS_FRAMES_VOID,
	SS_STREAM_BYTES, SS_JUNK_BYTES, SS_N
};

extern const char *const sstat_names[SS_N];

/* One frame as it went on the wire (the manifest line). */
struct sframe_rec {
	uint32_t num;
	unsigned int w, h;
	uint32_t size;		/* of the clean JPEG */
	char sha[65];		/* of the clean JPEG */
	enum framing framing;
	enum fstate state;
	int64_t t0, t1;		/* first byte's start, last byte's end */
};

/* The frame being written. */
struct stream_cur {
	uint32_t num;
	struct image img;	/* the clean JPEG */
	enum framing framing;
	uint8_t *wb;		/* junk, prefix, JPEG (maybe cut), suffix */
	size_t wn, pos;		/* pos: next byte of wb to send */
	size_t span;		/* index of the frame's first byte in wb */
	size_t stall_at;	/* SIZE_MAX: no stall */
	int64_t stall_ns;
	enum fstate state;
	bool on_wire;		/* some byte of the span reached the wire */
	int64_t t0, t1;
};

struct stream {
	/* settings */
	uint32_t rate;
	double fps;
	unsigned int w, h;
	enum framing framing;
	uint8_t smark[MARKER_MAX], emark[MARKER_MAX];
	size_t slen, elen;
	int detail, quality;
	unsigned int restart;
	bool exif;
	bool streaming, plugged;
	/* the capture clock */
	int64_t cap_t0;
	uint32_t cap_k0;
	uint32_t last;		/* number of the last frame started, 0: none */
	uint32_t next_min;	/* first number allowed (set on "stream on") */
	bool follow;		/* after a truncated frame: next one at once */
	/* the writer */
	bool busy;
	int64_t run_t0;
	uint64_t run_k;		/* next byte slot of the run */
	uint32_t run_rate;
	int64_t free_t;		/* when the line is free for the next frame */
	struct stream_cur cur;
	uint8_t *run;		/* scratch for one chunk */
	size_t runcap;
	/* frames as they went on the wire; rec[0..npub) are published */
	struct sframe_rec *rec;
	size_t nrec, npub, reccap;
	uint64_t st[SS_N];
};

/* A new stream camera with default settings, streaming from @t0. */
struct stream *stream_new(int64_t t0);
void stream_free(struct stream *s);

/* When the model next has something to do (T_NEVER: nothing). */
int64_t stream_next_event(struct bus *b);
/* Do what is due at @t (the bus calls this at stream_next_event()). */
void stream_step(struct bus *b, int64_t t);

/* Change the frame rate now: the next capture is 1/fps after the last. */
void stream_set_fps(struct bus *b, double fps);
/* Pause (after the frame under way) or resume (from the next capture). */
void stream_set_streaming(struct bus *b, bool on);
/* A frame is under way or its bytes are still on the wire. */
bool stream_writing(const struct bus *b);
void stream_unplug(struct bus *b);
void stream_plug(struct bus *b);

/*
 * The capture clock (shared with the omvp camera): capture k is taken at
 * t0 + (k - k0) / fps. cap_clock_newest() is the newest capture at @t
 * (k0 - 1: none yet); cap_clock_set_fps() changes the rate at @now so
 * that the next capture comes 1/fps after the last one (or now).
 */
int64_t cap_clock_time(int64_t t0, uint32_t k0, double fps, int64_t k);
uint32_t cap_clock_newest(int64_t t0, uint32_t k0, double fps, int64_t t);
void cap_clock_set_fps(int64_t *t0, uint32_t *k0, double *fps, double nfps,
		       int64_t now);

/* The newest capture at @t (0: none yet). */
uint32_t stream_newest(const struct stream *s, int64_t t);
/* A published frame by number, or NULL. */
const struct sframe_rec *stream_frame(const struct stream *s, uint32_t num);
/* "<prefix> N res=WxH size=S sha256=H framing=F state=S start_ns=T0 end_ns=T1\n" */
void stream_frame_line(struct sbuf *out, const char *prefix,
		       const struct sframe_rec *r);

/* Parsers for options and "set" (0, or -1 when malformed). */
int stream_parse_framing(const char *s, enum framing *f);
int stream_parse_res(const char *s, unsigned int *w, unsigned int *h);
int stream_parse_fps(const char *s, double *fps);
/* Marker strings take C escapes \\ \n \r \t \s (space) \xNN. */
int stream_parse_marker(const char *s, uint8_t *out, size_t *len);
/* The marker written back with those escapes (blanks escaped). */
void stream_marker_str(const uint8_t *m, size_t n, char *buf, size_t len);

#endif
