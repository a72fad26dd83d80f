/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial cameras as V4L2 devices: what a camera family sees
 *
 * The layers, each calling only the one below it:
 *
 *  V4L2 face (sercam-v4l2.c)     vb2 queue, formats, events, statistics.
 *        |  ops                  Knows frame sizes and buffers, never bytes.
 *  camera family (one module)    Commands, replies, retries, its controls;
 *        |                       writes frame bytes straight into the
 *        |                       buffer it is handed (pull) or takes
 *        |                       (push).
 *  link (sercam-link.c)          Bytes, rates, exchanges with deadlines,
 *                                cancellation; serdev or a tty below it.
 *
 * The framework (sercam-core.c) ties them together at probe: it reads the
 * devicetree (or the software node sercam-attach's properties became),
 * opens the link, finds the cameras' rate and registers a node per camera.
 * A family is a serdev driver of its own that hands its &struct
 * sercam_family to sercam_serdev_probe(), and registers it with
 * module_sercam_driver() so that a tty can be attached to it by name
 * (sercam-tty.c); this header and sercam-link.h are all it may use.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_FAMILY_H
#define _SERCAM_FAMILY_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/pm.h>
#include <linux/types.h>

#include "sercam-link.h"

struct dentry;
struct fwnode_handle;
struct module;
struct serdev_device;
struct serdev_device_driver;
struct v4l2_ctrl_handler;

#define SERCAM_MAX_MODES	8
#define SERCAM_MAX_CAMS		8
#define SERCAM_MAX_FSTATS	16

/**
 * struct sercam_mode - a format and frame size a camera offers
 * @fourcc: V4L2 pixel format (V4L2_PIX_FMT_JPEG, _GREY, ...)
 * @width: width in pixels
 * @height: height in pixels
 * @code: the family's code for this mode
 * @max_size: largest frame accepted (V4L2 sizeimage)
 * @capture_us: typical time from capture command to first frame byte
 * @typical_size: typical frame size at the default settings, in bytes
 */
struct sercam_mode {
	u32 fourcc;
	u32 width;
	u32 height;
	u32 code;
	u32 max_size;
	u32 capture_us;
	u32 typical_size;
};

/**
 * struct sercam_frame - a buffer a family fills
 * @buf: where the frame goes (the vb2 plane)
 * @size: room at @buf
 * @len: set by the family: bytes stored
 * @timestamp: set by the family: ktime_get_ns() when the frame was
 *	captured (pull) or its first byte arrived (push); 0: when completed
 * @width: set by a pull family with &sercam_family.any_size, for frames
 *	of the format whose size the camera chooses: the frame's width (0:
 *	unchanged); push families tell &sercam_sink.resize
 * @height: the frame's height, likewise
 * @partial: set by the family: a frame given back as an error whose data
 *	is still of use (the good records of a metadata frame): @len bytes
 *	of it are kept as the buffer's payload
 * @cookie: the V4L2 face's, not to be touched
 */
struct sercam_frame {
	u8 *buf;
	u32 size;
	u32 len;
	u64 timestamp;
	u32 width;
	u32 height;
	bool partial;
	void *cookie;
};

/**
 * struct sercam_sink - where a push family's frames go
 * @get: take the oldest queued buffer into @f; -ENOBUFS when none is
 *	queued (the frame is then dropped: call @lost once for it), another
 *	errno when the buffer could not be used (it was given back as an
 *	error buffer: drop the frame, without @lost)
 * @done: give a buffer back, filled (@err 0) or as an error buffer;
 *	-ECANCELED at stream-off gives it back unused
 * @lost: a frame went by with no buffer to take it (a sequence gap)
 * @resize: the frames now have another size (raises
 *	V4L2_EVENT_SOURCE_CHANGE)
 *
 * Handed down to the family by the V4L2 face at stream-on; valid until
 * &sercam_family_ops.stream_off returns. Context: any process context,
 * the family's receive path included.
 */
struct sercam_sink {
	int (*get)(struct sercam_sink *sink, struct sercam_frame *f);
	void (*done)(struct sercam_sink *sink, struct sercam_frame *f, int err);
	void (*lost)(struct sercam_sink *sink);
	void (*resize)(struct sercam_sink *sink, u32 width, u32 height);
};

/**
 * enum sercam_stat - a camera's counters (LOG_STATUS, debugfs)
 * @SERCAM_STAT_FRAMES: frames delivered good
 * @SERCAM_STAT_BYTES: bytes delivered good
 * @SERCAM_STAT_ERRORS: frames given back flagged as error
 * @SERCAM_STAT_DROPPED: frames lost for want of a queued buffer
 * @SERCAM_STAT_CRC_ERRORS: replies or packets with a wrong checksum
 * @SERCAM_STAT_LEN_ERRORS: lengths over the buffer or the protocol
 * @SERCAM_STAT_PROTO_ERRORS: error statuses, wrong sequence, bad JPEG
 * @SERCAM_STAT_RETRIES: requests sent again
 * @SERCAM_STAT_TIMEOUTS: requests that got no (whole) reply in time
 * @SERCAM_STAT_RESYNCS: times the camera was looked for again
 * @SERCAM_STAT_CTRL_ERRORS: settings the camera did not take
 * @SERCAM_STAT_PKT_SIZE: bytes per request in packet mode (a level, not a
 *	count; 0: whole-frame transfers)
 * @SERCAM_STAT_COUNT: number of counters
 */
enum sercam_stat {
	SERCAM_STAT_FRAMES,
	SERCAM_STAT_BYTES,
	SERCAM_STAT_ERRORS,
	SERCAM_STAT_DROPPED,
	SERCAM_STAT_CRC_ERRORS,
	SERCAM_STAT_LEN_ERRORS,
	SERCAM_STAT_PROTO_ERRORS,
	SERCAM_STAT_RETRIES,
	SERCAM_STAT_TIMEOUTS,
	SERCAM_STAT_RESYNCS,
	SERCAM_STAT_CTRL_ERRORS,
	SERCAM_STAT_PKT_SIZE,
	SERCAM_STAT_COUNT,
};

/**
 * struct sercam_camera - one camera, as its family sees it
 * @link: the line the camera is on
 * @dev: the bus's device, for messages
 * @fwnode: the camera's firmware node (its own child node on a bus, else
 *	the bus node), for the family's own properties
 * @name: "<device>-<address>", for messages
 * @addr: the camera's address on the bus
 * @shared: other cameras share the bus
 * @mode: the mode to capture in; set by the V4L2 face, never changed while
 *	streaming
 * @stop: set while the camera's capture must end (stream-off, unbind):
 *	pass it to the link calls of @capture, @stream_on and the receive path
 * @gone: set at unbind: pass it to the link calls of everything else
 *	(controls, @cam_init, @idle)
 * @stats: counters (&enum sercam_stat), atomic: written from the capture
 *	work, the receive path and ioctls alike
 * @fstats: the family's own counters, named by &sercam_family.stat_names
 * @last_error: errno of the last failed frame
 * @present: the camera answered since it was last looked for; written by
 *	the bus's workqueue (discovery, captures)
 * @retry_at: when an absent camera is looked for again (jiffies)
 * @backoff_ms: the time between looks, doubling while it stays absent
 * @frame_us: the camera's own frame period when it tells it (its script
 *	decides), 0: derived from the mode and the link (G_PARM); written
 *	with WRITE_ONCE()
 * @motion: the camera reports motion (sercam_camera_motion()): its node
 *	takes subscriptions to V4L2_EVENT_MOTION_DET; set at probe
 * @priv: the family's per-camera state, freed with kfree() when the
 *	camera's last user is gone
 *
 * Lives as long as the camera's video node may be open: after unbind a
 * family is never called again for it.
 */
struct sercam_camera {
	struct sercam_link *link;
	struct device *dev;
	struct fwnode_handle *fwnode;
	const char *name;
	u8 addr;
	bool shared;
	const struct sercam_mode *mode;
	struct sercam_stop stop;
	struct sercam_stop gone;
	atomic64_t stats[SERCAM_STAT_COUNT];
	atomic64_t fstats[SERCAM_MAX_FSTATS];
	atomic_t last_error;
	bool present;
	unsigned long retry_at;
	unsigned int backoff_ms;
	u32 frame_us;
	bool motion;
	void *priv;
};

/**
 * sercam_stat_add() - add to a camera's counter
 * @cam: the camera
 * @stat: which counter
 * @n: how much
 */
static inline void sercam_stat_add(struct sercam_camera *cam,
				   enum sercam_stat stat, u64 n)
{
	atomic64_add(n, &cam->stats[stat]);
}

/**
 * sercam_stat_inc() - count one event of a camera
 * @cam: the camera
 * @stat: which counter
 */
static inline void sercam_stat_inc(struct sercam_camera *cam,
				   enum sercam_stat stat)
{
	atomic64_inc(&cam->stats[stat]);
}

/**
 * sercam_fstat_add() - add to one of the family's own counters
 * @cam: the camera
 * @i: index into &sercam_family.stat_names
 * @n: how much
 */
static inline void sercam_fstat_add(struct sercam_camera *cam, unsigned int i,
				    u64 n)
{
	if (!WARN_ON_ONCE(i >= SERCAM_MAX_FSTATS))
		atomic64_add(n, &cam->fstats[i]);
}

/*
 * SERCAM_FSTAT_NAMES_FIT() - a family's counter names (NULL-terminated)
 * fit in &sercam_camera.fstats: checked where the family defines them.
 */
#define SERCAM_FSTAT_NAMES_FIT(names)					\
	static_assert(ARRAY_SIZE(names) <= SERCAM_MAX_FSTATS + 1,	\
		      #names ": more counters than SERCAM_MAX_FSTATS")

/**
 * struct sercam_family_ops - what a camera family does
 * @probe: read the family's own properties from @cam->fwnode and allocate
 *	@cam->priv; no I/O. Context: probe.
 * @fill_mode: derive a mode's size bound and timing from its format and
 *	size (after @probe)
 * @init_ctrls: create the family's controls in @hdl (their priv set to
 *	@cam); s_ctrl sends a value to the camera at once, through the link.
 *	Context: probe.
 * @debugfs: add the family's own files to the camera's debugfs directory
 *	@dir (optional)
 * @hello: check that the camera answers at the link's current rate; its
 *	exchanges end when @stop is set. Context: the link claimed by the
 *	caller.
 * @set_rate: tell the camera (and, when @cam->shared, every camera on the
 *	bus) to switch to @baud. Context: the link claimed.
 * @cam_init: bring the camera, just found, to a known state; may exchange.
 * @capture: pull families: capture one frame into @f. Context: the bus's
 *	ordered workqueue; @cam->stop set means give up (-ECANCELED).
 * @stream_on: push families: start delivering frames into @sink.
 * @stream_off: push families: stop; when it returns the family no longer
 *	touches the sink or any buffer it took (it gave them back). Pull
 *	families (optional): streaming stopped and no @capture is under
 *	way: tell the camera; pass @cam->gone to the link.
 * @idle: nobody has the node open any more: stop what costs power.
 *	Context: the bus's workqueue.
 * @sleep: the bus powers down (runtime or system suspend; the UART closes
 *	after): put the camera to sleep if it can, and sercam_camera_forget()
 *	it if it then needs waking. Context: power management, nothing else
 *	using the camera; pass @cam->gone to the link.
 *
 * Every op but @probe, @fill_mode and @init_ctrls may sleep for exchanges
 * and must end them when @cam->stop is set.
 */
struct sercam_family_ops {
	int (*probe)(struct sercam_camera *cam);
	void (*fill_mode)(struct sercam_camera *cam, struct sercam_mode *m);
	int (*init_ctrls)(struct sercam_camera *cam,
			  struct v4l2_ctrl_handler *hdl);
	void (*debugfs)(struct sercam_camera *cam, struct dentry *dir);
	int (*hello)(struct sercam_camera *cam, const struct sercam_stop *stop);
	int (*set_rate)(struct sercam_camera *cam, u32 baud,
			const struct sercam_stop *stop);
	int (*cam_init)(struct sercam_camera *cam);
	int (*capture)(struct sercam_camera *cam, struct sercam_frame *f);
	int (*stream_on)(struct sercam_camera *cam, struct sercam_sink *sink);
	void (*stream_off)(struct sercam_camera *cam);
	void (*idle)(struct sercam_camera *cam);
	void (*sleep)(struct sercam_camera *cam);
};

/**
 * enum sercam_prop_type - what a family's own property holds
 * @SERCAM_PROP_U32: one u32
 * @SERCAM_PROP_U32_ARRAY: one or more u32s
 * @SERCAM_PROP_STRING: a string
 * @SERCAM_PROP_BOOL: a flag (present or absent)
 */
enum sercam_prop_type {
	SERCAM_PROP_U32,
	SERCAM_PROP_U32_ARRAY,
	SERCAM_PROP_STRING,
	SERCAM_PROP_BOOL,
};

/**
 * struct sercam_prop - a property a family reads, besides the common ones
 * @name: its name, as in the family's devicetree binding
 * @type: what it holds
 *
 * A software node does not check what a property holds against what its
 * reader asks for, as a devicetree does: sercam-attach's text values are
 * turned into the type given here, and names not listed are refused. The
 * common properties (current-speed, max-speed, reg, &sercam_family.addr_prop
 * and &sercam_family.modes_prop) need no entry.
 */
struct sercam_prop {
	const char *name;
	enum sercam_prop_type type;
};

/**
 * struct sercam_family - a camera family: its node, its link policy, its ops
 * @name: family name, as shown to users
 * @short_name: the name sercam-attach knows the family by, lower case; its
 *	module is sercam-<short_name>
 * @owner: the family's module (held while a node is open)
 * @ops: the operations
 * @buf_type: V4L2_BUF_TYPE_VIDEO_CAPTURE or V4L2_BUF_TYPE_META_CAPTURE
 * @fmt_desc: the description of a format the V4L2 core does not know (a
 *	private metadata format: include/uapi/linux/sercam.h); NULL for
 *	standard formats
 * @push: frames arrive unasked (@ops->stream_on/stream_off), else they are
 *	pulled one by one (@ops->capture)
 * @any_size: the camera sends frames of the first format (that of
 *	@modes[0], its one mode; no @modes_prop) in any size it likes (its
 *	own script decides): the node offers a stepwise range for it and
 *	reports the size of the last frame. Modes of other formats keep
 *	the discrete sizes the host chooses from, as in other families.
 * @modes: default modes (formats and frame sizes)
 * @num_modes: entries in @modes
 * @modes_prop: devicetree property overriding the frame sizes of the
 *	first format, as <code width height> triplets; NULL: none
 * @rates: rates to scan when the camera does not answer, fastest first,
 *	0-terminated; NULL: the link's rate is never scanned
 * @max_rates: rates max-speed may name (0-terminated); NULL: any rate
 * @default_baud: the rate when current-speed is absent; 0: current-speed
 *	is required
 * @addr_prop: property giving a lone camera's address; NULL: the family
 *	has no addresses
 * @addr_min: lowest camera address
 * @addr_max: highest camera address
 * @addr_default: address of a lone camera without @addr_prop
 * @stat_names: names of the family's own counters (&sercam_camera.fstats),
 *	NULL-terminated, at most %SERCAM_MAX_FSTATS; may be NULL
 * @props: the family's own properties, ended by an entry without a name;
 *	NULL: none
 */
struct sercam_family {
	const char *name;
	const char *short_name;
	struct module *owner;
	const struct sercam_family_ops *ops;
	u32 buf_type;
	const char *fmt_desc;
	bool push;
	bool any_size;
	const struct sercam_mode *modes;
	unsigned int num_modes;
	const char *modes_prop;
	const u32 *rates;
	const u32 *max_rates;
	u32 default_baud;
	const char *addr_prop;
	u8 addr_min;
	u8 addr_max;
	u8 addr_default;
	const char *const *stat_names;
	const struct sercam_prop *props;
};

int sercam_serdev_probe(struct serdev_device *serdev,
			const struct sercam_family *family);
void sercam_serdev_remove(struct serdev_device *serdev);

int __sercam_driver_register(struct serdev_device_driver *drv,
			     const struct sercam_family *family,
			     struct module *owner);
void sercam_driver_unregister(struct serdev_device_driver *drv,
			      const struct sercam_family *family);
#define sercam_driver_register(drv, family) \
	__sercam_driver_register(drv, family, THIS_MODULE)

/**
 * module_sercam_driver() - a family module's init and exit
 * @__drv: the family's &struct serdev_device_driver
 * @__family: its &struct sercam_family
 *
 * Registers the serdev driver (devicetree cameras) and the family (cameras
 * attached to a tty by name), in place of module_serdev_device_driver().
 */
#define module_sercam_driver(__drv, __family) \
	module_driver(__drv, sercam_driver_register, \
		      sercam_driver_unregister, &(__family))
/* a family's serdev driver's .pm: runtime PM and system sleep of the bus */
extern const struct dev_pm_ops sercam_pm_ops;
int sercam_camera_resync(struct sercam_camera *cam);
int sercam_camera_ready(struct sercam_camera *cam,
			const struct sercam_stop *stop);
void sercam_camera_forget(struct sercam_camera *cam);
void sercam_camera_motion(struct sercam_camera *cam);

#endif /* _SERCAM_FAMILY_H */
