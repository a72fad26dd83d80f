// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ASCII "U#" camera (asciiu.c) in virtual time, no
 * sockets: the expected bytes are written here from
 * shared/protocols/ascii-u.md (UI4# -> UI#, UG1# -> UG#, UPcc0b# is
 * 0x0BCC bytes, FF D8 ... FF D9 00, 506-byte writes), never from the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asciiu.h"
#include "camera.h"
#include "image.h"
#include "tap.h"
#include "ucam.h"
#include "util.h"

#define MS 1000000LL

static struct bus AB;

static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} R;
static size_t rpos;

static void arun(int64_t t)
{
	bus_advance(&AB, t);
	if (!AB.out_bytes.n)
		return;
	while (R.n + AB.out_bytes.n > R.cap) {
		R.cap = R.cap ? 2 * R.cap : 65536;
		R.d = xrealloc(R.d, R.cap);
		R.t = xrealloc(R.t, R.cap * sizeof(*R.t));
	}
	memcpy(R.d + R.n, AB.out_bytes.d, AB.out_bytes.n);
	memcpy(R.t + R.n, AB.out_bytes.t, AB.out_bytes.n * sizeof(*R.t));
	R.n += AB.out_bytes.n;
	bus_out_clear(&AB);
}

static void await_ns(int64_t ns)
{
	arun(AB.now + ns);
}

static char *actl(const char *line)
{
	return test_ctl(&AB, line);
}

static void afresh(void)
{
	bus_free(&AB);
	bus_init(&AB, 0);
	asciiu_setup(&AB, 0);
	prng_seed(&AB.prng, 9);
	R.n = rpos = 0;
}

static void asend(const char *s)
{
	bus_rx(&AB, AB.now, (const uint8_t *)s, strlen(s));
}

static bool aget(size_t n, int64_t ms)
{
	int64_t end = AB.now + ms * MS;

	while (R.n - rpos < n && AB.now < end) {
		int64_t t = bus_next_event(&AB);

		arun(t < end ? t : end);
	}
	return R.n - rpos >= n;
}

static bool aexpect(const char *s, int64_t ms)
{
	size_t n = strlen(s);
	bool ok = aget(n, ms) && !memcmp(R.d + rpos, s, n);

	if (!ok)
		tap_hexdiag("got", R.d + rpos, R.n - rpos);
	rpos += n <= R.n - rpos ? n : R.n - rpos;
	return ok;
}

static int64_t wire(size_t n, uint32_t rate)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / rate);
}

static int hexval(uint8_t c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	       c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * A picture at rpos: "UP" 4 hex digits (low byte first) "#", then the
 * announced bytes. Returns the announced size (0: none), data at *@d.
 */
static size_t picture(const uint8_t **d, int64_t ms)
{
	const uint8_t *p;
	int v[4];
	size_t n;

	if (!aget(7, ms))
		return 0;
	p = R.d + rpos;
	for (int i = 0; i < 4; i++)
		v[i] = hexval(p[2 + i]);
	if (p[0] != 'U' || p[1] != 'P' || p[6] != '#' || v[0] < 0 ||
	    v[1] < 0 || v[2] < 0 || v[3] < 0) {
		tap_hexdiag("not UP", p, 7);
		return 0;
	}
	/* low byte first: UPcc0b# is 0x0BCC */
	n = (size_t)((v[0] << 4 | v[1]) | (v[2] << 4 | v[3]) << 8);
	rpos += 7;
	if (!aget(n, 60000))
		return 0;
	*d = R.d + rpos;
	rpos += n;
	return n;
}

/* The manifest's frame @num has JPEG @d of @n bytes and @pn announced. */
static bool in_manifest(uint32_t num, const uint8_t *d, size_t n,
			const uint8_t *pd, size_t pn, unsigned int w,
			unsigned int h)
{
	char line[64], sha[65], psha[65], want[400];
	const char *r;

	snprintf(line, sizeof(line), "frame %u", num);
	r = actl(line);
	sha256_hex(d, n, sha);
	sha256_hex(pd, pn, psha);
	snprintf(want, sizeof(want),
		 "res=%ux%u quality=", w, h);
	if (!strstr(r, want))
		return tap_diag("%s", r), false;
	snprintf(want, sizeof(want),
		 "size=%zu sha256=%s announced=%zu announced_sha256=%s ",
		 n, sha, pn, psha);
	if (!strstr(r, want))
		return tap_diag("%s", r), false;
	return true;
}

static void test_commands(void)
{
	static const struct {
		const char *cmd;
		unsigned int w, h;
	} sizes[] = { { "UG1#", 160, 120 }, { "UG2#", 320, 240 },
		      { "UG3#", 640, 480 } };
	const uint8_t *d;
	size_t n;
	int64_t t0;

	afresh();
	tap_ok(!strncmp(actl("status"), "ok family=ascii-u rate=19200 guest=19200 plugged=1 booting=0 continuous=0 ", 73),
	       "ascii-u: powers up at 19200");
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned int w, h;
		int nc;
		long j;

		t0 = AB.now;
		asend(sizes[i].cmd);
		tap_ok(aexpect("UG#", 50) &&
		       R.t[rpos - 1] == t0 + wire(4, 19200) + MS + wire(3, 19200),
		       "ascii-u: %s answered UG# at 19200 after 1 ms", sizes[i].cmd);
		n = picture(&d, 200);
		j = n ? test_jpeg_walk(d, n) : -1;
		tap_ok(n > 1000 && j > 0 && (size_t)j == n - 1 && d[n - 1] == 0x00 &&
		       !jpeg_probe(d, (size_t)j, &w, &h, &nc) &&
		       w == sizes[i].w && h == sizes[i].h,
		       "ascii-u: then UP<size># and a %ux%u JPEG, FF D8 .. FF D9 00, as announced (%zu)",
		       sizes[i].w, sizes[i].h, n);
		tap_ok(n && in_manifest((uint32_t)i + 1, d, n - 1, d, n, w, h),
		       "ascii-u: picture %zu in the manifest with both sha256s", i + 1);
	}
	/* pacing: 506-byte writes back to back at 19200 */
	asend("UG1#");
	aexpect("UG#", 50);
	n = picture(&d, 300);
	tap_ok(n > 506 && R.t[rpos - 1] - R.t[rpos - n] == wire(n - 1, 19200),
	       "ascii-u: the picture's %zu bytes go at 19200, back to back", n);
	actl("set packet-gap-ms 5");
	asend("UG1#");
	aexpect("UG#", 50);
	n = picture(&d, 300);
	/* (1 ns of rounding: each write's bytes count from its own start) */
	tap_ok(n > 506 && llabs(R.t[rpos - n + 506] - R.t[rpos - n + 505] -
				(5 * MS + wire(1, 19200))) <= 1,
	       "ascii-u: with packet-gap-ms 5 a pause after each 506 bytes");
	actl("set packet-gap-ms 0");

	/* errors */
	asend("UX1#");
	tap_ok(aexpect("UE#", 50), "ascii-u: UX1# answered UE#");
	asend("UG9#");
	tap_ok(aexpect("UE#", 50), "ascii-u: UG9# answered UE#");
	asend("UI5#");
	tap_ok(aexpect("UE#", 50), "ascii-u: UI5# answered UE#");
	asend("UGGGGGGGGGGGGGGGGG");
	tap_ok(aexpect("UE#", 50), "ascii-u: 16 bytes without # answered UE#");
	await_ns(100 * MS);
	rpos = R.n;
	tap_ok(strstr(actl("log"), " err UX1#\n") && strstr(actl("log"), " ok UG1#\n"),
	       "ascii-u: the log lists the commands with ok/err");

	/* UI4#: UI# at 19200, then 57600 */
	asend("UI4#");
	tap_ok(aexpect("UI#", 50), "ascii-u: UI4# answered UI#");
	await_ns(MS);
	tap_ok(!strncmp(actl("status"), "ok family=ascii-u rate=57600 ", 29),
	       "ascii-u: then at 57600");
	bus_set_guest(&AB, GUEST_KNOWN, 57600);
	t0 = AB.now;
	asend("UG1#");
	tap_ok(aexpect("UG#", 50) &&
	       R.t[rpos - 1] == t0 + wire(4, 57600) + MS + wire(3, 57600),
	       "ascii-u: UG1# at 57600, answered at 57600");
	n = picture(&d, 300);
	tap_ok(n > 1000, "ascii-u: and its picture");
}

static void test_continuous(void)
{
	const uint8_t *d;
	size_t n, k = 0;
	int64_t prev_end = 0;
	bool b2b = true;

	afresh();
	asend("UC1#");
	tap_ok(aexpect("UC#", 50), "ascii-u: UC1# answered UC#");
	for (int i = 0; i < 3; i++) {
		n = picture(&d, 500);
		if (!n)
			break;
		if (i && llabs(R.t[rpos - n - 7] - (prev_end + wire(1, 19200))) > 2) {
			tap_diag("%lld", (long long)(R.t[rpos - n - 7] - prev_end));
			b2b = false;
		}
		prev_end = R.t[rpos - 1];
		k++;
	}
	tap_ok(k == 3 && b2b, "ascii-u: pictures back to back (%zu)", k);
	/* any command stops it after the picture under way */
	asend("UI2#");
	n = picture(&d, 2000);
	tap_ok(n > 0 && aexpect("UI#", 100), "ascii-u: UI2# ends it after the picture under way, then UI#");
	tap_ok(aget(1, 500) == false, "ascii-u: and no picture after");
	tap_ok(strstr(actl("status"), " continuous=0 ") != NULL, "ascii-u: continuous off");
	tap_ok(!strncmp(actl("frames"), "frame 1 res=160x120 ", 20), "ascii-u: continuous pictures in the manifest");
}

/* set continuous 0: a model without UC; UC refused, UG as before */
static void test_no_continuous(void)
{
	static const char *const ucs[] = { "UC1#", "UC2#", "UC3#" };
	const uint8_t *d;
	unsigned int w, h;
	size_t n, rest;
	int64_t t0;
	long j;
	int nc;
	bool ok;

	afresh();
	tap_ok(strstr(actl("status"), " continuous=0 ") &&
	       strstr(actl("status"), " has-continuous=1 "),
	       "ascii-u: has continuous mode by default (has-continuous=1)");
	tap_ok(!strncmp(actl("set continuous 2"), "err ", 4) &&
	       !strncmp(actl("set continuous x"), "err ", 4),
	       "ascii-u: set continuous takes 0 or 1 only");
	tap_ok(!strcmp(actl("set continuous 0"), "ok\n") &&
	       strstr(actl("status"), " has-continuous=0 "),
	       "ascii-u: set continuous 0: status has-continuous=0");
	ok = true;
	for (size_t i = 0; i < ARRAY_SIZE(ucs); i++) {
		t0 = AB.now;
		asend(ucs[i]);
		ok = aexpect("UE#", 50) &&
		     R.t[rpos - 1] == t0 + wire(4, 19200) + MS + wire(3, 19200) && ok;
		/* nothing after it: no UC#, no UP, no picture */
		if (aget(1, 1000)) {
			tap_hexdiag("after UE#", R.d + rpos, R.n - rpos);
			ok = false;
			rpos = R.n;
		}
	}
	tap_ok(ok, "ascii-u: continuous 0: UC1#, UC2#, UC3# get exactly UE#, then nothing");
	tap_ok(strstr(actl("status"), " continuous=0 ") &&
	       !strncmp(actl("frames"), "ok 0\n", 5),
	       "ascii-u: continuous 0: never in continuous mode, no picture taken");
	tap_ok(strstr(actl("stats"), "stat cmds_unsupported 3\n") &&
	       strstr(actl("stats"), "stat errors 0\n") &&
	       strstr(actl("stats"), "stat cmds_bad 0\n") &&
	       strstr(actl("log"), " err UC2#\n"),
	       "ascii-u: continuous 0: the refused UC counted in cmds_unsupported, logged err");
	asend("UC9#");
	tap_ok(aexpect("UE#", 50) &&
	       strstr(actl("stats"), "stat cmds_unsupported 3\n") &&
	       strstr(actl("stats"), "stat errors 1\n"),
	       "ascii-u: continuous 0: UC9# still a bad command (errors)");

	/* UG exactly as before */
	t0 = AB.now;
	asend("UG2#");
	tap_ok(aexpect("UG#", 50) &&
	       R.t[rpos - 1] == t0 + wire(4, 19200) + MS + wire(3, 19200),
	       "ascii-u: continuous 0: UG2# answered UG#");
	n = picture(&d, 500);
	j = n ? test_jpeg_walk(d, n) : -1;
	tap_ok(n > 1000 && j > 0 && (size_t)j == n - 1 && d[n - 1] == 0x00 &&
	       !jpeg_probe(d, (size_t)j, &w, &h, &nc) && w == 320 && h == 240 &&
	       in_manifest(1, d, n - 1, d, n, w, h),
	       "ascii-u: continuous 0: then UP<size># and the whole 320x240 JPEG (%zu)", n);
	tap_ok(!aget(1, 1000) && strstr(actl("stats"), "stat pictures 1\n"),
	       "ascii-u: continuous 0: one picture, nothing after");

	/* back on: UC works again */
	tap_ok(!strcmp(actl("set continuous 1"), "ok\n") &&
	       strstr(actl("status"), " has-continuous=1 "),
	       "ascii-u: set continuous 1: status has-continuous=1");
	asend("UC1#");
	tap_ok(aexpect("UC#", 50), "ascii-u: continuous 1: UC1# answered UC#");
	n = picture(&d, 500);
	tap_ok(n > 0 && picture(&d, 500) > 0 &&
	       strstr(actl("status"), " continuous=1 "),
	       "ascii-u: continuous 1: pictures back to back, in continuous mode");

	/* turned off in continuous mode: ends it after the picture under way */
	tap_ok(!strcmp(actl("set has-continuous 0"), "ok\n") &&
	       strstr(actl("status"), " continuous=0 ") &&
	       strstr(actl("status"), " has-continuous=0 "),
	       "ascii-u: set has-continuous 0 in continuous mode ends it");
	await_ns(2000 * MS);
	rest = R.n - rpos;
	ok = !rest || (picture(&d, 10) > 0 && R.n == rpos);
	tap_ok(ok && !aget(1, 1000),
	       "ascii-u: the picture under way finishes (%zu bytes), then silence", rest);
	asend("UC1#");
	tap_ok(aexpect("UE#", 50) && !aget(1, 1000) &&
	       strstr(actl("stats"), "stat cmds_unsupported 4\n"),
	       "ascii-u: and UC1# is refused again");
}

static void test_faults(void)
{
	const uint8_t *d;
	size_t n0;
	int64_t t0;

	afresh();
	actl("set boot-ms 100");
	test_fault(&AB, "truncate 1");
	asend("UG1#");
	aexpect("UG#", 50);
	aget(7, 300);
	rpos += 7;
	await_ns(2000 * MS);
	n0 = R.n - rpos;
	tap_ok(AB.fstat[F_TRUNCATE] == 1 && n0 > 0 &&
	       n0 < AB.uc->rec[0].padded,
	       "ascii-u: truncate 1: %zu of %u announced bytes", n0,
	       AB.uc->rec[0].padded);
	rpos = R.n;
	asend("UG1#");
	aexpect("UG#", 50);
	tap_ok(picture(&d, 300) > 0, "ascii-u: the next picture is whole");

	test_fault(&AB, "stall 200");
	t0 = AB.now;
	asend("UG1#");
	tap_ok(aexpect("UG#", 500) && R.t[rpos - 3] >= t0 + 200 * MS,
	       "ascii-u: stall 200: the reply 200 ms late");
	picture(&d, 500);
	test_fault(&AB, "clear");

	test_fault(&AB, "byteflip 1");
	asend("UG1#");
	tap_ok(aget(3, 50) && memcmp(R.d + rpos, "UG#", 3), "ascii-u: byteflip 1 spoils the reply");
	await_ns(1000 * MS);
	rpos = R.n;
	test_fault(&AB, "byteflip 0");

	/* restart at 57600 mid-picture: back to 19200, deaf for boot-ms */
	asend("UI4#");
	aexpect("UI#", 50);
	bus_set_guest(&AB, GUEST_KNOWN, 57600);
	asend("UG3#");
	aexpect("UG#", 50);
	await_ns(150 * MS);
	n0 = R.n - rpos;
	tap_ok(!strcmp(actl("reset"), "ok\n"), "ascii-u: control reset");
	await_ns(50 * MS);
	tap_ok(R.n - rpos <= n0 + 1, "ascii-u: the picture stops at the restart");
	rpos = R.n;
	tap_ok(strstr(actl("status"), "rate=19200 ") != NULL, "ascii-u: back at 19200");
	bus_set_guest(&AB, GUEST_KNOWN, 19200);
	asend("UG1#");
	tap_ok(!aget(1, 80), "ascii-u: deaf while it boots");
	await_ns(100 * MS);
	asend("UG1#");
	tap_ok(aexpect("UG#", 50), "ascii-u: then answers at 19200");
	picture(&d, 500);
	actl("unplug");
	asend("UG1#");
	tap_ok(!aget(1, 300), "ascii-u: unplugged: silence");
	actl("plug");
	asend("UG1#");
	tap_ok(aexpect("UG#", 50), "ascii-u: plugged: answers");
	picture(&d, 500);
	test_fault(&AB, "garbage 1");
	asend("UX#");
	await_ns(50 * MS);
	tap_ok(R.n - rpos == 6, "ascii-u: garbage 1: a byte after each byte");
	rpos = R.n;
	test_fault(&AB, "clear");
	test_fault(&AB, "rxflip 1");
	asend("UG1#");
	await_ns(200 * MS);
	tap_ok(R.n - rpos < 3 || memcmp(R.d + rpos, "UG#", 3),
	       "ascii-u: rxflip 1: the command is not taken as sent");
	rpos = R.n;
}

void asciiu_unit_tests(void)
{
	test_commands();
	test_continuous();
	test_no_continuous();
	test_faults();
	bus_free(&AB);
	free(R.d);
	free(R.t);
	memset(&R, 0, sizeof(R));
}
