// SPDX-License-Identifier: GPL-2.0
/*
 * The VC0706 camera (shared/protocols/vc0706.md); see vc0706.h, and
 * README.md for the choices made where the page is silent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "image.h"
#include "ucam.h"
#include "util.h"
#include "vc0706.h"

#define GAP_MS		50	/* a partial command dropped after this */

enum vcstat {
	VC_READS, VC_MOTION_REPORTS, VC_MOTION_UNSEEN, VC_CMDS_OTHER_SERIAL,
	VC_N
};

static const char *const vcstat_names[VC_N] = {
	[VC_READS] = "reads",
	[VC_MOTION_REPORTS] = "motion_reports",
	[VC_MOTION_UNSEEN] = "motion_unseen",
	[VC_CMDS_OTHER_SERIAL] = "cmds_other_serial",
};

struct vc {
	/* settings */
	uint8_t serial;
	uint8_t def_ratio;	/* power-on compression ratio */
	unsigned int align;	/* read address and length multiple */
	bool reset_keeps_rate;	/* 26 keeps the rate (else power-on rate) */
	bool size_needs_reset;	/* the EEPROM size applies at the next boot */
	char version[32];
	char boot_text[256];
	/* state */
	uint8_t eeprom_size;	/* 00 640x480, 11 320x240, 22 160x120 */
	uint8_t size;		/* the one in use */
	uint8_t downsize;	/* 00, 11 1/2, 22 1/4 */
	uint8_t ratio;
	bool frozen;
	struct image img;	/* the frozen frame */
	uint32_t frame;		/* its number */
	bool motion_on;		/* 37 01 01 */
	bool motion_uart;	/* 42 03 00 01 01 */
	bool motion_pending;	/* motion while frozen, reported at resume */
	unsigned int motion_n;	/* reports to send */
	int64_t motion_t;
	bool tvout;
	/* timers */
	int64_t boot_t;		/* boot text goes out, T_NEVER: none */
	int64_t rate_t;		/* rate_new applies */
	uint32_t rate_new;
	/* parser */
	uint8_t pbuf[4 + VC_MAX_LEN];
	size_t pn;
	int64_t plast;
	uint64_t st[VC_N];
};

static const struct {
	uint32_t rate;
	uint16_t code;
} bauds[] = {
	{ 9600, 0xaec8 }, { 19200, 0x56e4 }, { 38400, 0x2af2 },
	{ 57600, 0x1c4c }, { 115200, 0x0da6 },
};

uint16_t vc0706_baud_code(uint32_t rate)
{
	for (size_t i = 0; i < ARRAY_SIZE(bauds); i++)
		if (bauds[i].rate == rate)
			return bauds[i].code;
	return 0;
}

static uint32_t baud_of(uint16_t code)
{
	for (size_t i = 0; i < ARRAY_SIZE(bauds); i++)
		if (bauds[i].code == code)
			return bauds[i].rate;
	return 0;
}

static struct vc *V(struct bus *b)
{
	return b->uc->p;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Width of size code @s after downsize @d; 0 if not a size. */
static void dims(uint8_t s, uint8_t d, unsigned int *w, unsigned int *h)
{
	unsigned int shift = (s >> 4) + (d >> 4);

	*w = 640 >> shift;
	*h = 480 >> shift;
}

static bool size_code_ok(uint8_t v)
{
	return v == 0x00 || v == 0x11 || v == 0x22;
}

/* JPEG quality for compression ratio @r: 0x36 (best) 90 .. 0x8F 10. */
static int ratio_quality(uint8_t r)
{
	int q = 90 - ((int)r - 0x36) * 80 / (0x8f - 0x36);

	return q > 90 ? 90 : q < 10 ? 10 : q;
}

/* ---- replies ------------------------------------------------------------ */

static int64_t reply(struct bus *b, int64_t t, uint8_t cmd, uint8_t status,
		     const uint8_t *d, size_t n)
{
	uint8_t buf[5 + 64];

	buf[0] = 0x76;
	buf[1] = V(b)->serial;
	buf[2] = cmd;
	buf[3] = status;
	buf[4] = (uint8_t)n;
	if (n)
		memcpy(buf + 5, d, n);
	b->uc->st[UC_REPLIES]++;
	if (status)
		b->uc->st[UC_CMDS_BAD]++;
	return ucam_send(b, t, buf, 5 + n, US_STALL, NULL);
}

/* ---- state --------------------------------------------------------------- */

static void unfreeze(struct vc *v)
{
	v->frozen = false;
	image_free(&v->img);
}

/* Power-on state from @t (the EEPROM, the serial number survive). */
static void power_on(struct bus *b, struct vc *v)
{
	unfreeze(v);
	v->size = v->eeprom_size;
	v->downsize = 0;
	v->ratio = v->def_ratio;
	v->motion_on = v->motion_uart = v->motion_pending = false;
	v->motion_n = 0;
	v->tvout = false;
	v->pn = 0;
	v->rate_t = T_NEVER;
	(void)b;
}

/* Restart at @t: deaf until the boot text is out, boot-ms later. */
static void restart(struct bus *b, int64_t t, bool cmd)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);

	power_on(b, v);
	if (!cmd || !v->reset_keeps_rate) {
		if (u->rate != u->poweron_rate)
			u->st[UC_RATE_CHANGES]++;
		u->rate = u->poweron_rate;
	}
	u->deaf_until = T_NEVER;
	v->boot_t = t + ms_ns(u->boot_ms);
	bus_verbose(b, t, "restart (%s), %u bit/s", cmd ? "command" : "fault",
		    u->rate);
}

/* Freeze a new frame at @t. */
static void capture(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);
	unsigned int w, h;
	struct pattern_params p = {
		.frame = u->frame_counter + 1, .quality = ratio_quality(v->ratio),
		.brightness = 0x80, .contrast = 0x80,
		.texture = u->detail - DETAIL_DEFAULT, .no_addr = true,
	};

	dims(v->size, v->downsize, &w, &h);
	p.w = w;
	p.h = h;
	unfreeze(v);
	if (b->flush)
		b->flush(b);
	if (pattern_jpeg(&p, &v->img)) {
		fprintf(stderr, "camemu: frame encoding failed\n");
		return;
	}
	v->frozen = true;
	v->frame = ucam_frame(b, t, v->img.data, v->img.size, w, h, p.quality,
			      NULL, 0)->num;
}

/* ---- commands ------------------------------------------------------------ */

static uint8_t do_read_data(struct vc *v, const uint8_t *d, uint8_t *out)
{
	uint16_t addr = (uint16_t)(d[2] << 8 | d[3]);

	memset(out, 0, d[1]);
	if (d[0] == 0x04 && addr == 0x0019)
		out[0] = v->eeprom_size;
	else if (d[0] == 0x01 && addr == 0x1204)
		out[0] = v->ratio;
	return d[1];
}

static int do_write_data(struct vc *v, const uint8_t *d, size_t n)
{
	uint16_t addr = (uint16_t)(d[2] << 8 | d[3]);

	if (d[1] < 1 || n != 4u + d[1])
		return VCS_LENGTH;
	if (d[0] > 5)
		return VCS_FORMAT;
	if (d[0] == 0x04 && addr == 0x0019) {
		if (!size_code_ok(d[4]))
			return VCS_FORMAT;
		v->eeprom_size = d[4];
		if (!v->size_needs_reset)
			v->size = d[4];
	} else if (d[0] == 0x01 && addr == 0x1204) {
		v->ratio = d[4];
	}
	/* other registers: taken and forgotten */
	return VCS_OK;
}

static void handle(struct bus *b, const struct ucmd *c, int64_t t)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);
	uint8_t cmd = c->d[2], len = c->d[3], out[64];
	const uint8_t *d = c->d + 4;
	int st = VCS_OK;
	size_t n = 0;
	int64_t end;

	if (c->d[1] != v->serial) {
		v->st[VC_CMDS_OTHER_SERIAL]++;
		ucam_log_status(u, c->lognum, -2);
		return;
	}
#define NEED(k) do { if (len != (k)) { st = VCS_LENGTH; goto answer; } } while (0)
	switch (cmd) {
	case VC_GET_VERSION:
		NEED(0);
		n = strlen(v->version);
		memcpy(out, v->version, n);
		break;
	case VC_SET_PORT: {
		uint32_t r;

		NEED(3);
		r = baud_of((uint16_t)(d[1] << 8 | d[2]));
		if (d[0] != 0x01 || !r) {
			st = VCS_FORMAT;
			break;
		}
		end = reply(b, t, cmd, VCS_OK, NULL, 0);
		ucam_log_status(u, c->lognum, VCS_OK);
		v->rate_new = r;
		v->rate_t = end;
		return;
	}
	case VC_RESET:
		NEED(0);
		end = reply(b, t, cmd, VCS_OK, NULL, 0);
		ucam_log_status(u, c->lognum, VCS_OK);
		ucam_queue_clear(u);
		u->st[UC_RESETS]++;
		restart(b, end, true);
		return;
	case VC_READ_DATA:
		NEED(4);
		if (d[0] > 5 || d[1] < 1 || d[1] > 16) {
			st = VCS_FORMAT;
			break;
		}
		n = do_read_data(v, d, out);
		break;
	case VC_WRITE_DATA:
		if (len < 5) {
			st = VCS_LENGTH;
			break;
		}
		st = do_write_data(v, d, len);
		break;
	case VC_READ_FBUF: {
		uint32_t addr, cnt;
		unsigned int delay;
		uint8_t *buf;
		static const uint8_t wrap[5] = { 0x76, 0, VC_READ_FBUF, 0, 0 };
		uint8_t w[5];
		size_t sent;

		NEED(12);
		addr = (uint32_t)d[2] << 24 | (uint32_t)d[3] << 16 |
		       (uint32_t)d[4] << 8 | d[5];
		cnt = (uint32_t)d[6] << 24 | (uint32_t)d[7] << 16 |
		      (uint32_t)d[8] << 8 | d[9];
		delay = (unsigned int)(d[10] << 8 | d[11]);
		if (d[0] > 1 || d[1] != 0x0a || !cnt || cnt > VC_MAX_READ ||
		    addr % v->align || cnt % v->align) {
			st = VCS_FORMAT;
			break;
		}
		if (!v->frozen) {
			st = VCS_CANNOT_NOW;
			break;
		}
		memcpy(w, wrap, 5);
		w[1] = v->serial;
		buf = xcalloc(1, cnt);
		if (addr < v->img.size)
			memcpy(buf, v->img.data + addr,
			       min64(cnt, (int64_t)(v->img.size - addr)));
		u->st[UC_REPLIES]++;
		end = ucam_send(b, t, w, 5, US_STALL, NULL);
		/* the delay, 0.01 ms units, between the reply and the data */
		ucam_send(b, end + (int64_t)delay * 10000, buf, cnt, US_TRUNC,
			  &sent);
		ucam_send(b, t, w, 5, 0, NULL);
		free(buf);
		u->st[UC_DATA_BYTES] += sent;
		v->st[VC_READS]++;
		ucam_log_status(u, c->lognum, VCS_OK);
		return;
	}
	case VC_GET_FBUF_LEN:
		NEED(1);
		if (d[0] > 1) {
			st = VCS_FORMAT;
			break;
		}
		if (!v->frozen) {
			st = VCS_CANNOT_NOW;
			break;
		}
		n = 4;
		out[0] = (uint8_t)(v->img.size >> 24);
		out[1] = (uint8_t)(v->img.size >> 16);
		out[2] = (uint8_t)(v->img.size >> 8);
		out[3] = (uint8_t)v->img.size;
		break;
	case VC_FBUF_CTRL:
		NEED(1);
		switch (d[0]) {
		case 0x00:	/* stop the current frame */
			if (!v->frozen)
				capture(b, t);
			break;
		case 0x01:	/* stop the next frame */
		case 0x02:	/* step: one new frame, held */
			t += ms_ns(u->capture_ms);
			capture(b, t);
			break;
		case 0x03:	/* resume */
			if (v->frozen && v->motion_pending) {
				v->motion_n++;
				v->motion_t = t;
				v->motion_pending = false;
			}
			unfreeze(v);
			break;
		default:
			st = VCS_FORMAT;
		}
		break;
	case VC_MOTION_COMM:
		NEED(1);
		if (d[0] > 1)
			st = VCS_FORMAT;
		else
			v->motion_on = d[0];
		break;
	case VC_MOTION_STATUS:
		NEED(0);
		out[0] = v->motion_on;
		n = 1;
		break;
	case VC_MOTION_CTRL:
		NEED(3);
		if (d[0] != 0 || d[1] > 1 || d[2] > 1)
			st = VCS_FORMAT;
		else
			v->motion_uart = d[1] && d[2];
		break;
	case VC_TV_OUT:
		NEED(1);
		if (d[0] > 1)
			st = VCS_FORMAT;
		else
			v->tvout = d[0];
		break;
	case VC_DOWNSIZE: {
		unsigned int w, h;

		NEED(1);
		if (!size_code_ok(d[0])) {
			st = VCS_FORMAT;
			break;
		}
		dims(v->size, d[0], &w, &h);
		if (w < 160)
			st = VCS_CANNOT_NOW;
		else
			v->downsize = d[0];
		break;
	}
	case VC_GET_DOWNSIZE:
		NEED(0);
		out[0] = v->downsize;
		n = 1;
		break;
	default:
		st = VCS_NOT_RECEIVED;
	}
#undef NEED
answer:
	if (st)
		n = 0;
	reply(b, t, cmd, (uint8_t)st, out, n);
	ucam_log_status(u, c->lognum, st);
}

/* ---- receiving ------------------------------------------------------------ */

static void parse(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);
	size_t skip, need;

	for (;;) {
		skip = 0;
		while (skip < v->pn && v->pbuf[skip] != 0x56)
			skip++;
		if (!skip && v->pn >= 4 && v->pbuf[3] > VC_MAX_LEN)
			skip = 1;	/* not a command: look further on */
		if (skip) {
			u->st[UC_RX_JUNK_BYTES] += skip;
			memmove(v->pbuf, v->pbuf + skip, v->pn - skip);
			v->pn -= skip;
			continue;
		}
		if (v->pn < 4)
			return;
		need = 4u + v->pbuf[3];
		if (v->pn < need)
			return;
		ucam_command(b, t, v->pbuf, need);
		memmove(v->pbuf, v->pbuf + need, v->pn - need);
		v->pn -= need;
	}
}

static void byte(struct bus *b, uint8_t x, int64_t t)
{
	struct vc *v = V(b);

	if (!v->pn && x != 0x56) {
		b->uc->st[UC_RX_JUNK_BYTES]++;
		return;
	}
	v->pbuf[v->pn++] = x;
	v->plast = t;
	parse(b, t);
}

/* ---- timers ------------------------------------------------------------- */

static bool awake(const struct bus *b)
{
	return b->uc->deaf_until != T_NEVER;
}

static int64_t motion_time(struct bus *b)
{
	struct vc *v = V(b);

	if (!v->motion_n || !awake(b))
		return T_NEVER;
	return max64(v->motion_t, b->uc->busy_until);
}

static int64_t next_timer(struct bus *b)
{
	struct vc *v = V(b);
	int64_t t = min64(v->boot_t, v->rate_t);

	if (v->pn)
		t = min64(t, v->plast + ms_ns(GAP_MS));
	return min64(t, motion_time(b));
}

static void timer(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);

	if (t == v->rate_t) {
		v->rate_t = T_NEVER;
		if (u->rate != v->rate_new)
			u->st[UC_RATE_CHANGES]++;
		u->rate = v->rate_new;
		bus_verbose(b, t, "rate %u", u->rate);
	} else if (t == v->boot_t) {
		v->boot_t = T_NEVER;
		u->deaf_until = ucam_send(b, t, (const uint8_t *)v->boot_text,
					  strlen(v->boot_text), 0, NULL);
		u->st[UC_BOOTS]++;
	} else if (v->pn && t == v->plast + ms_ns(GAP_MS)) {
		u->st[UC_CMDS_TIMED_OUT]++;
		u->st[UC_RX_JUNK_BYTES] += v->pn;
		v->pn = 0;
	} else if (t == motion_time(b)) {
		static uint8_t rep[5] = { 0x76, 0, VC_MOTION_REPORT, 0, 0 };

		rep[1] = v->serial;
		v->motion_n--;
		v->st[VC_MOTION_REPORTS]++;
		ucam_send(b, t, rep, 5, 0, NULL);
	}
}

void vc0706_motion(struct bus *b, unsigned int n)
{
	struct vc *v = V(b);

	if (!v->motion_on || !v->motion_uart || !awake(b)) {
		v->st[VC_MOTION_UNSEEN] += n;
	} else if (v->frozen) {
		/* seen once the video runs again */
		v->motion_pending = true;
	} else {
		v->motion_n += n;
		v->motion_t = b->now;
	}
}

/* ---- settings and control ------------------------------------------------ */

#define SET_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int set(struct bus *b, const char *key, const char *val, char *err,
	       size_t errlen)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);
	unsigned long x;

	if (!strcmp(key, "rate") || !strcmp(key, "poweron-rate")) {
		if (parse_ulong(val, 10, 4000000, &x) || x < 300)
			SET_ERR("%s is 300..4000000", key);
		if (key[0] == 'r')
			u->rate = (uint32_t)x;
		else
			u->poweron_rate = (uint32_t)x;
	} else if (!strcmp(key, "serial")) {
		if (parse_ulong(val, 0, 255, &x))
			SET_ERR("serial is 0..255");
		v->serial = (uint8_t)x;
	} else if (!strcmp(key, "compression")) {
		if (parse_ulong(val, 0, 255, &x))
			SET_ERR("compression is 0..0xff");
		v->def_ratio = (uint8_t)x;
	} else if (!strcmp(key, "align")) {
		if (parse_ulong(val, 10, 64, &x) || !x)
			SET_ERR("align is 1..64");
		v->align = (unsigned int)x;
	} else if (!strcmp(key, "reset-rate")) {
		if (strcmp(val, "keep") && strcmp(val, "poweron"))
			SET_ERR("reset-rate is keep or poweron");
		v->reset_keeps_rate = val[0] == 'k';
	} else if (!strcmp(key, "size-needs-reset")) {
		if (parse_ulong(val, 10, 1, &x))
			SET_ERR("size-needs-reset is 0 or 1");
		v->size_needs_reset = x;
	} else if (!strcmp(key, "eeprom-size")) {
		if (parse_ulong(val, 16, 0x22, &x) || !size_code_ok((uint8_t)x))
			SET_ERR("eeprom-size is 00, 11 or 22");
		v->eeprom_size = (uint8_t)x;
	} else if (!strcmp(key, "version")) {
		if (strlen(val) >= sizeof(v->version) || strlen(val) > 59)
			SET_ERR("version is at most 31 characters");
		strcpy(v->version, val);
	} else {
		SET_ERR("unknown key '%s'", key);
	}
	return 0;
}

static void status(struct bus *b, struct sbuf *out)
{
	struct ucam *u = b->uc;
	struct vc *v = V(b);
	unsigned int w, h, ew, eh;

	dims(v->size, v->downsize, &w, &h);
	dims(v->eeprom_size, 0, &ew, &eh);
	sbuf_printf(out,
		    "ok family=vc0706 rate=%u guest=%u plugged=%d booting=%d serial=%u frozen=%d frame=%u frame-size=%zu res=%ux%u eeprom-res=%ux%u downsize=%02x compression=0x%02x quality=%d motion=%d motion-uart=%d tvout=%d frames=%zu",
		    u->rate, b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    u->plugged, !awake(b) || b->now < u->deaf_until, v->serial,
		    v->frozen, v->frozen ? v->frame : 0,
		    v->frozen ? v->img.size : 0, w, h, ew, eh, v->downsize,
		    v->ratio, ratio_quality(v->ratio), v->motion_on,
		    v->motion_uart, v->tvout, u->nrec);
	sbuf_printf(out,
		    " poweron-rate=%u compression-default=0x%02x align=%u reset-rate=%s size-needs-reset=%d cmd-ms=%g capture-ms=%g boot-ms=%g detail=%d\n",
		    u->poweron_rate, v->def_ratio, v->align,
		    v->reset_keeps_rate ? "keep" : "poweron",
		    v->size_needs_reset, u->cmd_ms, u->capture_ms, u->boot_ms,
		    u->detail);
}

static int exec(struct bus *b, char **w, int nw, struct sbuf *out)
{
	unsigned long n = 1;

	if (!strcmp(w[0], "motion")) {
		if (nw > 2 || (nw == 2 && (parse_ulong(w[1], 0, 1000, &n) ||
					   !n))) {
			sbuf_printf(out, "err usage: motion [N]\n");
			return 0;
		}
		vc0706_motion(b, (unsigned int)n);
		sbuf_printf(out, "ok\n");
		return 0;
	}
	return -1;
}

static void log_line(struct sbuf *out, const struct ulog *e)
{
	sbuf_printf(out, "cmd %llu t=%lld st=", (unsigned long long)e->num,
		    (long long)e->t);
	if (e->status >= 0)
		sbuf_printf(out, "%02x ", e->status);
	else
		sbuf_printf(out, "%s ", e->status == -1 ? "--" : "ig");
	for (int i = 0; i < e->n; i++)
		sbuf_printf(out, "%02x", e->d[i]);
	sbuf_add(out, "\n", 1);
}

static void stats(struct bus *b, struct sbuf *out)
{
	for (int i = 0; i < VC_N; i++)
		sbuf_printf(out, "stat %s %llu\n", vcstat_names[i],
			    (unsigned long long)V(b)->st[i]);
}

static void stats_clear(struct bus *b)
{
	memset(V(b)->st, 0, sizeof(V(b)->st));
}

static void vc_free(void *p)
{
	struct vc *v = p;

	image_free(&v->img);
	free(v);
}

const char vc0706_help[] =
	"ping                          -> ok pong\n"
	"set KEY VALUE                 -> ok  (rate R, poweron-rate R, serial N,\n"
	"                                     compression 0xNN (power-on ratio), align N,\n"
	"                                     reset-rate keep|poweron, size-needs-reset 0|1,\n"
	"                                     eeprom-size 00|11|22, version S, cmd-ms,\n"
	"                                     capture-ms, boot-ms MS, detail 0..4,\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1)\n"
	"status                        -> ok family=vc0706 rate=.. guest=.. plugged=..\n"
	"                                 booting=.. frozen=.. res=WxH ...\n"
	"motion [N]                    -> ok  (the scene changes N times (1))\n"
	"frames [since=N]              -> frame N ... lines (frames frozen), ok <count>\n"
	"frame N                       -> ok N res=WxH quality=Q size=S sha256=H captured_ns=T\n"
	"wait-frames N [TIMEOUT-MS]    -> ok <count> once N frames are frozen (since\n"
	"                                 start or stats clear), or err timeout (10000)\n"
	"log [since=N] | log clear     -> cmd N t=NS st=SS|--|ig HEX per command, ok <count>\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok <count>\n"
	"unplug | plug | powercycle | reset -> ok\n"
	"seed N                        -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

static const struct ucam_ops vc_ops = {
	.family = "vc0706",
	.byte = byte,
	.handle = handle,
	.next_timer = next_timer,
	.timer = timer,
	.restart = restart,
	.set = set,
	.status = status,
	.exec = exec,
	.log_line = log_line,
	.stats = stats,
	.stats_clear = stats_clear,
	.free = vc_free,
	.help = vc0706_help,
};

void vc0706_setup(struct bus *b, int64_t t0)
{
	struct vc *v = xcalloc(1, sizeof(*v));
	struct ucam *u;

	v->def_ratio = 0x35;
	v->align = 8;
	v->size_needs_reset = true;
	v->eeprom_size = 0x00;
	strcpy(v->version, "VC0703 1.00");
	strcpy(v->boot_text, "VC0703 1.00\r\nCtrl infr exist\r\n"
	       "User-defined sensor\r\n625\r\nInit end\r\n");
	v->boot_t = T_NEVER;
	u = ucam_new(&vc_ops, v, t0);
	u->rate = u->poweron_rate = 38400;
	u->cmd_ms = 1;
	u->capture_ms = 33;
	u->boot_ms = 1000;
	u->detail = b->detail;
	b->uc = u;
	power_on(b, v);
}
