// SPDX-License-Identifier: GPL-2.0
/*
 * The core of the simple command cameras (--family vc0706, ascii-u): the
 * line, the command queue, the log, frame records, reply faults, and
 * their control commands. See ucam.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "control.h"
#include "image.h"
#include "ucam.h"
#include "util.h"

const char *const ucstat_names[UC_N] = {
	[UC_CMDS] = "cmds",
	[UC_CMDS_BAD] = "cmds_bad",
	[UC_RX_JUNK_BYTES] = "rx_junk_bytes",
	[UC_CMDS_LOST] = "cmds_lost",
	[UC_CMDS_TIMED_OUT] = "cmds_timed_out",
	[UC_REPLIES] = "replies",
	[UC_FRAMES] = "frames",
	[UC_DATA_BYTES] = "data_bytes",
	[UC_RESETS] = "resets",
	[UC_BOOTS] = "boots",
	[UC_RATE_CHANGES] = "rate_changes",
};

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

struct ucam *ucam_new(const struct ucam_ops *ops, void *p, int64_t t0)
{
	struct ucam *u = xcalloc(1, sizeof(*u));

	u->ops = ops;
	u->p = p;
	u->plugged = true;
	u->cmd_ms = 1;
	u->boot_ms = 1000;
	u->capture_ms = 100;
	u->detail = DETAIL_DEFAULT;
	u->log = xcalloc(ULOG_CAP, sizeof(*u->log));
	uart_rx_init(&u->rx, t0);
	u->busy_until = t0;
	u->deaf_until = t0;
	return u;
}

void ucam_free(struct ucam *u)
{
	if (!u)
		return;
	if (u->ops->free)
		u->ops->free(u->p);
	free(u->q);
	free(u->rec);
	free(u->log);
	free(u);
}

/* ---- sending ------------------------------------------------------------ */

int64_t ucam_wire_ns(const struct ucam *u, size_t n)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / u->rate);
}

int64_t ucam_send(struct bus *b, int64_t t, const uint8_t *d, size_t n,
		  unsigned int flags, size_t *sent)
{
	struct ucam *u = b->uc;
	int64_t start = max64(t, u->busy_until), end;
	size_t total = n;
	struct fault *f;

	if ((flags & US_TRUNC) && n > 1 &&
	    (f = fault_find(b, NULL, F_TRUNCATE))) {
		total = 1 + prng_below(&b->prng, (uint32_t)n - 1);
		b->fstat[F_TRUNCATE]++;
		fault_use(b, f);
	}
	if ((flags & US_STALL) && (f = fault_find(b, NULL, F_STALL))) {
		start += ms_ns(f->value);
		b->fstat[F_STALL]++;
		fault_use(b, f);
	}
	if (sent)
		*sent = total;
	if (!total)
		return start;
	if (!u->plugged) {
		end = start + ucam_wire_ns(u, total);
		bus_verbose(b, start, "tx lost (unplugged): %zu bytes", total);
	} else {
		bus_trace_bytes(b, "tx", start, d, total);
		end = bus_wire_send(b, NULL, u->rate, 0, start, d, total);
	}
	u->busy_until = end;
	return end;
}

void ucam_line_cut(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;

	wave_cancel(&b->out, 0, t);
	u->busy_until = max64(t, wave_end(&b->out));
}

/* ---- commands and log ---------------------------------------------------- */

struct ulog *ucam_command(struct bus *b, int64_t t, const uint8_t *d,
			  size_t n)
{
	struct ucam *u = b->uc;
	struct ulog *e = &u->log[u->log_num % ULOG_CAP];
	struct ucmd *c;

	if (n > UCAM_CMD_MAX)
		n = UCAM_CMD_MAX;
	memset(e, 0, sizeof(*e));
	e->num = ++u->log_num;
	e->t = t;
	e->n = (uint8_t)n;
	memcpy(e->d, d, n);
	u->st[UC_CMDS]++;
	bus_trace_bytes(b, "rx", t, d, n);
	if (u->qhead && u->qhead == u->qn)
		u->qhead = u->qn = 0;
	if (u->qn == u->qcap) {
		u->qcap = u->qcap ? 2 * u->qcap : 8;
		u->q = xrealloc(u->q, u->qcap * sizeof(*u->q));
	}
	c = &u->q[u->qn++];
	c->tc = t;
	c->lognum = e->num;
	c->n = (uint8_t)n;
	memcpy(c->d, d, n);
	e->status = -1;		/* not handled yet */
	return e;
}

void ucam_log_status(struct ucam *u, uint64_t lognum, int status)
{
	if (lognum && lognum + ULOG_CAP > u->log_num)
		u->log[(lognum - 1) % ULOG_CAP].status = status;
}

void ucam_queue_clear(struct ucam *u)
{
	u->st[UC_CMDS_LOST] += u->qn - u->qhead;
	u->qhead = u->qn = 0;
}

/* ---- frames ------------------------------------------------------------- */

struct urec *ucam_frame(struct bus *b, int64_t t, const uint8_t *jpeg,
			size_t n, unsigned int w, unsigned int h, int quality,
			const uint8_t *padded, size_t pn)
{
	struct ucam *u = b->uc;
	struct urec *r;
	char path[4096];

	if (u->nrec == u->reccap) {
		u->reccap = u->reccap ? 2 * u->reccap : 256;
		u->rec = xrealloc(u->rec, u->reccap * sizeof(*u->rec));
	}
	r = &u->rec[u->nrec++];
	memset(r, 0, sizeof(*r));
	r->num = ++u->frame_counter;
	r->w = w;
	r->h = h;
	r->quality = quality;
	r->size = (uint32_t)n;
	sha256_hex(jpeg, n, r->sha);
	if (padded) {
		r->padded = (uint32_t)pn;
		sha256_hex(padded, pn, r->psha);
	}
	r->t = t;
	u->st[UC_FRAMES]++;
	if (b->manifest) {
		struct sbuf l = { 0 };

		ucam_frame_line(&l, "frame", r);
		fputs(l.s, b->manifest);
		fflush(b->manifest);
		sbuf_free(&l);
	}
	if (b->save_dir) {
		snprintf(path, sizeof(path), "%s/%u.jpg", b->save_dir, r->num);
		write_file(path, jpeg, n);
	}
	bus_verbose(b, t, "frame %u: %ux%u, %zu bytes", r->num, w, h, n);
	return r;
}

const struct urec *ucam_find(const struct ucam *u, uint32_t num)
{
	for (size_t i = 0; i < u->nrec; i++)
		if (u->rec[i].num == num)
			return &u->rec[i];
	return NULL;
}

void ucam_frame_line(struct sbuf *out, const char *prefix,
		     const struct urec *r)
{
	sbuf_printf(out, "%s %u res=%ux%u quality=%d size=%u sha256=%s",
		    prefix, r->num, r->w, r->h, r->quality, r->size, r->sha);
	if (r->padded)
		sbuf_printf(out, " announced=%u announced_sha256=%s",
			    r->padded, r->psha);
	sbuf_printf(out, " captured_ns=%lld\n", (long long)r->t);
}

/* ---- the event loop ------------------------------------------------------ */

static const struct rx_event *rx_peek(struct bus *b)
{
	return uart_rx_peek(&b->uc->rx, &b->in, b->uc->rate,
			    b->gmode == GUEST_FOLLOW);
}

static int64_t cmd_time(const struct ucam *u)
{
	if (u->qhead == u->qn)
		return T_NEVER;
	return max64(u->q[u->qhead].tc, u->busy_until) + ms_ns(u->cmd_ms);
}

int64_t ucam_next_event(struct bus *b)
{
	struct ucam *u = b->uc;
	int64_t t = rx_peek(b)->t, v;

	v = u->ops->next_timer(b);
	if (v < t)
		t = v;
	v = cmd_time(u);
	return v < t ? v : t;
}

void ucam_step(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	const struct rx_event *ev = rx_peek(b);
	int64_t v;

	if (ev->t <= t) {
		struct rx_event e = *ev;
		uint8_t byte = e.byte;

		uart_rx_commit(&u->rx);
		if (!e.has_byte || !u->plugged)
			return;
		if (e.t < u->deaf_until) {
			u->st[UC_RX_JUNK_BYTES]++;
			return;
		}
		if (fault_hit(b, NULL, F_RXFLIP)) {
			byte ^= (uint8_t)(1u << prng_below(&b->prng, 8));
			b->fstat[F_RXFLIP]++;
		}
		u->ops->byte(b, byte, e.t);
	} else if ((v = u->ops->next_timer(b)) <= t) {
		u->ops->timer(b, v);
	} else if ((v = cmd_time(u)) <= t) {
		struct ucmd c = u->q[u->qhead++];

		u->ops->handle(b, &c, v);
	}
}

int64_t ucam_rx_cur(const struct bus *b)
{
	return b->uc->rx.cur;
}

/* ---- power and line ----------------------------------------------------- */

void ucam_unplug(struct bus *b)
{
	/* the camera runs on; its bytes go nowhere, the host's do not arrive */
	wave_cancel(&b->out, 0, b->now);
	b->uc->plugged = false;
}

void ucam_plug(struct bus *b)
{
	b->uc->plugged = true;
}

void ucam_restart(struct bus *b, bool cmd)
{
	struct ucam *u = b->uc;

	ucam_line_cut(b, b->now);
	ucam_queue_clear(u);
	u->st[UC_RESETS]++;
	u->ops->restart(b, b->now, cmd);
}

/* ---- control ------------------------------------------------------------- */

#define SET_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int ucam_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen)
{
	struct ucam *u = b->uc;
	unsigned long v;
	double d;

	if (!strcmp(key, "cmd-ms") || !strcmp(key, "boot-ms") ||
	    !strcmp(key, "capture-ms")) {
		if (parse_ms(val, &d))
			SET_ERR("%s is 0..600000 ms", key);
		*(key[0] == 'c' ? key[1] == 'm' ? &u->cmd_ms : &u->capture_ms :
				  &u->boot_ms) = d;
		return 0;
	}
	if (!strcmp(key, "detail")) {
		if (parse_ulong(val, 10, DETAIL_MAX, &v))
			SET_ERR("detail is 0..%d", DETAIL_MAX);
		u->detail = (int)v;
		return 0;
	}
	return u->ops->set(b, key, val, err, errlen);
}

static int since_arg(char **w, int nw, unsigned long *since,
		     struct sbuf *out)
{
	*since = 0;
	if (nw > 2 || (nw == 2 && (strncmp(w[1], "since=", 6) ||
				   parse_ulong(w[1] + 6, 0, 0xffffffffUL,
					       since)))) {
		sbuf_printf(out, "err usage: %s [since=N]\n", w[0]);
		return -1;
	}
	return 0;
}

int ucam_exec(struct bus *b, const char *line, char **w, int nw,
	      struct sbuf *out, struct ctl_wait *wt)
{
	struct ucam *u = b->uc;
	unsigned long v;
	char err[160];
	int r;

	(void)wt;
	if (!strcmp(w[0], "help")) {
		sbuf_printf(out, "%sok\n", u->ops->help);
	} else if (!strcmp(w[0], "status")) {
		if (nw != 1)
			sbuf_printf(out, "err usage: status\n");
		else
			u->ops->status(b, out);
	} else if (!strcmp(w[0], "set")) {
		if (nw != 3) {
			sbuf_printf(out, "err usage: set KEY VALUE\n");
		} else if (!strcmp(w[1], "verbose")) {
			b->verbose = strcmp(w[2], "0") != 0;
			sbuf_printf(out, "ok\n");
		} else if (!strcmp(w[1], "guest-rate")) {
			if (!strcmp(w[2], "unknown")) {
				bus_set_guest(b, GUEST_UNKNOWN, 0);
			} else if (!strcmp(w[2], "follow")) {
				bus_set_guest(b, GUEST_FOLLOW, 0);
			} else if (parse_ulong(w[2], 10, 4000000, &v) ||
				   v < 300) {
				sbuf_printf(out, "err bad rate (300..4000000)\n");
				return 0;
			} else {
				bus_set_guest(b, GUEST_KNOWN, (uint32_t)v);
			}
			sbuf_printf(out, "ok\n");
		} else if (ucam_set(b, w[1], w[2], err, sizeof(err))) {
			sbuf_printf(out, "err %s\n", err);
		} else {
			sbuf_printf(out, "ok\n");
		}
	} else if (!strcmp(w[0], "frames")) {
		size_t n = 0;

		if (since_arg(w, nw, &v, out))
			return 0;
		for (size_t i = 0; i < u->nrec; i++) {
			if (u->rec[i].num <= v)
				continue;
			ucam_frame_line(out, "frame", &u->rec[i]);
			n++;
		}
		sbuf_printf(out, "ok %zu\n", n);
	} else if (!strcmp(w[0], "frame")) {
		const struct urec *rr;

		if (nw != 2 || parse_ulong(w[1], 0, 0xffffffffUL, &v)) {
			sbuf_printf(out, "err usage: frame N\n");
			return 0;
		}
		rr = ucam_find(u, (uint32_t)v);
		if (rr)
			ucam_frame_line(out, "ok", rr);
		else
			sbuf_printf(out, "err no frame %lu\n", v);
	} else if (!strcmp(w[0], "log")) {
		uint64_t first, count = 0;

		if (nw == 2 && !strcmp(w[1], "clear")) {
			u->log_floor = u->log_num;
			sbuf_printf(out, "ok\n");
			return 0;
		}
		if (since_arg(w, nw, &v, out))
			return 0;
		first = u->log_floor + 1;
		if (u->log_num > ULOG_CAP && first < u->log_num - ULOG_CAP + 1)
			first = u->log_num - ULOG_CAP + 1;
		if (first <= v)
			first = v + 1;
		for (uint64_t k = first; k <= u->log_num; k++, count++)
			u->ops->log_line(out, &u->log[(k - 1) % ULOG_CAP]);
		sbuf_printf(out, "ok %llu\n", (unsigned long long)count);
	} else if (!strcmp(w[0], "reset")) {
		if (fault_apply_spec(b, line + strspn(line, " \t"), err,
				     sizeof(err)))
			sbuf_printf(out, "err %s\n", err);
		else
			sbuf_printf(out, "ok\n");
	} else if (!strcmp(w[0], "stats") && nw == 2 &&
		   !strcmp(w[1], "clear") && u->ops->stats_clear) {
		u->ops->stats_clear(b);
		return -1;	/* and the common counters */
	} else if ((r = u->ops->exec(b, w, nw, out)) >= 0) {
		return r;
	} else {
		return -1;
	}
	return 0;
}

void ucam_stats(struct bus *b, struct sbuf *out)
{
	sbuf_printf(out, "stat rx_bytes %llu\nstat tx_bytes %llu\n",
		    (unsigned long long)b->stat[ST_RX_BYTES],
		    (unsigned long long)b->stat[ST_TX_BYTES]);
	for (int i = 0; i < UC_N; i++)
		sbuf_printf(out, "stat %s %llu\n", ucstat_names[i],
			    (unsigned long long)b->uc->st[i]);
	if (b->uc->ops->stats)
		b->uc->ops->stats(b, out);
}
