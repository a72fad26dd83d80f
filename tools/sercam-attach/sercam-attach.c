// SPDX-License-Identifier: GPL-2.0
/*
 * sercam-attach - a serial camera on any tty (a USB-serial adapter, a
 * USB virtual serial port, a UART no devicetree describes) as a V4L2
 * device
 *
 *   sercam-attach [--family F] [--speed N] [--max-speed N]
 *                 [--address A | --bus A,B,C] [--prop name=value ...]
 *                 [--daemon] /dev/ttyX
 *
 * Sets sercam's line discipline on the tty and hands the kernel the family
 * and the properties a devicetree node would have had
 * (include/uapi/linux/sercam-attach.h); prints the video nodes it made,
 * then keeps the tty open until it is told to stop (SIGINT, SIGTERM,
 * SIGHUP: the cameras are detached, their nodes go) or the port goes away
 * (a USB adapter unplugged). See sercam-attach(8).
 *
 * Copyright (C) 2026 The sercam authors
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sercam-attach.h>

#define PROPS_MAX	SERCAM_ATTACH_PROPS_MAX

/* exit statuses */
#define EXIT_DETACHED	0	/* told to stop: detached */
#define EXIT_ERROR	1	/* could not attach */
#define EXIT_GONE	2	/* the port went away, or another took it */

static const char *prog = "sercam-attach";
static const char *tty_path;

static char props[PROPS_MAX];
static size_t props_len;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [options] TTY\n"
		"Attach a serial camera on TTY (/dev/ttyUSB0, /dev/ttyACM0, ...) to sercam:\n"
		"its video node(s) exist while this program runs.\n"
		"\n"
		"  -f, --family F      camera family: sxh485 (default), stream, ov528,\n"
		"                      openmv, vc0706, pixy, ascii-u, ...\n"
		"  -s, --speed N       the camera's power-on rate (current-speed)\n"
		"  -m, --max-speed N   the rate to move the camera to once found\n"
		"  -a, --address A     the address of a lone camera\n"
		"  -b, --bus A,B,C     cameras at these addresses on one RS-485 bus\n"
		"  -p, --prop P=V      any property of the family's binding, as a\n"
		"                      devicetree node has it; NODE/P=V for a child\n"
		"                      node (camera@2/reg=2); repeatable\n"
		"  -d, --daemon        go to the background once attached\n"
		"  -h, --help          this help\n"
		"\n"
		"Stop it (Ctrl-C, SIGTERM) to detach: the nodes go, applications\n"
		"that hold them open get ENODEV. Exit status: 0 detached, 1 could\n"
		"not attach, 2 the port went away. See sercam-attach(8).\n",
		prog);
}

static void die(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s (%s)", strerror(err), strerrorname_np(err));
	fputc('\n', stderr);
	exit(EXIT_ERROR);
}

static void add_prop(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(props + props_len, sizeof(props) - props_len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 > sizeof(props) - props_len)
		die(E2BIG, "the properties take more than %d bytes", PROPS_MAX);
	props_len += n + 1;	/* and its NUL */
}

static unsigned long number(const char *opt, const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > 0xffffffffUL)
		die(EINVAL, "%s %s: not a number", opt, s);
	return v;
}

/* The kernel's own words on why it refused: new sercam lines of its log. */
static void kernel_says(int kmsg)
{
	char rec[1024];
	ssize_t n;

	if (kmsg < 0)
		return;
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *text;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text || !strstr(text, "sercam"))
			continue;
		text++;
		text[strcspn(text, "\n")] = '\0';
		fprintf(stderr, "%s: kernel: %s\n", prog, text);
	}
}

static const char *attach_hint(int err)
{
	switch (err) {
	case EBUSY:
		return "the tty is attached already (another sercam-attach?)";
	case ENOENT:
		return "no such camera family (no module sercam-<family>)";
	case EINVAL:
		return "a property was refused";
	case ENOTTY:
		return "the line discipline is not sercam's: another module holds N_DEVELOPMENT";
	case EPERM:
		return "attaching needs CAP_SYS_ADMIN";
	case ENODEV:
		return "the port went away";
	default:
		return "attach failed";
	}
}

/* Print the video nodes of the device, one a line: "/dev/videoN NAME". */
static int print_nodes(const char *device)
{
	char dir[256], path[1024], name[64];
	struct dirent **list;
	int n, i, shown = 0;

	snprintf(dir, sizeof(dir), "/sys/bus/platform/devices/%s/video4linux",
		 device);
	n = scandir(dir, &list, NULL, versionsort);
	if (n < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, dir, strerror(errno));
		return 0;
	}
	for (i = 0; i < n; i++) {
		FILE *f;

		if (strncmp(list[i]->d_name, "video", 5))
			goto next;
		snprintf(path, sizeof(path), "%s/%s/name", dir, list[i]->d_name);
		name[0] = '\0';
		f = fopen(path, "r");
		if (f) {
			if (fgets(name, sizeof(name), f))
				name[strcspn(name, "\n")] = '\0';
			fclose(f);
		}
		printf("/dev/%s %s\n", list[i]->d_name, name);
		shown++;
next:
		free(list[i]);
	}
	free(list);
	return shown;
}

static void daemonize(void)
{
	pid_t pid;
	int fd;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die(errno, "fork");
	if (pid > 0) {
		printf("%s: pid %d keeps %s attached; kill it to detach\n",
		       prog, pid, tty_path);
		exit(0);
	}
	setsid();
	/* hold no directory; if / cannot be entered, nothing is lost */
	(void)!chdir("/");
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/*
 * Until a signal (detach, 0) or the port going away (2). poll() hears a
 * hangup at once; the discipline changed by another is noticed within a
 * second.
 */
static int wait_for_end(int fd)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	sigset_t set;
	int sfd, ld;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		die(errno, "signalfd");
	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = sfd;
	p[1].events = POLLIN;
	for (;;) {
		int n = poll(p, 2, 1000);

		if (n < 0 && errno != EINTR)
			die(errno, "poll");
		if (n > 0 && (p[1].revents & POLLIN)) {
			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			return 0;
		}
		if (n > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			fprintf(stderr, "%s: %s went away: the cameras are detached\n",
				prog, tty_path);
			return EXIT_GONE;
		}
		if (ioctl(fd, TIOCGETD, &ld) || ld != N_SERCAM) {
			fprintf(stderr, "%s: %s: %s: the cameras are detached\n",
				prog, tty_path,
				errno == EIO ? "hung up" : "another line discipline was set");
			return EXIT_GONE;
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "family", required_argument, NULL, 'f' },
		{ "speed", required_argument, NULL, 's' },
		{ "max-speed", required_argument, NULL, 'm' },
		{ "address", required_argument, NULL, 'a' },
		{ "bus", required_argument, NULL, 'b' },
		{ "prop", required_argument, NULL, 'p' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct sercam_attach a = { .size = sizeof(a) };
	const char *family = "sxh485", *bus = NULL;
	int c, fd, kmsg, ld, old, ret, have_addr = 0, daemon = 0;
	sigset_t set;

	while ((c = getopt_long(argc, argv, "f:s:m:a:b:p:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			family = optarg;
			break;
		case 's':
			add_prop("current-speed=%lu", number("--speed", optarg));
			break;
		case 'm':
			add_prop("max-speed=%lu", number("--max-speed", optarg));
			break;
		case 'a':
			add_prop("address=%lu", number("--address", optarg));
			have_addr = 1;
			break;
		case 'b':
			bus = optarg;
			break;
		case 'p':
			if (!*optarg)
				die(EINVAL, "--prop needs name=value");
			add_prop("%s", optarg);
			break;
		case 'd':
			daemon = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_ERROR;
	}
	tty_path = argv[optind];
	if (bus && have_addr)
		die(EINVAL, "--address and --bus: one or the other");
	if (bus) {
		char *list = strdup(bus), *tok, *save = NULL;

		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			unsigned long addr = number("--bus", tok);

			add_prop("camera@%lu/reg=%lu", addr, addr);
		}
		free(list);
	}
	if (strlen(family) >= sizeof(a.family))
		die(EINVAL, "--family %s: no such family", family);
	strcpy(a.family, family);
	a.props = (unsigned long)props;
	a.props_len = props_len;

	fd = open(tty_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die(errno, "%s", tty_path);
	if (!isatty(fd))
		die(ENOTTY, "%s is not a tty", tty_path);
	if (ioctl(fd, TIOCGETD, &old))
		die(errno, "%s: TIOCGETD", tty_path);
	ld = N_SERCAM;
	if (old != N_SERCAM && ioctl(fd, TIOCSETD, &ld))
		die(errno, "%s: cannot set sercam's line discipline (%d; is the sercam module there?)",
		    tty_path, N_SERCAM);
	/* the kernel's messages from here on, to show why it refused */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);

	/* signals are read in wait_for_end(); none may kill us half-attached */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (ioctl(fd, SERCAM_IOC_ATTACH, &a)) {
		int err = errno;

		kernel_says(kmsg);
		/* leave another sercam-attach's tty as it was */
		if (err != EBUSY && old != N_SERCAM) {
			ld = N_TTY;
			ioctl(fd, TIOCSETD, &ld);
		}
		die(err, "%s: family %s: %s", tty_path, family,
		    attach_hint(err));
	}
	if (kmsg >= 0)
		close(kmsg);
	if (print_nodes(a.device) != (int)a.num_cams)
		fprintf(stderr, "%s: %u camera(s) attached, not all nodes found\n",
			prog, a.num_cams);
	fflush(stdout);
	if (daemon)
		daemonize();

	ret = wait_for_end(fd);
	if (!ret) {
		/* detach: the nodes go now, not when the last user closes */
		ld = N_TTY;
		if (ioctl(fd, TIOCSETD, &ld) && errno != EIO)
			fprintf(stderr, "%s: %s: TIOCSETD N_TTY: %s\n", prog,
				tty_path, strerror(errno));
		else
			fprintf(stderr, "%s: %s detached\n", prog, tty_path);
	}
	close(fd);
	return ret;
}
