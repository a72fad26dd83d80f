// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the JPEG entropy check (sercam_jpeg_check_scan()) and
 * the marker walk (sercam-jpeg.c), as the module builds them.
 *
 * Input: a JPEG, or anything. Checked, beside ASan and UBSan:
 *  - the check returns -EILSEQ, 0 or a number of MCUs, on any bytes (it
 *    is documented for whole JPEGs, but must be safe on anything);
 *  - on a JPEG the walk takes whole, it gives the same answer on the bytes
 *    up to EOI as on them with padding after it;
 *  - a checked scan holds at most one MCU per two bits of the input (a
 *    block takes at least a DC and an AC code).
 */
#include <stdint.h>
#include <stdlib.h>
#include <linux/errno.h>

#include "sercam-jpeg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 len = size > 1 << 20 ? 1 << 20 : size, end;
	int r;

	r = sercam_jpeg_check_scan(data, len);
	if (r < 0 && r != -EILSEQ)
		abort();
	if (r > 0 && (u64)r > (u64)len * 4)
		abort();
	end = sercam_jpeg_check(data, len, NULL, NULL);
	if (end && end < len && sercam_jpeg_check_scan(data, end) != r)
		abort();
	return 0;
}
