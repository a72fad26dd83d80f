// SPDX-License-Identifier: GPL-2.0
/*
 * Bit-level model of one direction of an 8N1 serial line; see wire.h.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "util.h"

int64_t wseg_cell_time(const struct wseg *s, uint64_t cell)
{
	return s->t0 + (int64_t)((__int128)cell * NS_PER_S / s->rate);
}

int64_t wseg_end(const struct wseg *s)
{
	return wseg_cell_time(s, 10 * (uint64_t)s->n);
}

void wave_init(struct wave *w)
{
	memset(w, 0, sizeof(*w));
}

void wave_free(struct wave *w)
{
	for (size_t i = 0; i < w->nseg; i++)
		free(w->seg[i].data);
	free(w->seg);
	memset(w, 0, sizeof(*w));
}

int64_t wave_end(const struct wave *w)
{
	if (!w->nseg)
		return INT64_MIN;
	return wseg_end(&w->seg[w->nseg - 1]);
}

static void seg_put(struct wseg *s, const uint8_t *d, size_t n)
{
	if (s->n + n > s->cap) {
		size_t cap = s->cap ? s->cap : 64;

		while (cap < s->n + n)
			cap *= 2;
		s->data = xrealloc(s->data, cap);
		s->cap = cap;
	}
	memcpy(s->data + s->n, d, n);
	s->n += n;
}

int64_t wave_append(struct wave *w, int64_t t, uint32_t rate, int src,
		    const uint8_t *d, size_t n)
{
	int64_t end = wave_end(w);
	struct wseg *s;

	if (t < end)
		t = end;
	if (!n)
		return t;
	w->gen++;
	if (w->nseg) {
		s = &w->seg[w->nseg - 1];
		if (end == t && s->rate == rate && s->src == src) {
			seg_put(s, d, n);
			return t;
		}
	}
	if (w->nseg == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->seg = xrealloc(w->seg, w->cap * sizeof(*w->seg));
	}
	s = &w->seg[w->nseg++];
	memset(s, 0, sizeof(*s));
	s->t0 = t;
	s->rate = rate;
	s->src = src;
	seg_put(s, d, n);
	return t;
}

void wave_cancel(struct wave *w, int src, int64_t t)
{
	size_t j = 0;

	w->gen++;
	for (size_t i = 0; i < w->nseg; i++) {
		struct wseg *s = &w->seg[i];

		if (s->src == src) {
			if (s->t0 >= t) {
				free(s->data);
				continue;
			}
			/* keep the bytes that started before t */
			size_t k = 0;

			while (k < s->n && wseg_cell_time(s, 10 * k) < t)
				k++;
			s->n = k;
		}
		w->seg[j++] = *s;
	}
	w->nseg = j;
}

void wave_trim(struct wave *w, int64_t t)
{
	size_t k = 0;

	while (k < w->nseg && wseg_end(&w->seg[k]) <= t)
		free(w->seg[k++].data);
	if (!k)
		return;
	memmove(w->seg, w->seg + k, (w->nseg - k) * sizeof(*w->seg));
	w->nseg -= k;
	w->gen++;
}

/* Index of the first segment that ends after t (nseg if none). */
static size_t seg_after(const struct wave *w, int64_t t)
{
	size_t lo = 0, hi = w->nseg;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (wseg_end(&w->seg[mid]) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cell_level(const struct wseg *s, uint64_t cell)
{
	unsigned int c = cell % 10;

	if (c == 0)
		return 0;
	if (c == 9)
		return 1;
	return (s->data[cell / 10] >> (c - 1)) & 1;
}

/* Cell of s holding t; t must lie in [t0, end). */
static uint64_t cell_at(const struct wseg *s, int64_t t)
{
	uint64_t k = (uint64_t)((__int128)(t - s->t0) * s->rate / NS_PER_S);

	while (k + 1 < 10 * (uint64_t)s->n && wseg_cell_time(s, k + 1) <= t)
		k++;
	while (k > 0 && wseg_cell_time(s, k) > t)
		k--;
	return k;
}

int wave_level(const struct wave *w, int64_t t)
{
	size_t i = seg_after(w, t);

	if (i >= w->nseg || t < w->seg[i].t0)
		return 1;
	return cell_level(&w->seg[i], cell_at(&w->seg[i], t));
}

static bool cell_is_edge(const struct wseg *s, uint64_t cell)
{
	if (cell % 10 == 0)
		return true;	/* stop bit or idle before a start bit */
	return cell_level(s, cell) == 0 && cell_level(s, cell - 1) == 1;
}

int64_t wave_next_edge(const struct wave *w, int64_t t)
{
	for (size_t i = seg_after(w, t); i < w->nseg; i++) {
		const struct wseg *s = &w->seg[i];
		uint64_t k, ncell = 10 * (uint64_t)s->n;

		if (!s->n)
			continue;
		if (t <= s->t0)
			return s->t0;
		k = cell_at(s, t);
		if (wseg_cell_time(s, k) == t && cell_is_edge(s, k))
			return t;
		for (k++; k < ncell; k++)
			if (cell_is_edge(s, k))
				return wseg_cell_time(s, k);
	}
	return T_NEVER;
}

uint32_t wave_rate_at(const struct wave *w, int64_t t)
{
	int64_t te = wave_next_edge(w, t);
	size_t i;

	if (te == T_NEVER)
		return 0;
	i = seg_after(w, te);
	return i < w->nseg ? w->seg[i].rate : 0;
}

bool rates_match(uint32_t a, uint32_t b)
{
	uint32_t hi = a > b ? a : b, lo = a > b ? b : a;

	return (uint64_t)(hi - lo) * 100 <= (uint64_t)hi * 3;
}

void uart_rx_init(struct uart_rx *rx, int64_t t)
{
	memset(rx, 0, sizeof(*rx));
	rx->cur = t;
}

/* Sample time m (0 = start bit, 1..8 data, 9 stop) after edge te. */
static int64_t sample_time(int64_t te, uint32_t rate, int m)
{
	return te + (int64_t)((2 * (int64_t)m + 1) * NS_PER_S /
			      (2 * (int64_t)rate));
}

static void rx_compute(struct uart_rx *rx, const struct wave *w,
		       uint32_t rate, bool force_match)
{
	struct rx_event *ev = &rx->ev;
	int64_t te = wave_next_edge(w, rx->cur);
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->t = T_NEVER;
	ev->next_cur = rx->cur;
	if (te == T_NEVER || !rate)
		return;
	i = seg_after(w, te);
	if (i < w->nseg) {
		const struct wseg *s = &w->seg[i];
		uint64_t k = cell_at(s, te);

		if (k % 10 == 0 &&
		    (force_match || rates_match(s->rate, rate))) {
			ev->t = wseg_cell_time(s, k + 10);
			ev->has_byte = true;
			ev->byte = s->data[k / 10];
			ev->next_cur = ev->t;
			return;
		}
	}
	/* rates differ: sample the line as a real UART would */
	if (wave_level(w, sample_time(te, rate, 0))) {
		/* glitch, not a start bit */
		ev->t = sample_time(te, rate, 0);
		ev->next_cur = ev->t;
		return;
	}
	for (int b = 0; b < 8; b++)
		if (wave_level(w, sample_time(te, rate, b + 1)))
			ev->byte |= (uint8_t)(1u << b);
	ev->framing_err = !wave_level(w, sample_time(te, rate, 9));
	ev->has_byte = true;
	ev->t = te + (int64_t)(10 * NS_PER_S / rate);
	ev->next_cur = sample_time(te, rate, 9);
}

const struct rx_event *uart_rx_peek(struct uart_rx *rx,
				    const struct wave *w, uint32_t rate,
				    bool force_match)
{
	if (!rx->cached || rx->gen != w->gen || rx->rate != rate ||
	    rx->force_match != force_match) {
		rx_compute(rx, w, rate, force_match);
		rx->cached = true;
		rx->gen = w->gen;
		rx->rate = rate;
		rx->force_match = force_match;
	}
	return &rx->ev;
}

void uart_rx_commit(struct uart_rx *rx)
{
	rx->cur = rx->ev.next_cur;
	rx->cached = false;
}

size_t uart_garble(const uint8_t *in, size_t n, uint32_t tx_rate,
		   uint32_t rx_rate, uint8_t *out, size_t max)
{
	struct wave w;
	struct uart_rx rx;
	size_t got = 0;

	wave_init(&w);
	uart_rx_init(&rx, 0);
	wave_append(&w, 0, tx_rate, 0, in, n);
	for (;;) {
		const struct rx_event *ev = uart_rx_peek(&rx, &w, rx_rate,
							 false);

		if (ev->t == T_NEVER)
			break;
		if (ev->has_byte && got < max)
			out[got++] = ev->byte;
		uart_rx_commit(&rx);
	}
	wave_free(&w);
	return got;
}
