// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the OpenMV Protocol camera (omvp.c) in virtual time, no
 * sockets: a host written here from openmv-protocol.md talks to the model
 * through the bus (its bytes take wire time both ways), and checks every
 * reply byte for byte, with the times the bytes arrive.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camera.h"
#include "control.h"
#include "crc16.h"
#include "image.h"
#include "omvp.h"
#include "tap.h"
#include "util.h"
#include "wire.h"

#define MS 1000000LL

static struct bus OB;
static char tdir[64];

/* Everything the host's UART received, with arrival times; rpos: parsed. */
static struct {
	uint8_t *d;
	int64_t *t;
	size_t n, cap;
} R;
static size_t rpos;
static uint8_t hseq;		/* the host's idea of the device's counter */

static struct omvp *O(void)
{
	return OB.omvp;
}

/* Run the model up to @t, keeping what the host received. */
static void orun(int64_t t)
{
	bus_advance(&OB, t);
	if (!OB.out_bytes.n)
		return;
	if (R.n + OB.out_bytes.n > R.cap) {
		while (R.n + OB.out_bytes.n > R.cap)
			R.cap = R.cap ? 2 * R.cap : 65536;
		R.d = xrealloc(R.d, R.cap);
		R.t = xrealloc(R.t, R.cap * sizeof(*R.t));
	}
	memcpy(R.d + R.n, OB.out_bytes.d, OB.out_bytes.n);
	memcpy(R.t + R.n, OB.out_bytes.t, OB.out_bytes.n * sizeof(*R.t));
	R.n += OB.out_bytes.n;
	bus_out_clear(&OB);
}

static void owait(int64_t ns)
{
	orun(OB.now + ns);
}

/* A fresh device powered on at 0: "key=value ..." settings first. */
static void ofresh(const char *spec)
{
	char *copy = xstrdup(spec), *w[32], err[160];
	int nw = split_words(copy, w, 32);

	bus_free(&OB);
	bus_init(&OB, 0);
	OB.omvp = omvp_new(0);
	for (int i = 0; i < nw; i++) {
		char *eq = strchr(w[i], '=');

		*eq = 0;
		if (omvp_set(&OB, w[i], eq + 1, err, sizeof(err)))
			tap_diag("set %s %s: %s", w[i], eq + 1, err);
	}
	free(copy);
	omvp_start(O(), 0);
	prng_seed(&OB.prng, 7);
	R.n = 0;
	rpos = 0;
	hseq = 0;
}

static char *octl(const char *line)
{
	return test_ctl(&OB, line);
}

static bool ofault(const char *spec)
{
	return test_fault(&OB, spec);
}

static uint64_t ost(enum omstat s)
{
	return O()->st[s];
}

/* ---- the host's packets ------------------------------------------------- */

static void hsend_raw(const uint8_t *d, size_t n)
{
	bus_rx(&OB, OB.now, d, n);
}

static void hsend(uint8_t seq, uint8_t chan, uint8_t flags, uint8_t op,
		  const void *p, size_t n)
{
	uint8_t *b = xmalloc(n + 14);

	hsend_raw(b, omvp_pack(b, seq, chan, flags, op, p, n));
	free(b);
}

struct rpkt {
	uint8_t seq, chan, flags, op;
	size_t n;
	const uint8_t *p;
	bool hcrc, dcrc;
	size_t at, len;		/* where in R, total bytes */
	int64_t t0, t1;		/* first and last byte arrived */
};

/* The packet at rpos, if all of it is in (bytes before AA D5 skipped). */
static bool parse_at(struct rpkt *k)
{
	size_t n, need;

	while (rpos + 1 < R.n && !(R.d[rpos] == 0xaa && R.d[rpos + 1] == 0xd5))
		rpos++;
	if (rpos + 10 > R.n)
		return false;
	n = get_le(R.d + rpos + 6, 2);
	need = 10 + (n ? n + 4 : 0);
	if (rpos + need > R.n)
		return false;
	k->at = rpos;
	k->len = need;
	k->seq = R.d[rpos + 2];
	k->chan = R.d[rpos + 3];
	k->flags = R.d[rpos + 4];
	k->op = R.d[rpos + 5];
	k->n = n;
	k->p = R.d + rpos + 10;
	k->hcrc = get_le(R.d + rpos + 8, 2) ==
		  omv_crc16(OMV_CRC16_INIT, R.d + rpos, 8);
	k->dcrc = !n || get_le(R.d + rpos + 10 + n, 4) ==
			omv_crc32(OMV_CRC32_INIT, k->p, n);
	k->t0 = R.t[rpos];
	k->t1 = R.t[rpos + need - 1];
	rpos += need;
	return true;
}

/* The next packet from the device, waiting until @deadline at most. */
static bool rget(struct rpkt *k, int64_t deadline)
{
	for (;;) {
		int64_t t;

		if (parse_at(k))
			return true;
		t = bus_next_event(&OB);
		if (t > deadline) {
			orun(deadline);
			return parse_at(k);
		}
		orun(t);
	}
}

/* Nothing comes within @ns (bytes that do come are left unparsed). */
static bool silent(int64_t ns)
{
	size_t n = R.n;

	owait(ns);
	return R.n == n;
}

struct xres {
	bool ok;		/* a complete reply came */
	int npk, events;
	uint8_t flags;		/* of the first packet */
	uint16_t status;	/* NAK code */
	uint8_t seq;		/* of the first packet */
	size_t n;
	uint8_t *d;		/* all data packets' payloads */
	struct rpkt first, last;
};

/*
 * One request with the host's seq: ACK what asks for it at once, skip
 * events, gather fragments. The host's counter follows the packets.
 */
static struct xres xact(uint8_t chan, uint8_t op, const void *p, size_t n)
{
	static uint8_t *buf;
	static size_t cap;
	struct xres x = { 0 };
	struct rpkt k;

	hsend(hseq, chan, 0, op, p, n);
	while (rget(&k, OB.now + 2000 * MS)) {
		if (k.flags & OMV_EVENT) {
			x.events++;
			continue;
		}
		if (!x.npk++) {
			x.first = k;
			x.flags = k.flags;
			x.seq = k.seq;
		}
		x.last = k;
		hseq = (uint8_t)(k.seq + 1);
		if (k.flags & OMV_NAK)
			x.status = (uint16_t)get_le(k.p, 2);
		if (x.n + k.n > cap) {
			cap = 2 * (x.n + k.n);
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + x.n, k.p, k.n);
		x.n += k.n;
		if (k.flags & OMV_ACK_REQ)
			hsend(k.seq, k.chan, OMV_ACK, k.op, NULL, 0);
		if (!(k.flags & OMV_FRAGMENT)) {
			x.ok = true;
			break;
		}
	}
	x.d = buf;
	return x;
}

static bool is_ack(const struct xres *x)
{
	return x->ok && x->npk == 1 && x->flags == OMV_ACK && !x->n;
}

static bool is_nak(const struct xres *x, int code)
{
	return x->ok && x->npk == 1 && x->flags == OMV_NAK && x->n == 2 &&
	       x->status == code;
}

static bool hsync(void)
{
	struct rpkt k;

	hsend(0x5a, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	if (!rget(&k, OB.now + 2000 * MS))
		return false;
	hseq = 0;
	return k.flags == OMV_ACK && k.seq == 0 && k.op == 0 && !k.n;
}

static struct xres ioctl2(uint32_t req, uint32_t v)
{
	uint8_t p[8];

	put_le(p, req, 4);
	put_le(p + 4, v, 4);
	return xact(3, OMV_CH_IOCTL, p, 8);
}

static struct xres xread(uint8_t chan, uint32_t off, uint32_t len)
{
	uint8_t p[8];

	put_le(p, off, 4);
	put_le(p + 4, len, 4);
	return xact(chan, OMV_CH_READ, p, 8);
}

static uint32_t xsize(void)
{
	struct xres x = xact(3, OMV_CH_SIZE, NULL, 0);

	return x.ok && x.n == 4 ? get_le(x.d, 4) : 0xffffffffu;
}

/* LOCK until granted (every 5 ms), within @ms. */
static bool lock_frame(int ms)
{
	int64_t end = OB.now + ms * MS;

	while (OB.now < end) {
		struct xres x = xact(3, OMV_CH_LOCK, NULL, 0);

		if (is_ack(&x))
			return true;
		if (!is_nak(&x, OMV_BUSY))
			return false;
		owait(5 * MS);
	}
	return false;
}

/*
 * SIZE and READ the locked frame as one READ; check the header, and the
 * image against the record LOCK made. Returns the image's byte count.
 */
static size_t read_frame(uint32_t pixfmt, const struct oframe_rec **rec)
{
	uint32_t total = xsize(), off;
	struct xres x;
	char sha[65];
	const struct oframe_rec *r = O()->nrec ? &O()->rec[O()->nrec - 1] : NULL;

	if (!r || total == 0xffffffffu || total < 24)
		return 0;
	x = xread(3, 0, total);
	if (!x.ok || x.n != total)
		return 0;
	off = get_le(x.d + 16, 4);
	if (get_le(x.d, 4) != r->w || get_le(x.d + 4, 4) != r->h ||
	    get_le(x.d + 8, 4) != pixfmt || off + r->size != total)
		return 0;
	sha256_hex(x.d + off, r->size, sha);
	if (strcmp(sha, r->sha))
		return 0;
	if (rec)
		*rec = r;
	return r->size;
}

/* Within a nanosecond (sums of separately rounded wire times). */
static bool near(int64_t a, int64_t b)
{
	return llabs(a - b) <= 1;
}

static int64_t wire(size_t bytes, uint32_t rate)
{
	return (int64_t)((__int128)bytes * 10 * NS_PER_S / rate);
}

/* ---- CRCs and the page's example packets -------------------------------- */

static bool bytes_are(const uint8_t *d, size_t n, const char *hex)
{
	uint8_t want[64];
	size_t k = 0;

	for (const char *s = hex; *s && k < sizeof(want); ) {
		unsigned int v;

		while (*s == ' ' || *s == '|')
			s++;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		want[k++] = (uint8_t)v;
		s += 2;
	}
	return k == n && !memcmp(d, want, n);
}

static void test_crc(void)
{
	const uint8_t *nine = (const uint8_t *)"123456789";
	uint8_t b[64], p[8];
	size_t n;

	tap_ok(omv_crc16(OMV_CRC16_INIT, nine, 9) == 0xe541,
	       "omvp CRC-16 (0xF94F, init 0xFFFF) of \"123456789\" is 0xE541");
	tap_ok(omv_crc32(OMV_CRC32_INIT, nine, 9) == 0x41b403d3,
	       "omvp CRC-32 (0xFA567D89, init 0xFFFFFFFF) of \"123456789\" is 0x41B403D3");
	tap_ok(omv_crc32(omv_crc32(OMV_CRC32_INIT, nine, 4), nine + 4, 5) ==
	       0x41b403d3 &&
	       omv_crc16(omv_crc16(OMV_CRC16_INIT, nine, 3), nine + 3, 6) ==
	       0xe541, "omvp CRCs can be computed in pieces");
	n = omvp_pack(b, 0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	tap_ok(bytes_are(b, n, "AA D5 00 00 00 00 00 00 B0 AC"),
	       "page example: host PROTO_SYNC seq 0");
	put_le(p, 0, 4);
	put_le(p + 4, 4082, 4);
	n = omvp_pack(b, 0, 3, 0, OMV_CH_READ, p, 8);
	tap_ok(bytes_are(b, n, "AA D5 00 03 00 26 08 00 67 BB | 00 00 00 00 F2 0F 00 00 | 00 78 31 39"),
	       "page example: host READ ch3 off 0 len 4082");
	put_le(p, 0, 4);
	put_le(p + 4, 1, 4);
	n = omvp_pack(b, 0, 3, 0, OMV_CH_IOCTL, p, 8);
	tap_ok(bytes_are(b, n, "AA D5 00 03 00 28 08 00 04 1C 00 00 00 00 01 00 00 00 D0 42 57 61"),
	       "page example: host IOCTL ch3 STREAM_CTRL=1");
	put_le(p, 0x1234, 4);
	n = omvp_pack(b, 0, 3, OMV_ACK_REQ, OMV_CH_SIZE, p, 4);
	tap_ok(bytes_are(b, n, "AA D5 00 03 08 25 04 00 D2 B2 34 12 00 00 85 23 99 DF"),
	       "page example: device SIZE reply 0x1234 (built by the test host)");
	n = omvp_pack(b, 0, 3, OMV_ACK, OMV_CH_SIZE, NULL, 0);
	tap_ok(bytes_are(b, n, "AA D5 00 03 01 25 00 00 22 F1"),
	       "page example: host ACK of it");

	/* the same packets from the device */
	ofresh("poll-ms=0");
	hsend(0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	{
		struct rpkt k;

		tap_ok(rget(&k, 100 * MS) &&
		       bytes_are(R.d + k.at, k.len, "AA D5 00 00 01 00 00 00 08 46"),
		       "the device's SYNC reply is the page's: AA D5 00 00 01 00 00 00 08 46");
	}
	{
		struct xres x = xact(3, OMV_CH_LOCK, NULL, 0);

		tap_ok(x.ok && bytes_are(R.d + x.first.at, x.first.len,
					 "AA D5 00 03 02 22 02 00 69 94 04 00 1F 28 E2 48"),
		       "LOCK with no frame: the page's NAK BUSY, byte for byte");
	}
	/* counter to 7, then a frame-ready event */
	ofresh("poll-ms=0 fps=10");
	hsync();
	for (int i = 0; i < 6; i++)
		xact(0, OMV_GET_CAPS, NULL, 0);
	{
		struct xres x = ioctl2(OMV_STREAM_CTRL, 1);
		struct rpkt k;

		tap_ok(is_ack(&x) && x.seq == 6 &&
		       rget(&k, OB.now + 500 * MS) &&
		       bytes_are(R.d + k.at, k.len, "AA D5 07 03 20 29 00 00 9B 5B"),
		       "at counter 7 the frame-ready event is the page's AA D5 07 03 20 29 00 00 9B 5B");
	}
}

/* ---- protocol opcodes --------------------------------------------------- */

static void test_sync(void)
{
	uint8_t b[64], caps[16] = { 0 };
	struct xres x;
	struct rpkt k;
	size_t n;

	ofresh("poll-ms=0");
	hsend(0x99, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	tap_ok(rget(&k, 100 * MS) && k.flags == OMV_ACK && k.seq == 0 &&
	       k.hcrc && silent(50 * MS),
	       "PROTO_SYNC with any seq: one ACK at seq 0");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.seq == 0 && x.flags == OMV_ACK_REQ,
	       "the request after SYNC uses seq 0 (the SYNC ACK consumed none)");
	/* SET_CAPS, then SYNC restores the defaults */
	put_le(caps, OMV_CAP_CRC | OMV_CAP_SEQ | OMV_CAP_ACK, 4);
	put_le(caps + 4, 200, 2);
	x = xact(0, OMV_SET_CAPS, caps, 16);
	tap_ok(is_ack(&x) && O()->max_payload == 200 && O()->caps == 7,
	       "SET_CAPS max_payload 200, no events: ACK, applied");
	hsync();
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.n == 16 && get_le(x.d, 4) == 0xf &&
	       get_le(x.d + 4, 2) == 4082,
	       "SYNC restores the default caps (0xf, 4082)");
	/* pipelined bytes after a SYNC are lost */
	n = omvp_pack(b, 0x10, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	n += omvp_pack(b + n, 0, 0, 0, OMV_GET_CAPS, NULL, 0);
	{
		uint64_t junk = ost(OM_RX_JUNK_BYTES);

		hsend_raw(b, n);
		tap_ok(rget(&k, OB.now + 100 * MS) && k.flags == OMV_ACK &&
		       k.op == 0 && silent(200 * MS) &&
		       ost(OM_RX_JUNK_BYTES) == junk + 10,
		       "a request pipelined right after a SYNC is lost (10 bytes counted in rx_junk_bytes)");
	}
	/* SYNC inside a partial packet */
	hseq = 0;
	{
		uint8_t p[8] = { 0 };

		n = omvp_pack(b, 0, 3, 0, OMV_CH_READ, p, 8);
		hsend_raw(b, 14);	/* header and 4 payload bytes */
		owait(5 * MS);
		tap_ok(hsync() && O()->pn == 0,
		       "SYNC is recognised inside a partial packet");
	}
	/* SYNC in the middle of an ACK wait */
	hsend(hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	tap_ok(rget(&k, OB.now + 100 * MS) && (k.flags & OMV_ACK_REQ) &&
	       O()->tx.wait, "GET_CAPS reply, not ACKed: the device waits");
	tap_ok(hsync() && !O()->tx.on && silent(3000 * MS),
	       "SYNC during the ACK wait: ACK at seq 0, the wait is cancelled (no resend)");
	/* SYNC unlocks */
	ofresh("poll-ms=0");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(lock_frame(1000) && O()->slot == SLOT_LOCKED && hsync() &&
	       O()->slot == SLOT_EMPTY && xsize() == 0,
	       "SYNC frees a held lock: the frame is dropped, SIZE 0");
}

static void test_caps(void)
{
	uint8_t caps[16] = { 0 }, s[16];
	struct xres x;
	struct rpkt k;

	ofresh("poll-ms=0 max-payload=498");
	hsync();
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.flags == OMV_ACK_REQ && x.n == 16 &&
	       get_le(x.d, 4) == 0xf && get_le(x.d + 4, 2) == 498 &&
	       !memcmp(x.d + 6, caps, 10),
	       "GET_CAPS: 16 bytes, flags crc|seq|ack|events, board max_payload 498, 10 reserved");
	put_le(caps, 0xf, 4);
	put_le(caps + 4, 49, 2);
	x = xact(0, OMV_SET_CAPS, caps, 16);
	tap_ok(is_nak(&x, OMV_INVALID), "SET_CAPS max_payload 49: NAK INVALID");
	put_le(caps + 4, 499, 2);
	x = xact(0, OMV_SET_CAPS, caps, 16);
	tap_ok(is_nak(&x, OMV_INVALID),
	       "SET_CAPS max_payload above the board's: NAK INVALID");
	put_le(caps + 4, 50, 2);
	x = xact(0, OMV_SET_CAPS, caps, 15);
	tap_ok(is_nak(&x, OMV_INVALID), "SET_CAPS with 15 bytes: NAK INVALID");
	x = xact(0, OMV_SET_CAPS, caps, 16);
	tap_ok(is_ack(&x) && O()->max_payload == 50,
	       "SET_CAPS max_payload 50 (the minimum): ACK");
	/* CRC off: HCRC 0, DCRC garbage; ACKed under the old caps */
	put_le(caps, OMV_CAP_SEQ | OMV_CAP_ACK | OMV_CAP_EVENTS, 4);
	x = xact(0, OMV_SET_CAPS, caps, 16);
	tap_ok(is_ack(&x) && x.first.hcrc,
	       "SET_CAPS crc off is ACKed under the old caps (HCRC right)");
	x = xact(0, OMV_PROTO_VERSION, NULL, 0);
	tap_ok(x.ok && get_le(R.d + x.first.at + 8, 2) == 0 && !x.first.dcrc &&
	       x.n == 16, "CRC off: HCRC sent as 0, the DCRC bytes are garbage");
	{
		/* host packets need no CRC now */
		uint8_t b[16];
		size_t n = omvp_pack(b, hseq, 0, 0, OMV_GET_CAPS, NULL, 0);

		b[8] = b[9] = 0x77;
		hsend_raw(b, n);
		tap_ok(rget(&k, OB.now + 100 * MS) && k.op == OMV_GET_CAPS &&
		       k.n == 16 && get_le(k.p, 4) == 0x0e,
		       "CRC off: a host packet with any HCRC is taken");
		hsend(k.seq, 0, OMV_ACK, k.op, NULL, 0);
		hseq = (uint8_t)(k.seq + 1);
	}
	/* seq off */
	put_le(caps, OMV_CAP_CRC | OMV_CAP_ACK, 4);
	xact(0, OMV_SET_CAPS, caps, 16);
	hseq = (uint8_t)(hseq + 40);
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.flags == OMV_ACK_REQ && get_le(x.d, 4) == 5,
	       "seq off: a request with a wrong seq is answered");
	/* ack off: no ACK_REQ, fragments back to back, counter advances */
	put_le(caps, OMV_CAP_CRC | OMV_CAP_SEQ, 4);
	put_le(caps + 4, 50, 2);
	hsync();
	x = xact(0, OMV_SET_CAPS, caps, 16);
	{
		int np = 0, seqok = 1;
		bool b2b = true;
		int64_t prev = 0;

		hsend(hseq, 0, 0, OMV_SYS_INFO, NULL, 0);
		while (rget(&k, OB.now + 50 * MS)) {
			if (k.flags & OMV_ACK_REQ)
				seqok = 0;
			if (k.seq != (uint8_t)(hseq + np))
				seqok = 0;
			if (np && !near(k.t0, prev + wire(1, 921600)))
				b2b = false;
			prev = k.t1;
			np++;
			if (!(k.flags & OMV_FRAGMENT))
				break;
		}
		tap_ok(np == 2 && seqok && b2b,
		       "ack off: SYS_INFO (76 bytes) in 2 packets of <= 50, back to back, seq S, S+1, no ACK_REQ");
		hseq = (uint8_t)(hseq + np);
		x = xact(0, OMV_GET_CAPS, NULL, 0);
		tap_ok(x.ok && x.seq == hseq - 1 && get_le(x.d, 4) == 3,
		       "ack off: the next request uses S+2");
	}
	/* events off */
	ofresh("poll-ms=0 caps=crc,seq,ack fps=50");
	hsync();
	x = ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(is_ack(&x) && silent(300 * MS) && O()->slot == SLOT_READY,
	       "--caps without events: a frame is published, no event sent");
	/* STATS, PROTO_VERSION, SYS_INFO, SYS_MEMORY */
	ofresh("poll-ms=0");
	hsync();
	x = xact(0, OMV_PROTO_VERSION, NULL, 0);
	memset(s, 0, sizeof(s));
	memcpy(s, "\x01\x00\x02\x01\x00\x00\x05\x00\x00", 9);
	tap_ok(x.ok && x.n == 16 && !memcmp(x.d, s, 16),
	       "PROTO_VERSION: 16 bytes, protocol 1.0.2, bootloader 1.0.0, firmware 5.0.0");
	x = xact(0, OMV_SYS_INFO, NULL, 0);
	tap_ok(x.ok && x.n == 76 && get_le(x.d, 4) == 0x411fc271,
	       "SYS_INFO: 76 bytes");
	x = xact(0, OMV_STATS, NULL, 0);
	owait(MS);
	tap_ok(x.ok && x.n == 32 && get_le(x.d, 4) == ost(OM_PACKETS_OUT) - 1 &&
	       get_le(x.d + 4, 4) == ost(OM_PACKETS_IN) - 1,
	       "STATS: 32 bytes, packets sent %u and received %u so far",
	       (unsigned int)get_le(x.d, 4), (unsigned int)get_le(x.d + 4, 4));
	x = xact(0, OMV_SYS_MEMORY, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "SYS_MEMORY: NAK INVALID (no layout in the page)");
	x = xact(0, OMV_GET_CAPS, "x", 1);
	tap_ok(is_nak(&x, OMV_INVALID), "GET_CAPS with a payload: NAK INVALID");
}

static void test_invalid(void)
{
	struct xres x;
	uint8_t b[32];
	size_t n;
	struct rpkt k;

	ofresh("poll-ms=0");
	hsync();
	x = xact(3, OMV_GET_CAPS, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID) && x.first.chan == 3 &&
	       x.first.op == OMV_GET_CAPS,
	       "opcode <= 0x14 on channel 3: NAK INVALID (same chan and opcode)");
	x = xact(1, OMV_SYS_RESET, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID) && !ost(OM_BOOTS),
	       "SYS_RESET on channel 1: NAK INVALID, no reset");
	x = xact(0, 0x07, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "unknown opcode 0x07: NAK INVALID");
	x = xact(0, 0x2a, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "unknown opcode 0x2A: NAK INVALID");
	x = xact(9, OMV_CH_SIZE, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "SIZE on a channel that does not exist: NAK INVALID");
	hsend(hseq, 0, OMV_FRAGMENT, OMV_GET_CAPS, NULL, 0);
	tap_ok(rget(&k, OB.now + 50 * MS) && k.flags == OMV_NAK &&
	       get_le(k.p, 2) == OMV_FRAGMENT_ERR,
	       "a request with FRAGMENT set: NAK FRAGMENT (8)");
	hseq++;
	/* receive errors */
	n = omvp_pack(b, hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	b[8] ^= 1;
	hsend_raw(b, n);
	tap_ok(silent(100 * MS) && ost(OM_HCRC_ERRORS) == 1,
	       "a bad HCRC: dropped silently (hcrc_errors 1)");
	memset(b, 0, sizeof(b));
	n = omvp_pack(b, hseq, 3, 0, OMV_CH_WRITE, NULL, 0);
	put_le(b + 6, 4083, 2);
	put_le(b + 8, omv_crc16(OMV_CRC16_INIT, b, 8), 2);
	hsend_raw(b, n);
	tap_ok(rget(&k, OB.now + 50 * MS) && k.flags == OMV_NAK &&
	       get_le(k.p, 2) == OMV_OVERFLOW && k.seq == hseq &&
	       ost(OM_OVERFLOW_ERRORS) == 1,
	       "LENGTH 4083 > max_payload: NAK OVERFLOW (7) at once, from the header");
	hseq++;
	n = omvp_pack(b, hseq, 1, 0, OMV_CH_WRITE, "print(1)", 8);
	b[n - 1] ^= 0x80;
	hsend_raw(b, n);
	tap_ok(rget(&k, OB.now + 50 * MS) && k.flags == OMV_NAK &&
	       get_le(k.p, 2) == OMV_CHECKSUM && ost(OM_DCRC_ERRORS) == 1,
	       "a bad DCRC: NAK CHECKSUM (5)");
	hseq++;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.flags == OMV_ACK_REQ,
	       "every NAK advanced the counter: the next seq is answered");
	/* ACK_REQ on a request is ignored; host events are ignored */
	hsend(hseq, 0, OMV_ACK_REQ, OMV_GET_CAPS, NULL, 0);
	tap_ok(rget(&k, OB.now + 50 * MS) && k.flags == OMV_ACK_REQ &&
	       k.n == 16, "ACK_REQ on a request: ignored, a normal reply");
	hsend(k.seq, 0, OMV_ACK, k.op, NULL, 0);
	hseq++;
	hsend(hseq, 3, OMV_EVENT, OMV_CH_EVENT, NULL, 0);
	hsend(77, 0, OMV_EVENT, OMV_SYS_EVENT, "\x01\x00", 2);
	tap_ok(silent(100 * MS), "events from the host: ignored, no reply, no seq check");
}

/* ---- channels ----------------------------------------------------------- */

static void test_channels(void)
{
	struct xres x;
	uint8_t want[64] = { 0 };

	ofresh("poll-ms=0");
	hsync();
	x = xact(0, OMV_CH_LIST, NULL, 0);
	memcpy(want, "\x00\x40uart", 6);
	memcpy(want + 16, "\x01\x06stdin", 7);
	memcpy(want + 32, "\x02\x01stdout", 8);
	memcpy(want + 48, "\x03\x19stream", 8);
	tap_ok(x.ok && x.n == 64 && !memcmp(x.d, want, 64),
	       "LIST: 0 uart 40, 1 stdin 06, 2 stdout 01, 3 stream 19; 16 bytes each, NUL-padded");
	x = xact(3, OMV_CH_LIST, NULL, 0);
	tap_ok(x.ok && x.n == 64 && x.first.chan == 3, "LIST on channel 3: the same list");
	x = xact(0, OMV_CH_POLL, NULL, 0);
	tap_ok(x.ok && x.n == 4 && get_le(x.d, 4) == 0, "POLL: nothing ready");
	x = xact(1, OMV_CH_WRITE, "print('hi')", 11);
	tap_ok(is_ack(&x), "WRITE to stdin: ACK");
	x = xact(1, OMV_CH_IOCTL, "\x01\x00\x00\x00", 4);
	tap_ok(is_ack(&x), "IOCTL on stdin: ACK");
	x = xact(1, OMV_CH_READ, "\0\0\0\0\1\0\0\0", 8);
	tap_ok(is_nak(&x, OMV_INVALID), "READ on stdin (no READ flag): NAK INVALID");
	x = xact(2, OMV_CH_SIZE, NULL, 0);
	tap_ok(x.ok && x.n == 4 && get_le(x.d, 4) == 0, "SIZE of stdout: 0");
	x = xact(2, OMV_CH_READ, "\0\0\0\0\1\0\0\0", 8);
	tap_ok(is_nak(&x, OMV_FAILED), "READ of an empty stdout: NAK FAILED");
	x = xact(2, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "LOCK on stdout (no LOCK flag): NAK INVALID");
	x = xact(0, OMV_CH_SIZE, NULL, 0);
	tap_ok(is_nak(&x, OMV_INVALID), "SIZE on the uart channel: NAK INVALID");
	x = xact(3, OMV_CH_WRITE, "x", 1);
	tap_ok(is_nak(&x, OMV_INVALID), "WRITE on the stream: NAK INVALID");
	/* the stream before STREAM_CTRL */
	owait(1000 * MS);
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_nak(&x, OMV_BUSY) && xsize() == 0,
	       "stream off at cold boot: LOCK NAK BUSY, SIZE 0 after a second of captures");
	x = xread(3, 0, 1);
	tap_ok(is_nak(&x, OMV_FAILED), "no frame: READ NAK FAILED (1)");
	x = xact(3, OMV_CH_SHAPE, NULL, 0);
	tap_ok(x.ok && x.n == 12 && !memcmp(x.d, "\0\0\0\0\0\0\0\0\0\0\0\0", 12),
	       "SHAPE before any frame: 3 u32 zero");
	x = xact(3, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(is_ack(&x), "UNLOCK with nothing locked: ACK (always)");
	x = ioctl2(7, 1);
	tap_ok(is_nak(&x, OMV_INVALID), "IOCTL request 7: NAK INVALID");
	x = xact(3, OMV_CH_IOCTL, "\0\0\0\0\1\0", 6);
	tap_ok(is_nak(&x, OMV_INVALID), "STREAM_CTRL with a 2-byte argument: NAK INVALID");
	{
		uint8_t p[12];

		put_le(p, OMV_STREAM_RAW_CFG, 4);
		put_le(p + 4, 15, 4);
		put_le(p + 8, 48, 4);
		x = xact(3, OMV_CH_IOCTL, p, 12);
		tap_ok(is_nak(&x, OMV_INVALID), "RAW_CFG 15x48: NAK INVALID");
	}
	x = ioctl2(OMV_STREAM_SOURCE, 0x5640);
	tap_ok(is_ack(&x), "SOURCE: ACK");
	/* another stream id */
	ofresh("poll-ms=0 stream-id=5");
	hsync();
	x = xact(0, OMV_CH_LIST, NULL, 0);
	tap_ok(x.ok && x.n == 64 && x.d[48] == 5 && !strcmp((char *)x.d + 50, "stream"),
	       "--stream-id 5: LIST has stream at 5");
	{
		uint8_t p[8];

		put_le(p, OMV_STREAM_CTRL, 4);
		put_le(p + 4, 1, 4);
		x = xact(5, OMV_CH_IOCTL, p, 8);
		owait(300 * MS);
		tap_ok(is_ack(&x) && (x = xact(0, OMV_CH_POLL, NULL, 0)).ok &&
		       get_le(x.d, 4) == 1u << 5,
		       "stream on channel 5: POLL bit 5 once a frame is ready");
		x = xact(3, OMV_CH_SIZE, NULL, 0);
		tap_ok(is_nak(&x, OMV_INVALID), "channel 3 is gone then: NAK INVALID");
	}
}

/* ---- frames ------------------------------------------------------------- */

static void test_frames(void)
{
	const struct oframe_rec *r;
	bool ok;
	struct xres x;
	struct rpkt k;
	size_t sz;
	uint32_t first;

	ofresh("poll-ms=0 fps=10 res=160x120");
	hsync();
	x = ioctl2(OMV_STREAM_RAW_CTRL, 0);
	tap_ok(is_ack(&x), "STREAM_RAW_CTRL 0: ACK");
	x = ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(is_ack(&x) && O()->streaming, "STREAM_CTRL 1: ACK, streaming");
	/* the event comes when frame k-1 is published at capture k */
	tap_ok(rget(&k, OB.now + 300 * MS) && k.flags == OMV_EVENT &&
	       k.op == OMV_CH_EVENT && k.chan == 3 && !k.n && k.seq == hseq,
	       "CHANNEL_EVENT NOTIFY on channel 3, empty, carrying the counter");
	tap_ok(O()->slot == SLOT_READY &&
	       k.t0 == (int64_t)O()->slot_num * 100 * MS + ms_ns(2) +
		       wire(1, 921600),
	       "frame %u is published at capture %u's time + publish-ms", O()->slot_num,
	       O()->slot_num + 1);
	x = xact(0, OMV_CH_POLL, NULL, 0);
	tap_ok(x.ok && get_le(x.d, 4) == 1u << 3, "POLL: bit 3 set");
	x = xact(3, OMV_CH_SHAPE, NULL, 0);
	tap_ok(x.ok && x.n == 4 && get_le(x.d, 4) == O()->slot_isize,
	       "SHAPE of a JPEG: 1 u32, its length (%u)", O()->slot_isize);
	first = O()->slot_num;
	tap_ok(lock_frame(100) && O()->nrec == 1 && O()->rec[0].num == first,
	       "LOCK: ACK, frame %u is the host's (listed)", first);
	sz = read_frame(OMV_PIXFMT_JPEG, &r);
	tap_ok(sz > 1000, "SIZE, READ of the whole: header (160x120, JPEG, size, offset 32) and a JPEG whose SHA-256 is the manifest's (%zu bytes)",
	       sz);
	{
		uint32_t total = xsize();
		struct xres a = xread(3, 0, 100), bb;
		uint8_t *head = xmalloc(100);
		float fps;
		uint32_t fb;

		memcpy(head, a.d, 100);
		bb = xread(3, 100, total - 100);
		fb = get_le(head + 20, 4);
		memcpy(&fps, &fb, 4);
		tap_ok(a.ok && bb.ok && a.n == 100 && bb.n == total - 100 &&
		       get_le(head + 12, 4) == sz && get_le(head + 16, 4) == 32 &&
		       fps == 10.0f && !memcmp(head + 24, "\0\0\0\0\0\0\0\0", 8) &&
		       head[32] == 0xff && head[33] == 0xd8,
		       "READ in two pieces; header: size, offset 32, f32 fps 10, zeros to 32, then FF D8");
		free(head);
		x = xread(3, total - 10, 11);
		tap_ok(is_nak(&x, OMV_FAILED), "READ past the end: NAK FAILED");
		x = xread(3, 0, 0);
		tap_ok(is_nak(&x, OMV_INVALID), "READ of 0 bytes: NAK INVALID");
	}
	{
		struct pattern_params p = {
			.w = 160, .h = 120, .frame = first, .quality = 80,
			.brightness = 0x80, .contrast = 0x80, .no_addr = true,
		};
		struct image img;
		char sha[65];

		pattern_jpeg(&p, &img);
		sha256_hex(img.data, img.size, sha);
		tap_ok(!strcmp(sha, r->sha), "the frame is the generator's pattern for frame %u (F%u and 160X120 drawn in)",
		       first, first);
		image_free(&img);
	}
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_nak(&x, OMV_BUSY), "LOCK again while holding it: NAK BUSY");
	x = xact(3, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(is_ack(&x) && xsize() == 0 && O()->slot == SLOT_EMPTY,
	       "UNLOCK: ACK, the header is zeroed (SIZE 0)");
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_nak(&x, OMV_BUSY), "LOCK right after: NAK BUSY (no new frame)");
	ok = lock_frame(300) && O()->nrec == 2 && O()->rec[1].num > first;
	tap_ok(ok, "the next frame comes with a later capture (%u)",
	       O()->nrec == 2 ? O()->rec[1].num : 0);
	xact(3, OMV_CH_UNLOCK, NULL, 0);

	/* the lock interval: a ready frame, but 10 ms have not passed */
	ofresh("poll-ms=0 fps=200 res=32x32 lock-ms=10 publish-ms=0");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(100);
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	orun(O()->last_lock + 6 * MS);
	{
		bool ready = O()->slot == SLOT_READY;

		x = xact(3, OMV_CH_LOCK, NULL, 0);
		tap_ok(ready && is_nak(&x, OMV_BUSY) &&
		       x.first.t0 < O()->last_lock + 10 * MS,
		       "a frame ready 6 ms after the last LOCK: NAK BUSY (lock interval 10 ms)");
	}
	orun(O()->last_lock + 10 * MS);
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_ack(&x), "10 ms after it: ACK");

	/* the mailbox: nobody LOCKs, the published frame stays, captures skip */
	ofresh("poll-ms=0 fps=20 res=32x32");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	owait(100 * MS);
	first = O()->slot_num;
	owait(1000 * MS);
	tap_ok(O()->slot == SLOT_READY && O()->slot_num == first &&
	       ost(OM_FRAMES_PUBLISHED) == 1,
	       "unLOCKed, the published frame %u stays for a second (fair try-lock)", first);
	tap_ok(lock_frame(50) && O()->rec[0].num == first,
	       "LOCK then gets that old frame");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	ok = lock_frame(200) && O()->rec[1].num > first + 15 &&
	     ost(OM_FRAMES_SKIPPED) == O()->rec[1].num - first - 1;
	tap_ok(ok, "and the next is a new capture (%u): the ones between were skipped (frames_skipped %llu)",
	       O()->rec[1].num, (unsigned long long)ost(OM_FRAMES_SKIPPED));
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	/* READ without LOCK works; UNLOCK then drops the frame */
	owait(200 * MS);
	tap_ok(O()->slot == SLOT_READY && xsize() > 32 &&
	       xread(3, 0, 32).n == 32,
	       "READ without a LOCK reads the ready frame (READ does not check the lock)");
	x = xact(3, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(is_ack(&x) && O()->slot == SLOT_EMPTY &&
	       ost(OM_FRAMES_DROPPED) == 1,
	       "UNLOCK of a ready frame not locked: zeroed (frames_dropped 1)");
	/* STREAM_CTRL 0 empties the slot; nothing more is published */
	owait(200 * MS);
	x = ioctl2(OMV_STREAM_CTRL, 0);
	tap_ok(is_ack(&x) && O()->slot == SLOT_EMPTY && silent(500 * MS) &&
	       xsize() == 0, "STREAM_CTRL 0: the slot is emptied, nothing published");

	/* raw frames */
	ofresh("poll-ms=0 fps=20 res=64x48");
	hsync();
	{
		uint8_t p[12];

		put_le(p, OMV_STREAM_RAW_CFG, 4);
		put_le(p + 4, 40, 4);
		put_le(p + 8, 30, 4);
		x = xact(3, OMV_CH_IOCTL, p, 12);
		tap_ok(is_ack(&x), "RAW_CFG 40x30: ACK");
	}
	ioctl2(OMV_STREAM_RAW_CTRL, 1);
	ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(lock_frame(300), "raw on: a frame is locked");
	{
		uint32_t total = xsize();
		struct pattern_params p = {
			.w = 40, .h = 30, .frame = O()->rec[0].num,
			.quality = 80, .brightness = 0x80, .contrast = 0x80,
			.no_addr = true,
		};
		uint8_t rgb[40 * 30 * 3];
		bool same = true;

		x = xread(3, 0, total);
		pattern_render(&p, rgb);
		for (int i = 0; i < 40 * 30 && x.n == total; i++) {
			uint32_t v = get_le(x.d + 32 + 2 * i, 2);

			if (v != ((uint32_t)(rgb[3 * i] >> 3) << 11 |
				  (uint32_t)(rgb[3 * i + 1] >> 2) << 5 |
				  rgb[3 * i + 2] >> 3))
				same = false;
		}
		tap_ok(total == 32 + 40 * 30 * 2 && x.n == total &&
		       get_le(x.d, 4) == 40 && get_le(x.d + 4, 4) == 30 &&
		       get_le(x.d + 8, 4) == OMV_PIXFMT_RGB565 &&
		       get_le(x.d + 12, 4) == 2 && same &&
		       O()->rec[0].pixfmt == OMV_PIXFMT_RGB565 &&
		       O()->rec[0].size == 2400,
		       "raw: RGB565 little-endian 40x30, header size field 2 (bytes per pixel), pixfmt 0x0C030002");
	}
	x = xact(3, OMV_CH_SHAPE, NULL, 0);
	tap_ok(x.ok && x.n == 12 && get_le(x.d, 4) == 40 &&
	       get_le(x.d + 4, 4) == 30 && get_le(x.d + 8, 4) == 2,
	       "SHAPE of a raw frame: w, h, bpp");
	/* raw preview on at cold boot; the header offset honoured */
	ofresh("poll-ms=0 fps=20 res=64x48 raw=32x16 hdr-offset=40");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	x = xread(3, 0, xsize());
	tap_ok(x.ok && x.n == 40 + 32 * 16 * 2 && get_le(x.d + 8, 4) == OMV_PIXFMT_RGB565 &&
	       get_le(x.d + 16, 4) == 40,
	       "--raw 32x16: raw frames without asking; --hdr-offset 40: offset field 40, image after it");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	ioctl2(OMV_STREAM_RAW_CTRL, 0);
	lock_frame(300);
	tap_ok(read_frame(OMV_PIXFMT_JPEG, NULL) > 0,
	       "STREAM_RAW_CTRL 0 forces JPEG (checked against the manifest's SHA)");
}

/* A whole frame read at max_payload @mp: packets, flags, seqs, bytes. */
static void frag_case(unsigned int mp, unsigned int board, bool ack)
{
	char spec[160];
	uint8_t caps[16] = { 0 };
	uint32_t total;
	int np = 0, want;
	bool flags_ok = true, seq_ok = true;
	uint8_t s0;
	uint8_t *img;
	size_t got = 0;
	struct rpkt k;
	char sha[65];

	snprintf(spec, sizeof(spec), "poll-ms=0 fps=20 res=320x240 max-payload=%u rate=4000000",
		 board);
	ofresh(spec);
	hsync();
	put_le(caps, ack ? 0xf : 0xb, 4);
	put_le(caps + 4, mp, 2);
	xact(0, OMV_SET_CAPS, caps, 16);
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	total = xsize();
	img = xmalloc(total);
	s0 = hseq;
	{
		uint8_t p[8];

		put_le(p, 0, 4);
		put_le(p + 4, total, 4);
		hsend(hseq, 3, 0, OMV_CH_READ, p, 8);
	}
	while (rget(&k, OB.now + 500 * MS)) {
		bool last = got + k.n == total;

		if (k.flags & OMV_EVENT)
			continue;
		if (k.n > mp || !k.hcrc || !k.dcrc || got + k.n > total ||
		    k.flags != ((ack ? OMV_ACK_REQ : 0) | (last ? 0 : OMV_FRAGMENT)))
			flags_ok = false;
		if (k.seq != (uint8_t)(s0 + np))
			seq_ok = false;
		if (got + k.n <= total)
			memcpy(img + got, k.p, k.n);
		got += k.n;
		np++;
		if (ack)
			hsend(k.seq, 3, OMV_ACK, k.op, NULL, 0);
		if (last || !(k.flags & OMV_FRAGMENT))
			break;
	}
	hseq = (uint8_t)(s0 + np);
	want = (int)((total + mp - 1) / mp);
	sha256_hex(img + 32, total - 32, sha);
	tap_ok(np == want && got == total && flags_ok && seq_ok &&
	       !strcmp(sha, O()->rec[0].sha),
	       "max_payload %u%s: a %u-byte READ is %d packets (ceil), FRAGMENT on all but the last, seq %u, %u, ... (mod 256), the image's SHA-256 the manifest's",
	       mp, ack ? "" : ", ack off", total, np, s0, (uint8_t)(s0 + 1));
	tap_ok(xact(3, OMV_CH_UNLOCK, NULL, 0).seq == (uint8_t)(s0 + np),
	       "the next request uses seq S+%d", np);
	free(img);
}

static void test_fragments(void)
{
	frag_case(50, 4082, true);
	frag_case(498, 498, true);
	frag_case(4082, 4082, true);
	frag_case(8178, 8178, true);
	frag_case(1000, 4082, false);
}

/* ---- sequence numbers, ACKs, resends ------------------------------------ */

static void test_sequence(void)
{
	struct xres x;
	struct rpkt k, k2;
	uint8_t keep;
	int64_t t;

	ofresh("poll-ms=0");
	hsync();
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	keep = hseq;
	tap_ok(x.seq == 0 && keep == 1, "request 0 gets reply seq 0; the host ACK consumed no number");
	hseq = 5;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(is_nak(&x, OMV_SEQUENCE) && x.seq == keep &&
	       ost(OM_SEQ_ERRORS) == 1,
	       "a wrong seq: NAK SEQUENCE (6), carrying the device's counter %u", keep);
	hseq = keep;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(is_nak(&x, OMV_SEQUENCE) && x.seq == keep + 1,
	       "that NAK advanced the counter: the old seq is now wrong too");
	hseq = (uint8_t)(keep + 2);
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.flags == OMV_ACK_REQ, "S+2 is right");
	/* a duplicate request */
	hseq--;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(is_nak(&x, OMV_SEQUENCE),
	       "the same request again (a duplicate, its seq used): NAK SEQUENCE");
	/* a stale ACK */
	hsend((uint8_t)(hseq - 3), 0, OMV_ACK, OMV_GET_CAPS, NULL, 0);
	tap_ok(silent(50 * MS) && ost(OM_RX_IGNORED) == 1,
	       "a stale ACK: ignored (rx_ignored)");
	/* the counter wraps at 255 */
	ofresh("poll-ms=0");
	hsync();
	for (int i = 0; i < 256; i++)
		xact(3, OMV_CH_UNLOCK, NULL, 0);
	x = xact(3, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(is_ack(&x) && x.seq == 0,
	       "the counter wraps: after 256 requests the seq is 0 again");
	/* resends: 500, 1000, 2000, 4000 ms, then a silent reset */
	ofresh("poll-ms=0");
	hsync();
	hsend(0, 0, 0, OMV_GET_CAPS, NULL, 0);
	rget(&k, OB.now + 50 * MS);
	{
		bool ok = true;
		int64_t gap[4] = { 500, 1000, 2000, 4000 };
		struct rpkt prev = k;

		for (int i = 0; i < 3; i++) {
			if (!rget(&k2, OB.now + 5000 * MS) ||
			    k2.t0 != prev.t1 + gap[i] * MS + wire(1, 921600) ||
			    k2.seq != 0 || k2.flags != (OMV_ACK_REQ | OMV_RTX) ||
			    !k2.hcrc || !k2.dcrc || k2.n != 16 ||
			    memcmp(k2.p, k.p, 16))
				ok = false;
			prev = k2;
		}
		tap_ok(ok, "unACKed: resent with RTX (HCRC recomputed), same seq, after 500, 1000, 2000 ms");
		t = prev.t1;
		x = xact(0, OMV_GET_CAPS, NULL, 0);
		tap_ok(!x.ok && ost(OM_RX_IGNORED) == 1,
		       "a new request while the device waits for the ACK: ignored");
		orun(t + gap[3] * MS - 1);
		tap_ok(O()->tx.on && ost(OM_RTX_GIVEUPS) == 0,
		       "still waiting 4000 ms after the third resend (less 1 ns)");
		orun(t + gap[3] * MS);
		tap_ok(!O()->tx.on && ost(OM_RTX_GIVEUPS) == 1 &&
		       ost(OM_RETRANSMITS) == 3 && silent(10 * MS) &&
		       O()->seq == 0,
		       "at 4000 ms: a silent protocol reset (7.5 s after the first send), counter 0");
	}
	/* a host NAK: resent at once */
	hseq = 0;
	hsend(0, 0, 0, OMV_GET_CAPS, NULL, 0);
	rget(&k, OB.now + 50 * MS);
	hsend(0, 0, OMV_NAK, OMV_GET_CAPS, NULL, 0);
	tap_ok(rget(&k2, OB.now + 50 * MS) && (k2.flags & OMV_RTX) &&
	       k2.t0 == k.t1 + wire(10, 921600) + wire(1, 921600),
	       "a host NAK: the packet is resent at once (RTX)");
	hsend(0, 0, OMV_ACK, OMV_GET_CAPS, NULL, 0);
	owait(MS);
	tap_ok(!O()->tx.on && O()->seq == 1, "and its ACK completes the reply");
	/* an ACK matches on opcode and seq, not the channel */
	hseq = 1;
	hsend(1, 0, 0, OMV_GET_CAPS, NULL, 0);
	rget(&k, OB.now + 50 * MS);
	hsend(1, 0, OMV_ACK, OMV_STATS, NULL, 0);
	owait(MS);
	tap_ok(O()->tx.wait, "an ACK with another opcode does not match");
	hsend(1, 7, OMV_ACK, OMV_GET_CAPS, NULL, 0);
	owait(MS);
	tap_ok(!O()->tx.on && O()->seq == 2, "an ACK on another channel does");
}

/* ---- timing ------------------------------------------------------------- */

static void pace_case(uint32_t rate, double poll)
{
	char spec[128];
	struct rpkt k;
	int64_t t0, tc, th, p = ms_ns(poll);
	bool exact = true;

	snprintf(spec, sizeof(spec), "rate=%u poll-ms=%g cmd-ms=0.3 fps=20 res=320x240",
		 rate, poll);
	ofresh(spec);
	owait(3 * MS + 777);
	t0 = OB.now;
	hsend(0x42, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	rget(&k, t0 + 100 * MS);
	tc = t0 + wire(10, rate);
	th = (p ? (tc + p - 1) / p * p : tc) + ms_ns(0.3);
	tap_ok(k.t0 == th + wire(1, rate) && k.t1 == th + wire(10, rate),
	       "%u bit/s, poll %g ms: SYNC's ACK starts at the poll tick after the request's last byte + cmd-ms, exactly",
	       rate, poll);
	hseq = 0;
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	/* a READ of 3 fragments: each next one cmd-ms after its ACK is in */
	{
		uint8_t caps[16] = { 0 }, q[8];
		struct rpkt f[8];
		int n = 0;

		put_le(caps, 0xf, 4);
		put_le(caps + 4, 4000, 2);
		xact(0, OMV_SET_CAPS, caps, 16);
		t0 = OB.now;
		put_le(q, 0, 4);
		put_le(q + 4, 10000, 4);
		hsend(hseq, 3, 0, OMV_CH_READ, q, 8);
		tc = t0 + wire(22, rate);
		th = (p ? (tc + p - 1) / p * p : tc) + ms_ns(0.3);
		while (n < 8 && rget(&f[n], OB.now + 2000 * MS)) {
			if (f[n].flags & OMV_EVENT)
				continue;
			if (f[n].t0 != th + wire(1, rate) ||
			    f[n].t1 != th + wire(f[n].len, rate))
				exact = false;
			hsend(f[n].seq, 3, OMV_ACK, OMV_CH_READ, NULL, 0);
			th = f[n].t1 + wire(10, rate) + ms_ns(0.3);
			if (!(f[n++].flags & OMV_FRAGMENT))
				break;
		}
		tap_ok(exact && n == 3 && f[0].len == 4014 && f[2].len == 2014,
		       "%u bit/s: a 10000-byte READ at max_payload 4000: 3 packets, each on the wire at exact deadlines (ACK in + cmd-ms)",
		       rate);
	}
}

static void test_timing(void)
{
	pace_case(921600, 0);
	pace_case(921600, 10);
	pace_case(4000000, 0);
	pace_case(12000000, 1);
	pace_case(115200, 10);
}

/* ---- faults ------------------------------------------------------------- */

static int popcount8(uint8_t v)
{
	return __builtin_popcount(v);
}

/* A SYNC with the clean reply's 10 bytes in @want; what came in @got. */
static size_t sync_bytes(uint8_t *got, size_t max)
{
	size_t n0 = R.n, n;

	hsend(0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	owait(50 * MS);
	n = R.n - n0 < max ? R.n - n0 : max;
	memcpy(got, R.d + n0, n);
	rpos = R.n;
	hseq = 0;
	return n;
}

static void test_faults(void)
{
	static const uint8_t clean[10] = { 0xaa, 0xd5, 0, 0, 1, 0, 0, 0, 0x08,
					   0x46 };
	uint8_t got[64];
	size_t n;
	bool ok;
	struct rpkt k, k2;
	struct xres x;
	int64_t t;

	ofresh("poll-ms=0");
	/* per byte */
	tap_ok(ofault("byteflip 1"), "fault byteflip 1");
	n = sync_bytes(got, sizeof(got));
	ok = n == 10;
	for (size_t i = 0; i < n; i++)
		ok = ok && popcount8(got[i] ^ clean[i]) == 1;
	tap_ok(ok && OB.fstat[F_BYTEFLIP] == 10,
	       "byteflip 1: each of the 10 bytes has one bit flipped");
	ofault("byteflip 0");
	ofault("drop 1");
	n = sync_bytes(got, sizeof(got));
	tap_ok(n == 0 && OB.fstat[F_DROP] == 10, "drop 1: the 10 bytes are lost");
	ofault("drop 0");
	ofault("garbage 1");
	n = sync_bytes(got, sizeof(got));
	ok = n == 20;
	for (size_t i = 0; i < 10 && ok; i++)
		ok = got[2 * i] == clean[i];
	tap_ok(ok, "garbage 1: a random byte after each byte (20 bytes)");
	ofault("garbage 0");
	ofault("rxflip 1");
	t = (int64_t)ost(OM_SYNCS);
	n = sync_bytes(got, sizeof(got));
	tap_ok(n == 0 && OB.fstat[F_RXFLIP] == 10 && ost(OM_SYNCS) == (uint64_t)t,
	       "rxflip 1: the device gets damaged bytes, no SYNC seen, nothing answered");
	ofault("rxflip 0");
	tap_ok(hsync(), "after the per-byte faults: clean again");
	/* badhcrc, then the resend is right */
	ofault("badhcrc");
	hsend(hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	tap_ok(rget(&k, OB.now + 50 * MS) && !k.hcrc && k.dcrc && k.n == 16 &&
	       rget(&k2, OB.now + 600 * MS) && k2.hcrc &&
	       (k2.flags & OMV_RTX) && k2.t0 - k.t1 == 500 * MS + wire(1, 921600),
	       "badhcrc: the next packet's HCRC is wrong (payload and DCRC right); unACKed, it is resent right after 500 ms");
	hsend(k2.seq, 0, OMV_ACK, k2.op, NULL, 0);
	hseq++;
	ofault("baddcrc 1");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.first.hcrc && !x.first.dcrc && OB.fstat[F_BADDCRC] == 1,
	       "baddcrc: the next data packet's DCRC is wrong, its header right");
	/* droppkt */
	ofault("droppkt");
	owait(MS);
	t = OB.now;
	hsend(hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	tap_ok(silent(400 * MS) && rget(&k, t + 1000 * MS) &&
	       (k.flags & OMV_RTX) &&
	       k.t1 == t + wire(10, 921600) + ms_ns(0.1) + wire(30, 921600) +
		       500 * MS + wire(30, 921600),
	       "droppkt: the packet never comes (its wire time passes), the resend comes 500 ms after it");
	hsend(k.seq, 0, OMV_ACK, k.op, NULL, 0);
	hseq++;
	ofault("droppkt");
	hsend(hseq, 3, 0, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(silent(3000 * MS) && O()->seq == hseq + 1,
	       "droppkt on a bare ACK: nothing comes, ever (no ACK asked, no resend); the counter advanced");
	hseq++;
	/* nak */
	ofault("nak 1");
	x = ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(is_nak(&x, OMV_BUSY) && !O()->streaming,
	       "nak: the next request gets NAK BUSY and is not carried out");
	ofault("nak 2 5");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(is_nak(&x, OMV_CHECKSUM) &&
	       !strcmp(octl("faults"), "fault nak 1 0x5\nok 1\n"),
	       "nak 2 5: NAK CHECKSUM, one left");
	xact(0, OMV_GET_CAPS, NULL, 0);
	/* dup */
	ofault("dup");
	hsend(hseq, 3, 0, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(rget(&k, OB.now + 50 * MS) && rget(&k2, OB.now + 50 * MS) &&
	       k.len == k2.len && !memcmp(R.d + k.at, R.d + k2.at, k.len) &&
	       k2.t0 == k.t0 - wire(1, 921600) + wire(11, 921600),
	       "dup: the packet twice, back to back, identical (same seq, no RTX)");
	hseq++;
	ofault("dup");
	t = (int64_t)ost(OM_RX_IGNORED);
	hsend(hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	rget(&k, OB.now + 50 * MS);
	hsend(k.seq, 0, OMV_ACK, k.op, NULL, 0);
	rget(&k2, OB.now + 50 * MS);
	hsend(k2.seq, 0, OMV_ACK, k2.op, NULL, 0);
	owait(10 * MS);
	hseq++;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	owait(MS);
	tap_ok(x.ok && x.flags == OMV_ACK_REQ && !O()->tx.on &&
	       ost(OM_RX_IGNORED) == (uint64_t)t + 1,
	       "a duplicated data packet ACKed twice: the second ACK is stale, ignored");
	/* truncate */
	ofault("truncate");
	hsend(hseq, 0, 0, OMV_GET_CAPS, NULL, 0);
	n = R.n;
	owait(100 * MS);
	tap_ok(R.n - n >= 1 && R.n - n < 30 && OB.fstat[F_TRUNCATE] == 1,
	       "truncate: the packet stops after %zu of 30 bytes", R.n - n);
	rpos = R.n;	/* the host drops the piece */
	tap_ok(rget(&k, OB.now + 600 * MS) && (k.flags & OMV_RTX) &&
	       k.hcrc && k.dcrc && k.n == 16,
	       "and is resent whole 500 ms after it");
	hsend(k.seq, 0, OMV_ACK, k.op, NULL, 0);
	hseq++;
	/* stall */
	ofault("stall 30 2");
	owait(MS);
	t = OB.now;
	hsend(hseq, 3, 0, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(rget(&k, OB.now + 100 * MS) &&
	       k.t0 == t + wire(10, 921600) + ms_ns(0.1) + 30 * MS +
		       wire(1, 921600),
	       "stall 30: the reply starts exactly 30 ms late");
	hseq++;
	ofault("stall 0 0");
	tap_ok(!strcmp(octl("faults"), "ok 0\n"), "stall 0 0 switches it off");
	/* overflow */
	ofault("overflow");
	ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(rget(&k, OB.now + 300 * MS) && k.op == OMV_CH_EVENT &&
	       O()->slot == SLOT_EMPTY && ost(OM_FRAMES_OVERFLOWED) == 1,
	       "overflow: NOTIFY, but the frame is dropped (frames_overflowed 1)");
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	tap_ok(is_nak(&x, OMV_BUSY) && lock_frame(300),
	       "LOCK answers BUSY, then the next frame is published");
	/* reset: soft reboot */
	t = OB.now;
	tap_ok(!strcmp(octl("reset"), "ok\n") && rget(&k, OB.now + 10 * MS) &&
	       k.flags == OMV_EVENT && k.op == OMV_SYS_EVENT && k.chan == 0 &&
	       k.n == 2 && get_le(k.p, 2) == 2 && k.seq == hseq,
	       "reset: SYS_EVENT SOFT_REBOOT (02 00) carrying the old counter");
	tap_ok(O()->seq == 0 && O()->slot == SLOT_EMPTY && O()->streaming &&
	       O()->caps == 0xf,
	       "then counter 0, default caps, the lock and the frame gone, streaming kept");
	hseq = 0;
	tap_ok(lock_frame(400) && O()->rec[O()->nrec - 1].t_cap >= t,
	       "seq 0 works without a SYNC; frames come again, captured after the reboot");
	ofault("reset silent");
	tap_ok(silent(10 * MS) && O()->seq == 0, "reset silent: no event");
	hseq = 0;
	/* unplug, plug */
	ofault("unplug");
	hsend(0, 0, 0, OMV_GET_CAPS, NULL, 0);
	tap_ok(silent(800 * MS), "unplug: a request gets nothing");
	ofault("plug");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.seq == 0, "plug: answered again (the request sent while unplugged never arrived)");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	/* unplug while a packet is on the wire */
	{
		uint8_t caps[16] = { 0 };

		put_le(caps, 0xf, 4);
		put_le(caps + 4, 4082, 2);
		xact(0, OMV_SET_CAPS, caps, 16);
		lock_frame(400);
		hsend(hseq, 3, 0, OMV_CH_READ, "\0\0\0\0\xf2\x0f\0\0", 8);
		owait(20 * MS);
		n = R.n;
		ofault("unplug");
		owait(100 * MS);
		ok = R.n <= n + 1;
		rpos = R.n;	/* the cut packet: a host resyncs */
		ofault("plug");
		tap_ok(ok && silent(300 * MS) && rget(&k, OB.now + 300 * MS) &&
		       (k.flags & OMV_RTX) && k.n == 4082 && k.dcrc,
		       "unplug mid-packet: the line goes dark (the byte under way finishes); plugged again, the device resends it 500 ms after it ended");
		hsend(k.seq, 3, OMV_ACK, k.op, NULL, 0);
		hseq = (uint8_t)(k.seq + 1);
	}
	/* powercycle */
	ofault("powercycle");
	hsend(0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	tap_ok(silent(900 * MS) && ost(OM_BOOTS) == 1,
	       "powercycle: deaf while it boots (boot-ms 1000)");
	owait(100 * MS);
	tap_ok(hsync() && !O()->streaming && silent(300 * MS) &&
	       xsize() == 0, "after boot: SYNC answered, streaming off (cold boot)");
	{
		char *s = octl("stats");

		tap_ok(strstr(s, "stat fault_badhcrc 1\n") &&
		       strstr(s, "stat fault_droppkt 2\n") &&
		       strstr(s, "stat fault_nak 3\n") &&
		       strstr(s, "stat fault_reset 2\n") &&
		       strstr(s, "stat fault_powercycle 1\n") &&
		       !strstr(s, "fault_junk"),
		       "stats: fault_<kind> counts each injection (the omvp kinds only)");
	}
	/* SYS_RESET */
	ofresh("poll-ms=0 boot-ms=200");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	x = xact(0, OMV_SYS_RESET, NULL, 0);
	tap_ok(is_ack(&x) && ost(OM_BOOTS) == 1, "SYS_RESET: ACK, then a cold boot");
	hsend(0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
	tap_ok(silent(150 * MS), "deaf for boot-ms");
	owait(60 * MS);
	hseq = 0;
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(x.ok && x.seq == 0 && !O()->streaming,
	       "then seq 0, streaming off");
	/* fault specs */
	tap_ok(!strncmp(octl("fault junk 2"), "err fault 'junk' does not apply to the omvp camera", 50) &&
	       !strncmp(octl("fault badhcrc addr=2"), "err the omvp camera has no address", 34) &&
	       !strncmp(octl("fault reset now"), "err ", 4) &&
	       !strncmp(octl("fault powercycle rate=9600"), "err ", 4) &&
	       !strncmp(octl("fault bogus"), "err unknown fault", 17) &&
	       !strncmp(octl("fault nak 1 70000"), "err ", 4),
	       "fault specs that do not apply to the omvp camera are refused");
	tap_ok(!strcmp(octl("fault badhcrc 3"), "ok\n") &&
	       !strcmp(octl("fault baddcrc 2"), "ok\n") &&
	       !strcmp(octl("faults"), "fault badhcrc 3\nfault baddcrc 2\nok 2\n") &&
	       !strcmp(octl("fault clear"), "ok\n") &&
	       !strcmp(octl("faults"), "ok 0\n"),
	       "faults lists them, fault clear clears them");
}

/*
 * nak op=OP: a camera that keeps its own caps refuses SET_CAPS (0x02) and
 * answers everything else; booted without events, the host gets none.
 */
static struct xres set_caps(uint32_t flags, uint32_t mp)
{
	uint8_t caps[16] = { 0 };

	put_le(caps, flags, 4);
	put_le(caps + 4, mp, 2);
	return xact(0, OMV_SET_CAPS, caps, 16);
}

static uint32_t get_caps(uint32_t *mp)
{
	struct xres x = xact(0, OMV_GET_CAPS, NULL, 0);

	if (!x.ok || x.flags != OMV_ACK_REQ || x.n != 16)
		return 0xffffffffu;
	if (mp)
		*mp = (uint32_t)get_le(x.d + 4, 2);
	return (uint32_t)get_le(x.d, 4);
}

static bool stat_is(const char *name, uint64_t v)
{
	char line[64];

	snprintf(line, sizeof(line), "stat %s %llu\n", name,
		 (unsigned long long)v);
	return strstr(octl("stats"), line) != NULL;
}

static void test_nak_op(void)
{
	uint32_t mp = 0;
	uint64_t naks;
	struct xres x;
	int events = 0;
	bool ok;

	/* set caps: a boot setting, not the current caps */
	ofresh("poll-ms=0 fps=50");
	hsync();
	tap_ok(!strcmp(octl("set caps crc,seq,ack"), "ok\n") &&
	       O()->caps == OMV_CAP_ALL && get_caps(NULL) == 0xf &&
	       strstr(octl("status"), " caps=crc,seq,ack,events ") &&
	       strstr(octl("status"), " init-caps=crc,seq,ack "),
	       "set caps crc,seq,ack: the current caps keep events (GET_CAPS 0xf) until the next SYNC, reset or boot");
	tap_ok(hsync() && get_caps(NULL) == 0x7,
	       "after the host's SYNC: GET_CAPS crc|seq|ack, no events bit");
	/* the fault, scoped to SET_CAPS */
	tap_ok(ofault("nak 2 2 op=02") &&
	       !strcmp(octl("faults"), "fault nak 2 0x2 op=0x02\nok 1\n"),
	       "fault nak 2 2 op=02: listed as 'nak 2 0x2 op=0x02'");
	naks = ost(OM_NAKS_OUT);
	tap_ok(get_caps(&mp) == 0x7 && mp == 4082 &&
	       OB.fstat[F_NAK] == 0 &&
	       !strcmp(octl("faults"), "fault nak 2 0x2 op=0x02\nok 1\n"),
	       "GET_CAPS is answered normally and leaves the count");
	x = set_caps(0xf, 498);
	tap_ok(is_nak(&x, OMV_INVALID) && O()->caps == 0x7 &&
	       O()->max_payload == 4082 && OB.fstat[F_NAK] == 1 &&
	       ost(OM_NAKS_OUT) == naks + 1,
	       "SET_CAPS crc|seq|ack|events, 498: NAK INVALID (the chosen code), not carried out");
	tap_ok(get_caps(&mp) == 0x7 && mp == 4082,
	       "a following GET_CAPS: caps as they were (no events bit, max_payload 4082)");
	x = ioctl2(OMV_STREAM_CTRL, 1);
	ok = is_ack(&x);
	x = xact(0, OMV_PROTO_VERSION, NULL, 0);
	ok = ok && x.ok && x.n == 16;
	x = xact(0, OMV_CH_LIST, NULL, 0);
	ok = ok && x.ok && x.n == 64;
	tap_ok(ok && O()->streaming && OB.fstat[F_NAK] == 1 &&
	       !strcmp(octl("faults"), "fault nak 1 0x2 op=0x02\nok 1\n"),
	       "IOCTL, PROTO_VERSION, LIST pass untouched; one SET_CAPS NAK left");
	x = set_caps(0xf, 4082);
	tap_ok(is_nak(&x, OMV_INVALID) && O()->caps == 0x7 &&
	       OB.fstat[F_NAK] == 2 && !strcmp(octl("faults"), "ok 0\n") &&
	       stat_is("fault_nak", 2) && ost(OM_NAKS_OUT) == naks + 2,
	       "the second SET_CAPS: NAK, the fault used up; stat fault_nak 2 counts the NAKs sent");
	/* the host lives without NOTIFY: it polls with LOCK */
	x = xact(3, OMV_CH_LOCK, NULL, 0);
	events += x.events;
	for (int i = 0; i < 40 && is_nak(&x, OMV_BUSY); i++) {
		owait(5 * MS);
		x = xact(3, OMV_CH_LOCK, NULL, 0);
		events += x.events;
	}
	tap_ok(is_ack(&x) && !events && !ost(OM_EVENTS_OUT),
	       "without events a frame is had by polling LOCK, and no NOTIFY ever came");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	x = set_caps(0xf, 4082);
	tap_ok(is_ack(&x) && O()->caps == 0xf && get_caps(NULL) == 0xf,
	       "the fault gone, SET_CAPS is carried out again");
	/* the default code, and a reset: caps back to the boot caps */
	ofault("nak 1 op=0x02");
	tap_ok(!strcmp(octl("faults"), "fault nak 1 op=0x02\nok 1\n"),
	       "nak 1 op=0x02: the same opcode (0x allowed), default code");
	octl("reset silent");
	hseq = 0;
	x = set_caps(0xf, 4082);
	tap_ok(is_nak(&x, OMV_BUSY) && O()->caps == 0x7 && get_caps(NULL) == 0x7,
	       "after a soft reboot: the boot caps again; re-SET_CAPS gets NAK BUSY (4, the default)");
	/* the old form, and both at once */
	ofault("nak 1");
	x = xact(0, OMV_CH_LIST, NULL, 0);
	tap_ok(is_nak(&x, OMV_BUSY) && !strcmp(octl("faults"), "ok 0\n"),
	       "plain nak 1 as before: the next request, whatever its opcode, gets NAK BUSY");
	ofault("nak 1 5");
	ofault("nak 1 1 op=02");
	tap_ok(!strcmp(octl("faults"),
		       "fault nak 1 0x5\nfault nak 1 0x1 op=0x02\nok 2\n"),
	       "nak and nak op=02 are two scopes: both listed");
	x = set_caps(0xf, 4082);
	ok = is_nak(&x, OMV_FAILED) &&
	     !strcmp(octl("faults"), "fault nak 1 0x5\nok 1\n");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	tap_ok(ok && is_nak(&x, OMV_CHECKSUM) && !strcmp(octl("faults"), "ok 0\n"),
	       "SET_CAPS takes the op=02 one (NAK FAILED); GET_CAPS then the plain one (NAK CHECKSUM)");
	ofault("nak 3 op=02");
	ofault("nak 2");
	ofault("nak 0 op=02");
	tap_ok(!strcmp(octl("faults"), "fault nak 2\nok 1\n"),
	       "nak 0 op=02 switches off only the op=02 one");
	ofault("nak 0");
	/* specs refused */
	tap_ok(!strncmp(octl("fault nak op=00"), "err op=00 is not a request opcode", 33) &&
	       !strncmp(octl("fault nak op=13"), "err ", 4) &&
	       !strncmp(octl("fault nak op=29"), "err ", 4) &&
	       !strncmp(octl("fault nak op=2a"), "err ", 4) &&
	       !strncmp(octl("fault nak op=102"), "err bad opcode", 14) &&
	       !strncmp(octl("fault nak op=0xzz"), "err bad opcode", 14) &&
	       !strncmp(octl("fault nak op="), "err bad opcode", 14) &&
	       !strncmp(octl("fault dup op=02"), "err op= only goes with nak", 26) &&
	       !strcmp(octl("fault nak 1 4 op=28"), "ok\n") &&
	       !strcmp(octl("faults"), "fault nak 1 0x4 op=0x28\nok 1\n") &&
	       !strcmp(octl("fault clear"), "ok\n"),
	       "op= is hex, a request opcode, and only for nak");
}

/* ---- control, manifest -------------------------------------------------- */

static void test_control(void)
{
	char *s, path[128], line[512];
	FILE *m;
	struct xres x;

	ofresh("poll-ms=0");
	s = octl("status");
	tap_ok(!strncmp(s, "ok family=omvp rate=921600 guest=921600 plugged=1 booting=0 seq=0 caps=crc,seq,ack,events max-payload=4082 awaiting-ack=0 streaming=0 raw-on=0 slot=empty ", 147) &&
	       strstr(s, " fps=10 res=320x240 quality=80 detail=1 cmd-ms=0.1 poll-ms=0 publish-ms=2 lock-ms=10 rtx-ms=500 rtx-retries=3 boot-ms=1000 board-max=4082 init-caps=crc,seq,ack,events hdr-offset=32 stream-id=3 raw=off pixformat=rgb565\n"),
	       "status: the defaults");
	tap_ok(!strcmp(octl("set res 160x120"), "ok\n") &&
	       !strcmp(octl("set quality 50"), "ok\n") &&
	       !strcmp(octl("set caps crc,ack"), "ok\n") &&
	       !strcmp(octl("set rate 4000000"), "ok\n") &&
	       !strcmp(octl("set guest-rate follow"), "ok\n") &&
	       !strcmp(octl("set rtx-retries 5"), "ok\n") &&
	       !strcmp(octl("set poll-ms 0"), "ok\n") &&
	       strstr(octl("status"), " rate=4000000 guest=4000000 ") &&
	       strstr(octl("status"), " res=160x120 quality=50 "),
	       "set res, quality, caps, rate, rtx-retries: status shows them");
	tap_ok(!strncmp(octl("set rate 12000001"), "err ", 4) &&
	       !strncmp(octl("set res 161x120"), "err ", 4) &&
	       !strncmp(octl("set caps crc,foo"), "err ", 4) &&
	       !strncmp(octl("set max-payload 49"), "err ", 4) &&
	       !strncmp(octl("set hdr-offset 30"), "err ", 4) &&
	       !strncmp(octl("set stream-id 2"), "err ", 4) &&
	       !strncmp(octl("set bogus 1"), "err unknown key", 15) &&
	       !strncmp(octl("set fps 0"), "err ", 4) &&
	       !strncmp(octl("log powercycle"), "err ", 4),
	       "bad values are refused");
	/* caps from set apply at the next SYNC */
	hsync();
	tap_ok(O()->caps == (OMV_CAP_CRC | OMV_CAP_ACK),
	       "set caps takes effect at the next SYNC");
	/* manifest, save-frames, frames, frame N, wait-frames, log */
	ofresh("poll-ms=0 fps=20 res=64x48");
	snprintf(path, sizeof(path), "%s/manifest.txt", tdir);
	OB.manifest = fopen(path, "w");
	OB.save_dir = xstrdup(tdir);
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	for (int i = 0; i < 3; i++) {
		lock_frame(500);
		read_frame(OMV_PIXFMT_JPEG, NULL);
		xact(3, OMV_CH_UNLOCK, NULL, 0);
	}
	tap_ok(!strncmp(octl("wait-frames 3"), "ok 3\n", 5) &&
	       !strncmp(octl("wait-frames 4 0"), "err timeout", 11),
	       "wait-frames counts frames handed by LOCK");
	s = xstrdup(octl("frames"));
	tap_ok(!strncmp(s, "frame ", 6) && strstr(s, "\nok 3\n"),
	       "frames: 3 lines");
	m = fopen(path, "r");
	{
		bool same = m != NULL, saved = true;

		for (int i = 0; i < 3 && same; i++) {
			const struct oframe_rec *r = &O()->rec[i];
			char want[512], name[160], sha[65];
			uint8_t *d;
			size_t n;

			snprintf(want, sizeof(want),
				 "frame %u res=64x48 pixfmt=jpeg size=%u sha256=%s captured_ns=%lld published_ns=%lld locked_ns=%lld\n",
				 r->num, r->size, r->sha, (long long)r->t_cap,
				 (long long)r->t_pub, (long long)r->t_lock);
			same = fgets(line, sizeof(line), m) && !strcmp(line, want) &&
			       strstr(s, want);
			snprintf(want, sizeof(want), "frame %u", r->num);
			same = same && !strncmp(octl(want) + 2, line + 5,
						strlen(line) - 5);
			snprintf(name, sizeof(name), "%s/%u.jpg", tdir, r->num);
			if (read_file(name, &d, &n)) {
				saved = false;
				continue;
			}
			sha256_hex(d, n, sha);
			saved = saved && n == r->size && !strcmp(sha, r->sha);
			free(d);
		}
		tap_ok(same, "manifest lines: frame N res=WxH pixfmt=jpeg size=S sha256=H captured_ns published_ns locked_ns; frame N answers the same");
		tap_ok(saved, "--save-frames: DIR/N.jpg, the exact JPEG bytes");
		tap_ok(O()->rec[0].t_cap < O()->rec[0].t_pub &&
		       O()->rec[0].t_pub < O()->rec[0].t_lock,
		       "captured_ns < published_ns < locked_ns");
	}
	if (m)
		fclose(m);
	free(s);
	tap_ok(!strncmp(octl("frame 999"), "err no frame 999", 16),
	       "frame N of a frame not handed: err");
	s = octl("log since=2");
	tap_ok(!strncmp(s, "pkt 3 t=", 8) &&
	       strstr(octl("log"), "pkt 1 t=") &&
	       strstr(octl("log"), " seq=90 chan=0 flags=0x00 op=0x00 len=0 data=-\n") &&
	       strstr(octl("log"), " chan=3 flags=0x00 op=0x28 len=8 data=0000000001000000\n"),
	       "log: every packet received (SYNC, IOCTL with its payload, ACKs ...)");
	tap_ok(!strcmp(octl("log clear"), "ok\n") &&
	       !strcmp(octl("log"), "ok 0\n"), "log clear");
	x = xact(0, OMV_GET_CAPS, NULL, 0);
	s = octl("stats");
	tap_ok(x.ok && strstr(s, "stat rx_bytes ") && strstr(s, "stat packets_in ") &&
	       strstr(s, "stat packets_out ") && strstr(s, "stat hcrc_errors 0\n") &&
	       strstr(s, "stat naks_out ") && strstr(s, "stat retransmits 0\n") &&
	       strstr(s, "stat frames_handed 3\n") &&
	       strstr(s, "stat frames_published ") && strstr(s, "\nok\n"),
	       "stats: packets in/out, crc errors, naks, retransmits, frames");
	tap_ok(!strcmp(octl("stats clear"), "ok\n") &&
	       strstr(octl("stats"), "stat frames_handed 0\n"), "stats clear");
	s = octl("help");
	tap_ok(strstr(s, "reset [silent]") && strstr(s, "family=omvp"),
	       "help: the omvp commands");
	fclose(OB.manifest);
	OB.manifest = NULL;
}

static void test_detail_res(void)
{
	struct xres x;

	ofresh("poll-ms=0 fps=20 res=640x480 detail=3 quality=60");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	tap_ok(read_frame(OMV_PIXFMT_JPEG, NULL) > 40000 &&
	       O()->rec[0].w == 640,
	       "--res 640x480 --detail 3: %u-byte frames, read whole", O()->rec[0].size);
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	octl("set res 96x64");
	octl("set detail 0");
	lock_frame(300);
	x = xact(3, OMV_CH_SIZE, NULL, 0);
	tap_ok(O()->rec[1].w == 96 && O()->rec[1].h == 64 && x.ok &&
	       read_frame(OMV_PIXFMT_JPEG, NULL) > 0,
	       "set res applies from the next frame published");
}

/* ---- the script's pixel format (set_pixformat) --------------------------- */

/* Whether @d is pattern frame @num at @w x @h as GRAY (@gray) or RGB565 LE. */
static bool raw_is_pattern(const uint8_t *d, size_t n, uint32_t num,
			   unsigned int w, unsigned int h, bool gray)
{
	struct pattern_params p = {
		.w = w, .h = h, .frame = num, .quality = 80,
		.brightness = 0x80, .contrast = 0x80, .no_addr = true,
	};
	uint8_t *rgb = xmalloc(3 * (size_t)w * h);
	bool same = n == (size_t)w * h * (gray ? 1 : 2);

	/* computed here from the RGB pattern, not with raw_convert */
	pattern_render(&p, rgb);
	for (size_t i = 0; same && i < (size_t)w * h; i++) {
		const uint8_t *q = rgb + 3 * i;

		if (gray)
			same = d[i] == ((q[0] * 77 + q[1] * 150 + q[2] * 29) >> 8);
		else
			same = get_le(d + 2 * i, 2) ==
			       ((uint32_t)(q[0] >> 3) << 11 |
				(uint32_t)(q[1] >> 2) << 5 | q[2] >> 3);
	}
	free(rgb);
	return same;
}

/*
 * The locked frame read whole: its header (w, h, pixfmt, size, offset 32,
 * fps) and its length; the image into *img, *n bytes.
 */
static bool raw_frame(unsigned int w, unsigned int h, uint32_t pixfmt,
		      uint32_t bpp, const uint8_t **img, size_t *n)
{
	uint32_t total = xsize();
	struct xres x = xread(3, 0, total);
	float fps = 20;
	uint32_t fbits;

	memcpy(&fbits, &fps, 4);
	*img = x.d + 32;
	*n = x.n >= 32 ? x.n - 32 : 0;
	return x.ok && total == 32 + w * h * bpp && x.n == total &&
	       get_le(x.d, 4) == w && get_le(x.d + 4, 4) == h &&
	       get_le(x.d + 8, 4) == pixfmt && get_le(x.d + 12, 4) == bpp &&
	       get_le(x.d + 16, 4) == 32 && get_le(x.d + 20, 4) == fbits;
}

static void test_pixformat(void)
{
	const struct oframe_rec *r;
	const uint8_t *img;
	struct xres x;
	size_t n;
	uint8_t p[12], *d = NULL;
	char want[160], name[160], sha[65], dsha[65];
	int64_t end;

	/* the default: RGB565, as before */
	ofresh("poll-ms=0 fps=20 res=64x48");
	tap_ok(strstr(octl("status"), " raw=off pixformat=rgb565\n") != NULL,
	       "pixformat: rgb565 by default (status pixformat=rgb565, last)");
	hsync();
	ioctl2(OMV_STREAM_RAW_CTRL, 1);
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	tap_ok(raw_frame(64, 48, OMV_PIXFMT_RGB565, 2, &img, &n) &&
	       raw_is_pattern(img, n, O()->rec[0].num, 64, 48, false),
	       "default pixformat, raw on: RGB565 64x48, size 2, 32 + 6144 bytes, the pattern");

	/* gray, raw on at RAW_CFG 40x30 */
	ofresh("poll-ms=0 fps=20 res=64x48 pixformat=gray");
	OB.save_dir = xstrdup(tdir);
	tap_ok(strstr(octl("status"), " raw=off pixformat=gray\n") != NULL,
	       "pixformat=gray: status pixformat=gray");
	hsync();
	put_le(p, OMV_STREAM_RAW_CFG, 4);
	put_le(p + 4, 40, 4);
	put_le(p + 8, 30, 4);
	xact(3, OMV_CH_IOCTL, p, 12);
	ioctl2(OMV_STREAM_RAW_CTRL, 1);
	ioctl2(OMV_STREAM_CTRL, 1);
	tap_ok(lock_frame(300), "gray, raw on: a frame is locked");
	r = &O()->rec[0];
	tap_ok(raw_frame(40, 30, OMV_PIXFMT_GRAY, 1, &img, &n) && n == 1200,
	       "gray raw frame: width 40, height 30, pixfmt 0x08020001, size 1, offset 32, fps; SIZE and READ 32 + 40*30 bytes");
	tap_ok(raw_is_pattern(img, n, r->num, 40, 30, true),
	       "gray raw frame: each byte the pattern's grey (77 R + 150 G + 29 B) >> 8, a function of frame number and size");
	{
		struct pattern_params pp = {
			.w = 40, .h = 30, .frame = r->num, .quality = 80,
			.brightness = 0x80, .contrast = 0x80, .no_addr = true,
		};
		struct image g;

		tap_ok(!pattern_raw(&pp, RAW_GRAY8, &g) && g.size == n &&
		       !memcmp(g.data, img, n),
		       "gray raw frame: the image module's RAW_GRAY8 pattern, byte for byte");
		image_free(&g);
	}
	/* the manifest record, frame N, --save-frames */
	sha256_hex(img, n, sha);
	snprintf(want, sizeof(want), "ok %u res=40x30 pixfmt=gray size=1200 sha256=%s ",
		 r->num, sha);
	snprintf(name, sizeof(name), "frame %u", r->num);
	tap_ok(r->pixfmt == OMV_PIXFMT_GRAY && r->size == 1200 &&
	       !strcmp(r->sha, sha) &&
	       !strncmp(octl(name), want, strlen(want)),
	       "gray raw frame handed: frame N says pixfmt=gray size=1200 and the pixels' SHA-256");
	snprintf(name, sizeof(name), "%s/%u.gray", tdir, r->num);
	dsha[0] = 0;
	if (!read_file(name, &d, &n)) {
		sha256_hex(d, n, dsha);
		free(d);
	}
	tap_ok(n == 1200 && !strcmp(dsha, sha),
	       "--save-frames: DIR/N.gray, the exact 1200 pixel bytes");
	x = xact(3, OMV_CH_SHAPE, NULL, 0);
	tap_ok(x.ok && x.n == 12 && get_le(x.d, 4) == 40 &&
	       get_le(x.d + 4, 4) == 30 && get_le(x.d + 8, 4) == 1,
	       "SHAPE of a gray raw frame: 40, 30, 1 byte per pixel");
	xact(3, OMV_CH_UNLOCK, NULL, 0);

	/* back to rgb565 at run time: the next frame published */
	tap_ok(!strcmp(octl("set pixformat rgb565"), "ok\n") &&
	       strstr(octl("status"), " pixformat=rgb565\n") && lock_frame(300) &&
	       raw_frame(40, 30, OMV_PIXFMT_RGB565, 2, &img, &n) &&
	       raw_is_pattern(img, n, O()->rec[1].num, 40, 30, false) &&
	       O()->rec[1].pixfmt == OMV_PIXFMT_RGB565,
	       "set pixformat rgb565: the next frame is RGB565, size 2, 32 + 40*30*2 bytes, the pattern");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	/* a frame already published keeps its format */
	end = OB.now + 500 * MS;
	while (O()->slot != SLOT_READY && OB.now < end)
		owait(1 * MS);
	octl("set pixformat gray");
	lock_frame(300);
	tap_ok(raw_frame(40, 30, OMV_PIXFMT_RGB565, 2, &img, &n),
	       "set pixformat gray while a frame is ready: that frame stays RGB565");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	lock_frame(300);
	tap_ok(raw_frame(40, 30, OMV_PIXFMT_GRAY, 1, &img, &n) &&
	       raw_is_pattern(img, n, O()->rec[3].num, 40, 30, true),
	       "... and the frame published after it is gray");
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	/* a soft reboot restarts the script: still gray, raw still on */
	octl("reset silent");
	hsync();
	lock_frame(300);
	tap_ok(strstr(octl("status"), " pixformat=gray\n") &&
	       raw_frame(40, 30, OMV_PIXFMT_GRAY, 1, &img, &n),
	       "pixformat survives a soft reboot (the script sets it again)");
	xact(3, OMV_CH_UNLOCK, NULL, 0);

	/* gray, raw off: a one-component JPEG of the same picture */
	ioctl2(OMV_STREAM_RAW_CTRL, 0);
	lock_frame(300);
	{
		struct pattern_params pp = {
			.w = 64, .h = 48, .frame = O()->rec[O()->nrec - 1].num,
			.quality = 80, .brightness = 0x80, .contrast = 0x80,
			.no_addr = true, .gray = true,
		};
		struct image g;
		unsigned int w, h;
		int nc = 0;
		uint32_t total = xsize();

		x = xread(3, 0, total);
		tap_ok(x.ok && x.n == total && total > 32 &&
		       get_le(x.d + 8, 4) == OMV_PIXFMT_JPEG &&
		       get_le(x.d + 12, 4) == total - 32 &&
		       !jpeg_probe(x.d + 32, total - 32, &w, &h, &nc) &&
		       w == 64 && h == 48 && nc == 1 && !pattern_jpeg(&pp, &g) &&
		       g.size == total - 32 && !memcmp(g.data, x.d + 32, g.size),
		       "gray, raw off: JPEG frames (pixfmt 0x06060000, size = bytes), one component, 64x48, the gray pattern's JPEG");
		image_free(&g);
	}
	xact(3, OMV_CH_UNLOCK, NULL, 0);
	tap_ok(!strncmp(octl("set pixformat yuv"), "err ", 4) &&
	       !strncmp(octl("set pixformat GRAY"), "err ", 4) &&
	       strstr(octl("status"), " pixformat=gray\n"),
	       "set pixformat takes rgb565 or gray only");
	free(OB.save_dir);
	OB.save_dir = NULL;

	/* raw preview at cold boot (--raw) in gray */
	ofresh("poll-ms=0 fps=20 res=64x48 raw=32x16 pixformat=gray");
	hsync();
	ioctl2(OMV_STREAM_CTRL, 1);
	lock_frame(300);
	tap_ok(raw_frame(32, 16, OMV_PIXFMT_GRAY, 1, &img, &n) &&
	       raw_is_pattern(img, n, O()->rec[0].num, 32, 16, true),
	       "--raw 32x16 --pixformat gray: gray raw frames from boot, 32 + 512 bytes");
}

/* ---- a careful host on a noisy line ------------------------------------ */

/* The next packet with both CRCs right, skipping damaged bytes. */
static bool rgood(struct rpkt *k, int ms)
{
	int64_t deadline = OB.now + ms * MS;

	for (;;) {
		int64_t t;

		while (rpos + 10 <= R.n) {
			const uint8_t *d = R.d + rpos;
			size_t n = get_le(d + 6, 2), need = 10 + (n ? n + 4 : 0);

			if (d[0] != 0xaa || d[1] != 0xd5 ||
			    get_le(d + 8, 2) != omv_crc16(OMV_CRC16_INIT, d, 8) ||
			    n > 4082) {
				rpos++;
				continue;
			}
			if (rpos + need > R.n)
				break;
			if (n && get_le(d + 10 + n, 4) !=
				 omv_crc32(OMV_CRC32_INIT, d + 10, n)) {
				rpos++;
				continue;
			}
			return parse_at(k);
		}
		t = bus_next_event(&OB);
		if (t > deadline) {
			orun(deadline);
			return false;
		}
		orun(t);
	}
}

/*
 * One request, as openmv-python would: ACK good packets that ask for it,
 * re-ACK a resend already taken (RTX, an old seq), skip events. 1: done,
 * 0: NAK BUSY, -1: trouble (timeout, another NAK, out of step).
 */
static int careful(uint8_t chan, uint8_t op, const void *p, size_t n,
		   uint8_t *data, size_t *dn)
{
	struct rpkt k;

	*dn = 0;
	hsend(hseq, chan, 0, op, p, n);
	while (rgood(&k, 1000)) {
		if (k.flags & OMV_EVENT)
			continue;
		if (k.seq != hseq) {
			if (!(k.flags & OMV_RTX))
				return -1;
			if (k.flags & OMV_ACK_REQ)
				hsend(k.seq, k.chan, OMV_ACK, k.op, NULL, 0);
			continue;
		}
		hseq++;
		if (k.flags & OMV_NAK)
			return get_le(k.p, 2) == OMV_BUSY ? 0 : -1;
		if (k.op != op)
			return -1;
		memcpy(data + *dn, k.p, k.n);
		*dn += k.n;
		if (k.flags & OMV_ACK_REQ)
			hsend(k.seq, k.chan, OMV_ACK, k.op, NULL, 0);
		if (!(k.flags & OMV_FRAGMENT))
			return 1;
	}
	return -1;
}

/*
 * Damaged bytes both ways: the host checks every CRC, relies on the
 * device's resends, and resyncs on anything else. Every frame it gets
 * whole must be the manifest's, byte for byte.
 */
static void test_noisy_line(void)
{
	static uint8_t d[65536];
	struct rpkt k;
	size_t n;
	int good = 0, bad = 0, syncs = 0, tries = 0;
	bool synced = false;
	uint8_t q[8];

	ofresh("poll-ms=1 fps=30 res=96x64 max-payload=498 rate=921600");
	ofault("byteflip 0.0002");
	ofault("drop 0.0002");
	ofault("garbage 0.0001");
	ofault("rxflip 0.0005");
	while (good < 12 && tries++ < 400) {
		uint32_t total;
		char sha[65];
		int r;

		if (!synced) {
			syncs++;
			hsend(0, 0, 0, OMV_PROTO_SYNC, NULL, 0);
			while (rgood(&k, 1000) &&
			       (k.op != 0 || k.flags != OMV_ACK))
				;
			if (k.op != 0 || k.flags != OMV_ACK)
				continue;
			hseq = 0;
			put_le(q, OMV_STREAM_CTRL, 4);
			put_le(q + 4, 1, 4);
			synced = O()->streaming ||
				 careful(3, OMV_CH_IOCTL, q, 8, d, &n) == 1;
			continue;
		}
		r = careful(3, OMV_CH_LOCK, NULL, 0, d, &n);
		if (r == 0) {
			owait(5 * MS);
			continue;
		}
		if (r < 0 || careful(3, OMV_CH_SIZE, NULL, 0, d, &n) != 1 ||
		    n != 4) {
			synced = false;
			continue;
		}
		total = get_le(d, 4);
		put_le(q, 0, 4);
		put_le(q + 4, total, 4);
		if (careful(3, OMV_CH_READ, q, 8, d, &n) != 1 || n != total ||
		    careful(3, OMV_CH_UNLOCK, NULL, 0, d + total, &n) != 1) {
			synced = false;
			continue;
		}
		sha256_hex(d + 32, total - 32, sha);
		if (!strcmp(sha, O()->rec[O()->nrec - 1].sha))
			good++;
		else
			bad++;
	}
	tap_diag("noisy line: %d frames whole, %d SYNCs, %llu resends, %llu hcrc and %llu dcrc errors at the device, %.1f s",
		 good, syncs, (unsigned long long)ost(OM_RETRANSMITS),
		 (unsigned long long)ost(OM_HCRC_ERRORS),
		 (unsigned long long)ost(OM_DCRC_ERRORS), (double)OB.now / 1e9);
	tap_ok(good == 12 && !bad && ost(OM_RETRANSMITS) > 0,
	       "a careful host on a line that damages bytes both ways gets 12 frames, each the manifest's byte for byte (resends and resyncs on the way)");
}

void omvp_unit_tests(void)
{
	if (!test_mkdtemp(tdir, sizeof(tdir), "camemu-omvp")) {
		tap_ok(false, "mkdtemp");
		return;
	}
	test_crc();
	test_sync();
	test_caps();
	test_invalid();
	test_channels();
	test_frames();
	test_fragments();
	test_sequence();
	test_timing();
	test_faults();
	test_nak_op();
	test_control();
	test_detail_res();
	test_pixformat();
	test_noisy_line();
	bus_free(&OB);
	free(R.d);
	free(R.t);
	test_rmtree(tdir);
}
