// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the SXH485 family
 *
 * The session part of the SXH485 protocol (the pure part is in
 * sxh485-proto.c): say hello, switch rates, send settings, and capture.
 *
 * Capture has two ways:
 * - packet mode (0x30, then 0x31 for each packet): every packet has its own
 *   CRC and is asked for again when it arrives broken. The packet size
 *   follows the link: the largest on a clean link, smaller under bit errors
 *   (sxh485_best_pkt_size());
 * - whole-image mode (0x02, or 0x12 for black and white): one request, one
 *   reply with the whole JPEG. Least overhead, but one bad byte loses the
 *   frame. Used from the start; after it fails, packet mode takes over
 *   until a few frames in a row came through without a retry. Always used
 *   for black and white, which has no packet mode.
 * Either way the JPEG bytes land straight in the buffer the V4L2 face hands
 * over, and nothing is delivered that failed a CRC or lacks SOI/EOI.
 *
 * Settings: brightness, contrast and the IR light go to the camera when
 * the control is set (and again before the next frame if the camera lost
 * them); JPEG quality and black and white are parameters of the captures.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mod_devicetable.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/videodev2.h>
#include <media/v4l2-ctrls.h>

#include "sercam-compat.h"
#include "sercam-family.h"
#include "sxh485-proto.h"

/* Command latency budget: the camera needs ~2 ms, cheap firmware more. */
#define SXH485_CMD_MS			50
/* After a rate command, before talking at the new rate. */
#define SXH485_SWITCH_MS		10
/*
 * Silence inside a reply that means bytes were lost (the link adds its
 * allowance for a stalled host receive path). Generous: a USB adapter or
 * a busy virtual machine delivers bytes in bursts.
 */
#define SXH485_GAP_MS			100
/* Capture time at 640x480; it scales with the pixel count. */
#define SXH485_CAPTURE_US_VGA		150000
/* Attempts per request, and per frame (a frame restarts with a capture). */
#define SXH485_TRIES			3
#define SXH485_FRAME_TRIES		2
/*
 * Reply bytes after which the error statistics are halved (forgotten):
 * long enough for a steady estimate at 1e-4 per byte, short enough that
 * the packet size grows back within seconds of the link coming clean.
 */
#define SXH485_WINDOW_BYTES		(128 * 1024)
/* Clean packet-mode frames before whole-image mode is tried (auto). */
#define SXH485_WHOLE_AFTER		4
/*
 * Host-side cost of a request beyond its bytes: the camera's latency and
 * the host's turnaround, in ms; used to weigh the packet size.
 */
#define SXH485_TURNAROUND_MS		3

/**
 * enum sxh485_transfer - how images cross the wire
 * @SXH485_TRANSFER_AUTO: whole images on a clean link, packets otherwise
 * @SXH485_TRANSFER_PACKET: always packets
 * @SXH485_TRANSFER_WHOLE: always whole images
 */
enum sxh485_transfer {
	SXH485_TRANSFER_AUTO,
	SXH485_TRANSFER_PACKET,
	SXH485_TRANSFER_WHOLE,
};

static const char *const sxh485_transfer_names[] = {
	[SXH485_TRANSFER_AUTO] = "auto",
	[SXH485_TRANSFER_PACKET] = "packet",
	[SXH485_TRANSFER_WHOLE] = "whole",
};

/**
 * struct sxh485_reply - what an exchange waits for, and what came
 * @cam: the camera asking (whose counters the receive path feeds)
 * @parser: the receive parser, for this exchange only
 * @exp: the expected reply, handed to the parser
 * @dup_pkt: packet number whose late duplicate is ignored (-1: none)
 * @head: first payload bytes of the reply
 * @head_got: valid bytes in @head
 * @len: the reply's payload length
 * @sized: the exchange's deadline was set from the reply's length
 */
struct sxh485_reply {
	struct sercam_camera *cam;
	struct sxh485_parser parser;
	struct sxh485_expect exp;
	int dup_pkt;
	u8 head[SXH485_HEAD_MAX];
	u8 head_got;
	u32 len;
	bool sized;
};

/**
 * struct sxh485_cam - SXH485 state of a camera
 * @res: packet-mode resolution code the camera has (0: unknown)
 * @compression: compression level the camera has (-1: unknown)
 * @pkt_size: packet size the camera has (0: unknown)
 * @bright: brightness the camera has (-1: unknown)
 * @contrast: contrast the camera has (-1: unknown)
 * @ir: IR light state the camera has (-1: unknown)
 * @want_bright: brightness asked for
 * @want_contrast: contrast asked for
 * @want_ir: IR light asked for
 * @want_comp: compression level asked for
 * @gray: capture black and white
 * @transfer: transfer mode (devicetree sxh,transfer; debugfs "transfer")
 * @pkt_target: packet size chosen for the link
 * @win_bytes: reply bytes requested in packet mode, recently
 * @win_fail: requests among those that failed
 * @clean_frames: packet-mode frames in a row without a retry
 * @whole_failed: whole-image mode failed since the last clean stretch
 *
 * The "has" fields are written with the link claimed; the "want" fields
 * by the controls (handler lock) and read by captures with READ_ONCE().
 */
struct sxh485_cam {
	u8 res;
	int compression;
	u32 pkt_size;
	int bright;
	int contrast;
	int ir;
	int want_bright;
	int want_contrast;
	int want_ir;
	int want_comp;
	bool gray;
	enum sxh485_transfer transfer;
	u32 pkt_target;
	u64 win_bytes;
	u32 win_fail;
	u32 clean_frames;
	bool whole_failed;
};

static const struct sercam_mode sxh485_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .code = 0x01, .width = 160, .height = 160 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .code = 0x03, .width = 320, .height = 240 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .code = 0x05, .width = 640, .height = 480 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .code = 0x07, .width = 1280, .height = 960 },
};

static const u32 sxh485_rates[] = {
	115200, 57600, 38400, 19200, 9600, 4800, 0
};

static int sxh485_quality_to_compression(s32 quality)
{
	return clamp((100 - quality) / 20, 0, SXH485_COMPRESSION_MAX);
}

static void sxh485_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	u32 px = m->width * m->height;

	/* 4 bits per pixel: beyond anything the encoder makes at level 0 */
	m->max_size = PAGE_ALIGN(px / 2 + 16384);
	m->capture_us = div_u64((u64)SXH485_CAPTURE_US_VGA * px, 640 * 480);
	/*
	 * A bit per pixel at the default level, plus the fixed headers and
	 * tables: what real sensors make (30 to 60 KB at 640x480; the
	 * emulator's smooth test pattern makes less, 18 KB).
	 */
	m->typical_size = px / 8 + 4096;
}

/* --- exchanges ----------------------------------------------------------- */

/*
 * The receive path. A complete frame ends the exchange: accepted, or with
 * -EBADMSG for a bad CRC (the camera is done talking, so the retry can go
 * at once), or -EPROTO for our command answered with an error. A header
 * with an impossible length does not: it is noted, and the parser hunts on,
 * since it may be garbage (the tail of a reply cut short) before the real
 * reply; silence then ends the exchange.
 */
static void sxh485_rx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	struct sxh485_reply *r = x->ctx;
	struct sxh485_parser *p = &r->parser;
	enum sxh485_event ev;
	size_t n;

	while (len) {
		n = sxh485_parse(p, buf, len, &ev);
		buf += n;
		len -= n;
		switch (ev) {
		case SXH485_EV_NONE:
			/*
			 * The header says how long the reply is: it may take
			 * that long, not the worst case of the largest image.
			 */
			if (!r->sized && sxh485_parser_left(p)) {
				sercam_xfer_extend(x, sxh485_parser_left(p));
				r->sized = true;
			}
			break;
		case SXH485_EV_FRAME:
		case SXH485_EV_OTHER:
			if (ev == SXH485_EV_OTHER) {
				/* another camera's reply, or a stale one */
				if (p->addr != r->exp.addr ||
				    p->cmd != r->exp.cmd)
					break;
				/* a packet sent twice: its copy comes late */
				if (r->dup_pkt >= 0 && p->head_got >= 3 &&
				    p->head[0] == SXH485_STATUS_OK &&
				    get_unaligned_le16(p->head + 1) == r->dup_pkt)
					break;
			}
			r->len = p->len;
			r->head_got = p->head_got;
			memcpy(r->head, p->head, p->head_got);
			sercam_xfer_end(x, ev == SXH485_EV_FRAME ? 0 : -EPROTO);
			return;
		case SXH485_EV_BAD_CRC:
			sercam_stat_inc(r->cam, SERCAM_STAT_CRC_ERRORS);
			sercam_xfer_end(x, -EBADMSG);
			return;
		case SXH485_EV_BAD_LEN:
			sercam_stat_inc(r->cam, SERCAM_STAT_LEN_ERRORS);
			x->status = -EMSGSIZE;
			break;
		}
	}
}

/*
 * One request and its reply. @first_ms is the time the camera may take to
 * start answering, @reply_max the longest reply in bytes. @claimed: the
 * caller holds the link (hello and rate changes during a scan, settings).
 */
static int sxh485_xfer(struct sercam_camera *cam, u8 cmd, const u8 *params,
		       size_t nparams, struct sxh485_reply *r,
		       unsigned int first_ms, u32 reply_max,
		       const struct sercam_stop *stop, bool claimed)
{
	struct sercam_link *link = cam->link;
	u8 tx[SXH485_MAX_CMD_LEN];
	struct sercam_xfer x = {
		.tx = tx, .rx = sxh485_rx, .ctx = r, .stop = stop,
		.first_ms = first_ms,
		.gap_ms = SXH485_GAP_MS + sercam_link_wire_ms(link, 16),
		.total_ms = first_ms + 2 * sercam_link_wire_ms(link, reply_max) +
			    SXH485_GAP_MS,
	};
	int ret;

	x.tx_len = sxh485_encode(tx, sizeof(tx), cam->addr, cmd, params,
				 nparams);
	if (!x.tx_len)
		return -EINVAL;
	r->cam = cam;
	r->exp.addr = cam->addr;
	r->exp.cmd = cmd;
	r->head_got = 0;
	r->len = 0;
	r->sized = false;
	sxh485_parser_reset(&r->parser, &r->exp);
	ret = claimed ? sercam_link_xfer_claimed(link, &x) :
			sercam_link_xfer(link, &x);
	if (ret == -ETIMEDOUT)
		sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
	else if (ret == -EPROTO)
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
	return ret;
}

static bool sxh485_give_up(int ret)
{
	return ret == -ECANCELED || ret == -EINTR;
}

/* A short command whose reply is a status and up to a few data bytes. */
static int sxh485_cmd(struct sercam_camera *cam, u8 cmd, const u8 *params,
		      size_t nparams, struct sxh485_reply *r,
		      unsigned int first_ms, const struct sercam_stop *stop,
		      bool claimed)
{
	int i, ret = -EIO;

	r->dup_pkt = -1;
	for (i = 0; i < SXH485_TRIES; i++) {
		if (i)
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		ret = sxh485_xfer(cam, cmd, params, nparams, r, first_ms,
				  SXH485_OVERHEAD + SXH485_HEAD_MAX, stop,
				  claimed);
		/* an error status is the camera's answer: asking again won't help */
		if (!ret || sxh485_give_up(ret) || ret == -EPROTO)
			break;
	}
	return ret;
}

/* A setting whose reply echoes the value: status 0, then @val. */
static int sxh485_set(struct sercam_camera *cam, u8 cmd, u8 val,
		      const struct sercam_stop *stop, bool claimed)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, val }, .match_len = 2,
			 .head_len = 2 },
	};

	return sxh485_cmd(cam, cmd, &val, 1, &r, SXH485_CMD_MS, stop, claimed);
}

/* --- finding the camera -------------------------------------------------- */

/* The link is claimed. The test reply may lack its status byte. */
static int sxh485_hello(struct sercam_camera *cam,
			const struct sercam_stop *stop)
{
	static const u8 hello[] = { SXH485_TEST_PARAM0, SXH485_TEST_PARAM1 };
	struct sxh485_reply r = { .exp = { .head_len = 3 }, .dup_pkt = -1 };
	const u8 *h = r.head;
	int ret;

	ret = sxh485_xfer(cam, SXH485_CMD_TEST, hello, sizeof(hello), &r,
			  SXH485_CMD_MS, SXH485_OVERHEAD + 3, stop, true);
	if (ret)
		return ret;
	if (r.len == 3 && h[0] == SXH485_STATUS_OK &&
	    h[1] == SXH485_TEST_PARAM1 && h[2] == SXH485_TEST_PARAM0)
		return 0;
	if (r.len == 2 && h[0] == SXH485_TEST_PARAM1 &&
	    h[1] == SXH485_TEST_PARAM0)
		return 0;
	sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
	return -EPROTO;
}

/*
 * The link is claimed. The camera does not answer 0x0a. With several
 * cameras the bus must move as one, so the command is broadcast. The
 * camera switches once the whole command has reached it and it has acted
 * on it: a request at the new rate before then is garbage to it. (The
 * UART says when the bytes left it; a virtual UART says so at once.)
 */
static int sxh485_set_rate(struct sercam_camera *cam, u32 baud,
			   const struct sercam_stop *stop)
{
	int code = sxh485_baud_to_code(baud);
	u8 addr = cam->shared ? SXH485_ADDR_BROADCAST : cam->addr;
	u8 tx[SXH485_MAX_CMD_LEN], c;
	size_t len;
	int ret;

	if (code < 0)
		return code;
	c = code;
	len = sxh485_encode(tx, sizeof(tx), addr, SXH485_CMD_BAUD, &c, 1);
	ret = sercam_link_send_claimed(cam->link, tx, len, stop);
	if (ret)
		return ret;
	return sercam_link_sleep(cam->link,
				 sercam_link_wire_ms(cam->link, len) +
				 SXH485_SWITCH_MS, stop);
}

/* Forget what the camera was set to: it may have lost power. */
static void sxh485_forget(struct sxh485_cam *sc)
{
	sc->res = 0;
	sc->compression = -1;
	sc->pkt_size = 0;
	sc->bright = -1;
	sc->contrast = -1;
	sc->ir = -1;
}

/*
 * Send one setting unless the camera has it. After a failure the camera's
 * value is unknown (it may have taken it and the reply was lost, or
 * refused it): the next sync sends it again.
 */
static int sxh485_sync_one(struct sercam_camera *cam, u8 cmd, int *has,
			   int want, u8 val, const struct sercam_stop *stop)
{
	int ret;

	if (*has == want)
		return 0;
	ret = sxh485_set(cam, cmd, val, stop, true);
	*has = ret ? -1 : want;
	return ret;
}

/* Send the settings the camera does not have; the link is claimed. */
static int sxh485_sync(struct sercam_camera *cam,
		       const struct sercam_stop *stop)
{
	struct sxh485_cam *sc = cam->priv;
	int b = READ_ONCE(sc->want_bright);
	int c = READ_ONCE(sc->want_contrast);
	int ir = READ_ONCE(sc->want_ir);

	return sxh485_sync_one(cam, SXH485_CMD_BRIGHTNESS, &sc->bright, b, b,
			       stop) ?:
	       sxh485_sync_one(cam, SXH485_CMD_CONTRAST, &sc->contrast, c, c,
			       stop) ?:
	       sxh485_sync_one(cam, SXH485_CMD_IR, &sc->ir, ir,
			       ir ? SXH485_IR_ON : SXH485_IR_OFF, stop);
}

static int sxh485_sync_now(struct sercam_camera *cam,
			   const struct sercam_stop *stop)
{
	int ret;

	ret = sercam_link_claim(cam->link, stop);
	if (ret)
		return ret;
	ret = sxh485_sync(cam, stop);
	sercam_link_release(cam->link);
	return ret;
}

static int sxh485_cam_init(struct sercam_camera *cam)
{
	struct sxh485_cam *sc = cam->priv;
	int ret;

	sxh485_forget(sc);
	ret = sercam_link_claim(cam->link, &cam->gone);
	if (ret)
		return ret;
	ret = sxh485_hello(cam, &cam->gone);
	sercam_link_release(cam->link);
	return ret;
}

static void sxh485_idle(struct sercam_camera *cam)
{
	struct sxh485_cam *sc = cam->priv;

	/*
	 * The light is the one thing that draws power while nobody looks.
	 * The control keeps its value: the next capture turns it on again.
	 */
	if (sercam_link_claim(cam->link, &cam->gone))
		return;
	if (sc->ir && !sxh485_set(cam, SXH485_CMD_IR, SXH485_IR_OFF,
				  &cam->gone, true))
		sc->ir = 0;
	sercam_link_release(cam->link);
}

/* --- controls ------------------------------------------------------------ */

static int sxh485_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct sercam_camera *cam = ctrl->priv;
	struct sxh485_cam *sc = cam->priv;
	int *want;
	int ret;

	switch (ctrl->id) {
	case V4L2_CID_BRIGHTNESS:
		want = &sc->want_bright;
		break;
	case V4L2_CID_CONTRAST:
		want = &sc->want_contrast;
		break;
	case V4L2_CID_ILLUMINATORS_1:
		want = &sc->want_ir;
		break;
	case V4L2_CID_JPEG_COMPRESSION_QUALITY:
		/* a parameter of the next capture */
		WRITE_ONCE(sc->want_comp,
			   sxh485_quality_to_compression(ctrl->val));
		return 0;
	case V4L2_CID_COLORFX:
		WRITE_ONCE(sc->gray, ctrl->val == V4L2_COLORFX_BW);
		return 0;
	default:
		return -EINVAL;
	}
	/*
	 * At once. A camera that refuses or does not answer is an error, and
	 * the control keeps its old value: so does what the captures send.
	 * A camera not (yet) found gets the value when it is.
	 */
	/*
	 * A camera not present is looked for first (after a resume it was
	 * forgotten, not lost); found, it gets the old values, then this.
	 */
	if (!READ_ONCE(cam->present) && sercam_camera_ready(cam, &cam->gone))
		return 0;
	WRITE_ONCE(*want, ctrl->val);
	ret = sxh485_sync_now(cam, &cam->gone);
	if (ret) {
		WRITE_ONCE(*want, ctrl->cur.val);
		if (ret != -ECANCELED && ret != -EINTR)
			sercam_stat_inc(cam, SERCAM_STAT_CTRL_ERRORS);
	}
	return ret;
}

static const struct v4l2_ctrl_ops sxh485_ctrl_ops = {
	.s_ctrl = sxh485_s_ctrl,
};

static int sxh485_init_ctrls(struct sercam_camera *cam,
			     struct v4l2_ctrl_handler *hdl)
{
	struct v4l2_ctrl *c[5];
	unsigned int i;

	c[0] = v4l2_ctrl_new_std(hdl, &sxh485_ctrl_ops, V4L2_CID_BRIGHTNESS,
				 0, 255, 1, SXH485_LEVEL_NEUTRAL);
	c[1] = v4l2_ctrl_new_std(hdl, &sxh485_ctrl_ops, V4L2_CID_CONTRAST,
				 0, 255, 1, SXH485_LEVEL_NEUTRAL);
	c[2] = v4l2_ctrl_new_std(hdl, &sxh485_ctrl_ops,
				 V4L2_CID_ILLUMINATORS_1, 0, 1, 1, 0);
	/* five compression levels: 100, 80, 60, 40, 20 */
	c[3] = v4l2_ctrl_new_std(hdl, &sxh485_ctrl_ops,
				 V4L2_CID_JPEG_COMPRESSION_QUALITY,
				 20, 100, 20, 60);
	c[4] = v4l2_ctrl_new_std_menu(hdl, &sxh485_ctrl_ops, V4L2_CID_COLORFX,
				      V4L2_COLORFX_BW, 0, V4L2_COLORFX_NONE);
	if (hdl->error)
		return hdl->error;
	for (i = 0; i < ARRAY_SIZE(c); i++)
		c[i]->priv = cam;
	return 0;
}

/* --- capture ------------------------------------------------------------- */

static int sxh485_set_res(struct sercam_camera *cam, u8 code)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, code }, .match_len = 2,
			 .head_len = 2 },
	};

	return sxh485_cmd(cam, SXH485_CMD_PKT_RES, &code, 1, &r,
			  SXH485_CMD_MS, &cam->stop, false);
}

static int sxh485_set_pkt_size(struct sercam_camera *cam, u32 size)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, size & 0xff, size >> 8 },
			 .match_len = 3, .head_len = 3 },
	};
	u8 par[2];

	put_unaligned_le16(size, par);
	return sxh485_cmd(cam, SXH485_CMD_PKT_SIZE, par, sizeof(par), &r,
			  SXH485_CMD_MS, &cam->stop, false);
}

/*
 * Time a capture command may take to its first reply byte: generous, since
 * the emulator's capture time is only a default and real sensors vary; it
 * only costs time when the camera is silent.
 */
static unsigned int sxh485_capture_ms(struct sercam_camera *cam)
{
	return 4 * cam->mode->capture_us / USEC_PER_MSEC + SXH485_CMD_MS + 500;
}

/*
 * Packet mode has no compression parameter: the camera keeps the level of
 * its last 0x02/0x05/0x12 (Documentation/sxh485-protocol-notes.md). One
 * 0x05 sets it; the image it takes is never read.
 */
static int sxh485_set_compression(struct sercam_camera *cam, int level)
{
	struct sxh485_reply r = {
		.exp = { .head_len = 5 },
	};
	u8 par[2] = { cam->mode->code, level };
	int ret;

	ret = sxh485_cmd(cam, SXH485_CMD_SNAP, par, sizeof(par), &r,
			 sxh485_capture_ms(cam), &cam->stop, false);
	if (ret)
		return ret;
	if (r.len != 5 || (r.head[0] & ~SXH485_STATUS_MORE)) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	return 0;
}

/* Bring the camera to the wanted settings (and, for packets, sizes). */
static int sxh485_configure(struct sercam_camera *cam, bool packets)
{
	struct sxh485_cam *sc = cam->priv;
	int comp = READ_ONCE(sc->want_comp);
	int ret;

	ret = sxh485_sync_now(cam, &cam->stop);
	if (ret)
		return ret;
	if (packets && sc->res != cam->mode->code) {
		ret = sxh485_set_res(cam, cam->mode->code);
		if (ret)
			return ret;
		sc->res = cam->mode->code;
	}
	if (packets && sc->compression != comp) {
		ret = sxh485_set_compression(cam, comp);
		if (ret)
			return ret;
		sc->compression = comp;
	}
	if (packets && sc->pkt_size != sc->pkt_target) {
		ret = sxh485_set_pkt_size(cam, sc->pkt_target);
		if (ret)
			return ret;
		sc->pkt_size = sc->pkt_target;
	}
	atomic64_set(&cam->stats[SERCAM_STAT_PKT_SIZE], packets ? sc->pkt_size : 0);
	return 0;
}

/* Track packet failures and pick the packet size for the next frame. */
static void sxh485_account(struct sercam_camera *cam, u32 bytes, bool failed)
{
	struct sxh485_cam *sc = cam->priv;
	u32 overhead;

	sc->win_bytes += bytes;
	sc->win_fail += failed;
	if (sc->win_bytes > SXH485_WINDOW_BYTES) {
		sc->win_bytes /= 2;
		sc->win_fail /= 2;
	}
	overhead = 2 * SXH485_OVERHEAD + 2 + SXH485_PKT_SEND_HEAD_LEN +
		   sercam_link_baud(cam->link) / 10 * SXH485_TURNAROUND_MS /
		   MSEC_PER_SEC;
	sc->pkt_target = sxh485_best_pkt_size(sc->win_bytes, sc->win_fail,
					      overhead, SXH485_PKT_SIZE_MAX);
}

/* 0x30: capture; returns the image size and the packet count. */
static int sxh485_snap(struct sercam_camera *cam, struct sercam_frame *f,
		       u32 *size, u32 *count)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK }, .match_len = 1,
			 .head_len = SXH485_PKT_SNAP_REPLY_LEN },
	};
	int ret;

	f->timestamp = ktime_get_ns();
	ret = sxh485_cmd(cam, SXH485_CMD_PKT_SNAP, NULL, 0, &r,
			 sxh485_capture_ms(cam), &cam->stop, false);
	if (ret)
		return ret;
	if (r.len != SXH485_PKT_SNAP_REPLY_LEN) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	*size = get_unaligned_le32(r.head + 1);
	*count = get_unaligned_le16(r.head + 5);
	return 0;
}

/* 0x31: one packet, asked for again while it arrives broken. */
static int sxh485_packet(struct sercam_camera *cam, u32 pkt, u8 *dst, u32 len)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, pkt & 0xff, pkt >> 8 },
			 .match_len = 3, .head_len = SXH485_PKT_SEND_HEAD_LEN,
			 .data = dst, .data_len = len },
		.dup_pkt = (int)pkt - 1,
	};
	u32 reply = SXH485_OVERHEAD + SXH485_PKT_SEND_HEAD_LEN + len;
	u8 par[2];
	int i, ret = -EIO;

	put_unaligned_le16(pkt, par);
	for (i = 0; i < SXH485_TRIES; i++) {
		if (i)
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		ret = sxh485_xfer(cam, SXH485_CMD_PKT_SEND, par, sizeof(par),
				  &r, SXH485_CMD_MS, reply, &cam->stop, false);
		if (!ret && r.len != SXH485_PKT_SEND_HEAD_LEN + len) {
			/* a short packet: not the size the camera promised */
			sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
			ret = -EMSGSIZE;
		}
		sxh485_account(cam, reply, ret && !sxh485_give_up(ret));
		/*
		 * An error status or another packet: the camera has moved on
		 * and will not send this one again; the frame starts over.
		 */
		if (!ret || sxh485_give_up(ret) || ret == -EPROTO)
			break;
	}
	return ret;
}

static int sxh485_capture_packets(struct sercam_camera *cam,
				  struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->priv;
	u64 retries = atomic64_read(&cam->stats[SERCAM_STAT_RETRIES]);
	u32 size, count, i;
	int ret;

	ret = sxh485_configure(cam, true);
	if (ret)
		return ret;
	ret = sxh485_snap(cam, f, &size, &count);
	if (ret)
		return ret;
	if (size < 4 || size > f->size) {
		dev_dbg_ratelimited(cam->dev,
				    "camera %u: image of %u bytes, buffer %u\n",
				    cam->addr, size, f->size);
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		return -EMSGSIZE;
	}
	if (count != sxh485_pkt_count(size, sc->pkt_size)) {
		/* the camera uses another packet size: it was reset */
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		sxh485_forget(sc);
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		u32 off = i * sc->pkt_size;

		ret = sxh485_packet(cam, i, f->buf + off,
				    min(sc->pkt_size, size - off));
		if (ret)
			return ret;
	}
	f->len = size;
	if (atomic64_read(&cam->stats[SERCAM_STAT_RETRIES]) == retries)
		sc->clean_frames++;
	else
		sc->clean_frames = 0;
	return 0;
}

/* 0x02 or 0x12: the whole JPEG in one reply. */
static int sxh485_capture_whole(struct sercam_camera *cam,
				struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->priv;
	struct sxh485_reply r = {
		.exp = { .data = f->buf, .data_len = f->size },
		.dup_pkt = -1,
	};
	bool gray = READ_ONCE(sc->gray);
	u8 cmd = gray ? SXH485_CMD_SNAP_SEND_GRAY : SXH485_CMD_SNAP_SEND;
	u8 par[2] = { cam->mode->code, READ_ONCE(sc->want_comp) };
	int ret;

	ret = sxh485_configure(cam, false);
	if (ret)
		return ret;
	f->timestamp = ktime_get_ns();
	ret = sxh485_xfer(cam, cmd, par, sizeof(par), &r,
			  sxh485_capture_ms(cam), f->size + SXH485_OVERHEAD + 1,
			  &cam->stop, false);
	if (ret)
		return ret;
	if (r.len < 4) {
		/* length 0: the camera refused the parameters */
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	sc->compression = par[1];
	f->len = r.len;
	return 0;
}

static bool sxh485_use_whole(struct sxh485_cam *sc)
{
	switch (READ_ONCE(sc->transfer)) {
	case SXH485_TRANSFER_WHOLE:
		return true;
	case SXH485_TRANSFER_PACKET:
		return READ_ONCE(sc->gray);
	default:
		break;
	}
	if (READ_ONCE(sc->gray))
		return true;
	/* one bad byte loses a whole image: only on a link known clean */
	if (sc->win_fail)
		return false;
	return !sc->whole_failed || sc->clean_frames >= SXH485_WHOLE_AFTER;
}

static int sxh485_capture(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->priv;
	int i, ret;
	bool whole, gray;

	/* a camera that is not there: looked for, now or after its backoff */
	ret = sercam_camera_ready(cam, &cam->stop);
	if (ret)
		return ret;
	for (i = 0; i < SXH485_FRAME_TRIES; i++) {
		if (i)
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		gray = READ_ONCE(sc->gray);
		whole = sxh485_use_whole(sc);
		ret = whole ? sxh485_capture_whole(cam, f) :
			      sxh485_capture_packets(cam, f);
		if (!ret) {
			f->len = sxh485_jpeg_end(f->buf, f->len);
			if (f->len) {
				if (whole && !gray)
					sc->whole_failed = false;
				return 0;
			}
			/* CRCs right, yet no JPEG: never deliver it as one */
			sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
			ret = -EILSEQ;
		}
		if (sxh485_give_up(ret))
			return ret;
		if (whole && !gray) {
			/* fall back to packet mode until the link is clean */
			sc->whole_failed = true;
			sc->clean_frames = 0;
		}
		if (ret == -ETIMEDOUT) {
			/* silence: the camera is gone, or at another rate */
			sxh485_forget(sc);
			ret = sercam_camera_resync(cam);
			if (ret)
				return ret;
		}
	}
	sxh485_forget(sc);
	return ret;
}

/* --- the camera in the devicetree ---------------------------------------- */

static int sxh485_transfer_show(struct seq_file *m, void *unused)
{
	struct sxh485_cam *sc = m->private;

	seq_printf(m, "%s\n", sxh485_transfer_names[READ_ONCE(sc->transfer)]);
	return 0;
}

static int sxh485_transfer_open(struct inode *inode, struct file *file)
{
	return single_open(file, sxh485_transfer_show, inode->i_private);
}

/* For tests and benchmarks: force a transfer mode at run time. */
static ssize_t sxh485_transfer_write(struct file *file, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct sxh485_cam *sc = ((struct seq_file *)file->private_data)->private;
	char buf[16];
	int i;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	i = sysfs_match_string(sxh485_transfer_names, strim(buf));
	if (i < 0)
		return i;
	WRITE_ONCE(sc->transfer, i);
	return len;
}

static const struct file_operations sxh485_transfer_fops = {
	.owner = THIS_MODULE,
	.open = sxh485_transfer_open,
	.read = seq_read,
	.write = sxh485_transfer_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void sxh485_debugfs(struct sercam_camera *cam, struct dentry *dir)
{
	debugfs_create_file("transfer", 0644, dir, cam->priv,
			    &sxh485_transfer_fops);
}

static int sxh485_probe_cam(struct sercam_camera *cam)
{
	struct sxh485_cam *sc;
	const char *mode;
	int i;

	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	cam->priv = sc;
	sxh485_forget(sc);
	sc->want_bright = SXH485_LEVEL_NEUTRAL;
	sc->want_contrast = SXH485_LEVEL_NEUTRAL;
	sc->want_comp = SXH485_COMPRESSION_DEFAULT;
	sc->pkt_target = SXH485_PKT_SIZE_MAX;
	/* a camera's own node, else the bus node (it applies to all then) */
	if (!fwnode_property_read_string(cam->fwnode, "sxh,transfer", &mode) ||
	    !device_property_read_string(cam->dev, "sxh,transfer", &mode)) {
		i = match_string(sxh485_transfer_names,
				 ARRAY_SIZE(sxh485_transfer_names), mode);
		if (i < 0) {
			dev_err(cam->dev,
				"%pfwP: sxh,transfer = \"%s\": must be auto, packet or whole\n",
				cam->fwnode, mode);
			return -EINVAL;
		}
		sc->transfer = i;
	}
	return 0;
}

static const struct sercam_family_ops sxh485_ops = {
	.probe = sxh485_probe_cam,
	.fill_mode = sxh485_fill_mode,
	.init_ctrls = sxh485_init_ctrls,
	.debugfs = sxh485_debugfs,
	.hello = sxh485_hello,
	.set_rate = sxh485_set_rate,
	.cam_init = sxh485_cam_init,
	.capture = sxh485_capture,
	.idle = sxh485_idle,
};

/* what sercam-attach may set besides the common properties */
static const struct sercam_prop sxh485_props[] = {
	{ "sxh,transfer", SERCAM_PROP_STRING },
	{ }
};

static const struct sercam_family sxh485_family = {
	.name = "SXH485",
	.short_name = "sxh485",
	.owner = THIS_MODULE,
	.ops = &sxh485_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.modes = sxh485_modes,
	.num_modes = ARRAY_SIZE(sxh485_modes),
	.modes_prop = "sxh,resolutions",
	.rates = sxh485_rates,
	.max_rates = sxh485_rates,
	.addr_prop = "sxh,address",
	.addr_min = 1,
	.addr_max = 254,
	.addr_default = SXH485_ADDR_DEFAULT,
	.props = sxh485_props,
};

static int sxh485_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &sxh485_family);
}

static void sxh485_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id sxh485_of_match[] = {
	{ .compatible = "sxh,sxh485" },
	{ }
};
MODULE_DEVICE_TABLE(of, sxh485_of_match);

static struct serdev_device_driver sxh485_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = sxh485_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = sxh485_probe,
	.remove = sxh485_remove,
};
module_sercam_driver(sxh485_driver, sxh485_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("SXH485 serial JPEG cameras as V4L2 capture devices");
MODULE_LICENSE("GPL");
