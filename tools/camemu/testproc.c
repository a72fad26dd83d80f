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

static void test_help(void)
{
	char cmd[512];
	FILE *f;
	char buf[16384];
	size_t n;
	int st;
	bool all = true;
	static const char *const opts[] = {
		"--uart", "--pty", "--ctl", "--trace-log", "--camera", "--rate",
		"--capture-ms", "--cmd-ms", "--restable", "--image-dir",
		"--manifest", "--save-frames", "--seed", "--fault", "--verbose",
		"--help", "byteflip", "hugesize", "log [addr=A]", "frames",
	};

	snprintf(cmd, sizeof(cmd), "%s --help", camemu_bin);
	f = popen(cmd, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	st = pclose(f);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strstr(buf, opts[i])) {
			tap_diag("--help does not mention %s", opts[i]);
			all = false;
		}
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

static bool proc_setup(const char *camemu)
{
	camemu_bin = camemu;
	snprintf(dir, sizeof(dir), "/tmp/camemu-proc.XXXXXX");
	if (!mkdtemp(dir))
		return false;
	signal(SIGPIPE, SIG_IGN);
	return true;
}

static void proc_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
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
	proc_cleanup();
}
