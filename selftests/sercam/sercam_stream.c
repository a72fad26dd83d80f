// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_stream - a camera that streams JPEG frames unasked (the JPEG
 * stream family), against the emulator's stream personality; and an
 * OpenMV camera through the OpenMV Protocol (clean, resize and fault), the
 * frames its script captures standing in for the stream
 *
 *   sercam_stream clean N          N good frames, each byte for byte a frame
 *                                  the camera sent whole, in order; sequence
 *                                  gaps are exactly the frames that went by
 *   sercam_stream drops            frames sent while no buffer was queued
 *                                  are dropped, counted and show as gaps
 *   sercam_stream fault SPEC N [STAT]
 *                                  with an emulator fault on for N buffers:
 *                                  no frame it spoiled is delivered good,
 *                                  and good frames follow once it is off;
 *                                  with STAT (counters, comma-separated),
 *                                  their sum grew: the fault struck
 *   sercam_stream set SETTING UNDO N [STAT]
 *                                  the same with an emulator setting (its
 *                                  `set SETTING`) standing for the fault,
 *                                  `set UNDO` ending it: e.g. the OpenMV
 *                                  script's pixel format changed under a
 *                                  raw stream
 *   sercam_stream unplug           the camera goes silent mid-frame and
 *                                  comes back: the frame it cut is never
 *                                  good, and whole frames follow (length
 *                                  framing: in the others bytes lost inside
 *                                  a frame's data cannot be seen)
 *   sercam_stream silent           the camera stops mid-frame and stays
 *                                  silent: the frame it cut comes back as
 *                                  an error buffer within 8 s, not when
 *                                  it speaks again; whole frames follow
 *                                  once it is back
 *   sercam_stream resize WxH       the camera changes its frame size:
 *                                  V4L2_EVENT_SOURCE_CHANGE, G_FMT follows,
 *                                  the new frames are whole
 *
 * The emulator's manifest lists every frame it put on the wire with its
 * SHA-256 and whether it went out intact. Frames are checked in the node's
 * current format: a JPEG must decode, a raw frame (bytesperline set) must
 * be exactly sizeimage bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "sercam_test.h"

#define DQ_MS	15000

static struct cam c;

/* The manifest frame (by index) these bytes are, searching after @from. */
static int find_frame(const struct emu_frame *f, int n, const void *data,
		      size_t len, int from)
{
	uint8_t sha[32];
	int i;

	sha256(data, len, sha);
	for (i = from; i < n; i++)
		if (f[i].size == (long)len && !memcmp(f[i].sha, sha, 32))
			return i;
	return -1;
}

struct got {
	int good, bad, wrong, spoiled_good;
	int last_idx;
	unsigned int last_seq;
	int seq_ok;
	int w, h;	/* of the last good frame, decoded */
};

/*
 * Dequeue @count buffers (requeueing each), checking every good one against
 * the manifest fetched afterwards: it must be an intact frame, later than
 * the one before; with @seq, the sequence must advance as the manifest.
 */
static void collect(int count, struct got *g, bool seq)
{
	struct v4l2_buffer b;
	struct emu_frame *f;
	struct {
		void *data;
		size_t len;
		unsigned int seq;
		bool error;
	} *bufs = calloc(count, sizeof(*bufs));
	long long lost = emu_stat("uart_overrun_bytes");
	int i, n, idx, comps;

	memset(g, 0, sizeof(*g));
	g->last_idx = -1;
	g->seq_ok = 1;
	for (i = 0; i < count; i++) {
		if (cam_dqbuf(&c, &b, DQ_MS))
			break;
		bufs[i].error = b.flags & V4L2_BUF_FLAG_ERROR;
		bufs[i].seq = b.sequence;
		bufs[i].len = b.bytesused;
		bufs[i].data = malloc(b.bytesused + 1);
		memcpy(bufs[i].data, c.bufs[b.index].start, b.bytesused);
		cam_qbuf(&c, b.index);
	}
	count = i;
	n = emu_frames(&f);
	for (i = 0; i < count; i++) {
		if (bufs[i].error) {
			g->bad++;
			continue;
		}
		idx = find_frame(f, n, bufs[i].data, bufs[i].len,
				 g->last_idx + 1);
		if (idx < 0) {
			g->wrong++;
			ksft_print_msg("buffer %d (seq %u, %zu bytes) is no frame the camera sent\n",
				       i, bufs[i].seq, bufs[i].len);
			continue;
		}
		if (!f[idx].intact) {
			g->spoiled_good++;
			ksft_print_msg("buffer %d is frame %ld, which went out spoiled\n",
				       i, f[idx].n);
		}
		if (seq && g->last_idx >= 0 &&
		    bufs[i].seq - g->last_seq != (unsigned int)(idx - g->last_idx)) {
			g->seq_ok = 0;
			ksft_print_msg("sequence %u -> %u but camera frames #%d -> #%d\n",
				       g->last_seq, bufs[i].seq, g->last_idx, idx);
		}
		g->last_idx = idx;
		g->last_seq = bufs[i].seq;
		g->good++;
		if (c.fmt.fmt.pix.bytesperline) {
			/* raw: the format's size, exactly */
			g->w = c.fmt.fmt.pix.width;
			g->h = c.fmt.fmt.pix.height;
			if (bufs[i].len != c.fmt.fmt.pix.sizeimage)
				g->wrong++;
		} else if (jpeg_check(bufs[i].data, bufs[i].len, &g->w, &g->h,
				      &comps)) {
			g->wrong++;
		}
	}
	for (i = 0; i < count; i++)
		free(bufs[i].data);
	free(bufs);
	free(f);
	/*
	 * Bytes the emulator dropped because QEMU's UART did not take them in
	 * time (a host too loaded to run the guest at the wire's pace) are
	 * lost before the driver: inside a frame's entropy data no receiver
	 * without a checksum can see that. Only then is a frame that is not
	 * the camera's excused, and said so.
	 */
	lost = emu_stat("uart_overrun_bytes") - lost;
	if (g->wrong && lost > 0) {
		ksft_print_msg("the emulator lost %lld bytes QEMU's UART did not take in time: %d frame(s) not the camera's excused\n",
			       lost, g->wrong);
		g->wrong = 0;
	}
}

static void test_clean(int count)
{
	struct got g;

	ksft_set_plan(4);
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	collect(count, &g, true);
	ksft_test_result(g.good == count && !g.bad,
			 "%d of %d buffers good, %d errors\n", g.good, count,
			 g.bad);
	ksft_test_result(!g.wrong && !g.spoiled_good,
			 "each is byte for byte a frame the camera sent whole, in order, and decodes\n");
	ksft_test_result(g.seq_ok && g.good > 1,
			 "sequence numbers advance with the camera's frames\n");
	ioctl(c.fd, VIDIOC_G_FMT, &c.fmt);
	ksft_test_result(g.good && c.fmt.fmt.pix.width == (unsigned int)g.w &&
			 c.fmt.fmt.pix.height == (unsigned int)g.h,
			 "G_FMT reports the frames' size, %ux%u\n",
			 c.fmt.fmt.pix.width, c.fmt.fmt.pix.height);
	cam_stop(&c);
}

static void test_drops(void)
{
	long long dropped = cam_stat(&c, "dropped");
	struct v4l2_buffer b[2];
	char st[EMU_LINE];
	struct got g;
	int i;

	ksft_set_plan(3);
	if (cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	/* hold both buffers while the camera writes three more frames */
	for (i = 0; i < 2; i++)
		if (cam_dqbuf(&c, &b[i], DQ_MS))
			ksft_exit_fail_msg("no frame\n");
	emu_do("stats clear");
	if (emu_cmd(st, sizeof(st), NULL, NULL, "wait-frames 3 20000"))
		ksft_exit_fail_msg("the camera wrote no frames: %s\n", st);
	for (i = 0; i < 2; i++)
		cam_qbuf(&c, b[i].index);
	collect(4, &g, true);
	ksft_test_result(g.good >= 3 && !g.wrong && !g.spoiled_good,
			 "frames after the pause are the camera's (%d good)\n",
			 g.good);
	ksft_test_result(g.seq_ok,
			 "sequence numbers count the frames no buffer took\n");
	ksft_test_result(cam_stat(&c, "dropped") - dropped >= 2,
			 "the dropped frames are counted (%lld)\n",
			 cam_stat(&c, "dropped") - dropped);
	cam_stop(&c);
}

/* The counters a fault may move: the stream family's, then everyone's. */
static const char *const fault_stats[] = {
	"truncated", "bad_jpeg", "bad_framing", "crc_errors", "timeouts",
	"retries", "proto_errors", "resyncs", "duplicates", "naks", "busy",
	"reboots",
};

#define NUM_FAULT_STATS	(sizeof(fault_stats) / sizeof(fault_stats[0]))

/* The sum of the counters named in @names (comma-separated); -1: none. */
static long long stat_sum(const char *names)
{
	char buf[256], *name, *save;
	long long sum = -1, v;

	snprintf(buf, sizeof(buf), "%s", names);
	for (name = strtok_r(buf, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		v = cam_stat(&c, name);
		if (v >= 0)
			sum = (sum < 0 ? 0 : sum) + v;
	}
	return sum;
}

/*
 * @on and @off: the emulator commands that start and end the fault; @spec
 * names it.
 */
static void test_fault(const char *spec, const char *on, const char *off,
		       int count, const char *moved)
{
	long long before[NUM_FAULT_STATS], v, was = moved ? stat_sum(moved) : 0;
	struct got g, after;
	unsigned int i;

	ksft_set_plan(moved ? 4 : 3);
	for (i = 0; i < NUM_FAULT_STATS; i++)
		before[i] = cam_stat(&c, fault_stats[i]);
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	/* a frame first: the fault strikes a stream under way */
	collect(1, &g, false);
	emu_do("%s", on);
	collect(count, &g, false);
	emu_do("%s", off);
	ksft_print_msg("with '%s': %d good, %d errors\n", spec, g.good, g.bad);
	/* the counters this family has (-1: not one of its) that moved */
	for (i = 0; i < NUM_FAULT_STATS; i++) {
		v = cam_stat(&c, fault_stats[i]);
		if (before[i] >= 0 && v != before[i])
			ksft_print_msg("  %s +%lld\n", fault_stats[i],
				       v - before[i]);
	}
	ksft_test_result(!g.wrong && !g.spoiled_good,
			 "%s: no spoiled frame delivered as good (%d good, %d errors)\n",
			 spec, g.good, g.bad);
	collect(3, &after, false);
	ksft_test_result(after.good >= 2 && !after.wrong && !after.spoiled_good,
			 "%s: fault off, whole frames again (%d good)\n", spec,
			 after.good);
	ksft_test_result(g.good + g.bad > 0, "%s: the stream went on under the fault\n",
			 spec);
	/* the fault really struck: the driver saw it */
	if (moved)
		ksft_test_result(was >= 0 && stat_sum(moved) > was,
				 "%s: the driver counted it (%s %lld -> %lld)\n",
				 spec, moved, was, stat_sum(moved));
	cam_stop(&c);
}

/* test_fault() with `VERB ON` and `VERB OFF` */
static void run_fault(const char *spec, const char *verb, const char *on,
		      const char *off, int count, const char *moved)
{
	char a[EMU_LINE], b[EMU_LINE];

	snprintf(a, sizeof(a), "%s %s", verb, on);
	snprintf(b, sizeof(b), "%s %s", verb, off);
	test_fault(spec, a, b, count, moved);
}

static void test_unplug(void)
{
	struct got g;

	ksft_set_plan(2);
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	collect(2, &g, false);
	/* the camera writes a frame at any time: this cuts one */
	emu_do("unplug");
	emu_do("plug");
	collect(4, &g, false);
	ksft_test_result(!g.wrong && !g.spoiled_good,
			 "no frame the unplugging spoiled is delivered good (%d good, %d errors)\n",
			 g.good, g.bad);
	ksft_test_result(g.good >= 2, "whole frames follow (%d)\n", g.good);
	cam_stop(&c);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Unplug the camera while it writes a frame; 0 once a frame was cut. */
static int cut_a_frame(void)
{
	struct emu_frame *f;
	char st[EMU_LINE];
	int tries, n;

	for (tries = 0; tries < 100; tries++) {
		emu_cmd(st, sizeof(st), NULL, NULL, "status");
		if (emu_field(st, "writing") != 1) {
			/* between frames: poll again shortly */
			usleep(20000);
			continue;
		}
		emu_do("unplug");
		n = emu_frames(&f);
		if (n && !f[n - 1].intact)
			return 0;
		/* the frame ended just before: again */
		emu_do("plug");
	}
	return -1;
}

static void test_silent(void)
{
	struct v4l2_buffer b;
	struct got g;
	long t0, ms = -1;
	int before = 0;

	ksft_set_plan(3);
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	collect(2, &g, false);
	if (cut_a_frame())
		ksft_exit_fail_msg("could not unplug the camera inside a frame\n");
	t0 = now_ms();
	/* frames done before the cut may come first; the cut one must come */
	while (!cam_dqbuf(&c, &b, 12000)) {
		cam_qbuf(&c, b.index);
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			ms = now_ms() - t0;
			break;
		}
		before++;
	}
	/* the link's 2 s of silence, and room for a loaded host */
	ksft_test_result(ms >= 0 && ms < 8000,
			 "the frame cut returned as an error buffer %ld ms after the camera went silent (%d whole before it)\n",
			 ms, before);
	ksft_test_result(cam_stat(&c, "truncated") >= 1,
			 "counted as truncated (%lld)\n",
			 cam_stat(&c, "truncated"));
	emu_do("plug");
	collect(3, &g, false);
	ksft_test_result(g.good >= 2 && !g.wrong && !g.spoiled_good,
			 "whole frames follow once the camera is back (%d good, %d errors)\n",
			 g.good, g.bad);
	cam_stop(&c);
}

static void test_resize(const char *size)
{
	struct v4l2_event_subscription sub = {
		.type = V4L2_EVENT_SOURCE_CHANGE,
	};
	struct v4l2_event ev;
	struct got g;
	unsigned int w, h;
	char was[32];
	char st[EMU_LINE];
	bool event = false;

	ksft_set_plan(3);
	sscanf(size, "%ux%u", &w, &h);
	emu_cmd(st, sizeof(st), NULL, NULL, "status");
	/* " res=": "captures=" ends in "res=" too */
	sscanf(strstr(st, " res=") ? strstr(st, " res=") + 5 : "", "%31s", was);
	if (ioctl(c.fd, VIDIOC_SUBSCRIBE_EVENT, &sub))
		ksft_exit_fail_msg("VIDIOC_SUBSCRIBE_EVENT: %s\n", strerror(errno));
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("start streaming\n");
	collect(2, &g, false);
	emu_do("set res %s", size);
	/*
	 * The frames already in the queued buffers, and the one under way,
	 * keep the old size; eight buffers hold the new one for sure.
	 */
	collect(8, &g, false);
	while (!ioctl(c.fd, VIDIOC_DQEVENT, &ev))
		event |= ev.type == V4L2_EVENT_SOURCE_CHANGE &&
			 (ev.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION);
	ksft_test_result(event, "V4L2_EVENT_SOURCE_CHANGE (resolution) raised\n");
	ioctl(c.fd, VIDIOC_G_FMT, &c.fmt);
	ksft_test_result(c.fmt.fmt.pix.width == w && c.fmt.fmt.pix.height == h,
			 "G_FMT now reports %ux%u\n", c.fmt.fmt.pix.width,
			 c.fmt.fmt.pix.height);
	ksft_test_result(g.good >= 2 && !g.wrong && !g.spoiled_good &&
			 g.w == (int)w && g.h == (int)h,
			 "the frames are the camera's, the last at %dx%d (%d good)\n",
			 g.w, g.h, g.good);
	cam_stop(&c);
	emu_do("set res %s", was);
}

int main(int argc, char **argv)
{
	ksft_print_header();
	if (argc < 2)
		ksft_exit_fail_msg("usage: %s clean N | drops | fault SPEC N [STAT] | set SETTING UNDO N [STAT] | unplug | silent | resize WxH\n",
				   argv[0]);
	if (cam_open(&c))
		ksft_exit_fail_msg("no sercam video node\n");
	if (!strcmp(argv[1], "clean"))
		test_clean(argc > 2 ? atoi(argv[2]) : 8);
	else if (!strcmp(argv[1], "drops"))
		test_drops();
	else if (!strcmp(argv[1], "fault") && argc > 3)
		run_fault(argv[2], "fault", argv[2], "clear", atoi(argv[3]),
			  argc > 4 ? argv[4] : NULL);
	else if (!strcmp(argv[1], "set") && argc > 4)
		run_fault(argv[2], "set", argv[2], argv[3], atoi(argv[4]),
			  argc > 5 ? argv[5] : NULL);
	else if (!strcmp(argv[1], "unplug"))
		test_unplug();
	else if (!strcmp(argv[1], "silent"))
		test_silent();
	else if (!strcmp(argv[1], "resize") && argc > 2)
		test_resize(argv[2]);
	else
		ksft_exit_fail_msg("unknown test %s\n", argv[1]);
	cam_close(&c);
	ksft_finished();
}
