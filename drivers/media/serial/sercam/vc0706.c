// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - VC0706 serial JPEG cameras: Adafruit's TTL Serial JPEG Camera,
 * LinkSprite LS-Y201, the Grove Serial Camera
 *
 * A pull family (shared/protocols/vc0706.md): commands `56 sn cmd len
 * data`, replies `76 sn cmd status len data`, and no checksum anywhere.
 * A frame is frozen in the camera's buffer, its length asked, its bytes
 * read in chunks (each between two wrappers that must be whole) and the
 * camera resumed; the assembled JPEG must pass the marker walk before it
 * is delivered. After any broken chunk or JPEG the link is not trusted:
 * for a while every chunk is read twice and must come the same.
 *
 * The camera is found by scanning the rates (get version at each, 38400
 * first: its power-on rate), then moved to max-speed. A size change is
 * written to the camera's EEPROM and takes a reset, after which the
 * camera is at its power-on rate: it is looked for again. Motion the
 * camera detects (V4L2_CID_DETECT_MD_MODE turns it on) is reported unasked
 * and becomes V4L2_EVENT_MOTION_DET.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/bits.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/videodev2.h>
#include <linux/sercam.h>
#include <media/v4l2-ctrls.h>

#include "sercam-compat.h"
#include "sercam-family.h"
#include "sercam-jpeg.h"
#include "vc0706-proto.h"

/* Time the camera may take to start answering a command. */
#define VC_CMD_MS			100
/* Silence inside a reply that means bytes were lost. */
#define VC_GAP_MS			100
/* The camera's wait before a read's data, in 0.01 ms (the libraries'). */
#define VC_READ_DELAY			0x000a
/* Attempts per command, per chunk. */
#define VC_TRIES			3
/* Chunk sizes: adapted like SXH485's packets, halved on a broken one. */
#define VC_CHUNK_MIN			64
#define VC_CHUNK_MAX			8192
/* Clean frames before the chunk size doubles again. */
#define VC_CLEAN_FRAMES			4
/* Frames read twice after a broken chunk or JPEG. */
#define VC_VERIFY_FRAMES		8
/* After a reset: the boot text comes within this, then the camera. */
#define VC_BOOT_MS			3000
/* Capture time at 640x480 (the camera freezes a frame it has). */
#define VC_CAPTURE_US_VGA		50000
/* After set port's reply, before talking at the new rate. */
#define VC_SWITCH_MS			10

enum {
	VC_STAT_VERIFIED,
	VC_STAT_BAD_JPEG,
	VC_STAT_RESETS,
	VC_STAT_MOTION,
};

static const char *const vc_stat_names[] = {
	[VC_STAT_VERIFIED] = "verified_chunks",
	[VC_STAT_BAD_JPEG] = "bad_jpeg",
	[VC_STAT_RESETS] = "resets",
	[VC_STAT_MOTION] = "motion_reports",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(vc_stat_names);

/**
 * struct vc_cam - a VC0706 camera
 * @sn: its serial number
 * @size: the image size code the camera uses, -1 when unknown
 * @ratio: the compression ratio it has, -1 when unknown
 * @want_ratio: the ratio the quality control wants (READ_ONCE)
 * @want_motion: motion detection on (the control; READ_ONCE)
 * @motion: what the camera has: 1 on, 0 off, -1 unknown
 * @want_tvout: TV out on (the control; READ_ONCE)
 * @tvout: what the camera has: 1 on, 0 off, -1 unknown
 * @has_tvout: the camera takes the TV out command: 1 yes, 0 no (an error
 *	status), -1 not known yet
 * @tvout_ctrl: the TV out control, made inactive when it has none
 * @mwin: the last bytes no exchange awaited, newest lowest (the receive
 *	path's, under the link's receive lock): a motion report between
 *	replies
 * @chunk: the read size in use
 * @clean: clean frames since @chunk last changed
 * @verify: frames still to read twice
 * @verify_all: every chunk is read twice (vimicro,verify-reads): a noisy
 *	link, where a flipped bit in the picture's data is otherwise unseen
 * @frozen: a freeze was answered and no resume since: the camera may
 *	still hold that frame, which must not be delivered twice
 * @copy: the second read of a chunk
 * @tail: the last chunk of a frame, rounded up to a multiple of 8: read
 *	here, so that the buffer is not written past the frame
 *
 * Everything but @want_ratio, @want_motion, @want_tvout and @mwin is under
 * the link's claim.
 */
struct vc_cam {
	u8 sn;
	int size;
	int ratio;
	int want_ratio;
	int want_motion;
	int motion;
	int want_tvout;
	int tvout;
	int has_tvout;
	struct v4l2_ctrl *tvout_ctrl;
	u64 mwin;
	u32 chunk;
	unsigned int clean;
	unsigned int verify;
	bool verify_all;
	bool frozen;
	u8 copy[VC_CHUNK_MAX];
	u8 tail[VC_CHUNK_MAX];
};

static const struct sercam_mode vc_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 640, .height = 480,
	  .code = VC_SIZE_640 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 320, .height = 240,
	  .code = VC_SIZE_320 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 160, .height = 120,
	  .code = VC_SIZE_160 },
};

static bool vc_give_up(int ret)
{
	return ret == -ECANCELED || ret == -EINTR;
}

/* --- exchanges ----------------------------------------------------------- */

static void vc_listen(void *ctx, const u8 *buf, size_t len, ktime_t t);

/* An exchange's reply parser, and the camera it talks to. */
struct vc_xctx {
	struct vc_rx *r;
	struct sercam_camera *cam;
};

static void vc_rx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	struct vc_xctx *xc = x->ctx;
	struct vc_cam *vc = xc->cam->priv;
	size_t used;
	int ret;

	/* a motion report's end, begun before this exchange */
	if (vc_motion_rest(&vc->mwin, vc->sn, buf, len, &used)) {
		sercam_fstat_add(xc->cam, VC_STAT_MOTION, 1);
		sercam_camera_motion(xc->cam);
	}
	if (used == len)
		return;
	buf += used;
	len -= used;
	ret = vc_rx_feed(xc->r, buf, len, &used);
	if (ret == -EINPROGRESS)
		return;
	sercam_xfer_end(x, ret);
	/* a motion report right after the reply may come in the same run */
	if (used < len)
		vc_listen(xc->cam, buf + used, len - used, 0);
}

/*
 * Send @tx (@n bytes) and collect the reply to @cmd in @r (a read's data
 * to @dst, @dlen bytes). The link is claimed.
 */
static int vc_xfer(struct sercam_camera *cam, const u8 *tx, size_t n, u8 cmd,
		   struct vc_rx *r, u8 *dst, u32 dlen,
		   const struct sercam_stop *stop)
{
	struct sercam_link *link = cam->link;
	struct vc_cam *vc = cam->priv;
	u32 reply = VC_HDR_LEN + VC_DATA_MAX + (dst ? dlen + VC_HDR_LEN : 0);
	struct vc_xctx xc = { .r = r, .cam = cam };
	struct sercam_xfer x = {
		.tx = tx, .tx_len = n,
		.rx = vc_rx, .ctx = &xc,
		.stop = stop,
		.first_ms = VC_CMD_MS + sercam_link_wire_ms(link, n),
		.gap_ms = VC_GAP_MS,
		.total_ms = VC_CMD_MS + VC_GAP_MS +
			    2 * sercam_link_wire_ms(link, n + reply),
	};
	u32 motion;
	int ret;

	vc_rx_start(r, vc->sn, cmd, dst, dlen);
	motion = r->motion;
	ret = sercam_link_xfer_claimed(link, &x);
	for (; motion != r->motion; motion++) {
		sercam_fstat_add(cam, VC_STAT_MOTION, 1);
		sercam_camera_motion(cam);
	}
	switch (ret) {
	case 0:
	case -ECANCELED:
	case -EINTR:
		break;
	case -ETIMEDOUT:
		sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
		/* cut short, not silent: a broken reply, not a lost camera */
		if (r->seen)
			ret = -EBADMSG;
		break;
	case -EMSGSIZE:
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		break;
	case -EIO:
		dev_dbg(cam->dev, "command %#04x: status %u\n", cmd, r->status);
		fallthrough;
	default:
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		break;
	}
	return ret;
}

/* A command with @len bytes of @data, tried up to %VC_TRIES times. */
static int vc_cmd(struct sercam_camera *cam, u8 cmd, const u8 *data, u8 len,
		  struct vc_rx *r, const struct sercam_stop *stop)
{
	struct vc_cam *vc = cam->priv;
	u8 tx[4 + VC_DATA_MAX];
	size_t n = vc_encode(tx, vc->sn, cmd, data, len);
	int i, ret = -EIO;

	for (i = 0; i < VC_TRIES; i++) {
		if (i)
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		ret = vc_xfer(cam, tx, n, cmd, r, NULL, 0, stop);
		if (!ret || vc_give_up(ret) || ret == -EIO)
			break;
	}
	return ret;
}

/* A command with one byte of data and an empty reply. */
static int vc_cmd1(struct sercam_camera *cam, u8 cmd, u8 arg,
		   const struct sercam_stop *stop)
{
	struct vc_rx r = {};

	return vc_cmd(cam, cmd, &arg, 1, &r, stop);
}

/* --- finding the camera -------------------------------------------------- */

static int vc_hello(struct sercam_camera *cam, const struct sercam_stop *stop)
{
	struct vc_rx r = {};
	int ret;

	ret = vc_cmd(cam, VC_GET_VERSION, NULL, 0, &r, stop);
	if (ret)
		return ret;
	/* "VC0703 1.00" and the like */
	if (r.len < 4 || memcmp(r.data, "VC07", 4)) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	return 0;
}

static int vc_set_rate(struct sercam_camera *cam, u32 baud,
		       const struct sercam_stop *stop)
{
	u8 data[3] = { 0x01 };
	struct vc_rx r = {};
	int ret;

	if (vc_baud_code(baud, data + 1))
		return -EINVAL;
	ret = vc_cmd(cam, VC_SET_PORT, data, sizeof(data), &r, stop);
	if (!ret)
		ret = sercam_link_sleep(cam->link, VC_SWITCH_MS, stop);
	return ret;
}

/*
 * Bytes no exchange awaits: a motion report (76 sn 39 00 00) the camera
 * sent between replies. Under the link's receive lock.
 */
static void vc_listen(void *ctx, const u8 *buf, size_t len, ktime_t t)
{
	struct sercam_camera *cam = ctx;
	struct vc_cam *vc = cam->priv;
	unsigned int n = vc_motion_feed(&vc->mwin, vc->sn, buf, len);

	while (n--) {
		sercam_fstat_add(cam, VC_STAT_MOTION, 1);
		sercam_camera_motion(cam);
	}
}

static int vc_cam_init(struct sercam_camera *cam)
{
	struct vc_cam *vc = cam->priv;

	/* after a power cycle or reset: what the camera has is not known */
	vc->ratio = -1;
	vc->motion = -1;
	vc->tvout = -1;
	vc->frozen = true;	/* resume first: harmless when not frozen */
	/* the one camera on the line: what it says unasked is for us */
	sercam_link_listen(cam->link, vc_listen, cam);
	return 0;
}

/* --- settings ------------------------------------------------------------- */

/* Write data: @reg (4 bytes of address) = @val. */
static int vc_write(struct sercam_camera *cam, const u8 reg[4], u8 val,
		    const struct sercam_stop *stop)
{
	u8 data[5];
	struct vc_rx r = {};

	memcpy(data, reg, 4);
	data[4] = val;
	return vc_cmd(cam, VC_WRITE_DATA, data, sizeof(data), &r, stop);
}

static const u8 vc_reg_ratio[4] = { 0x01, 0x01, 0x12, 0x04 };
static const u8 vc_reg_size[4] = { 0x04, 0x01, 0x00, 0x19 };

/* The compression the control wants, if the camera has another. */
static int vc_sync_ratio(struct sercam_camera *cam,
			 const struct sercam_stop *stop)
{
	struct vc_cam *vc = cam->priv;
	int want = READ_ONCE(vc->want_ratio);
	int ret;

	if (vc->ratio == want)
		return 0;
	ret = vc_write(cam, vc_reg_ratio, want, stop);
	vc->ratio = ret ? -1 : want;
	return ret;
}

/*
 * Motion detection as the control wants it, if the camera has another:
 * reports on the UART (42 03 00 01 01), then detection on or off (37).
 */
static int vc_sync_motion(struct sercam_camera *cam,
			  const struct sercam_stop *stop)
{
	static const u8 uart[] = { 0x00, 0x01, 0x01 };
	struct vc_cam *vc = cam->priv;
	u8 want = READ_ONCE(vc->want_motion);
	struct vc_rx r = {};
	int ret = 0;

	if (vc->motion == want)
		return 0;
	if (want)
		ret = vc_cmd(cam, VC_COMM_MOTION, uart, sizeof(uart), &r, stop);
	if (!ret)
		ret = vc_cmd(cam, VC_MOTION_CTRL, &want, 1, &r, stop);
	vc->motion = ret ? -1 : want;
	return ret;
}

/*
 * TV out as the control wants it, if the camera has another. A camera
 * that answers the command with an error status has no TV out: the
 * control goes inactive.
 */
static int vc_sync_tvout(struct sercam_camera *cam,
			 const struct sercam_stop *stop)
{
	struct vc_cam *vc = cam->priv;
	u8 want = READ_ONCE(vc->want_tvout);
	int ret;

	if (!vc->has_tvout || vc->tvout == want)
		return 0;
	ret = vc_cmd1(cam, VC_TV_OUT, want, stop);
	if (ret == -EIO && vc->has_tvout < 0) {
		vc->has_tvout = 0;
		v4l2_ctrl_activate(vc->tvout_ctrl, false);
		dev_info(cam->dev, "VC0706 camera: no TV out, its control is inactive\n");
		return 0;
	}
	vc->tvout = ret ? -1 : want;
	if (!ret)
		vc->has_tvout = 1;
	return ret;
}

/*
 * The boot text after a reset ends "Init end\r\n" at the camera's
 * power-on rate: any bytes and then a silence will do (at another rate
 * they come garbled).
 */
static void vc_boot_rx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	static const char end[] = "Init end\r\n";
	u32 *tail = x->ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		*tail = buf[i] == end[*tail] ? *tail + 1 :
			buf[i] == end[0];
		if (*tail == sizeof(end) - 1) {
			sercam_xfer_end(x, 0);
			return;
		}
	}
	/* bytes came: the exchange now ends after the gap */
	x->status = -EAGAIN;
}

/*
 * A new image size: written to the EEPROM, applied by a reset. The
 * camera then restarts at its power-on rate: it is looked for again.
 * The link is claimed, and released on return.
 */
static int vc_set_size(struct sercam_camera *cam, u8 code)
{
	struct vc_cam *vc = cam->priv;
	u32 tail = 0;
	struct sercam_xfer boot = {
		.rx = vc_boot_rx, .ctx = &tail, .stop = &cam->stop,
		.first_ms = VC_BOOT_MS, .gap_ms = VC_GAP_MS,
		.total_ms = 2 * VC_BOOT_MS,
	};
	struct vc_rx r = {};
	int ret;

	ret = vc_write(cam, vc_reg_size, code, &cam->stop);
	if (!ret)
		ret = vc_cmd(cam, VC_RESET, NULL, 0, &r, &cam->stop);
	if (!ret) {
		sercam_fstat_add(cam, VC_STAT_RESETS, 1);
		ret = sercam_link_xfer_claimed(cam->link, &boot);
		/* the text, or bytes garbled at another rate, or none */
		if (ret == -EAGAIN || ret == -ETIMEDOUT)
			ret = 0;
	}
	sercam_link_release(cam->link);
	if (ret)
		return ret;
	vc->size = code;
	vc->ratio = -1;
	sercam_camera_forget(cam);
	return sercam_camera_ready(cam, &cam->stop);
}

static int vc_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct sercam_camera *cam = ctrl->priv;
	struct vc_cam *vc = cam->priv;
	int *want, old, ret;

	switch (ctrl->id) {
	case V4L2_CID_JPEG_COMPRESSION_QUALITY:
		want = &vc->want_ratio;
		old = READ_ONCE(*want);
		WRITE_ONCE(*want, vc_quality_ratio(ctrl->val));
		break;
	case V4L2_CID_DETECT_MD_MODE:
		want = &vc->want_motion;
		old = READ_ONCE(*want);
		WRITE_ONCE(*want, ctrl->val == V4L2_DETECT_MD_MODE_GLOBAL);
		break;
	case V4L2_CID_SERCAM_TV_OUT:
		want = &vc->want_tvout;
		old = READ_ONCE(*want);
		WRITE_ONCE(*want, ctrl->val);
		break;
	default:
		return -EINVAL;
	}
	/* at once when the camera is there; else before its next frame */
	if (!READ_ONCE(cam->present) && sercam_camera_ready(cam, &cam->gone))
		return 0;
	ret = sercam_link_claim(cam->link, &cam->gone);
	if (!ret) {
		ret = vc_sync_ratio(cam, &cam->gone);
		if (!ret)
			ret = vc_sync_motion(cam, &cam->gone);
		if (!ret)
			ret = vc_sync_tvout(cam, &cam->gone);
		sercam_link_release(cam->link);
	}
	if (ret) {
		WRITE_ONCE(*want, old);
		if (!vc_give_up(ret))
			sercam_stat_inc(cam, SERCAM_STAT_CTRL_ERRORS);
	}
	return ret;
}

static const struct v4l2_ctrl_ops vc_ctrl_ops = {
	.s_ctrl = vc_s_ctrl,
};

/* the camera's composite video output; off at power-on */
static const struct v4l2_ctrl_config vc_tvout_ctrl = {
	.ops = &vc_ctrl_ops,
	.id = V4L2_CID_SERCAM_TV_OUT,
	.name = "TV Out",
	.type = V4L2_CTRL_TYPE_BOOLEAN,
	.min = 0,
	.max = 1,
	.step = 1,
	.def = 0,
};

static int vc_init_ctrls(struct sercam_camera *cam,
			 struct v4l2_ctrl_handler *hdl)
{
	struct vc_cam *vc = cam->priv;
	struct v4l2_ctrl *q, *md;

	/* quality 90: the ratio 0x3f, near the vendors' 0x35 default */
	q = v4l2_ctrl_new_std(hdl, &vc_ctrl_ops,
			      V4L2_CID_JPEG_COMPRESSION_QUALITY, 1, 100, 1, 90);
	/* the camera detects motion in the whole picture, or not at all */
	md = v4l2_ctrl_new_std_menu(hdl, &vc_ctrl_ops, V4L2_CID_DETECT_MD_MODE,
				    V4L2_DETECT_MD_MODE_GLOBAL, 0,
				    V4L2_DETECT_MD_MODE_DISABLED);
	vc->tvout_ctrl = v4l2_ctrl_new_custom(hdl, &vc_tvout_ctrl, NULL);
	if (hdl->error)
		return hdl->error;
	q->priv = cam;
	md->priv = cam;
	vc->tvout_ctrl->priv = cam;
	return 0;
}

/* --- capture ------------------------------------------------------------- */

/* Read @n bytes at @addr into @dst, twice when the link is not trusted. */
static int vc_read_chunk(struct sercam_camera *cam, u32 addr, u8 *dst, u32 n)
{
	struct vc_cam *vc = cam->priv;
	u8 tx[VC_READ_REQ_LEN];
	struct vc_rx r = {};
	size_t len = vc_read_req(tx, vc->sn, addr, n, VC_READ_DELAY);
	int ret;

	ret = vc_xfer(cam, tx, len, VC_READ_FBUF, &r, dst, n, &cam->stop);
	if (ret || (!vc->verify && !vc->verify_all))
		return ret;
	ret = vc_xfer(cam, tx, len, VC_READ_FBUF, &r, vc->copy, n,
		      &cam->stop);
	if (!ret && memcmp(dst, vc->copy, n)) {
		sercam_stat_inc(cam, SERCAM_STAT_CRC_ERRORS);
		return -EBADMSG;
	}
	if (!ret)
		sercam_fstat_add(cam, VC_STAT_VERIFIED, 1);
	return ret;
}

/* The frozen frame, @size bytes, into @f. The link is claimed. */
static int vc_read_frame(struct sercam_camera *cam, struct sercam_frame *f,
			 u32 size, bool *broken)
{
	struct vc_cam *vc = cam->priv;
	u32 off, n;
	int i, ret = 0;

	for (off = 0; off < size; off += n) {
		/* whole multiples of 8: past the end the camera sends 00 */
		u32 left = size - off;
		u8 *dst;

		n = min(vc->chunk, round_up(left, VC_ALIGN));
		dst = n > left ? vc->tail : f->buf + off;
		for (i = 0; i < VC_TRIES; i++) {
			if (i)
				sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
			ret = vc_read_chunk(cam, off, dst, n);
			/* silence: the camera is gone or restarted */
			if (!ret || vc_give_up(ret) || ret == -ETIMEDOUT)
				break;
			/* the rest of this frame, and a few more, twice */
			*broken = true;
			vc->verify = VC_VERIFY_FRAMES;
		}
		if (ret)
			return ret;
		if (dst == vc->tail)
			memcpy(f->buf + off, vc->tail, left);
	}
	return 0;
}

static void vc_adapt(struct vc_cam *vc, bool broken)
{
	if (broken) {
		vc->clean = 0;
		vc->chunk = max_t(u32, vc->chunk / 2, VC_CHUNK_MIN);
	} else if (++vc->clean >= VC_CLEAN_FRAMES && vc->chunk < VC_CHUNK_MAX) {
		vc->clean = 0;
		vc->chunk = min_t(u32, vc->chunk * 2, VC_CHUNK_MAX);
	}
}

/* Freeze, length, reads, resume. The link is claimed. */
static int vc_snapshot(struct sercam_camera *cam, struct sercam_frame *f,
		       bool *broken)
{
	struct vc_cam *vc = cam->priv;
	u8 which = 0;
	struct vc_rx r = {};
	u32 size;
	int ret, resume;

	/*
	 * A camera still frozen (its resume was lost) would answer the
	 * freeze with the frame already delivered.
	 */
	if (vc->frozen) {
		ret = vc_cmd1(cam, VC_FBUF_CTRL, VC_FBUF_RESUME, &cam->stop);
		/* a status: it answered, and runs */
		if (ret && ret != -EIO)
			return ret;
		vc->frozen = false;
	}
	/*
	 * Frozen from the moment the command may have reached the camera:
	 * a freeze cancelled (stream-off) or unanswered may have taken.
	 */
	vc->frozen = true;
	ret = vc_cmd1(cam, VC_FBUF_CTRL, VC_FBUF_FREEZE, &cam->stop);
	if (ret)
		return ret;
	f->timestamp = ktime_get_ns();
	ret = vc_cmd(cam, VC_GET_FBUF_LEN, &which, 1, &r, &cam->stop);
	if (!ret && r.len != 4)
		ret = -EPROTO;
	if (!ret) {
		size = get_unaligned_be32(r.data);
		if (!size || size > f->size) {
			sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
			ret = -EMSGSIZE;
		}
	}
	if (!ret)
		ret = vc_read_frame(cam, f, size, broken);
	if (vc_give_up(ret))
		return ret;
	resume = vc_cmd1(cam, VC_FBUF_CTRL, VC_FBUF_RESUME, &cam->stop);
	if (!resume)
		vc->frozen = false;
	if (ret)
		return ret;
	if (resume)
		return resume;
	/* no checksum on the wire: the JPEG itself must hold */
	f->len = sercam_jpeg_check(f->buf, size, NULL, NULL);
	if (!f->len) {
		sercam_fstat_add(cam, VC_STAT_BAD_JPEG, 1);
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		*broken = true;
		return -EILSEQ;
	}
	return 0;
}

static int vc_capture(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct vc_cam *vc = cam->priv;
	bool broken = false;
	int ret;

	ret = sercam_camera_ready(cam, &cam->stop);
	if (ret)
		return ret;
	ret = sercam_link_claim(cam->link, &cam->stop);
	if (ret)
		return ret;
	if (vc->size != cam->mode->code) {
		ret = vc_set_size(cam, cam->mode->code);	/* releases */
		if (ret)
			return ret;
		ret = sercam_link_claim(cam->link, &cam->stop);
		if (ret)
			return ret;
	}
	ret = vc_sync_ratio(cam, &cam->stop);
	if (!ret)
		ret = vc_sync_motion(cam, &cam->stop);
	if (!ret)
		ret = vc_sync_tvout(cam, &cam->stop);
	if (!ret)
		ret = vc_snapshot(cam, f, &broken);
	sercam_link_release(cam->link);
	vc_adapt(vc, broken);
	if (broken)
		vc->verify = VC_VERIFY_FRAMES;
	else if (!ret && vc->verify)
		vc->verify--;
	if (ret == -ETIMEDOUT) {
		/* silence: restarted at its power-on rate, or gone */
		vc->size = -1;
		sercam_camera_forget(cam);
	}
	return ret;
}

/* --- the camera in the devicetree ---------------------------------------- */

static void vc_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	u32 px = m->width * m->height;

	m->capture_us = div_u64((u64)VC_CAPTURE_US_VGA * px, 640 * 480);
	m->max_size = PAGE_ALIGN(px / 2);
	m->typical_size = px / 8;
}

static int vc_probe_cam(struct sercam_camera *cam)
{
	struct vc_cam *vc;
	u32 sn = 0;

	fwnode_property_read_u32(cam->fwnode, "vimicro,serial-number", &sn);
	if (sn > 0xff) {
		dev_err(cam->dev, "vimicro,serial-number = %u: at most 255\n",
			sn);
		return -EINVAL;
	}
	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	cam->priv = vc;
	vc->sn = sn;
	vc->size = -1;
	vc->ratio = -1;
	vc->want_ratio = vc_quality_ratio(90);
	vc->motion = -1;
	vc->tvout = -1;
	vc->has_tvout = -1;
	cam->motion = true;
	vc->chunk = VC_CHUNK_MAX;
	vc->verify_all = fwnode_property_read_bool(cam->fwnode,
						   "vimicro,verify-reads");
	return 0;
}

/*
 * Streaming stopped: a snapshot cut short left the camera frozen, and a
 * frozen camera holds its motion reports back until it runs again. Let
 * it run while nobody reads frames.
 */
static void vc_stream_off(struct sercam_camera *cam)
{
	struct vc_cam *vc = cam->priv;
	int ret;

	if (sercam_link_claim(cam->link, &cam->gone))
		return;
	if (vc->frozen) {
		ret = vc_cmd1(cam, VC_FBUF_CTRL, VC_FBUF_RESUME, &cam->gone);
		/* a status: it answered, and runs */
		if (!ret || ret == -EIO)
			vc->frozen = false;
	}
	sercam_link_release(cam->link);
}

/*
 * The read's state, for a look at how the link is doing: the chunk size it
 * adapted to, the frames still read twice, the clean frames towards the
 * next larger chunk. Read without the link (a snapshot of changing words).
 */
static int vc_info_show(struct seq_file *m, void *unused)
{
	struct sercam_camera *cam = m->private;
	struct vc_cam *vc = cam->priv;

	seq_printf(m, "chunk %u (%u..%u)\nverify_frames %u\nclean_frames %u\nverify_reads %d\n",
		   READ_ONCE(vc->chunk), VC_CHUNK_MIN, VC_CHUNK_MAX,
		   READ_ONCE(vc->verify), READ_ONCE(vc->clean),
		   vc->verify_all);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vc_info);

static void vc_debugfs(struct sercam_camera *cam, struct dentry *dir)
{
	debugfs_create_file("vc0706", 0444, dir, cam, &vc_info_fops);
}

static const struct sercam_family_ops vc_ops = {
	.probe = vc_probe_cam,
	.fill_mode = vc_fill_mode,
	.init_ctrls = vc_init_ctrls,
	.hello = vc_hello,
	.set_rate = vc_set_rate,
	.cam_init = vc_cam_init,
	.capture = vc_capture,
	.stream_off = vc_stream_off,
	.debugfs = vc_debugfs,
};

/* Power-on 38400 first; then where a host may have left it. */
static const u32 vc_rates[] = {
	38400, 115200, 57600, 19200, 9600, 0
};

/* The rates set port has a code for. */
static const u32 vc_max_rates[] = {
	9600, 19200, 38400, 57600, 115200, 0
};

/* what sercam-attach may set besides the common properties */
static const struct sercam_prop vc_props[] = {
	{ "vimicro,serial-number", SERCAM_PROP_U32 },
	{ "vimicro,verify-reads", SERCAM_PROP_BOOL },
	{ }
};

static const struct sercam_family vc_family = {
	.name = "VC0706",
	.short_name = "vc0706",
	.owner = THIS_MODULE,
	.ops = &vc_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.modes = vc_modes,
	.num_modes = ARRAY_SIZE(vc_modes),
	.rates = vc_rates,
	.max_rates = vc_max_rates,
	.default_baud = 38400,
	.stat_names = vc_stat_names,
	.props = vc_props,
};

static int vc_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &vc_family);
}

static void vc_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id vc_of_match[] = {
	{ .compatible = "vimicro,vc0706" },
	{ }
};
MODULE_DEVICE_TABLE(of, vc_of_match);

static struct serdev_device_driver vc_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = vc_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = vc_probe,
	.remove = vc_remove,
};
module_sercam_driver(vc_driver, vc_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("VC0706 serial JPEG cameras (Adafruit, LinkSprite, Grove) as V4L2 devices");
MODULE_LICENSE("GPL");
