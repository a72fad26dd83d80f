// SPDX-License-Identifier: GPL-2.0
/*
 * camemu process-level tests: run the real binary, talk to it over its
 * sockets (and a pty) with a small test client written here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "crc16.h"
#include "image.h"
#include "omvp.h"
#include "tap.h"
#include "util.h"

static char dir[64];
static const char *camemu_bin;

struct proc {
	pid_t pid;
	int err_fd;		/* its stderr */
	int out_fd;		/* its stdout */
};

static char *path_in(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* Read one line from fd within ms; returns length or -1. */
static int read_line(int fd, char *buf, size_t max, int ms)
{
	size_t n = 0;
	int64_t end = now_ns() + (int64_t)ms * 1000000;

	while (n + 1 < max) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (end - now_ns()) / 1000000;
		char c;

		if (left < 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n') {
			buf[n] = 0;
			return (int)n;
		}
		buf[n++] = c;
	}
	buf[n] = 0;
	return (int)n;
}

/* Start camemu with args (NULL-terminated), wait for "camemu: ready". */
static bool start(struct proc *p, const char *const *args)
{
	const char *argv[40];
	int ep[2], op[2], n = 0;
	char line[256];

	argv[n++] = camemu_bin;
	while (*args && n < 38)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(ep) || pipe(op))
		return false;
	p->pid = fork();
	if (!p->pid) {
		dup2(ep[1], 2);
		dup2(op[1], 1);
		close(ep[0]);
		close(op[0]);
		execv(camemu_bin, (char *const *)argv);
		_exit(127);
	}
	close(ep[1]);
	close(op[1]);
	p->err_fd = ep[0];
	p->out_fd = op[0];
	while (read_line(p->err_fd, line, sizeof(line), 5000) >= 0)
		if (!strcmp(line, "camemu: ready"))
			return true;
	return false;
}

static int stop(struct proc *p)
{
	int st = -1;

	if (p->pid <= 0)
		return -1;
	kill(p->pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid)
			break;
		usleep(10000);
		if (i == 499) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
		}
	}
	close(p->err_fd);
	close(p->out_fd);
	p->pid = 0;
	return st;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send a control line, collect the reply up to the ok/err line. */
static char *ctl_cmd(int fd, const char *line)
{
	static struct sbuf out;
	char buf[4096];
	int n;

	out.len = 0;
	sbuf_add(&out, "", 0);
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		return out.s;
	while ((n = read_line(fd, buf, sizeof(buf), 3000)) >= 0) {
		sbuf_printf(&out, "%s\n", buf);
		if (!strncmp(buf, "ok", 2) || !strncmp(buf, "err", 3))
			break;
	}
	return out.s;
}

static size_t frame(uint8_t *out, uint8_t addr, uint8_t cmd,
		    const uint8_t *p, uint16_t len)
{
	uint16_t crc;

	out[0] = 0x90;
	out[1] = 0xeb;
	out[2] = addr;
	out[3] = cmd;
	out[4] = (uint8_t)len;
	out[5] = (uint8_t)(len >> 8);
	memcpy(out + 6, p, len);
	crc = crc16_xmodem(0, out + 2, 4 + (size_t)len);
	out[6 + len] = (uint8_t)crc;
	out[7 + len] = (uint8_t)(crc >> 8);
	return 8 + (size_t)len;
}

static bool read_n(int fd, uint8_t *buf, size_t n, int ms)
{
	size_t got = 0;
	int64_t end = now_ns() + (int64_t)ms * 1000000;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (end - now_ns()) / 1000000;
		ssize_t r;

		if (left < 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/*
 * One exchange: send a command, read one reply frame (status format).
 * Returns the reply length (0 on timeout/bad frame); *wire counts bytes
 * both ways.
 */
/*
 * Time spent between writing a request and reading the last byte of its
 * reply, summed over exchange() calls: the emulator's share of a capture,
 * without the test client's own turnaround.
 */
static int64_t exchange_ns;

static size_t exchange(int fd, uint8_t addr, uint8_t cmd, const uint8_t *p,
		       uint16_t len, uint8_t *rep, size_t max, size_t *wire,
		       int ms)
{
	uint8_t f[64];
	size_t n = frame(f, addr, cmd, p, len), rlen;
	uint16_t crc;

	int64_t t0 = now_ns();

	if (write(fd, f, n) != (ssize_t)n)
		return 0;
	if (wire)
		*wire += n;
	if (!read_n(fd, rep, 6, ms))
		return 0;
	rlen = (size_t)rep[4] | (size_t)rep[5] << 8;
	if (6 + rlen + 2 > max || !read_n(fd, rep + 6, rlen + 2, ms))
		return 0;
	exchange_ns += now_ns() - t0;
	if (wire)
		*wire += 8 + rlen;
	crc = crc16_xmodem(0, rep + 2, 4 + rlen);
	if (rep[0] != 0x90 || rep[1] != 0xeb || rep[3] != cmd ||
	    rep[6 + rlen] != (uint8_t)crc || rep[7 + rlen] != (uint8_t)(crc >> 8))
		return 0;
	return 8 + rlen;
}

static bool ping_camera(int fd, int ms)
{
	uint8_t rep[64];

	return exchange(fd, 1, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, rep,
			sizeof(rep), NULL, ms) == 11 && rep[6] == 0 &&
	       rep[7] == 0xaa;
}

/* Throw away whatever arrives within ms. */
static void flush_in(int fd, int ms)
{
	uint8_t buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, ms) > 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void test_start_stop(void)
{
	struct proc p;
	const char *args[] = { "--uart", path_in("u.sock"), "--ctl",
			       path_in("c.sock"), NULL };
	struct stat st;
	int a, b, status;
	char *s;

	tap_ok(start(&p, args), "camemu starts and prints 'camemu: ready' on stderr");
	tap_ok(!stat(path_in("u.sock"), &st) && S_ISSOCK(st.st_mode) &&
	       !stat(path_in("c.sock"), &st) && S_ISSOCK(st.st_mode),
	       "the UART and control sockets exist once it is ready");
	a = connect_unix(path_in("c.sock"));
	b = connect_unix(path_in("c.sock"));
	s = ctl_cmd(a, "ping");
	tap_ok(!strcmp(s, "ok pong\n"), "control: ping -> ok pong");
	s = ctl_cmd(b, "status");
	tap_ok(!strncmp(s, "ok addr=1 rate=115200 guest=115200 plugged=1 ", 45),
	       "a second control client gets its own replies");
	s = ctl_cmd(a, "set capture-ms 20\r");
	tap_ok(!strcmp(s, "ok\n"), "control lines may end in \\r\\n");
	s = ctl_cmd(b, "quit");
	tap_ok(!strcmp(s, "ok bye\n") && read_line(b, (char[8]){ 0 }, 8, 1000) < 0,
	       "quit closes that control connection");
	s = ctl_cmd(a, "ping");
	tap_ok(!strcmp(s, "ok pong\n"), "the other control connection stays");
	close(a);
	close(b);
	status = stop(&p);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	       stat(path_in("u.sock"), &st) && stat(path_in("c.sock"), &st),
	       "SIGTERM: clean exit (status 0), socket files removed");
}

/*
 * Whether camemu exits non-zero with each of @bad (after --uart): true
 * when all of them fail, a "#" line for each that does not.
 */
static bool options_fail(const char *const *bad, size_t n)
{
	char cmd[512];
	bool all = true;

	for (size_t i = 0; i < n; i++) {
		int st;

		snprintf(cmd, sizeof(cmd), "%s --uart %s %s 2>/dev/null",
			 camemu_bin, path_in("x.sock"), bad[i]);
		st = system(cmd);
		if (!WIFEXITED(st) || !WEXITSTATUS(st)) {
			tap_diag("'%s' did not fail", bad[i]);
			all = false;
		}
	}
	return all;
}

/*
 * Whether camemu --help mentions each of @doc: true when it does, a "#"
 * line for each it does not. *st (when given) gets its wait status.
 */
static bool help_mentions(const char *const *doc, size_t n, int *st)
{
	char cmd[512], buf[32768];
	bool all = true;
	size_t len;
	FILE *f;
	int ws;

	snprintf(cmd, sizeof(cmd), "%s --help", camemu_bin);
	f = popen(cmd, "r");
	len = fread(buf, 1, sizeof(buf) - 1, f);
	buf[len] = 0;
	ws = pclose(f);
	if (st)
		*st = ws;
	for (size_t i = 0; i < n; i++)
		if (!strstr(buf, doc[i])) {
			tap_diag("--help does not mention %s", doc[i]);
			all = false;
		}
	return all;
}

static void test_help(void)
{
	char cmd[512];
	bool all;
	int st;
	static const char *const opts[] = {
		"--uart", "--pty", "--ctl", "--trace-log", "--camera", "--rate",
		"--capture-ms", "--cmd-ms", "--restable", "--image-dir",
		"--manifest", "--save-frames", "--seed", "--fault", "--verbose",
		"--help", "byteflip", "hugesize", "log [addr=A]", "frames",
		"--family", "--framing", "--start-marker", "--end-marker",
		"--fps", "--res", "--quality", "--restart", "--exif",
		"--paused", "--detail", "junk [N] [LEN]", "badmarker",
		"wait-frames", "stream on|off",
	};

	all = help_mentions(opts, ARRAY_SIZE(opts), &st);
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st) && all,
	       "--help exits 0 and documents every option and the control protocol");
	snprintf(cmd, sizeof(cmd), "%s --uart %s --bogus 2>/dev/null", camemu_bin,
		 path_in("x.sock"));
	st = system(cmd);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) != 0, "an unknown option fails");
	snprintf(cmd, sizeof(cmd), "%s --uart %s --fault 'drop 3' 2>/dev/null",
		 camemu_bin, path_in("x.sock"));
	st = system(cmd);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) != 0, "a bad --fault spec fails");
}

static char *last_line(const char *path)
{
	static char line[512];
	FILE *f = fopen(path, "r");

	line[0] = 0;
	if (!f)
		return line;
	while (fgets(line, sizeof(line), f))
		;
	fclose(f);
	return line;
}

/*
 * One capture as a host program would script it: 640x480, 512-byte packets,
 * 0x30 then 0x31 for each packet. Returns the reassembled image (or NULL),
 * its size, the packet count and the timing figures of the exchanges.
 */
struct scripted {
	uint8_t *img;
	size_t size, got, wire;
	unsigned int npk, ncmd;
	double took, expect;
};

static bool scripted_capture(int fd, struct scripted *sc)
{
	uint8_t rep[4200];
	bool ok;
	size_t r;

	memset(sc, 0, sizeof(*sc));
	exchange_ns = 0;
	r = exchange(fd, 1, 0x34, (const uint8_t[]){ 0x05 }, 1, rep,
		     sizeof(rep), &sc->wire, 2000);
	ok = r == 10 && rep[6] == 0 && rep[7] == 5;
	sc->ncmd++;
	r = exchange(fd, 1, 0x32, (const uint8_t[]){ 0x00, 0x02 }, 2, rep,
		     sizeof(rep), &sc->wire, 2000);
	ok = ok && r == 11 && rep[6] == 0;
	sc->ncmd++;
	r = exchange(fd, 1, 0x30, NULL, 0, rep, sizeof(rep), &sc->wire, 2000);
	sc->ncmd++;
	ok = ok && r == 15 && rep[6] == 0;
	if (ok) {
		sc->size = rep[7] | (size_t)rep[8] << 8 |
			   (size_t)rep[9] << 16 | (size_t)rep[10] << 24;
		sc->npk = rep[11] | (unsigned int)rep[12] << 8;
		sc->img = xmalloc(sc->size);
	}
	for (unsigned int k = 0; ok && k < sc->npk; k++) {
		r = exchange(fd, 1, 0x31,
			     (const uint8_t[]){ (uint8_t)k, (uint8_t)(k >> 8) },
			     2, rep, sizeof(rep), &sc->wire, 2000);
		sc->ncmd++;
		ok = r > 11 && rep[6] == 0 &&
		     (rep[7] | rep[8] << 8) == (int)k &&
		     sc->got + r - 11 <= sc->size;
		if (ok) {
			memcpy(sc->img + sc->got, rep + 9, r - 11);
			sc->got += r - 11;
		}
	}
	sc->took = (double)exchange_ns / 1e9;
	sc->expect = (double)sc->wire * 10.0 / 115200.0 + sc->ncmd * 0.002 +
		     0.150;
	tap_diag("capture of %zu bytes in %u packets: emulator's share %.4f s, wire %zu bytes both ways -> %.4f s + latencies %.4f s = %.4f s (%+.2f%%)",
		 sc->size, sc->npk, sc->took, sc->wire,
		 (double)sc->wire * 10.0 / 115200.0, sc->ncmd * 0.002 + 0.150,
		 sc->expect, (sc->took / sc->expect - 1) * 100);
	return ok && sc->got == sc->size && sc->npk == (sc->size + 511) / 512;
}

/*
 * Run @runs more scripted captures: sets *early if any came sooner than
 * the wire allows, lowers *best (took/expected) and raises *worst.
 */
static bool capture_timing(int fd, int runs, bool *early, double *best,
			   double *worst)
{
	struct scripted sc;

	for (int k = 0; k < runs; k++) {
		if (!scripted_capture(fd, &sc)) {
			free(sc.img);
			return false;
		}
		*early = *early || sc.took < sc.expect - 0.001;
		if (sc.took / sc.expect < *best)
			*best = sc.took / sc.expect;
		if (worst && sc.took / sc.expect > *worst)
			*worst = sc.took / sc.expect;
		free(sc.img);
	}
	return true;
}

static void test_scripted_capture(void)
{
	struct proc p;
	const char *args[] = { "--uart", path_in("u2.sock"), "--ctl",
			       path_in("c2.sock"), "--manifest",
			       path_in("manifest.txt"), "--save-frames", dir,
			       NULL };
	struct scripted sc;
	double best;
	bool early, ok;
	char sha[65], want[256];
	int fd, c;

	if (!tap_ok(start(&p, args), "camemu for the scripted capture starts"))
		return;
	fd = connect_unix(path_in("u2.sock"));
	c = connect_unix(path_in("c2.sock"));
	usleep(20000);
	ok = scripted_capture(fd, &sc);
	tap_ok(ok,
	       "scripted capture over the UART socket: 0x34, 0x32, 0x30, 0x31 x %u, %zu bytes",
	       sc.npk, sc.size);
	if (sc.img)
		sha256_hex(sc.img, sc.got, sha);
	snprintf(want, sizeof(want), "addr=1 res=640x480 comp=2 gray=0 size=%zu sha256=%s\n",
		 sc.size, sc.img ? sha : "");
	tap_ok(sc.img && strstr(last_line(path_in("manifest.txt")), want),
	       "the reassembled JPEG's size and SHA-256 match the manifest");
	{
		char q[64], *s;

		s = ctl_cmd(c, "frame 1");
		snprintf(q, sizeof(q), "ok 1 addr=1 res=640x480 comp=2 gray=0 size=%zu ",
			 sc.size);
		tap_ok(!strncmp(s, q, strlen(q)) && sc.img && strstr(s, sha),
		       "the control channel's 'frame 1' agrees");
	}
	{
		uint8_t *saved;
		size_t n;

		tap_ok(!read_file(path_in("1-1.jpg"), &saved, &n) &&
		       n == sc.size && sc.img && !memcmp(saved, sc.img, n),
		       "--save-frames wrote the same bytes to DIR/1-1.jpg");
		if (n)
			free(saved);
	}
	/*
	 * Timing. Nothing may come early, on any run: load only ever makes
	 * the emulator late. How late is the machine's business (a loaded
	 * host, a niced emulator beside a guest), so the real-time overhead
	 * is printed, here and by "make bench", never asserted; the pacing
	 * itself is checked exactly in virtual time by the unit tests.
	 */
	early = sc.took < sc.expect - 0.001;
	best = sc.took / sc.expect;
	if (capture_timing(fd, 2, &early, &best, NULL))
		tap_diag("real-time overhead of the emulator (a figure, not asserted): best of 3 %+.2f%%",
			 (best - 1) * 100);
	tap_ok(!early,
	       "the capture is not faster than the wire allows (pacing works)");
	free(sc.img);
	close(fd);
	close(c);
	stop(&p);
}

static void test_reconnect(void)
{
	struct proc p;
	const char *args[] = { "--uart", path_in("u3.sock"), "--ctl",
			       path_in("c3.sock"), NULL };
	int a, b;
	char x;

	if (!tap_ok(start(&p, args), "camemu for the reconnect test starts"))
		return;
	a = connect_unix(path_in("u3.sock"));
	tap_ok(ping_camera(a, 2000), "the first UART client is answered");
	b = connect_unix(path_in("u3.sock"));
	usleep(50000);
	tap_ok(read(a, &x, 1) == 0, "a new UART connection replaces the old (old one sees EOF)");
	tap_ok(ping_camera(b, 2000), "the new UART client is answered");
	close(b);
	usleep(50000);
	a = connect_unix(path_in("u3.sock"));
	tap_ok(ping_camera(a, 2000), "camemu keeps listening after the client leaves");
	close(a);
	stop(&p);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	fputs(text, f);
	fclose(f);
}

static void test_trace_log(void)
{
	struct proc p;
	const char *args[] = { "--uart", path_in("u4.sock"), "--ctl",
			       path_in("c4.sock"), "--trace-log",
			       path_in("trace.log"), NULL };
	int fd, c;
	char *s;

	append(path_in("trace.log"), "");
	if (!tap_ok(start(&p, args), "camemu with --trace-log starts"))
		return;
	fd = connect_unix(path_in("u4.sock"));
	c = connect_unix(path_in("c4.sock"));
	s = ctl_cmd(c, "status");
	tap_ok(strstr(s, " guest=0 ") != NULL, "before any trace line the guest rate is unknown (guest=0)");
	tap_ok(!ping_camera(fd, 300), "and the camera does not understand the host");
	flush_in(fd, 100);
	append(path_in("trace.log"),
	       "12345@1700000000.000001:pl011_baudrate_change new baudrate 0 (clk: 0hz, ibrd: 13, fbrd: 1)\n");
	usleep(50000);
	tap_ok(ping_camera(fd, 2000), "after 'ibrd: 13, fbrd: 1' (115246 bit/s) the camera answers");
	s = ctl_cmd(c, "status");
	tap_ok(strstr(s, " guest=115200 ") != NULL, "status shows guest=115200");
	append(path_in("trace.log"),
	       "pl011_baudrate_change new baudrate 0 (clk: 0hz, ibrd: 156, fbrd: 16)\n");
	usleep(50000);
	tap_ok(!ping_camera(fd, 300), "guest switched to 9600 (ibrd 156, fbrd 16), camera at 115200: garbled");
	flush_in(fd, 200);
	s = ctl_cmd(c, "set rate 9600");
	tap_ok(ping_camera(fd, 2000), "after 'set rate 9600' on the camera they agree again");
	s = ctl_cmd(c, "status");
	tap_ok(strstr(s, " rate=9600 guest=9600 ") != NULL, "status shows rate=9600 guest=9600");
	/* QEMU's USB-serial adapter (FTDI): 115200 is 115384 in its divisor */
	append(path_in("trace.log"),
	       "12346@1700000001.000001:usb_serial_set_baud dev 0:1 baud rate 115384\n");
	for (int i = 0; i < 100; i++) {
		s = ctl_cmd(c, "status");
		if (strstr(s, " guest=115200 "))
			break;
		usleep(20000);
	}
	tap_ok(strstr(s, " guest=115200 ") != NULL,
	       "'usb_serial_set_baud ... baud rate 115384': status shows guest=115200");
	tap_ok(!ping_camera(fd, 300), "camera at 9600, the adapter at 115200: garbled");
	close(fd);
	close(c);
	stop(&p);
}

static void test_pty(void)
{
	struct proc p;
	const char *args[] = { "--pty", NULL };
	char path[128];
	struct termios t;
	int fd;

	if (!tap_ok(start(&p, args), "camemu --pty starts"))
		return;
	if (!tap_ok(read_line(p.out_fd, path, sizeof(path), 2000) > 0 &&
		    !strncmp(path, "/dev/pts/", 9),
		    "--pty prints the pty's path on stdout (%s)", path)) {
		stop(&p);
		return;
	}
	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd >= 0 && !tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	tap_ok(fd >= 0 && ping_camera(fd, 2000), "a 0x01 test over the pty is answered");
	if (fd >= 0)
		close(fd);
	stop(&p);
}

static void test_two_cameras(void)
{
	struct proc p;
	const char *args[] = { "--uart", path_in("u5.sock"), "--ctl",
			       path_in("c5.sock"), "--camera", "addr=3",
			       "--camera", "addr=4,rate=57600", "--fault",
			       "badcrc 1 addr=3", NULL };
	uint8_t rep[64];
	int fd, c;
	char *s;

	if (!tap_ok(start(&p, args), "camemu with two --camera starts"))
		return;
	fd = connect_unix(path_in("u5.sock"));
	c = connect_unix(path_in("c5.sock"));
	s = ctl_cmd(c, "status addr=4");
	tap_ok(!strncmp(s, "ok addr=4 rate=57600 ", 21), "camera 4 runs at its own rate");
	tap_ok(!strcmp(ctl_cmd(c, "faults"), "fault badcrc 1 addr=3\nok 1\n"),
	       "--fault from the command line is active");
	tap_ok(exchange(fd, 3, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, rep,
			sizeof(rep), NULL, 500) == 0, "camera 3's first reply has a bad CRC");
	tap_ok(exchange(fd, 3, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, rep,
			sizeof(rep), NULL, 500) == 11 && rep[2] == 3,
	       "camera 3 answers cleanly after that");
	ctl_cmd(c, "set rate 115200 addr=4");
	tap_ok(exchange(fd, 4, 0x01, (const uint8_t[]){ 0x55, 0xaa }, 2, rep,
			sizeof(rep), NULL, 500) == 11 && rep[2] == 4,
	       "camera 4 answers at its address");
	s = ctl_cmd(c, "log");
	tap_ok(strstr(s, "cmd 3 4 01 55aa\nok 3\n") != NULL, "the log has both cameras' commands");
	close(fd);
	close(c);
	stop(&p);
}

/* ---- the stream camera ------------------------------------------------ */

/* What the UART socket delivered, with the time each read returned. */
struct rx {
	uint8_t *d;
	size_t n, cap;
	size_t *end;		/* offset after read k */
	int64_t *t;		/* when read k returned */
	size_t nr, rcap;
};

/* Read until @quiet_ms pass without a byte (at most @max_ms). */
static void rx_until_quiet(int fd, struct rx *r, int quiet_ms, int max_ms)
{
	int64_t end = now_ns() + (int64_t)max_ms * 1000000;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (now_ns() < end && poll(&p, 1, quiet_ms) > 0) {
		ssize_t k;

		if (r->n + 65536 > r->cap) {
			r->cap = r->cap ? 2 * r->cap : 1 << 20;
			r->d = xrealloc(r->d, r->cap);
		}
		k = read(fd, r->d + r->n, 65536);
		if (k <= 0)
			break;
		r->n += (size_t)k;
		if (r->nr == r->rcap) {
			r->rcap = r->rcap ? 2 * r->rcap : 1024;
			r->end = xrealloc(r->end, r->rcap * sizeof(*r->end));
			r->t = xrealloc(r->t, r->rcap * sizeof(*r->t));
		}
		r->end[r->nr] = r->n;
		r->t[r->nr++] = now_ns();
	}
}

/*
 * After "stream off": wait until the camera is quiet (status writing=0),
 * then read every byte it delivered (stats tx_bytes). Load cannot fake
 * the end of the stream this way, as a silence could.
 */
static bool rx_rest(int fd, int c, struct rx *r)
{
	int64_t end = now_ns() + 10 * 1000000000LL;
	size_t tx;
	char *s;

	while (!strstr(ctl_cmd(c, "status"), " writing=0 ")) {
		if (now_ns() > end)
			return false;
		rx_until_quiet(fd, r, 20, 20);
	}
	s = strstr(ctl_cmd(c, "stats"), "stat tx_bytes ");
	tx = s ? strtoul(s + 14, NULL, 10) : 0;
	while (r->n < tx && now_ns() < end)
		rx_until_quiet(fd, r, 100, 100);
	if (r->n != tx)
		tap_diag("read %zu bytes, tx_bytes %zu; %s", r->n, tx,
			 strstr(ctl_cmd(c, "stats"), "stat uart_overrun"));
	return s && r->n == tx;
}

/*
 * Send a control line and wait for its ok/err line while reading the UART
 * into @r, as a host keeps reading its UART (a stream nobody reads
 * overruns, see test_stream_pty).
 */
static char *ctl_cmd_reading(int c, const char *line, int fd, struct rx *r,
			     int ms)
{
	static char buf[4096];
	int64_t end = now_ns() + (int64_t)ms * 1000000;
	size_t n = 0;

	buf[0] = 0;
	if (write(c, line, strlen(line)) < 0 || write(c, "\n", 1) < 0)
		return buf;
	while (now_ns() < end && n + 1 < sizeof(buf)) {
		struct pollfd p = { .fd = c, .events = POLLIN };

		rx_until_quiet(fd, r, 0, 5);
		if (poll(&p, 1, 5) <= 0)
			continue;
		if (read(c, buf + n, 1) != 1)
			break;
		if (buf[n++] == '\n') {
			char *l = buf;

			buf[n] = 0;
			while (strchr(l, '\n') && strchr(l, '\n')[1])
				l = strchr(l, '\n') + 1;
			if (!strncmp(l, "ok", 2) || !strncmp(l, "err", 3))
				break;
		}
	}
	buf[n] = 0;
	return buf;
}

/* When the byte at offset @off was read. */
static int64_t rx_time(const struct rx *r, size_t off)
{
	for (size_t k = 0; k < r->nr; k++)
		if (off < r->end[k])
			return r->t[k];
	return INT64_MAX;
}

static void rx_free(struct rx *r)
{
	free(r->d);
	free(r->end);
	free(r->t);
}

struct mframe {
	unsigned int num, w, h;
	size_t size;
	char sha[65], framing[16], state[16];
	long long t0, t1;
};

/* Parse "frame N ..." lines (or a manifest); returns the count. */
static int parse_frames(const char *text, struct mframe *f, int max)
{
	int n = 0;

	while (text && *text && n < max) {
		if (sscanf(text, "frame %u res=%ux%u size=%zu sha256=%64s framing=%15s state=%15s start_ns=%lld end_ns=%lld",
			   &f[n].num, &f[n].w, &f[n].h, &f[n].size, f[n].sha,
			   f[n].framing, f[n].state, &f[n].t0, &f[n].t1) == 9)
			n++;
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	return n;
}

static char *slurp(const char *path)
{
	uint8_t *d;
	size_t n;

	if (read_file(path, &d, &n))
		return NULL;
	d = xrealloc(d, n + 1);
	d[n] = 0;
	return (char *)d;
}

/*
 * A receiver for the jpeg framing: back-to-back JPEGs, each found by a
 * marker walk. The stream with the Exif thumbnails (an FF D9 inside APP1)
 * and restart markers, over the socket, checked against the manifest,
 * "frames", --save-frames and the clock.
 */
static void test_stream_jpeg(void)
{
	struct proc p;
	char us[256], cs[256], ms[256], fs[256];
	const char *args[] = { "--family", "stream", "--uart", us, "--ctl",
			       cs, "--paused", "--rate", "2000000", "--res",
			       "320x240", "--fps", "50", "--exif", "1",
			       "--restart", "8", "--detail", "2", "--manifest",
			       ms, "--save-frames", fs, NULL };
	static struct mframe lst[64], man[64];
	struct rx r = { 0 };
	int fd, c, nl, nm, nj = 0;
	bool same = true, saved = true, early = false, paced = true;
	int64_t late = 0, late0 = 0;
	size_t pos = 0;
	char *s, *mtext;

	snprintf(us, sizeof(us), "%s", path_in("u6.sock"));
	snprintf(cs, sizeof(cs), "%s", path_in("c6.sock"));
	snprintf(ms, sizeof(ms), "%s", path_in("m6.txt"));
	snprintf(fs, sizeof(fs), "%s", path_in("f6"));
	mkdir(fs, 0700);
	if (!tap_ok(start(&p, args), "camemu --family stream starts"))
		return;
	fd = connect_unix(us);
	c = connect_unix(cs);
	s = ctl_cmd(c, "status");
	tap_ok(!strncmp(s, "ok family=stream rate=2000000 guest=2000000 plugged=1 streaming=0 writing=0 fps=50 res=320x240 framing=jpeg ", 108) &&
	       strstr(s, " detail=2 quality=80 restart=8 exif=1 "),
	       "status: the command line's settings, paused");
	rx_until_quiet(fd, &r, 100, 200);
	tap_ok(r.n == 0, "--paused: nothing on the wire");
	/* read as the frames come, to see when they come */
	ctl_cmd(c, "stream on");
	rx_until_quiet(fd, &r, 600, 600);
	ctl_cmd(c, "stream off");
	tap_ok(rx_rest(fd, c, &r), "stream off: the camera goes quiet (writing=0), every byte it sent read");
	s = ctl_cmd(c, "wait-frames 5 1000");
	tap_ok(!strncmp(s, "ok ", 3) && atoi(s + 3) >= 5,
	       "stream on for 0.6 s, stream off, wait-frames 5 -> %s",
	       strtok(s, "\n"));
	nl = parse_frames(ctl_cmd(c, "frames"), lst, 64);
	while (pos < r.n && nj < nl) {
		long len = test_jpeg_walk(r.d + pos, r.n - pos);
		char sha[65];

		if (len <= 0)
			break;
		sha256_hex(r.d + pos, (size_t)len, sha);
		if (strcmp(sha, lst[nj].sha) || (size_t)len != lst[nj].size ||
		    strcmp(lst[nj].state, "intact") ||
		    strcmp(lst[nj].framing, "jpeg") || lst[nj].w != 320)
			same = false;
		/* nothing early: its last byte cannot arrive before end_ns */
		if (rx_time(&r, pos + (size_t)len - 1) < lst[nj].t1)
			early = true;
		if (rx_time(&r, pos) - lst[nj].t0 > late0)
			late0 = rx_time(&r, pos) - lst[nj].t0;
		if (rx_time(&r, pos + (size_t)len - 1) - lst[nj].t1 > late)
			late = rx_time(&r, pos + (size_t)len - 1) - lst[nj].t1;
		if (lst[nj].t1 - lst[nj].t0 !=
		    (long long)((__int128)lst[nj].size * 10 * 1000000000 /
				2000000))
			paced = false;
		pos += (size_t)len;
		nj++;
	}
	tap_ok(same && nj == nl && nl >= 5 && pos == r.n,
	       "the UART carried %d back-to-back JPEGs (%zu bytes), each found by a marker walk despite the thumbnail's FF D9, SHA-256 as 'frames' lists them",
	       nj, r.n);
	tap_ok(paced, "each frame's end_ns - start_ns is its size at 2000000 bit/s");
	tap_diag("stream over the socket, at worst: a frame's first byte read %.2f ms after its start_ns (the frame is rendered then), its last byte %.2f ms after end_ns",
		 (double)late0 / 1e6, (double)late / 1e6);
	tap_ok(!early, "no frame's last byte arrives before its end_ns (pacing on the real clock)");
	mtext = slurp(ms);
	nm = parse_frames(mtext, man, 64);
	for (int i = 0; i < nl && i < nm; i++)
		if (memcmp(&lst[i], &man[i], sizeof(lst[i])))
			same = false;
	tap_ok(mtext && nm == nl && same,
	       "the manifest holds the same %d lines", nm);
	free(mtext);
	for (int i = 0; i < nl; i++) {
		char name[32], sha[65];
		uint8_t *d;
		size_t n;

		snprintf(name, sizeof(name), "f6/%u.jpg", lst[i].num);
		if (read_file(path_in(name), &d, &n)) {
			saved = false;
			continue;
		}
		sha256_hex(d, n, sha);
		saved = saved && !strcmp(sha, lst[i].sha);
		free(d);
	}
	tap_ok(saved, "--save-frames wrote DIR/<N>.jpg for each");
	s = ctl_cmd(c, "stats");
	tap_ok(strstr(s, "stat frames_intact ") &&
	       atoi(strstr(s, "stat frames_written ") + 20) == nl,
	       "stats: frames_written %d", nl);
	rx_free(&r);
	close(fd);
	close(c);
	stop(&p);
}

/* Find @m (n bytes) in d[from..len); returns its offset or (size_t)-1. */
static size_t find(const uint8_t *d, size_t len, size_t from,
		   const char *m, size_t n)
{
	for (size_t i = from; i + n <= len; i++)
		if (!memcmp(d + i, m, n))
			return i;
	return (size_t)-1;
}

/*
 * A receiver for the markers framing, with faults from the command line
 * and the control socket: junk between frames, damaged end markers,
 * truncated frames. It takes what lies between a start and an end marker
 * with no start marker in between; that must be exactly the intact frames.
 */
static void test_stream_markers(void)
{
	struct proc p;
	const char *args[] = { "--family", "stream", "--uart",
			       path_in("u7.sock"), "--ctl", path_in("c7.sock"),
			       "--paused", "--rate", "2000000", "--res",
			       "160x120", "--fps", "100", "--framing",
			       "markers", "--seed", "3", "--fault", "junk 4",
			       "--fault", "badmarker 2", NULL };
	static const char sm[] = "____start____", em[] = "____end____";
	static struct mframe lst[128];
	static char got[128][65];
	struct rx r = { 0 };
	int fd, c, nl, ng = 0, gi = 0, bad = 0;
	bool same = true, states;
	size_t at;
	char *s;

	if (!tap_ok(start(&p, args), "camemu --family stream --framing markers with faults starts"))
		return;
	fd = connect_unix(path_in("u7.sock"));
	c = connect_unix(path_in("c7.sock"));
	tap_ok(!strcmp(ctl_cmd(c, "fault truncate 2"), "ok\n") &&
	       !strcmp(ctl_cmd(c, "faults"),
		       "fault junk 4\nfault badmarker 2\nfault truncate 2\nok 3\n"),
	       "faults from --fault and the control socket");
	ctl_cmd(c, "stream on");
	s = ctl_cmd_reading(c, "wait-frames 12 5000", fd, &r, 6000);
	tap_ok(!strncmp(s, "ok ", 3), "wait-frames 12 -> %s", strtok(s, "\n"));
	ctl_cmd(c, "stream off");
	rx_until_quiet(fd, &r, 20, 20);
	tap_ok(rx_rest(fd, c, &r), "stream off: quiet, every byte read (%zu)", r.n);
	nl = parse_frames(ctl_cmd(c, "frames"), lst, 128);
	at = find(r.d, r.n, 0, sm, 13);
	while (at != (size_t)-1 && ng < 128) {
		size_t e = find(r.d, r.n, at + 13, em, 11);
		size_t nx = find(r.d, r.n, at + 13, sm, 13);

		if (nx != (size_t)-1 && (e == (size_t)-1 || nx < e)) {
			bad++;		/* cut short: drop it */
			at = nx;
			continue;
		}
		if (e == (size_t)-1)
			break;
		if (test_jpeg_walk(r.d + at + 13, e - at - 13) == (long)(e - at - 13))
			sha256_hex(r.d + at + 13, e - at - 13, got[ng++]);
		else
			bad++;
		at = find(r.d, r.n, e + 11, sm, 13);
	}
	states = nl >= 12 && !strcmp(lst[0].state, "truncated") &&
		 !strcmp(lst[1].state, "truncated") &&
		 !strcmp(lst[2].state, "badmarker") &&
		 !strcmp(lst[3].state, "badmarker");
	for (int i = 0; i < nl; i++) {
		if (strcmp(lst[i].state, "intact"))
			continue;
		if (gi >= ng || strcmp(got[gi], lst[i].sha))
			same = false;
		gi++;
	}
	tap_ok(states, "frames 1, 2 truncated, 3, 4 badmarker (junk before 1..4)");
	tap_ok(same && gi == ng && ng == nl - 4 && bad == 4,
	       "the receiver's frames are exactly the %d intact ones, byte for byte; it dropped the 4 spoiled ones",
	       ng);
	s = ctl_cmd(c, "stats");
	tap_ok(strstr(s, "stat fault_junk 4\n") &&
	       strstr(s, "stat fault_badmarker 2\n") &&
	       strstr(s, "stat fault_truncate 2\n"),
	       "stats count each fault");
	rx_free(&r);
	close(fd);
	close(c);
	stop(&p);
}

/*
 * Over a pty nobody reads: the stream does not pile up in the emulator
 * (bytes beyond the backlog are lost and counted, as an unserviced UART
 * overruns); a reader that opens the pty later finds whole frames again.
 */
static void test_stream_pty(void)
{
	struct proc p;
	char cs[256], path[128], *s;
	const char *args[] = { "--family", "stream", "--pty", "--ctl", cs,
			       "--rate", "2000000", "--res", "160x120",
			       "--fps", "50", NULL };
	static struct mframe lst[256];
	struct termios t;
	struct rx r = { 0 };
	unsigned long long over = 0;
	int fd, c, nl, found = 0;

	snprintf(cs, sizeof(cs), "%s", path_in("c8.sock"));
	if (!tap_ok(start(&p, args), "camemu --family stream --pty starts"))
		return;
	if (read_line(p.out_fd, path, sizeof(path), 2000) <= 0) {
		tap_ok(false, "--pty prints its path");
		stop(&p);
		return;
	}
	c = connect_unix(cs);
	usleep(800000);		/* 160 KB written, nobody reading */
	s = strstr(ctl_cmd(c, "stats"), "stat uart_overrun_bytes ");
	if (s)
		over = strtoull(s + 24, NULL, 10);
	tap_ok(over > 0,
	       "a pty nobody reads: the emulator keeps at most 64 KiB, the rest is lost (uart_overrun_bytes %llu)",
	       over);
	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd >= 0 && !tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	if (fd >= 0)
		rx_until_quiet(fd, &r, 500, 1000);
	nl = parse_frames(ctl_cmd(c, "frames"), lst, 256);
	for (size_t i = 0; i + 1 < r.n; i++) {
		long len;
		char sha[65];

		if (r.d[i] != 0xff || r.d[i + 1] != 0xd8)
			continue;
		len = test_jpeg_walk(r.d + i, r.n - i);
		if (len <= 0)
			continue;
		sha256_hex(r.d + i, (size_t)len, sha);
		for (int k = 0; k < nl; k++)
			if (!strcmp(sha, lst[k].sha) &&
			    !strcmp(lst[k].state, "intact"))
				found++;
		i += (size_t)len - 1;
	}
	tap_ok(found >= 3,
	       "the reader that opens the pty later finds whole frames, as listed (%d)",
	       found);
	rx_free(&r);
	if (fd >= 0)
		close(fd);
	close(c);
	stop(&p);
}

static void test_stream_options(void)
{
	static const char *const bad[] = {
		"--family stream --camera addr=2",
		"--family stream --capture-ms 5",
		"--fps 5",
		"--framing markers",
		"--rate 1000000",
		"--family stream --rate 4000001",
		"--family stream --res 641x480",
		"--family stream --fps 0",
		"--family stream --quality 0",
		"--family stream --exif 2",
		"--family stream --fault badcrc",
		"--family bogus",
		"--detail 5",
	};

	tap_ok(options_fail(bad, ARRAY_SIZE(bad)),
	       "options of the other family and bad stream values fail");
}

/* ---- OV528 cameras --------------------------------------------------- */

static bool ov_put(int fd, uint8_t addr, uint8_t id, uint8_t a, uint8_t b,
		   uint8_t c, uint8_t d)
{
	uint8_t m[6] = { 0xaa, (uint8_t)(addr << 5 | id), a, b, c, d };

	return write(fd, m, 6) == 6;
}

/*
 * One OV528 exchange: a command, then @n reply bytes read within @ms.
 * *late collects how long it took beyond the wire time both ways and
 * @lat_ms of latency (negative: early).
 */
static bool ov_xchg(int fd, uint8_t addr, uint8_t id, uint8_t a, uint8_t b,
		    uint8_t c, uint8_t d, uint8_t *rep, size_t n, int ms,
		    double lat_ms, double *early)
{
	int64_t t0 = now_ns();
	double took, want;

	if (!ov_put(fd, addr, id, a, b, c, d) || !read_n(fd, rep, n, ms))
		return false;
	took = (double)(now_ns() - t0) / 1e6;
	want = (double)(6 + n) * 10 * 1000 / 115200 + lat_ms;
	if (want - took > *early)
		*early = want - took;
	return true;
}

static bool ov_is(const uint8_t *m, uint8_t addr, uint8_t id, int p1)
{
	return m[0] == 0xaa && m[1] == (uint8_t)(addr << 5 | id) &&
	       (p1 < 0 || m[2] == p1);
}

/* SYNC every 10 ms until the camera answers; then ACK its SYNC. */
static int ov_sync(int fd, uint8_t addr)
{
	uint8_t rep[12];

	for (int k = 1; k <= 10; k++) {
		if (!ov_put(fd, addr, 0x0d, 0, 0, 0, 0))
			return 0;
		if (!read_n(fd, rep, 12, 10 + k))
			continue;
		if (!ov_is(rep, addr, 0x0e, 0x0d) || !ov_is(rep + 6, addr, 0x0d, 0))
			return -1;
		ov_put(fd, addr, 0x0e, 0x0d, 0, 0, 0);
		return k;
	}
	return 0;
}

/*
 * Two OV528 cameras on one socket: each synced, camera 1's JPEG fetched
 * package by package, camera 2's RAW picture as one stream, against the
 * manifest, --save-frames, frames and stats; nothing earlier than the
 * wire allows. Then the trace log moves the host to 57600: the cameras
 * keep 115200 and answer nothing it understands.
 */
static void test_ov528_socket(void)
{
	struct proc p;
	char us[256], cs[256], ms[256], fs[256], ts[256];
	const char *args[] = { "--family", "ov528", "--uart", us, "--ctl", cs,
			       "--camera", "addr=1", "--camera", "addr=2",
			       "--manifest", ms, "--save-frames", fs,
			       "--trace-log", ts, "--cmd-ms", "1",
			       "--capture-ms", "20", NULL };
	uint8_t rep[600], *img = NULL, *raw = xmalloc(12 + 19200), *saved;
	size_t size = 0, got = 0, n;
	unsigned int npk = 0;
	double early = -1e9;
	bool ok;
	char sha[65], want[256], *s, *man;
	int fd, c, k1, k2;

	snprintf(us, sizeof(us), "%s", path_in("u7.sock"));
	snprintf(cs, sizeof(cs), "%s", path_in("c7.sock"));
	snprintf(ms, sizeof(ms), "%s", path_in("m7.txt"));
	snprintf(fs, sizeof(fs), "%s", path_in("f7"));
	snprintf(ts, sizeof(ts), "%s", path_in("t7.log"));
	mkdir(fs, 0700);
	append(ts, "pl011_baudrate_change new baudrate 0 (clk: 0hz, ibrd: 13, fbrd: 1)\n");
	if (!tap_ok(start(&p, args), "camemu --family ov528 with two cameras starts"))
		goto out;
	fd = connect_unix(us);
	c = connect_unix(cs);
	s = ctl_cmd(c, "status addr=2");
	tap_ok(!strncmp(s, "ok family=ov528 addr=2 rate=0 guest=115200 plugged=1 synced=0 ", 62),
	       "ov528 status: camera 2 has no rate until synced; the host is at 115200 (trace log)");
	k1 = ov_sync(fd, 1);
	k2 = ov_sync(fd, 2);
	tap_ok(k1 == 3 && k2 == 3,
	       "ov528 over the socket: each camera answers its third SYNC (ACK + SYNC with its address bits)");
	/* camera 1: JPEG 320x240 in 512-byte packages */
	ok = ov_xchg(fd, 1, 0x01, 0, 0x07, 0, 0x05, rep, 6, 1000, 1, &early) &&
	     ov_is(rep, 1, 0x0e, 0x01);
	usleep(100000);
	ok = ok && ov_xchg(fd, 1, 0x06, 0x08, 0x00, 0x02, 0, rep, 6, 1000, 1, &early) &&
	     ov_is(rep, 1, 0x0e, 0x06);
	ok = ok && ov_xchg(fd, 1, 0x05, 0, 0, 0, 0, rep, 6, 1000, 1, &early) &&
	     ov_is(rep, 1, 0x0e, 0x05);
	ok = ok && ov_xchg(fd, 1, 0x04, 0x01, 0, 0, 0, rep, 12, 1000, 1, &early) &&
	     ov_is(rep, 1, 0x0e, 0x04) && ov_is(rep + 6, 1, 0x0a, 0x01);
	if (ok) {
		size = rep[9] | (size_t)rep[10] << 8 | (size_t)rep[11] << 16;
		img = xmalloc(size + 1);
	}
	while (ok && got < size) {
		size_t len = size - got < 506 ? size - got : 506;
		uint8_t sum = 0;

		ok = ov_xchg(fd, 1, 0x0e, 0, 0, (uint8_t)npk,
			     (uint8_t)(npk >> 8), rep, len + 6, 1000, 1, &early);
		for (size_t i = 0; ok && i < len + 4; i++)
			sum = (uint8_t)(sum + rep[i]);
		ok = ok && (rep[0] | rep[1] << 8) == (int)npk &&
		     (size_t)(rep[2] | rep[3] << 8) == len &&
		     rep[len + 4] == sum && rep[len + 5] == 0;
		if (ok)
			memcpy(img + got, rep + 4, len);
		got += len;
		npk++;
	}
	ok = ok && ov_put(fd, 1, 0x0e, 0, 0, 0xf0, 0xf0);
	tap_ok(ok && size > 0 && npk == (size + 505) / 506 &&
	       test_jpeg_walk(img, size) == (long)size,
	       "ov528 over the socket: INITIAL, 100 ms, SET PACKAGE SIZE 512, SNAPSHOT, GET PICTURE, %u packages with good sums, F0 F0: a whole %zu-byte JPEG",
	       npk, size);
	/* camera 2: RAW grey 160x120 */
	ok = ov_xchg(fd, 2, 0x01, 0, 0x03, 0x03, 0, rep, 6, 1000, 1, &early) &&
	     ov_is(rep, 2, 0x0e, 0x01);
	usleep(100000);
	ok = ok && ov_xchg(fd, 2, 0x05, 0x01, 0, 0, 0, rep, 6, 1000, 1, &early);
	usleep(20000);
	ok = ok && ov_xchg(fd, 2, 0x04, 0x01, 0, 0, 0, raw, 12 + 19200, 5000, 1,
			   &early) &&
	     ov_is(raw, 2, 0x0e, 0x04) && ov_is(raw + 6, 2, 0x0a, 0x01) &&
	     (raw[9] | raw[10] << 8 | raw[11] << 16) == 19200;
	ok = ok && ov_put(fd, 2, 0x0e, 0x0a, 0, 0x01, 0);
	tap_ok(ok, "ov528 over the socket: camera 2's RAW 160x120 grey: ACK, DATA 19200, the picture, the host's ACK");
	tap_diag("ov528 over the socket: the exchange nearest to its wire time + cmd-ms came %.3f ms after it",
		 -early);
	tap_ok(early < 0.05, "ov528 over the socket: no reply came sooner than the wire allows");
	usleep(20000);		/* the last ACK's wire time */
	/* what the emulator says it sent */
	man = slurp(ms);
	sha256_hex(img ? img : rep, size, sha);
	snprintf(want, sizeof(want),
		 "frame 1 addr=1 kind=snapshot format=jpeg res=320x240 size=%zu sha256=%s\n",
		 size, sha);
	ok = man && strstr(man, want);
	sha256_hex(raw + 12, 19200, sha);
	snprintf(want, sizeof(want),
		 "frame 1 addr=2 kind=snapshot format=gray8 res=160x120 size=19200 sha256=%s\n",
		 sha);
	tap_ok(ok && strstr(man, want),
	       "ov528 manifest: one line per picture, the SHA-256 of the bytes the host reassembled");
	free(man);
	ok = !read_file(path_in("f7/1-1.jpg"), &saved, &n) && img &&
	     n == size && !memcmp(saved, img, n);
	if (!ok || n)
		free(saved);
	ok = ok && !read_file(path_in("f7/2-1.raw"), &saved, &n) && n == 19200 &&
	     !memcmp(saved, raw + 12, n);
	free(ok ? saved : NULL);
	tap_ok(ok, "ov528 --save-frames: DIR/1-1.jpg and DIR/2-1.raw, the same bytes");
	s = ctl_cmd(c, "frames addr=2");
	tap_ok(!strncmp(s, "frame 1 addr=2 kind=snapshot format=gray8 res=160x120 size=19200 sha256=", 72) &&
	       strstr(s, "\nok 1\n"),
	       "ov528 control: frames addr=2");
	s = ctl_cmd(c, "stats");
	snprintf(want, sizeof(want), "stat packages_sent %u\n", npk);
	tap_ok(strstr(s, "stat syncs 6\n") && strstr(s, "stat syncs_answered 2\n") &&
	       strstr(s, "stat sync_acks 2\n") && strstr(s, want) &&
	       strstr(s, "stat raw_acks 1\n") && strstr(s, "stat transfers_ended 1\n") &&
	       strstr(s, "stat frames 2\n"),
	       "ov528 control: stats count syncs, sync ACKs, packages, RAW ACKs, frames");
	/* the host moves to 57600; the cameras keep 115200 */
	append(ts, "pl011_baudrate_change new baudrate 0 (clk: 0hz, ibrd: 26, fbrd: 3)\n");
	usleep(50000);
	flush_in(fd, 50);
	tap_ok(ov_sync(fd, 1) <= 0 && strstr(ctl_cmd(c, "status addr=1"), " rate=115200 guest=57600 "),
	       "ov528 over the socket: the host at 57600 (trace log) is not understood by a camera locked at 115200");
	close(fd);
	close(c);
	stop(&p);
out:
	free(img);
	free(raw);
}

static void test_ov528_options(void)
{
	static const char *const bad[] = {
		"--family ov528 --restable 01=160x160",
		"--family ov528 --image-dir /tmp",
		"--family ov528 --fps 5",
		"--family ov528 --paused",
		"--syncs 3",
		"--family stream --syncs 3",
		"--family ov528 --camera addr=8",
		"--family ov528 --camera addr=0 --camera addr=1",
		"--family ov528 --camera addr=1,saved-rate=9600",
		"--family ov528 --camera addr=2 --camera addr=2",
		"--family ov528 --preview-type 02",
		"--family ov528 --pkgsize 513",
		"--family ov528 --autobaud 100",
		"--family ov528 --init-early maybe",
		"--family ov528 --fault junk",
		"--family ov528 --fault 'powercycle rate=9600'",
		"--turnaround 30",
		"--family stream --turnaround 30",
		"--family ov528 --turnaround -1",
		"--family ov528 --turnaround 30ms",
	};
	static const char *const doc[] = {
		"--family F           sxh485 (default), stream, ov528, omvp or pixy",
		"--autobaud", "--syncs", "--wake-syncs", "--preview-type",
		"--cbe", "--sleep-cmd", "--sleep-timeout", "--sleep-keeps",
		"--init-gap", "--init-early", "--transfer-nak", "--pkgsize",
		"--rgb565", "--turnaround MS", "turnaround MS: addr=A's",
		"twinflip [N] [0|1]", "droppkg [N]",
		"nak [N] [CODE]", "A NAK CODE is hex", "family=ov528",
		"kind=snapshot|preview",
	};

	tap_ok(options_fail(bad, ARRAY_SIZE(bad)),
	       "ov528: options of the other families, bad addresses and bad values fail");
	tap_ok(help_mentions(doc, ARRAY_SIZE(doc), NULL),
	       "--help documents the OV528 options, faults and control lines");
}

/* ---- the OpenMV Protocol camera ---------------------------------------- */

struct opkt {
	uint8_t h[10];
	uint8_t *p;		/* payload (static buffer) */
	size_t n;
};

/* The next packet that is not an event, CRCs checked; false on timeout. */
static bool opkt_read(int fd, struct opkt *k, int *events)
{
	static uint8_t buf[65536 + 4];

	for (;;) {
		if (!read_n(fd, k->h, 10, 2000) || k->h[0] != 0xaa ||
		    k->h[1] != 0xd5 ||
		    get_le(k->h + 8, 2) != omv_crc16(OMV_CRC16_INIT, k->h, 8))
			return false;
		k->n = get_le(k->h + 6, 2);
		k->p = buf;
		if (k->n && (!read_n(fd, buf, k->n + 4, 2000) ||
			     get_le(buf + k->n, 4) !=
			     omv_crc32(OMV_CRC32_INIT, buf, k->n)))
			return false;
		if (!(k->h[4] & 0x20))
			return true;
		(*events)++;
	}
}

/*
 * A request with seq *seq; ACKs what asks for it, gathers fragments into
 * @data (NULL: dropped). Returns the first packet's flags, -1 on error.
 */
static int omvp_xact(int fd, uint8_t *seq, uint8_t chan, uint8_t op,
		     const uint8_t *p, size_t n, uint8_t *data, size_t *dn,
		     int *events)
{
	uint8_t b[64];
	struct opkt k;
	int flags = -1;

	if (dn)
		*dn = 0;
	n = omvp_pack(b, *seq, chan, 0, op, p, n);
	if (write(fd, b, n) != (ssize_t)n)
		return -1;
	do {
		if (!opkt_read(fd, &k, events))
			return -1;
		if (flags < 0)
			flags = k.h[4];
		*seq = (uint8_t)(k.h[2] + 1);
		if (data && dn) {
			memcpy(data + *dn, k.p, k.n);
			*dn += k.n;
		}
		if (k.h[4] & 0x08) {
			n = omvp_pack(b, k.h[2], k.h[3], 0x01, k.h[5], NULL, 0);
			if (write(fd, b, n) != (ssize_t)n)
				return -1;
		}
	} while (k.h[4] & 0x10);
	return flags;
}

/*
 * A host over the UART socket: SYNC, stream on, then LOCK, SIZE, READ
 * (fragments, each ACKed), UNLOCK for 4 frames; the images against
 * "frame N", the manifest and --save-frames; the counters.
 */
static void test_omvp_socket(void)
{
	struct proc p;
	char us[256], cs[256], ms[256], fs[256];
	const char *args[] = { "--family", "omvp", "--uart", us, "--ctl", cs,
			       "--rate", "4000000", "--poll-ms", "1",
			       "--res", "320x240", "--fps", "30", "--manifest",
			       ms, "--save-frames", fs, NULL };
	static uint8_t img[1 << 20];
	uint8_t seq = 0, q[8], sync[10];
	int fd, c, events = 0, got = 0, fl;
	bool same = true, saved = true, early = false;
	size_t n;
	char *s, *mtext;
	double worst = 0;

	snprintf(us, sizeof(us), "%s", path_in("u9.sock"));
	snprintf(cs, sizeof(cs), "%s", path_in("c9.sock"));
	snprintf(ms, sizeof(ms), "%s", path_in("m9.txt"));
	snprintf(fs, sizeof(fs), "%s", path_in("f9"));
	mkdir(fs, 0700);
	if (!tap_ok(start(&p, args), "camemu --family omvp starts"))
		return;
	fd = connect_unix(us);
	c = connect_unix(cs);
	s = ctl_cmd(c, "status");
	tap_ok(!strncmp(s, "ok family=omvp rate=4000000 guest=4000000 plugged=1 ", 52) &&
	       strstr(s, " poll-ms=1 ") && strstr(s, " res=320x240 "),
	       "status: family omvp, the command line's settings");
	omvp_pack(sync, 0, 0, 0, 0x00, NULL, 0);
	{
		struct opkt k;

		tap_ok(write(fd, sync, 10) == 10 && opkt_read(fd, &k, &events) &&
		       k.h[4] == 0x01 && k.h[2] == 0,
		       "PROTO_SYNC over the socket: ACK at seq 0");
	}
	put_le(q, 0, 4);
	put_le(q + 4, 1, 4);
	fl = omvp_xact(fd, &seq, 3, 0x28, q, 8, NULL, NULL, &events);
	tap_ok(fl == 0x01, "IOCTL STREAM_CTRL 1: ACK");
	while (got < 4) {
		int64_t t0 = now_ns(), t1;
		uint32_t total;
		char line[512], sha[65];
		const char *l;

		while ((fl = omvp_xact(fd, &seq, 3, 0x22, NULL, 0, NULL, NULL,
				       &events)) == 0x02 &&
		       now_ns() - t0 < 3000000000LL)
			usleep(3000);
		if (fl != 0x01)
			break;
		if (omvp_xact(fd, &seq, 3, 0x25, NULL, 0, img, &n, &events) < 0 ||
		    n != 4)
			break;
		total = get_le(img, 4);
		put_le(q, 0, 4);
		put_le(q + 4, total, 4);
		t0 = now_ns();
		if (omvp_xact(fd, &seq, 3, 0x26, q, 8, img, &n, &events) < 0 ||
		    n != total)
			break;
		t1 = now_ns();
		/* request 22 bytes, ceil(total / 4082) packets back, ACKs 10 each */
		{
			size_t k = (total + 4081) / 4082;
			double wt = (double)(22 + total + 14 * k + 10 * (k - 1)) *
				    10 / 4e6 * 1e9;

			if (t1 - t0 < wt)
				early = true;
			if ((t1 - t0) / wt > worst)
				worst = (t1 - t0) / wt;
		}
		sha256_hex(img + get_le(img + 16, 4), get_le(img + 12, 4), sha);
		s = ctl_cmd(c, "frames");
		l = s;
		for (int i = 0; i < got && l; i++) {
			l = strchr(l, '\n');
			l = l ? l + 1 : NULL;
		}
		if (!l || sscanf(l, "frame %*u res=320x240 pixfmt=jpeg size=%*u sha256=%64s", line) != 1 ||
		    strcmp(line, sha))
			same = false;
		if (omvp_xact(fd, &seq, 3, 0x23, NULL, 0, NULL, NULL, &events) != 0x01)
			break;
		got++;
	}
	tap_ok(got == 4 && same,
	       "4 frames locked, read (fragments ACKed) and unlocked; each image's SHA-256 is what 'frames' lists");
	tap_diag("omvp over the socket: a READ took at worst %.2f x its wire time (a figure, not asserted)",
		 worst);
	tap_ok(!early, "no READ completed faster than its bytes' wire time at 4000000 bit/s");
	tap_ok(events >= 4, "CHANNEL_EVENT NOTIFYs came in between (%d)", events);
	mtext = slurp(ms);
	s = ctl_cmd(c, "frames");
	tap_ok(mtext && !strncmp(s, mtext, strlen(mtext)) &&
	       strlen(s) == strlen(mtext) + 5,
	       "the manifest holds the same 4 lines");
	free(mtext);
	for (const char *l = s; l && !strncmp(l, "frame ", 6); l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[64], want[65], sha[65];
		unsigned int num;
		uint8_t *d;

		if (sscanf(l, "frame %u res=%*s pixfmt=%*s size=%*u sha256=%64s",
			   &num, want) != 2) {
			saved = false;
			break;
		}
		snprintf(name, sizeof(name), "f9/%u.jpg", num);
		if (read_file(path_in(name), &d, &n)) {
			saved = false;
			continue;
		}
		sha256_hex(d, n, sha);
		saved = saved && !strcmp(sha, want);
		free(d);
	}
	tap_ok(saved, "--save-frames wrote DIR/<N>.jpg for each");
	s = ctl_cmd(c, "stats");
	tap_ok(strstr(s, "stat frames_handed 4\n") &&
	       strstr(s, "stat hcrc_errors 0\n") &&
	       strstr(s, "stat retransmits 0\n") && strstr(s, "stat syncs 1\n"),
	       "stats: frames_handed 4, no CRC errors, no resends");
	/* a fault from the control socket, seen on the wire */
	tap_ok(!strcmp(ctl_cmd(c, "fault nak 1 4"), "ok\n") &&
	       omvp_xact(fd, &seq, 0, 0x01, NULL, 0, NULL, NULL, &events) == 0x02,
	       "fault nak 1 4 over the control socket: the next request is NAKed");
	close(fd);
	close(c);
	stop(&p);
}

static void test_omvp_options(void)
{
	static const char *const bad[] = {
		"--family omvp --framing markers",
		"--family omvp --camera addr=2",
		"--family omvp --paused",
		"--poll-ms 5",
		"--family stream --caps crc",
		"--family omvp --rate 12000001",
		"--family omvp --max-payload 49",
		"--family omvp --caps crc,foo",
		"--family omvp --raw 3x3",
		"--family omvp --hdr-offset 20",
		"--family omvp --pixformat yuv",
		"--family omvp --pixformat GRAY",
		"--family stream --pixformat gray",
		"--family omvp --fault junk",
		"--family omvp --fault badhcrc addr=1",
		"--family omvp --fault 'nak 1 4 op=13'",
		"--family omvp --fault 'nak op=2g'",
		"--family ov528 --fault 'nak 1 op=02'",
	};
	static const char *const doc[] = {
		"nak [N] [CODE] [op=OP]", "op=02 for SET_CAPS",
		"--pixformat rgb565|gray", "pixformat rgb565|gray,",
	};
	struct proc p;
	char us[256], cs[256];
	const char *args[] = { "--family", "omvp", "--uart", us, "--ctl", cs,
			       "--pixformat", "gray", NULL };
	int c;
	char *s;

	tap_ok(options_fail(bad, ARRAY_SIZE(bad)),
	       "omvp options with another family, other families' options and bad omvp values fail");
	tap_ok(help_mentions(doc, ARRAY_SIZE(doc), NULL),
	       "--help documents nak op=OP, --pixformat and set pixformat");
	snprintf(us, sizeof(us), "%s", path_in("u9.sock"));
	snprintf(cs, sizeof(cs), "%s", path_in("c9.sock"));
	if (!tap_ok(start(&p, args), "camemu --family omvp --pixformat gray starts"))
		return;
	c = connect_unix(cs);
	s = ctl_cmd(c, "status");
	tap_ok(!strncmp(s, "ok family=omvp ", 15) &&
	       strstr(s, " stream-id=3 raw=off pixformat=gray\n"),
	       "--pixformat gray: status ends raw=off pixformat=gray");
	tap_ok(!strcmp(ctl_cmd(c, "set pixformat rgb565"), "ok\n") &&
	       strstr(ctl_cmd(c, "status"), " raw=off pixformat=rgb565\n") &&
	       !strncmp(ctl_cmd(c, "set pixformat yuv"), "err ", 4),
	       "set pixformat rgb565 over the control socket; set pixformat yuv refused");
	close(c);
	stop(&p);
}

/* --family vc0706 and ascii-u over the UART and control sockets */
static void test_uc_socket(void)
{
	struct proc p;
	char us[256], cs[256], ms[256];
	const char *vargs[] = { "--family", "vc0706", "--uart", us, "--ctl", cs,
				"--manifest", ms, "--rate", "115200",
				"--set", "eeprom-size=22", "--set", "boot-ms=20",
				NULL };
	const char *aargs[] = { "--family", "ascii-u", "--uart", us, "--ctl",
				cs, "--manifest", ms, "--rate", "57600", NULL };
	static const uint8_t ver[] = { 0x56, 0x00, 0x11, 0x00 };
	static const uint8_t frz[] = { 0x56, 0x00, 0x36, 0x01, 0x00 };
	static const uint8_t len[] = { 0x56, 0x00, 0x34, 0x01, 0x00 };
	uint8_t rd[16] = { 0x56, 0x00, 0x32, 0x0c, 0x00, 0x0a };
	uint8_t buf[70000], *img;
	char sha[65], want[256], *s;
	uint32_t n, k;
	int fd, c;
	bool ok;

	snprintf(us, sizeof(us), "%s", path_in("u9.sock"));
	snprintf(cs, sizeof(cs), "%s", path_in("c9.sock"));
	snprintf(ms, sizeof(ms), "%s", path_in("m9.txt"));
	if (!tap_ok(start(&p, vargs), "camemu --family vc0706 starts"))
		return;
	fd = connect_unix(us);
	c = connect_unix(cs);
	s = ctl_cmd(c, "status");
	tap_ok(!strncmp(s, "ok family=vc0706 rate=115200 guest=115200 plugged=1 booting=0 ", 62),
	       "vc0706 status over the control socket");
	ok = write(fd, ver, 4) == 4 && read_n(fd, buf, 16, 1000) &&
	     !memcmp(buf, "\x76\x00\x11\x00\x0bVC0703 1.00", 16);
	tap_ok(ok, "vc0706 over the socket: get version");
	/* the EEPROM size applies at the next boot: reset first */
	ctl_cmd(c, "powercycle");
	ok = read_n(fd, buf, 66, 1000) && !memcmp(buf + 56, "Init end\r\n", 10);
	tap_ok(ok, "vc0706 powercycle: the boot text at 115200 (the power-on rate)");
	ok = write(fd, frz, 5) == 5 && read_n(fd, buf, 5, 1000) &&
	     write(fd, len, 5) == 5 && read_n(fd, buf, 9, 1000);
	n = ok ? (uint32_t)buf[5] << 24 | (uint32_t)buf[6] << 16 |
		 (uint32_t)buf[7] << 8 | buf[8] : 0;
	k = (n + 7) / 8 * 8;
	rd[12] = (uint8_t)(k >> 8);
	rd[13] = (uint8_t)k;
	rd[11] = (uint8_t)(k >> 16);
	ok = ok && k < sizeof(buf) - 10 && write(fd, rd, 16) == 16 &&
	     read_n(fd, buf, k + 10, 5000);
	img = buf + 5;
	sha256_hex(img, n, sha);
	snprintf(want, sizeof(want), "ok 1 res=160x120 quality=90 size=%u sha256=%s ",
		 n, sha);
	s = ctl_cmd(c, "frame 1");
	tap_ok(ok && !strncmp(s, want, strlen(want)) && test_jpeg_walk(img, n) == (long)n,
	       "vc0706 over the socket: one read of the whole 160x120 frame, as in the manifest");
	tap_ok(!strcmp(ctl_cmd(c, "motion"), "ok\n") &&
	       !strncmp(ctl_cmd(c, "log"), "cmd 1 t=", 8),
	       "vc0706 control: motion, log");
	close(fd);
	close(c);
	tap_ok(stop(&p) == 0, "vc0706 camemu exits 0");

	if (!tap_ok(start(&p, aargs), "camemu --family ascii-u starts"))
		return;
	fd = connect_unix(us);
	c = connect_unix(cs);
	ok = write(fd, "UG1#", 4) == 4 && read_n(fd, buf, 10, 1000) &&
	     !memcmp(buf, "UG#UP", 5) && buf[9] == '#';
	n = 0;
	if (ok) {
		char hx[5] = { (char)buf[7], (char)buf[8], (char)buf[5],
			       (char)buf[6], 0 };

		n = (uint32_t)strtoul(hx, NULL, 16);
		ok = n > 100 && n < sizeof(buf) && read_n(fd, buf, n, 5000);
	}
	sha256_hex(buf, n - 1, sha);
	snprintf(want, sizeof(want), "ok 1 res=160x120 quality=60 size=%u sha256=%s announced=%u ",
		 n - 1, sha, n);
	s = ctl_cmd(c, "frame 1");
	tap_ok(ok && !strncmp(s, want, strlen(want)),
	       "ascii-u over the socket: UG1# at 57600, UP and the picture as in the manifest");
	close(fd);
	close(c);
	tap_ok(stop(&p) == 0, "ascii-u camemu exits 0");
}

static void test_uc_options(void)
{
	static const char *const bad[] = {
		"--family vc0706 --camera addr=2",
		"--family vc0706 --quality 50",
		"--family ascii-u --framing markers",
		"--family vc0706 --poll-ms 5",
		"--set align=8",
		"--family vc0706 --set align=0",
		"--family vc0706 --set nosuchkey=1",
		"--family ascii-u --set align=8",
		"--family ascii-u --set continuous=2",
		"--family ascii-u --fault badcrc",
		"--family vc0706 --fault stall 5 addr=1",
	};

	tap_ok(options_fail(bad, ARRAY_SIZE(bad)),
	       "vc0706/ascii-u: other families' options and bad values fail");
}

static bool proc_setup(const char *camemu)
{
	camemu_bin = camemu;
	if (!test_mkdtemp(dir, sizeof(dir), "camemu-proc"))
		return false;
	signal(SIGPIPE, SIG_IGN);
	return true;
}

static void proc_cleanup(void)
{
	test_rmtree(dir);
}

/*
 * The benchmark figure (make bench): the emulator's real-time overhead
 * over the wire time of @runs scripted 640x480 captures at 115200, on
 * this machine as loaded as it is now. Returns 0, or 1 when a capture
 * failed or came early.
 */
int proc_bench(const char *camemu, int runs)
{
	const char *args[5] = { "--uart", NULL, "--ctl", NULL, NULL };
	double best = 1e9, worst = 0;
	bool early = false, ok;
	struct proc p;
	int fd;

	if (!proc_setup(camemu))
		return 1;
	args[1] = path_in("ub.sock");	/* in the directory just made */
	args[3] = path_in("cb.sock");
	if (!start(&p, args))
		return 1;
	fd = connect_unix(path_in("ub.sock"));
	usleep(20000);
	ok = capture_timing(fd, runs, &early, &best, &worst);
	if (ok)
		printf("camemu real-time overhead over the wire time, %d scripted 640x480 captures at 115200: best %+.2f%%, worst %+.2f%%%s\n",
		       runs, (best - 1) * 100, (worst - 1) * 100,
		       early ? " (a capture came EARLY: pacing broken)" : "");
	else
		printf("camemu benchmark: a scripted capture failed\n");
	close(fd);
	stop(&p);
	proc_cleanup();
	return ok && !early ? 0 : 1;
}

void proc_tests(const char *camemu)
{
	if (!proc_setup(camemu)) {
		tap_ok(false, "mkdtemp");
		return;
	}
	test_help();
	test_start_stop();
	test_reconnect();
	test_trace_log();
	test_pty();
	test_two_cameras();
	test_scripted_capture();
	test_stream_options();
	test_stream_jpeg();
	test_stream_markers();
	test_stream_pty();
	test_ov528_options();
	test_ov528_socket();
	test_omvp_options();
	test_omvp_socket();
	test_uc_options();
	test_uc_socket();
	proc_cleanup();
}
