// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_detach - the attached camera goes while a process streams from it
 *
 *   sercam_detach hangup TTY PID   the tty hung up (TIOCVHANGUP), as when a
 *                                  USB-serial adapter is unplugged
 *   sercam_detach term TTY PID     SIGTERM to sercam-attach (PID): it
 *                                  detaches
 *   sercam_detach unplug TTY PID   the USB-serial adapter TTY is unplugged
 *                                  while the camera is sending a frame
 *                                  (the host does it: guest.py
 *                                  --usb-serial, the sercam.host port)
 *
 * The camera's node is opened and streams (mmap) until a frame arrived;
 * a child process goes on dequeuing. After the detach, promptly: the
 * child's DQBUF fails (ENODEV, EPIPE or EIO; it is not left blocked), the
 * node is gone, the handle still open answers ENODEV, sercam-attach has
 * exited, and no sercam device is left; unplugged, the tty is gone too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sercam_test.h"

#define FIRST_FRAME_MS	30000
/* what "promptly" means: a detach must not wait for a frame to finish */
#define PROMPT_S	10.0
/* the host's port (guest.py --usb-serial), emu_cmd()'s line protocol */
#define HOST_PORT	"/dev/virtio-ports/sercam.host"

/* A pid that exited (gone, or a zombie nobody reaped). */
static int exited(pid_t pid)
{
	char path[64], line[128];
	FILE *f;
	int z = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			z = !!strchr(line, 'Z');
	fclose(f);
	return z;
}

/* Ask the host to unplug the USB-serial adapter; 0 once it is gone. */
static int unplug(void)
{
	char final[EMU_LINE] = "", *ctl = getenv("SERCAM_CTL");
	int ret;

	/* emu_cmd() talks to $SERCAM_CTL: the host's port for this one */
	ctl = ctl ? strdup(ctl) : NULL;
	setenv("SERCAM_CTL", HOST_PORT, 1);
	ret = emu_cmd(final, sizeof(final), NULL, NULL, "usb unplug");
	if (ctl) {
		setenv("SERCAM_CTL", ctl, 1);
		free(ctl);
	} else {
		unsetenv("SERCAM_CTL");
	}
	if (ret)
		ksft_print_msg("host: usb unplug: %s\n", final);
	return ret;
}

/* Poll @cond up to PROMPT_S; the seconds it took, or -1. */
#define WAIT_FOR(cond) ({						\
	double __t0 = now_s(), __r = -1;				\
	while (now_s() - __t0 < PROMPT_S) {				\
		if (cond) {						\
			__r = now_s() - __t0;				\
			break;						\
		}							\
		usleep(20000);						\
	}								\
	__r; })

int main(int argc, char **argv)
{
	struct v4l2_capability cap;
	struct v4l2_buffer b;
	const char *mode, *tty;
	struct cam c;
	int status = -1, fd, unplugged;
	pid_t child, pid;
	double t;

	if (argc != 4)
		ksft_exit_fail_msg("usage: sercam_detach hangup|term|unplug TTY PID\n");
	mode = argv[1];
	tty = argv[2];
	pid = atoi(argv[3]);
	unplugged = !strcmp(mode, "unplug");
	ksft_print_header();
	ksft_set_plan(unplugged ? 9 : 7);

	if (cam_open(&c))
		ksft_exit_fail_msg("no sercam video node\n");
	if (cam_set_size(&c, 320, 240) || cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("%s: cannot stream: %s\n", c.path,
				   strerror(errno));
	ksft_test_result(!cam_dqbuf(&c, &b, FIRST_FRAME_MS),
			 "%s streams: a frame came\n", c.path);
	cam_qbuf(&c, b.index);

	child = fork();
	if (child == 0) {
		for (;;) {
			if (cam_dqbuf(&c, &b, FIRST_FRAME_MS)) {
				if (errno == ENODEV || errno == EPIPE ||
				    errno == EIO)
					_exit(0);
				_exit(3);
			}
			cam_qbuf(&c, b.index);
		}
	}

	if (!strcmp(mode, "hangup")) {
		fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd < 0 || ioctl(fd, TIOCVHANGUP))
			ksft_exit_fail_msg("%s: TIOCVHANGUP: %s\n", tty,
					   strerror(errno));
		close(fd);
	} else if (unplugged) {
		/* mid-frame: the camera has sent 1.5 KB more of it */
		ksft_test_result(!emu_wait_sending(),
				 "the camera is sending a frame\n");
		if (unplug())
			ksft_exit_fail_msg("the host did not unplug %s\n", tty);
	} else {
		if (kill(pid, SIGTERM))
			ksft_exit_fail_msg("kill %d: %s\n", pid,
					   strerror(errno));
	}

	t = WAIT_FOR(waitpid(child, &status, WNOHANG) == child);
	if (t < 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	ksft_test_result(t >= 0 && WIFEXITED(status) && !WEXITSTATUS(status),
			 "%s: the streaming process got an error (status 0x%x, %.3f s)\n",
			 mode, status, t);
	t = WAIT_FOR(access(c.path, F_OK) && errno == ENOENT);
	ksft_test_result(t >= 0, "%s is gone (%.3f s)\n", c.path, t);
	ksft_test_result(ioctl(c.fd, VIDIOC_QUERYCAP, &cap) && errno == ENODEV,
			 "the handle still open answers ENODEV\n");
	t = WAIT_FOR(exited(pid));
	ksft_test_result(t >= 0, "sercam-attach (%d) exited (%.3f s)\n", pid, t);
	ksft_test_result(system("ls /sys/bus/platform/devices | grep -q sercam-tty"),
			 "no sercam device left\n");
	if (unplugged) {
		t = WAIT_FOR(access(tty, F_OK) && errno == ENOENT);
		ksft_test_result(t >= 0, "%s is gone (%.3f s)\n", tty, t);
	}
	cam_close(&c);
	ksft_test_result_pass("the handle closes after the detach\n");
	ksft_finished();
}
