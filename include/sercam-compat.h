/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sercam-compat.h - the kernel API differences sercam builds across
 *
 * sercam is built out of tree against 6.1 .. 6.12 (Debian 12's kernels).
 * Every version difference the driver meets is handled here and nowhere
 * else; a driver merged upstream would drop this file. checkpatch warns
 * about LINUX_VERSION_CODE in it: that warning is for merged code, and is
 * the one it is expected to give here.
 *
 * Copyright (C) 2026 The sercam authors
 */
#ifndef _SERCAM_COMPAT_H
#define _SERCAM_COMPAT_H

#include <linux/version.h>

/*
 * 6.12 moved the unaligned accessors out of asm/. (A version test rather
 * than __has_include: Debian 12's sparse cannot parse the latter.)
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.8: serdev's receive_buf() takes const u8 * and returns size_t
 * (before: const unsigned char * and int).
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define SERCAM_RX_RET		size_t
#else
#define SERCAM_RX_RET		int
#endif

/* 6.8: vb2_queue.min_buffers_needed became min_queued_buffers. */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define sercam_vb2_set_min_queued(q, n)	((q)->min_queued_buffers = (n))
#else
#define sercam_vb2_set_min_queued(q, n)	((q)->min_buffers_needed = (n))
#endif

/*
 * 6.13: vb2 takes and drops q->lock itself around waits; before, the
 * driver had to say so with wait_prepare/wait_finish.
 */
#if KERNEL_VERSION(6, 13, 0) > LINUX_VERSION_CODE
#define SERCAM_VB2_WAIT_OPS			\
	.wait_prepare = vb2_ops_wait_prepare,	\
	.wait_finish = vb2_ops_wait_finish,
#else
#define SERCAM_VB2_WAIT_OPS
#endif

/*
 * 6.6: a line discipline's receive_buf() takes its flags as const u8 * and
 * a size_t count (before: const char * and int).
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define SERCAM_LDISC_FP		u8
#define SERCAM_LDISC_COUNT	size_t
#else
#define SERCAM_LDISC_FP		char
#define SERCAM_LDISC_COUNT	int
#endif

/*
 * 6.11: platform_driver.remove returns void; from 6.3 (and in Debian's
 * 6.1) the void one was .remove_new.
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define SERCAM_PLATFORM_REMOVE	remove
#else
#define SERCAM_PLATFORM_REMOVE	remove_new
#endif

/*
 * vb2_video_unregister_device() stops a stream by releasing the queue. In
 * 6.12 it does so whoever owns the queue; 6.1's only when a file handle
 * owns it, and a read() that starts the stream owns it only once its first
 * frame is in: an unbind during that frame left the stream running, its
 * capture on a camera cut from its bus. Before 6.12 (where between 6.1 and
 * 6.12 this changed is not pinned down here) the driver releases the queue
 * again itself, which is a no-op on a released queue. Under the queue's
 * lock, after vb2_video_unregister_device().
 */
#if KERNEL_VERSION(6, 12, 0) > LINUX_VERSION_CODE
#define sercam_vb2_release_unowned(q)	vb2_queue_release(q)
#else
#define sercam_vb2_release_unowned(q)	((void)(q))
#endif

/* 6.2: KUnit gained KUNIT_EXPECT_MEMEQ (it dumps both buffers on failure). */
#if defined(KUNIT_EXPECT_EQ) && !defined(KUNIT_EXPECT_MEMEQ)
#define KUNIT_EXPECT_MEMEQ(test, left, right, size)	\
	KUNIT_EXPECT_EQ(test, memcmp(left, right, size), 0)
#endif

#endif /* _SERCAM_COMPAT_H */
