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
#include <linux/export.h>
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

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("sercam: the JPEG marker walk the camera families share");
MODULE_LICENSE("GPL");
