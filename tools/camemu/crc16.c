// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-16/XMODEM as the SXH485 protocol uses it, written from the protocol
 * page: MSB first, polynomial 0x1021, init 0, no final XOR.
 */
#include "crc16.h"

static uint16_t crc_table[256];
static int crc_table_ready;

static void crc_table_init(void)
{
	for (int i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);

		for (int b = 0; b < 8; b++)
			c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) :
					   (uint16_t)(c << 1);
		crc_table[i] = c;
	}
	crc_table_ready = 1;
}

uint16_t crc16_xmodem(uint16_t crc, const uint8_t *buf, size_t len)
{
	if (!crc_table_ready)
		crc_table_init();
	while (len--)
		crc = (uint16_t)((crc << 8) ^ crc_table[(crc >> 8) ^ *buf++]);
	return crc;
}
