// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the V4L2 face
 *
 * A vb2 (vmalloc) queue, video capture (JPEG and raw formats) or metadata
 * capture, at the modes the camera family offers, plus the family's
 * controls, events and statistics. Nothing here knows the wire protocol.
 *
 * Pull families: a work item on the bus's ordered workqueue takes the
 * oldest queued buffer, has the family capture a frame straight into its
 * plane, completes it, and queues itself again behind the other cameras'
 * work. Push families: the family's receive path takes buffers through
 * the &struct sercam_sink handed down at stream-on, and completes them.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/debugfs.h>
#include <linux/gcd.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/videodev2.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-event.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>

#include "sercam-compat.h"
#include "sercam-priv.h"

/* The frame sizes a camera that sends any size may send. */
#define SERCAM_ANY_MIN		16
#define SERCAM_ANY_MAX		4096
#define SERCAM_ANY_STEP		2

static const char *const sercam_stat_names[SERCAM_STAT_COUNT] = {
	[SERCAM_STAT_FRAMES] = "frames",
	[SERCAM_STAT_BYTES] = "bytes",
	[SERCAM_STAT_ERRORS] = "errors",
	[SERCAM_STAT_DROPPED] = "dropped",
	[SERCAM_STAT_CRC_ERRORS] = "crc_errors",
	[SERCAM_STAT_LEN_ERRORS] = "len_errors",
	[SERCAM_STAT_PROTO_ERRORS] = "proto_errors",
	[SERCAM_STAT_RETRIES] = "retries",
	[SERCAM_STAT_TIMEOUTS] = "timeouts",
	[SERCAM_STAT_RESYNCS] = "resyncs",
	[SERCAM_STAT_CTRL_ERRORS] = "ctrl_errors",
	[SERCAM_STAT_PKT_SIZE] = "pkt_size",
};

static struct sercam_buffer *to_sercam_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct sercam_buffer, vb);
}

static bool sercam_is_meta(const struct sercam_cam *cam)
{
	return cam->family->buf_type == V4L2_BUF_TYPE_META_CAPTURE;
}

/*
 * Every counter by name, for LOG_STATUS and debugfs alike. @out prints one
 * line; the baud rate is read without the link's lock.
 */
static void sercam_report(struct sercam_cam *cam,
			  void (*out)(void *arg, const char *name, s64 v),
			  void *arg)
{
	const char *const *fnames = cam->family->stat_names;
	unsigned int i;

	out(arg, "baud", sercam_link_baud(cam->c.link));
	out(arg, "sequence", READ_ONCE(cam->sequence));
	for (i = 0; i < SERCAM_STAT_COUNT; i++)
		out(arg, sercam_stat_names[i],
		    atomic64_read(&cam->c.stats[i]));
	for (i = 0; fnames && fnames[i] && i < SERCAM_MAX_FSTATS; i++)
		out(arg, fnames[i], atomic64_read(&cam->c.fstats[i]));
	out(arg, "last_error", atomic_read(&cam->c.last_error));
}

static void sercam_seq_line(void *arg, const char *name, s64 v)
{
	seq_printf(arg, "%s: %lld\n", name, v);
}

static int sercam_stats_show(struct seq_file *m, void *unused)
{
	struct sercam_cam *cam = m->private;

	seq_printf(m, "camera: %s %u\npresent: %d\n", cam->family->name,
		   cam->c.addr, READ_ONCE(cam->c.present));
	sercam_report(cam, sercam_seq_line, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sercam_stats);

/* Frame interval: capture time plus a typical frame on the wire. */
static void sercam_interval(struct sercam_cam *cam,
			    const struct sercam_mode *m, struct v4l2_fract *f)
{
	u32 baud = sercam_link_baud(cam->c.link) ? : 115200;
	u64 us = READ_ONCE(cam->c.frame_us) ? : m->capture_us +
		 div_u64((u64)m->typical_size * 10 * USEC_PER_SEC, baud);
	u32 ms = max_t(u32, DIV_ROUND_UP_ULL(us, USEC_PER_MSEC), 1);
	u32 g = gcd(ms, MSEC_PER_SEC);

	/* in lowest terms: applications compare fractions literally */
	f->numerator = ms / g;
	f->denominator = MSEC_PER_SEC / g;
}

/*
 * Applications that know a camera's JPEG frames only as Motion-JPEG (which
 * a stream of them is) ask for V4L2_PIX_FMT_MJPEG and take nothing else: a
 * video node whose formats include JPEG offers MJPEG too, after the
 * family's own formats, at the same sizes and with the same frames.
 */
static bool sercam_has_mjpeg(const struct sercam_cam *cam)
{
	bool jpeg = false;
	unsigned int i;

	if (sercam_is_meta(cam))
		return false;
	for (i = 0; i < cam->num_modes; i++) {
		if (cam->modes[i].fourcc == V4L2_PIX_FMT_MJPEG)
			return false;	/* the family's own */
		if (cam->modes[i].fourcc == V4L2_PIX_FMT_JPEG)
			jpeg = true;
	}
	return jpeg;
}

/* The family's format an application means by @fourcc. */
static u32 sercam_real_fourcc(const struct sercam_cam *cam, u32 fourcc)
{
	if (fourcc == V4L2_PIX_FMT_MJPEG && sercam_has_mjpeg(cam))
		return V4L2_PIX_FMT_JPEG;
	return fourcc;
}

/*
 * The camera chooses the size of frames in @fourcc (the first format of a
 * family with &sercam_family.any_size); the host chooses it in the others.
 */
static bool sercam_any_size(const struct sercam_cam *cam, u32 fourcc)
{
	return cam->family->any_size &&
	       sercam_real_fourcc(cam, fourcc) == cam->modes[0].fourcc;
}

static u32 sercam_bpp(u32 fourcc)
{
	switch (fourcc) {
	case V4L2_PIX_FMT_GREY:
		return 1;
	case V4L2_PIX_FMT_RGB565:
		return 2;
	default:
		return 0;	/* compressed */
	}
}

/* @mjpeg: name a JPEG mode's format Motion-JPEG, as the application did */
static void sercam_fill_pix(struct sercam_cam *cam, unsigned int mode,
			    bool mjpeg, struct v4l2_pix_format *pix)
{
	const struct sercam_mode *m = &cam->modes[mode];

	memset(pix, 0, sizeof(*pix));
	pix->width = m->width;
	pix->height = m->height;
	if (mode == cam->mode && cam->width) {
		/* a push camera sends what it likes: report the last frame */
		pix->width = cam->width;
		pix->height = cam->height;
	}
	pix->pixelformat = m->fourcc;
	if (mjpeg && m->fourcc == V4L2_PIX_FMT_JPEG)
		pix->pixelformat = V4L2_PIX_FMT_MJPEG;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = pix->width * sercam_bpp(m->fourcc);
	pix->sizeimage = m->max_size;
	pix->colorspace = sercam_bpp(m->fourcc) ? V4L2_COLORSPACE_SRGB :
						  V4L2_COLORSPACE_JPEG;
}

/* The mode of @fourcc (else the first format's) nearest the size asked. */
static unsigned int sercam_nearest_mode(struct sercam_cam *cam, u32 fourcc,
					u32 width, u32 height)
{
	unsigned int i, best = cam->num_modes;
	u64 d, best_d = U64_MAX;

	fourcc = sercam_real_fourcc(cam, fourcc);
	for (i = 0; i < cam->num_modes; i++)
		if (cam->modes[i].fourcc == fourcc)
			break;
	if (i == cam->num_modes)
		fourcc = cam->modes[0].fourcc;
	for (i = 0; i < cam->num_modes; i++) {
		const struct sercam_mode *m = &cam->modes[i];

		if (m->fourcc != fourcc)
			continue;
		d = abs((s64)m->width - width) + abs((s64)m->height - height);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

/* --- buffers ------------------------------------------------------------- */

static int sercam_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			      unsigned int *nplanes, unsigned int sizes[],
			      struct device *alloc_devs[])
{
	struct sercam_cam *cam = vb2_get_drv_priv(q);
	u32 size = cam->modes[cam->mode].max_size;

	if (*nplanes)
		return sizes[0] < size ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = size;
	return 0;
}

static int sercam_buf_prepare(struct vb2_buffer *vb)
{
	struct sercam_cam *cam = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < cam->modes[cam->mode].max_size)
		return -EINVAL;
	return 0;
}

static void sercam_buf_queue(struct vb2_buffer *vb)
{
	struct sercam_cam *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct sercam_buffer *buf = to_sercam_buffer(vb);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&cam->qlock, flags);
	list_add_tail(&buf->list, &cam->buf_list);
	kick = cam->streaming && !cam->family->push;
	spin_unlock_irqrestore(&cam->qlock, flags);
	if (kick)
		queue_delayed_work(cam->wq, &cam->capture_work, 0);
}

static void sercam_return_all(struct sercam_cam *cam,
			      enum vb2_buffer_state state)
{
	struct sercam_buffer *buf, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	list_for_each_entry_safe(buf, tmp, &cam->buf_list, list) {
		list_del(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, state);
	}
	spin_unlock_irqrestore(&cam->qlock, flags);
}

/* Take the oldest queued buffer off the list: the taker completes it. */
static struct sercam_buffer *sercam_take_buffer(struct sercam_cam *cam)
{
	struct sercam_buffer *buf = NULL;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	if (cam->streaming) {
		buf = list_first_entry_or_null(&cam->buf_list,
					       struct sercam_buffer, list);
		if (buf)
			list_del(&buf->list);
	}
	spin_unlock_irqrestore(&cam->qlock, flags);
	return buf;
}

/* Put a buffer the capture gave up on back at the head, for stop_streaming. */
static void sercam_untake_buffer(struct sercam_cam *cam,
				 struct sercam_buffer *buf)
{
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	list_add(&buf->list, &cam->buf_list);
	spin_unlock_irqrestore(&cam->qlock, flags);
}

static void sercam_frame_init(struct sercam_buffer *buf, struct sercam_frame *f)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;

	memset(f, 0, sizeof(*f));
	f->buf = vb2_plane_vaddr(vb, 0);
	f->size = vb2_plane_size(vb, 0);
	f->cookie = buf;
}

static void sercam_sink_resize(struct sercam_sink *sink, u32 width,
			       u32 height)
{
	struct sercam_cam *cam = container_of(sink, struct sercam_cam, sink);
	static const struct v4l2_event ev = {
		.type = V4L2_EVENT_SOURCE_CHANGE,
		.u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION,
	};

	if (width == READ_ONCE(cam->width) && height == READ_ONCE(cam->height))
		return;
	WRITE_ONCE(cam->width, width);
	WRITE_ONCE(cam->height, height);
	v4l2_event_queue(&cam->vdev, &ev);
}

/* Complete a buffer taken off the list; a failed frame is an error buffer. */
static void sercam_complete(struct sercam_cam *cam, struct sercam_frame *f,
			    int err)
{
	struct sercam_buffer *buf = f->cookie;
	struct vb2_buffer *vb = &buf->vb.vb2_buf;

	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.sequence = cam->sequence;
	WRITE_ONCE(cam->sequence, cam->sequence + 1);
	vb->timestamp = f->timestamp ? : ktime_get_ns();
	if (!err && f->width && f->height)
		sercam_sink_resize(&cam->sink, f->width, f->height);
	if (!err && f->len && f->len <= f->size) {
		vb2_set_plane_payload(vb, 0, f->len);
		sercam_stat_inc(&cam->c, SERCAM_STAT_FRAMES);
		sercam_stat_add(&cam->c, SERCAM_STAT_BYTES, f->len);
		vb2_buffer_done(vb, VB2_BUF_STATE_DONE);
		return;
	}
	vb2_set_plane_payload(vb, 0, f->partial && f->len <= f->size ?
			      f->len : 0);
	sercam_stat_inc(&cam->c, SERCAM_STAT_ERRORS);
	atomic_set(&cam->c.last_error, err ? : -EMSGSIZE);
	dev_dbg_ratelimited(&cam->vdev.dev, "frame %u failed (%d)\n",
			    buf->vb.sequence, err);
	vb2_buffer_done(vb, VB2_BUF_STATE_ERROR);
}

static void sercam_capture_work(struct work_struct *work)
{
	struct sercam_cam *cam = container_of(to_delayed_work(work),
					      struct sercam_cam, capture_work);
	unsigned long delay = 0, retry_at = READ_ONCE(cam->c.retry_at);
	struct sercam_buffer *buf;
	struct sercam_frame f;
	int ret;

	/*
	 * An absent camera is not looked for before its time, and its
	 * application gets one error buffer per look, not a stream of them
	 * as fast as it queues (which would take the CPU from the bus).
	 */
	if (!READ_ONCE(cam->c.present) && time_before(jiffies, retry_at)) {
		queue_delayed_work(cam->wq, &cam->capture_work,
				   retry_at - jiffies);
		return;
	}
	buf = sercam_take_buffer(cam);
	if (!buf)
		return;
	sercam_frame_init(buf, &f);
	ret = f.buf ? cam->family->ops->capture(&cam->c, &f) : -EFAULT;
	if (ret == -ECANCELED || sercam_stopped(&cam->c.stop)) {
		/* stop_streaming gives it back, with the rest */
		sercam_untake_buffer(cam, buf);
		return;
	}
	sercam_complete(cam, &f, ret);
	/* the next buffer, after what the other cameras queued meanwhile */
	retry_at = READ_ONCE(cam->c.retry_at);
	if (ret && !READ_ONCE(cam->c.present) && time_before(jiffies, retry_at))
		delay = retry_at - jiffies;
	queue_delayed_work(cam->wq, &cam->capture_work, delay);
}

/* --- the sink of push families ------------------------------------------- */

static int sercam_sink_get(struct sercam_sink *sink, struct sercam_frame *f)
{
	struct sercam_cam *cam = container_of(sink, struct sercam_cam, sink);
	struct sercam_buffer *buf = sercam_take_buffer(cam);

	if (!buf)
		return -ENOBUFS;
	sercam_frame_init(buf, f);
	if (!f->buf) {
		/* an error buffer: it counts in the sequence by itself */
		sercam_complete(cam, f, -EFAULT);
		return -EFAULT;
	}
	return 0;
}

/* -ECANCELED: stream-off; the buffer goes back with the others, uncounted. */
static void sercam_sink_done(struct sercam_sink *sink, struct sercam_frame *f,
			     int err)
{
	struct sercam_cam *cam = container_of(sink, struct sercam_cam, sink);

	if (err == -ECANCELED)
		sercam_untake_buffer(cam, f->cookie);
	else
		sercam_complete(cam, f, err);
}

/* A frame no buffer took: it still counts, so the next one shows a gap. */
static void sercam_sink_lost(struct sercam_sink *sink)
{
	struct sercam_cam *cam = container_of(sink, struct sercam_cam, sink);

	WRITE_ONCE(cam->sequence, cam->sequence + 1);
	sercam_stat_inc(&cam->c, SERCAM_STAT_DROPPED);
}

/* --- streaming ----------------------------------------------------------- */

static void sercam_set_streaming(struct sercam_cam *cam, bool on)
{
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	cam->streaming = on;
	spin_unlock_irqrestore(&cam->qlock, flags);
}

/* Stop what streaming does, keeping the buffers queued. */
static void sercam_halt(struct sercam_cam *cam)
{
	WRITE_ONCE(cam->c.stop.stop, true);
	sercam_link_cancel(cam->c.link, &cam->c.stop);
	if (cam->family->push) {
		cam->family->ops->stream_off(&cam->c);
	} else {
		cancel_delayed_work_sync(&cam->capture_work);
		if (cam->family->ops->stream_off)
			cam->family->ops->stream_off(&cam->c);
	}
}

static int sercam_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct sercam_cam *cam = vb2_get_drv_priv(q);
	int ret;

	cam->sequence = 0;
	cam->c.mode = &cam->modes[cam->mode];
	WRITE_ONCE(cam->c.stop.stop, false);
	/* someone wants frames: an absent camera is looked for at once */
	WRITE_ONCE(cam->c.retry_at, jiffies);
	sercam_set_streaming(cam, true);
	if (!cam->family->push) {
		queue_delayed_work(cam->wq, &cam->capture_work, 0);
		return 0;
	}
	ret = cam->family->ops->stream_on(&cam->c, &cam->sink);
	if (ret) {
		sercam_set_streaming(cam, false);
		sercam_return_all(cam, VB2_BUF_STATE_QUEUED);
	}
	return ret;
}

static void sercam_stop_streaming(struct vb2_queue *q)
{
	struct sercam_cam *cam = vb2_get_drv_priv(q);

	/* halted already when suspended (and not resumed: resume failed) */
	if (!cam->suspended)
		sercam_halt(cam);
	cam->suspended = false;
	sercam_set_streaming(cam, false);
	sercam_return_all(cam, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops sercam_vb2_ops = {
	.queue_setup = sercam_queue_setup,
	.buf_prepare = sercam_buf_prepare,
	.buf_queue = sercam_buf_queue,
	.start_streaming = sercam_start_streaming,
	.stop_streaming = sercam_stop_streaming,
	SERCAM_VB2_WAIT_OPS
};

/* --- ioctls -------------------------------------------------------------- */

static int sercam_querycap(struct file *file, void *fh,
			   struct v4l2_capability *cap)
{
	struct sercam_cam *cam = video_drvdata(file);

	strscpy(cap->driver, KBUILD_MODNAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "%s camera %u",
		 cam->family->name, cam->c.addr);
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%.22s",
		 cam->name);
	return 0;
}

static int sercam_enum_fmt(struct file *file, void *fh,
			   struct v4l2_fmtdesc *f)
{
	struct sercam_cam *cam = video_drvdata(file);
	unsigned int i, j, n = 0;

	for (i = 0; i < cam->num_modes; i++) {
		for (j = 0; j < i; j++)
			if (cam->modes[j].fourcc == cam->modes[i].fourcc)
				break;
		if (j < i)
			continue;
		if (n++ == f->index) {
			f->pixelformat = cam->modes[i].fourcc;
			if (cam->family->fmt_desc)
				strscpy(f->description, cam->family->fmt_desc,
					sizeof(f->description));
			return 0;
		}
	}
	if (sercam_has_mjpeg(cam) && n == f->index) {
		/* the core names it and flags it compressed */
		f->pixelformat = V4L2_PIX_FMT_MJPEG;
		return 0;
	}
	return -EINVAL;
}

static int sercam_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);

	sercam_fill_pix(cam, cam->mode, cam->mjpeg, &f->fmt.pix);
	return 0;
}

static int sercam_try_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);
	struct v4l2_pix_format *pix = &f->fmt.pix;

	/*
	 * A format whose size the camera chooses has one mode: the size
	 * asked for is replaced with the last frame's (or the nominal one).
	 */
	sercam_fill_pix(cam, sercam_nearest_mode(cam, pix->pixelformat,
						 pix->width, pix->height),
			pix->pixelformat == V4L2_PIX_FMT_MJPEG, pix);
	return 0;
}

static int sercam_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);
	struct v4l2_pix_format *pix = &f->fmt.pix;
	unsigned int mode;

	if (vb2_is_busy(&cam->queue))
		return -EBUSY;
	mode = sercam_nearest_mode(cam, pix->pixelformat, pix->width,
				   pix->height);
	if (mode != cam->mode) {
		cam->mode = mode;
		cam->width = 0;
		cam->height = 0;
	}
	cam->mjpeg = pix->pixelformat == V4L2_PIX_FMT_MJPEG;
	sercam_fill_pix(cam, mode, cam->mjpeg, pix);
	return 0;
}

static int sercam_meta_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);

	memset(&f->fmt.meta, 0, sizeof(f->fmt.meta));
	f->fmt.meta.dataformat = cam->modes[0].fourcc;
	f->fmt.meta.buffersize = cam->modes[0].max_size;
	return 0;
}

static int sercam_enum_framesizes(struct file *file, void *fh,
				  struct v4l2_frmsizeenum *fsize)
{
	struct sercam_cam *cam = video_drvdata(file);
	unsigned int i, n = 0;
	u32 fourcc;

	if (sercam_any_size(cam, fsize->pixel_format)) {
		if (fsize->index)
			return -EINVAL;
		fsize->type = V4L2_FRMSIZE_TYPE_STEPWISE;
		fsize->stepwise.min_width = SERCAM_ANY_MIN;
		fsize->stepwise.max_width = SERCAM_ANY_MAX;
		fsize->stepwise.step_width = SERCAM_ANY_STEP;
		fsize->stepwise.min_height = SERCAM_ANY_MIN;
		fsize->stepwise.max_height = SERCAM_ANY_MAX;
		fsize->stepwise.step_height = SERCAM_ANY_STEP;
		return 0;
	}
	fourcc = sercam_real_fourcc(cam, fsize->pixel_format);
	for (i = 0; i < cam->num_modes; i++) {
		if (cam->modes[i].fourcc != fourcc)
			continue;
		if (n++ == fsize->index) {
			fsize->type = V4L2_FRMSIZE_TYPE_DISCRETE;
			fsize->discrete.width = cam->modes[i].width;
			fsize->discrete.height = cam->modes[i].height;
			return 0;
		}
	}
	return -EINVAL;
}

static int sercam_enum_frameintervals(struct file *file, void *fh,
				      struct v4l2_frmivalenum *fival)
{
	struct sercam_cam *cam = video_drvdata(file);
	u32 fourcc = sercam_real_fourcc(cam, fival->pixel_format);
	unsigned int i;

	if (fival->index)
		return -EINVAL;
	if (sercam_any_size(cam, fival->pixel_format)) {
		if (fival->width < SERCAM_ANY_MIN || fival->width > SERCAM_ANY_MAX ||
		    fival->height < SERCAM_ANY_MIN ||
		    fival->height > SERCAM_ANY_MAX)
			return -EINVAL;
		fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		sercam_interval(cam, &cam->modes[0], &fival->discrete);
		return 0;
	}
	for (i = 0; i < cam->num_modes; i++) {
		if (cam->modes[i].fourcc == fourcc &&
		    cam->modes[i].width == fival->width &&
		    cam->modes[i].height == fival->height) {
			fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
			sercam_interval(cam, &cam->modes[i], &fival->discrete);
			return 0;
		}
	}
	return -EINVAL;
}

/* The rate follows from the link and the camera; it cannot be chosen. */
static int sercam_g_parm(struct file *file, void *fh,
			 struct v4l2_streamparm *a)
{
	struct sercam_cam *cam = video_drvdata(file);

	if (a->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	memset(&a->parm.capture, 0, sizeof(a->parm.capture));
	a->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	a->parm.capture.readbuffers = 2;
	sercam_interval(cam, &cam->modes[cam->mode],
			&a->parm.capture.timeperframe);
	return 0;
}

static int sercam_enum_input(struct file *file, void *fh,
			     struct v4l2_input *inp)
{
	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, "Camera", sizeof(inp->name));
	return 0;
}

static int sercam_g_input(struct file *file, void *fh, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int sercam_s_input(struct file *file, void *fh, unsigned int i)
{
	return i ? -EINVAL : 0;
}

static void sercam_v4l2_line(void *arg, const char *name, s64 v)
{
	struct sercam_cam *cam = arg;

	v4l2_info(&cam->v4l2_dev, "%s: %lld\n", name, v);
}

static int sercam_log_status(struct file *file, void *fh)
{
	struct sercam_cam *cam = video_drvdata(file);

	v4l2_info(&cam->v4l2_dev, "%s camera %u on %s\n", cam->family->name,
		  cam->c.addr, sercam_link_name(cam->c.link));
	sercam_report(cam, sercam_v4l2_line, cam);
	return v4l2_ctrl_log_status(file, fh);
}

/* Motion reports kept per subscriber until read. */
#define SERCAM_MOTION_EVENTS	8

static int sercam_subscribe_event(struct v4l2_fh *fh,
				  const struct v4l2_event_subscription *sub)
{
	struct sercam_cam *cam = video_get_drvdata(fh->vdev);

	if (sub->type == V4L2_EVENT_SOURCE_CHANGE)
		return v4l2_src_change_event_subscribe(fh, sub);
	if (sub->type == V4L2_EVENT_MOTION_DET && cam->c.motion)
		return v4l2_event_subscribe(fh, sub, SERCAM_MOTION_EVENTS,
					    NULL);
	return v4l2_ctrl_subscribe_event(fh, sub);
}

/**
 * sercam_camera_motion() - the camera reported motion
 * @c: the camera (with &sercam_camera.motion set)
 *
 * Queues V4L2_EVENT_MOTION_DET on the camera's node, with the sequence
 * number the next buffer gets; the whole picture is its one region.
 *
 * Context: any process context, the family's receive path included.
 */
void sercam_camera_motion(struct sercam_camera *c)
{
	struct sercam_cam *cam = container_of(c, struct sercam_cam, c);
	struct v4l2_event ev = {
		.type = V4L2_EVENT_MOTION_DET,
		.u.motion_det = {
			.flags = V4L2_EVENT_MD_FL_HAVE_FRAME_SEQ,
			.frame_sequence = READ_ONCE(cam->sequence),
			.region_mask = 1,
		},
	};

	v4l2_event_queue(&cam->vdev, &ev);
}
EXPORT_SYMBOL_GPL(sercam_camera_motion);

static const struct v4l2_ioctl_ops sercam_video_ioctl_ops = {
	.vidioc_querycap = sercam_querycap,
	.vidioc_enum_fmt_vid_cap = sercam_enum_fmt,
	.vidioc_g_fmt_vid_cap = sercam_g_fmt,
	.vidioc_try_fmt_vid_cap = sercam_try_fmt,
	.vidioc_s_fmt_vid_cap = sercam_s_fmt,
	.vidioc_enum_framesizes = sercam_enum_framesizes,
	.vidioc_enum_frameintervals = sercam_enum_frameintervals,
	.vidioc_g_parm = sercam_g_parm,
	.vidioc_s_parm = sercam_g_parm,
	.vidioc_enum_input = sercam_enum_input,
	.vidioc_g_input = sercam_g_input,
	.vidioc_s_input = sercam_s_input,

	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,

	.vidioc_log_status = sercam_log_status,
	.vidioc_subscribe_event = sercam_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

static const struct v4l2_ioctl_ops sercam_meta_ioctl_ops = {
	.vidioc_querycap = sercam_querycap,
	.vidioc_enum_fmt_meta_cap = sercam_enum_fmt,
	.vidioc_g_fmt_meta_cap = sercam_meta_fmt,
	.vidioc_try_fmt_meta_cap = sercam_meta_fmt,
	.vidioc_s_fmt_meta_cap = sercam_meta_fmt,
	.vidioc_enum_input = sercam_enum_input,
	.vidioc_g_input = sercam_g_input,
	.vidioc_s_input = sercam_s_input,

	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,

	.vidioc_log_status = sercam_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

/*
 * The family's module stays while its camera's node is open, and the bus
 * is powered with its UART open (runtime PM).
 */
static int sercam_open(struct file *file)
{
	struct sercam_cam *cam = video_drvdata(file);
	int ret;

	if (!try_module_get(cam->family->owner))
		return -ENODEV;
	if (mutex_lock_interruptible(&cam->lock)) {
		ret = -ERESTARTSYS;
		goto err_put;
	}
	if (!cam->bus) {
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = pm_runtime_resume_and_get(cam->bus->dev);
	if (ret) {
		dev_err(&cam->vdev.dev, "cannot power the camera up (%d)\n",
			ret);
		goto err_unlock;
	}
	ret = v4l2_fh_open(file);
	if (ret) {
		pm_runtime_put_autosuspend(cam->bus->dev);
		goto err_unlock;
	}
	cam->users++;
	mutex_unlock(&cam->lock);
	return 0;

err_unlock:
	mutex_unlock(&cam->lock);
err_put:
	module_put(cam->family->owner);
	return ret;
}

static void sercam_pm_put(struct device *dev)
{
	pm_runtime_mark_last_busy(dev);
	pm_runtime_put_autosuspend(dev);
}

/* Runs with a runtime PM reference of its own: the camera is powered. */
static void sercam_idle_work(struct work_struct *work)
{
	struct sercam_cam *cam = container_of(work, struct sercam_cam,
					      idle_work);

	if (cam->family->ops->idle)
		cam->family->ops->idle(&cam->c);
	sercam_pm_put(cam->c.dev);
}

/* The last close puts the camera idle, in the background. */
static int sercam_release(struct file *file)
{
	struct sercam_cam *cam = video_drvdata(file);
	const struct sercam_family *family = cam->family;
	bool last;
	int ret;

	mutex_lock(&cam->lock);
	last = v4l2_fh_is_singular_file(file);
	ret = _vb2_fop_release(file, &cam->queue_lock);
	/* after unbind the references were dropped for us */
	if (cam->bus) {
		if (last) {
			pm_runtime_get_noresume(cam->bus->dev);
			if (!queue_work(cam->wq, &cam->idle_work))
				pm_runtime_put_noidle(cam->bus->dev);
		}
		cam->users--;
		sercam_pm_put(cam->bus->dev);
	}
	mutex_unlock(&cam->lock);
	module_put(family->owner);
	return ret;
}

static const struct v4l2_file_operations sercam_fops = {
	.owner = THIS_MODULE,
	.open = sercam_open,
	.release = sercam_release,
	.read = vb2_fop_read,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/* --- lifetime ------------------------------------------------------------ */

static void sercam_v4l2_release(struct v4l2_device *v4l2_dev)
{
	struct sercam_cam *cam = container_of(v4l2_dev, struct sercam_cam,
					      v4l2_dev);

	v4l2_ctrl_handler_free(&cam->hdl);
	v4l2_device_unregister(&cam->v4l2_dev);
	kfree(cam->c.priv);
	kfree(cam);
}

/**
 * sercam_cam_alloc() - allocate a camera on a bus
 * @bus: the bus
 * @addr: the camera's address
 * @fwnode: the camera's firmware node
 *
 * The camera is freed by the V4L2 device's release, after sercam_cam_put()
 * and the last close of its video node.
 *
 * Context: probe.
 * Return: the camera, or NULL without memory.
 */
struct sercam_cam *sercam_cam_alloc(struct sercam_bus *bus, u8 addr,
				    struct fwnode_handle *fwnode)
{
	struct sercam_cam *cam;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return NULL;
	cam->bus = bus;
	cam->family = bus->family;
	cam->wq = bus->wq;
	cam->c.link = &bus->link;
	cam->c.dev = bus->dev;
	cam->c.fwnode = fwnode;
	cam->c.addr = addr;
	cam->c.name = cam->name;
	snprintf(cam->name, sizeof(cam->name), "%s-%u", dev_name(bus->dev),
		 addr);
	mutex_init(&cam->lock);
	mutex_init(&cam->queue_lock);
	spin_lock_init(&cam->qlock);
	INIT_LIST_HEAD(&cam->buf_list);
	INIT_DELAYED_WORK(&cam->capture_work, sercam_capture_work);
	INIT_WORK(&cam->idle_work, sercam_idle_work);
	mutex_init(&cam->ready_lock);
	cam->sink.get = sercam_sink_get;
	cam->sink.done = sercam_sink_done;
	cam->sink.lost = sercam_sink_lost;
	cam->sink.resize = sercam_sink_resize;

	strscpy(cam->v4l2_dev.name, cam->name, sizeof(cam->v4l2_dev.name));
	cam->v4l2_dev.release = sercam_v4l2_release;
	if (v4l2_device_register(bus->dev, &cam->v4l2_dev)) {
		kfree(cam);
		return NULL;
	}
	return cam;
}

/**
 * sercam_cam_register() - give a camera its controls and video node
 * @cam: a camera whose family state is set up
 *
 * Context: probe.
 * Return: 0, or a negative errno (the camera is then left for
 * sercam_cam_put() to free).
 */
int sercam_cam_register(struct sercam_cam *cam)
{
	const struct sercam_family *family = cam->family;
	struct video_device *vdev = &cam->vdev;
	struct vb2_queue *q = &cam->queue;
	int ret;

	v4l2_ctrl_handler_init(&cam->hdl, 8);
	if (family->ops->init_ctrls) {
		ret = family->ops->init_ctrls(&cam->c, &cam->hdl);
		if (ret)
			return ret;
	}
	if (cam->hdl.error)
		return cam->hdl.error;
	cam->v4l2_dev.ctrl_handler = &cam->hdl;

	q->type = family->buf_type;
	q->io_modes = VB2_MMAP | VB2_USERPTR | VB2_DMABUF | VB2_READ;
	q->drv_priv = cam;
	q->buf_struct_size = sizeof(struct sercam_buffer);
	q->ops = &sercam_vb2_ops;
	q->mem_ops = &vb2_vmalloc_memops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     V4L2_BUF_FLAG_TSTAMP_SRC_SOE;
	q->lock = &cam->queue_lock;
	q->dev = cam->bus->dev;
	ret = vb2_queue_init(q);
	if (ret)
		return ret;

	strscpy(vdev->name, cam->name, sizeof(vdev->name));
	vdev->fops = &sercam_fops;
	vdev->release = video_device_release_empty;
	vdev->v4l2_dev = &cam->v4l2_dev;
	vdev->queue = q;
	vdev->lock = &cam->lock;
	if (sercam_is_meta(cam)) {
		vdev->ioctl_ops = &sercam_meta_ioctl_ops;
		vdev->device_caps = V4L2_CAP_META_CAPTURE;
	} else {
		vdev->ioctl_ops = &sercam_video_ioctl_ops;
		vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE;
	}
	vdev->device_caps |= V4L2_CAP_STREAMING | V4L2_CAP_READWRITE;
	video_set_drvdata(vdev, cam);
	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;

	cam->debugfs = debugfs_create_dir(video_device_node_name(vdev),
					  cam->bus->debugfs);
	debugfs_create_file("stats", 0444, cam->debugfs, cam,
			    &sercam_stats_fops);
	if (family->ops->debugfs)
		family->ops->debugfs(&cam->c, cam->debugfs);
	dev_info(cam->bus->dev, "%s camera %u is /dev/%s\n", family->name,
		 cam->c.addr, video_device_node_name(vdev));
	return 0;
}

/**
 * sercam_cam_unregister() - remove a camera's video node (unbind)
 * @cam: the camera
 *
 * Ends the camera's exchanges, stops streaming, waits for its work, then
 * cuts the camera from its bus: file handles that stay open see -ENODEV,
 * and the family is never called for it again.
 *
 * Context: unbind.
 */
void sercam_cam_unregister(struct sercam_cam *cam)
{
	struct device *dev = cam->bus->dev;

	WRITE_ONCE(cam->c.gone.stop, true);
	sercam_link_cancel(cam->c.link, &cam->c.gone);
	vb2_video_unregister_device(&cam->vdev);
	mutex_lock(&cam->queue_lock);
	sercam_vb2_release_unowned(&cam->queue);
	mutex_unlock(&cam->queue_lock);
	v4l2_device_disconnect(&cam->v4l2_dev);
	debugfs_remove_recursive(cam->debugfs);
	if (cancel_work_sync(&cam->idle_work))
		pm_runtime_put_noidle(dev);
	mutex_lock(&cam->lock);
	/* the handles that stay open keep no reference to the bus */
	for (; cam->users; cam->users--)
		pm_runtime_put_noidle(dev);
	cam->bus = NULL;
	mutex_unlock(&cam->lock);
}

/**
 * sercam_cam_suspend() - halt a streaming camera for system sleep
 * @cam: the camera
 *
 * The frame under way is abandoned and its buffer queued again; the
 * application's stream goes on after sercam_cam_resume().
 *
 * Context: system suspend, before the bus powers down.
 */
void sercam_cam_suspend(struct sercam_cam *cam)
{
	mutex_lock(&cam->queue_lock);
	cam->suspended = vb2_start_streaming_called(&cam->queue);
	if (cam->suspended)
		sercam_halt(cam);
	mutex_unlock(&cam->queue_lock);
}

/**
 * sercam_cam_resume() - go on streaming after system sleep
 * @cam: the camera
 *
 * Context: system resume, after the bus powered up.
 */
void sercam_cam_resume(struct sercam_cam *cam)
{
	int ret;

	mutex_lock(&cam->queue_lock);
	if (!cam->suspended)
		goto out;
	cam->suspended = false;
	WRITE_ONCE(cam->c.stop.stop, false);
	WRITE_ONCE(cam->c.retry_at, jiffies);
	if (!cam->family->push) {
		queue_delayed_work(cam->wq, &cam->capture_work, 0);
		goto out;
	}
	ret = cam->family->ops->stream_on(&cam->c, &cam->sink);
	if (ret) {
		/* the application sees it, and may stream off and on */
		dev_err(&cam->vdev.dev, "cannot stream again after resume (%d)\n",
			ret);
		vb2_queue_error(&cam->queue);
	}
out:
	mutex_unlock(&cam->queue_lock);
}

/**
 * sercam_cam_put() - drop the bus's reference to a camera
 * @cam: the camera
 */
void sercam_cam_put(struct sercam_cam *cam)
{
	v4l2_device_put(&cam->v4l2_dev);
}
