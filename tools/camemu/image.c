// SPDX-License-Identifier: GPL-2.0
/*
 * Test pattern images: colour bars and gradients, deterministic texture
 * seeded by the frame number (so JPEG sizes are realistic), the frame
 * number, camera address and resolution in large digits, then brightness,
 * contrast and the IR look applied. Encoded with libjpeg(-turbo).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <openssl/evp.h>

#include "image.h"
#include "prng.h"
#include "util.h"

static const int quality_table[5] = { 95, 80, 60, 35, 12 };

int comp_quality(unsigned int comp)
{
	return quality_table[comp < 5 ? comp : 4];
}

/* A 5x7 bitmap font: one byte per row, bit 4 is the leftmost column. */
struct glyph {
	char c;
	uint8_t row[7];
};

static const struct glyph font[] = {
	{ '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
	{ '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
	{ '3', { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e } },
	{ '4', { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 } },
	{ '5', { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e } },
	{ '6', { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e } },
	{ '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
	{ '8', { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e } },
	{ '9', { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c } },
	{ 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'F', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10 } },
	{ 'I', { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ 'R', { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11 } },
	{ 'X', { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11 } },
	{ 'G', { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f } },
	{ ' ', { 0, 0, 0, 0, 0, 0, 0 } },
};

static const struct glyph *glyph_for(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(font); i++)
		if (font[i].c == c)
			return &font[i];
	return &font[ARRAY_SIZE(font) - 1];
}

static void put_px(uint8_t *pix, unsigned int w, unsigned int h,
		   int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t *p;

	if (x < 0 || y < 0 || (unsigned int)x >= w || (unsigned int)y >= h)
		return;
	p = pix + 3 * ((size_t)y * w + (size_t)x);
	p[0] = r;
	p[1] = g;
	p[2] = b;
}

/*
 * Draw text at (x, y) with scale s: white glyphs on a black box, so the
 * digits stay readable over any background.
 */
static void draw_text(uint8_t *pix, unsigned int w, unsigned int h,
		      int x, int y, int s, const char *txt)
{
	int len = (int)strlen(txt);
	int bw = (6 * len + 1) * s, bh = 9 * s;

	for (int yy = 0; yy < bh; yy++)
		for (int xx = 0; xx < bw; xx++)
			put_px(pix, w, h, x + xx, y + yy, 0, 0, 0);
	for (int i = 0; i < len; i++) {
		const struct glyph *g = glyph_for(txt[i]);

		for (int r = 0; r < 7; r++)
			for (int c = 0; c < 5; c++) {
				if (!(g->row[r] & (0x10 >> c)))
					continue;
				for (int yy = 0; yy < s; yy++)
					for (int xx = 0; xx < s; xx++)
					put_px(pix, w, h,
					       x + (1 + 6 * i + c) * s + xx,
					       y + (1 + r) * s + yy,
					       255, 255, 255);
			}
	}
}

static int text_scale(unsigned int w, unsigned int h, const char *txt)
{
	int s = (int)h / 40;
	int fit = (int)w / ((6 * (int)strlen(txt) + 1) + 2);

	if (fit < s)
		s = fit;
	return s < 1 ? 1 : s;
}

static uint8_t clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* Colour bars: white yellow cyan green magenta red blue black. */
static const uint8_t bars[8][3] = {
	{ 235, 235, 235 }, { 235, 235, 16 }, { 16, 235, 235 },
	{ 16, 235, 16 },   { 235, 16, 235 }, { 235, 16, 16 },
	{ 16, 16, 235 },   { 16, 16, 16 },
};

/* Smooth value noise on a coarse grid (cell pixels), amplitude +-amp. */
static int *value_noise(struct prng *pr, unsigned int w, unsigned int h,
			unsigned int cell, int amp)
{
	unsigned int gw = w / cell + 2, gh = h / cell + 2;
	int *grid = xmalloc(sizeof(int) * gw * gh);
	int *out = xmalloc(sizeof(int) * w * h);

	for (unsigned int i = 0; i < gw * gh; i++)
		grid[i] = (int)prng_below(pr, 2 * (uint32_t)amp + 1) - amp;
	for (unsigned int y = 0; y < h; y++) {
		unsigned int gy = y / cell, fy = y % cell;

		for (unsigned int x = 0; x < w; x++) {
			unsigned int gx = x / cell, fx = x % cell;
			int a = grid[gy * gw + gx], b = grid[gy * gw + gx + 1];
			int c = grid[(gy + 1) * gw + gx];
			int d = grid[(gy + 1) * gw + gx + 1];
			int top = a * (int)(cell - fx) + b * (int)fx;
			int bot = c * (int)(cell - fx) + d * (int)fx;

			out[y * w + x] = (top * (int)(cell - fy) +
					  bot * (int)fy) /
					 (int)(cell * cell);
		}
	}
	free(grid);
	return out;
}

/*
 * Texture of --detail 0, 2, 3, 4 (detail 1, the classic pattern, has its
 * own path so that its bytes never change). Noise half-widths are given
 * for a 640-wide picture and scale like the classic grain; "fine" is a
 * value noise on a 2-pixel grid (foliage, gravel), "blot" the smooth
 * blotches. Chosen so that 640x480 at quality 60 (SXH485 compression 2)
 * gives about 10, 18 (classic), 30, 48 and 80 KB.
 */
struct texture_level {
	int luma, chroma, blot, fine, fine_cell;
};

static const struct texture_level texture_levels[DETAIL_MAX + 1] = {
	{ 1, 0, 5, 0, 0 },		/* 0: sensor in good light, flat scene */
	{ 0, 0, 0, 0, 0 },		/* 1: classic, not read */
	{ 11, 5, 15, 0, 0 },		/* 2: noisy sensor */
	{ 6, 3, 15, 40, 2 },		/* 3: fine texture */
	{ 60, 30, 15, 40, 2 },		/* 4: fine texture, high gain */
};

static int noise(struct prng *pr, int half)
{
	return half > 0 ? (int)prng_below(pr, 2 * (uint32_t)half + 1) - half
			: 0;
}

void pattern_render(const struct pattern_params *p, uint8_t *pix)
{
	unsigned int w = p->w, h = p->h;
	int detail = p->texture + DETAIL_DEFAULT;
	bool classic = p->texture == 0;
	const struct texture_level *tl;
	struct prng pr;
	int *blot, *fine = NULL;
	char txt[32];
	int s, y0, grain, lg = 0, cg = 0;
	unsigned int cx, cy, rad;

	if (detail < 0)
		detail = 0;
	if (detail > DETAIL_MAX)
		detail = DETAIL_MAX;
	tl = &texture_levels[detail];
	prng_seed(&pr, 0x5348583438350000ULL ^ ((uint64_t)p->frame << 20) ^
			       ((uint64_t)w << 8) ^ h);
	blot = value_noise(&pr, w, h, w >= 64 ? w / 20 : 4,
			   classic ? 15 : tl->blot);
	/*
	 * Sensor grain: a downscaled picture averages it out, so it grows
	 * with the resolution (2 up to 320 wide, 3 at 640, 5 at 1280).
	 */
	grain = w < 400 ? 2 : w < 800 ? 3 : 5;
	if (!classic) {
		lg = tl->luma * grain / 3;
		cg = tl->chroma * grain / 3;
		if (tl->fine)
			fine = value_noise(&pr, w, h, (unsigned int)tl->fine_cell,
					   tl->fine);
	}

	/* moving disc: shows that consecutive frames differ */
	rad = h / 8;
	cx = (p->frame * 53u) % w;
	cy = h * 3 / 4;

	for (unsigned int y = 0; y < h; y++) {
		for (unsigned int x = 0; x < w; x++) {
			uint8_t *q = pix + 3 * ((size_t)y * w + x);
			int r, g, b, v;
			long dx = (long)x - (long)cx, dy = (long)y - (long)cy;

			if (y < h * 2 / 3) {
				const uint8_t *c = bars[x * 8 / w];
				int f = 256 - (int)(y * 96 / h);

				r = c[0] * f / 256;
				g = c[1] * f / 256;
				b = c[2] * f / 256;
			} else {
				v = (int)(x * 255 / (w - 1));
				r = v;
				g = (int)((y - h * 2 / 3) * 255 / (h / 3 + 1));
				b = 255 - v;
			}
			if (dx * dx + dy * dy < (long)rad * rad) {
				r = 250;
				g = 140;
				b = 0;
			}
			if (classic) {
				/* texture: smooth blotches plus fine grain */
				v = blot[y * w + x] - grain +
				    (int)prng_below(&pr, 2 * (uint32_t)grain + 1);
				q[0] = clamp8(r + v);
				q[1] = clamp8(g + v);
				q[2] = clamp8(b + v);
				continue;
			}
			v = blot[y * w + x] + noise(&pr, lg);
			if (fine)
				v += fine[y * w + x];
			q[0] = clamp8(r + v + noise(&pr, cg));
			q[1] = clamp8(g + v + noise(&pr, cg));
			q[2] = clamp8(b + v + noise(&pr, cg));
		}
	}
	free(blot);
	free(fine);

	snprintf(txt, sizeof(txt), "F%u", (unsigned int)p->frame);
	s = text_scale(w, h, txt);
	/*
	 * The flattest picture draws its glyphs on the 8x8 block grid: the
	 * text then costs almost nothing, as a real flat scene would.
	 */
	if (detail == 0 && s >= 8)
		s &= ~7;
	y0 = s;
	draw_text(pix, w, h, s, y0, s, txt);
	y0 += 10 * s;
	if (!p->no_addr) {
		snprintf(txt, sizeof(txt), "A%u", p->addr);
		draw_text(pix, w, h, s, y0, s, txt);
		y0 += 10 * s;
	}
	snprintf(txt, sizeof(txt), "%uX%u", w, h);
	s = text_scale(w, h, txt);
	if (detail == 0 && s >= 8)
		s &= ~7;
	draw_text(pix, w, h, s, y0, s, txt);
	if (p->ir) {
		s = text_scale(w, h, "IR");
		draw_text(pix, w, h, (int)w - 14 * s, s, s, "IR");
	}

	/* brightness, contrast, IR look */
	for (size_t i = 0; i < (size_t)w * h; i++) {
		uint8_t *q = pix + 3 * i;

		if (p->ir) {
			int l = (q[0] * 77 + q[1] * 150 + q[2] * 29) >> 8;

			q[0] = q[1] = q[2] = clamp8(l + 24);
		}
		for (int c = 0; c < 3; c++) {
			int v = ((int)q[c] - 128) * p->contrast / 128 + 128 +
				((int)p->brightness - 128);

			q[c] = clamp8(v);
		}
	}
}

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void jerr_exit(j_common_ptr cinfo)
{
	struct jerr *e = (struct jerr *)cinfo->err;

	longjmp(e->jb, 1);
}

static void jerr_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

int jpeg_encode_opts(const uint8_t *pix, unsigned int w, unsigned int h,
		     int ncomp, const struct jpeg_opts *o, struct image *out)
{
	struct jpeg_compress_struct ci;
	struct jerr je;
	unsigned char *buf = NULL;
	unsigned long len = 0;

	memset(out, 0, sizeof(*out));
	if (o->app1_len > 65533)
		return -1;
	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jerr_exit;
	if (setjmp(je.jb)) {
		jpeg_destroy_compress(&ci);
		free(buf);
		return -1;
	}
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &buf, &len);
	ci.image_width = w;
	ci.image_height = h;
	ci.input_components = ncomp;
	ci.in_color_space = ncomp == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, o->quality, TRUE);
	ci.restart_interval = o->restart;
	if (o->app1)
		ci.write_JFIF_header = FALSE;	/* Exif files start SOI APP1 */
	jpeg_start_compress(&ci, TRUE);
	if (o->app1)
		jpeg_write_marker(&ci, JPEG_APP0 + 1, o->app1,
				  (unsigned int)o->app1_len);
	while (ci.next_scanline < h) {
		JSAMPROW row = (JSAMPROW)(pix + (size_t)ci.next_scanline * w *
					  (size_t)ncomp);

		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	out->data = xmalloc(len);
	memcpy(out->data, buf, len);
	free(buf);
	out->size = len;
	out->w = w;
	out->h = h;
	out->gray = ncomp == 1;
	return 0;
}

int jpeg_encode(const uint8_t *pix, unsigned int w, unsigned int h,
		int ncomp, int quality, struct image *out)
{
	struct jpeg_opts o = { .quality = quality };

	return jpeg_encode_opts(pix, w, h, ncomp, &o, out);
}

int pattern_jpeg(const struct pattern_params *p, struct image *out)
{
	size_t npx = (size_t)p->w * p->h;
	uint8_t *pix = xmalloc(3 * npx);
	int r;

	pattern_render(p, pix);
	if (p->gray) {
		for (size_t i = 0; i < npx; i++) {
			uint8_t *q = pix + 3 * i;

			pix[i] = (uint8_t)((q[0] * 77 + q[1] * 150 +
					    q[2] * 29) >> 8);
		}
	}
	r = jpeg_encode(pix, p->w, p->h, p->gray ? 1 : 3, p->quality, out);
	free(pix);
	return r;
}

static const unsigned int raw_bits[RAW_NFMT] = {
	[RAW_GRAY2] = 2, [RAW_GRAY4] = 4, [RAW_GRAY8] = 8, [RAW_RGB444] = 12,
	[RAW_RGB565BE] = 16, [RAW_RGB565LE] = 16, [RAW_CRYCBY] = 16,
};

size_t raw_size(enum raw_fmt f, unsigned int w, unsigned int h)
{
	return ((size_t)w * h * raw_bits[f] + 7) / 8;
}

static uint8_t luma(const uint8_t *q)
{
	return (uint8_t)((q[0] * 77 + q[1] * 150 + q[2] * 29) >> 8);
}

void raw_convert(const uint8_t *rgb, unsigned int w, unsigned int h,
		 enum raw_fmt f, uint8_t *out)
{
	size_t n = (size_t)w * h;

	memset(out, 0, raw_size(f, w, h));
	for (size_t i = 0; i < n; i++) {
		const uint8_t *q = rgb + 3 * i;
		unsigned int v;

		switch (f) {
		case RAW_GRAY2:
			out[i / 4] |= (uint8_t)((luma(q) >> 6) << (6 - 2 * (i % 4)));
			break;
		case RAW_GRAY4:
			out[i / 2] |= (uint8_t)((luma(q) >> 4) << (i % 2 ? 0 : 4));
			break;
		case RAW_GRAY8:
			out[i] = luma(q);
			break;
		case RAW_RGB444:
			/* nibble k of the stream: R, G, B of pixel i */
			for (int c = 0; c < 3; c++) {
				size_t k = 3 * i + (size_t)c;

				out[k / 2] |= (uint8_t)((q[c] >> 4) <<
							(k % 2 ? 0 : 4));
			}
			break;
		case RAW_RGB565BE:
		case RAW_RGB565LE:
			v = (unsigned int)(q[0] >> 3) << 11 |
			    (unsigned int)(q[1] >> 2) << 5 | (q[2] >> 3);
			out[2 * i + (f == RAW_RGB565LE)] = (uint8_t)(v >> 8);
			out[2 * i + (f != RAW_RGB565LE)] = (uint8_t)v;
			break;
		case RAW_CRYCBY: {
			/* a pair: Cr Y0 Cb Y1, chroma of the mean colour */
			const uint8_t *q2 = i + 1 < n ? q + 3 : q;
			int r = (q[0] + q2[0] + 1) / 2, g = (q[1] + q2[1] + 1) / 2;
			int b = (q[2] + q2[2] + 1) / 2;

			if (i % 2)
				break;
			out[2 * i] = clamp8((128 * r - 107 * g - 21 * b +
					     32768 + 128) >> 8);
			out[2 * i + 1] = luma(q);
			out[2 * i + 2] = clamp8((-43 * r - 85 * g + 128 * b +
						 32768 + 128) >> 8);
			if (i + 1 < n)
				out[2 * i + 3] = luma(q2);
			break;
		}
		default:
			break;
		}
	}
}

int pattern_raw(const struct pattern_params *p, enum raw_fmt f,
		struct image *out)
{
	uint8_t *pix;

	memset(out, 0, sizeof(*out));
	if ((unsigned int)f >= RAW_NFMT || !p->w || !p->h)
		return -1;
	pix = xmalloc(3 * (size_t)p->w * p->h);
	pattern_render(p, pix);
	out->size = raw_size(f, p->w, p->h);
	out->data = xmalloc(out->size);
	raw_convert(pix, p->w, p->h, f, out->data);
	out->w = p->w;
	out->h = p->h;
	out->gray = f <= RAW_GRAY8;
	free(pix);
	return 0;
}

void exif_thumb_size(unsigned int w, unsigned int h, unsigned int *tw,
		     unsigned int *th)
{
	/* a quarter of the frame, at most 160x120, at least 16x16 */
	*tw = w / 4 > 160 ? 160 : w / 4 < 16 ? 16 : w / 4;
	*th = h / 4 > 120 ? 120 : h / 4 < 16 ? 16 : h / 4;
}

static void put16le(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32le(uint8_t *p, uint32_t v)
{
	put16le(p, v & 0xffff);
	put16le(p + 2, v >> 16);
}

/* One 12-byte IFD entry whose value fits in its 4-byte field. */
static void ifd_entry(uint8_t *p, unsigned int tag, unsigned int type,
		      uint32_t count, uint32_t value)
{
	put16le(p, tag);
	put16le(p + 2, type);
	put32le(p + 4, count);
	if (type == 3)
		put32le(p + 8, value & 0xffff);	/* SHORT, left-justified */
	else
		put32le(p + 8, value);
}

/*
 * The APP1 payload: "Exif\0\0", a little-endian TIFF header, IFD0 (Make,
 * Orientation) and IFD1 describing the thumbnail (Compression 6 = JPEG,
 * JPEGInterchangeFormat and its Length), then the thumbnail itself.
 */
#define EXIF_IFD0	8
#define EXIF_IFD1	(EXIF_IFD0 + 2 + 2 * 12 + 4)
#define EXIF_MAKE	(EXIF_IFD1 + 2 + 3 * 12 + 4)
#define EXIF_THUMB	(EXIF_MAKE + 8)

static uint8_t *exif_app1(const struct image *thumb, size_t *len)
{
	static const char make[8] = "camemu";
	size_t n = 6 + EXIF_THUMB + thumb->size;
	uint8_t *a = xcalloc(1, n), *t = a + 6;

	memcpy(a, "Exif\0\0", 6);
	t[0] = 'I';
	t[1] = 'I';
	put16le(t + 2, 42);
	put32le(t + 4, EXIF_IFD0);
	put16le(t + EXIF_IFD0, 2);
	ifd_entry(t + EXIF_IFD0 + 2, 0x010f, 2, 7, EXIF_MAKE);	/* Make */
	ifd_entry(t + EXIF_IFD0 + 14, 0x0112, 3, 1, 1);	/* Orientation */
	put32le(t + EXIF_IFD0 + 26, EXIF_IFD1);
	put16le(t + EXIF_IFD1, 3);
	ifd_entry(t + EXIF_IFD1 + 2, 0x0103, 3, 1, 6);	/* Compression */
	ifd_entry(t + EXIF_IFD1 + 14, 0x0201, 4, 1, EXIF_THUMB);
	ifd_entry(t + EXIF_IFD1 + 26, 0x0202, 4, 1, (uint32_t)thumb->size);
	put32le(t + EXIF_IFD1 + 38, 0);
	memcpy(t + EXIF_MAKE, make, sizeof(make));
	memcpy(t + EXIF_THUMB, thumb->data, thumb->size);
	*len = n;
	return a;
}

int pattern_jpeg_stream(const struct pattern_params *p, unsigned int restart,
			bool exif, struct image *out)
{
	struct jpeg_opts o = { .quality = p->quality, .restart = restart };
	size_t npx = (size_t)p->w * p->h;
	uint8_t *pix = xmalloc(3 * npx), *app1 = NULL;
	int r;

	if (exif) {
		struct pattern_params tp = *p;
		struct image thumb;

		exif_thumb_size(p->w, p->h, &tp.w, &tp.h);
		tp.quality = 60;
		if (pattern_jpeg(&tp, &thumb)) {
			free(pix);
			return -1;
		}
		app1 = exif_app1(&thumb, &o.app1_len);
		o.app1 = app1;
		image_free(&thumb);
	}
	pattern_render(p, pix);
	r = jpeg_encode_opts(pix, p->w, p->h, 3, &o, out);
	free(app1);
	free(pix);
	return r;
}

static int jpeg_decode_common(const uint8_t *d, size_t n, uint8_t **pix,
			      unsigned int *w, unsigned int *h, int *ncomp)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	uint8_t *volatile buf = NULL;

	ci.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jerr_exit;
	je.mgr.emit_message = jerr_quiet;
	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		free(buf);
		return -1;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, d, (unsigned long)n);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&ci);
		return -1;
	}
	*w = ci.image_width;
	*h = ci.image_height;
	*ncomp = ci.num_components;
	if (pix) {
		size_t stride;

		jpeg_start_decompress(&ci);
		stride = (size_t)ci.output_width * ci.output_components;
		buf = xmalloc(stride * ci.output_height);
		while (ci.output_scanline < ci.output_height) {
			JSAMPROW row = buf + stride * ci.output_scanline;

			jpeg_read_scanlines(&ci, &row, 1);
		}
		jpeg_finish_decompress(&ci);
		*pix = buf;
	}
	jpeg_destroy_decompress(&ci);
	return 0;
}

int jpeg_probe(const uint8_t *d, size_t n, unsigned int *w, unsigned int *h,
	       int *ncomp)
{
	return jpeg_decode_common(d, n, NULL, w, h, ncomp);
}

int jpeg_decode(const uint8_t *d, size_t n, uint8_t **pix, unsigned int *w,
		unsigned int *h, int *ncomp)
{
	return jpeg_decode_common(d, n, pix, w, h, ncomp);
}

void sha256_hex(const uint8_t *d, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(d, n, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = 0;
}

int read_file(const char *path, uint8_t **d, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!f)
		return -1;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	*d = buf;
	*n = len;
	return 0;
}

int write_file(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	int r = 0;

	if (!f || fwrite(d, 1, n, f) != n)
		r = -1;
	if (f && fclose(f))
		r = -1;
	if (r)
		fprintf(stderr, "camemu: %s: %s\n", path, strerror(errno));
	return r;
}

void image_free(struct image *img)
{
	free(img->data);
	memset(img, 0, sizeof(*img));
}
