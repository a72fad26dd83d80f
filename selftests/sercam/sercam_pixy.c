// SPDX-License-Identifier: GPL-2.0
/*
 * The Pixy family's metadata node, against what the emulated Pixy logged
 * (its manifest: every frame, sent or dropped, with its blocks and which of
 * them a reader following pixy.md gets right).
 *
 *   sercam_pixy blocks N [mmap|read]  N buffers: each holds exactly the
 *	good blocks of a camera frame, in order, frames in order (the first
 *	buffer one frame alone holds anchors the rest); an intact frame (the
 *	next one unspoiled) is unflagged; header flags and
 *	V4L2_BUF_FLAG_ERROR agree. Then the frame clock, a test of its own:
 *	each sequence gap equals the camera frames between (dropped by the
 *	camera, or with no buffer queued), once the camera has sent a frame
 *	on an idle line (the driver's frame clock locks on it; the miscounts
 *	before are counted apart), but for one per frame spoiled on the wire
 *	(and $PIXY_SLACK more, 1 unless set); timestamps step as the frames'
 *	starts do. Buffers near a guest stall are not judged for the clock;
 *	when more than half are, the clock test is skipped, and says so.
 *   sercam_pixy starve N  as blocks, but the application holds its
 *	buffers while the camera lists 10 frames, twice: the frames missed
 *	show as gaps of the right size.
 *   sercam_pixy controls  pan/tilt, brightness and the LED arrive at the
 *	camera (its status and command counters); a pan past the servo's
 *	travel is clamped, never sent as a value the camera refuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/sercam.h>

#include "sercam_test.h"

#define MAX_BLOCKS	32
#define NBUFS		4
/* Pixy detects a frame every 20 ms. */
#define PIXY_PERIOD_NS	20000000LL

/*
 * Guest stalls: the guest's vCPUs not run by a loaded host. A thread that
 * sleeps STALL_NAP_NS at a time sees one as a nap that took more than
 * STALL_NS. The frames under way then reach the driver late, in a burst:
 * no frame clock can tell when they started. Their gaps and timestamp
 * steps, from a period before a stall to STALL_AFTER_NS after it (the
 * burst, and the clock finding its phase again), are excused, and said so.
 */
#define STALL_NAP_NS	5000000LL
#define STALL_NS	15000000LL
#define STALL_BEFORE_NS	20000000LL
#define STALL_AFTER_NS	200000000LL
#define MAX_STALLS	64

static struct {
	pthread_t thread;
	volatile int stop;
	int n;
	long long from[MAX_STALLS], to[MAX_STALLS];
} stalls;

static long long mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *stall_watch(void *unused)
{
	const struct timespec nap = { .tv_nsec = STALL_NAP_NS };
	long long t0, t1;

	while (!stalls.stop) {
		t0 = mono_ns();
		nanosleep(&nap, NULL);
		t1 = mono_ns();
		if (t1 - t0 > STALL_NS && stalls.n < MAX_STALLS) {
			stalls.from[stalls.n] = t0;
			stalls.to[stalls.n++] = t1;
		}
	}
	return NULL;
}

/* Was the guest stalled around @ts (a buffer's timestamp)? */
static bool stalled_near(long long ts)
{
	int i;

	for (i = 0; i < stalls.n; i++)
		if (ts >= stalls.from[i] - STALL_BEFORE_NS &&
		    ts <= stalls.to[i] + STALL_AFTER_NS)
			return true;
	return false;
}

struct blk {
	unsigned int sig, x, y, w, h;
	int angle, cc;
};

/* A manifest line: a camera frame. */
struct mframe {
	long n;
	long long start_ns, end_ns;
	char state[16];
	int nok, nall;
	struct blk ok[MAX_BLOCKS];
};

/* A buffer dequeued. */
struct got {
	unsigned int seq;
	bool error;
	long long ts_ns;
	unsigned int count, flags;
	struct blk b[MAX_BLOCKS];
};

static int fd = -1;
static void *maps[NBUFS];
static size_t lens[NBUFS];

static int xioctl(int req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

/* The first sercam node with a metadata capture queue. */
static int open_node(void)
{
	const char *env = getenv("SERCAM_DEV");
	struct v4l2_capability cap;
	char path[32];
	int i;

	for (i = 0; i < 64; i++) {
		if (env)
			snprintf(path, sizeof(path), "%s", env);
		else
			snprintf(path, sizeof(path), "/dev/video%d", i);
		fd = open(path, O_RDWR | O_NONBLOCK);
		if (fd >= 0 && !xioctl(VIDIOC_QUERYCAP, &cap) &&
		    !strcmp((char *)cap.driver, "sercam") &&
		    cap.device_caps & V4L2_CAP_META_CAPTURE)
			return 0;
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (env)
			break;
	}
	return -1;
}

static void parse_blocks(const uint8_t *p, unsigned int count, struct blk *b)
{
	unsigned int i;

	for (i = 0; i < count && i < MAX_BLOCKS; i++, p += 16) {
		b[i].sig = p[0] | p[1] << 8;
		b[i].x = p[2] | p[3] << 8;
		b[i].y = p[4] | p[5] << 8;
		b[i].w = p[6] | p[7] << 8;
		b[i].h = p[8] | p[9] << 8;
		b[i].angle = (int16_t)(p[10] | p[11] << 8);
		b[i].cc = (p[12] | p[13] << 8) & SERCAM_PIXY_BLOCK_CC;
	}
}

static int got_from(struct got *g, const uint8_t *data, size_t len,
		    const struct v4l2_buffer *vb)
{
	g->seq = vb->sequence;
	g->error = vb->flags & V4L2_BUF_FLAG_ERROR;
	g->ts_ns = vb->timestamp.tv_sec * 1000000000LL +
		   vb->timestamp.tv_usec * 1000LL;
	if (len < 8) {
		ksft_print_msg("buffer %u: %zu bytes, no header\n", g->seq, len);
		return -1;
	}
	g->count = data[0] | data[1] << 8;
	g->flags = data[2] | data[3] << 8;
	if (len != 8 + 16 * (size_t)g->count || g->count > MAX_BLOCKS) {
		ksft_print_msg("buffer %u: %zu bytes for %u blocks\n", g->seq,
			       len, g->count);
		return -1;
	}
	parse_blocks(data + 8, g->count, g->b);
	return 0;
}

static int start(void)
{
	struct v4l2_requestbuffers rb = {
		.count = NBUFS, .type = V4L2_BUF_TYPE_META_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_META_CAPTURE;
	unsigned int i;

	if (xioctl(VIDIOC_REQBUFS, &rb) || rb.count != NBUFS)
		return -1;
	for (i = 0; i < NBUFS; i++) {
		struct v4l2_buffer b = {
			.index = i, .type = V4L2_BUF_TYPE_META_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(VIDIOC_QUERYBUF, &b))
			return -1;
		lens[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
			       b.m.offset);
		if (maps[i] == MAP_FAILED || xioctl(VIDIOC_QBUF, &b))
			return -1;
	}
	return xioctl(VIDIOC_STREAMON, &type);
}

static int dq(struct v4l2_buffer *b)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	memset(b, 0, sizeof(*b));
	b->type = V4L2_BUF_TYPE_META_CAPTURE;
	b->memory = V4L2_MEMORY_MMAP;
	r = poll(&p, 1, 5000);
	if (r <= 0) {
		ksft_print_msg("no buffer within 5 s: %s\n",
			       r ? strerror(errno) : "poll timed out");
		return -1;
	}
	r = xioctl(VIDIOC_DQBUF, b);
	if (r)
		ksft_print_msg("VIDIOC_DQBUF: %s\n", strerror(errno));
	return r;
}

static int qb(unsigned int index)
{
	struct v4l2_buffer b = {
		.index = index, .type = V4L2_BUF_TYPE_META_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};

	return xioctl(VIDIOC_QBUF, &b);
}

static void stop(void)
{
	int type = V4L2_BUF_TYPE_META_CAPTURE;
	unsigned int i;

	xioctl(VIDIOC_STREAMOFF, &type);
	for (i = 0; i < NBUFS; i++)
		if (maps[i] && maps[i] != MAP_FAILED)
			munmap(maps[i], lens[i]);
}

/* Wait until the camera has listed @more frames beyond those it has now. */
static void wait_listed(long more)
{
	char final[EMU_LINE];

	if (emu_cmd(final, sizeof(final), NULL, NULL, "wait-frames %lld 10000",
		    emu_stat("frames_listed") + more))
		ksft_print_msg("wait-frames: %s\n", final);
}

/* Every manifest line; frames are numbered from 1, in order. */
static int manifest(struct mframe **out)
{
	char **lines;
	int n, i, k, used, cnt = 0;
	struct mframe *v;

	if (emu_cmd(NULL, 0, &lines, &n, "frames"))
		return -1;
	v = calloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		struct mframe *f = &v[cnt];
		long long ready;
		unsigned int nb;
		const char *p;

		if (sscanf(lines[i], "frame %ld ready_ns=%lld start_ns=%lld end_ns=%lld state=%15s blocks=%u%n",
			   &f->n, &ready, &f->start_ns, &f->end_ns, f->state, &nb,
			   &used) < 6)
			continue;
		p = lines[i] + used;
		f->nall = nb;
		for (k = 0; k < (int)nb; k++) {
			struct blk b;
			char mark[16];
			int m;

			if (sscanf(p, " b=%u,%u,%u,%u,%u,%d,%d,%15[a-z]%n",
				   &b.sig, &b.x, &b.y, &b.w, &b.h, &b.angle,
				   &b.cc, mark, &m) < 8)
				break;
			p += m;
			if (!strcmp(mark, "ok") && f->nok < MAX_BLOCKS)
				f->ok[f->nok++] = b;
		}
		cnt++;
	}
	emu_free_lines(lines, n);
	*out = v;
	return cnt;
}

static const struct mframe *mframe(const struct mframe *m, int n, long num)
{
	if (num < 1 || num > n || m[num - 1].n != num)
		return NULL;
	return &m[num - 1];
}

static bool same_blocks(const struct blk *a, int na, const struct blk *b,
			int nb)
{
	int i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].sig != b[i].sig || a[i].x != b[i].x ||
		    a[i].y != b[i].y || a[i].w != b[i].w ||
		    a[i].h != b[i].h || a[i].angle != b[i].angle ||
		    !a[i].cc != !b[i].cc)
			return false;
	return true;
}

/*
 * The next frame that went on the wire after frame @n: a hit on its
 * start can spoil the end of frame @n (the emulator's caveat).
 */
static const struct mframe *next_sent(const struct mframe *m, int nm, long n)
{
	const struct mframe *x;

	for (n++; (x = mframe(m, nm, n)); n++)
		if (x->start_ns >= 0)
			return x;
	return NULL;
}

static bool spoiled(const struct mframe *f)
{
	return f && strcmp(f->state, "intact") && strcmp(f->state, "dropped");
}

static bool holds(const struct got *g, const struct mframe *f)
{
	return f && same_blocks(g->b, g->count, f->ok, f->nok);
}

/*
 * The camera frame buffer @g holds: @want when it holds it, else the
 * first one that does after @after (backwards: before), 0 for none. It is
 * looked for among the frames the camera detected in the time between the
 * two buffers' timestamps (@dt_ns) and a second more, 80 at least: a
 * guest stalled while the application held its buffers can put more
 * frames between two buffers than their sequence numbers say.
 */
static long find_frame(const struct got *g, const struct mframe *m, int nm,
		       long want, long after, int dir, long long dt_ns)
{
	long k, span = (llabs(dt_ns) + 1000000000LL) / PIXY_PERIOD_NS;

	if (span < 80)
		span = 80;
	if (holds(g, mframe(m, nm, want)))
		return want;
	for (k = after + dir; k > 0 && k <= nm && labs(k - after) <= span; k += dir)
		if (holds(g, mframe(m, nm, k)))
			return k;
	return 0;
}

/*
 * Which camera frame each buffer holds, @fr[@a] known: the next ones
 * after it, the earlier ones before it, in order. With @hint the frame
 * the sequence numbers give is tried first, else the nearest that holds
 * the blocks. @say: print what does not hold. Returns the failures.
 */
static int map_frames(const struct got *g, int ng, const struct mframe *m,
		      int nm, long *fr, int a, bool hint, bool say)
{
	int i, j, fails = 0;

	for (i = a + 1; i < ng; i++) {
		fr[i] = find_frame(&g[i], m, nm,
				   hint ? fr[i - 1] + g[i].seq - g[i - 1].seq : 0,
				   fr[i - 1], 1, g[i].ts_ns - g[i - 1].ts_ns);
		if (!fr[i])
			break;
	}
	for (j = i; j < ng; j++, fails++)
		if (say && fails < 3)
			ksft_print_msg("buffer seq %u (%u blocks): no camera frame after %ld holds its blocks\n",
				       g[j].seq, g[j].count, fr[i - 1]);
	for (i = a - 1; i >= 0 && !fails; i--) {
		fr[i] = find_frame(&g[i], m, nm,
				   hint ? fr[i + 1] - (g[i + 1].seq - g[i].seq) : 0,
				   fr[i + 1], -1, g[i + 1].ts_ns - g[i].ts_ns);
		if (!fr[i]) {
			if (say)
				ksft_print_msg("buffer seq %u: no camera frame before %ld holds its blocks\n",
					       g[i].seq, fr[i + 1]);
			fails++;
		}
	}
	return fails;
}

/*
 * Check the buffers against the manifest: each one holds its camera
 * frame's good blocks (found from its sequence number, or else searched
 * for), frames in order, flagged when they should be: 0 when all hold.
 * And the frame clock, in *@clock (1 right, 0 wrong, -1 not judged):
 * sequence gaps equal the frames between, but for up to @slack
 * miscounts, and timestamps step as the frames' starts. A guest stalled
 * around more than half the buffers says nothing of the clock: then it is
 * not judged, and the test says why.
 */
static int verify(const struct got *g, int ng, int slack, int *clock)
{
	struct mframe *m;
	int nm = manifest(&m), i, j, fails = 0, flagged = 0, cam_dropped = 0;
	int gaps = 0, near = 0, steps = 0, miscounts = 0, spoilt = 0, early = 0;
	int excused = 0, clock_fails = 0;
	long long longest = 0;
	long lock;
	long *fr = calloc(ng, sizeof(*fr)), a = -1;
	long long worst = 0;

	*clock = -1;
	if (nm <= 0)
		return ksft_print_msg("no manifest\n"), -1;
	/* an anchor: the first buffer with blocks that one frame holds */
	for (i = 0; i < ng && a < 0; i++) {
		int hits = 0;

		if (!g[i].count)
			continue;
		for (j = 0; j < nm; j++)
			if (holds(&g[i], &m[j])) {
				hits++;
				fr[i] = m[j].n;
			}
		if (hits == 1)
			a = i;
	}
	if (a < 0) {
		free(m);
		free(fr);
		return ksft_print_msg("no buffer matches one camera frame\n"), -1;
	}
	/*
	 * The sequence numbers say which frame to try first. Blocks that
	 * several frames hold (no objects in sight, common with one object)
	 * can then lead a miscounted sequence to a wrong frame and a dead
	 * end; frames in order are then looked for without that hint, the
	 * earliest that holds each buffer's blocks. The clock's miscounts
	 * are still counted below, from whichever mapping held.
	 */
	fails = map_frames(g, ng, m, nm, fr, a, true, false);
	if (fails && !map_frames(g, ng, m, nm, fr, a, false, false)) {
		ksft_print_msg("the buffers are camera frames in order only if their sequence numbers are not followed\n");
		fails = 0;
	} else if (fails) {
		fails = map_frames(g, ng, m, nm, fr, a, true, true);
	}
	/*
	 * The driver learns the camera's clock from the first frame it sees
	 * start on an idle line (more than a quarter period after the last
	 * one's end, 6 ms here): counts before that may be off by one.
	 */
	for (j = fr[0] + 1, lock = fr[ng - 1] + 1; j <= fr[ng - 1]; j++) {
		const struct mframe *x = mframe(m, nm, j);
		long long last_end = -1;
		long q;

		for (q = j - 1; q >= fr[0] && last_end < 0; q--)
			if (mframe(m, nm, q))
				last_end = mframe(m, nm, q)->end_ns;
		if (x && x->start_ns >= 0 && last_end >= 0 &&
		    x->start_ns > last_end + 6000000) {
			lock = j;
			break;
		}
	}
	for (i = 0; i < ng && !fails; i++) {
		const struct mframe *f = mframe(m, nm, fr[i]);
		const struct mframe *next = next_sent(m, nm, fr[i]);

		if (!f) {
			fails++;
			continue;
		}
		if (g[i].error)
			flagged++;
		if (spoiled(f))
			spoilt++;
		if (!strcmp(f->state, "intact") && !spoiled(next) &&
		    (g[i].error || g[i].flags)) {
			ksft_print_msg("buffer seq %u: frame %ld intact but flagged %#x\n",
				       g[i].seq, f->n, g[i].flags);
			fails++;
		}
		if (!!g[i].flags != g[i].error) {
			ksft_print_msg("buffer seq %u: header flags %#x, V4L2 error %d\n",
				       g[i].seq, g[i].flags, g[i].error);
			fails++;
		}
		if (!i)
			continue;
		gaps += g[i].seq - g[i - 1].seq - 1;
		for (j = fr[i - 1] + 1; j < fr[i]; j++) {
			const struct mframe *x = mframe(m, nm, j);

			if (x && !strcmp(x->state, "dropped"))
				cam_dropped++;
			if (spoiled(x))
				spoilt++;
		}
		if (stalled_near(g[i - 1].ts_ns) || stalled_near(g[i].ts_ns)) {
			/* late by the host: no clock could tell */
			excused++;
			continue;
		}
		if (fr[i] - fr[i - 1] != (long)(g[i].seq - g[i - 1].seq)) {
			if (fr[i] <= lock) {
				early++;
			} else {
				if (miscounts < 10)
					ksft_print_msg("buffers seq %u, %u are camera frames %ld, %ld\n",
						       g[i - 1].seq, g[i].seq,
						       fr[i - 1], fr[i]);
				miscounts++;
			}
		}
		if (f->start_ns >= 0 && mframe(m, nm, fr[i - 1])->start_ns >= 0) {
			long long dt = g[i].ts_ns - g[i - 1].ts_ns;
			long long want = f->start_ns -
					 mframe(m, nm, fr[i - 1])->start_ns;
			long long d = dt > want ? dt - want : want - dt;

			if (d > worst)
				worst = d;
			steps++;
			if (d <= 8000000)
				near++;
		}
	}
	/*
	 * On a loaded host (make check's two guests on two cores) frames
	 * come late more often: up to one gap in ten may be miscounted
	 * (seen: 4 of 54 with every timestamp step but one within 8 ms).
	 * A frame clock that is wrong miscounts most of them.
	 */
	if (slack < gaps / 10)
		slack = gaps / 10;
	for (i = 0; i < stalls.n; i++)
		if (stalls.to[i] - stalls.from[i] > longest)
			longest = stalls.to[i] - stalls.from[i];
	if (stalls.n)
		ksft_print_msg("the guest stalled %d time(s), the longest %lld ms: %d buffer steps near them excused\n",
			       stalls.n, longest / 1000000, excused);
	ksft_print_msg("%d buffers, camera frames %ld..%ld; %d flagged; %d sequence gaps, %d camera-dropped frames among them; %d spoiled frames; first frame on an idle line %ld: %d miscounted gaps before, %d after (%d allowed); timestamp steps within 8 ms of the camera's: %d of %d (worst %lld us)\n",
		       ng, fr[0], fr[ng - 1], flagged, gaps, cam_dropped, spoilt,
		       lock, early, miscounts, slack + spoilt, near, steps,
		       worst / 1000);
	free(m);
	free(fr);
	if (fails)
		return -1;
	if (excused * 2 > ng - 1) {
		/* a guest that stalls all the time says nothing of the clock */
		ksft_print_msg("the guest stalled around %d of %d buffer steps: too often to judge the frame clock\n",
			       excused, ng - 1);
		return 0;
	}
	if (miscounts > slack + spoilt)
		clock_fails++;
	if (steps && near * 10 < steps * 9) {
		ksft_print_msg("timestamps do not step as the frames' starts\n");
		clock_fails++;
	}
	*clock = !clock_fails;
	return 0;
}

/* Stream @n buffers (by mmap, or read()); @starve: hold them twice. */
static int capture(int n, bool by_read, bool starve, struct got *g)
{
	uint8_t *rbuf = NULL;
	long long t0;
	int i;

	if (by_read) {
		rbuf = malloc(65536);
		for (i = 0; i < n; i++) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			struct v4l2_buffer vb = { 0 };
			ssize_t r;

			if (poll(&p, 1, 5000) <= 0) {
				ksft_print_msg("no frame to read() within 5 s, after %d of %d\n",
					       i, n);
				return -1;
			}
			r = read(fd, rbuf, 65536);
			if (r < 0 && errno == EAGAIN) {
				i--;
				continue;
			}
			if (r < 0) {
				ksft_print_msg("read(): %s\n", strerror(errno));
				return -1;
			}
			/* read() gives no sequence: take it as consecutive */
			vb.sequence = i;
			if (got_from(&g[i], rbuf, r, &vb))
				return -1;
		}
		free(rbuf);
		return 0;
	}
	t0 = mono_ns();
	if (start()) {
		ksft_print_msg("streaming did not start: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct v4l2_buffer vb;

		if (starve && (i == n / 3 || i == 2 * n / 3))
			wait_listed(10);
		if (dq(&vb) ||
		    got_from(&g[i], maps[vb.index], vb.bytesused, &vb))
			goto fail;
		if (!i)
			ksft_print_msg("the first buffer %lld ms after VIDIOC_STREAMON\n",
				       (mono_ns() - t0) / 1000000);
		if (qb(vb.index)) {
			ksft_print_msg("VIDIOC_QBUF: %s\n", strerror(errno));
			goto fail;
		}
	}
	stop();
	return 0;
fail:
	ksft_print_msg("after %d of %d buffers\n", i, n);
	stop();
	return -1;
}

static void run_blocks(int n, bool by_read, bool starve, int slack)
{
	struct got *g = calloc(n, sizeof(*g));
	int ret;

	ksft_set_plan(by_read ? 2 : 3);
	if (pthread_create(&stalls.thread, NULL, stall_watch, NULL))
		ksft_exit_fail_msg("pthread_create\n");
	ret = capture(n, by_read, starve, g);
	stalls.stop = 1;
	pthread_join(stalls.thread, NULL);
	ksft_test_result(!ret, "%d Pixy frames dequeued%s\n", n,
			 by_read ? " by read()" : "");
	if (ret)
		ksft_exit_fail();
	if (by_read) {
		/* no sequence numbers: each buffer's blocks are one frame's */
		struct mframe *m;
		int nm = manifest(&m), i, j, bad = 0;

		for (i = 0; i < n; i++) {
			for (j = 0; j < nm; j++)
				if (same_blocks(g[i].b, g[i].count, m[j].ok,
						m[j].nok))
					break;
			if (j == nm)
				bad++;
		}
		ksft_test_result(!bad, "each of %d buffers read() holds a camera frame's good blocks (%d do not)\n",
				 n, bad);
		free(m);
	} else {
		int clock;

		ksft_test_result(!verify(g, n, slack, &clock),
				 "every buffer is a camera frame, in order: its good blocks, its flags\n");
		if (clock < 0)
			ksft_test_result_skip("the frame clock: not judged (above)\n");
		else
			ksft_test_result(clock,
					 "the frame clock: sequence gaps count the camera's frames%s, timestamps step as their starts\n",
					 starve ? " (the application's missed ones too)" : "");
	}
	free(g);
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}

/* A control's value arrives at the camera, as its command log says. */
static void ctrl_at_camera(uint32_t id, int val, const char *what,
			   const char *want)
{
	struct v4l2_control c = { .id = id, .value = val };
	char final[EMU_LINE] = "";
	long mark = emu_stat("cmds");
	int ok = 0, i;

	if (xioctl(VIDIOC_S_CTRL, &c)) {
		ksft_test_result_fail("%s = %d: %s\n", what, val,
				      strerror(errno));
		return;
	}
	/* the command is on the wire when the ioctl returns; wait for it */
	for (i = 0; i < 200 && emu_stat("cmds") <= mark; i++)
		usleep(10000);
	if (!emu_cmd(final, sizeof(final), NULL, NULL, "status"))
		ok = strstr(final, want) != NULL;
	if (!ok)
		ksft_print_msg("status: %s\n", final);
	ksft_test_result(ok, "%s = %d arrives at the camera (%s)\n", what, val,
			 want);
}

static void run_controls(void)
{
	struct v4l2_control bad = { .id = V4L2_CID_PAN_ABSOLUTE, .value = 5000 };
	struct v4l2_ext_control both[2] = {
		{ .id = V4L2_CID_PAN_ABSOLUTE, .value = 0 },
		{ .id = V4L2_CID_TILT_ABSOLUTE, .value = 1000 },
	};
	struct v4l2_ext_controls ec = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 2, .controls = both,
	};
	long before;

	ksft_set_plan(7);
	ctrl_at_camera(V4L2_CID_PAN_ABSOLUTE, 120, "pan", "pan=120 tilt=500");
	ctrl_at_camera(V4L2_CID_TILT_ABSOLUTE, 870, "tilt", "pan=120 tilt=870");
	ctrl_at_camera(V4L2_CID_BRIGHTNESS, 33, "brightness", "brightness=33");
	ctrl_at_camera(V4L2_CID_SERCAM_LED_RGB, 0x10ff80, "LED", "led=16,255,128");
	/* both servos in one go: one servo command */
	before = emu_stat("cmds_servo");
	if (xioctl(VIDIOC_S_EXT_CTRLS, &ec)) {
		ksft_test_result_fail("pan and tilt at once: %s\n", strerror(errno));
	} else {
		char final[EMU_LINE] = "";
		int i;

		for (i = 0; i < 200 && emu_stat("cmds_servo") <= before; i++)
			usleep(10000);
		emu_cmd(final, sizeof(final), NULL, NULL, "status");
		ksft_test_result(strstr(final, "pan=0 tilt=1000") &&
				 emu_stat("cmds_servo") == before + 1,
				 "pan and tilt set together: one servo command (%lld)\n",
				 emu_stat("cmds_servo") - before);
	}
	/* past the servo's travel: clamped, never a value the camera refuses */
	before = emu_stat("cmds_servo");
	if (!xioctl(VIDIOC_S_CTRL, &bad) && !xioctl(VIDIOC_G_CTRL, &bad)) {
		int i;

		for (i = 0; i < 200 && emu_stat("cmds_servo") <= before; i++)
			usleep(10000);
	}
	ksft_test_result(bad.value == 1000,
			 "pan 5000 is clamped to 1000 (%d)\n", bad.value);
	ksft_test_result(emu_stat("cmds_badvalue") == 0 &&
			 emu_stat("cmds_servo") == before + 1,
			 "the camera got it and refused no value\n");
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "blocks";
	int n = argc > 2 ? atoi(argv[2]) : 50;
	/*
	 * Miscounts allowed once the clock is locked, beside spoiled frames:
	 * one, for a host that delivered a frame's first bytes more than
	 * half a period late (seen once in a few hundred runs' frames on a
	 * loaded test machine).
	 */
	int slack = getenv("PIXY_SLACK") ? atoi(getenv("PIXY_SLACK")) : 1;

	ksft_print_header();
	if (open_node())
		ksft_exit_fail_msg("no sercam metadata node\n");
	if (!strcmp(what, "controls"))
		run_controls();
	else if (!strcmp(what, "starve"))
		run_blocks(n, false, true, slack);
	else
		run_blocks(n, argc > 3 && !strcmp(argv[3], "read"), false,
			   slack);
	return 0;
}
