// SPDX-License-Identifier: GPL-2.0
/*
 * camemu: serial camera emulator (SXH485 cameras, an OpenMV-style JPEG
 * stream camera with --family stream, OV528 cameras with --family ov528,
 * or an OpenMV camera speaking the OpenMV Protocol with --family omvp).
 *
 * The process around the camera models (camera.c, stream.c, ov528.c,
 * omvp.c): the UART socket or pty,
 * control sockets, the QEMU trace log that tells the guest's UART rate,
 * and pacing output bytes to their wire times with an absolute timer.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "camera.h"
#include "control.h"
#include "omvp.h"
#include "pixy.h"
#include "ov528.h"
#include "stream.h"
#include "asciiu.h"
#include "ucam.h"
#include "util.h"
#include "vc0706.h"

#define MAX_CTL		32
#define TRACE_POLL_NS	(20 * 1000000LL)
/*
 * Shortest sleep between two timer wake-ups. Events keep their exact
 * virtual times (nothing is ever sent early, and lateness never adds up);
 * this only batches the writes: at 921600 bit/s a byte is due every 11 us.
 */
#define MIN_SLEEP_NS	200000LL

struct ctl_client {
	int fd;
	struct sbuf in, out;
	bool closing;
	struct ctl_wait wait;	/* a wait-frames not answered yet */
};

struct trace {
	char *path;
	int fd;
	ino_t ino;
	off_t off;
	struct sbuf line;
	int64_t next_poll;
	double clock_hz;
};

static struct bus bus;
static struct trace trace = { .fd = -1, .clock_hz = 24000000.0 };
static struct ctl_client ctl[MAX_CTL];
static int uart_lfd = -1, uart_fd = -1, pty_slave = -1, ctl_lfd = -1;
static bool is_pty;
static struct sbuf uart_out;
static char *uart_path, *ctl_path;

static void usage(FILE *f)
{
	fprintf(f,
"usage: camemu [options]\n"
"Emulates SXH485 serial cameras (several may share one RS-485 wire), or\n"
"with --family stream an OpenMV camera whose script writes JPEG frames to\n"
"its UART unasked, or with --family ov528 OV528 cameras (C328, uCAM, V8),\n"
"or with --family omvp an OpenMV camera on stock firmware answering the\n"
"OpenMV Protocol, or with --family pixy a Pixy (CMUcam5) sending the\n"
"objects it detects.\n"
"\n"
"  --family F           sxh485 (default), stream, ov528, omvp or pixy\n"
"                       (also vc0706 or ascii-u, see below)\n"
"  --uart PATH          listen on a Unix stream socket for the UART (QEMU\n"
"                       connects: -chardev socket,id=cam,path=PATH)\n"
"  --pty                create a pty instead and print its path on stdout\n"
"  --ctl PATH           control socket (line protocol, several clients)\n"
"  --trace-log PATH     QEMU -d trace:pl011_baudrate_change -D log to follow\n"
"                       (or trace:usb_serial_set_baud: a USB-serial adapter)\n"
"                       for the guest's UART rate (without it the guest is\n"
"                       assumed to use the camera's rate)\n"
"  --uart-clock HZ      PL011 reference clock for the trace (24000000)\n"
"  --camera SPEC        addr=A[,rate=R][,saved-rate=R][,images=DIR];\n"
"                       repeatable (default: one camera, addr=1)\n"
"  --rate R             default power-on rate (115200); 300..921600, for\n"
"                       the stream camera its rate, 300..4000000\n"
"  --capture-ms MS      capture latency at 640x480 (150; scaled by pixels)\n"
"  --cmd-ms MS          command latency (2)\n"
"  --restable SPEC      CODE=WxH,... (01=160x160,03=320x240,05=640x480,\n"
"                       07=1280x960)\n"
"  --image-dir DIR      serve DIR/*.jpg (sorted, cycling) instead of\n"
"                       generated images\n"
"  --manifest PATH      append one line per frame:\n"
"                       frame N addr=A res=WxH comp=C gray=G size=S sha256=H\n"
"  --save-frames DIR    write each frame as DIR/<addr>-<frame>.jpg\n"
"  --detail N           texture of generated images, 0..4 (1: the classic\n"
"                       pattern; 640x480 comp 2 is about 10, 18, 30, 48,\n"
"                       80 KB at 0..4)\n"
"  --seed N             seed of the fault PRNG (1)\n"
"  --fault SPEC         as the control command \"fault SPEC\"; repeatable\n"
"  --verbose            log frames to stderr\n"
"  --help               this text\n"
"\n"
"Stream camera (--family stream; each also \"set KEY VALUE\" on the control\n"
"socket, without the dashes):\n"
"  --framing F          jpeg (back to back, default), markers (start marker,\n"
"                       JPEG, end marker) or length (4-byte LE length, JPEG)\n"
"  --start-marker S     (____start____); escapes \\\\ \\n \\r \\t \\s \\xNN\n"
"  --end-marker S       (____end____)\n"
"  --fps F              captures a second (10; 0.001..1000); a slower wire\n"
"                       sends the newest capture when it is free\n"
"  --res WxH            frame size (640x480; even, 16..4096)\n"
"  --quality Q          JPEG quality 1..100 (80)\n"
"  --restart N          restart interval in MCUs (0: none)\n"
"  --exif 0|1           an Exif APP1 with a JPEG thumbnail in every frame (0)\n"
"  --paused             start with the script paused (\"stream on\" starts it)\n"
"  --manifest and --save-frames (DIR/<frame>.jpg) record frames as they went\n"
"  on the wire: frame N res=WxH size=S sha256=H framing=F state=STATE\n"
"  start_ns=T0 end_ns=T1\n"
"\n"
"OV528 cameras (--family ov528; each also \"set KEY VALUE\" on the control\n"
"socket, without the dashes):\n"
"  --camera addr=A[,rate=R]  A 1..7 on a bus, or one camera at 0 (RS-232,\n"
"                       the default); rate: synced at R from the start\n"
"  --rate R             the host's rate while it is not known (no trace log)\n"
"  --capture-ms, --cmd-ms, --detail, --quality Q (JPEG, 80) as above\n"
"  --autobaud R,R,...   rates the auto-baud locks onto (9600,14400,19200,\n"
"                       38400,56000,57600,115200,230400,460800,921600)\n"
"  --syncs N            the Nth SYNC in a row is answered (3)\n"
"  --wake-syncs N       the same after POWER OFF or the sleep timeout (25)\n"
"  --preview-type T     GET PICTURE type of the JPEG preview: 05, 03 or none (05)\n"
"  --cbe 0|1            CBE (0x14) supported, else NAKed (1)\n"
"  --sleep-cmd 0|1      SLEEP TIMEOUT (0x15) supported, else NAKed (1)\n"
"  --sleep-timeout S    power-on sleep timeout, 0..255 s (0: never)\n"
"  --sleep-keeps 0|1    sleep keeps rate, settings and pictures (0: sleep is\n"
"                       a power-off that needs wake-syncs)\n"
"  --init-gap MS        quiet time after INITIAL's ACK (100)\n"
"  --init-early P       a command within it: nak (06), drop or accept (nak)\n"
"  --transfer-nak HEX   NAK code for a command before F0 F0 ends a transfer (80)\n"
"  --pkgsize N          power-on package size, 7..512 (64)\n"
"  --rgb565 be|le       byte order of RAW RGB565 (be)\n"
"  --turnaround MS      RS-485 transceivers that hold the line MS after each\n"
"                       reply: a command starting before that, after any\n"
"                       camera's reply, is lost to all (0: none)\n"
"  --manifest: frame N addr=A kind=snapshot|preview format=F res=WxH size=S\n"
"  sha256=H; --save-frames: DIR/<addr>-<frame>.jpg or .raw\n"
"\n"
"OpenMV Protocol camera (--family omvp; also --rate (921600, up to 12000000),\n"
"--fps, --res (320x240), --quality, --detail, --cmd-ms (0.1); each also\n"
"\"set KEY VALUE\" on the control socket, without the dashes):\n"
"  --poll-ms MS         protocol poll period, requests wait for a tick (10)\n"
"  --publish-ms MS      time a frame takes to enter the slot (2)\n"
"  --lock-ms MS         least time between two granted LOCKs (10)\n"
"  --rtx-ms MS          first resend timeout, doubling (500)\n"
"  --rtx-retries N      resends before the protocol resets (3)\n"
"  --boot-ms MS         deaf time of a cold boot (SYS_RESET, powercycle) (1000)\n"
"  --max-payload N      the board's max payload and the default (4082; 50..32768)\n"
"  --caps LIST          caps after boot and SYNC: crc,seq,ack,events (all) or none\n"
"  --hdr-offset N       frame header size, the header's offset field (32)\n"
"  --stream-id N        channel number of \"stream\" (3)\n"
"  --raw off|WxH        raw preview on at cold boot, at WxH (off)\n"
"  --pixformat rgb565|gray\n"
"                       the script's sensor.set_pixformat (rgb565): raw frames\n"
"                       in it (gray: 1 byte a pixel), gray JPEGs one-component\n"
"  --manifest and --save-frames (DIR/<frame>.jpg, .rgb565 or .gray) record the\n"
"  frames LOCK hands to the host: frame N res=WxH pixfmt=P size=S sha256=H\n"
"  captured_ns=T published_ns=T locked_ns=T\n"
"\n"
"Pixy camera (--family pixy; also --rate (19200, up to 4000000), --fps (50);\n"
"each also \"set KEY VALUE\" on the control socket, without the dashes):\n"
"  --objects N          objects in the scene, 0..32 (6); every 3rd a colour code\n"
"  --scene-seed N       seed of the scene (1); frame n's blocks are a pure\n"
"                       function of (scene-seed, objects, max-blocks, n)\n"
"  --max-blocks N       most blocks sent per frame, 0..32 (32)\n"
"  --zeros N            zero words after an empty frame's sync words (2)\n"
"  --zeros-after W      empty (default) or all: zero words after every frame\n"
"  --manifest: one line per frame, sent or dropped, in frame order:\n"
"  frame N ready_ns=T start_ns=T0 end_ns=T1 state=S blocks=K then K times\n"
"  b=SIG,X,Y,W,H,ANGLE,CC,MARK (wire order; start_ns/end_ns -1: never on the\n"
"  wire; S intact|badsum|byteflip|drop|garbage|slip|unplugged|dropped; MARK\n"
"  ok|badsum|byteflip|drop|garbage|slip|unplugged|unsent)\n"
"VC0706 camera (--family vc0706) and ASCII \"U#\" camera (--family ascii-u):\n"
"  --rate R             power-on rate (vc0706 38400, ascii-u 19200)\n"
"  --cmd-ms, --capture-ms, --detail as above; --quality Q (ascii-u)\n"
"  --set KEY=VALUE      any \"set\" key of the family at start; repeatable\n"
"  --manifest, --save-frames (DIR/<frame>.jpg): frame N res=WxH quality=Q\n"
"  size=S sha256=H [announced=S announced_sha256=H] captured_ns=T\n"
"Faults (vc0706, ascii-u): byteflip P, drop P, garbage P, rxflip P,\n"
"truncate [N], stall MS [N], unplug, plug, reset, powercycle, clear.\n"
"\n"
"Faults (SXH485): byteflip P, drop P, garbage P, rxflip P, truncate [N],\n"
"badcrc [N], status [N] [CODE], stall MS [N], unplug, plug,\n"
"powercycle [ADDR] [rate=R], hugelen [N] [V], hugesize [N] [V],\n"
"wrongaddr [N], dup [N], reorder [N], ebheader 0|1, nostatus 0|1, clear;\n"
"each may take addr=A.\n"
"Faults (stream): byteflip P, drop P, garbage P, junk [N] [LEN],\n"
"truncate [N], hugelen [N] [V], badmarker [N], stall MS [N], unplug, plug,\n"
"clear.\n"
"Faults (OV528): byteflip P, drop P, garbage P, rxflip P, badcrc [N],\n"
"droppkg [N], twinflip [N] [0|1], nak [N] [CODE], reorder [N], dup [N],\n"
"truncate [N], wrongaddr [N], hugesize [N] [V], stall MS [N], unplug, plug,\n"
"powercycle [ADDR], clear; each may take addr=A. A NAK CODE is hex\n"
"(nak 1 80: the V8's NAK 80, \"still in a transfer\").\n"
"Faults (omvp): byteflip P, drop P, garbage P, rxflip P, badhcrc [N],\n"
"baddcrc [N], droppkt [N], truncate [N], dup [N], stall MS [N],\n"
"nak [N] [CODE] [op=OP], overflow [N], unplug, plug, reset [silent],\n"
"powercycle, clear. nak op=OP (hex, e.g. op=02 for SET_CAPS) NAKs only\n"
"requests with that opcode.\n"
"Faults (pixy): byteflip P, drop P, garbage P, rxflip P, badsum [N],\n"
"slip [N] [drop|insert], stall MS [N], unplug, plug, clear.\n"
"\n"
"Control protocol (one line each, replies end with 'ok...' or 'err ...'):\n"
"%s"
"\n"
"Control protocol of the stream camera:\n"
"%s"
"\n"
"Control protocol of the OV528 cameras:\n"
"%s"
"\n"
"Control protocol of the omvp camera:\n"
"%s"
"\n"
"Control protocol of the pixy camera:\n"
"%s"
"\n"
"Control protocol of the vc0706 camera:\n"
"%s"
"\n"
"Control protocol of the ascii-u camera:\n"
"%s", ctl_help, ctl_help_stream, ctl_help_ov528, ctl_help_omvp,
	ctl_help_pixy, vc0706_help, asciiu_help);
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("camemu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die("%s: path too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 8))
		die("%s: %s", path, strerror(errno));
	set_nonblock(fd);
	return fd;
}

static uint32_t parse_rate_max(const char *s, unsigned long max)
{
	char *end;
	unsigned long r = strtoul(s, &end, 10);

	if (*end || end == s || r < 300 || r > max)
		die("bad rate '%s' (300..%lu)", s, max);
	return (uint32_t)r;
}

static uint32_t parse_rate(const char *s)
{
	return parse_rate_max(s, MAX_RATE);
}

static double opt_ms(const char *s)
{
	double d;

	if (parse_ms(s, &d))
		die("bad milliseconds '%s'", s);
	return d;
}

static int parse_detail(const char *s)
{
	char *end;
	long d = strtol(s, &end, 10);

	if (*end || end == s || d < 0 || d > DETAIL_MAX)
		die("bad detail '%s' (0..%d)", s, DETAIL_MAX);
	return (int)d;
}

/* ---- trace log -------------------------------------------------------- */

static const uint32_t std_rates[] = { 1200, 2400, 4800, 9600, 19200, 38400,
				      57600, 115200, 230400, 460800, 921600 };

/*
 * PL011: rate = clk / (16 * (ibrd + fbrd / 64)). A 24 MHz clock cannot
 * make 115200 exactly, so a rate within 2% of a standard one is taken as
 * that one.
 */
static uint32_t std_rate(double r)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_rates); i++)
		if (r > std_rates[i] * 0.98 && r < std_rates[i] * 1.02)
			return std_rates[i];
	return r >= 1 && r < 1e8 ? (uint32_t)(r + 0.5) : 0;
}

static uint32_t pl011_rate(unsigned long ibrd, unsigned long fbrd)
{
	double div = 16.0 * ((double)ibrd + (double)fbrd / 64.0);

	if (div <= 0)
		return 0;
	return std_rate(trace.clock_hz / div);
}

/*
 * The PL011's "ibrd: N, fbrd: M", or QEMU's USB-serial adapter (an FTDI
 * FT232: -d trace:usb_serial_set_baud) "usb_serial_set_baud dev B:A baud
 * rate R", R from the FTDI's divisor (115200 is 115384 there).
 */
static void trace_line(const char *l)
{
	const char *p = strstr(l, "ibrd: ");
	unsigned long ibrd, fbrd, baud;
	uint32_t r;

	if (strstr(l, "usb_serial_set_baud") && (p = strstr(l, "baud rate ")) &&
	    sscanf(p, "baud rate %lu", &baud) == 1) {
		r = std_rate((double)baud);
		if (bus.verbose)
			fprintf(stderr, "camemu: guest USB-serial rate %u (%lu)\n",
				r, baud);
		goto set;
	}
	if (!p || sscanf(p, "ibrd: %lu, fbrd: %lu", &ibrd, &fbrd) != 2)
		return;
	r = pl011_rate(ibrd, fbrd);
	if (bus.verbose)
		fprintf(stderr, "camemu: guest UART rate %u (ibrd %lu fbrd %lu)\n",
			r, ibrd, fbrd);
set:
	if (r)
		bus_set_guest(&bus, GUEST_KNOWN, r);
	else
		bus_set_guest(&bus, GUEST_UNKNOWN, 0);
}

static void trace_poll(void)
{
	struct stat st;
	char buf[4096];
	ssize_t n;

	if (!trace.path)
		return;
	trace.next_poll = now_ns() + TRACE_POLL_NS;
	if (stat(trace.path, &st))
		return;
	if (trace.fd >= 0 &&
	    (st.st_ino != trace.ino || st.st_size < trace.off)) {
		/* a new QEMU run truncated or replaced the log */
		close(trace.fd);
		trace.fd = -1;
		bus_set_guest(&bus, GUEST_UNKNOWN, 0);
	}
	if (trace.fd < 0) {
		trace.fd = open(trace.path, O_RDONLY | O_CLOEXEC);
		if (trace.fd < 0)
			return;
		trace.ino = st.st_ino;
		trace.off = 0;
		trace.line.len = 0;
	}
	while ((n = pread(trace.fd, buf, sizeof(buf), trace.off)) > 0) {
		trace.off += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				sbuf_add(&trace.line, "", 1);
				trace_line(trace.line.s);
				trace.line.len = 0;
			} else if (trace.line.len < 4096) {
				sbuf_add(&trace.line, &buf[i], 1);
			}
		}
	}
}

/* ---- UART side -------------------------------------------------------- */

static void uart_close(void)
{
	if (uart_fd >= 0 && !is_pty)
		close(uart_fd);
	if (!is_pty)
		uart_fd = -1;
	uart_out.len = 0;
}

static void uart_flush(void)
{
	if (uart_fd < 0) {
		uart_out.len = 0;
		return;
	}
	while (uart_out.len) {
		ssize_t n = write(uart_fd, uart_out.s, uart_out.len);

		if (n > 0) {
			sbuf_consume(&uart_out, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (!is_pty)
			uart_close();
		uart_out.len = 0;
		return;
	}
}

/*
 * The stream camera never stops: when the UART client does not keep up
 * (a pty nobody reads, QEMU's PL011 slower than the wire), at most this
 * much waits here beyond what the socket holds, and later bytes are lost
 * and counted, as an unserviced UART overruns. (SXH485 replies are
 * bounded by the commands: they always wait.)
 */
#define STREAM_BACKLOG	(64 * 1024)

static void take_output(void)
{
	if (bus.out_bytes.n) {
		size_t n = bus.out_bytes.n;

		uart_flush();
		if (uart_fd >= 0 && (bus.stream || bus.pixy) &&
		    uart_out.len + n > STREAM_BACKLOG) {
			size_t keep = uart_out.len < STREAM_BACKLOG ?
				      STREAM_BACKLOG - uart_out.len : 0;

			if (bus.verbose && !bus.uart_overrun)
				fprintf(stderr, "camemu: the UART client does not keep up: bytes lost\n");
			bus.uart_overrun += n - keep;
			n = keep;
		}
		if (uart_fd >= 0)
			sbuf_add(&uart_out, bus.out_bytes.d, n);
		bus_out_clear(&bus);
	}
	uart_flush();
}

static void flush_cb(struct bus *b)
{
	(void)b;
	take_output();
}

static void uart_read(void)
{
	uint8_t buf[4096];
	ssize_t n;

	for (;;) {
		int64_t t;

		n = read(uart_fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		/* QEMU logs a rate change before the bytes that follow it */
		trace_poll();
		t = now_ns();
		bus_advance(&bus, t);
		bus_rx(&bus, t, buf, (size_t)n);
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR &&
		       errno != EIO)) {
		if (bus.verbose)
			fprintf(stderr, "camemu: UART client went away\n");
		uart_close();
	}
}

static void uart_accept(void)
{
	int fd = accept(uart_lfd, NULL, NULL);

	if (fd < 0)
		return;
	if (uart_fd >= 0) {
		if (bus.verbose)
			fprintf(stderr, "camemu: new UART client replaces the old\n");
		uart_close();
	}
	set_nonblock(fd);
	uart_fd = fd;
	/*
	 * A new connection may be a new QEMU, which truncated the trace log
	 * and starts with an unprogrammed UART: read the log again from the
	 * top (its last rate line wins either way).
	 */
	if (trace.path) {
		if (trace.fd >= 0)
			close(trace.fd);
		trace.fd = -1;
		bus_set_guest(&bus, GUEST_UNKNOWN, 0);
		trace_poll();
	}
}

static void make_pty(void)
{
	struct termios tio;
	const char *name;
	int fd = posix_openpt(O_RDWR | O_NOCTTY);

	if (fd < 0 || grantpt(fd) || unlockpt(fd) || !(name = ptsname(fd)))
		die("pty: %s", strerror(errno));
	/* keep the slave open so the master never sees a hangup */
	pty_slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty_slave < 0)
		die("%s: %s", name, strerror(errno));
	if (!tcgetattr(pty_slave, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(pty_slave, TCSANOW, &tio);
	}
	set_nonblock(fd);
	uart_fd = fd;
	is_pty = true;
	printf("%s\n", name);
	fflush(stdout);
}

/* ---- control side ----------------------------------------------------- */

static void ctl_drop(struct ctl_client *cc)
{
	close(cc->fd);
	sbuf_free(&cc->in);
	sbuf_free(&cc->out);
	cc->fd = -1;
}

static void ctl_flush(struct ctl_client *cc)
{
	while (cc->out.len) {
		ssize_t n = write(cc->fd, cc->out.s, cc->out.len);

		if (n > 0) {
			sbuf_consume(&cc->out, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		ctl_drop(cc);
		return;
	}
	if (cc->closing)
		ctl_drop(cc);
}

/*
 * Run the client's complete lines, in order; a wait-frames that cannot be
 * answered yet holds back the lines after it until it is.
 */
static void ctl_process(struct ctl_client *cc)
{
	char *nl;

	while (!cc->closing && !cc->wait.on &&
	       (nl = memchr(cc->in.s, '\n', cc->in.len))) {
		int r;

		*nl = 0;
		bus_advance(&bus, now_ns());
		take_output();
		r = ctl_exec_wait(&bus, cc->in.s, &cc->out, &cc->wait);
		if (r == 1)
			cc->closing = true;
		sbuf_consume(&cc->in, (size_t)(nl - cc->in.s) + 1);
	}
	if (!cc->wait.on && cc->in.len > 65536) {
		cc->in.len = 0;
		sbuf_printf(&cc->out, "err line too long\n");
	}
	ctl_flush(cc);
}

static void ctl_read(struct ctl_client *cc)
{
	char buf[4096];
	ssize_t n = read(cc->fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		ctl_drop(cc);
		return;
	}
	if (n < 0)
		return;
	sbuf_add(&cc->in, buf, (size_t)n);
	ctl_process(cc);
}

/* Answer the wait-frames that can be; returns the next deadline. */
static int64_t ctl_waits(void)
{
	int64_t next = T_NEVER;

	for (int i = 0; i < MAX_CTL; i++) {
		struct ctl_client *cc = &ctl[i];

		if (cc->fd < 0 || !cc->wait.on)
			continue;
		if (ctl_wait_poll(&bus, &cc->wait, bus.now, &cc->out))
			ctl_process(cc);
		else if (cc->wait.deadline < next)
			next = cc->wait.deadline;
	}
	return next;
}

static void ctl_accept(void)
{
	int fd = accept(ctl_lfd, NULL, NULL);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CTL; i++) {
		if (ctl[i].fd < 0) {
			set_nonblock(fd);
			memset(&ctl[i], 0, sizeof(ctl[i]));
			ctl[i].fd = fd;
			return;
		}
	}
	close(fd);
}

/* ---- main ------------------------------------------------------------- */

struct cam_spec {
	unsigned int addr;
	uint32_t rate, saved;
	char *images;
};

/* @ov: an OV528 camera (addresses 0..7, no saved rate or images). */
static void parse_camera(const char *arg, struct cam_spec *cs, bool ov)
{
	char *copy = xstrdup(arg), *save = NULL, *tok;

	memset(cs, 0, sizeof(*cs));
	cs->addr = ov ? 0 : 1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "addr=", 5)) {
			char *end;
			unsigned long a = strtoul(tok + 5, &end, 0);

			if (ov && (*end || end == tok + 5 || a > OV_MAX_ADDR))
				die("bad camera address in '%s' (0..%d)", arg,
				    OV_MAX_ADDR);
			if (!ov && (*end || !a || a > 254))
				die("bad camera address in '%s' (1..254)", arg);
			cs->addr = (unsigned int)a;
		} else if (!strncmp(tok, "rate=", 5)) {
			cs->rate = parse_rate(tok + 5);
		} else if (ov) {
			die("bad --camera item '%s' (an OV528 camera takes addr= and rate=)",
			    tok);
		} else if (!strncmp(tok, "saved-rate=", 11)) {
			cs->saved = parse_rate(tok + 11);
		} else if (!strncmp(tok, "images=", 7)) {
			cs->images = xstrdup(tok + 7);
		} else {
			die("bad --camera item '%s'", tok);
		}
	}
	free(copy);
}

/* --family stream: the stream camera with its options (sopt[] in the order of --framing .. --exif) */
static void setup_stream(const char *const *sopt, const char *rate,
			 bool paused)
{
	struct stream *s = stream_new(bus.now);
	unsigned long v;
	char *end;

	bus.stream = s;
	if (rate)
		s->rate = s->run_rate = parse_rate_max(rate, STREAM_MAX_RATE);
	if (sopt[0] && stream_parse_framing(sopt[0], &s->framing))
		die("bad --framing '%s' (jpeg, markers or length)", sopt[0]);
	if (sopt[1] && stream_parse_marker(sopt[1], s->smark, &s->slen))
		die("bad --start-marker '%s' (1..%d bytes)", sopt[1], MARKER_MAX);
	if (sopt[2] && stream_parse_marker(sopt[2], s->emark, &s->elen))
		die("bad --end-marker '%s' (1..%d bytes)", sopt[2], MARKER_MAX);
	if (sopt[3] && stream_parse_fps(sopt[3], &s->fps))
		die("bad --fps '%s' (%g..%g)", sopt[3], FPS_MIN, FPS_MAX);
	if (sopt[4] && stream_parse_res(sopt[4], &s->w, &s->h))
		die("bad --res '%s' (WxH, even, %d..%d)", sopt[4],
		    STREAM_MIN_RES, STREAM_MAX_RES);
	if (sopt[5]) {
		v = strtoul(sopt[5], &end, 10);
		if (*end || end == sopt[5] || v < 1 || v > 100)
			die("bad --quality '%s' (1..100)", sopt[5]);
		s->quality = (int)v;
	}
	if (sopt[6]) {
		v = strtoul(sopt[6], &end, 10);
		if (*end || end == sopt[6] || v > 65535)
			die("bad --restart '%s' (0..65535 MCUs)", sopt[6]);
		s->restart = (unsigned int)v;
	}
	if (sopt[7]) {
		if (strcmp(sopt[7], "0") && strcmp(sopt[7], "1"))
			die("bad --exif '%s' (0 or 1)", sopt[7]);
		s->exif = sopt[7][0] == '1';
	}
	s->detail = bus.detail;
	s->streaming = !paused;
}

/* --family ov528: the OV528 options, as "set" keys */
#define OV_OPT0 2000
static const char *const ov_keys[] = {
	"autobaud", "syncs", "wake-syncs", "preview-type", "cbe", "sleep-cmd",
	"sleep-keeps", "sleep-timeout", "init-gap", "init-early",
	"transfer-nak", "pkgsize", "rgb565", "turnaround",
};

static void setup_ov528(const char *const *ov_val, const char *quality,
			const char *rate)
{
	char err[160];

	bus.ov = ov528_new();
	for (size_t i = 0; i < ARRAY_SIZE(ov_keys); i++)
		if (ov_val[i] && ov528_set(&bus, NULL, false, ov_keys[i],
					   ov_val[i], err, sizeof(err)))
			die("bad --%s '%s': %s", ov_keys[i], ov_val[i], err);
	if (quality && ov528_set(&bus, NULL, false, "quality", quality, err,
				 sizeof(err)))
		die("bad --quality '%s': %s", quality, err);
	if (rate)
		bus.def_rate = parse_rate(rate);
}

/* --family omvp: its own options, and the shared ones, as "set" keys */
#define OMVP_OPT0 3000
static const char *const omvp_keys[] = {
	"poll-ms", "publish-ms", "lock-ms", "rtx-ms", "rtx-retries", "boot-ms",
	"max-payload", "caps", "hdr-offset", "stream-id", "raw", "pixformat",
	/* shared */
	"rate", "fps", "res", "quality", "cmd-ms",
};
#define OMVP_OWN 12

static void setup_omvp(const char **omvp_val)
{
	char err[160];

	bus.omvp = omvp_new(bus.now);
	bus.omvp->detail = bus.detail;
	for (size_t i = 0; i < ARRAY_SIZE(omvp_keys); i++)
		if (omvp_val[i] && omvp_set(&bus, omvp_keys[i], omvp_val[i],
					    err, sizeof(err)))
			die("bad --%s '%s': %s", omvp_keys[i], omvp_val[i],
			    err);
	omvp_start(bus.omvp, bus.now);
}

/* --family pixy: its own options, and the shared ones, as "set" keys */
#define PIXY_OPT0 5000
static const char *const pixy_keys[] = {
	"objects", "scene-seed", "max-blocks", "zeros", "zeros-after",
	/* shared */
	"rate", "fps",
};
#define PIXY_OWN 5

static void setup_pixy(const char **pixy_val)
{
	char err[160];

	bus.pixy = pixy_new(bus.now);
	for (size_t i = 0; i < ARRAY_SIZE(pixy_keys); i++)
		if (pixy_val[i] && pixy_set(&bus, pixy_keys[i], pixy_val[i],
					    err, sizeof(err)))
			die("bad --%s '%s': %s", pixy_keys[i], pixy_val[i],
			    err);
	bus.pixy->run_rate = bus.pixy->rate;
}

/* --family vc0706 / ascii-u: the shared options, then --set KEY=VALUE */
static void setup_uc(const char *family, const char *rate,
		     const char *cmd_ms, const char *capture_ms,
		     const char *quality, const char *const *sets, int nsets)
{
	char err[160], *kv;

	if (family[0] == 'v')
		vc0706_setup(&bus, bus.now);
	else
		asciiu_setup(&bus, bus.now);
	if (rate && (ucam_set(&bus, "poweron-rate", rate, err, sizeof(err)) ||
		     ucam_set(&bus, "rate", rate, err, sizeof(err))))
		die("bad --rate '%s': %s", rate, err);
	if (cmd_ms && ucam_set(&bus, "cmd-ms", cmd_ms, err, sizeof(err)))
		die("bad --cmd-ms '%s': %s", cmd_ms, err);
	if (capture_ms && ucam_set(&bus, "capture-ms", capture_ms, err,
				   sizeof(err)))
		die("bad --capture-ms '%s': %s", capture_ms, err);
	if (quality && ucam_set(&bus, "quality", quality, err, sizeof(err)))
		die("bad --quality '%s': %s", quality, err);
	for (int i = 0; i < nsets; i++) {
		char *eq;

		kv = xstrdup(sets[i]);
		eq = strchr(kv, '=');
		if (!eq)
			die("--set '%s': KEY=VALUE", sets[i]);
		*eq = 0;
		if (ucam_set(&bus, kv, eq + 1, err, sizeof(err)))
			die("--set '%s': %s", sets[i], err);
		free(kv);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uart", required_argument, NULL, 'u' },
		{ "pty", no_argument, NULL, 'p' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "trace-log", required_argument, NULL, 't' },
		{ "uart-clock", required_argument, NULL, 'K' },
		{ "camera", required_argument, NULL, 'C' },
		{ "rate", required_argument, NULL, 'r' },
		{ "capture-ms", required_argument, NULL, 'L' },
		{ "cmd-ms", required_argument, NULL, 'l' },
		{ "restable", required_argument, NULL, 'R' },
		{ "image-dir", required_argument, NULL, 'i' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "save-frames", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "fault", required_argument, NULL, 'f' },
		{ "detail", required_argument, NULL, 'D' },
		{ "family", required_argument, NULL, 'Y' },
		{ "framing", required_argument, NULL, 1000 },
		{ "start-marker", required_argument, NULL, 1001 },
		{ "end-marker", required_argument, NULL, 1002 },
		{ "fps", required_argument, NULL, 1003 },
		{ "res", required_argument, NULL, 1004 },
		{ "quality", required_argument, NULL, 1005 },
		{ "restart", required_argument, NULL, 1006 },
		{ "exif", required_argument, NULL, 1007 },
		{ "paused", no_argument, NULL, 1008 },
		{ "poll-ms", required_argument, NULL, OMVP_OPT0 + 0 },
		{ "publish-ms", required_argument, NULL, OMVP_OPT0 + 1 },
		{ "lock-ms", required_argument, NULL, OMVP_OPT0 + 2 },
		{ "rtx-ms", required_argument, NULL, OMVP_OPT0 + 3 },
		{ "rtx-retries", required_argument, NULL, OMVP_OPT0 + 4 },
		{ "boot-ms", required_argument, NULL, OMVP_OPT0 + 5 },
		{ "max-payload", required_argument, NULL, OMVP_OPT0 + 6 },
		{ "caps", required_argument, NULL, OMVP_OPT0 + 7 },
		{ "hdr-offset", required_argument, NULL, OMVP_OPT0 + 8 },
		{ "stream-id", required_argument, NULL, OMVP_OPT0 + 9 },
		{ "raw", required_argument, NULL, OMVP_OPT0 + 10 },
		{ "pixformat", required_argument, NULL, OMVP_OPT0 + 11 },
		{ "objects", required_argument, NULL, PIXY_OPT0 + 0 },
		{ "scene-seed", required_argument, NULL, PIXY_OPT0 + 1 },
		{ "max-blocks", required_argument, NULL, PIXY_OPT0 + 2 },
		{ "zeros", required_argument, NULL, PIXY_OPT0 + 3 },
		{ "zeros-after", required_argument, NULL, PIXY_OPT0 + 4 },
		{ "autobaud", required_argument, NULL, OV_OPT0 + 0 },
		{ "syncs", required_argument, NULL, OV_OPT0 + 1 },
		{ "wake-syncs", required_argument, NULL, OV_OPT0 + 2 },
		{ "preview-type", required_argument, NULL, OV_OPT0 + 3 },
		{ "cbe", required_argument, NULL, OV_OPT0 + 4 },
		{ "sleep-cmd", required_argument, NULL, OV_OPT0 + 5 },
		{ "sleep-keeps", required_argument, NULL, OV_OPT0 + 6 },
		{ "sleep-timeout", required_argument, NULL, OV_OPT0 + 7 },
		{ "init-gap", required_argument, NULL, OV_OPT0 + 8 },
		{ "init-early", required_argument, NULL, OV_OPT0 + 9 },
		{ "transfer-nak", required_argument, NULL, OV_OPT0 + 10 },
		{ "pkgsize", required_argument, NULL, OV_OPT0 + 11 },
		{ "rgb565", required_argument, NULL, OV_OPT0 + 12 },
		{ "turnaround", required_argument, NULL, OV_OPT0 + 13 },
		{ "set", required_argument, NULL, 4000 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cam_spec cams[MAX_CAMS];
	char *faults[64], err[160];
	const char *sopt[8] = { NULL }, *rate_arg = NULL, *sxh_opt = NULL;
	const char *stream_opt = NULL, *sxh_only = NULL, *stream_only = NULL;
	const char *stream_only_omvp = NULL, *cmd_ms = NULL;
	const char *cam_args[MAX_CAMS], *ov_val[ARRAY_SIZE(ov_keys)] = { NULL };
	const char *ov_opt = NULL, *omvp_opt = NULL;
	const char *omvp_val[ARRAY_SIZE(omvp_keys)] = { NULL };
	const char *pixy_val[ARRAY_SIZE(pixy_keys)] = { NULL }, *pixy_opt = NULL;
	bool family_pixy = false;
	int ncams = 0, nfaults = 0, opt, sfd, tfd;
	bool want_pty = false, family_stream = false, paused = false;
	bool family_ov = false, family_omvp = false;
	const char *family_uc = NULL, *uc_set[32], *capture_ms = NULL;
	int nuc_set = 0;
	sigset_t mask;
	struct sigaction sa = { .sa_handler = SIG_IGN };

	bus_init(&bus, now_ns());
	bus.flush = flush_cb;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			uart_path = optarg;
			break;
		case 'p':
			want_pty = true;
			break;
		case 'c':
			ctl_path = optarg;
			break;
		case 't':
			trace.path = optarg;
			break;
		case 'K':
			trace.clock_hz = strtod(optarg, NULL);
			if (!(trace.clock_hz > 0))
				die("bad --uart-clock");
			break;
		case 'C':
			if (ncams == MAX_CAMS)
				die("at most %d cameras", MAX_CAMS);
			cam_args[ncams++] = optarg;
			sxh_opt = "--camera";
			break;
		case 'r':
			rate_arg = optarg;
			break;
		case 'L':
			bus.def_capture_ms = opt_ms(optarg);
			capture_ms = optarg;
			sxh_opt = "--capture-ms";
			break;
		case 'l':
			bus.def_cmd_ms = opt_ms(optarg);
			cmd_ms = optarg;
			break;
		case 'R':
			if (bus_set_restable(&bus, optarg))
				die("bad --restable '%s' (CODE=WxH,...; W, H multiples of 8)",
				    optarg);
			sxh_opt = sxh_only = "--restable";
			break;
		case 'i':
			bus.image_dir = xstrdup(optarg);
			sxh_opt = sxh_only = "--image-dir";
			break;
		case 'Y':
			family_stream = !strcmp(optarg, "stream");
			family_ov = !strcmp(optarg, "ov528");
			family_omvp = !strcmp(optarg, "omvp");
			family_pixy = !strcmp(optarg, "pixy");
			family_uc = !strcmp(optarg, "vc0706") ||
				    !strcmp(optarg, "ascii-u") ? optarg : NULL;
			if (!family_stream && !family_ov && !family_omvp &&
			    !family_pixy && !family_uc &&
			    strcmp(optarg, "sxh485"))
				die("bad --family '%s' (sxh485, stream, ov528, omvp, pixy, vc0706 or ascii-u)",
				    optarg);
			break;
		case 1000 ... 1007:
			sopt[opt - 1000] = optarg;
			for (size_t i = 0; opts[i].name; i++)
				if (opts[i].val == opt)
					stream_opt = opts[i].name;
			if (opt != 1005)	/* --quality: ov528 and omvp too */
				stream_only = stream_opt;
			if (opt < 1003 || opt > 1005)	/* --fps, --res: omvp */
				stream_only_omvp = stream_opt;
			break;
		case 1008:
			paused = true;
			stream_opt = stream_only = stream_only_omvp = "--paused";
			break;
		case OMVP_OPT0 ... OMVP_OPT0 + OMVP_OWN - 1:
			omvp_val[opt - OMVP_OPT0] = optarg;
			omvp_opt = omvp_keys[opt - OMVP_OPT0];
			break;
		case PIXY_OPT0 ... PIXY_OPT0 + PIXY_OWN - 1:
			pixy_val[opt - PIXY_OPT0] = optarg;
			pixy_opt = pixy_keys[opt - PIXY_OPT0];
			break;
		case OV_OPT0 ... OV_OPT0 + (int)ARRAY_SIZE(ov_keys) - 1:
			ov_val[opt - OV_OPT0] = optarg;
			ov_opt = ov_keys[opt - OV_OPT0];
			break;
		case 'm':
			bus.manifest = fopen(optarg, "a");
			if (!bus.manifest)
				die("%s: %s", optarg, strerror(errno));
			break;
		case 's':
			bus.save_dir = xstrdup(optarg);
			break;
		case 'S':
			prng_seed(&bus.prng, strtoull(optarg, NULL, 0));
			break;
		case 'f':
			if (nfaults == (int)ARRAY_SIZE(faults))
				die("too many --fault");
			faults[nfaults++] = optarg;
			break;
		case 'D':
			bus.detail = parse_detail(optarg);
			break;
		case 4000:
			if (nuc_set == (int)ARRAY_SIZE(uc_set))
				die("too many --set");
			uc_set[nuc_set++] = optarg;
			break;
		case 'v':
			bus.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		die("unexpected argument '%s'", argv[optind]);
	if (!uart_path == !want_pty)
		die("give exactly one of --uart PATH and --pty");
	if (omvp_opt && !family_omvp)
		die("--%s is for --family omvp", omvp_opt);
	if (pixy_opt && !family_pixy)
		die("--%s is for --family pixy", pixy_opt);
	if (family_pixy) {
		if (sxh_opt || cmd_ms)
			die("%s is for --family sxh485",
			    sxh_opt ? sxh_opt : "--cmd-ms");
		if (ov_opt)
			die("--%s is for --family ov528", ov_opt);
		if (omvp_opt)
			die("--%s is for --family omvp", omvp_opt);
		for (int i = 0; i < 8; i++)
			for (size_t j = 0; sopt[i] && i != 3 && opts[j].name; j++)
				if (opts[j].val == 1000 + i)
					die("--%s is for --family stream",
					    opts[j].name);
		if (paused)
			die("--paused is for --family stream");
		pixy_val[PIXY_OWN] = rate_arg;
		pixy_val[PIXY_OWN + 1] = sopt[3];
		setup_pixy(pixy_val);
	}
	if (nuc_set && !family_uc)
		die("--set is for --family vc0706 and ascii-u");
	if (family_uc) {
		const char *bad = sxh_only ? sxh_only :
				  ncams ? "--camera" : ov_opt ? ov_opt : omvp_opt ?
				  omvp_opt : stream_only ? stream_only :
				  family_uc[0] == 'v' && sopt[5] ? "--quality" :
				  NULL;

		if (bad)
			die("%s%s is not for --family %s",
			    bad[0] == '-' ? "" : "--", bad, family_uc);
		setup_uc(family_uc, rate_arg, cmd_ms, capture_ms, sopt[5],
			 uc_set, nuc_set);
	} else if (family_omvp) {
		if (sxh_opt)
			die("%s is for --family sxh485", sxh_opt);
		if (ov_opt)
			die("--%s is for --family ov528", ov_opt);
		if (stream_only_omvp)
			die("%s%s is for --family stream",
			    stream_only_omvp[0] == '-' ? "" : "--",
			    stream_only_omvp);
		omvp_val[OMVP_OWN] = rate_arg;
		memcpy(&omvp_val[OMVP_OWN + 1], &sopt[3], 3 * sizeof(*sopt));
		omvp_val[OMVP_OWN + 4] = cmd_ms;
		setup_omvp(omvp_val);
	} else if (family_stream) {
		if (sxh_opt || cmd_ms)
			die("%s is for --family sxh485",
			    sxh_opt ? sxh_opt : "--cmd-ms");
		if (ov_opt)
			die("--%s is for --family ov528", ov_opt);
		setup_stream(sopt, rate_arg, paused);
	} else if (family_ov) {
		if (sxh_only)
			die("%s is for --family sxh485", sxh_only);
		if (stream_only)
			die("%s%s is for --family stream",
			    stream_only[0] == '-' ? "" : "--", stream_only);
		setup_ov528(ov_val, sopt[5], rate_arg);
	} else if (stream_opt) {
		die("%s%s is for --family stream",
		    stream_opt[0] == '-' ? "" : "--", stream_opt);
	} else if (ov_opt) {
		die("--%s is for --family ov528", ov_opt);
	} else if (rate_arg) {
		bus.def_rate = parse_rate(rate_arg);
	}
	for (int i = 0; i < ncams; i++)
		parse_camera(cam_args[i], &cams[i], family_ov);
	if (!ncams && !family_stream && !family_omvp && !family_pixy &&
	    !family_uc)
		parse_camera(family_ov ? "addr=0" : "addr=1", &cams[ncams++],
			     family_ov);
	for (int i = 0; i < ncams; i++) {
		if (family_ov && ncams > 1 && !cams[i].addr)
			die("address 0 is RS-232: one camera alone (a bus takes 1..%d)",
			    OV_MAX_ADDR);
		for (int j = 0; j < i; j++)
			if (cams[j].addr == cams[i].addr)
				die("two cameras with address %u",
				    cams[i].addr);
		bus_add_camera(&bus, cams[i].addr, cams[i].rate,
			       cams[i].saved, cams[i].images);
		free(cams[i].images);
	}
	for (int i = 0; i < nfaults; i++)
		if (fault_apply_spec(&bus, faults[i], err, sizeof(err)))
			die("--fault '%s': %s", faults[i], err);
	if (trace.path)
		bus_set_guest(&bus, GUEST_UNKNOWN, 0);

	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (sfd < 0 || tfd < 0)
		die("signalfd/timerfd: %s", strerror(errno));
	/* wake up on time: the default 50 us slack is half a byte */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	for (int i = 0; i < MAX_CTL; i++)
		ctl[i].fd = -1;
	if (want_pty)
		make_pty();
	else
		uart_lfd = listen_unix(uart_path);
	if (ctl_path)
		ctl_lfd = listen_unix(ctl_path);
	trace_poll();
	fprintf(stderr, "camemu: ready\n");

	for (;;) {
		struct pollfd pfd[4 + MAX_CTL];
		int map[4 + MAX_CTL], np = 0;
		int64_t next, now = now_ns();
		struct itimerspec its = { 0 };

		if (trace.path && now >= trace.next_poll)
			trace_poll();
		bus_advance(&bus, now);
		take_output();
		next = bus_next_event(&bus);
		if (trace.path && trace.next_poll < next)
			next = trace.next_poll;
		{
			int64_t w = ctl_waits();

			if (w < next)
				next = w;
		}
		if (next != T_NEVER) {
			if (next < now + MIN_SLEEP_NS)
				next = now + MIN_SLEEP_NS;
			its.it_value.tv_sec = next / NS_PER_S;
			its.it_value.tv_nsec = next % NS_PER_S;
		}
		timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);

		pfd[np] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		map[np++] = -1;
		pfd[np] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		map[np++] = -2;
		if (uart_lfd >= 0) {
			pfd[np] = (struct pollfd){ .fd = uart_lfd,
						   .events = POLLIN };
			map[np++] = -3;
		}
		if (ctl_lfd >= 0) {
			pfd[np] = (struct pollfd){ .fd = ctl_lfd,
						   .events = POLLIN };
			map[np++] = -4;
		}
		if (uart_fd >= 0) {
			pfd[np] = (struct pollfd){ .fd = uart_fd,
				.events = (short)(POLLIN |
					  (uart_out.len ? POLLOUT : 0)) };
			map[np++] = -5;
		}
		for (int i = 0; i < MAX_CTL; i++) {
			if (ctl[i].fd < 0)
				continue;
			pfd[np] = (struct pollfd){ .fd = ctl[i].fd,
				.events = (short)(POLLIN |
					  (ctl[i].out.len ? POLLOUT : 0)) };
			map[np++] = i;
		}
		if (poll(pfd, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (int i = 0; i < np; i++) {
			short re = pfd[i].revents;

			if (!re)
				continue;
			switch (map[i]) {
			case -1:
				goto out;
			case -2: {
				uint64_t exp;

				if (read(tfd, &exp, sizeof(exp)) < 0 &&
				    errno != EAGAIN)
					die("timerfd: %s", strerror(errno));
				break;
			}
			case -3:
				uart_accept();
				break;
			case -4:
				ctl_accept();
				break;
			case -5:
				if (uart_fd < 0)
					break;
				if (re & POLLOUT)
					uart_flush();
				if (uart_fd >= 0 && (re & (POLLIN | POLLHUP |
							   POLLERR)))
					uart_read();
				break;
			default:
				if (ctl[map[i]].fd < 0)
					break;
				if (re & POLLOUT)
					ctl_flush(&ctl[map[i]]);
				if (ctl[map[i]].fd >= 0 &&
				    (re & (POLLIN | POLLHUP | POLLERR)))
					ctl_read(&ctl[map[i]]);
				break;
			}
		}
	}
out:
	if (bus.verbose)
		fprintf(stderr, "camemu: exiting\n");
	for (int i = 0; i < MAX_CTL; i++)
		if (ctl[i].fd >= 0)
			ctl_drop(&ctl[i]);
	if (uart_path)
		unlink(uart_path);
	if (ctl_path)
		unlink(ctl_path);
	if (pty_slave >= 0)
		close(pty_slave);
	uart_close();
	sbuf_free(&uart_out);
	bus_free(&bus);
	return 0;
}
