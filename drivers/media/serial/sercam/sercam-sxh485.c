// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial JPEG cameras as V4L2 devices: the SXH485 family
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
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sercam-compat.h"
#include "sercam.h"
#include "sxh485-proto.h"

/* Command latency budget: the camera needs ~2 ms, cheap firmware more. */
#define SXH485_CMD_MS			50
/*
 * Silence inside a reply that means bytes were lost. Generous: a USB
 * adapter or a busy virtual machine delivers bytes in bursts.
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

/* read-only once loaded: a charp written through sysfs frees the old string */
static char *transfer = "auto";
module_param(transfer, charp, 0444);
MODULE_PARM_DESC(transfer,
		 "SXH485 image transfer: auto (default), packet or whole");

static unsigned int max_packet = SXH485_PKT_SIZE_MAX;
module_param(max_packet, uint, 0644);
MODULE_PARM_DESC(max_packet,
		 "SXH485 largest packet size in packet mode (128..4096)");

/**
 * struct sxh485_bus - SXH485 state of a bus
 * @parser: receive parser, under &sercam_bus.rx_lock
 */
struct sxh485_bus {
	struct sxh485_parser parser;
};

/**
 * struct sxh485_reply - what an exchange waits for, and what came
 * @exp: the expected reply, handed to the parser
 * @dup_pkt: packet number whose late duplicate is ignored (-1: none)
 * @head: first payload bytes of the reply
 * @head_got: valid bytes in @head
 * @len: the reply's payload length
 */
struct sxh485_reply {
	struct sxh485_expect exp;
	int dup_pkt;
	u8 head[SXH485_HEAD_MAX];
	u8 head_got;
	u32 len;
};

/**
 * struct sxh485_cam - SXH485 state of a camera
 * @res: packet-mode resolution code the camera has (0: unknown)
 * @compression: compression level the camera has (-1: unknown)
 * @pkt_size: packet size the camera has (0: unknown)
 * @ir: IR light state the camera has (-1: unknown)
 * @want_res: resolution code asked for
 * @want_comp: compression level asked for
 * @gray: capture black and white
 * @pkt_target: packet size chosen for the link
 * @win_bytes: reply bytes requested in packet mode, recently
 * @win_fail: requests among those that failed
 * @clean_frames: packet-mode frames in a row without a retry
 * @whole_failed: whole-image mode failed since the last clean stretch
 */
struct sxh485_cam {
	u8 res;
	int compression;
	u32 pkt_size;
	int ir;
	u8 want_res;
	int want_comp;
	bool gray;
	u32 pkt_target;
	u64 win_bytes;
	u32 win_fail;
	u32 clean_frames;
	bool whole_failed;
};

static const struct sercam_mode sxh485_modes[] = {
	{ .code = 0x01, .width = 160, .height = 160 },
	{ .code = 0x03, .width = 320, .height = 240 },
	{ .code = 0x05, .width = 640, .height = 480 },
	{ .code = 0x07, .width = 1280, .height = 960 },
};

static const u32 sxh485_rates[] = {
	115200, 57600, 38400, 19200, 9600, 4800, 0
};

static const struct sercam_ctrl_desc sxh485_ctrls[] = {
	{ .id = V4L2_CID_BRIGHTNESS, .min = 0, .max = 255, .step = 1,
	  .def = SXH485_LEVEL_NEUTRAL },
	{ .id = V4L2_CID_CONTRAST, .min = 0, .max = 255, .step = 1,
	  .def = SXH485_LEVEL_NEUTRAL },
	{ .id = V4L2_CID_ILLUMINATORS_1, .min = 0, .max = 1, .step = 1,
	  .def = 0 },
	/* five compression levels: 100, 80, 60, 40, 20 */
	{ .id = V4L2_CID_JPEG_COMPRESSION_QUALITY, .min = 20, .max = 100,
	  .step = 20, .def = 60 },
	{ .id = V4L2_CID_COLORFX, .max = V4L2_COLORFX_BW,
	  .def = V4L2_COLORFX_NONE, .menu = true },
};

static int sxh485_quality_to_compression(s32 quality)
{
	return clamp((100 - quality) / 20, 0, SXH485_COMPRESSION_MAX);
}

static void sxh485_fill_mode(struct sercam_mode *m)
{
	u32 px = m->width * m->height;

	/* 4 bits per pixel: beyond anything the encoder makes at level 0 */
	m->max_size = PAGE_ALIGN(px / 2 + 16384);
	m->capture_us = div_u64((u64)SXH485_CAPTURE_US_VGA * px, 640 * 480);
	/*
	 * About a third of a bit per pixel at the default level, plus the
	 * fixed headers and tables: the emulator's test pattern gives 5 KB at
	 * 160x160, 18 KB at 640x480, 43 KB at 1280x960.
	 */
	m->typical_size = px / 24 + 4096;
}

/* --- exchanges ----------------------------------------------------------- */

/*
 * One request and its reply. @first_ms is the time the camera may take to
 * start answering, @reply_max the longest reply in bytes. @locked: the
 * caller holds the bus lock (hello and rate changes during a scan).
 */
static int sxh485_xfer(struct sercam_cam *cam, u8 cmd, const u8 *params,
		       size_t nparams, struct sxh485_reply *r,
		       unsigned int first_ms, u32 reply_max, bool locked)
{
	struct sercam_bus *bus = cam->bus;
	struct sercam_xfer x = { .cam = cam, .ctx = r };
	u8 tx[SXH485_MAX_CMD_LEN];
	size_t len;
	int ret;

	len = sxh485_encode(tx, sizeof(tx), cam->addr, cmd, params, nparams);
	if (!len)
		return -EINVAL;
	r->exp.addr = cam->addr;
	r->exp.cmd = cmd;
	r->head_got = 0;
	r->len = 0;
	x.first_ms = first_ms;
	x.gap_ms = SXH485_GAP_MS + sercam_wire_ms(bus, 16);
	x.total_ms = first_ms + 2 * sercam_wire_ms(bus, reply_max) +
		     SXH485_GAP_MS;
	/* CRC and length errors are counted as they arrive, timeouts by the bus */
	if (locked)
		ret = sercam_xfer_locked(bus, tx, len, &x);
	else
		ret = sercam_xfer(bus, tx, len, &x);
	if (ret == -EPROTO)
		cam->stats.proto_errors++;
	return ret;
}

/* A short command whose reply is a status and up to a few data bytes. */
static int sxh485_cmd(struct sercam_cam *cam, u8 cmd, const u8 *params,
		      size_t nparams, struct sxh485_reply *r,
		      unsigned int first_ms)
{
	int i, ret = -EIO;

	r->dup_pkt = -1;
	for (i = 0; i < SXH485_TRIES; i++) {
		if (i)
			cam->stats.retries++;
		ret = sxh485_xfer(cam, cmd, params, nparams, r, first_ms,
				  SXH485_OVERHEAD + SXH485_HEAD_MAX, false);
		/* an error status is the camera's answer: asking again won't help */
		if (!ret || ret == -ECANCELED || ret == -EPROTO)
			break;
	}
	return ret;
}

/* A setting whose reply echoes the value: status 0, then @val. */
static int sxh485_set(struct sercam_cam *cam, u8 cmd, u8 val)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, val }, .match_len = 2,
			 .head_len = 2 },
	};

	return sxh485_cmd(cam, cmd, &val, 1, &r, SXH485_CMD_MS);
}

static void sxh485_rx_start(struct sercam_bus *bus, struct sercam_xfer *x)
{
	struct sxh485_bus *sb = bus->fpriv;
	struct sxh485_reply *r = x->ctx;

	sxh485_parser_reset(&sb->parser, &r->exp);
}

static void sxh485_take(struct sxh485_reply *r, const struct sxh485_parser *p)
{
	r->len = p->len;
	r->head_got = p->head_got;
	memcpy(r->head, p->head, p->head_got);
}

/*
 * The receive path. A complete frame ends the exchange: accepted, or with
 * -EBADMSG for a bad CRC (the camera is done talking, so the retry can go
 * at once), or -EPROTO for our command answered with an error. A header
 * with an impossible length does not: it is noted, and the parser hunts on,
 * since it may be garbage (the tail of a reply cut short) before the real
 * reply; silence then ends the exchange.
 */
static void sxh485_receive(struct sercam_bus *bus, const u8 *buf, size_t len)
{
	struct sxh485_bus *sb = bus->fpriv;
	struct sxh485_parser *p = &sb->parser;
	struct sercam_xfer *x = bus->xfer;
	struct sxh485_reply *r = x->ctx;
	enum sxh485_event ev;
	size_t n;

	while (len) {
		n = sxh485_parse(p, buf, len, &ev);
		buf += n;
		len -= n;
		switch (ev) {
		case SXH485_EV_NONE:
			break;
		case SXH485_EV_FRAME:
			sxh485_take(r, p);
			sercam_xfer_end(bus, 0);
			return;
		case SXH485_EV_OTHER:
			/* another camera's reply, or a stale one: not ours */
			if (p->addr != r->exp.addr || p->cmd != r->exp.cmd)
				break;
			/* a packet sent twice: its copy arrives after we moved on */
			if (r->dup_pkt >= 0 && p->head_got >= 3 &&
			    p->head[0] == SXH485_STATUS_OK &&
			    get_unaligned_le16(p->head + 1) == r->dup_pkt)
				break;
			sxh485_take(r, p);
			sercam_xfer_end(bus, -EPROTO);
			return;
		case SXH485_EV_BAD_CRC:
			x->cam->stats.crc_errors++;
			sercam_xfer_end(bus, -EBADMSG);
			return;
		case SXH485_EV_BAD_LEN:
			x->cam->stats.len_errors++;
			x->status = -EMSGSIZE;
			break;
		}
	}
}

/* --- bus operations ------------------------------------------------------ */

static int sxh485_bus_init(struct sercam_bus *bus)
{
	bus->fpriv = devm_kzalloc(bus->dev, sizeof(struct sxh485_bus),
				  GFP_KERNEL);
	return bus->fpriv ? 0 : -ENOMEM;
}

/* Called with the bus lock held. The test reply may lack its status byte. */
static int sxh485_hello(struct sercam_cam *cam)
{
	static const u8 hello[] = { SXH485_TEST_PARAM0, SXH485_TEST_PARAM1 };
	struct sxh485_reply r = { .exp = { .head_len = 3 }, .dup_pkt = -1 };
	const u8 *h = r.head;
	int ret;

	ret = sxh485_xfer(cam, SXH485_CMD_TEST, hello, sizeof(hello), &r,
			  SXH485_CMD_MS, SXH485_OVERHEAD + 3, true);
	if (ret)
		return ret;
	if (r.len == 3 && h[0] == SXH485_STATUS_OK &&
	    h[1] == SXH485_TEST_PARAM1 && h[2] == SXH485_TEST_PARAM0)
		return 0;
	if (r.len == 2 && h[0] == SXH485_TEST_PARAM1 &&
	    h[1] == SXH485_TEST_PARAM0)
		return 0;
	cam->stats.proto_errors++;
	return -EPROTO;
}

/*
 * Called with the bus lock held. The camera does not answer 0x0a. With
 * several cameras the bus must move as one, so the command is broadcast.
 */
static int sxh485_set_rate(struct sercam_bus *bus, u32 baud)
{
	int code = sxh485_baud_to_code(baud);
	u8 addr = bus->num_cams > 1 ? SXH485_ADDR_BROADCAST :
		  bus->cams[0]->addr;
	u8 tx[SXH485_MAX_CMD_LEN], c;
	size_t len;

	if (code < 0)
		return code;
	c = code;
	len = sxh485_encode(tx, sizeof(tx), addr, SXH485_CMD_BAUD, &c, 1);
	return sercam_send_locked(bus, tx, len);
}

/* --- camera state -------------------------------------------------------- */

/* Forget what the camera was set to: it may have lost power. */
static void sxh485_forget(struct sxh485_cam *sc)
{
	sc->res = 0;
	sc->compression = -1;
	sc->pkt_size = 0;
	sc->ir = -1;
}

static int sxh485_cam_init(struct sercam_cam *cam)
{
	struct sxh485_cam *sc = cam->fpriv;
	int ret;

	if (!sc) {
		sc = kzalloc(sizeof(*sc), GFP_KERNEL);
		if (!sc)
			return -ENOMEM;
		cam->fpriv = sc;
	}
	sxh485_forget(sc);
	sc->want_res = cam->modes[cam->mode].code;
	sc->want_comp = SXH485_COMPRESSION_DEFAULT;
	sc->pkt_target = clamp_t(u32, rounddown(max_packet,
						SXH485_PKT_SIZE_STEP),
				 SXH485_PKT_SIZE_MIN, SXH485_PKT_SIZE_MAX);

	mutex_lock(&cam->bus->lock);
	ret = sxh485_hello(cam);
	mutex_unlock(&cam->bus->lock);
	return ret;
}

static int sxh485_set_res(struct sercam_cam *cam, u8 code)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, code }, .match_len = 2,
			 .head_len = 2 },
	};

	return sxh485_cmd(cam, SXH485_CMD_PKT_RES, &code, 1, &r,
			  SXH485_CMD_MS);
}

static int sxh485_set_pkt_size(struct sercam_cam *cam, u32 size)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK, size & 0xff, size >> 8 },
			 .match_len = 3, .head_len = 3 },
	};
	u8 par[2];

	put_unaligned_le16(size, par);
	return sxh485_cmd(cam, SXH485_CMD_PKT_SIZE, par, sizeof(par), &r,
			  SXH485_CMD_MS);
}

/*
 * Time a capture command may take to its first reply byte: generous, since
 * the emulator's capture time is only a default and real sensors vary; it
 * only costs time when the camera is silent.
 */
static unsigned int sxh485_capture_ms(struct sercam_cam *cam)
{
	return 4 * cam->modes[cam->mode].capture_us / USEC_PER_MSEC +
	       SXH485_CMD_MS + 500;
}

/*
 * Packet mode has no compression parameter: the camera keeps the level of
 * its last 0x02/0x05/0x12 (Documentation/sxh485-protocol-notes.md). One
 * 0x05 sets it; the image it takes is never read.
 */
static int sxh485_set_compression(struct sercam_cam *cam, int level)
{
	struct sxh485_reply r = {
		.exp = { .head_len = 5 },
	};
	u8 par[2] = { cam->modes[cam->mode].code, level };
	int ret;

	ret = sxh485_cmd(cam, SXH485_CMD_SNAP, par, sizeof(par), &r,
			 sxh485_capture_ms(cam));
	if (ret)
		return ret;
	if (r.len != 5 || (r.head[0] & ~SXH485_STATUS_MORE)) {
		cam->stats.proto_errors++;
		return -EPROTO;
	}
	return 0;
}

/* Bring the camera to the wanted resolution, compression, packet size. */
static int sxh485_configure(struct sercam_cam *cam, bool packets)
{
	struct sxh485_cam *sc = cam->fpriv;
	int ret;

	if (packets && sc->res != sc->want_res) {
		ret = sxh485_set_res(cam, sc->want_res);
		if (ret)
			return ret;
		sc->res = sc->want_res;
	}
	if (packets && sc->compression != sc->want_comp) {
		ret = sxh485_set_compression(cam, sc->want_comp);
		if (ret)
			return ret;
		sc->compression = sc->want_comp;
	}
	if (packets && sc->pkt_size != sc->pkt_target) {
		ret = sxh485_set_pkt_size(cam, sc->pkt_target);
		if (ret)
			return ret;
		sc->pkt_size = sc->pkt_target;
	}
	cam->stats.pkt_size = sc->pkt_size;
	return 0;
}

static int sxh485_apply(struct sercam_cam *cam, const struct sercam_settings *s,
			unsigned long changed)
{
	struct sxh485_cam *sc = cam->fpriv;
	int ret = 0, err;

	sc->want_res = cam->modes[s->mode].code;
	sc->want_comp = sxh485_quality_to_compression(s->quality);
	sc->gray = s->gray;

	if (changed & BIT(SERCAM_SET_BRIGHTNESS)) {
		err = sxh485_set(cam, SXH485_CMD_BRIGHTNESS, s->brightness);
		ret = ret ? : err;
	}
	if (changed & BIT(SERCAM_SET_CONTRAST)) {
		err = sxh485_set(cam, SXH485_CMD_CONTRAST, s->contrast);
		ret = ret ? : err;
	}
	if (changed & BIT(SERCAM_SET_ILLUMINATOR)) {
		err = sxh485_set(cam, SXH485_CMD_IR, s->illuminator ?
				 SXH485_IR_ON : SXH485_IR_OFF);
		if (!err)
			sc->ir = s->illuminator;
		ret = ret ? : err;
	}
	return ret;
}

static void sxh485_idle(struct sercam_cam *cam)
{
	struct sxh485_cam *sc = cam->fpriv;

	/* the light is the one thing that draws power while nobody looks */
	if (sc && sc->ir && !sxh485_set(cam, SXH485_CMD_IR, SXH485_IR_OFF))
		sc->ir = 0;
}

/* --- capture ------------------------------------------------------------- */

/* Track packet failures and pick the packet size for the next frame. */
static void sxh485_account(struct sercam_cam *cam, u32 bytes, bool failed)
{
	struct sxh485_cam *sc = cam->fpriv;
	u32 overhead, max;

	sc->win_bytes += bytes;
	sc->win_fail += failed;
	if (sc->win_bytes > SXH485_WINDOW_BYTES) {
		sc->win_bytes /= 2;
		sc->win_fail /= 2;
	}
	overhead = 2 * SXH485_OVERHEAD + 2 + SXH485_PKT_SEND_HEAD_LEN +
		   cam->bus->baud / 10 * SXH485_TURNAROUND_MS / MSEC_PER_SEC;
	max = clamp_t(u32, rounddown(max_packet, SXH485_PKT_SIZE_STEP),
		      SXH485_PKT_SIZE_MIN, SXH485_PKT_SIZE_MAX);
	sc->pkt_target = sxh485_best_pkt_size(sc->win_bytes, sc->win_fail,
					      overhead, max);
}

/* 0x30: capture; returns the image size and the packet count. */
static int sxh485_snap(struct sercam_cam *cam, struct sercam_frame *f,
		       u32 *size, u32 *count)
{
	struct sxh485_reply r = {
		.exp = { .match = { SXH485_STATUS_OK }, .match_len = 1,
			 .head_len = SXH485_PKT_SNAP_REPLY_LEN },
	};
	int ret;

	f->timestamp = ktime_get_ns();
	ret = sxh485_cmd(cam, SXH485_CMD_PKT_SNAP, NULL, 0, &r,
			 sxh485_capture_ms(cam));
	if (ret)
		return ret;
	if (r.len != SXH485_PKT_SNAP_REPLY_LEN) {
		cam->stats.proto_errors++;
		return -EPROTO;
	}
	*size = get_unaligned_le32(r.head + 1);
	*count = get_unaligned_le16(r.head + 5);
	return 0;
}

/* 0x31: one packet, asked for again while it arrives broken. */
static int sxh485_packet(struct sercam_cam *cam, u32 pkt, u8 *dst, u32 len)
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
			cam->stats.retries++;
		ret = sxh485_xfer(cam, SXH485_CMD_PKT_SEND, par, sizeof(par),
				  &r, SXH485_CMD_MS, reply, false);
		if (!ret && r.len != SXH485_PKT_SEND_HEAD_LEN + len) {
			/* a short packet: not the size the camera promised */
			cam->stats.len_errors++;
			ret = -EMSGSIZE;
		}
		sxh485_account(cam, reply, ret && ret != -ECANCELED);
		/*
		 * An error status or another packet: the camera has moved on
		 * and will not send this one again; the frame starts over.
		 */
		if (!ret || ret == -ECANCELED || ret == -EPROTO)
			break;
	}
	return ret;
}

static int sxh485_capture_packets(struct sercam_cam *cam,
				  struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->fpriv;
	u32 size, count, i, retries = cam->stats.retries;
	int ret;

	ret = sxh485_configure(cam, true);
	if (ret)
		return ret;
	ret = sxh485_snap(cam, f, &size, &count);
	if (ret)
		return ret;
	if (size < 4 || size > f->size) {
		dev_dbg_ratelimited(cam->bus->dev,
				    "camera %u: image of %u bytes, buffer %u\n",
				    cam->addr, size, f->size);
		cam->stats.len_errors++;
		return -EMSGSIZE;
	}
	if (count != sxh485_pkt_count(size, sc->pkt_size)) {
		/* the camera uses another packet size: it was reset */
		cam->stats.proto_errors++;
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
	if (cam->stats.retries == retries)
		sc->clean_frames++;
	else
		sc->clean_frames = 0;
	return 0;
}

/* 0x02 or 0x12: the whole JPEG in one reply. */
static int sxh485_capture_whole(struct sercam_cam *cam, struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->fpriv;
	struct sxh485_reply r = {
		.exp = { .data = f->buf, .data_len = f->size },
		.dup_pkt = -1,
	};
	u8 cmd = sc->gray ? SXH485_CMD_SNAP_SEND_GRAY : SXH485_CMD_SNAP_SEND;
	u8 par[2] = { sc->want_res, sc->want_comp };
	int ret;

	f->timestamp = ktime_get_ns();
	ret = sxh485_xfer(cam, cmd, par, sizeof(par), &r,
			  sxh485_capture_ms(cam), f->size + SXH485_OVERHEAD + 1,
			  false);
	if (ret)
		return ret;
	if (r.len < 4) {
		/* length 0: the camera refused the parameters */
		cam->stats.proto_errors++;
		return -EPROTO;
	}
	sc->compression = sc->want_comp;
	f->len = r.len;
	return 0;
}

static bool sxh485_use_whole(struct sxh485_cam *sc)
{
	if (sc->gray || !strcmp(transfer, "whole"))
		return true;
	if (!strcmp(transfer, "packet"))
		return false;
	/* one bad byte loses a whole image: only on a link known clean */
	if (sc->win_fail)
		return false;
	return !sc->whole_failed || sc->clean_frames >= SXH485_WHOLE_AFTER;
}

static int sxh485_capture(struct sercam_cam *cam, struct sercam_frame *f)
{
	struct sxh485_cam *sc = cam->fpriv;
	int i, ret = -EIO;
	bool whole;

	for (i = 0; i < SXH485_FRAME_TRIES; i++) {
		if (i)
			cam->stats.retries++;
		whole = sxh485_use_whole(sc);
		if (whole)
			cam->stats.pkt_size = 0;
		ret = whole ? sxh485_capture_whole(cam, f) :
			      sxh485_capture_packets(cam, f);
		if (!ret) {
			f->len = sxh485_jpeg_end(f->buf, f->len);
			if (f->len) {
				if (whole && !sc->gray)
					sc->whole_failed = false;
				return 0;
			}
			/* CRCs right, yet no JPEG: never deliver it as one */
			cam->stats.proto_errors++;
			ret = -EILSEQ;
		}
		if (ret == -ECANCELED)
			return ret;
		if (whole && !sc->gray) {
			/* fall back to packet mode until the link is clean */
			sc->whole_failed = true;
			sc->clean_frames = 0;
		}
		if (ret == -ETIMEDOUT) {
			/* silence: the camera is gone, or at another rate */
			sxh485_forget(sc);
			ret = sercam_bus_resync(cam->bus, cam);
			if (ret)
				return ret;
		}
	}
	sxh485_forget(sc);
	return ret;
}

const struct sercam_family sercam_sxh485_family = {
	.name = "SXH485",
	.compatible_modes = sxh485_modes,
	.num_modes = ARRAY_SIZE(sxh485_modes),
	.ctrls = sxh485_ctrls,
	.num_ctrls = ARRAY_SIZE(sxh485_ctrls),
	.rates = sxh485_rates,
	.addr_prop = "sxh,address",
	.modes_prop = "sxh,resolutions",
	.addr_min = 1,
	.addr_max = 254,
	.addr_default = SXH485_ADDR_DEFAULT,
	.fill_mode = sxh485_fill_mode,
	.bus_init = sxh485_bus_init,
	.rx_start = sxh485_rx_start,
	.receive = sxh485_receive,
	.hello = sxh485_hello,
	.set_rate = sxh485_set_rate,
	.cam_init = sxh485_cam_init,
	.apply = sxh485_apply,
	.capture = sxh485_capture,
	.idle = sxh485_idle,
};
