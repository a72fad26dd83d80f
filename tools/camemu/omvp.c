// SPDX-License-Identifier: GPL-2.0
/*
 * The OpenMV Protocol camera (openmv-protocol.md), device side; see
 * omvp.h for the timing model and README.md for the decisions taken
 * where the page is silent or UNCONFIRMED.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "crc16.h"
#include "image.h"
#include "omvp.h"
#include "stream.h"
#include "util.h"

const char *const oslot_names[SLOT_N] = {
	[SLOT_EMPTY] = "empty", [SLOT_WRITING] = "writing",
	[SLOT_READY] = "ready", [SLOT_LOCKED] = "locked",
};

const char *const omstat_names[OM_N] = {
	[OM_PACKETS_IN] = "packets_in",
	[OM_PACKETS_OUT] = "packets_out",
	[OM_REQUESTS] = "requests",
	[OM_ACKS_IN] = "acks_in",
	[OM_NAKS_IN] = "naks_in",
	[OM_HCRC_ERRORS] = "hcrc_errors",
	[OM_DCRC_ERRORS] = "dcrc_errors",
	[OM_OVERFLOW_ERRORS] = "overflow_errors",
	[OM_SEQ_ERRORS] = "seq_errors",
	[OM_INVALID] = "invalid",
	[OM_NAKS_OUT] = "naks_out",
	[OM_BUSY_OUT] = "busy_out",
	[OM_RETRANSMITS] = "retransmits",
	[OM_RTX_GIVEUPS] = "rtx_giveups",
	[OM_EVENTS_OUT] = "events_out",
	[OM_SYNCS] = "syncs",
	[OM_RX_JUNK_BYTES] = "rx_junk_bytes",
	[OM_RX_IGNORED] = "rx_ignored",
	[OM_FRAMES_PUBLISHED] = "frames_published",
	[OM_FRAMES_SKIPPED] = "frames_skipped",
	[OM_FRAMES_OVERFLOWED] = "frames_overflowed",
	[OM_FRAMES_DROPPED] = "frames_dropped",
	[OM_FRAMES_HANDED] = "frames_handed",
	[OM_READ_BYTES] = "read_bytes",
	[OM_RESETS] = "resets",
	[OM_BOOTS] = "boots",
};

/* What PROTO_VERSION reports: protocol, bootloader, firmware. */
static const uint8_t versions[9] = { 1, 0, 2, 1, 0, 0, 5, 0, 0 };

#define SYS_INFO_LEN	76
#define PROTO_VERSION_LEN 16
#define CAPS_LEN	16
#define STATS_LEN	32
#define LIST_ENTRY	16

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* ---- setup ------------------------------------------------------------- */

static void tx_cancel(struct omvp *o)
{
	free(o->tx.data);
	free(o->tx.pkt);
	memset(&o->tx, 0, sizeof(o->tx));
}

static void queue_clear(struct omvp *o)
{
	for (size_t i = o->qhead; i < o->qn; i++)
		free(o->q[i].p);
	o->qhead = o->qn = 0;
}

static int64_t cap_time(const struct omvp *o, int64_t k)
{
	return cap_clock_time(o->cap_t0, o->cap_k0, o->fps, k);
}

static uint32_t newest(const struct omvp *o, int64_t t)
{
	return cap_clock_newest(o->cap_t0, o->cap_k0, o->fps, t);
}

/*
 * The slot is free again: the header is zeroed, the next snapshot (the
 * first capture after @t) publishes the capture before it.
 */
static void slot_empty(struct omvp *o, int64_t t)
{
	uint32_t k = newest(o, t) + 1;

	if (o->slot == SLOT_READY)
		o->st[OM_FRAMES_DROPPED]++;
	o->slot = SLOT_EMPTY;
	free(o->sbuf);
	o->sbuf = NULL;
	o->sn = 0;
	o->pub_next = k > o->first_k + 1 ? k : o->first_k + 1;
}

/* The script (re)starts at @start: capture @k is taken then. */
static void script_start(struct omvp *o, uint32_t k, int64_t start)
{
	o->cap_t0 = start;
	o->cap_k0 = o->first_k = k;
	o->fb_valid = false;
	o->slot = SLOT_EMPTY;	/* the framebuffer is new: nothing dropped */
	slot_empty(o, start);
}

/* The protocol's own state as after init: SYNC, RTX give-up, reboots. */
static void proto_init(struct omvp *o, int64_t t)
{
	o->caps = o->init_caps;
	o->max_payload = o->board_max;
	o->seq = 0;
	tx_cancel(o);
	queue_clear(o);
	o->pn = 0;
	o->wn = 0;
	o->sync_pending = false;
	if (o->slot == SLOT_LOCKED)
		slot_empty(o, t);
	o->free_t = t;
}

/* Everything a cold boot sets, ready at @ready; capture @k first. */
static void cold_state(struct omvp *o, uint32_t k, int64_t ready)
{
	o->boot_until = ready;
	o->tick0 = ready;
	proto_init(o, ready);
	o->streaming = false;
	o->raw = o->boot_raw;
	o->raw_w = o->boot_raw_w;
	o->raw_h = o->boot_raw_h;
	o->last_lock = INT64_MIN / 2;
	if (o->slot == SLOT_READY)
		o->st[OM_FRAMES_DROPPED]++;
	script_start(o, k, ready);
}

struct omvp *omvp_new(int64_t t0)
{
	struct omvp *o = xcalloc(1, sizeof(*o));

	o->rate = 921600;
	o->fps = 10;
	o->w = 320;
	o->h = 240;
	o->quality = 80;
	o->detail = DETAIL_DEFAULT;
	o->cmd_ms = 0.1;
	o->poll_ms = 10;
	o->publish_ms = 2;
	o->lock_ms = 10;
	o->rtx_ms = 500;
	o->rtx_retries = 3;
	o->boot_ms = 1000;
	o->board_max = 4082;
	o->init_caps = OMV_CAP_ALL;
	o->hdr_off = 32;
	o->stream_id = 3;
	o->plugged = true;
	o->log = xcalloc(OLOG_CAP, sizeof(*o->log));
	uart_rx_init(&o->rx, t0);
	o->tx_free = t0;
	o->cap_t0 = t0;
	o->cap_k0 = 1;
	omvp_start(o, t0);
	return o;
}

void omvp_start(struct omvp *o, int64_t t)
{
	o->last_pub = 0;
	o->slot = SLOT_EMPTY;
	cold_state(o, 1, t);
}

void omvp_free(struct omvp *o)
{
	if (!o)
		return;
	tx_cancel(o);
	queue_clear(o);
	free(o->q);
	free(o->pbuf);
	free(o->sbuf);
	free(o->rec);
	free(o->log);
	free(o);
}

/* ---- sending ------------------------------------------------------------ */

size_t omvp_pack(uint8_t *out, uint8_t seq, uint8_t chan, uint8_t flags,
		 uint8_t op, const void *p, size_t n)
{
	out[0] = 0xaa;
	out[1] = 0xd5;
	out[2] = seq;
	out[3] = chan;
	out[4] = flags;
	out[5] = op;
	put_le(out + 6, (uint32_t)n, 2);
	put_le(out + 8, omv_crc16(OMV_CRC16_INIT, out, 8), 2);
	if (!n)
		return OMVP_HDR;
	memcpy(out + OMVP_HDR, p, n);
	put_le(out + OMVP_HDR + n, omv_crc32(OMV_CRC32_INIT, p, n), 4);
	return OMVP_HDR + n + 4;
}

/* Build a packet under the current caps; returns its length. */
static size_t build(struct bus *b, uint8_t *out, uint8_t seq, uint8_t chan,
		    uint8_t flags, uint8_t op, const uint8_t *p, size_t n)
{
	size_t len = omvp_pack(out, seq, chan, flags, op, p, n);

	if (b->omvp->caps & OMV_CAP_CRC)
		return len;
	/* CRC off: the HCRC is 0 and the 4 DCRC bytes are garbage */
	put_le(out + 8, 0, 2);
	if (n)
		put_le(out + OMVP_HDR + n, (uint32_t)prng_next(&b->prng), 4);
	return len;
}

static int64_t wire_ns(const struct omvp *o, size_t n)
{
	return (int64_t)((__int128)n * 10 * NS_PER_S / o->rate);
}

/*
 * Put a packet on the wire at @t, or when the transmitter is free, with
 * the packet faults (not on events) and the per-byte ones. Unplugged or
 * dropped, its wire time passes in silence. Returns when its last byte
 * has gone out.
 */
static int64_t pkt_send(struct bus *b, int64_t t, const uint8_t *pkt,
			size_t n, bool event)
{
	struct omvp *o = b->omvp;
	uint8_t *buf = xmalloc(2 * n);
	size_t total = n;
	int64_t start = max64(t, o->tx_free), end;
	bool lost = !o->plugged;
	struct fault *f;

	memcpy(buf, pkt, n);
	if (!event) {
		f = fault_find(b, NULL, F_DROPPKT);
		if (f) {
			lost = true;
			b->fstat[F_DROPPKT]++;
			fault_use(b, f);
		}
		f = fault_find(b, NULL, F_BADHCRC);
		if (f) {
			put_le(buf + 8, get_le(buf + 8, 2) ^
			       (1 + prng_below(&b->prng, 0xffff)), 2);
			b->fstat[F_BADHCRC]++;
			fault_use(b, f);
		}
		f = n > OMVP_HDR ? fault_find(b, NULL, F_BADDCRC) : NULL;
		if (f) {
			buf[n - 1 - prng_below(&b->prng, 4)] ^=
				(uint8_t)(1 + prng_below(&b->prng, 255));
			b->fstat[F_BADDCRC]++;
			fault_use(b, f);
		}
		f = fault_find(b, NULL, F_TRUNCATE);
		if (f) {
			total = 1 + prng_below(&b->prng, (uint32_t)n - 1);
			b->fstat[F_TRUNCATE]++;
			fault_use(b, f);
		}
		f = fault_find(b, NULL, F_DUP);
		if (f) {
			memcpy(buf + total, buf, total);
			total *= 2;
			b->fstat[F_DUP]++;
			fault_use(b, f);
		}
		f = fault_find(b, NULL, F_STALL);
		if (f) {
			start += ms_ns(f->value);
			b->fstat[F_STALL]++;
			fault_use(b, f);
		}
	}
	o->st[OM_PACKETS_OUT]++;
	if (lost) {
		end = start + wire_ns(o, total);
		bus_verbose(b, start, "tx lost (%s): seq %u op %02x, %zu bytes",
			    o->plugged ? "droppkt" : "unplugged", pkt[2],
			    pkt[5], total);
	} else {
		bus_trace_bytes(b, "tx", start, buf, total);
		end = bus_wire_send(b, NULL, o->rate, 0, start, buf, total);
	}
	free(buf);
	o->tx_free = end;
	return end;
}

/* A status packet: a bare ACK, or a NAK with its code. */
static void reply_status(struct bus *b, int64_t t, uint8_t chan, uint8_t op,
			 int code)
{
	struct omvp *o = b->omvp;
	uint8_t pkt[OMVP_HDR + 6], st[2];
	size_t n;

	if (code == OMV_SUCCESS) {
		n = build(b, pkt, o->seq, chan, OMV_ACK, op, NULL, 0);
	} else {
		put_le(st, (uint32_t)code, 2);
		n = build(b, pkt, o->seq, chan, OMV_NAK, op, st, 2);
		o->st[OM_NAKS_OUT]++;
		if (code == OMV_BUSY)
			o->st[OM_BUSY_OUT]++;
		if (code == OMV_INVALID)
			o->st[OM_INVALID]++;
	}
	/* no ACK required: the counter advances at once */
	o->free_t = pkt_send(b, t, pkt, n, false);
	o->seq++;
}

static void send_event(struct bus *b, int64_t t, uint8_t chan, uint8_t op,
		       const uint8_t *p, size_t n)
{
	struct omvp *o = b->omvp;
	uint8_t pkt[OMVP_HDR + 16];

	if (!(o->caps & OMV_CAP_EVENTS))
		return;
	/* the counter's value, not advanced */
	n = build(b, pkt, o->seq, chan, OMV_EVENT, op, p, n);
	pkt_send(b, t, pkt, n, true);
	o->st[OM_EVENTS_OUT]++;
}

/* The current fragment of the reply under way. */
static void send_fragment(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	struct otx *x = &o->tx;
	bool ack = o->caps & OMV_CAP_ACK;
	uint8_t flags = ack ? OMV_ACK_REQ : 0;
	int64_t end;

	x->flen = x->n - x->off;
	if (x->flen > o->max_payload) {
		x->flen = o->max_payload;
		flags |= OMV_FRAGMENT;
	}
	x->pkt = xrealloc(x->pkt, OMVP_HDR + x->flen + 4);
	x->seq = o->seq;
	x->pn = build(b, x->pkt, o->seq, x->chan, flags, x->op,
		      x->data + x->off, x->flen);
	end = pkt_send(b, t, x->pkt, x->pn, false);
	if (ack) {
		x->wait = true;
		x->tries = 0;
		x->due = end + ms_ns(o->rtx_ms);
	} else {
		o->seq++;
		x->off += x->flen;
	}
}

/* A data reply: ceil(n / max_payload) packets, FRAGMENT on all but the last. */
static void reply_data(struct bus *b, int64_t t, uint8_t chan, uint8_t op,
		       const uint8_t *d, size_t n)
{
	struct omvp *o = b->omvp;
	struct otx *x = &o->tx;

	tx_cancel(o);
	x->on = true;
	x->chan = chan;
	x->op = op;
	x->n = n;
	x->data = xmalloc(n);
	memcpy(x->data, d, n);
	if (o->caps & OMV_CAP_ACK) {
		send_fragment(b, t);
		return;
	}
	do
		send_fragment(b, t);
	while (x->off < x->n);
	tx_cancel(o);
	o->free_t = o->tx_free;
}

static void resend(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	struct otx *x = &o->tx;
	int64_t end;

	x->tries++;
	o->st[OM_RETRANSMITS]++;
	if (o->caps & OMV_CAP_CRC) {
		/* RTX only with CRC on, and the HCRC recomputed */
		x->pkt[4] |= OMV_RTX;
		put_le(x->pkt + 8, omv_crc16(OMV_CRC16_INIT, x->pkt, 8), 2);
	}
	end = pkt_send(b, t, x->pkt, x->pn, false);
	x->due = end + (ms_ns(o->rtx_ms) << x->tries);
}

static void give_up(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;

	/* unACKed after every retry: reset the protocol, no reply */
	o->st[OM_RTX_GIVEUPS]++;
	bus_verbose(b, t, "no ACK after %d resends: protocol reset", o->tx.tries);
	proto_init(o, t);
}

static void acked(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	struct otx *x = &o->tx;

	o->seq++;
	x->off += x->flen;
	x->wait = false;
	if (x->off < x->n) {
		x->due = t + ms_ns(o->cmd_ms);
	} else {
		tx_cancel(o);
		o->free_t = t;
	}
}

/* ---- frames ------------------------------------------------------------- */

static void notify(struct bus *b, int64_t t)
{
	send_event(b, t, (uint8_t)b->omvp->stream_id, OMV_CH_EVENT, NULL, 0);
}

static void start_publish(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	uint32_t k = o->pub_next;

	/* csi.snapshot() at capture k publishes capture k - 1 */
	o->slot = SLOT_WRITING;
	o->slot_num = k - 1;
	o->slot_tcap = cap_time(o, k - 1);
	o->slot_done = t + ms_ns(o->publish_ms);
	if (o->slot_num > o->last_pub + 1)
		o->st[OM_FRAMES_SKIPPED] += o->slot_num - o->last_pub - 1;
	o->last_pub = o->slot_num;
	o->pub_next = k + 1;
}

/*
 * Render the slot's frame: header, then the JPEG or the raw pixels in
 * the script's pixel format (RGB565 little-endian, or GRAY one byte a
 * pixel), as the setting is now: set_pixformat applies from the next
 * frame published.
 */
static bool render(struct bus *b)
{
	struct omvp *o = b->omvp;
	struct pattern_params p = {
		.w = o->w, .h = o->h, .frame = o->slot_num,
		.quality = o->quality, .brightness = 0x80, .contrast = 0x80,
		.texture = o->detail - DETAIL_DEFAULT, .no_addr = true,
		.gray = o->gray,
	};
	struct image img = { 0 };
	uint8_t *h;
	float fps = (float)o->fps;
	uint32_t fbits, bpp = o->gray ? 1 : 2;

	if (b->flush)
		b->flush(b);
	if (o->raw && o->raw_w) {
		p.w = o->raw_w;
		p.h = o->raw_h;
	}
	if (o->raw ? pattern_raw(&p, o->gray ? RAW_GRAY8 : RAW_RGB565LE,
				 &img) :
		     pattern_jpeg(&p, &img)) {
		fprintf(stderr, "camemu: frame encoding failed\n");
		return false;
	}
	o->slot_pixfmt = !o->raw ? OMV_PIXFMT_JPEG :
			 o->gray ? OMV_PIXFMT_GRAY : OMV_PIXFMT_RGB565;
	o->slot_isize = (uint32_t)img.size;
	o->sn = o->hdr_off + img.size;
	o->sbuf = xcalloc(1, o->sn);
	memcpy(o->sbuf + o->hdr_off, img.data, img.size);
	image_free(&img);
	o->slot_w = p.w;
	o->slot_h = p.h;
	/* u32 width, height, pixfmt, size, offset, f32 fps, zeros to offset */
	h = o->sbuf;
	put_le(h, p.w, 4);
	put_le(h + 4, p.h, 4);
	put_le(h + 8, o->slot_pixfmt, 4);
	put_le(h + 12, o->raw ? bpp : o->slot_isize, 4);
	put_le(h + 16, o->hdr_off, 4);
	memcpy(&fbits, &fps, 4);
	put_le(h + 20, fbits, 4);
	o->fb_valid = true;
	o->fb_jpeg = !o->raw;
	o->fb_w = p.w;
	o->fb_h = p.h;
	o->fb_bpp = bpp;
	o->fb_size = o->slot_isize;
	return true;
}

static void finish_publish(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	struct fault *f = fault_find(b, NULL, F_OVERFLOW);

	if (f) {
		/* the JPEG overflowed: dropped, but NOTIFY all the same */
		b->fstat[F_OVERFLOW]++;
		fault_use(b, f);
		o->st[OM_FRAMES_OVERFLOWED]++;
		slot_empty(o, t);
		bus_verbose(b, t, "frame %u overflowed", o->slot_num);
		notify(b, t);
		return;
	}
	if (!render(b)) {
		slot_empty(o, t);
		return;
	}
	o->slot = SLOT_READY;
	o->slot_tpub = t;
	o->st[OM_FRAMES_PUBLISHED]++;
	bus_verbose(b, t, "frame %u published: %ux%u, %u bytes", o->slot_num,
		    o->slot_w, o->slot_h, o->slot_isize);
	notify(b, t);
}

/* The host's LOCK was granted: the frame is the host's (manifest line). */
static void hand_over(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	struct oframe_rec *r;
	char path[4096];

	if (o->nrec == o->reccap) {
		o->reccap = o->reccap ? 2 * o->reccap : 256;
		o->rec = xrealloc(o->rec, o->reccap * sizeof(*o->rec));
	}
	r = &o->rec[o->nrec++];
	r->num = o->slot_num;
	r->w = o->slot_w;
	r->h = o->slot_h;
	r->pixfmt = o->slot_pixfmt;
	r->size = o->slot_isize;
	sha256_hex(o->sbuf + o->hdr_off, o->slot_isize, r->sha);
	r->t_cap = o->slot_tcap;
	r->t_pub = o->slot_tpub;
	r->t_lock = t;
	o->st[OM_FRAMES_HANDED]++;
	if (b->manifest) {
		struct sbuf l = { 0 };

		omvp_frame_line(&l, "frame", r);
		fputs(l.s, b->manifest);
		fflush(b->manifest);
		sbuf_free(&l);
	}
	if (b->save_dir) {
		snprintf(path, sizeof(path), "%s/%u.%s", b->save_dir, r->num,
			 r->pixfmt == OMV_PIXFMT_JPEG ? "jpg" :
			 omvp_pixfmt_name(r->pixfmt));
		write_file(path, o->sbuf + o->hdr_off, r->size);
	}
}

/* ---- requests ----------------------------------------------------------- */

struct ochan {
	unsigned int id;
	const char *name;
	uint8_t flags;
};

static int channels(const struct omvp *o, struct ochan *c)
{
	c[0] = (struct ochan){ 0, "uart", OMV_CHF_PHYS };
	c[1] = (struct ochan){ 1, "stdin", OMV_CHF_WRITE | OMV_CHF_EXEC };
	c[2] = (struct ochan){ 2, "stdout", OMV_CHF_READ };
	c[3] = (struct ochan){ o->stream_id, "stream",
			       OMV_CHF_READ | OMV_CHF_LOCK | OMV_CHF_STREAM };
	return 4;
}

static bool slot_full(const struct omvp *o)
{
	return o->slot == SLOT_READY || o->slot == SLOT_LOCKED;
}

static void stream_ioctl(struct bus *b, int64_t t, const struct oreq *r)
{
	struct omvp *o = b->omvp;
	static const uint16_t argsize[] = { 4, 4, 8, 4 };
	uint32_t req = get_le(r->p, 4), v;

	if (req >= ARRAY_SIZE(argsize) || r->n != 4 + argsize[req]) {
		reply_status(b, t, r->h[3], r->h[5], OMV_INVALID);
		return;
	}
	v = get_le(r->p + 4, 4);
	switch (req) {
	case OMV_STREAM_CTRL:
		/* also empties the slot and clears the lock */
		o->streaming = v != 0;
		o->slot = o->slot == SLOT_WRITING ? SLOT_EMPTY : o->slot;
		slot_empty(o, t);
		break;
	case OMV_STREAM_RAW_CTRL:
		o->raw = v != 0;
		break;
	case OMV_STREAM_RAW_CFG: {
		uint32_t h = get_le(r->p + 8, 4);

		if (v < 16 || h < 16 || v > 4096 || h > 4096 || v % 2 ||
		    h % 2) {
			reply_status(b, t, r->h[3], r->h[5], OMV_INVALID);
			return;
		}
		o->raw_w = v;
		o->raw_h = h;
		break;
	}
	default:	/* SOURCE: one sensor, any chip id taken */
		break;
	}
	reply_status(b, t, r->h[3], r->h[5], OMV_SUCCESS);
}

static void channel_op(struct bus *b, int64_t t, const struct oreq *r)
{
	struct omvp *o = b->omvp;
	struct ochan ch[4];
	int nch = channels(o, ch), ci = -1;
	uint8_t chan = r->h[3], op = r->h[5], d[4 * LIST_ENTRY];
	uint32_t flags, off, len, total;
	bool stream;

	for (int i = 0; i < nch; i++)
		if (ch[i].id == chan)
			ci = i;
	if (ci < 0) {
		reply_status(b, t, chan, op, OMV_INVALID);
		return;
	}
	flags = ch[ci].flags;
	stream = flags & OMV_CHF_STREAM;
	total = stream && slot_full(o) ? (uint32_t)o->sn : 0;
	switch (op) {
	case OMV_CH_LIST:
		if (r->n)
			break;
		memset(d, 0, sizeof(d));
		for (int i = 0; i < nch; i++) {
			d[LIST_ENTRY * i] = (uint8_t)ch[i].id;
			d[LIST_ENTRY * i + 1] = ch[i].flags;
			memcpy(d + LIST_ENTRY * i + 2, ch[i].name,
			       strlen(ch[i].name));
		}
		reply_data(b, t, chan, op, d, LIST_ENTRY * (size_t)nch);
		return;
	case OMV_CH_POLL:
		if (r->n)
			break;
		put_le(d, o->slot == SLOT_READY ? 1u << o->stream_id : 0, 4);
		reply_data(b, t, chan, op, d, 4);
		return;
	case OMV_CH_LOCK:
		if (r->n || !(flags & OMV_CHF_LOCK))
			break;
		if (o->slot != SLOT_READY ||
		    t - o->last_lock < ms_ns(o->lock_ms)) {
			reply_status(b, t, chan, op, OMV_BUSY);
			return;
		}
		o->slot = SLOT_LOCKED;
		o->last_lock = t;
		hand_over(b, t);
		reply_status(b, t, chan, op, OMV_SUCCESS);
		return;
	case OMV_CH_UNLOCK:
		if (r->n || !(flags & OMV_CHF_LOCK))
			break;
		/* always ACKed; zeroes the header, lets the next frame in */
		if (slot_full(o))
			slot_empty(o, t);
		reply_status(b, t, chan, op, OMV_SUCCESS);
		return;
	case OMV_CH_SHAPE: {
		size_t n = 12;

		if (r->n || !stream)
			break;
		memset(d, 0, 12);
		if (o->fb_valid && o->fb_jpeg) {
			put_le(d, o->fb_size, 4);
			n = 4;
		} else if (o->fb_valid) {
			put_le(d, o->fb_w, 4);
			put_le(d + 4, o->fb_h, 4);
			put_le(d + 8, o->fb_bpp, 4);
		}
		reply_data(b, t, chan, op, d, n);
		return;
	}
	case OMV_CH_SIZE:
		if (r->n || !(flags & OMV_CHF_READ))
			break;
		put_le(d, total, 4);
		reply_data(b, t, chan, op, d, 4);
		return;
	case OMV_CH_READ:
		if (r->n != 8 || !(flags & OMV_CHF_READ))
			break;
		off = get_le(r->p, 4);
		len = get_le(r->p + 4, 4);
		if (!len)
			break;
		if ((uint64_t)off + len > total) {
			reply_status(b, t, chan, op, OMV_FAILED);
			return;
		}
		o->st[OM_READ_BYTES] += len;
		reply_data(b, t, chan, op, o->sbuf + off, len);
		return;
	case OMV_CH_WRITE:
		if (!r->n || !(flags & OMV_CHF_WRITE))
			break;
		/* stdin: taken and dropped, the script goes on */
		reply_status(b, t, chan, op, OMV_SUCCESS);
		return;
	case OMV_CH_IOCTL:
		if (r->n < 4)
			break;
		if (stream) {
			stream_ioctl(b, t, r);
			return;
		}
		if (!(flags & OMV_CHF_EXEC))
			break;
		reply_status(b, t, chan, op, OMV_SUCCESS);
		return;
	}
	reply_status(b, t, chan, op, OMV_INVALID);
}

static void proto_op(struct bus *b, int64_t t, const struct oreq *r)
{
	struct omvp *o = b->omvp;
	uint8_t op = r->h[5], d[SYS_INFO_LEN] = { 0 };
	static const uint8_t uid[12] = "CAMEMU-OMVP";
	size_t n = 0;

	if (op != OMV_SET_CAPS && r->n) {
		reply_status(b, t, 0, op, OMV_INVALID);
		return;
	}
	switch (op) {
	case OMV_GET_CAPS:
		put_le(d, o->caps, 4);
		put_le(d + 4, o->max_payload, 2);
		n = CAPS_LEN;
		break;
	case OMV_SET_CAPS: {
		uint32_t mp = r->n == CAPS_LEN ? get_le(r->p + 4, 2) : 0;

		if (mp < OMVP_MIN_PAYLOAD || mp > o->board_max) {
			reply_status(b, t, 0, op, OMV_INVALID);
			return;
		}
		/* ACKed under the old caps, then the new ones apply */
		reply_status(b, t, 0, op, OMV_SUCCESS);
		o->caps = get_le(r->p, 4) & OMV_CAP_ALL;
		o->max_payload = (uint16_t)mp;
		return;
	}
	case OMV_STATS: {
		static const int which[8] = {
			OM_PACKETS_OUT, OM_PACKETS_IN, -1, OM_SEQ_ERRORS,
			OM_RETRANSMITS, OM_NAKS_OUT, OM_OVERFLOW_ERRORS,
			OM_EVENTS_OUT,
		};

		for (int i = 0; i < 8; i++)
			put_le(d + 4 * i, (uint32_t)(which[i] < 0 ?
				o->st[OM_HCRC_ERRORS] + o->st[OM_DCRC_ERRORS] :
				o->st[which[i]]), 4);
		n = STATS_LEN;
		break;
	}
	case OMV_PROTO_VERSION:
		memcpy(d, versions, sizeof(versions));
		n = PROTO_VERSION_LEN;
		break;
	case OMV_SYS_RESET:
	case OMV_SYS_BOOT:
		/* ACK, then a cold boot once it is out */
		reply_status(b, t, 0, op, OMV_SUCCESS);
		bus_verbose(b, o->free_t, "%s: cold boot",
			    op == OMV_SYS_RESET ? "SYS_RESET" : "SYS_BOOT");
		omvp_cold_boot(b, o->free_t);
		return;
	case OMV_SYS_INFO:
		put_le(d, 0x411fc271, 4);		/* CPUID: Cortex-M7 */
		memcpy(d + 4, uid, sizeof(uid));	/* unique id */
		put_le(d + 16, 0x5640, 4);		/* sensor chip id */
		n = SYS_INFO_LEN;
		break;
	default:	/* SYS_MEMORY: no layout in the page */
		reply_status(b, t, 0, op, OMV_INVALID);
		return;
	}
	reply_data(b, t, 0, op, d, n);
}

static bool known_op(uint8_t op)
{
	return op <= OMV_PROTO_VERSION ||
	       (op >= OMV_SYS_RESET && op <= OMV_SYS_MEMORY) ||
	       (op >= OMV_CH_LIST && op <= OMV_CH_EVENT);
}

bool omvp_nak_op_ok(uint8_t op)
{
	return known_op(op) && op != OMV_PROTO_SYNC && op != OMV_SYS_EVENT &&
	       op != OMV_CH_EVENT;
}

static void handle(struct bus *b, int64_t t, const struct oreq *r)
{
	struct omvp *o = b->omvp;
	uint8_t chan = r->h[3], flags = r->h[4], op = r->h[5];
	struct fault *f;

	o->st[OM_REQUESTS]++;
	if (r->nak) {
		reply_status(b, t, chan, op, r->nak);
		return;
	}
	if ((o->caps & OMV_CAP_SEQ) && r->h[2] != o->seq) {
		o->st[OM_SEQ_ERRORS]++;
		reply_status(b, t, chan, op, OMV_SEQUENCE);
		return;
	}
	if (flags & OMV_FRAGMENT) {
		/* host requests are never fragmented */
		reply_status(b, t, chan, op, OMV_FRAGMENT_ERR);
		return;
	}
	if (!known_op(op) || (op <= OMV_SYS_MEMORY && chan)) {
		reply_status(b, t, chan, op, OMV_INVALID);
		return;
	}
	/* nak op=OP: other opcodes pass untouched and leave its count */
	f = fault_find_op(b, F_NAK, op);
	if (f) {
		reply_status(b, t, chan, op,
			     f->value_set ? (int)f->value : OMV_BUSY);
		b->fstat[F_NAK]++;
		fault_use(b, f);
		return;
	}
	if (op >= OMV_CH_LIST)
		channel_op(b, t, r);
	else
		proto_op(b, t, r);
}

/* ---- receiving ---------------------------------------------------------- */

static int64_t tick(const struct omvp *o, int64_t t)
{
	int64_t p = ms_ns(o->poll_ms), k;

	if (p <= 0 || t <= o->tick0)
		return max64(t, o->tick0);
	k = (t - o->tick0 + p - 1) / p;
	return o->tick0 + k * p;
}

/* When the request at the head of the queue is answered (T_NEVER: none). */
static int64_t req_time(const struct omvp *o)
{
	if (o->qhead == o->qn || o->tx.on || o->sync_pending)
		return T_NEVER;
	return tick(o, max64(o->q[o->qhead].tc, o->free_t)) +
	       ms_ns(o->cmd_ms);
}

static void enqueue(struct omvp *o, int64_t t, const uint8_t *pkt, size_t n,
		    uint8_t nak)
{
	struct oreq *r;

	if (o->qhead && o->qhead == o->qn)
		o->qhead = o->qn = 0;
	if (o->qn == o->qcap) {
		o->qcap = o->qcap ? 2 * o->qcap : 8;
		o->q = xrealloc(o->q, o->qcap * sizeof(*o->q));
	}
	r = &o->q[o->qn++];
	r->tc = t;
	memcpy(r->h, pkt, OMVP_HDR);
	r->n = (uint16_t)n;
	r->p = n ? xmalloc(n) : NULL;
	if (n)
		memcpy(r->p, pkt + OMVP_HDR, n);
	r->nak = nak;
}

static void log_pkt(struct omvp *o, int64_t t, const uint8_t *pkt, size_t n)
{
	struct olog *e = &o->log[o->log_num % OLOG_CAP];

	e->num = ++o->log_num;
	e->t = t;
	memcpy(e->h, pkt, OMVP_HDR);
	e->plen = (uint16_t)(n < sizeof(e->p) ? n : sizeof(e->p));
	memcpy(e->p, pkt + OMVP_HDR, e->plen);
}

static void sync_seen(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	bool waiting = o->tx.on;

	/* cancels the ACK wait; bytes after it, until it is handled, are lost */
	tx_cancel(o);
	queue_clear(o);
	o->pn = 0;
	o->wn = 0;
	o->sync_pending = true;
	o->sync_th = (waiting ? t : tick(o, max64(t, o->free_t))) +
		     ms_ns(o->cmd_ms);
}

static void do_sync(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	uint8_t pkt[OMVP_HDR];
	size_t n;

	proto_init(o, t);
	o->st[OM_SYNCS]++;
	o->st[OM_REQUESTS]++;
	/* ACK at seq 0, under the default caps; the next request uses 0 */
	n = build(b, pkt, 0, 0, OMV_ACK, OMV_PROTO_SYNC, NULL, 0);
	o->free_t = pkt_send(b, t, pkt, n, false);
}

/* A good packet (its CRCs right) came in at @t. */
static void received(struct bus *b, int64_t t, const uint8_t *pkt, size_t n)
{
	struct omvp *o = b->omvp;
	uint8_t seq = pkt[2], flags = pkt[4], op = pkt[5];
	struct otx *x = &o->tx;

	o->st[OM_PACKETS_IN]++;
	log_pkt(o, t, pkt, n);
	bus_trace_bytes(b, "rx", t, pkt, OMVP_HDR + n);
	if (flags & (OMV_ACK | OMV_NAK)) {
		o->st[flags & OMV_ACK ? OM_ACKS_IN : OM_NAKS_IN]++;
		/* matched on ACK/NAK, opcode and seq, not the channel */
		if (!x->on || !x->wait || op != x->op || seq != x->seq)
			o->st[OM_RX_IGNORED]++;
		else if (flags & OMV_ACK)
			acked(b, t);
		else if (x->tries < (int)o->rtx_retries)
			resend(b, t);	/* a host NAK: resent at once */
		else
			give_up(b, t);
		return;
	}
	if (op == OMV_SYS_EVENT || op == OMV_CH_EVENT || x->on) {
		/* host events; requests while a reply waits for its ACK */
		o->st[OM_RX_IGNORED]++;
		return;
	}
	enqueue(o, t, pkt, n, 0);
}

static void drop(struct omvp *o, size_t k, bool junk)
{
	memmove(o->pbuf, o->pbuf + k, o->pn - k);
	o->pn -= k;
	if (junk)
		o->st[OM_RX_JUNK_BYTES] += k;
}

static bool hcrc_ok(const struct omvp *o, const uint8_t *p)
{
	return !(o->caps & OMV_CAP_CRC) ||
	       get_le(p + 8, 2) == omv_crc16(OMV_CRC16_INIT, p, 8);
}

/*
 * PROTO_SYNC (CHAN 0, N = 0, no ACK/NAK, any seq): recognised in the last
 * ten bytes received whatever the parser is doing, so even inside a
 * partial packet whose length would swallow it.
 */
static bool is_sync(const struct omvp *o, const uint8_t *p)
{
	return p[0] == 0xaa && p[1] == 0xd5 && !p[3] &&
	       !(p[4] & (OMV_ACK | OMV_NAK)) && p[5] == OMV_PROTO_SYNC &&
	       !p[6] && !p[7] && hcrc_ok(o, p);
}

/* A receive error to answer with a NAK, unless a reply waits for its ACK. */
static void rx_error(struct omvp *o, int64_t t, const uint8_t *h, int code)
{
	if (!o->tx.on)
		enqueue(o, t, h, 0, (uint8_t)code);
}

static void parse(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;

	for (;;) {
		uint8_t *p = o->pbuf, *pkt;
		size_t n, need;

		if (o->pn >= 1 && p[0] != 0xaa) {
			drop(o, 1, true);
			continue;
		}
		if (o->pn >= 2 && p[1] != 0xd5) {
			drop(o, 1, true);
			continue;
		}
		if (o->pn < OMVP_HDR)
			return;
		if (!hcrc_ok(o, p)) {
			/* dropped silently */
			o->st[OM_HCRC_ERRORS]++;
			drop(o, 1, true);
			continue;
		}
		n = get_le(p + 6, 2);
		if (n > o->max_payload) {
			o->st[OM_OVERFLOW_ERRORS]++;
			rx_error(o, t, p, OMV_OVERFLOW);
			drop(o, OMVP_HDR, false);
			continue;
		}
		need = OMVP_HDR + (n ? n + 4 : 0);
		if (o->pn < need)
			return;
		if (n && (o->caps & OMV_CAP_CRC) &&
		    get_le(p + OMVP_HDR + n, 4) !=
		    omv_crc32(OMV_CRC32_INIT, p + OMVP_HDR, n)) {
			o->st[OM_DCRC_ERRORS]++;
			rx_error(o, t, p, OMV_CHECKSUM);
			drop(o, need, false);
			continue;
		}
		/* out of the buffer first: a SYNC clears it */
		pkt = xmalloc(need);
		memcpy(pkt, p, need);
		drop(o, need, false);
		received(b, t, pkt, n);
		free(pkt);
	}
}

static void rx_byte(struct bus *b, uint8_t byte, int64_t t)
{
	struct omvp *o = b->omvp;

	if (!o->plugged || t < o->boot_until)
		return;
	if (fault_hit(b, NULL, F_RXFLIP)) {
		byte ^= (uint8_t)(1u << prng_below(&b->prng, 8));
		b->fstat[F_RXFLIP]++;
	}
	if (o->sync_pending) {
		o->st[OM_RX_JUNK_BYTES]++;
		return;
	}
	if (o->wn == OMVP_HDR)
		memmove(o->win, o->win + 1, --o->wn);
	o->win[o->wn++] = byte;
	if (o->wn == OMVP_HDR && is_sync(o, o->win)) {
		/* what the parser holds before it is dropped */
		o->st[OM_RX_JUNK_BYTES] += o->pn >= OMVP_HDR - 1 ?
					   o->pn - (OMVP_HDR - 1) : 0;
		o->st[OM_PACKETS_IN]++;
		log_pkt(o, t, o->win, 0);
		bus_trace_bytes(b, "rx", t, o->win, OMVP_HDR);
		sync_seen(b, t);
		return;
	}
	if (o->pn == o->pcap) {
		o->pcap = o->pcap ? 2 * o->pcap : 1024;
		o->pbuf = xrealloc(o->pbuf, o->pcap);
	}
	o->pbuf[o->pn++] = byte;
	parse(b, t);
}

/* ---- the event loop ----------------------------------------------------- */

static int64_t pub_time(const struct omvp *o)
{
	if (o->slot == SLOT_WRITING)
		return o->slot_done;
	if (o->slot == SLOT_EMPTY && o->streaming)
		return cap_time(o, o->pub_next);
	return T_NEVER;
}

static const struct rx_event *rx_peek(struct bus *b)
{
	return uart_rx_peek(&b->omvp->rx, &b->in, b->omvp->rate,
			    b->gmode == GUEST_FOLLOW);
}

int64_t omvp_next_event(struct bus *b)
{
	struct omvp *o = b->omvp;
	int64_t t = rx_peek(b)->t, u;

	if (o->sync_pending && o->sync_th < t)
		t = o->sync_th;
	if (o->tx.on && o->tx.due < t)
		t = o->tx.due;
	u = req_time(o);
	if (u < t)
		t = u;
	u = pub_time(o);
	return u < t ? u : t;
}

void omvp_step(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;
	const struct rx_event *ev = rx_peek(b);
	int64_t u;

	/* one thing at a time, the host's byte first */
	if (ev->t <= t) {
		struct rx_event e = *ev;

		uart_rx_commit(&o->rx);
		if (e.has_byte)
			rx_byte(b, e.byte, e.t);
	} else if (o->sync_pending && o->sync_th <= t) {
		do_sync(b, o->sync_th);
	} else if (o->tx.on && o->tx.due <= t) {
		u = o->tx.due;
		if (!o->tx.wait)
			send_fragment(b, u);
		else if (o->tx.tries < (int)o->rtx_retries)
			resend(b, u);
		else
			give_up(b, u);
	} else if ((u = req_time(o)) <= t) {
		struct oreq r = o->q[o->qhead++];

		handle(b, u, &r);
		free(r.p);
	} else if ((u = pub_time(o)) <= t) {
		if (o->slot == SLOT_WRITING)
			finish_publish(b, u);
		else
			start_publish(b, u);
	}
}

int64_t omvp_rx_cur(const struct bus *b)
{
	return b->omvp->rx.cur;
}

/* ---- power and line ----------------------------------------------------- */

/* The line goes dark from @t: bytes not started yet are withdrawn. */
static void line_cut(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;

	wave_cancel(&b->out, 0, t);
	o->tx_free = max64(t, wave_end(&b->out));
}

void omvp_unplug(struct bus *b)
{
	/* the device runs on (timers, resends); its bytes go nowhere */
	wave_cancel(&b->out, 0, b->now);
	b->omvp->plugged = false;
}

void omvp_plug(struct bus *b)
{
	b->omvp->plugged = true;
}

void omvp_soft_reboot(struct bus *b, bool silent)
{
	struct omvp *o = b->omvp;
	int64_t t = b->now;
	uint8_t code[2];

	line_cut(b, t);
	if (!silent) {
		put_le(code, OMV_EV_SOFT_REBOOT, 2);
		send_event(b, t, 0, OMV_SYS_EVENT, code, 2);
	}
	proto_init(o, t);
	o->tick0 = t;
	if (o->slot == SLOT_READY)
		o->st[OM_FRAMES_DROPPED]++;
	script_start(o, newest(o, t) + 1, t);
	o->st[OM_RESETS]++;
	bus_verbose(b, t, "soft reboot");
}

void omvp_cold_boot(struct bus *b, int64_t t)
{
	struct omvp *o = b->omvp;

	line_cut(b, t);
	cold_state(o, newest(o, t) + 1, t + ms_ns(o->boot_ms));
	o->st[OM_BOOTS]++;
}

void omvp_powercycle(struct bus *b)
{
	omvp_cold_boot(b, b->now);
}

/* ---- settings ----------------------------------------------------------- */

void omvp_caps_str(unsigned int caps, char *buf, size_t len)
{
	static const char *const names[4] = { "crc", "seq", "ack", "events" };
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < 4; i++)
		if (caps & (1u << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? "," : "", names[i]);
	if (!o)
		snprintf(buf, len, "none");
}

static int parse_caps(const char *s, unsigned int *caps)
{
	char *copy = xstrdup(s), *save = NULL, *tok;
	unsigned int c = 0;
	int r = 0;

	if (strcmp(s, "none")) {
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strcmp(tok, "crc"))
				c |= OMV_CAP_CRC;
			else if (!strcmp(tok, "seq"))
				c |= OMV_CAP_SEQ;
			else if (!strcmp(tok, "ack"))
				c |= OMV_CAP_ACK;
			else if (!strcmp(tok, "events"))
				c |= OMV_CAP_EVENTS;
			else
				r = -1;
		}
	}
	free(copy);
	if (!r)
		*caps = c;
	return r;
}

/* A decimal number in lo..hi; 0, or -1. */
static int parse_range(const char *s, unsigned long lo, unsigned long hi,
		       unsigned long *v)
{
	return parse_ulong(s, 10, hi, v) || *v < lo ? -1 : 0;
}

#define SET_ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int omvp_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen)
{
	struct omvp *o = b->omvp;
	unsigned long v;
	double d;
	static const struct {
		const char *key;
		size_t off;
	} msk[] = {
		{ "cmd-ms", offsetof(struct omvp, cmd_ms) },
		{ "poll-ms", offsetof(struct omvp, poll_ms) },
		{ "publish-ms", offsetof(struct omvp, publish_ms) },
		{ "lock-ms", offsetof(struct omvp, lock_ms) },
		{ "rtx-ms", offsetof(struct omvp, rtx_ms) },
		{ "boot-ms", offsetof(struct omvp, boot_ms) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(msk); i++) {
		if (strcmp(key, msk[i].key))
			continue;
		if (parse_ms(val, &d))
			SET_ERR("%s is 0..600000 ms", key);
		if (!strcmp(key, "rtx-ms") && d < 1)
			SET_ERR("rtx-ms is 1..600000");
		*(double *)((char *)o + msk[i].off) = d;
		return 0;
	}
	if (!strcmp(key, "rate")) {
		if (parse_range(val, 300, OMVP_MAX_RATE, &v))
			SET_ERR("rate is 300..%d", OMVP_MAX_RATE);
		o->rate = (uint32_t)v;
	} else if (!strcmp(key, "fps")) {
		if (stream_parse_fps(val, &d))
			SET_ERR("fps is %g..%g", FPS_MIN, FPS_MAX);
		cap_clock_set_fps(&o->cap_t0, &o->cap_k0, &o->fps, d, b->now);
		if (o->first_k > o->cap_k0)
			o->first_k = o->cap_k0;
	} else if (!strcmp(key, "res")) {
		if (stream_parse_res(val, &o->w, &o->h))
			SET_ERR("res is WxH, even, %d..%d", STREAM_MIN_RES,
				STREAM_MAX_RES);
	} else if (!strcmp(key, "quality")) {
		if (parse_range(val, 1, 100, &v))
			SET_ERR("quality is 1..100");
		o->quality = (int)v;
	} else if (!strcmp(key, "detail")) {
		if (parse_range(val, 0, DETAIL_MAX, &v))
			SET_ERR("detail is 0..%d", DETAIL_MAX);
		o->detail = (int)v;
	} else if (!strcmp(key, "rtx-retries")) {
		if (parse_range(val, 0, 16, &v))
			SET_ERR("rtx-retries is 0..16");
		o->rtx_retries = (unsigned int)v;
	} else if (!strcmp(key, "max-payload")) {
		if (parse_range(val, OMVP_MIN_PAYLOAD, OMVP_MAX_BOARD, &v))
			SET_ERR("max-payload is %d..%d", OMVP_MIN_PAYLOAD,
				OMVP_MAX_BOARD);
		o->board_max = (uint16_t)v;
		if (o->max_payload > o->board_max)
			o->max_payload = o->board_max;
	} else if (!strcmp(key, "caps")) {
		if (parse_caps(val, &o->init_caps))
			SET_ERR("caps is a list of crc,seq,ack,events, or none");
	} else if (!strcmp(key, "hdr-offset")) {
		if (parse_range(val, 24, 4096, &v) || v % 4)
			SET_ERR("hdr-offset is 24..4096, a multiple of 4");
		o->hdr_off = (unsigned int)v;
	} else if (!strcmp(key, "stream-id")) {
		if (parse_range(val, 3, OMVP_MAX_CHAN - 1, &v))
			SET_ERR("stream-id is 3..%d", OMVP_MAX_CHAN - 1);
		o->stream_id = (unsigned int)v;
	} else if (!strcmp(key, "raw")) {
		if (!strcmp(val, "off")) {
			o->boot_raw = false;
			o->boot_raw_w = o->boot_raw_h = 0;
		} else if (stream_parse_res(val, &o->boot_raw_w,
					    &o->boot_raw_h)) {
			SET_ERR("raw is off or WxH (even, %d..%d)",
				STREAM_MIN_RES, STREAM_MAX_RES);
		} else {
			o->boot_raw = true;
		}
	} else if (!strcmp(key, "pixformat")) {
		if (!strcmp(val, "rgb565"))
			o->gray = false;
		else if (!strcmp(val, "gray"))
			o->gray = true;
		else
			SET_ERR("pixformat is rgb565 or gray");
	} else {
		SET_ERR("unknown key '%s'", key);
	}
	return 0;
}

void omvp_status(struct bus *b, struct sbuf *out)
{
	struct omvp *o = b->omvp;
	char caps[32], icaps[32], raw[32];

	omvp_caps_str(o->caps, caps, sizeof(caps));
	omvp_caps_str(o->init_caps, icaps, sizeof(icaps));
	if (o->boot_raw)
		snprintf(raw, sizeof(raw), "%ux%u", o->boot_raw_w,
			 o->boot_raw_h);
	else
		snprintf(raw, sizeof(raw), "off");
	sbuf_printf(out,
		    "ok family=omvp rate=%u guest=%u plugged=%d booting=%d seq=%u caps=%s max-payload=%u awaiting-ack=%d streaming=%d raw-on=%d slot=%s slot-frame=%u frames=%zu captures=%u",
		    o->rate, b->gmode == GUEST_UNKNOWN ? 0 : bus_guest_rate(b),
		    o->plugged, b->now < o->boot_until, o->seq, caps,
		    o->max_payload, o->tx.on && o->tx.wait, o->streaming,
		    o->raw, oslot_names[o->slot],
		    o->slot == SLOT_EMPTY ? 0 : o->slot_num, o->nrec,
		    newest(o, b->now));
	sbuf_printf(out,
		    " fps=%g res=%ux%u quality=%d detail=%d cmd-ms=%g poll-ms=%g publish-ms=%g lock-ms=%g rtx-ms=%g rtx-retries=%u boot-ms=%g board-max=%u init-caps=%s hdr-offset=%u stream-id=%u raw=%s pixformat=%s\n",
		    o->fps, o->w, o->h, o->quality, o->detail, o->cmd_ms,
		    o->poll_ms, o->publish_ms, o->lock_ms, o->rtx_ms,
		    o->rtx_retries, o->boot_ms, o->board_max, icaps,
		    o->hdr_off, o->stream_id, raw,
		    o->gray ? "gray" : "rgb565");
}

/* ---- records ------------------------------------------------------------ */

const char *omvp_pixfmt_name(uint32_t pixfmt)
{
	switch (pixfmt) {
	case OMV_PIXFMT_JPEG:
		return "jpeg";
	case OMV_PIXFMT_GRAY:
		return "gray";
	default:
		return "rgb565";
	}
}

const struct oframe_rec *omvp_frame(const struct omvp *o, uint32_t num)
{
	for (size_t i = 0; i < o->nrec; i++)
		if (o->rec[i].num == num)
			return &o->rec[i];
	return NULL;
}

void omvp_frame_line(struct sbuf *out, const char *prefix,
		     const struct oframe_rec *r)
{
	sbuf_printf(out,
		    "%s %u res=%ux%u pixfmt=%s size=%u sha256=%s captured_ns=%lld published_ns=%lld locked_ns=%lld\n",
		    prefix, r->num, r->w, r->h, omvp_pixfmt_name(r->pixfmt),
		    r->size,
		    r->sha, (long long)r->t_cap, (long long)r->t_pub,
		    (long long)r->t_lock);
}

void omvp_log_line(struct sbuf *out, const struct olog *e)
{
	sbuf_printf(out, "pkt %llu t=%lld seq=%u chan=%u flags=0x%02x op=0x%02x len=%u data=",
		    (unsigned long long)e->num, (long long)e->t, e->h[2],
		    e->h[3], e->h[4], e->h[5], (unsigned int)get_le(e->h + 6, 2));
	if (!e->plen)
		sbuf_add(out, "-", 1);
	for (int i = 0; i < e->plen; i++)
		sbuf_printf(out, "%02x", e->p[i]);
	sbuf_add(out, "\n", 1);
}
