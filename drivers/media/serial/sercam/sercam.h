/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial JPEG cameras as V4L2 devices: private definitions
 *
 * Three layers, each using only the one below it:
 *
 *  V4L2 face (sercam-v4l2.c)   vb2 queue, formats, controls, stats.
 *        |                     Knows modes and settings, never bytes.
 *  camera family (sercam-<family>.c, <family>-proto.c)
 *        |                     Commands, replies, retries; writes image
 *        |                     bytes straight into the vb2 plane it gets.
 *  bus (sercam-core.c)         serdev: open, rate, one transaction at a
 *                              time, receive path, timeouts.
 *
 * One &struct sercam_bus per UART. On RS-485 several cameras share it,
 * each a &struct sercam_cam with its own address and video node.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_H
#define _SERCAM_H

#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-dev.h>
#include <media/v4l2-device.h>
#include <media/videobuf2-v4l2.h>

struct dentry;
struct gpio_desc;
struct serdev_device;
struct sercam_bus;
struct sercam_cam;
struct task_struct;

#define SERCAM_MAX_MODES	8
#define SERCAM_MAX_CAMS		8

/**
 * struct sercam_mode - a frame size a camera offers
 * @width: width in pixels
 * @height: height in pixels
 * @code: the family's code for this size
 * @max_size: largest JPEG accepted at this size (V4L2 sizeimage)
 * @capture_us: typical time from capture command to first image byte
 * @typical_size: typical JPEG size at the default quality, in bytes
 */
struct sercam_mode {
	u32 width;
	u32 height;
	u32 code;
	u32 max_size;
	u32 capture_us;
	u32 typical_size;
};

/**
 * enum sercam_setting - image settings, as bits of a change mask
 * @SERCAM_SET_MODE: frame size
 * @SERCAM_SET_BRIGHTNESS: brightness
 * @SERCAM_SET_CONTRAST: contrast
 * @SERCAM_SET_ILLUMINATOR: IR illuminator on/off
 * @SERCAM_SET_QUALITY: JPEG quality
 * @SERCAM_SET_GRAY: black-and-white capture
 * @SERCAM_SET_COUNT: number of settings
 */
enum sercam_setting {
	SERCAM_SET_MODE,
	SERCAM_SET_BRIGHTNESS,
	SERCAM_SET_CONTRAST,
	SERCAM_SET_ILLUMINATOR,
	SERCAM_SET_QUALITY,
	SERCAM_SET_GRAY,
	SERCAM_SET_COUNT,
};

#define SERCAM_SET_ALL		(BIT(SERCAM_SET_COUNT) - 1)

/**
 * struct sercam_settings - what the V4L2 face asks of the camera
 * @mode: index into &sercam_cam.modes
 * @brightness: 0..255, 128 neutral
 * @contrast: 0..255, 128 neutral
 * @illuminator: IR light on
 * @quality: JPEG quality, 1..100
 * @gray: capture black and white
 */
struct sercam_settings {
	unsigned int mode;
	s32 brightness;
	s32 contrast;
	bool illuminator;
	s32 quality;
	bool gray;
};

/**
 * struct sercam_frame - one capture request from the V4L2 face
 * @buf: where the JPEG goes (the vb2 plane)
 * @size: room at @buf
 * @len: set by the family: bytes of JPEG stored
 * @timestamp: set by the family: ktime_get_ns() when capture was commanded
 */
struct sercam_frame {
	u8 *buf;
	u32 size;
	u32 len;
	u64 timestamp;
};

/**
 * struct sercam_stats - per-camera counters (LOG_STATUS, debugfs)
 * @frames: frames delivered good
 * @bytes: JPEG bytes delivered good
 * @errors: frames returned to the application flagged as error
 * @crc_errors: replies with a wrong CRC
 * @len_errors: replies whose length was over the buffer or the protocol
 * @proto_errors: error statuses, wrong packet numbers, bad JPEG markers
 * @retries: requests sent again
 * @timeouts: requests that got no reply in time
 * @resyncs: times the camera stopped answering and was looked for again
 *	(at the current rate, then by scanning the rates)
 * @ctrl_errors: settings the camera did not take
 * @pkt_size: image bytes per request in packet mode (0: whole-image mode)
 * @last_error: errno of the last failed frame
 */
struct sercam_stats {
	u64 frames;
	u64 bytes;
	u64 errors;
	u64 crc_errors;
	u64 len_errors;
	u64 proto_errors;
	u64 retries;
	u64 timeouts;
	u64 resyncs;
	u64 ctrl_errors;
	u64 pkt_size;
	int last_error;
};

/**
 * struct sercam_ctrl_desc - a standard control a family implements
 * @id: V4L2 control ID
 * @min: minimum (menus: 0)
 * @max: maximum (menus: highest item)
 * @step: step (menus: 0)
 * @def: default value
 * @menu: the control is a standard menu
 * @menu_skip_mask: menu items not offered
 */
struct sercam_ctrl_desc {
	u32 id;
	s32 min;
	s32 max;
	u32 step;
	s32 def;
	bool menu;
	u64 menu_skip_mask;
};

/**
 * struct sercam_xfer - one request/reply exchange on the bus
 * @done: completed by the receive path when the exchange ends
 * @status: 0, or the negative errno the receive path ended it with; while
 *	pending, -ETIMEDOUT or what the receive path noted about a broken reply
 * @cam: camera the exchange is for (whose counters it feeds)
 * @ctx: the family's description of the awaited reply
 * @first_ms: time allowed from the end of the request to the first byte
 * @gap_ms: longest silence allowed once the reply has started
 * @total_ms: hard limit for the whole exchange
 */
struct sercam_xfer {
	struct completion done;
	int status;
	struct sercam_cam *cam;
	void *ctx;
	unsigned int first_ms;
	unsigned int gap_ms;
	unsigned int total_ms;
};

/**
 * struct sercam_family - operations of a camera family
 * @name: family name, as shown to users
 * @compatible_modes: default frame sizes
 * @num_modes: entries in @compatible_modes
 * @ctrls: standard controls the family implements
 * @num_ctrls: entries in @ctrls
 * @rates: rates to scan when the camera does not answer, fastest first,
 *	0-terminated
 * @addr_prop: devicetree property giving a lone camera's address
 * @modes_prop: devicetree property overriding the frame-size table, as
 *	<code width height> triplets
 * @addr_min: lowest camera address
 * @addr_max: highest camera address
 * @addr_default: address of a lone camera without @addr_prop
 * @fill_mode: derive a mode's size bound and timing from its width and height
 * @bus_init: allocate the family's per-bus state (&sercam_bus.fpriv)
 * @rx_start: a new exchange starts: reset the receive state for @x
 * @receive: received bytes for the pending exchange; called with
 *	&sercam_bus.rx_lock held, ends the exchange with
 *	sercam_xfer_end() when its reply is complete or broken
 * @hello: check that the camera answers at the bus's current rate
 * @set_rate: tell every camera on the bus to switch to @baud
 * @cam_init: allocate &sercam_cam.fpriv and bring the camera to a known
 *	state; called once at probe and again after a resync
 * @apply: send the settings marked in @changed
 * @capture: capture one frame into @f
 * @idle: stop anything the camera does on its own (last close)
 */
struct sercam_family {
	const char *name;
	const struct sercam_mode *compatible_modes;
	unsigned int num_modes;
	const struct sercam_ctrl_desc *ctrls;
	unsigned int num_ctrls;
	const u32 *rates;
	const char *addr_prop;
	const char *modes_prop;
	u8 addr_min;
	u8 addr_max;
	u8 addr_default;

	void (*fill_mode)(struct sercam_mode *m);
	int (*bus_init)(struct sercam_bus *bus);
	void (*rx_start)(struct sercam_bus *bus, struct sercam_xfer *x);
	void (*receive)(struct sercam_bus *bus, const u8 *buf, size_t len);
	int (*hello)(struct sercam_cam *cam);
	int (*set_rate)(struct sercam_bus *bus, u32 baud);
	int (*cam_init)(struct sercam_cam *cam);
	int (*apply)(struct sercam_cam *cam, const struct sercam_settings *s,
		     unsigned long changed);
	int (*capture)(struct sercam_cam *cam, struct sercam_frame *f);
	void (*idle)(struct sercam_cam *cam);
};

/**
 * struct sercam_bus - one UART and the cameras on it
 * @serdev: the serdev device owning the UART
 * @dev: &serdev->dev, for messages
 * @family: protocol the cameras speak
 * @fpriv: the family's per-bus state (receive parser)
 * @lock: held for a whole exchange, so one is on the wire at a time;
 *	also protects @baud. Taken before @rx_lock.
 * @rx_lock: protects @xfer and the family's receive state; the receive
 *	path holds it while it parses and stores bytes
 * @xfer: the exchange waiting for its reply, or NULL
 * @baud: current line rate
 * @poweron_baud: the cameras' power-on rate (devicetree current-speed)
 * @max_baud: rate to switch to after probe (max-speed), 0 for none
 * @last_rx: time the last byte was received
 * @line_dirty: the last exchange ended in error; wait for the line to go
 *	quiet before sending
 * @rx_bytes: bytes received
 * @tx_bytes: bytes sent
 * @rx_dropped: bytes received while no exchange was pending
 * @rx_ns: time spent in the receive path (parsing, storing), in ns
 * @cams: the cameras, in devicetree order
 * @num_cams: entries in @cams
 * @reset_gpio: optional reset line
 * @powerdown_gpio: optional power-down line
 * @debugfs: this bus's debugfs directory
 */
struct sercam_bus {
	struct serdev_device *serdev;
	struct device *dev;
	const struct sercam_family *family;
	void *fpriv;
	/* one exchange on the wire at a time; taken before rx_lock */
	struct mutex lock;
	/* the receive path against the exchange's owner */
	struct mutex rx_lock;
	struct sercam_xfer *xfer;
	u32 baud;
	u32 poweron_baud;
	u32 max_baud;
	ktime_t last_rx;
	bool line_dirty;
	u64 rx_bytes;
	u64 tx_bytes;
	u64 rx_dropped;
	u64 rx_ns;
	struct sercam_cam *cams[SERCAM_MAX_CAMS];
	unsigned int num_cams;
	struct gpio_desc *reset_gpio;
	struct gpio_desc *powerdown_gpio;
	struct dentry *debugfs;
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
 * @bus: the bus; NULL once the camera is unbound (the node may stay open)
 * @family: the family's operations (kept after unbind)
 * @fpriv: the family's per-camera state
 * @addr: camera address on the bus
 * @modes: frame sizes, from devicetree or the family's defaults
 * @num_modes: entries in @modes
 * @name: "<uart>-<addr>", for messages and debugfs
 * @v4l2_dev: V4L2 device; its release frees this structure
 * @vdev: the video node
 * @queue: vb2 queue
 * @hdl: controls
 * @lock: serializes ioctls (vdev lock) and protects @bus against unbind
 * @queue_lock: vb2 queue lock, so DQBUF does not wait behind ioctls
 * @qlock: protects @buf_list (taken in buf_queue and the capture thread)
 * @buf_list: buffers queued by the application, oldest first
 * @wq: the capture thread waits here for buffers
 * @thread: capture thread while streaming
 * @stopping: stop_streaming is waiting for the capture thread
 * @sequence: frame counter, including frames that failed
 * @mode: index of the current frame size
 * @want: settings as last set by the application (under the control lock)
 * @changed: settings in @want not yet sent to the camera
 * @stats: counters
 * @debugfs: this camera's debugfs directory
 */
struct sercam_cam {
	struct sercam_bus *bus;
	const struct sercam_family *family;
	void *fpriv;
	u8 addr;
	struct sercam_mode modes[SERCAM_MAX_MODES];
	unsigned int num_modes;
	char name[32];

	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct v4l2_ctrl_handler hdl;
	/* ioctls, and bus against unbind */
	struct mutex lock;
	/* vb2 queue */
	struct mutex queue_lock;
	/* buf_list */
	spinlock_t qlock;
	struct list_head buf_list;
	wait_queue_head_t wq;
	struct task_struct *thread;
	bool stopping;
	u32 sequence;

	unsigned int mode;
	struct sercam_settings want;
	unsigned long changed;
	struct sercam_stats stats;
	struct dentry *debugfs;
};

/* sercam-core.c: the bus */
int sercam_xfer(struct sercam_bus *bus, const u8 *tx, size_t len,
		struct sercam_xfer *x);
int sercam_xfer_locked(struct sercam_bus *bus, const u8 *tx, size_t len,
		       struct sercam_xfer *x);
int sercam_send_locked(struct sercam_bus *bus, const u8 *tx, size_t len);
void sercam_xfer_end(struct sercam_bus *bus, int status);
void sercam_xfer_cancel(struct sercam_bus *bus, struct sercam_cam *cam);
int sercam_bus_set_baud_locked(struct sercam_bus *bus, u32 baud);
int sercam_bus_resync(struct sercam_bus *bus, struct sercam_cam *cam);
unsigned int sercam_wire_ms(const struct sercam_bus *bus, u32 bytes);
const char *sercam_uart_name(const struct sercam_bus *bus);

/* sercam-v4l2.c: the V4L2 face */
struct sercam_cam *sercam_cam_alloc(struct sercam_bus *bus, u8 addr);
int sercam_cam_register(struct sercam_cam *cam);
void sercam_cam_unregister(struct sercam_cam *cam);
void sercam_cam_put(struct sercam_cam *cam);

/* camera families */
extern const struct sercam_family sercam_sxh485_family;

#endif /* _SERCAM_H */
