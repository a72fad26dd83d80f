// SPDX-License-Identifier: GPL-2.0
/*
 * openmv_bench - CPU cost of the OpenMV Protocol family's receive path:
 * the packet parser of openmv-proto.c (the driver's own source, built for
 * the host with -O2), CRC-16 of each header and CRC-32 of each payload
 * included, over READ fragments as the camera sends them (payloads of
 * 498, 4082 and 8178 bytes), fed in runs of 64 bytes as a tty delivers
 * them, each payload stored in a frame buffer as the driver does. Prints
 * ns per byte and the share of one core the parser needs at 12 Mbit/s
 * (1.2 MB/s on the wire); make bench runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sercam-compat.h"
#include "openmv-proto.h"

#define FRAME_BYTES	(64 * 1024)
#define RUN		64
#define WIRE_12M_BPS	1200000.0	/* 12 Mbit/s, 8N1 */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The fragments of one frame read with @payload bytes a packet. */
static unsigned char *make_wire(unsigned int payload, size_t *len)
{
	unsigned int n = (FRAME_BYTES + payload - 1) / payload, i;
	unsigned char *wire = malloc((size_t)n * (payload + OMV_HDR_LEN +
						  OMV_DCRC_LEN));
	unsigned char *data = malloc(payload);
	size_t at = 0;
	unsigned int r = 12345, k;

	for (i = 0; i < n; i++) {
		struct omv_hdr h = {
			.seq = i, .chan = 3, .op = OMV_CH_READ,
			.flags = OMV_F_ACK_REQ | (i + 1 < n ? OMV_F_FRAGMENT : 0),
			.len = payload,
		};

		for (k = 0; k < payload; k++) {
			r = r * 1103515245 + 12345;
			data[k] = r >> 24;
		}
		at += omv_encode(wire + at, &h, data);
	}
	free(data);
	*len = at;
	return wire;
}

int main(void)
{
	static const unsigned int payloads[] = { 498, 4082, 8178 };
	unsigned char *frame = malloc(FRAME_BYTES + 8192);
	static struct omv_rx rx;
	unsigned int p;

	omv_crc_init();
	printf("OpenMV Protocol receive path (openmv-proto.c, host -O2, runs of %d bytes)\n",
	       RUN);
	printf("%-8s %10s %10s %16s\n", "payload", "MB/s", "ns/byte",
	       "CPU at 12 Mbit/s");
	for (p = 0; p < 3; p++) {
		size_t len, at, used, n, stored = 0, bytes = 0;
		unsigned char *wire = make_wire(payloads[p], &len);
		unsigned int packets = 0;
		double t0 = now(), t;

		omv_rx_reset(&rx, OMV_PAYLOAD_MAX);
		do {
			for (at = 0; at < len; at += n) {
				n = len - at < RUN ? len - at : RUN;
				size_t left = n;
				const unsigned char *b = wire + at;

				while (left) {
					enum omv_rx_event ev =
						omv_rx_feed(&rx, b, left, &used);

					b += used;
					left -= used;
					if (ev == OMV_RX_HEADER) {
						omv_rx_set_dst(&rx, frame + stored,
							       FRAME_BYTES + 8192 - stored);
					} else if (ev == OMV_RX_PACKET) {
						stored += rx.hdr.len;
						packets++;
						if (stored >= FRAME_BYTES)
							stored = 0;
					} else if (ev == OMV_RX_BAD_DCRC) {
						fprintf(stderr, "bad CRC\n");
						return 1;
					}
				}
			}
			bytes += len;
			t = now() - t0;
		} while (t < 1.0);
		printf("%-8u %10.1f %10.2f %15.2f%%\n", payloads[p],
		       bytes / t / 1e6, t * 1e9 / bytes,
		       100.0 * WIRE_12M_BPS * t / bytes);
		if (!packets)
			return 1;
		free(wire);
	}
	free(frame);
	return 0;
}
