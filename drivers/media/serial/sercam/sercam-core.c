// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial JPEG cameras as V4L2 devices: the bus
 *
 * The serdev device owns the UART. This layer finds the rate the cameras
 * answer at, runs one request/reply exchange at a time on the wire, and
 * hands received bytes to the camera family's parser. It knows nothing of
 * the bytes' meaning.
 *
 * An exchange ends when the family's receive hook says its reply is
 * complete (or broken), or on a timeout: first_ms until the first byte,
 * then gap_ms of silence at most, total_ms in all. Long replies thus get as
 * long as the wire needs, and a silent camera is noticed quickly.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/regulator/consumer.h>
#include <linux/seq_file.h>
#include <linux/serdev.h>
#include <linux/slab.h>

#include "sercam-compat.h"
#include "sercam.h"

#define SERCAM_MIN_BAUD			1200
#define SERCAM_MAX_BAUD			4000000
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
 * image at a low rate, or noise) must not stall us for ever. At probe a
 * camera may be finishing a whole image an earlier instance asked for.
 */
#define SERCAM_QUIET_MAX_MS		5000
#define SERCAM_PROBE_QUIET_MAX_MS	30000
/* Write timeout for a request (a few bytes into the tty buffer). */
#define SERCAM_WRITE_TIMEOUT_MS		500
/* Hello attempts per rate while scanning. */
#define SERCAM_HELLO_TRIES		2
/* Reset pulse and the time a camera takes to boot after it. */
#define SERCAM_RESET_US			10000
#define SERCAM_BOOT_MS			100

static struct dentry *sercam_debugfs_root;

/**
 * sercam_wire_ms() - time the wire takes for some bytes at the bus's rate
 * @bus: the bus
 * @bytes: number of bytes, each 10 bit times (8N1)
 *
 * Return: milliseconds, rounded up.
 */
unsigned int sercam_wire_ms(const struct sercam_bus *bus, u32 bytes)
{
	u32 baud = bus->baud ? bus->baud : 9600;

	return DIV_ROUND_UP_ULL((u64)bytes * 10 * MSEC_PER_SEC, baud);
}

/**
 * sercam_uart_name() - the UART a bus is on, for messages
 * @bus: the bus
 *
 * Return: the name of the UART's device (e.g. "9000000.pl011"), or of the
 * serdev controller when the UART has none.
 */
const char *sercam_uart_name(const struct sercam_bus *bus)
{
	struct device *ctrl = bus->dev->parent;

	return dev_name(ctrl->parent ? ctrl->parent : ctrl);
}

static ktime_t sercam_last_rx(struct sercam_bus *bus)
{
	ktime_t t;

	mutex_lock(&bus->rx_lock);
	t = bus->last_rx;
	mutex_unlock(&bus->rx_lock);
	return t;
}

/* Wait until nothing has been received for @quiet_us, at most @max_ms. */
static void sercam_wait_quiet(struct sercam_bus *bus, u32 quiet_us,
			      unsigned int max_ms)
{
	ktime_t limit = ktime_add_ms(ktime_get(), max_ms);

	for (;;) {
		ktime_t now = ktime_get();
		s64 idle = ktime_us_delta(now, sercam_last_rx(bus));

		if (idle >= quiet_us || ktime_after(now, limit))
			break;
		usleep_range(quiet_us - idle, quiet_us - idle + 1000);
	}
	bus->line_dirty = false;
}

static u32 sercam_quiet_us(const struct sercam_bus *bus)
{
	return max_t(u32, SERCAM_QUIET_MIN_US,
		     sercam_wire_ms(bus, SERCAM_QUIET_BYTES) * USEC_PER_MSEC);
}

/**
 * sercam_send_locked() - put bytes on the wire without waiting for a reply
 * @bus: the bus, with &sercam_bus.lock held
 * @tx: bytes to send
 * @len: number of bytes
 *
 * Return: 0, or a negative errno if the UART did not take them.
 */
int sercam_send_locked(struct sercam_bus *bus, const u8 *tx, size_t len)
{
	ssize_t ret;

	lockdep_assert_held(&bus->lock);
	if (bus->line_dirty)
		sercam_wait_quiet(bus, sercam_quiet_us(bus), SERCAM_QUIET_MAX_MS);
	ret = serdev_device_write(bus->serdev, tx, len,
				  msecs_to_jiffies(SERCAM_WRITE_TIMEOUT_MS));
	if (ret < 0)
		return ret;
	if (ret != len)
		return -ETIMEDOUT;
	bus->tx_bytes += len;
	return 0;
}

/**
 * sercam_xfer_end() - end the pending exchange
 * @bus: the bus, with &sercam_bus.rx_lock held
 * @status: 0 for a good reply, else a negative errno
 *
 * Called by the family's receive hook. Bytes that follow belong to no
 * exchange until the next one starts.
 */
void sercam_xfer_end(struct sercam_bus *bus, int status)
{
	struct sercam_xfer *x = bus->xfer;

	lockdep_assert_held(&bus->rx_lock);
	if (!x)
		return;
	x->status = status;
	bus->xfer = NULL;
	complete(&x->done);
}

/**
 * sercam_xfer_cancel() - end a camera's pending exchange at once
 * @bus: the bus
 * @cam: the camera; its &sercam_cam.stopping must already be set
 *
 * The exchange returns -ECANCELED. An exchange that starts after this sees
 * @cam->stopping and returns -ECANCELED without sending.
 */
void sercam_xfer_cancel(struct sercam_bus *bus, struct sercam_cam *cam)
{
	mutex_lock(&bus->rx_lock);
	if (bus->xfer && bus->xfer->cam == cam)
		sercam_xfer_end(bus, -ECANCELED);
	mutex_unlock(&bus->rx_lock);
}

/* Attach @x as the pending exchange, unless its camera is stopping. */
static bool sercam_xfer_attach(struct sercam_bus *bus, struct sercam_xfer *x)
{
	bool ok;

	mutex_lock(&bus->rx_lock);
	ok = !(x->cam && READ_ONCE(x->cam->stopping));
	if (ok) {
		bus->xfer = x;
		bus->family->rx_start(bus, x);
	}
	mutex_unlock(&bus->rx_lock);
	return ok;
}

/*
 * Detach @x if the receive path has not ended it; returns its status:
 * -ETIMEDOUT, or what the receive path noted about the broken reply.
 */
static int sercam_xfer_detach(struct sercam_bus *bus, struct sercam_xfer *x)
{
	mutex_lock(&bus->rx_lock);
	if (bus->xfer == x)
		bus->xfer = NULL;
	mutex_unlock(&bus->rx_lock);
	return x->status;
}

/* Wait for the reply: first byte, then no gap longer than gap_ms. */
static void sercam_xfer_wait(struct sercam_bus *bus, struct sercam_xfer *x,
			     ktime_t sent, unsigned int tx_ms)
{
	ktime_t first = ktime_add_ms(sent, x->first_ms + tx_ms);
	ktime_t total = ktime_add_ms(sent, x->total_ms + tx_ms);

	for (;;) {
		ktime_t last = sercam_last_rx(bus);
		ktime_t now = ktime_get();
		unsigned long left;
		ktime_t deadline;

		if (ktime_after(last, sent))
			deadline = ktime_add_ms(last, x->gap_ms);
		else
			deadline = first;
		if (ktime_after(deadline, total))
			deadline = total;
		if (!ktime_before(now, deadline))
			return;
		left = usecs_to_jiffies(ktime_us_delta(deadline, now)) + 1;
		if (wait_for_completion_timeout(&x->done, left))
			return;
	}
}

/**
 * sercam_xfer_locked() - send a request and wait for its reply
 * @bus: the bus, with &sercam_bus.lock held
 * @tx: the request
 * @len: its length
 * @x: the exchange: timeouts, camera and the family's reply description
 *	set by the caller; @x->status is set here
 *
 * Return: 0 when the family's receive hook accepted a reply, -ETIMEDOUT,
 * -ECANCELED if the camera is stopping, or the errno the receive hook
 * ended the exchange with, or noted in @x->status before it timed out.
 */
int sercam_xfer_locked(struct sercam_bus *bus, const u8 *tx, size_t len,
		       struct sercam_xfer *x)
{
	ktime_t sent;
	int ret;

	lockdep_assert_held(&bus->lock);
	init_completion(&x->done);
	x->status = -ETIMEDOUT;
	if (bus->line_dirty)
		sercam_wait_quiet(bus, sercam_quiet_us(bus), SERCAM_QUIET_MAX_MS);
	if (!sercam_xfer_attach(bus, x))
		return -ECANCELED;

	sent = ktime_get();
	ret = sercam_send_locked(bus, tx, len);
	if (ret) {
		sercam_xfer_detach(bus, x);
		return ret;
	}
	sercam_xfer_wait(bus, x, sent, sercam_wire_ms(bus, len));
	ret = sercam_xfer_detach(bus, x);
	/*
	 * Unless the reply came whole (good, or complete with a bad CRC), the
	 * camera may still be talking: the next request waits for the line
	 * to go quiet.
	 */
	if (ret && ret != -EBADMSG)
		bus->line_dirty = true;
	if (ret == -ETIMEDOUT && x->cam)
		x->cam->stats.timeouts++;
	return ret;
}

/**
 * sercam_xfer() - send a request and wait for its reply
 * @bus: the bus
 * @tx: the request
 * @len: its length
 * @x: the exchange (see sercam_xfer_locked())
 *
 * Takes &sercam_bus.lock for the exchange, so exchanges of several cameras
 * interleave on the wire one at a time.
 *
 * Return: as sercam_xfer_locked().
 */
int sercam_xfer(struct sercam_bus *bus, const u8 *tx, size_t len,
		struct sercam_xfer *x)
{
	int ret;

	mutex_lock(&bus->lock);
	ret = sercam_xfer_locked(bus, tx, len, x);
	mutex_unlock(&bus->lock);
	return ret;
}

/**
 * sercam_bus_set_baud_locked() - change the UART's rate
 * @bus: the bus, with &sercam_bus.lock held
 * @baud: new rate
 *
 * Waits until what was written has left at the old rate first. The serial
 * core silently picks another rate when the UART cannot do @baud, so the
 * rate it reports is checked.
 *
 * Return: 0, or -EINVAL if the UART cannot run at @baud.
 */
int sercam_bus_set_baud_locked(struct sercam_bus *bus, u32 baud)
{
	unsigned int got;

	lockdep_assert_held(&bus->lock);
	serdev_device_wait_until_sent(bus->serdev,
				      msecs_to_jiffies(SERCAM_WRITE_TIMEOUT_MS));
	got = serdev_device_set_baudrate(bus->serdev, baud);
	if (abs((int)got - (int)baud) > (int)baud * SERCAM_BAUD_TOLERANCE_PCT / 100) {
		dev_err(bus->dev, "UART cannot run at %u baud (it offers %u)\n",
			baud, got);
		bus->baud = got;
		return -EINVAL;
	}
	bus->baud = baud;
	return 0;
}

static int sercam_hello_at(struct sercam_bus *bus, struct sercam_cam *cam,
			   u32 baud)
{
	int i, ret;

	ret = sercam_bus_set_baud_locked(bus, baud);
	if (ret)
		return ret;
	for (i = 0; i < SERCAM_HELLO_TRIES; i++) {
		ret = bus->family->hello(cam);
		if (!ret || ret == -ECANCELED)
			return ret;
	}
	return ret;
}

/* Switch every camera to max-speed; stay at the found rate if that fails. */
static void sercam_bus_speed_up(struct sercam_bus *bus, struct sercam_cam *cam)
{
	u32 found = bus->baud;

	if (!bus->max_baud || bus->max_baud == found)
		return;
	if (bus->family->set_rate(bus, bus->max_baud) ||
	    sercam_hello_at(bus, cam, bus->max_baud)) {
		dev_warn(bus->dev,
			 "camera %u did not answer at max-speed %u baud, staying at %u\n",
			 cam->addr, bus->max_baud, found);
		/*
		 * A camera that did switch and then failed to answer is
		 * told to come back; one that never switched ignores this,
		 * since it cannot understand the new rate.
		 */
		if (!sercam_bus_set_baud_locked(bus, bus->max_baud))
			bus->family->set_rate(bus, found);
		sercam_hello_at(bus, cam, found);
	}
}

/*
 * Find the rate @cam answers at: the current one, then the power-on rate,
 * then the family's list. Appends the rates tried to @tried.
 */
static int sercam_bus_find_rate(struct sercam_bus *bus, struct sercam_cam *cam,
				char *tried, size_t size)
{
	const u32 *r = bus->family->rates;
	u32 order[16];
	size_t pos = 0;
	int n = 0, i, j, ret = -ENODEV;

	if (bus->baud)
		order[n++] = bus->baud;
	order[n++] = bus->poweron_baud;
	for (; *r && n < ARRAY_SIZE(order); r++)
		order[n++] = *r;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && order[j] != order[i]; j++)
			;
		if (j < i)
			continue;
		pos += scnprintf(tried + pos, size - pos, "%s%u",
				 pos ? " " : "", order[i]);
		ret = sercam_hello_at(bus, cam, order[i]);
		if (!ret || ret == -ECANCELED)
			return ret;
	}
	return -ENODEV;
}

/**
 * sercam_bus_resync() - find a camera that stopped answering
 * @bus: the bus
 * @cam: the camera
 *
 * Tries the current rate, then scans (a camera that browned out comes back
 * at its power-on rate), then switches everyone to max-speed again.
 *
 * Return: 0 when @cam answers again, -ENODEV if it does not at any rate,
 * -ECANCELED if the camera is stopping.
 */
int sercam_bus_resync(struct sercam_bus *bus, struct sercam_cam *cam)
{
	u32 was = bus->baud;
	char tried[128];
	int ret;

	mutex_lock(&bus->lock);
	cam->stats.resyncs++;
	ret = sercam_bus_find_rate(bus, cam, tried, sizeof(tried));
	if (!ret)
		sercam_bus_speed_up(bus, cam);
	else if (was)
		/* the other cameras on the bus are still at the old rate */
		sercam_bus_set_baud_locked(bus, was);
	mutex_unlock(&bus->lock);
	if (ret == -ENODEV)
		dev_err_ratelimited(bus->dev,
				    "camera %u on %s lost: no answer at %s baud\n",
				    cam->addr, sercam_uart_name(bus), tried);
	return ret;
}

static SERCAM_RX_RET sercam_receive_buf(struct serdev_device *serdev,
					const u8 *buf, size_t len)
{
	struct sercam_bus *bus = serdev_device_get_drvdata(serdev);
	ktime_t start = ktime_get();

	mutex_lock(&bus->rx_lock);
	bus->rx_bytes += len;
	bus->last_rx = start;
	if (bus->xfer)
		bus->family->receive(bus, buf, len);
	else
		bus->rx_dropped += len;
	bus->rx_ns += ktime_get_ns() - ktime_to_ns(start);
	mutex_unlock(&bus->rx_lock);
	return len;
}

static const struct serdev_device_ops sercam_serdev_ops = {
	.receive_buf = sercam_receive_buf,
	.write_wakeup = serdev_device_write_wakeup,
};

static bool sercam_rate_known(const struct sercam_family *f, u32 baud)
{
	const u32 *r;

	for (r = f->rates; *r; r++)
		if (*r == baud)
			return true;
	return false;
}

/* The frame-size table: the family's, or <code width height> from DT. */
static int sercam_parse_modes(struct sercam_bus *bus, struct sercam_cam *cam,
			      struct fwnode_handle *node)
{
	const struct sercam_family *f = bus->family;
	u32 raw[SERCAM_MAX_MODES * 3];
	int n, i, j;

	if (!fwnode_property_present(node, f->modes_prop)) {
		for (i = 0; i < f->num_modes; i++) {
			cam->modes[i] = f->compatible_modes[i];
			f->fill_mode(&cam->modes[i]);
		}
		cam->num_modes = f->num_modes;
		return 0;
	}
	n = fwnode_property_count_u32(node, f->modes_prop);
	if (n <= 0 || n % 3 || n > ARRAY_SIZE(raw)) {
		dev_err(bus->dev,
			"%pfwP: %s must be 1 to %u <code width height> triplets, has %d cells\n",
			node, f->modes_prop, SERCAM_MAX_MODES, n);
		return -EINVAL;
	}
	fwnode_property_read_u32_array(node, f->modes_prop, raw, n);
	for (i = 0; i < n / 3; i++) {
		struct sercam_mode *m = &cam->modes[i];

		m->code = raw[3 * i];
		m->width = raw[3 * i + 1];
		m->height = raw[3 * i + 2];
		if (m->code > 0xff || m->width < 16 || m->width > 4096 ||
		    m->height < 16 || m->height > 4096 ||
		    (m->width | m->height) & 1) {
			dev_err(bus->dev,
				"%pfwP: %s entry %d <%u %u %u>: code must be 0..255, sizes even and 16..4096\n",
				node, f->modes_prop, i, m->code, m->width,
				m->height);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (cam->modes[j].code == m->code ||
			    (cam->modes[j].width == m->width &&
			     cam->modes[j].height == m->height)) {
				dev_err(bus->dev,
					"%pfwP: %s entry %d repeats a code or size\n",
					node, f->modes_prop, i);
				return -EINVAL;
			}
		}
		f->fill_mode(m);
	}
	cam->num_modes = n / 3;
	return 0;
}

/* Start at the size closest to VGA: what most applications ask for. */
static unsigned int sercam_default_mode(const struct sercam_cam *cam)
{
	unsigned int i, best = 0;
	s64 d, best_d = S64_MAX;

	for (i = 0; i < cam->num_modes; i++) {
		d = abs((s64)cam->modes[i].width * cam->modes[i].height -
			640 * 480);
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

static int sercam_add_cam(struct sercam_bus *bus, struct fwnode_handle *node,
			  u32 addr)
{
	const struct sercam_family *f = bus->family;
	struct sercam_cam *cam;
	unsigned int i;
	int ret;

	if (addr < f->addr_min || addr > f->addr_max) {
		dev_err(bus->dev, "%pfwP: camera address %u is not in %u..%u\n",
			node, addr, f->addr_min, f->addr_max);
		return -EINVAL;
	}
	for (i = 0; i < bus->num_cams; i++) {
		if (bus->cams[i]->addr == addr) {
			dev_err(bus->dev, "%pfwP: camera address %u used twice\n",
				node, addr);
			return -EINVAL;
		}
	}
	if (bus->num_cams == SERCAM_MAX_CAMS) {
		dev_err(bus->dev, "more than %u cameras on one bus\n",
			SERCAM_MAX_CAMS);
		return -EINVAL;
	}
	cam = sercam_cam_alloc(bus, addr);
	if (!cam)
		return -ENOMEM;
	bus->cams[bus->num_cams++] = cam;
	/* a camera node without its own table uses the bus node's */
	if (!fwnode_property_present(node, f->modes_prop))
		node = dev_fwnode(bus->dev);
	ret = sercam_parse_modes(bus, cam, node);
	cam->mode = sercam_default_mode(cam);
	return ret;
}

/*
 * A camera may power on at any rate its firmware was built for; the rates
 * it can be switched to are the family's list. An optional rate that is
 * absent reads as 0.
 */
static int sercam_parse_rate(struct sercam_bus *bus, const char *prop,
			     u32 *baud, bool required, bool switchable)
{
	int ret;

	*baud = 0;
	if (!device_property_present(bus->dev, prop)) {
		if (!required)
			return 0;
		dev_err(bus->dev,
			"%s missing: the cameras' power-on baud rate is required\n",
			prop);
		return -EINVAL;
	}
	ret = device_property_read_u32(bus->dev, prop, baud);
	if (ret) {
		dev_err(bus->dev, "%s: not a single u32 (%d)\n", prop, ret);
		return ret;
	}
	if (switchable && !sercam_rate_known(bus->family, *baud)) {
		dev_err(bus->dev,
			"%s = %u: a %s camera cannot be switched to that rate\n",
			prop, *baud, bus->family->name);
		return -EINVAL;
	}
	if (*baud < SERCAM_MIN_BAUD || *baud > SERCAM_MAX_BAUD) {
		dev_err(bus->dev, "%s = %u: not a UART rate (%u..%u)\n",
			prop, *baud, SERCAM_MIN_BAUD, SERCAM_MAX_BAUD);
		return -EINVAL;
	}
	return 0;
}

/* Rates, then the cameras: child nodes with reg, or this node alone. */
static int sercam_parse_bus(struct sercam_bus *bus)
{
	const struct sercam_family *f = bus->family;
	struct fwnode_handle *child;
	u32 addr;
	int ret;

	ret = sercam_parse_rate(bus, "current-speed", &bus->poweron_baud,
				true, false);
	if (ret)
		return ret;
	ret = sercam_parse_rate(bus, "max-speed", &bus->max_baud, false, true);
	if (ret)
		return ret;

	device_for_each_child_node(bus->dev, child) {
		ret = fwnode_property_read_u32(child, "reg", &addr);
		if (ret) {
			dev_err(bus->dev, "%pfwP: camera without reg (%d)\n",
				child, ret);
			fwnode_handle_put(child);
			return ret;
		}
		ret = sercam_add_cam(bus, child, addr);
		if (ret) {
			fwnode_handle_put(child);
			return ret;
		}
	}
	if (bus->num_cams) {
		if (device_property_present(bus->dev, f->addr_prop)) {
			dev_err(bus->dev,
				"%s and camera child nodes both given; use one\n",
				f->addr_prop);
			return -EINVAL;
		}
		return 0;
	}

	addr = f->addr_default;
	if (device_property_present(bus->dev, f->addr_prop)) {
		ret = device_property_read_u32(bus->dev, f->addr_prop, &addr);
		if (ret) {
			dev_err(bus->dev, "%s: not a single u32 (%d)\n",
				f->addr_prop, ret);
			return ret;
		}
	}
	return sercam_add_cam(bus, dev_fwnode(bus->dev), addr);
}

static int sercam_power_on(struct sercam_bus *bus)
{
	struct device *dev = bus->dev;
	int ret;

	ret = devm_regulator_get_enable_optional(dev, "vdd");
	if (ret && ret != -ENODEV)
		return dev_err_probe(dev, ret, "cannot enable vdd supply\n");

	bus->powerdown_gpio = devm_gpiod_get_optional(dev, "powerdown",
						      GPIOD_OUT_LOW);
	if (IS_ERR(bus->powerdown_gpio))
		return dev_err_probe(dev, PTR_ERR(bus->powerdown_gpio),
				     "cannot get powerdown-gpios\n");
	bus->reset_gpio = devm_gpiod_get_optional(dev, "reset", GPIOD_OUT_HIGH);
	if (IS_ERR(bus->reset_gpio))
		return dev_err_probe(dev, PTR_ERR(bus->reset_gpio),
				     "cannot get reset-gpios\n");
	if (bus->reset_gpio) {
		usleep_range(SERCAM_RESET_US, 2 * SERCAM_RESET_US);
		gpiod_set_value_cansleep(bus->reset_gpio, 0);
	}
	if (bus->reset_gpio || bus->powerdown_gpio)
		msleep(SERCAM_BOOT_MS);
	return 0;
}

static int sercam_bus_debugfs_show(struct seq_file *m, void *unused)
{
	struct sercam_bus *bus = m->private;

	mutex_lock(&bus->lock);
	seq_printf(m, "family: %s\nbaud: %u\npoweron_baud: %u\nmax_baud: %u\n",
		   bus->family->name, bus->baud, bus->poweron_baud,
		   bus->max_baud);
	seq_printf(m, "rx_bytes: %llu\ntx_bytes: %llu\nrx_dropped: %llu\nrx_ns: %llu\n",
		   bus->rx_bytes, bus->tx_bytes, bus->rx_dropped, bus->rx_ns);
	mutex_unlock(&bus->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sercam_bus_debugfs);

static void sercam_put_cams(struct sercam_bus *bus)
{
	while (bus->num_cams)
		sercam_cam_put(bus->cams[--bus->num_cams]);
}

/*
 * A camera of the bus that did not answer at probe: it gets no video node,
 * and leaves the bus so that nothing (rate changes, timeouts) waits on it.
 */
static void sercam_drop_cam(struct sercam_bus *bus, unsigned int i, int err)
{
	dev_warn(bus->dev,
		 "%s camera at address %u on %s does not answer at %u baud (%d): no video node for it\n",
		 bus->family->name, bus->cams[i]->addr, sercam_uart_name(bus),
		 bus->baud, err);
	sercam_cam_put(bus->cams[i]);
	bus->num_cams--;
	memmove(&bus->cams[i], &bus->cams[i + 1],
		(bus->num_cams - i) * sizeof(bus->cams[0]));
}

/*
 * Find the bus rate with the first camera, in devicetree order, that
 * answers at all. Return: that camera, or NULL (@tried then lists the
 * rates tried, @addrs the addresses).
 */
static struct sercam_cam *sercam_bus_find_first(struct sercam_bus *bus,
						char *tried, size_t size,
						char *addrs, size_t asize)
{
	struct sercam_cam *cam;
	size_t pos = 0;
	unsigned int i;

	for (i = 0; i < bus->num_cams; i++) {
		cam = bus->cams[i];
		/* every scan tries the same rates: name them once */
		if (!sercam_bus_find_rate(bus, cam, tried, i ? 0 : size))
			return cam;
		pos += scnprintf(addrs + pos, asize - pos, "%s%u",
				 pos ? " " : "", cam->addr);
	}
	return NULL;
}

/* Twice the longest capture of any camera on the bus, at least 100 ms. */
static u32 sercam_probe_quiet_us(const struct sercam_bus *bus)
{
	u32 us = 100 * USEC_PER_MSEC;
	unsigned int i, m;

	for (i = 0; i < bus->num_cams; i++)
		for (m = 0; m < bus->cams[i]->num_modes; m++)
			us = max(us, 2 * bus->cams[i]->modes[m].capture_us);
	return us;
}

static int sercam_probe(struct serdev_device *serdev)
{
	struct device *dev = &serdev->dev;
	struct sercam_cam *first;
	struct sercam_bus *bus;
	char tried[128], addrs[4 * SERCAM_MAX_CAMS];
	unsigned int i;
	int ret;

	bus = devm_kzalloc(dev, sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return -ENOMEM;
	bus->serdev = serdev;
	bus->dev = dev;
	bus->family = device_get_match_data(dev);
	mutex_init(&bus->lock);
	mutex_init(&bus->rx_lock);
	serdev_device_set_drvdata(serdev, bus);

	ret = sercam_parse_bus(bus);
	if (ret)
		goto err_put_cams;
	ret = sercam_power_on(bus);
	if (ret)
		goto err_put_cams;
	ret = bus->family->bus_init(bus);
	if (ret)
		goto err_put_cams;

	serdev_device_set_client_ops(serdev, &sercam_serdev_ops);
	ret = devm_serdev_device_open(dev, serdev);
	if (ret) {
		dev_err_probe(dev, ret, "cannot open the UART\n");
		goto err_put_cams;
	}
	serdev_device_set_flow_control(serdev, false);
	ret = serdev_device_set_parity(serdev, SERDEV_PARITY_NONE);
	if (ret) {
		dev_err(dev, "UART cannot do 8N1 without parity (%d)\n", ret);
		goto err_put_cams;
	}
	/*
	 * A camera may still be working on what an earlier driver instance
	 * asked for: capturing (silent), then sending. Only a silence longer
	 * than its longest capture says it is idle; then say hello.
	 */
	bus->last_rx = ktime_get();
	sercam_wait_quiet(bus, sercam_probe_quiet_us(bus),
			  SERCAM_PROBE_QUIET_MAX_MS);

	mutex_lock(&bus->lock);
	first = sercam_bus_find_first(bus, tried, sizeof(tried), addrs,
				      sizeof(addrs));
	if (first)
		sercam_bus_speed_up(bus, first);
	mutex_unlock(&bus->lock);
	if (!first) {
		dev_err(dev, "no %s camera at address%s %s on %s: no answer at %s baud\n",
			bus->family->name, bus->num_cams > 1 ? "es" : "", addrs,
			sercam_uart_name(bus), tried);
		ret = -ENODEV;
		goto err_put_cams;
	}

	/*
	 * One camera missing from a shared bus must not take the others
	 * down: it is left out, with a warning that names it.
	 */
	for (i = 0; i < bus->num_cams; ) {
		ret = bus->family->cam_init(bus->cams[i]);
		if (ret == -ENOMEM)
			goto err_put_cams;
		if (ret)
			sercam_drop_cam(bus, i, ret);
		else
			i++;
	}
	if (!bus->num_cams) {
		dev_err(dev, "no %s camera on %s answers at %u baud\n",
			bus->family->name, sercam_uart_name(bus), bus->baud);
		ret = -ENODEV;
		goto err_put_cams;
	}

	bus->debugfs = debugfs_create_dir(dev_name(dev), sercam_debugfs_root);
	debugfs_create_file("bus", 0444, bus->debugfs, bus,
			    &sercam_bus_debugfs_fops);
	for (i = 0; i < bus->num_cams; i++) {
		ret = sercam_cam_register(bus->cams[i]);
		if (ret)
			goto err_unregister;
	}
	dev_info(dev, "%u %s camera(s) on %s at %u baud\n", bus->num_cams,
		 bus->family->name, sercam_uart_name(bus), bus->baud);
	return 0;

err_unregister:
	while (i--)
		sercam_cam_unregister(bus->cams[i]);
	debugfs_remove_recursive(bus->debugfs);
err_put_cams:
	sercam_put_cams(bus);
	return ret;
}

static void sercam_remove(struct serdev_device *serdev)
{
	struct sercam_bus *bus = serdev_device_get_drvdata(serdev);
	unsigned int i;

	for (i = bus->num_cams; i--; )
		sercam_cam_unregister(bus->cams[i]);
	debugfs_remove_recursive(bus->debugfs);
	sercam_put_cams(bus);
}

static const struct of_device_id sercam_of_match[] = {
	{ .compatible = "sxh,sxh485", .data = &sercam_sxh485_family },
	{ }
};
MODULE_DEVICE_TABLE(of, sercam_of_match);

static struct serdev_device_driver sercam_driver = {
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = sercam_of_match,
	},
	.probe = sercam_probe,
	.remove = sercam_remove,
};

static int __init sercam_init(void)
{
	int ret;

	sercam_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = serdev_device_driver_register(&sercam_driver);
	if (ret)
		debugfs_remove_recursive(sercam_debugfs_root);
	return ret;
}
module_init(sercam_init);

static void __exit sercam_exit(void)
{
	serdev_device_driver_unregister(&sercam_driver);
	debugfs_remove_recursive(sercam_debugfs_root);
}
module_exit(sercam_exit);

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("Serial JPEG cameras (SXH485) as V4L2 capture devices");
MODULE_LICENSE("GPL");
