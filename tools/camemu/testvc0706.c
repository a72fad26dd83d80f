// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VC0706 camera (vc0706.c) in virtual time, no sockets:
 * the expected bytes are written here from shared/protocols/vc0706.md
 * (the request and reply layouts of its tables), never from the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "image.h"
#include "tap.h"
#include "ucam.h"
#include "util.h"
#include "vc0706.h"

#define MS 1000000LL

static struct bus VB;

static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} R;
static size_t rpos;

static void vrun(int64_t t)
{
	bus_advance(&VB, t);
	if (!VB.out_bytes.n)
		return;
	while (R.n + VB.out_bytes.n > R.cap) {
		R.cap = R.cap ? 2 * R.cap : 65536;
		R.d = xrealloc(R.d, R.cap);
		R.t = xrealloc(R.t, R.cap * sizeof(*R.t));
	}
	memcpy(R.d + R.n, VB.out_bytes.d, VB.out_bytes.n);
	memcpy(R.t + R.n, VB.out_bytes.t, VB.out_bytes.n * sizeof(*R.t));
	R.n += VB.out_bytes.n;
	bus_out_clear(&VB);
}

static void vwait(int64_t ns)
{
	vrun(VB.now + ns);
}

static char *vctl(const char *line)
{
	return test_ctl(&VB, line);
}

static void vfresh(void)
{
	bus_free(&VB);
	bus_init(&VB, 0);
	vc0706_setup(&VB, 0);
	prng_seed(&VB.prng, 5);
	R.n = rpos = 0;
}

static void vsend(const uint8_t *d, size_t n)
{
	bus_rx(&VB, VB.now, d, n);
}

#define SEND(...) do { static const uint8_t c_[] = { __VA_ARGS__ }; \
		       vsend(c_, sizeof(c_)); } while (0)

/* Wait up to @ms for @n new bytes; true when they came. */
static bool vget(size_t n, int64_t ms)
{
	int64_t end = VB.now + ms * MS;

	while (R.n - rpos < n && VB.now < end) {
		int64_t t = bus_next_event(&VB);

		vrun(t < end ? t : end);
	}
	return R.n - rpos >= n;
}

/* The next @n bytes are exactly @exp (within @ms). */
static bool vexpect(const uint8_t *exp, size_t n, int64_t ms)
{
	bool ok = vget(n, ms) && !memcmp(R.d + rpos, exp, n);

	if (!ok)
		tap_hexdiag("got", R.d + rpos, R.n - rpos);
	rpos += n <= R.n - rpos ? n : R.n - rpos;
	return ok;
}

#define EXPECT(ms, ...) ({ static const uint8_t e_[] = { __VA_ARGS__ }; \
			   vexpect(e_, sizeof(e_), ms); })

/* Nothing more within @ms. */
static bool vquiet(int64_t ms)
{
	vwait(ms * MS);
	return R.n == rpos;
}

static int64_t byte_ns(uint32_t rate)
{
	return 10 * NS_PER_S / rate;
}

/* Wire time of @n bytes at @rate, as the line model counts it. */
static int64_t wire(size_t n, uint32_t rate)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / rate);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Freeze, length, reads of @chunk, resume: the JPEG in *@img. */
static bool capture(uint32_t chunk, uint8_t **img, uint32_t *len)
{
	uint8_t cmd[16] = { 0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a };
	uint32_t got = 0, want;
	bool ok = true;

	SEND(0x56, 0x00, 0x36, 0x01, 0x00);
	ok &= EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);
	SEND(0x56, 0x00, 0x34, 0x01, 0x00);
	ok &= EXPECT(50, 0x76, 0x00, 0x34, 0x00, 0x04);
	if (!vget(4, 50))
		return false;
	*len = be32(R.d + rpos);
	rpos += 4;
	want = (*len + 7) / 8 * 8;
	*img = xcalloc(1, want);
	while (ok && got < want) {
		uint32_t k = want - got < chunk ? want - got : chunk;

		put_le(cmd + 6, 0, 4);
		cmd[6] = (uint8_t)(got >> 24);
		cmd[7] = (uint8_t)(got >> 16);
		cmd[8] = (uint8_t)(got >> 8);
		cmd[9] = (uint8_t)got;
		cmd[10] = (uint8_t)(k >> 24);
		cmd[11] = (uint8_t)(k >> 16);
		cmd[12] = (uint8_t)(k >> 8);
		cmd[13] = (uint8_t)k;
		cmd[14] = 0x00;
		cmd[15] = 0x0a;
		vsend(cmd, 16);
		ok &= EXPECT(100, 0x76, 0x00, 0x32, 0x00, 0x00);
		ok &= vget(k + 5, 60000);
		if (!ok)
			break;
		memcpy(*img + got, R.d + rpos, k);
		rpos += k;
		ok &= EXPECT(10, 0x76, 0x00, 0x32, 0x00, 0x00);
		got += k;
	}
	SEND(0x56, 0x00, 0x36, 0x01, 0x03);
	ok &= EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);
	return ok;
}

/* The manifest line of frame @n has @size and the SHA-256 of @d. */
static bool in_manifest(uint32_t n, const uint8_t *d, uint32_t size,
			unsigned int w, unsigned int h)
{
	char line[64], sha[65], want[300];
	const char *r;

	snprintf(line, sizeof(line), "frame %u", n);
	r = vctl(line);
	sha256_hex(d, size, sha);
	snprintf(want, sizeof(want), "ok %u res=%ux%u quality=", n, w, h);
	if (strncmp(r, want, strlen(want)))
		return tap_diag("frame %u: %s", n, r), false;
	snprintf(want, sizeof(want), "size=%u sha256=%s ", size, sha);
	if (!strstr(r, want))
		return tap_diag("frame %u: %s", n, r), false;
	return true;
}

static void test_basic(void)
{
	int64_t t0, first, last;
	uint8_t *img = NULL;
	uint32_t len = 0;
	unsigned int w, h;
	int nc;

	vfresh();
	tap_ok(!strncmp(vctl("status"), "ok family=vc0706 rate=38400 guest=38400 plugged=1 booting=0 serial=0 frozen=0 ", 78),
	       "vc0706: powers up at 38400, not frozen");

	/* get version: 56 00 11 00 -> 76 00 11 00 len "VC0703 1.00" */
	t0 = VB.now;
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x11, 0x00, 0x0b, 'V', 'C', '0', '7',
		      '0', '3', ' ', '1', '.', '0', '0'),
	       "vc0706: get version answers 76 00 11 00 0B \"VC0703 1.00\"");
	first = R.t[rpos - 16];
	last = R.t[rpos - 1];
	tap_ok(first == t0 + wire(4, 38400) + 1 * MS + wire(1, 38400) &&
	       last == t0 + wire(4, 38400) + 1 * MS + wire(16, 38400),
	       "vc0706: paced at 38400 both ways after the 1 ms command latency (%lld, %lld ns)",
	       (long long)(first - t0), (long long)(last - first));

	/* the capture sequence of the page, 32-byte chunks as Adafruit does */
	tap_ok(capture(32, &img, &len), "vc0706: freeze, length, 32-byte reads, resume");
	tap_ok(len > 1000 && test_jpeg_walk(img, len) == (long)len &&
	       jpeg_probe(img, len, &w, &h, &nc) == 0 && w == 640 && h == 480,
	       "vc0706: the frame is a whole 640x480 JPEG of the announced length (%u)",
	       len);
	tap_ok(in_manifest(1, img, len, 640, 480), "vc0706: frame 1 in the manifest with its sha256");
	free(img);

	/* one more, 1024-byte chunks: a new frame */
	tap_ok(capture(1024, &img, &len) && in_manifest(2, img, len, 640, 480),
	       "vc0706: a second capture in 1024-byte chunks is frame 2");
	free(img);

	/* reading or asking the length while the video runs: cannot now */
	SEND(0x56, 0x00, 0x34, 0x01, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x34, 0x04, 0x00),
	       "vc0706: length while not frozen: status 4, no data");
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x20,
	     0x00, 0x0a);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x32, 0x04, 0x00),
	       "vc0706: read while not frozen: status 4");

	/* status codes: unknown command, wrong length, bad values */
	SEND(0x56, 0x00, 0x99, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x99, 0x01, 0x00),
	       "vc0706: unknown command: status 1");
	SEND(0x56, 0x00, 0x11, 0x01, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x11, 0x02, 0x00),
	       "vc0706: get version with a data byte: status 2 (length)");
	SEND(0x56, 0x00, 0x36, 0x01, 0x00);
	EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x1c,
	     0x00, 0x0a);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x32, 0x03, 0x00),
	       "vc0706: a read of 28 bytes (not a multiple of 8): status 3");
	SEND(0x56, 0x00, 0x36, 0x01, 0x07);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x36, 0x03, 0x00),
	       "vc0706: frame buffer control 07: status 3");
	SEND(0x56, 0x01, 0x11, 0x00);
	tap_ok(vquiet(50), "vc0706: a command for serial number 01 is ignored");
	/* junk before a command is skipped */
	SEND(0x00, 0xff, 0x12, 0x56, 0x00, 0x11, 0x00);
	tap_ok(vget(16, 50) && R.d[rpos] == 0x76 && R.d[rpos + 2] == 0x11,
	       "vc0706: junk before a command is skipped");
	rpos = R.n;
	tap_ok(!strncmp(vctl("log since=1"), "cmd 2 t=", 8) &&
	       strstr(vctl("log"), " st=00 5600110\n") == NULL &&
	       strstr(vctl("log"), " st=00 56001100\n") &&
	       strstr(vctl("log"), " st=03 5600360107\n") &&
	       strstr(vctl("log"), " st=ig 56011100\n"),
	       "vc0706: the log lists each command with its status");
}

static void test_read_timing(void)
{
	int64_t t0, hdr_end, data0;
	uint8_t *img;
	uint32_t len;

	vfresh();
	capture(4096, &img, &len);
	free(img);
	SEND(0x56, 0x00, 0x36, 0x01, 0x00);
	EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);
	/* delay 00 64: 100 x 0.01 ms = 1 ms between the reply and the data */
	t0 = VB.now;
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0x40,
	     0x00, 0x64);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x32, 0x00, 0x00) && vget(64 + 5, 100),
	       "vc0706: a 64-byte read: header, 64 bytes, trailer");
	hdr_end = R.t[rpos - 1];
	data0 = R.t[rpos];
	tap_ok(hdr_end == t0 + wire(16, 38400) + MS + wire(5, 38400) &&
	       data0 == hdr_end + MS + wire(1, 38400) &&
	       R.t[rpos + 63] == hdr_end + MS + wire(64, 38400),
	       "vc0706: the data starts the asked 1 ms after the header, at line rate");
	tap_ok(R.d[rpos] == 0xff && R.d[rpos + 1] == 0xd8,
	       "vc0706: the frame buffer starts FF D8");
	rpos += 64;
	tap_ok(EXPECT(10, 0x76, 0x00, 0x32, 0x00, 0x00),
	       "vc0706: trailer 76 00 32 00 00");
	/* past the end: zeros */
	{
		uint8_t c[16] = { 0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a };
		uint32_t a;
		bool zero = true;

		SEND(0x56, 0x00, 0x34, 0x01, 0x00);
		EXPECT(50, 0x76, 0x00, 0x34, 0x00, 0x04);
		vget(4, 50);
		a = (be32(R.d + rpos) + 7) / 8 * 8;
		rpos += 4;

		c[6] = (uint8_t)(a >> 24);
		c[7] = (uint8_t)(a >> 16);
		c[8] = (uint8_t)(a >> 8);
		c[9] = (uint8_t)a;
		c[13] = 16;
		vsend(c, 16);
		EXPECT(50, 0x76, 0x00, 0x32, 0x00, 0x00);
		vget(16 + 5, 50);
		for (int i = 0; i < 16; i++)
			zero &= R.d[rpos + i] == 0;
		rpos += 16;
		if (!zero)
			tap_hexdiag("past the end", R.d + rpos - 16, 16);
		tap_ok(zero && EXPECT(10, 0x76, 0x00, 0x32, 0x00, 0x00),
		       "vc0706: a read past the frame's end gives zeros, full length");
	}
}

static void test_rate_reset(void)
{
	int64_t t0;
	const char *boot = "VC0703 1.00\r\nCtrl infr exist\r\n"
			   "User-defined sensor\r\n625\r\nInit end\r\n";
	size_t bl = strlen(boot);

	vfresh();
	/* set port 115200: 56 00 24 03 01 0D A6 */
	SEND(0x56, 0x00, 0x24, 0x03, 0x01, 0x0d, 0xa6);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x24, 0x00, 0x00),
	       "vc0706: set port 0D A6 answered 76 00 24 00 00");
	vwait(MS);
	tap_ok(!strncmp(vctl("status"), "ok family=vc0706 rate=115200 ", 29),
	       "vc0706: then at 115200");
	bus_set_guest(&VB, GUEST_KNOWN, 38400);
	SEND(0x56, 0x00, 0x11, 0x00);
	vwait(50 * MS);
	tap_ok(R.n == rpos || R.d[rpos] != 0x76, "vc0706: a host at 38400 is no longer understood");
	rpos = R.n;
	bus_set_guest(&VB, GUEST_KNOWN, 115200);
	vwait(60 * MS);	/* the partial command times out */
	t0 = VB.now;
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x11, 0x00, 0x0b, 'V', 'C', '0', '7',
		      '0', '3', ' ', '1', '.', '0', '0') &&
	       R.t[rpos - 1] == t0 + wire(4, 115200) + MS + wire(16, 115200),
	       "vc0706: get version at 115200, paced at 115200");
	SEND(0x56, 0x00, 0x24, 0x03, 0x01, 0x12, 0x34);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x24, 0x03, 0x00),
	       "vc0706: set port with an unknown code: status 3");

	/* reset: reply, then at 38400 after boot-ms the boot text */
	vctl("set boot-ms 200");
	t0 = VB.now;
	SEND(0x56, 0x00, 0x26, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x26, 0x00, 0x00),
	       "vc0706: reset answered 76 00 26 00 00 at the old rate");
	bus_set_guest(&VB, GUEST_KNOWN, 38400);
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(vget(bl, 1000) && !memcmp(R.d + rpos, boot, bl),
	       "vc0706: then the boot text ending \"Init end\\r\\n\" at 38400 (a command while booting is lost)");
	tap_ok(R.t[rpos] >= t0 + 200 * MS &&
	       R.t[rpos + bl - 1] - R.t[rpos] == wire(bl, 38400) - wire(1, 38400),
	       "vc0706: the boot text starts boot-ms after the reset, at 38400");
	rpos += bl;
	tap_ok(vquiet(50), "vc0706: nothing answers the command sent while booting");
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(vget(16, 50) && R.d[rpos + 2] == 0x11, "vc0706: after the boot text it answers at 38400");
	rpos = R.n;

	/* reset-rate keep: a module that keeps its rate over a reset */
	vctl("set reset-rate keep");
	SEND(0x56, 0x00, 0x24, 0x03, 0x01, 0x1c, 0x4c);
	EXPECT(50, 0x76, 0x00, 0x24, 0x00, 0x00);
	bus_set_guest(&VB, GUEST_KNOWN, 57600);
	SEND(0x56, 0x00, 0x26, 0x00);
	EXPECT(50, 0x76, 0x00, 0x26, 0x00, 0x00);
	tap_ok(vget(bl, 1000) && !memcmp(R.d + rpos, boot, bl) &&
	       R.t[rpos + 1] - R.t[rpos] == byte_ns(57600),
	       "vc0706: with reset-rate keep the boot text comes at 57600");
	rpos = R.n;
}

static void test_size_quality(void)
{
	uint8_t *img;
	uint32_t len, len_best;
	unsigned int w, h;
	int nc;
	static const struct {
		uint8_t code;
		unsigned int w, h;
	} sizes[] = { { 0x11, 320, 240 }, { 0x22, 160, 120 }, { 0x00, 640, 480 } };

	vfresh();
	vctl("set boot-ms 10");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t c[9] = { 0x56, 0x00, 0x31, 0x05, 0x04, 0x01, 0x00, 0x19,
				 sizes[i].code };
		uint8_t e[6] = { 0x76, 0x00, 0x30, 0x00, 0x01, sizes[i].code };
		bool ok;

		vsend(c, 9);
		ok = EXPECT(50, 0x76, 0x00, 0x31, 0x00, 0x00);
		SEND(0x56, 0x00, 0x30, 0x04, 0x04, 0x01, 0x00, 0x19);
		ok &= vexpect(e, 6, 50);
		tap_ok(ok, "vc0706: image size %02x written, read back 76 00 30 00 01 %02x",
		       sizes[i].code, sizes[i].code);
		ok = capture(512, &img, &len) && !jpeg_probe(img, len, &w, &h, &nc);
		tap_ok(ok && w == (i ? sizes[i - 1].w : 640) &&
		       h == (i ? sizes[i - 1].h : 480),
		       "vc0706: before a reset the old size still (%ux%u)", w, h);
		free(img);
		SEND(0x56, 0x00, 0x26, 0x00);
		EXPECT(50, 0x76, 0x00, 0x26, 0x00, 0x00);
		vget(1, 1000);
		vwait(100 * MS);
		rpos = R.n;
		ok = capture(512, &img, &len) && !jpeg_probe(img, len, &w, &h, &nc);
		tap_ok(ok && w == sizes[i].w && h == sizes[i].h &&
		       test_jpeg_walk(img, len) == (long)len &&
		       in_manifest(VB.uc->frame_counter, img, len, w, h),
		       "vc0706: after the reset %ux%u, a whole JPEG in the manifest (%u bytes)",
		       w, h, len);
		free(img);
	}
	/* compression 36 (best) and 8F */
	SEND(0x56, 0x00, 0x31, 0x05, 0x01, 0x01, 0x12, 0x04, 0x36);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x31, 0x00, 0x00), "vc0706: compression 36 taken");
	SEND(0x56, 0x00, 0x30, 0x04, 0x01, 0x01, 0x12, 0x04);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x30, 0x00, 0x01, 0x36), "vc0706: compression read back");
	capture(4096, &img, &len_best);
	free(img);
	SEND(0x56, 0x00, 0x31, 0x05, 0x01, 0x01, 0x12, 0x04, 0x8f);
	EXPECT(50, 0x76, 0x00, 0x31, 0x00, 0x00);
	capture(4096, &img, &len);
	free(img);
	tap_ok(len * 2 < len_best && strstr(vctl("status"), " quality=10 "),
	       "vc0706: compression 8F makes a much smaller JPEG (%u < %u bytes)",
	       len, len_best);
	/* downsize 1/2 at once, 1/4 of 640 -> 160 */
	SEND(0x56, 0x00, 0x54, 0x01, 0x11);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x54, 0x00, 0x00), "vc0706: downsize 11 taken");
	capture(4096, &img, &len);
	tap_ok(!jpeg_probe(img, len, &w, &h, &nc) && w == 320 && h == 240,
	       "vc0706: downsize 1/2 of 640x480 is 320x240 at once");
	free(img);
	SEND(0x56, 0x00, 0x55, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x55, 0x00, 0x01, 0x11), "vc0706: get downsize");
	/* TV out */
	SEND(0x56, 0x00, 0x44, 0x01, 0x01);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x44, 0x00, 0x00) &&
	       strstr(vctl("status"), " tvout=1 "), "vc0706: TV out on");
}

static void test_motion(void)
{
	vfresh();
	tap_ok(!strcmp(vctl("motion"), "ok\n") && vquiet(50),
	       "vc0706: motion while detection is off: nothing sent");
	SEND(0x56, 0x00, 0x42, 0x03, 0x00, 0x01, 0x01);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x42, 0x00, 0x00), "vc0706: motion control 00 01 01 taken");
	SEND(0x56, 0x00, 0x37, 0x01, 0x01);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x37, 0x00, 0x00), "vc0706: motion detection on");
	SEND(0x56, 0x00, 0x38, 0x00);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x38, 0x00, 0x01, 0x01), "vc0706: motion status reads 01");
	vctl("motion 2");
	tap_ok(EXPECT(50, 0x76, 0x00, 0x39, 0x00, 0x00, 0x76, 0x00, 0x39, 0x00, 0x00),
	       "vc0706: motion: 76 00 39 00 00 sent unasked, twice for motion 2");
	/* while frozen: reported once the video runs again, after the reply */
	SEND(0x56, 0x00, 0x36, 0x01, 0x00);
	EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);
	vctl("motion");
	tap_ok(vquiet(50), "vc0706: motion while frozen is not reported yet");
	SEND(0x56, 0x00, 0x36, 0x01, 0x03);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00, 0x76, 0x00, 0x39, 0x00, 0x00),
	       "vc0706: ... but after the resume's reply");
	SEND(0x56, 0x00, 0x37, 0x01, 0x00);
	EXPECT(50, 0x76, 0x00, 0x37, 0x00, 0x00);
	vctl("motion");
	tap_ok(vquiet(50), "vc0706: detection off again: nothing");
}

static void test_faults(void)
{
	uint8_t *img;
	uint32_t len;
	const char *boot = "VC0703 1.00\r\nCtrl infr exist\r\n"
			   "User-defined sensor\r\n625\r\nInit end\r\n";
	size_t bl = strlen(boot), n0;
	bool all;
	int64_t t0;

	vfresh();
	vctl("set boot-ms 100");
	capture(4096, &img, &len);
	free(img);
	SEND(0x56, 0x00, 0x36, 0x01, 0x00);
	EXPECT(50, 0x76, 0x00, 0x36, 0x00, 0x00);

	test_fault(&VB, "byteflip 1");
	SEND(0x56, 0x00, 0x11, 0x00);
	all = vget(16, 50);
	for (int i = 0; all && i < 16; i++)
		all = R.d[rpos + i] != "\x76\x00\x11\x00\x0bVC0703 1.00"[i];
	tap_ok(all, "vc0706: byteflip 1 changes every byte sent");
	rpos = R.n;
	test_fault(&VB, "byteflip 0");

	test_fault(&VB, "rxflip 1");
	SEND(0x56, 0x00, 0x11, 0x00);
	vwait(100 * MS);
	tap_ok(R.n - rpos < 16 || memcmp(R.d + rpos, "\x76\x00\x11\x00\x0b", 5),
	       "vc0706: rxflip 1: the command is not understood as sent");
	rpos = R.n;
	test_fault(&VB, "rxflip 0");

	test_fault(&VB, "garbage 1");
	SEND(0x56, 0x00, 0x11, 0x00);
	vwait(50 * MS);
	tap_ok(R.n - rpos == 32, "vc0706: garbage 1: a byte after each byte (%zu)",
	       R.n - rpos);
	rpos = R.n;
	test_fault(&VB, "garbage 0");

	/* truncate: a read's data cut short, then the trailer */
	test_fault(&VB, "truncate 1");
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
	     0x00, 0x0a);
	EXPECT(50, 0x76, 0x00, 0x32, 0x00, 0x00);
	vwait(200 * MS);
	n0 = R.n - rpos;
	tap_ok(n0 >= 6 && n0 < 256 + 5 &&
	       !memcmp(R.d + R.n - 5, "\x76\x00\x32\x00\x00", 5) &&
	       VB.fstat[F_TRUNCATE] == 1,
	       "vc0706: truncate 1: %zu of 256 data bytes, then the trailer", n0 - 5);
	rpos = R.n;
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
	     0x00, 0x0a);
	tap_ok(EXPECT(50, 0x76, 0x00, 0x32, 0x00, 0x00) && vget(256 + 5, 200),
	       "vc0706: the read again is whole (the fault is used up)");
	rpos = R.n;

	/* stall */
	test_fault(&VB, "stall 300");
	t0 = VB.now;
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(vget(16, 1000) && R.t[rpos] >= t0 + 300 * MS,
	       "vc0706: stall 300: the reply starts 300 ms late");
	rpos = R.n;

	/* unplug, plug */
	vctl("unplug");
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(vquiet(100), "vc0706: unplugged: no answer");
	vctl("plug");
	SEND(0x56, 0x00, 0x11, 0x00);
	tap_ok(vget(16, 50), "vc0706: plugged again: it answers");
	rpos = R.n;

	/* reset fault mid-read at 115200: back at 38400 with its boot text */
	SEND(0x56, 0x00, 0x24, 0x03, 0x01, 0x0d, 0xa6);
	EXPECT(50, 0x76, 0x00, 0x24, 0x00, 0x00);
	bus_set_guest(&VB, GUEST_KNOWN, 115200);
	SEND(0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
	     0x00, 0x0a);
	vwait(20 * MS);
	n0 = R.n - rpos;
	tap_ok(!strcmp(vctl("reset"), "ok\n"), "vc0706: control reset");
	bus_set_guest(&VB, GUEST_KNOWN, 38400);
	vwait(100 * MS);
	tap_ok(R.n - rpos < n0 + 10 && n0 < 4096, "vc0706: the read stops at the restart (%zu bytes)",
	       R.n - rpos);
	rpos = R.n;
	tap_ok(vget(bl, 500) && !memcmp(R.d + rpos, boot, bl),
	       "vc0706: the restarted camera sends its boot text at 38400");
	rpos += bl;
	tap_ok(strstr(vctl("status"), " frozen=0 ") && strstr(vctl("status"), "rate=38400 "),
	       "vc0706: after the restart: 38400, the frame buffer running");
	test_fault(&VB, "powercycle");
	tap_ok(vget(bl, 500) && !memcmp(R.d + rpos, boot, bl),
	       "vc0706: powercycle: the boot text again");
	rpos = R.n;
	tap_ok(!strcmp(vctl("fault addr=1 stall 5"), "err the vc0706 camera has no address\n") ||
	       !strncmp(vctl("fault stall 5 addr=1"), "err", 3),
	       "vc0706: faults take no address");
	tap_ok(!strncmp(vctl("fault badcrc"), "err fault 'badcrc' does not apply", 33),
	       "vc0706: a fault of another family is refused");
}

void vc0706_unit_tests(void)
{
	test_basic();
	test_read_timing();
	test_rate_reset();
	test_size_quality();
	test_motion();
	test_faults();
	bus_free(&VB);
	free(R.d);
	free(R.t);
	memset(&R, 0, sizeof(R));
}
