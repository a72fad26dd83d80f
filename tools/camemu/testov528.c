// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the OV528 cameras (ov528.c) on the simulated clock, no
 * sockets. The host side here (commands, reply checks, the package sum,
 * the RAW layouts, a JPEG marker walk) is written from ov528.md and the
 * README, not from the emulator's code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "control.h"
#include "ov528.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

#define MS 1000000LL
#define SYNC 0x0d
#define ACK 0x0e
#define NAK 0x0f

static struct bus B;
static int64_t T;

/* Everything the host's UART received since ofresh(), with times. */
static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} O;

/* The last exchange's reply: O.d[M .. O.n). */
static size_t M;
#define RD (O.d + M)
#define RN (O.n - M)
#define REND (O.n > M ? O.t[O.n - 1] : 0)

static void take(void)
{
	size_t n = B.out_bytes.n;

	if (!n)
		return;
	if (O.n + n > O.cap) {
		while (O.n + n > O.cap)
			O.cap = O.cap ? 2 * O.cap : 1 << 16;
		O.d = xrealloc(O.d, O.cap);
		O.t = xrealloc(O.t, O.cap * sizeof(*O.t));
	}
	memcpy(O.d + O.n, B.out_bytes.d, n);
	memcpy(O.t + O.n, B.out_bytes.t, n * sizeof(*O.t));
	O.n += n;
	bus_out_clear(&B);
}

static void run_to(int64_t t)
{
	bus_advance(&B, t);
	take();
	if (t > T)
		T = t;
}

/*
 * Run until nothing is pending, or nothing but a timer more than a second
 * away (the sleep timeout: run_to() reaches it).
 */
static void drain(void)
{
	int64_t e;

	while ((e = bus_next_event(&B)) != T_NEVER && e <= B.now + NS_PER_S)
		run_to(e);
}

/* Cameras at @addrs (unsynced), the host at @guest (0: following). */
static void ofresh_bus(int n, const unsigned int *addrs, uint32_t guest)
{
	bus_free(&B);
	bus_init(&B, 0);
	B.ov = ov528_new();
	for (int i = 0; i < n; i++)
		bus_add_camera(&B, addrs[i], 0, 0, NULL);
	if (guest)
		bus_set_guest(&B, GUEST_KNOWN, guest);
	prng_seed(&B.prng, 7);
	T = 0;
	O.n = M = 0;
}

static void ofresh(void)
{
	ofresh_bus(1, (const unsigned int[]){ 0 }, 115200);
}

static char *ctl(const char *line)
{
	return test_ctl(&B, line);
}

static bool fault(const char *spec)
{
	return test_fault(&B, spec);
}

/* For a fault spec that must be refused. */
static bool fault_fails(const char *spec)
{
	char err[160];

	return fault_apply_spec(&B, spec, err, sizeof(err)) != 0;
}

/* More than GAP_NS of quiet: a camera drops a partial command. */
static void quiet(void)
{
	T += 100 * MS;
	run_to(T);
}

static uint64_t ost(enum ov_stat s)
{
	return B.ov->st[s];
}

static int64_t wire(size_t n, uint32_t rate)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / rate);
}

/* Put a command on the line now, at the host's rate. */
static void put(uint8_t addr, uint8_t id, uint8_t a, uint8_t b, uint8_t c,
		uint8_t d)
{
	uint8_t m[6] = { 0xaa, (uint8_t)(addr << 5 | id), a, b, c, d };

	if (T < B.now)
		T = B.now;	/* the host cannot send in the past */
	run_to(T);
	bus_rx(&B, T, m, 6);
}

/* One exchange: 5 ms of quiet, the command, run until quiet; RD/RN. */
static int64_t xchg(uint8_t addr, uint8_t id, uint8_t a, uint8_t b,
		    uint8_t c, uint8_t d)
{
	int64_t t0;

	T += 5 * MS;
	run_to(T);
	M = O.n;
	t0 = T;
	put(addr, id, a, b, c, d);
	drain();
	return t0;
}

static bool is_msg(const uint8_t *d, uint8_t addr, uint8_t id, int p1,
		   int p3)
{
	return d[0] == 0xaa && d[1] == (uint8_t)(addr << 5 | id) &&
	       (p1 < 0 || d[2] == p1) && (p3 < 0 || d[4] == p3) &&
	       (id == ACK || id == NAK ? d[5] == 0 : true) &&
	       (id == ACK ? d[4] == 0 : true) && (id == NAK ? d[2] == 0 : true);
}

static bool ack_only(uint8_t addr, uint8_t id)
{
	return RN == 6 && is_msg(RD, addr, ACK, id, -1);
}

static bool nak_only(uint8_t addr, uint8_t code)
{
	return RN == 6 && is_msg(RD, addr, NAK, 0, code);
}

/*
 * SYNC until the camera answers, 5 ms apart (xchg); then the host's ACK.
 * Returns the number of SYNCs it took, 0 if none was answered in @max,
 * -1 if the answer was not ACK + SYNC.
 */
static int sync_cam(uint8_t addr, int max)
{
	for (int k = 1; k <= max; k++) {
		xchg(addr, SYNC, 0, 0, 0, 0);
		if (!RN)
			continue;
		if (RN != 12 || !is_msg(RD, addr, ACK, SYNC, -1) ||
		    !is_msg(RD + 6, addr, SYNC, 0, 0) ||
		    RD[8] || RD[9] || RD[10] || RD[11]) {
			tap_hexdiag("sync answer", RD, RN);
			return -1;
		}
		put(addr, ACK, SYNC, 0, 0, 0);
		drain();
		return k;
	}
	return 0;
}

/* INITIAL, then the 100 ms the camera needs. */
static bool initial(uint8_t addr, uint8_t fmt, uint8_t raw, uint8_t jpeg)
{
	bool ok;

	xchg(addr, 0x01, 0, fmt, raw, jpeg);
	ok = ack_only(addr, 0x01);
	T = REND + 100 * MS;
	return ok;
}

static uint32_t le24(const uint8_t *d)
{
	return d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16;
}

/* SOF dimensions of a JPEG by its segments, false if none. */
static bool sof_size(const uint8_t *d, size_t n, unsigned int *w,
		     unsigned int *h)
{
	size_t i = 2;

	while (i + 9 < n && d[i] == 0xff) {
		if (d[i + 1] == 0xc0) {
			*h = (unsigned int)d[i + 5] << 8 | d[i + 6];
			*w = (unsigned int)d[i + 7] << 8 | d[i + 8];
			return true;
		}
		i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
	}
	return false;
}

struct pkg {
	bool ok;		/* length field, size, sum all right */
	unsigned int id, n;
	const uint8_t *data;
};

static struct pkg parse_pkg(const uint8_t *d, size_t len)
{
	struct pkg p = { 0 };
	uint8_t sum = 0;

	if (len < 6)
		return p;
	p.id = d[0] | (unsigned int)d[1] << 8;
	p.n = d[2] | (unsigned int)d[3] << 8;
	p.data = d + 4;
	if (len != 6 + (size_t)p.n)
		return p;
	for (size_t i = 0; i < 4 + (size_t)p.n; i++)
		sum = (uint8_t)(sum + d[i]);
	p.ok = d[4 + p.n] == sum && d[5 + p.n] == 0;
	return p;
}

/*
 * GET PICTURE @type and the whole JPEG, package by package, then F0 F0.
 * *good: every package whole and in order, only the last shorter.
 */
static uint8_t *fetch_jpeg(uint8_t addr, uint8_t type, unsigned int pkgsize,
			   size_t *size, unsigned int *npk, bool *good)
{
	uint8_t *img = NULL;
	size_t got = 0;

	*size = 0;
	*npk = 0;
	*good = false;
	xchg(addr, 0x04, type, 0, 0, 0);
	if (RN != 12 || !is_msg(RD, addr, ACK, 0x04, -1) ||
	    !is_msg(RD + 6, addr, 0x0a, type, -1)) {
		tap_hexdiag("GET PICTURE answer", RD, RN);
		return NULL;
	}
	*size = le24(RD + 9);
	img = xmalloc(*size + 1);
	*good = true;
	for (unsigned int id = 0; got < *size; id++) {
		struct pkg p;

		xchg(addr, ACK, 0, 0, (uint8_t)id, (uint8_t)(id >> 8));
		p = parse_pkg(RD, RN);
		if (!p.ok || p.id != id || p.n > pkgsize - 6 ||
		    (p.n < pkgsize - 6 && got + p.n != *size) ||
		    got + p.n > *size) {
			tap_hexdiag("package", RD, RN);
			*good = false;
			break;
		}
		memcpy(img + got, p.data, p.n);
		got += p.n;
		(*npk)++;
	}
	xchg(addr, ACK, 0, 0, 0xf0, 0xf0);
	*good = *good && RN == 0;
	return img;
}

/* A synced camera at 0 with a JPEG snapshot at @res, package size @pkg. */
static bool jpeg_ready(uint8_t res, unsigned int pkg)
{
	bool ok;

	ofresh();
	ok = sync_cam(0, 10) == 3 && initial(0, 0x07, 0, res);
	xchg(0, 0x06, 0x08, (uint8_t)pkg, (uint8_t)(pkg >> 8), 0);
	ok = ok && ack_only(0, 0x06);
	xchg(0, 0x05, 0, 0, 0, 0);
	return ok && ack_only(0, 0x05);
}

static const struct frame_rec *last_frame(int cam)
{
	const struct camera *c = &B.cam[cam];

	return c->nframes ? &c->frames[c->nframes - 1] : NULL;
}

static bool sha_is(const uint8_t *d, size_t n, const struct frame_rec *f)
{
	char sha[65];

	sha256_hex(d, n, sha);
	return f && f->size == n && !strcmp(sha, f->sha);
}

/* ---- sync and auto-baud --------------------------------------------------- */

static void test_sync(void)
{
	int64_t t0, bt = wire(1, 115200);
	char *s;
	int k;

	ofresh();
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	tap_ok(RN == 0 && ost(OS_CMDS_IGNORED) == 1,
	       "ov528: before it is synced the camera ignores other commands");
	xchg(0, SYNC, 0, 0, 0, 0);
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0 && strstr(ctl("status"), " synced=0 ") &&
	       strstr(ctl("status"), " rate=0 ") &&
	       strstr(ctl("status"), " heard=2 "),
	       "ov528: two SYNCs go unanswered (syncs 3), rate=0 heard=2");
	t0 = xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 12 && is_msg(RD, 0, ACK, SYNC, -1) &&
	       !memcmp(RD + 6, "\xaa\x0d\x00\x00\x00\x00", 6) &&
	       !RD[4] && !RD[5],
	       "ov528: the third SYNC: ACK AA 0E 0D xx 00 00, then the camera's own SYNC AA 0D 00 00 00 00");
	tap_ok(REND == t0 + wire(6, 115200) + 2 * MS + wire(12, 115200) &&
	       O.t[M] == t0 + wire(6, 115200) + 2 * MS + bt,
	       "ov528: pacing: the answer starts 2 ms after the SYNC's last byte and takes 12 byte times");
	s = ctl("status");
	tap_ok(strstr(s, " synced=1 ") && strstr(s, " rate=115200 ") &&
	       strstr(s, " sync-acked=0 "),
	       "ov528: locked at the host's 115200, the camera's SYNC not ACKed yet");
	put(0, ACK, SYNC, 0, 0, 0);
	drain();
	tap_ok(O.n == M + 12 && strstr(ctl("status"), " sync-acked=1 ") &&
	       ost(OS_SYNC_ACKS) == 1,
	       "ov528: the host's ACK AA 0E 0D 00 00 00 is taken silently (sync_acks 1)");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 12 && RD[3] == (uint8_t)(O.d[3] + 1),
	       "ov528: synced, one SYNC is answered at once; the ACK counter byte counts");
	tap_ok(!strcmp(ctl("set syncs 5"), "ok\n") &&
	       !strcmp(ctl("powercycle"), "ok\n") && sync_cam(0, 20) == 5,
	       "ov528: set syncs 5: after a power cycle the fifth SYNC is answered");
	ofresh();
	B.ov->syncs = 1;
	k = sync_cam(0, 3);
	tap_ok(k == 1 && ost(OS_SYNCS_ANSWERED) == 1 && ost(OS_SYNCS) == 1,
	       "ov528: syncs 1: the first SYNC is answered");
	s = ctl("log");
	tap_ok(!strncmp(s, "cmd 1 0 0d 00000000\ncmd 2 0 0e 0d000000\nok 2\n", 44),
	       "ov528: control log: cmd <seq> <addr> <id> <p1p2p3p4>");
}

static void test_autobaud(void)
{
	static const uint32_t known[] = { 9600, 57600, 921600 };
	char want[64];
	bool garbled;

	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		ofresh_bus(1, (const unsigned int[]){ 0 }, known[i]);
		snprintf(want, sizeof(want), " rate=%u ", known[i]);
		tap_ok(sync_cam(0, 10) == 3 && strstr(ctl("status"), want),
		       "ov528 auto-baud: a host at %u is answered cleanly at its rate after 3 SYNCs",
		       known[i]);
	}
	ofresh_bus(1, (const unsigned int[]){ 0 }, 31250);
	tap_ok(sync_cam(0, 40) == 0 && strstr(ctl("status"), " synced=0 "),
	       "ov528 auto-baud: a host at 31250 (in no table) is never answered in 40 SYNCs");
	/* following host: bytes clean, but the rate is not the camera's */
	ofresh_bus(1, (const unsigned int[]){ 0 }, 0);
	B.def_rate = 31250;
	tap_ok(sync_cam(0, 10) == 0 && ost(OS_SYNCS_BADRATE) == 10,
	       "ov528 auto-baud: SYNCs heard whole at 31250 are not counted (syncs_badrate 10)");
	B.def_rate = 115200;
	tap_ok(sync_cam(0, 10) == 3 && bus_guest_rate(&B) == 115200,
	       "ov528: a following host at --rate 115200 syncs it");
	/* a table without the host's rate */
	ofresh_bus(1, (const unsigned int[]){ 0 }, 57600);
	tap_ok(!strcmp(ctl("set autobaud 9600,115200"), "ok\n") &&
	       sync_cam(0, 30) == 0,
	       "ov528 auto-baud: set autobaud 9600,115200: a host at 57600 is refused");
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	quiet();
	tap_ok(sync_cam(0, 10) == 3,
	       "ov528 auto-baud: ... and the same camera locks onto 115200");
	/* locked: a host at another rate sees garbage, and is not heard */
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	tap_ok(sync_cam(0, 30) <= 0 && strstr(ctl("status"), " rate=115200 ") &&
	       strstr(ctl("status"), " synced=1 "),
	       "ov528: locked at 115200, SYNCs at 57600 are not answered (it keeps its rate)");
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	quiet();
	M = O.n;
	put(0, SYNC, 0, 0, 0, 0);
	run_to(T + wire(6, 115200) + MS);
	bus_set_guest(&B, GUEST_KNOWN, 57600);	/* host changes rate meanwhile */
	drain();
	garbled = RN != 12 || memcmp(RD + 6, "\xaa\x0d\x00\x00\x00\x00", 6);
	tap_ok(garbled && RN > 0,
	       "ov528: a camera at 115200 answering a host now at 57600: the host reads garbage (%zu bytes)",
	       RN);
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	put(0, ACK, SYNC, 0, 0, 0);
	drain();

	/* SET BAUD RATE */
	xchg(0, 0x07, 0x1f, 0x01, 0, 0);
	tap_ok(ack_only(0, 0x07) && strstr(ctl("status"), " rate=57600 "),
	       "ov528: SET BAUD RATE 1F 01: ACK at the old rate, then 57600");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN != 12, "ov528: the host still at 115200 is not understood");
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	quiet();
	xchg(0, 0x13, 1, 0, 0, 0);
	tap_ok(ack_only(0, 0x13) && ost(OS_BAUD_CHANGES) == 1,
	       "ov528: the host at 57600 is");
	xchg(0, 0x07, 0x02, 0x00, 0, 0);
	tap_ok(ack_only(0, 0x07) && strstr(ctl("status"), " rate=1228800 ") &&
	       ov528_baud(0x01, 0x01) == 921600 && ov528_baud(0xbf, 0x01) == 9600 &&
	       ov528_baud(0x07, 0x00) == 460800 && ov528_baud(0x1f, 0x0b) == 9600,
	       "ov528: any pair is accepted: 02 00 gives 14745600/12 = 1228800; the page's pairs give its rates");
	bus_set_guest(&B, GUEST_KNOWN, 1228800);
	xchg(0, 0x08, 0, 0, 0, 0);
	tap_ok(ack_only(0, 0x08) && strstr(ctl("status"), " rate=0 ") &&
	       strstr(ctl("status"), " synced=0 "),
	       "ov528: RESET 00 (whole): ACK at 1228800, then no rate");
	bus_set_guest(&B, GUEST_KNOWN, 9600);
	tap_ok(sync_cam(0, 10) == 3 && strstr(ctl("status"), " rate=9600 "),
	       "ov528: after the reset it auto-bauds again (3 SYNCs at 9600)");
	/* --camera addr=1,rate=57600: synced before this host came */
	ofresh_bus(0, NULL, 115200);
	bus_add_camera(&B, 1, 57600, 0, NULL);
	tap_ok(strstr(ctl("status"), " rate=57600 ") &&
	       strstr(ctl("status"), " synced=1 ") && sync_cam(1, 20) <= 0,
	       "ov528: a camera locked at 57600 from the start does not hear a host probing at 115200");
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	quiet();
	tap_ok(sync_cam(1, 3) == 1,
	       "ov528: ... and answers the first SYNC at 57600");
}

/* ---- a bus of cameras --------------------------------------------------- */

static void test_bus(void)
{
	uint8_t *img;
	size_t size;
	unsigned int npk, w, h;
	bool good, ok = true;

	ofresh_bus(3, (const unsigned int[]){ 1, 2, 5 }, 115200);
	tap_ok(sync_cam(2, 10) == 3 && RD[1] == (2 << 5 | ACK) &&
	       RD[7] == (2 << 5 | SYNC),
	       "ov528 bus: camera 2 answers SYNCs with address bits 2 (4E, 4D)");
	tap_ok(strstr(ctl("status addr=1"), " synced=0 ") &&
	       strstr(ctl("status addr=5"), " synced=0 ") &&
	       strstr(ctl("status addr=1"), " heard=0 "),
	       "ov528 bus: cameras 1 and 5 heard them and stayed silent, unsynced");
	tap_ok(sync_cam(1, 10) == 3 && sync_cam(5, 10) == 3,
	       "ov528 bus: cameras 1 and 5 sync at their addresses");
	xchg(5, 0x13, 1, 0, 0, 0);
	tap_ok(ack_only(5, 0x13) && strstr(ctl("status addr=5"), " light=1 ") &&
	       strstr(ctl("status addr=1"), " light=0 "),
	       "ov528 bus: a command for 5 is answered by 5 alone (AA AE 13 ..)");
	xchg(3, 0x13, 1, 0, 0, 0);
	tap_ok(RN == 0 && ost(OS_CMDS_WRONGADDR) >= 3,
	       "ov528 bus: a command for address 3 (no camera) gets silence");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0, "ov528 bus: address 0 is nobody's on a bus");
	for (int cam = 1; cam <= 2 && ok; cam++) {
		ok = initial((uint8_t)cam, 0x07, 0, cam == 1 ? 0x03 : 0x05);
		xchg((uint8_t)cam, 0x05, 0, 0, 0, 0);
		ok = ok && ack_only((uint8_t)cam, 0x05);
		img = fetch_jpeg((uint8_t)cam, 0x01, 64, &size, &npk, &good);
		ok = ok && img && good && sha_is(img, size, last_frame(cam - 1)) &&
		     sof_size(img, size, &w, &h) &&
		     w == (cam == 1 ? 160u : 320u) && last_frame(cam - 1)->addr == cam;
		free(img);
	}
	tap_ok(ok, "ov528 bus: cameras 1 and 2 each deliver their own JPEG (160x128, 320x240), SHA-256 as recorded");
	/* address 0: RS-232, only address bits 0 */
	ofresh();
	xchg(1, SYNC, 0, 0, 0, 0);
	xchg(1, SYNC, 0, 0, 0, 0);
	xchg(1, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0 && sync_cam(0, 10) == 3 && RD[1] == ACK,
	       "ov528: the RS-232 camera (address 0) ignores address bits 1 and answers bits 0 with 0E");
}

/* ---- the RS-485 turnaround ------------------------------------------------ */

/*
 * A command whose first start bit is at @t exactly, then run until quiet;
 * RD/RN. False if the host's line is busy at @t (the test is wrong then).
 */
static bool put_at(int64_t t, uint8_t addr, uint8_t id, uint8_t p1)
{
	if (t < B.now)
		return false;
	T = t;
	M = O.n;
	put(addr, id, p1, 0, 0, 0);
	drain();
	return true;
}

/* Past any turnaround (xchg() waits only 5 ms). */
static void past(void)
{
	T = B.now + 50 * MS;
}

/* LIGHT FREQUENCY @p1 at @t: ACKed, and its ACK starts when it should. */
static bool answered_at(int64_t t, uint8_t addr, uint8_t p1)
{
	return put_at(t, addr, 0x13, p1) && ack_only(addr, 0x13) &&
	       O.t[M] == t + wire(6, 115200) + 2 * MS + wire(1, 115200);
}

/* LIGHT FREQUENCY @p1 at @t: lost, unanswered, not logged, counted. */
static bool lost_at(int64_t t, uint8_t addr, uint8_t p1)
{
	uint64_t seq = B.log_seq, n = ost(OS_CMDS_TURNAROUND);

	return put_at(t, addr, 0x13, p1) && RN == 0 && B.log_seq == seq &&
	       ost(OS_CMDS_TURNAROUND) == n + 1;
}

static void test_turnaround(void)
{
	int64_t e, t;
	char err[160];
	bool ok;

	/* one camera, on the bus at 1 */
	ofresh_bus(1, (const unsigned int[]){ 1 }, 115200);
	sync_cam(1, 10);
	tap_ok(strstr(ctl("status"), " turnaround=0 ") &&
	       !strcmp(ctl("set turnaround 30"), "ok\n") &&
	       strstr(ctl("status"), " turnaround=30 "),
	       "ov528 turnaround: 0 by default; set turnaround 30");
	xchg(1, 0x13, 1, 0, 0, 0);
	e = REND;
	tap_ok(ack_only(1, 0x13) && lost_at(e + 30 * MS - 1, 1, 0) &&
	       strstr(ctl("status"), " light=1 ") &&
	       ost(OS_CMDS_OK) == 5 && ost(OS_CMDS_WRONGADDR) == 0,
	       "ov528 turnaround 30: a command starting 1 ns short of 30 ms after the reply's last stop bit is lost: unanswered, not done, not logged, cmds_turnaround 1");
	past();
	xchg(1, 0x13, 1, 0, 0, 0);
	e = REND;
	tap_ok(ack_only(1, 0x13) && answered_at(e + 30 * MS, 1, 0) &&
	       strstr(ctl("status"), " light=0 ") &&
	       ost(OS_CMDS_TURNAROUND) == 1,
	       "ov528 turnaround 30: one starting exactly 30 ms after it is answered");
	/* a command sent while the reply is still on the wire */
	past();
	M = O.n;
	put(1, 0x13, 1, 0, 0, 0);
	t = T + wire(6, 115200) + 2 * MS + wire(3, 115200);
	run_to(t);
	put(1, 0x13, 0, 0, 0, 0);
	drain();
	tap_ok(ack_only(1, 0x13) && ost(OS_CMDS_TURNAROUND) == 2 &&
	       strstr(ctl("status"), " light=1 "),
	       "ov528 turnaround 30: a command starting while the camera's reply is on the wire is lost too (cmds_turnaround 2)");
	/* the hold is the transceiver's: a whole reset keeps it */
	past();
	xchg(1, 0x08, 0x00, 0, 0, 0);
	e = REND;
	ok = ack_only(1, 0x08) && lost_at(e + 29 * MS, 1, 1);
	t = ost(OS_CMDS_IGNORED);
	tap_ok(ok && put_at(e + 60 * MS, 1, 0x13, 1) && RN == 0 &&
	       ost(OS_CMDS_IGNORED) == (uint64_t)t + 1 &&
	       ost(OS_CMDS_TURNAROUND) == 3,
	       "ov528 turnaround 30: RESET 00's ACK holds the line too (29 ms after: lost; 60 ms: heard, and ignored by the reset camera)");
	ctl("set rate 115200");
	/* 0: no transceiver model, as before */
	ctl("set turnaround 0");
	past();
	xchg(1, 0x13, 0, 0, 0, 0);
	e = REND;
	tap_ok(ack_only(1, 0x13) && answered_at(e, 1, 1),
	       "ov528 turnaround 0: a command right at the reply's last stop bit is answered");

	/* two cameras: a transceiver holds the line for every camera */
	ofresh_bus(2, (const unsigned int[]){ 1, 2 }, 115200);
	sync_cam(1, 10);
	sync_cam(2, 10);
	tap_ok(!strcmp(ctl("set turnaround 30"), "ok\n") &&
	       strstr(ctl("status addr=1"), " turnaround=30 ") &&
	       strstr(ctl("status addr=2"), " turnaround=30 "),
	       "ov528 turnaround bus: set turnaround 30 without addr= sets every camera's");
	xchg(1, 0x13, 1, 0, 0, 0);
	e = REND;
	ok = ack_only(1, 0x13);
	t = ost(OS_CMDS_WRONGADDR);
	tap_ok(ok && lost_at(e + 30 * MS - 1, 2, 1) &&
	       ost(OS_CMDS_WRONGADDR) == (uint64_t)t &&
	       strstr(ctl("status addr=2"), " light=0 "),
	       "ov528 turnaround bus: a command for camera 2 starting 1 ns short of 30 ms after camera 1's reply is lost (counted once, by camera 2; camera 1 did not hear it either)");
	past();
	xchg(1, 0x13, 1, 0, 0, 0);
	e = REND;
	tap_ok(ack_only(1, 0x13) && answered_at(e + 30 * MS, 2, 1),
	       "ov528 turnaround bus: at exactly 30 ms camera 2 answers");
	past();
	xchg(1, 0x13, 0, 0, 0, 0);
	t = ost(OS_CMDS_WRONGADDR);
	tap_ok(ack_only(1, 0x13) && put_at(REND + MS, 3, 0x13, 1) && RN == 0 &&
	       ost(OS_CMDS_TURNAROUND) == 1 &&
	       ost(OS_CMDS_WRONGADDR) == (uint64_t)t,
	       "ov528 turnaround bus: a command for no camera is lost too, and counted nowhere");
	tap_ok(!strcmp(ctl("set turnaround 0 addr=1"), "ok\n") &&
	       strstr(ctl("status addr=1"), " turnaround=0 ") &&
	       strstr(ctl("status addr=2"), " turnaround=30 "),
	       "ov528 turnaround bus: set turnaround 0 addr=1 sets camera 1's alone");
	past();
	xchg(1, 0x13, 0, 0, 0, 0);
	e = REND;
	ok = ack_only(1, 0x13) && answered_at(e, 2, 0);
	e = REND;
	tap_ok(ok && lost_at(e + 30 * MS - 1, 1, 1) &&
	       strstr(ctl("status addr=1"), " light=0 "),
	       "ov528 turnaround bus: camera 1's (0) holds nothing, camera 2 is asked at once; camera 2's (30) then holds the line for camera 1 too");
	past();
	xchg(2, 0x13, 1, 0, 0, 0);
	e = REND;
	tap_ok(ack_only(2, 0x13) && !strcmp(ctl("unplug 2"), "ok\n") &&
	       !strcmp(ctl("plug 2"), "ok\n") && answered_at(e + MS, 1, 1),
	       "ov528 turnaround bus: unplugged, camera 2's transceiver no longer holds the line");
	/* the option: before the cameras are added */
	bus_free(&B);
	bus_init(&B, 0);
	B.ov = ov528_new();
	ok = !ov528_set(&B, NULL, false, "turnaround", "12.5", err, sizeof(err));
	bus_add_camera(&B, 1, 0, 0, NULL);
	bus_add_camera(&B, 2, 0, 0, NULL);
	tap_ok(ok && strstr(ctl("status addr=1"), " turnaround=12.5 ") &&
	       strstr(ctl("status addr=2"), " turnaround=12.5 ") &&
	       ov528_set(&B, NULL, false, "turnaround", "-1", err,
			 sizeof(err)) < 0 &&
	       !strcmp(ctl("set turnaround 600001"), "err turnaround is 0..600000 ms\n"),
	       "ov528 --turnaround 12.5 gives every camera 12.5 ms; negative or over 600000 is refused");
}

/* ---- JPEG pictures ------------------------------------------------------ */

static void test_jpeg(void)
{
	static const struct { uint8_t code; unsigned int w, h; } sizes[] = {
		{ 0x01, 80, 64 }, { 0x03, 160, 128 }, { 0x05, 320, 240 },
		{ 0x07, 640, 480 },
	};
	static const unsigned int pkgs[] = { 64, 512, 7, 100 };
	uint8_t *img, *again, first[512];
	size_t size, size2, fn;
	unsigned int npk, npk2, w = 0, h = 0;
	bool good, good2, ok = true;
	const struct frame_rec *f;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		ok = jpeg_ready(sizes[i].code, 512);
		img = fetch_jpeg(0, 0x01, 512, &size, &npk, &good);
		ok = ok && img && good && sof_size(img, size, &w, &h) &&
		     w == sizes[i].w && h == sizes[i].h &&
		     test_jpeg_walk(img, size) == (long)size &&
		     sha_is(img, size, last_frame(0));
		tap_ok(ok, "ov528 JPEG %02x: %ux%u, %zu bytes in %u packages, a whole JPEG, SHA-256 as recorded",
		       sizes[i].code, w, h, size, npk);
		free(img);
	}
	for (size_t i = 0; i < ARRAY_SIZE(pkgs); i++) {
		ok = jpeg_ready(0x03, pkgs[i]);
		img = fetch_jpeg(0, 0x01, pkgs[i], &size, &npk, &good);
		tap_ok(ok && good && npk == (size + pkgs[i] - 7) / (pkgs[i] - 6) &&
		       sha_is(img, size, last_frame(0)),
		       "ov528: package size %u: ceil(%zu / %u) = %u packages, each id n data verify with the 8-bit sum",
		       pkgs[i], size, pkgs[i] - 6, npk);
		free(img);
	}
	/* the default package size is 64 */
	ofresh();
	tap_ok(sync_cam(0, 10) == 3 && initial(0, 0x07, 0, 0x03) &&
	       strstr(ctl("status"), " pkgsize=64 "),
	       "ov528: power-on package size 64");
	xchg(0, 0x05, 0, 0, 0, 0);
	img = fetch_jpeg(0, 0x01, 64, &size, &npk, &good);
	tap_ok(good && npk == (size + 57) / 58, "ov528: ... used when the host sends no SET PACKAGE SIZE (%u packages)",
	       npk);
	free(img);

	/* re-request, wrong id, end, re-fetch */
	jpeg_ready(0x05, 128);
	xchg(0, 0x04, 0x01, 0, 0, 0);
	size = le24(RD + 9);
	npk = (unsigned int)((size + 121) / 122);
	xchg(0, ACK, 0, 0, 3, 0);
	fn = RN;
	memcpy(first, RD, RN);
	xchg(0, ACK, 0, 0, 3, 0);
	tap_ok(fn == 128 && RN == fn && !memcmp(first, RD, fn) &&
	       parse_pkg(RD, RN).ok && parse_pkg(RD, RN).id == 3 &&
	       ost(OS_PACKAGES_RESENT) == 1,
	       "ov528: package 3 asked for again comes again, the same bytes (packages_resent 1)");
	xchg(0, ACK, 0, 0, (uint8_t)npk, (uint8_t)(npk >> 8));
	tap_ok(nak_only(0, 0x10), "ov528: package id = count: NAK 10 (package number)");
	xchg(0, 0x05, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x80) && strstr(ctl("status"), " transfer=jpeg "),
	       "ov528: SNAPSHOT before F0 F0 ends the transfer: NAK 80 (the V8 seed's 'still in a transfer')");
	tap_ok(!strcmp(ctl("set transfer-nak 06"), "ok\n"), "ov528: set transfer-nak 06");
	xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x06), "ov528: ... then it is NAK 06");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	tap_ok(RN == 0 && strstr(ctl("status"), " transfer=none ") &&
	       ost(OS_TRANSFERS_ENDED) == 1,
	       "ov528: AA 0E 00 00 F0 F0 ends it, unanswered");
	xchg(0, ACK, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x04), "ov528: a package asked for outside a transfer: NAK 04 (unexpected reply)");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	tap_ok(RN == 0, "ov528: F0 F0 outside a transfer: nothing");
	f = last_frame(0);
	img = fetch_jpeg(0, 0x01, 128, &size, &npk, &good);
	again = fetch_jpeg(0, 0x01, 128, &size2, &npk2, &good2);
	tap_ok(good && good2 && size == size2 && !memcmp(img, again, size) &&
	       sha_is(img, size, f) && f == last_frame(0),
	       "ov528: the last snapshot stays: fetched twice more, the same frame %u", f->num);
	free(img);
	free(again);
	xchg(0, 0x05, 0, 0, 0, 0);
	img = fetch_jpeg(0, 0x01, 128, &size, &npk, &good);
	tap_ok(good && last_frame(0)->num == f->num + 1 &&
	       sha_is(img, size, last_frame(0)),
	       "ov528: the next SNAPSHOT replaces it (frame %u)", last_frame(0)->num);
	free(img);
	/* what leaves a transfer without F0 F0 */
	ctl("set transfer-nak 80");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	xchg(0, 0x08, 0x01, 0, 0, 0x00);
	tap_ok(nak_only(0, 0x80), "ov528: in a transfer, RESET 01 00 00 00 gets NAK 80");
	xchg(0, 0x08, 0x01, 0, 0, 0xff);
	tap_ok(ack_only(0, 0x08) && strstr(ctl("status"), " transfer=none ") &&
	       strstr(ctl("status"), " synced=1 "),
	       "ov528: RESET 01 00 00 FF (state machine, at once) is ACKed, ends the transfer, keeps the sync");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 12 && strstr(ctl("status"), " transfer=none "),
	       "ov528: a SYNC in a transfer is answered and ends it");
	put(0, ACK, SYNC, 0, 0, 0);
	drain();
	img = fetch_jpeg(0, 0x01, 128, &size, &npk, &good);
	tap_ok(good && sha_is(img, size, last_frame(0)),
	       "ov528: neither lost the snapshot");
	free(img);
}

/*
 * Pacing: a whole JPEG capture, each reply's last byte exactly when the
 * wire time both ways, 2 ms a command and the capture latency say.
 */
static void test_pacing(void)
{
	int64_t bt6 = wire(6, 115200), t0, want;
	unsigned int pk = 64, npk;
	size_t size, got = 0;
	bool ok;

	ofresh();
	ok = sync_cam(0, 10) == 3;
	t0 = xchg(0, 0x01, 0, 0x07, 0, 0x05);
	ok = ok && ack_only(0, 0x01) && REND == t0 + bt6 + 2 * MS + bt6;
	T = REND + 100 * MS;
	t0 = xchg(0, 0x06, 0x08, (uint8_t)pk, 0, 0);
	ok = ok && ack_only(0, 0x06) && REND == t0 + bt6 + 2 * MS + bt6;
	/* SNAPSHOT at 320x240: ACK, then 37.5 ms of capture before the next */
	T = REND;
	t0 = xchg(0, 0x05, 0, 0, 0, 0);
	ok = ok && ack_only(0, 0x05) && REND == t0 + bt6 + 2 * MS + bt6;
	want = REND + 37500000;
	T = REND - 5 * MS;	/* GET PICTURE right after the ACK */
	t0 = xchg(0, 0x04, 0x01, 0, 0, 0);
	ok = ok && RN == 12 && REND == want + 2 * MS + wire(12, 115200);
	tap_ok(ok, "ov528 pacing: INITIAL, SET PACKAGE SIZE, SNAPSHOT (+37.5 ms capture at 320x240), GET PICTURE: each to the nanosecond");
	size = le24(RD + 9);
	npk = (unsigned int)((size + pk - 7) / (pk - 6));
	for (unsigned int id = 0; ok && id < npk; id++) {
		size_t n = size - got < pk - 6 ? size - got : pk - 6;

		T = REND - 5 * MS;	/* the next request at once */
		t0 = xchg(0, ACK, 0, 0, (uint8_t)id, (uint8_t)(id >> 8));
		ok = RN == n + 6 &&
		     REND == t0 + bt6 + 2 * MS + wire(n + 6, 115200) &&
		     parse_pkg(RD, RN).ok;
		got += n;
	}
	tap_ok(ok && got == size,
	       "ov528 pacing: %u packages back to back, each request + 2 ms + its bytes exactly", npk);
	/* skip frames: each costs a capture latency more */
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	xchg(0, 0x05, 0, 2, 0, 0);
	want = REND + 3 * 37500000;
	T = REND - 5 * MS;
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(RN == 12 && REND == want + 2 * MS + wire(12, 115200),
	       "ov528 pacing: SNAPSHOT skipping 2 frames: the camera is busy 3 capture latencies");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	B.cam[0].cmd_ms = 7;
	t0 = xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(ack_only(0, 0x13) && REND == t0 + bt6 + 7 * MS + bt6,
	       "ov528 pacing: cmd-ms 7");
	/* one command at a time: the second is answered after the first */
	T += 5 * MS;
	run_to(T);
	M = O.n;
	t0 = T;
	put(0, 0x13, 1, 0, 0, 0);
	put(0, 0x13, 0, 0, 0, 0);
	drain();
	tap_ok(RN == 12 && O.t[M + 5] == t0 + bt6 + 7 * MS + bt6 &&
	       O.t[M + 11] == O.t[M + 5] + 7 * MS + bt6,
	       "ov528 pacing: a command arriving while the camera answers another waits its turn");
}

/* ---- RAW pictures ------------------------------------------------------- */

static uint8_t grey(const uint8_t *q)
{
	return (uint8_t)((77 * q[0] + 150 * q[1] + 29 * q[2]) >> 8);
}

static uint8_t clamp(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* The README's layouts, from RGB. */
static size_t layout(uint8_t fmt, bool le, const uint8_t *rgb, size_t npx,
		     uint8_t *out)
{
	size_t o = 0;

	switch (fmt) {
	case 0x01:
		for (size_t i = 0; i < npx; i += 4)
			out[o++] = (uint8_t)((grey(rgb + 3 * i) >> 6) << 6 |
					     (grey(rgb + 3 * i + 3) >> 6) << 4 |
					     (grey(rgb + 3 * i + 6) >> 6) << 2 |
					     grey(rgb + 3 * i + 9) >> 6);
		break;
	case 0x02:
		for (size_t i = 0; i < npx; i += 2)
			out[o++] = (uint8_t)((grey(rgb + 3 * i) & 0xf0) |
					     grey(rgb + 3 * i + 3) >> 4);
		break;
	case 0x03:
		for (size_t i = 0; i < npx; i++)
			out[o++] = grey(rgb + 3 * i);
		break;
	case 0x05:
		for (size_t i = 0; i < npx; i += 2) {
			const uint8_t *a = rgb + 3 * i, *b = a + 3;

			out[o++] = (uint8_t)((a[0] & 0xf0) | a[1] >> 4);
			out[o++] = (uint8_t)((a[2] & 0xf0) | b[0] >> 4);
			out[o++] = (uint8_t)((b[1] & 0xf0) | b[2] >> 4);
		}
		break;
	case 0x06:
		for (size_t i = 0; i < npx; i++) {
			const uint8_t *q = rgb + 3 * i;
			unsigned int v = (unsigned int)(q[0] >> 3) << 11 |
					 (unsigned int)(q[1] >> 2) << 5 |
					 q[2] >> 3;

			out[o++] = (uint8_t)(le ? v : v >> 8);
			out[o++] = (uint8_t)(le ? v >> 8 : v);
		}
		break;
	case 0x08:
		for (size_t i = 0; i < npx; i += 2) {
			const uint8_t *a = rgb + 3 * i, *b = a + 3;
			int r = (a[0] + b[0] + 1) / 2, g = (a[1] + b[1] + 1) / 2;
			int bl = (a[2] + b[2] + 1) / 2;

			out[o++] = clamp((128 * r - 107 * g - 21 * bl + 32896) >> 8);
			out[o++] = grey(a);
			out[o++] = clamp((-43 * r - 85 * g + 128 * bl + 32896) >> 8);
			out[o++] = grey(b);
		}
		break;
	default:
		break;
	}
	return o;
}

static void test_raw(void)
{
	static const uint8_t fmts[] = { 0x01, 0x02, 0x03, 0x05, 0x06, 0x08 };
	static const unsigned int bits[] = { 2, 4, 8, 12, 16, 16 };
	static const struct { uint8_t code; unsigned int w, h; } sizes[] = {
		{ 0x01, 80, 60 }, { 0x03, 160, 120 }, { 0x09, 128, 128 },
	};
	uint8_t *want = xmalloc(160 * 128 * 2), *pix = xmalloc(160 * 128 * 3);
	bool all = true;
	int64_t t0, end;
	size_t n;

	for (size_t fi = 0; fi < ARRAY_SIZE(fmts); fi++) {
		for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
			unsigned int w = sizes[si].w, h = sizes[si].h;
			struct pattern_params p = {
				.w = w, .h = h, .addr = 0, .quality = 80,
				.brightness = 0x80, .contrast = 0x80,
			};
			bool ok;

			ofresh();
			ok = sync_cam(0, 10) == 3 &&
			     initial(0, fmts[fi], sizes[si].code, 0);
			xchg(0, 0x05, 0x01, 0, 0, 0);
			ok = ok && ack_only(0, 0x05);
			T = REND + 100 * MS;	/* the capture is done */
			t0 = xchg(0, 0x04, 0x01, 0, 0, 0);
			n = (size_t)w * h * bits[fi] / 8;
			p.frame = last_frame(0) ? last_frame(0)->num : 0;
			pattern_render(&p, pix);
			ok = ok && RN == 12 + n && is_msg(RD, 0, ACK, 0x04, -1) &&
			     is_msg(RD + 6, 0, 0x0a, 0x01, -1) &&
			     le24(RD + 9) == n &&
			     layout(fmts[fi], false, pix, (size_t)w * h, want) == n &&
			     !memcmp(RD + 12, want, n) &&
			     sha_is(RD + 12, n, last_frame(0)) &&
			     REND == t0 + wire(6, 115200) + 2 * MS +
				     wire(12 + n, 115200);
			if (!ok) {
				tap_diag("format %02x size %02x: %zu bytes, %zu expected",
					 fmts[fi], sizes[si].code, RN, 12 + n);
				all = false;
			}
		}
	}
	tap_ok(all, "ov528 RAW: 6 formats x 3 sizes: ACK, DATA with the byte count, the picture right after, in the README's layout");
	xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x80), "ov528 RAW: a command before the host's ACK of the picture: NAK 80");
	xchg(0, ACK, 0x0a, 0, 0x01, 0);
	tap_ok(RN == 0 && ost(OS_RAW_ACKS) == 1 && strstr(ctl("status"), " transfer=none "),
	       "ov528 RAW: AA 0E 0A 00 01 00 ends the transfer, unanswered");
	xchg(0, ACK, 0x0a, 0, 0x01, 0);
	tap_ok(nak_only(0, 0x04), "ov528 RAW: that ACK again: NAK 04 (unexpected reply)");
	/* RGB565 little-endian */
	ofresh();
	ctl("set rgb565 le");
	sync_cam(0, 10);
	initial(0, 0x06, 0x01, 0);
	xchg(0, 0x05, 0x01, 0, 0, 0);
	xchg(0, 0x04, 0x01, 0, 0, 0);
	{
		struct pattern_params p = { .w = 80, .h = 60, .frame = 1,
					    .quality = 80, .brightness = 0x80,
					    .contrast = 0x80 };

		pattern_render(&p, pix);
		n = layout(0x06, true, pix, 80 * 60, want);
	}
	tap_ok(RN == 12 + n && !memcmp(RD + 12, want, n),
	       "ov528 RAW: set rgb565 le: low byte first");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	tap_ok(RN == 0 && strstr(ctl("status"), " transfer=none "),
	       "ov528 RAW: F0 F0 ends a RAW transfer too");
	/* RAW preview: ACK, capture latency, DATA and picture */
	ofresh();
	sync_cam(0, 10);
	initial(0, 0x03, 0x03, 0);
	xchg(0, 0x05, 0x01, 0, 0, 0);
	T = REND + 200 * MS;
	t0 = xchg(0, 0x04, 0x02, 0, 0, 0);
	end = t0 + wire(6, 115200) + 2 * MS + wire(6, 115200);
	n = 160 * 120;
	tap_ok(RN == 12 + n && is_msg(RD, 0, ACK, 0x04, -1) && O.t[M + 5] == end &&
	       is_msg(RD + 6, 0, 0x0a, 0x02, -1) && le24(RD + 9) == n &&
	       REND == end + 9375000 + wire(6 + n, 115200) &&
	       last_frame(0)->preview && last_frame(0)->num == 2 &&
	       sha_is(RD + 12, n, last_frame(0)),
	       "ov528 RAW preview (GET PICTURE 02): ACK, then 9.375 ms of capture at 160x120, DATA 02 and the picture");
	xchg(0, ACK, 0x0a, 0, 0x01, 0);
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(RN == 12 + n && sha_is(RD + 12, n, &B.cam[0].frames[0]),
	       "ov528: the preview did not replace the snapshot (GET PICTURE 01 gives frame 1)");
	xchg(0, ACK, 0x0a, 0, 0x01, 0);
	free(want);
	free(pix);
}

static void test_preview(void)
{
	uint8_t *img;
	size_t size;
	unsigned int npk;
	bool good;

	ofresh();
	sync_cam(0, 10);
	initial(0, 0x07, 0, 0x03);
	img = fetch_jpeg(0, 0x05, 64, &size, &npk, &good);
	tap_ok(img && good && last_frame(0)->preview &&
	       sha_is(img, size, last_frame(0)) &&
	       test_jpeg_walk(img, size) == (long)size,
	       "ov528 JPEG preview (GET PICTURE 05): a new picture, DATA 05, packages");
	free(img);
	xchg(0, 0x04, 0x03, 0, 0, 0);
	tap_ok(nak_only(0, 0x01), "ov528: GET PICTURE 03 with preview-type 05: NAK 01 (picture type)");
	ctl("set preview-type 03");
	img = fetch_jpeg(0, 0x03, 64, &size, &npk, &good);
	tap_ok(img && good && sha_is(img, size, last_frame(0)),
	       "ov528: set preview-type 03: type 03 is the JPEG preview");
	free(img);
	xchg(0, 0x04, 0x05, 0, 0, 0);
	tap_ok(nak_only(0, 0x01), "ov528: ... and 05 is NAKed");
	ctl("set preview-type none");
	xchg(0, 0x04, 0x03, 0, 0, 0);
	tap_ok(nak_only(0, 0x01), "ov528: preview-type none: no JPEG preview");
	xchg(0, 0x04, 0x02, 0, 0, 0);
	tap_ok(nak_only(0, 0x09), "ov528: RAW preview (02) with a JPEG INITIAL: NAK 09 (picture format)");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(nak_only(0, 0x0f), "ov528: GET PICTURE 01 with no snapshot: NAK 0F (picture not ready), previews are not snapshots");
}

/* ---- NAKs, INITIAL's 100 ms ------------------------------------------------ */

static void test_naks(void)
{
	static const struct {
		uint8_t id, p1, p2, p3, p4, code;
		const char *what;
	} cases[] = {
		{ 0x04, 0x01, 0, 0, 0, 0x0f, "GET PICTURE 01 before any SNAPSHOT: 0F picture not ready" },
		{ 0x05, 0x00, 0, 0, 0, 0x09, "SNAPSHOT before INITIAL: 09 picture format" },
		{ 0x04, 0x02, 0, 0, 0, 0x09, "RAW preview before INITIAL: 09" },
		{ 0x01, 0x01, 0x07, 0, 0x07, 0x0b, "INITIAL p1 01: 0B parameter" },
		{ 0x01, 0x00, 0x04, 0, 0x07, 0x09, "INITIAL format 04: 09 picture format" },
		{ 0x01, 0x00, 0x00, 0, 0x07, 0x09, "INITIAL format 00: 09" },
		{ 0x01, 0x00, 0x07, 0, 0x02, 0x0a, "INITIAL JPEG size 02: 0A picture size" },
		{ 0x01, 0x00, 0x03, 0x05, 0, 0x0a, "INITIAL RAW size 05: 0A" },
		{ 0x06, 0x07, 0x40, 0, 0, 0x0b, "SET PACKAGE SIZE p1 07: 0B" },
		{ 0x06, 0x08, 0x01, 0x02, 0, 0x11, "SET PACKAGE SIZE 513: 11 package size" },
		{ 0x06, 0x08, 0x06, 0x00, 0, 0x11, "SET PACKAGE SIZE 6: 11" },
		{ 0x08, 0x02, 0, 0, 0, 0x0b, "RESET 02: 0B" },
		{ 0x13, 0x02, 0, 0, 0, 0x0b, "LIGHT FREQUENCY 02: 0B" },
		{ 0x14, 0x05, 2, 2, 0, 0x0b, "CBE contrast 5: 0B" },
		{ 0x14, 2, 2, 5, 0, 0x0b, "CBE exposure 5: 0B" },
		{ 0x05, 0x02, 0, 0, 0, 0x01, "SNAPSHOT type 02: 01 picture type" },
		{ 0x04, 0x00, 0, 0, 0, 0x01, "GET PICTURE type 00: 01 picture type" },
		{ 0x04, 0x07, 0, 0, 0, 0x01, "GET PICTURE type 07: 01" },
		{ 0x02, 0, 0, 0, 0, 0x0d, "unknown id 02: 0D command id" },
		{ 0x1f, 0, 0, 0, 0, 0x0d, "unknown id 1F: 0D" },
		{ 0x0a, 0x01, 0, 0, 0, 0x06, "DATA from the host: 06 unexpected command" },
		{ NAK, 0, 0, 0x01, 0, 0x04, "NAK from the host: 04 unexpected reply" },
		{ ACK, 0x05, 0, 0, 0, 0x04, "ACK of SNAPSHOT from the host: 04" },
		{ ACK, 0x00, 0, 0x02, 0, 0x04, "a package asked for with no transfer: 04" },
	};
	bool ok = true;
	uint8_t ctr;

	ofresh();
	sync_cam(0, 10);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		xchg(0, cases[i].id, cases[i].p1, cases[i].p2, cases[i].p3,
		     cases[i].p4);
		if (!nak_only(0, cases[i].code)) {
			tap_hexdiag(cases[i].what, RD, RN);
			ok = false;
		}
	}
	tap_ok(ok && ost(OS_NAKS) == ARRAY_SIZE(cases),
	       "ov528 NAK codes: 0F, 09, 0B, 0A, 11, 01, 0D, 06, 04 for %zu bad commands", ARRAY_SIZE(cases));
	ctr = RD[3];
	xchg(0, 0x13, 0x01, 0, 0, 0);
	tap_ok(ack_only(0, 0x13) && RD[3] == (uint8_t)(ctr + 1),
	       "ov528: LIGHT FREQUENCY 01 ACKed; ACK and NAK share the counter byte");
	xchg(0, 0x14, 4, 0, 2, 0);
	tap_ok(ack_only(0, 0x14) && strstr(ctl("status"), " cbe=4,0,2 "),
	       "ov528: CBE 4 0 2: ACK (cbe-support 1)");
	xchg(0, 0x15, 30, 0, 0, 0);
	tap_ok(ack_only(0, 0x15) && strstr(ctl("status"), " sleep-timeout=30 "),
	       "ov528: SLEEP TIMEOUT 30: ACK");
	xchg(0, 0x06, 0x08, 0x00, 0x02, 0);
	tap_ok(ack_only(0, 0x06) && strstr(ctl("status"), " pkgsize=512 "),
	       "ov528: SET PACKAGE SIZE 512: ACK");
	ctl("set cbe 0");
	ctl("set sleep-cmd 0");
	xchg(0, 0x14, 2, 2, 2, 0);
	tap_ok(nak_only(0, 0x0d), "ov528: set cbe 0 (not a uCAM-III): CBE gets NAK 0D (command id)");
	xchg(0, 0x15, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x0d), "ov528: set sleep-cmd 0: SLEEP TIMEOUT gets NAK 0D");
	/* a JPEG snapshot with a RAW INITIAL and the other way round */
	initial(0, 0x03, 0x01, 0);
	xchg(0, 0x05, 0x00, 0, 0, 0);
	tap_ok(nak_only(0, 0x09), "ov528: a JPEG SNAPSHOT after a RAW INITIAL: NAK 09");
	initial(0, 0x07, 0, 0x01);
	xchg(0, 0x05, 0x01, 0, 0, 0);
	tap_ok(nak_only(0, 0x09), "ov528: a RAW SNAPSHOT after a JPEG INITIAL: NAK 09");
	xchg(0, 0x01, 0, 0x07, 0x55, 0x07);
	tap_ok(ack_only(0, 0x01), "ov528: JPEG INITIAL ignores p3 (AA 01 00 07 55 07 is ACKed)");
}

static void test_init_gap(void)
{
	int64_t ack_end;

	ofresh();
	sync_cam(0, 10);
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	ack_end = REND;
	T = ack_end + 50 * MS - 5 * MS;
	xchg(0, 0x06, 0x08, 0x00, 0x02, 0);
	tap_ok(nak_only(0, 0x06) && ost(OS_EARLY_CMDS) == 1 &&
	       strstr(ctl("status"), " pkgsize=64 "),
	       "ov528: a command 50 ms after INITIAL's ACK: NAK 06, not done (init-early nak)");
	T = ack_end + 100 * MS;
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	ack_end = REND;
	T = ack_end + 100 * MS - 1000 - 5 * MS;
	xchg(0, 0x06, 0x08, 0x00, 0x02, 0);
	tap_ok(nak_only(0, 0x06), "ov528: ... 1 us short of 100 ms: NAK 06");
	T = ack_end + 100 * MS;
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	ack_end = REND;
	T = ack_end + 100 * MS - 5 * MS;
	xchg(0, 0x06, 0x08, 0x00, 0x02, 0);
	tap_ok(ack_only(0, 0x06), "ov528: its first byte starting exactly 100 ms after the ACK's last: ACK");
	ctl("set init-early drop");
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	xchg(0, 0x13, 1, 0, 0, 0);
	tap_ok(RN == 0 && strstr(ctl("status"), " light=0 "),
	       "ov528: init-early drop: the early command is lost, unanswered");
	ctl("set init-early accept");
	T += 100 * MS;
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	xchg(0, 0x13, 1, 0, 0, 0);
	tap_ok(ack_only(0, 0x13) && ost(OS_EARLY_CMDS) == 4,
	       "ov528: init-early accept: done and ACKed, still counted (early_cmds 4)");
	ctl("set init-early nak");
	ctl("set init-gap 0");
	T += 100 * MS;
	xchg(0, 0x01, 0, 0x07, 0, 0x07);
	xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(ack_only(0, 0x13), "ov528: init-gap 0: no quiet time");
}

/* ---- sleep ------------------------------------------------------------- */

static void test_sleep(void)
{
	int k;
	int64_t t;

	ofresh();
	sync_cam(0, 10);
	initial(0, 0x07, 0, 0x01);
	xchg(0, 0x05, 0, 0, 0, 0);
	xchg(0, 0x09, 0, 0, 0, 0);
	tap_ok(ack_only(0, 0x09) && strstr(ctl("status"), " asleep=1 ") &&
	       strstr(ctl("status"), " rate=0 "),
	       "ov528: POWER OFF: ACK, then asleep with no rate");
	xchg(0, 0x13, 1, 0, 0, 0);
	tap_ok(RN == 0, "ov528: asleep it ignores commands");
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	k = sync_cam(0, 60);
	tap_ok(k == 25 && ost(OS_WAKES) == 1 && strstr(ctl("status"), " rate=57600 "),
	       "ov528: it wakes on the 25th SYNC (wake-syncs), at any table rate (57600)");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(nak_only(0, 0x0f) && strstr(ctl("status"), " format=none "),
	       "ov528: sleep-keeps 0: the snapshot and the INITIAL are gone (NAK 0F)");
	/* sleep-keeps 1 */
	ctl("set sleep-keeps 1");
	ctl("set wake-syncs 4");
	initial(0, 0x07, 0, 0x01);
	xchg(0, 0x05, 0, 0, 0, 0);
	xchg(0, 0x09, 0, 0, 0, 0);
	bus_set_guest(&B, GUEST_KNOWN, 115200);
	tap_ok(sync_cam(0, 20) == 0, "ov528: sleep-keeps 1: it keeps 57600, SYNCs at 115200 do not wake it");
	bus_set_guest(&B, GUEST_KNOWN, 57600);
	quiet();
	k = sync_cam(0, 20);
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(k == 4 && RN == 12 && is_msg(RD + 6, 0, 0x0a, 0x01, -1),
	       "ov528: ... 4 SYNCs at 57600 wake it (wake-syncs 4) and the snapshot is still there");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	/* the sleep timeout */
	ctl("set sleep-keeps 0");
	xchg(0, 0x15, 2, 0, 0, 0);
	t = REND;
	run_to(t + 2 * NS_PER_S - 1);
	tap_ok(strstr(ctl("status"), " asleep=0 ") != NULL,
	       "ov528: SLEEP TIMEOUT 2: awake 1 ns before 2 s of quiet");
	run_to(t + 2 * NS_PER_S);
	tap_ok(strstr(ctl("status"), " asleep=1 ") && ost(OS_SLEEPS) == 3,
	       "ov528: ... asleep at 2 s after its last reply");
	xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(RN == 0 && sync_cam(0, 20) == 4 &&
	       strstr(ctl("status"), " sleep-timeout=0 "),
	       "ov528: asleep after the timeout: only SYNCs, wake-syncs of them; awake, the power-on timeout (0, never)");
	ofresh();
	ctl("set sleep-timeout 1");
	sync_cam(0, 10);
	T += 3 * NS_PER_S;
	run_to(T);
	tap_ok(strstr(ctl("status"), " asleep=1 ") != NULL,
	       "ov528: set sleep-timeout 1 (uCAM-like): the camera falls asleep by itself");
	xchg(0, 0x15, 0, 0, 0, 0);
	tap_ok(RN == 0, "ov528: ... and SLEEP TIMEOUT is not heard then");
}

/* ---- faults ------------------------------------------------------------ */

/* Package @id of the JPEG under transfer, as sent now, in @out; its length. */
static size_t get_pkg(unsigned int id, uint8_t *out)
{
	xchg(0, ACK, 0, 0, (uint8_t)id, (uint8_t)(id >> 8));
	memcpy(out, RD, RN);
	return RN;
}

static void test_faults(void)
{
	uint8_t ref[600], ans[12];
	size_t rn, diff;
	bool ok;
	struct pkg p;
	uint8_t *img;
	size_t size;
	unsigned int npk;
	bool good;

	/* the project's fault matrix (SXH485's kinds that make sense here) */
	{
		static const char *const matrix[] = {
			"byteflip 0.5", "drop 0.5", "garbage 0.5",
			"rxflip 0.5", "truncate 1", "badcrc 1", "stall 10 1",
			"hugesize 1", "wrongaddr 1", "dup 1", "reorder 1",
			"nak 1 80", "droppkg 1", "twinflip 1",
		};
		ofresh();
		ok = true;
		for (size_t i = 0; i < ARRAY_SIZE(matrix); i++)
			ok = fault(matrix[i]) && ok;
		tap_ok(ok && !strncmp(ctl("faults"), "fault byteflip 0.5\n", 19) &&
		       strstr(ctl("faults"), "\nok 14\n") && fault("clear") &&
		       fault("unplug") && fault("plug") && fault("powercycle") &&
		       B.fstat[F_UNPLUG] == 1 && B.fstat[F_PLUG] == 1 &&
		       B.fstat[F_POWERCYCLE] == 1,
		       "ov528: the fault matrix exists: byteflip, drop, garbage, rxflip, truncate, badcrc, stall, hugesize, wrongaddr, dup, reorder, nak 80, droppkg, twinflip, unplug, plug, powercycle");
	}

	/* per-byte faults on the SYNC answer */
	ofresh();
	sync_cam(0, 10);
	xchg(0, SYNC, 0, 0, 0, 0);
	memcpy(ans, RD, 12);
	ans[3]++;		/* the next answer's counter */
	fault("byteflip 1");
	xchg(0, SYNC, 0, 0, 0, 0);
	ok = RN == 12;
	for (size_t i = 0; ok && i < 12; i++)
		ok = __builtin_popcount(RD[i] ^ ans[i]) == 1;
	tap_ok(ok && B.fstat[F_BYTEFLIP] == 12,
	       "ov528 fault byteflip 1: each byte of the answer has one bit flipped");
	fault("byteflip 0");
	fault("drop 1");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0 && B.fstat[F_DROP] == 12, "ov528 fault drop 1: every byte lost");
	fault("drop 0");
	fault("garbage 1");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 24 && RD[0] == 0xaa && RD[2] == ACK,
	       "ov528 fault garbage 1: a random byte after each (24 bytes)");
	fault("garbage 0");
	fault("rxflip 1");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0 && B.fstat[F_RXFLIP] == 6,
	       "ov528 fault rxflip 1: the camera hears every byte with a bit flipped, and no command");
	fault("rxflip 0");

	/* package faults */
	jpeg_ready(0x05, 256);
	xchg(0, 0x04, 0x01, 0, 0, 0);
	rn = get_pkg(0, ref);
	fault("badcrc 1");
	xchg(0, ACK, 0, 0, 0, 0);
	p = parse_pkg(RD, RN);
	tap_ok(RN == rn && !p.ok && !memcmp(RD, ref, rn - 2) && RD[rn - 2] != ref[rn - 2] &&
	       RD[rn - 1] == 0,
	       "ov528 fault badcrc 1: the next package's verify byte is wrong, all else right");
	xchg(0, ACK, 0, 0, 0, 0);
	tap_ok(RN == rn && !memcmp(RD, ref, rn),
	       "ov528: asked for again, it comes clean");
	fault("droppkg 1");
	xchg(0, ACK, 0, 0, 1, 0);
	tap_ok(RN == 0 && B.fstat[F_DROPPKG] == 1, "ov528 fault droppkg 1: the package never comes (silence)");
	xchg(0, ACK, 0, 0, 1, 0);
	tap_ok(parse_pkg(RD, RN).ok && parse_pkg(RD, RN).id == 1,
	       "ov528: ... asked for again, it does");
	fault("reorder 1");
	xchg(0, ACK, 0, 0, 2, 0);
	tap_ok(parse_pkg(RD, RN).ok && parse_pkg(RD, RN).id == 3,
	       "ov528 fault reorder 1: asked for 2, package 3 comes (wrong id)");
	fault("dup 1");
	xchg(0, ACK, 0, 0, 2, 0);
	tap_ok(RN == 2 * rn && !memcmp(RD, RD + rn, rn) && parse_pkg(RD, rn).id == 2,
	       "ov528 fault dup 1: package 2 twice, back to back");
	rn = get_pkg(0, ref);
	fault("twinflip 1");
	xchg(0, ACK, 0, 0, 0, 0);
	p = parse_pkg(RD, RN);
	diff = 0;
	ok = RN == rn;
	for (size_t i = 0; ok && i < rn; i++)
		if (RD[i] != ref[i]) {
			diff++;
			ok = __builtin_popcount(RD[i] ^ ref[i]) == 1;
		}
	tap_ok(ok && p.ok && diff == 2 && B.fstat[F_TWINFLIP] == 1,
	       "ov528 fault twinflip 1: two bits flipped, the sum still right");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);
	fault("twinflip 1");
	img = fetch_jpeg(0, 0x01, 256, &size, &npk, &good);
	tap_ok(good && test_jpeg_walk(img, size) != (long)size &&
	       !sha_is(img, size, last_frame(0)),
	       "ov528 fault twinflip: every package passes its sum, and a JPEG marker walk catches the frame");
	free(img);
	fault("twinflip 1 1");
	img = fetch_jpeg(0, 0x01, 256, &size, &npk, &good);
	tap_ok(good && test_jpeg_walk(img, size) == (long)size &&
	       !sha_is(img, size, last_frame(0)) && B.fstat[F_TWINFLIP] == 3,
	       "ov528 fault twinflip 1 1: in entropy-coded data, a walk passes it, only the SHA-256 tells");
	free(img);
	/* over many frames and seeds: mode 0 always caught, mode 1 never */
	ok = true;
	for (int k = 0; k < 40 && ok; k++) {
		char spec[32];

		prng_seed(&B.prng, 1000 + (uint64_t)k);
		xchg(0, 0x05, 0, 0, 0, 0);
		snprintf(spec, sizeof(spec), "twinflip 1 %d", k % 2);
		fault(spec);
		img = fetch_jpeg(0, 0x01, 256, &size, &npk, &good);
		ok = good && !sha_is(img, size, last_frame(0)) &&
		     (test_jpeg_walk(img, size) == (long)size) == (k % 2);
		free(img);
	}
	tap_ok(ok, "ov528 fault twinflip: 40 frames, seeds and flips: mode 0 always fails the walk, mode 1 always passes it, the sums always hold");
	fault("hugesize 1");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(RN == 12 && le24(RD + 9) == 0xffffff,
	       "ov528 fault hugesize 1: DATA announces FF FF FF");
	xchg(0, ACK, 0, 0, 0xf0, 0xf0);

	/* reply faults */
	fault("nak 1 0x0c");
	xchg(0, 0x06, 0x08, 0x80, 0x00, 0);
	tap_ok(nak_only(0, 0x0c) && strstr(ctl("status"), " pkgsize=256 "),
	       "ov528 fault nak 1 0x0c: the next command gets NAK 0C and is not done");
	xchg(0, 0x06, 0x08, 0x80, 0x00, 0);
	tap_ok(ack_only(0, 0x06), "ov528: the one after is ACKed");
	fault("nak 1");
	xchg(0, 0x13, 0, 0, 0, 0);
	tap_ok(nak_only(0, 0x06), "ov528 fault nak 1: default code 06");
	fault("nak 2 80");
	xchg(0, 0x13, 1, 0, 0, 0);
	ok = nak_only(0, 0x80) && strstr(ctl("status"), " light=0 ") &&
	     !strcmp(ctl("faults"), "fault nak 1 0x80\nok 1\n");
	xchg(0, 0x13, 1, 0, 0, 0);
	tap_ok(ok && nak_only(0, 0x80) && !strcmp(ctl("faults"), "ok 0\n"),
	       "ov528 fault nak 2 80: the V8's NAK 80 (the code is hex), twice, the command not done; faults says nak 1 0x80 between");
	fault("truncate 1");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN >= 1 && RN < 12 && !memcmp(RD, "\xaa\x0e\x0d", RN < 3 ? RN : 3),
	       "ov528 fault truncate 1: the answer stops after %zu of 12 bytes", RN);
	fault("stall 40 1");
	{
		int64_t t0 = xchg(0, 0x13, 0, 0, 0, 0);

		tap_ok(ack_only(0, 0x13) &&
		       REND == t0 + wire(6, 115200) + 42 * MS + wire(6, 115200),
		       "ov528 fault stall 40 1: the reply starts 40 ms late");
	}
	/* unplug, plug, powercycle */
	ofresh();
	sync_cam(0, 10);
	initial(0, 0x03, 0x03, 0);
	xchg(0, 0x05, 0x01, 0, 0, 0);
	T += 5 * MS;
	run_to(T);
	M = O.n;
	put(0, 0x04, 0x01, 0, 0, 0);
	run_to(T + 50 * MS);
	ctl("unplug");
	drain();
	tap_ok(RN > 12 && RN < 12 + 160 * 120,
	       "ov528 unplug: the RAW picture under way stops (%zu bytes)", RN);
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0, "ov528: unplugged, nothing is heard or said");
	ctl("plug");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 12, "ov528: plugged again, it is still synced");
	xchg(0, 0x04, 0x01, 0, 0, 0);
	tap_ok(RN == 12 + 160 * 120, "ov528: ... and the snapshot can be fetched again");
	ctl("powercycle");
	xchg(0, SYNC, 0, 0, 0, 0);
	tap_ok(RN == 0 && strstr(ctl("status"), " rate=0 ") &&
	       strstr(ctl("status"), " snapshot=0 ") && sync_cam(0, 10) == 2,
	       "ov528 powercycle: rate, sync and snapshot forgotten; it syncs again (3 SYNCs in all)");
	/* scope, and faults of the other families */
	ofresh_bus(2, (const unsigned int[]){ 1, 2 }, 115200);
	sync_cam(1, 10);
	sync_cam(2, 10);
	fault("wrongaddr 1 addr=2");
	xchg(1, 0x13, 0, 0, 0, 0);
	ok = ack_only(1, 0x13);
	xchg(2, 0x13, 0, 0, 0, 0);
	tap_ok(ok && ack_only(3, 0x13),
	       "ov528 fault wrongaddr 1 addr=2: camera 1 unaffected, camera 2's ACK carries address 3");
	tap_ok(fault_fails("junk 1") && fault_fails("status 1") &&
	       fault_fails("hugelen 1") && fault_fails("powercycle rate=9600"),
	       "ov528: junk, status, hugelen and powercycle rate= are refused");
	tap_ok(!strcmp(ctl("fault ebheader 1"), "err fault 'ebheader' does not apply to the OV528 camera\n"),
	       "ov528: 'fault ebheader 1' -> err ... does not apply to the OV528 camera");
	tap_ok(!strcmp(ctl("fault twinflip 1 2"), "err bad value\n") &&
	       !strcmp(ctl("fault nak 2 0x100"), "err bad value\n"),
	       "ov528: twinflip takes 0|1, nak a code 00..ff");
}

/* ---- control, manifest ------------------------------------------------- */

static void test_control(void)
{
	char path[128], *s, line[256];
	FILE *f;
	int n = 0;

	ofresh();
	snprintf(path, sizeof(path), "/tmp/camemu-ov528-manifest.%d", (int)getpid());
	B.manifest = fopen(path, "w");
	sync_cam(0, 10);
	initial(0, 0x07, 0, 0x03);
	xchg(0, 0x05, 0, 0, 0, 0);
	initial(0, 0x06, 0x01, 0);
	xchg(0, 0x05, 0x01, 0, 0, 0);
	fclose(B.manifest);
	B.manifest = NULL;
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		const struct frame_rec *fr = &B.cam[0].frames[n];
		char want[256];

		snprintf(want, sizeof(want),
			 "frame %u addr=0 kind=snapshot format=%s res=%s size=%u sha256=%s\n",
			 n + 1, n ? "rgb565" : "jpeg", n ? "80x60" : "160x128",
			 fr->size, fr->sha);
		if (!strcmp(line, want))
			n++;
	}
	if (f)
		fclose(f);
	unlink(path);
	tap_ok(n == 2 && B.cam[0].frames[1].size == 80 * 60 * 2,
	       "ov528 manifest: frame N addr=A kind=snapshot format=F res=WxH size=S sha256=H, per picture taken");
	s = ctl("frames");
	tap_ok(!strncmp(s, "frame 1 addr=0 kind=snapshot format=jpeg res=160x128 size=", 58) &&
	       strstr(s, "\nframe 2 addr=0 kind=snapshot format=rgb565 res=80x60 size=9600 sha256=") &&
	       strstr(s, "\nok 2\n"),
	       "ov528 control: frames lists them");
	s = ctl("frame 2");
	tap_ok(!strncmp(s, "ok 2 addr=0 kind=snapshot format=rgb565 res=80x60 size=9600 sha256=", 67),
	       "ov528 control: frame 2 -> ok 2 addr=0 ...");
	s = ctl("status");
	tap_ok(!strcmp(s, "ok family=ov528 addr=0 rate=115200 guest=115200 plugged=1 synced=1 asleep=0 sync-acked=1 heard=0 format=rgb565 raw-res=01 jpeg-res=00 pkgsize=64 light=0 cbe=2,2,2 sleep-timeout=0 snapshot=2 transfer=none frames=2 cmd-ms=2 capture-ms=150 turnaround=0 autobaud=9600,14400,19200,38400,56000,57600,115200,230400,460800,921600 syncs=3 wake-syncs=25 preview-type=05 cbe-support=1 sleep-cmd=1 sleep-keeps=0 init-gap=100 init-early=nak transfer-nak=80 rgb565=be quality=80 detail=1\n"),
	       "ov528 control: status");
	s = ctl("stats");
	tap_ok(strstr(s, "stat rx_bytes ") && strstr(s, "stat syncs 3\n") &&
	       strstr(s, "stat syncs_answered 1\n") && strstr(s, "stat frames 2\n") &&
	       strstr(s, "stat acks 5\n") && strstr(s, "stat fault_twinflip 0\n") &&
	       !strstr(s, "fault_junk") && !strstr(s, "frames_badcrc"),
	       "ov528 control: stats (its own counters and fault kinds)");
	tap_ok(!strcmp(ctl("stats clear"), "ok\n") && strstr(ctl("stats"), "stat syncs 0\n"),
	       "ov528 control: stats clear");
	{
		static const char *const bad[] = {
			"set syncs 0", "set autobaud 9600,x", "set preview-type 02",
			"set cbe 2", "set init-early maybe", "set transfer-nak 100",
			"set pkgsize 513", "set rgb565 xx", "set quality 0",
			"set sleep-timeout 256", "set saved-rate 9600",
			"set turnaround -1", "set turnaround x",
			"set rate 200", "set bogus 1",
		};
		bool all = true;

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			if (strncmp(ctl(bad[i]), "err ", 4)) {
				tap_diag("'%s' did not fail", bad[i]);
				all = false;
			}
		tap_ok(all, "ov528 control: bad set values and other families' keys answer err");
	}
	tap_ok(!strcmp(ctl("set rate 0"), "ok\n") &&
	       strstr(ctl("status"), " rate=0 ") &&
	       strstr(ctl("status"), " synced=0 ") &&
	       !strcmp(ctl("set rate 57600"), "ok\n") &&
	       strstr(ctl("status"), " rate=57600 ") &&
	       strstr(ctl("status"), " synced=1 ") &&
	       !strcmp(ctl("set capture-ms 10"), "ok\n") &&
	       !strcmp(ctl("set detail 3"), "ok\n") &&
	       strstr(ctl("status"), " capture-ms=10 ") &&
	       strstr(ctl("status"), " detail=3\n"),
	       "ov528 control: set rate 0|R (unsync, lock), capture-ms, detail");
	s = ctl("help");
	tap_ok(strstr(s, "preview-type") && strstr(s, "family=ov528"),
	       "ov528 control: help is the OV528 list");
}

/* CBE changes the picture; the frame number moves on. */
static void test_images(void)
{
	unsigned long sum[2] = { 0, 0 };

	for (int k = 0; k < 2; k++) {
		ofresh();
		sync_cam(0, 10);
		xchg(0, 0x14, 2, k ? 4 : 0, 2, 0);
		initial(0, 0x03, 0x03, 0);
		xchg(0, 0x05, 0x01, 0, 0, 0);
		xchg(0, 0x04, 0x01, 0, 0, 0);
		for (size_t i = 12; i < RN; i++)
			sum[k] += RD[i];
	}
	tap_ok(sum[1] > sum[0] + 160 * 120 * 64,
	       "ov528: CBE brightness 4 gives a brighter picture than brightness 0 (mean %lu vs %lu)",
	       sum[1] / (160 * 120), sum[0] / (160 * 120));
}

void ov528_unit_tests(void)
{
	int64_t t0 = now_ns();

	test_sync();
	test_autobaud();
	test_bus();
	test_turnaround();
	test_jpeg();
	test_pacing();
	test_raw();
	test_preview();
	test_naks();
	test_init_gap();
	test_sleep();
	test_faults();
	test_control();
	test_images();
	tap_diag("OV528 unit tests took %.1f s", (double)(now_ns() - t0) / 1e9);
	bus_free(&B);
	free(O.d);
	free(O.t);
	memset(&O, 0, sizeof(O));
}
