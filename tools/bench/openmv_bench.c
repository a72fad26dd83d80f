// SPDX-License-Identifier: GPL-2.0
/*
 * openmv_bench - the OpenMV Protocol family's benchmark (make bench, in the
 * guest; tools/host/bench/openmv_bench.c is the CPU-per-byte one)
 *
 *   openmv_bench driver LABEL WxH FRAMES             >> openmv.csv
 *   openmv_bench reader LABEL WxH FRAMES TTY [cli]   >> openmv.csv
 *
 * The camera (camemu --family omvp) is first told to make WxH frames
 * ("set res" on its control channel).
 *
 * driver: streams from the first sercam node, 4 mmap buffers, and times
 * FRAMES frames after WARMUP (2) warm-up ones: the window opens when the
 * last warm-up frame is dequeued and closes with the last frame.
 *
 * reader: the same frames fetched from user space over the raw UART (TTY,
 * no driver bound to it), the way the vendor's Python library
 * (openmv-python's Camera) does it: PROTO_SYNC, GET_CAPS, SET_CAPS with a
 * max payload of min(the camera's, 4096), CHANNEL_LIST, the "stream"
 * channel by name, STREAM_RAW_CTRL=0 and STREAM_CTRL=1; then read_frame()
 * over and over: LOCK (NAK BUSY: no frame, read_frame() at once again),
 * SIZE, one READ of it all, UNLOCK. Every packet that asks for an ACK is
 * ACKed as soon as it is in, before anything else; 1 s receive timeouts;
 * a timeout or another NAK means PROTO_SYNC and the caps again, and the
 * frame tried once more. With "cli", also the loop of the vendor's
 * command-line viewer (openmv-python's cli.py): a CHANNEL_POLL before each
 * read_frame() and the loop held to at most one turn per 4 ms (its
 * --poll default). It is C, so it loses nothing to an interpreter: a
 * Python host would only be slower.
 *
 * Every frame, either way, is checked after the timed run: it must be one
 * the camera handed out (sha256 against the emulator's manifest, as the
 * selftests check) and decode as a WxH JPEG (libjpeg).
 *
 * CSV: kind, label, baud, size, frames, good, bad, fps, mean JPEG bytes,
 * payload B/s, efficiency, ceiling, efficiency/ceiling, ceiling fps,
 * max payload, poll ms, camera reply ms (cmd-ms), camera fps, camera wait
 * ms a frame, requests per frame, BUSY answers, retries, timeouts.
 *
 * efficiency = JPEG bytes / ((frame period - camera wait) * baud/10).
 * The ceiling is the same quantity for a host that wastes no time at all,
 * under the camera's timing (from its "status"): per frame LOCK (10 bytes
 * out, the reply at the camera's next poll tick plus its reply time, a
 * 10-byte ACK back), SIZE (10 out, tick, 18 back, the host's 10-byte ACK),
 * READ (22 out, tick, then per fragment 14 bytes of header and CRC around
 * up to max-payload bytes, the host's 10-byte ACK and the camera's reply
 * time before the next), UNLOCK (10 out with the last ACK, tick, 10 back);
 * the next LOCK no earlier than the next frame is in the slot (the first
 * capture after UNLOCK plus publish-ms) nor lock-ms after the last. The
 * camera wait is the time that last condition adds (0 when the script is
 * fast: the tick hides it); it is the camera's own frame time, taken out
 * of both figures. Computed from the sizes of the frames actually read.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sercam_test.h"

#define MAX_FRAMES	64
#define WARMUP		2
#define HDR		10
#define RX_TIMEOUT_MS	1000	/* openmv-python's timeout */
#define LIB_PAYLOAD	4096	/* openmv-python's max_payload */

/* flags */
#define F_ACK		0x01
#define F_NAK		0x02
#define F_RTX		0x04
#define F_ACK_REQ	0x08
#define F_FRAGMENT	0x10
#define F_EVENT		0x20
/* opcodes */
#define OP_SYNC		0x00
#define OP_GET_CAPS	0x01
#define OP_SET_CAPS	0x02
#define OP_SYS_EVENT	0x13
#define OP_LIST		0x20
#define OP_POLL		0x21
#define OP_LOCK		0x22
#define OP_UNLOCK	0x23
#define OP_SIZE		0x25
#define OP_READ		0x26
#define OP_IOCTL	0x28
#define OP_CH_EVENT	0x29
#define ST_BUSY		4

struct shot {
	unsigned char *data;
	size_t len;
};

static unsigned int W = 320, H = 240;
static struct shot shot[MAX_FRAMES];
static int nshot, bad;
static double t0, t1;

/* the camera's timing, from camemu's status */
static struct {
	double cmd_ms, poll_ms, publish_ms, lock_ms, fps;
	unsigned int board_max, hdr_off, rate;
} cam = { 0.1, 10, 2, 10, 10, 4082, 32, 921600 };
static long long baud;
static unsigned int max_payload;

static double field(const char *s, const char *key, double dflt)
{
	const char *p = strstr(s, key);

	return p ? strtod(p + strlen(key), NULL) : dflt;
}

static int emu_timing(void)
{
	char final[EMU_LINE];

	if (emu_cmd(final, sizeof(final), NULL, NULL, "status"))
		return -1;
	cam.cmd_ms = field(final, " cmd-ms=", cam.cmd_ms);
	cam.poll_ms = field(final, " poll-ms=", cam.poll_ms);
	cam.publish_ms = field(final, " publish-ms=", cam.publish_ms);
	cam.lock_ms = field(final, " lock-ms=", cam.lock_ms);
	cam.fps = field(final, " fps=", cam.fps);
	cam.board_max = field(final, " board-max=", cam.board_max);
	cam.hdr_off = field(final, " hdr-offset=", cam.hdr_off);
	cam.rate = field(final, " rate=", cam.rate);
	return 0;
}

/* ---- the ceiling ---------------------------------------------------------- */

static double next_tick(double t)
{
	double p = cam.poll_ms / 1000;

	return p > 0 ? ceil(t / p - 1e-9) * p : t;
}

static double maxd(double a, double b)
{
	return a > b ? a : b;
}

/*
 * The time a host that wastes nothing needs for the frames @len (JPEG
 * bytes each) in a row, LOCK to LOCK; the camera's share in *@camwait.
 */
static double ceiling_s(const size_t *len, int n, double *camwait)
{
	double B = 10.0 / baud, c = cam.cmd_ms / 1000;
	double a = c, start = a, e, s, r, u, ready, arr, at;
	int i;

	*camwait = 0;
	for (i = 0; i < n; i++) {
		double lock = a - c;	/* when the camera took the LOCK */
		size_t total = cam.hdr_off + len[i], off, k;

		e = a + 10 * B;				/* LOCK's ACK */
		s = next_tick(e + 10 * B) + c;		/* SIZE */
		e = s + 18 * B;
		r = next_tick(e + 32 * B) + c;		/* ACK + READ */
		for (off = 0; off < total; off += k) {
			k = total - off < max_payload ? total - off : max_payload;
			if (off)
				r += c;
			r += (14 + k) * B + 10 * B;	/* fragment, ACK */
		}
		u = next_tick(r + 10 * B) + c;		/* UNLOCK */
		/* the next frame: the first capture after u, published */
		ready = u + 1 / cam.fps + cam.publish_ms / 1000;
		arr = u + 20 * B;			/* ACK out, LOCK in */
		at = next_tick(maxd(arr, maxd(ready, lock + cam.lock_ms / 1000)));
		*camwait += at - next_tick(arr);
		a = at + c;
	}
	return a - start;
}

/* ---- verifying and reporting ------------------------------------------------ */

static int verify(void)
{
	struct emu_frame *fr = NULL;
	long after = 0;
	int i, nf, good = 0;

	nf = emu_frames(&fr);
	for (i = 0; i < nshot; i++) {
		const struct emu_frame *m;
		int w, h, comps;

		m = frame_match(fr, nf, shot[i].data, shot[i].len, after);
		if (!m) {
			fprintf(stderr, "frame %d (%zu bytes): not one the camera handed out\n",
				i, shot[i].len);
			continue;
		}
		after = m->n;
		if (jpeg_check(shot[i].data, shot[i].len, &w, &h, &comps) ||
		    w != (int)W || h != (int)H) {
			fprintf(stderr, "frame %d: no %ux%u JPEG\n", i, W, H);
			continue;
		}
		good++;
	}
	free(fr);
	return good;
}

static int report(const char *kind, const char *label, int frames,
		  double requests, long long busy, long long retries,
		  long long timeouts)
{
	size_t lens[MAX_FRAMES];
	double bytes = 0, secs = t1 - t0, wait, ceil_s, eff, ceil_eff;
	int i, good = verify(), n = nshot + bad;

	if (!n || secs <= 0) {
		fprintf(stderr, "no frames\n");
		return 1;
	}
	for (i = 0; i < nshot; i++) {
		lens[i] = shot[i].len;
		bytes += shot[i].len;
	}
	ceil_s = ceiling_s(lens, nshot, &wait);
	eff = bytes / ((secs - wait) * baud / 10);
	ceil_eff = bytes / ((ceil_s - wait) * baud / 10);
	printf("%s,%s,%lld,%ux%u,%d,%d,%d,%.4f,%.0f,%.0f,%.4f,%.4f,%.4f,%.4f,%u,%g,%g,%g,%.2f,%.2f,%lld,%lld,%lld\n",
	       kind, label, baud, W, H, frames, good, n - good, n / secs,
	       nshot ? bytes / nshot : 0, bytes / secs, eff, ceil_eff,
	       eff / ceil_eff, nshot / ceil_s, max_payload, cam.poll_ms,
	       cam.cmd_ms, cam.fps, nshot ? wait * 1000 / nshot : 0, requests,
	       busy, retries, timeouts);
	return good < frames;
}

static void keep(const void *data, size_t len)
{
	struct shot *s = &shot[nshot++];

	s->data = malloc(len);
	memcpy(s->data, data, len);
	s->len = len;
}

/* ---- the driver ------------------------------------------------------------- */

static int run_driver(const char *label, int frames)
{
	struct cam c;
	long long busy0, re0, to0;
	double t_end;
	int warm = 0;

	if (cam_open(&c)) {
		fprintf(stderr, "no sercam node\n");
		return 1;
	}
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP)) {
		fprintf(stderr, "cannot stream: %s\n", strerror(errno));
		return 1;
	}
	busy0 = re0 = to0 = 0;
	t_end = now_s() + 60 + (frames + WARMUP) * 20.0;
	while (nshot + bad < frames && now_s() < t_end) {
		struct v4l2_buffer b;

		if (cam_dqbuf(&c, &b, 5000))
			continue;
		if (warm < WARMUP) {
			if (++warm == WARMUP) {
				t0 = now_s();
				busy0 = cam_stat(&c, "busy");
				re0 = cam_stat(&c, "retries");
				to0 = cam_stat(&c, "timeouts");
			}
		} else {
			if (b.flags & V4L2_BUF_FLAG_ERROR)
				bad++;
			else
				keep(c.bufs[b.index].start, b.bytesused);
			t1 = now_s();
		}
		cam_qbuf(&c, b.index);
	}
	busy0 = cam_stat(&c, "busy") - busy0;
	re0 = cam_stat(&c, "retries") - re0;
	to0 = cam_stat(&c, "timeouts") - to0;
	baud = cam_stat(&c, "baud");
	max_payload = cam_stat(&c, "pkt_size");
	cam_stop(&c);
	cam_close(&c);
	if (baud <= 0)
		baud = cam.rate;
	if (max_payload <= 0 || max_payload > 65535)
		max_payload = cam.board_max;
	return report("driver", label, frames,
		      nshot ? 4 + (double)busy0 / nshot : 0, busy0, re0, to0);
}

/* ---- the vendor library's way, in C ----------------------------------------- */

static int tty;
static unsigned char rbuf[65536];
static size_t rhead, rtail;
static unsigned char seq;		/* the next request's */
static unsigned char stream_ch = 3;
static long long requests, busy, retries, timeouts;

static uint16_t crc16(const unsigned char *p, size_t n)
{
	uint16_t crc = 0xffff;

	while (n--) {
		crc ^= (uint16_t)(*p++ << 8);
		for (int i = 0; i < 8; i++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1) ^ 0xf94f :
					     (uint16_t)(crc << 1);
	}
	return crc;
}

static uint32_t crc32_tab[256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;

		for (int k = 0; k < 8; k++)
			c = c & 0x80000000u ? (c << 1) ^ 0xfa567d89u : c << 1;
		crc32_tab[i] = c;
	}
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	while (n--)
		crc = (crc << 8) ^ crc32_tab[(crc >> 24) ^ *p++];
	return crc;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int send_pkt(unsigned char s, unsigned char chan, unsigned char flags,
		    unsigned char op, const void *data, size_t n)
{
	unsigned char p[HDR + 64 + 4];
	size_t len = HDR;

	p[0] = 0xaa;
	p[1] = 0xd5;
	p[2] = s;
	p[3] = chan;
	p[4] = flags;
	p[5] = op;
	put16(p + 6, n);
	put16(p + 8, crc16(p, 8));
	if (n) {
		memcpy(p + HDR, data, n);
		put32(p + HDR + n, crc32(p + HDR, n));
		len += n + 4;
	}
	return write(tty, p, len) == (ssize_t)len ? 0 : -1;
}

/* At least @n bytes buffered, waiting at most until @end; 0 or -1. */
static int fill(size_t n, double end)
{
	if (rhead + n > sizeof(rbuf) || rtail == sizeof(rbuf)) {
		memmove(rbuf, rbuf + rhead, rtail - rhead);
		rtail -= rhead;
		rhead = 0;
	}
	while (rtail - rhead < n) {
		struct pollfd p = { .fd = tty, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t r;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		r = read(tty, rbuf + rtail, sizeof(rbuf) - rtail);
		if (r <= 0)
			return -1;
		rtail += r;
	}
	return 0;
}

struct pkt {
	unsigned char seq, chan, flags, op;
	size_t len;
	const unsigned char *data;	/* in rbuf until the next receive */
};

/*
 * The next good packet, its ACK sent at once if it asks for one; events
 * are taken and skipped (the library's callback). 0, or -1 on timeout.
 */
static int recv_any(struct pkt *k)
{
	double end = now_s() + RX_TIMEOUT_MS / 1000.0;

	for (;;) {
		unsigned char *h;
		size_t n;

		if (fill(HDR, end))
			return -1;
		h = rbuf + rhead;
		if (h[0] != 0xaa || h[1] != 0xd5 ||
		    crc16(h, 8) != (h[8] | h[9] << 8)) {
			rhead++;
			continue;
		}
		n = h[6] | h[7] << 8;
		if (n > LIB_PAYLOAD) {
			rhead++;
			continue;
		}
		if (n && fill(HDR + n + 4, end))
			return -1;
		h = rbuf + rhead;
		if (n && crc32(h + HDR, n) != get32(h + HDR + n)) {
			rhead++;
			continue;
		}
		rhead += HDR + (n ? n + 4 : 0);
		k->seq = h[2];
		k->chan = h[3];
		k->flags = h[4];
		k->op = h[5];
		k->len = n;
		k->data = h + HDR;
		if (k->flags & F_ACK_REQ)
			send_pkt(k->seq, k->chan, F_ACK, k->op, NULL, 0);
		if (k->flags & F_EVENT)
			continue;
		/* the library takes seq matches, RTX and SYNC's reply */
		if (k->seq != seq && !(k->flags & F_RTX) && k->op != OP_SYNC)
			continue;
		if ((k->flags & F_RTX) && k->seq != seq)
			continue;	/* a duplicate: ACKed again, dropped */
		return 0;
	}
}

enum { RQ_OK, RQ_NONE, RQ_ERR };

/*
 * One request and its reply (every fragment of it, into @out when given).
 * RQ_OK, RQ_NONE for NAK BUSY, RQ_ERR for a timeout or another NAK.
 */
static int request(unsigned char chan, unsigned char op, const void *args,
		   size_t n, unsigned char *out, size_t room, size_t *got,
		   unsigned char *small)
{
	struct pkt k;
	size_t at = 0;

	requests++;
	if (send_pkt(seq, chan, 0, op, args, n))
		return RQ_ERR;
	for (;;) {
		if (recv_any(&k)) {
			timeouts++;
			return RQ_ERR;
		}
		seq = k.seq + 1;
		if (k.flags & F_NAK) {
			if (k.len >= 2 && (k.data[0] | k.data[1] << 8) == ST_BUSY) {
				busy++;
				return RQ_NONE;
			}
			return RQ_ERR;
		}
		if (k.op != op)
			return RQ_ERR;
		if (out && at + k.len <= room)
			memcpy(out + at, k.data, k.len);
		else if (small && k.len <= 64)
			memcpy(small, k.data, k.len);
		at += k.len;
		if (!(k.flags & F_FRAGMENT))
			break;
	}
	if (got)
		*got = at;
	return RQ_OK;
}

static int resync(void)
{
	unsigned char caps[16] = { 0 }, reply[64];
	struct pkt k;
	size_t got;

	for (int i = 0; i < 3; i++) {
		send_pkt(0, 0, 0, OP_SYNC, NULL, 0);
		seq = 0;
		if (recv_any(&k) || k.op != OP_SYNC)
			continue;
		seq = 0;
		if (request(0, OP_GET_CAPS, NULL, 0, NULL, 0, &got, reply) ||
		    got < 6)
			return -1;
		max_payload = reply[4] | reply[5] << 8;
		if (max_payload > LIB_PAYLOAD)
			max_payload = LIB_PAYLOAD;
		put32(caps, 0xf);	/* crc, seq, ack, events */
		put16(caps + 4, max_payload);
		return request(0, OP_SET_CAPS, caps, 16, NULL, 0, NULL, NULL) ?
		       -1 : 0;
	}
	return -1;
}

static int session(void)
{
	unsigned char list[32 * 16], a[8];
	size_t got, i;

	if (resync() ||
	    request(0, OP_LIST, NULL, 0, list, sizeof(list), &got, NULL))
		return -1;
	for (i = 0; i + 16 <= got; i += 16)
		if (!strncmp((char *)list + i + 2, "stream", 14))
			stream_ch = list[i];
	put32(a, 1);		/* STREAM_RAW_CTRL = 0 */
	put32(a + 4, 0);
	if (request(stream_ch, OP_IOCTL, a, 8, NULL, 0, NULL, NULL))
		return -1;
	put32(a, 0);		/* STREAM_CTRL = 1 */
	put32(a + 4, 1);
	return request(stream_ch, OP_IOCTL, a, 8, NULL, 0, NULL, NULL) ? -1 : 0;
}

static unsigned char *frame_buf;

/* read_frame(): RQ_OK with the JPEG in @s, RQ_NONE, or RQ_ERR */
static int read_frame(struct shot *s)
{
	unsigned char small[64], a[8];
	size_t total, got;
	uint32_t off, size;
	int r;

	r = request(stream_ch, OP_LOCK, NULL, 0, NULL, 0, NULL, NULL);
	if (r)
		return r;
	r = request(stream_ch, OP_SIZE, NULL, 0, NULL, 0, &got, small);
	if (r || got < 4 || (total = get32(small)) <= 16 || total > (4 << 20)) {
		request(stream_ch, OP_UNLOCK, NULL, 0, NULL, 0, NULL, NULL);
		return r ? r : RQ_NONE;
	}
	frame_buf = realloc(frame_buf, total);
	put32(a, 0);
	put32(a + 4, total);
	r = request(stream_ch, OP_READ, a, 8, frame_buf, total, &got, NULL);
	if (request(stream_ch, OP_UNLOCK, NULL, 0, NULL, 0, NULL, NULL) && !r)
		r = RQ_ERR;
	if (r)
		return r;
	off = get32(frame_buf + 16);
	size = get32(frame_buf + 12);
	if (got != total || off > total || size > total - off)
		return RQ_ERR;
	s->data = frame_buf + off;
	s->len = size;
	return RQ_OK;
}

static void pace(double *last, double ms)
{
	double wait = *last + ms / 1000 - now_s();

	if (wait > 0) {
		struct timespec ts = { 0, (long)(wait * 1e9) };

		nanosleep(&ts, NULL);
	}
	*last = now_s();
}

/* The vendor's loop: read_frame() until one comes; @cli: its viewer's. */
static int next_frame(struct shot *s, int cli)
{
	static double last;
	unsigned char small[64];
	double end = now_s() + 30;

	while (now_s() < end) {
		int r;

		if (cli) {
			r = request(0, OP_POLL, NULL, 0, NULL, 0, NULL, small);
			if (r == RQ_ERR) {
				retries++;
				if (session())
					return -1;
			}
		}
		r = read_frame(s);
		if (r == RQ_ERR) {
			/* retry_if_failed: resync, then once more */
			retries++;
			if (session())
				return -1;
			r = read_frame(s);
		}
		if (cli)
			pace(&last, 4);
		if (r == RQ_OK)
			return 0;
		if (r == RQ_ERR && session())
			return -1;
	}
	return -1;
}

static int run_reader(const char *label, int frames, const char *path,
		      int cli)
{
	struct termios t;
	unsigned char a[8];
	speed_t sp;
	struct shot s;
	double per;
	int i;

	baud = cam.rate;
	sp = baud == 921600 ? B921600 : baud == 460800 ? B460800 :
	     baud == 230400 ? B230400 : B115200;
	tty = open(path, O_RDWR | O_NOCTTY);
	if (tty < 0 || tcgetattr(tty, &t)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	/* pyserial's: raw, 8N1, no flow control */
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(tty, TCSANOW, &t)) {
		fprintf(stderr, "tcsetattr: %s\n", strerror(errno));
		return 1;
	}
	tcflush(tty, TCIOFLUSH);
	if (session()) {
		fprintf(stderr, "no session with the camera\n");
		return 1;
	}
	for (i = 0; i < WARMUP; i++)
		if (next_frame(&s, cli)) {
			fprintf(stderr, "no warm-up frame\n");
			return 1;
		}
	requests = busy = retries = timeouts = 0;
	t0 = now_s();
	for (i = 0; i < frames; i++) {
		if (next_frame(&s, cli))
			bad++;
		else
			keep(s.data, s.len);
	}
	t1 = now_s();
	per = nshot ? (double)requests / nshot : 0;
	/* STREAM_CTRL = 0, as a host that is done would */
	put32(a, 0);
	put32(a + 4, 0);
	request(stream_ch, OP_IOCTL, a, 8, NULL, 0, NULL, NULL);
	close(tty);
	return report("reader", label, frames, per, busy, retries, timeouts);
}

int main(int argc, char **argv)
{
	int frames;

	crc32_init();
	if (crc16((const unsigned char *)"123456789", 9) != 0xe541 ||
	    crc32((const unsigned char *)"123456789", 9) != 0x41b403d3) {
		fprintf(stderr, "CRC check values wrong\n");
		return 2;
	}
	if (argc < 5 || sscanf(argv[3], "%ux%u", &W, &H) != 2) {
		fprintf(stderr, "usage: openmv_bench driver LABEL WxH FRAMES\n"
			"       openmv_bench reader LABEL WxH FRAMES TTY [cli]\n");
		return 2;
	}
	frames = atoi(argv[4]);
	if (frames < 1 || frames > MAX_FRAMES)
		return 2;
	if (emu_cmd(NULL, 0, NULL, NULL, "set res %s", argv[3])) {
		fprintf(stderr, "the camera took no 'set res %s'\n", argv[3]);
		return 1;
	}
	if (emu_timing()) {
		fprintf(stderr, "no camera status\n");
		return 1;
	}
	if (!strcmp(argv[1], "driver"))
		return run_driver(argv[2], frames);
	if (argc < 6)
		return 2;
	return run_reader(argv[2], frames, argv[5],
			  argc > 6 && !strcmp(argv[6], "cli"));
}
