// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_lifecycle - close, STREAMOFF, unbind and rmmod at any point
 *
 * Mid-transfer and with a silent camera, each must return promptly, leave
 * no stuck process, and leave the driver working (or unloadable). The
 * kernel log is checked for splats and kmemleak by the harness.
 */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sercam_test.h"

#define W		640
#define H		480
/* Bounds for "promptly": a cancelled exchange ends at once. */
#define PROMPT_S	1.0

static int sh(const char *cmd)
{
	int r = system(cmd);

	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static int open_cam(struct cam *c)
{
	return cam_open(c) || cam_set_size(c, W, H) ? -1 : 0;
}

/* The camera has been sending for a while: a frame is mid-transfer. */
static int wait_mid_frame(void)
{
	long long base = emu_stat("tx_bytes");
	double end = now_s() + 20;

	while (now_s() < end)
		if (emu_stat("tx_bytes") > base + 1500)
			return 0;
	return -1;
}

/* The driver has sent something since @base: it waits for a reply. */
static int wait_request(long long base)
{
	double end = now_s() + 20;

	while (now_s() < end)
		if (emu_stat("rx_bytes") > base)
			return 0;
	return -1;
}

static int one_good_frame(struct cam *c)
{
	struct v4l2_buffer b;
	int ok;

	if (cam_start(c, 2, V4L2_MEMORY_MMAP))
		return 0;
	ok = !cam_dqbuf(c, &b, 30000) && !(b.flags & V4L2_BUF_FLAG_ERROR);
	cam_stop(c);
	return ok;
}

static void open_close(void)
{
	struct cam c;
	int i, ok = 0;

	for (i = 0; i < 200; i++) {
		if (!cam_open(&c))
			ok++;
		cam_close(&c);
	}
	ksft_test_result(ok == 200, "200 open/close cycles (%d good)\n", ok);
}

static void streamoff_mid_frame(void)
{
	struct cam c;
	double t;

	if (open_cam(&c) || cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream\n");
	wait_mid_frame();
	t = now_s();
	cam_stop(&c);
	t = now_s() - t;
	ksft_test_result(t < PROMPT_S, "STREAMOFF mid-frame took %.3f s\n", t);
	ksft_test_result(one_good_frame(&c), "and streaming again gives a good frame\n");
	cam_close(&c);
}

static void close_mid_frame(void)
{
	struct cam c;
	double t;

	if (open_cam(&c) || cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream\n");
	wait_mid_frame();
	t = now_s();
	cam_close(&c);
	t = now_s() - t;
	ksft_test_result(t < PROMPT_S, "close while streaming, mid-frame, took %.3f s\n",
			 t);
	ksft_test_result(!open_cam(&c) && one_good_frame(&c),
			 "and the node works after it\n");
	cam_close(&c);
}

static void silent_camera(void)
{
	struct cam c;
	double t;

	if (open_cam(&c))
		ksft_exit_fail_msg("cannot open\n");
	emu_do("unplug");
	long long rx = emu_stat("rx_bytes");

	cam_start(&c, 2, V4L2_MEMORY_MMAP);
	wait_request(rx);
	t = now_s();
	cam_stop(&c);
	t = now_s() - t;
	ksft_test_result(t < PROMPT_S,
			 "STREAMOFF while the camera is silent took %.3f s\n", t);
	cam_start(&c, 2, V4L2_MEMORY_MMAP);
	wait_request(emu_stat("rx_bytes"));
	t = now_s();
	cam_close(&c);
	t = now_s() - t;
	ksft_test_result(t < PROMPT_S,
			 "close while the camera is silent took %.3f s\n", t);
	emu_do("plug");
}

static const char *serdev_name(void)
{
	static char name[64];
	glob_t g;

	if (glob("/sys/bus/serial/drivers/sercam/serial*", 0, NULL, &g))
		return NULL;
	snprintf(name, sizeof(name), "%s", strrchr(g.gl_pathv[0], '/') + 1);
	globfree(&g);
	return name;
}

/* Child: stream until the node goes away; exit 0 if it saw an error. */
static void streamer(void)
{
	struct v4l2_buffer b;
	struct cam c;
	int i;

	if (open_cam(&c) || cam_start(&c, 2, V4L2_MEMORY_MMAP))
		_exit(2);
	for (i = 0; i < 1000; i++) {
		if (cam_dqbuf(&c, &b, 30000))
			_exit(errno == ENODEV || errno == EPIPE || errno == EIO ? 0 : 3);
		cam_qbuf(&c, b.index);
	}
	_exit(4);
}

static void unbind_mid_frame(void)
{
	const char *dev = serdev_name();
	char cmd[160];
	double t, end;
	struct cam c;
	int status = -1;
	pid_t pid;

	if (!dev) {
		ksft_test_result_fail("no serdev device bound to sercam\n");
		return;
	}
	pid = fork();
	if (!pid)
		streamer();
	wait_mid_frame();
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam/unbind", dev);
	t = now_s();
	ksft_test_result(!sh(cmd), "unbind %s while another process streams\n",
			 dev);
	ksft_test_result(now_s() - t < 2 * PROMPT_S, "unbind took %.3f s\n",
			 now_s() - t);
	end = now_s() + 5;
	while (now_s() < end && waitpid(pid, &status, WNOHANG) == 0)
		usleep(10000);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ksft_test_result_fail("the streaming process is stuck after unbind\n");
	} else {
		ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
				 "the streaming process got an error and closed (exit %d)\n",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam/bind", dev);
	ksft_test_result(!sh(cmd) && !open_cam(&c) && one_good_frame(&c),
			 "bind again: the node is back and captures\n");
	cam_close(&c);
}

static void rmmod_cases(void)
{
	struct cam c;
	double t;

	if (open_cam(&c))
		ksft_exit_fail_msg("cannot open\n");
	ksft_test_result(sh("rmmod sercam 2>/dev/null") != 0,
			 "rmmod is refused while the node is open\n");
	ksft_test_result(one_good_frame(&c), "and the node still captures\n");
	cam_close(&c);
	emu_do("unplug");
	t = now_s();
	ksft_test_result(!sh("rmmod sercam"),
			 "rmmod with the camera silent (%.3f s)\n", now_s() - t);
	emu_do("plug");
	ksft_test_result(!sh("modprobe sercam") && !open_cam(&c) &&
			 one_good_frame(&c), "modprobe again: the camera works\n");
	cam_close(&c);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(15);
	open_close();
	streamoff_mid_frame();
	close_mid_frame();
	silent_camera();
	unbind_mid_frame();
	rmmod_cases();
	ksft_finished();
}
