// SPDX-License-Identifier: GPL-2.0
/*
 * pixy-objects - print the objects a Pixy (CMUcam5) detects, from sercam's
 * metadata node (V4L2_META_FMT_SERCAM_PIXY, include/uapi/linux/sercam.h).
 *
 *   pixy-objects [-n COUNT] [/dev/videoN]
 *
 * Streams with mmap and prints, per Pixy frame:
 *   frame SEQ t=SECONDS blocks=K [flags=...] [missed=M]
 *     sig=S x=X y=Y w=W h=H [cc angle=A]
 * "missed" counts the camera's frames between this one and the last one
 * printed (dropped by Pixy on a slow line, or for want of a buffer).
 * Without a device it takes the first sercam metadata node. Plain C and
 * the V4L2 API only: a starting point for an application.
 *
 * Build: cc -O2 -I<sercam>/include/uapi -o pixy-objects pixy-objects.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/sercam.h>
#include <linux/videodev2.h>

#define NBUFS	4

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r;
}

static int is_pixy_node(int fd)
{
	struct v4l2_capability cap;
	struct v4l2_fmtdesc fd_desc = { .type = V4L2_BUF_TYPE_META_CAPTURE };

	if (xioctl(fd, VIDIOC_QUERYCAP, &cap) ||
	    !(cap.device_caps & V4L2_CAP_META_CAPTURE))
		return 0;
	return !xioctl(fd, VIDIOC_ENUM_FMT, &fd_desc) &&
	       fd_desc.pixelformat == V4L2_META_FMT_SERCAM_PIXY;
}

static int open_node(const char *path)
{
	char name[32];
	int fd, i;

	if (path) {
		fd = open(path, O_RDWR);
		if (fd < 0) {
			fprintf(stderr, "pixy-objects: %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		if (!is_pixy_node(fd)) {
			fprintf(stderr, "pixy-objects: %s is not a sercam Pixy node\n",
				path);
			close(fd);
			return -1;
		}
		return fd;
	}
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "/dev/video%d", i);
		fd = open(name, O_RDWR);
		if (fd < 0)
			continue;
		if (is_pixy_node(fd))
			return fd;
		close(fd);
	}
	fprintf(stderr, "pixy-objects: no Pixy node (is sercam-pixy loaded?)\n");
	return -1;
}

static unsigned int le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static void print_frame(const struct v4l2_buffer *b, const unsigned char *d,
			long missed)
{
	unsigned int count = le16(d), flags = le16(d + 2), i;
	const unsigned char *r = d + sizeof(struct sercam_pixy_header);

	printf("frame %u t=%ld.%06ld blocks=%u", b->sequence,
	       (long)b->timestamp.tv_sec, (long)b->timestamp.tv_usec, count);
	if (flags)
		printf(" flags=%s%s%s (dropped %u)",
		       flags & SERCAM_PIXY_FL_BAD_BLOCKS ? "bad-blocks," : "",
		       flags & SERCAM_PIXY_FL_BROKEN ? "broken," : "",
		       flags & SERCAM_PIXY_FL_TRUNCATED ? "truncated," : "",
		       le16(d + 4));
	if (missed > 0)
		printf(" missed=%ld", missed);
	printf("\n");
	for (i = 0; i < count; i++, r += sizeof(struct sercam_pixy_block)) {
		printf("  sig=%u x=%u y=%u w=%u h=%u", le16(r), le16(r + 2),
		       le16(r + 4), le16(r + 6), le16(r + 8));
		if (le16(r + 12) & SERCAM_PIXY_BLOCK_CC)
			printf(" cc angle=%d", (short)le16(r + 10));
		printf("\n");
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int type = V4L2_BUF_TYPE_META_CAPTURE, fd, opt, i;
	struct v4l2_requestbuffers rb = {
		.count = NBUFS, .type = V4L2_BUF_TYPE_META_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	void *map[NBUFS];
	long count = -1, n, last = -1;

	while ((opt = getopt(argc, argv, "n:h")) != -1) {
		if (opt == 'n') {
			count = strtol(optarg, NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [-n COUNT] [/dev/videoN]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	fd = open_node(optind < argc ? argv[optind] : NULL);
	if (fd < 0)
		return 1;
	if (xioctl(fd, VIDIOC_REQBUFS, &rb) || rb.count < 2) {
		perror("pixy-objects: VIDIOC_REQBUFS");
		return 1;
	}
	for (i = 0; i < (int)rb.count && i < NBUFS; i++) {
		struct v4l2_buffer b = {
			.index = i, .type = V4L2_BUF_TYPE_META_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(fd, VIDIOC_QUERYBUF, &b)) {
			perror("pixy-objects: VIDIOC_QUERYBUF");
			return 1;
		}
		map[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
			      b.m.offset);
		if (map[i] == MAP_FAILED || xioctl(fd, VIDIOC_QBUF, &b)) {
			perror("pixy-objects: mmap/VIDIOC_QBUF");
			return 1;
		}
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type)) {
		perror("pixy-objects: VIDIOC_STREAMON");
		return 1;
	}
	for (n = 0; count < 0 || n < count; n++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_META_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(fd, VIDIOC_DQBUF, &b)) {
			perror("pixy-objects: VIDIOC_DQBUF");
			return 1;
		}
		print_frame(&b, map[b.index],
			    last < 0 ? 0 : (long)b.sequence - last - 1);
		last = b.sequence;
		if (xioctl(fd, VIDIOC_QBUF, &b)) {
			perror("pixy-objects: VIDIOC_QBUF");
			return 1;
		}
	}
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	close(fd);
	return 0;
}
