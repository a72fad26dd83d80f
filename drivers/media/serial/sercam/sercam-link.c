// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the link layer
 *
 * An exchange ends when its receive callback says the reply is complete
 * (or broken), or on a deadline: first_ms until the first byte, then
 * gap_ms of silence at most (plus %SERCAM_LINK_RX_STALL_MS for a host
 * whose receive path stalls), total_ms in all. Long replies thus get as
 * long as the wire needs, and a silent camera is noticed quickly.
 *
 * Every wait here (for the link, for a quiet line, for a reply) ends at
 * once when the caller's stop flag is set and sercam_link_cancel() called,
 * or when the waiting process is killed.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/sched/signal.h>

#include "sercam-link.h"

/* A UART rounding the rate further than this cannot talk to the camera. */
#define SERCAM_BAUD_TOLERANCE_PCT	2
/*
 * After a broken reply, wait until the line has been silent this long
 * (byte times, with a floor) before sending: on half-duplex RS-485 the
 * camera may still be talking, and a new request would collide with it.
 */
#define SERCAM_QUIET_BYTES		20
#define SERCAM_QUIET_MIN_US		50000
/*
 * At most this long: a line that never goes quiet (a camera sending a long
 * image at a low rate, or noise) must not stall the link for ever.
 */
#define SERCAM_QUIET_MAX_MS		5000
/*
 * A waiter woken this much later than its deadline was not running (the
 * host stalled); it then waits this much longer for the receive path.
 */
#define SERCAM_LINK_LATE_MS		100
#define SERCAM_LINK_GRACE_MS		300
/* Write timeout for a request (a few bytes into the tty buffer). */
#define SERCAM_WRITE_TIMEOUT_MS		500

/* The line went silent: tell the listener, once per silence. */
static void sercam_link_idle_work(struct work_struct *work)
{
	struct sercam_link *link = container_of(to_delayed_work(work),
						struct sercam_link, idle_work);
	ktime_t now = ktime_get();
	s64 quiet;

	mutex_lock(&link->rx_lock);
	quiet = ktime_ms_delta(now, link->last_rx);
	if (link->listen && quiet < SERCAM_LINK_IDLE_MS)
		/* bytes came after it was queued */
		mod_delayed_work(system_wq, &link->idle_work,
				 msecs_to_jiffies(SERCAM_LINK_IDLE_MS - quiet));
	else if (link->listen)
		link->listen(link->listen_ctx, NULL, 0, now);
	mutex_unlock(&link->rx_lock);
}

/**
 * sercam_link_init() - set up a link
 * @link: the link, zeroed
 * @dev: device for messages
 * @ops: the backend's operations
 * @backend: the backend's state
 */
void sercam_link_init(struct sercam_link *link, struct device *dev,
		      const struct sercam_link_ops *ops, void *backend)
{
	link->dev = dev;
	link->ops = ops;
	link->backend = backend;
	mutex_init(&link->lock);
	mutex_init(&link->rx_lock);
	init_waitqueue_head(&link->wq);
	INIT_DELAYED_WORK(&link->idle_work, sercam_link_idle_work);
	u64_stats_init(&link->rx_sync);
	u64_stats_init(&link->tx_sync);
	link->quiet_min_us = SERCAM_QUIET_MIN_US;
	link->last_rx = ktime_get();
}
EXPORT_SYMBOL_GPL(sercam_link_init);

/**
 * sercam_link_baud() - the line's current rate
 * @link: the link
 *
 * Context: any; reads without the link's lock.
 * Return: the rate in baud, 0 before it was first set.
 */
u32 sercam_link_baud(const struct sercam_link *link)
{
	return READ_ONCE(link->baud);
}
EXPORT_SYMBOL_GPL(sercam_link_baud);

/**
 * sercam_link_wire_ms() - time the wire takes for some bytes
 * @link: the link
 * @bytes: number of bytes, each 10 bit times (8N1)
 *
 * Context: any.
 * Return: milliseconds at the current rate (9600 before one is set),
 * rounded up.
 */
unsigned int sercam_link_wire_ms(const struct sercam_link *link, u32 bytes)
{
	u32 baud = sercam_link_baud(link) ? : 9600;

	return DIV_ROUND_UP_ULL((u64)bytes * 10 * MSEC_PER_SEC, baud);
}
EXPORT_SYMBOL_GPL(sercam_link_wire_ms);

/**
 * sercam_link_name() - the UART a link is on, for messages
 * @link: the link
 *
 * Return: the UART's name (e.g. "9000000.pl011").
 */
const char *sercam_link_name(struct sercam_link *link)
{
	return link->ops->name(link);
}
EXPORT_SYMBOL_GPL(sercam_link_name);

static ktime_t sercam_link_last_rx(struct sercam_link *link)
{
	ktime_t t;

	mutex_lock(&link->rx_lock);
	t = link->last_rx;
	mutex_unlock(&link->rx_lock);
	return t;
}

/* Sleep up to @us, unless stopped or killed: 0, -ECANCELED or -EINTR. */
static int sercam_link_nap(struct sercam_link *link, s64 us,
			   const struct sercam_stop *stop)
{
	long ret;

	if (sercam_stopped(stop))
		return -ECANCELED;
	ret = wait_event_killable_timeout(link->wq, sercam_stopped(stop),
					  usecs_to_jiffies(us) + 1);
	if (ret < 0)
		return -EINTR;
	return sercam_stopped(stop) ? -ECANCELED : 0;
}

/**
 * sercam_link_sleep() - sleep, unless stopped
 * @link: the link
 * @ms: how long
 * @stop: the caller's stop flag, or NULL
 *
 * Context: process context.
 * Return: 0 after @ms, -ECANCELED when @stop was set, -EINTR when the
 * process was killed.
 */
int sercam_link_sleep(struct sercam_link *link, unsigned int ms,
		      const struct sercam_stop *stop)
{
	return sercam_link_nap(link, (s64)ms * USEC_PER_MSEC, stop);
}
EXPORT_SYMBOL_GPL(sercam_link_sleep);

/**
 * sercam_link_wait_quiet() - wait until nothing has been received for a while
 * @link: the link
 * @quiet_us: the silence wanted
 * @max_ms: give up waiting after this long (and return 0)
 * @stop: the caller's stop flag, or NULL
 *
 * Context: process context.
 * Return: 0, -ECANCELED when @stop was set, -EINTR when killed.
 */
int sercam_link_wait_quiet(struct sercam_link *link, u32 quiet_us,
			   unsigned int max_ms, const struct sercam_stop *stop)
{
	ktime_t limit = ktime_add_ms(ktime_get(), max_ms);
	int ret;

	for (;;) {
		ktime_t now = ktime_get();
		s64 idle = ktime_us_delta(now, sercam_link_last_rx(link));
		s64 left = ktime_us_delta(limit, now);

		if (idle >= quiet_us || left <= 0)
			return 0;
		ret = sercam_link_nap(link, min_t(s64, quiet_us - idle, left),
				      stop);
		if (ret)
			return ret;
	}
}
EXPORT_SYMBOL_GPL(sercam_link_wait_quiet);

static u32 sercam_link_quiet_us(const struct sercam_link *link)
{
	return max_t(u32, link->quiet_min_us,
		     sercam_link_wire_ms(link, SERCAM_QUIET_BYTES) *
		     USEC_PER_MSEC);
}

/* One claim attempt for wait_event: true when done (claimed or stopped). */
static bool sercam_link_claim_cond(struct sercam_link *link,
				   const struct sercam_stop *stop, bool *got)
{
	if (sercam_stopped(stop))
		return true;
	*got = mutex_trylock(&link->lock);
	return *got;
}

/**
 * sercam_link_claim() - take the link for a sequence of exchanges
 * @link: the link
 * @stop: the caller's stop flag, or NULL
 *
 * Waits while another owner has the link (an exchange, a rate scan) unless
 * @stop is set (then sercam_link_cancel() wakes the wait) or the process
 * is killed. Release with sercam_link_release().
 *
 * Context: process context.
 * Return: 0 with the link claimed, -ECANCELED or -EINTR without.
 */
int sercam_link_claim(struct sercam_link *link, const struct sercam_stop *stop)
{
	bool got = false;

	if (wait_event_killable(link->wq,
				sercam_link_claim_cond(link, stop, &got)))
		return -EINTR;
	return got ? 0 : -ECANCELED;
}
EXPORT_SYMBOL_GPL(sercam_link_claim);

/**
 * sercam_link_release() - give the link back
 * @link: the link, claimed by the caller
 */
void sercam_link_release(struct sercam_link *link)
{
	mutex_unlock(&link->lock);
	wake_up_all(&link->wq);
}
EXPORT_SYMBOL_GPL(sercam_link_release);

/**
 * sercam_xfer_end() - end the pending exchange
 * @x: the exchange
 * @status: 0 for a good reply, else a negative errno
 *
 * Called by the exchange's receive callback (or the link). Bytes that
 * follow belong to no exchange until the next one starts.
 *
 * Context: with the link's receive lock held.
 */
void sercam_xfer_end(struct sercam_xfer *x, int status)
{
	struct sercam_link *link = x->link;

	lockdep_assert_held(&link->rx_lock);
	if (link->xfer != x)
		return;
	x->status = status;
	link->xfer = NULL;
	complete(&x->done);
}
EXPORT_SYMBOL_GPL(sercam_xfer_end);

/**
 * sercam_xfer_extend() - set the deadline from the reply's known length
 * @x: the exchange
 * @bytes: bytes of the reply still to come
 *
 * Once a reply's header says how long it is, the exchange may take twice
 * their wire time plus the gap, and no longer: a reply of a few bytes does
 * not keep the link for the worst case of the largest one.
 *
 * Context: with the link's receive lock held (from the receive callback).
 */
void sercam_xfer_extend(struct sercam_xfer *x, u32 bytes)
{
	lockdep_assert_held(&x->link->rx_lock);
	x->end = ktime_add_ms(ktime_get(),
			      2 * sercam_link_wire_ms(x->link, bytes) +
			      x->gap_ms + SERCAM_LINK_RX_STALL_MS);
}
EXPORT_SYMBOL_GPL(sercam_xfer_extend);

/**
 * sercam_link_cancel() - end the exchanges and waits of a stopped owner
 * @link: the link
 * @stop: the owner's flag, already set
 *
 * The owner's exchange under way returns -ECANCELED; its waits for the
 * link or a quiet line return -ECANCELED.
 *
 * Context: process context.
 */
void sercam_link_cancel(struct sercam_link *link,
			const struct sercam_stop *stop)
{
	mutex_lock(&link->rx_lock);
	if (link->xfer && link->xfer->stop == stop)
		sercam_xfer_end(link->xfer, -ECANCELED);
	mutex_unlock(&link->rx_lock);
	wake_up_all(&link->wq);
}
EXPORT_SYMBOL_GPL(sercam_link_cancel);

/* Attach @x as the pending exchange, unless its owner stopped. */
static bool sercam_xfer_attach(struct sercam_link *link, struct sercam_xfer *x)
{
	bool ok;

	mutex_lock(&link->rx_lock);
	ok = !sercam_stopped(x->stop);
	if (ok)
		link->xfer = x;
	mutex_unlock(&link->rx_lock);
	return ok;
}

/* Detach @x unless the receive path ended it; return its status. */
static int sercam_xfer_detach(struct sercam_link *link, struct sercam_xfer *x,
			      int status)
{
	mutex_lock(&link->rx_lock);
	if (link->xfer == x) {
		link->xfer = NULL;
		if (status)
			x->status = status;
	}
	mutex_unlock(&link->rx_lock);
	return x->status;
}

/*
 * Wait for the reply: first byte, then no gap longer than gap_ms. A waiter
 * that wakes up much later than it asked was not running: the host was
 * stalled, and so, most likely, was the receive path that would have
 * brought the bytes. It gives the receive path a grace period to catch up
 * before it calls the camera silent.
 */
static int sercam_xfer_wait(struct sercam_link *link, struct sercam_xfer *x,
			    ktime_t sent, unsigned int tx_ms)
{
	ktime_t first = ktime_add_ms(sent, x->first_ms + tx_ms);
	ktime_t grace = 0;

	for (;;) {
		ktime_t now, last, deadline;
		long left;

		mutex_lock(&link->rx_lock);
		last = link->last_rx;
		deadline = ktime_after(last, sent) ?
			   ktime_add_ms(last, x->gap_ms +
					SERCAM_LINK_RX_STALL_MS) : first;
		if (ktime_after(deadline, x->end))
			deadline = x->end;
		mutex_unlock(&link->rx_lock);
		if (ktime_after(grace, deadline))
			deadline = grace;
		now = ktime_get();
		if (!ktime_before(now, deadline)) {
			if (grace ||
			    ktime_ms_delta(now, deadline) < SERCAM_LINK_LATE_MS)
				return 0;
			grace = ktime_add_ms(now, SERCAM_LINK_GRACE_MS);
			continue;
		}
		left = usecs_to_jiffies(ktime_us_delta(deadline, now)) + 1;
		left = wait_for_completion_killable_timeout(&x->done, left);
		if (left > 0)
			return 0;
		if (left < 0)
			return -EINTR;
	}
}

/* Half-duplex: the cameras listen again only after some silence. */
static int sercam_link_turnaround(struct sercam_link *link,
				  const struct sercam_stop *stop)
{
	if (!link->turnaround_us)
		return 0;
	return sercam_link_wait_quiet(link, link->turnaround_us,
				      link->turnaround_us / USEC_PER_MSEC + 1,
				      stop);
}

/**
 * sercam_link_send_claimed() - put bytes on the wire, no reply awaited
 * @link: the link, claimed by the caller
 * @tx: bytes to send
 * @len: number of bytes
 * @stop: the caller's stop flag, or NULL
 *
 * Waits for a quiet line first when the last reply was broken, and for
 * the cameras' turnaround time.
 *
 * Context: process context.
 * Return: 0, -ECANCELED, -EINTR, or a negative errno if the UART did not
 * take the bytes.
 */
int sercam_link_send_claimed(struct sercam_link *link, const u8 *tx,
			     size_t len, const struct sercam_stop *stop)
{
	unsigned long flags;
	ssize_t ret;

	lockdep_assert_held(&link->lock);
	/* a closed UART (the bus is suspended) takes nothing */
	if (!link->open)
		return -EIO;
	if (link->line_dirty) {
		ret = sercam_link_wait_quiet(link, sercam_link_quiet_us(link),
					     SERCAM_QUIET_MAX_MS, stop);
		if (ret)
			return ret;
		link->line_dirty = false;
	}
	ret = sercam_link_turnaround(link, stop);
	if (ret)
		return ret;
	ret = link->ops->write(link, tx, len,
			       msecs_to_jiffies(SERCAM_WRITE_TIMEOUT_MS));
	if (ret < 0)
		return ret;
	if (ret != len)
		return -ETIMEDOUT;
	/* on 32-bit, u64_stats writers must not be preempted */
	flags = u64_stats_update_begin_irqsave(&link->tx_sync);
	u64_stats_add(&link->tx_bytes, len);
	u64_stats_update_end_irqrestore(&link->tx_sync, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(sercam_link_send_claimed);

/**
 * sercam_link_xfer_claimed() - send a request and wait for its reply
 * @link: the link, claimed by the caller
 * @x: the exchange (see &struct sercam_xfer)
 *
 * Context: process context.
 * Return: 0 when the receive callback accepted a reply, -ETIMEDOUT,
 * -ECANCELED if the caller's stop flag is set, -EINTR if the process was
 * killed, or the errno the receive callback ended the exchange with (or
 * noted in @x->status before the deadline).
 */
int sercam_link_xfer_claimed(struct sercam_link *link, struct sercam_xfer *x)
{
	unsigned int tx_ms = sercam_link_wire_ms(link, x->tx_len);
	ktime_t sent;
	int ret;

	lockdep_assert_held(&link->lock);
	init_completion(&x->done);
	x->link = link;
	x->status = -ETIMEDOUT;
	if (link->line_dirty) {
		ret = sercam_link_wait_quiet(link, sercam_link_quiet_us(link),
					     SERCAM_QUIET_MAX_MS, x->stop);
		if (ret)
			return ret;
		link->line_dirty = false;
	}
	ret = sercam_link_turnaround(link, x->stop);
	if (ret)
		return ret;
	sent = ktime_get();
	x->end = ktime_add_ms(sent, x->total_ms + tx_ms);
	if (!sercam_xfer_attach(link, x))
		return -ECANCELED;
	ret = x->tx_len ? sercam_link_send_claimed(link, x->tx, x->tx_len,
						   x->stop) : 0;
	if (!ret)
		ret = sercam_xfer_wait(link, x, sent, tx_ms);
	ret = sercam_xfer_detach(link, x, ret);
	/*
	 * Unless the reply came whole (good, or complete with a bad CRC), the
	 * camera may still be talking: the next request waits for the line
	 * to go quiet. Packets that delimit themselves need no such wait.
	 */
	if (ret && ret != -EBADMSG && !x->framed)
		link->line_dirty = true;
	return ret;
}
EXPORT_SYMBOL_GPL(sercam_link_xfer_claimed);

/**
 * sercam_link_xfer() - claim the link, run one exchange, release it
 * @link: the link
 * @x: the exchange
 *
 * Exchanges of several cameras thus interleave on the wire one at a time.
 *
 * Context: process context.
 * Return: as sercam_link_xfer_claimed(), or as sercam_link_claim().
 */
int sercam_link_xfer(struct sercam_link *link, struct sercam_xfer *x)
{
	int ret;

	ret = sercam_link_claim(link, x->stop);
	if (ret)
		return ret;
	ret = sercam_link_xfer_claimed(link, x);
	sercam_link_release(link);
	return ret;
}
EXPORT_SYMBOL_GPL(sercam_link_xfer);

/**
 * sercam_link_set_baud_claimed() - change the line's rate
 * @link: the link, claimed by the caller
 * @baud: new rate
 *
 * Waits until what was written has left at the old rate first. The serial
 * core silently picks another rate when the UART cannot do @baud, so the
 * rate it reports is checked.
 *
 * Context: process context.
 * Return: 0, or -EINVAL if the UART cannot run at @baud.
 */
int sercam_link_set_baud_claimed(struct sercam_link *link, u32 baud)
{
	unsigned int got;

	lockdep_assert_held(&link->lock);
	/* reprogramming a UART to the rate it has can glitch the line */
	if (baud == link->baud)
		return 0;
	if (!link->open) {
		/* set when the UART opens */
		WRITE_ONCE(link->baud, baud);
		return 0;
	}
	link->ops->wait_sent(link, msecs_to_jiffies(SERCAM_WRITE_TIMEOUT_MS));
	got = link->ops->set_baud(link, baud);
	if (abs((int)got - (int)baud) >
	    (int)baud * SERCAM_BAUD_TOLERANCE_PCT / 100) {
		dev_err(link->dev, "%s cannot run at %u baud (it offers %u)\n",
			sercam_link_name(link), baud, got);
		WRITE_ONCE(link->baud, got);
		return -EINVAL;
	}
	WRITE_ONCE(link->baud, baud);
	return 0;
}
EXPORT_SYMBOL_GPL(sercam_link_set_baud_claimed);

/**
 * sercam_link_open() - open the UART (probe, runtime resume)
 * @link: the link
 *
 * Waits for the link's owner, if any. The line runs at the rate it ran at
 * when it was closed, once one was set.
 *
 * Context: process context.
 * Return: 0 (also when already open), or a negative errno.
 */
int sercam_link_open(struct sercam_link *link)
{
	int ret = 0;

	mutex_lock(&link->lock);
	if (link->open)
		goto out;
	ret = link->ops->open(link);
	if (ret)
		goto out;
	if (link->baud)
		link->ops->set_baud(link, link->baud);
	link->line_dirty = false;
	WRITE_ONCE(link->open, true);
out:
	mutex_unlock(&link->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(sercam_link_open);

/**
 * sercam_link_close() - close the UART (runtime suspend, unbind)
 * @link: the link
 *
 * Waits for the link's owner to finish (callers stop the users first).
 * Until sercam_link_open(), requests fail with -EIO and received bytes,
 * if any, are dropped.
 *
 * Context: process context.
 */
void sercam_link_close(struct sercam_link *link)
{
	mutex_lock(&link->lock);
	if (link->open) {
		link->ops->close(link);
		WRITE_ONCE(link->open, false);
	}
	mutex_unlock(&link->lock);
	/*
	 * No bytes come now: a listener left in place (a family that
	 * listens for as long as its camera is there) hears no silence
	 * either, and the link may be freed after this.
	 */
	cancel_delayed_work_sync(&link->idle_work);
}
EXPORT_SYMBOL_GPL(sercam_link_close);

/**
 * sercam_link_is_open() - whether the UART is open
 * @link: the link
 *
 * Context: any; a snapshot.
 * Return: true while open.
 */
bool sercam_link_is_open(const struct sercam_link *link)
{
	return READ_ONCE(link->open);
}
EXPORT_SYMBOL_GPL(sercam_link_is_open);

/**
 * sercam_link_set_turnaround() - silence the cameras need before a request
 * @link: the link
 * @us: microseconds after the last received byte, 0 for none
 *
 * Context: process context; takes effect from the next request.
 */
void sercam_link_set_turnaround(struct sercam_link *link, u32 us)
{
	WRITE_ONCE(link->turnaround_us, us);
}
EXPORT_SYMBOL_GPL(sercam_link_set_turnaround);

/**
 * sercam_link_listen() - where bytes go when no exchange waits for them
 * @link: the link
 * @fn: the callback, or NULL to drop such bytes
 * @ctx: its context
 *
 * When it returns, the old callback is no longer running and will not be
 * called again.
 *
 * Context: process context.
 */
void sercam_link_listen(struct sercam_link *link, sercam_listen_fn fn,
			void *ctx)
{
	mutex_lock(&link->rx_lock);
	link->listen = fn;
	link->listen_ctx = ctx;
	mutex_unlock(&link->rx_lock);
	if (!fn)
		cancel_delayed_work_sync(&link->idle_work);
}
EXPORT_SYMBOL_GPL(sercam_link_listen);

/**
 * sercam_link_receive() - bytes arrived from the line
 * @link: the link
 * @buf: the bytes
 * @len: how many
 *
 * Called by the backend. The bytes go to the pending exchange, or the
 * listener, or are counted as dropped.
 *
 * Context: process context (serdev's receive_buf, a tty's receive work).
 */
void sercam_link_receive(struct sercam_link *link, const u8 *buf, size_t len)
{
	ktime_t start = ktime_get();
	bool dropped = false;
	unsigned long flags;

	mutex_lock(&link->rx_lock);
	link->last_rx = start;
	if (link->xfer)
		link->xfer->rx(link->xfer, buf, len);
	else if (link->listen)
		link->listen(link->listen_ctx, buf, len, start);
	else
		dropped = true;
	/*
	 * Armed once per silence, not pushed back on every run: the work
	 * measures the quiet from last_rx and waits out what is left.
	 */
	if (link->listen)
		queue_delayed_work(system_wq, &link->idle_work,
				   msecs_to_jiffies(SERCAM_LINK_IDLE_MS));
	flags = u64_stats_update_begin_irqsave(&link->rx_sync);
	u64_stats_add(&link->rx_bytes, len);
	if (dropped)
		u64_stats_add(&link->rx_dropped, len);
	u64_stats_add(&link->rx_ns, ktime_get_ns() - ktime_to_ns(start));
	u64_stats_update_end_irqrestore(&link->rx_sync, flags);
	mutex_unlock(&link->rx_lock);
}
EXPORT_SYMBOL_GPL(sercam_link_receive);

/**
 * sercam_link_stats() - read the link's counters
 * @link: the link
 * @s: where to put them
 *
 * Context: any; does not wait for an exchange.
 */
void sercam_link_stats(struct sercam_link *link, struct sercam_link_stats *s)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&link->rx_sync);
		s->rx_bytes = u64_stats_read(&link->rx_bytes);
		s->rx_dropped = u64_stats_read(&link->rx_dropped);
		s->rx_ns = u64_stats_read(&link->rx_ns);
	} while (u64_stats_fetch_retry(&link->rx_sync, start));
	do {
		start = u64_stats_fetch_begin(&link->tx_sync);
		s->tx_bytes = u64_stats_read(&link->tx_bytes);
	} while (u64_stats_fetch_retry(&link->tx_sync, start));
}
EXPORT_SYMBOL_GPL(sercam_link_stats);
