// SPDX-License-Identifier: GPL-2.0
/*
 * The ASCII "U#" camera (shared/protocols/ascii-u.md); see asciiu.h, and
 * README.md for the choices made where the page is silent.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asciiu.h"
#include "camera.h"
#include "image.h"
#include "ucam.h"
#include "util.h"

#define GAP_MS		50	/* a partial command dropped after this */
#define AU_MAX_SIZE	0xffff	/* what 4 hex digits can announce */

enum austat {
	AU_PICTURES, AU_CONT_STOPS, AU_ERRORS, AU_CMDS_UNSUPPORTED, AU_N
};

static const char *const austat_names[AU_N] = {
	[AU_PICTURES] = "pictures",
	[AU_CONT_STOPS] = "cont_stops",
	[AU_ERRORS] = "errors",
	[AU_CMDS_UNSUPPORTED] = "cmds_unsupported",
};

struct au {
	/* settings */
	int quality;
	unsigned int pad;	/* zero bytes after EOI, announced */
	unsigned int packet;	/* bytes a write */
	double packet_gap_ms;	/* pause between two writes */
	bool upper;		/* hex digits of UP in upper case */
	bool has_cont;		/* the model has continuous mode (UC) */
	/* state */
	bool cont;		/* continuous mode */
	uint8_t pic_n;		/* size of the next picture, 1..3 */
	int64_t pic_t;		/* it goes out (UP...#), T_NEVER: none */
	int64_t rate_t;
	uint32_t rate_new;
	/* parser */
	uint8_t pbuf[AU_CMD_MAX];
	size_t pn;
	int64_t plast;
	uint64_t st[AU_N];
};

static const uint32_t rates[5] = { 0, 9600, 19200, 38400, 57600 };

static struct au *A(struct bus *b)
{
	return b->uc->p;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void dims(uint8_t n, unsigned int *w, unsigned int *h)
{
	*w = 80u << n;
	*h = 60u << n;
}

/* ---- sending ------------------------------------------------------------ */

static int64_t reply(struct bus *b, int64_t t, const char *s)
{
	b->uc->st[UC_REPLIES]++;
	return ucam_send(b, t, (const uint8_t *)s, strlen(s), US_STALL, NULL);
}

/* The picture at @t: UP<size>#, then the JPEG and its padding. */
static void picture(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);
	unsigned int w, h;
	struct pattern_params p = {
		.frame = u->frame_counter + 1, .quality = a->quality,
		.brightness = 0x80, .contrast = 0x80,
		.texture = u->detail - DETAIL_DEFAULT, .no_addr = true,
	};
	struct image img = { 0 };
	uint8_t *data;
	size_t n, total, off = 0;
	char hdr[16];
	struct fault *f;
	int64_t end;

	dims(a->pic_n, &w, &h);
	p.w = w;
	p.h = h;
	if (b->flush)
		b->flush(b);
	/* the camera's encoder keeps a picture within what UP can say */
	for (;;) {
		if (pattern_jpeg(&p, &img)) {
			fprintf(stderr, "camemu: frame encoding failed\n");
			a->cont = false;
			return;
		}
		if (img.size + a->pad <= AU_MAX_SIZE || p.quality <= 5)
			break;
		image_free(&img);
		p.quality = p.quality > 15 ? p.quality - 10 : 5;
	}
	n = img.size + a->pad;
	data = xcalloc(1, n);
	memcpy(data, img.data, img.size);
	ucam_frame(b, t, img.data, img.size, w, h, p.quality, data, n);
	snprintf(hdr, sizeof(hdr), a->upper ? "UP%02X%02X#" : "UP%02x%02x#",
		 (unsigned int)(n & 0xff), (unsigned int)(n >> 8 & 0xff));
	end = reply(b, t, hdr);
	total = n;
	f = fault_find(b, NULL, F_TRUNCATE);
	if (f && n > 1) {
		total = 1 + prng_below(&b->prng, (uint32_t)n - 1);
		b->fstat[F_TRUNCATE]++;
		fault_use(b, f);
	}
	while (off < total) {
		size_t k = total - off < a->packet ? total - off : a->packet;

		end = ucam_send(b, off ? end + ms_ns(a->packet_gap_ms) : end,
				data + off, k, 0, NULL);
		off += k;
	}
	u->st[UC_DATA_BYTES] += total;
	a->st[AU_PICTURES]++;
	free(data);
	image_free(&img);
	/* continuous: the next picture was taken while this one went out */
	a->pic_t = a->cont ? end : T_NEVER;
}

/* ---- commands ------------------------------------------------------------ */

static int64_t capture_ns(const struct ucam *u, uint8_t n)
{
	unsigned int w, h;

	dims(n, &w, &h);
	return ms_ns(u->capture_ms * (double)(w * h) / (640.0 * 480.0));
}

/*
 * Leave continuous mode at @t: the picture on the line finishes, the
 * next one is not sent.
 */
static void cont_end(struct bus *b, int64_t t)
{
	struct au *a = A(b);

	a->cont = false;
	if (a->pic_t != T_NEVER && a->pic_t > t) {
		a->pic_t = T_NEVER;
		if (b->uc->busy_until > t)
			b->uc->busy_until = wave_end(&b->out) > t ?
					    wave_end(&b->out) : t;
	}
}

static void handle(struct bus *b, const struct ucmd *c, int64_t t)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);
	const uint8_t *d = c->d;
	int64_t end;
	int digit = c->n == 4 && d[0] == 'U' && d[3] == '#' ?
		    d[2] - '0' : -1;

	if (digit >= 1 && digit <= 4 && d[1] == 'I') {
		end = reply(b, t, "UI#");
		a->rate_new = rates[digit];
		a->rate_t = end;
	} else if (digit >= 1 && digit <= 3 && d[1] == 'C' && !a->has_cont) {
		/* a model without continuous mode: a command it cannot do */
		reply(b, t, "UE#");
		a->st[AU_CMDS_UNSUPPORTED]++;
		ucam_log_status(u, c->lognum, 1);
		return;
	} else if (digit >= 1 && digit <= 3 && (d[1] == 'G' || d[1] == 'C')) {
		end = reply(b, t, d[1] == 'G' ? "UG#" : "UC#");
		a->cont = d[1] == 'C';
		a->pic_n = (uint8_t)digit;
		a->pic_t = end + capture_ns(u, a->pic_n);
		/* busy until the picture is out: commands wait for it */
		u->busy_until = a->pic_t;
	} else {
		reply(b, t, "UE#");
		u->st[UC_CMDS_BAD]++;
		a->st[AU_ERRORS]++;
		ucam_log_status(u, c->lognum, 1);
		return;
	}
	ucam_log_status(u, c->lognum, 0);
}

/* ---- receiving ------------------------------------------------------------ */

static void complete(struct bus *b, int64_t t)
{
	struct au *a = A(b);

	if (a->cont) {
		/* any command ends continuous mode after the picture under way */
		cont_end(b, t);
		a->st[AU_CONT_STOPS]++;
	}
	ucam_command(b, t, a->pbuf, a->pn);
	a->pn = 0;
}

static void byte(struct bus *b, uint8_t x, int64_t t)
{
	struct au *a = A(b);

	if (!a->pn && x != 'U') {
		b->uc->st[UC_RX_JUNK_BYTES]++;	/* line noise between commands */
		return;
	}
	a->pbuf[a->pn++] = x;
	a->plast = t;
	if (x == '#' || a->pn == AU_CMD_MAX)
		complete(b, t);
}

/* ---- timers ------------------------------------------------------------- */

static int64_t next_timer(struct bus *b)
{
	struct au *a = A(b);
	int64_t t = min64(a->pic_t, a->rate_t);

	if (a->pn)
		t = min64(t, a->plast + ms_ns(GAP_MS));
	return t;
}

static void timer(struct bus *b, int64_t t)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);

	if (t == a->rate_t) {
		a->rate_t = T_NEVER;
		if (u->rate != a->rate_new)
			u->st[UC_RATE_CHANGES]++;
		u->rate = a->rate_new;
		bus_verbose(b, t, "rate %u", u->rate);
	} else if (t == a->pic_t) {
		picture(b, t);
	} else if (a->pn && t == a->plast + ms_ns(GAP_MS)) {
		u->st[UC_CMDS_TIMED_OUT]++;
		u->st[UC_RX_JUNK_BYTES] += a->pn;
		a->pn = 0;
	}
}

static void restart(struct bus *b, int64_t t, bool cmd)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);

	(void)cmd;
	a->cont = false;
	a->pic_t = a->rate_t = T_NEVER;
	a->pn = 0;
	if (u->rate != u->poweron_rate)
		u->st[UC_RATE_CHANGES]++;
	u->rate = u->poweron_rate;
	u->deaf_until = t + ms_ns(u->boot_ms);
	u->st[UC_BOOTS]++;
	bus_verbose(b, t, "restart, %u bit/s", u->rate);
}

/* ---- settings and control ------------------------------------------------ */

#define SET_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int set(struct bus *b, const char *key, const char *val, char *err,
	       size_t errlen)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);
	unsigned long x;
	double d;

	if (!strcmp(key, "rate") || !strcmp(key, "poweron-rate")) {
		if (parse_ulong(val, 10, 4000000, &x) || x < 300)
			SET_ERR("%s is 300..4000000", key);
		if (key[0] == 'r')
			u->rate = (uint32_t)x;
		else
			u->poweron_rate = (uint32_t)x;
	} else if (!strcmp(key, "quality")) {
		if (parse_ulong(val, 10, 100, &x) || !x)
			SET_ERR("quality is 1..100");
		a->quality = (int)x;
	} else if (!strcmp(key, "pad")) {
		if (parse_ulong(val, 10, 64, &x))
			SET_ERR("pad is 0..64");
		a->pad = (unsigned int)x;
	} else if (!strcmp(key, "packet")) {
		if (parse_ulong(val, 10, 65535, &x) || !x)
			SET_ERR("packet is 1..65535");
		a->packet = (unsigned int)x;
	} else if (!strcmp(key, "packet-gap-ms")) {
		if (parse_ms(val, &d))
			SET_ERR("packet-gap-ms is 0..600000");
		a->packet_gap_ms = d;
	} else if (!strcmp(key, "hex")) {
		if (strcmp(val, "lower") && strcmp(val, "upper"))
			SET_ERR("hex is lower or upper");
		a->upper = val[0] == 'u';
	} else if (!strcmp(key, "continuous") ||
		   !strcmp(key, "has-continuous")) {
		if (parse_ulong(val, 10, 1, &x))
			SET_ERR("%s is 0 or 1", key);
		a->has_cont = x;
		/* a model without it is not in it: stop as a command would */
		if (!x && a->cont)
			cont_end(b, b->now);
	} else {
		SET_ERR("unknown key '%s'", key);
	}
	return 0;
}

static void status(struct bus *b, struct sbuf *out)
{
	struct ucam *u = b->uc;
	struct au *a = A(b);
	unsigned int w, h;

	dims(a->pic_n ? a->pic_n : 3, &w, &h);
	sbuf_printf(out,
		    "ok family=ascii-u rate=%u guest=%u plugged=%d booting=%d continuous=%d sending=%d res=%ux%u frames=%zu poweron-rate=%u quality=%d pad=%u packet=%u packet-gap-ms=%g hex=%s has-continuous=%d cmd-ms=%g capture-ms=%g boot-ms=%g detail=%d\n",
		    u->rate, b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    u->plugged, b->now < u->deaf_until, a->cont,
		    a->pic_t != T_NEVER || u->busy_until > b->now, w, h,
		    u->nrec, u->poweron_rate, a->quality, a->pad, a->packet,
		    a->packet_gap_ms, a->upper ? "upper" : "lower", a->has_cont,
		    u->cmd_ms, u->capture_ms, u->boot_ms, u->detail);
}

static int exec(struct bus *b, char **w, int nw, struct sbuf *out)
{
	(void)b;
	(void)w;
	(void)nw;
	(void)out;
	return -1;
}

static void log_line(struct sbuf *out, const struct ulog *e)
{
	sbuf_printf(out, "cmd %llu t=%lld %s ", (unsigned long long)e->num,
		    (long long)e->t,
		    e->status < 0 ? "--" : e->status ? "err" : "ok");
	for (int i = 0; i < e->n; i++) {
		if (isprint(e->d[i]) && e->d[i] != '\\' && e->d[i] != ' ')
			sbuf_add(out, &e->d[i], 1);
		else
			sbuf_printf(out, "\\x%02x", e->d[i]);
	}
	sbuf_add(out, "\n", 1);
}

static void stats(struct bus *b, struct sbuf *out)
{
	for (int i = 0; i < AU_N; i++)
		sbuf_printf(out, "stat %s %llu\n", austat_names[i],
			    (unsigned long long)A(b)->st[i]);
}

static void stats_clear(struct bus *b)
{
	memset(A(b)->st, 0, sizeof(A(b)->st));
}

const char asciiu_help[] =
	"ping                          -> ok pong\n"
	"set KEY VALUE                 -> ok  (rate R, poweron-rate R, quality 1..100,\n"
	"                                     pad N, packet N, packet-gap-ms MS,\n"
	"                                     hex lower|upper, continuous 0|1 (0: a\n"
	"                                     model without UC, answered UE#; also\n"
	"                                     has-continuous), cmd-ms, capture-ms,\n"
	"                                     boot-ms MS, detail 0..4,\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1)\n"
	"status                        -> ok family=ascii-u rate=.. guest=.. plugged=..\n"
	"                                 booting=.. continuous=.. (in continuous\n"
	"                                 mode now) sending=.. ... has-continuous=..\n"
	"                                 (the continuous setting) ...\n"
	"frames [since=N]              -> frame N ... lines (pictures sent), ok <count>\n"
	"frame N                       -> ok N res=WxH quality=Q size=S sha256=H\n"
	"                                 announced=S announced_sha256=H captured_ns=T\n"
	"wait-frames N [TIMEOUT-MS]    -> ok <count> once N pictures are sent (since\n"
	"                                 start or stats clear), or err timeout (10000)\n"
	"log [since=N] | log clear     -> cmd N t=NS ok|err|-- TEXT per command, ok <count>\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok <count>\n"
	"unplug | plug | powercycle | reset -> ok\n"
	"seed N                        -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

static const struct ucam_ops au_ops = {
	.family = "ascii-u",
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
	.free = free,
	.help = asciiu_help,
};

void asciiu_setup(struct bus *b, int64_t t0)
{
	struct au *a = xcalloc(1, sizeof(*a));
	struct ucam *u;

	a->quality = 60;
	a->pad = 1;
	a->packet = AU_PACKET;
	a->has_cont = true;
	a->pic_t = a->rate_t = T_NEVER;
	u = ucam_new(&au_ops, a, t0);
	u->rate = u->poweron_rate = 19200;
	u->cmd_ms = 1;
	u->capture_ms = 100;
	u->boot_ms = 500;
	u->detail = b->detail;
	b->uc = u;
}
