// SPDX-License-Identifier: GPL-2.0
/*
 * The control channel's line protocol; see control.h and README.md.
 */
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "omvp.h"
#include "ov528.h"
#include "pixy.h"
#include "stream.h"
#include "ucam.h"

const char ctl_help[] =
	"ping                          -> ok pong\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok\n"
	"unplug|plug [ADDR] [addr=A]   -> ok\n"
	"powercycle [ADDR] [rate=R] [addr=A] -> ok\n"
	"seed N                        -> ok\n"
	"set KEY VALUE [addr=A]        -> ok  (capture-ms cmd-ms rate saved-rate\n"
	"                                     poweron-rate; guest-rate R|unknown|follow,\n"
	"                                     detail 0..4, verbose 0|1)\n"
	"status [addr=A]               -> ok addr=.. rate=.. guest=.. ...\n"
	"log [addr=A] [since=SEQ]      -> cmd <seq> <addr> <cmd> <params|-> lines, ok <count>\n"
	"log clear                     -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"frame N [addr=A]              -> ok N addr=.. res=WxH comp=.. gray=.. size=.. sha256=..\n"
	"frames [addr=A]               -> frame N ... lines, ok <count>\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

const char ctl_help_stream[] =
	"ping                          -> ok pong\n"
	"stream on|off                 -> ok  (off: after the frame under way)\n"
	"set KEY VALUE                 -> ok  (fps F, res WxH, framing jpeg|markers|length,\n"
	"                                     start-marker S, end-marker S, detail 0..4,\n"
	"                                     quality 1..100, restart N, exif 0|1,\n"
	"                                     rate R (300..4000000),\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1)\n"
	"status                        -> ok family=stream rate=.. guest=.. plugged=..\n"
	"                                 streaming=.. writing=.. fps=.. res=WxH ...\n"
	"frames [since=N]              -> frame N ... lines, ok <count>\n"
	"frame N                       -> ok N res=WxH size=.. sha256=.. framing=..\n"
	"                                 state=.. start_ns=.. end_ns=..\n"
	"wait-frames N [TIMEOUT-MS]    -> ok <count> once N frames are written (since\n"
	"                                 start or stats clear), or err timeout (10000)\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok <count>\n"
	"unplug | plug                 -> ok\n"
	"seed N                        -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

const char ctl_help_omvp[] =
	"ping                          -> ok pong\n"
	"set KEY VALUE                 -> ok  (rate R (300..12000000), fps F, res WxH,\n"
	"                                     quality Q, detail 0..4, cmd-ms, poll-ms,\n"
	"                                     publish-ms, lock-ms, rtx-ms, boot-ms MS,\n"
	"                                     rtx-retries N, max-payload N, caps LIST,\n"
	"                                     hdr-offset N, stream-id N, raw off|WxH,\n"
	"                                     pixformat rgb565|gray,\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1)\n"
	"status                        -> ok family=omvp rate=.. guest=.. plugged=.. seq=..\n"
	"                                 caps=.. streaming=.. slot=.. ...\n"
	"frames [since=N]              -> frame N ... lines (frames handed by LOCK),\n"
	"                                 ok <count>\n"
	"frame N                       -> ok N res=WxH pixfmt=.. size=.. sha256=..\n"
	"                                 captured_ns=.. published_ns=.. locked_ns=..\n"
	"wait-frames N [TIMEOUT-MS]    -> ok <count> once N frames are handed (since\n"
	"                                 start or stats clear), or err timeout (10000)\n"
	"log [since=N] | log clear     -> pkt N t=.. seq=.. chan=.. flags=.. op=.. len=..\n"
	"                                 data=.. per packet received, ok <count>\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok <count>\n"
	"unplug | plug | powercycle | reset [silent] -> ok\n"
	"seed N                        -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

const char ctl_help_pixy[] =
	"ping                          -> ok pong\n"
	"set KEY VALUE                 -> ok  (rate R (300..4000000), fps F, objects 0..32,\n"
	"                                     scene-seed N (alias seed), max-blocks 0..32,\n"
	"                                     zeros 0..1000, zeros-after empty|all,\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1)\n"
	"status                        -> ok family=pixy rate=.. guest=.. plugged=.. writing=..\n"
	"                                 pan=.. tilt=.. brightness=.. led=R,G,B cmds=.. ...\n"
	"frames [since=N]              -> frame N ready_ns=.. start_ns=.. end_ns=.. state=..\n"
	"                                 blocks=K b=SIG,X,Y,W,H,ANGLE,CC,MARK ... lines\n"
	"                                 (every frame, sent or dropped), ok <count>\n"
	"frame N                       -> ok N ready_ns=.. (the same fields), or err\n"
	"wait-frames N [TIMEOUT-MS]    -> ok <count> once N frames are listed (since\n"
	"                                 start or stats clear), or err timeout (10000)\n"
	"log [since=N] | log clear     -> cmd N t=.. servo pan=P tilt=T | brightness value=B\n"
	"                                 | led r=R g=G b=B, ok=0|1 bytes=HEX lines, ok <count>\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok <count>\n"
	"unplug | plug                 -> ok\n"
	"seed N                        -> ok  (the fault PRNG; the scene's is set scene-seed)\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

const char ctl_help_ov528[] =
	"ping                          -> ok pong\n"
	"fault <spec> | fault clear    -> ok\n"
	"faults                        -> fault <spec> lines, ok\n"
	"unplug|plug [ADDR] [addr=A]   -> ok\n"
	"powercycle [ADDR] [addr=A]    -> ok  (forgets sync, rate, settings, pictures)\n"
	"seed N                        -> ok\n"
	"set KEY VALUE [addr=A]        -> ok  (rate R|0, sleep-timeout S, capture-ms, cmd-ms;\n"
	"                                     autobaud R,R,..., syncs N, wake-syncs N,\n"
	"                                     preview-type 05|03|none, cbe 0|1, sleep-cmd 0|1,\n"
	"                                     sleep-keeps 0|1, init-gap MS,\n"
	"                                     init-early nak|drop|accept, transfer-nak HEX,\n"
	"                                     pkgsize N, rgb565 be|le, quality Q, detail 0..4,\n"
	"                                     guest-rate R|unknown|follow, verbose 0|1;\n"
	"                                     turnaround MS: addr=A's, else every camera's)\n"
	"status [addr=A]               -> ok family=ov528 addr=.. rate=.. guest=.. synced=.. ...\n"
	"log [addr=A] [since=SEQ]      -> cmd <seq> <addr> <id> <p1p2p3p4> lines, ok <count>\n"
	"log clear                     -> ok\n"
	"stats | stats clear           -> stat <name> <value> lines, ok\n"
	"frame N [addr=A]              -> ok N addr=.. kind=.. format=.. res=WxH size=.. sha256=..\n"
	"frames [addr=A]               -> frame N ... lines, ok <count>\n"
	"help                          -> these lines, ok\n"
	"quit                          -> ok bye, then the connection closes\n";

#define WAIT_DEFAULT_MS	10000
#define WAIT_MAX_MS	3600000

static int num(const char *s, unsigned long max, unsigned long *v)
{
	return parse_ulong(s, 0, max, v);
}

/* Pull "addr=A" out of the words; *cam is the first camera otherwise. */
static int pick_cam(struct bus *b, char **w, int *nw, struct camera **cam,
		    bool *given, struct sbuf *out)
{
	int j = 0;

	*cam = b->ncam ? &b->cam[0] : NULL;
	if (given)
		*given = false;
	for (int i = 0; i < *nw; i++) {
		unsigned long a;

		if (strncmp(w[i], "addr=", 5)) {
			w[j++] = w[i];
			continue;
		}
		if (num(w[i] + 5, 255, &a)) {
			sbuf_printf(out, "err bad address\n");
			return -1;
		}
		*cam = bus_cam_by_addr(b, (unsigned int)a);
		if (!*cam) {
			sbuf_printf(out, "err no camera with address %lu\n", a);
			return -1;
		}
		if (given)
			*given = true;
	}
	*nw = j;
	if (!*cam) {
		sbuf_printf(out, "err no camera\n");
		return -1;
	}
	return 0;
}

static void frame_line(struct bus *b, struct sbuf *out, const char *prefix,
		       const struct frame_rec *f)
{
	if (b->ov) {
		ov528_frame_line(out, prefix, f);
		return;
	}
	sbuf_printf(out,
		    "%s %u addr=%u res=%ux%u comp=%u gray=%d size=%u sha256=%s\n",
		    prefix, f->num, f->addr, f->w, f->h, f->comp, f->gray,
		    f->size, f->sha);
}

static void do_status(struct bus *b, struct camera *c, struct sbuf *out)
{
	sbuf_printf(out,
		    "ok addr=%u rate=%u guest=%u plugged=%d pktsize=%u res=%02x comp=%u bright=%u contrast=%u ir=%d frames=%zu",
		    c->addr, c->rate,
		    b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    c->plugged, c->pktsize, c->pres, c->comp, c->bright,
		    c->contrast, c->ir, c->nframes);
	sbuf_printf(out,
		    " saved-rate=%u poweron-rate=%u capture-ms=%g cmd-ms=%g image=%d\n",
		    c->saved_rate, c->poweron_rate, c->capture_ms, c->cmd_ms,
		    c->have_img);
}

static void do_log(struct bus *b, char **w, int nw, struct sbuf *out)
{
	unsigned long since = 0, a = 0;
	uint64_t first, count = 0;

	for (int i = 1; i < nw; i++) {
		if (!strncmp(w[i], "since=", 6) &&
		    !num(w[i] + 6, (unsigned long)-1, &since))
			continue;
		if (!strncmp(w[i], "addr=", 5) && !num(w[i] + 5, 255, &a) && a)
			continue;
		sbuf_printf(out, "err bad argument '%s'\n", w[i]);
		return;
	}
	first = b->log_floor + 1;
	if (b->log_seq > LOG_CAP && first < b->log_seq - LOG_CAP + 1)
		first = b->log_seq - LOG_CAP + 1;
	if (first <= since)
		first = since + 1;
	for (uint64_t s = first; s <= b->log_seq; s++) {
		const struct logent *e = &b->log[(s - 1) % LOG_CAP];

		if (a && e->camaddr != a)
			continue;
		sbuf_printf(out, "cmd %llu %u %02x ", (unsigned long long)s,
			    e->addr, e->cmd);
		if (!e->plen)
			sbuf_add(out, "-", 1);
		for (int i = 0; i < e->plen; i++)
			sbuf_printf(out, "%02x", e->p[i]);
		sbuf_add(out, "\n", 1);
		count++;
	}
	sbuf_printf(out, "ok %llu\n", (unsigned long long)count);
}

/* "set guest-rate R|unknown|follow"; 0, or -1 for a bad rate. */
static int set_guest_rate(struct bus *b, const char *val, unsigned long max)
{
	unsigned long r;

	if (!strcmp(val, "unknown"))
		bus_set_guest(b, GUEST_UNKNOWN, 0);
	else if (!strcmp(val, "follow"))
		bus_set_guest(b, GUEST_FOLLOW, 0);
	else if (num(val, max, &r) || r < 300)
		return -1;
	else
		bus_set_guest(b, GUEST_KNOWN, (uint32_t)r);
	return 0;
}

/* @named: the line picked @c with addr=A */
static void do_set(struct bus *b, struct camera *c, bool named, char **w,
		   int nw, struct sbuf *out)
{
	const char *key, *val;
	char err[160];
	double d;
	unsigned long r;

	if (nw != 3) {
		sbuf_printf(out, "err usage: set KEY VALUE [addr=A]\n");
		return;
	}
	key = w[1];
	val = w[2];
	if (b->ov) {
		int k = ov528_set(b, c, named, key, val, err, sizeof(err));

		if (k <= 0) {
			sbuf_printf(out, k ? "err %s\n" : "ok\n", err);
			return;
		}
		if (!strcmp(key, "saved-rate") || !strcmp(key, "poweron-rate")) {
			sbuf_printf(out, "err unknown key '%s'\n", key);
			return;
		}
	}
	if (!strcmp(key, "capture-ms") || !strcmp(key, "cmd-ms")) {
		if (parse_ms(val, &d)) {
			sbuf_printf(out, "err bad milliseconds\n");
			return;
		}
		if (key[1] == 'a')
			c->capture_ms = d;
		else
			c->cmd_ms = d;
	} else if (!strcmp(key, "guest-rate")) {
		if (set_guest_rate(b, val, MAX_RATE)) {
			sbuf_printf(out, "err bad rate\n");
			return;
		}
	} else if (!strcmp(key, "rate") || !strcmp(key, "saved-rate") ||
		   !strcmp(key, "poweron-rate")) {
		if (num(val, MAX_RATE, &r) ||
		    (r < 300 && !(r == 0 && key[0] == 's'))) {
			sbuf_printf(out, "err bad rate\n");
			return;
		}
		if (key[0] == 'r')
			bus_set_rate(b, c, (uint32_t)r);
		else if (key[0] == 's')
			c->saved_rate = (uint32_t)r;
		else
			c->poweron_rate = (uint32_t)r;
	} else if (!strcmp(key, "detail")) {
		if (num(val, DETAIL_MAX, &r)) {
			sbuf_printf(out, "err detail is 0..%d\n", DETAIL_MAX);
			return;
		}
		b->detail = (int)r;
	} else if (!strcmp(key, "verbose")) {
		b->verbose = strcmp(val, "0") != 0;
	} else {
		sbuf_printf(out, "err unknown key '%s'\n", key);
		return;
	}
	sbuf_printf(out, "ok\n");
}

/* ---- the stream camera ------------------------------------------------ */

static void stream_status(struct bus *b, struct sbuf *out)
{
	struct stream *s = b->stream;
	char sm[4 * MARKER_MAX + 8], em[4 * MARKER_MAX + 8];

	stream_marker_str(s->smark, s->slen, sm, sizeof(sm));
	stream_marker_str(s->emark, s->elen, em, sizeof(em));
	sbuf_printf(out,
		    "ok family=stream rate=%u guest=%u plugged=%d streaming=%d writing=%d fps=%g res=%ux%u framing=%s start-marker=%s end-marker=%s detail=%d quality=%d restart=%u exif=%d frames=%zu written=%llu captures=%u\n",
		    s->rate,
		    b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    s->plugged, s->streaming, stream_writing(b), s->fps, s->w,
		    s->h,
		    framing_names[s->framing], sm, em, s->detail, s->quality,
		    s->restart, s->exif, s->npub,
		    (unsigned long long)s->st[SS_FRAMES_WRITTEN],
		    stream_newest(s, b->now));
}

static void stream_set(struct bus *b, char **w, int nw, struct sbuf *out)
{
	struct stream *s = b->stream;
	const char *key, *val;
	unsigned long r;

	if (nw != 3) {
		sbuf_printf(out, "err usage: set KEY VALUE\n");
		return;
	}
	key = w[1];
	val = w[2];
	if (!strcmp(key, "fps")) {
		double fps;

		if (stream_parse_fps(val, &fps)) {
			sbuf_printf(out, "err fps is %g..%g\n", FPS_MIN, FPS_MAX);
			return;
		}
		stream_set_fps(b, fps);
	} else if (!strcmp(key, "res")) {
		if (stream_parse_res(val, &s->w, &s->h)) {
			sbuf_printf(out, "err res is WxH, even, %d..%d\n",
				    STREAM_MIN_RES, STREAM_MAX_RES);
			return;
		}
	} else if (!strcmp(key, "framing")) {
		if (stream_parse_framing(val, &s->framing)) {
			sbuf_printf(out, "err framing is jpeg, markers or length\n");
			return;
		}
	} else if (!strcmp(key, "start-marker") ||
		   !strcmp(key, "end-marker")) {
		uint8_t m[MARKER_MAX];
		size_t n;

		if (stream_parse_marker(val, m, &n)) {
			sbuf_printf(out, "err a marker is 1..%d bytes (escapes \\\\ \\n \\r \\t \\s \\xNN)\n",
				    MARKER_MAX);
			return;
		}
		if (key[0] == 's') {
			memcpy(s->smark, m, n);
			s->slen = n;
		} else {
			memcpy(s->emark, m, n);
			s->elen = n;
		}
	} else if (!strcmp(key, "detail")) {
		if (num(val, DETAIL_MAX, &r)) {
			sbuf_printf(out, "err detail is 0..%d\n", DETAIL_MAX);
			return;
		}
		s->detail = (int)r;
	} else if (!strcmp(key, "quality")) {
		if (num(val, 100, &r) || !r) {
			sbuf_printf(out, "err quality is 1..100\n");
			return;
		}
		s->quality = (int)r;
	} else if (!strcmp(key, "restart")) {
		if (num(val, 65535, &r)) {
			sbuf_printf(out, "err restart is 0..65535 MCUs\n");
			return;
		}
		s->restart = (unsigned int)r;
	} else if (!strcmp(key, "exif")) {
		if (num(val, 1, &r)) {
			sbuf_printf(out, "err exif is 0 or 1\n");
			return;
		}
		s->exif = r;
	} else if (!strcmp(key, "rate") || !strcmp(key, "guest-rate")) {
		if (key[0] == 'g' && !strcmp(val, "unknown")) {
			bus_set_guest(b, GUEST_UNKNOWN, 0);
		} else if (key[0] == 'g' && !strcmp(val, "follow")) {
			bus_set_guest(b, GUEST_FOLLOW, 0);
		} else if (num(val, STREAM_MAX_RATE, &r) || r < 300) {
			sbuf_printf(out, "err bad rate (300..%d)\n",
				    STREAM_MAX_RATE);
			return;
		} else if (key[0] == 'g') {
			bus_set_guest(b, GUEST_KNOWN, (uint32_t)r);
		} else {
			s->rate = (uint32_t)r;
		}
	} else if (!strcmp(key, "verbose")) {
		b->verbose = strcmp(val, "0") != 0;
	} else {
		sbuf_printf(out, "err unknown key '%s'\n", key);
		return;
	}
	sbuf_printf(out, "ok\n");
}

/* What wait-frames counts: frames written (stream), handed (omvp). */
static uint64_t frames_written(const struct bus *b)
{
	if (b->omvp)
		return b->omvp->st[OM_FRAMES_HANDED];
	if (b->pixy)
		return b->pixy->st[PX_FRAMES_LISTED];
	if (b->uc)
		return b->uc->st[UC_FRAMES];
	return b->stream->st[SS_FRAMES_WRITTEN];
}

bool ctl_wait_poll(struct bus *b, struct ctl_wait *w, int64_t now,
		   struct sbuf *out)
{
	if (!w->on)
		return true;
	if (frames_written(b) >= w->want) {
		sbuf_printf(out, "ok %llu\n",
			    (unsigned long long)frames_written(b));
	} else if (now >= w->deadline) {
		sbuf_printf(out, "err timeout\n");
	} else {
		return false;
	}
	w->on = false;
	return true;
}

/* "wait-frames N [TIMEOUT-MS]": 0 when answered, 2 when @wt waits. */
static int wait_frames(struct bus *b, char **w, int nw, struct sbuf *out,
		       struct ctl_wait *wt)
{
	unsigned long v, ms = WAIT_DEFAULT_MS;

	if (nw < 2 || nw > 3 || num(w[1], 0xffffffffUL, &v) ||
	    (nw == 3 && num(w[2], WAIT_MAX_MS, &ms))) {
		sbuf_printf(out, "err usage: wait-frames N [TIMEOUT-MS]\n");
		return 0;
	}
	if (frames_written(b) >= v || !wt) {
		struct ctl_wait now = { .on = true, .want = v,
					.deadline = b->now };

		ctl_wait_poll(b, &now, b->now, out);
		return 0;
	}
	wt->on = true;
	wt->want = v;
	wt->deadline = b->now + (int64_t)ms * 1000000;
	return 2;
}

/* "frames [since=N]" argument; -1 (after "err") when malformed. */
static int since_arg(char **w, int nw, unsigned long *since, struct sbuf *out)
{
	*since = 0;
	if (nw > 2 || (nw == 2 && (strncmp(w[1], "since=", 6) ||
				   num(w[1] + 6, 0xffffffffUL, since)))) {
		sbuf_printf(out, "err usage: %s [since=N]\n", w[0]);
		return -1;
	}
	return 0;
}

/* The stream camera's own commands; -1 for a command shared with SXH485. */
static int stream_exec(struct bus *b, char **w, int nw, struct sbuf *out,
		       struct ctl_wait *wt)
{
	struct stream *s = b->stream;
	unsigned long v;

	if (!strcmp(w[0], "help")) {
		sbuf_printf(out, "%sok\n", ctl_help_stream);
	} else if (!strcmp(w[0], "status")) {
		if (nw != 1)
			sbuf_printf(out, "err usage: status\n");
		else
			stream_status(b, out);
	} else if (!strcmp(w[0], "set")) {
		stream_set(b, w, nw, out);
	} else if (!strcmp(w[0], "stream")) {
		if (nw != 2 || (strcmp(w[1], "on") && strcmp(w[1], "off"))) {
			sbuf_printf(out, "err usage: stream on|off\n");
		} else {
			stream_set_streaming(b, w[1][1] == 'n');
			sbuf_printf(out, "ok\n");
		}
	} else if (!strcmp(w[0], "frames")) {
		unsigned long since;
		size_t n = 0;

		if (since_arg(w, nw, &since, out))
			return 0;
		for (size_t i = 0; i < s->npub; i++) {
			if (s->rec[i].num <= since)
				continue;
			stream_frame_line(out, "frame", &s->rec[i]);
			n++;
		}
		sbuf_printf(out, "ok %zu\n", n);
	} else if (!strcmp(w[0], "frame")) {
		const struct sframe_rec *r;

		if (nw != 2 || num(w[1], 0xffffffffUL, &v)) {
			sbuf_printf(out, "err usage: frame N\n");
			return 0;
		}
		r = stream_frame(s, (uint32_t)v);
		if (r)
			stream_frame_line(out, "ok", r);
		else
			sbuf_printf(out, "err no frame %lu\n", v);
	} else if (!strcmp(w[0], "wait-frames")) {
		return wait_frames(b, w, nw, out, wt);
	} else if (!strcmp(w[0], "log") || !strcmp(w[0], "powercycle")) {
		sbuf_printf(out, "err no '%s' for the stream camera\n", w[0]);
	} else {
		return -1;
	}
	return 0;
}

/* ---- the OpenMV Protocol camera ---------------------------------------- */

static void omvp_set_cmd(struct bus *b, char **w, int nw, struct sbuf *out)
{
	char err[160];

	if (nw != 3) {
		sbuf_printf(out, "err usage: set KEY VALUE\n");
		return;
	}
	if (!strcmp(w[1], "guest-rate")) {
		if (set_guest_rate(b, w[2], OMVP_MAX_RATE)) {
			sbuf_printf(out, "err bad rate (300..%d)\n",
				    OMVP_MAX_RATE);
			return;
		}
	} else if (!strcmp(w[1], "verbose")) {
		b->verbose = strcmp(w[2], "0") != 0;
	} else if (omvp_set(b, w[1], w[2], err, sizeof(err))) {
		sbuf_printf(out, "err %s\n", err);
		return;
	}
	sbuf_printf(out, "ok\n");
}

static void omvp_log(struct bus *b, char **w, int nw, struct sbuf *out)
{
	struct omvp *o = b->omvp;
	unsigned long since;
	uint64_t first, count = 0;

	if (nw == 2 && !strcmp(w[1], "clear")) {
		o->log_floor = o->log_num;
		sbuf_printf(out, "ok\n");
		return;
	}
	if (since_arg(w, nw, &since, out))
		return;
	first = o->log_floor + 1;
	if (o->log_num > OLOG_CAP && first < o->log_num - OLOG_CAP + 1)
		first = o->log_num - OLOG_CAP + 1;
	if (first <= since)
		first = since + 1;
	for (uint64_t k = first; k <= o->log_num; k++, count++)
		omvp_log_line(out, &o->log[(k - 1) % OLOG_CAP]);
	sbuf_printf(out, "ok %llu\n", (unsigned long long)count);
}

/* The omvp camera's own commands; -1 for a command shared with SXH485. */
static int omvp_exec(struct bus *b, const char *line, char **w, int nw,
		     struct sbuf *out, struct ctl_wait *wt)
{
	struct omvp *o = b->omvp;
	unsigned long v;

	if (!strcmp(w[0], "help")) {
		sbuf_printf(out, "%sok\n", ctl_help_omvp);
	} else if (!strcmp(w[0], "status")) {
		if (nw != 1)
			sbuf_printf(out, "err usage: status\n");
		else
			omvp_status(b, out);
	} else if (!strcmp(w[0], "set")) {
		omvp_set_cmd(b, w, nw, out);
	} else if (!strcmp(w[0], "frames")) {
		size_t n = 0;

		if (since_arg(w, nw, &v, out))
			return 0;
		for (size_t i = 0; i < o->nrec; i++) {
			if (o->rec[i].num <= v)
				continue;
			omvp_frame_line(out, "frame", &o->rec[i]);
			n++;
		}
		sbuf_printf(out, "ok %zu\n", n);
	} else if (!strcmp(w[0], "frame")) {
		const struct oframe_rec *r;

		if (nw != 2 || num(w[1], 0xffffffffUL, &v)) {
			sbuf_printf(out, "err usage: frame N\n");
			return 0;
		}
		r = omvp_frame(o, (uint32_t)v);
		if (r)
			omvp_frame_line(out, "ok", r);
		else
			sbuf_printf(out, "err no frame %lu\n", v);
	} else if (!strcmp(w[0], "wait-frames")) {
		return wait_frames(b, w, nw, out, wt);
	} else if (!strcmp(w[0], "log")) {
		omvp_log(b, w, nw, out);
	} else if (!strcmp(w[0], "reset")) {
		char err[160];

		if (fault_apply_spec(b, line + strspn(line, " \t"), err,
				     sizeof(err)))
			sbuf_printf(out, "err %s\n", err);
		else
			sbuf_printf(out, "ok\n");
	} else {
		return -1;
	}
	return 0;
}

/* ---- the Pixy camera ---------------------------------------------------- */

/* The Pixy camera's own commands; -1 for a command shared with SXH485. */
static int pixy_exec(struct bus *b, char **w, int nw, struct sbuf *out,
		     struct ctl_wait *wt)
{
	struct pixy *p = b->pixy;
	unsigned long v;
	char err[160];

	if (!strcmp(w[0], "help")) {
		sbuf_printf(out, "%sok\n", ctl_help_pixy);
	} else if (!strcmp(w[0], "status")) {
		if (nw != 1)
			sbuf_printf(out, "err usage: status\n");
		else
			pixy_status(b, out);
	} else if (!strcmp(w[0], "set")) {
		if (nw != 3)
			sbuf_printf(out, "err usage: set KEY VALUE\n");
		else if (!strcmp(w[1], "guest-rate") ?
			 set_guest_rate(b, w[2], PIXY_MAX_RATE) :
			 !strcmp(w[1], "verbose") ?
			 (b->verbose = strcmp(w[2], "0") != 0, 0) :
			 pixy_set(b, w[1], w[2], err, sizeof(err)))
			sbuf_printf(out, "err %s\n", !strcmp(w[1], "guest-rate") ?
				    "bad rate (300..4000000)" : err);
		else
			sbuf_printf(out, "ok\n");
	} else if (!strcmp(w[0], "frames")) {
		size_t n = 0;

		if (since_arg(w, nw, &v, out))
			return 0;
		for (size_t i = 0; i < p->npub; i++) {
			if (p->rec[i].num <= v)
				continue;
			pixy_frame_line(out, "frame", p, &p->rec[i]);
			n++;
		}
		sbuf_printf(out, "ok %zu\n", n);
	} else if (!strcmp(w[0], "frame")) {
		const struct pframe_rec *r;

		if (nw != 2 || num(w[1], 0xffffffffUL, &v)) {
			sbuf_printf(out, "err usage: frame N\n");
			return 0;
		}
		r = pixy_frame(p, (uint32_t)v);
		if (r)
			pixy_frame_line(out, "ok", p, r);
		else
			sbuf_printf(out, "err no frame %lu\n", v);
	} else if (!strcmp(w[0], "wait-frames")) {
		return wait_frames(b, w, nw, out, wt);
	} else if (!strcmp(w[0], "log")) {
		uint64_t first, count = 0;

		if (nw == 2 && !strcmp(w[1], "clear")) {
			p->log_floor = p->log_num;
			sbuf_printf(out, "ok\n");
			return 0;
		}
		if (since_arg(w, nw, &v, out))
			return 0;
		first = p->log_floor + 1;
		if (p->log_num > PLOG_CAP && first < p->log_num - PLOG_CAP + 1)
			first = p->log_num - PLOG_CAP + 1;
		if (first <= v)
			first = v + 1;
		for (uint64_t k = first; k <= p->log_num; k++, count++)
			pixy_log_line(out, &p->log[(k - 1) % PLOG_CAP]);
		sbuf_printf(out, "ok %llu\n", (unsigned long long)count);
	} else if (!strcmp(w[0], "powercycle")) {
		sbuf_printf(out, "err no 'powercycle' for the pixy camera\n");
	} else {
		return -1;
	}
	return 0;
}

/* "stats" lines of the bus's family */
static void do_stats(struct bus *b, struct sbuf *out)
{
	if (b->pixy) {
		sbuf_printf(out, "stat rx_bytes %llu\nstat tx_bytes %llu\n",
			    (unsigned long long)b->stat[ST_RX_BYTES],
			    (unsigned long long)b->stat[ST_TX_BYTES]);
		for (int i = 0; i < PX_N; i++)
			sbuf_printf(out, "stat %s %llu\n", pxstat_names[i],
				    (unsigned long long)b->pixy->st[i]);
		sbuf_printf(out, "stat uart_overrun_bytes %llu\n",
			    (unsigned long long)b->uart_overrun);
	} else if (b->uc) {
		ucam_stats(b, out);
	} else if (b->omvp) {
		sbuf_printf(out, "stat rx_bytes %llu\nstat tx_bytes %llu\n",
			    (unsigned long long)b->stat[ST_RX_BYTES],
			    (unsigned long long)b->stat[ST_TX_BYTES]);
		for (int i = 0; i < OM_N; i++)
			sbuf_printf(out, "stat %s %llu\n", omstat_names[i],
				    (unsigned long long)b->omvp->st[i]);
	} else if (b->stream) {
		sbuf_printf(out, "stat rx_bytes %llu\nstat tx_bytes %llu\n",
			    (unsigned long long)b->stat[ST_RX_BYTES],
			    (unsigned long long)b->stat[ST_TX_BYTES]);
		for (int i = 0; i < SS_N; i++)
			sbuf_printf(out, "stat %s %llu\n", sstat_names[i],
				    (unsigned long long)b->stream->st[i]);
		sbuf_printf(out, "stat uart_overrun_bytes %llu\n",
			    (unsigned long long)b->uart_overrun);
	} else if (b->ov) {
		ov528_stats(b, out);
	} else {
		for (int i = 0; i < ST_N; i++)
			sbuf_printf(out, "stat %s %llu\n", stat_names[i],
				    (unsigned long long)b->stat[i]);
	}
	for (int i = 0; i < F_NKINDS; i++)
		if (fault_kind_ok(b, (enum fault_kind)i))
			sbuf_printf(out, "stat fault_%s %llu\n", fault_names[i],
				    (unsigned long long)b->fstat[i]);
	sbuf_printf(out, "ok\n");
}

int ctl_exec(struct bus *b, const char *line, struct sbuf *out)
{
	return ctl_exec_wait(b, line, out, NULL);
}

int ctl_exec_wait(struct bus *b, const char *line, struct sbuf *out,
		  struct ctl_wait *wt)
{
	char *copy = xstrdup(line), *w[16], err[160];
	int nw = split_words(copy, w, 16), ret = 0;
	struct camera *c;
	unsigned long v;
	bool named;

	if (!nw) {
		sbuf_printf(out, "err empty command\n");
		goto done;
	}
	if (b->stream || b->omvp || b->pixy || b->uc) {
		if (b->uc && !strcmp(w[0], "wait-frames"))
			ret = wait_frames(b, w, nw, out, wt);
		else if (b->uc)
			ret = ucam_exec(b, line, w, nw, out, wt);
		else
			ret = b->stream ? stream_exec(b, w, nw, out, wt) :
			      b->pixy ? pixy_exec(b, w, nw, out, wt) :
					omvp_exec(b, line, w, nw, out, wt);
		if (ret >= 0)
			goto done;
		ret = 0;
	}
	if (!strcmp(w[0], "ping")) {
		sbuf_printf(out, "ok pong\n");
	} else if (!strcmp(w[0], "quit")) {
		sbuf_printf(out, "ok bye\n");
		ret = 1;
	} else if (!strcmp(w[0], "help")) {
		sbuf_printf(out, "%sok\n", b->ov ? ctl_help_ov528 : ctl_help);
	} else if (!strcmp(w[0], "fault") || !strcmp(w[0], "unplug") ||
		   !strcmp(w[0], "plug") || !strcmp(w[0], "powercycle")) {
		const char *spec = line;

		while (*spec == ' ' || *spec == '\t')
			spec++;
		if (!strcmp(w[0], "fault"))
			spec += 5;
		if (fault_apply_spec(b, spec, err, sizeof(err)))
			sbuf_printf(out, "err %s\n", err);
		else
			sbuf_printf(out, "ok\n");
	} else if (!strcmp(w[0], "faults")) {
		for (int i = 0; i < b->nfaults; i++) {
			fault_describe(&b->faults[i], err, sizeof(err));
			sbuf_printf(out, "fault %s\n", err);
		}
		sbuf_printf(out, "ok %d\n", b->nfaults);
	} else if (!strcmp(w[0], "seed")) {
		if (nw != 2 || num(w[1], (unsigned long)-1, &v)) {
			sbuf_printf(out, "err usage: seed N\n");
		} else {
			prng_seed(&b->prng, v);
			sbuf_printf(out, "ok\n");
		}
	} else if (!strcmp(w[0], "set")) {
		if (!pick_cam(b, w, &nw, &c, &named, out))
			do_set(b, c, named, w, nw, out);
	} else if (!strcmp(w[0], "status")) {
		if (!pick_cam(b, w, &nw, &c, NULL, out)) {
			if (nw != 1)
				sbuf_printf(out,
					    "err usage: status [addr=A]\n");
			else if (b->ov)
				ov528_status(b, c, out);
			else
				do_status(b, c, out);
		}
	} else if (!strcmp(w[0], "log")) {
		if (nw == 2 && !strcmp(w[1], "clear")) {
			b->log_floor = b->log_seq;
			sbuf_printf(out, "ok\n");
		} else {
			do_log(b, w, nw, out);
		}
	} else if (!strcmp(w[0], "stats")) {
		if (nw == 2 && !strcmp(w[1], "clear")) {
			memset(b->stat, 0, sizeof(b->stat));
			memset(b->fstat, 0, sizeof(b->fstat));
			if (b->stream)
				memset(b->stream->st, 0,
				       sizeof(b->stream->st));
			if (b->omvp)
				memset(b->omvp->st, 0, sizeof(b->omvp->st));
			if (b->pixy)
				memset(b->pixy->st, 0, sizeof(b->pixy->st));
			if (b->uc)
				memset(b->uc->st, 0, sizeof(b->uc->st));
			if (b->ov)
				memset(b->ov->st, 0, sizeof(b->ov->st));
			b->uart_overrun = 0;
			sbuf_printf(out, "ok\n");
		} else if (nw == 1) {
			do_stats(b, out);
		} else {
			sbuf_printf(out, "err usage: stats [clear]\n");
		}
	} else if (!strcmp(w[0], "frame")) {
		if (pick_cam(b, w, &nw, &c, NULL, out))
			goto done;
		if (nw != 2 || num(w[1], 0xffffffffUL, &v)) {
			sbuf_printf(out, "err usage: frame N [addr=A]\n");
			goto done;
		}
		for (size_t i = 0; i < c->nframes; i++) {
			if (c->frames[i].num == v) {
				frame_line(b, out, "ok", &c->frames[i]);
				goto done;
			}
		}
		sbuf_printf(out, "err no frame %lu\n", v);
	} else if (!strcmp(w[0], "frames")) {
		if (pick_cam(b, w, &nw, &c, NULL, out))
			goto done;
		for (size_t i = 0; i < c->nframes; i++)
			frame_line(b, out, "frame", &c->frames[i]);
		sbuf_printf(out, "ok %zu\n", c->nframes);
	} else {
		sbuf_printf(out, "err unknown command '%s'\n", w[0]);
	}
done:
	free(copy);
	return ret;
}
