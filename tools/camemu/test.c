// SPDX-License-Identifier: GPL-2.0
/*
 * camemu unit tests: the camera model driven without sockets, through a
 * simulated clock. TAP 13 on stdout. The process-level tests are in
 * testproc.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "camera.h"
#include "control.h"
#include "crc16.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

/* ---- TAP ---------------------------------------------------------------- */

static int tap_n, tap_failed;

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap_n);
	printf("# %d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

/* ---- scratch directories ------------------------------------------------ */

bool test_mkdtemp(char *dir, size_t size, const char *name)
{
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	return mkdtemp(dir) != NULL;
}

void test_rmtree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
}

/* ---- the unit tests' control and fault lines ---------------------------- */

char *test_ctl(struct bus *b, const char *line)
{
	static struct sbuf out;

	out.len = 0;
	ctl_exec(b, line, &out);
	return out.s ? out.s : (char *)"";
}

bool test_fault(struct bus *b, const char *spec)
{
	char err[160];

	if (fault_apply_spec(b, spec, err, sizeof(err))) {
		tap_diag("fault '%s': %s", spec, err);
		return false;
	}
	return true;
}

/* ---- simulation helpers ------------------------------------------------- */

#define MS 1000000LL
#define BYTE_NS(rate) (10 * NS_PER_S / (rate))

static struct bus B;
static int64_t T;
static char tmpdir[64];

struct out {
	uint8_t *d;
	int64_t *t;
	size_t n;
};

static struct out R;

static void fresh_n(int ncam)
{
	bus_free(&B);
	bus_init(&B, 0);
	for (int i = 0; i < ncam; i++)
		bus_add_camera(&B, (unsigned int)i + 1, 115200, 0, NULL);
	T = 0;
}

static void fresh(void)
{
	fresh_n(1);
}

/* Run until nothing is pending. */
static void drain(void)
{
	int64_t e;

	while ((e = bus_next_event(&B)) != T_NEVER) {
		bus_advance(&B, e);
		T = e;
	}
}

static void grab(void)
{
	free(R.d);
	free(R.t);
	R.n = B.out_bytes.n;
	R.d = xmalloc(R.n + 1);
	R.t = xmalloc((R.n + 1) * sizeof(*R.t));
	memcpy(R.d, B.out_bytes.d, R.n);
	memcpy(R.t, B.out_bytes.t, R.n * sizeof(*R.t));
	bus_out_clear(&B);
}

static void send_raw(const uint8_t *d, size_t n)
{
	bus_advance(&B, T);
	bus_rx(&B, T, d, n);
}

static size_t send_cmd(uint8_t addr, uint8_t cmd, const uint8_t *p,
		       uint16_t len)
{
	uint8_t f[8 + MAX_PARAM];
	size_t n = sxh_frame(f, addr, cmd, p, len);

	send_raw(f, n);
	return n;
}

/* One exchange: idle a little, send, run to the end, keep the output. */
static void xfer(uint8_t addr, uint8_t cmd, const uint8_t *p, uint16_t len)
{
	T += 5 * MS;
	bus_advance(&B, T);
	bus_out_clear(&B);
	send_cmd(addr, cmd, p, len);
	drain();
	grab();
}

#define X0(a, c) xfer(a, c, NULL, 0)
#define X(a, c, ...)							\
	do {								\
		const uint8_t _p[] = { __VA_ARGS__ };			\
		xfer(a, c, _p, sizeof(_p));				\
	} while (0)

struct rep {
	bool ok;		/* complete and CRC right */
	uint8_t addr, cmd;
	uint32_t len;
	int status;		/* -1: none (0x02/0x12) */
	const uint8_t *data;
	size_t ndata;
	size_t flen;
};

/* Parse one camera frame at d; len24 for 0x02/0x12. */
static struct rep parse(const uint8_t *d, size_t n, bool len24)
{
	struct rep r = { .status = -1 };
	size_t hdr = len24 ? 7 : 6, body;
	uint16_t crc;

	if (n < 8 || d[0] != 0x90 || d[1] != 0xeb)
		return r;
	r.addr = d[2];
	r.cmd = d[3];
	r.len = d[4] | (uint32_t)d[5] << 8;
	if (len24)
		r.len |= (uint32_t)d[6] << 16;
	body = r.len;
	if (hdr + body + 2 > n)
		return r;
	if (!len24 && r.len >= 1) {
		r.status = d[6];
		r.data = d + 7;
		r.ndata = r.len - 1;
	} else {
		r.data = d + hdr;
		r.ndata = body;
	}
	crc = crc16_xmodem(0, d + 2, hdr - 2 + body);
	r.flen = hdr + body + 2;
	r.ok = d[hdr + body] == (uint8_t)crc &&
	       d[hdr + body + 1] == (uint8_t)(crc >> 8);
	return r;
}

static struct rep rep(void)
{
	return parse(R.d, R.n, false);
}

static char *ctl(const char *line)
{
	return test_ctl(&B, line);
}

static uint64_t stat_of(enum stat_id id)
{
	return B.stat[id];
}

void tap_hexdiag(const char *what, const uint8_t *d, size_t n)
{
	char buf[256];
	size_t o = 0;

	for (size_t i = 0; i < n && i < 40; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%02x ", d[i]);
	buf[o] = 0;
	tap_diag("%s (%zu): %s", what, n, buf);
}

/* ---- CRC and framing ----------------------------------------------------- */

static void test_crc(void)
{
	const uint8_t ex[] = { 0x01, 0x30, 0x07, 0x00, 0x00, 0x79, 0x36,
			       0x00, 0x00, 0x1c, 0x00 };

	tap_ok(crc16_xmodem(0, (const uint8_t *)"123456789", 9) == 0x31c3,
	       "CRC-16/XMODEM of \"123456789\" is 0x31C3");
	tap_ok(crc16_xmodem(0, ex, sizeof(ex)) == 0x4e72,
	       "CRC of the manual's 0x30 reply (address..data) is 0x4E72");
	tap_ok(crc16_xmodem(crc16_xmodem(0, ex, 4), ex + 4, 7) == 0x4e72,
	       "CRC can be computed in pieces");
}

static void write_blob(const char *path, size_t n)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; i < n; i++)
		fputc(i < 2 ? (i ? 0xd8 : 0xff) : (int)((i * 7) & 0xff), f);
	fclose(f);
}

static void test_manual_frame(void)
{
	static const uint8_t want[] = { 0x90, 0xeb, 0x01, 0x30, 0x07, 0x00,
					0x00, 0x79, 0x36, 0x00, 0x00, 0x1c,
					0x00, 0x72, 0x4e };
	char dir[128], path[160];

	snprintf(dir, sizeof(dir), "%s/blob", tmpdir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/a.jpg", dir);
	write_blob(path, 13945);
	fresh();
	B.image_dir = xstrdup(dir);
	X0(1, 0x30);
	if (!tap_ok(R.n == sizeof(want) && !memcmp(R.d, want, sizeof(want)),
		    "0x30 reply for a 13945-byte image, packet size 512, camera 1 is 90 EB 01 30 07 00 00 79 36 00 00 1C 00 72 4E"))
		tap_hexdiag("got", R.d, R.n);
}

/* ---- commands ------------------------------------------------------------ */

static void test_cmd_01(void)
{
	static const uint8_t want[] = { 0x90, 0xeb, 0x01, 0x01, 0x03, 0x00,
					0x00, 0xaa, 0x55 };
	struct rep r;

	fresh();
	X(1, 0x01, 0x55, 0xaa);
	r = rep();
	tap_ok(R.n == 11 && !memcmp(R.d, want, sizeof(want)) && r.ok,
	       "0x01 test: reply 90 EB 01 01 03 00 00 AA 55 + CRC");
	X(1, 0x01, 0x55, 0x55);
	r = rep();
	tap_ok(r.ok && r.status == ST_BADPARAM && r.ndata == 0,
	       "0x01 with parameters other than 55 AA: status 0x01, no data");
}

static void test_cmd_settings(void)
{
	struct rep r;

	fresh();
	X(1, 0x03, 0x40);
	r = rep();
	tap_ok(r.ok && r.cmd == 0x03 && r.status == 0 && r.ndata == 1 &&
	       r.data[0] == 0x40 && B.cam[0].contrast == 0x40,
	       "0x03 contrast: echoes the value and sets it");
	X(1, 0x04, 0xc0);
	r = rep();
	tap_ok(r.ok && r.cmd == 0x04 && r.status == 0 && r.ndata == 1 &&
	       r.data[0] == 0xc0 && B.cam[0].bright == 0xc0,
	       "0x04 brightness: echoes the value and sets it");
	X(1, 0x03);
	tap_ok(rep().ok && rep().status == ST_BADPARAM,
	       "0x03 without a parameter: status 0x01");
	X(1, 0x08, 0x33);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == 1 && r.data[0] == 0x33 &&
	       B.cam[0].ir, "0x08 0x33 turns the IR light on");
	X(1, 0x08, 0xcc);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.data[0] == 0xcc && !B.cam[0].ir,
	       "0x08 0xCC turns it off");
	X(1, 0x08, 0x12);
	r = rep();
	tap_ok(r.ok && r.status == ST_BADPARAM && r.ndata == 0 && !B.cam[0].ir,
	       "0x08 with another value: status 0x01, nothing changes");
	X(1, 0x40);
	r = rep();
	tap_ok(r.ok && r.cmd == 0x40 && r.status == ST_BADPARAM && !r.ndata,
	       "unknown command 0x40: status 0x01");
}

static bool jpeg_ok(const uint8_t *d, size_t n, unsigned int w,
		    unsigned int h, int ncomp)
{
	unsigned int jw, jh;
	int nc;
	uint8_t *pix = NULL;
	bool ok;

	if (n < 4 || d[0] != 0xff || d[1] != 0xd8 || d[n - 2] != 0xff ||
	    d[n - 1] != 0xd9)
		return false;
	ok = !jpeg_decode(d, n, &pix, &jw, &jh, &nc) && jw == w && jh == h &&
	     nc == ncomp;
	free(pix);
	return ok;
}

static void test_cmd_02_12(void)
{
	struct rep r;
	char sha[65];

	fresh();
	X(1, 0x02, 0x05, 0x01);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && r.flen == R.n && r.cmd == 0x02 &&
	       jpeg_ok(r.data, r.ndata, 640, 480, 3),
	       "0x02 05 01: 24-bit length, a 640x480 colour JPEG, CRC right");
	sha256_hex(r.data, r.ndata, sha);
	tap_ok(B.cam[0].nframes == 1 && B.cam[0].frames[0].num == 1 &&
	       B.cam[0].frames[0].size == r.ndata &&
	       !strcmp(B.cam[0].frames[0].sha, sha) &&
	       B.cam[0].frames[0].comp == 1,
	       "0x02 records frame 1 with its size, SHA-256 and compression");
	X(1, 0x02, 0x01, 0x04);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && jpeg_ok(r.data, r.ndata, 160, 160, 3) &&
	       B.cam[0].frames[1].num == 2,
	       "0x02 01 04: 160x160, frame 2");
	X(1, 0x02, 0x06, 0x01);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && r.len == 0 && R.n == 9 && B.cam[0].nframes == 2,
	       "0x02 with a bad resolution code: length 0, no image, no frame");
	X(1, 0x02, 0x05, 0x05);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && r.len == 0 && R.n == 9,
	       "0x02 with compression 5: length 0, no image");
	X(1, 0x12, 0x03, 0x02);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && r.cmd == 0x12 && jpeg_ok(r.data, r.ndata, 320, 240, 1) &&
	       B.cam[0].frames[2].gray,
	       "0x12 03 02: a one-component (grayscale) 320x240 JPEG");
}

static void test_cmd_05_06(void)
{
	struct rep r;
	uint8_t *img = NULL;
	size_t got = 0, size, parts = 0;
	bool statuses = true;
	char sha[65];

	fresh();
	X0(1, 0x06);
	r = rep();
	tap_ok(r.ok && r.status == ST_NOIMAGE && !r.ndata,
	       "0x06 before any capture: status 0x02, no data");
	X(1, 0x05, 0x05, 0x02);
	r = rep();
	size = r.ndata == 4 ? (r.data[0] | (size_t)r.data[1] << 8 |
			       (size_t)r.data[2] << 16) : 0;
	tap_ok(r.ok && r.status == 0 && size == B.cam[0].img.size &&
	       size < 65535, "0x05 05 02: status 0, 4-byte image size");
	X0(1, 0x06);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == size &&
	       jpeg_ok(r.data, r.ndata, 640, 480, 3),
	       "0x06 sends the whole image in one reply when it fits");
	X(1, 0x05, 0x07, 0x00);
	r = rep();
	size = r.data[0] | (size_t)r.data[1] << 8 | (size_t)r.data[2] << 16 |
	       (size_t)r.data[3] << 24;
	tap_ok(r.ok && r.status == ST_MORE && size > 65534 &&
	       B.cam[0].frames[1].comp == 0,
	       "0x05 07 00: 1280x960 image of %zu bytes, status 0x80", size);
	img = xmalloc(size);
	while (got < size && parts < 10) {
		X0(1, 0x06);
		r = rep();
		if (!r.ok || got + r.ndata > size)
			break;
		if (r.ndata != (size - got > 65534 ? 65534 : size - got) ||
		    r.status != (got + r.ndata < size ? ST_MORE : 0))
			statuses = false;
		memcpy(img + got, r.data, r.ndata);
		got += r.ndata;
		parts++;
	}
	sha256_hex(img, got, sha);
	tap_ok(got == size && statuses && parts == (size + 65533) / 65534 &&
	       !strcmp(sha, B.cam[0].frames[1].sha),
	       "0x06 over 64 KiB: %zu parts of 65534, status 0x80 then 0x00, reassembled SHA-256 matches",
	       parts);
	free(img);
	X0(1, 0x06);
	r = rep();
	tap_ok(r.ok && r.ndata == 65534 && r.status == ST_MORE,
	       "0x06 after the last part starts over at byte 0");
	X(1, 0x05, 0x02, 0x00);
	r = rep();
	tap_ok(r.ok && r.status == ST_BADPARAM && !r.ndata,
	       "0x05 with a bad resolution code: status 0x01");
	X0(1, 0x06);
	r = rep();
	tap_ok(r.ok && r.ndata == 65534,
	       "a failed capture keeps the stored image");
	X(1, 0x05, 0x01, 0x03);
	X0(1, 0x06);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == B.cam[0].img.size,
	       "a new capture restarts 0x06 at byte 0");
}

static void test_rates(void)
{
	bool codes = true;

	fresh();
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	X(1, 0x0a, 0x02);
	tap_ok(R.n == 0 && B.cam[0].rate == 9600 && B.cam[0].saved_rate == 0,
	       "0x0A 02: no reply, camera now at 9600, nothing saved");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(!rep().ok, "a frame sent at 115200 to a 9600 camera gets no valid reply");
	bus_set_guest(&B, GUEST_KNOWN, 9600);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && rep().status == 0,
	       "at 9600 both ways the camera answers");
	tap_ok(R.n == 11 && llabs(R.t[10] - R.t[0] - 10 * BYTE_NS(9600)) < 10,
	       "the reply is paced at 9600 (1.04 ms a byte)");
	X(1, 0x0a, 0x09);
	tap_ok(R.n == 0 && B.cam[0].rate == 9600,
	       "0x0A with an unknown rate code: ignored, no reply");
	X(1, 0x0b, 0x05, 0x05);
	tap_ok(R.n == 0 && B.cam[0].rate == 57600 &&
	       B.cam[0].saved_rate == 57600,
	       "0x0B 05 05: switches to 57600 and saves it (second byte ignored)");
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	X(1, 0x0a, 0x06);
	tap_ok(B.cam[0].rate == 115200, "0x0A 06: 115200 until power-off");
	bus_powercycle(&B, &B.cam[0]);
	tap_ok(B.cam[0].rate == 57600,
	       "after a power cycle the camera is back at the saved rate");
	B.cam[0].saved_rate = 0;
	bus_powercycle(&B, &B.cam[0]);
	tap_ok(B.cam[0].rate == 115200,
	       "with nothing saved it comes back at the power-on rate");
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	for (uint8_t code = 1; code <= 6 && codes; code++) {
		X(1, 0x0a, code);
		codes = B.cam[0].rate == rate_code(code) &&
			rate_code(code) == (const uint32_t[]){ 0, 4800, 9600,
				19200, 38400, 57600, 115200 }[code];
		bus_set_guest(&B, GUEST_KNOWN, rate_code(code));
	}
	tap_ok(codes, "rate codes 01..06 are 4800 9600 19200 38400 57600 115200");
}

static void test_cmd_0d(void)
{
	struct rep r;

	fresh();
	X(1, 0x0d, 0x07);
	r = rep();
	tap_ok(r.ok && r.addr == 7 && r.status == 0 && r.ndata == 1 &&
	       r.data[0] == 7,
	       "0x0D 07: answered from the new address 7, data 07");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0, "the old address is no longer answered");
	X(7, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && rep().addr == 7, "the new one is");
	X(7, 0x0d, 0xff);
	r = rep();
	tap_ok(r.ok && r.addr == 7 && r.status == ST_BADPARAM,
	       "0x0D FF (broadcast) is refused with status 0x01");
	X(7, 0x0d, 0x00);
	tap_ok(rep().status == ST_BADPARAM, "0x0D 00 is refused too");
	bus_powercycle(&B, &B.cam[0]);
	X(7, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && B.cam[0].addr == 7,
	       "the address survives a power cycle");
}

/* Capture in packet mode and fetch every packet; returns the image. */
static uint8_t *packet_capture(size_t *size, unsigned int *npk, bool *ok)
{
	struct rep r;
	uint8_t *img;
	size_t got = 0;

	*ok = false;
	X0(1, 0x30);
	r = rep();
	if (!r.ok || r.status || r.ndata != 6)
		return NULL;
	*size = r.data[0] | (size_t)r.data[1] << 8 | (size_t)r.data[2] << 16 |
		(size_t)r.data[3] << 24;
	*npk = r.data[4] | (unsigned int)r.data[5] << 8;
	img = xmalloc(*size + 1);
	for (unsigned int k = 0; k < *npk; k++) {
		X(1, 0x31, (uint8_t)k, (uint8_t)(k >> 8));
		r = rep();
		if (!r.ok || r.status || r.ndata < 2 ||
		    (r.data[0] | r.data[1] << 8) != (int)k ||
		    got + r.ndata - 2 > *size)
			return img;
		memcpy(img + got, r.data + 2, r.ndata - 2);
		got += r.ndata - 2;
	}
	*ok = got == *size;
	return img;
}

static void test_packet_mode(void)
{
	struct rep r;
	size_t size = 0;
	unsigned int npk = 0;
	bool ok;
	uint8_t *img;
	char sha[65];

	fresh();
	X(1, 0x31, 0x00, 0x00);
	r = rep();
	tap_ok(r.ok && r.status == ST_NOIMAGE && !r.ndata,
	       "0x31 before any capture: status 0x02, no data");
	img = packet_capture(&size, &npk, &ok);
	if (img)
		sha256_hex(img, size, sha);
	tap_ok(ok && npk == (size + 511) / 512 &&
	       !strcmp(sha, B.cam[0].frames[0].sha) &&
	       jpeg_ok(img, size, 640, 480, 3) && B.cam[0].frames[0].comp == 2,
	       "0x30 + 0x31 for packets 0..%u reassemble the 640x480 comp 2 image",
	       npk - 1);
	free(img);
	X(1, 0x31, (uint8_t)(npk - 1), (uint8_t)((npk - 1) >> 8));
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata - 2 == size - (npk - 1) * 512,
	       "asking again for the packet just sent is allowed (last packet is short)");
	X(1, 0x31, (uint8_t)npk, (uint8_t)(npk >> 8));
	tap_ok(rep().status == ST_NOIMAGE, "a packet past the end: status 0x02");
	X0(1, 0x30);
	X(1, 0x31, 0x01, 0x00);
	tap_ok(rep().status == ST_NOIMAGE && !rep().ndata,
	       "after a new capture packet 1 before packet 0: status 0x02");
	X(1, 0x31, 0x00, 0x00);
	tap_ok(rep().status == 0, "packet 0 then");
	X(1, 0x31, 0x02, 0x00);
	tap_ok(rep().status == ST_NOIMAGE, "skipping packet 1: status 0x02");
	X(1, 0x31, 0x00, 0x00);
	tap_ok(rep().status == 0, "packet 0 again (retry) is still allowed");
	X(1, 0x31, 0x01);
	tap_ok(rep().status == ST_BADPARAM, "0x31 with one parameter byte: status 0x01");

	X(1, 0x32, 0x00, 0x04);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == 2 && r.data[0] == 0 &&
	       r.data[1] == 4 && B.cam[0].pktsize == 1024,
	       "0x32 00 04 sets the packet size to 1024 and echoes it");
	X(1, 0x32, 0x64, 0x00);
	tap_ok(rep().status == ST_BADPARAM && !rep().ndata &&
	       B.cam[0].pktsize == 1024, "0x32 100 (not a multiple of 128): status 0x01, unchanged");
	X(1, 0x32, 0x80, 0x10);
	tap_ok(rep().status == ST_BADPARAM && B.cam[0].pktsize == 1024,
	       "0x32 4224 (over 4096): status 0x01");
	X(1, 0x32, 0x00, 0x00);
	tap_ok(rep().status == ST_BADPARAM, "0x32 0: status 0x01");
	X(1, 0x32, 0x00, 0x10);
	tap_ok(rep().status == 0 && B.cam[0].pktsize == 4096, "0x32 4096 is allowed");
	X(1, 0x32, 0x80, 0x00);
	tap_ok(rep().status == 0 && B.cam[0].pktsize == 128, "0x32 128 is allowed");

	X(1, 0x34, 0x03);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == 1 && r.data[0] == 0x03,
	       "0x34 03 sets the packet-mode resolution and echoes it");
	X(1, 0x34, 0x02);
	tap_ok(rep().status == ST_BADPARAM && B.cam[0].pres == 0x03,
	       "0x34 02 (no such code): status 0x01, unchanged");
	X(1, 0x05, 0x01, 0x04);
	img = packet_capture(&size, &npk, &ok);
	tap_ok(ok && npk == (size + 127) / 128 &&
	       jpeg_ok(img, size, 320, 240, 3) &&
	       B.cam[0].frames[B.cam[0].nframes - 1].comp == 4,
	       "0x30 uses the 0x34 resolution and the last 0x05 compression (4), 128-byte packets");
	free(img);
	X(1, 0x32, 0x00, 0x02);
	X0(1, 0x30);
	X(1, 0x31, 0x00, 0x00);
	X(1, 0x32, 0x00, 0x01);
	X(1, 0x31, 0x01, 0x00);
	r = rep();
	tap_ok(r.ok && r.ndata == 2 + 256 &&
	       !memcmp(r.data + 2, B.cam[0].img.data + 256, 256),
	       "packet boundaries use the packet size in force when 0x31 is answered");
	X0(1, 0x30);
	tap_ok(rep().status == 0 && rep().ndata == 6,
	       "0x30 is answered (no parameters)");
	X(1, 0x30, 0x01);
	tap_ok(rep().status == ST_BADPARAM, "0x30 with a parameter: status 0x01");
}

static void test_frame_filtering(void)
{
	uint8_t f[16];
	size_t n;

	fresh();
	n = sxh_frame(f, 1, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2);
	f[n - 1] ^= 0x01;
	T += 5 * MS;
	send_raw(f, n);
	drain();
	grab();
	tap_ok(R.n == 0 && stat_of(ST_FRAMES_BADCRC) == 1 &&
	       B.log_seq == 0, "a frame with a bad CRC is ignored silently (counted as frames_badcrc)");
	X(2, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0 && stat_of(ST_FRAMES_WRONGADDR) == 1 && B.log_seq == 0,
	       "a frame for another address is ignored silently");
	tap_ok(stat_of(ST_FRAMES_UNCLAIMED) == 1,
	       "and counted as frames_unclaimed: no camera has address 2");
	fresh_n(2);
	X(2, 0x01, 0x55, 0xaa);
	X(5, 0x01, 0x55, 0xaa);
	tap_ok(stat_of(ST_FRAMES_WRONGADDR) == 3 &&
	       stat_of(ST_FRAMES_UNCLAIMED) == 1,
	       "two cameras: a frame for camera 2 is not unclaimed, one for 5 is, once");
	fresh();
	X(0, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0, "address 0 (reserved) is ignored");
	X(0xff, 0x04, 0x99);
	tap_ok(R.n == 0 && B.cam[0].bright == 0x99 && B.log_seq == 1,
	       "a broadcast 0x04 is acted on but not answered");
	T += 5 * MS;
	n = (size_t)stat_of(ST_FRAMES_GARBLED_BYTES);
	send_raw((const uint8_t[]){ 0x13, 0x90, 0x00, 0x90 }, 4);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && stat_of(ST_FRAMES_GARBLED_BYTES) == n + 4,
	       "noise bytes before a frame are skipped (frames_garbled_bytes) and the frame is answered");
	T += 5 * MS;
	send_raw((const uint8_t[]){ 0x90, 0xeb, 0x01, 0x01, 0x02 }, 5);
	T += 60 * MS;
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && R.n == 11,
	       "a half frame followed by silence (> 50 ms) is dropped, the next frame answered");
	T += 5 * MS;
	send_raw((const uint8_t[]){ 0x90, 0xeb, 0x01, 0x01, 0x06, 0x00 }, 6);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && R.n == 11,
	       "a broken frame claiming 6 parameter bytes fails its CRC inside the next frame; the rescan still finds that frame");
	T += 5 * MS;
	send_raw((const uint8_t[]){ 0x90, 0xeb, 0x01, 0x01, 0x10, 0x00 }, 6);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0, "one claiming 16 swallows the next frame");
	X(1, 0x04, 0x42);
	tap_ok(R.n == 21 && rep().cmd == 0x01 &&
	       parse(R.d + 11, 10, false).cmd == 0x04,
	       "the next frame completes it, the CRC fails, and both frames in the buffer are answered in order");
	T += 5 * MS;
	send_raw((const uint8_t[]){ 0x90, 0xeb, 0x01, 0x01, 0x11, 0x00 }, 6);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && R.n == 11,
	       "a length over 16 is not a frame: the next frame is answered at once");
	X(1, 0x01, 0x55, 0xaa);
	/* two cameras, broadcast */
	fresh_n(2);
	X(0xff, 0x0a, 0x05);
	tap_ok(R.n == 0 && B.cam[0].rate == 57600 && B.cam[1].rate == 57600,
	       "broadcast 0x0A reaches every camera on the wire, nobody answers");
	X(2, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && rep().addr == 2 && R.n == 11,
	       "with two cameras only the addressed one answers");
}

/*
 * A whole scripted capture (640x480, 512-byte packets: 0x34, 0x32, 0x30,
 * then 0x31 for each packet), every command written the moment the last
 * byte of the reply before it is in. In virtual time the emulator's pacing
 * is exact: the capture ends after the wire time of every byte both ways,
 * the 2 ms command latency of each exchange and the 150 ms capture, and
 * not a nanosecond later. (The process test measures the same capture on
 * the real clock; that figure depends on the machine's load, so it is
 * reported, not asserted.)
 */
static void test_timing_capture(void)
{
	unsigned int npk = 0, ncmd = 0;
	int64_t t0, wire = 0;
	size_t size = 0, got = 0;
	bool ok = true;
	struct rep r;

	fresh();
	T = 10 * MS;
	bus_advance(&B, T);
	t0 = T;
	for (unsigned int k = 0; ok && k < npk + 3; k++) {
		uint8_t p[2];
		uint16_t len = 2;
		uint8_t cmd;

		if (k == 0) {
			cmd = 0x34;
			p[0] = 0x05;
			len = 1;
		} else if (k == 1) {
			cmd = 0x32;
			p[0] = 0x00;
			p[1] = 0x02;
		} else if (k == 2) {
			cmd = 0x30;
			len = 0;
		} else {
			cmd = 0x31;
			p[0] = (uint8_t)(k - 3);
			p[1] = (uint8_t)((k - 3) >> 8);
		}
		wire += (int64_t)send_cmd(1, cmd, p, len);
		ncmd++;
		drain();
		grab();
		r = rep();
		ok = r.ok && r.status == 0 && R.n > 0;
		if (!ok)
			break;
		wire += (int64_t)R.n;
		T = R.t[R.n - 1];
		if (cmd == 0x30 && r.ndata == 6) {
			size = r.data[0] | (size_t)r.data[1] << 8 |
			       (size_t)r.data[2] << 16;
			npk = r.data[4] | (unsigned int)r.data[5] << 8;
		} else if (cmd == 0x31) {
			got += r.ndata - 2;
		}
	}
	tap_diag("virtual-time capture: %zu bytes in %u packets, %lld bytes on the wire, %u commands: %.6f s",
		 size, npk, (long long)wire, ncmd, (double)(T - t0) / 1e9);
	tap_ok(ok && npk == (size + 511) / 512 && got == size && size > 0,
	       "virtual time: a scripted 640x480 packet capture completes (%u packets)",
	       npk);
	tap_ok(ok && llabs((T - t0) - (wire * 10 * NS_PER_S / 115200 +
				       (int64_t)ncmd * 2 * MS + 150 * MS)) <= 1000,
	       "virtual time: it takes exactly the wire time both ways + 2 ms a command + 150 ms capture");
}

static void test_timing(void)
{
	int64_t t0, frame_end, bt = 10 * NS_PER_S / 115200;
	size_t n;

	fresh();
	T = 100 * MS;
	bus_advance(&B, T);
	t0 = T;
	n = send_cmd(1, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2);
	drain();
	grab();
	frame_end = t0 + (int64_t)n * bt;
	tap_ok(R.n == 11 && llabs(R.t[0] - (frame_end + 2 * MS + bt)) < 10,
	       "first reply byte arrives after the frame's wire time + 2 ms + one byte time");
	tap_ok(llabs(R.t[10] - R.t[0] - 10 * bt) < 10,
	       "reply bytes are paced at 115200 (one byte per 86.8 us)");
	T += 10 * MS;
	t0 = T;
	n = send_cmd(1, 0x30, NULL, 0);
	drain();
	grab();
	tap_ok(llabs(R.t[0] - (t0 + (int64_t)n * bt + 152 * MS + bt)) < 10,
	       "0x30 at 640x480 adds the 150 ms capture latency");
	X(1, 0x34, 0x03);
	T += 10 * MS;
	t0 = T;
	n = send_cmd(1, 0x30, NULL, 0);
	drain();
	grab();
	tap_ok(llabs(R.t[0] - (t0 + (int64_t)n * bt + 2 * MS + 37500000 + bt)) < 10,
	       "at 320x240 it is 37.5 ms (scaled by pixels)");
	B.cam[0].cmd_ms = 5;
	B.cam[0].capture_ms = 10;
	T += 10 * MS;
	t0 = T;
	n = send_cmd(1, 0x02, (const uint8_t[]){ 0x07, 0x04 }, 2);
	drain();
	grab();
	tap_ok(llabs(R.t[0] - (t0 + (int64_t)n * bt + 45 * MS + bt)) < 10,
	       "settable latencies: cmd 5 ms + capture 10 ms x4 at 1280x960");
	/* one command at a time */
	fresh();
	T = 10 * MS;
	bus_advance(&B, T);
	t0 = T;
	n = send_cmd(1, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2);
	send_cmd(1, 0x04, (const uint8_t[]){ 0x77 }, 1);
	drain();
	grab();
	tap_ok(R.n == 21 && rep().cmd == 0x01 &&
	       parse(R.d + 11, 10, false).ok &&
	       parse(R.d + 11, 10, false).cmd == 0x04 &&
	       llabs(R.t[11] - (R.t[10] + 2 * MS + bt)) < 10,
	       "a frame that arrives while a reply is going out is handled after it, in order");
	(void)frame_end;
	test_timing_capture();
}

/* ---- faults -------------------------------------------------------------- */

/* Reference output of one 0x02 capture on a fresh camera. */
static struct out clean_run(uint8_t cmd, const uint8_t *p, uint16_t len,
			    const char *fault)
{
	char err[128];
	struct out o;

	fresh();
	prng_seed(&B.prng, 42);
	if (fault && fault_apply_spec(&B, fault, err, sizeof(err)))
		tap_diag("fault '%s': %s", fault, err);
	xfer(1, cmd, p, len);
	o.n = R.n;
	o.d = xmalloc(R.n + 1);
	o.t = xmalloc((R.n + 1) * sizeof(*o.t));
	memcpy(o.d, R.d, R.n);
	memcpy(o.t, R.t, R.n * sizeof(*o.t));
	return o;
}

static void out_free(struct out *o)
{
	free(o->d);
	free(o->t);
}

static int popcount8(uint8_t v)
{
	return __builtin_popcount(v);
}

static void test_faults_bytes(void)
{
	const uint8_t cap[] = { 0x01, 0x02 };	/* 160x160, comp 2 */
	struct out c = clean_run(0x02, cap, 2, NULL), f;
	bool good;
	size_t j;

	tap_ok(c.n > 1000, "reference 0x02 reply (%zu bytes)", c.n);

	f = clean_run(0x02, cap, 2, "byteflip 1");
	good = f.n == c.n;
	for (size_t i = 0; good && i < c.n; i++)
		good = popcount8(f.d[i] ^ c.d[i]) == 1;
	tap_ok(good && B.fstat[F_BYTEFLIP] == c.n,
	       "byteflip 1: every byte differs from the clean reply in exactly one bit");
	out_free(&f);

	f = clean_run(0x02, cap, 2, "byteflip 0.01");
	j = 0;
	good = f.n == c.n;
	for (size_t i = 0; good && i < c.n; i++) {
		if (f.d[i] != c.d[i]) {
			good = popcount8(f.d[i] ^ c.d[i]) == 1;
			j++;
		}
	}
	tap_ok(good && j > 0 && j < c.n / 20 && j == B.fstat[F_BYTEFLIP],
	       "byteflip 0.01: %zu of %zu bytes have one bit flipped, counted", j, c.n);
	out_free(&f);

	f = clean_run(0x02, cap, 2, "drop 1");
	tap_ok(f.n == 0 && B.fstat[F_DROP] == c.n,
	       "drop 1: every byte is dropped");
	out_free(&f);

	f = clean_run(0x02, cap, 2, "drop 0.1");
	j = 0;
	for (size_t i = 0; i < c.n && j < f.n; i++)
		if (c.d[i] == f.d[j])
			j++;
	tap_ok(f.n < c.n && f.n > c.n / 2 && j == f.n &&
	       c.n - f.n == B.fstat[F_DROP] && f.t[f.n - 1] <= c.t[c.n - 1],
	       "drop 0.1: a subsequence of the clean reply, %zu bytes fewer", c.n - f.n);
	out_free(&f);

	f = clean_run(0x02, cap, 2, "garbage 1");
	good = f.n == 2 * c.n;
	for (size_t i = 0; good && i < c.n; i++)
		good = f.d[2 * i] == c.d[i];
	tap_ok(good && B.fstat[F_GARBAGE] == c.n &&
	       llabs(f.t[f.n - 1] - f.t[0] - 2 * (c.t[c.n - 1] - c.t[0]) -
		     (f.t[1] - f.t[0])) < 10,
	       "garbage 1: one byte inserted after every byte, and it takes wire time");
	out_free(&f);

	f = clean_run(0x02, cap, 2, "truncate");
	tap_ok(f.n >= 1 && f.n < c.n && !memcmp(f.d, c.d, f.n) &&
	       B.fstat[F_TRUNCATE] == 1,
	       "truncate: the reply stops early (%zu of %zu bytes), a prefix of the clean one",
	       f.n, c.n);
	X(1, 0x02, 0x01, 0x02);
	tap_ok(parse(R.d, R.n, true).ok && parse(R.d, R.n, true).flen == R.n,
	       "truncate (N=1): the next reply is whole again");
	out_free(&f);

	f = clean_run(0x02, cap, 2, "badcrc");
	tap_ok(f.n == c.n && !memcmp(f.d, c.d, c.n - 2) &&
	       (f.d[c.n - 2] != c.d[c.n - 2] || f.d[c.n - 1] != c.d[c.n - 1]) &&
	       !parse(f.d, f.n, true).ok && B.fstat[F_BADCRC] == 1,
	       "badcrc: only the CRC differs");
	out_free(&f);

	f = clean_run(0x02, cap, 2, "hugelen");
	{
		struct rep r = parse(f.d, f.n, false);
		uint16_t crc = crc16_xmodem(0, f.d + 2, f.n - 4);

		tap_ok(f.n == c.n && f.d[4] == 0xff && f.d[5] == 0xff &&
		       f.d[6] == 0xff && !memcmp(f.d + 7, c.d + 7, c.n - 9) &&
		       f.d[f.n - 2] == (uint8_t)crc &&
		       f.d[f.n - 1] == (uint8_t)(crc >> 8),
		       "hugelen on 0x02: 24-bit length FF FF FF, same data, CRC over what was sent");
		(void)r;
	}
	out_free(&f);
	out_free(&c);

	c = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, NULL);
	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "hugelen 1 0x1234");
	tap_ok(f.n == c.n && f.d[4] == 0x34 && f.d[5] == 0x12 &&
	       !memcmp(f.d + 6, c.d + 6, 3) &&
	       crc16_xmodem(0, f.d + 2, 7) == (f.d[9] | f.d[10] << 8),
	       "hugelen 1 0x1234 on 0x01: length field 0x1234, valid CRC");
	out_free(&f);

	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "ebheader 1");
	tap_ok(f.n == c.n && f.d[0] == 0xeb && f.d[1] == 0x90 &&
	       !memcmp(f.d + 2, c.d + 2, c.n - 2),
	       "ebheader 1: header EB 90, the rest unchanged");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.d[0] == 0xeb, "ebheader stays on until switched off");
	ctl("fault ebheader 0");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.d[0] == 0x90, "ebheader 0 switches it off");
	out_free(&f);

	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "nostatus 1");
	{
		static const uint8_t want[] = { 0x90, 0xeb, 0x01, 0x01, 0x02,
						0x00, 0xaa, 0x55 };
		uint16_t crc = crc16_xmodem(0, want + 2, 6);

		tap_ok(f.n == 10 && !memcmp(f.d, want, 8) &&
		       f.d[8] == (uint8_t)crc && f.d[9] == (uint8_t)(crc >> 8),
		       "nostatus 1: 0x01 reply is 90 EB 01 01 02 00 AA 55 + CRC");
	}
	out_free(&f);

	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "wrongaddr");
	tap_ok(f.n == c.n && f.d[2] == 2 && parse(f.d, f.n, false).ok &&
	       !memcmp(f.d + 3, c.d + 3, 6),
	       "wrongaddr: reply from address 2 with a valid CRC");
	B.cam[0].addr = 254;
	ctl("fault wrongaddr");
	X(254, 0x01, 0x55, 0xaa);
	tap_ok(R.d[2] == 1, "wrongaddr wraps 254 to 1");
	out_free(&f);

	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "status");
	{
		struct rep r = parse(f.d, f.n, false);

		tap_ok(r.ok && r.status == 0x01 && r.len == 1 && !r.ndata,
		       "status: the reply carries status 0x01 and no data");
	}
	out_free(&f);
	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "status 2 0x7");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(parse(f.d, f.n, false).status == 7 && rep().status == 7,
	       "status 2 0x07: the next two replies carry 0x07");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().status == 0 && rep().ndata == 2, "the third is normal");
	X(1, 0x02, 0x01, 0x01);
	ctl("fault status");
	X(1, 0x02, 0x01, 0x01);
	tap_ok(parse(R.d, R.n, true).ok && parse(R.d, R.n, true).len > 0 &&
	       B.faults[0].kind == F_STATUS && B.nfaults == 1,
	       "status does not touch 0x02 replies (no status byte); it waits for one that has");
	out_free(&f);

	f = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, "stall 100");
	tap_ok(f.n == c.n && !memcmp(f.d, c.d, c.n) &&
	       f.t[0] - c.t[0] == 100 * MS && B.fstat[F_STALL] == 1,
	       "stall 100: same bytes, 100 ms later");
	out_free(&f);
	out_free(&c);
}

static void test_faults_packets(void)
{
	struct rep r, r2;

	fresh();
	X(1, 0x02, 0x01, 0x02);
	ctl("fault hugesize");
	X0(1, 0x30);
	r = rep();
	tap_ok(r.ok && r.status == 0 && r.ndata == 6 && r.data[0] == 0xff &&
	       r.data[1] == 0xff && r.data[2] == 0xff && r.data[3] == 0 &&
	       (r.data[4] | r.data[5] << 8) == (0xffffff + 511) / 512,
	       "hugesize on 0x30: size 0xFFFFFF, packet count to match, valid CRC");
	ctl("fault hugesize 1 70000");
	X(1, 0x05, 0x01, 0x02);
	r = rep();
	tap_ok(r.ok && r.status == ST_MORE && r.data[0] == 0x70 &&
	       r.data[1] == 0x11 && r.data[2] == 0x01,
	       "hugesize 1 70000 on 0x05: size 70000, status 0x80");
	X0(1, 0x30);
	ctl("fault dup");
	X(1, 0x31, 0x00, 0x00);
	r = parse(R.d, R.n, false);
	tap_ok(r.ok && R.n == 2 * r.flen && !memcmp(R.d, R.d + r.flen, r.flen),
	       "dup: the 0x31 reply is sent twice in a row");
	X(1, 0x31, 0x01, 0x00);
	r = rep();
	tap_ok(r.ok && R.n == r.flen, "dup (N=1): the next one is single");
	ctl("fault reorder");
	X(1, 0x31, 0x02, 0x00);
	r = rep();
	tap_ok(r.ok && r.data[0] == 3 && r.data[1] == 0 &&
	       !memcmp(r.data + 2, B.cam[0].img.data + 3 * 512, 512),
	       "reorder: asked for packet 2, got packet 3 (number and data)");
	X(1, 0x31, 0x02, 0x00);
	r2 = rep();
	tap_ok(r2.ok && r2.data[0] == 2 &&
	       !memcmp(r2.data + 2, B.cam[0].img.data + 2 * 512, 512),
	       "after reorder the camera still accepts a retry of packet 2");
}

static void test_unplug_powercycle(void)
{
	struct rep r;

	fresh();
	ctl("unplug");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0 && !B.cam[0].plugged && B.fstat[F_UNPLUG] == 1,
	       "unplug: no answer");
	ctl("plug");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok, "plug: answers again");
	/* unplug in the middle of a reply */
	T += 5 * MS;
	bus_advance(&B, T);
	bus_out_clear(&B);
	send_cmd(1, 0x02, (const uint8_t[]){ 0x05, 0x00 }, 2);
	bus_advance(&B, T + 200 * MS);	/* capture + 40 ms of image */
	grab();
	T += 200 * MS;
	ctl("unplug");
	{
		size_t before = R.n;

		drain();
		grab();
		tap_ok(before > 300 && before < 10000 && R.n <= 1,
		       "unplug mid-frame: the reply stops at once (%zu bytes went out, %zu after)",
		       before, R.n);
	}
	ctl("plug");
	X(1, 0x04, 0x10);
	X(1, 0x32, 0x00, 0x04);
	X(1, 0x34, 0x01);
	X(1, 0x05, 0x01, 0x04);
	X(1, 0x0a, 0x05);
	B.cam[0].saved_rate = 0;
	ctl("powercycle");
	tap_ok(B.cam[0].rate == 115200 && B.cam[0].bright == 0x80 &&
	       B.cam[0].pktsize == 512 && B.cam[0].pres == 5 &&
	       B.cam[0].comp == 2 && !B.cam[0].have_img &&
	       B.fstat[F_POWERCYCLE] == 1,
	       "powercycle: power-on rate and defaults back, image lost");
	X(1, 0x31, 0x00, 0x00);
	r = rep();
	tap_ok(r.ok && r.status == ST_NOIMAGE, "0x31 after a power cycle: status 0x02");
	ctl("powercycle rate=9600");
	tap_ok(B.cam[0].rate == 9600 && B.cam[0].saved_rate == 9600,
	       "powercycle rate=9600: comes back at 9600");
	fresh_n(2);
	ctl("powercycle 2 rate=19200");
	tap_ok(B.cam[0].rate == 115200 && B.cam[1].rate == 19200,
	       "powercycle 2 rate=...: only camera 2");
}

static void test_fault_scope(void)
{
	char *s;

	fresh_n(2);
	ctl("fault badcrc 5 addr=2");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok, "a fault with addr=2 leaves camera 1 alone");
	X(2, 0x01, 0x55, 0xaa);
	tap_ok(!rep().ok && R.n == 11, "and hits camera 2");
	ctl("fault byteflip 0.5");
	s = ctl("faults");
	tap_ok(strstr(s, "fault badcrc 4 addr=2\n") &&
	       strstr(s, "fault byteflip 0.5\n") && strstr(s, "ok 2\n"),
	       "faults lists the active faults");
	tap_ok(!strcmp(ctl("fault clear"), "ok\n") && B.nfaults == 0,
	       "fault clear: all off");
	X(2, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok, "after fault clear camera 2 answers cleanly");
	tap_ok(!strncmp(ctl("fault frobnicate"), "err ", 4) &&
	       !strncmp(ctl("fault drop 2"), "err ", 4) &&
	       !strncmp(ctl("fault badcrc addr=9"), "err ", 4),
	       "bad fault specs are refused with err");
	/* repeatable with a seed */
	{
		struct out a, b;

		a = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2,
			      "byteflip 0.3");
		b = clean_run(0x01, (const uint8_t[]){ 0x55, 0xaa }, 2,
			      "byteflip 0.3");
		tap_ok(a.n == b.n && !memcmp(a.d, b.d, a.n),
		       "the same seed gives the same faults");
		out_free(&a);
		out_free(&b);
	}
	/* rxflip */
	fresh();
	ctl("fault rxflip 1");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0 && B.log_seq == 0 && B.fstat[F_RXFLIP] == 10,
	       "rxflip 1: every received byte is flipped, the frame is lost");
	ctl("fault rxflip 0");
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok, "rxflip 0: off again");
}

/* ---- rates ---------------------------------------------------------------- */

static void test_garble(void)
{
	uint8_t in[64], out[256];
	size_t n;
	bool same;

	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	n = uart_garble(in, 64, 115200, 115200, out, sizeof(out));
	tap_ok(n == 64 && !memcmp(in, out, 64), "same rate: bytes pass unchanged");
	n = uart_garble(in, 64, 115200, 112000, out, sizeof(out));
	tap_ok(n == 64 && !memcmp(in, out, 64), "2.8%% apart: no garbling");
	n = uart_garble(in, 64, 115200, 9600, out, sizeof(out));
	tap_ok(n < 64 && n > 0, "sent at 115200, read at 9600: %zu bytes arrive", n);
	n = uart_garble(in, 64, 9600, 115200, out, sizeof(out));
	same = n == 64 && !memcmp(in, out, 64);
	tap_ok(n > 64 && !same, "sent at 9600, read at 115200: %zu bytes arrive", n);
	n = uart_garble(in, 64, 115200, 57600, out, sizeof(out));
	tap_ok(n != 64 || memcmp(in, out, 64), "115200 vs 57600 garbles");
	n = uart_garble((const uint8_t[]){ 0x55 }, 1, 57600, 115200, out, 8);
	tap_ok(n == 2 && out[0] == 0x66 && out[1] == 0xe6,
	       "0x55 sent at half the rate reads as two bytes, hand-checked (%zu: %02x %02x)",
	       n, out[0], n > 1 ? out[1] : 0);

	/* through the camera model, both directions */
	fresh();
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(R.n == 0 && B.log_seq == 0 &&
	       stat_of(ST_FRAMES_GARBLED_BYTES) + stat_of(ST_FRAMES_BADCRC) > 0,
	       "host at 57600, camera at 115200: the camera sees no valid frame");
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	T += 5 * MS;
	bus_advance(&B, T);
	bus_out_clear(&B);
	send_cmd(1, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2);
	bus_advance(&B, T + MS);	/* frame in, reply not yet out */
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	drain();
	grab();
	tap_ok(B.log_seq == 1 && R.n != 11,
	       "camera at 115200, host reading at 57600: the reply is garbled (%zu bytes instead of 11)",
	       R.n);
	bus_set_guest(&B, GUEST_KNOWN, 116000);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(rep().ok && R.n == 11, "116000 vs 115200 (within 3%%): clean both ways");
	bus_set_guest(&B, GUEST_UNKNOWN, 0);
	X(1, 0x01, 0x55, 0xaa);
	tap_ok(!rep().ok, "guest rate unknown: garbled");
}

/* ---- images --------------------------------------------------------------- */

static double mean_luma(const struct image *img)
{
	uint8_t *pix;
	unsigned int w, h;
	int nc;
	double s = 0;

	if (jpeg_decode(img->data, img->size, &pix, &w, &h, &nc))
		return -1;
	for (size_t i = 0; i < (size_t)w * h * (size_t)nc; i++)
		s += pix[i];
	free(pix);
	return s / ((double)w * h * nc);
}

static void test_images(void)
{
	static const unsigned int res[4][2] = {
		{ 160, 160 }, { 320, 240 }, { 640, 480 }, { 1280, 960 } };
	struct pattern_params p = { .w = 640, .h = 480, .frame = 3, .addr = 1,
				    .quality = comp_quality(2),
				    .brightness = 0x80, .contrast = 0x80 };
	struct image a, b;
	char sa[65], sb[65];
	double m0, m1;
	size_t sz[4][5];
	bool ranges;

	pattern_jpeg(&p, &a);
	pattern_jpeg(&p, &b);
	tap_ok(a.size == b.size && !memcmp(a.data, b.data, a.size),
	       "the same parameters give the same JPEG");
	sha256_hex(a.data, a.size, sa);
	image_free(&b);
	p.frame = 4;
	pattern_jpeg(&p, &b);
	sha256_hex(b.data, b.size, sb);
	tap_ok(strcmp(sa, sb), "another frame number gives another image");
	image_free(&b);
	p.frame = 3;
	m0 = mean_luma(&a);
	p.brightness = 0xc0;
	pattern_jpeg(&p, &b);
	m1 = mean_luma(&b);
	tap_ok(m1 > m0 + 30, "brightness 0xC0 brightens (mean %.1f -> %.1f)", m0, m1);
	image_free(&b);
	p.brightness = 0x80;
	p.contrast = 0x20;
	pattern_jpeg(&p, &b);
	tap_ok(b.size < a.size * 3 / 4 && strcmp(sa, sb),
	       "contrast 0x20 flattens the picture (%zu -> %zu bytes)", a.size, b.size);
	image_free(&b);
	p.contrast = 0x80;
	p.ir = true;
	pattern_jpeg(&p, &b);
	sha256_hex(b.data, b.size, sb);
	tap_ok(strcmp(sa, sb), "IR on changes the picture");
	image_free(&b);
	image_free(&a);

	ranges = true;
	for (int r = 0; r < 4; r++) {
		for (int c = 0; c < 5; c++) {
			struct pattern_params q = {
				.w = res[r][0], .h = res[r][1], .frame = 1,
				.addr = 1, .quality = comp_quality((unsigned)c),
				.brightness = 0x80, .contrast = 0x80 };

			pattern_jpeg(&q, &a);
			sz[r][c] = a.size;
			image_free(&a);
			if (c && sz[r][c] >= sz[r][c - 1])
				ranges = false;
		}
		tap_diag("JPEG sizes %ux%u comp 0..4: %zu %zu %zu %zu %zu",
			 res[r][0], res[r][1], sz[r][0], sz[r][1], sz[r][2],
			 sz[r][3], sz[r][4]);
	}
	tap_ok(ranges && sz[2][0] <= 70 * 1024 && sz[2][4] >= 6 * 1024 &&
	       sz[2][4] <= 14 * 1024 && sz[3][0] >= 200 * 1024 &&
	       sz[3][0] <= 300 * 1024,
	       "JPEG sizes: fall with compression; 640x480 within ~8..60 KiB, 1280x960 comp 0 ~250 KiB");
}

/*
 * --detail: the texture levels span what real sensors produce. Targets at
 * 640x480, quality 60 (SXH485 compression 2): about 10, 18 (the classic
 * pattern, unchanged), 30, 48 and 80 KB.
 */
static void test_detail(void)
{
	static const size_t lo[5] = { 8000, 17684, 25000, 42000, 70000 };
	static const size_t hi[5] = { 12500, 17684, 35000, 54000, 90000 };
	size_t sz[5];
	bool ok = true;
	struct rep r;

	for (int d = 0; d <= DETAIL_MAX; d++) {
		struct pattern_params q = {
			.w = 640, .h = 480, .frame = 1, .addr = 1,
			.quality = comp_quality(2), .brightness = 0x80,
			.contrast = 0x80, .texture = d - DETAIL_DEFAULT };
		struct image a;

		pattern_jpeg(&q, &a);
		sz[d] = a.size;
		ok = ok && a.size >= lo[d] && a.size <= hi[d] &&
		     jpeg_ok(a.data, a.size, 640, 480, 3);
		image_free(&a);
	}
	tap_diag("SXH485 640x480 comp 2 (quality 60) by detail 0..4: %zu %zu %zu %zu %zu bytes",
		 sz[0], sz[1], sz[2], sz[3], sz[4]);
	tap_ok(ok, "detail 0..4 at 640x480 comp 2: ~10, 18 (classic), 30, 48, 80 KB, all decode");
	fresh();
	tap_ok(!strcmp(ctl("set detail 3"), "ok\n") && B.detail == 3 &&
	       !strncmp(ctl("set detail 5"), "err ", 4),
	       "ctl set detail 3 (0..4; 5 is refused)");
	X(1, 0x02, 0x05, 0x02);
	r = parse(R.d, R.n, true);
	tap_ok(r.ok && r.ndata >= lo[3] && r.ndata <= hi[3],
	       "a 0x02 capture at detail 3 is %zu bytes", r.ndata);
}

static void test_image_dir(void)
{
	char dir[128], path[192];
	uint8_t *d;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/imgs", tmpdir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/b.jpg", dir);
	write_blob(path, 1000);
	snprintf(path, sizeof(path), "%s/a.jpg", dir);
	write_blob(path, 2000);
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	write_blob(path, 3000);
	fresh();
	B.image_dir = xstrdup(dir);
	X(1, 0x02, 0x05, 0x01);
	n = parse(R.d, R.n, true).ndata;
	X(1, 0x02, 0x01, 0x01);
	d = (uint8_t *)parse(R.d, R.n, true).data;
	X(1, 0x02, 0x07, 0x01);
	tap_ok(n == 2000 && d && parse(R.d, R.n, true).ndata == 2000 &&
	       B.cam[0].frames[1].size == 1000,
	       "--image-dir serves *.jpg sorted by name, cycling, whatever the resolution");
}

/* ---- control channel ------------------------------------------------------ */

static void test_control(void)
{
	char *s, want[256];

	fresh_n(2);
	tap_ok(!strcmp(ctl("ping"), "ok pong\n"), "ctl ping -> ok pong");
	s = ctl("status");
	tap_ok(!strncmp(s, "ok addr=1 rate=115200 guest=115200 plugged=1 pktsize=512 res=05 comp=2 bright=128 contrast=128 ir=0 frames=0", 108),
	       "ctl status: documented fields and defaults");
	tap_ok(!strncmp(ctl("status addr=2"), "ok addr=2 ", 10) &&
	       !strncmp(ctl("status addr=9"), "err ", 4),
	       "ctl status addr=A picks the camera, unknown address -> err");
	X(1, 0x04, 0x90);
	X(2, 0x01, 0x55, 0xaa);
	X0(1, 0x30);
	s = ctl("log");
	tap_ok(!strcmp(s, "cmd 1 1 04 90\ncmd 2 2 01 55aa\ncmd 3 1 30 -\nok 3\n"),
	       "ctl log: one line per accepted command, in order");
	tap_ok(!strcmp(ctl("log addr=2"), "cmd 2 2 01 55aa\nok 1\n"),
	       "ctl log addr=2 filters by camera");
	tap_ok(!strcmp(ctl("log since=2"), "cmd 3 1 30 -\nok 1\n"),
	       "ctl log since=2 gives the entries after 2");
	tap_ok(!strcmp(ctl("log clear"), "ok\n") && !strcmp(ctl("log"), "ok 0\n"),
	       "ctl log clear");
	X(1, 0x04, 0x91);
	tap_ok(!strcmp(ctl("log"), "cmd 4 1 04 91\nok 1\n"),
	       "sequence numbers go on after a clear");
	s = ctl("stats");
	tap_ok(strstr(s, "stat rx_bytes ") && strstr(s, "stat tx_bytes ") &&
	       strstr(s, "stat frames_ok 4\n") &&
	       strstr(s, "stat frames_badcrc 0\n") &&
	       strstr(s, "stat frames_wrongaddr ") &&
	       strstr(s, "stat frames_garbled_bytes 0\n") &&
	       strstr(s, "stat captures 1\n") &&
	       strstr(s, "stat packets_sent 0\n") &&
	       strstr(s, "stat fault_byteflip 0\n") &&
	       strstr(s, "stat fault_nostatus 0\n") && strstr(s, "\nok\n"),
	       "ctl stats: counters and one fault_<kind> per fault");
	ctl("stats clear");
	tap_ok(strstr(ctl("stats"), "stat captures 0\n") != NULL, "ctl stats clear");
	snprintf(want, sizeof(want),
		 "ok 1 addr=1 res=640x480 comp=2 gray=0 size=%u sha256=%s\n",
		 B.cam[0].frames[0].size, B.cam[0].frames[0].sha);
	tap_ok(!strcmp(ctl("frame 1"), want), "ctl frame 1");
	tap_ok(!strncmp(ctl("frames"), "frame 1 addr=1 res=640x480", 26) &&
	       strstr(ctl("frames"), "\nok 1\n") &&
	       !strcmp(ctl("frames addr=2"), "ok 0\n") &&
	       !strncmp(ctl("frame 2"), "err ", 4),
	       "ctl frames lists frames, per camera");
	tap_ok(!strcmp(ctl("set capture-ms 20"), "ok\n") &&
	       B.cam[0].capture_ms == 20 &&
	       !strcmp(ctl("set cmd-ms 7 addr=2"), "ok\n") &&
	       B.cam[1].cmd_ms == 7 && B.cam[0].cmd_ms == 2 &&
	       !strcmp(ctl("set rate 921600"), "ok\n") &&
	       B.cam[0].rate == 921600 &&
	       !strcmp(ctl("set saved-rate 9600"), "ok\n") &&
	       B.cam[0].saved_rate == 9600 &&
	       !strcmp(ctl("set poweron-rate 57600"), "ok\n") &&
	       B.cam[0].poweron_rate == 57600 &&
	       !strncmp(ctl("set rate 2000000"), "err ", 4) &&
	       !strncmp(ctl("set bogus 1"), "err ", 4),
	       "ctl set capture-ms, cmd-ms, rate (any up to 921600), saved-rate, poweron-rate");
	tap_ok(!strcmp(ctl("seed 7"), "ok\n") && !strncmp(ctl("nonsense"), "err ", 4) &&
	       !strncmp(ctl(""), "err ", 4),
	       "ctl seed; unknown and empty lines -> err");
	tap_ok(!strcmp(ctl("unplug addr=2"), "ok\n") && !B.cam[1].plugged &&
	       B.cam[0].plugged && !strcmp(ctl("plug 2"), "ok\n") &&
	       B.cam[1].plugged, "ctl unplug/plug with an address");
	{
		struct sbuf o = { 0 };

		tap_ok(ctl_exec(&B, "quit", &o) == 1 && !strcmp(o.s, "ok bye\n"),
		       "ctl quit asks to close the connection");
		sbuf_free(&o);
	}
}

static void test_log_capacity(void)
{
	char *s;

	fresh();
	for (int i = 0; i < 100010; i++) {
		uint8_t f[16];
		size_t n = sxh_frame(f, 1, 0x04, (const uint8_t[]){ 0x80 }, 1);

		T += 5 * MS;
		send_raw(f, n);
		drain();
		bus_out_clear(&B);
	}
	s = ctl("log since=10");
	tap_ok(strstr(s, "\nok 100000\n") != NULL && !strncmp(s, "cmd 11 1 04 80\n", 15),
	       "the log keeps at least the last 100000 entries");
}

int main(int argc, char **argv)
{
	int64_t t0;

	/* camemu-test --bench CAMEMU: the real-time figure, no TAP */
	if (argc > 2 && !strcmp(argv[1], "--bench"))
		return proc_bench(argv[2], 5);
	if (!test_mkdtemp(tmpdir, sizeof(tmpdir), "camemu-test")) {
		perror("mkdtemp");
		return 1;
	}
	printf("TAP version 13\n");
	t0 = now_ns();
	test_crc();
	test_manual_frame();
	test_cmd_01();
	test_cmd_settings();
	test_cmd_02_12();
	test_cmd_05_06();
	test_rates();
	test_cmd_0d();
	test_packet_mode();
	test_frame_filtering();
	test_timing();
	test_faults_bytes();
	test_faults_packets();
	test_unplug_powercycle();
	test_fault_scope();
	test_garble();
	test_images();
	test_detail();
	test_image_dir();
	test_control();
	test_log_capacity();
	tap_diag("unit tests took %.1f s", (double)(now_ns() - t0) / 1e9);
	bus_free(&B);
	stream_unit_tests();
	ov528_unit_tests();
	omvp_unit_tests();
	pixy_unit_tests();
	vc0706_unit_tests();
	asciiu_unit_tests();
	if (argc > 1)
		proc_tests(argv[1]);
	test_rmtree(tmpdir);
	return tap_done();
}
