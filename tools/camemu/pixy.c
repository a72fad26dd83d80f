// SPDX-License-Identifier: GPL-2.0
/*
 * The Pixy (CMUcam5) camera on its UART (shared/protocols/pixy.md); see
 * pixy.h for the timing model and README.md for the choices made where
 * the page is silent.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "pixy.h"
#include "stream.h"
#include "util.h"

const char *const pixy_state_names[PQ_N] = {
	[PQ_OK] = "intact",		[PQ_BADSUM] = "badsum",
	[PQ_BYTEFLIP] = "byteflip",	[PQ_DROP] = "drop",
	[PQ_GARBAGE] = "garbage",	[PQ_SLIP] = "slip",
	[PQ_UNPLUGGED] = "unplugged",	[PQ_DROPPED] = "dropped",
};

const char *const pixy_mark_names[PQ_N] = {
	[PQ_OK] = "ok",			[PQ_BADSUM] = "badsum",
	[PQ_BYTEFLIP] = "byteflip",	[PQ_DROP] = "drop",
	[PQ_GARBAGE] = "garbage",	[PQ_SLIP] = "slip",
	[PQ_UNPLUGGED] = "unplugged",	[PQ_DROPPED] = "unsent",
};

const char *const pxstat_names[PX_N] = {
	[PX_FRAMES_DETECTED] = "frames_detected",
	[PX_FRAMES_SENT] = "frames_sent",
	[PX_FRAMES_INTACT] = "frames_intact",
	[PX_FRAMES_SPOILED] = "frames_spoiled",
	[PX_FRAMES_DROPPED] = "frames_dropped",
	[PX_FRAMES_LISTED] = "frames_listed",
	[PX_BLOCKS_SENT] = "blocks_sent",
	[PX_BLOCKS_SPOILED] = "blocks_spoiled",
	[PX_EMPTY_FRAMES] = "empty_frames",
	[PX_ZERO_WORDS] = "zero_words",
	[PX_CMDS] = "cmds",
	[PX_CMDS_SERVO] = "cmds_servo",
	[PX_CMDS_BRIGHTNESS] = "cmds_brightness",
	[PX_CMDS_LED] = "cmds_led",
	[PX_CMDS_BADVALUE] = "cmds_badvalue",
	[PX_RX_JUNK_BYTES] = "rx_junk_bytes",
};

#define SERVO_MAX	1000
#define MAX_FRAME_BYTES	(4 + PIXY_MAX_OBJ * 16 + 2 * PIXY_MAX_ZEROS)

struct pixy *pixy_new(int64_t t0)
{
	struct pixy *p = xcalloc(1, sizeof(*p));

	p->rate = 19200;
	p->fps = 50;
	p->objects = 6;
	p->scene_seed = 1;
	p->max_blocks = PIXY_MAX_OBJ;
	p->zeros = 2;
	p->pan = p->tilt = 500;
	p->brightness = 80;
	p->plugged = true;
	p->cap_t0 = t0;
	p->cap_k0 = 1;
	p->free_t = t0;
	p->run_t0 = t0;
	p->run_rate = p->rate;
	p->cur = SIZE_MAX;
	p->last_byte = 0xff;
	uart_rx_init(&p->rx, t0);
	p->log = xcalloc(PLOG_CAP, sizeof(*p->log));
	return p;
}

void pixy_free(struct pixy *p)
{
	if (!p)
		return;
	free(p->bt);
	free(p->bo);
	free(p->rec);
	free(p->blk);
	free(p->log);
	free(p);
}

/* ---- the scene ---------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* v folded into lo..hi, back and forth (a bouncing coordinate) */
static int bounce(int64_t v, int lo, int hi)
{
	int64_t span = hi - lo, m;

	if (span <= 0)
		return lo;
	m = v % (2 * span);
	if (m < 0)
		m += 2 * span;
	return lo + (int)(m <= span ? m : 2 * span - m);
}

uint16_t pixy_checksum(const struct pblock *k)
{
	uint16_t s = (uint16_t)(k->sig + k->x + k->y + k->w + k->h);

	if (k->cc)
		s = (uint16_t)(s + (uint16_t)k->angle);
	return s;
}

/* Clip a centre and size to 0..lim-1; false when nothing is left. */
static bool clip(int c, int size, int lim, uint16_t *oc, uint16_t *os)
{
	int lo = c - size / 2, hi = lo + size - 1;

	if (lo < 0)
		lo = 0;
	if (hi > lim - 1)
		hi = lim - 1;
	if (hi < lo)
		return false;
	*oc = (uint16_t)((lo + hi) / 2);
	*os = (uint16_t)(hi - lo + 1);
	return true;
}

unsigned int pixy_scene(const struct pixy *p, uint32_t n, struct pblock *out)
{
	unsigned int cnt = 0;

	if (n % PIXY_EMPTY_EVERY == 0)
		return 0;
	for (unsigned int i = 0; i < p->objects && i < PIXY_MAX_OBJ; i++) {
		uint64_t h1 = mix64(p->scene_seed * 0x100000001b3ULL + i + 1);
		uint64_t h2 = mix64(h1), h3 = mix64(h2);
		unsigned int period = 30 + (unsigned int)(h1 % 71);
		unsigned int gap = 3 + (unsigned int)((h1 >> 8) % (period / 3));
		unsigned int phase = (unsigned int)((h1 >> 16) % period);
		int w = 6 + (int)(h2 % 70), h = 6 + (int)((h2 >> 8) % 60);
		int vx = 1 + (int)(h3 % 6), vy = 1 + (int)((h3 >> 8) % 4);
		int x0 = (int)((h3 >> 16) % 1000), y0 = (int)((h3 >> 26) % 1000);
		struct pblock k = { 0 };
		int cx, cy;

		if ((n + phase) % period >= period - gap)
			continue;	/* out of sight for a while */
		w += bounce((int64_t)n * (1 + (int)((h2 >> 16) % 3)), 0, 12);
		h += bounce((int64_t)n * (1 + (int)((h2 >> 20) % 3)), 0, 12);
		/* a little past the edges now and then: clipped boxes */
		cx = bounce(x0 + (int64_t)vx * n, -w / 4, PIXY_W - 1 + w / 4);
		cy = bounce(y0 + (int64_t)vy * n, -h / 4, PIXY_H - 1 + h / 4);
		if (!clip(cx, w, PIXY_W, &k.x, &k.w) ||
		    !clip(cy, h, PIXY_H, &k.y, &k.h))
			continue;
		k.cc = i % 3 == 2;
		if (k.cc) {
			/* a colour code: 2 or 3 signatures 1..7, octal digits */
			unsigned int d = 2 + (unsigned int)((h3 >> 36) % 2);
			uint64_t r = h3 >> 40;

			for (unsigned int j = 0; j < d; j++, r /= 7)
				k.sig = (uint16_t)(k.sig * 8 + 1 + r % 7);
			k.angle = (int16_t)((int)(((h2 >> 24) % 361 +
						   (uint64_t)(1 + (h2 >> 40) % 9) * n) % 361) - 180);
			/* a checksum of 0 would read as a zero word */
			if (!pixy_checksum(&k))
				k.angle = (int16_t)(k.angle < 180 ? k.angle + 1 :
						   k.angle - 1);
		} else {
			k.sig = (uint16_t)(1 + (h3 >> 36) % 7);
		}
		/* largest first; equal areas in object order (insertion sort) */
		{
			unsigned int j = cnt;
			unsigned int area = (unsigned int)k.w * k.h;

			while (j > 0 && (unsigned int)out[j - 1].w * out[j - 1].h < area) {
				out[j] = out[j - 1];
				j--;
			}
			out[j] = k;
			cnt++;
		}
	}
	return cnt < p->max_blocks ? cnt : p->max_blocks;
}

/* ---- frame bytes -------------------------------------------------------- */

static size_t put16(uint8_t *o, size_t n, size_t max, uint16_t v)
{
	if (n + 2 <= max) {
		o[n] = (uint8_t)v;
		o[n + 1] = (uint8_t)(v >> 8);
	}
	return n + 2;
}

/*
 * The bytes of a frame with the owner of each (-1 header, block index,
 * nb trailer) and whether it is a sync byte; @sums: the checksums to send.
 */
static size_t lay_out(const struct pixy *p, const struct pblock *k,
		      unsigned int nb, const uint16_t *sums, uint8_t *o,
		      int16_t *own, bool *sync, size_t max)
{
	size_t n = 0, m;
	unsigned int nz = 0;

#define OWN(from, who, s)						\
	do {								\
		for (size_t q_ = (from); q_ < n && q_ < max; q_++) {	\
			if (own)					\
				own[q_] = (int16_t)(who);		\
			if (sync)					\
				sync[q_] = (s);				\
		}							\
	} while (0)
	n = put16(o, n, max, PIXY_SYNC);
	OWN(0, -1, true);
	for (unsigned int i = 0; i < nb; i++) {
		m = n;
		n = put16(o, n, max, k[i].cc ? PIXY_SYNC_CC : PIXY_SYNC);
		OWN(m, i, true);
		m = n;
		n = put16(o, n, max, sums ? sums[i] : pixy_checksum(&k[i]));
		n = put16(o, n, max, k[i].sig);
		n = put16(o, n, max, k[i].x);
		n = put16(o, n, max, k[i].y);
		n = put16(o, n, max, k[i].w);
		n = put16(o, n, max, k[i].h);
		if (k[i].cc)
			n = put16(o, n, max, (uint16_t)k[i].angle);
		OWN(m, i, false);
	}
	if (!nb) {
		/* "a frame with no objects is just its sync words" */
		m = n;
		n = put16(o, n, max, PIXY_SYNC);
		OWN(m, -1, true);
	}
	if (!nb || p->zeros_all)
		nz = p->zeros;
	m = n;
	for (unsigned int i = 0; i < nz; i++)
		n = put16(o, n, max, 0);
	OWN(m, nb, false);
#undef OWN
	return n;
}

size_t pixy_frame_bytes(const struct pixy *p, const struct pblock *k,
			unsigned int nb, uint8_t *out, size_t max)
{
	return lay_out(p, k, nb, NULL, out, NULL, NULL, max);
}

/* ---- the detection clock and the writer --------------------------------- */

static int64_t ready_time(const struct pixy *p, int64_t k)
{
	return cap_clock_time(p->cap_t0, p->cap_k0, p->fps, k);
}

static uint32_t newest(const struct pixy *p, int64_t t)
{
	return cap_clock_newest(p->cap_t0, p->cap_k0, p->fps, t);
}

static int64_t slot_time(const struct pixy *p, uint64_t k)
{
	return p->run_t0 + (int64_t)((__int128)k * 10 * NS_PER_S /
				     p->run_rate);
}

/* When the writer, idle, starts its next frame. */
static int64_t next_start(const struct pixy *p)
{
	int64_t t = ready_time(p, (int64_t)p->last + 1);

	return t > p->free_t ? t : p->free_t;
}

static struct pframe_rec *new_rec(struct pixy *p, uint32_t num,
				  const struct pblock *k, unsigned int nb)
{
	struct pframe_rec *r;

	if (p->nrec == p->reccap) {
		p->reccap = p->reccap ? 2 * p->reccap : 256;
		p->rec = xrealloc(p->rec, p->reccap * sizeof(*p->rec));
	}
	while (p->nblk + nb > p->blkcap) {
		p->blkcap = p->blkcap ? 2 * p->blkcap : 1024;
		p->blk = xrealloc(p->blk, p->blkcap * sizeof(*p->blk));
	}
	r = &p->rec[p->nrec++];
	memset(r, 0, sizeof(*r));
	r->num = num;
	r->t_ready = ready_time(p, num);
	r->nb = (uint16_t)nb;
	r->b0 = (uint32_t)p->nblk;
	memcpy(p->blk + p->nblk, k, nb * sizeof(*k));
	p->nblk += nb;
	p->st[PX_FRAMES_DETECTED]++;
	return r;
}

/* Frame @num could not start before a newer one: dropped on the camera. */
static void drop_frame(struct bus *b, uint32_t num, int64_t t)
{
	struct pixy *p = b->pixy;
	struct pblock k[PIXY_MAX_OBJ] = { 0 };
	unsigned int nb = pixy_scene(p, num, k);
	struct pframe_rec *r;

	for (unsigned int i = 0; i < nb; i++)
		k[i].mark = PQ_DROPPED;
	r = new_rec(p, num, k, nb);
	r->state = PQ_DROPPED;
	r->t0 = r->t1 = -1;
	r->t_pub = t;
	p->st[PX_FRAMES_DROPPED]++;
}

static void mark(struct pixy *p, struct pframe_rec *r, int who, enum pq q)
{
	if (r->state == PQ_OK)
		r->state = (uint8_t)q;
	if (who >= 0 && who < r->nb && p->blk[r->b0 + who].mark == PQ_OK)
		p->blk[r->b0 + who].mark = (uint8_t)q;
}

/*
 * What a damaged byte at index @i does to the blocks a reader following
 * pixy.md can still get: a block whose data or checksum is hit fails its
 * checksum alone; a hit sync word loses that block and the rest of the
 * frame (no two syncs in a row before the next frame); a hit frame start
 * loses the whole frame; so does every later block after a lost or
 * added byte (@shift: the stream is off from there on).
 */
static void spoil(struct pixy *p, struct pframe_rec *r, const int16_t *own,
		  const bool *sync, size_t i, enum pq q, bool shift)
{
	int from = own[i], to = own[i];

	if (from < 0) {
		from = 0;
		to = r->nb - 1;
		if (r->state == PQ_OK)
			r->state = (uint8_t)q;
	} else if (shift || sync[i]) {
		to = r->nb - 1;
	}
	if (r->state == PQ_OK)
		r->state = (uint8_t)q;
	for (int j = from; j <= to; j++)
		mark(p, r, j, q);
}

static bool hit(struct bus *b, enum fault_kind k)
{
	struct fault *f = fault_find(b, NULL, k);

	return f && f->p > 0 && prng_unit(&b->prng) < f->p;
}

/* A checksum that is wrong and still no sync word, 0x55AA or zero word. */
static uint16_t bad_sum(struct bus *b, uint16_t good)
{
	uint16_t v;

	do
		v = (uint16_t)(good + 1 + prng_below(&b->prng, 0xfffe));
	while (v == good || v == 0 || v == PIXY_SYNC || v == PIXY_SYNC_CC ||
	       v == PIXY_SYNC_X);
	return v;
}

static void start_frame(struct bus *b, uint32_t num, int64_t t)
{
	struct pixy *p = b->pixy;
	struct pblock k[PIXY_MAX_OBJ] = { 0 };
	uint16_t sums[PIXY_MAX_OBJ] = { 0 };
	uint8_t wb[MAX_FRAME_BYTES], run[2 * MAX_FRAME_BYTES];
	int16_t own[MAX_FRAME_BYTES];
	bool sync[MAX_FRAME_BYTES];
	unsigned int nb = pixy_scene(p, num, k);
	size_t wn, stall_at = SIZE_MAX, slip_at = SIZE_MAX, rn = 0, ri;
	int slip_mode = 0;	/* 1 drop, 2 insert */
	int64_t stall_ns = 0;
	uint64_t slot, run_slot = 0;
	struct pframe_rec *r;
	struct fault *f;
	bool on_wire = false;

	for (unsigned int i = 0; i < nb; i++) {
		sums[i] = pixy_checksum(&k[i]);
		f = fault_find(b, NULL, F_BADSUM);
		if (f) {
			sums[i] = bad_sum(b, sums[i]);
			k[i].mark = PQ_BADSUM;
			b->fstat[F_BADSUM]++;
			fault_use(b, f);
		}
	}
	ri = p->nrec;
	r = new_rec(p, num, k, nb);
	for (unsigned int i = 0; i < nb; i++)
		if (k[i].mark == PQ_BADSUM && r->state == PQ_OK)
			r->state = PQ_BADSUM;
	wn = lay_out(p, k, nb, sums, wb, own, sync, sizeof(wb));
	p->st[PX_FRAMES_SENT]++;
	p->st[PX_BLOCKS_SENT] += nb;
	if (!nb)
		p->st[PX_EMPTY_FRAMES]++;
	p->st[PX_ZERO_WORDS] += (unsigned int)(!nb || p->zeros_all) * p->zeros;

	f = fault_find(b, NULL, F_SLIP);
	if (f) {
		slip_at = prng_below(&b->prng, (uint32_t)wn);
		slip_mode = f->value_set ? (int)f->value :
			    1 + (int)prng_below(&b->prng, 2);
		b->fstat[F_SLIP]++;
		fault_use(b, f);
	}
	f = fault_find(b, NULL, F_STALL);
	if (f) {
		stall_at = wn / 2;
		stall_ns = (int64_t)f->value * 1000000;
		b->fstat[F_STALL]++;
		fault_use(b, f);
	}

	/* back to back with the previous frame: the same run goes on */
	if (t != p->free_t || p->run_rate != p->rate) {
		p->run_t0 = t;
		p->run_k = 0;
		p->run_rate = p->rate;
	}
	p->bn = 0;
	if (p->bcap < 2 * wn + 2) {
		p->bcap = 2 * wn + 2;
		p->bt = xrealloc(p->bt, p->bcap * sizeof(*p->bt));
		p->bo = xrealloc(p->bo, p->bcap * sizeof(*p->bo));
	}
	slot = p->run_k;
#define FLUSH()								\
	do {								\
		if (rn)							\
			wave_append(&b->out, slot_time(p, run_slot),	\
				    p->run_rate, 0, run, rn);		\
		rn = 0;							\
	} while (0)
#define EMIT(v, who)							\
	do {								\
		if (!rn)						\
			run_slot = slot;				\
		run[rn++] = (v);					\
		if (!on_wire)						\
			r->t0 = slot_time(p, slot);			\
		on_wire = true;						\
		r->t1 = slot_time(p, slot + 1);				\
		p->bt[p->bn] = slot_time(p, slot);			\
		p->bo[p->bn++] = (int16_t)(who);			\
		slot++;							\
	} while (0)
	for (size_t i = 0; i < wn; i++) {
		uint8_t v = wb[i];

		if (i == stall_at) {
			FLUSH();
			p->run_t0 = slot_time(p, slot) + stall_ns;
			p->run_k = slot = 0;
		}
		if (i == slip_at) {
			spoil(p, r, own, sync, i, PQ_SLIP, true);
			if (slip_mode == 1)
				continue;	/* gone: no time, one byte short */
			if (p->plugged)
				EMIT((uint8_t)prng_below(&b->prng, 256), own[i]);
			else
				slot++;
		}
		if (!p->plugged) {
			spoil(p, r, own, sync, i, PQ_UNPLUGGED, false);
			FLUSH();
			slot++;
			continue;
		}
		if (hit(b, F_DROP)) {
			b->fstat[F_DROP]++;
			spoil(p, r, own, sync, i, PQ_DROP, true);
			FLUSH();
			slot++;
		} else {
			if (hit(b, F_BYTEFLIP)) {
				v ^= (uint8_t)(1u << prng_below(&b->prng, 8));
				b->fstat[F_BYTEFLIP]++;
				spoil(p, r, own, sync, i, PQ_BYTEFLIP, false);
			}
			EMIT(v, own[i]);
		}
		if (hit(b, F_GARBAGE)) {
			/* between two bytes of the frame it shifts the rest */
			int64_t t1 = r->t1;

			b->fstat[F_GARBAGE]++;
			if (i + 1 < wn)
				spoil(p, r, own, sync, i + 1, PQ_GARBAGE, true);
			EMIT((uint8_t)prng_below(&b->prng, 256), own[i]);
			if (i + 1 == wn)
				r->t1 = t1;	/* junk after the frame */
		}
	}
	FLUSH();
#undef FLUSH
#undef EMIT
	p->run_k = slot;
	p->free_t = slot_time(p, slot);
	if (!on_wire) {
		/* nothing reached the wire */
		r->t0 = r->t1 = -1;
		r->t_pub = p->free_t;
	} else {
		r->t_pub = r->t1 > p->free_t ? r->t1 : p->free_t;
	}
	p->cur = ri;
	p->last = num;
	bus_verbose(b, t, "frame %u starts: %u blocks, %zu bytes%s", num, nb,
		    wn, r->state != PQ_OK ? " (faulty)" : "");
}

static void publish(struct bus *b, struct pframe_rec *r)
{
	struct pixy *p = b->pixy;

	if (p->cur == (size_t)(r - p->rec))
		p->cur = SIZE_MAX;
	p->st[PX_FRAMES_LISTED]++;
	if (r->state != PQ_DROPPED) {
		p->st[r->state == PQ_OK ? PX_FRAMES_INTACT :
		      PX_FRAMES_SPOILED]++;
		for (unsigned int i = 0; i < r->nb; i++)
			if (p->blk[r->b0 + i].mark != PQ_OK)
				p->st[PX_BLOCKS_SPOILED]++;
	}
	if (b->manifest) {
		struct sbuf l = { 0 };

		pixy_frame_line(&l, "frame", p, r);
		fputs(l.s, b->manifest);
		fflush(b->manifest);
		sbuf_free(&l);
	}
	bus_verbose(b, r->t_pub, "frame %u %s, %u blocks", r->num,
		    pixy_state_names[r->state], r->nb);
}

/* ---- the receiver: commands ------------------------------------------------ */

static const struct rx_event *rx_peek(struct bus *b)
{
	return uart_rx_peek(&b->pixy->rx, &b->in, b->pixy->rate,
			    b->gmode == GUEST_FOLLOW);
}

static void command(struct bus *b, int64_t t)
{
	struct pixy *p = b->pixy;
	struct pcmd *c = &p->log[p->log_num % PLOG_CAP];

	memset(c, 0, sizeof(*c));
	c->num = ++p->log_num;
	c->t = t;
	c->type = p->cbuf[1];
	c->n = (uint8_t)p->cn;
	memcpy(c->d, p->cbuf, p->cn);
	c->ok = true;
	p->st[PX_CMDS]++;
	if (c->type == 0xff) {
		unsigned int s0 = get_le(c->d + 2, 2), s1 = get_le(c->d + 4, 2);

		p->st[PX_CMDS_SERVO]++;
		/* a position past 1000 is refused; the other servo moves */
		if (s0 <= SERVO_MAX)
			p->pan = (uint16_t)s0;
		if (s1 <= SERVO_MAX)
			p->tilt = (uint16_t)s1;
		c->ok = s0 <= SERVO_MAX && s1 <= SERVO_MAX;
		if (!c->ok)
			p->st[PX_CMDS_BADVALUE]++;
	} else if (c->type == 0xfe) {
		p->st[PX_CMDS_BRIGHTNESS]++;
		p->brightness = c->d[2];
	} else {
		p->st[PX_CMDS_LED]++;
		memcpy(p->led, c->d + 2, 3);
	}
	{
		struct sbuf l = { 0 };

		if (b->verbose) {
			pixy_log_line(&l, c);
			l.s[l.len - 1] = 0;
			bus_verbose(b, t, "%s", l.s);
		}
		sbuf_free(&l);
	}
}

/*
 * The firmware's receive loop: a two-byte window finds 00 FF (servos,
 * 4 bytes follow), 00 FE (brightness, 1) or 00 FD (LED, 3); the data
 * bytes are taken as they come, with no timeout; after a command the
 * window starts afresh.
 */
static void rx_byte(struct bus *b, uint8_t v, int64_t t)
{
	struct pixy *p = b->pixy;

	if (fault_hit(b, NULL, F_RXFLIP)) {
		v ^= (uint8_t)(1u << prng_below(&b->prng, 8));
		b->fstat[F_RXFLIP]++;
	}
	if (p->cwant) {
		p->cbuf[p->cn++] = v;
		if (p->cn == p->cwant) {
			command(b, t);
			p->cwant = p->cn = 0;
			p->last_byte = 0xff;
		}
		return;
	}
	if (p->last_byte == 0x00 && v >= 0xfd) {
		if (p->st[PX_RX_JUNK_BYTES])	/* the 00 was a command's */
			p->st[PX_RX_JUNK_BYTES]--;
		p->cbuf[0] = 0;
		p->cbuf[1] = v;
		p->cn = 2;
		p->cwant = v == 0xff ? 6 : v == 0xfe ? 3 : 5;
		return;
	}
	p->st[PX_RX_JUNK_BYTES]++;	/* until a command claims it */
	p->last_byte = v;
}

/* ---- the event loop ------------------------------------------------------- */

int64_t pixy_next_event(struct bus *b)
{
	struct pixy *p = b->pixy;
	int64_t t = rx_peek(b)->t, u;

	if (p->npub < p->nrec && p->rec[p->npub].t_pub < t)
		t = p->rec[p->npub].t_pub;
	u = next_start(p);
	return u < t ? u : t;
}

void pixy_step(struct bus *b, int64_t t)
{
	struct pixy *p = b->pixy;
	const struct rx_event *ev = rx_peek(b);
	int64_t u;

	/* one thing at a time, the host's byte first */
	if (ev->t <= t) {
		struct rx_event e = *ev;

		uart_rx_commit(&p->rx);
		if (e.has_byte && p->plugged)
			rx_byte(b, e.byte, e.t);
	} else if (p->npub < p->nrec && p->rec[p->npub].t_pub <= t) {
		publish(b, &p->rec[p->npub++]);
	} else if ((u = next_start(p)) <= t) {
		uint32_t k = newest(p, u), n = p->last + 1;

		if (k < n)
			k = n;
		for (; n < k; n++)
			drop_frame(b, n, u);
		start_frame(b, k, u);
	}
}

int64_t pixy_rx_cur(const struct bus *b)
{
	return b->pixy->rx.cur;
}

/* ---- line ------------------------------------------------------------------- */

void pixy_unplug(struct bus *b)
{
	struct pixy *p = b->pixy;

	/* bytes not started yet go nowhere; the camera runs on */
	wave_cancel(&b->out, 0, b->now);
	p->plugged = false;
	if (p->cur != SIZE_MAX && p->cur >= p->npub) {
		struct pframe_rec *r = &p->rec[p->cur];
		bool any = false;

		for (size_t i = 0; i < p->bn; i++) {
			int who = p->bo[i];

			if (p->bt[i] < b->now) {
				any = true;
				continue;
			}
			if (r->state == PQ_OK)
				r->state = PQ_UNPLUGGED;
			if (who < 0)
				who = 0;
			for (int j = who; j < r->nb; j++)
				mark(p, r, j, PQ_UNPLUGGED);
		}
		if (any)
			r->t1 = wave_end(&b->out);	/* the last byte kept */
		else
			r->t0 = r->t1 = -1;
	}
	p->cur = SIZE_MAX;
}

void pixy_plug(struct bus *b)
{
	b->pixy->plugged = true;
}

/* ---- settings ----------------------------------------------------------------- */

#define SET_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int pixy_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen)
{
	struct pixy *p = b->pixy;
	unsigned long v;

	if (!strcmp(key, "rate")) {
		if (parse_ulong(val, 0, PIXY_MAX_RATE, &v) || v < 300)
			SET_ERR("bad rate (300..%d)", PIXY_MAX_RATE);
		p->rate = (uint32_t)v;
	} else if (!strcmp(key, "fps")) {
		double fps;

		if (stream_parse_fps(val, &fps))
			SET_ERR("bad fps (%g..%g)", FPS_MIN, FPS_MAX);
		cap_clock_set_fps(&p->cap_t0, &p->cap_k0, &p->fps, fps,
				  b->now);
	} else if (!strcmp(key, "objects")) {
		if (parse_ulong(val, 0, PIXY_MAX_OBJ, &v))
			SET_ERR("bad object count (0..%d)", PIXY_MAX_OBJ);
		p->objects = (unsigned int)v;
	} else if (!strcmp(key, "scene-seed") || !strcmp(key, "seed")) {
		if (parse_ulong(val, 0, (unsigned long)-1, &v))
			SET_ERR("bad seed");
		p->scene_seed = v;
	} else if (!strcmp(key, "max-blocks")) {
		if (parse_ulong(val, 0, PIXY_MAX_OBJ, &v))
			SET_ERR("bad max-blocks (0..%d)", PIXY_MAX_OBJ);
		p->max_blocks = (unsigned int)v;
	} else if (!strcmp(key, "zeros")) {
		if (parse_ulong(val, 0, PIXY_MAX_ZEROS, &v))
			SET_ERR("bad zeros (0..%d words)", PIXY_MAX_ZEROS);
		p->zeros = (unsigned int)v;
	} else if (!strcmp(key, "zeros-after")) {
		if (strcmp(val, "empty") && strcmp(val, "all"))
			SET_ERR("zeros-after empty|all");
		p->zeros_all = val[0] == 'a';
	} else {
		SET_ERR("unknown key '%s'", key);
	}
	return 0;
}

void pixy_status(struct bus *b, struct sbuf *out)
{
	struct pixy *p = b->pixy;

	sbuf_printf(out,
		    "ok family=pixy rate=%u guest=%u plugged=%d writing=%d pan=%u tilt=%u brightness=%u led=%u,%u,%u cmds=%llu frames=%zu last=%u detected=%u fps=%g objects=%u scene-seed=%llu max-blocks=%u zeros=%u zeros-after=%s\n",
		    p->rate, b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    p->plugged, p->free_t > b->now || p->npub < p->nrec,
		    p->pan, p->tilt, p->brightness, p->led[0], p->led[1],
		    p->led[2], (unsigned long long)p->st[PX_CMDS], p->npub,
		    p->last, newest(p, b->now), p->fps, p->objects,
		    (unsigned long long)p->scene_seed, p->max_blocks, p->zeros,
		    p->zeros_all ? "all" : "empty");
}

/* ---- records ------------------------------------------------------------------ */

const struct pframe_rec *pixy_frame(const struct pixy *p, uint32_t num)
{
	size_t lo = 0, hi = p->npub;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->rec[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->npub && p->rec[lo].num == num ? &p->rec[lo] : NULL;
}

void pixy_frame_line(struct sbuf *out, const char *prefix,
		     const struct pixy *p, const struct pframe_rec *r)
{
	sbuf_printf(out, "%s %u ready_ns=%lld start_ns=%lld end_ns=%lld state=%s blocks=%u",
		    prefix, r->num, (long long)r->t_ready, (long long)r->t0,
		    (long long)r->t1, pixy_state_names[r->state], r->nb);
	for (unsigned int i = 0; i < r->nb; i++) {
		const struct pblock *k = &p->blk[r->b0 + i];

		sbuf_printf(out, " b=%u,%u,%u,%u,%u,%d,%d,%s", k->sig, k->x,
			    k->y, k->w, k->h, k->angle, k->cc,
			    pixy_mark_names[k->mark]);
	}
	sbuf_add(out, "\n", 1);
}

void pixy_log_line(struct sbuf *out, const struct pcmd *c)
{
	sbuf_printf(out, "cmd %llu t=%lld ", (unsigned long long)c->num,
		    (long long)c->t);
	if (c->type == 0xff)
		sbuf_printf(out, "servo pan=%u tilt=%u", get_le(c->d + 2, 2),
			    get_le(c->d + 4, 2));
	else if (c->type == 0xfe)
		sbuf_printf(out, "brightness value=%u", c->d[2]);
	else
		sbuf_printf(out, "led r=%u g=%u b=%u", c->d[2], c->d[3],
			    c->d[4]);
	sbuf_printf(out, " ok=%d bytes=", c->ok);
	for (int i = 0; i < c->n; i++)
		sbuf_printf(out, "%02x", c->d[i]);
	sbuf_add(out, "\n", 1);
}
