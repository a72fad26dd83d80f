// SPDX-License-Identifier: GPL-2.0
/*
 * OV528 cameras (ov528.md): the command model, auto-baud, pictures and
 * the OV528 faults. The wire, receivers, queue and per-byte faults are
 * camera.c's; see ov528.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "ov528.h"
#include "util.h"

const char *const ov_stat_names[OS_N] = {
	[OS_CMDS_OK] = "cmds_ok",
	[OS_CMDS_WRONGADDR] = "cmds_wrongaddr",
	[OS_GARBLED_BYTES] = "garbled_bytes",
	[OS_CMDS_IGNORED] = "cmds_ignored",
	[OS_CMDS_TURNAROUND] = "cmds_turnaround",
	[OS_SYNCS] = "syncs",
	[OS_SYNCS_BADRATE] = "syncs_badrate",
	[OS_SYNCS_ANSWERED] = "syncs_answered",
	[OS_SYNC_ACKS] = "sync_acks",
	[OS_ACKS] = "acks",
	[OS_NAKS] = "naks",
	[OS_EARLY_CMDS] = "early_cmds",
	[OS_FRAMES] = "frames",
	[OS_DATA] = "data",
	[OS_PACKAGES_SENT] = "packages_sent",
	[OS_PACKAGES_RESENT] = "packages_resent",
	[OS_RAW_SENT] = "raw_sent",
	[OS_RAW_ACKS] = "raw_acks",
	[OS_TRANSFERS_ENDED] = "transfers_ended",
	[OS_BAUD_CHANGES] = "baud_changes",
	[OS_RESETS] = "resets",
	[OS_SLEEPS] = "sleeps",
	[OS_WAKES] = "wakes",
};

static const char *const early_names[OV_EARLY_N] = {
	[OV_EARLY_NAK] = "nak", [OV_EARLY_DROP] = "drop",
	[OV_EARLY_ACCEPT] = "accept",
};

struct ov_size {
	uint8_t code;
	unsigned int w, h;
};

static const struct ov_size raw_sizes[] = {
	{ 0x01, 80, 60 }, { 0x03, 160, 120 }, { 0x09, 128, 128 },
};

static const struct ov_size jpeg_sizes[] = {
	{ 0x01, 80, 64 }, { 0x03, 160, 128 }, { 0x05, 320, 240 },
	{ 0x07, 640, 480 },
};

static const struct ov_size *find_size(const struct ov_size *t, size_t n,
				       uint8_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

#define RAW_SIZE(code) find_size(raw_sizes, ARRAY_SIZE(raw_sizes), code)
#define JPEG_SIZE(code) find_size(jpeg_sizes, ARRAY_SIZE(jpeg_sizes), code)
#define FMT_JPEG	0x07

const char *ov528_format_name(uint8_t code)
{
	switch (code) {
	case 0x01:
		return "gray2";
	case 0x02:
		return "gray4";
	case 0x03:
		return "gray8";
	case 0x05:
		return "rgb444";
	case 0x06:
		return "rgb565";
	case FMT_JPEG:
		return "jpeg";
	case 0x08:
		return "crycby";
	default:
		return NULL;
	}
}

static enum raw_fmt raw_fmt(const struct ov528 *g, uint8_t code)
{
	switch (code) {
	case 0x01:
		return RAW_GRAY2;
	case 0x02:
		return RAW_GRAY4;
	case 0x03:
		return RAW_GRAY8;
	case 0x05:
		return RAW_RGB444;
	case 0x06:
		return g->rgb565_le ? RAW_RGB565LE : RAW_RGB565BE;
	default:
		return RAW_CRYCBY;
	}
}

uint32_t ov528_baud(uint8_t d1, uint8_t d2)
{
	uint32_t div = 4 * ((uint32_t)d1 + 1) * ((uint32_t)d2 + 1);

	return (14745600 + div / 2) / div;
}

/* ---- setup ------------------------------------------------------------ */

struct ov528 *ov528_new(void)
{
	static const uint32_t table[] = { 9600, 14400, 19200, 38400, 56000,
					  57600, 115200, 230400, 460800,
					  921600 };
	struct ov528 *g = xcalloc(1, sizeof(*g));

	memcpy(g->table, table, sizeof(table));
	g->ntable = (int)ARRAY_SIZE(table);
	g->syncs = 3;
	g->wake_syncs = 25;
	g->preview_type = 0x05;
	g->cbe = true;
	g->sleep_cmd = true;
	g->init_gap_ms = 100;
	g->init_early = OV_EARLY_NAK;
	g->transfer_nak = 0x80;
	g->pkgsize = 64;
	g->quality = 80;
	return g;
}

void ov528_free(struct ov528 *g)
{
	free(g);
}

static void pic_free(struct ov_pic *p)
{
	image_free(&p->img);
	memset(p, 0, sizeof(*p));
}

static void end_transfer(struct ov528_cam *o)
{
	o->xfer = OVX_NONE;
	o->xp = NULL;
	free(o->asked);
	o->asked = NULL;
}

void ov528_power_on(struct bus *b, struct camera *c, uint32_t rate)
{
	struct ov528_cam *o = c->ov;
	struct ov_xcvr x = o->xcvr;

	end_transfer(o);
	pic_free(&o->snap);
	pic_free(&o->prev);
	memset(o, 0, sizeof(*o));
	o->xcvr = x;
	o->pkgsize = b->ov->pkgsize;
	o->cbe[0] = o->cbe[1] = o->cbe[2] = 2;
	o->sleep_timeout = b->ov->sleep_timeout;
	o->init_until = INT64_MIN;
	o->idle_t = b->now;
	c->rate = rate;
	c->pn = 0;
}

void ov528_attach(struct bus *b, struct camera *c, uint32_t rate)
{
	c->ov = xcalloc(1, sizeof(*c->ov));
	c->ov->xcvr.turnaround_ms = b->ov->turnaround_ms;
	ov528_power_on(b, c, rate);
}

void ov528_let_go(struct bus *b, struct camera *c)
{
	struct ov_xcvr *x = &c->ov->xcvr;

	for (int k = 0; k < OV_HOLDS; k++)
		if (x->until[k] > b->now)
			x->until[k] = x->from[k] > b->now ? x->from[k] : b->now;
}

void ov528_cam_free(struct camera *c)
{
	if (!c->ov)
		return;
	end_transfer(c->ov);
	pic_free(&c->ov->snap);
	pic_free(&c->ov->prev);
	free(c->ov);
	c->ov = NULL;
}

/* ---- receiving -------------------------------------------------------- */

/*
 * Locked, the receiver samples at its rate. Unlocked it measures the
 * sender's rate (wave_rate_at) and samples at the table rate nearest to
 * it: a sender within 3% of a table rate is read cleanly (lok), any other
 * is read as a UART at the wrong rate reads it (garbled), and a SYNC
 * heard so is never counted.
 */
uint32_t ov528_rx_rate(struct bus *b, struct camera *c)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	uint32_t r, best = g->table[0];

	if (c->rate) {
		o->lrate = c->rate;
		o->lok = true;
		return c->rate;
	}
	r = wave_rate_at(&b->in, c->rx.cur);
	for (int i = 1; r && i < g->ntable; i++)
		if (fabs(log((double)r / g->table[i])) <
		    fabs(log((double)r / best)))
			best = g->table[i];
	o->lrate = best;
	o->lok = r && rates_match(r, best);
	return best;
}

/* Whether some camera's transceiver holds the line at @t (struct ov_xcvr). */
static bool line_held(const struct bus *b, int64_t t)
{
	for (int i = 0; i < b->ncam; i++) {
		const struct ov_xcvr *x = &b->cam[i].ov->xcvr;

		for (int k = 0; k < OV_HOLDS; k++)
			if (x->from[k] <= t && t < x->until[k])
				return true;
	}
	return false;
}

/*
 * Commands are 6 bytes from an AA, with no checksum: bytes before an AA
 * are noise, and a partial command followed by GAP_NS of silence is
 * dropped. A command whose first start bit comes while a transceiver
 * holds the line is lost to all; the camera it was for counts it. The
 * address bits pick the camera.
 */
void ov528_feed(struct bus *b, struct camera *c, uint8_t byte, int64_t t)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	struct hostframe h = { 0 };

	if (c->pn && t - c->plast > GAP_NS) {
		g->st[OS_GARBLED_BYTES] += c->pn;
		c->pn = 0;
	}
	c->plast = t;
	if (!c->pn) {
		if (byte != 0xaa) {
			g->st[OS_GARBLED_BYTES]++;
			return;
		}
		o->pt0 = t - 10 * NS_PER_S / o->lrate;
		o->prate = o->lrate;
		o->pok = o->lok;
	} else if (o->lrate != o->prate || !o->lok) {
		o->pok = false;
	}
	c->pbuf[c->pn++] = byte;
	if (c->pn < 6)
		return;
	c->pn = 0;
	h.tc = t;
	h.t0 = o->pt0;
	h.addr = c->pbuf[1] >> 5;
	h.cmd = c->pbuf[1] & 0x1f;
	h.len = 4;
	memcpy(h.p, c->pbuf + 2, 4);
	h.rate = o->prate;
	h.heard_ok = o->pok;
	if (line_held(b, h.t0)) {
		if (h.addr == c->addr) {
			g->st[OS_CMDS_TURNAROUND]++;
			bus_trace_bytes(b, "lost", h.tc, c->pbuf, 6);
		}
		return;
	}
	if (h.addr != c->addr) {
		g->st[OS_CMDS_WRONGADDR]++;
		return;
	}
	g->st[OS_CMDS_OK]++;
	bus_accept_cmd(b, c, &h);
}

/* ---- replies ---------------------------------------------------------- */

/* What the camera sends in one go: messages, a package or a RAW stream. */
struct ovrep {
	uint8_t *d;
	size_t n, cap;
	uint8_t addr;		/* address bits of its messages */
	bool pkg;
};

static void rep_put(struct ovrep *r, const uint8_t *d, size_t n)
{
	if (r->n + n > r->cap) {
		r->cap = r->cap ? r->cap : 64;
		while (r->cap < r->n + n)
			r->cap *= 2;
		r->d = xrealloc(r->d, r->cap);
	}
	memcpy(r->d + r->n, d, n);
	r->n += n;
}

/* A reply with messages carries the address, or a wrongaddr fault's. */
static void rep_init(struct bus *b, struct camera *c, struct ovrep *r,
		     bool msgs)
{
	struct fault *f;

	memset(r, 0, sizeof(*r));
	r->addr = c->addr;
	r->pkg = !msgs;
	if (msgs && (f = fault_find(b, c, F_WRONGADDR))) {
		r->addr = (uint8_t)(c->addr % OV_MAX_ADDR + 1);
		b->fstat[F_WRONGADDR]++;
		fault_use(b, f);
	}
}

static void rep_msg(struct ovrep *r, uint8_t id, uint8_t p1, uint8_t p2,
		    uint8_t p3, uint8_t p4)
{
	uint8_t m[6] = { 0xaa, (uint8_t)(r->addr << 5 | id), p1, p2, p3, p4 };

	rep_put(r, m, 6);
}

static void rep_ack(struct bus *b, struct camera *c, struct ovrep *r,
		    uint8_t id)
{
	rep_msg(r, OV_ACK, id, c->ov->counter++, 0, 0);
	b->ov->st[OS_ACKS]++;
}

static void rep_nak(struct bus *b, struct camera *c, struct ovrep *r,
		    uint8_t code)
{
	rep_msg(r, OV_NAK, 0, c->ov->counter++, code, 0);
	b->ov->st[OS_NAKS]++;
}

static int64_t wire_ns(size_t n, uint32_t rate)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / rate);
}

/* A reply from @from to c->busy_until: the transceiver holds the line. */
static void hold(struct camera *c, int64_t from)
{
	struct ov_xcvr *x = &c->ov->xcvr;

	if (x->turnaround_ms <= 0)
		return;
	x->from[x->next] = from;
	x->until[x->next] = c->busy_until + ms_ns(x->turnaround_ms);
	x->next = (x->next + 1) % OV_HOLDS;
}

/*
 * Send @r from @start with the reply faults (truncate, dup for packages,
 * stall), then the per-byte ones (bus_send). Unplugged, the camera sends
 * into nothing but takes the time. Returns the end of its last byte.
 */
static int64_t rep_send(struct bus *b, struct camera *c, struct ovrep *r,
			int64_t start)
{
	struct ov528_cam *o = c->ov;
	struct fault *f;
	size_t n = r->n;

	f = fault_find(b, c, F_TRUNCATE);
	if (f && n > 1) {
		n = 1 + prng_below(&b->prng, (uint32_t)(n - 1));
		b->fstat[F_TRUNCATE]++;
		fault_use(b, f);
	}
	if (r->pkg && (f = fault_find(b, c, F_DUP))) {
		r->d = xrealloc(r->d, 2 * n);
		memcpy(r->d + n, r->d, n);
		n *= 2;
		b->fstat[F_DUP]++;
		fault_use(b, f);
	}
	f = fault_find(b, c, F_STALL);
	if (f) {
		start += ms_ns(f->value);
		b->fstat[F_STALL]++;
		fault_use(b, f);
	}
	bus_trace_bytes(b, "tx", start, r->d, n);
	if (c->plugged)
		hold(c, bus_send(b, c, start, r->d, n));
	else
		c->busy_until = start + wire_ns(n, c->rate);
	b->stat[ST_REPLIES]++;
	free(r->d);
	r->d = NULL;
	o->idle_t = c->busy_until;
	return c->busy_until;
}

static int64_t cmd_start(const struct camera *c, int64_t th)
{
	return th + ms_ns(c->cmd_ms);
}

static int64_t reply_nak(struct bus *b, struct camera *c, int64_t th,
			 uint8_t code)
{
	struct ovrep r;

	rep_init(b, c, &r, true);
	rep_nak(b, c, &r, code);
	return rep_send(b, c, &r, cmd_start(c, th));
}

static int64_t reply_ack(struct bus *b, struct camera *c, int64_t th,
			 uint8_t id)
{
	struct ovrep r;

	rep_init(b, c, &r, true);
	rep_ack(b, c, &r, id);
	return rep_send(b, c, &r, cmd_start(c, th));
}

/* ---- pictures --------------------------------------------------------- */

/* Where a marker walk looks: SOI, each segment's FF up to SOS, EOI. */
static void pic_walk(struct ov_pic *p)
{
	const uint8_t *d = p->img.data;
	size_t n = p->img.size, i = 2;

	p->nmarks = 0;
	p->hdr_end = n;
	if (n < 4 || d[0] != 0xff || d[1] != 0xd8)
		return;
	p->marks[p->nmarks++] = 0;
	while (i + 4 <= n && d[i] == 0xff && p->nmarks < OV_MAX_MARKS - 1) {
		uint8_t m = d[i + 1];

		p->marks[p->nmarks++] = i;
		i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
		if (m == 0xda)
			break;
	}
	p->hdr_end = i < n ? i : n;
	if (d[n - 2] == 0xff && d[n - 1] == 0xd9)
		p->marks[p->nmarks++] = n - 2;
}

void ov528_frame_line(struct sbuf *out, const char *prefix,
		      const struct frame_rec *f)
{
	const char *fmt = ov528_format_name(f->fmt);

	sbuf_printf(out,
		    "%s %u addr=%u kind=%s format=%s res=%ux%u size=%u sha256=%s\n",
		    prefix, f->num, f->addr, f->preview ? "preview" : "snapshot",
		    fmt ? fmt : "?", f->w, f->h, f->size, f->sha);
}

static void record(struct bus *b, struct camera *c, const struct ov_pic *p)
{
	struct frame_rec *fr = cam_new_frame(c);

	fr->num = p->num;
	fr->addr = c->addr;
	fr->w = p->img.w;
	fr->h = p->img.h;
	fr->gray = p->img.gray;
	fr->size = (uint32_t)p->img.size;
	fr->fmt = p->fmt;
	fr->preview = p->preview;
	sha256_hex(p->img.data, p->img.size, fr->sha);
	if (b->manifest) {
		struct sbuf l = { 0 };

		ov528_frame_line(&l, "frame", fr);
		fputs(l.s, b->manifest);
		fflush(b->manifest);
		sbuf_free(&l);
	}
	if (b->save_dir) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%u-%u.%s", b->save_dir,
			 c->addr, fr->num, p->fmt == FMT_JPEG ? "jpg" : "raw");
		write_file(path, p->img.data, p->img.size);
	}
	b->ov->st[OS_FRAMES]++;
	b->stat[ST_CAPTURES]++;
}

/* CBE 0..4 (2 normal) as the pattern's brightness and contrast. */
static void cbe_look(const struct ov528_cam *o, struct pattern_params *p)
{
	p->contrast = (uint8_t)(128 + 32 * (o->cbe[0] - 2));
	p->brightness = (uint8_t)(128 + 32 * (o->cbe[1] - 2) +
				  24 * (o->cbe[2] - 2));
}

/*
 * Take a picture at the INITIAL's size, JPEG or in its RAW format, into
 * @p; recorded (manifest, --save-frames). Returns the capture latency, or
 * -1 when the picture could not be made.
 */
static int64_t capture(struct bus *b, struct camera *c, struct ov_pic *p,
		       bool jpeg, bool preview)
{
	struct ov528_cam *o = c->ov;
	const struct ov_size *sz = jpeg ? JPEG_SIZE(o->jpeg_res) :
				   RAW_SIZE(o->raw_res);
	struct pattern_params pp = {
		.w = sz->w, .h = sz->h, .frame = c->frame_counter + 1,
		.addr = c->addr, .quality = b->ov->quality,
		.texture = b->detail - DETAIL_DEFAULT,
	};
	int r;

	cbe_look(o, &pp);
	if (b->flush)
		b->flush(b);
	pic_free(p);
	r = jpeg ? pattern_jpeg(&pp, &p->img) :
	    pattern_raw(&pp, raw_fmt(b->ov, o->fmt), &p->img);
	if (r) {
		fprintf(stderr, "camemu: picture could not be made\n");
		pic_free(p);
		return -1;
	}
	p->num = ++c->frame_counter;
	p->fmt = jpeg ? FMT_JPEG : o->fmt;
	p->preview = preview;
	if (jpeg)
		pic_walk(p);
	record(b, c, p);
	return ms_ns(c->capture_ms * (double)sz->w * sz->h / (640.0 * 480.0));
}

/* ---- transfers -------------------------------------------------------- */

/*
 * DATA (type, 24-bit size; a hugesize fault announces another) and, for a
 * RAW picture, the picture right after it. The transfer lasts until the
 * host ends it (F0 F0, or the RAW ACK).
 */
static void start_transfer(struct bus *b, struct camera *c, struct ovrep *r,
			   struct ov_pic *p, uint8_t type)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	uint32_t size = (uint32_t)p->img.size;
	struct fault *f = fault_find(b, c, F_HUGESIZE);

	end_transfer(o);
	if (f) {
		size = (f->value_set ? f->value : 0xffffff) & 0xffffff;
		b->fstat[F_HUGESIZE]++;
		fault_use(b, f);
	}
	rep_msg(r, OV_DATA, type, (uint8_t)size, (uint8_t)(size >> 8),
		(uint8_t)(size >> 16));
	g->st[OS_DATA]++;
	o->xp = p;
	if (p->fmt == FMT_JPEG) {
		o->xfer = OVX_JPEG;
		o->xpkg = o->pkgsize;
		o->npkg = (uint32_t)((p->img.size + o->xpkg - 7) /
				     (o->xpkg - 6));
		o->asked = xcalloc(1, o->npkg / 8 + 1);
	} else {
		o->xfer = OVX_RAW;
		rep_put(r, p->img.data, p->img.size);
		g->st[OS_RAW_SENT]++;
	}
}

/*
 * Whether d[k] (at @off + k in the JPEG) may take the 0-to-1 flip of bit
 * @m (0), the 1-to-0 flip (1), or neither (-1). Mode 0: the 1-to-0 flip
 * only in a marker's FF (SOI, a segment up to SOS, EOI), the other in any
 * byte. Mode 1: both in entropy-coded data, never in an FF or the byte
 * after one, never making an FF.
 */
static int flip_role(const struct ov_pic *p, size_t off, const uint8_t *d,
		     size_t k, uint8_t m, int mode)
{
	size_t at = off + k;
	bool mark = false, entropy;

	for (int i = 0; i < p->nmarks; i++)
		mark = mark || p->marks[i] == at;
	entropy = at >= p->hdr_end && at + 2 < p->img.size && d[k] != 0xff &&
		  p->img.data[at - 1] != 0xff;
	if (!(d[k] & m))
		return !mode || (entropy && (d[k] | m) != 0xff) ? 0 : -1;
	return (mode ? entropy : mark) ? 1 : -1;
}

/*
 * Two flips of the same bit, 0 to 1 in one byte of the package data @d
 * and 1 to 0 in another, so the 8-bit sum stays right: in mode 0 a
 * marker walk catches the frame, in mode 1 no walk sees it (flip_role).
 * @off is d[0]'s offset in the JPEG. False when the package has no pair.
 */
static bool twinflip(struct bus *b, const struct ov_pic *p, size_t off,
		     uint8_t *d, size_t n, int mode)
{
	uint32_t bit0 = prng_below(&b->prng, 8);

	for (uint32_t t = 0; t < 8; t++) {
		uint8_t m = (uint8_t)(1u << ((bit0 + t) % 8));
		size_t cnt[2] = { 0, 0 }, pick[2], at[2] = { 0, 0 };
		int r;

		for (size_t k = 0; k < n; k++)
			if ((r = flip_role(p, off, d, k, m, mode)) >= 0)
				cnt[r]++;
		if (!cnt[0] || !cnt[1])
			continue;	/* try the next bit */
		for (int i = 0; i < 2; i++)
			pick[i] = prng_below(&b->prng, (uint32_t)cnt[i]);
		cnt[0] = cnt[1] = 0;
		for (size_t k = 0; k < n; k++)
			if ((r = flip_role(p, off, d, k, m, mode)) >= 0 &&
			    cnt[r]++ == pick[r])
				at[r] = k;
		d[at[0]] ^= m;
		d[at[1]] ^= m;
		return true;
	}
	return false;
}

static void send_package(struct bus *b, struct camera *c, uint32_t id,
			 int64_t th)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	const struct ov_pic *p = o->xp;
	size_t per = (size_t)o->xpkg - 6, off, n;
	uint32_t send = id;
	uint8_t hdr[4], sum = 0, v[2];
	struct fault *f;
	struct ovrep r;

	f = fault_find(b, c, F_DROPPKG);
	if (f) {
		b->fstat[F_DROPPKG]++;
		fault_use(b, f);
		return;		/* silence */
	}
	f = fault_find(b, c, F_REORDER);
	if (f && id + 1 < o->npkg) {
		send = id + 1;
		b->fstat[F_REORDER]++;
		fault_use(b, f);
	}
	if (o->asked[send / 8] & (1u << (send % 8)))
		g->st[OS_PACKAGES_RESENT]++;
	o->asked[send / 8] |= (uint8_t)(1u << (send % 8));
	off = send * per;
	n = p->img.size - off < per ? p->img.size - off : per;
	rep_init(b, c, &r, false);
	hdr[0] = (uint8_t)send;
	hdr[1] = (uint8_t)(send >> 8);
	hdr[2] = (uint8_t)n;
	hdr[3] = (uint8_t)(n >> 8);
	rep_put(&r, hdr, 4);
	rep_put(&r, p->img.data + off, n);
	f = fault_find(b, c, F_TWINFLIP);
	if (f && twinflip(b, p, off, r.d + 4, n,
			  f->value_set ? (int)f->value : 0)) {
		b->fstat[F_TWINFLIP]++;
		fault_use(b, f);
	}
	for (size_t i = 0; i < r.n; i++)
		sum = (uint8_t)(sum + r.d[i]);
	f = fault_find(b, c, F_BADCRC);
	if (f) {
		sum ^= (uint8_t)(1 + prng_below(&b->prng, 255));
		b->fstat[F_BADCRC]++;
		fault_use(b, f);
	}
	v[0] = sum;
	v[1] = 0;
	rep_put(&r, v, 2);
	g->st[OS_PACKAGES_SENT]++;
	b->stat[ST_PACKETS_SENT]++;
	rep_send(b, c, &r, cmd_start(c, th));
}

/* ---- link: sync, sleep, reset ----------------------------------------- */

/* ACK, then the camera's own SYNC; the host is to ACK that. */
static void sync_answer(struct bus *b, struct camera *c, int64_t th)
{
	struct ov528_cam *o = c->ov;
	struct ovrep r;

	end_transfer(o);
	rep_init(b, c, &r, true);
	rep_ack(b, c, &r, OV_SYNC);
	rep_msg(&r, OV_SYNC, 0, 0, 0, 0);
	o->sync_ack_due = true;
	b->ov->st[OS_SYNCS_ANSWERED]++;
	rep_send(b, c, &r, cmd_start(c, th));
}

/*
 * Not synced (or asleep) the camera only counts SYNCs: the Nth heard in a
 * row at one table rate (syncs, or wake-syncs after sleep) is answered,
 * and the camera locks onto that rate.
 */
static void hear_sync(struct bus *b, struct camera *c,
		      const struct hostframe *h, int64_t th)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;

	if (h->cmd != OV_SYNC) {
		g->st[OS_CMDS_IGNORED]++;
		return;
	}
	g->st[OS_SYNCS]++;
	if (!h->heard_ok) {
		g->st[OS_SYNCS_BADRATE]++;
		return;
	}
	if (h->rate != o->heard_rate) {
		o->heard = 0;
		o->heard_rate = h->rate;
	}
	if (++o->heard < (o->asleep ? g->wake_syncs : g->syncs))
		return;
	if (o->asleep)
		g->st[OS_WAKES]++;
	o->asleep = false;
	o->heard = 0;
	c->rate = h->rate;
	o->idle_t = th;
	sync_answer(b, c, th);
}

static void go_to_sleep(struct bus *b, struct camera *c)
{
	struct ov528_cam *o = c->ov;

	b->ov->st[OS_SLEEPS]++;
	if (b->ov->sleep_keeps) {
		end_transfer(o);
		o->sync_ack_due = false;
	} else {
		ov528_power_on(b, c, 0);
	}
	o->heard = 0;
	o->asleep = true;
}

/* Something due at @t once a reply is out: after it, the camera changes. */
static void pend(struct camera *c, enum ov_pend kind, int64_t t)
{
	c->ov->pend = kind;
	c->ov->pend_t = t;
	if (c->busy_until < t)
		c->busy_until = t;
}

int64_t ov528_next_timer(struct bus *b, struct camera *c)
{
	struct ov528_cam *o = c->ov;

	(void)b;
	if (o->pend != OVP_NONE)
		return o->pend_t;
	if (c->rate && !o->asleep && o->sleep_timeout &&
	    c->qhead == c->qn)
		return o->idle_t + (int64_t)o->sleep_timeout * NS_PER_S;
	return T_NEVER;
}

void ov528_timer(struct bus *b, struct camera *c, int64_t t)
{
	struct ov528_cam *o = c->ov;
	enum ov_pend kind = o->pend;
	struct ovrep r;

	o->pend = OVP_NONE;
	switch (kind) {
	case OVP_RATE:
		c->rate = o->pend_rate;
		b->ov->st[OS_BAUD_CHANGES]++;
		break;
	case OVP_RESET:
		ov528_power_on(b, c, 0);
		break;
	case OVP_SLEEP:
		go_to_sleep(b, c);
		break;
	case OVP_DATA:
		/* a preview is taken: its DATA (and RAW picture) */
		rep_init(b, c, &r, true);
		start_transfer(b, c, &r, &o->prev, o->pend_type);
		rep_send(b, c, &r, t);
		break;
	default:
		/* the sleep timeout */
		go_to_sleep(b, c);
		break;
	}
}

/* ---- commands --------------------------------------------------------- */

/* The NAK code a command of a synced camera gets, 0 if it is ACKed. */
static uint8_t check(struct bus *b, struct camera *c, const struct hostframe *h)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	const uint8_t *p = h->p;
	unsigned int v;

	switch (h->cmd) {
	case OV_INITIAL:
		if (p[0])
			return OVE_PARAM;
		if (!ov528_format_name(p[1]))
			return OVE_FORMAT;
		if (p[1] == FMT_JPEG ? !JPEG_SIZE(p[3]) : !RAW_SIZE(p[2]))
			return OVE_SIZE;
		return 0;
	case OV_GET_PICTURE:
		if (p[0] == 0x01)
			return o->snap.num ? 0 : OVE_NOT_READY;
		if (p[0] != 0x02 && (!g->preview_type || p[0] != g->preview_type))
			return OVE_TYPE;
		if (!o->inited || (p[0] == 0x02) != (o->fmt != FMT_JPEG))
			return OVE_FORMAT;
		return 0;
	case OV_SNAPSHOT:
		if (p[0] > 1)
			return OVE_TYPE;
		if (!o->inited || (p[0] == 1) != (o->fmt != FMT_JPEG))
			return OVE_FORMAT;
		return 0;
	case OV_PACKAGE_SIZE:
		v = (unsigned int)p[1] | (unsigned int)p[2] << 8;
		if (p[0] != 0x08)
			return OVE_PARAM;
		return v < OV_PKG_MIN || v > OV_PKG_MAX ? OVE_PACKAGE_SIZE : 0;
	case OV_RESET:
		return p[0] > 1 ? OVE_PARAM : 0;
	case OV_LIGHT:
		return p[0] > 1 ? OVE_PARAM : 0;
	case OV_CBE:
		if (!g->cbe)
			return OVE_CMD_ID;
		return p[0] > 4 || p[1] > 4 || p[2] > 4 ? OVE_PARAM : 0;
	case OV_SLEEP:
		return g->sleep_cmd ? 0 : OVE_CMD_ID;
	case OV_BAUD:
	case OV_POWER_OFF:
	case OV_SYNC:
		return 0;
	case OV_DATA:
		return OVE_UNEXPECTED_CMD;	/* the camera's to send */
	case OV_NAK:
		return OVE_UNEXPECTED_REPLY;
	default:
		return OVE_CMD_ID;
	}
}

static void get_picture(struct bus *b, struct camera *c,
			const struct hostframe *h, int64_t th)
{
	struct ov528_cam *o = c->ov;
	uint8_t type = h->p[0];
	struct ovrep r;
	int64_t lat, end;

	if (type == 0x01) {
		rep_init(b, c, &r, true);
		rep_ack(b, c, &r, OV_GET_PICTURE);
		start_transfer(b, c, &r, &o->snap, type);
		rep_send(b, c, &r, cmd_start(c, th));
		return;
	}
	/* a preview: ACK, the capture, then DATA */
	lat = capture(b, c, &o->prev, type != 0x02, true);
	if (lat < 0) {
		reply_nak(b, c, th, OVE_NOT_READY);
		return;
	}
	end = reply_ack(b, c, th, OV_GET_PICTURE);
	end_transfer(o);
	o->pend_type = type;
	pend(c, OVP_DATA, end + lat);
}

static void execute(struct bus *b, struct camera *c, const struct hostframe *h,
		    int64_t th)
{
	struct ov528_cam *o = c->ov;
	const uint8_t *p = h->p;
	int64_t end, lat;

	switch (h->cmd) {
	case OV_SYNC:
		b->ov->st[OS_SYNCS]++;
		sync_answer(b, c, th);
		break;
	case OV_INITIAL:
		o->inited = true;
		o->fmt = p[1];
		o->raw_res = p[2];
		o->jpeg_res = p[3];
		end = reply_ack(b, c, th, h->cmd);
		o->init_until = end + ms_ns(b->ov->init_gap_ms);
		break;
	case OV_GET_PICTURE:
		get_picture(b, c, h, th);
		break;
	case OV_SNAPSHOT:
		/* ACK, then busy with the capture and the frames skipped */
		lat = capture(b, c, &o->snap, p[0] == 0, false);
		if (lat < 0) {
			reply_nak(b, c, th, OVE_NOT_READY);
			break;
		}
		end = reply_ack(b, c, th, h->cmd);
		c->busy_until = end + lat * (1 + (p[1] | p[2] << 8));
		o->idle_t = c->busy_until;
		break;
	case OV_PACKAGE_SIZE:
		o->pkgsize = (uint16_t)(p[1] | p[2] << 8);
		reply_ack(b, c, th, h->cmd);
		break;
	case OV_BAUD:
		end = reply_ack(b, c, th, h->cmd);
		o->pend_rate = ov528_baud(p[0], p[1]);
		pend(c, OVP_RATE, end);
		break;
	case OV_RESET:
		b->ov->st[OS_RESETS]++;
		end = reply_ack(b, c, th, h->cmd);
		if (p[0] == 0x01) {
			end_transfer(o);	/* the state machine only */
			o->sync_ack_due = false;
		} else {
			pend(c, OVP_RESET, end);
		}
		break;
	case OV_POWER_OFF:
		end = reply_ack(b, c, th, h->cmd);
		pend(c, OVP_SLEEP, end);
		break;
	case OV_LIGHT:
		o->light = p[0];
		reply_ack(b, c, th, h->cmd);
		break;
	case OV_CBE:
		memcpy(o->cbe, p, 3);
		reply_ack(b, c, th, h->cmd);
		break;
	case OV_SLEEP:
		o->sleep_timeout = p[0];
		reply_ack(b, c, th, h->cmd);
		break;
	default:
		break;
	}
}

/*
 * The host's ACKs: of the camera's SYNC (never answered), a package
 * request (the package), the end of a transfer (F0 F0, never answered),
 * the RAW picture's ACK (never answered). Anything else is NAKed as an
 * unexpected reply.
 */
static void host_ack(struct bus *b, struct camera *c, const struct hostframe *h,
		     int64_t th)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	uint32_t id = (uint32_t)h->p[2] | (uint32_t)h->p[3] << 8;

	switch (h->p[0]) {
	case OV_SYNC:
		if (o->sync_ack_due)
			g->st[OS_SYNC_ACKS]++;
		o->sync_ack_due = false;
		return;
	case 0x00:
		if (id == 0xf0f0) {
			if (o->xfer != OVX_NONE)
				g->st[OS_TRANSFERS_ENDED]++;
			end_transfer(o);
			return;
		}
		if (o->xfer != OVX_JPEG)
			break;
		if (id >= o->npkg) {
			reply_nak(b, c, th, OVE_PACKAGE_NUM);
			return;
		}
		send_package(b, c, id, th);
		return;
	case OV_DATA:
		if (o->xfer != OVX_RAW)
			break;
		g->st[OS_RAW_ACKS]++;
		end_transfer(o);
		return;
	default:
		break;
	}
	reply_nak(b, c, th, OVE_UNEXPECTED_REPLY);
}

void ov528_handle(struct bus *b, struct camera *c, const struct hostframe *h,
		  int64_t th)
{
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	uint8_t err;
	struct fault *f;

	c->busy_until = th;
	if (!c->rate || o->asleep) {
		hear_sync(b, c, h, th);
		return;
	}
	if (th > o->idle_t)
		o->idle_t = th;
	if (h->t0 < o->init_until) {
		/* within init-gap of INITIAL's ACK */
		g->st[OS_EARLY_CMDS]++;
		if (g->init_early == OV_EARLY_DROP)
			return;
		if (g->init_early == OV_EARLY_NAK) {
			reply_nak(b, c, th, OVE_UNEXPECTED_CMD);
			return;
		}
	}
	if (h->cmd == OV_ACK) {
		host_ack(b, c, h, th);
		return;
	}
	if (o->xfer != OVX_NONE && h->cmd != OV_SYNC &&
	    !(h->cmd == OV_RESET && h->p[3] == 0xff)) {
		/* still in a transfer: the host has not sent F0 F0 */
		reply_nak(b, c, th, g->transfer_nak);
		return;
	}
	err = check(b, c, h);
	if (!err && (f = fault_find(b, c, F_NAK))) {
		err = f->value_set ? (uint8_t)f->value : OVE_UNEXPECTED_CMD;
		b->fstat[F_NAK]++;
		fault_use(b, f);
	}
	if (err)
		reply_nak(b, c, th, err);
	else
		execute(b, c, h, th);
}

/* ---- settings --------------------------------------------------------- */

static int num(const char *s, unsigned long min, unsigned long max,
	       int base, unsigned long *v)
{
	return parse_ulong(s, base, max, v) || *v < min ? -1 : 0;
}

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int set_table(struct ov528 *g, const char *val, char *err,
		     size_t errlen)
{
	uint32_t t[OV_MAX_TABLE];
	char *copy = xstrdup(val), *save = NULL, *tok;
	int n = 0, r = 0;
	unsigned long v;

	for (tok = strtok_r(copy, ",", &save); tok && !r;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == OV_MAX_TABLE || num(tok, 300, OV_MAX_RATE, 10, &v))
			r = -1;
		else
			t[n++] = (uint32_t)v;
	}
	free(copy);
	if (r || !n)
		BAD("autobaud is R,R,... (1..%d rates, 300..%d)", OV_MAX_TABLE,
		    OV_MAX_RATE);
	memcpy(g->table, t, sizeof(t[0]) * (size_t)n);
	g->ntable = n;
	return 0;
}

/* turnaround: @c's own, or (NULL) the bus's and every camera's */
static void set_turnaround(struct bus *b, struct camera *c, double ms)
{
	if (c) {
		c->ov->xcvr.turnaround_ms = ms;
		return;
	}
	b->ov->turnaround_ms = ms;
	for (int i = 0; i < b->ncam; i++)
		b->cam[i].ov->xcvr.turnaround_ms = ms;
}

int ov528_set(struct bus *b, struct camera *c, bool named, const char *key,
	      const char *val, char *err, size_t errlen)
{
	struct ov528 *g = b->ov;
	unsigned long v;
	double d;

	if (!strcmp(key, "autobaud"))
		return set_table(g, val, err, errlen);
	if (!strcmp(key, "syncs") || !strcmp(key, "wake-syncs")) {
		if (num(val, 1, 1000, 10, &v))
			BAD("%s is 1..1000", key);
		*(key[0] == 's' ? &g->syncs : &g->wake_syncs) = (unsigned int)v;
	} else if (!strcmp(key, "preview-type")) {
		if (!strcmp(val, "none"))
			v = 0;
		else if (num(val, 3, 0xff, 16, &v))
			BAD("preview-type is a GET PICTURE type 03..ff (hex) or none");
		g->preview_type = (uint8_t)v;
	} else if (!strcmp(key, "cbe") || !strcmp(key, "sleep-cmd") ||
		   !strcmp(key, "sleep-keeps") || !strcmp(key, "rgb565")) {
		if (!strcmp(key, "rgb565")) {
			if (strcmp(val, "be") && strcmp(val, "le"))
				BAD("rgb565 is be or le");
			v = val[0] == 'l';
		} else if (num(val, 0, 1, 10, &v)) {
			BAD("%s is 0 or 1", key);
		}
		if (key[0] == 'c')
			g->cbe = v;
		else if (key[0] == 'r')
			g->rgb565_le = v;
		else if (key[6] == 'c')
			g->sleep_cmd = v;
		else
			g->sleep_keeps = v;
	} else if (!strcmp(key, "sleep-timeout")) {
		if (num(val, 0, 255, 10, &v))
			BAD("sleep-timeout is 0..255 s (0: never)");
		g->sleep_timeout = (unsigned int)v;
		if (c)
			c->ov->sleep_timeout = (unsigned int)v;
	} else if (!strcmp(key, "init-gap") || !strcmp(key, "turnaround")) {
		if (parse_ms(val, &d))
			BAD("%s is 0..600000 ms", key);
		if (key[0] == 'i')
			g->init_gap_ms = d;
		else
			set_turnaround(b, named ? c : NULL, d);
	} else if (!strcmp(key, "init-early")) {
		for (v = 0; v < OV_EARLY_N; v++)
			if (!strcmp(val, early_names[v]))
				break;
		if (v == OV_EARLY_N)
			BAD("init-early is nak, drop or accept");
		g->init_early = (enum ov_early)v;
	} else if (!strcmp(key, "transfer-nak")) {
		if (num(val, 0, 0xff, 16, &v))
			BAD("transfer-nak is a NAK code 00..ff (hex)");
		g->transfer_nak = (uint8_t)v;
	} else if (!strcmp(key, "pkgsize")) {
		if (num(val, OV_PKG_MIN, OV_PKG_MAX, 10, &v))
			BAD("pkgsize is %d..%d", OV_PKG_MIN, OV_PKG_MAX);
		g->pkgsize = (uint16_t)v;
	} else if (!strcmp(key, "quality")) {
		if (num(val, 1, 100, 10, &v))
			BAD("quality is 1..100");
		g->quality = (int)v;
	} else if (!strcmp(key, "rate")) {
		if (!c)
			BAD("a camera's rate is --camera addr=A,rate=R");
		if (strcmp(val, "0") && num(val, 300, OV_MAX_RATE, 10, &v))
			BAD("rate is 0 (not synced) or 300..%d", OV_MAX_RATE);
		c->rate = strcmp(val, "0") ? (uint32_t)v : 0;
		c->ov->asleep = false;
		c->ov->heard = 0;
	} else {
		return 1;
	}
	return 0;
}

/* ---- status ----------------------------------------------------------- */

void ov528_status(struct bus *b, struct camera *c, struct sbuf *out)
{
	static const char *const xfer[] = { "none", "jpeg", "raw" };
	struct ov528 *g = b->ov;
	struct ov528_cam *o = c->ov;
	const char *fmt = o->inited ? ov528_format_name(o->fmt) : NULL;

	sbuf_printf(out,
		    "ok family=ov528 addr=%u rate=%u guest=%u plugged=%d synced=%d asleep=%d sync-acked=%d heard=%u format=%s raw-res=%02x jpeg-res=%02x pkgsize=%u light=%u cbe=%u,%u,%u sleep-timeout=%u snapshot=%u transfer=%s frames=%zu cmd-ms=%g capture-ms=%g turnaround=%g",
		    c->addr, c->rate,
		    b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    c->plugged, c->rate && !o->asleep, o->asleep,
		    !o->sync_ack_due,
		    o->heard, fmt ? fmt : "none", o->raw_res, o->jpeg_res,
		    o->pkgsize, o->light, o->cbe[0], o->cbe[1], o->cbe[2],
		    o->sleep_timeout, o->snap.num, xfer[o->xfer], c->nframes,
		    c->cmd_ms, c->capture_ms, o->xcvr.turnaround_ms);
	sbuf_printf(out, " autobaud=");
	for (int i = 0; i < g->ntable; i++)
		sbuf_printf(out, "%s%u", i ? "," : "", g->table[i]);
	if (g->preview_type)
		sbuf_printf(out, " syncs=%u wake-syncs=%u preview-type=%02x",
			    g->syncs, g->wake_syncs, g->preview_type);
	else
		sbuf_printf(out, " syncs=%u wake-syncs=%u preview-type=none",
			    g->syncs, g->wake_syncs);
	sbuf_printf(out,
		    " cbe-support=%d sleep-cmd=%d sleep-keeps=%d init-gap=%g init-early=%s transfer-nak=%02x rgb565=%s quality=%d detail=%d\n",
		    g->cbe, g->sleep_cmd, g->sleep_keeps, g->init_gap_ms,
		    early_names[g->init_early], g->transfer_nak,
		    g->rgb565_le ? "le" : "be", g->quality, b->detail);
}

void ov528_stats(struct bus *b, struct sbuf *out)
{
	static const enum stat_id shared[] = {
		ST_RX_BYTES, ST_TX_BYTES, ST_FRAMING_ERRORS, ST_REPLIES,
		ST_REPLY_BYTES, ST_CMDS_DROPPED_UNPLUG,
	};

	for (size_t i = 0; i < ARRAY_SIZE(shared); i++)
		sbuf_printf(out, "stat %s %llu\n", stat_names[shared[i]],
			    (unsigned long long)b->stat[shared[i]]);
	for (int i = 0; i < OS_N; i++)
		sbuf_printf(out, "stat %s %llu\n", ov_stat_names[i],
			    (unsigned long long)b->ov->st[i]);
}
