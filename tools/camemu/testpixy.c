// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Pixy camera (pixy.c) in virtual time, no sockets:
 * frame bytes against pixy.md's layout (expected bytes written from the
 * page), the bytes on the wire read back by a reader written here from
 * the page, against the frames the camera lists, the 50 Hz pacing, the
 * drop rule, the host's commands and the faults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "control.h"
#include "pixy.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

#define MS 1000000LL

static struct bus PB;

/* Everything the host's UART received since pfresh(), with times. */
static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} O;

static struct pixy *P(void)
{
	return PB.pixy;
}

static void pfresh(uint32_t rate, unsigned int objects)
{
	bus_free(&PB);
	bus_init(&PB, 0);
	PB.pixy = pixy_new(0);
	P()->rate = P()->run_rate = rate;
	P()->objects = objects;
	prng_seed(&PB.prng, 42);
	O.n = 0;
}

static void prun(int64_t t)
{
	bus_advance(&PB, t);
	if (O.n + PB.out_bytes.n > O.cap) {
		while (O.n + PB.out_bytes.n > O.cap)
			O.cap = O.cap ? 2 * O.cap : 65536;
		O.d = xrealloc(O.d, O.cap);
		O.t = xrealloc(O.t, O.cap * sizeof(*O.t));
	}
	memcpy(O.d + O.n, PB.out_bytes.d, PB.out_bytes.n);
	memcpy(O.t + O.n, PB.out_bytes.t, PB.out_bytes.n * sizeof(*O.t));
	O.n += PB.out_bytes.n;
	bus_out_clear(&PB);
}

static char *pctl(const char *line)
{
	return test_ctl(&PB, line);
}

static bool pfault(const char *spec)
{
	return test_fault(&PB, spec);
}

static bool hex_is(const uint8_t *d, size_t n, const char *hex)
{
	size_t k = 0;

	for (const char *s = hex; *s; ) {
		unsigned int v;

		if (*s == ' ') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1 || k >= n || d[k] != v)
			return false;
		k++;
		s += 2;
	}
	return k == n;
}

/* ---- a reader written from pixy.md --------------------------------------- */

struct rblock {
	unsigned int sig, x, y, w, h;
	int angle;
	bool cc;
};

struct rframe {
	size_t first;		/* index in O of its first sync byte */
	int64_t t;		/* arrival of that byte (end of its stop bit) */
	unsigned int nb, nbad;
	struct rblock b[64];
	bool cut;		/* ended by something else than a frame start or a zero word */
};

static struct rframe RF[4096];
static size_t NRF, RESYNCS, ONWIRE;

static unsigned int wd(size_t i)
{
	return i + 1 < O.n ? O.d[i] | (unsigned int)O.d[i + 1] << 8 : 0x10000;
}

static bool is_sync(unsigned int w)
{
	return w == 0xaa55 || w == 0xaa56;
}

/*
 * Two syncs in a row start a frame; then blocks, each from its sync word;
 * a block's sync followed by another sync is the next frame's start; a
 * zero word ends the frame; 0x55AA means one byte off: drop one byte.
 */
static void read_all(void)
{
	size_t i = 0;
	struct rframe *f = NULL;

	NRF = RESYNCS = 0;
	while (i + 1 < O.n) {
		unsigned int w = wd(i);

		if (!f) {
			if (w == 0x55aa) {
				RESYNCS++;
				i++;
			} else if (w == 0xaa55 && is_sync(wd(i + 2))) {
				if (NRF == ARRAY_SIZE(RF))
					return;
				f = &RF[NRF++];
				memset(f, 0, sizeof(*f));
				f->first = i;
				f->t = O.t[i];
				i += 2;
			} else {
				i += 2;
			}
			continue;
		}
		/* in a frame, at a block's sync word */
		if (w == 0x55aa) {
			f->cut = true;
			f = NULL;
			continue;
		}
		if (!is_sync(w)) {
			f->cut = w != 0;
			f = NULL;
			if (!w)
				i += 2;
			continue;
		}
		if (is_sync(wd(i + 2)) || wd(i + 2) == 0x55aa) {
			/*
			 * The frame's own second sync: an empty frame, the
			 * next one starts after it; any other block sync
			 * starts the next frame.
			 */
			if (i == f->first + 2)
				i += 2;
			f = NULL;
			continue;
		}
		if (wd(i + 2) == 0 && w == 0xaa55 && i >= 2 && f->first == i - 2) {
			/* an empty frame: its two syncs, then a zero word */
			f = NULL;
			i += 2;
			continue;
		}
		{
			bool cc = w == 0xaa56;
			size_t nw = cc ? 8 : 7;
			unsigned int v[8], sum = 0;

			if (i + 2 * nw > O.n) {
				f->cut = true;
				break;
			}
			for (size_t j = 0; j < nw; j++)
				v[j] = wd(i + 2 * j);
			for (size_t j = 2; j < nw; j++)
				sum += v[j];
			if ((sum & 0xffff) == v[1] && f->nb < 64) {
				struct rblock *k = &f->b[f->nb++];

				k->sig = v[2];
				k->x = v[3];
				k->y = v[4];
				k->w = v[5];
				k->h = v[6];
				k->angle = cc ? (int16_t)v[7] : 0;
				k->cc = cc;
			} else {
				f->nbad++;
			}
			i += 2 * nw;
		}
	}
}

static bool same_block(const struct rblock *a, const struct pblock *b)
{
	return a->sig == b->sig && a->x == b->x && a->y == b->y &&
	       a->w == b->w && a->h == b->h && a->angle == b->angle &&
	       a->cc == b->cc;
}

/* The listed frame a read frame came from: by its first byte's time. */
static const struct pframe_rec *rec_at(int64_t t)
{
	int64_t bt = 10 * NS_PER_S / P()->rate;

	for (size_t k = 0; k < P()->nrec; k++) {
		const struct pframe_rec *r = &P()->rec[k];

		if (r->t0 >= 0 && llabs(t - bt - r->t0) <= 1)
			return r;
	}
	return NULL;
}

/*
 * Every frame read: from a listed frame; its good blocks are blocks of
 * that frame marked ok, in order; an intact frame is read whole.
 * Returns the number of listed sent frames not read at all.
 */
static bool check_read(size_t *missing, size_t *partial, bool verbose)
{
	bool ok = true;
	size_t seen = 0;

	*missing = *partial = ONWIRE = 0;
	for (size_t i = 0; i < NRF; i++) {
		const struct rframe *f = &RF[i];
		const struct pframe_rec *r = rec_at(f->t);
		size_t j = 0;

		if (r && r >= P()->rec + P()->npub) {
			ONWIRE++;	/* still on the wire */
			continue;
		}
		if (!r) {
			if (verbose)
				tap_diag("read a frame at %lld that is not listed",
					 (long long)f->t);
			ok = false;
			continue;
		}
		seen++;
		for (unsigned int a = 0; a < f->nb; a++) {
			while (j < r->nb && !same_block(&f->b[a], &P()->blk[r->b0 + j]))
				j++;
			if (j == r->nb || P()->blk[r->b0 + j].mark != PQ_OK) {
				if (verbose)
					tap_diag("frame %u: block %u read is not an ok block of it",
						 r->num, a);
				ok = false;
				break;
			}
			j++;
		}
		/*
		 * A hit on the second word of the next frame makes its
		 * first sync read as one more (bad) block of this one.
		 */
		if (r->state == PQ_OK &&
		    (f->nb != r->nb ||
		     (f->nbad && (r + 1 >= P()->rec + P()->npub ||
				  r[1].state == PQ_OK)))) {
			if (verbose)
				tap_diag("intact frame %u read as %u blocks (%u bad)",
					 r->num, f->nb, f->nbad);
			ok = false;
		}
		if (f->nb < r->nb)
			(*partial)++;
	}
	for (size_t k = 0; k < P()->npub; k++)
		if (P()->rec[k].t0 >= 0)
			(*missing)++;
	*missing -= seen;
	return ok;
}

/* ---- layout ------------------------------------------------------------------ */

static void test_layout(void)
{
	struct pblock n1 = { .sig = 1, .x = 160, .y = 100, .w = 20, .h = 30 };
	struct pblock c1 = { .sig = 10, .x = 50, .y = 60, .w = 40, .h = 20,
			     .angle = -45, .cc = true };
	struct pblock two[2] = { n1, c1 };
	uint8_t d[128];
	size_t n;

	pfresh(19200, 6);
	/* pixy.md: sync 0xAA55, checksum = sum of sig..height, LE words */
	n = pixy_frame_bytes(P(), &n1, 1, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 55 aa 37 01 01 00 a0 00 64 00 14 00 1e 00"),
	       "one normal block: 55 AA 55 AA, checksum 0x0137 (1+160+100+20+30), sig, x, y, w, h LE");
	n = pixy_frame_bytes(P(), &c1, 1, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 56 aa 87 00 0a 00 32 00 3c 00 28 00 14 00 d3 ff"),
	       "a colour-code block: 55 AA 56 AA, checksum over six words with angle -45 (0x0087), angle FFD3");
	n = pixy_frame_bytes(P(), two, 2, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 55 aa 37 01 01 00 a0 00 64 00 14 00 1e 00"
			    " 56 aa 87 00 0a 00 32 00 3c 00 28 00 14 00 d3 ff"),
	       "two blocks: the second starts with its own sync word, no second frame sync");
	n = pixy_frame_bytes(P(), NULL, 0, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 55 aa 00 00 00 00"),
	       "an empty frame: its sync words, then (zeros 2) two zero words");
	P()->zeros = 0;
	n = pixy_frame_bytes(P(), NULL, 0, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 55 aa"), "zeros 0: just its sync words");
	P()->zeros = 1;
	P()->zeros_all = true;
	n = pixy_frame_bytes(P(), &n1, 1, d, sizeof(d));
	tap_ok(hex_is(d, n, "55 aa 55 aa 37 01 01 00 a0 00 64 00 14 00 1e 00 00 00"),
	       "zeros-after all: a zero word after a frame with blocks too");
}

/* ---- the scene ------------------------------------------------------------- */

static void test_scene(void)
{
	struct pblock k[PIXY_MAX_OBJ];
	bool ranges = true, sorted = true, sums = true, empty_rule = true;
	unsigned int nmin = 99, nmax = 0, ncc = 0, nnorm = 0, sigs = 0;
	int amin = 999, amax = -999;
	struct pblock k2[PIXY_MAX_OBJ];
	unsigned int n2;
	bool moves = false;

	pfresh(19200, 8);
	for (uint32_t n = 1; n <= 3000; n++) {
		unsigned int nb = pixy_scene(P(), n, k);

		if (n % PIXY_EMPTY_EVERY == 0 && nb)
			empty_rule = false;
		if (n % PIXY_EMPTY_EVERY) {
			nmin = nb < nmin ? nb : nmin;
			nmax = nb > nmax ? nb : nmax;
		}
		for (unsigned int i = 0; i < nb; i++) {
			uint16_t s = pixy_checksum(&k[i]);

			if (k[i].x > 319 || k[i].y > 199 || k[i].w < 1 ||
			    k[i].w > 320 || k[i].h < 1 || k[i].h > 200 ||
			    k[i].sig < 1 ||
			    k[i].x - (k[i].w - 1) / 2 < 0 ||
			    k[i].x + k[i].w / 2 > 319 + 1 ||
			    (!k[i].cc && (k[i].sig > 7 || k[i].angle)) ||
			    (k[i].cc && (k[i].sig < 8 || k[i].angle < -180 ||
					 k[i].angle > 180)))
				ranges = false;
			if (i && (unsigned int)k[i].w * k[i].h >
				 (unsigned int)k[i - 1].w * k[i - 1].h)
				sorted = false;
			if (!s || s == 0xaa55 || s == 0xaa56 || s == 0x55aa)
				sums = false;
			if (k[i].cc) {
				ncc++;
				amin = k[i].angle < amin ? k[i].angle : amin;
				amax = k[i].angle > amax ? k[i].angle : amax;
			} else {
				nnorm++;
				sigs |= 1u << k[i].sig;
			}
		}
	}
	tap_ok(ranges, "scene: x 0..319, y 0..199, width 1..320, height 1..200, boxes inside the picture, signatures 1..7, colour codes octal");
	tap_ok(sorted, "scene: blocks sorted largest (area) first");
	tap_ok(sums, "scene: no checksum is 0, a sync word or 0x55AA");
	tap_ok(empty_rule && nmin == 0 && nmax >= 5,
	       "scene: every 25th frame empty, others vary (%u..%u blocks)",
	       nmin, nmax);
	tap_ok(ncc > 100 && nnorm > 100 && __builtin_popcount(sigs) >= 3 &&
	       amin < -90 && amax > 90,
	       "scene: normal (%u) and colour-code (%u) blocks, %d signatures, angles %d..%d",
	       nnorm, ncc, __builtin_popcount(sigs), amin, amax);
	n2 = pixy_scene(P(), 7, k2);
	P()->scene_seed = 2;
	moves = pixy_scene(P(), 7, k) != n2 || memcmp(k, k2, n2 * sizeof(*k));
	P()->scene_seed = 1;
	tap_ok(pixy_scene(P(), 7, k) == n2 && !memcmp(k, k2, n2 * sizeof(*k)) &&
	       moves, "scene: a pure function of the seed and frame number; another seed, another scene");
	P()->max_blocks = 2;
	tap_ok(pixy_scene(P(), 7, k) == (n2 < 2 ? n2 : 2) &&
	       !memcmp(k, k2, (n2 < 2 ? n2 : 2) * sizeof(*k)),
	       "max-blocks 2: the two largest");
}

/* ---- frames on the wire ------------------------------------------------------ */

static void test_wire(void)
{
	size_t missing, partial;
	bool blocks_ok, times = true, paced = true;
	int64_t bt = 10 * NS_PER_S / 115200;

	pfresh(115200, 8);
	prun(2000 * MS);
	read_all();
	blocks_ok = check_read(&missing, &partial, true);
	tap_ok(NRF == 100 && P()->npub == 100 && missing == 0 && partial == 0 &&
	       blocks_ok && RESYNCS == 0,
	       "115200, 2 s: 100 frames read by a pixy.md reader, each block equal to the listed one (%zu read)",
	       NRF);
	for (size_t k = 0; k < P()->npub; k++) {
		const struct pframe_rec *r = &P()->rec[k];

		if (r->num != k + 1 || r->t_ready != (int64_t)k * 20 * MS ||
		    r->t0 != r->t_ready || r->state != PQ_OK)
			times = false;
	}
	tap_ok(times, "50 Hz: frame N detected at (N-1) x 20 ms and sent at once on a free line, all intact");
	/* byte j of a frame ends at t0 + (j + 1) x 10 bit times */
	for (size_t i = 0; i < NRF; i++) {
		const struct pframe_rec *r = rec_at(RF[i].t);
		size_t end = i + 1 < NRF ? RF[i + 1].first : O.n;

		for (size_t j = RF[i].first; r && j < end; j++)
			if (O.t[j] != r->t0 + (int64_t)((__int128)(j - RF[i].first + 1) *
							 10 * NS_PER_S / 115200))
				paced = false;
	}
	tap_ok(paced && O.t[0] == bt, "bytes paced at 8N1 wire time from each frame's start, exactly");
	{
		char *s = pctl("frame 3");
		char want[64];

		snprintf(want, sizeof(want), "ok 3 ready_ns=%lld start_ns=%lld ",
			 40 * MS, 40 * MS);
		tap_ok(!strncmp(s, want, strlen(want)) && strstr(s, " state=intact blocks="),
		       "frame 3: %.*s...", 60, s);
	}
	{
		const struct pframe_rec *r = pixy_frame(P(), 25);

		tap_ok(r && r->nb == 0 && RF[24].nb == 0 && !RF[24].cut &&
		       !strncmp(pctl("frame 25"), "ok 25 ", 6) &&
		       strstr(pctl("frame 25"), " blocks=0\n"),
		       "frame 25 is empty: read as an empty frame, listed with blocks=0");
	}
	P()->zeros = 0;
	prun(2600 * MS);
	read_all();
	blocks_ok = check_read(&missing, &partial, true);
	tap_ok(blocks_ok && missing == 0 && RF[124].nb == 0 && NRF == 130,
	       "zeros 0: empty frames are just their sync words and still read");
}

static void test_drop_rule(void)
{
	size_t missing, partial, sent = 0, dropped = 0;
	bool rule = true, listed = true, b2b = true, blocks_ok;
	uint32_t prev = 0;
	char nums[256];
	size_t o = 0;

	/* 16 objects at 19200: up to ~250 bytes, 130 ms a frame */
	pfresh(19200, 16);
	prun(3000 * MS);
	for (size_t k = 0; k < P()->npub; k++) {
		const struct pframe_rec *r = &P()->rec[k];

		if (r->num != prev + 1)
			listed = false;
		prev = r->num;
		if (r->state == PQ_DROPPED) {
			dropped++;
			continue;
		}
		sent++;
		if (o < sizeof(nums) - 8)
			o += (size_t)snprintf(nums + o, sizeof(nums) - o, " %u", r->num);
		/* it started before the next frame was detected */
		if (r->t0 < r->t_ready || r->t0 >= r->t_ready + 20 * MS)
			rule = false;
		/* after drops it went out as soon as the line was free */
		if (k && P()->rec[k - 1].state == PQ_DROPPED) {
			size_t j = k - 1;

			while (j > 0 && P()->rec[j].state == PQ_DROPPED)
				j--;
			if (r->t0 != P()->rec[j].t1)
				b2b = false;
		}
	}
	tap_diag("19200, 16 objects: frames sent:%s", nums);
	tap_ok(listed && dropped > 20 && sent > 20,
	       "every frame listed once, in order, sent or dropped (%zu sent, %zu dropped)",
	       sent, dropped);
	tap_ok(rule && b2b, "each frame sent started within its 20 ms; after a drop the newest went out as soon as the line was free");
	{
		bool drule = true;

		for (size_t k = 1; k + 1 < P()->npub; k++) {
			const struct pframe_rec *r = &P()->rec[k];
			size_t j = k - 1;

			if (r->state != PQ_DROPPED)
				continue;
			while (j > 0 && P()->rec[j].state == PQ_DROPPED)
				j--;
			/* the line was busy until the next frame was detected */
			if (P()->rec[j].t1 < r->t_ready + 20 * MS)
				drule = false;
		}
		tap_ok(drule, "a frame is dropped only when the line stayed busy past the next detection");
	}
	read_all();
	blocks_ok = check_read(&missing, &partial, true);
	tap_ok(blocks_ok && missing == 0 && NRF - ONWIRE == sent,
	       "the frames sent read whole, block for block; the dropped ones never on the wire");
	tap_ok(P()->st[PX_FRAMES_DROPPED] == dropped &&
	       P()->st[PX_FRAMES_SENT] >= sent &&
	       strstr(pctl("frames since=3"), "frame 4 ") &&
	       !strstr(pctl("frames since=3"), "frame 3 ") &&
	       strstr(pctl("frames"), "state=dropped"),
	       "stats frames_dropped %zu; frames since=N; dropped frames listed with their blocks marked unsent", dropped);
	{
		char *s = pctl("frames");
		char *d = strstr(s, "state=dropped");

		tap_ok(d && strstr(s, "start_ns=-1 end_ns=-1 state=dropped"),
		       "dropped: start_ns=-1 end_ns=-1");
	}
}

/* ---- commands ------------------------------------------------------------------ */

static void hsend(const char *hex)
{
	uint8_t d[64];
	size_t n = 0;

	for (const char *s = hex; *s; ) {
		unsigned int v;

		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		d[n++] = (uint8_t)v;
		s += 2;
	}
	bus_rx(&PB, PB.now, d, n);
}

static void test_commands(void)
{
	char *s;

	pfresh(19200, 4);
	prun(10 * MS);
	hsend("00 ff f4 01 e8 03");
	prun(30 * MS);
	s = pctl("log");
	tap_ok(strstr(s, "cmd 1 t=") && strstr(s, " servo pan=500 tilt=1000 ok=1 bytes=00fff401e803\n") &&
	       strstr(s, "ok 1\n"), "servos 00 FF s0 s1: logged as servo pan=500 tilt=1000");
	{
		/* t: the end of its 6th byte at 19200 from 10 ms */
		char want[64];

		snprintf(want, sizeof(want), "cmd 1 t=%lld ",
			 10 * MS + (int64_t)(6 * 10 * NS_PER_S / 19200));
		tap_ok(!strncmp(s, want, strlen(want)), "logged at the end of its last byte");
	}
	hsend("00 fe 50");
	hsend("13 00 00 fd ff 00 10");
	prun(60 * MS);
	s = pctl("log since=1");
	tap_ok(strstr(s, "cmd 2 t=") && strstr(s, "brightness value=80 ok=1 bytes=00fe50\n") &&
	       strstr(s, "cmd 3 t=") && strstr(s, "led r=255 g=0 b=16 ok=1 bytes=00fdff0010\n") &&
	       strstr(s, "ok 2\n"),
	       "brightness 00 FE b and LED 00 FD r g b logged, after junk");
	s = pctl("status");
	tap_ok(strstr(s, " pan=500 tilt=1000 brightness=80 led=255,0,16 cmds=3 ") != NULL,
	       "status keeps their effect: %.*s", 90, s + 10);
	hsend("00 ff b0 04 64 00");	/* pan 1200: refused, tilt 100 taken */
	prun(100 * MS);
	tap_ok(strstr(pctl("log since=3"), "servo pan=1200 tilt=100 ok=0") &&
	       strstr(pctl("status"), " pan=500 tilt=100 ") &&
	       P()->st[PX_CMDS_BADVALUE] == 1,
	       "a servo position past 1000 is logged ok=0 and refused; the other servo moves");
	hsend("00 fe");
	prun(120 * MS);
	hsend("07 00 ff 00 00 00 00");	/* 07 completes brightness 7 */
	prun(200 * MS);
	s = pctl("status");
	tap_ok(strstr(s, " brightness=7 ") && strstr(s, " pan=0 tilt=0 ") &&
	       P()->st[PX_CMDS] == 6, "the data bytes are waited for without a timeout, as the firmware does");
	tap_ok(!strcmp(pctl("log clear"), "ok\n") && !strcmp(pctl("log"), "ok 0\n"),
	       "log clear");
	tap_ok(pfault("rxflip 1") && (hsend("00 fe 10"), prun(300 * MS), 1) &&
	       PB.fstat[F_RXFLIP] == 3 && P()->st[PX_CMDS] == 6,
	       "rxflip 1: every received byte flipped, a command no longer recognised");
	pfault("clear");
}

/* ---- faults ------------------------------------------------------------------- */

static void fault_run(unsigned int objects, const char *spec, int64_t ms)
{
	pfresh(115200, objects);
	prun(100 * MS);
	if (spec)
		pfault(spec);
	prun(ms * MS);
	read_all();
}

static unsigned int count_state(enum pq q)
{
	unsigned int n = 0;

	for (size_t k = 0; k < P()->npub; k++)
		n += P()->rec[k].state == q;
	return n;
}

static unsigned int count_mark(enum pq q)
{
	unsigned int n = 0;

	for (size_t k = 0; k < P()->nblk; k++)
		n += P()->blk[k].mark == q;
	return n;
}

static void test_faults(void)
{
	size_t missing, partial;
	unsigned int bad = 0;
	bool ok;

	fault_run(8, "badsum 3", 500);
	ok = check_read(&missing, &partial, true);
	for (size_t i = 0; i < NRF; i++)
		bad += RF[i].nbad;
	tap_ok(ok && missing == 0 && bad == 3 && count_mark(PQ_BADSUM) == 3 &&
	       count_state(PQ_BADSUM) >= 1 && PB.fstat[F_BADSUM] == 3 &&
	       !strcmp(pctl("faults"), "ok 0\n"),
	       "badsum 3: three blocks fail their checksum, marked badsum, the rest of their frames read");
	tap_ok(strstr(pctl("frames"), ",0,badsum") || strstr(pctl("frames"), ",1,badsum"),
	       "frames lists b=...,MARK badsum");

	fault_run(8, "byteflip 0.002", 3000);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && count_state(PQ_BYTEFLIP) > 3 && PB.fstat[F_BYTEFLIP] > 3,
	       "byteflip 0.002: %u frames spoiled; every block read is an ok block of its frame",
	       count_state(PQ_BYTEFLIP));

	fault_run(8, "slip 1 drop", 200);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && count_state(PQ_SLIP) == 1 && RESYNCS >= 1 &&
	       NRF >= P()->npub - 1 && PB.fstat[F_SLIP] == 1,
	       "slip 1 drop: one byte gone, the reader finds 0x55AA and drops a byte (%zu resyncs), the next frames read",
	       RESYNCS);
	{
		/* the frame after the slip is intact and read whole */
		size_t k = 0;

		while (k < P()->npub && P()->rec[k].state != PQ_SLIP)
			k++;
		tap_ok(k + 1 < P()->npub && P()->rec[k + 1].state == PQ_OK &&
		       rec_at(P()->rec[k + 1].t0 + 10 * NS_PER_S / 115200),
		       "the frame after the slip is intact");
	}
	fault_run(8, "slip 1 insert", 200);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && count_state(PQ_SLIP) == 1 && RESYNCS >= 1,
	       "slip 1 insert: one byte more, recovered the same way (%zu resyncs)", RESYNCS);
	fault_run(8, "slip 20", 1000);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && count_state(PQ_SLIP) == 20 && RESYNCS >= 10 && missing <= 20,
	       "slip 20: twenty frames one byte off, %zu resyncs, all other frames read (%zu missing)",
	       RESYNCS, missing);

	fault_run(8, "garbage 0.002", 3000);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && PB.fstat[F_GARBAGE] > 3, "garbage 0.002: blocks read are ok blocks");

	fault_run(8, "drop 0.002", 3000);
	ok = check_read(&missing, &partial, true);
	tap_ok(ok && count_state(PQ_DROP) > 3, "drop 0.002: blocks read are ok blocks");

	/* stall: the frame pauses half-way, frames detected meanwhile drop */
	fault_run(8, "stall 70", 300);
	{
		const struct pframe_rec *r = NULL;
		bool gap = false;

		for (size_t k = 0; k < P()->npub; k++)
			if (P()->rec[k].t1 - P()->rec[k].t0 >= 70 * MS) {
				r = &P()->rec[k];
				break;
			}
		for (size_t i = 1; r && i < O.n; i++)
			if (O.t[i - 1] > r->t0 && O.t[i] <= r->t1 &&
			    O.t[i] - O.t[i - 1] >= 70 * MS)
				gap = true;
		ok = check_read(&missing, &partial, true);
		tap_ok(r && r->state == PQ_OK && gap && count_state(PQ_DROPPED) >= 2 &&
		       ok && missing == 0,
		       "stall 70: a 70 ms pause mid-frame, the frame stays intact, %u frames detected meanwhile dropped",
		       count_state(PQ_DROPPED));
	}

	/* unplug: nothing on the wire, frames listed unplugged; plug: back */
	pfresh(115200, 8);
	prun(105 * MS);
	pfault("unplug");
	{
		size_t n0 = O.n;

		prun(300 * MS);
		ok = O.n - n0 < 40;	/* at most the frame under way, cut */
		pfault("plug");
		prun(500 * MS);
		read_all();
		tap_ok(ok && count_state(PQ_UNPLUGGED) >= 9 &&
		       check_read(&missing, &partial, true) && missing == 0 &&
		       P()->rec[P()->npub - 1].state == PQ_OK &&
		       strstr(pctl("frame 10"), "start_ns=-1 end_ns=-1 state=unplugged"),
		       "unplug: silence, %u frames listed unplugged (never on the wire: -1); plug: intact again",
		       count_state(PQ_UNPLUGGED));
	}
	tap_ok(!pfault("badcrc 1") && !pfault("truncate 1") && !pfault("byteflip 1 addr=1") &&
	       !strncmp(pctl("powercycle"), "err ", 4) && pfault("slip 2 insert") &&
	       !strcmp(pctl("faults"), "fault slip 2 insert\nok 1\n") && pfault("clear") &&
	       !strcmp(pctl("faults"), "ok 0\n"),
	       "faults of other families refused; faults lists, clear clears");
}

/* ---- control ------------------------------------------------------------------ */

static void test_control(void)
{
	char *s;

	pfresh(19200, 6);
	prun(100 * MS);
	s = pctl("status");
	tap_ok(!strncmp(s, "ok family=pixy rate=19200 guest=19200 plugged=1 ",
			strlen("ok family=pixy rate=19200 guest=19200 plugged=1 ")) &&
	       strstr(s, " fps=50 objects=6 scene-seed=1 max-blocks=32 zeros=2 zeros-after=empty\n"),
	       "status: %.*s...", 60, s);
	tap_ok(!strcmp(pctl("set objects 12"), "ok\n") &&
	       !strcmp(pctl("set seed 7"), "ok\n") &&
	       !strcmp(pctl("set scene-seed 9"), "ok\n") &&
	       !strcmp(pctl("set max-blocks 4"), "ok\n") &&
	       !strcmp(pctl("set zeros 0"), "ok\n") &&
	       !strcmp(pctl("set zeros-after all"), "ok\n") &&
	       !strcmp(pctl("set rate 115200"), "ok\n") &&
	       !strcmp(pctl("set guest-rate follow"), "ok\n") &&
	       !strncmp(pctl("set objects 33"), "err ", 4) &&
	       !strncmp(pctl("set rate 100"), "err ", 4) &&
	       !strncmp(pctl("set res 10x10"), "err ", 4) &&
	       strstr(pctl("status"), " rate=115200 ") &&
	       strstr(pctl("status"), " objects=12 scene-seed=9 max-blocks=4 zeros=0 zeros-after=all"),
	       "set objects, scene-seed (alias seed), max-blocks, zeros, zeros-after, rate; bad values refused");
	tap_ok(!strcmp(pctl("set fps 25"), "ok\n"), "set fps 25");
	prun(500 * MS);
	{
		const struct pframe_rec *a = &P()->rec[P()->npub - 2];
		const struct pframe_rec *b = &P()->rec[P()->npub - 1];

		tap_ok(b->t_ready - a->t_ready == 40 * MS && b->nb <= 4,
		       "fps 25: frames 40 ms apart; max-blocks 4 applies");
	}
	tap_ok(!strncmp(pctl("wait-frames 3"), "ok ", 3) &&
	       !strcmp(pctl("wait-frames 100000 1"), "err timeout\n"),
	       "wait-frames");
	s = pctl("stats");
	tap_ok(strstr(s, "stat frames_sent ") && strstr(s, "stat frames_dropped ") &&
	       strstr(s, "stat fault_badsum 0\n") && strstr(s, "stat fault_slip 0\n") &&
	       !strstr(s, "fault_badcrc"),
	       "stats: the pixy counters and its faults");
	tap_ok(strstr(pctl("help"), "frames [since=N]") != NULL, "help");
}

void pixy_unit_tests(void)
{
	test_layout();
	test_scene();
	test_wire();
	test_drop_rule();
	test_commands();
	test_faults();
	test_control();
	bus_free(&PB);
	free(O.d);
	free(O.t);
	memset(&O, 0, sizeof(O));
}
