// SPDX-License-Identifier: GPL-2.0
/*
 * SXH485 cameras on one wire: frame parsing, the command set of
 * sxh485.md plus the project's decisions, reply faults and timing. The
 * receivers, queue, timing and event loop also carry the OV528 cameras
 * (b->ov), whose command model is ov528.c.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "camera.h"
#include "crc16.h"
#include "omvp.h"
#include "pixy.h"
#include "ov528.h"
#include "stream.h"
#include "ucam.h"
#include "util.h"

const char *const stat_names[ST_N] = {
	[ST_RX_BYTES] = "rx_bytes",
	[ST_TX_BYTES] = "tx_bytes",
	[ST_FRAMES_OK] = "frames_ok",
	[ST_FRAMES_BADCRC] = "frames_badcrc",
	[ST_FRAMES_WRONGADDR] = "frames_wrongaddr",
	[ST_FRAMES_GARBLED_BYTES] = "frames_garbled_bytes",
	[ST_FRAMING_ERRORS] = "framing_errors",
	[ST_CAPTURES] = "captures",
	[ST_PACKETS_SENT] = "packets_sent",
	[ST_REPLIES] = "replies",
	[ST_REPLY_BYTES] = "reply_bytes",
	[ST_CMDS_DROPPED_UNPLUG] = "cmds_dropped_unplug",
	[ST_FRAMES_UNCLAIMED] = "frames_unclaimed",
};

static const uint32_t rate_codes[] = { 0, 4800, 9600, 19200, 38400, 57600,
				       115200 };

uint32_t rate_code(uint8_t code)
{
	return code < ARRAY_SIZE(rate_codes) ? rate_codes[code] : 0;
}

size_t sxh_frame(uint8_t *out, uint8_t addr, uint8_t cmd,
		 const uint8_t *p, uint16_t len)
{
	uint16_t crc;

	out[0] = 0x90;
	out[1] = 0xeb;
	out[2] = addr;
	out[3] = cmd;
	out[4] = (uint8_t)len;
	out[5] = (uint8_t)(len >> 8);
	if (len)
		memcpy(out + 6, p, len);
	crc = crc16_xmodem(0, out + 2, 4 + (size_t)len);
	out[6 + len] = (uint8_t)crc;
	out[7 + len] = (uint8_t)(crc >> 8);
	return 8 + (size_t)len;
}

/* ---- setup ---------------------------------------------------------- */

void bus_init(struct bus *b, int64_t t0)
{
	memset(b, 0, sizeof(*b));
	wave_init(&b->in);
	wave_init(&b->out);
	uart_rx_init(&b->guest_rx, t0);
	prng_seed(&b->prng, 1);
	b->log = xcalloc(LOG_CAP, sizeof(*b->log));
	b->now = t0;
	b->def_rate = 115200;
	b->def_capture_ms = 150;
	b->def_cmd_ms = 2;
	b->detail = DETAIL_DEFAULT;
	b->gmode = GUEST_FOLLOW;
	bus_set_restable(b, "01=160x160,03=320x240,05=640x480,07=1280x960");
}

void bus_free(struct bus *b)
{
	for (int i = 0; i < b->ncam; i++) {
		struct camera *c = &b->cam[i];

		image_free(&c->img);
		free(c->frames);
		free(c->q);
		free(c->image_dir);
		ov528_cam_free(c);
	}
	stream_free(b->stream);
	omvp_free(b->omvp);
	pixy_free(b->pixy);
	ucam_free(b->uc);
	ov528_free(b->ov);
	wave_free(&b->in);
	wave_free(&b->out);
	free(b->log);
	free(b->out_bytes.d);
	free(b->out_bytes.t);
	free(b->save_dir);
	free(b->image_dir);
	if (b->manifest)
		fclose(b->manifest);
	memset(b, 0, sizeof(*b));
}

int bus_set_restable(struct bus *b, const char *spec)
{
	struct rescode tab[MAX_RES];
	int n = 0;
	const char *s = spec;

	while (*s) {
		unsigned int code, w, h;
		int used = 0;

		if (n == MAX_RES ||
		    sscanf(s, "%x=%ux%u%n", &code, &w, &h, &used) != 3 ||
		    code > 0xff || !w || !h || w > 8192 || h > 8192 ||
		    w % 8 || h % 8)
			return -1;
		tab[n].code = (uint8_t)code;
		tab[n].w = w;
		tab[n].h = h;
		n++;
		s += used;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	if (!n)
		return -1;
	memcpy(b->res, tab, sizeof(tab[0]) * (size_t)n);
	b->nres = n;
	return 0;
}

const struct rescode *bus_res(const struct bus *b, uint8_t code)
{
	for (int i = 0; i < b->nres; i++)
		if (b->res[i].code == code)
			return &b->res[i];
	return NULL;
}

static void cam_defaults(struct camera *c)
{
	c->rate = c->saved_rate ? c->saved_rate : c->poweron_rate;
	c->pktsize = 512;
	c->pres = 0x05;
	c->comp = 2;
	c->bright = 0x80;
	c->contrast = 0x80;
	c->ir = false;
	c->have_img = false;
	image_free(&c->img);
	c->last_pkt = -1;
	c->x06_off = 0;
	c->pn = 0;
	c->qn = 0;
	c->qhead = 0;
}

struct camera *bus_add_camera(struct bus *b, unsigned int addr,
			      uint32_t rate, uint32_t saved_rate,
			      const char *image_dir)
{
	struct camera *c;

	if (b->ncam == MAX_CAMS)
		return NULL;
	c = &b->cam[b->ncam];
	memset(c, 0, sizeof(*c));
	c->idx = b->ncam++;
	c->addr = (uint8_t)addr;
	c->poweron_rate = rate ? rate : b->def_rate;
	c->saved_rate = saved_rate;
	c->capture_ms = b->def_capture_ms;
	c->cmd_ms = b->def_cmd_ms;
	c->image_dir = image_dir ? xstrdup(image_dir) : NULL;
	c->plugged = true;
	uart_rx_init(&c->rx, b->now);
	c->busy_until = b->now;
	cam_defaults(c);
	if (b->ov)
		ov528_attach(b, c, rate);
	return c;
}

struct camera *bus_cam_by_addr(struct bus *b, unsigned int addr)
{
	for (int i = 0; i < b->ncam; i++)
		if (b->cam[i].addr == addr)
			return &b->cam[i];
	return NULL;
}

/* ---- rates ------------------------------------------------------------ */

void bus_set_guest(struct bus *b, enum guest_mode m, uint32_t rate)
{
	b->gmode = m;
	b->guest_rate = m == GUEST_KNOWN ? rate : 0;
}

uint32_t bus_guest_rate(const struct bus *b)
{
	switch (b->gmode) {
	case GUEST_FOLLOW:
		if (b->stream)
			return b->stream->rate;
		if (b->omvp)
			return b->omvp->rate;
		if (b->pixy)
			return b->pixy->rate;
		if (b->uc)
			return b->uc->rate;
		/* an OV528 camera has no rate until it is synced */
		return b->ncam && b->cam[0].rate ? b->cam[0].rate : b->def_rate;
	case GUEST_UNKNOWN:
		return UNKNOWN_GUEST_RATE;
	default:
		return b->guest_rate;
	}
}

void bus_set_rate(struct bus *b, struct camera *c, uint32_t rate)
{
	(void)b;
	if (rate)
		c->rate = rate;
}

/* ---- output ----------------------------------------------------------- */

static void out_put(struct bus *b, uint8_t byte, int64_t t)
{
	struct outq *o = &b->out_bytes;

	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 4096;
		o->d = xrealloc(o->d, o->cap);
		o->t = xrealloc(o->t, o->cap * sizeof(*o->t));
	}
	o->d[o->n] = byte;
	o->t[o->n++] = t;
	b->stat[ST_TX_BYTES]++;
}

void bus_out_clear(struct bus *b)
{
	b->out_bytes.n = 0;
}

bool fault_hit(struct bus *b, const struct camera *c, enum fault_kind k)
{
	struct fault *f = fault_find(b, c, k);

	return f && f->p > 0 && prng_unit(&b->prng) < f->p;
}

int64_t bus_wire_send(struct bus *b, const struct camera *c, uint32_t rate,
		      int src, int64_t start, const uint8_t *d, size_t n)
{
	uint8_t *run = xmalloc(2 * n + 1);
	size_t rn = 0, slot = 0, run_slot = 0;
	int64_t end;

	if (start < wave_end(&b->out))
		start = wave_end(&b->out);
#define SLOT_T(k) (start + (int64_t)((__int128)(k) * 10 * NS_PER_S / rate))
#define FLUSH()								\
	do {								\
		if (rn)							\
			wave_append(&b->out, SLOT_T(run_slot), rate,	\
				    src, run, rn);			\
		rn = 0;							\
	} while (0)
	for (size_t i = 0; i < n; i++) {
		uint8_t byte = d[i];

		if (fault_hit(b, c, F_DROP)) {
			b->fstat[F_DROP]++;
			FLUSH();
			slot++;
		} else {
			if (fault_hit(b, c, F_BYTEFLIP)) {
				byte ^= (uint8_t)(1u <<
						  prng_below(&b->prng, 8));
				b->fstat[F_BYTEFLIP]++;
			}
			if (!rn)
				run_slot = slot;
			run[rn++] = byte;
			slot++;
		}
		if (fault_hit(b, c, F_GARBAGE)) {
			b->fstat[F_GARBAGE]++;
			if (!rn)
				run_slot = slot;
			run[rn++] = (uint8_t)prng_below(&b->prng, 256);
			slot++;
		}
	}
	FLUSH();
	end = SLOT_T(slot);
#undef FLUSH
#undef SLOT_T
	free(run);
	b->stat[ST_REPLY_BYTES] += n;
	return end;
}

int64_t bus_send(struct bus *b, struct camera *c, int64_t start,
		 const uint8_t *d, size_t n)
{
	if (start < wave_end(&b->out))
		start = wave_end(&b->out);
	c->busy_until = bus_wire_send(b, c, c->rate, c->idx, start, d, n);
	return start;
}

struct reply {
	uint8_t addr, cmd;
	bool has_status;
	uint8_t status;
	bool len24;		/* 0x02/0x12: 24-bit length, no status */
	const uint8_t *d1;
	size_t n1;
	const uint8_t *d2;
	size_t n2;
	int64_t extra_ns;	/* capture time */
};

void bus_verbose(struct bus *b, int64_t t, const char *fmt, ...)
{
	va_list ap;

	if (!b->verbose)
		return;
	fprintf(stderr, "camemu: %.6f ", (double)t / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void bus_trace_bytes(struct bus *b, const char *dir, int64_t t,
		     const uint8_t *d, size_t n)
{
	if (!b->verbose)
		return;
	fprintf(stderr, "camemu: %.6f %s", (double)t / 1e9, dir);
	for (size_t i = 0; i < n && i < 24; i++)
		fprintf(stderr, " %02x", d[i]);
	if (n > 24)
		fprintf(stderr, " ... (%zu bytes)", n);
	fputc('\n', stderr);
}

static void emit(struct bus *b, struct camera *c, struct reply *r,
		 int64_t th)
{
	struct fault *f;
	size_t ndata, flen, total, cut;
	uint8_t *fr;
	uint8_t addr = r->addr;
	uint16_t crc;
	int64_t start;
	size_t o = 0;
	bool dup = false;

	if (r->has_status) {
		f = fault_find(b, c, F_STATUS);
		if (f) {
			r->status = f->value_set ? (uint8_t)f->value : 0x01;
			r->n1 = r->n2 = 0;
			b->fstat[F_STATUS]++;
			fault_use(b, f);
		}
	}
	f = fault_find(b, c, F_WRONGADDR);
	if (f) {
		addr = addr >= 254 ? 1 : (uint8_t)(addr + 1);
		b->fstat[F_WRONGADDR]++;
		fault_use(b, f);
	}
	ndata = r->n1 + r->n2;
	flen = 2 + 4 + (r->has_status ? 1 : 0) + (r->len24 ? 1 : 0) + ndata + 2;
	fr = xmalloc(flen);
	if (fault_find(b, c, F_EBHEADER)) {
		fr[o++] = 0xeb;
		fr[o++] = 0x90;
		b->fstat[F_EBHEADER]++;
	} else {
		fr[o++] = 0x90;
		fr[o++] = 0xeb;
	}
	fr[o++] = addr;
	fr[o++] = r->cmd;
	if (r->len24) {
		uint32_t v = (uint32_t)ndata;

		f = fault_find(b, c, F_HUGELEN);
		if (f) {
			v = f->value_set ? f->value : 0xffffff;
			b->fstat[F_HUGELEN]++;
			fault_use(b, f);
		}
		fr[o++] = (uint8_t)v;
		fr[o++] = (uint8_t)(v >> 8);
		fr[o++] = (uint8_t)(v >> 16);
	} else {
		uint32_t v = (uint32_t)(ndata + (r->has_status ? 1 : 0));

		f = fault_find(b, c, F_HUGELEN);
		if (f) {
			v = f->value_set ? f->value : 0xffff;
			b->fstat[F_HUGELEN]++;
			fault_use(b, f);
		}
		fr[o++] = (uint8_t)v;
		fr[o++] = (uint8_t)(v >> 8);
		if (r->has_status)
			fr[o++] = r->status;
	}
	if (r->n1)
		memcpy(fr + o, r->d1, r->n1);
	o += r->n1;
	if (r->n2)
		memcpy(fr + o, r->d2, r->n2);
	o += r->n2;
	crc = crc16_xmodem(0, fr + 2, o - 2);
	f = fault_find(b, c, F_BADCRC);
	if (f) {
		crc ^= (uint16_t)(1 + prng_below(&b->prng, 0xffff));
		b->fstat[F_BADCRC]++;
		fault_use(b, f);
	}
	fr[o++] = (uint8_t)crc;
	fr[o++] = (uint8_t)(crc >> 8);
	total = o;

	f = fault_find(b, c, F_TRUNCATE);
	if (f) {
		cut = 1 + prng_below(&b->prng, (uint32_t)(total - 1));
		total = cut;
		b->fstat[F_TRUNCATE]++;
		fault_use(b, f);
	}
	if (r->cmd == 0x31) {
		f = fault_find(b, c, F_DUP);
		if (f) {
			dup = true;
			b->fstat[F_DUP]++;
			fault_use(b, f);
		}
	}
	start = th + ms_ns(c->cmd_ms) + r->extra_ns;
	f = fault_find(b, c, F_STALL);
	if (f) {
		start += ms_ns(f->value);
		b->fstat[F_STALL]++;
		fault_use(b, f);
	}
	if (dup) {
		fr = xrealloc(fr, 2 * total);
		memcpy(fr + total, fr, total);
		total *= 2;
	}
	bus_trace_bytes(b, "tx", start, fr, total);
	bus_send(b, c, start, fr, total);
	b->stat[ST_REPLIES]++;
	free(fr);
}

/* ---- images ----------------------------------------------------------- */

static int jpg_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && (!strcasecmp(d->d_name + n - 4, ".jpg") ||
			 (n > 5 && !strcasecmp(d->d_name + n - 5, ".jpeg")));
}

static int dir_image(struct bus *b, struct camera *c, const char *dir,
		     struct image *img)
{
	struct dirent **list;
	int n = scandir(dir, &list, jpg_filter, alphasort);
	char path[4096];
	int r = -1, ncomp = 3;

	(void)b;
	if (n <= 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir,
		 list[c->dir_next % (uint32_t)n]->d_name);
	c->dir_next++;
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	memset(img, 0, sizeof(*img));
	if (read_file(path, &img->data, &img->size) || !img->size) {
		free(img->data);
		return -1;
	}
	if (!jpeg_probe(img->data, img->size, &img->w, &img->h, &ncomp))
		r = 0;
	else
		r = 1;		/* served as is, size unknown */
	img->gray = ncomp == 1;
	return r;
}

struct frame_rec *cam_new_frame(struct camera *c)
{
	struct frame_rec *fr;

	if (c->nframes == c->frames_cap) {
		c->frames_cap = c->frames_cap ? 2 * c->frames_cap : 64;
		c->frames = xrealloc(c->frames,
				     c->frames_cap * sizeof(*c->frames));
	}
	fr = &c->frames[c->nframes++];
	memset(fr, 0, sizeof(*fr));
	return fr;
}

static void record_frame(struct bus *b, struct camera *c, uint8_t comp)
{
	struct frame_rec *fr = cam_new_frame(c);
	char path[4096];

	fr->num = c->frame_counter;
	fr->addr = c->addr;
	fr->w = c->img.w;
	fr->h = c->img.h;
	fr->comp = comp;
	fr->gray = c->img.gray;
	fr->size = (uint32_t)c->img.size;
	sha256_hex(c->img.data, c->img.size, fr->sha);
	if (b->manifest) {
		fprintf(b->manifest,
			"frame %u addr=%u res=%ux%u comp=%u gray=%d size=%u sha256=%s\n",
			fr->num, fr->addr, fr->w, fr->h, fr->comp, fr->gray,
			fr->size, fr->sha);
		fflush(b->manifest);
	}
	if (b->save_dir) {
		snprintf(path, sizeof(path), "%s/%u-%u.jpg", b->save_dir,
			 c->addr, fr->num);
		write_file(path, c->img.data, c->img.size);
	}
}

/*
 * Take a picture: replaces the stored image and restarts both transfers.
 * Returns -1 for a bad resolution code or compression level; sets the
 * capture time.
 */
static int capture(struct bus *b, struct camera *c, uint8_t code,
		   uint8_t comp, bool gray, int64_t *extra_ns)
{
	const struct rescode *rc = bus_res(b, code);
	const char *dir = c->image_dir ? c->image_dir : b->image_dir;
	struct image img;
	int r;

	if (!rc || comp > 4)
		return -1;
	*extra_ns = ms_ns(c->capture_ms * (double)rc->w * rc->h /
			  (640.0 * 480.0));
	c->frame_counter++;
	r = dir ? dir_image(b, c, dir, &img) : -1;
	if (r == 1) {
		img.w = rc->w;
		img.h = rc->h;
	} else if (r < 0) {
		struct pattern_params p = {
			.w = rc->w, .h = rc->h, .frame = c->frame_counter,
			.addr = c->addr, .quality = comp_quality(comp),
			.gray = gray, .brightness = c->bright,
			.contrast = c->contrast, .ir = c->ir,
			.texture = b->detail - DETAIL_DEFAULT,
		};

		if (pattern_jpeg(&p, &img)) {
			fprintf(stderr, "camemu: JPEG encoding failed\n");
			c->frame_counter--;
			return -1;
		}
	}
	image_free(&c->img);
	c->img = img;
	c->have_img = true;
	c->last_pkt = -1;
	c->x06_off = 0;
	c->comp = comp;
	b->stat[ST_CAPTURES]++;
	record_frame(b, c, comp);
	return 0;
}

/* ---- commands --------------------------------------------------------- */

static void log_cmd(struct bus *b, struct camera *c, const struct hostframe *h)
{
	struct logent *e = &b->log[b->log_seq % LOG_CAP];

	e->seq = ++b->log_seq;
	e->camaddr = c->addr;
	e->addr = h->addr;
	e->cmd = h->cmd;
	e->plen = (uint8_t)h->len;
	memcpy(e->p, h->p, h->len);
}

static void handle(struct bus *b, struct camera *c, const struct hostframe *h,
		   int64_t th)
{
	bool bcast = h->addr == 0xff;
	struct reply r = { .addr = c->addr, .cmd = h->cmd, .has_status = true };
	uint8_t d[8];
	const uint8_t *p = h->p;
	struct fault *f;
	int64_t extra = 0;
	uint32_t size;

	switch (h->cmd) {
	case 0x01:
		if (h->len != 2 || p[0] != 0x55 || p[1] != 0xaa) {
			r.status = ST_BADPARAM;
			break;
		}
		d[0] = 0xaa;
		d[1] = 0x55;
		r.d1 = d;
		r.n1 = 2;
		if (fault_find(b, c, F_NOSTATUS)) {
			r.has_status = false;
			b->fstat[F_NOSTATUS]++;
		}
		break;
	case 0x02:
	case 0x12:
		r.has_status = false;
		r.len24 = true;
		if (h->len == 2 &&
		    !capture(b, c, p[0], p[1], h->cmd == 0x12, &extra)) {
			r.d1 = c->img.data;
			r.n1 = c->img.size;
			r.extra_ns = extra;
		}
		break;
	case 0x03:
	case 0x04:
	case 0x08:
		if (h->len != 1 ||
		    (h->cmd == 0x08 && p[0] != 0x33 && p[0] != 0xcc)) {
			r.status = ST_BADPARAM;
			break;
		}
		if (h->cmd == 0x03)
			c->contrast = p[0];
		else if (h->cmd == 0x04)
			c->bright = p[0];
		else
			c->ir = p[0] == 0x33;
		d[0] = p[0];
		r.d1 = d;
		r.n1 = 1;
		break;
	case 0x05:
		if (h->len != 2 || capture(b, c, p[0], p[1], false, &extra)) {
			r.status = ST_BADPARAM;
			break;
		}
		r.extra_ns = extra;
		size = (uint32_t)c->img.size;
		f = fault_find(b, c, F_STATUS) ? NULL :
		    fault_find(b, c, F_HUGESIZE);
		if (f) {
			size = f->value_set ? f->value : 0xffffff;
			b->fstat[F_HUGESIZE]++;
			fault_use(b, f);
		}
		r.status = size > 65534 ? ST_MORE : ST_OK;
		put_le(d, size, 4);
		r.d1 = d;
		r.n1 = 4;
		break;
	case 0x06: {
		size_t off, n;

		if (h->len != 0) {
			r.status = ST_BADPARAM;
			break;
		}
		if (!c->have_img) {
			r.status = ST_NOIMAGE;
			break;
		}
		off = c->x06_off >= c->img.size ? 0 : c->x06_off;
		n = c->img.size - off;
		if (n > 65534)
			n = 65534;
		c->x06_off = off + n;
		r.status = c->x06_off < c->img.size ? ST_MORE : ST_OK;
		r.d1 = c->img.data + off;
		r.n1 = n;
		break;
	}
	case 0x0a:
	case 0x0b: {
		uint32_t rate = h->len >= 1 ? rate_code(p[0]) : 0;

		if (rate) {
			c->rate = rate;
			if (h->cmd == 0x0b)
				c->saved_rate = rate;
		}
		c->busy_until = th;
		return;		/* never answered */
	}
	case 0x0d:
		if (h->len != 1 || p[0] == 0 || p[0] == 0xff) {
			r.status = ST_BADPARAM;
			break;
		}
		c->addr = p[0];
		r.addr = c->addr;
		d[0] = p[0];
		r.d1 = d;
		r.n1 = 1;
		break;
	case 0x30: {
		uint32_t count;

		if (h->len != 0 ||
		    capture(b, c, c->pres, c->comp, false, &extra)) {
			r.status = ST_BADPARAM;
			break;
		}
		r.extra_ns = extra;
		size = (uint32_t)c->img.size;
		f = fault_find(b, c, F_STATUS) ? NULL :
		    fault_find(b, c, F_HUGESIZE);
		if (f) {
			size = f->value_set ? f->value : 0xffffff;
			b->fstat[F_HUGESIZE]++;
			fault_use(b, f);
		}
		count = (uint32_t)(((uint64_t)size + c->pktsize - 1) /
				   c->pktsize);
		if (count > 0xffff)
			count = 0xffff;
		put_le(d, size, 4);
		put_le(d + 4, count, 2);
		r.d1 = d;
		r.n1 = 6;
		break;
	}
	case 0x31: {
		unsigned long pn, count, send;

		if (h->len != 2) {
			r.status = ST_BADPARAM;
			break;
		}
		pn = (unsigned long)p[0] | (unsigned long)p[1] << 8;
		count = c->have_img ?
			(c->img.size + c->pktsize - 1) / c->pktsize : 0;
		if (!c->have_img || pn >= count ||
		    ((long)pn != c->last_pkt + 1 && (long)pn != c->last_pkt)) {
			r.status = ST_NOIMAGE;
			break;
		}
		c->last_pkt = (long)pn;
		send = pn;
		f = fault_find(b, c, F_STATUS) ? NULL :
		    fault_find(b, c, F_REORDER);
		if (f && pn + 1 < count) {
			send = pn + 1;
			b->fstat[F_REORDER]++;
			fault_use(b, f);
		}
		put_le(d, (uint32_t)send, 2);
		r.d1 = d;
		r.n1 = 2;
		r.d2 = c->img.data + send * c->pktsize;
		r.n2 = c->img.size - send * c->pktsize;
		if (r.n2 > c->pktsize)
			r.n2 = c->pktsize;
		b->stat[ST_PACKETS_SENT]++;
		break;
	}
	case 0x32: {
		unsigned int sz;

		if (h->len != 2) {
			r.status = ST_BADPARAM;
			break;
		}
		sz = (unsigned int)p[0] | (unsigned int)p[1] << 8;
		if (sz < 128 || sz > 4096 || sz % 128) {
			r.status = ST_BADPARAM;
			break;
		}
		c->pktsize = (uint16_t)sz;
		put_le(d, sz, 2);
		r.d1 = d;
		r.n1 = 2;
		break;
	}
	case 0x34:
		if (h->len != 1 || !bus_res(b, p[0])) {
			r.status = ST_BADPARAM;
			break;
		}
		c->pres = p[0];
		d[0] = p[0];
		r.d1 = d;
		r.n1 = 1;
		break;
	default:
		r.status = ST_BADPARAM;
		break;
	}
	if (bcast) {
		c->busy_until = th;
		return;
	}
	emit(b, c, &r, th);
}

/* ---- receiving -------------------------------------------------------- */

static void queue_frame(struct camera *c, const struct hostframe *h)
{
	if (c->qhead && c->qhead == c->qn) {
		c->qhead = 0;
		c->qn = 0;
	}
	if (c->qn == c->qcap) {
		c->qcap = c->qcap ? 2 * c->qcap : 16;
		c->q = xrealloc(c->q, c->qcap * sizeof(*c->q));
	}
	c->q[c->qn++] = *h;
}

static bool bus_has_addr(const struct bus *b, uint8_t addr)
{
	for (int i = 0; i < b->ncam; i++)
		if (b->cam[i].addr == addr)
			return true;
	return false;
}

static void parse_frame(struct bus *b, struct camera *c, int64_t t)
{
	struct hostframe h = { 0 };

	h.tc = t;
	h.addr = c->pbuf[2];
	h.cmd = c->pbuf[3];
	h.len = (uint16_t)(c->pbuf[4] | c->pbuf[5] << 8);
	memcpy(h.p, c->pbuf + 6, h.len);
	if (h.addr != c->addr && h.addr != 0xff) {
		b->stat[ST_FRAMES_WRONGADDR]++;
		/* for no camera of the stream: counted once, by the first */
		if (c == &b->cam[0] && !bus_has_addr(b, h.addr))
			b->stat[ST_FRAMES_UNCLAIMED]++;
		return;
	}
	b->stat[ST_FRAMES_OK]++;
	bus_accept_cmd(b, c, &h);
}

void bus_accept_cmd(struct bus *b, struct camera *c, const struct hostframe *h)
{
	log_cmd(b, c, h);
	if (b->verbose) {
		size_t n = b->ov ? 6 : 8 + (size_t)h->len;

		bus_trace_bytes(b, "frame", h->tc, c->pbuf, n);
	}
	queue_frame(c, h);
}

static void parser_drop(struct bus *b, struct camera *c, size_t n)
{
	memmove(c->pbuf, c->pbuf + n, c->pn - n);
	c->pn -= n;
	b->stat[ST_FRAMES_GARBLED_BYTES] += n;
}

static void parser_feed(struct bus *b, struct camera *c, uint8_t byte,
			int64_t t)
{
	if (c->pn && t - c->plast > GAP_NS)
		parser_drop(b, c, c->pn);
	c->plast = t;
	c->pbuf[c->pn++] = byte;
	for (;;) {
		size_t len, need;
		uint16_t crc;

		if (c->pn >= 1 && c->pbuf[0] != 0x90) {
			parser_drop(b, c, 1);
			continue;
		}
		if (c->pn >= 2 && c->pbuf[1] != 0xeb) {
			parser_drop(b, c, 1);
			continue;
		}
		if (c->pn < 6)
			return;
		len = (size_t)c->pbuf[4] | (size_t)c->pbuf[5] << 8;
		if (len > MAX_PARAM) {
			parser_drop(b, c, 1);
			continue;
		}
		need = 8 + len;
		if (c->pn < need)
			return;
		crc = crc16_xmodem(0, c->pbuf + 2, 4 + len);
		if (c->pbuf[6 + len] != (uint8_t)crc ||
		    c->pbuf[7 + len] != (uint8_t)(crc >> 8)) {
			b->stat[ST_FRAMES_BADCRC]++;
			parser_drop(b, c, 1);
			continue;
		}
		parse_frame(b, c, t);
		memmove(c->pbuf, c->pbuf + need, c->pn - need);
		c->pn -= need;
	}
}

static void cam_byte(struct bus *b, struct camera *c, const struct rx_event *ev)
{
	uint8_t byte = ev->byte;

	if (!c->plugged)
		return;
	if (ev->framing_err)
		b->stat[ST_FRAMING_ERRORS]++;
	if (fault_hit(b, c, F_RXFLIP)) {
		byte ^= (uint8_t)(1u << prng_below(&b->prng, 8));
		b->fstat[F_RXFLIP]++;
	}
	if (b->ov)
		ov528_feed(b, c, byte, ev->t);
	else
		parser_feed(b, c, byte, ev->t);
}

void bus_rx(struct bus *b, int64_t now, const uint8_t *d, size_t n)
{
	if (!n)
		return;
	b->stat[ST_RX_BYTES] += n;
	wave_append(&b->in, now, bus_guest_rate(b), -1, d, n);
}

/* ---- the event loop --------------------------------------------------- */

enum ev_kind {
	EV_NONE, EV_CAMRX, EV_TIMER, EV_CMD, EV_STREAM, EV_OMVP, EV_PIXY, EV_UCAM,
	EV_OUT
};

static int64_t cmd_time(const struct camera *c)
{
	int64_t t;

	if (c->qhead == c->qn)
		return T_NEVER;
	t = c->q[c->qhead].tc;
	return t > c->busy_until ? t : c->busy_until;
}

static int64_t next_event(struct bus *b, enum ev_kind *kind, int *idx)
{
	bool follow = b->gmode == GUEST_FOLLOW;
	int64_t best = T_NEVER, t;
	const struct rx_event *ev;

	*kind = EV_NONE;
	*idx = -1;
	for (int i = 0; i < b->ncam; i++) {
		struct camera *c = &b->cam[i];

		ev = uart_rx_peek(&c->rx, &b->in,
				  b->ov ? ov528_rx_rate(b, c) : c->rate,
				  follow);
		if (ev->t < best) {
			best = ev->t;
			*kind = EV_CAMRX;
			*idx = i;
		}
	}
	/* an OV528 camera's own timers: before a command due at that time */
	for (int i = 0; b->ov && i < b->ncam; i++) {
		t = ov528_next_timer(b, &b->cam[i]);
		if (t < best) {
			best = t;
			*kind = EV_TIMER;
			*idx = i;
		}
	}
	for (int i = 0; i < b->ncam; i++) {
		t = cmd_time(&b->cam[i]);
		if (t < best) {
			best = t;
			*kind = EV_CMD;
			*idx = i;
		}
	}
	ev = uart_rx_peek(&b->guest_rx, &b->out, bus_guest_rate(b), follow);
	if (ev->t < best) {
		best = ev->t;
		*kind = EV_OUT;
	}
	/*
	 * After the host's byte of the same instant: a frame's last byte is
	 * delivered before the frame is published or the next one rendered.
	 */
	if (b->stream) {
		t = stream_next_event(b);
		if (t < best) {
			best = t;
			*kind = EV_STREAM;
		}
	}
	if (b->omvp) {
		t = omvp_next_event(b);
		if (t < best) {
			best = t;
			*kind = EV_OMVP;
		}
	}
	if (b->pixy) {
		t = pixy_next_event(b);
		if (t < best) {
			best = t;
			*kind = EV_PIXY;
		}
	}
	if (b->uc) {
		t = ucam_next_event(b);
		if (t < best) {
			best = t;
			*kind = EV_UCAM;
		}
	}
	return best;
}

int64_t bus_next_event(struct bus *b)
{
	enum ev_kind k;
	int i;

	return next_event(b, &k, &i);
}

void bus_advance(struct bus *b, int64_t now)
{
	enum ev_kind kind;
	int idx;
	int64_t t, low;

	for (;;) {
		t = next_event(b, &kind, &idx);
		if (t > now || kind == EV_NONE)
			break;
		if (kind == EV_CAMRX) {
			struct camera *c = &b->cam[idx];
			struct rx_event ev = c->rx.ev;

			uart_rx_commit(&c->rx);
			if (ev.has_byte)
				cam_byte(b, c, &ev);
		} else if (kind == EV_CMD) {
			struct camera *c = &b->cam[idx];
			struct hostframe h = c->q[c->qhead++];

			if (b->ov)
				ov528_handle(b, c, &h, t);
			else
				handle(b, c, &h, t);
		} else if (kind == EV_TIMER) {
			ov528_timer(b, &b->cam[idx], t);
		} else if (kind == EV_STREAM) {
			stream_step(b, t);
		} else if (kind == EV_OMVP) {
			omvp_step(b, t);
		} else if (kind == EV_PIXY) {
			pixy_step(b, t);
		} else if (kind == EV_UCAM) {
			ucam_step(b, t);
		} else {
			struct rx_event ev = b->guest_rx.ev;

			uart_rx_commit(&b->guest_rx);
			if (ev.has_byte)
				out_put(b, ev.byte, ev.t);
		}
	}
	if (now > b->now)
		b->now = now;
	low = b->now;
	for (int i = 0; i < b->ncam; i++)
		if (b->cam[i].rx.cur < low)
			low = b->cam[i].rx.cur;
	if (b->omvp && omvp_rx_cur(b) < low)
		low = omvp_rx_cur(b);
	if (b->pixy && pixy_rx_cur(b) < low)
		low = pixy_rx_cur(b);
	if (b->uc && ucam_rx_cur(b) < low)
		low = ucam_rx_cur(b);
	wave_trim(&b->in, low);
	wave_trim(&b->out, b->guest_rx.cur < b->now ? b->guest_rx.cur : b->now);
}

/* ---- plug, unplug, power ---------------------------------------------- */

void bus_unplug(struct bus *b, struct camera *c)
{
	c->plugged = false;
	wave_cancel(&b->out, c->idx, b->now);
	if (b->ov)
		ov528_let_go(b, c);
	c->pn = 0;
	b->stat[ST_CMDS_DROPPED_UNPLUG] += c->qn - c->qhead;
	c->qn = c->qhead = 0;
	c->busy_until = b->now;
}

void bus_plug(struct bus *b, struct camera *c)
{
	(void)b;
	c->plugged = true;
}

void bus_powercycle(struct bus *b, struct camera *c)
{
	wave_cancel(&b->out, c->idx, b->now);
	c->busy_until = b->now;
	cam_defaults(c);
	if (b->ov) {
		ov528_let_go(b, c);
		ov528_power_on(b, c, 0);
	}
}
