// SPDX-License-Identifier: GPL-2.0
/*
 * stream_bench - throughput of the JPEG stream family's receive parser
 * (stream-proto.c and the marker walk, the driver's own sources built for
 * the host with -O2), over realistic frames in each framing, fed in runs
 * as a tty delivers them. Prints MB/s and the share of one core the
 * parser needs at 3 Mbaud (300 KB/s); make bench runs it.
 *
 * The frames are real JPEGs from libjpeg-turbo: 640x480 pictures with
 * sensor-like grain at quality 80, about 50 KB each, some with restart
 * markers; a third carry an EXIF thumbnail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jpeglib.h>

#include "stream-proto.h"

#define NFRAMES		8
#define BAUD_3M_BPS	300000.0	/* 3 Mbaud, 8N1 */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* A 640x480 picture with grain; restarts every @rst MCUs (0: none). */
static unsigned char *make_jpeg(int seed, int rst, unsigned long *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *out = NULL, *row = malloc(640 * 3);
	unsigned int x, y, r = seed * 2654435761u;

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, len);
	c.image_width = 640;
	c.image_height = 480;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 80, TRUE);
	c.restart_interval = rst;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < 480) {
		y = c.next_scanline;
		for (x = 0; x < 640; x++) {
			r = r * 1103515245 + 12345;
			row[3 * x] = (x + seed * 7) ^ (r >> 24 & 0x1f);
			row[3 * x + 1] = (y * 2) ^ (r >> 16 & 0x1f);
			row[3 * x + 2] = ((x * y) >> 6) ^ (r >> 8 & 0x1f);
		}
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return out;
}

/* Put an APP1 "Exif" segment with a small thumbnail JPEG after SOI. */
static unsigned char *add_exif(unsigned char *j, unsigned long *len)
{
	unsigned long tlen;
	unsigned char *t = NULL, *o, row[16 * 3] = { 0 }, *rp = row;
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	int i;

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &t, &tlen);
	c.image_width = 16;
	c.image_height = 16;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_start_compress(&c, TRUE);
	for (i = 0; i < 16; i++)
		jpeg_write_scanlines(&c, &rp, 1);
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	o = malloc(*len + tlen + 10);
	memcpy(o, j, 2);
	o[2] = 0xff;
	o[3] = 0xe1;
	o[4] = (tlen + 8) >> 8;
	o[5] = (tlen + 8) & 0xff;
	memcpy(o + 6, "Exif\0\0", 6);
	memcpy(o + 12, t, tlen);
	memcpy(o + 12 + tlen, j + 2, *len - 2);
	*len += tlen + 10;
	free(t);
	free(j);
	return o;
}

int main(void)
{
	static const char *const names[] = { "jpeg", "markers", "length" };
	static const size_t runs[] = { 64, 4096 };
	unsigned char *frames[NFRAMES], *stream, *dst = malloc(1 << 20);
	unsigned long flen[NFRAMES], total = 0;
	int f, k, r;

	for (k = 0; k < NFRAMES; k++) {
		frames[k] = make_jpeg(k, k % 2 ? 40 : 0, &flen[k]);
		if (k % 3 == 2)
			frames[k] = add_exif(frames[k], &flen[k]);
		total += flen[k];
	}
	printf("stream parser: %d frames of 640x480, %lu bytes on average (quality 80, grain; restarts, EXIF thumbnails)\n",
	       NFRAMES, total / NFRAMES);
	stream = malloc(total + NFRAMES * 32);
	for (f = 0; f < 3; f++) {
		struct stream_config cfg = { .framing = f, .max_len = 1 << 20 };
		size_t len = 0;

		memcpy(cfg.start, "____start____", 13);
		cfg.start_len = 13;
		memcpy(cfg.end, "____end____", 11);
		cfg.end_len = 11;
		for (k = 0; k < NFRAMES; k++) {
			if (f == 1) {
				memcpy(stream + len, cfg.start, 13);
				len += 13;
			} else if (f == 2) {
				memcpy(stream + len, &(unsigned int){ flen[k] }, 4);
				len += 4;
			}
			memcpy(stream + len, frames[k], flen[k]);
			len += flen[k];
			if (f == 1) {
				memcpy(stream + len, cfg.end, 11);
				len += 11;
			}
		}
		for (r = 0; r < 2; r++) {
			struct stream_parser p;
			double t0 = now(), t;
			unsigned long bytes = 0, whole = 0, passes = 0;

			stream_parser_init(&p, &cfg);
			do {
				size_t at = 0;

				while (at < len) {
					size_t n = len - at < runs[r] ? len - at : runs[r];
					enum stream_event ev;

					while (n) {
						size_t u = stream_parse(&p, stream + at, n, &ev);

						at += u;
						n -= u;
						if (ev == STREAM_EV_BEGIN)
							stream_set_dst(&p, dst, 1 << 20);
						else if (ev == STREAM_EV_FRAME)
							whole++;
					}
				}
				bytes += len;
				passes++;
				t = now() - t0;
			} while (t < 0.5);
			if (whole != passes * NFRAMES) {
				printf("stream parser: %s framing lost frames (%lu of %lu)\n",
				       names[f], whole, passes * NFRAMES);
				return 1;
			}
			printf("stream parser, %-7s framing, runs of %4zu bytes: %7.1f MB/s; at 3 Mbaud %.3f%% of one core\n",
			       names[f], runs[r], bytes / t / 1e6,
			       100.0 * BAUD_3M_BPS / (bytes / t));
		}
	}
	return 0;
}
