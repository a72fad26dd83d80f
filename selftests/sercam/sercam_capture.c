// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_capture - stream from the camera and check every frame
 *
 *   sercam_capture WxH COUNT [mmap|userptr|read] [jpeg|grey|rgb565]
 *
 * On a clean link every buffer must be good (no error flag), hold exactly
 * the bytes of a frame the emulated camera sent, newer than the one
 * before, decode as a WxH JPEG (grey: be W x H bytes; rgb565: W x H x 2
 * bytes, as the camera sent them), and carry a sequence number one above
 * the last and a monotonic start-of-exposure timestamp.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sercam_test.h"

#define DQ_TIMEOUT_MS	30000

/* bytes per pixel of the raw format asked for; 0: JPEG */
static unsigned int bpp;
static const char *fmt_name = "JPEG";

static void check_frame(const void *data, size_t len, const struct emu_frame *fr,
			int nf, long *after, unsigned int w, unsigned int h,
			int i)
{
	const struct emu_frame *m = frame_match(fr, nf, data, len, *after);
	int jw, jh, jc;

	if (!m) {
		ksft_test_result_fail("frame %d: %zu bytes match no camera frame after %ld\n",
				      i, len, *after);
		return;
	}
	if (bpp ? len != (size_t)w * h * bpp :
	    jpeg_check(data, len, &jw, &jh, &jc) || jw != (int)w ||
	    jh != (int)h) {
		ksft_test_result_fail("frame %d: not a %ux%u %s\n", i, w, h,
				      bpp ? fmt_name : "decodable JPEG");
		return;
	}
	ksft_test_result_pass("frame %d is camera frame %ld (%zu bytes)\n", i,
			      m->n, len);
	*after = m->n;
}

static int stream_buffers(struct cam *c, enum v4l2_memory mem, int count,
			  unsigned int w, unsigned int h, long after)
{
	struct v4l2_buffer b[64];
	struct emu_frame *fr;
	uint64_t last_ts = 0;
	int i, n = 0, nf, seq_ok = 1, ts_ok = 1, flags_ok = 1;
	void *copy[64] = { };

	if (cam_start(c, 4, mem))
		ksft_exit_fail_msg("%s: cannot start streaming: %s\n", c->path,
				   strerror(errno));
	for (i = 0; i < count; i++) {
		if (cam_dqbuf(c, &b[i], DQ_TIMEOUT_MS)) {
			ksft_print_msg("DQBUF %d failed or timed out: %s\n", i,
				       strerror(errno));
			break;
		}
		copy[i] = malloc(b[i].bytesused + 1);
		memcpy(copy[i], c->bufs[b[i].index].start, b[i].bytesused);
		cam_qbuf(c, b[i].index);
		n++;
	}
	cam_stop(c);

	nf = emu_frames(&fr);
	for (i = 0; i < n; i++) {
		uint64_t ts = b[i].timestamp.tv_sec * 1000000000ull +
			      b[i].timestamp.tv_usec * 1000ull;

		if (b[i].flags & V4L2_BUF_FLAG_ERROR) {
			ksft_test_result_fail("frame %d flagged as error\n", i);
			flags_ok = 0;
			continue;
		}
		check_frame(copy[i], b[i].bytesused, fr, nf, &after, w, h, i);
		if (b[i].sequence != b[0].sequence + (unsigned int)i)
			seq_ok = 0;
		if (ts <= last_ts)
			ts_ok = 0;
		last_ts = ts;
		if ((b[i].flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
		    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC ||
		    (b[i].flags & V4L2_BUF_FLAG_TSTAMP_SRC_MASK) !=
		    V4L2_BUF_FLAG_TSTAMP_SRC_SOE || b[i].field != V4L2_FIELD_NONE)
			flags_ok = 0;
	}
	for (i = n; i < count; i++)
		ksft_test_result_fail("frame %d never arrived\n", i);
	ksft_test_result(n && seq_ok && b[0].sequence == 0,
			 "sequence counts 0, 1, 2, ... without gaps\n");
	ksft_test_result(n && ts_ok, "timestamps increase\n");
	ksft_test_result(n && flags_ok,
			 "buffers: monotonic start-of-exposure timestamps, progressive\n");
	for (i = 0; i < n; i++)
		free(copy[i]);
	free(fr);
	return 0;
}

static int stream_read(struct cam *c, int count, unsigned int w,
		       unsigned int h, long after)
{
	size_t size = c->fmt.fmt.pix.sizeimage;
	unsigned char *buf = malloc(size);
	void *copy[64];
	size_t len[64];
	struct emu_frame *fr;
	int i, n = 0, nf;

	for (i = 0; i < count; i++) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, DQ_TIMEOUT_MS) <= 0)
			break;
		r = read(c->fd, buf, size);
		if (r <= 0) {
			if (r < 0 && errno == EAGAIN) {
				i--;
				continue;
			}
			break;
		}
		copy[n] = malloc(r);
		memcpy(copy[n], buf, r);
		len[n++] = r;
	}
	/* closing ends the read() stream */
	cam_close(c);
	nf = emu_frames(&fr);
	for (i = 0; i < n; i++)
		check_frame(copy[i], len[i], fr, nf, &after, w, h, i);
	for (i = n; i < count; i++)
		ksft_test_result_fail("read %d returned no frame\n", i);
	for (i = 0; i < n; i++)
		free(copy[i]);
	free(fr);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int w = 640, h = 480;
	const char *how = argc > 3 ? argv[3] : "mmap";
	int count = argc > 2 ? atoi(argv[2]) : 5;
	long after;
	uint32_t fourcc = V4L2_PIX_FMT_JPEG;
	struct cam c;

	if (argc > 1)
		sscanf(argv[1], "%ux%u", &w, &h);
	if (argc > 4 && !strcmp(argv[4], "grey")) {
		fourcc = V4L2_PIX_FMT_GREY;
		bpp = 1;
		fmt_name = "GREY";
	} else if (argc > 4 && !strcmp(argv[4], "rgb565")) {
		fourcc = V4L2_PIX_FMT_RGB565;
		bpp = 2;
		fmt_name = "RGB565";
	}
	if (count < 1 || count > 64)
		count = 5;
	ksft_print_header();
	ksft_set_plan(count + (strcmp(how, "read") ? 3 : 0) + 1 + !!bpp);
	if (cam_open(&c))
		ksft_exit_fail_msg("no sercam video node\n");
	ksft_test_result(!cam_set_fmt(&c, fourcc, w, h),
			 "%s: S_FMT %ux%u %s\n", c.path, w, h, fmt_name);
	if (bpp)
		ksft_test_result(c.fmt.fmt.pix.bytesperline == w * bpp &&
				 c.fmt.fmt.pix.sizeimage == w * h * bpp,
				 "raw: bytesperline %u, sizeimage %u\n",
				 c.fmt.fmt.pix.bytesperline,
				 c.fmt.fmt.pix.sizeimage);
	/* the camera numbers its frames from 1: new ones are above the count */
	after = emu_frame_count();
	ksft_print_msg("%s at %ux%u by %s, camera frames so far %ld\n", c.path,
		       w, h, how, after);
	if (!strcmp(how, "read"))
		stream_read(&c, count, w, h, after);
	else
		stream_buffers(&c, strcmp(how, "userptr") ? V4L2_MEMORY_MMAP :
			       V4L2_MEMORY_USERPTR, count, w, h, after);
	cam_close(&c);
	ksft_finished();
}
