/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam - serial cameras as V4L2 devices: the link layer
 *
 * One link is one serial line (a UART the devicetree describes, reached
 * through serdev; later a tty with a line discipline) and everything on it.
 * It writes bytes, changes the rate, hands received bytes to whoever waits
 * for them, and runs exchanges: a request, then a reply within deadlines,
 * one at a time on the wire. It knows nothing of cameras or V4L2: what a
 * reply means is decided by the receive callback of the exchange, and
 * cancellation reaches it as a flag the caller passes down.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_LINK_H
#define _SERCAM_LINK_H

#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct device;
struct serdev_device;
struct sercam_link;
struct sercam_xfer;

/**
 * struct sercam_stop - a "give up" flag its owner passes down to the link
 * @stop: set (WRITE_ONCE) when the owner no longer wants its exchanges;
 *	sercam_link_cancel() then ends the one under way
 *
 * Each camera has one. An exchange, a wait for the line or for the link,
 * started with a flag that is set returns -ECANCELED at once.
 */
struct sercam_stop {
	bool stop;
};

/**
 * sercam_stopped() - whether a stop flag is set
 * @s: the flag, or NULL (never stopped)
 *
 * Return: true when the owner of @s gave up.
 */
static inline bool sercam_stopped(const struct sercam_stop *s)
{
	return s && READ_ONCE(s->stop);
}

/**
 * typedef sercam_rx_fn - receive callback of an exchange
 * @x: the exchange
 * @buf: bytes received, a run of any length
 * @len: number of bytes at @buf
 *
 * Context: process context, with the link's receive lock held; may sleep
 * but should not take long. Ends the exchange with sercam_xfer_end() when
 * its reply is complete or broken.
 */
typedef void (*sercam_rx_fn)(struct sercam_xfer *x, const u8 *buf,
			     size_t len);

/**
 * typedef sercam_listen_fn - receive callback for bytes no exchange awaits
 * @ctx: the listener's context
 * @buf: bytes received
 * @len: number of bytes at @buf; 0 (and @buf NULL) once the line has been
 *	silent for %SERCAM_LINK_IDLE_MS after bytes arrived
 * @t: when the run arrived (ktime_get())
 *
 * Context: as &sercam_rx_fn. Push families (frames that arrive unasked)
 * listen this way.
 */
typedef void (*sercam_listen_fn)(void *ctx, const u8 *buf, size_t len,
				 ktime_t t);

/**
 * struct sercam_xfer - one request and its reply
 * @tx: the request
 * @tx_len: its length (0: only wait for bytes)
 * @first_ms: time allowed from the end of the request to the first byte
 * @gap_ms: longest silence allowed once the reply has started (the link
 *	adds %SERCAM_LINK_RX_STALL_MS for a host whose receive path stalls)
 * @total_ms: limit for the whole exchange, from the end of the request
 * @rx: the receive callback
 * @ctx: the caller's context for @rx
 * @stop: the caller's stop flag, or NULL
 * @framed: the replies are self-delimiting packets (a sync word, a length,
 *	CRCs) that a receive callback finds among any bytes: an exchange
 *	that ends broken does not make the next one wait for a quiet line
 *	(whose bytes, a resent packet perhaps, would be lost)
 * @link: set by the link: the link the exchange runs on
 * @done: completed when the exchange ends
 * @status: 0, or the negative errno the exchange ended with; while
 *	pending, -ETIMEDOUT or what @rx noted about a broken reply
 * @end: set by the link: deadline for the whole exchange
 *
 * The caller owns the structure (usually on its stack) and sets the fields
 * up to @framed; the link fills the rest. @rx may move @end with
 * sercam_xfer_extend() once it knows how long the reply is.
 */
struct sercam_xfer {
	const u8 *tx;
	size_t tx_len;
	unsigned int first_ms;
	unsigned int gap_ms;
	unsigned int total_ms;
	sercam_rx_fn rx;
	void *ctx;
	const struct sercam_stop *stop;
	bool framed;
	struct sercam_link *link;
	struct completion done;
	int status;
	ktime_t end;
};

/**
 * struct sercam_link_ops - what a link backend does
 * @write: write bytes, waiting at most @timeout jiffies; returns the
 *	number written or a negative errno
 * @set_baud: set the line rate; returns the rate the UART really runs at
 * @wait_sent: wait until written bytes have left the UART, at most
 *	@timeout jiffies
 * @name: the UART's name, for messages
 * @open: open the UART (8N1, no flow control); 0 or a negative errno
 * @close: close it
 *
 * Context: process context, with the link claimed (sercam_link_claim()),
 * or (@open, @close) with its lock held by sercam_link_open() and
 * sercam_link_close().
 */
struct sercam_link_ops {
	ssize_t (*write)(struct sercam_link *link, const u8 *buf, size_t len,
			 long timeout);
	unsigned int (*set_baud)(struct sercam_link *link, unsigned int baud);
	void (*wait_sent)(struct sercam_link *link, long timeout);
	const char *(*name)(struct sercam_link *link);
	int (*open)(struct sercam_link *link);
	void (*close)(struct sercam_link *link);
};

/**
 * struct sercam_link_stats - byte counters of a link
 * @rx_bytes: bytes received
 * @rx_dropped: bytes received while nobody waited for them
 * @rx_ns: time spent in the receive callbacks, in ns
 * @tx_bytes: bytes sent
 */
struct sercam_link_stats {
	u64 rx_bytes;
	u64 rx_dropped;
	u64 rx_ns;
	u64 tx_bytes;
};

/**
 * struct sercam_link - one serial line
 * @dev: device for messages
 * @ops: the backend
 * @backend: the backend's state (the serdev device, the tty)
 * @lock: claimed for an exchange or a sequence of them (a rate scan), so
 *	one is on the wire at a time; taken before @rx_lock. Protects
 *	@baud (written), @line_dirty, @turnaround_us, @tx_bytes
 * @wq: waiters for @lock and cancellable sleeps; sercam_link_cancel()
 *	wakes it
 * @rx_lock: the receive path against the owners of @xfer and @listen;
 *	protects @xfer, @listen, @listen_ctx, @last_rx and the rx counters
 * @xfer: the exchange waiting for its reply, or NULL
 * @listen: where bytes go when no exchange waits, or NULL (dropped)
 * @listen_ctx: context for @listen
 * @idle_work: tells @listen the line went silent
 * @baud: current line rate (read without @lock with sercam_link_baud());
 *	kept while the UART is closed, and set again when it opens
 * @open: the UART is open (under @lock; read without it for debugfs)
 * @last_rx: when the last byte was received
 * @line_dirty: the last exchange ended broken: wait for a quiet line
 *	before the next request
 * @quiet_min_us: shortest quiet time after a broken reply
 * @turnaround_us: silence the cameras need after their last byte before
 *	they listen again (half-duplex transceivers), 0 for none
 * @rx_sync: u64_stats sync of the receive counters (writer: the receive
 *	path, under @rx_lock)
 * @tx_sync: u64_stats sync of @tx_bytes (writer: under @lock)
 * @rx_bytes: bytes received
 * @rx_dropped: bytes received while nobody waited for them
 * @rx_ns: time spent in the receive callbacks
 * @tx_bytes: bytes sent
 */
struct sercam_link {
	struct device *dev;
	const struct sercam_link_ops *ops;
	void *backend;
	/* one exchange on the wire at a time; taken before rx_lock */
	struct mutex lock;
	wait_queue_head_t wq;
	/* the receive path against the exchange's owner */
	struct mutex rx_lock;
	struct sercam_xfer *xfer;
	sercam_listen_fn listen;
	void *listen_ctx;
	struct delayed_work idle_work;
	u32 baud;
	bool open;
	ktime_t last_rx;
	bool line_dirty;
	u32 quiet_min_us;
	u32 turnaround_us;
	struct u64_stats_sync rx_sync;
	struct u64_stats_sync tx_sync;
	u64_stats_t rx_bytes;
	u64_stats_t rx_dropped;
	u64_stats_t rx_ns;
	u64_stats_t tx_bytes;
};

/*
 * A host's receive path may stall (tty flip-buffer work delayed by load,
 * as on a busy Raspberry Pi Zero or a loaded virtual machine) while the
 * camera goes on sending: silence inside a reply is only taken for lost
 * bytes after this much more than the family's gap.
 */
#define SERCAM_LINK_RX_STALL_MS		1000
/*
 * A listener hears that the line went silent after this: longer than a
 * stalled receive path (a frame must not break for a host's hiccup).
 */
#define SERCAM_LINK_IDLE_MS		(2 * SERCAM_LINK_RX_STALL_MS)

void sercam_link_init(struct sercam_link *link, struct device *dev,
		      const struct sercam_link_ops *ops, void *backend);
void sercam_link_receive(struct sercam_link *link, const u8 *buf,
			 size_t len);

int sercam_link_claim(struct sercam_link *link,
		      const struct sercam_stop *stop);
void sercam_link_release(struct sercam_link *link);
void sercam_link_cancel(struct sercam_link *link,
			const struct sercam_stop *stop);

int sercam_link_xfer(struct sercam_link *link, struct sercam_xfer *x);
int sercam_link_xfer_claimed(struct sercam_link *link,
			     struct sercam_xfer *x);
int sercam_link_send_claimed(struct sercam_link *link, const u8 *tx,
			     size_t len, const struct sercam_stop *stop);
void sercam_xfer_end(struct sercam_xfer *x, int status);
void sercam_xfer_extend(struct sercam_xfer *x, u32 bytes);

int sercam_link_set_baud_claimed(struct sercam_link *link, u32 baud);
u32 sercam_link_baud(const struct sercam_link *link);
unsigned int sercam_link_wire_ms(const struct sercam_link *link, u32 bytes);
const char *sercam_link_name(struct sercam_link *link);
void sercam_link_set_turnaround(struct sercam_link *link, u32 us);

int sercam_link_wait_quiet(struct sercam_link *link, u32 quiet_us,
			   unsigned int max_ms, const struct sercam_stop *stop);
int sercam_link_sleep(struct sercam_link *link, unsigned int ms,
		      const struct sercam_stop *stop);

void sercam_link_listen(struct sercam_link *link, sercam_listen_fn fn,
			void *ctx);
void sercam_link_stats(struct sercam_link *link, struct sercam_link_stats *s);

int sercam_link_open(struct sercam_link *link);
void sercam_link_close(struct sercam_link *link);
bool sercam_link_is_open(const struct sercam_link *link);

/* backends */
int sercam_link_serdev_open(struct sercam_link *link,
			    struct serdev_device *serdev);

#endif /* _SERCAM_LINK_H */
