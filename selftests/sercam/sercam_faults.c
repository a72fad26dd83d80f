// SPDX-License-Identifier: GPL-2.0
/*
 * sercam_faults - faults injected at the emulated camera, and what the
 * application sees
 *
 *   sercam_faults noise WxH FRAMES PROB   each byte the camera sends has a
 *                                         bit flipped with probability PROB
 *   sercam_faults unplug WxH              the camera goes silent mid-frame
 *   sercam_faults hoststall WxH MS        the guest's CPUs are all taken for
 *                                         MS ms while a reply comes in
 *
 * noise: every buffer is byte-identical to a frame the camera sent, or
 * flagged V4L2_BUF_FLAG_ERROR; never corrupt and good. Retries must bring
 * most frames through, and the driver's counters must show the errors.
 *
 * unplug: DQBUF returns (an error buffer) within a bound, STREAMOFF works
 * at once, and capture resumes after the camera is plugged back.
 *
 * hoststall: a busy host (tty work delayed, as on a loaded Pi Zero) is not
 * a camera that stopped talking: every frame still arrives good (the
 * timeouts counted are printed). Real-time busy loops on every CPU make the
 * stall.
 */
#define _GNU_SOURCE	/* CPU affinity */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sercam_test.h"

/* The driver gives up on a silent camera within this (see sercam.rst). */
#define SILENT_BOUND_S	6.0

struct tally {
	int good, flagged, corrupt, lost;
};

static struct cam c;

/*
 * Stream @n buffers; each must be good and identical to a camera frame
 * newer than the last one, or flagged.
 */
static void stream_checked(unsigned int w, unsigned int h, int n,
			   struct tally *t)
{
	struct emu_frame *fr = NULL;
	struct v4l2_buffer b;
	long after = emu_frame_count();
	int i, nf = 0;
	void **copy = calloc(n, sizeof(*copy));
	size_t *len = calloc(n, sizeof(*len));
	int *flag = calloc(n, sizeof(*flag));

	memset(t, 0, sizeof(*t));
	if (cam_start(&c, 4, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream: %s\n", strerror(errno));
	for (i = 0; i < n; i++) {
		if (cam_dqbuf(&c, &b, 30000)) {
			t->lost = n - i;
			break;
		}
		flag[i] = !!(b.flags & V4L2_BUF_FLAG_ERROR);
		len[i] = b.bytesused;
		copy[i] = malloc(b.bytesused + 1);
		memcpy(copy[i], c.bufs[b.index].start, b.bytesused);
		cam_qbuf(&c, b.index);
	}
	cam_stop(&c);
	nf = emu_frames(&fr);
	for (i = 0; i < n && copy[i]; i++) {
		const struct emu_frame *m;
		int jw, jh, jc;

		if (flag[i]) {
			t->flagged++;
			continue;
		}
		m = frame_match(fr, nf, copy[i], len[i], after);
		if (m && !jpeg_check(copy[i], len[i], &jw, &jh, &jc) &&
		    jw == (int)w && jh == (int)h) {
			t->good++;
			after = m->n;
		} else {
			t->corrupt++;
			ksft_print_msg("buffer %d (%zu bytes) is marked good but is no camera frame\n",
				       i, len[i]);
		}
	}
	for (i = 0; i < n; i++)
		free(copy[i]);
	free(copy);
	free(len);
	free(flag);
	free(fr);
}

static void noise(unsigned int w, unsigned int h, int n, const char *prob)
{
	long long crc0 = cam_stat(&c, "crc_errors") + cam_stat(&c, "len_errors") +
			 cam_stat(&c, "timeouts");
	long long retries0 = cam_stat(&c, "retries"), seen;
	long long flips0 = emu_stat("fault_byteflip"), flips;
	struct tally t;

	emu_do("fault byteflip %s", prob);
	stream_checked(w, h, n, &t);
	emu_do("fault clear");
	flips = emu_stat("fault_byteflip") - flips0;
	seen = cam_stat(&c, "crc_errors") + cam_stat(&c, "len_errors") +
	       cam_stat(&c, "timeouts") - crc0;
	ksft_print_msg("%d frames at %ux%u, byte errors %s: %d good, %d flagged, %d lost; %lld bytes flipped, %lld errors seen, %lld retries, packet size now %lld\n",
		       n, w, h, prob, t.good, t.flagged, t.lost, flips, seen,
		       cam_stat(&c, "retries") - retries0,
		       cam_stat(&c, "pkt_size"));
	ksft_test_result(t.corrupt == 0,
			 "no corrupt frame delivered as good (%d good, %d flagged)\n",
			 t.good, t.flagged);
	ksft_test_result(t.lost == 0, "every buffer came back (%d lost)\n",
			 t.lost);
	ksft_test_result(t.good >= n * 9 / 10,
			 "retries bring most through: %d of %d good\n", t.good, n);
	ksft_test_result(flips > 0 && seen > 0,
			 "the driver's counters show the errors (%lld flips, %lld seen)\n",
			 flips, seen);
}

static void unplug(unsigned int w, unsigned int h)
{
	struct v4l2_buffer b;
	double t0, dt;
	struct tally t;
	int got_error = 0, i;

	if (cam_start(&c, 2, V4L2_MEMORY_MMAP))
		ksft_exit_fail_msg("cannot stream\n");
	cam_dqbuf(&c, &b, 30000);
	cam_qbuf(&c, b.index);
	ksft_test_result(!emu_wait_sending(), "camera is sending a frame\n");
	emu_do("unplug");
	t0 = now_s();
	/* a frame or two may still complete; then error buffers */
	for (i = 0; i < 3 && !got_error; i++) {
		if (cam_dqbuf(&c, &b, (int)(SILENT_BOUND_S * 1000)))
			break;
		got_error = !!(b.flags & V4L2_BUF_FLAG_ERROR);
		cam_qbuf(&c, b.index);
	}
	dt = now_s() - t0;
	ksft_test_result(got_error && dt < SILENT_BOUND_S,
			 "unplugged mid-frame: DQBUF returned an error buffer after %.2f s\n",
			 dt);
	t0 = now_s();
	ksft_test_result(!cam_stop(&c) && now_s() - t0 < 1.0,
			 "STREAMOFF with the camera silent took %.3f s\n",
			 now_s() - t0);
	emu_do("plug");
	stream_checked(w, h, 3, &t);
	ksft_test_result(t.good == 3 && !t.corrupt,
			 "plugged back: capture resumes (%d good, %d flagged)\n",
			 t.good, t.flagged);
}

static double stall_until;

static void *spin(void *arg)
{
	struct sched_param sp = { .sched_priority = 99 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((long)arg, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	while (now_s() < stall_until)
		;
	return NULL;
}

/* Take every CPU for @ms: nothing else runs, interrupts aside. */
static void stall_cpus(int ms)
{
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *t = calloc(n, sizeof(*t));

	stall_until = now_s() + ms / 1000.0;
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, spin, (void *)i);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
}

static void host_stall(unsigned int w, unsigned int h, int ms)
{
	long long timeouts = cam_stat(&c, "timeouts");
	struct tally t;
	pid_t pid;
	int i;

	/* a child stalls the guest three times, each in the middle of a reply */
	pid = fork();
	if (!pid) {
		for (i = 0; i < 3; i++) {
			if (emu_wait_sending())
				_exit(1);
			stall_cpus(ms);
		}
		_exit(0);
	}
	stream_checked(w, h, 5, &t);
	waitpid(pid, &i, 0);
	ksft_test_result(WIFEXITED(i) && !WEXITSTATUS(i),
			 "the guest was stalled %d ms three times, mid-reply\n", ms);
	ksft_test_result(t.good == 5 && !t.corrupt && !t.flagged,
			 "every frame arrived good all the same (%d good, %d flagged)\n",
			 t.good, t.flagged);
	/*
	 * Timeouts are a figure, not asserted: the driver allows for its own
	 * late work, but on a loaded host QEMU may also hand the bytes over
	 * late after the stall (none in earlier make check runs, 1 and 2 of
	 * 3 in two runs on 2026-12-01). What the user sees is asserted: the
	 * frames.
	 */
	ksft_print_msg("timeouts counted over the three stalls: %lld\n",
		       cam_stat(&c, "timeouts") - timeouts);
}

int main(int argc, char **argv)
{
	unsigned int w = 160, h = 160;

	if (argc < 3)
		ksft_exit_fail_msg("usage: %s noise|unplug WxH [FRAMES PROB]\n",
				   argv[0]);
	sscanf(argv[2], "%ux%u", &w, &h);
	ksft_print_header();
	if (cam_open(&c) || cam_set_size(&c, w, h))
		ksft_exit_fail_msg("no sercam video node at %ux%u\n", w, h);
	if (!strcmp(argv[1], "noise") && argc > 4) {
		ksft_set_plan(4);
		noise(w, h, atoi(argv[3]), argv[4]);
	} else if (!strcmp(argv[1], "hoststall") && argc > 3) {
		ksft_set_plan(2);
		host_stall(w, h, atoi(argv[3]));
	} else {
		ksft_set_plan(4);
		unplug(w, h);
	}
	cam_close(&c);
	ksft_finished();
}
