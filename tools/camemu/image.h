/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_IMAGE_H
#define CAMEMU_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image {
	uint8_t *data;
	size_t size;
	unsigned int w, h;
	bool gray;
};

struct pattern_params {
	unsigned int w, h;
	uint32_t frame;		/* frame number, seeds the texture */
	unsigned int addr;	/* camera address, drawn */
	int quality;		/* JPEG quality 1..100 */
	bool gray;		/* one-component JPEG */
	uint8_t brightness;	/* 0x80 neutral */
	uint8_t contrast;	/* 0x80 neutral */
	bool ir;		/* IR light on: monochrome look, "IR" drawn */
	/*
	 * Texture: --detail minus 1, so that 0 (what an initializer that
	 * leaves it out gets) is the classic pattern, detail 1. -1 is the
	 * flattest picture (detail 0), 1..3 add sensor noise and fine
	 * texture (details 2..4).
	 */
	int texture;
	bool no_addr;		/* leave out the "A<addr>" line */
};

#define DETAIL_MAX	4
#define DETAIL_DEFAULT	1

/*
 * RAW pixel layouts of the pattern (the OV528 colour settings). Pixels
 * go row by row, left to right, packed across row ends:
 *   GRAY2   4 pixels a byte, the first in bits 7-6
 *   GRAY4   2 pixels a byte, the first in bits 7-4
 *   GRAY8   1 byte a pixel
 *   RGB444  2 pixels in 3 bytes: R0G0 B0R1 G1B1 (4-bit nibbles, high first)
 *   RGB565  2 bytes a pixel, RRRRRGGG GGGBBBBB, high byte first (BE) or
 *           low byte first (LE)
 *   CRYCBY  2 pixels in 4 bytes: Cr Y0 Cb Y1 (JFIF full range; Cr, Cb of
 *           the pair's mean colour)
 * Grey is (77 R + 150 G + 29 B) >> 8, as in a grey JPEG, cut to the top
 * bits; colour channels are cut to their top bits.
 */
enum raw_fmt {
	RAW_GRAY2, RAW_GRAY4, RAW_GRAY8, RAW_RGB444, RAW_RGB565BE,
	RAW_RGB565LE, RAW_CRYCBY, RAW_NFMT
};

/* Bytes of a w x h picture in @f. */
size_t raw_size(enum raw_fmt f, unsigned int w, unsigned int h);
/* Convert RGB pixels (3 bytes each) to @f; out holds raw_size() bytes. */
void raw_convert(const uint8_t *rgb, unsigned int w, unsigned int h,
		 enum raw_fmt f, uint8_t *out);
/* The pattern of @p as a RAW picture in @f; 0 or -1. */
int pattern_raw(const struct pattern_params *p, enum raw_fmt f,
		struct image *out);

/* Encoder options beyond the quality (jpeg_encode uses none of them). */
struct jpeg_opts {
	int quality;		/* 1..100 */
	unsigned int restart;	/* restart interval in MCUs (DRI); 0: none */
	const uint8_t *app1;	/* APP1 payload written right after SOI */
	size_t app1_len;	/* at most 65533 */
};

/* JPEG quality for compression level 0..4. */
int comp_quality(unsigned int comp);

/* Render the test pattern into an RGB (or gray) buffer of w*h*ncomp. */
void pattern_render(const struct pattern_params *p, uint8_t *pix);
/* Render and encode; returns 0 or -1. */
int pattern_jpeg(const struct pattern_params *p, struct image *out);
/* Encode raw pixels (1 or 3 components) as JPEG. */
int jpeg_encode(const uint8_t *pix, unsigned int w, unsigned int h,
		int ncomp, int quality, struct image *out);
/* The same with restart markers and an APP1 segment (no JFIF APP0 then). */
int jpeg_encode_opts(const uint8_t *pix, unsigned int w, unsigned int h,
		     int ncomp, const struct jpeg_opts *o, struct image *out);
/*
 * A stream camera's frame: the pattern of @p, restart interval @restart,
 * and with @exif an APP1 "Exif" segment whose IFD1 holds a real JPEG
 * thumbnail (its own SOI ... EOI) of the same picture.
 */
int pattern_jpeg_stream(const struct pattern_params *p, unsigned int restart,
			bool exif, struct image *out);
/* Size of the EXIF thumbnail for a w x h frame. */
void exif_thumb_size(unsigned int w, unsigned int h, unsigned int *tw,
		     unsigned int *th);
/* Read a JPEG's dimensions and component count; 0 or -1. */
int jpeg_probe(const uint8_t *d, size_t n, unsigned int *w, unsigned int *h,
	       int *ncomp);
/* Decode to pixels (malloc'd); 0 or -1. For tests. */
int jpeg_decode(const uint8_t *d, size_t n, uint8_t **pix, unsigned int *w,
		unsigned int *h, int *ncomp);
/* SHA-256 as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t *d, size_t n, char hex[65]);
/* Read a whole file; 0 or -1. */
int read_file(const char *path, uint8_t **d, size_t *n);
/* Write a whole file; 0, or -1 after saying why on stderr. */
int write_file(const char *path, const uint8_t *d, size_t n);
void image_free(struct image *img);

#endif
