// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_bus - cameras sharing one RS-485 bus must not wait on each other
 *
 *   sercam_bus block    camera 2's STREAMOFF and close, and an unbind of
 *                       the bus, while camera 1 is in the middle of a
 *                       1280x960 whole-image transfer: each time printed,
 *                       each bounded by 3 s (the aim is 0.5 s, 2 s unbind;
 *                       the bound is generous so a loaded host is no fail)
 *   sercam_bus absent   camera 5 is listed but not there, and an
 *                       application keeps queueing buffers on it: camera
 *                       1 keeps streaming, and camera 5 is looked for no
 *                       more often than its backoff allows (counted at
 *                       the emulated bus); camera 1's frame rate alone
 *                       and beside it are printed
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sercam_test.h"

#define BOUND_S		3.0

/* Open the node of the camera at @addr ("<family> camera <addr>"). */
static int open_addr(struct cam *c, int addr)
{
	char path[32], want[32];
	int i;

	snprintf(want, sizeof(want), " camera %d", addr);
	for (i = 0; i < 16; i++) {
		struct v4l2_capability cap;
		int fd;

		snprintf(path, sizeof(path), "/dev/video%d", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		if (!ioctl(fd, VIDIOC_QUERYCAP, &cap) &&
		    !strcmp((char *)cap.driver, "sercam") &&
		    strlen((char *)cap.card) >= strlen(want) &&
		    !strcmp((char *)cap.card + strlen((char *)cap.card) -
			    strlen(want), want)) {
			close(fd);
			setenv("SERCAM_DEV", path, 1);
			return cam_open(c);
		}
		close(fd);
	}
	return -1;
}

/* Child: stream camera @addr at @w x @h until killed (or an error). */
static pid_t streamer(int addr, unsigned int w, unsigned int h)
{
	pid_t pid = fork();
	struct v4l2_buffer b;
	struct cam c;

	if (pid)
		return pid;
	if (open_addr(&c, addr) || cam_set_size(&c, w, h) ||
	    cam_start(&c, 2, V4L2_MEMORY_MMAP))
		_exit(1);
	for (;;) {
		if (cam_dqbuf(&c, &b, 60000))
			_exit(2);
		cam_qbuf(&c, b.index);
	}
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The driver is sending camera 1 a whole image right now. */
static void wait_mid_image(void)
{
	long long base = emu_stat("tx_bytes");
	double end = now_s() + 30;

	/* 8 KB past any point: well inside a 1280x960 image (about 40 KB) */
	while (now_s() < end && emu_stat("tx_bytes") < base + 8192)
		;
}

static void test_block(void)
{
	const char *dev = serdev_name();
	pid_t one;
	struct cam c;
	char cmd[160];
	double t, off, cl;
	int status;

	ksft_set_plan(4);
	one = streamer(1, 1280, 960);
	if (open_addr(&c, 2) || cam_set_size(&c, 320, 240) ||
	    cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("camera 2 does not stream\n");
	wait_mid_image();
	t = now_s();
	cam_stop(&c);
	off = now_s() - t;
	ksft_test_result(off < BOUND_S,
			 "camera 2's STREAMOFF while camera 1 sends a 1280x960 image: %.3f s\n",
			 off);
	wait_mid_image();
	t = now_s();
	cam_close(&c);
	cl = now_s() - t;
	ksft_test_result(cl < BOUND_S,
			 "camera 2's close while camera 1 sends a 1280x960 image: %.3f s\n",
			 cl);
	if (!dev)
		ksft_exit_fail_msg("no serdev device bound to sercam_sxh485\n");
	wait_mid_image();
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/unbind", dev);
	t = now_s();
	status = system(cmd);
	t = now_s() - t;
	ksft_test_result(!status && t < BOUND_S,
			 "unbind of the bus while camera 1 sends a 1280x960 image: %.3f s\n",
			 t);
	stop_child(one);
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/bind", dev);
	ksft_test_result(!system(cmd) && !open_addr(&c, 1),
			 "bind again: camera 1's node is back\n");
	cam_close(&c);
}

/* Camera 1's frames per second over @n good frames at 320x240. */
static double rate_of_one(int n)
{
	struct v4l2_buffer b;
	struct cam c;
	double t = 0;
	int good = 0;

	if (open_addr(&c, 1) || cam_set_size(&c, 320, 240) ||
	    cam_start(&c, 2, V4L2_MEMORY_MMAP))
		return 0;
	/* from the first frame on: the start-up is not the rate */
	while (good <= n && !cam_dqbuf(&c, &b, 30000)) {
		if (!(b.flags & V4L2_BUF_FLAG_ERROR) && !good++)
			t = now_s();
		cam_qbuf(&c, b.index);
	}
	t = now_s() - t;
	cam_close(&c);
	return good > n ? n / t : 0;
}

/*
 * The looks for an absent camera that its backoff allows in @t seconds
 * since its application started, at most: one at once, then after 1, 2,
 * 4 and 8 s, then every 8 s (the driver's SERCAM_BACKOFF_*), and one
 * more for the rounding at each end; each look one hello at each of up
 * to three rates (current, power-on, max-speed: a quick look, since
 * cameras 1 and 2 answer).
 */
static long long looks_allowed(double t)
{
	int looks = 1;
	double at = 0, gap = 1;

	while ((at += gap) <= t) {
		looks++;
		if (gap < 8)
			gap *= 2;
	}
	return 3LL * (looks + 2);
}

static void test_absent(void)
{
	long long looks0, looks;
	double alone, beside, t;
	pid_t five;

	ksft_set_plan(4);
	/*
	 * 16 frames (about 10 s): camera 5's first looks come 1, 2 and 4 s
	 * apart before the backoff reaches 8 s. What an absent camera costs
	 * the others is bounded by how often it is looked for: that is
	 * asserted (counted at the emulated bus), the frame rates are
	 * printed (a figure; on a loaded host their ratio swings by more
	 * than what camera 5 takes).
	 */
	alone = rate_of_one(16);
	looks0 = emu_stat("frames_unclaimed");
	t = now_s();
	five = streamer(5, 320, 240);
	beside = rate_of_one(16);
	t = now_s() - t;
	looks = emu_stat("frames_unclaimed") - looks0;
	stop_child(five);
	ksft_print_msg("camera 1 alone %.3f frames/s; beside an application on the absent camera 5: %.3f frames/s (%.0f%%)\n",
		       alone, beside, alone ? 100 * beside / alone : 0);
	ksft_test_result(alone > 0, "camera 1 streams alone (%.3f frames/s)\n",
			 alone);
	ksft_test_result(beside > 0,
			 "and beside an application on the absent camera 5 (%.3f frames/s)\n",
			 beside);
	ksft_test_result(looks > 0,
			 "camera 5 was looked for: %lld hellos at the bus in %.1f s\n",
			 looks, t);
	ksft_test_result(looks >= 0 && looks <= looks_allowed(t),
			 "no more often than its backoff allows: %lld <= %lld\n",
			 looks, looks_allowed(t));
}

int main(int argc, char **argv)
{
	ksft_print_header();
	if (argc > 1 && !strcmp(argv[1], "block"))
		test_block();
	else if (argc > 1 && !strcmp(argv[1], "absent"))
		test_absent();
	else
		ksft_exit_fail_msg("usage: %s block | absent\n", argv[0]);
	ksft_finished();
}
