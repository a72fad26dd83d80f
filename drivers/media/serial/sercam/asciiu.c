// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - the ASCII "U#" serial camera (protocol 1.0 of the V8 manual)
 *
 * A camera that speaks upper-case ASCII commands ending in `#`
 * (shared/protocols/ascii-u.md): UI sets the rate, UG takes one picture,
 * UC sends pictures back to back until any command arrives. Each picture
 * comes as `UP<size>#` and then exactly <size> bytes: the JPEG and, after
 * its EOI, some padding. There is no checksum.
 *
 * A push family: streaming puts the camera in continuous mode (UC) and the
 * receive path writes each picture straight into the oldest queued buffer,
 * taken when its announcement arrives. A camera that refuses UC (UE#, twice)
 * is asked for a picture at a time (UG), the next as soon as one is over;
 * the pictures come the same way. A picture is good only when all its
 * announced bytes came, they hold one JPEG (the marker walk; padding after
 * EOI tolerated), that JPEG is the size asked for and its entropy-coded
 * data decodes (sercam_jpeg_check_scan()); anything else is an error
 * buffer. Stream-off sends UI at the current rate, which ends
 * continuous mode (the camera finishes the picture under way first: those
 * bytes are skipped). A camera silent for a while when it should be
 * sending (restarted at its power-on rate, unplugged) is looked for again
 * at its rates and put back in continuous mode; until then each attempt
 * gives the application an error buffer, so that it is not left waiting
 * in silence.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/videodev2.h>
#include <linux/workqueue.h>

#include "sercam-family.h"
#include "sercam-jpeg.h"
#include "asciiu-proto.h"

#define AU_BAUD_DEFAULT		19200
/* A reply's first byte, from the end of the command. */
#define AU_CMD_MS		100
/* The longest silence inside a reply or picture. */
#define AU_GAP_MS		50
/* Capture latency at 640x480 (shorter for fewer pixels). */
#define AU_CAPTURE_US_VGA	100000
/* Between attempts to restart a camera that went silent. */
#define AU_RETRY_MS		1000
/* &au_cam.flags */
#define AU_LOST			0

/* The family's own counters, in &sercam_camera.fstats. */
enum {
	AU_STAT_PICTURES,
	AU_STAT_SKIPPED,
	AU_STAT_BAD_TEXT,
	AU_STAT_BAD_JPEG,
	AU_STAT_TRUNCATED,
	AU_STAT_TOO_LONG,
	AU_STAT_ERROR_REPLIES,
	AU_STAT_RESTARTS,
	AU_STAT_SINGLE,
};

static const char *const au_stat_names[] = {
	[AU_STAT_PICTURES] = "pictures",
	[AU_STAT_SKIPPED] = "skipped_bytes",
	[AU_STAT_BAD_TEXT] = "bad_texts",
	[AU_STAT_BAD_JPEG] = "bad_jpeg",
	[AU_STAT_TRUNCATED] = "truncated",
	[AU_STAT_TOO_LONG] = "too_long",
	[AU_STAT_ERROR_REPLIES] = "error_replies",
	[AU_STAT_RESTARTS] = "restarts",
	[AU_STAT_SINGLE] = "single_requests",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(au_stat_names);

/**
 * struct au_cam - an ASCII U# camera
 * @parser: the receive parser; under the link's receive lock, or ours
 *	while neither the listener nor an exchange can run
 * @sink: where pictures go, while streaming; written only while the
 *	receive path cannot run
 * @frame: the buffer the picture under way goes into
 * @have_frame: @frame holds a buffer
 * @too_long: the picture under way is larger than @frame
 * @walk: the JPEG marker walk over the picture under way, as it arrives:
 *	nothing is written into the buffer past its EOI (the padding after
 *	it is checked as it goes by)
 * @bad_pad: padding after EOI that is not 00 or FF
 * @baud: the link's rate, for timestamps (receive path)
 * @seen: the parser's counters already added to the camera's
 * @cam: back to the camera (the restart work)
 * @single: the camera has no continuous mode: UG for each picture
 * @flags: %AU_LOST: the camera went silent while streaming: @restart
 *	finds it first
 * @restart: asks for pictures: continuous mode (UC), or the next picture
 *	(UG, @single); first finds a camera that went silent (@lost)
 */
struct au_cam {
	struct au_parser parser;
	struct sercam_sink *sink;
	struct sercam_frame frame;
	bool have_frame;
	bool too_long;
	struct sercam_jpeg_walk walk;
	bool bad_pad;
	u32 baud;
	struct au_stats seen;
	struct sercam_camera *cam;
	bool single;
	unsigned long flags;
	struct delayed_work restart;
};

/*
 * An exchange's context: what reply ends it, and how many bytes of other
 * things (a picture under way) it may still wait through.
 */
struct au_xctx {
	struct sercam_camera *cam;
	char want;
	u32 budget;
};

static const struct sercam_mode au_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 640, .height = 480,
	  .code = AU_SIZE_640 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 320, .height = 240,
	  .code = AU_SIZE_320 },
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 160, .height = 120,
	  .code = AU_SIZE_160 },
};

static bool au_give_up(int ret)
{
	return ret == -ECANCELED || ret == -EINTR;
}

/* --- the receive path ---------------------------------------------------- */

/* Add what the parser counted since last time to the camera's counters. */
static void au_account(struct sercam_camera *cam, struct au_cam *ac)
{
	const struct au_stats *s = &ac->parser.stats;

	sercam_fstat_add(cam, AU_STAT_PICTURES, s->pictures - ac->seen.pictures);
	sercam_fstat_add(cam, AU_STAT_SKIPPED, s->skipped - ac->seen.skipped);
	sercam_fstat_add(cam, AU_STAT_BAD_TEXT, s->bad - ac->seen.bad);
	ac->seen = *s;
}

/*
 * A picture was announced, its first byte @back bytes before the end of a
 * run that arrived at @t: take a buffer for it, or let it go by.
 */
static void au_begin(struct au_cam *ac, ktime_t t, size_t back)
{
	struct au_parser *p = &ac->parser;
	int ret;

	au_set_dst(p, NULL, 0);
	if (!ac->sink)
		return;
	ret = ac->sink->get(ac->sink, &ac->frame);
	if (ret) {
		if (ret == -ENOBUFS)
			ac->sink->lost(ac->sink);
		return;
	}
	ac->have_frame = true;
	ac->too_long = p->size > ac->frame.size;
	sercam_jpeg_walk_init(&ac->walk);
	ac->bad_pad = false;
	ac->frame.timestamp = ktime_to_ns(t) -
		div_u64((u64)back * 10 * NSEC_PER_SEC, ac->baud);
	au_set_dst(p, ac->frame.buf, ac->frame.size);
}

/*
 * The picture under way is over: @err 0 when all its bytes came. Returns
 * a copy of the bytes to parse again (kvfree() it), in @tail_len, when
 * the picture was cut short and the next one's announcement is among
 * them; else NULL.
 */
static u8 *au_finish(struct sercam_camera *cam, struct au_cam *ac, int err,
		     size_t *tail_len)
{
	const struct sercam_mode *m = cam->mode;
	u32 held = min(ac->parser.size, ac->parser.dst_len);
	struct sercam_jpeg_walk *jw = &ac->walk;
	bool bad_data = false;
	u8 *tail = NULL;
	size_t at;

	if (!ac->have_frame)
		return NULL;
	ac->have_frame = false;
	if (!err && ac->too_long) {
		sercam_fstat_add(cam, AU_STAT_TOO_LONG, 1);
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		err = -EMSGSIZE;
	}
	if (!err) {
		/* no checksum on the wire: the JPEG itself must hold */
		ac->frame.len = jw->pos;
		if (!sercam_jpeg_walk_done(jw) || ac->bad_pad ||
		    jw->width != m->width || jw->height != m->height)
			err = -EILSEQ;
		/*
		 * and its entropy-coded data must decode: a byte of garbage
		 * or a bit flipped there passes the walk. Not a picture cut
		 * short (the walk saw it whole): no looking for the next.
		 */
		else if (sercam_jpeg_check_scan(ac->frame.buf, jw->pos) < 0)
			bad_data = true;
	}
	if (bad_data) {
		sercam_fstat_add(cam, AU_STAT_BAD_JPEG, 1);
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		err = -EILSEQ;
	} else if (err == -EILSEQ) {
		at = au_find_picture(ac->frame.buf, held);
		if (at < held) {
			/* cut short: the announced size swallowed the next */
			sercam_fstat_add(cam, AU_STAT_TRUNCATED, 1);
			sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
			err = -EMSGSIZE;
			tail = tail_len ? kvmalloc(held - at, GFP_KERNEL) : NULL;
			if (tail) {
				memcpy(tail, ac->frame.buf + at, held - at);
				*tail_len = held - at;
			}
		} else {
			sercam_fstat_add(cam, AU_STAT_BAD_JPEG, 1);
			sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		}
	} else if (err == -ETIMEDOUT) {
		sercam_fstat_add(cam, AU_STAT_TRUNCATED, 1);
		sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
	}
	ac->sink->done(ac->sink, &ac->frame, err);
	return tail;
}

/*
 * The next @len bytes of the picture under way, before the parser takes
 * them: walked as a JPEG; once its EOI has gone by, the rest is padding,
 * checked here and not written into the buffer.
 */
static void au_walk(struct au_cam *ac, const u8 *buf, size_t len)
{
	struct sercam_jpeg_walk *jw = &ac->walk;
	struct au_parser *p = &ac->parser;
	size_t i = 0;

	if (sercam_jpeg_walk_failed(jw))
		return;
	if (!sercam_jpeg_walk_done(jw)) {
		i = sercam_jpeg_walk(jw, buf, len);
		if (!sercam_jpeg_walk_done(jw))
			return;
		au_set_dst(p, ac->frame.buf,
			   min_t(u32, p->got + i, ac->frame.size));
	}
	for (; i < len; i++)
		if (buf[i] != 0x00 && buf[i] != 0xff)
			ac->bad_pad = true;
}

/*
 * Every byte from the camera comes here, from an exchange (@x) or the
 * listener (@x NULL), under the link's receive lock: pictures go to the
 * sink while streaming, the reply @x waits for ends it. @replay: @buf is
 * a cut-short picture's tail, parsed again (once: not its own tail).
 */
static void au_feed_run(struct sercam_camera *cam, struct sercam_xfer *x,
			const u8 *buf, size_t len, ktime_t t, bool replay)
{
	struct au_cam *ac = cam->priv;
	struct au_parser *p = &ac->parser;
	struct au_xctx *xc = x ? x->ctx : NULL;
	size_t n, tail_len = 0;
	enum au_event ev;
	u8 *tail;

	while (len) {
		u64 skipped = p->stats.skipped;

		if (ac->have_frame && au_in_picture(p))
			au_walk(ac, buf, min_t(size_t, len, p->size - p->got));
		n = au_parse(p, buf, len, &ev);
		buf += n;
		len -= n;
		/* the rest of a picture joined half-way: wait through it */
		skipped = p->stats.skipped - skipped;
		if (xc && skipped && skipped <= xc->budget) {
			xc->budget -= skipped;
			sercam_xfer_extend(x, 2 * AU_CMD_LEN);
		}
		switch (ev) {
		case AU_EV_PICTURE:
			au_begin(ac, t, len);
			/* a reply comes after the picture under way */
			if (xc && p->size <= xc->budget) {
				xc->budget -= p->size;
				sercam_xfer_extend(x, p->size + AU_CMD_LEN);
			}
			break;
		case AU_EV_DONE:
			/* a picture at a time: ask for the next at once */
			if (ac->single && ac->sink)
				mod_delayed_work(system_wq, &ac->restart, 0);
			tail = au_finish(cam, ac, 0, replay ? NULL : &tail_len);
			if (tail) {
				au_feed_run(cam, x, tail, tail_len, t, true);
				kvfree(tail);
			}
			break;
		case AU_EV_REPLY:
			if (xc && p->reply == xc->want) {
				sercam_xfer_end(x, 0);
				xc = NULL;
			} else if (p->reply == AU_OP_ERROR) {
				sercam_fstat_add(cam, AU_STAT_ERROR_REPLIES, 1);
				if (xc) {
					sercam_xfer_end(x, -EIO);
					xc = NULL;
				}
			}
			break;
		case AU_EV_NONE:
		case AU_EV_BAD:
			break;
		}
	}
	au_account(cam, ac);
}

static void au_feed(struct sercam_camera *cam, struct sercam_xfer *x,
		    const u8 *buf, size_t len, ktime_t t)
{
	au_feed_run(cam, x, buf, len, t, false);
}

static void au_xrx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	struct au_xctx *xc = x->ctx;

	au_feed(xc->cam, x, buf, len, ktime_get());
}

/* Bytes no exchange waits for: pictures, or the line gone silent. */
static void au_listen(void *ctx, const u8 *buf, size_t len, ktime_t t)
{
	struct sercam_camera *cam = ctx;
	struct au_cam *ac = cam->priv;

	if (len) {
		au_feed(cam, NULL, buf, len, t);
		return;
	}
	/* silent while it should be sending: cut off, restarted, gone */
	if (ac->sink)
		set_bit(AU_LOST, &ac->flags);
	if (au_in_picture(&ac->parser))
		au_finish(cam, ac, -ETIMEDOUT, NULL);
	au_break(&ac->parser);
	au_account(cam, ac);
	if (ac->sink)
		mod_delayed_work(system_wq, &ac->restart, 0);
}

/* --- exchanges ----------------------------------------------------------- */

/*
 * Send `U<op><n>#` and wait for the reply `U<op>#` (-EIO for `UE#`),
 * through a picture under way if need be. The link is claimed.
 */
static int au_cmd_xfer(struct sercam_camera *cam, char op, unsigned int n,
		       const struct sercam_stop *stop)
{
	struct sercam_link *link = cam->link;
	struct au_cam *ac = cam->priv;
	struct au_xctx xc = { .cam = cam, .want = op, .budget = AU_PIC_MAX + 64 };
	u8 tx[AU_CMD_LEN];
	struct sercam_xfer x = {
		.tx = tx, .tx_len = au_cmd(tx, op, n),
		.rx = au_xrx, .ctx = &xc,
		.stop = stop,
		.first_ms = AU_CMD_MS + sercam_link_wire_ms(link, AU_CMD_LEN),
		.gap_ms = AU_GAP_MS,
		.total_ms = AU_CMD_MS + AU_GAP_MS +
			    2 * sercam_link_wire_ms(link, 2 * AU_CMD_LEN),
		/* replies are found among any bytes: no quiet line needed */
		.framed = true,
	};
	int ret;

	/* not streaming, nothing else reads the parser: start clean */
	if (!ac->sink)
		au_break(&ac->parser);
	ret = sercam_link_xfer_claimed(link, &x);
	switch (ret) {
	case 0:
	case -ECANCELED:
	case -EINTR:
		break;
	case -ETIMEDOUT:
		sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
		break;
	case -EIO:
		dev_dbg(cam->dev, "U%c%u#: the camera answered UE#\n", op, n);
		fallthrough;
	default:
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		break;
	}
	return ret;
}

/* The camera answers UI at the rate the link runs at. */
static int au_hello(struct sercam_camera *cam, const struct sercam_stop *stop)
{
	int code = au_rate_code(sercam_link_baud(cam->link));

	if (code < 0)
		return code;
	return au_cmd_xfer(cam, AU_OP_RATE, code, stop);
}

/* UI<n>#: answered at the old rate, the new one from the reply's end. */
static int au_set_rate(struct sercam_camera *cam, u32 baud,
		       const struct sercam_stop *stop)
{
	int code = au_rate_code(baud);

	if (code < 0)
		return code;
	return au_cmd_xfer(cam, AU_OP_RATE, code, stop);
}

/* --- streaming ----------------------------------------------------------- */

/*
 * Pictures at the size asked for: continuous mode, or (@single) the next
 * picture. The link is not claimed.
 */
static int au_request(struct sercam_camera *cam)
{
	struct au_cam *ac = cam->priv;
	int ret;

	ret = sercam_link_claim(cam->link, &cam->stop);
	if (ret)
		return ret;
	ac->baud = sercam_link_baud(cam->link) ? : AU_BAUD_DEFAULT;
	if (ac->single)
		sercam_fstat_add(cam, AU_STAT_SINGLE, 1);
	ret = au_cmd_xfer(cam, ac->single ? AU_OP_PICTURE : AU_OP_CONTINUOUS,
			  cam->mode->code, &cam->stop);
	sercam_link_release(cam->link);
	return ret;
}

/*
 * Ask for pictures: the next one (a camera without continuous mode), or
 * continuous mode again after the camera went silent while streaming,
 * found first at whatever rate it is at now.
 */
static void au_restart_work(struct work_struct *work)
{
	struct au_cam *ac = container_of(to_delayed_work(work), struct au_cam,
					 restart);
	struct sercam_camera *cam = ac->cam;
	struct sercam_frame f = {};
	int ret = 0;

	if (test_and_clear_bit(AU_LOST, &ac->flags)) {
		sercam_fstat_add(cam, AU_STAT_RESTARTS, 1);
		if (READ_ONCE(cam->present))
			ret = sercam_camera_resync(cam);
		else
			ret = sercam_camera_ready(cam, &cam->stop);
	}
	if (!ret)
		ret = au_request(cam);
	if (!ret || au_give_up(ret) || sercam_stopped(&cam->stop))
		return;
	/* the application hears of it: an error buffer, if one is queued */
	if (!ac->sink->get(ac->sink, &f))
		ac->sink->done(ac->sink, &f, ret);
	set_bit(AU_LOST, &ac->flags);
	queue_delayed_work(system_wq, &ac->restart,
			   msecs_to_jiffies(AU_RETRY_MS));
}

static int au_stream_on(struct sercam_camera *cam, struct sercam_sink *sink)
{
	struct au_cam *ac = cam->priv;
	int ret;

	ret = sercam_camera_ready(cam, &cam->stop);
	if (ret)
		return ret;
	/* neither the listener nor an exchange runs: the state is ours */
	au_break(&ac->parser);
	ac->sink = sink;
	ac->have_frame = false;
	clear_bit(AU_LOST, &ac->flags);
	/* listening first: the first picture may follow UC# at once */
	sercam_link_listen(cam->link, au_listen, cam);
	ret = au_request(cam);
	if (ret && !au_give_up(ret)) {
		/* a glitch, or the camera moved: once more after a look */
		ret = sercam_camera_resync(cam);
		if (!ret)
			ret = au_request(cam);
	}
	if (ret == -EIO && !ac->single) {
		/* UE# to UC twice: a camera without continuous mode */
		dev_info(cam->dev,
			 "the camera refuses continuous mode (UC): a picture at a time (UG)\n");
		ac->single = true;
		ret = au_request(cam);
	}
	if (ret) {
		sercam_link_listen(cam->link, NULL, NULL);
		au_finish(cam, ac, -ECANCELED, NULL);
		ac->sink = NULL;
	}
	return ret;
}

static void au_stream_off(struct sercam_camera *cam)
{
	struct au_cam *ac = cam->priv;
	int code = au_rate_code(sercam_link_baud(cam->link));

	/* when it returns, au_listen() is not running and won't be called */
	sercam_link_listen(cam->link, NULL, NULL);
	cancel_delayed_work_sync(&ac->restart);
	au_finish(cam, ac, -ECANCELED, NULL);
	ac->sink = NULL;
	au_break(&ac->parser);
	/*
	 * Any command ends continuous mode, after the picture under way
	 * (its bytes skipped): UI at the rate in use changes nothing else.
	 * Waited for, so that the camera is quiet for what comes next.
	 */
	if (code < 0 || sercam_link_claim(cam->link, &cam->gone))
		return;
	if (au_cmd_xfer(cam, AU_OP_RATE, code, &cam->gone))
		/* lost, or the camera is gone: found again before next use */
		sercam_camera_forget(cam);
	sercam_link_release(cam->link);
}

/* --- the camera in the devicetree ---------------------------------------- */

static void au_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	u32 px = m->width * m->height;

	m->capture_us = div_u64((u64)AU_CAPTURE_US_VGA * px, 640 * 480);
	m->max_size = PAGE_ALIGN(AU_PIC_MAX);
	m->typical_size = px / 10;
}

static int au_probe_cam(struct sercam_camera *cam)
{
	struct au_cam *ac;

	ac = kzalloc(sizeof(*ac), GFP_KERNEL);
	if (!ac)
		return -ENOMEM;
	cam->priv = ac;
	ac->cam = cam;
	ac->baud = AU_BAUD_DEFAULT;
	au_parser_reset(&ac->parser);
	INIT_DELAYED_WORK(&ac->restart, au_restart_work);
	return 0;
}

static const struct sercam_family_ops au_ops = {
	.probe = au_probe_cam,
	.fill_mode = au_fill_mode,
	.hello = au_hello,
	.set_rate = au_set_rate,
	.stream_on = au_stream_on,
	.stream_off = au_stream_off,
};

/* Power-on 19200 first; then where a host may have left it. */
static const u32 au_rates[] = {
	19200, 57600, 38400, 9600, 0
};

/* The rates UI has a digit for. */
static const u32 au_max_rates[] = {
	9600, 19200, 38400, 57600, 0
};

static const struct sercam_family au_family = {
	.name = "ASCII U#",
	.short_name = "ascii-u",
	.owner = THIS_MODULE,
	.ops = &au_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.push = true,
	.modes = au_modes,
	.num_modes = ARRAY_SIZE(au_modes),
	.rates = au_rates,
	.max_rates = au_max_rates,
	.default_baud = AU_BAUD_DEFAULT,
	.stat_names = au_stat_names,
};

static int au_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &au_family);
}

static void au_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id au_of_match[] = {
	{ .compatible = "sxh,ascii-u" },
	{ }
};
MODULE_DEVICE_TABLE(of, au_of_match);

static struct serdev_device_driver au_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = au_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = au_probe,
	.remove = au_remove,
};
module_sercam_driver(au_driver, au_family);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("ASCII U# serial JPEG cameras (V8 manual, protocol 1.0) as V4L2 devices");
MODULE_LICENSE("GPL");
