// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the passive JPEG stream family
 *
 * A camera whose own script writes JPEG frames to its UART, unasked: an
 * OpenMV camera running `uart.write(img.compress())`, with or without
 * markers or a length around each frame (stream-proto.h). A push family:
 * nothing is ever sent to the camera. While streaming, the receive path
 * takes the oldest queued buffer when a frame begins, writes the frame's
 * bytes straight into it as they arrive, and completes it at the frame's
 * end: good when the marker walk and the framing agree, an error buffer
 * when the frame was cut short, too long, or not a JPEG. A frame that
 * begins with no buffer queued is dropped and shows as a sequence gap.
 *
 * The frame size is whatever the camera sends: the node reports the size
 * of the last frame (from its SOF marker) and raises
 * V4L2_EVENT_SOURCE_CHANGE when it changes.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/videodev2.h>

#include "sercam-family.h"
#include "stream-proto.h"

/* Largest frame accepted unless openmv,max-frame-size says otherwise. */
#define STREAM_MAX_FRAME_DEFAULT	(512 * 1024)
#define STREAM_MAX_FRAME_LIMIT		(16 * 1024 * 1024)
/* The frame interval reported (G_PARM): the camera's script decides it. */
#define STREAM_INTERVAL_US_DEFAULT	100000

/* The family's own counters, in &sercam_camera.fstats. */
enum {
	STREAM_STAT_SKIPPED,
	STREAM_STAT_TRUNCATED,
	STREAM_STAT_TOO_LONG,
	STREAM_STAT_BAD_JPEG,
	STREAM_STAT_BAD_FRAMING,
	STREAM_STAT_UNSYNCED,
};

static const char *const stream_stat_names[] = {
	[STREAM_STAT_SKIPPED] = "skipped_bytes",
	[STREAM_STAT_TRUNCATED] = "truncated",
	[STREAM_STAT_TOO_LONG] = "too_long",
	[STREAM_STAT_BAD_JPEG] = "bad_jpeg",
	[STREAM_STAT_BAD_FRAMING] = "bad_framing",
	[STREAM_STAT_UNSYNCED] = "unsynced",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(stream_stat_names);

static const char *const stream_framing_names[] = {
	[STREAM_FRAMING_JPEG] = "jpeg",
	[STREAM_FRAMING_MARKERS] = "markers",
	[STREAM_FRAMING_LENGTH] = "length",
};

/**
 * struct stream_cam - a stream camera
 * @cfg: its framing, from the devicetree
 * @parser: the receive parser; under the link's receive lock
 * @sink: where frames go, while streaming
 * @frame: the buffer the frame under way goes into
 * @have_frame: @frame holds a buffer
 * @seen: the parser's counters already added to the camera's
 */
struct stream_cam {
	struct stream_config cfg;
	struct stream_parser parser;
	struct sercam_sink *sink;
	struct sercam_frame frame;
	bool have_frame;
	struct stream_stats seen;
};

static const struct sercam_mode stream_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 640, .height = 480 },
};

static void stream_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	struct stream_cam *sc = cam->priv;

	m->max_size = PAGE_ALIGN(sc->cfg.max_len);
	m->capture_us = STREAM_INTERVAL_US_DEFAULT;
	m->typical_size = 0;	/* the camera's own rate, not the wire's */
}

/* Add what the parser counted since last time to the camera's counters. */
static void stream_account(struct sercam_camera *cam, struct stream_cam *sc)
{
	const struct stream_stats *s = &sc->parser.stats;

	sercam_fstat_add(cam, STREAM_STAT_SKIPPED, s->skipped - sc->seen.skipped);
	sercam_fstat_add(cam, STREAM_STAT_TRUNCATED,
			 s->truncated - sc->seen.truncated);
	sercam_fstat_add(cam, STREAM_STAT_TOO_LONG,
			 s->too_long - sc->seen.too_long);
	sercam_fstat_add(cam, STREAM_STAT_BAD_JPEG,
			 s->bad_jpeg - sc->seen.bad_jpeg);
	sercam_fstat_add(cam, STREAM_STAT_BAD_FRAMING,
			 s->bad_framing - sc->seen.bad_framing);
	sercam_fstat_add(cam, STREAM_STAT_UNSYNCED,
			 s->unsynced - sc->seen.unsynced);
	sc->seen = *s;
}

/* A frame begins: take a buffer for it, or drop it. */
static void stream_begin(struct stream_cam *sc, ktime_t t)
{
	int ret = sc->sink->get(sc->sink, &sc->frame);

	if (ret) {
		if (ret == -ENOBUFS)
			sc->sink->lost(sc->sink);
		stream_set_dst(&sc->parser, NULL, 0);
		return;
	}
	sc->have_frame = true;
	sc->frame.timestamp = ktime_to_ns(t);
	stream_set_dst(&sc->parser, sc->frame.buf, sc->frame.size);
}

static void stream_finish(struct stream_cam *sc, int err)
{
	struct stream_parser *p = &sc->parser;

	if (!sc->have_frame)
		return;
	sc->have_frame = false;
	if (!err) {
		sc->frame.len = p->len;
		sc->sink->resize(sc->sink, p->width, p->height);
	}
	sc->sink->done(sc->sink, &sc->frame, err);
}

/*
 * The receive path: runs of bytes, under the link's receive lock; no
 * bytes when the line has gone silent (a frame under way then breaks).
 */
static void stream_rx(void *ctx, const u8 *buf, size_t len, ktime_t t)
{
	struct sercam_camera *cam = ctx;
	struct stream_cam *sc = cam->priv;
	enum stream_event ev;
	size_t n;

	if (!len && stream_idle(&sc->parser) == STREAM_EV_BROKEN)
		stream_finish(sc, sc->parser.err);
	while (len) {
		n = stream_parse(&sc->parser, buf, len, &ev);
		buf += n;
		len -= n;
		switch (ev) {
		case STREAM_EV_NONE:
			break;
		case STREAM_EV_BEGIN:
			stream_begin(sc, t);
			break;
		case STREAM_EV_FRAME:
			stream_finish(sc, 0);
			break;
		case STREAM_EV_BROKEN:
			stream_finish(sc, sc->parser.err);
			break;
		}
	}
	stream_account(cam, sc);
}

static int stream_on(struct sercam_camera *cam, struct sercam_sink *sink)
{
	struct stream_cam *sc = cam->priv;

	/* the listener is not running: the state is ours */
	stream_parser_reset(&sc->parser);
	sc->sink = sink;
	sc->have_frame = false;
	sercam_link_listen(cam->link, stream_rx, cam);
	return 0;
}

static void stream_off(struct sercam_camera *cam)
{
	struct stream_cam *sc = cam->priv;

	/* when it returns, stream_rx() is not running and won't be called */
	sercam_link_listen(cam->link, NULL, NULL);
	stream_finish(sc, -ECANCELED);
	sc->sink = NULL;
}

static int stream_read_marker(struct sercam_camera *cam, const char *prop,
			      const char *def, u8 *out, u8 *len)
{
	const char *s = def;
	size_t n;

	fwnode_property_read_string(cam->fwnode, prop, &s);
	n = strlen(s);
	if (!n || n > STREAM_MARKER_MAX) {
		dev_err(cam->dev, "%pfwP: %s = \"%s\": 1 to %u characters\n",
			cam->fwnode, prop, s, STREAM_MARKER_MAX);
		return -EINVAL;
	}
	memcpy(out, s, n);
	*len = n;
	return 0;
}

static int stream_probe_cam(struct sercam_camera *cam)
{
	struct stream_config *cfg;
	struct stream_cam *sc;
	const char *framing = "jpeg";
	u32 max = STREAM_MAX_FRAME_DEFAULT;
	int i, ret;

	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return -ENOMEM;
	cam->priv = sc;
	cfg = &sc->cfg;

	fwnode_property_read_string(cam->fwnode, "openmv,framing", &framing);
	i = match_string(stream_framing_names,
			 ARRAY_SIZE(stream_framing_names), framing);
	if (i < 0) {
		dev_err(cam->dev,
			"%pfwP: openmv,framing = \"%s\": must be jpeg, markers or length\n",
			cam->fwnode, framing);
		return -EINVAL;
	}
	cfg->framing = i;
	ret = stream_read_marker(cam, "openmv,start-marker", "____start____",
				 cfg->start, &cfg->start_len);
	if (ret)
		return ret;
	ret = stream_read_marker(cam, "openmv,end-marker", "____end____",
				 cfg->end, &cfg->end_len);
	if (ret)
		return ret;
	fwnode_property_read_u32(cam->fwnode, "openmv,max-frame-size", &max);
	if (max < STREAM_LEN_MIN || max > STREAM_MAX_FRAME_LIMIT) {
		dev_err(cam->dev,
			"%pfwP: openmv,max-frame-size = %u: must be %u..%u\n",
			cam->fwnode, max, STREAM_LEN_MIN,
			STREAM_MAX_FRAME_LIMIT);
		return -EINVAL;
	}
	cfg->max_len = max;
	if (stream_config_check(cfg)) {
		dev_err(cam->dev,
			"%pfwP: the start and end markers must differ\n",
			cam->fwnode);
		return -EINVAL;
	}
	stream_parser_init(&sc->parser, cfg);
	return 0;
}

static const struct sercam_family_ops stream_ops = {
	.probe = stream_probe_cam,
	.fill_mode = stream_fill_mode,
	.stream_on = stream_on,
	.stream_off = stream_off,
};

/* what sercam-attach may set besides the common properties */
static const struct sercam_prop stream_props[] = {
	{ "openmv,framing", SERCAM_PROP_STRING },
	{ "openmv,start-marker", SERCAM_PROP_STRING },
	{ "openmv,end-marker", SERCAM_PROP_STRING },
	{ "openmv,max-frame-size", SERCAM_PROP_U32 },
	{ }
};

static const struct sercam_family stream_family = {
	.name = "JPEG stream",
	.short_name = "stream",
	.owner = THIS_MODULE,
	.ops = &stream_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.push = true,
	.any_size = true,
	.modes = stream_modes,
	.num_modes = ARRAY_SIZE(stream_modes),
	.stat_names = stream_stat_names,
	.props = stream_props,
};

static int stream_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &stream_family);
}

static void stream_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id stream_of_match[] = {
	{ .compatible = "openmv,jpeg-stream" },
	{ }
};
MODULE_DEVICE_TABLE(of, stream_of_match);

static struct serdev_device_driver stream_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = stream_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = stream_probe,
	.remove = stream_remove,
};
module_sercam_driver(stream_driver, stream_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("Cameras that stream JPEG frames unasked (OpenMV scripts) as V4L2 capture devices");
MODULE_LICENSE("GPL");
