/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_WIRE_H
#define CAMEMU_WIRE_H

/*
 * One direction of a serial line, modelled at the bit level.
 *
 * A "wave" is what a sender put on the line: segments of back-to-back 8N1
 * bytes, each segment sent at one bit rate and starting at an absolute time
 * (ns). Between segments the line idles high. A "uart_rx" is a receiver
 * reading that line at its own bit rate, the way a real UART does: it waits
 * for a falling edge, samples the middle of the start bit, eight data bits
 * and the stop bit. When sender and receiver rates are within 3% the byte
 * is taken as sent (no garbling) and it is delivered at the end of its stop
 * bit.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_PER_S 1000000000LL
#define T_NEVER INT64_MAX

struct wseg {
	int64_t t0;		/* start of the first start bit */
	uint32_t rate;		/* bit/s of the sender */
	int src;		/* who sent it (camera index, or -1) */
	size_t n, cap;
	uint8_t *data;
};

struct wave {
	struct wseg *seg;
	size_t nseg, cap;
	uint64_t gen;		/* bumped on every change */
};

struct rx_event {
	int64_t t;		/* when it happens; T_NEVER: nothing yet */
	bool has_byte;
	bool framing_err;
	uint8_t byte;
	int64_t next_cur;
};

struct uart_rx {
	int64_t cur;		/* line consumed up to here */
	/* cache of the next event */
	bool cached;
	uint64_t gen;
	uint32_t rate;
	bool force_match;
	struct rx_event ev;
};

/* Time of bit cell @cell of a segment (10 cells per byte). */
int64_t wseg_cell_time(const struct wseg *s, uint64_t cell);
int64_t wseg_end(const struct wseg *s);

void wave_init(struct wave *w);
void wave_free(struct wave *w);
int64_t wave_end(const struct wave *w);
/*
 * Put @n bytes on the line starting at @t (moved later when the line is
 * still busy then). Joins the previous segment when it ends exactly at @t
 * with the same rate and source. Returns the start time used.
 */
int64_t wave_append(struct wave *w, int64_t t, uint32_t rate, int src,
		    const uint8_t *d, size_t n);
/*
 * Withdraw what @src would still send: bytes starting at or after @t go,
 * a byte already started finishes.
 */
void wave_cancel(struct wave *w, int src, int64_t t);
/* Forget segments that end at or before @t. */
void wave_trim(struct wave *w, int64_t t);
/* Line level (0/1) at time @t. */
int wave_level(const struct wave *w, int64_t t);
/* First falling edge at or after @t, or T_NEVER. */
int64_t wave_next_edge(const struct wave *w, int64_t t);

/*
 * The rate of the sender of the first falling edge at or after @t (0: no
 * edge): what an auto-baud receiver at @t would measure.
 */
uint32_t wave_rate_at(const struct wave *w, int64_t t);

/* True when two rates are within 3% of each other. */
bool rates_match(uint32_t a, uint32_t b);

void uart_rx_init(struct uart_rx *rx, int64_t t);
/*
 * The receiver's next event, reading @w at @rate. @force_match treats
 * every sender as matched (no garbling). Cached until @w or the inputs
 * change.
 */
const struct rx_event *uart_rx_peek(struct uart_rx *rx,
				    const struct wave *w, uint32_t rate,
				    bool force_match);
/* Take the event last peeked. */
void uart_rx_commit(struct uart_rx *rx);

/*
 * Whole-burst helper (tests, tools): send @n bytes back to back at
 * @tx_rate, receive at @rx_rate; writes at most @max bytes to @out and
 * returns how many the receiver got.
 */
size_t uart_garble(const uint8_t *in, size_t n, uint32_t tx_rate,
		   uint32_t rx_rate, uint8_t *out, size_t max);

#endif
