// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_matrix - one row of the fault matrix
 *
 *   sercam_matrix WxH FRAMES FAULT [ARG]
 *
 * FAULT is none (the clean baseline) or one of the emulator's faults
 * (tools/camemu/README.md):
 *   byteflip|drop|garbage|rxflip P      on for the whole run
 *   badcrc|truncate|status|hugelen|hugesize|wrongaddr|dup|reorder
 *                                       one reply in every few frames
 *                                       (ARG, if any, goes with it: the
 *                                       OV528's nak 80, twinflip 0)
 *   stall MS                            one reply in every few frames
 *   unplug                              unplugged from the second frame
 *   powercycle RATE                     the camera comes back at RATE
 *   reset                               the camera restarts once, at its
 *                                       power-on rate (VC0706)
 *
 * The fault stops at three quarters of the run.
 *
 * Streams FRAMES frames and asserts:
 * - every buffer is byte-identical to a frame the camera sent (newer than
 *   the last one), or flagged V4L2_BUF_FLAG_ERROR; none is lost;
 * - frames flow again within RECOVERY_S once the fault stops;
 * - the driver's counters match what the emulator injected (for faults
 *   that map one to one to a counter).
 * Prints a CSV row (after a '# matrix: ' prefix) for the table.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sercam_test.h"

#define RECOVERY_S	15.0
#define EVERY		4	/* one-shot faults: one injection per 4 frames */

struct counters {
	long long crc, len, proto, timeouts, resyncs, retries;
};

static struct cam c;

static void read_counters(struct counters *k)
{
	k->crc = cam_stat(&c, "crc_errors");
	k->len = cam_stat(&c, "len_errors");
	k->proto = cam_stat(&c, "proto_errors");
	k->timeouts = cam_stat(&c, "timeouts");
	k->resyncs = cam_stat(&c, "resyncs");
	k->retries = cam_stat(&c, "retries");
}

/* The camera's transfer mode (debugfs): the mode this row ran in. */
static const char *transfer_mode(void)
{
	static char mode[16] = "?";
	FILE *f = NULL;
	glob_t g;

	if (!glob("/sys/kernel/debug/sercam/*/video*/transfer", 0, NULL, &g)) {
		f = fopen(g.gl_pathv[0], "r");
		globfree(&g);
	}

	if (f) {
		if (fscanf(f, "%15s", mode) != 1)
			strcpy(mode, "?");
		fclose(f);
	}
	return mode;
}

/*
 * The longest stall the driver waits out: its first-byte budget
 * (Documentation/sercam.rst, "Timeouts") less the camera's own time before
 * answering. For a command that is 50 ms less 2 ms; for a capture, which is
 * every request of a frame in whole-image mode on a clean link, four times
 * the capture time plus 0.55 s, less the capture time and 2 ms. The
 * capture time is the emulator's default, 150 ms at 640x480 scaled by the
 * pixel count.
 */
static int stall_budget_ms(unsigned int w, unsigned int h)
{
	int capture = (int)(150ULL * w * h / (640 * 480));

	if (!strcmp(transfer_mode(), "packet"))
		return 50 - 2;
	return 4 * capture + 550 - capture - 2;
}

static bool is_prob(const char *f)
{
	return !strcmp(f, "byteflip") || !strcmp(f, "drop") ||
	       !strcmp(f, "garbage") || !strcmp(f, "rxflip");
}

/* The driver counter a one-shot fault must move, one for one. */
static long long expected_delta(const char *f, const struct counters *d)
{
	if (!strcmp(f, "badcrc"))
		return d->crc;
	if (!strcmp(f, "hugelen") || !strcmp(f, "hugesize"))
		return d->len;
	if (!strcmp(f, "status") || !strcmp(f, "reorder"))
		return d->proto;
	if (!strcmp(f, "wrongaddr"))
		return d->timeouts;
	/*
	 * A reply cut short is found by the silence after it, or, on a
	 * camera that sends the next picture at once (ASCII U#), by that
	 * picture's header inside the bytes counted as the short one's.
	 */
	if (!strcmp(f, "truncate"))
		return d->timeouts ? d->timeouts : d->len;
	return -1;
}

int main(int argc, char **argv)
{
	const char *fault = argc > 3 ? argv[3] : "badcrc";
	const char *arg = argc > 4 ? argv[4] : "";
	int frames = argc > 2 ? atoi(argv[2]) : 100;
	unsigned int w = 640, h = 480;
	int i, nf, good = 0, flagged = 0, lost = 0, corrupt = 0;
	double t_start, t_stop = 0, t_recovered = -1;
	long long injected0, injected;
	struct counters k0, k1, d;
	struct emu_frame *fr;
	struct v4l2_buffer b;
	long after;
	char stat[64];
	void **copy;
	size_t *len;
	int *flag;

	if (argc > 1)
		sscanf(argv[1], "%ux%u", &w, &h);
	ksft_print_header();
	ksft_set_plan(4);
	if (cam_open(&c) || cam_set_size(&c, w, h))
		ksft_exit_fail_msg("no sercam video node at %ux%u\n", w, h);
	copy = calloc(frames, sizeof(*copy));
	len = calloc(frames, sizeof(*len));
	flag = calloc(frames, sizeof(*flag));
	/*
	 * One frame first, so that the counters below move for the fault
	 * only: a family may set the camera up at stream-on (a VC0706 size
	 * change resets it, and the driver's search for it at its rates
	 * counts timeouts).
	 */
	if (cam_start(&c, 2, V4L2_MEMORY_MMAP) || cam_dqbuf(&c, &b, 60000))
		ksft_exit_fail_msg("no first frame at %ux%u: %s\n", w, h,
				   strerror(errno));
	cam_stop(&c);

	snprintf(stat, sizeof(stat), "fault_%s", fault);
	injected0 = emu_stat(stat);
	if (injected0 < 0)
		injected0 = 0;
	read_counters(&k0);
	after = emu_frame_count();
	if (is_prob(fault))
		emu_do("fault %s %s", fault, arg);
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream: %s\n", strerror(errno));
	t_start = now_s();
	for (i = 0; i < frames; i++) {
		/* the fault stops at three quarters of the run */
		bool active = i < frames * 3 / 4;

		if (!active && !t_stop) {
			t_stop = now_s();
			if (is_prob(fault))
				emu_do("fault clear");
			else if (!strcmp(fault, "unplug"))
				emu_do("plug");
			else if (!strcmp(fault, "powercycle"))
				emu_do("set saved-rate 0");
		}
		if (active && i % EVERY == 1) {
			if (!strcmp(fault, "stall"))
				emu_do("fault stall %s 1", arg);
			else if (!strcmp(fault, "unplug") && i == 1)
				emu_do("unplug");
			else if (!strcmp(fault, "powercycle") && i == 1)
				emu_do("powercycle rate=%s", arg);
			else if (!strcmp(fault, "reset") && i == 1)
				emu_do("fault reset");
			else if (!is_prob(fault) && strcmp(fault, "unplug") &&
				 strcmp(fault, "powercycle") &&
				 strcmp(fault, "reset") && strcmp(fault, "none"))
				emu_do("fault %s 1 %s", fault, arg);
		}
		if (cam_dqbuf(&c, &b, 60000)) {
			lost = frames - i;
			break;
		}
		flag[i] = !!(b.flags & V4L2_BUF_FLAG_ERROR);
		len[i] = b.bytesused;
		copy[i] = malloc(b.bytesused + 1);
		memcpy(copy[i], c.bufs[b.index].start, b.bytesused);
		if (t_stop && !flag[i] && t_recovered < 0)
			t_recovered = now_s() - t_stop;
		cam_qbuf(&c, b.index);
	}
	cam_stop(&c);
	if (!t_stop)
		t_stop = now_s();
	emu_do("fault clear");
	emu_do("plug");
	injected = emu_stat(stat) - injected0;
	read_counters(&k1);
	d.crc = k1.crc - k0.crc;
	d.len = k1.len - k0.len;
	d.proto = k1.proto - k0.proto;
	d.timeouts = k1.timeouts - k0.timeouts;
	d.resyncs = k1.resyncs - k0.resyncs;
	d.retries = k1.retries - k0.retries;

	nf = emu_frames(&fr);
	for (i = 0; i < frames && copy[i]; i++) {
		const struct emu_frame *m;

		if (flag[i]) {
			flagged++;
			continue;
		}
		m = frame_match(fr, nf, copy[i], len[i], after);
		if (m) {
			good++;
			after = m->n;
		} else {
			const struct emu_frame *old = frame_match(fr, nf, copy[i],
								  len[i], -1);
			const unsigned char *p = copy[i];

			corrupt++;
			/* what it is: an older frame again, or no frame */
			ksft_print_msg("buffer %d: %zu bytes %02x%02x..%02x%02x, %s%ld (last good: frame %ld)\n",
				       i, len[i], p[0], len[i] > 1 ? p[1] : 0,
				       len[i] > 1 ? p[len[i] - 2] : 0,
				       p[len[i] ? len[i] - 1 : 0],
				       old ? "camera frame " : "no camera frame",
				       old ? old->n : 0L, after);
		}
	}

	ksft_print_msg("matrix: %s %s,%s,%ux%u,%d,%d,%d,%d,%.1f,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.0f\n",
		       fault, arg, transfer_mode(), w, h, frames, good, flagged, lost,
		       t_recovered, injected, d.crc, d.len, d.proto, d.timeouts,
		       d.resyncs, d.retries, now_s() - t_start);
	ksft_test_result(!corrupt, "%s %s: no corrupt frame marked good (%d good, %d flagged, %d corrupt)\n",
			 fault, arg, good, flagged, corrupt);
	ksft_test_result(!lost, "%s %s: every buffer came back (%d lost)\n",
			 fault, arg, lost);
	ksft_test_result(t_recovered >= 0 && t_recovered < RECOVERY_S,
			 "%s %s: frames flow again %.1f s after the fault stops\n",
			 fault, arg, t_recovered);
	if (expected_delta(fault, &d) >= 0)
		ksft_test_result(expected_delta(fault, &d) == injected,
				 "%s: the driver counted %lld of %lld injected\n",
				 fault, expected_delta(fault, &d), injected);
	else if (!strcmp(fault, "dup") || !strcmp(fault, "none") ||
		 (!strcmp(fault, "stall") && atoi(arg) < stall_budget_ms(w, h)))
		ksft_test_result(!d.crc && !d.len && !d.proto && !d.timeouts &&
				 flagged == 0,
				 "%s %s: harmless, and the driver saw no error\n",
				 fault, arg);
	else
		ksft_test_result(injected == 0 ||
				 d.crc + d.len + d.proto + d.timeouts > 0,
				 "%s %s: the driver's counters show it (%lld injected; crc %lld len %lld proto %lld timeouts %lld resyncs %lld)\n",
				 fault, arg, injected, d.crc, d.len, d.proto,
				 d.timeouts, d.resyncs);
	if (!strcmp(fault, "powercycle")) {
		/* back to the power-on rate, and let the driver find it */
		emu_do("powercycle");
		if (!cam_start(&c, 2, V4L2_MEMORY_MMAP)) {
			for (i = 0; i < 3; i++)
				if (!cam_dqbuf(&c, &b, 60000) &&
				    !(b.flags & V4L2_BUF_FLAG_ERROR))
					break;
			cam_stop(&c);
		}
	}
	for (i = 0; i < frames; i++)
		free(copy[i]);
	cam_close(&c);
	ksft_finished();
}
