// SPDX-License-Identifier: GPL-2.0
/*
 * ov528_bench - the OV528 family's benchmark (make bench, in the guest)
 *
 *   ov528_bench driver LABEL WxH FRAMES [DEV...]     >> ov528.csv
 *   ov528_bench reader LABEL WxH FRAMES TTY SLEEP_MS GAP_MS PKG ADDR...
 *
 * driver: streams FRAMES frames (after $OV528_WARMUP warm-up frames each,
 * 1 unless set: the window opens when a camera's last one is in) from every
 * DEV at once (default: the first sercam node), 4 mmap buffers each, and
 * prints one CSV line per camera and, with several, a "total" line.
 *
 * reader: the same pictures fetched from user space over the raw UART
 * (TTY, no driver bound to it), the way the popular host libraries do it
 * (pyserial and its ports): SYNC, INITIAL and SET PACKAGE SIZE once, then
 * per frame SNAPSHOT, GET PICTURE, and for each package a sleep of
 * SLEEP_MS, its request, and one read of the whole package (a pyserial
 * read(n): poll and read until n bytes are in); F0 F0 at the end. GAP_MS:
 * a fixed silence after the last byte received before every command (an
 * RS-485 turnaround). Several ADDRs (a bus) are served in turn, a frame
 * each.
 *
 * Every frame, either way, is checked after the timed run: it must be one
 * the camera sent (sha256 against the emulator's manifest, as the
 * selftests do) and decode as a JPEG (libjpeg). Checking comes after the
 * run so that neither side's figure includes it.
 *
 * CSV: kind, label, addr, baud, size, frames, good, bad, fps, mean JPEG
 * bytes, payload B/s, efficiency, ceiling, efficiency/ceiling, asymptote,
 * package size, reply ms, capture ms, gap us (at the end), requests per
 * frame, retries, timeouts.
 *
 * efficiency = JPEG bytes / ((frame period - capture) * baud / 10), the
 * SXH485 benchmark's measure. The ceiling is the same quantity for a host
 * that wastes nothing: per frame, SNAPSHOT (6 bytes out, reply time, 6
 * back), GET PICTURE (6 out during the capture, reply time, ACK and DATA),
 * per package its 6-byte request, the reply time and the package (6 bytes
 * of id, length and sum around its data), and F0 F0; computed from the
 * sizes of the frames actually sent and the package size in use. The
 * asymptote is the per-package limit (P - 6) / (P + 6 + reply * baud/10).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sercam_test.h"

#define MAX_CAMS	7
#define MAX_FRAMES	64
#define PKG_TRIES	100	/* the host libraries' retry count */
#define REPLY_MS	1000	/* their read timeout */

struct shot {
	unsigned char *data;
	size_t len;
};

struct run {
	int addr;
	struct shot shot[MAX_FRAMES];
	int n;			/* frames counted */
	double t0, t1;		/* warm-up frame in, last counted frame in */
	long long retries, timeouts, requests, gap_us, gap0_us;
	int warm;		/* warm-up frames in */
	int bad;		/* flagged by the driver, or lost by the reader */
};

static unsigned int W = 640, H = 480;
static double reply_ms = 2, capture_ms = 150;
static long long baud = 115200;
static unsigned int pkg = 512;
static int warmup = 1;

static void keep(struct shot *s, const void *data, size_t len)
{
	s->data = malloc(len);
	memcpy(s->data, data, len);
	s->len = len;
}

static void emu_timing(void)
{
	char final[EMU_LINE], *p;

	if (emu_cmd(final, sizeof(final), NULL, NULL, "status"))
		return;
	p = strstr(final, " cmd-ms=");
	if (p)
		reply_ms = strtod(p + 8, NULL);
	p = strstr(final, " capture-ms=");
	if (p)
		capture_ms = strtod(p + 12, NULL) * W * H / (640.0 * 480.0);
}

/* The wire time a perfect host needs for a frame of @s bytes, capture aside. */
static double frame_floor_s(size_t s)
{
	size_t data = pkg - 6, n = (s + data - 1) / data;
	double bytes = 6 + 6 + 6 + 12 + 6 * n + s + 6 * n + 6;

	return bytes * 10 / baud + (n + 2) * reply_ms / 1000;
}

/* Check the frames against the manifest; returns how many are good. */
static int verify(struct run *r)
{
	struct emu_frame *fr = NULL;
	char a[8];
	long after = 0;
	int i, nf, good = 0;

	snprintf(a, sizeof(a), "%d", r->addr);
	setenv("SERCAM_ADDR", a, 1);
	nf = emu_frames(&fr);
	for (i = 0; i < r->n; i++) {
		const struct emu_frame *m;
		int w, h, comps;

		m = frame_match(fr, nf, r->shot[i].data, r->shot[i].len, after);
		if (!m) {
			fprintf(stderr, "camera %d frame %d (%zu bytes): not one the camera sent\n",
				r->addr, i, r->shot[i].len);
			continue;
		}
		after = m->n;
		if (jpeg_check(r->shot[i].data, r->shot[i].len, &w, &h, &comps) ||
		    w != (int)W || h != (int)H) {
			fprintf(stderr, "camera %d frame %d: no %ux%u JPEG\n",
				r->addr, i, W, H);
			continue;
		}
		good++;
	}
	free(fr);
	return good;
}

static void report(const char *kind, const char *label, const char *who,
		   int frames, int good, int bad, double secs, double bytes,
		   double floor_s, int counted, long long gap_us,
		   double requests, long long retries, long long timeouts)
{
	double fps = counted / secs, per = good ? bytes / good : 0;
	double eff = per / ((secs / counted - capture_ms / 1000) * baud / 10);
	double ceil = good ? bytes / (floor_s * baud / 10) : 0;
	double asym = (pkg - 6.0) / (pkg + 6.0 + reply_ms / 1000 * baud / 10);

	printf("%s,%s,%s,%lld,%ux%u,%d,%d,%d,%.4f,%.0f,%.0f,%.4f,%.4f,%.4f,%.4f,%u,%g,%g,%lld,%.1f,%lld,%lld\n",
	       kind, label, who, baud, W, H, frames, good, bad, fps, per,
	       bytes / secs, eff, ceil, ceil ? eff / ceil : 0, asym, pkg,
	       reply_ms, capture_ms, gap_us, requests, retries, timeouts);
}

/* ---- the driver --------------------------------------------------------- */

static int run_driver(const char *label, int frames, char **devs, int ndev)
{
	struct cam c[MAX_CAMS];
	struct run r[MAX_CAMS];
	struct pollfd pfd[MAX_CAMS];
	double t_end, tot_bytes = 0, tot_floor = 0, first = 1e30, last = 0;
	int i, k, left, tot_good = 0, tot_n = 0, rc = 0;

	memset(r, 0, sizeof(r));
	for (k = 0; k < ndev; k++) {
		if (devs)
			setenv("SERCAM_DEV", devs[k], 1);
		if (cam_open(&c[k]) || cam_set_size(&c[k], W, H)) {
			fprintf(stderr, "no sercam node %s at %ux%u\n",
				devs ? devs[k] : "", W, H);
			return 1;
		}
		r[k].addr = cam_stat(&c[k], "address");
		if (r[k].addr < 0) {
			/* the card name ends in "camera N" on a bus */
			struct v4l2_capability cap;
			char *p;

			r[k].addr = 0;
			if (!ioctl(c[k].fd, VIDIOC_QUERYCAP, &cap) &&
			    (p = strstr((char *)cap.card, "camera ")))
				r[k].addr = atoi(p + 7);
		}
	}
	for (k = 0; k < ndev; k++)
		if (cam_start(&c[k], 4, V4L2_MEMORY_MMAP)) {
			fprintf(stderr, "cannot stream: %s\n", strerror(errno));
			return 1;
		}
	t_end = now_s() + 60 + (frames + warmup) * 60.0 * ndev;
	for (left = ndev; left && now_s() < t_end;) {
		for (k = 0; k < ndev; k++)
			pfd[k] = (struct pollfd){ .fd = c[k].fd, .events = POLLIN };
		if (poll(pfd, ndev, 1000) <= 0)
			continue;
		for (k = 0; k < ndev; k++) {
			struct v4l2_buffer b;
			double now;

			if (!(pfd[k].revents & POLLIN) || cam_dqbuf(&c[k], &b, 0))
				continue;
			now = now_s();
			if (r[k].warm < warmup) {
				/* warm-up frames: the window opens after them */
				if (++r[k].warm == warmup) {
					r[k].t0 = now;
					r[k].gap0_us = cam_stat(&c[k], "turnaround_us");
					r[k].timeouts = -cam_stat(&c[k], "timeouts");
					r[k].retries = -cam_stat(&c[k], "retries");
				}
			} else if (r[k].n + r[k].bad < frames) {
				if (b.flags & V4L2_BUF_FLAG_ERROR)
					r[k].bad++;
				else
					keep(&r[k].shot[r[k].n++],
					     c[k].bufs[b.index].start,
					     b.bytesused);
				r[k].t1 = now;
				if (r[k].n + r[k].bad == frames)
					left--;
			}
			/* done or not, it keeps the bus as busy as the rest */
			cam_qbuf(&c[k], b.index);
		}
	}
	for (k = 0; k < ndev; k++) {
		r[k].gap_us = cam_stat(&c[k], "turnaround_us");
		r[k].retries += cam_stat(&c[k], "retries");
		r[k].timeouts += cam_stat(&c[k], "timeouts");
		pkg = cam_stat(&c[k], "pkt_size");
		baud = cam_stat(&c[k], "baud");
		cam_stop(&c[k]);
	}
	for (k = 0; k < ndev; k++) {
		double bytes = 0, floor_s = 0, secs = r[k].t1 - r[k].t0;
		int good = verify(&r[k]), cnt = r[k].n + r[k].bad;
		char who[16];

		for (i = 0; i < r[k].n; i++) {
			bytes += r[k].shot[i].len;
			floor_s += frame_floor_s(r[k].shot[i].len);
			/* SNAPSHOT, GET PICTURE, the packages, F0 F0 */
			r[k].requests += (r[k].shot[i].len + pkg - 7) / (pkg - 6) + 3;
		}
		if (!cnt || secs <= 0) {
			fprintf(stderr, "camera %d: no frames\n", r[k].addr);
			rc = 1;
			continue;
		}
		if (good < frames)
			rc = 1;
		snprintf(who, sizeof(who), "%d", r[k].addr);
		if (r[k].gap_us > 0 || r[k].gap0_us > 0)
			fprintf(stderr, "camera %d: turnaround %lld us when the window opened, %lld us at its end\n",
				r[k].addr, r[k].gap0_us, r[k].gap_us);
		report("driver", label, who, frames, good, r[k].bad + r[k].n - good,
		       secs, bytes, floor_s, cnt, r[k].gap_us,
		       r[k].n ? (double)r[k].requests / r[k].n : 0,
		       r[k].retries, r[k].timeouts);
		tot_bytes += bytes;
		tot_floor += floor_s;
		tot_good += good;
		tot_n += cnt;
		if (r[k].t0 < first)
			first = r[k].t0;
		if (r[k].t1 > last)
			last = r[k].t1;
		cam_close(&c[k]);
	}
	if (ndev > 1 && tot_n) {
		/* the bus: every frame over the common window */
		double sum_fps = 0;

		for (k = 0; k < ndev; k++)
			if (r[k].t1 > r[k].t0)
				sum_fps += (r[k].n + r[k].bad) / (r[k].t1 - r[k].t0);
		/* total fps as the sum of the cameras' rates */
		report("driver", label, "total", frames * ndev, tot_good,
		       tot_n - tot_good, tot_n / sum_fps, tot_bytes, tot_floor,
		       tot_n, -1, 0, 0, 0);
	}
	return rc;
}

/* ---- the user-space reader ---------------------------------------------- */

static int tty;
static double last_rx;		/* when the last byte came in */
static int gap_ms;

static void sleep_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms * 1e6) % 1000000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* pyserial's write(): the bytes to the tty, no drain */
static int tx(int addr, unsigned char id, unsigned char p1, unsigned char p2,
	      unsigned char p3, unsigned char p4)
{
	unsigned char m[6] = { 0xaa, (unsigned char)(addr << 5 | id),
			       p1, p2, p3, p4 };

	if (gap_ms) {
		double wait = last_rx + gap_ms / 1000.0 - now_s();

		if (wait > 0)
			sleep_ms(wait * 1000);
	}
	return write(tty, m, 6) == 6 ? 0 : -1;
}

/* pyserial's read(n): until n bytes are in or @ms pass; returns the count */
static size_t rx(unsigned char *buf, size_t n, int ms)
{
	double end = now_s() + ms / 1000.0;
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = tty, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t r;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		r = read(tty, buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
		last_rx = now_s();
	}
	return got;
}

static int is_ack(const unsigned char *m, int addr, unsigned char of)
{
	return m[0] == 0xaa && m[1] == (addr << 5 | 0x0e) && m[2] == of;
}

/* A command answered by ACK (and @extra more bytes into @more) */
static int cmd(int addr, unsigned char id, unsigned char p1, unsigned char p2,
	       unsigned char p3, unsigned char p4, unsigned char *more,
	       size_t extra)
{
	unsigned char buf[18];

	for (int i = 0; i < 3; i++) {
		if (tx(addr, id, p1, p2, p3, p4))
			return -1;
		if (rx(buf, 6 + extra, REPLY_MS) == 6 + extra &&
		    is_ack(buf, addr, id)) {
			if (extra)
				memcpy(more, buf + 6, extra);
			return 0;
		}
		tcflush(tty, TCIFLUSH);
		tx(addr, 0x0e, 0, 0, 0xf0, 0xf0);
		sleep_ms(50);
		tcflush(tty, TCIFLUSH);
	}
	return -1;
}

static int sync_cam(int addr)
{
	unsigned char buf[12];

	for (int i = 0; i < 60; i++) {
		tcflush(tty, TCIFLUSH);
		if (tx(addr, 0x0d, 0, 0, 0, 0))
			return -1;
		if (rx(buf, 12, 5 + i) == 12 && is_ack(buf, addr, 0x0d) &&
		    buf[7] == (addr << 5 | 0x0d)) {
			return tx(addr, 0x0e, 0x0d, 0, 0, 0);
		}
	}
	return -1;
}

/* One JPEG snapshot into @s; -1 when it could not be had. */
static int snap(struct run *r, struct shot *s, int sleep_each)
{
	unsigned char data[6], *img, p[520];
	size_t size, off, n, per = pkg - 6;
	unsigned int id, count;
	int a = r->addr;

	if (cmd(a, 0x05, 0, 0, 0, 0, NULL, 0) ||
	    cmd(a, 0x04, 0x01, 0, 0, 0, data, 6) || data[0] != 0xaa ||
	    data[1] != (a << 5 | 0x0a))
		return -1;
	r->requests += 2;
	size = data[3] | data[4] << 8 | data[5] << 16;
	img = malloc(size);
	count = (size + per - 1) / per;
	for (id = 0, off = 0; id < count; id++, off += n) {
		int t;

		n = size - off < per ? size - off : per;
		for (t = 0; t < PKG_TRIES; t++) {
			unsigned char sum = 0;
			size_t i, got;

			if (t)
				r->retries++;
			if (sleep_each)
				sleep_ms(sleep_each);
			tx(a, 0x0e, 0, 0, id & 0xff, id >> 8);
			r->requests++;
			got = rx(p, n + 6, REPLY_MS);
			if (got < n + 6) {
				r->timeouts++;
				tcflush(tty, TCIFLUSH);
				continue;
			}
			for (i = 0; i < n + 4; i++)
				sum += p[i];
			if ((unsigned int)(p[0] | p[1] << 8) == id &&
			    (size_t)(p[2] | p[3] << 8) == n &&
			    p[n + 4] == sum && !p[n + 5])
				break;
			tcflush(tty, TCIFLUSH);
		}
		if (t == PKG_TRIES) {
			free(img);
			tx(a, 0x0e, 0, 0, 0xf0, 0xf0);
			return -1;
		}
		memcpy(img + off, p + 4, n);
	}
	tx(a, 0x0e, 0, 0, 0xf0, 0xf0);
	r->requests++;
	s->data = img;
	s->len = size;
	return 0;
}

static int run_reader(const char *label, int frames, const char *path,
		      int sleep_each, int *addrs, int naddr)
{
	struct run r[MAX_CAMS];
	struct termios t;
	speed_t sp = B115200;
	double t0, t1, tot_bytes = 0, tot_floor = 0;
	int k, i, rc = 0, tot_good = 0;

	memset(r, 0, sizeof(r));
	tty = open(path, O_RDWR | O_NOCTTY);
	if (tty < 0 || tcgetattr(tty, &t)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	/* what pyserial does: raw, 8N1, no flow control, VMIN 1 */
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (baud == 57600)
		sp = B57600;
	else if (baud == 230400)
		sp = B230400;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(tty, TCSANOW, &t)) {
		fprintf(stderr, "tcsetattr: %s\n", strerror(errno));
		return 1;
	}
	/* the camera follows the host's rate once synced */
	sleep_ms(50);
	for (k = 0; k < naddr; k++) {
		r[k].addr = addrs[k];
		if (sync_cam(addrs[k]) ||
		    (sleep_ms(10), cmd(addrs[k], 0x01, 0, 0x07, 0, 0x07, NULL, 0))) {
			fprintf(stderr, "camera %d: no sync or INITIAL\n", addrs[k]);
			return 1;
		}
		sleep_ms(100);	/* after INITIAL (seed FAQ 5) */
		if (cmd(addrs[k], 0x06, 0x08, pkg & 0xff, pkg >> 8, 0, NULL, 0)) {
			fprintf(stderr, "camera %d: SET PACKAGE SIZE\n", addrs[k]);
			return 1;
		}
	}
	/* a warm-up frame each, as the driver's */
	for (k = 0; k < naddr; k++) {
		struct shot s;

		if (!snap(&r[k], &s, sleep_each))
			free(s.data);
	}
	for (k = 0; k < naddr; k++)
		r[k].requests = r[k].retries = r[k].timeouts = 0;
	t0 = now_s();
	for (i = 0; i < frames; i++)
		for (k = 0; k < naddr; k++)
			if (snap(&r[k], &r[k].shot[r[k].n], sleep_each))
				r[k].bad++;
			else
				r[k].n++;
	t1 = now_s();
	close(tty);
	for (k = 0; k < naddr; k++) {
		double bytes = 0, floor_s = 0;
		int good = verify(&r[k]);
		char who[16];

		for (i = 0; i < r[k].n; i++) {
			bytes += r[k].shot[i].len;
			floor_s += frame_floor_s(r[k].shot[i].len);
		}
		if (good < frames)
			rc = 1;
		snprintf(who, sizeof(who), "%d", r[k].addr);
		/* the cameras take turns: each one's rate is over the whole run */
		report("reader", label, who, frames, good,
		       r[k].bad + r[k].n - good, t1 - t0, bytes, floor_s,
		       frames, gap_ms * 1000,
		       (double)r[k].requests / frames, r[k].retries,
		       r[k].timeouts);
		tot_bytes += bytes;
		tot_floor += floor_s;
		tot_good += good;
	}
	if (naddr > 1)
		report("reader", label, "total", frames * naddr, tot_good,
		       frames * naddr - tot_good, t1 - t0, tot_bytes, tot_floor,
		       frames * naddr, gap_ms * 1000, 0, 0, 0);
	return rc;
}

int main(int argc, char **argv)
{
	int frames, addrs[MAX_CAMS], n = 0, i;

	if (argc < 5 || sscanf(argv[3], "%ux%u", &W, &H) != 2) {
		fprintf(stderr, "usage: ov528_bench driver LABEL WxH FRAMES [DEV...]\n"
			"       ov528_bench reader LABEL WxH FRAMES TTY SLEEP_MS GAP_MS PKG ADDR...\n");
		return 2;
	}
	frames = atoi(argv[4]);
	if (frames < 1 || frames > MAX_FRAMES)
		return 2;
	emu_timing();
	if (getenv("OV528_WARMUP"))
		warmup = atoi(getenv("OV528_WARMUP"));
	if (warmup < 1)
		warmup = 1;
	if (!strcmp(argv[1], "driver"))
		return run_driver(argv[2], frames, argc > 5 ? argv + 5 : NULL,
				  argc > 5 ? argc - 5 : 1);
	if (argc < 10)
		return 2;
	gap_ms = atoi(argv[7]);
	pkg = atoi(argv[8]);
	for (i = 9; i < argc && n < MAX_CAMS; i++)
		addrs[n++] = atoi(argv[i]);
	return run_reader(argv[2], frames, argv[5], atoi(argv[6]), addrs, n);
}
