// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - OV528 serial-bridge cameras: the V8 series, COMedia C328,
 * 4D Systems uCAM-II/III, Seeed's Grove Serial Camera Kit
 *
 * A pull family (shared/protocols/ov528.md): 6-byte commands, each
 * answered by ACK or NAK. The camera follows the host's rate once synced
 * (a loop of SYNCs); a JPEG snapshot crosses the wire in packages the
 * host asks for one by one, each checked by its 8-bit sum and asked for
 * again when broken; the whole JPEG is walked before it is delivered,
 * since the sum cannot see errors that cancel. RAW grey previews arrive
 * as one stream of known length. Up to 7 cameras share an RS-485 bus,
 * addressed in the top bits of each command; address 0 is a lone camera.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/videodev2.h>
#include <media/v4l2-ctrls.h>

#include "sercam-compat.h"
#include "sercam-family.h"
#include "sercam-jpeg.h"
#include "ov528-proto.h"

/* Time the camera may take to start answering a command. */
#define OV528_CMD_MS			50
/* Silence inside a reply that means bytes were lost. */
#define OV528_GAP_MS			100
/* SYNCs per hello: the seed's 25 after sleep (a C328 answers within 10). */
#define OV528_SYNC_TRIES		25
/* The first gap between SYNCs; each try adds 1 ms (uCAM datasheet). */
#define OV528_SYNC_GAP_MS		5
/* After INITIAL's ACK, before the next command (seed FAQ 5). */
#define OV528_INIT_WAIT_MS		100
/* Capture time at 640x480; it scales with the pixel count. */
#define OV528_CAPTURE_US_VGA		150000
/* Attempts per command, per package, per frame. */
#define OV528_TRIES			3
#define OV528_PKG_TRIES			8
#define OV528_FRAME_TRIES		2
/* Clean frames before the package size doubles again. */
#define OV528_CLEAN_FRAMES		4
/* Frames fetched twice after a broken package (see ov528_get_pkg()). */
#define OV528_VERIFY_FRAMES		8
/* Package requests met by silence before the camera counts as gone. */
#define OV528_SILENT_TRIES		2
/* The seed's turnaround after a reply on RS-485. */
#define OV528_TURNAROUND_BUS_MS		30
/*
 * The turnaround adapts: after this many clean exchanges it shrinks by a
 * quarter (at least a step), down to a step above the last gap a command
 * was lost at; a lost command doubles it, up to the devicetree's.
 */
#define OV528_GAP_CLEAN			32
#define OV528_GAP_STEP_US		1000
/* After SET BAUD RATE's ACK, before talking at the new rate. */
#define OV528_SWITCH_MS			10
/* CBE levels: 0 min .. 2 normal .. 4 max. */
#define OV528_LEVEL_MAX			4
#define OV528_LEVEL_NORMAL		2

/* The family's own counters, in &sercam_camera.fstats. */
enum {
	OV528_STAT_NAKS,
	OV528_STAT_BAD_JPEG,
	OV528_STAT_TURNAROUND,
};

static const char *const ov528_stat_names[] = {
	[OV528_STAT_NAKS] = "naks",
	[OV528_STAT_BAD_JPEG] = "bad_jpeg",
	[OV528_STAT_TURNAROUND] = "turnaround_us",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(ov528_stat_names);

/* CBE's order on the wire: contrast, brightness, exposure. */
enum { OV528_CONTRAST, OV528_BRIGHTNESS, OV528_EXPOSURE, OV528_NUM_CBE };

/**
 * struct ov528_cam - an OV528 camera
 * @initial: the mode INITIAL last set, NULL when unknown
 * @pkg: the package size set, 0 when unknown
 * @pkg_target: the package size to use, halved on broken packages
 * @clean: clean frames since the package size last changed
 * @has_cbe: the camera takes CBE: 1 yes, 0 no (NAK), -1 not known yet
 * @cbe: CBE values the camera has, -1 each when unknown
 * @light: LIGHT FREQUENCY the camera has (0 50 Hz, 1 60 Hz), -1 unknown
 * @want_cbe: CBE values the controls want
 * @want_light: LIGHT FREQUENCY the control wants
 * @cbe_ctrls: the CBE controls, made inactive when the camera has no CBE
 * @verify: frames still to fetch twice: the link broke a package lately
 * @lost: the camera fell silent inside a frame: find it before the next
 * @copy: the second fetch of a package, to compare
 * @gap_us: the turnaround kept before each command
 * @gap_max_us: the devicetree's turnaround, where @gap_us starts
 * @gap_floor_us: a step above the gap a command was last lost at
 * @gap_clean: clean exchanges since @gap_us last changed
 *
 * Everything but the wants is under the link's claim; the wants are
 * written by s_ctrl and read (READ_ONCE) by whoever sends them.
 */
struct ov528_cam {
	const struct sercam_mode *initial;
	u32 pkg;
	u32 pkg_target;
	unsigned int clean;
	int has_cbe;
	int cbe[OV528_NUM_CBE];
	int light;
	int want_cbe[OV528_NUM_CBE];
	int want_light;
	struct v4l2_ctrl *cbe_ctrls[OV528_NUM_CBE];
	unsigned int verify;
	bool lost;
	u8 copy[OV528_PKG_MAX];
	u32 gap_us;
	u32 gap_max_us;
	u32 gap_floor_us;
	unsigned int gap_clean;
};

static const struct sercam_mode ov528_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 80, .height = 64, .code = 0x01 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 160, .height = 128, .code = 0x03 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 320, .height = 240, .code = 0x05 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 640, .height = 480, .code = 0x07 },
	{ .fourcc = V4L2_PIX_FMT_GREY, .width = 80, .height = 60, .code = 0x01 },
	{ .fourcc = V4L2_PIX_FMT_GREY, .width = 160, .height = 120, .code = 0x03 },
};

static bool ov528_give_up(int ret)
{
	return ret == -ECANCELED || ret == -EINTR;
}

/* --- exchanges ----------------------------------------------------------- */

/* The link's receive callback: the reply's bytes to the pure parser. */
static void ov528_rx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	u32 more = 0;
	int ret;

	ret = ov528_rx_feed(x->ctx, buf, len, &more);
	if (more)
		sercam_xfer_extend(x, more);
	if (ret != -EINPROGRESS)
		sercam_xfer_end(x, ret);
}

static void ov528_set_gap(struct sercam_camera *cam, u32 us)
{
	struct ov528_cam *oc = cam->priv;

	oc->gap_us = us;
	oc->gap_clean = 0;
	atomic64_set(&cam->fstats[OV528_STAT_TURNAROUND], us);
}

/*
 * A reply came: the line was free in time. At the floor, a long clean run
 * lowers the floor a step: the loss that set it may have had another
 * cause (a camera unplugged).
 */
static void ov528_gap_clean(struct sercam_camera *cam)
{
	struct ov528_cam *oc = cam->priv;
	u32 step;

	if (!oc->gap_us || ++oc->gap_clean < OV528_GAP_CLEAN)
		return;
	if (oc->gap_us <= oc->gap_floor_us) {
		if (oc->gap_clean < 4 * OV528_GAP_CLEAN)
			return;
		oc->gap_floor_us -= min(oc->gap_floor_us, OV528_GAP_STEP_US);
	}
	step = max_t(u32, oc->gap_us / 4, OV528_GAP_STEP_US);
	ov528_set_gap(cam, oc->gap_us > oc->gap_floor_us + step ?
			   oc->gap_us - step : oc->gap_floor_us);
}

/* A command met silence: maybe a transceiver still held the line. */
static void ov528_gap_missed(struct sercam_camera *cam)
{
	struct ov528_cam *oc = cam->priv;

	if (!oc->gap_max_us)
		return;
	oc->gap_floor_us = min(oc->gap_us + OV528_GAP_STEP_US, oc->gap_max_us);
	ov528_set_gap(cam, clamp(2 * oc->gap_us, oc->gap_floor_us,
				 oc->gap_max_us));
}

/*
 * Send @m, collect the reply in @r. @first_ms: the time the camera may
 * take to start answering; @reply_max: the longest reply. The link is
 * claimed.
 */
static int ov528_xfer(struct sercam_camera *cam, const struct ov528_msg *m,
		      struct ov528_rx *r, unsigned int first_ms, u32 reply_max,
		      const struct sercam_stop *stop)
{
	struct ov528_cam *oc = cam->priv;
	struct sercam_link *link = cam->link;
	u8 tx[OV528_CMD_LEN];
	struct sercam_xfer x = {
		.tx = tx, .tx_len = sizeof(tx),
		.rx = ov528_rx, .ctx = r,
		.stop = stop,
		.first_ms = first_ms + sercam_link_wire_ms(link, OV528_CMD_LEN),
		.gap_ms = OV528_GAP_MS + sercam_link_wire_ms(link, 16),
		.total_ms = first_ms + OV528_GAP_MS +
			    2 * sercam_link_wire_ms(link,
						    OV528_CMD_LEN + reply_max),
	};
	int ret;

	ov528_encode(tx, m);
	ov528_rx_start(r);
	sercam_link_set_turnaround(link, oc->gap_us);
	ret = sercam_link_xfer_claimed(link, &x);
	/* unanswered SYNCs are how a camera is found, not a lost command */
	if (!ret)
		ov528_gap_clean(cam);
	else if (ret == -ETIMEDOUT && !r->got && !r->at && m->id != OV528_SYNC)
		ov528_gap_missed(cam);
	return ret;
}

/* Send @m with no reply awaited (the host's ACKs). The link is claimed. */
static int ov528_send(struct sercam_camera *cam, u8 id, u8 p1, u8 p2, u8 p3,
		      u8 p4, const struct sercam_stop *stop)
{
	struct ov528_msg m = { .id = id, .addr = cam->addr,
			       .p = { p1, p2, p3, p4 } };
	struct ov528_cam *oc = cam->priv;
	u8 tx[OV528_CMD_LEN];

	ov528_encode(tx, &m);
	sercam_link_set_turnaround(cam->link, oc->gap_us);
	return sercam_link_send_claimed(cam->link, tx, sizeof(tx), stop);
}

/* Check reply @i of @r: message @id from our camera (an ACK of @acked). */
static bool ov528_is(struct sercam_camera *cam, const struct ov528_rx *r,
		     unsigned int i, u8 id, int acked)
{
	struct ov528_msg m;

	if (r->got < (i + 1) * OV528_CMD_LEN ||
	    ov528_decode(r->msg + i * OV528_CMD_LEN, &m) ||
	    m.addr != cam->addr || m.id != id)
		return false;
	return acked < 0 || m.p[0] == acked;
}

/* The reply was a NAK: count it, say why. */
static int ov528_nak(struct sercam_camera *cam, const struct ov528_rx *r,
		     u8 cmd)
{
	u8 code = r->msg[4];

	sercam_fstat_add(cam, OV528_STAT_NAKS, 1);
	sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
	dev_dbg(cam->dev, "camera %u: NAK %#04x (%s) to command %#04x\n",
		cam->addr, code, ov528_nak_name(code), cmd);
	return -EIO;
}

/*
 * Leave any transfer the camera is in (AA 0E 00 00 F0 F0). A camera in
 * none may NAK it: that reply is let go by before the next command.
 */
static int ov528_leave(struct sercam_camera *cam,
		       const struct sercam_stop *stop)
{
	int ret;

	ret = ov528_send(cam, OV528_ACK, 0, 0, 0xf0, 0xf0, stop);
	if (ret)
		return ret;
	return sercam_link_sleep(cam->link, OV528_CMD_MS +
				 sercam_link_wire_ms(cam->link, OV528_CMD_LEN),
				 stop);
}

/*
 * A command answered by ACK (and @extra more messages: DATA after GET
 * PICTURE, the camera's SYNC), tried up to @tries times. After a NAK or
 * silence the camera is told to leave any transfer first (ov528.md).
 * -EIO: the camera NAKed it every time. The link is claimed.
 */
static int ov528_cmd(struct sercam_camera *cam, u8 id, u8 p1, u8 p2, u8 p3,
		     u8 p4, struct ov528_rx *r, unsigned int extra,
		     unsigned int first_ms, int tries,
		     const struct sercam_stop *stop)
{
	struct ov528_msg m = { .id = id, .addr = cam->addr,
			       .p = { p1, p2, p3, p4 } };
	int i, ret = -EIO;

	r->pkg = false;
	r->want = (1 + extra) * OV528_CMD_LEN;
	for (i = 0; i < tries; i++) {
		if (i) {
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
			ret = ov528_leave(cam, stop);
			if (ret)
				return ret;
		}
		ret = ov528_xfer(cam, &m, r, first_ms, r->want, stop);
		if (ov528_give_up(ret))
			return ret;
		if (ret == -ETIMEDOUT) {
			sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
			continue;
		}
		if (ret == -EMSGSIZE) {
			sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
			return ret;
		}
		if (ov528_is(cam, r, 0, OV528_NAK, -1)) {
			ret = ov528_nak(cam, r, id);
			continue;
		}
		if (ov528_is(cam, r, 0, OV528_ACK, id) && r->got == r->want)
			return 0;
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		ret = -EPROTO;
	}
	return ret;
}

/* --- finding the camera -------------------------------------------------- */

/*
 * The SYNC loop: SYNC until the camera answers ACK and its own SYNC, with
 * a gap that grows by 1 ms a try; then acknowledge its SYNC. A camera
 * not yet synced locks onto the link's rate. The link is claimed.
 */
static int ov528_hello(struct sercam_camera *cam,
		       const struct sercam_stop *stop)
{
	struct ov528_msg m = { .id = OV528_SYNC, .addr = cam->addr };
	struct ov528_rx r = { .want = 2 * OV528_CMD_LEN };
	int i, ret;

	for (i = 0; i < OV528_SYNC_TRIES; i++) {
		ret = ov528_xfer(cam, &m, &r, OV528_SYNC_GAP_MS + i,
				 2 * OV528_CMD_LEN, stop);
		if (ov528_give_up(ret))
			return ret;
		if (!ret && ov528_is(cam, &r, 0, OV528_ACK, OV528_SYNC) &&
		    ov528_is(cam, &r, 1, OV528_SYNC, -1))
			return ov528_send(cam, OV528_ACK, OV528_SYNC, 0, 0, 0,
					  stop);
	}
	return -ETIMEDOUT;
}

/*
 * SET BAUD RATE with the pair the formula gives; the ACK comes at the old
 * rate. No broadcast exists: a bus of several cameras cannot move as one.
 */
static int ov528_set_rate(struct sercam_camera *cam, u32 baud,
			  const struct sercam_stop *stop)
{
	struct ov528_rx r = {};
	u8 d1, d2;
	int ret;

	if (cam->shared)
		return -EOPNOTSUPP;
	ret = ov528_baud_divisors(baud, &d1, &d2);
	if (ret)
		return ret;
	ret = ov528_cmd(cam, OV528_SET_BAUD, d1, d2, 0, 0, &r, 0, OV528_CMD_MS,
			1, stop);
	if (ret)
		return ret;
	return sercam_link_sleep(cam->link, OV528_SWITCH_MS, stop);
}

/* Forget what the camera was set to: it may have lost power. */
static void ov528_forget(struct ov528_cam *oc)
{
	int i;

	oc->initial = NULL;
	oc->pkg = 0;
	oc->light = -1;
	for (i = 0; i < OV528_NUM_CBE; i++)
		oc->cbe[i] = -1;
}

/*
 * Send the settings the camera does not have. CBE is tried once on a
 * camera not known to take it: a NAK says it has none, and its controls
 * go inactive. The link is claimed.
 */
static int ov528_sync_settings(struct sercam_camera *cam,
			       const struct sercam_stop *stop)
{
	struct ov528_cam *oc = cam->priv;
	int want[OV528_NUM_CBE], light = READ_ONCE(oc->want_light);
	struct ov528_rx r = {};
	int i, ret;

	for (i = 0; i < OV528_NUM_CBE; i++)
		want[i] = READ_ONCE(oc->want_cbe[i]);
	if (oc->has_cbe &&
	    memcmp(want, oc->cbe, sizeof(want))) {
		ret = ov528_cmd(cam, OV528_CBE, want[0], want[1], want[2], 0,
				&r, 0, OV528_CMD_MS,
				oc->has_cbe < 0 ? 1 : OV528_TRIES, stop);
		if (ret == -EIO && oc->has_cbe < 0) {
			oc->has_cbe = 0;
			for (i = 0; i < OV528_NUM_CBE; i++)
				v4l2_ctrl_activate(oc->cbe_ctrls[i], false);
			dev_info(cam->dev,
				 "OV528 camera %u has no CBE: brightness, contrast and exposure are not offered\n",
				 cam->addr);
		} else {
			if (ret)
				return ret;
			oc->has_cbe = 1;
			memcpy(oc->cbe, want, sizeof(want));
		}
	}
	if (oc->light != light) {
		ret = ov528_cmd(cam, OV528_LIGHT, light, 0, 0, 0, &r, 0,
				OV528_CMD_MS, OV528_TRIES, stop);
		if (ret)
			return ret;
		oc->light = light;
	}
	return 0;
}

static int ov528_cam_init(struct sercam_camera *cam)
{
	struct ov528_cam *oc = cam->priv;
	int ret;

	ov528_forget(oc);
	ret = sercam_link_claim(cam->link, &cam->gone);
	if (ret)
		return ret;
	/*
	 * Each camera must be synced before it answers anything: the bus's
	 * rate was found with one of them only.
	 */
	ret = ov528_hello(cam, &cam->gone);
	if (!ret)
		ret = ov528_leave(cam, &cam->gone);
	if (!ret)
		ret = ov528_sync_settings(cam, &cam->gone);
	sercam_link_release(cam->link);
	return ret;
}

/*
 * The bus powers down (2 s after the last close, or for system sleep):
 * POWER OFF. The camera then answers nothing but SYNC, needs up to 25 of
 * them, and has forgotten its settings: it is woken by the SYNC loop and
 * set up again before its next use. (Not at the last close itself: an
 * application that opens the node again at once should not wait.)
 */
static void ov528_sleep(struct sercam_camera *cam)
{
	struct ov528_rx r = {};
	int ret;

	if (!READ_ONCE(cam->present) || sercam_link_claim(cam->link, &cam->gone))
		return;
	ret = ov528_cmd(cam, OV528_POWER_OFF, 0, 0, 0, 0, &r, 0, OV528_CMD_MS,
			2, &cam->gone);
	sercam_link_release(cam->link);
	if (ret)
		dev_dbg(cam->dev, "camera %u: POWER OFF not acknowledged (%d)\n",
			cam->addr, ret);
	/*
	 * Asleep or not (a lost ACK, a slow camera), its state is now
	 * unknown: the next use syncs it again, which wakes it if it sleeps.
	 */
	ov528_forget(cam->priv);
	sercam_camera_forget(cam);
}

/* --- controls ------------------------------------------------------------ */

static int ov528_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct sercam_camera *cam = ctrl->priv;
	struct ov528_cam *oc = cam->priv;
	int *want, val = ctrl->val;
	int ret;

	switch (ctrl->id) {
	case V4L2_CID_BRIGHTNESS:
		want = &oc->want_cbe[OV528_BRIGHTNESS];
		break;
	case V4L2_CID_CONTRAST:
		want = &oc->want_cbe[OV528_CONTRAST];
		break;
	case V4L2_CID_AUTO_EXPOSURE_BIAS:
		want = &oc->want_cbe[OV528_EXPOSURE];
		break;
	case V4L2_CID_POWER_LINE_FREQUENCY:
		want = &oc->want_light;
		val = ctrl->val == V4L2_CID_POWER_LINE_FREQUENCY_60HZ;
		break;
	default:
		return -EINVAL;
	}
	/*
	 * At once, as SXH485 does: a camera not present is looked for
	 * first; one that refuses or does not answer is an error, and the
	 * control keeps its old value.
	 */
	if (!READ_ONCE(cam->present) && sercam_camera_ready(cam, &cam->gone)) {
		WRITE_ONCE(*want, val);
		return 0;
	}
	WRITE_ONCE(*want, val);
	ret = sercam_link_claim(cam->link, &cam->gone);
	if (!ret) {
		ret = ov528_sync_settings(cam, &cam->gone);
		sercam_link_release(cam->link);
	}
	if (ret) {
		WRITE_ONCE(*want, ctrl->id == V4L2_CID_POWER_LINE_FREQUENCY ?
			   ctrl->cur.val == V4L2_CID_POWER_LINE_FREQUENCY_60HZ :
			   ctrl->cur.val);
		if (!ov528_give_up(ret))
			sercam_stat_inc(cam, SERCAM_STAT_CTRL_ERRORS);
	}
	return ret;
}

static const struct v4l2_ctrl_ops ov528_ctrl_ops = {
	.s_ctrl = ov528_s_ctrl,
};

/* -2 .. +2 EV, in the control's units of 0.001 EV */
static const s64 ov528_exposure_bias[] = { -2000, -1000, 0, 1000, 2000 };

static int ov528_init_ctrls(struct sercam_camera *cam,
			    struct v4l2_ctrl_handler *hdl)
{
	struct ov528_cam *oc = cam->priv;
	struct v4l2_ctrl *plf;
	int i;

	oc->cbe_ctrls[OV528_BRIGHTNESS] =
		v4l2_ctrl_new_std(hdl, &ov528_ctrl_ops, V4L2_CID_BRIGHTNESS,
				  0, OV528_LEVEL_MAX, 1, OV528_LEVEL_NORMAL);
	oc->cbe_ctrls[OV528_CONTRAST] =
		v4l2_ctrl_new_std(hdl, &ov528_ctrl_ops, V4L2_CID_CONTRAST,
				  0, OV528_LEVEL_MAX, 1, OV528_LEVEL_NORMAL);
	oc->cbe_ctrls[OV528_EXPOSURE] =
		v4l2_ctrl_new_int_menu(hdl, &ov528_ctrl_ops,
				       V4L2_CID_AUTO_EXPOSURE_BIAS,
				       ARRAY_SIZE(ov528_exposure_bias) - 1,
				       OV528_LEVEL_NORMAL, ov528_exposure_bias);
	plf = v4l2_ctrl_new_std_menu(hdl, &ov528_ctrl_ops,
				     V4L2_CID_POWER_LINE_FREQUENCY,
				     V4L2_CID_POWER_LINE_FREQUENCY_60HZ,
				     BIT(V4L2_CID_POWER_LINE_FREQUENCY_DISABLED),
				     V4L2_CID_POWER_LINE_FREQUENCY_50HZ);
	if (hdl->error)
		return hdl->error;
	for (i = 0; i < OV528_NUM_CBE; i++)
		oc->cbe_ctrls[i]->priv = cam;
	plf->priv = cam;
	return 0;
}

/* --- capture ------------------------------------------------------------- */

/* INITIAL for @m, unless the camera has it, then the seed's 100 ms. */
static int ov528_initial(struct sercam_camera *cam,
			 const struct sercam_mode *m)
{
	struct ov528_cam *oc = cam->priv;
	bool raw = m->fourcc == V4L2_PIX_FMT_GREY;
	struct ov528_rx r = {};
	int ret;

	if (oc->initial == m)
		return 0;
	oc->initial = NULL;
	ret = ov528_cmd(cam, OV528_INITIAL, 0,
			raw ? OV528_FMT_GREY8 : OV528_FMT_JPEG,
			raw ? m->code : 0, raw ? 0 : m->code, &r, 0,
			OV528_CMD_MS, OV528_TRIES, &cam->stop);
	if (!ret)
		ret = sercam_link_sleep(cam->link, OV528_INIT_WAIT_MS,
					&cam->stop);
	if (!ret)
		oc->initial = m;
	return ret;
}

/* The package size, set before every JPEG (ov528.md: always send it). */
static int ov528_set_pkg(struct sercam_camera *cam)
{
	struct ov528_cam *oc = cam->priv;
	struct ov528_rx r = {};
	int ret;

	if (oc->pkg == oc->pkg_target)
		return 0;
	ret = ov528_cmd(cam, OV528_SET_PKG, 0x08, oc->pkg_target & 0xff,
			oc->pkg_target >> 8, 0, &r, 0, OV528_CMD_MS,
			OV528_TRIES, &cam->stop);
	oc->pkg = ret ? 0 : oc->pkg_target;
	atomic64_set(&cam->stats[SERCAM_STAT_PKT_SIZE], oc->pkg);
	return ret;
}

/* One fetch of package @id (@n data bytes) into @dst. */
static int ov528_fetch_pkg(struct sercam_camera *cam, u16 id, u8 *dst, u32 n)
{
	struct ov528_msg m = { .id = OV528_ACK, .addr = cam->addr,
			       .p = { 0, 0, id & 0xff, id >> 8 } };
	struct ov528_rx r = { .pkg = true, .dst = dst, .len = n };
	int ret;

	ret = ov528_xfer(cam, &m, &r, OV528_CMD_MS, n + OV528_PKG_OVERHEAD,
			 &cam->stop);
	if (!ret && get_unaligned_le16(r.head) != id)
		ret = -EPROTO;
	return ret;
}

/*
 * Ask for package @id (@n data bytes) until it comes whole. An 8-bit sum
 * misses two errors that cancel (the same bit flipped both ways), and the
 * JPEG walk only sees those that hit a marker: on a link that broke a
 * package lately, each package is fetched twice and must come the same.
 * Two silences in a row: the camera is gone (-ETIMEDOUT).
 */
static int ov528_get_pkg(struct sercam_camera *cam, u16 id, u8 *dst, u32 n)
{
	struct ov528_cam *oc = cam->priv;
	int i, silent = 0, ret = -EIO;

	for (i = 0; i < OV528_PKG_TRIES; i++) {
		if (i)
			sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		ret = ov528_fetch_pkg(cam, id, dst, n);
		if (!ret && oc->verify) {
			ret = ov528_fetch_pkg(cam, id, oc->copy, n);
			if (!ret && memcmp(dst, oc->copy, n))
				ret = -EBADMSG;
		}
		switch (ret) {
		case 0:
			return 0;
		case -ECANCELED:
		case -EINTR:
			return ret;
		case -ETIMEDOUT:
			sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
			if (++silent == OV528_SILENT_TRIES)
				return ret;
			continue;
		case -EBADMSG:
			sercam_stat_inc(cam, SERCAM_STAT_CRC_ERRORS);
			break;
		default:
			sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
			break;
		}
		silent = 0;
		/* the rest of this frame, and the next few, fetched twice */
		if (!oc->verify)
			return -EAGAIN;
		oc->verify = OV528_VERIFY_FRAMES;
	}
	return ret;
}

/* A JPEG snapshot in packages; the link is claimed. */
static int ov528_jpeg(struct sercam_camera *cam, struct sercam_frame *f,
		      bool *broken)
{
	struct ov528_cam *oc = cam->priv;
	u32 size, count, id, off, n, data;
	struct ov528_rx r = {};
	int ret;

	ret = ov528_set_pkg(cam);
	if (ret)
		return ret;
	ret = ov528_cmd(cam, OV528_SNAPSHOT, OV528_SNAP_JPEG, 0, 0, 0, &r, 0,
			OV528_CMD_MS, OV528_TRIES, &cam->stop);
	if (ret)
		return ret;
	f->timestamp = ktime_get_ns();
	ret = ov528_cmd(cam, OV528_GET_PICTURE, OV528_PIC_SNAPSHOT, 0, 0, 0,
			&r, 1, 4 * cam->mode->capture_us / USEC_PER_MSEC +
			OV528_CMD_MS, OV528_TRIES, &cam->stop);
	if (ret)
		return ret;
	if (!ov528_is(cam, &r, 1, OV528_DATA, -1)) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	size = ov528_data_size(r.msg + OV528_CMD_LEN);
	if (!size || size > f->size) {
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		ov528_leave(cam, &cam->stop);
		return -EMSGSIZE;
	}
	data = oc->pkg - OV528_PKG_OVERHEAD;
	count = ov528_pkg_count(size, oc->pkg);
	for (id = 0, off = 0; id < count; id++, off += n) {
		n = min(data, size - off);
		ret = ov528_get_pkg(cam, id, f->buf + off, n);
		if (ret) {
			*broken = true;
			if (!ov528_give_up(ret))
				ov528_leave(cam, &cam->stop);
			return ret;
		}
	}
	ret = ov528_send(cam, OV528_ACK, 0, 0, 0xf0, 0xf0, &cam->stop);
	if (ret)
		return ret;
	/* the sum misses errors that cancel: the JPEG itself must hold */
	if (sercam_jpeg_check(f->buf, size, NULL, NULL) == 0) {
		sercam_fstat_add(cam, OV528_STAT_BAD_JPEG, 1);
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		*broken = true;
		return -EILSEQ;
	}
	f->len = size;
	return 0;
}

/* A RAW grey snapshot: DATA, then the picture in one stream. */
static int ov528_raw(struct sercam_camera *cam, struct sercam_frame *f)
{
	u32 size = cam->mode->width * cam->mode->height;
	struct ov528_rx r = { .dst = f->buf, .room = f->size };
	int ret;

	ret = ov528_cmd(cam, OV528_SNAPSHOT, OV528_SNAP_RAW, 0, 0, 0, &r, 0,
			OV528_CMD_MS, OV528_TRIES, &cam->stop);
	if (ret)
		return ret;
	f->timestamp = ktime_get_ns();
	r.raw = true;
	ret = ov528_cmd(cam, OV528_GET_PICTURE, OV528_PIC_SNAPSHOT, 0, 0, 0,
			&r, 1, 4 * cam->mode->capture_us / USEC_PER_MSEC +
			OV528_CMD_MS, OV528_TRIES, &cam->stop);
	if (ret)
		return ret;
	if (!ov528_is(cam, &r, 1, OV528_DATA, -1) || r.len != size ||
	    r.at != size) {
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		ov528_leave(cam, &cam->stop);
		return -EMSGSIZE;
	}
	ret = ov528_send(cam, OV528_ACK, OV528_DATA, 0, 1, 0, &cam->stop);
	if (ret)
		return ret;
	f->len = size;
	return 0;
}

static void ov528_adapt(struct sercam_camera *cam, bool broken)
{
	struct ov528_cam *oc = cam->priv;

	if (broken) {
		oc->clean = 0;
		oc->pkg_target = max_t(u32, oc->pkg_target / 2, OV528_PKG_MIN);
	} else if (++oc->clean >= OV528_CLEAN_FRAMES &&
		   oc->pkg_target < OV528_PKG_MAX) {
		oc->clean = 0;
		oc->pkg_target = min_t(u32, oc->pkg_target * 2, OV528_PKG_MAX);
	}
}

static int ov528_capture(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct ov528_cam *oc = cam->priv;
	bool raw = cam->mode->fourcc == V4L2_PIX_FMT_GREY;
	bool broken;
	int i, ret;

	if (oc->lost) {
		/* silent inside the last frame, which went back at once */
		oc->lost = false;
		ret = sercam_camera_resync(cam);
		if (ret)
			return ret;
	}
	ret = sercam_camera_ready(cam, &cam->stop);
	if (ret)
		return ret;
	for (i = 0; i < OV528_FRAME_TRIES; i++) {
		broken = false;
		ret = sercam_link_claim(cam->link, &cam->stop);
		if (ret)
			return ret;
		ret = ov528_initial(cam, cam->mode);
		if (!ret)
			ret = raw ? ov528_raw(cam, f) : ov528_jpeg(cam, f, &broken);
		/* the controls set while the frame crossed the wire */
		if (!ret)
			ret = ov528_sync_settings(cam, &cam->stop);
		sercam_link_release(cam->link);
		if (!raw)
			ov528_adapt(cam, broken);
		if (ret == -EAGAIN) {
			/*
			 * A package broke while packages were fetched once:
			 * those before it cannot be trusted. The whole frame
			 * again, every package twice.
			 */
			oc->verify = OV528_VERIFY_FRAMES;
			i--;
			continue;
		}
		if (ret == -ETIMEDOUT) {
			/* silence: the camera is gone, or at another rate */
			ov528_forget(oc);
			oc->lost = true;
			return ret;
		}
		if (ret == -EILSEQ)
			/* a sum that missed errors: trust no single fetch */
			oc->verify = OV528_VERIFY_FRAMES;
		if (!ret || ov528_give_up(ret) || ret == -EMSGSIZE ||
		    ret == -EILSEQ)
			break;
	}
	if (!ret && !raw && oc->verify)
		oc->verify--;
	return ret;
}

/* --- the camera in the devicetree ---------------------------------------- */

static void ov528_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	u32 px = m->width * m->height;

	m->capture_us = div_u64((u64)OV528_CAPTURE_US_VGA * px, 640 * 480);
	if (m->fourcc == V4L2_PIX_FMT_GREY) {
		m->max_size = px;
		m->typical_size = px;
	} else {
		/* a JPEG at 1 byte a pixel would be a poor one indeed */
		m->max_size = PAGE_ALIGN(px);
		m->typical_size = px / 10;
	}
}

static int ov528_probe_cam(struct sercam_camera *cam)
{
	bool bus = cam->fwnode != dev_fwnode(cam->dev);
	struct ov528_cam *oc;
	u32 ms = bus ? OV528_TURNAROUND_BUS_MS : 0;
	int i;

	if (bus && !cam->addr) {
		dev_err(cam->dev,
			"%pfwP: address 0 is for a lone camera (RS-232); cameras on a bus are 1..7\n",
			cam->fwnode);
		return -EINVAL;
	}
	oc = kzalloc(sizeof(*oc), GFP_KERNEL);
	if (!oc)
		return -ENOMEM;
	cam->priv = oc;
	ov528_forget(oc);
	oc->has_cbe = -1;
	oc->pkg_target = OV528_PKG_MAX;
	for (i = 0; i < OV528_NUM_CBE; i++)
		oc->want_cbe[i] = OV528_LEVEL_NORMAL;
	/* the camera's node, else the bus node's, else the default */
	if (fwnode_property_read_u32(cam->fwnode, "ovti,turnaround-ms", &ms))
		device_property_read_u32(cam->dev, "ovti,turnaround-ms", &ms);
	if (ms > 1000) {
		dev_err(cam->dev, "ovti,turnaround-ms = %u: at most 1000\n", ms);
		return -EINVAL;
	}
	oc->gap_max_us = ms * USEC_PER_MSEC;
	ov528_set_gap(cam, oc->gap_max_us);
	return 0;
}

static const struct sercam_family_ops ov528_ops = {
	.probe = ov528_probe_cam,
	.fill_mode = ov528_fill_mode,
	.init_ctrls = ov528_init_ctrls,
	.hello = ov528_hello,
	.set_rate = ov528_set_rate,
	.cam_init = ov528_cam_init,
	.capture = ov528_capture,
	.sleep = ov528_sleep,
};

/* The rates a camera is looked for at: it locks onto the one it is synced at. */
static const u32 ov528_rates[] = {
	115200, 57600, 38400, 19200, 9600, 0
};

/* The rates SET BAUD RATE's formula gives exactly, within UART reach. */
static const u32 ov528_max_rates[] = {
	9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 0
};

/* what sercam-attach may set besides the common properties */
static const struct sercam_prop ov528_props[] = {
	{ "ovti,turnaround-ms", SERCAM_PROP_U32 },
	{ }
};

static const struct sercam_family ov528_family = {
	.name = "OV528",
	.short_name = "ov528",
	.owner = THIS_MODULE,
	.ops = &ov528_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.modes = ov528_modes,
	.num_modes = ARRAY_SIZE(ov528_modes),
	.rates = ov528_rates,
	.max_rates = ov528_max_rates,
	.default_baud = 115200,
	.addr_prop = "ovti,address",
	.addr_min = 0,
	.addr_max = OV528_ADDR_MAX,
	.addr_default = 0,
	.stat_names = ov528_stat_names,
	.props = ov528_props,
};

static int ov528_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &ov528_family);
}

static void ov528_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id ov528_of_match[] = {
	{ .compatible = "ovti,ov528" },
	{}
};
MODULE_DEVICE_TABLE(of, ov528_of_match);

static struct serdev_device_driver ov528_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = ov528_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = ov528_probe,
	.remove = ov528_remove,
};
module_sercam_driver(ov528_driver, ov528_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("OV528 serial-bridge cameras (V8, C328, uCAM) as V4L2 devices");
MODULE_LICENSE("GPL");
