// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the sercam selftests. See sercam_test.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>
#include <openssl/evp.h>

#include "sercam_test.h"

/* Replies slower than this mean the emulator or the channel is gone. */
#define EMU_TIMEOUT_MS	20000

static int emu_fd = -1;
static char emu_buf[65536];
static size_t emu_len;

/* One line from the control port, without its newline. */
static int emu_getline(char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(emu_buf, '\n', emu_len);
		struct pollfd p = { .fd = emu_fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t l = nl - emu_buf;

			if (l && emu_buf[l - 1] == '\r')
				emu_buf[l - 1] = 0;
			if (l >= size)
				l = size - 1;
			memcpy(line, emu_buf, l);
			line[l] = 0;
			emu_len -= nl + 1 - emu_buf;
			memmove(emu_buf, nl + 1, emu_len);
			return 0;
		}
		if (emu_len == sizeof(emu_buf))
			emu_len = 0;	/* a line longer than any reply: drop */
		if (poll(&p, 1, EMU_TIMEOUT_MS) <= 0)
			return -1;
		n = read(emu_fd, emu_buf + emu_len, sizeof(emu_buf) - emu_len);
		if (n <= 0)
			return -1;
		emu_len += n;
	}
}

static int emu_send(const char *fmt, va_list ap)
{
	char line[EMU_LINE];
	int len = vsnprintf(line, sizeof(line) - 1, fmt, ap);

	line[len++] = '\n';
	return write(emu_fd, line, len) == len ? 0 : -1;
}

/*
 * A virtio-serial port has one opener at a time, and tests may run side
 * by side (two cameras): each command takes a lock, opens the port, and
 * closes it again.
 */
static int emu_lock_fd = -1;

int emu_open(void)
{
	const char *path = getenv("SERCAM_CTL");
	char line[EMU_LINE];

	if (emu_fd >= 0)
		return 0;
	if (emu_lock_fd < 0)
		emu_lock_fd = open("/tmp/sercam-ctl.lock", O_RDWR | O_CREAT, 0666);
	if (emu_lock_fd < 0 || flock(emu_lock_fd, LOCK_EX))
		return -1;
	emu_len = 0;
	emu_fd = open(path ? path : "/dev/virtio-ports/sercam.ctl", O_RDWR);
	if (emu_fd < 0)
		goto fail;
	/* drop what an earlier test left unread: wait for our own pong */
	if (write(emu_fd, "ping\n", 5) != 5)
		goto fail;
	do {
		if (emu_getline(line, sizeof(line)))
			goto fail;
	} while (strcmp(line, "ok pong"));
	return 0;
fail:
	emu_close();
	return -1;
}

void emu_close(void)
{
	if (emu_fd >= 0)
		close(emu_fd);
	emu_fd = -1;
	if (emu_lock_fd >= 0)
		flock(emu_lock_fd, LOCK_UN);
}

int emu_cmd(char *final, size_t size, char ***lines, int *nlines,
	    const char *fmt, ...)
{
	char line[EMU_LINE];
	va_list ap;
	int n = 0, cap = 0;
	char **v = NULL;

	if (emu_open())
		return -1;
	va_start(ap, fmt);
	if (emu_send(fmt, ap)) {
		va_end(ap);
		emu_close();
		return -1;
	}
	va_end(ap);
	for (;;) {
		if (emu_getline(line, sizeof(line)))
			break;
		if (!strncmp(line, "ok", 2) || !strncmp(line, "err", 3)) {
			if (final)
				snprintf(final, size, "%s", line);
			if (lines) {
				*lines = v;
				*nlines = n;
			} else {
				emu_free_lines(v, n);
			}
			emu_close();
			return line[0] == 'o' ? 0 : -1;
		}
		if (!lines)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(v, cap * sizeof(*v));
		}
		v[n++] = strdup(line);
	}
	emu_free_lines(v, n);
	emu_close();
	return -1;
}

void emu_do(const char *fmt, ...)
{
	char cmd[EMU_LINE], final[EMU_LINE] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (emu_cmd(final, sizeof(final), NULL, NULL, "%s", cmd))
		ksft_exit_fail_msg("emulator: '%s' -> '%s'\n", cmd, final);
}

void emu_free_lines(char **lines, int n)
{
	while (n--)
		free(lines[n]);
	free(lines);
}

long long emu_field(const char *line, const char *key)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=')
			return strtoll(p + kl + 1, NULL, 0);
		p += kl;
	}
	return -1;
}

long long emu_stat(const char *name)
{
	char **lines;
	int n, i;
	long long v = -1;

	if (emu_cmd(NULL, 0, &lines, &n, "stats"))
		return -1;
	for (i = 0; i < n; i++) {
		char key[64];
		long long val;

		if (sscanf(lines[i], "stat %63s %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			v = val;
	}
	emu_free_lines(lines, n);
	return v;
}

int emu_log(long since, struct emu_cmd_entry **out)
{
	struct emu_cmd_entry *e;
	char **lines;
	int n, i, k = 0;

	if (emu_cmd(NULL, 0, &lines, &n, "log since=%ld", since))
		return -1;
	e = calloc(n + 1, sizeof(*e));
	for (i = 0; i < n; i++) {
		char hex[64];
		unsigned int j;

		if (sscanf(lines[i], "cmd %ld %d %x %63s", &e[k].seq, &e[k].addr,
			   &e[k].cmd, hex) != 4)
			continue;
		for (j = 0; hex[0] != '-' && j < sizeof(e[k].param) &&
		     2 * j + 1 < strlen(hex); j++)
			sscanf(hex + 2 * j, "%2hhx", &e[k].param[j]);
		e[k].nparam = hex[0] == '-' ? 0 : j;
		k++;
	}
	emu_free_lines(lines, n);
	*out = e;
	return k;
}

int emu_wait_sending(void)
{
	long long base = emu_stat("tx_bytes");
	double end = now_s() + 20;

	while (now_s() < end)
		if (emu_stat("tx_bytes") > base + 1500)
			return 0;
	return -1;
}

long emu_log_mark(void)
{
	struct emu_cmd_entry *e;
	long seq = 0;
	int n = emu_log(0, &e);

	/* log since=SEQ returns the entries after SEQ */
	if (n > 0)
		seq = e[n - 1].seq;
	free(e);
	return seq;
}

static void parse_frame(const char *line, struct emu_frame *f)
{
	const char *p;
	int i;

	memset(f, 0, sizeof(*f));
	f->n = strtol(line + strcspn(line, "0123456789"), NULL, 10);
	p = strstr(line, "res=");
	if (p)
		sscanf(p, "res=%dx%d", &f->width, &f->height);
	f->comp = emu_field(line, "comp");
	f->gray = emu_field(line, "gray");
	f->size = emu_field(line, "size");
	f->intact = !strstr(line, " state=") || strstr(line, " state=intact");
	p = strstr(line, "sha256=");
	for (i = 0; p && i < 32; i++)
		sscanf(p + 7 + 2 * i, "%2hhx", &f->sha[i]);
}

/* "addr=A" for the camera in $SERCAM_ADDR (several on one bus), or "" */
static const char *emu_addr(void)
{
	static char a[16];
	const char *e = getenv("SERCAM_ADDR");

	snprintf(a, sizeof(a), e ? "addr=%s" : "", e);
	return a;
}

int emu_frames(struct emu_frame **out)
{
	struct emu_frame *f;
	char **lines;
	int n, i, k = 0;

	if (emu_cmd(NULL, 0, &lines, &n, "frames %s", emu_addr()))
		return -1;
	f = calloc(n + 1, sizeof(*f));
	for (i = 0; i < n; i++)
		if (!strncmp(lines[i], "frame ", 6))
			parse_frame(lines[i], &f[k++]);
	emu_free_lines(lines, n);
	*out = f;
	return k;
}

int emu_frame_count(void)
{
	char final[EMU_LINE];

	if (emu_cmd(final, sizeof(final), NULL, NULL, "status %s", emu_addr()))
		return -1;
	return emu_field(final, "frames");
}

/* --- V4L2 --- */

static void cam_unmap(struct cam *c);

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r;
}

int cam_open(struct cam *c)
{
	const char *dev = getenv("SERCAM_DEV");
	glob_t g;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (dev) {
		snprintf(c->path, sizeof(c->path), "%s", dev);
		c->fd = open(c->path, O_RDWR | O_NONBLOCK);
	} else if (!glob("/dev/video*", 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc && c->fd < 0; i++) {
			struct v4l2_capability cap;
			int fd = open(g.gl_pathv[i], O_RDWR | O_NONBLOCK);

			if (fd < 0)
				continue;
			if (!xioctl(fd, VIDIOC_QUERYCAP, &cap) &&
			    !strcmp((char *)cap.driver, "sercam")) {
				c->fd = fd;
				snprintf(c->path, sizeof(c->path), "%s",
					 g.gl_pathv[i]);
			} else {
				close(fd);
			}
		}
		globfree(&g);
	}
	if (c->fd < 0)
		return -1;
	c->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	return xioctl(c->fd, VIDIOC_G_FMT, &c->fmt);
}

int cam_set_fmt(struct cam *c, uint32_t fourcc, unsigned int w,
		unsigned int h)
{
	c->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	c->fmt.fmt.pix.width = w;
	c->fmt.fmt.pix.height = h;
	c->fmt.fmt.pix.pixelformat = fourcc;
	if (xioctl(c->fd, VIDIOC_S_FMT, &c->fmt))
		return -1;
	return c->fmt.fmt.pix.width == w && c->fmt.fmt.pix.height == h &&
	       c->fmt.fmt.pix.pixelformat == fourcc ? 0 : -1;
}

int cam_set_size(struct cam *c, unsigned int w, unsigned int h)
{
	return cam_set_fmt(c, V4L2_PIX_FMT_JPEG, w, h);
}

int cam_set_ctrl(struct cam *c, uint32_t id, int32_t val)
{
	struct v4l2_control ctrl = { .id = id, .value = val };

	return xioctl(c->fd, VIDIOC_S_CTRL, &ctrl);
}

int cam_get_ctrl(struct cam *c, uint32_t id)
{
	struct v4l2_control ctrl = { .id = id };

	return xioctl(c->fd, VIDIOC_G_CTRL, &ctrl) ? -1 : ctrl.value;
}

int cam_start(struct cam *c, unsigned int nbufs, enum v4l2_memory memory)
{
	struct v4l2_requestbuffers req = {
		.count = nbufs, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
	};
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;

	c->memory = memory;
	if (xioctl(c->fd, VIDIOC_REQBUFS, &req) || !req.count)
		return -1;
	c->nbufs = req.count > 8 ? 8 : req.count;
	for (i = 0; i < c->nbufs; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = memory,
			.index = i,
		};

		if (xioctl(c->fd, VIDIOC_QUERYBUF, &b))
			return -1;
		c->bufs[i].length = b.length;
		if (memory == V4L2_MEMORY_MMAP) {
			c->bufs[i].start = mmap(NULL, b.length,
						PROT_READ | PROT_WRITE,
						MAP_SHARED, c->fd, b.m.offset);
			if (c->bufs[i].start == MAP_FAILED)
				return -1;
		} else {
			c->bufs[i].start = aligned_alloc(4096,
							 (b.length + 4095) & ~4095u);
		}
		if (cam_qbuf(c, i))
			return -1;
	}
	return xioctl(c->fd, VIDIOC_STREAMON, &type);
}

int cam_qbuf(struct cam *c, unsigned int index)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = c->memory,
		.index = index,
	};

	if (c->memory == V4L2_MEMORY_USERPTR) {
		b.m.userptr = (unsigned long)c->bufs[index].start;
		b.length = c->bufs[index].length;
	}
	return xioctl(c->fd, VIDIOC_QBUF, &b);
}

int cam_dqbuf(struct cam *c, struct v4l2_buffer *b, int timeout_ms)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	memset(b, 0, sizeof(*b));
	b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b->memory = c->memory;
	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return xioctl(c->fd, VIDIOC_DQBUF, b);
}

int cam_stop(struct cam *c)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers req = {
		.count = 0, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = c->memory,
	};
	int r = xioctl(c->fd, VIDIOC_STREAMOFF, &type);

	cam_unmap(c);
	if (xioctl(c->fd, VIDIOC_REQBUFS, &req))
		r = -1;
	return r;
}

static void cam_unmap(struct cam *c)
{
	unsigned int i;

	for (i = 0; i < c->nbufs; i++) {
		if (c->memory == V4L2_MEMORY_MMAP)
			munmap(c->bufs[i].start, c->bufs[i].length);
		else
			free(c->bufs[i].start);
	}
	c->nbufs = 0;
}

void cam_close(struct cam *c)
{
	/* mappings hold the file open: drop them, as an exiting process does */
	cam_unmap(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* --- frames --- */

void sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

const struct emu_frame *frame_match(const struct emu_frame *f, int n,
				    const void *data, size_t len, long after)
{
	uint8_t h[32];
	int i;

	sha256(data, len, h);
	for (i = 0; i < n; i++)
		if (f[i].n > after && f[i].size == (long)len &&
		    !memcmp(f[i].sha, h, 32))
			return &f[i];
	return NULL;
}

struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void jpeg_fail_exit(j_common_ptr ci)
{
	longjmp(((struct jpeg_fail *)ci->err)->jb, 1);
}

static void jpeg_quiet(j_common_ptr ci, int level)
{
}

int jpeg_check(const void *data, size_t len, int *w, int *h, int *comps)
{
	struct jpeg_decompress_struct ci;
	struct jpeg_fail err;
	JSAMPARRAY row;
	volatile int ret = -1;

	ci.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jpeg_fail_exit;
	err.mgr.emit_message = jpeg_quiet;
	if (setjmp(err.jb)) {
		jpeg_destroy_decompress(&ci);
		return -1;
	}
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, data, len);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK)
		goto out;
	jpeg_start_decompress(&ci);
	row = (*ci.mem->alloc_sarray)((j_common_ptr)&ci, JPOOL_IMAGE,
				      ci.output_width * ci.output_components, 1);
	while (ci.output_scanline < ci.output_height)
		jpeg_read_scanlines(&ci, row, 1);
	/* a corrupt stream decodes with warnings: count them as failure */
	if (err.mgr.num_warnings)
		goto out;
	jpeg_finish_decompress(&ci);
	*w = ci.image_width;
	*h = ci.image_height;
	*comps = ci.num_components;
	ret = 0;
out:
	jpeg_destroy_decompress(&ci);
	return ret;
}

const char *serdev_name(void)
{
	static char name[64];
	glob_t g;

	if (glob("/sys/bus/serial/drivers/sercam_sxh485/serial*", 0, NULL, &g))
		return NULL;
	snprintf(name, sizeof(name), "%s", strrchr(g.gl_pathv[0], '/') + 1);
	globfree(&g);
	return name;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long long cam_stat(struct cam *c, const char *name)
{
	char path[160], line[128], key[64];
	const char *node = strrchr(c->path, '/');
	long long v = -1, val;
	glob_t g;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/sercam/*/%s/stats",
		 node ? node + 1 : c->path);
	if (glob(path, 0, NULL, &g))
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			v = val;
	fclose(f);
	return v;
}
