// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_bench - how close capture gets to the wire limit
 *
 *   sercam_bench WxH FRAMES LABEL [NOISE] >> bench.csv
 *
 * Streams FRAMES frames (after one warm-up frame) and prints one CSV line:
 *
 *   baud, size, label, noise, frames, good, flagged, fps, payload B/s,
 *   efficiency, capture ms, first frame s, latency ms (mean, max),
 *   thread CPU ms/frame, receive path ms/frame, guest CPU ms/frame,
 *   packet size (last), packet sizes seen, retries, CRC errors
 *
 * efficiency = JPEG bytes / ((frame period - capture latency) * baud / 10):
 * the camera's capture latency is its own (the emulator's default, 150 ms
 * at 640x480 scaled by pixels); command latency and everything the driver
 * does count against it.
 *
 * Latency runs from the buffer's start-of-exposure timestamp (the driver
 * stamps it when it commands the capture) to the return of DQBUF. Thread
 * CPU is the capture kthread's utime+stime (tick-sampled); the receive path
 * is the time the driver spent in its serdev receive callback (the bus
 * accounts it, in ns); guest CPU is all non-idle CPU time of the guest over
 * the run: the UART interrupts and the tty layer included.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sercam_test.h"

#define VGA_CAPTURE_MS	150.0

static long long ticks_of(const char *comm_prefix)
{
	struct dirent *d;
	long long t = -1;
	DIR *p = opendir("/proc");

	while (p && (d = readdir(p))) {
		char path[300], buf[512], *s;
		unsigned long long ut, st;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (s = strchr(buf, '(')) &&
		    !strncmp(s + 1, comm_prefix, strlen(comm_prefix))) {
			s = strrchr(buf, ')');
			/* fields 14 and 15: utime, stime */
			if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				   &ut, &st) == 2)
				t = ut + st;
		}
		fclose(f);
	}
	if (p)
		closedir(p);
	return t;
}

/* A counter of the bus's debugfs file (the receive path's time). */
static long long bus_stat(const char *name)
{
	char line[128], key[64];
	long long v = -1, val;
	glob_t g;
	FILE *f;

	if (glob("/sys/kernel/debug/sercam/*/bus", 0, NULL, &g))
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			v = val;
	if (f)
		fclose(f);
	return v;
}

static long long busy_ticks(void)
{
	unsigned long long v[8] = { };
	FILE *f = fopen("/proc/stat", "r");

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			 &v[7]) != 8) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	/* everything but idle (3) and iowait (4) */
	return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

int main(int argc, char **argv)
{
	unsigned int w = 640, h = 480;
	int frames = argc > 2 ? atoi(argv[2]) : 5;
	const char *label = argc > 3 ? argv[3] : "auto";
	const char *noise = argc > 4 ? argv[4] : "0";
	double hz = sysconf(_SC_CLK_TCK), t_on, t_first, t0 = 0, t1 = 0;
	double lat_sum = 0, lat_max = 0, capture_ms, period, eff;
	long long bytes = 0, th0, th1, cpu0, cpu1, retries0, crc0, rx0, rx1;
	long long pkt, baud;
	char pkts[256] = "", thread[32];
	struct v4l2_buffer b;
	struct cam c;
	int i, good = 0, flagged = 0;

	if (argc > 1)
		sscanf(argv[1], "%ux%u", &w, &h);
	if (cam_open(&c) || cam_set_size(&c, w, h)) {
		fprintf(stderr, "no sercam node at %ux%u\n", w, h);
		return 1;
	}
	capture_ms = VGA_CAPTURE_MS * w * h / (640.0 * 480.0);
	if (strcmp(noise, "0"))
		emu_do("fault byteflip %s", noise);
	retries0 = cam_stat(&c, "retries");
	crc0 = cam_stat(&c, "crc_errors");

	t_on = now_s();
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP)) {
		fprintf(stderr, "cannot stream: %s\n", strerror(errno));
		return 1;
	}
	/* the warm-up frame: STREAMON to first frame */
	if (cam_dqbuf(&c, &b, 120000)) {
		fprintf(stderr, "no first frame\n");
		return 1;
	}
	/* the run starts when the warm-up frame is in: the next is on its way */
	t0 = now_s();
	t_first = t0 - t_on;
	cam_qbuf(&c, b.index);
	snprintf(thread, sizeof(thread), "sercam-");
	th0 = ticks_of(thread);
	cpu0 = busy_ticks();
	rx0 = bus_stat("rx_ns");
	for (i = 0; i < frames; i++) {
		double now, ts;

		if (cam_dqbuf(&c, &b, 120000))
			break;
		now = now_s();
		ts = b.timestamp.tv_sec + b.timestamp.tv_usec / 1e6;
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			flagged++;
		} else {
			good++;
			bytes += b.bytesused;
			lat_sum += now - ts;
			if (now - ts > lat_max)
				lat_max = now - ts;
		}
		t1 = now;
		cam_qbuf(&c, b.index);
		pkt = cam_stat(&c, "pkt_size");
		snprintf(pkts + strlen(pkts), sizeof(pkts) - strlen(pkts),
			 "%s%lld", i ? " " : "", pkt);
	}
	th1 = ticks_of(thread);
	cpu1 = busy_ticks();
	rx1 = bus_stat("rx_ns");
	cam_stop(&c);
	if (strcmp(noise, "0"))
		emu_do("fault clear");

	baud = cam_stat(&c, "baud");
	period = (t1 - t0) / (good + flagged);
	eff = good ? (double)bytes / good /
		     ((period - capture_ms / 1000) * baud / 10) : 0;
	printf("%lld,%ux%u,%s,%s,%d,%d,%d,%.3f,%.0f,%.4f,%.1f,%.2f,%.0f,%.0f,%.1f,%.2f,%.1f,%lld,%s,%lld,%lld\n",
	       baud, w, h, label, noise, frames, good, flagged,
	       (good + flagged) / (t1 - t0), bytes / (t1 - t0), eff, capture_ms,
	       t_first, good ? 1000 * lat_sum / good : 0, 1000 * lat_max,
	       1000.0 * (th1 - th0) / hz / (good + flagged),
	       (rx1 - rx0) / 1e6 / (good + flagged),
	       1000.0 * (cpu1 - cpu0) / hz / (good + flagged),
	       cam_stat(&c, "pkt_size"), pkts,
	       cam_stat(&c, "retries") - retries0,
	       cam_stat(&c, "crc_errors") - crc0);
	cam_close(&c);
	return good ? 0 : 1;
}
