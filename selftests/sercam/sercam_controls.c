// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_controls - every control must reach the camera, as the emulated
 * camera reports it
 *
 * - set while idle: the command with the value goes to the camera at once;
 *   a value the camera refuses fails the ioctl, and the control keeps its
 *   old value;
 * - set while streaming: sent between two frames, never inside one;
 * - JPEG quality 20..100 reaches the camera as compression level 4..0;
 * - colour effect BW captures grayscale (command 0x12);
 * - the last close turns the IR light off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sercam_test.h"

#define W	160
#define H	160
#define DQ_MS	20000

static struct cam c;

/* Stream @n frames; return the camera frame number of the last, or -1. */
static long stream(int n, int *gray_frames, int *comp_of_last)
{
	struct emu_frame *fr;
	struct v4l2_buffer b;
	long after = emu_frame_count(), last = -1;
	int i, nf, good = 0;
	void *copy[8];
	size_t len[8];

	if (cam_start(&c, 2, V4L2_MEMORY_MMAP))
		return -1;
	for (i = 0; i < n && i < 8; i++) {
		if (cam_dqbuf(&c, &b, DQ_MS) || (b.flags & V4L2_BUF_FLAG_ERROR))
			break;
		copy[i] = malloc(b.bytesused);
		memcpy(copy[i], c.bufs[b.index].start, b.bytesused);
		len[i] = b.bytesused;
		good++;
		cam_qbuf(&c, b.index);
	}
	cam_stop(&c);
	nf = emu_frames(&fr);
	if (gray_frames)
		*gray_frames = 0;
	for (i = 0; i < good; i++) {
		const struct emu_frame *m = frame_match(fr, nf, copy[i], len[i],
							after);
		int jw, jh, jc;

		if (m) {
			after = last = m->n;
			if (comp_of_last)
				*comp_of_last = m->comp;
			if (gray_frames && m->gray &&
			    !jpeg_check(copy[i], len[i], &jw, &jh, &jc) && jc == 1)
				(*gray_frames)++;
		} else {
			last = -1;
		}
		free(copy[i]);
	}
	free(fr);
	return good == n ? last : -1;
}

static int find(const struct emu_cmd_entry *e, int n, int from, int cmd,
		int p0)
{
	int i;

	for (i = from; i < n; i++)
		if (e[i].cmd == cmd && (p0 < 0 || (e[i].nparam && e[i].param[0] == p0)))
			return i;
	return -1;
}

static bool is_capture(int cmd)
{
	return cmd == 0x02 || cmd == 0x05 || cmd == 0x12 || cmd == 0x30;
}

/*
 * Set while idle: each control reaches the camera at once, the ioctl
 * returning after the camera took it; one the camera refuses is an error.
 */
static void test_idle(void)
{
	struct emu_cmd_entry *e;
	char st[EMU_LINE];
	long mark = emu_log_mark();
	int n, b, ct, ir, ret;

	ksft_test_result(!cam_set_ctrl(&c, V4L2_CID_BRIGHTNESS, 0x90) &&
			 !cam_set_ctrl(&c, V4L2_CID_CONTRAST, 0x70) &&
			 !cam_set_ctrl(&c, V4L2_CID_ILLUMINATORS_1, 1),
			 "brightness, contrast and IR set while idle\n");
	n = emu_log(mark, &e);
	b = find(e, n, 0, 0x04, 0x90);
	ct = find(e, n, 0, 0x03, 0x70);
	ir = find(e, n, 0, 0x08, 0x33);
	ksft_test_result(b >= 0, "brightness 0x90 reached the camera at once (04 90)\n");
	ksft_test_result(ct > b, "then contrast 0x70 (03 70)\n");
	ksft_test_result(ir > ct, "then the IR light on (08 33)\n");
	free(e);
	emu_cmd(st, sizeof(st), NULL, NULL, "status");
	ksft_test_result(emu_field(st, "bright") == 0x90 &&
			 emu_field(st, "contrast") == 0x70 &&
			 emu_field(st, "ir") == 1,
			 "the camera's state: %s\n", st);

	/* the camera answers with an error status: the application sees it */
	emu_do("fault status 3");
	mark = emu_log_mark();
	ret = cam_set_ctrl(&c, V4L2_CID_BRIGHTNESS, 0x50);
	emu_do("fault status 0");
	n = emu_log(mark, &e);
	ksft_test_result(ret < 0 && errno == EPROTO && find(e, n, 0, 0x04, 0x50) >= 0,
			 "a value the camera refuses (status 01) fails with EPROTO (%d, %s)\n",
			 ret, strerror(errno));
	free(e);
	ksft_test_result(cam_get_ctrl(&c, V4L2_CID_BRIGHTNESS) == 0x90,
			 "and the control keeps its old value, 0x90\n");
	ksft_test_result(stream(2, NULL, NULL) > 0, "stream 2 frames\n");
	emu_cmd(st, sizeof(st), NULL, NULL, "status");
	/* the camera may have taken 0x50 before its reply said no */
	ksft_test_result(emu_field(st, "bright") == 0x90,
			 "the camera's brightness after streaming is the control's: 0x%llx\n",
			 emu_field(st, "bright"));
}

static void test_streaming(void)
{
	struct emu_cmd_entry *e;
	struct v4l2_buffer b;
	long mark = emu_log_mark();
	int i, n, at, next, inside = 0, got = 0;

	if (cam_start(&c, 2, V4L2_MEMORY_MMAP)) {
		ksft_test_result_fail("start streaming\n");
		return;
	}
	for (i = 0; i < 4; i++) {
		if (cam_dqbuf(&c, &b, DQ_MS))
			break;
		got += !(b.flags & V4L2_BUF_FLAG_ERROR);
		cam_qbuf(&c, b.index);
		if (i == 0)
			cam_set_ctrl(&c, V4L2_CID_BRIGHTNESS, 0x40);
	}
	cam_stop(&c);
	n = emu_log(mark, &e);
	at = find(e, n, 0, 0x04, 0x40);
	/* after it, the next capture comes before any packet request */
	for (next = at + 1; at >= 0 && next < n && !is_capture(e[next].cmd); next++)
		inside |= e[next].cmd == 0x31;
	ksft_test_result(got == 4 && at >= 0,
			 "brightness 0x40 set while streaming reached the camera (%d good frames)\n",
			 got);
	ksft_test_result(at >= 0 && !inside && (at == 0 || e[at - 1].cmd != 0x30),
			 "and it went between two frames, not inside one\n");
	free(e);
}

static void test_quality(void)
{
	static const int q[] = { 20, 40, 60, 80, 100 };
	unsigned int i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		int comp = -1;
		long n;

		cam_set_ctrl(&c, V4L2_CID_JPEG_COMPRESSION_QUALITY, q[i]);
		n = stream(1, NULL, &comp);
		ksft_test_result(n > 0 && comp == 4 - (int)i,
				 "JPEG quality %d: the frame was compressed at level %d (want %d)\n",
				 q[i], comp, 4 - (int)i);
	}
	cam_set_ctrl(&c, V4L2_CID_JPEG_COMPRESSION_QUALITY, 60);
}

static void test_bw(void)
{
	struct emu_cmd_entry *e;
	long mark = emu_log_mark();
	int n, gray = 0, gray_cmd;

	cam_set_ctrl(&c, V4L2_CID_COLORFX, V4L2_COLORFX_BW);
	stream(2, &gray, NULL);
	n = emu_log(mark, &e);
	gray_cmd = find(e, n, 0, 0x12, -1);
	ksft_test_result(gray_cmd >= 0, "colour effect BW captures with 0x12\n");
	ksft_test_result(gray == 2,
			 "and both frames are grayscale JPEGs identical to the camera's (%d)\n",
			 gray);
	free(e);
	cam_set_ctrl(&c, V4L2_CID_COLORFX, V4L2_COLORFX_NONE);
}

/* The camera is put idle in the background, after close() returned. */
static void test_last_close(void)
{
	struct emu_cmd_entry *e;
	long mark = emu_log_mark();
	int n, at = -1;
	double t;

	cam_close(&c);
	t = now_s();
	while (at < 0 && now_s() - t < 5) {
		n = emu_log(mark, &e);
		at = find(e, n, 0, 0x08, 0xcc);
		free(e);
		if (at < 0)
			usleep(20000);	/* polling the camera's log, bounded */
	}
	ksft_test_result(at >= 0,
			 "the last close turns the IR light off (08 cc) within %.2f s\n",
			 now_s() - t);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(19);
	if (cam_open(&c) || cam_set_size(&c, W, H))
		ksft_exit_fail_msg("no sercam video node at %ux%u\n", W, H);
	test_idle();
	test_streaming();
	test_quality();
	test_bw();
	test_last_close();
	ksft_finished();
}
