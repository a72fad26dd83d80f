// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - OpenMV cameras on stock firmware (5.0.0 and later), through the
 * OpenMV Protocol
 *
 * A pull family (shared/protocols/openmv-protocol.md): packets with a
 * CRC-16 header and a CRC-32 payload, one sequence counter the camera
 * keeps, stop-and-wait ACKs. The camera's script captures; the firmware
 * publishes its latest frame in the "stream" channel's one-slot mailbox,
 * with a NOTIFY event. Per frame the host LOCKs the slot, asks its SIZE,
 * READs it (fragments of up to the negotiated payload, each its own packet
 * with its own CRC, written straight into the vb2 buffer and acknowledged
 * one by one) and UNLOCKs it. A packet lost or broken on the wire comes
 * again by itself after 500 ms (the camera's retransmission); a duplicate
 * is acknowledged again and dropped; anything else (a sequence out of
 * step, a camera that rebooted or reset its protocol) ends in PROTO_SYNC
 * and a new session. A frame any of whose fragments did not come whole is
 * never delivered as good.
 *
 * JPEG frames are the size the camera's script chose: each frame's header
 * gives it, and G_FMT follows (V4L2_EVENT_SOURCE_CHANGE). So does the
 * frame rate (G_PARM). Raw RGB565 and GRAY frames are the size the host
 * chose: the firmware sends raw frames at the RAW_CFG size while raw
 * streaming is on, unless one does not fit, which it JPEG-encodes. Their
 * pixel format is the one the camera's script set the sensor to, which
 * the host cannot change. A frame in another format or size than
 * streaming asked for is never delivered as good.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/serdev.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/videodev2.h>

#include "sercam-compat.h"
#include "sercam-family.h"
#include "openmv-proto.h"

/* Time the camera may take to answer a request (its poll is 50 ms). */
#define OMV_REPLY_MS			300
/* Silence inside a packet that means bytes were lost. */
#define OMV_GAP_MS			100
/* ... and after which a packet begun is given up (see omv_rx_fresh()). */
#define OMV_STALE_MS			400
/*
 * A packet that asks for an ACK comes again 500 ms after it went unACKed,
 * then 1000 and 2000 ms after that: the waits for it after a loss.
 */
#define OMV_RTX_WAITS			3
#define OMV_RTX_FIRST_MS		600
/* Duplicates acknowledged again while waiting for one packet. */
#define OMV_DUPS_MAX			4
/* PROTO_SYNCs tried when looking for the camera. */
#define OMV_SYNC_TRIES			3
/* LOCK answered BUSY: wait this long for NOTIFY before trying again. */
#define OMV_NOTIFY_MS			250
/* ... and with events off, this long. */
#define OMV_POLL_MS			20
/* The firmware grants a LOCK at most every 10 ms. */
#define OMV_LOCK_INTERVAL_US		12000
/* Failed steps of one frame (LOCK, SIZE, READ) before it fails. */
#define OMV_FRAME_TRIES			3
/* The largest frame taken unless the devicetree says otherwise. */
#define OMV_MAX_FRAME_DEFAULT		SZ_512K
#define OMV_MAX_FRAME_LIMIT		SZ_16M
/* The camera's frame period until it tells its own. */
#define OMV_INTERVAL_US_DEFAULT		33333

/* The family's own counters, in &sercam_camera.fstats. */
enum {
	OMV_STAT_BUSY,
	OMV_STAT_EVENTS,
	OMV_STAT_DUPS,
	OMV_STAT_NAKS,
	OMV_STAT_REBOOTS,
	OMV_STAT_CUT,
	OMV_STAT_FPS_MILLI,
	OMV_STAT_FIRMWARE,
	OMV_STAT_WRONG,
};

static const char *const omv_stat_names[] = {
	[OMV_STAT_BUSY] = "busy",
	[OMV_STAT_EVENTS] = "events",
	[OMV_STAT_DUPS] = "duplicates",
	[OMV_STAT_NAKS] = "naks",
	[OMV_STAT_REBOOTS] = "reboots",
	[OMV_STAT_CUT] = "cut_short",
	[OMV_STAT_FPS_MILLI] = "fps_milli",
	[OMV_STAT_FIRMWARE] = "firmware",
	[OMV_STAT_WRONG] = "wrong_format",
	NULL
};

SERCAM_FSTAT_NAMES_FIT(omv_stat_names);

/**
 * struct omv_cam - an OpenMV camera
 * @rx: the parser of the bytes from the camera, whether an exchange
 *	awaits them or not (a packet may straddle the two)
 * @last_rx: when bytes last came, to drop a packet begun long before
 * @expect: the sequence number the exchange under way waits for
 * @dst: where its packet's payload goes (NULL: @rx's own)
 * @room: bytes at @dst
 * @got: the header of the packet the exchange ended with
 * @reack: the header of a duplicate to acknowledge again
 * @notify: NOTIFY events of the stream channel seen
 * @reboot: the camera said it rebooted (SOFT_REBOOT): a new session
 * @seq: the next request's sequence number
 * @ack: an ACK owed, sent before the next request
 * @ack_len: its length (0: none owed)
 * @tx: a request being built
 * @max_payload: the payload the session allows
 * @dev_max: the board's largest payload
 * @caps: the caps in force
 * @stream_ch: the "stream" channel's number
 * @session: a session is up (PROTO_SYNC, caps, channel found)
 * @streaming: STREAM_CTRL=1 was sent in this session
 * @listening: the listener is set (while streaming)
 * @locked: a LOCK was granted and its frame not yet UNLOCKed (a capture
 *	stopped half-way leaves the camera waiting for an ACK)
 * @last_lock: when the last LOCK was granted
 * @max_frame: the largest frame taken (header included)
 * @version: PROTO_VERSION's reply, @have_version when read
 * @have_version: @version holds the camera's
 * @sys_info: SYS_INFO's reply
 * @sys_info_len: its length, 0 until read
 *
 * Everything but @notify and @reboot is under the link's claim, but for
 * @rx, @last_rx, @expect, @dst, @room, @got and @reack, which the receive
 * path uses under the link's receive lock (the owner writes the last five
 * before it starts an exchange).
 */
struct omv_cam {
	struct omv_rx rx;
	ktime_t last_rx;
	u8 expect;
	u8 *dst;
	u32 room;
	struct omv_hdr got;
	struct omv_hdr reack;
	atomic_t notify;
	bool reboot;
	u8 seq;
	u8 ack[OMV_HDR_LEN];
	u8 ack_len;
	u8 tx[OMV_HDR_LEN * 2 + OMV_CAPS_LEN + OMV_DCRC_LEN];
	u16 max_payload;
	u16 dev_max;
	u32 caps;
	u8 stream_ch;
	bool session;
	bool streaming;
	bool listening;
	bool locked;
	ktime_t last_lock;
	u32 max_frame;
	u8 version[OMV_VERSION_LEN];
	bool have_version;
	u8 sys_info[OMV_SYS_INFO_LEN];
	u32 sys_info_len;
};

/*
 * JPEG first: the size the camera's script chooses (any_size), nominally
 * 320x240. Then raw RGB565 and GRAY (a script in sensor.GRAYSCALE) at
 * sizes the host asks for with RAW_CFG, none under OMV_PAYLOAD_MAX bytes
 * (a first fragment fits its buffer whole): so GRAY has no 80x60. RGB565
 * 80x60 comes in 0.42 s at 230400 baud, within the 2 s applications
 * commonly wait for a frame. The firmware's RGB565 byte order is
 * UNCONFIRMED; the emulator sends it little-endian, V4L2_PIX_FMT_RGB565's
 * order.
 */
static const struct sercam_mode omv_modes[] = {
	{ .fourcc = V4L2_PIX_FMT_JPEG, .width = 320, .height = 240 },
	{ .fourcc = V4L2_PIX_FMT_RGB565, .width = 80, .height = 60 },
	{ .fourcc = V4L2_PIX_FMT_RGB565, .width = 160, .height = 120 },
	{ .fourcc = V4L2_PIX_FMT_RGB565, .width = 320, .height = 240 },
	{ .fourcc = V4L2_PIX_FMT_GREY, .width = 160, .height = 120 },
	{ .fourcc = V4L2_PIX_FMT_GREY, .width = 320, .height = 240 },
};

/* The camera's pixel format for a mode's frames (OMV_PIXFMT_*). */
static u32 omv_pixfmt(const struct sercam_mode *m)
{
	switch (m->fourcc) {
	case V4L2_PIX_FMT_RGB565:
		return OMV_PIXFMT_RGB565;
	case V4L2_PIX_FMT_GREY:
		return OMV_PIXFMT_GRAY;
	default:
		return OMV_PIXFMT_JPEG;
	}
}

/* A raw pixel format's name, NULL for another */
static const char *omv_raw_name(u32 pixfmt)
{
	switch (pixfmt) {
	case OMV_PIXFMT_RGB565:
		return "RGB565";
	case OMV_PIXFMT_GRAY:
		return "GRAY";
	default:
		return NULL;
	}
}

/* The frames are raw at the mode's size, not JPEG. */
static bool omv_raw(const struct sercam_mode *m)
{
	return omv_pixfmt(m) != OMV_PIXFMT_JPEG;
}

static bool omv_give_up(int ret)
{
	return ret == -ECANCELED || ret == -EINTR;
}

/* --- packets in -------------------------------------------------------- */

/* An event: a new frame in the stream slot, or the camera rebooted. */
static void omv_event(struct sercam_camera *cam, const struct omv_rx *rx)
{
	struct omv_cam *oc = cam->priv;
	const u8 *p = omv_rx_payload(rx);

	sercam_fstat_add(cam, OMV_STAT_EVENTS, 1);
	if (rx->hdr.op == OMV_CH_EVENT && rx->hdr.chan == oc->stream_ch &&
	    !rx->hdr.len) {
		atomic_inc(&oc->notify);
		wake_up(&cam->link->wq);
	} else if (rx->hdr.op == OMV_SYS_EVENT && rx->hdr.len == 2 && p &&
		   get_unaligned_le16(p) == OMV_EV_SOFT_REBOOT) {
		WRITE_ONCE(oc->reboot, true);
		sercam_fstat_add(cam, OMV_STAT_REBOOTS, 1);
		wake_up(&cam->link->wq);
	}
}

/* Headers the parser dropped for their CRC count as CRC errors. */
static void omv_count_hcrc(struct sercam_camera *cam, struct omv_rx *rx)
{
	if (rx->bad_hcrc) {
		sercam_stat_add(cam, SERCAM_STAT_CRC_ERRORS, rx->bad_hcrc);
		rx->bad_hcrc = 0;
	}
}

/*
 * Bytes came. A packet begun before a long silence will not end: its
 * bytes were lost, and the camera sends it whole again (after 500 ms).
 * Longer than a host's receive path stalls inside a packet, as a rule.
 */
static void omv_rx_fresh(struct sercam_camera *cam)
{
	struct omv_cam *oc = cam->priv;
	ktime_t now = ktime_get();

	if (ktime_ms_delta(now, oc->last_rx) > OMV_STALE_MS) {
		if (omv_rx_midway(&oc->rx))
			sercam_fstat_add(cam, OMV_STAT_CUT, 1);
		omv_rx_reset(&oc->rx, OMV_PAYLOAD_MAX);
	}
	oc->last_rx = now;
}

/* Bytes no exchange waits for: only events may come unasked. */
static void omv_listen_bytes(struct sercam_camera *cam, const u8 *buf,
			     size_t len)
{
	struct omv_cam *oc = cam->priv;
	size_t used;

	while (len) {
		enum omv_rx_event ev = omv_rx_feed(&oc->rx, buf, len, &used);

		buf += used;
		len -= used;
		if (ev == OMV_RX_PACKET && oc->rx.hdr.flags & OMV_F_EVENT)
			omv_event(cam, &oc->rx);
		else if (ev == OMV_RX_PACKET)
			/*
			 * A packet taken already, come again: dropped. Had
			 * our ACK been lost, the camera sends it once more
			 * and an exchange acknowledges it then.
			 */
			sercam_fstat_add(cam, OMV_STAT_DUPS, 1);
		else if (ev == OMV_RX_BAD_DCRC)
			sercam_stat_inc(cam, SERCAM_STAT_CRC_ERRORS);
	}
	omv_count_hcrc(cam, &oc->rx);
}

static void omv_listen(void *ctx, const u8 *buf, size_t len, ktime_t t)
{
	struct sercam_camera *cam = ctx;

	if (!len)
		return;	/* the line went silent: nothing to do */
	omv_rx_fresh(cam);
	omv_listen_bytes(cam, buf, len);
}

/*
 * A whole packet with good CRCs while an exchange waits: 0 when it is the
 * one awaited, -EINPROGRESS to wait on, -EALREADY for a duplicate to
 * acknowledge again, -EPROTO when the camera is out of step.
 */
static int omv_packet(struct sercam_camera *cam)
{
	struct omv_cam *oc = cam->priv;
	const struct omv_hdr *h = &oc->rx.hdr;

	if (h->flags & OMV_F_EVENT) {
		omv_event(cam, &oc->rx);
		/* a camera that rebooted sends nothing more of this */
		return READ_ONCE(oc->reboot) ? -ECONNRESET : -EINPROGRESS;
	}
	if (h->seq != oc->expect) {
		/*
		 * The packet just taken, twice on the wire: dropped. (A NAK
		 * SEQUENCE of a camera that reset is another packet.)
		 */
		if (h->seq == oc->got.seq && h->op == oc->got.op &&
		    h->flags == oc->got.flags) {
			sercam_fstat_add(cam, OMV_STAT_DUPS, 1);
			return -EINPROGRESS;
		}
		if (!(h->flags & OMV_F_RTX))
			return -EPROTO;
		sercam_fstat_add(cam, OMV_STAT_DUPS, 1);
		if (!(h->flags & OMV_F_ACK_REQ))
			return -EINPROGRESS;
		oc->reack = *h;
		return -EALREADY;
	}
	oc->got = *h;
	if (h->flags & OMV_F_NAK)
		return h->len == 2 && omv_rx_payload(&oc->rx) ? 0 : -EPROTO;
	return oc->rx.dropped ? -EMSGSIZE : 0;
}

/* The link's receive callback of an exchange. */
static void omv_rx(struct sercam_xfer *x, const u8 *buf, size_t len)
{
	struct sercam_camera *cam = x->ctx;
	struct omv_cam *oc = cam->priv;
	const struct omv_hdr *h = &oc->rx.hdr;
	bool reack = false;
	size_t used;
	int ret;

	omv_rx_fresh(cam);
	while (len) {
		enum omv_rx_event ev = omv_rx_feed(&oc->rx, buf, len, &used);

		buf += used;
		len -= used;
		switch (ev) {
		case OMV_RX_MORE:
			break;
		case OMV_RX_HEADER:
			if (!(h->flags & OMV_F_EVENT) && h->seq == oc->expect)
				reack = false;	/* the camera moved on */
			/* the awaited data goes where the caller said */
			if (!(h->flags & (OMV_F_EVENT | OMV_F_NAK)) &&
			    h->seq == oc->expect && oc->dst)
				omv_rx_set_dst(&oc->rx, oc->dst, oc->room);
			sercam_xfer_extend(x, h->len + OMV_DCRC_LEN);
			break;
		case OMV_RX_BAD_DCRC:
			/* not acknowledged: the camera sends it again */
			sercam_stat_inc(cam, SERCAM_STAT_CRC_ERRORS);
			break;
		case OMV_RX_PACKET:
			ret = omv_packet(cam);
			if (ret == -EINPROGRESS)
				break;
			if (ret == -EALREADY) {
				/*
				 * A resend of a packet our late ACK took
				 * already: the awaited packet may come right
				 * behind it, in these bytes. Were its header
				 * left to the listener, its payload would go
				 * nowhere; and once it comes, no ACK is owed
				 * again. So the rest is read on first.
				 */
				reack = true;
				break;
			}
			sercam_xfer_end(x, ret);
			omv_count_hcrc(cam, &oc->rx);
			/* what follows can only be events */
			omv_listen_bytes(cam, buf, len);
			return;
		}
	}
	if (reack)
		sercam_xfer_end(x, -EALREADY);
	omv_count_hcrc(cam, &oc->rx);
}

/* --- exchanges ----------------------------------------------------------- */

/* Owe an ACK for the packet @h (sent before the next request). */
static void omv_owe_ack(struct omv_cam *oc, const struct omv_hdr *h)
{
	struct omv_hdr a = { .seq = h->seq, .chan = h->chan,
			     .flags = OMV_F_ACK, .op = h->op };

	oc->ack_len = omv_encode(oc->ack, &a, NULL);
}

/* Send the ACK owed, if any. The link is claimed. */
static int omv_pay_ack(struct sercam_camera *cam,
		       const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	int ret;

	if (!oc->ack_len)
		return 0;
	ret = sercam_link_send_claimed(cam->link, oc->ack, oc->ack_len, stop);
	oc->ack_len = 0;
	return ret;
}

/*
 * Send @tx (@tx_len 0: send nothing) and wait for the packet with sequence
 * @oc->expect, its payload to @oc->dst. The link is claimed.
 */
static int omv_xfer(struct sercam_camera *cam, const u8 *tx, size_t tx_len,
		    unsigned int first_ms, const struct sercam_stop *stop)
{
	struct sercam_link *link = cam->link;
	struct sercam_xfer x = {
		.tx = tx, .tx_len = tx_len,
		.rx = omv_rx, .ctx = cam,
		.stop = stop, .framed = true,
		.first_ms = first_ms + sercam_link_wire_ms(link, tx_len),
		.gap_ms = OMV_GAP_MS + sercam_link_wire_ms(link, 16),
		.total_ms = first_ms + OMV_GAP_MS +
			    2 * sercam_link_wire_ms(link, tx_len + OMV_HDR_LEN),
	};

	return sercam_link_xfer_claimed(link, &x);
}

/*
 * Send @tx and wait for the packet awaited; when it is lost, wait for the
 * camera to send it again (@rtx: it asks for an ACK, so it will), and
 * acknowledge again the duplicates that say an ACK of ours was lost.
 */
static int omv_wait(struct sercam_camera *cam, const u8 *tx, size_t tx_len,
		    bool rtx, const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	unsigned int waits = 0, dups = 0, ms = OMV_REPLY_MS;
	u8 again[OMV_HDR_LEN];
	int ret;

	for (;;) {
		ret = omv_xfer(cam, tx, tx_len, ms, stop);
		if (ret == -EALREADY && ++dups <= OMV_DUPS_MAX) {
			struct omv_hdr a = oc->reack;

			a.flags = OMV_F_ACK;
			a.len = 0;
			tx_len = omv_encode(again, &a, NULL);
			tx = again;
			ms = OMV_REPLY_MS;
			continue;
		}
		if (ret != -ETIMEDOUT || !rtx || ++waits > OMV_RTX_WAITS)
			break;
		sercam_stat_inc(cam, SERCAM_STAT_RETRIES);
		tx_len = 0;
		ms = OMV_RTX_FIRST_MS << (waits - 1);
	}
	if (ret == -ETIMEDOUT) {
		sercam_stat_inc(cam, SERCAM_STAT_TIMEOUTS);
	} else if (ret == -EMSGSIZE) {
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		dev_warn_ratelimited(cam->dev,
				     "a packet (op %#04x) with %u bytes of payload had no room: dropped\n",
				     oc->rx.hdr.op, oc->rx.hdr.len);
	} else if (ret && !omv_give_up(ret)) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
	}
	return ret;
}

/* Did the packet that ended the exchange ask for an ACK? Owe it. */
static void omv_took(struct omv_cam *oc)
{
	oc->seq = oc->got.seq + 1;
	if (oc->got.flags & OMV_F_ACK_REQ)
		omv_owe_ack(oc, &oc->got);
}

/*
 * Build in @oc->tx the ACK owed, then request @h with its @args (none
 * when @h is NULL: the ACK alone asks for the next fragment); what is
 * awaited is the packet next in sequence. Return: the bytes to send.
 */
static size_t omv_build(struct omv_cam *oc, struct omv_hdr *h,
			const void *args)
{
	size_t n = oc->ack_len;

	memcpy(oc->tx, oc->ack, n);
	oc->ack_len = 0;
	if (h) {
		h->seq = oc->seq;
		n += omv_encode(oc->tx + n, h, args);
	}
	oc->expect = oc->seq;
	return n;
}

/* A NAK's status as an errno: BUSY is "no frame", the rest errors. */
static int omv_nak(struct sercam_camera *cam, u8 op)
{
	struct omv_cam *oc = cam->priv;
	u16 st = get_unaligned_le16(omv_rx_payload(&oc->rx));

	if (st == OMV_ST_BUSY) {
		sercam_fstat_add(cam, OMV_STAT_BUSY, 1);
		return -EBUSY;
	}
	sercam_fstat_add(cam, OMV_STAT_NAKS, 1);
	sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
	dev_dbg(cam->dev, "NAK %u (%s) to opcode %#04x\n", st,
		omv_status_name(st), op);
	return st == OMV_ST_SEQUENCE ? -EPROTO : -EIO;
}

/*
 * Request @op on channel @chan with @len bytes of @args; the reply's
 * payload goes to @dst (NULL: the parser's own, omv_rx_payload()), at most
 * @room bytes. The ACK owed for an earlier reply goes first, the one for
 * this reply is owed. Return: the reply's payload length, -EBUSY for NAK
 * BUSY, another negative errno. The link is claimed.
 */
static int omv_request(struct sercam_camera *cam, u8 op, u8 chan,
		       const void *args, u16 len, u8 *dst, u32 room,
		       const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	struct omv_hdr h = { .chan = chan, .op = op, .len = len };
	/* replies with data ask for an ACK, and come again when lost */
	bool data = op != OMV_SET_CAPS && op != OMV_CH_LOCK &&
		    op != OMV_CH_UNLOCK && op != OMV_CH_IOCTL;
	size_t n = omv_build(oc, &h, args);
	int ret;

	oc->dst = dst;
	oc->room = room;
	ret = omv_wait(cam, oc->tx, n, data, stop);
	if (ret)
		return ret;
	if (oc->got.op != op) {
		sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
		return -EPROTO;
	}
	omv_took(oc);
	if (oc->got.flags & OMV_F_NAK)
		return omv_nak(cam, op);
	return oc->got.len;
}

/* --- the session ----------------------------------------------------------- */

/* PROTO_SYNC: the camera's counter to 0, its caps to their defaults. */
static int omv_sync(struct sercam_camera *cam, const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	struct omv_hdr h = { .op = OMV_PROTO_SYNC };
	u8 tx[OMV_HDR_LEN];
	int i, ret = -ETIMEDOUT;

	oc->session = false;
	oc->streaming = false;
	oc->ack_len = 0;
	oc->max_payload = OMV_PAYLOAD_MAX;
	omv_encode(tx, &h, NULL);
	for (i = 0; i < OMV_SYNC_TRIES; i++) {
		oc->expect = 0;
		oc->dst = NULL;
		ret = omv_xfer(cam, tx, sizeof(tx), OMV_REPLY_MS, stop);
		if (omv_give_up(ret))
			return ret;
		if (!ret && oc->got.op == OMV_PROTO_SYNC &&
		    oc->got.flags & OMV_F_ACK) {
			/* the reply is seq 0, and so is the next request */
			oc->seq = 0;
			WRITE_ONCE(oc->reboot, false);
			return 0;
		}
		ret = ret ? : -EPROTO;
	}
	return ret;
}

static int omv_hello(struct sercam_camera *cam, const struct sercam_stop *stop)
{
	return omv_sync(cam, stop);
}

/* The caps the host wants: all on, the largest payload both allow. */
static int omv_set_caps(struct sercam_camera *cam,
			const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	u8 caps[OMV_CAPS_LEN] = {};
	u32 max;
	int ret;

	ret = omv_request(cam, OMV_GET_CAPS, 0, NULL, 0, NULL, 0, stop);
	if (ret < 0)
		return ret;
	if (ret != OMV_CAPS_LEN) {
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		return -EPROTO;
	}
	oc->caps = get_unaligned_le32(omv_rx_payload(&oc->rx));
	oc->dev_max = get_unaligned_le16(omv_rx_payload(&oc->rx) + 4);
	if (oc->dev_max < OMV_PAYLOAD_MIN) {
		dev_err(cam->dev, "the camera's max payload %u is under %u\n",
			oc->dev_max, OMV_PAYLOAD_MIN);
		return -EPROTO;
	}
	/* the first fragment must fit a buffer whole (omv_read()) */
	max = min_t(u32, min_t(u32, oc->dev_max, OMV_PAYLOAD_MAX),
		    oc->max_frame);
	put_unaligned_le32(OMV_CAP_CRC | OMV_CAP_SEQ | OMV_CAP_ACK |
			   OMV_CAP_EVENTS, caps);
	put_unaligned_le16(max, caps + 4);
	ret = omv_request(cam, OMV_SET_CAPS, 0, caps, sizeof(caps), NULL, 0,
			  stop);
	if (omv_give_up(ret) || ret == -ETIMEDOUT)
		return ret;
	if (ret < 0) {
		/* kept the defaults: the board's payload, its own events */
		dev_warn(cam->dev, "the camera refused SET_CAPS (%d)\n", ret);
		if (oc->dev_max > max)
			return -EPROTO;	/* a fragment would not fit */
		max = oc->dev_max;
	} else {
		oc->caps = OMV_CAP_CRC | OMV_CAP_SEQ | OMV_CAP_ACK |
			   OMV_CAP_EVENTS;
	}
	oc->max_payload = max;
	atomic64_set(&cam->stats[SERCAM_STAT_PKT_SIZE], oc->max_payload);
	return 0;
}

/* Find the "stream" channel by name; read the versions once. */
static int omv_channels(struct sercam_camera *cam,
			const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	const u8 *p;
	u8 flags;
	int ret;

	ret = omv_request(cam, OMV_CH_LIST, 0, NULL, 0, NULL, 0, stop);
	if (ret < 0)
		return ret;
	ret = omv_find_channel(omv_rx_payload(&oc->rx), ret, "stream",
			       &oc->stream_ch, &flags);
	if (ret) {
		dev_err(cam->dev,
			"the camera has no \"stream\" channel (%d): firmware 5.0.0 or later is needed\n",
			ret);
		return ret == -ENOENT ? -ENODEV : ret;
	}
	if (oc->have_version)
		return 0;
	ret = omv_request(cam, OMV_PROTO_VERSION, 0, NULL, 0, NULL, 0, stop);
	if (ret == OMV_VERSION_LEN) {
		p = omv_rx_payload(&oc->rx);
		memcpy(oc->version, p, OMV_VERSION_LEN);
		oc->have_version = true;
		atomic64_set(&cam->fstats[OMV_STAT_FIRMWARE],
			     p[6] * 10000 + p[7] * 100 + p[8]);
		dev_info(cam->dev,
			 "OpenMV firmware %u.%u.%u, protocol %u.%u.%u\n",
			 p[6], p[7], p[8], p[0], p[1], p[2]);
	}
	if (ret < 0 && !omv_give_up(ret) && ret != -ETIMEDOUT)
		ret = 0;	/* for information only */
	if (ret < 0)
		return ret;
	ret = omv_request(cam, OMV_SYS_INFO, 0, NULL, 0, NULL, 0, stop);
	if (ret > 0) {
		oc->sys_info_len = min_t(u32, ret, OMV_SYS_INFO_LEN);
		memcpy(oc->sys_info, omv_rx_payload(&oc->rx),
		       oc->sys_info_len);
	}
	return ret < 0 && (omv_give_up(ret) || ret == -ETIMEDOUT) ? ret : 0;
}

/* A new session: SYNC, caps, the channel. The link is claimed. */
static int omv_session(struct sercam_camera *cam,
		       const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	int ret;

	ret = omv_sync(cam, stop);
	if (!ret)
		ret = omv_set_caps(cam, stop);
	if (!ret)
		ret = omv_channels(cam, stop);
	if (!ret)
		ret = omv_pay_ack(cam, stop);
	oc->session = !ret;
	return ret;
}

static int omv_cam_init(struct sercam_camera *cam)
{
	int ret;

	ret = sercam_link_claim(cam->link, &cam->gone);
	if (ret)
		return ret;
	ret = omv_session(cam, &cam->gone);
	sercam_link_release(cam->link);
	return ret;
}

/* An IOCTL of the stream channel with @n (1 or 2) u32 arguments. */
static int omv_stream_ioctl_args(struct sercam_camera *cam, u32 req,
				 const u32 *arg, unsigned int n,
				 const struct sercam_stop *stop)
{
	struct omv_cam *oc = cam->priv;
	u8 args[12];
	unsigned int i;

	put_unaligned_le32(req, args);
	for (i = 0; i < n && i < 2; i++)
		put_unaligned_le32(arg[i], args + 4 + 4 * i);
	return omv_request(cam, OMV_CH_IOCTL, oc->stream_ch, args, 4 + 4 * i,
			   NULL, 0, stop);
}

/* An IOCTL of the stream channel with a u32 argument. */
static int omv_stream_ioctl(struct sercam_camera *cam, u32 req, u32 arg,
			    const struct sercam_stop *stop)
{
	return omv_stream_ioctl_args(cam, req, &arg, 1, stop);
}

/*
 * Stream on, in JPEG (raw streaming off) or raw at the mode's size (its
 * size first, so that raw is never on at another). STREAM_CTRL last: it
 * empties the slot of a frame published before. The link is claimed.
 */
static int omv_stream_on(struct sercam_camera *cam)
{
	struct omv_cam *oc = cam->priv;
	const struct sercam_mode *m = cam->mode;
	u32 size[2] = { m->width, m->height };
	int ret = 0;

	if (omv_raw(m))
		ret = omv_stream_ioctl_args(cam, OMV_STREAM_RAW_CFG, size,
					    ARRAY_SIZE(size), &cam->stop);
	if (!ret)
		ret = omv_stream_ioctl(cam, OMV_STREAM_RAW_CTRL, omv_raw(m),
				       &cam->stop);
	if (!ret)
		ret = omv_stream_ioctl(cam, OMV_STREAM_CTRL, 1, &cam->stop);
	oc->streaming = !ret;
	return ret;
}

/* --- frames ---------------------------------------------------------------- */

/*
 * READ @total bytes of the slot into @f: the first fragment holds the
 * frame's header, whose image part is moved to the buffer's start; the
 * others land where they belong. The link is claimed.
 */
static int omv_read(struct sercam_camera *cam, struct sercam_frame *f,
		    u32 total, struct omv_frame *fr)
{
	struct omv_cam *oc = cam->priv;
	struct omv_hdr h = { .chan = oc->stream_ch, .op = OMV_CH_READ,
			     .len = 8 };
	u32 at = 0, base = 0;	/* bytes read; where the image starts */
	u8 args[8];
	size_t n;
	int ret;

	put_unaligned_le32(0, args);
	put_unaligned_le32(total, args + 4);
	n = omv_build(oc, &h, args);
	for (;;) {
		oc->dst = f->buf + at - base;
		oc->room = f->size - (at - base);
		ret = omv_wait(cam, oc->tx, n, true, &cam->stop);
		if (ret)
			return ret;
		if (oc->got.op != OMV_CH_READ || oc->got.flags & OMV_F_NAK) {
			omv_took(oc);
			sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
			return oc->got.flags & OMV_F_NAK ?
			       omv_nak(cam, OMV_CH_READ) : -EPROTO;
		}
		omv_took(oc);
		if (!at) {
			ret = omv_frame_parse(f->buf, oc->got.len, fr);
			if (ret || fr->offset > total ||
			    fr->size > total - fr->offset) {
				sercam_stat_inc(cam, SERCAM_STAT_PROTO_ERRORS);
				return -EPROTO;
			}
			base = fr->offset;
			memmove(f->buf, f->buf + base, oc->got.len - base);
		}
		at += oc->got.len;
		if (at > total) {
			sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
			return -EPROTO;
		}
		if (!(oc->got.flags & OMV_F_FRAGMENT))
			break;
		/* the next fragment: the ACK of this one asks for it */
		n = omv_build(oc, NULL, NULL);
	}
	if (at != total) {
		sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
		return -EPROTO;
	}
	return 0;
}

/*
 * A frame not in the format or size streaming asked for: counted, and an
 * error buffer; the session goes on. @fr is zero when only its length was
 * known (a raw frame too long to be the one asked for).
 */
static int omv_wrong_frame(struct sercam_camera *cam,
			   const struct omv_frame *fr, u32 total)
{
	const struct sercam_mode *m = cam->mode;

	sercam_fstat_add(cam, OMV_STAT_WRONG, 1);
	if (omv_raw(m) && omv_raw_name(fr->pixfmt) &&
	    fr->pixfmt != omv_pixfmt(m))
		dev_warn_ratelimited(cam->dev,
				     "a raw %s frame, not the %s asked for: the camera's script sets the pixel format (sensor.set_pixformat(sensor.%s) gives %s)\n",
				     omv_raw_name(fr->pixfmt),
				     omv_raw_name(omv_pixfmt(m)),
				     omv_pixfmt(m) == OMV_PIXFMT_GRAY ?
				     "GRAYSCALE" : "RGB565",
				     omv_raw_name(omv_pixfmt(m)));
	else if (omv_raw(m))
		dev_warn_ratelimited(cam->dev,
				     "a frame of %u bytes, %ux%u in pixel format %#010x, is not the %ux%u %s asked for (too large for the camera to send raw?)\n",
				     total, fr->width, fr->height, fr->pixfmt,
				     m->width, m->height,
				     omv_raw_name(omv_pixfmt(m)));
	else
		dev_warn_ratelimited(cam->dev,
				     "a frame in pixel format %#010x: only JPEG is taken\n",
				     fr->pixfmt);
	return -EBADMSG;
}

/*
 * A frame whose SIZE rules it out (@limit: the most taken, 0 for a size
 * under the header's): counted and said, never read.
 */
static int omv_bad_size(struct sercam_camera *cam, u32 total, u32 limit)
{
	sercam_stat_inc(cam, SERCAM_STAT_LEN_ERRORS);
	if (!limit)
		dev_warn_ratelimited(cam->dev,
				     "a frame of %u bytes is shorter than its header\n",
				     total);
	else
		dev_warn_ratelimited(cam->dev,
				     "a frame of %u bytes is over the %u taken (openmv,max-frame-size)\n",
				     total, limit);
	return -EMSGSIZE;
}

/*
 * One frame from the slot, LOCKed already: SIZE, READ, UNLOCK. The link
 * is claimed.
 */
static int omv_fetch(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct omv_cam *oc = cam->priv;
	const struct sercam_mode *m = cam->mode;
	bool raw = omv_raw(m);
	struct omv_frame fr = {};
	u32 total = 0, want;
	int ret, unlock;

	ret = omv_request(cam, OMV_CH_SIZE, oc->stream_ch, NULL, 0, NULL, 0,
			  &cam->stop);
	if (ret == 4) {
		total = get_unaligned_le32(omv_rx_payload(&oc->rx));
		if (!total)
			ret = -EAGAIN;	/* nothing in the slot after all */
		else if (total < OMV_FRAME_HDR_MIN)
			ret = omv_bad_size(cam, total, 0);
		else if (!raw && total > oc->max_frame)
			ret = omv_bad_size(cam, total, oc->max_frame);
		else if (total > f->size + OMV_FRAME_HDR_MAX)
			/* raw: the buffer holds exactly the size asked for */
			ret = raw ? omv_wrong_frame(cam, &fr, total) :
				    omv_bad_size(cam, total, f->size);
		else
			ret = omv_read(cam, f, total, &fr);
	} else if (ret >= 0) {
		ret = -EPROTO;
	}
	if (omv_give_up(ret) || ret == -ETIMEDOUT || ret == -EPROTO)
		return ret;	/* a new session frees the slot */
	unlock = omv_request(cam, OMV_CH_UNLOCK, oc->stream_ch, NULL, 0,
			     NULL, 0, &cam->stop);
	if (ret)
		return ret;
	if (omv_give_up(unlock))
		return unlock;
	/*
	 * Every fragment came whole: the frame is good even when UNLOCK's
	 * reply did not come. The next frame starts a new session, which
	 * frees the slot.
	 */
	if (unlock)
		oc->session = false;
	want = omv_pixfmt(m);
	if (omv_frame_check(&fr, total - fr.offset, want, m->width,
			    m->height))
		return omv_wrong_frame(cam, &fr, total);
	if (raw) {
		f->len = total - fr.offset;
	} else {
		f->len = fr.size;
		f->width = fr.width;
		f->height = fr.height;
	}
	atomic64_set(&cam->fstats[OMV_STAT_FPS_MILLI], fr.fps_milli);
	WRITE_ONCE(cam->frame_us, fr.fps_milli ?
		   div_u64(1000ULL * USEC_PER_SEC, fr.fps_milli) : 0);
	return 0;
}

/* Something to act on: a NOTIFY since @seen, a reboot, stream-off. */
static bool omv_frame_news(struct sercam_camera *cam, int seen)
{
	struct omv_cam *oc = cam->priv;

	return atomic_read(&oc->notify) != seen || READ_ONCE(oc->reboot) ||
	       sercam_stopped(&cam->stop);
}

/*
 * Wait for a new frame in the slot: its NOTIFY (or, with events off, a
 * while), and at least the firmware's interval since the last LOCK.
 */
static int omv_wait_frame(struct sercam_camera *cam, int seen)
{
	struct omv_cam *oc = cam->priv;
	s64 since = ktime_us_delta(ktime_get(), oc->last_lock);
	unsigned int ms = oc->caps & OMV_CAP_EVENTS ? OMV_NOTIFY_MS :
						     OMV_POLL_MS;
	wait_queue_head_t *wq = &cam->link->wq;
	long left, t;

	if (since < OMV_LOCK_INTERVAL_US) {
		/* a 64-bit division: __aeabi_ldivmod on 32-bit ARM */
		ms = DIV_ROUND_UP_ULL(OMV_LOCK_INTERVAL_US - since,
				      USEC_PER_MSEC);
		return sercam_link_sleep(cam->link, ms, &cam->stop);
	}
	t = msecs_to_jiffies(ms);
	left = wait_event_interruptible_timeout(*wq, omv_frame_news(cam, seen),
						t);
	if (left < 0)
		return -EINTR;
	return sercam_stopped(&cam->stop) ? -ECANCELED : 0;
}

/* One try at a frame: 0, -EBUSY (no new frame yet) or an error. */
static int omv_try_frame(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct omv_cam *oc = cam->priv;
	int ret;

	ret = sercam_link_claim(cam->link, &cam->stop);
	if (ret)
		return ret;
	if (!oc->session || READ_ONCE(oc->reboot)) {
		/* out of step, or the camera rebooted: start again */
		sercam_stat_inc(cam, SERCAM_STAT_RESYNCS);
		ret = omv_session(cam, &cam->stop);
	}
	if (!ret && !oc->streaming)
		ret = omv_stream_on(cam);
	if (!ret)
		ret = omv_request(cam, OMV_CH_LOCK, oc->stream_ch, NULL, 0,
				  NULL, 0, &cam->stop);
	if (!ret) {
		oc->last_lock = ktime_get();
		f->timestamp = ktime_get_ns();
		oc->locked = true;
		ret = omv_fetch(cam, f);
		if (!omv_give_up(ret))
			oc->locked = false;
	}
	/* a frame of the wrong format was taken whole: still in step */
	if (!ret || ret == -EBUSY || ret == -EAGAIN || ret == -EBADMSG)
		ret = omv_pay_ack(cam, &cam->stop) ? : ret;
	else if (!omv_give_up(ret))
		oc->session = false;	/* out of step: PROTO_SYNC next */
	sercam_link_release(cam->link);
	return ret;
}

static int omv_capture(struct sercam_camera *cam, struct sercam_frame *f)
{
	struct omv_cam *oc = cam->priv;
	int seen, fails = 0, ret;

	ret = sercam_camera_ready(cam, &cam->stop);
	if (ret)
		return ret;
	if (!oc->listening) {
		sercam_link_listen(cam->link, omv_listen, cam);
		oc->listening = true;
	}
	for (;;) {
		seen = atomic_read(&oc->notify);
		ret = omv_try_frame(cam, f);
		if (!ret || omv_give_up(ret))
			return ret;
		if (ret == -EBUSY || ret == -EAGAIN) {
			/* the camera answers: wait for its script's frame */
			fails = 0;
			ret = omv_wait_frame(cam, seen);
			if (ret)
				return ret;
			continue;
		}
		/* a broken frame is never good: this buffer fails */
		if (f->timestamp || ret == -EMSGSIZE)
			return ret;
		if (++fails < OMV_FRAME_TRIES)
			continue;
		/* no session after all those tries: look for the camera */
		sercam_camera_forget(cam);
		return ret;
	}
}

/* Streaming stopped: the camera may stop publishing. */
static void omv_stream_off(struct sercam_camera *cam)
{
	struct omv_cam *oc = cam->priv;
	bool streaming = oc->streaming, synced = false;

	if (oc->listening) {
		sercam_link_listen(cam->link, NULL, NULL);
		oc->listening = false;
	}
	if (sercam_link_claim(cam->link, &cam->gone))
		return;
	/*
	 * A frame left half-read: the camera waits for an ACK that will not
	 * come. PROTO_SYNC frees it (and the slot); a new session follows.
	 */
	if (oc->locked)
		synced = !omv_sync(cam, &cam->gone);	/* ends the session */
	oc->locked = false;
	if ((oc->session || synced) && streaming &&
	    omv_stream_ioctl(cam, OMV_STREAM_CTRL, 0, &cam->gone) < 0)
		oc->session = false;
	oc->streaming = false;
	sercam_link_release(cam->link);
}

/* The bus powers down (the UART closes): a new session after. */
static void omv_sleep(struct sercam_camera *cam)
{
	struct omv_cam *oc = cam->priv;

	oc->session = false;
	oc->streaming = false;
	oc->ack_len = 0;
}

/* --- debugfs ------------------------------------------------------------- */

static int omv_info_show(struct seq_file *m, void *unused)
{
	struct sercam_camera *cam = m->private;
	struct omv_cam *oc = cam->priv;
	const u8 *v = oc->version;

	if (oc->have_version)
		seq_printf(m, "protocol %u.%u.%u\nbootloader %u.%u.%u\nfirmware %u.%u.%u\n",
			   v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
			   v[8]);
	seq_printf(m, "max_payload %u (board %u)\ncaps %#x\nstream_channel %u\n",
		   oc->max_payload, oc->dev_max, oc->caps, oc->stream_ch);
	if (oc->sys_info_len)
		seq_printf(m, "sys_info %*phN\n", (int)oc->sys_info_len,
			   oc->sys_info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(omv_info);

static void omv_debugfs(struct sercam_camera *cam, struct dentry *dir)
{
	debugfs_create_file("openmv", 0444, dir, cam, &omv_info_fops);
}

/* --- the camera in the devicetree ---------------------------------------- */

static void omv_fill_mode(struct sercam_camera *cam, struct sercam_mode *m)
{
	struct omv_cam *oc = cam->priv;

	m->capture_us = OMV_INTERVAL_US_DEFAULT;
	if (omv_raw(m)) {
		/* exactly one frame: its pixels, no header */
		m->max_size = m->width * m->height *
			      (omv_pixfmt(m) == OMV_PIXFMT_GRAY ? 1 : 2);
		m->typical_size = m->max_size;
		return;
	}
	m->max_size = PAGE_ALIGN(oc->max_frame);
	m->typical_size = 0;	/* the camera's own rate, not the wire's */
}

static int omv_probe_cam(struct sercam_camera *cam)
{
	struct omv_cam *oc;
	u32 max = OMV_MAX_FRAME_DEFAULT;

	fwnode_property_read_u32(cam->fwnode, "openmv,max-frame-size", &max);
	if (max < SZ_4K || max > OMV_MAX_FRAME_LIMIT) {
		dev_err(cam->dev,
			"openmv,max-frame-size = %u: from 4096 to %u bytes\n",
			max, OMV_MAX_FRAME_LIMIT);
		return -EINVAL;
	}
	oc = kzalloc(sizeof(*oc), GFP_KERNEL);
	if (!oc)
		return -ENOMEM;
	cam->priv = oc;
	oc->max_frame = max;
	oc->max_payload = OMV_PAYLOAD_MAX;
	omv_rx_reset(&oc->rx, OMV_PAYLOAD_MAX);
	atomic_set(&oc->notify, 0);
	return 0;
}

static const struct sercam_family_ops omv_ops = {
	.probe = omv_probe_cam,
	.fill_mode = omv_fill_mode,
	.debugfs = omv_debugfs,
	.hello = omv_hello,
	.cam_init = omv_cam_init,
	.capture = omv_capture,
	.stream_off = omv_stream_off,
	.sleep = omv_sleep,
};

/* The boot.py example's rate first, then the UART class default. */
static const u32 omv_rates[] = {
	921600, 115200, 0
};

/* what sercam-attach may set besides the common properties */
static const struct sercam_prop omv_props[] = {
	{ "openmv,max-frame-size", SERCAM_PROP_U32 },
	{ }
};

static const struct sercam_family omv_family = {
	.name = "OpenMV",
	.short_name = "openmv",
	.owner = THIS_MODULE,
	.ops = &omv_ops,
	.buf_type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
	.any_size = true,
	.modes = omv_modes,
	.num_modes = ARRAY_SIZE(omv_modes),
	.rates = omv_rates,
	.default_baud = 921600,
	.stat_names = omv_stat_names,
	.props = omv_props,
};

static int omv_probe(struct serdev_device *serdev)
{
	return sercam_serdev_probe(serdev, &omv_family);
}

static void omv_remove(struct serdev_device *serdev)
{
	sercam_serdev_remove(serdev);
}

static const struct of_device_id omv_of_match[] = {
	{ .compatible = "openmv,protocol" },
	{ }
};
MODULE_DEVICE_TABLE(of, omv_of_match);

static struct serdev_device_driver omv_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = omv_of_match,
		.pm = pm_ptr(&sercam_pm_ops),
	},
	.probe = omv_probe,
	.remove = omv_remove,
};

static int __init omv_init(void)
{
	omv_crc_init();
	return sercam_driver_register(&omv_driver, &omv_family);
}
module_init(omv_init);

static void __exit omv_exit(void)
{
	sercam_driver_unregister(&omv_driver, &omv_family);
}
module_exit(omv_exit);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("OpenMV cameras through the OpenMV Protocol as V4L2 capture devices");
MODULE_LICENSE("GPL");
