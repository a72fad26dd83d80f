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

/*
 * The OpenMV Protocol's CRCs (openmv-protocol.md section 2): MSB first,
 * no final XOR; start a new packet with the INIT value. CRC-16 (0xF94F)
 * covers header bytes 0-7, CRC-32 (0xFA567D89) the payload.
 */
#define OMV_CRC16_INIT	0xffffu
#define OMV_CRC32_INIT	0xffffffffu
uint16_t omv_crc16(uint16_t crc, const uint8_t *buf, size_t len);
uint32_t omv_crc32(uint32_t crc, const uint8_t *buf, size_t len);

#endif
