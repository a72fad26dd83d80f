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

extern const char ctl_help[];

#endif
