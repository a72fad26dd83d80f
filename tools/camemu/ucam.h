/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_UCAM_H
#define CAMEMU_UCAM_H

/*
 * One simple command camera on a point-to-point UART: the core shared by
 * --family vc0706 (vc0706.c) and --family ascii-u (asciiu.c). A
 * socket-free model like the others: the host's bytes come off the bus's
 * input wave through the camera's own UART receiver (garbled when the
 * rates differ), replies go on the output wave at their wire times with
 * the per-byte faults (struct bus, camera.h).
 *
 * The core keeps the line (rate, plugged, deaf while booting), the queue
 * of complete commands (one handled at a time, in arrival order, once
 * the camera is free), the command log, the frame records and manifest,
 * and sending with the reply faults (stall, truncate). The personality
 * parses bytes into commands, answers them and runs its own timers.
 */
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "wire.h"

struct bus;
struct ucam;
struct ctl_wait;

#define UCAM_CMD_MAX	32	/* bytes of a command kept */
#define ULOG_CAP	16384

enum ucstat {
	UC_CMDS, UC_CMDS_BAD, UC_RX_JUNK_BYTES, UC_CMDS_LOST,
	UC_CMDS_TIMED_OUT, UC_REPLIES, UC_FRAMES, UC_DATA_BYTES,
	UC_RESETS, UC_BOOTS, UC_RATE_CHANGES, UC_N
};

extern const char *const ucstat_names[UC_N];

/* A frame the camera made (manifest line). */
struct urec {
	uint32_t num;
	unsigned int w, h;
	int quality;
	uint32_t size;		/* the JPEG's bytes */
	char sha[65];
	uint32_t padded;	/* ascii-u: announced bytes (JPEG + padding) */
	char psha[65];		/* ... and their SHA-256 */
	int64_t t;		/* when it was captured */
};

/* A command as the camera received it. */
struct ulog {
	uint64_t num;
	int64_t t;		/* its last byte was in */
	int status;		/* reply status (vc0706), 0/1 ok/error (ascii-u) */
	uint8_t n;
	uint8_t d[UCAM_CMD_MAX];
};

/* A complete command waiting for the camera. */
struct ucmd {
	int64_t tc;
	uint64_t lognum;	/* its log entry */
	uint8_t n;
	uint8_t d[UCAM_CMD_MAX];
};

struct ucam_ops {
	const char *family;
	/* a byte the camera's receiver took at @t (plugged, awake) */
	void (*byte)(struct bus *b, uint8_t byte, int64_t t);
	/* a command from the queue, handled at @t */
	void (*handle)(struct bus *b, const struct ucmd *c, int64_t t);
	/* the personality's next timer, T_NEVER: none; then its action */
	int64_t (*next_timer)(struct bus *b);
	void (*timer)(struct bus *b, int64_t t);
	/* restart at @t: power-on state; @cmd: by the host's command */
	void (*restart)(struct bus *b, int64_t t, bool cmd);
	int (*set)(struct bus *b, const char *key, const char *val,
		   char *err, size_t errlen);
	void (*status)(struct bus *b, struct sbuf *out);
	/* family-only control commands; -1: not one */
	int (*exec)(struct bus *b, char **w, int nw, struct sbuf *out);
	void (*log_line)(struct sbuf *out, const struct ulog *e);
	/* the family's own "stat" lines, and "stats clear" */
	void (*stats)(struct bus *b, struct sbuf *out);
	void (*stats_clear)(struct bus *b);
	void (*free)(void *p);
	const char *help;
};

struct ucam {
	const struct ucam_ops *ops;
	void *p;		/* the personality's state */
	/* settings */
	uint32_t rate;		/* the camera's rate now */
	uint32_t poweron_rate;
	double cmd_ms, boot_ms, capture_ms;
	int detail;
	/* line */
	bool plugged;
	int64_t deaf_until;	/* booting: what arrives before is lost */
	struct uart_rx rx;
	int64_t busy_until;	/* the last reply's last byte */
	/* the command queue */
	struct ucmd *q;
	size_t qhead, qn, qcap;
	/* records */
	uint32_t frame_counter;
	struct urec *rec;
	size_t nrec, reccap;
	struct ulog *log;
	uint64_t log_num, log_floor;
	uint64_t st[UC_N];
};

/* Send flags: which reply faults may strike this piece. */
#define US_STALL	0x1	/* stall MS [N] */
#define US_TRUNC	0x2	/* truncate [N] */

struct ucam *ucam_new(const struct ucam_ops *ops, void *p, int64_t t0);
void ucam_free(struct ucam *u);

/*
 * Put @n bytes on the line from @t (or when the camera's last bytes are
 * out), with the faults of @flags and the per-byte ones; unplugged, the
 * time passes in silence. Returns the end of the last byte; busy_until
 * moves there. *@sent (if given) says how many bytes went (truncate).
 */
int64_t ucam_send(struct bus *b, int64_t t, const uint8_t *d, size_t n,
		  unsigned int flags, size_t *sent);
int64_t ucam_wire_ns(const struct ucam *u, size_t n);

/* A complete command at @t: queued; returns its log entry. */
struct ulog *ucam_command(struct bus *b, int64_t t, const uint8_t *d,
			  size_t n);
/* The reply status of command @lognum, for the log. */
void ucam_log_status(struct ucam *u, uint64_t lognum, int status);
/* Forget queued commands (restart); counted as lost. */
void ucam_queue_clear(struct ucam *u);
/* Withdraw bytes not yet on the line from @t. */
void ucam_line_cut(struct bus *b, int64_t t);

/* A new frame record for @img at @t: numbered, manifest, --save-frames. */
struct urec *ucam_frame(struct bus *b, int64_t t, const uint8_t *jpeg,
			size_t n, unsigned int w, unsigned int h, int quality,
			const uint8_t *padded, size_t pn);
const struct urec *ucam_find(const struct ucam *u, uint32_t num);
void ucam_frame_line(struct sbuf *out, const char *prefix,
		     const struct urec *r);

/* The event loop (camera.c) */
int64_t ucam_next_event(struct bus *b);
void ucam_step(struct bus *b, int64_t t);
int64_t ucam_rx_cur(const struct bus *b);

/* Power and line (fault.c): unplug, plug, powercycle, reset */
void ucam_unplug(struct bus *b);
void ucam_plug(struct bus *b);
void ucam_restart(struct bus *b, bool cmd);

/* Control (control.c): the family's commands; -1 for a shared one. */
int ucam_exec(struct bus *b, const char *line, char **w, int nw,
	      struct sbuf *out, struct ctl_wait *wt);
void ucam_stats(struct bus *b, struct sbuf *out);
/* A "set" key shared by both families (rate, poweron-rate, cmd-ms,
 * boot-ms, capture-ms, detail), then the family's; 0 or -1 + err. */
int ucam_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen);

#endif
