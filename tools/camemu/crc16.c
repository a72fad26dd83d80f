// SPDX-License-Identifier: GPL-2.0
/*
 * MSB-first (unreflected, no final XOR) table CRCs, written from the
 * protocol pages:
 *   CRC-16/XMODEM (SXH485): polynomial 0x1021, init 0;
 *   OpenMV Protocol: CRC-16 polynomial 0xF94F and CRC-32 polynomial
 *   0xFA567D89, both with all ones as the initial value.
 * One table engine for all three: idx = (crc >> (W-8)) ^ byte;
 * crc = (crc << 8) ^ T[idx].
 */
#include <stdbool.h>

#include "crc16.h"

struct crc_msb {
	uint32_t poly;
	int width;		/* 16 or 32 */
	bool ready;
	uint32_t tab[256];
};

static struct crc_msb xmodem = { .poly = 0x1021, .width = 16 };
static struct crc_msb omv16 = { .poly = 0xf94f, .width = 16 };
static struct crc_msb omv32 = { .poly = 0xfa567d89, .width = 32 };

static uint32_t crc_mask(const struct crc_msb *c)
{
	return c->width == 32 ? 0xffffffffu : (1u << c->width) - 1;
}

static void crc_msb_init(struct crc_msb *c)
{
	uint32_t top = 1u << (c->width - 1);

	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i << (c->width - 8);

		for (int b = 0; b < 8; b++)
			v = (v & top) ? (v << 1) ^ c->poly : v << 1;
		c->tab[i] = v & crc_mask(c);
	}
	c->ready = true;
}

static uint32_t crc_msb(struct crc_msb *c, uint32_t crc, const uint8_t *buf,
			size_t len)
{
	if (!c->ready)
		crc_msb_init(c);
	while (len--)
		crc = ((crc << 8) ^
		       c->tab[((crc >> (c->width - 8)) ^ *buf++) & 0xff]) &
		      crc_mask(c);
	return crc;
}

uint16_t crc16_xmodem(uint16_t crc, const uint8_t *buf, size_t len)
{
	return (uint16_t)crc_msb(&xmodem, crc, buf, len);
}

uint16_t omv_crc16(uint16_t crc, const uint8_t *buf, size_t len)
{
	return (uint16_t)crc_msb(&omv16, crc, buf, len);
}

uint32_t omv_crc32(uint32_t crc, const uint8_t *buf, size_t len)
{
	return crc_msb(&omv32, crc, buf, len);
}
