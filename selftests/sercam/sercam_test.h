/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the sercam selftests: the camera emulator's control
 * channel, V4L2 streaming, and matching captured frames against the
 * emulator's manifest. TAP output comes from the kernel's kselftest.h.
 */
#ifndef SERCAM_TEST_H
#define SERCAM_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/videodev2.h>

#include "kselftest.h"

#define EMU_LINE	512

/* --- the emulator's control channel (virtio-serial port) --- */

/* Lock and open the channel (emu_cmd() does this itself), and undo it. */
int emu_open(void);
void emu_close(void);
/*
 * Send one command line; collect the data lines (if @lines) and return 0
 * for a final "ok" (copied to @final) or -1 for "err" or a dead channel.
 */
int emu_cmd(char *final, size_t size, char ***lines, int *nlines,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* emu_cmd() without data lines; exits the test on failure. */
void emu_do(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void emu_free_lines(char **lines, int n);
/* A numeric "key=value" field of a line, or -1. */
long long emu_field(const char *line, const char *key);
long long emu_stat(const char *name);

struct emu_cmd_entry {
	long seq;
	int addr;
	int cmd;
	uint8_t param[8];
	int nparam;
};

/*
 * Wait until the camera has sent 1.5 KB more: a frame is mid-transfer.
 * Found from the emulator's own counter, never by sleeping. 0, or -1 after
 * 20 s without.
 */
int emu_wait_sending(void);

/* Commands the camera accepted since @since (log since=...). */
int emu_log(long since, struct emu_cmd_entry **out);
long emu_log_mark(void);

struct emu_frame {
	long n;
	int width, height, comp, gray;
	long size;
	uint8_t sha[32];
	bool intact;	/* went out unspoiled (a stream camera's "state") */
};

/* The manifest: every frame the camera ($SERCAM_ADDR, or the first) made. */
int emu_frames(struct emu_frame **out);
int emu_frame_count(void);

/* --- V4L2 --- */

struct cam_buf {
	void *start;
	size_t length;
};

struct cam {
	int fd;
	char path[32];
	struct v4l2_format fmt;
	struct cam_buf bufs[8];
	unsigned int nbufs;
	enum v4l2_memory memory;
};

/* Open the first video node whose driver is sercam (or $SERCAM_DEV). */
int cam_open(struct cam *c);
int cam_set_size(struct cam *c, unsigned int w, unsigned int h);
int cam_set_fmt(struct cam *c, uint32_t fourcc, unsigned int w,
		unsigned int h);
int cam_set_ctrl(struct cam *c, uint32_t id, int32_t val);
/* A control's value, or -1. */
int cam_get_ctrl(struct cam *c, uint32_t id);
int cam_start(struct cam *c, unsigned int nbufs, enum v4l2_memory memory);
/* Dequeue one buffer, waiting at most @timeout_ms; -1 on timeout/error. */
int cam_dqbuf(struct cam *c, struct v4l2_buffer *b, int timeout_ms);
int cam_qbuf(struct cam *c, unsigned int index);
int cam_stop(struct cam *c);
/* Unmap and close, whatever the state: the last close stops streaming. */
void cam_close(struct cam *c);

/* --- frames --- */

void sha256(const void *data, size_t len, uint8_t out[32]);
/*
 * The manifest frame whose bytes these are, searching frames numbered
 * above @after; NULL when none is.
 */
const struct emu_frame *frame_match(const struct emu_frame *f, int n,
				    const void *data, size_t len, long after);
/* Decode a JPEG fully with libjpeg-turbo; 0 when it is a valid image. */
int jpeg_check(const void *data, size_t len, int *w, int *h, int *comps);

double now_s(void);
/* The serdev device the SXH485 driver is bound to (for unbind/bind). */
const char *serdev_name(void);
/* The debugfs counter @name of the camera behind @c, or -1. */
long long cam_stat(struct cam *c, const char *name);

#endif
