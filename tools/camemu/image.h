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
void image_free(struct image *img);

#endif
