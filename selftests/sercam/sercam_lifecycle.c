// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_lifecycle - close, STREAMOFF, unbind and rmmod at any point
 *
 * Mid-transfer and with a silent camera, each must return promptly, leave
 * no stuck process, and leave the driver working (or unloadable). The
 * kernel log is checked for splats and kmemleak by the harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
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

#define STUCK		(-2)

/*
 * Wait up to @ms for child @pid to exit (on a pidfd, no polling). Returns
 * its exit code, -1 if it ended by a signal, or STUCK if it was still
 * running (it is then killed and reaped).
 */
static int reap(pid_t pid, int ms)
{
	int fd = syscall(SYS_pidfd_open, pid, 0), status;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	bool stuck = fd >= 0 && poll(&p, 1, ms) == 0;

	if (fd >= 0)
		close(fd);
	if (stuck)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (stuck)
		return STUCK;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int open_cam(struct cam *c)
{
	return cam_open(c) || cam_set_size(c, W, H) ? -1 : 0;
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
	emu_wait_sending();
	t = now_s();
	cam_stop(&c);
	t = now_s() - t;
	ksft_test_result(t < PROMPT_S, "STREAMOFF mid-frame took %.3f s\n", t);
	ksft_test_result(one_good_frame(&c), "and streaming again gives a good frame\n");
	cam_close(&c);
}

/*
 * STREAMON then STREAMOFF, 500 times, each with its capture in flight
 * (every 25th cycle waits until the camera is mid-image): the capture work
 * must never outlive the stream (KASAN watches).
 */
static void streamon_off_loop(void)
{
	double t = now_s();
	int i, ok = 1;
	struct cam c;

	if (open_cam(&c))
		ksft_exit_fail_msg("cannot open\n");
	cam_set_size(&c, 160, 160);
	for (i = 0; i < 500 && ok; i++) {
		if (cam_start(&c, 2, V4L2_MEMORY_MMAP)) {
			ok = 0;
			break;
		}
		if (i % 25 == 0)
			emu_wait_sending();
		if (cam_stop(&c))
			ok = 0;
	}
	ksft_test_result(ok, "500 STREAMON/STREAMOFF cycles with captures in flight (%d done, %.1f s)\n",
			 i, now_s() - t);
	ksft_test_result(one_good_frame(&c), "and then a good frame\n");
	cam_close(&c);
}

static void close_mid_frame(void)
{
	struct cam c;
	double t;

	if (open_cam(&c) || cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream\n");
	emu_wait_sending();
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
	double t;
	struct cam c;
	int code;
	pid_t pid;

	if (!dev) {
		ksft_test_result_fail("no serdev device bound to sercam_sxh485\n");
		return;
	}
	pid = fork();
	if (!pid)
		streamer();
	emu_wait_sending();
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/unbind", dev);
	t = now_s();
	ksft_test_result(!sh(cmd), "unbind %s while another process streams\n",
			 dev);
	ksft_test_result(now_s() - t < 2 * PROMPT_S, "unbind took %.3f s\n",
			 now_s() - t);
	code = reap(pid, 5000);
	if (code == STUCK)
		ksft_test_result_fail("the streaming process is stuck after unbind\n");
	else
		ksft_test_result(code == 0,
				 "the streaming process got an error and closed (exit %d)\n",
				 code);
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/bind", dev);
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
	ksft_test_result(sh("rmmod sercam_sxh485 2>/dev/null") != 0,
			 "rmmod is refused while the node is open\n");
	ksft_test_result(one_good_frame(&c), "and the node still captures\n");
	cam_close(&c);
	emu_do("unplug");
	t = now_s();
	ksft_test_result(!sh("rmmod sercam_sxh485"),
			 "rmmod with the camera silent (%.3f s)\n", now_s() - t);
	emu_do("plug");
	ksft_test_result(!sh("modprobe sercam-sxh485") && !open_cam(&c) &&
			 one_good_frame(&c), "modprobe again: the camera works\n");
	cam_close(&c);
}

/* STREAMON/STREAMOFF in one thread while another changes controls. */
struct racer {
	struct cam *c;
	volatile int stop;
	int sets;
};

static void *control_racer(void *arg)
{
	struct racer *r = arg;
	int v = 0;

	while (!r->stop) {
		cam_set_ctrl(r->c, V4L2_CID_BRIGHTNESS, v++ & 0xff);
		cam_set_ctrl(r->c, V4L2_CID_ILLUMINATORS_1, v & 1);
		cam_set_ctrl(r->c, V4L2_CID_JPEG_COMPRESSION_QUALITY,
			     20 + 20 * (v % 5));
		r->sets++;
	}
	return NULL;
}

static void stream_vs_controls(void)
{
	struct racer r = { };
	struct emu_cmd_entry *e;
	struct cam c;
	pthread_t t;
	char st[EMU_LINE];
	double t0 = now_s();
	int i, ok = 1, n;
	long mark;

	if (open_cam(&c))
		ksft_exit_fail_msg("cannot open\n");
	cam_set_size(&c, 160, 160);
	r.c = &c;
	pthread_create(&t, NULL, control_racer, &r);
	for (i = 0; i < 20; i++) {
		struct v4l2_buffer b;

		if (cam_start(&c, 2, V4L2_MEMORY_MMAP)) {
			ok = 0;
			break;
		}
		if (i % 4 == 0)
			cam_dqbuf(&c, &b, 30000);
		if (cam_stop(&c))
			ok = 0;
	}
	r.stop = 1;
	pthread_join(t, NULL);
	ksft_test_result(ok, "20 STREAMON/STREAMOFF while another thread set controls %d times (%.1f s)\n",
			 r.sets, now_s() - t0);
	/* after the race, a control still reaches the camera at once */
	mark = emu_log_mark();
	cam_set_ctrl(&c, V4L2_CID_BRIGHTNESS, 0x42);
	ok = one_good_frame(&c);
	n = emu_log(mark, &e);
	for (i = 0; i < n && !(e[i].cmd == 0x04 && e[i].param[0] == 0x42); i++)
		;
	emu_cmd(st, sizeof(st), NULL, NULL, "status");
	ksft_test_result(ok && i < n && emu_field(st, "bright") == 0x42,
			 "after the race: a good frame, and brightness 0x42 at the camera\n");
	free(e);
	cam_set_ctrl(&c, V4L2_CID_JPEG_COMPRESSION_QUALITY, 60);
	cam_close(&c);
}

/*
 * One process streams; another changes controls and queries formats. The
 * streaming process goes on until the other is done (the pipe closes), so
 * the queue is busy for every S_FMT however fast or slow the guest is.
 * Each S_CTRL waits for the capture in flight to free the link (about a
 * VGA frame), so 8 rounds (8 different contrasts) rather than more.
 */
#define ROUNDS		8

static void two_processes(void)
{
	struct v4l2_frmsizeenum fs = { .pixel_format = V4L2_PIX_FMT_JPEG };
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int status, sizes = 0, bad[4] = { 0 }, ok, i, done[2], ready[2];
	struct cam c;
	char x;
	pid_t pid;

	if (pipe(done) || pipe(ready))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = fork();
	if (!pid) {
		struct pollfd p = { .fd = done[0], .events = POLLIN };
		struct v4l2_buffer b;
		struct cam s;
		int n = 0, good = 0;

		close(done[1]);
		close(ready[0]);
		if (open_cam(&s) || cam_start(&s, 2, V4L2_MEMORY_MMAP))
			_exit(2);
		while (n < 3 || poll(&p, 1, 0) == 0) {
			if (cam_dqbuf(&s, &b, 30000))
				_exit(3);
			/* streaming for sure: the other process may begin */
			if (!n && write(ready[1], "r", 1) != 1)
				_exit(5);
			n++;
			good += !(b.flags & V4L2_BUF_FLAG_ERROR);
			cam_qbuf(&s, b.index);
		}
		cam_stop(&s);
		_exit(good == n ? 0 : 4);
	}
	close(done[0]);
	close(ready[1]);
	if (read(ready[0], &x, 1) != 1)
		ksft_exit_fail_msg("the streaming process did not start\n");
	close(ready[0]);
	if (cam_open(&c))
		ksft_exit_fail_msg("second open\n");
	for (i = 0; i < ROUNDS; i++) {
		if (cam_set_ctrl(&c, V4L2_CID_CONTRAST, 0x70 + (i & 7)))
			bad[0]++;
		if (ioctl(c.fd, VIDIOC_G_FMT, &f) || f.fmt.pix.width != W)
			bad[1]++;
		f.fmt.pix.width = 160;
		f.fmt.pix.height = 160;
		if (ioctl(c.fd, VIDIOC_TRY_FMT, &f) || f.fmt.pix.width != 160)
			bad[2]++;
		/* the other process owns the queue: no format change */
		if (ioctl(c.fd, VIDIOC_S_FMT, &f) != -1 || errno != EBUSY)
			bad[3]++;
		f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	}
	for (fs.index = 0; !ioctl(c.fd, VIDIOC_ENUM_FRAMESIZES, &fs); fs.index++)
		sizes++;
	ok = !bad[0] && !bad[1] && !bad[2] && !bad[3];
	if (!ok)
		ksft_print_msg("of %d: S_CTRL failed %d, G_FMT %d, TRY_FMT %d, S_FMT not EBUSY %d\n",
			       ROUNDS, bad[0], bad[1], bad[2], bad[3]);
	cam_close(&c);
	close(done[1]);
	waitpid(pid, &status, 0);
	ksft_test_result(ok && sizes == 4,
			 "a second process changes controls and queries formats while the first streams (S_FMT: EBUSY)\n");
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "and the first process got 3 or more frames, all good\n");
}

/* A reader blocked in read() (blocking fd) while the device is unbound. */
static void blocked_reader_unbind(void)
{
	const char *dev = serdev_name();
	char cmd[160];
	int code;
	pid_t pid;

	pid = fork();
	if (!pid) {
		static char buf[1 << 20];
		struct cam c;
		int fd;

		if (open_cam(&c))
			_exit(2);
		fd = open(c.path, O_RDWR);	/* blocking */
		cam_close(&c);
		/*
		 * vb2 wakes the blocked read() with an error when the queue
		 * goes; the next call must find the device gone.
		 */
		while (read(fd, buf, sizeof(buf)) >= 0)
			;
		_exit(read(fd, buf, sizeof(buf)) < 0 && errno == ENODEV ? 0 : 3);
	}
	emu_wait_sending();
	/* the reader holds the module */
	ksft_test_result(sh("rmmod sercam_sxh485 2>/dev/null") != 0,
			 "rmmod is refused while a reader is blocked in read()\n");
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/unbind", dev);
	sh(cmd);
	code = reap(pid, 5000);
	if (code == STUCK)
		ksft_test_result_fail("the reader is stuck in read() after unbind\n");
	else
		ksft_test_result(code == 0,
				 "unbind wakes the reader blocked in read() with an error\n");
	snprintf(cmd, sizeof(cmd),
		 "echo %s > /sys/bus/serial/drivers/sercam_sxh485/bind", dev);
	sh(cmd);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(23);
	open_close();
	streamoff_mid_frame();
	streamon_off_loop();
	close_mid_frame();
	silent_camera();
	unbind_mid_frame();
	stream_vs_controls();
	two_processes();
	blocked_reader_unbind();
	rmmod_cases();
	ksft_finished();
}
