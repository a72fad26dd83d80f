// SPDX-License-Identifier: GPL-2.0
/*
 * sercam - serial cameras as V4L2 devices: any tty as a link
 *
 * serdev binds only to UARTs a devicetree describes; a camera on a
 * USB-serial adapter (ttyUSB*, ttyACM*) or any other tty is attached from
 * user space instead, as btattach does for hci_uart:
 *
 *   sercam-attach --family sxh485 --speed 115200 /dev/ttyUSB0
 *
 * sets this line discipline on the tty and hands it, with the
 * SERCAM_IOC_ATTACH ioctl, the family's short name and the properties a
 * devicetree node would have had (include/uapi/linux/sercam-attach.h).
 * They become a software node (and a child node per camera of a bus), and
 * a platform device, child of the tty's device, carries it through the
 * very probe a serdev device gets (sercam_bus_probe()): the same parser,
 * the same messages, runtime PM, debugfs. The tty is the link's backend
 * below (struct sercam_link_ops over tty->ops), so every family works
 * unchanged over either.
 *
 * Out of tree there is no line discipline number of our own: sercam takes
 * N_DEVELOPMENT, which the kernel reserves for out-of-tree and development
 * disciplines (N_SERCAM in the uapi header).
 *
 * Detach is the line discipline's close: another discipline set, the
 * tty's last close, or a hangup (the adapter unplugged). It unregisters the
 * device as an unbind does: open video nodes stay valid and see ENODEV.
 *
 * Locks: &sercam_tty.lock (attach and detach), then the device's and the
 * link's; &sercam_tty.rx_lock (the receive path against the link coming
 * and going) is taken before &sercam_link.rx_lock.
 *
 * Copyright (C) 2026 The sercam authors
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/sercam-attach.h>

#include "sercam-compat.h"
#include "sercam-priv.h"

#define SERCAM_TTY_DRIVER	"sercam-tty"
/* The largest u32 array a property may hold (a mode table: 8 triplets). */
#define SERCAM_TTY_ARRAY_MAX	(3 * SERCAM_MAX_MODES)
/* Bytes the tty may hand the discipline at once. */
#define SERCAM_TTY_RECEIVE_ROOM	65536

/* what went wrong before the device (and its messages) exists */
#define sercam_tty_err(st, fmt, ...) \
	pr_err("sercam: %s: " fmt, (st)->tty->name, ##__VA_ARGS__)

/**
 * struct sercam_tty - a tty with sercam's line discipline
 * @tty: the tty
 * @lock: attach against detach; protects @pdev, @family, @nodes,
 *	@num_nodes, @props, @values, @text
 * @pdev: the device the cameras hang from, while attached
 * @id: @pdev's number, or -1
 * @bus_name: the bus node's name, the device's
 * @family: the family attached (its module held), or NULL
 * @probe_ret: what the device's probe returned (under @lock)
 * @nodes: the software nodes: the bus's, then one per camera of a bus
 * @num_nodes: entries in @nodes
 * @props: the nodes' properties, each node's list ended by an empty entry
 * @values: the u32 arrays @props point to
 * @text: the properties as user space gave them, cut into names and values
 *	(@props and @nodes point into it)
 * @rx_lock: the receive path against @link coming and going
 * @link: the link over this tty while the device is bound, or NULL (bytes
 *	are then dropped); under @rx_lock
 * @write_wait: writers waiting for room in the tty's buffer
 * @hung: the tty was hung up: writes fail at once
 */
struct sercam_tty {
	struct tty_struct *tty;
	/* attach against detach */
	struct mutex lock;
	struct platform_device *pdev;
	int id;
	char bus_name[SERCAM_ATTACH_NAME_LEN];
	const struct sercam_family *family;
	int probe_ret;
	struct software_node *nodes;
	unsigned int num_nodes;
	struct property_entry *props;
	u32 *values;
	char *text;
	/* the receive path against the link */
	struct mutex rx_lock;
	struct sercam_link *link;
	wait_queue_head_t write_wait;
	bool hung;
};

/* the numbers of the attached ttys' devices */
static DEFINE_IDA(sercam_tty_ids);

/* --- the link backend ------------------------------------------------------ */

static ssize_t sercam_tty_write(struct sercam_link *link, const u8 *buf,
				size_t len, long timeout)
{
	struct sercam_tty *st = link->backend;
	struct tty_struct *tty = st->tty;
	size_t done = 0;
	ssize_t n;
	long left;

	while (done < len) {
		if (READ_ONCE(st->hung))
			return -EIO;
		set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		n = tty->ops->write(tty, buf + done, len - done);
		if (n < 0)
			return n;
		done += n;
		if (done == len || !timeout)
			break;
		left = wait_event_killable_timeout(st->write_wait,
						   tty_write_room(tty) ||
						   READ_ONCE(st->hung),
						   timeout);
		if (left < 0)
			return -EINTR;
		if (!left)
			break;
		timeout = left;
	}
	return done;
}

static unsigned int sercam_tty_set_baud(struct sercam_link *link,
					unsigned int baud)
{
	struct sercam_tty *st = link->backend;
	struct tty_struct *tty = st->tty;
	struct ktermios kt;

	down_read(&tty->termios_rwsem);
	kt = tty->termios;
	up_read(&tty->termios_rwsem);
	kt.c_cflag &= ~CBAUD;
	tty_termios_encode_baud_rate(&kt, baud, baud);
	tty_set_termios(tty, &kt);
	/* what the driver made of it (the serial core may fall back) */
	return tty_get_baud_rate(tty);
}

static void sercam_tty_wait_sent(struct sercam_link *link, long timeout)
{
	struct sercam_tty *st = link->backend;

	tty_wait_until_sent(st->tty, timeout);
}

static const char *sercam_tty_name(struct sercam_link *link)
{
	struct sercam_tty *st = link->backend;

	return st->tty->name;
}

/* 8N1, raw, no flow control, modem lines ignored (as serdev's ttyport) */
static int sercam_tty_open_line(struct sercam_link *link)
{
	struct sercam_tty *st = link->backend;
	struct tty_struct *tty = st->tty;
	struct ktermios kt;

	if (READ_ONCE(st->hung))
		return -ENODEV;
	down_read(&tty->termios_rwsem);
	kt = tty->termios;
	up_read(&tty->termios_rwsem);
	kt.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
			ICRNL | IXON | IXOFF);
	kt.c_oflag &= ~OPOST;
	kt.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	kt.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
	kt.c_cflag |= CS8 | CREAD | CLOCAL;
	tty_set_termios(tty, &kt);
	return 0;
}

/*
 * The tty stays open while attached (user space holds it): a closed link
 * only drops what arrives, which the link does by itself.
 */
static void sercam_tty_close_line(struct sercam_link *link)
{
}

static const struct sercam_link_ops sercam_tty_link_ops = {
	.write = sercam_tty_write,
	.set_baud = sercam_tty_set_baud,
	.wait_sent = sercam_tty_wait_sent,
	.name = sercam_tty_name,
	.open = sercam_tty_open_line,
	.close = sercam_tty_close_line,
};

static void sercam_tty_unlink(void *data)
{
	struct sercam_link *link = data;
	struct sercam_tty *st = link->backend;

	mutex_lock(&st->rx_lock);
	st->link = NULL;
	mutex_unlock(&st->rx_lock);
	sercam_link_close(link);
}

/* sercam_bus_probe()'s link_open for a tty */
static int sercam_tty_link_open(struct sercam_link *link, struct device *dev,
				void *backend)
{
	struct sercam_tty *st = backend;
	int ret;

	sercam_link_init(link, dev, &sercam_tty_link_ops, st);
	ret = sercam_link_open(link);
	if (ret)
		return ret;
	mutex_lock(&st->rx_lock);
	st->link = link;
	mutex_unlock(&st->rx_lock);
	return devm_add_action_or_reset(dev, sercam_tty_unlink, link);
}

/* --- the device the cameras hang from -------------------------------------- */

static int sercam_tty_probe(struct platform_device *pdev)
{
	struct sercam_tty *st = *(struct sercam_tty **)dev_get_platdata(&pdev->dev);
	int ret;

	ret = sercam_bus_probe(&pdev->dev, st->family, sercam_tty_link_open,
			       st);
	/* nothing to wait for: a software node has no suppliers */
	if (ret == -EPROBE_DEFER)
		ret = -ENODEV;
	st->probe_ret = ret;
	return ret;
}

static void sercam_tty_remove(struct platform_device *pdev)
{
	sercam_bus_remove(&pdev->dev);
}

static struct platform_driver sercam_tty_driver = {
	.driver = {
		.name = SERCAM_TTY_DRIVER,
		.pm = pm_ptr(&sercam_pm_ops),
		/* bound at attach, unbound at detach, never from sysfs */
		.suppress_bind_attrs = true,
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
	.probe = sercam_tty_probe,
	.SERCAM_PLATFORM_REMOVE = sercam_tty_remove,
};

/* --- the properties: text to a software node ------------------------------- */

/* A property or node name: what a devicetree allows, nothing else. */
static bool sercam_tty_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && !strchr(",._+-#@", *s))
			return false;
	return true;
}

static enum sercam_prop_type sercam_tty_prop_type(const struct sercam_family *f,
						  const char *name, bool child,
						  bool *known)
{
	const struct sercam_prop *p;

	*known = true;
	if (child && !strcmp(name, "reg"))
		return SERCAM_PROP_U32;
	if (!child && (!strcmp(name, "current-speed") ||
		       !strcmp(name, "max-speed")))
		return SERCAM_PROP_U32;
	if (f->addr_prop && !strcmp(name, f->addr_prop))
		return SERCAM_PROP_U32;
	if (f->modes_prop && !strcmp(name, f->modes_prop))
		return SERCAM_PROP_U32_ARRAY;
	for (p = f->props; p && p->name; p++)
		if (!strcmp(name, p->name))
			return p->type;
	*known = false;
	return SERCAM_PROP_BOOL;
}

/*
 * One value as the family's type wants it. The u32s go to @pool (room
 * for %SERCAM_TTY_ARRAY_MAX); @val is the text, which a string property
 * keeps. Return: 0, 1 for a flag that is false (no property), or -EINVAL.
 */
static int sercam_tty_value(struct sercam_tty *st, struct property_entry *p,
			    const char *name, enum sercam_prop_type type,
			    char *val, u32 *pool)
{
	unsigned int n = 0;
	char *tok;

	switch (type) {
	case SERCAM_PROP_STRING:
		if (!val) {
			sercam_tty_err(st, "%s needs a value\n", name);
			return -EINVAL;
		}
		*p = PROPERTY_ENTRY_STRING(name, val);
		return 0;
	case SERCAM_PROP_BOOL:
		if (!val || !*val || !strcmp(val, "true") || !strcmp(val, "1")) {
			*p = PROPERTY_ENTRY_BOOL(name);
			return 0;
		}
		if (!strcmp(val, "false") || !strcmp(val, "0"))
			return 1;
		sercam_tty_err(st, "%s=%s: a flag is true or false\n",
			       name, val);
		return -EINVAL;
	case SERCAM_PROP_U32:
	case SERCAM_PROP_U32_ARRAY:
		break;
	}
	if (!val) {
		sercam_tty_err(st, "%s needs a number\n", name);
		return -EINVAL;
	}
	while ((tok = strsep(&val, ", \t"))) {
		if (!*tok)
			continue;
		if (n == SERCAM_TTY_ARRAY_MAX ||
		    (type == SERCAM_PROP_U32 && n == 1)) {
			sercam_tty_err(st, "%s: too many numbers\n",
				       name);
			return -EINVAL;
		}
		if (kstrtou32(tok, 0, &pool[n])) {
			sercam_tty_err(st, "%s: \"%s\" is not a u32\n",
				       name, tok);
			return -EINVAL;
		}
		n++;
	}
	if (!n) {
		sercam_tty_err(st, "%s needs a number\n", name);
		return -EINVAL;
	}
	if (n == 1)
		*p = PROPERTY_ENTRY_U32(name, pool[0]);
	else
		*p = PROPERTY_ENTRY_U32_ARRAY_LEN(name, pool, n);
	return 0;
}

/* The node an entry "[node/]name" belongs to (0: the bus's), or -errno. */
static int sercam_tty_node_of(struct sercam_tty *st, char **entry)
{
	char *slash = strchr(*entry, '/');
	unsigned int i;

	if (!slash)
		return 0;
	*slash = '\0';
	if (!sercam_tty_name_ok(*entry) || strchr(slash + 1, '/')) {
		sercam_tty_err(st, "\"%s/%s\": a node is name/property, one level deep\n",
			       *entry, slash + 1);
		return -EINVAL;
	}
	for (i = 1; i < st->num_nodes; i++)
		if (!strcmp(st->nodes[i].name, *entry))
			break;
	if (i == st->num_nodes) {
		if (i == 1 + SERCAM_MAX_CAMS) {
			sercam_tty_err(st, "more than %u camera nodes\n",
				       SERCAM_MAX_CAMS);
			return -EINVAL;
		}
		st->nodes[i].name = *entry;
		st->nodes[i].parent = &st->nodes[0];
		st->num_nodes++;
	}
	*entry = slash + 1;
	return i;
}

/*
 * Cut @st->text (@len bytes, NUL-terminated entries) into nodes and
 * properties: @st->nodes, @st->props (each node's run ended by an empty
 * entry), @st->values.
 */
static int sercam_tty_parse(struct sercam_tty *st, size_t len)
{
	const struct sercam_family *f = st->family;
	char *entries[SERCAM_ATTACH_ENTRIES_MAX];
	int node_of[SERCAM_ATTACH_ENTRIES_MAX];
	unsigned int n = 0, i, node, pos = 0, used = 0;
	char *s = st->text, *end = st->text + len;

	if (len && end[-1]) {
		sercam_tty_err(st, "the properties must end with a NUL byte\n");
		return -EINVAL;
	}
	for (; s < end; s += strlen(s) + 1) {
		if (!*s)
			continue;
		if (n == ARRAY_SIZE(entries)) {
			sercam_tty_err(st, "more than %u properties\n",
				       SERCAM_ATTACH_ENTRIES_MAX);
			return -EINVAL;
		}
		entries[n++] = s;
	}

	st->nodes = kcalloc(2 + SERCAM_MAX_CAMS, sizeof(*st->nodes),
			    GFP_KERNEL);
	st->props = kcalloc(n + 1 + SERCAM_MAX_CAMS, sizeof(*st->props),
			    GFP_KERNEL);
	st->values = kcalloc(n * SERCAM_TTY_ARRAY_MAX, sizeof(u32),
			     GFP_KERNEL);
	if (!st->nodes || !st->props || (n && !st->values))
		return -ENOMEM;
	/* named as the device, unique among the root software nodes */
	snprintf(st->bus_name, sizeof(st->bus_name), "%s.%d",
		 SERCAM_TTY_DRIVER, st->id);
	st->nodes[0].name = st->bus_name;
	st->num_nodes = 1;
	for (i = 0; i < n; i++) {
		int ret = sercam_tty_node_of(st, &entries[i]);

		if (ret < 0)
			return ret;
		node_of[i] = ret;
	}

	/* each node's properties together, in the order given */
	for (node = 0; node < st->num_nodes; node++) {
		st->nodes[node].properties = &st->props[pos];
		for (i = 0; i < n; i++) {
			enum sercam_prop_type type;
			const char *name = entries[i];
			bool known;
			char *val;
			int ret;

			if (node_of[i] != node)
				continue;
			val = strchr(entries[i], '=');
			if (val)
				*val++ = '\0';
			if (!node && f->addr_prop && !strcmp(name, "address"))
				name = f->addr_prop;
			if (!sercam_tty_name_ok(name)) {
				sercam_tty_err(st, "\"%s\" is not a property name\n",
					       name);
				return -EINVAL;
			}
			type = sercam_tty_prop_type(f, name, node, &known);
			if (!known) {
				sercam_tty_err(st, "the %s family has no property %s%s%s\n",
					       f->short_name, node ? st->nodes[node].name : "",
					       node ? "/" : "", name);
				return -EINVAL;
			}
			ret = sercam_tty_value(st, &st->props[pos], name, type,
					       val, &st->values[used]);
			if (ret < 0)
				return ret;
			if (ret)
				continue;
			used += SERCAM_TTY_ARRAY_MAX;
			pos++;
		}
		/* the empty entry ending the node's list */
		pos++;
	}
	return 0;
}

/* --- attach and detach ----------------------------------------------------- */

static void sercam_tty_free_config(struct sercam_tty *st)
{
	kfree(st->nodes);
	kfree(st->props);
	kfree(st->values);
	kfree(st->text);
	st->nodes = NULL;
	st->props = NULL;
	st->values = NULL;
	st->text = NULL;
	st->num_nodes = 0;
}

static void sercam_tty_unregister_nodes(struct sercam_tty *st,
					unsigned int n)
{
	while (n--)
		software_node_unregister(&st->nodes[n]);
}

/* Remove the cameras (as an unbind: open nodes see ENODEV); under lock. */
static void sercam_tty_detach(struct sercam_tty *st)
{
	if (!st->family)
		return;
	if (st->pdev) {
		platform_device_unregister(st->pdev);
		st->pdev = NULL;
		sercam_tty_unregister_nodes(st, st->num_nodes);
	}
	sercam_tty_free_config(st);
	if (st->id >= 0)
		ida_free(&sercam_tty_ids, st->id);
	st->id = -1;
	sercam_family_put(st->family);
	st->family = NULL;
}

static int sercam_tty_add_device(struct sercam_tty *st)
{
	struct platform_device *pdev = st->pdev;
	unsigned int i;
	int ret;

	for (i = 0; i < st->num_nodes; i++) {
		ret = software_node_register(&st->nodes[i]);
		if (ret) {
			sercam_tty_unregister_nodes(st, i);
			return ret;
		}
	}
	pdev->dev.parent = st->tty->dev;
	pdev->dev.fwnode = software_node_fwnode(&st->nodes[0]);
	ret = platform_device_add_data(pdev, &st, sizeof(st));
	if (!ret) {
		st->probe_ret = -ENODEV;
		ret = platform_device_add(pdev);
	}
	if (ret) {
		platform_device_put(pdev);
		st->pdev = NULL;
		sercam_tty_unregister_nodes(st, st->num_nodes);
		return ret;
	}
	/* the probe ran (synchronously) and failed: the log says why */
	if (st->probe_ret) {
		platform_device_unregister(pdev);
		st->pdev = NULL;
		sercam_tty_unregister_nodes(st, st->num_nodes);
		return st->probe_ret;
	}
	return 0;
}

static int sercam_tty_attach(struct sercam_tty *st,
			     struct sercam_attach __user *uarg)
{
	struct sercam_attach a;
	struct sercam_bus *bus;
	u32 usize;
	int ret;

	/* it makes devices and loads modules */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(usize, &uarg->size))
		return -EFAULT;
	if (usize < sizeof(a))
		return -EINVAL;
	ret = copy_struct_from_user(&a, sizeof(a), uarg, usize);
	if (ret)
		return ret;
	if (a.flags || a.props_len > SERCAM_ATTACH_PROPS_MAX ||
	    !memchr(a.family, '\0', sizeof(a.family)))
		return -EINVAL;

	mutex_lock(&st->lock);
	ret = -EBUSY;
	if (st->family)
		goto out;
	ret = -ENODEV;
	if (READ_ONCE(st->hung))
		goto out;
	st->family = sercam_family_get(a.family);
	if (!st->family) {
		sercam_tty_err(st, "no camera family \"%s\" (no module sercam-%s)\n",
			       a.family, a.family);
		ret = -ENOENT;
		goto out;
	}
	st->text = memdup_user_nul(u64_to_user_ptr(a.props), a.props_len);
	if (IS_ERR(st->text)) {
		ret = PTR_ERR(st->text);
		st->text = NULL;
		goto err_detach;
	}
	ret = ida_alloc(&sercam_tty_ids, GFP_KERNEL);
	if (ret < 0)
		goto err_detach;
	st->id = ret;
	/* "sercam-tty.N": the platform bus matches the driver by name */
	st->pdev = platform_device_alloc(SERCAM_TTY_DRIVER, st->id);
	ret = -ENOMEM;
	if (!st->pdev)
		goto err_detach;
	ret = sercam_tty_parse(st, a.props_len);
	if (ret)
		goto err_put_pdev;
	ret = sercam_tty_add_device(st);
	if (ret)
		goto err_detach;

	bus = container_of((struct sercam_link *)dev_get_drvdata(&st->pdev->dev),
			   struct sercam_bus, link);
	a.num_cams = bus->num_cams;
	strscpy(a.device, dev_name(&st->pdev->dev), sizeof(a.device));
	ret = 0;
	if (copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
	goto out;

err_put_pdev:
	platform_device_put(st->pdev);
	st->pdev = NULL;
err_detach:
	sercam_tty_detach(st);
out:
	mutex_unlock(&st->lock);
	return ret;
}

/* --- the line discipline --------------------------------------------------- */

static int sercam_ldisc_open(struct tty_struct *tty)
{
	struct sercam_tty *st;

	if (!tty->ops->write)
		return -EOPNOTSUPP;
	/* a pty master has no line settings (tty_set_termios() warns) */
	if (tty->driver->type == TTY_DRIVER_TYPE_PTY &&
	    tty->driver->subtype == PTY_TYPE_MASTER)
		return -EOPNOTSUPP;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->tty = tty;
	st->id = -1;
	mutex_init(&st->lock);
	mutex_init(&st->rx_lock);
	init_waitqueue_head(&st->write_wait);
	tty->disc_data = st;
	tty->receive_room = SERCAM_TTY_RECEIVE_ROOM;
	tty_driver_flush_buffer(tty);
	return 0;
}

/* Another discipline, the last close, a hangup: the cameras go. */
static void sercam_ldisc_close(struct tty_struct *tty)
{
	struct sercam_tty *st = tty->disc_data;

	mutex_lock(&st->lock);
	sercam_tty_detach(st);
	mutex_unlock(&st->lock);
	tty->disc_data = NULL;
	/* a poller (sercam-attach) learns that the discipline went */
	wake_up_interruptible_all(&tty->read_wait);
	mutex_destroy(&st->lock);
	mutex_destroy(&st->rx_lock);
	kfree(st);
}

/* The tty is going (the adapter was unplugged): fail writes at once. */
static void sercam_ldisc_hangup(struct tty_struct *tty)
{
	struct sercam_tty *st = tty->disc_data;

	WRITE_ONCE(st->hung, true);
	wake_up_all(&st->write_wait);
}

static void sercam_ldisc_write_wakeup(struct tty_struct *tty)
{
	struct sercam_tty *st = tty->disc_data;

	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	wake_up_all(&st->write_wait);
}

static void sercam_ldisc_receive(struct tty_struct *tty, const u8 *cp,
				 const SERCAM_LDISC_FP *fp,
				 SERCAM_LDISC_COUNT count)
{
	struct sercam_tty *st = tty->disc_data;

	/* a byte with a framing or parity error is still the camera's */
	mutex_lock(&st->rx_lock);
	if (st->link)
		sercam_link_receive(st->link, cp, count);
	mutex_unlock(&st->rx_lock);
}

static int sercam_ldisc_ioctl(struct tty_struct *tty, unsigned int cmd,
			      unsigned long arg)
{
	struct sercam_tty *st = tty->disc_data;

	switch (cmd) {
	case SERCAM_IOC_ATTACH:
		return sercam_tty_attach(st, (void __user *)arg);
	default:
		return n_tty_ioctl_helper(tty, cmd, arg);
	}
}

/* Nothing to read: a poller hears the hangup, and the discipline going. */
static __poll_t sercam_ldisc_poll(struct tty_struct *tty, struct file *file,
				  poll_table *wait)
{
	struct sercam_tty *st = tty->disc_data;

	poll_wait(file, &tty->read_wait, wait);
	if (tty_hung_up_p(file) || READ_ONCE(st->hung) ||
	    test_bit(TTY_OTHER_CLOSED, &tty->flags))
		return EPOLLHUP;
	return 0;
}

static struct tty_ldisc_ops sercam_ldisc = {
	.owner = THIS_MODULE,
	.num = N_SERCAM,
	.name = "sercam",
	.open = sercam_ldisc_open,
	.close = sercam_ldisc_close,
	.hangup = sercam_ldisc_hangup,
	.ioctl = sercam_ldisc_ioctl,
	.poll = sercam_ldisc_poll,
	.receive_buf = sercam_ldisc_receive,
	.write_wakeup = sercam_ldisc_write_wakeup,
};

static bool sercam_ldisc_registered;

/*
 * sercam.ko's init: the framework (its debugfs root), then the line
 * discipline and its devices' driver, the top of the module. A line
 * discipline number another module holds is not fatal: the devicetree
 * cameras work all the same, and the log says why attaching does not.
 */
static int __init sercam_module_init(void)
{
	int ret;

	sercam_core_init();
	ret = platform_driver_register(&sercam_tty_driver);
	if (ret) {
		sercam_core_exit();
		return ret;
	}
	ret = tty_register_ldisc(&sercam_ldisc);
	if (ret)
		pr_warn("sercam: line discipline %d (N_DEVELOPMENT) is taken (%d): sercam-attach will not work\n",
			N_SERCAM, ret);
	sercam_ldisc_registered = !ret;
	return 0;
}
module_init(sercam_module_init);

/* no tty has the discipline at exit: each holds the module */
static void __exit sercam_module_exit(void)
{
	if (sercam_ldisc_registered)
		tty_unregister_ldisc(&sercam_ldisc);
	platform_driver_unregister(&sercam_tty_driver);
	sercam_core_exit();
}
module_exit(sercam_module_exit);

/* setting the discipline on a tty loads sercam */
MODULE_ALIAS_LDISC(N_SERCAM);
