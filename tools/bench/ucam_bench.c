// SPDX-License-Identifier: GPL-2.0
/*
 * ucam_bench - the simple command cameras' benchmark (make bench, in the
 * guest): the VC0706 family and the ASCII U# family
 *
 *   ucam_bench driver FAMILY LABEL WxH FRAMES          >> FAMILY.csv
 *   ucam_bench adafruit LABEL WxH FRAMES TTY BAUD      >> vc0706.csv
 *   ucam_bench ug LABEL WxH FRAMES TTY BAUD            >> ascii-u.csv
 *
 * driver (FAMILY vc0706 or ascii-u): streams from the first sercam node,
 * 4 mmap buffers, and times FRAMES frames after one warm-up frame (which
 * carries a VC0706 size change: an EEPROM write and a reset): the window
 * opens when the warm-up frame is dequeued and closes with the last.
 *
 * adafruit: a VC0706 read from user space over the raw UART (TTY, no
 * driver bound to it) the way Adafruit's Arduino library (Adafruit_VC0706,
 * its Snapshot and MotionDetect examples) does it; see adafruit_frame().
 * Set up first, outside the timed window, with the library's own calls:
 * setImageSize() and reset() when the camera has another size (then the
 * camera boots at its power-on rate), setBaud115200() (set port, then the
 * library's 200 ms wait for more reply) when BAUD is not the camera's rate,
 * and setCompression() with the ratio the driver's default quality (90)
 * sets, so that both read the same pictures.
 *
 * ug: an ASCII U# camera read from user space over the raw UART, a
 * picture at a time: UI<n># to BAUD once if the camera is elsewhere, then
 * per picture UG<n>#, its UG#, the UP<size># and the picture, each read
 * as pyserial's read(n) does (poll and read until n bytes are in).
 *
 * Where the camera's rate, size and timing are needed for the set-up and
 * the ceiling they come from the emulator's "status" (the test bed's
 * knowledge, not the reader's). Every frame, either way, is checked after
 * the timed run: it must be one the camera made (sha256 against the
 * emulator's manifest, as the selftests check) and decode as a WxH JPEG
 * (libjpeg).
 *
 * CSV: kind, family, label, baud, size, frames, good, bad, fps, mean JPEG
 * bytes, payload B/s, efficiency, ceiling, efficiency/ceiling, ceiling
 * fps, the ceiling of the row's own way, chunk, camera reply ms (cmd-ms),
 * capture ms, requests per frame, retries, timeouts.
 *
 * efficiency = JPEG bytes / (frame period * baud/10): the share of the
 * wire the pictures had. The ceiling is the same quantity for a host that
 * wastes no time at all, at the camera's timing (its status):
 *
 * - VC0706, at the driver's chunk size (8192, VC_CHUNK_MAX: it starts
 *   there and halves only after a broken chunk, which retries would show):
 *   per frame freeze (5 bytes out, cmd-ms, 5 back), get length (5 out,
 *   cmd-ms, 9 back), per chunk a 16-byte read (cmd-ms, the 5-byte wrapper,
 *   the 0.1 ms delay both ask for, the data rounded up to 8, the 5-byte
 *   wrapper again), resume (5 out, cmd-ms, 5 back). Freezing takes no
 *   capture time (the camera freezes the frame it has).
 * - ASCII U#: continuous mode (UC), pictures back to back: per picture
 *   the 7 bytes of UP<size># and the announced bytes (the JPEG and its
 *   padding).
 *
 * The own ceiling: the same for the row's way of asking (the Adafruit
 * library's 32-byte chunks; a UG command, its reply and the capture per
 * picture). Computed from the sizes of the frames actually read.
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

#define MAX_FRAMES	32
#define DRIVER_CHUNK	8192	/* the VC0706 driver's VC_CHUNK_MAX */
#define VC_READ_DELAY	10	/* 0.01 ms units: the driver's and the library's */
#define VC_ALIGN	8	/* read lengths and addresses (LinkSprite) */
#define LIB_CHUNK	32	/* the Adafruit examples' read size */
#define VC_RATIO_Q90	0x3f	/* vc_quality_ratio(90): the driver's default */
#define UG_TIMEOUT_MS	2000	/* the U# reader's read timeout */

enum family { VC0706, ASCIIU };

struct shot {
	unsigned char *data;
	size_t len;		/* the JPEG */
	size_t sent;		/* what the camera announced (ASCII U#: + pad) */
};

static enum family fam;
static unsigned int W = 640, H = 480;
static long long baud;
static double cmd_ms = 1, capture_ms;	/* the camera's, at W x H */
static unsigned int pad;		/* ASCII U#: bytes after EOI */
static struct shot shot[MAX_FRAMES];
static int nshot;
static long long requests, retries, timeouts;

static const char *fam_name(void)
{
	return fam == VC0706 ? "vc0706" : "ascii-u";
}

static void sleep_ms(double ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms * 1e6) % 1000000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The emulator's status line; 0 when it answered. */
static int emu_status(char *st, size_t size)
{
	if (!emu_cmd(st, size, NULL, NULL, "status"))
		return 0;
	fprintf(stderr, "no status from the emulator\n");
	return -1;
}

static double st_double(const char *st, const char *key)
{
	char k[40];
	const char *p;

	snprintf(k, sizeof(k), " %s=", key);
	p = strstr(st, k);
	return p ? strtod(p + strlen(k), NULL) : -1;
}

static void emu_timing(void)
{
	char st[EMU_LINE];

	if (emu_status(st, sizeof(st)))
		return;
	if (st_double(st, "cmd-ms") >= 0)
		cmd_ms = st_double(st, "cmd-ms");
	/* a VC0706 freeze takes none: the camera holds the frame it has */
	if (fam == ASCIIU && st_double(st, "capture-ms") >= 0)
		capture_ms = st_double(st, "capture-ms") * W * H / (640.0 * 480.0);
	if (fam == ASCIIU && st_double(st, "pad") >= 0)
		pad = (unsigned int)st_double(st, "pad");
}

/* ---- the ceilings -------------------------------------------------------- */

static size_t round8(size_t n)
{
	return (n + VC_ALIGN - 1) / VC_ALIGN * VC_ALIGN;
}

/* VC0706: the time a perfect host needs for a frame of @s bytes, chunk @c. */
static double vc_floor_s(size_t s, size_t c)
{
	size_t data = round8(s), n = (data + c - 1) / c;
	double bytes = 10 + 14 + n * (16 + 5 + 5) + data + 10;

	return bytes * 10 / baud + (3 + n) * cmd_ms / 1000 +
	       n * VC_READ_DELAY / 1e5;
}

/* ASCII U#: continuous mode; with @ug, one UG exchange and capture each. */
static double au_floor_s(size_t sent, int ug)
{
	double bytes = 7 + sent;

	if (ug)
		return (bytes + 4 + 3) * 10 / baud + (cmd_ms + capture_ms) / 1000;
	return bytes * 10 / baud;
}

/* ---- checking ----------------------------------------------------------- */

/* Check the frames against the manifest; returns how many are good. */
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
			fprintf(stderr, "frame %d (%zu bytes): not one the camera made\n",
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

/*
 * One CSV line for @counted frames (@bad of them lost or flagged) over
 * @secs; @own_chunk the row's chunk (VC0706) or 1 for a UG reader.
 */
static int report(const char *kind, const char *label, int frames,
		  int counted, int bad, double secs, int own)
{
	double bytes = 0, floor_s = 0, own_s = 0, fps, per, eff, ceil;
	int i, good = verify();

	for (i = 0; i < nshot; i++) {
		bytes += shot[i].len;
		if (fam == VC0706) {
			floor_s += vc_floor_s(shot[i].sent, DRIVER_CHUNK);
			own_s += vc_floor_s(shot[i].sent, own);
		} else {
			floor_s += au_floor_s(shot[i].sent, 0);
			own_s += au_floor_s(shot[i].sent, own);
		}
	}
	if (!counted || secs <= 0 || !nshot) {
		fprintf(stderr, "no frames\n");
		return 1;
	}
	fps = counted / secs;
	per = bytes / nshot;
	eff = bytes / secs / (baud / 10.0);
	ceil = bytes / (floor_s * baud / 10);
	printf("%s,%s,%s,%lld,%ux%u,%d,%d,%d,%.4f,%.0f,%.0f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%g,%g,%.1f,%lld,%lld\n",
	       kind, fam_name(), label, baud, W, H, frames, good,
	       bad + nshot - good, fps, per, bytes / secs, eff, ceil, eff / ceil,
	       nshot / floor_s, bytes / (own_s * baud / 10),
	       fam == VC0706 ? own : 0, cmd_ms, capture_ms,
	       (double)requests / counted, retries, timeouts);
	return good < frames;
}

/* ---- the driver --------------------------------------------------------- */

static int run_driver(const char *label, int frames)
{
	struct cam c;
	double t0 = 0, t1 = 0, t_end;
	int warm = 0, bad = 0, rc;

	if (cam_open(&c) || cam_set_size(&c, W, H)) {
		fprintf(stderr, "no sercam node at %ux%u\n", W, H);
		return 1;
	}
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP)) {
		fprintf(stderr, "cannot stream: %s\n", strerror(errno));
		return 1;
	}
	/* the slowest: 48 KB at 9600 is 50 s a frame */
	t_end = now_s() + 60 + (frames + 1) * 60.0;
	while (nshot + bad < frames && now_s() < t_end) {
		struct v4l2_buffer b;
		double now;

		if (cam_dqbuf(&c, &b, 1000))
			continue;
		now = now_s();
		if (!warm) {
			warm = 1;
			t0 = now;
			retries = -cam_stat(&c, "retries");
			timeouts = -cam_stat(&c, "timeouts");
		} else {
			if (b.flags & V4L2_BUF_FLAG_ERROR) {
				bad++;
			} else {
				struct shot *s = &shot[nshot++];

				s->len = b.bytesused;
				s->data = malloc(s->len);
				memcpy(s->data, c.bufs[b.index].start, s->len);
				/* what went over the wire */
				s->sent = s->len + (fam == ASCIIU ? pad : 0);
			}
			t1 = now;
		}
		cam_qbuf(&c, b.index);
	}
	retries += cam_stat(&c, "retries");
	timeouts += cam_stat(&c, "timeouts");
	baud = cam_stat(&c, "baud");
	if (cam_stat(&c, "crc_errors") > 0 || cam_stat(&c, "proto_errors") > 0)
		fprintf(stderr, "errors on the link: crc %lld, proto %lld (a VC0706 chunk size may have shrunk)\n",
			cam_stat(&c, "crc_errors"), cam_stat(&c, "proto_errors"));
	cam_stop(&c);
	cam_close(&c);
	/* requests a frame, the driver's way */
	for (int i = 0; i < nshot; i++)
		requests += fam == VC0706 ?
			3 + (round8(shot[i].sent) + DRIVER_CHUNK - 1) / DRIVER_CHUNK :
			0;	/* continuous mode: none */
	rc = report("driver", label, frames, nshot + bad, bad, t1 - t0,
		    fam == VC0706 ? DRIVER_CHUNK : 0);
	return rc;
}

/* ---- the raw UART ------------------------------------------------------- */

static int tty = -1;

static speed_t speed(long long b)
{
	switch (b) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	}
	return B0;
}

/* raw, 8N1, no flow control, VMIN 1 (pyserial's and Arduino's alike) */
static int tty_rate(long long b)
{
	struct termios t;

	if (tcgetattr(tty, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed(b));
	cfsetospeed(&t, speed(b));
	return tcsetattr(tty, TCSANOW, &t);
}

static int tty_open(const char *path, long long b)
{
	tty = open(path, O_RDWR | O_NOCTTY);
	if (tty < 0 || tty_rate(b)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	tcflush(tty, TCIOFLUSH);
	return 0;
}

/* pyserial's read(n): until n bytes are in or @ms pass; returns the count */
static size_t rx(void *buf, size_t n, int ms)
{
	double end = now_s() + ms / 1000.0;
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = tty, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t r;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		r = read(tty, (char *)buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

/* ---- the Adafruit library's way (VC0706) -------------------------------- */

/*
 * What Adafruit_VC0706 (Adafruit_VC0706.cpp) does, reproduced here:
 *
 * - readResponse(numbytes, timeout): loop until numbytes are in or
 *   `timeout` empty polls in a row: when the UART has a byte, take it (no
 *   wait); when it has none, delay(1) and count one. So every wait for a
 *   reply is polled in 1 ms sleeps, and a read ends up to 1 ms after the
 *   byte it waits for. The Arduino takes a byte per call from its ring
 *   buffer; here a read() takes all those available at once (the same
 *   timing, without a system call per byte).
 * - runCommand(): before every command but a frame-buffer read, a flush:
 *   readResponse(100, 10), which on a quiet line is ten delay(1)s, a fixed
 *   10 ms; then the command, and readResponse(reply length, 200).
 * - takePicture() = runCommand(36, {01 00}, 5) (freeze); frameLength() =
 *   runCommand(34, {01 00}, 9); resumeVideo() = runCommand(36, {01 03}, 5).
 * - readPicture(n): no flush; the read command `32 0C 00 0A addr n` with
 *   the camera delay CAMERADELAY (10, in 0.01 ms: 0.1 ms), then
 *   readResponse(5, 200) for the leading wrapper (checked) and
 *   readResponse(n + 5, CAMERADELAY = 10) for the data and the trailing
 *   wrapper (not checked). The examples call it with n = min(32, bytes
 *   left): 32-byte chunks, the size the AVR's 64-byte receive buffer
 *   allows. The last chunk is rounded up here to a multiple of 8, which
 *   the emulated camera (LinkSprite's rule) requires; 32 is one.
 *
 * So the fixed delays are the 10 ms flush before freeze, get length and
 * resume, and the 0.1 ms camera delay in each read; the 1 ms poll sleeps
 * put up to 1 ms more after each reply part (up to 2 ms a chunk).
 */

static unsigned char cbuf[256];
static long long delays;		/* delay(1)s in the timed window */
static double delay_s;			/* and the time they took */

static void delay1(void)
{
	double t = now_s();

	sleep_ms(1);
	delays++;
	delay_s += now_s() - t;
}

static size_t read_response(size_t numbytes, int timeout)
{
	size_t len = 0;
	int counter = 0;

	while (counter != timeout && len != numbytes) {
		int avail = 0;
		ssize_t r;

		if (ioctl(tty, FIONREAD, &avail) || avail <= 0) {
			delay1();
			counter++;
			continue;
		}
		counter = 0;
		if ((size_t)avail > numbytes - len)
			avail = numbytes - len;
		r = read(tty, cbuf + len, avail);
		if (r > 0)
			len += r;
	}
	return len;
}

static void send_command(unsigned char cmd, const unsigned char *args,
			 size_t argn)
{
	unsigned char m[32] = { 0x56, 0x00, cmd };

	memcpy(m + 3, args, argn);
	if (write(tty, m, 3 + argn) != (ssize_t)(3 + argn))
		fprintf(stderr, "write: %s\n", strerror(errno));
}

static int verify_response(unsigned char cmd)
{
	return cbuf[0] == 0x76 && cbuf[1] == 0 && cbuf[2] == cmd && !cbuf[3];
}

static int run_command(unsigned char cmd, const unsigned char *args,
		       size_t argn, size_t resplen, int flush)
{
	if (flush)
		read_response(100, 10);
	send_command(cmd, args, argn);
	requests++;
	if (read_response(resplen, 200) != resplen) {
		timeouts++;
		return 0;
	}
	return verify_response(cmd);
}

static int frame_ctrl(unsigned char what)
{
	unsigned char a[] = { 0x01, what };

	return run_command(0x36, a, sizeof(a), 5, 1);
}

static unsigned long frame_length(void)
{
	unsigned char a[] = { 0x01, 0x00 };

	if (!run_command(0x34, a, sizeof(a), 9, 1))
		return 0;
	return (unsigned long)cbuf[5] << 24 | cbuf[6] << 16 | cbuf[7] << 8 |
	       cbuf[8];
}

static unsigned char *read_picture(unsigned long ptr, unsigned char n)
{
	unsigned char a[] = { 0x0c, 0x00, 0x0a, ptr >> 24, ptr >> 16,
			      ptr >> 8, ptr, 0, 0, 0, n,
			      VC_READ_DELAY >> 8, VC_READ_DELAY & 0xff };

	if (!run_command(0x32, a, sizeof(a), 5, 0))
		return NULL;
	if (read_response(n + 5, VC_READ_DELAY) == 0)
		return NULL;
	return cbuf;
}

/* One picture the Snapshot example's way, then resumeVideo(). */
static int adafruit_frame(struct shot *s)
{
	unsigned long len, ptr = 0, left;
	unsigned char *img;

	if (!frame_ctrl(0x00))	/* takePicture() */
		return -1;
	len = frame_length();
	if (!len) {
		frame_ctrl(0x03);
		return -1;
	}
	img = malloc(round8(len));
	for (left = len; left;) {
		unsigned char n = left < LIB_CHUNK ? round8(left) : LIB_CHUNK;
		unsigned char *p = read_picture(ptr, n);
		size_t k = left < n ? left : n;

		if (!p) {
			free(img);
			frame_ctrl(0x03);
			return -1;
		}
		memcpy(img + ptr, p, k);
		ptr += n;
		left -= k;
	}
	s->data = img;
	s->len = s->sent = len;
	return frame_ctrl(0x03) ? 0 : -1;	/* resumeVideo() */
}

/* The camera's boot text after reset(), at its power-on rate. */
static int boot_text(void)
{
	static const char end[] = "Init end\r\n";
	size_t at = 0;
	double t_end = now_s() + 5;
	unsigned char c;

	while (now_s() < t_end)
		if (rx(&c, 1, 200) == 1) {
			at = c == end[at] ? at + 1 : c == end[0];
			if (at == sizeof(end) - 1)
				return 0;
		}
	return -1;
}

/* Size, rate and compression, with the library's calls; untimed. */
static int adafruit_setup(const char *path)
{
	static const unsigned char rates[][2] = {
		{ 0x2a, 0xf2 }, { 0x0d, 0xa6 }, { 0x1c, 0x4c },
	};
	char st[EMU_LINE];
	long long rate, poweron;
	unsigned int ew = 0, eh = 0;
	unsigned char code, a[8];
	const char *p;

	if (emu_status(st, sizeof(st)))
		return -1;
	rate = st_double(st, "rate");
	poweron = st_double(st, "poweron-rate");
	p = strstr(st, " eeprom-res=");
	if (p)
		sscanf(p + 12, "%ux%u", &ew, &eh);
	code = W == 640 ? 0x00 : W == 320 ? 0x11 : 0x22;
	if (tty_open(path, rate))
		return -1;
	if (ew != W || eh != H) {
		/* setImageSize(), then reset() for it to take */
		unsigned char sz[] = { 0x05, 0x04, 0x01, 0x00, 0x19, code };
		unsigned char zero = 0;

		if (!run_command(0x31, sz, sizeof(sz), 5, 1) ||
		    !run_command(0x26, &zero, 1, 5, 1)) {
			fprintf(stderr, "no size change\n");
			return -1;
		}
		/* it boots at its power-on rate */
		rate = poweron;
		if (tty_rate(rate) || boot_text()) {
			fprintf(stderr, "no boot text after reset\n");
			return -1;
		}
	}
	if (rate != baud) {
		/* setBaud38400() / setBaud115200() / setBaud57600() */
		const unsigned char *r = baud == 38400 ? rates[0] :
					 baud == 115200 ? rates[1] : rates[2];

		a[0] = 0x03;
		a[1] = 0x01;
		a[2] = r[0];
		a[3] = r[1];
		send_command(0x24, a, 4);
		if (read_response(100, 200) < 5 || !verify_response(0x24)) {
			fprintf(stderr, "no answer to set port\n");
			return -1;
		}
		/* and the sketch's Serial.begin(baud) */
		if (tty_rate(baud))
			return -1;
	}
	/* setCompression(): the pictures the driver's default asks for */
	a[0] = 0x05;
	a[1] = 0x01;
	a[2] = 0x01;
	a[3] = 0x12;
	a[4] = 0x04;
	a[5] = VC_RATIO_Q90;
	if (!run_command(0x31, a, 6, 5, 1)) {
		fprintf(stderr, "no compression\n");
		return -1;
	}
	requests = timeouts = delays = 0;
	delay_s = 0;
	return 0;
}

/* ---- a picture at a time (ASCII U#) ------------------------------------- */

/* UG<n>#: its reply, then UP<size># and the picture */
static int ug_frame(struct shot *s, char n)
{
	char cmd[] = { 'U', 'G', n, '#' }, hdr[8] = "";
	unsigned int lo, hi;
	size_t size;

	if (write(tty, cmd, 4) != 4)
		return -1;
	requests++;
	if (rx(hdr, 3, UG_TIMEOUT_MS) != 3 || memcmp(hdr, "UG#", 3)) {
		timeouts++;
		return -1;
	}
	/* the capture, then UP + 4 hex digits (low byte first) + # */
	if (rx(hdr, 7, UG_TIMEOUT_MS) != 7 || memcmp(hdr, "UP", 2) ||
	    hdr[6] != '#' || sscanf(hdr + 2, "%2x%2x", &lo, &hi) != 2) {
		timeouts++;
		return -1;
	}
	size = lo | hi << 8;
	s->data = malloc(size);
	/* a timeout long enough for the picture at this rate */
	if (rx(s->data, size, UG_TIMEOUT_MS + size * 10000LL / baud) != size) {
		timeouts++;
		free(s->data);
		return -1;
	}
	s->sent = size;
	/* the JPEG: the padding after EOI aside */
	s->len = size > pad ? size - pad : size;
	return 0;
}

static int ug_setup(const char *path)
{
	char st[EMU_LINE], cmd[4] = { 'U', 'I', 0, '#' }, r[3];
	long long rate;

	if (emu_status(st, sizeof(st)))
		return -1;
	rate = st_double(st, "rate");
	if (tty_open(path, rate))
		return -1;
	if (rate != baud) {
		cmd[2] = baud == 9600 ? '1' : baud == 19200 ? '2' :
			 baud == 38400 ? '3' : '4';
		if (write(tty, cmd, 4) != 4 || rx(r, 3, UG_TIMEOUT_MS) != 3 ||
		    memcmp(r, "UI#", 3) || tty_rate(baud)) {
			fprintf(stderr, "no answer to UI%c#\n", cmd[2]);
			return -1;
		}
	}
	return 0;
}

static int run_reader(int ug, const char *label, int frames, const char *path)
{
	double t0, t1;
	int i, bad = 0;

	if (ug ? ug_setup(path) : adafruit_setup(path))
		return 1;
	t0 = now_s();
	for (i = 0; i < frames; i++) {
		struct shot *s = &shot[nshot];

		if (ug ? ug_frame(s, W == 640 ? '3' : W == 320 ? '2' : '1') :
			 adafruit_frame(s)) {
			bad++;
			tcflush(tty, TCIFLUSH);
		} else {
			nshot++;
		}
	}
	t1 = now_s();
	close(tty);
	if (delays)
		fprintf(stderr, "%.1f delay(1)s a frame, %.3f ms each on average\n",
			(double)delays / frames, delay_s / delays * 1000);
	return report("reader", label, frames, frames, bad, t1 - t0,
		      ug ? 1 : LIB_CHUNK);
}

int main(int argc, char **argv)
{
	int frames, a = 2;

	if (argc < 5)
		goto usage;
	if (!strcmp(argv[1], "driver")) {
		if (argc < 6)
			goto usage;
		fam = !strcmp(argv[2], "vc0706") ? VC0706 : ASCIIU;
		a = 3;
	} else {
		fam = !strcmp(argv[1], "adafruit") ? VC0706 : ASCIIU;
	}
	if (sscanf(argv[a + 1], "%ux%u", &W, &H) != 2)
		goto usage;
	frames = atoi(argv[a + 2]);
	if (frames < 1 || frames > MAX_FRAMES)
		goto usage;
	emu_timing();
	if (!strcmp(argv[1], "driver"))
		return run_driver(argv[a], frames);
	if (argc < 7 || (strcmp(argv[1], "adafruit") && strcmp(argv[1], "ug")))
		goto usage;
	baud = atoll(argv[6]);
	if (speed(baud) == B0)
		goto usage;
	return run_reader(!strcmp(argv[1], "ug"), argv[a], frames, argv[5]);
usage:
	fprintf(stderr, "usage: ucam_bench driver vc0706|ascii-u LABEL WxH FRAMES\n"
		"       ucam_bench adafruit|ug LABEL WxH FRAMES TTY BAUD\n");
	return 2;
}
