// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: the serdev link backend
 *
 * A UART the devicetree describes, with the camera (or RS-485 bus) as its
 * child node. Part of the link layer: it knows nothing of cameras.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/serdev.h>

#include "sercam-compat.h"
#include "sercam-link.h"

static ssize_t sercam_serdev_write(struct sercam_link *link, const u8 *buf,
				   size_t len, long timeout)
{
	return serdev_device_write(link->backend, buf, len, timeout);
}

static unsigned int sercam_serdev_set_baud(struct sercam_link *link,
					   unsigned int baud)
{
	return serdev_device_set_baudrate(link->backend, baud);
}

static void sercam_serdev_wait_sent(struct sercam_link *link, long timeout)
{
	serdev_device_wait_until_sent(link->backend, timeout);
}

/* The UART's device (e.g. "9000000.pl011"), else the serdev controller's. */
static const char *sercam_serdev_name(struct sercam_link *link)
{
	struct serdev_device *serdev = link->backend;
	struct device *ctrl = serdev->dev.parent;

	return dev_name(ctrl->parent ? ctrl->parent : ctrl);
}

static int sercam_serdev_open_port(struct sercam_link *link)
{
	struct serdev_device *serdev = link->backend;
	int ret;

	ret = serdev_device_open(serdev);
	if (ret) {
		dev_err(&serdev->dev, "cannot open the UART (%d)\n", ret);
		return ret;
	}
	serdev_device_set_flow_control(serdev, false);
	ret = serdev_device_set_parity(serdev, SERDEV_PARITY_NONE);
	if (ret) {
		dev_err(&serdev->dev, "UART cannot do 8N1 without parity (%d)\n",
			ret);
		serdev_device_close(serdev);
	}
	return ret;
}

static void sercam_serdev_close_port(struct sercam_link *link)
{
	serdev_device_close(link->backend);
}

static const struct sercam_link_ops sercam_serdev_link_ops = {
	.write = sercam_serdev_write,
	.set_baud = sercam_serdev_set_baud,
	.wait_sent = sercam_serdev_wait_sent,
	.name = sercam_serdev_name,
	.open = sercam_serdev_open_port,
	.close = sercam_serdev_close_port,
};

static SERCAM_RX_RET sercam_serdev_receive_buf(struct serdev_device *serdev,
					       const u8 *buf, size_t len)
{
	struct sercam_link *link = serdev_device_get_drvdata(serdev);

	sercam_link_receive(link, buf, len);
	return len;
}

static const struct serdev_device_ops sercam_serdev_ops = {
	.receive_buf = sercam_serdev_receive_buf,
	.write_wakeup = serdev_device_write_wakeup,
};

static void sercam_serdev_close_link(void *link)
{
	sercam_link_close(link);
}

/**
 * sercam_link_serdev_open() - run a link on a serdev device's UART
 * @link: the link, zeroed
 * @serdev: the serdev device; its drvdata becomes @link
 *
 * Opens the UART, 8N1 without flow control; it is closed on unbind (and
 * may be closed and opened meanwhile with sercam_link_close() and
 * sercam_link_open()). The rate is set later, with
 * sercam_link_set_baud_claimed().
 *
 * Context: process context (probe).
 * Return: 0, or a negative errno.
 */
int sercam_link_serdev_open(struct sercam_link *link,
			    struct serdev_device *serdev)
{
	struct device *dev = &serdev->dev;
	int ret;

	sercam_link_init(link, dev, &sercam_serdev_link_ops, serdev);
	serdev_device_set_drvdata(serdev, link);
	serdev_device_set_client_ops(serdev, &sercam_serdev_ops);
	ret = sercam_link_open(link);
	if (ret)
		return ret;
	return devm_add_action_or_reset(dev, sercam_serdev_close_link, link);
}
EXPORT_SYMBOL_GPL(sercam_link_serdev_open);
