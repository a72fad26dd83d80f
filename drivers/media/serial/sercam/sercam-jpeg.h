/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial cameras as V4L2 devices: the JPEG marker walk
 *
 * Pure code shared by the families (no I/O, no allocation, no locking), a
 * module of its own (sercam-jpeg.ko) that the families and the KUnit
 * suites use; built into the host tests and fuzzers.
 *
 * A JPEG is SOI (FF D8), then marker segments, each FF xx and a 16-bit
 * big-endian length that counts itself, up to SOS (FF DA), whose header
 * is followed by entropy-coded data. In that data FF 00 is a stuffed FF
 * and FF D0..D7 are restart markers; any other marker ends it (another
 * segment, another scan, or EOI, FF D9). Fill bytes (FF FF ...) may come
 * before any marker. An EXIF thumbnail inside APP1 has SOI and EOI of its
 * own: the walk skips APP1 by its length, so its FF D9 ends nothing.
 *
 *   FF D8 | FF E1 len "Exif" ... FF D8 ... FF D9 ... | FF DB len ... |
 *   FF C0 len P Y Y X X ... | FF C4 len ... | FF DA len ... | data ... | FF D9
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_JPEG_H
#define _SERCAM_JPEG_H

#include <linux/types.h>

/**
 * struct sercam_jpeg_walk - incremental JPEG marker walk
 * @state: where in the JPEG the walk is (private)
 * @marker: the marker of the segment being read
 * @seg_left: bytes of the segment still to skip
 * @len_hi: first byte of a segment's length
 * @sof: the first bytes of a frame header (SOFn): precision, height, width
 * @sof_got: bytes of @sof read
 * @scans: SOS segments seen
 * @pos: bytes consumed since (and including) SOI
 * @width: frame width from SOFn (0 until seen)
 * @height: frame height from SOFn (0 until seen)
 *
 * Feed it with sercam_jpeg_walk() from SOI on. It stops right after EOI
 * (sercam_jpeg_walk_done()) or at the first byte that cannot be part of a
 * JPEG (sercam_jpeg_walk_failed()).
 */
struct sercam_jpeg_walk {
	u8 state;
	u8 marker;
	u32 seg_left;
	u8 len_hi;
	u8 sof[5];
	u8 sof_got;
	u32 scans;
	u32 pos;
	u16 width;
	u16 height;
};

void sercam_jpeg_walk_init(struct sercam_jpeg_walk *w);
size_t sercam_jpeg_walk(struct sercam_jpeg_walk *w, const u8 *buf,
			size_t len);
bool sercam_jpeg_walk_done(const struct sercam_jpeg_walk *w);
bool sercam_jpeg_walk_failed(const struct sercam_jpeg_walk *w);
bool sercam_jpeg_walk_soi(const struct sercam_jpeg_walk *w);
u32 sercam_jpeg_check(const u8 *buf, u32 len, u16 *width, u16 *height);
int sercam_jpeg_check_scan(const u8 *buf, u32 len);

#endif /* _SERCAM_JPEG_H */
