// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - Pixy (CMUcam5): the objects it detects, on a metadata node
 *
 * A push family (shared/protocols/pixy.md). Pixy sends no pictures: 50
 * times a second it sends the blocks (objects) it found in its last frame,
 * unasked. Each Pixy frame is one buffer of V4L2_META_FMT_SERCAM_PIXY
 * (include/uapi/linux/sercam.h), written by the receive path straight into
 * the buffer it takes when the frame's two sync words arrive, timestamped
 * at the first of them. A block whose checksum fails is left out and the
 * frame flagged (V4L2_BUF_FLAG_ERROR, the good blocks kept); so is a frame
 * that broke off.
 *
 * Sequence numbers count the camera's frames: a frame begun with no buffer
 * queued is a gap, and so are the frames Pixy dropped itself because the
 * line was still busy with an earlier one (at 19200 baud more than two
 * blocks do not fit in 20 ms). Those are told from the frames' start times
 * and lengths on the wire (pixy_clock_step()).
 *
 * Controls go to the camera at once: the pan and tilt servos (one command
 * for both), brightness, and the RGB LED.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/videodev2.h>
#include <linux/sercam.h>
#include <media/v4l2-ctrls.h>

#include "sercam-family.h"
#include "pixy-proto.h"

/* Pixy detects 50 frames a second. */
#define PIXY_PERIOD_NS		(NSEC_PER_SEC / 50)
#define PIXY_BAUD_DEFAULT	19200
/* Power-on values of what the controls set. */
#define PIXY_SERVO_DEFAULT	500
#define PIXY_BRIGHT_DEFAULT	80
/* Frames the achieved rate is averaged over (a power of two). */
#define PIXY_FPS_AVG		16

/* The family's own counters, in &sercam_camera.fstats. */
enum {
	PIXY_STAT_BLOCKS,
	PIXY_STAT_BAD_SUMS,
	PIXY_STAT_BROKEN,
	PIXY_STAT_SLIPS,
	PIXY_STAT_SKIPPED,
	PIXY_STAT_CAM_DROPPED,
	PIXY_STAT_FPS,
	PIXY_STAT_CMDS,
};

static const char *const pixy_stat_names[] = {
	[PIXY_STAT_BLOCKS] = "blocks",
	[PIXY_STAT_BAD_SUMS] = "bad_checksums",
	[PIXY_STAT_BROKEN] = "broken_frames",
	[PIXY_STAT_SLIPS] = "byte_slips",
	[PIXY_STAT_SKIPPED] = "skipped_bytes",
	[PIXY_STAT_CAM_DROPPED] = "camera_dropped",
	[PIXY_STAT_FPS] = "fps_milli",
	[PIXY_STAT_CMDS] = "commands",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(pixy_stat_names);

/**
 * struct pixy_cam - a Pixy
 * @parser: the receive parser; under the link's receive lock
 * @clock: the camera's frame clock, likewise
 * @sink: where frames go, while streaming
 * @frame: the buffer the frame under way goes into
 * @have_frame: @frame holds a buffer
 * @baud: the link's rate
 * @start_pos: where in the stream the last frame began (bytes)
 * @avg_ns: the time between frames seen, averaged (for the achieved rate)
 * @seen: the parser's counters already added to the camera's
 * @pan: the pan control, master of the servo cluster (pan, tilt)
 * @tilt: the tilt control
 */
struct pixy_cam {
	struct pixy_parser parser;
	struct pixy_clock clock;
	struct sercam_sink *sink;
	struct sercam_frame frame;
	bool have_frame;
	u32 baud;
	u64 start_pos;
	u64 avg_ns;
	struct pixy_stats seen;
	struct v4l2_ctrl *pan;
	struct v4l2_ctrl *tilt;
};

static const struct sercam_mode pixy_modes[] = {
	{ .fourcc = V4L2_META_FMT_SERCAM_PIXY },
};

static void pixy_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	m->max_size = PIXY_BUF_LEN;
	m->capture_us = PIXY_PERIOD_NS / NSEC_PER_USEC;
	m->typical_size = 0;	/* the camera's own rate, not the wire's */
}

/* Add what the parser counted since last time to the camera's counters. */
static void pixy_account(struct sercam_camera *cam, struct pixy_cam *pc)
{
	const struct pixy_stats *s = &pc->parser.stats;

	sercam_fstat_add(cam, PIXY_STAT_BLOCKS, s->blocks - pc->seen.blocks);
	sercam_fstat_add(cam, PIXY_STAT_BAD_SUMS,
			 s->bad_sums - pc->seen.bad_sums);
	sercam_fstat_add(cam, PIXY_STAT_BROKEN, s->broken - pc->seen.broken);
	sercam_fstat_add(cam, PIXY_STAT_SLIPS, s->slips - pc->seen.slips);
	sercam_fstat_add(cam, PIXY_STAT_SKIPPED,
			 s->skipped - pc->seen.skipped);
	sercam_stat_add(cam, SERCAM_STAT_CRC_ERRORS,
			s->bad_sums - pc->seen.bad_sums);
	sercam_stat_add(cam, SERCAM_STAT_PROTO_ERRORS,
			s->broken - pc->seen.broken);
	pc->seen = *s;
}

/*
 * A frame began, its first byte @back bytes before the end of a run that
 * arrived at @t: count the camera's frames since the last one, then take
 * a buffer for it or let it go by as a gap.
 */
static void pixy_begin(struct sercam_camera *cam, struct pixy_cam *pc,
		       ktime_t t, size_t back)
{
	u64 prev = pc->clock.start, at = pc->parser.pos - 4;
	bool valid = pc->clock.valid;
	u32 n;
	int ret;

	/* back to back, this frame began when the bytes since the last had gone */
	pc->clock.end = prev + div_u64((at - pc->start_pos) * 10 * NSEC_PER_SEC,
				       pc->baud);
	pc->start_pos = at;
	n = pixy_clock_step(&pc->clock, ktime_to_ns(t) -
			    div_u64((u64)back * 10 * NSEC_PER_SEC, pc->baud),
			    PIXY_PERIOD_NS);
	if (valid && pc->clock.start > prev) {
		/* frames seen per second, averaged over PIXY_FPS_AVG */
		u64 d = pc->clock.start - prev;

		pc->avg_ns = pc->avg_ns ?
			pc->avg_ns - pc->avg_ns / PIXY_FPS_AVG + d / PIXY_FPS_AVG : d;
		atomic64_set(&cam->fstats[PIXY_STAT_FPS],
			     div64_u64(NSEC_PER_SEC * 1000ULL, pc->avg_ns));
	}
	sercam_fstat_add(cam, PIXY_STAT_CAM_DROPPED, n - 1);
	while (--n)
		pc->sink->lost(pc->sink);

	ret = pc->sink->get(pc->sink, &pc->frame);
	if (ret) {
		if (ret == -ENOBUFS)
			pc->sink->lost(pc->sink);
		pixy_set_dst(&pc->parser, NULL);
		return;
	}
	pc->have_frame = true;
	pc->frame.timestamp = pc->clock.start;
	pixy_set_dst(&pc->parser, pc->frame.buf);
}

/* The frame under way is over (or stream-off: @err -ECANCELED). */
static void pixy_finish(struct pixy_cam *pc, int err)
{
	struct pixy_parser *p = &pc->parser;

	if (!pc->have_frame)
		return;
	pc->have_frame = false;
	if (!err) {
		pc->frame.len = p->len;
		if (p->flags) {
			/* the good blocks stay; the flag says some are not */
			pc->frame.partial = true;
			err = -EBADMSG;
		}
	}
	pc->sink->done(pc->sink, &pc->frame, err);
}

/*
 * The receive path: runs of bytes, under the link's receive lock; no bytes
 * when the line has gone silent (a frame under way then ends).
 */
static void pixy_rx(void *ctx, const u8 *buf, size_t len, ktime_t t)
{
	struct sercam_camera *cam = ctx;
	struct pixy_cam *pc = cam->priv;
	enum pixy_event ev;
	size_t n;

	if (!len && pixy_idle(&pc->parser) == PIXY_EV_END)
		pixy_finish(pc, 0);
	while (len) {
		n = pixy_parse(&pc->parser, buf, len, &ev);
		buf += n;
		len -= n;
		if (ev == PIXY_EV_START)
			pixy_begin(cam, pc, t, len + 4);
		else if (ev == PIXY_EV_END)
			pixy_finish(pc, 0);
	}
	/* a frame whose end was found by the next one's start */
	if (pc->parser.pending) {
		pixy_parse(&pc->parser, NULL, 0, &ev);
		pixy_begin(cam, pc, t, 4);
	}
	pixy_account(cam, pc);
}

static int pixy_stream_on(struct sercam_camera *cam, struct sercam_sink *sink)
{
	struct pixy_cam *pc = cam->priv;
	u32 baud = sercam_link_baud(cam->link) ? : PIXY_BAUD_DEFAULT;

	/* the listener is not running: the state is ours */
	pixy_parser_reset(&pc->parser);
	memset(&pc->clock, 0, sizeof(pc->clock));
	pc->baud = baud;
	pc->start_pos = 0;
	pc->avg_ns = 0;
	pc->sink = sink;
	pc->have_frame = false;
	sercam_link_listen(cam->link, pixy_rx, cam);
	return 0;
}

static void pixy_stream_off(struct sercam_camera *cam)
{
	struct pixy_cam *pc = cam->priv;

	/* when it returns, pixy_rx() is not running and won't be called */
	sercam_link_listen(cam->link, NULL, NULL);
	pixy_finish(pc, -ECANCELED);
	pc->sink = NULL;
}

/* --- controls ------------------------------------------------------------ */

static int pixy_send(struct sercam_camera *cam, const u8 *cmd, size_t len)
{
	int ret = sercam_link_claim(cam->link, &cam->gone);

	if (ret)
		return ret;
	ret = sercam_link_send_claimed(cam->link, cmd, len, &cam->gone);
	sercam_link_release(cam->link);
	if (ret)
		sercam_stat_inc(cam, SERCAM_STAT_CTRL_ERRORS);
	else
		sercam_fstat_add(cam, PIXY_STAT_CMDS, 1);
	return ret;
}

/*
 * Pixy answers no command: what is sent is all there is to it. Pan and
 * tilt are a cluster, one servo command carrying both.
 */
static int pixy_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct sercam_camera *cam = ctrl->priv;
	struct pixy_cam *pc = cam->priv;
	u8 cmd[PIXY_CMD_SERVO_LEN];
	size_t len;

	switch (ctrl->id) {
	case V4L2_CID_PAN_ABSOLUTE:
		len = pixy_cmd_servo(cmd, pc->pan->val, pc->tilt->val);
		break;
	case V4L2_CID_BRIGHTNESS:
		len = pixy_cmd_brightness(cmd, ctrl->val);
		break;
	case V4L2_CID_SERCAM_LED_RGB:
		len = pixy_cmd_led(cmd, ctrl->val);
		break;
	default:
		return -EINVAL;
	}
	return pixy_send(cam, cmd, len);
}

static const struct v4l2_ctrl_ops pixy_ctrl_ops = {
	.s_ctrl = pixy_s_ctrl,
};

static const struct v4l2_ctrl_config pixy_led_ctrl = {
	.ops = &pixy_ctrl_ops,
	.id = V4L2_CID_SERCAM_LED_RGB,
	.name = "LED Colour (RGB)",
	.type = V4L2_CTRL_TYPE_INTEGER,
	.min = 0,
	.max = 0xffffff,
	.step = 1,
	.def = 0,
	.flags = V4L2_CTRL_FLAG_EXECUTE_ON_WRITE,
};

static int pixy_init_ctrls(struct sercam_camera *cam,
			   struct v4l2_ctrl_handler *hdl)
{
	struct pixy_cam *pc = cam->priv;
	struct v4l2_ctrl *led, *bright;

	/* the servo's own units: 0..1000 is its whole travel */
	pc->pan = v4l2_ctrl_new_std(hdl, &pixy_ctrl_ops, V4L2_CID_PAN_ABSOLUTE,
				    0, PIXY_SERVO_MAX, 1, PIXY_SERVO_DEFAULT);
	pc->tilt = v4l2_ctrl_new_std(hdl, &pixy_ctrl_ops,
				     V4L2_CID_TILT_ABSOLUTE, 0, PIXY_SERVO_MAX,
				     1, PIXY_SERVO_DEFAULT);
	bright = v4l2_ctrl_new_std(hdl, &pixy_ctrl_ops, V4L2_CID_BRIGHTNESS,
				   0, 255, 1, PIXY_BRIGHT_DEFAULT);
	led = v4l2_ctrl_new_custom(hdl, &pixy_led_ctrl, NULL);
	if (hdl->error)
		return hdl->error;
	/* the priv of each is the camera (s_ctrl's way to it) */
	pc->pan->priv = cam;
	pc->tilt->priv = cam;
	bright->priv = cam;
	led->priv = cam;
	v4l2_ctrl_cluster(2, &pc->pan);
	return 0;
}

static int pixy_probe_cam(struct sercam_camera *cam)
{
	struct pixy_cam *pc;

	/* the parser writes the uapi layout by offsets: they must agree */
	BUILD_BUG_ON(sizeof(struct sercam_pixy_header) != PIXY_HDR_LEN);
	BUILD_BUG_ON(sizeof(struct sercam_pixy_block) != PIXY_REC_LEN);
	BUILD_BUG_ON(SERCAM_PIXY_MAX_BLOCKS != PIXY_MAX_BLOCKS);
	BUILD_BUG_ON(SERCAM_PIXY_FL_BAD_BLOCKS != PIXY_FL_BAD_BLOCKS);
	BUILD_BUG_ON(SERCAM_PIXY_FL_BROKEN != PIXY_FL_BROKEN);
	BUILD_BUG_ON(SERCAM_PIXY_FL_TRUNCATED != PIXY_FL_TRUNCATED);
	BUILD_BUG_ON(SERCAM_PIXY_BLOCK_CC != PIXY_BLOCK_CC);

	pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	if (!pc)
		return -ENOMEM;
	cam->priv = pc;
	pixy_parser_reset(&pc->parser);
	cam->frame_us = PIXY_PERIOD_NS / NSEC_PER_USEC;
	return 0;
}

static const struct sercam_family_ops pixy_ops = {
	.probe = pixy_probe_cam,
	.fill_mode = pixy_fill_mode,
	.init_ctrls = pixy_init_ctrls,
	.stream_on = pixy_stream_on,
	.stream_off = pixy_stream_off,
};

static const struct sercam_family pixy_family = {
	.name = "Pixy",
	.short_name = "pixy",
	.owner = THIS_MODULE,
	.ops = &pixy_ops,
	.buf_type = V4L2_BUF_TYPE_META_CAPTURE,
	.fmt_desc = "Pixy object blocks",
	.push = true,
	.modes = pixy_modes,
	.num_modes = ARRAY_SIZE(pixy_modes),
	.default_baud = PIXY_BAUD_DEFAULT,
	.stat_names = pixy_stat_names,
};

static int pixy_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &pixy_family);
}

static void pixy_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id pixy_of_match[] = {
	{ .compatible = "charmedlabs,pixy" },
	{ }
};
MODULE_DEVICE_TABLE(of, pixy_of_match);

static struct serdev_device_driver pixy_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = pixy_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = pixy_probe,
	.remove = pixy_remove,
};
module_sercam_driver(pixy_driver, pixy_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("Pixy (CMUcam5) object trackers as V4L2 metadata capture devices");
MODULE_LICENSE("GPL");
