/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_CONTROL_H
#define CAMEMU_CONTROL_H

#include "camera.h"
#include "util.h"

/*
 * Run one control line against the bus (already advanced to the present).
 * Appends zero or more data lines and exactly one "ok..." or "err ..."
 * line to @out. Returns 1 when the connection should close ("quit").
 */
int ctl_exec(struct bus *b, const char *line, struct sbuf *out);

/* A "wait-frames" still to be answered. */
struct ctl_wait {
	bool on;
	uint64_t want;		/* frames_written to reach */
	int64_t deadline;	/* bus time of "err timeout" */
};

/*
 * ctl_exec() for a client that can wait: returns 2, with nothing in @out
 * yet, when the line is a "wait-frames" that cannot be answered now; the
 * caller then calls ctl_wait_poll() as time goes on and reads no further
 * line from that client until it is answered. Without @w such a line is
 * answered at once (ok or err timeout).
 */
int ctl_exec_wait(struct bus *b, const char *line, struct sbuf *out,
		  struct ctl_wait *w);
/* Answer @w if it can be at bus time @now; true when answered. */
bool ctl_wait_poll(struct bus *b, struct ctl_wait *w, int64_t now,
		   struct sbuf *out);

extern const char ctl_help[];
extern const char ctl_help_stream[];
extern const char ctl_help_ov528[];
extern const char ctl_help_omvp[];
extern const char ctl_help_pixy[];

#endif
