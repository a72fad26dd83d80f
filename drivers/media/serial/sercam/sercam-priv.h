/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial cameras as V4L2 devices: the framework's own state
 *
 * Shared by the framework's files (sercam-core.c, sercam-v4l2.c), never
 * by a family: families see sercam-family.h and sercam-link.h only.
 *
 * Locks, outermost first:
 *  &sercam_cam.lock        ioctls (vdev lock); &sercam_cam.bus against unbind
 *  &sercam_cam.queue_lock  vb2 queue ioctls
 *  control handler lock    controls (a family's s_ctrl runs under it)
 *  &sercam_cam.ready_lock  a look for an absent camera
 *  &sercam_link.lock       the wire, one exchange or rate scan at a time
 *  &sercam_link.rx_lock    the receive path
 *  &sercam_cam.qlock       the list of queued buffers (spinlock)
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_PRIV_H
#define _SERCAM_PRIV_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-v4l2.h>

#include "sercam-family.h"

struct dentry;
struct gpio_desc;
struct regulator;

/**
 * struct sercam_bus - one line and the cameras on it
 * @dev: the device the bus belongs to: the serdev device, or the device of
 *	an attached tty (sercam-tty.c)
 * @link: the line
 * @family: protocol the cameras speak
 * @wq: ordered workqueue of the bus: captures, camera discovery, idling;
 *	one at a time, so the cameras share the wire in turn
 * @cams: the cameras, in devicetree order
 * @num_cams: entries in @cams
 * @poweron_baud: the cameras' power-on rate (current-speed)
 * @max_baud: rate to switch to once found (max-speed), 0 for none
 * @target_baud: the rate the bus should run at: @max_baud, else
 *	@poweron_baud if the family can switch its cameras to it, else 0
 *	(they stay at the rate they are found at)
 * @speedup_at: when to try @target_baud again after the cameras were
 *	found at another rate and could not be moved (jiffies); under the
 *	link's lock, read without it
 * @speedup_ms: the wait before the next such try, doubling
 * @vdd: the cameras' supply, or NULL
 * @reset_gpio: optional reset line
 * @powerdown_gpio: optional power-down line
 * @powered: @vdd on and out of power-down (runtime PM)
 * @debugfs: this bus's debugfs directory
 * @discover_work: finds the cameras' rate and the cameras, after probe;
 *	holds a runtime PM reference while queued
 * @discovered: @discover_work ran to its end
 * @stop: set at unbind and for system sleep: ends discovery
 */
struct sercam_bus {
	struct device *dev;
	struct sercam_link link;
	const struct sercam_family *family;
	struct workqueue_struct *wq;
	struct sercam_cam *cams[SERCAM_MAX_CAMS];
	unsigned int num_cams;
	u32 poweron_baud;
	u32 max_baud;
	u32 target_baud;
	unsigned long speedup_at;
	unsigned int speedup_ms;
	struct regulator *vdd;
	struct gpio_desc *reset_gpio;
	struct gpio_desc *powerdown_gpio;
	bool powered;
	struct dentry *debugfs;
	struct work_struct discover_work;
	bool discovered;
	struct sercam_stop stop;
};

/**
 * struct sercam_buffer - a vb2 buffer on the driver's queue
 * @vb: the vb2 buffer
 * @list: entry in &sercam_cam.buf_list
 */
struct sercam_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
};

/**
 * struct sercam_cam - one camera and its video node
 * @c: what the family sees of the camera
 * @bus: the bus; NULL once the camera is unbound (the node may stay open);
 *	under @lock
 * @family: the family (its module is held while the node is open)
 * @wq: the bus's workqueue
 * @modes: modes, from devicetree or the family's defaults
 * @num_modes: entries in @modes
 * @mode: index of the current mode, under @lock; not changed while
 *	streaming
 * @mjpeg: the application chose the current mode's JPEG by the name
 *	Motion-JPEG (V4L2_PIX_FMT_MJPEG); under @lock
 * @width: width of the frames now arriving (push families may change it)
 * @height: their height
 * @name: "<device>-<address>", for messages and debugfs
 * @v4l2_dev: V4L2 device; its release frees this structure
 * @vdev: the video node
 * @queue: vb2 queue
 * @hdl: controls, created by the family
 * @lock: serializes ioctls (vdev lock) and protects @bus against unbind
 * @queue_lock: vb2 queue lock, so DQBUF does not wait behind ioctls
 * @qlock: protects @buf_list and @streaming
 * @buf_list: buffers queued by the application, oldest first
 * @streaming: between start_streaming and stop_streaming
 * @capture_work: pull families: captures one frame, then queues itself
 *	again while buffers are queued (behind the bus's other cameras);
 *	delayed while the camera is absent, by its backoff
 * @idle_work: tells the camera nobody looks any more (last close); holds
 *	a runtime PM reference of the bus while queued
 * @users: open file handles, each holding a runtime PM reference of the
 *	bus; under @lock
 * @suspended: streaming was halted for system sleep; under @queue_lock
 * @ready_lock: one look for an absent camera at a time (the capture and
 *	a control may both want one)
 * @sink: push families: where their frames go
 * @sequence: frame counter, including frames that failed or were dropped;
 *	written by one of the capture work or the family's receive path
 * @debugfs: this camera's debugfs directory
 */
struct sercam_cam {
	struct sercam_camera c;
	struct sercam_bus *bus;
	const struct sercam_family *family;
	struct workqueue_struct *wq;
	struct sercam_mode modes[SERCAM_MAX_MODES];
	unsigned int num_modes;
	unsigned int mode;
	bool mjpeg;
	u32 width;
	u32 height;
	char name[32];

	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct v4l2_ctrl_handler hdl;
	/* ioctls, and bus against unbind */
	struct mutex lock;
	/* vb2 queue */
	struct mutex queue_lock;
	/* buf_list, streaming */
	spinlock_t qlock;
	struct list_head buf_list;
	bool streaming;
	struct delayed_work capture_work;
	struct work_struct idle_work;
	unsigned int users;
	bool suspended;
	/* a look for an absent camera */
	struct mutex ready_lock;
	struct sercam_sink sink;
	u32 sequence;
	struct dentry *debugfs;
};

/* sercam-core.c: the bus, whatever its link */
int sercam_bus_probe(struct device *dev, const struct sercam_family *family,
		     int (*link_open)(struct sercam_link *link,
				      struct device *dev, void *backend),
		     void *backend);
void sercam_bus_remove(struct device *dev);
const struct sercam_family *sercam_family_get(const char *name);
void sercam_family_put(const struct sercam_family *family);

/* sercam-tty.c: the tty line discipline and its devices */
void sercam_core_init(void);
void sercam_core_exit(void);

/* sercam-v4l2.c: the V4L2 face */
struct sercam_cam *sercam_cam_alloc(struct sercam_bus *bus, u8 addr,
				    struct fwnode_handle *fwnode);
int sercam_cam_register(struct sercam_cam *cam);
void sercam_cam_unregister(struct sercam_cam *cam);
void sercam_cam_put(struct sercam_cam *cam);
void sercam_cam_suspend(struct sercam_cam *cam);
void sercam_cam_resume(struct sercam_cam *cam);

#endif /* _SERCAM_PRIV_H */
