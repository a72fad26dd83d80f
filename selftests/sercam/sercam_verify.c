// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_verify - check a captured stream against the emulator's manifest
 *
 *   sercam_verify FILE AFTER COUNT [WxH [SAVE]]
 *
 * FILE holds frames back to back, as `v4l2-ctl --stream-to` writes them.
 * Walking it from the start, each frame must be, byte for byte, a frame
 * the emulated camera sent, numbered above the previous one (above AFTER
 * for the first); a camera-side capture that was never transferred (a
 * compression change) may be skipped, nothing may be reordered. Exactly
 * COUNT frames must be found and nothing may be left over. With WxH, each
 * frame must be a JPEG of that size that libjpeg-turbo decodes.
 * With SAVE (a printf pattern such as dir/frame-%02d.jpg), each frame found
 * (numbered from 1)
 * is also written to a file of its own. Prints TAP: one line per frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sercam_test.h"

int main(int argc, char **argv)
{
	long after, count, off = 0, found = 0, size;
	const char *save;
	int nf, w = 0, h = 0;
	struct emu_frame *frames;
	unsigned char *data;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: %s FILE AFTER COUNT [WxH]\n", argv[0]);
		return 2;
	}
	after = strtol(argv[2], NULL, 0);
	count = strtol(argv[3], NULL, 0);
	if (argc > 4)
		sscanf(argv[4], "%dx%d", &w, &h);
	save = argc > 5 ? argv[5] : NULL;

	ksft_print_header();
	ksft_set_plan(count + 1);
	f = fopen(argv[1], "rb");
	if (!f)
		ksft_exit_fail_msg("%s: cannot open\n", argv[1]);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size ? size : 1);
	if (fread(data, 1, size, f) != (size_t)size)
		ksft_exit_fail_msg("%s: short read\n", argv[1]);
	fclose(f);
	nf = emu_frames(&frames);
	if (nf < 0)
		ksft_exit_fail_msg("no manifest from the emulator\n");

	while (off < size && found < count) {
		const struct emu_frame *m = NULL;
		int i, jw, jh, jc;

		/* the next frame of the manifest whose bytes start here */
		for (i = 0; i < nf && !m; i++) {
			if (frames[i].n <= after || off + frames[i].size > size)
				continue;
			m = frame_match(&frames[i], 1, data + off,
					frames[i].size, after);
		}
		if (!m) {
			ksft_test_result_fail("frame %ld at offset %ld matches no frame the camera sent after %ld\n",
					      found, off, after);
			break;
		}
		if (w && (jpeg_check(data + off, m->size, &jw, &jh, &jc) ||
			  jw != w || jh != h)) {
			ksft_test_result_fail("frame %ld (camera frame %ld) is not a decodable %dx%d JPEG\n",
					      found, m->n, w, h);
		} else {
			ksft_test_result_pass("frame %ld is camera frame %ld, %ld bytes identical\n",
					      found, m->n, m->size);
		}
		if (save) {
			char name[256];
			FILE *o;

			snprintf(name, sizeof(name), save, (int)found + 1);
			o = fopen(name, "wb");
			if (!o || fwrite(data + off, 1, m->size, o) != (size_t)m->size)
				ksft_print_msg("cannot write %s\n", name);
			if (o)
				fclose(o);
		}
		after = m->n;
		off += m->size;
		found++;
	}
	for (; found < count; found++)
		ksft_test_result_fail("frame %ld missing\n", found);
	ksft_test_result(off == size, "no bytes beyond the %ld frames (%ld of %ld used)\n",
			 count, off, size);
	free(data);
	free(frames);
	ksft_finished();
}
