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
/* Write @n bytes as DIR/NAME (--save-frames); errors go to stderr. */
void save_file(const char *dir, const char *name, const void *d, size_t n);
void image_free(struct image *img);

#endif
