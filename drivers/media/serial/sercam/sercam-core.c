// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the framework
 *
 * What every family shares, between its serdev driver and the layers: read
 * the bus's description (devicetree, or the software node of a tty
 * attached from user space), power the
 * cameras, open the link, find the rate they answer at, switch them to
 * max-speed, and give each camera a video node. A family's probe calls
 * sercam_serdev_probe() with its &struct sercam_family, as a GNSS
 * receiver's calls gnss_serial_register().
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/kernel.h>
#include <linux/kmod.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/property.h>
#include <linux/regulator/consumer.h>
#include <linux/seq_file.h>
#include <linux/serdev.h>
#include <linux/slab.h>
#include <linux/videodev2.h>

#include "sercam-priv.h"

#define SERCAM_MIN_BAUD			1200
#define SERCAM_MAX_BAUD			12000000
/* Hello attempts per rate while scanning. */
#define SERCAM_HELLO_TRIES		2
/* Reset pulse and the time a camera takes to boot after it. */
#define SERCAM_RESET_US			10000
#define SERCAM_BOOT_MS			100
/* At probe a camera may be finishing a whole image an earlier driver asked for. */
#define SERCAM_PROBE_QUIET_MAX_MS	30000
/* The default mode's typical frame arrives within this, at the link's rate. */
#define SERCAM_DEFAULT_FRAME_MS		1500
/* An absent camera is looked for again after this, doubling up to the max. */
#define SERCAM_BACKOFF_MIN_MS		1000
#define SERCAM_BACKOFF_MAX_MS		8000
/*
 * Cameras found at a slower rate than the bus's and not moved back up are
 * tried again after this, doubling up to the max: a noisy line that broke
 * the switch may be clean again.
 */
#define SERCAM_SPEEDUP_MIN_MS		10000
#define SERCAM_SPEEDUP_MAX_MS		160000
/* Power and UART stay on this long after the last user (sysfs can change it). */
#define SERCAM_AUTOSUSPEND_MS		2000

static struct dentry *sercam_debugfs_root;

static struct sercam_cam *to_sercam_cam(struct sercam_camera *c)
{
	return container_of(c, struct sercam_cam, c);
}

static int sercam_hello_at(struct sercam_bus *bus, struct sercam_cam *cam,
			   u32 baud, int tries, const struct sercam_stop *stop)
{
	int i, ret;

	ret = sercam_link_set_baud_claimed(&bus->link, baud);
	if (ret)
		return ret;
	for (i = 0; i < tries; i++) {
		ret = bus->family->ops->hello(&cam->c, stop);
		if (!ret || ret == -ECANCELED || ret == -EINTR)
			return ret;
	}
	return ret;
}

/*
 * Move the cameras to the bus's rate (max-speed, else the power-on rate);
 * stay at the found rate if that fails, and try again later. A switch cut
 * short leaves the cameras' rate unknown (the camera may have switched
 * while the link went back), so a stream stopping does not end it: it
 * waits for the switch (a second at worst, when the camera is silent).
 * Only unbind and system sleep do, after which the cameras are looked for
 * again anyway. The link is claimed.
 */
static void sercam_bus_speed_up(struct sercam_bus *bus, struct sercam_cam *cam)
{
	const struct sercam_family_ops *ops = bus->family->ops;
	const struct sercam_stop *stop = &bus->stop;
	u32 found = sercam_link_baud(&bus->link);

	if (!bus->target_baud || bus->target_baud == found || !ops->set_rate)
		return;
	if (ops->set_rate(&cam->c, bus->target_baud, stop) ||
	    sercam_hello_at(bus, cam, bus->target_baud, SERCAM_HELLO_TRIES,
			    stop)) {
		/*
		 * A camera that did switch and then failed to answer is
		 * told to come back; one that never switched ignores this,
		 * since it cannot understand the new rate.
		 */
		if (!sercam_link_set_baud_claimed(&bus->link, bus->target_baud))
			ops->set_rate(&cam->c, found, stop);
		sercam_hello_at(bus, cam, found, SERCAM_HELLO_TRIES, stop);
		if (sercam_stopped(stop))
			return;
		bus->speedup_ms = clamp(bus->speedup_ms * 2,
					SERCAM_SPEEDUP_MIN_MS,
					SERCAM_SPEEDUP_MAX_MS);
		WRITE_ONCE(bus->speedup_at,
			   jiffies + msecs_to_jiffies(bus->speedup_ms));
		dev_warn(bus->dev,
			 "camera %u did not answer at %u baud, staying at %u; trying again in %u s\n",
			 cam->c.addr, bus->target_baud, found,
			 bus->speedup_ms / 1000);
		return;
	}
	bus->speedup_ms = 0;
	if (found)
		dev_info(bus->dev, "cameras on %s moved to %u baud (from %u)\n",
			 sercam_link_name(&bus->link), bus->target_baud, found);
}

/* The cameras answer below the bus's rate: is it time to try again? */
static void sercam_bus_keep_speed(struct sercam_bus *bus,
				  struct sercam_cam *cam,
				  const struct sercam_stop *stop)
{
	if (!bus->family->ops->set_rate || !bus->target_baud ||
	    sercam_link_baud(&bus->link) == bus->target_baud ||
	    time_before(jiffies, READ_ONCE(bus->speedup_at)) ||
	    sercam_link_claim(&bus->link, stop))
		return;
	if (time_after_eq(jiffies, bus->speedup_at))
		sercam_bus_speed_up(bus, cam);
	sercam_link_release(&bus->link);
}

/*
 * Find the rate @cam answers at: the current one, then the power-on rate,
 * then the bus's (max-speed: a camera this driver moved there keeps it
 * until it loses power, across a reload of the driver or a reboot of the
 * host), then (@full) the family's list. A quick look (!@full) says hello
 * once per rate: it is what a lost camera costs its neighbours. Appends
 * the rates tried to @tried.
 */
static int sercam_bus_find_rate(struct sercam_bus *bus, struct sercam_cam *cam,
				bool full, char *tried, size_t size,
				const struct sercam_stop *stop)
{
	const u32 *r = bus->family->rates;
	u32 order[16];
	size_t pos = 0;
	int n = 0, i, j, ret = -ENODEV;

	if (sercam_link_baud(&bus->link))
		order[n++] = sercam_link_baud(&bus->link);
	order[n++] = bus->poweron_baud;
	if (bus->target_baud)
		order[n++] = bus->target_baud;
	for (; full && r && *r && n < ARRAY_SIZE(order); r++)
		order[n++] = *r;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && order[j] != order[i]; j++)
			;
		if (j < i)
			continue;
		pos += scnprintf(tried + pos, size - pos, "%s%u",
				 pos ? " " : "", order[i]);
		ret = sercam_hello_at(bus, cam, order[i],
				      full ? SERCAM_HELLO_TRIES : 1, stop);
		if (!ret || ret == -ECANCELED || ret == -EINTR)
			return ret;
	}
	return -ENODEV;
}

/* The camera answered: it is there. */
static void sercam_cam_found(struct sercam_camera *cam)
{
	cam->backoff_ms = 0;
	WRITE_ONCE(cam->present, true);
}

/**
 * sercam_camera_forget() - the camera lost its state
 * @cam: the camera
 *
 * For a camera its family put to sleep, or that may have lost power: it
 * is looked for (hello) and set up (cam_init) again before it is next
 * used, at once, without a backoff.
 *
 * Context: the bus's workqueue (the camera's capture or idle work), or
 * with nothing else using the camera (power management).
 */
void sercam_camera_forget(struct sercam_camera *cam)
{
	cam->backoff_ms = 0;
	WRITE_ONCE(cam->retry_at, jiffies);
	WRITE_ONCE(cam->present, false);
}
EXPORT_SYMBOL_GPL(sercam_camera_forget);

/* It did not: look again later, each time later, up to a limit. */
static void sercam_cam_absent(struct sercam_camera *cam)
{
	cam->backoff_ms = clamp(cam->backoff_ms * 2, SERCAM_BACKOFF_MIN_MS,
				SERCAM_BACKOFF_MAX_MS);
	WRITE_ONCE(cam->retry_at,
		   jiffies + msecs_to_jiffies(cam->backoff_ms));
	WRITE_ONCE(cam->present, false);
}

/*
 * Another camera of the bus answers: a lost camera must not move the bus
 * through every rate (and hold it) each time it is looked for.
 */
static bool sercam_bus_others_present(struct sercam_bus *bus,
				      struct sercam_camera *cam)
{
	unsigned int i;

	for (i = 0; i < bus->num_cams; i++)
		if (&bus->cams[i]->c != cam && READ_ONCE(bus->cams[i]->c.present))
			return true;
	return false;
}

/* Look for @cam: 0 when it answers (and was switched to max-speed). */
static int sercam_camera_look(struct sercam_camera *cam, char *tried,
			      size_t size, const struct sercam_stop *stop)
{
	struct sercam_bus *bus = to_sercam_cam(cam)->bus;
	u32 was = sercam_link_baud(cam->link);
	int ret;

	ret = sercam_link_claim(cam->link, stop);
	if (ret)
		return ret;
	ret = sercam_bus_find_rate(bus, to_sercam_cam(cam),
				   !sercam_bus_others_present(bus, cam),
				   tried, size, stop);
	if (!ret)
		sercam_bus_speed_up(bus, to_sercam_cam(cam));
	else if (was)
		/* the other cameras on the bus are still at the old rate */
		sercam_link_set_baud_claimed(cam->link, was);
	sercam_link_release(cam->link);
	return ret;
}

/**
 * sercam_camera_resync() - find a camera that stopped answering
 * @cam: the camera
 *
 * Tries the current rate, then the power-on rate (a camera that browned
 * out comes back at it), then max-speed, then, unless other cameras of the
 * bus answer, the family's other rates; then switches everyone to
 * max-speed again. A camera not found is absent: sercam_camera_ready()
 * looks for it again after a backoff.
 *
 * Context: the camera's capture (the link not claimed); ends early when
 * @cam->stop is set.
 * Return: 0 when @cam answers again, -ENODEV if it does not, -ECANCELED if
 * the camera is stopping, -EINTR if killed.
 */
int sercam_camera_resync(struct sercam_camera *cam)
{
	char tried[128] = "";
	int ret;

	sercam_stat_inc(cam, SERCAM_STAT_RESYNCS);
	ret = sercam_camera_look(cam, tried, sizeof(tried), &cam->stop);
	if (!ret) {
		sercam_cam_found(cam);
		return 0;
	}
	if (ret == -ENODEV) {
		sercam_cam_absent(cam);
		dev_err_ratelimited(cam->dev,
				    "camera %u on %s lost: no answer at %s baud\n",
				    cam->addr, sercam_link_name(cam->link),
				    tried);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(sercam_camera_resync);

/**
 * sercam_camera_ready() - make sure a camera is there before using it
 * @cam: the camera
 * @stop: what ends the look: &cam->stop from the capture, &cam->gone from
 *	a control (stream-off must not cancel a control's look)
 *
 * A camera that answered is (and a bus that runs below its rate is moved
 * back up now and then). One that did not (at probe, after a resume, or
 * since it was lost) is looked for again once its backoff has passed, and
 * brought to a known state when found; until then, and when not found,
 * the answer is -ENODEV at once, without touching the bus: the other
 * cameras of the bus keep it.
 *
 * Context: the camera's capture, or a control of a camera not present
 * (process context, the link not claimed).
 * Return: 0, -ENODEV, -ECANCELED or -EINTR.
 */
int sercam_camera_ready(struct sercam_camera *cam,
			const struct sercam_stop *stop)
{
	struct sercam_cam *sc = to_sercam_cam(cam);
	const struct sercam_family_ops *ops = sc->family->ops;
	char tried[128] = "";
	int ret;

	if (READ_ONCE(cam->present)) {
		sercam_bus_keep_speed(sc->bus, sc, stop);
		return 0;
	}
	if (mutex_lock_killable(&sc->ready_lock))
		return -EINTR;
	if (READ_ONCE(cam->present)) {
		ret = 0;
		goto out;
	}
	ret = -ENODEV;
	if (time_before(jiffies, READ_ONCE(cam->retry_at)))
		goto out;
	ret = sercam_camera_look(cam, tried, sizeof(tried), stop);
	if (!ret && ops->cam_init)
		ret = ops->cam_init(cam);
	if (!ret) {
		sercam_cam_found(cam);
		dev_info(cam->dev, "%s camera %u on %s answers at %u baud\n",
			 sc->family->name, cam->addr,
			 sercam_link_name(cam->link),
			 sercam_link_baud(cam->link));
		goto out;
	}
	if (ret == -ECANCELED || ret == -EINTR)
		goto out;
	sercam_cam_absent(cam);
	ret = -ENODEV;
out:
	mutex_unlock(&sc->ready_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(sercam_camera_ready);

static bool sercam_rate_in(const u32 *rates, u32 baud)
{
	if (!rates)
		return true;
	for (; *rates; rates++)
		if (*rates == baud)
			return true;
	return false;
}

/* Keep the family's modes of other formats; the table replaces the first. */
static void sercam_default_modes(struct sercam_bus *bus, struct sercam_cam *cam,
				 bool keep_first)
{
	const struct sercam_family *f = bus->family;
	unsigned int i;

	for (i = 0; i < f->num_modes && cam->num_modes < SERCAM_MAX_MODES; i++) {
		if (!keep_first && f->modes[i].fourcc == f->modes[0].fourcc)
			continue;
		cam->modes[cam->num_modes] = f->modes[i];
		if (f->ops->fill_mode)
			f->ops->fill_mode(&cam->c, &cam->modes[cam->num_modes]);
		cam->num_modes++;
	}
}

/* The modes: the family's, or <code width height> from the devicetree. */
static int sercam_parse_modes(struct sercam_bus *bus, struct sercam_cam *cam,
			      struct fwnode_handle *node)
{
	const struct sercam_family *f = bus->family;
	const char *prop = f->modes_prop;
	u32 raw[SERCAM_MAX_MODES * 3];
	int n, i, j;

	if (!prop || !fwnode_property_present(node, prop)) {
		sercam_default_modes(bus, cam, true);
		return 0;
	}
	n = fwnode_property_count_u32(node, prop);
	if (n <= 0 || n % 3 || n > ARRAY_SIZE(raw)) {
		dev_err(bus->dev,
			"%pfwP: %s must be 1 to %u <code width height> triplets, has %d cells\n",
			node, prop, SERCAM_MAX_MODES, n);
		return -EINVAL;
	}
	fwnode_property_read_u32_array(node, prop, raw, n);
	for (i = 0; i < n / 3; i++) {
		struct sercam_mode *m = &cam->modes[i];

		m->fourcc = f->modes[0].fourcc;
		m->code = raw[3 * i];
		m->width = raw[3 * i + 1];
		m->height = raw[3 * i + 2];
		if (m->code > 0xff || m->width < 16 || m->width > 4096 ||
		    m->height < 16 || m->height > 4096 ||
		    (m->width | m->height) & 1) {
			dev_err(bus->dev,
				"%pfwP: %s entry %d <%u %u %u>: code must be 0..255, sizes even and 16..4096\n",
				node, prop, i, m->code, m->width, m->height);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (cam->modes[j].code == m->code ||
			    (cam->modes[j].width == m->width &&
			     cam->modes[j].height == m->height)) {
				dev_err(bus->dev,
					"%pfwP: %s entry %d repeats a code or size\n",
					node, prop, i);
				return -EINVAL;
			}
		}
		if (f->ops->fill_mode)
			f->ops->fill_mode(&cam->c, m);
	}
	cam->num_modes = n / 3;
	sercam_default_modes(bus, cam, false);
	return 0;
}

/*
 * The mode an application gets unless it asks for another: the largest of
 * the first format whose typical frame arrives within
 * %SERCAM_DEFAULT_FRAME_MS at the rate the link will run at, else the
 * smallest. Applications commonly wait 2 s for a frame (v4l2-compliance
 * does); a VGA JPEG from a real sensor takes 3 to 4 s at 115200 baud.
 */
static unsigned int sercam_default_mode(const struct sercam_bus *bus,
					const struct sercam_cam *cam)
{
	u32 baud = bus->max_baud ? : bus->poweron_baud ? : 115200;
	unsigned int i, best = cam->num_modes, small = 0;
	u64 px, best_px = 0, small_px = U64_MAX, us;

	for (i = 0; i < cam->num_modes; i++) {
		const struct sercam_mode *m = &cam->modes[i];

		if (m->fourcc != cam->modes[0].fourcc)
			continue;
		px = (u64)m->width * m->height;
		if (px < small_px) {
			small_px = px;
			small = i;
		}
		us = m->capture_us +
		     div_u64((u64)m->typical_size * 10 * USEC_PER_SEC, baud);
		if (us <= SERCAM_DEFAULT_FRAME_MS * USEC_PER_MSEC &&
		    px > best_px) {
			best_px = px;
			best = i;
		}
	}
	return best < cam->num_modes ? best : small;
}

static int sercam_add_cam(struct sercam_bus *bus, struct fwnode_handle *node,
			  u32 addr)
{
	const struct sercam_family *f = bus->family;
	struct fwnode_handle *modes_node = node;
	struct sercam_cam *cam;
	unsigned int i;
	int ret;

	if (addr < f->addr_min || addr > f->addr_max) {
		dev_err(bus->dev, "%pfwP: camera address %u is not in %u..%u\n",
			node, addr, f->addr_min, f->addr_max);
		return -EINVAL;
	}
	for (i = 0; i < bus->num_cams; i++) {
		if (bus->cams[i]->c.addr == addr) {
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
	cam = sercam_cam_alloc(bus, addr, node);
	if (!cam)
		return -ENOMEM;
	bus->cams[bus->num_cams++] = cam;
	if (f->ops->probe) {
		ret = f->ops->probe(&cam->c);
		if (ret)
			return ret;
	}
	/* a camera node without its own table uses the bus node's */
	if (!f->modes_prop || !fwnode_property_present(node, f->modes_prop))
		modes_node = dev_fwnode(bus->dev);
	ret = sercam_parse_modes(bus, cam, modes_node);
	if (ret)
		return ret;
	cam->mode = sercam_default_mode(bus, cam);
	cam->c.mode = &cam->modes[cam->mode];
	return 0;
}

/*
 * A camera may power on at any rate its firmware was built for; the rates
 * it can be switched to are the family's list. An optional rate that is
 * absent reads as 0.
 */
static int sercam_parse_rate(struct sercam_bus *bus, const char *prop,
			     u32 *baud, bool required, const u32 *allowed)
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
	if (!sercam_rate_in(allowed, *baud)) {
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
	u32 addr;
	int ret;

	ret = sercam_parse_rate(bus, "current-speed", &bus->poweron_baud,
				!f->default_baud, NULL);
	if (ret)
		return ret;
	if (!bus->poweron_baud)
		bus->poweron_baud = f->default_baud;
	ret = sercam_parse_rate(bus, "max-speed", &bus->max_baud, false,
				f->max_rates);
	if (ret)
		return ret;
	/* a power-on rate the family cannot switch to is not returned to */
	bus->target_baud = bus->max_baud;
	if (!bus->target_baud && sercam_rate_in(f->max_rates, bus->poweron_baud))
		bus->target_baud = bus->poweron_baud;
	if (bus->max_baud && !f->ops->set_rate) {
		dev_err(bus->dev,
			"max-speed = %u: a %s camera cannot be switched to another rate\n",
			bus->max_baud, f->name);
		return -EINVAL;
	}

	device_for_each_child_node_scoped(bus->dev, child) {
		ret = fwnode_property_read_u32(child, "reg", &addr);
		if (ret) {
			dev_err(bus->dev, "%pfwP: camera without reg (%d)\n",
				child, ret);
			return ret;
		}
		ret = sercam_add_cam(bus, child, addr);
		if (ret)
			return ret;
	}
	if (bus->num_cams) {
		if (f->addr_prop &&
		    device_property_present(bus->dev, f->addr_prop)) {
			dev_err(bus->dev,
				"%s and camera child nodes both given; use one\n",
				f->addr_prop);
			return -EINVAL;
		}
		return 0;
	}

	addr = f->addr_default;
	if (f->addr_prop && device_property_present(bus->dev, f->addr_prop)) {
		ret = device_property_read_u32(bus->dev, f->addr_prop, &addr);
		if (ret) {
			dev_err(bus->dev, "%s: not a single u32 (%d)\n",
				f->addr_prop, ret);
			return ret;
		}
	}
	return sercam_add_cam(bus, dev_fwnode(bus->dev), addr);
}

/* The supply, the power-down and reset lines: all optional. */
static int sercam_get_power(struct sercam_bus *bus)
{
	struct device *dev = bus->dev;

	bus->vdd = devm_regulator_get_optional(dev, "vdd");
	if (IS_ERR(bus->vdd)) {
		if (PTR_ERR(bus->vdd) != -ENODEV)
			return dev_err_probe(dev, PTR_ERR(bus->vdd),
					     "cannot get vdd supply\n");
		bus->vdd = NULL;
	}
	bus->powerdown_gpio = devm_gpiod_get_optional(dev, "powerdown",
						      GPIOD_OUT_HIGH);
	if (IS_ERR(bus->powerdown_gpio))
		return dev_err_probe(dev, PTR_ERR(bus->powerdown_gpio),
				     "cannot get powerdown-gpios\n");
	bus->reset_gpio = devm_gpiod_get_optional(dev, "reset", GPIOD_OUT_HIGH);
	if (IS_ERR(bus->reset_gpio))
		return dev_err_probe(dev, PTR_ERR(bus->reset_gpio),
				     "cannot get reset-gpios\n");
	return 0;
}

/* Can the cameras be powered off (and so forget everything)? */
static bool sercam_bus_switchable(const struct sercam_bus *bus)
{
	return bus->vdd || bus->powerdown_gpio;
}

static int sercam_bus_power_on(struct sercam_bus *bus)
{
	int ret;

	if (bus->powered)
		return 0;
	if (bus->vdd) {
		ret = regulator_enable(bus->vdd);
		if (ret) {
			dev_err(bus->dev, "cannot enable vdd supply (%d)\n",
				ret);
			return ret;
		}
	}
	gpiod_set_value_cansleep(bus->powerdown_gpio, 0);
	if (bus->reset_gpio) {
		gpiod_set_value_cansleep(bus->reset_gpio, 1);
		usleep_range(SERCAM_RESET_US, 2 * SERCAM_RESET_US);
		gpiod_set_value_cansleep(bus->reset_gpio, 0);
	}
	if (bus->reset_gpio || sercam_bus_switchable(bus))
		msleep(SERCAM_BOOT_MS);
	WRITE_ONCE(bus->powered, true);
	return 0;
}

static void sercam_bus_power_off(struct sercam_bus *bus)
{
	if (!bus->powered)
		return;
	gpiod_set_value_cansleep(bus->powerdown_gpio, 1);
	if (bus->vdd)
		regulator_disable(bus->vdd);
	WRITE_ONCE(bus->powered, false);
}

static void sercam_bus_power_off_action(void *bus)
{
	sercam_bus_power_off(bus);
}

static int sercam_bus_debugfs_show(struct seq_file *m, void *unused)
{
	struct sercam_bus *bus = m->private;
	struct sercam_link_stats s;

	sercam_link_stats(&bus->link, &s);
	seq_printf(m, "family: %s\nbaud: %u\npoweron_baud: %u\nmax_baud: %u\n",
		   bus->family->name, sercam_link_baud(&bus->link),
		   bus->poweron_baud, bus->max_baud);
	seq_printf(m, "uart: %s\npower: %s\n",
		   sercam_link_is_open(&bus->link) ? "open" : "closed",
		   READ_ONCE(bus->powered) ? "on" : "off");
	seq_printf(m, "rx_bytes: %llu\ntx_bytes: %llu\nrx_dropped: %llu\nrx_ns: %llu\n",
		   s.rx_bytes, s.tx_bytes, s.rx_dropped, s.rx_ns);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sercam_bus_debugfs);

static void sercam_put_cams(struct sercam_bus *bus)
{
	while (bus->num_cams)
		sercam_cam_put(bus->cams[--bus->num_cams]);
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
		if (!sercam_bus_find_rate(bus, cam, true, tried, i ? 0 : size,
					  &bus->stop))
			return cam;
		pos += scnprintf(addrs + pos, asize - pos, "%s%u",
				 pos ? " " : "", cam->c.addr);
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

/*
 * After probe, in the background: find the cameras' rate, switch to
 * max-speed, bring each camera up. A camera that does not answer keeps its
 * node and is looked for again when it is used (sercam_camera_ready()).
 */
static void sercam_discover(struct sercam_bus *bus)
{
	const struct sercam_family *f = bus->family;
	char tried[128] = "", addrs[4 * SERCAM_MAX_CAMS] = "";
	struct sercam_cam *first;
	unsigned int i, found = 0;
	int ret;

	if (!f->ops->hello) {
		/* a camera that only talks: nothing to find */
		if (sercam_link_claim(&bus->link, &bus->stop))
			return;
		ret = sercam_link_set_baud_claimed(&bus->link,
						   bus->poweron_baud);
		sercam_link_release(&bus->link);
		for (i = 0; !ret && i < bus->num_cams; i++)
			sercam_cam_found(&bus->cams[i]->c);
		return;
	}
	/*
	 * A camera may still be working on what an earlier driver instance
	 * asked for: capturing (silent), then sending. Only a silence longer
	 * than its longest capture says it is idle; then say hello.
	 */
	if (sercam_link_wait_quiet(&bus->link, sercam_probe_quiet_us(bus),
				   SERCAM_PROBE_QUIET_MAX_MS, &bus->stop) ||
	    sercam_link_claim(&bus->link, &bus->stop))
		return;
	first = sercam_bus_find_first(bus, tried, sizeof(tried), addrs,
				      sizeof(addrs));
	if (first)
		sercam_bus_speed_up(bus, first);
	sercam_link_release(&bus->link);
	if (!first) {
		if (sercam_stopped(&bus->stop))
			return;
		dev_err(bus->dev, "no %s camera at address%s %s on %s: no answer at %s baud; looking again when used\n",
			f->name, bus->num_cams > 1 ? "es" : "", addrs,
			sercam_link_name(&bus->link), tried);
		for (i = 0; i < bus->num_cams; i++)
			sercam_cam_absent(&bus->cams[i]->c);
		return;
	}

	/* a camera missing from a shared bus must not take the others down */
	for (i = 0; i < bus->num_cams; i++) {
		struct sercam_camera *cam = &bus->cams[i]->c;

		ret = f->ops->cam_init ? f->ops->cam_init(cam) : 0;
		if (!ret) {
			sercam_cam_found(cam);
			found++;
			continue;
		}
		if (ret == -ECANCELED || ret == -EINTR)
			return;
		sercam_cam_absent(cam);
		dev_warn(bus->dev,
			 "%s camera at address %u on %s does not answer at %u baud (%d): looking again when used\n",
			 f->name, cam->addr, sercam_link_name(&bus->link),
			 sercam_link_baud(&bus->link), ret);
	}
	dev_info(bus->dev, "%u %s camera(s) on %s at %u baud\n", found,
		 f->name, sercam_link_name(&bus->link),
		 sercam_link_baud(&bus->link));
}

static void sercam_discover_work(struct work_struct *work)
{
	struct sercam_bus *bus = container_of(work, struct sercam_bus,
					      discover_work);
	int ret;

	/* the reference was taken when queued; the bus may be suspended */
	ret = pm_runtime_resume(bus->dev);
	if (ret < 0)
		dev_err(bus->dev, "cannot power the cameras up (%d)\n", ret);
	else
		sercam_discover(bus);
	if (ret >= 0 && !sercam_stopped(&bus->stop))
		bus->discovered = true;
	pm_runtime_mark_last_busy(bus->dev);
	pm_runtime_put_autosuspend(bus->dev);
}

/* Find the cameras in the background, the bus kept up meanwhile. */
static void sercam_bus_discover(struct sercam_bus *bus)
{
	pm_runtime_get_noresume(bus->dev);
	if (!queue_work(bus->wq, &bus->discover_work))
		pm_runtime_put_noidle(bus->dev);
}

/* Unbind, system sleep: end discovery, queued or under way. */
static void sercam_bus_stop_discovery(struct sercam_bus *bus)
{
	WRITE_ONCE(bus->stop.stop, true);
	sercam_link_cancel(&bus->link, &bus->stop);
	if (cancel_work_sync(&bus->discover_work))
		pm_runtime_put_noidle(bus->dev);
}

/* The cameras may have lost power: each is looked for again when used. */
static void sercam_bus_forget(struct sercam_bus *bus)
{
	unsigned int i;

	/* a camera that only talks has nothing to forget */
	if (!bus->family->ops->hello)
		return;
	for (i = 0; i < bus->num_cams; i++)
		sercam_camera_forget(&bus->cams[i]->c);
}

static struct sercam_bus *sercam_dev_bus(struct device *dev)
{
	struct sercam_link *link = dev_get_drvdata(dev);

	return container_of(link, struct sercam_bus, link);
}

/*
 * Runtime PM: nobody has a node open. The cameras that can are put to
 * sleep, the UART closes; the cameras lose power, and so their state,
 * when the bus can switch it.
 */
static int sercam_runtime_suspend(struct device *dev)
{
	struct sercam_bus *bus = sercam_dev_bus(dev);
	unsigned int i;

	for (i = 0; bus->family->ops->sleep && i < bus->num_cams; i++)
		if (READ_ONCE(bus->cams[i]->c.present))
			bus->family->ops->sleep(&bus->cams[i]->c);
	sercam_link_close(&bus->link);
	if (sercam_bus_switchable(bus)) {
		sercam_bus_power_off(bus);
		sercam_bus_forget(bus);
	}
	return 0;
}

static int sercam_runtime_resume(struct device *dev)
{
	struct sercam_bus *bus = sercam_dev_bus(dev);
	int ret;

	ret = sercam_bus_power_on(bus);
	if (ret)
		return ret;
	ret = sercam_link_open(&bus->link);
	if (ret)
		sercam_bus_power_off(bus);
	return ret;
}

/*
 * System sleep: stop the cameras' work (buffers stay queued), power down
 * as runtime PM does, and forget the cameras: they may have lost power
 * with the system. On resume they are looked for again when used, and
 * streaming goes on.
 */
static int sercam_suspend(struct device *dev)
{
	struct sercam_bus *bus = sercam_dev_bus(dev);
	unsigned int i;
	int ret;

	sercam_bus_stop_discovery(bus);
	for (i = 0; i < bus->num_cams; i++)
		sercam_cam_suspend(bus->cams[i]);
	WRITE_ONCE(bus->stop.stop, false);
	ret = pm_runtime_force_suspend(dev);
	if (ret) {
		for (i = 0; i < bus->num_cams; i++)
			sercam_cam_resume(bus->cams[i]);
		return ret;
	}
	sercam_bus_forget(bus);
	return 0;
}

static int sercam_resume(struct device *dev)
{
	struct sercam_bus *bus = sercam_dev_bus(dev);
	unsigned int i;
	int ret;

	ret = pm_runtime_force_resume(dev);
	if (ret)
		dev_err(dev, "cannot power the cameras up again (%d)\n", ret);
	if (!bus->discovered)
		sercam_bus_discover(bus);
	for (i = 0; i < bus->num_cams; i++)
		sercam_cam_resume(bus->cams[i]);
	return ret;
}

EXPORT_GPL_DEV_PM_OPS(sercam_pm_ops) = {
	SYSTEM_SLEEP_PM_OPS(sercam_suspend, sercam_resume)
	RUNTIME_PM_OPS(sercam_runtime_suspend, sercam_runtime_resume, NULL)
};

static void sercam_destroy_wq(void *wq)
{
	destroy_workqueue(wq);
}

/**
 * sercam_bus_probe() - probe a bus of cameras of one family
 * @dev: the bus's device: its firmware node (devicetree, or the software
 *	node of an attached tty) describes the bus; its drvdata becomes the
 *	link
 * @family: the family the cameras speak
 * @link_open: sets up the link over the backend (sercam_link_init()) and
 *	opens the line; undone by devm actions on @dev
 * @backend: the backend's state, for @link_open
 *
 * Reads the description, opens the line, registers a video node for each
 * camera and finds the cameras in the background. Called by
 * sercam_serdev_probe() and by the tty line discipline's device.
 *
 * Context: probe of @dev.
 * Return: 0, or a negative errno (with the cause in the kernel log).
 */
int sercam_bus_probe(struct device *dev, const struct sercam_family *family,
		     int (*link_open)(struct sercam_link *link,
				      struct device *dev, void *backend),
		     void *backend)
{
	struct sercam_bus *bus;
	unsigned int i;
	int ret;

	bus = devm_kzalloc(dev, sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return -ENOMEM;
	bus->dev = dev;
	bus->family = family;
	bus->wq = alloc_ordered_workqueue("sercam-%s", 0, dev_name(dev));
	if (!bus->wq)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, sercam_destroy_wq, bus->wq);
	if (ret)
		return ret;
	ret = sercam_get_power(bus);
	if (ret)
		return ret;
	ret = sercam_bus_power_on(bus);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, sercam_bus_power_off_action, bus);
	if (ret)
		return ret;
	/* the drvdata is the link's; the bus is found from it */
	dev_set_drvdata(dev, &bus->link);
	ret = link_open(&bus->link, dev, backend);
	if (ret)
		return ret;

	ret = sercam_parse_bus(bus);
	if (ret)
		goto err_put_cams;
	for (i = 0; i < bus->num_cams; i++)
		bus->cams[i]->c.shared = bus->num_cams > 1;
	INIT_WORK(&bus->discover_work, sercam_discover_work);

	bus->debugfs = debugfs_create_dir(dev_name(dev), sercam_debugfs_root);
	debugfs_create_file("bus", 0444, bus->debugfs, bus,
			    &sercam_bus_debugfs_fops);
	for (i = 0; i < bus->num_cams; i++) {
		ret = sercam_cam_register(bus->cams[i]);
		if (ret)
			goto err_unregister;
	}
	/*
	 * Powered and open while somebody uses a node (or discovery runs),
	 * and for a while after.
	 */
	pm_runtime_set_autosuspend_delay(dev, SERCAM_AUTOSUSPEND_MS);
	pm_runtime_use_autosuspend(dev);
	pm_runtime_set_active(dev);
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		goto err_unregister;
	/* the cameras are found in the background: probe does not wait */
	sercam_bus_discover(bus);
	return 0;

err_unregister:
	while (i--)
		sercam_cam_unregister(bus->cams[i]);
	debugfs_remove_recursive(bus->debugfs);
err_put_cams:
	sercam_put_cams(bus);
	return ret;
}

/**
 * sercam_bus_remove() - remove a bus of cameras (unbind, detach)
 * @dev: the bus's device
 *
 * Open file handles stay valid and see -ENODEV; the family is not called
 * again for these cameras.
 *
 * Context: remove of @dev.
 */
void sercam_bus_remove(struct device *dev)
{
	struct sercam_bus *bus = sercam_dev_bus(dev);
	unsigned int i;

	for (i = 0; i < bus->num_cams; i++) {
		WRITE_ONCE(bus->cams[i]->c.gone.stop, true);
		sercam_link_cancel(&bus->link, &bus->cams[i]->c.gone);
	}
	sercam_bus_stop_discovery(bus);
	for (i = bus->num_cams; i--; )
		sercam_cam_unregister(bus->cams[i]);
	debugfs_remove_recursive(bus->debugfs);
	sercam_put_cams(bus);
}

static int sercam_serdev_link_open(struct sercam_link *link,
				   struct device *dev, void *serdev)
{
	return sercam_link_serdev_open(link, serdev);
}

/**
 * sercam_serdev_probe() - probe a bus of cameras of one family
 * @serdev: the serdev device (the camera's, or the bus's, node)
 * @family: the family the cameras speak
 *
 * Reads the description, opens the UART, finds the cameras and registers
 * a video node for each camera (sercam_bus_probe()).
 *
 * Context: a family's serdev probe.
 * Return: 0, or a negative errno (with the cause in the kernel log).
 */
int sercam_serdev_probe(struct serdev_device *serdev,
			const struct sercam_family *family)
{
	return sercam_bus_probe(&serdev->dev, family, sercam_serdev_link_open,
				serdev);
}
EXPORT_SYMBOL_GPL(sercam_serdev_probe);

/**
 * sercam_serdev_remove() - remove a bus of cameras (unbind)
 * @serdev: the serdev device
 *
 * Open file handles stay valid and see -ENODEV; the family is not called
 * again for these cameras.
 *
 * Context: a family's serdev remove.
 */
void sercam_serdev_remove(struct serdev_device *serdev)
{
	sercam_bus_remove(&serdev->dev);
}
EXPORT_SYMBOL_GPL(sercam_serdev_remove);

/* --- the families, by name (sercam-attach) -------------------------------- */

/**
 * struct sercam_family_entry - a family that registered itself
 * @list: entry in sercam_families
 * @family: the family
 */
struct sercam_family_entry {
	struct list_head list;
	const struct sercam_family *family;
};

/* the loaded families, for attaching a tty by name */
static LIST_HEAD(sercam_families);
static DEFINE_MUTEX(sercam_families_lock);

/**
 * __sercam_driver_register() - register a family and its serdev driver
 * @drv: the family's serdev driver
 * @family: the family; &sercam_family.short_name names it for
 *	sercam-attach
 * @owner: the family's module
 *
 * Use sercam_driver_register() or module_sercam_driver().
 *
 * Context: the family's module init.
 * Return: 0, or a negative errno.
 */
int __sercam_driver_register(struct serdev_device_driver *drv,
			     const struct sercam_family *family,
			     struct module *owner)
{
	struct sercam_family_entry *e;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->family = family;
	mutex_lock(&sercam_families_lock);
	list_add_tail(&e->list, &sercam_families);
	mutex_unlock(&sercam_families_lock);
	ret = __serdev_device_driver_register(drv, owner);
	if (ret)
		sercam_driver_unregister(NULL, family);
	return ret;
}
EXPORT_SYMBOL_GPL(__sercam_driver_register);

/**
 * sercam_driver_unregister() - undo __sercam_driver_register()
 * @drv: the family's serdev driver, or NULL (the family alone)
 * @family: the family
 *
 * Context: the family's module exit; no tty is attached to the family (each
 * holds a reference to its module).
 */
void sercam_driver_unregister(struct serdev_device_driver *drv,
			      const struct sercam_family *family)
{
	struct sercam_family_entry *e, *tmp;

	if (drv)
		serdev_device_driver_unregister(drv);
	mutex_lock(&sercam_families_lock);
	list_for_each_entry_safe(e, tmp, &sercam_families, list) {
		if (e->family == family) {
			list_del(&e->list);
			kfree(e);
		}
	}
	mutex_unlock(&sercam_families_lock);
}
EXPORT_SYMBOL_GPL(sercam_driver_unregister);

static const struct sercam_family *sercam_family_find(const char *name)
{
	struct sercam_family_entry *e;
	const struct sercam_family *f = NULL;

	mutex_lock(&sercam_families_lock);
	list_for_each_entry(e, &sercam_families, list) {
		if (e->family->short_name &&
		    !strcmp(e->family->short_name, name) &&
		    try_module_get(e->family->owner)) {
			f = e->family;
			break;
		}
	}
	mutex_unlock(&sercam_families_lock);
	return f;
}

/**
 * sercam_family_get() - find a family by its short name
 * @name: the short name (sxh485, ov528, ...): lower-case letters, digits,
 *	'-' and '_'
 *
 * Loads the family's module (sercam-<name>) if it is not loaded.
 *
 * Context: process context.
 * Return: the family, its module held (sercam_family_put()), or NULL.
 */
const struct sercam_family *sercam_family_get(const char *name)
{
	const struct sercam_family *f;
	const char *c;

	if (!*name)
		return NULL;
	for (c = name; *c; c++)
		if (!islower(*c) && !isdigit(*c) && *c != '-' && *c != '_')
			return NULL;
	f = sercam_family_find(name);
	if (f)
		return f;
	request_module("sercam-%s", name);
	return sercam_family_find(name);
}

/**
 * sercam_family_put() - release a family sercam_family_get() found
 * @family: the family
 */
void sercam_family_put(const struct sercam_family *family)
{
	module_put(family->owner);
}

/**
 * sercam_core_init() - the framework's part of loading sercam.ko
 *
 * Called by the module's init (sercam-tty.c, the top of the module).
 */
void __init sercam_core_init(void)
{
	sercam_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

/**
 * sercam_core_exit() - undo sercam_core_init()
 */
void sercam_core_exit(void)
{
	debugfs_remove_recursive(sercam_debugfs_root);
}

MODULE_AUTHOR("The sercam authors");
MODULE_DESCRIPTION("Serial cameras as V4L2 devices: link, framework and V4L2 face");
MODULE_LICENSE("GPL");
