// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial JPEG cameras as V4L2 devices: the V4L2 face
 *
 * A vb2 (vmalloc) capture queue with one format, JPEG, at the discrete
 * frame sizes the camera family offers, plus standard controls and
 * statistics. While streaming, a kernel thread takes the oldest queued
 * buffer, has the family capture a frame straight into its plane, and
 * completes it. Nothing here knows the wire protocol.
 *
 * Settings (controls, frame size) are only recorded by the ioctls; the
 * capture thread sends the changed ones to the camera before the next
 * frame, so a change never lands in the middle of one.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/debugfs.h>
#include <linux/gcd.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/videodev2.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-event.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-ioctl.h>
#include <media/videobuf2-vmalloc.h>

#include "sercam-compat.h"
#include "sercam.h"

static struct sercam_buffer *to_sercam_buffer(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct sercam_buffer, vb);
}

/* One report for LOG_STATUS and debugfs: every counter by name. */
static const struct {
	const char *name;
	size_t off;
} sercam_stat_fields[] = {
	{ "frames", offsetof(struct sercam_stats, frames) },
	{ "bytes", offsetof(struct sercam_stats, bytes) },
	{ "errors", offsetof(struct sercam_stats, errors) },
	{ "crc_errors", offsetof(struct sercam_stats, crc_errors) },
	{ "len_errors", offsetof(struct sercam_stats, len_errors) },
	{ "proto_errors", offsetof(struct sercam_stats, proto_errors) },
	{ "retries", offsetof(struct sercam_stats, retries) },
	{ "timeouts", offsetof(struct sercam_stats, timeouts) },
	{ "resyncs", offsetof(struct sercam_stats, resyncs) },
	{ "ctrl_errors", offsetof(struct sercam_stats, ctrl_errors) },
	{ "pkt_size", offsetof(struct sercam_stats, pkt_size) },
};

static u64 sercam_stat_value(const struct sercam_stats *s, unsigned int i)
{
	return READ_ONCE(*(const u64 *)((const u8 *)s +
					sercam_stat_fields[i].off));
}

static u32 sercam_baud(struct sercam_cam *cam)
{
	return cam->bus ? READ_ONCE(cam->bus->baud) : 0;
}

static int sercam_stats_show(struct seq_file *m, void *unused)
{
	struct sercam_cam *cam = m->private;
	unsigned int i;

	seq_printf(m, "camera: %s %u\nbaud: %u\nsequence: %u\n",
		   cam->family->name, cam->addr, sercam_baud(cam),
		   READ_ONCE(cam->sequence));
	for (i = 0; i < ARRAY_SIZE(sercam_stat_fields); i++)
		seq_printf(m, "%s: %llu\n", sercam_stat_fields[i].name,
			   sercam_stat_value(&cam->stats, i));
	seq_printf(m, "last_error: %d\n", READ_ONCE(cam->stats.last_error));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sercam_stats);

/* Frame interval: capture time plus a typical JPEG on the wire. */
static void sercam_interval(struct sercam_cam *cam,
			    const struct sercam_mode *m, struct v4l2_fract *f)
{
	u32 baud = sercam_baud(cam) ? : 115200;
	u64 us = m->capture_us +
		 div_u64((u64)m->typical_size * 10 * USEC_PER_SEC, baud);

	u32 ms = DIV_ROUND_UP_ULL(us, USEC_PER_MSEC), g = gcd(ms, MSEC_PER_SEC);

	/* in lowest terms: applications compare fractions literally */
	f->numerator = ms / g;
	f->denominator = MSEC_PER_SEC / g;
}

static void sercam_fill_pix(const struct sercam_mode *m,
			    struct v4l2_pix_format *pix)
{
	memset(pix, 0, sizeof(*pix));
	pix->width = m->width;
	pix->height = m->height;
	pix->pixelformat = V4L2_PIX_FMT_JPEG;
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = 0;
	pix->sizeimage = m->max_size;
	pix->colorspace = V4L2_COLORSPACE_JPEG;
}

static unsigned int sercam_nearest_mode(struct sercam_cam *cam, u32 width,
					u32 height)
{
	const struct sercam_mode *m;

	m = v4l2_find_nearest_size(cam->modes, cam->num_modes, width, height,
				   width, height);
	return m - cam->modes;
}

/* --- vb2 ----------------------------------------------------------------- */

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

	spin_lock_irqsave(&cam->qlock, flags);
	list_add_tail(&buf->list, &cam->buf_list);
	spin_unlock_irqrestore(&cam->qlock, flags);
	wake_up(&cam->wq);
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

static struct sercam_buffer *sercam_next_buffer(struct sercam_cam *cam)
{
	struct sercam_buffer *buf;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	buf = list_first_entry_or_null(&cam->buf_list, struct sercam_buffer,
				       list);
	spin_unlock_irqrestore(&cam->qlock, flags);
	return buf;
}

/* Send the settings that changed since the last frame. */
static void sercam_apply_settings(struct sercam_cam *cam)
{
	struct sercam_settings s;
	unsigned long changed;
	int ret;

	mutex_lock(cam->hdl.lock);
	s = cam->want;
	changed = cam->changed;
	cam->changed = 0;
	mutex_unlock(cam->hdl.lock);
	if (!changed)
		return;

	ret = cam->family->apply(cam, &s, changed);
	if (ret && ret != -ECANCELED) {
		/* try again before the next frame */
		mutex_lock(cam->hdl.lock);
		cam->changed |= changed;
		mutex_unlock(cam->hdl.lock);
		cam->stats.ctrl_errors++;
		dev_warn_ratelimited(&cam->vdev.dev,
				     "camera did not take new settings (%d)\n",
				     ret);
	}
}

static void sercam_complete(struct sercam_cam *cam, struct sercam_buffer *buf,
			    const struct sercam_frame *f, int ret)
{
	struct vb2_buffer *vb = &buf->vb.vb2_buf;
	unsigned long flags;

	spin_lock_irqsave(&cam->qlock, flags);
	list_del(&buf->list);
	spin_unlock_irqrestore(&cam->qlock, flags);

	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.sequence = cam->sequence;
	WRITE_ONCE(cam->sequence, cam->sequence + 1);
	vb->timestamp = f->timestamp ? : ktime_get_ns();
	if (!ret) {
		vb2_set_plane_payload(vb, 0, f->len);
		cam->stats.frames++;
		cam->stats.bytes += f->len;
		vb2_buffer_done(vb, VB2_BUF_STATE_DONE);
		return;
	}
	vb2_set_plane_payload(vb, 0, 0);
	cam->stats.errors++;
	cam->stats.last_error = ret;
	dev_dbg_ratelimited(&cam->vdev.dev, "frame %u failed (%d)\n",
			    buf->vb.sequence, ret);
	vb2_buffer_done(vb, VB2_BUF_STATE_ERROR);
}

static int sercam_thread(void *data)
{
	struct sercam_cam *cam = data;

	while (!kthread_should_stop()) {
		struct sercam_buffer *buf;
		struct sercam_frame f = { };
		int ret;

		wait_event_interruptible(cam->wq, kthread_should_stop() ||
					 !list_empty_careful(&cam->buf_list));
		if (kthread_should_stop())
			break;
		buf = sercam_next_buffer(cam);
		if (!buf)
			continue;

		sercam_apply_settings(cam);
		f.buf = vb2_plane_vaddr(&buf->vb.vb2_buf, 0);
		f.size = vb2_plane_size(&buf->vb.vb2_buf, 0);
		ret = cam->family->capture(cam, &f);
		if (ret == -ECANCELED || READ_ONCE(cam->stopping))
			break;	/* stop_streaming returns the buffer */
		sercam_complete(cam, buf, &f, ret);
	}
	return 0;
}

static int sercam_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct sercam_cam *cam = vb2_get_drv_priv(q);
	struct task_struct *t;

	cam->sequence = 0;
	WRITE_ONCE(cam->stopping, false);
	mutex_lock(cam->hdl.lock);
	cam->want.mode = cam->mode;
	cam->changed = SERCAM_SET_ALL;
	mutex_unlock(cam->hdl.lock);

	t = kthread_run(sercam_thread, cam, "sercam-%u", cam->addr);
	if (IS_ERR(t)) {
		sercam_return_all(cam, VB2_BUF_STATE_QUEUED);
		return PTR_ERR(t);
	}
	cam->thread = t;
	return 0;
}

static void sercam_stop_streaming(struct vb2_queue *q)
{
	struct sercam_cam *cam = vb2_get_drv_priv(q);

	WRITE_ONCE(cam->stopping, true);
	if (cam->bus)
		sercam_xfer_cancel(cam->bus, cam);
	kthread_stop(cam->thread);
	cam->thread = NULL;
	/* exchanges outside streaming (last close) must go through again */
	WRITE_ONCE(cam->stopping, false);
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
		 cam->family->name, cam->addr);
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%.22s",
		 cam->name);
	return 0;
}

static int sercam_enum_fmt(struct file *file, void *fh,
			   struct v4l2_fmtdesc *f)
{
	if (f->index)
		return -EINVAL;
	f->pixelformat = V4L2_PIX_FMT_JPEG;
	return 0;
}

static int sercam_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);

	sercam_fill_pix(&cam->modes[cam->mode], &f->fmt.pix);
	return 0;
}

static int sercam_try_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);
	unsigned int mode;

	mode = sercam_nearest_mode(cam, f->fmt.pix.width, f->fmt.pix.height);
	sercam_fill_pix(&cam->modes[mode], &f->fmt.pix);
	return 0;
}

static int sercam_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct sercam_cam *cam = video_drvdata(file);

	if (vb2_is_busy(&cam->queue))
		return -EBUSY;
	sercam_try_fmt(file, fh, f);
	cam->mode = sercam_nearest_mode(cam, f->fmt.pix.width,
					f->fmt.pix.height);
	return 0;
}

static int sercam_enum_framesizes(struct file *file, void *fh,
				  struct v4l2_frmsizeenum *fsize)
{
	struct sercam_cam *cam = video_drvdata(file);

	if (fsize->pixel_format != V4L2_PIX_FMT_JPEG ||
	    fsize->index >= cam->num_modes)
		return -EINVAL;
	fsize->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	fsize->discrete.width = cam->modes[fsize->index].width;
	fsize->discrete.height = cam->modes[fsize->index].height;
	return 0;
}

static int sercam_enum_frameintervals(struct file *file, void *fh,
				      struct v4l2_frmivalenum *fival)
{
	struct sercam_cam *cam = video_drvdata(file);
	unsigned int i;

	if (fival->pixel_format != V4L2_PIX_FMT_JPEG || fival->index)
		return -EINVAL;
	for (i = 0; i < cam->num_modes; i++) {
		if (cam->modes[i].width == fival->width &&
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

static int sercam_log_status(struct file *file, void *fh)
{
	struct sercam_cam *cam = video_drvdata(file);
	unsigned int i;

	v4l2_info(&cam->v4l2_dev, "%s camera %u at %u baud, sequence %u\n",
		  cam->family->name, cam->addr, sercam_baud(cam),
		  READ_ONCE(cam->sequence));
	for (i = 0; i < ARRAY_SIZE(sercam_stat_fields); i++)
		v4l2_info(&cam->v4l2_dev, "%s: %llu\n",
			  sercam_stat_fields[i].name,
			  sercam_stat_value(&cam->stats, i));
	v4l2_info(&cam->v4l2_dev, "last_error: %d\n",
		  READ_ONCE(cam->stats.last_error));
	return v4l2_ctrl_log_status(file, fh);
}

static const struct v4l2_ioctl_ops sercam_ioctl_ops = {
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
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

/* The last close puts the camera idle. */
static int sercam_release(struct file *file)
{
	struct sercam_cam *cam = video_drvdata(file);
	bool last;
	int ret;

	mutex_lock(&cam->lock);
	last = v4l2_fh_is_singular_file(file);
	ret = _vb2_fop_release(file, &cam->queue_lock);
	if (last && cam->bus)
		cam->family->idle(cam);
	mutex_unlock(&cam->lock);
	return ret;
}

static const struct v4l2_file_operations sercam_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = sercam_release,
	.read = vb2_fop_read,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/* --- controls ------------------------------------------------------------ */

static int sercam_s_ctrl(struct v4l2_ctrl *ctrl)
{
	struct sercam_cam *cam = container_of(ctrl->handler, struct sercam_cam,
					      hdl);
	struct sercam_settings *w = &cam->want;
	enum sercam_setting bit;

	switch (ctrl->id) {
	case V4L2_CID_BRIGHTNESS:
		w->brightness = ctrl->val;
		bit = SERCAM_SET_BRIGHTNESS;
		break;
	case V4L2_CID_CONTRAST:
		w->contrast = ctrl->val;
		bit = SERCAM_SET_CONTRAST;
		break;
	case V4L2_CID_ILLUMINATORS_1:
		w->illuminator = ctrl->val;
		bit = SERCAM_SET_ILLUMINATOR;
		break;
	case V4L2_CID_JPEG_COMPRESSION_QUALITY:
		w->quality = ctrl->val;
		bit = SERCAM_SET_QUALITY;
		break;
	case V4L2_CID_COLORFX:
		w->gray = ctrl->val == V4L2_COLORFX_BW;
		bit = SERCAM_SET_GRAY;
		break;
	default:
		return -EINVAL;
	}
	cam->changed |= BIT(bit);
	return 0;
}

static const struct v4l2_ctrl_ops sercam_ctrl_ops = {
	.s_ctrl = sercam_s_ctrl,
};

static int sercam_ctrls_init(struct sercam_cam *cam)
{
	const struct sercam_family *f = cam->family;
	unsigned int i;

	v4l2_ctrl_handler_init(&cam->hdl, f->num_ctrls);
	for (i = 0; i < f->num_ctrls; i++) {
		const struct sercam_ctrl_desc *d = &f->ctrls[i];

		if (d->menu)
			v4l2_ctrl_new_std_menu(&cam->hdl, &sercam_ctrl_ops,
					       d->id, d->max, d->menu_skip_mask,
					       d->def);
		else
			v4l2_ctrl_new_std(&cam->hdl, &sercam_ctrl_ops, d->id,
					  d->min, d->max, d->step, d->def);
	}
	if (cam->hdl.error)
		return cam->hdl.error;
	cam->v4l2_dev.ctrl_handler = &cam->hdl;
	/* fills cam->want with the defaults */
	return v4l2_ctrl_handler_setup(&cam->hdl);
}

/* --- lifetime ------------------------------------------------------------ */

static void sercam_v4l2_release(struct v4l2_device *v4l2_dev)
{
	struct sercam_cam *cam = container_of(v4l2_dev, struct sercam_cam,
					      v4l2_dev);

	v4l2_ctrl_handler_free(&cam->hdl);
	v4l2_device_unregister(&cam->v4l2_dev);
	kfree(cam->fpriv);
	kfree(cam);
}

/**
 * sercam_cam_alloc() - allocate a camera on a bus
 * @bus: the bus
 * @addr: the camera's address
 *
 * The camera is freed by the V4L2 device's release, after sercam_cam_put()
 * and the last close of its video node.
 *
 * Return: the camera, or NULL without memory.
 */
struct sercam_cam *sercam_cam_alloc(struct sercam_bus *bus, u8 addr)
{
	struct sercam_cam *cam;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return NULL;
	cam->bus = bus;
	cam->family = bus->family;
	cam->addr = addr;
	snprintf(cam->name, sizeof(cam->name), "%s-%u", dev_name(bus->dev),
		 addr);
	mutex_init(&cam->lock);
	mutex_init(&cam->queue_lock);
	spin_lock_init(&cam->qlock);
	INIT_LIST_HEAD(&cam->buf_list);
	init_waitqueue_head(&cam->wq);

	strscpy(cam->v4l2_dev.name, cam->name, sizeof(cam->v4l2_dev.name));
	cam->v4l2_dev.release = sercam_v4l2_release;
	if (v4l2_device_register(bus->dev, &cam->v4l2_dev)) {
		kfree(cam);
		return NULL;
	}
	return cam;
}

/**
 * sercam_cam_register() - give a camera its video node
 * @cam: a camera whose family state is initialised
 *
 * Return: 0, or a negative errno (the camera is then left for
 * sercam_cam_put() to free).
 */
int sercam_cam_register(struct sercam_cam *cam)
{
	struct video_device *vdev = &cam->vdev;
	struct vb2_queue *q = &cam->queue;
	int ret;

	ret = sercam_ctrls_init(cam);
	if (ret)
		return ret;

	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
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
	vdev->ioctl_ops = &sercam_ioctl_ops;
	vdev->release = video_device_release_empty;
	vdev->v4l2_dev = &cam->v4l2_dev;
	vdev->queue = q;
	vdev->lock = &cam->lock;
	vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING |
			    V4L2_CAP_READWRITE;
	video_set_drvdata(vdev, cam);
	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		return ret;

	cam->debugfs = debugfs_create_dir(video_device_node_name(vdev),
					  cam->bus->debugfs);
	debugfs_create_file("stats", 0444, cam->debugfs, cam,
			    &sercam_stats_fops);
	dev_info(cam->bus->dev, "%s camera %u is /dev/%s\n", cam->family->name,
		 cam->addr, video_device_node_name(vdev));
	return 0;
}

/**
 * sercam_cam_unregister() - remove a camera's video node (unbind)
 * @cam: the camera
 *
 * Stops streaming, then cuts the camera from its bus: file handles that
 * stay open see -ENODEV and never touch the bus again.
 */
void sercam_cam_unregister(struct sercam_cam *cam)
{
	vb2_video_unregister_device(&cam->vdev);
	v4l2_device_disconnect(&cam->v4l2_dev);
	debugfs_remove_recursive(cam->debugfs);
	mutex_lock(&cam->lock);
	cam->bus = NULL;
	mutex_unlock(&cam->lock);
}

/**
 * sercam_cam_put() - drop the bus's reference to a camera
 * @cam: the camera
 */
void sercam_cam_put(struct sercam_cam *cam)
{
	v4l2_device_put(&cam->v4l2_dev);
}
