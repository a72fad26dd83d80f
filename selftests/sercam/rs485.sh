#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two cameras (addresses 1 and 2) on one RS-485 bus: one video node each,
# both streaming at once, each frame identical to what its own camera sent.
# The devicetree lists a third, camera 5, first (see run.sh); nothing
# answers there: it gets a node all the same (it may be plugged in later),
# a warning that names it, and must not stop the others.
echo "TAP version 13"
echo "1..4"
a=$(sercam_dev.sh 1) && b=$(sercam_dev.sh 2)
if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then
	echo "ok 1 - camera 1 is $a, camera 2 is $b"
else
	echo "not ok 1 - two video nodes for the two cameras ('$a' '$b')"
	exit 1
fi
SERCAM_DEV=$a SERCAM_ADDR=1 sercam_capture 320x240 5 mmap >/tmp/cam1.tap 2>&1 &
SERCAM_DEV=$b SERCAM_ADDR=2 sercam_capture 320x240 5 mmap >/tmp/cam2.tap 2>&1
r2=$?
wait $!
r1=$?
for n in 1 2; do
	eval r=\$r$n
	if [ "$r" = 0 ]; then
		echo "ok $((n + 1)) - camera $n streamed 5 frames beside the other, each its own camera's"
	else
		grep '^not ok' /tmp/cam$n.tap | head -3 | sed 's/^/# /'
		echo "not ok $((n + 1)) - camera $n streaming beside the other"
	fi
done
warn=$(dmesg | grep 'SXH485 camera at address 5 on .* does not answer at [0-9]* baud (-[0-9]*): looking again when used')
if [ -n "$warn" ] && sercam_dev.sh 5 >/dev/null &&
	dmesg | grep -q '2 SXH485 camera(s) on .* at [0-9]* baud'; then
	echo "ok 4 - camera 5 (listed, silent) has a node and is named:${warn#*]}"
else
	dmesg | grep sercam | sed 's/^/# /'
	echo "not ok 4 - camera 5 (listed, silent): a node, a warning naming it, 2 cameras found"
fi
