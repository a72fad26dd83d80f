// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the stream camera (stream.c) in virtual time, no sockets:
 * the bytes its script puts on the wire, read back with a JPEG marker
 * walk written here, against the frames it reports.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "control.h"
#include "stream.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

#define MS 1000000LL

static struct bus SB;

/* Everything the host's UART received since sfresh(), with times. */
static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} O;

static struct stream *S(void)
{
	return SB.stream;
}

static void sfresh(uint32_t rate, unsigned int w, unsigned int h,
		   double fps)
{
	bus_free(&SB);
	bus_init(&SB, 0);
	SB.stream = stream_new(0);
	S()->rate = S()->run_rate = rate;
	S()->w = w;
	S()->h = h;
	S()->fps = fps;
	prng_seed(&SB.prng, 42);
	O.n = 0;
}

/* Run the model up to @t, keeping what the host received. */
static void srun(int64_t t)
{
	bus_advance(&SB, t);
	if (O.n + SB.out_bytes.n > O.cap) {
		while (O.n + SB.out_bytes.n > O.cap)
			O.cap = O.cap ? 2 * O.cap : 65536;
		O.d = xrealloc(O.d, O.cap);
		O.t = xrealloc(O.t, O.cap * sizeof(*O.t));
	}
	memcpy(O.d + O.n, SB.out_bytes.d, SB.out_bytes.n);
	memcpy(O.t + O.n, SB.out_bytes.t, SB.out_bytes.n * sizeof(*O.t));
	O.n += SB.out_bytes.n;
	bus_out_clear(&SB);
}

static char *sctl(const char *line)
{
	return test_ctl(&SB, line);
}

static bool sfault(const char *spec)
{
	return test_fault(&SB, spec);
}

/* ---- an independent JPEG reader ----------------------------------------- */

/*
 * Walk a JPEG from its SOI at d[0]: marker segments by their lengths up to
 * SOS, then the entropy-coded data, where FF 00 is a stuffed FF, FF D0..D7
 * a restart and FF FF fill, up to EOI (a new scan's SOS/DHT/DQT/DRI after
 * the data is walked the same way). Returns the JPEG's length, 0 when it
 * is cut short, -1 when it is not a JPEG. Counts restarts in order in
 * *rst (when given; -1 when one is out of sequence) and notes the size
 * from SOF0..SOF2.
 */
struct walk {
	int rst;
	unsigned int w, h;
	size_t app1_off, app1_len;	/* payload of the first APP1 */
	bool dri;
};

static long jpeg_walk(const uint8_t *d, size_t n, struct walk *wk)
{
	size_t i = 2;
	int next_rst = 0;

	memset(wk, 0, sizeof(*wk));
	if (n < 2 || d[0] != 0xff || d[1] != 0xd8)
		return -1;
	for (;;) {
		uint8_t m;
		size_t len;

		if (i + 2 > n)
			return 0;
		if (d[i] != 0xff)
			return -1;
		m = d[i + 1];
		if (m == 0xff) {
			i++;
			continue;
		}
		if (m == 0xd9)
			return (long)(i + 2);
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			return -1;
		if (i + 4 > n)
			return 0;
		len = (size_t)d[i + 2] << 8 | d[i + 3];
		if (len < 2)
			return -1;
		if (i + 2 + len > n)
			return 0;
		if ((m == 0xc0 || m == 0xc1 || m == 0xc2) && len >= 7) {
			wk->h = (unsigned int)d[i + 5] << 8 | d[i + 6];
			wk->w = (unsigned int)d[i + 7] << 8 | d[i + 8];
		}
		if (m == 0xe1 && !wk->app1_len) {
			wk->app1_off = i + 4;
			wk->app1_len = len - 2;
		}
		if (m == 0xdd)
			wk->dri = true;
		i += 2 + len;
		if (m != 0xda)
			continue;
		/* entropy-coded data */
		for (;;) {
			if (i + 2 > n)
				return 0;
			if (d[i] != 0xff) {
				i++;
				continue;
			}
			m = d[i + 1];
			if (m == 0x00) {
				i += 2;
			} else if (m >= 0xd0 && m <= 0xd7) {
				if (wk->rst >= 0)
					wk->rst = m == 0xd0 + next_rst ?
						  wk->rst + 1 : -1;
				next_rst = (next_rst + 1) % 8;
				i += 2;
			} else if (m == 0xff) {
				i++;
			} else {
				break;	/* a marker: EOI or another segment */
			}
		}
	}
}

long test_jpeg_walk(const uint8_t *d, size_t n)
{
	struct walk wk;

	return jpeg_walk(d, n, &wk);
}

/* ---- frames on the wire --------------------------------------------------- */

/* The clean JPEG of frame @num as the camera makes it now. */
static bool render(uint32_t num, struct image *img)
{
	struct pattern_params p = {
		.w = S()->w, .h = S()->h, .frame = num,
		.quality = S()->quality, .brightness = 0x80, .contrast = 0x80,
		.texture = S()->detail - DETAIL_DEFAULT, .no_addr = true,
	};

	return !pattern_jpeg_stream(&p, S()->restart, S()->exif, img);
}

/* The frame and its framing as a clean camera writes it. */
static size_t framed(const struct sframe_rec *r, const struct image *img,
		     uint8_t *out)
{
	size_t o = 0;

	if (r->framing == FRAMING_MARKERS) {
		memcpy(out, S()->smark, S()->slen);
		o = S()->slen;
	} else if (r->framing == FRAMING_LENGTH) {
		for (int i = 0; i < 4; i++)
			out[o++] = (uint8_t)(img->size >> (8 * i));
	}
	memcpy(out + o, img->data, img->size);
	o += img->size;
	if (r->framing == FRAMING_MARKERS) {
		memcpy(out + o, S()->emark, S()->elen);
		o += S()->elen;
	}
	return o;
}

/* Bytes the host received in (t0, t1]: those of one frame's span. */
static size_t window(int64_t t0, int64_t t1, size_t *first)
{
	size_t i = 0, j;

	while (i < O.n && O.t[i] <= t0)
		i++;
	j = i;
	while (j < O.n && O.t[j] <= t1)
		j++;
	*first = i;
	return j - i;
}

/*
 * The oracle's promise, checked for every frame published: a frame is
 * "intact" exactly when the bytes the host received between its first and
 * last byte are its framing and its clean JPEG, byte for byte (and the
 * clean JPEG is what the SHA-256 says). Counts intact and spoiled frames.
 */
static bool check_records(int *intact, int *spoiled, bool verbose)
{
	bool ok = true;

	*intact = *spoiled = 0;
	for (size_t k = 0; k < S()->npub; k++) {
		const struct sframe_rec *r = &S()->rec[k];
		struct image img;
		uint8_t *want;
		size_t wn, first, n;
		char sha[65];
		bool same;

		if (!render(r->num, &img))
			return false;
		sha256_hex(img.data, img.size, sha);
		want = xmalloc(img.size + 2 * MARKER_MAX + 4);
		wn = framed(r, &img, want);
		n = window(r->t0, r->t1, &first);
		same = n == wn && !memcmp(O.d + first, want, wn);
		if (strcmp(sha, r->sha) || r->size != img.size ||
		    same != (r->state == FS_INTACT)) {
			if (verbose)
				tap_diag("frame %u: state %s, %zu bytes in its window, %zu expected, sha %s",
					 r->num, fstate_names[r->state], n, wn,
					 strcmp(sha, r->sha) ? "differs" : "ok");
			ok = false;
		}
		if (r->state == FS_INTACT)
			(*intact)++;
		else
			(*spoiled)++;
		free(want);
		image_free(&img);
	}
	return ok;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_framings(void)
{
	static const char *const names[3] = { "jpeg", "markers", "length" };

	for (int f = 0; f < FRAMING_N; f++) {
		uint8_t *want = xmalloc(1 << 20);
		size_t wn = 0;
		bool ok = true;
		int in, sp;

		sfresh(921600, 160, 120, 5);
		S()->framing = (enum framing)f;
		srun(700 * MS);		/* frames at 0, 0.2, 0.4, 0.6 s */
		for (size_t k = 0; k < S()->npub; k++) {
			struct image img;

			ok = ok && render(S()->rec[k].num, &img);
			wn += framed(&S()->rec[k], &img, want + wn);
			image_free(&img);
		}
		tap_ok(ok && S()->npub == 4 && O.n == wn &&
		       !memcmp(O.d, want, wn) && check_records(&in, &sp, true) &&
		       in == 4,
		       "framing %s: the wire carries exactly framing + JPEG for each of 4 frames (%zu bytes)",
		       names[f], O.n);
		free(want);
	}
	/* the marker walk of the reader finds each frame whole */
	{
		long len;
		struct walk wk;

		sfresh(921600, 160, 120, 5);
		srun(100 * MS);
		len = jpeg_walk(O.d, O.n, &wk);
		tap_ok(len == (long)O.n && wk.w == 160 && wk.h == 120,
		       "framing jpeg: a marker walk from SOI ends at the frame's EOI (%ld bytes, SOF %ux%u)",
		       len, wk.w, wk.h);
	}
	sfresh(921600, 160, 120, 5);
	S()->framing = FRAMING_MARKERS;
	tap_ok(!strcmp(sctl("set start-marker <\\xff\\sGO>"), "ok\n") &&
	       S()->slen == 6 && !memcmp(S()->smark, "<\xff GO>", 6) &&
	       !strcmp(sctl("set end-marker END\\n"), "ok\n") &&
	       strstr(sctl("status"), " start-marker=<\\xff\\sGO> end-marker=END\\x0a ") &&
	       !strncmp(sctl("set start-marker a\\q"), "err ", 4),
	       "markers take escapes (\\xNN \\s \\n), status writes them back");
	{
		char cmd[512] = "set end-marker ", want[300] = " end-marker=";
		uint8_t m[MARKER_MAX];
		size_t n;

		for (int i = 0; i < MARKER_MAX; i++) {
			strcat(cmd, "\\x01");
			strcat(want, "\\x01");
		}
		strcat(want, " ");
		tap_ok(!strcmp(sctl(cmd), "ok\n") && S()->elen == MARKER_MAX &&
		       strstr(sctl("status"), want) &&
		       !stream_parse_marker("\\x011", m, &n) && n == 2 &&
		       stream_parse_marker("\\x0", m, &n) &&
		       !strncmp(sctl("set end-marker x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01x\\x01"), "err ", 4),
		       "a 64-byte marker of escapes round-trips through status; 65 bytes are refused");
		sctl("set end-marker END\\n");
	}
	srun(100 * MS);
	tap_ok(O.n > 10 && !memcmp(O.d, "<\xff GO>\xff\xd8", 8) &&
	       !memcmp(O.d + O.n - 6, "\xff\xd9" "END\n", 6),
	       "custom markers go on the wire as set");
}

static void test_pacing(void)
{
	int64_t bt = 10 * NS_PER_S / 921600;
	bool paced = true, starts = true;
	const struct sframe_rec *r;

	sfresh(921600, 160, 120, 7.5);
	srun(600 * MS);
	/* absolute deadlines: byte i of frame 1 ends at (i + 1) bit times x 10 */
	for (size_t i = 0; i < S()->rec[0].size && i < O.n; i++)
		if (O.t[i] != (int64_t)((__int128)10 * NS_PER_S * (i + 1) /
					921600))
			paced = false;
	tap_ok(paced && llabs(O.t[0] - bt) <= 1,
	       "bytes are paced at the wire rate: byte k of a frame ends at t0 + (k+1) x 10 bit times, exactly");
	for (size_t k = 0; k < S()->npub; k++) {
		r = &S()->rec[k];
		if (r->num != k + 1 ||
		    r->t0 != llround((double)k * 1e9 / 7.5) ||
		    r->t1 != r->t0 + (int64_t)((__int128)r->size * 10 *
					       NS_PER_S / 921600))
			starts = false;
	}
	tap_ok(starts && S()->npub == 5,
	       "fps 7.5 on a fast wire: frames 1..5, each starting at (N-1)/7.5 s, lasting its wire time");
	tap_ok(S()->st[SS_FRAMES_SKIPPED] == 0 &&
	       S()->st[SS_FRAMES_WRITTEN] == 5 && S()->st[SS_FRAMES_INTACT] == 5,
	       "nothing skipped; stats frames_written/intact 5");
}

static void test_newest_wins(void)
{
	bool rule = true, b2b = true;
	uint64_t skipped = 0;
	char nums[128];
	size_t o = 0;

	/* 160x120 at 115200: ~6 KB, half a second a frame; 10 captures/s */
	sfresh(115200, 160, 120, 10);
	srun(2600 * MS);
	for (size_t k = 0; k < S()->npub; k++) {
		const struct sframe_rec *r = &S()->rec[k];

		o += (size_t)snprintf(nums + o, sizeof(nums) - o, " %u", r->num);
		if (!k)
			continue;
		/* the newest capture when the line came free */
		if (r->num != stream_newest(S(), S()->rec[k - 1].t1))
			rule = false;
		if (r->t0 != S()->rec[k - 1].t1)
			b2b = false;
		skipped += r->num - S()->rec[k - 1].num - 1;
	}
	tap_diag("115200, 160x120, fps 10: frames sent:%s", nums);
	tap_ok(S()->npub >= 4 && rule && S()->rec[0].num == 1,
	       "wire slower than fps: each frame is the newest capture when the line is free");
	tap_ok(b2b, "and goes out as soon as the previous one is out (back to back)");
	if (S()->busy)	/* the frame under way counts its skips already */
		skipped += S()->cur.num - S()->rec[S()->npub - 1].num - 1;
	tap_ok(skipped == S()->st[SS_FRAMES_SKIPPED] && skipped > 0 &&
	       S()->st[SS_FRAMES_STARTED] == S()->npub + (S()->busy ? 1 : 0),
	       "the captures in between are never sent and not listed (%llu skipped)",
	       (unsigned long long)skipped);
	/* frame numbers are capture numbers: the manifest shows the gaps */
	tap_ok(!strncmp(sctl("frame 2"), "err ", 4) &&
	       !strncmp(sctl("frame 1"), "ok 1 res=160x120 ", 17),
	       "frame N is the capture number: skipped numbers are not there");
}

static void test_res_change(void)
{
	struct walk wk;
	size_t first;
	bool ok;

	sfresh(921600, 160, 120, 10);
	srun(110 * MS);		/* frame 2 just started */
	sctl("set res 320x240");
	srun(450 * MS);
	ok = S()->npub == 3 && S()->rec[1].w == 160 && S()->rec[2].w == 320 &&
	     S()->rec[2].h == 240;
	window(S()->rec[2].t0, S()->rec[2].t1, &first);
	tap_ok(ok && jpeg_walk(O.d + first, O.n - first, &wk) ==
			     (long)S()->rec[2].size && wk.w == 320 && wk.h == 240,
	       "set res 320x240: the frame under way keeps 160x120, the next has 320x240 in its SOF");
	tap_ok(!strncmp(sctl("set res 321x240"), "err ", 4) &&
	       !strncmp(sctl("set res 8x8"), "err ", 4) &&
	       !strncmp(sctl("set res 4098x16"), "err ", 4) &&
	       !strcmp(sctl("set res 16x4096"), "ok\n"),
	       "res must be even and 16..4096");
}

static void test_restart_exif(void)
{
	struct walk wk;
	long len;
	uint8_t *pix = NULL;
	unsigned int w, h, tw, th;
	int nc;
	bool thumb_ok = false;
	const uint8_t *a1;
	size_t naive = 0;

	sfresh(921600, 320, 240, 10);
	sctl("set restart 2");
	srun(250 * MS);
	len = jpeg_walk(O.d, O.n, &wk);
	tap_ok(S()->npub >= 1 && len == (long)S()->rec[0].size && wk.dri &&
	       wk.rst >= 8 && !jpeg_decode(O.d, (size_t)len, &pix, &w, &h, &nc) &&
	       w == 320,
	       "restart 2: DRI, %d restart markers FF D0..D7 in order in the entropy data, decodes",
	       wk.rst);
	free(pix);
	pix = NULL;

	sfresh(921600, 320, 240, 10);
	sctl("set exif 1");
	srun(250 * MS);
	len = jpeg_walk(O.d, O.n, &wk);
	a1 = O.d + wk.app1_off;
	exif_thumb_size(320, 240, &tw, &th);
	if (wk.app1_len > 100 && !memcmp(a1, "Exif\0\0", 6)) {
		/* IFD1's JPEGInterchangeFormat and Length */
		const uint8_t *t = a1 + 6;
		size_t ifd1 = t[8 + 2 + 24] | (size_t)t[8 + 2 + 25] << 8;
		size_t off = t[ifd1 + 2 + 12 + 8] | (size_t)t[ifd1 + 2 + 12 + 9] << 8;
		size_t tl = t[ifd1 + 2 + 24 + 8] |
			    (size_t)t[ifd1 + 2 + 24 + 9] << 8;

		thumb_ok = 6 + off + tl == wk.app1_len &&
			   t[off] == 0xff && t[off + 1] == 0xd8 &&
			   t[off + tl - 2] == 0xff && t[off + tl - 1] == 0xd9 &&
			   !jpeg_decode(t + off, tl, &pix, &w, &h, &nc) &&
			   w == tw && h == th;
		free(pix);
		pix = NULL;
	}
	for (size_t i = 2; i + 1 < O.n; i++)
		if (O.d[i] == 0xff && O.d[i + 1] == 0xd9) {
			naive = i + 2;
			break;
		}
	tap_ok(wk.app1_off == 6 && thumb_ok,
	       "exif 1: SOI then APP1 \"Exif\", IFD1 points at a real %ux%u JPEG thumbnail (FF D8 .. FF D9 inside APP1)",
	       tw, th);
	tap_ok(S()->npub >= 1 && len == (long)S()->rec[0].size &&
	       naive <= wk.app1_off + wk.app1_len &&
	       !jpeg_decode(O.d, (size_t)len, &pix, &w, &h, &nc) && w == 320 &&
	       h == 240,
	       "the whole frame decodes (libjpeg) and the marker walk ends at the real EOI (%ld bytes); the first FF D9 is at %zu, inside APP1",
	       len, naive);
	free(pix);
}

/* A fault run: 160x120 at 921600, fps 20, for @ms, with @spec. */
static void fault_run(enum framing f, const char *spec, int ms)
{
	sfresh(921600, 160, 120, 20);
	S()->framing = f;
	if (spec)
		sfault(spec);
	srun(ms * MS);
}

/* The frame after @k starts right after it, or at its capture time, and is intact. */
static bool next_intact(size_t k)
{
	return k + 1 < S()->npub && S()->rec[k + 1].state == FS_INTACT;
}

static void test_faults(void)
{
	int in, sp;
	size_t first, n;
	const struct sframe_rec *r;
	bool ok;

	/* truncate */
	fault_run(FRAMING_JPEG, "truncate", 200);
	r = &S()->rec[0];
	n = window(r->t0, r->t1, &first);
	tap_ok(r->state == FS_TRUNCATED && n < r->size && n >= 1 &&
	       next_intact(0) && S()->rec[1].t0 == r->t1 &&
	       check_records(&in, &sp, true) && sp == 1 &&
	       SB.fstat[F_TRUNCATE] == 1,
	       "truncate: frame 1 stops after %zu of %u bytes (state truncated), frame %u follows at once, intact",
	       n, r->size, S()->rec[1].num);
	fault_run(FRAMING_MARKERS, "truncate 2", 300);
	tap_ok(S()->rec[0].state == FS_TRUNCATED &&
	       S()->rec[1].state == FS_TRUNCATED && next_intact(1) &&
	       check_records(&in, &sp, true) && sp == 2,
	       "truncate 2 (markers): two frames cut (no end marker), the third intact");

	/* hugelen */
	fault_run(FRAMING_LENGTH, "hugelen", 200);
	r = &S()->rec[0];
	n = window(r->t0, r->t1, &first);
	tap_ok(r->state == FS_HUGELEN && n == 4 + r->size &&
	       !memcmp(O.d + first, "\xff\xff\xff\x7f\xff\xd8", 6) &&
	       next_intact(0) && check_records(&in, &sp, true) && sp == 1,
	       "hugelen (length): length 0x7FFFFFFF then the whole JPEG, state hugelen; next frame intact");
	fault_run(FRAMING_JPEG, "hugelen", 200);
	tap_ok(check_records(&in, &sp, true) && sp == 0 &&
	       SB.nfaults == 1 && SB.fstat[F_HUGELEN] == 0,
	       "hugelen waits for a length-framed frame (jpeg framing leaves it armed)");
	fault_run(FRAMING_LENGTH, "hugelen 1 100", 200);
	n = window(S()->rec[0].t0, S()->rec[0].t1, &first);
	tap_ok(!memcmp(O.d + first, "\x64\0\0\0", 4) &&
	       S()->rec[0].state == FS_HUGELEN,
	       "hugelen 1 100: length field 100");

	/* badmarker */
	fault_run(FRAMING_MARKERS, "badmarker", 200);
	r = &S()->rec[0];
	n = window(r->t0, r->t1, &first);
	{
		const uint8_t *e = O.d + first + n - S()->elen;
		int diff = 0;

		for (size_t i = 0; i < S()->elen; i++)
			diff += e[i] != S()->emark[i];
		ok = n == S()->slen + r->size + S()->elen && diff == 1 &&
		     !memcmp(O.d + first, S()->smark, S()->slen);
	}
	tap_ok(ok && r->state == FS_BADMARKER && next_intact(0) &&
	       check_records(&in, &sp, true) && sp == 1,
	       "badmarker (markers): one byte of the end marker replaced, state badmarker; next frame intact");

	/* junk */
	fault_run(FRAMING_MARKERS, "junk 3 150", 250);
	{
		bool *inf = xcalloc(O.n + 1, sizeof(bool)), clean = true;
		size_t outside = 0;

		for (size_t k = 0; k < S()->npub; k++) {
			n = window(S()->rec[k].t0, S()->rec[k].t1, &first);
			for (size_t i = first; i < first + n; i++)
				inf[i] = true;
		}
		for (size_t i = 0; i < O.n; i++) {
			if (inf[i] || (S()->busy && O.t[i] > S()->cur.t0))
				continue;
			outside++;
			if (O.d[i] == 0xff ||
			    memchr(S()->smark, O.d[i], S()->slen))
				clean = false;
		}
		free(inf);
		tap_ok(check_records(&in, &sp, true) && sp == 0 && in >= 3 &&
		       S()->st[SS_JUNK_BYTES] == 450 && outside == 450 &&
		       SB.fstat[F_JUNK] == 3 && clean,
		       "junk 3 150: 150 bytes before each of 3 frames, outside them, no FF and no start-marker byte; every frame intact");
	}
	fault_run(FRAMING_JPEG, "junk 50", 3000);
	ok = check_records(&in, &sp, true);
	tap_ok(ok && sp == 0 && in >= 40 &&
	       SB.fstat[F_JUNK] == S()->st[SS_FRAMES_STARTED] &&
	       S()->st[SS_JUNK_BYTES] >= SB.fstat[F_JUNK] &&
	       S()->st[SS_JUNK_BYTES] <= 200 * SB.fstat[F_JUNK],
	       "junk 50: 1..200 random bytes before each frame (%llu bytes before %llu frames), all %d frames intact",
	       (unsigned long long)S()->st[SS_JUNK_BYTES],
	       (unsigned long long)SB.fstat[F_JUNK], in);

	/* per-byte faults */
	fault_run(FRAMING_JPEG, "byteflip 0.0002", 1000);
	ok = check_records(&in, &sp, true);
	tap_ok(ok && sp > 0 && in > 0 && SB.fstat[F_BYTEFLIP] > 0,
	       "byteflip 0.0002: %d frames hit (state byteflip), %d intact, each exactly as reported",
	       sp, in);
	fault_run(FRAMING_LENGTH, "drop 0.0002", 1000);
	ok = check_records(&in, &sp, true);
	tap_ok(ok && sp > 0 && in > 0 && SB.fstat[F_DROP] > 0,
	       "drop 0.0002 (length): %d frames hit (state drop), %d intact", sp,
	       in);
	fault_run(FRAMING_MARKERS, "garbage 0.0002", 1000);
	ok = check_records(&in, &sp, true);
	tap_ok(ok && sp > 0 && in > 0 && SB.fstat[F_GARBAGE] > 0,
	       "garbage 0.0002 (markers): %d frames hit (state garbage), %d intact",
	       sp, in);
	{
		bool states = true;

		for (size_t k = 0; k < S()->npub; k++)
			if (S()->rec[k].state != FS_INTACT &&
			    S()->rec[k].state != FS_GARBAGE)
				states = false;
		tap_ok(states, "those frames are marked garbage, nothing else");
	}

	/* stall */
	fault_run(FRAMING_JPEG, "stall 30", 200);
	{
		int64_t bt = 10 * NS_PER_S / 921600, gap = 0;

		r = &S()->rec[0];
		n = window(r->t0, r->t1, &first);
		for (size_t i = first + 1; i < first + n; i++)
			if (O.t[i] - O.t[i - 1] > gap)
				gap = O.t[i] - O.t[i - 1];
		tap_ok(r->state == FS_INTACT && gap >= 30 * MS &&
		       gap <= 30 * MS + bt + 1 && check_records(&in, &sp, true) &&
		       sp == 0 && SB.fstat[F_STALL] == 1,
		       "stall 30: a 30 ms pause half-way through frame 1, which stays intact");
	}

	/* unplug, plug */
	sfresh(921600, 320, 240, 10);
	srun(50 * MS);		/* frame 1 is ~160 ms on the wire */
	sctl("unplug");
	{
		size_t at = O.n;

		srun(400 * MS);
		n = O.n - at;
		tap_ok(n <= 92 && S()->npub == 1 &&
		       S()->rec[0].state == FS_UNPLUGGED &&
		       S()->st[SS_FRAMES_VOID] >= 1,
		       "unplug mid-frame: at most 1 ms more of bytes (%zu), frame 1 unplugged, frames while unplugged go nowhere",
		       n);
	}
	sctl("plug");
	srun(1300 * MS);
	ok = check_records(&in, &sp, true);
	tap_ok(ok && in >= 3 && S()->rec[S()->npub - 1].state == FS_INTACT &&
	       SB.fstat[F_UNPLUG] == 1 && SB.fstat[F_PLUG] == 1,
	       "plug: the script had gone on writing; the frame under way comes out as a tail (unplugged) and then %d intact frames",
	       in);

	/* several at once, and the same seed gives the same run */
	{
		uint8_t *a;
		size_t an;

		fault_run(FRAMING_MARKERS, NULL, 0);
		sfault("byteflip 0.0001");
		sfault("junk 5");
		sfault("truncate 2");
		sfault("badmarker 2");
		srun(1500 * MS);
		ok = check_records(&in, &sp, true);
		a = xmalloc(O.n);
		memcpy(a, O.d, O.n);
		an = O.n;
		fault_run(FRAMING_MARKERS, NULL, 0);
		sfault("byteflip 0.0001");
		sfault("junk 5");
		sfault("truncate 2");
		sfault("badmarker 2");
		srun(1500 * MS);
		tap_ok(ok && sp >= 4 && an == O.n && !memcmp(a, O.d, an),
		       "faults together: %d spoiled, %d intact, each as reported; the same seed gives the same bytes",
		       sp, in);
		free(a);
	}
}

static void test_rates(void)
{
	const struct sframe_rec *r;

	sfresh(115200, 160, 120, 10);
	srun(20 * MS);
	sctl("set rate 57600");
	srun(2200 * MS);
	/* the guest follows the camera's rate here: every byte is clean */
	r = &S()->rec[0];
	tap_ok(S()->npub >= 2 && r->state == FS_INTACT &&
	       llabs(O.t[O.n - 1] - O.t[O.n - 2] - 10 * NS_PER_S / 57600) <= 1,
	       "set rate 57600 mid-frame: the camera follows from the next byte boundary (within 1 ms), bytes now 57600-paced");
	sfresh(115200, 160, 120, 10);
	bus_set_guest(&SB, GUEST_KNOWN, 57600);
	srun(600 * MS);
	tap_ok(O.n > 0 && S()->npub && jpeg_walk(O.d, O.n, &(struct walk){ 0 }) != (long)S()->rec[0].size,
	       "guest UART at 57600, camera at 115200: the host reads garbage (%zu bytes for a %u-byte frame)",
	       O.n, S()->rec[0].size);
	sfresh(115200, 160, 120, 10);
	tap_ok(!strcmp(sctl("set rate 4000000"), "ok\n") &&
	       !strncmp(sctl("set rate 4000001"), "err ", 4) &&
	       S()->rate == 4000000,
	       "the stream camera's rate goes up to 4000000");
	sfresh(4000000, 640, 480, 30);
	srun(300 * MS);
	{
		int in, sp;

		bool ok = check_records(&in, &sp, true);

		tap_ok(ok && in >= 4 && sp == 0,
		       "640x480 at 4000000 bit/s, fps 30: %d frames in 0.3 s, all intact", in);
	}
}

static void test_stream_control(void)
{
	char *s, want[512];
	struct ctl_wait wt = { 0 };
	struct sbuf o = { 0 };

	sfresh(921600, 160, 120, 10);
	s = sctl("status");
	tap_ok(!strncmp(s, "ok family=stream rate=921600 guest=921600 plugged=1 streaming=1 writing=0 fps=10 res=160x120 framing=jpeg start-marker=____start____ end-marker=____end____ detail=1 quality=80 restart=0 exif=0 frames=0 written=0 captures=1\n", 1000),
	       "status: family=stream and every setting (defaults)");
	tap_ok(!strcmp(sctl("set fps 2.5"), "ok\n") && S()->fps == 2.5 &&
	       !strcmp(sctl("set framing length"), "ok\n") &&
	       S()->framing == FRAMING_LENGTH &&
	       !strcmp(sctl("set detail 0"), "ok\n") && S()->detail == 0 &&
	       !strcmp(sctl("set quality 50"), "ok\n") && S()->quality == 50 &&
	       !strcmp(sctl("set restart 4"), "ok\n") && S()->restart == 4 &&
	       !strcmp(sctl("set exif 1"), "ok\n") && S()->exif &&
	       !strcmp(sctl("set guest-rate 921600"), "ok\n"),
	       "set fps, framing, detail, quality, restart, exif, guest-rate");
	tap_ok(!strncmp(sctl("set fps 0"), "err ", 4) &&
	       !strncmp(sctl("set framing mjpeg"), "err ", 4) &&
	       !strncmp(sctl("set quality 0"), "err ", 4) &&
	       !strncmp(sctl("set quality 101"), "err ", 4) &&
	       !strncmp(sctl("set exif 2"), "err ", 4) &&
	       !strncmp(sctl("set detail 5"), "err ", 4) &&
	       !strncmp(sctl("set capture-ms 5"), "err ", 4) &&
	       !strncmp(sctl("log"), "err ", 4) &&
	       !strncmp(sctl("powercycle"), "err ", 4),
	       "bad values and SXH485-only commands are refused");
	tap_ok(!strncmp(sctl("fault badcrc"), "err ", 4) &&
	       !strncmp(sctl("fault truncate addr=1"), "err ", 4) &&
	       !strncmp(sctl("fault junk 1 0"), "err ", 4) &&
	       !strncmp(sctl("unplug 1"), "err ", 4) &&
	       !strcmp(sctl("fault junk 2 30"), "ok\n") &&
	       !strcmp(sctl("fault stall 20 3"), "ok\n") &&
	       !strcmp(sctl("faults"), "fault junk 2 30\nfault stall 20 3\nok 2\n"),
	       "stream faults: SXH485-only kinds and addresses refused; faults lists them");
	sctl("fault clear");
	s = sctl("stats");
	tap_ok(strstr(s, "stat frames_written 0\n") &&
	       strstr(s, "stat fault_junk 0\n") &&
	       strstr(s, "stat fault_badmarker 0\n") &&
	       !strstr(s, "fault_badcrc") && !strstr(s, "frames_badcrc"),
	       "stats: the stream camera's counters and its fault kinds only");

	/* frames, frame N, manifest-format lines */
	sfresh(921600, 160, 120, 10);
	srun(390 * MS);
	snprintf(want, sizeof(want),
		 "ok 2 res=160x120 size=%u sha256=%s framing=jpeg state=intact start_ns=%lld end_ns=%lld\n",
		 S()->rec[1].size, S()->rec[1].sha,
		 (long long)S()->rec[1].t0, (long long)S()->rec[1].t1);
	tap_ok(!strcmp(sctl("frame 2"), want) && S()->rec[1].t0 == 100 * MS,
	       "frame 2 -> ok 2 res=.. size=.. sha256=.. framing=jpeg state=intact start_ns=.. end_ns=..");
	s = sctl("frames");
	tap_ok(!strncmp(s, "frame 1 res=160x120 ", 20) && strstr(s, "\nok 4\n") &&
	       !strncmp(sctl("frames since=3"), "frame 4 ", 8) &&
	       strstr(sctl("frames since=3"), "\nok 1\n"),
	       "frames lists every frame written; frames since=N those after N");

	/* wait-frames */
	sctl("stats clear");
	tap_ok(!strcmp(sctl("wait-frames 0"), "ok 0\n"),
	       "wait-frames 0 answers at once");
	tap_ok(ctl_exec_wait(&SB, "wait-frames 3 1000", &o, &wt) == 2 &&
	       wt.on && !o.len, "wait-frames 3: no answer yet");
	srun(S()->rec[3].t0 + 300 * MS);	/* frame 7 starts */
	tap_ok(!ctl_wait_poll(&SB, &wt, SB.now, &o) && !o.len,
	       "when frame 7 starts only frames 5 and 6 are written: still waiting");
	while (!ctl_wait_poll(&SB, &wt, SB.now, &o))
		srun(bus_next_event(&SB));
	tap_ok(!strcmp(o.s, "ok 3\n") && S()->rec[S()->npub - 1].num == 7 &&
	       SB.now == S()->rec[S()->npub - 1].t1,
	       "answered ok 3 at the very time frame 7's last byte is out");
	o.len = 0;
	srun(700 * MS);
	ctl_exec_wait(&SB, "wait-frames 100 200", &o, &wt);
	srun(899 * MS);
	tap_ok(!ctl_wait_poll(&SB, &wt, SB.now, &o), "wait-frames 100 200: waiting at 199 ms");
	srun(900 * MS);
	tap_ok(ctl_wait_poll(&SB, &wt, SB.now, &o) && !strcmp(o.s, "err timeout\n"),
	       "err timeout after 200 ms");
	tap_ok(!strncmp(sctl("wait-frames 100"), "err timeout", 11),
	       "without a waiting client an unreachable wait-frames times out at once");
	sbuf_free(&o);

	/* stream off/on */
	sfresh(921600, 320, 240, 10);
	srun(20 * MS);
	tap_ok(!strcmp(sctl("stream off"), "ok\n") &&
	       strstr(sctl("status"), " streaming=0 writing=1 "),
	       "stream off: streaming=0, writing=1 while the frame goes on");
	srun(1000 * MS);
	tap_ok(S()->npub == 1 && S()->rec[0].state == FS_INTACT && !S()->busy &&
	       strstr(sctl("status"), " writing=0 "),
	       "the frame under way finishes (intact), then nothing (writing=0)");
	sctl("stream on");
	srun(1099 * MS);
	tap_ok(S()->npub == 1 && !S()->busy,
	       "stream on at 1.0 s (capture 11 is taken then): nothing until the next capture");
	srun(1100 * MS);
	tap_ok(S()->busy && S()->cur.num == 12,
	       "capture 12 at 1.1 s is the first frame written");
	srun(1400 * MS);
	tap_ok(S()->npub >= 2 && S()->rec[1].num == 12 &&
	       S()->rec[1].t0 == 1100 * MS && S()->st[SS_FRAMES_SKIPPED] >= 10,
	       "it went out from 1.1 s; the captures while paused count as skipped");
}

static void test_stream_detail(void)
{
	size_t sz[DETAIL_MAX + 1];
	bool ok = true;

	for (int d = 0; d <= DETAIL_MAX; d++) {
		struct pattern_params p = {
			.w = 640, .h = 480, .frame = 1, .quality = 80,
			.brightness = 0x80, .contrast = 0x80,
			.texture = d - DETAIL_DEFAULT, .no_addr = true };
		struct image img;

		pattern_jpeg_stream(&p, 0, false, &img);
		sz[d] = img.size;
		if (d && sz[d] <= sz[d - 1])
			ok = false;
		image_free(&img);
	}
	tap_diag("stream 640x480 quality 80 by detail 0..4: %zu %zu %zu %zu %zu bytes",
		 sz[0], sz[1], sz[2], sz[3], sz[4]);
	tap_ok(ok && sz[0] >= 9000 && sz[0] <= 17000 && sz[4] >= 90000 &&
	       sz[4] <= 135000,
	       "stream frames grow with detail: ~13 KB at 0 to ~110 KB at 4 (640x480, quality 80)");
}

void stream_unit_tests(void)
{
	int64_t t0 = now_ns();

	test_framings();
	test_pacing();
	test_newest_wins();
	test_res_change();
	test_restart_exif();
	test_faults();
	test_rates();
	test_stream_control();
	test_stream_detail();
	tap_diag("stream unit tests took %.1f s", (double)(now_ns() - t0) / 1e9);
	bus_free(&SB);
	free(O.d);
	free(O.t);
}
