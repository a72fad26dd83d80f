/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAMEMU_OMVP_H
#define CAMEMU_OMVP_H

/*
 * The "omvp" personality: an OpenMV camera on stock firmware >= 5.0
 * speaking the OpenMV Protocol v1.0 on its UART, as the device side
 * (shared/protocols/openmv-protocol.md). A socket-free model like the
 * others: host bytes come from the bus's input wave through the
 * device's own UART receiver, packets go on the output wave at their
 * wire times (struct bus, camera.h).
 *
 * Timing: a request is complete when its last byte is in; the device
 * picks it up at the next protocol poll tick (every poll-ms from boot,
 * or at once with poll-ms 0) once it is free, and answers cmd-ms later.
 * A data reply waits for the host's ACK after each packet (stop and
 * wait); the ACK is taken at once (the device reads while it waits) and
 * the next fragment goes cmd-ms after it. A packet not ACKed is resent
 * rtx-ms after its last byte went out, then 2x, 4x, 8x that; after
 * rtx-retries resends the protocol resets silently.
 *
 * Frames: the script captures at fps (capture k at t0 + (k-1)/fps, the
 * capture clock of stream.h); csi.snapshot() at capture k publishes
 * capture k-1 into the stream channel's single slot when it is empty and
 * streaming is on: the slot is "writing" for publish-ms, then "ready"
 * (a NOTIFY event), "locked" once the host LOCKs it, and empty again at
 * UNLOCK. Captures while the slot is not empty are never published.
 */
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "wire.h"

struct bus;

#define OMVP_HDR		10	/* header bytes, HCRC included */
#define OMVP_MIN_PAYLOAD	50
#define OMVP_MAX_BOARD		32768	/* largest --max-payload taken */
#define OMVP_MAX_RATE		12000000
#define OMVP_MAX_CHAN		32

/* FLAGS */
#define OMV_ACK		0x01
#define OMV_NAK		0x02
#define OMV_RTX		0x04
#define OMV_ACK_REQ	0x08
#define OMV_FRAGMENT	0x10
#define OMV_EVENT	0x20

/* OPCODES */
enum {
	OMV_PROTO_SYNC = 0x00, OMV_GET_CAPS, OMV_SET_CAPS, OMV_STATS,
	OMV_PROTO_VERSION,
	OMV_SYS_RESET = 0x10, OMV_SYS_BOOT, OMV_SYS_INFO, OMV_SYS_EVENT,
	OMV_SYS_MEMORY,
	OMV_CH_LIST = 0x20, OMV_CH_POLL, OMV_CH_LOCK, OMV_CH_UNLOCK,
	OMV_CH_SHAPE, OMV_CH_SIZE, OMV_CH_READ, OMV_CH_WRITE, OMV_CH_IOCTL,
	OMV_CH_EVENT,
};

/* status codes (NAK payload) */
enum {
	OMV_SUCCESS, OMV_FAILED, OMV_INVALID, OMV_TIMEOUT, OMV_BUSY,
	OMV_CHECKSUM, OMV_SEQUENCE, OMV_OVERFLOW, OMV_FRAGMENT_ERR,
	OMV_UNKNOWN,
};

/* caps flags */
#define OMV_CAP_CRC	0x1
#define OMV_CAP_SEQ	0x2
#define OMV_CAP_ACK	0x4
#define OMV_CAP_EVENTS	0x8
#define OMV_CAP_ALL	0xf

/* channel flags */
#define OMV_CHF_READ	0x01
#define OMV_CHF_WRITE	0x02
#define OMV_CHF_EXEC	0x04
#define OMV_CHF_LOCK	0x08
#define OMV_CHF_STREAM	0x10
#define OMV_CHF_PHYS	0x40

/* stream IOCTLs */
enum {
	OMV_STREAM_CTRL, OMV_STREAM_RAW_CTRL, OMV_STREAM_RAW_CFG,
	OMV_STREAM_SOURCE,
};

#define OMV_PIXFMT_JPEG		0x06060000u
#define OMV_PIXFMT_RGB565	0x0c030002u
#define OMV_PIXFMT_GRAY		0x08020001u

/* SYS_EVENT codes */
#define OMV_EV_SOFT_REBOOT	2

enum oslot { SLOT_EMPTY, SLOT_WRITING, SLOT_READY, SLOT_LOCKED, SLOT_N };

extern const char *const oslot_names[SLOT_N];

enum omstat {
	OM_PACKETS_IN, OM_PACKETS_OUT, OM_REQUESTS, OM_ACKS_IN, OM_NAKS_IN,
	OM_HCRC_ERRORS, OM_DCRC_ERRORS, OM_OVERFLOW_ERRORS, OM_SEQ_ERRORS,
	OM_INVALID, OM_NAKS_OUT, OM_BUSY_OUT, OM_RETRANSMITS, OM_RTX_GIVEUPS,
	OM_EVENTS_OUT, OM_SYNCS, OM_RX_JUNK_BYTES, OM_RX_IGNORED,
	OM_FRAMES_PUBLISHED, OM_FRAMES_SKIPPED, OM_FRAMES_OVERFLOWED,
	OM_FRAMES_DROPPED, OM_FRAMES_HANDED, OM_READ_BYTES, OM_RESETS,
	OM_BOOTS, OM_N
};

extern const char *const omstat_names[OM_N];

/* A frame handed to the host (granted by LOCK): the manifest line. */
struct oframe_rec {
	uint32_t num;
	unsigned int w, h;
	uint32_t pixfmt;
	uint32_t size;		/* image bytes (JPEG, or raw pixels) */
	char sha[65];		/* of exactly those bytes */
	int64_t t_cap, t_pub, t_lock;
};

/* A complete packet from the host, waiting for the device. */
struct oreq {
	int64_t tc;		/* when its last byte was in */
	uint8_t h[OMVP_HDR];
	uint8_t *p;
	uint16_t n;
	uint8_t nak;		/* a receive error to NAK (not a request), or 0 */
};

/* The reply under way (ACK required: stop and wait). */
struct otx {
	bool on;
	bool wait;		/* the current packet waits for its ACK */
	uint8_t chan, op, seq;
	uint8_t *data;
	size_t n, off, flen;	/* whole reply, current fragment */
	int tries;
	int64_t due;		/* next fragment (!wait), resend (wait) */
	uint8_t *pkt;		/* the current packet, for resends */
	size_t pn;
};

struct olog {
	uint64_t num;
	int64_t t;
	uint8_t h[OMVP_HDR];
	uint16_t plen;		/* bytes kept of the payload (<= 16) */
	uint8_t p[16];
};

#define OLOG_CAP	16384

struct omvp {
	/* settings (options and "set") */
	uint32_t rate;
	double fps;
	unsigned int w, h;
	int quality, detail;
	double cmd_ms, poll_ms, publish_ms, lock_ms, rtx_ms, boot_ms;
	unsigned int rtx_retries;
	uint16_t board_max;	/* max_payload of the board and the default */
	unsigned int init_caps;	/* caps after boot, SYNC and resets */
	unsigned int hdr_off;
	unsigned int stream_id;
	bool boot_raw;		/* raw preview on at cold boot */
	unsigned int boot_raw_w, boot_raw_h;
	/*
	 * The script's sensor.set_pixformat: GRAYSCALE (true) or RGB565.
	 * Raw frames go in it; JPEGs of a gray frame have one component.
	 */
	bool gray;
	/* power and line */
	bool plugged;
	int64_t boot_until;	/* deaf and mute before this */
	int64_t tick0;		/* poll ticks from here */
	struct uart_rx rx;
	int64_t tx_free;	/* when the transmitter is free */
	/* protocol state */
	unsigned int caps;
	uint16_t max_payload;
	uint8_t seq;		/* the counter: next sequence number */
	uint8_t *pbuf;		/* receive parser */
	size_t pn, pcap;
	uint8_t win[OMVP_HDR];	/* the last bytes received, for SYNC */
	size_t wn;
	struct oreq *q;
	size_t qhead, qn, qcap;
	int64_t free_t;		/* when the last transaction ended */
	bool sync_pending;
	int64_t sync_th;
	struct otx tx;
	/* the script and the stream channel */
	int64_t cap_t0;
	uint32_t cap_k0, first_k;
	bool streaming, raw;
	unsigned int raw_w, raw_h;
	enum oslot slot;
	uint32_t slot_num;	/* frame in the slot */
	uint32_t pub_next;	/* capture whose snapshot publishes next */
	int64_t slot_done;	/* end of "writing" */
	int64_t slot_tcap, slot_tpub;
	uint8_t *sbuf;		/* header + image */
	size_t sn;
	unsigned int slot_w, slot_h;
	uint32_t slot_pixfmt, slot_isize;
	uint32_t last_pub;	/* number of the last frame published */
	int64_t last_lock;
	/* live framebuffer fields (SHAPE) */
	bool fb_valid, fb_jpeg;
	unsigned int fb_w, fb_h, fb_bpp;
	uint32_t fb_size;
	/* records */
	struct oframe_rec *rec;
	size_t nrec, reccap;
	struct olog *log;
	uint64_t log_num, log_floor;
	uint64_t st[OM_N];
};

/* A device with default settings, powered on at @t0 (streaming off). */
struct omvp *omvp_new(int64_t t0);
void omvp_free(struct omvp *o);

/* Power on at @t with the settings as they are now (after the options). */
void omvp_start(struct omvp *o, int64_t t);

/* When the device next has something to do, its UART's next byte included. */
int64_t omvp_next_event(struct bus *b);
void omvp_step(struct bus *b, int64_t t);
/* Line position the device's receiver has consumed up to. */
int64_t omvp_rx_cur(const struct bus *b);

void omvp_unplug(struct bus *b);
void omvp_plug(struct bus *b);
/* Soft reboot (the script ended): seq 0, default caps, slot emptied. */
void omvp_soft_reboot(struct bus *b, bool silent);
/* Cold boot from @t (SYS_RESET, power): deaf for boot-ms, streaming off. */
void omvp_cold_boot(struct bus *b, int64_t t);
void omvp_powercycle(struct bus *b);

/*
 * A setting by its option / "set" key (rate, fps, res, quality, detail,
 * cmd-ms, poll-ms, publish-ms, lock-ms, rtx-ms, rtx-retries, boot-ms,
 * max-payload, caps, hdr-offset, stream-id, raw, pixformat); 0, or -1
 * with @err.
 */
int omvp_set(struct bus *b, const char *key, const char *val, char *err,
	     size_t errlen);
/* "ok family=omvp ..." */
void omvp_status(struct bus *b, struct sbuf *out);
/*
 * Whether the nak fault may be scoped to requests with opcode @op: a
 * request the device answers after its checks (not PROTO_SYNC, not the
 * host's events, not an unknown opcode).
 */
bool omvp_nak_op_ok(uint8_t op);
/* "crc,seq,ack,events" (or "none") */
void omvp_caps_str(unsigned int caps, char *buf, size_t len);
/*
 * A packet with its CRCs into @out: the header, then (when @n) @p and its
 * DCRC. Returns its length, OMVP_HDR or OMVP_HDR + @n + 4.
 */
size_t omvp_pack(uint8_t *out, uint8_t seq, uint8_t chan, uint8_t flags,
		 uint8_t op, const void *p, size_t n);

/* "jpeg", "rgb565" or "gray": the manifest's name of a header pixfmt */
const char *omvp_pixfmt_name(uint32_t pixfmt);
const struct oframe_rec *omvp_frame(const struct omvp *o, uint32_t num);
/* "<prefix> N res=WxH pixfmt=P size=S sha256=H captured_ns=.. published_ns=.. locked_ns=..\n" */
void omvp_frame_line(struct sbuf *out, const char *prefix,
		     const struct oframe_rec *r);
/* "pkt N t=T seq=S chan=C flags=0xFF op=0xOP len=N data=HEX|-\n" */
void omvp_log_line(struct sbuf *out, const struct olog *e);

#endif
