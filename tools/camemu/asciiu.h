/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_ASCIIU_H
#define CAMEMU_ASCIIU_H

/*
 * --family ascii-u: the ASCII command camera of the "U..#" protocol 1.0
 * (shared/protocols/ascii-u.md, from seed 002), written from that page
 * alone. Commands and replies are upper-case ASCII ending in '#': UI<n>#
 * (rate), UG<n># (one picture), UC<n># (pictures until any command);
 * a picture is UP<size># (4 hex digits, low byte first) and the JPEG
 * with its padding, cut into 506-byte writes. The camera core (line,
 * queue, log, records, faults) is ucam.c.
 */
#include <stdint.h>

struct bus;

#define AU_CMD_MAX	16	/* longer without '#': an error */
#define AU_PACKET	506

/* Set up b->uc as an ASCII camera at @t0 (19200). */
void asciiu_setup(struct bus *b, int64_t t0);

extern const char asciiu_help[];

#endif
