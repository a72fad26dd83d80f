/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_CRC16_H
#define CAMEMU_CRC16_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC-16/XMODEM: polynomial 0x1021, initial value @crc (0 for a new
 * frame), no reflection, no final XOR.
 */
uint16_t crc16_xmodem(uint16_t crc, const uint8_t *buf, size_t len);

#endif
