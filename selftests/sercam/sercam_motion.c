// SPDX-License-Identifier: GPL-2.0
/*
 * Motion detection (VC0706): V4L2_CID_DETECT_MD_MODE turns the camera's
 * detection on and off (observed at the emulated camera), and each motion
 * report the camera sends is one V4L2_EVENT_MOTION_DET, streaming or not
 * (streaming, the frame is frozen most of the time: the camera reports
 * what changed meanwhile once, at the resume), and the camera is left
 * running after stream-off (frozen, it would hold its reports back); with
 * detection off the camera reports nothing and no event comes.
 *
 *   sercam_motion [WxH]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sercam_test.h"

/* Wait up to @ms for one event; 1 with it in @ev, 0 without. */
static int next_event(struct cam *c, struct v4l2_event *ev, int ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLPRI };

	if (poll(&p, 1, ms) <= 0 || !(p.revents & POLLPRI))
		return 0;
	memset(ev, 0, sizeof(*ev));
	return !ioctl(c->fd, VIDIOC_DQEVENT, ev);
}

/* Wait until the emulator's counter @name exceeds @base (bounded). */
static long long wait_stat(const char *name, long long base)
{
	long long v = base;
	int i;

	for (i = 0; i < 500 && v <= base; i++) {
		struct pollfd none = { .fd = -1 };

		v = emu_stat(name);
		if (v <= base)
			poll(&none, 0, 10);
	}
	return v;
}

static bool camera_says(const char *what)
{
	char final[EMU_LINE] = "";

	return !emu_cmd(final, sizeof(final), NULL, NULL, "status") &&
	       strstr(final, what);
}

int main(int argc, char **argv)
{
	const char *size = argc > 1 ? argv[1] : "160x120";
	unsigned int w = atoi(size), h = atoi(strchr(size, 'x') + 1);
	struct v4l2_event_subscription sub = {
		.type = V4L2_EVENT_MOTION_DET,
	};
	struct v4l2_event ev;
	struct cam c;
	long long base, seen;
	int i, got, first = -1, last = -1;

	ksft_print_header();
	ksft_set_plan(9);
	if (cam_open(&c))
		ksft_exit_fail_msg("no sercam video node\n");
	if (ioctl(c.fd, VIDIOC_SUBSCRIBE_EVENT, &sub))
		ksft_exit_fail_msg("VIDIOC_SUBSCRIBE_EVENT motion: %s\n",
				   strerror(errno));

	/* off (the default): the camera sees it, says nothing */
	ksft_test_result(cam_get_ctrl(&c, V4L2_CID_DETECT_MD_MODE) ==
			 V4L2_DETECT_MD_MODE_DISABLED,
			 "motion detection is off by default\n");
	base = emu_stat("motion_unseen");
	emu_do("motion 1");
	seen = wait_stat("motion_unseen", base);
	ksft_test_result(seen > base && !next_event(&c, &ev, 0),
			 "off: the camera reports no motion, no event\n");

	/* on, at the camera */
	ksft_test_result(!cam_set_ctrl(&c, V4L2_CID_DETECT_MD_MODE,
				       V4L2_DETECT_MD_MODE_GLOBAL) &&
			 camera_says(" motion=1 ") &&
			 camera_says(" motion-uart=1 "),
			 "on: detection and its UART reports on at the camera\n");

	/* idle: two motions, two events */
	base = emu_stat("motion_reports");
	emu_do("motion 2");
	for (got = 0; got < 3 && next_event(&c, &ev, 3000); got++)
		if (ev.type != V4L2_EVENT_MOTION_DET)
			break;
	if (got != 2) {
		ksft_print_msg("the driver counted %lld motion reports\n",
			       cam_stat(&c, "motion_reports"));
		fflush(stdout);
		if (system("cat /sys/kernel/debug/sercam/*/stats | sed 's/^/# bus: /'"))
			ksft_print_msg("no bus statistics\n");
	}
	ksft_test_result(got == 2 && emu_stat("motion_reports") == base + 2,
			 "not streaming: 2 motions reported, %d events\n", got);

	/* streaming: three motions during a capture of 6 frames */
	if (cam_set_size(&c, w, h) || cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("streaming at %s: %s\n", size,
				   strerror(errno));
	got = 0;
	base = emu_stat("motion_reports");
	seen = emu_stat("motion_unseen");
	for (i = 0; i < 6; i++) {
		struct v4l2_buffer b;

		if (cam_dqbuf(&c, &b, 20000))
			break;
		if (i == 1) {
			first = b.sequence;
			emu_do("motion 3");
		}
		last = b.sequence;
		cam_qbuf(&c, b.index);
		while (next_event(&c, &ev, 0)) {
			if (ev.type == V4L2_EVENT_MOTION_DET &&
			    ev.u.motion_det.flags & V4L2_EVENT_MD_FL_HAVE_FRAME_SEQ &&
			    (int)ev.u.motion_det.frame_sequence >= first)
				got++;
		}
	}
	cam_stop(&c);
	ksft_test_result(i == 6, "6 frames while the camera reported motion\n");
	while (next_event(&c, &ev, 1000))
		got += ev.type == V4L2_EVENT_MOTION_DET;
	/* a frozen camera reports what changed meanwhile once, at resume */
	base = emu_stat("motion_reports") - base;
	if (got != base)
		ksft_print_msg("the driver counted %lld motion reports in all\n",
			       cam_stat(&c, "motion_reports"));
	ksft_test_result(base >= 1 && got == base,
			 "streaming: 3 motions, %lld reported, %d events numbered from frame %d (last frame %d)\n",
			 base, got, first, last);
	/*
	 * A frozen camera holds its reports back: stream-off cut a snapshot
	 * short, and the camera must be let run again.
	 */
	ksft_test_result(camera_says(" frozen=0 "),
			 "after stream-off the camera runs (not frozen)\n");
	/* off again */
	ksft_test_result(!cam_set_ctrl(&c, V4L2_CID_DETECT_MD_MODE,
				       V4L2_DETECT_MD_MODE_DISABLED) &&
			 camera_says(" motion=0 "),
			 "off: detection off at the camera\n");
	base = emu_stat("motion_unseen");
	emu_do("motion 1");
	seen = wait_stat("motion_unseen", base);
	ksft_test_result(seen > base && !next_event(&c, &ev, 0),
			 "off: no event\n");
	cam_close(&c);
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
