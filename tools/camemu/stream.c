// SPDX-License-Identifier: GPL-2.0
/*
 * The stream camera: an OpenMV script writing JPEG frames to its UART
 * (openmv.md part 1); see stream.h for the timing model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "stream.h"
#include "util.h"

const char *const framing_names[FRAMING_N] = {
	[FRAMING_JPEG] = "jpeg",
	[FRAMING_MARKERS] = "markers",
	[FRAMING_LENGTH] = "length",
};

const char *const fstate_names[FS_N] = {
	[FS_INTACT] = "intact",		[FS_TRUNCATED] = "truncated",
	[FS_HUGELEN] = "hugelen",	[FS_BADMARKER] = "badmarker",
	[FS_BYTEFLIP] = "byteflip",	[FS_DROP] = "drop",
	[FS_GARBAGE] = "garbage",	[FS_UNPLUGGED] = "unplugged",
};

const char *const sstat_names[SS_N] = {
	[SS_FRAMES_STARTED] = "frames_started",
	[SS_FRAMES_WRITTEN] = "frames_written",
	[SS_FRAMES_INTACT] = "frames_intact",
	[SS_FRAMES_SPOILED] = "frames_spoiled",
	[SS_FRAMES_SKIPPED] = "frames_skipped",
	[SS_FRAMES_VOID] = "frames_void",
	[SS_STREAM_BYTES] = "stream_bytes",
	[SS_JUNK_BYTES] = "junk_bytes",
};

#define DEFAULT_HUGELEN	0x7fffffffu

struct stream *stream_new(int64_t t0)
{
	struct stream *s = xcalloc(1, sizeof(*s));

	s->rate = 115200;
	s->fps = 10;
	s->w = 640;
	s->h = 480;
	s->framing = FRAMING_JPEG;
	stream_parse_marker("____start____", s->smark, &s->slen);
	stream_parse_marker("____end____", s->emark, &s->elen);
	s->detail = DETAIL_DEFAULT;
	s->quality = 80;
	s->streaming = true;
	s->plugged = true;
	s->cap_t0 = t0;
	s->cap_k0 = 1;
	s->next_min = 1;
	s->free_t = t0;
	s->run_t0 = t0;
	s->run_rate = s->rate;
	return s;
}

static void cur_free(struct stream_cur *c)
{
	image_free(&c->img);
	free(c->wb);
	memset(c, 0, sizeof(*c));
}

void stream_free(struct stream *s)
{
	if (!s)
		return;
	cur_free(&s->cur);
	free(s->run);
	free(s->rec);
	free(s);
}

/* ---- the capture clock ------------------------------------------------ */

int64_t cap_clock_time(int64_t t0, uint32_t k0, double fps, int64_t k)
{
	return t0 + llround((double)(k - (int64_t)k0) * 1e9 / fps);
}

uint32_t cap_clock_newest(int64_t t0, uint32_t k0, double fps, int64_t t)
{
	int64_t k;

	if (t < t0)
		return k0 - 1;
	k = k0 + (int64_t)floor((double)(t - t0) * fps / 1e9);
	while (cap_clock_time(t0, k0, fps, k + 1) <= t)
		k++;
	while (k >= k0 && cap_clock_time(t0, k0, fps, k) > t)
		k--;
	return (uint32_t)k;
}

void cap_clock_set_fps(int64_t *t0, uint32_t *k0, double *fps, double nfps,
		       int64_t now)
{
	uint32_t j = cap_clock_newest(*t0, *k0, *fps, now) + 1;
	int64_t t = cap_clock_time(*t0, *k0, *fps, (int64_t)j - 1);

	/* the next capture comes 1/fps after the last one (or now) */
	*fps = nfps;
	t += llround(1e9 / nfps);
	*t0 = t > now ? t : now;
	*k0 = j;
}

static int64_t cap_time(const struct stream *s, int64_t k)
{
	return cap_clock_time(s->cap_t0, s->cap_k0, s->fps, k);
}

uint32_t stream_newest(const struct stream *s, int64_t t)
{
	return cap_clock_newest(s->cap_t0, s->cap_k0, s->fps, t);
}

void stream_set_fps(struct bus *b, double fps)
{
	struct stream *s = b->stream;

	cap_clock_set_fps(&s->cap_t0, &s->cap_k0, &s->fps, fps, b->now);
}

void stream_set_streaming(struct bus *b, bool on)
{
	struct stream *s = b->stream;

	if (on && !s->streaming && !s->busy) {
		s->next_min = stream_newest(s, b->now) + 1;
		s->follow = false;
	}
	s->streaming = on;
}

bool stream_writing(const struct bus *b)
{
	const struct stream *s = b->stream;

	return s->busy || s->npub < s->nrec || wave_end(&b->out) > b->now;
}

void stream_unplug(struct bus *b)
{
	b->stream->plugged = false;
}

void stream_plug(struct bus *b)
{
	b->stream->plugged = true;
}

/* ---- the writer ------------------------------------------------------- */

static int64_t slot_time(const struct stream *s, uint64_t k)
{
	return s->run_t0 + (int64_t)((__int128)k * 10 * NS_PER_S /
				     s->run_rate);
}

static uint32_t next_num(const struct stream *s)
{
	return s->last + 1 > s->next_min ? s->last + 1 : s->next_min;
}

/* When the writer, idle, starts its next frame. */
static int64_t next_start(const struct stream *s)
{
	int64_t t;

	if (s->follow)
		return s->free_t;
	t = cap_time(s, next_num(s));
	return t > s->free_t ? t : s->free_t;
}

int64_t stream_next_event(struct bus *b)
{
	struct stream *s = b->stream;
	int64_t t = T_NEVER, u;

	if (s->npub < s->nrec)
		t = s->rec[s->npub].t1;
	if (s->busy)
		u = slot_time(s, s->run_k);
	else if (s->streaming)
		u = next_start(s);
	else
		u = T_NEVER;
	return u < t ? u : t;
}

static void spoil(struct stream_cur *c, enum fstate st)
{
	if (c->state == FS_INTACT)
		c->state = st;
}

/*
 * Junk between frames: random bytes that can neither start a JPEG (no
 * 0xFF, so no FF D8) nor a start marker (none of the marker's bytes).
 */
static void put_junk(struct bus *b, uint8_t *d, size_t n)
{
	struct stream *s = b->stream;
	uint8_t ok[256];
	unsigned int nok = 0;

	for (unsigned int v = 0; v < 255; v++)
		if (!memchr(s->smark, (int)v, s->slen))
			ok[nok++] = (uint8_t)v;
	for (size_t i = 0; i < n; i++)
		d[i] = ok[prng_below(&b->prng, nok)];
}

/* Take the next frame: render it, apply the per-frame faults, plan wb. */
static void start_frame(struct bus *b, int64_t t)
{
	struct stream *s = b->stream;
	struct stream_cur *c = &s->cur;
	uint32_t k = next_num(s), newest = stream_newest(s, t);
	struct pattern_params p = {
		.w = s->w, .h = s->h, .quality = s->quality,
		.brightness = 0x80, .contrast = 0x80,
		.texture = s->detail - DETAIL_DEFAULT, .no_addr = true,
	};
	size_t junk = 0, body, pre = 0, suf = 0;
	uint32_t lenv;
	bool cut = false, badmark = false;
	struct fault *f;

	if (newest > k)
		k = newest;
	s->st[SS_FRAMES_SKIPPED] += k - s->last - 1;
	s->last = k;
	s->follow = false;
	cur_free(c);
	c->num = k;
	p.frame = k;
	if (b->flush)
		b->flush(b);
	if (pattern_jpeg_stream(&p, s->restart, s->exif, &c->img)) {
		fprintf(stderr, "camemu: JPEG encoding failed, stream paused\n");
		s->streaming = false;
		return;
	}
	s->st[SS_FRAMES_STARTED]++;
	c->framing = s->framing;
	c->state = FS_INTACT;
	c->stall_at = SIZE_MAX;
	body = c->img.size;
	lenv = (uint32_t)c->img.size;

	/* per-frame faults, each used up only by a frame it applies to */
	f = fault_find(b, NULL, F_JUNK);
	if (f) {
		junk = f->value_set ? f->value : 1 + prng_below(&b->prng, 200);
		b->fstat[F_JUNK]++;
		fault_use(b, f);
	}
	f = fault_find(b, NULL, F_TRUNCATE);
	if (f) {
		body = 1 + prng_below(&b->prng, (uint32_t)c->img.size - 1);
		cut = true;
		spoil(c, FS_TRUNCATED);
		b->fstat[F_TRUNCATE]++;
		fault_use(b, f);
	}
	if (c->framing == FRAMING_LENGTH) {
		pre = 4;
		f = fault_find(b, NULL, F_HUGELEN);
		if (f) {
			lenv = f->value_set ? f->value : DEFAULT_HUGELEN;
			spoil(c, FS_HUGELEN);
			b->fstat[F_HUGELEN]++;
			fault_use(b, f);
		}
	} else if (c->framing == FRAMING_MARKERS) {
		pre = s->slen;
		if (!cut) {
			suf = s->elen;
			f = fault_find(b, NULL, F_BADMARKER);
			if (f) {
				badmark = true;
				spoil(c, FS_BADMARKER);
				b->fstat[F_BADMARKER]++;
				fault_use(b, f);
			}
		}
	}

	c->wn = junk + pre + body + suf;
	c->wb = xmalloc(c->wn);
	put_junk(b, c->wb, junk);
	c->span = junk;
	if (c->framing == FRAMING_LENGTH)
		put_le(c->wb + junk, lenv, 4);
	else if (pre)
		memcpy(c->wb + junk, s->smark, pre);
	memcpy(c->wb + junk + pre, c->img.data, body);
	if (suf) {
		uint8_t *e = c->wb + junk + pre + body;

		memcpy(e, s->emark, suf);
		if (badmark) {
			/* one byte replaced by one found nowhere in the marker */
			size_t i = prng_below(&b->prng, (uint32_t)suf);
			uint8_t v;

			do
				v = (uint8_t)prng_below(&b->prng, 255);
			while (memchr(s->emark, v, s->elen));
			e[i] = v;
		}
	}
	f = fault_find(b, NULL, F_STALL);
	if (f) {
		c->stall_at = c->span + (c->wn - c->span) / 2;
		c->stall_ns = (int64_t)f->value * 1000000;
		b->fstat[F_STALL]++;
		fault_use(b, f);
	}
	s->st[SS_JUNK_BYTES] += junk;

	/* back to back with the previous frame: the same run goes on */
	if (t != s->free_t || s->run_rate != s->rate) {
		s->run_t0 = t;
		s->run_k = 0;
		s->run_rate = s->rate;
	}
	s->busy = true;
	bus_verbose(b, t, "frame %u starts: %ux%u %zu bytes, %s, %zu on the wire%s",
		k, s->w, s->h, c->img.size, framing_names[c->framing], c->wn,
		c->state != FS_INTACT ? " (faulty)" : "");
}

static void save_frame(struct bus *b, const struct stream_cur *c)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%u.jpg", b->save_dir, c->num);
	write_file(path, c->img.data, c->img.size);
}

/* The last byte of the frame has been handed to the UART. */
static void finish_frame(struct bus *b)
{
	struct stream *s = b->stream;
	struct stream_cur *c = &s->cur;
	struct sframe_rec *r;

	s->busy = false;
	s->free_t = slot_time(s, s->run_k);
	s->follow = c->state == FS_TRUNCATED;
	if (!c->on_wire) {
		s->st[SS_FRAMES_VOID]++;
		bus_verbose(b, s->free_t, "frame %u went nowhere (unplugged)",
			c->num);
		cur_free(c);
		return;
	}
	if (s->nrec == s->reccap) {
		s->reccap = s->reccap ? 2 * s->reccap : 256;
		s->rec = xrealloc(s->rec, s->reccap * sizeof(*s->rec));
	}
	r = &s->rec[s->nrec++];
	r->num = c->num;
	r->w = c->img.w;
	r->h = c->img.h;
	r->size = (uint32_t)c->img.size;
	sha256_hex(c->img.data, c->img.size, r->sha);
	r->framing = c->framing;
	r->state = c->state;
	r->t0 = c->t0;
	r->t1 = c->t1;
	if (b->save_dir)
		save_frame(b, c);
	cur_free(c);
}

static void run_put(struct stream *s, size_t n, uint8_t v)
{
	if (n >= s->runcap) {
		s->runcap = s->runcap ? 2 * s->runcap : 1024;
		s->run = xrealloc(s->run, s->runcap);
	}
	s->run[n] = v;
}

static bool hit(struct bus *b, enum fault_kind k)
{
	struct fault *f = fault_find(b, NULL, k);

	return f && f->p > 0 && prng_unit(&b->prng) < f->p;
}

/*
 * Hand the UART the next chunk: about a millisecond of wire time (at
 * least one byte), up to the stall point or the end of the frame, with
 * the per-byte faults. Unplugged, the bytes go nowhere but take their
 * time: the script goes on writing.
 */
static void emit_chunk(struct bus *b)
{
	struct stream *s = b->stream;
	struct stream_cur *c = &s->cur;
	size_t max, end, rn = 0;
	uint64_t slot, run_slot = 0;

	if (s->run_rate != s->rate) {
		/* a new rate from this byte on */
		s->run_t0 = slot_time(s, s->run_k);
		s->run_k = 0;
		s->run_rate = s->rate;
	}
	max = s->rate / 10000;
	if (!max)
		max = 1;
	end = c->wn - c->pos > max ? c->pos + max : c->wn;
	if (c->stall_at > c->pos && c->stall_at < end)
		end = c->stall_at;
	slot = s->run_k;
#define FLUSH()								\
	do {								\
		if (rn)							\
			wave_append(&b->out, slot_time(s, run_slot),	\
				    s->run_rate, 0, s->run, rn);	\
		rn = 0;							\
	} while (0)
	for (; c->pos < end; c->pos++) {
		bool in_span = c->pos >= c->span;
		uint8_t byte = c->wb[c->pos];

		s->st[SS_STREAM_BYTES]++;
		if (!s->plugged) {
			if (in_span)
				spoil(c, FS_UNPLUGGED);
			FLUSH();
			slot++;
			continue;
		}
		if (hit(b, F_DROP)) {
			b->fstat[F_DROP]++;
			if (in_span)
				spoil(c, FS_DROP);
			FLUSH();
			slot++;
		} else {
			if (hit(b, F_BYTEFLIP)) {
				byte ^= (uint8_t)(1u << prng_below(&b->prng, 8));
				b->fstat[F_BYTEFLIP]++;
				if (in_span)
					spoil(c, FS_BYTEFLIP);
			}
			if (!rn)
				run_slot = slot;
			run_put(s, rn++, byte);
			if (in_span) {
				if (!c->on_wire)
					c->t0 = slot_time(s, slot);
				c->on_wire = true;
				c->t1 = slot_time(s, slot + 1);
			}
			slot++;
		}
		if (hit(b, F_GARBAGE)) {
			/* between two bytes of the frame it spoils it */
			b->fstat[F_GARBAGE]++;
			if (in_span && c->pos + 1 < c->wn)
				spoil(c, FS_GARBAGE);
			if (!rn)
				run_slot = slot;
			run_put(s, rn++, (uint8_t)prng_below(&b->prng, 256));
			slot++;
		}
	}
	FLUSH();
#undef FLUSH
	s->run_k = slot;
	if (c->pos == c->stall_at) {
		s->run_t0 = slot_time(s, s->run_k) + c->stall_ns;
		s->run_k = 0;
		c->stall_at = SIZE_MAX;
	}
	if (c->pos == c->wn)
		finish_frame(b);
}

static void publish(struct bus *b, const struct sframe_rec *r)
{
	struct stream *s = b->stream;

	s->st[SS_FRAMES_WRITTEN]++;
	s->st[r->state == FS_INTACT ? SS_FRAMES_INTACT : SS_FRAMES_SPOILED]++;
	if (b->manifest) {
		struct sbuf l = { 0 };

		stream_frame_line(&l, "frame", r);
		fputs(l.s, b->manifest);
		fflush(b->manifest);
		sbuf_free(&l);
	}
	bus_verbose(b, r->t1, "frame %u written: %s, %u bytes", r->num,
		fstate_names[r->state], r->size);
}

void stream_step(struct bus *b, int64_t t)
{
	struct stream *s = b->stream;

	while (s->npub < s->nrec && s->rec[s->npub].t1 <= t)
		publish(b, &s->rec[s->npub++]);
	if (s->busy) {
		if (slot_time(s, s->run_k) <= t)
			emit_chunk(b);
	} else if (s->streaming && next_start(s) <= t) {
		start_frame(b, next_start(s));
		if (s->busy)
			emit_chunk(b);
	}
}

/* ---- frames ----------------------------------------------------------- */

const struct sframe_rec *stream_frame(const struct stream *s, uint32_t num)
{
	size_t lo = 0, hi = s->npub;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->rec[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->npub && s->rec[lo].num == num ? &s->rec[lo] : NULL;
}

void stream_frame_line(struct sbuf *out, const char *prefix,
		       const struct sframe_rec *r)
{
	sbuf_printf(out,
		    "%s %u res=%ux%u size=%u sha256=%s framing=%s state=%s start_ns=%lld end_ns=%lld\n",
		    prefix, r->num, r->w, r->h, r->size, r->sha,
		    framing_names[r->framing], fstate_names[r->state],
		    (long long)r->t0, (long long)r->t1);
}

/* ---- parsers ---------------------------------------------------------- */

int stream_parse_framing(const char *s, enum framing *f)
{
	for (int i = 0; i < FRAMING_N; i++) {
		if (!strcmp(s, framing_names[i])) {
			*f = (enum framing)i;
			return 0;
		}
	}
	return -1;
}

int stream_parse_res(const char *s, unsigned int *w, unsigned int *h)
{
	unsigned int a, c;
	int used = 0;

	if (sscanf(s, "%ux%u%n", &a, &c, &used) != 2 || s[used] ||
	    a < STREAM_MIN_RES || c < STREAM_MIN_RES || a > STREAM_MAX_RES ||
	    c > STREAM_MAX_RES || a % 2 || c % 2)
		return -1;
	*w = a;
	*h = c;
	return 0;
}

int stream_parse_fps(const char *s, double *fps)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || end == s || !(v >= FPS_MIN && v <= FPS_MAX))
		return -1;
	*fps = v;
	return 0;
}

int stream_parse_marker(const char *s, uint8_t *out, size_t *len)
{
	size_t n = 0;

	while (*s) {
		int v = (unsigned char)*s++;

		if (v == '\\') {
			switch (*s++) {
			case '\\':
				v = '\\';
				break;
			case 'n':
				v = '\n';
				break;
			case 'r':
				v = '\r';
				break;
			case 't':
				v = '\t';
				break;
			case 's':
				v = ' ';
				break;
			case 'x': {
				char hex[3] = { 0 };
				char *end;

				if (!s[0] || !s[1])
					return -1;
				hex[0] = s[0];
				hex[1] = s[1];
				v = (int)strtol(hex, &end, 16);
				if (*end)
					return -1;
				s += 2;
				break;
			}
			default:
				return -1;
			}
		}
		if (n == MARKER_MAX)
			return -1;
		out[n++] = (uint8_t)v;
	}
	if (!n)
		return -1;
	*len = n;
	return 0;
}

void stream_marker_str(const uint8_t *m, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	/* 4 characters at most per byte: buf takes 4 * n + 1 */
	for (size_t i = 0; i < n && o + 5 <= len; i++) {
		uint8_t v = m[i];

		if (v == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\\\");
		else if (v == ' ')
			o += (size_t)snprintf(buf + o, len - o, "\\s");
		else if (v > ' ' && v < 0x7f)
			buf[o++] = (char)v;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", v);
	}
	buf[o] = 0;
}
