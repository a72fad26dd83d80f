// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the JPEG marker walk
 *
 * See sercam-jpeg.h. A module of its own, with no dependency on V4L2 or
 * serdev, so that the families and the KUnit suites share it. Runs of
 * bytes, not bytes: segments are skipped by
 * their length and entropy-coded data is searched for FF with memchr(), so
 * the per-byte cost is that of memchr.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "sercam-jpeg.h"

#define JPEG_MARK		0xff
#define JPEG_SOI		0xd8
#define JPEG_EOI		0xd9
#define JPEG_SOS		0xda
#define JPEG_RST0		0xd0
#define JPEG_RST7		0xd7
#define JPEG_TEM		0x01

enum {
	SJ_SOI0,	/* FF of SOI */
	SJ_SOI1,	/* D8 of SOI */
	SJ_MARK,	/* FF of the next marker */
	SJ_CODE,	/* the marker code (or fill FF) */
	SJ_LEN0,	/* segment length, high byte */
	SJ_LEN1,	/* segment length, low byte */
	SJ_BODY,	/* segment body */
	SJ_DATA,	/* entropy-coded data */
	SJ_DATA_FF,	/* FF inside entropy-coded data */
	SJ_DONE,	/* after EOI */
	SJ_FAILED,	/* not a JPEG */
};

/**
 * sercam_jpeg_walk_init() - start a walk at SOI
 * @w: the walk
 */
void sercam_jpeg_walk_init(struct sercam_jpeg_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->state = SJ_SOI0;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_walk_init);

/**
 * sercam_jpeg_walk_done() - whether the walk reached EOI
 * @w: the walk
 *
 * Return: true after the EOI of a JPEG with a frame header and a scan.
 */
bool sercam_jpeg_walk_done(const struct sercam_jpeg_walk *w)
{
	return w->state == SJ_DONE;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_walk_done);

/**
 * sercam_jpeg_walk_failed() - whether the walk met a byte no JPEG has there
 * @w: the walk
 *
 * Return: true once failed; the walk consumes nothing more.
 */
bool sercam_jpeg_walk_failed(const struct sercam_jpeg_walk *w)
{
	return w->state == SJ_FAILED;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_walk_failed);

/**
 * sercam_jpeg_walk_soi() - whether the walk failed on a new SOI
 * @w: a failed walk
 *
 * A JPEG cut short and followed by the next one fails on the next one's
 * FF D8: the caller may start a new JPEG there (its FF D8 is consumed).
 *
 * Return: true when the byte the walk failed on was the D8 of FF D8.
 */
bool sercam_jpeg_walk_soi(const struct sercam_jpeg_walk *w)
{
	return w->state == SJ_FAILED && w->marker == JPEG_SOI;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_walk_soi);

static bool sercam_jpeg_is_sof(u8 m)
{
	/* SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC) */
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static void sercam_jpeg_fail(struct sercam_jpeg_walk *w, u8 code)
{
	w->marker = code;
	w->state = SJ_FAILED;
}

/* A marker code after FF: standalone, EOI, or a segment with a length. */
static void sercam_jpeg_code(struct sercam_jpeg_walk *w, u8 c)
{
	if (c == JPEG_MARK)
		return;				/* fill byte */
	if (c == JPEG_EOI) {
		if (!w->scans || !w->width) {
			sercam_jpeg_fail(w, c);
			return;
		}
		w->state = SJ_DONE;
		return;
	}
	if (c == JPEG_SOI || c == 0x00) {
		sercam_jpeg_fail(w, c);
		return;
	}
	if (c == JPEG_TEM || (c >= JPEG_RST0 && c <= JPEG_RST7)) {
		w->state = SJ_MARK;		/* no length */
		return;
	}
	w->marker = c;
	w->state = SJ_LEN0;
}

/**
 * sercam_jpeg_walk() - walk on through some bytes
 * @w: the walk
 * @buf: the next bytes of the JPEG
 * @len: how many
 *
 * Return: bytes consumed: all of @len, or fewer when the walk stopped
 * after EOI (done) or on a byte that cannot be there (failed: that byte is
 * consumed too).
 */
size_t sercam_jpeg_walk(struct sercam_jpeg_walk *w, const u8 *buf, size_t len)
{
	size_t i = 0, n;
	const u8 *ff;
	u8 c;

	while (i < len) {
		switch (w->state) {
		case SJ_DATA:
			ff = memchr(buf + i, JPEG_MARK, len - i);
			if (!ff) {
				i = len;
				break;
			}
			i = ff - buf + 1;
			w->state = SJ_DATA_FF;
			break;
		case SJ_BODY:
			n = min_t(size_t, len - i, w->seg_left);
			if (sercam_jpeg_is_sof(w->marker)) {
				while (w->sof_got < sizeof(w->sof) &&
				       n && w->seg_left) {
					w->sof[w->sof_got++] = buf[i++];
					w->seg_left--;
					n--;
				}
				if (w->sof_got == sizeof(w->sof) && !w->width) {
					w->height = w->sof[1] << 8 | w->sof[2];
					w->width = w->sof[3] << 8 | w->sof[4];
				}
			}
			i += n;
			w->seg_left -= n;
			if (!w->seg_left)
				w->state = w->marker == JPEG_SOS ? SJ_DATA :
								   SJ_MARK;
			break;
		case SJ_DONE:
		case SJ_FAILED:
			w->pos += i;
			return i;
		default:
			c = buf[i++];
			switch (w->state) {
			case SJ_SOI0:
				if (c == JPEG_MARK)
					w->state = SJ_SOI1;
				else
					sercam_jpeg_fail(w, c);
				break;
			case SJ_SOI1:
				if (c == JPEG_SOI)
					w->state = SJ_MARK;
				else
					sercam_jpeg_fail(w, c);
				break;
			case SJ_MARK:
				if (c == JPEG_MARK)
					w->state = SJ_CODE;
				else
					sercam_jpeg_fail(w, c);
				break;
			case SJ_CODE:
				sercam_jpeg_code(w, c);
				break;
			case SJ_LEN0:
				w->len_hi = c;
				w->state = SJ_LEN1;
				break;
			case SJ_LEN1:
				w->seg_left = (w->len_hi << 8 | c);
				if (w->seg_left < 2) {
					sercam_jpeg_fail(w, c);
					break;
				}
				w->seg_left -= 2;
				if (w->marker == JPEG_SOS)
					w->scans++;
				if (sercam_jpeg_is_sof(w->marker))
					w->sof_got = 0;
				w->state = SJ_BODY;
				if (!w->seg_left)
					w->state = w->marker == JPEG_SOS ?
						   SJ_DATA : SJ_MARK;
				break;
			case SJ_DATA_FF:
				if (c == 0x00 ||
				    (c >= JPEG_RST0 && c <= JPEG_RST7))
					w->state = SJ_DATA;	/* stuffing, restart */
				else
					sercam_jpeg_code(w, c);	/* after the scan */
				break;
			}
			break;
		}
	}
	w->pos += i;
	return i;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_walk);

/**
 * sercam_jpeg_check() - check that a buffer holds one whole JPEG
 * @buf: the bytes
 * @len: how many
 * @width: where to put the width from its frame header, or NULL
 * @height: where to put the height, or NULL
 *
 * The bytes must be one JPEG from SOI to EOI, by the marker walk; after
 * EOI a camera may pad with 0x00 or 0xFF bytes.
 *
 * Return: the JPEG's length up to and including EOI, or 0 when @buf does
 * not hold one, or holds something else after it.
 */
u32 sercam_jpeg_check(const u8 *buf, u32 len, u16 *width, u16 *height)
{
	struct sercam_jpeg_walk w;
	u32 end, i;

	sercam_jpeg_walk_init(&w);
	end = sercam_jpeg_walk(&w, buf, len);
	if (!sercam_jpeg_walk_done(&w))
		return 0;
	for (i = end; i < len; i++)
		if (buf[i] != 0x00 && buf[i] != 0xff)
			return 0;
	if (width)
		*width = w.width;
	if (height)
		*height = w.height;
	return end;
}
EXPORT_SYMBOL_GPL(sercam_jpeg_check);

/*
 * The entropy check: a baseline (Huffman, 8-bit, sequential) scan decoded
 * down to the coefficients, neither dequantised nor transformed: every
 * Huffman code must be in its table, every block must end within its 64
 * coefficients, the restart markers must come where DRI puts them and in
 * their order, and the scan must hold exactly the frame's MCUs, padded to
 * a byte with ones, with EOI right after. A byte inserted into or a bit
 * flipped in the entropy-coded data almost always breaks one of these.
 */
#define SJ_COMPS	4	/* components in a frame */
#define SJ_TABLES	4	/* Huffman tables of each class */
#define SJ_DC_MAX	2047	/* a DC coefficient, 8-bit samples */

/* A Huffman table, as T.81 F.2.2.3 decodes it: per code length 1..16. */
struct sj_huff {
	const u8 *vals;		/* HUFFVAL, in the JPEG's own DHT */
	u16 end[16];		/* past the largest code of the length, 0: none */
	u16 mincode[16];	/* smallest code of the length */
	u8 valptr[16];		/* index of its value in @vals */
	bool defined;
};

struct sj_comp {
	u8 id;
	u8 h, v;		/* sampling factors */
	u8 dc, ac;		/* table selectors, from SOS */
	s32 pred;		/* DC predictor */
};

struct sj_scan {
	const u8 *buf;
	u32 len;
	u32 pos;		/* next byte of entropy-coded data */
	u32 acc;		/* bits not used yet, in the low @nbits */
	u8 nbits;
	struct sj_huff huff[2][SJ_TABLES];	/* [0] DC, [1] AC */
	struct sj_comp comp[SJ_COMPS];
	u8 ncomp;
	u8 hmax, vmax;
	u16 width, height;
	u16 restart;		/* MCUs per restart interval, 0: none */
};

/* The next bit of entropy-coded data; -EILSEQ at a marker or the end. */
static int sj_bit(struct sj_scan *s)
{
	u8 b;

	if (!s->nbits) {
		if (s->pos >= s->len)
			return -EILSEQ;
		b = s->buf[s->pos];
		if (b == JPEG_MARK) {
			/* FF 00 is a data FF; anything else a marker */
			if (s->pos + 1 >= s->len || s->buf[s->pos + 1])
				return -EILSEQ;
			s->pos++;
		}
		s->pos++;
		s->acc = b;
		s->nbits = 8;
	}
	s->nbits--;
	return (s->acc >> s->nbits) & 1;
}

/* @n (0..16) bits as an unsigned number, or -EILSEQ. */
static int sj_bits(struct sj_scan *s, unsigned int n)
{
	int v = 0, b;

	while (n--) {
		b = sj_bit(s);
		if (b < 0)
			return b;
		v = v << 1 | b;
	}
	return v;
}

/* One Huffman-coded symbol (T.81 F.2.2.3), or -EILSEQ. */
static int sj_decode(struct sj_scan *s, const struct sj_huff *h)
{
	int code = 0, b;
	unsigned int l;

	for (l = 0; l < 16; l++) {
		b = sj_bit(s);
		if (b < 0)
			return b;
		code = code << 1 | b;
		if (code < h->end[l])
			return h->vals[h->valptr[l] + code - h->mincode[l]];
	}
	return -EILSEQ;
}

/* One 8x8 block's coefficients. */
static int sj_block(struct sj_scan *s, struct sj_comp *c)
{
	bool zrl = false;
	int sym, v;
	u32 k;

	sym = sj_decode(s, &s->huff[0][c->dc]);
	if (sym < 0 || sym > 11)
		return -EILSEQ;
	if (sym) {
		v = sj_bits(s, sym);
		if (v < 0)
			return v;
		if (v < 1 << (sym - 1))
			v -= (1 << sym) - 1;
		c->pred += v;
		if (c->pred > SJ_DC_MAX || c->pred < -SJ_DC_MAX - 1)
			return -EILSEQ;
	}
	/*
	 * An encoder (T.81 F.1.2.2) sends ZRL only before a coefficient that
	 * is not zero: never before EOB, nor to fill the block.
	 */
	for (k = 1; k < 64; k++) {
		sym = sj_decode(s, &s->huff[1][c->ac]);
		if (sym < 0)
			return -EILSEQ;
		if (!(sym & 0x0f)) {
			if (!sym)
				return zrl ? -EILSEQ : 0;	/* EOB */
			if (sym != 0xf0)
				return -EILSEQ;
			k += 15;		/* ZRL: 16 zeros */
			if (k > 62)
				return -EILSEQ;
			zrl = true;
			continue;
		}
		k += sym >> 4;
		if (k > 63 || (sym & 0x0f) > 10)
			return -EILSEQ;
		v = sj_bits(s, sym & 0x0f);
		if (v < 0)
			return v;
		zrl = false;
	}
	return 0;
}

/*
 * Where the scan's data must end: bits left in the byte all ones, then
 * fill bytes (FF) if any and the marker @code. Returns 0 or -EILSEQ.
 */
static int sj_marker(struct sj_scan *s, u8 code)
{
	if ((s->acc & ((1u << s->nbits) - 1)) != (1u << s->nbits) - 1)
		return -EILSEQ;
	s->nbits = 0;
	if (s->pos >= s->len || s->buf[s->pos] != JPEG_MARK)
		return -EILSEQ;
	while (s->pos + 1 < s->len && s->buf[s->pos + 1] == JPEG_MARK)
		s->pos++;
	if (s->pos + 1 >= s->len || s->buf[s->pos + 1] != code)
		return -EILSEQ;
	s->pos += 2;
	return 0;
}

/* DHT: one or more tables; 0, or -EILSEQ for a table no code fits. */
static int sj_dht(struct sj_scan *s, const u8 *p, u32 n)
{
	struct sj_huff *h;
	u32 code, k, i, l;

	while (n) {
		if (n < 17 || (p[0] >> 4) > 1 || (p[0] & 0x0f) >= SJ_TABLES)
			return -EILSEQ;
		h = &s->huff[p[0] >> 4][p[0] & 0x0f];
		for (i = 1, k = 0; i <= 16; i++)
			k += p[i];
		if (k > 256 || n < 17 + k)
			return -EILSEQ;
		h->vals = p + 17;
		code = 0;
		k = 0;
		for (l = 0; l < 16; l++) {
			if (!p[l + 1]) {
				h->end[l] = 0;
			} else {
				h->valptr[l] = k;
				h->mincode[l] = code;
				code += p[l + 1];
				k += p[l + 1];
				/* no code may be all ones (T.81 C) */
				if (code >= 2u << l)
					return -EILSEQ;
				h->end[l] = code;
			}
			code <<= 1;
		}
		h->defined = true;
		p += 17 + k;
		n -= 17 + k;
	}
	return 0;
}

/* SOF0/SOF1: 1 when checkable, 0 when not, or -EILSEQ. */
static int sj_sof(struct sj_scan *s, const u8 *p, u32 n)
{
	u32 i;

	if (s->ncomp)
		return -EILSEQ;			/* a second frame header */
	if (n < 6)
		return -EILSEQ;
	if (p[0] != 8)
		return 0;			/* 12-bit samples */
	s->height = p[1] << 8 | p[2];
	s->width = p[3] << 8 | p[4];
	if (!s->height)
		return 0;			/* height in a DNL */
	if (!s->width || !p[5] || p[5] > SJ_COMPS || n != 6 + 3u * p[5])
		return -EILSEQ;
	s->ncomp = p[5];
	s->hmax = 1;
	s->vmax = 1;
	for (i = 0; i < s->ncomp; i++) {
		struct sj_comp *c = &s->comp[i];

		c->id = p[6 + 3 * i];
		c->h = p[7 + 3 * i] >> 4;
		c->v = p[7 + 3 * i] & 0x0f;
		if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4)
			return -EILSEQ;
		s->hmax = max(s->hmax, c->h);
		s->vmax = max(s->vmax, c->v);
	}
	return 1;
}

/*
 * SOS: 1 when its scan is checkable (all the frame's components, in the
 * frame's order, tables defined), 0 when not, or -EILSEQ.
 */
static int sj_sos(struct sj_scan *s, const u8 *p, u32 n)
{
	u32 i, blocks = 0;

	if (!s->ncomp)
		return -EILSEQ;			/* no frame header */
	if (n < 1 || n != 4 + 2u * p[0])
		return -EILSEQ;
	if (p[0] != s->ncomp)
		return 0;			/* one scan of several */
	if (p[n - 3] != 0 || p[n - 2] != 63 || p[n - 1] != 0)
		return -EILSEQ;			/* not a sequential scan */
	for (i = 0; i < s->ncomp; i++) {
		struct sj_comp *c = &s->comp[i];

		if (p[1 + 2 * i] != c->id)
			return -EILSEQ;
		c->dc = p[2 + 2 * i] >> 4;
		c->ac = p[2 + 2 * i] & 0x0f;
		if (c->dc >= SJ_TABLES || c->ac >= SJ_TABLES)
			return -EILSEQ;
		if (!s->huff[0][c->dc].defined || !s->huff[1][c->ac].defined)
			return 0;		/* default tables (MJPEG) */
		blocks += c->h * c->v;
	}
	if (s->ncomp > 1 && blocks > 10)
		return -EILSEQ;			/* T.81 B.2.3 */
	return 1;
}

static int sj_scan_decode(struct sj_scan *s)
{
	u32 mcus, x, y, m, i, b, blocks;
	int err;

	if (s->ncomp == 1) {
		/* non-interleaved: one block a MCU (T.81 A.2.2) */
		s->comp[0].h = 1;
		s->comp[0].v = 1;
		x = DIV_ROUND_UP(s->width, 8);
		y = DIV_ROUND_UP(s->height, 8);
	} else {
		x = DIV_ROUND_UP(s->width, 8 * s->hmax);
		y = DIV_ROUND_UP(s->height, 8 * s->vmax);
	}
	mcus = x * y;
	for (m = 0; m < mcus; m++) {
		if (s->restart && m && !(m % s->restart)) {
			err = sj_marker(s, JPEG_RST0 +
					   (m / s->restart - 1) % 8);
			if (err)
				return err;
			for (i = 0; i < s->ncomp; i++)
				s->comp[i].pred = 0;
		}
		for (i = 0; i < s->ncomp; i++) {
			blocks = s->comp[i].h * s->comp[i].v;
			for (b = 0; b < blocks; b++) {
				err = sj_block(s, &s->comp[i]);
				if (err)
					return err;
			}
		}
	}
	err = sj_marker(s, JPEG_EOI);
	if (err)
		return err;
	return mcus;
}

/**
 * sercam_jpeg_check_scan() - decode a baseline JPEG's entropy-coded data
 * @buf: one whole JPEG, SOI to EOI (sercam_jpeg_check() or the walk said so)
 * @len: its length, EOI included
 *
 * No checksum protects what most cameras send; the marker walk sees the
 * structure but not the entropy-coded data, where nearly all the bytes
 * are. This decodes that data as T.81 says, without dequantising or
 * transforming it: each block's DC difference and AC run/size symbols
 * with the JPEG's own Huffman tables. The picture is corrupt when a code
 * is in no table, a DC category is above 11 or the DC value out of range,
 * an AC symbol is neither EOB, ZRL nor a run and size 1..10, a block has
 * more than 64 coefficients or a ZRL not followed by a coefficient (which
 * no encoder sends), a restart marker is missing or out of order
 * (every DRI MCUs, RST0..RST7 in turn), the scan holds more or fewer MCUs
 * than the frame header's size gives (T.81 A.2), its last byte is not
 * padded with ones or something other than EOI (after fill bytes) follows
 * it.
 *
 * Only a single scan of all the components of a baseline or extended
 * Huffman frame (SOF0, SOF1) with 8-bit samples and its Huffman tables
 * defined in the JPEG is checked. Other JPEGs are not checked and pass:
 * progressive, lossless, hierarchical or arithmetic-coded frames, 12-bit
 * samples, several scans, a height given by DNL, no DHT (MJPEG's default
 * tables).
 *
 * Pure code: no allocation (under 1 KiB of stack), each bit of the
 * data read once, safe on any bytes.
 *
 * Return: the number of MCUs decoded (> 0) when the scan is checked and
 * sound, 0 when the JPEG is of a kind not checked, -EILSEQ when it is
 * corrupt.
 */
int sercam_jpeg_check_scan(const u8 *buf, u32 len)
{
	struct sj_scan s;
	u32 i = 2, n;
	int ret;
	u8 m;

	memset(&s, 0, sizeof(s));
	s.buf = buf;
	s.len = len;
	if (len < 4 || buf[0] != JPEG_MARK || buf[1] != JPEG_SOI)
		return -EILSEQ;
	for (;;) {
		if (i + 1 >= len || buf[i] != JPEG_MARK)
			return -EILSEQ;
		m = buf[i + 1];
		i += 2;
		if (m == JPEG_MARK) {
			i--;			/* fill byte */
			continue;
		}
		if (m == JPEG_TEM || (m >= JPEG_RST0 && m <= JPEG_RST7))
			continue;
		if (m == JPEG_SOI || m == JPEG_EOI || m == 0x00)
			return -EILSEQ;
		if (i + 2 > len)
			return -EILSEQ;
		n = buf[i] << 8 | buf[i + 1];
		if (n < 2 || n > len - i)
			return -EILSEQ;
		n -= 2;
		i += 2;
		switch (m) {
		case 0xc0:			/* SOF0 */
		case 0xc1:			/* SOF1 */
			ret = sj_sof(&s, buf + i, n);
			if (ret <= 0)
				return ret;
			break;
		case 0xc4:			/* DHT */
			ret = sj_dht(&s, buf + i, n);
			if (ret)
				return ret;
			break;
		case 0xdd:			/* DRI */
			if (n != 2)
				return -EILSEQ;
			s.restart = buf[i] << 8 | buf[i + 1];
			break;
		case JPEG_SOS:
			ret = sj_sos(&s, buf + i, n);
			if (ret <= 0)
				return ret;
			s.pos = i + n;
			return sj_scan_decode(&s);
		default:
			/* other SOFn, DAC, DHP: not checked */
			if (sercam_jpeg_is_sof(m) || m == 0xcc || m == 0xde)
				return 0;
			break;		/* DQT, APPn, COM, DNL, ... */
		}
		i += n;
	}
}
EXPORT_SYMBOL_GPL(sercam_jpeg_check_scan);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("sercam: the JPEG marker walk the camera families share");
MODULE_LICENSE("GPL");
